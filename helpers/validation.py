"""Input checks shared by the course's helpers: each raises a ``ValueError`` that says what was
expected, what came instead and, where there is one, the usual fix.

``what`` names the argument for the message, e.g. ``"show_images: images"``.
"""

from __future__ import annotations

import math
import numbers as _numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np


def describe(value: Any) -> str:
    """A short description of a value for an error message: its type, and its shape or text."""
    if value is None or isinstance(value, bool | np.bool_ | _numbers.Number):
        return repr(value)
    if isinstance(value, str):
        return repr(value) if len(value) <= 40 else f"a string of {len(value)} characters"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    return f"a {type(value).__name__}"


def numbers(values: Any, what: str, expected: str) -> np.ndarray:
    """``values`` as an int or float array; refuses None, ragged lists, text, bools and objects.

    ``expected`` says what the caller wants, e.g. ``"an array of shape (n,)"``. Shapes, sizes
    and NaN are the caller's to check (with :func:`finite` and its own messages).
    """
    if values is None:
        raise ValueError(f"{what}: expected {expected}, made of numbers; got None")
    try:
        array = np.asarray(values)
    except ValueError as error:  # ragged nested lists
        raise ValueError(
            f"{what}: expected {expected} as an array of numbers of one shape, got "
            f"{describe(values)} whose items have different lengths ({error})"
        ) from None
    if array.dtype.kind == "b":
        raise ValueError(
            f"{what}: expected {expected}, made of numbers; got True/False values (dtype bool); "
            "if you mean 0 and 1, convert them with .astype(float)"
        )
    if array.dtype.kind not in "iuf":
        kind = "text" if array.dtype.kind in "US" else "Python objects or mixed values"
        raise ValueError(
            f"{what}: expected {expected}, made of numbers; got {kind} (dtype {array.dtype}); "
            "pass a numpy array of ints or floats"
        )
    return array  # its own dtype: uint8 RGB images must stay 0..255 integers for imshow


def finite(array: np.ndarray, what: str, fix: str = "") -> np.ndarray:
    """Refuse an array with any NaN or inf; return it unchanged otherwise."""
    bad = ~np.isfinite(array)
    if bad.any():
        raise ValueError(
            f"{what}: expected finite numbers, but {int(bad.sum())} of {array.size} values are "
            f"NaN or inf{'; ' + fix if fix else ''}"
        )
    return array


def drawable(values: np.ndarray, what: str, log: bool = False) -> np.ndarray:
    """The values with NaN where they cannot be drawn (NaN, inf; <= 0 on a log axis), so a
    diverged run's curve just ends; refuses values of which none can be drawn (a blank plot)."""
    values = np.asarray(values, dtype=float)
    drawable = np.isfinite(values) & (values > 0 if log else True)
    if not drawable.any():
        condition = "finite positive (log axis)" if log else "finite"
        raise ValueError(
            f"{what}: no {condition} value to draw among its {values.size} values (all are NaN "
            f"or inf{', or <= 0' if log else ''}); expected at least one {condition} number"
        )
    return np.where(drawable, values, np.nan)


def series(
    values: Any, what: str, expected: str = "values of shape (n,)", log: bool = False
) -> np.ndarray:
    """A 1-D float array of at least one value, as :func:`drawable` returns it."""
    array = numbers(values, what, expected).astype(float)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(
            f"{what}: expected {expected} with at least one value, got shape {array.shape}"
        )
    return drawable(array, what, log)


def limits(pair: Any, what: str) -> None:
    """None, or a pair (low, high) of finite numbers with low < high."""
    if pair is None:
        return
    if not isinstance(pair, Sequence | np.ndarray) or len(pair) != 2:
        raise ValueError(f"{what} must be a pair (low, high) of numbers, got {describe(pair)}")
    low, high = (number(value, what) for value in pair)
    if not low < high:
        raise ValueError(f"{what} must be (low, high) with low < high, got ({low}, {high})")


def number(
    value: Any,
    what: str,
    *,
    positive: bool = False,
    non_negative: bool = False,
    integer: bool = False,
    allow_none: bool = False,
) -> float | int | None:
    """A single finite real number (not a bool, not text, not an array); ints when ``integer``.

    A 0-d numpy array of numbers (what ``np.mean`` of an array gives) counts as a number.
    """
    if value is None and allow_none:
        return None
    base = "an integer" if integer else "a number"
    expected = f"{base} > 0" if positive else f"{base} >= 0" if non_negative else base
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
        value = value.item()
    is_real = isinstance(value, _numbers.Real) and not isinstance(value, bool | np.bool_)
    if not is_real or (integer and not isinstance(value, _numbers.Integral)):
        raise ValueError(f"{what} must be {expected}, got {describe(value)}")
    if not math.isfinite(value):
        raise ValueError(f"{what} must be {expected} and finite (not NaN or inf), got {value}")
    if (positive and value <= 0) or (non_negative and value < 0):
        raise ValueError(f"{what} must be {expected}, got {value}")
    return int(value) if integer else float(value)


def text(value: Any, what: str, *, allow_none: bool = False) -> str | None:
    """A non-empty string; with ``allow_none``, also None or "" (an optional text left out)."""
    if allow_none and (value is None or value == ""):
        return value
    if not isinstance(value, str) or not value:
        raise ValueError(f"{what} must be non-empty text (a str), got {describe(value)}")
    return value


def index(value: Any, count: int, what: str) -> int:
    """An integer in 0..count-1 (a class, an item), not a bool or a float."""
    is_index = isinstance(value, _numbers.Integral) and not isinstance(value, bool | np.bool_)
    if not is_index or not 0 <= value < count:
        raise ValueError(f"{what} must be an integer in 0..{count - 1}, got {describe(value)}")
    return int(value)


def probabilities(
    values: Any, what: str, expected: str = "probabilities of shape (..., num_classes)"
) -> np.ndarray:
    """Probabilities along the last axis: finite, in [0, 1], summing to 1 (within 1e-3, which
    float32 softmax meets); refuses logits and partial distributions: "apply softmax first"."""
    array = numbers(values, what, expected).astype(float)
    if array.ndim == 0 or array.size == 0:
        raise ValueError(f"{what}: expected {expected} with num_classes >= 1, got {array.shape}")
    finite(array, what, "a model whose loss went NaN predicts NaN")
    low, high = array.min(), array.max()
    if low < 0 or high > 1:
        raise ValueError(
            f"{what}: expected probabilities in [0, 1], got values from {low:.3g} to {high:.3g}: "
            "these look like logits (scores before softmax); apply softmax first, e.g. "
            "keras.ops.softmax(logits), or give the last layer activation='softmax'"
        )
    totals = array.sum(axis=-1)
    if np.any(np.abs(totals - 1) > 1e-3):
        worst = float(totals.flat[np.argmax(np.abs(totals - 1))])
        raise ValueError(
            f"{what}: expected the probabilities of all classes, which sum to 1, got a sum of "
            f"{worst:.4g}; apply softmax first if these are scores, and pass every class"
        )
    return array


def function(value: Any, what: str) -> Callable:
    """Something callable."""
    if not callable(value):
        raise ValueError(
            f"{what} must be a function (e.g. np.tanh or a def/lambda), got {describe(value)}"
        )
    return value


def mapping(value: Any, what: str, of: str) -> Mapping:
    """A non-empty dict (any Mapping); ``of`` describes its items, e.g. ``"{label: function}"``."""
    if not isinstance(value, Mapping) or not value:
        raise ValueError(f"{what}: expected a non-empty dict {of}, got {describe(value)}")
    return value


def names(values: Any, count: int, what: str) -> list[str]:
    """``count`` names (a list or tuple, not one string), default ``"0"``, ``"1"`` ...."""
    if values is None:
        return [str(i) for i in range(count)]
    if isinstance(values, str) or not isinstance(values, Sequence | np.ndarray):
        raise ValueError(
            f"{what} must be a list of {count} names, got {describe(values)}; "
            "for one name per item write e.g. ['cat', 'dog']"
        )
    if len(values) != count:
        raise ValueError(f"{what}: expected {count} names, got {len(values)}")
    return [str(value) for value in values]


def finite_array(function: str, name: str, values: Any) -> np.ndarray:
    """``values`` as a non-empty float array of finite numbers, or a ValueError saying why not."""
    if values is None or isinstance(values, str | bytes):
        raise ValueError(f"{function} expects {name} as an array of numbers, got {values!r}")
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"{function} expects {name} as an array of numbers, got {type(values).__name__} "
            f"that is not: {error}"
        ) from error
    if np.asarray(values).dtype.kind == "b":
        raise ValueError(f"{function} expects {name} as numbers, got booleans")
    if array.size == 0:
        raise ValueError(f"{function} expects {name} to hold numbers, got an empty array")
    if not np.all(np.isfinite(array)):
        raise ValueError(
            f"{function} expects finite {name}, got NaN or inf: check how they were computed"
        )
    return array
