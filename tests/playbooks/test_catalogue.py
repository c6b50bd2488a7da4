"""The catalogue as rows: seeded from the core's defaults, edited in the admin, validated."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from playbooks.catalogue import lever_spec, spec_fields
from playbooks.levers import DEFAULT_CATALOGUE
from playbooks.models import ApprovalPolicy, Lever, Play
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_migration_seeds_the_nine_levers_and_the_phase_plays(levers):
    assert sorted(levers) == sorted(spec.kind for spec in DEFAULT_CATALOGUE)
    assert set(Play.objects.values_list("phase", flat=True)) == {
        "deployment",
        "defense",
        "maturation",
        "growth",
    }
    growth = Play.objects.get(phase="growth")
    assert "this quarter, later, or never" in growth.description


def test_each_row_gives_back_the_cores_spec(levers):
    for spec in DEFAULT_CATALOGUE:
        assert lever_spec(levers[spec.kind]) == spec


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"param_limits": {"weeks": {"min": "1", "max": "6"}}}, "takes the parameters months"),
        ({"default_params": {"months": "9"}}, "Months cannot be over 6."),
        ({"default_params": {"months": "soon"}}, "The default months must be a number"),
        ({"phases": ["exit"]}, "Unknown phase exit"),
        ({"bands": "high"}, "Bands must be a JSON list"),
        ({"give_backs": ["a hug"]}, "Unknown give-back a hug"),
        ({"segments": ["galactic"]}, "Unknown segment galactic"),
        ({"param_limits": {"months": {"min": "6", "max": "1"}}}, "minimum 6 is above maximum 1"),
        ({"param_limits": {"months": {"max": "6"}}}, "need a 'min'"),
    ],
)
def test_a_broken_lever_is_a_validation_error(levers, changes, message):
    lever = levers["payment_holiday"]
    for name, value in changes.items():
        setattr(lever, name, value)
    with pytest.raises(ValidationError) as raised:
        lever.full_clean()
    assert message in str(raised.value)


def test_json_numbers_are_accepted_without_floats(levers):
    lever = levers["free_services"]
    lever.default_params = {"days": 0.5, "day_rate": 750}
    lever.full_clean()
    assert str(lever_spec(lever).default_params["days"]) == "0.5"


def admin_form(lever, **overrides):
    fields = spec_fields(lever_spec(lever))
    data = {
        "kind": fields["kind"],
        "name": fields["name"],
        "order": "10",
        "default_params": json.dumps(fields["default_params"]),
        "param_limits": json.dumps(fields["param_limits"]),
        "phases": json.dumps(fields["phases"]),
        "bands": json.dumps(fields["bands"]),
        "segments": json.dumps(fields["segments"]),
        "give_backs": json.dumps(fields["give_backs"]),
        "keeps_cash_flowing": "",
        "keeps_subscription": "on",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_admin_edit_with_a_bad_config_is_a_form_error_and_saves_nothing(levers, admin_user):
    lever = levers["payment_holiday"]
    url = reverse("admin:playbooks_lever_change", args=[lever.pk])
    data = admin_form(lever, default_params='{"months": "12"}', name="Long holiday")
    response = client_for(admin_user).post(url, data)
    assert response.status_code == 200
    assert "Months cannot be over 6." in response.content.decode()
    lever.refresh_from_db()
    assert lever.name == "Payment holiday"


def test_admin_edit_with_a_good_config_saves(levers, admin_user):
    lever = levers["payment_holiday"]
    url = reverse("admin:playbooks_lever_change", args=[lever.pk])
    data = admin_form(lever, default_params='{"months": "2"}')
    assert client_for(admin_user).post(url, data).status_code == 302
    lever.refresh_from_db()
    assert lever.default_params == {"months": "2"}


def test_approval_policy_refuses_auto_above_manager():
    policy = ApprovalPolicy(effective_from="2026-01-01", auto_cash=20000, manager_cash=10000)
    with pytest.raises(ValidationError, match="cannot be above the manager"):
        policy.full_clean()


def test_seeding_again_keeps_admin_edits(levers):
    from playbooks.catalogue import seed_defaults

    lever = levers["payment_holiday"]
    lever.default_params = {"months": "1"}
    lever.save(update_fields=["default_params"])
    seed_defaults(Lever, Play)
    lever.refresh_from_db()
    assert lever.default_params == {"months": "1"}
    assert Lever.objects.count() == len(DEFAULT_CATALOGUE)
