"""Rendering the triage list: the filter form and the table, each cached as HTML.

The triage list is the page every CSM opens first and most often. Its cost was template
rendering, not the indexed query (docs/performance.md), so both halves are kept as rendered HTML,
and the table's 50 rows come from a Jinja2 template (autoescaped, about four times faster than
Django's engine for the same markup):

- the filter form depends only on the user's scope (teams), the query and the language;
- the table also depends on the data and the columns shown, so it is cached under the portfolio
  version (churnguard/portfolio.py), which every write calls `portfolio_changed()` to bump.
Both keys are built from the *effective* query: the URL's, plus the "my accounts" default
(`effective_query`), so `/accounts/` and `/accounts/?owner=<me>` share their fragments.

Around the cached table, a small per-user toolbar is rendered on every request: the
"My accounts | Team" switch, the saved views menu and the column chooser (read from the reader's
cached `TriageUser`: no query when warm).
"""

import hashlib
import time
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import QueryDict
from django.template import engines
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.forms import TriageColumnsForm, TriageFilterForm
from accounts.models import Account
from accounts.presenters import (
    DEFAULT_COLUMNS,
    TRIAGE_COLUMNS,
    TRIAGE_FIELDS,
    clean_columns,
    triage_rows,
)
from accounts.queries import (
    SAVED_VIEWS_VERSION_KEY,
    SavedViewItem,
    TriageFilters,
    TriageTotals,
    has_own_book,
    saved_view_menu,
    teams_to_share_with,
    triage_accounts,
    triage_column_choice,
    triage_totals,
    triage_user_key,
)
from churnguard.http import AuthedRequest
from churnguard.pagination import CachedCountPaginator
from churnguard.portfolio import VERSION_KEY, portfolio_version
from risk.queries import active_override_band
from teams.access import ALL_TEAMS, visible_team_ids
from teams.queries import owners_visible_to

PAGE_SIZE = 50
# The owner list in the form may lag a new colleague by a few minutes; the rows never lag.
FILTER_FORM_TTL_SECONDS = 300
# Tables are retired by the version bump; the TTL only bounds a bump lost to a Redis outage.
TABLE_TTL_SECONDS = 300
# The reader's facts are re-read when the portfolio or a saved view changes; the TTL bounds what
# neither announces (the user moved to another team) and a lost delete of their columns.
USER_TTL_SECONDS = 300
ROWS_TEMPLATE = "accounts/triage_rows.jinja"


@dataclass(frozen=True, slots=True)
class TriageUser:
    """What the page needs to know about its reader, cached per user.

    Re-read once the portfolio or any saved view changed (their versions are fetched in the same
    cache round trip as the table's), so a warm request makes no query for it. The columns only
    change through `set_triage_columns`, which forgets this entry.
    """

    versions: tuple[object, object]  # (portfolio version, saved views version) when read
    has_book: bool
    columns: tuple[str, ...]
    share_teams: tuple[tuple[int, str], ...]  # (id, name) of the teams a view may be shared with
    views: tuple[SavedViewItem, ...]


def effective_query(get: QueryDict, *, user_id: int, has_book: bool) -> QueryDict:
    """The list's query as applied: without the page, and on the user's own book by default.

    A user who owns accounts opens on them ("My accounts"); `owner=` (empty) is the whole
    team, one click away. Admins and managers without a book open on everything they see.
    """
    query = get.copy()
    query.pop("page", None)
    if "owner" not in query and has_book:
        query["owner"] = str(user_id)
    return query


def render_triage(request: AuthedRequest) -> tuple[str, str]:
    """(filter form HTML, table section HTML) for this request."""
    user = request.user
    teams = visible_team_ids(user)
    scope = "all" if teams is ALL_TEAMS else ",".join(map(str, sorted(teams)))
    user_key = triage_user_key(user.pk)
    found = cache.get_many([VERSION_KEY, SAVED_VIEWS_VERSION_KEY, user_key])
    version = found.get(VERSION_KEY) or portfolio_version()
    views_version = found.get(SAVED_VIEWS_VERSION_KEY) or _saved_views_version()
    reader = _reader(request, found.get(user_key), (version, views_version))
    query = effective_query(request.GET, user_id=user.pk, has_book=reader.has_book)
    columns = clean_columns(query["cols"]) if "cols" in query else reader.columns
    form_key = f"triage-filters:{get_language()}:{scope}:{query.urlencode()}"
    filters, form_html = cache.get(form_key) or _render_filter_form(request, query, form_key)
    results_html = _results_html(request, scope, query, filters, columns, version)
    is_mine = reader.has_book and query.get("owner") == str(user.pk)
    context = {
        "results_html": results_html,
        "query": query,
        "has_book": reader.has_book,
        "is_mine": is_mine,
        "is_team": reader.has_book and not query.get("owner"),
        "saved_views": reader.views,
        "share_teams": reader.share_teams,
        "columns_value": ",".join(columns),
        "columns_form": TriageColumnsForm(
            initial={"columns": columns, "query": _without(query, "cols").urlencode()}
        ),
    }
    section_html = render_to_string("accounts/account_list.html#account-table", context, request)
    return form_html, section_html


def _reader(
    request: AuthedRequest, cached: TriageUser | None, versions: tuple[object, object]
) -> TriageUser:
    user = request.user
    # Like the table, only in a cache every web process shares: a per-process cache would keep
    # showing a menu another process changed.
    shared = settings.TRIAGE_FRAGMENT_CACHE and None not in versions
    if shared and cached is not None and cached.versions == versions:
        return cached
    if shared and cached is not None:
        columns = cached.columns
    else:
        choice = triage_column_choice(user)
        columns = DEFAULT_COLUMNS if choice is None else clean_columns(choice)
    reader = TriageUser(
        versions=versions,
        has_book=has_own_book(user),
        columns=columns,
        share_teams=tuple(teams_to_share_with(user).values_list("id", "name")),
        views=saved_view_menu(user),
    )
    if shared:
        cache.set(triage_user_key(user.pk), reader, USER_TTL_SECONDS)
    return reader


def _saved_views_version() -> int | None:
    """The saved views' version stamp, set now if the cache lost it; None without a cache."""
    cache.add(SAVED_VIEWS_VERSION_KEY, time.time_ns(), timeout=None)
    return cache.get(SAVED_VIEWS_VERSION_KEY)


def _without(query: QueryDict, name: str) -> QueryDict:
    query = query.copy()
    query.pop(name, None)
    return query


def _render_filter_form(
    request: AuthedRequest, query: QueryDict, key: str
) -> tuple[TriageFilters, str]:
    owners = owners_visible_to(request.user)
    form = TriageFilterForm(query, owners=[(u.pk, u.display_name) for u in owners])
    if query.get("owner"):
        # The browser resets a field missing from the URL to its first choice when it restores
        # the page (static/js/churnguard.js); the default owner must survive that.
        form.fields["owner"].widget.attrs["data-default"] = query["owner"]
    context = {"form": form, "cols": query.get("cols")}
    html = render_to_string("accounts/account_list.html#filter-form", context, request)
    cache.set(key, (form.to_filters(), html), FILTER_FORM_TTL_SECONDS)
    return form.to_filters(), html


def _results_html(
    request: AuthedRequest,
    scope: str,
    query: QueryDict,
    filters: TriageFilters,
    columns: tuple[str, ...],
    version: int | None,
) -> str:
    today = timezone.localdate()
    page_number = request.GET.get("page", "")
    # The links in the table carry the query; the cells depend on the filters and columns.
    name = f"{today}:{get_language()}:{scope}:{query.urlencode()}:{filters!r}:{columns}"
    key = None
    if settings.TRIAGE_FRAGMENT_CACHE and version is not None:
        versioned = f"{version}:{page_number}:{name}"
        key = "triage-table:" + hashlib.sha256(versioned.encode()).hexdigest()
        if (html := cache.get(key)) is not None:
            return html
    accounts = triage_accounts(user=request.user, filters=filters, today=today)
    totals = _totals(accounts, scope, filters, today, version)
    # A CSM's band override shows beside the computed band, so the list does not hide it.
    accounts = accounts.annotate(override_band=active_override_band(today))
    # Its page() slices by page size alone; the total comes from the aggregate above.
    paginator = CachedCountPaginator(accounts.values(*TRIAGE_FIELDS), PAGE_SIZE)
    paginator.count = totals.count
    page = paginator.get_page(page_number)
    rows = triage_rows(list(page), today=today)
    # Jinja2's own environment (it caches compiled templates): the backend's wrapper would add
    # a request context the rows do not use. The output is autoescaped markup, hence safe.
    rows_template = engines["jinja2"].env.get_template(ROWS_TEMPLATE)  # type: ignore[attr-defined]
    labels = {"expected": _("expected churn")}
    show = {code: code in columns for code in TRIAGE_COLUMNS}
    rows_html = mark_safe(rows_template.render(rows=rows, labels=labels, show=show))
    context = {
        "page": page,
        "rows": rows,
        "rows_html": rows_html,
        "totals": totals,
        "query": query,
        "header": [(code, TRIAGE_COLUMNS[code]) for code in columns],
    }
    html = render_to_string("accounts/account_list.html#account-results", context, request)
    if key:
        cache.set(key, html, TABLE_TTL_SECONDS)
    return html


def _totals(
    accounts: QuerySet[Account],
    scope: str,
    filters: TriageFilters,
    today: date,
    version: int | None,
) -> TriageTotals:
    """The view's count and MRR; cached under the portfolio version, so never stale."""
    if not settings.TRIAGE_FRAGMENT_CACHE or version is None:
        return triage_totals(accounts)
    name = f"{version}:{today}:{scope}:{filters!r}"
    key = "triage-totals:" + hashlib.sha256(name.encode()).hexdigest()
    totals = cache.get(key)
    if totals is None:
        totals = triage_totals(accounts)
        cache.set(key, totals, TABLE_TTL_SECONDS)
    return totals
