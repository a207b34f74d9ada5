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
# - the remedies, each measured against the **same baseline** (same data, seed, epochs and
#   optimizer): more data, a smaller network, L2 / L1 / L1+L2 weight penalties, dropout, batch
#   normalisation, early stopping with checkpoints, and data augmentation;
# - what dropout does at training time and at inference time, in numbers;
# - which remedies paid off here, and by how much, in one closing table.
#
# **What you need**: lessons 00-05, in particular lesson 03 (training an MLP on MNIST with
# `fit` and reading its learning curves) and lesson 05 (optimizers; we use RMSprop throughout).
# The lesson runs in about a minute and a half on a laptop CPU.

# %%
import os
import tempfile

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from keras import layers, regularizers

from helpers import checks, datasets, plotting, widgets

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
# the test set, untouched by our choices, stays honest.
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
overlap = np.intersect1d(train_index, val_index).size
checks.expect_equal("images in both training and validation", overlap, 0)

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
# to compare like with like.


# %%
def network(*hidden):
    """784 pixels in, the given hidden layers, 10 class probabilities out."""
    output = layers.Dense(10, activation="softmax")
    return keras.Sequential([keras.Input(shape=(784,)), *hidden, output])


def baseline_network():
    keras.utils.set_random_seed(SEED)  # same starting weights whenever we build it
    return network(layers.Dense(512, activation="relu"), layers.Dense(512, activation="relu"))


def train(model, x=x_train, y=y_train, validation=(x_val, y_val), epochs=EPOCHS, callbacks=()):
    """Compile and fit `model` the same way for every experiment; return its history dict."""
    metrics = [keras.metrics.SparseCategoricalCrossentropy(name="crossentropy"), "accuracy"]
    loss = "sparse_categorical_crossentropy"
    model.compile(optimizer=keras.optimizers.RMSprop(), loss=loss, metrics=metrics)
    history = model.fit(
        x,
        y,
        batch_size=BATCH_SIZE,
        epochs=epochs,
        validation_data=validation,
        validation_batch_size=1000,  # large batches: faster validation
        callbacks=list(callbacks),
        verbose=0,
    )
    return history.history


def compare(names, metrics=("crossentropy",)):
    runs = {name: histories[name] for name in names}  # learning curves on the same axes
    return plotting.plot_history(runs, metrics, title=" vs ".join(names))


baseline = baseline_network()
histories = {"baseline": train(baseline)}
plotting.plot_history(histories["baseline"], ["crossentropy", "accuracy"], "baseline, 1,000 images")

# %% [markdown]
# The training loss falls towards zero: within a few epochs the network has memorised its
# 1,000 images. The validation loss falls for a few epochs, reaches its minimum, then **turns
# up**: the network keeps growing more confident, and where it is wrong on new digits it is now
# confidently wrong. That is overfitting: from here on, what it learns is particular to the
# training images, not true of digits in general. Validation *accuracy* hardly moves, but the
# loss also measures confidence, and it is what the remedies below are judged by.
#
# The validation curve is jagged: an epoch is only 16 steps here, and a single step that
# overshoots shows up as a spike. Read the trend, not the single epoch.

# %%
baseline_val = np.array(histories["baseline"]["val_crossentropy"])
best_epoch = int(np.argmin(baseline_val)) + 1
rise = np.median(baseline_val[-5:]) / baseline_val.min()  # the last 5 epochs, against the best
print(f"best validation loss {baseline_val.min():.3f} (epoch {best_epoch}), late {rise:.2f}x that")
checks.expect_at_most("baseline: epoch of the best validation loss", best_epoch, EPOCHS // 2)
checks.expect_at_least("baseline: late / best validation loss", rise, 1.15)
last_train_loss = histories["baseline"]["crossentropy"][-1]
checks.expect_at_most("baseline: last training loss", last_train_loss, 0.01)

# %% [markdown]
# Each run is summarised by a few numbers: the **best validation cross-entropy** over the
# epochs and when it happened; the **late** validation cross-entropy, the median of the last
# five epochs (so that one jagged epoch does not decide); the **gap** between validation and
# training cross-entropy of the final weights (both measured in inference mode with
# `evaluate`); and, for the closing table only, the test accuracy.

# %%
results = {}


def summarise(name, model):
    """Record the numbers we compare runs by, and show them."""
    val_curve = histories[name]["val_crossentropy"]
    train_loss, _ = model.evaluate(x_train, y_train, batch_size=1000, verbose=0)[1:]
    val_loss, _ = model.evaluate(x_val, y_val, batch_size=1000, verbose=0)[1:]
    _, test_accuracy = model.evaluate(x_test, y_test, batch_size=1000, verbose=0)[1:]
    results[name] = {
        "best val loss": min(val_curve),
        "best epoch": int(np.argmin(val_curve)) + 1,
        "epochs run": len(val_curve),
        "late val loss": np.median(val_curve[-5:]),
        "gap val - train": val_loss - train_loss,
        "test accuracy": test_accuracy,
    }
    return pd.DataFrame([results[name]], index=[name]).round(4)


def change(name, column):
    """How much a remedy changed one of the numbers, relative to the baseline."""
    return results[name][column] - results["baseline"][column]


summarise("baseline", baseline)

# %% [markdown]
# ## 3. K-fold cross-validation
#
# With only 1,000 labelled images, setting 2,000 more aside for validation is a luxury. And a
# small validation set gives a noisy score: whether 250 particular images are easy or hard can
# move the accuracy by a few points. **K-fold cross-validation** uses all the data for both
# jobs: split the training images into $K$ equal parts (folds), train $K$ models, each on $K-1$
# folds and validated on the remaining one, and average the $K$ scores. Their spread says how
# far to trust the average. The price: $K$ trainings instead of one.

# %%
folds = np.array_split(np.arange(TRAIN_SAMPLES), K)  # the images are already in random order
fold_accuracy, fold_curves = [], []
for k in range(K):
    rest = np.concatenate([fold for j, fold in enumerate(folds) if j != k])
    held_out = (x_train[folds[k]], y_train[folds[k]])
    fold_history = train(baseline_network(), x_train[rest], y_train[rest], held_out, K_FOLD_EPOCHS)
    fold_accuracy.append(fold_history["val_accuracy"][-1])
    fold_curves.append(fold_history["val_crossentropy"])

kfold_mean, kfold_std = np.mean(fold_accuracy), np.std(fold_accuracy)
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
# of them alone could have misled us. Their mean lands within a few points of what the separate
# 2,000-image validation set says, usually a little below it, because each K-fold model saw a
# quarter fewer images. The averaged curve can also choose the number of epochs with no data
# set aside: its minimum is the epoch to stop at. (When even that is too noisy, *iterated*
# K-fold repeats the whole procedure with differently shuffled folds and averages again.)

# %%
every_image_once = np.array_equal(np.sort(np.concatenate(folds)), np.arange(TRAIN_SAMPLES))
checks.expect_equal("every training image validated on exactly once", every_image_once, True)
checks.expect_at_least("fold accuracies, best minus worst", np.ptp(fold_accuracy), 0.02)
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
histories["4x data"] = train(more_data, x_pool[more_index], y_pool[more_index])
summarise("4x data", more_data)

# %% [markdown]
# More data usually cannot be had, or costs money. The rest of the lesson keeps the 1,000
# images and changes the *model* instead.
#
# ## 5. Remedy: a smaller network
#
# Fewer weights, less room to memorise. Here: 32 units per hidden layer instead of 512.

# %%
keras.utils.set_random_seed(SEED)
small = network(layers.Dense(32, activation="relu"), layers.Dense(32, activation="relu"))
histories["small network"] = train(small)
summarise("small network", small)

# %%
compare(["baseline", "4x data", "small network"])

# %% [markdown]
# Four times the data lowers the whole validation curve. The small network overfits later and
# less: its best epoch comes about ten epochs later, and its validation loss rises slowly
# afterwards. But it also learns less, so its *best* validation loss is worse than the
# baseline's. Capacity is a dial: too small underfits, too large overfits, and the right size
# is found by trying sizes in between and comparing validation scores.

# %%
checks.expect_at_most("4x data: change in best val loss", change("4x data", "best val loss"), -0.05)
checks.expect_at_least(
    "small network: change in best epoch", change("small network", "best epoch"), 3
)
worse = change("small network", "best val loss")
checks.expect_at_least("small network: change in best val loss", worse, 0.0)

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
# adds $0.001 \cdot w^2$ to the loss for every weight $w$ of that kernel. L2 (also called
# *weight decay*) pulls every weight towards zero in proportion to its size; L1 pulls with the
# same force whatever the size, so small weights end up at (or jittering around) zero: a sparse
# network. `regularizers.l1_l2(l1=..., l2=...)` adds both.


# %%
def penalised_network(regularizer):
    keras.utils.set_random_seed(SEED)
    return network(
        layers.Dense(512, activation="relu", kernel_regularizer=regularizer),
        layers.Dense(512, activation="relu", kernel_regularizer=regularizer),
    )


l2_model = penalised_network(regularizers.l2(0.001))
kernels = [layer.kernel.numpy() for layer in l2_model.layers[:2]]
by_hand = 0.001 * sum(np.sum(kernel**2) for kernel in kernels)
print(f"penalty of the initial weights: Keras {sum(l2_model.losses):.4f}, by hand {by_hand:.4f}")
checks.expect_close("L2 penalty, Keras vs by hand", sum(l2_model.losses), by_hand, rtol=1e-4)

# %% [markdown]
# We train it, and an L1 and an L1+L2 network with the factors of the classic example
# (0.001 each):

# %%
l1_model = penalised_network(regularizers.l1(0.001))
l1_l2_model = penalised_network(regularizers.l1_l2(l1=0.001, l2=0.001))
for name, model in [("L2", l2_model), ("L1", l1_model), ("L1+L2", l1_l2_model)]:
    histories[name] = train(model)
    summarise(name, model)
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
compare(["baseline", "L2", "L1"])

# %% [markdown]
# What the penalties did to the weights: histograms of the first layer's 401,408 weights.

# %%
trained = {"baseline": baseline, "L2": l2_model, "L1": l1_model}
first_kernels = {name: model.layers[0].kernel.numpy() for name, model in trained.items()}
fig, ax = plt.subplots(figsize=(8, 3.8))
for name, kernel in first_kernels.items():
    ax.hist(kernel.ravel(), bins=np.linspace(-0.15, 0.15, 121), histtype="step", lw=1.5, label=name)
ax.set(yscale="log", xlabel="weight", ylabel="number of weights", title="first-layer weights")
ax.legend()
plt.show()
near_zero = {name: np.mean(np.abs(kernel) < 1e-3) for name, kernel in first_kernels.items()}
norm = {name: np.sqrt(np.sum(kernel**2)) for name, kernel in first_kernels.items()}
print(pd.DataFrame({"share |w| < 0.001": near_zero, "L2 norm": norm}).round(3).to_string())
unused = np.all(x_train == 0, axis=0)  # pixels that are black in every training image
initial = baseline_network().layers[0].kernel.numpy()  # the same seed: the same starting weights
print(f"{unused.sum()} of 784 pixels are black in all {TRAIN_SAMPLES} training images")

# %% [markdown]
# The baseline's weights still look much like their uniform random start: the weights of
# pixels that are black in every image (the border) never receive a gradient and never move.
# L2 shrinks every weight a little at every step, those nothing pushes back up the most, so the
# histogram turns into a sharp peak at zero and the overall size (norm) of the weights drops to
# about a third. L1 sends most weights to (nearly) zero and keeps a few large ones: a sparse
# network in which most pixels are simply switched off.
#
# L2 at 0.001 lowered the best validation loss a little and the late one a lot: its curve
# hardly turns up, and its best epoch comes near the end (more epochs would help it further).
# L1 at 0.001 is too strong for this network: it switches off nearly every weight and learns
# less, so its best validation loss is worse than the baseline's (L1+L2's too, in the table).
# Try `regularizers.l1(0.0001)` yourself.

# %%
same = first_kernels["baseline"][unused], initial[unused]
checks.expect_close("baseline: weights of always-black pixels vs start", *same, rtol=0, atol=0)
checks.expect_at_most("L2: change in best val loss", change("L2", "best val loss"), 0.0)
checks.expect_at_most("L2: change in late val loss", change("L2", "late val loss"), -0.05)
checks.expect_at_most("L2: weight norm / baseline's", norm["L2"] / norm["baseline"], 0.5)
checks.expect_at_least("L1: change in best val loss", change("L1", "best val loss"), 0.03)
checks.expect_at_least("L1: share of first-layer weights near 0", near_zero["L1"], 0.8)
checks.expect_at_most("baseline: share of first-layer weights near 0", near_zero["baseline"], 0.05)

# %% [markdown]
# ### Explore: the strength of L2
#
# How strong should the penalty be? We train the same network with three more strengths
# $\lambda$ (0 is the baseline, 0.001 the run above). Move the slider: the left panel shows
# the learning curves of one strength against the baseline's validation curve (grey), the right
# panel the best validation loss of every strength. Look for the two ways to fail: too weak a
# penalty still overfits (the curve turns up), too strong a penalty underfits (the training
# loss cannot get low either).

# %%
l2_histories = {0.0: histories["baseline"], 0.001: histories["L2"]}
for strength in [0.0001, 0.003, 0.01]:
    l2_histories[strength] = train(penalised_network(regularizers.l2(strength)))
widgets.regularization_explorer(l2_histories, "crossentropy", "L2 strength")

# %% [markdown]
# ## 7. Remedy: dropout
#
# **Dropout** sets each output of a layer to zero with probability `rate`, afresh for every
# example at every step, during training only. No unit can rely on any particular other unit
# being there, so the network has to spread what it knows over many units: it behaves like an
# average of many thinned networks that share their weights.
#
# Dropping half of the units halves, on average, the signal reaching the next layer, so at
# inference, with nothing dropped, the signal would be twice as strong as in training. There
# are two fixes:
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
# Averaged over many random masks, Keras's training output equals the input, and its inference
# output is the input itself. (The original recipe's training output averages to half the
# input, matched by its halved inference output.)

# %%
ones = np.ones((10_000, 100), dtype="float32")
for rate in [0.2, 0.5]:
    dropped = np.asarray(layers.Dropout(rate, seed=SEED)(ones, training=True))
    survivors = np.unique(dropped[dropped > 0])
    print(f"rate {rate}: {np.mean(dropped == 0):.1%} dropped, survivors {survivors}")
    checks.expect_close(f"rate {rate}: survivors vs 1 / (1 - rate)", survivors, [1 / (1 - rate)])
    checks.expect_close(f"rate {rate}: mean training output", dropped.mean(), 1.0, atol=0.01)
checks.expect_close("inference output vs input", dropout_layer(activations), activations)

# %% [markdown]
# ### Explore: a dropout mask
#
# The grid below is the first hidden layer of the trained baseline, its 512 units arranged
# 16 x 32, responding to one test digit. Choose a rate and press **resample** for a new mask:
# each press is another thinned network. Watch the sum of the output: it changes from mask to
# mask, but on average (the title) it stays at the sum without dropout. (Units that are black
# on the left are silent for this digit anyway: ReLU outputs zero for negative inputs.)

# %%
hidden = keras.Model(baseline.inputs, baseline.layers[0].output)
digit_activations = hidden.predict(x_test[:1], verbose=0).reshape(16, 32)
widgets.dropout_visualiser(digit_activations, rate=0.5)

# %% [markdown]
# Now the remedy. Dropout layers go after the layers whose outputs they thin; the classic
# choice is 0.2 on the input pixels and 0.5 after each hidden layer.

# %%
keras.utils.set_random_seed(SEED)
dropout_model = network(
    layers.Dropout(0.2),
    layers.Dense(512, activation="relu"),
    layers.Dropout(0.5),
    layers.Dense(512, activation="relu"),
    layers.Dropout(0.5),
)
histories["dropout"] = train(dropout_model)
summarise("dropout", dropout_model)

# %%
compare(["baseline", "dropout"])

# %% [markdown]
# With dropout the training curve is measured while units are being dropped, which is why it
# stays higher; `summarise` measures both losses in inference mode. The gap between validation
# and training shrinks, and the validation loss rises much less towards the end.

# %%
checks.expect_at_most("dropout: change in gap", change("dropout", "gap val - train"), -0.04)
checks.expect_at_most("dropout: change in late val loss", change("dropout", "late val loss"), -0.03)

# %% [markdown]
# ## 8. Batch normalisation
#
# **Batch normalisation** standardises each unit's input over the current batch (subtract the
# batch mean, divide by the batch standard deviation), then rescales it with two learned
# numbers per unit, $\gamma$ and $\beta$. It was invented to make deep networks train faster
# and more stably; the noise of batch statistics also acts as a mild regulariser. At inference
# there is no batch to average over, so the layer uses running averages collected in training.
# In numbers, on a fresh layer ($\gamma = 1$, $\beta = 0$) and the baseline's first layer:

# %%
first = baseline.layers[0]
pre_activations = x_val[:256] @ first.kernel.numpy() + first.bias.numpy()  # before the ReLU
normalised = np.asarray(layers.BatchNormalization()(pre_activations, training=True))
per_unit = {"mean before": pre_activations.mean(0), "std before": pre_activations.std(0)}
per_unit |= {"mean after": normalised.mean(0), "std after": normalised.std(0)}
print(pd.DataFrame(per_unit).describe().loc[["min", "50%", "max"]].round(4).to_string())
checks.expect_at_most("batch norm: largest |unit mean|", np.abs(normalised.mean(0)).max(), 1e-4)
checks.expect_between("batch norm: smallest unit std", normalised.std(0).min(), 0.97, 1.0)

# %% [markdown]
# In a network, batch normalisation usually sits between a `Dense` layer (without its bias,
# which $\beta$ replaces) and the activation:

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
histories["batch norm"] = train(batch_norm_model)
summarise("batch norm", batch_norm_model)

# %% [markdown]
# Here batch normalisation lowered the best validation loss as well. On 1,000 images part of
# that is the regularising noise of batch statistics, part easier optimisation; in deep
# networks (lessons to come) the second matters most.

# %%
better = change("batch norm", "best val loss")
checks.expect_at_most("batch norm: change in best val loss", better, -0.01)

# %% [markdown]
# ## 9. Early stopping and checkpoints
#
# If the validation loss turns up after a few epochs, why keep training? A **callback** is an
# object that `fit` calls at fixed moments, here at the end of every epoch. Two of Keras's:
#
# - `EarlyStopping` watches `val_loss` and stops when it has not improved for `patience`
#   epochs; with `restore_best_weights=True` the model ends with the weights of its best epoch;
# - `ModelCheckpoint` saves the model to a file whenever `val_loss` improves, so the best model
#   survives a crash or the end of the session. We write it into a fresh temporary folder.
#
# (A third, `ReduceLROnPlateau`, cuts the learning rate, by default to a tenth, when the
# validation loss stops improving.)

# %%
checkpoint_path = os.path.join(tempfile.mkdtemp(), "best.keras")
callbacks = [
    keras.callbacks.EarlyStopping(monitor="val_loss", patience=4, restore_best_weights=True),
    keras.callbacks.ModelCheckpoint(checkpoint_path, monitor="val_loss", save_best_only=True),
]
early_model = baseline_network()
histories["early stopping"] = train(early_model, callbacks=callbacks)
summarise("early stopping", early_model)

# %% [markdown]
# Training stopped long before `EPOCHS`. The model we are left with has the weights of its
# best epoch, so evaluating it on the validation set gives exactly the best value of the curve,
# and the file on disk holds the very same weights.

# %%
early_val = histories["early stopping"]["val_loss"]
restored_loss = early_model.evaluate(x_val, y_val, batch_size=1000, verbose=0)[0]
from_disk = keras.models.load_model(checkpoint_path)
print(f"stopped after {len(early_val)} of {EPOCHS} epochs, best epoch {np.argmin(early_val) + 1}")
print(f"checkpoint {checkpoint_path}: {os.path.getsize(checkpoint_path) / 1e6:.1f} MB")
checks.expect_at_most("early stopping: epochs run", len(early_val), EPOCHS - 5)
checks.expect_close("restored val loss vs best of curve", restored_loss, min(early_val), rtol=1e-4)
flat = [np.concatenate([w.ravel() for w in m.get_weights()]) for m in (from_disk, early_model)]
checks.expect_close("checkpoint vs restored weights", *flat, rtol=0, atol=0)

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
augment = keras.Sequential(
    [
        keras.Input(shape=(28, 28, 1)),
        layers.RandomTranslation(0.1, 0.1, fill_mode="constant"),  # up to ±2.8 pixels
        layers.RandomRotation(0.04, fill_mode="constant"),  # up to ±0.04 turns = ±14 degrees
    ]
)
originals = x_train[:6].reshape(-1, 28, 28, 1)
variants = [np.asarray(augment(originals, training=True)) for _ in range(4)]
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
histories["augmentation"] = train(augmented_model)
summarise("augmentation", augmented_model)

# %%
compare(["baseline", "augmentation"], ["crossentropy", "accuracy"])

# %% [markdown]
# The network can no longer memorise its training images, since it never sees the same one
# twice: the training loss stays well above zero, and the validation loss drops further than
# with any other change to the model. This is remarkable for an MLP, which has no idea that
# neighbouring pixels are related; convolutional networks exploit augmentation even better.

# %%
others = [r["best val loss"] for n, r in results.items() if n not in ("augmentation", "4x data")]
lead = results["augmentation"]["best val loss"] - min(others)
checks.expect_at_most("augmentation minus the next best model change", lead, -0.02)

# %% [markdown]
# ## 11. All remedies, side by side
#
# Every row is the baseline's recipe with one change, trained on the same 1,000 images (except
# "4x data") for the same epochs, with the same seed and optimizer. Only now do we look at the
# test set, once. Notice that test *accuracy* moves much less than the validation loss: most
# remedies here cure over-confidence more than they fix wrong answers; the two that add
# information (more data, augmentation) gain the most accuracy too.

# %%
table = pd.DataFrame(results).T
ax = table[["best val loss", "late val loss"]].plot.barh(figsize=(8, 4.5), title="each remedy")
ax.axvline(table.loc["baseline", "best val loss"], color="black", linewidth=0.8)
ax.set(xlabel="validation cross-entropy (line: the baseline's best)")
ax.invert_yaxis()
plt.show()
table.round(3)

# %% [markdown]
# The remedies in words:
#
# | remedy | what it does | in Keras | here |
# |---|---|---|---|
# | more data | less room for the quirks of single examples | collect and label | lower validation loss all along |
# | smaller network | fewer weights to memorise with | fewer units or layers | overfits later, but learns less |
# | L2 penalty | keeps all weights small | `kernel_regularizer=regularizers.l2(0.001)` | lower best and late validation loss |
# | L1 penalty | drives many weights to zero (sparse) | `regularizers.l1(...)`, `regularizers.l1_l2(...)` | 0.001 is too strong for this network |
# | dropout | trains many thinned networks at once | `layers.Dropout(rate)` | smaller gap, lower late validation loss |
# | batch normalisation | standardises each unit's input per batch | `layers.BatchNormalization()` | lower best validation loss |
# | early stopping | stops near the best epoch, keeps its weights | `callbacks.EarlyStopping(restore_best_weights=True)` | the best weights for a fraction of the epochs |
# | checkpoints | save the best model to disk | `callbacks.ModelCheckpoint(path, save_best_only=True)` | insurance, not a remedy by itself |
# | data augmentation | makes new training examples from old ones | `layers.RandomTranslation`, `layers.RandomRotation`, ... | the largest gain of all the changes to the model |
#
# Remedies combine: a real model often uses several at once (augmentation, dropout, a little
# L2, and early stopping on top).

# %% [markdown]
# ## Summary
#
# - Train on the training set, choose on the validation set, report on the test set, once.
#   With little data, K-fold cross-validation gives a score together with its spread.
# - A large network on little data overfits: the training loss goes to zero while the
#   validation loss, after a few epochs, turns up.
# - The workflow: first build a model that *can* overfit (it has enough capacity), then
#   regularise it while watching the validation loss: more data, less capacity, weight
#   penalties, dropout, augmentation, and early stopping to keep the best epoch.
# - Keras's dropout is inverted: it scales the survivors by 1/(1 - rate) in training and does
#   nothing at inference. Keras's reported loss includes weight penalties, in training and
#   validation alike; compare models on the plain cross-entropy.
# - Measured against one baseline on 1,000 MNIST images, more data, augmentation, batch
#   normalisation, dropout and L2 all lowered the validation loss, augmentation most of all
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


checks.exercise_weight_penalty(weight_penalty)


# %% tags=["solution"]
def weight_penalty(kernels, l1, l2):
    return sum(l1 * np.sum(np.abs(w)) + l2 * np.sum(w**2) for w in kernels)


checks.exercise_weight_penalty(weight_penalty)

# %% [markdown]
# ### Exercise 2: inverted dropout in NumPy
#
# Write `my_dropout(x, rate, rng)` that does what a Keras `Dropout(rate)` layer does in
# training: zero each entry independently with probability `rate` (draw from the NumPy
# generator `rng`) and scale the survivors so that the expected output equals `x`.


# %% tags=["exercise"]
def my_dropout(x, rate, rng):
    # YOUR CODE HERE
    raise NotImplementedError


checks.exercise_inverted_dropout(my_dropout)


# %% tags=["solution"]
def my_dropout(x, rate, rng):
    keep = rng.random(x.shape) >= rate
    return np.where(keep, x / (1 - rate), 0.0)


checks.exercise_inverted_dropout(my_dropout)

# %% [markdown]
# ### Exercise 3: the early-stopping rule
#
# Write `early_stopping(val_losses, patience)` that returns `(best_epoch, epochs_run)`, both
# counted from 1, for a run whose validation losses are `val_losses`, epoch after epoch, when
# `EarlyStopping(monitor="val_loss", patience=patience)` watches it. The check replays its
# cases through Keras's own callback.


# %% tags=["exercise"]
def early_stopping(val_losses, patience):
    # YOUR CODE HERE
    raise NotImplementedError


checks.exercise_early_stopping(early_stopping)


# %% tags=["solution"]
def early_stopping(val_losses, patience):
    best_epoch = 1
    for epoch, loss in enumerate(val_losses[1:], start=2):
        if loss < val_losses[best_epoch - 1]:  # strictly better: a new best
            best_epoch = epoch
        elif epoch - best_epoch >= patience:  # `patience` epochs without a new best
            return best_epoch, epoch
    return best_epoch, len(val_losses)


checks.exercise_early_stopping(early_stopping)
