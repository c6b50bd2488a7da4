"""Chart geometry for the one SVG template (`templates/analytics/components/chart.html`).

Python computes coordinates only; the template draws them, so every chart (dashboard, board
report, PDF) is the same markup: SVG with classes (no inline style, no script), a title, axis
labels with their unit, and the figures as a table for screen readers.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

WIDTH, HEIGHT = 640, 240
# The series' colours, also given as SVG presentation attributes: the page's stylesheet styles
# the classes, and the PDF renderer (which does not apply a page's CSS inside SVG) reads these.
PALETTE = {
    "series-mrr": "#3b5bdb",
    "series-total": "#3b5bdb",
    "series-up": "#2f9e44",
    "series-down": "#e03131",
    "series-committed": "#2f9e44",
    "series-at-risk": "#f08c00",
    "series-expected-churn": "#c92a2a",
    "series-band-medium": "#f59f00",
    "series-band-high": "#e8590c",
    "series-band-critical": "#c92a2a",
    "series-nrr": "#3b5bdb",
    "series-grr": "#2f9e44",
}
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 12, 36


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    label: str
    value: Decimal | float
    href: str = ""

    @property
    def colour(self) -> str:
        return PALETTE.get(self.css, "#667085")


@dataclass(frozen=True)
class Line:
    css: str
    name: str
    points: str
    dots: list[tuple[float, float]]

    @property
    def colour(self) -> str:
        return PALETTE.get(self.css, "#667085")


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Legend:
    css: str
    name: str


@dataclass
class Chart:
    """Everything the template needs: `kind` is "bars" or "lines"."""

    slug: str
    title: str
    unit: str
    kind: str
    bars: list[Bar] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    legend: list[Legend] = field(default_factory=list)
    # The data table: header cells, then one row of cells per category.
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    baseline: float = 0.0
    empty: bool = False


def _scale(low: float, high: float):
    low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        high = low + 1
    plot = HEIGHT - TOP - BOTTOM

    def y(value: float) -> float:
        return round(TOP + plot * (high - value) / (high - low), 1)

    return y, low, high


def _nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    span = (max(high, 0) - min(low, 0)) or 1
    raw = span / count
    magnitude = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 0.1
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = (min(low, 0) // step) * step
    ticks, value = [], first
    while value <= max(high, 0) + step / 2:
        ticks.append(round(value, 6))
        value += step
    return ticks


def _format(value: float, percent: bool) -> str:
    if percent:
        return f"{value:.0f} %"
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.1f} M"
    if abs(value) >= 1_000:
        return f"{value / 1_000:.0f} k"
    return f"{value:.0f}"


@dataclass(frozen=True)
class Segment:
    """One piece of a bar: its value, its class (series), and the list it links to."""

    value: float
    css: str
    href: str = ""
    base: float | None = None  # floating bars (waterfalls) start here instead of stacking


def bar_chart(
    *,
    slug: str,
    title: str,
    unit: str,
    categories: Sequence[str],
    segments: Sequence[Sequence[Segment]],
    legend: Sequence[Legend] = (),
    columns: Sequence[str] = (),
    rows: Sequence[Sequence[str]] = (),
    percent: bool = False,
) -> Chart:
    """Vertical bars, one slot per category; a slot's segments stack (or float from `base`)."""
    tops, bottoms = [0.0], [0.0]
    for slot in segments:
        level = 0.0
        for seg in slot:
            start = seg.base if seg.base is not None else level
            tops.append(max(start, start + seg.value))
            bottoms.append(min(start, start + seg.value))
            level = start + seg.value
    ticks = _nice_ticks(min(bottoms), max(tops))
    y, low, high = _scale(min(ticks), max(ticks))
    plot_width = WIDTH - LEFT - RIGHT
    slot_width = plot_width / max(len(categories), 1)
    bar_width = round(slot_width * 0.7, 1)
    bars = []
    for i, slot in enumerate(segments):
        level = 0.0
        x = round(LEFT + i * slot_width + (slot_width - bar_width) / 2, 1)
        for seg in slot:
            start = seg.base if seg.base is not None else level
            end = start + seg.value
            bars.append(
                Bar(
                    x=x,
                    y=y(max(start, end)),
                    width=bar_width,
                    height=max(round(abs(y(start) - y(end)), 1), 0.5),
                    css=seg.css,
                    label=categories[i],
                    value=seg.value,
                    href=seg.href,
                )
            )
            level = end
    every = max(1, len(categories) // 8)
    return Chart(
        slug=slug,
        title=title,
        unit=unit,
        kind="bars",
        bars=bars,
        x_ticks=[
            Tick(position=round(LEFT + (i + 0.5) * slot_width, 1), label=label)
            for i, label in enumerate(categories)
            if i % every == 0
        ],
        y_ticks=[Tick(position=y(t), label=_format(t, percent)) for t in ticks],
        legend=list(legend),
        columns=list(columns),
        rows=[list(r) for r in rows],
        baseline=y(0),
        empty=not any(seg.value for slot in segments for seg in slot),
    )


def line_chart(
    *,
    slug: str,
    title: str,
    unit: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[float | None]]],
    columns: Sequence[str] = (),
    rows: Sequence[Sequence[str]] = (),
    percent: bool = True,
    floor: float | None = None,
) -> Chart:
    """Lines over categories; `series` is (css class, name, values); None leaves a gap."""
    values = [v for _, _, vs in series for v in vs if v is not None]
    low = min(values, default=0.0) if floor is None else min([floor, *values])
    high = max(values, default=1.0) if floor is None else max(values, default=floor) + 2
    ticks = _nice_ticks(low, high) if floor is None else _range_ticks(low, high)
    y = _line_scale(min(ticks), max(ticks))
    plot_width = WIDTH - LEFT - RIGHT
    step = plot_width / max(len(categories) - 1, 1)
    lines = []
    for css, name, vs in series:
        dots = [(round(LEFT + i * step, 1), y(v)) for i, v in enumerate(vs) if v is not None]
        lines.append(
            Line(css=css, name=name, points=" ".join(f"{x},{yy}" for x, yy in dots), dots=dots)
        )
    every = max(1, len(categories) // 8)
    return Chart(
        slug=slug,
        title=title,
        unit=unit,
        kind="lines",
        lines=lines,
        x_ticks=[
            Tick(position=round(LEFT + i * step, 1), label=label)
            for i, label in enumerate(categories)
            if i % every == 0
        ],
        y_ticks=[Tick(position=y(t), label=_format(t, percent)) for t in ticks],
        legend=[Legend(css=css, name=name) for css, name, _ in series],
        columns=list(columns),
        rows=[list(r) for r in rows],
        empty=not values,
    )


def _range_ticks(low: float, high: float, count: int = 4) -> list[float]:
    step = (high - low) / count or 1
    return [round(low + i * step, 1) for i in range(count + 1)]


def _line_scale(low: float, high: float):
    if high == low:
        high = low + 1
    plot = HEIGHT - TOP - BOTTOM

    def y(value: float) -> float:
        return round(TOP + plot * (high - value) / (high - low), 1)

    return y
