"""Plots for the course. Every function validates its input and returns a matplotlib Figure.

Figures are built with ``matplotlib.figure.Figure`` rather than ``pyplot``: nothing is drawn
twice in a notebook, nothing accumulates in memory, and the last expression of a cell displays
the figure. Call :func:`use_course_style` once per lesson for the course's look.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

if TYPE_CHECKING:  # for type hints only; plotting needs nothing else from datasets
    from helpers.datasets import LossSurface

COURSE_STYLE = {
    "figure.figsize": (8.0, 4.0),
    "figure.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.frameon": False,
    "image.cmap": "gray",
}


def use_course_style() -> None:
    """Apply the course's matplotlib style (grid, no top/right spines, readable sizes).

    It also loads pyplot's backend: in Jupyter that registers the inline display of figures,
    so the Figures this module returns show even before any pyplot figure has been made.
    """
    import matplotlib.pyplot as plt

    plt.switch_backend(mpl.get_backend())
    mpl.rcParams.update(COURSE_STYLE)


def plot_functions(
    functions: Mapping[str, Callable[[np.ndarray], np.ndarray]],
    derivatives: Mapping[str, Callable[[np.ndarray], np.ndarray]] | None = None,
    x: np.ndarray | None = None,
    title: str | None = None,
    ylim: tuple[float, float] | None = None,
    variable: str = "z",
) -> Figure:
    """Plot named functions of one variable; with ``derivatives``, their derivatives beside them.

    ``functions`` maps a label to a vectorized function ``g(x) -> array of x.shape``.
    ``derivatives`` (optional) maps the same labels to ``g'(x)``; it gets its own panel, drawn in
    the same colour as its function. ``x`` defaults to 401 points on [-5, 5]. ``variable`` names
    the input on the axis labels (``z``, the usual name of an activation's input).
    """
    if not isinstance(functions, Mapping) or not functions:
        raise ValueError(
            "plot_functions expects a non-empty dict {label: function}, "
            f"got {type(functions).__name__}"
        )
    if derivatives is not None:
        if not isinstance(derivatives, Mapping):
            raise ValueError("plot_functions expects derivatives as a dict {label: function}")
        unknown = set(derivatives) - set(functions)
        if unknown:
            raise ValueError(f"derivatives given for unknown functions {sorted(unknown)}")
    x = np.linspace(-5.0, 5.0, 401) if x is None else np.asarray(x, dtype=float)
    if x.ndim != 1 or x.size < 2:
        raise ValueError(f"plot_functions expects x of shape (n,) with n >= 2, got {x.shape}")

    panels = 2 if derivatives else 1
    fig = Figure(figsize=(5.0 * panels, 3.8), layout="constrained")
    axes = fig.subplots(1, panels, squeeze=False)[0]
    for index, (label, function) in enumerate(functions.items()):
        color = f"C{index % 10}"
        axes[0].plot(x, _evaluate(function, x, label), color=color, label=label)
        if derivatives and label in derivatives:
            axes[1].plot(x, _evaluate(derivatives[label], x, label), color=color, label=label)
    axes[0].set(xlabel=variable, ylabel=f"g({variable})", title="function")
    if derivatives:
        axes[1].set(xlabel=variable, ylabel=f"g'({variable})", title="derivative")
    for ax in axes:
        ax.axhline(0, color="black", linewidth=0.6)
        ax.axvline(0, color="black", linewidth=0.6)
        if ylim is not None:
            ax.set_ylim(*ylim)
        ax.legend(fontsize=9)
    if title:
        fig.suptitle(title)
    return fig


def _evaluate(function: Callable, x: np.ndarray, label: str) -> np.ndarray:
    y = np.asarray(function(x), dtype=float)
    if y.shape != x.shape:
        raise ValueError(
            f"function {label!r} must return an array of the same shape as x {x.shape}, "
            f"got {y.shape}; make it vectorized (use np.exp, np.maximum ... not math.*)"
        )
    return y


def show_images(
    images: np.ndarray | Sequence[np.ndarray],
    labels: Sequence | np.ndarray | None = None,
    ncols: int = 10,
    cmap: str = "gray",
    vmin: float | None = None,
    vmax: float | None = None,
    size: float = 1.2,
    title: str | None = None,
) -> Figure:
    """Show any number of images in a grid of ``ncols`` columns, with optional captions.

    ``images``: shape (n, height, width) for grey images or (n, height, width, channels) with
    1, 3 or 4 channels. ``labels``: n captions (numbers or strings), or None.
    """
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim not in (3, 4) or (images.ndim == 4 and images.shape[-1] not in (3, 4)):
        raise ValueError(
            "show_images expects images of shape (n, height, width) or (n, height, width, 3), "
            f"got {images.shape}; for a single image pass images[None], for flat vectors "
            "reshape first, e.g. x.reshape(-1, 28, 28)"
        )
    n = len(images)
    if n == 0:
        raise ValueError(f"show_images got no images (shape {images.shape})")
    if labels is not None and len(labels) != n:
        raise ValueError(f"show_images got {n} images but {len(labels)} labels")
    if not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols must be a positive integer, got {ncols!r}")

    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    caption_room = 0.3 if labels is not None else 0.0
    fig = Figure(figsize=(size * ncols, (size + caption_room) * nrows + (0.4 if title else 0)))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for index, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if index >= n:
            continue
        ax.imshow(images[index], cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
        if labels is not None:
            ax.set_title(str(labels[index]), fontsize=10)
    if title:
        fig.suptitle(title)
    fig.set_layout_engine("constrained")
    return fig


def plot_history(
    history,
    metrics: Sequence[str] = ("loss",),
    title: str | None = None,
    log_y: bool = False,
) -> Figure:
    """Learning curves: one panel per metric, training solid and validation dashed.

    ``history``: a Keras ``History``, its ``.history`` dict, or a dict of labelled runs
    ``{"sigmoid": history_a, "relu": history_b}`` to compare several runs on the same axes.
    """
    runs = _as_runs(history)
    if isinstance(metrics, str):
        metrics = [metrics]
    for label, run in runs.items():
        missing = [m for m in metrics if m not in run]
        if missing:
            raise ValueError(
                f"metric(s) {missing} not in history {label!r}; it has {sorted(run)}. "
                "Pass one of those, e.g. metrics=['loss', 'accuracy']"
            )
    fig = Figure(figsize=(4.5 * len(metrics), 3.5), layout="constrained")
    axes = fig.subplots(1, len(metrics), squeeze=False)[0]
    for ax, metric in zip(axes, metrics, strict=True):
        for index, (label, run) in enumerate(runs.items()):
            color = f"C{index % 10}"
            prefix = f"{label}: " if len(runs) > 1 else ""
            epochs = np.arange(1, len(run[metric]) + 1)
            ax.plot(epochs, run[metric], "-o", color=color, ms=3, label=f"{prefix}training")
            if f"val_{metric}" in run:
                ax.plot(
                    epochs,
                    run[f"val_{metric}"],
                    "--s",
                    color=color,
                    ms=3,
                    label=f"{prefix}validation",
                )
        ax.set(xlabel="epoch", ylabel=metric, title=metric)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if log_y:
            ax.set_yscale("log")
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    return fig


def _as_runs(history) -> dict[str, dict[str, Sequence[float]]]:
    """Normalize the accepted history forms to {label: {metric: values}}."""
    if hasattr(history, "history"):
        return {"": history.history}
    if isinstance(history, Mapping) and history:
        values = list(history.values())
        if all(hasattr(v, "history") or isinstance(v, Mapping) for v in values):
            return {
                str(label): (run.history if hasattr(run, "history") else run)
                for label, run in history.items()
            }
        if all(isinstance(v, Sequence | np.ndarray) for v in values):
            return {"": history}
    raise ValueError(
        "plot_history expects a Keras History (what model.fit returns), its .history dict, "
        f"or a dict of labelled histories; got {type(history).__name__}"
    )


def plot_probabilities(
    probabilities: np.ndarray,
    class_names: Sequence[str] | None = None,
    true_label: int | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Bar chart of one prediction's class probabilities; the true class (if given) in green.

    The predicted class is red (green if it is the true one). ``ax`` (optional): draw on these
    Axes, e.g. one panel of a bigger figure, and return their figure; by default a new Figure
    sized for the class names.
    """
    probabilities = np.asarray(probabilities, dtype=float)
    if probabilities.ndim != 1:
        raise ValueError(
            "plot_probabilities expects one prediction of shape (num_classes,), "
            f"got {probabilities.shape}; for a batch pass probabilities[i]"
        )
    num_classes = probabilities.size
    names = [str(i) for i in range(num_classes)] if class_names is None else list(class_names)
    if len(names) != num_classes:
        raise ValueError(f"got {num_classes} probabilities but {len(names)} class names")
    if true_label is not None and not 0 <= true_label < num_classes:
        raise ValueError(f"true_label must be in 0..{num_classes - 1}, got {true_label}")
    if ax is not None and not isinstance(ax, Axes):
        raise ValueError(
            f"ax must be matplotlib Axes (e.g. from fig.subplots()), got {type(ax).__name__}"
        )

    if ax is None:
        longest_name = max(len(name) for name in names)
        bar_width = max(0.45, 0.085 * longest_name)  # inches per class: room for each name
        fig = Figure(figsize=(max(3.0, bar_width * num_classes + 1.0), 2.8), layout="constrained")
        ax = fig.subplots()
    colors = ["C0"] * num_classes
    predicted = int(np.argmax(probabilities))
    colors[predicted] = "C3"
    if true_label is not None:
        colors[true_label] = "C2"
    ax.bar(range(num_classes), probabilities, color=colors)
    ax.set_xticks(range(num_classes), names)
    ax.set_ylim(0, 1)
    ax.set(xlabel="class", ylabel="probability")
    ax.set_title(title or f"predicted: {names[predicted]} ({probabilities[predicted]:.2f})")
    return ax.figure


def plot_confusion_matrix(
    matrix: np.ndarray,
    class_names: Sequence[str] | None = None,
    title: str = "confusion matrix",
) -> Figure:
    """Heat map of a confusion matrix (rows: true class, columns: predicted), counts printed."""
    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(
            f"plot_confusion_matrix expects a square matrix (num_classes, num_classes), "
            f"got {matrix.shape}; compute it with tf.math.confusion_matrix(y_true, y_pred)"
        )
    num_classes = matrix.shape[0]
    names = [str(i) for i in range(num_classes)] if class_names is None else list(class_names)
    if len(names) != num_classes:
        raise ValueError(f"got a {num_classes}-class matrix but {len(names)} class names")

    fig = Figure(figsize=(0.55 * num_classes + 2.0, 0.55 * num_classes + 1.5), layout="constrained")
    ax = fig.subplots()
    # The errors are what matter: colour the off-diagonal cells on their own scale, and draw the
    # (much larger) diagonal of correct answers on a neutral grey.
    diagonal = np.eye(num_classes, dtype=bool)
    off_diagonal = matrix[~diagonal]
    top = max(float(off_diagonal.max()) if off_diagonal.size else 1.0, 1.0)
    cmap = mpl.colormaps["Reds"].with_extremes(bad="#dddddd")
    ax.imshow(np.ma.masked_array(matrix, mask=diagonal), cmap=cmap, vmin=0, vmax=top)
    for i in range(num_classes):
        for j in range(num_classes):
            color = "white" if i != j and matrix[i, j] > 0.6 * top else "black"
            weight = "bold" if i == j else "normal"
            ax.text(
                j, i, f"{matrix[i, j]:g}", ha="center", va="center", fontsize=8, color=color,
                fontweight=weight,
            )  # fmt: skip
    ax.set_xticks(range(num_classes), names)
    ax.set_yticks(range(num_classes), names)
    ax.set(xlabel="predicted", ylabel="true", title=title)
    ax.grid(False)
    return fig


# ------------------------------------------------------------ added for later lessons


def plot_nested_sets(
    sets: Sequence[tuple[str, str]],
    title: str | None = None,
) -> Figure:
    """Nested fields as boxes inside boxes, the first one outermost (e.g. AI > ML > DL).

    ``sets``: ``(name, caption)`` pairs, from the widest field to the narrowest; the caption
    may hold line breaks (``"\\n"``). Each box shows its name in bold with the caption below.
    """
    from matplotlib.patches import FancyBboxPatch

    if isinstance(sets, str | bytes) or not isinstance(sets, Sequence) or not sets:
        raise ValueError(
            "plot_nested_sets expects a non-empty list of (name, caption) pairs, "
            f"widest first; got {sets!r}"
        )
    for item in sets:
        if not (
            isinstance(item, tuple) and len(item) == 2 and all(isinstance(t, str) for t in item)
        ):
            raise ValueError(
                f"plot_nested_sets expects each set as a pair of strings (name, caption), "
                f"got {item!r}"
            )
    n = len(sets)
    band = 1.7  # height of the strip at the top of each box that holds its text
    inset = 0.55  # horizontal margin between a box and the next one inside it
    width, height = 10.0, band * n + 0.6
    fills = ["#dbe9f6", "#fde7cf", "#d9f0d3", "#eadcf2", "#f6d5d5"]
    fig = Figure(figsize=(7.5, 0.75 * height + (0.45 if title else 0.1)), layout="constrained")
    ax = fig.subplots()
    for level, (name, caption) in enumerate(sets):
        left, bottom = level * inset, level * 0.2
        box_width, box_height = width - 2 * left, height - level * (band + 0.2)
        ax.add_patch(
            FancyBboxPatch(
                (left, bottom),
                box_width,
                box_height,
                boxstyle="round,pad=0,rounding_size=0.35",
                facecolor=fills[level % len(fills)],
                edgecolor=f"C{level % 10}",
                linewidth=1.5,
            )
        )
        top = bottom + box_height
        ax.text(width / 2, top - 0.35, name, ha="center", va="top", fontsize=13, weight="bold")
        ax.text(width / 2, top - 0.8, caption, ha="center", va="top", fontsize=9.5)
    ax.set(xlim=(-0.1, width + 0.1), ylim=(-0.1, height + 0.1), aspect="equal")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return fig


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
    if not isinstance(steps_per_epoch, int | np.integer) or steps_per_epoch < 1:
        raise ValueError(f"steps_per_epoch must be a positive integer, got {steps_per_epoch!r}")
    if not isinstance(window, int | np.integer) or window < 1:
        raise ValueError(f"window must be a positive integer, got {window!r}")
    series = {}
    for label, values in costs.items():
        values = np.asarray(values, dtype=float)
        if values.ndim != 1 or values.size < window:
            raise ValueError(
                f"costs[{label!r}] must be a 1-D sequence of at least window={window} batch "
                f"costs, got shape {values.shape}"
            )
        series[label] = values
    accuracy = dict(accuracy or {})
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
            values = np.asarray(values, dtype=float)
            if values.ndim != 1 or values.size == 0:
                raise ValueError(f"accuracy[{label!r}] must be one value per epoch")
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


# ---- 05: labelled curves; optimizer paths on a loss surface


def plot_curves(
    curves: Mapping[str, tuple[Sequence[float] | np.ndarray, Sequence[float] | np.ndarray]],
    xlabel: str,
    ylabel: str,
    title: str,
    log_x: bool = False,
    log_y: bool = False,
    markers: bool = False,
    legend_columns: int = 1,
) -> Figure:
    """Several labelled curves on one pair of axes: ``curves = {label: (x, y)}``.

    ``log_x``/``log_y`` use logarithmic axes (non-positive values are left out of the line);
    ``markers`` marks every point, which helps when curves have few points (one per epoch).
    """
    if not isinstance(curves, Mapping) or not curves:
        raise ValueError(
            f"plot_curves expects a non-empty dict {{label: (x, y)}}, got {type(curves).__name__}"
        )
    fig = Figure(figsize=(6.5 if len(curves) <= 5 else 8.0, 3.8), layout="constrained")
    ax = fig.subplots()
    whole_x = True
    for label, pair in curves.items():
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise ValueError(f"curves[{label!r}] must be a pair (x, y)")
        x, y = (np.asarray(values, dtype=float) for values in pair)
        if x.ndim != 1 or x.shape != y.shape:
            raise ValueError(
                f"curves[{label!r}] needs x and y of the same shape (n,), got {x.shape} and "
                f"{y.shape}"
            )
        whole_x = whole_x and bool(np.all(x == np.round(x)))
        if log_x:
            x = np.where(x > 0, x, np.nan)
        if log_y:
            y = np.where(y > 0, y, np.nan)
        ax.plot(x, y, "-o" if markers else "-", ms=3, label=str(label))
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    if log_x:
        ax.set_xscale("log")
    if log_y:
        ax.set_yscale("log")
    if whole_x and not log_x:  # epochs, layers: no ticks between whole numbers
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if len(curves) <= 5:
        ax.legend(fontsize=8, ncols=legend_columns)
    else:  # many curves: the legend goes beside the axes, not over the lines
        ax.legend(fontsize=8, ncols=legend_columns, loc="center left", bbox_to_anchor=(1, 0.5))
    return fig


def plot_optimizer_paths(
    surface: LossSurface, paths: Mapping[str, np.ndarray], title: str | None = None
) -> Figure:
    """Optimizer trajectories on a two-parameter loss surface, and their loss step by step.

    ``surface``: a :class:`helpers.datasets.LossSurface` (``datasets.loss_surface("valley")``).
    ``paths``: ``{label: points}``, each of shape (steps + 1, 2): the points an optimizer
    visited, NaN after it diverged. Left: contour lines of the loss, the paths, the start
    (black dot) and the minima (stars). Right: loss minus its minimum, on a log scale; the
    legend gives each optimizer's final value.
    """
    for attribute in ("loss", "xlim", "ylim", "minima", "minimum_value", "start", "name"):
        if not hasattr(surface, attribute):
            raise ValueError(
                "plot_optimizer_paths expects a LossSurface such as "
                f"datasets.loss_surface('valley'), got {type(surface).__name__}"
            )
    if not isinstance(paths, Mapping):
        raise ValueError(f"paths must be a dict {{label: points}}, got {type(paths).__name__}")
    paths = {label: np.asarray(points, dtype=float) for label, points in paths.items()}
    for label, points in paths.items():
        if points.ndim != 2 or points.shape[1] != 2 or len(points) < 1:
            raise ValueError(f"path {label!r} must have shape (steps + 1, 2), got {points.shape}")

    fig = Figure(figsize=(11.0, 4.2), layout="constrained")
    ax_map, ax_loss = fig.subplots(1, 2, width_ratios=[1.1, 1])
    x = np.linspace(*surface.xlim, 240)
    y = np.linspace(*surface.ylim, 240)
    grid_x, grid_y = np.meshgrid(x, y)
    gap = surface.loss(grid_x, grid_y) - surface.minimum_value
    levels = np.logspace(-3, np.log10(max(float(gap.max()), 1e-2)), 16)
    ax_map.contourf(grid_x, grid_y, gap, levels=levels, cmap="Blues_r", norm="log", alpha=0.5)
    ax_map.contour(grid_x, grid_y, gap, levels=levels, colors="grey", linewidths=0.5)
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
    ax_loss.set(xlabel="step", ylabel="loss - minimum (log scale)", title="loss above the minimum")
    if paths:  # one legend, beside the loss curves, with each path's final loss
        ax_loss.legend(fontsize=8, title="after the last step", title_fontsize=8)
    if title:
        fig.suptitle(title)
    return fig


def draw_pattern(
    ax,
    pattern: np.ndarray,
    vmax: float = 1.0,
    show_values: bool = False,
    title: str | None = None,
) -> None:
    """Draw one small signed image on ``ax``, cell by cell, inside a coloured frame.

    Black is ``-vmax``, white ``+vmax``, mid-grey 0 (pixels, weights or activations alike).
    Thin lines separate the cells, so white cells stay visible on a white page. With
    ``show_values`` each cell's number is written in it.
    """
    pattern = np.asarray(pattern, dtype=float)
    if pattern.ndim != 2:
        raise ValueError(
            f"draw_pattern expects one image of shape (height, width), got {pattern.shape}"
        )
    if not vmax > 0:
        raise ValueError(f"vmax must be positive, got {vmax!r}")
    height, width = pattern.shape
    ax.imshow(pattern, cmap="gray", vmin=-vmax, vmax=vmax, interpolation="nearest")
    for row in range(1, height):
        ax.axhline(row - 0.5, color="C0", linewidth=0.8)
    for column in range(1, width):
        ax.axvline(column - 0.5, color="C0", linewidth=0.8)
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color("C0")
        spine.set_linewidth(1.5)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    if show_values:
        for (row, column), value in np.ndenumerate(pattern):
            color = "black" if value > 0 else "white"
            ax.text(column, row, f"{value:.2f}", ha="center", va="center", fontsize=8, color=color)
    if title is not None:
        ax.set_title(title, fontsize=9)


def show_patterns(
    patterns: np.ndarray | Sequence[np.ndarray],
    labels: Sequence | None = None,
    ncols: int = 8,
    vmax: float | None = None,
    show_values: bool = False,
    size: float = 1.3,
    title: str | None = None,
) -> Figure:
    """Show small signed images, such as 2x2 pictures or weight templates, framed, in a grid.

    ``patterns``: shape (n, height, width). Black is ``-vmax``, white ``+vmax``, grey 0;
    ``vmax`` defaults to the largest absolute value (or 1 if all are zero). ``labels``: n
    captions or None. ``show_values`` writes each cell's number in it. The grid, captions and
    their checks are :func:`show_images`'; each panel is then redrawn by :func:`draw_pattern`.
    """
    patterns = np.asarray(patterns, dtype=float)
    if patterns.ndim != 3 or len(patterns) == 0:
        raise ValueError(
            "show_patterns expects images of shape (n, height, width) with n >= 1, "
            f"got {patterns.shape}; for one image pass image[None], for a kernel whose "
            "columns are templates pass kernel.T.reshape(-1, 2, 2)"
        )
    if vmax is None:
        vmax = float(np.abs(patterns).max()) or 1.0
    fig = show_images(patterns, labels, ncols=ncols, size=size, title=title)
    for ax, pattern in zip(fig.axes, patterns, strict=False):  # first n panels: images
        ax.images[0].remove()
        ax.set_axis_on()
        draw_pattern(ax, pattern, vmax=vmax, show_values=show_values)
    return fig
