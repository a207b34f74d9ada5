"""Lesson 09 part 2 helpers: the question pairs, the loss-weight explorer (driven headlessly),
the exercise checks (right answers pass, plausible wrong ones get the hint naming the mistake)
and bad input."""

import time

import keras
import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers.lessons import functional_api as lesson

LABELS = np.array([0, 1, 2, 0, 1, 2, 0, 0, 1, 2, 2, 1], dtype="uint8")
SEQUENCE_LENGTH = 8
RNG = np.random.default_rng(0)
X = RNG.integers(0, 40, size=(16, SEQUENCE_LENGTH)).astype("int64")
COARSE, FINE = RNG.integers(0, 3, size=16), RNG.integers(0, 5, size=16)


def runs(weights=(0.0, 0.5, 1.0), epochs=3):
    """Made-up accuracies shaped like the lesson's: a head with weight 0 stays at chance."""
    return {
        w: {
            "coarse": list(np.linspace(0.2, 0.2 + 0.6 * (w > 0), epochs)),
            "fine": list(np.linspace(0.05, 0.05 + 0.6 * (w < 1), epochs)),
        }
        for w in weights
    }


# ------------------------------------------------------------ pairs


def test_make_pairs_are_balanced_labelled_right_and_never_self_pairs():
    pairs = lesson.make_pairs(LABELS, 2, seed=3)
    first, second, same = pairs["first"], pairs["second"], pairs["same"]
    assert len(first) == len(second) == len(same) == 2 * len(LABELS)
    assert same.dtype == np.float32 and same.mean() == 0.5
    np.testing.assert_array_equal(same == 1, LABELS[first] == LABELS[second])
    assert np.all(first != second)
    np.testing.assert_array_equal(np.bincount(first), np.full(len(LABELS), 2))
    again = lesson.make_pairs(LABELS, 2, seed=3)
    np.testing.assert_array_equal(again["second"], second)  # seeded
    assert not np.array_equal(lesson.make_pairs(LABELS, 2, seed=4)["second"], second)


def test_make_pairs_one_per_item_alternates_same_and_different():
    pairs = lesson.make_pairs(LABELS, 1)
    by_item = dict(zip(pairs["first"], pairs["same"], strict=True))
    assert [by_item[i] for i in range(4)] == [1.0, 0.0, 1.0, 0.0]


# ------------------------------------------------------------ the loss-weight explorer


def test_loss_weight_view_sorts_the_weights_and_picks_the_run():
    view = lesson.loss_weight_view(runs((1.0, 0.0, 0.5)), 0.5)
    np.testing.assert_array_equal(view["weights"], [0.0, 0.5, 1.0])
    np.testing.assert_allclose(view["final"]["coarse"], [0.2, 0.8, 0.8])
    np.testing.assert_allclose(view["final"]["fine"], [0.65, 0.65, 0.05])
    np.testing.assert_allclose(view["curves"]["coarse"], [0.2, 0.5, 0.8])
    assert view["weight"] == 0.5


def test_draw_loss_weights_marks_the_chosen_weight():
    fig = lesson.draw_loss_weights(lesson.loss_weight_view(runs(), 1.0))
    assert isinstance(fig, Figure)
    left, right = fig.axes
    assert "coarse weight 1, fine weight 0" in right.get_title()
    marker = [line for line in left.get_lines() if len(line.get_xdata()) == 1]
    assert [float(line.get_xdata()[0]) for line in marker] == [1.0, 1.0]
    labels = [text.get_text() for text in right.get_legend().get_texts()]
    assert labels == ["coarse: 0.800", "fine: 0.050"]


def test_loss_weight_explorer_headless_and_fast():
    widget = lesson.loss_weight_explorer(runs((0.0, 0.1, 0.5, 0.9, 1.0)))
    assert widget.result["weight"] == 0.5  # starts in the middle
    seconds = []
    for weight in (0.0, 0.9, 1.0):
        start = time.process_time()
        widget.controls["weight"].value = weight
        seconds.append(time.process_time() - start)
        assert widget.result["weight"] == weight
    assert widget.result["curves"]["fine"][-1] == pytest.approx(0.05)
    assert np.median(seconds) < 0.3, seconds


# ------------------------------------------------------------ exercise 1: a two-input model


def two_input_model(
    vocabulary_size, num_classes, *, order="right", softmax=True, use_length=True, extra=False
):
    """The solution, or one of the mistakes a student would make."""
    tokens = keras.Input(shape=(SEQUENCE_LENGTH,), dtype="int64")
    length = keras.Input(shape=(1,))
    words = keras.layers.Embedding(vocabulary_size, 16)(tokens)
    words = keras.layers.GlobalAveragePooling1D()(words)
    if extra:
        words = keras.layers.Dense(8, activation="relu")(words)
    joined = keras.layers.Concatenate()([words, length]) if use_length else words
    outputs = keras.layers.Dense(num_classes, activation="softmax" if softmax else None)(joined)
    inputs = [tokens, length] if order == "right" else [length, tokens]
    return keras.Model(inputs, outputs)


def test_exercise_two_input_model_passes_the_solution_and_rejects_a_blank(capsys):
    assert lesson.exercise_two_input_model(two_input_model, SEQUENCE_LENGTH)
    assert "PASS" in capsys.readouterr().out
    assert not lesson.exercise_two_input_model(lambda v, c: None, SEQUENCE_LENGTH)
    assert "returned None" in capsys.readouterr().out
    assert not lesson.exercise_two_input_model(None, SEQUENCE_LENGTH)
    assert "define the function" in capsys.readouterr().out


def one_input(vocabulary_size, num_classes):
    tokens = keras.Input(shape=(SEQUENCE_LENGTH,), dtype="int64")
    words = keras.layers.GlobalAveragePooling1D()(
        keras.layers.Embedding(vocabulary_size, 16)(tokens)
    )
    return keras.Model(tokens, keras.layers.Dense(num_classes, activation="softmax")(words))


@pytest.mark.parametrize(
    ("build", "hint"),
    [
        (one_input, "has 1 input(s), expected 2"),
        (lambda v, c: two_input_model(v, c, order="swapped"), "wrong order"),
        (lambda v, c: two_input_model(v, c, softmax=False), "activation='softmax'"),
        (lambda v, c: two_input_model(v, c, use_length=False), "length input is not connected"),
        (lambda v, c: two_input_model(v, 6), "not a fixed 6"),
        (lambda v, c: two_input_model(500, c), "parameters, expected"),
        (lambda v, c: two_input_model(v, c, extra=True), "and nothing else"),
        (lambda v, c: "model", "expected a keras.Model"),
        (lambda v: None, "raised TypeError"),
    ],
)
def test_exercise_two_input_model_names_each_mistake(capsys, build, hint):
    assert not lesson.exercise_two_input_model(build, SEQUENCE_LENGTH)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out


# ------------------------------------------------------------ exercise 2: compile two heads


def make_model(name):
    tokens = keras.Input(shape=(SEQUENCE_LENGTH,), dtype="int64")
    features = keras.layers.GlobalAveragePooling1D()(keras.layers.Embedding(40, 4)(tokens))
    return keras.Model(
        tokens,
        {
            "coarse": keras.layers.Dense(3, activation="softmax", name="coarse")(features),
            "fine": keras.layers.Dense(5, activation="softmax", name="fine")(features),
        },
        name=name,
    )


def compiler(loss="sparse_categorical_crossentropy", weights="right", metrics=True):
    def compile_two_heads(model, fine_weight):
        loss_weights = {
            "right": {"coarse": 1.0, "fine": fine_weight},
            "swapped": {"coarse": fine_weight, "fine": 1.0},
            "one minus": {"coarse": 1.0, "fine": 1 - fine_weight},
            "halved": {"coarse": 0.5, "fine": fine_weight / 2},
            "none": None,
        }[weights]
        model.compile(
            optimizer="adam",
            loss={"coarse": loss, "fine": loss},
            loss_weights=loss_weights,
            metrics={"coarse": ["accuracy"], "fine": ["accuracy"]} if metrics else None,
        )

    return compile_two_heads


def single_loss(model, fine_weight):
    model.compile(
        optimizer="adam",
        loss="sparse_categorical_crossentropy",
        loss_weights={"coarse": 1.0, "fine": fine_weight},
        metrics={"coarse": ["accuracy"], "fine": ["accuracy"]},
    )


def test_sparse_crossentropy_reference_matches_keras():
    probabilities = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    labels = np.array([0, 1])
    keras_loss = keras.losses.SparseCategoricalCrossentropy()(labels, probabilities)
    assert lesson._sparse_crossentropy(probabilities, labels) == pytest.approx(
        float(keras_loss), rel=1e-5
    )


def test_exercise_compile_two_heads_passes_the_solution_and_rejects_a_blank(capsys):
    assert lesson.exercise_compile_two_heads(compiler(), make_model, X, COARSE, FINE)
    assert "PASS" in capsys.readouterr().out
    assert not lesson.exercise_compile_two_heads(lambda m, w: None, make_model, X, COARSE, FINE)
    assert "not compiled" in capsys.readouterr().out
    assert not lesson.exercise_compile_two_heads(None, make_model, X, COARSE, FINE)
    assert "define the function" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("compile_two_heads", "hint"),
    [
        (compiler(weights="swapped"), "weights are swapped"),
        (compiler(weights="none"), "loss weights are missing"),
        (compiler(weights="one minus"), "not 1 - fine_weight"),
        (compiler(loss="categorical_crossentropy"), "sparse_categorical_crossentropy"),
        (single_loss, "its own loss"),
        (compiler(metrics=False), "coarse_accuracy, fine_accuracy"),
        (compiler(loss="mse"), "the labels are class indices"),
        (compiler(weights="halved"), "which is not 1 x coarse + 2 x fine"),  # any other error
    ],
)
def test_exercise_compile_two_heads_names_each_mistake(capsys, compile_two_heads, hint):
    assert not lesson.exercise_compile_two_heads(compile_two_heads, make_model, X, COARSE, FINE)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out


# ------------------------------------------------------------ bad input

BAD_CALLS = {
    "pairs of float labels": (lambda: lesson.make_pairs(np.array([0.0, 1.0, 0.0]), 1), "integer"),
    "pairs of None": (lambda: lesson.make_pairs(None, 1), "got None"),
    "pairs of one class": (lambda: lesson.make_pairs(np.zeros(5, int), 1), "two classes"),
    "a class with one item": (lambda: lesson.make_pairs(np.array([0, 0, 1]), 1), "two items"),
    "pairs per item 0": (lambda: lesson.make_pairs(LABELS, 0), "pairs_per_item"),
    "pairs of a 2-D array": (lambda: lesson.make_pairs(LABELS.reshape(3, 4), 1), r"shape \(n,\)"),
    "no runs": (lambda: lesson.loss_weight_view({}, 0.5), "non-empty dict"),
    "a run without the fine head": (
        lambda: lesson.loss_weight_view({0.5: {"coarse": [0.5]}}, 0.5),
        "'coarse' and 'fine'",
    ),
    "accuracies in percent": (
        lambda: lesson.loss_weight_view({0.5: {"coarse": [50.0], "fine": [40.0]}}, 0.5),
        r"in \[0, 1\]",
    ),
    "NaN accuracy": (
        lambda: lesson.loss_weight_view({0.5: {"coarse": [np.nan], "fine": [0.4]}}, 0.5),
        "finite",
    ),
    "runs of different lengths": (
        lambda: lesson.loss_weight_view(
            {
                0.0: {"coarse": [0.1], "fine": [0.4]},
                1.0: {"coarse": [0.1, 0.2], "fine": [0.1, 0.2]},
            },
            0.0,
        ),
        "same number of epochs",
    ),
    "a weight that was not run": (lambda: lesson.loss_weight_view(runs(), 0.3), "not one of"),
    "a text weight key": (
        lambda: lesson.loss_weight_explorer({"half": {"coarse": [0.1], "fine": [0.1]}}),
        "coarse loss weight",
    ),
    "draw something else": (lambda: lesson.draw_loss_weights({"weights": []}), "returns"),
    "two-input check, sequence length 0": (
        lambda: lesson.exercise_two_input_model(two_input_model, 0),
        "sequence_length",
    ),
    "compile check without labels": (
        lambda: lesson.exercise_compile_two_heads(compiler(), make_model, X, None, FINE),
        "got None",
    ),
    "compile check, labels of another length": (
        lambda: lesson.exercise_compile_two_heads(compiler(), make_model, X, COARSE[:3], FINE),
        r"labels of shape \(n,\)",
    ),
    "compile check without a model maker": (
        lambda: lesson.exercise_compile_two_heads(compiler(), None, X, COARSE, FINE),
        "make_model",
    ),
}


@pytest.mark.parametrize("case", BAD_CALLS)
def test_every_public_helper_rejects_bad_input_with_a_fix(case):
    call, message = BAD_CALLS[case]
    with pytest.raises(ValueError, match=message):
        call()
