from django.db import migrations

# A snapshot of risk/default_model.py at the time of this migration would be more stable, but
# the default model is only ever read here, to create version 1 on an empty database.


def publish_default_model(apps, schema_editor):
    from django.utils import timezone

    from risk.default_model import DEFAULT_MODEL

    RiskModel = apps.get_model("risk", "RiskModel")
    if not RiskModel.objects.exists():
        RiskModel.objects.create(
            version=1,
            status="published",
            config=DEFAULT_MODEL,
            notes="Default model from the product brief.",
            published_at=timezone.now(),
        )


def create_default_rule(apps, schema_editor):
    # The brief's default: defense with a high or critical band, or critical and renewing soon.
    Rule = apps.get_model("risk", "ExpectedChurnRule")
    if not Rule.objects.exists():
        Rule.objects.create(
            phases=["defense"],
            bands_in_phases=["high", "critical"],
            bands_renewing_this_quarter=["critical"],
            suppression_days=30,
        )


class Migration(migrations.Migration):
    dependencies = [("risk", "0002_initial")]
    operations = [
        migrations.RunPython(publish_default_model, migrations.RunPython.noop),
        migrations.RunPython(create_default_rule, migrations.RunPython.noop),
    ]
