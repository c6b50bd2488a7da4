"""The ledger roll-ups (analytics/models.py); their triggers come in 0002."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0013_saved_views_and_column_choice"),
    ]

    operations = [
        migrations.CreateModel(
            name="CohortMonth",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("team_id", models.BigIntegerField()),
                ("owner_id", models.BigIntegerField(null=True)),
                ("cohort", models.DateField()),
                ("month", models.DateField()),
                ("amount", models.DecimalField(decimal_places=2, max_digits=16)),
                ("movements", models.IntegerField()),
                ("started", models.IntegerField()),
            ],
            options={
                "indexes": [models.Index(models.F("cohort"), name="cohortmonth_cohort_idx")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("team_id", "owner_id", "cohort", "month"),
                        name="cohortmonth_key",
                        nulls_distinct=False,
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="LedgerMonth",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("team_id", models.BigIntegerField()),
                ("owner_id", models.BigIntegerField(null=True)),
                ("month", models.DateField()),
                ("kind", models.CharField(max_length=12)),
                ("amount", models.DecimalField(decimal_places=2, max_digits=16)),
                ("movements", models.IntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("team_id", "owner_id", "month", "kind"),
                        name="ledgermonth_key",
                        nulls_distinct=False,
                    )
                ],
            },
        ),
    ]
