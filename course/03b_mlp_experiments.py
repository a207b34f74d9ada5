# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Three experiments with multilayer perceptrons
#
# **What you will learn**
#
# - what the width of a network does *by itself*, everything else fixed: one change at a time
#   is what lets a comparison name its cause;
# - what a **bottleneck** does: a hidden layer of 4 units between the image and a wide layer,
#   and why no layer after it can make up for what it threw away;
# - what accuracy means when the labels carry nothing: a network trained on **shuffled
#   labels** learns its training set by heart and stays at chance on new images.
#
# **What you need**: lesson 03a (the 512-512 network, dropout, the validation split). The
# lesson runs in about two minutes on a laptop CPU; most of it is training, 14 small runs.
#
# Every number here is measured on the **validation set** carved from the training images, as
# in lesson 03a. These are experiments, not the choice of a final model, so the test set is
# not used at all.

# %%
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers import checks, datasets, plotting, progress
from helpers.lessons import mlp_experiments as lesson

plotting.use_course_style()
SEED = 3
keras.utils.set_random_seed(SEED)  # same weights, same batches, same numbers on every run

BATCH_SIZE = 128
EPOCHS = 3  # per run in sections 2 and 3; enough to separate the networks, not to finish them
SHUFFLED_EPOCHS = 20  # per run in section 4, on 2,000 images

# %% [markdown] tags=["notes"]
# Say: lesson 03a compared a small and a large network that differed in five ways at once, so it
# could not say which difference mattered. Here each experiment changes one thing. Ask the room:
# "If we only widen the 512-512 network, does accuracy keep rising?" (expected answer: it rises
# steeply from 16 to 256 units, then hardly at all in three epochs).

# %% [markdown]
# ## 1. Data: the same split as lesson 03a
#
# 50,000 training images, the last 10,000 of the training set for validation, pixels scaled to
# $[0, 1]$ and flattened to 784 numbers; integer labels with `sparse_categorical_crossentropy`.

# %%
(x_all, y_all), _ = datasets.load_mnist()  # the test set stays unused in this lesson
x_all = x_all.reshape(-1, 784).astype("float32") / 255
x_train, y_train = x_all[:50_000], y_all[:50_000]
x_val, y_val = x_all[50_000:], y_all[50_000:]
checks.expect_equal("training and validation images", [len(x_train), len(x_val)], [50_000, 10_000])


def train(network, images, labels, epochs, validation=(x_val, y_val)):
    """Compile with RMSprop (as in lesson 03a), fit quietly, return (History, seconds)."""
    network.compile(
        optimizer=keras.optimizers.RMSprop(),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    start = time.perf_counter()
    history = network.fit(
        images, labels, batch_size=BATCH_SIZE, epochs=epochs, verbose=0,
        validation_data=validation,
    )  # fmt: skip
    return history, time.perf_counter() - start


# %% [markdown]
# ## 2. Width alone
#
# Lesson 03a's network with two hidden ReLU layers, each followed by dropout 0.2, but with
# `width` units per hidden layer instead of 512. Same seed, optimizer, learning rate, batch size
# and epochs for every width: the only difference is the width.


# %%
def two_hidden_layers(width):
    return keras.Sequential(
        [
            keras.Input(shape=(784,)),
            keras.layers.Dense(width, activation="relu"),
            keras.layers.Dropout(0.2),
            keras.layers.Dense(width, activation="relu"),
            keras.layers.Dropout(0.2),
            keras.layers.Dense(10, activation="softmax"),
        ],
        name=f"width_{width}",
    )


widths = [16, 64, 256, 1024]
by_width = {}
for width in progress.bar(widths, "widths"):
    keras.utils.set_random_seed(SEED)
    network = two_hidden_layers(width)
    history, seconds = train(network, x_train, y_train, EPOCHS)
    by_width[width] = {
        "parameters": network.count_params(),
        "seconds": seconds,
        "training accuracy (last epoch)": history.history["accuracy"][-1],
        "validation accuracy": history.history["val_accuracy"][-1],
    }
by_width = pd.DataFrame(by_width).T
by_width.round(4)

# %%
fig, ax = plt.subplots(figsize=(7, 3.6))
ax.semilogx(by_width["parameters"], by_width["validation accuracy"], "-o")
for width, row in by_width.iterrows():
    ax.annotate(f"width {width}", (row["parameters"], row["validation accuracy"]), fontsize=8)
ax.set(xlabel="parameters (log scale)", ylabel="validation accuracy")
ax.set_title(f"two hidden layers, dropout 0.2, {EPOCHS} epochs: only the width changes")
plt.show()

# %% [markdown]
# Width matters, until it does not: from 16 to 64 units per layer the validation accuracy
# gains several points, from 256 to 1024 (16 times the parameters of 256, and several times
# the seconds) a fraction of a point. Over seeds 1 to 3 the steps were 4.2 to 4.5 points
# (16 to 64) and 0.2 to 0.3 points (256 to 1024). So, with everything else fixed, the
# 512-unit network of lesson 03a sits where more width buys little in three epochs. Note what
# this does *not* show either: longer training, another learning rate or no dropout could move
# the curve; each would be a separate experiment.

# %%
accuracy = by_width["validation accuracy"]
checks.expect_at_least(
    "width 64 minus width 16: validation accuracy", accuracy[64] - accuracy[16], 0.025
)
checks.expect_at_most(
    "width 1024 minus width 256: validation accuracy", accuracy[1024] - accuracy[256], 0.012
)
checks.expect_at_least("width 1024: validation accuracy", accuracy[1024], 0.97)

# %% [markdown]
# ## 3. A bottleneck
#
# Now a network whose first hidden layer is narrow: 784 pixels into `width` ReLU units, then a
# wide layer of 512 and the output. Everything the later layers know about the image must pass
# through those `width` numbers. The reference is the same network without the narrow layer,
# 784-512-10.


# %%
def bottleneck_network(width=None):
    narrow = [keras.layers.Dense(width, activation="relu")] if width else []
    return keras.Sequential(
        [
            keras.Input(shape=(784,)),
            *narrow,
            keras.layers.Dense(512, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ],
        name=f"bottleneck_{width}" if width else "no_bottleneck",
    )


by_bottleneck = {}
for width in progress.bar([4, 8, 16, 32, None], "bottlenecks"):
    keras.utils.set_random_seed(SEED)
    history, _ = train(bottleneck_network(width), x_train, y_train, EPOCHS)
    by_bottleneck[width or "none (784-512-10)"] = {
        "training accuracy (last epoch)": history.history["accuracy"][-1],
        "validation accuracy": history.history["val_accuracy"][-1],
    }
by_bottleneck = pd.DataFrame(by_bottleneck).T
by_bottleneck.round(4)

# %% [markdown]
# Four numbers per image are too few: the 4-unit bottleneck loses about ten points against the
# same network without it (over seeds 1 to 3, 9.6 to 10.5 points), and the loss shrinks as the
# bottleneck widens. It is not overfitting: the *training* accuracy is as low as the
# validation accuracy, so the network cannot even fit the images it trains on. The 512 units
# after the bottleneck cannot help, because a layer only computes from its inputs: whatever
# distinguished a 4 from a 9 and did not survive the squeeze into four numbers is gone for
# every later layer. (Four numbers could in principle hold a lot, but a ReLU layer trained for
# three epochs does not find such a code; lesson 10b's autoencoders squeeze images on purpose.)

# %%
bottleneck_accuracy = by_bottleneck["validation accuracy"]
bottleneck_cost = bottleneck_accuracy.iloc[-1] - bottleneck_accuracy[4]
checks.expect_at_least(
    "no bottleneck minus 4-unit bottleneck: validation accuracy", bottleneck_cost, 0.06
)
checks.expect_at_least(
    "32-unit minus 4-unit bottleneck", bottleneck_accuracy[32] - bottleneck_accuracy[4], 0.04
)
fit_gap = by_bottleneck["training accuracy (last epoch)"][4] - bottleneck_accuracy[4]
checks.expect_at_most("4-unit bottleneck: training minus validation accuracy", fit_gap, 0.02)

# %% [markdown] tags=["notes"]
# Say: the 4-unit bottleneck costs about ten points, and its training accuracy is just as low, so
# this is lost information, not overfitting; no later layer can get back what the narrow layer
# discarded. Ask the room: "Would a bottleneck of 4 units *after* the 512-unit layer hurt as
# much?" (exercise 2 builds that network; let them guess, then try it).

# %% [markdown]
# ## 4. Shuffled labels: what accuracy means when the labels carry nothing
#
# Take 2,000 training images and shuffle a fraction of their labels among themselves: the
# shuffled images keep a label, but one that belongs to another image, so it says nothing
# about the digit. Then train a 512-512 ReLU network without dropout for 20 epochs on them,
# measuring validation accuracy (on 2,000 validation images, true labels) after each epoch.
# Fractions 0%, 25%, 50%, 75% and 100%.

# %%
few_images, few_labels = x_train[:2000], y_train[:2000]
validation_few = (x_val[:2000], y_val[:2000])
rng = np.random.default_rng(SEED)
shuffled_curves = {}
for fraction in progress.bar([0.0, 0.25, 0.5, 0.75, 1.0], "shuffled fractions"):
    labels = few_labels.copy()
    chosen = rng.choice(len(labels), size=int(fraction * len(labels)), replace=False)
    labels[chosen] = labels[rng.permutation(chosen)]  # the chosen labels, shuffled among them
    keras.utils.set_random_seed(SEED)
    memorizer = keras.Sequential(
        [
            keras.Input(shape=(784,)),
            keras.layers.Dense(512, activation="relu"),
            keras.layers.Dense(512, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    history, _ = train(memorizer, few_images, labels, SHUFFLED_EPOCHS, validation=validation_few)
    shuffled_curves[fraction] = history.history
    print(
        f"{fraction:4.0%} shuffled: labels still right {np.mean(labels == few_labels):.0%}, "
        f"training accuracy {history.history['accuracy'][-1]:.3f}, "
        f"validation {history.history['val_accuracy'][-1]:.3f}"
    )

# %% [markdown]
# ## 5. Explore: shuffled labels
#
# Move the slider through the fractions. The solid line is the accuracy on the training labels
# the network was *given* (shuffled ones included), the dashed line the validation accuracy on
# true labels, gray the unshuffled run, red dotted the chance level of 10%.
#
# Try: 100%, then 50%. Where does the training accuracy go, and where the validation accuracy?

# %%
explorer = lesson.shuffled_labels_explorer(shuffled_curves)
explorer

# %% [markdown]
# With every label shuffled the network still climbs on its training set: it memorizes
# which image got which (meaningless) label, because 669,706 weights can store 2,000 arbitrary
# answers. On new images it stays at chance, about 10%: a training accuracy far above chance
# shows that a network *can fit* its data, not that it has learnt anything. Only the validation
# set, with true labels, can tell the two apart. With half the labels shuffled the validation
# accuracy stays well above chance: the true half still teaches the digits. But look at its
# shape: it peaks after a few epochs and then *falls* while the training accuracy keeps
# rising, as the network learns the wrong half by heart (lesson 06b stops training at such a
# peak). Over seeds 1 to 3, with all labels shuffled, the training accuracy after 20 epochs
# was 0.84 to 0.86 and the validation accuracy 0.10 to 0.11; with half shuffled, the
# validation accuracy peaked at 0.79 to 0.82 (epochs 3 to 5) and ended at 0.64 to 0.65. (Those
# seed ranges come from a script with the same networks that shuffled only 0%, 50% and 100%
# and scored all 10,000 validation images; this lesson's own run, seed 3, ends lower at 50%,
# 0.56: which labels get shuffled matters.)

# %%
all_shuffled = shuffled_curves[1.0]
checks.expect_between(
    "100% shuffled: validation accuracy", all_shuffled["val_accuracy"][-1], 0.05, 0.16
)
memorized = all_shuffled["accuracy"][-1] - all_shuffled["val_accuracy"][-1]
checks.expect_at_least("100% shuffled: training minus validation accuracy", memorized, 0.4)
checks.expect_at_least(
    "0% shuffled: validation accuracy", shuffled_curves[0.0]["val_accuracy"][-1], 0.88
)
half_shuffled = shuffled_curves[0.5]["val_accuracy"]
checks.expect_at_least("50% shuffled: validation accuracy", half_shuffled[-1], 0.4)
checks.expect_at_least(
    "50% shuffled: best minus last", max(half_shuffled) - half_shuffled[-1], 0.05
)

# %% [markdown] tags=["notes"]
# Show: the slider at 100%, where the training accuracy climbs while the validation accuracy stays
# on the chance line, then 50%. Ask the room: "A network reaches 85% training accuracy on labels
# that were shuffled at random. What has it learnt about digits?" (expected answer: nothing; it
# memorized 2,000 arbitrary answers, and the validation set at 10% shows it).

# %% [markdown]
# ## Summary
#
# - A comparison names a cause only when it changes one thing. Width alone, with everything
#   else fixed: a lot from 16 to 64 units per layer, little from 256 to 1024 in three epochs.
# - A 4-unit bottleneck before a wide layer costs about ten points, on the training images as
#   much as on the validation images: information thrown away early cannot be recovered later.
# - A network can memorize labels that carry nothing: training accuracy rises far above
#   chance while validation accuracy stays at about 10%. Judge a network on data it has not
#   seen, with true labels.
#
# This run's numbers:

# %%
print(f"width 16 / 64 / 256 / 1024: {np.round(accuracy.to_numpy(), 4)}")
print(f"4-unit bottleneck costs {bottleneck_cost:.3f} of validation accuracy")
print(f"all labels shuffled: training {all_shuffled['accuracy'][-1]:.3f}", end=", ")
print(f"validation {all_shuffled['val_accuracy'][-1]:.3f}")

# %% [markdown]
# ## Exercises
#
# Each exercise has a cell for your code, a self-check that says PASS or gives a hint, and a
# hidden solution cell below it (click to expand; running it shows the check passing).
#
# ### Exercise 1: the chance level, measured
#
# "Chance" was drawn at 10%, but the digits are not exactly equally common. Write
# `chance_accuracy(train_labels, val_labels)`: the validation accuracy of a "classifier" that
# ignores the image and always answers the commonest digit *of the training labels*. It
# returns a fraction. Then print it for `y_train` and `y_val`.


# %% tags=["exercise"]
def chance_accuracy(train_labels, val_labels):
    # YOUR CODE HERE
    raise NotImplementedError


lesson.exercise_chance_accuracy(chance_accuracy)


# %% tags=["solution"]
def chance_accuracy(train_labels, val_labels):
    commonest = np.bincount(train_labels, minlength=10).argmax()  # chosen on training labels
    return float(np.mean(val_labels == commonest))  # scored on validation labels


lesson.exercise_chance_accuracy(chance_accuracy)
print(f"chance accuracy on the validation set: {chance_accuracy(y_train, y_val):.4f}")

# %% [markdown]
# ### Exercise 2: a bottleneck after the wide layer
#
# Write `late_bottleneck(width)` returning an (untrained) Keras model 784-512-`width`-10:
# a 512-unit ReLU layer, *then* a narrow ReLU layer of `width` units, then the softmax output.
# Then, if you like, train `late_bottleneck(4)` with `train(...)` and compare its validation
# accuracy with the table of section 3: does the place of the bottleneck matter?


# %% tags=["exercise"]
def late_bottleneck(width):
    # YOUR CODE HERE
    raise NotImplementedError


lesson.exercise_late_bottleneck(late_bottleneck)


# %% tags=["solution"]
def late_bottleneck(width):
    return keras.Sequential(
        [
            keras.Input(shape=(784,)),
            keras.layers.Dense(512, activation="relu"),
            keras.layers.Dense(width, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )


lesson.exercise_late_bottleneck(late_bottleneck)
