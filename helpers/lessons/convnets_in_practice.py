"""Lesson 07b, convnets in practice: the augmentation explorer, the most confused pairs of a
confusion matrix, a few-labels sampler, and the exercise checks (augmentations that keep the
label; reading a confusion matrix; counting the weights that fine-tuning trains)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import keras
import numpy as np
from matplotlib.figure import Figure

from helpers import checks
from helpers import validation as check
from helpers.widgets import LiveFigure

# ------------------------------------------------------------------ data helpers


def few_per_class(labels: Any, per_class: int, seed: int = 0) -> np.ndarray:
    """Indices of ``per_class`` examples of every class, drawn at random without replacement
    (a seeded generator), in class order."""
    labels = check.numbers(labels, "few_per_class: labels", "integer class labels of shape (n,)")
    if labels.ndim != 1 or labels.size == 0 or labels.dtype.kind not in "iu":
        raise ValueError(
            "few_per_class expects integer class labels of shape (n,), got "
            f"{check.describe(labels)}"
            "; for one-hot labels pass labels.argmax(axis=1)"
        )
    per_class = check.number(per_class, "few_per_class: per_class", integer=True, positive=True)
    seed = check.number(seed, "few_per_class: seed", integer=True, non_negative=True)
    rng = np.random.default_rng(seed)
    chosen = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        if len(members) < per_class:
            raise ValueError(
                f"few_per_class: class {label} has only {len(members)} examples, fewer than "
                f"per_class={per_class}; ask for fewer"
            )
        chosen.append(rng.choice(members, per_class, replace=False))
    return np.concatenate(chosen)


def most_confused(confusion: Any, class_names: Sequence[str], top: int = 5) -> list[tuple]:
    """The ``top`` largest off-diagonal counts of a confusion matrix (rows: true class, columns:
    predicted) as ``(true name, predicted name, count)``, largest first."""
    matrix = check.numbers(confusion, "most_confused: confusion", "a square matrix of counts")
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.size == 0:
        raise ValueError(
            f"most_confused expects a square confusion matrix (num_classes, num_classes), got "
            f"shape {matrix.shape}"
        )
    check.finite(matrix.astype(float), "most_confused: confusion")
    names = check.names(class_names, matrix.shape[0], "most_confused: class_names")
    top = check.number(top, "most_confused: top", integer=True, positive=True)
    off_diagonal = np.where(np.eye(len(matrix), dtype=bool), -np.inf, matrix.astype(float))
    order = np.argsort(off_diagonal, axis=None, kind="stable")[::-1][:top]
    rows, cols = np.unravel_index(order, matrix.shape)
    return [(names[r], names[c], int(matrix[r, c])) for r, c in zip(rows, cols, strict=True)]


# ------------------------------------------------------------------ the augmentation explorer


def augmenter(
    rotation: float = 0.0,
    shift: float = 0.0,
    zoom: float = 0.0,
    flip: str = "none",
    seed: int = 0,
) -> keras.Sequential:
    """Keras preprocessing layers for the given ranges: ``rotation`` as a fraction of a full
    turn (0.05 = up to +-18 degrees), ``shift`` and ``zoom`` as fractions of the image size,
    ``flip`` one of "none", "horizontal", "vertical", "horizontal_and_vertical"."""
    rotation = check.number(rotation, "augmenter: rotation (fraction of a turn)", non_negative=True)
    shift = check.number(shift, "augmenter: shift (fraction of the size)", non_negative=True)
    zoom = check.number(zoom, "augmenter: zoom (fraction of the size)", non_negative=True)
    if max(rotation, shift, zoom) > 0.5:
        raise ValueError(
            "augmenter: rotation, shift and zoom are fractions (e.g. 0.1), at most 0.5; got "
            f"{rotation}, {shift}, {zoom}. For degrees divide by 360"
        )
    flips = ("none", "horizontal", "vertical", "horizontal_and_vertical")
    if flip not in flips:
        raise ValueError(f"augmenter: flip must be one of {flips}, got {flip!r}")
    seed = check.number(seed, "augmenter: seed", integer=True, non_negative=True)
    steps = []
    if flip != "none":
        steps.append(keras.layers.RandomFlip(flip, seed=seed))
    if rotation:
        steps.append(keras.layers.RandomRotation(rotation, fill_mode="constant", seed=seed))
    if shift:
        steps.append(keras.layers.RandomTranslation(shift, shift, fill_mode="constant", seed=seed))
    if zoom:
        steps.append(keras.layers.RandomZoom(zoom, fill_mode="constant", seed=seed))
    return keras.Sequential(steps or [keras.layers.Identity()], name="augmentation")


def augmented_copies(image: Any, count: int = 8, **settings: Any) -> np.ndarray:
    """``count`` random augmentations of one grey image (height, width), as Keras makes them
    during training (``training=True``); the settings are :func:`augmenter`'s."""
    expected = "one grey image of shape (height, width)"
    array = check.numbers(image, "augmented_copies: image", expected).astype("float32")
    if array.ndim != 2 or 0 in array.shape:
        raise ValueError(
            f"augmented_copies expects {expected}, got shape {array.shape}; pick one image, "
            "e.g. x_train[0]"
        )
    check.finite(array, "augmented_copies: image")
    count = check.number(count, "augmented_copies: count", integer=True, positive=True)
    batch = np.repeat(array[None, :, :, None], count, axis=0)
    return np.asarray(augmenter(**settings)(batch, training=True))[..., 0]


def augmentation_explorer(images: Any, labels: Sequence[str] | None = None) -> LiveFigure:
    """Pick an image and augmentation ranges; see 8 random versions of it, as training sees them.

    ``images``: grey images (n, height, width); ``labels``: a caption per image.
    """
    expected = "grey images of shape (n, height, width)"
    array = check.numbers(images, "augmentation_explorer: images", expected).astype("float32")
    if array.ndim != 3 or 0 in array.shape:
        raise ValueError(f"augmentation_explorer expects {expected}, got {check.describe(array)}")
    check.finite(array, "augmentation_explorer: images")
    names = check.names(labels, len(array), "augmentation_explorer: labels")
    options = [(f"{i}: {name}", i) for i, name in enumerate(names)]
    slider = {"continuous_update": False, "readout_format": ".2f"}
    controls = {
        "image": widgets.Dropdown(options=options, description="image"),
        "rotation": widgets.FloatSlider(
            0.05, min=0, max=0.5, step=0.01, description="rotation (turns)", **slider
        ),
        "shift": widgets.FloatSlider(0.1, min=0, max=0.5, step=0.01, description="shift", **slider),
        "zoom": widgets.FloatSlider(0.0, min=0, max=0.5, step=0.01, description="zoom", **slider),
        "flip": widgets.Dropdown(
            options=["none", "horizontal", "vertical", "horizontal_and_vertical"],
            description="flip",
        ),
        "seed": widgets.IntSlider(0, min=0, max=20, description="random draw"),
    }

    def compute(image, rotation, shift, zoom, flip, seed):
        copies = augmented_copies(
            array[image], 8, rotation=rotation, shift=shift, zoom=zoom, flip=flip, seed=seed
        )
        return {"original": array[image], "copies": copies, "name": names[image]}

    return LiveFigure(controls, compute, draw_augmented)


def draw_augmented(result: dict) -> Figure:
    """The original image and its augmented copies in one row."""
    if not isinstance(result, dict) or "copies" not in result:
        raise ValueError(
            "draw_augmented expects the dict augmentation_explorer computes, got "
            f"{check.describe(result)}"
        )
    copies = result["copies"]
    fig = Figure(figsize=(1.3 * (len(copies) + 1), 1.7))
    axes = fig.subplots(1, len(copies) + 1)
    high = max(float(result["original"].max()), 1e-12)
    for ax, picture, title in zip(
        axes, [result["original"], *copies], [result["name"], *[""] * len(copies)], strict=True
    ):
        ax.imshow(picture, cmap="gray", vmin=0, vmax=high, interpolation="nearest")
        ax.set_title(title, fontsize=9)
        ax.set_axis_off()
    axes[1].set_title("what training sees →", fontsize=9, loc="left")
    fig.set_layout_engine("constrained")
    return fig


# ------------------------------------------------- exercise 1: augmentations that keep the label

AUGMENTATIONS = (
    "horizontal flip",
    "vertical flip",
    "rotation by up to 10 degrees",
    "rotation by 180 degrees",
    "shift by up to 3 pixels",
)
# Transformations that give an image which could be in the test set with the same label.
_KEEPS_LABEL = {
    "MNIST": {"rotation by up to 10 degrees", "shift by up to 3 pixels"},
    "Fashion-MNIST": {"horizontal flip", "rotation by up to 10 degrees", "shift by up to 3 pixels"},
}
_WHY = {
    ("MNIST", "horizontal flip"): "a mirrored 2, 3, 4, 5, 7 or 9 is not a digit any more",
    ("MNIST", "vertical flip"): "upside down, a 6 and a 9 swap, and most digits become non-digits",
    ("MNIST", "rotation by 180 degrees"): "half a turn makes a 6 into a 9 (and the reverse)",
    ("Fashion-MNIST", "vertical flip"): "the test set has no upside-down clothes or shoes",
    (
        "Fashion-MNIST",
        "rotation by 180 degrees",
    ): "the test set has no upside-down clothes or shoes",
    ("MNIST", "rotation by up to 10 degrees"): "people slant their digits by that much",
    ("MNIST", "shift by up to 3 pixels"): "a digit a bit off-centre is still the same digit",
    ("Fashion-MNIST", "horizontal flip"): "a mirrored shirt or shoe is still a shirt or a shoe",
    ("Fashion-MNIST", "rotation by up to 10 degrees"): "a slightly turned bag is still a bag",
    ("Fashion-MNIST", "shift by up to 3 pixels"): "a sneaker a bit off-centre is still a sneaker",
}


def exercise_label_keeping(answer: Any) -> checks.Verdict:
    """Check ``{"MNIST": set, "Fashion-MNIST": set}`` of the AUGMENTATIONS that keep the label."""
    name = "augmentations that keep the label"
    if answer is None:
        return checks.verdict(name, "no answer yet: fill in the two sets")
    if not isinstance(answer, dict) or set(answer) != set(_KEEPS_LABEL):
        return checks.verdict(
            name, 'expected a dict with two keys, {"MNIST": {...}, "Fashion-MNIST": {...}}'
        )
    for dataset, chosen in answer.items():
        if isinstance(chosen, str) or not isinstance(chosen, set | list | tuple | frozenset):
            return checks.verdict(
                name,
                f"answer[{dataset!r}] must be a set of names from AUGMENTATIONS, got {chosen!r}",
            )
        unknown = [item for item in chosen if item not in AUGMENTATIONS]
        if unknown:
            return checks.verdict(
                name, f"{unknown[0]!r} is not one of the AUGMENTATIONS; copy the names exactly"
            )
    for dataset, keeps in _KEEPS_LABEL.items():
        chosen = set(answer[dataset])
        for wrong in sorted(chosen - keeps):
            return checks.verdict(name, f"{dataset}, {wrong}: no, {_WHY[dataset, wrong]}")
        for missing in sorted(keeps - chosen):
            return checks.verdict(
                name, f"{dataset}: {missing} keeps the label too: {_WHY[dataset, missing]}"
            )
    return checks.verdict(name, None)


# ------------------------------------------------------------ exercise 2: most confused pair

_CONFUSION_CASES = [  # the diagonal largest, asymmetric pairs, a zero on the diagonal, and a
    # largest count that is not the largest share of its row (second matrix)
    np.array([[50, 2, 9], [1, 60, 0], [3, 4, 40]]),
    np.array([[5, 1, 0, 0], [0, 7, 0, 0], [0, 8, 90, 0], [2, 0, 0, 30]]),
    np.array([[0, 3], [1, 9]]),
    np.array([[10, 0, 0], [0, 10, 0], [6, 0, 2]]),
]


def _largest_off_diagonal(matrix: np.ndarray) -> tuple[int, int]:
    off_diagonal = np.where(np.eye(len(matrix), dtype=bool), -np.inf, matrix.astype(float))
    return tuple(int(v) for v in np.unravel_index(np.argmax(off_diagonal), matrix.shape))


def exercise_most_confused_pair(most_confused_pair: Any) -> checks.Verdict:
    """Check ``most_confused_pair(confusion) -> (true class, predicted class)`` of the largest
    off-diagonal count, on matrices where the usual slips give other answers."""
    name = "most confused pair"
    if most_confused_pair is None:
        return checks.verdict(name, "no function yet: define most_confused_pair and pass it in")
    for matrix in _CONFUSION_CASES:
        want = _largest_off_diagonal(matrix)
        got, problem = checks.attempt(most_confused_pair, matrix.copy())
        if problem:
            return checks.verdict(name, problem)
        if isinstance(got, int | np.integer):
            return checks.verdict(
                name,
                f"you return one number, {got}: np.argmax gives a flat index; turn it into "
                "(row, column) with np.unravel_index(index, confusion.shape)",
            )
        try:
            got = tuple(int(v) for v in got)
        except (TypeError, ValueError):
            return checks.verdict(
                name, f"expected a pair (true class, predicted class), got {got!r}"
            )
        if got == want:
            continue
        shares = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
        if len(got) != 2:
            hint = "return two class indices, (true, predicted)"
        elif got == want[::-1]:
            hint = "rows are the true classes and columns the predictions: give (row, column)"
        elif got[0] == got[1]:
            hint = "that is a diagonal entry, the right answers: leave the diagonal out"
        elif got == _largest_off_diagonal(shares):
            hint = "the question asks for the largest count, not the largest share of a row"
        else:
            hint = "look for the largest count off the diagonal"
        shown = f"for the confusion matrix {matrix.tolist()} you give {got}, expected {want}"
        return checks.verdict(name, f"{shown}: {hint}")
    return checks.verdict(name, None)
