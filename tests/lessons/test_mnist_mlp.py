"""Lesson 03 (MNIST multilayer perceptrons): its exercise checks and its widget.

The checks and the widget are tested on tiny hand-set Keras models, so nothing here trains for
more than one step with a zero learning rate: the tests are fast and exact.
"""

import functools
import itertools

import keras
import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from helpers import datasets, plotting
from helpers.lessons import mnist_mlp as lesson

# ---------------------------------------------------------------- exercise checks


def count_correctly(sizes):
    return sum(a * b + b for a, b in itertools.pairwise(sizes))


def test_count_parameters_passes_a_correct_answer(capsys):
    assert lesson.exercise_count_parameters(count_correctly)
    assert "PASS" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda s: sum(a * b for a, b in itertools.pairwise(s)), "biases"),
        (lambda s: count_correctly(s) + s[0], "input has no biases"),
        (lambda s: 669_706, "expected 11,972,510"),
        (lambda s: None, "returned None"),
        (lambda s: sum(a * b + a for a, b in itertools.pairwise(s)), "one bias per input"),
        (lambda s: count_correctly(s[:-1]), "left out one layer"),  # range(len(s) - 2)
        (lambda s: count_correctly(s[1:]), "left out one layer"),  # started at the first layer
        (lambda s: str(count_correctly(s)), "expected a whole number"),
    ],
)
def test_count_parameters_rejects_wrong_answers(answer, hint, capsys):
    assert not lesson.exercise_count_parameters(answer)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out


def test_count_parameters_rejects_the_blank_starter(capsys):
    def starter(sizes):
        raise NotImplementedError

    assert not lesson.exercise_count_parameters(starter)
    assert "NotImplementedError" in capsys.readouterr().out


# A separable toy problem: 20 features, the class is the largest of the first 10.
RNG = np.random.default_rng(0)
X = RNG.uniform(0, 1, size=(200, 20)).astype("float32")
Y = X[:, :10].argmax(axis=1)


def classifier(hidden_layers=1, output_activation="softmax", hand_set=True, hidden="relu"):
    """Dense relu layers passing the first 10 features through, then a sharp softmax."""
    keras.utils.set_random_seed(0)
    layers = [keras.Input(shape=(20,))]
    layers += [keras.layers.Dense(10, activation=hidden) for _ in range(hidden_layers)]
    layers += [keras.layers.Dense(10, activation=output_activation)]
    model = keras.Sequential(layers)
    if hand_set:
        dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
        dense[0].set_weights([np.vstack([np.eye(10), np.zeros((10, 10))]), np.zeros(10)])
        for layer in dense[1:-1]:
            layer.set_weights([np.eye(10), np.zeros(10)])
        dense[-1].set_weights([20 * np.eye(10), np.zeros(10)])
    return model


def trained(model, loss="categorical_crossentropy", epochs=1, labels=None):
    """Compile with a zero learning rate (the weights stay) and fit: returns the History."""
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss=loss)
    if labels is None:
        labels = Y if "sparse" in str(loss).lower() else keras.utils.to_categorical(Y, 10)
    return model.fit(X, labels, batch_size=50, epochs=epochs, verbose=0)


def test_one_hidden_layer_passes_a_good_model(capsys):
    model = classifier()
    history = trained(model, epochs=3)
    assert lesson.exercise_one_hidden_layer(model, history, X, Y)
    assert lesson.exercise_one_hidden_layer(model, history, X, keras.utils.to_categorical(Y))
    assert "Not yet" not in capsys.readouterr().out


def test_one_hidden_layer_rejects_wrong_answers(capsys):
    def hint_for(model, history):
        assert not lesson.exercise_one_hidden_layer(model, history, X, Y)
        out = capsys.readouterr().out
        assert "Not yet" in out
        return out

    assert "model is None" in hint_for(None, None)
    assert "Keras model" in hint_for("a model", None)
    deeper = classifier(hidden_layers=2)
    assert "2 hidden Dense layers" in hint_for(deeper, trained(deeper))
    sigmoid_out = classifier(output_activation="sigmoid")
    assert "softmax" in hint_for(sigmoid_out, trained(sigmoid_out))
    assert "not compiled" in hint_for(classifier(), None)
    too_long = classifier()
    assert "4 epochs" in hint_for(too_long, trained(too_long, epochs=4))
    twice = classifier()
    trained(twice, epochs=2)
    twice_history = twice.fit(X, keras.utils.to_categorical(Y, 10), batch_size=50, verbose=0)
    assert "optimizer took 12 steps" in hint_for(twice, twice_history)
    other = classifier()
    trained(other)
    assert "History" in hint_for(other, trained(classifier()))
    untrained = classifier(hand_set=False)
    assert "validation accuracy" in hint_for(untrained, trained(untrained))


LOGITS_LOSSES = [
    keras.losses.CategoricalCrossentropy(from_logits=True),
    functools.partial(keras.losses.categorical_crossentropy, from_logits=True),
]


@pytest.mark.parametrize("loss", LOGITS_LOSSES, ids=["Loss object", "partial"])
def test_one_hidden_layer_rejects_softmax_trained_with_from_logits(loss, capsys):
    """The hand-set toy still classifies perfectly, so only the check's reading of the loss
    can catch a softmax output trained as if it gave raw scores (it passed before)."""
    model = classifier()
    assert not lesson.exercise_one_hidden_layer(model, trained(model, loss=loss), X, Y)
    assert "from_logits=True" in capsys.readouterr().out


def test_one_hidden_layer_rejects_more_wrong_answers(capsys):
    def hint_for(model, history, y=Y):
        assert not lesson.exercise_one_hidden_layer(model, history, X, y)
        out = capsys.readouterr().out
        assert "Not yet" in out
        return out

    no_hidden = classifier(hidden_layers=0, hand_set=False)  # logistic regression
    assert "no hidden layer" in hint_for(no_hidden, trained(no_hidden))
    linear = classifier(hidden=None)  # Dense(512) without activation: passed before the fix
    assert "no activation" in hint_for(linear, trained(linear))
    good = classifier()
    history = trained(good)
    assert "labels" in hint_for(good, history, np.concatenate([Y, Y]))  # y_train for y_test
    assert "digits 0..9" in hint_for(good, history, Y + 10)


def test_one_hidden_layer_accepts_a_separate_activation_layer(capsys):
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input(shape=(20,)),
            keras.layers.Dense(10),
            keras.layers.Activation("relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.layers[0].set_weights([np.vstack([np.eye(10), np.zeros((10, 10))]), np.zeros(10)])
    model.layers[-1].set_weights([20 * np.eye(10), np.zeros(10)])
    assert lesson.exercise_one_hidden_layer(model, trained(model), X, Y)
    assert "PASS" in capsys.readouterr().out


def test_sparse_labels_passes_integer_training(capsys):
    model = classifier()
    history = trained(model, loss="sparse_categorical_crossentropy")
    assert lesson.exercise_sparse_labels(model, history, X, Y)
    model = classifier()
    history = trained(model, loss=keras.losses.SparseCategoricalCrossentropy())
    assert lesson.exercise_sparse_labels(model, history, X, Y)
    assert "Not yet" not in capsys.readouterr().out


def with_softmax_layer(dense_activation=None):
    """The hand-set classifier with a plain Dense(10) output, then Activation("softmax")."""
    scores = classifier(output_activation=dense_activation)
    return keras.Sequential(
        [keras.Input(shape=(20,)), *scores.layers, keras.layers.Activation("softmax")]
    )


def test_checks_accept_a_separate_softmax_layer(capsys):
    model = with_softmax_layer()
    history = trained(model, loss="sparse_categorical_crossentropy")
    assert lesson.exercise_sparse_labels(model, history, X, Y)
    model = with_softmax_layer()
    assert lesson.exercise_one_hidden_layer(model, trained(model), X, Y)
    assert "Not yet" not in capsys.readouterr().out


def test_checks_reject_logits_and_a_doubled_activation(capsys):
    logits = classifier(output_activation=None)
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    assert not lesson.exercise_sparse_labels(logits, trained(logits, loss=loss), X, Y)
    assert "from_logits" in capsys.readouterr().out
    doubled = with_softmax_layer(dense_activation="relu")
    history = trained(doubled, loss="sparse_categorical_crossentropy")
    assert not lesson.exercise_sparse_labels(doubled, history, X, Y)
    assert "no activation of its own" in capsys.readouterr().out
    wrong_size = keras.Sequential(
        [keras.Input(shape=(20,)), keras.layers.Dense(3), keras.layers.Activation("softmax")]
    )
    history = trained(wrong_size, loss="sparse_categorical_crossentropy", labels=Y % 3)
    assert not lesson.exercise_sparse_labels(wrong_size, history, X, Y)
    assert "Dense(10, activation='softmax')" in capsys.readouterr().out


def test_sparse_labels_rejects_wrong_answers(capsys):
    def hint_for(model, history, y=Y):
        assert not lesson.exercise_sparse_labels(model, history, X, y)
        out = capsys.readouterr().out
        assert "Not yet" in out
        return out

    assert "model is None" in hint_for(None, None)
    one_hot = classifier()
    assert "one-hot" in hint_for(one_hot, trained(one_hot))
    mse = classifier()
    assert "'mse'" in hint_for(mse, trained(mse, loss="mse"))
    good = classifier()
    history = trained(good, loss="sparse_categorical_crossentropy")
    assert "integer validation labels" in hint_for(good, history, keras.utils.to_categorical(Y, 10))
    untrained = classifier(hand_set=False)
    history = trained(untrained, loss="sparse_categorical_crossentropy")
    assert "validation accuracy" in hint_for(untrained, history)
    softmax_logits = classifier()  # passed before the fix: the toy still classifies perfectly
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    assert "from_logits=True" in hint_for(softmax_logits, trained(softmax_logits, loss=loss))
    good = classifier()
    history = trained(good, loss="sparse_categorical_crossentropy")
    assert "x_val has 200 examples but the labels 199" in hint_for(good, history, Y[:-1])
    function_loss = classifier()  # the loss given as a function is fine
    history = trained(function_loss, loss=keras.losses.sparse_categorical_crossentropy)
    assert lesson.exercise_sparse_labels(function_loss, history, X, Y)


# ---------------------------------------------------------------- widget


def test_integer_shifts_move_pixels_without_wrapping():
    image = np.arange(1, 10, dtype=float).reshape(3, 3)
    np.testing.assert_array_equal(
        datasets.transform_digit(image, shift_right=1), [[0, 1, 2], [0, 4, 5], [0, 7, 8]]
    )
    np.testing.assert_array_equal(
        datasets.transform_digit(image, shift_down=-1, shift_right=-1),
        [[5, 6, 0], [8, 9, 0], [0, 0, 0]],
    )
    assert not datasets.transform_digit(image, shift_right=3).any()


def test_perturb_image_is_deterministic_and_stays_in_range():
    image = np.full((6, 6), 0.5, dtype="float32")
    np.testing.assert_array_equal(lesson.perturb_image(image), image)
    a = lesson.perturb_image(image, noise=0.3, seed=4)
    b = lesson.perturb_image(image, noise=0.3, seed=4)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, lesson.perturb_image(image, noise=0.3, seed=5))
    loud = lesson.perturb_image(image, noise=1.0, seed=4)
    assert loud.min() == 0.0 and loud.max() == 1.0


@pytest.mark.parametrize("noise", [-0.1, 1.5])
def test_perturb_image_rejects_noise_outside_0_1(noise):
    with pytest.raises(ValueError, match=r"noise .* must be in \[0, 1\]"):
        lesson.perturb_image(np.full((6, 6), 0.5), noise=noise)


@pytest.mark.parametrize("shift", [{"right": 6}, {"right": -6}, {"down": 9}])
def test_perturb_image_rejects_shifts_out_of_view(shift):
    with pytest.raises(ValueError, match=r"out of view; use a shift between -5 and 5"):
        lesson.perturb_image(np.full((6, 6), 0.5), **shift)


def test_perturb_image_accepts_the_largest_shift_and_rejects_a_batch():
    image = np.zeros((6, 6))
    image[:, 0] = 1.0
    moved = lesson.perturb_image(image, right=5, down=-5)
    assert moved.shape == (6, 6) and moved[0, 5] == 1.0 and moved.sum() == 1.0
    with pytest.raises(ValueError, match=r"one image \(height, width\)"):
        lesson.perturb_image(np.zeros((2, 6, 6)))


def test_perturb_image_rejects_unscaled_pixels():
    with pytest.raises(ValueError, match=r"scaled to \[0, 1\].*x / 255"):
        lesson.perturb_image(np.full((4, 4), 255.0))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        lesson.perturb_image(np.full((4, 4), -0.5))


def bar_images():
    """8x8 images of one vertical bar; the toy model says 0 for a bar left, 1 for right."""
    columns, labels = [1, 6, 2, 5], [0, 1, 0, 0]  # the last one is labelled wrongly
    images = np.zeros((4, 8, 8), dtype="float32")
    for image, column in zip(images, columns, strict=True):
        image[1:7, column] = 1.0
    side = np.where(np.arange(64) % 8 < 4, 1.0, -1.0)
    model = keras.Sequential(
        [keras.Input(shape=(64,)), keras.layers.Dense(2, activation="softmax")]
    )
    model.layers[0].set_weights([np.stack([side, -side], axis=1), np.zeros(2)])
    return model, images.reshape(4, 64), np.array(labels)


def test_classify_perturbed_digit_follows_the_shift():
    model, x, y = bar_images()
    result = lesson.classify_perturbed_digit(model, x, y, 0, image_shape=(8, 8))
    assert result["predicted"] == 0 == result["true"]
    assert result["probabilities"].shape == (2,)
    assert result["probabilities"].sum() == pytest.approx(1.0, abs=1e-5)
    moved = lesson.classify_perturbed_digit(model, x, y, 0, right=4, image_shape=(8, 8))
    assert moved["predicted"] == 1
    assert moved["image"][:, 5].sum() == 6 and moved["image"][:, 1].sum() == 0
    with pytest.raises(ValueError, match="index"):
        lesson.classify_perturbed_digit(model, x, y, 4, image_shape=(8, 8))
    with pytest.raises(ValueError, match="Keras model"):  # a plain function has no .predict
        lesson.classify_perturbed_digit(lambda batch: batch, x, y, 0, image_shape=(8, 8))


def test_digit_explorer_responds_to_its_controls():
    model, x, y = bar_images()
    explorer = lesson.digit_explorer(model, x, y, image_shape=(8, 8), max_shift=4)
    assert explorer.result["index"] == 0 and explorer.result["predicted"] == 0
    assert explorer.result["misclassified_count"] == 1
    assert len(explorer.figure.axes) == 2
    bars = explorer.figure.axes[1]  # drawn by plotting.plot_probabilities: true class green
    assert len(bars.patches) == 2 and bars.get_ylim() == (0, 1)
    assert bars.patches[0].get_facecolor() == pytest.approx(to_rgba("C2"))
    assert "(right)" in bars.get_title()

    explorer.controls["right"].value = 4
    assert explorer.result["predicted"] == 1
    explorer.controls["right"].value = 0
    explorer.controls["position"].value = 2
    assert explorer.result["index"] == 2

    explorer.controls["noise"].value = 0.5
    assert not np.array_equal(explorer.result["image"].ravel(), x[2])

    explorer.controls["show"].value = "misclassified only"
    assert explorer.controls["position"].max == 0
    assert explorer.result["index"] == 3
    assert explorer.result["predicted"] != explorer.result["true"]

    explorer.controls["show"].value = "all examples"
    assert explorer.controls["position"].max == 3


def test_digit_explorer_redraws_once_per_change_of_show(monkeypatch):
    model, x, y = bar_images()
    drawn = []
    draw = lesson.draw_classified_digit
    monkeypatch.setattr(lesson, "draw_classified_digit", lambda r: drawn.append(r) or draw(r))
    explorer = lesson.digit_explorer(model, x, y, image_shape=(8, 8))
    explorer.controls["position"].value = 2
    drawn.clear()
    explorer.controls["show"].value = "misclassified only"
    assert len(drawn) == 1 and drawn[0]["index"] == 3
    explorer.controls["show"].value = "all examples"
    assert len(drawn) == 2 and drawn[1]["index"] == 0
    assert explorer.controls["position"].value == 0 and explorer.controls["position"].max == 3


def test_digit_explorer_shift_sliders_stay_inside_the_image():
    model, x, y = bar_images()
    explorer = lesson.digit_explorer(model, x, y, image_shape=(8, 8), max_shift=20)
    assert explorer.controls["right"].max == 7 and explorer.controls["down"].min == -7
    explorer.controls["right"].value = 7  # the largest shift the slider allows still draws
    assert explorer.result["image"].shape == (8, 8)
    narrow = lesson.digit_explorer(model, x, y, image_shape=(8, 8), max_shift=3)
    assert narrow.controls["right"].max == 3
    with pytest.raises(ValueError, match="max_shift"):
        lesson.digit_explorer(model, x, y, image_shape=(8, 8), max_shift=-1)


def test_digit_explorer_rejects_bad_input():
    model, x, y = bar_images()
    with pytest.raises(ValueError, match="integer labels"):
        lesson.digit_explorer(model, x, keras.utils.to_categorical(y, 2), image_shape=(8, 8))
    with pytest.raises(ValueError, match="cannot be shown"):
        lesson.digit_explorer(model, x, y)  # 64 values are not a 28 x 28 image
    with pytest.raises(ValueError, match="Keras model"):
        lesson.digit_explorer("model", x, y, image_shape=(8, 8))


# ---------------------------------------------------------------- bad input


@functools.cache
def bad_input_cases():
    """(name, call, message) for every public non-exercise function, fed bad input."""
    model, x, y = bar_images()
    image = x[0].reshape(8, 8)
    nan_image = image.copy()
    nan_image[3, 3] = np.nan
    nan_x = x.copy()
    nan_x[0, 9] = np.nan
    logits_model = keras.Sequential([keras.Input(shape=(64,)), keras.layers.Dense(2)])
    logits_model.layers[0].set_weights(model.layers[0].get_weights())
    good = lesson.classify_perturbed_digit(model, x, y, 0, image_shape=(8, 8))
    shape = {"image_shape": (8, 8)}

    def classify(**changes):
        arguments = {"model": model, "x": x, "y": y, "index": 0, **shape, **changes}
        return lambda: lesson.classify_perturbed_digit(**arguments)

    def explorer(**changes):
        arguments = {"model": model, "x": x, "y": y, **shape, **changes}
        return lambda: lesson.digit_explorer(**arguments)

    def draw(**changes):
        return lambda: lesson.draw_classified_digit({**good, **changes})

    def perturb(img=image, **changes):
        return lambda: lesson.perturb_image(img, **changes)

    return [
        ("perturb: None image", perturb(None), r"one image .* got None"),
        ("perturb: NaN image", perturb(nan_image), "NaN or inf"),
        ("perturb: inf image", perturb(np.full((8, 8), np.inf)), "NaN or inf"),
        ("perturb: empty image", perturb(np.zeros((0, 0))), "at least one pixel"),
        ("perturb: batch of images", perturb(np.zeros((2, 8, 8))), r"one image \(height"),
        ("perturb: text image", perturb(np.full((8, 8), "a")), "dtype <U1"),
        ("perturb: noise None", perturb(noise=None), "noise must be a number, got None"),
        ("perturb: noise NaN", perturb(noise=np.nan), "noise must be a finite number"),
        ("perturb: noise inf", perturb(noise=np.inf), "noise must be a finite number"),
        ("perturb: noise text", perturb(noise="0.2"), "noise must be a number"),
        ("perturb: shift NaN", perturb(right=np.nan), "right must be a whole number"),
        ("perturb: shift 1.5", perturb(down=1.5), "down must be a whole number"),
        ("perturb: shift None", perturb(right=None), "right must be a whole number"),
        ("perturb: seed None", perturb(seed=None), "seed must be a whole number"),
        ("classify: None x", classify(x=None), "got None"),
        ("classify: NaN example", classify(x=nan_x), "NaN or inf"),
        ("classify: bytes", classify(x=x * 255), r"scaled to \[0, 1\].*x / 255"),
        ("classify: empty x", classify(x=x[:0], y=y[:0]), "n > 0"),
        ("classify: flat x", classify(x=x[0]), r"shape \(n, \.\.\.\)"),
        ("classify: text x", classify(x=x.astype(str)), "array of numbers"),
        ("classify: one-hot y", classify(y=np.eye(2)[y]), "one-hot"),
        ("classify: float y", classify(y=y.astype(float)), "integer labels"),
        ("classify: index 1.0", classify(index=1.0), "index must be a whole number"),
        ("classify: index None", classify(index=None), "index must be a whole number"),
        ("classify: noise None", classify(noise=None), "noise must be a number"),
        ("classify: bad image_shape", classify(image_shape=(4, 4)), "cannot be shown"),
        ("classify: image_shape None", classify(image_shape=None), "image_shape must be"),
        ("classify: logits model", classify(model=logits_model), "logits"),
        ("classify: a function", classify(model=lambda b: b), "Keras model"),
        ("draw: None", lambda: lesson.draw_classified_digit(None), "expects the dict"),
        ("draw: NaN image", draw(image=nan_image), "NaN or inf"),
        ("draw: NaN probabilities", draw(probabilities=np.array([np.nan, 1.0])), "probabil"),
        ("draw: logits", draw(probabilities=np.array([3.0, -1.0])), "logits"),
        ("draw: empty probabilities", draw(probabilities=np.array([])), "probabilities"),
        ("draw: text probabilities", draw(probabilities=np.array(["a", "b"])), "dtype"),
        ("draw: label outside", draw(true=5), r"true must be in 0\.\.1"),
        ("draw: flat image", draw(image=image.ravel()), r"one image \(height, width\)"),
        ("explorer: None x", explorer(x=None), "got None"),
        ("explorer: NaN x", explorer(x=nan_x), "NaN or inf"),
        ("explorer: inf x", explorer(x=np.where(nan_x != nan_x, np.inf, x)), "NaN or inf"),
        ("explorer: bytes", explorer(x=x * 255), r"x / 255"),
        ("explorer: empty", explorer(x=x[:0], y=y[:0]), "n > 0"),
        ("explorer: y too short", explorer(y=y[:2]), "n = len"),
        ("explorer: text x", explorer(x=x.astype(str)), "array of numbers"),
        ("explorer: label 2 of 2 classes", explorer(y=y + 1), "no class"),
        ("explorer: logits model", explorer(model=logits_model), "logits"),
        ("explorer: a function", explorer(model=lambda b: b), "Keras model"),
        ("explorer: max_shift 2.5", explorer(max_shift=2.5), "max_shift"),
        ("explorer: max_shift None", explorer(max_shift=None), "max_shift"),
    ]


@pytest.mark.parametrize(
    "case", range(len(bad_input_cases())), ids=lambda i: bad_input_cases()[i][0]
)
def test_public_functions_reject_bad_input(case):
    _name, call, message = bad_input_cases()[case]
    with pytest.raises(ValueError, match=message):
        call()


# ---------------------------------------------------------------- plotting: bars on given axes


def test_plot_probabilities_draws_on_given_axes():
    fig = Figure()
    left, right = fig.subplots(1, 2)
    returned = plotting.plot_probabilities(np.array([0.1, 0.7, 0.2]), true_label=2, ax=right)
    assert returned is fig
    assert not left.patches and len(right.patches) == 3
    colors = [patch.get_facecolor() for patch in right.patches]
    assert colors == [pytest.approx(to_rgba(c)) for c in ("C0", "C3", "C2")]
    assert right.get_title() == "predicted: 1 (0.70)" and right.get_ylim() == (0, 1)
    plotting.plot_probabilities(np.ones(3) / 3, title="given title", ax=left)
    assert left.get_title() == "given title"
    with pytest.raises(ValueError, match="matplotlib Axes"):
        plotting.plot_probabilities(np.ones(3) / 3, ax=fig)


# ---------------------------------------------------------------- shared: figures in notebooks


def test_figures_display_in_a_notebook_before_any_pyplot_figure():
    """Found while writing lesson 03: a lesson whose first figure came from helpers.plotting
    (not pyplot) showed '<Figure size ...>' instead of the picture. use_course_style fixes it."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.v4.new_notebook()
    source = (
        "import numpy as np\nfrom helpers import plotting\nplotting.use_course_style()\n"
        "plotting.show_images(np.zeros((2, 5, 5)))"
    )
    notebook.cells = [nbformat.v4.new_code_cell(source)]
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    outputs = notebook.cells[0].outputs
    assert any("image/png" in output.get("data", {}) for output in outputs), outputs
