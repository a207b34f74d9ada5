"""Lesson 10, part 2 (autoencoders): image rows for reconstructions, the bottleneck explorer
widget and the exercise checks."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from helpers import checks
from helpers import validation as check
from helpers.widgets import LiveFigure

SIDE = 28  # MNIST images are 28 x 28 pixels


def _images(values: Any, what: str) -> np.ndarray:
    """Images as a float array (n, 28, 28) with values in [0, 1]; flat rows (n, 784) accepted."""
    array = check.numbers(values, what, "images of shape (n, 784) or (n, 28, 28)").astype(float)
    if array.ndim == 4 and array.shape[-1] == 1:
        array = array[..., 0]
    if array.ndim == 2 and array.shape[1] == SIDE * SIDE:
        array = array.reshape(-1, SIDE, SIDE)
    if array.ndim != 3 or array.shape[1:] != (SIDE, SIDE) or len(array) == 0:
        raise ValueError(
            f"{what}: expected images of shape (n, 784) or (n, 28, 28) with n >= 1, got "
            f"{array.shape}; pass MNIST digits scaled to [0, 1]"
        )
    check.finite(array, what, "a model whose loss went NaN outputs NaN")
    if array.min() < -1e-6 or array.max() > 1 + 1e-6:
        raise ValueError(
            f"{what}: expected pixel values in [0, 1], got {array.min():.3g} to "
            f"{array.max():.3g}; divide uint8 images by 255"
        )
    return array


def _image_rows(rows: Any, what: str) -> dict[str, np.ndarray]:
    check.mapping(rows, what, "{row label: images (n, 784) or (n, 28, 28)}")
    images = {str(label): _images(values, f"{what}[{label!r}]") for label, values in rows.items()}
    counts = {len(value) for value in images.values()}
    if len(counts) != 1:
        raise ValueError(f"{what}: every row needs the same number of images, got {counts}")
    return images


# ------------------------------------------------------------ reconstructions


def _mosaic(ax: Any, rows: Mapping[str, np.ndarray]) -> None:
    """Draw rows of 28 x 28 images as one picture (one imshow: fast), row labels on the left."""
    count, gap = len(next(iter(rows.values()))), 2
    picture = np.ones((len(rows) * (SIDE + gap) - gap, count * (SIDE + gap) - gap))
    for number, images in enumerate(rows.values()):
        for column, image in enumerate(images):
            top, left = number * (SIDE + gap), column * (SIDE + gap)
            picture[top : top + SIDE, left : left + SIDE] = image
    ax.imshow(picture, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([(SIDE + gap) * number + SIDE / 2 for number in range(len(rows))])
    ax.set_yticklabels(list(rows), fontsize=9)
    ax.tick_params(length=0)
    ax.grid(False)
    for side in ax.spines.values():
        side.set_visible(False)


def show_rows(rows: Mapping[str, np.ndarray], title: str | None = None) -> Figure:
    """Rows of images, one row per entry of ``rows`` (``{label: images}``), labelled on the left.

    Typical use: originals in the first row, each model's reconstructions of them below.
    """
    images = _image_rows(rows, "show_rows: rows")
    check.text(title, "show_rows: title", allow_none=True)
    count = len(next(iter(images.values())))
    fig = Figure(figsize=(1.5 + 0.8 * count, 0.8 * len(images) + (0.5 if title else 0.2)))
    ax = fig.subplots(gridspec_kw={"left": 1.4 / (1.5 + 0.8 * count), "right": 0.99})
    _mosaic(ax, images)
    if title:
        ax.set_title(title, fontsize=11)
    return fig


def _error_curves(errors: Any, what: str) -> dict[str, tuple[list[int], np.ndarray]]:
    check.mapping(errors, what, "{method: {code size: error}}")
    curves = {}
    for method, by_size in errors.items():
        check.mapping(by_size, f"{what}[{method!r}]", "{code size: error}")
        sizes = sorted(by_size)
        values = [check.number(by_size[k], f"{what}[{method!r}][{k}]") for k in sizes]
        curves[str(method)] = (sizes, np.array(values))
    return curves


def _draw_curves(ax: Any, curves: Mapping[str, tuple[list[int], np.ndarray]]) -> list[int]:
    """Error against code size, the sizes evenly spaced (they double, as on a log axis)."""
    sizes = next(iter(curves.values()))[0]
    for number, (method, (method_sizes, values)) in enumerate(curves.items()):
        if method_sizes != sizes:
            raise ValueError(
                f"every method needs the same code sizes, got {sizes} and {method_sizes}"
            )
        ax.plot(np.arange(len(sizes)), values, "-o", ms=4, color=f"C{number}", label=method)
    ax.set_xticks(np.arange(len(sizes)), [str(size) for size in sizes])
    ax.set(xlabel="code size (numbers per image)", ylabel="test MSE per pixel")
    ax.legend(fontsize=8)
    return sizes


def plot_errors_by_size(errors: Mapping[str, Mapping[int, float]]) -> Figure:
    """The reconstruction error of each method (``{method: {code size: error}}``) against the
    code size."""
    curves = _error_curves(errors, "plot_errors_by_size: errors")
    fig = Figure(figsize=(6.5, 3.6), layout="constrained")
    ax = fig.subplots()
    _draw_curves(ax, curves)
    ax.set_title("reconstruction error against code size")
    return fig


# ------------------------------------------------------------ the bottleneck explorer


def bottleneck_view(
    originals: np.ndarray,
    reconstructions: Mapping[str, Mapping[int, np.ndarray]],
    errors: Mapping[str, Mapping[int, float]],
    size: int,
) -> dict[str, Any]:
    """What the explorer shows for one code size: the originals, each method's reconstructions
    of them at that size, and every method's error curve (test MSE per pixel against size).

    ``reconstructions``: ``{method: {code size: images}}``; ``errors``: ``{method: {code size:
    error}}`` with the same methods and sizes.
    """
    what = "bottleneck_view"
    originals = _images(originals, f"{what}: originals")
    check.mapping(reconstructions, f"{what}: reconstructions", "{method: {code size: images}}")
    check.mapping(errors, f"{what}: errors", "{method: {code size: error}}")
    if set(errors) != set(reconstructions):
        raise ValueError(
            f"{what}: errors and reconstructions need the same methods, got {sorted(errors)} "
            f"and {sorted(reconstructions)}"
        )
    rows = {"original": originals}
    for method, by_size in reconstructions.items():
        check.mapping(by_size, f"{what}: reconstructions[{method!r}]", "{code size: images}")
        if set(by_size) != set(errors[method]):
            raise ValueError(
                f"{what}: reconstructions[{method!r}] and errors[{method!r}] need the same code "
                f"sizes, got {sorted(by_size)} and {sorted(errors[method])}"
            )
        if size not in by_size:
            raise ValueError(
                f"{what}: size must be one of the code sizes {sorted(by_size)}, got {size!r}"
            )
        images = _images(by_size[size], f"{what}: reconstructions[{method!r}][{size}]")
        if len(images) != len(originals):
            raise ValueError(
                f"{what}: reconstructions[{method!r}][{size}] has {len(images)} images, the "
                f"originals {len(originals)}: reconstruct the same images"
            )
        rows[f"{method}\n{size} numbers"] = images
    curves = _error_curves(
        {method: errors[method] for method in reconstructions}, f"{what}: errors"
    )
    return {"size": size, "rows": rows, "curves": curves}


def draw_bottleneck(view: Mapping[str, Any]) -> Figure:
    """Draw a :func:`bottleneck_view`: image rows on the left, the error curves on the right."""
    if not isinstance(view, Mapping) or not {"size", "rows", "curves"} <= set(view):
        raise ValueError("draw_bottleneck expects the dict that bottleneck_view returns")
    fig = Figure(figsize=(11, 3.2))
    grid = fig.add_gridspec(1, 2, width_ratios=[2.2, 1], left=0.12, right=0.98, bottom=0.16,
                            top=0.9, wspace=0.3)  # fmt: skip
    _mosaic(fig.add_subplot(grid[0]), view["rows"])
    curve = fig.add_subplot(grid[1])
    sizes = _draw_curves(curve, view["curves"])
    at = sizes.index(view["size"])
    for number, (_, values) in enumerate(view["curves"].values()):
        curve.plot([at], [values[at]], "o", ms=10, mfc="none", color=f"C{number}")
    curve.axvline(at, color="0.7", lw=0.8)
    curve.set(xlabel="code size", title="error against code size")
    return fig


def bottleneck_explorer(
    originals: np.ndarray,
    reconstructions: Mapping[str, Mapping[int, np.ndarray]],
    errors: Mapping[str, Mapping[int, float]],
) -> LiveFigure:
    """A slider over the code sizes: the originals and each method's reconstructions at that
    size, next to the error curves. Arguments as for :func:`bottleneck_view`."""
    check.mapping(reconstructions, "bottleneck_explorer: reconstructions", "{method: {size: x}}")
    first = next(iter(reconstructions.values()))
    check.mapping(first, "bottleneck_explorer: reconstructions[...]", "{code size: images}")
    sizes = sorted(first)
    bottleneck_view(originals, reconstructions, errors, sizes[0])  # checks everything once
    slider = widgets.SelectionSlider(
        options=sizes, value=sizes[len(sizes) // 2], description="code size",
        continuous_update=False,
    )  # fmt: skip

    def compute(size: int) -> dict[str, Any]:
        return bottleneck_view(originals, reconstructions, errors, size)

    return LiveFigure({"size": slider}, compute, draw_bottleneck)


# ------------------------------------------------------------ exercise 1: PCA by hand


def _pca_error(
    x_train: np.ndarray,
    x_test: np.ndarray,
    k: int,
    mistake: str = "",
    svds: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
) -> float:
    """PCA's test MSE per pixel with ``k`` components, or what a given ``mistake`` gives.

    ``svds`` caches the (mean, vt) pairs between calls (an SVD is the slow part).
    """
    centring = mistake if mistake in ("no centering", "test mean") else ""
    svds = {} if svds is None else svds
    if centring not in svds:
        mean = x_test.mean(axis=0) if centring == "test mean" else x_train.mean(axis=0)
        if centring == "no centering":
            mean = np.zeros_like(mean)
        svds[centring] = (mean, np.linalg.svd(x_train - mean, full_matrices=False)[2])
    mean, vt = svds[centring]
    components = vt[:, :k].T if mistake == "columns" else vt[:k]
    codes = (x_test - mean) @ components.T
    reconstruction = codes @ components + (0 if mistake == "mean not added back" else mean)
    squared = (reconstruction - x_test) ** 2
    if mistake == "sum per image":
        return float(np.mean(np.sum(squared, axis=1)))
    if mistake == "rmse":
        return float(np.sqrt(np.mean(squared)))
    return float(np.mean(squared))


_PCA_HINTS = {
    "no centering": "subtract the training images' mean pixel values before the SVD (and add "
    "it back after): PCA finds directions of variation around the mean",
    "mean not added back": "after projecting, add the training mean back: the reconstruction is "
    "mean + codes @ components",
    "columns": "the principal directions are the first k ROWS of vt (np.linalg.svd returns V "
    "transposed), not its first k columns",
    "test mean": "center with the training images' mean, not the test images': PCA is fitted "
    "on the training set only, like a network",
    "sum per image": "that is the squared error summed over the 784 pixels of an image; the "
    "lesson's error is the mean over pixels too (np.mean of the squared differences)",
    "rmse": "that is the root of the mean squared error; return the mean squared error itself",
}


def exercise_pca_error(
    pca_reconstruction_error: Callable[[np.ndarray, np.ndarray, int], Any],
    x_train: np.ndarray,
    x_test: np.ndarray,
) -> checks.Verdict:
    """Exercise 10b.1: ``pca_reconstruction_error(x_train, x_test, k)`` is the test MSE per pixel
    of PCA with ``k`` components fitted on ``x_train`` (flat images, (n, 784))."""
    name = "PCA reconstruction error by hand"
    x_train = _images(x_train, "exercise_pca_error: x_train").reshape(-1, SIDE * SIDE)
    x_test = _images(x_test, "exercise_pca_error: x_test").reshape(-1, SIDE * SIDE)
    if pca_reconstruction_error is None:
        return checks.verdict(name, "pca_reconstruction_error is None: define the function")
    svds: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for k in (2, 16, 64):
        want = _pca_error(x_train, x_test, k, svds=svds)
        got, problem = checks.attempt(pca_reconstruction_error, x_train.copy(), x_test.copy(), k)
        if problem:
            return checks.verdict(
                name, f"pca_reconstruction_error(x_train, x_test, {k}): {problem}"
            )
        got, problem = checks.number_answer(
            got, "pca_reconstruction_error returned None: forgot `return`?"
        )
        if problem:
            return checks.verdict(name, problem)
        if np.isclose(got, want, rtol=1e-4):
            continue
        for mistake, hint in _PCA_HINTS.items():
            if mistake == "columns" and len(x_train) < x_train.shape[1]:
                continue  # vt has fewer rows than pixels: that mistake cannot even run
            if np.isclose(got, _pca_error(x_train, x_test, k, mistake, svds), rtol=1e-4):
                return checks.verdict(name, f"k = {k}: {hint}")
        return checks.verdict(
            name,
            f"pca_reconstruction_error(x_train, x_test, {k}) = {got:.4g}, not the mean squared "
            "difference between the test images and their projections on the top k principal "
            "directions",
        )
    return checks.verdict(name, None)


# ------------------------------------------------------------ exercise 2: masking noise

MASK_FRACTION = 0.3


def _mask_probe() -> np.ndarray:
    """200 mid-grey test images: every pixel 0.5, so that masked pixels are easy to count."""
    return np.full((200, SIDE, SIDE), 0.5)


def _example_mask(images: np.ndarray, fraction: float, rng: np.random.Generator) -> np.ndarray:
    """The reference answer to exercise 2 (used by the tests)."""
    return np.where(rng.random(np.shape(images)) < fraction, 0.0, images)


def exercise_mask_pixels(mask_pixels: Callable[[np.ndarray, float, Any], Any]) -> checks.Verdict:
    """Exercise 10b.2: ``mask_pixels(images, fraction, rng)`` sets each pixel of each image to 0
    with probability ``fraction`` (drawn from the NumPy generator ``rng``), leaving the rest as
    they were, and returns a new array."""
    name = "masking noise"
    if mask_pixels is None:
        return checks.verdict(name, "mask_pixels is None: define the function")
    images = _mask_probe()
    got, problem = checks.attempt(mask_pixels, images, MASK_FRACTION, np.random.default_rng(0))
    if problem:
        return checks.verdict(name, f"mask_pixels(images, {MASK_FRACTION}, rng): {problem}")
    if got is None:
        return checks.verdict(name, "mask_pixels returned None: forgot `return`?")
    if not np.all(images == 0.5):
        return checks.verdict(
            name, "mask_pixels changed the images passed in: work on a copy (np.where(...) or "
            "images.copy()), the clean images are the targets"
        )  # fmt: skip
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return checks.verdict(name, f"mask_pixels returned {type(got).__name__}, not an array")
    if got.shape != images.shape:
        return checks.verdict(
            name, f"mask_pixels returned shape {got.shape}, expected the images' {images.shape}"
        )
    if not np.all(np.isfinite(got)):
        return checks.verdict(name, "mask_pixels returned NaN or inf")
    values = set(np.unique(np.round(got, 6)).tolist())
    if values - {0.0, 0.5}:
        if 1.0 in values and 0.0 not in values:
            hint = "masked pixels should become 0 (black), not 1"
        elif any(abs(v - 0.5 / (1 - MASK_FRACTION)) < 1e-3 for v in values):
            hint = (
                "the pixels you keep were divided by (1 - fraction), as Dropout does while "
                "training; masking noise leaves them as they were"
            )
        else:
            hint = (
                f"on an image of 0.5s the output should hold only 0 (masked) and 0.5 (kept), got "
                f"values such as {sorted(values)[:4]}"
            )
        return checks.verdict(name, hint)
    share = float(np.mean(got == 0))
    if share == 0:
        return checks.verdict(name, "no pixel was masked: set a share `fraction` of them to 0")
    if abs(share - (1 - MASK_FRACTION)) < 0.02:
        return checks.verdict(
            name, f"{share:.0%} of the pixels were masked, 1 - fraction: mask where "
            "rng.random(shape) < fraction, keep the others"
        )  # fmt: skip
    if abs(share - MASK_FRACTION) > 0.02:
        return checks.verdict(
            name, f"{share:.1%} of the pixels were masked; expected about {MASK_FRACTION:.0%}"
        )
    masks = got == 0
    if np.all(masks == masks[0]):
        return checks.verdict(
            name, "every image lost the same pixels: draw a fresh mask for every pixel of every "
            "image, rng.random(images.shape), not one mask of shape (28, 28)"
        )  # fmt: skip
    again = np.asarray(mask_pixels(images, MASK_FRACTION, np.random.default_rng(0)), dtype=float)
    other = np.asarray(mask_pixels(images, MASK_FRACTION, np.random.default_rng(1)), dtype=float)
    if not np.array_equal(again, got) or np.array_equal(again, other):
        return checks.verdict(
            name, "draw the mask from the generator passed in (rng.random(...)), not from "
            "np.random or a new generator: then the same rng gives the same mask"
        )  # fmt: skip
    return checks.verdict(name, None)
