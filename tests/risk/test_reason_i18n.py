"""Engine reasons rendered in French by risk.reason_i18n, the engine itself staying English."""

import random
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from bench.engine_bench import AS_OF, synthetic_account
from risk import reason_i18n
from risk.default_model import DEFAULT_MODEL
from risk.engine import AccountFacts, KpiReading, ModelConfig, SignalReading, UsagePoint, assess
from risk.reason_i18n import localize_reason

NB = "\u00a0"  # French no-break space, before ":" and "%"

# English that must not survive a French rendering. Case-insensitive, whole words; "No " only
# capitalised (it starts the "nothing recorded" reasons).
TELLTALE = re.compile(
    r"\b(?:runway|months?|industry|renewal|late payments?|discount|stakeholders?|active users|"
    r"reading|exposed|since|days|the|of|in|on|at|with|and|to|ago|recorded|price|target|"
    r"average|weakest|burning|seats|treated|missing|older|than|after|break clause|schedule|usual|"
    r"planned|go-live|deployment|defense|growth|today|tomorrow|low adoption|"
    r"cash|company|business|concern|onboarding|eligible|crisis|held|fell|rose|country|"
    r"signed|key|outcome|usage|lockdowns?|recovery|reopened|north|america|"
    r"open support|above|below|undated|neutral|quarter|year)\b",
    re.IGNORECASE,
)
NO = re.compile(r"\bNo ")


def _english_left(text: str) -> list[str]:
    return TELLTALE.findall(text) + NO.findall(text)


def _model(**changes) -> ModelConfig:
    return ModelConfig.from_dict({**DEFAULT_MODEL, **changes})


# Models: the default one, one with weights (reasons end "+18 × 1.5 = +27"), and one with an
# extra phase, a country row without a note and an industry missing from the Industry choices.
WEIGHTED = {"cash_stability": 1.5, "geography": 0.5, "industry": 2, "phase": 1.5, "usage_trend": 3}
MODELS = (
    _model(),
    _model(weights={**DEFAULT_MODEL["weights"], **WEIGHTED}),
    _model(
        phase_points={**DEFAULT_MODEL["phase_points"], "hibernation": 5},
        country_points={
            **DEFAULT_MODEL["country_points"],
            "PL": [{"effective_from": "2020-01-01", "points": 9}],
        },
        industry_points={**DEFAULT_MODEL["industry_points"], "crypto": 9},
    ),
    # Without an "other" row, an industry the table does not list has no points at all.
    _model(
        industry_points={
            code: points
            for code, points in DEFAULT_MODEL["industry_points"].items()
            if code != "other"
        }
    ),
)


def _edge_accounts(as_of: date) -> list[AccountFacts]:
    """Facts the synthetic generator rarely or never produces: every rare phrase appears."""

    def day(offset: int) -> date:
        return as_of + timedelta(days=offset)

    kpi = KpiReading("nps_goal", Decimal(50), Decimal(10), higher_is_better=True, as_of=day(-10))
    return [
        AccountFacts(),
        AccountFacts(industry="crypto", country="PL", phase="hibernation"),
        AccountFacts(industry="unknown_code", phase="unknown_phase", stakeholders_known=True),
        AccountFacts(funding_stage="family_office"),  # stage not in the model, nothing else
        AccountFacts(cash_runway_months=Decimal(0), late_payments=1, segment="smb"),  # undated
        AccountFacts(cash_runway_months=Decimal("0.5"), cash_facts_as_of=day(3)),  # future
        AccountFacts(late_payments=0, cash_facts_as_of=day(-400)),  # stale
        AccountFacts(
            cash_runway_months=Decimal(2),
            funding_stage="seed",
            monthly_burn=Decimal(250_000),
            cash_facts_as_of=day(-1),
            segment="enterprise",
        ),
        AccountFacts(cash_runway_months=Decimal(5), cash_facts_as_of=day(-1)),  # single part
        AccountFacts(cash_runway_months=Decimal(18), cash_facts_as_of=day(-1)),
        AccountFacts(renewal_on=day(0), signing_discount_pct=Decimal(0)),
        AccountFacts(renewal_on=day(1), signing_discount_pct=Decimal("2.5")),
        AccountFacts(renewal_on=day(-40), signing_discount_pct=Decimal("12.5")),
        AccountFacts(phase="deployment"),  # no planned go-live
        AccountFacts(phase="deployment", phase_entered_on=day(-20)),  # usual 90 days, on time
        AccountFacts(phase="deployment", phase_entered_on=day(-200), break_clause_on=day(20)),
        AccountFacts(
            phase="deployment", phase_entered_on=day(-20), planned_go_live_on=day(30)
        ),  # on schedule for the planned go-live
        AccountFacts(phase="defense", phase_entered_on=day(-200), break_clause_on=day(0)),
        AccountFacts(phase="defense"),
        AccountFacts(phase="growth", phase_entered_on=day(-5)),
        AccountFacts(usage=(UsagePoint(day(-5), 3, 0), UsagePoint(day(5), 3, 10))),
        AccountFacts(usage=(UsagePoint(day(-300), 3, 10),)),  # stale
        AccountFacts(usage=(UsagePoint(day(-5), 3, 10), UsagePoint(day(-5), 4, 10))),  # one day
        AccountFacts(usage=(UsagePoint(day(-95), 30, 100), UsagePoint(day(-1), 30, 100))),
        AccountFacts(kpis=(KpiReading("x", Decimal(1), Decimal(1), True, day(2)),)),
        AccountFacts(kpis=(KpiReading("x", Decimal(1), Decimal(1), True, day(-300)),)),
        AccountFacts(kpis=(kpi, KpiReading("y", Decimal(1), Decimal(1), True, day(-300)))),
        AccountFacts(
            signals={
                "csat": SignalReading(Decimal("4.5"), day(-400)),
                "open_tickets": SignalReading(Decimal(3), day(4)),
            }
        ),
        AccountFacts(signals={"csat": SignalReading(Decimal("4.5"), day(-4))}),
        AccountFacts(key_stakeholder_left_on=day(-3)),
        AccountFacts(stakeholders_known=True),
        # The term in force: a break clause before the renewal, a renewed term, a short term.
        *(
            AccountFacts(renewal_on=day(offset + 300), break_clause_on=day(offset))
            for offset in (0, 1, 40)
        ),
        *(
            AccountFacts(renewal_on=day(offset - 365), contract_term_months=12)
            for offset in (0, 1, 40)
        ),
        *(AccountFacts(renewal_on=day(offset), contract_term_months=1) for offset in (0, 1, 20)),
    ]


def _all_reasons() -> set[str]:
    rng = random.Random(2026)
    synthetic = [synthetic_account(rng) for _ in range(1500)]
    reasons: set[str] = set()
    for model in MODELS:
        for as_of in (AS_OF, date(2020, 6, 30), date(2023, 3, 1)):
            for facts in [*synthetic, *_edge_accounts(as_of)]:
                reasons.update(c.reason for c in assess(facts, model, as_of=as_of).contributions)
    return reasons


@pytest.fixture(scope="module")
def reasons() -> set[str]:
    return _all_reasons()


def test_every_engine_reason_is_fully_translated_to_french(reasons):
    """Fails when the engine grows a phrase that no pattern recognises."""
    assert len(reasons) > 3000
    untranslated = {}
    with translation.override("fr"):
        for reason in reasons:
            french = localize_reason(reason)
            left = _english_left(french)
            if french == reason or left:
                untranslated[reason] = (french, left)
    assert not untranslated, "\n".join(
        f"{english!r}\n  -> {french!r} {left}"
        for english, (french, left) in sorted(untranslated.items())[:20]
    )


def test_every_pattern_is_exercised_by_the_engine(reasons):
    """No dead pattern: each template matches a reason, a reason's body or one of its parts."""
    tail = re.compile(r"(.+), [+-]\d+(?: × \S+ = [+-]\d+)?")
    fragments = set(reasons)
    for reason in reasons:
        body = tail.fullmatch(reason)
        if body:
            text = body.group(1).split("): ", 1)[-1] if body.group(1).startswith("Cash (") else ""
            for piece in [body.group(1), text, *body.group(1).split("; "), *text.split("; ")]:
                fragments.add(re.sub(r" \([+-]\d+\)$", "", piece))
    tables = reason_i18n._tables()
    patterns = [*tables.missing, *tables.scored, *tables.phase_parts, *tables.cash_parts]
    unused = [p.regex.pattern for p in patterns if not any(map(p.regex.fullmatch, fragments))]
    assert not unused


GOLDEN = [
    ("No industry recorded", "Aucun secteur enregistré"),
    (
        "Travel industry: heavily exposed to the crisis, +18",
        f"Voyage{NB}: fortement exposé à la crise, +18",
    ),
    (
        "Remote-work industry: has held up in the crisis, -4",
        f"Outils de télétravail{NB}: a résisté à la crise, -4",
    ),
    (
        "Industry 'crypto' is not in the risk model's table",
        f"Le secteur «{NB}crypto{NB}» ne figure pas dans la table du modèle de risque",
    ),
    (
        "Country IT (EU-South): first and longest lockdowns (since 1 Mar 2020), +14",
        f"Italie (UE Sud){NB}: confinements les plus précoces et les plus longs"
        " (depuis le 1 mars 2020), +14",
    ),
    (
        "Country FR, EU-West: somewhat exposed to the crisis, +2",
        f"France, UE Ouest{NB}: un peu exposé à la crise, +2",
    ),
    (
        "Country PL is not in the risk model's geography tables",
        "Le pays Pologne ne figure pas dans les tables géographiques du modèle de risque",
    ),
    (
        "Cash (as of 13 Oct 2026): runway 11 months, less than a year of cash (+8); "
        "bootstrapped company (+3); 5 late payments in 12 months (+14), +25",
        f"Trésorerie (au 13 octobre 2026){NB}: autonomie de 11 mois, moins d’un an de trésorerie"
        " (+8); entreprise autofinancée (+3); 5 retards de paiement en 12 mois (+14), +25",
    ),
    (
        "Cash (undated): runway 2.5 months, survives one quarter at most (+22); "
        "burning 250,000 a month (+5); small business (+3), +30",
        f"Trésorerie (non datée){NB}: autonomie de 2,5 mois, tient un trimestre au plus (+22);"
        f" consomme 250{NB}000 par mois (+5); petite entreprise (+3), +30",
    ),
    (
        "Cash facts as of 1 Jan 2026 are older than 180 days: treated as missing",
        f"Données de trésorerie au 1 janvier 2026, vieilles de plus de 180 jours{NB}:"
        " considérées comme manquantes",
    ),
    (
        "In deployment since 25 Mar 2026: onboarding (+6); 26 days past the planned go-live"
        " of 17 Aug 2026 (+2); break clause on 1 Oct 2026, in 19 days (+12), +20",
        f"En déploiement depuis le 25 mars 2026{NB}: mise en route en cours (+6); 26 jours de"
        " retard sur la mise en production prévue le 17 août 2026 (+2); clause de rupture le"
        " 1 octobre 2026, dans 19 jours (+12), +20",
    ),
    (
        "In growth since 7 Sep 2026: eligible for expansion, -5 × 1.5 = -7",
        f"En croissance depuis le 7 septembre 2026{NB}: prêt pour une extension, -5 × 1,5 = -7",
    ),
    (
        "Renewal on 17 Apr 2027, in 145 days, +3",
        "Renouvellement le 17 avril 2027, dans 145 jours, +3",
    ),
    (
        "Renewal was due on 2 Aug 2026: overdue by 41 days, +15",
        f"Renouvellement prévu le 2 août 2026{NB}: en retard de 41 jours, +15",
    ),
    (
        "Signed with a 12.5 % discount, a strong sign of non-renewal, +9",
        f"Signé avec une remise de 12,5{NB}%, un signe fort de non-renouvellement, +9",
    ),
    ("Signed at full price, +0", "Signé au prix fort, +0"),
    (
        "Key stakeholder left on 19 Aug 2026, 24 days ago, +14",
        "Départ d’une partie prenante clé le 19 août 2026, il y a 24 jours, +14",
    ),
    (
        "Active users fell from 84 % to 34 % of seats in 45 days (+14); low adoption (+2), +16",
        f"Utilisateurs actifs en baisse de 84{NB}% à 34{NB}% des licences en 45 jours (+14);"
        " adoption faible (+2), +16",
    ),
    (
        "Usage recorded on one day only (7 Sep 2026): no trend yet",
        f"Utilisation relevée un seul jour (7 septembre 2026){NB}: pas encore de tendance",
    ),
    (
        "2 outcome KPIs at 61 % of target on average (weakest: qualified_leads at 39 %), +7",
        f"2 KPI de résultat à 61{NB}% de l’objectif en moyenne (le plus faible{NB}:"
        f" qualified_leads à 39{NB}%), +7",
    ),
    (
        "CSAT (1-5) 2.3 (as of 9 Aug 2026): at or below 3, +8",
        f"CSAT (1-5) 2,3 (au 9 août 2026){NB}: inférieur ou égal à 3, +8",
    ),
    ("No CSAT (1-5) reading recorded", f"Aucune mesure «{NB}CSAT (1-5){NB}» enregistrée"),
    (
        "Open support tickets reading as of 1 Jan 2026 is dated after 12 Sep 2025:"
        " treated as missing",
        f"Mesure «{NB}Tickets de support ouverts{NB}» du 1 janvier 2026, postérieure au"
        f" 12 septembre 2025{NB}: considérée comme manquante",
    ),
    # Names the users typed stay as typed.
    ("No Churn vibes reading recorded", f"Aucune mesure «{NB}Churn vibes{NB}» enregistrée"),
]


@pytest.mark.parametrize(("english", "french"), GOLDEN)
def test_golden_french(english, french):
    with translation.override("fr"):
        assert localize_reason(english) == french


@pytest.mark.parametrize("language", ["en", "en-gb"])
def test_english_stays_identical(reasons, language):
    with translation.override(language):
        assert all(localize_reason(reason) == reason for reason in reasons)
        assert all(localize_reason(english) == english for english, _ in GOLDEN)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Something the engine never says",
        "Something the engine never says, +3",
        "Renewal on 31 Feb 2026, in 3 days, +3",  # impossible date: unchanged, no error
    ],
)
def test_unknown_text_passes_through(text):
    with translation.override("fr"):
        assert localize_reason(text) == text


def test_unknown_pieces_stay_as_they_are_among_translated_ones():
    english = "Cash (as of 1 Jan 2026): mystery piece (+3); listed company (-3), +0"
    with translation.override("fr"):
        assert localize_reason(english) == (
            f"Trésorerie (au 1 janvier 2026){NB}: mystery piece (+3); société cotée (-3), +0"
        )
