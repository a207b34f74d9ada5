# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Gradients through depth: vanishing, exploding, and how to keep them alive
#
# **What you will learn**
#
# - the *vanishing gradient*, measured layer by layer in a 10-layer network on real
#   handwritten digits, and what it does to training; dead ReLU units, counted;
# - its twin, the *exploding gradient*: backpropagation multiplies one Jacobian per layer, and a
#   product of fifty of them grows or shrinks geometrically, by about the same factor per layer;
# - **gradient clipping** (`clipnorm`, `clipvalue`), measured on a network whose gradients
#   explode, and what it does not fix;
# - **self-normalizing networks**: SELU with `lecun_normal` weights keeps the signal of a
#   30-layer network at mean 0 and spread 1, measured against ReLU with two initializations;
# - a depth explorer: activation, initializer, weight scale and depth, and what each does to
#   the signal going forward and the gradient coming back.
#
# **What you need**: part 1 of this lesson (`01a_activations`: the activation functions and
# their derivatives) and lesson 00. Backpropagation itself is lesson 02; here we only need that
# it applies the chain rule layer by layer. The lesson runs in about two minutes on a 2-core
# laptop CPU.

# %%
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import tensorflow as tf

from helpers import checks, datasets, plotting, progress
from helpers.lessons import gradients_through_depth as lesson

plotting.use_course_style()
SEED = 7
keras.utils.set_random_seed(SEED)  # same weights, same batches, same numbers on every run

# Settings that cost time. The checks describe this budget: with much longer training GELU,
# whose gradient is small rather than vanishing, starts to learn in section 2.
TRAIN_SAMPLES = 20_000  # MNIST training images used for the short training runs
DEEP_EPOCHS = 3  # epochs for each 10-layer network in the vanishing-gradient race
SHORT_EPOCHS = 2  # epochs for the clipping and SELU runs
SEEDS = (0, 1, 2)  # the clipping runs are repeated: exploding training is a matter of luck

# %% [markdown] tags=["notes"]
# Say: part 1 showed what each activation looks like; this part asks what happens when we stack
# many layers: the gradient that reaches the first layer is a product of one factor per layer,
# and a product of many factors either fades (vanishing) or blows up (exploding). We measure
# both, then two cures: clipping the gradient, and an activation with an initialization that
# keeps the signal at a fixed size (SELU). Ask the room: "If each layer multiplies the gradient
# by 0.8, how much is left after 50 layers?" (expected answer: about 1e-5).

# %% [markdown]
# ## The digits, and a validation set
#
# MNIST as in lesson 00, each image flattened into 784 numbers in [0, 1]. We hold the last
# 10,000 training images out as a **validation set**: every comparison in this lesson is
# measured on them, and the test set stays untouched (lesson 03 explains why this matters).

# %%
(x_train, y_train), _ = datasets.load_mnist()
x_train = x_train.reshape(-1, 28 * 28).astype("float32") / 255
x_train, y_train, x_val, y_val = (
    x_train[:50_000], y_train[:50_000], x_train[50_000:], y_train[50_000:]
)  # fmt: skip
print(x_train.shape, x_val.shape)

# %% [markdown]
# ## 1. The vanishing gradient, measured
#
# Backpropagation (lesson 02) sends the gradient from the loss back through the layers. At every
# layer it is multiplied by the derivative of the activation, $g'(z)$, and by the weights. With
# the sigmoid each factor $g'(z)$ is at most 0.25, so after ten layers the gradient can be
# a million times smaller than at the top: the first layers barely learn. Each extra layer
# multiplies in one more such factor.
#
# We build the same 10-layer network (10 hidden layers of 64 units, Keras's default Glorot
# initialization) with four activations and feed it 256 real digits. Going forward, we measure
# how much each layer's output varies from digit to digit (its *spread*: the standard deviation
# over the batch, averaged over units); going backward, the size (norm) of the gradient of the
# loss with respect to each layer's weights.


# %%
def deep_network(activation, depth=10, width=64):
    keras.utils.set_random_seed(SEED)
    hidden = [keras.layers.Dense(width, activation=activation) for _ in range(depth)]
    return keras.Sequential(
        [keras.Input(shape=(784,)), *hidden, keras.layers.Dense(10, activation="softmax")]
    )


loss_function = keras.losses.SparseCategoricalCrossentropy()
spreads, gradient_norms = {}, {}
for activation in ["sigmoid", "tanh", "relu", "gelu"]:
    model = deep_network(activation)
    with tf.GradientTape() as tape:
        signal, layer_outputs = x_train[:256], []
        for layer in model.layers:
            signal = layer(signal)
            layer_outputs.append(signal)
        loss = loss_function(y_train[:256], signal)
    gradients = tape.gradient(loss, [layer.kernel for layer in model.layers])
    gradient_norms[activation] = [float(tf.norm(g)) for g in gradients]
    spreads[activation] = [
        float(tf.reduce_mean(tf.math.reduce_std(out, axis=0))) for out in layer_outputs[:-1]
    ]

fig, (ax_forward, ax_backward) = plt.subplots(1, 2, figsize=(11, 4))
for activation in spreads:
    ax_forward.semilogy(range(1, 11), spreads[activation], "-o", label=activation)
    ax_backward.semilogy(range(1, 12), gradient_norms[activation], "-o", label=activation)
ax_forward.set(xlabel="hidden layer", ylabel="spread of outputs (log)", title="forward: signal")
ax_forward.legend()
ax_backward.set(
    xlabel="layer (11 = output)", ylabel="gradient norm (log)", title="backward: gradient"
)
ax_backward.legend()
plt.show()
print("gradient norm per layer:")
print(pd.DataFrame(gradient_norms, index=range(1, 12)).T.map("{:.1e}".format).to_string())

# %% [markdown]
# With sigmoid both directions collapse, by roughly a factor of four per layer: the first layer
# receives a few millionths of the gradient of the last hidden layer, and the last hidden layer
# gives almost the same output for every digit. tanh (slope 1 at zero) keeps signal and gradient
# alive; so does ReLU for the gradient (slope exactly 1 on active units).


# %%
gradient_ratio = {a: norms[0] / norms[9] for a, norms in gradient_norms.items()}  # layer 1 / 10
spread_ratio = {a: values[9] / values[0] for a, values in spreads.items()}  # layer 10 / 1
checks.expect_at_most("sigmoid: gradient ratio layer 1 / 10", gradient_ratio["sigmoid"], 1e-4)
checks.expect_at_most("sigmoid: spread ratio layer 10 / 1", spread_ratio["sigmoid"], 1e-4)
checks.expect_between("relu: gradient ratio layer 1 / 10", gradient_ratio["relu"], 0.1, 10)
checks.expect_between("tanh: gradient ratio layer 1 / 10", gradient_ratio["tanh"], 0.1, 10)

# %% [markdown] tags=["notes"]
# Say: backpropagation multiplies the gradient by the activation's derivative at every layer, and
# the sigmoid's derivative is never above 0.25, so ten layers shrink it by roughly a factor of four
# per layer. Before showing the table, ask the room: "In the 10-layer sigmoid network, will the
# first layer get more or less gradient than the last hidden layer, and by how much?" (expected
# answer: far less, a few millionths of it; tanh and ReLU keep the gradient alive). The next slide
# shows the consequence: the sigmoid network stays at the 10% of guessing.

# %% [markdown]
# ## 2. Which one learns?
#
# Now we train each 10-layer network with plain stochastic gradient descent (learning rate 0.1,
# batches of 64) for `DEEP_EPOCHS` epochs on `TRAIN_SAMPLES` digits, and track accuracy on the
# 10,000 validation digits. Guessing gives about 10%.

# %%
x_small, y_small = x_train[:TRAIN_SAMPLES], y_train[:TRAIN_SAMPLES]
histories, seconds = {}, {}
for activation in progress.bar(["sigmoid", "tanh", "relu", "gelu"], "10-layer networks"):
    model = deep_network(activation)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss=loss_function, metrics=["accuracy"])
    start = time.perf_counter()
    histories[activation] = model.fit(
        x_small,
        y_small,
        epochs=DEEP_EPOCHS,
        batch_size=64,
        validation_data=(x_val, y_val),
        verbose=0,
    )
    seconds[activation] = time.perf_counter() - start

final_accuracy = {a: h.history["val_accuracy"][-1] for a, h in histories.items()}
print(
    pd.DataFrame({"validation accuracy": final_accuracy, "seconds": seconds}).round(3).to_string()
)
plotting.plot_history(histories, metrics=["accuracy"], title="10-layer networks")

# %%
checks.expect_at_most("sigmoid 10-layer net: validation accuracy", final_accuracy["sigmoid"], 0.2)
checks.expect_at_most("gelu 10-layer net: validation accuracy", final_accuracy["gelu"], 0.2)
checks.expect_at_least("tanh 10-layer net: validation accuracy", final_accuracy["tanh"], 0.85)
checks.expect_at_least("relu 10-layer net: validation accuracy", final_accuracy["relu"], 0.85)
mean_norm = {a: np.mean(norms) for a, norms in gradient_norms.items()}
checks.expect_at_least("gradient size, relu / gelu", mean_norm["relu"] / mean_norm["gelu"], 5)

# %% [markdown]
# (In the plot the sigmoid curve hides under GELU's: both stay at the 10% of guessing.)
#
# The deep sigmoid network does not learn at all in this budget: its first layers get almost no
# gradient, so they stay as they started, and the top layers see nearly the same values for
# every digit. tanh and ReLU learn well.
#
# GELU stalls too, for a related reason. Near zero it behaves like $z/2$ (its slope at 0 is
# one half), and with Keras's default initial weights most inputs to a unit are near zero, so
# each layer halves the spread of the signal (left plot) and every gradient is about 20 times
# smaller than with ReLU (table above). Larger initial weights (He initialization, section 6)
# slow the fading, and normalization layers (lesson 06b) rescale the signal at every layer;
# large GELU networks such as transformers use normalization layers throughout.
#
# Remedies for vanishing gradients: activations that do not saturate (the ReLU family, this
# lesson), careful initialization (Glorot, He), normalization layers (lesson 06b), and, in
# architectures beyond these first lessons, shortcut (residual) connections and gated units such
# as the LSTM for sequences. Adaptive optimizers such as RMSprop and Adam (lesson 05a) are often
# named too, with a caveat: dividing each weight's step by the size of its recent gradients
# does enlarge the steps of layers whose gradients are merely small, but no optimizer can bring
# back a forward signal that has already collapsed towards zero: the cure is in the
# activations, the initialization and the architecture.

# ## 3. Dead units: a gradient of exactly zero
#
# Vanishing gradients are small; a dead ReLU's gradient is zero.
#
# A ReLU unit whose input is negative for *every* example outputs 0 and has derivative 0: no
# gradient reaches its weights again. For a first-layer unit, whose inputs are the fixed pixels,
# nothing else can revive it either, so it never recovers (a deeper unit could come back if the
# layers below it change). Large, clumsy updates push many units there. We train the same
# 784-256-256-10 ReLU network for one epoch with a sensible learning rate and with a too-large
# one, then count the first-layer units that stay at zero on 2,000 validation images.
#
# Measured over seeds 0-5 and 7 on an Intel CPU: at rate 0.3 no unit died; at rate 1.0, 30% to
# 94% of the units died. On an AMD CPU one of six runs at rate 1.0 ended with the loss
# overflowed to NaN instead (the other way a too-large rate ruins training; a NaN unit does not
# count as dead). The check below accepts either ruin.


# %%
def dead_fraction(learning_rate):
    keras.utils.set_random_seed(SEED)
    model = keras.Sequential(
        [
            keras.Input(shape=(784,)),
            keras.layers.Dense(256, activation="relu"),
            keras.layers.Dense(256, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate), loss="sparse_categorical_crossentropy"
    )
    history = model.fit(
        x_train[:TRAIN_SAMPLES], y_train[:TRAIN_SAMPLES], epochs=1, batch_size=64, verbose=0
    )
    first_layer = keras.Model(model.inputs, model.layers[0].output)
    activity = first_layer.predict(x_val[:2000], verbose=0)
    dead = np.mean(np.all(activity <= 0, axis=0))  # never active on any of the 2,000 images
    return dead, history.history["loss"][-1]


(dead_sensible, loss_sensible), (dead_too_large, loss_too_large) = (
    dead_fraction(rate) for rate in progress.bar([0.3, 1.0], "runs")
)
print(f"learning rate 0.3: {dead_sensible:.0%} dead, loss {loss_sensible:.3f}")
print(f"learning rate 1.0: {dead_too_large:.0%} dead, loss {loss_too_large:.3f}")
checks.expect_at_most("dead units, learning rate 0.3", dead_sensible, 0.05)
checks.expect_at_most("training loss, learning rate 0.3", loss_sensible, 1.0)
ruined = 1.0 if np.isnan(loss_too_large) else dead_too_large  # a NaN loss ruins it all
checks.expect_at_least("rate 1.0: dead units (1 if the loss became NaN)", ruined, 0.2)

# %% [markdown]
# A leaky ReLU cannot die this way (part 1): on the negative side its derivative is $\alpha$,
# not 0, so some gradient always flows back. Smaller learning rates (lesson 05c), good
# initialization (section 6) and batch normalization (lesson 06b) make dead units rarer too.

# %% [markdown]
# ## 4. Exploding gradients: a product of Jacobians
#
# Write a layer as $\mathbf h_l = g(\mathbf h_{l-1} W_l)$. The chain rule sends the gradient
# back one layer at a time:
#
# $$ \frac{\partial L}{\partial \mathbf h_{l-1}}
#    = \Big(\frac{\partial L}{\partial \mathbf h_l} \odot g'(\mathbf z_l)\Big)\, W_l^{\top}, $$
#
# so the gradient at the first layer is the gradient at the top multiplied by a product of one
# *Jacobian* per layer. If each factor stretches a vector by about $c$ on average, fifty of
# them stretch it by about $c^{50}$: $0.8^{50} \approx 10^{-5}$ (vanishing),
# $1.25^{50} \approx 7 \times 10^{4}$ (exploding). Only $c \approx 1$ keeps the gradient's size.
#
# For ReLU layers whose weights have variance $2/n$ (He initialization, $n$ inputs per unit)
# the factor is 1 on average: half the units pass the gradient, and the weights double its
# variance. We multiply the weights by a **gain** of 0.8, 1 or 1.25 and send a gradient back
# through 50 such layers of 256 units, in NumPy, three seeds each.

# %%
WIDTH, LAYERS = 256, 50


def backward_growth(gain, seed):
    """How much the gradient's norm has grown after 1, 2 ... LAYERS layers going back."""
    rng = np.random.default_rng(seed)
    kernels = [rng.normal(0, gain * np.sqrt(2 / WIDTH), (WIDTH, WIDTH)) for _ in range(LAYERS)]
    h, active = rng.standard_normal((64, WIDTH)), []  # 64 inputs
    for kernel in kernels:  # forward: remember where each ReLU passed its input
        z = h @ kernel
        active.append(z > 0)
        h = np.maximum(z, 0)
    gradient = rng.standard_normal(h.shape)  # some gradient arriving from the loss
    norms = [np.linalg.norm(gradient)]
    for kernel, mask in zip(kernels[::-1], active[::-1], strict=True):  # backward
        gradient = (gradient * mask) @ kernel.T  # ReLU's derivative, then the weights
        norms.append(np.linalg.norm(gradient))
    return np.array(norms[1:]) / norms[0]


gains = (0.8, 1.0, 1.25)
growth = {gain: np.array([backward_growth(gain, seed) for seed in SEEDS]) for gain in gains}
layers_back = np.arange(1, LAYERS + 1)
fig, ax = plt.subplots(figsize=(7, 4))
for color, gain in zip(("C0", "C2", "C3"), gains, strict=True):
    ax.semilogy(layers_back, np.median(growth[gain], axis=0), color=color, label=f"gain {gain}")
    ax.semilogy(layers_back, gain**layers_back, "--", color=color, lw=1)
ax.set(xlabel="layers the gradient has gone back through", ylabel="growth of its norm (log)")
ax.set_title("ReLU layers, He-scaled weights times a gain (dashed: gain ** layers)")
ax.legend()
plt.show()
print({gain: growth[gain][:, -1].round(6).tolist() for gain in gains}, "after 50 layers")

# %%
after_50 = growth[1.0][:, -1]  # He weights: each seed's growth within a factor 10 of 1
checks.expect_between("gain 1: lowest growth after 50 layers", after_50.min(), 0.1, 10)
checks.expect_between("gain 1: highest growth after 50 layers", after_50.max(), 0.1, 10)
for gain in (0.8, 1.25):  # relu(c * z) = c * relu(z) for c > 0: exactly gain ** layers more
    growth_per_layer = growth[gain] / gain**layers_back
    checks.expect_close(f"gain {gain}: growth / gain ** layers", growth_per_layer, growth[1.0], rtol=1e-6)  # fmt: skip

# %% [markdown]
# With He weights (gain 1) the gradient keeps its size through 50 layers, within a small
# factor for every seed. The other curves are *exactly* the gain-1 curve times
# $\text{gain}^{\text{layers}}$: a ReLU passes a scaled input scaled by the same factor
# ($\operatorname{relu}(cz) = c\operatorname{relu}(z)$ for $c > 0$), so the same units are
# active and every layer multiplies the gradient by the gain once more. A weight scale only 25% too large makes the gradient at the bottom tens of
# thousands of times larger than at the top; 20% too small makes it vanish. This is why
# initializers are derived so carefully (Glorot for tanh and sigmoid, He for ReLU, LeCun for
# SELU), and why recurrent networks (lesson 08), which apply the *same* weights at every time
# step, are the classic victims: their gain cannot differ from step to step.

# %% [markdown] tags=["notes"]
# Say: the picture is a straight line on a log scale for every gain: each layer multiplies the
# gradient's size by about the gain, so depth turns a small mistake in the weight scale into a
# huge one. Ask the room: "The gain is 1.25. How many layers until the gradient is 1,000 times too
# large?" (expected answer: about 31, since 1.25 ** 31 is about 1,000).

# %% [markdown]
# ## 5. Gradient clipping
#
# When a gradient explodes, one step of gradient descent throws the weights far away: the loss
# jumps, often to `inf` or `NaN`, and training is lost. **Gradient clipping** caps the step:
#
# - `clipnorm=c`: if a variable's gradient has norm above $c$, scale it down to norm $c$
#   (same direction, shorter); `global_clipnorm=c` does the same to all variables' gradients
#   taken together;
# - `clipvalue=c`: clip every number of the gradient to $[-c, c]$ (this changes its direction).
#
# A 20-layer ReLU network with He weights times a gain of 1.25 starts with a loss in the
# hundreds and huge gradients. We train it with plain SGD (learning rate 0.01) for
# `SHORT_EPOCHS` epochs, with and without `clipnorm=1.0`, three seeds each.


# %%
def exploding_network(seed):
    keras.utils.set_random_seed(seed)
    scaled_he = keras.initializers.VarianceScaling(2.0 * 1.25**2, "fan_in", "truncated_normal")
    hidden = [keras.layers.Dense(128, "relu", kernel_initializer=scaled_he) for _ in range(20)]
    return keras.Sequential(
        [keras.Input(shape=(784,)), *hidden, keras.layers.Dense(10, activation="softmax")]
    )


clip_runs = []
for seed, clipnorm in progress.bar([(s, c) for s in SEEDS for c in (None, 1.0)], "runs"):
    model = exploding_network(seed)
    optimizer = keras.optimizers.SGD(learning_rate=0.01, clipnorm=clipnorm)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(
        x_train[:TRAIN_SAMPLES], y_train[:TRAIN_SAMPLES], epochs=SHORT_EPOCHS, batch_size=64,
        verbose=0,
    )  # fmt: skip
    clip_runs.append(
        {
            "seed": seed,
            "clipnorm": clipnorm or "none",
            "first epoch loss": history.history["loss"][0],
            "validation accuracy": model.evaluate(x_val, y_val, verbose=0)[1],
        }
    )
clip_table = pd.DataFrame(clip_runs)
print(clip_table.round(3).to_string(index=False))

# %%
clipped = clip_table[clip_table.clipnorm == 1.0]
unclipped = clip_table[clip_table.clipnorm == "none"]
ruined = unclipped["first epoch loss"].isna() | (unclipped["validation accuracy"] < 0.2)
checks.expect_at_least("clipped runs: lowest validation accuracy", clipped["validation accuracy"].min(), 0.6)  # fmt: skip
checks.expect_at_least("unclipped runs ruined (NaN loss or guessing)", ruined.sum(), 1)
checks.expect_at_least(
    "mean accuracy, clipped - unclipped",
    clipped["validation accuracy"].mean() - unclipped["validation accuracy"].mean(),
    0.1,
)

# %% [markdown]
# Measured on one CPU over these three seeds: without clipping, two runs ended with a `NaN`
# loss (their accuracy is the 10% of guessing) and the third was lucky and learned; with
# `clipnorm=1.0` all three learned (74% to 80% after two epochs). Which unclipped runs survive
# is a matter of luck, which is the problem: clipping makes the outcome reliable.
#
# Clipping treats the symptom, not the cause. The clipped networks still start badly scaled
# and learn more slowly than a well-initialized one (section 6 trains such networks well past
# 85%). Use it where large gradients are a fact of life: recurrent networks (lesson 08), very
# high learning rates (lessons 05a and 05c), and noisy losses, where one freak batch must not wreck
# training.

# %% [markdown]
# ## 6. Self-normalizing networks: SELU
#
# SELU (Klambauer et al., 2017) is an ELU scaled by two fixed constants,
# $\lambda \approx 1.0507$ and $\alpha \approx 1.6733$:
#
# $$ \operatorname{selu}(z) = \lambda \begin{cases} z & z > 0 \\ \alpha (e^{z} - 1) & z \le 0
#    \end{cases} $$
#
# They are chosen so that if a layer's inputs have mean 0 and variance 1, and its weights have
# variance $1/n$ (`lecun_normal`), its outputs have mean 0 and variance 1 too: the signal
# neither fades nor grows, however deep the stack. The conditions matter: standardized inputs,
# `lecun_normal` weights, a plain stack of `Dense` layers (no ordinary dropout, no skip
# connections).
#
# We compare three 30-layer networks of 100 units on standardized digits: SELU with
# `lecun_normal`, ReLU with `he_normal`, and ReLU with Keras's default `glorot_uniform`. First
# the signal going forward, then `SHORT_EPOCHS` epochs of SGD.

# %%
pixel_mean, pixel_std = x_train.mean(), x_train.std()  # statistics of the training set only
x_train_std, x_val_std = (x_train - pixel_mean) / pixel_std, (x_val - pixel_mean) / pixel_std
setups = {
    "selu, lecun_normal": ("selu", "lecun_normal"),
    "relu, he_normal": ("relu", "he_normal"),
    "relu, glorot_uniform": ("relu", "glorot_uniform"),
}


def network_30(activation, initializer):
    keras.utils.set_random_seed(SEED)
    hidden = [
        keras.layers.Dense(100, activation, kernel_initializer=initializer) for _ in range(30)
    ]
    return keras.Sequential([keras.Input(shape=(784,)), *hidden, keras.layers.Dense(10, "softmax")])


signal, selu_runs = {}, {}
for name, (activation, initializer) in progress.bar(setups.items(), "30-layer networks"):
    model = network_30(activation, initializer)
    h, means, stds = x_val_std[:512], [], []
    for layer in model.layers[:-1]:
        h = layer(h)
        means.append(float(tf.reduce_mean(h)))
        stds.append(float(tf.math.reduce_std(h)))
    signal[name] = {"mean": means, "std": stds}
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])  # fmt: skip
    start = time.perf_counter()
    model.fit(x_train_std[:TRAIN_SAMPLES], y_train[:TRAIN_SAMPLES], epochs=SHORT_EPOCHS, batch_size=64, verbose=0)  # fmt: skip
    selu_runs[name] = {
        "layer 30 mean": means[-1],
        "layer 30 std": stds[-1],
        "validation accuracy": model.evaluate(x_val_std, y_val, verbose=0)[1],
        "seconds": time.perf_counter() - start,
    }

fig, (ax_mean, ax_std) = plt.subplots(1, 2, figsize=(11, 3.8))
for name in setups:
    ax_mean.plot(range(1, 31), signal[name]["mean"], "-o", ms=3, label=name)
    ax_std.semilogy(range(1, 31), signal[name]["std"], "-o", ms=3, label=name)
ax_mean.set(xlabel="hidden layer", ylabel="mean output", title="forward: mean")
ax_std.set(xlabel="hidden layer", ylabel="standard deviation (log)", title="forward: spread")
ax_std.legend()
plt.show()
selu_table = pd.DataFrame(selu_runs).T
print(selu_table.round(3).to_string())

# %%
selu = selu_table.loc["selu, lecun_normal"]
checks.expect_between("selu: std at layer 30", selu["layer 30 std"], 0.7, 1.3)
checks.expect_between("selu: mean at layer 30", selu["layer 30 mean"], -0.15, 0.15)
glorot_relu = selu_table.loc["relu, glorot_uniform"]
checks.expect_at_most("relu + glorot: std at layer 30", glorot_relu["layer 30 std"], 1e-3)
checks.expect_at_most("relu + glorot: validation accuracy", glorot_relu["validation accuracy"], 0.2)
checks.expect_at_least("selu: validation accuracy", selu["validation accuracy"], 0.88)
checks.expect_at_least(
    "validation accuracy, selu - relu with he_normal",
    selu["validation accuracy"] - selu_table.loc["relu, he_normal", "validation accuracy"],
    0.01,
)

# %% [markdown]
# SELU keeps the signal at mean 0 and spread 1 through all 30 layers, and after two epochs it
# is the most accurate of the three (over seeds 0-2 on one CPU: 91.6-93.3% against 86.4-88.1%
# for ReLU with He weights). ReLU with `glorot_uniform` weights, whose variance suits tanh,
# halves the signal's variance at every layer: after 30 layers nothing is left, and the network
# stays at guessing. ReLU with `he_normal` keeps a signal, but its mean stays well above zero
# (a ReLU's output is never negative) and its spread wanders from layer to layer.
#
# Self-normalization is fragile: it breaks with skip connections, ordinary dropout (SELU has
# its own `AlphaDropout`) or unstandardized inputs, which is why most modern deep networks
# keep the signal in shape with normalization layers instead (batch normalization, lesson 06b)
# and skip connections (lesson 07).

# %% [markdown] tags=["notes"]
# Say: three cures for the same disease. Initialization sets the gain per layer to about 1 at the
# start (He for ReLU); SELU makes the activation itself pull the signal back to mean 0 and spread
# 1; clipping caps the damage when gradients explode anyway. Ask the room: "Why did ReLU with
# glorot_uniform fail at 30 layers when it learned well at 10 in section 2?" (expected answer:
# each layer halves the variance; 10 halvings still leave a signal, 30 leave none).

# %% [markdown]
# ## 7. Explore: a deep network, forward and backward
#
# Choose the activation, the initializer, a gain on the initial weights and the depth. The
# widget sends 256 standardized validation digits through a random network of 64-unit layers
# (no training; NumPy, so it redraws at once) and a gradient back. Left: the spread of each
# layer's outputs; right: the norm of the gradient of each layer's weights.
#
# Try: sigmoid at depth 40 (the gradient at layer 1 is millions of times smaller than at the
# top); ReLU with He weights and gain 1 (flat), then gain 1.2 and 0.8; SELU with LeCun weights
# against SELU with Glorot weights.

# %%
explorer = lesson.depth_explorer(x_val_std[:256])
explorer

# %% [markdown] tags=["notes"]
# Show: sigmoid at depth 40, then ReLU with He weights at gain 1, 1.2 and 0.8; ask before each move
# which way the right-hand curve will tilt. Then SELU with LeCun weights (flat, spread near 1)
# against SELU with Glorot weights. Link back: a straight line on this log scale is the product of
# Jacobians of section 4; its slope is the gain per layer.

# %% [markdown]
# ## Summary
#
# - Backpropagation multiplies one Jacobian per layer. Through $L$ layers the gradient grows or
#   shrinks by about (factor per layer)$^L$: measured, $0.8^{50}$ and $1.25^{50}$ within a small
#   factor. Depth turns a small error in scale into a huge one.
# - Vanishing: saturating activations (the sigmoid's slope is at most 0.25) and badly scaled
#   weights starve the first layers; a 10-layer sigmoid network did not learn, tanh and ReLU did.
#   A dead ReLU passes no gradient at all: a too-large learning rate killed many first-layer
#   units in one epoch.
# - Exploding: a 20-layer ReLU network with weights 25% too large lost most runs to a `NaN`
#   loss; `clipnorm=1.0` made every run learn. Clipping caps steps; it does not fix the scale.
# - Keeping the signal alive: the right initializer for the activation (He for ReLU, LeCun for
#   SELU, Glorot for tanh), self-normalizing SELU in plain dense stacks, and in larger models
#   normalization layers and skip connections.

# %% [markdown]
# ## Exercises
#
# Each exercise has a cell for your code, a self-check that says PASS or gives a hint, and a
# hidden solution cell below it (click to expand; running it shows the check passing).

# %% [markdown]
# ### Exercise 1: how small can it get?
#
# Backpropagating through 10 sigmoid layers multiplies the gradient by 10 factors
# $\sigma'(z_l)$, one per layer (ignoring the weights). What is the largest value their product
# can have? Set `bound` to that number.

# %% tags=["exercise"]
bound = None  # YOUR CODE HERE
lesson.exercise_vanishing_bound(bound)

# %% tags=["solution"]
bound = (0.5 * (1 - 0.5)) ** 10  # sigmoid'(0) = sigmoid(0) * (1 - sigmoid(0)) = 0.25
lesson.exercise_vanishing_bound(bound)

# %% [markdown]
# ### Exercise 2: clip a gradient by its norm
#
# Write `clip_by_norm(gradient, max_norm)` in NumPy, what `clipnorm=max_norm` does to one
# variable's gradient: if the norm of `gradient` (all its numbers together,
# `np.linalg.norm(gradient)`) is above `max_norm`, return it scaled down to norm `max_norm`;
# otherwise return it unchanged. It must work for vectors and for kernel-shaped matrices.


# %% tags=["exercise"]
def clip_by_norm(gradient, max_norm):
    raise NotImplementedError  # YOUR CODE HERE


lesson.exercise_clip_by_norm(clip_by_norm)


# %% tags=["solution"]
def clip_by_norm(gradient, max_norm):
    norm = np.linalg.norm(gradient)
    if norm <= max_norm:
        return gradient
    return gradient * (max_norm / norm)


lesson.exercise_clip_by_norm(clip_by_norm)
