"""Interactive explorations: thin ipywidgets wrappers over pure functions.

Each builder returns a :class:`LiveFigure`: controls above a figure that is recomputed and
redrawn whenever a control changes. The numbers behind the latest drawing are in ``.result``
and the figure in ``.figure``, so tests drive a widget headlessly by setting
``widget.controls["weight"].value = 3.0`` and asserting on ``widget.result``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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


def transform_digit(
    image: np.ndarray, shift_right: float = 0, shift_down: float = 0, angle: float = 0
) -> np.ndarray:
    """Rotate an image ``angle`` degrees anticlockwise about its centre, then shift it.

    Bilinear interpolation (``order=1``), same size as the input, empty pixels filled with 0:
    what the lesson does with ``scipy.ndimage.rotate`` and ``scipy.ndimage.shift``.
    """
    from scipy import ndimage

    image = np.asarray(image, dtype=float)
    if image.ndim != 2:
        raise ValueError(
            f"transform_digit expects one image of shape (height, width), got {image.shape}"
        )
    if angle:
        image = ndimage.rotate(image, angle, reshape=False, order=1)
    if shift_right or shift_down:
        image = ndimage.shift(image, (shift_down, shift_right), order=1)
    return image


def linear_classifier_response(
    image: np.ndarray, kernel: np.ndarray, bias: np.ndarray
) -> dict[str, Any]:
    """What a linear classifier ``softmax(x @ kernel + bias)`` makes of one image.

    Returns the ``image``, the class ``scores`` (before softmax), the ``probabilities``, the
    ``predicted`` class and ``templates``: the kernel's columns reshaped to the image's shape.
    """
    image = np.asarray(image, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    bias = np.asarray(bias, dtype=float)
    if image.ndim != 2:
        raise ValueError(f"expected one image of shape (height, width), got {image.shape}")
    if kernel.ndim != 2 or kernel.shape[0] != image.size or bias.shape != (kernel.shape[1],):
        raise ValueError(
            f"for images of shape {image.shape} expected a kernel of shape "
            f"({image.size}, num_classes) and a bias of shape (num_classes,), got "
            f"{kernel.shape} and {bias.shape}; use model.layers[0].get_weights()"
        )
    scores = image.reshape(-1) @ kernel + bias
    exponentials = np.exp(scores - scores.max())
    return {
        "image": image,
        "scores": scores,
        "probabilities": exponentials / exponentials.sum(),
        "predicted": int(np.argmax(scores)),
        "templates": kernel.T.reshape(-1, *image.shape),
    }


def draw_linear_classifier_response(result: Mapping[str, Any]) -> Figure:
    """Plot a :func:`linear_classifier_response` with ``label`` and ``title`` added: the image,
    the class scores, the winning template, and the true class's template when the prediction
    is wrong (the runner-up's when it is right), with the digit's outline drawn on both."""
    fig = Figure(figsize=(12, 3.2), layout="constrained")
    ax_image, ax_scores, ax_winner, ax_other = fig.subplots(
        1, 4, gridspec_kw={"width_ratios": [1, 1.6, 1, 1]}
    )
    scores, predicted, label = result["scores"], result["predicted"], result["label"]
    ax_image.imshow(result["image"], cmap="gray", vmin=0, vmax=1)
    ax_image.set_title(result["title"], fontsize=10)
    colors = ["C0"] * len(scores)
    colors[predicted] = "C3"
    colors[label] = "C2"
    ax_scores.bar(range(len(scores)), scores, color=colors)
    ax_scores.set_xticks(range(len(scores)))
    ax_scores.set(xlabel="class (green: true, red: predicted if wrong)", ylabel="score x·W + b")
    ax_scores.set_title(
        f"predicted {predicted} with probability {result['probabilities'][predicted]:.2f}",
        fontsize=10,
    )
    if predicted != label:
        other, role = label, "true class"
    else:
        other, role = int(np.argsort(scores)[-2]), "runner-up"
    limit = float(np.percentile(np.abs(result["templates"]), 99))  # clip a few extremes
    for ax, digit, name in [(ax_winner, predicted, "winning"), (ax_other, other, role)]:
        ax.imshow(result["templates"][digit], cmap="RdBu_r", vmin=-limit, vmax=limit)
        if result["image"].max() > 0.5:  # outline the digit's ink on the template
            ax.contour(result["image"], levels=[0.5], colors="black", linewidths=0.8)
        ax.set_title(f"{name} template: {digit}", fontsize=10)
    for ax in (ax_image, ax_winner, ax_other):
        ax.set_axis_off()
    return fig


def linear_classifier_explorer(
    images: np.ndarray,
    labels: np.ndarray,
    kernel: np.ndarray,
    bias: np.ndarray,
    max_shift: int = 8,
    max_angle: int = 90,
) -> LiveFigure:
    """Pick a digit, shift and rotate it, and see a trained linear classifier's scores.

    ``images``: (n, height, width) with pixel values in [0, 1]; ``labels``: n class numbers;
    ``kernel``, ``bias``: the weights of the classifier's ``Dense`` layer (inference only).
    """
    images = np.asarray(images)
    labels = np.asarray(labels)
    if images.ndim != 3 or len(images) == 0:
        raise ValueError(
            f"linear_classifier_explorer expects images of shape (n, height, width), "
            f"got {images.shape}"
        )
    if labels.shape != (len(images),):
        raise ValueError(f"expected {len(images)} labels, one per image, got shape {labels.shape}")
    if images.min() < 0 or images.max() > 1:
        raise ValueError(
            "linear_classifier_explorer expects pixel values in [0, 1] (what the model was "
            f"trained on), got [{images.min()}, {images.max()}]; divide uint8 images by 255"
        )
    linear_classifier_response(images[0], kernel, bias)  # validates the weights' shapes

    def slider(description: str, low: int, high: int, step: int = 1) -> widgets.IntSlider:
        return widgets.IntSlider(
            value=0,
            min=low,
            max=high,
            step=step,
            description=description,
            continuous_update=False,  # recompute when the slider is released
            style={"description_width": "initial"},
        )

    controls = {
        "index": slider("test digit", 0, len(images) - 1),
        "shift_right": slider("shift right (px)", -max_shift, max_shift),
        "shift_down": slider("shift down (px)", -max_shift, max_shift),
        "angle": slider("rotate (degrees)", -max_angle, max_angle, step=5),
    }

    def compute(index: int, shift_right: int, shift_down: int, angle: int) -> dict:
        image = transform_digit(images[index], shift_right, shift_down, angle)
        result = linear_classifier_response(np.clip(image, 0, 1), kernel, bias)
        title = (
            f"test digit {index}, a {labels[index]}\n"
            f"shifted ({shift_right}, {shift_down}) px, rotated {angle}°"
        )
        return {**result, "label": int(labels[index]), "title": title}

    return LiveFigure(controls, compute, draw_linear_classifier_response)


# ------------------------------------------------------------ 02: a network from scratch
# (lesson 02 widgets go here)


# ------------------------------------------------------------ 03: MNIST multilayer perceptrons
# (lesson 03 widgets go here)


# ------------------------------------------------------------ 04: the 4-pixel camera
# (lesson 04 widgets go here)


# ------------------------------------------------------------ 05: gradient descent and optimizers
# (lesson 05 widgets go here)


# ------------------------------------------------------------ 06: overfitting and regularization
# (lesson 06 widgets go here)
