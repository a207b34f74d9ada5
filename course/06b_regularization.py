# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Overfitting II: dropout, batch normalization, early stopping and calibration
#
# **What you will learn**
#
# - what dropout does at training time and at inference time, in numbers, and how much it
#   helps a network that overfits;
# - *Monte Carlo dropout*: dropout left on at prediction time as a measure of uncertainty,
#   and whether it finds the digits the network gets wrong better than the plain softmax does;
# - batch normalization in training and at inference, and what its gain here is made of;
# - early stopping with checkpoints, and a preview of data augmentation;
# - *label smoothing*, and *calibration*: does a confidence of 90% mean right 9 times in 10?
#   Reliability diagrams, the expected calibration error, temperature scaling;
# - how much of each remedy's gain in validation loss is just less over-confidence.
#
# **What you need**: lesson 06a (the three data sets, the overfitting baseline, more data,
# smaller networks, weight penalties), lesson 03a (dropout, learning curves) and lesson 05a
# (RMSprop). The lesson runs in about a minute and a half on a laptop CPU.

# %%
import os
import tempfile

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from keras import layers

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
MC_PASSES = 30  # forward passes with dropout on, for Monte Carlo dropout

# %% [markdown] tags=["notes"]
# Say: lesson 06a made overfitting visible with a large network on 1,000 digits and measured the
# first remedies; this lesson measures the ones that change how the network trains (dropout, batch
# normalization, early stopping, augmentation, label smoothing) against the same baseline, and then
# asks what the validation loss rewards: better answers, or merely less over-confidence. Ask the
# room: "A network says 99% on every digit and is right 95% of the time. What is wrong with it?"
# (expected answer: it is over-confident; its 99% should mean right 99 times in 100).

# %% [markdown]
# ## 1. The data and the baseline (as in lesson 06a)
#
# As in lesson 06a: `TRAIN_SAMPLES` MNIST training images to learn from, `VALIDATION_SAMPLES`
# others to compare models by, both drawn through one shuffled index so that they cannot
# overlap, and the 10,000 test images kept for the end.

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
# The **baseline** is lesson 06a's: two hidden layers of 512 ReLU units, about 670,000 weights
# for 1,000 images. Every model gets the same inputs and outputs from `network(...)` and is
# trained by the same function `train`, so that the only difference between two runs is the
# remedy. The last `Dense(10)` layer gives ten raw scores, the *logits*, and a separate softmax
# turns them into probabilities: section 8 needs the logits. Besides the loss we track the
# plain **cross-entropy** as a metric (with label smoothing, section 7, the two differ). Learning
# curves are drawn live while a model trains (training: solid, validation: dashed).


# %%
def network(*hidden):  # 784 pixels in, the given hidden layers, 10 logits, 10 probabilities out
    return keras.Sequential(
        [keras.Input(shape=(784,)), *hidden, layers.Dense(10), layers.Activation("softmax")]
    )


def baseline_network():
    keras.utils.set_random_seed(SEED)  # same starting weights whenever we build it
    return network(layers.Dense(512, activation="relu"), layers.Dense(512, activation="relu"))


def train(model, epochs=EPOCHS, callbacks=(), title="", loss="sparse_categorical_crossentropy"):
    # compile and fit `model` the same way for every experiment; return its history dict.
    # With a title, its learning curves are drawn live while it trains (this changes nothing)
    metrics = [keras.metrics.SparseCategoricalCrossentropy(name="crossentropy"), "accuracy"]
    model.compile(keras.optimizers.RMSprop(), loss, metrics=metrics)
    settings = dict(batch_size=BATCH_SIZE, epochs=epochs, verbose=0, validation_batch_size=1000)
    live = [progress.LearningCurves(["crossentropy"], title, min_interval=5)] if title else []
    settings |= dict(validation_data=(x_val, y_val), callbacks=[*callbacks, *live])
    return model.fit(x_train, y_train, **settings).history  # validation_batch_size: faster


def predict(model, x):  # class probabilities, in inference mode
    return model.predict(x, batch_size=1000, verbose=0)


def compare(names, metrics=("crossentropy",)):
    return plotting.plot_history({n: histories[n] for n in names}, metrics, " vs ".join(names))


baseline = baseline_network()
histories = {"baseline": train(baseline, title="baseline")}
plotting.plot_history(histories["baseline"], ["crossentropy", "accuracy"], "baseline, 1,000 images")

# %% [markdown]
# Lesson 06a's picture: the training loss falls towards zero (the network memorizes its 1,000
# images), while the validation loss reaches its minimum after a few epochs and then turns up:
# the network grows more confident, and where it is wrong it is now confidently wrong.
# Validation accuracy hardly moves after the best epoch. The curve is jagged (16 steps an
# epoch): read the trend, not one epoch.

# %%
baseline_val = np.array(histories["baseline"]["val_crossentropy"])
best_epoch = int(np.argmin(baseline_val)) + 1
rise = np.median(baseline_val[-5:]) / baseline_val.min()  # the last 5 epochs, against the best
checks.expect_at_most("baseline: epoch of the best validation loss", best_epoch, EPOCHS // 2)
checks.expect_at_least("baseline: late / best validation loss", rise, 1.15)
last_train_loss = histories["baseline"]["crossentropy"][-1]
checks.expect_at_most("baseline: last training loss", last_train_loss, 0.01)

# %% [markdown]
# Each run is summarized by the numbers lesson 06a used: the **best validation cross-entropy**
# over the epochs and when it happened; the **late** validation cross-entropy, the median of
# the last five epochs; and the **gap** between validation and training cross-entropy of the
# final weights, both measured in inference mode. `summarize` also keeps each model for the
# closing sections.

# %%
results, models = {}, {}


def summarize(name, model):  # record the numbers we compare runs by (no test data), show them
    val_curve = histories[name]["val_crossentropy"]
    train_loss = lesson.crossentropy(predict(model, x_train), y_train)
    val_loss = lesson.crossentropy(predict(model, x_val), y_val)
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

# %% [markdown]
# ## 2. Dropout
#
# Lesson 03a introduced dropout: in training, a `Dropout(rate)` layer sets each of its inputs to
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
# each hidden layer. Lesson 03a's network used 0.2 after each hidden layer: on 50,000 images for
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
# ## 3. Dropout at prediction time: an uncertainty estimate
#
# At inference Keras switches dropout off. Leave it **on** instead and run the same digit
# through the network `MC_PASSES` times: every pass drops other units, so every pass is another
# thinned network, and the passes disagree where the network is unsure. This is **Monte Carlo
# dropout** (Gal and Ghahramani, 2016): average the passes' probabilities for the prediction,
# and measure the uncertainty by the *entropy* of that average,
# $H = -\sum_k \bar p_k \log \bar p_k$, which is 0 when all passes put everything on one class
# and $\log 10 \approx 2.3$ when the average is spread evenly over the ten. In Keras it is one
# argument: `model(x, training=True)`.

# %%
mc_passes = [dropout_model(x_val, training=True).numpy() for _ in range(MC_PASSES)]
mc_mean = np.mean(mc_passes, axis=0, dtype="float64")  # average of the thinned networks
plain_probabilities = predict(dropout_model, x_val).astype("float64")  # dropout off
mc_entropy = -np.sum(mc_mean * np.log(np.clip(mc_mean, 1e-12, 1)), axis=1)
softmax_doubt = 1 - plain_probabilities.max(axis=1)  # the plain alternative: 1 - confidence
mc_wrong = mc_mean.argmax(axis=1) != y_val
mc_accuracy, plain_accuracy = 1 - mc_wrong.mean(), np.mean(plain_probabilities.argmax(1) == y_val)
print(f"accuracy of the MC average {mc_accuracy:.4f}, of the plain prediction {plain_accuracy:.4f}")

# %% [markdown]
# Is the uncertainty useful? Sort the 2,000 validation digits from most certain to most
# uncertain, cut them into ten equal groups (deciles) and count the errors in each. A useful
# measure of uncertainty puts the errors in the last deciles. We do it twice: ranked by the MC
# entropy, and ranked by the plain network's doubt, 1 minus its largest softmax probability,
# which costs one pass instead of `MC_PASSES`.


# %%
by_entropy = lesson.errors_by_decile(mc_entropy, mc_wrong)  # ten error rates, certain first
by_softmax = lesson.errors_by_decile(softmax_doubt, plain_probabilities.argmax(1) != y_val)
top_rate, rest_rate = by_entropy[-1], by_entropy[:-1].mean()
share_caught = by_entropy[-1] * len(y_val) / 10 / mc_wrong.sum()
print(f"MC entropy: error rate {top_rate:.3f} in the most uncertain tenth, {rest_rate:.4f} else")
print(f"that tenth holds {share_caught:.0%} of all errors; softmax's tenth: {by_softmax[-1]:.3f}")
lesson.draw_error_deciles({"MC-dropout entropy": by_entropy, "1 - softmax confidence": by_softmax})

# %% [markdown]
# Both rankings work: the most uncertain tenth holds about half of all the errors (49-52% over
# seeds 6-8 by MC entropy), an error rate of about one in two there against one in twenty
# elsewhere. But the plain softmax confidence, one pass instead of thirty, did **as well**: its
# most uncertain tenth was as wrong or slightly more (1-3 points over seeds 6-8), so on these
# digits it singles out the errors no worse. Nor was the MC average more accurate than the
# plain prediction (0.05 to 0.35 points *less* accurate over the same seeds). MC dropout costs
# `MC_PASSES` times the computation; it earns it where the plain network's confidence is known to
# mislead, for instance on inputs unlike the training data, which we do not test here.
#
# Here are the twelve digits with the highest MC entropy, with the label and the MC prediction:

# %%
most_uncertain = np.argsort(mc_entropy, kind="stable")[::-1][:12]
captions = [f"label {y_val[i]}, says {mc_mean[i].argmax()}" for i in most_uncertain]
plotting.show_images(x_val[most_uncertain].reshape(-1, 28, 28), captions, ncols=6)

# %%
# over seeds 6-8: ratio 8.6-9.9, share 0.49-0.52, accuracy -0.0035 to -0.0005, top-tenth
# error rate by MC entropy minus by softmax doubt -0.03 to -0.01
checks.expect_at_least("MC: error rate most uncertain tenth / rest", top_rate / rest_rate, 5)
checks.expect_at_least("MC: share of all errors in that tenth", share_caught, 0.35)
checks.expect_between("MC minus plain accuracy", mc_accuracy - plain_accuracy, -0.01, 0.01)
entropy_lead = by_entropy[-1] - by_softmax[-1]  # > 0: the MC ranking found more errors
checks.expect_at_most("top-tenth error rate, MC entropy minus softmax doubt", entropy_lead, 0.02)

# %% [markdown] tags=["notes"]
# Show: the decile bars. Ask the room first: "Will the thirty thinned networks disagree most on
# the digits the network gets wrong?" (expected answer: yes, most of the errors sit in the most
# uncertain tenth). Then the honest part: the plain softmax confidence, one pass instead of
# thirty, did as well here, and the MC average was not more accurate either.

# %% [markdown]
# ## 4. Batch normalization
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
# Lessons 01b and 05 promised that normalization keeps a deep network's signal alive. Here is
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
# Batch normalization lowered the best validation loss here (checked below). Is that the noise
# of batch statistics acting as a regularizer, or easier optimization? The paper that
# introduced it (Ioffe and Szegedy, 2015) credits a steadier distribution of each layer's
# inputs and notes a regularizing side effect; Santurkar et al. (2018) argue that its main
# effect is a smoother loss surface, which lets the optimizer take larger useful steps.
# How the gain splits is still debated, and this lesson does not settle it. What we can
# measure here are the two symptoms: how fast the **training** loss falls (optimization) and
# the **gap** between validation and training loss of the final weights (overfitting).

# %%
fast = {}  # the first epoch with a training cross-entropy below 0.05 (EPOCHS + 1: never)
for name in ("baseline", "batch norm"):
    below = np.flatnonzero(np.less(histories[name]["crossentropy"], 0.05))
    fast[name] = int(below[0]) + 1 if len(below) else EPOCHS + 1
    print(f"{name}: training cross-entropy below 0.05 from epoch {fast[name]}")
compare(["baseline", "batch norm"])

# %% [markdown]
# Both symptoms show up together: with batch normalization the training loss falls below 0.05
# four epochs sooner (at epoch 3 instead of 7, seeds 6-8), *and* the final gap between
# validation and training loss is smaller (by 0.09 to 0.13). So this measurement cannot tell
# how much of the lower validation loss is regularization and how much is optimization; it
# only shows that both effects are present. Separating them would take more controlled
# experiments (e.g. batch normalization with much larger batches, less noise but the same
# normalization), beyond this lesson's budget.
#
# One caution when reading the batch-norm curve. The validation pass uses the running
# statistics, and with 16 steps per epoch and momentum 0.99 they lag: after $n$ epochs the
# starting values (mean 0, variance 1) still weigh $0.99^{16n}$, that is 85% after one epoch,
# 45% after five and 2% after 25. So the first epochs' validation losses of the batch-norm
# model describe a network whose statistics do not match its weights yet.

# %%
better = change("batch norm", "best val loss")
# over seeds 6-8: -0.055 to -0.041; 4 epochs sooner each time; gap -0.135 to -0.093
checks.expect_at_most("batch norm: change in best val loss", better, -0.015)
sooner = fast["batch norm"] - fast["baseline"]
checks.expect_at_most("batch norm minus baseline: epochs to training loss 0.05", sooner, -2)
checks.expect_at_most("batch norm: change in gap", change("batch norm", "gap val - train"), -0.04)

# %% [markdown]
# ## 5. Early stopping and checkpoints
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
stoppers = [early_stop, checkpoint]
histories["early stopping"] = train(early_model, callbacks=stoppers, title="early stopping")
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
# ## 6. Preview: data augmentation
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
# with any other remedy so far. This is remarkable for an MLP, which has no idea that
# neighbouring pixels are related; convolutional networks exploit augmentation even better.

# %%
augmented_train_loss = histories["augmentation"]["crossentropy"][-1]
checks.expect_at_least("augmentation: last training loss", augmented_train_loss, 0.05)
others = [r["best val loss"] for n, r in results.items() if n != "augmentation"]
lead = results["augmentation"]["best val loss"] - min(others)
checks.expect_at_most("augmentation minus the next best model change", lead, -0.02)

# %% [markdown]
# ## 7. Label smoothing
#
# The baseline's late validation loss rises because its predictions grow ever more confident,
# and nothing in the loss stops them: on a training image the cross-entropy keeps falling as
# the probability of the right class goes from 0.99 to 0.9999. **Label smoothing** changes the
# target instead of the network: rather than 1 for the right class and 0 for the nine others,
# it asks for $1 - \alpha + \alpha/10$ and $\alpha/10$, here 0.91 and 0.01 with $\alpha = 0.1$,
# so a network that says 0.9999 is penalized too. In Keras it is an argument of the non-sparse
# loss, `keras.losses.CategoricalCrossentropy(label_smoothing=0.1)`, which wants one-hot labels,
# so our loss turns the class numbers into one-hot rows first. The metric we compare by stays
# the plain cross-entropy against the true labels.


# %%
def smoothed_crossentropy(y_true, y_pred):  # our labels are class numbers: make them one-hot
    one_hot = keras.ops.one_hot(keras.ops.cast(keras.ops.reshape(y_true, (-1,)), "int32"), 10)
    return keras.losses.CategoricalCrossentropy(label_smoothing=0.1)(one_hot, y_pred)


smooth_model = baseline_network()
smoothed = train(smooth_model, title="label smoothing", loss=smoothed_crossentropy)
histories["label smoothing"] = smoothed
summarize("label smoothing", smooth_model)

# %%
compare(["baseline", "label smoothing"], ["crossentropy", "accuracy"])

# %% [markdown]
# Label smoothing does stop the late rise: the validation cross-entropy hardly turns up. Yet
# its *best* validation cross-entropy is worse than the baseline's, although its validation
# accuracy is as high or higher. A network trained to say at most about 0.91 is judged by a
# loss that wants 1.0 for every right answer: it is now *under*-confident. The next section
# measures that.

# %%
# over seeds 6-8: late val loss -0.077 to -0.029, best val loss +0.021 to +0.027
smooth_late = change("label smoothing", "late val loss")
checks.expect_at_most("label smoothing: change in late val loss", smooth_late, -0.01)
checks.expect_at_least(
    "label smoothing: change in best val loss", change("label smoothing", "best val loss"), 0.0
)

# %% [markdown]
# ## 8. Calibration: does 90% mean right 9 times in 10?
#
# A classifier is **calibrated** when its confidence (its largest probability) matches how
# often it is right: of all the digits on which it says 90%, about 90% should be correct. A
# **reliability diagram** sorts the digits into ten bins by confidence and plots each bin's
# accuracy against its confidence: a calibrated network follows the diagonal; bars below it
# mean over-confidence, above it under-confidence. The **expected calibration error** (ECE)
# adds up the bins' gaps |accuracy - confidence|, each weighted by its share of the digits.
#
# Miscalibration can be repaired after training by **temperature scaling** (Guo et al., 2017):
# divide the logits by one number $T$ before the softmax. $T > 1$ softens every prediction,
# $T < 1$ sharpens it; the predicted class, and so the accuracy, never changes. $T$ is chosen
# to minimize the cross-entropy on held-out data, and must then be judged on *other* data: we
# split the validation set in two halves, fit $T$ on half A (`lesson.fit_temperature` tries
# $T$ from 0.2 to 20 in steps of 1%) and measure everything on half B. (Early stopping chose
# its epoch on the whole validation set, so half B is not quite new to that model.)


# %%
def logits_of(model, x):  # the outputs of the last Dense layer, before the softmax
    logit_model = keras.Model(model.inputs, model.layers[-2].output)
    return logit_model.predict(x, batch_size=1000, verbose=0)


half_a, half_b = slice(0, VALIDATION_SAMPLES // 2), slice(VALIDATION_SAMPLES // 2, None)
calibrated, reliability = {}, {}
for name, model in models.items():
    logits = logits_of(model, x_val)
    temperature = lesson.fit_temperature(logits[half_a], y_val[half_a])  # fitted on half A
    before = lesson.softmax_with_temperature(logits[half_b])  # everything else on half B
    after = lesson.softmax_with_temperature(logits[half_b], temperature)
    reliability[name] = lesson.calibration(before, y_val[half_b])
    calibrated[name] = {
        "accuracy": reliability[name]["overall_accuracy"],
        "mean confidence": reliability[name]["mean_confidence"],
        "ECE": reliability[name]["ece"],
        "temperature": temperature,
        "loss": lesson.crossentropy(before, y_val[half_b]),
        "calibrated loss": lesson.crossentropy(after, y_val[half_b]),
    }
shown = ("baseline", "dropout", "augmentation", "label smoothing")
lesson.draw_reliability({name: reliability[name] for name in shown})

# %% [markdown]
# The baseline's bars sit below the diagonal: it says 96-97% on average and is right 89-92%
# of the time (seeds 6-8). Dropout and augmentation are closer to the diagonal. Label
# smoothing's bars sit far *above* it: its confidence is 72-78% while it is right 91-94% of the
# time (seeds 6-8), and its ECE is the worst of all. Now each model after temperature scaling,
# and each remedy's gain in validation loss over the baseline, before and after both are
# calibrated:

# %%
calibration_table = pd.DataFrame(calibrated).T
losses_b = calibration_table[["loss", "calibrated loss"]]
gains_b = losses_b.loc["baseline"] - losses_b  # each remedy's gain over the baseline, on half B
calibration_table["gain"] = gains_b["loss"]
calibration_table["gain once calibrated"] = gains_b["calibrated loss"]
ax = losses_b[::-1].plot.barh(figsize=(8, 4))
ax.set(xlabel="validation cross-entropy on half B", title="before and after temperature scaling")
plt.show()
calibration_table.round(3)

# %% [markdown]
# Read the table in three steps (ranges over seeds 6-8):
#
# - The baseline's fitted temperature is above 2 (2.1-2.3): its logits are more than twice too
#   large. Dividing them by one number, fitted on other digits, cuts its validation loss by
#   27-32%, with not a single answer changed.
# - Most of what dropout, batch normalization and early stopping gained in validation loss was
#   exactly that: lower over-confidence. Once baseline and remedy are both calibrated, dropout
#   keeps 11-18% of its gain and batch normalization 10-18%, and early stopping (the baseline's
#   own weights of an earlier epoch) ends up *worse* than the calibrated baseline.
# - Augmentation keeps a real gain (35-41% of it, 0.065-0.09 in loss), and label smoothing,
#   once sharpened by a temperature below 1 (0.49-0.60), goes from a gain of 0.02-0.07 to one of
#   0.03-0.08: its predictions were better than its loss said.
#
# So when remedies are compared by validation cross-entropy, as in lesson 06a and above, part
# of the reward is for confidence, not for better answers. Compare calibrated losses, or
# accuracy, when the answers are what matters.

# %%
base = calibrated["baseline"]
over_confidence = base["mean confidence"] - base["accuracy"]
kept = gains_b["calibrated loss"] / gains_b["loss"]  # share of the gain left once calibrated
smooth = calibrated["label smoothing"]
# over seeds 6-8, in the order of the checks: 2.12-2.30; 0.047-0.070; 0.68-0.73; 0.14-0.18;
# -0.025 to -0.012; 0.065-0.090; 0.49-0.60; -0.19 to -0.15
checks.expect_at_least("baseline: fitted temperature", base["temperature"], 1.5)
checks.expect_at_least("baseline: mean confidence minus accuracy", over_confidence, 0.02)
calibration_gain = base["calibrated loss"] / base["loss"]
checks.expect_at_most("baseline: calibrated / uncalibrated loss", calibration_gain, 0.85)
most_kept = kept[["dropout", "batch norm", "early stopping"]].max()
checks.expect_at_most("dropout, batch norm, early stopping: most gain kept", most_kept, 0.4)
early_gain = gains_b.loc["early stopping", "calibrated loss"]
checks.expect_at_most("early stopping: loss gain once calibrated", early_gain, 0.01)
augmented_gain = gains_b.loc["augmentation", "calibrated loss"]
checks.expect_at_least("augmentation: loss gain once calibrated", augmented_gain, 0.03)
checks.expect_at_most("label smoothing: fitted temperature", smooth["temperature"], 0.8)
under_confidence = smooth["mean confidence"] - smooth["accuracy"]
checks.expect_at_most("label smoothing: mean confidence minus accuracy", under_confidence, -0.08)

# %% [markdown]
# ### Explore: the temperature
#
# The baseline's logits on half B, divided by a temperature $T$ of your choice, and the
# reliability diagram that results. Start at $T = 1$ (what the network says), then move
# towards the fitted temperature (2.1-2.3 over seeds 6-8): the bars climb towards the
# diagonal and the cross-entropy falls, while the accuracy stays put. Go further, and the
# network turns under-confident, like the label-smoothing model, and the loss rises again.

# %%
baseline_logits = logits_of(baseline, x_val)
lesson.temperature_explorer(baseline_logits[half_b], y_val[half_b])

# %% [markdown] tags=["notes"]
# Show: the reliability diagrams, the bars before and after temperature scaling, then move the
# temperature slider from 1 to about 2.2 and on to 4. Ask the room first: "If one number T
# removes about 30% of the baseline's validation loss without changing a single answer, what were
# the remedies partly rewarded for?" (expected answer: for being less over-confident; once
# calibrated, dropout and batch normalization keep under a fifth of their gain, augmentation keeps
# a real one).

# %% [markdown]
# ## 9. All remedies, side by side
#
# Every row is the baseline's recipe with one change, trained on the same 1,000 images with
# the same seed and optimizer, for `EPOCHS` epochs, except early stopping, which ended its own
# run. Lesson 06a's remedies (more data, a smaller network, weight penalties) are not rerun
# here: their numbers are in lesson 06a and in benchmarks/RESULTS.md. Only now do we look at
# the test set, once, with every model as it ended training.

# %%
for name, model in models.items():
    results[name]["test accuracy"] = np.mean(predict(model, x_test).argmax(axis=1) == y_test)
    results[name]["calibrated loss (half B)"] = calibrated[name]["calibrated loss"]
table = pd.DataFrame(results).T
columns = ["best val loss", "late val loss", "calibrated loss (half B)"]
ax = table[columns][::-1].plot.barh(figsize=(8, 5))
ax.legend(loc="lower right")
ax.axvline(table.loc["baseline", "best val loss"], color="black", linewidth=0.8)
ax.set(title="each remedy", xlabel="validation cross-entropy (line: the baseline's best)")
plt.show()
table.round(3)

# %% [markdown]
# As the calibration suggested, test *accuracy* moves much less than the validation loss.
# Dropout, batch normalization and early stopping changed it by less than one point, up or
# down (seeds 6-8): they cure over-confidence more than they fix wrong answers. Augmentation
# gained 1.1-1.9 points and label smoothing 0.5-2.1 points over the same seeds; with only three
# seeds and gains of that size, take these as "probably a little better", not as a ranking.

# %%
gains = table["test accuracy"] - table.loc["baseline", "test accuracy"]
calm = gains[["dropout", "batch norm", "early stopping"]].abs().max()
# over seeds 6-8: calm at most 0.009; augmentation 0.011-0.019
checks.expect_at_most("those three: biggest test accuracy change", calm, 0.02)
checks.expect_at_least("augmentation: change in test accuracy", gains["augmentation"], 0.005)

# %% [markdown]
# The remedies of this lesson in words (lesson 06a has more data, a smaller network and the
# weight penalties):
#
# | remedy | what it does | in Keras | here |
# |---|---|---|---|
# | dropout | trains many thinned networks at once | `layers.Dropout(rate)` | smaller gap, lower late validation loss; most of the gain is calibration |
# | MC dropout | dropout left on at prediction time: an uncertainty estimate | `model(x, training=True)`, `MC_PASSES` times | finds the errors, but no better than the plain softmax confidence |
# | batch normalization | standardizes each unit's input per batch | `layers.BatchNormalization()` | faster training *and* a smaller gap; how the gain splits is debated |
# | early stopping | stops near the best epoch, keeps its weights | `callbacks.EarlyStopping(restore_best_weights=True)` | the best weights for a fraction of the epochs |
# | checkpoints | save the best model to disk | `callbacks.ModelCheckpoint(path, save_best_only=True)` | insurance, not a remedy by itself |
# | data augmentation | makes new training examples from old ones | `layers.RandomTranslation`, `layers.RandomRotation`, ... | the largest gain, and one that survives calibration |
# | label smoothing | targets 0.91 / 0.01 instead of 1 / 0 | `losses.CategoricalCrossentropy(label_smoothing=0.1)` | no late rise, but under-confident: calibrate it |
# | temperature scaling | divides the logits by one number fitted on held-out data | a few lines after training | about 30% off the baseline's loss, no answer changed |
#
# Remedies combine: a real model often uses several at once (augmentation, dropout, a little
# L2, and early stopping on top), and temperature scaling can follow any of them.

# %% [markdown] tags=["notes"]
# Say: only at the end is the test set used, once, for every model. Dropout, batch normalization
# and early stopping moved test accuracy by less than a point; augmentation and label smoothing
# gained one to two. Ask the room: "So what do dropout, batch normalization and early stopping
# mainly cure here?" (expected answer: over-confidence, more than wrong answers; the calibrated
# losses of section 8 said the same before we looked at the test set).

# %% [markdown]
# ## Summary
#
# - Keras's dropout is inverted: it scales the survivors by 1/(1 - rate) in training and does
#   nothing at inference. Batch normalization uses batch statistics in training and running
#   averages at inference.
# - Left on at prediction time, dropout gives an uncertainty estimate (MC dropout) whose most
#   uncertain tenth holds half the errors; here the plain softmax confidence did as well.
# - Batch normalization made the training loss fall faster and the gap smaller; how much of its
#   gain is regularizing noise and how much easier optimization is debated.
# - Early stopping keeps the best epoch's weights (and a checkpoint keeps them on disk);
#   augmentation makes new training images and gave the largest gain.
# - Calibration: a confidence of 90% should mean right 9 times in 10. The overfit baseline is
#   over-confident, label smoothing under-confident; one temperature, fitted on held-out data,
#   repairs much of either, without changing any answer.
# - Judged by validation cross-entropy, remedies are partly rewarded for lower over-confidence:
#   once calibrated, dropout and batch normalization kept under a fifth of their gain, and
#   augmentation kept a real one. Test accuracy told the same story.

# %% [markdown]
# ## Exercises
#
# Each exercise has a cell for your code, a self-check that says PASS or gives a hint, and a
# hidden solution cell below it (click to expand; running it shows the check passing).
#
# ### Exercise 1: inverted dropout in NumPy
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
# ### Exercise 2: the early-stopping rule
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
