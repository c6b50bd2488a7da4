"""A task's title in the reader's language, worded at display time.

A manual task shows what its author typed. A generated task stores only its source (a kind and
an id); the app that owns the source registers how to word it, once, from its
`AppConfig.ready()` with `register_title_source(kind, resolver)`: playbooks words its plays and
give-backs, alerts its alerts. A resolver takes the ids of one page's tasks and answers them
in one query, so a list of 500 tasks costs one query per source kind, never one per row.
An unknown or vanished source falls back to the source kind's label: a title never breaks a
page.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import Touchpoint
from churnguard import formats as display
from tasks.models import SourceKind, Task

TitleResolver = Callable[[Sequence[str]], Mapping[str, str]]
_RESOLVERS: dict[str, TitleResolver] = {}


def register_title_source(kind: str, resolver: TitleResolver) -> None:
    """Word the tasks of source `kind` with `resolver` (ids → titles, one query)."""
    _RESOLVERS[kind] = resolver


def _int_ids(ids: Sequence[str]) -> list[int]:
    return [int(value) for value in ids if value.isdigit()]


def _touchpoint_titles(ids: Sequence[str]) -> dict[str, str]:
    found = Touchpoint.objects.filter(pk__in=_int_ids(ids)).only("kind", "happened_at")
    return {
        str(touchpoint.pk): _("Follow up: %(kind)s of %(date)s")
        % {
            "kind": touchpoint.get_kind_display(),
            "date": display.format_date(
                timezone.localtime(touchpoint.happened_at).date(),
                display.locale_for(get_language()),
            ),
        }
        for touchpoint in found
    }


register_title_source(SourceKind.TOUCHPOINT, _touchpoint_titles)


def with_titles[T: Iterable[Task]](tasks: T) -> T:
    """Set `display_title` on each task; returns what it was given (a list or a page)."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for task in tasks:
        if not task.title:
            wanted[task.source_kind].add(task.source_id)
    words: dict[str, Mapping[str, str]] = {}
    for kind, ids in wanted.items():
        resolver = _RESOLVERS.get(kind)
        words[kind] = resolver(sorted(ids)) if resolver else {}
    for task in tasks:
        title = task.title or words.get(task.source_kind, {}).get(task.source_id)
        task.display_title = title or str(SourceKind(task.source_kind).label)  # type: ignore[attr-defined]
    return tasks
