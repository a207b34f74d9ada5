"""Lesson 03b (mlp_experiments): its exercise checks, its widget and the widget's drawing."""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from helpers import checks
from helpers.widgets import LiveFigure

# ------------------------------------------------------------ exercise checks


def _chance_cases() -> list[tuple[np.ndarray, np.ndarray, float]]:
    """(training labels, validation labels, expected answer); the commonest digits differ."""
    rng = np.random.default_rng(0)
    train = np.concatenate([np.full(40, 3), np.full(25, 7), np.arange(10).repeat(3)])
    val = np.concatenate([np.full(9, 3), np.full(15, 7), np.arange(10)])
    cases = [(rng.permutation(train), rng.permutation(val), 9 / 34 + 1 / 34)]
    train2 = np.concatenate([np.full(12, 1), np.arange(10).repeat(5)])
    val2 = np.concatenate([np.full(4, 1), np.full(8, 0), np.arange(10).repeat(2)])
    cases.append((rng.permutation(train2), rng.permutation(val2), 6 / 32))
    return cases


def exercise_chance_accuracy(chance_accuracy: Callable) -> checks.Verdict:
    """Exercise 03b.1: the validation accuracy of always answering the commonest training digit.

    ``chance_accuracy(train_labels, val_labels)`` must return a fraction in [0, 1]. The check
    calls it on small made-up label sets where the commonest training digit is not the
    commonest validation digit.
    """
    name = "chance accuracy: always the commonest training digit, scored on validation"
    for train, val, expected in _chance_cases():
        answer, problem = checks.attempt(chance_accuracy, train.copy(), val.copy())
        if problem:
            return checks.verdict(name, problem)
        if isinstance(answer, bool) or not isinstance(answer, numbers.Real | np.floating):
            return checks.verdict(name, f"return one number (a fraction), got {answer!r}")
        answer = float(answer)
        if np.isclose(answer, expected):
            continue
        share = {d: np.mean(val == d) for d in range(10)}
        commonest_in_train = np.bincount(train, minlength=10).argmax()
        if np.isclose(answer, 0.1):
            hint = (
                "0.1 assumes ten equally common digits; they are not: find the commonest "
                "training digit (np.bincount(...).argmax()) and measure how often it is right"
            )
        elif np.isclose(answer, np.mean(train == commonest_in_train)):
            hint = (
                "that is the commonest digit's share of the training labels; score the guess "
                "on the validation labels"
            )
        elif np.isclose(answer, max(share.values())):
            hint = (
                "you chose the digit by the validation labels, which peeks at the answers: "
                "choose it from the training labels, then score it on the validation labels"
            )
        elif answer > 1 and np.isclose(answer, expected * len(val)):
            hint = "that is a count of validation labels; divide by their number for a fraction"
        else:
            hint = f"expected {expected:.4f} on a made-up case, got {answer:.4f}"
        return checks.verdict(name, hint)
    return checks.verdict(name, None)


def exercise_late_bottleneck(late_bottleneck: Callable) -> checks.Verdict:
    """Exercise 03b.2: ``late_bottleneck(width)`` builds 784-512-width-10 (ReLU, softmax)."""
    import keras

    name = "a bottleneck after the wide layer: 784-512-width-10"
    for width in (4, 9):
        model, problem = checks.attempt(late_bottleneck, width)
        if problem:
            return checks.verdict(name, problem)
        if not isinstance(model, keras.Model):
            return checks.verdict(name, f"return a Keras model, got {type(model).__name__}")
        dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
        units = [layer.units for layer in dense]
        activations = [getattr(layer.activation, "__name__", "") for layer in dense]
        if units == [width, 512, 10]:
            return checks.verdict(
                name,
                "that is the lesson's early bottleneck (784-width-512-10); put the narrow "
                "layer after the 512-unit layer: 784-512-width-10",
            )
        if units and units[:2] == [512, 4] and width != 4:
            return checks.verdict(name, "the narrow layer must have `width` units, not 4")
        if units != [512, width, 10]:
            return checks.verdict(
                name, f"expected Dense layers of 512, {width}, 10 units, got {units}"
            )
        if activations[:2] != ["relu", "relu"]:
            return checks.verdict(
                name,
                f"the hidden layers have activations {activations[:2]}; give both "
                "activation='relu' (a linear narrow layer is still a bottleneck, but not this one)",
            )
        if activations[2] != "softmax":
            return checks.verdict(
                name, "the output layer should be Dense(10, activation='softmax')"
            )
        if model.inputs is None or tuple(model.inputs[0].shape[1:]) != (784,):
            return checks.verdict(name, "start with keras.Input(shape=(784,)), one flat image")
        expected = 784 * 512 + 512 + 512 * width + width + width * 10 + 10
        if model.count_params() != expected:
            return checks.verdict(name, f"{model.count_params()} parameters, expected {expected}")
    return checks.verdict(name, None)


# ------------------------------------------------------------ widget: shuffled labels


def _curves(curves: Any, who: str) -> dict[float, dict[str, np.ndarray]]:
    """``{fraction: {"accuracy": [...], "val_accuracy": [...]}}`` checked, as float arrays."""
    expected = '{fraction shuffled: {"accuracy": [...], "val_accuracy": [...]}}'
    if not isinstance(curves, Mapping) or not curves:
        raise ValueError(f"{who}: curves must be a non-empty dict {expected}, got {curves!r:.60}")
    checked = {}
    for fraction, run in curves.items():
        if isinstance(fraction, bool) or not isinstance(fraction, numbers.Real):
            raise ValueError(f"{who}: each key must be a fraction in [0, 1], got {fraction!r}")
        if not 0 <= fraction <= 1:
            raise ValueError(f"{who}: each key must be a fraction in [0, 1], got {fraction!r}")
        if not isinstance(run, Mapping) or not {"accuracy", "val_accuracy"} <= set(run):
            raise ValueError(
                f"{who}: curves[{fraction}] must hold 'accuracy' and 'val_accuracy' "
                f"(History.history of a fit with validation data), got {run!r:.60}"
            )
        arrays = {}
        for key in ("accuracy", "val_accuracy"):
            try:
                values = np.asarray(run[key], dtype=float)
            except (TypeError, ValueError):
                raise ValueError(f"{who}: curves[{fraction}][{key!r}] must be numbers") from None
            if values.ndim != 1 or len(values) == 0:
                raise ValueError(
                    f"{who}: curves[{fraction}][{key!r}] must be one accuracy per epoch, got "
                    f"shape {values.shape}"
                )
            if not np.all(np.isfinite(values)) or values.min() < 0 or values.max() > 1:
                raise ValueError(
                    f"{who}: curves[{fraction}][{key!r}] must be accuracies in [0, 1], no NaN"
                )
            arrays[key] = values
        checked[float(fraction)] = arrays
    return dict(sorted(checked.items()))


def draw_shuffled_curves(curves: Mapping, fraction: float, chance: float = 0.1) -> Figure:
    """Training and validation accuracy per epoch for one shuffled fraction of the labels,
    with the unshuffled run (fraction 0, when present) in gray and ``chance`` as a line."""
    runs = _curves(curves, "draw_shuffled_curves")
    if fraction not in runs:
        raise ValueError(
            f"draw_shuffled_curves: fraction must be one of {list(runs)}, got {fraction!r}"
        )
    if isinstance(chance, bool) or not isinstance(chance, numbers.Real) or not 0 <= chance <= 1:
        raise ValueError(
            f"draw_shuffled_curves: chance must be a fraction in [0, 1], got {chance!r}"
        )
    figure = Figure(figsize=(7, 3.6))
    ax = figure.subplots()
    if 0.0 in runs and fraction != 0.0:
        for key, style in (("accuracy", "-"), ("val_accuracy", "--")):
            epochs = np.arange(1, len(runs[0.0][key]) + 1)
            ax.plot(epochs, runs[0.0][key], style, color="0.7", label=f"no shuffling: {key}")
    for key, style, colour in (("accuracy", "-", "C0"), ("val_accuracy", "--", "C1")):
        epochs = np.arange(1, len(runs[fraction][key]) + 1)
        label = "training (the labels it was given)" if key == "accuracy" else "validation"
        ax.plot(epochs, runs[fraction][key], style, color=colour, label=label)
    ax.axhline(chance, color="C3", linestyle=":", label=f"chance ({chance:.2f})")
    ax.set(xlabel="epoch", ylabel="accuracy", ylim=(0, 1.02))
    ax.set_title(f"{fraction:.0%} of the training labels shuffled")
    ax.legend(fontsize=8, loc="center right")
    return figure


def shuffled_labels_explorer(curves: Mapping, chance: float = 0.1) -> LiveFigure:
    """A slider over the shuffled fractions of precomputed runs; each move redraws their
    training and validation accuracy curves (no training happens in the widget)."""
    runs = _curves(curves, "shuffled_labels_explorer")
    options = [(f"{fraction:.0%}", fraction) for fraction in runs]
    controls = {
        "fraction": widgets.SelectionSlider(
            options=options, value=options[0][1], description="labels shuffled"
        )
    }

    def compute(fraction: float) -> dict:
        return {"fraction": fraction}

    return LiveFigure(
        controls, compute, lambda r: draw_shuffled_curves(runs, r["fraction"], chance)
    )
