from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from churnguard.validation import validate_single_line


class Team(models.Model):
    name = models.CharField(
        _("name"), max_length=100, unique=True, validators=[validate_single_line]
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CSM = "csm", _("CSM")
    MANAGER = "manager", _("CS manager")
    ADMIN = "admin", _("Admin")


class User(AbstractUser):
    """A person who logs in. A CSM works in one team; a manager leads one or more teams."""

    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.CSM)
    # Pages and e-mails in this language; blank follows the browser (and the site's language
    # for e-mails).
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, blank=True, default=""
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    managed_teams = models.ManyToManyField(
        Team, verbose_name=_("managed teams"), blank=True, related_name="managers"
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    # For templates; the role rule itself is teams/access.py (imported late: it imports this).
    @property
    def is_manager(self) -> bool:
        from teams.access import is_manager

        return is_manager(self)

    @property
    def is_admin_role(self) -> bool:
        from teams.access import is_admin

        return is_admin(self)


def email_language(user: "User | None") -> str:
    """The language of e-mails to `user`: their own, else the site's."""
    return (user.language if user is not None else "") or settings.LANGUAGE_CODE
