"""The JSON form of a risk model: typed readers that say where a value is wrong, and writers.

Dates are ISO strings and threshold values decimal strings, so a model survives a trip through a
JSON column unchanged.
"""

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from .assessment import BandThresholds
from .tables import CustomFactor, DatedPoints, ModelConfigError, Threshold

# Readers take (raw JSON value, path for error messages); writers take the typed value.


def _read_int(raw: object, path: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise ModelConfigError(f"{path}: expected a whole number")
    return raw


def _read_float(raw: object, path: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ModelConfigError(f"{path}: expected a number")
    return float(raw)


def _read_str(raw: object, path: str) -> str:
    if not isinstance(raw, str):
        raise ModelConfigError(f"{path}: expected a string")
    return raw


def _read_bool(raw: object, path: str) -> bool:
    if not isinstance(raw, bool):
        raise ModelConfigError(f"{path}: expected true or false")
    return raw


def _read_decimal(raw: object, path: str) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise ModelConfigError(f"{path}: expected a number or a decimal string")
    try:
        # repr() keeps a JSON float like 2.5 from turning into its binary approximation.
        value = Decimal(repr(raw) if isinstance(raw, float) else raw)
    except InvalidOperation:
        raise ModelConfigError(f"{path}: {raw!r} is not a number") from None
    if not value.is_finite():
        raise ModelConfigError(f"{path}: must be a finite number")
    return value


def _read_date(raw: object, path: str) -> date:
    try:
        return date.fromisoformat(_read_str(raw, path))
    except ValueError:
        raise ModelConfigError(f"{path}: expected an ISO date like 2026-03-01") from None


def _read_object(raw: object, path: str, required: set[str], optional: set[str]) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise ModelConfigError(f"{path}: expected an object")
    keys = set(raw)
    if not required <= keys or not keys <= required | optional:
        expected = ", ".join(sorted(required | optional))
        raise ModelConfigError(f"{path}: expected the keys {expected}")
    return dict(raw)


def _read_list(raw: object, path: str) -> list[object]:
    if not isinstance(raw, list | tuple):
        raise ModelConfigError(f"{path}: expected a list")
    return list(raw)


def _read_mapping(raw: object, path: str) -> Mapping[object, object]:
    if not isinstance(raw, Mapping):
        raise ModelConfigError(f"{path}: expected an object")
    return raw


def _int_map(raw: object, path: str) -> Mapping[str, int]:
    items = _read_mapping(raw, path).items()
    return {_read_str(k, path): _read_int(v, f"{path}.{k}") for k, v in items}


def _float_map(raw: object, path: str) -> Mapping[str, float]:
    items = _read_mapping(raw, path).items()
    return {_read_str(k, path): _read_float(v, f"{path}.{k}") for k, v in items}


def _str_map(raw: object, path: str) -> Mapping[str, str]:
    items = _read_mapping(raw, path).items()
    return {_read_str(k, path): _read_str(v, f"{path}.{k}") for k, v in items}


def _str_tuple(raw: object, path: str) -> tuple[str, ...]:
    return tuple(_read_str(v, f"{path}[{i}]") for i, v in enumerate(_read_list(raw, path)))


def _read_threshold(raw: object, path: str) -> Threshold:
    obj = _read_object(raw, path, {"value", "points"}, set())
    return Threshold(_read_decimal(obj["value"], f"{path}.value"), _read_int(obj["points"], path))


def _thresholds(raw: object, path: str) -> tuple[Threshold, ...]:
    items = _read_list(raw, path)
    return tuple(_read_threshold(item, f"{path}[{i}]") for i, item in enumerate(items))


def _write_thresholds(thresholds: tuple[Threshold, ...]) -> list[dict[str, object]]:
    return [{"value": str(t.value), "points": t.points} for t in thresholds]


def _read_dated(raw: object, path: str) -> DatedPoints:
    obj = _read_object(raw, path, {"effective_from", "points"}, {"note"})
    return DatedPoints(
        _read_date(obj["effective_from"], f"{path}.effective_from"),
        _read_int(obj["points"], f"{path}.points"),
        _read_str(obj.get("note", ""), f"{path}.note"),
    )


def _country_points(raw: object, path: str) -> Mapping[str, tuple[DatedPoints, ...]]:
    return {
        _read_str(code, path): tuple(
            _read_dated(item, f"{path}.{code}[{i}]")
            for i, item in enumerate(_read_list(entries, f"{path}.{code}"))
        )
        for code, entries in _read_mapping(raw, path).items()
    }


def _write_country_points(
    country_points: Mapping[str, tuple[DatedPoints, ...]],
) -> dict[str, object]:
    return {
        code: [
            {"effective_from": e.effective_from.isoformat(), "points": e.points, "note": e.note}
            for e in entries
        ]
        for code, entries in country_points.items()
    }


def _bands(raw: object, path: str) -> BandThresholds:
    obj = _read_object(raw, path, {"medium", "high", "critical"}, set())
    medium, high, critical = (
        _read_int(obj[k], f"{path}.{k}") for k in ("medium", "high", "critical")
    )
    try:
        return BandThresholds(medium, high, critical)
    except ValueError as error:
        raise ModelConfigError(f"{path}: {error}") from None


def _write_bands(bands: BandThresholds) -> dict[str, object]:
    return {"medium": bands.medium, "high": bands.high, "critical": bands.critical}


def _custom_factors(raw: object, path: str) -> tuple[CustomFactor, ...]:
    """A numeric factor has `higher_is_riskier` and `thresholds`; a category factor has
    `categories` (category -> points) and optionally `other_points`."""
    result = []
    for i, item in enumerate(_read_list(raw, path)):
        at = f"{path}[{i}]"
        if isinstance(item, Mapping) and "categories" in item:
            obj = _read_object(item, at, {"signal", "label", "categories"}, {"other_points"})
            result.append(
                CustomFactor(
                    _read_str(obj["signal"], f"{at}.signal"),
                    _read_str(obj["label"], f"{at}.label"),
                    True,
                    (),
                    tuple(_int_map(obj["categories"], f"{at}.categories").items()),
                    _read_int(obj.get("other_points", 0), f"{at}.other_points"),
                )
            )
            continue
        obj = _read_object(item, at, {"signal", "label", "higher_is_riskier", "thresholds"}, set())
        result.append(
            CustomFactor(
                _read_str(obj["signal"], f"{at}.signal"),
                _read_str(obj["label"], f"{at}.label"),
                _read_bool(obj["higher_is_riskier"], f"{at}.higher_is_riskier"),
                _thresholds(obj["thresholds"], f"{at}.thresholds"),
            )
        )
    return tuple(result)


def _write_custom_factor(cf: CustomFactor) -> dict[str, object]:
    if cf.categories is not None:
        return {
            "signal": cf.signal,
            "label": cf.label,
            "categories": dict(cf.categories),
            "other_points": cf.other_points,
        }
    return {
        "signal": cf.signal,
        "label": cf.label,
        "higher_is_riskier": cf.higher_is_riskier,
        "thresholds": _write_thresholds(cf.thresholds),
    }


def _write_custom_factors(custom_factors: tuple[CustomFactor, ...]) -> list[dict[str, object]]:
    return [_write_custom_factor(cf) for cf in custom_factors]


def _same(value: Any) -> Any:
    return value


def _write_map(value: Mapping[str, Any]) -> dict[str, Any]:
    return dict(value)


def _write_list(value: tuple[str, ...]) -> list[str]:
    return list(value)


_Reader = Callable[[object, str], Any]
_Writer = Callable[[Any], object]
_INT: tuple[_Reader, _Writer] = (_read_int, _same)
_THRESHOLDS: tuple[_Reader, _Writer] = (_thresholds, _write_thresholds)
_INT_MAP: tuple[_Reader, _Writer] = (_int_map, _write_map)

# One entry per ModelConfig field, in the order to_dict() writes them.
CODECS: dict[str, tuple[_Reader, _Writer]] = {
    "base_score": _INT,
    "bands": (_bands, _write_bands),
    "max_fact_age_days": _INT,
    "weights": (_float_map, _write_map),
    "industry_points": _INT_MAP,
    "country_points": (_country_points, _write_country_points),
    "region_of_country": (_str_map, _write_map),
    "region_points": _INT_MAP,
    "runway_thresholds": _THRESHOLDS,
    "funding_stage_points": _INT_MAP,
    "burn_thresholds": _THRESHOLDS,
    "self_funded_stages": (_str_tuple, _write_list),
    "late_payment_thresholds": _THRESHOLDS,
    "segment_cash_points": _INT_MAP,
    "phase_points": _INT_MAP,
    "deployment_late_thresholds": _THRESHOLDS,
    "expected_deployment_days": _INT,
    "break_clause_thresholds": _THRESHOLDS,
    "break_clause_phases": (_str_tuple, _write_list),
    "defense_duration_thresholds": _THRESHOLDS,
    "renewal_thresholds": _THRESHOLDS,
    "renewal_overdue_points": _INT,
    "signing_discount_thresholds": _THRESHOLDS,
    "stakeholder_left_thresholds": _THRESHOLDS,
    "usage_window_days": _INT,
    "usage_fall_thresholds": _THRESHOLDS,
    "usage_rise_thresholds": _THRESHOLDS,
    "low_adoption_thresholds": _THRESHOLDS,
    "kpi_shortfall_thresholds": _THRESHOLDS,
    "kpi_overachievement_thresholds": _THRESHOLDS,
    "kpi_attainment_cap_pct": _INT,
    "usage_intensity_signal": (_read_str, _same),
    "low_intensity_thresholds": _THRESHOLDS,
    "size_seat_thresholds": _THRESHOLDS,
    "size_mrr_thresholds": _THRESHOLDS,
    "mrr_window_days": _INT,
    "mrr_fall_thresholds": _THRESHOLDS,
    "mrr_rise_thresholds": _THRESHOLDS,
    "custom_factors": (_custom_factors, _write_custom_factors),
}
