"""Lesson 01 (activations): its exercise checks, widgets, plots and data."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from helpers import checks
from helpers.widgets import LiveFigure

if TYPE_CHECKING:
    pass


# ------------------------------------------------------------ exercise checks


def exercise_leaky_relu(leaky_relu: Callable, leaky_relu_derivative: Callable) -> checks.Verdict:
    """Exercise 01.1: NumPy leaky ReLU ``f(x, alpha)`` and its derivative, matched to Keras."""
    import keras
    import tensorflow as tf

    name = "leaky ReLU and its derivative"
    x = np.array([-30.0, -2.5, -1.0, -0.1, 0.1, 0.7, 3.0, 40.0], dtype=np.float32)
    for alpha in (0.01, 0.2, 0.5):
        x_tensor = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(x_tensor)
            y_tensor = keras.activations.leaky_relu(x_tensor, negative_slope=alpha)
        expected = y_tensor.numpy()
        expected_grad = tape.gradient(y_tensor, x_tensor).numpy()

        got, problem = checks.attempt(leaky_relu, x, alpha)
        problem = problem or checks.compare(f"leaky_relu(x, alpha={alpha})", got, expected)
        if problem is None:
            got, problem = checks.attempt(leaky_relu_derivative, x, alpha)
            problem = problem or checks.compare(
                f"leaky_relu_derivative(x, alpha={alpha})", got, expected_grad
            )
        if problem:
            return checks.verdict(name, problem + ". Hint: np.where(x > 0, ..., ...)")
    return checks.verdict(name, None)


def exercise_stable_softmax(softmax: Callable) -> checks.Verdict:
    """Exercise 01.2: a softmax that does not overflow for large logits."""
    import keras

    name = "numerically stable softmax"
    cases = [
        np.array([1.0, 2.0, 3.0]),
        np.array([1000.0, 1001.0, 1002.0]),
        np.array([-1000.0, 0.0, 5.0, 20.0]),
        np.array([[0.5, -0.5, 2.0], [800.0, 800.0, -800.0]]),
    ]
    for logits in cases:
        expected = np.asarray(keras.activations.softmax(logits.astype(np.float64), axis=-1))
        got, problem = checks.attempt(softmax, logits)
        problem = problem or checks.compare(f"softmax({logits.tolist()})", got, expected, atol=1e-9)
        if problem:
            hint = (
                " Hint: softmax(z) == softmax(z - max(z)); subtract the row maximum first "
                "(keepdims=True) so that np.exp never overflows."
            )
            return checks.verdict(name, problem + "." + hint)
    return checks.verdict(name, None)


def exercise_collapse_linear_stack(collapse: Callable) -> checks.Verdict:
    """Exercise 01.3: one affine map (W, b) equal to a stack of Dense layers with no activation."""
    name = "collapse a stack of linear layers into one"
    rng = np.random.default_rng(0)
    for sizes in [(3, 4, 2), (5, 8, 8, 3), (2, 6, 1, 4, 3)]:
        layers = [
            (rng.normal(size=(n_in, n_out)), rng.normal(size=n_out))
            for n_in, n_out in itertools.pairwise(sizes)
        ]
        x = rng.normal(size=(7, sizes[0]))
        expected = x
        for kernel, bias in layers:
            expected = expected @ kernel + bias
        answer, problem = checks.attempt(collapse, layers)
        if problem:
            return checks.verdict(name, problem)
        if not isinstance(answer, tuple | list) or len(answer) != 2:
            return checks.verdict(name, "collapse must return a pair (W, b)")
        kernel, bias = (np.asarray(a, dtype=float) for a in answer)
        if kernel.shape != (sizes[0], sizes[-1]) or bias.shape != (sizes[-1],):
            return checks.verdict(
                name,
                f"for layer sizes {sizes} expected W of shape {(sizes[0], sizes[-1])} and "
                f"b of shape {(sizes[-1],)}, got {kernel.shape} and {bias.shape}",
            )
        problem = checks.compare("x @ W + b", x @ kernel + bias, expected, rtol=1e-6, atol=1e-8)
        if problem:
            return checks.verdict(
                name,
                problem + ". Hint: feed the bias through the later kernels too: "
                "b = (b1 @ W2 + b2) @ W3 + b3",
            )
    return checks.verdict(name, None)


def exercise_vanishing_bound(bound: float) -> checks.Verdict:
    """Exercise 01.4: the largest factor sigmoid derivatives allow through 10 layers."""
    name = "upper bound of the sigmoid gradient factor after 10 layers"
    value, problem = (bound, None) if bound is not None else (None, "no answer yet (None)")
    if problem is None:
        try:
            value = float(bound)
        except (TypeError, ValueError):
            problem = f"expected a number, got {bound!r}"
    if problem is None and not math.isclose(value, 0.25**10, rel_tol=1e-6):
        if math.isclose(value, 0.25, rel_tol=1e-6):
            problem = "0.25 is the bound for one layer; the factors multiply across 10 layers"
        elif math.isclose(value, 2.5, rel_tol=1e-6):
            problem = "the factors multiply, they do not add"
        else:
            problem = (
                f"{value:.4g} is not it. The sigmoid's derivative is largest at 0, where it "
                "equals sigma(0) * (1 - sigma(0)); backpropagation multiplies one such factor "
                "per layer"
            )
    return checks.verdict(name, problem)


# ------------------------------------------------------------ widgets

VANISHING_SLOPE = 0.01  # below this local derivative a unit passes back < 1% of the gradient


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
    x = np.asarray(x, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"neuron_response expects x of shape (n,), got {x.shape}")
    z = weight * x + bias
    local_slope = np.asarray(derivative(z), dtype=float)
    if local_slope.shape != z.shape:
        raise ValueError(
            f"the derivative must return an array of shape {z.shape} like its input, got "
            f"{local_slope.shape}; make it vectorized (np.where, np.exp ... not math.*)"
        )
    vanishing = local_slope < VANISHING_SLOPE
    return {
        "x": x,
        "z": z,
        "output": np.asarray(activation(z), dtype=float),
        "local_slope": local_slope,
        "slope": weight * local_slope,
        "vanishing": vanishing,
        "vanishing_fraction": float(vanishing.mean()),
    }


def draw_neuron_response(result: Mapping[str, Any], name: str = "g") -> Figure:
    """Plot a :func:`neuron_response` result: output and slope, vanishing zone shaded."""
    fig = Figure(figsize=(10, 3.6), layout="constrained")
    ax_out, ax_slope = fig.subplots(1, 2)
    x = result["x"]
    ax_out.plot(x, result["output"], color="C0")
    ax_out.set(xlabel="input x", ylabel="output", title=f"{name}(w·x + b)")
    ax_slope.plot(x, result["local_slope"], color="C1", label="g'(w·x + b): gradient passed back")
    ax_slope.plot(x, result["slope"], color="C2", linestyle="--", label="d output / dx = w·g'")
    ax_slope.set(xlabel="input x", title="derivatives")
    ax_slope.legend(fontsize=8, loc="upper left")
    for ax in (ax_out, ax_slope):
        ax.fill_between(
            x,
            0,
            1,
            where=result["vanishing"],
            transform=ax.get_xaxis_transform(),
            color="grey",
            alpha=0.2,
            linewidth=0,
        )
    fig.suptitle(
        f"grey: g' < {VANISHING_SLOPE}, the gradient vanishes on "
        f"{result['vanishing_fraction']:.0%} of this input range"
    )
    return fig


def activation_explorer(
    activations: Mapping[str, tuple[Callable, Callable]],
    x_range: tuple[float, float] = (-6.0, 6.0),
) -> LiveFigure:
    """Pick an activation ``g`` and move the weight and bias of one neuron ``g(w*x + b)``.

    ``activations`` maps a name to ``(g, g_derivative)``, both vectorized NumPy functions.
    """
    if not activations:
        raise ValueError("activation_explorer expects a dict {name: (function, derivative)}")
    for name, pair in activations.items():
        if not (isinstance(pair, tuple) and len(pair) == 2 and all(map(callable, pair))):
            raise ValueError(f"activations[{name!r}] must be a pair (function, derivative)")
    x = np.linspace(*x_range, 601)
    controls = {
        "activation": widgets.Dropdown(options=list(activations), description="g"),
        "weight": widgets.FloatSlider(value=1.0, min=-5, max=5, step=0.1, description="weight w"),
        "bias": widgets.FloatSlider(value=0.0, min=-5, max=5, step=0.1, description="bias b"),
    }

    def compute(activation: str, weight: float, bias: float) -> dict:
        function, derivative = activations[activation]
        return {"name": activation, **neuron_response(function, derivative, weight, bias, x)}

    return LiveFigure(
        controls, compute, lambda result: draw_neuron_response(result, result["name"])
    )
