"""Adoption in an import: licensed seats and active users become usage rows, usage intensity the
signal the risk model reads."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Account, AccountSnapshot, SignalReading, UsageSnapshot
from dataio import parsing
from dataio.columns import ACCOUNT_FIELDS, SIGNAL, USAGE_INTENSITY_SIGNAL, recognise
from dataio.forms import MappingForm
from dataio.mappings import save_mapping, targets_for
from dataio.messages import word
from dataio.services.accounts import ImportOptions, import_accounts
from risk.default_model import DEFAULT_MODEL
from risk.models import Score
from tests.factories import AccountFactory

QUARTERS = [date(2025, 3, 31), date(2025, 6, 30), date(2025, 9, 30)]


def run(path, *, team, **options):
    return import_accounts(path=path, options=ImportOptions(default_team_id=team.pk, **options))


@pytest.mark.parametrize(
    ("header", "target"),
    [
        ("Licensed seats", "licensed_seats"),
        ("Seats", "licensed_seats"),
        ("Seats purchased", "licensed_seats"),
        ("Licenses", "licensed_seats"),
        ("Licences", "licensed_seats"),
        ("User Licenses (#)", "licensed_seats"),
        ("Nombre de licences", "licensed_seats"),
        ("Sièges", "licensed_seats"),
        ("Active users", "active_users"),
        ("Monthly Active Users", "active_users"),
        ("MAU", "active_users"),
        ("Weekly active users", "active_users"),
        ("Seats used (#)", "active_users"),
        ("Users active", "active_users"),
        ("Utilisateurs actifs", "active_users"),
        ("Usage intensity", "usage_intensity"),
        ("Sessions per user", "usage_intensity"),
        ("Sessions per active user", "usage_intensity"),
        ("Logins per user", "usage_intensity"),
        ("Intensité d'usage", "usage_intensity"),
    ],
)
def test_seat_user_and_intensity_headers_are_recognised(header, target):
    assert recognise(["External ID", header]) == ["external_id", target]


def test_a_second_seat_column_becomes_a_signal():
    assert recognise(["Seats", "Licenses"]) == ["licensed_seats", SIGNAL]


def test_intensity_is_stored_under_the_name_the_default_model_reads():
    assert DEFAULT_MODEL["usage_intensity_signal"] == USAGE_INTENSITY_SIGNAL


def test_seats_and_users_are_whole_numbers_of_zero_or_more():
    assert parsing.parse_users("1,200") == 1200
    assert parsing.parse_users(1200.0) == 1200
    assert parsing.parse_users("1 200") == 1200
    assert parsing.parse_users("1.200", decimal_comma=True) == 1200
    assert parsing.parse_users("40000") == 40000  # beyond a small count's limit
    for bad in ("-3", "12.5", "many", "", 3_000_000_000):
        with pytest.raises(parsing.Problem):
            parsing.parse_users(bad)
    assert parsing.parse_intensity("2,5", decimal_comma=True) == Decimal("2.5000")
    with pytest.raises(parsing.Problem) as negative:
        parsing.parse_intensity("-1")
    assert negative.value.code == "intensity_invalid"


@pytest.mark.django_db
def test_the_preview_and_saved_mappings_offer_seats_users_and_intensity():
    headers = ["ID", "Sièges", "MAU", "Sessions per user"]
    form = MappingForm(headers=headers, targets=recognise(headers), fields=ACCOUNT_FIELDS)
    choices = {value for value, _label in form.fields["col_1"].choices}  # type: ignore[attr-defined]
    assert {"licensed_seats", "active_users", "usage_intensity"} <= choices

    # A file whose headers nobody recognises, mapped by hand and saved for the next export.
    odd = ["ID", "Postes", "Gens", "Rythme"]
    targets = ["external_id", "licensed_seats", "active_users", "usage_intensity"]
    save_mapping(name="erp", kind="accounts", headers=odd, targets=targets, user=None)
    assert targets_for(name="erp", kind="accounts", headers=odd) == targets


def _history(account_ids_and_starts, intensity=False):
    header = ["Account ID", "Account Name", "Contract Start", "MRR", "Licensed seats", "MAU"]
    if intensity:
        header.append("Sessions per user")
    header.append("Snapshot date")
    rows = [header]
    for quarter, active in zip(QUARTERS, ["90", "80", "50"], strict=True):
        for external_id, start in account_ids_and_starts:
            row = [external_id, f"Company {external_id}", start, "1000", "100", active]
            if intensity:
                row.append("1.5")
            rows.append([*row, quarter.isoformat()])
    return rows


def _usage_contribution(score: Score):
    found = [c for c in score.contributions if c.factor == "usage_trend"]
    return found[0] if found else None


@pytest.mark.django_db
def test_a_quarterly_history_records_usage_and_scores_adoption_into_history(files, team):
    existing = AccountFactory(external_id="U-2", team=team, contract_start=date(2024, 6, 1))
    path = files.csv("history.csv", _history([("U-1", "2024-01-01"), ("U-2", "2024-06-01")]))

    report = run(path, team=team)

    assert (report.rejected, report.created, report.scored_as_of) == (0, 1, 6), report.as_dict()
    assert not report.warnings
    for external_id in ("U-1", "U-2"):
        usage = UsageSnapshot.objects.filter(account__external_id=external_id).order_by("on")
        assert [(u.on, u.active_users, u.licensed_seats) for u in usage] == [
            (QUARTERS[0], 90, 100),
            (QUARTERS[1], 80, 100),
            (QUARTERS[2], 50, 100),
        ]
        dated = {
            s.as_of: s
            for s in Score.objects.filter(account__external_id=external_id, backdated=True)
        }
        assert sorted(dated) == QUARTERS
        # One reading is not a trend; from the second quarter on, adoption is read.
        assert _usage_contribution(dated[QUARTERS[0]]) is None
        for quarter, then, now in ((QUARTERS[1], 90, 80), (QUARTERS[2], 80, 50)):
            usage_trend = _usage_contribution(dated[quarter])
            assert usage_trend is not None and usage_trend.has_data
            assert (usage_trend.code, usage_trend.params["then"], usage_trend.params["now"]) == (
                "usage.users_fell",
                then,
                now,
            )
        # The account's size is read from its seats (100: no small-account points).
        sizes = [c for c in dated[QUARTERS[2]].contributions if c.factor == "account_size"]
        assert [(c.code, c.params) for c in sizes] == [("size.seats", {"seats": 100})]
    assert dated[QUARTERS[1]].score < dated[QUARTERS[2]].score
    # A past history leaves the existing account's own usage of today alone.
    assert not UsageSnapshot.objects.filter(account=existing, on=timezone.localdate()).exists()


@pytest.mark.django_db
def test_importing_the_same_usage_twice_changes_nothing(files, team):
    path = files.csv("history.csv", _history([("U-1", "2024-01-01")], intensity=True))
    first = run(path, team=team)
    counts = (UsageSnapshot.objects.count(), SignalReading.objects.count(), Score.objects.count())

    again = run(path, team=team)

    assert (first.created, first.updated) == (1, 2)
    assert (again.created, again.updated, again.unchanged, again.scored, again.scored_as_of) == (
        0,
        0,
        3,
        0,
        0,
    )
    assert (
        UsageSnapshot.objects.count(),
        SignalReading.objects.count(),
        Score.objects.count(),
    ) == counts


@pytest.mark.django_db
def test_usage_intensity_is_the_signal_the_model_reads(files, team):
    path = files.csv("history.csv", _history([("U-1", "2024-01-01")], intensity=True))
    run(path, team=team)

    readings = SignalReading.objects.filter(account__external_id="U-1")
    assert {(r.name, r.value, r.as_of) for r in readings} == {
        (USAGE_INTENSITY_SIGNAL, Decimal("1.5000"), quarter) for quarter in QUARTERS
    }
    first = Score.objects.get(account__external_id="U-1", backdated=True, as_of=QUARTERS[0])
    usage_trend = _usage_contribution(first)
    # One usage reading is no trend, but the intensity is read (below 2 sessions: points).
    assert usage_trend is not None and usage_trend.code == "usage.intensity_only"
    assert usage_trend.points > 0


@pytest.mark.django_db
def test_a_usage_only_change_of_today_is_written_and_rescores_the_account(files, team):
    account = AccountFactory(external_id="T-1", team=team, contract_start=date(2024, 1, 1))
    path = files.csv("usage.csv", [["External ID", "Seats", "Active users"], ["T-1", "8", "6"]])

    report = run(path, team=team)
    again = run(path, team=team)

    assert (report.updated, report.scored, report.unchanged) == (1, 1, 0)
    assert (again.updated, again.scored, again.unchanged) == (0, 0, 1)
    usage = UsageSnapshot.objects.get(account=account)
    assert (usage.on, usage.active_users, usage.licensed_seats) == (timezone.localdate(), 6, 8)
    account.refresh_from_db()
    latest = Score.objects.filter(account=account, backdated=False).latest("computed_at")
    sizes = [c for c in latest.contributions if c.factor == "account_size"]
    assert [(c.code, c.params) for c in sizes] == [("size.seats", {"seats": 8})]

    # New numbers for the same day replace the day's row.
    path = files.csv("usage2.csv", [["External ID", "Seats", "Active users"], ["T-1", "8", "2"]])
    changed = run(path, team=team)
    assert (changed.updated, changed.scored) == (1, 1)
    assert UsageSnapshot.objects.get(account=account).active_users == 2


@pytest.mark.django_db
def test_usage_on_a_new_snapshot_date_alone_scores_that_date(files, team):
    """An account whose only news at a date is its adoption is scored as of that date."""
    account = AccountFactory(external_id="P-1", team=team, contract_start=date(2024, 1, 1))
    AccountSnapshot.objects.create(account=account, as_of=QUARTERS[0], facts={})
    UsageSnapshot.objects.create(
        account=account, on=QUARTERS[0], active_users=90, licensed_seats=100
    )
    rows = [["External ID", "Seats", "MAU", "As of"], ["P-1", "100", "60", QUARTERS[1].isoformat()]]

    report = run(files.csv("q2.csv", rows), team=team)

    assert (report.updated, report.scored_as_of) == (1, 1), report.as_dict()
    score = Score.objects.get(account=account, backdated=True, as_of=QUARTERS[1])
    usage_trend = _usage_contribution(score)
    assert usage_trend is not None and usage_trend.params["now"] == 60


@pytest.mark.django_db
def test_the_import_date_dates_usage_of_a_file_without_an_as_of_column(files, team):
    AccountFactory(external_id="D-1", team=team, contract_start=date(2024, 1, 1))
    path = files.csv("usage.csv", [["External ID", "Seats", "MAU"], ["D-1", "30", "12"]])

    run(path, team=team, as_of=QUARTERS[1])

    assert UsageSnapshot.objects.get(account__external_id="D-1").on == QUARTERS[1]


@pytest.mark.django_db
def test_bad_seat_user_and_intensity_cells_reject_the_row_with_their_column(files, team):
    header = ["External ID", "Name", "MRR", "Licensed seats", "Active users", "Sessions per user"]
    rows = [
        header,
        ["B-1", "Bad seats", "100", "lots", "3", "1"],
        ["B-2", "Bad users", "100", "10", "-4", "1"],
        ["B-3", "Bad intensity", "100", "10", "4", "-2"],
        ["B-4", "Fine", "100", "1,200", "1000", "2.5"],
    ]
    report = run(files.csv("bad.csv", rows), team=team)

    assert (report.rejected, report.created) == (3, 1)
    errors = {n: [(e.column, e.code) for e in cells] for n, cells in report.rows.items()}
    assert errors == {
        1: [("Licensed seats", "number_invalid")],
        2: [("Active users", "count_invalid")],
        3: [("Sessions per user", "intensity_invalid")],
    }
    assert word("count_invalid", {"value": "-4"}) == "“-4” is not a whole number of zero or more."
    assert not UsageSnapshot.objects.exclude(account__external_id="B-4").exists()
    fine = UsageSnapshot.objects.get(account__external_id="B-4")
    assert (fine.active_users, fine.licensed_seats) == (1000, 1200)


@pytest.mark.django_db
def test_incomplete_usage_is_a_warning_and_writes_no_usage_row(files, team):
    rows = [
        ["External ID", "Name", "MRR", "Seats", "Active users"],
        ["W-1", "Seats only", "100", "10", ""],
        ["W-2", "Users only", "100", "", "4"],
        ["W-3", "No seats", "100", "0", "0"],
        ["W-4", "Too many users", "100", "10", "12"],
        ["W-5", "Neither", "100", "", ""],
    ]
    report = run(files.csv("warn.csv", rows), team=team)

    assert (report.created, report.rejected) == (5, 0)
    warnings = {n: [(w.column, w.code) for w in cells] for n, cells in report.warnings.items()}
    assert warnings == {
        1: [("Seats", "usage_active_missing")],
        2: [("Active users", "usage_seats_missing")],
        3: [("Seats", "usage_no_seats")],
        4: [("Active users", "usage_over_seats")],
    }
    assert not UsageSnapshot.objects.exists()
    assert Account.objects.count() == 5
    assert not SignalReading.objects.exists()  # no longer slugged into signals


def _queries(files, team, name, rows):
    path = files.csv(name, rows)
    with CaptureQueriesContext(connection) as captured:
        report = run(path, team=team)
    assert report.rejected == 0, report.as_dict()
    return len(captured.captured_queries)


@pytest.mark.django_db
def test_the_usage_queries_do_not_grow_with_the_rows(files, team):
    header = ["External ID", "Name", "MRR", "Seats", "MAU", "Sessions per user"]

    def new_rows(prefix, n):
        return [header] + [[f"{prefix}{i}", f"Co {i}", "100", "20", "10", "3"] for i in range(n)]

    def updates(prefix, n, active):
        return [header] + [[f"{prefix}{i}", f"Co {i}", "100", "20", active, "4"] for i in range(n)]

    # New accounts: their usage rows go in with the accounts' own bulk writes.
    few, many = (
        _queries(files, team, "a.csv", new_rows("A", 2)),
        _queries(files, team, "b.csv", new_rows("B", 25)),
    )
    assert few == many
    # Existing accounts: one read and one upsert of the chunk's usage rows.
    few, many = (
        _queries(files, team, "c.csv", updates("A", 2, "12")),
        _queries(files, team, "d.csv", updates("B", 25, "12")),
    )
    assert few == many
    assert UsageSnapshot.objects.filter(active_users=12).count() == 27


@pytest.mark.django_db
def test_usage_dated_today_moves_todays_score(files, team):
    account = AccountFactory(external_id="N-1", team=team, contract_start=date(2024, 1, 1))
    path = files.csv("usage.csv", [["External ID", "Seats", "MAU"], ["N-1", "8", "6"]])

    report = run(path, team=team, as_of=timezone.localdate())

    assert (report.updated, report.scored) == (1, 1)
    latest = Score.objects.filter(account=account, backdated=False).latest("computed_at")
    assert ("size.seats", {"seats": 8}) in [(c.code, c.params) for c in latest.contributions]


def test_usage_warnings_are_worded_in_french():
    from django.utils import translation

    with translation.override("fr"):
        assert word("usage_no_seats", {}) == "Aucune licence (0) : aucune adoption enregistrée."
        assert word("intensity_invalid", {"value": "-2"}).startswith("« -2 » n’est pas")
