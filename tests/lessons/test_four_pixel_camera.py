"""Lesson 04 helpers: the 4-pixel camera data, pattern plots, the NumPy forward pass, the
explorer widget (driven headlessly) and the exercise checks (right answers pass, wrong ones
get the expected hint)."""

import math
import re
from pathlib import Path

import keras
import numpy as np
import pytest

from helpers.lessons import four_pixel_camera as lesson

LESSON = Path(__file__).parents[2] / "course" / "04_four_pixel_camera.py"
KERNELS = [np.array(k, dtype=np.float32) for k in lesson.HAND_SET_KERNELS]
HAND_SET_WEIGHTS = [[k, np.zeros(k.shape[1], dtype=np.float32)] for k in KERNELS]


def network(outputs=4):
    return keras.Sequential(
        [
            keras.Input(shape=(4,)),
            keras.layers.Dense(4, activation="tanh"),
            keras.layers.Dense(4, activation="tanh"),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(outputs, activation="softmax"),
        ]
    )


@pytest.fixture(scope="module")
def hand_set():
    model = network()
    for layer, weights in zip(model.layers, HAND_SET_WEIGHTS, strict=True):
        layer.set_weights(weights)
    return model


@pytest.fixture(scope="module")
def random_weights():
    rng = np.random.default_rng(3)
    return [
        [rng.normal(size=k.shape).astype(np.float32), rng.normal(size=k.shape[1]) * 0.3]
        for k in KERNELS
    ]


# ------------------------------------------------------------------------------ datasets


def test_four_pixel_camera_shapes_values_and_labels():
    images, labels = lesson.four_pixel_camera(500, seed=1)
    assert images.shape == (500, 2, 2) and images.dtype == np.float32
    assert labels.shape == (500,) and np.issubdtype(labels.dtype, np.integer)
    assert set(np.unique(images)) == {-1.0, 1.0}
    assert set(np.unique(labels)) == {0, 1, 2, 3}
    patterns = lesson.FOUR_PIXEL_PATTERNS
    for image, label in zip(images, labels, strict=True):  # each image is its class's pattern
        assert np.array_equal(image, patterns[label]) or np.array_equal(image, -patterns[label])
    for label in range(4):  # both variants of every class appear
        of_class = images[labels == label]
        assert any(np.array_equal(i, patterns[label]) for i in of_class)
        assert any(np.array_equal(i, -patterns[label]) for i in of_class)
    assert lesson.FOUR_PIXEL_CLASSES == ("solid", "vertical", "diagonal", "horizontal")


def test_four_pixel_camera_classes_are_uniform_random_and_seeded():
    _, labels = lesson.four_pixel_camera(40_000, seed=2)
    assert np.allclose(np.bincount(labels) / 40_000, 0.25, atol=0.01)
    first, second = lesson.four_pixel_camera(50, seed=7), lesson.four_pixel_camera(50, seed=7)
    assert np.array_equal(first[0], second[0]) and np.array_equal(first[1], second[1])
    other = lesson.four_pixel_camera(50, seed=8)
    assert not np.array_equal(first[0], other[0])
    assert lesson.four_pixel_camera(np.int64(3), seed=None)[0].shape == (3, 2, 2)


@pytest.mark.parametrize("n", [0, -5, 2.5, True, "10", None])
def test_four_pixel_camera_rejects_bad_n(n):
    with pytest.raises(ValueError, match="positive integer"):
        lesson.four_pixel_camera(n, seed=0)


@pytest.mark.parametrize("seed", [-1, 1.5, True, "0"])
def test_four_pixel_camera_rejects_bad_seed(seed):
    with pytest.raises(ValueError, match="seed as a non-negative integer"):
        lesson.four_pixel_camera(10, seed=seed)


def test_four_pixel_patterns_are_read_only():
    patterns = lesson.FOUR_PIXEL_PATTERNS
    assert not patterns.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        patterns[0, 0, 0] = -1.0
    images, _ = lesson.four_pixel_all_images()  # what callers get back is their own copy
    images[0, 0, 0] = 5.0
    assert patterns[0, 0, 0] == 1.0
    assert lesson.four_pixel_camera(3, seed=0)[0].flags.writeable


def test_four_pixel_all_images():
    images, labels = lesson.four_pixel_all_images()
    assert images.shape == (8, 2, 2) and images.dtype == np.float32
    assert labels.tolist() == [0, 1, 2, 3, 0, 1, 2, 3]
    assert np.array_equal(images[4:], -images[:4])
    assert len(np.unique(images.reshape(8, 4), axis=0)) == 8


# ------------------------------------------------------------------------------ plotting


def test_show_patterns_draws_one_framed_panel_per_image():
    images, _ = lesson.four_pixel_all_images()
    fig = lesson.show_patterns(images, [str(i) for i in range(8)], ncols=3, show_values=True)
    visible = [ax for ax in fig.axes if ax.axison]
    assert len(fig.axes) == 9 and len(visible) == 8  # 3 x 3 grid, one spare panel hidden
    assert visible[0].get_title() == "0"
    assert len(visible[0].texts) == 4  # one value per cell
    assert visible[0].images[0].get_clim() == (-1.0, 1.0)  # vmax defaults to max |value|
    assert len(visible[0].images) == 1  # show_images' picture replaced by the framed one
    assert visible[0].spines["top"].get_visible()
    fig = lesson.show_patterns(np.zeros((2, 2, 2)))
    assert fig.axes[0].images[0].get_clim() == (-1.0, 1.0)
    fig = lesson.show_patterns(3 * np.ones((1, 2, 2)), vmax=1.5, title="t")
    assert fig.axes[0].images[0].get_clim() == (-1.5, 1.5) and fig.get_suptitle() == "t"


@pytest.mark.parametrize(
    ("patterns", "kwargs", "message"),
    [
        (np.zeros((2, 2)), {}, r"shape \(n, height, width\)"),
        (np.zeros((0, 2, 2)), {}, r"n >= 1"),
        (np.zeros((3, 2, 2)), {"labels": ["a"]}, "3 images but 1 labels"),
        (np.zeros((3, 2, 2)), {"ncols": 0}, "ncols"),
        (np.zeros((3, 2, 2, 3)), {}, r"shape \(n, height, width\)"),
        (np.zeros((3, 2, 2)), {"vmax": 0}, "vmax must be positive"),
    ],
)
def test_show_patterns_rejects_bad_input(patterns, kwargs, message):
    with pytest.raises(ValueError, match=message):
        lesson.show_patterns(patterns, **kwargs)


def test_draw_pattern_rejects_bad_input():
    fig = lesson.show_patterns(np.ones((1, 2, 2)))
    with pytest.raises(ValueError, match=r"shape \(height, width\)"):
        lesson.draw_pattern(fig.axes[0], np.ones(4))
    with pytest.raises(ValueError, match="vmax must be positive"):
        lesson.draw_pattern(fig.axes[0], np.ones((2, 2)), vmax=0)


# ------------------------------------------------------------------------ forward pass


def test_dense_forward_matches_keras_layer_by_layer(hand_set, random_weights):
    x, _ = lesson.four_pixel_camera(64, seed=0)
    x = x + np.random.default_rng(0).uniform(-0.5, 0.5, size=x.shape)  # in-between values too
    for weights in (HAND_SET_WEIGHTS, random_weights):
        model = network()
        model.set_weights([w for pair in weights for w in pair])
        every_layer = keras.Model(model.inputs, [layer.output for layer in model.layers])
        expected = every_layer.predict(x.reshape(-1, 4), verbose=0)
        got = lesson.dense_forward(weights, x)
        assert len(got) == 4
        for ours, theirs in zip(got, expected, strict=True):
            np.testing.assert_allclose(ours, theirs, atol=1e-5)
    # single images, flat or 2x2, give a batch of one
    single = lesson.dense_forward(HAND_SET_WEIGHTS, [[1, 1], [-1, -1]])[-1]
    np.testing.assert_allclose(single, [[0.17831734, 0.17831734, 0.17831734, 0.46504799]])
    assert lesson.dense_forward(HAND_SET_WEIGHTS, np.ones(4))[-1].shape == (1, 4)


def test_dense_forward_rejects_bad_weights_and_inputs():
    with pytest.raises(ValueError, match="one \\(kernel, bias\\) pair per layer"):
        lesson.dense_forward(HAND_SET_WEIGHTS[:3], np.ones(4))
    bad_bias = [list(pair) for pair in HAND_SET_WEIGHTS]
    bad_bias[2][1] = np.zeros(3)
    with pytest.raises(ValueError, match="layer 2: expected a kernel"):
        lesson.dense_forward(bad_bias, np.ones(4))
    with pytest.raises(ValueError, match="layer 0 expects inputs of shape \\(n, 4\\)"):
        lesson.dense_forward(HAND_SET_WEIGHTS, np.ones((5, 3)))
    with pytest.raises(ValueError, match="unknown activation"):
        lesson.dense_forward(HAND_SET_WEIGHTS, np.ones(4), ("tanh", "tanh", "relu", "selu"))
    with pytest.raises(ValueError, match="pair"):
        lesson.dense_forward([[k] for k in KERNELS], np.ones(4))
    with pytest.raises(ValueError, match="pair"):
        lesson.dense_forward(["ab", "cd", "ef", "gh"], np.ones(4))
    with pytest.raises(ValueError, match="must be finite numbers"):
        lesson.dense_forward([["a", "b"]] * 4, np.ones(4))
    with pytest.raises(ValueError, match="images as an array of numbers"):
        lesson.dense_forward(HAND_SET_WEIGHTS, ["a", "b", "c", "d"])
    with pytest.raises(ValueError, match="one activation name per layer"):
        lesson.dense_forward(HAND_SET_WEIGHTS, np.ones(4), "tanh")
    for not_weights in (None, 3, "weights", {"a": 1}):
        with pytest.raises(ValueError, match="list of \\(kernel, bias\\) pairs"):
            lesson.dense_forward(not_weights, np.ones(4))


def test_dense_forward_rejects_a_model_with_a_clear_message(hand_set):
    with pytest.raises(ValueError, match="not the model itself"):
        lesson.dense_forward(hand_set, np.ones(4))


def test_dense_forward_linear_last_layer_gives_the_logits():
    logits = lesson.dense_forward(
        HAND_SET_WEIGHTS, lesson.four_pixel_all_images()[0], ("tanh", "tanh", "relu", "linear")
    )[-1]
    strength = math.tanh(2 * math.tanh(2))
    expected = strength * np.eye(4)[lesson.four_pixel_all_images()[1]]
    np.testing.assert_allclose(logits, expected, atol=1e-7)


# ------------------------------------------------------------------------------ widget


def test_four_pixel_explorer_responds_to_its_sliders(random_weights):
    explorer = lesson.four_pixel_explorer(
        {"hand-set": HAND_SET_WEIGHTS, "learned": random_weights}, lesson.FOUR_PIXEL_CLASSES
    )
    hand = explorer.result["networks"]["hand-set"]
    assert np.allclose(explorer.result["pixels"], [[1, 1], [-1, -1]])  # the horizontal image
    assert np.allclose(hand["probabilities"], [0.17831734] * 3 + [0.46504799])
    assert [layer.shape for layer in hand["layers"]] == [(4,), (4,), (8,)]
    assert np.count_nonzero(hand["layers"][2]) == 1  # one layer-3 unit per image

    for name in ("top_left", "top_right", "bottom_left", "bottom_right"):
        explorer.controls[name].value = 1.0  # the white solid image
    hand = explorer.result["networks"]["hand-set"]
    assert int(np.argmax(hand["probabilities"])) == 0
    assert hand["probabilities"][0] == pytest.approx(0.46504799, abs=1e-6)
    for name in ("top_left", "top_right", "bottom_left", "bottom_right"):
        explorer.controls[name].value = 0.0  # grey: every hand-set unit is silent
    assert np.allclose(explorer.result["networks"]["hand-set"]["probabilities"], 0.25)
    learned = explorer.result["networks"]["learned"]["probabilities"]
    expected = lesson.dense_forward(random_weights, np.zeros(4))[-1][0]
    assert np.allclose(learned, expected)
    assert len(explorer.figure.axes) == 10  # 2 networks x (pixels, 3 layers, probabilities)


def test_four_pixel_explorer_scales_a_layer_with_values_beyond_one():
    strong = [list(pair) for pair in HAND_SET_WEIGHTS]
    strong[2] = [3 * KERNELS[2], np.zeros(8, dtype=np.float32)]  # layer 3 outputs up to 2.88
    explorer = lesson.four_pixel_explorer({"hand-set": HAND_SET_WEIGHTS, "strong": strong})
    third = explorer.result["networks"]["strong"]["layers"][2]
    assert third.max() == pytest.approx(3 * math.tanh(2 * math.tanh(2)))
    axes = explorer.figure.axes
    hand_third, strong_third = axes[3], axes[8]
    assert hand_third.images[0].get_clim() == (-1.0, 1.0)
    assert hand_third.get_title() == "layer 3 (ReLU)"
    assert strong_third.images[0].get_clim() == pytest.approx((-third.max(), third.max()))
    assert strong_third.get_title() == f"layer 3 (ReLU), white = {third.max():.2f}"
    assert axes[5].get_title() == "strong: pixels"


def test_four_pixel_response_rejects_non_numeric_pixels():
    with pytest.raises(ValueError, match="four pixels must be numbers"):
        lesson.four_pixel_response({"x": HAND_SET_WEIGHTS}, "1", 1, 1, 1)
    with pytest.raises(ValueError, match="four pixels must be numbers"):
        lesson.four_pixel_response({"x": HAND_SET_WEIGHTS}, float("nan"), 1, 1, 1)


def test_four_pixel_explorer_rejects_bad_input(hand_set):
    with pytest.raises(ValueError, match="1 to 3 networks"):
        lesson.four_pixel_explorer({})
    with pytest.raises(ValueError, match="1 to 3 networks"):
        lesson.four_pixel_explorer({str(i): HAND_SET_WEIGHTS for i in range(4)})
    with pytest.raises(ValueError, match="networks\\['x'\\]"):
        lesson.four_pixel_explorer({"x": HAND_SET_WEIGHTS[:2]})
    eight_outputs = [*HAND_SET_WEIGHTS[:3], [np.eye(8), np.zeros(8)]]
    with pytest.raises(ValueError, match="4-4-8-4 network"):
        lesson.four_pixel_explorer({"x": eight_outputs})
    for pixels in [(2, 0, 0, 0), (0, 0, 0), ("a", 0, 0, 0), None, "abcd"]:
        with pytest.raises(ValueError, match="pixels must be 4 numbers in \\[-1, 1\\]"):
            lesson.four_pixel_explorer({"x": HAND_SET_WEIGHTS}, pixels=pixels)
    for networks in (None, [HAND_SET_WEIGHTS], HAND_SET_WEIGHTS):
        with pytest.raises(ValueError, match="dict \\{name: weights\\} of 1 to 3 networks"):
            lesson.four_pixel_explorer(networks)
    with pytest.raises(ValueError, match="networks\\['x'\\]: expected the weights"):
        lesson.four_pixel_explorer({"x": hand_set})
    with pytest.raises(ValueError, match="networks\\['x'\\]: layer 0: the kernel"):
        lesson.four_pixel_explorer({"x": [["a", "b"]] * 4})
    with pytest.raises(ValueError, match="class_names"):
        lesson.four_pixel_explorer({"x": HAND_SET_WEIGHTS}, class_names="svdh")


# ------------------------------------------------------------------- exercise checks


def broken_copy(hand_set, layer=1, row=1, column=1, value=-1.0, extra=False):
    model = network()
    weights = hand_set.get_weights()
    weights[2 * layer][row, column] = value
    if extra:
        weights[0][0, 0] = 0.5
    model.set_weights(weights)
    return model


def test_hand_set_kernels_of_the_checks_match_the_lesson():
    """The exercise checks keep their own copy of the kernels: it must equal the lesson's cell."""
    source = LESSON.read_text(encoding="utf-8")
    cell = source[source.index("kernel_1 = np.array(") : source.index("kernels = [kernel_1")]
    namespace = {"np": np}
    exec(cell, namespace)  # only the four kernel assignments, nothing else of the lesson
    lesson_kernels = [namespace[f"kernel_{i}"] for i in range(1, 5)]
    for ours, theirs in zip(lesson_kernels, lesson.HAND_SET_KERNELS, strict=True):
        assert np.array_equal(ours, np.array(theirs))


def test_exercise_break_one_weight(hand_set, capsys):
    right = broken_copy(hand_set)
    for answer in ({0, 1, 4, 5}, [5, 4, 1, 0], np.array([0, 1, 4, 5]), (0.0, 1, 4, 5)):
        assert lesson.exercise_break_one_weight(hand_set, right, answer)
        assert "PASS" in capsys.readouterr().out
    cases = [
        (None, {0}, "build the copy"),
        (hand_set, {0}, "the hand-set model itself"),
        (broken_copy(hand_set, row=0), {0}, "exactly one weight should differ"),
        (broken_copy(hand_set, extra=True), {0}, "differs in 2 place"),
        (broken_copy(hand_set, value=0.0), {0}, "set that weight to -1"),
        (network(outputs=8), {0}, "same layers as the hand-set model"),
        (right, None, "write your prediction"),
        (right, "abc", "set of image numbers"),
        (right, "0145", "set of image numbers"),
        (right, 3, "set of image numbers"),
        (right, {0, 0.5}, "whole numbers 0 to 7, got 0.5"),
        (right, {True}, "whole numbers 0 to 7, got True"),
        (right, ["0", "1"], "whole numbers 0 to 7, got '0'"),
        (right, {0, 9}, "numbered 0 to 7"),
        (right, {-1}, "numbered 0 to 7"),
        # predictions a student makes: each names its mistake, none lists the answer
        (right, {1, 5}, "a tie counts as wrong"),  # forgot the tied solid images
        (right, {0, 4}, "a tie counts as wrong"),  # forgot the (all-zero) vertical images
        (right, {1}, "negative flips the sign"),  # forgot the negative variant
        (right, {0, 1}, "negative flips the sign"),
        (right, {1, 3, 5, 7}, "2 of the images you listed still get their class right"),
        (right, set(range(8)), "4 of the images you listed still get their class right"),
        (right, set(), "you predicted \\[\\]: 0 of these"),
        ("not a model", {0}, "expected a Keras model, got str"),
    ]
    for broken, predicted, hint in cases:
        assert not lesson.exercise_break_one_weight(hand_set, broken, predicted)
        out = capsys.readouterr().out
        assert "Not yet" in out and re.search(hint, out), out
        assert "[0, 1, 4, 5]" not in out and "0, 1, 4" not in out, out  # no answer given away


def test_exercise_break_one_weight_compares_with_the_lesson_weights(hand_set, capsys):
    # a "hand-set" model that was itself changed does not make a wrong copy right
    changed = broken_copy(hand_set, layer=0, row=0, column=0, value=0.5)
    copy_of_changed = network()
    weights = changed.get_weights()
    weights[2][1, 1] = -1.0
    copy_of_changed.set_weights(weights)
    assert not lesson.exercise_break_one_weight(changed, copy_of_changed, {0, 1, 4, 5})
    assert "re-run the cells of section 2" in capsys.readouterr().out
    # the copy is compared with the lesson's weights: it differs from them in two places
    assert not lesson.exercise_break_one_weight(hand_set, copy_of_changed, {0, 1, 4, 5})
    assert "differs in 2 place" in capsys.readouterr().out


def test_exercise_confident_scale(capsys):
    logit = math.tanh(2 * math.tanh(2))
    k_min = math.log(297) / logit
    for k in (k_min, 5.935, 5.95, 5.99, np.float32(5.95), np.float64(k_min)):
        assert lesson.exercise_confident_scale(k)
        assert "PASS" in capsys.readouterr().out
    cases = [
        (None, "no answer yet"),
        ("six", "expected a number"),
        ("5.94", "expected a number"),
        ([5.94], "expected a number"),
        (float("nan"), "expected a finite number, got nan"),
        (float("inf"), "expected a finite number, got inf"),
        (5.0, "less than 0.99"),
        (5.9, "probability 0.9896, less than 0.99"),  # below its own target: not a pass
        (5.92, "less than 0.99"),
        (math.log(99) / logit, "three other classes"),
        (math.log(297), "not 1"),  # m taken as 1, the tanh squashing forgotten
        (math.log10(297) / logit, "natural logarithm"),
        (logit / math.log(297), "temperature"),  # 1/k
        (math.log(396) / logit, "three others"),  # four other classes in the denominator
        (6, "need not be a whole number"),
        (0, "0 or less cannot"),
        (-1000, "0 or less cannot"),
        (-1e308, "0 or less cannot"),
        (6.01, "a smaller k is enough"),
        (6.1, "a smaller k is enough"),
        (10, "a smaller k is enough"),
        (1e308, "a smaller k is enough"),
    ]
    for k, hint in cases:
        assert not lesson.exercise_confident_scale(k)
        out = capsys.readouterr().out
        assert "Not yet" in out and hint in out, out


def test_exercise_eight_classes(hand_set, capsys):
    unit_for_image = [0, 3, 4, 7, 1, 2, 5, 6]
    kernel = np.zeros((8, 8), dtype=np.float32)
    kernel[unit_for_image, np.arange(8)] = 1
    right = network(outputs=8)
    right.set_weights([*hand_set.get_weights()[:6], kernel, np.zeros(8)])
    assert lesson.exercise_eight_classes(right)
    assert "PASS" in capsys.readouterr().out

    identity = network(outputs=8)  # each unit to the class of the same number: wrong routing
    identity.set_weights([*hand_set.get_weights()[:6], np.eye(8), np.zeros(8)])
    all_zero = network(outputs=8)  # every class gets 1/8: a tie, reported as a tie
    all_zero.set_weights([*hand_set.get_weights()[:6], np.zeros((8, 8)), np.zeros(8)])
    retrained = network(outputs=8)  # right answers, but the first layers were changed
    weights = [*hand_set.get_weights()[:6], kernel, np.zeros(8)]
    weights[0] = 2 * weights[0]
    retrained.set_weights(weights)
    assert not lesson.exercise_eight_classes(retrained)
    capsys.readouterr()
    transposed = network(outputs=8)  # kernel.T: the inverse routing, class -> unit
    transposed.set_weights([*hand_set.get_weights()[:6], kernel.T, np.zeros(8)])
    by_class = network(outputs=8)  # both units of a pair to the class number k: 4 classes
    by_class.set_weights(
        [*hand_set.get_weights()[:6], np.pad(KERNELS[3], ((0, 0), (0, 4))), np.zeros(8)]
    )
    wrong_input = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(8)])
    cases = [
        (None, "no model yet"),
        (hand_set, "it needs 8"),
        (identity, "image 1 \\(vertical\\) should be class 1 but the model gives class 3"),
        (all_zero, "image 0 \\(solid\\) should be class 0 but the model ties classes 0, 1, "),
        (transposed, "image 1 \\(vertical\\) should be class 1 but the model gives class"),
        (by_class, "image 4 \\(solid, negative\\) should be class 4 but the model gives class 0"),
        (retrained, "keep the hand-set weights in the first three layers"),
        (wrong_input, "model.predict on the 8 images"),
        ("a model", "expected a Keras model"),
    ]
    for model, hint in cases:
        assert not lesson.exercise_eight_classes(model)
        out = capsys.readouterr().out
        assert "Not yet" in out and re.search(hint, out), out


# ----------------------------------------------------------------- bad input, every function


def _response():
    return lesson.four_pixel_response({"hand-set": HAND_SET_WEIGHTS}, 1.0, 1.0, -1.0, -1.0)


def _with_probabilities(values):
    result = _response()
    result["networks"]["hand-set"]["probabilities"] = np.asarray(values)
    return result


def _axes():
    return lesson.show_patterns(np.ones((1, 2, 2))).axes[0]


NAN_WEIGHTS = [[k.copy(), b.copy()] for k, b in HAND_SET_WEIGHTS]
NAN_WEIGHTS[1][0][0, 0] = np.nan
BAD_INPUT = {
    "camera: n None": (lambda: lesson.four_pixel_camera(None), "positive integer"),
    "camera: n NaN": (lambda: lesson.four_pixel_camera(float("nan")), "positive integer"),
    "camera: n inf": (lambda: lesson.four_pixel_camera(float("inf")), "positive integer"),
    "camera: n 0 (empty)": (lambda: lesson.four_pixel_camera(0), "positive integer"),
    "camera: n as text": (lambda: lesson.four_pixel_camera("8"), "positive integer"),
    "draw_pattern: None": (lambda: lesson.draw_pattern(_axes(), None), "array of numbers"),
    "draw_pattern: NaN": (lambda: lesson.draw_pattern(_axes(), [[np.nan, 0], [0, 0]]), "NaN"),
    "draw_pattern: inf": (lambda: lesson.draw_pattern(_axes(), [[np.inf, 0], [0, 0]]), "inf"),
    "draw_pattern: empty": (lambda: lesson.draw_pattern(_axes(), np.zeros((0, 2))), "empty"),
    "draw_pattern: shape": (lambda: lesson.draw_pattern(_axes(), np.ones(4)), "height, width"),
    "draw_pattern: text": (lambda: lesson.draw_pattern(_axes(), [["a", "b"]]), "numbers"),
    "draw_pattern: no axes": (lambda: lesson.draw_pattern(None, np.ones((2, 2))), "Axes"),
    "draw_pattern: vmax NaN": (
        lambda: lesson.draw_pattern(_axes(), np.ones((2, 2)), vmax=np.nan),
        "vmax must be positive",
    ),
    "show_patterns: None": (lambda: lesson.show_patterns(None), "array of numbers"),
    "show_patterns: NaN": (lambda: lesson.show_patterns(np.full((2, 2, 2), np.nan)), "NaN"),
    "show_patterns: inf": (lambda: lesson.show_patterns(np.full((2, 2, 2), np.inf)), "inf"),
    "show_patterns: empty": (lambda: lesson.show_patterns([]), "n >= 1"),
    "show_patterns: shape": (lambda: lesson.show_patterns(np.ones(4)), "height, width"),
    "show_patterns: booleans": (lambda: lesson.show_patterns(np.ones((1, 2, 2), bool)), "bool"),
    "show_patterns: vmax None-like": (
        lambda: lesson.show_patterns(np.ones((1, 2, 2)), vmax="1"),
        "vmax must be positive",
    ),
    "forward: weights None": (lambda: lesson.dense_forward(None, np.ones(4)), "pairs"),
    "forward: weights empty": (lambda: lesson.dense_forward([], np.ones(4)), "got none"),
    "forward: NaN weight": (lambda: lesson.dense_forward(NAN_WEIGHTS, np.ones(4)), "finite"),
    "forward: images None": (lambda: lesson.dense_forward(HAND_SET_WEIGHTS, None), "numbers"),
    "forward: images NaN": (
        lambda: lesson.dense_forward(HAND_SET_WEIGHTS, [np.nan, 0, 0, 0]),
        "NaN",
    ),
    "forward: images inf": (
        lambda: lesson.dense_forward(HAND_SET_WEIGHTS, [np.inf, 0, 0, 0]),
        "inf",
    ),
    "forward: images empty": (
        lambda: lesson.dense_forward(HAND_SET_WEIGHTS, np.zeros((0, 4))),
        "empty",
    ),
    "forward: images shape": (
        lambda: lesson.dense_forward(HAND_SET_WEIGHTS, np.ones((3, 5))),
        r"shape \(n, 4\)",
    ),
    "forward: activations None": (
        lambda: lesson.dense_forward(HAND_SET_WEIGHTS, np.ones(4), None),
        "one activation name per layer",
    ),
    "forward: a function, not weights": (
        lambda: lesson.dense_forward(lambda x: x, np.ones(4)),
        "pairs",
    ),
    "response: networks None": (
        lambda: lesson.four_pixel_response(None, 0.0, 0.0, 0.0, 0.0),
        "dict",
    ),
    "response: networks empty": (
        lambda: lesson.four_pixel_response({}, 0.0, 0.0, 0.0, 0.0),
        "at least one network",
    ),
    "response: pixel None": (
        lambda: lesson.four_pixel_response({"x": HAND_SET_WEIGHTS}, None, 0.0, 0.0, 0.0),
        r"numbers in \[-1, 1\]",
    ),
    "response: pixel NaN": (
        lambda: lesson.four_pixel_response({"x": HAND_SET_WEIGHTS}, np.nan, 0.0, 0.0, 0.0),
        r"numbers in \[-1, 1\]",
    ),
    "response: pixel inf": (
        lambda: lesson.four_pixel_response({"x": HAND_SET_WEIGHTS}, np.inf, 0.0, 0.0, 0.0),
        r"numbers in \[-1, 1\]",
    ),
    "response: pixel out of range": (
        lambda: lesson.four_pixel_response({"x": HAND_SET_WEIGHTS}, 2.0, 0.0, 0.0, 0.0),
        r"numbers in \[-1, 1\]",
    ),
    "response: NaN weights": (
        lambda: lesson.four_pixel_response({"x": NAN_WEIGHTS}, 0.0, 0.0, 0.0, 0.0),
        "finite",
    ),
    "draw response: None": (lambda: lesson.draw_four_pixel_response(None), "'pixels'"),
    "draw response: logits": (
        lambda: lesson.draw_four_pixel_response(_with_probabilities([0.96, 0, 0, 0])),
        "not the logits",
    ),
    "draw response: NaN probabilities": (
        lambda: lesson.draw_four_pixel_response(_with_probabilities([np.nan] * 4)),
        "NaN",
    ),
    "draw response: empty probabilities": (
        lambda: lesson.draw_four_pixel_response(_with_probabilities([])),
        "empty",
    ),
    "draw response: too few class names": (
        lambda: lesson.draw_four_pixel_response(_response(), ("s", "v")),
        "for 2 class names",
    ),
    "explorer: None": (lambda: lesson.four_pixel_explorer(None), "dict"),
    "explorer: empty": (lambda: lesson.four_pixel_explorer({}), "1 to 3 networks"),
    "explorer: NaN weights": (lambda: lesson.four_pixel_explorer({"x": NAN_WEIGHTS}), "finite"),
    "explorer: pixels NaN": (
        lambda: lesson.four_pixel_explorer({"x": HAND_SET_WEIGHTS}, pixels=(np.nan, 0, 0, 0)),
        r"in \[-1, 1\]",
    ),
    "explorer: pixels inf": (
        lambda: lesson.four_pixel_explorer({"x": HAND_SET_WEIGHTS}, pixels=(np.inf, 0, 0, 0)),
        r"in \[-1, 1\]",
    ),
    "explorer: class_names None": (
        lambda: lesson.four_pixel_explorer({"x": HAND_SET_WEIGHTS}, class_names=None),
        "class_names",
    ),
}


@pytest.mark.parametrize("case", BAD_INPUT, ids=list(BAD_INPUT))
def test_every_public_function_rejects_bad_input_with_a_useful_message(case):
    call, message = BAD_INPUT[case]
    with pytest.raises(ValueError, match=message):
        call()
