"""Lesson 05b (optimizers on MNIST): symmetry measures, the sweep explorer, the exercise checks.

Nothing here trains a network: the explorer draws made-up sweeps, and the weight-decay oracle
is checked against Keras's own SGD on a two-element variable.
"""

import math
import time

import numpy as np
import pytest

from helpers.lessons import optimizers_on_mnist as lesson

# ---------------------------------------------------------------------------- symmetry measures


def test_unit_gap_and_spread_tell_copies_from_random_units():
    copies = np.tile(np.linspace(-1, 1, 784)[:, None], (1, 32))
    assert lesson.unit_gap(copies) == 0 and lesson.spread_between_units(copies) == 0
    assert (
        lesson.unit_gap(np.zeros((4, 3))) == 0
        and lesson.spread_between_units(np.zeros((4, 3))) == 0
    )
    nudged = copies.copy()
    nudged[10, 5] += 0.5  # one weight of one unit differs by half the largest weight
    assert lesson.unit_gap(nudged) == pytest.approx(0.5 / 1.0)
    random = np.random.default_rng(0).uniform(-0.1, 0.1, (784, 32))
    assert lesson.unit_gap(random) > 1 and 1.1 < lesson.spread_between_units(random) < 1.2


# ---------------------------------------------------------------------------- the sweep


def made_up_sweep():
    """Three optimizers, each with an accuracy that peaks at one rate (epochs: 3)."""
    sweep = {}
    for name, best in (("SGD", 0.3), ("Adam", 0.003), ("Adagrad", 0.1)):
        rates = [round(best * f, 10) for f in (0.1, 1, 3, 10)]
        sweep[name] = {
            rate: [0.9 - 0.05 * abs(math.log10(rate / best)) + 0.02 * e for e in range(3)]
            for rate in rates
        }
    return sweep


def test_best_rates_picks_the_highest_final_accuracy_and_the_smaller_rate_on_a_tie():
    best = lesson.best_rates(made_up_sweep())
    assert best["SGD"] == (0.3, pytest.approx(0.94)) and best["Adam"][0] == 0.003
    tie = {"Adam": {0.01: [0.5, 0.9], 0.001: [0.6, 0.9], 0.1: [0.2, 0.3]}}
    assert lesson.best_rates(tie) == {"Adam": (0.001, 0.9)}


def test_draw_sweep_shows_the_chosen_run_and_every_optimizer_against_rate():
    figure = lesson.draw_sweep(made_up_sweep(), "Adam", 0.03)
    curves, rates = figure.axes
    # 2 other optimizers at their best, then Adam's 4 rates
    assert len(curves.lines) == 2 + 4
    assert [line.get_label() for line in curves.lines][-1] == "Adam, 0.03"
    assert len(rates.lines) == 3 + 1  # one curve per optimizer, the circle around the choice
    np.testing.assert_allclose(rates.lines[-1].get_xdata(), [0.03])


def test_sweep_explorer_switches_optimizer_and_rate_quickly():
    explorer = lesson.sweep_explorer(made_up_sweep())
    assert explorer.result["optimizer"] == "SGD" and explorer.result["rate"] == 0.3
    rate = explorer.controls["rate"]
    durations = []
    for value in [0.03, 3.0, 0.9, 0.3, 0.03]:
        start = time.process_time()
        rate.value = value
        durations.append(time.process_time() - start)
        assert explorer.result["rate"] == value
    assert explorer.result["final_accuracy"] == pytest.approx(0.9 - 0.05 + 0.04)
    explorer.controls["optimizer"].value = "Adam"  # the slider now offers Adam's rates
    assert [value for _, value in rate.options] == [0.0003, 0.003, 0.009, 0.03]
    assert explorer.result["optimizer"] == "Adam" and explorer.result["rate"] in (0.003, 0.03)
    assert rate.value == explorer.result["rate"]
    rate.value = 0.0003
    assert explorer.result == {
        "optimizer": "Adam",
        "rate": 0.0003,
        "final_accuracy": pytest.approx(0.89),
    }
    assert np.median(durations) < 0.3, durations


# ---------------------------------------------------------------------------- exercise 1


def my_sgdw_solution(learning_rate, momentum, weight_decay):
    velocity = np.zeros(2)

    def step(theta, gradient):
        nonlocal velocity
        theta = theta - learning_rate * weight_decay * theta
        velocity = momentum * velocity - learning_rate * gradient
        return theta + velocity

    return step


@pytest.mark.parametrize("settings", lesson.WEIGHT_DECAY_SETTINGS)
def test_the_weight_decay_oracle_is_what_keras_sgd_does(settings):
    import keras

    learning_rate, momentum, weight_decay = settings
    optimizer = keras.optimizers.SGD(learning_rate, momentum=momentum, weight_decay=weight_decay)
    theta = keras.Variable(lesson.WEIGHT_DECAY_START, dtype="float64")
    keras_path = [theta.numpy().copy()]
    for _ in range(20):
        gradient = lesson.WEIGHT_DECAY_BOWL @ theta.numpy()
        optimizer.apply([keras.ops.convert_to_tensor(gradient)], [theta])
        keras_path.append(theta.numpy().copy())
    ours = lesson.weight_decay_path(lesson.sgdw_variant(*settings))
    np.testing.assert_allclose(ours, np.array(keras_path), rtol=1e-6, atol=1e-7)  # float32 rate
    for mistake in lesson.WEIGHT_DECAY_MISTAKES:  # each mistake leaves Keras's path visibly
        wrong = lesson.weight_decay_path(lesson.sgdw_variant(*settings, mistake))
        assert np.abs(wrong - np.array(keras_path)).max() > 1e-3, mistake


def test_weight_decay_check_passes_the_solution_and_rejects_the_blank(capsys):
    assert lesson.exercise_weight_decay(my_sgdw_solution)
    assert "PASS" in capsys.readouterr().out

    def blank(learning_rate, momentum, weight_decay):
        raise NotImplementedError

    assert not lesson.exercise_weight_decay(blank)
    assert "NotImplementedError" in capsys.readouterr().out


def student_with(mistake):
    """A student's own code with one mistake (written out, not the check's variants)."""

    def make(learning_rate, momentum, weight_decay):
        velocity = np.zeros(2)

        def step(theta, gradient):
            nonlocal velocity
            if mistake == "l2":
                gradient = gradient + weight_decay * theta
            elif mistake == "no_rate":
                theta = theta - weight_decay * theta
            elif mistake == "sign":
                theta = theta + learning_rate * weight_decay * theta
            elif mistake not in ("after", "none"):
                theta = theta - learning_rate * weight_decay * theta
            if mistake == "no_momentum":
                return theta - learning_rate * gradient
            velocity = momentum * velocity - learning_rate * gradient
            theta = theta + velocity
            if mistake == "after":
                theta = theta * (1 - learning_rate * weight_decay)
            return theta

        return step

    return make


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        ("l2", "went into the gradient (L2)"),
        ("after", "after the momentum step"),
        ("no_rate", "forgets the learning rate"),
        ("sign", "grows theta"),
        ("none", "no weight decay at all"),
        ("no_momentum", "no momentum"),
    ],
)
def test_weight_decay_check_names_each_mistake(capsys, mistake, hint):
    assert not lesson.exercise_weight_decay(student_with(mistake))
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out


def test_weight_decay_check_never_raises_on_junk(capsys):
    def returns_none(learning_rate, momentum, weight_decay):
        return None

    def wrong_shape(learning_rate, momentum, weight_decay):
        return lambda theta, gradient: np.zeros(3)

    def hard_coded(learning_rate, momentum, weight_decay):
        return lambda theta, gradient: theta * 0.9

    def exploding(learning_rate, momentum, weight_decay):
        return lambda theta, gradient: theta * 1e200

    for answer in [None, "sgd", returns_none, wrong_shape, hard_coded, exploding]:
        assert not lesson.exercise_weight_decay(answer)
    out = capsys.readouterr().out
    assert out.count("Not yet") == 6 and "Traceback" not in out
    assert "lands at" in out and "NaN or inf" in out


# ---------------------------------------------------------------------------- exercise 2


def he_solution(fan_in):
    return math.sqrt(2 / fan_in)


def glorot_solution(fan_in, fan_out):
    return math.sqrt(2 / (fan_in + fan_out))


def test_initial_std_formulas_are_what_keras_draws():
    import keras

    for fan_in, fan_out in lesson.INIT_CASES:
        shape = (fan_in, max(fan_out, 2000))  # He's spread does not depend on fan_out
        he = keras.initializers.HeNormal(seed=1)(shape).numpy().std()
        assert he == pytest.approx(he_solution(fan_in), rel=0.01)
        many = np.concatenate(  # Glorot's does: many draws of the one shape
            [
                keras.initializers.GlorotNormal(seed=s)((fan_in, fan_out)).numpy().ravel()
                for s in range(max(1, 200_000 // (fan_in * fan_out)))
            ]
        )
        assert many.std() == pytest.approx(glorot_solution(fan_in, fan_out), rel=0.02)


def test_initial_std_check_passes_the_solution_and_rejects_the_blank(capsys):
    assert lesson.exercise_initial_std(he_solution, glorot_solution)
    assert "PASS" in capsys.readouterr().out

    def blank(*fans):
        raise NotImplementedError

    assert not lesson.exercise_initial_std(blank, blank)
    assert "NotImplementedError" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("he", "glorot", "hint"),
    [
        (lambda n: 2 / n, glorot_solution, "a variance, not a standard deviation"),
        (he_solution, lambda a, b: 2 / (a + b), "a variance, not a standard deviation"),
        (lambda n: math.sqrt(2 / n) / 0.87962566103423978, glorot_solution, "truncated normal"),
        (lambda n: math.sqrt(2 / (n + 128)), glorot_solution, "other initializer's formula"),
        (he_solution, lambda a, b: math.sqrt(2 / a), "other initializer's formula"),
        (he_solution, lambda a, b: math.sqrt(2 / b), "fan_out instead of fan_in"),
        (lambda n: math.sqrt(1 / n), glorot_solution, "you have 1"),
        (he_solution, lambda a, b: math.sqrt(6 / (a + b)), "limit of the uniform version"),
        (lambda n: 0.05, glorot_solution, "expected 0.0505"),
        (lambda n: None, glorot_solution, "return"),
        (lambda n: "0.05", glorot_solution, "expected a number"),
    ],
)
def test_initial_std_check_names_each_mistake(capsys, he, glorot, hint):
    assert not lesson.exercise_initial_std(he, glorot)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out


def test_initial_std_check_never_raises_on_junk(capsys):
    for answer in [None, 3, "he", lambda: 1.0, lambda *a: [1, 2], lambda *a: np.nan]:
        assert not lesson.exercise_initial_std(answer, glorot_solution)
        assert not lesson.exercise_initial_std(he_solution, answer)
    out = capsys.readouterr().out
    assert out.count("Not yet") == 12 and "Traceback" not in out


# ---------------------------------------------------------------------------- bad input

SWEEP = made_up_sweep()
BAD_CALLS = {
    "unit_gap(None)": lambda: lesson.unit_gap(None),
    "unit_gap(NaN)": lambda: lesson.unit_gap(np.full((3, 2), np.nan)),
    "unit_gap(empty)": lambda: lesson.unit_gap(np.zeros((0, 4))),
    "unit_gap(one unit)": lambda: lesson.unit_gap(np.ones((5, 1))),
    "spread_between_units(inf)": lambda: lesson.spread_between_units([[np.inf, 1.0]]),
    "spread_between_units(text)": lambda: lesson.spread_between_units([["a", "b"]]),
    "spread_between_units(1-D)": lambda: lesson.spread_between_units(np.ones(4)),
    "best_rates(None)": lambda: lesson.best_rates(None),
    "best_rates(empty)": lambda: lesson.best_rates({}),
    "best_rates(no runs)": lambda: lesson.best_rates({"Adam": {}}),
    "best_rates(rate 0)": lambda: lesson.best_rates({"Adam": {0.0: [0.9]}}),
    "best_rates(rate text)": lambda: lesson.best_rates({"Adam": {"0.1": [0.9]}}),
    "best_rates(NaN accuracy)": lambda: lesson.best_rates({"Adam": {0.1: [np.nan]}}),
    "best_rates(percent)": lambda: lesson.best_rates({"Adam": {0.1: [90.0]}}),
    "best_rates(2-D)": lambda: lesson.best_rates({"Adam": {0.1: [[0.9]]}}),
    "best_rates(empty curve)": lambda: lesson.best_rates({"Adam": {0.1: []}}),
    "best_rates(text curve)": lambda: lesson.best_rates({"Adam": {0.1: ["high"]}}),
    "best_rates(empty name)": lambda: lesson.best_rates({"": {0.1: [0.9]}}),
    "draw_sweep(unknown optimizer)": lambda: lesson.draw_sweep(SWEEP, "Nadam", 0.1),
    "draw_sweep(rate not run)": lambda: lesson.draw_sweep(SWEEP, "Adam", 0.5),
    "draw_sweep(rate None)": lambda: lesson.draw_sweep(SWEEP, "Adam", None),
    "sweep_explorer(None)": lambda: lesson.sweep_explorer(None),
    "sweep_explorer(list)": lambda: lesson.sweep_explorer([0.9, 0.8]),
    "sgdw_variant(unknown mistake)": lambda: lesson.sgdw_variant(0.1, 0.9, 0.1, "typo"),
    "sgdw_variant(rate None)": lambda: lesson.sgdw_variant(None, 0.9, 0.1),
    "sgdw_variant(momentum -1)": lambda: lesson.sgdw_variant(0.1, -1.0, 0.1),
    "sgdw_variant(decay text)": lambda: lesson.sgdw_variant(0.1, 0.9, "0.1"),
    "weight_decay_path(shape)": lambda: lesson.weight_decay_path(lambda t, g: np.zeros(3)),
}


@pytest.mark.parametrize("call", BAD_CALLS.values(), ids=BAD_CALLS.keys())
def test_public_functions_reject_bad_input_with_a_useful_message(call):
    with pytest.raises(ValueError) as error:
        call()
    message = str(error.value)
    assert len(message) > 25 and any(
        word in message for word in ("expect", "must", "was run at", "one of")
    ), message
