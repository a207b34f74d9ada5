"""Lesson 10a helpers: the model builder and its training script, the shipped weights, text
measures, the n-gram baselines, the temperature plot and explorer (driven headlessly), the
exercise checks (right answers pass, plausible wrong ones get the hint naming the mistake) and
bad input."""

import importlib.util
import itertools
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers import datasets
from helpers.lessons import text_generation as lesson

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "helpers" / "data" / "train_char_gru.py"
CHARACTERS = "\n .abcdefghijklmnopqrstuvwxyz"
TEXT = "the cat sat on the mat.\nthe dog sat on the log.\n" * 20
RNG = np.random.default_rng(0)
LOGITS = RNG.normal(0, 2, size=len(CHARACTERS))


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("train_char_gru", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ------------------------------------------------------------ the model and its script


def test_model_gives_logits_per_position_and_steps_with_its_state():
    model = lesson.build_char_model(len(CHARACTERS))
    codes = lesson.encode("the cat", CHARACTERS)[None]
    logits = np.asarray(model(codes))
    assert logits.shape == (1, 7, len(CHARACTERS))
    # reading the text at once = reading it one character at a time, carrying the state
    state, stepped = None, []
    for position in range(7):
        step_logits, state = model(
            codes[:, position : position + 1], state=state, return_state=True
        )
        stepped.append(np.asarray(step_logits)[0, 0])
    np.testing.assert_allclose(np.array(stepped), logits[0], rtol=1e-4, atol=1e-5)
    assert model.count_params() == 161 * len(CHARACTERS) + 62_208  # 74,927 for 79 characters


def test_training_script_uses_the_lessons_builder_and_settings(script):
    assert script.build_char_model is lesson.build_char_model
    assert script.SEQUENCE_LENGTH == lesson.SEQUENCE_LENGTH and script.TEST_WORK == "Hamlet"
    course = (ROOT / "course" / "10a_text_generation.py").read_text()
    assert 'TEST_WORK = "Hamlet"' in course and "SEQUENCE_LENGTH = 100" in course
    assert f"BATCH_SIZE = {script.BATCH_SIZE}" in course
    assert f"learning_rate={script.LEARNING_RATE}, clipnorm=1.0" in course
    assert "lesson.build_char_model(vocab_size)" in course


def test_training_script_runs_a_few_steps_into_a_folder(script, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(
        sys, "argv", ["train", "--steps", "2", "--out", str(tmp_path), "--test-chars", "1500"]
    )
    script.main()
    out = capsys.readouterr().out
    assert "trained 2 steps" in out and "bits per character on Hamlet" in out
    weights = tmp_path / "char_gru.weights.h5"
    assert weights.is_file() and datasets.sha256_of(weights) in out
    model = lesson.build_char_model(79)
    saved = datasets.DataFile(weights.name, datasets.sha256_of(weights))
    lesson.load_long_run_weights(model, saved, data_dir=tmp_path)


def test_shipped_weights_match_their_checksum_and_readme_row():
    path = datasets.DATA_DIR / lesson.LONG_RUN_WEIGHTS.name
    assert datasets.sha256_of(path) == lesson.LONG_RUN_WEIGHTS.shipped_sha256
    assert path.stat().st_size < 10_000_000
    readme = (datasets.DATA_DIR / "README.md").read_text()
    assert lesson.LONG_RUN_WEIGHTS.shipped_sha256 in readme and "train_char_gru.py" in readme


def test_weights_with_a_wrong_checksum_are_refused(tmp_path):
    (tmp_path / "bad.weights.h5").write_bytes(b"not weights")
    model = lesson.build_char_model(79)
    with pytest.raises(datasets.DatasetUnavailableError, match="corrupted"):
        lesson.load_long_run_weights(
            model, datasets.DataFile("bad.weights.h5", "0" * 64), data_dir=tmp_path
        )


# ------------------------------------------------------------ text and measures


def test_encode_maps_characters_to_their_index():
    codes = lesson.encode("ab\n z", CHARACTERS)
    assert codes.tolist() == [3, 4, 0, 1, 28] and codes.dtype == np.int32


def test_words_keep_inner_apostrophes_and_lower_case():
    assert lesson.words("O, 'tis ne'er so! Hamlet's") == ["o", "tis", "ne'er", "so", "hamlet's"]


def test_repeated_share_counts_pieces_seen_before():
    assert lesson.repeated_share("abcdefgh", n=3) == 0.0
    assert lesson.repeated_share("abcabcabc", n=3) == pytest.approx(4 / 7)
    assert lesson.repeated_share("ab" * 50, n=20) > 0.95


def test_repeated_word_share_counts_words_seen_before():
    assert lesson.repeated_word_share("To be, or not to be") == pytest.approx(2 / 6)
    assert lesson.repeated_word_share("all different words") == 0.0
    assert lesson.repeated_word_share("...") == 0.0


def test_non_word_share_against_a_vocabulary():
    vocabulary = {"the", "cat", "sat"}
    assert lesson.non_word_share("The cat sat.", vocabulary) == 0.0
    assert lesson.non_word_share("The cat zat, qqq", vocabulary) == 0.5
    assert lesson.non_word_share("... !!", vocabulary) == 1.0


def test_softmax_with_temperature_sharpens_and_flattens():
    cold, warm = (lesson.softmax_with_temperature(LOGITS, t) for t in (0.2, 5.0))
    one = lesson.softmax_with_temperature(LOGITS, 1.0)
    for p in (cold, warm, one):
        assert p.sum() == pytest.approx(1.0)
    assert cold.max() > one.max() > warm.max()
    np.testing.assert_allclose(one, np.exp(LOGITS) / np.exp(LOGITS).sum())
    big = lesson.softmax_with_temperature(np.array([1000.0, 0.0]), 0.1)  # no overflow
    assert big.tolist() == [1.0, 0.0]


def test_ngram_bits_by_plain_counting():
    train = lesson.encode(TEXT, CHARACTERS)
    test = lesson.encode("the cat sat on the log.\n".replace(".", ""), CHARACTERS)
    vocab = len(CHARACTERS)
    assert lesson.ngram_bits(train, train, vocab, 1) < np.log2(vocab)
    counts = np.bincount(train, minlength=vocab) + 1
    unigram = -np.mean(np.log2(counts[test] / counts.sum()))
    assert lesson.ngram_bits(train, test, vocab, 1) == pytest.approx(unigram)
    pairs = {}
    for a, b in itertools.pairwise(train):
        pairs[(a, b)] = pairs.get((a, b), 0) + 1
    row = {a: sum(v for (x, _), v in pairs.items() if x == a) for a in range(vocab)}
    bigram = -np.mean(
        [
            np.log2((pairs.get((a, b), 0) + 1) / (row[a] + vocab))
            for a, b in itertools.pairwise(test)
        ]
    )
    assert lesson.ngram_bits(train, test, vocab, 2) == pytest.approx(bigram)
    assert lesson.ngram_bits(train, test, vocab, 3) < lesson.ngram_bits(train, test, vocab, 2)


# ------------------------------------------------------------ plot and widget


def test_plot_temperatures_one_panel_per_temperature():
    fig = lesson.plot_temperatures(LOGITS, CHARACTERS, [0.2, 1.0, 1.5], top=5)
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    heights = [[bar.get_height() for bar in ax.patches] for ax in fig.axes]
    assert all(len(h) == 5 for h in heights) and heights[0][0] > heights[2][0]
    assert fig.axes[0].get_title().startswith("T = 0.2")


def test_temperature_explorer_headless_and_fast():
    continuations = {0.5: "the the the", 1.0: "the cat sat", 2.0: "qzx vvk"}
    widget = lesson.temperature_explorer(LOGITS, CHARACTERS, continuations)
    assert widget.result["temperature"] == 1.0 and widget.result["text"] == "the cat sat"
    seconds = []
    for temperature in (2.0, 0.5, 1.0, 2.0, 0.5):
        start = time.process_time()
        widget.controls["temperature"].value = temperature
        seconds.append(time.process_time() - start)
        assert widget.result["text"] == continuations[temperature]
    assert widget.result["probabilities"].max() > 0.5 or temperature == 0.5
    # the median, as for the other widgets: a first draw of new text may pay one-off costs
    # (0.98 s once in a full unit run, 0.09 s the next update)
    assert np.median(seconds) < 0.3, seconds


# ------------------------------------------------------------ exercise 1: temperature


def solution_softmax(logits, temperature):
    scaled = np.asarray(logits, dtype=float) / temperature
    return np.exp(scaled - scaled.max()) / np.exp(scaled - scaled.max()).sum()


def test_exercise_temperature_passes_the_solution_and_rejects_a_blank(capsys):
    assert lesson.exercise_temperature(solution_softmax)
    assert "PASS" in capsys.readouterr().out
    assert not lesson.exercise_temperature(lambda logits, t: None)
    assert "forget `return`" in capsys.readouterr().out
    assert not lesson.exercise_temperature(None)


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda z, t: solution_softmax(z * t, 1), "multiplied the logits"),
        (lambda z, t: solution_softmax(z, 1), "temperature changes nothing"),
        (lambda z, t: np.exp(z / t), "do not add up to 1"),
        (lambda z, t: solution_softmax(z, 1) / t, "divided the probabilities"),
        (lambda z, t: z / t, "apply the softmax"),
    ],
)
def test_exercise_temperature_names_each_mistake(capsys, wrong, hint):
    assert not lesson.exercise_temperature(wrong)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out


# ------------------------------------------------------------ exercise 2: bits per character


def test_exercise_bits_passes_the_solution_and_rejects_a_blank(capsys):
    def solution(probabilities, targets):
        return -np.mean(np.log2(probabilities[np.arange(len(targets)), targets]))

    assert lesson.exercise_bits_per_character(solution)
    assert "PASS" in capsys.readouterr().out
    assert not lesson.exercise_bits_per_character(lambda p, t: None)
    assert "forgot `return`" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda p, t: -np.mean(np.log(p[np.arange(len(t)), t])), "nats"),
        (lambda p, t: np.mean(np.log2(p[np.arange(len(t)), t])), "sign is wrong"),
        (lambda p, t: -np.sum(np.log2(p[np.arange(len(t)), t])), "summed"),
        (lambda p, t: -np.mean(np.log2(p.max(axis=1))), "largest probability"),
        (lambda p, t: -np.mean(np.log10(p[np.arange(len(t)), t])), "base 10"),
        (lambda p, t: -np.mean(np.log2(p[t])), "expected"),
    ],
)
def test_exercise_bits_names_each_mistake(capsys, wrong, hint):
    assert not lesson.exercise_bits_per_character(wrong)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out


# ------------------------------------------------------------ exercise 3: bigram table

CODES = lesson.encode(TEXT, CHARACTERS)


def test_exercise_bigram_passes_the_solution_and_rejects_a_blank(capsys):
    def solution(codes, vocab_size):
        counts = np.ones((vocab_size, vocab_size))
        for a, b in itertools.pairwise(codes):
            counts[a, b] += 1
        return counts / counts.sum(axis=1, keepdims=True)

    assert lesson.exercise_bigram(solution, CODES, len(CHARACTERS))
    assert "PASS" in capsys.readouterr().out
    assert not lesson.exercise_bigram(lambda c, v: None, CODES, len(CHARACTERS))
    assert "forget `return`" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        ("transposed", "transposed"),
        ("no smoothing", "add 1 to every count"),
        ("not normalised", "divide each row by its sum"),
        ("whole table", "whole table"),
        ("columns", "columns add up to 1"),
    ],
)
def test_exercise_bigram_names_each_mistake(capsys, mistake, hint):
    def wrong(codes, vocab_size):
        return lesson._bigram(codes, vocab_size, mistake)

    assert not lesson.exercise_bigram(wrong, CODES, len(CHARACTERS))
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out


def test_exercise_bigram_wrong_shape_gets_a_hint(capsys):
    assert not lesson.exercise_bigram(lambda c, v: np.ones((v, v + 1)), CODES, len(CHARACTERS))
    assert "shape" in capsys.readouterr().out


# ------------------------------------------------------------ bad input

BAD_CALLS = {
    "vocab 1": (lambda: lesson.build_char_model(1), "vocab_size >= 2"),
    "vocab text": (lambda: lesson.build_char_model("79"), "vocab_size"),
    "weights into other model": (lambda: lesson.load_long_run_weights(None), "build_char_model"),
    "encode empty": (lambda: lesson.encode("", CHARACTERS), "non-empty str"),
    "encode unsorted": (lambda: lesson.encode("ab", "ba"), "sorted, distinct"),
    "encode unknown": (lambda: lesson.encode("aB", CHARACTERS), "'B'"),
    "words None": (lambda: lesson.words(None), "non-empty str"),
    "repeated short": (lambda: lesson.repeated_share("abc", n=5), "longer than n"),
    "repeated n 0": (lambda: lesson.repeated_share("abcdef", n=0), "n"),
    "repeated words None": (lambda: lesson.repeated_word_share(None), "non-empty str"),
    "non-word vocab list": (lambda: lesson.non_word_share("a b", ["a"]), "set of words"),
    "softmax T 0": (lambda: lesson.softmax_with_temperature(LOGITS, 0), "temperature"),
    "softmax NaN": (lambda: lesson.softmax_with_temperature([1.0, np.nan], 1), "logits"),
    "softmax scalar": (lambda: lesson.softmax_with_temperature(1.0, 1), ">= 2 scores"),
    "ngram order 4": (lambda: lesson.ngram_bits(CODES, CODES, 27, 4), "order 1, 2 or 3"),
    "ngram floats": (lambda: lesson.ngram_bits(CODES * 1.0, CODES, 27, 2), "integer codes"),
    "ngram outside": (lambda: lesson.ngram_bits(CODES, CODES, 5, 2), "outside 0..4"),
    "plot shape": (lambda: lesson.plot_temperatures(LOGITS[:3], CHARACTERS, [1.0]), "shape"),
    "plot many": (lambda: lesson.plot_temperatures(LOGITS, CHARACTERS, [1.0] * 7), "1 to 6"),
    "view missing": (
        lambda: lesson.temperature_view(LOGITS, CHARACTERS, {1.0: "a"}, 0.5),
        "containing the temperature 0.5",
    ),
    "draw wrong": (lambda: lesson.draw_temperature({}), "temperature_view returns"),
    "explorer empty": (
        lambda: lesson.temperature_explorer(LOGITS, CHARACTERS, {}),
        "continuations",
    ),
    "bigram codes": (
        lambda: lesson.exercise_bigram(lambda c, v: None, [0.5, 1.5], 27),
        "integer codes",
    ),
}


@pytest.mark.parametrize("call, message", BAD_CALLS.values(), ids=BAD_CALLS.keys())
def test_bad_input_gets_a_value_error_naming_the_fix(call, message):
    with pytest.raises(ValueError, match=message):
        call()
