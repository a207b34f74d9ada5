"""helpers.plotting: every function returns a Figure of the right make-up and rejects bad input."""

import math

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


NAN, INF = float("nan"), float("inf")
RAGGED = [np.zeros((2, 2)), np.zeros((3, 3))]
# Each bad call, and what its ValueError must say: the thing expected, so the fix is clear.
BAD_PLOT_CALLS = {
    "functions None": (lambda: plotting.plot_functions(None), "non-empty dict"),
    "math.exp": (lambda: plotting.plot_functions({"exp": math.exp}), "vectorized.*np.exp"),
    "scalar function": (lambda: plotting.plot_functions({"one": lambda x: 1.0}), "vectorized"),
    "function not callable": (lambda: plotting.plot_functions({"a": "x**2"}), "a function"),
    "derivative None": (
        lambda: plotting.plot_functions({"a": sigmoid}, derivatives={"a": None}),
        "a function",
    ),
    "derivative math.cos": (
        lambda: plotting.plot_functions({"a": sigmoid}, derivatives={"a": math.cos}),
        "vectorized",
    ),
    "all-NaN function": (
        lambda: plotting.plot_functions({"nan": lambda x: np.full_like(x, NAN)}),
        "no finite value",
    ),
    "x NaN": (lambda: plotting.plot_functions({"a": sigmoid}, x=[0, NAN, 1]), "finite"),
    "x inf": (lambda: plotting.plot_functions({"a": sigmoid}, x=[0, INF]), "finite"),
    "x empty": (lambda: plotting.plot_functions({"a": sigmoid}, x=[]), r"shape \(n,\)"),
    "x text": (lambda: plotting.plot_functions({"a": sigmoid}, x=["a", "b"]), "numbers"),
    "x bool": (lambda: plotting.plot_functions({"a": sigmoid}, x=[True, False]), "numbers"),
    "ylim NaN": (lambda: plotting.plot_functions({"a": sigmoid}, ylim=(NAN, 1)), "ylim"),
    "ylim reversed": (lambda: plotting.plot_functions({"a": sigmoid}, ylim=(1, 0)), "ylim"),
    "images None": (lambda: plotting.show_images(None), r"\(n, height, width\).*got None"),
    "images NaN": (lambda: plotting.show_images(np.full((2, 4, 4), NAN)), "finite"),
    "images inf": (lambda: plotting.show_images(np.array([[[0, INF]]])), "finite"),
    "images empty": (lambda: plotting.show_images(np.zeros((0, 4, 4))), "no images"),
    "images no pixels": (lambda: plotting.show_images(np.zeros((2, 0, 4))), "pixel"),
    "images flat": (lambda: plotting.show_images(np.zeros(784)), r"\(n, height, width\)"),
    "images text": (lambda: plotting.show_images(np.full((1, 2, 2), "a")), "numbers"),
    "images bool": (lambda: plotting.show_images(np.ones((1, 2, 2), bool)), "numbers"),
    "images ragged": (lambda: plotting.show_images(RAGGED), "one shape"),
    "labels not a list": (lambda: plotting.show_images(np.zeros((1, 2, 2)), labels=5), "labels"),
    "labels one string": (
        lambda: plotting.show_images(np.zeros((3, 2, 2)), labels="abc"),
        "labels.*list",
    ),
    "ncols None": (lambda: plotting.show_images(np.zeros((1, 2, 2)), ncols=None), "ncols"),
    "vmin NaN": (lambda: plotting.show_images(np.zeros((1, 2, 2)), vmin=NAN), "vmin"),
    "vmin above vmax": (
        lambda: plotting.show_images(np.zeros((1, 2, 2)), vmin=1, vmax=0),
        "vmin.*vmax",
    ),
    "size None": (lambda: plotting.show_images(np.zeros((1, 2, 2)), size=None), "size"),
    "history None": (lambda: plotting.plot_history(None), "Keras History"),
    "history empty dict": (lambda: plotting.plot_history({}), "Keras History"),
    "history empty run": (lambda: plotting.plot_history({"loss": []}), "at least one"),
    "history NaN": (lambda: plotting.plot_history({"loss": [NAN, NAN]}), "finite"),
    "history inf": (lambda: plotting.plot_history({"loss": [INF]}), "finite"),
    "history text": (lambda: plotting.plot_history({"loss": ["a", "b"]}), "numbers"),
    "history bool": (lambda: plotting.plot_history({"loss": [True, False]}), "numbers"),
    "history 2-D": (lambda: plotting.plot_history({"loss": [[1, 2]]}), r"\(epochs,\)"),
    "history run not a dict": (lambda: plotting.plot_history({"a": FakeHistory(3)}), "dict"),
    "metrics None": (lambda: plotting.plot_history({"loss": [1.0]}, None), "metrics"),
    "metrics empty": (lambda: plotting.plot_history({"loss": [1.0]}, []), "metrics"),
    "history log of zeros": (
        lambda: plotting.plot_history({"loss": [0.0, -1.0]}, log_y=True),
        "positive",
    ),
    "probabilities None": (lambda: plotting.plot_probabilities(None), r"\(num_classes,\)"),
    "probabilities empty": (lambda: plotting.plot_probabilities([]), "num_classes >= 1"),
    "probabilities NaN": (lambda: plotting.plot_probabilities([NAN, 0.5, 0.5]), "finite"),
    "probabilities inf": (lambda: plotting.plot_probabilities([INF, 0, 0]), "finite"),
    "probabilities text": (lambda: plotting.plot_probabilities(["a", "b"]), "numbers"),
    "probabilities bool": (lambda: plotting.plot_probabilities([True, False]), "numbers"),
    "probabilities batch": (lambda: plotting.plot_probabilities(np.ones((2, 3)) / 3), "batch"),
    "logits": (lambda: plotting.plot_probabilities([2.0, -1.0, 0.5]), "apply softmax first"),
    "sum not 1": (lambda: plotting.plot_probabilities([0.2, 0.2, 0.2]), "sum to 1"),
    "true_label text": (lambda: plotting.plot_probabilities([0.5, 0.5], true_label="1"), "0..1"),
    "true_label float": (lambda: plotting.plot_probabilities([0.5, 0.5], true_label=0.5), "0..1"),
    "class_names string": (
        lambda: plotting.plot_probabilities([0.5, 0.5], class_names="ab"),
        "class_names.*list",
    ),
    "matrix None": (lambda: plotting.plot_confusion_matrix(None), "square.*got None"),
    "matrix empty": (lambda: plotting.plot_confusion_matrix(np.zeros((0, 0))), "num_classes >= 1"),
    "matrix NaN": (lambda: plotting.plot_confusion_matrix([[1, NAN], [0, 1]]), "finite"),
    "matrix inf": (lambda: plotting.plot_confusion_matrix([[1, INF], [0, 1]]), "finite"),
    "matrix text": (lambda: plotting.plot_confusion_matrix([["a"]]), "numbers"),
    "matrix bool": (lambda: plotting.plot_confusion_matrix(np.eye(2, dtype=bool)), "numbers"),
    "matrix not square": (lambda: plotting.plot_confusion_matrix(np.ones((2, 3))), "square"),
    "matrix negative": (lambda: plotting.plot_confusion_matrix([[1, -1], [0, 1]]), "negative"),
    "matrix all zero": (lambda: plotting.plot_confusion_matrix(np.zeros((2, 2))), "all zero"),
    "curves None": (lambda: plotting.plot_curves(None, "x", "y", "t"), "non-empty dict"),
    "curve None": (lambda: plotting.plot_curves({"a": None}, "x", "y", "t"), r"pair \(x, y\)"),
    "curve empty": (lambda: plotting.plot_curves({"a": ([], [])}, "x", "y", "t"), "at least one"),
    "curve all NaN": (
        lambda: plotting.plot_curves({"a": ([1, 2], [NAN, NAN])}, "x", "y", "t"),
        "finite",
    ),
    "curve x inf": (lambda: plotting.plot_curves({"a": ([1, INF], [1, 2])}, "x", "y", "t"), "x"),
    "curve text": (lambda: plotting.plot_curves({"a": (["a"], [1])}, "x", "y", "t"), "numbers"),
    "curve bool": (
        lambda: plotting.plot_curves({"a": ([1, 2], [True, False])}, "x", "y", "t"),
        "numbers",
    ),
    "curve shapes": (
        lambda: plotting.plot_curves({"a": ([1, 2], [1, 2, 3])}, "x", "y", "t"),
        r"same shape \(n,\)",
    ),
    "curve log of zeros": (
        lambda: plotting.plot_curves({"a": ([1, 2], [0, 0])}, "x", "y", "t", log_y=True),
        "positive",
    ),
    "curves xlabel None": (
        lambda: plotting.plot_curves({"a": ([1], [1])}, None, "y", "t"),
        "xlabel",
    ),
    "legend_columns 0": (
        lambda: plotting.plot_curves({"a": ([1], [1])}, "x", "y", "t", legend_columns=0),
        "legend_columns",
    ),
}


@pytest.mark.parametrize("call, message", BAD_PLOT_CALLS.values(), ids=BAD_PLOT_CALLS.keys())
def test_bad_input_gets_a_value_error_naming_what_was_expected(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_partly_missing_values_still_draw():
    """A diverged run ends in NaN: its finite part is drawn, not refused."""
    fig = plotting.plot_curves({"diverged": ([1, 2, 3], [1.0, 0.5, NAN])}, "epoch", "loss", "t")
    assert np.isfinite(fig.axes[0].lines[0].get_ydata()).sum() == 2
    fig = plotting.plot_history({"loss": [1.0, 0.5, NAN]})
    assert len(fig.axes[0].lines) == 1
    fig = plotting.plot_probabilities(np.array([0.1, 0.7, 0.2], dtype=np.float32), true_label=2)
    assert len(fig.axes[0].patches) == 3
