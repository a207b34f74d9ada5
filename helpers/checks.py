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
    """Assert exact equality (counts, shapes, parameter numbers, whole arrays); print it."""
    value_array, expected_array = np.asarray(value), np.asarray(expected)
    ok = bool(np.array_equal(value_array, expected_array))
    if not ok and value_array.size > 8 and value_array.shape == expected_array.shape:
        differing = int(np.sum(value_array != expected_array))
        value = f"different in {differing} of {value_array.size} elements"
    _claim(ok, name, value, f"== {_show(expected)}")
    is_number = isinstance(value, int | float | np.number) and not isinstance(value, bool)
    if np.ndim(value) == 0 and is_number:  # counts and sizes are figures; a True is not
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


def _show(value) -> str:
    """A short text for a printed claim: numbers to 4 digits, big arrays by their shape."""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list | tuple | np.ndarray) and np.asarray(value).size > 8:
        return f"array of shape {np.asarray(value).shape}"
    return str(value)


def _claim(ok: bool, name: str, value, claim: str) -> None:
    shown = _show(value)
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


def exercise_video_tensor(answer: dict) -> bool:
    """Exercise 00.1: ndim, shape and dtype of a batch of 16 colour video clips.

    The clips: 10 frames each, frames 48 pixels high and 64 wide, RGB, channels last, stored
    as 8-bit unsigned integers.
    """
    name = "rank, shape and dtype of the video batch"
    expected_shape = (16, 10, 48, 64, 3)
    if not isinstance(answer, dict) or set(answer) != {"ndim", "shape", "dtype"}:
        return verdict(name, 'answer must be a dict with the keys "ndim", "shape" and "dtype"')
    if any(value is None for value in answer.values()):
        missing = [key for key, value in answer.items() if value is None]
        return verdict(name, f"fill in {', '.join(missing)} (still None)")
    ndim, shape, dtype = answer["ndim"], answer["shape"], answer["dtype"]
    try:
        if not isinstance(shape, tuple | list):
            raise TypeError
        shape = tuple(int(n) for n in shape)
    except (TypeError, ValueError):
        return verdict(name, f"shape must be a tuple of whole numbers, got {shape!r}")
    problem = None
    if ndim != len(shape):
        problem = f"ndim is the number of axes, so it must equal len(shape) = {len(shape)}"
    elif ndim != 5:
        problem = f"ndim {ndim} is not it: count the axes (clips, frames, height, width, channels)"
    elif shape != expected_shape:
        if sorted(shape) == sorted(expected_shape):
            problem = (
                f"{shape} has the right sizes in the wrong order: Keras puts the samples "
                "first, then frames, then height, width and channels"
            )
        else:
            problem = f"shape {shape} is not it: read the sizes from the description again"
    else:
        try:
            dtype = np.dtype(getattr(dtype, "as_numpy_dtype", dtype))
        except TypeError:
            dtype = None
        if dtype != np.uint8:
            problem = (
                f"dtype {answer['dtype']!r} is not it: 8-bit unsigned integers (0 to 255) "
                "are called uint8"
            )
    return verdict(name, problem)


def exercise_normalize_images(normalize: Callable) -> bool:
    """Exercise 00.2: give each image of a batch (n, height, width) mean 0 and std 1."""
    name = "normalize each image by broadcasting"
    rng = np.random.default_rng(0)
    batches = [
        rng.uniform(0, 1, size=(5, 28, 28)) * rng.uniform(0.2, 1, size=(5, 1, 1)),
        rng.normal(3, 2, size=(3, 4, 6)),
    ]
    for images in batches:
        mean = images.mean(axis=(1, 2), keepdims=True)
        expected = (images - mean) / images.std(axis=(1, 2), keepdims=True)
        given = images.copy()
        got, problem = attempt(normalize, given)
        if problem:
            return verdict(name, problem)
        if not np.array_equal(given, images):
            return verdict(name, "normalize changed its input: return a new array instead")
        problem = _compare(f"normalize(images of shape {images.shape})", got, expected)
        if problem is None:
            continue
        got = np.asarray(got, dtype=float)
        if got.shape == expected.shape and np.allclose(
            got, (images - images.mean()) / images.std()
        ):
            hint = (
                "you normalized the whole batch at once; take the mean and std of each "
                "image: .mean(axis=(1, 2), keepdims=True)"
            )
        elif got.shape == expected.shape and np.allclose(
            got, (images - images.mean(axis=0)) / images.std(axis=0)
        ):
            hint = "axis=0 averages each pixel over the images; average over axes 1 and 2"
        else:
            hint = (
                "subtract each image's mean and divide by its std; keepdims=True keeps the "
                "result of shape (n, 1, 1) so that it broadcasts against (n, height, width)"
            )
        return verdict(name, f"{problem}. Hint: {hint}")
    return verdict(name, None)


def exercise_scores_by_hand(scores, predicted_classes, model, images: np.ndarray) -> bool:
    """Exercise 00.3: the linear classifier's scores ``x @ W + b`` and predicted classes, by hand.

    ``images``: the flattened inputs (n, 784) the student used; ``model``: the trained
    one-layer Keras model. Compares the scores with the layer's weights and the classes with
    ``model.predict``.
    """
    name = "class scores and predicted classes by hand"
    if scores is None or predicted_classes is None:
        return verdict(name, "compute scores and predicted_classes (still None)")
    kernel, bias = (np.asarray(w, dtype=float) for w in model.layers[0].get_weights())
    images = np.asarray(images, dtype=float)
    if images.ndim != 2 or images.shape[1] != kernel.shape[0]:
        return verdict(
            name,
            f"pass the flattened images you used, shape (n, {kernel.shape[0]}); "
            f"got shape {images.shape}",
        )
    expected_scores = images @ kernel + bias
    problem = _compare("scores", scores, expected_scores, rtol=1e-4, atol=1e-4)
    if problem:
        got = np.asarray(scores, dtype=float)
        if got.shape == expected_scores.shape and np.allclose(
            got, images @ kernel, rtol=1e-4, atol=1e-4
        ):
            problem += ". Hint: you forgot to add the bias b"
        elif got.shape == expected_scores.shape and np.all((got >= 0) & (got <= 1)):
            problem += ". Hint: scores are x @ W + b, before softmax"
        return verdict(name, problem)
    try:
        predicted = np.asarray(predicted_classes, dtype=float)
    except (TypeError, ValueError):
        return verdict(name, "predicted_classes must be an array of class numbers")
    n = len(images)
    if predicted.shape != (n,):
        return verdict(
            name,
            f"predicted_classes has shape {predicted.shape}, expected ({n},): one class number "
            "per digit. Hint: the highest score of each row (axis=1, the classes): "
            "scores.argmax(axis=1)",
        )
    if not np.all(predicted == np.round(predicted)):
        return verdict(name, "predicted_classes must hold whole class numbers 0 to 9")
    expected = model.predict(images.astype(np.float32), verbose=0).argmax(axis=1)
    rows = np.arange(n)
    in_range = (predicted >= 0) & (predicted < kernel.shape[1])
    given = np.where(in_range, predicted, 0).astype(int)
    # a near-tie between two scores may go either way in float32; accept both classes then
    gap = expected_scores[rows, expected] - expected_scores[rows, given]
    wrong = np.flatnonzero(~in_range | ((predicted != expected) & (gap > 1e-4)))
    if len(wrong):
        first = int(wrong[0])
        return verdict(
            name,
            f"for digit {first} you predict {predicted[first]:g}, the model says "
            f"{expected[first]} ({len(wrong)} of {n} differ). Hint: the predicted class is "
            "the column of the highest score in each row: scores.argmax(axis=1)",
        )
    return verdict(name, None)


def exercise_smallest_shift(
    answer: int,
    model,
    images: np.ndarray,
    labels: np.ndarray,
    level: float = 0.5,
) -> bool:
    """Exercise 00.4: the smallest downward shift (whole pixels) that takes the model's
    accuracy below ``level``. The check measures it itself, by inference only.

    The student's ``answer`` never makes it raise: a wrong or malformed answer gets a hint.
    It raises ``ValueError`` only when the lesson itself passes bad ``images``, ``labels``
    or ``level``, a bug in the lesson rather than in the exercise.
    """
    from scipy import ndimage

    name = f"smallest downward shift that takes accuracy below {level:g}"
    if answer is None:
        return verdict(name, "set answer to a whole number of pixels (still None)")
    if not isinstance(answer, int | np.integer) or isinstance(answer, bool) or answer < 0:
        return verdict(name, f"expected a whole number of pixels >= 0, got {answer!r}")
    images = np.asarray(images, dtype=np.float32)
    labels = np.asarray(labels)
    if images.ndim != 3 or labels.shape != (len(images),):
        raise ValueError(
            "exercise_smallest_shift expects images of shape (n, height, width) and n labels, "
            f"got {images.shape} and {labels.shape}"
        )
    if not 0 < level <= 1:
        raise ValueError(f"level is an accuracy, between 0 and 1; got {level}")

    def accuracy(pixels: int) -> float:
        shifted = ndimage.shift(images, (0, pixels, 0), order=1)
        predicted = model.predict(shifted.reshape(len(images), -1), verbose=0).argmax(axis=1)
        return float(np.mean(predicted == labels))

    accuracies = []
    for pixels in range(images.shape[1]):
        accuracies.append(accuracy(pixels))
        if accuracies[-1] < level:
            break
    else:
        return verdict(name, f"no shift takes this model's accuracy below {level:g}")
    correct = len(accuracies) - 1
    answer = int(answer)
    if answer == correct:
        return verdict(name, None)
    if answer < correct:
        return verdict(
            name,
            f"after {answer} pixel(s) the accuracy is still {accuracies[answer]:.3f}, "
            f"not below {level:g}: shift further",
        )
    return verdict(
        name,
        f"{correct} pixel(s) already give {accuracies[correct]:.3f} < {level:g}; "
        "look for the smallest shift (try 0, 1, 2, ... in order)",
    )


# ------------------------------------------------------------ 02: a network from scratch


def exercise_softmax_cross_entropy(softmax_cross_entropy: Callable) -> bool:
    """Exercise 02.1: ``(cost, gradient)`` of the mean cross-entropy of softmax(logits)."""
    import keras
    import tensorflow as tf

    name = "softmax + cross-entropy: cost and gradient with respect to the logits"
    rng = np.random.default_rng(2)
    cases = [
        ("small logits", rng.normal(size=(5, 4)), rng.integers(0, 4, size=5)),
        ("10 classes", rng.normal(scale=3.0, size=(8, 10)), rng.integers(0, 10, size=8)),
        (
            "logits near +-1000",
            np.array([[1000.0, 0.0, -1000.0], [0.0, 999.0, 1000.0]]),
            np.array([0, 1]),
        ),
    ]
    for case, logits, labels in cases:
        z = tf.constant(logits)
        with tf.GradientTape() as tape:
            tape.watch(z)
            loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, dtype="float64")
            cost = loss(labels, z)
        want_cost, want_gradient = float(cost), tape.gradient(cost, z).numpy()
        answer, problem = attempt(softmax_cross_entropy, logits.copy(), labels.copy())
        if problem:
            return verdict(name, problem)
        if not isinstance(answer, tuple | list) or len(answer) != 2:
            return verdict(name, "return a pair (cost, gradient)")
        got_cost, got_gradient = answer
        where = f"for {case} (shape {logits.shape})"
        problem = _compare("the gradient", got_gradient, want_gradient, rtol=1e-6, atol=1e-9)
        if problem:
            got = np.asarray(got_gradient, dtype=float)
            if got.shape == want_gradient.shape and np.allclose(got, len(labels) * want_gradient):
                problem = "the gradient is n times too large: the cost is a mean over the batch"
            elif got.shape == want_gradient.shape and np.allclose(got, -want_gradient):
                problem = "the gradient has the wrong sign: it is a - y, not y - a"
            elif not np.all(np.isfinite(got)):
                problem += (
                    ". Hint: subtract each row's maximum from the logits before np.exp, and "
                    "compute log(softmax) as shifted - log(sum(exp(shifted)))"
                )
            return verdict(name, f"{where}, {problem}")
        problem = _compare("the cost", got_cost, want_cost, rtol=1e-6, atol=1e-9)
        if problem:
            try:
                summed = math.isclose(float(got_cost), len(labels) * want_cost, rel_tol=1e-6)
            except (TypeError, ValueError):
                summed = False
            if summed:
                problem = "the cost is the sum over the batch; take the mean instead"
            return verdict(name, f"{where}, {problem}")
    return verdict(name, None)


def _reference_sgd_step(
    params: list[tuple[np.ndarray, np.ndarray]],
    x: np.ndarray,
    y: np.ndarray,
    learning_rate: float,
    hidden: Callable,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """TensorFlow's SGD step for a softmax/cross-entropy network; returns (new, gradients)."""
    import tensorflow as tf

    variables = [tf.Variable(array) for pair in params for array in pair]
    with tf.GradientTape() as tape:
        signal = tf.constant(x)
        for index in range(0, len(variables), 2):
            signal = signal @ variables[index] + variables[index + 1]
            if index < len(variables) - 2:
                signal = hidden(signal)
        cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(y, signal))
    gradients = [g.numpy() for g in tape.gradient(cost, variables)]
    arrays = [array for pair in params for array in pair]
    return [a - learning_rate * g for a, g in zip(arrays, gradients, strict=True)], gradients


def exercise_relu_sgd_step(relu_sgd_step: Callable) -> bool:
    """Exercise 02.2: one SGD step of a ReLU network with softmax + cross-entropy output."""
    import tensorflow as tf

    name = "one SGD step of a ReLU network"
    rng = np.random.default_rng(3)
    for sizes in [(5, 8, 4), (6, 7, 5, 3)]:
        params = [
            (rng.normal(size=(n_in, n_out)) / np.sqrt(n_in), rng.normal(scale=0.1, size=n_out))
            for n_in, n_out in itertools.pairwise(sizes)
        ]
        x = rng.normal(size=(9, sizes[0]))
        y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], size=9)]
        learning_rate = 0.5
        want, gradients = _reference_sgd_step(params, x, y, learning_rate, tf.nn.relu)
        copies = [(W.copy(), b.copy()) for W, b in params]
        answer, problem = attempt(relu_sgd_step, copies, x.copy(), y.copy(), learning_rate)
        if problem:
            return verdict(name, problem)
        try:
            got = [np.asarray(array, dtype=float) for pair in answer for array in pair]
        except (TypeError, ValueError):
            got = None
        shapes = [a.shape for a in want]
        if got is None or [a.shape for a in got] != shapes:
            return verdict(
                name,
                f"for layer sizes {sizes} expected a list of (W, b) pairs with shapes {shapes}; "
                "return the updated params, e.g. update(params, gradients, learning_rate)",
            )
        if all(np.allclose(g, w, rtol=1e-6, atol=1e-9) for g, w in zip(got, want, strict=True)):
            continue
        arrays = [array for pair in params for array in pair]

        def matches(candidate: list[np.ndarray], answer: list[np.ndarray] = got) -> bool:
            pairs = zip(answer, candidate, strict=True)
            return all(np.allclose(g, c, rtol=1e-6, atol=1e-9) for g, c in pairs)

        sigmoid_step, _ = _reference_sgd_step(params, x, y, learning_rate, tf.sigmoid)
        if matches(arrays):
            problem = "the weights did not change: return the params after the update"
        elif matches([a + learning_rate * g for a, g in zip(arrays, gradients, strict=True)]):
            problem = "the step goes uphill: subtract learning_rate * gradient"
        elif matches(
            [a - len(x) * learning_rate * g for a, g in zip(arrays, gradients, strict=True)]
        ):
            problem = "the step is n times too large: BP1 is (a - y) / n for a mean cost"
        elif matches(sigmoid_step):
            problem = "that is the step of a sigmoid network; the hidden layers here use ReLU"
        else:
            wrong = next(
                i
                for i, (g, w) in enumerate(zip(got, want, strict=True))
                if not np.allclose(g, w, rtol=1e-6, atol=1e-9)
            )
            problem = (
                f"for layer sizes {sizes}, {('W', 'b')[wrong % 2]} of layer {wrong // 2 + 1} is off"
                ". Hint: BP1 is (a - y) / n; in BP2 ReLU's derivative is 1 where z > 0, else 0"
            )
        return verdict(name, problem)
    return verdict(name, None)


def exercise_critical_learning_rate(learning_rate: float, x: np.ndarray, y: np.ndarray) -> bool:
    """Exercise 02.3: the learning rate above which gradient descent no longer settles."""
    from scipy.optimize import minimize_scalar

    name = "the largest learning rate at which gradient descent still settles"
    if learning_rate is None:
        return verdict(name, "no answer yet (None)")
    try:
        value = float(learning_rate)
    except (TypeError, ValueError):
        return verdict(name, f"expected a number, got {learning_rate!r}")
    if not value > 0:
        return verdict(name, f"a learning rate is a positive number, got {value:g}")
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or x.shape != y.shape:
        return verdict(name, "pass the lesson's x_points and y_points, two 1-D arrays")

    def sigmoid(z: np.ndarray) -> np.ndarray:
        return 1 / (1 + np.exp(-z))

    def cost(w: float) -> float:
        return float(np.sum((y - sigmoid(w * x)) ** 2) / (2 * len(x)))

    def slope(w: float) -> float:
        a = sigmoid(w * x)
        return float(np.sum((a - y) * a * (1 - a) * x) / len(x))

    grid = np.linspace(-20, 20, 4001)
    best = grid[np.argmin([cost(w) for w in grid])]
    w_min = minimize_scalar(cost, bounds=(best - 0.02, best + 0.02), method="bounded").x
    h = 1e-4
    curvature = (slope(w_min + h) - slope(w_min - h)) / (2 * h)
    critical = 2 / curvature
    if math.isclose(value, critical, rel_tol=0.02):
        return verdict(name, None)
    if math.isclose(value, critical / 2, rel_tol=0.05):
        problem = (
            f"at {value:.4g} one step lands (almost) exactly on the bottom, but larger rates "
            "still settle: they overshoot and zig-zag in"
        )
    elif value < critical:
        problem = (
            f"gradient descent still settles at learning rate {value:.4g}; the limit is higher. "
            "Near the limit it converges slowly: run a few thousand steps"
        )
    else:
        problem = f"at learning rate {value:.4g} gradient descent no longer settles; go lower"
    return verdict(name, problem)


# ------------------------------------------------------------ 03: MNIST multilayer perceptrons

ONE_HIDDEN_LAYER_TARGET = 0.97  # test accuracy exercise 03.2 asks for, within 3 epochs
ONE_HIDDEN_LAYER_EPOCHS = 3
SPARSE_LABELS_TARGET = 0.95  # test accuracy exercise 03.3 asks for


def exercise_count_parameters(count_parameters: Callable) -> bool:
    """Exercise 03.1: parameters of a stack of Dense layers, ``[n_in, n_1, ..., n_out]``."""
    name = "count the parameters of a stack of Dense layers"
    cases = [
        [784, 512, 512, 10],
        [784, 2500, 2000, 1500, 1000, 500, 10],
        [4, 4, 4, 8, 4],
        [3, 1],
    ]
    for sizes in cases:
        pairs = list(itertools.pairwise(sizes))
        expected = sum(n_in * n_out + n_out for n_in, n_out in pairs)
        got, problem = attempt(count_parameters, list(sizes))
        if problem:
            return verdict(name, problem)
        try:
            got = int(got)
        except (TypeError, ValueError):
            return verdict(name, f"count_parameters({sizes}) returned {got!r}, expected a number")
        if got == expected:
            continue
        weights_only = sum(n_in * n_out for n_in, n_out in pairs)
        if got == weights_only:
            hint = "you counted the weights but not the biases: each unit has one bias too"
        elif got == weights_only + sum(sizes):
            hint = "the input has no biases: only the units of each layer get one"
        else:
            hint = (
                "a Dense layer from n_in to n_out units has an n_in x n_out kernel and n_out "
                "biases; add that up over consecutive pairs of sizes"
            )
        return verdict(
            name, f"count_parameters({sizes}) gave {got:,}, expected {expected:,}: {hint}"
        )
    return verdict(name, None)


def _loss_name(loss) -> str:
    """The name of a compiled loss: a string, a Keras Loss object or a loss function."""
    if isinstance(loss, str):
        return loss
    return str(getattr(loss, "name", None) or getattr(loss, "__name__", None) or loss)


def _trained_classifier_problem(model, history, num_classes: int = 10) -> str | None:
    """A hint if ``model`` is not a compiled, trained Keras classifier with this ``history``."""
    import keras

    if model is None:
        return "no model yet (model is None): build, compile and fit a keras.Sequential model"
    if not isinstance(model, keras.Model):
        return f"expected a Keras model, got {type(model).__name__}"
    layers = list(model.layers)
    softmax_layer = (
        len(layers) >= 2
        and isinstance(layers[-1], keras.layers.Activation)
        and getattr(layers[-1].activation, "__name__", "") == "softmax"
    )
    last = layers[-2] if softmax_layer else (layers[-1] if layers else None)
    if not isinstance(last, keras.layers.Dense) or last.units != num_classes:
        return (
            f"the last layer should be Dense({num_classes}, activation='softmax'), one unit per "
            "digit (or Dense(10) followed by keras.layers.Activation('softmax'))"
        )
    activation = getattr(last.activation, "__name__", "")
    if softmax_layer and activation != "linear":
        return (
            f"the Dense({num_classes}) layer before Activation('softmax') should have no "
            f"activation of its own, it has {activation!r}"
        )
    if not softmax_layer and activation != "softmax":
        return (
            "the last layer should turn scores into probabilities: activation='softmax' "
            "(the check reads probabilities, so raw scores with from_logits=True do not pass)"
        )
    if getattr(model, "optimizer", None) is None:
        return "the model is not compiled yet: call model.compile(...) and model.fit(...)"
    if (
        not isinstance(history, keras.callbacks.History)
        or getattr(history, "model", None) is not model
    ):
        return "pass the History that model.fit(...) returned for this model as `history`"
    if not history.epoch:
        return "the history shows no training: call model.fit(...) with epochs >= 1"
    return None


def _test_accuracy(model, x_test, y_test) -> float:
    """Accuracy of ``model`` on the test set (integer or one-hot labels), by inference only."""
    y_test = np.asarray(y_test)
    labels = y_test.argmax(axis=1) if y_test.ndim == 2 else y_test
    predicted = np.argmax(model.predict(x_test, verbose=0), axis=1)
    return float(np.mean(predicted == labels))


def exercise_one_hidden_layer(model, history, x_test, y_test) -> bool:
    """Exercise 03.2: one hidden layer, at most 3 epochs, test accuracy >= 0.97.

    Trains nothing: inspects the model and the History its ``fit`` returned, and measures the
    accuracy on the test set by inference.
    """
    import keras

    name = (
        f"one hidden layer, >= {ONE_HIDDEN_LAYER_TARGET:.0%} test accuracy "
        f"within {ONE_HIDDEN_LAYER_EPOCHS} epochs"
    )
    problem = _trained_classifier_problem(model, history)
    if problem:
        return verdict(name, problem)
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    if len(dense) != 2:
        return verdict(
            name,
            f"the model has {len(dense) - 1} hidden Dense layers; the task is exactly one "
            "hidden Dense layer followed by the Dense(10, softmax) output layer",
        )
    epochs = len(history.epoch)
    steps = history.params.get("steps")
    iterations = int(model.optimizer.iterations)
    if epochs > ONE_HIDDEN_LAYER_EPOCHS:
        return verdict(name, f"it trained for {epochs} epochs; the budget is 3")
    if steps and iterations > steps * epochs:
        return verdict(
            name,
            f"the optimizer took {iterations} steps but this history accounts for only "
            f"{steps * epochs}: build a fresh model and call fit once, with epochs <= 3",
        )
    try:
        accuracy = _test_accuracy(model, x_test, y_test)
    except Exception as error:  # the student's model may not accept the data
        return verdict(name, f"predicting the test set raised {type(error).__name__}: {error}")
    if accuracy < ONE_HIDDEN_LAYER_TARGET:
        return verdict(
            name,
            f"test accuracy {accuracy:.4f} < {ONE_HIDDEN_LAYER_TARGET}. Try a wider hidden layer "
            "(e.g. 512 relu units), RMSprop, all 60,000 training images and batches of 128",
        )
    return verdict(name, None)


def exercise_sparse_labels(model, history, x_test, y_test) -> bool:
    """Exercise 03.3: the same kind of classifier trained on integer labels, no one-hot.

    Checks the compiled loss, that the History belongs to the model, and the test accuracy
    (inference only; ``y_test`` are the integer labels).
    """
    name = "train on integer labels with sparse_categorical_crossentropy"
    problem = _trained_classifier_problem(model, history)
    if problem:
        return verdict(name, problem)
    loss = _loss_name(model.loss)
    if loss in ("categorical_crossentropy", "CategoricalCrossentropy"):
        return verdict(
            name,
            "the model is compiled with categorical_crossentropy, which wants one-hot labels; "
            "use loss='sparse_categorical_crossentropy' and fit on the integer labels y_train",
        )
    if loss not in ("sparse_categorical_crossentropy", "SparseCategoricalCrossentropy"):
        return verdict(name, f"the loss is {loss!r}; use 'sparse_categorical_crossentropy'")
    y_test = np.asarray(y_test)
    if y_test.ndim != 1:
        return verdict(name, f"pass the integer test labels, shape (n,), got shape {y_test.shape}")
    try:
        accuracy = _test_accuracy(model, x_test, y_test)
    except Exception as error:
        return verdict(name, f"predicting the test set raised {type(error).__name__}: {error}")
    if accuracy < SPARSE_LABELS_TARGET:
        return verdict(
            name,
            f"test accuracy {accuracy:.4f} < {SPARSE_LABELS_TARGET}: train a little longer or "
            "on more images (the 60,000 integer labels in y_train)",
        )
    return verdict(name, None)


# ------------------------------------------------------------ 04: the 4-pixel camera

BROKEN_WEIGHT = (1, 1, 1, -1.0)  # layer index, kernel row, kernel column, new value
# The hand-set 4-4-8-4 network of lesson 04, section 2: its four kernels (every bias is 0).
HAND_SET_KERNELS = (
    ((1, 0, 1, 0), (0, 1, 0, 1), (1, 0, -1, 0), (0, 1, 0, -1)),
    ((1, -1, 0, 0), (1, 1, 0, 0), (0, 0, 1, -1), (0, 0, -1, -1)),
    (
        (1, -1, 0, 0, 0, 0, 0, 0),
        (0, 0, 1, -1, 0, 0, 0, 0),
        (0, 0, 0, 0, 1, -1, 0, 0),
        (0, 0, 0, 0, 0, 0, 1, -1),
    ),
    (
        (1, 0, 0, 0),
        (1, 0, 0, 0),
        (0, 1, 0, 0),
        (0, 1, 0, 0),
        (0, 0, 1, 0),
        (0, 0, 1, 0),
        (0, 0, 0, 1),
        (0, 0, 0, 1),
    ),
)
_TIE = 1e-6  # probabilities closer than this count as a tie


def _hand_set_weights() -> list[np.ndarray]:
    """The hand-set network's weights in ``model.get_weights()`` order: kernel, bias, ..."""
    weights = []
    for kernel in HAND_SET_KERNELS:
        kernel = np.array(kernel, dtype=float)
        weights += [kernel, np.zeros(kernel.shape[1])]
    return weights


def _weights_of(model) -> tuple[list[np.ndarray] | None, str | None]:
    """``model.get_weights()`` as float arrays, or a hint why they cannot be had."""
    if not hasattr(model, "get_weights"):
        return None, f"expected a Keras model, got {type(model).__name__}"
    weights, problem = attempt(model.get_weights)
    if problem:
        return None, f"model.get_weights() failed: {problem}"
    return [np.asarray(w, dtype=float) for w in weights], None


def _differences(weights: list[np.ndarray], reference: list[np.ndarray]) -> list | None:
    """(array index, position) of every weight that differs, or None if the shapes differ."""
    if [w.shape for w in weights] != [w.shape for w in reference]:
        return None
    return [
        (index, tuple(int(i) for i in position))
        for index, (a, b) in enumerate(zip(weights, reference, strict=True))
        for position in zip(*np.nonzero(a != b), strict=True)
    ]


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
        if not row[label] > others.max() + _TIE:
            wrong.add(index)
    return wrong


def _image_numbers(answer) -> tuple[set[int] | None, str | None]:
    """A set of image numbers 0-7 from a set, list or array of whole numbers, or a hint."""
    example = "write a set of image numbers, e.g. {0, 3} (or set() for none)"
    if isinstance(answer, str | bytes) or not isinstance(answer, Iterable):
        return None, f"predicted_wrong should be a set of image numbers: {example}; got {answer!r}"
    numbers = set()
    for item in answer:
        if isinstance(item, bool | np.bool_) or not isinstance(
            item, int | float | np.integer | np.floating
        ):
            return None, f"image numbers are whole numbers 0 to 7, got {item!r}: {example}"
        if not float(item).is_integer():
            return None, f"image numbers are whole numbers 0 to 7, got {item!r}"
        numbers.add(int(item))
    if not numbers <= set(range(8)):
        return None, f"the images are numbered 0 to 7, got {sorted(numbers)}"
    return numbers, None


def exercise_break_one_weight(
    hand_set_model: keras.Model,
    broken_model: keras.Model | None,
    predicted_wrong: Iterable[int] | None,
) -> bool:
    """Exercise 04.1: flip one weight of the hand-set network, predict which images fail.

    ``broken_model`` is compared with the hand-set weights of the lesson (HAND_SET_KERNELS,
    zero biases), not with whatever ``hand_set_model`` holds now.
    """
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
    reference = _hand_set_weights()
    original, _ = _weights_of(hand_set_model)
    if original is not None and _differences(original, reference) != []:
        return verdict(
            name,
            "hand_set no longer holds the hand-set weights (was it changed instead of a "
            "copy?): re-run the cells of section 2 to restore it, then build broken again",
        )
    changed, problem = _weights_of(broken_model)
    if problem:
        return verdict(name, problem)
    differences = _differences(changed, reference)
    if differences is None:
        return verdict(name, "broken_model must have the same layers as the hand-set model")
    target = (2 * layer, (row, column))  # get_weights() lists kernel, bias, kernel, bias ...
    if differences != [target]:
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
    predicted, problem = _image_numbers(predicted_wrong)
    if problem:
        return verdict(name, problem)
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


def _right_class_probability(k: float, logit: float) -> float:
    """e^(k m) / (e^(k m) + 3) for the scaled hand-set network, without overflow."""
    z = k * logit - math.log(3)
    if z >= 0:
        return 1 / (1 + math.exp(-z))
    return math.exp(z) / (1 + math.exp(z))


def exercise_confident_scale(k: float | None) -> bool:
    """Exercise 04.2: the smallest factor k on the last kernel that gives probability 0.99.

    Passes when k reaches 0.99 (to within 1e-4 of probability) and is at most 1% above the
    exact smallest k.
    """
    name = "smallest scale for 99% confidence"
    if k is None:
        return verdict(name, "no answer yet (k is None)")
    if isinstance(k, str | bytes):
        return verdict(name, f"expected a number, got {k!r}")
    try:
        k = float(k)
    except (TypeError, ValueError):
        return verdict(name, f"expected a number, got {k!r}")
    if not math.isfinite(k):
        return verdict(name, f"expected a finite number, got {k}")
    logit = _hand_set_best_logit()
    k_min = math.log(0.99 * 3 / 0.01) / logit
    probability = _right_class_probability(k, logit)
    if probability < 0.99 - 1e-4:
        hint = f"with k = {k:g} the right class gets probability {probability:.4f}, less than 0.99"
        if k <= 0:
            hint += ". A factor of 0 or less cannot make the right class more likely"
        elif math.isclose(k, math.log(99) / logit, rel_tol=0.01):
            hint += ". Remember the three other classes: each adds e^0 = 1 to the denominator"
        return verdict(name, hint)
    if k > 1.01 * k_min:
        return verdict(
            name,
            f"k = {k:g} gives {probability:.4f} >= 0.99, but a smaller k is enough. "
            "Solve e^(k m) / (e^(k m) + 3) = 0.99 for k, with m the right class's logit",
        )
    return verdict(name, None)


def exercise_eight_classes(model: keras.Model | None) -> bool:
    """Exercise 04.3: a network that tells all 8 images apart (classes 0-7 = image numbers).

    The first three layers must keep the hand-set weights; only the last layer is chosen.
    """
    name = "eight classes: tell the two variants apart"
    if model is None:
        return verdict(name, "no model yet (eight_class_model is None)")
    probabilities, problem = _probabilities_of_all_images(model)
    if problem:
        return verdict(name, problem)
    if probabilities.ndim != 2 or probabilities.shape != (8, 8):
        return verdict(
            name,
            f"the model gives {probabilities.shape[1:]} outputs per image; it needs 8, "
            "one per image (the last layer: Dense(8, activation='softmax'))",
        )
    weights, problem = _weights_of(model)
    if problem:
        return verdict(name, problem)
    if len(weights) != 8 or _differences(weights[:6], _hand_set_weights()[:6]) != []:
        return verdict(
            name,
            "keep the hand-set weights in the first three layers and choose only the last: "
            "set_weights([*hand_set.get_weights()[:6], last_kernel, last_bias])",
        )
    wrong = _misclassified(probabilities, np.arange(8))
    if wrong:
        index = min(wrong)
        row = probabilities[index]
        best = np.flatnonzero(row >= row.max() - _TIE)
        if len(best) > 1:
            classes = ", ".join(str(c) for c in best)
            outcome = f"ties classes {classes} for the highest probability ({row.max():.3f})"
        else:
            outcome = f"gives class {int(best[0])} the highest probability"
        return verdict(
            name,
            f"image {_four_pixel_image_name(index)} should be class {index} but the model "
            f"{outcome} ({len(wrong)} of 8 images wrong). Which layer-3 unit fires for each "
            "image?",
        )
    return verdict(name, None)


# ------------------------------------------------------------ 05: gradient descent and optimizers


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
    """Exercise 06.2: ``dropout(x, rate, rng)`` drops units like Keras does in training.

    Checks the dropped fraction, the survivors' scaling, that the drops are spread over rows
    and columns, and that the mask comes from ``rng`` (same seed: same mask; other seed: other;
    a second call with the same generator: a new mask).
    """
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
        # Independent drops spread evenly: every row and column loses about `rate` of its
        # entries (binomial spread here is below 0.04; a fixed pattern is far outside 0.2).
        by_row, by_column = np.mean(got == 0, axis=1), np.mean(got == 0, axis=0)
        if max(np.abs(by_row - rate).max(), np.abs(by_column - rate).max()) > 0.2:
            return verdict(
                name,
                f"rate {rate}: the dropped units bunch in some rows or columns (between "
                f"{min(by_row.min(), by_column.min()):.0%} and "
                f"{max(by_row.max(), by_column.max()):.0%} of a row or column is 0). Drop each "
                "entry independently: one random number per entry, e.g. rng.random(x.shape)",
            )
    masks, shared = [], np.random.default_rng(3)
    for rng in (np.random.default_rng(1), np.random.default_rng(1), np.random.default_rng(2)):
        got, problem = attempt(dropout, x.copy(), 0.5, rng)
        if problem:
            return verdict(name, problem)
        masks.append(np.asarray(got, dtype=float) == 0)
    for _ in range(2):  # two calls, one generator: every call must draw a fresh mask
        got, problem = attempt(dropout, x.copy(), 0.5, shared)
        if problem:
            return verdict(name, problem)
        masks.append(np.asarray(got, dtype=float) == 0)
    if not np.array_equal(masks[0], masks[1]):
        problem = (
            "two generators with the same seed gave different masks: draw the random numbers "
            "from `rng` (e.g. rng.random(x.shape)), not from np.random or a generator of your own"
        )
    elif np.array_equal(masks[0], masks[2]):
        problem = (
            "generators with different seeds gave the same mask: the mask must come from "
            "`rng`, not from a fixed pattern or a generator of your own"
        )
    elif np.array_equal(masks[3], masks[4]):
        problem = (
            "two calls with the same generator gave the same mask: every call must draw new "
            "random numbers from `rng` (do not copy or re-seed it inside your function)"
        )
    else:
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
