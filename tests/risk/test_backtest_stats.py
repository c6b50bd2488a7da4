"""The backtest's figures: hand-computed cases, then scikit-learn and SciPy on random data."""

import math
import random

import pytest

from risk.backtest.stats import (
    auc_confidence_interval,
    brier_score,
    calibration_table,
    roc_auc,
    top_decile_lift,
    wilson_interval,
)


def test_auc_of_a_small_hand_computed_case():
    # Churned cases at 0.35 and 0.8, retained at 0.1 and 0.4: 3 of the 4 pairs in order.
    assert roc_auc([0.1, 0.4, 0.35, 0.8], [False, False, True, True]) == 0.75


def test_tied_scores_count_half_a_pair():
    assert roc_auc([5, 5], [True, False]) == 0.5
    assert roc_auc([1, 5, 5], [False, True, False]) == 0.75


def test_auc_needs_both_outcomes():
    with pytest.raises(ValueError, match="one churned and one retained"):
        roc_auc([1, 2], [True, True])


def test_delong_interval_of_the_hand_computed_case():
    # V10 = [0.5, 1], V01 = [1, 0.5]: variance 0.125/2 + 0.125/2, standard error sqrt(0.125).
    auc, low, high = auc_confidence_interval([0.1, 0.4, 0.35, 0.8], [False, False, True, True])
    assert auc == 0.75
    assert low == pytest.approx(0.75 - 1.959964 * math.sqrt(0.125), abs=1e-6)
    assert high == 1.0


def test_lift_when_the_single_churned_case_scores_highest():
    scores = list(range(10, 0, -1))
    labels = [True] + [False] * 9
    assert top_decile_lift(scores, labels) == pytest.approx(10.0)


def test_lift_shares_the_places_of_cases_tied_at_the_cut():
    # 20 cases, 2 places in the top tenth; four cases tie at the top, one of them churned, and
    # two churned cases overall: expected churned in the top = 1 x 2/4, rate 0.25, base 0.1.
    scores = [9, 9, 9, 9] + [1] * 16
    labels = [True, False, False, False] + [True] + [False] * 15
    assert top_decile_lift(scores, labels) == pytest.approx(2.5)
    shuffled = list(zip(scores, labels, strict=True))
    random.Random(3).shuffle(shuffled)
    assert top_decile_lift(*zip(*shuffled, strict=True)) == pytest.approx(2.5)


def test_wilson_intervals_of_textbook_cases():
    assert wilson_interval(5, 10) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    low, high = wilson_interval(0, 10)
    assert low == 0.0
    assert high == pytest.approx(0.2775, abs=1e-4)
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_brier_score_of_a_hand_computed_case():
    assert brier_score([0.1, 0.9, 0.8, 0.3], [False, True, True, False]) == pytest.approx(0.0375)


def test_calibration_table_counts_every_band_including_empty_ones():
    rows = calibration_table(
        ["low", "low", "high", "high", "high"],
        [False, False, True, False, True],
        order=["low", "medium", "high"],
    )
    assert [(r.band, r.cases, r.churned) for r in rows] == [
        ("low", 2, 0),
        ("medium", 0, 0),
        ("high", 3, 2),
    ]
    assert rows[1].rate is None
    assert rows[2].rate == pytest.approx(2 / 3)
    assert rows[2].interval == pytest.approx(wilson_interval(2, 3))


def _random_cases(seed: int, n: int) -> tuple[list[int], list[bool]]:
    rng = random.Random(seed)
    scores = [rng.randint(0, 100) for _ in range(n)]  # integer scores: many ties, as in practice
    labels = [rng.random() < 0.05 + s / 250 for s in scores]
    return scores, labels


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_auc_and_brier_agree_with_scikit_learn_on_random_data(seed):
    from sklearn.metrics import brier_score_loss, roc_auc_score

    scores, labels = _random_cases(seed, 2000)
    assert roc_auc(scores, labels) == pytest.approx(roc_auc_score(labels, scores), abs=1e-12)
    probabilities = [s / 100 for s in scores]
    assert brier_score(probabilities, labels) == pytest.approx(
        brier_score_loss(labels, probabilities), abs=1e-12
    )


@pytest.mark.parametrize("seed", [4, 5])
def test_delong_variance_agrees_with_the_pairwise_definition(seed):
    scores, labels = _random_cases(seed, 300)
    positives = [s for s, y in zip(scores, labels, strict=True) if y]
    negatives = [s for s, y in zip(scores, labels, strict=True) if not y]

    def psi(x: float, y: float) -> float:
        return 1.0 if x > y else 0.5 if x == y else 0.0

    v10 = [sum(psi(x, y) for y in negatives) / len(negatives) for x in positives]
    v01 = [sum(psi(x, y) for x in positives) / len(positives) for y in negatives]

    def var(values: list[float]) -> float:
        mean = sum(values) / len(values)
        return sum((v - mean) ** 2 for v in values) / (len(values) - 1)

    se = math.sqrt(var(v10) / len(v10) + var(v01) / len(v01))
    auc, low, high = auc_confidence_interval(scores, labels)
    assert auc == pytest.approx(sum(v10) / len(v10))
    assert (high - low) / 2 == pytest.approx(1.959964 * se, rel=1e-5)


@pytest.mark.parametrize("successes,trials", [(0, 7), (3, 40), (17, 20), (250, 1000)])
def test_wilson_agrees_with_scipy(successes, trials):
    from scipy.stats import binomtest

    expected = binomtest(successes, trials).proportion_ci(method="wilson")
    low, high = wilson_interval(successes, trials)
    assert low == pytest.approx(expected.low, abs=1e-9)
    assert high == pytest.approx(expected.high, abs=1e-9)


def test_lift_agrees_with_a_sort_by_score_when_there_are_no_ties():
    rng = random.Random(9)
    scores = rng.sample(range(100_000), 1000)
    labels = [rng.random() < 0.1 + s / 200_000 for s in scores]
    top = sorted(zip(scores, labels, strict=True), reverse=True)[:100]
    expected = (sum(y for _, y in top) / 100) / (sum(labels) / len(labels))
    assert top_decile_lift(scores, labels) == pytest.approx(expected)
