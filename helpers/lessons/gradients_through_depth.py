"""Lesson 01b (gradients through depth): the depth explorer and the exercise checks.

The explorer sends real digits forward through a deep stack of random dense layers and a
gradient back, in NumPy, so that it redraws in a few milliseconds; the tests check its numbers
against Keras and ``tf.GradientTape`` (the oracle).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from threadpoolctl import threadpool_limits

from helpers import checks
from helpers import validation as check
from helpers.widgets import LiveFigure

# SELU's two constants (Klambauer et al., 2017), as in keras.activations.selu
SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.tanh(z / 2))  # the same function, without overflow in exp


def _selu(z: np.ndarray) -> np.ndarray:
    return SELU_SCALE * np.where(z > 0, z, SELU_ALPHA * np.expm1(np.minimum(z, 0)))


# name -> (g, g'): the activations the explorer offers, vectorized NumPy functions
ACTIVATIONS: dict[str, tuple[Callable, Callable]] = {
    "sigmoid": (_sigmoid, lambda z: _sigmoid(z) * (1 - _sigmoid(z))),
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "relu": (lambda z: np.maximum(z, 0), lambda z: (z > 0).astype(float)),
    "selu": (
        _selu,
        lambda z: SELU_SCALE * np.where(z > 0, 1.0, SELU_ALPHA * np.exp(np.minimum(z, 0))),
    ),
}

# name -> variance of the initial weights as a function of (fan_in, fan_out), as in Keras's
# glorot_normal, he_normal and lecun_normal (before their truncation, which the explorer skips)
INITIALIZERS: dict[str, Callable[[int, int], float]] = {
    "glorot": lambda fan_in, fan_out: 2 / (fan_in + fan_out),
    "he": lambda fan_in, fan_out: 2 / fan_in,
    "lecun": lambda fan_in, fan_out: 1 / fan_in,
}


def random_kernels(
    input_size: int, width: int, depth: int, initializer: str, gain: float = 1.0, seed: int = 0
) -> list[np.ndarray]:
    """``depth`` random kernels (input_size x width, then width x width), normally distributed
    with the initializer's variance times ``gain**2``."""
    input_size = check.number(input_size, "random_kernels: input_size", positive=True, integer=True)
    width = check.number(width, "random_kernels: width", positive=True, integer=True)
    depth = check.number(depth, "random_kernels: depth", positive=True, integer=True)
    gain = check.number(gain, "random_kernels: gain", positive=True)
    if initializer not in INITIALIZERS:
        raise ValueError(
            f"random_kernels: initializer must be one of {list(INITIALIZERS)}, got {initializer!r}"
        )
    rng = np.random.default_rng(seed)
    kernels = []
    for layer in range(depth):
        fan_in = input_size if layer == 0 else width
        std = gain * math.sqrt(INITIALIZERS[initializer](fan_in, width))
        kernels.append(rng.normal(0.0, std, size=(fan_in, width)))
    return kernels


def signal_through_depth(
    x: Any, kernels: list[np.ndarray], activation: str, upstream: Any = None
) -> dict[str, np.ndarray]:
    """Forward ``x`` through ``h = g(h @ W)`` for each kernel, then a gradient back.

    ``upstream`` is the gradient of the loss with respect to the last layer's output (shape
    ``(batch, width)``; standard normal numbers, seeded, when left out): the loss is taken as
    ``sum(upstream * h_last)``. Returns per layer ``spread`` (standard deviation of each unit over
    the batch, averaged over units), ``mean`` (mean output) and ``gradient_norm`` (the norm of
    the loss's gradient with respect to that layer's kernel), as arrays of length ``depth``.
    """
    x = check.numbers(x, "signal_through_depth: x", "an array of shape (batch, features)")
    if x.ndim != 2 or x.shape[0] < 2:
        raise ValueError(
            f"signal_through_depth: x must have shape (batch, features) with batch >= 2, got "
            f"{x.shape}; flatten images first, e.g. x.reshape(len(x), -1)"
        )
    check.finite(x.astype(float), "signal_through_depth: x")
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"signal_through_depth: activation must be one of {list(ACTIVATIONS)}, got "
            f"{activation!r}"
        )
    if not isinstance(kernels, list | tuple) or not kernels:
        raise ValueError("signal_through_depth: kernels must be a non-empty list of 2-D arrays")
    with threadpool_limits(limits=1, user_api="blas"):
        return _signal(x, kernels, activation, upstream)


def _signal(x: np.ndarray, kernels: list, activation: str, upstream: Any) -> dict:
    # Products of 64 x 64 matrices: BLAS threads would cost more than they save, and on a
    # busy machine far more (measured: 40 times slower at load 10 on 2 cores).
    g, g_prime = ACTIVATIONS[activation]
    inputs, pre_activations, spreads, means, h = [], [], [], [], x.astype(float)
    checked = []  # the kernels as float arrays
    for i, kernel in enumerate(kernels):
        kernel = check.numbers(kernel, f"signal_through_depth: kernel {i}", "a 2-D array")
        kernel = check.finite(kernel.astype(float), f"signal_through_depth: kernel {i}")
        if kernel.ndim != 2 or kernel.shape[0] != h.shape[1]:
            raise ValueError(
                f"signal_through_depth: kernel {i} has shape {kernel.shape}, expected "
                f"({h.shape[1]}, width) to follow the layer before it"
            )
        checked.append(kernel)
        inputs.append(h)
        pre_activations.append(h @ kernel)
        h = g(pre_activations[-1])
        spreads.append(h.std(axis=0).mean())
        means.append(h.mean())
    if upstream is None:
        upstream = np.random.default_rng(0).standard_normal(h.shape)
    upstream = check.numbers(upstream, "signal_through_depth: upstream", f"shape {h.shape}")
    if upstream.shape != h.shape:
        raise ValueError(
            f"signal_through_depth: upstream must have the last layer's shape {h.shape}, got "
            f"{upstream.shape}"
        )
    check.finite(upstream.astype(float), "signal_through_depth: upstream")
    gradient, norms = upstream.astype(float), []
    for kernel, h_in, z in zip(
        reversed(checked), reversed(inputs), reversed(pre_activations), strict=True
    ):
        delta = gradient * g_prime(z)  # through the activation
        norms.append(np.linalg.norm(h_in.T @ delta))  # d loss / d kernel
        gradient = delta @ kernel.T  # through the weights
    return {
        "spread": np.array(spreads),
        "mean": np.array(means),
        "gradient_norm": np.array(norms[::-1]),
    }


def draw_signal(result: Mapping[str, Any], title: str = "", figure: Figure | None = None) -> Figure:
    """Two log plots per layer: the spread of the outputs and the kernel's gradient norm.

    ``figure``: one this function drew before, redrawn in place (what the explorer does).
    """
    if not isinstance(result, Mapping) or not {"spread", "gradient_norm"} <= set(result):
        raise ValueError(
            "draw_signal expects the dict that signal_through_depth returns (keys 'spread', "
            f"'gradient_norm'), got {check.describe(result)}"
        )
    spread = check.series(result["spread"], "draw_signal: spread", log=True)
    norms = check.series(result["gradient_norm"], "draw_signal: gradient_norm", log=True)
    layers = np.arange(1, spread.size + 1)
    if figure is None or not hasattr(figure, "_signal_lines"):
        if figure is not None:
            raise ValueError("draw_signal redraws only a figure it drew itself")
        figure = Figure(figsize=(10, 3.6))
        figure.subplots_adjust(left=0.08, right=0.98, top=0.82, bottom=0.16, wspace=0.25)
        ax_forward, ax_backward = figure.subplots(1, 2)
        ax_forward.set(xlabel="layer", ylabel="spread of outputs", yscale="log", title="forward")
        ax_backward.set(xlabel="layer", ylabel="gradient norm", yscale="log", title="backward")
        figure._signal_lines = [
            ax_forward.plot(layers, spread, "-o", ms=3, color="C0")[0],
            ax_backward.plot(layers, norms, "-o", ms=3, color="C3")[0],
        ]
    for line, values in zip(figure._signal_lines, (spread, norms), strict=True):
        line.set_data(layers, values)
        ax = line.axes
        finite = values[np.isfinite(values)]
        low, high = finite.min(), finite.max()
        ax.set_xlim(0.5, max(layers[-1], 2) + 0.5)
        ax.set_ylim(low / 3, high * 3)  # at least a factor 9 tall: flat curves look flat
    figure.suptitle(title)
    return figure


def depth_explorer(x: Any, width: int = 64) -> LiveFigure:
    """Choose activation, initializer, a gain on the initial weights and depth; watch the
    signal and the gradient through a random network on ``x`` (real inputs, one per row)."""
    x = check.numbers(x, "depth_explorer: x", "an array of shape (batch, features)")
    signal_through_depth(
        x, random_kernels(x.shape[1] if x.ndim == 2 else 1, width, 1, "he"), "relu"
    )
    controls = {
        "activation": widgets.Dropdown(options=list(ACTIVATIONS), value="relu"),
        "initializer": widgets.Dropdown(options=list(INITIALIZERS), value="he"),
        "gain": widgets.FloatSlider(value=1.0, min=0.5, max=1.5, step=0.05),
        "depth": widgets.IntSlider(value=20, min=2, max=60),
    }
    for name, control in controls.items():
        control.description = "gain on weights" if name == "gain" else name

    def compute(activation: str, initializer: str, gain: float, depth: int) -> dict:
        kernels = random_kernels(x.shape[1], width, depth, initializer, gain)
        result = signal_through_depth(x, kernels, activation)
        ratio = result["gradient_norm"][0] / result["gradient_norm"][-1]
        title = (
            f"{activation}, {initializer} x {gain:.2f}, {depth} layers: gradient of layer 1 / "
            f"layer {depth} = {ratio:.1e}"
        )
        return {**result, "title": title, "gradient_ratio": ratio}

    figure = draw_signal(compute("relu", "he", 1.0, 20))

    def draw(result: dict) -> Figure:
        return draw_signal(result, result["title"], figure)

    return LiveFigure(controls, compute, draw)


# ------------------------------------------------------------ exercise checks


def exercise_vanishing_bound(bound: float) -> checks.Verdict:
    """Exercise 01b.1: the largest factor sigmoid derivatives allow through 10 layers."""
    name = "upper bound of the sigmoid gradient factor after 10 layers"
    if isinstance(bound, np.ndarray | list | tuple) and np.size(bound) != 1:
        return checks.verdict(name, f"expected one number, got {np.size(bound)} of them")
    value, problem = checks.number_answer(bound)
    if problem is not None:
        return checks.verdict(name, problem)
    if math.isclose(value, 0.25**10, rel_tol=1e-6):
        return checks.verdict(name, None)
    known = [
        (0.25, "0.25 is the bound for one layer; the factors multiply across 10 layers"),
        (2.5, "the factors multiply, they do not add"),
        (0.5**10, "0.5 is sigma(0), the sigmoid's value; the factor is its derivative"),
        (1.0, "1 is tanh's largest slope; the sigmoid's is smaller"),
        (0.25**9, "one factor too few: there is one per layer, 10 layers"),
        (0.25**11, "one factor too many: there is one per layer, 10 layers"),
    ]
    for wrong, hint in known:
        if math.isclose(value, wrong, rel_tol=1e-6):
            return checks.verdict(name, hint)
    return checks.verdict(
        name,
        f"{value:.4g} is not it. The sigmoid's derivative is largest at 0, where it equals "
        "sigma(0) * (1 - sigma(0)); backpropagation multiplies one such factor per layer",
    )


def _clip_reference(gradient: np.ndarray, max_norm: float, mistake: str = "") -> np.ndarray:
    norm = np.linalg.norm(gradient)
    if mistake == "elementwise":
        return np.clip(gradient, -max_norm, max_norm)
    if mistake == "always":
        return gradient * max_norm / norm
    if mistake == "unit":
        return gradient / norm if norm > max_norm else gradient
    if mistake == "inverted":
        return gradient * norm / max_norm if norm > max_norm else gradient
    return gradient * max_norm / norm if norm > max_norm else gradient


_CLIP_MISTAKES = {
    "elementwise": "you clipped each number to [-max_norm, max_norm] (that is clipvalue); "
    "clipnorm rescales the whole gradient so that its norm is max_norm, keeping its direction",
    "always": "you rescaled every gradient to norm max_norm, small ones too: a gradient whose "
    "norm is already at most max_norm must be left unchanged",
    "unit": "you divided by the norm but forgot to multiply by max_norm: the clipped gradient's "
    "norm must be max_norm, not 1",
    "inverted": "the factor is upside down: multiply by max_norm / norm (which is < 1), not "
    "norm / max_norm",
}


def exercise_clip_by_norm(clip_by_norm: Callable) -> checks.Verdict:
    """Exercise 01b.2: ``clip_by_norm(gradient, max_norm)``, what ``clipnorm`` does."""
    name = "clip_by_norm"
    rng = np.random.default_rng(3)
    cases = [
        (rng.normal(0, 5, 6), 1.0),  # norm about 12: clipped
        (np.array([0.3, -0.4]), 1.0),  # norm 0.5: unchanged
        (np.array([30.0, -40.0, 0.0]), 5.0),  # norm 50: clipped to 5
        (rng.normal(0, 0.5, (3, 4)), 10.0),  # a kernel-shaped gradient, small: unchanged
        (np.array([[0.5, 2.0], [-3.0, 0.1]]), 1.0),  # a kernel-shaped gradient: clipped
    ]
    for gradient, max_norm in cases:
        answer, problem = checks.attempt(clip_by_norm, gradient.copy(), max_norm)
        want = _clip_reference(gradient, max_norm)
        problem = problem or checks.compare(name, answer, want)
        if problem is None:
            continue
        got = np.asarray(answer, dtype=float) if answer is not None else None
        for mistake, hint in _CLIP_MISTAKES.items():
            wrong = _clip_reference(gradient, max_norm, mistake)
            if got is not None and got.shape == wrong.shape and np.allclose(got, wrong):
                return checks.verdict(name, f"{problem}. {hint}")
        return checks.verdict(name, problem)
    return checks.verdict(name, None)
