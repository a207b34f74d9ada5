# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Gradient descent and optimizers III: the learning rate and its schedule
#
# **What you will learn**
#
# - what a learning rate too small, too large and Keras's default do to the same network;
# - the **learning-rate range test**: one short run in which the rate grows every batch, a
#   rule that reads a rate off its curve, that rate checked against rates ten times above and
#   below, and what the test cannot tell you;
# - **schedules**, measured: exponential, piecewise-constant and cosine decay, a linear
#   warmup before the cosine, and a one-cycle schedule we write ourselves, all against a
#   constant rate with the same peak, from the same start, for the same number of steps;
# - `ReduceLROnPlateau`: when it cut the rate, and what the cuts bought;
# - the **batch size** and the learning rate at a fixed budget of epochs: fewer, larger steps
#   need a larger rate; and what each batch size costs per epoch on this CPU.
#
# **What you need**: lesson 05a (gradient descent and Adam's update rule); lesson 05b (the
# Keras optimizers on MNIST). Every run trains lesson 05b's 784-128-10 network with Adam. The
# lesson runs in about two minutes on a laptop CPU, nearly all of it 18 short training runs.

# %%
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import tensorflow as tf

from helpers import checks, datasets, plotting, progress
from helpers.lessons import learning_rate as lesson

plotting.use_course_style()
SEED = 5
keras.utils.set_random_seed(SEED)  # same weights, same batches, same numbers on every run

# Settings that cost time. On a GPU try TRAIN_SAMPLES = 50_000 and EPOCHS = 20.
TRAIN_SAMPLES = 20_000  # training digits for every run
EPOCHS = 5  # epochs of every run
BATCH_SIZE = 128  # mini-batch size, except in section 5
RANGE_STEPS = 300  # batches in the learning-rate range test (about two epochs)

# %% [markdown] tags=["notes"]
# Say: of all the settings of training, the learning rate matters most, and it need not be a
# single number. Today: how to find a good one in a single short run (the range test), how to
# change it during training (schedules and ReduceLROnPlateau), and how it depends on the batch
# size. Everything is measured on the same small MNIST network. Ask the room: "What happens if
# the learning rate is ten times too large?" (expected answer: the steps overshoot, the loss
# stalls or climbs; we will see it in the first figure).

# %% [markdown]
# ## 1. Too small, too large, and the default
#
# The first `TRAIN_SAMPLES` training digits train; the last 10,000 of the training set
# validate (they are never trained on). The network is 784 -> 128 ReLU -> 10 softmax, and
# `mlp()` builds it from the same initial weights every time, so that runs differ only in what
# we change. `train` fits it and returns the history (loss and accuracy per epoch) and the
# seconds the fit took.

# %%
(x_train, y_train), _ = datasets.load_mnist()  # the test set stays unused: these are experiments
x_train = x_train.reshape(-1, 28 * 28).astype("float32") / 255
x_val, y_val = x_train[50_000:], y_train[50_000:]  # 10,000 digits never used for training
x_train, y_train = x_train[:TRAIN_SAMPLES], y_train[:TRAIN_SAMPLES]
steps_per_epoch = int(np.ceil(TRAIN_SAMPLES / BATCH_SIZE))
total_steps = EPOCHS * steps_per_epoch  # 785 steps in every run of sections 1 to 4


def mlp():
    keras.utils.set_random_seed(SEED)  # the same initial weights for every run
    hidden = keras.layers.Dense(128, activation="relu")
    return keras.Sequential([keras.Input(shape=(784,)), hidden, keras.layers.Dense(10, "softmax")])


def train(optimizer, batch_size=BATCH_SIZE, callbacks=()):  # history (per epoch) and seconds
    model = mlp()
    model.compile(optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    fit = dict(epochs=EPOCHS, validation_data=(x_val, y_val), callbacks=list(callbacks), verbose=0)
    start = time.perf_counter()
    history = model.fit(x_train, y_train, batch_size=batch_size, **fit).history
    return history | {"seconds": time.perf_counter() - start}


runs = {}
for rate in progress.bar([1e-5, 1e-3, 1e-2, 1e-1], "runs"):
    runs[rate] = train(keras.optimizers.Adam(rate))
epochs = np.arange(1, EPOCHS + 1)
loss_curves = {f"rate {rate:g}": (epochs, h["loss"]) for rate, h in runs.items()}
plotting.plot_curves(loss_curves, "epoch", "training loss (log)", "Adam, four rates", log_y=True)

# %%
loss = {rate: h["loss"][-1] for rate, h in runs.items()}
accuracy = {rate: h["val_accuracy"][-1] for rate, h in runs.items()}
print(pd.DataFrame({"training loss": loss, "validation accuracy": accuracy}).round(4))
checks.expect_at_most("validation accuracy, rate 1e-5", accuracy[1e-5], 0.85)
too_large = runs[1e-1]["loss"]  # one value per epoch
checks.expect_at_least("rate 1e-1: loss, last / 2nd epoch", too_large[-1] / too_large[1], 0.8)
checks.expect_at_least("rate 1e-1: loss / rate 1e-3's", loss[1e-1] / loss[1e-3], 2)
checks.expect_at_most("training loss: rate 1e-2 / 1e-3", loss[1e-2] / loss[1e-3], 0.6)

# %% [markdown]
# At $10^{-5}$ the network is far from trained after all five epochs (validation accuracy 0.68
# to 0.74 over seeds 1-5): each step is too small. At $10^{-1}$ the training loss stops falling
# after the second epoch and ends 3.4 to 3.6 times higher than at the default, because each step
# throws the weights past the good region. And Keras's default, $10^{-3}$, is a safe start
# rather than the best rate for this network: at $10^{-2}$ the training loss ends at 0.39 to
# 0.46 of the default's. Trying rates by whole runs costs a run each; the next section finds a
# rate in one short run.

# %% [markdown]
# ## 2. The learning-rate range test
#
# Leslie Smith's range test (fastai calls it `lr_find`): train from the initial weights for a
# few hundred batches while the rate grows by the same factor every batch, here from
# $10^{-6}$ to $1$ in `RANGE_STEPS` batches, and record the loss of every batch. While the rate
# is tiny the loss stays put; then it starts to fall; at some point the steps become too large
# and it shoots up. We write the loop with a `GradientTape` (lesson 02) so that every batch's
# own loss is in plain sight (`fit` reports a running average over the epoch instead).

# %%
model, optimizer = mlp(), keras.optimizers.Adam()
loss_fn = keras.losses.SparseCategoricalCrossentropy()
range_rates = np.geomspace(1e-6, 1.0, RANGE_STEPS)  # each rate 1.047 times the one before
order = np.random.default_rng(SEED).permutation(np.tile(np.arange(TRAIN_SAMPLES), 2))


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        batch_loss = loss_fn(y, model(x, training=True))
    gradients = tape.gradient(batch_loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables, strict=True))
    return batch_loss


range_losses = []
for step, rate in enumerate(progress.bar(range_rates, "batches")):
    optimizer.learning_rate = rate  # the rate of this one batch
    batch = order[step * BATCH_SIZE : (step + 1) * BATCH_SIZE]
    range_losses.append(float(train_step(x_train[batch], y_train[batch])))
smooth_losses = lesson.smoothed(range_losses, beta=0.9)  # a running average, bias-corrected

# %% [markdown]
# The raw losses jump from batch to batch, so we read the curve through a running average
# (`lesson.smoothed`: each value 0.9 times the previous average plus 0.1 times the new loss,
# corrected at the start as Adam corrects its moments). The rule we use: **a tenth of the rate
# at which the smoothed loss is lowest**. At the lowest point the rate is already on the edge
# of blowing up; a tenth of it is still large but safely below the edge.

# %%
lowest_at = np.nanargmin(smooth_losses)
picked_rate = range_rates[lowest_at] / 10
fig, ax = plt.subplots(figsize=(7, 3.6))
ax.semilogx(range_rates, range_losses, color="0.75", lw=0.8, label="each batch")
ax.semilogx(range_rates, smooth_losses, "C0", label="smoothed (beta 0.9)")
ax.axvline(range_rates[lowest_at], color="C3", ls=":", label="lowest smoothed loss")
ax.axvline(picked_rate, color="C2", ls="--", label=f"a tenth of it: {picked_rate:.2g}")
ax.set(xlabel="learning rate (log)", ylabel="training loss", ylim=(0, 4))
ax.set_title(f"Range test: Adam, rate from 1e-6 to 1 over {RANGE_STEPS} batches")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# Does the picked rate train well? Three full runs: the picked rate, ten times less and ten
# times more.

# %%
candidates = {
    "picked / 10": picked_rate / 10,
    "picked": picked_rate,
    "picked x 10": picked_rate * 10,
}
picked_runs = {
    name: train(keras.optimizers.Adam(r)) for name, r in progress.bar(candidates.items(), "runs")
}
picked_table = pd.DataFrame(
    {name: {"rate": candidates[name], "training loss": h["loss"][-1],
            "validation accuracy": h["val_accuracy"][-1]} for name, h in picked_runs.items()}
).T  # fmt: skip
print(picked_table.round(4).to_string())

# %%
picked_accuracy = picked_table["validation accuracy"]
checks.expect_between("range test: the rate at the lowest loss", range_rates[lowest_at], 3e-3, 0.1)
below = picked_accuracy["picked"] - picked_accuracy["picked / 10"]
checks.expect_at_least("validation accuracy: picked rate - a tenth of it", below, 0.005)
above = picked_accuracy["picked x 10"] - picked_accuracy["picked"]
checks.expect_at_most("validation accuracy: ten times the picked rate - picked", above, 0.02)

# %% [markdown]
# Over seeds 1-5 the smoothed loss was lowest at rates from 0.008 to 0.054, so the rule picked
# from $8 \cdot 10^{-4}$ to $5 \cdot 10^{-3}$: the seed alone (initial weights, batch order)
# moved the answer by a factor of seven, so one range test gives a rate to within a factor of a
# few, no better. The picked rate always beat a tenth of it, by 1.3 to 4.9 points of validation
# accuracy. Against ten times it, the result went either way: ten times it was better by 0.1
# and 0.8 points in two seeds, worse by 1.5 to 3.7 points in the other three. The rule stays on
# the safe side of the edge, which is its purpose; the lowest point itself (close to the best
# constant rate of section 1 here) is sometimes better and sometimes too much. The smoothing
# matters too: a running average lags behind the curve, so with `beta=0.98` (fastai's choice,
# for longer tests) the lowest point of these 300 batches moves to several times higher rates.
#
# What the test cannot tell: it measures only the **first few hundred steps from the initial
# weights**, with the rate changing under them all the time. The best rate for the *end* of
# training is usually smaller (the weights then need fine adjustments, not big moves), which
# is what schedules are for; and the rate it suggests depends on the batch size, the optimizer
# and the smoothing. It is a quick way to a sensible rate, not the best rate.

# %% [markdown] tags=["notes"]
# Show: the range-test figure; point at the flat start, the fall, the lowest point and the blow-up.
# Say: one run of a few hundred batches replaces a sweep of whole runs. Ask the room: "Why not
# take the rate at the lowest point itself?" (expected answer: there the loss is about to blow up;
# a little noise or a later, sharper region of the loss and the run diverges; a tenth is safe).

# %% [markdown]
# ## 3. Schedules, measured
#
# A schedule changes the rate at every step. Keras takes one wherever it takes a rate:
# `Adam(learning_rate=schedule)`. Six runs with the same peak rate `PEAK` ($10^{-2}$, the best
# constant rate of section 1), the same initial weights and the same 785 steps:
#
# | schedule | the rate at step $t$ of $T$ |
# |---|---|
# | constant | `PEAK` all along (the run of section 1) |
# | `ExponentialDecay` | `PEAK` $\cdot\, 0.01^{t/T}$: down by a factor 100 over the run |
# | `PiecewiseConstantDecay` | `PEAK`, then a tenth of it from half the run, a hundredth from three quarters |
# | `CosineDecay` | half a cosine wave from `PEAK` down to 0 |
# | warmup + cosine | `CosineDecay` with `warmup_target`: a straight line from 0 up to `PEAK` in the first tenth, then the cosine down to 0 in the rest |
# | one-cycle | our own schedule, below: up from `PEAK`/10 to `PEAK` in 45% of the run, down again in 45%, then to `PEAK`/1000 |
#
# Keras's `CosineDecay` counts `decay_steps` *after* the warmup, so the warmup run decays over
# `total_steps - warmup_steps`. One-cycle (Smith, 2018) is not in Keras; a schedule is a
# `LearningRateSchedule` with a `__call__(step)` that returns the rate, written in `keras.ops`
# so that it runs inside the compiled training step.

# %%
PEAK = 1e-2


class OneCycle(keras.optimizers.schedules.LearningRateSchedule):
    def __init__(self, peak, total_steps):
        self.peak, self.total_steps = peak, total_steps

    def __call__(self, step):
        done = keras.ops.cast(step, "float32") / self.total_steps  # fraction of the run
        low, end = self.peak / 10, self.peak / 1000
        up = low + (self.peak - low) * done / 0.45
        down = self.peak - (self.peak - low) * (done - 0.45) / 0.45
        last = keras.ops.maximum(low - (low - end) * (done - 0.9) / 0.1, end)
        return keras.ops.where(done < 0.45, up, keras.ops.where(done < 0.9, down, last))


schedules_keras = keras.optimizers.schedules
warmup_steps = total_steps // 10
schedules = {
    "exponential": schedules_keras.ExponentialDecay(PEAK, total_steps, decay_rate=0.01),
    "piecewise": schedules_keras.PiecewiseConstantDecay(
        [total_steps // 2, 3 * total_steps // 4], [PEAK, PEAK / 10, PEAK / 100]
    ),
    "cosine": schedules_keras.CosineDecay(PEAK, decay_steps=total_steps),
    "warmup + cosine": schedules_keras.CosineDecay(
        0.0, total_steps - warmup_steps, warmup_target=PEAK, warmup_steps=warmup_steps
    ),
    "one-cycle": OneCycle(PEAK, total_steps),
}

# %% [markdown]
# Before training with them, each schedule is checked against its formula in NumPy
# (`lesson.schedule_rates`, the oracle, which the widget below also draws) at every step of
# the run and 20 past its end.

# %%
all_steps = np.arange(total_steps + 20)
rates = {"constant": np.full(len(all_steps), PEAK)}
for name, schedule in schedules.items():
    rates[name] = np.array([float(schedule(step)) for step in all_steps])
    ours = lesson.schedule_rates(name, all_steps, PEAK, total_steps)
    checks.expect_close(
        f"{name}: Keras vs the NumPy formula", rates[name], ours, rtol=1e-5, atol=1e-8
    )
rate_curves = {name: (all_steps, r) for name, r in rates.items()}
fig = plotting.plot_curves(rate_curves, "step", "learning rate (log)", "Six schedules", log_y=True)
fig.axes[0].set_ylim(5e-6, 2e-2)  # the cosines end at 0: cut just below PEAK / 1000
fig

# %%
schedule_runs = {"constant": runs[PEAK]}  # from section 1
for name, schedule in progress.bar(schedules.items(), "runs"):
    schedule_runs[name] = train(keras.optimizers.Adam(schedule))
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
for name, h in schedule_runs.items():
    left.semilogy(epochs, h["loss"], "-o", ms=3, label=name)
    right.plot(epochs, h["val_accuracy"], "-o", ms=3, label=name)
left.set(xlabel="epoch", ylabel="training loss (log)", title=f"peak rate {PEAK:g}", xticks=epochs)
right.set(xlabel="epoch", ylabel="validation accuracy", ylim=(0.92, 0.98), xticks=epochs)
right.legend(fontsize=8)
plt.show()

# %%
schedule_table = pd.DataFrame(
    {name: {"mean rate / peak": rates[name][:total_steps].mean() / PEAK,
            "training loss": h["loss"][-1], "validation loss": h["val_loss"][-1],
            "validation accuracy": h["val_accuracy"][-1]} for name, h in schedule_runs.items()}
).T  # fmt: skip
print(schedule_table.round(4).to_string())

# %%
final_loss, final_val_loss = schedule_table["training loss"], schedule_table["validation loss"]
for name in ["exponential", "piecewise", "cosine", "warmup + cosine", "one-cycle"]:
    ratio = final_val_loss[name] / final_val_loss["constant"]
    checks.expect_at_most(f"validation loss: {name} / constant", ratio, 0.9)
    if name != "exponential":  # which spends most steps far below the peak: see the text
        ratio = final_loss[name] / final_loss["constant"]
        checks.expect_at_most(f"training loss: {name} / constant", ratio, 0.75)
exponential_ratio = final_loss["exponential"] / final_loss["constant"]
checks.expect_at_least("training loss: exponential / constant", exponential_ratio, 1.0)
cosine_ratio = final_loss["cosine"] / final_loss["exponential"]
checks.expect_at_most("training loss: cosine / exponential", cosine_ratio, 0.5)

# %% [markdown]
# Every schedule that decays ends with a lower validation loss than the constant rate with the
# same peak (over seeds 1-5, 0.59 to 0.82 of it), and all but one with a lower training loss
# (cosine, warmup + cosine, one-cycle and piecewise: 0.43 to 0.64 of the constant's): small
# steps at the end settle the weights into a minimum instead of bouncing around it. The
# exception tells as much: **exponential decay** ends with a *higher* training loss than the
# constant rate (1.18 to 1.33 times), because it shrinks the rate from the first step on: its
# mean rate is a fifth of the peak (the table's first column), against a half for the others,
# so it gets less far in the same steps, though its validation loss is still lower. The
# differences between cosine, warmup + cosine and one-cycle are within what another seed
# changes: on this small network, in five epochs, the warmup neither helps nor hurts. Warmup
# earns its place in large networks and with large batches, where full-size first steps on
# random weights (and on Adam's moment estimates from a few gradients) can throw training off.

# %% [markdown] tags=["notes"]
# Show: the figure of the six schedules (rate against step), then the loss curves. Say: every
# decaying schedule ends well below the constant rate with the same peak; the last, small steps
# settle the weights into the minimum instead of bouncing around it. Ask the room: "The warmup
# starts at a rate of 0; why would anyone want that?" (expected answer: in the first steps Adam's
# moment estimates rest on few gradients and the weights are random; a full-size step there can
# throw them far; the warmup lets both settle; it matters more for large batches and large models).

# %% [markdown]
# ## 4. Explore: schedules
#
# Choose a schedule and move its peak rate (and, for warmup + cosine, the share of the run spent
# warming up; for the other schedules that slider is greyed out). The left panel draws the rate at every step, the lesson's setting dashed; the
# right panel the training loss that the run above measured for that schedule, with the
# constant rate in gray. Nothing trains: only the runs of this lesson are shown.
#
# Try: "piecewise", then "one-cycle" at peak 0.1: how far would its peak be from the rate the
# range test picked?

# %%
explorer = lesson.schedule_explorer(
    {name: h["loss"] for name, h in schedule_runs.items()}, total_steps, PEAK
)
explorer

# %% [markdown]
# ## 5. ReduceLROnPlateau: a schedule that watches the validation loss
#
# A callback can change the rate between epochs from what training shows. `ReduceLROnPlateau`
# multiplies the rate by `factor` whenever the monitored value (here the validation loss) has
# not improved for `patience` epochs. It also adds the rate of each epoch to the history, under
# `learning_rate`. Lesson 09c uses it among its other callbacks; here we measure what it does
# alone, from the same constant start as section 1 ($10^{-2}$).

# %%
plateau = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.2, patience=1)
plateau_run = train(keras.optimizers.Adam(PEAK), callbacks=[plateau])
plateau_rates = np.array(plateau_run["learning_rate"])  # the rate each epoch trained with
cuts = [int(epoch) for epoch in np.flatnonzero(np.diff(plateau_rates) < 0) + 1]  # after epoch
constant_run = runs[PEAK]
print(f"rate per epoch: {plateau_rates}; cut after epoch(s) {cuts}")
last_epoch = {name: {key: h[key][-1] for key in ["loss", "val_loss", "val_accuracy"]}
              for name, h in [("constant", constant_run), ("ReduceLROnPlateau", plateau_run)]}  # fmt: skip
print(pd.DataFrame(last_epoch).T.round(4).to_string())

# %%
checks.expect_at_least("ReduceLROnPlateau: number of cuts", len(cuts), 1)
checks.record("ReduceLROnPlateau: final rate", plateau_rates[-1])
gain = constant_run["val_loss"][-1] - plateau_run["val_loss"][-1]
checks.expect_at_least("validation loss: constant - ReduceLROnPlateau", gain, 0.02)

# %% [markdown]
# At $10^{-2}$ the validation loss stops improving early: over seeds 1-5 the callback cut the
# rate to $2 \cdot 10^{-3}$ after epoch 3 (after epoch 4 for seed 4), and the epochs at the lower
# rate brought the validation loss 0.036 to 0.066 below the constant rate's. It is a schedule
# that reacts to what it sees rather than one fixed in advance: it needs no number of steps, but
# it needs a validation set, and it cuts only after a bad epoch has happened.
# With `patience=1` a single noisy epoch is enough to cut; lesson 09c uses `patience=2`.

# %% [markdown] tags=["notes"]
# Say: ReduceLROnPlateau is a schedule that watches the validation loss instead of the step
# count; print its rate per epoch and point at the cut. Ask the room: "What does it need that a
# cosine schedule does not?" (expected answer: a validation set, evaluated every epoch, and a
# patience setting; in exchange it needs no number of steps in advance).

# %% [markdown]
# ## 6. Batch size and learning rate at a fixed budget
#
# Five epochs with batches of 32, 128 or 512 digits: every run sees the same 100,000 examples
# and does roughly the same arithmetic, but in 3,125, 785 or 200 steps. Fewer steps, each
# averaging more examples (a gradient with less noise): should the rate change? Batches of 32
# and 512 each run twice: with the same rate as batch 128 ($10^{-3}$), and with the rate
# scaled in proportion to the batch size, $10^{-3} \cdot b/128$ (the *linear scaling rule* of
# Goyal et al., 2017, derived for SGD; for Adam, whose steps are already divided by the
# gradient's size, the square root of $b/128$ is often suggested instead).

# %%
batch_runs = {(128, "same"): runs[1e-3]}  # from section 1
for batch_size, rule in progress.bar(
    [(32, "same"), (32, "scaled"), (512, "same"), (512, "scaled")], "runs"
):
    rate = 1e-3 * (batch_size / 128 if rule == "scaled" else 1)
    batch_runs[batch_size, rule] = train(keras.optimizers.Adam(rate), batch_size=batch_size)
batch_table = pd.DataFrame(
    {f"batch {b}, {rule} rate": {"steps": EPOCHS * int(np.ceil(TRAIN_SAMPLES / b)),
     "validation accuracy": h["val_accuracy"][-1], "training loss": h["loss"][-1],
     "seconds per epoch": h["seconds"] / EPOCHS} for (b, rule), h in batch_runs.items()}
).T  # fmt: skip
print(batch_table.round(4).to_string())

# %%
batch_accuracy = {key: h["val_accuracy"][-1] for key, h in batch_runs.items()}
per_epoch = {key: checks.record(f"seconds per epoch: batch {key[0]}, {key[1]} rate",
             h["seconds"] / EPOCHS) for key, h in batch_runs.items()}  # fmt: skip
scaled_gain = batch_accuracy[512, "scaled"] - batch_accuracy[512, "same"]
checks.expect_at_least("batch 512: accuracy, scaled rate - same rate", scaled_gain, 0.008)
fewer_steps_loss = batch_accuracy[128, "same"] - batch_accuracy[512, "same"]
checks.expect_at_least("accuracy: batch 128 - batch 512, same rate", fewer_steps_loss, 0.008)
scaled_down_loss = batch_accuracy[32, "same"] - batch_accuracy[32, "scaled"]
checks.expect_at_least("batch 32: accuracy, same rate - scaled rate", scaled_down_loss, 0.005)
checks.expect_at_least(
    "seconds per epoch: batch 32 / batch 512", per_epoch[32, "same"] / per_epoch[512, "same"], 1.2
)

# %% [markdown]
# With the same rate, batches of 512 end below batches of 128 (over seeds 1-5, by 1.7 to 1.8
# points of validation accuracy): a quarter of the steps, each no larger, gets less far.
# Scaling the rate up four times wins it back (1.6 to 2.3 points over the same rate). So fewer,
# larger steps need a larger rate. The rule does not work backwards here: batches of 32 at a
# quarter of the rate end 1.1 to 1.7 points *below* batches of 32 at $10^{-3}$ (seeds 1-5): with
# Adam, the noise of small batches at $10^{-3}$ does no harm in five epochs, and the smaller rate
# only slows them down. (The square-root rule, $2 \cdot 10^{-3}$ at batch 512, measured in a
# separate script over seeds 1-3, gained 0.9 to 1.3 points, less than the linear rule's.)
#
# Time: an epoch of batches of 32 took 1.8 to 3.3 times as long as an epoch of batches of 512
# on the 2-core machine that tests this course, under varying load (your machine: the table's
# last column): the same arithmetic, but each step has a fixed cost (launching the kernels,
# the optimizer's update of every weight), paid 3,125 times instead of 200. On a GPU, where a
# batch of 512 takes hardly longer than a batch of 32, the gap is larger still, which is why
# large-batch training and its scaled rates matter there.

# %% [markdown] tags=["notes"]
# Say: at a fixed number of epochs a larger batch means fewer steps, so at the same rate it gets
# less far; scaling the rate up wins part of it back. Small batches take more steps, and on a CPU
# each step has a fixed cost, so an epoch of batch 32 takes longer. Ask the room: "On a GPU, which
# batch size would be fastest per epoch?" (expected answer: the largest that fits, since the GPU
# does a large batch in about the time of a small one; which is why large-batch training needs the
# rate scaled up).

# %% [markdown]
# ## Summary
#
# - Too small a rate crawls, too large stalls or climbs; Keras's default $10^{-3}$ is a safe start,
#   not the best rate ($10^{-2}$ did better here).
# - The range test finds a sensible rate in one short run: the rate grows every batch, and a
#   tenth of the rate at the lowest smoothed loss beat a tenth of that in every seed, and ten
#   times it in three seeds of five. The seed moves its answer by a factor of several, and it
#   measures only the first steps from the initial weights.
# - Schedules: every decaying schedule ended with a lower validation loss than the constant rate
#   with the same peak; cosine, warmup + cosine, one-cycle and piecewise also with a lower
#   training loss, exponential decay (whose mean rate is far below its peak) not.
#   `CosineDecay(..., warmup_target=..., warmup_steps=...)` gives the warmup; a schedule of your
#   own is a `LearningRateSchedule` with `__call__(step)` in `keras.ops`.
# - `ReduceLROnPlateau` cuts the rate when the validation loss stalls: here once, after epoch 3
#   or 4, with a clear gain over the constant rate.
# - At a fixed budget of epochs, larger batches take fewer steps and need a larger rate (scaled
#   in proportion, it won the loss back at batch 512); on a CPU, small batches cost more time per
#   epoch.
#
# This run's numbers:

# %%
print(
    f"range test: lowest smoothed loss at rate {range_rates[lowest_at]:.3g}, picked {picked_rate:.3g}"
)
print(f"training loss after {EPOCHS} epochs at peak {PEAK:g}: {final_loss.round(4).to_dict()}")
print(f"ReduceLROnPlateau: cut after epoch(s) {cuts}, final rate {plateau_rates[-1]:.2g}")

# %% [markdown]
# ## Exercises
#
# Each exercise has a cell for your code, a self-check that says PASS or gives a hint, and a
# hidden solution cell below it (click to expand; running it shows the check passing).
#
# ### Exercise 1: warmup then cosine, as Keras does it
#
# Write `warmup_cosine(step, peak, warmup_steps, decay_steps)` in NumPy: for an array of
# steps, the rate that Keras's
# `CosineDecay(0.0, decay_steps, warmup_target=peak, warmup_steps=warmup_steps)` gives. A
# straight line from 0 at step 0 up to `peak` at step `warmup_steps`; then
# `peak * 0.5 * (1 + cos(pi * t / decay_steps))` with `t` the steps since the warmup ended;
# and 0 from `warmup_steps + decay_steps` on. The check compares it with Keras at every step.


# %% tags=["exercise"]
def warmup_cosine(step, peak, warmup_steps, decay_steps):
    # YOUR CODE HERE
    raise NotImplementedError


lesson.exercise_warmup_cosine(warmup_cosine)


# %% tags=["solution"]
def warmup_cosine(step, peak, warmup_steps, decay_steps):
    step = np.minimum(step, warmup_steps + decay_steps)  # flat after the end
    rising = peak * step / warmup_steps
    since_warmup = np.maximum(step - warmup_steps, 0)
    falling = peak * 0.5 * (1 + np.cos(np.pi * since_warmup / decay_steps))
    return np.where(step < warmup_steps, rising, falling)


lesson.exercise_warmup_cosine(warmup_cosine)

# %% [markdown]
# ### Exercise 2: another rule for the range test
#
# fastai also suggests the rate where the loss **falls fastest**: the most negative slope of
# the smoothed loss per decade of rate. Write `steepest_rate(rates, losses)` returning that
# rate (hint: `np.gradient(losses, np.log10(rates))` gives the slope at every rate). Then
# compare it with the rate picked in section 2.


# %% tags=["exercise"]
def steepest_rate(rates, losses):
    # YOUR CODE HERE
    raise NotImplementedError


lesson.exercise_steepest_rate(steepest_rate)


# %% tags=["solution"]
def steepest_rate(rates, losses):
    slope = np.gradient(losses, np.log10(rates))  # change of loss per decade of rate
    return rates[np.argmin(slope)]


lesson.exercise_steepest_rate(steepest_rate)
usable = slice(0, lowest_at + 1)  # up to the lowest point: beyond it the loss blows up
print(f"steepest fall at {steepest_rate(range_rates[usable], smooth_losses[usable]):.3g}")
