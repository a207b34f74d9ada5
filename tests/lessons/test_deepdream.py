"""Lesson 11 part 2 helpers: the photo at a size, the octave sizes, the measures of a dream
(correlation, change, share of large patterns) against cases worked by hand, the classifier's
view, the figures, the explorer (driven headlessly, timed), the exercise checks (right answers
pass, plausible wrong ones get the hint naming the mistake) and bad input."""

import time

import numpy as np
import pytest
import tensorflow as tf
from matplotlib.figure import Figure

from helpers import pretrained
from helpers.lessons import deepdream as lesson

RNG = np.random.default_rng(0)
IMAGE = np.clip(RNG.normal(0, 0.4, (40, 60, 3)), -1, 1)


# ------------------------------------------------------------ photo and sizes


def test_load_photo_has_the_longer_side_asked_for_in_network_units():
    photo = lesson.load_photo("cat", 144)
    assert photo.shape == (96, 144, 3) and photo.dtype == np.float32
    assert -1.0 <= photo.min() < -0.5 and 0.5 < photo.max() <= 1.0
    np.testing.assert_array_equal(lesson.to_pixels(photo).shape, (96, 144, 3))


def test_to_pixels_undoes_preprocess():
    pixels = RNG.integers(0, 256, (8, 9, 3)).astype(np.uint8)
    np.testing.assert_array_equal(lesson.to_pixels(pretrained.preprocess(pixels)), pixels)


def test_octave_sizes_smallest_first_ending_at_the_image():
    assert lesson.octave_sizes(266, 400, 3, 1.4) == [(136, 204), (190, 286), (266, 400)]
    assert lesson.octave_sizes(100, 50, 1, 2.0) == [(100, 50)]


# ------------------------------------------------------------ measures


def test_pixel_correlation_and_mean_change_worked_by_hand():
    assert lesson.pixel_correlation(IMAGE, 0.5 * IMAGE + 0.1) == pytest.approx(1.0)
    assert lesson.pixel_correlation(IMAGE, -IMAGE) == pytest.approx(-1.0)
    assert lesson.mean_change(IMAGE, np.clip(IMAGE + 0.25, -1.5, 1.5)) == pytest.approx(0.25)


def test_large_pattern_share_tells_wide_waves_from_fine_ones():
    x = np.mgrid[0:64, 0:64][1]
    wide = np.repeat((0.3 * np.sin(2 * np.pi * x / 32))[..., None], 3, axis=-1)  # 32 px waves
    fine = np.repeat((0.3 * np.sin(2 * np.pi * x / 4))[..., None], 3, axis=-1)  # 4 px waves
    zero = np.zeros((64, 64, 3))
    assert lesson.large_pattern_share(zero, wide) == pytest.approx(1.0)
    assert lesson.large_pattern_share(zero, fine) == pytest.approx(0.0, abs=1e-12)
    assert lesson.large_pattern_share(zero, wide + fine) == pytest.approx(0.5, abs=1e-6)


def test_the_classifier_sees_the_cat():
    classifier = pretrained.load_efficientnet_lite0()
    photo = lesson.load_photo("cat", 224)
    table = lesson.top_classes(classifier, {"photo": photo}, top=2)
    assert list(table.columns) == ["1.", "2."] and table.loc["photo", "1."].startswith("Egyptian")
    assert lesson.class_probability(classifier, photo, 285) > 0.5


def test_show_images_draws_one_panel_per_image():
    fig = lesson.show_images({"a": IMAGE, "b": -IMAGE, "c": IMAGE}, "t", columns=2)
    assert isinstance(fig, Figure) and sum(len(ax.images) for ax in fig.axes) == 3


# ------------------------------------------------------------ the explorer


def trajectories_for_test(steps=6):
    images = {
        layer: np.stack([np.clip(IMAGE + sign * 0.05 * i, -1, 1) for i in range(steps + 1)])
        for layer, sign in (("b1_out", 1.0), ("head_relu", -1.0))
    }
    objectives = {layer: np.linspace(0, 1 + k, steps + 1) for k, layer in enumerate(images)}
    return images, objectives


def test_dream_explorer_headless_and_fast():
    images, objectives = trajectories_for_test()
    widget = lesson.dream_explorer(images, objectives)
    assert widget.result["steps"] == 6 and widget.result["layer"] == "b1_out"
    first = widget.result["image"].copy()
    seconds = []
    for layer, steps in [("head_relu", 6), ("head_relu", 2), ("b1_out", 0)]:
        start = time.process_time()
        widget.controls["layer"].value = layer
        widget.controls["steps"].value = steps
        seconds.append((time.process_time() - start) / 2)
    assert widget.result["layer"] == "b1_out" and widget.result["steps"] == 0
    np.testing.assert_array_equal(widget.result["image"], images["b1_out"][0])
    assert widget.result["change"] == 0.0
    assert not np.allclose(widget.result["image"], first)
    assert np.median(seconds) < 0.3, seconds


# ------------------------------------------------------------ exercise 1: the step


def solution_step(image, gradient, step_size):
    return np.clip(image + step_size * gradient / (gradient.std() + 1e-8), -1, 1)


def test_exercise_ascent_step_passes_the_solution_and_rejects_a_blank(capsys):
    assert lesson.exercise_ascent_step(solution_step)
    assert "PASS" in capsys.readouterr().out
    assert not lesson.exercise_ascent_step(lambda image, gradient, step_size: None)
    assert "forget `return`" in capsys.readouterr().out
    assert not lesson.exercise_ascent_step(None)
    assert "Not yet" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda x, g, s: np.clip(x - s * g / (g.std() + 1e-8), -1, 1), "gradient descent"),
        (lambda x, g, s: np.clip(x + s * g, -1, 1), "not normalised"),
        (lambda x, g, s: np.clip(x + s * g / np.abs(g).max(), -1, 1), "largest |gradient|"),
        (lambda x, g, s: np.clip(x + s * g / np.linalg.norm(g), -1, 1), "norm"),
        (lambda x, g, s: x + s * g / (g.std() + 1e-8), "clip the result to -1..1"),
        (lambda x, g, s: np.clip(x + s * g / (g.std() + 1e-8), 0, 1), "clipped to 0..1"),
        (lambda x, g, s: np.clip(x + s * g / g.mean(), -1, 1), "expected"),
    ],
)
def test_exercise_ascent_step_names_each_mistake(capsys, wrong, hint):
    assert not lesson.exercise_ascent_step(wrong)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out


# ------------------------------------------------------------ exercise 2: octave sizes


def test_exercise_octave_sizes_passes_the_solution_and_rejects_a_blank(capsys):
    assert lesson.exercise_octave_sizes(
        lambda h, w, n, s: [(round(h / s**i), round(w / s**i)) for i in range(n - 1, -1, -1)]
    )
    assert "PASS" in capsys.readouterr().out
    assert not lesson.exercise_octave_sizes(lambda h, w, n, s: None)
    assert "forget `return`" in capsys.readouterr().out
    assert not lesson.exercise_octave_sizes(None)
    assert "Not yet" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda h, w, n, s: [(round(h / s**i), round(w / s**i)) for i in range(n)], "SMALLEST"),
        (
            lambda h, w, n, s: [(round(h * s**i), round(w * s**i)) for i in range(n - 1, -1, -1)],
            "divide the size",
        ),
        (
            lambda h, w, n, s: [(round(h / s**i), round(w / s**i)) for i in range(n, -1, -1)],
            "one size too many",
        ),
        (
            lambda h, w, n, s: [(round(h / s**i), round(w / s**i)) for i in range(n, 0, -1)],
            "own size is missing",
        ),
        (
            lambda h, w, n, s: [(int(h / s**i), int(w / s**i)) for i in range(n - 1, -1, -1)],
            "round()",
        ),
        (lambda h, w, n, s: 3, "list of (height, width) pairs"),
    ],
)
def test_exercise_octave_sizes_names_each_mistake(capsys, wrong, hint):
    assert not lesson.exercise_octave_sizes(wrong)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out


# ------------------------------------------------------------ exercise 3: lost detail


def test_exercise_lost_detail_passes_the_solution_and_rejects_a_blank(capsys):
    assert lesson.exercise_lost_detail(
        lambda x, small: x - tf.image.resize(tf.image.resize(x, small), x.shape[:2])
    )
    assert "PASS" in capsys.readouterr().out
    assert not lesson.exercise_lost_detail(lambda x, small: None)
    assert "forget `return`" in capsys.readouterr().out
    assert not lesson.exercise_lost_detail(None)
    assert "Not yet" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (
            lambda x, small: tf.image.resize(tf.image.resize(x, small), x.shape[:2]) - x,
            "sign is reversed",
        ),
        (
            lambda x, small: tf.image.resize(tf.image.resize(x, small), x.shape[:2]),
            "blurred copy itself",
        ),
        (lambda x, small: tf.image.resize(x, small), "enlarge it back"),
        (lambda x, small: x - tf.image.resize(x, x.shape[:2]), "SHRUNK copy"),
    ],
)
def test_exercise_lost_detail_names_each_mistake(capsys, wrong, hint):
    assert not lesson.exercise_lost_detail(wrong)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out


# ------------------------------------------------------------ bad input

BAD_CALLS = {
    "photo too small": (lambda: lesson.load_photo("cat", 8), "between 32 and 1024"),
    "unknown photo": (lambda: lesson.load_photo("dog", 100), "load_photo expects one of"),
    "pixels 0..255 as image": (lambda: lesson.to_pixels(IMAGE * 100 + 127), "network's units"),
    "a batch as image": (lambda: lesson.to_pixels(IMAGE[None]), r"\(height, width, 3\)"),
    "None image": (lambda: lesson.mean_change(None, IMAGE), "got None"),
    "NaN image": (lambda: lesson.pixel_correlation(IMAGE, np.full(IMAGE.shape, np.nan)), "finite"),
    "shapes differ": (lambda: lesson.mean_change(IMAGE, IMAGE[:20]), "same shape"),
    "unchanged dream": (lambda: lesson.large_pattern_share(IMAGE, IMAGE), "equals the original"),
    "scale of 1": (lambda: lesson.octave_sizes(100, 100, 3, 1.0), "scale above 1"),
    "octaves too small": (lambda: lesson.octave_sizes(100, 100, 5, 2.0), "under 32 pixels"),
    "octaves as float": (lambda: lesson.octave_sizes(100, 100, 2.5, 1.4), "octaves"),
    "classifier missing": (lambda: lesson.class_probability(None, IMAGE, 1), "function"),
    "class out of range": (lambda: lesson.class_probability(abs, IMAGE, 1000), "0..999"),
    "no images": (lambda: lesson.show_images({}), "non-empty dict"),
    "classify no images": (lambda: lesson.top_classes(abs, None), "non-empty dict"),
    "classify with a non-classifier": (
        lambda: lesson.top_classes(lambda x: np.zeros((1, 10)), {"a": IMAGE}),
        "1000 outputs",
    ),
    "negative wavelength": (
        lambda: lesson.large_pattern_share(IMAGE, -IMAGE, wavelength=-4),
        "wavelength",
    ),
    "explorer layers differ": (
        lambda: lesson.dream_explorer({"a": np.zeros((3, 9, 9, 3))}, {"b": np.zeros(3)}),
        "same layers",
    ),
    "explorer one image": (
        lambda: lesson.dream_explorer({"a": np.zeros((1, 9, 9, 3))}, {"a": np.zeros(1)}),
        r"\(steps \+ 1, height, width, 3\)",
    ),
    "explorer objectives short": (
        lambda: lesson.dream_explorer({"a": np.zeros((3, 9, 9, 3))}, {"a": np.zeros(2)}),
        "one objective per image",
    ),
    "explore an unknown layer": (
        lambda: lesson.explore_view(*trajectories_for_test(), "b2_out", 1),
        "layer must be one of",
    ),
    "explore too many steps": (
        lambda: lesson.explore_view(*trajectories_for_test(), "b1_out", 7),
        "steps",
    ),
    "draw something else": (lambda: lesson.draw_explore({"layer": 1}), "explore_view"),
}


@pytest.mark.parametrize("case", BAD_CALLS, ids=list(BAD_CALLS))
def test_bad_input_gets_a_clear_value_error(case):
    call, message = BAD_CALLS[case]
    with pytest.raises(ValueError, match=message):
        call()
