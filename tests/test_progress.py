"""helpers.progress: live learning curves and a progress bar: cheap, and bad input refused."""

import keras
import numpy as np
import pytest

from helpers import progress


def tiny_model():
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_learning_curves_record_every_epoch_and_draw_a_panel_per_metric():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(64, 4)), rng.integers(0, 3, 64)
    curves = progress.LearningCurves(min_interval=0)
    history = tiny_model().fit(x, y, validation_split=0.25, epochs=3, verbose=0, callbacks=[curves])
    assert curves.history.keys() == history.history.keys()
    for name, values in history.history.items():
        assert curves.history[name] == pytest.approx(values)
    titles = [ax.get_title() for ax in curves.figure.axes]
    assert titles == ["accuracy", "loss"] or titles == ["loss", "accuracy"]
    assert "done: 3 epochs" in curves.figure.get_suptitle()
    loss_ax = curves.figure.axes[titles.index("loss")]
    assert len(loss_ax.lines) == 2  # training and validation


def test_learning_curves_redraw_at_most_once_per_interval():
    curves = progress.LearningCurves(metrics=["loss"], min_interval=3600)
    curves.set_params({"epochs": 50})
    curves.on_train_begin()
    draws = []
    curves._draw = lambda *args, **kwargs: draws.append(args)  # count the redraws
    for epoch in range(50):
        curves.on_epoch_end(epoch, {"loss": 1.0 / (epoch + 1)})
    curves.on_train_end()
    assert len(draws) == 2  # the first epoch and the last, not all 50

    early = progress.LearningCurves(metrics=["loss"], min_interval=3600)
    early.set_params({"epochs": 50})
    early.on_train_begin()
    early._draw = lambda *args, **kwargs: draws.append(args)
    for epoch in range(7):  # stopped early, e.g. by EarlyStopping
        early.on_epoch_end(epoch, {"loss": 1.0})
    early.on_train_end()
    assert draws[-1] == (7,)  # the end is drawn with what was done


def test_learning_curves_cost_a_small_share_of_training_in_a_real_kernel():
    """In a Jupyter kernel every redraw is turned into PNG: that is the cost to measure."""
    import nbformat

    from benchmarks.run_lessons import run_notebook

    code = """
import time, keras, numpy as np
from helpers import progress
rng = np.random.default_rng(0)
x, y = rng.normal(size=(6000, 20)).astype("float32"), rng.integers(0, 3, 6000)
def timed(callbacks):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(3, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    start = time.perf_counter()
    model.fit(x, y, epochs=8, batch_size=32, validation_split=0.2, verbose=0,
              callbacks=callbacks)
    return time.perf_counter() - start
timed([])
plain = min(timed([]) for _ in range(2))
drawn = min(timed([progress.LearningCurves(min_interval=0)]) for _ in range(2))
print(plain, drawn)
"""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    run_notebook(notebook, timeout=600)
    printed = [o["text"] for o in notebook.cells[0].outputs if o.get("name") == "stdout"]
    plain, drawn = (float(v) for v in printed[-1].split())
    # min_interval=0: only the "a tenth of the time" rule limits the redraws
    assert drawn < plain * 1.25 + 0.5, f"{plain:.2f} s without, {drawn:.2f} s with the curves"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"metrics": "loss"}, "list of metric names"),
        ({"metrics": []}, "list of metric names"),
        ({"metrics": [None]}, "list of metric names"),
        ({"min_interval": None}, "min_interval"),
        ({"min_interval": float("nan")}, "min_interval"),
        ({"min_interval": -1}, "min_interval"),
        ({"title": None}, "title"),
    ],
)
def test_learning_curves_refuse_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        progress.LearningCurves(**kwargs)


def test_bar_yields_every_item_in_order():
    assert list(progress.bar(range(5), "runs")) == [0, 1, 2, 3, 4]
    assert list(progress.bar((i for i in range(3)), total=3)) == [0, 1, 2]
    assert list(progress.bar([], "nothing")) == []


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        ((None,), {}, "iterable"),
        (("abc",), {}, "iterable"),
        (((i for i in range(3)),), {}, "total="),
        (([1, 2],), {"total": -1}, "total"),
        (([1, 2],), {"total": 2.5}, "total"),
        (([1, 2],), {"description": None}, "description"),
        (([1, 2],), {"min_interval": float("inf")}, "min_interval"),
    ],
)
def test_bar_refuses_bad_input(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        list(progress.bar(*args, **kwargs))
