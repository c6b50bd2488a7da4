import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("recommend_levers", *args, stdout=out)
    return out.getvalue()


def test_recommend_levers_json_lists_ranked_levers_with_decimal_strings(at_risk, levers):
    rows = json.loads(run(at_risk.external_id, "--json"))
    assert [row["rank"] for row in rows] == list(range(1, len(rows) + 1))
    holiday = next(row for row in rows if row["lever"] == "Payment holiday")
    assert holiday == {
        "lever": "Payment holiday",
        "parameters": {"months": "3"},
        "cash_impact": "-6000.00",
        "mrr_impact": "0.00",
        "currency": "EUR",
        "rank": holiday["rank"],
        "reason": (
            "Protects €2,000/month at 82 % risk for a cash cost of €6,000; keeps the subscription"
        ),
    }
    assert "Early access to new features" not in {row["lever"] for row in rows}  # Defense phase


def test_strategy_option_changes_the_order(at_risk, levers):
    secure = [row["lever"] for row in json.loads(run(at_risk.external_id, "--json"))]
    cash = json.loads(run(at_risk.external_id, "--json", "--strategy", "cash_first"))
    assert sorted(secure) == sorted(row["lever"] for row in cash)
    assert secure != [row["lever"] for row in cash]
    holiday = next(row for row in cash if row["lever"] == "Payment holiday")
    assert holiday["reason"].endswith("stops incoming cash")


def test_plain_output_is_one_line_per_lever(at_risk, levers):
    lines = run(at_risk.external_id).splitlines()
    assert lines[0].startswith("1. ")


def test_unknown_account_is_a_clear_error(levers):
    with pytest.raises(CommandError, match="No account with external id 'nope'"):
        run("nope", "--json")


def test_unknown_strategy_is_refused(at_risk, levers):
    with pytest.raises(CommandError):
        run(at_risk.external_id, "--strategy", "hope")
