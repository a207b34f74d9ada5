"""Lesson 08, part 1 (text_and_recurrent_networks): recurrent layers in NumPy, word
neighbours in an embedding, the sentence stepper widget and the exercise checks."""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from helpers import checks
from helpers import validation as check
from helpers.widgets import LiveFigure

RECURRENT_KINDS = ("SimpleRNN", "LSTM", "GRU")
PADDING, UNKNOWN = "", "[UNK]"  # TextVectorization's tokens 0 and 1


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function 1 / (1 + e^-z), elementwise (Keras's default gate activation)."""
    return 1 / (1 + np.exp(-check.finite_array("sigmoid", "z", z)))


# ------------------------------------------------------------ recurrent layers in NumPy


def _recurrent_weights(kind: Any, weights: Any) -> tuple[str, np.ndarray, np.ndarray, np.ndarray]:
    """(kind, kernel, recurrent_kernel, bias) as float arrays, or a ValueError naming the fix."""
    if kind not in RECURRENT_KINDS:
        raise ValueError(
            f"kind must be one of {', '.join(map(repr, RECURRENT_KINDS))}, got "
            f"{check.describe(kind)}"
        )
    how = "pass layer.get_weights() of a keras.layers." + kind
    if isinstance(weights, str | bytes) or not isinstance(weights, Sequence) or len(weights) != 3:
        raise ValueError(f"weights must be [kernel, recurrent_kernel, bias]: {how}")
    kernel, recurrent, bias = (
        check.finite_array(f"{kind} weights", name, w)
        for name, w in zip(("the kernel", "the recurrent kernel", "the bias"), weights, strict=True)
    )
    gates = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}[kind]
    units = recurrent.shape[0] if recurrent.ndim == 2 else -1
    bias_shape = (2, gates * units) if kind == "GRU" else (gates * units,)
    if (
        kernel.ndim != 2
        or recurrent.shape != (units, gates * units)
        or kernel.shape[1] != gates * units
        or bias.shape != bias_shape
    ):
        raise ValueError(
            f"{kind} weights of shapes {kernel.shape}, {recurrent.shape}, {bias.shape} do not fit "
            f"together: expected (features, {gates}*units), (units, {gates}*units) and "
            f"{'(2, 3*units) (GRU with reset_after=True, the default)' if kind == 'GRU' else ''}"
            f"{'(units,)' if kind == 'SimpleRNN' else '(4*units,)' if kind == 'LSTM' else ''}; "
            f"{how}"
        )
    return kind, kernel, recurrent, bias


def recurrent_states(kind: str, weights: Sequence[np.ndarray], inputs: np.ndarray) -> np.ndarray:
    """Every hidden state of a Keras recurrent layer run over one sequence, in NumPy (float64).

    ``kind``: "SimpleRNN", "LSTM" or "GRU" with Keras 3's defaults (tanh, sigmoid gates, GRU
    with ``reset_after=True``); ``weights``: that layer's ``get_weights()``, ``[kernel,
    recurrent_kernel, bias]``; ``inputs``: shape (steps, features). Starts from zero states and
    returns the hidden state after each step, shape (steps, units): what the layer returns with
    ``return_sequences=True``.
    """
    kind, kernel, recurrent, bias = _recurrent_weights(kind, weights)
    inputs = check.finite_array("recurrent_states", "inputs", inputs)
    if inputs.ndim != 2 or inputs.shape[1] != kernel.shape[0]:
        raise ValueError(
            f"recurrent_states expects inputs of shape (steps, {kernel.shape[0]}) for this "
            f"kernel, got {inputs.shape}; for one sequence of a batch pass inputs[i]"
        )
    units = recurrent.shape[0]
    h, c = np.zeros(units), np.zeros(units)
    states = []
    for x in inputs:
        if kind == "SimpleRNN":
            h = np.tanh(x @ kernel + h @ recurrent + bias)
        elif kind == "LSTM":
            i, f, g, o = np.split(x @ kernel + h @ recurrent + bias, 4)
            c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
            h = sigmoid(o) * np.tanh(c)
        else:
            h = _gru_step(x, h, kernel, recurrent, bias)
        states.append(h)
    return np.array(states)


def _gru_step(x, h, kernel, recurrent, bias, variant: str = "keras") -> np.ndarray:
    """One GRU step, Keras's way (``variant="keras"``) or with one of the usual mistakes."""
    x_z, x_r, x_h = np.split(x @ kernel + bias[0], 3, axis=-1)
    h_z, h_r, h_h = np.split(h @ recurrent + bias[1], 3, axis=-1)
    if variant == "gates swapped":  # r, z, h instead of Keras's z, r, h
        x_z, x_r, h_z, h_r = x_r, x_z, h_r, h_z
    z, r = sigmoid(x_z + h_z), sigmoid(x_r + h_r)
    if variant == "reset before":  # the original GRU: reset h before the matrix product
        units = h.shape[-1]
        candidate = np.tanh(x_h + (r * h) @ recurrent[:, 2 * units :] + bias[1][2 * units :])
    elif variant == "no reset":
        candidate = np.tanh(x_h + h_h)
    elif variant == "no recurrent bias":
        candidate = np.tanh(x_h + r * (h_h - bias[1][2 * h.shape[-1] :]))
    else:
        candidate = np.tanh(x_h + r * h_h)
    if variant == "update swapped":
        return (1 - z) * h + z * candidate
    return z * h + (1 - z) * candidate


# ------------------------------------------------------------ embeddings


def nearest_words(
    embeddings: np.ndarray, vocabulary: Sequence[str], word: str, count: int = 5
) -> list[tuple[str, float]]:
    """The ``count`` words whose embedding vectors point most nearly the way ``word``'s does.

    ``embeddings``: the Embedding layer's matrix, one row per vocabulary entry;
    ``vocabulary``: the matching list of words (``TextVectorization.get_vocabulary()``).
    Returns ``[(word, cosine similarity), ...]``, most similar first, leaving out the word
    itself, the padding token and [UNK].
    """
    embeddings = check.finite_array("nearest_words", "embeddings", embeddings)
    if isinstance(vocabulary, str) or not isinstance(vocabulary, Sequence):
        raise ValueError(
            "nearest_words expects the vocabulary as a list of words, e.g. "
            f"vectorizer.get_vocabulary(); got {check.describe(vocabulary)}"
        )
    if embeddings.ndim != 2 or len(embeddings) != len(vocabulary):
        raise ValueError(
            f"nearest_words expects one embedding row per vocabulary word: got embeddings of "
            f"shape {embeddings.shape} for {len(vocabulary)} words; pass "
            "model.layers[0].get_weights()[0] and the vocabulary it was trained with"
        )
    count = check.number(count, "nearest_words: count", integer=True, positive=True)
    words = list(vocabulary)
    if not isinstance(word, str) or word not in words[2:]:
        raise ValueError(
            f"nearest_words: {word!r} is not in the vocabulary; pick a word the vectorizer "
            "knows, in lower case (e.g. 'good')"
        )
    lengths = np.linalg.norm(embeddings, axis=1)
    lengths[lengths == 0] = 1.0
    unit = embeddings / lengths[:, None]
    index = words.index(word)
    similarity = unit @ unit[index]
    order = [i for i in np.argsort(-similarity) if i not in (0, 1, index)]
    return [(words[i], float(similarity[i])) for i in order[:count]]


# ------------------------------------------------------------ the sentence stepper widget


def _stepper_parts(model: Any) -> tuple[np.ndarray, str, list[np.ndarray], np.ndarray, float]:
    """(embedding matrix, kind, recurrent weights, dense kernel, dense bias) of the model."""
    how = (
        "pass a trained keras.Sequential of Embedding, one SimpleRNN/LSTM/GRU layer and "
        "Dense(1, activation='sigmoid')"
    )
    layers = getattr(model, "layers", None)
    names = [type(layer).__name__ for layer in layers] if isinstance(layers, list) else None
    if names is None or len(names) != 3 or names[0] != "Embedding" or names[2] != "Dense":
        raise ValueError(f"sentence_stepper: expected 3 layers, got {names}; {how}")
    if names[1] not in RECURRENT_KINDS:
        raise ValueError(f"sentence_stepper: the middle layer is a {names[1]}; {how}")
    embedding = np.asarray(layers[0].get_weights()[0], dtype=float)
    kernel, bias = (np.asarray(w, dtype=float) for w in layers[2].get_weights())
    if kernel.shape[1] != 1:
        raise ValueError(f"sentence_stepper: the last layer has {kernel.shape[1]} units; {how}")
    weights = [np.asarray(w, dtype=float) for w in layers[1].get_weights()]
    return embedding, names[1], weights, kernel[:, 0], float(bias[0])


def sentence_steps(
    model: Any, token_ids: np.ndarray, vocabulary: Sequence[str], step: int
) -> dict[str, Any]:
    """A sentiment model read word by word: hidden states and running p(positive).

    ``model``: Embedding -> SimpleRNN/LSTM/GRU -> Dense(1, sigmoid); ``token_ids``: one
    vectorized sentence (padding zeros at the end are dropped); ``step``: how many words have
    been read (clipped to the sentence's length). Returns ``words``, ``states`` (words, units)
    for every word, ``probabilities`` (words,), ``step``, ``kind``.
    """
    embedding, kind, weights, dense_kernel, dense_bias = _stepper_parts(model)
    ids = check.numbers(token_ids, "sentence_steps: token_ids", "a vectorized sentence (length,)")
    if ids.ndim != 1 or ids.dtype.kind not in "iu" or ids.min(initial=0) < 0:
        raise ValueError(
            f"sentence_steps expects one sentence of token ids, shape (length,), whole numbers "
            f">= 0, got {check.describe(ids)}; pass vectorizer([text])[0]"
        )
    ids = ids[ids > 0]
    if ids.size == 0:
        raise ValueError(
            "sentence_steps: the sentence has no words the vectorizer can read (all padding); "
            "type a sentence with words"
        )
    if len(vocabulary) != len(embedding) or ids.max() >= len(vocabulary):
        raise ValueError(
            f"sentence_steps: token ids up to {ids.max()} and a vocabulary of {len(vocabulary)} "
            f"words for an embedding of {len(embedding)} rows: use the vectorizer the model "
            "was trained with"
        )
    step = check.number(step, "sentence_steps: step", integer=True, positive=True)
    states = recurrent_states(kind, weights, embedding[ids])
    probabilities = sigmoid(states @ dense_kernel + dense_bias)
    return {
        "words": [vocabulary[i] for i in ids],
        "states": states,
        "probabilities": probabilities,
        "step": min(step, len(ids)),
        "kind": kind,
    }


def draw_sentence_steps(result: dict[str, Any]) -> Figure:
    """Draw :func:`sentence_steps`: the hidden states so far (heat map), the running p(positive)."""
    if not isinstance(result, dict) or not {"words", "states", "probabilities", "step"} <= set(
        result
    ):
        raise ValueError("draw_sentence_steps expects the dict that sentence_steps returns")
    words, states, probabilities = result["words"], result["states"], result["probabilities"]
    step = result["step"]
    n = len(words)
    shown = np.full(states.shape, np.nan)
    shown[:step] = states[:step]
    # fixed margins and no colour bar: a layout pass or a colour bar would double each redraw
    fig = Figure(figsize=(max(6.0, 0.3 * n + 1.5), 4.6), dpi=80)
    top, bottom = fig.subplots(
        2,
        1,
        sharex=True,
        gridspec_kw={"height_ratios": [2.2, 1], "hspace": 0.1, "bottom": 0.2, "top": 0.9},
    )
    top.imshow(shown.T, aspect="auto", cmap="RdBu_r", vmin=-1, vmax=1, interpolation="nearest")
    top.set(ylabel="hidden unit\n(red +1, blue -1)")
    top.grid(False)
    p = probabilities[step - 1]
    label = "positive" if p >= 0.5 else "negative"
    top.set_title(
        f"{result.get('kind', 'recurrent')} after {step}/{n} words, '{words[step - 1]}': "
        f"p(positive) = {p:.2f} ({label})"
    )
    positions = np.arange(n)
    bottom.plot(positions[:step], probabilities[:step], "-o", color="C0", ms=4)
    bottom.axhline(0.5, color="0.5", linestyle=":", linewidth=1)
    bottom.set(ylim=(0, 1), xlim=(-0.5, n - 0.5), ylabel="p(positive)")
    # the words as plain texts under the axes: 40 matplotlib ticks (with their lines and grid
    # lines, on both axes) cost more than half of each redraw
    top.set_xticks([])
    bottom.set_xticks([])
    bottom.set_yticks([0, 0.5, 1])
    for position, word in zip(positions, words, strict=True):
        bottom.text(
            position, -0.06, word, rotation=60, ha="right", va="top", fontsize=8,
            rotation_mode="anchor", transform=bottom.get_xaxis_transform(),
        )  # fmt: skip
    return fig


def sentence_stepper(model: Any, vectorizer: Any, sentences: Sequence[str]) -> LiveFigure:
    """Read a sentence word by word with a trained recurrent model: type one or pick one.

    ``model``: Embedding -> SimpleRNN/LSTM/GRU -> Dense(1, sigmoid) trained on vectorized
    sentences; ``vectorizer``: the ``TextVectorization`` layer (``output_mode="int"``) it was
    trained with; ``sentences``: examples to offer (any text can be typed too).
    """
    _stepper_parts(model)
    if not callable(vectorizer) or not hasattr(vectorizer, "get_vocabulary"):
        raise ValueError(
            "sentence_stepper expects the TextVectorization layer the model was trained with, "
            f"got {check.describe(vectorizer)}"
        )
    if (
        isinstance(sentences, str)
        or not isinstance(sentences, Sequence)
        or not sentences
        or not all(isinstance(s, str) and s.strip() for s in sentences)
    ):
        raise ValueError(
            "sentence_stepper expects a non-empty list of example sentences (strings), got "
            f"{check.describe(sentences)}"
        )
    vocabulary = vectorizer.get_vocabulary()

    def words_in(sentence: str) -> int:
        """Words the vectorizer keeps of a sentence (padding left out), at least 1."""
        return max(int(np.count_nonzero(np.asarray(vectorizer([sentence or "."]))[0])), 1)

    length = words_in(sentences[0])
    controls = {
        "sentence": widgets.Combobox(
            value=sentences[0],
            options=list(sentences),
            description="sentence (pick or type)",
            ensure_option=False,
            continuous_update=False,
            layout=widgets.Layout(width="95%"),
        ),
        "step": widgets.IntSlider(
            value=length, min=1, max=length, description="words read", continuous_update=False
        ),
    }

    def compute(sentence: str, step: int) -> dict[str, Any]:
        ids = np.asarray(vectorizer([sentence or "."]))[0].astype(np.int64)
        if not ids.any():
            ids[0] = 1  # nothing readable: one [UNK], so the figure still draws
        return sentence_steps(model, ids, vocabulary, min(step, words_in(sentence)))

    def fit_slider(change: Any) -> None:
        """The slider spans the new sentence's words: no steps past its end."""
        controls["step"].max = words_in(change["new"])

    widget = LiveFigure(controls, compute, draw_sentence_steps)
    controls["sentence"].observe(fit_slider, names="value")
    return widget


# ------------------------------------------------------------ exercise 1: vectorize by hand


def _reference_vectorize(sentence: str, vocabulary: Sequence[str], length: int, mistake: str = ""):
    """What TextVectorization does, in Python; ``mistake`` reproduces a usual error."""
    text = sentence if mistake == "case" else sentence.lower()
    if mistake != "punctuation":
        text = re.sub(f"[{re.escape(string.punctuation)}]", "", text)
    index = {word: i for i, word in enumerate(vocabulary)}
    unknown = 0 if mistake == "unknown as padding" else 1
    ids = [index.get(word, unknown) for word in text.split()]
    if mistake == "off by one":
        ids = [i + 1 for i in ids]
    if mistake == "no padding":
        return ids
    ids = ids[:length]
    padding = [0] * (length - len(ids))
    return padding + ids if mistake == "padding in front" else ids + padding


VECTORIZE_TRIALS = (
    "A gorgeous, witty, seductive movie.",
    "It's not THAT bad -- but it isn't good either!",
    "the zorbulation of frimble is wonderful",
    "The film, the cast, the script, the score, the editing, the costumes, the sets, the light, "
    "the sound, the pace, the jokes, the tears, the ending: all of it, every bit of it, from the "
    "first frame to the last, is simply wonderful.",
)
_VECTORIZE_HINTS = {
    "case": "upper-case words are not found: TextVectorization lower-cases the text first",
    "punctuation": "words with punctuation attached ('movie.', 'witty,') are not found: strip "
    "the characters of string.punctuation before splitting",
    "unknown as padding": "a word that is not in the vocabulary gets index 1, [UNK]; 0 is "
    "reserved for padding",
    "off by one": "every index is one too large: the vocabulary list is already in index "
    "order, padding '' at 0 and [UNK] at 1",
    "no padding": "each result must have exactly the sequence length: pad short sentences with "
    "zeros and cut long ones",
    "padding in front": "the zeros go after the words, as TextVectorization pads",
}


def exercise_vectorize(vectorize: Callable[[str], Any], vectorizer: Any) -> checks.Verdict:
    """Exercise 08.1: ``vectorize(sentence)`` must give what the TextVectorization layer gives."""
    name = "text to integers by hand"
    if vectorize is None:
        return checks.verdict(name, "vectorize is None: define the function")
    if not callable(vectorizer) or not hasattr(vectorizer, "get_vocabulary"):
        raise ValueError("exercise_vectorize expects the lesson's TextVectorization layer second")
    vocabulary = vectorizer.get_vocabulary()
    expected = np.asarray(vectorizer(list(VECTORIZE_TRIALS)))
    length = expected.shape[1]
    for sentence, want in zip(VECTORIZE_TRIALS, expected, strict=True):
        got, problem = checks.attempt(vectorize, sentence)
        if problem:
            return checks.verdict(name, f"vectorize({sentence!r}): {problem}")
        if got is None:
            return checks.verdict(name, "vectorize returned None: did you forget `return`?")
        try:
            got = np.asarray(got)
        except ValueError:
            return checks.verdict(name, "vectorize must return a list or array of whole numbers")
        if got.dtype.kind not in "iuf" or got.ndim != 1 or np.any(got != np.round(got)):
            return checks.verdict(
                name, f"vectorize must return a 1-D list or array of whole numbers, got {got!r}"
            )
        if got.shape == want.shape and np.array_equal(got, want):
            continue
        for mistake, hint in _VECTORIZE_HINTS.items():
            wrong = _reference_vectorize(sentence, vocabulary, length, mistake)
            if len(wrong) == len(got) and np.array_equal(got, wrong):
                return checks.verdict(name, f"for {sentence!r}: {hint}")
        if got.shape != want.shape:
            return checks.verdict(
                name,
                f"for {sentence!r} you return {len(got)} numbers; TextVectorization returns "
                f"{length} (the sentence's words, then zeros up to the sequence length)",
            )
        first = int(np.flatnonzero(got != want)[0])
        return checks.verdict(
            name,
            f"for {sentence!r} position {first} holds {got[first]:g} where TextVectorization "
            "gives another index: lower-case, strip punctuation, split on spaces, look each "
            "word up",
        )
    return checks.verdict(name, None)


# ------------------------------------------------------------ exercise 2: one GRU step

_GRU_HINTS = {
    "reset before": "you apply the reset gate to h before the matrix product, (r * h) @ U: "
    "that is the original GRU; Keras (reset_after=True) multiplies r with (h @ U_h + b_h) "
    "after it",
    "update swapped": "the update gate z keeps the OLD state in Keras: h_new = z * h + "
    "(1 - z) * candidate",
    "gates swapped": "the three blocks of the kernels are, in order, the update gate z, the "
    "reset gate r, and the candidate",
    "no reset": "the candidate must use the reset gate r on the recurrent part",
    "no recurrent bias": "the bias has two rows: bias[0] goes with the input x, bias[1] with "
    "the previous state h; both count (the candidate's too)",
}


def exercise_gru_step(gru_step: Callable[..., Any]) -> checks.Verdict:
    """Exercise 08.2: ``gru_step(x, h, kernel, recurrent_kernel, bias)`` equals GRUCell."""
    import keras

    name = "one GRU step in NumPy"
    if gru_step is None:
        return checks.verdict(name, "gru_step is None: define the function")
    rng = np.random.default_rng(8)
    for units, features in ((4, 3), (3, 5)):
        cell = keras.layers.GRUCell(units)
        x = rng.normal(size=(2, features)).astype("float32")
        h = rng.normal(size=(2, units)).astype("float32") * 0.8
        cell.build((None, features))
        weights = [rng.normal(size=w.shape).astype("float32") * 0.7 for w in cell.get_weights()]
        cell.set_weights(weights)
        want = np.asarray(cell(x, [h])[0], dtype=float)
        got, problem = checks.attempt(gru_step, x, h, *weights)
        if problem:
            return checks.verdict(name, problem)
        problem = checks.compare(
            "gru_step(x, h, kernel, recurrent_kernel, bias)", got, want, 1e-4, 1e-5
        )
        if problem is None:
            continue
        got_array = np.asarray(got, dtype=float) if got is not None else None
        for variant, hint in _GRU_HINTS.items():
            wrong = _gru_step(x, h, *weights, variant=variant)
            if got_array is not None and got_array.shape == wrong.shape:
                if np.allclose(got_array, wrong, rtol=1e-4, atol=1e-5):
                    return checks.verdict(name, hint)
        return checks.verdict(name, f"{problem} (with {units} units, {features} inputs)")
    return checks.verdict(name, None)
