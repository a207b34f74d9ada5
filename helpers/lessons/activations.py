"""Lesson 01 (activations): its exercise checks, widgets, plots and data."""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from helpers import checks
from helpers.widgets import LiveFigure

# ------------------------------------------------------------ exercise checks

# what NumPy and Python say when a one-number function (an `if`, math.*) gets an array
_NOT_VECTORIZED = (
    "length-1 arrays",
    "0-dimensional arrays",
    "size-1 arrays",
    "truth value of an array",
    "must be real number",
)
_VECTORIZE_HINT = (
    "Write it for whole arrays (vectorized), e.g. with np.where(x > 0, ..., ...): an `if` or "
    "math.* handles one number at a time"
)


def _hint(problem: str, candidates: list[tuple[str, Any]], got: Any, default: str) -> str:
    """``problem`` plus the hint of the first known mistake whose output equals ``got``.

    ``candidates`` are ``(hint, what that mistake returns)``; NaN matches NaN, so a mistake
    that overflows is recognised too. Without a match the ``default`` hint is added.
    """
    if any(text in problem for text in _NOT_VECTORIZED):
        return f"{problem}. {_VECTORIZE_HINT}"
    try:
        answer = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        answer = None
    for hint, candidate in candidates if answer is not None else []:
        with np.errstate(all="ignore"):
            candidate = np.asarray(candidate, dtype=float)
        if answer.shape == candidate.shape and np.allclose(
            answer, candidate, rtol=1e-6, atol=1e-9, equal_nan=True
        ):
            return f"{problem}. {hint}"
    return f"{problem}. {default}"


def _leaky(x: np.ndarray, alpha: float) -> np.ndarray:
    return np.where(x > 0, x, alpha * x)


def exercise_leaky_relu(leaky_relu: Callable, leaky_relu_derivative: Callable) -> checks.Verdict:
    """Exercise 01.1: NumPy leaky ReLU ``f(x, alpha)`` and its derivative, matched to Keras."""
    import keras
    import tensorflow as tf

    name = "leaky ReLU and its derivative"
    # x = 0 is included: Keras takes the slope there from the negative side (alpha), as the
    # lesson's relu_derivative does (z > 0)
    x = np.array([-30.0, -2.5, -1.0, -0.1, 0.0, 0.1, 0.7, 3.0, 40.0])
    default = "Hint: np.where(x > 0, ..., ...)"
    for alpha in (0.01, 0.2, 0.5):
        x_tensor = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(x_tensor)
            y_tensor = keras.activations.leaky_relu(x_tensor, negative_slope=alpha)
        expected, expected_slope = y_tensor.numpy(), tape.gradient(y_tensor, x_tensor).numpy()
        fixed = [a for a in (0.01, 0.1, 0.2, 0.25, 0.3, 0.5) if a != alpha]

        got, problem = checks.attempt(leaky_relu, x.copy(), alpha)
        problem = problem or checks.compare(f"leaky_relu(x, alpha={alpha})", got, expected)
        if problem:
            relu = "negative inputs give 0: that is ReLU; leaky ReLU keeps alpha * x there"
            mistakes = [(relu, np.maximum(x, 0))]
            mistakes.append(("the two sides are swapped", np.where(x > 0, alpha * x, x)))
            mistakes += [(f"it ignores its alpha (it uses {a})", _leaky(x, a)) for a in fixed]
            return checks.verdict(name, _hint(problem, mistakes, got, default))

        got, problem = checks.attempt(leaky_relu_derivative, x.copy(), alpha)
        problem = problem or checks.compare(
            f"leaky_relu_derivative(x, alpha={alpha})", got, expected_slope
        )
        if problem:
            relu = "on the negative side the slope is alpha, not 0 (that is ReLU's derivative)"
            at_zero = (
                "wrong only at x = 0: Keras, like the lesson's relu_derivative, takes the slope "
                "at 0 from the negative side, so the test is x > 0, not x >= 0"
            )
            mistakes = [
                (relu, (x > 0).astype(float)),
                (relu, (x >= 0).astype(float)),
                ("the slope of alpha * x is alpha, not alpha * x", np.where(x > 0, 1.0, alpha * x)),
                ("that is the function itself, not its derivative", _leaky(x, alpha)),
                (at_zero, np.where(x >= 0, 1.0, alpha)),
            ]
            mistakes += [
                (f"it ignores its alpha (it uses {a})", np.where(x > 0, 1.0, a)) for a in fixed
            ]
            return checks.verdict(name, _hint(problem, mistakes, got, default))
    return checks.verdict(name, None)


def exercise_stable_softmax(softmax: Callable) -> checks.Verdict:
    """Exercise 01.2: a softmax that does not overflow for large logits."""
    import keras

    name = "numerically stable softmax"
    cases = [
        np.array([1.0, 2.0, 3.0]),
        np.array([1000.0, 1001.0, 1002.0]),
        np.array([-1000.0, 0.0, 5.0, 20.0]),
        # a square batch: a row maximum without keepdims=True broadcasts silently along the
        # wrong axis here; rows far apart catch the maximum of the whole batch
        np.array([[1.0, 2.0, 3.0], [1000.0, 0.0, -5.0], [-3.0, -3.0, 50.0]]),
        np.array([[0.5, -0.5, 2.0], [800.0, 800.0, -800.0]]),
    ]
    default = (
        "Hint: softmax(z) == softmax(z - max(z)); subtract the row maximum first "
        "(keepdims=True) so that np.exp never overflows"
    )
    for logits in cases:
        expected = np.asarray(keras.activations.softmax(logits.astype(np.float64), axis=-1))
        got, problem = checks.attempt(softmax, logits.copy())
        problem = problem or checks.compare(f"softmax({logits.tolist()})", got, expected, atol=1e-9)
        if problem:
            if "broadcast" in problem:
                problem += ". z.max(axis=-1) has one number per row: keep it a column"
            with np.errstate(all="ignore"):
                exp = np.exp(logits)
                mistakes = [
                    ("np.exp overflowed to inf", exp / exp.sum(axis=-1, keepdims=True)),
                    (
                        "you subtracted the maximum of the whole batch; each row needs its own",
                        _normalize(np.exp(logits - logits.max()), axis=-1),
                    ),
                    (
                        "subtract the maximum, not the minimum: exp(z - min(z)) still overflows",
                        _normalize(np.exp(logits - logits.min(axis=-1, keepdims=True)), axis=-1),
                    ),
                    (
                        "softmax runs along the last axis (each row sums to 1), not down columns",
                        _normalize(np.exp(logits - logits.max(axis=0)), axis=0),
                    ),
                    (
                        "divide each row by its own sum, not by the sum of the whole batch",
                        _normalize(np.exp(logits - logits.max(axis=-1, keepdims=True)), None),
                    ),
                    (
                        "without keepdims=True the row maxima are subtracted along the wrong axis",
                        _normalize(np.exp(logits - logits.max(axis=-1)), axis=-1),
                    ),
                ]
            return checks.verdict(name, _hint(problem, mistakes, got, default))
    return checks.verdict(name, None)


def _normalize(values: np.ndarray, axis: int | None) -> np.ndarray:
    return values / values.sum(axis=axis, keepdims=axis is not None)


def _stack_candidates(layers: list[tuple[np.ndarray, np.ndarray]]) -> list[tuple]:
    """Known wrong collapses of ``layers``: (hint, W, b), None where any W or b matches."""
    kernels, biases = [k for k, _ in layers], [b for _, b in layers]
    kernel = np.linalg.multi_dot(kernels) if len(kernels) > 1 else kernels[0]
    bias_through = "feed each layer's bias through the kernels of the layers after it"
    candidates = [  # (hint, W or None for any W, b or None for any b)
        (bias_through, kernel, biases[-1]),
        ("the last layer's bias is missing", kernel, _true_bias(layers) - biases[-1]),
    ]
    if len({b.shape for b in biases}) == 1:
        candidates.append((bias_through, kernel, sum(biases)))
    if len(kernels) > 1 and all(k.shape[0] == k.shape[1] for k in kernels):
        reversed_order = "multiply the kernels in layer order (the input meets W1 first)"
        candidates.append((reversed_order, np.linalg.multi_dot(kernels[::-1]), None))
    return candidates


def _true_bias(layers: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    bias = layers[0][1]
    for next_kernel, next_bias in layers[1:]:
        bias = bias @ next_kernel + next_bias
    return bias


def exercise_collapse_linear_stack(collapse: Callable) -> checks.Verdict:
    """Exercise 01.3: one affine map (W, b) equal to a stack of Dense layers with no activation."""
    name = "collapse a stack of linear layers into one"
    rng = np.random.default_rng(0)
    # square kernels (4, 4, 4, 4) let a reversed product run without a shape error
    for sizes in [(3, 4, 2), (4, 4, 4, 4), (5, 8, 8, 3), (2, 6, 1, 4, 3), (4, 3)]:
        layers = [
            (rng.normal(size=(n_in, n_out)), rng.normal(size=n_out))
            for n_in, n_out in itertools.pairwise(sizes)
        ]
        x = rng.normal(size=(7, sizes[0]))
        expected = x
        for kernel, bias in layers:
            expected = expected @ kernel + bias
        answer, problem = checks.attempt(collapse, [(k.copy(), b.copy()) for k, b in layers])
        if problem:
            if "mismatch" in problem or "not aligned" in problem:
                problem += ". Keras's convention is x @ W: multiply W1 @ W2 @ ... in layer order"
            elif "broadcast" in problem:
                problem += ". The biases differ in size: feed each layer's bias through the "
                problem += "kernels of the layers after it"
            return checks.verdict(name, f"for layer sizes {sizes}, {problem}")
        if not isinstance(answer, tuple | list) or len(answer) != 2:
            return checks.verdict(name, "collapse must return a pair (W, b)")
        try:
            kernel, bias = (np.asarray(a, dtype=float) for a in answer)
        except (TypeError, ValueError):
            return checks.verdict(name, "collapse must return a pair (W, b) of arrays of numbers")
        if kernel.shape != (sizes[0], sizes[-1]) or bias.shape != (sizes[-1],):
            return checks.verdict(
                name,
                f"for layer sizes {sizes} expected W of shape {(sizes[0], sizes[-1])} and "
                f"b of shape {(sizes[-1],)}, got {kernel.shape} and {bias.shape}",
            )
        problem = checks.compare("x @ W + b", x @ kernel + bias, expected, rtol=1e-6, atol=1e-8)
        if problem:
            problem = f"for layer sizes {sizes}, {problem}"
            true_kernel = np.linalg.multi_dot([np.eye(sizes[0])] + [k for k, _ in layers])
            hint = (
                "Hint: W is off; a stack without activations multiplies its kernels"
                if not np.allclose(kernel, true_kernel)
                else "Hint: b is off; feed each layer's bias through the later kernels"
            )
            for text, wrong_kernel, wrong_bias in _stack_candidates(layers):
                if (
                    wrong_kernel.shape == kernel.shape
                    and np.allclose(kernel, wrong_kernel)
                    and (wrong_bias is None or np.allclose(bias, wrong_bias))
                ):
                    hint = text
                    break
            return checks.verdict(name, f"{problem}. {hint}")
    return checks.verdict(name, None)


# ------------------------------------------------------------ widgets

VANISHING_SLOPE = 0.01  # below this local derivative a unit passes back < 1% of the gradient


def _finite_number(name: str, value: Any, function: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{function} expects {name} to be a finite number, got {value!r}")
    return float(value)


def _apply(function: Callable, z: np.ndarray, role: str) -> np.ndarray:
    """``function(z)`` for a vectorized NumPy function, or a ValueError that says what to fix."""
    if not callable(function):
        raise ValueError(f"the {role} must be a function of a NumPy array, got {function!r}")
    try:
        with np.errstate(all="ignore"):
            values = function(z)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"the {role} failed on an array of inputs ({error}); it must be vectorized: take "
            "and return whole NumPy arrays (np.where, np.exp, ... not `if` or math.*)"
        ) from error
    try:
        values = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"the {role} must return numbers, got {type(values).__name__}") from error
    if values.shape != z.shape:
        raise ValueError(
            f"the {role} must return an array of shape {z.shape} like its input, got "
            f"{values.shape}; make it vectorized (np.where, np.exp ... not math.*)"
        )
    if not np.all(np.isfinite(values)):
        worst = z.flat[int(np.argmin(np.isfinite(values)))]
        raise ValueError(
            f"the {role} returned NaN or inf (first at input {worst:.3g}); use an overflow-safe "
            "formula or a smaller weight"
        )
    return values


def neuron_response(
    activation: Callable[[np.ndarray], np.ndarray],
    derivative: Callable[[np.ndarray], np.ndarray],
    weight: float,
    bias: float,
    x: np.ndarray,
) -> dict[str, np.ndarray | float]:
    """A single neuron ``g(w*x + b)`` on inputs ``x``: its output, slope and vanishing zone.

    Returns ``x``, ``z = w*x + b``, ``output = g(z)``, ``local_slope = g'(z)`` (what the unit
    multiplies an incoming gradient by), ``slope = w * g'(z)`` (d output / d x),
    ``vanishing`` (where ``g'(z) < VANISHING_SLOPE``) and ``vanishing_fraction``.
    """
    weight = _finite_number("weight", weight, "neuron_response")
    bias = _finite_number("bias", bias, "neuron_response")
    if x is None or np.asarray(x).dtype.kind not in "iuf":
        raise ValueError(
            f"neuron_response expects x as a 1-D array of numbers, got {type(x).__name__}"
        )
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"neuron_response expects x of shape (n,) with n >= 1, got {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("neuron_response expects finite inputs x, got NaN or inf")
    z = weight * x + bias
    local_slope = _apply(derivative, z, "derivative")
    vanishing = local_slope < VANISHING_SLOPE
    return {
        "x": x,
        "z": z,
        "output": _apply(activation, z, "activation function"),
        "local_slope": local_slope,
        "slope": weight * local_slope,
        "vanishing": vanishing,
        "vanishing_fraction": float(vanishing.mean()),
    }


_RESPONSE_KEYS = ("x", "output", "local_slope", "slope", "vanishing", "vanishing_fraction")


def draw_neuron_response(
    result: Mapping[str, Any], name: str = "g", figure: Figure | None = None
) -> Figure:
    """Plot a :func:`neuron_response` result: output and slope, vanishing zone shaded.

    ``figure``: a figure this function drew before, redrawn in place (what the explorer does
    on every slider move: about twice as fast as a new figure).
    """
    if not isinstance(result, Mapping) or any(key not in result for key in _RESPONSE_KEYS):
        raise ValueError(
            f"draw_neuron_response expects the dict that neuron_response returns (keys "
            f"{list(_RESPONSE_KEYS)}), got {type(result).__name__}"
        )
    if not isinstance(name, str):
        raise ValueError(f"draw_neuron_response expects name to be a string, got {name!r}")
    x = np.asarray(result["x"], dtype=float)
    curves = [np.asarray(result[key], dtype=float) for key in ("output", "local_slope", "slope")]
    if x.ndim != 1 or x.size == 0 or any(c.shape != x.shape for c in curves):
        raise ValueError("draw_neuron_response expects x and every curve of one shape (n,)")
    if not all(np.all(np.isfinite(c)) for c in [x, *curves]):
        raise ValueError("draw_neuron_response got NaN or inf: recompute with neuron_response")
    if figure is None or not hasattr(figure, "_neuron_response"):
        if figure is not None:
            raise ValueError("draw_neuron_response redraws only a figure it drew itself")
        figure = Figure(figsize=(10, 3.9))
        figure.subplots_adjust(left=0.07, right=0.98, top=0.84, bottom=0.27, wspace=0.2)
        ax_out, ax_slope = figure.subplots(1, 2)
        ax_out.set(xlabel="input x", ylabel="output")
        ax_slope.set(xlabel="input x", title="derivatives")
        lines = [
            ax_out.plot(x, curves[0], color="C0")[0],
            ax_slope.plot(x, curves[1], color="C1", label="g'(w·x + b): gradient passed back")[0],
            ax_slope.plot(x, curves[2], "--", color="C2", label="d output / dx = w·g'")[0],
        ]
        # below the axes, where no curve can be: inside, some weight always puts a curve under it
        ax_slope.legend(
            fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2, frameon=False
        )
        figure._neuron_response = {"lines": lines, "shades": []}
    drawn = figure._neuron_response
    ax_out, ax_slope = figure.axes
    for line, curve in zip(drawn["lines"], curves, strict=True):
        line.set_data(x, curve)
    for shade in drawn["shades"]:
        shade.remove()
    drawn["shades"] = [
        ax.fill_between(
            x,
            0,
            1,
            where=np.asarray(result["vanishing"], dtype=bool),
            transform=ax.get_xaxis_transform(),
            color="grey",
            alpha=0.2,
            linewidth=0,
        )
        for ax in (ax_out, ax_slope)
    ]
    for ax in (ax_out, ax_slope):
        ax.relim()
        ax.autoscale_view()
    ax_out.set_title(f"{name}(w·x + b)")
    figure.suptitle(
        f"grey: g' < {VANISHING_SLOPE}, the gradient vanishes on "
        f"{result['vanishing_fraction']:.0%} of this input range"
    )
    return figure


def activation_explorer(
    activations: Mapping[str, tuple[Callable, Callable]],
    x_range: tuple[float, float] = (-6.0, 6.0),
) -> LiveFigure:
    """Pick an activation ``g`` and move the weight and bias of one neuron ``g(w*x + b)``.

    ``activations`` maps a name to ``(g, g_derivative)``, both vectorized NumPy functions.
    """
    if not isinstance(activations, Mapping) or not activations:
        raise ValueError("activation_explorer expects a dict {name: (function, derivative)}")
    if not (isinstance(x_range, tuple | list) and len(x_range) == 2):
        raise ValueError(f"x_range must be a pair (low, high), got {x_range!r}")
    low = _finite_number("x_range[0]", x_range[0], "activation_explorer")
    high = _finite_number("x_range[1]", x_range[1], "activation_explorer")
    if not low < high:
        raise ValueError(f"x_range must be (low, high) with low < high, got {x_range!r}")
    x = np.linspace(low, high, 601)
    for name, pair in activations.items():
        if not (isinstance(pair, tuple) and len(pair) == 2 and all(map(callable, pair))):
            raise ValueError(f"activations[{name!r}] must be a pair (function, derivative)")
        neuron_response(*pair, 1.0, 0.0, x)  # not vectorized? say so now, not at a click
    controls = {
        "activation": widgets.Dropdown(options=list(activations), description="g"),
        "weight": widgets.FloatSlider(value=1.0, min=-5, max=5, step=0.1, description="weight w"),
        "bias": widgets.FloatSlider(value=0.0, min=-5, max=5, step=0.1, description="bias b"),
    }

    def compute(activation: str, weight: float, bias: float) -> dict:
        function, derivative = activations[activation]
        return {"name": activation, **neuron_response(function, derivative, weight, bias, x)}

    figure = draw_neuron_response(neuron_response(*next(iter(activations.values())), 1, 0, x))

    def draw(result: dict) -> Figure:
        return draw_neuron_response(result, result["name"], figure)

    return LiveFigure(controls, compute, draw)
