# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Activation functions: what turns layers into a deep network
#
# **What you will learn**
#
# - how an artificial neuron weighs its inputs, adds a bias and passes the sum through an
#   *activation function*;
# - why a stack of layers without activation functions is no better than a single layer,
#   proved with numbers;
# - the activation functions in use today (sigmoid, tanh, ReLU, leaky ReLU and PReLU, ELU,
#   softplus, GELU, swish, and softmax for outputs): formula, range and derivative, every
#   derivative checked against TensorFlow's automatic differentiation;
# - their strengths and weaknesses: saturation, zero-centred outputs, dying units, cost;
# - the *vanishing gradient* problem, measured layer by layer in a 10-layer network on real
#   handwritten digits, and what it does to training.
#
# **What you need**: lesson 00 (tensors, NumPy and Keras basics) and the idea of a derivative.
# The lesson runs in about a minute on a laptop CPU.

# %%
import time
import timeit

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import tensorflow as tf
from scipy.special import erf

from helpers import checks, datasets, plotting, progress
from helpers.lessons import activations as lesson

plotting.use_course_style()
SEED = 7
keras.utils.set_random_seed(SEED)  # same weights, same batches, same numbers on every run

# Settings that cost time. The checks in section 5 describe this budget: train much longer
# and GELU, whose gradient is small rather than vanishing, starts to learn.
TRAIN_SAMPLES = 20_000  # MNIST training images used for the short training runs
DEEP_EPOCHS = 3  # epochs for each 10-layer network in the vanishing-gradient race

# %% [markdown] tags=["notes"]
# Say: this lesson answers one question, what the activation function does and why a deep network
# cannot do without it; it then tours the common activations and measures two of their failure
# modes, dying ReLU and the vanishing gradient, on MNIST. It runs in about half a minute of CPU. Ask
# the room: "If we stack ten Dense layers with no activation, how many layers do we really have?"
# (expected answer: one; section 2 proves it).

# %% [markdown]
# ## 1. A neuron: a weighted vote, a bias, and a squashing function
#
# A neuron receives numbers $x_1, \dots, x_n$, multiplies each by a **weight** $w_i$ that says
# how much (and in which direction) that input counts, adds a **bias** $b$, and passes the
# result through an **activation function** $g$:
#
# $$ z = w_1 x_1 + w_2 x_2 + \dots + w_n x_n + b = \mathbf{w} \cdot \mathbf{x} + b,
# \qquad \text{output} = g(z). $$
#
# The weights and the bias are what learning adjusts; the inputs are given.

# %% [markdown]
# ### Should I go out to play tonight?
#
# Three yes/no facts feed the decision: $x_1$ = "I feel like playing" (yes, 1),
# $x_2$ = "I have an exam tomorrow" (yes, 1), $x_3$ = "my friends are going" (no, 0).
# The weights $\mathbf{w} = (10, -15, 20)$ say that friends matter most, the exam speaks
# *against* going, and the wish to play speaks for it. The classic perceptron (1958) answers
# with a step: go if $z > 0$. The bias is a built-in leaning towards (or against) going.

# %%
x = np.array([1.0, 1.0, 0.0])  # feel like playing, exam tomorrow, friends going
w = np.array([10.0, -15.0, 20.0])  # how much each fact counts, and in which direction


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


for b in [0.0, 4.0, 4.5, 6.0]:
    z = w @ x + b
    step = "go" if z > 0 else "stay home"
    print(f"bias {b:3.1f}: z = {z:+.1f}  step neuron: {step:9}  sigmoid neuron: {sigmoid(z):.3f}")

# %% [markdown]
# The step neuron's answer flips from "stay home" to "go" at $b = 5$ (it needs $z > 0$, so
# $b > 5$), with nothing in between. The **sigmoid** neuron $\sigma(z) = 1/(1+e^{-z})$ answers with a degree of
# confidence instead. What matters most for learning is that its output is a smooth function of
# the weights: nudge a weight slightly and the output moves slightly, by an amount the
# derivatives predict:
#
# $$ \Delta\text{output} \approx \sum_j \frac{\partial\,\text{output}}{\partial w_j}\Delta w_j
#    + \frac{\partial\,\text{output}}{\partial b}\Delta b,
#    \qquad \frac{\partial\,\sigma(z)}{\partial w_j} = \sigma(z)\,(1-\sigma(z))\,x_j. $$
#
# That is what lets gradient descent improve a network by many tiny steps. With a step
# function a tiny change either does nothing or flips the answer, so there is no gradient to
# follow. Let us check the linear prediction on the sigmoid neuron.

# %%
b = 4.5
delta_w1 = 0.05
z_before, z_after = w @ x + b, w @ x + b + delta_w1 * x[0]
actual_change = sigmoid(z_after) - sigmoid(z_before)
predicted_change = sigmoid(z_before) * (1 - sigmoid(z_before)) * x[0] * delta_w1
print(f"actual change {actual_change:.6f}, predicted by the derivative {predicted_change:.6f}")
relative_error = abs(actual_change - predicted_change) / abs(actual_change)
checks.expect_at_most("relative error of the linear prediction", relative_error, 0.01)

# %% [markdown] tags=["notes"]
# Say: a neuron is a weighted vote plus a bias, and the step neuron's answer jumps all at once,
# while the sigmoid answers smoothly. Smoothness is the point: a small change of a weight gives a
# small change of the output that the derivatives predict, and that is what gradient descent needs.
# Ask the room: "In the go-out-to-play example, which input matters most, and how do you read that
# from the weights?" (expected answer: the friends, weight 20, the largest in size; the exam's
# weight is negative, so it speaks against going).

# %% [markdown]
# ## 2. Why layers need a nonlinearity
#
# A `Dense` layer without an activation computes an affine map $\mathbf{x} W + \mathbf{b}$
# (Keras multiplies a row of inputs by the kernel $W$). Stack three of them:
#
# $$ ((\mathbf{x} W_1 + \mathbf{b}_1) W_2 + \mathbf{b}_2) W_3 + \mathbf{b}_3
#    = \mathbf{x}\,\underbrace{W_1 W_2 W_3}_{W}
#    + \underbrace{(\mathbf{b}_1 W_2 + \mathbf{b}_2) W_3 + \mathbf{b}_3}_{\mathbf{b}}. $$
#
# Three layers collapse into one: depth adds parameters but no new abilities. We check this on
# real digits with a 784 -> 64 -> 32 -> 10 stack (random biases, so that they matter too).

# %%
(x_train, y_train), (x_test, y_test) = datasets.load_mnist()
x_train = x_train.reshape(-1, 28 * 28).astype("float32") / 255
x_test = x_test.reshape(-1, 28 * 28).astype("float32") / 255
print(x_train.shape, y_train.shape, x_test.shape, y_test.shape)

keras.utils.set_random_seed(SEED)
linear_stack = keras.Sequential(
    [keras.Input(shape=(784,))]
    + [keras.layers.Dense(units, bias_initializer="random_normal") for units in (64, 32, 10)]
)
x_batch = x_test[:512]
stack_output = linear_stack.predict(x_batch, verbose=0)

w1, w2, w3 = [layer.kernel.numpy().astype("float64") for layer in linear_stack.layers]
b1, b2, b3 = [layer.bias.numpy().astype("float64") for layer in linear_stack.layers]
w_single = w1 @ w2 @ w3
b_single = (b1 @ w2 + b2) @ w3 + b3
single_output = x_batch @ w_single + b_single
print(
    f"{linear_stack.count_params():,} parameters in the stack, "
    f"{w_single.size + b_single.size:,} in the single layer it equals"
)
checks.expect_close("stack vs single affine map", stack_output, single_output, rtol=1e-4, atol=1e-4)

# %% [markdown]
# Put a ReLU between the layers and the collapse is gone. The picture below uses one input and
# one output so that we can see it: the same random weights, once without activations (always a
# straight line, whatever the weights) and once with ReLU (a bent, piecewise-linear curve). The
# check measures how far each curve is from the best straight line through it.

# %%
keras.utils.set_random_seed(SEED)
tiny = keras.Sequential(
    [
        keras.Input(shape=(1,)),
        keras.layers.Dense(16, activation="relu", bias_initializer="random_normal"),
        keras.layers.Dense(16, activation="relu", bias_initializer="random_normal"),
        keras.layers.Dense(1),
    ]
)
x_line = np.linspace(-3, 3, 301).reshape(-1, 1).astype("float32")
y_relu = tiny.predict(x_line, verbose=0)[:, 0]
y_linear = x_line.astype("float64")
for layer in tiny.layers:  # the same weights, with the activations left out
    y_linear = y_linear @ layer.kernel.numpy() + layer.bias.numpy()
y_linear = y_linear[:, 0]


def distance_from_a_line(x, y):
    """RMS distance from the least-squares straight line, relative to the spread of y."""
    slope, intercept = np.polyfit(x, y, deg=1)
    return np.sqrt(np.mean((y - (slope * x + intercept)) ** 2)) / y.std()


fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(x_line, y_linear, label="no activation")
ax.plot(x_line, y_relu, label="ReLU between layers")
ax.set(xlabel="input", ylabel="network output", title="1 -> 16 -> 16 -> 1, same weights")
ax.legend()
plt.show()
distance_linear = distance_from_a_line(x_line[:, 0], y_linear)
distance_relu = distance_from_a_line(x_line[:, 0], y_relu)
checks.expect_at_most("no activation: distance from a line", distance_linear, 1e-6)
checks.expect_at_least("ReLU: distance from a line", distance_relu, 0.02)

# %% [markdown] tags=["notes"]
# Say: without an activation, three Dense layers multiply out to a single affine map, and the check
# matches their outputs; one ReLU between them bends the straight line into a piecewise-linear
# curve. Ask the room: "What does depth buy us if we leave the activations out?" (expected answer:
# nothing new, only more parameters for the same affine map).

# %% [markdown]
# ## 3. The activation functions
#
# | name | $g(z)$ | range | $g'(z)$ | Keras |
# |---|---|---|---|---|
# | logistic sigmoid | $\sigma(z) = \frac{1}{1+e^{-z}}$ | $(0, 1)$ | $\sigma(z)(1-\sigma(z))$ | `"sigmoid"` |
# | hyperbolic tangent | $\tanh z = \frac{e^z-e^{-z}}{e^z+e^{-z}} = 2\sigma(2z)-1$ | $(-1, 1)$ | $1-\tanh^2 z$ | `"tanh"` |
# | ReLU | $\max(0, z)$ | $[0, \infty)$ | $1$ if $z>0$, else $0$ | `"relu"` |
# | leaky ReLU | $z$ if $z>0$, else $\alpha z$ | $(-\infty, \infty)$ | $1$ or $\alpha$ | `"leaky_relu"` ($\alpha=0.2$; the `layers.LeakyReLU` layer defaults to 0.3) |
# | PReLU | $\max(0,z) + \alpha\min(0,z)$, $\alpha$ learned | $(-\infty, \infty)$ | $1$ or $\alpha$ | `layers.PReLU()` |
# | ELU | $z$ if $z>0$, else $\alpha(e^z-1)$ | $(-\alpha, \infty)$ | $1$ or $\alpha e^z$ | `"elu"` |
# | softplus | $\log(1+e^z)$ | $(0, \infty)$ | $\sigma(z)$ | `"softplus"` |
# | GELU | $z\,\Phi(z)$, $\Phi$ = normal CDF | $\approx(-0.17, \infty)$ | $\Phi(z) + z\,\varphi(z)$ | `"gelu"` |
# | swish (SiLU) | $z\,\sigma(z)$ | $\approx(-0.28, \infty)$ | $\sigma(z)(1 + z(1-\sigma(z)))$ | `"silu"` |
#
# Each one, with its derivative, in NumPy (vectorized: they take whole arrays):


# %%
def sigmoid_derivative(z):
    return sigmoid(z) * (1 - sigmoid(z))


def tanh_derivative(z):
    return 1 - np.tanh(z) ** 2


def relu(z):
    return np.maximum(z, 0.0)


def relu_derivative(z):
    return (z > 0).astype(float)


def leaky_relu(z, alpha=0.2):
    return np.where(z > 0, z, alpha * z)


def leaky_relu_derivative(z, alpha=0.2):
    return np.where(z > 0, 1.0, alpha)


def elu(z, alpha=1.0):
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0)))


def elu_derivative(z, alpha=1.0):
    return np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0)))


def softplus(z):
    return np.logaddexp(0, z)  # log(1 + e^z) without overflow


def normal_cdf(z):
    return 0.5 * (1 + erf(z / np.sqrt(2)))


def gelu(z):
    return z * normal_cdf(z)


def gelu_derivative(z):
    return normal_cdf(z) + z * np.exp(-(z**2) / 2) / np.sqrt(2 * np.pi)


def swish(z):
    return z * sigmoid(z)


def swish_derivative(z):
    return sigmoid(z) * (1 + z * (1 - sigmoid(z)))


# name: (NumPy function, NumPy derivative, the Keras activation it should equal)
ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_derivative, keras.activations.sigmoid),
    "tanh": (np.tanh, tanh_derivative, keras.activations.tanh),
    "relu": (relu, relu_derivative, keras.activations.relu),
    "leaky_relu": (leaky_relu, leaky_relu_derivative, keras.activations.leaky_relu),
    "elu": (elu, elu_derivative, keras.activations.elu),
    "softplus": (softplus, sigmoid, keras.activations.softplus),
    "gelu": (gelu, gelu_derivative, keras.activations.gelu),
    "swish": (swish, swish_derivative, keras.activations.silu),
}

# %% [markdown]
# ### Checked against TensorFlow
#
# Our formulas could be wrong. TensorFlow computes derivatives by *automatic differentiation*:
# `tf.GradientTape` records the operations of the Keras activation and differentiates them
# exactly. For every activation we compare our function with Keras's, and our derivative with
# the tape's, on 240 points in $[-6, 6]$.

# %%
z = tf.constant(np.linspace(-6, 6, 240), dtype=tf.float64)  # 240 points: 0 is not among them
for name, (function, derivative, keras_function) in ACTIVATIONS.items():
    with tf.GradientTape() as tape:
        tape.watch(z)
        keras_output = keras_function(z)
    keras_derivative = tape.gradient(keras_output, z)
    checks.expect_close(f"{name} vs Keras", function(z.numpy()), keras_output, atol=1e-6)
    checks.expect_close(f"{name}' vs tape", derivative(z.numpy()), keras_derivative, atol=1e-6)

# %% [markdown]
# ### The S-shaped functions
#
# Sigmoid and tanh are smooth and bounded. tanh is a sigmoid stretched to $(-1, 1)$ and
# squeezed along $z$: $\tanh z = 2\sigma(2z) - 1$, so its slope at 0 is 1, four times the
# sigmoid's. Both flatten out for large $|z|$: there their
# derivative is nearly zero, the neuron is **saturated**, and it barely learns. The sigmoid's
# derivative is never more than $\sigma'(0) = 0.25$.

# %%
z_grid = np.linspace(-6, 6, 601)
tanh_from_sigmoid = 2 * sigmoid(2 * z_grid) - 1
checks.expect_close("tanh(z) vs 2 sigmoid(2z) - 1", np.tanh(z_grid), tanh_from_sigmoid, atol=1e-12)
checks.expect_close("largest sigmoid derivative", sigmoid_derivative(z_grid).max(), 0.25)
plotting.plot_functions(
    {"sigmoid": sigmoid, "tanh": np.tanh},
    derivatives={"sigmoid": sigmoid_derivative, "tanh": tanh_derivative},
    x=z_grid,
)

# %% [markdown]
# ### The rectifiers
#
# ReLU keeps positive inputs as they are and zeroes the rest: its derivative is exactly 1 for
# every active unit, so gradients pass through active units undiminished. Its relatives change
# the negative side: **leaky ReLU** keeps a small slope $\alpha$ there, **PReLU** learns that
# slope, **ELU** bends smoothly towards $-\alpha$, and **softplus** is a smooth ReLU whose
# derivative is exactly the sigmoid.

# %%
plotting.plot_functions(
    {"relu": relu, "leaky_relu": leaky_relu, "elu": elu, "softplus": softplus},
    derivatives={
        "relu": relu_derivative,
        "leaky_relu": leaky_relu_derivative,
        "elu": elu_derivative,
        "softplus": sigmoid,
    },
    x=z_grid,
)

# %% [markdown]
# PReLU is leaky ReLU with $\alpha$ as a weight of the layer, one per unit, trained like any
# other weight. Here it starts at $\alpha = 0.25$:

# %%
prelu = keras.layers.PReLU(alpha_initializer=keras.initializers.Constant(0.25))
prelu_output = prelu(np.array([[-2.0, -1.0, 0.5, 2.0]], dtype="float32")).numpy()
print(
    "PReLU output:", prelu_output, " trainable weights:", [w.path for w in prelu.trainable_weights]
)
checks.expect_close("PReLU with alpha = 0.25", prelu_output, [[-0.5, -0.25, 0.5, 2.0]])

# %% [markdown]
# ### Smooth modern activations
#
# GELU (used in transformers such as BERT and GPT) and swish/SiLU (found by automated search,
# used in EfficientNet) are smooth curves that look like ReLU for large $|z|$ but dip slightly
# below zero for small negative inputs. They cost more to compute and often train a little
# better in large models. GELU's normal CDF $\Phi$ has no closed form, so a tanh formula that
# stays within 0.001 of it is often used instead (BERT and GPT-2 did): in Keras,
# `keras.activations.gelu(z, approximate=True)`; the default, `approximate=False`, uses the
# exact error function (as does our `gelu` above). The next cell measures the gap.

# %%
gelu_gap = np.abs(np.asarray(keras.activations.gelu(z_grid, approximate=True)) - gelu(z_grid))
checks.expect_at_most("largest gap between tanh-GELU and exact GELU", gelu_gap.max(), 0.001)

# %%
plotting.plot_functions(
    {"relu": relu, "gelu": gelu, "swish": swish},
    derivatives={"relu": relu_derivative, "gelu": gelu_derivative, "swish": swish_derivative},
    x=z_grid,
)

# %% [markdown]
# ### Softmax: an activation for the output layer
#
# A classifier's last layer has one unit per class. **Softmax** turns its scores (*logits*)
# into probabilities that are positive and sum to one:
# $\operatorname{softmax}(\mathbf{z})_i = e^{z_i} / \sum_j e^{z_j}$. Adding the same constant to
# every logit changes nothing. Unlike the functions above, softmax mixes its inputs: its
# derivative is a matrix (a Jacobian), $\partial s_i/\partial z_j = s_i(\delta_{ij} - s_j)$.
# (For two classes, or for several independent yes/no labels, the output layer uses sigmoid.)

# %%
logits = tf.constant([2.0, 1.0, 0.1, -1.0], dtype=tf.float64)
with tf.GradientTape() as tape:
    tape.watch(logits)
    probabilities = keras.activations.softmax(logits[None, :])[0]
jacobian = tape.jacobian(probabilities, logits)
s = probabilities.numpy()
print("probabilities:", s.round(3), " sum:", s.sum())
checks.expect_close("softmax sums to 1", s.sum(), 1.0)
shifted = keras.activations.softmax(logits[None, :] + 100)[0]
checks.expect_close("softmax(z + 100) == softmax(z)", shifted, s)
checks.expect_close("softmax Jacobian diag(s) - s s^T", jacobian, np.diag(s) - np.outer(s, s))

# %% [markdown]
# ## 4. Strengths and weaknesses
#
# | activation | strengths | weaknesses |
# |---|---|---|
# | sigmoid | smooth; output reads as a probability (use it for binary outputs) | saturates; derivative at most 0.25, so gradients shrink layer by layer; outputs not zero-centred; needs `exp` |
# | tanh | smooth; zero-centred; derivative up to 1 | still saturates for $\lvert z \rvert \gtrsim 3$ |
# | ReLU | cheap; no saturation for $z>0$; sparse activity (many exact zeros) | units can *die* (stuck at 0, zero gradient); not zero-centred; unbounded, so large updates can blow up |
# | leaky ReLU / PReLU | no dead units: the negative side keeps a gradient | one more hyperparameter (or weight) |
# | ELU | smooth; mean output closer to zero | `exp` on the negative side |
# | softplus | smooth ReLU | saturates on the left; costs `exp` and `log` |
# | GELU / swish | smooth, non-monotonic; strong in large models | among the most expensive; slope 1/2 at zero, so they need good initialization or normalization |
#
# Three of these claims are worth measuring: zero-centring, dying units and cost.

# %% [markdown]
# ### Zero-centred outputs
#
# If every input of the next layer is positive (sigmoid, ReLU), the gradients of all the weights
# of one unit share one sign for each example, so a single example's update can only move them
# all up or all down together, and the weights zig-zag towards their target.
# Mean outputs for standard-normal inputs $z$ (checked below: tanh about 0, the sigmoid about
# 1/2, ReLU about $1/\sqrt{2\pi} \approx 0.4$):

# %%
z_normal = np.random.default_rng(SEED).standard_normal(1_000_000)
means = {name: functions[0](z_normal).mean() for name, functions in ACTIVATIONS.items()}
print(pd.Series(means, name="mean output").round(3).to_string())
checks.expect_between("mean tanh output", means["tanh"], -0.01, 0.01)
checks.expect_between("mean sigmoid output", means["sigmoid"], 0.49, 0.51)
checks.expect_at_least("mean relu output", means["relu"], 0.35)  # 1/sqrt(2 pi) = 0.399

# %% [markdown]
# ### Dying ReLU
#
# A ReLU unit whose input is negative for *every* example outputs 0 and has derivative 0: no
# gradient reaches its weights again. For a first-layer unit, whose inputs are the fixed pixels,
# nothing else can revive it either, so it never recovers (a deeper unit could come back if the
# layers below it change). Large, clumsy updates push many units there. We train the same
# 784-256-256-10 ReLU network for one epoch with a sensible learning rate and with a too-large
# one, then count the first-layer units that stay at zero on 2,000 test images.
#
# Measured over six seeds on one CPU: at rate 0.3 no unit died; at rate 1.0, 37% to 73% of the
# units died in five runs, and in the sixth the loss overflowed to NaN (the other way a too-large
# rate ruins training; a NaN unit does not count as dead). The check below accepts either ruin.


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
    activity = first_layer.predict(x_test[:2000], verbose=0)
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
# A leaky ReLU cannot die this way: on the negative side its derivative is $\alpha$, not 0, so
# some gradient always flows back. Smaller learning rates, good initialization (lesson 05) and
# batch normalization (lesson 06) make dead units rarer too.

# %% [markdown]
# ### Cost
#
# Time for each Keras activation on 4 million numbers (the median of 5 runs on this machine;
# numbers vary between machines, ratios less so):

# %%
big = tf.random.normal((4_000_000,), seed=SEED)
timings = {}
for name, (_, _, keras_function) in ACTIVATIONS.items():
    # Summing forces the computation to finish (on a GPU too) without copying 4M numbers back.
    runs = timeit.repeat(lambda f=keras_function: tf.reduce_sum(f(big)).numpy(), repeat=5, number=1)
    timings[name] = 1000 * np.median(runs)
print(pd.Series(timings, name="milliseconds").round(1).sort_values().to_string())

# %% [markdown]
# Read the table as ratios, not absolute times. ReLU and leaky ReLU (a comparison and a
# multiplication) are the cheapest; functions built on `exp` (sigmoid, ELU, tanh) cost a few
# times more; softplus, swish and GELU, which combine several such operations, cost the most.
# The exact order among the expensive ones changes between machines. In a real network the
# matrix products dominate, so this matters most for very large activations, not for MNIST.

# %% [markdown]
# ## 5. The vanishing gradient, measured
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
# ### Which one learns?
#
# Now we train each 10-layer network with plain stochastic gradient descent (learning rate 0.1,
# batches of 64) for `DEEP_EPOCHS` epochs on `TRAIN_SAMPLES` digits, and track accuracy on the
# 10,000 test digits. Guessing gives about 10%.

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
        validation_data=(x_test, y_test),
        verbose=0,
    )
    seconds[activation] = time.perf_counter() - start

final_accuracy = {a: h.history["val_accuracy"][-1] for a, h in histories.items()}
print(pd.DataFrame({"test accuracy": final_accuracy, "seconds": seconds}).round(3).to_string())
plotting.plot_history(histories, metrics=["accuracy"], title="10-layer nets (validation: test set)")

# %%
checks.expect_at_most("sigmoid 10-layer net: test accuracy", final_accuracy["sigmoid"], 0.2)
checks.expect_at_most("gelu 10-layer net: test accuracy", final_accuracy["gelu"], 0.2)
checks.expect_at_least("tanh 10-layer net: test accuracy", final_accuracy["tanh"], 0.85)
checks.expect_at_least("relu 10-layer net: test accuracy", final_accuracy["relu"], 0.85)
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
# smaller than with ReLU (table above). Larger initial weights (He initialization, lesson 05)
# slow the fading, and normalization layers (lesson 06) rescale the signal at every layer;
# large GELU networks such as transformers use normalization layers throughout.
#
# Remedies for vanishing gradients: activations that do not saturate (the ReLU family, this
# lesson), careful initialization (Glorot, He), normalization layers (lesson 06), and, in
# architectures beyond these first lessons, shortcut (residual) connections and gated units such
# as the LSTM for sequences. Adaptive optimizers such as RMSprop and Adam (lesson 05) are often
# named too, with a caveat: dividing each weight's step by the size of its recent gradients
# does enlarge the steps of layers whose gradients are merely small, but no optimizer can bring
# back a forward signal that has already collapsed towards zero: the cure is in the
# activations, the initialization and the architecture.

# %% [markdown]
# ## 6. Explore: one neuron, your weight and bias
#
# Choose an activation and move the weight $w$ and bias $b$ of a single neuron $g(wx + b)$.
# The left panel shows its output, the right one its derivatives. Grey marks inputs where
# $g'(wx+b) < 0.01$: there the unit passes back less than 1% of the gradient it receives.
#
# Try: sigmoid with $w = 1$, then $w = 5$ (a large weight saturates the unit almost everywhere);
# ReLU with a negative bias (the dead zone moves); tanh against swish.

# %%
explorer = lesson.activation_explorer(
    {name: (function, derivative) for name, (function, derivative, _) in ACTIVATIONS.items()}
)
explorer

# %% [markdown] tags=["notes"]
# Show: sigmoid with w = 1, then w = 5; ask the room first what a large weight will do to the grey
# region (expected answer: it grows; the unit saturates almost everywhere and passes back less than
# 1% of the gradient). Then ReLU with a negative bias to move the dead zone, and tanh against swish.
# Link each picture back to the measurements: saturation is the vanishing gradient, and the dead
# zone is the dying ReLU.

# %% [markdown]
# ## Summary
#
# - A neuron computes $g(\mathbf{w}\cdot\mathbf{x} + b)$. A smooth $g$ makes small weight
#   changes give small, predictable output changes: that is what gradient descent needs.
# - Without activations, any stack of `Dense` layers equals one affine map (we computed it and
#   matched the outputs). Nonlinear activations are what make depth worth having.
# - Sigmoid and tanh saturate; ReLU is cheap and does not saturate for positive inputs but its
#   units can die; leaky ReLU, PReLU, ELU, GELU and swish trade cost for smoother or non-zero
#   negative sides. Softmax (or sigmoid) belongs in the output layer.
# - In a 10-layer sigmoid network the gradient reaching the first layer was about a million
#   times smaller than at the top, and the network did not learn; with ReLU or tanh it did.
#   An activation's slope where the units operate decides whether signal and gradient survive
#   depth: GELU, with slope 1/2 at zero, also stalled with Keras's default initial weights.
#
# A sensible default for hidden layers today: ReLU, or GELU/swish in large models; leaky ReLU if
# units die.

# %% [markdown]
# ## Exercises
#
# Each exercise has a cell for your code, a self-check that says PASS or gives a hint, and a
# hidden solution cell below it (click to expand; running it shows the check passing).
#
# ### Exercise 1: leaky ReLU
#
# Write `my_leaky_relu(x, alpha)` and its derivative `my_leaky_relu_derivative(x, alpha)` in
# NumPy. The check compares them with `keras.activations.leaky_relu` and `tf.GradientTape`.


# %% tags=["exercise"]
def my_leaky_relu(x, alpha):
    # YOUR CODE HERE
    raise NotImplementedError


def my_leaky_relu_derivative(x, alpha):
    # YOUR CODE HERE
    raise NotImplementedError


lesson.exercise_leaky_relu(my_leaky_relu, my_leaky_relu_derivative)


# %% tags=["solution"]
def my_leaky_relu(x, alpha):
    return np.where(x > 0, x, alpha * x)


def my_leaky_relu_derivative(x, alpha):
    return np.where(x > 0, 1.0, alpha)


lesson.exercise_leaky_relu(my_leaky_relu, my_leaky_relu_derivative)

# %% [markdown]
# ### Exercise 2: a softmax that does not overflow
#
# `np.exp(1000)` is `inf`, so the textbook formula fails for large logits. Write `my_softmax(z)`
# for a vector or a batch of rows (softmax over the last axis) that works for any finite logits.
# Hint: softmax does not change when you add a constant to all logits of a row.


# %% tags=["exercise"]
def my_softmax(z):
    # YOUR CODE HERE
    raise NotImplementedError


lesson.exercise_stable_softmax(my_softmax)


# %% tags=["solution"]
def my_softmax(z):
    shifted = z - np.max(z, axis=-1, keepdims=True)
    exponentials = np.exp(shifted)
    return exponentials / exponentials.sum(axis=-1, keepdims=True)


lesson.exercise_stable_softmax(my_softmax)

# %% [markdown]
# ### Exercise 3: collapse a linear stack
#
# Write `collapse(layers)` that takes a list of `(W, b)` pairs, one per `Dense` layer without
# activation (Keras convention: output = x @ W + b), and returns the single `(W, b)` that gives
# the same outputs.


# %% tags=["exercise"]
def collapse(layers):
    # YOUR CODE HERE
    raise NotImplementedError


lesson.exercise_collapse_linear_stack(collapse)


# %% tags=["solution"]
def collapse(layers):
    kernel, bias = layers[0]
    for next_kernel, next_bias in layers[1:]:
        kernel, bias = kernel @ next_kernel, bias @ next_kernel + next_bias
    return kernel, bias


lesson.exercise_collapse_linear_stack(collapse)

# %% [markdown]
# ### Exercise 4: how small can it get?
#
# Backpropagating through 10 sigmoid layers multiplies the gradient by 10 factors
# $\sigma'(z_l)$, one per layer (ignoring the weights). What is the largest value their product
# can have? Set `bound` to that number.

# %% tags=["exercise"]
bound = None  # YOUR CODE HERE
lesson.exercise_vanishing_bound(bound)

# %% tags=["solution"]
bound = sigmoid_derivative(0.0) ** 10  # 0.25 ** 10, about 1e-6
lesson.exercise_vanishing_bound(bound)
