"""Lesson 00 (introduction): its exercise checks, widgets, plots and data."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from helpers import checks, datasets, validation
from helpers.widgets import LiveFigure


# ------------------------------------------------------------ input checks
def _class_labels(function: str, labels: Any, num_classes: int) -> np.ndarray:
    """``labels`` as a 1-D int array of class numbers 0..num_classes-1, or a ValueError."""
    array = validation.finite_array(function, "labels", labels)
    if array.ndim != 1 or not np.all((array == np.round(array)) & (array >= 0)):
        raise ValueError(
            f"{function} expects labels as one whole class number per image (shape (n,)), "
            f"got shape {array.shape}"
        )
    if array.max() >= num_classes:
        raise ValueError(
            f"{function} expects class numbers 0 to {num_classes - 1}, got {array.max():g}"
        )
    return array.astype(int)


# ------------------------------------------------------------ plots
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
    if title is not None and not isinstance(title, str):
        raise ValueError(f"plot_nested_sets expects the title as a string or None, got {title!r}")
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


# ------------------------------------------------------------ exercise checks


def exercise_video_tensor(answer: dict) -> checks.Verdict:
    """Exercise 00.1: ndim, shape and dtype of a batch of 16 colour video clips.

    The clips: 10 frames each, frames 48 pixels high and 64 wide, RGB, channels last, stored
    as 8-bit unsigned integers.
    """
    name = "rank, shape and dtype of the video batch"
    expected_shape = (16, 10, 48, 64, 3)
    if not isinstance(answer, dict) or set(answer) != {"ndim", "shape", "dtype"}:
        return checks.verdict(
            name, 'answer must be a dict with the keys "ndim", "shape" and "dtype"'
        )
    if any(value is None for value in answer.values()):
        missing = [key for key, value in answer.items() if value is None]
        return checks.verdict(name, f"fill in {', '.join(missing)} (still None)")
    ndim, shape, dtype = answer["ndim"], answer["shape"], answer["dtype"]
    try:
        if not isinstance(shape, tuple | list):
            raise TypeError
        shape = tuple(int(n) for n in shape)
    except (TypeError, ValueError):
        return checks.verdict(name, f"shape must be a tuple of whole numbers, got {shape!r}")
    problem = None
    if ndim != len(shape):
        problem = f"ndim is the number of axes, so it must equal len(shape) = {len(shape)}"
    elif ndim != 5:
        problem = f"ndim {ndim} is not it: count the axes (clips, frames, height, width, channels)"
    elif shape != expected_shape:
        if sorted(shape) == sorted(expected_shape):
            problem = (
                f"{shape} has the right sizes in the wrong order: Keras puts the samples "
                "first, then frames, then height, width and channels"
            )
        else:
            problem = f"shape {shape} is not it: read the sizes from the description again"
    else:
        try:
            dtype = np.dtype(getattr(dtype, "as_numpy_dtype", dtype))
        except TypeError:
            dtype = None
        if dtype != np.uint8:
            problem = (
                f"dtype {answer['dtype']!r} is not it: 8-bit unsigned integers (0 to 255) "
                "are called uint8"
            )
    return checks.verdict(name, problem)


def exercise_normalize_images(normalize: Callable) -> checks.Verdict:
    """Exercise 00.2: give each image of a batch (n, height, width) mean 0 and std 1."""
    name = "normalize each image by broadcasting"
    rng = np.random.default_rng(0)
    batches = [
        rng.uniform(0, 1, size=(5, 28, 28)) * rng.uniform(0.2, 1, size=(5, 1, 1)),
        rng.normal(3, 2, size=(3, 4, 6)),
    ]
    for images in batches:
        mean = images.mean(axis=(1, 2), keepdims=True)
        expected = (images - mean) / images.std(axis=(1, 2), keepdims=True)
        given = images.copy()
        got, problem = checks.attempt(normalize, given)
        if problem:
            return checks.verdict(name, problem)
        if not np.array_equal(given, images):
            return checks.verdict(name, "normalize changed its input: return a new array instead")
        problem = checks.compare(f"normalize(images of shape {images.shape})", got, expected)
        if problem is None:
            continue
        got = np.asarray(got, dtype=float)
        if got.shape == expected.shape and np.allclose(
            got, (images - images.mean()) / images.std()
        ):
            hint = (
                "you normalized the whole batch at once; take the mean and std of each "
                "image: .mean(axis=(1, 2), keepdims=True)"
            )
        elif got.shape == expected.shape and np.allclose(
            got, (images - images.mean(axis=0)) / images.std(axis=0)
        ):
            hint = "axis=0 averages each pixel over the images; average over axes 1 and 2"
        elif got.shape == expected.shape and np.allclose(
            got, (images - mean) / images.var(axis=(1, 2), keepdims=True)
        ):
            hint = "you divided by the variance; the standard deviation is its square root"
        elif got.shape == expected.shape and np.allclose(
            got, (images - mean) / images.std(axis=(1, 2), keepdims=True, ddof=1)
        ):
            hint = "ddof=1 gives the sample std; use NumPy's default std (ddof=0)"
        else:
            hint = (
                "subtract each image's mean and divide by its std; keepdims=True keeps the "
                "result of shape (n, 1, 1) so that it broadcasts against (n, height, width)"
            )
        return checks.verdict(name, f"{problem}. Hint: {hint}")
    return checks.verdict(name, None)


def exercise_scores_by_hand(
    scores, predicted_classes, model, images: np.ndarray, labels: np.ndarray
) -> checks.Verdict:
    """Exercise 00.3: the linear classifier's scores ``x @ W + b`` and predicted classes, by hand.

    ``images``: the flattened inputs (n, 784) the student used; ``labels``: their true classes;
    ``model``: the trained one-layer Keras model. Compares the scores with the layer's weights
    and the classes with ``model.predict``. The batch must hold digits that the model gets
    wrong (else returning the true labels would pass): the lesson passing one without raises
    ``ValueError``, as does a lesson passing images or labels of the wrong shape.
    """
    name = "class scores and predicted classes by hand"
    kernel, bias = (np.asarray(w, dtype=float) for w in model.layers[0].get_weights())
    images = validation.finite_array("exercise_scores_by_hand", "images", images)
    labels = _class_labels("exercise_scores_by_hand", labels, kernel.shape[1])
    if images.ndim != 2 or images.shape[1] != kernel.shape[0] or len(labels) != len(images):
        raise ValueError(
            f"exercise_scores_by_hand expects the flattened images, shape (n, "
            f"{kernel.shape[0]}), and their n labels; got shapes {images.shape} and "
            f"{labels.shape}: pass x_batch and y_batch"
        )
    expected_scores = images @ kernel + bias
    n, rows = len(images), np.arange(len(images))
    expected = model.predict(images.astype(np.float32), verbose=0).argmax(axis=1)
    # a near-tie between two scores may go either way in float32: such a class counts as right
    tolerance = 1e-4

    def clearly_wrong(classes: np.ndarray) -> np.ndarray:
        gap = expected_scores[rows, expected] - expected_scores[rows, classes]
        return (classes != expected) & (gap > tolerance)

    if not clearly_wrong(labels).any():
        raise ValueError(
            "exercise_scores_by_hand needs a batch with digits the model gets wrong, or "
            "returning the true labels would pass: add some of the model's mistakes"
        )
    if scores is None or predicted_classes is None:
        return checks.verdict(name, "compute scores and predicted_classes (still None)")
    problem = checks.compare("scores", scores, expected_scores, rtol=1e-4, atol=1e-4)
    if problem:
        got = np.asarray(scores, dtype=float)
        if got.shape == expected_scores.shape and np.allclose(
            got, images @ kernel, rtol=1e-4, atol=1e-4
        ):
            problem += ". Hint: you forgot to add the bias b"
        elif got.shape == expected_scores.shape and np.all((got >= 0) & (got <= 1)):
            problem += ". Hint: scores are x @ W + b, before softmax"
        elif got.shape == expected_scores.shape[::-1]:
            problem += ". Hint: one row per digit, one column per class: x_batch @ kernel"
        return checks.verdict(name, problem)
    try:
        predicted = np.asarray(predicted_classes, dtype=float)
    except (TypeError, ValueError):
        return checks.verdict(name, "predicted_classes must be an array of class numbers")
    if predicted.shape != (n,):
        return checks.verdict(
            name,
            f"predicted_classes has shape {predicted.shape}, expected ({n},): one class number "
            "per digit. Hint: the highest score of each row (axis=1, the classes): "
            "scores.argmax(axis=1)",
        )
    if np.allclose(predicted, expected_scores.max(axis=1), rtol=1e-4, atol=1e-4):
        return checks.verdict(
            name,
            "predicted_classes holds the highest scores themselves; the class is where the "
            "highest score sits, its column number",
        )
    if not np.all(np.isfinite(predicted) & (predicted == np.round(predicted))):
        return checks.verdict(name, "predicted_classes must hold whole class numbers 0 to 9")
    in_range = (predicted >= 0) & (predicted < kernel.shape[1])
    given = np.where(in_range, predicted, 0).astype(int)
    wrong = np.flatnonzero(~in_range | clearly_wrong(given))
    if np.array_equal(predicted, labels):
        return checks.verdict(
            name,
            f"predicted_classes are the true labels (y_batch), but the model gets {len(wrong)} "
            f"of these {n} digits wrong: the predicted class comes from the scores, not the labels",
        )
    if len(wrong):
        first = int(wrong[0])
        return checks.verdict(
            name,
            f"for digit {first} you predict {predicted[first]:g}, the model says "
            f"{expected[first]} ({len(wrong)} of {n} differ). Hint: the predicted class is "
            "the column of the highest score in each row: scores.argmax(axis=1)",
        )
    return checks.verdict(name, None)


def exercise_smallest_shift(
    down_accuracy: Sequence[float] | None,
    smallest_shift: int | None,
    model,
    images: np.ndarray,
    labels: np.ndarray,
    level: float = 0.5,
) -> checks.Verdict:
    """Exercise 00.4: the model's accuracy on digits shifted down by 0, 1, 2, ... pixels, and
    the smallest shift (whole pixels) that takes it below ``level``.

    The check measures the accuracies itself, by inference only, for as many shifts as the
    student's list holds, and names the usual mistakes (shifting right or up, the uint8
    images). The student's answers never make it raise: a wrong or malformed answer gets a
    hint. It raises ``ValueError`` only when the lesson itself passes bad ``images``,
    ``labels`` or ``level``, a bug in the lesson rather than in the exercise.
    """
    from scipy import ndimage

    images = validation.finite_array("exercise_smallest_shift", "images", images).astype(np.float32)
    labels = np.asarray(labels)
    if images.ndim != 3 or labels.shape != (len(images),):
        raise ValueError(
            "exercise_smallest_shift expects images of shape (n, height, width) and n labels, "
            f"got {images.shape} and {labels.shape}"
        )
    if not _is_number(level) or not 0 < level <= 1:
        raise ValueError(f"level is an accuracy, between 0 and 1; got {level!r}")
    name = f"accuracy on digits shifted down, and the smallest shift below {level:g}"
    if down_accuracy is None or smallest_shift is None:
        return checks.verdict(name, "fill in down_accuracy and smallest_shift (still None)")
    try:
        given = np.asarray(down_accuracy, dtype=float)
    except (TypeError, ValueError):
        given = np.zeros((0, 0))
    if given.ndim != 1 or not 1 <= len(given) <= images.shape[1]:
        return checks.verdict(
            name,
            "down_accuracy should be a list of accuracies, one per shift 0, 1, 2, ... pixels, "
            f"got {down_accuracy!r}",
        )

    def accuracy(pixels: int, down: int = 1, right: int = 0, scale: float = 1.0) -> float:
        offset = (0, down * pixels, right * pixels)
        shifted = ndimage.shift(images * scale, offset, order=1).reshape(len(images), -1)
        predicted = model.predict(shifted, verbose=0).argmax(axis=1)
        return float(np.mean(predicted == labels))

    for pixels, value in enumerate(given):
        expected = accuracy(pixels)
        if abs(value - expected) <= 1e-3:
            continue
        hint = (
            f"down_accuracy[{pixels}] is {value:.4f}, but shifted down by {pixels} pixel(s) "
            f"the test digits give {expected:.4f}"
        )
        mistakes = [
            ("you shifted right: the shift (0, pixels, 0) moves axis 1, the rows, down", 0, 1, 1),
            ("you shifted up: a positive shift along the rows moves the digits down", -1, 0, 1),
            (
                "you used the uint8 images; the model was trained on x_test_images, in [0, 1]",
                1,
                0,
                255,
            ),
        ]
        for mistake, down, right, scale in mistakes:  # the whole list must match one
            if all(abs(v - accuracy(p, down, right, scale)) <= 1e-3 for p, v in enumerate(given)):
                hint += f". Hint: {mistake}"
                break
        return checks.verdict(name, hint)
    below = np.flatnonzero(given < level)
    if len(below) == 0:
        return checks.verdict(
            name,
            f"none of your {len(given)} shifts takes the accuracy below {level:g}: "
            "try larger shifts (make the list longer)",
        )
    correct = int(below[0])
    if not isinstance(smallest_shift, int | np.integer) or isinstance(smallest_shift, bool):
        return checks.verdict(
            name, f"smallest_shift should be a whole number of pixels, got {smallest_shift!r}"
        )
    answer = int(smallest_shift)
    if answer == correct:
        return checks.verdict(name, None)
    if not 0 <= answer < len(given):
        return checks.verdict(
            name,
            f"smallest_shift = {answer} is not one of the shifts in your list; read it off "
            "down_accuracy",
        )
    if answer < correct:
        return checks.verdict(
            name,
            f"after {answer} pixel(s) the accuracy is still {given[answer]:.3f}, "
            f"not below {level:g}: shift further",
        )
    return checks.verdict(
        name,
        f"after {answer} pixel(s) the accuracy is {given[answer]:.3f}, below {level:g}, but a "
        "smaller shift is already below it: look for the smallest",
    )


def _is_number(value: Any) -> bool:
    """A finite real number (bools excluded)."""
    return (
        isinstance(value, int | float | np.integer | np.floating)
        and not isinstance(value, bool | np.bool_)
        and bool(np.isfinite(value))
    )


# ------------------------------------------------------------ widgets


def linear_classifier_response(
    image: np.ndarray, kernel: np.ndarray, bias: np.ndarray
) -> dict[str, Any]:
    """What a linear classifier ``softmax(x @ kernel + bias)`` makes of one image.

    Returns the ``image``, the class ``scores`` (before softmax), the ``probabilities``, the
    ``predicted`` class and ``templates``: the kernel's columns reshaped to the image's shape.
    """
    image = validation.finite_array("linear_classifier_response", "image", image)
    kernel = validation.finite_array("linear_classifier_response", "kernel", kernel)
    bias = validation.finite_array("linear_classifier_response", "bias", bias)
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


def _check_response(result: Any) -> None:
    """A ValueError unless ``result`` is a complete :func:`linear_classifier_response`."""
    function = "draw_linear_classifier_response"
    keys = {"image", "scores", "probabilities", "predicted", "templates", "label", "title"}
    if not isinstance(result, Mapping) or not keys <= set(result):
        raise ValueError(
            f"{function} expects linear_classifier_response(...) with 'label' and 'title' "
            f"added, a dict with the keys {sorted(keys)}; got {type(result).__name__}"
        )
    image = validation.finite_array(function, "the image", result["image"])
    scores = validation.finite_array(function, "the scores", result["scores"])
    probabilities = validation.finite_array(function, "the probabilities", result["probabilities"])
    templates = validation.finite_array(function, "the templates", result["templates"])
    if image.ndim != 2 or image.min() < 0 or image.max() > 1:
        raise ValueError(f"{function} expects one image (height, width) with values in [0, 1]")
    classes = len(scores)
    if scores.shape != (classes,) or templates.shape != (classes, *image.shape):
        raise ValueError(
            f"{function} expects scores (classes,) and templates (classes, height, width), got "
            f"{scores.shape} and {templates.shape}"
        )
    if probabilities.shape != scores.shape or probabilities.min() < 0:
        raise ValueError(f"{function} expects {classes} probabilities >= 0, one per class")
    if not np.isclose(probabilities.sum(), 1, atol=1e-4):
        raise ValueError(
            f"{function} expects probabilities that add up to 1, got a sum of "
            f"{probabilities.sum():.4g}: pass softmax(scores), not the scores"
        )
    for key in ("predicted", "label"):
        value = result[key]
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise ValueError(f"{function} expects {key} as a class number, got {value!r}")
        if not 0 <= value < classes:
            raise ValueError(f"{function} expects {key} in 0..{classes - 1}, got {value}")
    if not isinstance(result["title"], str):
        raise ValueError(f"{function} expects the title as a string, got {result['title']!r}")


def draw_linear_classifier_response(result: Mapping[str, Any]) -> Figure:
    """Plot a :func:`linear_classifier_response` with ``label`` and ``title`` added: the image,
    the class scores, the winning template, and the true class's template when the prediction
    is wrong (the runner-up's when it is right), with the digit's outline drawn on both."""
    _check_response(result)
    fig = Figure(figsize=(12, 3.2))
    # fixed margins rather than a constrained layout, which cost about half of every redraw
    ax_image, ax_scores, ax_winner, ax_other = fig.subplots(
        1,
        4,
        gridspec_kw={
            "width_ratios": [1, 1.6, 1, 1],
            "left": 0.01,
            "right": 0.99,
            "top": 0.84,
            "bottom": 0.15,
            "wspace": 0.4,
        },
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
    function = "linear_classifier_explorer"
    images = validation.finite_array(function, "images", images)
    if images.ndim != 3:
        raise ValueError(
            f"{function} expects images of shape (n, height, width), got {images.shape}"
        )
    if images.min() < 0 or images.max() > 1:
        raise ValueError(
            f"{function} expects pixel values in [0, 1] (what the model was trained on), got "
            f"[{images.min():g}, {images.max():g}]; divide uint8 images by 255"
        )
    first = linear_classifier_response(images[0], kernel, bias)  # validates the weights
    labels = _class_labels(function, labels, len(first["scores"]))
    if labels.shape != (len(images),):
        raise ValueError(f"expected {len(images)} labels, one per image, got shape {labels.shape}")
    for name, value, top in (
        ("max_shift", max_shift, images.shape[1]),
        ("max_angle", max_angle, 180),
    ):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | np.integer)
            or not 0 < value <= top
        ):
            raise ValueError(
                f"{function} expects {name} as a whole number in 1..{top}, got {value!r}"
            )

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
        image = datasets.transform_digit(images[index], shift_right, shift_down, angle)
        result = linear_classifier_response(np.clip(image, 0, 1), kernel, bias)
        title = (
            f"test digit {index}, a {labels[index]}\n"
            f"shifted ({shift_right}, {shift_down}) px, rotated {angle}°"
        )
        return {**result, "label": int(labels[index]), "title": title}

    return LiveFigure(controls, compute, draw_linear_classifier_response)
