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


# ------------------------------------------------------------ 02: a network from scratch
# (lesson 02 widgets go here)


# ------------------------------------------------------------ 03: MNIST multilayer perceptrons
# (lesson 03 widgets go here)


# ------------------------------------------------------------ 04: the 4-pixel camera
# (lesson 04 widgets go here)


# ------------------------------------------------------------ 05: gradient descent and optimizers
# (lesson 05 widgets go here)

from helpers import datasets, plotting  # the loss surfaces and the drawing of a race

Step = Callable[[np.ndarray, np.ndarray], np.ndarray]  # step(theta, gradient) -> new theta
DIVERGED = 1e6  # a path that gets this far from the origin has diverged


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
    function ``step(theta, gradient) -> new theta`` (the lesson's NumPy optimizers). Every
    change reruns the chosen optimizers from the start: a few hundred NumPy steps.
    """
    _check_makers(makers)
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
        "learning_rate": widgets.FloatLogSlider(
            value=learning_rate,
            base=10,
            min=-3,
            max=0,
            step=0.05,
            description="learning rate",
            readout_format=".3g",
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
# (lesson 06 widgets go here)
