"""A CSM's band override: beside the computed score, with a reason, lapsing by itself."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account
from churnguard.portfolio import portfolio_changed
from risk.models import BandOverride
from teams.models import User

MAX_OVERRIDE_DAYS = 90


class OverrideError(ValueError):
    pass


def check_expiry(*, expires_on: date, today: date) -> None:
    """The override-expiry rule (the form and the service both ask it): after today, and within
    MAX_OVERRIDE_DAYS. An override then counts through its expiry day (`active_overrides`)."""
    if expires_on <= today:
        raise OverrideError(_("The expiry must be after today."))
    if expires_on > today + timedelta(days=MAX_OVERRIDE_DAYS):
        raise OverrideError(
            _("An override lasts at most %(days)s days.") % {"days": MAX_OVERRIDE_DAYS}
        )


@transaction.atomic
def override_band(
    *, account: Account, band: str, reason: str, expires_on: date, user: User, today: date
) -> BandOverride:
    """Record an override; any override still open on the account is lifted first."""
    if not reason.strip():
        raise OverrideError("A reason is required.")
    check_expiry(expires_on=expires_on, today=today)
    now = timezone.now()
    BandOverride.objects.filter(account=account, lifted_at__isnull=True).update(lifted_at=now)
    portfolio_changed()  # the triage list shows overrides
    return BandOverride.objects.create(
        account=account, band=band, reason=reason.strip(), expires_on=expires_on, created_by=user
    )


@transaction.atomic
def lift_override(*, override: BandOverride) -> None:
    if override.lifted_at is None:
        override.lifted_at = timezone.now()
        override.save(update_fields=["lifted_at"])
        portfolio_changed()
