"""Check cells and exercise self-checks.

Lesson claims: ``expect_at_least("test accuracy", test_acc, 0.97)`` raises ``AssertionError``
with a clear message when a claim fails (so CI fails), prints what was checked, and records the
figure so that ``make bench`` can collect it (:func:`recorded`). They return None, so a check
at the end of a cell prints its line and nothing else.

Exercise checks: ``exercise_...(answer)`` print ``PASS`` or ``Not yet`` with a specific hint and
return a :class:`Verdict` (true when passed) that a notebook does not display, so the printed
line is all a student sees; they never raise, whatever the student's code does. Each lesson's
checks live in its own module, ``helpers/lessons/<topic>.py``, built on :func:`verdict`,
:func:`attempt` and :func:`compare` below.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from helpers import validation as check

PASS = "PASS"
NOT_YET = "Not yet"

_recorded: dict[str, float] = {}


# --------------------------------------------------------------------------- lesson claims


def record(name: str, value: float) -> float:
    """Remember a figure a lesson reached (collected by ``make bench``) and return it."""
    check.text(name, "the claim's name")
    value = _as_number(name, value)
    _recorded[name] = value
    return value


def recorded() -> dict[str, float]:
    """The figures recorded so far in this kernel, in the order they were recorded."""
    return dict(_recorded)


def expect_at_least(name: str, value: float, threshold: float) -> None:
    """Assert ``value >= threshold`` (the lesson's claim), print it and record it."""
    value, threshold = record(name, value), _bound(name, threshold, "threshold")
    _claim(value >= threshold, name, value, f">= {threshold:g}")


def expect_at_most(name: str, value: float, threshold: float) -> None:
    """Assert ``value <= threshold``, print it and record it."""
    value, threshold = record(name, value), _bound(name, threshold, "threshold")
    _claim(value <= threshold, name, value, f"<= {threshold:g}")


def expect_between(name: str, value: float, low: float, high: float) -> None:
    """Assert ``low <= value <= high``, print it and record it."""
    low, high = _bound(name, low, "low"), _bound(name, high, "high")
    if low > high:
        raise ValueError(f"expect_between needs low <= high, got {low} > {high}")
    value = record(name, value)
    _claim(low <= value <= high, name, value, f"in [{low:g}, {high:g}]")


def expect_equal(name: str, value, expected) -> None:
    """Assert exact equality (counts, shapes, parameter numbers, whole arrays); print it.

    Strict about kinds: a yes/no (bool) never equals a number, text never equals a number,
    and arrays must have the same shape, so ``expect_equal("x", True, 1)`` fails.
    """
    check.text(name, "the claim's name")
    value_array = _comparable(name, value, "value")
    expected_array = _comparable(name, expected, "expected value")
    if expected_array.dtype.kind == "f" and np.isnan(expected_array).any():
        raise ValueError(
            f"{name}: the expected value contains NaN, which never equals anything; "
            "to claim NaN, compare np.isnan(value) with True"
        )
    kinds = {_kind(value_array), _kind(expected_array)}
    ok = len(kinds) == 1 and bool(np.array_equal(value_array, expected_array))
    if len(kinds) > 1:
        value = f"{_show(value)} (a {_kind(value_array)}, compared with a {_kind(expected_array)})"
    elif not ok and value_array.size > 8 and value_array.shape == expected_array.shape:
        differing = int(np.sum(value_array != expected_array))
        value = f"different in {differing} of {value_array.size} elements"
    _claim(ok, name, value, f"== {_show(expected)}")
    is_number = isinstance(value, int | float | np.number) and not isinstance(
        value, bool | np.bool_
    )
    if np.ndim(value) == 0 and is_number:  # counts and sizes are figures; a True is not
        record(name, float(value))


def _comparable(name: str, value, role: str) -> np.ndarray:
    """``value`` as an array of numbers, bools or text, or a ValueError naming the problem."""
    if value is None:
        raise ValueError(
            f"{name}: the {role} is None; expected numbers, booleans or text "
            "(did a function forget `return`?)"
        )
    try:
        array = np.asarray(value)
    except ValueError:  # ragged nested lists
        raise ValueError(f"{name}: the {role} must have one shape, got a ragged list") from None
    if _kind(array) == "other":
        raise ValueError(
            f"{name}: the {role} must be numbers, booleans or text (or arrays of them), "
            f"got {check.describe(value)}"
        )
    return array


def _bound(name: str, value, role: str) -> float:
    """A claim's threshold or bound: a finite number (an infinite one makes the claim hollow)."""
    return check.number(value, f"{name}: the {role}")


def _kind(array: np.ndarray) -> str:
    if array.dtype.kind == "b":
        return "bool"
    if array.dtype.kind in "iuf":
        return "number"
    if array.dtype.kind in "US":
        return "text"
    return "other"


def expect_close(name: str, actual, expected, rtol: float = 1e-5, atol: float = 1e-6) -> None:
    """Assert two arrays of numbers agree to ``rtol``/``atol``; print the largest difference.

    Empty arrays, NaN, bools and shape mismatches fail: a comparison of nothing proves nothing.
    """
    check.text(name, "the claim's name")
    rtol = check.number(rtol, f"{name}: rtol", non_negative=True)
    atol = check.number(atol, f"{name}: atol", non_negative=True)
    actual, expected = _numbers(name, actual), _numbers(name, expected)
    if actual.shape != expected.shape:
        raise AssertionError(f"{name}: shapes differ, {actual.shape} vs {expected.shape}")
    if actual.size == 0:
        raise AssertionError(f"{name}: nothing to compare (both arrays are empty)")
    if not (np.isfinite(actual).all() and np.isfinite(expected).all()):
        raise AssertionError(
            f"{name}: NaN or inf in the values compared (the computation diverged or overflowed)"
        )
    difference = float(np.max(np.abs(actual - expected)))
    ok = bool(np.allclose(actual, expected, rtol=rtol, atol=atol))
    _claim(ok, f"{name} (largest difference)", difference, f"within rtol={rtol:g}, atol={atol:g}")


def _numbers(name: str, values) -> np.ndarray:
    try:
        array = np.asarray(values)
    except ValueError:  # ragged nested lists
        raise ValueError(f"{name}: expected numbers of one shape, got a ragged list") from None
    if array.dtype.kind not in "iuf":
        raise ValueError(f"{name}: expected numbers, got an array of dtype {array.dtype}")
    return array.astype(float)


def _as_number(name: str, value) -> float:
    if isinstance(value, bool | np.bool_) or value is None or isinstance(value, str):
        raise ValueError(f"{name}: expected a single number, got {value!r}")
    try:
        number = float(np.asarray(value).item())
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name}: expected a single number, got {value!r}") from error
    if not math.isfinite(number):  # diverged, overflowed or divided by zero: the claim fails
        shown = "NaN" if math.isnan(number) else number
        raise AssertionError(f"{name} is {shown}: the computation diverged or had invalid input")
    return number


def _show(value) -> str:
    """A short text for a printed claim: numbers to 4 digits, big arrays by their shape."""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list | tuple | np.ndarray) and np.asarray(value).size > 8:
        return f"array of shape {np.asarray(value).shape}"
    return str(value)


def _claim(ok: bool, name: str, value, claim: str) -> None:
    shown = _show(value)
    if not ok:
        raise AssertionError(f"The lesson claims {name} {claim}, but it is {shown}.")
    print(f"✔ {name} = {shown}  (claim: {claim})")


# ------------------------------------------------------------------- exercise machinery


class Verdict:
    """The outcome of an exercise check: true when it passed; ``hint`` says what is wrong.

    The check has already printed its line, so a notebook displays nothing more for it (no
    ``True``/``False`` under the verdict); tests use it as a bool.
    """

    def __init__(self, exercise: str, hint: str | None) -> None:
        self.exercise, self.hint = exercise, hint

    def __bool__(self) -> bool:
        return self.hint is None

    def __repr__(self) -> str:
        outcome = PASS if self else f"{NOT_YET}: {self.hint}"
        return f"Verdict({self.exercise!r}, {outcome})"

    def _ipython_display_(self) -> None:
        """Show nothing: the check printed its verdict already."""


def verdict(exercise: str, problem: str | None) -> Verdict:
    """Print the outcome of an exercise check and return it (true when it passed)."""
    check.text(exercise, "verdict: exercise (the exercise's name)")
    if problem is not None and (not isinstance(problem, str) or not problem):
        raise ValueError(
            "verdict: problem must be None (passed) or a non-empty hint saying what is wrong, "
            f"got {check.describe(problem)}"
        )
    if problem is None:
        print(f"✅ {PASS}: {exercise}")
    else:
        print(f"❌ {NOT_YET}: {exercise}. {problem}")
    return Verdict(exercise, problem)


def attempt(function: Callable, *args, **kwargs):
    """Call a student's function; return (result, problem) instead of raising."""
    if not callable(function):
        return None, f"expected a function, got {type(function).__name__}"
    try:
        return function(*args, **kwargs), None
    except NotImplementedError:
        return None, "the function still raises NotImplementedError: replace it with your code"
    except Exception as error:  # any bug in student code becomes a hint, not a crash
        return None, f"calling it raised {type(error).__name__}: {error}"


def number_answer(answer, missing: str = "no answer yet (None)") -> tuple[float | None, str | None]:
    """A student's one-number answer as ``(value, None)``, or ``(None, hint)`` when it is not one.

    None gets the ``missing`` hint; True/False and text are refused (``float(True)`` would read
    as 1.0, ``float("0.1")`` would hide that a number was given as text).
    """
    if answer is None:
        return None, missing
    if isinstance(answer, bool | np.bool_ | str | bytes):
        return None, f"expected a number, got {answer!r}"
    try:
        return float(answer), None
    except (TypeError, ValueError):
        return None, f"expected a number, got {answer!r}"


def compare(name: str, got, want, rtol: float = 1e-5, atol: float = 1e-6) -> str | None:
    """A hint if ``got`` differs from ``want`` in shape or value, else None.

    ``got`` is the student's answer: anything, turned into a hint. ``want``, the right answer,
    ``rtol`` and ``atol`` are the check's own and must make sense (ValueError otherwise).
    """
    check.text(name, "compare: name")
    what = f"compare: want (the right answer for {name})"
    want = check.numbers(want, what, "the right answer as an array").astype(float)
    if want.size == 0:
        raise ValueError(f"{what} is empty; expected at least one number to compare")
    check.finite(want, what)
    rtol = check.number(rtol, "compare: rtol", non_negative=True)
    atol = check.number(atol, "compare: atol", non_negative=True)
    if got is None:
        return f"{name} returned None: did you forget `return`?"
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return f"{name} returned {type(got).__name__}, expected an array of numbers"
    if got.shape != want.shape:
        return f"{name} returned shape {got.shape}, expected {want.shape}"
    if not np.all(np.isfinite(got)):
        return f"{name} returned inf or NaN where the answer is finite"
    if not np.allclose(got, want, rtol=rtol, atol=atol):
        worst = int(np.argmax(np.abs(got - want)))
        return (
            f"{name} is off: at element {worst} you give {got.flat[worst]:.6g}, "
            f"expected {want.flat[worst]:.6g}"
        )
    return None
