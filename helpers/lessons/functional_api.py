"""Lesson 09, part 2 (functional_api): question pairs for the siamese network, the loss-weight
explorer widget and the exercise checks."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from helpers import checks
from helpers import validation as check
from helpers.widgets import LiveFigure

HEADS = ("coarse", "fine")

# ------------------------------------------------------------ pairs for the siamese network


def make_pairs(labels: Any, pairs_per_item: int, seed: int = 0) -> dict[str, np.ndarray]:
    """Pairs of items for a "same class or not?" task, half of them of the same class.

    Each item ``i`` gets ``pairs_per_item`` partners drawn at random, alternately of its own
    class and of another (the first one of its own class for even ``i``, of another for odd
    ``i``), so the pairs are balanced. Returns ``{"first", "second"}`` (int index arrays into
    ``labels``) and ``"same"`` (float32 1.0 / 0.0), in a shuffled order.
    """
    what = "make_pairs"
    labels = check.numbers(labels, f"{what}: labels", "class labels of shape (n,)")
    if labels.ndim != 1 or labels.size < 2 or labels.dtype.kind not in "iu":
        raise ValueError(
            f"{what} expects labels as integer class indices of shape (n,) with n >= 2, got "
            f"{check.describe(labels)}"
        )
    pairs_per_item = check.number(
        pairs_per_item, f"{what}: pairs_per_item", integer=True, positive=True
    )
    seed = check.number(seed, f"{what}: seed", integer=True, non_negative=True)
    classes, counts = np.unique(labels, return_counts=True)
    if len(classes) < 2 or counts.min() < 2:
        raise ValueError(
            f"{what} needs at least two classes with at least two items each (to draw a partner "
            f"of the same class and one of another); got {len(classes)} classes, the smallest with "
            f"{counts.min()} item(s)"
        )
    rng = np.random.default_rng(seed)
    members = {label: np.flatnonzero(labels == label) for label in classes}
    others = {label: np.flatnonzero(labels != label) for label in classes}
    first, second, same = [], [], []
    for item, label in enumerate(labels):
        for k in range(pairs_per_item):
            is_same = (item + k) % 2 == 0
            if is_same:
                pool = members[label]
                partner = item
                while partner == item:  # never the item itself
                    partner = int(rng.choice(pool))
            else:
                partner = int(rng.choice(others[label]))
            first.append(item)
            second.append(partner)
            same.append(float(is_same))
    order = rng.permutation(len(first))
    return {
        "first": np.array(first)[order],
        "second": np.array(second)[order],
        "same": np.array(same, dtype="float32")[order],
    }


# ------------------------------------------------------------ the loss-weight explorer


def _check_runs(runs: Any, what: str) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The runs as sorted weights and, per head, an array (weights, epochs) of accuracies."""
    check.mapping(runs, f"{what}: runs", "{coarse weight: {'coarse': [...], 'fine': [...]}}")
    weights = []
    for weight in runs:
        weights.append(check.number(weight, f"{what}: each run's key (a coarse loss weight)"))
    order = np.argsort(weights)
    epochs = None
    table = {head: [] for head in HEADS}
    for weight in np.array(list(runs), dtype=object)[order]:
        run = runs[weight]
        if not isinstance(run, Mapping) or set(run) != set(HEADS):
            raise ValueError(
                f"{what}: runs[{weight!r}] must be a dict with the keys 'coarse' and 'fine' (each "
                f"head's validation accuracy after every epoch), got {check.describe(run)}"
            )
        for head in HEADS:
            values = check.finite_array(what, f"runs[{weight!r}][{head!r}]", run[head])
            if values.ndim != 1 or np.any((values < 0) | (values > 1)):
                raise ValueError(
                    f"{what}: runs[{weight!r}][{head!r}] must be accuracies in [0, 1], one per "
                    f"epoch, shape (epochs,); got shape {values.shape}"
                )
            if epochs is None:
                epochs = len(values)
            if len(values) != epochs:
                raise ValueError(f"{what}: every run must have the same number of epochs")
            table[head].append(values)
    return np.array(weights, dtype=float)[order], {h: np.array(v) for h, v in table.items()}


def loss_weight_view(
    runs: Mapping[float, Mapping[str, Sequence[float]]], weight: float
) -> dict[str, Any]:
    """What the explorer shows for one coarse loss weight.

    ``runs``: ``{coarse weight: {"coarse": accuracies, "fine": accuracies}}``, each head's
    validation accuracy after every epoch of the run trained with that weight. Returns the
    weights, each head's final accuracy at every weight, and the chosen run's curves.
    """
    weights, table = _check_runs(runs, "loss_weight_view")
    weight = check.number(weight, "loss_weight_view: weight")
    matches = np.flatnonzero(np.isclose(weights, weight))
    if matches.size == 0:
        raise ValueError(
            f"loss_weight_view: weight {weight} is not one of the runs' weights {weights.tolist()}"
        )
    chosen = int(matches[0])
    return {
        "weights": weights,
        "final": {head: table[head][:, -1] for head in HEADS},
        "weight": float(weights[chosen]),
        "curves": {head: table[head][chosen] for head in HEADS},
    }


def draw_loss_weights(view: Mapping[str, Any]) -> Figure:
    """Draw a :func:`loss_weight_view`: final accuracy against the weight, and one run's curves."""
    if not isinstance(view, Mapping) or not {"weights", "final", "weight", "curves"} <= set(view):
        raise ValueError("draw_loss_weights expects the dict that loss_weight_view returns")
    fig = Figure(figsize=(10, 3.4), dpi=80)
    # fixed margins, not a constrained layout: a redraw costs half as much
    left, right = fig.subplots(
        1,
        2,
        sharey=True,  # one set of accuracy ticks: fewer labels to draw
        gridspec_kw={"left": 0.07, "right": 0.98, "bottom": 0.16, "top": 0.88, "wspace": 0.08},
    )
    for number, head in enumerate(HEADS):
        color = f"C{number}"
        finals = view["final"][head]
        left.plot(view["weights"], finals, "-o", color=color, ms=4, label=f"{head} head")
        at = int(np.argmin(np.abs(view["weights"] - view["weight"])))
        left.plot([view["weight"]], [finals[at]], "o", color=color, ms=11, mfc="none", mew=2)
        curve = view["curves"][head]
        right.plot(np.arange(1, len(curve) + 1), curve, "-o", color=color, ms=4,
                   label=f"{head}: {curve[-1]:.3f}")  # fmt: skip
    left.axvline(view["weight"], color="0.6", lw=0.8)
    left.set(
        xlabel="coarse loss weight (fine weight = 1 - it)",
        ylabel="test accuracy, last epoch",
        ylim=(0, 1),
        title="each head against the loss weight",
    )
    right.set(
        xlabel="epoch",
        title=f"coarse weight {view['weight']:g}, fine weight {1 - view['weight']:g}",
    )
    # few, fixed ticks: drawing the ticks is most of a redraw's time
    left.set(xticks=view["weights"], yticks=[0, 0.25, 0.5, 0.75, 1])
    right.set_xticks(np.arange(1, len(view["curves"]["coarse"]) + 1))
    for ax in (left, right):
        ax.legend(fontsize=8, loc="lower center")
    return fig


def loss_weight_explorer(runs: Mapping[float, Mapping[str, Sequence[float]]]) -> LiveFigure:
    """A slider over the coarse head's loss weight of precomputed two-head runs.

    ``runs`` as for :func:`loss_weight_view`.
    """
    weights, _ = _check_runs(runs, "loss_weight_explorer")
    middle = weights[len(weights) // 2]
    control = widgets.SelectionSlider(
        options=[(f"{w:g}", float(w)) for w in weights],
        value=float(middle),
        description="coarse loss weight",
        continuous_update=False,
    )
    return LiveFigure(
        {"weight": control}, lambda weight: loss_weight_view(runs, weight), draw_loss_weights
    )


# ------------------------------------------------------------ exercise 1: a two-input model


def _probe_inputs(
    sequence_length: int, vocabulary_size: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    tokens = rng.integers(2, vocabulary_size, size=(8, sequence_length)).astype("int64")
    tokens[:, sequence_length // 2 :] = 0  # padded, like real questions
    lengths = rng.integers(1, sequence_length + 1, size=(8, 1)).astype("float32")
    return tokens, lengths


def _two_input_problem(
    model: Any, sequence_length: int, vocabulary_size: int, num_classes: int
) -> str | None:
    """What is wrong with a student's two-input model, or None."""
    import keras

    call = f"build_two_input_model({vocabulary_size}, {num_classes})"
    if model is None:
        return f"{call} returned None: build the model and return it"
    if not isinstance(model, keras.Model):
        return f"{call} returned a {type(model).__name__}, expected a keras.Model"
    if len(model.inputs) != 2:
        return (
            f"the model has {len(model.inputs)} input(s), expected 2: make two keras.Input "
            "tensors and pass both, keras.Model([tokens, length], outputs)"
        )
    shapes = [tuple(tensor.shape) for tensor in model.inputs]
    if shapes == [(None, 1), (None, sequence_length)]:
        return "the inputs are in the wrong order: the tokens first, then the length"
    if shapes != [(None, sequence_length), (None, 1)]:
        return (
            f"the inputs have shapes {shapes}, expected [(None, {sequence_length}), (None, 1)]: "
            "keras.Input(shape=(SEQUENCE_LENGTH,), dtype='int64') and keras.Input(shape=(1,))"
        )
    if len(model.outputs) != 1 or tuple(model.outputs[0].shape) != (None, num_classes):
        got = [tuple(tensor.shape) for tensor in model.outputs]
        return (
            f"the output has shape {got}, expected [(None, {num_classes})]: one Dense layer of "
            "num_classes units (use the argument, not a fixed 6)"
        )
    rng = np.random.default_rng(0)
    tokens, lengths = _probe_inputs(sequence_length, vocabulary_size, rng)
    try:
        probabilities = np.asarray(model.predict([tokens, lengths], verbose=0), dtype=float)
        longer = np.asarray(model.predict([tokens, lengths + 5], verbose=0), dtype=float)
        other_words = np.asarray(
            model.predict([np.roll(tokens, 1, axis=0), lengths], verbose=0), dtype=float
        )
    except Exception as error:  # any bug in student code becomes a hint
        return f"model.predict([tokens, lengths]) raised {type(error).__name__}: {error}"
    if np.any(probabilities < 0) or not np.allclose(probabilities.sum(axis=1), 1, atol=1e-4):
        return (
            "the outputs are not probabilities that sum to 1: give the last Dense layer "
            "activation='softmax'"
        )
    if np.allclose(probabilities, longer, atol=1e-7):
        return (
            "the output does not change with the length: the length input is not connected. "
            "Join it with the words: Concatenate()([words, length])"
        )
    if np.allclose(probabilities, other_words, atol=1e-7):
        return "the output does not change with the words: connect the tokens input"
    want = vocabulary_size * 16 + (16 + 1 + 1) * num_classes
    if model.count_params() != want:
        return (
            f"the model has {model.count_params():,} parameters, expected {want:,}: "
            "Embedding(vocabulary_size, 16), GlobalAveragePooling1D, Concatenate with the "
            "length, one Dense(num_classes) layer, and nothing else"
        )
    return None


def exercise_two_input_model(
    build_two_input_model: Callable[[int, int], Any], sequence_length: int
) -> checks.Verdict:
    """Exercise 09b.1: ``build_two_input_model(vocabulary_size, num_classes)`` builds the model.

    The check builds it for two sizes and feeds it random token ids and lengths (no training).
    """
    name = "a two-input model"
    sequence_length = check.number(
        sequence_length, "exercise_two_input_model: sequence_length", integer=True, positive=True
    )
    if sequence_length < 4:
        raise ValueError("exercise_two_input_model expects the lesson's SEQUENCE_LENGTH (>= 4)")
    if build_two_input_model is None:
        return checks.verdict(name, "build_two_input_model is None: define the function")
    for vocabulary_size, num_classes in ((500, 6), (300, 50)):
        model, problem = checks.attempt(build_two_input_model, vocabulary_size, num_classes)
        if problem:
            return checks.verdict(
                name, f"build_two_input_model({vocabulary_size}, {num_classes}): {problem}"
            )
        problem = _two_input_problem(model, sequence_length, vocabulary_size, num_classes)
        if problem:
            return checks.verdict(name, problem)
    return checks.verdict(name, None)


# ------------------------------------------------------------ exercise 2: compile two heads


def _sparse_crossentropy(probabilities: np.ndarray, labels: np.ndarray) -> float:
    picked = probabilities[np.arange(len(labels)), labels]
    return float(np.mean(-np.log(np.clip(picked, 1e-7, 1.0))))


def exercise_compile_two_heads(
    compile_two_heads: Callable[[Any, float], Any],
    make_model: Callable[[str], Any],
    x: np.ndarray,
    coarse: np.ndarray,
    fine: np.ndarray,
) -> checks.Verdict:
    """Exercise 09b.2: ``compile_two_heads(model, fine_weight)`` compiles a two-head model.

    ``make_model(name)`` builds a fresh model with the outputs ``"coarse"`` and ``"fine"``;
    ``x`` are token ids and ``coarse``, ``fine`` their integer labels. The check compiles a
    fresh model for two fine weights, evaluates it on ``x`` and compares the losses and
    metrics it reports with the cross-entropies computed from its predictions.
    """
    import keras

    name = "compile a two-head model"
    what = "exercise_compile_two_heads"
    check.function(make_model, f"{what}: make_model")
    x = check.numbers(x, f"{what}: x", "token ids of shape (n, sequence_length)")
    coarse = check.numbers(coarse, f"{what}: coarse", "integer labels of shape (n,)")
    fine = check.numbers(fine, f"{what}: fine", "integer labels of shape (n,)")
    if x.ndim != 2 or len(x) == 0 or coarse.shape != (len(x),) or fine.shape != (len(x),):
        raise ValueError(
            f"{what} expects x of shape (n, sequence_length) and labels of shape (n,), got "
            f"{x.shape}, {coarse.shape} and {fine.shape}"
        )
    if compile_two_heads is None:
        return checks.verdict(name, "compile_two_heads is None: define the function")
    for fine_weight in (2.0, 0.5):
        keras.utils.set_random_seed(0)
        model = make_model("check_two_heads")
        _, problem = checks.attempt(compile_two_heads, model, fine_weight)
        if problem:
            return checks.verdict(name, f"compile_two_heads(model, {fine_weight}): {problem}")
        if not getattr(model, "compiled", False):
            return checks.verdict(
                name, "the model is not compiled: call model.compile(...) inside the function"
            )
        try:
            got = model.evaluate(x, {"coarse": coarse, "fine": fine}, verbose=0, return_dict=True)
        except Exception as error:  # the student's compile settings fail on real labels
            message = f"{type(error).__name__}: {error}"
            if "loss_weights" in message or "number of losses" in message:
                return checks.verdict(
                    name,
                    "give each output its own loss, a dict {'coarse': ..., 'fine': ...}, to go "
                    "with the dict of loss weights",
                )
            if "shape" in message.lower() or "rank" in message.lower():
                return checks.verdict(
                    name,
                    "model.evaluate failed on integer labels: the labels are class indices, so "
                    "the loss is sparse_categorical_crossentropy (categorical_crossentropy "
                    f"expects one-hot labels). ({message[:150]})",
                )
            return checks.verdict(name, f"model.evaluate failed: {message[:300]}")
        predicted = model.predict(x, verbose=0)
        if not isinstance(predicted, Mapping):
            raise ValueError(f"{what}: make_model must build a model whose outputs are a dict")
        loss = {
            "coarse": _sparse_crossentropy(np.asarray(predicted["coarse"]), coarse.astype(int)),
            "fine": _sparse_crossentropy(np.asarray(predicted["fine"]), fine.astype(int)),
        }
        missing = [key for key in ("coarse_accuracy", "fine_accuracy") if key not in got]
        if missing:
            return checks.verdict(
                name,
                f"evaluate reports no {', '.join(missing)}: give each head metrics, "
                "metrics={'coarse': ['accuracy'], 'fine': ['accuracy']}",
            )
        total = float(got["loss"])
        candidates = {
            None: loss["coarse"] + fine_weight * loss["fine"],
            "the weights are swapped: the coarse head's weight is 1 and the fine head's "
            "fine_weight": fine_weight * loss["coarse"] + loss["fine"],
            "the loss weights are missing (both heads count 1): pass loss_weights="
            "{'coarse': 1.0, 'fine': fine_weight}": loss["coarse"] + loss["fine"],
            "the fine head's weight must be fine_weight itself, not 1 - fine_weight": loss["coarse"]
            + (1 - fine_weight) * loss["fine"],
        }
        for hint, want in candidates.items():
            if np.isclose(total, want, rtol=2e-3, atol=1e-4):
                if hint is None:
                    break
                return checks.verdict(name, hint)
        else:
            return checks.verdict(
                name,
                f"the total loss is {total:.4f}, which is not 1 x coarse + {fine_weight:g} x "
                "fine sparse categorical cross-entropy: check the losses and loss_weights",
            )
    return checks.verdict(name, None)
