"""Lesson 10 part 2 helpers: image rows, the bottleneck explorer (driven headlessly), the exercise
checks (right answers pass, plausible wrong ones get the hint naming the mistake) and bad input."""

import time

import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers.lessons import autoencoders as lesson

RNG = np.random.default_rng(0)
SIZES = [2, 8, 32]
# stand-in digits: blurred random blobs in [0, 1], with the low-rank structure PCA needs
_BASIS = RNG.random((12, 784))
X_TRAIN = np.clip(RNG.random((800, 12)) @ _BASIS / 6 + RNG.normal(0, 0.02, (800, 784)), 0, 1)
X_TEST = np.clip(RNG.random((60, 12)) @ _BASIS / 6 + RNG.normal(0, 0.02, (60, 784)), 0, 1)
ORIGINALS = X_TEST[:6]


def reconstructions():
    return {
        "autoencoder": {k: np.clip(ORIGINALS + 0.3 / k, 0, 1) for k in SIZES},
        "PCA": {k: np.clip(ORIGINALS - 0.3 / k, 0, 1) for k in SIZES},
    }


ERRORS = {"autoencoder": {2: 0.05, 8: 0.03, 32: 0.02}, "PCA": {2: 0.055, 8: 0.037, 32: 0.017}}


# ------------------------------------------------------------ image rows and the explorer


def test_show_rows_draws_one_labelled_row_per_entry():
    fig = lesson.show_rows({"original": ORIGINALS, "copy": ORIGINALS.reshape(-1, 28, 28)}, "t")
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    assert [label.get_text() for label in ax.get_yticklabels()] == ["original", "copy"]
    picture = ax.images[0].get_array()
    assert picture.shape == (2 * 28 + 2, 6 * 28 + 5 * 2)  # 2-pixel white gaps
    np.testing.assert_allclose(picture[:28, 30:58], ORIGINALS[1].reshape(28, 28))
    np.testing.assert_allclose(picture[30:, :28], ORIGINALS[0].reshape(28, 28))


def test_plot_errors_by_size_spaces_the_sizes_evenly():
    fig = lesson.plot_errors_by_size(ERRORS)
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.get_lines()] == ["autoencoder", "PCA"]
    np.testing.assert_array_equal(ax.get_lines()[1].get_xdata(), [0, 1, 2])
    np.testing.assert_array_equal(ax.get_lines()[1].get_ydata(), [0.055, 0.037, 0.017])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2", "8", "32"]


def test_bottleneck_view_picks_the_reconstructions_of_one_size():
    view = lesson.bottleneck_view(ORIGINALS, reconstructions(), ERRORS, 8)
    assert list(view["rows"]) == ["original", "autoencoder\n8 numbers", "PCA\n8 numbers"]
    np.testing.assert_allclose(
        view["rows"]["PCA\n8 numbers"], np.clip(ORIGINALS - 0.3 / 8, 0, 1).reshape(-1, 28, 28)
    )
    sizes, values = view["curves"]["PCA"]
    assert list(sizes) == SIZES and list(values) == [0.055, 0.037, 0.017]


def test_draw_bottleneck_marks_the_chosen_size():
    fig = lesson.draw_bottleneck(lesson.bottleneck_view(ORIGINALS, reconstructions(), ERRORS, 32))
    curve = fig.axes[-1]
    assert curve.get_xlabel() == "code size"
    circled = [line for line in curve.get_lines() if len(line.get_xdata()) == 1]
    assert [float(line.get_xdata()[0]) for line in circled] == [2.0, 2.0]  # the third size
    assert [t.get_text() for t in curve.get_xticklabels()] == ["2", "8", "32"]
    assert len(fig.axes) == 2


def test_bottleneck_explorer_headless_and_fast():
    widget = lesson.bottleneck_explorer(ORIGINALS, reconstructions(), ERRORS)
    assert widget.result["size"] == 8  # the middle of the sizes
    seconds = []
    for size in (2, 32, 8):
        start = time.process_time()
        widget.controls["size"].value = size
        seconds.append(time.process_time() - start)
        assert widget.result["size"] == size
        np.testing.assert_allclose(
            widget.result["rows"][f"autoencoder\n{size} numbers"],
            np.clip(ORIGINALS + 0.3 / size, 0, 1).reshape(-1, 28, 28),
        )
    assert np.median(seconds) < 0.3, seconds


# ------------------------------------------------------------ exercise 1: PCA by hand


def test_pca_error_reference_matches_a_projection_with_lstsq():
    mean = X_TRAIN.mean(axis=0)
    _, _, vt = np.linalg.svd(X_TRAIN - mean)
    basis = vt[:5].T  # least squares onto the top-5 directions = orthogonal projection
    coefficients = np.linalg.lstsq(basis, (X_TEST - mean).T, rcond=None)[0]
    projected = (basis @ coefficients).T + mean
    assert lesson._pca_error(X_TRAIN, X_TEST, 5) == pytest.approx(
        np.mean((projected - X_TEST) ** 2)
    )


def pca_solution(x_train, x_test, k):
    mean = x_train.mean(axis=0)
    _, _, vt = np.linalg.svd(x_train - mean, full_matrices=False)
    return np.mean(((x_test - mean) @ vt[:k].T @ vt[:k] + mean - x_test) ** 2)


def test_exercise_pca_error_passes_the_solution_and_rejects_a_blank(capsys):
    assert lesson.exercise_pca_error(pca_solution, X_TRAIN, X_TEST)
    assert "PASS" in capsys.readouterr().out
    assert not lesson.exercise_pca_error(lambda x_train, x_test, k: None, X_TRAIN, X_TEST)
    assert "forgot `return`" in capsys.readouterr().out
    assert not lesson.exercise_pca_error(None, X_TRAIN, X_TEST)
    assert "define the function" in capsys.readouterr().out
    assert not lesson.exercise_pca_error(lambda a, b, k: 1 / 0, X_TRAIN, X_TEST)
    assert "ZeroDivisionError" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        ("no centering", "subtract the training images' mean"),
        ("mean not added back", "add the training mean back"),
        ("columns", "first k ROWS of vt"),
        ("test mean", "not the test images'"),
        ("sum per image", "summed over the 784 pixels"),
        ("rmse", "root of the mean squared error"),
    ],
)
def test_exercise_pca_error_names_each_mistake(capsys, mistake, hint):
    def wrong(x_train, x_test, k):
        return lesson._pca_error(x_train, x_test, k, mistake)

    assert not lesson.exercise_pca_error(wrong, X_TRAIN, X_TEST)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out


def test_exercise_pca_error_other_errors_get_a_general_hint(capsys):
    assert not lesson.exercise_pca_error(lambda a, b, k: 0.1234, X_TRAIN, X_TEST)
    assert "top k principal directions" in capsys.readouterr().out


# ------------------------------------------------------------ exercise 2: masking noise


def test_exercise_mask_pixels_passes_the_solution_and_the_lesson_answer(capsys):
    assert lesson.exercise_mask_pixels(lesson._example_mask)
    assert "PASS" in capsys.readouterr().out

    def with_a_copy(images, fraction, rng):
        masked = images.copy()
        masked[rng.random(images.shape) < fraction] = 0
        return masked

    assert lesson.exercise_mask_pixels(with_a_copy)
    assert "PASS" in capsys.readouterr().out


def test_exercise_mask_pixels_rejects_a_blank(capsys):
    assert not lesson.exercise_mask_pixels(lambda images, fraction, rng: None)
    assert "forgot `return`" in capsys.readouterr().out
    assert not lesson.exercise_mask_pixels(None)
    assert "define the function" in capsys.readouterr().out


def in_place(images, fraction, rng):
    images[rng.random(images.shape) < fraction] = 0
    return images


WRONG_MASKS = {
    "keeps the fraction": (
        lambda images, fraction, rng: np.where(rng.random(images.shape) < fraction, images, 0.0),
        "1 - fraction",
    ),
    "dropout scaling": (
        lambda images, fraction, rng: np.where(
            rng.random(images.shape) < fraction, 0.0, images / (1 - fraction)
        ),
        "as Dropout does",
    ),
    "one mask for all images": (
        lambda images, fraction, rng: np.where(
            rng.random(images.shape[1:]) < fraction, 0.0, images
        ),
        "every image lost the same pixels",
    ),
    "in place": (in_place, "changed the images passed in"),
    "white instead of black": (
        lambda images, fraction, rng: np.where(rng.random(images.shape) < fraction, 1.0, images),
        "not 1",
    ),
    "np.random instead of rng": (
        lambda images, fraction, rng: np.where(
            np.random.default_rng().random(images.shape) < fraction, 0.0, images
        ),
        "generator passed in",
    ),
    "nothing masked": (lambda images, fraction, rng: images.copy(), "no pixel was masked"),
    "multiplied by noise": (
        lambda images, fraction, rng: images * rng.random(images.shape),
        "only 0 (masked) and 0.5",
    ),
    "fraction as a percentage": (
        lambda images, fraction, rng: np.where(rng.random(images.shape) < fraction / 10, 0, images),
        "expected about 30%",
    ),
    "wrong shape": (lambda images, fraction, rng: images[0], "expected the images'"),
}


@pytest.mark.parametrize("case", WRONG_MASKS)
def test_exercise_mask_pixels_names_each_mistake(capsys, case):
    wrong, hint = WRONG_MASKS[case]
    assert not lesson.exercise_mask_pixels(wrong)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out


# ------------------------------------------------------------ bad input

BAD_CALLS = {
    "show_rows without rows": (lambda: lesson.show_rows({}), "non-empty dict"),
    "show_rows with uint8 pixels": (
        lambda: lesson.show_rows({"x": (ORIGINALS * 255).astype("uint8")}),
        "divide uint8 images by 255",
    ),
    "show_rows with NaN": (lambda: lesson.show_rows({"x": np.full((2, 784), np.nan)}), "finite"),
    "show_rows with one flat image": (
        lambda: lesson.show_rows({"x": ORIGINALS[0]}),
        r"shape \(n, 784\) or \(n, 28, 28\)",
    ),
    "show_rows with rows of different lengths": (
        lambda: lesson.show_rows({"a": ORIGINALS, "b": ORIGINALS[:2]}),
        "same number of images",
    ),
    "show_rows with None": (lambda: lesson.show_rows({"a": None}), "got None"),
    "view of a size not trained": (
        lambda: lesson.bottleneck_view(ORIGINALS, reconstructions(), ERRORS, 4),
        "one of the code sizes",
    ),
    "view with other methods in errors": (
        lambda: lesson.bottleneck_view(ORIGINALS, reconstructions(), {"PCA": ERRORS["PCA"]}, 8),
        "same methods",
    ),
    "view with sizes missing from errors": (
        lambda: lesson.bottleneck_view(
            ORIGINALS, reconstructions(), {"autoencoder": {2: 0.1}, "PCA": ERRORS["PCA"]}, 8
        ),
        "same code sizes",
    ),
    "view with fewer reconstructions": (
        lambda: lesson.bottleneck_view(ORIGINALS[:3], reconstructions(), ERRORS, 8),
        "reconstruct the same images",
    ),
    "view with a NaN error": (
        lambda: lesson.bottleneck_view(
            ORIGINALS,
            reconstructions(),
            {"autoencoder": {2: np.nan, 8: 0.1, 32: 0.1}, "PCA": ERRORS["PCA"]},
            8,
        ),
        "finite",
    ),
    "errors of other sizes per method": (
        lambda: lesson.plot_errors_by_size({"a": {2: 0.1, 4: 0.1}, "b": {2: 0.1}}),
        "same code sizes",
    ),
    "errors as a list": (lambda: lesson.plot_errors_by_size({"a": [0.1, 0.2]}), "code size"),
    "draw something else": (lambda: lesson.draw_bottleneck({"size": 2}), "bottleneck_view"),
    "explorer without reconstructions": (
        lambda: lesson.bottleneck_explorer(ORIGINALS, None, ERRORS),
        "non-empty dict",
    ),
    "PCA check with images of the wrong shape": (
        lambda: lesson.exercise_pca_error(pca_solution, X_TRAIN[:, :100], X_TEST),
        r"shape \(n, 784\)",
    ),
}


@pytest.mark.parametrize("case", BAD_CALLS)
def test_every_public_helper_rejects_bad_input_with_a_fix(case):
    call, message = BAD_CALLS[case]
    with pytest.raises(ValueError, match=message):
        call()
