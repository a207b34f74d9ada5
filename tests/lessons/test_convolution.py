"""Lesson 07a helpers: the NumPy convolution (oracle: Keras's Conv2D), output sizes, pooling,
the explorer widget (driven headlessly), the receptive field and the exercise checks (right
answers pass; plausible wrong ones get a hint naming the mistake)."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from helpers.lessons import convolution as lesson

RNG = np.random.default_rng(0)
IMAGE = RNG.random((9, 12))
DIGITS = {"a": RNG.random((28, 28)), "b": RNG.random((20, 16))}


def keras_conv(image, kernel, stride, padding):
    layer = keras.layers.Conv2D(1, kernel.shape, strides=stride, padding=padding, use_bias=False)
    layer.build((1, *image.shape, 1))
    layer.set_weights([kernel[:, :, None, None].astype("float32")])
    return layer(image[None, :, :, None].astype("float32")).numpy()[0, :, :, 0]


# ------------------------------------------------------------------ the NumPy oracle


@pytest.mark.parametrize("shape", [(9, 12), (10, 7), (28, 28), (5, 5)])
@pytest.mark.parametrize("kernel_shape", [(3, 3), (2, 2), (4, 3), (5, 5)])
@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_conv2d_oracle_matches_keras(shape, kernel_shape, stride, padding):
    image = RNG.random(shape)
    kernel = RNG.normal(size=kernel_shape)
    ours = lesson.convolution_response(image, kernel, stride, padding)["feature_map"]
    theirs = keras_conv(image, kernel, stride, padding)
    assert ours.shape == theirs.shape
    assert np.allclose(ours, theirs, atol=1e-5)
    for axis in (0, 1):
        assert ours.shape[axis] == lesson.output_size(
            shape[axis], kernel_shape[axis], stride, padding
        )


def test_kernels_are_read_only_and_sobel_finds_edges_with_the_documented_sign():
    with pytest.raises(ValueError):
        lesson.KERNELS["identity"][0, 0] = 5
    step = np.zeros((5, 6))
    step[:, 3:] = 1  # dark left half, bright right half
    response = lesson.convolution_response(step, lesson.KERNELS["vertical edges (Sobel)"])
    assert response["feature_map"].min() == -4 and response["feature_map"].max() == 0


def test_same_padding_puts_the_odd_zero_after():
    assert lesson.same_padding(28, 3, 1) == (1, 1)
    assert lesson.same_padding(28, 3, 2) == (0, 1)
    assert lesson.same_padding(27, 4, 2) == (1, 2)
    assert lesson.same_padding(5, 1, 2) == (0, 0)


def test_max_pool_matches_keras():
    feature_map = RNG.normal(size=(11, 9))
    pooled = lesson.max_pool(feature_map)
    theirs = keras.layers.MaxPooling2D(2)(feature_map[None, :, :, None].astype("float32"))
    assert pooled.shape == (5, 4)
    assert np.allclose(pooled, theirs.numpy()[0, :, :, 0])
    assert lesson.max_pool(feature_map, 3).shape == (3, 3)


def test_receptive_field_matches_a_gradient_measurement():
    stacks = [
        [(3, 1)],
        [(3, 1), (3, 1)],
        [(3, 1), (3, 1), (2, 2), (3, 1)],
        [(5, 2), (3, 2), (3, 1)],
    ]
    for stack in stacks:
        model = keras.Sequential([keras.Input((40, 40, 1))])
        for window, stride in stack:
            model.add(
                keras.layers.Conv2D(
                    1, window, strides=stride, kernel_initializer="ones", use_bias=False
                )
            )
        image = tf.Variable(tf.ones((1, 40, 40, 1)))
        with tf.GradientTape() as tape:
            out = model(image)
            centre = out[0, out.shape[1] // 2, out.shape[2] // 2, 0]
        columns = tf.reduce_any(tape.gradient(centre, image)[0, :, :, 0] != 0, axis=0)
        assert int(tf.reduce_sum(tf.cast(columns, tf.int32))) == lesson.receptive_field(stack)


def test_parse_kernel():
    assert np.array_equal(
        lesson.parse_kernel("1 0 -1; 2 0 -2; 1,0,-1"), lesson.KERNELS["vertical edges (Sobel)"]
    )
    for text in (
        "1 2 3; 4 5 6",
        "1 2; 3 4; 5 6",
        "a b c; 1 2 3; 1 2 3",
        "nan 0 0; 0 0 0; 0 0 0",
        "",
    ):
        with pytest.raises(ValueError, match=r"3 rows of 3 numbers|non-empty"):
            lesson.parse_kernel(text)


# ------------------------------------------------------------------ the widget


def test_explorer_responds_to_every_control():
    explorer = lesson.convolution_explorer(DIGITS)
    assert explorer.result["feature_map"].shape == (26, 26)
    explorer.controls["padding"].value = "same"
    assert explorer.result["feature_map"].shape == (28, 28)
    explorer.controls["stride"].value = 2
    assert explorer.result["feature_map"].shape == (14, 14)
    explorer.controls["pool"].value = True
    assert explorer.result["pooled"].shape == (7, 7) and len(explorer.figure.axes) == 4
    explorer.controls["image"].value = "b"
    assert explorer.result["feature_map"].shape == (10, 8)
    explorer.controls["kernel"].value = "blur (box)"
    assert np.allclose(explorer.result["kernel"], 1 / 9)
    explorer.controls["kernel"].value = "my kernel"
    explorer.controls["my_kernel"].value = "0 0 0; 0 2 0; 0 0 0"
    # stride 2, 'same': TensorFlow pads the one extra zero after, so windows centre on odd pixels
    assert np.allclose(explorer.result["feature_map"], 2 * DIGITS["b"][1::2, 1::2])
    explorer.controls["my_kernel"].value = "oops"
    assert "3 rows of 3 numbers" in explorer.result["error"]  # a typo shows a message, no crash
    explorer.controls["my_kernel"].value = "1 1 1; 1 1 1; 1 1 1"
    assert np.allclose(explorer.result["kernel"], 1) and "error" not in explorer.result


def test_draw_convolution_titles_give_the_sizes():
    result = lesson.convolution_response(IMAGE, lesson.KERNELS["sharpen"], 2, "same", pool=True)
    fig = lesson.draw_convolution(result)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0] == "input 9x12" and titles[2].startswith("feature map 5x6")
    assert titles[3] == "2x2 max pooling 2x3"


# ------------------------------------------------------------------ exercise 1: conv2d


def solution(image, kernel, stride=1, padding="valid"):
    if padding == "same":
        pads = []
        for n, k in zip(image.shape, kernel.shape, strict=True):
            total = max((-(-n // stride) - 1) * stride + k - n, 0)
            pads.append((total // 2, total - total // 2))
        image = np.pad(image, pads)
    windows = np.lib.stride_tricks.sliding_window_view(image, kernel.shape)[::stride, ::stride]
    return np.einsum("ijkl,kl->ij", windows, kernel)


def flipped(image, kernel, stride=1, padding="valid"):  # textbook convolution
    return solution(image, kernel[::-1, ::-1], stride, padding)


def symmetric_padding(image, kernel, stride=1, padding="valid"):
    if padding == "same":
        image = np.pad(image, ((kernel.shape[0] // 2,) * 2, (kernel.shape[1] // 2,) * 2))
    return solution(image, kernel, stride, "valid")


def ignores_stride(image, kernel, stride=1, padding="valid"):
    return solution(image, kernel, 1, padding)


def ignores_padding(image, kernel, stride=1, padding="valid"):
    return solution(image, kernel, stride, "valid")


def off_by_one(image, kernel, stride=1, padding="valid"):
    return solution(image, kernel, stride, padding)[:-1, :-1]


def only_3x3(image, kernel, stride=1, padding="valid"):
    if kernel.shape != (3, 3):
        raise ValueError("kernel must be 3x3")
    return solution(image, kernel, stride, padding)


def returns_nothing(image, kernel, stride=1, padding="valid"):
    solution(image, kernel, stride, padding)


def changes_the_image(image, kernel, stride=1, padding="valid"):
    image += 1  # in place: the student's output drifts from Keras's
    return solution(image, kernel, stride, padding)


def starter(image, kernel, stride=1, padding="valid"):
    raise NotImplementedError


def test_exercise_conv2d_accepts_the_solution_and_the_lessons(capsys):
    assert lesson.exercise_conv2d(solution)
    assert "PASS" in capsys.readouterr().out


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (None, "no function yet"),
        (starter, "NotImplementedError"),
        (flipped, "you flipped the kernel"),
        (symmetric_padding, "k // 2 zeros on every side"),
        (ignores_stride, "step the window by `stride`"),
        (ignores_padding, "'same' gives ceil(n / stride)"),
        (off_by_one, "floor((n - k) / stride) + 1"),
        (only_3x3, "kernel must be 3x3"),
        (returns_nothing, "forget `return`"),
        (changes_the_image, "is off"),
    ],
)
def test_exercise_conv2d_rejects_plausible_mistakes(wrong, hint, capsys):
    assert not lesson.exercise_conv2d(wrong)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out, out


def test_exercise_conv2d_names_swapped_rows_and_columns(capsys):
    def transposed(image, kernel, stride=1, padding="valid"):
        return solution(image, kernel, stride, padding).T

    assert not lesson.exercise_conv2d(transposed)
    out = capsys.readouterr().out
    assert "Not yet" in out and ("swapped" in out or "shape" in out), out


# ---------------------------------------------------- exercise 2: shapes and parameters

RIGHT = [
    ((26, 26, 32), 320),
    ((13, 13, 32), 0),
    ((11, 11, 64), 18496),
    ((5, 5, 64), 0),
    ((1600,), 0),
    ((10,), 16010),
]


def with_item(index, pair):
    answer = list(RIGHT)
    answer[index] = pair
    return answer


def test_exercise_output_shapes_matches_keras(capsys):
    stack = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Conv2D(32, 3),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(64, 3),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dense(10),
        ]
    )
    from_keras = [(tuple(layer.output.shape[1:]), layer.count_params()) for layer in stack.layers]
    assert from_keras == RIGHT
    assert lesson.exercise_output_shapes(from_keras)
    assert lesson.exercise_output_shapes(
        [([26, 26, 32], np.int64(320)), *RIGHT[1:4], (1600, 0), RIGHT[5]]
    )
    assert "PASS" in capsys.readouterr().out


@pytest.mark.parametrize(
    "answer, hint",
    [
        (None, "no answer yet"),
        (RIGHT[:5], "a list of 6 pairs"),
        (with_item(0, ((28, 28, 32), 320)), "padding='valid'"),
        (with_item(0, ((26, 26, 32), 288)), "forgot the biases"),
        (with_item(2, ((11, 11, 64), 640)), "all 32 input channels"),
        (with_item(2, ((11, 11, 64), 18432)), "forgot the biases"),
        (with_item(2, ((13, 13, 64), 18496)), "padding='valid'"),
        (with_item(3, ((6, 6, 64), 0)), "incomplete window is dropped"),
        (with_item(1, ((13, 13, 32), 320)), "no weights to learn"),
        (with_item(1, ((13, 13, 16), 0)), "number of filters"),
        (with_item(4, ((5, 5, 64), 0)), "height x width x channels"),
        (with_item(5, ((10,), 77450)), "flattened output"),
        (with_item(5, ((10,), 16000)), "forgot the biases"),
        (with_item(5, ((10,), "16010")), "whole number"),
        (with_item(0, (26, 320)), "the output shape"),
        (with_item(0, "26x26x32"), "must be a pair"),
    ],
)
def test_exercise_output_shapes_rejects_plausible_mistakes(answer, hint, capsys):
    assert not lesson.exercise_output_shapes(answer)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out, out


# ------------------------------------------------------------------ exercise 3: receptive field


def test_exercise_receptive_field(capsys):
    assert lesson.exercise_receptive_field(10)
    assert lesson.exercise_receptive_field(np.int64(10))
    assert lesson.exercise_receptive_field(10.0)
    assert "PASS" in capsys.readouterr().out
    cases = [
        (None, "no answer yet"),
        ("10", "expected a number"),
        (True, "expected a number"),
        (11, "adding the window sizes"),
        (54, "do not multiply"),
        (8, "2 input pixels apart"),
        (6, "before the last conv"),
        (7, "left out the pooling layer"),
        (9, "pooling window also widens"),
        (float("nan"), "start from 1 pixel"),
        (100, "start from 1 pixel"),
    ]
    for answer, hint in cases:
        assert not lesson.exercise_receptive_field(answer)
        out = capsys.readouterr().out
        assert "Not yet" in out and hint in out, (answer, out)


# ------------------------------------------------------------------ bad input

BAD_INPUT = {
    "output_size: None": (lambda: lesson.output_size(None, 3), "integer"),
    "output_size: kernel too big": (lambda: lesson.output_size(2, 3), "does not fit"),
    "output_size: padding": (lambda: lesson.output_size(28, 3, 1, "full"), "'valid' or 'same'"),
    "output_size: stride 0": (lambda: lesson.output_size(28, 3, 0), "> 0"),
    "output_size: float": (lambda: lesson.output_size(28.5, 3), "integer"),
    "max_pool: None": (lambda: lesson.max_pool(None), "grey image"),
    "max_pool: NaN": (lambda: lesson.max_pool(np.full((4, 4), np.nan)), "NaN"),
    "max_pool: empty": (lambda: lesson.max_pool(np.zeros((0, 4))), "shape"),
    "max_pool: batch": (lambda: lesson.max_pool(np.zeros((2, 4, 4))), "x_train\\[0\\]"),
    "max_pool: too small": (lambda: lesson.max_pool(np.zeros((1, 4))), "does not fit"),
    "max_pool: text": (lambda: lesson.max_pool("image"), "numbers"),
    "response: NaN image": (
        lambda: lesson.convolution_response(np.full((5, 5), np.nan), np.ones((3, 3))),
        "NaN",
    ),
    "response: inf kernel": (
        lambda: lesson.convolution_response(IMAGE, np.full((3, 3), np.inf)),
        "NaN or inf",
    ),
    "response: 1-D kernel": (lambda: lesson.convolution_response(IMAGE, np.ones(3)), "2-D kernel"),
    "response: bool image": (
        lambda: lesson.convolution_response(IMAGE > 0.5, np.ones((3, 3))),
        "astype",
    ),
    "response: colour": (
        lambda: lesson.convolution_response(np.zeros((5, 5, 3)), np.ones((3, 3))),
        "mean\\(axis=-1\\)",
    ),
    "response: big kernel": (
        lambda: lesson.convolution_response(np.zeros((2, 2)), np.ones((3, 3))),
        "padding='same'",
    ),
    "response: stride None": (
        lambda: lesson.convolution_response(IMAGE, np.ones((3, 3)), None),
        "stride",
    ),
    "response: pool text": (
        lambda: lesson.convolution_response(IMAGE, np.ones((3, 3)), pool="yes"),
        "True or False",
    ),
    "draw: None": (lambda: lesson.draw_convolution(None), "convolution_response returns"),
    "explorer: None": (lambda: lesson.convolution_explorer(None), "non-empty dict"),
    "explorer: empty": (lambda: lesson.convolution_explorer({}), "non-empty dict"),
    "explorer: NaN image": (
        lambda: lesson.convolution_explorer({"x": np.full((5, 5), np.nan)}),
        "NaN",
    ),
    "explorer: batch": (
        lambda: lesson.convolution_explorer({"x": np.zeros((3, 28, 28))}),
        "one grey image",
    ),
    "parse_kernel: None": (lambda: lesson.parse_kernel(None), "non-empty text"),
    "receptive_field: None": (lambda: lesson.receptive_field(None), "list of \\(window, stride\\)"),
    "receptive_field: empty": (lambda: lesson.receptive_field([]), "list of \\(window, stride\\)"),
    "receptive_field: NaN": (lambda: lesson.receptive_field([(np.nan, 1)]), "integer"),
    "receptive_field: not a pair": (lambda: lesson.receptive_field([3]), "pair"),
    "receptive_field: stride 0": (lambda: lesson.receptive_field([(3, 0)]), "> 0"),
}


@pytest.mark.parametrize("case", BAD_INPUT, ids=list(BAD_INPUT))
def test_every_public_function_rejects_bad_input_with_a_useful_message(case):
    call, message = BAD_INPUT[case]
    with pytest.raises(ValueError, match=message):
        call()
