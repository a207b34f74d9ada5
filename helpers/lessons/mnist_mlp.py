"""Lesson 03a (mnist_mlp): its exercise checks, widgets, plots and data."""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from helpers import checks, datasets, plotting
from helpers.widgets import LiveFigure

if TYPE_CHECKING:
    import keras


# ------------------------------------------------------------ exercise checks

ONE_HIDDEN_LAYER_TARGET = 0.97  # validation accuracy exercise 03a.2 asks for, within 3 epochs
ONE_HIDDEN_LAYER_EPOCHS = 3
SPARSE_LABELS_TARGET = 0.95  # validation accuracy exercise 03a.3 asks for


def exercise_count_parameters(count_parameters: Callable) -> checks.Verdict:
    """Exercise 03a.1: parameters of a stack of Dense layers, ``[n_in, n_1, ..., n_out]``."""
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
        got, problem = checks.attempt(count_parameters, list(sizes))
        if problem:
            return checks.verdict(name, problem)
        if got is None:
            return checks.verdict(name, f"count_parameters({sizes}) returned None: add `return`")
        if isinstance(got, bool | str) or not isinstance(got, numbers.Real):
            return checks.verdict(
                name, f"count_parameters({sizes}) returned {got!r}, expected a whole number"
            )
        if got == expected:
            continue
        weights_only = sum(n_in * n_out for n_in, n_out in pairs)
        if got == weights_only:
            hint = "you counted the weights but not the biases: each unit has one bias too"
        elif got == weights_only + sum(sizes):
            hint = "the input has no biases: only the units of each layer get one"
        elif got == sum(n_in * n_out + n_in for n_in, n_out in pairs):
            hint = (
                "you gave each layer one bias per input; a layer has one bias per unit, "
                "that is per output (n_out)"
            )
        elif len(pairs) > 1 and got in (
            sum(n_in * n_out + n_out for n_in, n_out in pairs[:-1]),
            sum(n_in * n_out + n_out for n_in, n_out in pairs[1:]),
        ):
            hint = (
                f"you left out one layer: {len(sizes)} sizes make {len(pairs)} Dense layers, "
                "one per consecutive pair (check the range of your loop)"
            )
        else:
            hint = (
                "a Dense layer from n_in to n_out units has an n_in x n_out kernel and n_out "
                "biases; add that up over consecutive pairs of sizes"
            )
        return checks.verdict(
            name, f"count_parameters({sizes}) gave {got:,}, expected {expected:,}: {hint}"
        )
    return checks.verdict(name, None)


def _loss_name(loss) -> str:
    """The name of a compiled loss: a string, a Keras Loss object or a loss function."""
    if isinstance(loss, str):
        return loss
    return str(getattr(loss, "name", None) or getattr(loss, "__name__", None) or loss)


def _reads_logits(loss) -> bool:
    """Whether a compiled loss was told ``from_logits=True`` (a Loss object or a partial)."""
    if isinstance(loss, Mapping):
        return any(_reads_logits(one) for one in loss.values())
    if isinstance(loss, list | tuple):
        return any(_reads_logits(one) for one in loss)
    if getattr(loss, "from_logits", False) is True:
        return True
    if (getattr(loss, "keywords", None) or {}).get("from_logits") is True:  # functools.partial
        return True
    try:
        return loss.get_config().get("from_logits") is True
    except Exception:  # a plain function or a string has no config
        return False


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
    if _reads_logits(getattr(model, "loss", None)):
        return (
            "the loss was compiled with from_logits=True, but the last layer already outputs "
            "probabilities (softmax): the loss would apply softmax a second time and train on "
            "the wrong numbers. Leave from_logits at its default (False)"
        )
    if (
        not isinstance(history, keras.callbacks.History)
        or getattr(history, "model", None) is not model
    ):
        return "pass the History that model.fit(...) returned for this model as `history`"
    if not history.epoch:
        return "the history shows no training: call model.fit(...) with epochs >= 1"
    return None


def _evaluation_set_problem(x_val, y_val, num_classes: int = 10) -> str | None:
    """A hint if ``x_val``/``y_val`` are not examples and their labels (integer or one-hot)."""
    try:
        x_val, y_val = np.asarray(x_val, dtype=float), np.asarray(y_val)
    except (TypeError, ValueError):
        return "pass the validation images x_val (numbers) and the validation labels y_val"
    if x_val.ndim < 2 or len(x_val) == 0 or y_val.ndim not in (1, 2):
        return (
            f"pass the validation images x_val and labels y_val, got shapes {x_val.shape} and "
            f"{y_val.shape}"
        )
    if len(y_val) != len(x_val):
        return (
            f"x_val has {len(x_val)} examples but the labels {len(y_val)}: pass the "
            "labels y_val that belong to x_val"
        )
    labels = y_val.argmax(axis=1) if y_val.ndim == 2 else y_val
    if (
        labels.dtype.kind not in "iuf"
        or not np.all((labels >= 0) & (labels < num_classes))
        or (not np.array_equal(labels, np.round(labels)))
    ):
        return f"the validation labels should be the digits 0..{num_classes - 1} (y_val)"
    return None


def _accuracy_on(model, x_val, y_val) -> float:
    """Accuracy of ``model`` on ``x_val`` (integer or one-hot labels), by inference only."""
    y_val = np.asarray(y_val)
    labels = y_val.argmax(axis=1) if y_val.ndim == 2 else y_val
    predicted = np.argmax(model.predict(x_val, verbose=0), axis=1)
    return float(np.mean(predicted == labels))


_NONLINEAR_LAYERS = ("Activation", "ReLU", "LeakyReLU", "ELU", "PReLU", "Softmax")


def _linear_hidden_layer(model) -> bool:
    """Whether the hidden Dense layer has no activation and no activation layer follows it."""
    import keras

    layers = list(model.layers)
    hidden = next(layer for layer in layers if isinstance(layer, keras.layers.Dense))
    if getattr(hidden.activation, "__name__", "") != "linear":
        return False
    after = layers[layers.index(hidden) + 1 :]
    between = list(itertools.takewhile(lambda la: not isinstance(la, keras.layers.Dense), after))
    return not any(type(layer).__name__ in _NONLINEAR_LAYERS for layer in between)


def exercise_one_hidden_layer(model, history, x_val, y_val) -> checks.Verdict:
    """Exercise 03a.2: one hidden layer, at most 3 epochs, validation accuracy >= 0.97.

    Trains nothing: inspects the model and the History its ``fit`` returned, and measures the
    accuracy on the validation set by inference.
    """
    import keras

    name = (
        f"one hidden layer, >= {ONE_HIDDEN_LAYER_TARGET:.0%} validation accuracy "
        f"within {ONE_HIDDEN_LAYER_EPOCHS} epochs"
    )
    problem = _trained_classifier_problem(model, history) or _evaluation_set_problem(x_val, y_val)
    if problem:
        return checks.verdict(name, problem)
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    if len(dense) == 1:
        return checks.verdict(
            name,
            "the model has no hidden layer, only the output layer: put one Dense layer with "
            "an activation (e.g. relu) before the Dense(10, softmax) output",
        )
    if len(dense) != 2:
        return checks.verdict(
            name,
            f"the model has {len(dense) - 1} hidden Dense layers; the task is exactly one "
            "hidden Dense layer followed by the Dense(10, softmax) output layer",
        )
    if _linear_hidden_layer(model):
        return checks.verdict(
            name,
            "the hidden layer has no activation, so the network is linear (two linear layers "
            "make one linear map): give the hidden Dense layer an activation such as 'relu'",
        )
    epochs = len(history.epoch)
    steps = history.params.get("steps")
    iterations = int(model.optimizer.iterations)
    if epochs > ONE_HIDDEN_LAYER_EPOCHS:
        return checks.verdict(name, f"it trained for {epochs} epochs; the budget is 3")
    if steps and iterations > steps * epochs:
        return checks.verdict(
            name,
            f"the optimizer took {iterations} steps but this history accounts for only "
            f"{steps * epochs}: build a fresh model and call fit once, with epochs <= 3",
        )
    try:
        accuracy = _accuracy_on(model, x_val, y_val)
    except Exception as error:  # the student's model may not accept the data
        return checks.verdict(
            name, f"predicting the validation set raised {type(error).__name__}: {error}"
        )
    if accuracy < ONE_HIDDEN_LAYER_TARGET:
        return checks.verdict(
            name,
            f"validation accuracy {accuracy:.4f} < {ONE_HIDDEN_LAYER_TARGET}. Try a wider hidden "
            "layer (e.g. 512 relu units), RMSprop, all 50,000 training images and batches of 128",
        )
    return checks.verdict(name, None)


def exercise_sparse_labels(model, history, x_val, y_val) -> checks.Verdict:
    """Exercise 03a.3: the same kind of classifier trained on integer labels, no one-hot.

    Checks the compiled loss, that the History belongs to the model, and the validation accuracy
    (inference only; ``y_val`` are the integer labels).
    """
    name = "train on integer labels with sparse_categorical_crossentropy"
    problem = _trained_classifier_problem(model, history)
    if problem:
        return checks.verdict(name, problem)
    loss = _loss_name(model.loss)
    if loss in ("categorical_crossentropy", "CategoricalCrossentropy"):
        return checks.verdict(
            name,
            "the model is compiled with categorical_crossentropy, which wants one-hot labels; "
            "use loss='sparse_categorical_crossentropy' and fit on the integer labels y_train",
        )
    if loss not in ("sparse_categorical_crossentropy", "SparseCategoricalCrossentropy"):
        return checks.verdict(name, f"the loss is {loss!r}; use 'sparse_categorical_crossentropy'")
    if np.ndim(y_val) != 1:
        return checks.verdict(
            name, f"pass the integer validation labels, shape (n,), got shape {np.shape(y_val)}"
        )
    problem = _evaluation_set_problem(x_val, y_val)
    if problem:
        return checks.verdict(name, problem)
    try:
        accuracy = _accuracy_on(model, x_val, y_val)
    except Exception as error:
        return checks.verdict(
            name, f"predicting the validation set raised {type(error).__name__}: {error}"
        )
    if accuracy < SPARSE_LABELS_TARGET:
        return checks.verdict(
            name,
            f"validation accuracy {accuracy:.4f} < {SPARSE_LABELS_TARGET}: train a little longer "
            "or on more images (the 50,000 integer labels in y_train)",
        )
    return checks.verdict(name, None)


# ------------------------------------------------------------ widgets


def _number(name: str, value: Any, who: str) -> float:
    """``value`` as a finite float, or a ValueError naming ``name`` and what was expected."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise ValueError(f"{who}: {name} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{who}: {name} must be a finite number, got {value!r}")
    return float(value)


def _whole_number(name: str, value: Any, who: str) -> int:
    """``value`` as an int, or a ValueError: shifts, indices and seeds count whole things."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{who}: {name} must be a whole number (an int), got {value!r}")
    return int(value)


def _pixels(values: Any, who: str, what: str = "images") -> np.ndarray:
    """Numeric, non-empty, finite pixel values scaled to [0, 1], or a ValueError saying so."""
    if values is None:
        raise ValueError(f"{who} expects {what} (an array of numbers in [0, 1]), got None")
    array = np.asarray(values)
    if array.dtype.kind not in "iuf":
        raise ValueError(
            f"{who} expects {what} as numbers in [0, 1], got an array of dtype {array.dtype}"
        )
    if array.size == 0:
        raise ValueError(f"{who} expects {what} with at least one pixel, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{who} expects finite pixel values, got NaN or inf in the {what}")
    if array.min() < 0 or array.max() > 1:
        raise ValueError(
            f"{who} expects pixel values scaled to [0, 1], got values from {array.min()} to "
            f"{array.max()}; divide bytes by 255 first (x / 255)"
        )
    return array


def perturb_image(
    image: np.ndarray, noise: float = 0.0, right: int = 0, down: int = 0, seed: int = 0
) -> np.ndarray:
    """Shift an image with pixel values in [0, 1], then add Gaussian noise of std ``noise``.

    The noise pattern depends only on ``seed`` (its size on ``noise``), so moving the noise
    slider turns the same pattern up or down. The result is clipped to [0, 1]. ``noise`` must
    be in [0, 1] (more only saturates the clipped image); a shift must be a whole number of
    pixels smaller than the image, ``|right| < width`` and ``|down| < height``, or nothing of
    the digit is left.
    """
    who = "perturb_image"
    noise = _number("noise", noise, who)
    if not 0 <= noise <= 1:
        raise ValueError(
            f"noise is a standard deviation in pixel units and must be in [0, 1], got {noise}"
        )
    seed = _whole_number("seed", seed, who)
    if seed < 0:
        raise ValueError(f"{who}: seed must be a whole number >= 0, got {seed}")
    if image is not None and np.ndim(image) != 2:
        raise ValueError(f"perturb_image expects one image (height, width), got {np.shape(image)}")
    image = _pixels(image, who, "one image (height, width)")
    height, width = image.shape
    for name, shift, limit in (("right", right, width), ("down", down, height)):
        shift = _whole_number(name, shift, who)
        if not -limit < shift < limit:
            raise ValueError(
                f"shift {name}={shift} moves the whole image out of view; use a shift between "
                f"{-(limit - 1)} and {limit - 1} pixels for an image of shape {image.shape}"
            )
    shifted = datasets.transform_digit(image, shift_right=right, shift_down=down).astype(np.float32)
    pattern = np.random.default_rng(seed).standard_normal(shifted.shape).astype(np.float32)
    return np.clip(shifted + noise * pattern, 0.0, 1.0)


def _require_keras_model(model: Any, who: str) -> None:
    """Raise a clear ValueError unless ``model`` is a Keras model (it needs predict/call)."""
    import keras

    if not isinstance(model, keras.Model):
        raise ValueError(
            f"{who} expects a trained Keras model (keras.Model, e.g. a keras.Sequential), "
            f"got {type(model).__name__}"
        )


def _require_probabilities(probabilities: np.ndarray, who: str) -> None:
    """Raise a ValueError unless each row is probabilities: in [0, 1], summing to 1."""
    if probabilities.ndim != 2 or probabilities.shape[1] < 2:
        raise ValueError(
            f"{who}: the model must return one row of class probabilities per example, "
            f"got shape {probabilities.shape}"
        )
    if (
        not np.all(np.isfinite(probabilities))
        or probabilities.min() < 0
        or probabilities.max() > 1
        or not np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-3)
    ):
        raise ValueError(
            f"{who}: the model must output probabilities (each row in [0, 1], summing to 1), "
            f"got values from {np.nanmin(probabilities):.3g} to {np.nanmax(probabilities):.3g}. "
            "Raw scores (logits) cannot be drawn as probabilities: end the model with "
            "activation='softmax' (or add keras.layers.Activation('softmax'))"
        )


def _image_shape(image_shape: Any, example_shape: tuple[int, ...], who: str) -> tuple[int, int]:
    """``image_shape`` as (height, width) of positive ints holding one example's values."""
    if (
        not isinstance(image_shape, tuple | list)
        or len(image_shape) != 2
        or not all(isinstance(n, numbers.Integral) and n > 0 for n in image_shape)
    ):
        raise ValueError(f"{who}: image_shape must be (height, width), got {image_shape!r}")
    if int(np.prod(image_shape)) != int(np.prod(example_shape)):
        raise ValueError(
            f"{who}: examples of shape {example_shape} cannot be shown as {tuple(image_shape)}"
        )
    return int(image_shape[0]), int(image_shape[1])


def _examples_and_labels(x: Any, y: Any, who: str) -> tuple[np.ndarray, np.ndarray]:
    """Examples ``x`` (n, ...) and integer labels ``y`` (n,), checked for shape and kind."""
    if x is None or y is None:
        raise ValueError(f"{who} expects examples x and integer labels y, got None")
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim < 2 or len(x) == 0 or x.dtype.kind not in "iuf":
        raise ValueError(
            f"{who} expects examples x as an array of numbers of shape (n, ...) with n > 0, "
            f"got shape {x.shape} and dtype {x.dtype}"
        )
    if y.ndim != 1 or len(y) != len(x) or y.dtype.kind not in "iu":
        raise ValueError(
            f"{who} expects integer labels y of shape (n,) with n = len(x) = {len(x)}, got "
            f"shape {y.shape} and dtype {y.dtype}; for one-hot labels pass y.argmax(axis=1)"
        )
    if y.min() < 0:
        raise ValueError(f"{who}: labels must be class numbers >= 0, got {y.min()}")
    return x, y


def classify_perturbed_digit(
    model: keras.Model,
    x: np.ndarray,
    y: np.ndarray,
    index: int,
    noise: float = 0.0,
    right: int = 0,
    down: int = 0,
    image_shape: tuple[int, int] = (28, 28),
) -> dict[str, Any]:
    """Perturb example ``x[index]`` and classify it with one call of the Keras ``model``.

    ``x`` holds the examples in the shape the model eats (e.g. (n, 784)) with values in [0, 1];
    ``y`` their integer labels; ``image_shape`` is how to see one of them as an image. Returns
    the perturbed ``image``, the ``probabilities`` the model gives (it must output
    probabilities), the ``true`` and ``predicted`` labels and ``index``.
    """
    who = "classify_perturbed_digit"
    _require_keras_model(model, who)
    x, y = _examples_and_labels(x, y, who)
    index = _whole_number("index", index, who)
    if not 0 <= index < len(x):
        raise ValueError(f"index must be in 0..{len(x) - 1}, got {index}")
    shape = _image_shape(image_shape, x.shape[1:], who)
    image = _pixels(x[index], who, f"example x[{index}]").astype(np.float32).reshape(shape)
    perturbed = perturb_image(image, noise, right, down, seed=index)
    batch = perturbed.reshape((1, *x.shape[1:]))
    probabilities = np.asarray(model(batch, training=False), dtype=float)
    _require_probabilities(probabilities, who)
    probabilities = probabilities[0]
    if y[index] >= len(probabilities):
        raise ValueError(
            f"{who}: label {y[index]} has no class among the model's {len(probabilities)} outputs"
        )
    return {
        "index": int(index),
        "image": perturbed,
        "probabilities": probabilities,
        "true": int(y[index]),
        "predicted": int(np.argmax(probabilities)),
    }


def draw_classified_digit(result: Mapping[str, Any]) -> Figure:
    """The perturbed digit beside its probability bars (true class green, a wrong guess red).

    ``result``: what :func:`classify_perturbed_digit` returns.
    """
    who = "draw_classified_digit"
    keys = ("index", "image", "probabilities", "true", "predicted")
    if not isinstance(result, Mapping) or any(key not in result for key in keys):
        raise ValueError(
            f"{who} expects the dict that classify_perturbed_digit returns (keys {keys}), "
            f"got {type(result).__name__}"
        )
    image = _pixels(result["image"], who, "image")
    if image.ndim != 2:
        raise ValueError(f"{who} expects one image (height, width), got shape {image.shape}")
    probabilities = np.asarray(result["probabilities"])
    if probabilities.dtype.kind not in "iuf" or probabilities.ndim != 1:
        raise ValueError(
            f"{who} expects probabilities of shape (num_classes,), got {probabilities.shape} "
            f"of dtype {probabilities.dtype}"
        )
    _require_probabilities(probabilities[np.newaxis].astype(float), who)
    for key in ("true", "predicted"):
        label = _whole_number(key, result[key], who)
        if not 0 <= label < len(probabilities):
            raise ValueError(f"{who}: {key} must be in 0..{len(probabilities) - 1}, got {label}")
    fig = Figure(figsize=(8, 3), layout="constrained")
    ax_image, ax_bars = fig.subplots(1, 2, width_ratios=[1, 2.2])
    ax_image.imshow(image, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax_image.set_axis_off()
    ax_image.set_title(f"example #{result['index']}\ntrue label: {result['true']}")
    predicted = result["predicted"]
    verdict_text = "right" if predicted == result["true"] else "wrong"
    title = (
        f"predicted {predicted} with probability {probabilities[predicted]:.2f} ({verdict_text})"
    )
    return plotting.plot_probabilities(
        probabilities, true_label=result["true"], title=title, ax=ax_bars
    )


def digit_explorer(
    model: keras.Model,
    x: np.ndarray,
    y: np.ndarray,
    image_shape: tuple[int, int] = (28, 28),
    max_shift: int = 8,
) -> LiveFigure:
    """Browse digits (all, or only those the model gets wrong), add noise or shift them,
    and watch the model's probabilities change. Inference only: one model call per change.

    ``model``: a trained Keras classifier (``keras.Model``) that outputs probabilities; ``x``:
    examples in the shape it eats, values in [0, 1]; ``y``: their integer labels. The shift
    sliders go up to ``max_shift`` pixels each way, at most one pixel less than the image's size.
    """
    who = "digit_explorer"
    _require_keras_model(model, who)
    x, y = _examples_and_labels(x, y, who)
    _image_shape(image_shape, x.shape[1:], who)
    _pixels(x, who, "examples x")
    if not isinstance(max_shift, int | np.integer) or isinstance(max_shift, bool) or max_shift < 0:
        raise ValueError(f"max_shift must be a whole number of pixels >= 0, got {max_shift!r}")
    right_limit, down_limit = (min(int(max_shift), size - 1) for size in image_shape[::-1])
    probabilities = np.asarray(model.predict(x, verbose=0), dtype=float)
    _require_probabilities(probabilities, who)
    if y.max() >= probabilities.shape[1]:
        raise ValueError(
            f"{who}: label {y.max()} has no class among the model's {probabilities.shape[1]} "
            "outputs"
        )
    predicted = np.argmax(probabilities, axis=1)
    chosen = {
        "all examples": np.arange(len(x)),
        "misclassified only": np.flatnonzero(predicted != y),
    }
    controls = {
        "show": widgets.Dropdown(options=list(chosen), description="show"),
        "position": widgets.IntSlider(value=0, min=0, max=len(x) - 1, description="example"),
        "noise": widgets.FloatSlider(value=0.0, min=0, max=1, step=0.05, description="noise"),
        "right": widgets.IntSlider(
            value=0, min=-right_limit, max=right_limit, description="shift right"
        ),
        "down": widgets.IntSlider(
            value=0, min=-down_limit, max=down_limit, description="shift down"
        ),
    }

    def on_show(change: Any) -> None:  # the slider walks through the chosen list
        # Runs before the redraw for "show" (observed first), and resets the slider without
        # a redraw of its own: one redraw per change of "show", not two.
        position = controls["position"]
        position.unobserve(explorer.update, names="value")
        position.max = max(len(chosen[change["new"]]) - 1, 0)
        position.value = 0
        position.observe(explorer.update, names="value")

    controls["show"].observe(on_show, names="value")

    def compute(show: str, position: int, noise: float, right: int, down: int) -> dict:
        indices = chosen[show]
        if len(indices) == 0:  # nothing misclassified: fall back to all examples
            indices = chosen["all examples"]
        index = int(indices[min(position, len(indices) - 1)])
        result = classify_perturbed_digit(model, x, y, index, noise, right, down, image_shape)
        return {**result, "misclassified_count": len(chosen["misclassified only"])}

    explorer = LiveFigure(controls, compute, draw_classified_digit)
    return explorer
