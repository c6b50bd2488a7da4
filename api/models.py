"""Personal API tokens and the idempotency keys of the writes made with them.

A token is shown once and stored as the SHA-256 of its text: a database leak reveals no usable
token. Its public `prefix` finds the row without scanning; the hash is compared in constant time.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    secret_hash = models.CharField(_("secret hash"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    # Revoked tokens stay listed: the trail of who could reach the API, and when, is kept.
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return not self.is_revoked and not self.is_expired


class IdempotentWrite(models.Model):
    """A write made with a client-supplied key: a second request with the same key replays the
    stored answer instead of writing again (per token, so two clients cannot collide)."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="writes")
    key = models.CharField(_("idempotency key"), max_length=200)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("token", "key", name="idempotent_write_one_per_key"),
        ]
        verbose_name = _("idempotent write")
        verbose_name_plural = _("idempotent writes")

    def __str__(self) -> str:
        return self.key
