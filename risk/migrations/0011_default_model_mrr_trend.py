"""The default model gains an MRR trend: MRR against six months earlier (a contraction often
comes before the account leaves, an expansion protects).

As for 0010: a fresh install (the shipped model is the only one and has scored nothing yet)
starts from the updated default; anywhere else it arrives as a draft, which an admin backtests
against the active model and publishes (or not) through governance.
"""

import json

from django.db import migrations

NOTES = "Default model updated: MRR trend."

# risk/default_model.py as it was when this migration was written, frozen here: a migration must
# give the same result whatever the application code becomes later.
DEFAULT_MODEL = json.loads(
    """
{
    "base_score": 20,
    "bands": {
        "medium": 35,
        "high": 55,
        "critical": 75
    },
    "max_fact_age_days": 180,
    "weights": {
        "account_size": 1.0,
        "cash_stability": 1.0,
        "geography": 1.0,
        "industry": 1.0,
        "kpi_attainment": 1.0,
        "mrr_trend": 1.0,
        "phase": 1.0,
        "renewal_proximity": 1.0,
        "signing_discount": 1.0,
        "stakeholder": 1.0,
        "usage_trend": 1.0
    },
    "industry_points": {
        "travel": 18,
        "aviation": 18,
        "hospitality": 16,
        "events": 16,
        "recruitment": 12,
        "retail": 10,
        "media": 4,
        "manufacturing": 4,
        "financial_services": 2,
        "education": 1,
        "software": 0,
        "other": 0,
        "public_sector": -2,
        "supply_chain": -2,
        "logistics": -3,
        "healthcare": -3,
        "ecommerce": -3,
        "remote_work": -4
    },
    "country_points": {
        "IT": [
            {
                "effective_from": "2020-03-01",
                "points": 14,
                "note": "first and longest lockdowns"
            },
            {
                "effective_from": "2022-06-01",
                "points": 6,
                "note": "recovered, still fragile"
            }
        ],
        "ES": [
            {
                "effective_from": "2020-03-14",
                "points": 14,
                "note": "long lockdown, tourism-bound"
            },
            {
                "effective_from": "2022-06-01",
                "points": 6,
                "note": "tourism back, recovery slow"
            }
        ],
        "GB": [
            {
                "effective_from": "2020-03-23",
                "points": 8,
                "note": "repeated lockdowns"
            },
            {
                "effective_from": "2022-02-24",
                "points": 4,
                "note": "reopened, energy prices bite"
            }
        ],
        "US": [
            {
                "effective_from": "2020-03-15",
                "points": 6,
                "note": "uneven state lockdowns"
            },
            {
                "effective_from": "2021-06-01",
                "points": 1,
                "note": "rebounded early"
            }
        ],
        "CN": [
            {
                "effective_from": "2020-01-23",
                "points": 12,
                "note": "zero-COVID closures"
            },
            {
                "effective_from": "2023-01-08",
                "points": 3,
                "note": "reopened after zero-COVID"
            }
        ],
        "DE": [
            {
                "effective_from": "2020-01-01",
                "points": -1,
                "note": "short-time work cushions"
            }
        ],
        "BR": [
            {
                "effective_from": "2020-03-20",
                "points": 12,
                "note": "long crisis, weak currency"
            },
            {
                "effective_from": "2022-01-01",
                "points": 7,
                "note": "slow recovery"
            }
        ]
    },
    "region_of_country": {
        "IT": "EU-South",
        "ES": "EU-South",
        "PT": "EU-South",
        "GR": "EU-South",
        "CY": "EU-South",
        "MT": "EU-South",
        "FR": "EU-West",
        "DE": "EU-West",
        "BE": "EU-West",
        "NL": "EU-West",
        "LU": "EU-West",
        "AT": "EU-West",
        "CH": "EU-West",
        "IE": "EU-West",
        "GB": "EU-West",
        "SE": "EU-North",
        "NO": "EU-North",
        "DK": "EU-North",
        "FI": "EU-North",
        "IS": "EU-North",
        "EE": "EU-North",
        "US": "North America",
        "CA": "North America",
        "MX": "LATAM",
        "BR": "LATAM",
        "AR": "LATAM",
        "CL": "LATAM",
        "CO": "LATAM",
        "PE": "LATAM",
        "CN": "APAC",
        "JP": "APAC",
        "KR": "APAC",
        "IN": "APAC",
        "SG": "APAC",
        "AU": "APAC",
        "NZ": "APAC",
        "HK": "APAC",
        "ID": "APAC",
        "AE": "MEA",
        "SA": "MEA",
        "IL": "MEA",
        "ZA": "MEA",
        "EG": "MEA",
        "MA": "MEA",
        "NG": "MEA"
    },
    "region_points": {
        "EU-South": 6,
        "EU-West": 2,
        "EU-North": -2,
        "North America": 2,
        "LATAM": 7,
        "APAC": 3,
        "MEA": 5
    },
    "runway_thresholds": [
        {
            "value": "1",
            "points": 28
        },
        {
            "value": "3",
            "points": 22
        },
        {
            "value": "6",
            "points": 15
        },
        {
            "value": "12",
            "points": 8
        },
        {
            "value": "24",
            "points": 2
        }
    ],
    "funding_stage_points": {
        "bootstrapped": 3,
        "seed": 10,
        "series_a": 7,
        "series_b_plus": 4,
        "profitable": -4,
        "listed": -3,
        "multinational": -5
    },
    "burn_thresholds": [
        {
            "value": "50000",
            "points": 2
        },
        {
            "value": "200000",
            "points": 5
        },
        {
            "value": "1000000",
            "points": 8
        }
    ],
    "self_funded_stages": [
        "profitable",
        "listed",
        "multinational"
    ],
    "late_payment_thresholds": [
        {
            "value": "1",
            "points": 3
        },
        {
            "value": "2",
            "points": 6
        },
        {
            "value": "3",
            "points": 10
        },
        {
            "value": "5",
            "points": 14
        }
    ],
    "segment_cash_points": {
        "smb": 3,
        "mid_market": 0,
        "enterprise": -2
    },
    "phase_points": {
        "deployment": 6,
        "defense": 16,
        "maturation": 0,
        "growth": -5
    },
    "deployment_late_thresholds": [
        {
            "value": "1",
            "points": 2
        },
        {
            "value": "30",
            "points": 6
        },
        {
            "value": "60",
            "points": 10
        },
        {
            "value": "90",
            "points": 14
        },
        {
            "value": "180",
            "points": 18
        }
    ],
    "expected_deployment_days": 90,
    "break_clause_thresholds": [
        {
            "value": "30",
            "points": 12
        },
        {
            "value": "90",
            "points": 7
        },
        {
            "value": "180",
            "points": 3
        }
    ],
    "break_clause_phases": [
        "deployment",
        "defense"
    ],
    "defense_duration_thresholds": [
        {
            "value": "90",
            "points": 3
        },
        {
            "value": "180",
            "points": 6
        }
    ],
    "renewal_thresholds": [
        {
            "value": "90",
            "points": 12
        },
        {
            "value": "180",
            "points": 4
        }
    ],
    "renewal_overdue_points": 15,
    "signing_discount_thresholds": [
        {
            "value": "5",
            "points": 2
        },
        {
            "value": "10",
            "points": 5
        },
        {
            "value": "20",
            "points": 9
        },
        {
            "value": "30",
            "points": 13
        },
        {
            "value": "40",
            "points": 17
        }
    ],
    "stakeholder_left_thresholds": [
        {
            "value": "30",
            "points": 14
        },
        {
            "value": "90",
            "points": 10
        },
        {
            "value": "180",
            "points": 6
        },
        {
            "value": "365",
            "points": 3
        }
    ],
    "usage_window_days": 90,
    "usage_fall_thresholds": [
        {
            "value": "-35",
            "points": 14
        },
        {
            "value": "-20",
            "points": 10
        },
        {
            "value": "-10",
            "points": 6
        },
        {
            "value": "-5",
            "points": 3
        }
    ],
    "usage_rise_thresholds": [
        {
            "value": "5",
            "points": -2
        },
        {
            "value": "15",
            "points": -4
        }
    ],
    "low_adoption_thresholds": [
        {
            "value": "10",
            "points": 8
        },
        {
            "value": "25",
            "points": 5
        },
        {
            "value": "40",
            "points": 2
        }
    ],
    "usage_intensity_signal": "usage_intensity",
    "low_intensity_thresholds": [
        {
            "value": "1",
            "points": 6
        },
        {
            "value": "2",
            "points": 3
        }
    ],
    "size_seat_thresholds": [
        {
            "value": "10",
            "points": 8
        },
        {
            "value": "20",
            "points": 5
        },
        {
            "value": "50",
            "points": 2
        }
    ],
    "size_mrr_thresholds": [
        {
            "value": "500",
            "points": 8
        },
        {
            "value": "2000",
            "points": 5
        },
        {
            "value": "5000",
            "points": 2
        }
    ],
    "mrr_window_days": 180,
    "mrr_fall_thresholds": [
        {
            "value": "-30",
            "points": 12
        },
        {
            "value": "-15",
            "points": 8
        },
        {
            "value": "-5",
            "points": 4
        }
    ],
    "mrr_rise_thresholds": [
        {
            "value": "10",
            "points": -3
        },
        {
            "value": "30",
            "points": -6
        }
    ],
    "kpi_shortfall_thresholds": [
        {
            "value": "25",
            "points": 18
        },
        {
            "value": "50",
            "points": 12
        },
        {
            "value": "75",
            "points": 7
        },
        {
            "value": "90",
            "points": 3
        }
    ],
    "kpi_overachievement_thresholds": [
        {
            "value": "101",
            "points": -2
        },
        {
            "value": "125",
            "points": -5
        }
    ],
    "kpi_attainment_cap_pct": 150,
    "custom_factors": [
        {
            "signal": "csat",
            "label": "CSAT (1-5)",
            "higher_is_riskier": false,
            "thresholds": [
                {
                    "value": "2",
                    "points": 12
                },
                {
                    "value": "3",
                    "points": 8
                },
                {
                    "value": "3.5",
                    "points": 4
                }
            ]
        },
        {
            "signal": "open_tickets",
            "label": "Open support tickets",
            "higher_is_riskier": true,
            "thresholds": [
                {
                    "value": "5",
                    "points": 2
                },
                {
                    "value": "10",
                    "points": 5
                },
                {
                    "value": "20",
                    "points": 8
                }
            ]
        }
    ]
}
"""
)


def update_default_model(apps, schema_editor):
    RiskModel = apps.get_model("risk", "RiskModel")
    Score = apps.get_model("risk", "Score")
    models = list(RiskModel.objects.all())
    if not models:
        return
    shipped = models[0] if len(models) == 1 else None
    if shipped is not None and shipped.version == 1 and not Score.objects.exists():
        shipped.config = DEFAULT_MODEL
        shipped.save(update_fields=["config"])
        return
    last = max(m.version for m in models)
    RiskModel.objects.create(version=last + 1, status="draft", config=DEFAULT_MODEL, notes=NOTES)


class Migration(migrations.Migration):
    dependencies = [("risk", "0010_default_model_size_factor")]
    operations = [migrations.RunPython(update_default_model, migrations.RunPython.noop)]
