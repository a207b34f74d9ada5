"""Lesson 06a (overfitting): its exercise checks and the L2 explorer."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from helpers import checks
from helpers.widgets import LiveFigure

# ------------------------------------------------------------ exercise checks


def exercise_weight_penalty(penalty: Callable) -> checks.Verdict:
    """Exercise 06a.1: ``penalty(kernels, l1, l2)`` equals the loss term of Keras's ``l1_l2``."""
    import keras

    name = "the L1 + L2 weight penalty"
    rng = np.random.default_rng(6)
    kernels = [rng.normal(0, 0.1, size=(6, 4)), rng.normal(0, 0.3, size=(4, 3))]
    for l1, l2 in [(0.01, 0.001), (0.0, 0.001), (0.001, 0.0)]:  # both terms first
        regularizer = keras.regularizers.l1_l2(l1=l1, l2=l2)
        expected = sum(float(regularizer(k.astype("float32"))) for k in kernels)
        got, problem = checks.attempt(penalty, [k.copy() for k in kernels], l1, l2)
        if problem:
            return checks.verdict(name, problem)
        try:
            got = float(np.asarray(got).item())
        except (TypeError, ValueError):
            return checks.verdict(
                name, f"return one number, got {type(got).__name__} {np.shape(got)}"
            )
        if not math.isclose(got, expected, rel_tol=1e-4, abs_tol=1e-9):
            hint = _penalty_hint(got, kernels, l1, l2)
            return checks.verdict(
                name, f"with l1={l1}, l2={l2} you give {got:.6g}, Keras adds {expected:.6g}; {hint}"
            )
    return checks.verdict(name, None)


def _penalty_hint(got: float, kernels: list[np.ndarray], l1: float, l2: float) -> str:
    """The hint for a wrong weight penalty: which common mistake gives exactly ``got``."""

    def per_kernel(l1_term: Callable, l2_term: Callable, chosen=kernels) -> float:
        return sum(float(l1 * l1_term(k) + l2 * l2_term(k)) for k in chosen)

    def squares(k):
        return np.sum(k**2)

    def absolutes(k):
        return np.sum(np.abs(k))

    def nothing(k):
        return 0.0

    mistakes = {
        "the L2 part uses squared weights, not the norm (no square root)": per_kernel(
            absolutes, lambda k: np.sqrt(squares(k))
        ),
        "Keras's l2 adds l2 * sum(w**2), without the factor 1/2 some textbooks put in front": (
            per_kernel(absolutes, lambda k: squares(k) / 2)
        ),
        "np.linalg.norm(w, 1) of a matrix is its largest column sum, not the sum of all |w|; "
        "use np.sum(np.abs(w))": per_kernel(lambda k: np.linalg.norm(k, 1), squares),
        "np.linalg.norm(w, 2) of a matrix is its largest singular value; the L2 part is the "
        "sum of all w**2": per_kernel(absolutes, lambda k: np.linalg.norm(k, 2) ** 2),
        "the L1 part uses |w|: negative weights count as positive": per_kernel(np.sum, squares),
        "the L1 part sums |w| weight by weight, not |sum of w|": per_kernel(
            lambda k: np.abs(np.sum(k)), squares
        ),
        "add up over all weights (a sum, not a mean)": per_kernel(
            lambda k: np.mean(np.abs(k)), lambda k: np.mean(k**2)
        ),
        "l1 goes with sum |w| and l2 with sum w**2": per_kernel(squares, absolutes),
        "l1 multiplies only sum |w|, and l2 only sum w**2": per_kernel(
            lambda k: absolutes(k) + squares(k), lambda k: absolutes(k) + squares(k)
        ),
        "the L1 term is missing: add l1 * sum of |w|": per_kernel(nothing, squares),
        "the L2 term is missing: add l2 * sum of w**2": per_kernel(absolutes, nothing),
        "include every kernel in the list, not just the first": per_kernel(
            absolutes, squares, kernels[:1]
        ),
        "include every kernel in the list, not just the last": per_kernel(
            absolutes, squares, kernels[-1:]
        ),
    }
    return next(
        (hint for hint, wrong in mistakes.items() if math.isclose(got, wrong, rel_tol=1e-4)),
        "the penalty is l1 * (sum of |w|) + l2 * (sum of w**2) over all kernels",
    )


def _task_data(rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """A small task for the shuffle check: images whose first pixel is their id, balanced labels.

    600 training and 200 validation "images" of 4 pixels; pixel 0 is the image's number, so that
    the check can tell which image a returned row is. Labels 0-9, 60 of each, in random order.
    """
    x_train = np.c_[np.arange(600), rng.random((600, 3))]
    x_val = np.c_[np.arange(600, 800), rng.random((200, 3))]
    return (
        x_train,
        rng.permutation(np.arange(600) % 10),
        x_val,
        rng.permutation(np.arange(200) % 10),
    )


def _labels_by_image(x: np.ndarray, y: np.ndarray) -> dict[int, int]:
    """Which label each image (by its id, pixel 0) was given."""
    return {int(i): int(label) for i, label in zip(x[:, 0], y, strict=True)}


def _shuffle_attempt(task: Callable, seed: int) -> tuple[Any, str | None, tuple[np.ndarray, ...]]:
    """Run ``task`` on fresh data with ``default_rng(seed)``; the result, a problem, the data."""
    data = _task_data(np.random.default_rng(100))
    given = tuple(array.copy() for array in data)
    got, problem = checks.attempt(task, *given, np.random.default_rng(seed))
    if problem is None and not all(np.array_equal(a, b) for a, b in zip(given, data, strict=True)):
        problem = (
            "your function changed the arrays it was given (rng.shuffle(y_train) shuffles in "
            "place, so the lesson's own y_train would change too): build a new array, e.g. "
            "y_train[rng.permutation(len(y_train))]"
        )
    if problem is None:
        try:
            (x_t, y_t), (x_v, y_v) = got
            got = tuple(np.asarray(a) for a in (x_t, y_t, x_v, y_v))
        except (TypeError, ValueError):
            problem = "return (x_train, y_train_shuffled), (x_val, y_val), got " + (
                f"{len(got)} values" if isinstance(got, tuple | list) else type(got).__name__
            )
    if problem is None and any(g.shape != d.shape for g, d in zip(got, data, strict=True)):
        shapes = [g.shape for g in got]
        problem = (
            f"the four arrays have shapes {shapes}, expected {[d.shape for d in data]}: return "
            "every image and label, in (x_train, y_train_shuffled), (x_val, y_val) order"
        )
    return got, problem, data


def exercise_shuffled_label_task(task: Callable) -> checks.Verdict:
    """Exercise 06a.2: ``task(x_train, y_train, x_val, y_val, rng)`` shuffles training labels only.

    Returns ``(x_train, y_train_shuffled), (x_val, y_val)``: every training label kept but given
    to a random image (drawn from ``rng``), the validation images with their true labels, and
    the arrays it was given unchanged.
    """
    name = "a label shuffle that breaks the link"
    got, problem, data = _shuffle_attempt(task, 0)
    if problem:
        return checks.verdict(name, problem)
    x_t, y_t, x_v, y_v = got
    x_train, y_train, x_val, y_val = data
    if _labels_by_image(x_v, y_v) != _labels_by_image(x_val, y_val):
        return checks.verdict(
            name,
            "the validation images no longer have their true labels: shuffle the training labels "
            "only; the validation set measures what the network learned about real digits",
        )
    if y_t.dtype.kind not in "iu":
        return checks.verdict(
            name, f"the shuffled labels are {y_t.dtype} values; keep them integers like y_train"
        )
    if sorted(x_t[:, 0].tolist()) != list(range(600)):
        return checks.verdict(name, "return every training image once (x_train itself will do)")
    if not np.array_equal(np.bincount(y_t, minlength=10), np.bincount(y_train, minlength=10)):
        return checks.verdict(
            name,
            "the shuffled labels are not the same labels in another order (the count of each "
            "class changed): permute y_train, e.g. y_train[rng.permutation(len(y_train))], "
            "rather than drawing new random labels",
        )
    true_labels = _labels_by_image(x_train, y_train)
    still_right = float(np.mean(np.array([true_labels[int(i)] for i in x_t[:, 0]]) == y_t))
    if still_right > 0.9:
        moved = not np.array_equal(x_t, x_train)
        return checks.verdict(
            name,
            "you shuffled the images and the labels together (with one permutation): every image "
            "still has its own label, so nothing changed for the network; shuffle the labels only"
            if moved
            else "the training labels are unchanged: shuffle them",
        )
    if np.all(np.diff(y_t) >= 0):
        return checks.verdict(
            name,
            "you sorted the labels: that is a fixed order, the same for every generator, not a "
            "random one; draw the order from rng, e.g. rng.permutation(len(y_train))",
        )
    if still_right > 0.2:  # a full shuffle leaves 10% right, give or take 1.2% (one std)
        return checks.verdict(
            name,
            f"{still_right:.0%} of the training images still have their true label, where a "
            "full shuffle leaves about 10% (chance): shuffle all the labels, not a part of them",
        )
    orders = []
    for seed in (1, 1, 2):
        again, problem, _ = _shuffle_attempt(task, seed)
        if problem:
            return checks.verdict(name, problem)
        orders.append(again[1][np.argsort(again[0][:, 0])])  # the label of image 0, 1, ...
    if not np.array_equal(orders[0], orders[1]):
        problem = (
            "two generators with the same seed gave different shuffles: draw the permutation "
            "from `rng` (rng.permutation), not from np.random or a generator of your own"
        )
    elif np.array_equal(orders[0], orders[2]):
        problem = (
            "generators with different seeds gave the same shuffle: draw the permutation from "
            "`rng`, not from a fixed seed or a generator of your own"
        )
    return checks.verdict(name, problem)


def exercise_min_norm_fit(fit: Callable) -> checks.Verdict:
    """Exercise 06a.3: ``fit(features, targets)`` is the minimum-norm exact least-squares fit.

    For features of shape (n, p) with p > n, the answer must equal what ``np.linalg.lstsq``
    returns: output weights (p, k) that fit every target exactly and are the smallest that do.
    """
    name = "the minimum-norm exact fit"
    rng = np.random.default_rng(6)
    for n, p, k in [(20, 50, 3), (40, 41, 10), (10, 200, 1)]:
        features = np.maximum(rng.normal(size=(n, 30)) @ rng.normal(size=(30, p)), 0) + 0.1
        targets = np.eye(max(k, 2))[rng.integers(0, k, size=n)][:, :k]
        want = np.linalg.lstsq(features, targets, rcond=None)[0]
        given = features.copy(), targets.copy()
        got, problem = checks.attempt(fit, *given)
        if problem and "LinAlgError" in problem:
            problem += (
                ". With more features than examples (p > n), features.T @ features (p x p) has "
                "rank n and cannot be inverted: solve the n x n system F @ F.T @ a = targets"
            )
        if problem:
            return checks.verdict(name, problem)
        if got is None:
            return checks.verdict(name, "return an array of weights: your function returns None")
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            return checks.verdict(name, f"return an array of weights, got {type(got).__name__}")
        if got.shape == (n, k) and n != p:
            return checks.verdict(
                name,
                f"you return shape {got.shape}, one row per example; the weights have one row "
                f"per feature, ({p}, {k}): return features.T @ a, not a itself",
            )
        if got.shape != want.shape:
            return checks.verdict(
                name,
                f"for features {features.shape} return weights of shape {want.shape}, "
                f"got {got.shape}",
            )
        if not np.all(np.isfinite(got)):
            return checks.verdict(name, "your weights contain NaN or infinity")
        misfit = float(np.max(np.abs(features @ got - targets)))
        if misfit > 1e-6:
            hint = (
                "features.T @ targets alone is not a fit: first solve F @ F.T @ a = targets"
                if np.allclose(got, features.T @ targets)
                else "past the threshold the fit must be exact; F.T @ F is singular when "
                "p > n (the normal equations, or a penalty added to make them solvable, do not "
                "give it): solve F @ F.T @ a = targets and return F.T @ a"
            )
            return checks.verdict(
                name, f"features @ weights misses the targets by up to {misfit:.3g}. {hint}"
            )
        if not np.allclose(got, want, rtol=1e-6, atol=1e-8):
            return checks.verdict(
                name,
                f"your weights fit exactly but are not the smallest that do (size "
                f"{np.linalg.norm(got):.4g}, the smallest {np.linalg.norm(want):.4g}). The "
                "normal equations' matrix features.T @ features is singular when p > n, so "
                "solving them gives an arbitrary exact fit, and so does using only n of the "
                "features; the smallest is features.T @ a with F @ F.T @ a = targets",
            )
        if not all(np.array_equal(a, b) for a, b in zip(given, (features, targets), strict=True)):
            return checks.verdict(name, "your function changed its inputs; leave them as given")
    return checks.verdict(name, None)


# ------------------------------------------------------------ widgets


def _result(result: Any, who: str, keys: Sequence[str]) -> Mapping[str, Any]:
    """Check that ``result`` is the dict its compute function returns (it has ``keys``)."""
    missing = [k for k in keys if not isinstance(result, Mapping) or k not in result]
    if missing:
        raise ValueError(
            f"{who} expects the dict that its compute function returns, with {list(keys)}; "
            f"missing {missing} in {type(result).__name__}"
        )
    return result


def _check_histories(histories: Any, metric: Any, who: str) -> None:
    """A ValueError unless ``histories`` maps finite numbers to finite learning curves."""
    if not isinstance(metric, str) or not metric:
        raise ValueError(
            f"{who}: metric must be a metric's name such as 'crossentropy', got {metric!r}"
        )
    if not isinstance(histories, Mapping) or not histories:
        raise ValueError(
            f"{who} expects a dict {{setting: history.history}}, got {type(histories).__name__} "
            f"{'with nothing in it' if isinstance(histories, Mapping) else repr(histories)}"
        )
    for setting, history in histories.items():
        if isinstance(setting, bool) or not isinstance(setting, int | float | np.number):
            raise ValueError(f"{who}: each setting must be a number such as 0.001, got {setting!r}")
        if not math.isfinite(setting):
            raise ValueError(f"{who}: each setting must be a finite number, got {setting!r}")
        keys = (metric, f"val_{metric}")
        if not isinstance(history, Mapping) or any(k not in history for k in keys):
            raise ValueError(
                f"{who}: the run for {setting!r} must be a history dict with {metric!r} and "
                f"'val_{metric}' (fit with validation_data and that metric)"
            )
        curves = [np.asarray(history[k]) for k in keys]
        for key, curve in zip(keys, curves, strict=True):
            if curve.ndim != 1 or curve.size == 0 or curve.dtype.kind not in "iuf":
                raise ValueError(
                    f"{who}: {key!r} of the run for {setting!r} must be a non-empty list of "
                    f"numbers, one per epoch; got {history[key]!r:.60}"
                )
            if not np.all(np.isfinite(curve)):
                raise ValueError(
                    f"{who}: {key!r} of the run for {setting!r} contains NaN or infinity "
                    "(training diverged?); retrain with a smaller learning rate or drop the run"
                )
        if curves[0].size != curves[1].size:
            raise ValueError(
                f"{who}: the run for {setting!r} has {curves[0].size} training and "
                f"{curves[1].size} validation values; pass one history.history as it is"
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
    _check_histories(histories, metric, "run_summary")
    if isinstance(chosen, bool) or chosen not in histories:
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
    keys = ["metric", "chosen", "reference", "train", "validation", "reference_validation"]
    keys += ["best_epoch", "best_value", "settings", "best_per_setting"]
    result = _result(result, "draw_run_summary", keys)
    if not isinstance(parameter, str):
        raise ValueError(
            f"parameter must be the setting's name such as 'L2 strength', got {parameter!r}"
        )
    for key in ("train", "validation", "reference_validation", "best_per_setting"):
        values = np.asarray(result[key])
        if values.ndim != 1 or values.size == 0 or values.dtype.kind not in "iuf":
            raise ValueError(f"draw_run_summary: {key!r} must be a non-empty list of numbers")
        if not np.all(np.isfinite(values)):
            raise ValueError(f"draw_run_summary: {key!r} contains NaN or infinity")
    fig = Figure(figsize=(11, 3.8))  # a fixed layout: faster redraws than a layout engine
    ax_curves, ax_best = fig.subplots(
        1, 2, gridspec_kw=dict(left=0.06, right=0.99, bottom=0.27, top=0.92, wspace=0.2)
    )
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
    # below the axes, where it cannot cover a curve
    ax_curves.legend(fontsize=8, ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.17))
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
    _check_histories(histories, metric, "regularization_explorer")
    if not isinstance(parameter, str):
        raise ValueError(
            f"parameter must be the setting's name such as 'L2 strength', got {parameter!r}"
        )
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
