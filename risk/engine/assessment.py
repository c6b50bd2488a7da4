"""What the engine returns: a score, its band, and the contributions that explain it."""

from collections.abc import Mapping
from dataclasses import dataclass

BANDS = ("low", "medium", "high", "critical")
# The built-in factors, as named in Contribution.factor; custom ones are "signal:<name>".
FACTORS = (
    "account_size",
    "cash_stability",
    "geography",
    "industry",
    "kpi_attainment",
    "mrr_trend",
    "phase",
    "renewal_proximity",
    "signing_discount",
    "stakeholder",
    "usage_trend",
)
CUSTOM_FACTOR_PREFIX = "signal:"


@dataclass(frozen=True, slots=True)
class BandThresholds:
    """The lowest score of each band above "low"; each must be higher than the one before."""

    medium: int
    high: int
    critical: int

    def __post_init__(self) -> None:
        if not 0 < self.medium < self.high < self.critical <= 100:
            raise ValueError(
                "bands must satisfy 0 < medium < high < critical <= 100, got "
                f"{self.medium} / {self.high} / {self.critical}"
            )


def band_for(score: int, bands: BandThresholds) -> str:
    if score >= bands.critical:
        return "critical"
    if score >= bands.high:
        return "high"
    if score >= bands.medium:
        return "medium"
    return "low"


# Values a reason may name: numbers, dates, codes and the names users typed; `parts` holds a
# tuple of Parts. Never English: the reader's language is applied where the reason is shown.
type ReasonParams = Mapping[str, object]
# One piece of a composite reason (phase, cash, usage): (code, params, points).
type Part = tuple[str, ReasonParams, int]
# Code of a reason made of two or more parts, each shown with its own points.
PARTS_CODE = "parts"


@dataclass(frozen=True, slots=True)
class Contribution:
    """One factor's share of the score.

    `points` are the points that count (after the factor's weight) and may be negative when the
    factor protects the account; `raw_points` are the factor's points before its `weight`.
    `code` names the message that explains them and `params` the values it mentions (see
    `ReasonParams`): the wording is applied at display time, in the reader's language.
    `has_data` is False when the factor had nothing (fresh) to go on; its points are then 0.
    Contributions are shared between accounts: never mutate `params`.
    """

    factor: str
    points: int
    code: str
    params: ReasonParams
    has_data: bool
    raw_points: int
    weight: float


@dataclass(frozen=True, slots=True)
class Assessment:
    """score = base score + the sum of the contributions' points, clamped to 0..100."""

    score: int
    band: str
    contributions: tuple[Contribution, ...]


# The generated __init__ of a frozen dataclass sets each field through object.__setattr__, which
# costs half of building one; the engine builds millions. These set the slots directly and give
# the very same frozen objects (equal, hashable, immutable afterwards).
_new = object.__new__
_set_factor = Contribution.__dict__["factor"].__set__
_set_points = Contribution.__dict__["points"].__set__
_set_code = Contribution.__dict__["code"].__set__
_set_params = Contribution.__dict__["params"].__set__
_set_has_data = Contribution.__dict__["has_data"].__set__
_set_raw_points = Contribution.__dict__["raw_points"].__set__
_set_weight = Contribution.__dict__["weight"].__set__
_set_score = Assessment.__dict__["score"].__set__
_set_band = Assessment.__dict__["band"].__set__
_set_contributions = Assessment.__dict__["contributions"].__set__
_NO_PARAMS: ReasonParams = {}


def new_contribution(
    factor: str,
    points: int,
    code: str,
    params: ReasonParams | None,
    has_data: bool,
    raw_points: int | None = None,
    weight: float = 1.0,
) -> Contribution:
    contribution = _new(Contribution)
    _set_factor(contribution, factor)
    _set_points(contribution, points)
    _set_code(contribution, code)
    _set_params(contribution, _NO_PARAMS if params is None else params)
    _set_has_data(contribution, has_data)
    _set_raw_points(contribution, points if raw_points is None else raw_points)
    _set_weight(contribution, weight)
    return contribution


def new_assessment(score: int, band: str, contributions: tuple[Contribution, ...]) -> Assessment:
    assessment = _new(Assessment)
    _set_score(assessment, score)
    _set_band(assessment, band)
    _set_contributions(assessment, contributions)
    return assessment
