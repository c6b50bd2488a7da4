"""Geometry of the backtest chart (churn rate per band with its Wilson interval), for an SVG
drawn by a template. Plain Python: numbers only, no markup."""

from collections.abc import Sequence
from dataclasses import dataclass

from risk.backtest.stats import BandRow

WIDTH, HEIGHT = 480, 240
LEFT, BOTTOM, TOP = 48, 32, 12
BAR_WIDTH = 56


@dataclass(frozen=True, slots=True)
class Bar:
    band: str
    x: float
    y: float
    height: float
    centre: float
    low_y: float
    high_y: float
    rate_pct: float | None
    cases: int


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[tuple[float, int]]  # (y, percent)
    baseline: float
    left: int


def band_rate_chart(rows: Sequence[BandRow]) -> Chart:
    tops = [row.interval[1] for row in rows if row.cases] or [0.1]
    # The scale ends at the next 10 % above the highest interval, at least 10 %.
    top_pct = max(10, 10 * -(-int(max(tops) * 100) // 10))
    plot = HEIGHT - BOTTOM - TOP
    baseline = HEIGHT - BOTTOM

    def y_of(rate: float) -> float:
        return round(baseline - plot * min(rate * 100, top_pct) / top_pct, 1)

    slot = (WIDTH - LEFT) / max(1, len(rows))
    bars = []
    for i, row in enumerate(rows):
        x = LEFT + i * slot + (slot - BAR_WIDTH) / 2
        rate = row.rate or 0.0
        y = y_of(rate)
        bars.append(
            Bar(
                band=row.band,
                x=round(x, 1),
                y=y,
                height=round(baseline - y, 1),
                centre=round(x + BAR_WIDTH / 2, 1),
                low_y=y_of(row.interval[0]) if row.cases else baseline,
                high_y=y_of(row.interval[1]) if row.cases else baseline,
                rate_pct=None if row.rate is None else round(100 * row.rate, 1),
                cases=row.cases,
            )
        )
    ticks = [(y_of(p / 100), p) for p in range(0, top_pct + 1, max(1, top_pct // 5))]
    return Chart(WIDTH, HEIGHT, bars, ticks, baseline, LEFT)
