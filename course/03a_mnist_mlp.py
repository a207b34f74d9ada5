# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Multilayer perceptrons on MNIST
#
# **What you will learn**
#
# - two ways to give Keras the labels, one-hot or as integers, and the loss that goes with each;
# - why we carve a *validation set* out of the training images, compare networks on it, and
#   touch the test set only once, at the end;
# - how to build, train and evaluate a *multilayer perceptron* (a stack of `Dense` layers) in
#   Keras 3, and where each of its 669,706 parameters comes from;
# - what dropout does, and what the lecture's network with 18 times the parameters does here
#   (measured: accuracy and seconds, next to the numbers printed in the lecture), and what
#   that comparison cannot tell you;
# - how to see *where* a classifier errs: learning curves, a confusion matrix, the most
#   confused pairs of digits and the mistakes themselves;
# - which last-layer activation and which loss to use for five kinds of problems;
# - what a dense network cannot do: recognize a digit moved by a few pixels.
#
# **What you need**: lesson 00 (tensors, Keras basics, MNIST), lesson 01 (activation
# functions, softmax) and lesson 02 (backpropagation, one-hot labels). The lesson runs in
# one to two minutes on a laptop CPU; most of it is training. Lesson 03b continues with
# three experiments on the same data: width alone, a bottleneck, and shuffled labels.
#
# **The lecture.** This lesson follows the 2021 lecture notebook this course draws on,
# *Uczenie maszynowe zastosowania. 11. Wielowarstwowe sieci neuronowe i algorytmy
# optymalizacji* (Polish: applied machine learning, 11: multilayer neural networks and
# optimization algorithms), written for Keras 2. We rebuild its three MNIST networks in
# Keras 3. Below, "the lecture" always means that notebook, and its accuracies and seconds per
# epoch are the outputs printed in it, measured on its author's machine.

# %%
import itertools
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import tensorflow as tf

from helpers import checks, datasets, plotting, progress
from helpers.lessons import mnist_mlp as lesson

plotting.use_course_style()
SEED = 3
keras.utils.set_random_seed(SEED)  # same weights, same batches, same numbers on every run

# Settings that cost time. On a GPU try DEEP_EPOCHS = 10, the lecture's run of the deep network.
BATCH_SIZE = 128  # images per gradient step, as in the lecture
EPOCHS = 5  # passes over all 50,000 training images for the two 512-512 networks
DEEP_TRAIN_SAMPLES = 50_000  # the deep tanh network trains on the first N training images...
DEEP_EPOCHS = 1  # ... for this many epochs (the lecture: all 60,000 images for 10 epochs)

# %% [markdown] tags=["notes"]
# Say: this lesson trains the lecture's multilayer perceptron in Keras 3 and then asks what its
# parts buy: dropout, and a network 18 times larger. It runs in about a minute and a half of CPU,
# the longest of the first lessons, so run it before class. Ask the room: "Guessing gives 10% on
# MNIST; what accuracy do you expect from two hidden layers of 512 units after five epochs?"
# (expected answer: about 98%, the lecture's result, reproduced here).

# %% [markdown]
# ## 1. The data: 70,000 handwritten digits
#
# The MNIST digits of lesson 00: 60,000 training and 10,000 test images of 28 x 28 bytes
# (0 black to 255 white ink), the test digits written by other people than the training ones.

# %%
(x_train, y_train), (x_test, y_test) = datasets.load_mnist()
print("images", x_train.shape, x_test.shape, x_train.dtype, x_train.min(), "to", x_train.max())
plotting.show_images(x_train[:20], labels=[f"label {d}" for d in y_train[:20]], ncols=10)

# %% [markdown]
# New here: the ten classes are about equally common, so accuracy (the fraction of digits
# classified correctly) is a fair single measure; guessing gives 10%.

# %%
counts = np.bincount(y_train, minlength=10)
print(pd.Series(counts, name="training images per digit").to_string())
checks.expect_between("rarest / commonest digit", counts.min() / counts.max(), 0.75, 1.0)

# %% [markdown]
# ## 2. Preparing the data
#
# As in lessons 00 and 02: each image becomes one row of $28 \cdot 28 = 784$ numbers (a
# `Dense` layer takes a vector per example), scaled to `float32` values in $[0, 1]$: black
# 0 to white 1, with all 256 gray levels of the bytes kept.

# %%
x_train = x_train.reshape(-1, 28 * 28).astype("float32") / 255
x_test = x_test.reshape(-1, 28 * 28).astype("float32") / 255
checks.expect_equal("shape of the training matrix", x_train.shape, (60_000, 784))
for name, x in [("training", x_train), ("test", x_test)]:
    checks.expect_equal(f"{name} pixels: dtype", str(x.dtype), "float32")
    checks.expect_equal(f"{name} pixels: min and max", [float(x.min()), float(x.max())], [0, 1])
checks.expect_equal("gray levels in the first 1,000 images", np.unique(x_train[:1000]).size, 256)

# %% [markdown]
# ### A validation set, and the test set kept for the end
#
# We are about to compare networks (with and without dropout, small and large) and choose one.
# If we compared them on the test set, the test score of the winner would be chosen *by* the
# test set and come out optimistic: it would no longer measure digits the whole process had
# never seen. So, as Chollet's *Deep Learning with Python* and Géron's *Hands-On Machine
# Learning* do, we keep the last 10,000 training images apart as a **validation set**: every
# curve, comparison and error analysis below uses it. The test set is used once, in the last
# section, for the network we chose. (The lecture trained on all 60,000 and watched the test
# set; our networks see 50,000 images, so their numbers are close to, not equal to, its own.)

# %%
(x_train, x_val), (y_train, y_val) = np.split(x_train, [50_000]), np.split(y_train, [50_000])
val_counts = np.bincount(y_val, minlength=10)
print(f"training {len(x_train):,}, validation {len(x_val):,}, test {len(x_test):,} images")
checks.expect_between(
    "validation: rarest / commonest", val_counts.min() / val_counts.max(), 0.75, 1
)

# %% [markdown]
# ### Labels: one-hot or integers
#
# Lesson 02 wrote each label as a **one-hot** vector, a 1 at the true digit and 0 elsewhere,
# with `keras.utils.to_categorical`. It returns `float64`; we keep `float32`, like the weights.

# %%
num_classes = 10
y_train_onehot = keras.utils.to_categorical(y_train, num_classes).astype("float32")
y_val_onehot = keras.utils.to_categorical(y_val, num_classes).astype("float32")
y_test_onehot = keras.utils.to_categorical(y_test, num_classes).astype("float32")
print(y_train[:3], "->\n", y_train_onehot[:3].astype(int))
checks.expect_equal("argmax of one-hot gives back the labels", y_train_onehot.argmax(1), y_train)
checks.expect_equal("bytes per integer label (uint8)", y_train.itemsize, 1)
checks.expect_equal("bytes per one-hot label (10 x float32)", y_train_onehot[0].nbytes, 40)

# %% [markdown]
# New here: a one-hot label takes 40 bytes (10 `float32` numbers of 4 bytes; 80 as `float64`)
# against 1 byte for the integer, and carries no more information. The alternative keeps the
# integer labels and uses a loss that reads them directly:
#
# | labels | shape | loss |
# |---|---|---|
# | one-hot | `(n, 10)` | `categorical_crossentropy` |
# | integers 0-9 | `(n,)` | `sparse_categorical_crossentropy` |
#
# Both compute the same number, $-\log(\text{probability given to the true class})$, averaged
# over the examples. Checked on three made-up predictions:

# %%
labels = np.array([0, 3, 9])
labels_onehot = keras.utils.to_categorical(labels, num_classes)
predictions = keras.activations.softmax(np.random.default_rng(SEED).normal(size=(3, 10))).numpy()
one_hot_loss = keras.losses.categorical_crossentropy(labels_onehot, predictions)
sparse_loss = keras.losses.sparse_categorical_crossentropy(labels, predictions)
by_hand = -np.log(predictions[np.arange(3), labels])
print("one-hot:", np.round(one_hot_loss, 4), " sparse:", np.round(sparse_loss, 4))
checks.expect_close("categorical vs sparse cross-entropy", one_hot_loss, sparse_loss)
checks.expect_close("sparse cross-entropy vs -log p(true class)", sparse_loss, by_hand)

# %% [markdown]
# ## 3. A multilayer perceptron
#
# The network from the lecture: two hidden layers of 512 ReLU units, each followed by dropout
# with rate 0.2, and an output layer of 10 softmax units. "Multilayer perceptron" (MLP) is the
# traditional name for such a stack of fully connected layers.

# %%
keras.utils.set_random_seed(SEED)
model = keras.Sequential(
    [
        keras.Input(shape=(784,)),
        keras.layers.Dense(512, activation="relu"),
        keras.layers.Dropout(0.2),
        keras.layers.Dense(512, activation="relu"),
        keras.layers.Dropout(0.2),
        keras.layers.Dense(num_classes, activation="softmax"),
    ],
    name="mlp_512_512_dropout",
)
model.summary()

# %% [markdown]
# A `Dense` layer from $n_{in}$ to $n_{out}$ units has an $n_{in} \times n_{out}$ weight matrix
# (the *kernel*) and $n_{out}$ biases. Dropout has no parameters. So the count is
# $(784 \cdot 512 + 512) + (512 \cdot 512 + 512) + (512 \cdot 10 + 10)$:

# %%
by_formula = (784 * 512 + 512) + (512 * 512 + 512) + (512 * 10 + 10)
checks.expect_equal("parameters of the 512-512 network", model.count_params(), 669_706)
checks.expect_equal("parameters by the formula", by_formula, model.count_params())

# %% [markdown]
# ### Dropout
#
# During training, a `Dropout(0.2)` layer sets each of its inputs to zero with probability
# 0.2, a fresh random choice for every example and every step, and multiplies the survivors by
# $1/0.8$ so that the average signal stays the same. No unit can rely on one particular other
# unit being there, which discourages the network from memorizing the training images. When
# the network is used (`training=False`, what `predict` and `evaluate` do) dropout does
# nothing.

# %%
dropout = keras.layers.Dropout(0.2, seed=SEED)
ones = np.ones((1, 10_000), dtype="float32")
while_training = dropout(ones, training=True).numpy()
print("values while training:", np.unique(while_training), " when used:", np.unique(dropout(ones)))
checks.expect_between("fraction dropped while training", np.mean(while_training == 0), 0.18, 0.22)
checks.expect_between("mean signal while training", while_training.mean(), 0.97, 1.03)

# %% [markdown]
# ### Training
#
# `compile` chooses the loss (cross-entropy on one-hot labels), the optimizer (RMSprop with its
# default learning rate 0.001, lesson 05a explains it) and a metric to report. `fit` runs
# mini-batch gradient descent: batches of 128 images, 391 steps per epoch of 50,000 images. A small callback
# times every training step, and `progress.LearningCurves` draws the learning curves live,
# after each epoch (for a single epoch, Keras's own step-by-step progress bar shows instead).
# We will train three networks exactly this way, so the two calls go in a function.
#
# `fit` evaluates the **validation set** after every epoch (`validation_data`); the dashed
# learning curves below are measured on it. The test set plays no part in training or in
# choosing.


# %%
class StepTimer(keras.callbacks.Callback):
    # wall-clock seconds of every training step. Keras reads each step's loss before it calls
    # on_train_batch_end, so the step has really finished (on a GPU too).

    def on_train_begin(self, logs=None):
        self.step_seconds = []

    def on_train_batch_begin(self, batch, logs=None):
        self.start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.step_seconds.append(time.perf_counter() - self.start)


def compile_and_fit(network, images, labels, epochs):
    network.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    step_timer = StepTimer()
    live = [progress.LearningCurves(["loss", "accuracy"], title=network.name)] if epochs > 1 else []
    fit_history = network.fit(
        images, labels, batch_size=BATCH_SIZE, epochs=epochs, verbose=0 if live else 1,
        validation_data=(x_val, y_val_onehot), callbacks=[step_timer, *live],
    )  # fmt: skip
    return fit_history, step_timer


history, timer = compile_and_fit(model, x_train, y_train_onehot, EPOCHS)

# %%
val_loss, val_accuracy = model.evaluate(x_val, y_val_onehot, verbose=0)
print(f"validation loss {val_loss:.4f}, accuracy {val_accuracy:.4f} (the lecture, test: 0.9795)")
checks.expect_at_least("512-512 with dropout: validation accuracy", val_accuracy, 0.97)

# %% [markdown]
# About 98 in 100 validation digits right after five passes over the data, as the lecture
# had on its test set. The learning curves show how it got there: solid lines are measured
# on the training batches during the epoch (with dropout active), dashed lines on the
# validation set at the end of each epoch.

# %%
plotting.plot_history(history, ["loss", "accuracy"], title="512-512 with dropout")

# %% [markdown] tags=["notes"]
# Say: the parameter count is plain arithmetic: each Dense layer has an inputs-by-outputs kernel
# plus one bias per unit, and dropout has none, which gives 669,706. Dropout silences a random fifth
# of the units at every training step and scales the rest up, so no unit can rely on another one; at
# prediction time it does nothing. Ask the room: "Does dropout change what predict returns for the
# same image twice?" (expected answer: no, dropout is only active while training).

# %% [markdown]
# ## 4. The same network without dropout
#
# Same layers, same initial random seed, same training; only the two `Dropout` layers are gone.

# %%
keras.utils.set_random_seed(SEED)
model_no_dropout = keras.Sequential(
    [
        keras.Input(shape=(784,)),
        keras.layers.Dense(512, activation="relu"),
        keras.layers.Dense(512, activation="relu"),
        keras.layers.Dense(num_classes, activation="softmax"),
    ],
    name="mlp_512_512",
)
history_no_dropout, timer_no_dropout = compile_and_fit(
    model_no_dropout, x_train, y_train_onehot, EPOCHS
)
val_accuracy_no_dropout = model_no_dropout.evaluate(x_val, y_val_onehot, verbose=0)[1]
print(f"validation accuracy {val_accuracy_no_dropout:.4f} (the lecture, test: 0.9812)")
checks.expect_at_least("512-512 without dropout: val. accuracy", val_accuracy_no_dropout, 0.97)
runs_by_dropout = {"dropout": history, "no dropout": history_no_dropout}
plotting.plot_history(runs_by_dropout, ["loss", "accuracy"], title="with and without dropout")

# %% [markdown]
# In the lecture the network *without* dropout scored a little higher (0.9812 against 0.9795,
# on its test set). That difference is 17 digits out of 10,000. On our validation set, over
# seeds 3, 4 and 5, we measured 0.9777 to 0.9788 with dropout and 0.9747 to 0.9770 without:
# here dropout came out ahead, by 0.1 to 0.4 points. Differences this small flip with the
# data and the seed; five epochs are too few for dropout to clearly pay off in accuracy.
#
# Where the two differ is the loss. Training accuracy without dropout climbs above 99% in the
# last epoch while the validation loss stops improving: it does worse on images it has not
# seen, while both networks fit the training images about equally well. A gap between training
# and validation loss is the mark of *overfitting* (lessons 06a and 06b are about it). We measure both
# networks the same way, with dropout off, on the first 10,000 training images and on the
# validation set:

# %%
both_sets = [(x_train[:10_000], y_train_onehot[:10_000]), (x_val, y_val_onehot)]
measured = {}
for name, network in [("dropout", model), ("no dropout", model_no_dropout)]:
    measured[name] = np.ravel([network.evaluate(x, y, verbose=0) for x, y in both_sets])
columns = ["training loss", "training accuracy", "validation loss", "validation accuracy"]
measured = pd.DataFrame(measured, index=columns).T
print(measured.round(4).to_string())

# %%
epoch_5_accuracy = history_no_dropout.history["accuracy"][-1]
checks.expect_at_least("no dropout: training accuracy, last epoch", epoch_5_accuracy, 0.985)
fit_difference = abs(measured["training accuracy"].diff().iloc[-1])
checks.expect_at_most("training accuracy: |dropout - no dropout|", fit_difference, 0.005)
gaps = measured["validation loss"] - measured["training loss"]
checks.expect_at_least("loss gap without dropout / with dropout", gaps.iloc[1] / gaps.iloc[0], 1.1)

# %% [markdown]
# Both networks classify their training images about equally well (within half a point of
# accuracy); the one without dropout does worse, in loss, on the images it has not seen. Over
# seeds 3 to 5 its loss gap was 1.18 to 1.25 times that of the network with dropout.
# Lesson 06 trains for longer, where such gaps grow, and compares the remedies (dropout among
# them).

# %% [markdown] tags=["notes"]
# Say: without dropout the validation accuracy changes by a few tenths of a point in five epochs;
# the clearer difference is in the loss, where the gap between training and validation loss was
# 1.18 to 1.25 times larger over three seeds. Ask the room: "The training accuracy is above 99% while the
# validation loss stops improving: what is that called?" (expected answer: overfitting, the subject of
# lesson 06a).

# %% [markdown]
# ## 5. Bigger: a deep tanh network with 12 million parameters
#
# The lecture's third network has five hidden layers of 2500, 2000, 1500, 1000 and 500 tanh
# units: 18 times the parameters of the 512-512 network. There it took about 134 seconds per
# epoch (the median of its ten) and reached 0.9718 after 10 epochs, about 22 minutes of
# training.
#
# That is far beyond this lesson's budget, so here it trains for **one epoch
# (`DEEP_EPOCHS = 1`) on all 50,000 training images (`DEEP_TRAIN_SAMPLES = 50_000`)**: 391
# steps, about the first of the lecture's ten epochs. After that first epoch the lecture's network
# scored 0.8638 on the test set. Ours is as erratic: over seeds 3, 4, 5 we measured validation
# accuracies of 0.886, 0.867 and 0.891, and 0.845 for seed 3 on a CPU limited to AVX
# instructions, where the arithmetic is ordered differently.

# %%
keras.utils.set_random_seed(SEED)
deep_model = keras.Sequential(
    [keras.Input(shape=(784,))]
    + [keras.layers.Dense(units, activation="tanh") for units in (2500, 2000, 1500, 1000, 500)]
    + [keras.layers.Dense(num_classes, activation="softmax")],
    name="deep_tanh",
)
deep_model.summary()
checks.expect_equal("parameters of the deep tanh network", deep_model.count_params(), 11_972_510)

# %%
x_deep, y_deep = x_train[:DEEP_TRAIN_SAMPLES], y_train_onehot[:DEEP_TRAIN_SAMPLES]
history_deep, timer_deep = compile_and_fit(deep_model, x_deep, y_deep, DEEP_EPOCHS)
val_accuracy_deep = deep_model.evaluate(x_val, y_val_onehot, verbose=0)[1]
print(f"deep tanh network: validation accuracy {val_accuracy_deep:.4f}")

# %% [markdown]
# ### The three networks side by side
#
# Seconds per epoch here: the median training step, times the 391 steps of a full epoch. The
# first 20 steps of each network are left out (the very first includes tracing and compiling
# the step function), and the validation pass is not a training step, so a network trained
# for one epoch is timed as fairly as one trained for five. The lecture's seconds are the
# median of its epochs (all three networks trained on 60,000 images, for 5, 5 and 10 epochs),
# on its own machine: compare the *ratios* to the first row, not seconds across machines.


# %%
runs = {  # name: (History, StepTimer)
    "512-512, dropout 0.2": (history, timer),
    "512-512": (history_no_dropout, timer_no_dropout),
    "deep tanh": (history_deep, timer_deep),
}
step_seconds = {name: np.median(run[1].step_seconds[20:]) for name, run in runs.items()}
seconds_per_epoch = pd.Series(step_seconds) * np.ceil(len(x_train) / BATCH_SIZE)  # 391 steps
speed_ratio = seconds_per_epoch / seconds_per_epoch.iloc[0]
lecture_seconds = pd.Series([9, 8, 134], index=list(runs))  # medians of its epochs
results = pd.DataFrame(
    {
        "parameters": [network.count_params() for network in (model, model_no_dropout, deep_model)],
        "images x epochs": [f"50,000 x {EPOCHS}"] * 2 + [f"{DEEP_TRAIN_SAMPLES:,} x {DEEP_EPOCHS}"],
        "s / epoch here": seconds_per_epoch.round(1),
        "ratio here": speed_ratio.round(1),
        "validation accuracy": [val_accuracy, val_accuracy_no_dropout, val_accuracy_deep],
        "lecture: s / epoch": lecture_seconds,
        "lecture: ratio": (lecture_seconds / lecture_seconds.iloc[0]).round(1),
        "lecture: test accuracy": ["0.9795", "0.9812", "0.8638 after 1 epoch, 0.9718 after 10"],
    }
)
for name, seconds in seconds_per_epoch.items():  # timings are recorded for the benchmarks
    checks.record(f"{name}: seconds per epoch", seconds)
checks.record("deep tanh / 512-512 dropout: seconds per epoch ratio", speed_ratio.iloc[-1])
results.round(4)

# %% [markdown]
# Plotted against the time spent training (each epoch counted at the median step's pace), the
# story is plain:

# %%
fig, ax = plt.subplots(figsize=(7, 4))
for name, (run, step_timer) in runs.items():
    seconds = np.arange(1, len(run.epoch) + 1) * step_seconds[name] * step_timer.params["steps"]
    ax.plot(seconds, run.history["val_accuracy"], "-o", label=name)
ax.set(xlabel="seconds of training", ylabel="validation accuracy", title="accuracy for the time")
ax.legend()
plt.show()

# %%
checks.expect_at_least("deep tanh network: validation accuracy", val_accuracy_deep, 0.8)
first_epochs = history.history["val_accuracy"][0] - history_deep.history["val_accuracy"][0]
checks.expect_at_least("first epoch: 512-512 with dropout minus deep tanh", first_epochs, 0.02)
accuracy_lost = val_accuracy - val_accuracy_deep  # the deep network ends below, not above
checks.expect_at_least("512-512 dropout minus deep tanh: val. accuracy", accuracy_lost, 0.0)

# %% [markdown]
# **Bigger was not better here.** The deep network has 18 times the parameters and, on a CPU,
# each of its epochs costs many times as much (the table's ratio column; a GPU, which computes
# a wide layer's units in parallel, narrows the gap in time, not in accuracy). After its first
# epoch it trails the 512-512 network's first epoch by several points, and it ends below that
# network's five-epoch result. Is it merely slow to start? The lecture's full run answers that: after ten epochs,
# about 30 times the small network's training time, it still ended *below* the 512-512
# networks, 0.9718 against 0.9795.
#
# **What this comparison shows, and what it does not.** The deep network differs from the
# 512-512 one in many ways at once: five hidden layers instead of two, widths of 500 to 2500
# instead of 512, tanh instead of ReLU, no dropout, and one epoch instead of five, all with the
# same untuned RMSprop learning rate. It shows that *this* large network, trained this way,
# was slower and worse here and in the lecture. It does not show *why*, nor that size itself
# does not help: any of those differences could be the cause (tanh units saturate, lesson 01;
# the learning rate was never tuned for it; one epoch is little). Lesson 03b changes the width
# of the 512-512 network *alone* and measures what that does. What a dense network certainly
# lacks is any notion of which pixels are neighbours: it treats the 784 pixels as an unordered
# list (section 8 shows what that costs), which convolutional networks (lesson 07a) build in.

# %% [markdown] tags=["notes"]
# Say: the deep tanh network has 18 times the parameters, costs many times more per epoch, and still
# ends below the small network; in the lecture's full ten-epoch run it reached 0.9718 against
# 0.9795. Ask the room before showing the table: "Will the 12-million-parameter network beat the
# 669,706-parameter one after one epoch?" (expected answer: no, it trails it by several points).
# Then ask what the comparison changed besides size (depth, width, activation, dropout, epochs):
# it cannot tell us that size is the culprit; lesson 03b changes width alone.

# %% [markdown]
# ## 6. Where the network errs
#
# The accuracy is one number. The **confusion matrix** shows which digits are taken for which:
# row $i$, column $j$ counts the validation images of digit $i$ that the network called $j$. The
# diagonal holds the correct answers; the colours mark the off-diagonal errors.

# %%
probabilities = model.predict(x_val, verbose=0)
predicted = probabilities.argmax(axis=1)
confusion = tf.math.confusion_matrix(y_val, predicted, num_classes=num_classes).numpy()
checks.expect_equal("row sums = validation images of each digit", confusion.sum(axis=1), val_counts)
diagonal_share = np.trace(confusion) / len(x_val)
checks.expect_close("diagonal / all vs evaluate()", diagonal_share, val_accuracy, atol=1e-4)
plotting.plot_confusion_matrix(confusion, title="512-512 with dropout, 10,000 validation digits")

# %% [markdown]
# The most confused pairs, read off the matrix:

# %%
errors = confusion * (1 - np.eye(num_classes, dtype=int))
worst = np.argsort(errors, axis=None)[::-1][:6]
for true_digit, guess in zip(*np.unravel_index(worst, errors.shape), strict=True):
    print(f"{true_digit} taken for {guess}: {errors[true_digit, guess]} times")
print(f"{errors.sum()} mistakes in all")

# %% [markdown]
# ### The mistakes themselves
#
# The 30 mistakes the network was most sure about, with the probability it gave its wrong
# answer. Some are genuinely ambiguous or mislabelled; others are clear to us and show what the
# network has not learnt.

# %%
wrong = np.flatnonzero(predicted != y_val)
most_confident = wrong[np.argsort(probabilities[wrong].max(axis=1))[::-1]][:30]
captions = [f"{y_val[i]} -> {predicted[i]} ({probabilities[i].max():.2f})" for i in most_confident]
plotting.show_images(
    x_val[most_confident].reshape(-1, 28, 28),
    labels=captions,
    ncols=10,
    title="true -> predicted (probability of the prediction)",
)

# %% [markdown]
# Not every mistake is that confident. How often was the true digit the network's *second*
# choice? And the **closest call**: the mistake with the smallest *margin*, the difference
# between the two highest probabilities (the network's answer and its runner-up). It is shown
# with all ten probabilities, the true class in green and the wrong prediction in red:

# %%
second_choice = np.argsort(probabilities[wrong], axis=1)[:, -2]
share_second = np.mean(second_choice == y_val[wrong])
print(f"the true digit was the second choice in {share_second:.0%} of the {len(wrong)} mistakes")
checks.expect_at_least("mistakes where the true digit came second", share_second, 0.5)
top_two = np.sort(probabilities[wrong], axis=1)[:, -2:]  # runner-up, answer
margins = top_two[:, 1] - top_two[:, 0]
closest_call = wrong[np.argmin(margins)]
title = f"closest call: validation image #{closest_call}, margin {margins.min():.3f}"
plotting.plot_probabilities(
    probabilities[closest_call], true_label=int(y_val[closest_call]), title=title
)

# %% [markdown]
# ## 7. The last layer and the loss, by problem type
#
# The output layer and the loss are chosen together, by what the target is:
#
# | problem | target | last layer | loss |
# |---|---|---|---|
# | binary classification | 0 or 1 | `Dense(1, activation="sigmoid")` | `"binary_crossentropy"` |
# | multiclass, one label per example | one of $k$ classes | `Dense(k, activation="softmax")` | `"categorical_crossentropy"` (one-hot) or `"sparse_categorical_crossentropy"` (integers) |
# | multilabel: several yes/no labels per example | $k$ zeros and ones | `Dense(k, activation="sigmoid")` | `"binary_crossentropy"` |
# | regression to any value | a real number | `Dense(1)` (no activation) | `"mse"` (or `"mae"`) |
# | regression to values in $[0, 1]$ | a number in $[0, 1]$ | `Dense(1, activation="sigmoid")` | `"mse"` or `"binary_crossentropy"` |
#
# Sigmoid gives each output its own probability; softmax makes the outputs compete and sum to
# one. Each row, run for real on 2,000 training digits with targets taken from the digits
# themselves: *is it a zero?*; *which digit?*; *is it even, greater than 4, prime?* (several
# can be true at once); *how many bright pixels, in hundreds?*; *what share of the pixels is
# bright?*

# %%
x_few, digits_few = x_train[:2000], y_train[:2000]
bright_pixels = (x_few > 0.5).sum(axis=1)
targets = {
    "binary": (digits_few == 0).astype("float32"),
    "multiclass": y_train_onehot[:2000],
    "multilabel": np.stack(
        [digits_few % 2 == 0, digits_few > 4, np.isin(digits_few, [2, 3, 5, 7])], axis=1
    ).astype("float32"),
    "regression": bright_pixels / 100,
    "regression to [0, 1]": bright_pixels / 784,
}
heads = {
    "binary": (keras.layers.Dense(1, activation="sigmoid"), "binary_crossentropy"),
    "multiclass": (keras.layers.Dense(10, activation="softmax"), "categorical_crossentropy"),
    "multilabel": (keras.layers.Dense(3, activation="sigmoid"), "binary_crossentropy"),
    "regression": (keras.layers.Dense(1), "mse"),
    "regression to [0, 1]": (keras.layers.Dense(1, activation="sigmoid"), "mse"),
}
outputs = {}
for problem, (last_layer, loss) in progress.bar(heads.items(), "five problems"):
    keras.utils.set_random_seed(SEED)
    hidden = keras.layers.Dense(32, activation="relu")
    small = keras.Sequential([keras.Input(shape=(784,)), hidden, last_layer])
    small.compile(optimizer="rmsprop", loss=loss)
    small.fit(x_few, targets[problem], batch_size=BATCH_SIZE, epochs=3, verbose=0)
    outputs[problem] = output = small.predict(x_val[:500], verbose=0)
    print(f"{problem:21} {output.shape}, values from {output.min():.3f} to {output.max():.3f}")

# %%
checks.expect_close("multiclass: row sums", outputs["multiclass"].sum(1), np.ones(500), atol=1e-5)
checks.expect_at_least("multilabel: largest row sum", outputs["multilabel"].sum(1).max(), 1.5)
checks.expect_at_least("regression: largest output", outputs["regression"].max(), 1.0)

# %% [markdown]
# ## 8. Explore: noise and shifts
#
# Pick a validation digit (or only those the network gets wrong), then add noise or move it, and
# watch the probabilities. Each change runs the trained 512-512 network once on that image.
#
# Try: a clear digit with noise 0.2 (the network usually copes), then the same digit shifted
# 3 or 4 pixels to the right or down (it often does not). Then browse the misclassified
# digits: how sure was the network, and what was its second choice?

# %%
lesson.digit_explorer(model, x_val, y_val)

# %% [markdown]
# What the widget shows, measured on the first 1,000 validation digits: noise of 0.2 costs 2 to
# 4 points of accuracy (seeds 3 to 5: 1.9 to 3.9); after a shift of four pixels to the right,
# fewer than half of the digits are classified correctly (0.37 to 0.46). Each pixel has
# its own weights, so a digit drawn four pixels further right lights up inputs the network
# learnt different things about. People recognize the shifted digit just as well, and
# convolutional networks, which apply the same small filters at every position, are built to
# tolerate such shifts.

# %%
images = x_val[:1000].reshape(-1, 28, 28)
shifted = np.zeros_like(images)
shifted[:, :, 4:] = images[:, :, :-4]  # four pixels to the right, zeros coming in on the left
noise = 0.2 * np.random.default_rng(SEED).standard_normal(images.shape).astype("float32")
noisy = np.clip(images + noise, 0, 1)
accuracy_on = {}
for name, batch in [("original", images), ("noise 0.2", noisy), ("shifted 4 px", shifted)]:
    guesses = model.predict(batch.reshape(-1, 784), verbose=0).argmax(axis=1)
    accuracy_on[name] = np.mean(guesses == y_val[:1000])
print(pd.Series(accuracy_on, name="accuracy on 1,000 validation digits").round(3).to_string())
rows = np.concatenate([images[:6], noisy[:6], shifted[:6]])
plotting.show_images(rows, ncols=6, title="original, noise 0.2, shifted 4 pixels")

# %%
checks.expect_at_least("accuracy with noise 0.2", accuracy_on["noise 0.2"], 0.85)
noise_cost = accuracy_on["original"] - accuracy_on["noise 0.2"]
checks.expect_at_least("accuracy lost to noise 0.2", noise_cost, 0.01)
checks.expect_at_most("accuracy when shifted 4 pixels", accuracy_on["shifted 4 px"], 0.5)

# %% [markdown] tags=["notes"]
# Show: a clear digit with noise 0.2, which the network usually survives, then the same digit
# shifted 3 or 4 pixels right or down. Ask the room to predict first which hurts more, noise or a
# 4-pixel shift (expected answer: the shift; after four pixels to the right fewer than half of the
# first 1,000 validation digits are right, while noise 0.2 costs 2 to 4 points). Then browse the
# misclassified digits and their second choices; this sets up convolutional networks in lesson 07a.

# %% [markdown]
# ## 9. The test set, once
#
# Everything above was compared and inspected on the validation set; we chose the 512-512
# network with dropout (as good as the one without in accuracy, with the smaller loss gap).
# Now, and only now, it meets the 10,000 test digits, written by other people. This number is
# what we report; if we went back and changed the network because of it, it would become one
# more validation score and we would need fresh test data for an honest one.

# %%
test_loss, test_accuracy = model.evaluate(x_test, y_test_onehot, verbose=0)
print(f"test accuracy {test_accuracy:.4f} (validation {val_accuracy:.4f}; the lecture 0.9795)")
checks.expect_at_least("512-512 with dropout: test accuracy", test_accuracy, 0.97)

# %% [markdown]
# ## Summary
#
# - MNIST for a dense network: flatten to 784, convert to `float32`, divide by 255. Labels:
#   one-hot with `to_categorical` (40 bytes each as `float32`) and `categorical_crossentropy`,
#   or integers (1 byte) with `sparse_categorical_crossentropy`; the loss is the same number.
# - The lecture's multilayer perceptron (784-512-512-10, ReLU, dropout 0.2, softmax; 669,706
#   parameters) reaches the lecture's accuracy, about 98%, in five epochs of RMSprop.
# - Networks are compared on a validation set carved from the training data; the test set is
#   used once, at the end, for the chosen network, so that its score stays honest.
# - Dropout randomly silences units while training. In five epochs it did not change the
#   validation accuracy beyond seed-to-seed noise, but it kept the validation loss closer to
#   the training loss.
# - The lecture's deep tanh network, with 18 times the parameters, made each epoch many times
#   slower (on a CPU) and the result worse, here and in the lecture. It also changed depth,
#   activation, dropout and epochs, so it does not tell us what size alone does (lesson 03b).
# - The confusion matrix and the gallery of mistakes show which digits get confused, and how
#   sure the network was when it was wrong.
# - The output layer and the loss follow from the target: sigmoid + binary cross-entropy,
#   softmax + categorical cross-entropy, sigmoid per label for multilabel, no activation + MSE
#   for regression.
# - A dense network does not know that pixels have neighbours: after a shift of four pixels
#   it gets fewer than half of the digits right. Convolutional networks, which build shift
#   tolerance in, are the usual remedy.
#
# This run's numbers behind those points, from the sections above:

# %%
pairs = [f"{t} as {g}" for t, g in zip(*np.unravel_index(worst[:3], errors.shape), strict=True)]
print(f"validation accuracy {val_accuracy:.4f} with dropout, {val_accuracy_no_dropout:.4f} without")
print(f"val-minus-training loss gap, without / with dropout: {gaps.iloc[1] / gaps.iloc[0]:.1f}")
print(f"deep tanh: {val_accuracy_deep:.4f}; each epoch {speed_ratio.iloc[-1]:.1f} x as long")
print("most confused digits (true as predicted):", ", ".join(pairs))
print(f"accuracy on 1,000 validation digits shifted four pixels: {accuracy_on['shifted 4 px']:.3f}")
print(f"the chosen network on the test set, once: {test_accuracy:.4f}")

# %% [markdown]
# ## Exercises
#
# Each exercise has a cell for your code, a self-check that says PASS or gives a hint, and a
# hidden solution cell below it (click to expand; running it shows the check passing).
#
# ### Exercise 1: count the parameters
#
# Write `count_parameters(layer_sizes)` that returns the number of parameters of a stack of
# `Dense` layers with the given sizes, input first: `count_parameters([784, 512, 512, 10])`
# must give 669,706. Use only arithmetic, no Keras.


# %% tags=["exercise"]
def count_parameters(layer_sizes):
    # YOUR CODE HERE
    raise NotImplementedError


lesson.exercise_count_parameters(count_parameters)


# %% tags=["solution"]
def count_parameters(layer_sizes):
    total = 0
    for n_in, n_out in itertools.pairwise(layer_sizes):  # (784, 512), (512, 512), (512, 10)
        total += n_in * n_out + n_out  # the kernel and the biases of one Dense layer
    return total


lesson.exercise_count_parameters(count_parameters)

# %% [markdown]
# ### Exercise 2: one hidden layer is enough for 97%
#
# Build a network with **one** hidden `Dense` layer and a `Dense(10, activation="softmax")`
# output, train it on the training set for **at most 3 epochs**, and keep the `History` that
# `fit` returns. The check measures its accuracy on the validation set (it trains nothing itself):
# it must reach 0.97. Budget: a few seconds per epoch.

# %% tags=["exercise"]
one_layer_model = None  # YOUR CODE HERE: build, compile and fit
one_layer_history = None
lesson.exercise_one_hidden_layer(one_layer_model, one_layer_history, x_val, y_val)

# %% tags=["solution"]
keras.utils.set_random_seed(SEED)
one_layer_model = keras.Sequential(
    [
        keras.Input(shape=(784,)),
        keras.layers.Dense(512, activation="relu"),
        keras.layers.Dense(num_classes, activation="softmax"),
    ]
)
one_layer_model.compile(optimizer=keras.optimizers.RMSprop(), loss="categorical_crossentropy")
one_layer_history = one_layer_model.fit(
    x_train, y_train_onehot, batch_size=128, epochs=3, verbose=0,
    callbacks=[progress.LearningCurves(title="one hidden layer")],  # live curves, optional
)  # fmt: skip
lesson.exercise_one_hidden_layer(one_layer_model, one_layer_history, x_val, y_val)

# %% [markdown]
# ### Exercise 3: no one-hot labels
#
# Train a classifier on the **integer** labels `y_train` (no `to_categorical`), with the loss
# that reads them. Any hidden layers you like, but the network must output probabilities: its
# last layer `Dense(10, activation="softmax")`, or `Dense(10)` followed by
# `keras.layers.Activation("softmax")` (raw scores with `from_logits=True` do not pass the
# check). The requirement: **at least 0.95 validation accuracy**, with as many epochs as you like;
# the check sets no epoch limit, and two epochs on the 50,000 training images are enough.
# Pass the model, its `History`, `x_val` and the integer labels `y_val` to the check.

# %% tags=["exercise"]
sparse_model = None  # YOUR CODE HERE
sparse_history = None
lesson.exercise_sparse_labels(sparse_model, sparse_history, x_val, y_val)

# %% tags=["solution"]
keras.utils.set_random_seed(SEED)
sparse_model = keras.Sequential(
    [
        keras.Input(shape=(784,)),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(num_classes, activation="softmax"),
    ]
)
sparse_model.compile(optimizer=keras.optimizers.RMSprop(), loss="sparse_categorical_crossentropy")
sparse_history = sparse_model.fit(
    x_train, y_train, batch_size=128, epochs=2, verbose=0,
    callbacks=[progress.LearningCurves(title="integer labels")],  # live curves, optional
)  # fmt: skip
lesson.exercise_sparse_labels(sparse_model, sparse_history, x_val, y_val)
