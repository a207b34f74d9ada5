"""Plots for the course. Every function validates its input and returns a matplotlib Figure.

Figures are built with ``matplotlib.figure.Figure`` rather than ``pyplot``: nothing is drawn
twice in a notebook, nothing accumulates in memory, and the last expression of a cell displays
the figure. Call :func:`use_course_style` once per lesson for the course's look.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

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
) -> Figure:
    """Plot named functions of one variable; with ``derivatives``, their derivatives beside them.

    ``functions`` maps a label to a vectorised function ``f(x) -> array of x.shape``.
    ``derivatives`` (optional) maps the same labels to ``f'(x)``; it gets its own panel, drawn in
    the same colour as its function. ``x`` defaults to 401 points on [-5, 5].
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
    axes[0].set(xlabel="x", ylabel="g(x)", title="function")
    if derivatives:
        axes[1].set(xlabel="x", ylabel="g'(x)", title="derivative")
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
            f"got {y.shape}; make it vectorised (use np.exp, np.maximum ... not math.*)"
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
    """Normalise the accepted history forms to {label: {metric: values}}."""
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
) -> Figure:
    """Bar chart of one prediction's class probabilities; the true class (if given) in green."""
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

    fig = Figure(figsize=(max(3.0, 0.45 * num_classes + 1.0), 2.8), layout="constrained")
    ax = fig.subplots()
    colors = ["C0"] * num_classes
    predicted = int(np.argmax(probabilities))
    colors[predicted] = "C3"
    if true_label is not None:
        colors[true_label] = "C2"
    ax.bar(range(num_classes), probabilities, color=colors)
    ax.set_xticks(range(num_classes), names)
    ax.set_ylim(0, 1)
    ax.set_ylabel("probability")
    ax.set_title(title or f"predicted: {names[predicted]} ({probabilities[predicted]:.2f})")
    return fig


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
    # Off-diagonal errors are what matter: scale colours on them, not on the large diagonal.
    off_diagonal = matrix[~np.eye(num_classes, dtype=bool)]
    top = max(float(off_diagonal.max()) if off_diagonal.size else 1.0, 1.0)
    ax.imshow(matrix, cmap="Reds", vmin=0, vmax=top)
    for i in range(num_classes):
        for j in range(num_classes):
            color = "black" if i == j or matrix[i, j] < 0.6 * top else "white"
            ax.text(j, i, f"{matrix[i, j]:g}", ha="center", va="center", fontsize=8, color=color)
    ax.set_xticks(range(num_classes), names)
    ax.set_yticks(range(num_classes), names)
    ax.set(xlabel="predicted", ylabel="true", title=title)
    ax.grid(False)
    return fig


# ------------------------------------------------------------ added for later lessons
# (new plots go here, each with a docstring and input validation)


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
    """Show small signed images, such as 2x2 pictures or receptive fields, framed, in a grid.

    ``patterns``: shape (n, height, width). Black is ``-vmax``, white ``+vmax``, grey 0;
    ``vmax`` defaults to the largest absolute value (or 1 if all are zero). ``labels``: n
    captions or None. ``show_values`` writes each cell's number in it.
    """
    patterns = np.asarray(patterns, dtype=float)
    if patterns.ndim != 3 or len(patterns) == 0:
        raise ValueError(
            "show_patterns expects images of shape (n, height, width) with n >= 1, "
            f"got {patterns.shape}; for one image pass image[None], for a kernel whose "
            "columns are receptive fields pass kernel.T.reshape(-1, 2, 2)"
        )
    n = len(patterns)
    if labels is not None and len(labels) != n:
        raise ValueError(f"show_patterns got {n} images but {len(labels)} labels")
    if not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols must be a positive integer, got {ncols!r}")
    if vmax is None:
        vmax = float(np.abs(patterns).max()) or 1.0
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    caption_room = 0.35 if labels is not None else 0.0
    fig = Figure(
        figsize=(size * ncols, (size + caption_room) * nrows + (0.4 if title else 0)),
        layout="constrained",
    )
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for index, ax in enumerate(axes.flat):
        if index >= n:
            ax.set_axis_off()
            continue
        label = None if labels is None else str(labels[index])
        draw_pattern(ax, patterns[index], vmax=vmax, show_values=show_values, title=label)
    if title:
        fig.suptitle(title)
    return fig
