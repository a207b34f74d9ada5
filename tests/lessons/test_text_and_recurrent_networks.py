"""Lesson 08 part 1 helpers: recurrent layers in NumPy against Keras, word neighbours, the
sentence stepper (driven headlessly), the exercise checks (right answers pass, plausible wrong
ones get the hint naming the mistake) and bad input."""

import string
import time

import keras
import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers.lessons import text_and_recurrent_networks as lesson

SENTENCES = [
    "A gorgeous, witty, seductive movie.",
    "The plot is dull and the acting is worse.",
    "It's not a great film, but it is fun.",
    "A beautiful, moving and funny story.",
    "Boring, stupid and far too long.",
    "The cast is wonderful; the script is a mess.",
]


@pytest.fixture(scope="module")
def vectorizer():
    layer = keras.layers.TextVectorization(max_tokens=40, output_sequence_length=12)
    layer.adapt(SENTENCES)
    return layer


def stepper_model(kind, vocabulary_size, seed=0):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input(shape=(None,), dtype="int64"),
            keras.layers.Embedding(vocabulary_size, 6, mask_zero=True),
            getattr(keras.layers, kind)(5),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    rng = np.random.default_rng(seed)  # larger weights than Keras's start: a real test
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    return model


# ------------------------------------------------------------ recurrent layers in NumPy


@pytest.mark.parametrize("kind", lesson.RECURRENT_KINDS)
def test_recurrent_states_equal_keras_return_sequences(kind):
    rng = np.random.default_rng(1)
    layer = getattr(keras.layers, kind)(5, return_sequences=True)
    inputs = rng.normal(size=(1, 9, 3)).astype("float32")
    layer.build(inputs.shape)
    layer.set_weights([rng.normal(size=w.shape).astype("float32") for w in layer.get_weights()])
    expected = np.asarray(layer(inputs))[0]
    states = lesson.recurrent_states(kind, layer.get_weights(), inputs[0])
    assert states.shape == (9, 5)
    np.testing.assert_allclose(states, expected, atol=1e-5)


def test_sigmoid():
    assert lesson.sigmoid(0.0) == 0.5
    np.testing.assert_allclose(lesson.sigmoid(np.array([-50.0, 50.0])), [0.0, 1.0], atol=1e-12)


# ------------------------------------------------------------ nearest words


def test_nearest_words_orders_by_cosine_and_skips_special_tokens():
    vocabulary = ["", "[UNK]", "good", "great", "bad", "fine"]
    embeddings = np.array([[1, 0], [1, 0.01], [1, 0], [0.9, 0.1], [-1, 0], [0.5, 0.5]], dtype=float)
    neighbours = lesson.nearest_words(embeddings, vocabulary, "good", count=3)
    assert [word for word, _ in neighbours] == ["great", "fine", "bad"]
    assert neighbours[0][1] == pytest.approx(0.9 / np.hypot(0.9, 0.1))
    assert neighbours[-1][1] == pytest.approx(-1.0)
    assert len(lesson.nearest_words(embeddings, vocabulary, "bad", count=10)) == 3


# ------------------------------------------------------------ sentence stepper


@pytest.mark.parametrize("kind", lesson.RECURRENT_KINDS)
def test_sentence_steps_end_where_keras_ends(kind, vectorizer):
    vocabulary = vectorizer.get_vocabulary()
    model = stepper_model(kind, len(vocabulary))
    ids = np.asarray(vectorizer([SENTENCES[2]]))[0]
    result = lesson.sentence_steps(model, ids, vocabulary, 3)
    words = SENTENCES[2].lower().translate(str.maketrans("", "", string.punctuation)).split()
    assert result["words"] == words and result["step"] == 3 and result["kind"] == kind
    assert result["states"].shape == (len(words), 5)
    keras_p = float(model.predict(ids[None], verbose=0)[0, 0])
    assert result["probabilities"][-1] == pytest.approx(keras_p, abs=1e-5)
    # after k words the model answers what it answers for the first k words alone
    keras_p3 = float(model.predict(ids[None, :3], verbose=0)[0, 0])
    assert result["probabilities"][2] == pytest.approx(keras_p3, abs=1e-5)
    assert lesson.sentence_steps(model, ids, vocabulary, 99)["step"] == len(words)


def test_draw_sentence_steps_shows_the_states_read_so_far(vectorizer):
    vocabulary = vectorizer.get_vocabulary()
    model = stepper_model("GRU", len(vocabulary))
    result = lesson.sentence_steps(model, np.asarray(vectorizer([SENTENCES[0]]))[0], vocabulary, 2)
    fig = lesson.draw_sentence_steps(result)
    assert isinstance(fig, Figure)
    heat = fig.axes[0].images[0].get_array()
    assert heat.shape == (5, 5)  # units x words
    assert np.ma.count(heat[:, :2]) == 10 and np.all(np.isnan(heat.data[:, 2:]))
    assert "after 2/5 words, 'gorgeous'" in fig.axes[0].get_title()
    assert [t.get_text() for t in fig.axes[1].texts] == result["words"]


def test_sentence_stepper_widget_headless_and_fast(vectorizer):
    vocabulary = vectorizer.get_vocabulary()
    model = stepper_model("LSTM", len(vocabulary))
    widget = lesson.sentence_stepper(model, vectorizer, SENTENCES[:3])
    assert widget.result["words"][0] == "a" and widget.result["step"] == 5
    widget.controls["step"].value = 2
    assert widget.result["step"] == 2
    times = []
    for text in ["a dull and boring mess", "zzz qqq", "", "!!!"]:
        start = time.process_time()
        widget.controls["sentence"].value = text
        times.append(time.process_time() - start)
    assert widget.result["words"] == ["[UNK]"]  # nothing readable: one unknown word
    assert widget.controls["step"].max == 1  # the slider never runs past the sentence's end
    widget.controls["sentence"].value = "zzz qqq"
    assert widget.result["words"] == ["[UNK]", "[UNK]"]
    assert widget.controls["step"].max == 2 and widget.result["step"] == 1
    widget.controls["sentence"].value = "a dull and boring mess"
    assert widget.controls["step"].max == 5
    widget.controls["step"].value = 5
    assert widget.result["step"] == 5
    assert np.median(times) < 0.3, times


# ------------------------------------------------------------ exercise 1: vectorize


def test_reference_vectorize_is_what_the_layer_does(vectorizer):
    vocabulary = vectorizer.get_vocabulary()
    for sentence in [*lesson.VECTORIZE_TRIALS, *SENTENCES]:
        want = np.asarray(vectorizer([sentence]))[0]
        got = lesson._reference_vectorize(sentence, vocabulary, 12)
        assert got == want.tolist(), sentence


def good_vectorize(vectorizer):
    index = {word: i for i, word in enumerate(vectorizer.get_vocabulary())}

    def vectorize(sentence):
        words = sentence.lower().translate(str.maketrans("", "", string.punctuation)).split()
        ids = [index.get(word, 1) for word in words][:12]
        return np.array(ids + [0] * (12 - len(ids)))

    return vectorize


def test_exercise_vectorize_passes_the_solution_and_rejects_a_blank(vectorizer, capsys):
    assert lesson.exercise_vectorize(good_vectorize(vectorizer), vectorizer)
    assert "PASS" in capsys.readouterr().out
    assert not lesson.exercise_vectorize(lambda sentence: None, vectorizer)
    assert "forget `return`" in capsys.readouterr().out
    assert not lesson.exercise_vectorize(None, vectorizer)
    assert not lesson.exercise_vectorize(lambda s: 1 / 0, vectorizer)
    assert "ZeroDivisionError" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        ("case", "lower-cases"),
        ("punctuation", "string.punctuation"),
        ("unknown as padding", "index 1, [UNK]"),
        ("off by one", "one too large"),
        ("no padding", "pad short sentences"),
        ("padding in front", "zeros go after the words"),
    ],
)
def test_exercise_vectorize_names_each_mistake(vectorizer, capsys, mistake, hint):
    vocabulary = vectorizer.get_vocabulary()

    def wrong(sentence):
        return lesson._reference_vectorize(sentence, vocabulary, 12, mistake)

    assert not lesson.exercise_vectorize(wrong, vectorizer)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out
    assert "[" + ", ".join(map(str, lesson._reference_vectorize("a", vocabulary, 12))) not in out


def test_exercise_vectorize_gives_a_general_hint_for_other_errors(vectorizer, capsys):
    assert not lesson.exercise_vectorize(lambda s: np.arange(12), vectorizer)
    assert "position 0" in capsys.readouterr().out
    assert not lesson.exercise_vectorize(lambda s: "text", vectorizer)
    assert "whole numbers" in capsys.readouterr().out


# ------------------------------------------------------------ exercise 2: GRU step


def good_gru_step(x, h, kernel, recurrent_kernel, bias):
    return lesson._gru_step(x, h, kernel, recurrent_kernel, bias)


def test_exercise_gru_step_passes_the_solution_and_rejects_a_blank(capsys):
    assert lesson.exercise_gru_step(good_gru_step)
    assert "PASS" in capsys.readouterr().out
    assert not lesson.exercise_gru_step(lambda *args: None)
    assert "forget `return`" in capsys.readouterr().out
    assert not lesson.exercise_gru_step(None)
    assert not lesson.exercise_gru_step(lambda x, h, k, u, b: np.zeros((2, 1)))
    assert "shape" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("variant", "hint"),
    [
        ("reset before", "reset_after=True"),
        ("update swapped", "keeps the OLD state"),
        ("gates swapped", "in order, the update gate z"),
        ("no reset", "use the reset gate"),
        ("no recurrent bias", "bias[1] with the previous state"),
    ],
)
def test_exercise_gru_step_names_each_mistake(capsys, variant, hint):
    def wrong(x, h, kernel, recurrent_kernel, bias):
        return lesson._gru_step(x, h, kernel, recurrent_kernel, bias, variant=variant)

    assert not lesson.exercise_gru_step(wrong)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out


def test_exercise_gru_step_wrong_activation_gets_the_numbers(capsys):
    def hard_sigmoid_step(x, h, kernel, recurrent_kernel, bias):
        x_z, x_r, x_h = np.split(x @ kernel + bias[0], 3, axis=-1)
        h_z, h_r, h_h = np.split(h @ recurrent_kernel + bias[1], 3, axis=-1)
        z, r = np.clip(0.2 * (x_z + h_z) + 0.5, 0, 1), np.clip(0.2 * (x_r + h_r) + 0.5, 0, 1)
        return z * h + (1 - z) * np.tanh(x_h + r * h_h)

    assert not lesson.exercise_gru_step(hard_sigmoid_step)
    assert "is off: at element" in capsys.readouterr().out


# ------------------------------------------------------------ bad input


@pytest.fixture(scope="module")
def parts(vectorizer):
    vocabulary = vectorizer.get_vocabulary()
    model = stepper_model("GRU", len(vocabulary))
    return {
        "vectorizer": vectorizer,
        "vocabulary": vocabulary,
        "model": model,
        "weights": model.layers[1].get_weights(),
        "ids": np.asarray(vectorizer([SENTENCES[0]]))[0],
        "dense": keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)]),
    }


BAD_CALLS = {
    "sigmoid of text": (lambda p: lesson.sigmoid("0.5"), "array of numbers"),
    "sigmoid of NaN": (lambda p: lesson.sigmoid([np.nan]), "finite"),
    "unknown kind": (
        lambda p: lesson.recurrent_states("RNN", p["weights"], np.zeros((3, 6))),
        "kind must be one of",
    ),
    "two weights": (
        lambda p: lesson.recurrent_states("GRU", p["weights"][:2], np.zeros((3, 6))),
        "recurrent_kernel",
    ),
    "weights of another kind": (
        lambda p: lesson.recurrent_states("LSTM", p["weights"], np.zeros((3, 6))),
        "do not fit",
    ),
    "inputs of wrong width": (
        lambda p: lesson.recurrent_states("GRU", p["weights"], np.zeros((3, 4))),
        r"shape \(steps, 6\)",
    ),
    "NaN inputs": (
        lambda p: lesson.recurrent_states("GRU", p["weights"], np.full((3, 6), np.nan)),
        "finite",
    ),
    "embeddings and vocabulary differ": (
        lambda p: lesson.nearest_words(np.zeros((3, 2)), ["", "[UNK]"], "a"),
        "one embedding row",
    ),
    "vocabulary as text": (
        lambda p: lesson.nearest_words(np.zeros((3, 2)), "abc", "a"),
        "list of words",
    ),
    "unknown word": (
        lambda p: lesson.nearest_words(np.ones((3, 2)), ["", "[UNK]", "a"], "b"),
        "not in the",
    ),
    "count 0": (
        lambda p: lesson.nearest_words(np.ones((3, 2)), ["", "[UNK]", "a"], "a", 0),
        "count",
    ),
    "not a recurrent model": (
        lambda p: lesson.sentence_steps(p["dense"], p["ids"], p["vocabulary"], 1),
        "expected 3 layers",
    ),
    "float token ids": (
        lambda p: lesson.sentence_steps(p["model"], p["ids"].astype(float), p["vocabulary"], 1),
        "token ids",
    ),
    "only padding": (
        lambda p: lesson.sentence_steps(p["model"], np.zeros(5, int), p["vocabulary"], 1),
        "no words",
    ),
    "another vocabulary": (
        lambda p: lesson.sentence_steps(p["model"], p["ids"], p["vocabulary"][:5], 1),
        "vectorizer the model",
    ),
    "step 0": (lambda p: lesson.sentence_steps(p["model"], p["ids"], p["vocabulary"], 0), "step"),
    "draw something else": (
        lambda p: lesson.draw_sentence_steps({"words": []}),
        "sentence_steps returns",
    ),
    "vectorizer as text": (
        lambda p: lesson.sentence_stepper(p["model"], "vectorizer", SENTENCES),
        "TextVectorization",
    ),
    "one sentence as text": (
        lambda p: lesson.sentence_stepper(p["model"], p["vectorizer"], "a sentence"),
        "list of example",
    ),
    "no sentences": (
        lambda p: lesson.sentence_stepper(p["model"], p["vectorizer"], []),
        "list of example",
    ),
    "stepper on a dense model": (
        lambda p: lesson.sentence_stepper(p["dense"], p["vectorizer"], SENTENCES),
        "expected 3 layers",
    ),
    "check without the layer": (
        lambda p: lesson.exercise_vectorize(len, "layer"),
        "TextVectorization layer",
    ),
}


@pytest.mark.parametrize("case", BAD_CALLS)
def test_every_public_helper_rejects_bad_input_with_a_fix(parts, case):
    call, message = BAD_CALLS[case]
    with pytest.raises(ValueError, match=message):
        call(parts)
