"""Lesson 04 (four_pixel_camera): its exercise checks, widgets, plots and data."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from helpers import checks, plotting, validation
from helpers.widgets import LiveFigure

if TYPE_CHECKING:
    import keras


# ------------------------------------------------------------ data
FOUR_PIXEL_CLASSES = ("solid", "vertical", "diagonal", "horizontal")
# One image of each class (rows: top, bottom; +1 bright, -1 dark); the other variant of each
# class is its negative, -FOUR_PIXEL_PATTERNS[k].
FOUR_PIXEL_PATTERNS = np.array(
    [
        [[1, 1], [1, 1]],  # solid: all four pixels alike
        [[1, -1], [1, -1]],  # vertical: left column against right column
        [[1, -1], [-1, 1]],  # diagonal: one diagonal against the other
        [[1, 1], [-1, -1]],  # horizontal: top row against bottom row
    ],
    dtype=np.float32,
)
FOUR_PIXEL_PATTERNS.setflags(write=False)  # shared by every caller: read-only


def four_pixel_camera(n: int, seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``n`` random images from the 4-pixel camera and their classes.

    Returns ``(images, labels)``: images of shape (n, 2, 2), float32, every pixel -1 or +1,
    and int64 labels of shape (n,) indexing :data:`FOUR_PIXEL_CLASSES` (0 solid, 1 vertical,
    2 diagonal, 3 horizontal). Each example's class is drawn uniformly at random (so counts
    vary a little around n/4), and then one of the class's two variants, the pattern in
    :data:`FOUR_PIXEL_PATTERNS` or its negative, with probability 1/2 each. The same ``seed``
    gives the same data; ``seed=None`` gives fresh random data.
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(
            f"four_pixel_camera expects the number of images n as a positive integer, got {n!r}"
        )
    if seed is not None and (
        isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0
    ):
        raise ValueError(
            f"four_pixel_camera expects seed as a non-negative integer (or None), got {seed!r}"
        )
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, len(FOUR_PIXEL_CLASSES), size=int(n))
    signs = rng.choice(np.array([1.0, -1.0], dtype=np.float32), size=int(n))
    images = FOUR_PIXEL_PATTERNS[labels] * signs[:, None, None]
    return images.astype(np.float32), labels


def four_pixel_all_images() -> tuple[np.ndarray, np.ndarray]:
    """The only 8 images the 4-pixel camera can show, and their classes.

    Images 0-3 are :data:`FOUR_PIXEL_PATTERNS` (solid, vertical, diagonal, horizontal) and
    images 4-7 their negatives, in the same class order: shape (8, 2, 2), float32; labels
    ``[0, 1, 2, 3, 0, 1, 2, 3]``.
    """
    images = np.concatenate([FOUR_PIXEL_PATTERNS, -FOUR_PIXEL_PATTERNS])
    labels = np.tile(np.arange(len(FOUR_PIXEL_CLASSES)), 2)
    return images, labels


# ------------------------------------------------------------ plots
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
    if not hasattr(ax, "imshow"):
        raise ValueError(f"draw_pattern expects a matplotlib Axes to draw on, got {ax!r}")
    pattern = validation.finite_array("draw_pattern", "the pattern", pattern)
    if pattern.ndim != 2:
        raise ValueError(
            f"draw_pattern expects one image of shape (height, width), got {pattern.shape}"
        )
    if not _is_real(vmax) or not vmax > 0:
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
    if patterns is not None and np.size(patterns) == 0:
        patterns = np.zeros((0, 2, 2))  # an empty list: reported below with the shape
    else:
        patterns = validation.finite_array("show_patterns", "patterns", patterns)
    if patterns.ndim != 3 or len(patterns) == 0:
        raise ValueError(
            "show_patterns expects images of shape (n, height, width) with n >= 1, "
            f"got {patterns.shape}; for one image pass image[None], for a kernel whose "
            "columns are templates pass kernel.T.reshape(-1, 2, 2)"
        )
    if vmax is None:
        vmax = float(np.abs(patterns).max()) or 1.0
    elif not _is_real(vmax) or not vmax > 0:
        raise ValueError(f"vmax must be positive, got {vmax!r}")
    fig = plotting.show_images(patterns, labels, ncols=ncols, size=size, title=title)
    for ax, pattern in zip(fig.axes, patterns, strict=False):  # first n panels: images
        ax.images[0].remove()
        ax.set_axis_on()
        draw_pattern(ax, pattern, vmax=vmax, show_values=show_values)
    return fig


# ------------------------------------------------------------ exercise checks

BROKEN_WEIGHT = (1, 1, 1, -1.0)  # layer index, kernel row, kernel column, new value
# The hand-set 4-4-8-4 network of lesson 04, section 2: its four kernels (every bias is 0).
HAND_SET_KERNELS = (
    ((1, 0, 1, 0), (0, 1, 0, 1), (1, 0, -1, 0), (0, 1, 0, -1)),
    ((1, -1, 0, 0), (1, 1, 0, 0), (0, 0, 1, -1), (0, 0, -1, -1)),
    (
        (1, -1, 0, 0, 0, 0, 0, 0),
        (0, 0, 1, -1, 0, 0, 0, 0),
        (0, 0, 0, 0, 1, -1, 0, 0),
        (0, 0, 0, 0, 0, 0, 1, -1),
    ),
    (
        (1, 0, 0, 0),
        (1, 0, 0, 0),
        (0, 1, 0, 0),
        (0, 1, 0, 0),
        (0, 0, 1, 0),
        (0, 0, 1, 0),
        (0, 0, 0, 1),
        (0, 0, 0, 1),
    ),
)
_TIE = 1e-6  # probabilities closer than this count as a tie


def _hand_set_weights() -> list[np.ndarray]:
    """The hand-set network's weights in ``model.get_weights()`` order: kernel, bias, ..."""
    weights = []
    for kernel in HAND_SET_KERNELS:
        kernel = np.array(kernel, dtype=float)
        weights += [kernel, np.zeros(kernel.shape[1])]
    return weights


def _weights_of(model) -> tuple[list[np.ndarray] | None, str | None]:
    """``model.get_weights()`` as float arrays, or a hint why they cannot be had."""
    if not hasattr(model, "get_weights"):
        return None, f"expected a Keras model, got {type(model).__name__}"
    weights, problem = checks.attempt(model.get_weights)
    if problem:
        return None, f"model.get_weights() failed: {problem}"
    return [np.asarray(w, dtype=float) for w in weights], None


def _differences(weights: list[np.ndarray], reference: list[np.ndarray]) -> list | None:
    """(array index, position) of every weight that differs, or None if the shapes differ."""
    if [w.shape for w in weights] != [w.shape for w in reference]:
        return None
    return [
        (index, tuple(int(i) for i in position))
        for index, (a, b) in enumerate(zip(weights, reference, strict=True))
        for position in zip(*np.nonzero(a != b), strict=True)
    ]


def _four_pixel_image_name(index: int) -> str:

    name = FOUR_PIXEL_CLASSES[index % 4]
    return f"{index} ({name}{', negative' if index >= 4 else ''})"


def _probabilities_of_all_images(model: keras.Model) -> tuple[np.ndarray | None, str | None]:
    """``model``'s predictions for the camera's 8 images, or a hint why there are none."""

    if not hasattr(model, "predict"):
        return None, f"expected a Keras model, got {type(model).__name__}"
    images, _ = four_pixel_all_images()
    probabilities, problem = checks.attempt(model.predict, images.reshape(8, 4), verbose=0)
    if problem:
        return None, f"model.predict on the 8 images of shape (8, 4) failed: {problem}"
    return np.asarray(probabilities, dtype=float), None


def _misclassified(probabilities: np.ndarray, labels: np.ndarray) -> set[int]:
    """Images whose true class does not get the highest probability on its own (ties lose)."""
    wrong = set()
    for index, (row, label) in enumerate(zip(probabilities, labels, strict=True)):
        others = np.delete(row, label)
        if not row[label] > others.max() + _TIE:
            wrong.add(index)
    return wrong


def _image_numbers(answer) -> tuple[set[int] | None, str | None]:
    """A set of image numbers 0-7 from a set, list or array of whole numbers, or a hint."""
    example = "write a set of image numbers, e.g. {0, 3} (or set() for none)"
    if isinstance(answer, str | bytes) or not isinstance(answer, Iterable):
        return None, f"predicted_wrong should be a set of image numbers: {example}; got {answer!r}"
    numbers = set()
    for item in answer:
        if isinstance(item, bool | np.bool_) or not isinstance(
            item, int | float | np.integer | np.floating
        ):
            return None, f"image numbers are whole numbers 0 to 7, got {item!r}: {example}"
        if not float(item).is_integer():
            return None, f"image numbers are whole numbers 0 to 7, got {item!r}"
        numbers.add(int(item))
    if not numbers <= set(range(8)):
        return None, f"the images are numbered 0 to 7, got {sorted(numbers)}"
    return numbers, None


def exercise_break_one_weight(
    hand_set_model: keras.Model,
    broken_model: keras.Model | None,
    predicted_wrong: Iterable[int] | None,
) -> checks.Verdict:
    """Exercise 04.1: flip one weight of the hand-set network, predict which images fail.

    ``broken_model`` is compared with the hand-set weights of the lesson (HAND_SET_KERNELS,
    zero biases), not with whatever ``hand_set_model`` holds now.
    """

    name = "break one weight, predict the damage"
    layer, row, column, value = BROKEN_WEIGHT
    if broken_model is None:
        return checks.verdict(name, "broken_model is None: build the copy with the changed weight")
    if broken_model is hand_set_model:
        return checks.verdict(
            name,
            "broken_model is the hand-set model itself: build a new network, give it the "
            "hand-set weights (set_weights(hand_set.get_weights())), then change the copy",
        )
    reference = _hand_set_weights()
    original, _ = _weights_of(hand_set_model)
    if original is not None and _differences(original, reference) != []:
        return checks.verdict(
            name,
            "hand_set no longer holds the hand-set weights (was it changed instead of a "
            "copy?): re-run the cells of section 2 to restore it, then build broken again",
        )
    changed, problem = _weights_of(broken_model)
    if problem:
        return checks.verdict(name, problem)
    differences = _differences(changed, reference)
    if differences is None:
        return checks.verdict(name, "broken_model must have the same layers as the hand-set model")
    target = (2 * layer, (row, column))  # get_weights() lists kernel, bias, kernel, bias ...
    if differences != [target]:
        return checks.verdict(
            name,
            f"exactly one weight should differ from the hand-set network: the kernel of layer "
            f"index {layer} (model.layers[{layer}]) at row {row}, column {column}; your copy "
            f"differs in {len(differences)} place(s)",
        )
    if not np.isclose(changed[2 * layer][row, column], value):
        return checks.verdict(name, f"set that weight to {value:g}")
    if predicted_wrong is None:
        return checks.verdict(name, "write your prediction in predicted_wrong, e.g. {0, 3}")
    predicted, problem = _image_numbers(predicted_wrong)
    if problem:
        return checks.verdict(name, problem)
    probabilities, problem = _probabilities_of_all_images(broken_model)
    if problem:
        return checks.verdict(name, problem)
    labels = four_pixel_all_images()[1]
    actual = _misclassified(probabilities, labels)
    if predicted != actual:
        return checks.verdict(name, _prediction_hint(predicted, actual, probabilities, labels))
    return checks.verdict(name, None)


def _prediction_hint(
    predicted: set[int], actual: set[int], probabilities: np.ndarray, labels: np.ndarray
) -> str:
    """What is wrong with a predicted set of misclassified images, without giving the set."""
    missed, extra = actual - predicted, predicted - actual
    hint = (
        f"you predicted {sorted(predicted)}: {len(predicted & actual)} of these are wrong "
        f"indeed, and the broken network gets {len(actual)} of the 8 images wrong in all"
    )
    tied = {i for i in missed if probabilities[i].max() - probabilities[i][labels[i]] <= _TIE}
    negatives = {i for i in missed if i >= 4 and i - 4 in predicted}
    if negatives:
        hint += (
            ". A pattern's negative flips the sign of every detector: what happens to "
            "its image when the pattern fails?"
        )
    elif tied:
        hint += (
            ". Some images you did not list end in a tie for the highest probability: a tie "
            "counts as wrong"
        )
    elif missed:
        hint += ". Which images does unit 2.1 detect now, and which detect nothing at all?"
    if extra:
        hint += (
            f". {len(extra)} of the images you listed still get their class right: only the "
            "detectors that use the changed weight are affected"
        )
    return hint + ". Look at the broken network's layer-2 outputs for the 8 images"


def _hand_set_best_logit() -> float:
    """The hand-set network's logit for the right class of any of the 8 images."""
    return math.tanh(2 * math.tanh(2.0))


def _right_class_probability(k: float, logit: float) -> float:
    """e^(k m) / (e^(k m) + 3) for the scaled hand-set network, without overflow."""
    z = k * logit - math.log(3)
    if z >= 0:
        return 1 / (1 + math.exp(-z))
    return math.exp(z) / (1 + math.exp(z))


def exercise_confident_scale(k: float | None) -> checks.Verdict:
    """Exercise 04.2: the smallest factor k on the last kernel that gives probability 0.99.

    Passes when k reaches 0.99 (to within 1e-4 of probability) and is at most 1% above the
    exact smallest k.
    """
    name = "smallest scale for 99% confidence"
    k, problem = checks.number_answer(k, "no answer yet (k is None)")
    if problem:
        return checks.verdict(name, problem)
    if not math.isfinite(k):
        return checks.verdict(name, f"expected a finite number, got {k}")
    logit = _hand_set_best_logit()
    k_min = math.log(0.99 * 3 / 0.01) / logit
    probability = _right_class_probability(k, logit)
    if probability < 0.99 - 1e-4:
        hint = f"with k = {k:g} the right class gets probability {probability:.4f}, less than 0.99"
        if k <= 0:
            hint += ". A factor of 0 or less cannot make the right class more likely"
        elif math.isclose(k, math.log(99) / logit, rel_tol=0.01):
            hint += ". Remember the three other classes: each adds e^0 = 1 to the denominator"
        elif math.isclose(k, math.log(297), rel_tol=0.01):
            hint += ". The right class's logit m is tanh(2 tanh 2) = 0.9586, not 1"
        elif math.isclose(k, math.log10(297) / logit, rel_tol=0.01):
            hint += ". The softmax uses e^z, so solve with the natural logarithm, np.log"
        elif math.isclose(k, logit / math.log(297), rel_tol=0.01):
            hint += ". That is 1/k, a temperature: the logits are multiplied by k"
        return checks.verdict(name, hint)
    if k > 1.01 * k_min:
        hint = f"k = {k:g} gives {probability:.4f} >= 0.99, but a smaller k is enough"
        if math.isclose(k, math.log(0.99 * 4 / 0.01) / logit, rel_tol=0.01):
            hint += ". The denominator holds the right class's own term and three others"
        elif k.is_integer():
            hint += ". k need not be a whole number"
        return checks.verdict(
            name,
            f"{hint}. Solve e^(k m) / (e^(k m) + 3) = 0.99 for k, with m the right class's logit",
        )
    return checks.verdict(name, None)


def exercise_eight_classes(model: keras.Model | None) -> checks.Verdict:
    """Exercise 04.3: a network that tells all 8 images apart (classes 0-7 = image numbers).

    The first three layers must keep the hand-set weights; only the last layer is chosen.
    """
    name = "eight classes: tell the two variants apart"
    if model is None:
        return checks.verdict(name, "no model yet (eight_class_model is None)")
    probabilities, problem = _probabilities_of_all_images(model)
    if problem:
        return checks.verdict(name, problem)
    if probabilities.ndim != 2 or probabilities.shape != (8, 8):
        return checks.verdict(
            name,
            f"the model gives {probabilities.shape[1:]} outputs per image; it needs 8, "
            "one per image (the last layer: Dense(8, activation='softmax'))",
        )
    weights, problem = _weights_of(model)
    if problem:
        return checks.verdict(name, problem)
    if len(weights) != 8 or _differences(weights[:6], _hand_set_weights()[:6]) != []:
        return checks.verdict(
            name,
            "keep the hand-set weights in the first three layers and choose only the last: "
            "set_weights([*hand_set.get_weights()[:6], last_kernel, last_bias])",
        )
    wrong = _misclassified(probabilities, np.arange(8))
    if wrong:
        index = min(wrong)
        row = probabilities[index]
        best = np.flatnonzero(row >= row.max() - _TIE)
        if len(best) > 1:
            classes = ", ".join(str(c) for c in best)
            outcome = f"ties classes {classes} for the highest probability ({row.max():.3f})"
        else:
            outcome = f"gives class {int(best[0])} the highest probability"
        return checks.verdict(
            name,
            f"image {_four_pixel_image_name(index)} should be class {index} but the model "
            f"{outcome} ({len(wrong)} of 8 images wrong). Which layer-3 unit fires for each "
            "image?",
        )
    return checks.verdict(name, None)


# ------------------------------------------------------------ widgets

FOUR_PIXEL_ACTIVATIONS = ("tanh", "tanh", "relu", "softmax")
_PIXEL_NAMES = ("top_left", "top_right", "bottom_left", "bottom_right")


def _activate(name: str, z: np.ndarray) -> np.ndarray:
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "softmax":
        exponentials = np.exp(z - z.max(axis=-1, keepdims=True))
        return exponentials / exponentials.sum(axis=-1, keepdims=True)
    if name == "linear":
        return z
    raise ValueError(f"unknown activation {name!r}; use 'tanh', 'relu', 'softmax' or 'linear'")


def _as_layer_weights(weights: Any) -> list[tuple[np.ndarray, np.ndarray]]:
    """``weights`` as a list of float64 (kernel, bias) pairs, or a ValueError saying why not."""
    how = "pass [layer.get_weights() for layer in model.layers]"
    if hasattr(weights, "get_weights") or hasattr(weights, "layers"):
        raise ValueError(f"expected the weights of a network, not the model itself: {how}")
    if isinstance(weights, Sequence) and not isinstance(weights, str | bytes) and not weights:
        raise ValueError(f"expected at least one layer's (kernel, bias), got none: {how}")
    if isinstance(weights, str | bytes | Mapping) or not isinstance(weights, Sequence):
        raise ValueError(
            f"expected a list of (kernel, bias) pairs, one per layer, got "
            f"{type(weights).__name__}: {how}"
        )
    pairs = []
    for index, pair in enumerate(weights):
        if isinstance(pair, str | bytes) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise ValueError(f"layer {index}: expected a pair (kernel, bias); {how}")
        try:
            kernel, bias = (
                validation.finite_array(f"layer {index}", "the kernel and bias", w) for w in pair
            )
        except ValueError as error:
            raise ValueError(
                f"layer {index}: the kernel and bias must be finite numbers ({error})"
            ) from error
        if kernel.ndim != 2 or bias.shape != (kernel.shape[1],):
            raise ValueError(
                f"layer {index}: expected a kernel (inputs, units) and a bias (units,), "
                f"got shapes {kernel.shape} and {bias.shape}"
            )
        pairs.append((kernel, bias))
    return pairs


def dense_forward(
    weights: Sequence[Sequence[np.ndarray]],
    images: np.ndarray,
    activations: Sequence[str] = FOUR_PIXEL_ACTIVATIONS,
) -> list[np.ndarray]:
    """Run a stack of ``Dense`` layers in NumPy (float64) and return every layer's output.

    ``weights``: one ``(kernel, bias)`` pair per layer, as ``layer.get_weights()`` gives them
    (a layer computes ``activation(x @ kernel + bias)``). ``images``: shape (n, 2, 2), (n, 4)
    or a single image (2, 2) or (4,); they are flattened row by row (top left, top right,
    bottom left, bottom right), as the lesson feeds them to Keras. ``activations``: one name per
    layer ('tanh', 'relu', 'softmax' or 'linear'; 'linear' on the last layer gives the logits).
    Returns a list with one array of shape (n, units) per layer.
    """
    pairs = _as_layer_weights(weights)
    if (
        isinstance(activations, str)
        or not isinstance(activations, Sequence)
        or len(pairs) != len(activations)
    ):
        raise ValueError(
            f"dense_forward got {len(pairs)} layers of weights but activations "
            f"{activations!r}; pass one (kernel, bias) pair per layer and one activation name "
            "per layer, e.g. ('tanh', 'tanh', 'relu', 'softmax')"
        )
    x = validation.finite_array("dense_forward", "images", images)
    if x.shape in ((4,), (2, 2)):  # a single image
        x = x.reshape(1, 4)
    elif x.ndim == 3:  # a batch of 2x2 images
        x = x.reshape(len(x), -1)
    outputs = []
    for index, ((kernel, bias), activation) in enumerate(zip(pairs, activations, strict=True)):
        if x.ndim != 2 or x.shape[1] != kernel.shape[0]:
            raise ValueError(
                f"layer {index} expects inputs of shape (n, {kernel.shape[0]}), got {x.shape}; "
                "pass images of shape (n, 2, 2) or (n, 4)"
            )
        x = _activate(activation, x @ kernel + bias)
        outputs.append(x)
    return outputs


def four_pixel_response(
    networks: Mapping[str, Sequence[Sequence[np.ndarray]]],
    top_left: float,
    top_right: float,
    bottom_left: float,
    bottom_right: float,
) -> dict[str, Any]:
    """What each 4-4-8-4 network does with one 2x2 image (pixel values in [-1, 1]).

    Returns ``pixels`` (2, 2) and, for each network name, ``layers``: the outputs of the three
    hidden layers and ``probabilities`` (one per class).
    """
    pixels = [top_left, top_right, bottom_left, bottom_right]
    if not all(_is_real(value) and -1 <= value <= 1 for value in pixels):
        raise ValueError(
            f"the four pixels must be numbers in [-1, 1] (the camera's range), got {pixels!r}"
        )
    if not isinstance(networks, Mapping) or not networks:
        raise ValueError(
            "four_pixel_response expects a dict {name: weights} of at least one network, "
            f"got {networks!r}"
        )
    pixels = np.array(pixels, dtype=float).reshape(2, 2)
    result: dict[str, Any] = {"pixels": pixels, "networks": {}}
    for name, weights in networks.items():
        *hidden, probabilities = dense_forward(weights, pixels)
        result["networks"][name] = {
            "layers": [layer[0] for layer in hidden],
            "probabilities": probabilities[0],
        }
    return result


def _is_real(value: Any) -> bool:
    """A finite real number (bools excluded)."""
    return (
        isinstance(value, int | float | np.integer | np.floating)
        and not isinstance(value, bool | np.bool_)
        and bool(np.isfinite(value))
    )


def _draw_activations(ax: Any, values: np.ndarray, title: str) -> None:
    """One layer's outputs as cells: white is +1, or the largest |value| when that is larger."""

    scale = max(1.0, float(np.abs(values).max()))
    if scale > 1.0:
        title += f", white = {scale:.2f}"
    draw_pattern(ax, values, vmax=scale, show_values=True, title=title)


def _check_response(result: Any, class_names: Sequence[str]) -> None:
    """A ValueError unless ``result`` is a :func:`four_pixel_response` with probabilities."""
    function = "draw_four_pixel_response"
    how = "pass four_pixel_response(networks, ...)"
    if not isinstance(result, Mapping) or not {"pixels", "networks"} <= set(result):
        raise ValueError(f"{function} expects a dict with 'pixels' and 'networks': {how}")
    if validation.finite_array(function, "pixels", result["pixels"]).shape != (2, 2):
        raise ValueError(f"{function} expects pixels of shape (2, 2): {how}")
    networks = result["networks"]
    if not isinstance(networks, Mapping) or not networks:
        raise ValueError(f"{function} expects result['networks'] as a non-empty dict: {how}")
    if isinstance(class_names, str) or not isinstance(class_names, Sequence):
        raise ValueError(f"class_names must be a list of names, got {class_names!r}")
    for name, network in networks.items():
        layers = network.get("layers") if isinstance(network, Mapping) else None
        if not isinstance(layers, Sequence) or len(layers) != 3:
            raise ValueError(f"{function}: network {name!r} needs its 3 hidden layers: {how}")
        sizes = [
            validation.finite_array(function, "layer outputs", layer).shape for layer in layers
        ]
        if sizes != [(4,), (4,), (8,)]:
            raise ValueError(
                f"{function}: network {name!r} has hidden layers of shapes {sizes}, expected "
                f"(4,), (4,) and (8,): {how}"
            )
        probabilities = validation.finite_array(
            function, "probabilities", network.get("probabilities")
        )
        if probabilities.shape != (len(class_names),):
            raise ValueError(
                f"{function}: network {name!r} gives {probabilities.shape} probabilities for "
                f"{len(class_names)} class names"
            )
        if probabilities.min() < 0 or not np.isclose(probabilities.sum(), 1, atol=1e-4):
            raise ValueError(
                f"{function}: network {name!r} gives values that are not probabilities (sum "
                f"{probabilities.sum():.4g}): pass the softmax output, not the logits"
            )


def draw_four_pixel_response(
    result: Mapping[str, Any], class_names: Sequence[str] = ("s", "v", "d", "h")
) -> Figure:
    """Draw a :func:`four_pixel_response`: one row per network, one panel per layer.

    Layers 1 and 2 (4 units) are drawn as 2x2 grids (units 0 1 / 2 3), layer 3 (8 units) as
    2x4 (unit 2k above unit 2k+1: the pair the hand-set network uses for class k).
    White is +1 and black -1; a panel with a value beyond 1 is scaled to its largest value,
    named in its title. (Bars drawn here rather than with plotting.plot_probabilities, which
    makes a figure of its own.)
    """
    _check_response(result, class_names)
    networks = result["networks"]
    height = 2.3 * len(networks) + 0.3
    fig = Figure(figsize=(12, height))
    # fixed margins rather than a constrained layout: the layout pass cost more than half
    # of every redraw, and the panels keep their places while the sliders move
    axes = fig.subplots(
        len(networks),
        5,
        squeeze=False,
        gridspec_kw={
            "left": 0.01,
            "right": 0.98,
            "top": 1 - 0.35 / height,
            "bottom": 0.55 / height,
            "width_ratios": [1, 1, 1, 1.6, 1.3],
            "wspace": 0.45,
            "hspace": 0.55,
        },
    )
    for row, (name, network) in enumerate(networks.items()):
        first, second, third = network["layers"]
        _draw_activations(axes[row, 0], result["pixels"], f"{name}: pixels")
        _draw_activations(axes[row, 1], first.reshape(2, 2), "layer 1 (tanh)")
        _draw_activations(axes[row, 2], second.reshape(2, 2), "layer 2 (tanh)")
        _draw_activations(axes[row, 3], third.reshape(-1, 2).T, "layer 3 (ReLU)")
        probabilities = network["probabilities"]
        top = probabilities >= probabilities.max() - 1e-6  # every class tied for first place
        colors = np.where(top, "C3", "C0")
        ax = axes[row, 4]
        ax.barh(range(len(probabilities)), probabilities, color=colors)
        ax.set_yticks(range(len(probabilities)), list(class_names))
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel("probability")
        ax.set_title("output (softmax)", fontsize=9)
        for index, p in enumerate(probabilities):
            inside = p > 0.75  # write large values inside their bar
            ax.text(
                p - 0.02 if inside else p + 0.02,
                index,
                f"{p:.3f}",
                ha="right" if inside else "left",
                va="center",
                fontsize=8,
                color="white" if inside else "black",
            )
    return fig


def four_pixel_explorer(
    networks: Mapping[str, Sequence[Sequence[np.ndarray]]],
    class_names: Sequence[str] = ("solid", "vertical", "diagonal", "horizontal"),
    pixels: tuple[float, float, float, float] = (1.0, 1.0, -1.0, -1.0),
) -> LiveFigure:
    """Set the four pixels with sliders; see every layer of each 4-4-8-4 network respond.

    ``networks`` maps a name to that network's weights, one ``(kernel, bias)`` pair per layer
    (``[layer.get_weights() for layer in model.layers]``), layers tanh, tanh, ReLU, softmax.
    ``pixels``: the starting values, row by row.
    """
    if not isinstance(networks, Mapping) or not 1 <= len(networks) <= 3:
        size = f" of length {len(networks)}" if isinstance(networks, Mapping) else ""
        raise ValueError(
            "four_pixel_explorer expects a dict {name: weights} of 1 to 3 networks, "
            f"got {type(networks).__name__}{size}"
        )
    if isinstance(class_names, str) or not isinstance(class_names, Sequence):
        raise ValueError(f"class_names must be a list of names, got {class_names!r}")
    for name, weights in networks.items():
        try:
            probabilities = dense_forward(weights, np.zeros(4))[-1]
        except ValueError as error:
            raise ValueError(f"networks[{name!r}]: {error}") from error
        if probabilities.shape != (1, len(class_names)) or len(weights[2][1]) != 8:
            raise ValueError(
                f"networks[{name!r}] must be a 4-4-8-{len(class_names)} network, "
                f"got layer sizes {[len(pair[1]) for pair in weights]}"
            )
    if (
        isinstance(pixels, str)
        or not isinstance(pixels, Sequence)
        or len(pixels) != 4
        or not all(_is_real(value) and -1 <= value <= 1 for value in pixels)
    ):
        raise ValueError(f"pixels must be 4 numbers in [-1, 1], row by row, got {pixels!r}")
    controls = {
        name: widgets.FloatSlider(
            value=value,
            min=-1,
            max=1,
            step=0.1,
            description=name.replace("_", " "),
            continuous_update=False,
        )
        for name, value in zip(_PIXEL_NAMES, pixels, strict=True)
    }
    short_names = [str(name)[:10] for name in class_names]

    def compute(**values: float) -> dict[str, Any]:
        return four_pixel_response(networks, **values)

    return LiveFigure(
        controls, compute, lambda result: draw_four_pixel_response(result, short_names)
    )
