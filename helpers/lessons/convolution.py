"""Lesson 07a, convolution: kernels, padding, stride and pooling in NumPy; the convolution
explorer widget; the exercise checks (a `conv2d` that matches Keras, output shapes and
parameter counts of a stack, the receptive field of a stack).

The NumPy convolution here is the oracle the tests compare with ``keras.layers.Conv2D``; the
lesson writes its own, simpler one in plain sight.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from helpers import checks
from helpers import validation as check
from helpers.widgets import LiveFigure

# Classic 3x3 kernels. Keras (like every deep-learning library) slides them without flipping.
KERNELS: dict[str, np.ndarray] = {
    "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=float),
    "vertical edges (Sobel)": np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=float),
    "horizontal edges (Sobel)": np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]], dtype=float),
    "blur (box)": np.full((3, 3), 1 / 9),
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=float),
    "outline (Laplacian)": np.array([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]], dtype=float),
}
for _kernel in KERNELS.values():
    _kernel.setflags(write=False)
PADDINGS = ("valid", "same")


# ------------------------------------------------------------------ convolution in NumPy


def _image(image: Any, what: str) -> np.ndarray:
    """One grey image (height, width) of finite numbers, as float."""
    array = check.numbers(image, what, "one grey image of shape (height, width)").astype(float)
    if array.ndim != 2 or 0 in array.shape:
        raise ValueError(
            f"{what}: expected one grey image of shape (height, width), got shape "
            f"{array.shape}; for an MNIST batch pick one image, x_train[0]; for a colour photo "
            "average the channels, photo.mean(axis=-1)"
        )
    return check.finite(array, what, "NaN pixels often come from dividing by 0")


def _kernel_of(kernel: Any, what: str) -> np.ndarray:
    array = check.numbers(kernel, what, "a kernel of shape (k, k)").astype(float)
    if array.ndim != 2 or 0 in array.shape:
        raise ValueError(f"{what}: expected a 2-D kernel such as a 3x3 array, got {array.shape}")
    return check.finite(array, what)


def _stride_and_padding(stride: Any, padding: Any, what: str) -> tuple[int, str]:
    stride = check.number(stride, f"{what}: stride", integer=True, positive=True)
    if padding not in PADDINGS:
        raise ValueError(
            f"{what}: padding must be 'valid' or 'same' (as in Keras), got {padding!r}"
        )
    return stride, padding


def output_size(size: int, kernel_size: int, stride: int = 1, padding: str = "valid") -> int:
    """Length of a convolution's output along one axis, as Keras computes it.

    ``valid``: floor((size - kernel_size) / stride) + 1 (the kernel stays inside the image);
    ``same``: ceil(size / stride) (zeros are added around the image as needed).
    """
    size = check.number(size, "output_size: size", integer=True, positive=True)
    kernel_size = check.number(kernel_size, "output_size: kernel_size", integer=True, positive=True)
    stride, padding = _stride_and_padding(stride, padding, "output_size")
    if padding == "same":
        return math.ceil(size / stride)
    if kernel_size > size:
        raise ValueError(
            f"output_size: a {kernel_size}-wide kernel does not fit in {size} pixels with "
            "padding='valid'; use padding='same' or a smaller kernel"
        )
    return (size - kernel_size) // stride + 1


def same_padding(size: int, kernel_size: int, stride: int) -> tuple[int, int]:
    """Zeros (before, after) that TensorFlow adds for ``padding='same'``; any odd one goes after."""
    total = max(
        (output_size(size, kernel_size, stride, "same") - 1) * stride + kernel_size - size, 0
    )
    return total // 2, total - total // 2


def _conv2d(image: np.ndarray, kernel: np.ndarray, stride: int, padding: str) -> np.ndarray:
    """Cross-correlation as ``keras.layers.Conv2D`` computes it (one channel, no bias)."""
    if padding == "same":
        rows = same_padding(image.shape[0], kernel.shape[0], stride)
        cols = same_padding(image.shape[1], kernel.shape[1], stride)
        image = np.pad(image, (rows, cols))
    height = output_size(image.shape[0], kernel.shape[0], stride)
    width = output_size(image.shape[1], kernel.shape[1], stride)
    windows = np.lib.stride_tricks.sliding_window_view(image, kernel.shape)
    windows = windows[: (height - 1) * stride + 1 : stride, : (width - 1) * stride + 1 : stride]
    return np.einsum("ijkl,kl->ij", windows, kernel)


def max_pool(feature_map: Any, pool_size: int = 2) -> np.ndarray:
    """Max pooling with a ``pool_size`` window and the same stride, as ``MaxPooling2D``
    (edge rows and columns that do not fill a window are dropped)."""
    feature_map = _image(feature_map, "max_pool: feature_map")
    pool_size = check.number(pool_size, "max_pool: pool_size", integer=True, positive=True)
    height, width = feature_map.shape[0] // pool_size, feature_map.shape[1] // pool_size
    if height == 0 or width == 0:
        raise ValueError(
            f"max_pool: a {pool_size}x{pool_size} window does not fit in a feature map of shape "
            f"{feature_map.shape}; use a smaller pool_size"
        )
    cropped = feature_map[: height * pool_size, : width * pool_size]
    return cropped.reshape(height, pool_size, width, pool_size).max(axis=(1, 3))


# ------------------------------------------------------------------ the convolution explorer


def parse_kernel(text: str) -> np.ndarray:
    """A 3x3 kernel written as three rows separated by ``;``, e.g. ``"1 0 -1; 2 0 -2; 1 0 -1"``."""
    check.text(text, "parse_kernel: text")
    try:
        rows = [
            [float(value) for value in row.replace(",", " ").split()] for row in text.split(";")
        ]
        kernel = np.array(rows, dtype=float)
    except ValueError:
        kernel = np.empty(0)
    if kernel.shape != (3, 3) or not np.all(np.isfinite(kernel)):
        raise ValueError(
            f"parse_kernel: expected 3 rows of 3 numbers separated by ';', e.g. "
            f"'1 0 -1; 2 0 -2; 1 0 -1', got {text!r}"
        )
    return kernel


def convolution_response(
    image: Any, kernel: Any, stride: int = 1, padding: str = "valid", pool: bool = False
) -> dict[str, Any]:
    """Everything the explorer draws: the image, the kernel, the feature map and its pooled map."""
    image = _image(image, "convolution_response: image")
    kernel = _kernel_of(kernel, "convolution_response: kernel")
    stride, padding = _stride_and_padding(stride, padding, "convolution_response")
    if padding == "valid" and (
        kernel.shape[0] > image.shape[0] or kernel.shape[1] > image.shape[1]
    ):
        raise ValueError(
            f"convolution_response: a {kernel.shape} kernel does not fit in an image of shape "
            f"{image.shape} with padding='valid'; use padding='same'"
        )
    if not isinstance(pool, bool | np.bool_):
        raise ValueError(f"convolution_response: pool must be True or False, got {pool!r}")
    feature_map = _conv2d(image, kernel, stride, padding)
    pooled = max_pool(feature_map) if pool and min(feature_map.shape) >= 2 else None
    return {
        "image": image,
        "kernel": kernel,
        "stride": stride,
        "padding": padding,
        "feature_map": feature_map,
        "pooled": pooled,
    }


def draw_convolution(result: Mapping[str, Any]) -> Figure:
    """Image, kernel (with its numbers), feature map and, if asked, the max-pooled map."""
    if not isinstance(result, Mapping) or "feature_map" not in result:
        raise ValueError(
            "draw_convolution expects the dict that convolution_response returns, got "
            f"{check.describe(result)}"
        )
    panels = 4 if result["pooled"] is not None else 3
    fig = Figure(figsize=(2.9 * panels, 3.4))
    axes = fig.subplots(1, panels, gridspec_kw={"width_ratios": [1, 0.6, 1, 1][:panels]})
    image, kernel, feature_map = result["image"], result["kernel"], result["feature_map"]
    axes[0].imshow(image, cmap="gray", interpolation="nearest")
    axes[0].set_title(f"input {image.shape[0]}x{image.shape[1]}", fontsize=10)
    limit = max(np.abs(kernel).max(), 1e-12)
    axes[1].imshow(kernel, cmap="coolwarm", vmin=-limit, vmax=limit)
    for (row, col), value in np.ndenumerate(kernel):
        axes[1].text(col, row, f"{value:.2g}", ha="center", va="center", fontsize=9)
    axes[1].set_title("kernel", fontsize=10)
    scale = max(np.abs(feature_map).max(), 1e-12)
    axes[2].imshow(feature_map, cmap="coolwarm", vmin=-scale, vmax=scale, interpolation="nearest")
    axes[2].set_title(
        f"feature map {feature_map.shape[0]}x{feature_map.shape[1]}\n"
        f"stride {result['stride']}, padding '{result['padding']}'",
        fontsize=10,
    )
    if result["pooled"] is not None:
        pooled = result["pooled"]
        axes[3].imshow(pooled, cmap="coolwarm", vmin=-scale, vmax=scale, interpolation="nearest")
        axes[3].set_title(f"2x2 max pooling {pooled.shape[0]}x{pooled.shape[1]}", fontsize=10)
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    fig.set_layout_engine("constrained")
    return fig


def convolution_explorer(images: Mapping[str, Any]) -> LiveFigure:
    """Pick an image and a kernel (or type your own), a stride, a padding and pooling; see the
    feature map. ``images`` maps a name to a grey image (height, width)."""
    check.mapping(images, "convolution_explorer: images", "{name: grey image (height, width)}")
    images = {
        str(name): _image(image, f"convolution_explorer: images[{name!r}]")
        for name, image in images.items()
    }
    controls = {
        "image": widgets.Dropdown(options=list(images), description="image"),
        "kernel": widgets.Dropdown(options=[*KERNELS, "my kernel"], description="kernel"),
        "my_kernel": widgets.Text(
            value="1 0 -1; 1 0 -1; 1 0 -1",
            description="my kernel (rows split by ;)",
            continuous_update=False,
        ),
        "stride": widgets.IntSlider(value=1, min=1, max=3, description="stride"),
        "padding": widgets.Dropdown(options=PADDINGS, description="padding"),
        "pool": widgets.Checkbox(value=False, description="2x2 max pooling"),
    }

    def compute(image, kernel, my_kernel, stride, padding, pool):
        if kernel == "my kernel":
            try:
                weights = parse_kernel(my_kernel)
            except ValueError as error:  # a typo in the box: show the message, keep going
                return {"error": str(error)}
        else:
            weights = KERNELS[kernel]
        return convolution_response(images[image], weights, stride, padding, pool)

    def draw(result):
        if "error" in result:
            fig = Figure(figsize=(8, 1))
            fig.text(0.01, 0.5, result["error"].replace("parse_kernel: ", ""), va="center")
            return fig
        return draw_convolution(result)

    return LiveFigure(controls, compute, draw)


# ------------------------------------------------------------------ exercise 1: conv2d

_CONV_CASES = [  # (image shape, kernel, stride, padding): non-square, asymmetric kernels
    ((7, 9), np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0], [2.0, 0.0, -2.0]]), 1, "valid"),
    ((8, 10), np.array([[0.5, -1.0, 2.0], [1.0, 0.0, 0.0], [-3.0, 1.0, 1.0]]), 2, "valid"),
    ((7, 9), np.array([[1.0, 0.0, -1.0], [2.0, 3.0, 0.0], [0.0, 1.0, 4.0]]), 1, "same"),
    ((8, 10), np.array([[2.0, -1.0, 0.0], [0.0, 1.0, 1.0], [3.0, 0.0, -2.0]]), 2, "same"),
    ((9, 11), np.array([[1.0, 2.0], [-1.0, 0.5]]), 3, "valid"),
    (
        (10, 7),
        np.array([[1.0, -2.0, 0.0, 1.0], [0.0, 1.0, 3.0, 0.0], [2.0, 0.0, 0.0, -1.0]]),
        2,
        "same",
    ),
]


def _symmetric_same(image: np.ndarray, kernel: np.ndarray, stride: int) -> np.ndarray:
    """The common mistake: k // 2 zeros on every side, whatever the stride."""
    rows, cols = kernel.shape[0] // 2, kernel.shape[1] // 2
    return _conv2d(np.pad(image, ((rows, rows), (cols, cols))), kernel, stride, "valid")


def exercise_conv2d(conv2d: Callable | None) -> checks.Verdict:
    """Check ``conv2d(image, kernel, stride, padding)`` against Keras's Conv2D (computed here in
    NumPy and tested against Keras) on non-square images, asymmetric kernels, strides 1-3 and
    both paddings."""
    name = "conv2d"
    if conv2d is None:
        return checks.verdict(name, "no function yet: define conv2d and pass it in")
    rng = np.random.default_rng(7)
    for shape, kernel, stride, padding in _CONV_CASES:
        image = rng.integers(0, 10, size=shape).astype(float)
        size = "x".join(map(str, kernel.shape))
        case = f"an image of shape {shape}, a {size} kernel, stride {stride}, padding '{padding}'"
        got, problem = checks.attempt(conv2d, image.copy(), kernel.copy(), stride, padding)
        if problem:
            return checks.verdict(name, f"with {case}, {problem}")
        want = _conv2d(image, kernel, stride, padding)
        hint = checks.compare("conv2d", got, want, rtol=1e-6, atol=1e-6)
        if hint is None:
            continue
        got = np.asarray(got, dtype=float) if not isinstance(got, str) else None
        same_shape = got is not None and got.shape == want.shape
        if same_shape and np.allclose(got, _conv2d(image, kernel[::-1, ::-1], stride, padding)):
            hint = (
                "you flipped the kernel (the textbook convolution); Keras's Conv2D slides the "
                "kernel as it is (cross-correlation): multiply image[i + a, j + b] by kernel[a, b]"
            )
        elif same_shape and np.allclose(got, want.T if want.shape == want.T.shape else np.nan):
            hint = "your rows and columns are swapped"
        elif (
            same_shape
            and padding == "same"
            and np.allclose(got, _symmetric_same(image, kernel, stride))
        ):
            hint = (
                "with padding='same' and stride > 1 you padded k // 2 zeros on every side; "
                "TensorFlow pads only as many zeros as the strided windows need, "
                "total = max((out - 1) * stride + k - n, 0), with the odd one at the bottom/right"
            )
        elif (
            got is not None
            and got.ndim == 2
            and stride > 1
            and got.shape == _conv2d(image, kernel, 1, padding).shape
        ):
            hint = (
                "the output has the size of a stride-1 output: step the window by `stride` pixels"
            )
        elif got is not None and got.ndim == 2 and not same_shape:
            hint = (
                f"{hint}. Output size: 'valid' gives floor((n - k) / stride) + 1 per axis, "
                "'same' gives ceil(n / stride)"
            )
        return checks.verdict(name, f"with {case}: {hint}")
    return checks.verdict(name, None)


# ---------------------------------------------------- exercise 2: shapes and parameters

# The stack of the exercise: Input (28, 28, 1) -> Conv2D(32, 3) -> MaxPooling2D(2)
# -> Conv2D(64, 3) -> MaxPooling2D(2) -> Flatten -> Dense(10).
STACK_LAYERS = (
    "Conv2D(32, 3)",
    "MaxPooling2D(2)",
    "Conv2D(64, 3)",
    "MaxPooling2D(2)",
    "Flatten",
    "Dense(10)",
)
_STACK_ANSWER = [
    ((26, 26, 32), 320),
    ((13, 13, 32), 0),
    ((11, 11, 64), 18496),
    ((5, 5, 64), 0),
    ((1600,), 0),
    ((10,), 16010),
]


def _shape_of(value: Any) -> tuple[int, ...] | None:
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return (int(value),)
    if (
        isinstance(value, tuple | list)
        and value
        and all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in value)
    ):
        return tuple(int(v) for v in value)
    return None


def _stack_hint(index: int, shape: tuple, params: Any) -> str | None:
    """Name the mistake in the answer for layer ``index`` of the stack."""
    layer = STACK_LAYERS[index]
    want_shape, want_params = _STACK_ANSWER[index]
    if shape != want_shape:
        if index in (0, 2) and shape == (want_shape[0] + 2, want_shape[1] + 2, want_shape[2]):
            return (
                f"{layer}: with the default padding='valid' a 3x3 kernel loses a pixel on each side"
            )
        if index == 3 and shape == (6, 6, 64):
            return (
                f"{layer}: pooling 11 pixels by 2 leaves 5 (the last, incomplete window is dropped)"
            )
        if index == 4 and shape != (1600,):
            return f"{layer}: Flatten gives one axis with height x width x channels values"
        if shape[:-1] == want_shape[:-1]:
            return f"{layer}: its channels are the number of filters (pooling keeps the channels)"
        return f"{layer}: the output shape (without the batch axis) is not {shape}"
    if checks.number_answer(params)[1] is not None or params != int(params):
        return f"{layer}: give the number of parameters as a whole number, got {params!r}"
    params = int(params)
    if params == want_params:
        return None
    if want_params == 0:
        return f"{layer}: pooling and flattening have no weights to learn"
    if (index, params) in ((0, 288), (2, 18432), (5, 16000)):
        return f"{layer}: you forgot the biases (one per filter or unit)"
    if index == 2 and params in (9 * 64 + 64, 9 * 64):
        return f"{layer}: each of its 64 filters looks at all 32 input channels: 3 x 3 x 32 weights"
    if index == 5 and params in (10 * 11 * 11 * 64 + 10, 10 * 13 * 13 * 32 + 10):
        return f"{layer}: Dense sees the flattened output of the layer just before it"
    return (
        f"{layer}: count kernel height x width x input channels x filters, plus one bias per filter"
    )


def exercise_output_shapes(answer: Any) -> checks.Verdict:
    """Check a list of (output shape, number of parameters), one pair per layer of the stack."""
    name = "output shapes and parameters"
    if answer is None:
        return checks.verdict(
            name, "no answer yet: fill in `answer` with one (shape, parameters) pair per layer"
        )
    if not isinstance(answer, list | tuple) or len(answer) != len(STACK_LAYERS):
        return checks.verdict(
            name,
            f"expected a list of {len(STACK_LAYERS)} pairs (shape, parameters), one per layer: "
            + ", ".join(STACK_LAYERS),
        )
    for index, pair in enumerate(answer):
        if not isinstance(pair, list | tuple) or len(pair) != 2 or _shape_of(pair[0]) is None:
            return checks.verdict(
                name,
                f"item {index} ({STACK_LAYERS[index]}) must be a pair like ((26, 26, 32), 320), "
                f"got {pair!r}",
            )
        hint = _stack_hint(index, _shape_of(pair[0]), pair[1])
        if hint is not None:
            return checks.verdict(name, hint)
    return checks.verdict(name, None)


# ------------------------------------------------------------------ exercise 3: receptive field

# conv 3x3 -> conv 3x3 -> max pool 2x2 (stride 2) -> conv 3x3, all stride 1 except the pool.
RECEPTIVE_FIELD_STACK = ("Conv2D 3x3", "Conv2D 3x3", "MaxPooling2D 2x2", "Conv2D 3x3")
_STACK_GEOMETRY = ((3, 1), (3, 1), (2, 2), (3, 1))  # (window, stride) per layer


def receptive_field(layers: Any) -> int:
    """Receptive field of a stack of (window, stride) layers: r += (window - 1) x jump, where
    jump, the product of the strides so far, is the distance in input pixels between neighbours."""
    if not isinstance(layers, list | tuple) or not layers:
        raise ValueError(
            "receptive_field expects a list of (window, stride) pairs such as [(3, 1), (2, 2)], "
            f"got {check.describe(layers)}"
        )
    field, jump = 1, 1
    for index, pair in enumerate(layers):
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise ValueError(
                f"receptive_field: layer {index} must be a pair (window, stride), got {pair!r}"
            )
        window = check.number(
            pair[0], f"receptive_field: layer {index} window", integer=True, positive=True
        )
        stride = check.number(
            pair[1], f"receptive_field: layer {index} stride", integer=True, positive=True
        )
        field += (window - 1) * jump
        jump *= stride
    return field


def exercise_receptive_field(answer: Any) -> checks.Verdict:
    """Check the receptive field (in input pixels, one side) of RECEPTIVE_FIELD_STACK."""
    name = "receptive field"
    value, problem = checks.number_answer(answer)
    if problem:
        return checks.verdict(name, problem)
    want = receptive_field(_STACK_GEOMETRY)
    if value == want:
        return checks.verdict(name, None)
    conv, pool = (3, 1), (2, 2)
    hints = {
        11: "adding the window sizes counts the centre pixel once per layer: each layer adds "
        "(window - 1) times the jump",
        54: "receptive fields add up, they do not multiply",
        receptive_field([conv, conv, (2, 1), conv]): "after the pooling neighbouring units are 2 "
        "input pixels apart: the last 3x3 conv adds (3 - 1) x 2",
        receptive_field([conv, conv, pool]): "that is the field before the last conv: it widens "
        "it too",
        receptive_field([conv, conv, conv]): "you left out the pooling layer: it widens the field "
        "by (2 - 1) pixels and doubles the distance between neighbouring units (the jump)",
        receptive_field([conv, conv, (1, 2), conv]): "the pooling window also widens the field, "
        "by (2 - 1) pixels, before it doubles the jump",
    }
    general = (
        "start from 1 pixel; each layer adds (window - 1) x jump, and the jump is the product "
        "of the strides before it"
    )
    return checks.verdict(name, hints.get(value, general))
