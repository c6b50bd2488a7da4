from typing import Any

from django.db import migrations


def seed_catalogue(apps: Any, schema_editor: Any) -> None:
    # The nine levers of the brief and the phase plays; rows an admin already has are kept.
    from playbooks.catalogue import seed_defaults

    seed_defaults(apps.get_model("playbooks", "Lever"), apps.get_model("playbooks", "Play"))


class Migration(migrations.Migration):
    dependencies = [("playbooks", "0001_initial")]
    operations = [migrations.RunPython(seed_catalogue, migrations.RunPython.noop)]
