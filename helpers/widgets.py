"""Interactive explorations: thin ipywidgets wrappers over pure functions.

Each builder returns a :class:`LiveFigure`: controls above a figure that is recomputed and
redrawn whenever a control changes. The numbers behind the latest drawing are in ``.result``
and the figure in ``.figure``, so tests drive a widget headlessly by setting
``widget.controls["weight"].value = 3.0`` and asserting on ``widget.result``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
from IPython.display import display
from matplotlib.figure import Figure


class LiveFigure(widgets.VBox):
    """Controls on top, a matplotlib figure below, redrawn on every change.

    ``compute(**values)`` gets the current value of every control (by name) and returns the
    numbers to show; ``draw(result)`` turns them into a Figure. Both are plain functions.
    """

    def __init__(
        self,
        controls: Mapping[str, widgets.ValueWidget],
        compute: Callable[..., Any],
        draw: Callable[[Any], Figure],
    ) -> None:
        self.controls = dict(controls)
        self.output = widgets.Output()
        self.result: Any = None
        self.figure: Figure | None = None
        self._compute = compute
        self._draw = draw
        row = widgets.HBox(
            list(self.controls.values()), layout=widgets.Layout(flex_flow="row wrap")
        )
        super().__init__([row, self.output])
        for control in self.controls.values():
            control.observe(self.update, names="value")
        self.update()

    def update(self, change: Any = None) -> None:
        """Recompute and redraw from the controls' current values."""
        values = {name: control.value for name, control in self.controls.items()}
        self.result = self._compute(**values)
        self.figure = self._draw(self.result)
        with self.output:
            self.output.clear_output(wait=True)
            display(self.figure)


# ---------------------------------------------------------------- 01: activation functions

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

    ``activations`` maps a name to ``(g, g_derivative)``, both vectorised NumPy functions.
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


# ------------------------------------------------------------ 00: what deep learning is, tensors
# (lesson 00 widgets go here)


# ------------------------------------------------------------ 02: a network from scratch
# (lesson 02 widgets go here)


# ------------------------------------------------------------ 03: MNIST multilayer perceptrons
# (lesson 03 widgets go here)


# ------------------------------------------------------------ 04: the 4-pixel camera
# (lesson 04 widgets go here)

FOUR_PIXEL_ACTIVATIONS = ("tanh", "tanh", "relu", "softmax")
_PIXEL_NAMES = ("top_left", "top_right", "bottom_left", "bottom_right")


def _activate(name: str, z: np.ndarray) -> np.ndarray:
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "softmax":
        exponentials = np.exp(z - z.max(axis=-1, keepdims=True))
        return exponentials / exponentials.sum(axis=-1, keepdims=True)
    if name == "linear":
        return z
    raise ValueError(f"unknown activation {name!r}; use 'tanh', 'relu', 'softmax' or 'linear'")


def dense_forward(
    weights: Sequence[Sequence[np.ndarray]],
    images: np.ndarray,
    activations: Sequence[str] = FOUR_PIXEL_ACTIVATIONS,
) -> list[np.ndarray]:
    """Run a stack of ``Dense`` layers in NumPy and return every layer's output.

    ``weights``: one ``(kernel, bias)`` pair per layer, as ``layer.get_weights()`` gives them
    (a layer computes ``activation(x @ kernel + bias)``). ``images``: shape (n, 2, 2), (n, 4)
    or a single image (2, 2) or (4,); they are flattened row by row (top left, top right,
    bottom left, bottom right), as the lesson feeds them to Keras. ``activations``: one name per
    layer. Returns a list with one array of shape (n, units) per layer; the last holds the
    class probabilities when the last activation is softmax.
    """
    if len(weights) != len(activations):
        raise ValueError(
            f"dense_forward got {len(weights)} layers of weights but {len(activations)} "
            "activations; pass one (kernel, bias) pair per layer, e.g. "
            "[layer.get_weights() for layer in model.layers]"
        )
    x = np.asarray(images, dtype=np.float64)
    if x.shape in ((4,), (2, 2)):  # a single image
        x = x.reshape(1, 4)
    elif x.ndim == 3:  # a batch of 2x2 images
        x = x.reshape(len(x), -1)
    outputs = []
    for index, (pair, activation) in enumerate(zip(weights, activations, strict=True)):
        if len(pair) != 2:
            raise ValueError(
                f"layer {index}: expected a pair (kernel, bias), got {len(pair)} items"
            )
        kernel, bias = (np.asarray(w, dtype=np.float64) for w in pair)
        if kernel.ndim != 2 or bias.shape != (kernel.shape[1],):
            raise ValueError(
                f"layer {index}: expected a kernel (inputs, units) and a bias (units,), "
                f"got shapes {kernel.shape} and {bias.shape}"
            )
        if x.ndim != 2 or x.shape[1] != kernel.shape[0]:
            raise ValueError(
                f"layer {index} expects inputs of shape (n, {kernel.shape[0]}), got {x.shape}; "
                "pass images of shape (n, 2, 2) or (n, 4)"
            )
        x = _activate(activation, x @ kernel + bias)
        outputs.append(x)
    return outputs


def four_pixel_response(
    networks: Mapping[str, Sequence[Sequence[np.ndarray]]],
    top_left: float,
    top_right: float,
    bottom_left: float,
    bottom_right: float,
) -> dict[str, Any]:
    """What each 4-4-8-4 network does with one 2x2 image (pixel values in [-1, 1]).

    Returns ``pixels`` (2, 2) and, for each network name, ``layers``: the outputs of the three
    hidden layers and ``probabilities`` (one per class).
    """
    pixels = np.array([[top_left, top_right], [bottom_left, bottom_right]], dtype=float)
    result: dict[str, Any] = {"pixels": pixels, "networks": {}}
    for name, weights in networks.items():
        *hidden, probabilities = dense_forward(weights, pixels)
        result["networks"][name] = {
            "layers": [layer[0] for layer in hidden],
            "probabilities": probabilities[0],
        }
    return result


def draw_four_pixel_response(
    result: Mapping[str, Any], class_names: Sequence[str] = ("s", "v", "d", "h")
) -> Figure:
    """Draw a :func:`four_pixel_response`: one row per network, one panel per layer.

    Layers 1 and 2 (4 units) are drawn as 2x2 grids (units 0 1 / 2 3), layer 3 (8 units) as
    2x4 (unit 2k above unit 2k+1, the pair the hand-set network uses for class k).
    """
    from helpers.plotting import draw_pattern

    networks = result["networks"]
    fig = Figure(figsize=(11, 2.3 * len(networks) + 0.3), layout="constrained")
    axes = fig.subplots(len(networks), 5, squeeze=False)
    for row, (name, network) in enumerate(networks.items()):
        first, second, third = network["layers"]
        draw_pattern(axes[row, 0], result["pixels"], show_values=True, title=f"{name}: pixels")
        draw_pattern(axes[row, 1], first.reshape(2, 2), show_values=True, title="layer 1 (tanh)")
        draw_pattern(axes[row, 2], second.reshape(2, 2), show_values=True, title="layer 2 (tanh)")
        draw_pattern(axes[row, 3], third.reshape(-1, 2).T, show_values=True, title="layer 3 (ReLU)")
        probabilities = network["probabilities"]
        top = probabilities >= probabilities.max() - 1e-6  # every class tied for first place
        colors = np.where(top, "C3", "C0")
        ax = axes[row, 4]
        ax.barh(range(len(probabilities)), probabilities, color=colors)
        ax.set_yticks(range(len(probabilities)), list(class_names))
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel("probability")
        ax.set_title("output (softmax)", fontsize=9)
        for index, p in enumerate(probabilities):
            inside = p > 0.75  # write large values inside their bar
            ax.text(
                p - 0.02 if inside else p + 0.02,
                index,
                f"{p:.3f}",
                ha="right" if inside else "left",
                va="center",
                fontsize=8,
                color="white" if inside else "black",
            )
    return fig


def four_pixel_explorer(
    networks: Mapping[str, Sequence[Sequence[np.ndarray]]],
    class_names: Sequence[str] = ("solid", "vertical", "diagonal", "horizontal"),
    pixels: tuple[float, float, float, float] = (1.0, 1.0, -1.0, -1.0),
) -> LiveFigure:
    """Set the four pixels with sliders; see every layer of each 4-4-8-4 network respond.

    ``networks`` maps a name to that network's weights, one ``(kernel, bias)`` pair per layer
    (``[layer.get_weights() for layer in model.layers]``), layers tanh, tanh, ReLU, softmax.
    ``pixels``: the starting values, row by row.
    """
    if not isinstance(networks, Mapping) or not 1 <= len(networks) <= 3:
        raise ValueError(
            "four_pixel_explorer expects a dict {name: weights} of 1 to 3 networks, "
            f"got {type(networks).__name__} of length {len(networks)}"
        )
    for name, weights in networks.items():
        try:
            probabilities = dense_forward(weights, np.zeros(4))[-1]
        except (TypeError, ValueError) as error:
            raise ValueError(f"networks[{name!r}]: {error}") from error
        if probabilities.shape != (1, len(class_names)) or len(weights[2][1]) != 8:
            raise ValueError(
                f"networks[{name!r}] must be a 4-4-8-{len(class_names)} network, "
                f"got layer sizes {[len(pair[1]) for pair in weights]}"
            )
    if len(pixels) != 4 or not all(-1 <= value <= 1 for value in pixels):
        raise ValueError(f"pixels must be 4 values in [-1, 1], got {pixels!r}")
    controls = {
        name: widgets.FloatSlider(
            value=value,
            min=-1,
            max=1,
            step=0.1,
            description=name.replace("_", " "),
            continuous_update=False,
        )
        for name, value in zip(_PIXEL_NAMES, pixels, strict=True)
    }
    short_names = [name[:10] for name in class_names]

    def compute(**values: float) -> dict[str, Any]:
        return four_pixel_response(networks, **values)

    return LiveFigure(
        controls, compute, lambda result: draw_four_pixel_response(result, short_names)
    )


# ------------------------------------------------------------ 05: gradient descent and optimizers
# (lesson 05 widgets go here)


# ------------------------------------------------------------ 06: overfitting and regularization
# (lesson 06 widgets go here)
