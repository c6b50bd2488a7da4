"""The set-up services: a lever edit and its history, dated strategies and approval policies."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from playbooks.models import ApprovalPolicy, Lever, LeverChange, StrategySetting
from playbooks.queries import policy_in_force, strategy_in_force
from playbooks.setup_forms import LeverSetupForm
from playbooks.setup_presenters import dated_rows, policy_now
from playbooks.setup_services import SetupError, set_approval_policy, set_strategy, update_lever

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 1)


def edit(lever, user, **fields):
    return update_lever(lever=lever, fields=fields, user=user, note="", now=timezone.now())


def test_an_edit_records_only_the_fields_that_changed(levers, plain_admin):
    holiday = levers["payment_holiday"]
    original = holiday.order
    phases = ["deployment", "defense"]  # the same phases, listed in another order
    change = edit(holiday, plain_admin, order=5, name=holiday.name, phases=phases)
    assert change is not None
    assert (change.before, change.after) == ({"order": original}, {"order": 5})
    assert change.changed_by == plain_admin
    assert Lever.objects.get(pk=holiday.pk).order == 5


def test_an_edit_that_changes_nothing_writes_nothing(levers, plain_admin):
    holiday = levers["payment_holiday"]
    limits = {"months": {**holiday.param_limits["months"], "max": "6.00"}}
    assert edit(holiday, plain_admin, default_params={"months": "3.0"}, param_limits=limits) is None
    assert not LeverChange.objects.exists()


def test_a_lever_the_core_refuses_is_not_saved(levers, plain_admin):
    holiday = levers["payment_holiday"]
    broken = {"months": {"min": "1", "max": "6", "label": "Months", "whole": True}}
    with pytest.raises(SetupError):
        edit(holiday, plain_admin, param_limits=broken, default_params={"months": "9"})
    holiday.refresh_from_db()
    assert holiday.default_params == {"months": "3"}
    assert not LeverChange.objects.exists()


def test_the_form_survives_a_lever_broken_by_hand_and_repairs_it(levers, plain_admin):
    holiday = levers["payment_holiday"]
    Lever.objects.filter(pk=holiday.pk).update(param_limits={"months": "nonsense"})
    holiday.refresh_from_db()
    data = {
        "name": holiday.name,
        "order": "10",
        "is_active": "on",
        "months__default": "2",
        "months__min": "1",
        "months__max": "6",
    }
    form = LeverSetupForm(data, lever=holiday)
    assert form.is_valid(), form.errors
    assert edit(holiday, plain_admin, **form.changes()) is not None
    holiday.refresh_from_db()
    assert holiday.param_limits["months"]["max"] == "6"


def test_a_future_strategy_applies_only_from_its_date(plain_admin):
    later = TODAY + timedelta(days=7)
    set_strategy(
        strategy="cash_first", effective_from=later, note="Q3", user=plain_admin, today=TODAY
    )
    assert strategy_in_force(TODAY) == "secure_mrr"
    assert strategy_in_force(later) == "cash_first"
    rows = list(StrategySetting.objects.all())
    assert [row.status for row in dated_rows(rows, TODAY)] == ["scheduled"]


def test_strategy_history_says_which_row_is_in_force(plain_admin):
    for offset, strategy in ((-30, "cash_first"), (-10, "secure_mrr"), (5, "cash_first")):
        StrategySetting.objects.create(
            strategy=strategy, effective_from=TODAY + timedelta(days=offset)
        )
    rows = list(StrategySetting.objects.order_by("-effective_from"))
    statuses = [row.status for row in dated_rows(rows, TODAY)]
    assert statuses == ["scheduled", "in_force", "replaced"]


@pytest.mark.parametrize("day", [TODAY - timedelta(days=1), TODAY])
def test_a_past_or_taken_date_is_refused(plain_admin, day):
    StrategySetting.objects.create(strategy="secure_mrr", effective_from=TODAY)
    with pytest.raises(SetupError) as refused:
        set_strategy(
            strategy="cash_first", effective_from=day, note="", user=plain_admin, today=TODAY
        )
    assert refused.value.field == "effective_from"
    assert StrategySetting.objects.count() == 1


def policy(user, **overrides):
    values = {
        "effective_from": TODAY,
        "currency": "EUR",
        "auto_cash": Decimal("800"),
        "auto_mrr": Decimal("0"),
        "manager_cash": Decimal("12000"),
        "manager_mrr": Decimal("1500"),
        "note": "",
        "user": user,
        "today": TODAY,
    }
    return set_approval_policy(**(values | overrides))


def test_thresholds_are_the_defaults_until_a_policy_starts(plain_admin):
    assert policy_now([], TODAY).is_default
    policy(plain_admin, effective_from=TODAY + timedelta(days=1))
    rows = list(ApprovalPolicy.objects.all())
    assert policy_now(rows, TODAY).is_default
    tomorrow = policy_now(rows, TODAY + timedelta(days=1))
    assert not tomorrow.is_default
    assert tomorrow.policy.thresholds.auto_cash == Decimal("800")
    assert policy_in_force(TODAY + timedelta(days=1)).thresholds.manager_mrr == Decimal("1500")


def test_thresholds_out_of_order_are_refused(plain_admin):
    with pytest.raises(SetupError):
        policy(plain_admin, manager_cash=Decimal("100"))
    assert not ApprovalPolicy.objects.exists()
