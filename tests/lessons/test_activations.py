"""Lesson 01 helpers: the activation explorer (driven headlessly) and the exercise checks."""

import numpy as np
import pytest

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


def test_activation_explorer_rejects_bad_input():
    with pytest.raises(ValueError, match="pair"):
        lesson.activation_explorer({"sigmoid": sigmoid})
    with pytest.raises(ValueError, match="dict"):
        lesson.activation_explorer({})


def test_neuron_response_rejects_a_scalar_derivative():
    with pytest.raises(ValueError, match="vectorized"):
        lesson.neuron_response(sigmoid, lambda z: 0.25, 1.0, 0.0, np.linspace(-1, 1, 5))


def unfinished(*args):
    raise NotImplementedError


def test_exercise_leaky_relu(capsys):
    def leaky(x, alpha):
        return np.where(x > 0, x, alpha * x)

    def leaky_derivative(x, alpha):
        return np.where(x > 0, 1.0, alpha)

    assert lesson.exercise_leaky_relu(leaky, leaky_derivative)
    assert "PASS" in capsys.readouterr().out
    assert not lesson.exercise_leaky_relu(unfinished, unfinished)
    assert "NotImplementedError" in capsys.readouterr().out
    assert not lesson.exercise_leaky_relu(lambda x, a: np.maximum(x, 0), leaky_derivative)
    assert not lesson.exercise_leaky_relu(leaky, lambda x, a: np.where(x > 0, 1.0, 0.0))
    assert not lesson.exercise_leaky_relu(lambda x, a: None, leaky_derivative)
    assert "return" in capsys.readouterr().out


def test_exercise_stable_softmax(capsys):
    def stable(z):
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    def naive(z):
        e = np.exp(z)
        return e / e.sum(axis=-1, keepdims=True)

    def flat_max(z):  # subtracts the global max: wrong for rows far apart
        e = np.exp(z - z.max())
        return e / e.sum(axis=-1, keepdims=True)

    with np.errstate(all="ignore"):
        assert lesson.exercise_stable_softmax(stable)
        assert not lesson.exercise_stable_softmax(naive)
        assert "max" in capsys.readouterr().out
        assert not lesson.exercise_stable_softmax(flat_max)
        assert not lesson.exercise_stable_softmax(unfinished)


def test_exercise_collapse_linear_stack():
    def collapse(layers):
        kernel, bias = layers[0]
        for next_kernel, next_bias in layers[1:]:
            kernel, bias = kernel @ next_kernel, bias @ next_kernel + next_bias
        return kernel, bias

    def forgets_bias_propagation(layers):
        kernel = layers[0][0]
        for next_kernel, _ in layers[1:]:
            kernel = kernel @ next_kernel
        return kernel, sum(b for _, b in layers[-1:])

    assert lesson.exercise_collapse_linear_stack(collapse)
    assert not lesson.exercise_collapse_linear_stack(forgets_bias_propagation)
    assert not lesson.exercise_collapse_linear_stack(lambda layers: layers[0])
    assert not lesson.exercise_collapse_linear_stack(unfinished)


def test_exercise_vanishing_bound(capsys):
    assert lesson.exercise_vanishing_bound(0.25**10)
    assert not lesson.exercise_vanishing_bound(None)
    assert not lesson.exercise_vanishing_bound(0.25)
    assert "multiply" in capsys.readouterr().out
    assert not lesson.exercise_vanishing_bound("small")
    assert not lesson.exercise_vanishing_bound(1e-3)
