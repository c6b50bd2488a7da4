"""Who may move a proposal, in one place: services enforce these, pages use them to show buttons.

- Deciding (approve / reject): never on one's own proposal, never a CSM. A proposal that needs
  a manager is decided by a manager of the account's team or an admin; one that needs an admin,
  by an admin.
- Submitting and withdrawing: the proposer, or whoever could decide on it.
- Running the concession (apply, end, record the outcome): anyone who may see the account; the
  owner may be away when the customer signs.

Each rule returns why the user may not act, or "" when they may.
"""

from django.utils.translation import gettext as _

from accounts.queries import visible_accounts
from playbooks.models import Proposal
from teams.access import is_admin, is_manager, managed_team_ids
from teams.models import User


def may_see(user: User, proposal: Proposal) -> bool:
    return visible_accounts(user).filter(pk=proposal.account_id).exists()


def _has_authority(user: User, proposal: Proposal) -> bool:
    """The role part of deciding, without the "not your own" rule."""
    if is_admin(user):
        return True
    if proposal.required_approver == "admin" or not is_manager(user):
        return False
    return proposal.account.team_id in managed_team_ids(user)


def why_not_decide(user: User, proposal: Proposal) -> str:
    if not user.is_authenticated or not user.is_active:
        return _("Log in to decide on a proposal.")
    if proposal.proposed_by_id == user.pk:
        return _("Nobody approves or rejects their own proposal.")
    if not is_manager(user):
        return _("Only a manager or an admin decides on a proposal.")
    if _has_authority(user, proposal):
        return ""
    if proposal.required_approver == "admin":
        return _("This proposal is above the manager's limits: an admin decides.")
    return _("Only a manager of the account's team, or an admin, decides on this proposal.")


def why_not_manage(user: User, proposal: Proposal) -> str:
    """Submit or withdraw."""
    if proposal.proposed_by_id == user.pk or _has_authority(user, proposal):
        return ""
    return _("Only the proposer or a manager of the account's team may do this.")


def why_not_run(user: User, proposal: Proposal) -> str:
    """Apply, end, record the outcome."""
    if user.is_authenticated and user.is_active and may_see(user, proposal):
        return ""
    return _("You do not work on this account.")
