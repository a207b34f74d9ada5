"""Lesson 11, part 2 (deepdream): the photo at a chosen size, measures of how a dream changed
the picture, the figures, the layer-and-steps explorer and the exercise checks.

The dreaming itself (the loss, the gradient-ascent step, the octaves) is in the lesson.
Images here are in the network's units, ``(pixel - 127) / 128``, about -1..1, as
``pretrained.preprocess`` makes them, of shape (height, width, 3).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from helpers import checks, datasets, pretrained
from helpers import validation as check
from helpers.widgets import LiveFigure

PIXEL_RANGE = (-1.0, 1.0)  # the valid range of an image in the network's units
LARGE_PATTERN = 16  # pixels: a wavelength above this counts as a "large" pattern

# ------------------------------------------------------------ the photo and its pixels


def load_photo(name: str = "cat", longer_side: int = 400) -> np.ndarray:
    """A course photo resized (bicubic) so that its longer side is ``longer_side`` pixels,
    in the network's units (float32, about -1..1), shape (height, width, 3)."""
    from PIL import Image

    longer_side = check.number(longer_side, "load_photo: longer_side", integer=True)
    if not 32 <= longer_side <= 1024:
        raise ValueError(
            f"load_photo expects longer_side between 32 and 1024 pixels, got {longer_side}"
        )
    photo = datasets.load_photo(name)
    scale = longer_side / max(photo.shape[:2])
    size = (round(photo.shape[1] * scale), round(photo.shape[0] * scale))
    resized = np.asarray(Image.fromarray(photo).resize(size, Image.Resampling.BICUBIC))
    return pretrained.preprocess(resized)


def _image(image: Any, what: str, name: str = "image") -> np.ndarray:
    array = check.finite_array(what, name, image)
    if array.ndim != 3 or array.shape[-1] != 3 or min(array.shape[:2]) < 8:
        raise ValueError(
            f"{what} expects {name} of shape (height, width, 3), at least 8 x 8, in the "
            f"network's units (about -1..1), got {array.shape}; for a batch pass one image"
        )
    if array.min() < -1.5 or array.max() > 1.5:
        raise ValueError(
            f"{what} expects {name} in the network's units (about -1..1), got values from "
            f"{array.min():.3g} to {array.max():.3g}; pass pretrained.preprocess(pixels)"
        )
    return array


def _pair(original: Any, dreamed: Any, what: str) -> tuple[np.ndarray, np.ndarray]:
    original, dreamed = _image(original, what, "original"), _image(dreamed, what, "dreamed")
    if original.shape != dreamed.shape:
        raise ValueError(
            f"{what} expects original and dreamed of the same shape, got {original.shape} and "
            f"{dreamed.shape}; dream at the original's size"
        )
    return original, dreamed


def to_pixels(image: Any) -> np.ndarray:
    """Network units back to an RGB uint8 image (0..255), to show or to classify."""
    image = _image(image, "to_pixels")
    return np.clip(np.round(image * 128 + 127), 0, 255).astype(np.uint8)


def octave_sizes(height: int, width: int, octaves: int, scale: float) -> list[tuple[int, int]]:
    """The image sizes (height, width) of the octaves, smallest first, each ``scale`` times
    smaller than the next; the last one is (height, width) itself."""
    height = check.number(height, "octave_sizes: height", integer=True, positive=True)
    width = check.number(width, "octave_sizes: width", integer=True, positive=True)
    octaves = check.number(octaves, "octave_sizes: octaves", integer=True, positive=True)
    scale = check.number(scale, "octave_sizes: scale", positive=True)
    if scale <= 1:
        raise ValueError(f"octave_sizes expects a scale above 1 (e.g. 1.4), got {scale}")
    sizes = [
        (round(height / scale**i), round(width / scale**i)) for i in range(octaves - 1, -1, -1)
    ]
    if min(sizes[0]) < 32:
        raise ValueError(
            f"octave_sizes: the smallest octave, {sizes[0]}, is under 32 pixels (the network's "
            "smallest input); use fewer octaves or a smaller scale"
        )
    return sizes


# ------------------------------------------------------------ measures of a dream


def pixel_correlation(original: Any, dreamed: Any) -> float:
    """Correlation of all pixel values of two images: 1 = the same picture up to contrast."""
    original, dreamed = _pair(original, dreamed, "pixel_correlation")
    return float(np.corrcoef(original.ravel(), dreamed.ravel())[0, 1])


def mean_change(original: Any, dreamed: Any) -> float:
    """Mean absolute change per pixel value, in the network's units (2 = black to white)."""
    original, dreamed = _pair(original, dreamed, "mean_change")
    return float(np.mean(np.abs(dreamed - original)))


def large_pattern_share(original: Any, dreamed: Any, wavelength: float = LARGE_PATTERN) -> float:
    """The share of the change's energy in patterns larger than ``wavelength`` pixels.

    The change (dreamed - original, averaged over colours) is taken apart into waves by a 2-D
    Fourier transform; waves longer than ``wavelength`` pixels count as large patterns.
    """
    original, dreamed = _pair(original, dreamed, "large_pattern_share")
    wavelength = check.number(wavelength, "large_pattern_share: wavelength", positive=True)
    change = (dreamed - original).mean(axis=-1)
    power = np.abs(np.fft.fft2(change - change.mean())) ** 2
    fy, fx = np.fft.fftfreq(change.shape[0])[:, None], np.fft.fftfreq(change.shape[1])[None]
    if power.sum() == 0:
        raise ValueError("large_pattern_share: the dreamed image equals the original")
    return float(power[np.hypot(fx, fy) < 1 / wavelength].sum() / power.sum())


def _classify(classifier: Callable, image: Any, what: str) -> np.ndarray:
    """The classifier's 1000 probabilities for one image (padded square, 224 px)."""
    check.function(classifier, f"{what}: classifier")
    square = pretrained.resize_for_model(to_pixels(_image(image, what)))
    probabilities = np.asarray(classifier(pretrained.preprocess(square[None])))
    if probabilities.shape != (1, pretrained.NUM_CLASSES):
        raise ValueError(
            f"{what} expects an ImageNet classifier with 1000 outputs "
            f"(pretrained.load_efficientnet_lite0()), got outputs of shape {probabilities.shape}"
        )
    return probabilities[0]


def class_probability(classifier: Callable, image: Any, class_index: int) -> float:
    """The probability the classifier gives one ImageNet class (285: Egyptian cat) for ``image``."""
    class_index = check.index(class_index, pretrained.NUM_CLASSES, "class_probability: class_index")
    return float(_classify(classifier, image, "class_probability")[class_index])


def top_classes(classifier: Callable, images: Mapping[str, Any], top: int = 3) -> pd.DataFrame:
    """What an ImageNet classifier sees in each image: its ``top`` classes and probabilities.

    ``classifier``: ``pretrained.load_efficientnet_lite0()``; ``images``: {title: image in
    the network's units}. Each image is padded to a square and resized to 224 pixels first.
    """
    check.mapping(images, "top_classes: images", "{title: image}")
    rows = {}
    for title, image in images.items():
        probabilities = _classify(classifier, image, f"top_classes ({title})")
        decoded = pretrained.decode_predictions(probabilities, top)[0]
        rows[title] = {f"{i + 1}.": f"{name} ({p:.2f})" for i, (_, name, p) in enumerate(decoded)}
    return pd.DataFrame(rows).T


# ------------------------------------------------------------ figures


def show_images(images: Mapping[str, Any], title: str = "", columns: int = 2) -> Figure:
    """Images (in the network's units) side by side, ``columns`` per row, titled by their keys."""
    check.mapping(images, "show_images: images", "{title: image}")
    check.text(title, "show_images: title", allow_none=True)
    columns = check.number(columns, "show_images: columns", integer=True, positive=True)
    pictures = {name: to_pixels(image) for name, image in images.items()}
    rows = -(-len(pictures) // columns)
    height, width = next(iter(pictures.values())).shape[:2]
    panel = 4.6 if columns <= 2 else 9.6 / columns
    fig = Figure(figsize=(panel * columns, panel * height / width * rows + 0.5),
                 layout="constrained")  # fmt: skip
    axes = np.atleast_1d(fig.subplots(rows, columns)).ravel()
    for ax, (name, picture) in zip(axes, pictures.items(), strict=False):
        ax.imshow(picture)
        ax.set_title(name, fontsize="medium")
    for ax in axes:
        ax.set_axis_off()
    if title:
        fig.suptitle(title)
    return fig


# ------------------------------------------------------------ the explorer widget


def _trajectories(trajectories: Any, objectives: Any) -> None:
    check.mapping(trajectories, "dream_explorer: trajectories", "{layer: images per step}")
    check.mapping(objectives, "dream_explorer: objectives", "{layer: objective per step}")
    if set(trajectories) != set(objectives):
        raise ValueError(
            "dream_explorer expects trajectories and objectives for the same layers, got "
            f"{sorted(trajectories)} and {sorted(objectives)}"
        )
    shapes = set()
    for layer, images in trajectories.items():
        steps = np.asarray(images)
        values = check.finite_array(
            "dream_explorer", f"the objective of {layer}", objectives[layer]
        )
        if steps.ndim != 4 or steps.shape[-1] != 3 or len(steps) < 2:
            raise ValueError(
                f"dream_explorer expects for {layer!r} the images after 0, 1, 2 ... steps, shape "
                f"(steps + 1, height, width, 3), got {steps.shape}"
            )
        if values.shape != (len(steps),):
            raise ValueError(
                f"dream_explorer expects one objective per image for {layer!r}: "
                f"{len(steps)}, got shape {values.shape}"
            )
        shapes.add(steps.shape)
    if len(shapes) != 1:
        raise ValueError(f"dream_explorer expects every layer with the same steps, got {shapes}")


def explore_view(trajectories: Mapping, objectives: Mapping, layer: str, steps: int) -> dict:
    """What the explorer shows for one (layer, steps): the image then, and the objective curve."""
    if layer not in trajectories:
        raise ValueError(f"explore_view: layer must be one of {list(trajectories)}, got {layer!r}")
    steps = check.index(steps, len(trajectories[layer]), "explore_view: steps")
    original = np.asarray(trajectories[layer][0])
    image = np.asarray(trajectories[layer][steps])
    return {
        "layer": layer,
        "steps": steps,
        "original": original,
        "image": image,
        "objective": np.asarray(objectives[layer], dtype=float),
        "change": mean_change(original, image),
    }


def draw_explore(view: dict) -> Figure:
    """Draw an explorer view: the photo, the dream after n steps, the objective over steps."""
    if not isinstance(view, dict) or not {"layer", "steps", "image", "objective"} <= set(view):
        raise ValueError("draw_explore expects the dict that explore_view returns")
    fig = Figure(figsize=(9.6, 2.9))  # fixed axes: no layout engine, so an update stays fast
    left = fig.add_axes((0.01, 0.03, 0.3, 0.84))
    middle = fig.add_axes((0.33, 0.03, 0.3, 0.84))
    right = fig.add_axes((0.72, 0.17, 0.26, 0.7))
    left.imshow(to_pixels(view["original"]))
    left.set_title("the photo", fontsize="medium")
    middle.imshow(to_pixels(view["image"]))
    middle.set_title(f"{view['layer']}, {view['steps']} steps", fontsize="medium")
    for ax in (left, middle):
        ax.set_axis_off()
    right.plot(view["objective"], color="tab:blue")
    right.plot(view["steps"], view["objective"][view["steps"]], "o", color="tab:red")
    right.set(xlabel="ascent steps", ylabel="objective (mean activation)")
    right.set_title(f"mean change per pixel: {view['change']:.3f}", fontsize="medium")
    return fig


def dream_explorer(trajectories: Mapping[str, Any], objectives: Mapping[str, Any]) -> LiveFigure:
    """A layer dropdown and a steps slider over dreams computed beforehand (so each update only
    draws): ``trajectories[layer]`` holds the image after 0, 1, 2 ... ascent steps on that
    layer, ``objectives[layer]`` the objective at each of them."""
    _trajectories(trajectories, objectives)
    most = len(next(iter(trajectories.values()))) - 1
    controls = {
        "layer": widgets.Dropdown(options=list(trajectories), description="layer"),
        "steps": widgets.IntSlider(
            value=most, min=0, max=most, description="steps", continuous_update=False
        ),
    }

    def compute(layer: str, steps: int) -> dict:
        return explore_view(trajectories, objectives, layer, steps)

    return LiveFigure(controls, compute, draw_explore)


# ------------------------------------------------------------ exercise 1: the ascent step


def _step_reference(image, gradient, step_size, mistake: str = "") -> np.ndarray:
    scale = {
        "not normalised": 1.0,
        "normalised by the largest value": np.abs(gradient).max(),
        "normalised by the norm": np.sqrt(np.sum(gradient**2)),
    }.get(mistake, gradient.std() + 1e-8)
    sign = -1.0 if mistake == "descent" else 1.0
    stepped = image + sign * step_size * gradient / scale
    low, high = {"clipped to 0..1": (0.0, 1.0)}.get(mistake, PIXEL_RANGE)
    return stepped if mistake == "not clipped" else np.clip(stepped, low, high)


_STEP_HINTS = {
    "descent": "the step goes DOWN the gradient (gradient descent): DeepDream climbs, so ADD "
    "step_size * the normalised gradient",
    "not normalised": "the gradient is not normalised: divide it by its standard deviation "
    "(gradient.std() + 1e-8), so that every step has the same size whatever the layer",
    "normalised by the largest value": "you divided by the largest |gradient|; the lesson "
    "divides by the standard deviation, gradient.std() + 1e-8",
    "normalised by the norm": "you divided by the gradient's norm (the square root of the sum "
    "of squares), which shrinks with the image's size; divide by gradient.std() + 1e-8",
    "not clipped": "values leave the valid range: clip the result to -1..1 (np.clip)",
    "clipped to 0..1": "you clipped to 0..1, but images in the network's units run from -1 "
    "to 1: clip to -1..1",
}


def exercise_ascent_step(ascent_step: Callable) -> checks.Verdict:
    """Exercise 11b.1: ``ascent_step(image, gradient, step_size)`` in NumPy."""
    name = "the normalised gradient-ascent step"
    if ascent_step is None:
        return checks.verdict(name, "ascent_step is None: define the function")
    rng = np.random.default_rng(11)
    image = np.clip(rng.normal(0.3, 0.5, (6, 5, 3)), -1, 1)
    gradient = rng.normal(0.02, 0.004, (6, 5, 3))
    for step_size in (0.5, 0.02):
        want = _step_reference(image, gradient, step_size)
        got, problem = checks.attempt(ascent_step, image.copy(), gradient.copy(), step_size)
        if problem:
            return checks.verdict(name, f"ascent_step(image, gradient, step_size): {problem}")
        problem = checks.compare("ascent_step", got, want)
        if problem is None:
            continue
        if np.shape(got) == want.shape:
            got = np.asarray(got, dtype=float)
            for mistake, hint in _STEP_HINTS.items():
                if np.allclose(got, _step_reference(image, gradient, step_size, mistake)):
                    return checks.verdict(name, hint)
        return checks.verdict(name, problem)
    return checks.verdict(name, None)


# ------------------------------------------------------------ exercise 2: octave sizes


def _sizes_reference(height, width, octaves, scale, mistake: str = "") -> list:
    powers = range(octaves - 1, -1, -1)
    if mistake == "largest first":
        powers = range(octaves)
    if mistake == "one too many":
        powers = range(octaves, -1, -1)
    if mistake == "the original missing":
        powers = range(octaves, 0, -1)
    shrink = round if mistake != "truncated" else int
    if mistake == "multiplied":
        return [(round(height * scale**i), round(width * scale**i)) for i in powers]
    return [(shrink(height / scale**i), shrink(width / scale**i)) for i in powers]


_SIZES_HINTS = {
    "largest first": "the sizes go from largest to smallest: DeepDream starts at the SMALLEST "
    "octave and grows, so the last size is the image's own",
    "multiplied": "the octaves are larger than the image: divide the size by scale ** i",
    "one too many": "one size too many: there are `octaves` sizes, the image's own included",
    "the original missing": "the image's own size is missing: the last octave is "
    "(height, width) itself (scale ** 0)",
    "truncated": "some sizes are one pixel short: round() them instead of int(), which cuts off "
    "the fraction",
}


def exercise_octave_sizes(octave_sizes: Callable) -> checks.Verdict:
    """Exercise 11b.2: ``octave_sizes(height, width, octaves, scale)``, smallest first."""
    name = "the octave sizes"
    if octave_sizes is None:
        return checks.verdict(name, "octave_sizes is None: define the function")
    for args in ((266, 400, 3, 1.4), (300, 451, 4, 1.3), (97, 130, 2, 1.5)):
        want = _sizes_reference(*args)
        got, problem = checks.attempt(octave_sizes, *args)
        if problem:
            return checks.verdict(name, f"octave_sizes{args}: {problem}")
        if got is None:
            return checks.verdict(name, "octave_sizes returned None: did you forget `return`?")
        try:
            got = [tuple(int(v) for v in size) for size in got]
        except (TypeError, ValueError):
            return checks.verdict(
                name, f"octave_sizes{args} should return a list of (height, width) pairs, got "
                f"{check.describe(got)}"
            )  # fmt: skip
        if got == want:
            continue
        for mistake, hint in _SIZES_HINTS.items():
            if got == _sizes_reference(*args, mistake):
                return checks.verdict(name, hint)
        return checks.verdict(name, f"octave_sizes{args} gave {got}, expected {want}")
    return checks.verdict(name, None)


# ------------------------------------------------------------ exercise 3: the lost detail


def _resize(image: np.ndarray, size: tuple) -> np.ndarray:
    import tensorflow as tf

    return np.asarray(tf.image.resize(image, size), dtype=float)


def _detail_reference(image, smaller, mistake: str = "") -> np.ndarray:
    size = image.shape[:2]
    blurred = _resize(_resize(image, smaller), size)
    return {
        "": image - blurred,
        "sign": blurred - image,
        "the blurred image": blurred,
        "downsized original": _resize(image, smaller),
    }[mistake]


_DETAIL_HINTS = {
    "sign": "the sign is reversed: the detail is the original MINUS its blurred copy "
    "(what the blurred copy lacks)",
    "the blurred image": "you returned the blurred copy itself; the lost detail is "
    "image - (the blurred copy)",
    "downsized original": "you returned the original shrunk to the smaller size; shrink it and "
    "enlarge it back to (height, width), then subtract that from the image",
}


def exercise_lost_detail(lost_detail: Callable) -> checks.Verdict:
    """Exercise 11b.3: ``lost_detail(image, smaller)``, what shrinking to ``smaller`` loses."""
    name = "the detail lost by shrinking"
    if lost_detail is None:
        return checks.verdict(name, "lost_detail is None: define the function")
    rng = np.random.default_rng(13)
    image = np.clip(rng.normal(0, 0.5, (21, 28, 3)), -1, 1).astype("float32")
    smaller = (15, 20)
    want = _detail_reference(image, smaller)
    got, problem = checks.attempt(lost_detail, image.copy(), smaller)
    if problem:
        return checks.verdict(name, f"lost_detail(image, {smaller}): {problem}")
    problem = checks.compare("lost_detail", got, want, rtol=1e-4, atol=1e-4)
    if problem is None:
        return checks.verdict(name, None)
    for mistake, hint in _DETAIL_HINTS.items():
        wrong = _detail_reference(image, smaller, mistake)
        if np.shape(got) == wrong.shape and np.allclose(np.asarray(got, float), wrong, atol=1e-4):
            return checks.verdict(name, hint)
    if np.shape(got) == want.shape and np.allclose(np.asarray(got, float), 0, atol=1e-6):
        return checks.verdict(name, "all zeros: enlarge the SHRUNK copy back, not the image")
    return checks.verdict(name, problem)
