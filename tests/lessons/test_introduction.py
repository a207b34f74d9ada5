"""Lesson 00's helpers: the nested-sets figure, the linear-classifier explorer, exercise checks."""

import keras
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch
from scipy import ndimage

from helpers import datasets
from helpers.lessons import introduction as lesson


@pytest.fixture(scope="module")
def digits():
    """2,000 training digits for templates and 500 test digits, scaled to [0, 1]."""
    (x_train, y_train), (x_test, y_test) = datasets.load_mnist()
    return (
        x_train[:2000].astype("float32") / 255,
        y_train[:2000],
        x_test[:500].astype("float32") / 255,
        y_test[:500],
    )


@pytest.fixture(scope="module")
def template_weights(digits):
    """A linear classifier set by hand (no training): centred class means as the kernel."""
    x_train, y_train, _, _ = digits
    means = np.stack([x_train[y_train == c].reshape(-1, 784).mean(axis=0) for c in range(10)])
    kernel = (means - means.mean(axis=0)).T * 10  # (784, 10)
    bias = np.zeros(10)
    return kernel.astype("float32"), bias.astype("float32")


@pytest.fixture(scope="module")
def template_model(template_weights):
    model = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(10, "softmax")])
    model.layers[0].set_weights(list(template_weights))
    return model


# ------------------------------------------------------------------------ plot_nested_sets


def test_plot_nested_sets_draws_one_box_per_field_with_its_texts():
    sets = [("AI", "broad"), ("ML", "learned"), ("DL", "layers")]
    fig = lesson.plot_nested_sets(sets, title="nested")
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    assert len(boxes) == 3
    widths = [box.get_width() for box in boxes]
    assert widths == sorted(widths, reverse=True)  # each box inside the previous one
    texts = [t.get_text() for t in ax.texts]
    for name, caption in sets:
        assert name in texts and caption in texts
    assert ax.get_title() == "nested"


@pytest.mark.parametrize(
    "bad", [[], "AI", [("AI",)], [("AI", "x", "y")], [("AI", 3)], [["AI", "x"]], None]
)
def test_plot_nested_sets_rejects_bad_input(bad):
    with pytest.raises(ValueError, match="name, caption"):
        lesson.plot_nested_sets(bad)


# ------------------------------------------------------------------ transform and response


def test_transform_digit_shifts_and_rotates():
    image = np.zeros((9, 9))
    image[4, 2] = 1.0  # one bright pixel left of the centre
    shifted = datasets.transform_digit(image, shift_right=3, shift_down=1)
    assert shifted[5, 5] == pytest.approx(1.0) and shifted.sum() == pytest.approx(1.0)
    rotated = datasets.transform_digit(image, angle=90)  # anticlockwise: left -> bottom
    assert np.unravel_index(np.argmax(rotated), rotated.shape) == (6, 4)
    assert np.array_equal(datasets.transform_digit(image), image)
    with pytest.raises(ValueError, match=r"\(height, width\)"):
        datasets.transform_digit(np.zeros(784))


def test_linear_classifier_response_numbers():
    image = np.zeros((2, 2))
    image[0, 1] = 1.0
    kernel = np.arange(12, dtype=float).reshape(4, 3)  # pixel 1 has weights 3, 4, 5
    result = lesson.linear_classifier_response(image, kernel, np.array([0.0, 0.0, 10.0]))
    np.testing.assert_allclose(result["scores"], [3, 4, 15])
    assert result["predicted"] == 2
    assert result["probabilities"].sum() == pytest.approx(1.0)
    assert result["templates"].shape == (3, 2, 2)
    np.testing.assert_array_equal(result["templates"][1].ravel(), kernel[:, 1])
    with pytest.raises(ValueError, match="kernel of shape"):
        lesson.linear_classifier_response(image, kernel.T, np.zeros(3))
    with pytest.raises(ValueError, match="bias of shape"):
        lesson.linear_classifier_response(image, kernel, np.zeros(4))


# ------------------------------------------------------------------------------ the widget


def test_linear_classifier_explorer_responds_to_its_controls(digits, template_weights):
    _, _, x_test, y_test = digits
    explorer = lesson.linear_classifier_explorer(x_test, y_test, *template_weights)
    assert explorer.result["label"] == y_test[0]
    np.testing.assert_allclose(explorer.result["image"], x_test[0], atol=1e-6)
    expected_scores = x_test[0].reshape(-1) @ template_weights[0]
    np.testing.assert_allclose(explorer.result["scores"], expected_scores, rtol=1e-5)
    assert len(explorer.figure.axes) == 4

    explorer.controls["index"].value = 3
    columns = np.arange(28)
    centre_before = (explorer.result["image"].sum(axis=0) * columns).sum()
    centre_before /= explorer.result["image"].sum()
    explorer.controls["shift_right"].value = 3
    image = explorer.result["image"]
    centre_after = (image.sum(axis=0) * columns).sum() / image.sum()
    assert centre_after - centre_before == pytest.approx(3, abs=0.05)
    assert explorer.result["label"] == y_test[3]

    explorer.controls["angle"].value = 30
    explorer.controls["shift_down"].value = -2
    assert "(3, -2) px, rotated 30°" in explorer.result["title"]
    assert 0 <= explorer.result["image"].min() and explorer.result["image"].max() <= 1


def test_linear_classifier_explorer_shows_the_right_second_template(digits, template_weights):
    _, _, x_test, y_test = digits
    predicted = (x_test.reshape(-1, 784) @ template_weights[0]).argmax(axis=1)
    right, wrong = np.flatnonzero(predicted == y_test)[0], np.flatnonzero(predicted != y_test)[0]
    explorer = lesson.linear_classifier_explorer(x_test, y_test, *template_weights)
    explorer.controls["index"].value = int(right)
    assert explorer.figure.axes[3].get_title().startswith("runner-up template")
    explorer.controls["index"].value = int(wrong)
    assert explorer.result["predicted"] != explorer.result["label"]
    assert explorer.figure.axes[3].get_title() == f"true class template: {y_test[wrong]}"


def test_linear_classifier_explorer_rejects_bad_input(digits, template_weights):
    _, _, x_test, y_test = digits
    with pytest.raises(ValueError, match="divide uint8 images by 255"):
        lesson.linear_classifier_explorer(x_test * 255, y_test, *template_weights)
    with pytest.raises(ValueError, match="one per image"):
        lesson.linear_classifier_explorer(x_test, y_test[:10], *template_weights)
    with pytest.raises(ValueError, match=r"\(n, height, width\)"):
        lesson.linear_classifier_explorer(x_test.reshape(-1, 784), y_test, *template_weights)
    with pytest.raises(ValueError, match="kernel of shape"):
        lesson.linear_classifier_explorer(x_test, y_test, template_weights[0].T, np.zeros(784))


# ------------------------------------------------------------------------- exercise checks


def test_exercise_video_tensor(capsys):
    assert lesson.exercise_video_tensor({"ndim": 5, "shape": (16, 10, 48, 64, 3), "dtype": "uint8"})
    assert lesson.exercise_video_tensor(
        {"ndim": 5, "shape": [16, 10, 48, 64, 3], "dtype": np.uint8}
    )
    import tensorflow as tf

    assert lesson.exercise_video_tensor(
        {"ndim": 5, "shape": (16, 10, 48, 64, 3), "dtype": tf.uint8}
    )
    capsys.readouterr()
    wrong = [
        ({"ndim": None, "shape": None, "dtype": None}, "still None"),
        ({"ndim": 4, "shape": (16, 10, 48, 64), "dtype": "uint8"}, "count the axes"),
        ({"ndim": 4, "shape": (16, 10, 48, 64, 3), "dtype": "uint8"}, "len(shape) = 5"),
        ({"ndim": 5, "shape": (16, 10, 64, 48, 3), "dtype": "uint8"}, "wrong order"),
        ({"ndim": 5, "shape": (16, 10, 48, 64, 1), "dtype": "uint8"}, "read the sizes"),
        ({"ndim": 5, "shape": (16, 10, 48, 64, 3), "dtype": "int8"}, "uint8"),
        ({"ndim": 5, "shape": (16, 10, 48, 64, 3), "dtype": "float32"}, "uint8"),
        ({"ndim": 5, "shape": (16, 10, 48, 64, 3), "dtype": "bytes?"}, "uint8"),
        ({"ndim": 5, "shape": "16x10x48x64x3", "dtype": "uint8"}, "tuple of whole numbers"),
        ({"shape": (16, 10, 48, 64, 3)}, "keys"),
        ((5, (16, 10, 48, 64, 3), "uint8"), "keys"),
    ]
    for answer, hint in wrong:
        assert not lesson.exercise_video_tensor(answer), answer
        assert hint in capsys.readouterr().out, (answer, hint)


def test_exercise_normalize_images(capsys):
    def per_image(images):
        mean = images.mean(axis=(1, 2), keepdims=True)
        return (images - mean) / images.std(axis=(1, 2), keepdims=True)

    def whole_batch(images):
        return (images - images.mean()) / images.std()

    def per_pixel(images):
        return (images - images.mean(axis=0)) / images.std(axis=0)

    def centred_only(images):
        return images - images.mean(axis=(1, 2), keepdims=True)

    def in_place(images):
        images -= images.mean(axis=(1, 2), keepdims=True)
        images /= images.std(axis=(1, 2), keepdims=True)
        return images

    def no_keepdims(images):
        return (images - images.mean(axis=(1, 2))) / images.std(axis=(1, 2))

    def by_variance(images):
        mean = images.mean(axis=(1, 2), keepdims=True)
        return (images - mean) / images.var(axis=(1, 2), keepdims=True)

    def sample_std(images):
        mean = images.mean(axis=(1, 2), keepdims=True)
        return (images - mean) / images.std(axis=(1, 2), keepdims=True, ddof=1)

    def unfinished(images):
        raise NotImplementedError

    assert lesson.exercise_normalize_images(per_image)
    capsys.readouterr()
    for wrong, hint in [
        (whole_batch, "whole batch"),
        (per_pixel, "axis=0"),
        (centred_only, "divide by its std"),
        (in_place, "changed its input"),
        (no_keepdims, "raised ValueError"),
        (by_variance, "divided by the variance"),
        (sample_std, "ddof=1"),
        (unfinished, "NotImplementedError"),
        (lambda images: None, "return"),
    ]:
        assert not lesson.exercise_normalize_images(wrong)
        assert hint in capsys.readouterr().out, hint


@pytest.fixture(scope="module")
def batch_with_mistakes(digits, template_weights):
    """4 test digits and the template model's first 4 mistakes, flattened, with their labels."""
    _, _, x_test, y_test = digits
    kernel, bias = template_weights
    predicted = (x_test.reshape(-1, 784) @ kernel + bias).argmax(axis=1)
    batch = np.concatenate([np.arange(4), np.flatnonzero(predicted != y_test)[:4]])
    return x_test[batch].reshape(8, 784), y_test[batch]


def test_exercise_scores_by_hand(capsys, batch_with_mistakes, template_model, template_weights):
    x_batch, y_batch = batch_with_mistakes
    kernel, bias = template_weights
    scores = x_batch @ kernel + bias
    predicted = scores.argmax(axis=1)
    assert not np.array_equal(predicted, y_batch), "the batch must hold mistakes"
    assert lesson.exercise_scores_by_hand(scores, predicted, template_model, x_batch, y_batch)
    assert lesson.exercise_scores_by_hand(
        scores, predicted.tolist(), template_model, x_batch, y_batch
    )
    capsys.readouterr()

    bias_model = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(10, "softmax")])
    bias_model.layers[0].set_weights([kernel, np.linspace(-2, 2, 10).astype("float32")])
    shifted_scores = x_batch @ kernel + np.linspace(-2, 2, 10)
    shifted_predicted = shifted_scores.argmax(axis=1)
    assert not np.array_equal(shifted_predicted, y_batch)
    assert lesson.exercise_scores_by_hand(
        shifted_scores, shifted_predicted, bias_model, x_batch, y_batch
    )
    capsys.readouterr()
    probabilities = np.asarray(keras.activations.softmax(shifted_scores))
    wrong_class = shifted_predicted.copy()
    wrong_class[2] = (wrong_class[2] + 1) % 10
    for scores_given, classes_given, model, hint in [
        (None, None, template_model, "still None"),
        (scores, None, template_model, "still None"),
        (x_batch @ kernel, shifted_predicted, bias_model, "forgot to add the bias"),
        (probabilities, shifted_predicted, bias_model, "before softmax"),
        (shifted_scores.T, shifted_predicted, bias_model, "one row per digit"),
        (shifted_scores, shifted_scores.argmax(axis=0), bias_model, "argmax(axis=1)"),
        (shifted_scores, probabilities, bias_model, "one class number per digit"),
        (shifted_scores, shifted_scores.argmin(axis=1), bias_model, "highest score"),
        (shifted_scores, shifted_scores.max(axis=1), bias_model, "highest scores themselves"),
        (shifted_scores, y_batch, bias_model, "are the true labels"),
        (shifted_scores, wrong_class, bias_model, "for digit 2"),
        (shifted_scores, shifted_predicted + 0.5, bias_model, "whole class numbers"),
        (shifted_scores, shifted_predicted + 10, bias_model, "highest score"),
        (shifted_scores, "3", bias_model, "class number"),
    ]:
        assert not lesson.exercise_scores_by_hand(
            scores_given, classes_given, model, x_batch, y_batch
        )
        assert hint in capsys.readouterr().out, hint


def test_exercise_scores_by_hand_needs_a_batch_with_mistakes(
    batch_with_mistakes, template_model, template_weights
):
    x_batch, y_batch = batch_with_mistakes
    kernel, bias = template_weights
    right = (x_batch @ kernel + bias).argmax(axis=1) == y_batch
    x_right, y_right = x_batch[right], y_batch[right]  # the model gets all of these right
    scores = x_right @ kernel + bias
    with pytest.raises(ValueError, match="digits the model gets wrong"):
        lesson.exercise_scores_by_hand(scores, y_right, template_model, x_right, y_right)
    with pytest.raises(ValueError, match="flattened images"):
        lesson.exercise_scores_by_hand(
            scores, y_right, template_model, x_right.reshape(-1, 28, 28), y_right
        )
    with pytest.raises(ValueError, match="labels"):
        lesson.exercise_scores_by_hand(scores, y_right, template_model, x_right, y_right[:1])


def test_exercise_scores_by_hand_accepts_either_class_of_a_near_tie(
    capsys, batch_with_mistakes, template_model
):
    x_mistakes, y_mistakes = batch_with_mistakes
    kernel, bias = (np.asarray(w) for w in template_model.layers[0].get_weights())
    # digit 0 is blank: every score 0 except the bias, a 10-way tie; the rest hold mistakes
    x_batch = np.concatenate([np.zeros((1, 784), dtype="float32"), x_mistakes])
    y_batch = np.concatenate([[3], y_mistakes])
    scores = x_batch @ kernel + bias
    for anyone in (0, 7):
        classes = scores.argmax(axis=1)
        classes[0] = anyone
        assert lesson.exercise_scores_by_hand(scores, classes, template_model, x_batch, y_batch)
    capsys.readouterr()


def test_exercise_smallest_shift(capsys, digits, template_weights):
    _, _, x_test, y_test = digits
    kernel, _ = template_weights
    # a bias, as a trained model has: then the uint8 images (x 255) give other answers
    template_model = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(10)])
    template_model.layers[0].set_weights([kernel, np.linspace(-0.5, 0.5, 10).astype("float32")])

    def accuracies(offset, images=x_test, count=6):
        result = []
        for pixels in range(count):
            shift = (0, offset[0] * pixels, offset[1] * pixels)
            shifted = ndimage.shift(images, shift, order=1).reshape(-1, 784)
            predicted = template_model.predict(shifted, verbose=0).argmax(axis=1)
            result.append(float(np.mean(predicted == y_test)))
        return result

    down, right, up = accuracies((1, 0)), accuracies((0, 1)), accuracies((-1, 0))
    uint8 = accuracies((1, 0), images=x_test * 255)
    level = 0.5
    answer = next(p for p, a in enumerate(down) if a < level)
    assert 1 <= answer < 5, "the test needs a model that starts above the level"
    check = lesson.exercise_smallest_shift
    assert check(down[: answer + 1], answer, template_model, x_test, y_test, level)
    assert check(down, np.int64(answer), template_model, x_test, y_test)
    assert check(np.round(down, 4), answer, template_model, x_test, y_test)
    capsys.readouterr()
    assert not np.allclose(right[:3], down[:3], atol=1e-3)  # the wrong directions differ
    assert not np.allclose(up[:3], down[:3], atol=1e-3)
    assert not np.allclose(uint8[:3], down[:3], atol=1e-3)
    for given, shift, hint in [
        (None, None, "still None"),
        (down, None, "still None"),
        (right, answer, "you shifted right"),
        (up, answer, "you shifted up"),
        (uint8, answer, "uint8 images"),
        (down[:answer], answer - 1, "make the list longer"),
        (down, answer - 1, "shift further"),
        (down, answer + 1, "look for the smallest"),
        (down, -1, "not one of the shifts"),
        (down, float(answer), "whole number"),
        (down, "3", "whole number"),
        (down, True, "whole number"),
        ("0.9, 0.8", answer, "list of accuracies"),
        ([], answer, "list of accuracies"),
        (np.array(down)[:, None], answer, "list of accuracies"),
    ]:
        assert not check(given, shift, template_model, x_test, y_test, level), (given, shift)
        assert hint in capsys.readouterr().out, hint
    with pytest.raises(ValueError, match="images of shape"):
        check(down, answer, template_model, x_test.reshape(-1, 784), y_test)
    with pytest.raises(ValueError, match="between 0 and 1"):
        check(down, answer, template_model, x_test, y_test, level=50)
    with pytest.raises(ValueError, match="between 0 and 1"):
        check(down, answer, template_model, x_test, y_test, level=None)


# ----------------------------------------------------------------- bad input, every function

KERNEL, BIAS = np.ones((4, 3)), np.zeros(3)
IMAGES, LABELS = np.full((2, 2, 2), 0.5), np.array([0, 2])


def _response(**changes):
    result = lesson.linear_classifier_response(IMAGES[0], KERNEL, BIAS)
    return {**result, "label": 0, "title": "t", **changes}


BAD_INPUT = {
    "nested sets: None": (lambda: lesson.plot_nested_sets(None), "name, caption"),
    "nested sets: empty": (lambda: lesson.plot_nested_sets([]), "name, caption"),
    "nested sets: wrong shape": (lambda: lesson.plot_nested_sets([("AI",)]), "name, caption"),
    "nested sets: wrong type": (lambda: lesson.plot_nested_sets([("AI", 1.0)]), "name, caption"),
    "nested sets: NaN title": (
        lambda: lesson.plot_nested_sets([("AI", "x")], title=np.nan),
        "title as a string",
    ),
    "response: image None": (
        lambda: lesson.linear_classifier_response(None, KERNEL, BIAS),
        "array of numbers",
    ),
    "response: image NaN": (
        lambda: lesson.linear_classifier_response(np.full((2, 2), np.nan), KERNEL, BIAS),
        "NaN",
    ),
    "response: image inf": (
        lambda: lesson.linear_classifier_response(np.full((2, 2), np.inf), KERNEL, BIAS),
        "inf",
    ),
    "response: image empty": (
        lambda: lesson.linear_classifier_response(np.zeros((0, 2)), KERNEL, BIAS),
        "empty",
    ),
    "response: image flat": (
        lambda: lesson.linear_classifier_response(np.ones(4), KERNEL, BIAS),
        r"\(height, width\)",
    ),
    "response: image as text": (
        lambda: lesson.linear_classifier_response([["a", "b"]], KERNEL, BIAS),
        "array of numbers",
    ),
    "response: NaN kernel": (
        lambda: lesson.linear_classifier_response(IMAGES[0], KERNEL * np.nan, BIAS),
        "NaN",
    ),
    "response: bias None": (
        lambda: lesson.linear_classifier_response(IMAGES[0], KERNEL, None),
        "array of numbers",
    ),
    "draw: None": (lambda: lesson.draw_linear_classifier_response(None), "a dict with the keys"),
    "draw: scores drawn as probabilities": (
        lambda: lesson.draw_linear_classifier_response(_response(probabilities=np.ones(3) * 2)),
        "add up to 1",
    ),
    "draw: NaN scores": (
        lambda: lesson.draw_linear_classifier_response(_response(scores=np.full(3, np.nan))),
        "NaN",
    ),
    "draw: image beyond [0, 1]": (
        lambda: lesson.draw_linear_classifier_response(_response(image=np.full((2, 2), 255.0))),
        r"values in \[0, 1\]",
    ),
    "draw: label out of range": (
        lambda: lesson.draw_linear_classifier_response(_response(label=7)),
        r"label in 0\.\.2",
    ),
    "explorer: images None": (
        lambda: lesson.linear_classifier_explorer(None, LABELS, KERNEL, BIAS),
        "array of numbers",
    ),
    "explorer: NaN images": (
        lambda: lesson.linear_classifier_explorer(IMAGES * np.nan, LABELS, KERNEL, BIAS),
        "NaN",
    ),
    "explorer: inf images": (
        lambda: lesson.linear_classifier_explorer(IMAGES * np.inf, LABELS, KERNEL, BIAS),
        "inf",
    ),
    "explorer: empty": (
        lambda: lesson.linear_classifier_explorer(np.zeros((0, 2, 2)), [], KERNEL, BIAS),
        "empty",
    ),
    "explorer: flat images": (
        lambda: lesson.linear_classifier_explorer(IMAGES.reshape(2, 4), LABELS, KERNEL, BIAS),
        r"\(n, height, width\)",
    ),
    "explorer: uint8 images": (
        lambda: lesson.linear_classifier_explorer(
            (IMAGES * 255).astype(np.uint8), LABELS, KERNEL, BIAS
        ),
        "divide uint8 images by 255",
    ),
    "explorer: labels None": (
        lambda: lesson.linear_classifier_explorer(IMAGES, None, KERNEL, BIAS),
        "labels",
    ),
    "explorer: NaN labels": (
        lambda: lesson.linear_classifier_explorer(IMAGES, [0.0, np.nan], KERNEL, BIAS),
        "NaN",
    ),
    "explorer: labels beyond the classes": (
        lambda: lesson.linear_classifier_explorer(IMAGES, [0, 9], KERNEL, BIAS),
        "class numbers 0 to 2",
    ),
    "explorer: NaN bias": (
        lambda: lesson.linear_classifier_explorer(IMAGES, LABELS, KERNEL, BIAS * np.nan),
        "NaN",
    ),
    "explorer: max_shift None": (
        lambda: lesson.linear_classifier_explorer(IMAGES, LABELS, KERNEL, BIAS, max_shift=None),
        "max_shift",
    ),
    "smallest shift: NaN images": (
        lambda: lesson.exercise_smallest_shift([0.9], 1, None, IMAGES * np.nan, LABELS),
        "NaN",
    ),
}


@pytest.mark.parametrize("case", BAD_INPUT, ids=list(BAD_INPUT))
def test_every_public_function_rejects_bad_input_with_a_useful_message(case):
    call, message = BAD_INPUT[case]
    with pytest.raises(ValueError, match=message):
        call()
