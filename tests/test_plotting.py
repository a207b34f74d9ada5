"""helpers.plotting: every function returns a Figure of the right make-up and rejects bad input."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers import plotting


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def test_plot_functions_draws_functions_and_derivatives_side_by_side():
    fig = plotting.plot_functions(
        {"sigmoid": sigmoid, "relu": lambda x: np.maximum(x, 0)},
        derivatives={"sigmoid": lambda x: sigmoid(x) * (1 - sigmoid(x))},
    )
    assert isinstance(fig, Figure)
    functions_ax, derivatives_ax = fig.axes
    assert len(functions_ax.lines) == 2 + 2  # two curves plus the two axis lines
    assert len(derivatives_ax.lines) == 1 + 2
    y = derivatives_ax.lines[0].get_ydata()
    assert y.max() == pytest.approx(0.25, abs=1e-3)


def test_plot_functions_rejects_non_vectorized_functions():
    import math

    with pytest.raises(ValueError, match="vectorized"):
        plotting.plot_functions({"scalar": lambda x: math.tanh(0.5)})
    with pytest.raises(ValueError, match="non-empty dict"):
        plotting.plot_functions([sigmoid])
    with pytest.raises(ValueError, match="unknown functions"):
        plotting.plot_functions({"a": sigmoid}, derivatives={"b": sigmoid})
    with pytest.raises(ValueError, match=r"shape \(n,\)"):
        plotting.plot_functions({"a": sigmoid}, x=np.zeros((2, 2)))


@pytest.mark.parametrize("n", [1, 7, 9, 10, 23])
def test_show_images_handles_any_number_of_images(n):
    images = np.random.default_rng(0).integers(0, 255, size=(n, 28, 28))
    fig = plotting.show_images(images, labels=list(range(n)), ncols=10)
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == n
    assert [ax.get_title() for ax in shown] == [str(i) for i in range(n)]


def test_show_images_accepts_channels_and_rejects_flat_vectors():
    assert len(plotting.show_images(np.zeros((3, 8, 8, 1))).axes) == 3
    assert len(plotting.show_images(np.zeros((2, 8, 8, 3))).axes) == 2
    with pytest.raises(ValueError, match=r"\(n, height, width\).*got \(784,\)"):
        plotting.show_images(np.zeros(784))
    with pytest.raises(ValueError, match="3 images but 2 labels"):
        plotting.show_images(np.zeros((3, 4, 4)), labels=[1, 2])
    with pytest.raises(ValueError, match="no images"):
        plotting.show_images(np.zeros((0, 4, 4)))


class FakeHistory:
    def __init__(self, history):
        self.history = history


def test_plot_history_single_and_compared_runs():
    run = {"loss": [1.0, 0.5, 0.3], "val_loss": [1.1, 0.7, 0.6], "accuracy": [0.5, 0.8, 0.9]}
    fig = plotting.plot_history(FakeHistory(run), metrics=["loss", "accuracy"])
    loss_ax, accuracy_ax = fig.axes
    assert len(loss_ax.lines) == 2 and len(accuracy_ax.lines) == 1
    assert list(loss_ax.lines[1].get_ydata()) == [1.1, 0.7, 0.6]

    fig = plotting.plot_history({"a": FakeHistory(run), "b": run}, metrics="loss", log_y=True)
    assert len(fig.axes[0].lines) == 4
    assert fig.axes[0].get_yscale() == "log"


def test_plot_history_names_the_available_metrics():
    with pytest.raises(ValueError, match=r"has \['loss'\]"):
        plotting.plot_history({"loss": [1.0]}, metrics=["accuracy"])
    with pytest.raises(ValueError, match="Keras History"):
        plotting.plot_history([1, 2, 3])


def test_plot_probabilities_and_confusion_matrix():
    fig = plotting.plot_probabilities(np.array([0.1, 0.7, 0.2]), true_label=2)
    bars = fig.axes[0].patches
    assert [round(b.get_height(), 2) for b in bars] == [0.1, 0.7, 0.2]
    with pytest.raises(ValueError, match=r"shape \(num_classes,\)"):
        plotting.plot_probabilities(np.ones((2, 3)))
    with pytest.raises(ValueError, match="true_label"):
        plotting.plot_probabilities(np.ones(3) / 3, true_label=3)

    matrix = np.array([[5, 1], [2, 7]])
    fig = plotting.plot_confusion_matrix(matrix, class_names=["cat", "dog"])
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["5", "1", "2", "7"]
    with pytest.raises(ValueError, match="square"):
        plotting.plot_confusion_matrix(np.ones((2, 3)))


def test_use_course_style_is_explicit():
    import matplotlib as mpl

    mpl.rcdefaults()
    assert mpl.rcParams["axes.grid"] is False  # importing helpers changed nothing
    plotting.use_course_style()
    assert mpl.rcParams["axes.grid"] is True
    mpl.rcdefaults()
