"""Rendering the triage list: the filter form and the table, each cached as HTML.

The triage list is the page every CSM opens first and most often. Its cost was template
rendering, not the indexed query (docs/performance.md), so both halves are kept as rendered HTML,
and the table's 50 rows come from a Jinja2 template (autoescaped, about four times faster than
Django's engine for the same markup):

- the filter form depends only on the user's scope (teams), the query and the language;
- the table also depends on the data, so it is cached under the portfolio version
  (accounts/cache.py), which every write to accounts bumps after it commits.
Both lookups go to the cache in one round trip.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.template import engines
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.cache import VERSION_KEY, portfolio_version
from accounts.forms import TriageFilterForm
from accounts.presenters import TRIAGE_FIELDS, triage_rows
from accounts.queries import TriageFilters, triage_accounts
from churnguard.http import AuthedRequest
from churnguard.pagination import CachedCountPaginator
from teams.access import ALL_TEAMS, visible_team_ids
from teams.queries import owners_visible_to

PAGE_SIZE = 50
# The owner list in the form may lag a new colleague by a few minutes; the rows never lag.
FILTER_FORM_TTL_SECONDS = 300
# Tables are retired by the version bump; the TTL only bounds a bump lost to a Redis outage.
TABLE_TTL_SECONDS = 300
ROWS_TEMPLATE = "accounts/triage_rows.jinja"


def render_triage(request: AuthedRequest) -> tuple[str, str]:
    """(filter form HTML, table HTML) for this request."""
    teams = visible_team_ids(request.user)
    scope = "all" if teams is ALL_TEAMS else ",".join(map(str, sorted(teams)))
    query = request.GET.copy()
    query.pop("page", None)
    form_key = f"triage-filters:{get_language()}:{scope}:{query.urlencode()}"
    found = cache.get_many([form_key, VERSION_KEY])
    filters, form_html = found.get(form_key) or _render_filter_form(request, form_key)
    version = found.get(VERSION_KEY) or portfolio_version()
    return form_html, _table_html(request, scope, filters, version)


def _render_filter_form(request: AuthedRequest, key: str) -> tuple[TriageFilters, str]:
    owners = owners_visible_to(request.user)
    form = TriageFilterForm(request.GET, owners=[(u.pk, u.display_name) for u in owners])
    html = render_to_string("accounts/account_list.html#filter-form", {"form": form}, request)
    cache.set(key, (form.to_filters(), html), FILTER_FORM_TTL_SECONDS)
    return form.to_filters(), html


def _table_html(
    request: AuthedRequest, scope: str, filters: TriageFilters, version: int | None
) -> str:
    today = timezone.localdate()
    key = None
    if settings.TRIAGE_FRAGMENT_CACHE and version is not None:
        page_number = request.GET.get("page", "")
        name = f"{version}:{today}:{get_language()}:{scope}:{page_number}:{filters!r}"
        key = "triage-table:" + hashlib.sha256(name.encode()).hexdigest()
        if (html := cache.get(key)) is not None:
            return html
    accounts = triage_accounts(user=request.user, filters=filters, today=today)
    paginator = CachedCountPaginator(
        accounts.values(*TRIAGE_FIELDS), PAGE_SIZE, count_key=f"{today}:{scope}:{filters!r}"
    )
    page = paginator.get_page(request.GET.get("page"))
    rows = triage_rows(list(page), today=today)
    # Jinja2's own environment (it caches compiled templates): the backend's wrapper would add
    # a request context the rows do not use. The output is autoescaped markup, hence safe.
    rows_template = engines["jinja2"].env.get_template(ROWS_TEMPLATE)  # type: ignore[attr-defined]
    labels = {"expected": _("expected churn")}
    rows_html = mark_safe(rows_template.render(rows=rows, labels=labels))
    context = {"page": page, "rows": rows, "rows_html": rows_html}
    html = render_to_string("accounts/account_list.html#account-table", context, request)
    if key:
        cache.set(key, html, TABLE_TTL_SECONDS)
    return html
