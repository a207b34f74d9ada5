"""Check cells and exercise self-checks.

Lesson claims: ``expect_at_least("test accuracy", test_acc, 0.97)`` raises ``AssertionError``
with a clear message when a claim fails (so CI fails), prints what was checked, and records the
figure so that ``make bench`` can collect it (:func:`recorded`). They return None, so a check
at the end of a cell prints its line and nothing else.

Exercise checks: ``exercise_...(answer)`` print ``PASS`` or ``Not yet`` with a specific hint and
return a bool; they never raise, whatever the student's code does. Each lesson's checks are in
their own section below.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import numpy as np

PASS = "PASS"
NOT_YET = "Not yet"

_recorded: dict[str, float] = {}


# --------------------------------------------------------------------------- lesson claims


def record(name: str, value: float) -> float:
    """Remember a figure a lesson reached (collected by ``make bench``) and return it."""
    value = _as_number(name, value)
    _recorded[name] = value
    return value


def recorded() -> dict[str, float]:
    """The figures recorded so far in this kernel, in the order they were recorded."""
    return dict(_recorded)


def expect_at_least(name: str, value: float, threshold: float) -> None:
    """Assert ``value >= threshold`` (the lesson's claim), print it and record it."""
    value = record(name, value)
    _claim(value >= threshold, name, value, f">= {threshold:g}")


def expect_at_most(name: str, value: float, threshold: float) -> None:
    """Assert ``value <= threshold``, print it and record it."""
    value = record(name, value)
    _claim(value <= threshold, name, value, f"<= {threshold:g}")


def expect_between(name: str, value: float, low: float, high: float) -> None:
    """Assert ``low <= value <= high``, print it and record it."""
    if low > high:
        raise ValueError(f"expect_between needs low <= high, got {low} > {high}")
    value = record(name, value)
    _claim(low <= value <= high, name, value, f"in [{low:g}, {high:g}]")


def expect_equal(name: str, value, expected) -> None:
    """Assert exact equality (counts, shapes, parameter numbers); print it."""
    ok = bool(np.array_equal(np.asarray(value), np.asarray(expected)))
    _claim(ok, name, value, f"== {expected}")
    if np.ndim(value) == 0 and isinstance(value, int | float | np.number):
        record(name, float(value))


def expect_close(name: str, actual, expected, rtol: float = 1e-5, atol: float = 1e-6) -> None:
    """Assert two arrays agree to ``rtol``/``atol``; print the largest difference."""
    actual = np.asarray(actual, dtype=float)
    expected = np.asarray(expected, dtype=float)
    if actual.shape != expected.shape:
        raise AssertionError(f"{name}: shapes differ, {actual.shape} vs {expected.shape}")
    difference = float(np.max(np.abs(actual - expected))) if actual.size else 0.0
    ok = bool(np.allclose(actual, expected, rtol=rtol, atol=atol))
    _claim(ok, f"{name} (largest difference)", difference, f"within rtol={rtol:g}, atol={atol:g}")


def _as_number(name: str, value) -> float:
    try:
        number = float(np.asarray(value).item())
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name}: expected a single number, got {value!r}") from error
    if math.isnan(number):
        raise AssertionError(f"{name} is NaN: the computation diverged or had invalid input")
    return number


def _claim(ok: bool, name: str, value, claim: str) -> None:
    shown = f"{value:.4g}" if isinstance(value, float) else str(value)
    if not ok:
        raise AssertionError(f"The lesson claims {name} {claim}, but it is {shown}.")
    print(f"✔ {name} = {shown}  (claim: {claim})")


# ------------------------------------------------------------------- exercise machinery


def verdict(exercise: str, problem: str | None) -> bool:
    """Print the outcome of an exercise check and return whether it passed."""
    if problem is None:
        print(f"✅ {PASS}: {exercise}")
        return True
    print(f"❌ {NOT_YET}: {exercise}. {problem}")
    return False


def attempt(function: Callable, *args, **kwargs):
    """Call a student's function; return (result, problem) instead of raising."""
    if not callable(function):
        return None, f"expected a function, got {type(function).__name__}"
    try:
        return function(*args, **kwargs), None
    except NotImplementedError:
        return None, "the function still raises NotImplementedError: replace it with your code"
    except Exception as error:  # any bug in student code becomes a hint, not a crash
        return None, f"calling it raised {type(error).__name__}: {error}"


def _compare(name: str, got, want, rtol: float = 1e-5, atol: float = 1e-6) -> str | None:
    """A hint if ``got`` differs from ``want`` in shape or value, else None."""
    if got is None:
        return f"{name} returned None: did you forget `return`?"
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return f"{name} returned {type(got).__name__}, expected an array of numbers"
    want = np.asarray(want, dtype=float)
    if got.shape != want.shape:
        return f"{name} returned shape {got.shape}, expected {want.shape}"
    if not np.all(np.isfinite(got)) and np.all(np.isfinite(want)):
        return f"{name} returned inf or NaN where the answer is finite"
    if not np.allclose(got, want, rtol=rtol, atol=atol):
        worst = int(np.argmax(np.abs(got - want)))
        return (
            f"{name} is off: at element {worst} you give {got.flat[worst]:.6g}, "
            f"expected {want.flat[worst]:.6g}"
        )
    return None


# ---------------------------------------------------------------- 01: activation functions


def exercise_leaky_relu(leaky_relu: Callable, leaky_relu_derivative: Callable) -> bool:
    """Exercise 01.1: NumPy leaky ReLU ``f(x, alpha)`` and its derivative, matched to Keras."""
    import keras
    import tensorflow as tf

    name = "leaky ReLU and its derivative"
    x = np.array([-30.0, -2.5, -1.0, -0.1, 0.1, 0.7, 3.0, 40.0], dtype=np.float32)
    for alpha in (0.01, 0.2, 0.5):
        x_tensor = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(x_tensor)
            y_tensor = keras.activations.leaky_relu(x_tensor, negative_slope=alpha)
        expected = y_tensor.numpy()
        expected_grad = tape.gradient(y_tensor, x_tensor).numpy()

        got, problem = attempt(leaky_relu, x, alpha)
        problem = problem or _compare(f"leaky_relu(x, alpha={alpha})", got, expected)
        if problem is None:
            got, problem = attempt(leaky_relu_derivative, x, alpha)
            problem = problem or _compare(
                f"leaky_relu_derivative(x, alpha={alpha})", got, expected_grad
            )
        if problem:
            return verdict(name, problem + ". Hint: np.where(x > 0, ..., ...)")
    return verdict(name, None)


def exercise_stable_softmax(softmax: Callable) -> bool:
    """Exercise 01.2: a softmax that does not overflow for large logits."""
    import keras

    name = "numerically stable softmax"
    cases = [
        np.array([1.0, 2.0, 3.0]),
        np.array([1000.0, 1001.0, 1002.0]),
        np.array([-1000.0, 0.0, 5.0, 20.0]),
        np.array([[0.5, -0.5, 2.0], [800.0, 800.0, -800.0]]),
    ]
    for logits in cases:
        expected = np.asarray(keras.activations.softmax(logits.astype(np.float64), axis=-1))
        got, problem = attempt(softmax, logits)
        problem = problem or _compare(f"softmax({logits.tolist()})", got, expected, atol=1e-9)
        if problem:
            hint = (
                " Hint: softmax(z) == softmax(z - max(z)); subtract the row maximum first "
                "(keepdims=True) so that np.exp never overflows."
            )
            return verdict(name, problem + "." + hint)
    return verdict(name, None)


def exercise_collapse_linear_stack(collapse: Callable) -> bool:
    """Exercise 01.3: one affine map (W, b) equal to a stack of Dense layers with no activation."""
    name = "collapse a stack of linear layers into one"
    rng = np.random.default_rng(0)
    for sizes in [(3, 4, 2), (5, 8, 8, 3), (2, 6, 1, 4, 3)]:
        layers = [
            (rng.normal(size=(n_in, n_out)), rng.normal(size=n_out))
            for n_in, n_out in itertools.pairwise(sizes)
        ]
        x = rng.normal(size=(7, sizes[0]))
        expected = x
        for kernel, bias in layers:
            expected = expected @ kernel + bias
        answer, problem = attempt(collapse, layers)
        if problem:
            return verdict(name, problem)
        if not isinstance(answer, tuple | list) or len(answer) != 2:
            return verdict(name, "collapse must return a pair (W, b)")
        kernel, bias = (np.asarray(a, dtype=float) for a in answer)
        if kernel.shape != (sizes[0], sizes[-1]) or bias.shape != (sizes[-1],):
            return verdict(
                name,
                f"for layer sizes {sizes} expected W of shape {(sizes[0], sizes[-1])} and "
                f"b of shape {(sizes[-1],)}, got {kernel.shape} and {bias.shape}",
            )
        problem = _compare("x @ W + b", x @ kernel + bias, expected, rtol=1e-6, atol=1e-8)
        if problem:
            return verdict(
                name,
                problem + ". Hint: feed the bias through the later kernels too: "
                "b = (b1 @ W2 + b2) @ W3 + b3",
            )
    return verdict(name, None)


def exercise_vanishing_bound(bound: float) -> bool:
    """Exercise 01.4: the largest factor sigmoid derivatives allow through 10 layers."""
    name = "upper bound of the sigmoid gradient factor after 10 layers"
    value, problem = (bound, None) if bound is not None else (None, "no answer yet (None)")
    if problem is None:
        try:
            value = float(bound)
        except (TypeError, ValueError):
            problem = f"expected a number, got {bound!r}"
    if problem is None and not math.isclose(value, 0.25**10, rel_tol=1e-6):
        if math.isclose(value, 0.25, rel_tol=1e-6):
            problem = "0.25 is the bound for one layer; the factors multiply across 10 layers"
        elif math.isclose(value, 2.5, rel_tol=1e-6):
            problem = "the factors multiply, they do not add"
        else:
            problem = (
                f"{value:.4g} is not it. The sigmoid's derivative is largest at 0, where it "
                "equals sigma(0) * (1 - sigma(0)); backpropagation multiplies one such factor "
                "per layer"
            )
    return verdict(name, problem)


# ------------------------------------------------------------ 00: what deep learning is, tensors
# (lesson 00 exercise checks go here)


# ------------------------------------------------------------ 02: a network from scratch
# (lesson 02 exercise checks go here)


# ------------------------------------------------------------ 03: MNIST multilayer perceptrons
# (lesson 03 exercise checks go here)


# ------------------------------------------------------------ 04: the 4-pixel camera
# (lesson 04 exercise checks go here)


# ------------------------------------------------------------ 05: gradient descent and optimizers
# (lesson 05 exercise checks go here)


def exercise_adamax(make_adamax: Callable) -> bool:
    """Exercise 05.1: NumPy Adamax matched step for step to ``keras.optimizers.Adamax``.

    ``make_adamax(learning_rate, beta_1, beta_2, epsilon)`` returns a fresh step function
    ``step(theta, gradient) -> new theta``. Both run 30 steps on two surfaces, in float64.
    """
    import keras

    from helpers import datasets

    name = "Adamax in NumPy, step for step like keras.optimizers.Adamax"
    cases = [
        ("rosenbrock", {"learning_rate": 0.05, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}),
        ("saddle", {"learning_rate": 0.02, "beta_1": 0.8, "beta_2": 0.95, "epsilon": 1e-3}),
    ]
    for surface_name, hyper in cases:
        surface = datasets.loss_surface(surface_name)
        step, problem = attempt(make_adamax, **hyper)
        if problem is None and not callable(step):
            problem = f"make_adamax must return a step function, got {type(step).__name__}"
        if problem:
            return verdict(name, problem)
        # float64 hyperparameters: Keras would otherwise round Python floats to float32
        optimizer = keras.optimizers.Adamax(**{k: np.float64(v) for k, v in hyper.items()})
        variable = keras.Variable(np.array(surface.start), dtype="float64")
        theta = np.array(surface.start)
        for t in range(1, 31):
            new_theta, problem = attempt(step, theta.copy(), surface.gradient(theta))
            optimizer.apply([surface.gradient(variable.numpy())], [variable])
            where = f"theta after step {t} on the {surface_name} surface ({hyper})"
            problem = problem or _compare(where, new_theta, variable.numpy(), rtol=1e-6, atol=1e-9)
            if problem and t == 1:
                problem += (
                    ". Hint: at step t = 1, m = (1 - beta_1) g and u = |g|; Keras moves theta "
                    "by learning_rate * m / ((1 - beta_1**t) * (u + epsilon)), with t counting "
                    "from 1"
                )
            elif problem:
                problem += (
                    ". Hint: the first step is right, so look at what is kept between calls: "
                    "m = beta_1 m + (1 - beta_1) g, u = max(beta_2 u, |g|), and t += 1 "
                    "(use nonlocal in the step function)"
                )
            if problem:
                return verdict(name, problem)
            theta = np.asarray(new_theta, dtype=float)
    return verdict(name, None)


LARGEST_RATE_MATRIX = ((3.0, 2.0), (2.0, 6.0))  # the bowl of exercise 05.2


def exercise_largest_learning_rate(learning_rate: float) -> bool:
    """Exercise 05.2: the largest learning rate at which plain gradient descent still converges
    on the bowl ``f = 1/2 theta^T A theta`` with ``A = LARGEST_RATE_MATRIX``."""
    name = "largest learning rate for plain gradient descent on the tilted bowl"
    matrix = np.array(LARGEST_RATE_MATRIX)
    limit = 2 / np.linalg.eigvalsh(matrix).max()
    if learning_rate is None:
        return verdict(name, "no answer yet (None)")
    try:
        value = float(learning_rate)
    except (TypeError, ValueError):
        return verdict(name, f"expected a number, got {learning_rate!r}")
    if 0.97 * limit <= value <= 1.01 * limit:
        return verdict(name, None)
    if value <= 0 or not math.isfinite(value):
        return verdict(name, f"a learning rate is a positive number, got {value}")
    diagonal = [2 / matrix[1, 1], 2 / matrix[0, 0]]
    if any(math.isclose(value, d, rel_tol=0.02) for d in diagonal):
        problem = (
            f"{value:.4g} would be right if the bowl were aligned with the axes. The diagonal "
            "entries are the curvatures along x and y, but this bowl is tilted: its steepest "
            "curvature lies along an eigenvector of A (np.linalg.eigvalsh), or simply "
            "find the limit by running gradient descent"
        )
    elif value > limit:
        problem = (
            f"at learning rate {value:.4g} plain gradient descent diverges on this bowl: the "
            "loss grows step after step. Try smaller rates"
        )
    else:
        problem = (
            f"gradient descent still converges at rates above {value:.4g}: keep raising it "
            "until the loss stops going down (bisection helps)"
        )
    return verdict(name, problem)


# ------------------------------------------------------------ 06: overfitting and regularization
# (lesson 06 exercise checks go here)
