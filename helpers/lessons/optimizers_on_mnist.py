"""Lesson 05b (optimizers_on_mnist): symmetry measures, the learning-rate sweep explorer and the
exercise checks (a weight-decay step, the spread of Glorot and He initial weights)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib import ticker
from matplotlib.figure import Figure

from helpers import checks
from helpers.widgets import LiveFigure

# ------------------------------------------------------------ symmetry measures


def _unit_columns(matrix, function: str) -> np.ndarray:
    try:
        array = np.asarray(matrix, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{function} expects a 2-D array of numbers, got {matrix!r}") from None
    if array.ndim != 2 or array.shape[1] < 2 or array.shape[0] < 1:
        raise ValueError(
            f"{function} expects a kernel of shape (inputs, units) with at least two units "
            f"(one column per unit), got shape {array.shape}"
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{function} expects finite numbers, got NaN or inf")
    return array


def unit_gap(matrix) -> float:
    """Largest difference between a unit's column and the first unit's, relative to the largest
    entry: 0 when all units are identical copies (0 also for an all-zero matrix)."""
    array = _unit_columns(matrix, "unit_gap")
    scale = np.abs(array).max()
    return float(np.abs(array - array[:, :1]).max() / scale) if scale > 0 else 0.0


def spread_between_units(kernel) -> float:
    """For each input, the standard deviation of its weights over the units, averaged over inputs
    and divided by the weights' mean size: 0 for identical units, about 1.2 for random ones."""
    array = _unit_columns(kernel, "spread_between_units")
    scale = np.abs(array).mean()
    return float(array.std(axis=1).mean() / scale) if scale > 0 else 0.0


# ------------------------------------------------------------ the learning-rate sweep

Sweep = Mapping[str, Mapping[float, Any]]  # {optimizer: {learning rate: validation accuracies}}


def _sweep(sweep: Any, function: str) -> dict[str, dict[float, np.ndarray]]:
    """The sweep as {optimizer: {rate: accuracies per epoch}}, or a ValueError naming the fix."""
    expected = "a dict {optimizer name: {learning rate: validation accuracy per epoch}}"
    if not isinstance(sweep, Mapping) or not sweep:
        raise ValueError(f"{function} expects {expected}, got {sweep!r:.80}")
    checked: dict[str, dict[float, np.ndarray]] = {}
    for name, runs in sweep.items():
        if not isinstance(name, str) or not name:
            raise ValueError(f"{function}: optimizer names must be non-empty text, got {name!r}")
        if not isinstance(runs, Mapping) or not runs:
            raise ValueError(
                f"{function}: sweep[{name!r}] must be {expected[9:]}, got {runs!r:.80}"
            )
        checked[name] = {}
        for rate, accuracies in runs.items():
            if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not rate > 0:
                raise ValueError(
                    f"{function}: learning rates must be positive numbers, got {rate!r} for {name}"
                )
            try:
                values = np.asarray(accuracies, dtype=np.float64)
            except (TypeError, ValueError):
                raise ValueError(
                    f"{function}: sweep[{name!r}][{rate}] must be validation accuracies per epoch "
                    f"(numbers), got {accuracies!r:.80}"
                ) from None
            if values.ndim != 1 or len(values) < 1:
                raise ValueError(
                    f"{function}: sweep[{name!r}][{rate}] must be a 1-D list of accuracies, one "
                    f"per epoch, got shape {values.shape}"
                )
            if not np.all((values >= 0) & (values <= 1)):  # also refuses NaN
                raise ValueError(
                    f"{function}: accuracies must lie in [0, 1], got {values} for {name} at {rate}"
                )
            checked[name][float(rate)] = values
        checked[name] = dict(sorted(checked[name].items()))
    return checked


def best_rates(sweep: Sweep) -> dict[str, tuple[float, float]]:
    """Each optimizer's best learning rate and its final validation accuracy, as
    ``{name: (rate, accuracy)}``; a tie goes to the smaller rate."""
    best = {}
    for name, runs in _sweep(sweep, "best_rates").items():
        rate = max(runs, key=lambda r: (runs[r][-1], -r))
        best[name] = (rate, float(runs[rate][-1]))
    return best


def draw_sweep(sweep: Sweep, optimizer: str, rate: float) -> Figure:
    """Left: the validation error per epoch of ``optimizer`` at ``rate`` (its other rates thin,
    each other optimizer's best run gray). Right: final validation error against learning rate,
    one curve per optimizer, the chosen run circled."""
    runs = _sweep(sweep, "draw_sweep")
    if optimizer not in runs:
        raise ValueError(f"draw_sweep: optimizer must be one of {list(runs)}, got {optimizer!r}")
    if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or rate not in runs[optimizer]:
        raise ValueError(
            f"draw_sweep: {optimizer} was run at the rates {list(runs[optimizer])}, got {rate!r}"
        )
    best = best_rates(runs)
    figure = Figure(figsize=(10, 3.8))
    figure.subplots_adjust(left=0.07, right=0.98, bottom=0.14, top=0.91, wspace=0.22)
    curves, rates_axis = figure.subplots(1, 2)
    colours = {name: f"C{i}" for i, name in enumerate(runs)}
    for other, (other_rate, _) in best.items():
        if other != optimizer:
            error = 1 - runs[other][other_rate]
            epochs = np.arange(1, len(error) + 1)
            label = f"{other} at its best, {other_rate:g}"
            curves.plot(epochs, error, "--", color="0.65", lw=1, label=label)
    for other_rate, accuracy in runs[optimizer].items():
        epochs = np.arange(1, len(accuracy) + 1)
        chosen = other_rate == rate
        curves.plot(
            epochs,
            np.maximum(1 - accuracy, 1e-4),
            "-o" if chosen else "-",
            color=colours[optimizer],
            lw=2.5 if chosen else 0.8,
            alpha=1 if chosen else 0.5,
            ms=4,
            label=f"{optimizer}, {other_rate:g}" if chosen else None,
        )
    curves.set(xlabel="epoch", ylabel="validation error (log)", yscale="log")
    curves.xaxis.set_major_locator(ticker.MaxNLocator(integer=True))
    curves.set_title(f"{optimizer} at learning rate {rate:g} (its other rates thin)")
    curves.legend(fontsize=7)
    for name, name_runs in runs.items():
        rates = np.array(list(name_runs))
        final = np.array([max(1 - a[-1], 1e-4) for a in name_runs.values()])
        rates_axis.plot(rates, final, "-o", ms=3, color=colours[name], label=name)
    chosen_error = max(1 - runs[optimizer][rate][-1], 1e-4)
    rates_axis.plot([rate], [chosen_error], "o", ms=12, mfc="none", mec="k", mew=1.5)
    rates_axis.set(xscale="log", yscale="log", xlabel="learning rate (log)")
    rates_axis.set(ylabel="final validation error (log)", title="After the last epoch")
    rates_axis.legend(fontsize=7)
    for axis in (curves.yaxis, rates_axis.xaxis, rates_axis.yaxis):  # plain labels, no minor ticks
        axis.set_major_formatter(ticker.FuncFormatter(lambda value, _: f"{value:g}"))
        axis.set_minor_locator(ticker.NullLocator())  # few tick objects: fast to draw
    return figure


def sweep_explorer(sweep: Sweep) -> LiveFigure:
    """Pick an optimizer and one of the learning rates it was run at (precomputed runs, no
    training in the widget): its validation curve against the best run of each other one."""
    runs = _sweep(sweep, "sweep_explorer")
    first = next(iter(runs))

    def rate_options(name: str) -> list[tuple[str, float]]:
        return [(f"{rate:g}", rate) for rate in runs[name]]

    default_rate = best_rates({first: runs[first]})[first][0]
    controls = {
        "optimizer": widgets.Dropdown(options=list(runs), value=first, description="optimizer"),
        "rate": widgets.SelectionSlider(
            options=rate_options(first), value=default_rate, description="learning rate"
        ),
    }

    def compute(optimizer: str, rate: float) -> dict:
        if rate not in runs[optimizer]:  # mid-switch: the slider still holds the old options
            rate = min(runs[optimizer], key=lambda r: abs(math.log(r / rate)))
        accuracy = float(runs[optimizer][rate][-1])
        return {"optimizer": optimizer, "rate": rate, "final_accuracy": accuracy}

    explorer = LiveFigure(controls, compute, lambda r: draw_sweep(runs, r["optimizer"], r["rate"]))
    slider = controls["rate"]

    def switch(change: Any) -> None:  # the rates of the newly chosen optimizer, nearest first
        new_rate = explorer.result["rate"]
        slider.options = rate_options(change["new"])
        slider.value = new_rate

    controls["optimizer"].observe(switch, names="value")
    return explorer


# ------------------------------------------------------------ exercise 1: weight decay in SGD

Step = Callable[[np.ndarray, np.ndarray], np.ndarray]
WEIGHT_DECAY_SETTINGS = (  # (learning_rate, momentum, weight_decay), each checked for 20 steps
    (0.1, 0.9, 0.5),
    (0.05, 0.5, 2.0),
)
WEIGHT_DECAY_BOWL = np.array([[3.0, 1.0], [1.0, 0.5]])  # gradient A @ theta
WEIGHT_DECAY_START = np.array([1.0, -2.0])
WEIGHT_DECAY_MISTAKES = {  # what a student's step may get wrong, and the hint that names it
    "l2": "the decay went into the gradient (L2), so the velocity carries it: Keras shrinks "
    "theta by learning_rate * weight_decay * theta first, outside the velocity",
    "after": "you decay after the momentum step; Keras decays theta first, then steps",
    "no_rate": "the decay forgets the learning rate: shrink by learning_rate * weight_decay * "
    "theta, not weight_decay * theta",
    "sign": "the decay grows theta: subtract learning_rate * weight_decay * theta",
    "none": "no weight decay at all: shrink theta by learning_rate * weight_decay * theta "
    "before the momentum step",
    "no_momentum": "no momentum: keep a velocity, velocity = momentum * velocity - "
    "learning_rate * gradient, and add it to theta",
}


def sgdw_variant(
    learning_rate: float, momentum: float, weight_decay: float, mistake: str | None = None
) -> Step:
    """Keras's ``SGD(learning_rate, momentum, weight_decay=...)`` as a NumPy step function, or
    the same with one of ``WEIGHT_DECAY_MISTAKES`` (to recognise a student's answer)."""
    if mistake is not None and mistake not in WEIGHT_DECAY_MISTAKES:
        raise ValueError(
            f"sgdw_variant: mistake must be None or one of {list(WEIGHT_DECAY_MISTAKES)}, "
            f"got {mistake!r}"
        )
    for value, what in ((learning_rate, "learning_rate"), (momentum, "momentum")):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= 0:
            raise ValueError(f"sgdw_variant: {what} must be a number >= 0, got {value!r}")
    if isinstance(weight_decay, bool) or not isinstance(weight_decay, numbers.Real):
        raise ValueError(f"sgdw_variant: weight_decay must be a number, got {weight_decay!r}")
    velocity = np.zeros(2)
    shrink = {"no_rate": weight_decay, "sign": -learning_rate * weight_decay, "none": 0.0}.get(
        mistake, learning_rate * weight_decay
    )

    def step(theta, gradient):
        nonlocal velocity
        theta = np.asarray(theta, dtype=np.float64)
        gradient = np.asarray(gradient, dtype=np.float64)
        if mistake == "l2":
            gradient = gradient + weight_decay * theta
        elif mistake != "after":
            theta = theta - shrink * theta
        if mistake == "no_momentum":
            theta = theta - learning_rate * gradient
        else:
            velocity = momentum * velocity - learning_rate * gradient
            theta = theta + velocity
        if mistake == "after":
            theta = theta - shrink * theta
        return theta

    return step


def weight_decay_path(step: Step, steps: int = 20) -> np.ndarray:
    """The points a step function visits on the exercise's bowl (gradient ``A @ theta``),
    start included: shape (steps + 1, 2). A step that fails or returns junk raises."""
    theta = WEIGHT_DECAY_START.copy()
    path = [theta]
    with np.errstate(all="ignore"):  # a diverging answer is reported, not warned about
        for _ in range(steps):
            theta = np.asarray(step(theta.copy(), WEIGHT_DECAY_BOWL @ theta), dtype=np.float64)
            if theta.shape != (2,):
                raise ValueError(f"a step must return theta's shape (2,), got {theta.shape}")
            path.append(theta)
    return np.array(path)


def exercise_weight_decay(make_sgdw: Callable) -> checks.Verdict:
    """Exercise 05b.1: ``make_sgdw(learning_rate, momentum, weight_decay)`` returns a
    ``step(theta, gradient)`` that does what ``keras.optimizers.SGD(learning_rate, momentum,
    weight_decay=weight_decay)`` does. Run 20 steps on a tilted bowl at two settings."""
    name = "SGD with momentum and weight decay, as Keras does it"
    for settings in WEIGHT_DECAY_SETTINGS:
        step, problem = checks.attempt(make_sgdw, *settings)
        if problem:
            return checks.verdict(name, problem)
        if not callable(step):
            return checks.verdict(
                name, f"my_sgdw(...) must return a step function, got {type(step).__name__}"
            )
        path, problem = checks.attempt(weight_decay_path, step)
        if problem:
            return checks.verdict(name, f"running your step: {problem}")
        if not np.all(np.isfinite(path)):
            return checks.verdict(name, "your path contains NaN or inf")
        expected = weight_decay_path(sgdw_variant(*settings))
        if np.allclose(path, expected, rtol=1e-9, atol=1e-12):
            continue
        for mistake, hint in WEIGHT_DECAY_MISTAKES.items():
            if np.allclose(path, weight_decay_path(sgdw_variant(*settings, mistake)), atol=1e-12):
                return checks.verdict(name, hint)
        worst = np.abs(path - expected).max(axis=1)
        first = int(np.argmax(worst > 1e-9 * (1 + np.abs(expected).max(axis=1))))
        return checks.verdict(
            name,
            f"with learning_rate, momentum, weight_decay = {settings} your step {first} lands "
            f"at {path[first].round(6).tolist()}, Keras at {expected[first].round(6).tolist()}",
        )
    return checks.verdict(name, None)


# ------------------------------------------------------------ exercise 2: initial weights

INIT_CASES = ((784, 128), (64, 64), (300, 10))  # (fan_in, fan_out)


def _std_answers(he_std: Callable, glorot_std: Callable) -> tuple[list | None, str | None]:
    answers = []
    for fan_in, fan_out in INIT_CASES:
        pair = []
        for function, args in ((he_std, (fan_in,)), (glorot_std, (fan_in, fan_out))):
            value, problem = checks.attempt(function, *args)
            if problem:
                return None, problem
            value, problem = checks.number_answer(value, "a function returned None: `return` it")
            if problem:
                return None, problem
            pair.append(value)
        answers.append(pair)
    return answers, None


def exercise_initial_std(he_std: Callable, glorot_std: Callable) -> checks.Verdict:
    """Exercise 05b.2: ``he_std(fan_in)`` and ``glorot_std(fan_in, fan_out)`` return the standard
    deviation of the weights that ``keras.initializers.HeNormal`` and ``GlorotNormal`` draw
    (truncated normals whose spread Keras corrects to exactly the target)."""
    name = "the standard deviation of He and Glorot normal initial weights"
    answers, problem = _std_answers(he_std, glorot_std)
    if problem:
        return checks.verdict(name, problem)
    for (fan_in, fan_out), (he, glorot) in zip(INIT_CASES, answers, strict=True):
        he_right, glorot_right = math.sqrt(2 / fan_in), math.sqrt(2 / (fan_in + fan_out))
        for label, got, right in (("he_std", he, he_right), ("glorot_std", glorot, glorot_right)):
            if math.isclose(got, right, rel_tol=1e-6):
                continue
            wrong = {
                "a variance, not a standard deviation: take the square root": right**2,
                "that is the parameter Keras passes to its truncated normal (divided by "
                "0.8796); cutting off the tails brings the spread back to the target, so "
                "the weights' own standard deviation is the target itself": right / 0.87962566,
                "that is the other initializer's formula: He uses fan_in only, Glorot "
                "fan_in + fan_out": glorot_right if label == "he_std" else he_right,
                "fan_out instead of fan_in: a unit adds up fan_in inputs": math.sqrt(2 / fan_out),
                "He's factor is 2 (ReLU keeps half the power), Glorot's 2 over the sum of fans; "
                "you have 1": right / math.sqrt(2),
                "that is the limit of the uniform version (sqrt(3) times the standard "
                "deviation); the question is about the normal ones": right * math.sqrt(3),
            }
            shown = (
                f"{label}({fan_in}, {fan_out})" if label == "glorot_std" else f"{label}({fan_in})"
            )
            for hint, value in wrong.items():
                if math.isclose(got, value, rel_tol=1e-6):
                    return checks.verdict(name, f"{shown}: {hint}")
            return checks.verdict(name, f"{shown} gives {got:.6g}; expected {right:.6g}")
    return checks.verdict(name, None)
