"""helpers.checks: claims fail loudly and get recorded; exercise checks pass and fail correctly."""

import numpy as np
import pytest

from helpers import checks


def test_expect_at_least_passes_records_and_fails_with_the_claim(capsys):
    checks.expect_at_least("test accuracy", np.float32(0.981), 0.97)
    assert "test accuracy = 0.981" in capsys.readouterr().out
    assert checks.recorded()["test accuracy"] == pytest.approx(0.981)
    with pytest.raises(AssertionError, match=r"claims test accuracy >= 0\.99, but it is 0\.981"):
        checks.expect_at_least("test accuracy", 0.981, 0.99)


def test_other_claims():
    checks.expect_at_most("loss", 0.2, 0.3)
    checks.expect_between("ratio", 5, 1, 10)
    checks.expect_equal("parameters", 669706, 669706)
    checks.expect_close("outputs", [1.0, 2.0], [1.0, 2.0 + 1e-9])
    with pytest.raises(AssertionError):
        checks.expect_at_most("loss", 0.4, 0.3)
    with pytest.raises(AssertionError):
        checks.expect_between("ratio", 11, 1, 10)
    with pytest.raises(AssertionError, match="== 669706"):
        checks.expect_equal("parameters", 669707, 669706)
    with pytest.raises(AssertionError, match="largest difference"):
        checks.expect_close("outputs", [1.0, 2.0], [1.0, 2.1])
    with pytest.raises(AssertionError, match="shapes differ"):
        checks.expect_close("outputs", [1.0], [1.0, 2.0])


def test_bad_values_are_rejected_clearly():
    with pytest.raises(AssertionError, match="NaN"):
        checks.expect_at_least("accuracy", float("nan"), 0.5)
    with pytest.raises(ValueError, match="single number"):
        checks.expect_at_least("accuracy", [0.5, 0.6], 0.5)
    with pytest.raises(ValueError, match="low <= high"):
        checks.expect_between("x", 1, 2, 0)


def test_attempt_turns_student_errors_into_hints():
    def unfinished(x):
        raise NotImplementedError

    assert "NotImplementedError" in checks.attempt(unfinished, 1)[1]
    assert "ZeroDivisionError" in checks.attempt(lambda x: 1 / x, 0)[1]
    assert checks.attempt(lambda x: x + 1, 1) == (2, None)
    assert "expected a function" in checks.attempt(None)[1]


# ------------------------------------------------------------------------------ lesson 01


def unfinished(*args):
    raise NotImplementedError


def test_exercise_leaky_relu(capsys):
    def leaky(x, alpha):
        return np.where(x > 0, x, alpha * x)

    def leaky_derivative(x, alpha):
        return np.where(x > 0, 1.0, alpha)

    assert checks.exercise_leaky_relu(leaky, leaky_derivative)
    assert "PASS" in capsys.readouterr().out
    assert not checks.exercise_leaky_relu(unfinished, unfinished)
    assert "NotImplementedError" in capsys.readouterr().out
    assert not checks.exercise_leaky_relu(lambda x, a: np.maximum(x, 0), leaky_derivative)
    assert not checks.exercise_leaky_relu(leaky, lambda x, a: np.where(x > 0, 1.0, 0.0))
    assert not checks.exercise_leaky_relu(lambda x, a: None, leaky_derivative)
    assert "return" in capsys.readouterr().out


def test_exercise_stable_softmax(capsys):
    def stable(z):
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    def naive(z):
        e = np.exp(z)
        return e / e.sum(axis=-1, keepdims=True)

    def flat_max(z):  # subtracts the global max: wrong for rows far apart
        e = np.exp(z - z.max())
        return e / e.sum(axis=-1, keepdims=True)

    with np.errstate(all="ignore"):
        assert checks.exercise_stable_softmax(stable)
        assert not checks.exercise_stable_softmax(naive)
        assert "max" in capsys.readouterr().out
        assert not checks.exercise_stable_softmax(flat_max)
        assert not checks.exercise_stable_softmax(unfinished)


def test_exercise_collapse_linear_stack():
    def collapse(layers):
        kernel, bias = layers[0]
        for next_kernel, next_bias in layers[1:]:
            kernel, bias = kernel @ next_kernel, bias @ next_kernel + next_bias
        return kernel, bias

    def forgets_bias_propagation(layers):
        kernel = layers[0][0]
        for next_kernel, _ in layers[1:]:
            kernel = kernel @ next_kernel
        return kernel, sum(b for _, b in layers[-1:])

    assert checks.exercise_collapse_linear_stack(collapse)
    assert not checks.exercise_collapse_linear_stack(forgets_bias_propagation)
    assert not checks.exercise_collapse_linear_stack(lambda layers: layers[0])
    assert not checks.exercise_collapse_linear_stack(unfinished)


def test_exercise_vanishing_bound(capsys):
    assert checks.exercise_vanishing_bound(0.25**10)
    assert not checks.exercise_vanishing_bound(None)
    assert not checks.exercise_vanishing_bound(0.25)
    assert "multiply" in capsys.readouterr().out
    assert not checks.exercise_vanishing_bound("small")
    assert not checks.exercise_vanishing_bound(1e-3)


def test_expect_equal_summarises_big_arrays(capsys):
    checks.expect_equal("labels", np.arange(1000), np.arange(1000))
    printed = capsys.readouterr().out
    assert "array of shape (1000,)" in printed and "999" not in printed
    wrong = np.arange(1000)
    wrong[:3] = -1
    with pytest.raises(AssertionError, match="different in 3 of 1000 elements"):
        checks.expect_equal("labels", wrong, np.arange(1000))


def test_expect_equal_records_numbers_but_not_booleans():
    checks.expect_equal("a count for the benchmarks", 7, 7)
    checks.expect_equal("a yes/no fact", True, True)
    assert checks.recorded()["a count for the benchmarks"] == 7.0
    assert "a yes/no fact" not in checks.recorded()
