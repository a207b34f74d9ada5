"""helpers.progress: live learning curves and a progress bar: cheap, and bad input refused."""

import time

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
    assert len(draws) == 2  # the first epoch and the end, not all 50


def test_learning_curves_cost_a_small_share_of_training():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(8000, 4)).astype("float32"), rng.integers(0, 3, 8000)

    def timed(callbacks):
        model = tiny_model()
        start = time.perf_counter()
        model.fit(x, y, epochs=4, batch_size=32, verbose=0, callbacks=callbacks)
        return time.perf_counter() - start

    timed([])  # warm up
    plain = min(timed([]) for _ in range(2))
    drawn = min(timed([progress.LearningCurves(min_interval=1.0)]) for _ in range(2))
    assert drawn < plain * 1.25 + 0.3, f"{plain:.2f} s without, {drawn:.2f} s with the curves"


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
