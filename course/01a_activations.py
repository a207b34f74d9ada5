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
# - what one hidden layer of ReLUs can do (approximate any continuous curve, more closely the
#   more units it has: measured) and what depth adds (pieces that multiply: counted);
# - their strengths and weaknesses: saturation, zero-centred outputs, dying units, cost.
#
# Part 2 (`01b_gradients_through_depth`) follows the gradient through deep stacks: vanishing
# and exploding gradients, clipping and self-normalizing networks.
#
# **What you need**: lesson 00 (tensors, NumPy and Keras basics) and the idea of a derivative.
# The lesson runs in about a minute on a laptop CPU.

# %%
import itertools
import timeit

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import tensorflow as tf
from scipy.special import erf

from helpers import checks, datasets, plotting
from helpers.lessons import activations as lesson

plotting.use_course_style()
SEED = 7
keras.utils.set_random_seed(SEED)  # same weights, same batches, same numbers on every run

# Settings that cost time.
FIT_STEPS = 3000  # gradient steps for the network that learns a curve (section 2)

# %% [markdown] tags=["notes"]
# Say: this lesson answers one question, what the activation function does and why a deep network
# cannot do without it; it then tours the common activations and measures one of their failure
# modes, dying ReLU, on MNIST (part 2 measures the vanishing gradient). It runs in under a minute. Ask
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
# ### What one hidden layer can do
#
# Where does the bending come from? A ReLU unit $\operatorname{relu}(x - t)$ is a *kink*: zero
# left of $t$, a ramp of slope 1 to its right. A network with one hidden layer of $N$ such units
# adds up $N$ kinks, each with its own weight, so its output is a curve made of straight pieces
# whose slope changes at each kink. Place the kinks at $N$ points along a curve and choose each
# weight as the change of slope there, and the network joins the dots of the curve.
#
# We set the weights of such networks by hand for a wiggly curve on $[-2, 2]$ and measure how
# far each is from it (root-mean-square error on 801 points):


# %%
def target(x):
    return np.sin(2 * x) + 0.5 * np.cos(5 * x)


def relu_interpolator(function, units, low, high):
    """A 1 -> units -> 1 ReLU network that joins the dots of `function` at units + 1 points."""
    knots = np.linspace(low, high, units + 1)
    slopes = np.diff(function(knots)) / np.diff(knots)
    model = keras.Sequential(
        [
            keras.Input(shape=(1,)),
            keras.layers.Dense(units, activation="relu"),
            keras.layers.Dense(1),
        ]
    )
    model.layers[0].set_weights([np.ones((1, units)), -knots[:-1]])  # unit k: relu(x - knot k)
    slope_changes = np.diff(slopes, prepend=0.0)  # each kink turns the curve by this much
    model.layers[1].set_weights([slope_changes[:, None], function(knots[:1])])
    return model


def rms_error(model, function, x):
    return float(np.sqrt(np.mean((model(x[:, None]).numpy()[:, 0] - function(x)) ** 2)))


x_curve = np.linspace(-2, 2, 801)
unit_counts = [2, 4, 8, 16, 32, 64, 128, 256]
errors = {n: rms_error(relu_interpolator(target, n, -2, 2), target, x_curve) for n in unit_counts}

fig, (ax_fit, ax_error) = plt.subplots(1, 2, figsize=(11, 3.8))
ax_fit.plot(x_curve, target(x_curve), color="black", lw=3, alpha=0.3, label="target")
for n in (4, 8, 32):
    ax_fit.plot(x_curve, relu_interpolator(target, n, -2, 2)(x_curve[:, None]), label=f"{n} units")
ax_fit.set(xlabel="x", ylabel="output", title="one hidden layer of ReLUs, weights set by hand")
ax_fit.legend(fontsize=8)
ax_error.loglog(unit_counts, list(errors.values()), "-o", label="measured")
ax_error.loglog(
    unit_counts, errors[8] * (8 / np.array(unit_counts)) ** 2, "--", label="~ 1 / units²"
)
ax_error.set(xlabel="hidden units", ylabel="RMS error (log)", title="more units, closer fit")
ax_error.legend()
plt.show()
print({n: f"{e:.2e}" for n, e in errors.items()})

# %%
for fewer, more in itertools.pairwise(unit_counts[2:]):  # from 8 units on
    checks.expect_between(
        f"error ratio, {fewer} / {more} units", errors[fewer] / errors[more], 3, 5
    )
checks.expect_at_most("RMS error with 256 units", errors[256], 1e-3)

# %% [markdown]
# Every doubling of the units divides the error by about four: joining the dots of a smooth
# curve at $N$ points leaves an error that shrinks like $1/N^2$. This is the *universal
# approximation theorem* at work (Cybenko, 1989; Hornik, 1991; for ReLU, Leshno et al., 1993):
# one hidden layer with enough units can approximate any continuous function on a bounded
# interval as closely as we like. The theorem says that good weights *exist*; it does not say
# that training finds them. We train a 32-unit network with Adam from random weights:

# %%
keras.utils.set_random_seed(SEED)
uniform = keras.initializers.RandomUniform  # kinks at -bias / weight: spread over [-2, 2]
hidden = keras.layers.Dense(
    32, "relu", kernel_initializer=uniform(-1, 1), bias_initializer=uniform(-2, 2)
)
learner = keras.Sequential([keras.Input(shape=(1,)), hidden, keras.layers.Dense(1)])
learner.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
curve_data = tf.data.Dataset.from_tensors((x_curve[:, None], target(x_curve)[:, None]))
learner.fit(
    curve_data.repeat(FIT_STEPS), shuffle=False, verbose=0
)  # FIT_STEPS full-batch steps, a few seconds
trained_error = rms_error(learner, target, x_curve)
print(f"trained, 32 units: {trained_error:.3f}; set by hand, 32 units: {errors[32]:.4f}")
checks.expect_at_most("trained 32-unit network: RMS error", trained_error, 0.25)
checks.expect_at_least("trained error / hand-set error (32 units)", trained_error / errors[32], 3)

# %% [markdown]
# Training found a good fit, but several times worse than the weights we could write down: some
# kinks end up where they help little, and some units are never active on $[-2, 2]$ at all.
# Over seeds 0-2 on one CPU the trained error was 0.11-0.15, against 0.013 for the hand-set one.
# Existence of good weights and learnability are different questions; much of this course is
# about the second.
#
# ### What depth adds
#
# In one hidden layer each unit adds at most one kink: $N$ units, at most $N + 1$ straight
# pieces. Depth can *multiply* pieces instead. Two ReLU units make a "tent" that folds $[0, 1]$
# onto itself, $\operatorname{tent}(x) = 2\operatorname{relu}(x) - 4\operatorname{relu}(x -
# \tfrac12)$ (up from 0 to 1 and back down); applied to its own output it makes two tents,
# then four: $L$ layers of 2 units make a sawtooth of $2^L$ pieces (Telgarsky, 2016). We build
# it with hand-set weights and count the pieces.


# %%
def tent_network(depth):
    """`depth` hidden layers of 2 ReLU units, each folding [0, 1] onto itself once."""
    model = keras.Sequential(
        [keras.Input(shape=(1,))]
        + [keras.layers.Dense(2, activation="relu") for _ in range(depth)]
        + [keras.layers.Dense(1)]
    )
    fold = np.array([[2.0], [-4.0]])  # tent = 2 relu(x) - 4 relu(x - 1/2)
    for i, layer in enumerate(model.layers[:-1]):
        kernel = np.ones((1, 2)) if i == 0 else fold @ np.ones((1, 2))  # the tent, fed on
        layer.set_weights([kernel, np.array([0.0, -0.5])])
    model.layers[-1].set_weights([fold, np.zeros(1)])
    return model


def sawtooth(x, depth):
    for _ in range(depth):
        x = 1 - np.abs(2 * x - 1)  # the tent, in NumPy
    return x


def linear_pieces(model, low=0.0, high=1.0):
    """Count the straight pieces of a 1-input network's curve on [low, high]."""
    x = np.linspace(low, high, 2**14 + 1)  # a grid that contains every kink of the sawtooth
    slopes = np.diff(model(x[:, None]).numpy()[:, 0]) / np.diff(x)
    bends = np.abs(np.diff(slopes)) > 1e-3 * np.abs(slopes).max()
    # a kink between two grid points bends the curve twice in a row: count it once
    return 1 + int(np.sum(bends[1:] & ~bends[:-1]) + bends[0])


DEPTH = 6
deep = tent_network(DEPTH)
shallow = relu_interpolator(lambda x: sawtooth(x, DEPTH), 2 * DEPTH, 0.0, 1.0)
x_unit = np.linspace(0, 1, 4001)
fig, ax = plt.subplots(figsize=(9, 3.6), layout="constrained")
ax.plot(x_unit, deep(x_unit[:, None]), label=f"deep: {DEPTH} layers of 2 units")
ax.plot(x_unit, shallow(x_unit[:, None]), label=f"shallow: 1 layer of {2 * DEPTH} units")
ax.set(xlabel="x", ylabel="output", title="the same 12 ReLU units, stacked or side by side")
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncols=2, fontsize=8)
plt.show()
pieces = {"deep": linear_pieces(deep), "shallow": linear_pieces(shallow)}
print(pieces, f"shallow RMS error: {rms_error(shallow, lambda x: sawtooth(x, DEPTH), x_unit):.3f}")

# %%
checks.expect_equal("pieces of the deep network", pieces["deep"], 2**DEPTH)
checks.expect_at_most("pieces of the shallow network", pieces["shallow"], 2 * DEPTH + 1)
checks.expect_close("deep network vs sawtooth", deep(x_unit[:, None]).numpy()[:, 0], sawtooth(x_unit, DEPTH), atol=1e-4)  # fmt: skip

# %% [markdown]
# Twelve units stacked six deep make 64 pieces and reproduce the sawtooth exactly; the same
# twelve units in one layer make at most 13 pieces and miss it by a wide margin. A shallow
# network needs 64 units for it, and 2^L units for L folds. Depth does not let a network
# compute anything a wide enough shallow one cannot (the theorem above), but it can do some
# things with exponentially fewer units. Whether gradient descent finds such weights is again a
# separate question; in practice depth helps most on data with structure built of parts, such
# as images (lesson 07) and text.

# %% [markdown] tags=["notes"]
# Say: one hidden layer of ReLUs is a sum of kinks, so it can join the dots of any curve, and the
# error falls about four times per doubling of the units; but training found weights eight times
# worse than the ones we wrote by hand. Depth multiplies pieces: 12 units make 64 pieces stacked,
# at most 13 side by side. Ask the room: "How many units would one hidden layer need for the
# sawtooth of 10 folds?" (expected answer: about 1,024, against 20 in a deep stack).

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
# gradient reaches its weights again, and it may never recover. Large, clumsy updates push
# many units there. Part 2 of this lesson measures how many units a too-large learning rate
# kills. A leaky ReLU cannot die this way: on the negative side its derivative is $\alpha$,
# not 0, so some gradient always flows back.

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
# ## 5. Explore: one neuron, your weight and bias
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
# - One hidden layer of ReLUs is a sum of kinks: with weights set by hand it joined the dots of
#   a curve, its error falling about four times per doubling of the units (universal
#   approximation). Training found a 32-unit fit eight times worse than the hand-set one: good
#   weights existing is not the same as gradient descent finding them.
# - Depth multiplies where width adds: 12 ReLU units made 64 straight pieces stacked six deep,
#   at most 13 side by side.
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
