"""Lesson 10a (text_generation): the character model's builder, the longer-trained weights,
text measures (repetition, non-words), the temperature plots and explorer, exercise checks."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as widgets
import keras
import numpy as np
from matplotlib.figure import Figure

from helpers import checks
from helpers import validation as check
from helpers.datasets import DataFile, locate
from helpers.widgets import LiveFigure

LONG_RUN_WEIGHTS = DataFile(
    name="char_gru.weights.h5",
    shipped_sha256="59a053dd2579b4938200ff268e74f9b31c3577022a5885b29f06a16c6a722b95",
)
TEST_WORK = "Hamlet"  # held out: the model never trains on it (the lesson and the script)
SEQUENCE_LENGTH = 100  # characters per training chunk (the lesson and the script)
WORD = re.compile(r"[a-z]+(?:'[a-z]+)*")


# ------------------------------------------------------------ the model


class CharModel(keras.Model):
    """Next-character model: embedding -> GRU -> one score (logit) per character.

    ``model(codes)`` gives the logits at every position, shape (batch, steps, vocab_size).
    ``model(codes, state=state, return_state=True)`` also returns the GRU's last state and
    starts from ``state`` (None: zeros), so that text can be generated one step at a time.
    """

    def __init__(self, vocab_size: int, embedding_dim: int = 32, units: int = 128, **kwargs):
        super().__init__(**kwargs)
        self.embedding = keras.layers.Embedding(vocab_size, embedding_dim)
        self.gru = keras.layers.GRU(units, return_sequences=True, return_state=True)
        self.to_logits = keras.layers.Dense(vocab_size)

    def call(self, codes, state=None, return_state=False):
        vectors = self.embedding(codes)
        outputs, state = self.gru(vectors, initial_state=state)
        logits = self.to_logits(outputs)
        return (logits, state) if return_state else logits


def build_char_model(vocab_size: int) -> CharModel:
    """The lesson's model (and the training script's), built: 128 GRU units, ~75k weights."""
    vocab_size = check.number(vocab_size, "build_char_model: vocab_size", integer=True)
    if vocab_size < 2:
        raise ValueError(f"build_char_model expects vocab_size >= 2 characters, got {vocab_size}")
    model = CharModel(vocab_size, name="char_gru")
    model(np.zeros((1, 1), dtype="int32"))  # creates the weights
    return model


def load_long_run_weights(
    model: keras.Model, weights: DataFile = LONG_RUN_WEIGHTS, data_dir: Any = None
) -> None:
    """Load the weights of ``helpers/data/train_char_gru.py`` into ``model``, sha256 checked.

    ``weights`` and ``data_dir`` (default ``helpers/data``) are for tests and new runs.
    """
    if not isinstance(model, CharModel):
        raise ValueError(
            f"load_long_run_weights expects the model of build_char_model, got "
            f"{check.describe(model)}"
        )
    model.load_weights(locate(weights, data_dir=data_dir))


def encode(text: str, characters: str) -> np.ndarray:
    """Each character of ``text`` as its index in ``characters`` (sorted, distinct): int32."""
    if not isinstance(text, str) or not text:
        raise ValueError(f"encode expects a non-empty str, got {check.describe(text)}")
    if not isinstance(characters, str) or list(characters) != sorted(set(characters)):
        raise ValueError("encode expects characters as a str of sorted, distinct characters")
    missing = sorted(set(text) - set(characters))
    if missing:
        raise ValueError(f"encode: characters not in the vocabulary: {''.join(missing)!r}")
    table = np.zeros(128 if characters.isascii() else 0x110000, dtype=np.int32)
    table[[ord(c) for c in characters]] = np.arange(len(characters))
    return table[np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)]


# ------------------------------------------------------------ measures of text


def _text(text: Any, what: str) -> str:
    if not isinstance(text, str) or not text:
        raise ValueError(f"{what} expects a non-empty str of text, got {check.describe(text)}")
    return text


def words(text: str) -> list[str]:
    """The words of ``text``, lower-cased letters with inner apostrophes ("ne'er")."""
    return WORD.findall(_text(text, "words").lower())


def repeated_share(text: str, n: int = 20) -> float:
    """Share of the ``n``-character pieces of ``text`` that already occurred earlier in it."""
    text = _text(text, "repeated_share")
    n = check.number(n, "repeated_share: n", integer=True, positive=True)
    if len(text) <= n:
        raise ValueError(f"repeated_share needs a text longer than n = {n} characters")
    seen, repeats = set(), 0
    for start in range(len(text) - n + 1):
        piece = text[start : start + n]
        repeats += piece in seen
        seen.add(piece)
    return repeats / (len(text) - n + 1)


def repeated_word_share(text: str) -> float:
    """Share of the words of ``text`` that already occurred earlier in it (0 if no words)."""
    found = words(_text(text, "repeated_word_share"))
    return 1 - len(set(found)) / len(found) if found else 0.0


def non_word_share(text: str, vocabulary: set[str]) -> float:
    """Share of the words of ``text`` that are not in ``vocabulary`` (e.g. the corpus's words)."""
    found = words(_text(text, "non_word_share"))
    if not isinstance(vocabulary, set | frozenset) or not vocabulary:
        raise ValueError("non_word_share expects vocabulary as a non-empty set of words")
    if not found:
        return 1.0
    return sum(word not in vocabulary for word in found) / len(found)


def softmax_with_temperature(logits: Any, temperature: float) -> np.ndarray:
    """Probabilities ``softmax(logits / temperature)`` over the last axis (float64)."""
    logits = check.finite_array("softmax_with_temperature", "logits", logits).astype(float)
    if logits.ndim == 0 or logits.shape[-1] < 2:
        raise ValueError(
            "softmax_with_temperature expects logits with >= 2 scores on the last axis"
        )
    temperature = check.number(temperature, "softmax_with_temperature: temperature", positive=True)
    scaled = logits / temperature
    scaled = scaled - scaled.max(axis=-1, keepdims=True)
    exp = np.exp(scaled)
    return exp / exp.sum(axis=-1, keepdims=True)


def ngram_bits(train: Any, test: Any, vocab_size: int, order: int) -> float:
    """Bits per character on ``test`` of an add-one-smoothed n-gram table counted on ``train``.

    ``order`` 1: character frequencies; 2: a bigram table (the next character given the one
    before); 3: a trigram table. ``train`` and ``test`` are character codes (1-D ints).
    """
    vocab_size = check.number(vocab_size, "ngram_bits: vocab_size", integer=True, positive=True)
    order = check.number(order, "ngram_bits: order", integer=True, positive=True)
    if order > 3:
        raise ValueError(f"ngram_bits supports order 1, 2 or 3, got {order}")
    arrays = []
    for name, codes in (("train", train), ("test", test)):
        codes = check.numbers(codes, f"ngram_bits: {name}", "character codes (n,)")
        if codes.ndim != 1 or codes.size <= order or codes.dtype.kind not in "iu":
            raise ValueError(f"ngram_bits expects {name} as 1-D integer codes, longer than order")
        if codes.min() < 0 or codes.max() >= vocab_size:
            raise ValueError(f"ngram_bits: {name} has codes outside 0..{vocab_size - 1}")
        arrays.append(codes.astype(np.int64))

    def contexts(codes: np.ndarray) -> np.ndarray:
        index = np.zeros(len(codes) - order + 1, dtype=np.int64)
        for k in range(order - 1):
            index = index * vocab_size + codes[k : len(codes) - order + 1 + k]
        return index

    train, test = arrays
    shape = (vocab_size ** (order - 1), vocab_size)
    counts = np.zeros(shape)
    np.add.at(counts, (contexts(train), train[order - 1 :]), 1)
    probabilities = (counts + 1) / (counts + 1).sum(axis=1, keepdims=True)
    return float(-np.mean(np.log2(probabilities[contexts(test), test[order - 1 :]])))


# ------------------------------------------------------------ temperature: plot and explorer


def _shown(character: str) -> str:
    return {"\n": "⏎", " ": "␣"}.get(character, character)


def _logits_and_characters(logits: Any, characters: Any, what: str) -> tuple[np.ndarray, str]:
    logits = check.finite_array(what, "logits", logits).astype(float)
    if not isinstance(characters, str) or logits.shape != (len(characters),):
        raise ValueError(
            f"{what} expects logits of shape (vocab_size,) and characters as a str of that "
            f"length; got logits {logits.shape} and {check.describe(characters)}"
        )
    return logits, characters


def plot_temperatures(
    logits: Any, characters: str, temperatures: Sequence[float], top: int = 12
) -> Figure:
    """The next character's distribution at each temperature (the ``top`` likeliest at T=1)."""
    logits, characters = _logits_and_characters(logits, characters, "plot_temperatures")
    if not isinstance(temperatures, Sequence) or not 1 <= len(temperatures) <= 6:
        raise ValueError("plot_temperatures expects 1 to 6 temperatures, e.g. [0.2, 0.5, 1, 1.5]")
    top = check.number(top, "plot_temperatures: top", integer=True, positive=True)
    order = np.argsort(-logits, kind="stable")[: min(top, len(logits))]
    fig = Figure(figsize=(2.6 * len(temperatures) + 0.6, 3.0), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(temperatures), sharey=True))
    for ax, temperature in zip(axes, temperatures, strict=True):
        probabilities = softmax_with_temperature(logits, temperature)
        ax.bar(range(len(order)), probabilities[order], color="C0")
        ax.set_xticks(range(len(order)), [_shown(characters[i]) for i in order])
        rest = 1 - probabilities[order].sum()
        ax.set_title(f"T = {temperature:g}  (others: {rest:.0%})", fontsize=10)
    axes[0].set_ylabel("probability of the next character")
    return fig


def temperature_view(
    next_logits: Any,
    characters: str,
    continuations: dict[float, str],
    temperature: float,
    top: int = 15,
) -> dict[str, Any]:
    """What the explorer shows at ``temperature``: the top next characters and the text."""
    logits, characters = _logits_and_characters(next_logits, characters, "temperature_view")
    if not isinstance(continuations, dict) or temperature not in continuations:
        raise ValueError(
            "temperature_view expects continuations as {temperature: text} containing the "
            f"temperature {temperature!r}"
        )
    probabilities = softmax_with_temperature(logits, temperature)
    order = np.argsort(-logits, kind="stable")[:top]
    return {
        "temperature": float(temperature),
        "characters": [_shown(characters[i]) for i in order],
        "probabilities": probabilities[order],
        "text": continuations[temperature],
    }


def draw_temperature(view: dict[str, Any]) -> Figure:
    """Draw a :func:`temperature_view`: bars of the next character's probabilities, the text."""
    if not isinstance(view, dict) or not {"temperature", "probabilities", "text"} <= set(view):
        raise ValueError("draw_temperature expects the dict that temperature_view returns")
    fig = Figure(figsize=(10, 3.3), dpi=80)
    bars = fig.add_axes((0.06, 0.12, 0.3, 0.76))
    bars.bar(range(len(view["probabilities"])), view["probabilities"], color="C0")
    bars.set_xticks(range(len(view["characters"])), view["characters"])
    bars.set(
        ylim=(0, 1), ylabel="probability", title=f"next character at T = {view['temperature']:g}"
    )
    text = fig.add_axes((0.4, 0.02, 0.58, 0.9))
    text.axis("off")
    text.set_title("a continuation sampled at this temperature", fontsize=10, loc="left")
    lines = view["text"].split("\n")[:14]
    text.text(
        0, 1, "\n".join(line[:80] for line in lines), va="top", family="monospace", fontsize=9
    )
    return fig


def temperature_explorer(
    next_logits: Any, characters: str, continuations: dict[float, str]
) -> LiveFigure:
    """A slider over the temperatures of ``continuations`` ({temperature: sampled text}).

    ``next_logits``: the model's scores for the character after the prompt.
    """
    temperature_view(next_logits, characters, continuations, next(iter(continuations), None))
    options = sorted(continuations)
    controls = {
        "temperature": widgets.SelectionSlider(
            options=options, value=min(options, key=lambda t: abs(t - 1)), description="temperature"
        )
    }

    def compute(temperature: float) -> dict[str, Any]:
        return temperature_view(next_logits, characters, continuations, temperature)

    return LiveFigure(controls, compute, draw_temperature)


# ------------------------------------------------------------ exercise 1: temperature


_TEMPERATURE_MISTAKES: dict[str, tuple[Callable[[np.ndarray, float], np.ndarray], str]] = {
    "multiplied": (
        lambda z, t: softmax_with_temperature(z * t, 1.0),
        "you multiplied the logits by the temperature: divide them by it (a high temperature "
        "must flatten the distribution)",
    ),
    "ignored": (
        lambda z, t: softmax_with_temperature(z, 1.0),
        "the temperature changes nothing in your answer: divide the logits by it before the "
        "softmax",
    ),
    "not normalised": (
        lambda z, t: np.exp(z / t),
        "the values do not add up to 1: divide exp(logits / temperature) by its sum",
    ),
    "divided probabilities": (
        lambda z, t: softmax_with_temperature(z, 1.0) / t,
        "you divided the probabilities by the temperature: divide the logits, then apply the "
        "softmax",
    ),
    "no softmax": (
        lambda z, t: z / t,
        "you returned the scaled logits: apply the softmax to turn them into probabilities",
    ),
}


def exercise_temperature(temperature_softmax: Callable[[np.ndarray, float], Any]) -> checks.Verdict:
    """Exercise 10a.1: ``temperature_softmax(logits, temperature)`` = softmax(logits / T)."""
    name = "probabilities at a temperature"
    if temperature_softmax is None:
        return checks.verdict(name, "temperature_softmax is None: define the function")
    logits = np.array([2.0, 1.0, 0.5, -1.0, 0.0])
    for temperature in (0.5, 2.0, 1.0):
        want = softmax_with_temperature(logits, temperature)
        got, problem = checks.attempt(temperature_softmax, logits.copy(), temperature)
        problem = problem or checks.compare(
            f"temperature_softmax(logits, {temperature})", got, want
        )
        if problem is None:
            continue
        got_array = np.asarray(got, dtype=float) if got is not None else None
        for wrong, hint in _TEMPERATURE_MISTAKES.values():
            if got_array is not None and got_array.shape == want.shape:
                if np.allclose(got_array, wrong(logits, temperature), rtol=1e-5):
                    return checks.verdict(name, f"temperature {temperature}: {hint}")
        return checks.verdict(name, problem)
    return checks.verdict(name, None)


# ------------------------------------------------------------ exercise 2: bits per character


def _bits(probabilities: np.ndarray, targets: np.ndarray) -> float:
    return float(-np.mean(np.log2(probabilities[np.arange(len(targets)), targets])))


_BITS_MISTAKES = {
    "nats": (
        lambda p, t: _bits(p, t) * np.log(2),
        "that is in nats (natural log): bits use log base 2 (np.log2)",
    ),
    "sign": (lambda p, t: -_bits(p, t), "the sign is wrong: bits are -log2(p), a positive number"),
    "sum": (
        lambda p, t: _bits(p, t) * len(t),
        "you summed over the characters: take the mean (bits PER character)",
    ),
    "largest": (
        lambda p, t: float(-np.mean(np.log2(p.max(axis=1)))),
        "you used each row's largest probability: use the probability of the character that "
        "actually came next, probabilities[i, targets[i]]",
    ),
    "log10": (lambda p, t: _bits(p, t) * np.log10(2), "that is log base 10: use log base 2"),
}


def exercise_bits_per_character(
    bits_per_character: Callable[[np.ndarray, np.ndarray], Any],
) -> checks.Verdict:
    """Exercise 10a.2: mean of -log2(probability given to the character that came next)."""
    name = "bits per character"
    if bits_per_character is None:
        return checks.verdict(name, "bits_per_character is None: define the function")
    rng = np.random.default_rng(10)
    probabilities = rng.dirichlet(np.ones(6), size=40)
    targets = rng.integers(0, 6, size=40)
    want = _bits(probabilities, targets)
    got, problem = checks.attempt(bits_per_character, probabilities.copy(), targets.copy())
    if problem:
        return checks.verdict(name, problem)
    got, problem = checks.number_answer(got, "bits_per_character returned None: forgot `return`?")
    if problem:
        return checks.verdict(name, problem)
    if np.isclose(got, want, rtol=1e-6):
        return checks.verdict(name, None)
    for wrong, hint in _BITS_MISTAKES.values():
        if np.isclose(got, wrong(probabilities, targets), rtol=1e-6):
            return checks.verdict(name, hint)
    return checks.verdict(name, f"got {got:.4g} bits per character, expected {want:.4g}")


# ------------------------------------------------------------ exercise 3: a bigram table


def _bigram(codes: np.ndarray, vocab_size: int, mistake: str = "") -> np.ndarray:
    counts = np.zeros((vocab_size, vocab_size))
    np.add.at(counts, (codes[:-1], codes[1:]), 1)
    if mistake == "transposed":
        counts = counts.T
    if mistake == "no smoothing":
        return counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    if mistake == "not normalised":
        return counts + 1
    if mistake == "whole table":
        return (counts + 1) / (counts + 1).sum()
    if mistake == "columns":
        return (counts + 1) / (counts + 1).sum(axis=0, keepdims=True)
    return (counts + 1) / (counts + 1).sum(axis=1, keepdims=True)


_BIGRAM_HINTS = {
    "transposed": "the table is transposed: row = the character before, column = the next one",
    "no smoothing": "pairs never seen get probability 0 (infinitely many bits if they occur in "
    "the test text): add 1 to every count before normalising",
    "not normalised": "the rows are counts + 1, not probabilities: divide each row by its sum",
    "whole table": "you divided by the sum of the whole table: each ROW must add up to 1 (a "
    "distribution of the next character given the one before)",
    "columns": "your columns add up to 1: each ROW must (divide by the row sums, axis=1)",
}


def exercise_bigram(
    bigram_table: Callable[[np.ndarray, int], Any], codes: Any, vocab_size: int
) -> checks.Verdict:
    """Exercise 10a.3: ``bigram_table(codes, vocab_size)``: P[previous, next], add-one smoothed."""
    name = "a bigram table"
    codes = check.numbers(codes, "exercise_bigram: codes", "character codes (n,)")
    vocab_size = check.number(
        vocab_size, "exercise_bigram: vocab_size", integer=True, positive=True
    )
    if (
        codes.ndim != 1
        or codes.size < 2
        or codes.dtype.kind not in "iu"
        or codes.max() >= vocab_size
    ):
        raise ValueError("exercise_bigram expects 1-D integer codes below vocab_size")
    if bigram_table is None:
        return checks.verdict(name, "bigram_table is None: define the function")
    want = _bigram(codes, vocab_size)
    got, problem = checks.attempt(bigram_table, codes.copy(), vocab_size)
    problem = problem or checks.compare("bigram_table(codes, vocab_size)", got, want, rtol=1e-6)
    if problem is None:
        return checks.verdict(name, None)
    if got is not None and np.shape(got) == want.shape:
        for mistake, hint in _BIGRAM_HINTS.items():
            if np.allclose(np.asarray(got, dtype=float), _bigram(codes, vocab_size, mistake)):
                return checks.verdict(name, hint)
    return checks.verdict(name, problem)
