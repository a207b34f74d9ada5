"""Lesson 02 (network_from_scratch): its exercise checks, widgets, plots and data."""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Circle
from matplotlib.ticker import MaxNLocator

from helpers import checks
from helpers.widgets import LiveFigure

if TYPE_CHECKING:
    pass


def _is_count(value: Any) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool) and value >= 1


def _finite_series(name: str, values: Any, minimum: int, what: str) -> np.ndarray:
    """``values`` as a 1-D float array of at least ``minimum`` finite numbers, or ValueError."""
    array = np.asarray(values)
    if values is None or array.dtype.kind not in "iuf":
        raise ValueError(f"{name} must be numbers ({what}), got {array.dtype} values")
    array = array.astype(float)
    if array.ndim != 1 or array.size < minimum:
        raise ValueError(
            f"{name} must be a 1-D sequence of at least {minimum} {what}, got shape {array.shape}"
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or inf: the run diverged; lower its learning rate")
    return array


# ------------------------------------------------------------ plots
def plot_batch_costs(
    costs: Mapping[str, Sequence[float]],
    steps_per_epoch: int,
    accuracy: Mapping[str, Sequence[float]] | None = None,
    window: int = 100,
) -> Figure:
    """Mini-batch SGD runs: the cost of every batch and its moving average, one panel per run.

    ``costs`` maps a run's label to the cost of each mini-batch, in training order;
    ``steps_per_epoch`` converts steps to epochs on the x axis. The faint line is every batch,
    the solid one the mean of the last ``window`` batches. ``accuracy`` (optional) maps labels
    to one value per epoch, drawn in a last panel shared by all runs.
    """
    if not isinstance(costs, Mapping) or not costs:
        raise ValueError(
            "plot_batch_costs expects a non-empty dict {label: cost of every mini-batch}, "
            f"got {type(costs).__name__}"
        )
    if not _is_count(steps_per_epoch):
        raise ValueError(f"steps_per_epoch must be a positive integer, got {steps_per_epoch!r}")
    if not _is_count(window):
        raise ValueError(f"window must be a positive integer, got {window!r}")
    series = {
        label: _finite_series(f"costs[{label!r}]", values, window, "batch costs")
        for label, values in costs.items()
    }
    if accuracy is not None and not isinstance(accuracy, Mapping):
        raise ValueError(
            f"accuracy must be a dict {{label: accuracy after each epoch}}, got {accuracy!r}"
        )
    accuracy = {
        label: _finite_series(f"accuracy[{label!r}]", values, 1, "values, one per epoch")
        for label, values in (accuracy or {}).items()
    }
    for label, values in accuracy.items():
        if values.min() < 0 or values.max() > 1:
            raise ValueError(f"accuracy[{label!r}] must be fractions in [0, 1], one per epoch")
    panels = len(series) + bool(accuracy)
    fig = Figure(figsize=(4.2 * panels, 3.5), layout="constrained")
    axes = fig.subplots(1, panels, squeeze=False)[0]
    for index, (ax, (label, values)) in enumerate(zip(axes, series.items(), strict=False)):
        epochs = np.arange(1, values.size + 1) / steps_per_epoch
        moving_mean = np.convolve(values, np.ones(window) / window, mode="valid")
        color = f"C{index % 10}"
        ax.plot(epochs, values, color=color, alpha=0.25, linewidth=0.5, label="each batch")
        ax.plot(epochs[window - 1 :], moving_mean, color=color, label=f"mean of {window}")
        ax.set(xlabel="epoch", ylabel="cost", title=f"{label}: cost per mini-batch")
        ax.set_ylim(0, np.quantile(values, 0.995) * 1.05)
        ax.legend(fontsize=8)
    if accuracy:
        ax = axes[-1]
        labels = list(series) + [label for label in accuracy if label not in series]
        for label, values in accuracy.items():
            ax.plot(
                np.arange(1, values.size + 1),
                values,
                "-o",
                ms=3,
                label=label,
                color=f"C{labels.index(label) % 10}",
            )
        ax.set(xlabel="epoch", ylabel="test accuracy", title="test accuracy after each epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(fontsize=8)
    return fig


# ------------------------------------------------------------ exercise checks


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _cross_entropy_mistakes(logits: np.ndarray, labels: np.ndarray) -> list[tuple[str, Any]]:
    """Known wrong answers ``(hint, (cost, gradient))``; ``None`` matches any value."""
    n, rows = len(labels), np.arange(len(labels))
    log_p = _log_softmax(logits)
    probabilities = np.exp(log_p)
    onehot = np.eye(logits.shape[1])[labels]
    gradient = (probabilities - onehot) / n
    with np.errstate(all="ignore"):
        log_of_softmax = np.log(probabilities)
        clipped = np.log(np.clip(probabilities, 1e-7, 1 - 1e-7))
    log_hint = (
        "for a confidently wrong example softmax rounds to 0 for the true class, and log(0) "
        "is -inf (clipping only hides it): compute log(softmax) as shifted - "
        "log(sum(exp(shifted)))"
    )
    return [
        (
            "the gradient is n times too large: the cost is a mean over the batch",
            (None, n * gradient),
        ),
        ("the gradient has the wrong sign: it is a - y, not y - a", (None, -gradient)),
        (
            "the gradient is the probabilities a alone: subtract the one-hot target y",
            (None, probabilities / n),
        ),
        (
            "the cost is the sum over the batch; take the mean instead",
            (n * -log_p[rows, labels].mean(), None),
        ),
        (
            "log_p[:, labels] takes every example's column for every label; pick each example's "
            "own: log_p[np.arange(n), labels]",
            (-log_p[:, labels].mean(), None),
        ),
        (log_hint, (-log_of_softmax[rows, labels].mean(), None)),
        (log_hint, (-clipped[rows, labels].mean(), None)),
    ]


def _matches(value: Any, candidate: Any) -> bool:
    if candidate is None:
        return True
    try:
        value = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return False
    candidate = np.asarray(candidate, dtype=float)
    return value.shape == candidate.shape and bool(
        np.allclose(value, candidate, rtol=1e-6, atol=1e-9, equal_nan=True)
    )


def exercise_softmax_cross_entropy(softmax_cross_entropy: Callable) -> checks.Verdict:
    """Exercise 02.1: ``(cost, gradient)`` of the mean cross-entropy of softmax(logits)."""
    import keras
    import tensorflow as tf

    name = "softmax + cross-entropy: cost and gradient with respect to the logits"
    rng = np.random.default_rng(2)
    cases = [
        ("small logits", rng.normal(size=(5, 4)), rng.integers(0, 4, size=5)),
        ("10 classes", rng.normal(scale=3.0, size=(8, 10)), rng.integers(0, 10, size=8)),
        (
            "logits near +-1000",
            np.array([[1000.0, 0.0, -1000.0], [0.0, 999.0, 1000.0]]),
            np.array([0, 1]),
        ),
        (  # the true class far below the others: its softmax is 0.0 in float64
            "a confidently wrong example",
            np.array([[2.0, 0.5, -1.0], [-800.0, 0.0, 3.0], [0.0, 0.0, 0.0]]),
            np.array([0, 0, 2]),
        ),
    ]
    for case, logits, labels in cases:
        z = tf.constant(logits)
        with tf.GradientTape() as tape:
            tape.watch(z)
            loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, dtype="float64")
            cost = loss(labels, z)
        want_cost, want_gradient = float(cost), tape.gradient(cost, z).numpy()
        answer, problem = checks.attempt(softmax_cross_entropy, logits.copy(), labels.copy())
        if problem:
            return checks.verdict(name, problem)
        if not isinstance(answer, tuple | list) or len(answer) != 2:
            return checks.verdict(name, "return a pair (cost, gradient)")
        got_cost, got_gradient = answer
        where = f"for {case} (shape {logits.shape})"
        problem = checks.compare("the gradient", got_gradient, want_gradient, rtol=1e-6, atol=1e-9)
        if problem is None:
            problem = checks.compare("the cost", got_cost, want_cost, rtol=1e-6, atol=1e-9)
            if problem is None:
                continue
        mistakes = _cross_entropy_mistakes(logits, labels)
        hint = next(
            (
                hint
                for hint, (cost_, gradient_) in mistakes
                if (cost_ is not None or gradient_ is not None)
                and _matches(got_cost, cost_)
                and _matches(got_gradient, gradient_)
            ),
            None,
        )
        if hint is None and "inf or NaN" in problem:
            hint = (
                "Hint: subtract each row's maximum from the logits before np.exp, and compute "
                "log(softmax) as shifted - log(sum(exp(shifted)))"
            )
        return checks.verdict(name, f"{where}, {problem}" + (f". {hint}" if hint else ""))
    return checks.verdict(name, None)


def _reference_sgd_step(
    params: list[tuple[np.ndarray, np.ndarray]],
    x: np.ndarray,
    y: np.ndarray,
    learning_rate: float,
    hidden: Callable,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """TensorFlow's SGD step for a softmax/cross-entropy network; returns (new, gradients)."""
    import tensorflow as tf

    variables = [tf.Variable(array) for pair in params for array in pair]
    with tf.GradientTape() as tape:
        signal = tf.constant(x)
        for index in range(0, len(variables), 2):
            signal = signal @ variables[index] + variables[index + 1]
            if index < len(variables) - 2:
                signal = hidden(signal)
        cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(y, signal))
    gradients = [g.numpy() for g in tape.gradient(cost, variables)]
    arrays = [array for pair in params for array in pair]
    return [a - learning_rate * g for a, g in zip(arrays, gradients, strict=True)], gradients


def _numpy_relu_step(
    params: list[tuple[np.ndarray, np.ndarray]],
    x: np.ndarray,
    y: np.ndarray,
    learning_rate: float,
    relu_slope: bool = True,
    transpose: bool = True,
    bias_mean: bool = False,
) -> list[np.ndarray] | None:
    """One SGD step of a ReLU network in NumPy, with known mistakes switched on (or None)."""
    zs, activations = [], [x]
    for layer, (W, b) in enumerate(params):
        zs.append(activations[-1] @ W + b)
        if layer == len(params) - 1:
            shifted = np.exp(zs[-1] - zs[-1].max(axis=1, keepdims=True))
            activations.append(shifted / shifted.sum(axis=1, keepdims=True))
        else:
            activations.append(np.maximum(zs[-1], 0))
    delta, arrays = (activations[-1] - y) / len(y), []
    for layer in reversed(range(len(params))):
        bias_gradient = delta.mean(axis=0) if bias_mean else delta.sum(axis=0)
        W, b = params[layer]
        arrays[:0] = [
            W - learning_rate * activations[layer].T @ delta,
            b - learning_rate * bias_gradient,
        ]
        if layer > 0:
            if not transpose and W.shape[0] != W.shape[1]:
                return None
            delta = delta @ (W.T if transpose else W)
            delta = delta * (zs[layer - 1] > 0) if relu_slope else delta
    return arrays


def exercise_relu_sgd_step(relu_sgd_step: Callable) -> checks.Verdict:
    """Exercise 02.2: one SGD step of a ReLU network with softmax + cross-entropy output."""
    import tensorflow as tf

    name = "one SGD step of a ReLU network"
    rng = np.random.default_rng(3)
    # (3, 5, 5) first: its square output kernel lets BP2 with W instead of W.T run silently
    for sizes in [(3, 5, 5), (5, 8, 4), (6, 7, 5, 3)]:
        params = [
            (rng.normal(size=(n_in, n_out)) / np.sqrt(n_in), rng.normal(scale=0.1, size=n_out))
            for n_in, n_out in itertools.pairwise(sizes)
        ]
        x = rng.normal(size=(9, sizes[0]))
        y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], size=9)]
        learning_rate = 0.5
        want, gradients = _reference_sgd_step(params, x, y, learning_rate, tf.nn.relu)
        copies = [(W.copy(), b.copy()) for W, b in params]
        answer, problem = checks.attempt(relu_sgd_step, copies, x.copy(), y.copy(), learning_rate)
        if problem:
            if "mismatch" in problem or "not aligned" in problem:
                problem += ". Check the shapes in BP2: the error goes back through W.T"
            return checks.verdict(name, f"for layer sizes {sizes}, {problem}")
        try:
            got = [np.asarray(array, dtype=float) for pair in answer for array in pair]
        except (TypeError, ValueError):
            got = None
        shapes = [a.shape for a in want]
        if got is None or [a.shape for a in got] != shapes:
            return checks.verdict(
                name,
                f"for layer sizes {sizes} expected a list of (W, b) pairs with shapes {shapes}; "
                "return the updated params, e.g. update(params, gradients, learning_rate)",
            )
        if all(np.allclose(g, w, rtol=1e-6, atol=1e-9) for g, w in zip(got, want, strict=True)):
            continue
        arrays = [array for pair in params for array in pair]

        def matches(candidate: list[np.ndarray], answer: list[np.ndarray] = got) -> bool:
            pairs = zip(answer, candidate, strict=True)
            return all(np.allclose(g, c, rtol=1e-6, atol=1e-9) for g, c in pairs)

        sigmoid_step, _ = _reference_sgd_step(params, x, y, learning_rate, tf.sigmoid)
        stepped = [a - learning_rate * g for a, g in zip(arrays, gradients, strict=True)]
        variants = {
            "in BP2 multiply by ReLU's derivative, 1 where z > 0, else 0": {"relu_slope": False},
            "BP2 sends the error back through the transposed weights, delta @ W.T": {
                "transpose": False
            },
            "BP3 sums the errors over the batch: the 1/n is already in BP1": {"bias_mean": True},
        }
        if matches(arrays):
            problem = "the weights did not change: return the params after the update"
        elif matches(
            [
                old if i % 2 else new
                for i, (old, new) in enumerate(zip(arrays, stepped, strict=True))
            ]
        ):
            problem = "the biases did not change: BP3 gives their gradients, update them too"
        elif matches([a + learning_rate * g for a, g in zip(arrays, gradients, strict=True)]):
            problem = "the step goes uphill: subtract learning_rate * gradient"
        elif matches(
            [a - len(x) * learning_rate * g for a, g in zip(arrays, gradients, strict=True)]
        ):
            problem = "the step is n times too large: BP1 is (a - y) / n for a mean cost"
        elif matches(sigmoid_step):
            problem = "that is the step of a sigmoid network; the hidden layers here use ReLU"
        elif hint := next(
            (
                hint
                for hint, options in variants.items()
                if (variant := _numpy_relu_step(params, x, y, learning_rate, **options))
                and matches(variant)
            ),
            None,
        ):
            problem = hint
        else:
            wrong = next(
                i
                for i, (g, w) in enumerate(zip(got, want, strict=True))
                if not np.allclose(g, w, rtol=1e-6, atol=1e-9)
            )
            problem = (
                f"for layer sizes {sizes}, {('W', 'b')[wrong % 2]} of layer {wrong // 2 + 1} is off"
                ". Hint: BP1 is (a - y) / n; in BP2 ReLU's derivative is 1 where z > 0, else 0"
            )
        return checks.verdict(name, problem)
    return checks.verdict(name, None)


def exercise_critical_learning_rate(
    learning_rate: float, x: np.ndarray, y: np.ndarray
) -> checks.Verdict:
    """Exercise 02.3: the learning rate above which gradient descent no longer settles."""
    from scipy.optimize import minimize_scalar

    name = "the largest learning rate at which gradient descent still settles"
    value, problem = checks.number_answer(learning_rate)
    if problem:
        return checks.verdict(name, problem)
    if not value > 0:
        return checks.verdict(name, f"a learning rate is a positive number, got {value:g}")
    try:
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    except (TypeError, ValueError):
        x = y = np.zeros((0, 0))
    if x.ndim != 1 or x.shape != y.shape or x.size < 2 or not np.all(np.isfinite([x, y])):
        return checks.verdict(
            name, "pass the lesson's x_points and y_points, two 1-D arrays of finite numbers"
        )

    def sigmoid(z: np.ndarray) -> np.ndarray:
        return 1 / (1 + np.exp(-z))

    def cost(w: float) -> float:
        return float(np.sum((y - sigmoid(w * x)) ** 2) / (2 * len(x)))

    def slope(w: float) -> float:
        a = sigmoid(w * x)
        return float(np.sum((a - y) * a * (1 - a) * x) / len(x))

    grid = np.linspace(-20, 20, 4001)
    best = grid[np.argmin([cost(w) for w in grid])]
    w_min = minimize_scalar(cost, bounds=(best - 0.02, best + 0.02), method="bounded").x
    h = 1e-4
    curvature = (slope(w_min + h) - slope(w_min - h)) / (2 * h)
    critical = 2 / curvature
    if math.isclose(value, critical, rel_tol=0.02):
        return checks.verdict(name, None)
    if math.isclose(value, critical / 2, rel_tol=0.05):
        problem = (
            f"at {value:.4g} one step lands (almost) exactly on the bottom, but larger rates "
            "still settle: they overshoot and zig-zag in"
        )
    elif value < critical:
        problem = (
            f"gradient descent still settles at learning rate {value:.4g}; the limit is higher. "
            "Near the limit it converges slowly: run a few thousand steps"
        )
    else:
        problem = f"at learning rate {value:.4g} gradient descent no longer settles; go lower"
    return checks.verdict(name, problem)


# ------------------------------------------------------------ widgets

XOR_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_TARGETS = np.array([0.0, 1.0, 1.0, 0.0])
BACKPROP_STAGES = (
    "forward 1: the input",
    "forward 2: the hidden layer",
    "forward 3: the output and the cost",
    "backward 1 (BP1): the output error",
    "backward 2 (BP3, BP4): output-layer gradients",
    "backward 3 (BP2): the hidden error",
    "backward 4 (BP3, BP4): hidden-layer gradients",
    "SGD step: new weights and biases",
)
_XOR_SHAPES = ((2, 2), (2,), (2, 1), (1,))
_XOR_RESULT_KEYS = (
    "stage",
    "x",
    "y",
    "z1",
    "a1",
    "z2",
    "a2",
    "cost",
    "delta1",
    "delta2",
    "dW1",
    "db1",
    "dW2",
    "db2",
    "W1_new",
    "b1_new",
    "W2_new",
    "b2_new",
    "a2_new",
    "cost_new",
    "learning_rate",
)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def _xor_params(params: Sequence[Sequence[np.ndarray]]) -> list[np.ndarray]:
    """Validate [(W1, b1), (W2, b2)] of a 2-2-1 network; return [W1, b1, W2, b2] as floats."""
    try:
        if any(a is None for pair in params for a in pair):
            raise TypeError("None among the weights")
        arrays = [np.asarray(a, dtype=float) for pair in params for a in pair]
    except (TypeError, ValueError) as error:
        raise ValueError(
            "expected the weights of a 2-2-1 network as [(W1, b1), (W2, b2)] of numbers"
        ) from error
    shapes = tuple(a.shape for a in arrays)
    if shapes != _XOR_SHAPES:
        raise ValueError(
            "expected the weights of a 2-2-1 network as [(W1, b1), (W2, b2)] with shapes "
            f"{list(_XOR_SHAPES)} (Keras layout: a layer computes a @ W + b), got {list(shapes)}"
        )
    if not all(np.all(np.isfinite(a)) for a in arrays):
        raise ValueError(
            "the weights of the 2-2-1 network contain NaN or inf: pass finite weights "
            "(a training run that diverged gives NaN)"
        )
    return arrays


def _learning_rate(value: Any) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not math.isfinite(value)
        or value <= 0
    ):
        raise ValueError(f"learning_rate must be a positive number, got {value!r}")
    return float(value)


def xor_backprop(
    params: Sequence[Sequence[np.ndarray]], example: int, learning_rate: float
) -> dict[str, Any]:
    """Every forward and backward quantity of a 2-2-1 sigmoid network on one XOR example.

    ``params`` is ``[(W1, b1), (W2, b2)]``, shapes (2, 2), (2,), (2, 1), (1,), in Keras's
    layout (a layer computes ``sigmoid(a @ W + b)``). ``example`` (0..3) picks a row of
    ``XOR_INPUTS``; the cost is ``C = (y - a2)**2 / 2``. Returns the forward pass (``x``, ``y``,
    ``z1``, ``a1``, ``z2``, ``a2``, ``cost``), the four equations (``delta2`` BP1, ``db2`` and
    ``dW2`` BP3-BP4, ``delta1`` BP2, ``db1`` and ``dW1``) and one SGD step with
    ``learning_rate`` (``W1_new``, ``b1_new``, ``W2_new``, ``b2_new``, ``a2_new``, ``cost_new``).
    """
    W1, b1, W2, b2 = _xor_params(params)
    learning_rate = _learning_rate(learning_rate)
    if isinstance(example, bool) or not isinstance(example, int | np.integer):
        raise ValueError(f"example must be 0, 1, 2 or 3 (a row of XOR_INPUTS), got {example!r}")
    if not 0 <= example < 4:
        raise ValueError(f"example must be 0, 1, 2 or 3 (a row of XOR_INPUTS), got {example!r}")
    x, y = XOR_INPUTS[example], XOR_TARGETS[example]
    z1 = x @ W1 + b1
    a1 = _sigmoid(z1)
    z2 = a1 @ W2 + b2
    a2 = _sigmoid(z2)
    delta2 = (a2 - y) * a2 * (1 - a2)  # BP1
    delta1 = (delta2 @ W2.T) * a1 * (1 - a1)  # BP2
    gradients = {"dW1": np.outer(x, delta1), "db1": delta1}  # BP4, BP3
    gradients |= {"dW2": np.outer(a1, delta2), "db2": delta2}
    new = {
        f"{name}_new": value - learning_rate * gradients[f"d{name}"]
        for name, value in {"W1": W1, "b1": b1, "W2": W2, "b2": b2}.items()
    }
    a2_new = _sigmoid(_sigmoid(x @ new["W1_new"] + new["b1_new"]) @ new["W2_new"] + new["b2_new"])
    return {
        "x": x,
        "y": y,
        "W1": W1,
        "b1": b1,
        "W2": W2,
        "b2": b2,
        "z1": z1,
        "a1": a1,
        "z2": z2,
        "a2": a2,
        "cost": float((y - a2[0]) ** 2 / 2),
        "delta2": delta2,
        "delta1": delta1,
        **gradients,
        **new,
        "a2_new": a2_new,
        "cost_new": float((y - a2_new[0]) ** 2 / 2),
        "learning_rate": learning_rate,
    }


def _backprop_text(r: Mapping[str, Any], stage: int) -> list[str]:
    """The formula of one stage with its numbers, as lines of matplotlib text."""

    def v(values: np.ndarray) -> str:
        return "(" + ", ".join(f"{value:+.4g}" for value in np.ravel(values)) + ")"

    lines = {
        0: [f"input x = ({r['x'][0]:g}, {r['x'][1]:g})", f"target y = {r['y']:g}"],
        1: [
            r"$z^{(1)} = x\,W^{(1)} + b^{(1)}$",
            f"    = {v(r['z1'])}",
            r"$a^{(1)} = \sigma(z^{(1)})$",
            f"    = {v(r['a1'])}",
        ],
        2: [
            r"$z^{(2)} = a^{(1)}W^{(2)} + b^{(2)}$" + f" = {r['z2'][0]:+.4f}",
            r"$a^{(2)} = \sigma(z^{(2)})$" + f" = {r['a2'][0]:.4f}",
            r"$C = \frac{1}{2}(y - a^{(2)})^2$" + f" = {r['cost']:.4g}",
        ],
        3: [
            r"$\delta^{(2)} = (a^{(2)} - y)\,\sigma'(z^{(2)})$",
            f"    = ({r['a2'][0]:.4f} - {r['y']:g}) x {r['a2'][0] * (1 - r['a2'][0]):.4f}",
            f"    = {r['delta2'][0]:+.4g}",
        ],
        4: [
            r"$\partial C/\partial b^{(2)} = \delta^{(2)}$" + f" = {r['db2'][0]:+.4g}",
            r"$\partial C/\partial W^{(2)} = (a^{(1)})^T \delta^{(2)}$",
            f"    = {v(r['dW2'])}",
        ],
        5: [
            r"$\delta^{(1)} = (\delta^{(2)} (W^{(2)})^T) \odot \sigma'(z^{(1)})$",
            f"    = {v(r['delta1'])}",
        ],
        6: [
            r"$\partial C/\partial b^{(1)} = \delta^{(1)}$" + f" = {v(r['db1'])}",
            r"$\partial C/\partial W^{(1)} = x^T \delta^{(1)}$:",
            f"    from x1: {v(r['dW1'][0])}",
            f"    from x2: {v(r['dW1'][1])}",
        ],
        7: [
            r"$W \leftarrow W - \eta\,\partial C/\partial W$,  "
            r"$b \leftarrow b - \eta\,\partial C/\partial b$",
            f"    with learning rate {r['learning_rate']:g}",
            f"output {r['a2'][0]:.4f} -> {r['a2_new'][0]:.4f}",
            f"cost {r['cost']:.4g} -> {r['cost_new']:.4g}",
        ],
    }
    return lines[stage]


def draw_backprop_step(result: Mapping[str, Any]) -> Figure:
    """Draw a 2-2-1 network with what :func:`xor_backprop` computed up to ``result["stage"]``.

    Forward values are black, errors and gradients red, the current stage orange.
    """
    if not isinstance(result, Mapping) or any(key not in result for key in _XOR_RESULT_KEYS):
        raise ValueError(
            "draw_backprop_step expects the dict that xor_backprop returns, plus its 'stage' "
            f"(0..{len(BACKPROP_STAGES) - 1}), got {type(result).__name__}"
        )
    stage = result["stage"]
    if isinstance(stage, bool) or not isinstance(stage, int | np.integer):
        raise ValueError(
            f"stage must be a whole number 0..{len(BACKPROP_STAGES) - 1}, got {stage!r}"
        )
    if not 0 <= stage < len(BACKPROP_STAGES):
        raise ValueError(f"stage must be 0..{len(BACKPROP_STAGES) - 1}, got {stage}")
    numbers_shown = [np.asarray(result[key], dtype=float) for key in _XOR_RESULT_KEYS[1:]]
    if not all(np.all(np.isfinite(values)) for values in numbers_shown):
        raise ValueError("draw_backprop_step got NaN or inf: recompute it with xor_backprop")
    r, stage = result, int(stage)
    fig = Figure(figsize=(12, 4.4))  # a fixed layout: a third faster per click than constrained
    fig.subplots_adjust(left=0.01, right=0.99, top=0.9, bottom=0.02, wspace=0.05)
    ax_net, ax_text = fig.subplots(1, 2, width_ratios=[1.9, 1])
    inputs, hidden, output = [(0, 0.9), (0, -0.9)], [(2.6, 0.9), (2.6, -0.9)], (5.0, 0.0)
    now, red = "C1", "C3"

    def value(name, index):  # a weight or bias; after the SGD step "old -> new"
        if stage < 7:
            return f"{r[name][index]:+.2f}"
        return f"{r[name][index]:.2f} → {r[name + '_new'][index]:.2f}"

    def edge(start, end, weight, gradient, fraction, active):
        ax_net.plot(
            [start[0], end[0]],
            [start[1], end[1]],
            color=now if active else "0.6",
            lw=2.5 if active else 1.2,
            zorder=1,
        )
        px = start[0] + fraction * (end[0] - start[0])
        py = start[1] + fraction * (end[1] - start[1])
        label = f"w={weight}" + ("" if gradient is None else f"\n∂C/∂w={gradient:+.3g}")
        ax_net.text(
            px,
            py,
            label,
            ha="center",
            va="center",
            fontsize=8,
            zorder=3,
            color="black" if gradient is None else red,
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.9},
        )

    for k, start in enumerate(inputs):
        for j, end in enumerate(hidden):
            edge(
                start,
                end,
                value("W1", (k, j)),
                r["dW1"][k, j] if stage >= 6 else None,
                0.3,
                stage == 6,
            )
    for j, start in enumerate(hidden):
        edge(
            start,
            output,
            value("W2", (j, 0)),
            r["dW2"][j, 0] if stage >= 4 else None,
            0.5,
            stage == 4,
        )

    def node(center, name, value, below, active):
        ax_net.add_patch(
            Circle(
                center,
                0.3,
                fc="#fff3e0" if active else "white",
                ec=now if active else "black",
                lw=2.5 if active else 1.2,
                zorder=2,
            )
        )
        ax_net.text(center[0], center[1] + 0.38, name, ha="center", va="bottom", fontsize=10)
        if value is not None:
            ax_net.text(*center, f"{value:.3f}", ha="center", va="center", fontsize=9, zorder=3)
        for offset, (text, color) in enumerate(below):
            ax_net.text(
                center[0],
                center[1] - 0.38 - 0.2 * offset,
                text,
                ha="center",
                va="top",
                fontsize=8,
                color=color,
            )

    for k, center in enumerate(inputs):
        node(center, f"input x{k + 1}", r["x"][k], [], stage == 0)
    for j, center in enumerate(hidden):
        below = [(f"b={value('b1', j)}", "black")]
        below += [(f"z={r['z1'][j]:+.3f}", "black")] if stage >= 1 else []
        below += [(f"δ={r['delta1'][j]:+.3g}", red)] if stage >= 5 else []
        node(center, f"hidden h{j + 1}", r["a1"][j] if stage >= 1 else None, below, stage in (1, 5))
    below = [(f"b={value('b2', 0)}", "black")]
    below += (
        [(f"z={r['z2'][0]:+.3f}", "black"), (f"C={r['cost']:.4f}", "black")] if stage >= 2 else []
    )
    below += [(f"δ={r['delta2'][0]:+.3g}", red)] if stage >= 3 else []
    node(
        output,
        f"output (target {r['y']:g})",
        r["a2"][0] if stage >= 2 else None,
        below,
        stage in (2, 3),
    )
    ax_net.set(xlim=(-0.5, 5.6), ylim=(-1.9, 1.75), aspect="equal")
    ax_net.axis("off")
    ax_text.axis("off")
    fig.suptitle(
        f"step {stage} of {len(BACKPROP_STAGES) - 1}: {BACKPROP_STAGES[stage]}"
        + (": old → new" if stage == 7 else "")
    )
    for row, line in enumerate(_backprop_text(r, stage)):
        ax_text.text(
            0.0, 0.92 - 0.12 * row, line, fontsize=10, transform=ax_text.transAxes, va="top"
        )
    return fig


def backprop_stepper(
    snapshots: Mapping[str, Sequence[Sequence[np.ndarray]]], learning_rate: float
) -> LiveFigure:
    """Step through the forward and backward pass of a 2-2-1 XOR network, one click at a time.

    ``snapshots`` maps a label ("untrained", "after 2000 steps") to the network's weights
    ``[(W1, b1), (W2, b2)]``; ``learning_rate`` is used for the final SGD step. Controls: the
    weights, the XOR example and the ``stage`` (0..7, see ``BACKPROP_STAGES``); the "next"
    button moves to the next stage (after the last, back to the first).
    """
    if not isinstance(snapshots, Mapping) or not snapshots:
        raise ValueError(
            "backprop_stepper expects a dict {label: [(W1, b1), (W2, b2)]} with at least one entry"
        )
    snapshots = {str(label): _xor_params(params) for label, params in snapshots.items()}
    learning_rate = _learning_rate(learning_rate)
    examples = [
        (f"x = ({a:g}, {b:g}), y = {y:g}", i)
        for i, ((a, b), y) in enumerate(zip(XOR_INPUTS, XOR_TARGETS, strict=True))
    ]
    last = len(BACKPROP_STAGES) - 1
    controls = {
        "weights": widgets.Dropdown(options=list(snapshots), description="weights"),
        "example": widgets.Dropdown(options=examples, value=1, description="example"),
        "stage": widgets.IntSlider(value=0, min=0, max=last, description="step"),
    }

    def compute(weights: str, example: int, stage: int) -> dict:
        W1, b1, W2, b2 = snapshots[weights]
        return {**xor_backprop([(W1, b1), (W2, b2)], example, learning_rate), "stage": stage}

    def next_stage(live: LiveFigure) -> None:
        stage = live.controls["stage"]
        stage.value = 0 if stage.value == last else stage.value + 1

    return LiveFigure(controls, compute, draw_backprop_step, buttons={"next ▶": next_stage})
