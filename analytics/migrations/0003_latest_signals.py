"""Each account's latest reading of each signal (analytics/models.py); its triggers come in 0004."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('analytics', '0002_ledger_rollup_triggers'),
    ]

    operations = [
        migrations.CreateModel(
            name='LatestSignal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('account_id', models.BigIntegerField()),
                ('name', models.CharField(max_length=50)),
                ('value', models.DecimalField(decimal_places=4, max_digits=14, null=True)),
                ('category', models.CharField(max_length=120)),
                ('as_of', models.DateField()),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('account_id', 'name'), name='latestsignal_key')],
            },
        ),
    ]
