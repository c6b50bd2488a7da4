"""How well a score predicts churn: the figures of a backtest, in plain Python.

- `roc_auc`: the probability that a churned case scores above a retained one (ties count half),
  computed from midranks (the Mann-Whitney statistic).
- `auc_confidence_interval`: DeLong's 95 % interval. DeLong et al. (1988) estimate the AUC's
  variance from each case's "structural component" (the share of the other class it outranks),
  without resampling; the interval is AUC +/- z x standard error, clipped to 0..1. Exact for
  large samples, deterministic, and O(n log n).
- `top_decile_lift`: the churn rate among the tenth of cases scored highest, divided by the
  overall churn rate. Cases tied at the cut count in proportion to the places left, as if ties
  were broken at random, so the figure never depends on input order.
- `wilson_interval`: the Wilson score interval of a proportion, which stays inside 0..1 and
  behaves with few cases or none churned (unlike the normal approximation).
- `brier_score`: the mean squared gap between a probability and the outcome (0 is perfect).
- `calibration_table`: per band, cases, churned, churn rate and its Wilson interval.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

Z_95 = 1.959963984540054


def _midranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ties sharing the mean of the ranks they span."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        rank = (i + j) / 2 + 1
        for k in range(i, j + 1):
            ranks[order[k]] = rank
        i = j + 1
    return ranks


def _split(scores: Sequence[float], labels: Sequence[bool]) -> tuple[list[float], list[float]]:
    if len(scores) != len(labels):
        raise ValueError("scores and labels must have the same length")
    positives = [s for s, y in zip(scores, labels, strict=True) if y]
    negatives = [s for s, y in zip(scores, labels, strict=True) if not y]
    if not positives or not negatives:
        raise ValueError("the AUC needs at least one churned and one retained case")
    return positives, negatives


def roc_auc(scores: Sequence[float], labels: Sequence[bool]) -> float:
    positives, negatives = _split(scores, labels)
    ranks = _midranks(positives + negatives)
    m, n = len(positives), len(negatives)
    return (sum(ranks[:m]) - m * (m + 1) / 2) / (m * n)


def auc_confidence_interval(
    scores: Sequence[float], labels: Sequence[bool], *, z: float = Z_95
) -> tuple[float, float, float]:
    """(auc, low, high) with DeLong's variance."""
    positives, negatives = _split(scores, labels)
    m, n = len(positives), len(negatives)
    combined = _midranks(positives + negatives)
    within_pos = _midranks(positives)
    within_neg = _midranks(negatives)
    # V10: for each churned case, the share of retained cases it outranks; V01 the converse.
    v10 = [(combined[i] - within_pos[i]) / n for i in range(m)]
    v01 = [1 - (combined[m + j] - within_neg[j]) / m for j in range(n)]
    auc = sum(v10) / m
    variance = _sample_variance(v10) / m + _sample_variance(v01) / n
    half = z * math.sqrt(variance)
    return auc, max(0.0, auc - half), min(1.0, auc + half)


def _sample_variance(values: list[float]) -> float:
    if len(values) < 2:
        return 0.0
    mean = sum(values) / len(values)
    return sum((v - mean) ** 2 for v in values) / (len(values) - 1)


def top_decile_lift(
    scores: Sequence[float], labels: Sequence[bool], *, fraction: float = 0.1
) -> float:
    if len(scores) != len(labels) or not scores:
        raise ValueError("lift needs as many labels as scores, and at least one case")
    base = sum(map(bool, labels)) / len(labels)
    if base == 0:
        raise ValueError("lift needs at least one churned case")
    places = max(1, math.ceil(len(scores) * fraction))
    cut = sorted(scores, reverse=True)[places - 1]
    above = [bool(y) for s, y in zip(scores, labels, strict=True) if s > cut]
    tied = [bool(y) for s, y in zip(scores, labels, strict=True) if s == cut]
    left = places - len(above)
    churned = sum(above) + sum(tied) * left / len(tied)
    return (churned / places) / base


def wilson_interval(successes: int, trials: int, *, z: float = Z_95) -> tuple[float, float]:
    if trials <= 0:
        return 0.0, 1.0  # nothing observed: anything is possible
    if not 0 <= successes <= trials:
        raise ValueError("successes must be between 0 and trials")
    p = successes / trials
    z2 = z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / (1 + z2 / trials)
    return max(0.0, centre - half), min(1.0, centre + half)


def brier_score(probabilities: Sequence[float], labels: Sequence[bool]) -> float:
    if len(probabilities) != len(labels) or not probabilities:
        raise ValueError("the Brier score needs as many labels as probabilities, at least one")
    return sum((p - float(bool(y))) ** 2 for p, y in zip(probabilities, labels, strict=True)) / len(
        labels
    )


@dataclass(frozen=True, slots=True)
class BandRow:
    band: str
    cases: int
    churned: int
    rate: float | None
    interval: tuple[float, float]


def calibration_table(
    bands: Sequence[str], labels: Sequence[bool], *, order: Sequence[str]
) -> list[BandRow]:
    """One row per band of `order` (bands without cases included, with no rate)."""
    cases = dict.fromkeys(order, 0)
    churned = dict.fromkeys(order, 0)
    for band, label in zip(bands, labels, strict=True):
        cases[band] += 1
        churned[band] += bool(label)
    return [
        BandRow(
            band=band,
            cases=cases[band],
            churned=churned[band],
            rate=churned[band] / cases[band] if cases[band] else None,
            interval=wilson_interval(churned[band], cases[band]),
        )
        for band in order
    ]
