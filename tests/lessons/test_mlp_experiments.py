"""Lesson 03b (three MLP experiments): its exercise checks and its widget.

Nothing here trains: the checks read labels and untrained models, and the widget draws
made-up curves. The tests are fast and exact.
"""

import time

import keras
import numpy as np
import pytest

from helpers.lessons import mlp_experiments as lesson

# ---------------------------------------------------------------- exercise 1: chance accuracy


def chance_correctly(train_labels, val_labels):
    return float(np.mean(val_labels == np.bincount(train_labels, minlength=10).argmax()))


def verdict_hint(capsys):
    return capsys.readouterr().out


def test_chance_accuracy_passes_a_correct_answer(capsys):
    assert lesson.exercise_chance_accuracy(chance_correctly)
    assert "PASS" in verdict_hint(capsys)


def test_chance_accuracy_rejects_the_blank_starter(capsys):
    def blank(train_labels, val_labels):
        raise NotImplementedError

    assert not lesson.exercise_chance_accuracy(blank)
    assert "NotImplementedError" in verdict_hint(capsys)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda t, v: 0.1, "equally common"),
        (lambda t, v: float(np.mean(t == np.bincount(t).argmax())), "score the guess on the val"),
        (lambda t, v: float(np.mean(v == np.bincount(v).argmax())), "peeks"),
        (lambda t, v: int(np.sum(v == np.bincount(t).argmax())), "divide"),
        (lambda t, v: [0.2], "one number"),
        (lambda t, v: float(np.mean(v == np.bincount(t).argmin())), "expected"),
    ],
    ids=["one tenth", "training share", "chosen on validation", "a count", "a list", "argmin"],
)
def test_chance_accuracy_rejects_wrong_answers(answer, hint, capsys):
    assert not lesson.exercise_chance_accuracy(answer)
    assert hint in verdict_hint(capsys)


# ---------------------------------------------------------------- exercise 2: late bottleneck


def late(width, order=None, activations=("relu", "relu", "softmax"), inputs=784):
    units = order or (512, width, 10)
    return keras.Sequential(
        [keras.Input(shape=(inputs,))]
        + [keras.layers.Dense(u, activation=a) for u, a in zip(units, activations, strict=True)]
    )


def test_late_bottleneck_passes_a_correct_answer(capsys):
    assert lesson.exercise_late_bottleneck(late)
    assert "PASS" in verdict_hint(capsys)


def test_late_bottleneck_rejects_the_blank_starter(capsys):
    def blank(width):
        raise NotImplementedError

    assert not lesson.exercise_late_bottleneck(blank)
    assert "NotImplementedError" in verdict_hint(capsys)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda w: late(w, order=(w, 512, 10)), "early bottleneck"),
        (lambda w: late(4), "not 4"),
        (lambda w: late(w, activations=("relu", None, "softmax")), "activation='relu'"),
        (lambda w: late(w, activations=("relu", "relu", None)), "softmax"),
        (lambda w: late(w, inputs=28), "keras.Input"),
        (
            lambda w: late(w, order=(512, 512, w, 10), activations=("relu",) * 3 + ("softmax",)),
            "got",
        ),
        (lambda w: None, "Keras model"),
    ],
    ids=["early", "always 4", "linear narrow", "no softmax", "wrong input", "extra layer", "None"],
)
def test_late_bottleneck_rejects_wrong_answers(answer, hint, capsys):
    assert not lesson.exercise_late_bottleneck(answer)
    assert hint in verdict_hint(capsys)


# ---------------------------------------------------------------- widget


def made_up_curves():
    rising = np.linspace(0.1, 0.9, 6)
    return {
        0.0: {"accuracy": rising, "val_accuracy": rising - 0.05},
        0.5: {"accuracy": rising * 0.8, "val_accuracy": np.full(6, 0.5)},
        1.0: {"accuracy": rising * 0.6, "val_accuracy": np.full(6, 0.1), "loss": [1] * 6},
    }


def plotted(figure):
    return [line.get_ydata() for line in figure.axes[0].get_lines()]


def test_explorer_redraws_for_each_fraction_quickly():
    explorer = lesson.shuffled_labels_explorer(made_up_curves())
    assert explorer.result == {"fraction": 0.0}
    assert len(plotted(explorer.figure)) == 3  # training, validation, chance
    first = explorer.figure
    seconds = []  # CPU time of each update: wall time would measure the machine's load
    for fraction in [0.5, 0.0, 0.5, 1.0]:
        start = time.process_time()
        explorer.controls["fraction"].value = fraction
        seconds.append(time.process_time() - start)
    assert explorer.figure is not first and explorer.result == {"fraction": 1.0}
    lines = plotted(explorer.figure)
    assert len(lines) == 5  # the unshuffled run in gray, then training, validation, chance
    np.testing.assert_allclose(lines[3], np.full(6, 0.1))
    assert "100%" in explorer.figure.axes[0].get_title()
    assert np.median(seconds) < 0.3, seconds  # about 0.1 s on the course's 2-core CPU


def test_draw_marks_chance_where_asked():
    figure = lesson.draw_shuffled_curves(made_up_curves(), 0.5, chance=0.1135)
    assert np.allclose(plotted(figure)[-1], 0.1135)
    assert "0.11" in figure.axes[0].get_legend().get_texts()[-1].get_text()


def bad_input_cases():
    good = made_up_curves()
    nan = {0.0: {"accuracy": [0.1, np.nan], "val_accuracy": [0.1, 0.2]}}
    return [
        ("None", lambda: lesson.shuffled_labels_explorer(None), "non-empty dict"),
        ("empty", lambda: lesson.shuffled_labels_explorer({}), "non-empty dict"),
        ("key 2", lambda: lesson.shuffled_labels_explorer({2: good[0.0]}), r"fraction in \[0, 1\]"),
        ("key text", lambda: lesson.shuffled_labels_explorer({"a": good[0.0]}), "fraction"),
        ("no val", lambda: lesson.shuffled_labels_explorer({0.0: {"accuracy": [0.1]}}), "val_"),
        ("NaN", lambda: lesson.shuffled_labels_explorer(nan), "no NaN"),
        (
            "empty curve",
            lambda: lesson.shuffled_labels_explorer({0: {"accuracy": [], "val_accuracy": []}}),
            "one accuracy per epoch",
        ),
        (
            "text curve",
            lambda: lesson.shuffled_labels_explorer(
                {0: {"accuracy": ["a"], "val_accuracy": [0.1]}}
            ),
            "numbers",
        ),
        (
            "percent",
            lambda: lesson.shuffled_labels_explorer({0: {"accuracy": [50], "val_accuracy": [0.1]}}),
            r"\[0, 1\]",
        ),
        ("draw: unknown fraction", lambda: lesson.draw_shuffled_curves(good, 0.3), "one of"),
        ("draw: chance None", lambda: lesson.draw_shuffled_curves(good, 0.0, None), "chance"),
        ("explorer: chance 10", lambda: lesson.shuffled_labels_explorer(good, 10), "chance"),
    ]


@pytest.mark.parametrize(
    "case", range(len(bad_input_cases())), ids=lambda i: bad_input_cases()[i][0]
)
def test_public_functions_reject_bad_input(case):
    _name, call, message = bad_input_cases()[case]
    with pytest.raises(ValueError, match=message):
        call()
