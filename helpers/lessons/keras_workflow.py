"""Lesson 09, part 1 (keras_workflow): the K-fold plots, the K-fold explorer widget and the
exercise checks (K-fold splits by hand; the last layer and loss for each kind of problem)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from helpers import checks
from helpers import validation as check
from helpers.widgets import LiveFigure

MODELS = ("mean price", "linear (least squares)")


def _features_and_targets(x: Any, y: Any, what: str) -> tuple[np.ndarray, np.ndarray]:
    """``x`` (n, features) and ``y`` (n,) as finite float arrays, or a ValueError naming the fix."""
    x = check.finite_array(what, "x", x)
    y = check.finite_array(what, "y", y)
    if x.ndim != 2 or y.shape != (len(x),) or len(x) < 4:
        raise ValueError(
            f"{what} expects x of shape (n, features) and y of shape (n,) with n >= 4, got "
            f"{x.shape} and {y.shape}; pass x_train and y_train as load_boston_housing returns"
        )
    return x, y


# ------------------------------------------------------------ K-fold, in numbers


def kfold_folds(num_samples: int, k: int, shuffle_seed: int | None = None) -> list[np.ndarray]:
    """The validation indices of each of ``k`` folds over ``num_samples`` samples.

    Without ``shuffle_seed``: consecutive blocks, as ``np.array_split(np.arange(n), k)`` makes
    them (the first ``n % k`` folds one sample larger), the lesson's folds. With a seed, the
    samples are first put in the order of ``np.random.default_rng(shuffle_seed).permutation``.
    """
    num_samples = check.number(num_samples, "kfold_folds: num_samples", integer=True, positive=True)
    k = check.number(k, "kfold_folds: k", integer=True, positive=True)
    if not 2 <= k <= num_samples:
        raise ValueError(
            f"kfold_folds: k must be from 2 (two folds) to num_samples ({num_samples}), got {k}"
        )
    shuffle_seed = check.number(
        shuffle_seed, "kfold_folds: shuffle_seed", integer=True, non_negative=True, allow_none=True
    )
    order = np.arange(num_samples)
    if shuffle_seed is not None:
        order = np.random.default_rng(shuffle_seed).permutation(num_samples)
    return np.array_split(order, k)


def least_squares_predictions(x_fit: Any, y_fit: Any, x_new: Any) -> np.ndarray:
    """The best linear model (least squares on features standardized with ``x_fit``'s mean and
    standard deviation, plus a constant) fitted on ``x_fit, y_fit``, predicting for ``x_new``."""
    x_fit, y_fit = _features_and_targets(x_fit, y_fit, "least_squares_predictions")
    x_new = check.finite_array("least_squares_predictions", "x_new", x_new)
    if x_new.ndim != 2 or x_new.shape[1] != x_fit.shape[1]:
        raise ValueError(
            f"least_squares_predictions expects x_new of shape (m, {x_fit.shape[1]}) like x_fit, "
            f"got {x_new.shape}"
        )
    mean, std = x_fit.mean(axis=0), x_fit.std(axis=0)
    std = np.where(std > 0, std, 1.0)  # a constant column stays constant

    def design(x: np.ndarray) -> np.ndarray:
        return np.c_[(x - mean) / std, np.ones(len(x))]

    weights = np.linalg.lstsq(design(x_fit), y_fit, rcond=None)[0]
    return design(x_new) @ weights


def kfold_scores(
    x: Any, y: Any, k: int, model: str = MODELS[1], shuffle_seed: int | None = None
) -> dict[str, Any]:
    """K-fold validation of a cheap model: each fold's validation MAE, their mean and spread.

    ``model``: ``"mean price"`` (predict the mean of the training folds) or
    ``"linear (least squares)"``. Returns ``fold_of`` (the fold of each sample), ``maes`` (one
    per fold), ``mean``, ``std`` (sample standard deviation, ddof=1), ``sizes`` and the inputs.
    """
    x, y = _features_and_targets(x, y, "kfold_scores")
    if model not in MODELS:
        raise ValueError(f"kfold_scores: model must be one of {MODELS}, got {model!r}")
    folds = kfold_folds(len(x), k, shuffle_seed)
    fold_of = np.empty(len(x), dtype=int)
    maes = []
    for number, validation in enumerate(folds):
        fold_of[validation] = number
        training = np.setdiff1d(np.arange(len(x)), validation)
        if model == MODELS[0]:
            predicted = np.full(len(validation), y[training].mean())
        else:
            predicted = least_squares_predictions(x[training], y[training], x[validation])
        maes.append(float(np.mean(np.abs(predicted - y[validation]))))
    maes_array = np.array(maes)
    return {
        "k": len(folds),
        "model": model,
        "shuffle_seed": shuffle_seed,
        "y": y,
        "fold_of": fold_of,
        "sizes": [len(fold) for fold in folds],
        "maes": maes_array,
        "mean": float(maes_array.mean()),
        "std": float(maes_array.std(ddof=1)),
    }


def draw_kfold_scores(
    result: Mapping[str, Any], reference: Mapping[str, Sequence[float]] | None = None
) -> Figure:
    """Draw :func:`kfold_scores`: the samples coloured by fold, and each fold's MAE.

    ``reference``: ``{name: one MAE per fold}`` drawn as points beside the bars when it has as
    many folds as ``result`` and the folds are the lesson's (no shuffle).
    """
    needed = {"k", "model", "shuffle_seed", "y", "fold_of", "sizes", "maes", "mean", "std"}
    if not isinstance(result, Mapping) or not needed <= set(result):
        raise ValueError("draw_kfold_scores expects the dict that kfold_scores returns")
    k, y, fold_of, maes = result["k"], result["y"], result["fold_of"], result["maes"]
    fig = Figure(figsize=(10, 3.4))
    # fixed margins, not a constrained layout: quicker to redraw
    samples, scores = fig.subplots(
        1,
        2,
        gridspec_kw={
            "width_ratios": [1.6, 1],
            "left": 0.07,
            "right": 0.98,
            "bottom": 0.15,
            "top": 0.86,
            "wspace": 0.25,
        },
    )
    colors = [f"C{number % 10}" for number in range(k)]
    samples.scatter(np.arange(len(y)), y, c=[colors[f] for f in fold_of], s=6)
    order = "shuffled" if result["shuffle_seed"] is not None else "consecutive"
    sizes = sorted(set(result["sizes"]))
    size_text = " or ".join(str(s) for s in sizes)
    samples.set(
        xlabel="training sample (in the order of x_train)",
        ylabel="median price ($1000s)",
        title=f"{k} {order} folds of {size_text} samples: each colour is validated once",
    )
    positions = np.arange(k)
    scores.bar(positions, maes, color=colors, alpha=0.8, label=result["model"])
    scores.axhline(result["mean"], color="k", lw=0.8, ls="--")
    scores.errorbar(
        [k + 0.2], [result["mean"]], yerr=[result["std"]], fmt="ko", capsize=4, label="mean ± 1 sd"
    )
    highest = float(maes.max())
    if reference and result["shuffle_seed"] is None:
        for number, (name, values) in enumerate(reference.items()):
            if len(values) == k:
                scores.plot(
                    positions, values, "D", color=f"C{(number + 6) % 10}", mec="k", label=name
                )
                highest = max(highest, float(np.max(values)))
    scores.set_xticks([*positions, k + 0.2], [*(str(n + 1) for n in positions), "mean"])
    scores.set(
        xlabel="fold",
        ylabel="validation MAE ($1000s)",
        title=f"{result['model']}: {result['mean']:.2f} ± {result['std']:.2f}",
        ylim=(0, max(8.0, highest + result["std"]) * 1.35),
    )
    scores.legend(fontsize=8, loc="upper center", ncols=2)
    return fig


def kfold_explorer(
    x: np.ndarray, y: np.ndarray, reference: Mapping[str, Sequence[float]] | None = None
) -> LiveFigure:
    """Choose K, a cheap model and a shuffle; see the folds and the spread of their scores.

    ``x, y``: the training data; ``reference``: ``{name: one MAE per fold}`` of a model already
    validated on the lesson's unshuffled folds (e.g. the network's), shown for that K.
    """
    x, y = _features_and_targets(x, y, "kfold_explorer")
    if reference is not None:
        check.mapping(reference, "kfold_explorer: reference", "{name: one MAE per fold}")
        for name, values in reference.items():
            array = check.finite_array("kfold_explorer", f"reference[{name!r}]", values)
            if array.ndim != 1 or not 2 <= len(array) <= 10:
                raise ValueError(
                    f"kfold_explorer expects reference[{name!r}] as one MAE per fold (2 to 10), "
                    f"got shape {array.shape}"
                )
    controls = {
        "k": widgets.IntSlider(
            value=4, min=2, max=10, description="K (folds)", continuous_update=False
        ),
        "model": widgets.Dropdown(options=MODELS, value=MODELS[1], description="model"),
        "shuffle": widgets.IntSlider(
            value=0, min=0, max=9, description="shuffle (0: none)", continuous_update=False
        ),
    }

    def compute(k: int, model: str, shuffle: int) -> dict[str, Any]:
        return kfold_scores(x, y, k, model, shuffle_seed=None if shuffle == 0 else shuffle)

    return LiveFigure(controls, compute, lambda result: draw_kfold_scores(result, reference))


# ------------------------------------------------------------ the averaged K-fold curves


def smoothed(values: Any, window: int = 5) -> np.ndarray:
    """The moving average of ``values`` over ``window`` neighbours (same length; the ends use
    the neighbours they have), to find the minimum of a noisy curve."""
    values = check.finite_array("smoothed", "values", values)
    window = check.number(window, "smoothed: window", integer=True, positive=True)
    if values.ndim != 1 or window > len(values) or window % 2 == 0:
        raise ValueError(
            f"smoothed expects a 1-D curve and an odd window no longer than it, got "
            f"{values.shape} and {window}"
        )
    half = window // 2
    padded = np.r_[np.full(half, np.nan), values, np.full(half, np.nan)]
    stacked = np.lib.stride_tricks.sliding_window_view(padded, window)
    return np.nanmean(stacked, axis=1)


def plot_kfold_curves(
    validation_curves: Any, training_curves: Any, chosen_epoch: int, baselines: Mapping[str, float]
) -> Figure:
    """Each fold's validation MAE after each epoch (thin), their mean (thick), the mean training
    MAE (dashed), the chosen epoch and horizontal lines at the ``baselines`` ``{name: MAE}``."""
    what = "plot_kfold_curves"
    validation = check.finite_array(what, "validation_curves", validation_curves)
    training = check.finite_array(what, "training_curves", training_curves)
    if validation.ndim != 2 or training.shape != validation.shape or validation.shape[1] < 2:
        raise ValueError(
            f"{what} expects validation and training curves of the same shape (folds, epochs), "
            f"with at least 2 epochs; got {validation.shape} and {training.shape}"
        )
    epochs = validation.shape[1]
    chosen_epoch = check.number(chosen_epoch, f"{what}: chosen_epoch", integer=True, positive=True)
    if chosen_epoch > epochs:
        raise ValueError(f"{what}: chosen_epoch must be from 1 to {epochs}, got {chosen_epoch}")
    check.mapping(baselines, f"{what}: baselines", "{name: MAE}")
    fig = Figure(figsize=(9, 3.6), layout="constrained")
    ax = fig.subplots()
    x = np.arange(1, epochs + 1)
    for number, curve in enumerate(validation):
        ax.plot(
            x, curve, lw=0.7, color="0.6", label="each fold (validation)" if not number else None
        )
    mean = validation.mean(axis=0)
    ax.plot(x, mean, color="C1", lw=2, label="mean of the folds (validation)")
    ax.plot(x, training.mean(axis=0), "--", color="C0", label="mean training MAE")
    ax.axvline(chosen_epoch, color="C3", lw=1, label=f"chosen: {chosen_epoch} epochs")
    for number, (name, value) in enumerate(baselines.items()):
        value = check.number(value, f"{what}: baselines[{name!r}]")
        ax.axhline(value, ls=":", color=f"C{number + 4}", label=f"{name}: {value:.2f}")
    top = max(float(np.max(list(baselines.values()))) * 1.1, float(np.percentile(mean, 90)))
    ax.set(
        xlabel="epoch",
        ylabel="MAE ($1000s)",
        ylim=(0, top),
        title=f"{len(validation)}-fold validation: MAE after each epoch",
    )
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1, 0.5))
    return fig


# ------------------------------------------------------------ exercise 1: K-fold by hand


def _splits_variant(num_samples: int, k: int, mistake: str = "") -> list[tuple[Any, Any]]:
    """The right K-fold splits, or those a given mistake makes (to recognise it)."""
    indices = np.arange(num_samples)
    if mistake == "interleaved":
        folds = [indices[number::k] for number in range(k)]
    elif mistake == "drop remainder":
        size = num_samples // k
        folds = [indices[number * size : (number + 1) * size] for number in range(k)]
    elif mistake == "remainder last":
        size = num_samples // k
        folds = [indices[number * size : (number + 1) * size] for number in range(k - 1)]
        folds.append(indices[(k - 1) * size :])
    elif mistake == "ceil size":
        size = -(-num_samples // k)
        folds = [indices[number * size : (number + 1) * size] for number in range(k)]
    else:
        folds = np.array_split(indices, k)
    splits = []
    for validation in folds:
        training = np.setdiff1d(indices, validation)
        if mistake == "leak":
            training = indices
        splits.append((validation, training) if mistake == "swapped" else (training, validation))
    return splits


_SPLIT_HINTS = {
    "swapped": "each pair is (validation, training): return (training indices, validation "
    "indices), in that order",
    "leak": "the training indices include the validation fold: a model validated on samples it "
    "trained on scores too well. Leave the fold out",
    "interleaved": "your folds take every k-th sample (0, k, 2k, ...); the lesson's folds are "
    "consecutive blocks (0, 1, 2, ...)",
    "drop remainder": "with folds of num_samples // k samples, the last num_samples % k samples "
    "are never validated: every sample must be in exactly one fold",
    "remainder last": "your last fold takes all the leftover samples; the lesson's folds "
    "(np.array_split) give one extra sample to each of the first num_samples % k folds",
    "ceil size": "with folds of ceil(num_samples / k) samples the last fold is short or empty; "
    "the lesson's folds (np.array_split) differ in size by one sample at most",
}

_SPLIT_CASES = ((404, 4), (10, 3), (7, 7), (101, 5))


def _same_splits(got: list[tuple[np.ndarray, np.ndarray]], want: list[tuple[Any, Any]]) -> bool:
    return len(got) == len(want) and all(
        np.array_equal(g[0], w[0]) and np.array_equal(g[1], w[1])
        for g, w in zip(got, want, strict=True)
    )


def _as_splits(
    answer: Any, k: int
) -> tuple[list[tuple[np.ndarray, np.ndarray]] | None, str | None]:
    if answer is None:
        return None, "kfold_splits returned None: did you forget `return`?"
    if isinstance(answer, str | bytes | Mapping) or not hasattr(answer, "__len__"):
        return (
            None,
            f"return a list of k pairs (training, validation), got {check.describe(answer)}",
        )
    if len(answer) != k:
        return None, f"with k = {k}, return k = {k} pairs (one per fold), got {len(answer)}"
    splits = []
    for pair in answer:
        if isinstance(pair, str | bytes) or not hasattr(pair, "__len__") or len(pair) != 2:
            return None, "each item must be a pair (training indices, validation indices)"
        try:
            arrays = tuple(np.asarray(part).ravel() for part in pair)
        except (TypeError, ValueError):
            return None, "each item must be a pair (training indices, validation indices)"
        if any(a.size and a.dtype.kind not in "iu" for a in arrays):
            return None, "the indices must be whole numbers (e.g. from np.arange), not floats"
        splits.append(arrays)
    return splits, None


def exercise_kfold_splits(kfold_splits: Callable[[int, int], Any]) -> checks.Verdict:
    """Exercise 09a.1: ``kfold_splits(num_samples, k)`` gives the lesson's K-fold splits."""
    name = "K-fold splits by hand"
    if kfold_splits is None:
        return checks.verdict(name, "kfold_splits is None: define the function")
    for num_samples, k in _SPLIT_CASES:
        got, problem = checks.attempt(kfold_splits, num_samples, k)
        if problem:
            return checks.verdict(name, f"kfold_splits({num_samples}, {k}): {problem}")
        splits, problem = _as_splits(got, k)
        if problem:
            return checks.verdict(name, f"kfold_splits({num_samples}, {k}): {problem}")
        if _same_splits(splits, _splits_variant(num_samples, k)):
            continue
        for mistake, hint in _SPLIT_HINTS.items():
            if _same_splits(splits, _splits_variant(num_samples, k, mistake)):
                return checks.verdict(name, f"kfold_splits({num_samples}, {k}): {hint}")
        return checks.verdict(
            name,
            f"kfold_splits({num_samples}, {k}) differs from the lesson's folds: fold i validates "
            "the i-th block of np.array_split(np.arange(num_samples), k) and trains on all "
            "other samples, both in increasing order",
        )
    return checks.verdict(name, None)


# ------------------------------------------------------------ exercise 2: last layer and loss

PROBLEMS = (
    "spam or not: one probability per email",
    "which digit, 0 to 9; labels are integers 0..9",
    "which digit, 0 to 9; labels are one-hot vectors of 10",
    "which of 20 topics an article covers (any number of them at once)",
    "a flat's rent in euros",
    "the share of a photo that is sky, from 0 to 1",
)
_RIGHT = {
    PROBLEMS[0]: ({"sigmoid"}, {"binary_crossentropy"}),
    PROBLEMS[1]: ({"softmax"}, {"sparse_categorical_crossentropy"}),
    PROBLEMS[2]: ({"softmax"}, {"categorical_crossentropy"}),
    PROBLEMS[3]: ({"sigmoid"}, {"binary_crossentropy"}),
    PROBLEMS[4]: ({"linear"}, {"mse", "mae", "huber"}),
    PROBLEMS[5]: ({"sigmoid"}, {"mse", "binary_crossentropy"}),
}
_ALIASES = {
    None: "linear",
    "none": "linear",
    "identity": "linear",
    "mean_squared_error": "mse",
    "mean_absolute_error": "mae",
    "huber_loss": "huber",
}
_ACTIVATIONS = {"linear", "sigmoid", "softmax", "relu", "tanh"}
_LOSSES = {
    "mse",
    "mae",
    "huber",
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
}


def _normal(name: Any) -> Any:
    if isinstance(name, str):
        name = name.strip().lower()
    try:
        return _ALIASES.get(name, name)
    except TypeError:  # a list or dict: unhashable, and no name
        return repr(name)


def _last_layer_hint(problem: str, activation: str, loss: str) -> str:
    """What is wrong with (activation, loss) for ``problem``, naming the mistake."""
    activations = _RIGHT[problem][0]
    classification = problem in PROBLEMS[:4]
    if problem == PROBLEMS[0] and activation == "softmax":
        return (
            "a softmax over one unit always outputs 1.0 (one number divided by itself): "
            "one probability needs sigmoid"
        )
    if problem == PROBLEMS[3] and activation == "softmax":
        return (
            "softmax makes the topics compete (their probabilities sum to 1): for any number "
            "of topics at once, give each its own sigmoid"
        )
    if classification and activation in {"linear", "relu", "tanh"}:
        return f"{activation} does not give probabilities: the loss needs numbers in 0..1"
    if problem == PROBLEMS[4] and activation in {"sigmoid", "softmax", "tanh"}:
        return (
            f"{activation} squashes the output into a narrow range; a rent can be any "
            "amount: no activation (linear)"
        )
    if problem == PROBLEMS[4] and activation == "relu":
        return (
            "relu outputs 0, with a zero gradient, whenever its input is negative: "
            "a regression's last layer has no activation (linear)"
        )
    if problem == PROBLEMS[5] and activation != "sigmoid":
        return "a share must stay between 0 and 1: sigmoid keeps it there"
    if problem == PROBLEMS[1] and loss == "categorical_crossentropy":
        return (
            "categorical_crossentropy expects one-hot labels; with integer labels use "
            "sparse_categorical_crossentropy"
        )
    if problem == PROBLEMS[2] and loss == "sparse_categorical_crossentropy":
        return (
            "sparse_categorical_crossentropy expects integer labels; with one-hot labels "
            "use categorical_crossentropy"
        )
    if problem == PROBLEMS[3] and loss in {
        "categorical_crossentropy",
        "sparse_categorical_crossentropy",
    }:
        return (
            "categorical cross-entropies assume exactly one class per example: with "
            "independent yes/no answers per topic use binary_crossentropy"
        )
    if classification and loss in {"mse", "mae", "huber"}:
        return (
            f"{loss} is a regression loss; a classifier's probabilities train better with "
            "a cross-entropy"
        )
    if problem == PROBLEMS[4] and "crossentropy" in loss:
        return "a cross-entropy compares probabilities; a rent is not one: use mse"
    if activation not in activations:
        return f"{activation} is not the last-layer activation for this problem"
    return f"{loss} is not a loss for this problem (the lesson's table lists it)"


def exercise_last_layer(choices: Mapping[str, tuple[Any, Any]]) -> checks.Verdict:
    """Exercise 09a.2: ``choices = {problem: (activation, loss)}`` for each of :data:`PROBLEMS`.

    Activations as Keras names (``"sigmoid"``, ``"softmax"``, ``None`` for none), losses as
    Keras names (``"binary_crossentropy"``, ``"mse"``, ...).
    """
    name = "the last layer and the loss"
    if not isinstance(choices, Mapping):
        return checks.verdict(
            name,
            f"choices must be a dict {{problem: (activation, loss)}}, "
            f"got {check.describe(choices)}",
        )
    for problem in PROBLEMS:
        if problem not in choices:
            return checks.verdict(name, f"choices has no entry for {problem!r}: keep every key")
        answer = choices[problem]
        if not isinstance(answer, tuple | list) or len(answer) != 2:
            return checks.verdict(
                name, f"{problem!r}: give a pair (activation, loss), got {check.describe(answer)}"
            )
        activation, loss = (_normal(part) for part in answer)
        if loss is None or loss == "linear":
            return checks.verdict(name, f"{problem!r}: fill in the loss (and the activation)")
        if activation not in _ACTIVATIONS:
            return checks.verdict(
                name,
                f"{problem!r}: activation {answer[0]!r} is not one of {sorted(_ACTIVATIONS)} "
                "(None for no activation)",
            )
        if loss not in _LOSSES:
            return checks.verdict(
                name, f"{problem!r}: loss {answer[1]!r} is not one of {sorted(_LOSSES)}"
            )
        activations, losses = _RIGHT[problem]
        if activation not in activations or loss not in losses:
            hint = _last_layer_hint(problem, activation, loss)
            return checks.verdict(name, f"{problem!r}: {hint}")
    return checks.verdict(name, None)


# ------------------------------------------------------------ exercise 3: beat the linear fit


def _normalization_means(model: Any) -> list[np.ndarray]:
    """The means of the model's adapted Normalization layers (nested models included)."""
    means = []
    try:
        layers = list(getattr(model, "layers", []) or [])
    except TypeError:  # not a list of layers: not a Keras model's
        return means
    for layer in layers:
        if type(layer).__name__ == "Normalization" and getattr(layer, "mean", None) is not None:
            means.append(np.asarray(layer.mean, dtype=float).ravel())
        elif hasattr(layer, "layers"):
            means.extend(_normalization_means(layer))
    return means


def exercise_beat_linear(
    model: Any, x_fit: np.ndarray, y_fit: np.ndarray, x_fold: np.ndarray, y_fold: np.ndarray
) -> checks.Verdict:
    """Exercise 09a.3: a network trained on ``x_fit, y_fit`` (the training folds) beats the
    least-squares fit's MAE on the validation fold ``x_fold, y_fold`` by 15% or more, with
    features normalized by the training folds' statistics only."""
    name = "beat the linear fit on a validation fold"
    x_fit, y_fit = _features_and_targets(x_fit, y_fit, "exercise_beat_linear")
    x_fold, y_fold = _features_and_targets(x_fold, y_fold, "exercise_beat_linear")
    if x_fold.shape[1] != x_fit.shape[1]:
        raise ValueError("exercise_beat_linear expects x_fit and x_fold with the same features")
    if model is None:
        return checks.verdict(name, "model is None: build and train a network first")
    if not hasattr(model, "predict"):
        return checks.verdict(name, f"expected a Keras model, got {type(model).__name__}")
    all_mean = np.concatenate([x_fit, x_fold]).mean(axis=0)
    for mean in _normalization_means(model):
        if mean.shape == all_mean.shape and np.allclose(mean, all_mean, rtol=1e-4):
            return checks.verdict(
                name,
                "the Normalization layer was adapted on the training folds AND the validation "
                "fold: the validation tracts leak into the model. Adapt it on x_fit only",
            )
    predicted, problem = checks.attempt(model.predict, x_fold.astype("float32"), verbose=0)
    if problem:
        return checks.verdict(name, f"model.predict(x_fold) failed: {problem}")
    predicted = np.asarray(predicted, dtype=float)
    if predicted.size != len(x_fold) or not np.all(np.isfinite(predicted)):
        return checks.verdict(
            name,
            f"the model must output one finite price per tract, got shape {predicted.shape}: "
            "end with Dense(1) and no activation (a NaN loss diverged: a smaller learning rate)",
        )
    predicted = predicted.ravel()
    mae = float(np.mean(np.abs(predicted - y_fold)))
    linear = float(np.mean(np.abs(least_squares_predictions(x_fit, y_fit, x_fold) - y_fold)))
    mean_price = float(np.mean(np.abs(y_fit.mean() - y_fold)))
    if mae <= 0.85 * linear:
        return checks.verdict(name, None)
    said = f"validation MAE {mae:.2f} against {linear:.2f} for the linear fit"
    if predicted.min() >= 0 and predicted.max() <= 1:
        hint = (
            "every prediction is between 0 and 1: a sigmoid on the last layer? A price needs none"
        )
    elif mae >= mean_price:
        hint = (
            f"worse than always predicting the mean price ({mean_price:.2f}): was the model "
            "trained (fit) on x_fit, y_fit?"
        )
    elif not _normalization_means(model):
        hint = (
            "the features are not normalized (a tax rate in the hundreds next to a 0/1 flag): "
            "start with a Normalization layer adapted on x_fit"
        )
    else:
        hint = "not 15% better yet: train for more epochs, or try more units"
    return checks.verdict(name, f"{said}: {hint}")
