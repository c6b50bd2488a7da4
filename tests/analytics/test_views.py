import io
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from pypdf import PdfReader

from tests.analytics.conftest import opened
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("analytics:dashboard")
REPORT = reverse("analytics:board-report")


def test_manager_lands_on_figures_and_charts(small_ledger, manager):
    response = client_for(manager).get(DASHBOARD, {"month": "2025-03"})
    content = response.content.decode()
    assert response.status_code == 200
    assert response.context["current"].end_mrr == 2000
    for slug in ("mrr", "waterfall", "retention", "risk-bands", "forecast"):
        assert f'id="chart-{slug}"' in content
    assert "<svg" in content and "style=" not in content and "<script>" not in content
    assert "Figures as a table" in content


def test_a_csm_sees_their_own_book(small_ledger, csm, teammate):
    opened(team=csm.team, owner=teammate, name="Teammate's", mrr=1000)
    own = client_for(csm).get(DASHBOARD, {"month": "2025-03"}).context["current"].end_mrr
    team = client_for(csm).get(DASHBOARD, {"month": "2025-03", "owner": ""})
    assert own == 2000
    assert team.context["current"].end_mrr == 3000


def test_an_outsider_sees_none_of_our_figures(small_ledger, outsider):
    response = client_for(outsider).get(DASHBOARD, {"month": "2025-03"})
    assert response.context["current"].end_mrr == 0


def test_bad_filters_are_reported_not_a_500(small_ledger, manager):
    response = client_for(manager).get(DASHBOARD, {"month": "March", "team": "x"})
    assert response.status_code == 200
    assert "Give a month as YYYY-MM" in response.content.decode()


def test_dashboard_queries_do_not_grow_with_the_portfolio(
    small_ledger, manager, team, csm, django_assert_max_num_queries
):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(manager)
    client.get(DASHBOARD)  # session warm
    cache.clear()  # the figures themselves are computed afresh each time (no cached copy)
    with CaptureQueriesContext(connection) as first:
        client.get(DASHBOARD)
    for i in range(6):
        opened(team=team, owner=csm, name=f"More {i}", mrr=100 + i)
    cache.clear()
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(DASHBOARD)
    assert len(first.captured_queries) < 40


def test_the_lists_behind_the_figures(small_ledger, manager):
    client = client_for(manager)
    churn = client.get(reverse("analytics:movements"), {"month": "2025-02", "kind": "churn"})
    assert [m.account.name for m in churn.context["page"].object_list] == ["C"]
    csv = client.get(reverse("analytics:movements"), {"month": "2025-02", "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv") and b"C," in csv.content
    forecast = client.get(reverse("analytics:forecast-accounts"), {"quarter": 0, "bucket": "x"})
    assert forecast.status_code == 404
    drivers = client.get(reverse("analytics:churn-drivers"))
    assert drivers.status_code == 200 and "Churn reasons" in drivers.content.decode()


def test_the_board_report_is_for_managers(small_ledger, csm, manager):
    assert client_for(csm).get(REPORT).status_code == 403
    page = client_for(manager).get(REPORT, {"month": "2025-03"})
    assert page.status_code == 200 and 'id="chart-forecast"' in page.content.decode()


def test_the_board_report_pdf_carries_the_figures(small_ledger, manager):
    response = client_for(manager).get(
        REPORT, {"month": "2025-03", "format": "pdf"}, headers={"Accept-Language": "fr"}
    )
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Rapport au conseil" in text and "mars 2025" in text
    assert "2 000" in text.replace("\u202f", " ").replace("\xa0", " ")  # the month's MRR
    assert "Principaux risques" in text and "A" in text


def test_metrics_command_prints_the_agreed_keys(small_ledger):
    out = StringIO()
    call_command("metrics", "--month", "2025-02", "--json", stdout=out)
    report = json.loads(out.getvalue())
    for key in (
        "mrr",
        "arr",
        "nrr",
        "grr",
        "logo_churn_rate",
        "revenue_churn_rate",
        "mrr_at_risk",
        "forecast",
    ):
        assert key in report
    assert (report["mrr"], report["arr"], report["nrr"], report["grr"]) == (
        1900.0,
        22800.0,
        1.0556,
        0.8333,
    )
    assert set(report["forecast"]) >= {"committed", "at_risk", "expected_churn"}
    with pytest.raises(CommandError):
        call_command("metrics", "--month", "2025-13", "--json", stdout=out)


def test_board_report_command_writes_the_pdf(small_ledger, tmp_path):
    target = tmp_path / "board.pdf"
    call_command("board_report", "--month", "2025-03", "--pdf", str(target), stdout=StringIO())
    text = PdfReader(target).pages[0].extract_text()
    assert "Board report" in text and "March 2025" in text


def test_every_dashboard_table_exports_as_csv(small_ledger, manager):
    client = client_for(manager)
    months = client.get(DASHBOARD, {"month": "2025-03", "export": "months"})
    assert months["Content-Type"].startswith("text/csv")
    assert "2025-02,1900" in months.content.decode()
    for table in (
        "forecast",
        "calendar",
        "levers",
        "cohorts",
        "exposure-band",
        "exposure-team",
        "exposure-phase",
        "exposure-owner",
    ):
        assert client.get(DASHBOARD, {"export": table}).status_code == 200
    assert client.get(DASHBOARD, {"export": "secrets"}).status_code == 404


def test_managers_land_on_the_dashboard_and_csms_on_triage(manager, csm):
    assert client_for(manager).get("/").url == DASHBOARD
    assert client_for(csm).get("/").url == reverse("accounts:list")


def _bulk_portfolio(team, csm, n, *, start):
    """`n` accounts with an opening movement, a KPI and two signals, written in bulk."""
    from datetime import date
    from decimal import Decimal

    from accounts.models import Account, MrrMovement, OutcomeKpi, SignalReading
    from tests.factories import AccountFactory

    accounts = Account.objects.bulk_create(
        AccountFactory.build(
            team=team,
            owner=csm,
            external_id=f"BULK-{start + i}",
            mrr=Decimal(100 + i),
            risk_band=("low", "medium", "high", "critical")[i % 4],
            contract_start=date(2025, 1 + i % 12, 1),
        )
        for i in range(n)
    )
    MrrMovement.objects.bulk_create(
        MrrMovement(
            account=a,
            on=a.contract_start,
            kind="new",
            amount=a.mrr,
            currency="EUR",
            mrr_after=a.mrr,
            source="test",
        )
        for a in accounts
    )
    OutcomeKpi.objects.bulk_create(
        OutcomeKpi(account=a, name="k", target=100, actual=i % 130, as_of=date(2026, 1, 1))
        for i, a in enumerate(accounts)
    )
    SignalReading.objects.bulk_create(
        [
            *(
                SignalReading(account=a, name="nps", value=i % 11, as_of=date(2026, 1, 1))
                for i, a in enumerate(accounts)
            ),
            *(
                SignalReading(account=a, name="plan", category=f"p{i % 3}", as_of=date(2026, 1, 1))
                for i, a in enumerate(accounts)
            ),
        ]
    )


@pytest.mark.parametrize(
    "url", [DASHBOARD, reverse("analytics:churn-drivers"), REPORT], ids=["dash", "drivers", "board"]
)
def test_analytics_pages_make_the_same_queries_at_50_and_500_accounts(url, manager, team, csm):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(manager)
    counts = []
    for size, start in ((50, 0), (450, 50)):  # 50 accounts, then 500
        _bulk_portfolio(team, csm, size, start=start)
        client.get(url)  # session warm
        cache.clear()  # the figures computed afresh
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts


def test_a_decision_on_a_lever_shows_at_once_on_the_cached_dashboard(manager, csm, at_risk, levers):
    """Figures from the ledger are cached under the portfolio version; levers granted and
    approvals waiting are read fresh, so a decision that moves no MRR is never hidden."""
    from playbooks.services import approve_proposal
    from tests.playbooks.conftest import propose

    client = client_for(manager)
    client.get(DASHBOARD)  # figures cached
    proposal = propose(at_risk, levers["payment_holiday"], csm, params={"months": "3"})
    assert proposal.state == "submitted"
    page = client.get(DASHBOARD)
    assert page.context["queues"].approvals == 1
    approve_proposal(proposal=proposal, approver=manager)
    page = client.get(DASHBOARD)
    assert page.context["queues"].approvals == 0
    assert [(x.kind, x.granted) for x in page.context["levers"]] == [("payment_holiday", 1)]


def test_a_rescore_retires_the_cached_figures_only_when_a_band_moves(
    small_ledger, manager, django_capture_on_commit_callbacks
):
    """A rescore that moves no band writes a new score (the triage list changes) but no
    analytics figure: the figures stay cached. One that moves a band changes MRR at risk: the
    next page shows it."""
    from accounts.models import Account
    from churnguard.portfolio import figures_version, portfolio_version
    from risk.services.scores import rescore_account

    b = small_ledger["b"]
    with django_capture_on_commit_callbacks(execute=True):
        rescore_account(account=b)  # b's band as the engine gives it
    figures, rows = figures_version(), portfolio_version()
    with django_capture_on_commit_callbacks(execute=True):
        rescore_account(account=b)  # the same facts: the same band
    assert (figures_version(), portfolio_version()) == (figures, rows + 1)

    engine_band = b.risk_band
    at_risk = engine_band in ("high", "critical")
    Account.objects.filter(pk=b.pk).update(risk_band="low" if at_risk else "critical")
    client = client_for(manager)
    before = client.get(DASHBOARD).context["mrr_at_risk"]  # cached with the other band
    with django_capture_on_commit_callbacks(execute=True):
        rescore_account(account=b)  # back to the engine's band: a band moved
    assert b.risk_band == engine_band
    after = client.get(DASHBOARD).context["mrr_at_risk"]
    assert after - before == (b.mrr if at_risk else -b.mrr)


def test_a_signal_reading_shows_at_once_on_the_cached_churn_drivers(
    small_ledger, manager, django_capture_on_commit_callbacks
):
    from datetime import date

    from accounts.services import record_signal
    from risk.services.scores import rescore_account

    with django_capture_on_commit_callbacks(execute=True):
        for account in small_ledger.values():
            rescore_account(account=account)  # every band as the engine gives it
    client = client_for(manager)
    url = reverse("analytics:churn-drivers")
    attributes = {d["attribute"] for d in client.get(url).context["drivers"]}  # cached
    assert "signal:survey" not in attributes
    # A signal no factor reads: the rescores move no band, the drivers change all the same.
    with django_capture_on_commit_callbacks(execute=True):
        for account in small_ledger.values():
            record_signal(account=account, name="survey", value=5, as_of=date(2025, 3, 1))
    attributes = {d["attribute"] for d in client.get(url).context["drivers"]}
    assert "signal:survey" in attributes


def test_a_finished_run_shows_at_once_in_what_moved_overnight(
    manager, django_capture_on_commit_callbacks, monkeypatch
):
    """Its chunks retired the figures while it ran; finishing it (the last finished run is what
    the panel reads) retires them again."""
    from django.utils import timezone

    from risk.models import RescoreRun, RunTrigger
    from risk.queries import published_model
    from risk.services import runs

    monkeypatch.setattr(runs, "_after_run", lambda run_id: None)  # its follow-up task
    client = client_for(manager)
    assert client.get(DASHBOARD).context["overnight"].run is None  # cached: no run yet
    run = RescoreRun.objects.create(
        trigger=RunTrigger.MANUAL,
        risk_model=published_model(),
        as_of=timezone.localdate(),
        started_at=timezone.now(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        runs._complete_if_finished(run.pk)
    assert client.get(DASHBOARD).context["overnight"].run == run


def test_top_risks_are_the_largest_accounts_at_risk_with_their_latest_scores_reasons(
    team, csm, manager, django_assert_num_queries
):
    """The active accounts in a high or critical band (or flagged), largest MRR first, each with
    the three factors that weigh most in its *latest* score; two queries whatever the book."""
    from decimal import Decimal

    from accounts.models import Account
    from analytics.queries import Filters
    from analytics.report import top_risks
    from risk.services.scores import rescore_account
    from tests.factories import AccountFactory

    accounts = [
        AccountFactory(team=team, owner=csm, mrr=Decimal(mrr), external_id=f"TR-{mrr}")
        for mrr in (900, 800, 700, 100)
    ]
    for account in accounts:
        rescore_account(account=account)
        rescore_account(account=account)  # a second, later score: the latest one counts
    bands = {900: "critical", 800: "low", 700: "high", 100: "high"}
    for account in accounts:
        Account.objects.filter(pk=account.pk).update(risk_band=bands[int(account.mrr)])
    with django_assert_num_queries(3):  # the reader's teams, the accounts, their latest scores
        rows = top_risks(user=manager, filters=Filters(), limit=2)
    assert [row["account"].external_id for row in rows] == ["TR-900", "TR-700"]
    for row in rows:
        latest = row["account"].scores.order_by("-computed_at", "-id").first()
        drags = sorted((c for c in latest.contributions if c.points > 0), key=lambda c: -c.points)
        assert row["reasons"] and row["reasons"] == [c.reason for c in drags[:3]]


@pytest.mark.parametrize("language", ["en-gb", "fr"])
def test_every_analytics_page_answers_on_an_empty_portfolio(manager, language):
    """A new install: no account yet. Every page still answers, in both languages."""
    manager.language = language
    manager.save(update_fields=["language"])
    client = client_for(manager)
    for name in ("analytics:dashboard", "analytics:churn-drivers", "analytics:board-report"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert response.headers["Content-Language"].startswith(language[:2]), name
    drivers = client.get(reverse("analytics:churn-drivers")).content.decode()
    assert ("Aucun compte" if language == "fr" else "No account yet.") in drivers
