# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Gradient descent and optimizers II: on a real network
#
# **What you will learn**
#
# - how the optimizers of lesson 05a train the same MNIST network at Keras's default settings,
#   and what such a table can and cannot tell you;
# - a short learning-rate sweep for five optimizers: how much of the gap between them at their
#   defaults was only the learning rate;
# - weight decay two ways: an L2 penalty in the loss under Adam, and AdamW's decoupled decay,
#   written in NumPy, matched to Keras, and measured on a small training set;
# - weight initialization: why all-zero weights cannot learn, and how far Glorot and He
#   initialization keep the signal alive through 20 layers of tanh, ReLU and GELU.
#
# **What you need**: lesson 05a (the update rules of SGD, Momentum, Adagrad, RMSprop, Adam and
# the others, matched to Keras), lesson 03a (MNIST networks in Keras). Learning-rate schedules
# and warmup are lesson 05c's subject. The lesson runs in under three minutes on a laptop CPU,
# almost all of it short training runs.

# %%
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import tensorflow as tf

from helpers import checks, datasets, plotting, progress
from helpers.lessons import optimizers_on_mnist as lesson

plotting.use_course_style()
SEED = 5
keras.utils.set_random_seed(SEED)  # same weights, same batches, same numbers on every run

# Settings that cost time. On a GPU try RACE_SAMPLES = 50_000 and RACE_EPOCHS = 20.
RACE_SAMPLES = 20_000  # training digits for the optimizer table and the learning-rate sweep
RACE_EPOCHS = 5  # epochs of every run in the table and the sweep
BATCH_SIZE = 128  # mini-batch size of every run
DECAY_SAMPLES = 2_000  # training digits for the weight-decay comparison (few: it overfits)
DECAY_EPOCHS = 30  # epochs of each weight-decay run
DECAY_SEEDS = (5, 1, 2)  # each weight-decay setting runs once per seed

# %% [markdown] tags=["notes"]
# Say: lesson 05a built the optimizers on two-parameter surfaces; today they train a real network.
# First a table at Keras's defaults, then the catch: a default learning rate is a different
# setting for each optimizer, so we sweep it. Then weight decay, where Adam and L2 do not mix the
# way SGD and L2 do, and finally where training starts: the initial weights. Ask the room: "Which
# optimizer have we used so far in lessons 03 and 04?" (expected answer: RMSprop at its default
# learning rate 0.001).

# %% [markdown]
# ## 1. The data and the network
#
# MNIST as in lesson 03a: the first `RACE_SAMPLES` training digits to train on, the last 10,000
# training digits to validate on (never trained on), pixels scaled to $[0, 1]$ and flattened.
# The network is lesson 03's MLP, 784 -> 128 ReLU -> 10 softmax. `mlp()` seeds Keras before it
# builds the layers, so every run starts from the same initial weights and sees the same batches;
# `train` compiles, fits and times one run and returns its history.

# %%
(x_train, y_train), _ = datasets.load_mnist()  # the test set stays unused in this lesson
x_train = x_train.reshape(-1, 28 * 28).astype("float32") / 255
x_val, y_val = x_train[50_000:], y_train[50_000:]  # 10,000 digits never used for training


def mlp(units=128, activation="relu", initializer="glorot_uniform", regularizer=None, seed=SEED):
    keras.utils.set_random_seed(seed)  # the same initial weights for every optimizer
    dense = dict(kernel_initializer=initializer, kernel_regularizer=regularizer)  # section 5: L2
    hidden, output = (
        keras.layers.Dense(units, activation, **dense),
        keras.layers.Dense(10, "softmax", **dense),
    )
    return keras.Sequential([keras.Input(shape=(784,)), hidden, output])


def train(model, optimizer, epochs=RACE_EPOCHS):  # the history (loss, accuracy per epoch), seconds
    # steps_per_execution=10: Keras runs ten training steps per call from Python. The same
    # steps, the same numbers, and a third less time on a network this small (6.0 -> 4.1 s).
    loss, metrics = "sparse_categorical_crossentropy", ["accuracy"]
    model.compile(optimizer, loss=loss, metrics=metrics, steps_per_execution=10)
    fit = dict(batch_size=BATCH_SIZE, epochs=epochs, validation_data=(x_val, y_val), verbose=0)
    start = time.perf_counter()
    history = model.fit(x_train[:RACE_SAMPLES], y_train[:RACE_SAMPLES], **fit).history
    return history | {"seconds": time.perf_counter() - start}  # the time training took


# %% [markdown]
# ## 2. The Keras optimizers at their default settings
#
# Every optimizer of lesson 05a trains the same MLP from the same initial weights, at Keras's
# default settings. The one exception: Momentum and Nesterov are `SGD` with `momentum=0.9`
# (Keras's `SGD` defaults to 0, i.e. plain SGD); everything else keeps its default, including
# RMSprop's own `momentum` argument, which stays at 0. Each runs `RACE_EPOCHS` (5) epochs on
# `RACE_SAMPLES` (20,000) digits in mini-batches of `BATCH_SIZE` (128). Adadelta runs twice:
# with Keras's default learning rate and with the paper's. The table times every run
# (`seconds`, the `fit` call alone; about 2-3 s on an idle 2-core machine).

# %%
OPTIMIZERS = {  # name: (the Keras class, settings other than the learning rate)
    "SGD": (keras.optimizers.SGD, {}),
    "Momentum": (keras.optimizers.SGD, dict(momentum=0.9)),
    "Nesterov": (keras.optimizers.SGD, dict(momentum=0.9, nesterov=True)),
    "Adagrad": (keras.optimizers.Adagrad, {}),
    "Adadelta": (keras.optimizers.Adadelta, {}),
    "RMSprop": (keras.optimizers.RMSprop, {}),
    "Adam": (keras.optimizers.Adam, {}),
    "AMSGrad": (keras.optimizers.Adam, dict(amsgrad=True)),
    "Nadam": (keras.optimizers.Nadam, {}),
}
histories = {}
for name, (keras_class, settings) in progress.bar(OPTIMIZERS.items(), "runs"):
    histories[name] = train(mlp(), keras_class(**settings))  # Keras's default learning rate
histories["Adadelta, lr 1"] = train(mlp(), keras.optimizers.Adadelta(learning_rate=1.0))

# %%
epochs = np.arange(1, RACE_EPOCHS + 1)
errors = {name: (epochs, 1 - np.array(h["val_accuracy"])) for name, h in histories.items()}
# validation error = 1 - validation accuracy, on a log scale to tell the leaders apart
plotting.plot_curves(errors, "epoch", "validation error (log)", "MNIST", log_y=True, markers=True)

# %%
accuracy = {name: h["val_accuracy"][-1] for name, h in histories.items()}
after_one = {name: h["val_accuracy"][0] for name, h in histories.items()}
seconds = {name: checks.record(f"seconds: {name}", h["seconds"]) for name, h in histories.items()}
default_rate = {name: c().get_config()["learning_rate"] for name, (c, _) in OPTIMIZERS.items()}
default_rate["Adadelta, lr 1"] = 1.0
table = {"learning rate": default_rate, "accuracy": accuracy, "after epoch 1": after_one}
race_table = pd.DataFrame(table | {"seconds": seconds})
print(race_table.sort_values("accuracy", ascending=False).round(4).to_string())

# %% [markdown]
# With their default settings, the adaptive methods that forget (RMSprop, Adam, Nadam, AMSGrad)
# lead, at least a point ahead of Momentum and Nesterov (Adam and RMSprop led Momentum by 2.2 to
# 2.5 points over seeds 1, 2, 3 and 5), and the differences among them are small; Adam after one epoch is already ahead of plain SGD after all five. Momentum is a big
# step up from plain SGD. The paper's Adadelta ($\alpha = 1$) finishes within about a point of
# the leaders, while Keras's default Adadelta has barely started. Adagrad ends below plain SGD:
# with its accumulator starting at 0.1, its first steps have an effective learning rate of at
# most $0.001/\sqrt{0.1} \approx 0.003$, a third of SGD's 0.01, and it only shrinks as the
# squared gradients pile up.
#
# **What this table can show**: which optimizers learn fastest *with the settings Keras ships*,
# which is what you get if you change nothing. **What it cannot show**: which algorithm is
# better. Look at the learning-rate column: the defaults range from 0.001 to 1, and each one is
# a convention, not a tuned value for this network. Adagrad at 0.001 against SGD at 0.01
# compares learning rates as much as update rules. One setting, one seed, 5 epochs, one network:
# the table ranks defaults, nothing more. The next section gives each optimizer a few rates.

# %%
checks.expect_at_least("Adam after 1 - SGD after all", after_one["Adam"] - accuracy["SGD"], 0.01)
checks.expect_at_least("accuracy: Momentum - SGD", accuracy["Momentum"] - accuracy["SGD"], 0.02)
checks.expect_at_least("accuracy: SGD - Adagrad", accuracy["SGD"] - accuracy["Adagrad"], 0.03)
checks.expect_at_most("validation accuracy: Adadelta, Keras default", accuracy["Adadelta"], 0.5)
leaders = min(accuracy[name] for name in ["RMSprop", "Adam", "Nadam", "AMSGrad"])
runner_up = max(accuracy["Momentum"], accuracy["Nesterov"])
checks.expect_at_least("accuracy: lowest leader - Momentum/Nesterov", leaders - runner_up, 0.01)
checks.expect_at_most("lowest leader - Adadelta, lr 1", leaders - accuracy["Adadelta, lr 1"], 0.01)

# %% [markdown] tags=["notes"]
# Say: at Keras's defaults the adaptive methods that forget lead and Adagrad trails plain SGD. Then
# point at the learning-rate column before anyone draws a conclusion. Ask the room: "Adagrad's
# default rate is 0.001 and SGD's is 0.01. Is this table comparing two algorithms?" (expected
# answer: not only; it also compares two learning rates, a factor of 10 apart, neither tuned).

# %% [markdown]
# ## 3. A learning rate for each optimizer
#
# A fairer comparison gives each optimizer the same chance to find its own step size. We sweep
# five of them, each at 4-5 learning rates spaced 3 to 10 times apart around and above its
# default (the default's run is the one from the table, reused), same network, same start, same
# 5 epochs on the same 20,000 digits. Four or five rates each make a coarse grid, and 5 epochs
# favour large rates (a longer run would leave more time for small steps), so the best rate
# below is "the best of these", for this budget. On a GPU, make the grid finer.

# %%
SWEEP_RATES = {  # each optimizer's rates, Keras's default among them
    "SGD": [0.01, 0.1, 0.3, 1.0, 3.0],
    "Momentum": [0.01, 0.03, 0.1, 0.3],
    "Adagrad": [0.001, 0.01, 0.1, 0.3, 1.0],
    "RMSprop": [0.0003, 0.001, 0.003, 0.01],
    "Adam": [0.0003, 0.001, 0.003, 0.01],
}
sweep = {name: {} for name in SWEEP_RATES}  # {optimizer: {rate: validation accuracy per epoch}}
runs = [(name, rate) for name, rates in SWEEP_RATES.items() for rate in rates]
for name, rate in progress.bar(runs, "runs"):
    keras_class, settings = OPTIMIZERS[name]
    if np.isclose(rate, default_rate[name]):  # already trained in section 2
        sweep[name][rate] = histories[name]["val_accuracy"]
    else:
        sweep[name][rate] = train(mlp(), keras_class(rate, **settings))["val_accuracy"]
final_error = {name: (list(r), [1 - a[-1] for a in r.values()]) for name, r in sweep.items()}
plotting.plot_curves(
    final_error,
    "learning rate (log)",
    "validation error after 5 epochs (log)",
    "Five optimizers, each at several rates",
    log_x=True,
    log_y=True,
    markers=True,
)

# %%
best = lesson.best_rates(sweep)  # {name: (best rate, its final validation accuracy)}
sweep_table = pd.DataFrame(
    {
        "default rate": {name: default_rate[name] for name in sweep},
        "accuracy at default": {name: accuracy[name] for name in sweep},
        "best rate": {name: rate for name, (rate, _) in best.items()},
        "accuracy at best": {name: acc for name, (_, acc) in best.items()},
    }
)
print(sweep_table.round(4).to_string())

# %% [markdown]
# Every curve is a valley: too small a rate crawls, too large a rate overshoots. Plain SGD at 3
# does not learn at all, and Adagrad at 1 falls far back (0.11 to 0.59 over seeds). For all five optimizers the best rate of the grid
# is at least 3 times Keras's default (10 to 300 times for the SGD family and Adagrad): the
# defaults are cautious, chosen to be safe on many problems, not fast on this one. And the
# ranking at defaults mostly dissolves. Over seeds 1, 2, 3 and 5 the five spanned 13 to 16
# points of accuracy at their defaults, and 0.6 to 1.3 points at their best rates, all between
# 0.956 and 0.969. Adagrad gains 14 to 17 points from its learning rate alone, and plain SGD at
# its best ends level with Adam at its default (0.05 to 0.7 points above it). At their best,
# RMSprop came first in three seeds and Adam in the fourth, by less than a point. So the table of section 2 measured mostly
# the defaults; an honest comparison of optimizers tunes each one's learning rate first, and
# even this coarse grid of 4-5 short runs was enough to change the picture.

# %%
at_default = [accuracy[name] for name in sweep]
at_best = [acc for _, acc in best.values()]
checks.expect_at_least("five optimizers at defaults: best - worst", np.ptp(at_default), 0.1)
checks.expect_at_most("five optimizers at their best rates: best - worst", np.ptp(at_best), 0.03)
checks.expect_at_least(
    "Adagrad: accuracy at best - at default", best["Adagrad"][1] - accuracy["Adagrad"], 0.1
)
for name, (rate, _) in best.items():  # rates 3 or more apart: 2.9 leaves room for rounding
    checks.expect_at_least(f"{name}: best rate / default rate", rate / default_rate[name], 2.9)
checks.expect_at_least(
    "SGD at its best - Adam at default", best["SGD"][1] - accuracy["Adam"], -0.01
)

# %% [markdown]
# ## 4. Explore: the learning-rate sweep
#
# Pick an optimizer and one of its rates: the left panel shows that run's validation error
# epoch by epoch (its other rates thin, each other optimizer at its best rate in gray), the
# right panel where it sits on the rate curves. All runs were trained above; the widget only
# draws them. Try: Adagrad at 0.001, then 0.3; SGD at 1 and 3 (where does training break?);
# Adam at 0.01, whose curve rises again in the last epochs.

# %%
lesson.sweep_explorer(sweep)

# %% [markdown] tags=["notes"]
# Show: the rate curves, then the explorer on Adagrad at 0.001 and at 0.3, and SGD at 1 against
# Adam at its best. Ask the room: "After the sweep, what is left of the ranking at defaults?"
# (expected answer: little; all five end within about a point of each other, and which one comes
# first changes with the seed). Mention that schedules (lesson 05c) move these curves again.

# %% [markdown]
# ## 5. Weight decay: L2 under Adam, or AdamW
#
# An **L2 penalty** adds $\lambda \sum w^2$ to the loss (`kernel_regularizer=keras.regularizers.L2(λ)`,
# lesson 06), so every weight's gradient gains $2\lambda w$. Under plain SGD the step becomes
# $w \leftarrow w - \alpha(g + 2\lambda w) = (1 - 2\alpha\lambda)\,w - \alpha g$: first shrink
# every weight by the same factor, then take the usual step. That is why L2 is also called
# **weight decay**: for SGD the two are the same thing.
#
# Under Adam they are not. The penalty's gradient $2\lambda w$ enters $m$ and $v$ like any other
# gradient and is divided by $\sqrt{v}$: a weight whose loss gradients have been large (large
# $v$) is hardly decayed, a weight whose loss gradients are small is decayed hard. In the
# extreme, a weight with no loss gradient at all gets only the penalty's, and Adam turns that
# into a step of about $\alpha$ towards zero every step, whatever the weight's size.
# **AdamW** (Loshchilov and Hutter) takes the decay out of the gradient: before Adam's update it
# shrinks every weight by the same factor, $\theta \leftarrow \theta - \alpha\,\mathrm{wd}\,\theta$,
# outside the adaptive scaling. Keras does exactly this for every optimizer given a
# `weight_decay` (its base optimizer computes `variable - variable * weight_decay *
# learning_rate` before the update step); `keras.optimizers.AdamW` is Adam with
# `weight_decay=0.004` by default. In NumPy, with Adam's update of lesson 05a:


# %%
def adam_step(theta, gradient, state, learning_rate, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m, v, t = state  # first and second moments, step count
    t += 1
    m = beta_1 * m + (1 - beta_1) * gradient
    v = beta_2 * v + (1 - beta_2) * gradient**2
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)  # bias correction
    return theta - alpha * m / (np.sqrt(v) + epsilon), (m, v, t)


def adam_l2_step(theta, gradient, state, learning_rate, l2):  # the penalty's gradient, scaled too
    return adam_step(theta, gradient + 2 * l2 * theta, state, learning_rate)


def adamw_step(theta, gradient, state, learning_rate, weight_decay):  # decay first, unscaled
    theta = theta - learning_rate * weight_decay * theta
    return adam_step(theta, gradient, state, learning_rate)


# %% [markdown]
# We run 20 steps on four weights, all starting at 0.5, whose loss gradients differ: the
# gradient is `curvature * theta`, with curvatures 10, 1, 0.1 and 0 (the last weight gets no
# loss gradient at all). Keras's `AdamW` runs on a float64 `keras.Variable` next to our
# `adamw_step`; Adam + L2 and plain Adam run in NumPy. The L2 strength is $\lambda =
# \mathrm{wd}/2$, the one that would make the two identical under SGD.

# %%
curvature, theta_start = np.array([10.0, 1.0, 0.1, 0.0]), np.full(4, 0.5)
keras_theta = keras.Variable(theta_start, dtype="float64")
keras_adamw = keras.optimizers.AdamW(learning_rate=0.01, weight_decay=0.5)
paths = {name: (theta_start, (0.0, 0.0, 0)) for name in ["Adam", "Adam + L2", "AdamW"]}
for _ in range(20):
    keras_adamw.apply([curvature * keras_theta.numpy()], [keras_theta])
    step = {
        "Adam": lambda th, st: adam_step(th, curvature * th, st, 0.01),
        "Adam + L2": lambda th, st: adam_l2_step(th, curvature * th, st, 0.01, l2=0.25),
        "AdamW": lambda th, st: adamw_step(th, curvature * th, st, 0.01, weight_decay=0.5),
    }
    paths = {name: step[name](*paths[name]) for name in paths}
after_20 = {name: theta for name, (theta, _) in paths.items()} | {
    "Keras AdamW": keras_theta.numpy()
}
print(pd.DataFrame(after_20, index=[f"curvature {c:g}" for c in curvature]).round(5).to_string())

# %%
ours, keras_way = after_20["AdamW"], keras_theta.numpy()
checks.expect_close("AdamW, 20 steps: ours vs Keras", ours, keras_way, rtol=1e-6, atol=1e-6)
checks.expect_close("AdamW, no loss gradient: weight", ours[3], 0.5 * 0.995**20, rtol=1e-9)
checks.expect_equal("Adam, no loss gradient: weight unchanged", after_20["Adam"][3], 0.5)
checks.expect_at_most("Adam + L2, no loss gradient: weight", after_20["Adam + L2"][3], 0.35)
gap = np.abs(after_20["Adam + L2"] - keras_way).max()
checks.expect_at_least("Adam + L2 vs Keras AdamW: largest difference", gap, 1e-3)

# %% [markdown]
# Our AdamW follows Keras's to within $10^{-6}$ (Keras keeps its learning rate in float32, as
# lesson 05a found). The weight without a loss gradient shows the difference: plain Adam never
# moves it, AdamW shrinks it by exactly $(1 - 0.01 \cdot 0.5)^{20} \approx 0.905$, and Adam + L2
# walks it down by about one learning rate per step, to below 0.35: at the "same" strength, the
# penalty under Adam hits that weight far harder than AdamW's decay does.
#
# ### On MNIST: a small training set that overfits
#
# Regularization only matters where a network overfits, so we train on `DECAY_SAMPLES` (2,000)
# digits for `DECAY_EPOCHS` (30) epochs: the MLP reaches nearly 100% training accuracy and
# about 91% on validation. Three runs per seed: Adam, Adam + L2 ($\lambda = 10^{-4}$ on both
# kernels) and AdamW (wd = 1), all at learning rate $10^{-3}$. How to match the strengths? The
# SGD rule $\mathrm{wd} = 2\lambda$ does not carry over to Adam. We picked the pair that ends with
# about the same total weight norm (in a sweep beforehand over $\lambda = 10^{-5}$ to $10^{-3}$
# and wd = 0.1 to 10, seeds 5 and 1; neither knob's stronger setting did better), so both spend
# the same amount of shrinking. We measure the validation cross-entropy (the data term only, not
# the penalty), the validation accuracy, and how the first layer's weights changed from their
# start: those of the 145 pixels that are dark in every one of the 2,000 digits (no loss
# gradient ever reaches them) and those of all other pixels.

# %%
DECAY = {  # name: (L2 penalty on both kernels, a function returning the optimizer)
    "Adam": (None, lambda: keras.optimizers.Adam(1e-3)),
    "Adam + L2": (keras.regularizers.L2(1e-4), lambda: keras.optimizers.Adam(1e-3)),
    "AdamW": (None, lambda: keras.optimizers.AdamW(1e-3, weight_decay=1.0)),
}
dark = np.all(x_train[:DECAY_SAMPLES] == 0, axis=0)  # pixels dark in every training digit
decay_runs = []
for seed, name in progress.bar([(s, n) for s in DECAY_SEEDS for n in DECAY], "runs"):
    penalty, make_optimizer = DECAY[name]
    model = mlp(regularizer=penalty, seed=seed)
    start = model.layers[0].kernel.numpy()
    loss_name = "sparse_categorical_crossentropy"  # ten steps per call from Python, as in train
    model.compile(make_optimizer(), loss_name, metrics=["accuracy"], steps_per_execution=10)
    fit = dict(batch_size=BATCH_SIZE, epochs=DECAY_EPOCHS, verbose=0)
    history = model.fit(x_train[:DECAY_SAMPLES], y_train[:DECAY_SAMPLES], **fit).history
    probabilities = model.predict(x_val, batch_size=1000, verbose=0)
    val_accuracy = np.mean(probabilities.argmax(axis=1) == y_val)
    val_loss = keras.losses.sparse_categorical_crossentropy(y_val, probabilities).numpy().mean()
    norm = np.sqrt(sum(np.sum(layer.kernel.numpy() ** 2) for layer in model.layers))
    kernel = model.layers[0].kernel.numpy()  # the first layer's weights, one row per pixel
    moved = [np.linalg.norm(kernel[p]) / np.linalg.norm(start[p]) for p in (dark, ~dark)]
    decay_runs.append([name, history["accuracy"][-1], val_accuracy, val_loss, norm, *moved])
columns = ["training accuracy", "validation accuracy", "validation cross-entropy", "weight norm"]
columns += ["dark pixels' weights / start", "other weights / start"]
decay_table = pd.DataFrame(decay_runs, columns=["optimizer", *columns])
decay_table = decay_table.groupby("optimizer", sort=False).mean()
print(f"means over seeds {DECAY_SEEDS}:\n{decay_table.round(4).T.to_string()}")

# %%
figure, axes = plt.subplots(1, 2, figsize=(9, 3.2), layout="constrained")
for ax, column in zip(axes, ["dark pixels' weights / start", "other weights / start"], strict=True):
    ax.bar(decay_table.index, decay_table[column], color=["C0", "C1", "C2"])
    ax.set(title=column, ylabel="norm now / norm at start")
plt.show()

# %%
mean = decay_table.to_dict()  # {column: {optimizer: mean over seeds}}
dark_ratio = mean["dark pixels' weights / start"]
checks.expect_close("Adam: dark pixels' weights / start", dark_ratio["Adam"], 1.0, rtol=1e-6)
decay_steps = DECAY_EPOCHS * int(np.ceil(DECAY_SAMPLES / BATCH_SIZE))
shrink = (1 - 1e-3) ** decay_steps  # AdamW's factor per step, lr * wd = 1e-3
checks.expect_close("AdamW: dark pixels' weights / start", dark_ratio["AdamW"], shrink, rtol=1e-3)
checks.expect_at_most("Adam + L2: dark pixels' weights / start", dark_ratio["Adam + L2"], 0.01)
other = mean["other weights / start"]
checks.expect_at_least(
    "other weights / start: L2 - AdamW", other["Adam + L2"] - other["AdamW"], 0.03
)
loss = mean["validation cross-entropy"]
checks.expect_at_most(
    "val. cross-entropy: AdamW / Adam + L2", loss["AdamW"] / loss["Adam + L2"], 0.985
)
checks.expect_at_most("val. cross-entropy: AdamW / Adam", loss["AdamW"] / loss["Adam"], 0.97)
accuracy_spread = np.ptp(list(mean["validation accuracy"].values()))
checks.expect_at_most("validation accuracy: best - worst of the three", accuracy_spread, 0.01)

# %% [markdown]
# The mechanism shows plainly. The dark pixels' weights never move under Adam (exactly: zero
# gradient, zero step), AdamW shrinks them by exactly $(1 - 10^{-3})^{480} \approx 0.62$ in its
# 480 steps, and Adam + L2 wipes them out (to below 1% of their start), because the penalty is
# their only gradient and Adam rescales it to a full step. The other weights grow during
# training under all three, and Adam + L2 holds them back *less* than AdamW (about 1.14 against
# 1.09 times their starting size) although the total norms are alike: it puts its shrinking
# where the gradients are small, AdamW spreads it evenly.
#
# Does it matter for the result? A little, and we can only say so for one measure. Over seeds
# 1, 2, 3 and 5, AdamW's validation cross-entropy was 3-6% below Adam + L2's and 4-6% below
# plain Adam's in every seed. Its validation accuracy was the highest of the three in every seed
# too, but by 0.1 to 0.4 points, less than the accuracy moves from one seed to the next (0.910
# to 0.919): four seeds cannot make that a finding, and the check above claims only that the
# three agree to within a point. AdamW's real advantage, reported on large networks trained for
# long, is that its weight decay and its learning rate can be tuned separately; showing that
# takes longer runs than a lesson can afford.

# %% [markdown] tags=["notes"]
# Say: under SGD an L2 penalty and weight decay are one and the same; under Adam the penalty's
# gradient is divided by the square root of v like every other gradient, so weights with small
# gradients are decayed hardest. AdamW shrinks all weights by the same factor outside Adam's
# scaling; Keras applies any optimizer's weight_decay that way, before the step. Ask the room:
# "A weight never receives a loss gradient. What do Adam, Adam + L2 and AdamW do to it?"
# (expected answer: nothing; a step of about one learning rate towards zero every step; shrink it
# by the factor 1 - lr * wd per step).

# %% [markdown]
# ## 6. Where to start: weight initialization
#
# Gradient descent needs a starting point, and in a deep network the starting point decides
# whether there is any gradient to follow. The usual heuristics: draw the weights at random
# with mean zero (from a normal or uniform distribution), at a scale chosen for the layer; or
# start from the weights of a network trained before (transfer learning, later in the course).
#
# ### All zeros, or all equal: symmetry
#
# If every weight starts at the same value, every hidden unit of a layer computes the same
# output and receives the same gradient, so it makes the same update: in exact arithmetic the
# units stay identical copies for ever, and a layer of 32 units is no better than one unit. All
# zeros is worse still: with tanh (or ReLU) the hidden outputs are 0, no gradient reaches any
# hidden weight or output weight, and only the output biases learn. We train a 784 -> 32 tanh
# -> 10 network for one epoch from all weights 0, all weights 0.001 and Keras's random default
# (Glorot, below). Before training, we take the gradient of the first batch's loss with
# `tf.GradientTape` (lesson 02) and measure how much the hidden units' gradients differ (the
# largest difference between two units, relative to the largest gradient). After training, we
# measure the **spread between units**: for each input, the standard deviation of its 32
# weights (one per unit), averaged over inputs and divided by the weights' mean size.


# %%
STARTS = {"all 0": 0.0, "all 0.001": 0.001, "random": None}  # None: Keras's default, Glorot
cross_entropy = keras.losses.SparseCategoricalCrossentropy()
first_gap, spread, start_accuracy, trained = {}, {}, {}, {}
for start, value in progress.bar(STARTS.items(), "runs"):
    model = mlp(
        32, "tanh", "glorot_uniform" if value is None else keras.initializers.Constant(value)
    )
    hidden = model.layers[0]
    with tf.GradientTape() as tape:  # the first batch's loss, before any step
        first_loss = cross_entropy(y_train[:128], model(x_train[:128]))
    first_gap[start] = lesson.unit_gap(tape.gradient(first_loss, hidden.kernel).numpy())
    history = train(model, keras.optimizers.SGD(0.1, momentum=0.9), epochs=1)
    trained[start] = [weight.numpy() for weight in model.weights]  # kernel, bias; kernel, bias
    spread[start] = lesson.spread_between_units(hidden.kernel.numpy())
    start_accuracy[start] = history["val_accuracy"][-1]
table = {"first gradient: gap": first_gap, "spread": spread, "accuracy": start_accuracy}
print(pd.DataFrame(table).round(4).to_string())
# %% [markdown]
# All zeros stays all zeros, exactly, on every computer: each hidden output is a sum of
# products with weights that are exactly 0, and such products and sums are exactly 0 whatever
# order a CPU adds them in. So the hidden weights and biases and the output weights never move,
# and the network predicts one class for every digit (about 11% are right).
#
# The all-0.001 start is more interesting. Its first gradient gives every unit the same update:
# the gap is 0 (at most a rounding error), where the random start's units differ by more than
# the size of their gradients. In floating point the copies stay exact only as long as the
# computer rounds every unit's sums the same way, and here the CPU matters. The matrix kernels
# that TensorFlow picks on some CPUs (an AVX2 machine that tested this course, for one) do not
# add up every column in the same order, and the units start to differ by a rounding error, one
# part in ten million. An equal start is an unstable balance, like a pencil on its tip: training
# amplifies those differences, and after one epoch the units' spread there was about 0.43-0.47
# (seeds 1, 2, 3 and 5). On other CPUs (an AVX-512 machine that ran this lesson, or any with
# `ONEDNN_MAX_CPU_ISA=AVX`) the same run keeps exact copies (spread 0). Either
# way the network learns poorly: its validation accuracy after one epoch was 0.35-0.37 with
# exact copies and 0.45-0.53 with copies broken by rounding, against 0.92-0.93 from a random
# start (spread 1.18-1.19). Rounding is a slow, machine-dependent way to break symmetry; random
# initial weights break it from the first step, by design.

# %%
largest = max(np.abs(weights).max() for weights in trained["all 0"][:3])  # not output biases
checks.expect_equal("all-zero start: largest weight, all but the output biases", largest, 0)
checks.expect_at_most("all-zero start: validation accuracy", start_accuracy["all 0"], 0.2)
checks.expect_at_most("all-0.001 start: first gradient, unit gap", first_gap["all 0.001"], 1e-4)
checks.expect_at_least("random start: first gradient, unit gap", first_gap["random"], 0.5)
checks.expect_at_most("spread, all-0.001 / random", spread["all 0.001"] / spread["random"], 0.7)
checks.expect_at_most("all-0.001 start: validation accuracy", start_accuracy["all 0.001"], 0.7)
checks.expect_at_least("random start: validation accuracy", start_accuracy["random"], 0.9)

# %% [markdown]
# ### Too small, too large, just right: Glorot and He
#
# Random weights break the symmetry, but their *scale* matters in a deep network. A unit adds
# up $n_\text{in}$ inputs times weights ($n_\text{in}$ is the layer's *fan-in*). With
# independent zero-mean weights, the variance of that sum is $n_\text{in}$ times the weights'
# variance times the mean square of the inputs. Weights too small, and the signal shrinks by
# the same factor at every layer; too large, and it grows (ReLU) or saturates (tanh). The cure
# is to make that factor 1:
#
# - **Glorot (Xavier)**: variance $2/(n_\text{in} + n_\text{out})$, a compromise between the
#   forward signal and the backward gradient, derived for tanh-like units; Keras's default
#   (`glorot_uniform`).
# - **He (Kaiming)**: variance $2/n_\text{in}$, for ReLU. ReLU sets the negative half of its
#   (symmetric) inputs to zero, so the mean square of its outputs is half the variance of its
#   inputs; He doubles the weights' variance to make up for it (`he_normal`, `he_uniform`).
#
# We build 20-layer networks of 64 units with tanh, ReLU and GELU (lesson 01a), and measure
# the spread of each layer's outputs (their standard deviation over 512 digits, averaged over
# units, computed in float64 so that tiny values do not underflow) for four initializations.

# %%
INITIALIZERS = {  # functions, so that every layer gets its own initializer
    "tiny: std 0.01": lambda: keras.initializers.RandomNormal(stddev=0.01),
    "large: std 1": lambda: keras.initializers.RandomNormal(stddev=1.0),
    "Glorot": lambda: keras.initializers.GlorotUniform(),
    "He": lambda: keras.initializers.HeNormal(),
}
curves, ratio, saturated = {"tanh": {}, "relu": {}, "gelu": {}}, {}, {}  # ratio: to layer 1
for activation in curves:
    for initializer, make in INITIALIZERS.items():
        keras.utils.set_random_seed(SEED)
        signal, layer_spreads = x_val[:512], []
        for _ in range(20):  # 20 hidden layers of 64 units
            signal = keras.layers.Dense(64, activation, kernel_initializer=make())(signal).numpy()
            layer_spreads.append(signal.astype("float64").std(axis=0).mean())
        curves[activation][initializer] = (np.arange(1, 21), layer_spreads)
        ratio[activation, initializer] = np.array(layer_spreads) / layer_spreads[0]
        saturated[activation, initializer] = np.mean(np.abs(signal) > 0.99)  # in layer 20
plotting.plot_curves(curves["tanh"], "hidden layer", "spread (log)", "20 tanh layers", log_y=True)

# %%
plotting.plot_curves(curves["relu"], "hidden layer", "spread (log)", "20 ReLU layers", log_y=True)

# %%
checks.expect_at_most("relu, tiny: spread layer 20 / 1", ratio["relu", "tiny: std 0.01"][-1], 1e-9)
checks.expect_at_least("relu, large: spread layer 20 / 1", ratio["relu", "large: std 1"][-1], 1e10)
checks.expect_at_most("relu, Glorot: spread layer 20 / 1", ratio["relu", "Glorot"][-1], 1e-3)
checks.expect_between("relu, He: spread layer 20 / 1", ratio["relu", "He"][-1], 0.15, 2)
checks.expect_at_least("tanh, large: saturated in layer 20", saturated["tanh", "large: std 1"], 0.5)
checks.expect_between("tanh, Glorot: spread layer 20 / 1", ratio["tanh", "Glorot"][-1], 0.1, 1)

# %% [markdown]
# With tiny weights the signal dies within a few layers (for all three activations); with
# standard normal weights ReLU outputs explode by more than ten orders of magnitude and most
# tanh outputs are pinned near $\pm1$, where the derivative $1 - \tanh^2$ is nearly zero (below
# 0.02, since the check counts $|\tanh| > 0.99$ and $1 - 0.99^2 < 0.02$). Glorot suits tanh (the
# spread decays only slowly). With 64 units in and out, Glorot's variance is $1/64$, half of He's, so
# with ReLU the signal loses half its power at every layer: over the 19 steps from layer 1 to
# layer 20 that alone is a factor $2^{19/2} \approx 700$ in spread, and the measured spread
# falls by more than 1,000, because deep ReLU layers also make the outputs of different digits
# more alike, and the spread is measured across digits. He keeps the ReLU signal between 0.15
# and 2 times its size in layer 1 all the way.
#
# GELU is a harder case. Lesson 01b saw its 10-layer networks fail to learn with Keras's default
# (Glorot) weights. Near zero GELU behaves like $z/2$, so it keeps only a quarter of the
# signal's power, where ReLU keeps half. Glorot's weights leave that quarter as it is: the
# spread halves at every layer. He's doubled variance turns the quarter into a half, so the
# spread still shrinks by about $\sqrt{1/2} \approx 0.71$ per layer. He helps, but it does not
# cure the fading:

# %%
plotting.plot_curves(curves["gelu"], "hidden layer", "spread (log)", "20 GELU layers", log_y=True)

# %%
checks.expect_between("gelu, Glorot: spread layer 10 / 1", ratio["gelu", "Glorot"][9], 7e-4, 7e-3)
checks.expect_between("gelu, He: spread layer 10 / 1", ratio["gelu", "He"][9], 0.02, 0.2)
checks.expect_at_most("gelu, He: spread layer 20 / 1", ratio["gelu", "He"][-1], 0.01)

# %% [markdown]
# From layer 1 to layer 10 are 9 steps, so the rule predicts a spread of $0.5^9 \approx 0.002$
# of layer 1's with Glorot and $0.71^9 \approx 0.05$ with He; the checks above measured spreads
# close to those. He's advantage grows with depth, but so does the fading: after 20 layers
# even He's spread is below 1% of layer 1's. (Far from zero GELU behaves like ReLU, which is
# why its curves with large weights look like ReLU's.) Lesson 01b
# showed what a fading signal does to training. Lesson 06 adds a remedy that works for any
# activation, batch normalization, which rescales the signal at every layer during training;
# transformers, which use GELU, always come with normalization layers.

# %% [markdown] tags=["notes"]
# Say: equal initial weights keep the units identical copies (all zeros learns nothing at all),
# and random weights need the right scale for the depth: Glorot for tanh, He for ReLU, and for
# GELU He only slows the fading. Ask the room: "With Glorot weights and ReLU, 64 units in and out,
# what happens to the signal's power at each layer?" (expected answer: it halves, so after 20
# layers the spread is hundreds of times smaller; He's doubled variance fixes it).

# %% [markdown]
# ## Summary
#
# - At Keras's default settings the adaptive methods that forget (RMSprop, Adam, Nadam, AMSGrad)
#   led on MNIST, plain SGD and Adagrad were slow, and Keras's default Adadelta barely moved. But
#   the defaults are learning rates from 0.001 to 1, so such a table ranks defaults, not
#   algorithms.
# - With a short learning-rate sweep each of five optimizers found a rate at least 3 times its
#   default, and their spread shrank from 13-16 points of accuracy to about 1 (seeds 1, 2, 3, 5): most of
#   the gap at defaults was the learning rate, and which optimizer came first changed with the
#   seed.
# - Under SGD an L2 penalty and weight decay are the same. Under Adam the penalty's gradient is
#   rescaled like any other, so weights with small gradients are decayed hardest; AdamW (and
#   any Keras optimizer's `weight_decay`) shrinks every weight by $1 - \alpha\,\mathrm{wd}$
#   before the step. On 2,000 digits AdamW gave a lower validation cross-entropy at the same
#   weight norm, and the same accuracy to within half a point.
# - Equal initial weights keep units identical (zeros learn nothing at all); random weights
#   need the right scale: Glorot for tanh, He for ReLU, as the 20-layer networks showed. For
#   GELU, He only slows the fading; deep GELU networks need normalization as well.
#
# A sensible start: Adam at $10^{-3}$, then a few rates around it (here $3 \cdot 10^{-3}$ did
# better), or SGD with momentum 0.9 and a swept rate; AdamW when you want weight decay with
# Adam; He initialization for ReLU networks. Lesson 05c changes the rate during training.

# %% [markdown]
# ## Exercises
#
# Each exercise has a cell for your code, a self-check that says PASS or gives a hint, and a
# hidden solution cell below it (click to expand; running it shows the check passing).
#
# ### Exercise 1: weight decay in SGD with momentum, as Keras does it
#
# Keras applies `weight_decay` the same way for every optimizer: first
# $\theta \leftarrow \theta - \alpha\,\mathrm{wd}\,\theta$, then the optimizer's own step. For
# `keras.optimizers.SGD(learning_rate, momentum=..., weight_decay=...)` that step is
# $v \leftarrow \mu v - \alpha g$, $\theta \leftarrow \theta + v$, with $v$ starting at 0 (lesson
# 05a). Write `my_sgdw(learning_rate, momentum, weight_decay)` returning a
# `step(theta, gradient)` function (`theta` and `gradient` are NumPy arrays of shape (2,)) that
# returns the next `theta`. The check runs it for 20 steps on a tilted bowl at two settings and
# compares with Keras's path. Why does adding `weight_decay * theta` to the gradient (L2) give a
# different path here, although for plain SGD it would not?


# %% tags=["exercise"]
def my_sgdw(learning_rate, momentum, weight_decay):
    # YOUR CODE HERE
    raise NotImplementedError


lesson.exercise_weight_decay(my_sgdw)


# %% tags=["solution"]
# With momentum, a decay put into the gradient is stored in the velocity and keeps acting in
# later steps; Keras's decay shrinks theta once, outside the velocity.
def my_sgdw(learning_rate, momentum, weight_decay):
    velocity = np.zeros(2)

    def step(theta, gradient):
        nonlocal velocity
        theta = theta - learning_rate * weight_decay * theta  # decay first, outside the velocity
        velocity = momentum * velocity - learning_rate * gradient
        return theta + velocity

    return step


lesson.exercise_weight_decay(my_sgdw)

# %% [markdown]
# ### Exercise 2: how large are Keras's He and Glorot normal weights?
#
# `keras.initializers.HeNormal()` and `GlorotNormal()` draw each weight from a normal
# distribution cut off at two standard deviations (a *truncated* normal). Write
# `he_std(fan_in)` and `glorot_std(fan_in, fan_out)` returning the standard deviation of the
# weights they actually draw for a `Dense` kernel of shape `(fan_in, fan_out)`. Use section 6's
# variances, and read Keras's source (`keras.initializers.VarianceScaling`, what does it divide
# by 0.8796, and why?) or simply measure: `HeNormal()((784, 2000)).numpy().std()`.


# %% tags=["exercise"]
def he_std(fan_in):
    # YOUR CODE HERE
    raise NotImplementedError


def glorot_std(fan_in, fan_out):
    # YOUR CODE HERE
    raise NotImplementedError


lesson.exercise_initial_std(he_std, glorot_std)


# %% tags=["solution"]
# Keras asks its truncated normal for sqrt(variance) / 0.8796: cutting off the tails at two
# standard deviations shrinks the spread by that factor, so the weights end up with exactly the
# target standard deviation, sqrt(variance).
def he_std(fan_in):
    return np.sqrt(2 / fan_in)


def glorot_std(fan_in, fan_out):
    return np.sqrt(2 / (fan_in + fan_out))


lesson.exercise_initial_std(he_std, glorot_std)
print(
    f"HeNormal, 784 inputs: drawn {keras.initializers.HeNormal(seed=0)((784, 2000)).numpy().std():.5f}, formula {he_std(784):.5f}"
)
