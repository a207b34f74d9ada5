"""Interactive explorations: thin ipywidgets wrappers over pure functions.

Each builder returns a :class:`LiveFigure`: controls above a figure that is recomputed and
redrawn whenever a control changes. The numbers behind the latest drawing are in ``.result``
and the figure in ``.figure``, so tests drive a widget headlessly by setting
``widget.controls["weight"].value = 3.0`` and asserting on ``widget.result``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import numpy as np
from IPython.display import display
from matplotlib.figure import Figure
from matplotlib.patches import Circle

from helpers import datasets, plotting

if TYPE_CHECKING:  # for type hints only; keras is imported where a function needs it
    import keras


class LiveFigure(widgets.VBox):
    """Controls on top, a matplotlib figure below, redrawn on every change.

    ``compute(**values)`` gets the current value of every control (by name) and returns the
    numbers to show; ``draw(result)`` turns them into a Figure. Both are plain functions.
    ``buttons`` (optional) maps a label to ``action(live_figure)``, run on each click; tests
    press one with ``widget.buttons[label].click()``.
    """

    def __init__(
        self,
        controls: Mapping[str, widgets.ValueWidget],
        compute: Callable[..., Any],
        draw: Callable[[Any], Figure],
        buttons: Mapping[str, Callable[[LiveFigure], None]] | None = None,
    ) -> None:
        self.controls = dict(controls)
        self.output = widgets.Output()
        self.result: Any = None
        self.figure: Figure | None = None
        self._compute = compute
        self._draw = draw
        # Optional buttons, shown after the controls: ``{label: action}``; a click calls
        # ``action(self)``, which typically changes a control (and so redraws).
        self.buttons: dict[str, widgets.Button] = {}
        for label, action in (buttons or {}).items():
            if not callable(action):
                raise ValueError(f"LiveFigure button {label!r} needs a function, got {action!r}")
            button = widgets.Button(description=label)
            button.on_click(lambda _button, action=action: action(self))
            self.buttons[label] = button
        row = widgets.HBox(
            [*self.controls.values(), *self.buttons.values()],
            layout=widgets.Layout(flex_flow="row wrap"),
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


# ------------------------------------------------------------ 00: what deep learning is, tensors


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


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def _xor_params(params: Sequence[Sequence[np.ndarray]]) -> list[np.ndarray]:
    """Validate [(W1, b1), (W2, b2)] of a 2-2-1 network; return [W1, b1, W2, b2] as floats."""
    try:
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
    return arrays


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
    if not isinstance(example, int | np.integer) or not 0 <= example < 4:
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
    r, stage = result, int(result["stage"])
    fig = Figure(figsize=(12, 4.4), layout="constrained")
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
    if not np.isfinite(learning_rate) or learning_rate <= 0:
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}")
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


# ------------------------------------------------------------ 03: MNIST multilayer perceptrons


def perturb_image(
    image: np.ndarray, noise: float = 0.0, right: int = 0, down: int = 0, seed: int = 0
) -> np.ndarray:
    """Shift an image with pixel values in [0, 1], then add Gaussian noise of std ``noise``.

    The noise pattern depends only on ``seed`` (its size on ``noise``), so moving the noise
    slider turns the same pattern up or down. The result is clipped to [0, 1]. ``noise`` must
    be in [0, 1] (more only saturates the clipped image); a shift must be smaller than the
    image, ``|right| < width`` and ``|down| < height``, or nothing of the digit is left.
    """
    if not 0 <= noise <= 1:  # also rejects NaN
        raise ValueError(
            f"noise is a standard deviation in pixel units and must be in [0, 1], got {noise}"
        )
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError(f"perturb_image expects one image (height, width), got {image.shape}")
    if image.size and (image.min() < 0 or image.max() > 1):
        raise ValueError(
            "perturb_image expects pixel values scaled to [0, 1], got values from "
            f"{image.min()} to {image.max()}; divide bytes by 255 first (x / 255)"
        )
    height, width = image.shape
    for name, shift, limit in (("right", right, width), ("down", down, height)):
        if not -limit < shift < limit:  # also rejects NaN
            raise ValueError(
                f"shift {name}={shift} moves the whole image out of view; use a shift between "
                f"{-(limit - 1)} and {limit - 1} pixels for an image of shape {image.shape}"
            )
    shifted = transform_digit(image, shift_right=right, shift_down=down).astype(np.float32)
    pattern = np.random.default_rng(seed).standard_normal(shifted.shape).astype(np.float32)
    return np.clip(shifted + noise * pattern, 0.0, 1.0)


def _require_keras_model(model: Any, who: str) -> None:
    """Raise a clear ValueError unless ``model`` is a Keras model (it needs predict/call)."""
    import keras

    if not isinstance(model, keras.Model):
        raise ValueError(
            f"{who} expects a trained Keras model (keras.Model, e.g. a keras.Sequential), "
            f"got {type(model).__name__}"
        )


def classify_perturbed_digit(
    model: keras.Model,
    x: np.ndarray,
    y: np.ndarray,
    index: int,
    noise: float = 0.0,
    right: int = 0,
    down: int = 0,
    image_shape: tuple[int, int] = (28, 28),
) -> dict[str, Any]:
    """Perturb example ``x[index]`` and classify it with one call of the Keras ``model``.

    ``x`` holds the examples in the shape the model eats (e.g. (n, 784)) with values in [0, 1];
    ``image_shape`` is how to see one of them as an image. Returns the perturbed ``image``,
    the ``probabilities`` the model gives, the ``true`` and ``predicted`` labels and ``index``.
    """
    _require_keras_model(model, "classify_perturbed_digit")
    if not 0 <= index < len(x):
        raise ValueError(f"index must be in 0..{len(x) - 1}, got {index}")
    image = np.asarray(x[index], dtype=np.float32).reshape(image_shape)
    perturbed = perturb_image(image, noise, right, down, seed=index)
    batch = perturbed.reshape((1, *np.shape(x[index])))
    probabilities = np.asarray(model(batch, training=False), dtype=float)
    if probabilities.ndim != 2 or probabilities.shape[0] != 1:
        raise ValueError(
            "the model must return one row of class probabilities per example, "
            f"got shape {probabilities.shape}"
        )
    probabilities = probabilities[0]
    return {
        "index": int(index),
        "image": perturbed,
        "probabilities": probabilities,
        "true": int(y[index]),
        "predicted": int(np.argmax(probabilities)),
    }


def draw_classified_digit(result: Mapping[str, Any]) -> Figure:
    """The perturbed digit beside its probability bars (true class green, a wrong guess red)."""
    fig = Figure(figsize=(8, 3), layout="constrained")
    ax_image, ax_bars = fig.subplots(1, 2, width_ratios=[1, 2.2])
    ax_image.imshow(result["image"], cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax_image.set_axis_off()
    ax_image.set_title(f"example #{result['index']}\ntrue label: {result['true']}")
    probabilities, predicted = result["probabilities"], result["predicted"]
    verdict_text = "right" if predicted == result["true"] else "wrong"
    title = (
        f"predicted {predicted} with probability {probabilities[predicted]:.2f} ({verdict_text})"
    )
    return plotting.plot_probabilities(
        probabilities, true_label=result["true"], title=title, ax=ax_bars
    )


def digit_explorer(
    model: keras.Model,
    x: np.ndarray,
    y: np.ndarray,
    image_shape: tuple[int, int] = (28, 28),
    max_shift: int = 8,
) -> LiveFigure:
    """Browse test digits (all, or only those the model gets wrong), add noise or shift them,
    and watch the model's probabilities change. Inference only: one model call per change.

    ``model``: a trained Keras classifier (``keras.Model``); ``x``: examples in the shape it
    eats, values in [0, 1]; ``y``: their integer labels. The shift sliders go up to
    ``max_shift`` pixels each way, at most one pixel less than the image's size.
    """
    x, y = np.asarray(x), np.asarray(y)
    _require_keras_model(model, "digit_explorer")
    if len(x) == 0 or len(x) != len(y) or y.ndim != 1:
        raise ValueError(
            "digit_explorer expects examples x and integer labels y of shape (n,) with the same "
            f"n > 0, got x {x.shape} and y {y.shape}; for one-hot labels pass y.argmax(axis=1)"
        )
    if int(np.prod(image_shape)) != int(np.prod(x.shape[1:])):
        raise ValueError(f"examples of shape {x.shape[1:]} cannot be shown as {image_shape}")
    if not isinstance(max_shift, int | np.integer) or max_shift < 0:
        raise ValueError(f"max_shift must be a whole number of pixels >= 0, got {max_shift!r}")
    right_limit, down_limit = (min(int(max_shift), size - 1) for size in image_shape[::-1])
    predicted = np.argmax(model.predict(x, verbose=0), axis=1)
    chosen = {
        "all test examples": np.arange(len(x)),
        "misclassified only": np.flatnonzero(predicted != y),
    }
    controls = {
        "show": widgets.Dropdown(options=list(chosen), description="show"),
        "position": widgets.IntSlider(value=0, min=0, max=len(x) - 1, description="example"),
        "noise": widgets.FloatSlider(value=0.0, min=0, max=1, step=0.05, description="noise"),
        "right": widgets.IntSlider(
            value=0, min=-right_limit, max=right_limit, description="shift right"
        ),
        "down": widgets.IntSlider(
            value=0, min=-down_limit, max=down_limit, description="shift down"
        ),
    }

    def on_show(change: Any) -> None:  # the slider walks through the chosen list
        controls["position"].value = 0
        controls["position"].max = max(len(chosen[change["new"]]) - 1, 0)

    controls["show"].observe(on_show, names="value")

    def compute(show: str, position: int, noise: float, right: int, down: int) -> dict:
        indices = chosen[show]
        if len(indices) == 0:  # nothing misclassified: fall back to all examples
            indices = chosen["all test examples"]
        index = int(indices[min(position, len(indices) - 1)])
        result = classify_perturbed_digit(model, x, y, index, noise, right, down, image_shape)
        return {**result, "misclassified_count": len(chosen["misclassified only"])}

    return LiveFigure(controls, compute, draw_classified_digit)


# ------------------------------------------------------------ 04: the 4-pixel camera

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


def _as_layer_weights(weights: Any) -> list[tuple[np.ndarray, np.ndarray]]:
    """``weights`` as a list of float64 (kernel, bias) pairs, or a ValueError saying why not."""
    how = "pass [layer.get_weights() for layer in model.layers]"
    if hasattr(weights, "get_weights") or hasattr(weights, "layers"):
        raise ValueError(f"expected the weights of a network, not the model itself: {how}")
    if isinstance(weights, str | bytes | Mapping) or not isinstance(weights, Sequence):
        raise ValueError(
            f"expected a list of (kernel, bias) pairs, one per layer, got "
            f"{type(weights).__name__}: {how}"
        )
    pairs = []
    for index, pair in enumerate(weights):
        if isinstance(pair, str | bytes) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise ValueError(f"layer {index}: expected a pair (kernel, bias); {how}")
        try:
            kernel, bias = (np.asarray(w, dtype=np.float64) for w in pair)
        except (TypeError, ValueError) as error:
            raise ValueError(f"layer {index}: the kernel and bias must be numbers") from error
        if kernel.ndim != 2 or bias.shape != (kernel.shape[1],):
            raise ValueError(
                f"layer {index}: expected a kernel (inputs, units) and a bias (units,), "
                f"got shapes {kernel.shape} and {bias.shape}"
            )
        pairs.append((kernel, bias))
    return pairs


def dense_forward(
    weights: Sequence[Sequence[np.ndarray]],
    images: np.ndarray,
    activations: Sequence[str] = FOUR_PIXEL_ACTIVATIONS,
) -> list[np.ndarray]:
    """Run a stack of ``Dense`` layers in NumPy (float64) and return every layer's output.

    ``weights``: one ``(kernel, bias)`` pair per layer, as ``layer.get_weights()`` gives them
    (a layer computes ``activation(x @ kernel + bias)``). ``images``: shape (n, 2, 2), (n, 4)
    or a single image (2, 2) or (4,); they are flattened row by row (top left, top right,
    bottom left, bottom right), as the lesson feeds them to Keras. ``activations``: one name per
    layer ('tanh', 'relu', 'softmax' or 'linear'; 'linear' on the last layer gives the logits).
    Returns a list with one array of shape (n, units) per layer.
    """
    pairs = _as_layer_weights(weights)
    if isinstance(activations, str) or len(pairs) != len(activations):
        raise ValueError(
            f"dense_forward got {len(pairs)} layers of weights but activations "
            f"{activations!r}; pass one (kernel, bias) pair per layer and one activation name "
            "per layer, e.g. ('tanh', 'tanh', 'relu', 'softmax')"
        )
    try:
        x = np.asarray(images, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"dense_forward expects images of numbers, got {images!r}") from error
    if x.shape in ((4,), (2, 2)):  # a single image
        x = x.reshape(1, 4)
    elif x.ndim == 3:  # a batch of 2x2 images
        x = x.reshape(len(x), -1)
    outputs = []
    for index, ((kernel, bias), activation) in enumerate(zip(pairs, activations, strict=True)):
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
    pixels = [top_left, top_right, bottom_left, bottom_right]
    if not all(_is_real(value) for value in pixels):
        raise ValueError(f"the four pixels must be numbers, got {pixels!r}")
    pixels = np.array(pixels, dtype=float).reshape(2, 2)
    result: dict[str, Any] = {"pixels": pixels, "networks": {}}
    for name, weights in networks.items():
        *hidden, probabilities = dense_forward(weights, pixels)
        result["networks"][name] = {
            "layers": [layer[0] for layer in hidden],
            "probabilities": probabilities[0],
        }
    return result


def _is_real(value: Any) -> bool:
    """A finite real number (bools excluded)."""
    return (
        isinstance(value, int | float | np.integer | np.floating)
        and not isinstance(value, bool | np.bool_)
        and bool(np.isfinite(value))
    )


def _draw_activations(ax: Any, values: np.ndarray, title: str) -> None:
    """One layer's outputs as cells: white is +1, or the largest |value| when that is larger."""
    from helpers.plotting import draw_pattern

    scale = max(1.0, float(np.abs(values).max()))
    if scale > 1.0:
        title += f", white = {scale:.2f}"
    draw_pattern(ax, values, vmax=scale, show_values=True, title=title)


def draw_four_pixel_response(
    result: Mapping[str, Any], class_names: Sequence[str] = ("s", "v", "d", "h")
) -> Figure:
    """Draw a :func:`four_pixel_response`: one row per network, one panel per layer.

    Layers 1 and 2 (4 units) are drawn as 2x2 grids (units 0 1 / 2 3), layer 3 (8 units) as
    2x4 (unit 2k above unit 2k+1: the pair the hand-set network uses for class k).
    White is +1 and black -1; a panel with a value beyond 1 is scaled to its largest value,
    named in its title. (Bars drawn here rather than with plotting.plot_probabilities, which
    makes a figure of its own.)
    """
    networks = result["networks"]
    fig = Figure(figsize=(12, 2.3 * len(networks) + 0.3), layout="constrained")
    axes = fig.subplots(len(networks), 5, squeeze=False)
    for row, (name, network) in enumerate(networks.items()):
        first, second, third = network["layers"]
        _draw_activations(axes[row, 0], result["pixels"], f"{name}: pixels")
        _draw_activations(axes[row, 1], first.reshape(2, 2), "layer 1 (tanh)")
        _draw_activations(axes[row, 2], second.reshape(2, 2), "layer 2 (tanh)")
        _draw_activations(axes[row, 3], third.reshape(-1, 2).T, "layer 3 (ReLU)")
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
        size = f" of length {len(networks)}" if isinstance(networks, Mapping) else ""
        raise ValueError(
            "four_pixel_explorer expects a dict {name: weights} of 1 to 3 networks, "
            f"got {type(networks).__name__}{size}"
        )
    if isinstance(class_names, str) or not isinstance(class_names, Sequence):
        raise ValueError(f"class_names must be a list of names, got {class_names!r}")
    for name, weights in networks.items():
        try:
            probabilities = dense_forward(weights, np.zeros(4))[-1]
        except ValueError as error:
            raise ValueError(f"networks[{name!r}]: {error}") from error
        if probabilities.shape != (1, len(class_names)) or len(weights[2][1]) != 8:
            raise ValueError(
                f"networks[{name!r}] must be a 4-4-8-{len(class_names)} network, "
                f"got layer sizes {[len(pair[1]) for pair in weights]}"
            )
    if (
        isinstance(pixels, str)
        or not isinstance(pixels, Sequence)
        or len(pixels) != 4
        or not all(_is_real(value) and -1 <= value <= 1 for value in pixels)
    ):
        raise ValueError(f"pixels must be 4 numbers in [-1, 1], row by row, got {pixels!r}")
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
    short_names = [str(name)[:10] for name in class_names]

    def compute(**values: float) -> dict[str, Any]:
        return four_pixel_response(networks, **values)

    return LiveFigure(
        controls, compute, lambda result: draw_four_pixel_response(result, short_names)
    )


# ------------------------------------------------------------ 05: gradient descent and optimizers


Step = Callable[[np.ndarray, np.ndarray], np.ndarray]  # step(theta, gradient) -> new theta
DIVERGED = 1e6  # a path that gets this far from the origin has diverged
# The race's learning rates: round values, plus those near the valley's limits (GD 0.2,
# Nesterov 0.136 and Momentum 0.38 at momentum 0.9) that the lesson suggests trying.
RACE_LEARNING_RATES = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.13, 0.14, 0.19, 0.2)
RACE_LEARNING_RATES += (0.21, 0.22, 0.3, 0.37, 0.39, 0.5, 1.0)


def optimizer_path(step: Step, surface: datasets.LossSurface, steps: int, start=None) -> np.ndarray:
    """Run an optimizer on a loss surface; return the points it visits, shape (steps + 1, 2).

    ``step(theta, gradient)`` returns the next point; it keeps whatever state it needs
    (velocities, averages) between calls, so pass a fresh one for every run. The path starts
    at ``start`` (default ``surface.start``). Once a point is not finite or lies beyond
    ``DIVERGED``, the run stops and the rest of the path is NaN.
    """
    if not callable(step):
        raise ValueError(f"optimizer_path expects a step function, got {type(step).__name__}")
    if not isinstance(steps, int | np.integer) or steps < 1:
        raise ValueError(f"steps must be a positive whole number, got {steps!r}")
    theta = np.array(surface.start if start is None else start, dtype=np.float64)
    if theta.shape != (2,):
        raise ValueError(f"start must be a point (x, y), got shape {theta.shape}")
    path = np.full((steps + 1, 2), np.nan)
    path[0] = theta
    for index in range(1, steps + 1):
        theta = np.asarray(step(theta, surface.gradient(theta)), dtype=np.float64)
        if theta.shape != (2,):
            raise ValueError(
                f"a step function must return the new point, shape (2,), got {theta.shape}"
            )
        if not np.all(np.isfinite(theta)) or np.abs(theta).max() > DIVERGED:
            break
        path[index] = theta
    return path


def race_optimizers(
    makers: Mapping[str, Callable[[float, float], Step]],
    surface: datasets.LossSurface,
    learning_rate: float,
    momentum: float,
    steps: int,
) -> dict[str, Any]:
    """Run each ``makers[name](learning_rate, momentum)`` on ``surface`` for ``steps`` steps.

    Returns the surface, the settings, ``paths`` ({name: points}) and ``final_gap``
    ({name: loss above the minimum after the last step, inf if the run diverged}).
    """
    _check_makers(makers, allow_empty=True)  # a race with no racers draws just the surface
    paths = {
        name: optimizer_path(make(learning_rate, momentum), surface, steps)
        for name, make in makers.items()
    }
    final_gap = {}
    for name, path in paths.items():
        last = path[-1]
        gap = surface(last) - surface.minimum_value if np.all(np.isfinite(last)) else np.inf
        final_gap[name] = float(gap)
    return {
        "surface": surface,
        "learning_rate": learning_rate,
        "momentum": momentum,
        "paths": paths,
        "final_gap": final_gap,
    }


def _check_makers(makers, allow_empty: bool = False) -> None:
    if not isinstance(makers, Mapping) or not (makers or allow_empty):
        raise ValueError("expected a dict {name: make(learning_rate, momentum)} of optimizers")
    for name, make in makers.items():
        if not callable(make):
            raise ValueError(f"makers[{name!r}] must be a function (learning_rate, momentum)")


def draw_race(result: Mapping[str, Any]) -> Figure:
    """Draw a :func:`race_optimizers` result: paths on the contour map, loss per step."""
    return plotting.plot_optimizer_paths(
        result["surface"],
        result["paths"],
        title=f"learning rate {result['learning_rate']:.3g}, "
        f"momentum / β₁ {result['momentum']:.2f}",
    )


def optimizer_race(
    makers: Mapping[str, Callable[[float, float], Step]],
    racers: tuple[str, ...] = ("GD", "Momentum", "Adam"),
    learning_rate: float = 0.05,
    momentum: float = 0.9,
    steps: int = 200,
) -> LiveFigure:
    """Race optimizers on a loss surface: pick the surface, the racers and their settings.

    ``makers`` maps a name to ``make(learning_rate, momentum)``, which returns a fresh step
    function ``step(theta, gradient) -> new theta`` (the lesson's NumPy optimizers). The
    learning-rate slider steps through ``RACE_LEARNING_RATES`` (plus ``learning_rate``, if it
    is not among them). Every change reruns the chosen optimizers from the start: a few
    hundred NumPy steps.
    """
    _check_makers(makers)
    number = isinstance(learning_rate, int | float) and not isinstance(learning_rate, bool)
    if not (number and 0 < learning_rate < np.inf):
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}")
    rates = sorted({*RACE_LEARNING_RATES, float(learning_rate)})  # the start value is on the slider
    unknown = [name for name in racers if name not in makers]
    if unknown:
        raise ValueError(f"racers {unknown} are not among the optimizers {list(makers)}")
    controls = {
        "surface": widgets.Dropdown(options=list(datasets.LOSS_SURFACES), description="surface"),
        "racers": widgets.SelectMultiple(
            options=list(makers),
            value=tuple(racers),
            rows=min(len(makers), 9),
            description="optimizers",
        ),
        "learning_rate": widgets.SelectionSlider(
            options=[(f"{rate:g}", rate) for rate in rates],
            value=learning_rate,
            description="learning rate",
        ),
        "momentum": widgets.FloatSlider(
            value=momentum, min=0.0, max=0.99, step=0.01, description="momentum/β₁"
        ),
        "steps": widgets.IntSlider(value=steps, min=10, max=500, step=10, description="steps"),
    }

    def compute(surface, racers, learning_rate, momentum, steps):
        chosen = {name: makers[name] for name in racers}
        return race_optimizers(
            chosen, datasets.loss_surface(surface), learning_rate, momentum, steps
        )

    return LiveFigure(controls, compute, draw_race)


# ------------------------------------------------------------ 06: overfitting and regularization


def dropout_sample(
    activations: np.ndarray, rate: float, seed: int, repeats: int = 1000
) -> dict[str, Any]:
    """What a Keras ``Dropout(rate, seed=seed)`` layer does in training to a grid of activations.

    The layer runs on ``1 + repeats`` rows of ones, each with its own mask: a row holds 0 for a
    dropped unit and ``1 / (1 - rate)`` for a survivor, and multiplying the activations by it is
    what the layer does to them. The first row is the mask shown; the others give
    ``mean_total``, the sum after dropout averaged over ``repeats`` masks (close to
    ``total_before``: that is what the scaling is for). Returns ``activations``, ``keep`` (bool
    mask), ``output``, ``dropped_fraction``, ``total_before``, ``total_after`` (sums over all
    units) and ``mean_total``.
    """
    import keras

    activations = np.asarray(activations, dtype="float32")
    if activations.ndim != 2 or activations.size == 0:
        raise ValueError(
            f"dropout_sample expects a 2-D grid of activations (rows, cols), got shape "
            f"{activations.shape}; reshape a layer's output, e.g. a.reshape(16, 32)"
        )
    if not np.all(np.isfinite(activations)):
        raise ValueError("the activations contain NaN or infinity; pass a layer's finite outputs")
    if isinstance(rate, bool) or not isinstance(rate, int | float | np.number):
        raise ValueError(f"the dropout rate must be a number in [0, 1), e.g. 0.5; got {rate!r}")
    if not 0 <= rate < 1:
        raise ValueError(f"the dropout rate must be in [0, 1), e.g. 0.5; got {rate}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer such as 0, 1, 2; got {seed!r}")
    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
        raise ValueError(f"repeats must be a positive integer, got {repeats!r}")
    layer = keras.layers.Dropout(float(rate), seed=int(seed))
    ones = np.ones((1 + repeats, activations.size), dtype="float32")
    scales = np.asarray(layer(ones, training=True))  # per row: 0 (dropped) or 1 / (1 - rate)
    output = activations * scales[0].reshape(activations.shape)
    keep = scales[0].reshape(activations.shape) != 0
    totals = scales[1:] @ activations.ravel()
    return {
        "activations": activations,
        "keep": keep,
        "output": output,
        "rate": float(rate),
        "seed": int(seed),
        "repeats": repeats,
        "dropped_fraction": float(1 - keep.mean()),
        "total_before": float(activations.sum()),
        "total_after": float(output.sum()),
        "mean_total": float(totals.mean()),
    }


def draw_dropout_sample(result: Mapping[str, Any]) -> Figure:
    """Three panels: the activations, the mask (black = dropped) and the scaled output."""
    fig = Figure(figsize=(11, 3.4), layout="constrained")
    axes = fig.subplots(1, 3)
    top = max(float(result["output"].max()), float(result["activations"].max()), 1e-9)
    panels = [
        (result["activations"], f"activations (sum {result['total_before']:.1f})", top),
        (result["keep"].astype(float), f"mask, black: {result['dropped_fraction']:.0%} dropped", 1),
        (result["output"], f"training output (sum {result['total_after']:.1f})", top),
    ]
    for ax, (image, title, vmax) in zip(axes, panels, strict=True):
        picture = ax.imshow(image, cmap="magma", vmin=0, vmax=vmax, interpolation="nearest")
        ax.set(title=title, xlabel="unit (column)", ylabel="unit (row)")
        ax.grid(False)
    fig.colorbar(picture, ax=axes[2], shrink=0.8, label="activation")
    fig.suptitle(
        f"rate {result['rate']:.2f}: survivors x {1 / (1 - result['rate']):.2f}; "
        f"mean sum over {result['repeats']} masks {result['mean_total']:.1f} "
        f"(no dropout: {result['total_before']:.1f})"
    )
    return fig


def dropout_visualizer(activations: np.ndarray, rate: float = 0.5) -> LiveFigure:
    """Drop units of ``activations`` (a 2-D grid) with Keras's ``Dropout`` at a chosen rate.

    Controls: the rate and the mask seed; the "resample" button moves to the next seed.
    """
    dropout_sample(activations, rate, seed=0)  # validates the input before building controls
    controls = {
        "rate": widgets.FloatSlider(
            value=rate, min=0.0, max=0.9, step=0.05, description="dropout rate"
        ),
        "seed": widgets.BoundedIntText(value=0, min=0, max=10**9, description="mask seed"),
    }

    def resample(live: LiveFigure) -> None:
        live.controls["seed"].value += 1

    return LiveFigure(
        controls,
        lambda rate, seed: dropout_sample(activations, rate, seed),
        draw_dropout_sample,
        buttons={"resample": resample},
    )


def run_summary(
    histories: Mapping[float, Mapping[str, Sequence[float]]],
    chosen: float,
    metric: str = "crossentropy",
) -> dict[str, Any]:
    """Learning curves of one precomputed run and the best validation value of every run.

    ``histories`` maps a setting (e.g. an L2 strength) to a Keras ``history.history`` dict that
    has ``metric`` and ``"val_" + metric``. The smallest setting is the reference run.
    """
    if not isinstance(histories, Mapping) or not histories:
        raise ValueError("run_summary expects a dict {setting: history.history}, got nothing")
    for setting, history in histories.items():
        if (
            not isinstance(history, Mapping)
            or metric not in history
            or (f"val_{metric}" not in history)
        ):
            raise ValueError(
                f"the run for {setting!r} must be a history dict with {metric!r} and "
                f"'val_{metric}' (fit with validation_data and that metric)"
            )
    if chosen not in histories:
        raise ValueError(f"no run for {chosen!r}; available: {sorted(histories)}")
    settings = sorted(histories)
    best = [float(np.min(histories[s][f"val_{metric}"])) for s in settings]
    validation = np.asarray(histories[chosen][f"val_{metric}"], dtype=float)
    reference = settings[0]
    return {
        "metric": metric,
        "chosen": chosen,
        "reference": reference,
        "train": np.asarray(histories[chosen][metric], dtype=float),
        "validation": validation,
        "reference_validation": np.asarray(histories[reference][f"val_{metric}"], dtype=float),
        "best_epoch": int(np.argmin(validation)) + 1,
        "best_value": float(validation.min()),
        "final_value": float(validation[-1]),
        "settings": settings,
        "best_per_setting": best,
    }


def draw_run_summary(result: Mapping[str, Any], parameter: str = "setting") -> Figure:
    """Left: the chosen run's curves (reference run in grey); right: best value per setting."""
    fig = Figure(figsize=(11, 3.8), layout="constrained")
    ax_curves, ax_best = fig.subplots(1, 2)
    metric = result["metric"]
    epochs = np.arange(1, len(result["validation"]) + 1)
    reference_epochs = np.arange(1, len(result["reference_validation"]) + 1)
    ax_curves.plot(
        reference_epochs,
        result["reference_validation"],
        "--",
        color="grey",
        label=f"validation, {parameter} = {result['reference']:g}",
    )
    ax_curves.plot(epochs, result["train"], "-o", ms=3, color="C0", label="training")
    ax_curves.plot(epochs, result["validation"], "--s", ms=3, color="C1", label="validation")
    ax_curves.plot(result["best_epoch"], result["best_value"], "*", ms=14, color="C3")
    ax_curves.set(
        xlabel="epoch",
        ylabel=metric,
        title=f"{parameter} = {result['chosen']:g}: best {result['best_value']:.3f} "
        f"at epoch {result['best_epoch']}",
    )
    ax_curves.legend(fontsize=8)
    # Bars from 0 (a bar's length is its value), each labelled so that small differences read.
    positions = np.arange(len(result["settings"]))
    colors = ["C3" if s == result["chosen"] else "C0" for s in result["settings"]]
    bars = ax_best.bar(positions, result["best_per_setting"], color=colors)
    ax_best.bar_label(bars, fmt="%.3f", fontsize=8)
    ax_best.set_ylim(0, 1.12 * max(result["best_per_setting"]))
    ax_best.set_xticks(positions, [f"{s:g}" for s in result["settings"]])
    ax_best.set(
        xlabel=parameter, ylabel=f"best validation {metric}", title="every run (red: shown)"
    )
    return fig


def regularization_explorer(
    histories: Mapping[float, Mapping[str, Sequence[float]]],
    metric: str = "crossentropy",
    parameter: str = "L2 strength",
) -> LiveFigure:
    """A slider over precomputed runs (e.g. L2 strengths): learning curves and best values."""
    run_summary(histories, min(histories) if histories else None, metric)  # validates
    settings = sorted(histories)
    controls = {
        "chosen": widgets.SelectionSlider(
            options=[(f"{s:g}", s) for s in settings], value=settings[0], description=parameter
        )
    }
    return LiveFigure(
        controls,
        lambda chosen: run_summary(histories, chosen, metric),
        lambda result: draw_run_summary(result, parameter),
    )
