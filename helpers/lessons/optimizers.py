"""Lesson 05a (optimizers): its loss surfaces, exercise checks, widgets and plots."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import numpy as np
from matplotlib import ticker
from matplotlib.figure import Figure

from helpers import checks
from helpers.widgets import LiveFigure

if TYPE_CHECKING:  # for type hints only; keras is imported where a function needs it
    import keras


# ------------------------------------------------------------ data
@dataclass(frozen=True)
class LossSurface:
    """A loss of two parameters ``theta = (x, y)`` to watch optimizers on.

    ``surface(theta)`` is the loss at one point, ``surface.gradient(theta)`` its gradient (an
    array of shape (2,)), and ``surface.loss(x, y)`` works on whole grids (for contour plots).
    ``start`` is where optimizers set off, ``xlim``/``ylim`` the region worth drawing,
    ``minima`` the lowest points and ``minimum_value`` the loss there.
    """

    name: str
    loss: Callable[[np.ndarray, np.ndarray], np.ndarray]
    partials: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
    start: tuple[float, float]
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    minima: tuple[tuple[float, float], ...]
    minimum_value: float = 0.0

    def __call__(self, theta) -> float:
        return float(self.loss(*_point(theta, self.name)))

    def gradient(self, theta) -> np.ndarray:
        """The gradient (df/dx, df/dy) at ``theta``, as a float64 array of shape (2,)."""
        return np.array(self.partials(*_point(theta, self.name)), dtype=np.float64)


def _point(theta, name: str) -> tuple[float, float]:
    point = _finite_pair(theta, f"the {name} surface expects a point theta = (x, y)")
    return point[0], point[1]


def _finite_pair(values, expected: str) -> np.ndarray:
    """``values`` as a float64 array of shape (2,), or a ValueError naming ``expected``."""
    try:
        pair = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{expected} of two numbers, got {values!r}") from None
    if pair.shape != (2,):
        raise ValueError(f"{expected} of shape (2,), got shape {pair.shape}")
    if not np.all(np.isfinite(pair)):
        raise ValueError(f"{expected} of two finite numbers, got {pair.tolist()}")
    return pair


def quadratic_surface(
    matrix,
    start: tuple[float, float] = (-4.5, 1.0),
    xlim: tuple[float, float] = (-5.0, 5.0),
    ylim: tuple[float, float] = (-1.6, 1.6),
    name: str = "quadratic",
) -> LossSurface:
    """The bowl ``f(theta) = 1/2 theta^T A theta`` for a symmetric positive-definite 2x2 ``A``.

    Its curvatures are the eigenvalues of ``A``; the minimum is 0, at the origin.
    """
    wanted = "quadratic_surface expects a symmetric positive-definite 2x2 matrix such as "
    try:
        a = np.asarray(matrix, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{wanted}[[1, 0], [0, 10]], got {matrix!r}") from None
    if (
        a.shape != (2, 2)
        or not np.all(np.isfinite(a))
        or not np.allclose(a, a.T)
        or np.any(np.linalg.eigvalsh(a) <= 0)
    ):
        raise ValueError(f"{wanted}[[1, 0], [0, 10]], got {a.tolist()}")
    start = tuple(_finite_pair(start, "quadratic_surface expects start = (x, y)"))
    for limits, label in [(xlim, "xlim"), (ylim, "ylim")]:
        low, high = _finite_pair(limits, f"quadratic_surface expects {label} = (low, high)")
        if not low < high:
            raise ValueError(f"quadratic_surface expects {label} = (low, high), low < high")
    if not isinstance(name, str):
        raise ValueError(f"quadratic_surface expects a name (text), got {name!r}")
    (a11, a12), (_, a22) = a
    return LossSurface(
        name=name,
        loss=lambda x, y: 0.5 * (a11 * x * x + 2 * a12 * x * y + a22 * y * y),
        partials=lambda x, y: (a11 * x + a12 * y, a12 * x + a22 * y),
        start=start,
        xlim=xlim,
        ylim=ylim,
        minima=((0.0, 0.0),),
    )


def _rosenbrock(x, y):
    return ((1 - x) ** 2 + 100 * (y - x * x) ** 2) / 50


def _rosenbrock_partials(x, y):
    return (-2 * (1 - x) - 400 * x * (y - x * x)) / 50, 200 * (y - x * x) / 50


def _saddle(x, y):
    return x * x / 2 + y**4 / 4 - y * y / 2


def _saddle_partials(x, y):
    return x, y**3 - y


def _cliff(x, y):
    return 0.05 * x * x + 0.5 * y * y + 2.5 * (1 - np.tanh(20 * (x + 0.5 * y + 2)))


def _cliff_partials(x, y):
    wall = -50 * (1 - np.tanh(20 * (x + 0.5 * y + 2)) ** 2)  # d/dz of the wall, z = x + y/2 + 2
    return 0.1 * x + wall, y + 0.5 * wall


LOSS_SURFACES = ("valley", "rosenbrock", "saddle", "rotated valley", "cliff")


def loss_surface(name: str) -> LossSurface:
    """One of the course's test surfaces, by name (see ``LOSS_SURFACES``).

    - ``"valley"``: an elongated bowl ``(0.1 x^2 + 10 y^2) / 2``; its curvatures differ 100-fold.
    - ``"rosenbrock"``: Rosenbrock's banana ``(1 - x)^2 + 100 (y - x^2)^2``, divided by 50 so that
      one learning rate suits all three surfaces; minimum 0 at (1, 1), start (-1.2, 1).
    - ``"saddle"``: ``x^2/2 + y^4/4 - y^2/2``, a saddle point at the origin between two minima
      (0, +-1) of value -1/4; the start lies almost on the ridge (y = 0.001).
    - ``"rotated valley"``: the valley turned by 45 degrees, start included: the same
      curvatures 0.1 and 10, along the diagonals (1, 1) and (-1, 1) instead of the axes;
      ``A = [[5.05, -4.95], [-4.95, 5.05]]``.
    - ``"cliff"``: the gentle bowl ``0.05 x^2 + 0.5 y^2`` with a wall of height 5 and slope up
      to 50 across the line ``x + y/2 = -2``: ``+ 2.5 (1 - tanh(20 (x + y/2 + 2)))``. The start
      (-2.5, 1) lies halfway up the wall, where the gradient is about 56 long.
    """
    if name == "valley":
        return quadratic_surface([[0.1, 0.0], [0.0, 10.0]], name="valley")
    if name == "rotated valley":
        return quadratic_surface(
            [[5.05, -4.95], [-4.95, 5.05]],  # R diag(0.1, 10) R^T, R a 45-degree rotation
            start=(-5.5 / math.sqrt(2), -3.5 / math.sqrt(2)),  # R (-4.5, 1), the valley's start
            xlim=(-5.0, 5.0),
            ylim=(-5.0, 5.0),
            name="rotated valley",
        )
    if name == "cliff":
        return LossSurface(
            "cliff",
            _cliff,
            _cliff_partials,
            start=(-2.5, 1.0),
            xlim=(-5.0, 5.0),
            ylim=(-3.0, 5.0),
            minima=((0.0, 0.0),),
        )
    if name == "rosenbrock":
        return LossSurface(
            "rosenbrock",
            _rosenbrock,
            _rosenbrock_partials,
            start=(-1.2, 1.0),
            xlim=(-2.0, 2.0),
            ylim=(-1.0, 3.0),
            minima=((1.0, 1.0),),
        )
    if name == "saddle":
        return LossSurface(
            "saddle",
            _saddle,
            _saddle_partials,
            start=(-1.5, 0.001),
            xlim=(-2.0, 2.0),
            ylim=(-1.6, 1.6),
            minima=((0.0, -1.0), (0.0, 1.0)),
            minimum_value=-0.25,
        )
    raise ValueError(f"loss_surface knows {list(LOSS_SURFACES)}, got {name!r}")


# ------------------------------------------------------------ plots
def plot_optimizer_paths(
    surface: LossSurface, paths: Mapping[str, np.ndarray], title: str | None = None
) -> Figure:
    """Optimizer trajectories on a two-parameter loss surface, and their loss step by step.

    ``surface``: a :class:`helpers.LossSurface` (``loss_surface("valley")``).
    ``paths``: ``{label: points}``, each of shape (steps + 1, 2): the points an optimizer
    visited, NaN after it diverged. Left: contour lines of the loss, the paths, the start
    (black dot) and the minima (stars). Right: loss minus its minimum, on a log scale; the
    legend gives each optimizer's final value.
    """
    _check_surface(surface, "plot_optimizer_paths")
    if not isinstance(paths, Mapping):
        raise ValueError(f"paths must be a dict {{label: points}}, got {type(paths).__name__}")
    if title is not None and not isinstance(title, str):
        raise ValueError(f"title must be text or None, got {title!r}")
    paths = {label: _path_points(label, points) for label, points in paths.items()}

    # Fixed margins instead of a layout engine: the widget redraws this figure on every change,
    # and constrained layout alone took about a third of each redraw.
    fig = Figure(figsize=(11.0, 4.2))
    fig.subplots_adjust(left=0.06, right=0.845, bottom=0.12, top=0.84, wspace=0.2)
    ax_map, ax_loss = fig.subplots(1, 2, width_ratios=[1.1, 1])
    # contours of log10(loss - minimum) at evenly spaced levels: the picture of a log colour
    # scale, without transforming the whole grid through a log norm on every redraw
    grid_x, grid_y, log_gap, levels = _contour_grid(surface)
    ax_map.contourf(grid_x, grid_y, log_gap, levels=levels, cmap="Blues_r", alpha=0.5)
    contour = dict(levels=levels, colors="grey", linewidths=0.5, negative_linestyles="solid")
    ax_map.contour(grid_x, grid_y, log_gap, **contour)
    for index, (label, points) in enumerate(paths.items()):
        color = f"C{index % 10}"
        on_map = points.copy()  # a path that leaves the view is drawn up to where it leaves
        outside = (np.abs(on_map[:, 0] - np.mean(surface.xlim)) > np.ptp(surface.xlim) / 2) | (
            np.abs(on_map[:, 1] - np.mean(surface.ylim)) > np.ptp(surface.ylim) / 2
        )
        if outside.any():
            on_map[int(np.argmax(outside)) + 1 :] = np.nan
        ax_map.plot(on_map[:, 0], on_map[:, 1], "-o", color=color, ms=2, lw=1.2, label=label)
        losses = surface.loss(points[:, 0], points[:, 1]) - surface.minimum_value
        finite = losses[np.isfinite(losses)]
        final = "diverged" if len(finite) < len(losses) else f"{finite[-1]:.1e}"
        steps = np.arange(len(points))
        ax_loss.plot(steps, np.maximum(losses, 1e-16), color=color, label=f"{label}: {final}")
    ax_map.plot(*surface.start, "ko", ms=6)
    for minimum in surface.minima:
        ax_map.plot(*minimum, "*", color="gold", mec="black", ms=14)
    ax_map.set(xlim=surface.xlim, ylim=surface.ylim, xlabel="parameter x", ylabel="parameter y")
    ax_map.set_title(f"{surface.name}: paths from the black dot")
    ax_map.grid(False)
    ax_loss.set_yscale("log")
    ax_loss.yaxis.set_major_formatter(ticker.FuncFormatter(_power_of_ten))  # 1e-3, not mathtext
    ax_loss.yaxis.set_minor_locator(ticker.NullLocator())  # 16 decades: minor ticks cost time
    ax_loss.set(xlabel="step", ylabel="loss - minimum (log scale)", title="loss above the minimum")
    if paths:  # one legend, beside the loss curves (never over them), with final losses
        ax_loss.legend(
            fontsize=8,
            title="after the last step",
            title_fontsize=8,
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            borderaxespad=0.0,
        )
    if title:
        fig.suptitle(title)
    return fig


def _contour_grid(surface: LossSurface) -> tuple[np.ndarray, ...]:
    """The 240 x 240 grid of log10(loss above its minimum), and 16 evenly spaced levels."""
    key = (surface.name, surface.xlim, surface.ylim, surface.minimum_value, surface.loss)
    if key not in _GRIDS:
        grid_x, grid_y = np.meshgrid(
            np.linspace(*surface.xlim, 240), np.linspace(*surface.ylim, 240)
        )
        gap = surface.loss(grid_x, grid_y) - surface.minimum_value
        levels = np.linspace(-3, np.log10(max(float(gap.max()), 1e-2)), 16)
        log_gap = np.log10(np.maximum(gap, 1e-12))  # a grid point on a minimum: below the levels
        _GRIDS[key] = (grid_x, grid_y, log_gap, levels)
        while len(_GRIDS) > 16:  # a few surfaces are enough to keep
            del _GRIDS[next(iter(_GRIDS))]
    return _GRIDS[key]


_GRIDS: dict[tuple, tuple[np.ndarray, ...]] = {}


def _power_of_ten(value: float, _position: int) -> str:
    return f"1e{round(math.log10(value))}" if value > 0 else ""


def _path_points(label, points) -> np.ndarray:
    try:
        array = np.asarray(points, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"path {label!r} must be an array of numbers, got {points!r}") from None
    if array.ndim != 2 or array.shape[1] != 2 or len(array) < 1:
        raise ValueError(f"path {label!r} must have shape (steps + 1, 2), got {array.shape}")
    if not np.all(np.isfinite(array[0])):
        raise ValueError(
            f"path {label!r} must start at a finite point (NaN or inf only after a divergence), "
            f"got {array[0].tolist()}"
        )
    return array


# ------------------------------------------------------------ exercise checks


def _adamax_variant(hyper: Mapping[str, float], mistake: str | None = None) -> Step:
    """Keras's Adamax (``mistake=None``) or the same with one of ``ADAMAX_MISTAKES``."""
    learning_rate, beta_1, beta_2, epsilon = (hyper[k] for k in ADAMAX_HYPERPARAMETERS)
    state = {"m": 0.0, "u": 0.0, "t": {"t from 0": -1, "t counted twice": 1}.get(mistake, 0)}

    def step(theta, gradient):
        if mistake == "state not kept":
            state.update(m=0.0, u=0.0, t=0)
        state["t"] += 1
        weight = 1.0 if mistake == "m not weighted" else 1 - beta_1
        state["m"] = m = beta_1 * state["m"] + weight * gradient
        size = gradient if mistake == "no absolute value" else np.abs(gradient)
        if mistake == "one u for all coordinates":
            size = np.max(size)
        if mistake == "u an average":
            state["u"] = beta_2 * state["u"] + (1 - beta_2) * size
        else:
            state["u"] = np.maximum(beta_2 * state["u"], size)
        correction = 1.0 if mistake == "no bias correction" else 1 - beta_1 ** state["t"]
        with np.errstate(divide="ignore", invalid="ignore"):
            if mistake == "epsilon outside":
                change = learning_rate * m / (correction * state["u"] + epsilon)
            elif mistake == "no epsilon":
                change = learning_rate * m / (correction * state["u"])
            else:
                change = learning_rate * m / (correction * (state["u"] + epsilon))
        if mistake == "returns the change":
            return -change
        return theta + change if mistake == "wrong sign" else theta - change

    return step


ADAMAX_HYPERPARAMETERS = ("learning_rate", "beta_1", "beta_2", "epsilon")
ADAMAX_MISTAKES = {  # what a student's Adamax may get wrong, and the hint that names it
    "no bias correction": "the step lacks the bias correction: divide by (1 - beta_1**t)",
    "t from 0": "t must count from 1 at the first step (add 1 to t before you use it); at "
    "t = 0 the bias correction 1 - beta_1**0 is 0",
    "t counted twice": "t is one ahead: it should be 1 at the first step (add 1 once per step)",
    "no absolute value": "u tracks the size of the gradient: max(beta_2 u, |g|) with "
    "np.abs(gradient); without it a negative gradient leaves u at 0",
    "u an average": "u is an exponentially weighted maximum, max(beta_2 u, |g|), not an "
    "average like Adam's v",
    "one u for all coordinates": "take the maximum coordinate by coordinate (np.maximum), "
    "not one maximum over all coordinates (np.max or max)",
    "m not weighted": "m is a weighted average: beta_1 m + (1 - beta_1) g",
    "no epsilon": "epsilon is missing: it matters where gradients are tiny, as near the "
    "saddle point; divide by (1 - beta_1**t) * (u + epsilon)",
    "epsilon outside": "epsilon belongs next to u: divide by (1 - beta_1**t) * (u + epsilon)",
    "returns the change": "return the new theta (theta minus the change), not the change",
    "wrong sign": "step against the gradient: theta minus the change, not plus",
    "state not kept": "the first step is right, but m, u and t start afresh at every call: "
    "keep them between calls (nonlocal variables in the step function)",
}


def exercise_adamax(make_adamax: Callable) -> checks.Verdict:
    """Exercise 05a.1: NumPy Adamax matched step for step to ``keras.optimizers.Adamax``.

    ``make_adamax(learning_rate, beta_1, beta_2, epsilon)`` returns a fresh step function
    ``step(theta, gradient) -> new theta``. Both run 30 steps on two surfaces, in float64.
    Where the answer departs from Keras, the check replays the same inputs through Adamax with
    each of ``ADAMAX_MISTAKES`` and names the mistake whose numbers the answer reproduces.
    """
    import keras

    name = "Adamax in NumPy, step for step like keras.optimizers.Adamax"
    cases = [
        ("rosenbrock", {"learning_rate": 0.05, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}),
        ("saddle", {"learning_rate": 0.02, "beta_1": 0.8, "beta_2": 0.95, "epsilon": 1e-3}),
    ]
    for surface_name, hyper in cases:
        surface = loss_surface(surface_name)
        step, problem = checks.attempt(make_adamax, **hyper)
        if problem is None and not callable(step):
            problem = f"make_adamax must return a step function, got {type(step).__name__}"
        if problem:
            return checks.verdict(name, problem)
        # float64 hyperparameters: Keras would otherwise round Python floats to float32
        optimizer = keras.optimizers.Adamax(**{k: np.float64(v) for k, v in hyper.items()})
        variable = keras.Variable(np.array(surface.start), dtype="float64")
        theta, inputs = np.array(surface.start), []
        for t in range(1, 31):
            inputs.append((theta.copy(), surface.gradient(theta)))
            new_theta, problem = checks.attempt(step, *(a.copy() for a in inputs[-1]))
            optimizer.apply([surface.gradient(variable.numpy())], [variable])
            where = f"theta after step {t} on the {surface_name} surface ({hyper})"
            problem = problem or checks.compare(
                where, new_theta, variable.numpy(), rtol=1e-6, atol=1e-9
            )
            if problem and new_theta is not None:
                problem += ". Hint: " + _adamax_mistake(hyper, inputs, new_theta, t)
            if problem:
                return checks.verdict(name, problem)
            theta = np.asarray(new_theta, dtype=float)
    return checks.verdict(name, None)


def _adamax_mistake(hyper, inputs, answer, t: int) -> str:
    """The hint for the mistake whose Adamax turns the same inputs into ``answer``."""
    try:
        answer = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return "return the new theta, an array of two numbers"
    for mistake, hint in ADAMAX_MISTAKES.items():
        variant = _adamax_variant(hyper, mistake)
        for theta, gradient in inputs:
            expected = variant(theta.copy(), gradient.copy())
        if answer.shape == np.shape(expected) and np.allclose(
            answer, expected, rtol=1e-6, atol=1e-9, equal_nan=True
        ):
            return hint
    if t == 1:
        return (
            "at step t = 1, m = (1 - beta_1) g and u = |g|; Keras moves theta by "
            "learning_rate * m / ((1 - beta_1**t) * (u + epsilon)), with t counting from 1"
        )
    return (
        "the first step is right, so look at what is kept between calls: m = beta_1 m + "
        "(1 - beta_1) g, u = max(beta_2 u, |g|), and t += 1 (use nonlocal in the step function)"
    )


LARGEST_RATE_MATRIX = ((3.0, 2.0), (2.0, 6.0))  # the bowl of exercise 05a.2
MOMENTUM_RATE_MATRIX = ((5.0, 2.0), (2.0, 2.0))  # the bowl of exercise 05a.3
MOMENTUM_RATE_GAMMA = 0.8  # its momentum


def _read_rate(name: str, learning_rate) -> tuple[float | None, checks.Verdict | None]:
    """A student's learning rate as one float, or the verdict that explains why it is not one."""
    if learning_rate is None:
        return None, checks.verdict(name, "no answer yet (None)")
    if np.ndim(learning_rate) > 0 and np.size(learning_rate) > 1:
        return None, checks.verdict(
            name,
            f"you gave {np.size(learning_rate)} numbers, {np.ravel(learning_rate).tolist()}: "
            "give one learning rate (which of your numbers limits gradient descent?)",
        )
    if isinstance(learning_rate, bool | np.bool_):
        return None, checks.verdict(
            name, f"expected a number, got the yes/no value {learning_rate}"
        )
    try:
        value = (
            float(np.ravel(learning_rate)[0]) if np.ndim(learning_rate) else float(learning_rate)
        )
    except (TypeError, ValueError, IndexError):
        return None, checks.verdict(name, f"expected a number, got {learning_rate!r}")
    return value, None


def exercise_largest_learning_rate(learning_rate: float) -> checks.Verdict:
    """Exercise 05a.2: the largest learning rate at which plain gradient descent still converges
    on the bowl ``f = 1/2 theta^T A theta`` with ``A = LARGEST_RATE_MATRIX``."""
    name = "largest learning rate for plain gradient descent on the tilted bowl"
    matrix = np.array(LARGEST_RATE_MATRIX)
    limit = 2 / np.linalg.eigvalsh(matrix).max()
    value, refusal = _read_rate(name, learning_rate)
    if refusal is not None:
        return refusal
    if 0.97 * limit <= value <= 1.01 * limit:
        return checks.verdict(name, None)
    if value <= 0 or not math.isfinite(value):
        return checks.verdict(name, f"a learning rate is a positive number, got {value}")
    curvatures = np.linalg.eigvalsh(matrix)
    diagonal = [2 / matrix[1, 1], 2 / matrix[0, 0]]
    if math.isclose(value, 2 / curvatures.min(), rel_tol=0.02):
        problem = (
            f"{value:.4g} is 2 over the gentlest curvature of the bowl; along the steepest "
            "direction gradient descent overshoots more at every step at this rate"
        )
    elif math.isclose(value, 1 / curvatures.max(), rel_tol=0.02):
        problem = (
            f"at {value:.4g} one step along the steepest direction lands exactly on the "
            "minimum, but gradient descent still converges at larger rates, overshooting less "
            "each time: raise the rate until the loss stops going down"
        )
    elif any(math.isclose(value, d, rel_tol=0.02) for d in diagonal):
        problem = (
            f"{value:.4g} would be right if the bowl were aligned with the axes. The diagonal "
            "entries are the curvatures along x and y, but this bowl is tilted: its steepest "
            "curvature lies along an eigenvector of A (np.linalg.eigvalsh), or simply "
            "find the limit by running gradient descent"
        )
    elif value > limit:
        problem = (
            f"at learning rate {value:.4g} plain gradient descent diverges on this bowl: the "
            "loss grows step after step. Try smaller rates"
        )
    else:
        problem = (
            f"gradient descent still converges at rates above {value:.4g}: keep raising it "
            "until the loss stops going down (bisection helps)"
        )
    return checks.verdict(name, problem)


def exercise_momentum_learning_rate(learning_rate: float) -> checks.Verdict:
    """Exercise 05a.3: the largest learning rate at which heavy-ball momentum (Keras's
    ``SGD(learning_rate, momentum=MOMENTUM_RATE_GAMMA)``) still converges on the bowl
    ``f = 1/2 theta^T A theta`` with ``A = MOMENTUM_RATE_MATRIX``: 2 (1 + gamma) / lambda_max."""
    name = "largest learning rate for momentum 0.8 on the bowl [[5, 2], [2, 2]]"
    gamma, matrix = MOMENTUM_RATE_GAMMA, np.array(MOMENTUM_RATE_MATRIX)
    gentlest, steepest = np.linalg.eigvalsh(matrix)
    limit = 2 * (1 + gamma) / steepest
    value, refusal = _read_rate(name, learning_rate)
    if refusal is not None:
        return refusal
    if 0.97 * limit <= value <= 1.01 * limit:
        return checks.verdict(name, None)
    if value <= 0 or not math.isfinite(value):
        return checks.verdict(name, f"a learning rate is a positive number, got {value}")
    mistakes = [  # (the number a mistake gives, its hint)
        (
            2 / steepest,
            "is 2 / lambda_max, plain gradient descent's limit (or momentum's with the factor "
            "(1 + gamma) forgotten): momentum converges at larger rates, up to "
            "2 (1 + gamma) / lambda_max",
        ),
        (
            2 * (1 + gamma) / gentlest,
            "uses the gentlest curvature (the smallest eigenvalue of A); the steepest one "
            "sets the limit, as for plain gradient descent",
        ),
        (
            2 * (1 + gamma) / ((1 + 2 * gamma) * steepest),
            "is Nesterov's limit, 2 (1 + gamma) / ((1 + 2 gamma) lambda); the question is about "
            "heavy-ball momentum, SGD(momentum=0.8) without nesterov=True",
        ),
        (
            2 * (1 - gamma) / steepest,
            "has (1 - gamma) where the limit has (1 + gamma): the eigenvalue that crosses -1 "
            "gives 2 + 2 gamma - alpha lambda > 0",
        ),
        ((1 + gamma) / steepest, "lacks the factor 2: the limit is 2 (1 + gamma) / lambda_max"),
    ]
    for diagonal in np.diag(matrix):
        mistakes.append(
            (
                2 * (1 + gamma) / diagonal,
                "divides by a diagonal entry of A; this bowl is tilted, so its curvatures "
                "are the eigenvalues of A (np.linalg.eigvalsh)",
            )
        )
    for number, hint in mistakes:
        if math.isclose(value, number, rel_tol=0.02):
            return checks.verdict(name, f"{value:.4g} {hint}")
    if value > limit:
        problem = (
            f"at learning rate {value:.4g} momentum diverges on this bowl: one eigenvalue of the "
            "iteration matrix lies outside the unit circle. Try smaller rates"
        )
    else:
        problem = (
            f"momentum still converges at rates above {value:.4g}: keep raising it until the "
            "loss stops going down (or use the formula for the limit)"
        )
    return checks.verdict(name, problem)


# ------------------------------------------------------------ widgets


Step = Callable[[np.ndarray, np.ndarray], np.ndarray]  # step(theta, gradient) -> new theta
DIVERGED = 1e6  # a path that gets this far from the origin has diverged
# The race's learning rates: round values, plus those near the valley's limits (GD 0.2,
# Nesterov 0.136 and Momentum 0.38 at momentum 0.9) that the lesson suggests trying.
RACE_LEARNING_RATES = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.13, 0.14, 0.19, 0.2)
RACE_LEARNING_RATES += (0.21, 0.22, 0.3, 0.37, 0.39, 0.5, 1.0)


def optimizer_path(step: Step, surface: LossSurface, steps: int, start=None) -> np.ndarray:
    """Run an optimizer on a loss surface; return the points it visits, shape (steps + 1, 2).

    ``step(theta, gradient)`` returns the next point; it keeps whatever state it needs
    (velocities, averages) between calls, so pass a fresh one for every run. The path starts
    at ``start`` (default ``surface.start``). Once a point is not finite or lies beyond
    ``DIVERGED``, the run stops and the rest of the path is NaN.
    """
    if not callable(step):
        raise ValueError(f"optimizer_path expects a step function, got {type(step).__name__}")
    if not isinstance(steps, int | np.integer) or isinstance(steps, bool) or steps < 1:
        raise ValueError(f"steps must be a positive whole number, got {steps!r}")
    _check_surface(surface, "optimizer_path")
    theta = _finite_pair(surface.start if start is None else start, "start must be a point (x, y)")
    path = np.full((steps + 1, 2), np.nan)
    path[0] = theta
    for index in range(1, steps + 1):
        try:
            theta = np.asarray(step(theta, surface.gradient(theta)), dtype=np.float64)
        except TypeError as error:  # e.g. math.sqrt or float() on the array of two gradients
            raise ValueError(
                "the step function must work on NumPy arrays of shape (2,), both theta and the "
                f"gradient (np.sqrt, not math.sqrt; no float(...)): it raised TypeError: {error}"
            ) from error
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
    surface: LossSurface,
    learning_rate: float,
    momentum: float,
    steps: int,
    cache: dict | None = None,
) -> dict[str, Any]:
    """Run each ``makers[name](learning_rate, momentum)`` on ``surface`` for ``steps`` steps.

    Returns the surface, the settings, ``paths`` ({name: points}) and ``final_gap``
    ({name: loss above the minimum after the last step, inf if the run diverged}).
    ``cache`` (optional, a dict the caller keeps): paths computed before with the same
    settings are taken from it, new ones stored in it (the widget reruns only what changed).
    """
    _check_makers(makers, allow_empty=True)  # a race with no racers draws just the surface
    _check_surface(surface, "race_optimizers")
    _check_settings(learning_rate, momentum, steps)
    if cache is not None and not isinstance(cache, dict):
        raise ValueError(f"cache must be a dict (or None), got {type(cache).__name__}")
    paths = {}
    for name, make in makers.items():
        key = (name, make, surface, learning_rate, momentum, steps)
        if cache is None or key not in cache:
            path = optimizer_path(make(learning_rate, momentum), surface, steps)
            if cache is None:
                paths[name] = path
                continue
            if len(cache) >= 2000:  # about 8 MB of paths: start afresh
                cache.clear()
            cache[key] = path
        paths[name] = cache[key]
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


def _check_settings(learning_rate, momentum, steps) -> None:
    def number(value) -> bool:
        return isinstance(value, int | float | np.number) and not isinstance(value, bool | np.bool_)

    if not (number(learning_rate) and 0 < learning_rate < np.inf):
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}")
    if not (number(momentum) and 0 <= momentum < 1):
        raise ValueError(f"momentum must be a number in [0, 1), such as 0.9, got {momentum!r}")
    if not isinstance(steps, int | np.integer) or isinstance(steps, bool) or steps < 1:
        raise ValueError(f"steps must be a positive whole number, got {steps!r}")


def _check_surface(surface, function: str) -> None:
    if not isinstance(surface, LossSurface):
        raise ValueError(
            f"{function} expects a LossSurface such as loss_surface('valley'), got "
            f"{type(surface).__name__}"
        )


def draw_race(result: Mapping[str, Any]) -> Figure:
    """Draw a :func:`race_optimizers` result: paths on the contour map, loss per step."""
    keys = ("surface", "paths", "learning_rate", "momentum")
    if not isinstance(result, Mapping) or not all(key in result for key in keys):
        raise ValueError(f"draw_race expects the dict that race_optimizers returns, got {result!r}")
    _check_settings(result["learning_rate"], result["momentum"], 1)
    return plot_optimizer_paths(
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
    _check_settings(learning_rate, momentum, steps)
    if not 10 <= steps <= 500:
        raise ValueError(f"steps must be between 10 and 500 (the slider's range), got {steps}")
    if isinstance(racers, str) or not isinstance(racers, tuple | list):
        raise ValueError(f"racers must be a tuple of optimizer names, got {racers!r}")
    rates = sorted({*RACE_LEARNING_RATES, float(learning_rate)})  # the start value is on the slider
    unknown = [name for name in racers if name not in makers]
    if unknown:
        raise ValueError(f"racers {unknown} are not among the optimizers {list(makers)}")
    controls = {
        "surface": widgets.Dropdown(options=list(LOSS_SURFACES), description="surface"),
        "racers": widgets.SelectMultiple(
            options=list(makers),
            value=tuple(racers),
            rows=min(len(makers), 9),
            description="optimizers",
        ),
        # the sliders redraw when released, not at every value passed while dragging
        "learning_rate": widgets.SelectionSlider(
            options=[(f"{rate:g}", rate) for rate in rates],
            value=learning_rate,
            description="learning rate",
            continuous_update=False,
        ),
        "momentum": widgets.FloatSlider(
            value=momentum,
            min=0.0,
            max=0.99,
            step=0.01,
            description="momentum/β₁",
            continuous_update=False,
        ),
        "steps": widgets.IntSlider(
            value=steps, min=10, max=500, step=10, description="steps", continuous_update=False
        ),
    }
    surfaces = {name: loss_surface(name) for name in LOSS_SURFACES}
    cache: dict = {}  # paths already run: a change reruns only the racers it affects

    def compute(surface, racers, learning_rate, momentum, steps):
        chosen = {name: makers[name] for name in racers}
        return race_optimizers(chosen, surfaces[surface], learning_rate, momentum, steps, cache)

    return LiveFigure(controls, compute, draw_race)


def keras_path(
    optimizer: keras.optimizers.Optimizer,
    surface: LossSurface,
    steps: int,
    float64_settings: bool = True,
) -> np.ndarray:
    """The points a Keras optimizer visits on ``surface``, computed in float64.

    The parameters are a float64 ``keras.Variable`` at ``surface.start`` and every step calls
    ``optimizer.apply([gradient], [theta])``: the oracle the lesson's NumPy optimizers must match.
    With ``float64_settings`` the optimizer's float settings (learning rate, betas...) are turned
    into float64 first, in a copy made from its config; without, Keras keeps them in float32.
    """
    import keras

    if not isinstance(optimizer, keras.optimizers.Optimizer):
        raise ValueError(
            f"keras_path expects a Keras optimizer such as keras.optimizers.Adam(0.05), got "
            f"{type(optimizer).__name__}"
        )
    if not isinstance(surface, LossSurface):
        raise ValueError(
            f"keras_path expects a LossSurface (lesson.loss_surface(name)), got {surface!r}"
        )
    if float64_settings:
        config = optimizer.get_config()
        config.update({key: np.float64(v) for key, v in config.items() if isinstance(v, float)})
        optimizer = type(optimizer).from_config(config)
    theta = keras.Variable(np.array(surface.start), dtype="float64")

    def step(point: np.ndarray, gradient: np.ndarray) -> np.ndarray:
        optimizer.apply([gradient], [theta])  # Keras updates theta in place
        return theta.numpy()

    return optimizer_path(step, surface, steps)
