# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Overfitting and how to fight it
#
# **What you will learn**
#
# - why we keep three separate data sets (training, validation, test), and what each is for;
# - what *overfitting* looks like: a large network on 1,000 handwritten digits, whose validation
#   loss turns up while its training loss keeps falling;
# - *K-fold cross-validation*: a fair estimate, with its spread, when data are scarce;
# - the remedies, each measured against the **same baseline**, one change at a time (all else,
#   data, seed, number of epochs and optimizer, stays as it was): more data, a smaller network,
#   L2 / L1 / L1+L2 weight penalties, dropout, batch normalization, early stopping with
#   checkpoints, and data augmentation;
# - what dropout and batch normalization do at training time and at inference time, in numbers;
# - which remedies paid off here, and by how much, in one closing table.
#
# **What you need**: lessons 00-05, in particular lesson 03 (training an MLP on MNIST with
# `fit`, reading its learning curves, dropout) and lesson 05 (optimizers and initial weights;
# we use RMSprop throughout). The lesson runs in about two minutes on a laptop CPU.

# %%
import os
import tempfile

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from keras import layers, regularizers

from helpers import checks, datasets, plotting, progress
from helpers.lessons import regularization as lesson

plotting.use_course_style()
SEED = 6
keras.utils.set_random_seed(SEED)  # same weights, same batches, same numbers on every run

# Settings that cost time. On a GPU try EPOCHS = 60: the curves get longer, the story stays.
TRAIN_SAMPLES = 1_000  # the small training set: this is what makes the network overfit
VALIDATION_SAMPLES = 2_000  # held out from MNIST's training images, used to compare models
EPOCHS = 25  # every model we compare trains for this many epochs
BATCH_SIZE = 64
K = 4  # folds in K-fold cross-validation
K_FOLD_EPOCHS = 8  # epochs for each of the K models

# %% [markdown] tags=["notes"]
# Say: this lesson makes overfitting visible on purpose, with lesson 03's large network on only
# 1,000 digits, and then measures each remedy against that one baseline: more data, a smaller
# network, weight penalties, dropout, batch normalization, early stopping and augmentation. It runs
# in about a minute and a half of CPU. Ask the room: "Why do we need a validation set and a test
# set, not just one?" (expected answer: we choose models by the validation score, so it is no longer
# an honest measure; the test set is looked at once, at the end).

# %% [markdown]
# ## 1. Three data sets
#
# A model is only useful on data it has never seen, so that is where we measure it:
#
# - the **training set** is what `fit` learns from;
# - the **validation set** is what *we* learn from: we compare models, choose the number of
#   epochs, the size of the network or the strength of a penalty by their validation scores;
# - the **test set** is used once, at the end, for the number we report.
#
# Why not choose on the test set? Every decision taken by looking at a data set leaks a little
# information about it into the model. After dozens of choices the validation score flatters;
# the test set, untouched by our choices, stays honest. In this lesson every table and figure
# uses training and validation data only, until the closing section.
#
# MNIST comes with 60,000 training and 10,000 test images. To make overfitting easy to see we
# train on only `TRAIN_SAMPLES` of them and hold out `VALIDATION_SAMPLES` others for validation,
# both picked at random through one shuffled index, so that the two cannot overlap.

# %%
(x_pool, y_pool), (x_test, y_test) = datasets.load_mnist()
x_pool = x_pool.reshape(-1, 28 * 28).astype("float32") / 255
x_test = x_test.reshape(-1, 28 * 28).astype("float32") / 255

shuffled = np.random.default_rng(SEED).permutation(len(x_pool))
val_index = shuffled[:VALIDATION_SAMPLES]
train_index = shuffled[VALIDATION_SAMPLES : VALIDATION_SAMPLES + TRAIN_SAMPLES]
x_train, y_train = x_pool[train_index], y_pool[train_index]
x_val, y_val = x_pool[val_index], y_pool[val_index]
print(f"training {x_train.shape}, validation {x_val.shape}, test {x_test.shape}")

# %% [markdown]
# ## 2. Overfitting made visible
#
# The **baseline**: two hidden layers of 512 ReLU units (lesson 03's network), about 670,000
# weights for 1,000 images. Every model in this lesson gets the same 784 inputs and 10 softmax
# outputs from `network(...)`, and is compiled and trained by the same function `train`, so
# that the only difference between two runs is the remedy.
#
# Besides the loss we track the plain **cross-entropy** as a metric. For the baseline the two
# are equal; with a weight penalty Keras adds the penalty to the loss (section 6), and we want
# to compare like with like. While a model trains, its learning curves are drawn live below
# the cell (training: solid, validation: dashed); a loop of several runs shows a progress bar.


# %%
def network(*hidden):  # 784 pixels in, the given hidden layers, 10 class probabilities out
    output = layers.Dense(10, activation="softmax")
    return keras.Sequential([keras.Input(shape=(784,)), *hidden, output])


def baseline_network():
    keras.utils.set_random_seed(SEED)  # same starting weights whenever we build it
    return network(layers.Dense(512, activation="relu"), layers.Dense(512, activation="relu"))


def train(
    model, x=x_train, y=y_train, validation=(x_val, y_val), epochs=EPOCHS, callbacks=(), title=""
):
    # compile and fit `model` the same way for every experiment; return its history dict.
    # With a title, its learning curves are drawn live while it trains (this changes nothing)
    metrics = [keras.metrics.SparseCategoricalCrossentropy(name="crossentropy"), "accuracy"]
    model.compile(keras.optimizers.RMSprop(), "sparse_categorical_crossentropy", metrics=metrics)
    validate = dict(validation_data=validation, validation_batch_size=1000)  # large: faster
    live = [progress.LearningCurves(["crossentropy"], title, min_interval=5)] if title else []
    callbacks = [*callbacks, *live]
    history = model.fit(
        x, y, batch_size=BATCH_SIZE, epochs=epochs, callbacks=callbacks, verbose=0, **validate
    )
    return history.history


def compare(names, metrics=("crossentropy",)):
    return plotting.plot_history({n: histories[n] for n in names}, metrics, " vs ".join(names))


baseline = baseline_network()
histories = {"baseline": train(baseline, title="baseline")}
plotting.plot_history(histories["baseline"], ["crossentropy", "accuracy"], "baseline, 1,000 images")

# %% [markdown]
# The training loss falls towards zero: within a few epochs the network has memorized its
# 1,000 images. The validation loss falls for a few epochs, reaches its minimum, then **turns
# up**: the network keeps growing more confident, and where it is wrong on new digits it is now
# confidently wrong. That is overfitting: from here on, what it learns is particular to the
# training images, not true of digits in general. Validation *accuracy* hardly moves (by less
# than two points after the best epoch), but the loss also measures confidence, and it is what
# the remedies below are judged by.
#
# The validation curve is jagged: an epoch is only 16 steps here, and a single step that
# overshoots shows up as a spike. Read the trend, not the single epoch.

# %%
baseline_val = np.array(histories["baseline"]["val_crossentropy"])
best_epoch = int(np.argmin(baseline_val)) + 1
rise = np.median(baseline_val[-5:]) / baseline_val.min()  # the last 5 epochs, against the best
checks.expect_at_most("baseline: epoch of the best validation loss", best_epoch, EPOCHS // 2)
checks.expect_at_least("baseline: late / best validation loss", rise, 1.15)
last_train_loss = histories["baseline"]["crossentropy"][-1]
checks.expect_at_most("baseline: last training loss", last_train_loss, 0.01)
val_accuracy = np.array(histories["baseline"]["val_accuracy"])
drift = np.median(val_accuracy[-5:]) - val_accuracy[best_epoch - 1]
checks.expect_between("baseline: late minus best-epoch val accuracy", drift, -0.02, 0.02)

# %% [markdown]
# Each run is summarized by a few numbers: the **best validation cross-entropy** over the
# epochs and when it happened; the **late** validation cross-entropy, the median of the last
# five epochs (so that one jagged epoch does not decide); and the **gap** between validation
# and training cross-entropy of the final weights (both measured in inference mode with
# `evaluate`). `summarize` also keeps each model, so that the closing section can measure all
# of them on the test set, once.

# %%
results, models = {}, {}


def summarize(name, model):  # record the numbers we compare runs by (no test data), show them
    val_curve = histories[name]["val_crossentropy"]
    train_loss = model.evaluate(x_train, y_train, batch_size=1000, verbose=0)[1]
    val_loss = model.evaluate(x_val, y_val, batch_size=1000, verbose=0)[1]
    models[name] = model
    results[name] = {
        "best val loss": min(val_curve),
        "best epoch": int(np.argmin(val_curve)) + 1,
        "epochs run": len(val_curve),
        "late val loss": np.median(val_curve[-5:]),
        "gap val - train": val_loss - train_loss,
    }
    return pd.DataFrame([results[name]], index=[name]).round(4)


def change(name, column):  # how much a remedy changed one of the numbers, against the baseline
    return results[name][column] - results["baseline"][column]


summarize("baseline", baseline)

# %% [markdown] tags=["notes"]
# Say: the training loss falls towards zero while the validation loss reaches its minimum after a
# few epochs and turns up: the network grows confidently wrong on new digits. Validation accuracy
# hardly moves, which is why the remedies are judged by the validation loss. Ask the room: "If
# accuracy barely changes, why care that the validation loss rises?" (expected answer: the loss also
# measures confidence; the model is becoming confidently wrong on the digits it misses).

# %% [markdown]
# ## 3. K-fold cross-validation
#
# With only 1,000 labelled images, setting 2,000 more aside for validation is a luxury. And a
# small validation set gives a noisy score: whether 250 particular images are easy or hard can
# move the accuracy by a few points. **K-fold cross-validation** uses all the data for both
# jobs: split the training images into $K$ equal parts (folds), train $K$ models, each on $K-1$
# folds and validated on the remaining one (so every image is validated on exactly once), and
# average the $K$ scores. Their spread says how far to trust the average. The price: $K$
# trainings instead of one.

# %%
folds = np.array_split(np.arange(TRAIN_SAMPLES), K)  # the images are already in random order
fold_accuracy, fold_curves = [], []
for k in progress.bar(range(K), f"{K} folds"):
    rest = np.concatenate([fold for j, fold in enumerate(folds) if j != k])
    held_out = (x_train[folds[k]], y_train[folds[k]])
    fold_history = train(baseline_network(), x_train[rest], y_train[rest], held_out, K_FOLD_EPOCHS)
    fold_accuracy.append(fold_history["val_accuracy"][-1])
    fold_curves.append(fold_history["val_crossentropy"])

kfold_mean, kfold_std = np.mean(fold_accuracy), np.std(fold_accuracy, ddof=1)  # sample std
separate = histories["baseline"]["val_accuracy"][K_FOLD_EPOCHS - 1]
print(f"fold accuracies ({len(held_out[0])} images each):", np.round(fold_accuracy, 3))
print(f"{K}-fold: {kfold_mean:.3f} ± {kfold_std:.3f}; separate validation set: {separate:.3f}")

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(range(1, K_FOLD_EPOCHS + 1), np.transpose(fold_curves), color="grey", alpha=0.6)
ax.plot(range(1, K_FOLD_EPOCHS + 1), np.mean(fold_curves, axis=0), "-o", color="C1")
ax.set(xlabel="epoch", ylabel="validation cross-entropy", title=f"{K} folds (grey), their mean")
plt.show()

# %% [markdown]
# The folds disagree by several points of accuracy: 250 images are a noisy judge, and any one
# of them alone could have misled us. (The ± is the sample standard deviation of the $K$
# scores, `ddof=1`.) Their mean lands within a few points of what the separate 2,000-image
# validation set says, usually a little below it, because each K-fold model saw a quarter
# fewer images. The averaged curve can also choose the number of epochs with no data set
# aside: its minimum is the epoch to stop at. (When even that is too noisy, *iterated* K-fold
# repeats the whole procedure with differently shuffled folds and averages again.)

# %%
checks.expect_at_least("fold accuracies, best minus worst", np.ptp(fold_accuracy), 0.03)
checks.expect_between("K-fold mean minus separate accuracy", kfold_mean - separate, -0.08, 0.03)

# %% [markdown]
# ## 4. Remedy: more data
#
# The best cure for overfitting is more training data: the more examples, the less the quirks
# of any single one matter. Same network, same epochs, four times as many images (from the
# unused part of MNIST's training set, never from the validation images).

# %%
more_index = shuffled[VALIDATION_SAMPLES : VALIDATION_SAMPLES + 4 * TRAIN_SAMPLES]
more_data = baseline_network()
histories["4x data"] = train(more_data, x_pool[more_index], y_pool[more_index], title="4x data")
summarize("4x data", more_data)

# %% [markdown]
# More data usually cannot be had, or costs money. The rest of the lesson keeps the 1,000
# images and changes the *model* instead.
#
# ## 5. Remedy: a smaller network
#
# Fewer weights, less room to memorize. Here: 32 units per hidden layer instead of 512.

# %%
keras.utils.set_random_seed(SEED)
small = network(layers.Dense(32, activation="relu"), layers.Dense(32, activation="relu"))
histories["small network"] = train(small, title="small network")
summarize("small network", small)

# %%
compare(["baseline", "4x data", "small network"])

# %% [markdown]
# Four times the data lowers the validation curve. The small network overfits later and less:
# its best epoch comes several epochs later, and afterwards its validation loss rises by less
# than 10%, where the baseline's rose by 15% or more (section 2). But it also learns less, so
# its *best* validation loss is worse than the baseline's. Capacity is a dial: too small
# underfits, too large overfits, and the right size is found by trying sizes in between and
# comparing validation scores.

# %%
checks.expect_at_most("4x data: change in best val loss", change("4x data", "best val loss"), -0.05)
checks.expect_at_least("small network: later best epoch", change("small network", "best epoch"), 5)
worse = change("small network", "best val loss")
checks.expect_at_least("small network: change in best val loss", worse, 0.0)
small_rise = results["small network"]["late val loss"] / results["small network"]["best val loss"]
checks.expect_at_most("small network: late / best validation loss", small_rise, 1.1)

# %% [markdown]
# ## 6. Remedy: weight penalties (L2, L1, L1+L2)
#
# A network with small weights computes a smoother function: it cannot react violently to a
# single pixel. A **weight penalty** adds to the loss a term that grows with the weights, so
# training trades fitting the data against keeping the weights small:
#
# $$ \text{L2:}\quad \text{loss} = \text{cross-entropy} + \lambda \sum_i w_i^2, \qquad
#    \text{L1:}\quad \text{loss} = \text{cross-entropy} + \lambda \sum_i |w_i|. $$
#
# In Keras a penalty is attached to a layer's kernel: `kernel_regularizer=regularizers.l2(0.001)`
# adds $0.001 \cdot w^2$ to the loss for every weight $w$ of that kernel. L2 pulls every weight
# towards zero in proportion to its size; L1 pulls with the same force whatever the size, so
# small weights end up at (or jittering around) zero: a sparse network.
# `regularizers.l1_l2(l1=..., l2=...)` adds both.
#
# L2 is often called *weight decay*, but the two are the same only for plain SGD, where the
# penalty's gradient $2\lambda w$ shrinks every weight by the fraction $2\lambda \times$ the
# learning rate at every step. With an adaptive optimizer such as RMSprop that gradient is
# divided by the running size of each weight's gradients, like every other gradient, so weights
# with small gradients decay much faster than weights with large ones. *Decoupled* weight decay
# leaves the gradients alone and shrinks every weight by the same fraction (learning rate times
# `weight_decay`) at every step. In Keras it is an optimizer setting, not a layer's:
# `keras.optimizers.RMSprop(weight_decay=...)`, or `keras.optimizers.AdamW`.
#
# We train an L2, an L1 and an L1+L2 network with the factors of the classic example (0.001
# each). (Exercise 1 asks you to compute such a penalty by hand.)


# %%
def penalized_network(regularizer):
    keras.utils.set_random_seed(SEED)
    return network(
        layers.Dense(512, activation="relu", kernel_regularizer=regularizer),
        layers.Dense(512, activation="relu", kernel_regularizer=regularizer),
    )


l2_model = penalized_network(regularizers.l2(0.001))
l1_model = penalized_network(regularizers.l1(0.001))
l1_l2_model = penalized_network(regularizers.l1_l2(l1=0.001, l2=0.001))
penalized = {"L2": l2_model, "L1": l1_model, "L1+L2": l1_l2_model}
for name, model in progress.bar(penalized.items(), "penalties"):
    histories[name] = train(model)
    summarize(name, model)
pd.DataFrame(results).T.loc[["baseline", "L2", "L1", "L1+L2"]].round(4)

# %% [markdown]
# The penalty is part of the loss Keras reports, for the validation data too: after training,
# loss minus cross-entropy is exactly the penalty of the current weights. (Older texts say the
# penalty is added only in training; in Keras it is there whenever the loss is computed. That
# is why we compare plain cross-entropies.)

# %%
loss, crossentropy, _ = l2_model.evaluate(x_val, y_val, batch_size=1000, verbose=0)
penalty = float(sum(l2_model.losses))
print(f"validation loss {loss:.4f} = cross-entropy {crossentropy:.4f} + penalty {penalty:.4f}")
checks.expect_close("loss minus cross-entropy vs penalty", loss - crossentropy, penalty, rtol=1e-3)
compare(["baseline", "L2", "L1", "L1+L2"])

# %% [markdown]
# The curves of L1 and L1+L2 nearly coincide: next to an L1 factor of 0.001, the L2 part of
# the same size adds little.
#
# What the penalties did to the weights: histograms of the first layer's 401,408 weights. We
# call a weight *near zero* when $|w| < 0.01$: RMSprop moves a weight by about 0.001 per step
# (its learning rate), so a weight that L1 holds at zero still jitters by about that much, and
# 0.01 leaves a margin of ten. (The uniform random start already puts some weights below 0.01.)

# %%
first_kernels = {n: models[n].layers[0].kernel.numpy() for n in ("baseline", "L2", "L1", "L1+L2")}
fig, ax = plt.subplots(figsize=(8, 3.8))
for name, kernel in first_kernels.items():
    ax.hist(kernel.ravel(), bins=np.linspace(-0.15, 0.15, 121), histtype="step", lw=1.5, label=name)
ax.set(yscale="log", xlabel="weight", ylabel="number of weights", title="first-layer weights")
ax.legend()
plt.show()
first_kernels["start"] = initial = baseline_network().layers[0].kernel.numpy()  # same seed
near_zero = {name: np.mean(np.abs(kernel) < 0.01) for name, kernel in first_kernels.items()}
norm = {name: np.sqrt(np.sum(kernel**2)) for name, kernel in first_kernels.items()}
print(pd.DataFrame({"share |w| < 0.01": near_zero, "L2 norm": norm}).round(3).to_string())
unused = np.all(x_train == 0, axis=0)  # pixels that are black in every training image
print(f"{unused.sum()} of 784 pixels are black in all {TRAIN_SAMPLES} training images")

# %% [markdown]
# The baseline's weights still look much like their uniform random start: the weights of
# pixels that are black in every image (the border) never receive a gradient and never move.
# L2 shrinks every weight a little at every step, those nothing pushes back up the most, so the
# histogram turns into a sharp peak at zero and the overall size (norm) of the weights drops to
# about a third. L1 (alone or with L2) sends most weights to (nearly) zero and keeps a few
# large ones: a sparse network in which most pixels are simply switched off.
#
# L2 at 0.001 lowered the late validation loss a lot: its curve hardly turns up, and its best
# epoch comes late, in the last third of the run (with more epochs it may improve further).
# Its *best* value is only a little below the baseline's (by less than 0.02 in runs with three
# seeds), about what one jagged epoch can move it, so we do not count that as a gain.
# L1 at 0.001 is too strong for this network: it switches off nearly every weight and learns
# less, so its best validation loss is worse than the baseline's, and L1+L2's too. Try
# `regularizers.l1(0.0001)` yourself.

# %%
# Exact on any CPU: a pixel that is 0 in every image gives its weights a gradient of exactly
# 0 * (anything finite) = 0, and RMSprop turns a zero gradient into a zero step.
same = first_kernels["baseline"][unused], initial[unused]
checks.expect_close("baseline: weights of always-black pixels vs start", *same, rtol=0, atol=0)
checks.expect_at_most("L2: change in late val loss", change("L2", "late val loss"), -0.05)
checks.expect_at_least("L2: best epoch", results["L2"]["best epoch"], EPOCHS - 8)
checks.expect_between("L2: weight norm / baseline's", norm["L2"] / norm["baseline"], 0.25, 0.45)
checks.expect_at_least("L1: change in best val loss", change("L1", "best val loss"), 0.03)
checks.expect_at_least("L1+L2: change in best val loss", change("L1+L2", "best val loss"), 0.03)
checks.expect_at_least("L1: share of first-layer weights near 0", near_zero["L1"], 0.8)
checks.expect_at_most("baseline: share of first-layer weights near 0", near_zero["baseline"], 0.25)

# %% [markdown]
# ### Explore: the strength of L2
#
# How strong should the penalty be? We train the same network with three more strengths
# $\lambda$ (0 is the baseline, 0.001 the run above). Move the slider: the left panel shows
# the learning curves of one strength against the baseline's validation curve (grey), the right
# panel the best validation loss of every strength. Look for the two ways to fail: too weak a
# penalty still overfits (the curve turns up), too strong a penalty underfits (the training
# loss cannot get low either). The table below the widget gives each strength's best
# validation cross-entropy and its training cross-entropy late in training (the median of the
# last five epochs, as one epoch's value is jagged): at 0.01 the training loss ends well above
# its value at 0.001 (from 5 to 12 times as high in runs with three seeds), the start of
# underfitting.

# %%
l2_histories = {0.0: histories["baseline"], 0.001: histories["L2"]}
for strength in progress.bar([0.0001, 0.003, 0.01], "L2 strengths"):
    l2_histories[strength] = train(penalized_network(regularizers.l2(strength)))
lesson.regularization_explorer(l2_histories, "crossentropy", "L2 strength")

# %%
best_val = {s: min(h["val_crossentropy"]) for s, h in sorted(l2_histories.items())}
late_train = {s: np.median(h["crossentropy"][-5:]) for s, h in sorted(l2_histories.items())}
print(pd.DataFrame({"best val loss": best_val, "late train loss": late_train}).round(4))
checks.expect_at_least("L2 0.01/0.001: late train loss", late_train[0.01] / late_train[0.001], 2)

# %% [markdown] tags=["notes"]
# Show: move the L2 strength slider from 0 upwards; before each step, ask the room whether this
# strength will still overfit or start to underfit. Expected answers: too weak still turns up like
# the baseline; too strong cannot get the training loss low either (at 0.01 the late training loss
# ends 5 to 12 times as high as at 0.001 in the lesson's runs). The right panel shows that the best
# strength lies in between, chosen by the validation score.

# %% [markdown]
# ## 7. Remedy: dropout
#
# Lesson 03 introduced dropout: in training, a `Dropout(rate)` layer sets each of its inputs to
# zero with probability `rate`, afresh for every example at every step, and at inference it
# does nothing. Here is why the survivors are scaled, and how. Dropping half of the units
# halves, on average, the signal reaching the next layer, so at inference, with nothing
# dropped, the signal would be twice as strong as in training. There are two fixes:
#
# - the original recipe: drop without scaling in training, and multiply every output by the
#   *keep* probability $1 - \text{rate}$ at inference (the keep probability, not the rate;
#   for rate 0.5 the two coincide);
# - **inverted dropout**, what Keras does: divide the survivors by $1 - \text{rate}$ during
#   training, and pass everything through untouched at inference.
#
# Either way the expected signal is the same in training and at inference. In numbers, with a
# Keras `Dropout(0.5)` layer on ten activations:

# %%
dropout_layer = layers.Dropout(0.5, seed=SEED)
activations = np.arange(1, 11, dtype="float32").reshape(1, 10)
keras_training = np.asarray(dropout_layer(activations, training=True))[0]
print("input:               ", activations[0])
print("Keras, training:     ", keras_training)
print("Keras, inference:    ", np.asarray(dropout_layer(activations, training=False))[0])
print("original, training:  ", np.where(keras_training != 0, activations[0], 0))  # same mask
print("original, inference: ", activations[0] * (1 - 0.5))

# %% [markdown]
# Averaged over 20,000 random masks, each unit's Keras training output equals its input, which
# is also its inference output; the original recipe's training output averages to half the
# input, matched by its halved inference output.

# %%
keras_out = np.asarray(dropout_layer(np.repeat(activations, 20_000, axis=0), training=True))
checks.expect_close("mean training output vs input", keras_out.mean(0), activations[0], rtol=0.03)

# %% [markdown]
# ### Explore: a dropout mask
#
# The grid below is the first hidden layer of the trained baseline, its 512 units arranged
# 16 x 32, responding to one validation digit. A Keras `Dropout` layer with the chosen rate and
# mask seed drops units of it. Choose a rate and press **resample** for a new mask: each press
# is another thinned network. Watch the sum of the output: it changes from mask to mask, but on
# average (the title) it stays at the sum without dropout. (Units that are black on the left
# are silent for this digit anyway: ReLU outputs zero for negative inputs.)

# %%
digit_activations = baseline.layers[0](x_val[:1]).numpy().reshape(16, 32)  # 512 ReLU outputs
lesson.dropout_visualizer(digit_activations, rate=0.5)

# %% [markdown]
# Now the remedy. Dropout layers go after the layers whose outputs they thin; the classic
# choice (from the paper that introduced dropout) is 0.2 on the input pixels and 0.5 after
# each hidden layer. Lesson 03's demo used 0.2 after each hidden layer: on 60,000 images for
# 5 epochs that network overfitted only mildly, so light dropout was enough. With 1,000 images
# the network overfits strongly, and stronger dropout pays. The rate is a setting like any other:
# choose it by the validation score.

# %%
keras.utils.set_random_seed(SEED)
dropout_model = network(
    layers.Dropout(0.2),
    layers.Dense(512, activation="relu"),
    layers.Dropout(0.5),
    layers.Dense(512, activation="relu"),
    layers.Dropout(0.5),
)
histories["dropout"] = train(dropout_model, title="dropout")
summarize("dropout", dropout_model)

# %%
compare(["baseline", "dropout"])

# %% [markdown]
# With dropout the training curve is measured while units are being dropped, which is why it
# stays higher; `summarize` measures both losses in inference mode. The gap between validation
# and training shrinks, and the validation loss rises much less towards the end.

# %%
checks.expect_at_most("dropout: change in gap", change("dropout", "gap val - train"), -0.04)
checks.expect_at_most("dropout: change in late val loss", change("dropout", "late val loss"), -0.03)

# %% [markdown] tags=["notes"]
# Show: the first hidden layer of the trained baseline, 512 units, with a dropout mask; press
# resample a few times at rate 0.5. Ask the room first: "Will the sum of the outputs stay the same
# from mask to mask?" (expected answer: no, it changes with every mask, but on average it stays at
# the sum without dropout, because Keras scales the survivors by 1/(1 - rate)). Then point at the
# remedy's result: the gap between validation and training loss shrinks.

# %% [markdown]
# ## 8. Batch normalization
#
# **Batch normalization** standardizes each unit's input over the current batch (subtract the
# batch mean, divide by $\sqrt{\text{batch variance} + \epsilon}$, with $\epsilon = 0.001$ in
# Keras against division by zero), then rescales it with two learned numbers per unit,
# $\gamma$ and $\beta$. It was invented to make deep networks train faster and more stably; the
# noise of batch statistics also acts as a mild regularizer. At inference there is no batch to
# average over, so the layer uses *running* averages of the mean and variance collected in
# training, which start at 0 and 1. In numbers, on a fresh layer ($\gamma = 1$, $\beta = 0$)
# and the baseline's first layer:

# %%
first = baseline.layers[0]
pre_activations = x_val[:256] @ first.kernel.numpy() + first.bias.numpy()  # before the ReLU
fresh = layers.BatchNormalization()
at_inference = np.asarray(fresh(pre_activations, training=False))  # the running statistics
normalized = np.asarray(fresh(pre_activations, training=True))  # the batch's, updating the others
per_unit = {"mean before": pre_activations.mean(0), "std before": pre_activations.std(0)}
per_unit |= {"mean after": normalized.mean(0), "std after": normalized.std(0)}
print(pd.DataFrame(per_unit).describe().loc[["min", "50%", "max"]].round(4).to_string())
eps, centred = fresh.epsilon, pre_activations - per_unit["mean before"]  # eps = 0.001
by_formula = centred / np.sqrt(per_unit["std before"] ** 2 + eps)
checks.expect_close("training vs (x - mean) / √(var + eps)", normalized, by_formula, atol=1e-4)
checks.expect_close("inference vs x / √(1 + eps)", at_inference, pre_activations / np.sqrt(1 + eps))
moved = 0.01 * per_unit["mean before"]  # 1 - momentum = 1% of the way from 0 to the batch mean
checks.expect_close("running mean after one step vs 1% of batch mean", fresh.moving_mean, moved)

# %% [markdown]
# In training the output of every unit has mean 0 and a standard deviation just under 1: it is
# $\sigma / \sqrt{\sigma^2 + \epsilon}$, furthest below 1 for the units with the smallest spread
# $\sigma$. At inference the fresh layer divides by $\sqrt{1 + \epsilon}$ and does nothing
# else, since its running mean is still 0 and its running variance 1. After one training step
# the running mean has moved only 1% of the way towards the batch mean: the running statistics
# follow the batches with `momentum=0.99`, slowly.
#
# Lessons 01 and 05 promised that normalization keeps a deep network's signal alive. Here is
# the measurement: 20 untrained `Dense(256)` + ReLU layers with Keras's default initial weights,
# fed 256 real digits, with and without batch normalization (in training mode) before each ReLU.

# %%
deep_spread = {"Dense + ReLU": [], "Dense + batch norm + ReLU": []}
for name, spread in deep_spread.items():
    keras.utils.set_random_seed(SEED)  # the same initial weights for both
    signal = x_val[:256]
    for _ in range(20):
        signal = layers.Dense(256)(signal)
        if "batch norm" in name:  # normalize with the batch's statistics, as in training
            signal = layers.BatchNormalization()(signal, training=True)
        signal = keras.activations.relu(signal)
        spread.append(float(np.std(signal)))
ax = pd.DataFrame(deep_spread, index=range(1, 21)).plot(style="-o", logy=True, figsize=(6, 3.5))
ax.set(xlabel="layer", ylabel="std of its outputs", title="20 untrained layers", xticks=[1, 10, 20])
plt.show()
fading, kept = (spread[-1] / spread[0] for spread in deep_spread.values())
checks.expect_between("deep net, no batch norm: spread per layer", fading ** (1 / 19), 0.6, 0.8)
checks.expect_at_most("deep net without batch norm: spread layer 20 / 1", fading, 0.01)
checks.expect_between("deep net with batch norm: spread layer 20 / 1", kept, 0.8, 1.25)

# %% [markdown]
# Without normalization each layer multiplies the spread by about 0.7 (about $1/\sqrt{2}$: the
# ReLU zeroes the negative half, and Keras's default Glorot initial weights, made for layers
# without a ReLU, do not make up for it), and after 20 layers little is left of the digit; with
# batch normalization every layer starts again from mean 0 and variance 1. In a network, batch
# normalization usually sits between a `Dense` layer (without its bias, which $\beta$ replaces)
# and the activation:

# %%
keras.utils.set_random_seed(SEED)
batch_norm_model = network(
    layers.Dense(512, use_bias=False),
    layers.BatchNormalization(),
    layers.Activation("relu"),
    layers.Dense(512, use_bias=False),
    layers.BatchNormalization(),
    layers.Activation("relu"),
)
histories["batch norm"] = train(batch_norm_model, title="batch norm")
summarize("batch norm", batch_norm_model)

# %% [markdown]
# Here batch normalization lowered the best validation loss as well. On 1,000 images part of
# that is the regularizing noise of batch statistics, part easier optimization; in deep
# networks (lessons to come) the second matters most.
#
# One caution when reading its curve. The validation pass uses the running statistics, and
# with 16 steps per epoch and momentum 0.99 they lag: after $n$ epochs the starting values
# (mean 0, variance 1) still weigh $0.99^{16n}$, that is 85% after one epoch, 45% after five
# and 2% after 25.
# So the first epochs' validation losses of the batch-norm model describe a network whose
# statistics do not match its weights yet; do not read much into them.

# %%
better = change("batch norm", "best val loss")
checks.expect_at_most("batch norm: change in best val loss", better, -0.01)

# %% [markdown]
# ## 9. Early stopping and checkpoints
#
# If the validation loss turns up after a few epochs, why keep training? A **callback** is an
# object that `fit` calls at fixed moments, here at the end of every epoch. Two of Keras's:
#
# - `EarlyStopping` stops when the validation loss has not improved for `patience` epochs;
#   with `restore_best_weights=True` the model ends with the weights of its best epoch;
# - `ModelCheckpoint` saves the model to a file whenever the validation loss improves, so the
#   best model survives a crash or the end of the session. We write it into a temporary
#   folder, removed again once we have checked the file.
#
# Both watch `val_loss` unless told otherwise (`monitor="val_accuracy"`, for instance).
#
# (A third, `ReduceLROnPlateau`, cuts the learning rate, by default to a tenth, when the
# validation loss stops improving.)

# %%
checkpoint_folder = tempfile.TemporaryDirectory()
checkpoint_path = os.path.join(checkpoint_folder.name, "best.keras")
early_stop = keras.callbacks.EarlyStopping(patience=4, restore_best_weights=True)
checkpoint = keras.callbacks.ModelCheckpoint(checkpoint_path, save_best_only=True)
early_model = baseline_network()
histories["early stopping"] = train(
    early_model, callbacks=[early_stop, checkpoint], title="early stopping"
)
summarize("early stopping", early_model)

# %% [markdown]
# Training stopped well before `EPOCHS`. The model we are left with has the weights of its
# best epoch, so evaluating it on the validation set gives exactly the best value of the curve,
# and the file on disk holds the very same weights.

# %%
early_val = histories["early stopping"]["val_loss"]
restored_loss = early_model.evaluate(x_val, y_val, batch_size=1000, verbose=0)[0]
from_disk = keras.models.load_model(checkpoint_path)
print(f"stopped after {len(early_val)} of {EPOCHS} epochs, best epoch {np.argmin(early_val) + 1}")
checks.expect_at_most("early stopping: epochs run", len(early_val), EPOCHS - 5)
checks.expect_close("restored val loss vs best of curve", restored_loss, min(early_val), rtol=1e-4)
flat = [np.concatenate([w.ravel() for w in m.get_weights()]) for m in (from_disk, early_model)]
checks.expect_close("checkpoint vs restored weights", *flat, rtol=0, atol=0)
checkpoint_folder.cleanup()  # delete the folder and the file in it

# %% [markdown]
# Early stopping is cheap and almost always worth having, and a checkpoint also protects
# against an unlucky last step: with a jagged curve, the final weights may land on a spike.
# Remember, though, that both choose an epoch *by looking at the validation set*: one more
# reason to report the test set at the end.
#
# ## 10. Preview: data augmentation
#
# If more data cannot be had, it can be *made*: a digit shifted by two pixels or turned by ten
# degrees is still the same digit. **Data augmentation** applies such random changes to every
# training image, afresh in every epoch, so the network never sees exactly the same image
# twice. Keras does it with preprocessing layers inside the model: they are active in `fit` and
# do nothing at inference. The lesson on convolutional networks uses this in earnest; here is a
# preview with our MLP.

# %%
shift = layers.RandomTranslation(0.1, 0.1, fill_mode="constant")  # up to ±2.8 pixels
turn = layers.RandomRotation(0.04, fill_mode="constant")  # up to ±0.04 turns = ±14 degrees
originals = x_train[:6].reshape(-1, 28, 28, 1)
variants = [np.asarray(turn(shift(originals, training=True), training=True)) for _ in range(4)]
gallery = np.stack([originals, *variants], axis=1).reshape(-1, 28, 28)
plotting.show_images(gallery, (["original"] + ["augmented"] * 4) * 6, ncols=5)

# %%
keras.utils.set_random_seed(SEED)
augmented_model = network(
    layers.Reshape((28, 28, 1)),
    layers.RandomTranslation(0.1, 0.1, fill_mode="constant"),
    layers.RandomRotation(0.04, fill_mode="constant"),
    layers.Flatten(),
    layers.Dense(512, activation="relu"),
    layers.Dense(512, activation="relu"),
)
histories["augmentation"] = train(augmented_model, title="augmentation")
summarize("augmentation", augmented_model)

# %%
compare(["baseline", "augmentation"], ["crossentropy", "accuracy"])

# %% [markdown]
# The network can no longer memorize its training images, since it never sees the same one
# twice: the training loss stays well above zero, and the validation loss drops further than
# with any other change to the model. This is remarkable for an MLP, which has no idea that
# neighbouring pixels are related; convolutional networks exploit augmentation even better.

# %%
augmented_train_loss = histories["augmentation"]["crossentropy"][-1]
checks.expect_at_least("augmentation: last training loss", augmented_train_loss, 0.05)
others = [r["best val loss"] for n, r in results.items() if n not in ("augmentation", "4x data")]
lead = results["augmentation"]["best val loss"] - min(others)
checks.expect_at_most("augmentation minus the next best model change", lead, -0.02)

# %% [markdown]
# ## 11. All remedies, side by side
#
# Every row is the baseline's recipe with one change, trained on the same 1,000 images (except
# "4x data") with the same seed and optimizer, for `EPOCHS` epochs, except early stopping,
# which ended its own run (its "late" loss is the median of the last five epochs it ran). Only
# now do we look at the test set, once, with every model as it ended training.

# %%
for name, model in models.items():
    results[name]["test accuracy"] = model.evaluate(x_test, y_test, batch_size=1000, verbose=0)[2]
table = pd.DataFrame(results).T
ax = table[["best val loss", "late val loss"]][::-1].plot.barh(figsize=(8, 4.5))
ax.axvline(table.loc["baseline", "best val loss"], color="black", linewidth=0.8)
ax.set(title="each remedy", xlabel="validation cross-entropy (line: the baseline's best)")
plt.show()
table.round(3)

# %% [markdown]
# Notice that test *accuracy* moves much less than the validation loss. L2, dropout and batch
# normalization all lowered the validation loss (sections 6-8), and early stopping kept the
# baseline's best weights, yet none of these four moved test accuracy by more than 2 points,
# up or down: they cure over-confidence more than they fix wrong answers. Four times the data
# is the one change that clearly gained accuracy, at least a point more than any other row.
# Augmentation gained a little as well. How much is hard to say from one run: trained with
# other seeds, its gain ranged from about 1 to 2.5 points, while the four above changed test
# accuracy by up to 1.5 points, so a gain of a point is within what chance alone can give.

# %%
gains = table["test accuracy"] - table.loc["baseline", "test accuracy"]
calm = gains[["L2", "dropout", "batch norm", "early stopping"]].abs().max()
checks.expect_at_most("those four: biggest test accuracy change", calm, 0.02)
lead = gains["4x data"] - gains.drop("4x data").max()  # the baseline's own gain, 0, included
checks.expect_at_least("4x data minus the next best change in test accuracy", lead, 0.01)
checks.expect_at_least("augmentation: change in test accuracy", gains["augmentation"], 0.005)

# %% [markdown]
# The remedies in words:
#
# | remedy | what it does | in Keras | here |
# |---|---|---|---|
# | more data | less room for the quirks of single examples | collect and label | lower validation loss all along |
# | smaller network | fewer weights to memorize with | fewer units or layers | overfits later, but learns less |
# | L2 penalty | keeps all weights small | `kernel_regularizer=regularizers.l2(0.001)` | much lower late validation loss |
# | L1 penalty | drives many weights to zero (sparse) | `regularizers.l1(...)`, `regularizers.l1_l2(...)` | 0.001 is too strong for this network |
# | dropout | trains many thinned networks at once | `layers.Dropout(rate)` | smaller gap, lower late validation loss |
# | batch normalization | standardizes each unit's input per batch | `layers.BatchNormalization()` | lower best validation loss |
# | early stopping | stops near the best epoch, keeps its weights | `callbacks.EarlyStopping(restore_best_weights=True)` | the best weights for a fraction of the epochs |
# | checkpoints | save the best model to disk | `callbacks.ModelCheckpoint(path, save_best_only=True)` | insurance, not a remedy by itself |
# | data augmentation | makes new training examples from old ones | `layers.RandomTranslation`, `layers.RandomRotation`, ... | the largest gain of all the changes to the model |
#
# Remedies combine: a real model often uses several at once (augmentation, dropout, a little
# L2, and early stopping on top).

# %% [markdown] tags=["notes"]
# Say: only at the end is the test set used, once, for every model. The lesson's surprise is that
# L2, dropout, batch normalization and early stopping lowered the validation loss but none moved
# test accuracy by more than 2 points; four times the data was the one change that clearly gained
# accuracy, and augmentation gained a little. Ask the room: "So what do these regularizers mainly
# cure?" (expected answer: over-confidence, more than wrong answers).

# %% [markdown]
# ## Summary
#
# - Train on the training set, choose on the validation set, report on the test set, once.
#   With little data, K-fold cross-validation gives a score together with its spread.
# - A large network on little data overfits: the training loss goes to zero while the
#   validation loss, after a few epochs, turns up.
# - The workflow: first build a model that *can* overfit (it has enough capacity), then
#   regularize it while watching the validation loss: more data, less capacity, weight
#   penalties, dropout, augmentation, and early stopping to keep the best epoch.
# - Keras's dropout is inverted: it scales the survivors by 1/(1 - rate) in training and does
#   nothing at inference. Batch normalization uses batch statistics in training and running
#   averages at inference. Keras's reported loss includes weight penalties, in training and
#   validation alike; compare models on the plain cross-entropy. With adaptive optimizers, an
#   L2 penalty is not the same as (decoupled) weight decay.
# - Measured against one baseline on 1,000 MNIST images, more data, augmentation, batch
#   normalization, dropout and L2 all lowered the validation loss, augmentation most of all
#   the changes to the model; a strong L1 penalty and a too-small network did not help. Early
#   stopping kept the baseline's best weights and saved the rest of the epochs.

# %% [markdown]
# ## Exercises
#
# Each exercise has a cell for your code, a self-check that says PASS or gives a hint, and a
# hidden solution cell below it (click to expand; running it shows the check passing).
#
# ### Exercise 1: the L1 + L2 penalty by hand
#
# Write `weight_penalty(kernels, l1, l2)`: given a list of weight matrices, return the number
# that `regularizers.l1_l2(l1=l1, l2=l2)` adds to the loss when it is attached to each of them.


# %% tags=["exercise"]
def weight_penalty(kernels, l1, l2):
    # YOUR CODE HERE
    raise NotImplementedError


lesson.exercise_weight_penalty(weight_penalty)


# %% tags=["solution"]
def weight_penalty(kernels, l1, l2):
    return sum(l1 * np.sum(np.abs(w)) + l2 * np.sum(w**2) for w in kernels)


lesson.exercise_weight_penalty(weight_penalty)

# %% [markdown]
# ### Exercise 2: inverted dropout in NumPy
#
# Write `my_dropout(x, rate, rng)` that does what a Keras `Dropout(rate)` layer does in
# training: zero each entry of `x` independently with probability `rate` and scale the
# survivors so that the expected output equals `x`. Draw the random numbers from the NumPy
# generator `rng` (and only from it): the check calls your function with different generators
# and expects different masks, and the same mask again for the same seed.


# %% tags=["exercise"]
def my_dropout(x, rate, rng):
    # YOUR CODE HERE
    raise NotImplementedError


lesson.exercise_inverted_dropout(my_dropout)


# %% tags=["solution"]
def my_dropout(x, rate, rng):
    return np.where(rng.random(x.shape) >= rate, x / (1 - rate), 0.0)  # keep with prob. 1 - rate


lesson.exercise_inverted_dropout(my_dropout)

# %% [markdown]
# ### Exercise 3: the early-stopping rule
#
# Write `early_stopping(val_losses, patience)` that returns `(best_epoch, epochs_run)`, both
# counted from 1, for a run whose validation losses are `val_losses`, epoch after epoch, when
# `EarlyStopping(monitor="val_loss", patience=patience)` watches it. Keras's rules:
#
# - the first epoch is the first best; a later epoch is a new best only if its loss is
#   *strictly* lower than the best so far (`min_delta=0`: a tie is not an improvement);
# - a wait counter is reset to 0 at each new best, and goes up by one at the end of every
#   other epoch, that epoch included: training stops after the epoch at which the counter
#   reaches `patience`, that is `patience` epochs after the best one (for `patience` >= 1);
# - if that never happens, all epochs run.
#
# The check replays its cases through Keras's own callback.


# %% tags=["exercise"]
def early_stopping(val_losses, patience):
    # YOUR CODE HERE
    raise NotImplementedError


lesson.exercise_early_stopping(early_stopping)


# %% tags=["solution"]
def early_stopping(val_losses, patience):
    best_epoch = 1
    for epoch, loss in enumerate(val_losses[1:], start=2):
        if loss < val_losses[best_epoch - 1]:  # strictly better: a new best
            best_epoch = epoch
        elif epoch - best_epoch >= patience:  # `patience` epochs without a new best
            return best_epoch, epoch
    return best_epoch, len(val_losses)


lesson.exercise_early_stopping(early_stopping)
