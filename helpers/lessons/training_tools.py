"""Lesson 09, part 3 (training_tools): TensorBoard's scalars read back from the event files and
plotted, the ensemble explorer widget and the exercise checks."""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from helpers import checks
from helpers import validation as check
from helpers.widgets import LiveFigure

SCALAR_COLUMNS = ["run", "tag", "step", "value"]

# ------------------------------------------------------------ TensorBoard, read back


def _event_files(log_dir: Any) -> list[Path]:
    if not isinstance(log_dir, str | os.PathLike) or not str(log_dir):
        raise ValueError(
            f"read_scalars expects log_dir as a folder path (str or Path), got "
            f"{check.describe(log_dir)}; pass the log_dir given to keras.callbacks.TensorBoard"
        )
    folder = Path(log_dir)
    if not folder.is_dir():
        raise ValueError(
            f"read_scalars: {str(folder)!r} is not a folder; pass the log_dir given to "
            "keras.callbacks.TensorBoard, after training with that callback"
        )
    files = sorted(folder.glob("events.out.tfevents.*")) + sorted(
        folder.glob("*/events.out.tfevents.*")
    )
    if not files:
        raise ValueError(
            f"read_scalars: no TensorBoard event files (events.out.tfevents.*) in {str(folder)!r} "
            "or its subfolders; train with callbacks=[keras.callbacks.TensorBoard(log_dir)] first"
        )
    return files


def read_scalars(log_dir: str | os.PathLike) -> pd.DataFrame:
    """Every scalar that TensorBoard event files under ``log_dir`` hold, as a table.

    Keras's ``TensorBoard`` callback writes one subfolder per run (``train``, ``validation``),
    each with event files: a sequence of records, each a protocol buffer ``Event`` that holds a
    step and summary values. Scalars are 0-d tensors. Returns one row per value, with the
    columns ``run`` (the subfolder, "." for files directly in ``log_dir``), ``tag`` (e.g.
    ``epoch_loss``), ``step`` (the epoch) and ``value``, sorted by run, tag and step.
    """
    import tensorflow as tf  # imported here: nothing heavy happens on importing this module
    from tensorflow.core.util import event_pb2

    rows = []
    folder = Path(log_dir) if isinstance(log_dir, str | os.PathLike) else None
    for path in _event_files(log_dir):
        run = "." if path.parent == folder else path.parent.name
        for record in tf.data.TFRecordDataset(str(path)):
            event = event_pb2.Event.FromString(record.numpy())
            for value in event.summary.value:
                if value.HasField("tensor"):
                    array = tf.make_ndarray(value.tensor)
                    if array.shape != () or array.dtype.kind not in "iuf":
                        continue  # text, images, histograms, the model's graph: not scalars
                    number = float(array)
                elif value.HasField("simple_value"):  # the older TensorFlow 1 format
                    number = float(value.simple_value)
                else:
                    continue
                rows.append((run, value.tag, int(event.step), number))
    table = pd.DataFrame(rows, columns=SCALAR_COLUMNS)
    return table.sort_values(["run", "tag", "step"], kind="stable").reset_index(drop=True)


def plot_scalars(scalars: pd.DataFrame, tags: Sequence[str], title: str = "") -> Figure:
    """One panel per tag, one line per run, from the table that :func:`read_scalars` returns."""
    if not isinstance(scalars, pd.DataFrame) or list(scalars.columns) != SCALAR_COLUMNS:
        raise ValueError(
            "plot_scalars expects the table that read_scalars returns (columns run, tag, step, "
            f"value), got {check.describe(scalars)}"
        )
    if isinstance(tags, str) or not isinstance(tags, Sequence) or not tags:
        raise ValueError(
            f"plot_scalars expects tags as a non-empty list such as ['epoch_loss'], got {tags!r}"
        )
    missing = [tag for tag in tags if tag not in set(scalars["tag"])]
    if missing:
        raise ValueError(
            f"plot_scalars: no scalars tagged {missing} in the table; it has "
            f"{sorted(set(scalars['tag']))}"
        )
    check.text(title, "plot_scalars: title", allow_none=True)
    fig = Figure(figsize=(3.8 * len(tags), 3.1), layout="constrained")
    for ax, tag in zip(fig.subplots(1, len(tags), squeeze=False)[0], tags, strict=True):
        for number, (run, rows) in enumerate(scalars[scalars["tag"] == tag].groupby("run")):
            style = "--" if run == "validation" else "-"
            ax.plot(
                rows["step"] + 1, rows["value"], style, marker=".", color=f"C{number}", label=run
            )
        ax.set(title=tag, xlabel="epoch")
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title, fontsize="medium")
    return fig


# ------------------------------------------------------------ ensembles


def _member_probabilities(probabilities: Any, labels: np.ndarray, what: str) -> np.ndarray:
    if isinstance(probabilities, np.ndarray):
        stacked = probabilities
    elif isinstance(probabilities, Sequence) and not isinstance(probabilities, str):
        if not probabilities:
            raise ValueError(f"{what}: expected the predictions of at least one model, got none")
        try:
            stacked = np.stack([np.asarray(p) for p in probabilities])
        except ValueError:
            raise ValueError(
                f"{what}: every model's predictions must have the same shape (n, num_classes)"
            ) from None
    else:
        raise ValueError(
            f"{what}: expected a list of predicted probabilities, one (n, num_classes) array per "
            f"model, got {check.describe(probabilities)}"
        )
    stacked = check.probabilities(stacked, what, "(models, n, num_classes) probabilities")
    if stacked.ndim != 3 or stacked.shape[1] != len(labels):
        raise ValueError(
            f"{what}: expected one (n, num_classes) array per model with n = {len(labels)} (one "
            f"row per label), got shape {stacked.shape}"
        )
    return stacked


def _labels(labels: Any, what: str) -> np.ndarray:
    array = check.numbers(labels, what, "integer class labels of shape (n,)")
    if array.ndim != 1 or array.size == 0 or array.dtype.kind not in "iu" or array.min() < 0:
        raise ValueError(
            f"{what}: expected integer class labels (0, 1, ...) of shape (n,), got "
            f"{check.describe(array)}; pass y_val or y_test, not one-hot rows"
        )
    return array


def ensemble_accuracies(probabilities: Sequence[np.ndarray], labels: np.ndarray) -> dict:
    """Accuracy of each model alone and of the average of the first 1, 2, ... n models.

    ``probabilities``: one (n, num_classes) array of predicted probabilities per model;
    ``labels``: the n true classes. Returns ``{"single": (models,), "ensemble": (models,)}``,
    where ``ensemble[k - 1]`` scores the average of the first k models' probabilities.
    """
    labels = _labels(labels, "ensemble_accuracies: labels")
    stacked = _member_probabilities(probabilities, labels, "ensemble_accuracies: probabilities")
    single = (stacked.argmax(-1) == labels).mean(axis=1)
    running = np.cumsum(stacked, axis=0) / np.arange(1, len(stacked) + 1)[:, None, None]
    return {"single": single, "ensemble": (running.argmax(-1) == labels).mean(axis=1)}


def _check_member_sets(member_sets: Any, labels: np.ndarray, what: str) -> dict[str, np.ndarray]:
    check.mapping(member_sets, what, "{name: list of predicted probabilities, one per model}")
    stacked = {}
    for name, probabilities in member_sets.items():
        check.text(name, f"{what}: each set's name")
        stacked[name] = _member_probabilities(probabilities, labels, f"{what}[{name!r}]")
    return stacked


def ensemble_view(
    member_sets: Mapping[str, Sequence[np.ndarray]],
    labels: np.ndarray,
    class_names: Sequence[str],
    members: str,
    size: int,
) -> dict[str, Any]:
    """What the ensemble explorer shows: accuracy against ensemble size for every set of
    models, and for the chosen set and size the accuracy per class, ensemble against its best
    single member.

    ``member_sets``: ``{name: one (n, num_classes) probability array per model}``.
    """
    what = "ensemble_view"
    labels = _labels(labels, f"{what}: labels")
    stacked = _check_member_sets(member_sets, labels, f"{what}: member_sets")
    if members not in stacked:
        raise ValueError(f"{what}: members must be one of {list(stacked)}, got {members!r}")
    chosen = stacked[members]
    size = check.number(size, f"{what}: size", integer=True, positive=True)
    if size > len(chosen):
        raise ValueError(f"{what}: size must be 1 to {len(chosen)} (the models in the set)")
    names = check.names(class_names, chosen.shape[-1], f"{what}: class_names")
    curves = {name: ensemble_accuracies(list(p), labels) for name, p in stacked.items()}
    best = int(np.argmax(curves[members]["single"][:size]))
    averaged = chosen[:size].mean(axis=0).argmax(-1)
    alone = chosen[best].argmax(-1)
    per_class = {
        "ensemble": np.array([np.mean(averaged[labels == c] == c) for c in range(len(names))]),
        "best single": np.array([np.mean(alone[labels == c] == c) for c in range(len(names))]),
    }
    return {
        "curves": curves,
        "members": members,
        "size": size,
        "best_member": best,
        "accuracy": float(np.mean(averaged == labels)),
        "best_single_accuracy": float(curves[members]["single"][best]),
        "class_names": names,
        "per_class": per_class,
    }


def draw_ensemble(view: Mapping[str, Any]) -> Figure:
    """Draw an :func:`ensemble_view`: accuracy against size, and the accuracy per class."""
    needed = {"curves", "members", "size", "accuracy", "best_single_accuracy", "per_class"}
    if not isinstance(view, Mapping) or not needed <= set(view):
        raise ValueError("draw_ensemble expects the dict that ensemble_view returns")
    fig = Figure(figsize=(10, 3.4), dpi=80)  # 80 dpi: a quicker PNG on every update
    sizes_ax, classes_ax = fig.subplots(
        1, 2, gridspec_kw={"width_ratios": [1, 1.4], "left": 0.07, "right": 0.99, "bottom": 0.25}
    )
    for number, (name, curve) in enumerate(view["curves"].items()):
        sizes = np.arange(1, len(curve["ensemble"]) + 1)
        color = f"C{number}"
        sizes_ax.plot(sizes, curve["ensemble"], "-o", color=color, ms=4, label=name)
        sizes_ax.plot(sizes, curve["single"], "x", color=color, ms=6)
    chosen = view["curves"][view["members"]]["ensemble"][view["size"] - 1]
    sizes_ax.plot([view["size"]], [chosen], "o", ms=12, mfc="none", color="k")
    largest = max(len(curve["ensemble"]) for curve in view["curves"].values())
    sizes_ax.set_xticks(np.arange(1, largest + 1))
    sizes_ax.set(
        xlabel="k: o average of the first k, x model k alone",
        ylabel="accuracy",
        title=f"average of {view['size']}: {view['accuracy']:.4f} "
        f"(best alone {view['best_single_accuracy']:.4f})",
    )
    sizes_ax.legend(fontsize=8, loc="lower right")
    names = view["class_names"]
    positions = np.arange(len(names))
    for offset, values in zip((-0.2, 0.2), view["per_class"].values(), strict=True):
        classes_ax.bar(positions + offset, values, width=0.4)
    classes_ax.set_xticks(positions, names, rotation=45, ha="right", fontsize=8)
    low = min(float(np.min(v)) for v in view["per_class"].values())
    classes_ax.set(ylim=(max(0.0, low - 0.1), 1.0), ylabel="accuracy on the class")
    classes_ax.set_title(
        f"per class: average of {view['size']} (blue), best alone (orange)", fontsize=10
    )
    for ax in (sizes_ax, classes_ax):  # few tick labels: text is most of a redraw's time
        ax.yaxis.set_major_locator(MaxNLocator(4))
    return fig


def ensemble_explorer(
    member_sets: Mapping[str, Sequence[np.ndarray]],
    labels: np.ndarray,
    class_names: Sequence[str],
) -> LiveFigure:
    """Choose a set of models and how many of them to average; see the accuracy it reaches.

    Arguments as for :func:`ensemble_view`.
    """
    labels = _labels(labels, "ensemble_explorer: labels")
    stacked = _check_member_sets(member_sets, labels, "ensemble_explorer: member_sets")
    first = next(iter(stacked))
    largest = max(len(p) for p in stacked.values())
    controls = {
        "members": widgets.Dropdown(options=list(stacked), value=first, description="models"),
        "size": widgets.IntSlider(
            value=len(stacked[first]), min=1, max=largest, description="how many to average"
        ),
    }

    def compute(members: str, size: int) -> dict[str, Any]:
        size = min(size, len(stacked[members]))  # a smaller set: its largest ensemble
        return ensemble_view(stacked, labels, class_names, members, size)

    return LiveFigure(controls, compute, draw_ensemble)


# ------------------------------------------------------------ exercise 1: stop at a target


class _Model:
    """What a callback sees as ``self.model`` in the simulated training: its stop flag."""

    def __init__(self) -> None:
        self.stop_training = False


# (monitor, target, val_accuracy per epoch, accuracy per epoch, the epoch it should stop after)
_STOP_CASES = [
    (
        "val_accuracy",
        0.85,
        [0.80, 0.83, 0.85, 0.86, 0.87],
        [0.84, 0.88, 0.90, 0.91, 0.92],
        2,
    ),
    ("accuracy", 0.9, [0.84, 0.86, 0.87, 0.87, 0.88], [0.85, 0.91, 0.93, 0.94, 0.95], 1),
    ("val_accuracy", 0.95, [0.80, 0.83, 0.85, 0.86, 0.87], [0.84, 0.88, 0.90, 0.91, 0.92], None),
]


def _simulate(callback_class: type, monitor: str, target: float, val: list, train: list):
    """Run the callback through a simulated ``fit``.

    Returns (the epoch it stopped after, -1 for the middle of an epoch, or None; the callback;
    a problem or None).
    """
    callback, problem = checks.attempt(callback_class, monitor=monitor, target=target)
    if problem:
        return None, None, f"StopAtTarget(monitor={monitor!r}, target={target}): {problem}"
    model = _Model()
    try:
        callback.set_model(model)
        callback.set_params({"epochs": len(val), "steps": 3, "verbose": 0})
        callback.on_train_begin({})
        for epoch, (val_accuracy, accuracy) in enumerate(zip(val, train, strict=True)):
            callback.on_epoch_begin(epoch, {})
            for batch in range(3):  # the training batches: no validation metrics yet
                callback.on_train_batch_end(batch, {"loss": 0.5, "accuracy": accuracy - 0.01})
            if model.stop_training:
                return -1, callback, None
            logs = {"loss": 0.5, "accuracy": accuracy, "val_loss": 0.6}
            callback.on_epoch_end(epoch, logs | {"val_accuracy": val_accuracy})
            if model.stop_training:
                return epoch, callback, None
        callback.on_train_end({})
    except Exception as error:  # a bug in the student's class becomes a hint
        return (
            None,
            callback,
            f"while training, your callback raised {type(error).__name__}: {error}",
        )
    return None, callback, None


def _stop_hint(stopped: int | None, callback: Any, case: tuple) -> str:
    """What went wrong when the callback stopped after epoch ``stopped`` in ``case``."""
    monitor, target, val, train, stop = case
    watched, other = (val, train) if monitor == "val_accuracy" else (train, val)
    other_name = "accuracy" if monitor == "val_accuracy" else "val_accuracy"
    where = f"With monitor={monitor!r}, target={target} and {monitor} = {watched}, "
    if stopped == -1:
        return where + "training stopped in the middle of an epoch: decide in on_epoch_end"
    if stopped is None and getattr(callback, "stop_training", False) is True:
        return (
            where + "training never stopped: you set self.stop_training, the callback's own "
            "attribute, which fit never reads; set self.model.stop_training = True"
        )
    if stopped is not None and stop is not None and stopped == stop + 1:
        return where + "it stopped one epoch late: reaching the target means >=, not >"
    if stopped is not None and other[stopped] >= target > watched[stopped]:
        return where + f"it stopped when {other_name} reached the target: read logs[self.monitor]"
    if stopped is None:
        return (
            where + "training never stopped: read logs[self.monitor] (not a fixed key) and set "
            "self.model.stop_training = True once it is >= self.target"
        )
    if stop is not None and stopped > stop:
        return where + f"it stopped after epoch {stopped + 1}, later than the target was reached"
    return (
        where + f"it stopped after epoch {stopped + 1}, before the target was reached: stop "
        "when logs[self.monitor] >= self.target (for accuracy, higher is better)"
    )


def exercise_stop_at_target(callback_class: Any) -> checks.Verdict:
    """Exercise 09c.1: ``StopAtTarget(monitor, target)`` stops training at the end of the first
    epoch whose ``logs[monitor]`` reaches ``target`` (>=), and never before."""
    import keras

    name = "a callback that stops at a target"
    if callback_class is None:
        return checks.verdict(name, "StopAtTarget is None: define the class")
    if not inspect.isclass(callback_class) or not issubclass(
        callback_class, keras.callbacks.Callback
    ):
        return checks.verdict(
            name,
            f"expected a class that subclasses keras.callbacks.Callback, got "
            f"{check.describe(callback_class)}",
        )
    if callback_class.on_epoch_end is keras.callbacks.Callback.on_epoch_end:
        return checks.verdict(
            name,
            "write on_epoch_end(self, epoch, logs=None): at the end of each epoch Keras passes "
            "that epoch's metrics, validation ones included, in logs",
        )
    for case in _STOP_CASES:
        stopped, callback, problem = _simulate(callback_class, *case[:4])
        if problem:
            return checks.verdict(name, problem)
        if stopped != case[4]:
            return checks.verdict(name, _stop_hint(stopped, callback, case))
    return checks.verdict(name, None)


# ------------------------------------------------------------ exercise 2: average predictions


class _FixedModel:
    """Stands for a trained Keras classifier: returns the same probabilities for any x."""

    def __init__(self, probabilities: np.ndarray) -> None:
        self.probabilities = probabilities.astype("float32")

    def predict(self, x: Any, verbose: Any = "auto", batch_size: Any = None) -> np.ndarray:
        return self.probabilities[: len(x)].copy()

    def __call__(self, x: Any, training: bool = False) -> np.ndarray:
        return self.predict(x)


def _fixed_models() -> tuple[list[_FixedModel], np.ndarray]:
    rng = np.random.default_rng(9)
    scores = rng.normal(size=(3, 12, 4)) * np.array([1.0, 2.0, 3.0])[:, None, None]
    probabilities = np.exp(scores) / np.exp(scores).sum(-1, keepdims=True)
    return [_FixedModel(p) for p in probabilities], np.zeros((12, 28, 28), "float32")


def exercise_average_predictions(
    average_predictions: Callable[[Sequence[Any], np.ndarray], Any],
) -> checks.Verdict:
    """Exercise 09c.2: ``average_predictions(models, x)`` is the mean of the models' predicted
    probabilities, one (n, num_classes) array: an ensemble's prediction."""
    name = "average the predictions of several models"
    if average_predictions is None:
        return checks.verdict(name, "average_predictions is None: define the function")
    models, x = _fixed_models()
    stacked = np.stack([m.probabilities for m in models]).astype(float)
    want = stacked.mean(axis=0)
    got, problem = checks.attempt(average_predictions, list(models), x.copy())
    if problem:
        return checks.verdict(name, f"average_predictions(models, x): {problem}")
    if got is None:
        return checks.verdict(name, "average_predictions returned None: forgot `return`?")
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return checks.verdict(name, f"expected an array of probabilities, got {type(got).__name__}")
    if got.shape == want.shape[:1]:
        return checks.verdict(
            name,
            "you return one class per example: average the probabilities themselves, shape "
            "(n, num_classes); argmax comes only afterwards, to read the ensemble's answer",
        )
    if got.shape in {(len(models), want.shape[1]), (len(models), want.shape[0])}:
        return checks.verdict(
            name,
            f"shape {got.shape}: you averaged over the wrong axis; stack the predictions into "
            "(models, n, num_classes) and average over axis 0, the models",
        )
    if got.shape != want.shape:
        return checks.verdict(
            name, f"expected shape {want.shape} (n, num_classes), got {got.shape}"
        )
    if np.allclose(got, stacked.sum(axis=0), atol=1e-5):
        return checks.verdict(name, "that is the sum: divide by the number of models")
    for number, probabilities in enumerate(stacked):
        if np.allclose(got, probabilities, atol=1e-5):
            return checks.verdict(
                name,
                f"these are the predictions of model {number + 1} of {len(models)} alone: does "
                "a loop overwrite the result instead of collecting every model's?",
            )
    hint = checks.compare("average_predictions(models, x)", got, want, atol=1e-5)
    return checks.verdict(name, hint)
