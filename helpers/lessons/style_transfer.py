"""Lesson 11, part 3 (style_transfer): the two feature networks (VGG16's convolutions with HED's
weights, and EfficientNet-Lite0), the style image, the plots, the style-weight explorer and the
exercise checks. The losses and the optimization are in the lesson itself."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from helpers import checks, datasets, pretrained
from helpers import validation as check
from helpers.widgets import LiveFigure

VGG_WEIGHTS = datasets.DataFile(
    name="vgg16_hed_conv.weights.npz",
    shipped_sha256="977f2c3621b7a8c76e9575e49c6c8b2ad77f90a4fd30e8b19eec9d5c52cbaabc",
)
STARRY_NIGHT = datasets.DataFile(
    name="photo_starry_night.png",
    shipped_sha256="3407f991ced0656b3d30a31dd67ffea8ce42211a3f0dc160da5895dd6d8c267f",
)
# VGG16's blocks as far as style transfer reads them: (block, convolutions, channels).
VGG_BLOCKS = ((1, 2, 64), (2, 2, 128), (3, 3, 256), (4, 3, 512), (5, 1, 512))
VGG_MEAN_BGR = (104.00699, 116.66877, 122.67892)  # the Caffe VGG16 / HED training images' mean
VGG_STYLE_LAYERS = ("block1_conv1", "block2_conv1", "block3_conv1", "block4_conv1", "block5_conv1")
VGG_CONTENT_LAYER = "block4_conv2"
LITE0_STYLE_LAYERS = ("stem_relu", "b2_expand_relu", "b4_expand_relu", "b6_expand_relu",
                      "b12_expand_relu")  # fmt: skip
LITE0_CONTENT_LAYER = "b10_out"

# ------------------------------------------------------------ images


def load_starry_night(data_dir: str | None = None) -> np.ndarray:
    """Van Gogh's The Starry Night (1889, public domain), uint8 RGB, 512 x 409 pixels.

    The file's sha256 is checked first; ``data_dir``: where to look (default: helpers/data)."""
    from PIL import Image

    with Image.open(datasets.locate(STARRY_NIGHT, data_dir=data_dir)) as image:
        return np.array(image.convert("RGB"))


def resize_longer_side(image: Any, size: int) -> np.ndarray:
    """One RGB image (values 0..255) resized so that its longer side is ``size``: float32."""
    from PIL import Image

    expected = "one RGB image of shape (height, width, 3), values 0..255"
    array = check.numbers(image, "resize_longer_side: image", expected)
    if array.ndim != 3 or array.shape[-1] != 3 or min(array.shape[:2]) == 0:
        raise ValueError(f"resize_longer_side expects {expected}, got shape {array.shape}")
    check.finite(array, "resize_longer_side: image")
    if array.min() < 0 or array.max() > 255:
        raise ValueError("resize_longer_side expects pixel values 0..255 (not 0..1 or -1..1)")
    size = check.number(size, "resize_longer_side: size", integer=True, positive=True)
    if size < 32:
        raise ValueError(f"resize_longer_side expects size >= 32 pixels, got {size}")
    height, width = array.shape[:2]
    scale = size / max(height, width)
    new_size = (max(1, round(width * scale)), max(1, round(height * scale)))
    pixels = Image.fromarray(np.round(array).astype(np.uint8))
    return np.asarray(pixels.resize(new_size, Image.Resampling.BICUBIC), dtype=np.float32)


# ------------------------------------------------------------ the two feature networks


def build_vgg16_conv() -> Any:
    """VGG16's convolutional stack up to ``block5_conv1`` (random weights), any image size.

    Input: preprocessed images (BGR minus :data:`VGG_MEAN_BGR`); layers named as in Keras's
    VGG16 (``block4_conv2``, ...). Each block after the first starts with a 2 x 2 max-pooling.
    """
    import keras
    from keras import layers

    image = keras.Input((None, None, 3), name="bgr_minus_mean")
    x = image
    for block, count, channels in VGG_BLOCKS:
        if block > 1:
            x = layers.MaxPooling2D(2, padding="same", name=f"block{block}_pool")(x)
        for index in range(1, count + 1):
            x = layers.Conv2D(channels, 3, padding="same", activation="relu",
                              name=f"block{block}_conv{index}")(x)  # fmt: skip
    return keras.Model(image, x, name="vgg16_conv")


def load_vgg16_hed(data_dir: str | None = None) -> Any:
    """:func:`build_vgg16_conv` with HED's weights (sha256 checked first; kernels stored as
    float16, used as float32). ``data_dir``: where to look for them (default: helpers/data)."""
    path = datasets.locate(VGG_WEIGHTS, data_dir=data_dir)
    model = build_vgg16_conv()
    with np.load(path, allow_pickle=False) as stored:
        for layer in model.layers:
            if layer.weights:
                kernel = stored[f"{layer.name}/kernel"].astype(np.float32)
                layer.set_weights([kernel, stored[f"{layer.name}/bias"]])
    return model


def _layer_names(names: Any, what: str) -> list[str]:
    if isinstance(names, str) or not isinstance(names, Sequence) or not names:
        raise ValueError(
            f"{what} expects a list of layer names, e.g. ['block1_conv1', 'block4_conv2'], "
            f"got {check.describe(names)}"
        )
    return [check.text(name, f"{what}: a layer name") for name in names]


def _feature_model(backbone: Any, names: list[str], to_input: Callable, name: str) -> Any:
    import keras

    known = [layer.name for layer in backbone.layers]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"{name}: no layer named {unknown} in {backbone.name}; choose from "
                         f"{known[1:6]} ... {known[-3:]}")  # fmt: skip
    inner = keras.Model(backbone.input, [backbone.get_layer(n).output for n in names])
    inner.trainable = False
    image = keras.Input((None, None, 3), name="rgb_0_255")
    return keras.Model(image, inner(to_input(image)), name=name)


def vgg16_features(layer_names: Sequence[str]) -> Any:
    """RGB image batch (values 0..255) -> the feature maps of ``layer_names`` in HED's VGG16."""
    from keras import ops

    names = _layer_names(layer_names, "vgg16_features")
    mean = np.array(VGG_MEAN_BGR, dtype=np.float32)
    return _feature_model(load_vgg16_hed(), names, lambda rgb: ops.flip(rgb, axis=-1) - mean,
                          "vgg16_hed_features")  # fmt: skip


def lite0_features(layer_names: Sequence[str]) -> Any:
    """RGB image batch (values 0..255) -> the feature maps of ``layer_names`` in EfficientNet-Lite0
    (ImageNet weights, :mod:`helpers.pretrained`)."""
    names = _layer_names(layer_names, "lite0_features")
    backbone = pretrained.load_efficientnet_lite0((None, None, 3), include_top=False)
    return _feature_model(backbone, names, lambda rgb: (rgb - 127.0) / 128.0, "lite0_features")


# ------------------------------------------------------------ plots


def _image(image: Any, what: str) -> np.ndarray:
    array = check.numbers(image, what, "an RGB image of shape (height, width, 3), values 0..255")
    if array.ndim != 3 or array.shape[-1] != 3 or min(array.shape[:2]) == 0:
        raise ValueError(
            f"{what} must be one RGB image of shape (height, width, 3), got shape {array.shape}"
            + ("; for a batch pass image[0]" if array.ndim == 4 else "")
        )
    check.finite(array, what)
    if array.min() < -1e-3 or array.max() > 255 + 1e-3:
        raise ValueError(
            f"{what} must have values 0..255, got {array.min():.3g}..{array.max():.3g}"
        )
    return np.clip(array, 0, 255).round().astype(np.uint8)


def show_row(images: Mapping[str, Any], size: float = 3.2) -> Figure:
    """Images of any sizes side by side, each titled by its key: ``{"content": cat, ...}``."""
    if not isinstance(images, Mapping) or not images:
        raise ValueError(f"show_row expects a dict {{title: image}}, got {check.describe(images)}")
    pictures = {check.text(t, "show_row: a title"): _image(i, f"show_row: image {t!r}")
                for t, i in images.items()}  # fmt: skip
    size = check.number(size, "show_row: size", positive=True)
    heights = [p.shape[0] / p.shape[1] for p in pictures.values()]
    fig = Figure(figsize=(size * len(pictures), size * max(heights) + 0.5), layout="constrained")
    for ax, (title, picture) in zip(fig.subplots(1, len(pictures), squeeze=False)[0],
                                    pictures.items(), strict=True):  # fmt: skip
        ax.imshow(picture)
        ax.set_title(title, fontsize=10)
        ax.set_axis_off()
    return fig


def plot_gram_matrices(grams: Mapping[str, Any], channels: int = 32) -> Figure:
    """Heat maps of Gram matrices (their first ``channels`` channels), one panel per key."""
    if not isinstance(grams, Mapping) or not grams:
        raise ValueError(
            f"plot_gram_matrices expects a dict {{title: Gram matrix}}, got {check.describe(grams)}"
        )
    channels = check.number(channels, "plot_gram_matrices: channels", integer=True, positive=True)
    matrices = {}
    for title, gram in grams.items():
        matrix = check.finite_array("plot_gram_matrices", f"gram {title!r}", gram)
        if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
            raise ValueError(
                f"plot_gram_matrices expects square (channels, channels) matrices, got "
                f"{matrix.shape} for {title!r}; pass gram_matrix(features), not the features"
            )
        matrices[check.text(title, "plot_gram_matrices: a title")] = matrix[:channels, :channels]
    ncols = min(len(matrices), 4)
    nrows = -(-len(matrices) // ncols)
    fig = Figure(figsize=(3.3 * ncols, 3.0 * nrows), layout="constrained")
    for ax, (title, matrix) in zip(fig.subplots(nrows, ncols, squeeze=False).flat,
                                   matrices.items(), strict=False):  # fmt: skip
        shown = ax.imshow(matrix, cmap="viridis")
        fig.colorbar(shown, ax=ax, shrink=0.8)
        ax.set_title(title, fontsize=9)
        ax.set(xlabel="channel", ylabel="channel")
    return fig


def plot_loss_histories(histories: Mapping[str, Any]) -> Figure:
    """Style, content and total-variation loss against the evaluation, one line per run.

    ``histories``: ``{run name: array (evaluations, 3)}`` with columns style, content, TV.
    """
    if not isinstance(histories, Mapping) or not histories:
        raise ValueError(
            f"plot_loss_histories expects a dict {{run: array (evaluations, 3)}}, got "
            f"{check.describe(histories)}"
        )
    fig = Figure(figsize=(11, 3.2), layout="constrained")
    axes = fig.subplots(1, 3)
    for run, history in histories.items():
        values = check.finite_array("plot_loss_histories", f"history {run!r}", history)
        if values.ndim != 2 or values.shape[1] != 3 or len(values) == 0:
            raise ValueError(
                f"plot_loss_histories expects each history of shape (evaluations, 3) (style, "
                f"content, TV), got {values.shape} for {run!r}"
            )
        for ax, column in zip(axes, values.T, strict=True):
            ax.plot(np.arange(1, len(column) + 1), column, label=str(run))
    for ax, name in zip(axes, ("style loss", "content loss", "total-variation loss"), strict=True):
        ax.set(xlabel="evaluation", title=name)
    axes[0].set_yscale("log")
    axes[0].legend()
    return fig


# ------------------------------------------------------------ the style-weight explorer


def draw_style_weight(view: dict) -> Figure:
    """One precomputed result: the image, its style weight and its two losses."""
    if not isinstance(view, dict) or not {"weight", "image", "style", "content"} <= set(view):
        raise ValueError("draw_style_weight expects the dict that style_weight_explorer computes")
    picture = _image(view["image"], "draw_style_weight: image")
    fig = Figure(figsize=(5.0, 5.0 * picture.shape[0] / picture.shape[1] + 0.5))
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.98 - 0.5 / fig.get_figheight()))
    ax.imshow(picture, interpolation="nearest")  # nearest: the fastest to draw
    ax.set_axis_off()
    ax.set_title(f"style weight {view['weight']:g}: style loss {view['style']:.3f}, "
                 f"content loss {view['content']:.3f}", fontsize=10)  # fmt: skip
    return fig


def style_weight_explorer(results: Mapping[float, Mapping[str, Any]]) -> LiveFigure:
    """A slider over style weights; shows the result precomputed for each one.

    ``results``: ``{style weight: {"image": RGB array, "style": loss, "content": loss}}``.
    """
    if not isinstance(results, Mapping) or not results:
        raise ValueError(
            "style_weight_explorer expects a dict {style weight: {'image': ..., 'style': ..., "
            f"'content': ...}}, got {check.describe(results)}"
        )
    views = {}
    for weight, result in results.items():
        weight = check.number(weight, "style_weight_explorer: a style weight", positive=True)
        if not isinstance(result, Mapping) or not {"image", "style", "content"} <= set(result):
            raise ValueError(
                "style_weight_explorer expects each result as a dict with 'image', 'style' and "
                f"'content', got {check.describe(result)} for weight {weight:g}"
            )
        views[weight] = {
            "weight": weight,
            "image": _image(result["image"], f"style_weight_explorer: image at {weight:g}"),
            "style": check.number(result["style"], "style_weight_explorer: style loss"),
            "content": check.number(result["content"], "style_weight_explorer: content loss"),
        }
    weights = sorted(views)
    slider = widgets.SelectionSlider(
        options=[(f"{w:g}", w) for w in weights], value=weights[len(weights) // 2],
        description="style weight", continuous_update=False,
    )  # fmt: skip

    def compute(style_weight: float) -> dict:
        return views[style_weight]

    return LiveFigure({"style_weight": slider}, compute, draw_style_weight)


# ------------------------------------------------------------ exercise 1: the Gram matrix


def _gram_reference(features: np.ndarray, mistake: str = "") -> np.ndarray:
    height, width, channels = features.shape
    flat = features.reshape(-1, channels)
    if mistake == "positions product":
        return flat @ flat.T / len(flat)
    if mistake == "not flattened":
        return np.transpose(features, (0, 2, 1)) @ features / (height * width)
    divisor = {"not normalised": 1, "by channels": channels,
               "by all numbers": features.size}.get(mistake, len(flat))  # fmt: skip
    return flat.T @ flat / divisor


_GRAM_HINTS = {
    "not normalised": "the values are height * width times too large: divide by the number of "
    "positions (height * width), so that the Gram matrix does not depend on the image size",
    "by channels": "you divided by the number of channels; divide by the number of positions, "
    "height * width (the average over positions of each product of two channels)",
    "by all numbers": "you divided by height * width * channels; divide by the number of "
    "positions only, height * width",
}


def exercise_gram_matrix(gram_matrix: Callable) -> checks.Verdict:
    """Exercise 11c.1: ``gram_matrix(features)`` in NumPy, (height, width, channels) -> (c, c)."""
    name = "the Gram matrix of a feature map"
    if gram_matrix is None:
        return checks.verdict(name, "gram_matrix is None: define the function")
    rng = np.random.default_rng(11)
    features = np.maximum(rng.normal(0.3, 1.0, (5, 4, 3)), 0)  # like ReLU outputs
    want = _gram_reference(features)
    got, problem = checks.attempt(gram_matrix, features.copy())
    if problem:
        return checks.verdict(name, f"gram_matrix(features): {problem}")
    shape = np.shape(got) if got is not None else None
    if shape == (20, 20):
        return checks.verdict(
            name,
            "you got a (positions, positions) matrix: that is flat @ flat.T; the Gram matrix "
            "correlates CHANNELS: flat.T @ flat, shape (channels, channels)",
        )
    if shape is not None and len(shape) == 3:
        return checks.verdict(
            name,
            f"you returned shape {shape}: flatten the positions first, "
            "flat = features.reshape(-1, channels), then flat.T @ flat",
        )
    problem = checks.compare("gram_matrix", got, want)
    if problem is None:
        return checks.verdict(name, None)
    if shape == want.shape:
        for mistake, hint in _GRAM_HINTS.items():
            if np.allclose(np.asarray(got, dtype=float), _gram_reference(features, mistake)):
                return checks.verdict(name, hint)
    return checks.verdict(name, problem)


# ------------------------------------------------------------ exercise 2: total variation


def _tv_reference(image: np.ndarray, mistake: str = "") -> float:
    down, right = image[1:] - image[:-1], image[:, 1:] - image[:, :-1]
    if mistake == "absolute":
        return float((np.abs(down).mean() + np.abs(right).mean()) / 255)
    if mistake == "summed":
        return float((np.sum(down**2) + np.sum(right**2)) / 255**2)
    terms = {"only down": (down,), "only right": (right,)}.get(mistake, (down, right))
    value = sum(float(np.mean(t**2)) for t in terms)
    return value if mistake == "not scaled" else value / 255**2


_TV_HINTS = {
    "only down": "only the vertical differences (rows): add the horizontal ones too, "
    "image[:, 1:] - image[:, :-1]",
    "only right": "only the horizontal differences (columns): add the vertical ones too, "
    "image[1:] - image[:-1]",
    "absolute": "you used absolute differences; the loss squares them (and divides by 255**2)",
    "summed": "you summed the squared differences; take their MEAN (one mean per direction), "
    "so that the loss does not grow with the image size",
    "not scaled": "right up to the scale: divide by 255**2, so that pixel values count as 0..1",
}


def exercise_total_variation(total_variation: Callable) -> checks.Verdict:
    """Exercise 11c.2: ``total_variation(image)`` in NumPy, image (height, width, 3) 0..255."""
    name = "the total-variation loss"
    if total_variation is None:
        return checks.verdict(name, "total_variation is None: define the function")
    rng = np.random.default_rng(12)
    image = rng.uniform(0, 255, (6, 5, 3))
    image[:, :, 0] += np.arange(6)[:, None] * 3  # not symmetric in the two directions
    image = np.clip(image, 0, 255)
    got, problem = checks.attempt(total_variation, image.copy())
    if problem:
        return checks.verdict(name, f"total_variation(image): {problem}")
    if got is not None and np.ndim(got) != 0:
        return checks.verdict(
            name, f"it returned shape {np.shape(got)}: the loss is one number (take the means)"
        )
    problem = checks.compare("total_variation", got, _tv_reference(image))
    if problem is None:
        return checks.verdict(name, None)
    value, _ = checks.number_answer(got)
    for mistake, hint in _TV_HINTS.items():
        if value is not None and np.isclose(value, _tv_reference(image, mistake), rtol=1e-6):
            return checks.verdict(name, hint)
    return checks.verdict(name, problem)
