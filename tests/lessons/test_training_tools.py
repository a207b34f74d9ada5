"""Lesson 09 part 3 helpers: TensorBoard scalars read back from real event files, their plot, the
ensemble explorer (driven headlessly), the exercise checks (right answers pass, plausible wrong
ones get the hint naming the mistake) and bad input."""

import time

import keras
import numpy as np
import pandas as pd
import pytest
import tensorflow as tf
from matplotlib.figure import Figure

from helpers.lessons import training_tools as lesson

RNG = np.random.default_rng(0)
LABELS = RNG.integers(0, 3, size=60)
CLASSES = ["a", "b", "c"]


def probabilities_for(labels, correct, rng, num_classes=3):
    """Probabilities that rank the true class first for the examples where ``correct``."""
    scores = rng.normal(size=(len(labels), num_classes))
    scores[np.arange(len(labels)), labels] += np.where(correct, 5.0, -5.0)
    return np.exp(scores) / np.exp(scores).sum(-1, keepdims=True)


def members(count=3, seed=1, share=0.7):
    rng = np.random.default_rng(seed)
    return [probabilities_for(LABELS, rng.random(len(LABELS)) < share, rng) for _ in range(count)]


# ------------------------------------------------------------ TensorBoard, read back


def write_events(folder, run, tag, values, extra=None):
    writer = tf.summary.create_file_writer(str(folder / run))
    with writer.as_default():
        for step, value in enumerate(values):
            tf.summary.scalar(tag, value, step=step)
            if extra:
                tf.summary.text("note", "not a scalar", step=step)
    writer.close()


def test_read_scalars_reads_every_run_tag_and_step(tmp_path):
    write_events(tmp_path, "train", "epoch_loss", [0.9, 0.5, 0.4], extra=True)
    write_events(tmp_path, "validation", "epoch_loss", [1.0, 0.7, 0.6])
    scalars = lesson.read_scalars(tmp_path)
    assert list(scalars.columns) == ["run", "tag", "step", "value"]
    assert set(scalars["tag"]) == {"epoch_loss"}  # the text summaries are left out
    validation = scalars[scalars["run"] == "validation"]
    np.testing.assert_allclose(validation["value"], [1.0, 0.7, 0.6], rtol=1e-6)
    assert validation["step"].tolist() == [0, 1, 2]


def test_read_scalars_of_a_real_keras_tensorboard_log_matches_the_history(tmp_path):
    keras.utils.set_random_seed(0)
    x = RNG.normal(size=(64, 3)).astype("float32")
    y = (x.sum(1) > 0).astype("int32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(
        x, y, epochs=3, validation_split=0.25, verbose=0,
        callbacks=[keras.callbacks.TensorBoard(str(tmp_path / "logs"))],
    )  # fmt: skip
    scalars = lesson.read_scalars(tmp_path / "logs")
    assert {"train", "validation"} <= set(scalars["run"])
    loss = scalars[(scalars["run"] == "validation") & (scalars["tag"] == "epoch_loss")]
    np.testing.assert_allclose(loss["value"], history.history["val_loss"], rtol=1e-6)
    fig = lesson.plot_scalars(scalars, ["epoch_loss", "epoch_accuracy"], title="a run")
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    assert [line.get_label() for line in fig.axes[0].get_lines()] == ["train", "validation"]
    np.testing.assert_array_equal(fig.axes[0].get_lines()[0].get_xdata(), [1, 2, 3])


def test_read_scalars_reads_files_directly_in_the_folder(tmp_path):
    write_events(tmp_path, ".", "lr", [0.1, 0.05])
    scalars = lesson.read_scalars(tmp_path)
    assert scalars["run"].tolist() == [".", "."]


# ------------------------------------------------------------ ensembles


def test_ensemble_accuracies_against_a_plain_loop():
    probabilities = members(4)
    result = lesson.ensemble_accuracies(probabilities, LABELS)
    for k in range(1, 5):
        average = sum(probabilities[:k]) / k
        assert result["ensemble"][k - 1] == np.mean(average.argmax(1) == LABELS)
        assert result["single"][k - 1] == np.mean(probabilities[k - 1].argmax(1) == LABELS)


def test_averaging_independent_mistakes_beats_every_member():
    result = lesson.ensemble_accuracies(members(5, share=0.7), LABELS)
    assert result["ensemble"][-1] > result["single"].max()


def test_ensemble_view_per_class_and_best_member():
    sets = {"seeds": members(3), "others": members(2, seed=5)}
    view = lesson.ensemble_view(sets, LABELS, CLASSES, "seeds", 2)
    best = int(np.argmax(view["curves"]["seeds"]["single"][:2]))
    assert view["best_member"] == best
    averaged = ((sets["seeds"][0] + sets["seeds"][1]) / 2).argmax(1)
    assert view["accuracy"] == pytest.approx(np.mean(averaged == LABELS))
    for c in range(3):
        assert view["per_class"]["ensemble"][c] == np.mean(averaged[LABELS == c] == c)
    fig = lesson.draw_ensemble(view)
    assert isinstance(fig, Figure)
    assert "average of 2" in fig.axes[0].get_title()
    assert [t.get_text() for t in fig.axes[1].get_xticklabels()] == CLASSES


def test_ensemble_explorer_headless_and_fast():
    sets = {"seeds": members(4), "others": members(2, seed=5)}
    widget = lesson.ensemble_explorer(sets, LABELS, CLASSES)
    assert widget.result["size"] == 4 and widget.result["members"] == "seeds"
    seconds = []
    for size in (1, 3):
        start = time.process_time()
        widget.controls["size"].value = size
        seconds.append(time.process_time() - start)
        assert widget.result["size"] == size
    single = widget.result
    widget.controls["size"].value = 1
    assert widget.result["accuracy"] == pytest.approx(widget.result["best_single_accuracy"])
    widget.controls["members"].value = "others"  # 2 models: the slider's 1 stays 1
    widget.controls["size"].value = 4  # more than the set has: its largest ensemble
    assert widget.result["size"] == 2 and widget.result is not single
    assert np.median(seconds) < 0.3, seconds


# ------------------------------------------------------------ exercise 1: stop at a target


class StopAtTarget(keras.callbacks.Callback):
    def __init__(self, monitor, target):
        super().__init__()
        self.monitor, self.target = monitor, target

    def on_epoch_end(self, epoch, logs=None):
        if logs[self.monitor] >= self.target:
            self.model.stop_training = True


def test_exercise_stop_at_target_passes_the_solution_and_rejects_a_blank(capsys):
    assert lesson.exercise_stop_at_target(StopAtTarget)
    assert "PASS" in capsys.readouterr().out

    class Blank(keras.callbacks.Callback):
        def __init__(self, monitor, target):
            super().__init__()
            self.monitor, self.target = monitor, target

    assert not lesson.exercise_stop_at_target(Blank)
    assert "write on_epoch_end" in capsys.readouterr().out
    assert not lesson.exercise_stop_at_target(None)
    assert "define the class" in capsys.readouterr().out


def test_exercise_stop_at_target_in_a_real_fit():
    """The solution stops a real fit where the check's simulation says it would."""
    keras.utils.set_random_seed(0)
    x = RNG.normal(size=(200, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("int32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(
        optimizer=keras.optimizers.Adam(0.05),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(
        x, y, epochs=50, validation_split=0.25, verbose=0,
        callbacks=[StopAtTarget("val_accuracy", 0.9)],
    )  # fmt: skip
    val = history.history["val_accuracy"]
    assert len(val) < 50 and val[-1] >= 0.9 and max(val[:-1], default=0) < 0.9


def wrong_callback(mistake):
    class Wrong(StopAtTarget):
        def on_epoch_end(self, epoch, logs=None):
            value = logs["val_accuracy" if mistake == "fixed key" else self.monitor]
            if mistake == "fixed training key":
                value = logs["accuracy"]
            if mistake == "greater":
                reached = value > self.target
            elif mistake == "less":
                reached = value <= self.target
            else:
                reached = value >= self.target
            if mistake == "own flag":
                self.stop_training = reached
            elif reached:
                self.model.stop_training = True

    class OnBatches(StopAtTarget):
        def on_train_batch_end(self, batch, logs=None):
            if logs.get(self.monitor, 0) >= self.target:
                self.model.stop_training = True

    class Crashes(StopAtTarget):
        def on_epoch_end(self, epoch, logs=None):
            if logs[self.monitor] >= self.targt:
                self.model.stop_training = True

    return {"on batches": OnBatches, "crashes": Crashes}.get(mistake, Wrong)


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        ("greater", ">=, not >"),
        ("fixed key", "not a fixed key"),
        ("fixed training key", "it stopped when accuracy reached the target"),
        ("less", "before the target was reached"),
        ("own flag", "self.model.stop_training = True"),
        ("on batches", "middle of an epoch"),
        ("crashes", "raised AttributeError"),
    ],
)
def test_exercise_stop_at_target_names_each_mistake(capsys, mistake, hint):
    assert not lesson.exercise_stop_at_target(wrong_callback(mistake))
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out, out


def test_exercise_stop_at_target_rejects_what_is_not_a_callback_class(capsys):
    assert not lesson.exercise_stop_at_target(StopAtTarget("val_accuracy", 0.9))  # an instance
    assert "subclasses keras.callbacks.Callback" in capsys.readouterr().out

    class NoArguments(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            pass

    assert not lesson.exercise_stop_at_target(NoArguments)
    assert "StopAtTarget(monitor='val_accuracy', target=0.85)" in capsys.readouterr().out


# ------------------------------------------------------------ exercise 2: average predictions


def average_predictions(models, x):
    return np.mean([model.predict(x, verbose=0) for model in models], axis=0)


def test_exercise_average_predictions_passes_the_solution_and_rejects_a_blank(capsys):
    assert lesson.exercise_average_predictions(average_predictions)
    assert "PASS" in capsys.readouterr().out
    assert lesson.exercise_average_predictions(lambda ms, x: sum(m(x) for m in ms) / len(ms))
    assert not lesson.exercise_average_predictions(None)
    assert "define the function" in capsys.readouterr().out
    assert not lesson.exercise_average_predictions(lambda models, x: None)
    assert "forgot `return`" in capsys.readouterr().out


def only_last(models, x):
    for model in models:
        result = model.predict(x, verbose=0)
    return result


WRONG_AVERAGES = {
    "majority labels": (
        lambda ms, x: np.stack([m.predict(x).argmax(1) for m in ms]).max(0),
        "one class per example",
    ),
    "argmax of the average": (
        lambda ms, x: np.mean([m.predict(x) for m in ms], axis=0).argmax(1),
        "one class per example",
    ),
    "sum": (lambda ms, x: np.sum([m.predict(x) for m in ms], axis=0), "divide by the number"),
    "wrong axis": (lambda ms, x: np.mean([m.predict(x) for m in ms], axis=1), "wrong axis"),
    "only the last model": (only_last, "model 3 of 3 alone"),
    "product": (lambda ms, x: np.prod([m.predict(x) for m in ms], axis=0), "is off"),
    "crashes": (lambda ms, x: ms.predict(x), "raised AttributeError"),
}


@pytest.mark.parametrize("case", WRONG_AVERAGES)
def test_exercise_average_predictions_names_each_mistake(capsys, case):
    wrong, hint = WRONG_AVERAGES[case]
    assert not lesson.exercise_average_predictions(wrong)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out, out


# ------------------------------------------------------------ bad input

SETS = {"seeds": members(2)}
BAD_CALLS = {
    "log_dir None": (lambda: lesson.read_scalars(None), "folder path"),
    "log_dir missing": (lambda: lesson.read_scalars("/no/such/folder"), "is not a folder"),
    "no event files": (lambda: lesson.read_scalars("/"), "no TensorBoard event files"),
    "plot something else": (
        lambda: lesson.plot_scalars(pd.DataFrame({"a": [1]}), ["epoch_loss"]),
        "read_scalars returns",
    ),
    "plot a missing tag": (
        lambda: lesson.plot_scalars(
            pd.DataFrame([["train", "loss", 0, 1.0]], columns=lesson.SCALAR_COLUMNS), ["acc"]
        ),
        r"no scalars tagged \['acc'\]",
    ),
    "plot one tag as a string": (
        lambda: lesson.plot_scalars(
            pd.DataFrame([["train", "loss", 0, 1.0]], columns=lesson.SCALAR_COLUMNS), "loss"
        ),
        "non-empty list",
    ),
    "no models": (lambda: lesson.ensemble_accuracies([], LABELS), "at least one model"),
    "labels None": (lambda: lesson.ensemble_accuracies(members(2), None), "got None"),
    "one-hot labels": (
        lambda: lesson.ensemble_accuracies(members(2), np.eye(3)[LABELS]),
        "integer class labels",
    ),
    "float labels": (
        lambda: lesson.ensemble_accuracies(members(2), LABELS.astype(float)),
        "integer class labels",
    ),
    "logits, not probabilities": (
        lambda: lesson.ensemble_accuracies([np.log(p) for p in members(2)], LABELS),
        "apply softmax",
    ),
    "NaN probabilities": (
        lambda: lesson.ensemble_accuracies([np.full((60, 3), np.nan)], LABELS),
        "NaN",
    ),
    "predictions of another length": (
        lambda: lesson.ensemble_accuracies([p[:10] for p in members(2)], LABELS),
        "n = 60",
    ),
    "ragged members": (
        lambda: lesson.ensemble_accuracies([members(1)[0], members(1)[0][:5]], LABELS),
        "same shape",
    ),
    "a set that is not a dict": (
        lambda: lesson.ensemble_view(members(2), LABELS, CLASSES, "seeds", 1),
        "non-empty dict",
    ),
    "unknown set": (lambda: lesson.ensemble_view(SETS, LABELS, CLASSES, "x", 1), "one of"),
    "size 0": (lambda: lesson.ensemble_view(SETS, LABELS, CLASSES, "seeds", 0), "size"),
    "size too large": (lambda: lesson.ensemble_view(SETS, LABELS, CLASSES, "seeds", 3), "1 to 2"),
    "class names of another count": (
        lambda: lesson.ensemble_view(SETS, LABELS, ["a"], "seeds", 1),
        "expected 3 names",
    ),
    "draw something else": (lambda: lesson.draw_ensemble({"size": 1}), "ensemble_view returns"),
    "explorer with empty sets": (
        lambda: lesson.ensemble_explorer({}, LABELS, CLASSES),
        "non-empty dict",
    ),
}


@pytest.mark.parametrize("case", BAD_CALLS)
def test_every_public_helper_rejects_bad_input_with_a_fix(case):
    call, message = BAD_CALLS[case]
    with pytest.raises(ValueError, match=message):
        call()
