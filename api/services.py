"""Writes made through the API. Account facts go through the same form rules and the same
services as the web pages (accounts.forms.AccountForm, accounts.services.update_account), so an
account written by the API is validated, audited and rescored exactly as one edited by hand."""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import ledger
from accounts.forms import AccountForm
from accounts.models import Account, SignalReading
from accounts.queries import visible_accounts
from accounts.services import update_account
from api.errors import ApiError, FieldError, form_errors, invalid
from api.models import ApiToken, IdempotentWrite
from churnguard.portfolio import portfolio_changed
from risk.services.scores import rescore_account, score_accounts
from teams.access import ALL_TEAMS, visible_team_ids
from teams.models import Team, User
from teams.queries import owners_visible_to

# Fields the API never writes through AccountForm: identity is the URL, and status/churn are
# outcomes (recorded through the outcomes endpoint, which keeps the MRR ledger).
_OUTCOME_FIELDS = ("status", "churned_on", "churn_reason")


def _owner_pk(user: User, username: str | None) -> int | None:
    if not username:
        return None
    pk = owners_visible_to(user).filter(username=username).values_list("pk", flat=True).first()
    if pk is None:
        raise invalid("owner", _("No user with this username may own accounts of your teams."))
    return pk


def _form_data(user: User, fields: dict[str, Any]) -> dict[str, Any]:
    data = dict(fields)
    if "owner" in data:
        data["owner"] = _owner_pk(user, data["owner"])
    if data.get("country"):
        data["country"] = data["country"].upper()
    return data


def _team_for(user: User, name: str | None) -> Team:
    if not name:
        if user.team_id is None:
            raise invalid("team", _("Name the team: your user belongs to no team."), "required")
        return user.team  # type: ignore[return-value]
    team = Team.objects.filter(name=name).first()
    if team is None:
        raise invalid("team", _("No team has this name."))
    teams = visible_team_ids(user)
    if teams is not ALL_TEAMS and team.pk not in teams:
        raise ApiError(403, _("You may not write to this team's accounts."))
    return team


@transaction.atomic
def create_account(*, user: User, fields: dict[str, Any]) -> Account:
    """Validate with the account form's rules, create, and score the new account."""
    fields = dict(fields)
    team = _team_for(user, fields.pop("team", None))
    if Account.objects.filter(external_id=fields["external_id"]).exists():
        raise invalid("external_id", _("Another account already has this external id."), "unique")
    data = _form_data(user, fields)
    data.setdefault("phase_entered_on", None)
    data["phase_entered_on"] = data["phase_entered_on"] or timezone.localdate()
    data["status"] = "active"
    data.setdefault("signing_discount_pct", 0)
    data.setdefault("currency", "EUR")
    form = AccountForm(data, owners=owners_visible_to(user))
    if not form.is_valid():
        raise form_errors(form)
    account: Account = form.save(commit=False)
    account.team = team
    account.save()
    ledger.open_ledger(account=account, user=user)
    portfolio_changed()
    rescore_account(account=account)
    return account


@transaction.atomic
def update_account_fields(*, account: Account, user: User, fields: dict[str, Any]) -> list[str]:
    """Apply a partial update with the account form's rules; returns the changed field names."""
    form_fields = [name for name in AccountForm.Meta.fields if name != "external_id"]
    current = model_to_dict(account, fields=AccountForm.Meta.fields)
    form = AccountForm(
        {**current, **_form_data(user, fields)}, instance=account, owners=owners_visible_to(user)
    )
    if not form.is_valid():
        raise form_errors(form)
    changes = {
        name: form.cleaned_data[name]
        for name in form.changed_data
        if name in form_fields and name not in _OUTCOME_FIELDS
    }
    return update_account(account=account, changes=changes, user=user)


@dataclass(frozen=True, slots=True)
class Reading:
    account: str
    name: str
    value: Any
    category: str | None
    as_of: date | None


def _request_hash(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def idempotent(
    *, token: ApiToken, key: str | None, body: Any, write: Callable[[], dict[str, Any]]
) -> tuple[dict[str, Any], bool]:
    """Run `write` once per (token, key): a repeat with the same body returns the first answer
    (replayed=True) and writes nothing; a repeat with another body is refused. Without a key
    `write` simply runs. Two concurrent requests with one key: the unique constraint lets one
    commit; the other rolls back whole and replays the first's answer."""
    if not key:
        return write(), False
    request_hash = _request_hash(body)
    for _attempt in range(2):
        previous = IdempotentWrite.objects.filter(token=token, key=key).first()
        if previous is not None:
            if previous.request_hash != request_hash:
                raise invalid(
                    "idempotency_key",
                    _("This key was already used with a different request."),
                    "idempotency_conflict",
                )
            return previous.response, True
        try:
            with transaction.atomic():
                response = write()
                IdempotentWrite.objects.create(
                    token=token,
                    key=key,
                    request_hash=request_hash,
                    status_code=200,
                    response=json.loads(json.dumps(response, default=str)),
                )
            return response, False
        except IntegrityError:
            continue  # a concurrent request with the same key committed first: replay it
    raise ApiError(409, _("Could not store the request; try again."))


def _check_readings(user: User, readings: list[Reading], prefix: str) -> dict[str, int]:
    """Every reading is checked before anything is written; returns external id -> account id."""
    external_ids = {r.account for r in readings}
    found = dict(
        visible_accounts(user).filter(external_id__in=external_ids).values_list("external_id", "pk")
    )
    today = timezone.localdate()
    errors: list[FieldError] = []
    for index, reading in enumerate(readings):
        at = f"{prefix}{index}." if prefix else ""
        if reading.account not in found:
            errors.append(
                FieldError(
                    field=f"{at}account",
                    message=_("No account with this external id."),
                    code="not_found",
                )
            )
        if (reading.value is None) == (reading.category is None):
            errors.append(
                FieldError(
                    field=f"{at}value",
                    message=_("Give exactly one of value (a number) and category."),
                    code="value_or_category",
                )
            )
        if reading.as_of and reading.as_of > today:
            errors.append(
                FieldError(
                    field=f"{at}as_of", message=_("This date is in the future."), code="future"
                )
            )
    if errors:
        raise ApiError(422, _("The request is not valid."), errors)
    return found


def store_signal_readings(
    *, user: User, readings: list[Reading], prefix: str = "readings."
) -> dict[str, Any]:
    """Upsert the readings (one per account, name and day: a second one replaces the first),
    all or none, then rescore each account touched once."""
    account_ids = _check_readings(user, readings, prefix)
    today = timezone.localdate()
    # The last reading wins when a batch names the same account, signal and day twice.
    rows = {
        (account_ids[r.account], r.name, r.as_of or today): SignalReading(
            account_id=account_ids[r.account],
            name=r.name,
            value=r.value,
            category=r.category or "",
            as_of=r.as_of or today,
        )
        for r in readings
    }
    touched = sorted({account_id for account_id, _name, _day in rows})
    with transaction.atomic():
        SignalReading.objects.bulk_create(
            rows.values(),
            update_conflicts=True,
            unique_fields=["account", "name", "as_of"],
            update_fields=["value", "category"],
            batch_size=500,
        )
        score_accounts(accounts=touched)
    return {"stored": len(rows), "accounts_rescored": len(touched), "replayed": False}


def record_outcome(
    *,
    account: Account,
    user: User,
    kind: str,
    on: date,
    reason: str | None = None,
    new_mrr: Decimal | None = None,
) -> bool:
    """A churn or a renewal through the MRR ledger (which rescores the account). Idempotent:
    recording the same outcome again changes nothing and returns False."""
    if on > timezone.localdate():
        raise invalid("on", _("This date is in the future."), "future")
    if kind == "churn":
        if new_mrr is not None:
            raise invalid("new_mrr", _("A churn has no new MRR."))
        return ledger.record_churn(account=account, on=on, reason=reason or "", user=user)
    if reason:
        raise invalid("reason", _("Only a churn has a reason."))
    if account.status == "churned":
        raise invalid(
            "kind", _("A churned account cannot renew: reactivate it with its new MRR instead.")
        )
    try:
        return ledger.record_renewal(account=account, on=on, new_mrr=new_mrr, user=user)
    except ledger.LedgerError as error:  # raced with a churn recorded meanwhile
        raise invalid("kind", str(error)) from error
