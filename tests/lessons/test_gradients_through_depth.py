"""Lesson 01b helpers: the NumPy signal against Keras (the oracle), the explorer, the checks."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from helpers.lessons import gradients_through_depth as lesson

RNG = np.random.default_rng(0)
X = RNG.uniform(0, 1, (32, 20))
INFINITE_UPSTREAM = np.full((32, 20), np.inf)


@pytest.mark.parametrize("activation", list(lesson.ACTIVATIONS))
def test_signal_matches_keras_and_gradient_tape(activation):
    kernels = lesson.random_kernels(20, 16, 4, "he", gain=1.2, seed=1)
    upstream = RNG.standard_normal((32, 16))
    result = lesson.signal_through_depth(X, kernels, activation, upstream)

    model = keras.Sequential(
        [keras.Input((20,))]
        + [keras.layers.Dense(16, activation=activation, use_bias=False) for _ in kernels]
    )
    for layer, kernel in zip(model.layers, kernels, strict=True):
        layer.set_weights([kernel.astype("float32")])
    with tf.GradientTape() as tape:
        outputs, h = [], tf.constant(X, tf.float32)
        for layer in model.layers:
            h = layer(h)
            outputs.append(h)
        loss = tf.reduce_sum(h * upstream.astype("float32"))
    gradients = tape.gradient(loss, [layer.kernel for layer in model.layers])
    keras_norms = [float(tf.norm(g)) for g in gradients]
    keras_spreads = [float(tf.reduce_mean(tf.math.reduce_std(o, axis=0))) for o in outputs]
    np.testing.assert_allclose(result["gradient_norm"], keras_norms, rtol=1e-4)
    np.testing.assert_allclose(result["spread"], keras_spreads, rtol=1e-4)
    np.testing.assert_allclose(
        result["mean"], [float(tf.reduce_mean(o)) for o in outputs], atol=1e-5
    )


@pytest.mark.parametrize("name", list(lesson.INITIALIZERS))
def test_random_kernels_have_the_initializers_variance(name):
    kernel = lesson.random_kernels(300, 200, 2, name, gain=1.5, seed=0)[1]
    keras_kernel = keras.initializers.get(f"{name}_normal")((200, 200))
    # Keras draws from a truncated normal widened so that its spread is the initializer's
    assert kernel.std() == pytest.approx(1.5 * float(np.std(keras_kernel)), rel=0.03)


def test_selu_keeps_mean_zero_and_spread_one_where_relu_with_glorot_fades():
    x = (X - X.mean()) / X.std()
    selu = lesson.signal_through_depth(x, lesson.random_kernels(20, 100, 30, "lecun"), "selu")
    relu = lesson.signal_through_depth(x, lesson.random_kernels(20, 100, 30, "glorot"), "relu")
    assert 0.7 < selu["spread"][-1] < 1.3 and abs(selu["mean"][-1]) < 0.2
    assert relu["spread"][-1] < 1e-3 * relu["spread"][0]


def test_gain_above_one_explodes_the_gradient_and_below_one_makes_it_vanish():
    ratios = {}
    for gain in (0.8, 1.25):
        kernels = lesson.random_kernels(20, 128, 30, "he", gain=gain, seed=2)
        norms = lesson.signal_through_depth(X, kernels, "relu")["gradient_norm"]
        ratios[gain] = norms[0] / norms[-1]
    # backward, each ReLU layer multiplies the gradient by about `gain`; forward, the inputs of
    # the early layers are larger (gain > 1) or smaller by the same factors: both effects cancel
    # in the kernel gradient's norm, so it is the size of the whole network's gradient that moves
    big = lesson.signal_through_depth(X, lesson.random_kernels(20, 128, 30, "he", 1.25, 2), "relu")
    small = lesson.signal_through_depth(X, lesson.random_kernels(20, 128, 30, "he", 0.8, 2), "relu")
    assert big["gradient_norm"].min() > 1e3 * small["gradient_norm"].max()
    assert all(0.01 < r < 100 for r in ratios.values())


def test_depth_explorer_responds_to_each_control():
    explorer = lesson.depth_explorer(X)
    assert explorer.result["spread"].size == 20
    he_ratio = explorer.result["gradient_ratio"]
    explorer.controls["depth"].value = 40
    assert explorer.result["spread"].size == 40
    explorer.controls["activation"].value = "sigmoid"
    assert explorer.result["gradient_ratio"] < 1e-6 < 0.1 < he_ratio
    explorer.controls["initializer"].value = "glorot"
    sigmoid_glorot = explorer.result["gradient_norm"][0]
    explorer.controls["gain"].value = 1.5
    assert explorer.result["gradient_norm"][0] > sigmoid_glorot
    assert "sigmoid, glorot x 1.50, 40 layers" in explorer.figure._suptitle.get_text()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: lesson.signal_through_depth(None, [np.eye(2)], "relu"), "got None"),
        (lambda: lesson.signal_through_depth(np.ones(5), [np.eye(5)], "relu"), "flatten"),
        (lambda: lesson.signal_through_depth([[np.nan, 1], [1, 1]], [np.eye(2)], "relu"), "NaN"),
        (lambda: lesson.signal_through_depth(X, [np.eye(20)], "swish"), "one of"),
        (lambda: lesson.signal_through_depth(X, [], "relu"), "non-empty list"),
        (lambda: lesson.signal_through_depth(X, [np.eye(3)], "relu"), "kernel 0 has shape"),
        (lambda: lesson.signal_through_depth(X, [np.eye(20)], "relu", np.ones(3)), "upstream"),
        (lambda: lesson.signal_through_depth(X, [np.full((20, 4), np.nan)], "relu"), "NaN"),
        (lambda: lesson.signal_through_depth(X, [None], "relu"), "kernel 0"),
        (lambda: lesson.signal_through_depth(X, [np.eye(20)], "relu", INFINITE_UPSTREAM), "NaN"),
        (lambda: lesson.random_kernels(20, 16, 0, "he"), "depth"),
        (lambda: lesson.random_kernels(20, 16, 3, "xavier"), "one of"),
        (lambda: lesson.random_kernels(20, 16, 3, "he", gain=float("nan")), "gain"),
        (lambda: lesson.draw_signal({"spread": [1.0]}), "keys"),
        (lambda: lesson.draw_signal({"spread": [np.nan], "gradient_norm": [1.0]}), "no finite"),
        (lambda: lesson.depth_explorer("digits"), "numbers"),
    ],
)
def test_bad_input_gets_a_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ------------------------------------------------------------------ exercises


@pytest.mark.parametrize(
    ("bound", "hint"),
    [
        (None, "None"),
        (0.25, "one layer"),
        (2.5, "multiply"),
        (0.5**10, "sigma(0)"),
        (1.0, "tanh"),
        (0.25**9, "too few"),
        (0.25**11, "too many"),
        (1e-3, "not it"),
        ("small", "expected a number"),
        (True, "expected a number"),
        (np.full(10, 0.25), "one number"),
    ],
)
def test_exercise_vanishing_bound_rejects_mistakes(capsys, bound, hint):
    assert not lesson.exercise_vanishing_bound(bound)
    assert hint in capsys.readouterr().out


def test_exercise_vanishing_bound_passes_the_solution(capsys):
    assert lesson.exercise_vanishing_bound(0.25**10)
    assert lesson.exercise_vanishing_bound(np.float64(0.25) ** 10)
    assert "PASS" in capsys.readouterr().out


def clip_right(gradient, max_norm):
    norm = np.linalg.norm(gradient)
    return gradient * max_norm / norm if norm > max_norm else gradient


def clip_elementwise(gradient, max_norm):
    return np.clip(gradient, -max_norm, max_norm)


def clip_always(gradient, max_norm):
    return gradient * max_norm / np.linalg.norm(gradient)


def clip_to_unit(gradient, max_norm):
    norm = np.linalg.norm(gradient)
    return gradient / norm if norm > max_norm else gradient


def clip_inverted(gradient, max_norm):
    norm = np.linalg.norm(gradient)
    return gradient * norm / max_norm if norm > max_norm else gradient


def clip_rows(gradient, max_norm):  # clips each row of a kernel on its own
    norms = np.linalg.norm(np.atleast_2d(gradient), axis=-1, keepdims=True)
    scaled = np.atleast_2d(gradient) * np.minimum(1, max_norm / norms)
    return scaled.reshape(np.shape(gradient))


def clip_forgets_return(gradient, max_norm):
    gradient * max_norm / np.linalg.norm(gradient)


def clip_blank(gradient, max_norm):
    raise NotImplementedError


def test_exercise_clip_by_norm_passes_the_solution(capsys):
    assert lesson.exercise_clip_by_norm(clip_right)
    assert "PASS" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("function", "hint"),
    [
        (clip_elementwise, "clipvalue"),
        (clip_always, "left unchanged"),
        (clip_to_unit, "multiply by max_norm"),
        (clip_inverted, "upside down"),
        (clip_rows, "is off"),
        (clip_forgets_return, "return"),
        (clip_blank, "NotImplementedError"),
        (None, "expected a function"),
    ],
)
def test_exercise_clip_by_norm_rejects_mistakes(capsys, function, hint):
    assert not lesson.exercise_clip_by_norm(function)
    assert hint in capsys.readouterr().out
