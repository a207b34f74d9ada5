"""Lesson 01 helpers: the activation explorer (driven headlessly) and the exercise checks."""

import io
import math

import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers.lessons import activations as lesson


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


ACTIVATIONS = {
    "sigmoid": (sigmoid, lambda z: sigmoid(z) * (1 - sigmoid(z))),
    "relu": (lambda z: np.maximum(z, 0), lambda z: (z > 0).astype(float)),
    "identity": (lambda z: z, np.ones_like),
}


def test_neuron_response_numbers():
    x = np.linspace(-6, 6, 1201)
    result = lesson.neuron_response(*ACTIVATIONS["sigmoid"], weight=1.0, bias=0.0, x=x)
    assert result["output"][600] == pytest.approx(0.5)
    assert result["slope"].max() == pytest.approx(0.25)
    # sigmoid'(z) < 0.01 for |z| > 4.5951: (6 - 4.5951) * 2 / 12 of the range
    assert result["vanishing_fraction"] == pytest.approx(2 * (6 - 4.5951) / 12, abs=0.01)
    with pytest.raises(ValueError, match=r"shape \(n,\)"):
        lesson.neuron_response(*ACTIVATIONS["sigmoid"], 1.0, 0.0, np.zeros((2, 2)))


def test_activation_explorer_responds_to_its_controls():
    explorer = lesson.activation_explorer(ACTIVATIONS)
    assert explorer.result["name"] == "sigmoid"
    gentle = explorer.result["vanishing_fraction"]
    explorer.controls["weight"].value = 5.0
    steep = explorer.result["vanishing_fraction"]
    assert steep > 0.8 > 0.3 > gentle  # a large weight saturates the sigmoid almost everywhere

    explorer.controls["activation"].value = "relu"
    explorer.controls["weight"].value = 1.0
    assert explorer.result["vanishing_fraction"] == pytest.approx(0.5, abs=0.01)
    explorer.controls["bias"].value = 3.0  # shifts the dead zone to x < -3
    assert explorer.result["vanishing_fraction"] == pytest.approx(0.25, abs=0.01)

    explorer.controls["activation"].value = "identity"
    assert explorer.result["vanishing_fraction"] == 0.0
    assert explorer.figure is not None and len(explorer.figure.axes) == 2


def test_activation_explorer_legend_leaves_the_curves_uncovered():
    explorer = lesson.activation_explorer(ACTIVATIONS)
    for weight in (-5.0, -1.0, 1.0, 5.0):
        explorer.controls["weight"].value = weight
        figure = explorer.figure
        figure.savefig(io.BytesIO(), format="png")  # lays the figure out, as Jupyter does
        ax = figure.axes[1]
        legend_box = ax.get_legend().get_window_extent()
        axes_box = ax.get_window_extent()
        assert legend_box.y1 <= axes_box.y0  # the legend sits below the axes, not on a curve


# ------------------------------------------------------------------ bad input

NAN_X = np.array([0.0, np.nan, 1.0])
GOOD = ACTIVATIONS["sigmoid"]
GOOD_RESULT = lesson.neuron_response(*GOOD, 1.0, 0.0, np.linspace(-1, 1, 5))


def not_vectorized(z):  # the classic: math.* handles one number at a time
    return math.exp(z)


def with_an_if(z):
    return z if z > 0 else 0.0


BAD_INPUT = {
    "neuron_response: x None": (lambda: lesson.neuron_response(*GOOD, 1.0, 0.0, None), "x"),
    "neuron_response: x NaN": (lambda: lesson.neuron_response(*GOOD, 1.0, 0.0, NAN_X), "finite"),
    "neuron_response: x inf": (
        lambda: lesson.neuron_response(*GOOD, 1.0, 0.0, np.array([np.inf, 0.0])),
        "finite",
    ),
    "neuron_response: x empty": (
        lambda: lesson.neuron_response(*GOOD, 1.0, 0.0, np.array([])),
        r"shape \(n,\)",
    ),
    "neuron_response: x 2-D": (
        lambda: lesson.neuron_response(*GOOD, 1.0, 0.0, np.zeros((2, 2))),
        r"shape \(n,\)",
    ),
    "neuron_response: x text": (
        lambda: lesson.neuron_response(*GOOD, 1.0, 0.0, np.array(["a", "b"])),
        "array of numbers",
    ),
    "neuron_response: weight None": (
        lambda: lesson.neuron_response(*GOOD, None, 0.0, np.zeros(3)),
        "weight",
    ),
    "neuron_response: weight NaN": (
        lambda: lesson.neuron_response(*GOOD, np.nan, 0.0, np.zeros(3)),
        "weight",
    ),
    "neuron_response: bias inf": (
        lambda: lesson.neuron_response(*GOOD, 1.0, np.inf, np.zeros(3)),
        "bias",
    ),
    "neuron_response: bias text": (
        lambda: lesson.neuron_response(*GOOD, 1.0, "0", np.zeros(3)),
        "bias",
    ),
    "neuron_response: math.exp": (
        lambda: lesson.neuron_response(not_vectorized, GOOD[1], 1.0, 0.0, np.zeros(3)),
        "vectorized",
    ),
    "neuron_response: an if": (
        lambda: lesson.neuron_response(GOOD[0], with_an_if, 1.0, 0.0, np.zeros(3)),
        "vectorized",
    ),
    "neuron_response: a scalar derivative": (
        lambda: lesson.neuron_response(GOOD[0], lambda z: 0.25, 1.0, 0.0, np.zeros(3)),
        "vectorized",
    ),
    "neuron_response: a NaN derivative": (
        lambda: lesson.neuron_response(GOOD[0], lambda z: z * np.nan, 1.0, 0.0, np.zeros(3)),
        "NaN",
    ),
    "neuron_response: not a function": (
        lambda: lesson.neuron_response(None, GOOD[1], 1.0, 0.0, np.zeros(3)),
        "function",
    ),
    "draw_neuron_response: None": (lambda: lesson.draw_neuron_response(None), "neuron_response"),
    "draw_neuron_response: empty": (lambda: lesson.draw_neuron_response({}), "neuron_response"),
    "draw_neuron_response: NaN": (
        lambda: lesson.draw_neuron_response({**GOOD_RESULT, "output": GOOD_RESULT["x"] * np.nan}),
        "NaN",
    ),
    "draw_neuron_response: wrong shape": (
        lambda: lesson.draw_neuron_response({**GOOD_RESULT, "slope": np.zeros(2)}),
        "one shape",
    ),
    "draw_neuron_response: a foreign figure": (
        lambda: lesson.draw_neuron_response(GOOD_RESULT, "g", Figure()),
        "drew itself",
    ),
    "draw_neuron_response: name None": (
        lambda: lesson.draw_neuron_response(GOOD_RESULT, None),
        "name",
    ),
    "activation_explorer: None": (lambda: lesson.activation_explorer(None), "dict"),
    "activation_explorer: empty": (lambda: lesson.activation_explorer({}), "dict"),
    "activation_explorer: not a pair": (
        lambda: lesson.activation_explorer({"sigmoid": sigmoid}),
        "pair",
    ),
    "activation_explorer: math.exp": (
        lambda: lesson.activation_explorer({"exp": (not_vectorized, not_vectorized)}),
        "vectorized",
    ),
    "activation_explorer: x_range NaN": (
        lambda: lesson.activation_explorer(ACTIVATIONS, x_range=(np.nan, 1.0)),
        "x_range",
    ),
    "activation_explorer: x_range reversed": (
        lambda: lesson.activation_explorer(ACTIVATIONS, x_range=(1.0, -1.0)),
        "low < high",
    ),
    "activation_explorer: x_range None": (
        lambda: lesson.activation_explorer(ACTIVATIONS, x_range=None),
        "x_range",
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_input_gets_a_value_error_that_names_the_fix(case):
    call, message = BAD_INPUT[case]
    with pytest.raises(ValueError, match=message):
        call()


# ------------------------------------------------------------------ exercise checks


def unfinished(*args):
    raise NotImplementedError


def leaky(x, alpha):
    return np.where(x > 0, x, alpha * x)


def leaky_derivative(x, alpha):
    return np.where(x > 0, 1.0, alpha)


@pytest.mark.parametrize(
    ("function", "derivative", "hint"),
    [
        (lambda x, a: np.maximum(x, 0), leaky_derivative, "that is ReLU"),
        (lambda x, a: np.where(x > 0, a * x, x), leaky_derivative, "swapped"),
        (lambda x, a: leaky(x, 0.2), leaky_derivative, "ignores its alpha"),
        (lambda x, a: x if x > 0 else a * x, leaky_derivative, "vectorized"),
        (lambda x, a: None, leaky_derivative, "return"),
        (leaky, lambda x, a: np.where(x > 0, 1.0, 0.0), "ReLU's derivative"),
        (leaky, lambda x, a: np.where(x >= 0, 1.0, a), "x = 0"),
        (leaky, lambda x, a: np.where(x > 0, 1.0, a * x), "not alpha * x"),
        (leaky, leaky, "the function itself"),
        (leaky, lambda x, a: np.where(x > 0, 1.0, 0.01), "ignores its alpha"),
        (leaky, lambda x, a: 1.0 if x > 0 else a, "vectorized"),
        (unfinished, unfinished, "NotImplementedError"),
    ],
)
def test_exercise_leaky_relu_rejects_mistakes(capsys, function, derivative, hint):
    assert not lesson.exercise_leaky_relu(function, derivative)
    assert hint in capsys.readouterr().out


def test_exercise_leaky_relu_passes_the_solution(capsys):
    assert lesson.exercise_leaky_relu(leaky, leaky_derivative)
    assert "PASS" in capsys.readouterr().out
    # np.maximum(x, alpha * x) is right for 0 <= alpha <= 1, all the check uses
    assert lesson.exercise_leaky_relu(lambda x, a: np.maximum(x, a * x), leaky_derivative)


def stable(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def naive(z):
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def batch_max(z):  # the maximum of the whole batch: wrong for rows far apart
    e = np.exp(z - z.max())
    return e / e.sum(axis=-1, keepdims=True)


def row_max_without_keepdims(z):  # broadcasts along the wrong axis on a square batch
    e = np.exp(z - z.max(axis=-1))
    return e / e.sum(axis=-1, keepdims=True)


def minimum_subtracted(z):
    e = np.exp(z - z.min(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def columns(z):  # softmax down axis 0: right for a single vector, wrong for a batch
    e = np.exp(z - z.max(axis=0))
    return e / e.sum(axis=0)


def whole_batch_sum(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum()


@pytest.mark.parametrize(
    ("softmax", "hint"),
    [
        (naive, "overflowed"),
        (batch_max, "whole batch; each row needs its own"),
        (row_max_without_keepdims, "keepdims"),
        (minimum_subtracted, "not the minimum"),
        (columns, "last axis"),
        (whole_batch_sum, "its own sum"),
        (unfinished, "NotImplementedError"),
    ],
)
def test_exercise_stable_softmax_rejects_mistakes(capsys, softmax, hint):
    with np.errstate(all="ignore"):
        assert not lesson.exercise_stable_softmax(softmax)
    assert hint in capsys.readouterr().out


def test_exercise_stable_softmax_passes_the_solution(capsys):
    assert lesson.exercise_stable_softmax(stable)
    assert "PASS" in capsys.readouterr().out


def collapse(layers):
    kernel, bias = layers[0]
    for next_kernel, next_bias in layers[1:]:
        kernel, bias = kernel @ next_kernel, bias @ next_kernel + next_bias
    return kernel, bias


def biases_summed(layers):
    kernel = collapse(layers)[0]
    return kernel, sum(b for _, b in layers)


def last_bias_only(layers):
    return collapse(layers)[0], layers[-1][1]


def reversed_order(layers):
    kernel = layers[-1][0]
    for previous_kernel, _ in reversed(layers[:-1]):
        kernel = kernel @ previous_kernel
    return kernel, collapse(layers)[1]


def forgets_last_bias(layers):
    kernel, bias = collapse(layers)
    return kernel, bias - layers[-1][1]


def three_layers_only(layers):  # hard-coded for the example in the text
    (w1, b1), (w2, b2), (w3, b3) = layers
    return w1 @ w2 @ w3, (b1 @ w2 + b2) @ w3 + b3


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (biases_summed, "feed each layer's bias"),
        (last_bias_only, "feed each layer's bias"),
        (forgets_last_bias, "last layer's bias is missing"),
        (reversed_order, "layer order"),
        (three_layers_only, "ValueError"),
        (lambda layers: layers[0], "expected W of shape"),
        (lambda layers: collapse(layers)[0], "pair"),
        (unfinished, "NotImplementedError"),
    ],
)
def test_exercise_collapse_linear_stack_rejects_mistakes(capsys, answer, hint):
    assert not lesson.exercise_collapse_linear_stack(answer)
    assert hint in capsys.readouterr().out


def test_exercise_collapse_linear_stack_passes_the_solution(capsys):
    assert lesson.exercise_collapse_linear_stack(collapse)
    assert "PASS" in capsys.readouterr().out
