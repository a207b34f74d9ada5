"""Lesson 09 part 1 helpers: K-fold numbers and plots, the K-fold explorer (driven headlessly),
the exercise checks (right answers pass, plausible wrong ones get the hint naming the mistake)
and bad input."""

import time

import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers import sequence_data
from helpers.lessons import keras_workflow as lesson

(X_TRAIN, Y_TRAIN), _ = sequence_data.load_boston_housing()
RNG = np.random.default_rng(0)
X = RNG.normal(size=(40, 3))
Y = X @ np.array([1.0, -2.0, 0.5]) + 3 + RNG.normal(0, 0.1, 40)  # nearly linear


# ------------------------------------------------------------ K-fold numbers


def test_kfold_folds_are_numpys_blocks_or_a_seeded_permutation():
    folds = lesson.kfold_folds(10, 3)
    assert [f.tolist() for f in folds] == [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]
    shuffled = lesson.kfold_folds(10, 3, shuffle_seed=1)
    assert sorted(np.concatenate(shuffled).tolist()) == list(range(10))
    assert [len(f) for f in shuffled] == [4, 3, 3]
    assert np.concatenate(shuffled).tolist() != list(range(10))
    again = lesson.kfold_folds(10, 3, shuffle_seed=1)
    assert all(np.array_equal(a, b) for a, b in zip(shuffled, again, strict=True))


def test_least_squares_recovers_a_linear_rule_and_uses_the_fit_statistics():
    predicted = lesson.least_squares_predictions(X, Y, X[:5])
    np.testing.assert_allclose(predicted, Y[:5], atol=0.3)
    exact = X @ np.array([1.0, -2.0, 0.5]) + 3
    far = X[:5] * 10  # features far from the fit's range: still the same plane
    np.testing.assert_allclose(
        lesson.least_squares_predictions(X, exact, far), far @ [1.0, -2.0, 0.5] + 3, atol=1e-8
    )


def test_kfold_scores_by_a_plain_loop():
    result = lesson.kfold_scores(X, Y, 4, "mean price")
    want = []
    for k in range(4):
        validation = np.arange(10 * k, 10 * k + 10)
        training = np.setdiff1d(np.arange(40), validation)
        want.append(np.mean(np.abs(Y[training].mean() - Y[validation])))
    np.testing.assert_allclose(result["maes"], want)
    assert result["mean"] == pytest.approx(np.mean(want))
    assert result["std"] == pytest.approx(np.std(want, ddof=1))
    assert result["fold_of"].tolist() == [k for k in range(4) for _ in range(10)]
    linear = lesson.kfold_scores(X, Y, 4)
    assert linear["mean"] < 0.2 < result["mean"]  # the linear rule fits, the mean does not


def test_lesson_figures_on_boston_housing():
    mean_price = lesson.kfold_scores(X_TRAIN, Y_TRAIN, 4, "mean price")
    linear = lesson.kfold_scores(X_TRAIN, Y_TRAIN, 4)
    assert mean_price["mean"] == pytest.approx(6.68, abs=0.01)
    assert linear["mean"] == pytest.approx(3.70, abs=0.01)


def test_draw_kfold_scores_shows_folds_scores_and_the_reference():
    result = lesson.kfold_scores(X_TRAIN, Y_TRAIN, 4)
    fig = lesson.draw_kfold_scores(result, {"network": [2.0, 2.4, 2.5, 2.3]})
    samples, scores = fig.axes
    assert len(samples.collections[0].get_offsets()) == len(X_TRAIN)
    assert len(scores.containers[0]) == 4  # one bar per fold
    assert scores.get_xticklabels()[-1].get_text() == "mean"
    assert "101 samples" in samples.get_title() and "consecutive" in samples.get_title()
    assert f"{result['mean']:.2f} ± {result['std']:.2f}" in scores.get_title()
    legend = {t.get_text() for t in scores.get_legend().get_texts()}
    assert legend == {"network", result["model"], "mean ± 1 sd"}
    five = lesson.draw_kfold_scores(lesson.kfold_scores(X_TRAIN, Y_TRAIN, 5, shuffle_seed=2))
    assert "shuffled" in five.axes[0].get_title() and "80 or 81" in five.axes[0].get_title()


def test_kfold_explorer_headless_and_fast():
    widget = lesson.kfold_explorer(X_TRAIN, Y_TRAIN, {"network": [2.0, 2.4, 2.5, 2.3]})
    assert widget.result["k"] == 4 and widget.result["shuffle_seed"] is None
    first = widget.result["mean"]
    seconds = []
    for k, model, shuffle in [
        (10, lesson.MODELS[1], 0),
        (10, lesson.MODELS[0], 3),
        (2, lesson.MODELS[1], 5),
    ]:
        start = time.process_time()
        widget.controls["k"].value = k
        widget.controls["model"].value = model
        widget.controls["shuffle"].value = shuffle
        seconds.append((time.process_time() - start) / 3)
        assert widget.result["k"] == k and widget.result["model"] == model
        assert widget.result["shuffle_seed"] == (shuffle or None)
    assert widget.result["mean"] != first
    assert isinstance(widget.figure, Figure)
    assert np.median(seconds) < 0.3, seconds


def test_smoothed_is_a_centred_moving_average():
    values = np.array([1.0, 2.0, 3.0, 10.0, 5.0])
    np.testing.assert_allclose(lesson.smoothed(values, 3), [1.5, 2, 5, 6, 7.5])
    np.testing.assert_allclose(lesson.smoothed(values, 1), values)


def test_plot_kfold_curves_draws_folds_mean_training_and_choice():
    validation = np.linspace(5, 2, 20) + RNG.normal(0, 0.1, (4, 20))
    training = np.linspace(5, 1, 20) + np.zeros((4, 1))
    fig = lesson.plot_kfold_curves(validation, training, 12, {"linear": 3.7, "mean": 6.7})
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels[:4] == [
        "each fold (validation)",
        "mean of the folds (validation)",
        "mean training MAE",
        "chosen: 12 epochs",
    ]
    assert labels[4:] == ["linear: 3.70", "mean: 6.70"]


# ------------------------------------------------------------ exercise 1: K-fold by hand


def solution_splits(num_samples, k):
    indices = np.arange(num_samples)
    return [(np.setdiff1d(indices, fold), fold) for fold in np.array_split(indices, k)]


def test_exercise_kfold_splits_passes_the_solution_and_rejects_a_blank(capsys):
    assert lesson.exercise_kfold_splits(solution_splits)
    assert "PASS" in capsys.readouterr().out
    as_lists = lambda n, k: [(t.tolist(), v.tolist()) for t, v in solution_splits(n, k)]  # noqa: E731
    assert lesson.exercise_kfold_splits(as_lists)
    assert not lesson.exercise_kfold_splits(lambda num_samples, k: None)  # the blank starter
    assert "forget `return`" in capsys.readouterr().out
    assert not lesson.exercise_kfold_splits(None)
    assert not lesson.exercise_kfold_splits(lambda n, k: solution_splits(n, k)[:-1])
    assert "return k = 4 pairs" in capsys.readouterr().out
    assert not lesson.exercise_kfold_splits(
        lambda n, k: [fold for _, fold in solution_splits(n, k)]
    )
    assert "pair (training indices, validation indices)" in capsys.readouterr().out
    floats = lambda n, k: [(t * 1.0, v * 1.0) for t, v in solution_splits(n, k)]  # noqa: E731
    assert not lesson.exercise_kfold_splits(floats)
    assert "whole numbers" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        ("swapped", "(training indices, validation indices), in that order"),
        ("leak", "include the validation fold"),
        ("interleaved", "every k-th sample"),
        ("drop remainder", "never validated"),
        ("remainder last", "all the leftover samples"),
        ("ceil size", "ceil(num_samples / k)"),
    ],
)
def test_exercise_kfold_splits_names_each_mistake(capsys, mistake, hint):
    def wrong(num_samples, k):
        return lesson._splits_variant(num_samples, k, mistake)

    assert not lesson.exercise_kfold_splits(wrong)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out


def test_exercise_kfold_splits_other_errors_get_a_general_hint(capsys):
    def reversed_order(num_samples, k):
        return [(t[::-1], v) for t, v in solution_splits(num_samples, k)]

    assert not lesson.exercise_kfold_splits(reversed_order)
    assert "differs from the lesson's folds" in capsys.readouterr().out


# ------------------------------------------------------------ exercise 2: last layer and loss

RIGHT = [
    ("sigmoid", "binary_crossentropy"),
    ("softmax", "sparse_categorical_crossentropy"),
    ("softmax", "categorical_crossentropy"),
    ("sigmoid", "binary_crossentropy"),
    (None, "mse"),
    ("sigmoid", "mse"),
]


def with_answer(number, answer):
    choices = dict(zip(lesson.PROBLEMS, RIGHT, strict=True))
    choices[lesson.PROBLEMS[number]] = answer
    return choices


def test_exercise_last_layer_passes_right_answers_and_rejects_a_blank(capsys):
    assert lesson.exercise_last_layer(dict(zip(lesson.PROBLEMS, RIGHT, strict=True)))
    assert "PASS" in capsys.readouterr().out
    other_right = with_answer(4, ("linear", "mean_squared_error"))
    other_right[lesson.PROBLEMS[5]] = ("Sigmoid", "binary_crossentropy")
    assert lesson.exercise_last_layer(other_right)
    blank = {problem: (None, None) for problem in lesson.PROBLEMS}
    assert not lesson.exercise_last_layer(blank)
    assert "fill in the loss" in capsys.readouterr().out
    assert not lesson.exercise_last_layer(None)
    assert "must be a dict" in capsys.readouterr().out
    assert not lesson.exercise_last_layer({})
    assert "keep every key" in capsys.readouterr().out
    assert not lesson.exercise_last_layer(with_answer(0, "sigmoid"))
    assert "pair (activation, loss)" in capsys.readouterr().out
    assert not lesson.exercise_last_layer(with_answer(0, ("sigmod", "binary_crossentropy")))
    assert "is not one of" in capsys.readouterr().out
    assert not lesson.exercise_last_layer(with_answer(0, ("sigmoid", "crossentropy")))
    assert "is not one of" in capsys.readouterr().out
    assert not lesson.exercise_last_layer(with_answer(0, (["sigmoid"], "binary_crossentropy")))
    assert "is not one of" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("number", "answer", "hint"),
    [
        (0, ("softmax", "binary_crossentropy"), "softmax over one unit always outputs 1.0"),
        (1, ("softmax", "categorical_crossentropy"), "with integer labels use sparse"),
        (2, ("softmax", "sparse_categorical_crossentropy"), "with one-hot labels use categorical"),
        (3, ("softmax", "categorical_crossentropy"), "softmax makes the topics compete"),
        (3, ("sigmoid", "categorical_crossentropy"), "exactly one class per example"),
        (4, ("relu", "mse"), "relu outputs 0"),
        (4, ("sigmoid", "mse"), "squashes the output"),
        (4, (None, "binary_crossentropy"), "a rent is not one"),
        (5, (None, "mse"), "sigmoid keeps it there"),
        (0, ("sigmoid", "mse"), "mse is a regression loss"),
        (1, (None, "sparse_categorical_crossentropy"), "does not give probabilities"),
    ],
)
def test_exercise_last_layer_names_each_mistake(capsys, number, answer, hint):
    assert not lesson.exercise_last_layer(with_answer(number, answer))
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out and lesson.PROBLEMS[number] in out


# ------------------------------------------------------------ exercise 3: beat the linear fit

FOLD = np.arange(101)
REST = np.arange(101, 404)
X_FIT, Y_FIT, X_FOLD, Y_FOLD = X_TRAIN[REST], Y_TRAIN[REST], X_TRAIN[FOLD], Y_TRAIN[FOLD]


class FixedModel:
    """Stands for a trained Keras model: predict returns the given outputs."""

    def __init__(self, outputs, layers=()):
        self.outputs = np.asarray(outputs, dtype="float32")
        self.layers = list(layers)

    def predict(self, x, verbose=0):
        return self.outputs


def normalizer(x):
    import keras

    layer = keras.layers.Normalization()
    layer.adapt(x)
    return layer


def beat(model):
    return lesson.exercise_beat_linear(model, X_FIT, Y_FIT, X_FOLD, Y_FOLD)


def test_exercise_beat_linear_passes_a_good_model_and_rejects_a_blank(capsys):
    good = FixedModel(Y_FOLD[:, None] + 1.0, [normalizer(X_FIT)])  # 1.0 off, linear 3.5
    assert beat(good)
    assert "PASS" in capsys.readouterr().out
    assert not beat(None)  # the blank starter
    assert "model is None" in capsys.readouterr().out
    assert not beat("model")
    assert "expected a Keras model" in capsys.readouterr().out
    odd = FixedModel(Y_FOLD[:, None] + 4.0)
    odd.layers = 3  # not a list: the check still answers
    assert not beat(odd)
    assert "not normalized" in capsys.readouterr().out


def test_exercise_beat_linear_names_each_mistake(capsys):
    import keras

    keras.utils.set_random_seed(0)  # the untrained model's outputs
    leaky = keras.Sequential([keras.Input((12,)), normalizer(X_TRAIN), keras.layers.Dense(1)])
    assert not beat(leaky)
    assert "validation tracts leak" in capsys.readouterr().out
    nested = keras.Sequential([keras.Input((12,)), leaky])
    assert not beat(nested)
    assert "validation tracts leak" in capsys.readouterr().out
    untrained = keras.Sequential([keras.Input((12,)), normalizer(X_FIT), keras.layers.Dense(1)])
    assert not beat(untrained)
    assert "was the model trained" in capsys.readouterr().out
    assert not beat(FixedModel(np.full((101, 1), 0.99)))  # a sigmoid output
    assert "a sigmoid on the last layer" in capsys.readouterr().out
    raw = FixedModel(Y_FOLD[:, None] + 4.0)  # no Normalization layer, and mediocre
    assert not beat(raw)
    assert "not normalized" in capsys.readouterr().out
    almost = FixedModel(Y_FOLD[:, None] + 3.3, [normalizer(X_FIT)])
    assert not beat(almost)
    assert "not 15% better yet" in capsys.readouterr().out
    assert not beat(FixedModel(np.zeros((101, 2))))
    assert "one finite price per tract" in capsys.readouterr().out
    assert not beat(FixedModel(np.full((101, 1), np.nan)))
    assert "one finite price per tract" in capsys.readouterr().out


# ------------------------------------------------------------ bad input

BAD_CALLS = {
    "k of 1": (lambda: lesson.kfold_folds(10, 1), "from 2"),
    "k above n": (lambda: lesson.kfold_folds(3, 4), "from 2"),
    "float k": (lambda: lesson.kfold_folds(10, 2.5), "an integer"),
    "negative seed": (lambda: lesson.kfold_folds(10, 2, shuffle_seed=-1), "shuffle_seed"),
    "None x": (lambda: lesson.kfold_scores(None, Y, 4), "array of numbers"),
    "NaN y": (lambda: lesson.kfold_scores(X, np.full(40, np.nan), 4), "finite"),
    "y of another length": (lambda: lesson.kfold_scores(X, Y[:-1], 4), r"y of shape \(n,\)"),
    "x as one column": (lambda: lesson.kfold_scores(X[:, 0], Y, 4), "features"),
    "unknown model": (lambda: lesson.kfold_scores(X, Y, 4, "network"), "model must be one of"),
    "x_new of other width": (
        lambda: lesson.least_squares_predictions(X, Y, X[:, :2]),
        r"x_new of shape \(m, 3\)",
    ),
    "draw something else": (lambda: lesson.draw_kfold_scores({"k": 2}), "kfold_scores returns"),
    "reference of one fold": (
        lambda: lesson.kfold_explorer(X, Y, {"net": [2.0]}),
        "one MAE per fold",
    ),
    "empty reference": (lambda: lesson.kfold_explorer(X, Y, {}), "non-empty dict"),
    "even window": (lambda: lesson.smoothed(np.arange(5.0), 2), "odd window"),
    "empty curve": (lambda: lesson.smoothed([], 1), "empty"),
    "curves of other shapes": (
        lambda: lesson.plot_kfold_curves(np.ones((4, 5)), np.ones((4, 6)), 2, {"a": 1.0}),
        "same shape",
    ),
    "chosen epoch too late": (
        lambda: lesson.plot_kfold_curves(np.ones((4, 5)), np.ones((4, 5)), 6, {"a": 1.0}),
        "chosen_epoch",
    ),
    "beat_linear without data": (
        lambda: lesson.exercise_beat_linear(None, None, None, X_FOLD, Y_FOLD),
        "array of numbers",
    ),
    "beat_linear with other features": (
        lambda: lesson.exercise_beat_linear(None, X_FIT, Y_FIT, X_FOLD[:, :3], Y_FOLD),
        "same features",
    ),
    "no baselines": (
        lambda: lesson.plot_kfold_curves(np.ones((4, 5)), np.ones((4, 5)), 2, {}),
        "non-empty dict",
    ),
}


@pytest.mark.parametrize("case", BAD_CALLS)
def test_every_public_helper_rejects_bad_input_with_a_fix(case):
    call, message = BAD_CALLS[case]
    with pytest.raises(ValueError, match=message):
        call()
