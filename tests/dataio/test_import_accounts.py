"""Importing CRM exports: what gets in, what is refused and why, and that nothing half-happens."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Account, FactChange, MrrMovement, SignalReading
from dataio.readers import Unreadable
from dataio.services import accounts as account_import
from dataio.services.accounts import ImportOptions, import_accounts
from risk.models import Score
from teams.models import Role
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db

HUBSPOT_HEADER = [
    "Record ID",
    "Company name",
    "Industry",
    "Country/Region",
    "Company owner",
    "Annual Revenue",
    "Number of Employees",
    "Lifecycle Stage",
]
SALESFORCE_HEADER = [
    "Account ID",
    "Account Name",
    "Billing Country",
    "Account Owner",
    "MRR",
    "Renewal Date",
    "Contract Term",
    "Discount at signing (%)",
    "Phase",
    "Segment",
    "Funding Stage",
    "Cash Runway (months)",
]


def run(path, *, team=None, **options):
    return import_accounts(
        path=path, options=ImportOptions(default_team_id=team.pk if team else None, **options)
    )


def command(*args):
    """(exit status, parsed JSON) of `import_accounts ... --json`."""
    from io import StringIO

    out = StringIO()
    try:
        call_command("import_accounts", *map(str, args), "--json", stdout=out)
        status = 0
    except SystemExit as exit_:
        status = exit_.code
    return status, json.loads(out.getvalue())


def test_a_hubspot_export_creates_scored_accounts_with_its_extra_columns_as_signals(files, team):
    owner = UserFactory(email="claire@example.com", role=Role.CSM, team=team)
    path = files.csv(
        "hubspot.csv",
        [
            HUBSPOT_HEADER,
            [
                "101",
                "Nordwind Voyages",
                "Travel",
                "Deutschland",
                "claire@example.com",
                "120,000",
                "45",
                "customer",
            ],
            [
                "102",
                "Ivoire Logistique",
                "Logistics",
                "Côte d'Ivoire",
                "",
                "60000",
                "12",
                "customer",
            ],
        ],
    )
    report = run(path, team=team)

    assert (report.created, report.updated, report.rejected) == (2, 0, 0)
    nordwind = Account.objects.get(external_id="101")
    assert nordwind.country == "DE"
    assert nordwind.mrr == Decimal("10000.00")  # ARR / 12
    assert nordwind.owner == owner
    assert nordwind.industry == "travel"
    assert nordwind.contract_start is None and nordwind.renewal_date is None
    assert nordwind.risk_score is not None
    opening = MrrMovement.objects.get(account=nordwind)
    assert (opening.kind, opening.amount, opening.on) == (
        "new",
        Decimal("10000.00"),
        timezone.localdate(),
    )
    assert Account.objects.get(external_id="102").owner is None
    readings = {
        (r.name, r.value, r.category) for r in SignalReading.objects.filter(account=nordwind)
    }
    assert readings == {
        ("number-of-employees", Decimal("45"), ""),
        ("lifecycle-stage", None, "customer"),
    }


def test_a_salesforce_export_sets_every_fact_it_carries(files, team):
    UserFactory(username="jdoe", first_name="Jane", last_name="Doe", team=team)
    path = files.csv(
        "salesforce.csv",
        [
            SALESFORCE_HEADER,
            [
                "001A",
                "Acme",
                "France",
                "Jane Doe",
                "2,500.50",
                "2027-03-31",
                "annual",
                "15%",
                "Onboarding",
                "Enterprise",
                "Series B",
                "9",
            ],
        ],
    )
    report = run(path, team=team)

    assert report.created == 1
    acme = Account.objects.get(external_id="001A")
    assert acme.owner.username == "jdoe"
    assert (acme.mrr, acme.renewal_date, acme.contract_term_months) == (
        Decimal("2500.50"),
        date(2027, 3, 31),
        12,
    )
    assert (acme.signing_discount_pct, acme.phase, acme.segment) == (
        Decimal("15.00"),
        "deployment",
        "enterprise",
    )
    assert (acme.funding_stage, acme.cash_runway_months) == ("series_b_plus", Decimal("9.0"))
    assert acme.cash_facts_as_of == timezone.localdate()


def test_a_semicolon_latin1_file_with_decimal_commas_is_read(files, team):
    path = files.csv(
        "export.csv",
        [
            ["ID", "Nom", "Pays", "MRR", "Début du contrat", "Remise (%)"],
            ["FR-1", "Société Générale Événements", "Allemagne", "1.234,50", "31.12.2025", "7,5"],
        ],
        delimiter=";",
        encoding="cp1252",
    )
    report = run(path, team=team)

    assert report.created == 1, report.as_dict()
    account = Account.objects.get(external_id="FR-1")
    assert account.name == "Société Générale Événements"
    assert (account.country, account.mrr) == ("DE", Decimal("1234.50"))
    assert account.contract_start == date(2025, 12, 31)
    assert account.signing_discount_pct == Decimal("7.50")


def test_bad_rows_are_rejected_with_their_column_and_reason_and_the_good_ones_imported(files, team):
    path = files.csv(
        "mixed.csv",
        [
            ["External ID", "Name", "Country", "MRR", "Renewal Date", "Phase", "Owner"],
            ["A1", "Good one", "FR", "100", "2027-01-01", "growth", ""],
            ["A2", "Bad country", "Germny", "100", "2027-01-01", "growth", ""],
            ["A3", "Bad money", "FR", "-5", "31/02/2027", "growth", ""],
            ["A4", "Bad phase and owner", "FR", "abc", "2027-01-01", "sleeping", "nobody@x.io"],
            ["A5", "Good two", "UK", "200", "2027-01-01", "", ""],
        ],
    )
    status, report = command(path, "--team", team.name)

    assert status == 1
    assert (report["created"], report["rejected"]) == (2, 3)
    rows = {row["row"]: row["errors"] for row in report["rows"]}
    assert set(rows) == {2, 3, 4}
    assert rows[2] == [
        {"column": "Country", "message": "Unknown country “Germny”: did you mean Germany?"}
    ]
    assert {e["column"] for e in rows[3]} == {"MRR", "Renewal Date"}
    assert {e["column"] for e in rows[4]} == {"MRR", "Phase", "Owner"}
    assert set(Account.objects.values_list("external_id", flat=True)) == {"A1", "A5"}


def test_importing_the_same_file_twice_changes_nothing_the_second_time(files, team):
    rows = [
        ["External ID", "Name", "Country", "MRR", "CSAT", "Plan"],
        ["B1", "Alpha", "FR", "100", "4.5", "Pro"],
        ["B2", "Beta", "ES", "200", "3", "Basic"],
    ]
    path = files.csv("twice.csv", rows)
    first = run(path, team=team)
    counts = (Account.objects.count(), SignalReading.objects.count(), Score.objects.count())
    second = run(path, team=team)

    assert (first.created, second.created, second.updated, second.unchanged) == (2, 0, 0, 2)
    assert (Account.objects.count(), SignalReading.objects.count(), Score.objects.count()) == counts
    assert not FactChange.objects.exists()


def test_an_update_changes_the_account_and_keeps_an_audit_trail(files, team):
    AccountFactory(external_id="C1", team=team, mrr=Decimal("100"), country="FR")
    path = files.csv("update.csv", [["External ID", "MRR", "Country"], ["C1", "150", "FR"]])
    report = run(path, team=team)

    assert (report.updated, report.unchanged) == (1, 0)
    account = Account.objects.get(external_id="C1")
    assert account.mrr == Decimal("150.00")
    change = FactChange.objects.get(account=account)
    assert (change.field, change.old_value, change.new_value) == ("mrr", "100.00", "150.00")


def test_duplicate_ids_reject_every_row_that_carries_them(files, team):
    path = files.csv(
        "dupes.csv",
        [
            ["External ID", "Name", "MRR"],
            ["D1", "One", "1"],
            ["D2", "Two", "2"],
            ["D1", "Again", "3"],
        ],
    )
    status, report = command(path, "--team", team.name)

    assert status == 1
    assert {row["row"] for row in report["rows"]} == {1, 3}
    assert "also on row 3" in report["rows"][0]["errors"][0]["message"]
    assert list(Account.objects.values_list("external_id", flat=True)) == ["D2"]


def test_an_unknown_industry_is_kept_scored_and_reported_as_a_warning(files, team):
    path = files.csv(
        "industry.csv",
        [["External ID", "Name", "MRR", "Industry"], ["E1", "Web", "10", "Internet"]],
    )
    report = run(path, team=team)

    assert (report.created, report.rejected) == (1, 0)
    assert report.warnings[1][0].code == "industry_unknown"
    account = Account.objects.get(external_id="E1")
    assert account.industry == "Internet"
    assert account.risk_score is not None


def test_an_xlsx_with_excel_serial_dates_is_read(files, team):
    path = files.xlsx(
        "export.xlsx",
        [
            ["External ID", "Name", "MRR", "Renewal Date", "Contract Term"],
            [5001, "Sheet Co", 1200.5, 46387, 24],  # 46387 = 2026-12-31
        ],
    )
    report = run(path, team=team)

    assert report.created == 1, report.as_dict()
    account = Account.objects.get(external_id="5001")
    assert (account.mrr, account.renewal_date, account.contract_term_months) == (
        Decimal("1200.50"),
        date(2026, 12, 31),
        24,
    )


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"\n\n  \n", "empty"),
        (b"External ID,Name,MRR\r\n", "no_rows"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        (b"just a sentence, not really\nno table here", "not_a_table"),
        (b"PK\x03\x04 not really a zip", "not_a_table"),
    ],
)
def test_a_file_that_is_not_a_table_exits_with_status_2_and_writes_nothing(files, data, code):
    path = files.raw("bad.csv", data)
    with pytest.raises(Unreadable):
        run(path)
    status, report = command(path)

    assert (status, report["error"]) == (2, code)
    assert not Account.objects.exists()


def test_a_dry_run_reports_everything_and_writes_nothing(files, team):
    AccountFactory(external_id="F1", team=team, mrr=Decimal("100"))
    path = files.csv(
        "dry.csv",
        [
            ["External ID", "Name", "MRR", "CSAT"],
            ["F1", "Same", "120", "4"],
            ["F2", "New", "50", "3"],
        ],
    )
    before = (Account.objects.count(), SignalReading.objects.count(), Score.objects.count())
    status, report = command(path, "--dry-run", "--team", team.name)

    assert status == 0
    assert (report["dry_run"], report["created"], report["updated"]) == (True, 1, 1)
    assert (Account.objects.count(), SignalReading.objects.count(), Score.objects.count()) == before
    assert Account.objects.get(external_id="F1").mrr == Decimal("100.00")


def test_a_database_failure_part_way_leaves_the_database_as_it_was(files, team, monkeypatch):
    monkeypatch.setattr(account_import, "CHUNK_ROWS", 2)
    header = ["External ID", "Name", "MRR", "CSAT"]
    path = files.csv("fail.csv", [header] + [[f"G{i}", f"Co {i}", "10", "4"] for i in range(7)])
    calls = {"n": 0}
    real = account_import._ChunkWriter._write_signals

    def failing(self, signals, ids, new_ids):
        calls["n"] += 1
        if calls["n"] == 3:  # rows 5-6: after two chunks were written
            raise RuntimeError("disk full")
        return real(self, signals, ids, new_ids)

    monkeypatch.setattr(account_import._ChunkWriter, "_write_signals", failing)
    with pytest.raises(RuntimeError):
        run(path, team=team)

    assert calls["n"] == 3
    assert (Account.objects.count(), SignalReading.objects.count(), Score.objects.count()) == (
        0,
        0,
        0,
    )


def test_a_manager_cannot_update_an_account_of_another_team(files, team, other_team, manager):
    AccountFactory(external_id="H1", team=other_team, mrr=Decimal("100"))
    path = files.csv("scope.csv", [["External ID", "MRR"], ["H1", "999"]])
    report = run(path, team=team, user=manager)

    assert report.rejected == 1
    assert report.rows[1][0].code == "out_of_scope"
    assert Account.objects.get(external_id="H1").mrr == Decimal("100.00")


def test_a_past_snapshot_records_dated_signals_without_touching_todays_facts(files, team):
    account = AccountFactory(external_id="S1", team=team, mrr=Decimal("100"))
    past = timezone.localdate() - timedelta(days=90)
    path = files.csv("past.csv", [["External ID", "MRR", "CSAT"], ["S1", "80", "2"]])
    report = run(path, team=team, as_of=past)

    assert report.updated == 1
    account.refresh_from_db()
    assert account.mrr == Decimal("100.00")
    assert SignalReading.objects.get(account=account).as_of == past


def test_three_quarterly_snapshots_give_three_dated_scores_and_leave_todays_score(files, team):
    header = ["Account ID", "Account Name", "Contract Start", "MRR", "Cash Runway", "Snapshot date"]
    quarters = [date(2025, 3, 31), date(2025, 6, 30), date(2025, 9, 30)]
    rows = [header]
    for quarter, runway in zip(quarters, ["24", "12", "3"], strict=True):
        rows += [
            ["Q-1", "Quarterly One", "2024-01-01", "1000", runway, quarter.isoformat()],
            ["Q-2", "Quarterly Two", "2024-06-01", "500", "18", quarter.isoformat()],
        ]
    today_row = AccountFactory(external_id="Q-2", team=team, contract_start=date(2024, 6, 1))
    today_facts = Account.objects.values("mrr", "risk_score", "scored_at").get(pk=today_row.pk)

    report = run(files.csv("history.csv", rows), team=team)
    again = run(files.csv("history.csv", rows), team=team)

    assert (report.rejected, report.created, report.scored_as_of) == (0, 1, 6), report.as_dict()
    assert (again.created, again.updated, again.unchanged, again.scored_as_of) == (0, 0, 6, 0)
    for external_id in ("Q-1", "Q-2"):
        dated = Score.objects.filter(account__external_id=external_id, backdated=True)
        assert sorted(dated.values_list("as_of", flat=True)) == quarters
    # The account that existed keeps today's facts and score; the new one holds its latest.
    assert Account.objects.values("mrr", "risk_score", "scored_at").get(pk=today_row.pk) == (
        today_facts
    )
    created = Account.objects.get(external_id="Q-1")
    assert created.cash_runway_months == Decimal("3.0")
    runway_scores = dict(
        Score.objects.filter(account=created, backdated=True).values_list("as_of", "score")
    )
    assert runway_scores[quarters[0]] < runway_scores[quarters[2]]


def test_a_history_then_its_outcomes_keep_the_dated_scores_and_todays(files, team):
    header = ["External ID", "Name", "Contract Start", "MRR", "As of"]
    quarters = ["2025-03-31", "2025-06-30", "2025-09-30"]
    rows = [header] + [["R-1", "Leaver", "2024-01-01", "900", q] for q in quarters]
    run(files.csv("history.csv", rows), team=team)
    stayer = AccountFactory(external_id="R-2", team=team)
    from risk.services.scores import rescore_account

    rescore_account(account=stayer)
    today_score = Account.objects.values_list("risk_score", "scored_at").get(pk=stayer.pk)

    out = files.csv("outcomes.csv", [["External ID", "Churn date"], ["R-1", "2025-11-15"]])
    call_command("import_outcomes", str(out), stdout=__import__("io").StringIO())

    leaver = Account.objects.get(external_id="R-1")
    assert (leaver.status, leaver.churned_on) == ("churned", date(2025, 11, 15))
    dated = Score.objects.filter(account=leaver, backdated=True).values_list("as_of", flat=True)
    assert sorted(dated) == [date.fromisoformat(q) for q in quarters]
    assert Account.objects.values_list("risk_score", "scored_at").get(pk=stayer.pk) == today_score
