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
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from helpers import validation as check

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
    check.mapping(functions, "plot_functions: functions", "{label: function}")
    if derivatives is not None:
        if not isinstance(derivatives, Mapping):
            raise ValueError("plot_functions expects derivatives as a dict {label: function}")
        unknown = set(derivatives) - set(functions)
        if unknown:
            raise ValueError(f"derivatives given for unknown functions {sorted(unknown)}")
    for kind, table in (("function", functions), ("derivative", derivatives or {})):
        for label, function in table.items():
            check.function(function, f"plot_functions: the {kind} for {label!r}")
    if x is None:
        x = np.linspace(-5.0, 5.0, 401)
    x = check.numbers(x, "plot_functions: x", "x of shape (n,) with n >= 2").astype(float)
    if x.ndim != 1 or x.size < 2:
        raise ValueError(f"plot_functions expects x of shape (n,) with n >= 2, got {x.shape}")
    check.finite(x, "plot_functions: x", "e.g. x = np.linspace(-5, 5, 401)")
    check.limits(ylim, "plot_functions: ylim")
    check.text(variable, "plot_functions: variable")
    check.text(title, "plot_functions: title", allow_none=True)

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
    vectorized = "make it vectorized (use np.exp, np.maximum, np.where ... not math.* or if)"
    try:
        y = function(x)
    except (TypeError, ValueError) as error:  # math.exp(array), `if x > 0` on an array ...
        raise ValueError(
            f"function {label!r} failed on an array x of shape {x.shape} ({error}); {vectorized}"
        ) from error
    what = f"plot_functions: function {label!r}"
    y = check.numbers(y, what, f"an array of the same shape as x {x.shape}").astype(float)
    if y.shape != x.shape:
        raise ValueError(
            f"function {label!r} must return an array of the same shape as x {x.shape}, "
            f"got {y.shape}; {vectorized}"
        )
    return check.drawable(y, what)


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
    expected = "images of shape (n, height, width) or (n, height, width, 3)"
    images = check.numbers(images, "show_images: images", expected)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim not in (3, 4) or (images.ndim == 4 and images.shape[-1] not in (3, 4)):
        raise ValueError(
            "show_images expects images of shape (n, height, width) or (n, height, width, 3), "
            f"got {images.shape}; for a single image pass images[None], for flat vectors "
            "reshape first, e.g. x.reshape(-1, 28, 28)"
        )
    n = len(images)
    if 0 in images.shape:
        raise ValueError(f"show_images got no images or no pixels (shape {images.shape})")
    check.finite(images, "show_images: images", "NaN pixels often come from dividing by 0")
    if labels is not None:
        if isinstance(labels, str) or not isinstance(labels, Sequence | np.ndarray):
            raise ValueError(
                f"show_images: labels must be a list of {n} captions (or None), "
                f"got {check.describe(labels)}"
            )
        if len(labels) != n:
            raise ValueError(f"show_images got {n} images but {len(labels)} labels")
    ncols = check.number(ncols, "show_images: ncols", integer=True, positive=True)
    for value, what in ((vmin, "vmin"), (vmax, "vmax")):
        check.number(value, f"show_images: {what}", allow_none=True)
    if vmin is not None and vmax is not None and not vmin < vmax:
        raise ValueError(f"show_images needs vmin < vmax, got vmin={vmin}, vmax={vmax}")
    check.number(size, "show_images: size (inches per image)", positive=True)
    check.text(title, "show_images: title", allow_none=True)

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
    names = isinstance(metrics, Sequence) and all(isinstance(m, str) for m in metrics)
    if not names or not metrics:
        raise ValueError(
            "plot_history: metrics must be a metric name or a non-empty list of names, e.g. "
            f"['loss', 'accuracy'], got {check.describe(metrics)}"
        )
    check.text(title, "plot_history: title", allow_none=True)
    curves = {}  # (label, key) -> values to draw
    for label, run in runs.items():
        missing = [m for m in metrics if m not in run]
        if missing:
            raise ValueError(
                f"metric(s) {missing} not in history {label!r}; it has {sorted(run)}. "
                "Pass one of those, e.g. metrics=['loss', 'accuracy']"
            )
        for key in [*metrics, *(f"val_{m}" for m in metrics if f"val_{m}" in run)]:
            what, expected = f"plot_history: {key!r} of {label!r}", "one value per epoch (epochs,)"
            curves[label, key] = check.series(run[key], what, expected, log=log_y)
    fig = Figure(figsize=(4.5 * len(metrics), 3.5), layout="constrained")
    axes = fig.subplots(1, len(metrics), squeeze=False)[0]
    for ax, metric in zip(axes, metrics, strict=True):
        for index, (label, run) in enumerate(runs.items()):
            color = f"C{index % 10}"
            prefix = f"{label}: " if len(runs) > 1 else ""
            epochs = np.arange(1, len(run[metric]) + 1)
            training = curves[label, metric]
            ax.plot(epochs, training, "-o", color=color, ms=3, label=f"{prefix}training")
            if f"val_{metric}" in run:
                ax.plot(
                    np.arange(1, len(run[f"val_{metric}"]) + 1),
                    curves[label, f"val_{metric}"],
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
    runs = None
    if hasattr(history, "history"):
        runs = {"": history.history}
    elif isinstance(history, Mapping) and history:
        values = list(history.values())
        if all(hasattr(v, "history") or isinstance(v, Mapping) for v in values):
            runs = {
                str(label): (run.history if hasattr(run, "history") else run)
                for label, run in history.items()
            }
        elif all(isinstance(v, Sequence | np.ndarray) for v in values):
            runs = {"": history}
    for label, run in (runs or {}).items():
        check.mapping(run, f"plot_history: history {label!r}", "{metric: values per epoch}")
    if runs:
        return runs
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
    what, expected = "plot_probabilities: probabilities", "one prediction of shape (num_classes,)"
    if check.numbers(probabilities, what, expected).ndim != 1:
        raise ValueError(
            f"plot_probabilities expects {expected}, got {np.shape(probabilities)}; for a batch "
            "pass probabilities[i]"
        )
    probabilities = check.probabilities(probabilities, what, expected)
    num_classes = probabilities.size
    names = check.names(class_names, num_classes, "plot_probabilities: class_names")
    if true_label is not None:
        check.index(true_label, num_classes, "true_label (the true class)")
    check.text(title, "plot_probabilities: title", allow_none=True)
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
    what, expected = "plot_confusion_matrix: matrix", "a square matrix (num_classes, num_classes)"
    fix = "compute it with tf.math.confusion_matrix(y_true, y_pred)"
    matrix = check.numbers(matrix, what, expected)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.size == 0:
        raise ValueError(
            f"plot_confusion_matrix expects {expected} with num_classes >= 1, "
            f"got {matrix.shape}; {fix}"
        )
    check.finite(matrix, what, fix)
    if matrix.min() < 0:
        raise ValueError(f"{what}: expected counts or rates, got negative values; {fix}")
    if not matrix.any():
        raise ValueError(f"{what} is all zero: nothing was counted; {fix}")
    num_classes = matrix.shape[0]
    names = check.names(class_names, num_classes, "plot_confusion_matrix: class_names")
    check.text(title, "plot_confusion_matrix: title")

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
    long_names = max(len(name) for name in names) > 5  # slant them so they do not run together
    ax.set_xticks(
        range(num_classes),
        names,
        rotation=40 if long_names else 0,
        ha="right" if long_names else "center",
    )
    ax.set_yticks(range(num_classes), names)
    ax.set(xlabel="predicted", ylabel="true", title=title)
    ax.grid(False)
    return fig


# ------------------------------------------------------------ added for later lessons


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
    check.mapping(curves, "plot_curves: curves", "{label: (x, y)}")
    for value, what in ((xlabel, "xlabel"), (ylabel, "ylabel"), (title, "title")):
        check.text(value, f"plot_curves: {what}")
    check.number(legend_columns, "plot_curves: legend_columns", integer=True, positive=True)
    fig = Figure(figsize=(6.5 if len(curves) <= 5 else 8.0, 3.8), layout="constrained")
    ax = fig.subplots()
    whole_x = True
    for label, pair in curves.items():
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise ValueError(f"curves[{label!r}] must be a pair (x, y), got {check.describe(pair)}")
        x, y = (check.series(v, f"curves[{label!r}] {n}") for v, n in zip(pair, "xy", strict=True))
        if x.shape != y.shape:
            raise ValueError(
                f"curves[{label!r}] needs x and y of the same shape (n,), got {x.shape} and "
                f"{y.shape}"
            )
        check.finite(x, f"curves[{label!r}] x", "x places the points; only y may miss values")
        whole_x = whole_x and bool(np.all(x == np.round(x)))
        x = check.drawable(x, f"curves[{label!r}] x", log_x)
        y = check.drawable(y, f"curves[{label!r}] y", log_y)
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
