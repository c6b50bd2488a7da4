"""Making, checking and revoking personal API tokens.

A token reads `cg_<prefix>_<secret>`: the prefix finds the row, the SHA-256 of the whole text
is what is stored and compared.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from api.models import ApiToken
from teams.models import User

TOKEN_PREFIX = "cg_"
# Recording "last used" on every request would turn each read into a write; once a minute
# is precise enough for a person deciding whether a token is still in use.
LAST_USED_PRECISION = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: ApiToken
    plaintext: str  # shown once, never stored


def hash_token(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


@transaction.atomic
def create_token(*, user: User, name: str, expires_at: datetime | None = None) -> IssuedToken:
    prefix = secrets.token_hex(4)
    plaintext = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=prefix,
        secret_hash=hash_token(plaintext),
        expires_at=expires_at,
    )
    return IssuedToken(token=token, plaintext=plaintext)


@transaction.atomic
def revoke_token(*, token: ApiToken) -> bool:
    """Revoke the token; False when it already was (revoking twice changes nothing)."""
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token.refresh_from_db(fields=["revoked_at"])
    return bool(updated)


def _prefix_of(plaintext: str) -> str | None:
    if not plaintext.startswith(TOKEN_PREFIX):
        return None
    prefix, sep, secret = plaintext.removeprefix(TOKEN_PREFIX).partition("_")
    if not sep or not secret or len(prefix) > 16:
        return None
    return prefix


def authenticate_token(plaintext: str) -> ApiToken | None:
    """The usable token with this text and its active user, or None (unknown, wrong secret,
    revoked, expired, or the user was deactivated)."""
    prefix = _prefix_of(plaintext)
    if prefix is None:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.secret_hash, hash_token(plaintext)):
        return None
    if not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
