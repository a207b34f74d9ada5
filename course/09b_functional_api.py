# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Keras in practice, part 2: the functional API
#
# **What you will learn**
#
# - the functional API: a layer is a function from tensors to tensors, and a `keras.Model` is
#   the graph from some input tensors to some output tensors;
# - a model with **two inputs** (a question's words and its length), a model with **two
#   outputs** (the coarse and the fine kind of a question, each with its own loss, mixed by
#   loss weights), a layer **shared** by two branches (a siamese network that tells whether
#   two questions ask for the same kind of answer) and a **model used as a layer**;
# - how to draw a model's graph with `keras.utils.plot_model`;
# - saving and loading a whole model in the `.keras` format, and what *safe mode* refuses
#   when loading (a `Lambda` layer) and why.
#
# **What you need**: part 1 of this lesson (`09a_keras_workflow`: the problem types, their
# losses and the workflow) and lesson 08a (`TextVectorization`, `Embedding`, the 1D convnet
# and the TREC questions). It runs in about two minutes and a half on a laptop CPU. Drawing graphs
# needs Graphviz (Debian/Ubuntu: `apt-get install graphviz`; the course's `pydot` is in
# requirements.txt); without it, `plot_model` prints a message and we print
# `model.summary()` instead.

# %%
import tempfile
import zipfile
from pathlib import Path

import keras
import numpy as np
import pandas as pd
import tensorflow as tf

from helpers import checks, plotting, progress, sequence_data
from helpers.lessons import functional_api as lesson

plotting.use_course_style()
SEED = 0
keras.utils.set_random_seed(SEED)  # same weights, same batches, same numbers on every run
tf.config.experimental.enable_op_determinism()  # and the same sums in Conv1D's gradients
WORK_DIR = Path(tempfile.mkdtemp(prefix="lesson09b_"))  # pictures and saved models go here

SEQUENCE_LENGTH = 24  # words per question: 99% of them have at most 23
EMBEDDING_SIZE = 32
FILTERS = 64  # of the 1D convnet that reads a question, as in lesson 08a
# Settings that cost time. On a GPU try EPOCHS = 20 and more loss weights.
EPOCHS = 6
LEARNING_RATE = 3e-3  # of Adam
BATCH_SIZE = 64
COARSE_WEIGHTS = [0.0, 0.1, 0.5, 0.9, 1.0]  # multi-output runs; fine weight = 1 - w
PAIRS_PER_QUESTION = 4  # question pairs for the siamese network, 17,204 in all
PAIR_BATCH_SIZE = 128

# %% [markdown] tags=["notes"]
# Say: this lesson leaves Sequential behind: with the functional API a layer is a function on
# tensors, so a model can have two inputs, two outputs, shared layers, and even contain another
# model; it ends with saving a model and what safe mode refuses to load. It runs in about 2 minutes
# of CPU. Ask the room: "What does Sequential not let us build?" (expected answer: anything that is
# not a chain: several inputs or outputs, branches, a layer used twice).

# %% [markdown]
# ## 1. Layers are functions on tensors
#
# `keras.Sequential` stacks layers in one line: one input, one output. The **functional API**
# writes the same thing as function calls. `keras.Input` makes a *symbolic* tensor: no
# numbers yet, only a shape and a dtype (`None` stands for the batch size). Calling a layer on
# it returns a new symbolic tensor, and `keras.Model(inputs, outputs)` collects every layer
# on the way from the inputs to the outputs.

# %%
inputs = keras.Input(shape=(SEQUENCE_LENGTH,), dtype="int64", name="tokens")
embedded = keras.layers.Embedding(1000, EMBEDDING_SIZE)(inputs)
features = keras.layers.GlobalAveragePooling1D()(embedded)
outputs = keras.layers.Dense(6, activation="softmax")(features)
print(inputs, embedded, features, outputs, sep="\n")
functional = keras.Model(inputs, outputs, name="functional")
sequential = keras.Sequential(
    [
        keras.Input(shape=(SEQUENCE_LENGTH,), dtype="int64"),
        keras.layers.Embedding(1000, EMBEDDING_SIZE),
        keras.layers.GlobalAveragePooling1D(),
        keras.layers.Dense(6, activation="softmax"),
    ],
    name="sequential",
)
sequential.set_weights(functional.get_weights())  # same layers, same shapes: weights fit
some_tokens = np.random.default_rng(SEED).integers(0, 1000, size=(5, SEQUENCE_LENGTH))
checks.expect_equal(
    "parameters: functional = Sequential", functional.count_params(), sequential.count_params()
)
checks.expect_close(
    "same weights, same predictions",
    functional.predict(some_tokens, verbose=0),
    sequential.predict(some_tokens, verbose=0),
)

# %% [markdown]
# The two models are the same network: a `Sequential` model is the special case of a chain.
# The functional API can also branch and merge: several inputs, several outputs, a layer
# used in two places. A layer is an ordinary function too: called on real numbers, it
# computes at once.

# %%
dense = keras.layers.Dense(2, kernel_initializer="ones")
print("on real numbers:", dense(np.array([[1.0, 2.0, 3.0]])).numpy())
print("on a symbolic tensor:", dense(keras.Input(shape=(3,))))

# %% [markdown]
# ## 2. Questions with two kinds of labels
#
# The TREC questions of lesson 08a (Li and Roth, 2002) have two labels each: one of 6
# **coarse** kinds of answer (`HUM`: a person or a group) and one of 50 **fine** ones inside
# it (`HUM:ind`, an individual; `HUM:gr`, a group; `HUM:title` ...). We also keep each
# question's length in words, for a second input.

# %%
(train_texts, coarse_train, fine_train), (test_texts, coarse_test, fine_test) = (
    sequence_data.load_trec_questions(fine_labels=True)
)
coarse_classes, fine_classes = sequence_data.TREC_CLASSES, sequence_data.trec_fine_classes()
vectorizer = keras.layers.TextVectorization(output_sequence_length=SEQUENCE_LENGTH)
vectorizer.adapt(train_texts)  # the vocabulary of the training questions only
vocabulary_size = vectorizer.vocabulary_size()
x_train, x_test = vectorizer(train_texts).numpy(), vectorizer(test_texts).numpy()
length_train = np.array([[len(text.split())] for text in train_texts], dtype="float32")
length_test = np.array([[len(text.split())] for text in test_texts], dtype="float32")
for i in range(4):
    print(f"{fine_classes[fine_train[i]]:>15} | {length_train[i, 0]:2.0f} words | {train_texts[i]}")
fine_to_coarse = np.array([coarse_classes.index(name.split(":")[0]) for name in fine_classes])
checks.expect_equal("questions (train, test)", (len(x_train), len(x_test)), (4301, 1075))
checks.expect_equal("fine classes", len(fine_classes), 50)
checks.expect_equal(
    "every fine label lies inside its coarse one", fine_to_coarse[fine_train], coarse_train
)

# %% [markdown]
# ## 3. Two inputs: the words and the length
#
# Does a question's length tell anything its words do not? In the training questions,
# those asking for a description have 8.9 words on average, those about people 11.2. The
# convnet of lesson 08a keeps each filter's best match (global max pooling), and a
# maximum does not grow with the length of the text, so the length is not easily in its
# features. We build the same reader twice: once alone, once with the length as a second
# input, standardized by a `Normalization` layer (adapted on the training questions) and
# joined to the convnet's 64 features by `Concatenate`. The reader is a Python function that
# calls layers, so every call makes fresh layers with their own weights.


# %%
def read_question(tokens):
    embedded = keras.layers.Embedding(vocabulary_size, EMBEDDING_SIZE)(tokens)
    windows = keras.layers.Conv1D(FILTERS, 3, activation="relu")(embedded)
    return keras.layers.Dropout(0.5)(keras.layers.GlobalMaxPooling1D()(windows))


def train(model, x, y, x_val, y_val, batch_size=BATCH_SIZE, show=True):
    curves = [progress.LearningCurves(["loss", "accuracy"], title=model.name)] if show else []
    return model.fit(
        x, y, epochs=EPOCHS, batch_size=batch_size, validation_data=(x_val, y_val), verbose=0,
        callbacks=curves,
    )  # fmt: skip


keras.utils.set_random_seed(SEED)
tokens = keras.Input(shape=(SEQUENCE_LENGTH,), dtype="int64", name="tokens")
words_only = keras.Model(
    tokens, keras.layers.Dense(6, activation="softmax")(read_question(tokens)), name="words_only"
)
keras.utils.set_random_seed(SEED)
tokens = keras.Input(shape=(SEQUENCE_LENGTH,), dtype="int64", name="tokens")
length = keras.Input(shape=(1,), name="length")
length_scaler = keras.layers.Normalization(name="standardize_length")
length_scaler.adapt(length_train)
joined = keras.layers.Concatenate(name="words_and_length")(
    [read_question(tokens), length_scaler(length)]
)
outputs = keras.layers.Dense(6, activation="softmax", name="coarse")(joined)
two_inputs = keras.Model([tokens, length], outputs, name="words_and_length")
accuracy = {}
for model, x, x_val in [
    (words_only, x_train, x_test),
    (two_inputs, [x_train, length_train], [x_test, length_test]),
]:
    model.compile(
        optimizer=keras.optimizers.Adam(LEARNING_RATE),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    history = train(model, x, coarse_train, x_val, coarse_test)
    accuracy[model.name] = history.history["val_accuracy"][-1]
print({name: f"{value:.3f}" for name, value in accuracy.items()})

# %% [markdown]
# A list of inputs goes in the order of `keras.Model([tokens, length], ...)`; a dict
# `{"tokens": ..., "length": ...}` by the inputs' names works too. As in lesson 08a, the test
# questions serve as `fit`'s validation data only to be watched; `EPOCHS` was set by the
# time budget, not tuned on them.
#
# Here is the graph, drawn by `keras.utils.plot_model` (with `show_shapes=True`, each box
# shows its input and output shapes): two inputs, two branches, one merge.

# %%
picture = keras.utils.plot_model(
    two_inputs, to_file=WORK_DIR / "two_inputs.png", show_shapes=True, show_layer_names=True, dpi=60
)
if picture is None:  # no Graphviz: the same graph as text
    two_inputs.summary()
picture

# %%
gain = accuracy["words_and_length"] - accuracy["words_only"]
probabilities = two_inputs.predict([x_test, length_test], verbose=0)
longer = two_inputs.predict([x_test, length_test + 5], verbose=0)
changed = np.mean(probabilities.argmax(axis=1) != longer.argmax(axis=1))
checks.expect_at_least("words only: test accuracy", accuracy["words_only"], 0.8)
checks.expect_between("accuracy gained by adding the length", gain, -0.03, 0.03)
checks.expect_at_least("share of answers changed by 5 more words", changed, 0.002)

# %% [markdown]
# The model does use its second input: tell it that every test question is 5 words longer
# and 1-2% of its answers change. But it gains nothing from it: both models get
# 0.84-0.86 over the seeds we tried (0 to 4), and the length moved the accuracy by less
# than one point, up or down. The words already say what the length says. A second input
# that does not help is a common outcome, and the reason to measure against the model
# without it.

# %% [markdown] tags=["notes"]
# Say: the second input, the question's length, is really used, since telling the model every
# question is 5 words longer changes 1-2% of its answers, but it gains nothing in accuracy: the
# words already say what the length says. Ask the room before the check: "Questions asking for a
# description average 8.9 words, those about people 11.2; will adding the length raise the
# accuracy?" (expected answer: no, it moved the accuracy by less than one point, up or down).
# Measuring against the model without the extra input is the point.

# %% [markdown]
# ## 4. Two outputs: the coarse and the fine kind
#
# One reader, two **heads**: a softmax over the 6 coarse kinds and a softmax over the 50
# fine ones. Each output has its own loss; `fit` minimizes their weighted sum,
#
# $$ \text{loss} = w_\text{coarse} \cdot \text{loss}_\text{coarse}
#    + w_\text{fine} \cdot \text{loss}_\text{fine}, $$
#
# with the **loss weights** given to `compile`. Naming the outputs (`name="coarse"`) lets us
# pass losses, weights, metrics and labels as dicts by name. How should the two heads
# share the reader? We train the same model with `COARSE_WEIGHTS`: $w_\text{coarse}$ from 0
# (only the fine head learns) to 1 (only the coarse head), and $w_\text{fine} = 1 -
# w_\text{coarse}$.


# %%
def two_heads(name):
    tokens = keras.Input(shape=(SEQUENCE_LENGTH,), dtype="int64", name="tokens")
    features = read_question(tokens)
    return keras.Model(
        tokens,
        {
            "coarse": keras.layers.Dense(6, activation="softmax", name="coarse")(features),
            "fine": keras.layers.Dense(50, activation="softmax", name="fine")(features),
        },
        name=name,
    )


runs = {}  # coarse weight -> validation accuracy of each head after every epoch
for weight in progress.bar(COARSE_WEIGHTS, "loss weights"):
    keras.utils.set_random_seed(SEED)
    model = two_heads(f"two_heads_{weight}")
    model.compile(
        optimizer=keras.optimizers.Adam(LEARNING_RATE),
        loss={
            "coarse": "sparse_categorical_crossentropy",
            "fine": "sparse_categorical_crossentropy",
        },
        loss_weights={"coarse": weight, "fine": 1 - weight},
        metrics={"coarse": ["accuracy"], "fine": ["accuracy"]},
    )
    history = train(
        model, x_train, {"coarse": coarse_train, "fine": fine_train},
        x_test, {"coarse": coarse_test, "fine": fine_test}, show=False,
    )  # fmt: skip
    runs[weight] = {head: history.history[f"val_{head}_accuracy"] for head in ("coarse", "fine")}
    if weight == 0.5:
        balanced = model
final = {w: {head: acc[-1] for head, acc in run.items()} for w, run in runs.items()}
pd.DataFrame(final).rename_axis("coarse loss weight", axis=1).round(3)  # test accuracy

# %%
keras.utils.plot_model(
    balanced, to_file=WORK_DIR / "two_heads.png", show_shapes=True, show_layer_names=True, dpi=60
)

# %% [markdown]
# With equal weights (0.5), how often do the heads agree, that is, is the fine answer
# inside the coarse one?

# %%
predicted = balanced.predict(x_test, verbose=0)
coarse_answer = predicted["coarse"].argmax(axis=1)
fine_answer = predicted["fine"].argmax(axis=1)
agree = np.mean(fine_to_coarse[fine_answer] == coarse_answer)
print(f"the heads agree on {agree:.1%} of the test questions")
untrained_gap = {  # the trained head's accuracy minus the untrained one's
    "coarse": final[1.0]["coarse"] - final[0.0]["coarse"],
    "fine": final[0.0]["fine"] - final[1.0]["fine"],
}
for head, gap in untrained_gap.items():
    checks.expect_at_least(f"{head} head: trained - untrained (weight 0)", gap, 0.3)
checks.expect_at_least("coarse head at weight 0.1", final[0.1]["coarse"], 0.75)
checks.expect_at_least("coarse head at weight 0.5", final[0.5]["coarse"], 0.8)
checks.expect_at_least("fine head at weight 0.5", final[0.5]["fine"], 0.6)
fine_loss = final[0.0]["fine"] - final[0.9]["fine"]
checks.expect_at_least("fine head: weight 1 - weight 0.1 (coarse 0.9)", fine_loss, 0.05)
checks.expect_at_least("the heads agree at weight 0.5", agree, 0.85)

# %% [markdown]
# What the numbers say (seeds 0 to 4; the checks above assert what held in all of them):
#
# - **A head with loss weight 0 never learns**: its weights stay random and it answers at
#   the level of guessing.
# - **One model does both jobs nearly as well as two**: at equal weights the coarse head
#   gets 0.84-0.85 (0.84-0.85 alone, at weight 1) and the fine head 0.65-0.67 (0.68-0.70
#   alone, at weight 0), from one reader trained once.
# - **The weights do not act symmetrically**: a coarse weight of 0.1 still gives a coarse
#   head of 0.79-0.83, but a fine weight of 0.1 drops the fine head to 0.56-0.58. With
#   Adam, each parameter's step is divided by the size of its own recent gradients, so
#   scaling a head's loss by 0.1 hardly slows that head's own `Dense` layer; what the
#   weights decide is what the *shared* reader learns. Features learned for the 50 fine
#   kinds serve the 6 coarse ones well (each fine kind lies inside one coarse kind), but
#   the coarse task does not need the finer distinctions, so it does not teach them.
# - The heads are not forced to agree (each learns from its own labels), yet the fine
#   answer lies inside the coarse answer for 91-93% of the test questions.

# %% [markdown]
# ## 5. Explore: loss weights
#
# Move the slider over the coarse head's loss weight (the fine head's is 1 minus it): left,
# each head's test accuracy after the last epoch against the weight; right, the selected
# run's accuracies epoch by epoch. Every run is one from section 4.
#
# Things to try: how small may a head's weight be before its accuracy drops? Is the best
# coarse accuracy at weight 1?

# %%
lesson.loss_weight_explorer(runs)

# %% [markdown] tags=["notes"]
# Show: the loss-weight slider, from the coarse head's weight 0 to 1 (the fine head gets 1 minus
# it). Ask the room first: "What happens to a head whose loss weight is 0?" (expected answer: it
# never learns; its weights stay random and it answers at the level of guessing). Then ask how small
# a head's weight may be before its accuracy drops, and whether the best coarse accuracy is at
# weight 1. Remind them of the result: at equal weights one model does both jobs nearly as well as
# two.

# %% [markdown]
# ## 6. Shared layers: are two questions of the same kind?
#
# A **siamese** network reads two inputs with the *same* layers. Here: two questions in, the
# probability that they ask for the same coarse kind of answer out. One `question_encoder`
# turns a question into 32 numbers; the two encodings are compared elementwise (their
# absolute difference and their product, both symmetric in the two questions), and a
# sigmoid unit decides. The encoder is a `keras.Model` of its own, used as a layer, twice:
# its weights are one set, and both branches train them.

# %%
keras.utils.set_random_seed(SEED)
tokens = keras.Input(shape=(SEQUENCE_LENGTH,), dtype="int64", name="tokens")
encoding = keras.layers.Dense(32, activation="relu")(read_question(tokens))
encoder = keras.Model(tokens, encoding, name="question_encoder")
first = keras.Input(shape=(SEQUENCE_LENGTH,), dtype="int64", name="first_question")
second = keras.Input(shape=(SEQUENCE_LENGTH,), dtype="int64", name="second_question")
encoded = [encoder(first), encoder(second)]  # one encoder, called twice
compared = keras.layers.Concatenate()(
    [keras.ops.abs(keras.layers.Subtract()(encoded)), keras.layers.Multiply()(encoded)]
)
same = keras.layers.Dense(1, activation="sigmoid", name="same_kind")(compared)
siamese = keras.Model([first, second], same, name="siamese")
print(f"encoder {encoder.count_params():,} parameters, siamese {siamese.count_params():,}")
keras.utils.plot_model(
    siamese, to_file=WORK_DIR / "siamese.png", show_shapes=True, show_layer_names=True, dpi=60
)

# %% [markdown]
# In the picture the encoder is one box with both inputs going into it, and the siamese
# model has its parameters once, plus the 65 of the last unit (64 weights and a bias).
# Pairs for training: each training question with `PAIRS_PER_QUESTION` = 4 partners, half
# of the same coarse kind and half of another (`lesson.make_pairs`), so guessing gets 50%;
# for testing, each test question with one partner from the test questions.

# %%
train_pairs = lesson.make_pairs(coarse_train, PAIRS_PER_QUESTION, seed=SEED)
test_pairs = lesson.make_pairs(coarse_test, 1, seed=SEED)
pair_x_train = [x_train[train_pairs["first"]], x_train[train_pairs["second"]]]
pair_x_test = [x_test[test_pairs["first"]], x_test[test_pairs["second"]]]
siamese.compile(
    optimizer=keras.optimizers.Adam(LEARNING_RATE), loss="binary_crossentropy", metrics=["accuracy"]
)
history = train(
    siamese, pair_x_train, train_pairs["same"], pair_x_test, test_pairs["same"], PAIR_BATCH_SIZE
)
pair_accuracy = history.history["val_accuracy"][-1]
forwards = siamese.predict(pair_x_test, verbose=0)
backwards = siamese.predict(pair_x_test[::-1], verbose=0)  # the same pairs, swapped
checks.expect_equal(
    "parameters: siamese = encoder + last unit",
    siamese.count_params(),
    encoder.count_params() + 65,
)
checks.expect_close("same answer for (a, b) and (b, a)", forwards, backwards, atol=1e-6)
checks.expect_at_least("same kind or not: test pair accuracy", pair_accuracy, 0.7)
# the same question asked of the two-head model of section 4: are its coarse answers equal?
implied = coarse_answer[test_pairs["first"]] == coarse_answer[test_pairs["second"]]
implied_accuracy = np.mean(implied == test_pairs["same"])
print(f"pairs right: siamese {pair_accuracy:.3f}, two-head model {implied_accuracy:.3f}")

# %% [markdown]
# About three pairs in four right (0.75-0.79 over the seeds we tried) from labels that say
# only "same" or "different"; the learning curves show it overfitting after two epochs
# (the pairs recombine the same 4,301 questions, and it learns them by heart). Asked the
# same pairs, the two-head model of section 4, trained on the kinds themselves, gets more
# right (0.81-0.84 in the seeds we tried), by comparing its two coarse answers. A siamese
# network pays off where the classes cannot be listed in advance: it learns a *similarity*,
# so it can compare two faces, signatures or questions of kinds it never saw in training.

# %% [markdown]
# ## 7. A model used as a layer: from raw text to an answer
#
# So far the models take token ids, and `vectorizer` runs outside them. A model is a layer,
# so a new model can call the vectorizer and the trained two-head model in turn, taking
# plain strings: no code outside the model is needed to use it, which is what one ships.

# %%
text = keras.Input(shape=(1,), dtype="string", name="question")
answers = balanced(vectorizer(text))  # a trained model, called like a layer
reader = keras.Model(text, answers, name="question_reader")
questions = [
    "Who wrote the novel Moby Dick ?",
    "How far is the Moon from the Earth ?",
    "What does NASA stand for ?",
    "Why is the sky blue ?",
]
raw = reader.predict(tf.constant([[q] for q in questions]), verbose=0)
for question, coarse, fine in zip(questions, raw["coarse"], raw["fine"], strict=True):
    print(f"{coarse_classes[coarse.argmax()]:>5} {fine_classes[fine.argmax()]:>15} | {question}")
checks.expect_close(
    "reader on strings = two-head model on token ids",
    reader.predict(tf.constant([[t] for t in test_texts[:100]]), verbose=0)["fine"],
    predicted["fine"][:100],
    atol=1e-6,
)

# %% [markdown]
# Are the answers right? Judge for yourself, and try your own questions (in the tokenized
# style of the data set, with a space before the question mark). The fine head is right
# about two times in three; the 50 kinds are fine indeed, e.g. `NUM:dist` for distances
# and `NUM:period` for durations.

# %% [markdown] tags=["notes"]
# Say: a siamese network reads two questions with the same encoder, a model used as a layer twice,
# and learns a similarity from labels that say only same or different; it got about three pairs in
# four right. Then a model can wrap the vectorizer and the trained two-head model, so that it takes
# plain strings. Ask the room: "The two-head model answers the same pairs better; when is the
# siamese network worth it?" (expected answer: when the classes cannot be listed in advance, such as
# faces or signatures never seen in training).

# %% [markdown]
# ## 8. Saving and loading a whole model
#
# `model.save("name.keras")` writes one file: a zip archive with the architecture (JSON),
# the weights (HDF5) and the vocabulary of the `TextVectorization` layer.
# `keras.models.load_model` rebuilds the model from it, ready to predict or to train on.

# %%
path = WORK_DIR / "question_reader.keras"
reader.save(path)
with zipfile.ZipFile(path) as archive:
    print({item.filename: item.file_size for item in archive.infolist()})
loaded = keras.models.load_model(path)
checks.expect_close(
    "loaded model = saved model",
    loaded.predict(tf.constant([[q] for q in questions]), verbose=0)["fine"],
    raw["fine"],
)

# %% [markdown]
# ### Safe mode
#
# A `Lambda` layer wraps any Python function, e.g. `Lambda(lambda n: keras.ops.log(n))` to
# take the log of the length. Keras cannot describe a Python function in JSON, so it stores
# its compiled bytecode; loading it means running code that came with the file, and a file
# from someone else could run anything on your computer. So `load_model` refuses it:
# **safe mode** is on by default.

# %%
length = keras.Input(shape=(1,), name="length")
log_length = keras.layers.Lambda(lambda n: keras.ops.log(n), output_shape=(1,))(length)
with_lambda = keras.Model(length, keras.layers.Dense(1)(log_length))
with_lambda.save(WORK_DIR / "with_lambda.keras")
try:
    keras.models.load_model(WORK_DIR / "with_lambda.keras")
    refused = False
except ValueError as error:
    refused = True
    print("ValueError:", str(error)[:210], "...")
checks.expect_equal("safe mode refused the Lambda layer", refused, True)

# %%
with zipfile.ZipFile(WORK_DIR / "with_lambda.keras") as archive:
    config = archive.read("config.json").decode()
print("the function, as stored:", config[config.index('"function"') :][:150], "...")

# %% [markdown]
# For a file you made yourself, `load_model(path, safe_mode=False)` loads it. The better
# way is not to need it: the same computation with `keras.ops.log(length)` directly on the
# symbolic tensor (stored by name, like our siamese model's `keras.ops.abs`), or a layer
# class of your own registered with `@keras.saving.register_keras_serializable()`, whose
# code lives in your program, not in the file.

# %% [markdown] tags=["notes"]
# Say: model.save writes one .keras file with the architecture, the weights and the vectorizer's
# vocabulary. A Lambda layer stores compiled Python bytecode, so load_model refuses it by default:
# that is safe mode. Ask the room: "Why should loading a model file not be allowed to run code?"
# (expected answer: a file from someone else could run anything on your computer; prefer keras.ops
# on the symbolic tensor or a registered layer class whose code lives in your program).

# %% [markdown]
# ## Summary
#
# - In the functional API a layer is a function on symbolic tensors, and
#   `keras.Model(inputs, outputs)` is the graph between them; `Sequential` is the special
#   case of a chain. `keras.utils.plot_model` draws the graph.
# - Several inputs: one `keras.Input` each, merged with a layer such as `Concatenate`. The
#   question's length, as a second input, changed some answers but not the accuracy
#   (0.84-0.86 either way): measure what an input adds.
# - Several outputs: one head each, a loss per output and `loss_weights` to mix them, all
#   by the outputs' names. One reader with two heads did both jobs nearly as well as two
#   models; the weights decide what the shared layers learn.
# - A layer or a model called twice is one set of weights: the siamese encoder read both
#   questions and judged three pairs in four right. A trained model is a layer of a new
#   model, e.g. one that takes raw text.
# - `model.save("x.keras")` stores architecture, weights and vocabularies in one file;
#   `keras.models.load_model` refuses a `Lambda` layer's stored bytecode unless
#   `safe_mode=False`, because loading it would run code from the file.

# %% [markdown]
# ## Exercises
#
# Each exercise has a cell for your code, a self-check that says PASS or gives a hint, and a
# hidden solution cell below it (click to expand; running it shows the check passing).

# %% [markdown]
# ### Exercise 1: a two-input model
#
# Write `build_two_input_model(vocabulary_size, num_classes)`: a functional model with two
# inputs, in this order, the token ids (`keras.Input(shape=(SEQUENCE_LENGTH,),
# dtype="int64")`) and the length (`keras.Input(shape=(1,))`); the tokens go through an
# `Embedding` of 16 numbers per word and `GlobalAveragePooling1D`; the result is joined with
# the length by `Concatenate`, and a `Dense` softmax layer gives `num_classes`
# probabilities. The check builds it for a few sizes and feeds it questions (no training).


# %% tags=["exercise"]
def build_two_input_model(vocabulary_size, num_classes):
    return None  # YOUR CODE HERE


lesson.exercise_two_input_model(build_two_input_model, SEQUENCE_LENGTH)


# %% tags=["solution"]
def build_two_input_model(vocabulary_size, num_classes):
    tokens = keras.Input(shape=(SEQUENCE_LENGTH,), dtype="int64")
    length = keras.Input(shape=(1,))
    words = keras.layers.GlobalAveragePooling1D()(
        keras.layers.Embedding(vocabulary_size, 16)(tokens)
    )
    joined = keras.layers.Concatenate()([words, length])
    outputs = keras.layers.Dense(num_classes, activation="softmax")(joined)
    return keras.Model([tokens, length], outputs)


lesson.exercise_two_input_model(build_two_input_model, SEQUENCE_LENGTH)

# %% [markdown]
# ### Exercise 2: compile two heads
#
# Write `compile_two_heads(model, fine_weight)`: compile a model with the outputs `"coarse"`
# and `"fine"` (like `two_heads` of section 4) with `Adam(LEARNING_RATE)`, sparse categorical
# cross-entropy for both heads, a loss weight of 1 for the coarse head and `fine_weight` for
# the fine one, and accuracy as each head's metric. The check evaluates your compiled model
# on a few questions and compares its losses with ones computed by hand.


# %% tags=["exercise"]
def compile_two_heads(model, fine_weight):
    pass  # YOUR CODE HERE


lesson.exercise_compile_two_heads(
    compile_two_heads, two_heads, x_test[:64], coarse_test[:64], fine_test[:64]
)


# %% tags=["solution"]
def compile_two_heads(model, fine_weight):
    model.compile(
        optimizer=keras.optimizers.Adam(LEARNING_RATE),
        loss={
            "coarse": "sparse_categorical_crossentropy",
            "fine": "sparse_categorical_crossentropy",
        },
        loss_weights={"coarse": 1.0, "fine": fine_weight},
        metrics={"coarse": ["accuracy"], "fine": ["accuracy"]},
    )


lesson.exercise_compile_two_heads(
    compile_two_heads, two_heads, x_test[:64], coarse_test[:64], fine_test[:64]
)
