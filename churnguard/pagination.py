import hashlib
from functools import cached_property
from typing import Any, cast

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

# A count over a large filtered portfolio costs more than the page itself; a minute-old total
# is good enough for "1,234 accounts", while the rows themselves are always fresh.
COUNT_TTL_SECONDS = 60


class CachedCountPaginator(Paginator):
    """A paginator whose total may be a minute old; the page's rows never are.

    `count_key` names the result set (e.g. scope + filters); without it the key is derived
    from the SQL, which costs a query compilation per request.
    """

    def __init__(self, *args: object, count_key: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.count_key = count_key

    def page(self, number):  # type: ignore[no-untyped-def]
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        # Slice by page size, not by the cached count, so a stale total never hides rows.
        return Page(self.object_list[bottom : bottom + self.per_page], number, self)

    @cached_property
    def count(self) -> int:
        query = getattr(self.object_list, "query", None)
        if query is None:
            return super().count
        if self.count_key:
            name = self.count_key
        else:
            sql, params = query.sql_with_params()
            name = f"{sql}|{params!r}"
        key = "count:" + hashlib.sha256(name.encode()).hexdigest()
        total = cache.get(key)
        if total is None:
            total = cast(QuerySet[Any], self.object_list).count()
            cache.set(key, total, COUNT_TTL_SECONDS)
        return total
