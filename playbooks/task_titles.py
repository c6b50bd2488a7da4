"""How the tasks that playbooks generates are titled (registered in `PlaybooksConfig.ready()`).

A play's task shows the play's title in the reader's language; a give-back's task says what to
collect, from the proposal's give-back code. One query per page of tasks, whatever its length.
"""

from collections.abc import Sequence

from django.utils.translation import gettext as _

from playbooks.models import GIVE_BACK_LABELS, Play, Proposal


def _ids(values: Sequence[str]) -> list[int]:
    return [int(value) for value in values if value.isdigit()]


def play_titles(ids: Sequence[str]) -> dict[str, str]:
    return {str(play.pk): play.display_title for play in Play.objects.filter(pk__in=_ids(ids))}


def give_back_titles(ids: Sequence[str]) -> dict[str, str]:
    proposals = Proposal.objects.filter(pk__in=_ids(ids)).values_list("pk", "give_back")
    return {
        str(pk): _("Collect the give-back: %(give_back)s")
        % {"give_back": GIVE_BACK_LABELS.get(code, code)}
        for pk, code in proposals
    }
