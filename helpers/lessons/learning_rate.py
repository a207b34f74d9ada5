"""Lesson 05c (learning_rate): schedules as NumPy formulas, smoothing, the schedule explorer,
and the exercise checks.

The NumPy formulas are the oracle the lesson checks Keras's schedules (and its own one-cycle
schedule) against; the widget draws them, so it shows exactly the schedules the lesson ran.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator

from helpers import checks
from helpers import validation as check
from helpers.widgets import LiveFigure

SCHEDULES = ("constant", "exponential", "piecewise", "cosine", "warmup + cosine", "one-cycle")
ONE_CYCLE_PHASES = (0.0, 0.45, 0.9, 1.0)  # fractions of the run: up, down, final drop

# ------------------------------------------------------------ schedules in NumPy


def _steps(step, who: str) -> np.ndarray:
    """Steps as a float array of numbers >= 0 (a scalar stays 0-d)."""
    array = check.numbers(step, f"{who}: step", "a step number or an array of steps >= 0")
    array = check.finite(array.astype(float), f"{who}: step")
    if np.any(array < 0):
        raise ValueError(f"{who}: steps count from 0; got a negative step {array.min():g}")
    return array


def _positive(value, what: str) -> float:
    return check.number(value, what, positive=True)


def exponential_decay(step, initial: float, decay_steps: int, decay_rate: float) -> np.ndarray:
    """``initial * decay_rate ** (step / decay_steps)``, as Keras's ``ExponentialDecay``."""
    step = _steps(step, "exponential_decay")
    initial = _positive(initial, "exponential_decay: initial")
    decay_steps = _positive(decay_steps, "exponential_decay: decay_steps")
    decay_rate = _positive(decay_rate, "exponential_decay: decay_rate")
    return initial * decay_rate ** (step / decay_steps)


def piecewise_constant(step, boundaries: Sequence[float], values: Sequence[float]) -> np.ndarray:
    """``values[i]`` for steps in ``(boundaries[i-1], boundaries[i]]``, as Keras's
    ``PiecewiseConstantDecay`` (one more value than boundaries; boundaries increasing)."""
    step = _steps(step, "piecewise_constant")
    bounds = check.numbers(boundaries, "piecewise_constant: boundaries", "increasing steps")
    rates = check.numbers(values, "piecewise_constant: values", "one rate per piece")
    if bounds.ndim != 1 or rates.ndim != 1 or len(rates) != len(bounds) + 1:
        raise ValueError(
            "piecewise_constant: expected n boundaries and n + 1 values (a rate before, between "
            f"and after them), got {bounds.size} boundaries and {rates.size} values"
        )
    if np.any(np.diff(bounds) <= 0):
        raise ValueError(f"piecewise_constant: boundaries must increase, got {bounds.tolist()}")
    return rates.astype(float)[np.searchsorted(bounds, step, side="left")]


def cosine_decay(step, initial: float, decay_steps: int, alpha: float = 0.0) -> np.ndarray:
    """Half a cosine from ``initial`` to ``alpha * initial`` over ``decay_steps``, then flat,
    as Keras's ``CosineDecay`` without warmup."""
    step = _steps(step, "cosine_decay")
    initial = _positive(initial, "cosine_decay: initial")
    decay_steps = _positive(decay_steps, "cosine_decay: decay_steps")
    alpha = check.number(alpha, "cosine_decay: alpha", non_negative=True)
    done = np.minimum(step, decay_steps) / decay_steps
    return initial * ((1 - alpha) * 0.5 * (1 + np.cos(np.pi * done)) + alpha)


def warmup_cosine(step, peak: float, warmup_steps: int, decay_steps: int) -> np.ndarray:
    """From 0 up a straight line to ``peak`` in ``warmup_steps``, then half a cosine down to 0
    in ``decay_steps`` more: Keras's ``CosineDecay(0.0, decay_steps, warmup_target=peak,
    warmup_steps=warmup_steps)``."""
    step = _steps(step, "warmup_cosine")
    peak = _positive(peak, "warmup_cosine: peak")
    warmup_steps = check.number(warmup_steps, "warmup_cosine: warmup_steps", non_negative=True)
    decay_steps = _positive(decay_steps, "warmup_cosine: decay_steps")
    step = np.minimum(step, warmup_steps + decay_steps)
    rising = peak * step / max(warmup_steps, 1e-12)
    falling = cosine_decay(np.maximum(step - warmup_steps, 0), peak, decay_steps)
    return np.where(step < warmup_steps, rising, falling)


def one_cycle(step, peak: float, total_steps: int) -> np.ndarray:
    """Smith's one cycle, straight lines through (fraction of the run, rate): (0, peak/10),
    (0.45, peak), (0.9, peak/10), (1, peak/1000), and peak/1000 after the run."""
    step = _steps(step, "one_cycle")
    peak = _positive(peak, "one_cycle: peak")
    total_steps = _positive(total_steps, "one_cycle: total_steps")
    corners = [peak / 10, peak, peak / 10, peak / 1000]
    return np.interp(step / total_steps, ONE_CYCLE_PHASES, corners)


def schedule_rates(
    name: str, steps, peak: float, total_steps: int, warmup_fraction: float = 0.1
) -> np.ndarray:
    """The rate at ``steps`` of the lesson's schedule ``name`` (one of :data:`SCHEDULES`),
    with its settings: exponential down to peak/100 at the end, pieces peak, peak/10, peak/100
    cut at 1/2 and 3/4 of the run, cosine to 0, the warmup ``warmup_fraction`` of the run."""
    if name not in SCHEDULES:
        raise ValueError(f"schedule_rates: name must be one of {list(SCHEDULES)}, got {name!r}")
    steps = _steps(steps, "schedule_rates")
    total = check.number(total_steps, "schedule_rates: total_steps", integer=True, positive=True)
    fraction = check.number(warmup_fraction, "schedule_rates: warmup_fraction", non_negative=True)
    if fraction >= 1:
        raise ValueError(f"schedule_rates: warmup_fraction must be below 1, got {fraction}")
    if name == "constant":
        return np.full(steps.shape, _positive(peak, "schedule_rates: peak"))
    if name == "exponential":
        return exponential_decay(steps, peak, total, 0.01)
    if name == "piecewise":
        return piecewise_constant(
            steps, [total // 2, 3 * total // 4], [peak, peak / 10, peak / 100]
        )
    if name == "cosine":
        return cosine_decay(steps, peak, total)
    if name == "warmup + cosine":
        warmup = int(fraction * total)  # whole steps, rounded down (total // 10 for 0.1)
        return warmup_cosine(steps, peak, warmup, total - warmup)
    return one_cycle(steps, peak, total)


# ------------------------------------------------------------ the range test


def smoothed(values, beta: float = 0.9) -> np.ndarray:
    """Exponential moving average with bias correction (as Adam corrects its moments):
    ``average_k = beta * average_(k-1) + (1 - beta) * value_k``, divided by ``1 - beta**k``.
    A NaN (a diverged loss) makes every later value NaN."""
    array = check.numbers(values, "smoothed: values", "a 1-D array of losses").astype(float)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"smoothed: expected a 1-D array of losses, got shape {array.shape}")
    beta = check.number(beta, "smoothed: beta", non_negative=True)
    if beta >= 1:
        raise ValueError(f"smoothed: beta must be in [0, 1), got {beta}")
    result = np.empty_like(array)
    average = 0.0
    for k, value in enumerate(array, start=1):
        average = beta * average + (1 - beta) * value
        result[k - 1] = average / (1 - beta**k)
    return result


# ------------------------------------------------------------ widget: schedule explorer


def _runs(runs, who: str) -> dict[str, np.ndarray]:
    check.mapping(runs, f"{who}: runs", "{schedule name: training loss per epoch}")
    checked = {}
    for name, losses in runs.items():
        if name not in SCHEDULES:
            raise ValueError(f"{who}: runs keys must be among {list(SCHEDULES)}, got {name!r}")
        checked[name] = check.series(losses, f"{who}: runs[{name!r}]", "one loss per epoch")
    return checked


def draw_schedule(
    name: str,
    peak: float,
    warmup_fraction: float,
    total_steps: int,
    runs: Mapping[str, Sequence[float]],
    lesson_peak: float,
) -> Figure:
    """Left: the schedule's rate against step, the lesson's setting dashed; right: the training
    loss per epoch that the lesson measured for this schedule (and the constant rate)."""
    runs = _runs(runs, "draw_schedule")
    steps = np.unique(np.linspace(0, total_steps, 241).round())  # enough points for a line
    figure = Figure(figsize=(9, 3.4))
    figure.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.9, wspace=0.25)
    left, right = figure.subplots(1, 2)
    left.plot(steps, schedule_rates(name, steps, lesson_peak, total_steps), "--", color="0.6",
              label=f"the lesson's (peak {lesson_peak:g})")  # fmt: skip
    left.plot(steps, schedule_rates(name, steps, peak, total_steps, warmup_fraction), "C0",
              label=f"yours (peak {peak:.2g})")  # fmt: skip
    left.set(xlabel="step", ylabel="learning rate", yscale="log", title=f"{name}: rate per step")
    left.set_ylim(1e-7, 0.3)  # fixed, so that settings compare; the cosines' 0 drops off the end
    left.yaxis.set_minor_locator(NullLocator())  # minor ticks on a log axis: slow, and cluttered
    left.legend(fontsize=8)
    if name in runs:
        epochs = np.arange(1, len(runs[name]) + 1)
        if "constant" in runs and name != "constant":
            right.plot(epochs, runs["constant"], "-o", color="0.6", ms=3, label="constant")
        right.plot(epochs, runs[name], "-o", color="C1", ms=3, label=name)
        right.set(xlabel="epoch", ylabel="training loss", ylim=(0, None))
        right.set_title(f"measured in the lesson (peak {lesson_peak:g})")
        right.legend(fontsize=8)
    else:
        right.text(0.5, 0.5, "not run in the lesson", ha="center", va="center")
        right.set_axis_off()
    return figure


def schedule_explorer(
    runs: Mapping[str, Sequence[float]],
    total_steps: int,
    lesson_peak: float,
    schedule: str = "warmup + cosine",
) -> LiveFigure:
    """Pick a schedule, its peak rate and warmup share: draws its rate per step next to the
    lesson's setting, and the training loss the lesson measured for it (nothing trains).

    ``schedule`` is the one shown first. The warmup slider is greyed out (disabled) for the
    schedules that have no warmup, so that moving it never seems to do nothing.
    """
    runs = _runs(runs, "schedule_explorer")
    if not isinstance(schedule, str) or schedule not in SCHEDULES:
        raise ValueError(
            f"schedule_explorer: schedule must be one of {SCHEDULES}, got {schedule!r}"
        )
    total_steps = check.number(
        total_steps, "schedule_explorer: total_steps", integer=True, positive=True
    )
    lesson_peak = _positive(lesson_peak, "schedule_explorer: lesson_peak")
    controls = {
        "name": widgets.Dropdown(options=list(SCHEDULES), value=schedule, description="schedule"),
        "peak": widgets.FloatLogSlider(
            value=lesson_peak, base=10, min=-4, max=-1, step=0.25, description="peak rate"
        ),
        "warmup_fraction": widgets.FloatSlider(
            value=0.1, min=0.0, max=0.5, step=0.05, description="warmup share"
        ),
    }

    def compute(name: str, peak: float, warmup_fraction: float) -> dict:
        steps = np.arange(total_steps + 1)
        rates = schedule_rates(name, steps, peak, total_steps, warmup_fraction)
        return {"name": name, "peak": peak, "warmup_fraction": warmup_fraction, "rates": rates}

    def draw(result: dict) -> Figure:
        return draw_schedule(
            result["name"], result["peak"], result["warmup_fraction"], total_steps, runs,
            lesson_peak,
        )  # fmt: skip

    explorer = LiveFigure(controls, compute, draw)
    warmup = controls["warmup_fraction"]

    def grey_out_warmup(change: object = None) -> None:
        warmup.disabled = controls["name"].value != "warmup + cosine"

    grey_out_warmup()
    controls["name"].observe(grey_out_warmup, names="value")
    return explorer


# ------------------------------------------------------------ exercise 1: warmup then cosine


def _keras_warmup_cosine(steps: np.ndarray, peak: float, warmup: int, decay: int) -> np.ndarray:
    """What Keras's CosineDecay with warmup returns at ``steps`` (the check's oracle)."""
    import keras

    schedule = keras.optimizers.schedules.CosineDecay(
        0.0, decay, warmup_target=peak, warmup_steps=warmup
    )
    return np.array([float(schedule(int(s))) for s in steps])


def _warmup_mistakes(steps: np.ndarray, peak: float, warmup: int, decay: int) -> dict[str, tuple]:
    """Plausible wrong versions of the schedule, each with the hint that names the mistake."""
    s = steps.astype(float)
    cos = lambda fraction: 0.5 * (1 + np.cos(np.pi * np.clip(fraction, 0, 1)))  # noqa: E731
    after = np.clip(s - warmup, 0, decay)
    linear_up = peak * s / warmup
    return {
        "no warmup": (
            peak * cos(s / decay),
            "your rate starts at the peak: first climb a straight line from 0 to `peak` in "
            "`warmup_steps` steps, then decay",
        ),
        "curved warmup": (
            np.where(s < warmup, peak * (s / warmup) ** 2, peak * cos(after / decay)),
            "the warmup is not a straight line: at half the warmup the rate should be half the "
            "peak (peak * step / warmup_steps)",
        ),
        "cosine over the whole run": (
            np.where(s < warmup, linear_up, peak * cos(s / (warmup + decay))),
            "the cosine runs over the whole run; it should start at the end of the warmup and "
            "last `decay_steps` steps: use (step - warmup_steps) / decay_steps",
        ),
        "cosine from step 0": (
            np.where(s < warmup, linear_up, peak * cos(s / decay)),
            "the cosine counts from step 0; count it from the end of the warmup: "
            "(step - warmup_steps) / decay_steps",
        ),
        "off by one": (
            warmup_cosine(s + 1, peak, warmup, decay),
            "off by one step: Keras's first step is step 0, with rate 0 (do not add 1)",
        ),
        "off by one, late": (
            warmup_cosine(np.maximum(s - 1, 0), peak, warmup, decay),
            "off by one step: the rate reaches the peak at step warmup_steps, not one later",
        ),
        "no floor": (
            np.where(
                s < warmup, linear_up, peak * 0.5 * (1 + np.cos(np.pi * (s - warmup) / decay))
            ),
            "after warmup_steps + decay_steps the rate must stay at 0 (Keras stops the step "
            "there, np.minimum); yours climbs back up the cosine",
        ),
        "degrees": (
            np.where(s < warmup, linear_up, peak * 0.5 * (1 + np.cos(180 * after / decay))),
            "np.cos takes radians: half a cosine wave is np.pi * fraction, not 180 * fraction",
        ),
    }


def exercise_warmup_cosine(warmup_cosine: Callable) -> checks.Verdict:
    """Exercise 05c.1: ``warmup_cosine(step, peak, warmup_steps, decay_steps)`` on an array of
    steps equals Keras's ``CosineDecay(0.0, decay_steps, warmup_target=peak, warmup_steps=...)``
    at every step, past the end included."""
    name = "warmup then cosine, matched to Keras's CosineDecay"
    for peak, warmup, decay in ((0.01, 10, 40), (0.3, 25, 75)):
        steps = np.arange(0, warmup + decay + 30)
        expected = _keras_warmup_cosine(steps, peak, warmup, decay)
        answer, problem = checks.attempt(warmup_cosine, steps.copy(), peak, warmup, decay)
        if problem and "truth value of an array" in problem:
            problem = (
                "an `if step < warmup_steps` cannot test a whole array of steps at once: compute "
                "both parts and choose with np.where(step < warmup_steps, rising, falling)"
            )
        if problem is None:
            problem = checks.compare("warmup_cosine(steps, ...)", answer, expected, 1e-4, 1e-7)
        if problem is None:
            continue
        if isinstance(answer, np.ndarray | list) and np.shape(answer) == steps.shape:
            for wrong, hint in _warmup_mistakes(steps, peak, warmup, decay).values():
                if np.allclose(np.asarray(answer, dtype=float), wrong, rtol=1e-4, atol=1e-7):
                    return checks.verdict(name, hint)
        return checks.verdict(name, problem)
    return checks.verdict(name, None)


# ------------------------------------------------------------ exercise 2: steepest descent


def _slope_cases() -> list[tuple[np.ndarray, np.ndarray, int]]:
    """(rates, smoothed losses, index of the steepest fall per decade); made-up range tests
    whose minimum lies well right of the steepest fall."""
    cases = []
    for low, centre, blowup, count in ((1e-6, 1e-4, 0.1, 61), (1e-5, 3e-4, 0.3, 46)):
        rates = np.geomspace(low, 10.0, count)
        x = np.log10(rates)
        fall = 2.3 - 2.0 / (1 + np.exp(-3 * (x - np.log10(centre))))  # steepest at `centre`
        rise = 4.0 / (1 + np.exp(-5 * (x - np.log10(blowup))))  # blows up around `blowup`
        losses = fall + rise
        cases.append((rates, losses, int(np.argmin(np.gradient(losses, x)))))
    return cases


def exercise_steepest_rate(steepest_rate: Callable) -> checks.Verdict:
    """Exercise 05c.2: ``steepest_rate(rates, losses)`` returns the rate at which the smoothed
    range-test loss falls fastest per decade of rate (a neighbouring rate is fine too)."""
    name = "the rate of steepest descent in a range test"
    for rates, losses, best in _slope_cases():
        answer, problem = checks.attempt(steepest_rate, rates.copy(), losses.copy())
        if problem is None:
            value, problem = checks.number_answer(answer, "returned None: did you forget `return`?")
        if problem:
            return checks.verdict(name, problem)
        low, high = rates[max(best - 1, 0)], rates[min(best + 1, len(rates) - 1)]
        if low * 0.999 <= value <= high * 1.001:
            continue
        lowest = rates[np.argmin(losses)]
        steepest_rise = rates[np.argmax(np.gradient(losses, np.log10(rates)))]
        if math.isclose(value, lowest, rel_tol=1e-6):
            hint = (
                "that is the rate at the lowest loss: there the loss has stopped falling and is "
                "about to blow up; look for where it falls fastest (the most negative slope)"
            )
        elif math.isclose(value, lowest / 10, rel_tol=1e-6):
            hint = (
                "that is the lesson's rule (a tenth of the lowest point); here find the "
                "steepest fall"
            )
        elif math.isclose(value, rates[-1], rel_tol=1e-6):
            hint = "that is the largest rate tried, where the loss has blown up"
        elif math.isclose(value, rates[0], rel_tol=1e-6):
            hint = "that is the smallest rate tried, where the loss has not started to fall"
        elif math.isclose(value, steepest_rise, rel_tol=1e-6):
            hint = "that is where the loss rises fastest; take the most negative slope (argmin)"
        elif math.isclose(value, rates[np.argmin(np.gradient(losses, rates))], rel_tol=1e-6):
            hint = (
                "that is the slope per unit of rate; the rates grow by a factor each step, so "
                "take the slope per decade: np.gradient(losses, np.log10(rates))"
            )
        elif 0 <= value < len(rates) and float(value).is_integer():
            hint = f"{value:g} looks like an index: return the rate itself, rates[index]"
        else:
            hint = f"expected a rate near {rates[best]:.3g} on a made-up curve, got {value:.3g}"
        return checks.verdict(name, hint)
    return checks.verdict(name, None)
