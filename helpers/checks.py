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
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import keras

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

BROKEN_WEIGHT = (1, 1, 1, -1.0)  # layer index, kernel row, kernel column, new value


def _four_pixel_image_name(index: int) -> str:
    from helpers.datasets import FOUR_PIXEL_CLASSES

    name = FOUR_PIXEL_CLASSES[index % 4]
    return f"{index} ({name}{', negative' if index >= 4 else ''})"


def _probabilities_of_all_images(model: keras.Model) -> tuple[np.ndarray | None, str | None]:
    """``model``'s predictions for the camera's 8 images, or a hint why there are none."""
    from helpers.datasets import four_pixel_all_images

    if not hasattr(model, "predict"):
        return None, f"expected a Keras model, got {type(model).__name__}"
    images, _ = four_pixel_all_images()
    probabilities, problem = attempt(model.predict, images.reshape(8, 4), verbose=0)
    if problem:
        return None, f"model.predict on the 8 images of shape (8, 4) failed: {problem}"
    return np.asarray(probabilities, dtype=float), None


def _misclassified(probabilities: np.ndarray, labels: np.ndarray) -> set[int]:
    """Images whose true class does not get the highest probability on its own (ties lose)."""
    wrong = set()
    for index, (row, label) in enumerate(zip(probabilities, labels, strict=True)):
        others = np.delete(row, label)
        if not row[label] > others.max() + 1e-6:
            wrong.add(index)
    return wrong


def exercise_break_one_weight(
    hand_set_model: keras.Model,
    broken_model: keras.Model | None,
    predicted_wrong: Iterable[int] | None,
) -> bool:
    """Exercise 04.1: flip one weight of the hand-set network, predict which images fail."""
    from helpers.datasets import four_pixel_all_images

    name = "break one weight, predict the damage"
    layer, row, column, value = BROKEN_WEIGHT
    if broken_model is None:
        return verdict(name, "broken_model is None: build the copy with the changed weight")
    if broken_model is hand_set_model:
        return verdict(
            name,
            "broken_model is the hand-set model itself: build a new network, give it the "
            "hand-set weights (set_weights(hand_set.get_weights())), then change the copy",
        )
    try:
        original = [np.asarray(w) for w in hand_set_model.get_weights()]
        changed = [np.asarray(w) for w in broken_model.get_weights()]
    except Exception as error:  # not a Keras model
        return verdict(name, f"expected Keras models with get_weights(): {error}")
    if [w.shape for w in original] != [w.shape for w in changed]:
        return verdict(name, "broken_model must have the same layers as the hand-set model")
    differences = [
        (index, position)
        for index, (a, b) in enumerate(zip(original, changed, strict=True))
        for position in zip(*np.nonzero(a != b), strict=True)
    ]
    target = (2 * layer, (row, column))  # get_weights() lists kernel, bias, kernel, bias ...
    if len(differences) != 1 or differences[0][0] != target[0] or differences[0][1] != target[1]:
        return verdict(
            name,
            f"exactly one weight should differ from the hand-set network: the kernel of layer "
            f"index {layer} (model.layers[{layer}]) at row {row}, column {column}; your copy "
            f"differs in {len(differences)} place(s)",
        )
    if not np.isclose(changed[2 * layer][row, column], value):
        return verdict(name, f"set that weight to {value:g}")
    if predicted_wrong is None:
        return verdict(name, "write your prediction in predicted_wrong, e.g. {0, 3}")
    try:
        predicted = {int(i) for i in predicted_wrong}
    except (TypeError, ValueError):
        return verdict(
            name, f"predicted_wrong should be a set of image numbers, got {predicted_wrong!r}"
        )
    if not predicted <= set(range(8)):
        return verdict(name, "the images are numbered 0 to 7")
    probabilities, problem = _probabilities_of_all_images(broken_model)
    if problem:
        return verdict(name, problem)
    actual = _misclassified(probabilities, four_pixel_all_images()[1])
    if predicted != actual:
        listed = ", ".join(_four_pixel_image_name(i) for i in sorted(actual)) or "none"
        return verdict(
            name,
            f"you predicted {sorted(predicted)}; the broken network gets these wrong: {listed}. "
            "Look at the broken network's layer-2 outputs for the 8 images to see why",
        )
    return verdict(name, None)


def _hand_set_best_logit() -> float:
    """The hand-set network's logit for the right class of any of the 8 images."""
    return math.tanh(2 * math.tanh(2.0))


def exercise_confident_scale(k: float | None) -> bool:
    """Exercise 04.2: the smallest factor k on the last kernel that gives probability 0.99."""
    name = "smallest scale for 99% confidence"
    if k is None:
        return verdict(name, "no answer yet (k is None)")
    try:
        k = float(k)
    except (TypeError, ValueError):
        return verdict(name, f"expected a number, got {k!r}")
    logit = _hand_set_best_logit()
    k_min = math.log(0.99 * 3 / 0.01) / logit

    def probability(scale: float) -> float:
        return 1 / (1 + 3 * math.exp(-scale * logit))

    if math.isclose(k, k_min, rel_tol=0.01):
        return verdict(name, None)
    if k < k_min:
        hint = (
            f"with k = {k:g} the right class gets probability {probability(k):.4f}, less than 0.99"
        )
        if math.isclose(k, math.log(99) / logit, rel_tol=0.01):
            hint += ". Remember the three other classes: each adds e^0 = 1 to the denominator"
        return verdict(name, hint)
    return verdict(
        name,
        f"k = {k:g} gives {probability(k):.4f} >= 0.99, but a smaller k is enough. "
        "Solve e^(k m) / (e^(k m) + 3) = 0.99 for k, with m the right class's logit",
    )


def exercise_eight_classes(model: keras.Model | None) -> bool:
    """Exercise 04.3: a network that tells all 8 images apart (classes 0-7 = image numbers)."""
    name = "eight classes: tell the two variants apart"
    if model is None:
        return verdict(name, "no model yet (eight_class_model is None)")
    probabilities, problem = _probabilities_of_all_images(model)
    if problem:
        return verdict(name, problem)
    if probabilities.shape != (8, 8):
        return verdict(
            name,
            f"the model gives {probabilities.shape[1:]} outputs per image; it needs 8, "
            "one per image (the last layer: Dense(8, activation='softmax'))",
        )
    wrong = _misclassified(probabilities, np.arange(8))
    if wrong:
        index = min(wrong)
        return verdict(
            name,
            f"image {_four_pixel_image_name(index)} should be class {index} but the model "
            f"gives class {int(np.argmax(probabilities[index]))} the highest probability "
            f"({len(wrong)} of 8 images wrong). Which layer-3 unit fires for each image?",
        )
    return verdict(name, None)


# ------------------------------------------------------------ 05: gradient descent and optimizers
# (lesson 05 exercise checks go here)


# ------------------------------------------------------------ 06: overfitting and regularization
# (lesson 06 exercise checks go here)
