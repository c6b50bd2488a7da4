"""Reasons are stored as codes with parameters and worded in the reader's language."""

import importlib
import json
from datetime import date

import pytest
from django.utils import translation

from accounts.models import Account
from risk.models import Score
from risk.reasons import contribution_text, format_number, reason_text
from risk.services.scores import rescore_account


def plain(text: str) -> str:
    """French puts no-break spaces before colons and in numbers: compared as plain spaces."""
    return text.replace("\xa0", " ").replace("\u202f", " ")


old_reasons = importlib.import_module("risk.migrations.0004_score_reasons_as_codes")


@pytest.mark.django_db
def test_a_stored_factor_reason_is_a_code_with_parameters_worded_in_english_and_french(account):
    Account.objects.filter(pk=account.pk).update(renewal_date=date(2026, 10, 1))
    account.refresh_from_db()
    rescore_account(account=account, as_of=date(2026, 9, 12))
    stored = json.loads(Score.objects.get(account=account).contributions_json)
    rows = {row[0]: row for row in stored}
    assert rows["industry"][2:] == ["industry.scored", {"industry": "travel", "exposure": "heavy"}]
    assert rows["renewal_proximity"][2:] == [
        "renewal.in_days",
        {"date": "2026-10-01", "days": 19},
    ]
    history = {c.factor: c for c in Score.objects.get(account=account).contributions}
    with translation.override("en"):
        assert history["industry"].reason == "Travel industry: heavily exposed to the crisis, +18"
        assert history["renewal_proximity"].reason == "Renewal on 1 Oct 2026, in 19 days, +12"
    with translation.override("fr"):
        assert plain(history["industry"].reason) == "Voyage : fortement exposé à la crise, +18"
        assert (
            plain(history["renewal_proximity"].reason)
            == "Renouvellement le 1 oct. 2026, dans 19 jours, +12"
        )


def test_composite_and_weighted_reasons_show_each_part_and_the_arithmetic():
    parts = [
        ["cash.runway", {"months": "2.5", "runway": "quarter"}, 22],
        ["cash.stage", {"stage": "seed"}, 10],
    ]
    params = {"as_of": "2026-09-01", "parts": parts}
    with translation.override("en"):
        text = contribution_text("cash.dated", params, points=48, raw_points=32, weight=1.5)
    assert text == (
        "Cash (as of 1 Sep 2026): runway 2.5 months, survives one quarter at most (+22);"
        " seed-stage start-up (+10), +32 × 1.5 = +48"
    )
    with translation.override("fr"):
        text = contribution_text("cash.dated", params, points=48, raw_points=32, weight=1.5)
    assert plain(text) == (
        "Trésorerie (au 1 sept. 2026) : autonomie de 2,5 mois, tient un trimestre au plus"
        " (+22) ; start-up en amorçage (+10), +32 × 1,5 = +48"
    )


def test_numbers_in_reasons_follow_the_locale():
    with translation.override("en"):
        assert format_number("250000") == "250,000"
    with translation.override("fr"):
        assert plain(format_number("250000")) == "250 000"
        assert format_number("2.50") == "2,5"


def test_admin_typed_names_stay_as_typed_and_default_ones_are_translated():
    with translation.override("fr"):
        assert plain(reason_text("signal.none", {"label": "CSAT (1-5)"})) == (
            "Aucune mesure « CSAT (1-5) » enregistrée"
        )
        default = {"country": "FR", "region": "EU-West", "exposure": "neutral"}
        assert plain(reason_text("geography.region", default)) == "France, UE Ouest : neutre"
        typed = {**default, "region": "Hexagone"}
        assert plain(reason_text("geography.region", typed)) == "France, Hexagone : neutre"


@pytest.mark.parametrize(
    ("code", "params", "english", "french"),
    [
        (
            "signal.category",
            {"label": "Plan", "category": "starter", "date": "2026-09-01"},
            "Plan: starter (as of 1 Sep 2026)",
            "Plan : starter (au 1 sept. 2026)",
        ),
        (
            "signal.category_other",
            {"label": "Plan", "category": "legacy", "date": "2026-09-01"},
            "Plan: legacy (as of 1 Sep 2026), not listed in the model",
            "Plan : legacy (au 1 sept. 2026), absente du modèle",
        ),
        (
            "size.seats",
            {"seats": 10},
            "Plan of 10 licensed seats",
            "Offre de 10 licences",
        ),
        (
            "size.mrr",
            {"threshold": "2000"},
            "MRR of 2,000 a month or less",
            "MRR de 2 000 par mois ou moins",
        ),
        (
            "size.mrr_above",
            {"threshold": "5000"},
            "MRR above 5,000 a month",
            "MRR supérieur à 5 000 par mois",
        ),
        ("size.none", {}, "No seats or MRR recorded", "Aucune licence ni MRR enregistré"),
        (
            "usage.users_fell",
            {"then": 50, "now": 40, "days": 90, "seats": 100},
            "Active users fell from 50 % to 40 % of 100 seats in 90 days",
            "Utilisateurs actifs en baisse de 50 % à 40 % de 100 licences en 90 jours",
        ),
        (
            "usage.users_held",
            {"now": 40, "days": 90, "seats": 100},
            "Active users held at 40 % of 100 seats in 90 days",
            "Utilisateurs actifs stables à 40 % de 100 licences en 90 jours",
        ),
        (
            "usage.intensity_only",
            {"value": "1.5", "date": "2026-09-01"},
            "Usage intensity 1.5 (as of 1 Sep 2026)",
            "Intensité d’usage 1,5 (au 1 sept. 2026)",
        ),
    ],
)
def test_the_new_factor_reasons_read_in_english_and_french(code, params, english, french):
    with translation.override("en"):
        assert reason_text(code, params) == english
    with translation.override("fr"):
        assert plain(reason_text(code, params)) == french


def test_an_unknown_code_never_breaks_a_page():
    assert reason_text("nobody.knows", {"days": 3}) == "nobody.knows (days=3)"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (
            ["industry", 18, "Travel industry: heavily exposed to the crisis, +18"],
            ["industry", 18, "industry.scored", {"industry": "travel", "exposure": "heavy"}],
        ),
        (
            [
                "geography",
                9,
                "Country IT (EU-South): first and longest lockdowns (since 1 Mar 2020),"
                " +6 × 1.5 = +9",
            ],
            [
                "geography",
                9,
                "geography.dated_note_region",
                {
                    "country": "IT",
                    "region": "EU-South",
                    "note": "first and longest lockdowns",
                    "since": "2020-03-01",
                },
                6,
                1.5,
            ],
        ),
        (
            [
                "usage_trend",
                12,
                "Active users fell from 80 % to 30 % of seats in 92 days (+10);"
                " low adoption (+2), +12",
            ],
            [
                "usage_trend",
                12,
                "parts",
                {
                    "parts": [
                        ["usage.fell", {"then": 80, "now": 30, "days": 92}, 10],
                        ["usage.low_adoption", {}, 2],
                    ]
                },
            ],
        ),
        (
            ["cash_stability", 6, "Cash (undated): 1 late payment in 12 months, +6"],
            [
                "cash_stability",
                6,
                "cash.undated",
                {"parts": [["cash.late_payments", {"count": 1}, 6]]},
            ],
        ),
        (
            ["phase", 4, "Something the engine never wrote, +4"],
            ["phase", 4, "legacy", {"text": "Something the engine never wrote, +4"}],
        ),
    ],
)
def test_history_written_before_reasons_had_codes_is_converted_once(old, new):
    assert old_reasons.convert_row(old) == new
    with translation.override("en"):
        row = old_reasons.convert_row(old)
        params = row[3]
        raw, weight = (row[4], row[5]) if len(row) > 4 else (None, 1.0)
        text = contribution_text(row[2], params, points=row[1], raw_points=raw, weight=weight)
    # Worded again in English, the sentence reads as before (country codes become names).
    assert text == old[2].replace("Country IT", "Country Italy")


@pytest.mark.django_db
def test_the_shipped_model_notes_are_translated_until_edited():
    from risk.queries import published_model

    model = published_model()
    with translation.override("fr"):
        assert model.display_notes == "Modèle par défaut, issu du cahier des charges produit."
        model.notes = "Seuils revus après le trimestre."
        assert model.display_notes == "Seuils revus après le trimestre."
