from typing import Any

from django.db import migrations

# The default levers and phase plays as playbooks/catalogue.py defined them when this migration
# was written, frozen here: a migration must give the same result whatever the code becomes.
DEFAULT_LEVERS = [
    {
        "kind": "temporary_upgrade",
        "name": "Temporary upgrade",
        "default_params": {"months": "6", "upgrade_mrr": "200"},
        "param_limits": {
            "months": {"min": "1", "max": "12", "label": "Months", "whole": True},
            "upgrade_mrr": {
                "min": "0",
                "max": "100000",
                "label": "Upgrade value per month",
                "whole": False,
            },
        },
        "phases": ["defense", "growth", "maturation"],
        "bands": ["critical", "high", "medium"],
        "segments": [],
        "give_backs": ["success_story", "webinar"],
        "keeps_cash_flowing": True,
        "keeps_subscription": True,
        "order": 10,
    },
    {
        "kind": "early_access",
        "name": "Early access to new features",
        "default_params": {"months": "3", "value_mrr": "0"},
        "param_limits": {
            "months": {"min": "1", "max": "12", "label": "Months", "whole": True},
            "value_mrr": {
                "min": "0",
                "max": "100000",
                "label": "Estimated value per month",
                "whole": False,
            },
        },
        "phases": ["growth", "maturation"],
        "bands": [],
        "segments": [],
        "give_backs": ["webinar", "reference"],
        "keeps_cash_flowing": True,
        "keeps_subscription": True,
        "order": 20,
    },
    {
        "kind": "free_services",
        "name": "Free professional services",
        "default_params": {"days": "5", "day_rate": "800"},
        "param_limits": {
            "days": {"min": "0.5", "max": "60", "label": "Days", "whole": False},
            "day_rate": {"min": "0", "max": "10000", "label": "Day rate", "whole": False},
        },
        "phases": ["defense", "deployment"],
        "bands": ["critical", "high", "medium"],
        "segments": [],
        "give_backs": ["success_story", "reference"],
        "keeps_cash_flowing": True,
        "keeps_subscription": True,
        "order": 30,
    },
    {
        "kind": "payment_holiday",
        "name": "Payment holiday",
        "default_params": {"months": "3"},
        "param_limits": {"months": {"min": "1", "max": "6", "label": "Months", "whole": True}},
        "phases": ["defense", "deployment"],
        "bands": ["critical", "high"],
        "segments": [],
        "give_backs": ["longer_commitment", "success_story"],
        "keeps_cash_flowing": False,
        "keeps_subscription": True,
        "order": 40,
    },
    {
        "kind": "payment_deferral",
        "name": "Payment deferral",
        "default_params": {"months": "3"},
        "param_limits": {"months": {"min": "1", "max": "6", "label": "Months", "whole": True}},
        "phases": [],
        "bands": ["critical", "high", "medium"],
        "segments": [],
        "give_backs": ["longer_commitment"],
        "keeps_cash_flowing": False,
        "keeps_subscription": True,
        "order": 50,
    },
    {
        "kind": "instalment_plan",
        "name": "Instalment plan",
        "default_params": {"instalments": "3"},
        "param_limits": {
            "balance": {"min": "0.01", "max": "10000000", "label": "Balance", "whole": False},
            "instalments": {"min": "2", "max": "12", "label": "Instalments", "whole": True},
        },
        "phases": [],
        "bands": ["critical", "high", "medium"],
        "segments": [],
        "give_backs": ["longer_commitment"],
        "keeps_cash_flowing": True,
        "keeps_subscription": True,
        "order": 60,
    },
    {
        "kind": "temporary_downsell",
        "name": "Temporary downsell",
        "default_params": {"percent": "30", "months": "3"},
        "param_limits": {
            "percent": {"min": "1", "max": "100", "label": "Discount percentage", "whole": False},
            "months": {"min": "1", "max": "12", "label": "Months", "whole": True},
        },
        "phases": ["defense", "maturation"],
        "bands": ["critical", "high"],
        "segments": [],
        "give_backs": ["longer_commitment", "reference"],
        "keeps_cash_flowing": True,
        "keeps_subscription": True,
        "order": 70,
    },
    {
        "kind": "free_feature",
        "name": "Free feature for a limited time",
        "default_params": {"feature_mrr": "100", "months": "3"},
        "param_limits": {
            "feature_mrr": {
                "min": "0",
                "max": "100000",
                "label": "Feature value per month",
                "whole": False,
            },
            "months": {"min": "1", "max": "12", "label": "Months", "whole": True},
        },
        "phases": [],
        "bands": ["critical", "high", "medium"],
        "segments": [],
        "give_backs": ["success_story", "webinar"],
        "keeps_cash_flowing": True,
        "keeps_subscription": True,
        "order": 80,
    },
    {
        "kind": "price_cut_for_commitment",
        "name": "Lower price for a longer commitment",
        "default_params": {"percent": "10", "extra_months": "12"},
        "param_limits": {
            "percent": {"min": "1", "max": "50", "label": "Discount percentage", "whole": False},
            "extra_months": {
                "min": "6",
                "max": "36",
                "label": "Extra months of commitment",
                "whole": True,
            },
        },
        "phases": ["defense", "growth", "maturation"],
        "bands": ["high", "medium"],
        "segments": [],
        "give_backs": ["longer_commitment", "reference"],
        "keeps_cash_flowing": True,
        "keeps_subscription": True,
        "order": 90,
    },
]

# (phase, order, title, description)
DEFAULT_PLAYS = [
    [
        "deployment",
        10,
        "List the deployment gaps",
        "Every step still blocking go-live, with an owner and a date. The longer deployment drags, the "
        "higher the risk, above all before a break clause.",
    ],
    [
        "deployment",
        20,
        "Close the gaps with CS or professional services",
        "Bring in customer success or professional-services help where the account is stuck, rather "
        "than waiting for it to unblock itself.",
    ],
    [
        "defense",
        10,
        "Write a proactive recovery plan",
        "Agree with the sponsor on what must change (adoption, a stakeholder who left, competitor "
        "pressure, technical problems) and by when.",
    ],
    [
        "defense",
        20,
        "Or decide collectively on expected churn",
        "If nothing will turn the account around, flag it as expected churn with your manager so the "
        "loss is forecast and effort goes where it helps. Never hide a churn risk.",
    ],
    [
        "maturation",
        10,
        "Send the right content",
        "Material that takes the account deeper into the product and towards the outcome it bought it "
        "for.",
    ],
    [
        "maturation",
        20,
        "Use the right channel",
        "Reach each level (users, operational and economic beneficiaries) where they listen.",
    ],
    [
        "maturation",
        30,
        "Set the right cadence",
        "Touchpoints often enough to catch a problem early, not so often they become noise.",
    ],
    [
        "growth",
        10,
        "Requalify the expansion opportunity",
        "For each opportunity decide: this quarter, later, or never, and say why.",
    ],
]


def seed_catalogue(apps: Any, schema_editor: Any) -> None:
    # The nine levers of the brief and the phase plays; rows an admin already has are kept.
    Lever = apps.get_model("playbooks", "Lever")
    Play = apps.get_model("playbooks", "Play")
    for row in DEFAULT_LEVERS:
        fields = dict(row)
        Lever.objects.get_or_create(name=fields.pop("name"), defaults=fields)
    for phase, order, title, description in DEFAULT_PLAYS:
        Play.objects.get_or_create(
            phase=phase, title=title, defaults={"order": order, "description": description}
        )


class Migration(migrations.Migration):
    dependencies = [("playbooks", "0001_initial")]
    operations = [migrations.RunPython(seed_catalogue, migrations.RunPython.noop)]
