"""Lesson 02 helpers: the XOR backprop stepper, the batch-cost plot and the exercise checks."""

import ipywidgets
import numpy as np
import pytest

from helpers import plotting, widgets
from helpers.lessons import network_from_scratch as lesson


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def xor_params(seed=0):
    rng = np.random.default_rng(seed)
    return [
        (rng.normal(size=(2, 2)), rng.normal(size=2)),
        (rng.normal(size=(2, 1)), rng.normal(size=1)),
    ]


def cost_of(params, example):
    (W1, b1), (W2, b2) = params
    x, y = lesson.XOR_INPUTS[example], lesson.XOR_TARGETS[example]
    return 0.5 * (y - sigmoid(sigmoid(x @ W1 + b1) @ W2 + b2)[0]) ** 2


# ------------------------------------------------------------------ the backprop stepper


def test_xor_backprop_gradients_match_finite_differences():
    params = xor_params()
    for example in range(4):
        result = lesson.xor_backprop(params, example, learning_rate=0.5)
        assert result["cost"] == pytest.approx(cost_of(params, example), rel=1e-12)
        h = 1e-6
        for layer, part, key in [(0, 0, "dW1"), (0, 1, "db1"), (1, 0, "dW2"), (1, 1, "db2")]:
            array = params[layer][part]
            for index in np.ndindex(array.shape):
                original = array[index]
                array[index] = original + h
                up = cost_of(params, example)
                array[index] = original - h
                down = cost_of(params, example)
                array[index] = original
                assert result[key][index] == pytest.approx((up - down) / (2 * h), abs=1e-9)


def test_xor_backprop_forward_pass_and_equations():
    params = xor_params(1)
    result = lesson.xor_backprop(params, 2, learning_rate=1.0)
    (W1, b1), (W2, _) = params
    np.testing.assert_allclose(result["x"], [1.0, 0.0])
    assert result["y"] == 1.0
    np.testing.assert_allclose(result["a1"], sigmoid(W1[0] + b1))
    # BP3: bias gradients equal the errors; BP4: an input of 0 gives zero weight gradients
    np.testing.assert_array_equal(result["db1"], result["delta1"])
    np.testing.assert_array_equal(result["dW1"][1], [0.0, 0.0])
    np.testing.assert_allclose(result["W2_new"], W2 - result["dW2"])
    assert result["a2_new"][0] > result["a2"][0]  # the target is 1: one step pushes towards it


def test_a_small_sgd_step_lowers_the_cost_of_its_example():
    params = xor_params(2)
    for example in range(4):
        result = lesson.xor_backprop(params, example, learning_rate=0.1)
        assert result["cost_new"] < result["cost"]


def test_xor_backprop_rejects_bad_input():
    with pytest.raises(ValueError, match="2-2-1"):
        lesson.xor_backprop(
            [(np.zeros((3, 2)), np.zeros(2)), (np.zeros((2, 1)), np.zeros(1))], 0, 1
        )
    with pytest.raises(ValueError, match="2-2-1"):
        lesson.xor_backprop([np.zeros((2, 2))], 0, 1.0)
    with pytest.raises(ValueError, match="example must be"):
        lesson.xor_backprop(xor_params(), 4, 1.0)
    with pytest.raises(ValueError, match="example must be"):
        lesson.xor_backprop(xor_params(), 1.0, 1.0)


def test_backprop_stepper_steps_with_the_next_button():
    trained = xor_params(3)
    stepper = lesson.backprop_stepper({"untrained": xor_params(0), "trained": trained}, 2.0)
    assert isinstance(stepper.buttons["next ▶"], ipywidgets.Button)
    assert stepper.result["stage"] == 0
    for stage in range(1, len(lesson.BACKPROP_STAGES)):
        stepper.buttons["next ▶"].click()
        assert stepper.result["stage"] == stage
        assert stepper.controls["stage"].value == stage
        assert stepper.figure is not None and len(stepper.figure.axes) == 2
    stepper.buttons["next ▶"].click()  # after the last stage, back to the first
    assert stepper.result["stage"] == 0

    stepper.controls["weights"].value = "trained"
    stepper.controls["example"].value = 3
    expected = lesson.xor_backprop(trained, 3, 2.0)
    np.testing.assert_array_equal(stepper.result["dW1"], expected["dW1"])
    assert stepper.result["learning_rate"] == 2.0


def test_draw_backprop_step_shows_gradients_only_once_computed():
    result = lesson.xor_backprop(xor_params(), 1, 1.0)

    def texts(stage):
        figure = lesson.draw_backprop_step({**result, "stage": stage})
        return " ".join(t.get_text() for ax in figure.axes for t in ax.texts)

    assert "∂C/∂w" not in texts(3) and "δ=" in texts(3)
    assert "∂C/∂w" in texts(4)
    assert "→" in texts(7) and "→" not in texts(6)


def test_backprop_stepper_rejects_bad_input():
    with pytest.raises(ValueError, match="dict"):
        lesson.backprop_stepper({}, 1.0)
    with pytest.raises(ValueError, match="learning_rate"):
        lesson.backprop_stepper({"a": xor_params()}, -1.0)
    with pytest.raises(ValueError, match="2-2-1"):
        lesson.backprop_stepper({"a": [(np.zeros((2, 3)), np.zeros(3))]}, 1.0)


def test_live_figure_buttons_are_general_and_validated():
    counter = ipywidgets.IntSlider(value=0, min=0, max=10)
    live = widgets.LiveFigure(
        {"n": counter},
        lambda n: n * 2,
        lambda result: plotting.plot_functions({"f": lambda x: x * result}),
        buttons={"+1": lambda w: setattr(w.controls["n"], "value", w.controls["n"].value + 1)},
    )
    live.buttons["+1"].click()
    live.buttons["+1"].click()
    assert live.result == 4
    assert live.buttons["+1"] in live.children[0].children
    with pytest.raises(ValueError, match="needs a function"):
        widgets.LiveFigure({"n": counter}, lambda n: n, lambda r: None, buttons={"x": 3})


# ------------------------------------------------------------------ plot_batch_costs


def test_plot_batch_costs_panels_and_moving_average():
    costs = {"a": np.linspace(1, 0, 300), "b": np.full(300, 0.5)}
    figure = lesson.plot_batch_costs(costs, steps_per_epoch=100, accuracy={"a": [0.5, 0.8, 0.9]})
    assert len(figure.axes) == 3
    raw, mean = figure.axes[0].lines
    assert raw.get_xdata()[-1] == pytest.approx(3.0)  # 300 steps of 100 per epoch
    assert len(mean.get_xdata()) == 300 - 100 + 1
    assert mean.get_ydata()[0] == pytest.approx(np.mean(costs["a"][:100]))
    np.testing.assert_allclose(figure.axes[2].lines[0].get_ydata(), [0.5, 0.8, 0.9])
    assert len(lesson.plot_batch_costs({"a": costs["a"]}, 100).axes) == 1


def test_plot_batch_costs_rejects_bad_input():
    with pytest.raises(ValueError, match="non-empty dict"):
        lesson.plot_batch_costs([1, 2, 3], 10)
    with pytest.raises(ValueError, match="steps_per_epoch"):
        lesson.plot_batch_costs({"a": np.ones(200)}, 0)
    with pytest.raises(ValueError, match="at least 100"):
        lesson.plot_batch_costs({"a": np.ones(50)}, 10)
    with pytest.raises(ValueError, match="one per epoch"):
        lesson.plot_batch_costs({"a": np.ones(200)}, 10, accuracy={"a": []})


# ------------------------------------------------------------------ exercise checks


def unfinished(*args):
    raise NotImplementedError


def softmax_cross_entropy(logits, labels):
    n = len(labels)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probabilities = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    gradient = np.exp(log_probabilities)
    gradient[np.arange(n), labels] -= 1
    return -np.mean(log_probabilities[np.arange(n), labels]), gradient / n


def test_exercise_softmax_cross_entropy(capsys):
    assert lesson.exercise_softmax_cross_entropy(softmax_cross_entropy)
    assert "PASS" in capsys.readouterr().out
    assert not lesson.exercise_softmax_cross_entropy(unfinished)
    assert "NotImplementedError" in capsys.readouterr().out

    def summed(logits, labels):
        cost, gradient = softmax_cross_entropy(logits, labels)
        return cost * len(labels), gradient * len(labels)

    assert not lesson.exercise_softmax_cross_entropy(summed)
    assert "n times too large" in capsys.readouterr().out

    def flipped(logits, labels):
        cost, gradient = softmax_cross_entropy(logits, labels)
        return cost, -gradient

    assert not lesson.exercise_softmax_cross_entropy(flipped)
    assert "sign" in capsys.readouterr().out

    def naive(logits, labels):
        n = len(labels)
        probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        gradient = probabilities.copy()
        gradient[np.arange(n), labels] -= 1
        return -np.mean(np.log(probabilities[np.arange(n), labels])), gradient / n

    with np.errstate(all="ignore"):
        assert not lesson.exercise_softmax_cross_entropy(naive)
    assert "maximum" in capsys.readouterr().out

    def summed_cost_only(logits, labels):
        cost, gradient = softmax_cross_entropy(logits, labels)
        return cost * len(labels), gradient

    assert not lesson.exercise_softmax_cross_entropy(summed_cost_only)
    assert "mean" in capsys.readouterr().out
    assert not lesson.exercise_softmax_cross_entropy(lambda z, y: softmax_cross_entropy(z, y)[1])
    assert "pair" in capsys.readouterr().out

    def forgets_the_target(logits, labels):
        cost, gradient = softmax_cross_entropy(logits, labels)
        gradient = gradient.copy()
        gradient[np.arange(len(labels)), labels] += 1 / len(labels)
        return cost, gradient

    assert not lesson.exercise_softmax_cross_entropy(forgets_the_target)
    assert "subtract the one-hot target" in capsys.readouterr().out

    def every_column(logits, labels):  # log_p[:, labels]: an (n, n) block, not n numbers
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        return -np.mean(log_p[:, labels]), softmax_cross_entropy(logits, labels)[1]

    assert not lesson.exercise_softmax_cross_entropy(every_column)
    assert "np.arange(n), labels" in capsys.readouterr().out

    def log_of_stable_softmax(logits, labels):  # stable softmax, then log: log(0) = -inf
        probabilities = softmax(logits)
        cost = -np.mean(np.log(probabilities[np.arange(len(labels)), labels]))
        return cost, softmax_cross_entropy(logits, labels)[1]

    def clipped_like_section_8(logits, labels):
        probabilities = np.clip(softmax(logits), 1e-7, 1 - 1e-7)
        cost = -np.mean(np.log(probabilities[np.arange(len(labels)), labels]))
        return cost, softmax_cross_entropy(logits, labels)[1]

    for almost_right in (log_of_stable_softmax, clipped_like_section_8):
        with np.errstate(all="ignore"):
            assert not lesson.exercise_softmax_cross_entropy(almost_right)
        assert "confidently wrong" in capsys.readouterr().out

    text_cost = lambda z, y: ("low", softmax_cross_entropy(z, y)[1])  # noqa: E731
    assert not lesson.exercise_softmax_cross_entropy(text_cost)
    assert "the cost returned str" in capsys.readouterr().out


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def make_sgd_step(
    hidden="relu", sign=-1.0, scale_n=False, skip=False, transpose=True, bias="sum", skip_bias=False
):
    def step(params, x, y, learning_rate):
        zs, activations = [], [x]
        for layer, (W, b) in enumerate(params):
            zs.append(activations[-1] @ W + b)
            if layer == len(params) - 1:
                activations.append(softmax(zs[-1]))
            elif hidden == "relu":
                activations.append(np.maximum(zs[-1], 0))
            else:
                activations.append(sigmoid(zs[-1]))
        delta = (activations[-1] - y) / (1 if scale_n else len(y))
        gradients = []
        for layer in reversed(range(len(params))):
            bias_gradient = delta.sum(axis=0) if bias == "sum" else delta.mean(axis=0)
            gradients.append((activations[layer].T @ delta, bias_gradient))
            if layer > 0:
                W = params[layer][0]
                if not transpose and W.shape[0] != W.shape[1]:
                    raise ValueError("matmul: Input operand 1 has a mismatch in its core dimension")
                if hidden == "relu":
                    slope = zs[layer - 1] > 0
                else:
                    slope = sigmoid(zs[layer - 1]) * (1 - sigmoid(zs[layer - 1]))
                delta = (delta @ (W.T if transpose else W)) * slope
        if skip:
            return params
        pairs = zip(params, gradients[::-1], strict=True)
        return [
            (W + sign * learning_rate * dW, b + (0 if skip_bias else sign * learning_rate * db))
            for (W, b), (dW, db) in pairs
        ]

    return step


def test_exercise_relu_sgd_step(capsys):
    assert lesson.exercise_relu_sgd_step(make_sgd_step())
    assert "PASS" in capsys.readouterr().out
    assert not lesson.exercise_relu_sgd_step(unfinished)
    assert "NotImplementedError" in capsys.readouterr().out
    for wrong, hint in [
        (make_sgd_step(sign=1.0), "uphill"),
        (make_sgd_step(scale_n=True), "n times too large"),
        (make_sgd_step(hidden="sigmoid"), "ReLU"),
        (make_sgd_step(skip=True), "did not change"),
        (make_sgd_step(transpose=False), "transposed weights"),
        (make_sgd_step(bias="mean"), "BP3 sums"),
        (make_sgd_step(skip_bias=True), "biases did not change"),
        (lambda params, x, y, lr: params[:1], "pairs with shapes"),
        (lambda params, x, y, lr: None, "pairs with shapes"),
    ]:
        assert not lesson.exercise_relu_sgd_step(wrong)
        assert hint in capsys.readouterr().out

    def forgets_relu_in_backward(params, x, y, learning_rate):  # BP2 without ReLU's derivative
        zs, activations = [], [x]
        for layer, (W, b) in enumerate(params):
            zs.append(activations[-1] @ W + b)
            last = layer == len(params) - 1
            activations.append(softmax(zs[-1]) if last else np.maximum(zs[-1], 0))
        delta, gradients = (activations[-1] - y) / len(y), []
        for layer in reversed(range(len(params))):
            gradients.append((activations[layer].T @ delta, delta.sum(axis=0)))
            delta = delta @ params[layer][0].T
        pairs = zip(params, gradients[::-1], strict=True)
        return [(W - learning_rate * dW, b - learning_rate * db) for (W, b), (dW, db) in pairs]

    assert not lesson.exercise_relu_sgd_step(forgets_relu_in_backward)
    assert "ReLU's derivative, 1 where z > 0" in capsys.readouterr().out


X_POINTS = np.array([-3.0, -2.0, -1.0, -0.5, 0.5, 1.0, 2.0, 3.0])
Y_POINTS = sigmoid(X_POINTS)


def critical_rate():
    a = sigmoid(X_POINTS)  # at the minimum w = 1 the residuals are zero
    curvature = np.mean((a * (1 - a) * X_POINTS) ** 2)
    return 2 / curvature


def test_exercise_critical_learning_rate(capsys):
    critical = critical_rate()
    assert 60 < critical < 80
    assert lesson.exercise_critical_learning_rate(critical, X_POINTS, Y_POINTS)
    assert lesson.exercise_critical_learning_rate(critical * 0.99, X_POINTS, Y_POINTS)
    assert "PASS" in capsys.readouterr().out
    assert not lesson.exercise_critical_learning_rate(None, X_POINTS, Y_POINTS)
    assert "None" in capsys.readouterr().out
    assert not lesson.exercise_critical_learning_rate(critical / 2, X_POINTS, Y_POINTS)
    assert "zig-zag" in capsys.readouterr().out
    assert not lesson.exercise_critical_learning_rate(20.0, X_POINTS, Y_POINTS)
    assert "higher" in capsys.readouterr().out
    assert not lesson.exercise_critical_learning_rate(150.0, X_POINTS, Y_POINTS)
    assert "lower" in capsys.readouterr().out
    assert not lesson.exercise_critical_learning_rate("fast", X_POINTS, Y_POINTS)
    assert not lesson.exercise_critical_learning_rate(-70.0, X_POINTS, Y_POINTS)
    assert "positive" in capsys.readouterr().out
    assert not lesson.exercise_critical_learning_rate(70.0, X_POINTS, Y_POINTS[:3])
    assert "1-D" in capsys.readouterr().out
    assert not lesson.exercise_critical_learning_rate(True, X_POINTS, Y_POINTS)
    assert not lesson.exercise_critical_learning_rate(str(critical), X_POINTS, Y_POINTS)
    assert capsys.readouterr().out.count("expected a number") == 2
    assert not lesson.exercise_critical_learning_rate(70.0, X_POINTS * np.nan, Y_POINTS)
    assert not lesson.exercise_critical_learning_rate(70.0, None, None)
    assert capsys.readouterr().out.count("finite numbers") == 2
    assert not lesson.exercise_critical_learning_rate(np.inf, X_POINTS, Y_POINTS)
    assert "lower" in capsys.readouterr().out
    # the check finds the minimum itself: other data, another limit
    shifted = sigmoid(2.0 * X_POINTS)
    a = shifted
    other = 2 / np.mean((a * (1 - a) * X_POINTS) ** 2)
    assert lesson.exercise_critical_learning_rate(other, X_POINTS, shifted)
    assert not lesson.exercise_critical_learning_rate(critical, X_POINTS, shifted)


# ------------------------------------------------------------------ bad input

GOOD_XOR = xor_params()
NAN_XOR = [(np.full((2, 2), np.nan), np.zeros(2)), (np.zeros((2, 1)), np.zeros(1))]
STEP_RESULT = {**lesson.xor_backprop(GOOD_XOR, 1, 1.0), "stage": 3}
COSTS = {"run": np.linspace(1, 0, 200)}

BAD_INPUT = {
    "plot_batch_costs: None": (lambda: lesson.plot_batch_costs(None, 10), "non-empty dict"),
    "plot_batch_costs: empty": (lambda: lesson.plot_batch_costs({}, 10), "non-empty dict"),
    "plot_batch_costs: NaN": (
        lambda: lesson.plot_batch_costs({"run": np.full(200, np.nan)}, 10),
        "NaN or inf",
    ),
    "plot_batch_costs: inf": (
        lambda: lesson.plot_batch_costs({"run": np.r_[np.ones(199), np.inf]}, 10),
        "NaN or inf",
    ),
    "plot_batch_costs: text": (
        lambda: lesson.plot_batch_costs({"run": ["a"] * 200}, 10),
        "must be numbers",
    ),
    "plot_batch_costs: None costs": (
        lambda: lesson.plot_batch_costs({"run": None}, 10),
        "must be numbers",
    ),
    "plot_batch_costs: 2-D": (
        lambda: lesson.plot_batch_costs({"run": np.ones((200, 2))}, 10),
        "1-D",
    ),
    "plot_batch_costs: steps None": (
        lambda: lesson.plot_batch_costs(COSTS, None),
        "steps_per_epoch",
    ),
    "plot_batch_costs: steps True": (
        lambda: lesson.plot_batch_costs(COSTS, True),
        "steps_per_epoch",
    ),
    "plot_batch_costs: window 0.5": (
        lambda: lesson.plot_batch_costs(COSTS, 10, window=0.5),
        "window",
    ),
    "plot_batch_costs: accuracy NaN": (
        lambda: lesson.plot_batch_costs(COSTS, 10, accuracy={"run": [0.5, np.nan]}),
        "NaN or inf",
    ),
    "plot_batch_costs: accuracy in percent": (
        lambda: lesson.plot_batch_costs(COSTS, 10, accuracy={"run": [50.0, 90.0]}),
        r"\[0, 1\]",
    ),
    "plot_batch_costs: accuracy a list": (
        lambda: lesson.plot_batch_costs(COSTS, 10, accuracy=[0.5]),
        "accuracy must be a dict",
    ),
    "xor_backprop: None": (lambda: lesson.xor_backprop(None, 0, 1.0), "2-2-1"),
    "xor_backprop: None weight": (
        lambda: lesson.xor_backprop([(None, None), (None, None)], 0, 1.0),
        "2-2-1",
    ),
    "xor_backprop: NaN": (lambda: lesson.xor_backprop(NAN_XOR, 0, 1.0), "NaN or inf"),
    "xor_backprop: text": (
        lambda: lesson.xor_backprop([(np.full((2, 2), "a"), "b"), ("c", "d")], 0, 1.0),
        "2-2-1",
    ),
    "xor_backprop: empty": (lambda: lesson.xor_backprop([], 0, 1.0), "2-2-1"),
    "xor_backprop: example True": (
        lambda: lesson.xor_backprop(GOOD_XOR, True, 1.0),
        "example must be",
    ),
    "xor_backprop: learning_rate None": (
        lambda: lesson.xor_backprop(GOOD_XOR, 0, None),
        "learning_rate",
    ),
    "xor_backprop: learning_rate NaN": (
        lambda: lesson.xor_backprop(GOOD_XOR, 0, np.nan),
        "learning_rate",
    ),
    "draw_backprop_step: None": (lambda: lesson.draw_backprop_step(None), "xor_backprop"),
    "draw_backprop_step: no stage": (
        lambda: lesson.draw_backprop_step({**STEP_RESULT, "stage": None}),
        "stage",
    ),
    "draw_backprop_step: stage 8": (
        lambda: lesson.draw_backprop_step({**STEP_RESULT, "stage": 8}),
        "stage",
    ),
    "draw_backprop_step: NaN": (
        lambda: lesson.draw_backprop_step({**STEP_RESULT, "a2": np.array([np.nan])}),
        "NaN",
    ),
    "backprop_stepper: None": (lambda: lesson.backprop_stepper(None, 1.0), "dict"),
    "backprop_stepper: learning_rate None": (
        lambda: lesson.backprop_stepper({"a": GOOD_XOR}, None),
        "learning_rate",
    ),
    "backprop_stepper: learning_rate inf": (
        lambda: lesson.backprop_stepper({"a": GOOD_XOR}, np.inf),
        "learning_rate",
    ),
    "backprop_stepper: NaN weights": (
        lambda: lesson.backprop_stepper({"a": NAN_XOR}, 1.0),
        "NaN or inf",
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_input_gets_a_value_error_that_names_the_fix(case):
    call, message = BAD_INPUT[case]
    with pytest.raises(ValueError, match=message):
        call()
