"""helpers.widgets: driven headlessly by setting control values and reading the result."""

import numpy as np
import pytest

from helpers import widgets


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


ACTIVATIONS = {
    "sigmoid": (sigmoid, lambda z: sigmoid(z) * (1 - sigmoid(z))),
    "relu": (lambda z: np.maximum(z, 0), lambda z: (z > 0).astype(float)),
    "identity": (lambda z: z, np.ones_like),
}


def test_neuron_response_numbers():
    x = np.linspace(-6, 6, 1201)
    result = widgets.neuron_response(*ACTIVATIONS["sigmoid"], weight=1.0, bias=0.0, x=x)
    assert result["output"][600] == pytest.approx(0.5)
    assert result["slope"].max() == pytest.approx(0.25)
    # sigmoid'(z) < 0.01 for |z| > 4.5951: (6 - 4.5951) * 2 / 12 of the range
    assert result["vanishing_fraction"] == pytest.approx(2 * (6 - 4.5951) / 12, abs=0.01)
    with pytest.raises(ValueError, match=r"shape \(n,\)"):
        widgets.neuron_response(*ACTIVATIONS["sigmoid"], 1.0, 0.0, np.zeros((2, 2)))


def test_activation_explorer_responds_to_its_controls():
    explorer = widgets.activation_explorer(ACTIVATIONS)
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
        widgets.activation_explorer({"sigmoid": sigmoid})
    with pytest.raises(ValueError, match="dict"):
        widgets.activation_explorer({})


def test_neuron_response_rejects_a_scalar_derivative():
    with pytest.raises(ValueError, match="vectorized"):
        widgets.neuron_response(sigmoid, lambda z: 0.25, 1.0, 0.0, np.linspace(-1, 1, 5))
