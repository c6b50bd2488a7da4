"""Rendering the triage table's 50 rows: Django's template engine against Jinja2, same markup.

    .venv/bin/python bench/triage_rows_bench.py [--rows 50] [--repeat 300]

The rows are the hottest fragment of the busiest page; this is the measurement behind rendering
them with Jinja2 (templates/accounts/triage_rows.jinja). Both templates print the same
autoescaped markup from the same ready-made row values; the figure is the median time per
render, in-process, with no database.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "churnguard.settings")

import django

django.setup()

from django.template import Context, Template, engines  # noqa: E402

from accounts.presenters import DEFAULT_COLUMNS, TRIAGE_COLUMNS, TriageRow  # noqa: E402
from workspace.triage_page import ROWS_TEMPLATE  # noqa: E402

# The Jinja2 template's markup, in Django's template language.
DJANGO_ROWS = Template(
    "{% for r in rows %}\n<tr>\n"
    '  <td><a href="{{ r.url }}">{{ r.name }}</a>{% if r.is_expected_churn %} '
    '<span class="tag expected">{{ labels.expected }}</span>{% endif %}</td>\n'
    "  <td><span class=\"badge band-{{ r.band|default:'none' }}\"><b>{{ r.score|default:'–' }}"
    "</b> {{ r.band_label }}</span>{% if r.override_band %} "
    '<span class="badge band-{{ r.override_band }} override">{{ r.override_text }}</span>'
    "{% endif %}</td>\n"
    '  <td class="num">{{ r.mrr }}</td>\n'
    '  <td{% if r.renewal_soon %} class="soon"{% endif %}>{{ r.renewal }}</td>\n'
    '  <td><span class="phase phase-{{ r.phase }}">{{ r.phase_label }}</span></td>\n'
    "  <td>{{ r.industry }}</td>\n  <td>{{ r.country }}</td>\n  <td>{{ r.owner }}</td>\n"
    "</tr>{% endfor %}"
)


def sample_rows(count: int) -> list[TriageRow]:
    today = date(2026, 11, 29)
    return [
        TriageRow(
            url=f"/accounts/{i}/",
            name=f"Account <{i}> & Co",
            external_id=f"ACC-{i:06d}",
            industry="Hospitality",
            country="France",
            segment="Mid-market",
            phase="defense",
            phase_label="Defense",
            score=str(40 + i % 50),
            band="high",
            band_label="High",
            mrr="€12,500",
            renewal=str(today + timedelta(days=i)),
            renewal_soon=i % 3 == 0,
            owner="Camille Laurent",
            is_expected_churn=i % 7 == 0,
            override_band="critical" if i % 11 == 0 else "",
            override_text="CSM says Critical" if i % 11 == 0 else "",
        )
        for i in range(count)
    ]


def median_ms(render, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        render()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()
    rows, labels = sample_rows(args.rows), {"expected": "expected churn"}
    jinja = engines["jinja2"].env.get_template(ROWS_TEMPLATE)  # type: ignore[attr-defined]
    django_ms = median_ms(
        lambda: DJANGO_ROWS.render(Context({"rows": rows, "labels": labels})), args.repeat
    )
    # The default columns, which DJANGO_ROWS prints.
    show = {code: code in DEFAULT_COLUMNS for code in TRIAGE_COLUMNS}
    jinja_ms = median_ms(lambda: jinja.render(rows=rows, labels=labels, show=show), args.repeat)
    print(f"{args.rows} triage rows, median of {args.repeat} renders:")
    print(f"  Django template engine  {django_ms:6.2f} ms")
    print(f"  Jinja2 (autoescaped)    {jinja_ms:6.2f} ms  ({django_ms / jinja_ms:.1f}x faster)")


if __name__ == "__main__":
    main()
