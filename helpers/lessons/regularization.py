"""Lesson 06b (regularization): its exercise checks, widgets, plots and calibration tools."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from helpers import checks
from helpers.widgets import LiveFigure

# ------------------------------------------------------------ exercise checks


def exercise_inverted_dropout(dropout: Callable) -> checks.Verdict:
    """Exercise 06b.1: ``dropout(x, rate, rng)`` drops units like Keras does in training.

    Checks the dropped fraction, the survivors' scaling, that the drops are spread over rows
    and columns, and that the mask comes from ``rng`` (same seed: same mask; other seed: other;
    a second call with the same generator: a new mask).
    """
    name = "inverted dropout"
    x = np.full((200, 500), 3.0)
    exact_counts = 0  # rates at which exactly rate * size entries were dropped
    for rate in (0.2, 0.5, 0.8):
        given = x.copy()
        got, problem = checks.attempt(dropout, given, rate, np.random.default_rng(0))
        if problem:
            return checks.verdict(name, problem)
        if got is None:
            return checks.verdict(name, "dropout returned None: did you forget `return`?")
        if not np.array_equal(given, x):
            return checks.verdict(
                name,
                "your function changed its input x in place (like a Keras layer, it must leave "
                "its input alone): build a new array, e.g. with np.where, instead of x[...] = 0",
            )
        got = np.asarray(got, dtype=float)
        if got.shape != x.shape:
            return checks.verdict(name, f"the output has shape {got.shape}, expected {x.shape}")
        dropped = float(np.mean(got == 0))
        survivors = np.unique(np.round(got[got != 0], 6))
        expected_value = 3.0 / (1 - rate)
        if abs(dropped - rate) > 0.02:
            if dropped == 0:
                hint = "no entry became 0: a dropped unit's output must be 0"
            elif abs(dropped - (1 - rate)) <= 0.02:
                hint = "you keep units with probability `rate`; `rate` is the probability to DROP"
            else:
                hint = "each unit should be dropped independently with probability `rate`"
            return checks.verdict(name, f"rate {rate}: {dropped:.0%} of units are 0. {hint}")
        if survivors.size != 1 or not math.isclose(survivors[0], expected_value, rel_tol=1e-5):
            shown = survivors[:3].tolist()
            if survivors.size == 1 and math.isclose(survivors[0], 1 / (1 - rate), rel_tol=1e-5):
                hint = "You return the scaled mask itself: multiply x by it"
            elif survivors.size == 1 and math.isclose(survivors[0], 3.0 / rate, rel_tol=1e-5):
                hint = "Divide the survivors by the probability to KEEP them, 1 - rate, not by rate"
            else:
                hint = "Divide the survivors by (1 - rate), so the expected output equals the input"
            return checks.verdict(
                name,
                f"rate {rate}: surviving units of value 3 became {shown}, expected "
                f"{expected_value:.4g}. {hint}",
            )
        # Independent drops spread evenly: every row and column loses about `rate` of its
        # entries (binomial spread here is below 0.04; a fixed pattern is far outside 0.2).
        by_row, by_column = np.mean(got == 0, axis=1), np.mean(got == 0, axis=0)
        if max(np.abs(by_row - rate).max(), np.abs(by_column - rate).max()) > 0.2:
            return checks.verdict(
                name,
                f"rate {rate}: the dropped units bunch in some rows or columns (between "
                f"{min(by_row.min(), by_column.min()):.0%} and "
                f"{max(by_row.max(), by_column.max()):.0%} of a row or column is 0). Drop each "
                "entry independently: one random number per entry, e.g. rng.random(x.shape)",
            )
        # Independent drops: the number dropped varies (binomial, standard deviation above 120
        # here), so it lands within 1 of rate * size with probability below 1% at each rate.
        exact_counts += abs(np.sum(got == 0) - rate * x.size) <= 1
    if exact_counts == 3:
        return checks.verdict(
            name,
            "you drop exactly rate * size entries every time; Keras drops each entry "
            "independently (a coin flip per entry), so the number dropped varies from call to call",
        )
    masks, shared = [], np.random.default_rng(3)
    for rng in (np.random.default_rng(1), np.random.default_rng(1), np.random.default_rng(2)):
        got, problem = checks.attempt(dropout, x.copy(), 0.5, rng)
        if problem:
            return checks.verdict(name, problem)
        masks.append(np.asarray(got, dtype=float) == 0)
    for _ in range(2):  # two calls, one generator: every call must draw a fresh mask
        got, problem = checks.attempt(dropout, x.copy(), 0.5, shared)
        if problem:
            return checks.verdict(name, problem)
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
        zero_rate, problem = checks.attempt(dropout, x.copy(), 0.0, np.random.default_rng(0))
        if problem is None and not np.allclose(np.asarray(zero_rate, dtype=float), x):
            problem = "with rate 0 nothing should change"
    return checks.verdict(name, problem)


def exercise_early_stopping(rule: Callable) -> checks.Verdict:
    """Exercise 06b.2: ``rule(val_losses, patience)`` returns (best_epoch, epochs_run) as Keras."""
    import keras

    name = "the early-stopping rule"
    rng = np.random.default_rng(6)
    cases = [
        ([1.0, 0.8, 0.7, 0.75, 0.72, 0.9, 0.95, 1.0], 2),
        ([1.0, 0.8, 0.7, 0.75, 0.72, 0.9, 0.95, 1.0], 3),
        ([0.9, 0.8, 0.7, 0.6, 0.5], 2),
        ([0.5, 0.6, 0.5, 0.7, 0.8, 0.9], 2),  # a tie with the best
        ([0.5, 0.5, 0.5, 0.5, 0.5], 2),  # nothing but ties
        ([1.0, 0.9, 0.95, 0.97, 0.99, 0.5, 0.4], 2),  # the lowest losses come after the stop
        ([1.0, 0.7, 0.8, 0.75, 0.78, 0.6], 3),  # ups and downs, none below the best
        (list(0.5 + 0.3 * np.abs(np.sin(np.arange(20) / 3)) + rng.uniform(0, 0.1, 20)), 4),
    ]
    for losses, patience in cases:
        expected = _keras_early_stopping(keras, losses, patience)
        got, problem = checks.attempt(rule, list(losses), patience)
        if problem:
            return checks.verdict(name, problem)
        try:
            best_epoch, epochs_run = (int(v) for v in got)
        except (TypeError, ValueError):
            return checks.verdict(name, f"return a pair (best_epoch, epochs_run), got {got!r}")
        if (best_epoch, epochs_run) != expected:
            shown = [round(v, 3) for v in losses]
            return checks.verdict(
                name,
                f"for val_loss {shown} and patience {patience} you return "
                f"{(best_epoch, epochs_run)}, Keras gives {expected}. "
                + _early_stopping_hint((best_epoch, epochs_run), losses, patience),
            )
    return checks.verdict(name, None)


def _stopping_variant(
    losses: Sequence[float],
    patience: int,
    tie_is_new_best: bool = False,
    tie_waits: bool = True,
    versus_previous: bool = False,
) -> tuple[int, int]:
    """(best epoch, epochs run) by the early-stopping rule, or by one of its common misreadings.

    With the defaults this is Keras's rule. ``tie_is_new_best``: a tie with the best counts as
    a new best; ``tie_waits=False``: a tie neither resets nor advances the wait counter;
    ``versus_previous``: the wait counter resets whenever a loss beats the previous epoch's.
    """
    best_epoch, wait = 1, 0
    for epoch in range(2, len(losses) + 1):
        loss, best = losses[epoch - 1], losses[best_epoch - 1]
        reference = losses[epoch - 2] if versus_previous else best
        if loss < best or (tie_is_new_best and loss == best):
            best_epoch = epoch
        if loss < reference or (tie_is_new_best and loss == reference):
            wait = 0
        elif loss > reference or tie_waits:
            wait += 1
        if wait >= patience:
            return best_epoch, epoch
    return best_epoch, len(losses)


def _early_stopping_hint(got: tuple[int, int], losses: Sequence[float], patience: int) -> str:
    """Name the misreading of the rule that gives exactly ``got``, or say what to re-read."""
    right = _stopping_variant(losses, patience)
    mistakes = [
        ((right[0] - 1, right[1]), "Epochs are counted from 1, not from 0"),
        ((right[0] - 1, right[1] - 1), "Epochs are counted from 1, not from 0"),
        (
            _stopping_variant(losses, patience, tie_is_new_best=True),
            "A loss equal to the best so far (a tie) is not a new best",
        ),
        (
            _stopping_variant(losses, patience, tie_waits=False),
            "An epoch that ties the best is not an improvement, so it counts as waiting",
        ),
        (
            _stopping_variant(losses, patience, versus_previous=True),
            "Compare each loss with the best so far, not with the previous epoch's",
        ),
        (
            (int(np.argmin(losses)) + 1, right[1]),
            "The best epoch is the best of the epochs that ran: a lower loss after training "
            "stopped is never seen",
        ),
        (
            (int(np.argmin(losses)) + 1, min(len(losses), int(np.argmin(losses)) + 1 + patience)),
            "Follow the losses epoch by epoch: training stops at the first run of `patience` "
            "epochs without a new best, before any lower loss that would come later",
        ),
        (_stopping_variant(losses, patience + 1), "You stop one epoch too late"),
        (
            _stopping_variant(losses, max(patience - 1, 1)),
            "You stop one epoch too early: the epoch at which the counter reaches `patience` runs",
        ),
        (
            (right[0], len(losses)),
            "Training must stop once `patience` epochs pass without a new best",
        ),
    ]
    return next(
        (hint for wrong, hint in mistakes if wrong == got and wrong != right),
        "Re-read the rules: the best epoch is the first one with the lowest loss so far, and "
        "training stops after `patience` epochs in a row without a new best",
    )


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


# ------------------------------------------------------------ widgets


def _finite_grid(values: Any, who: str, name: str = "activations") -> np.ndarray:
    """``values`` as a float32 2-D array of finite numbers, or a ValueError saying the fix."""
    array = np.asarray(values, dtype=object if values is None else None)
    if array.dtype.kind not in "iuf":
        raise ValueError(
            f"{who} expects {name} as a 2-D array of numbers (rows, cols), got "
            f"{type(values).__name__} of dtype {array.dtype}; pass e.g. a layer's output as NumPy"
        )
    if array.ndim != 2 or array.size == 0:
        raise ValueError(
            f"{who} expects a 2-D grid of {name} (rows, cols), got shape {array.shape}; "
            "reshape a layer's output, e.g. a.reshape(16, 32)"
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{who}: the {name} contain NaN or infinity; pass finite values")
    return array.astype("float32")


def _rate(rate: Any, who: str, high: float, high_included: bool) -> float:
    """``rate`` as a float in [0, high) (or [0, high]), or a ValueError naming the range."""
    allowed = f"[0, {high:g}{']' if high_included else ')'}"
    if isinstance(rate, bool) or not isinstance(rate, int | float | np.number):
        raise ValueError(
            f"{who}: the dropout rate must be a number in {allowed}, e.g. 0.5; got {rate!r}"
        )
    if not (0 <= rate <= high if high_included else 0 <= rate < high):
        raise ValueError(f"{who}: the dropout rate must be in {allowed}, e.g. 0.5; got {rate}")
    return float(rate)


def _result(result: Any, who: str, keys: Sequence[str]) -> Mapping[str, Any]:
    """Check that ``result`` is the dict its compute function returns (it has ``keys``)."""
    missing = [k for k in keys if not isinstance(result, Mapping) or k not in result]
    if missing:
        raise ValueError(
            f"{who} expects the dict that its compute function returns, with {list(keys)}; "
            f"missing {missing} in {type(result).__name__}"
        )
    return result


def dropout_sample(
    activations: np.ndarray, rate: float, seed: int, repeats: int = 1000
) -> dict[str, Any]:
    """What a Keras ``Dropout(rate, seed=seed)`` layer does in training to a grid of activations.

    The layer runs on ``1 + repeats`` rows of ones, each with its own mask: a row holds 0 for a
    dropped unit and ``1 / (1 - rate)`` for a survivor, and multiplying the activations by it is
    what the layer does to them. The first row is the mask shown; the others give
    ``mean_total``, the sum after dropout averaged over ``repeats`` masks (close to
    ``total_before``: that is what the scaling is for). Returns ``activations``, ``keep`` (bool
    mask), ``output``, ``dropped_fraction``, ``total_before``, ``total_after`` (sums over all
    units) and ``mean_total``.
    """
    import keras

    activations = _finite_grid(activations, "dropout_sample")
    rate = _rate(rate, "dropout_sample", high=1.0, high_included=False)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer such as 0, 1, 2; got {seed!r}")
    if isinstance(repeats, bool) or not isinstance(repeats, int | np.integer) or repeats < 1:
        raise ValueError(f"repeats must be a positive integer such as 1000, got {repeats!r}")
    layer = keras.layers.Dropout(float(rate), seed=int(seed))
    ones = np.ones((1 + repeats, activations.size), dtype="float32")
    scales = np.asarray(layer(ones, training=True))  # per row: 0 (dropped) or 1 / (1 - rate)
    output = activations * scales[0].reshape(activations.shape)
    keep = scales[0].reshape(activations.shape) != 0
    totals = scales[1:] @ activations.ravel()
    return {
        "activations": activations,
        "keep": keep,
        "output": output,
        "rate": float(rate),
        "seed": int(seed),
        "repeats": int(repeats),
        "dropped_fraction": float(1 - keep.mean()),
        "total_before": float(activations.sum()),
        "total_after": float(output.sum()),
        "mean_total": float(totals.mean()),
    }


def draw_dropout_sample(result: Mapping[str, Any]) -> Figure:
    """Three panels: the activations, the mask (black = dropped) and the scaled output."""
    keys = ["activations", "keep", "output", "rate", "repeats", "dropped_fraction"]
    keys += ["total_before", "total_after", "mean_total"]
    result = _result(result, "draw_dropout_sample", keys)
    grids = [_finite_grid(result[k], "draw_dropout_sample", k) for k in ("activations", "output")]
    if grids[0].shape != grids[1].shape or np.shape(result["keep"]) != grids[0].shape:
        raise ValueError(
            "draw_dropout_sample expects activations, keep and output of one shape, got "
            f"{grids[0].shape}, {np.shape(result['keep'])} and {grids[1].shape}: use "
            "dropout_sample(...)'s result"
        )
    _rate(result["rate"], "draw_dropout_sample", high=1.0, high_included=False)
    # A fixed layout: a layout engine would double the time of every redraw (issue 17)
    fig = Figure(figsize=(11, 3.4))
    axes = fig.subplots(1, 3, gridspec_kw=dict(left=0.05, right=0.9, bottom=0.15, top=0.8))
    top = max(float(result["output"].max()), float(result["activations"].max()), 1e-9)
    panels = [
        (result["activations"], f"activations (sum {result['total_before']:.1f})", top),
        (result["keep"].astype(float), f"mask, black: {result['dropped_fraction']:.0%} dropped", 1),
        (result["output"], f"training output (sum {result['total_after']:.1f})", top),
    ]
    for ax, (image, title, vmax) in zip(axes, panels, strict=True):
        picture = ax.imshow(image, cmap="magma", vmin=0, vmax=vmax, interpolation="nearest")
        ax.set(title=title, xlabel="unit (column)", ylabel="unit (row)")
        ax.set(xticks=[0, image.shape[1] - 1], yticks=[0, image.shape[0] - 1])  # few: faster
        ax.grid(False)
    fig.colorbar(picture, cax=fig.add_axes((0.915, 0.2, 0.012, 0.55)), label="activation")
    fig.suptitle(
        f"rate {result['rate']:.2f}: survivors x {1 / (1 - result['rate']):.2f}; "
        f"mean sum over {result['repeats']} masks {result['mean_total']:.1f} "
        f"(no dropout: {result['total_before']:.1f})"
    )
    return fig


MAX_WIDGET_RATE = 0.9  # the dropout visualizer's slider goes from 0 to this rate


def dropout_visualizer(activations: np.ndarray, rate: float = 0.5) -> LiveFigure:
    """Drop units of ``activations`` (a 2-D grid) with Keras's ``Dropout`` at a chosen rate.

    Controls: the rate (0 to ``MAX_WIDGET_RATE``) and the mask seed; the "resample" button
    moves to the next seed.
    """
    activations = _finite_grid(activations, "dropout_visualizer")
    rate = _rate(rate, "dropout_visualizer", high=MAX_WIDGET_RATE, high_included=True)
    controls = {
        "rate": widgets.FloatSlider(
            value=rate, min=0.0, max=MAX_WIDGET_RATE, step=0.05, description="dropout rate"
        ),
        "seed": widgets.BoundedIntText(value=0, min=0, max=10**9, description="mask seed"),
    }

    def resample(live: LiveFigure) -> None:
        live.controls["seed"].value += 1

    return LiveFigure(
        controls,
        lambda rate, seed: dropout_sample(activations, rate, seed),
        draw_dropout_sample,
        buttons={"resample": resample},
    )


# ------------------------------------------------------------ calibration (lesson 06b)


def _probabilities_and_labels(
    probabilities: Any, labels: Any, who: str
) -> tuple[np.ndarray, np.ndarray]:
    """Float64 (n, classes) probabilities and int (n,) labels, or a ValueError with the fix."""
    p = np.asarray(probabilities, dtype=object if probabilities is None else None)
    if p.dtype.kind not in "iuf" or p.ndim != 2 or p.shape[0] == 0 or p.shape[1] < 2:
        raise ValueError(
            f"{who} expects probabilities of shape (examples, classes) with at least 2 classes, "
            f"got {type(probabilities).__name__} of shape {p.shape} and dtype {p.dtype}; pass "
            "model.predict(x)"
        )
    if not np.all(np.isfinite(p)) or p.min() < 0 or p.max() > 1:
        raise ValueError(f"{who}: probabilities must be finite numbers in [0, 1] (softmax outputs)")
    y = np.asarray(labels, dtype=object if labels is None else None)
    if y.dtype.kind not in "iu" or y.shape != (p.shape[0],):
        raise ValueError(
            f"{who} expects labels as integers of shape ({p.shape[0]},), one class index per "
            f"example, got {type(labels).__name__} of shape {y.shape} and dtype {y.dtype}; "
            "pass y_val, not one-hot labels"
        )
    if y.min() < 0 or y.max() >= p.shape[1]:
        raise ValueError(f"{who}: labels must be class indices in 0..{p.shape[1] - 1}")
    return p.astype("float64"), y.astype(int)


def _logits(logits: Any, who: str) -> np.ndarray:
    """Float64 (n, classes) finite logits, or a ValueError saying the fix."""
    z = np.asarray(logits, dtype=object if logits is None else None)
    if z.dtype.kind not in "iuf" or z.ndim != 2 or z.shape[0] == 0 or z.shape[1] < 2:
        raise ValueError(
            f"{who} expects logits of shape (examples, classes), got {type(logits).__name__} "
            f"of shape {z.shape} and dtype {z.dtype}; pass the last Dense layer's outputs"
        )
    if not np.all(np.isfinite(z)):
        raise ValueError(f"{who}: the logits contain NaN or infinity; pass finite values")
    return z.astype("float64")


def _temperature(temperature: Any, who: str) -> float:
    ok = isinstance(temperature, int | float | np.number) and not isinstance(temperature, bool)
    if not ok or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(
            f"{who}: temperature must be a positive number such as 1.5, got {temperature!r}"
        )
    return float(temperature)


def softmax_with_temperature(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Class probabilities ``softmax(logits / temperature)``, computed stably in float64."""
    z = _logits(logits, "softmax_with_temperature") / _temperature(
        temperature, "softmax_with_temperature"
    )
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def crossentropy(probabilities: np.ndarray, labels: np.ndarray) -> float:
    """Mean of ``-log p(true class)``, with p clipped at 1e-7 as Keras's cross-entropy does."""
    p, y = _probabilities_and_labels(probabilities, labels, "crossentropy")
    return float(np.mean(-np.log(np.clip(p[np.arange(len(y)), y], 1e-7, 1.0))))


TEMPERATURES = np.exp(np.linspace(np.log(0.2), np.log(20.0), 461))  # 1% apart


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature (from 0.2 to 20, 1% steps) with the lowest cross-entropy on these data."""
    z = _logits(logits, "fit_temperature")
    _probabilities_and_labels(softmax_with_temperature(z), labels, "fit_temperature")
    losses = [crossentropy(softmax_with_temperature(z, t), labels) for t in TEMPERATURES]
    return float(TEMPERATURES[int(np.argmin(losses))])


def calibration(probabilities: np.ndarray, labels: np.ndarray, bins: int = 10) -> dict[str, Any]:
    """Reliability of a classifier's confidence, in ``bins`` equal-width bins of confidence.

    Confidence is the largest probability of each example; a bin holds the examples whose
    confidence falls in (lower, upper] (the first bin also takes its lower edge). Per bin:
    ``count``, mean ``confidence`` and ``accuracy`` (NaN where empty). ``ece``, the expected
    calibration error, is the count-weighted mean of |accuracy - confidence| over the bins;
    ``mean_confidence`` and ``accuracy`` are over all examples.
    """
    p, y = _probabilities_and_labels(probabilities, labels, "calibration")
    if isinstance(bins, bool) or not isinstance(bins, int | np.integer) or bins < 1:
        raise ValueError(f"calibration: bins must be a positive integer such as 10, got {bins!r}")
    confidence = p.max(axis=1)
    correct = (p.argmax(axis=1) == y).astype(float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.searchsorted(edges, confidence, side="left") - 1, 0, bins - 1)
    count = np.bincount(which, minlength=bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        bin_confidence = np.bincount(which, confidence, minlength=bins) / count
        bin_accuracy = np.bincount(which, correct, minlength=bins) / count
    gaps = np.where(count > 0, np.abs(bin_accuracy - bin_confidence), 0.0)
    return {
        "edges": edges,
        "count": count,
        "confidence": bin_confidence,
        "accuracy": bin_accuracy,
        "ece": float(np.sum(count * gaps) / len(y)),
        "mean_confidence": float(confidence.mean()),
        "overall_accuracy": float(correct.mean()),
    }


def draw_reliability(results: Mapping[str, Mapping[str, Any]]) -> Figure:
    """Reliability diagrams side by side: accuracy against confidence per bin, one per model.

    ``results`` maps a model's name to what ``calibration`` returned for it. Bars below the
    diagonal: over-confident (less accurate than it claims); above: under-confident.
    """
    if not isinstance(results, Mapping) or not results:
        raise ValueError(
            "draw_reliability expects a non-empty dict {model name: calibration(...)}, got "
            f"{type(results).__name__} {results!r:.60}"
        )
    keys = ["edges", "count", "confidence", "accuracy", "ece", "mean_confidence"]
    keys.append("overall_accuracy")
    checked = {name: _result(r, "draw_reliability", keys) for name, r in results.items()}
    fig = Figure(figsize=(3.2 * len(checked), 3.4), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(checked), sharey=True))
    for ax, (name, r) in zip(axes, checked.items(), strict=True):
        edges = np.asarray(r["edges"], dtype=float)
        filled = np.asarray(r["count"]) > 0
        centres, width = (edges[:-1] + edges[1:]) / 2, np.diff(edges)
        accuracy = np.where(filled, r["accuracy"], 0.0)
        ax.bar(centres[filled], accuracy[filled], width[filled], color="C0", edgecolor="white")
        ax.plot([0, 1], [0, 1], "--", color="grey", lw=1)
        ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="confidence", title=f"{name}\nECE {r['ece']:.3f}")
        ax.text(
            0.04,
            0.93,
            f"mean confidence {r['mean_confidence']:.3f}\naccuracy {r['overall_accuracy']:.3f}",
            fontsize=8,
            va="top",
        )
    axes[0].set_ylabel("accuracy in the bin")
    return fig


def errors_by_decile(uncertainty: np.ndarray, wrong: np.ndarray) -> np.ndarray:
    """Error rate in each tenth of the examples, sorted from most certain to most uncertain.

    ``uncertainty``: one number per example (larger: less sure); ``wrong``: one bool per
    example. Ties keep the examples' order (a stable sort). Returns ten error rates.
    """
    u = np.asarray(uncertainty, dtype=object if uncertainty is None else None)
    w = np.asarray(wrong, dtype=object if wrong is None else None)
    if u.dtype.kind not in "iuf" or u.ndim != 1 or u.size < 10:
        raise ValueError(
            "errors_by_decile expects one uncertainty number per example, at least 10, got "
            f"{type(uncertainty).__name__} of shape {u.shape} and dtype {u.dtype}"
        )
    if not np.all(np.isfinite(u)):
        raise ValueError("errors_by_decile: the uncertainties contain NaN or infinity")
    if w.dtype.kind != "b" or w.shape != u.shape:
        raise ValueError(
            f"errors_by_decile expects `wrong` as booleans of shape {u.shape} (e.g. "
            f"predicted != y_val), got dtype {w.dtype} and shape {w.shape}"
        )
    order = np.argsort(u, kind="stable")
    return np.array([w[tenth].mean() for tenth in np.array_split(order, 10)])


def draw_error_deciles(rates: Mapping[str, Sequence[float]]) -> Figure:
    """Bars of error rate per uncertainty decile, one colour per way of ranking the examples."""
    if not isinstance(rates, Mapping) or not rates:
        raise ValueError(
            "draw_error_deciles expects a non-empty dict {ranking name: errors_by_decile(...)}, "
            f"got {type(rates).__name__} {rates!r:.60}"
        )
    checked = {}
    for name, values in rates.items():
        r = np.asarray(values, dtype=float if values is not None else object)
        if r.shape != (10,) or r.dtype.kind != "f" or not np.all((r >= 0) & (r <= 1)):
            raise ValueError(
                f"draw_error_deciles: {name!r} must be ten error rates in [0, 1] "
                f"(errors_by_decile's result), got {values!r:.60}"
            )
        checked[name] = r
    fig = Figure(figsize=(7, 3.5), layout="constrained")
    ax = fig.subplots()
    width = 0.8 / len(checked)
    for index, (name, r) in enumerate(checked.items()):
        offset = (index - (len(checked) - 1) / 2) * width
        ax.bar(np.arange(1, 11) + offset, r, width, label=f"ranked by {name}")
    ax.set(xlabel="uncertainty decile (1: most certain tenth)", ylabel="error rate")
    ax.set_xticks(range(1, 11))
    ax.legend()
    return fig


def temperature_summary(logits: np.ndarray, labels: np.ndarray, temperature: float) -> dict:
    """``calibration`` of ``softmax(logits / temperature)``, plus its cross-entropy and T."""
    probabilities = softmax_with_temperature(logits, temperature)
    result = calibration(probabilities, labels)
    result["crossentropy"] = crossentropy(probabilities, labels)
    result["temperature"] = float(temperature)
    return result


def draw_temperature_summary(result: Mapping[str, Any]) -> Figure:
    """One reliability diagram, titled with the temperature, the cross-entropy and the ECE."""
    keys = ["edges", "count", "confidence", "accuracy", "ece", "mean_confidence"]
    keys += ["overall_accuracy", "temperature", "crossentropy"]
    result = _result(result, "draw_temperature_summary", keys)
    # A fixed layout: a layout engine would double the time of every redraw (issue 17)
    fig = Figure(figsize=(5, 4))
    ax = fig.subplots(gridspec_kw=dict(left=0.14, right=0.96, bottom=0.13, top=0.86))
    edges = np.asarray(result["edges"], dtype=float)
    filled = np.asarray(result["count"]) > 0
    centres, width = (edges[:-1] + edges[1:]) / 2, np.diff(edges)
    accuracy = np.asarray(result["accuracy"], dtype=float)
    ax.bar(centres[filled], accuracy[filled], width[filled], color="C0", edgecolor="white")
    ax.plot([0, 1], [0, 1], "--", color="grey", lw=1)
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="confidence", ylabel="accuracy in the bin")
    ax.set_title(
        f"T = {result['temperature']:.2f}: cross-entropy {result['crossentropy']:.3f}, "
        f"ECE {result['ece']:.3f}\nmean confidence {result['mean_confidence']:.3f}, "
        f"accuracy {result['overall_accuracy']:.3f}",
        fontsize=10,
    )
    return fig


def temperature_explorer(logits: np.ndarray, labels: np.ndarray) -> LiveFigure:
    """A slider for the temperature T that divides ``logits``: the reliability diagram follows.

    Pass logits and labels that the temperature was not fitted on (e.g. half B).
    """
    logits = _logits(logits, "temperature_explorer")
    _probabilities_and_labels(softmax_with_temperature(logits), labels, "temperature_explorer")
    controls = {
        "temperature": widgets.FloatLogSlider(
            value=1.0, base=10, min=-0.6, max=0.6, step=0.02, description="temperature T"
        )
    }
    return LiveFigure(
        controls,
        lambda temperature: temperature_summary(logits, labels, temperature),
        draw_temperature_summary,
    )
