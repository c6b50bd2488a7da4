"""The Jinja2 environment, for the few hot fragments where Django's template engine is too slow.

Autoescaping is on for every template (Django's Jinja2 backend turns it on; it is set here
again so that no option can turn it off), and the same formatting filters as the Django
templates' `{% load formats %}` are available under the same names.
"""

from typing import Any

from jinja2 import Environment

from churnguard.templatetags import formats


def environment(**options: Any) -> Environment:
    options["autoescape"] = True
    env = Environment(**options)  # autoescape is forced on just above
    env.filters.update(
        as_date=formats.as_date,
        as_datetime=formats.as_datetime,
        as_money=formats.as_money,
        as_money_whole=formats.as_money_whole,
        as_percent=formats.as_percent,
        as_number=formats.as_number,
    )
    return env
