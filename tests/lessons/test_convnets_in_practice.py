"""Lesson 07b helpers: the few-labels sampler, the most confused pairs, the augmentation layers
and explorer (driven headlessly), and the exercise checks (right answers pass, plausible wrong
ones get a hint naming the mistake)."""

import numpy as np
import pytest

from helpers.lessons import convnets_in_practice as lesson

LABELS = np.repeat(np.arange(4), 30)
IMAGES = np.random.default_rng(0).random((5, 28, 28)).astype("float32")


def test_few_per_class_draws_each_class_evenly_and_reproducibly():
    chosen = lesson.few_per_class(LABELS, 5, seed=1)
    assert np.bincount(LABELS[chosen]).tolist() == [5, 5, 5, 5]
    assert len(set(chosen.tolist())) == 20
    assert np.array_equal(chosen, lesson.few_per_class(LABELS, 5, seed=1))
    assert not np.array_equal(chosen, lesson.few_per_class(LABELS, 5, seed=2))


def test_most_confused_ignores_the_diagonal_and_orders_by_count():
    confusion = np.array([[90, 3, 7], [1, 95, 4], [12, 0, 88]])
    names = ["a", "b", "c"]
    assert lesson.most_confused(confusion, names, top=3) == [
        ("c", "a", 12),
        ("a", "c", 7),
        ("b", "c", 4),
    ]


def test_augmenter_does_nothing_at_prediction_time_and_something_in_training():
    layers = lesson.augmenter(rotation=0.1, shift=0.2, zoom=0.1, flip="horizontal", seed=3)
    batch = IMAGES[..., None]
    assert np.array_equal(np.asarray(layers(batch, training=False)), batch)
    assert not np.allclose(np.asarray(layers(batch, training=True)), batch)
    identity = lesson.augmenter()
    assert np.array_equal(np.asarray(identity(batch, training=True)), batch)


def test_horizontal_flip_only_mirrors():
    copies = lesson.augmented_copies(IMAGES[0], count=16, flip="horizontal", seed=0)
    for copy in copies:
        assert np.array_equal(copy, IMAGES[0]) or np.array_equal(copy, IMAGES[0][:, ::-1])
    assert any(np.array_equal(copy, IMAGES[0][:, ::-1]) for copy in copies)


def test_augmentation_explorer_responds_to_its_controls():
    explorer = lesson.augmentation_explorer(IMAGES, list("abcde"))
    first = explorer.result["copies"].copy()
    assert first.shape == (8, 28, 28) and explorer.result["name"] == "a"
    explorer.controls["seed"].value = 5
    assert not np.allclose(explorer.result["copies"], first)
    for name in ("rotation", "shift", "zoom"):
        explorer.controls[name].value = 0.0
    assert np.allclose(explorer.result["copies"], IMAGES[0])
    explorer.controls["flip"].value = "vertical"
    copies = explorer.result["copies"]
    assert all(np.array_equal(c, IMAGES[0]) or np.array_equal(c, IMAGES[0][::-1]) for c in copies)
    explorer.controls["image"].value = 3
    assert explorer.result["name"] == "d" and len(explorer.figure.axes) == 9


# ------------------------------------------------------------------ exercise 1

RIGHT = {
    "MNIST": {"rotation by up to 10 degrees", "shift by up to 3 pixels"},
    "Fashion-MNIST": {"horizontal flip", "rotation by up to 10 degrees", "shift by up to 3 pixels"},
}


def test_exercise_label_keeping_accepts_the_right_sets(capsys):
    assert lesson.exercise_label_keeping(RIGHT)
    assert lesson.exercise_label_keeping({k: sorted(v) for k, v in RIGHT.items()})
    assert "PASS" in capsys.readouterr().out


@pytest.mark.parametrize(
    "answer, hint",
    [
        (None, "no answer yet"),
        ({"MNIST": set()}, "two keys"),
        ({**RIGHT, "MNIST": RIGHT["MNIST"] | {"horizontal flip"}}, "mirrored 2, 3"),
        ({**RIGHT, "MNIST": RIGHT["MNIST"] | {"rotation by 180 degrees"}}, "6 into a 9"),
        (
            {**RIGHT, "Fashion-MNIST": RIGHT["Fashion-MNIST"] | {"vertical flip"}},
            "no upside-down",
        ),
        (
            {**RIGHT, "Fashion-MNIST": RIGHT["Fashion-MNIST"] - {"horizontal flip"}},
            "mirrored shirt",
        ),
        ({**RIGHT, "MNIST": {"shift by up to 3 pixels"}}, "slant their digits"),
        ({**RIGHT, "MNIST": set(lesson.AUGMENTATIONS)}, "MNIST, horizontal flip: no"),
        ({**RIGHT, "MNIST": {"shift"}}, "copy the names exactly"),
        ({**RIGHT, "MNIST": "horizontal flip"}, "must be a set"),
    ],
)
def test_exercise_label_keeping_rejects_plausible_mistakes(answer, hint, capsys):
    assert not lesson.exercise_label_keeping(answer)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out, out


# ------------------------------------------------------------------ exercise 2


def solution(confusion):
    off_diagonal = confusion - np.diag(np.diag(confusion))
    return np.unravel_index(np.argmax(off_diagonal), confusion.shape)


def test_exercise_most_confused_pair_accepts_solutions(capsys):
    assert lesson.exercise_most_confused_pair(solution)
    assert lesson.exercise_most_confused_pair(
        lambda c: max(
            ((i, j) for i in range(len(c)) for j in range(len(c)) if i != j), key=lambda p: c[p]
        )
    )
    assert "PASS" in capsys.readouterr().out


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (None, "no function yet"),
        (lambda c: np.unravel_index(np.argmax(c), c.shape), "leave the diagonal out"),
        (lambda c: solution(c)[::-1], "rows are the true classes"),
        (lambda c: int(np.argmax(c - np.diag(np.diag(c)))), "np.unravel_index"),
        (lambda c: solution(c / c.sum(axis=1, keepdims=True)), "not the largest share"),
        (lambda c: None, "expected a pair"),
        (lambda c: 1 / 0, "ZeroDivisionError"),
        (lambda c: np.unravel_index(np.argmin(c), c.shape), "largest count off the diagonal"),
    ],
)
def test_exercise_most_confused_pair_rejects_plausible_mistakes(wrong, hint, capsys):
    assert not lesson.exercise_most_confused_pair(wrong)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out, out


# ------------------------------------------------------------------ bad input

BAD_INPUT = {
    "few: None": (lambda: lesson.few_per_class(None, 3), "integer class labels"),
    "few: one-hot": (lambda: lesson.few_per_class(np.eye(4), 1), "argmax"),
    "few: floats": (lambda: lesson.few_per_class(LABELS.astype(float), 1), "integer class"),
    "few: empty": (lambda: lesson.few_per_class(np.array([], int), 1), "integer class"),
    "few: too many": (lambda: lesson.few_per_class(LABELS, 31), "only 30"),
    "few: per_class 0": (lambda: lesson.few_per_class(LABELS, 0), "> 0"),
    "confused: not square": (lambda: lesson.most_confused(np.ones((2, 3)), "ab"), "square"),
    "confused: NaN": (
        lambda: lesson.most_confused(np.full((2, 2), np.nan), ["a", "b"]),
        "NaN",
    ),
    "confused: names": (lambda: lesson.most_confused(np.ones((2, 2)), ["a"]), "2 names"),
    "augmenter: degrees": (lambda: lesson.augmenter(rotation=30), "divide by 360"),
    "augmenter: None": (lambda: lesson.augmenter(shift=None), "shift"),
    "augmenter: NaN": (lambda: lesson.augmenter(zoom=np.nan), "NaN"),
    "augmenter: flip": (lambda: lesson.augmenter(flip="both"), "flip must be one of"),
    "copies: batch": (lambda: lesson.augmented_copies(IMAGES), "x_train\\[0\\]"),
    "copies: NaN": (lambda: lesson.augmented_copies(np.full((4, 4), np.nan)), "NaN"),
    "copies: None": (lambda: lesson.augmented_copies(None), "grey image"),
    "explorer: one image": (lambda: lesson.augmentation_explorer(IMAGES[0]), r"\(n, height"),
    "explorer: labels": (lambda: lesson.augmentation_explorer(IMAGES, ["a"]), "5 names"),
    "explorer: NaN": (
        lambda: lesson.augmentation_explorer(np.full((2, 4, 4), np.nan)),
        "NaN",
    ),
    "draw: None": (lambda: lesson.draw_augmented(None), "augmentation_explorer computes"),
}


@pytest.mark.parametrize("case", BAD_INPUT, ids=list(BAD_INPUT))
def test_every_public_function_rejects_bad_input_with_a_useful_message(case):
    call, message = BAD_INPUT[case]
    with pytest.raises(ValueError, match=message):
        call()
