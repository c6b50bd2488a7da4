"""The admin's set-up pages through the client: levers, crisis strategy, approval thresholds."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from playbooks.models import ApprovalPolicy, Lever, LeverChange, StrategySetting
from playbooks.presenters import recommendation_rows
from teams.models import Role
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(plain_admin):
    return client_for(plain_admin)


@pytest.fixture
def downsell(levers) -> Lever:
    return levers["temporary_downsell"]


def lever_url(lever):
    return reverse("playbooks:setup-lever", args=[lever.pk])


def lever_data(lever, **overrides):
    """The form as the page shows it for `lever`, with `overrides` typed in."""
    data = {
        "name": lever.name,
        "order": str(lever.order),
        "phases": list(lever.phases),
        "bands": list(lever.bands),
        "segments": list(lever.segments),
        "give_backs": list(lever.give_backs),
        "note": "",
    }
    if lever.is_active:
        data["is_active"] = "on"
    for name, limit in lever.param_limits.items():
        data[f"{name}__min"] = limit["min"]
        data[f"{name}__max"] = limit["max"]
        data[f"{name}__default"] = lever.default_params.get(name, "")
    data.update(overrides)
    return data


def snapshot(lever):
    lever.refresh_from_db()
    return {
        field: getattr(lever, field)
        for field in ("name", "order", "is_active", "phases", "default_params", "param_limits")
    }


# --- who may open them -------------------------------------------------------------------------

SETUP_URLS = ["playbooks:setup", "playbooks:setup-strategy", "playbooks:setup-thresholds"]


@pytest.mark.parametrize("role", [Role.CSM, Role.MANAGER])
def test_only_admins_open_the_setup_pages(role, team, downsell):
    client = client_for(UserFactory(role=role, team=team))
    for name in SETUP_URLS:
        assert client.get(reverse(name)).status_code == 403
        assert client.post(reverse(name), {}).status_code in (403, 405)
    assert client.post(lever_url(downsell), lever_data(downsell, name="Hacked")).status_code == 403
    assert Lever.objects.get(pk=downsell.pk).name == "Temporary downsell"
    assert not LeverChange.objects.exists()


def test_anonymous_visitor_is_sent_to_log_in(client, downsell):
    response = client.get(lever_url(downsell))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_unknown_lever_is_a_404(admin):
    assert admin.get(reverse("playbooks:setup-lever", args=[999999])).status_code == 404


def test_setup_page_lists_every_lever_with_a_link_to_edit_it(admin, levers):
    page = admin.get(reverse("playbooks:setup")).content.decode()
    for lever in levers.values():
        assert lever_url(lever) in page
    assert "Secure MRR" in page and "built-in default" in page


def test_admin_finds_set_up_in_the_menu_and_a_csm_does_not(admin, csm_client):
    url = reverse("playbooks:setup")
    assert url in admin.get(reverse("playbooks:levers")).content.decode()
    assert url not in csm_client.get(reverse("playbooks:levers")).content.decode()


# --- a lever's parameters ----------------------------------------------------------------------


def test_lever_page_shows_each_parameter_as_typed_fields_with_labels_and_units(admin, downsell):
    page = admin.get(lever_url(downsell)).content.decode()
    assert "Discount percentage: default" in page
    assert "Months: maximum" in page
    assert 'name="percent__default"' in page and 'value="30"' in page
    assert 'type="number"' in page
    assert '<small class="muted unit">%</small>' in page
    assert '<small class="muted unit">months</small>' in page
    assert "{" not in page.split("<main", 1)[1]  # no JSON anywhere in the page


def test_changing_a_default_saves_it_and_records_the_change(admin, downsell, plain_admin):
    data = lever_data(downsell, percent__default="40", note="Summer push")
    response = admin.post(lever_url(downsell), data)
    assert response.status_code == 302
    downsell.refresh_from_db()
    assert downsell.default_params["percent"] == "40"
    change = LeverChange.objects.get()
    assert change.changed_by == plain_admin
    assert change.before == {"default_params": {"percent": "30", "months": "3"}}
    assert change.after == {"default_params": {"percent": "40", "months": "3"}}
    assert change.note == "Summer push"
    page = admin.get(lever_url(downsell)).content.decode()
    assert "Discount percentage: default: 30% → 40%" in page
    assert "Summer push" in page and plain_admin.display_name in page


def test_the_change_shows_in_the_recommendation(admin, downsell, at_risk):
    today = timezone.localdate()

    def downsell_params():
        rows = recommendation_rows(account=at_risk, today=today, strategy="secure_mrr")
        return next(row.params for row in rows if row.lever.pk == downsell.pk)

    assert ("Discount percentage", "30%") in downsell_params()
    admin.post(lever_url(downsell), lever_data(downsell, percent__default="45"))
    assert ("Discount percentage", "45%") in downsell_params()


def test_saving_the_form_unchanged_writes_no_history(admin, downsell):
    data = lever_data(downsell, percent__default="30.00")
    assert admin.post(lever_url(downsell), data).status_code == 302
    assert not LeverChange.objects.exists()


def test_ticking_phases_and_retiring_a_lever_are_recorded_in_words(admin, downsell):
    data = lever_data(downsell, phases=["defense"])
    del data["is_active"]
    admin.post(lever_url(downsell), data)
    downsell.refresh_from_db()
    assert downsell.phases == ["defense"] and downsell.is_active is False
    page = admin.get(lever_url(downsell)).content.decode()
    assert "Journey phases: Defense, Maturation → Defense" in page
    assert "Offered to CSMs: Yes → No" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"percent__default": "120"}, "percent__default", "cannot be over 100"),
        ({"percent__default": "60", "percent__max": "50"}, "percent__default", "between the"),
        ({"percent__min": "60", "percent__max": "50"}, "percent__min", "above the maximum"),
        ({"months__default": "2.5"}, "months__default", "decimal places"),
        ({"months__default": "abc"}, "months__default", "Enter a number"),
        ({"months__max": "-1"}, "months__max", "greater than or equal to 0"),
        ({"percent__default": ""}, "percent__default", "required"),
        ({"name": "Payment holiday"}, "name", "Another lever already has this name"),
        ({"phases": ["nowhere"]}, "phases", "Select a valid choice"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error_and_nothing_written(
    admin, downsell, overrides, field, message
):
    before = snapshot(downsell)
    response = admin.post(lever_url(downsell), lever_data(downsell, **overrides))
    assert response.status_code == 400
    errors = response.context["form"].errors[field]
    assert any(message in str(error) for error in errors), errors
    assert snapshot(downsell) == before
    assert not LeverChange.objects.exists()


def test_a_shipped_name_stays_translated_until_edited(admin, downsell, plain_admin):
    plain_admin.language = "fr"
    plain_admin.save(update_fields=["language"])
    admin.post(lever_url(downsell), lever_data(downsell, percent__default="40"))
    page = admin.get(reverse("playbooks:setup")).content.decode()
    assert "Réduction d’offre temporaire" in page
    admin.post(lever_url(downsell), lever_data(downsell, name="Summer discount"))
    assert "Summer discount" in admin.get(reverse("playbooks:setup")).content.decode()


def test_lever_history_costs_the_same_queries_at_50_and_500_changes(admin, downsell, plain_admin):
    def count_queries(changes: int) -> int:
        LeverChange.objects.all().delete()
        now = timezone.now()
        LeverChange.objects.bulk_create(
            LeverChange(
                lever=downsell,
                changed_by=plain_admin,
                changed_at=now - timedelta(minutes=i),
                before={"order": i},
                after={"order": i + 1},
            )
            for i in range(changes)
        )
        with CaptureQueriesContext(connection) as queries:
            assert admin.get(lever_url(downsell)).status_code == 200
        return len(queries)

    admin.get(reverse("playbooks:setup"))  # the session user is loaded and cached once
    assert count_queries(50) == count_queries(500)


# --- crisis strategy ---------------------------------------------------------------------------


def test_strategy_page_shows_the_default_when_none_is_set(admin):
    page = admin.get(reverse("playbooks:setup-strategy")).content.decode()
    assert "Secure MRR" in page and "built-in default" in page
    assert 'type="date"' in page


def test_a_future_strategy_is_scheduled_and_today_keeps_the_current_one(admin, plain_admin):
    today = timezone.localdate()
    later = today + timedelta(days=10)
    data = {"strategy": "cash_first", "effective_from": later.isoformat(), "note": "Q3 cash"}
    response = admin.post(reverse("playbooks:setup-strategy"), data, follow=True)
    assert "Strategy scheduled." in response.content.decode()
    setting = StrategySetting.objects.get()
    assert (setting.strategy, setting.effective_from, setting.created_by) == (
        "cash_first",
        later,
        plain_admin,
    )
    page = response.content.decode()
    assert "scheduled" in page and "Q3 cash" in page
    assert response.context["now"].strategy == "secure_mrr"


def test_a_strategy_from_today_is_in_force(admin):
    today = timezone.localdate().isoformat()
    data = {"strategy": "cash_first", "effective_from": today, "note": "Runway is short"}
    response = admin.post(reverse("playbooks:setup-strategy"), data, follow=True)
    assert response.context["now"].strategy == "cash_first"
    assert "in force" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"effective_from": "taken"}, "already set to start on this date"),
        ({"effective_from": "2001-01-01"}, "Pick today or a later date"),
        ({"effective_from": "2026-02-30"}, "Enter a valid date"),
        ({"note": ""}, "required"),
        ({"strategy": "yolo"}, "Select a valid choice"),
    ],
)
def test_bad_strategy_input_is_refused_and_nothing_written(admin, data, message):
    today = timezone.localdate()
    StrategySetting.objects.create(strategy="secure_mrr", effective_from=today)
    form = {"strategy": "cash_first", "effective_from": today.isoformat(), "note": "Why not"}
    form.update({k: (today.isoformat() if v == "taken" else v) for k, v in data.items()})
    response = admin.post(reverse("playbooks:setup-strategy"), form)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert StrategySetting.objects.count() == 1


def test_strategy_history_costs_the_same_queries_at_50_and_500_rows(admin, plain_admin):
    def count_queries(rows: int) -> int:
        StrategySetting.objects.all().delete()
        start = timezone.localdate()
        StrategySetting.objects.bulk_create(
            StrategySetting(
                strategy="cash_first",
                effective_from=start - timedelta(days=i),
                created_by=plain_admin,
            )
            for i in range(rows)
        )
        with CaptureQueriesContext(connection) as queries:
            assert admin.get(reverse("playbooks:setup-strategy")).status_code == 200
        return len(queries)

    admin.get(reverse("playbooks:setup"))  # the session user is loaded and cached once
    assert count_queries(50) == count_queries(500)


# --- approval thresholds -----------------------------------------------------------------------


def test_thresholds_page_shows_the_built_in_defaults_with_their_currency(admin):
    response = admin.get(reverse("playbooks:setup-thresholds"))
    page = response.content.decode()
    assert "built-in defaults" in page
    assert "€500" in page and "€10,000" in page and "€1,000" in page
    assert response.context["form"]["auto_cash"].value() == Decimal("500")


def thresholds_form(day, **overrides):
    data = {
        "effective_from": day.isoformat(),
        "currency": "eur",
        "auto_cash": "800",
        "auto_mrr": "50",
        "manager_cash": "12000",
        "manager_mrr": "1500",
        "note": "Bigger deals this year",
    }
    data.update(overrides)
    return data


def test_new_thresholds_apply_from_their_date_and_record_who_set_them(admin, plain_admin):
    today = timezone.localdate()
    url = reverse("playbooks:setup-thresholds")
    response = admin.post(url, thresholds_form(today), follow=True)
    policy = ApprovalPolicy.objects.get()
    assert (policy.currency, policy.auto_cash, policy.created_by) == (
        "EUR",
        Decimal("800"),
        plain_admin,
    )
    page = response.content.decode()
    assert "€800" in page and "built-in defaults" not in page
    assert "Bigger deals this year" in page and plain_admin.display_name in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"manager_cash": "100"}, "cannot be below the automatic approval limit"),
        ({"currency": "ZZZ"}, "not an ISO 4217 currency code"),
        ({"auto_mrr": "-5"}, "greater than or equal to 0"),
        ({"auto_cash": "NaN"}, "Enter a number"),
        ({"effective_from": "2001-01-01"}, "Pick today or a later date"),
    ],
)
def test_bad_thresholds_are_refused_and_nothing_written(admin, overrides, message):
    response = admin.post(
        reverse("playbooks:setup-thresholds"), thresholds_form(timezone.localdate(), **overrides)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ApprovalPolicy.objects.exists()


def test_a_second_policy_on_the_same_date_is_refused(admin):
    today = timezone.localdate()
    url = reverse("playbooks:setup-thresholds")
    admin.post(url, thresholds_form(today))
    response = admin.post(url, thresholds_form(today, auto_cash="900"))
    assert response.status_code == 400
    assert "already set to start on this date" in response.content.decode()
    assert ApprovalPolicy.objects.get().auto_cash == Decimal("800")


def test_set_up_pages_read_in_french(admin, plain_admin, downsell):
    plain_admin.language = "fr"
    plain_admin.save(update_fields=["language"])
    assert (
        "Seuils d’approbation" in admin.get(reverse("playbooks:setup-thresholds")).content.decode()
    )
    page = admin.get(lever_url(downsell)).content.decode()
    assert "Pourcentage de remise" in page and "valeur par défaut" in page
    assert "Stratégie de crise" in admin.get(reverse("playbooks:setup-strategy")).content.decode()


def count_page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_setup_page_costs_the_same_queries_at_50_and_500_levers(admin, levers, plain_admin):
    template = levers["payment_holiday"]

    def with_levers(total: int) -> int:
        LeverChange.objects.all().delete()
        Lever.objects.filter(name__startswith="Extra ").delete()
        Lever.objects.bulk_create(
            Lever(
                kind=template.kind,
                name=f"Extra {i}",
                default_params=template.default_params,
                param_limits=template.param_limits,
            )
            for i in range(total - Lever.objects.count())
        )
        LeverChange.objects.bulk_create(
            LeverChange(
                lever=lever, changed_by=plain_admin, changed_at=timezone.now(), before={}, after={}
            )
            for lever in Lever.objects.all()
        )
        return count_page_queries(admin, reverse("playbooks:setup"))

    admin.get(reverse("playbooks:setup"))  # the session user is loaded and cached once
    assert with_levers(50) == with_levers(500)


def test_thresholds_history_costs_the_same_queries_at_50_and_500_rows(admin, plain_admin):
    def with_policies(total: int) -> int:
        ApprovalPolicy.objects.all().delete()
        start = timezone.localdate()
        ApprovalPolicy.objects.bulk_create(
            ApprovalPolicy(effective_from=start - timedelta(days=i), created_by=plain_admin)
            for i in range(total)
        )
        return count_page_queries(admin, reverse("playbooks:setup-thresholds"))

    admin.get(reverse("playbooks:setup"))
    assert with_policies(50) == with_policies(500)
