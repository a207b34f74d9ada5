"""Lesson 06a helpers: the exercise checks and the L2 explorer."""

import numpy as np
import pytest

from helpers.lessons import overfitting as lesson

# ------------------------------------------------------------------ exercise 1: weight penalty


def penalty_correct(kernels, l1, l2):
    return sum(l1 * np.sum(np.abs(w)) + l2 * np.sum(w**2) for w in kernels)


def test_weight_penalty_accepts_a_correct_answer(capsys):
    assert lesson.exercise_weight_penalty(penalty_correct)
    assert "PASS" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (
            lambda k, l1, l2: sum(l1 * np.sum(np.abs(w)) + l2 * np.sqrt(np.sum(w**2)) for w in k),
            "norm",
        ),
        (lambda k, l1, l2: sum(l1 * np.sum(w) + l2 * np.sum(w**2) for w in k), "|w|"),
        (
            lambda k, l1, l2: sum(l1 * np.mean(np.abs(w)) + l2 * np.mean(w**2) for w in k),
            "a sum, not a mean",
        ),
        (
            lambda k, l1, l2: sum(l2 * np.sum(np.abs(w)) + l1 * np.sum(w**2) for w in k),
            "l1 goes with",
        ),
        (lambda k, l1, l2: l1 * np.sum(np.abs(k[0])) + l2 * np.sum(k[0] ** 2), "every kernel"),
        (lambda k, l1, l2: 0.5 * penalty_correct(k, l1, l2), "l1 * (sum of |w|)"),
        # added in the review of issue 14 (each got only the generic hint before):
        (
            lambda k, l1, l2: sum(l1 * np.sum(np.abs(w)) + 0.5 * l2 * np.sum(w**2) for w in k),
            "factor 1/2",
        ),
        (
            lambda k, l1, l2: sum(l1 * np.linalg.norm(w, 1) + l2 * np.sum(w**2) for w in k),
            "largest column sum",
        ),
        (
            lambda k, l1, l2: sum(
                l1 * np.sum(np.abs(w)) + l2 * np.linalg.norm(w, 2) ** 2 for w in k
            ),
            "largest singular value",
        ),
        (
            lambda k, l1, l2: sum(l1 * np.abs(np.sum(w)) + l2 * np.sum(w**2) for w in k),
            "|sum of w|",
        ),
        (lambda k, l1, l2: sum(l2 * np.sum(w**2) for w in k), "L1 term is missing"),
        (lambda k, l1, l2: sum(l1 * np.sum(np.abs(w)) for w in k), "L2 term is missing"),
        (
            lambda k, l1, l2: sum((l1 + l2) * np.sum(np.abs(w) + w**2) for w in k),
            "l1 multiplies only",
        ),
        (
            lambda k, l1, l2: l1 * np.sum(np.abs(k[-1])) + l2 * np.sum(k[-1] ** 2),
            "not just the last",
        ),
        (lambda k, l1, l2: None, "one number"),
        (lambda k, l1, l2: [1.0, 2.0], "one number"),
    ],
)
def test_weight_penalty_rejects_wrong_answers(wrong, hint, capsys):
    assert not lesson.exercise_weight_penalty(wrong)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out


def test_weight_penalty_survives_a_crashing_or_blank_answer(capsys):
    def blank(kernels, l1, l2):
        raise NotImplementedError

    assert not lesson.exercise_weight_penalty(blank)
    assert "NotImplementedError" in capsys.readouterr().out
    assert not lesson.exercise_weight_penalty(lambda k, l1, l2: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out


# ------------------------------------------------------------------------ L2 explorer


def fake_history(best_epoch, best_value, epochs=10):
    val = best_value + 0.05 * (np.arange(1, epochs + 1) - best_epoch) ** 2
    return {"crossentropy": list(np.linspace(1, 0.1, epochs)), "val_crossentropy": list(val)}


HISTORIES = {0.0: fake_history(3, 0.40), 0.001: fake_history(8, 0.30), 0.01: fake_history(9, 0.45)}


def test_run_summary_numbers():
    result = lesson.run_summary(HISTORIES, 0.001)
    assert result["best_epoch"] == 8
    assert result["best_value"] == pytest.approx(0.30)
    assert result["reference"] == 0.0
    assert result["settings"] == [0.0, 0.001, 0.01]
    assert result["best_per_setting"] == pytest.approx([0.40, 0.30, 0.45])
    assert len(result["train"]) == len(result["validation"]) == 10


def test_run_summary_rejects_bad_input():
    with pytest.raises(ValueError, match="nothing in it"):
        lesson.run_summary({}, 0.0)
    with pytest.raises(ValueError, match="val_crossentropy"):
        lesson.run_summary({0.0: {"crossentropy": [1.0]}}, 0.0)
    with pytest.raises(ValueError, match="no run for"):
        lesson.run_summary(HISTORIES, 0.5)


def test_regularization_explorer_follows_the_slider():
    explorer = lesson.regularization_explorer(HISTORIES)
    assert explorer.result["chosen"] == 0.0 and explorer.result["best_epoch"] == 3
    explorer.controls["chosen"].value = 0.01
    assert explorer.result["best_epoch"] == 9
    assert explorer.result["best_value"] == pytest.approx(0.45)
    assert explorer.figure is not None and len(explorer.figure.axes) == 2
    best_panel = explorer.figure.axes[1]
    heights = [bar.get_height() for bar in best_panel.patches]
    np.testing.assert_allclose(heights, [0.40, 0.30, 0.45])
    assert best_panel.get_ylim()[0] == 0, "bars start at 0"
    colors = [bar.get_facecolor() for bar in best_panel.patches]
    assert colors[2] != colors[0] == colors[1], "the chosen run is the one in red"
    with pytest.raises(ValueError, match="nothing in it"):
        lesson.regularization_explorer({})


# ------------------------------------------------------------------------ bad input


def _summary():
    return lesson.run_summary(HISTORIES, 0.001)


def _with(make, **changes):
    return {**make(), **changes}


NAN_RUN = {0.0: {"crossentropy": [1.0, 0.5], "val_crossentropy": [1.0, np.nan]}}


@pytest.mark.parametrize(
    ("function", "args", "message"),
    [
        # run_summary: histories, the chosen setting, the metric
        (lesson.run_summary, (None, 0.0), "expects a dict"),
        (lesson.run_summary, ({}, 0.0), "nothing in it"),
        (lesson.run_summary, (NAN_RUN, 0.0), "NaN or infinity"),
        (
            lesson.run_summary,
            ({0.0: {"crossentropy": [], "val_crossentropy": []}}, 0.0),
            "non-empty",
        ),
        (
            lesson.run_summary,
            ({0.0: {"crossentropy": "abc", "val_crossentropy": [1]}}, 0.0),
            "numbers",
        ),
        (
            lesson.run_summary,
            ({0.0: {"crossentropy": [1, 2], "val_crossentropy": [1]}}, 0.0),
            "2 training",
        ),
        (lesson.run_summary, ({np.nan: HISTORIES[0.0]}, np.nan), "finite number"),
        (lesson.run_summary, ({"weak": HISTORIES[0.0]}, "weak"), "a number such as"),
        (lesson.run_summary, (HISTORIES, None), "no run for"),
        (lesson.run_summary, (HISTORIES, 0.0, None), "metric must be"),
        # draw_run_summary: a result that is not run_summary's, a parameter that is not a name
        (lesson.draw_run_summary, (None,), "missing"),
        (lesson.draw_run_summary, (_with(_summary, validation=[np.nan, 1.0]),), "NaN or infinity"),
        (lesson.draw_run_summary, (_with(_summary, best_per_setting=[]),), "non-empty"),
        (lesson.draw_run_summary, (_summary(), None), "parameter must be"),
        # regularization_explorer: the same histories checks, and the parameter's name
        (lesson.regularization_explorer, (None,), "expects a dict"),
        (lesson.regularization_explorer, (NAN_RUN,), "NaN or infinity"),
        (lesson.regularization_explorer, (HISTORIES, "crossentropy", 3), "parameter must be"),
    ],
)
def test_public_functions_reject_bad_input_with_a_useful_message(function, args, message):
    with pytest.raises(ValueError, match=message):
        function(*args)


# ------------------------------------------------------------ exercise 2: shuffled label task


def task_correct(x_train, y_train, x_val, y_val, rng):
    return (x_train, y_train[rng.permutation(len(y_train))]), (x_val, y_val)


def task_permuted(x_train, y_train, x_val, y_val, rng):  # rng.permutation of the array itself
    return (x_train, rng.permutation(y_train)), (x_val, y_val)


def task_moves_images(x_train, y_train, x_val, y_val, rng):  # images reordered, labels not
    return (x_train[rng.permutation(len(x_train))], y_train.copy()), (x_val, y_val)


def together(x_train, y_train, x_val, y_val, rng):  # one permutation for images and labels
    order = rng.permutation(len(y_train))
    return (x_train[order], y_train[order]), (x_val, y_val)


def validation_too(x_train, y_train, x_val, y_val, rng):
    return (x_train, rng.permutation(y_train)), (x_val, rng.permutation(y_val))


def sorted_labels(x_train, y_train, x_val, y_val, rng):
    return (x_train, np.sort(y_train)), (x_val, y_val)


def new_random_labels(x_train, y_train, x_val, y_val, rng):
    return (x_train, rng.integers(0, 10, size=len(y_train))), (x_val, y_val)


def in_place(x_train, y_train, x_val, y_val, rng):
    rng.shuffle(y_train)
    return (x_train, y_train), (x_val, y_val)


def global_generator(x_train, y_train, x_val, y_val, rng):  # the mistake: NumPy's global one
    return (x_train, np.random.permutation(y_train)), (x_val, y_val)  # noqa: NPY002


def own_generator(x_train, y_train, x_val, y_val, rng):
    return task_correct(x_train, y_train, x_val, y_val, np.random.default_rng(0))


def half_shuffled(x_train, y_train, x_val, y_val, rng):
    half = len(y_train) // 2
    labels = np.r_[rng.permutation(y_train[:half]), y_train[half:]]
    return (x_train, labels), (x_val, y_val)


def unchanged(x_train, y_train, x_val, y_val, rng):
    return (x_train, y_train), (x_val, y_val)


def float_labels(x_train, y_train, x_val, y_val, rng):
    return (x_train, rng.permutation(y_train) / 1.0), (x_val, y_val)


def drops_images(x_train, y_train, x_val, y_val, rng):
    return (x_train[:-1], rng.permutation(y_train)[:-1]), (x_val, y_val)


def flat_return(x_train, y_train, x_val, y_val, rng):
    return x_train, rng.permutation(y_train), x_val, y_val


@pytest.mark.parametrize("task", [task_correct, task_permuted, task_moves_images])
def test_shuffled_label_task_accepts_correct_answers(task, capsys):
    assert lesson.exercise_shuffled_label_task(task)
    assert "PASS" in capsys.readouterr().out


def test_shuffled_label_task_refuses_the_blank_starter(capsys):
    def blank(x_train, y_train, x_val, y_val, rng):
        raise NotImplementedError

    assert not lesson.exercise_shuffled_label_task(blank)
    out = capsys.readouterr().out
    assert "Not yet" in out and "NotImplementedError" in out


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (together, "images and the labels together"),
        (validation_too, "validation images no longer have their true labels"),
        (sorted_labels, "sorted the labels"),
        (new_random_labels, "count of each class changed"),
        (in_place, "changed the arrays it was given"),
        (global_generator, "same seed gave different shuffles"),
        (own_generator, "different seeds gave the same shuffle"),
        (half_shuffled, "not a part of them"),
        (unchanged, "training labels are unchanged"),
        (float_labels, "keep them integers"),
        (drops_images, "shapes"),
        (flat_return, "return (x_train, y_train_shuffled), (x_val, y_val)"),
        (lambda *args: None, "return (x_train"),
        (lambda *args: 1 / 0, "ZeroDivisionError"),
    ],
)
def test_shuffled_label_task_rejects_wrong_answers_with_a_hint(wrong, hint, capsys):
    assert not lesson.exercise_shuffled_label_task(wrong)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out
    assert out.count("\n") == 1, "one line: the verdict and nothing else"


def test_task_data_is_balanced_and_identifies_each_image():
    x_train, y_train, x_val, y_val = lesson._task_data(np.random.default_rng(0))
    assert sorted(x_train[:, 0]) == list(range(600)) and sorted(x_val[:, 0]) == list(
        range(600, 800)
    )
    assert np.bincount(y_train).tolist() == [60] * 10 and np.bincount(y_val).tolist() == [20] * 10
    assert not np.all(np.diff(y_train) >= 0), "not sorted to start with"


# ------------------------------------------------------------- exercise 3: minimum-norm fit


def min_norm_correct(features, targets):
    return features.T @ np.linalg.solve(features @ features.T, targets)


def normal_equations(features, targets):
    return np.linalg.solve(features.T @ features, features.T @ targets)


def inverted_normal_equations(features, targets):
    return np.linalg.inv(features.T @ features) @ features.T @ targets


def first_n_features(features, targets):  # exact, but not the smallest
    n = features.shape[0]
    weights = np.zeros((features.shape[1], targets.shape[1]))
    weights[:n] = np.linalg.solve(features[:, :n], targets)
    return weights


def ridge(features, targets):
    penalty = 1e-3 * np.eye(features.shape[1])
    return np.linalg.solve(features.T @ features + penalty, features.T @ targets)


def forgets_the_transpose(features, targets):
    return np.linalg.solve(features @ features.T, targets)


def no_solve(features, targets):
    return features.T @ targets


@pytest.mark.parametrize(
    "fit", [min_norm_correct, lambda f, t: np.linalg.lstsq(f, t, rcond=None)[0]]
)
def test_min_norm_fit_accepts_correct_answers(fit, capsys):
    assert lesson.exercise_min_norm_fit(fit)
    assert "PASS" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (normal_equations, "normal equations"),
        (inverted_normal_equations, "normal equations"),
        (first_n_features, "not the smallest"),
        (ridge, "misses the targets"),
        (forgets_the_transpose, "not a itself"),
        (no_solve, "features.T @ targets alone is not a fit"),
        (lambda f, t: None, "return an array"),
        (lambda f, t: np.zeros((3, 3)), "shape"),
        (lambda f, t: np.full((f.shape[1], t.shape[1]), np.nan), "NaN"),
    ],
)
def test_min_norm_fit_rejects_wrong_answers_with_a_hint(wrong, hint, capsys):
    assert not lesson.exercise_min_norm_fit(wrong)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out


def test_min_norm_fit_refuses_the_blank_starter(capsys):
    def blank(features, targets):
        raise NotImplementedError

    assert not lesson.exercise_min_norm_fit(blank)
    assert "NotImplementedError" in capsys.readouterr().out
