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


# ------------------------------------------------------------ 06: overfitting and regularization
# (lesson 06 exercise checks go here)


def exercise_weight_penalty(penalty: Callable) -> bool:
    """Exercise 06.1: ``penalty(kernels, l1, l2)`` equals the loss term of Keras's ``l1_l2``."""
    import keras

    name = "the L1 + L2 weight penalty"
    rng = np.random.default_rng(6)
    kernels = [rng.normal(0, 0.1, size=(6, 4)), rng.normal(0, 0.3, size=(4, 3))]
    for l1, l2 in [(0.0, 0.001), (0.001, 0.0), (0.01, 0.001)]:
        regularizer = keras.regularizers.l1_l2(l1=l1, l2=l2)
        expected = sum(float(regularizer(k.astype("float32"))) for k in kernels)
        got, problem = attempt(penalty, [k.copy() for k in kernels], l1, l2)
        if problem:
            return verdict(name, problem)
        try:
            got = float(np.asarray(got).item())
        except (TypeError, ValueError):
            return verdict(name, f"return one number, got {type(got).__name__} {np.shape(got)}")
        if not math.isclose(got, expected, rel_tol=1e-4, abs_tol=1e-9):
            hint = _penalty_hint(got, kernels, l1, l2)
            return verdict(
                name, f"with l1={l1}, l2={l2} you give {got:.6g}, Keras adds {expected:.6g}; {hint}"
            )
    return verdict(name, None)


def _penalty_hint(got: float, kernels: list[np.ndarray], l1: float, l2: float) -> str:
    """The hint for a wrong weight penalty: which common mistake gives exactly ``got``."""

    def per_kernel(l1_term: Callable, l2_term: Callable, chosen=kernels) -> float:
        return sum(float(l1 * l1_term(k) + l2 * l2_term(k)) for k in chosen)

    def squares(k):
        return np.sum(k**2)

    def absolutes(k):
        return np.sum(np.abs(k))

    mistakes = {
        "the L2 part uses squared weights, not the norm (no square root)": per_kernel(
            absolutes, lambda k: np.sqrt(squares(k))
        ),
        "the L1 part uses |w|: negative weights count as positive": per_kernel(np.sum, squares),
        "add up over all weights (a sum, not a mean)": per_kernel(
            lambda k: np.mean(np.abs(k)), lambda k: np.mean(k**2)
        ),
        "l1 goes with sum |w| and l2 with sum w**2": per_kernel(squares, absolutes),
        "include every kernel in the list, not just the first": per_kernel(
            absolutes, squares, kernels[:1]
        ),
    }
    return next(
        (hint for hint, wrong in mistakes.items() if math.isclose(got, wrong, rel_tol=1e-4)),
        "the penalty is l1 * (sum of |w|) + l2 * (sum of w**2) over all kernels",
    )


def exercise_inverted_dropout(dropout: Callable) -> bool:
    """Exercise 06.2: ``dropout(x, rate, rng)`` drops units like Keras does in training."""
    name = "inverted dropout"
    x = np.full((200, 500), 3.0)
    for rate in (0.2, 0.5, 0.8):
        got, problem = attempt(dropout, x.copy(), rate, np.random.default_rng(0))
        if problem:
            return verdict(name, problem)
        if got is None:
            return verdict(name, "dropout returned None: did you forget `return`?")
        got = np.asarray(got, dtype=float)
        if got.shape != x.shape:
            return verdict(name, f"the output has shape {got.shape}, expected {x.shape}")
        dropped = float(np.mean(got == 0))
        survivors = np.unique(np.round(got[got != 0], 6))
        expected_value = 3.0 / (1 - rate)
        if abs(dropped - rate) > 0.02:
            hint = (
                "you keep units with probability `rate`; `rate` is the probability to DROP"
                if abs(dropped - (1 - rate)) <= 0.02
                else "each unit should be dropped independently with probability `rate`"
            )
            return verdict(name, f"rate {rate}: {dropped:.0%} of units are 0. {hint}")
        if survivors.size != 1 or not math.isclose(survivors[0], expected_value, rel_tol=1e-5):
            shown = survivors[:3].tolist()
            return verdict(
                name,
                f"rate {rate}: surviving units of value 3 became {shown}, expected "
                f"{expected_value:.4g}. Divide the survivors by (1 - rate), so the expected "
                "output equals the input",
            )
    zero_rate, problem = attempt(dropout, x.copy(), 0.0, np.random.default_rng(0))
    if problem is None and not np.allclose(np.asarray(zero_rate, dtype=float), x):
        problem = "with rate 0 nothing should change"
    return verdict(name, problem)


def exercise_early_stopping(rule: Callable) -> bool:
    """Exercise 06.3: ``rule(val_losses, patience)`` returns (best_epoch, epochs_run) as Keras."""
    import keras

    name = "the early-stopping rule"
    rng = np.random.default_rng(6)
    cases = [
        ([1.0, 0.8, 0.7, 0.75, 0.72, 0.9, 0.95, 1.0], 2),
        ([1.0, 0.8, 0.7, 0.75, 0.72, 0.9, 0.95, 1.0], 3),
        ([0.9, 0.8, 0.7, 0.6, 0.5], 2),
        ([0.5, 0.6, 0.5, 0.7, 0.8, 0.9], 2),
        (list(0.5 + 0.3 * np.abs(np.sin(np.arange(20) / 3)) + rng.uniform(0, 0.1, 20)), 4),
    ]
    for losses, patience in cases:
        expected = _keras_early_stopping(keras, losses, patience)
        got, problem = attempt(rule, list(losses), patience)
        if problem:
            return verdict(name, problem)
        try:
            best_epoch, epochs_run = (int(v) for v in got)
        except (TypeError, ValueError):
            return verdict(name, f"return a pair (best_epoch, epochs_run), got {got!r}")
        if (best_epoch, epochs_run) != expected:
            shown = [round(v, 3) for v in losses]
            hint = (
                "epochs are counted from 1, and a tie does not count as an improvement"
                if best_epoch != expected[0]
                else "training stops after `patience` epochs in a row without a new best; "
                "if that never happens, every epoch runs"
            )
            return verdict(
                name,
                f"for val_loss {shown} and patience {patience} you return "
                f"{(best_epoch, epochs_run)}, Keras gives {expected}. {hint}",
            )
    return verdict(name, None)


def _keras_early_stopping(keras, losses: list[float], patience: int) -> tuple[int, int]:
    """(best epoch, epochs run), both from 1, by replaying ``losses`` through EarlyStopping."""
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    callback = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience)
    callback.set_model(model)
    model.stop_training = False
    callback.on_train_begin()
    epochs_run = 0
    for epoch, loss in enumerate(losses):
        callback.on_epoch_end(epoch, {"val_loss": float(loss)})
        epochs_run = epoch + 1
        if model.stop_training:
            break
    return callback.best_epoch + 1, epochs_run
