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


# ------------------------------------------------------------ 05: gradient descent and optimizers
# (lesson 05 widgets go here)


# ------------------------------------------------------------ 06: overfitting and regularization
# (lesson 06 widgets go here)


def dropout_sample(
    activations: np.ndarray, rate: float, seed: int, repeats: int = 1000
) -> dict[str, Any]:
    """Inverted dropout, as Keras applies it in training, on a grid of activations.

    A unit is dropped (set to 0) with probability ``rate``; the survivors are multiplied by
    ``1 / (1 - rate)``. The mask comes from ``np.random.default_rng(seed)``. Returns
    ``activations``, ``keep`` (bool mask), ``output``, ``dropped_fraction``, ``total_before``,
    ``total_after`` (sums over all units) and ``mean_total`` (the sum after dropout averaged
    over ``repeats`` further masks: close to ``total_before``, which is the point of scaling).
    """
    activations = np.asarray(activations, dtype=float)
    if activations.ndim != 2 or activations.size == 0:
        raise ValueError(
            f"dropout_sample expects a 2-D grid of activations (rows, cols), got shape "
            f"{activations.shape}; reshape a layer's output, e.g. a.reshape(16, 32)"
        )
    if not 0 <= rate < 1:
        raise ValueError(f"dropout rate must be in [0, 1), got {rate}")
    if not isinstance(repeats, int) or repeats < 1:
        raise ValueError(f"repeats must be a positive integer, got {repeats!r}")
    rng = np.random.default_rng(seed)
    keep = rng.random(activations.shape) >= rate
    output = np.where(keep, activations / (1 - rate), 0.0)
    more_masks = rng.random((repeats, *activations.shape)) >= rate
    totals = (more_masks * activations).sum(axis=(1, 2)) / (1 - rate)
    return {
        "activations": activations,
        "keep": keep,
        "output": output,
        "rate": float(rate),
        "seed": seed,
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


def dropout_visualiser(activations: np.ndarray, rate: float = 0.5) -> LiveFigure:
    """Drop units of ``activations`` (a 2-D grid) at a chosen rate; "resample" draws a new mask."""
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
    positions = np.arange(len(result["settings"]))
    colors = ["C3" if s == result["chosen"] else "C0" for s in result["settings"]]
    ax_best.bar(positions, result["best_per_setting"], color=colors)
    ax_best.set_xticks(positions, [f"{s:g}" for s in result["settings"]])
    low = min(result["best_per_setting"])
    ax_best.set_ylim(0.9 * low, 1.05 * max(result["best_per_setting"]))
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
