from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from risk.models import BandOverride, Score
from risk.services.scores import rescore_account
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def detail(client, account):
    return client.get(reverse("accounts:detail", args=[account.pk])).content.decode()


def test_account_page_shows_score_band_and_reasons_biggest_drag_first(csm_client, account):
    rescore_account(account=account)
    response = csm_client.get(reverse("accounts:detail", args=[account.pk]))
    bars = response.context["bars"]
    assert [b.points for b in bars] == sorted((b.points for b in bars), reverse=True)
    content = response.content.decode()
    assert "Travel" in content
    assert f">{Account.objects.get(pk=account.pk).risk_score}<" in content


def test_account_page_says_what_changed_since_the_last_score(csm_client, account):
    rescore_account(account=account)
    Score.objects.update(computed_at=timezone.now() - timedelta(days=5))
    account.cash_runway_months = 2
    account.save(update_fields=["cash_runway_months"])
    rescore_account(account=account)
    content = detail(csm_client, account)
    assert "since" in content
    assert "runway 2 months" in content.lower()


def test_what_if_scores_without_saving(csm_client, account):
    rescore_account(account=account)
    before = Account.objects.get(pk=account.pk)
    response = csm_client.post(
        reverse("accounts:what-if", args=[account.pk]),
        {"whatif-cash_runway_months": "1", "whatif-phase": "defense"},
        headers={"HX-Request": "true"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<div id="what-if-result"')
    assert response.context["hypothetical"].score > response.context["current"].score
    after = Account.objects.get(pk=account.pk)
    assert (after.risk_score, after.cash_runway_months, after.phase) == (
        before.risk_score,
        before.cash_runway_months,
        before.phase,
    )


def test_what_if_with_negative_runway_is_an_inline_error(csm_client, account):
    response = csm_client.post(
        reverse("accounts:what-if", args=[account.pk]),
        {"whatif-cash_runway_months": "-3"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400
    assert "greater than or equal to 0" in response.content.decode()


def test_band_override_is_shown_beside_the_score_and_lapses(csm_client, account):
    rescore_account(account=account)
    expires = timezone.localdate() + timedelta(days=30)
    response = csm_client.post(
        reverse("accounts:override-create", args=[account.pk]),
        {
            "band": "critical",
            "reason": "Sponsor told us they are closing the office",
            "expires_on": expires,
        },
    )
    assert response.status_code == 302
    assert "CSM says Critical" in detail(csm_client, account)
    computed = Account.objects.get(pk=account.pk).risk_band
    assert computed != "" and Score.objects.filter(account=account).first().band == computed
    BandOverride.objects.update(expires_on=timezone.localdate() - timedelta(days=1))
    assert "CSM says" not in detail(csm_client, account)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"band": "high", "reason": "", "days": 10}, "This field is required."),
        ({"band": "high", "reason": "x", "days": 91}, "at most 90 days"),
        ({"band": "high", "reason": "x", "days": 0}, "after today"),
        ({"band": "bogus", "reason": "x", "days": 10}, "Select a valid choice"),
    ],
)
def test_band_override_needs_a_reason_and_a_near_expiry(csm_client, account, data, message):
    expires = timezone.localdate() + timedelta(days=data.pop("days"))
    response = csm_client.post(
        reverse("accounts:override-create", args=[account.pk]),
        {**data, "expires_on": expires},
        follow=True,
    )
    assert message in response.content.decode()
    assert not BandOverride.objects.exists()


def test_outsider_cannot_override_or_what_if(outsider, account):
    client = client_for(outsider)
    assert client.post(reverse("accounts:what-if", args=[account.pk]), {}).status_code == 404
    assert (
        client.post(reverse("accounts:override-create", args=[account.pk]), {}).status_code == 404
    )


def test_reasons_are_shown_in_french_on_a_french_page(csm_client, account):
    rescore_account(account=account)
    response = csm_client.get(
        reverse("accounts:detail", args=[account.pk]), headers={"Accept-Language": "fr"}
    )
    reasons = [bar.reason for bar in response.context["bars"]]
    industry = next(b.reason for b in response.context["bars"] if b.factor == "industry")
    assert industry.startswith("Voyage")
    assert not any("industry" in reason or "Renewal" in reason for reason in reasons)


def test_what_if_shows_each_factor_s_change_not_only_the_total(csm_client, account):
    rescore_account(account=account)
    response = csm_client.post(
        reverse("accounts:what-if", args=[account.pk]),
        {
            "whatif-funding_stage": "seed",
            "whatif-cash_runway_months": "2",
            "whatif-monthly_burn": "400000",
            "whatif-late_payments": "5",
            "whatif-adoption_pct": "5",
            "whatif-key_stakeholder_leaves": "on",
            # Out of the quarter before the renewal (the factory's renewal is 65 days away).
            "whatif-renewal_on": (timezone.localdate() + timedelta(days=150)).isoformat(),
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    moved = {row.factor: row for row in response.context["factor_changes"]}
    assert {"cash_stability", "stakeholder", "renewal_proximity"} <= moved.keys()
    assert all(row.change == row.points_then - row.points_now != 0 for row in moved.values())
    assert moved["cash_stability"].change > 0 and moved["stakeholder"].change > 0
    content = response.content.decode()
    assert "Cash stability" in content and "Stakeholders" in content
    assert f"{moved['cash_stability'].change:+d}" in content
    assert Account.objects.get(pk=account.pk).late_payments != 5  # nothing saved


@pytest.mark.parametrize("as_opened", [True, False], ids=["facts as the form opens", "empty"])
def test_what_if_with_no_fact_changed_says_nothing_moves(csm_client, account, as_opened):
    rescore_account(account=account)
    page = csm_client.get(reverse("accounts:detail", args=[account.pk]))
    form = page.context["what_if_form"]
    data = {form.add_prefix(k): v for k, v in form.initial.items() if v is not None}
    assert len(data) >= 6 or not as_opened
    response = csm_client.post(
        reverse("accounts:what-if", args=[account.pk]),
        data if as_opened else {},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.context["difference"] == 0
    assert response.context["factor_changes"] == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("adoption_pct", "101"),
        ("late_payments", "-1"),
        ("signing_discount_pct", "120"),
        ("funding_stage", "unicorn"),
        ("renewal_on", "not a date"),
    ],
)
def test_what_if_refuses_facts_an_account_could_not_hold(csm_client, account, field, value):
    response = csm_client.post(
        reverse("accounts:what-if", args=[account.pk]),
        {f"whatif-{field}": value},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()


def test_each_factor_s_reason_is_printed_once_even_after_a_change(csm_client, account):
    from django.utils.html import escape

    rescore_account(account=account)
    Score.objects.update(computed_at=timezone.now() - timedelta(days=5))
    account.cash_runway_months = 2
    account.save(update_fields=["cash_runway_months"])
    rescore_account(account=account)
    response = csm_client.get(reverse("accounts:detail", args=[account.pk]))
    content = response.content.decode()
    panel = content[content.index('id="risk-panel"') :].split("</section>", 1)[0]
    cash = next(bar for bar in response.context["bars"] if bar.factor == "cash_stability")
    assert cash.change != 0
    assert f"{cash.change:+d} since" in panel
    for bar in response.context["bars"]:
        assert panel.count(escape(bar.reason)) == 1, bar.reason
