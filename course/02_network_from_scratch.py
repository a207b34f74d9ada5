# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # A neural network in NumPy, with backpropagation
#
# **What you will learn**
#
# - what a *cost* function measures, and how *gradient descent* lowers it, pictured as a ball
#   rolling downhill, with the learning rate deciding whether the ball settles or flies off;
# - how a multilayer network computes its output (the *forward pass*), written in a few lines
#   of NumPy that process a whole mini-batch at once;
# - the four equations of *backpropagation*, where they come from (the chain rule), and their
#   NumPy code (the *backward pass*);
# - how to prove a gradient is right: against finite differences and against TensorFlow's
#   `tf.GradientTape`, on the very same weights;
# - training the network with mini-batch stochastic gradient descent on real handwritten digits;
# - why softmax with cross-entropy is the better cost for classification;
# - the same network in a few lines of Keras, and what each version costs in code and time.
#
# **What you need**: lesson 00 (tensors, NumPy and Keras basics) and lesson 01 (neurons, the
# sigmoid and its derivative, softmax). Derivatives and the chain rule; matrix products.
# The lesson runs in about a minute on a laptop CPU.

# %%
import time
import timeit
from itertools import pairwise

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import tensorflow as tf

from helpers import checks, datasets, plotting, progress
from helpers.lessons import network_from_scratch as lesson

plotting.use_course_style()
SEED = 7
keras.utils.set_random_seed(SEED)  # same weights, same batches, same numbers on every run

# Settings that cost time. More epochs would still raise the accuracy a little: with time to
# spare try EPOCHS = 30. (On a GPU, only the Keras network of section 9 runs faster; our NumPy
# code always runs on the CPU.)
EPOCHS = 10  # passes over the 60,000 training digits, for each MNIST network
BATCH_SIZE = 32  # examples per mini-batch, i.e. per gradient step
HIDDEN_UNITS = 100  # the MNIST networks are 784 -> 100 -> 10

# %% [markdown] tags=["notes"]
# Say: today we open the box that Keras's fit hides: a cost, gradient descent, and backpropagation
# written in NumPy, checked twice, trained on MNIST, and finally matched by the same network in
# Keras. It runs in about half a minute of CPU. Ask the room: "What does the network need to know,
# for every single weight, in order to improve?" (expected answer: how the cost changes when that
# weight changes, its partial derivative; backpropagation computes all of them in one sweep).

# %% [markdown]
# ## 1. How wrong is the network? The cost
#
# A network maps an input $x$ to an output vector $a(x)$; for a digit, ten numbers, one per
# class. For each training input we know the output we want, $y(x)$: for a 3, the *one-hot*
# vector $(0,0,0,1,0,0,0,0,0,0)$. The **quadratic cost** sums up how far the outputs are from
# their targets, averaged over the $n$ training examples:
#
# $$ C(w, b) = \frac{1}{2n} \sum_x \lVert y(x) - a(x) \rVert^2 . $$
#
# It is never negative, and it is 0 only if every output hits its target. The inputs and
# targets are fixed; what $C$ depends on are the weights $w$ and biases $b$ hidden inside
# $a(x)$. **Learning means finding weights and biases that make $C$ small.** (The factor
# $\tfrac12$ only tidies the derivative: $\partial/\partial a \,\tfrac12 (y-a)^2 = a - y$.)
#
# What this lesson calls the *cost*, Keras calls the *loss*. Keras's `"mse"` loss is a close
# relative of $C$: it also averages over the outputs and has no $\tfrac12$, so it equals
# $C \cdot 2/\text{num\_outputs}$ (for ten outputs, $C/5$). To keep the two apart, our
# function is called `quadratic_cost`.

# %% [markdown]
# ## 2. Gradient descent: a ball rolling downhill
#
# Picture the cost as a landscape over the weights, and put a ball somewhere on it. The ball
# rolls in the direction in which the ground falls most steeply, which is minus the
# **gradient** $\nabla C$ (the vector of all partial derivatives $\partial C/\partial w$,
# $\partial C/\partial b$). Gradient descent moves all the weights a small step that way, and
# repeats:
#
# $$ w \leftarrow w - \eta\,\frac{\partial C}{\partial w}, \qquad
#    b \leftarrow b - \eta\,\frac{\partial C}{\partial b}. $$
#
# The **learning rate** $\eta$ (Keras: `learning_rate`) sets the size of the step. To see it
# work we take the smallest possible case: a sigmoid neuron $a = \sigma(w x)$ with one
# weight and no bias, and eight training points whose targets were made by the weight $w = 1$.
# So we know where the bottom is.


# %%
def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def sigmoid_derivative(z):
    return sigmoid(z) * (1 - sigmoid(z))


x_points = np.array([-3.0, -2.0, -1.0, -0.5, 0.5, 1.0, 2.0, 3.0])
y_points = sigmoid(1.0 * x_points)  # made by w = 1: the cost is 0 there


def neuron_cost(w):
    return np.sum((y_points - sigmoid(w * x_points)) ** 2) / (2 * len(x_points))


def neuron_gradient(w):  # chain rule: dC/dw = 1/n * sum of (a - y) * sigma'(w x) * x
    a = sigmoid(w * x_points)
    return np.sum((a - y_points) * sigmoid_derivative(w * x_points) * x_points) / len(x_points)


def gradient_descent(w, learning_rate, steps):
    path = [w]
    for _ in range(steps):
        w = w - learning_rate * neuron_gradient(w)
        path.append(w)
    return np.array(path)


# %% [markdown]
# Three balls start at $w = -1$ and take 30 steps each, with three learning rates. (These
# rates look large; they are, for a network, but here the gradient is tiny: the sigmoid's slope
# is at most 1/4 and the cost carries a factor 1/2. What matters is the step $\eta \cdot
# \partial C/\partial w$.)

# %%
learning_rates = {"too small": 1.0, "about right": 20.0, "too large": 150.0}
paths = {name: gradient_descent(-1.0, rate, steps=30) for name, rate in learning_rates.items()}
w_grid = np.linspace(-3, 16, 400)
fig, axes = plt.subplots(1, 3, figsize=(13, 3.6), sharey=True)
for ax, (name, path) in zip(axes, paths.items(), strict=True):
    ax.plot(w_grid, [neuron_cost(w) for w in w_grid], color="0.5")
    ax.plot(path, [neuron_cost(w) for w in path], "-o", color="C3", ms=4, lw=0.8)
    ax.plot(path[0], neuron_cost(path[0]), "s", color="black", ms=7, label="start")
    ax.set(xlabel="weight w", title=f"{name}: η = {learning_rates[name]:g}, ends at {path[-1]:.2f}")
axes[0].set_ylabel("cost C(w)")
axes[0].legend()
plt.show()

# %%
end = {name: path[-1] for name, path in paths.items()}
checks.expect_at_least("eta = 1: |w - 1| after 30 steps", abs(end["too small"] - 1), 0.1)
checks.expect_at_most("eta = 20: |w - 1| after 30 steps", abs(end["about right"] - 1), 1e-4)
checks.expect_at_least("eta = 150: |w - 1| after 30 steps", abs(end["too large"] - 1), 5)
checks.expect_at_most("eta = 150: slope at the end", abs(neuron_gradient(end["too large"])), 1e-3)

# %% [markdown]
# - **Too small** a rate crawls: after 30 steps the ball is still short of the bottom at
#   $w = 1$ (each title says where it ended).
# - **About right**: the first step nearly lands on the bottom, the next ones finish the job.
# - **Too large**: the first step throws the ball far past the valley, out onto the flat ground
#   on the right where the neuron is saturated. The slope there is almost zero, so the ball
#   stays: training has broken down, not by exploding but by getting stuck. Exercise 3 finds
#   the largest rate at which a ball started near the bottom still settles there.
#
# **Stochastic gradient descent (SGD)**, which lesson 00's `fit` used, steps on mini-batches
# and counts passes over the data in epochs. Now we can say why: the cost is an average over
# all $n$ examples, so its exact gradient needs all 60,000 MNIST digits per step. The gradient
# of a random mini-batch's cost is a noisy *estimate* of it, right on average and thousands
# of times cheaper.

# %% [markdown] tags=["notes"]
# Say: gradient descent is a ball rolling downhill on the cost, and the learning rate sets the size
# of its steps. Before revealing the three panels, ask the room: "What happens with a rate that is
# much too large?" Most will answer that it explodes; the lesson shows something subtler: the ball
# is thrown out onto the flat, saturated part of the sigmoid and stays there, stuck, because the
# slope there is almost zero.

# %% [markdown]
# ## 3. A multilayer network in NumPy
#
# Layer $l$ takes the activations $a^{l-1}$ of the layer below (for $l = 1$, the input $x$),
# forms the **weighted inputs** $z^l$ and applies the activation function:
#
# $$ z^l = a^{l-1} W^l + b^l, \qquad a^l = \sigma(z^l). $$
#
# We store $W^l$ with shape (inputs, outputs), exactly like a Keras `Dense` kernel, and put a
# mini-batch of $n$ examples in the rows of a matrix. Then one matrix product computes a layer
# for the whole batch: $Z^l = A^{l-1} W^l + b^l$ has shape $(n, \text{units})$. The forward
# pass keeps every $z$ and $a$, because the backward pass will need them.


# %%
def init_network(sizes, seed, dtype="float32"):
    """One (W, b) pair per layer: W of shape (inputs, outputs), random; b zero."""
    rng = np.random.default_rng(seed)
    return [
        (rng.normal(0, 1 / np.sqrt(n_in), (n_in, n_out)).astype(dtype), np.zeros(n_out, dtype))
        for n_in, n_out in pairwise(sizes)
    ]


def forward(params, x, output=sigmoid):
    """Weighted inputs z and activations a of every layer; activations[0] is the input x."""
    zs, activations = [], [x]
    for layer, (W, b) in enumerate(params):
        zs.append(activations[-1] @ W + b)
        activations.append(output(zs[-1]) if layer == len(params) - 1 else sigmoid(zs[-1]))
    return zs, activations


# %% [markdown]
# The weights start random, with spread $1/\sqrt{\text{inputs}}$ so that each $z$ starts in
# the sigmoid's sensitive range rather than saturated (lesson 05b returns to initialization;
# with spread 1 instead, about 60% of the hidden units would start where $\sigma' < 0.01$).
# The check below finds the largest $|z|$ of the hidden layer on the first mini-batch.
# The digits are prepared as in lesson 00 (rows of 784 numbers in $[0, 1]$), and the labels
# become the one-hot targets of section 1. Everything is in 32-bit floats, as in Keras:
# `to_categorical` returns 64-bit floats, and one 64-bit array in the cost would quietly turn
# every weight into 64 bits after the first step (section 7 checks that it did not).

# %%
(x_train, y_train), (x_test, y_test) = datasets.load_mnist()
x_train = x_train.reshape(-1, 28 * 28).astype("float32") / 255
x_test = x_test.reshape(-1, 28 * 28).astype("float32") / 255
num_classes = 10
y_train_onehot = keras.utils.to_categorical(y_train, num_classes).astype("float32")
y_test_onehot = keras.utils.to_categorical(y_test, num_classes).astype("float32")

initial_params = init_network([784, HIDDEN_UNITS, num_classes], SEED)
zs, activations = forward(initial_params, x_train[:BATCH_SIZE])
print("W and b per layer:", [(W.shape, b.shape) for W, b in initial_params])
print("z and a per layer:", [z.shape for z in zs], [a.shape for a in activations])
# sigma'(z) >= 0.045 for |z| <= 3: no hidden unit starts saturated (1.3 to 1.6 on seeds 1-7)
checks.expect_at_most("largest |z| of a hidden unit at the start", np.abs(zs[0]).max(), 3.0)

# %% [markdown]
# ## 4. Backpropagation: the four equations
#
# Gradient descent needs $\partial C/\partial w$ and $\partial C/\partial b$ for every one of
# the network's 79,510 weights and biases. Backpropagation gets them all in one sweep from the
# output back to the input. Its central quantity is the **error** of neuron $j$ in layer $l$,
# $\delta^l_j = \partial C / \partial z^l_j$: how much the cost changes when that neuron's
# weighted input changes. For one example, with column vectors ($w^l_{jk}$ connects neuron
# $k$ of layer $l-1$ to neuron $j$ of layer $l$, so this $W^l$ is the transpose of a Keras
# kernel), $L$ the output layer and $\odot$ the elementwise product:
#
# | | equation | read it as |
# |---|---|---|
# | BP1 | $\delta^L = \nabla_a C \odot \sigma'(z^L)$ | output error: how the cost reacts to the output, times how the output reacts to $z$ |
# | BP2 | $\delta^l = \big((W^{l+1})^{T} \delta^{l+1}\big) \odot \sigma'(z^l)$ | the error of layer $l+1$ sent back through the same weights, times the local slope |
# | BP3 | $\partial C / \partial b^l_j = \delta^l_j$ | a bias gradient is just the error |
# | BP4 | $\partial C / \partial w^l_{jk} = a^{l-1}_k \, \delta^l_j$ | input of the weight times error at its end: an inactive input ($a = 0$) gets no gradient |
#
# Each line is one use of the chain rule. BP1: $a^L_j = \sigma(z^L_j)$, so
# $\partial C/\partial z^L_j = \partial C/\partial a^L_j \cdot \sigma'(z^L_j)$. BP2: $z^l_j$
# influences the cost only through the next layer's $z^{l+1}_i = \sum_k w^{l+1}_{ik}
# \sigma(z^l_k) + b^{l+1}_i$, so $\delta^l_j = \sum_i (\partial C/\partial z^{l+1}_i)
# (\partial z^{l+1}_i/\partial z^l_j) = \sum_i \delta^{l+1}_i w^{l+1}_{ij} \sigma'(z^l_j)$.
# BP3 and BP4: $\partial z^l_j/\partial b^l_j = 1$ and
# $\partial z^l_j/\partial w^l_{jk} = a^{l-1}_k$.

# %% [markdown]
# ### The same equations for a mini-batch
#
# With examples in rows and Keras's $(\text{inputs}, \text{outputs})$ kernels, the transposes
# move and the sums over examples become matrix products:
#
# $$ \Delta^L = \nabla_A C \odot \sigma'(Z^L), \qquad
#    \Delta^l = \big(\Delta^{l+1} (W^{l+1})^{T}\big) \odot \sigma'(Z^l), $$
# $$ \frac{\partial C}{\partial b^l} = \sum_{\text{rows}} \Delta^l, \qquad
#    \frac{\partial C}{\partial W^l} = (A^{l-1})^{T} \Delta^l. $$
#
# For the quadratic cost averaged over the batch, $\nabla_A C = (A - Y)/n$: the $1/n$ enters
# once, in BP1, and the rest of the backward pass does not depend on the cost at all.


# %%
def quadratic_cost(a, y, z):
    """Quadratic cost of sigmoid outputs a = sigmoid(z), and BP1: delta^L = dC/dz^L."""
    return np.sum((y - a) ** 2) / (2 * len(y)), (a - y) / len(y) * sigmoid_derivative(z)


def backward(params, zs, activations, delta):
    """From the output error delta^L, the gradients (dC/dW, dC/db) of every layer."""
    gradients = []
    for layer in reversed(range(len(params))):
        gradients.append((activations[layer].T @ delta, delta.sum(axis=0)))  # BP4, BP3
        if layer > 0:
            delta = (delta @ params[layer][0].T) * sigmoid_derivative(zs[layer - 1])  # BP2
    return gradients[::-1]


def update(params, gradients, learning_rate):
    """One gradient-descent step for every weight and bias."""
    pairs = zip(params, gradients, strict=True)
    return [(W - learning_rate * dW, b - learning_rate * db) for (W, b), (dW, db) in pairs]


# %% [markdown] tags=["notes"]
# Say: backpropagation is the chain rule organized by layer: BP1 gives the output error, BP2 sends
# errors back through the transposed weights, BP3 and BP4 turn errors into the gradients of the
# biases and weights. For a mini-batch the sums over examples become matrix products. Ask the room:
# "Why do we test the backward pass at all, if training seems to work?" (expected answer: a buggy
# backward pass still produces numbers and may even train a little; only an independent check,
# finite differences or GradientTape, shows it is right).

# %% [markdown]
# ## 5. Correct? Shown, not claimed
#
# A backward pass with a bug still produces numbers, and training may even work a little.
# So we test it twice, in 64-bit floats, on a real mini-batch of 16 digits.
#
# ### Against finite differences
#
# The definition of a derivative gives an independent estimate: nudge one weight by $\pm h$
# and watch the cost, $\partial C/\partial w \approx \big(C(w+h) - C(w-h)\big)/2h$. It needs
# two forward passes *per parameter*, so we check 20 random weights of each matrix and
# vector, and report the largest *relative* error $|n - b| / (|n| + |b|)$ between the
# numerical estimate $n$ and backprop's value $b$. We skip gradients smaller than $10^{-5}$
# (about half of $W^1$'s are exactly 0: pixels blank in all 16 digits): the difference
# $C(w+h) - C(w-h)$ carries a rounding error near $10^{-16}\,C$, about $10^{-12}$ once
# divided by $2h$, harmless for a gradient of $10^{-3}$ but not for one of $10^{-9}$.

# %%
params64 = init_network([784, HIDDEN_UNITS, num_classes], SEED, dtype="float64")
x_batch, y_batch = x_train[:16].astype("float64"), y_train_onehot[:16].astype("float64")


def flat(pairs):  # [(W1, b1), (W2, b2)] -> [W1, b1, W2, b2]
    return [array for pair in pairs for array in pair]


def cost_and_gradients(params, output, cost):
    zs, activations = forward(params, x_batch, output)
    value, delta = cost(activations[-1], y_batch, zs[-1])
    return value, backward(params, zs, activations, delta)


def finite_difference_check(params, output, cost, per_array=20, h=1e-4):
    """Largest relative error of backprop against central differences on random parameters."""
    gradients = flat(cost_and_gradients(params, output, cost)[1])
    rng = np.random.default_rng(SEED)
    errors = []
    for array, gradient in zip(flat(params), gradients, strict=True):
        resolvable = np.flatnonzero(np.abs(gradient) > 1e-5)
        for index in rng.choice(resolvable, min(per_array, resolvable.size), replace=False):
            original, costs = array.flat[index], []
            for nudged in (original + h, original - h):
                array.flat[index] = nudged
                costs.append(cost_and_gradients(params, output, cost)[0])
            array.flat[index] = original
            numeric, analytic = (costs[0] - costs[1]) / (2 * h), gradient.flat[index]
            errors.append(abs(numeric - analytic) / (abs(numeric) + abs(analytic)))
    return max(errors)


error = finite_difference_check(params64, sigmoid, quadratic_cost)
checks.expect_at_most("quadratic cost: backprop vs finite differences, relative error", error, 1e-6)

# %% [markdown]
# ### Against TensorFlow's automatic differentiation
#
# `tf.GradientTape` (lesson 01) differentiates whatever TensorFlow computed. We build the same
# network as a Keras model, give it *our* weights with `set_weights` (Keras stores them in the
# order $W^1, b^1, W^2, b^2$ with the same shapes as ours), write the cost with Keras's own
# `"mse"` loss (times $\text{num\_outputs}/2$, as section 1 says), and compare all 79,510
# gradients. A wrong factor in that conversion would show up here too.


# %%
def keras_network(params, output, dtype="float32"):
    """Our network as a Keras model (sigmoid hidden layers), with our weights."""
    hidden = [keras.layers.Dense(len(b), "sigmoid", dtype=dtype) for _, b in params[:-1]]
    last = keras.layers.Dense(len(params[-1][1]), output, dtype=dtype)
    model = keras.Sequential([keras.Input(shape=(len(params[0][0]),), dtype=dtype), *hidden, last])
    model.set_weights(flat(params))
    return model


keras_mse = keras.losses.MeanSquaredError(dtype="float64")  # mean over outputs, no 1/2


def tf_quadratic_cost(y, a):  # C = Keras "mse" * num_outputs / 2
    return keras_mse(y, a) * y.shape[1] / 2


def tape_gradients(params, output, tf_cost):
    model = keras_network(params, output, dtype="float64")
    with tf.GradientTape() as tape:
        cost = tf_cost(y_batch, model(x_batch))
    return [gradient.numpy() for gradient in tape.gradient(cost, model.trainable_weights)]


def all_numbers(arrays):
    return np.concatenate([np.ravel(array) for array in arrays])


ours = all_numbers(flat(cost_and_gradients(params64, sigmoid, quadratic_cost)[1]))
theirs = all_numbers(tape_gradients(params64, "sigmoid", tf_quadratic_cost))
checks.expect_close(
    "quadratic cost: backprop vs GradientTape", ours, theirs, rtol=1e-10, atol=1e-15
)

# %% [markdown]
# Both checks pass: the relative error against finite differences is below the $10^{-6}$
# asserted (the usual safe bar for central differences, whose own truncation and rounding
# errors limit how far they can be trusted), and the tape's gradients equal ours to
# within a relative $10^{-10}$ (the largest difference is printed). Two independent methods
# agree with our four equations and our code.
#
# ### Why not just use finite differences?
#
# Because they cost two forward passes per parameter, while backpropagation gets *every*
# gradient for about the price of one more forward pass. Timed on this batch:


# %%
def seconds_per_call(function):
    return min(timeit.repeat(function, number=20, repeat=3)) / 20


forward_seconds = seconds_per_call(lambda: forward(params64, x_batch))
backprop_seconds = seconds_per_call(lambda: cost_and_gradients(params64, sigmoid, quadratic_cost))
evaluations = 2 * len(ours)  # two forward passes per parameter
print(f"backpropagation: {1000 * backprop_seconds:.2f} ms for all {len(ours):,} gradients")
print(f"finite differences: {evaluations:,} forward passes of {1000 * forward_seconds:.2f} ms")
print(f"  = about {evaluations * forward_seconds:.0f} s for the same gradients")

# %% [markdown]
# ## 6. Watch backpropagation, one step at a time
#
# The smallest network that needs a hidden layer: two inputs, two hidden sigmoid neurons and
# one output, learning XOR (output 1 when exactly one input is 1). No single neuron can do it:
# a sigmoid neuron answers "1" (output above ½) where $w \cdot x + b > 0$, so its decision
# boundary $w \cdot x + b = 0$ is one straight line, and no line separates $(0,1), (1,0)$
# from $(0,0), (1,1)$. (Put $(0,1)$ and $(1,0)$ on the "1" side: $w_2 + b > 0$ and
# $w_1 + b > 0$; put $(0,0)$ on the "0" side: $b \le 0$. Then $w_1 + w_2 + b = (w_1 + b) +
# (w_2 + b) - b > 0$, so $(1,1)$ lands on the "1" side too.) XOR is not *linearly separable*.
# The hidden layer draws two lines, and the output combines them. We train it with our own
# functions, full-batch gradient descent on the four examples, and keep snapshots of the
# weights along the way.

# %%
XOR_LEARNING_RATE = 10.0
xor_x, xor_y = lesson.XOR_INPUTS, lesson.XOR_TARGETS.reshape(-1, 1)
xor_params = init_network([2, 2, 1], SEED, dtype="float64")
snapshots = {"untrained": xor_params}
for step in range(1, 3001):
    zs, activations = forward(xor_params, xor_x)
    delta = quadratic_cost(activations[-1], xor_y, zs[-1])[1]
    xor_params = update(xor_params, backward(xor_params, zs, activations, delta), XOR_LEARNING_RATE)
    if step in (300, 3000):
        snapshots[f"after {step} steps"] = xor_params
xor_output = forward(xor_params, xor_x)[1][-1]
print("XOR outputs after training:", xor_output.ravel().round(3))
checks.expect_equal("XOR outputs, rounded", xor_output.round(), xor_y)

# %% [markdown]
# Now step through one example. Click **next ▶** (or drag *step*): the forward pass fills in
# the hidden and output activations and the cost, then the backward pass computes the output
# error (BP1), the output layer's gradients (BP3, BP4), the hidden errors (BP2) and the hidden
# layer's gradients; the last step applies the update and shows each weight's old and new value.
#
# Try:
# - with $x = (0, 1)$: why are the gradients of both weights leaving $x_1$ exactly zero (BP4)?
# - the output for each of the four examples, untrained, after 300 steps and after 3000 steps:
#   what has the network learned by step 300, and what only later?
# - the SGD step (step 7) uses this one example only: how far does its output move towards the
#   target? Training used the average gradient over all four examples; why is that gentler?

# %%
stepper = lesson.backprop_stepper(snapshots, XOR_LEARNING_RATE)
stepper

# %% [markdown]
# The widget computes its numbers with its own code. They match `backward` above:

# %%
shown = stepper.result  # the untrained network on x = (0, 1)
zs, activations = forward(snapshots["untrained"], xor_x[1:2])
delta = quadratic_cost(activations[-1], xor_y[1:2], zs[-1])[1]
gradients = all_numbers(flat(backward(snapshots["untrained"], zs, activations, delta)))
shown_gradients = all_numbers([shown[name] for name in ("dW1", "db1", "dW2", "db2")])
checks.expect_close("widget's gradients vs backward()", shown_gradients, gradients, rtol=1e-12)

# %% [markdown]
# Not every start succeeds: with 2 hidden units, XOR has starting points from which gradient
# descent settles in a *local* minimum, answering 0.5 for two of the four examples. Three of
# the twenty seeds we tried (6, 13 and 18) end there: put 6 in place of `SEED` in
# `init_network([2, 2, 1], SEED, ...)` and look at the errors $\delta$ in the widget. Bigger
# networks have this problem far less.

# %% [markdown] tags=["notes"]
# Show: the XOR network step by step with next; first let the room predict, with x = (0, 1), which
# weight gradients will be exactly zero (expected answer: both weights leaving x1, because BP4
# multiplies by the input activation, which is 0). Then compare the outputs of the four examples
# untrained, after 300 steps and after 3000 steps. Mention that some seeds (the lesson names 6, 13
# and 18) end in a local minimum that answers 0.5 for two examples.

# %% [markdown]
# ## 7. Training on MNIST with mini-batch SGD
#
# Everything is in place. Each epoch shuffles the 60,000 training digits, cuts them into
# mini-batches of `BATCH_SIZE`, and for each batch runs forward, backward and one update.
# After each epoch we measure accuracy on the 10,000 test digits: the predicted class is the
# output neuron with the largest activation.
#
# For brevity, this lesson uses the test set as validation data: we watch its accuracy after
# every epoch, and we picked the learning rates below by looking at it. That is acceptable
# only here, because the lesson compares ways of computing the same training and picks no
# model to rely on; lesson 06a keeps a separate validation set for such choices and uses the
# test set once, at the end.


# %%
def accuracy(params, output):
    return np.mean(forward(params, x_test, output)[1][-1].argmax(axis=1) == y_test)


def train(params, output, cost, learning_rate, epochs=EPOCHS):
    """Mini-batch SGD. Returns the trained params, every batch's cost, test accuracy per epoch."""
    rng = np.random.default_rng(SEED)
    batch_costs, test_accuracy = [], []
    for _ in progress.bar(range(epochs), "epochs"):
        order = rng.permutation(len(x_train))
        for start in range(0, len(order), BATCH_SIZE):
            batch = order[start : start + BATCH_SIZE]
            zs, activations = forward(params, x_train[batch], output)
            batch_cost, delta = cost(activations[-1], y_train_onehot[batch], zs[-1])
            params = update(params, backward(params, zs, activations, delta), learning_rate)
            batch_costs.append(batch_cost)
        test_accuracy.append(accuracy(params, output))
    return params, batch_costs, test_accuracy


QUADRATIC_LEARNING_RATE = 3.0
start = time.perf_counter()
quadratic_params, quadratic_costs, quadratic_accuracy = train(
    initial_params, sigmoid, quadratic_cost, QUADRATIC_LEARNING_RATE
)
seconds = {"NumPy, quadratic cost": time.perf_counter() - start}
steps_per_epoch = int(np.ceil(len(x_train) / BATCH_SIZE))
costs, accuracies = {"quadratic cost": quadratic_costs}, {"quadratic cost": quadratic_accuracy}
lesson.plot_batch_costs(costs, steps_per_epoch, accuracies)

# %%
checks.expect_at_least("NumPy, quadratic cost: test accuracy", quadratic_accuracy[-1], 0.965)
trained_dtypes = [array.dtype.name for array in flat(quadratic_params)]
checks.expect_equal("dtypes of the trained W1, b1, W2, b2", trained_dtypes, ["float32"] * 4)

# %% [markdown]
# About 97% of the test digits are classified right (first check), by code you can read
# in full above, and the weights are still 32-bit floats (second check). The cost falls fast
# in the first epoch and slowly after; each batch's cost is noisy (faint line) because each
# batch is a different small sample. That noise is the price of SGD's cheap steps.

# %% [markdown]
# ## 8. A better cost for classification: softmax and cross-entropy
#
# Look at BP1 for the quadratic cost with sigmoid outputs: $\delta^L = (a - y)\,\sigma'(z^L)$.
# When an output neuron is *confidently wrong*, say $a \approx 0$ for the true class, it sits
# on the flat part of the sigmoid: $\sigma'(z) \approx 0$, so its error is tiny, and the
# neuron that most needs to learn learns slowest.
#
# Lesson 00's classifier ended instead in a **softmax** layer (lesson 01),
# $a_j = e^{z_j} / \sum_k e^{z_k}$, with the **cross-entropy** loss. With one-hot targets $y$
# its cost is
#
# $$ C = -\frac{1}{n} \sum_x \sum_j y_j \ln a_j , $$
#
# and what is new here is its gradient, which is remarkably simple. For one example, using
# lesson 01's softmax Jacobian $\partial a_j/\partial z_i = a_j(\mathbb{1}_{i=j} - a_i)$ and
# $\sum_j y_j = 1$:
#
# $$ \frac{\partial C}{\partial z_i} = \sum_j \left(-\frac{y_j}{a_j}\right) a_j (\mathbb{1}_{i=j} - a_i)
#    = -y_i + a_i \sum_j y_j = a_i - y_i . $$
#
# So BP1 becomes $\delta^L = (a - y)/n$ for a batch: no $\sigma'$ factor. The more wrong the
# output, the larger its error, however saturated. Only BP1 changes; `backward` stays as it is.


# %%
def softmax(z):
    exponentials = np.exp(z - z.max(axis=1, keepdims=True))  # shifted: no overflow
    return exponentials / exponentials.sum(axis=1, keepdims=True)


def cross_entropy(a, y, z):
    """Cross-entropy of softmax outputs, and BP1 for it: delta^L = (a - y) / n."""
    # a clipped to [1e-7, 1 - 1e-7], as Keras does: a = 0 would give log(0) = -inf
    cost = -np.sum(y * np.log(np.clip(a, 1e-7, 1 - 1e-7))) / len(y)
    return cost, (a - y) / len(y)


a_true = np.linspace(0.001, 0.999, 500)  # the output for the true class (target 1)
z = np.log(a_true / (1 - a_true)).reshape(-1, 1)  # the weighted input that gives it
n = len(z)  # 500 examples, one per output value; n * delta is each one's own error
delta_quadratic = n * quadratic_cost(sigmoid(z), np.ones_like(z), z)[1][:, 0]
logits = np.hstack([z, np.zeros_like(z)])  # two classes: softmax gives the true one a_true
delta_ce = n * cross_entropy(softmax(logits), np.tile([1.0, 0.0], (n, 1)), logits)[1][:, 0]
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(a_true, np.abs(delta_quadratic), label="quadratic cost, sigmoid output")
ax.plot(a_true, np.abs(delta_ce), label="cross-entropy, softmax output")
ax.set(xlabel="output a for the true class", ylabel="|δ|", title="how hard an output is pushed")
ax.legend()
plt.show()
wrong = np.argmin(np.abs(a_true - 0.01))  # confidently wrong: a = 0.01 for the true class
checks.expect_at_most("quadratic cost: |delta| at a = 0.01", abs(delta_quadratic[wrong]), 0.011)
checks.expect_at_least("cross-entropy: |delta| at a = 0.01", abs(delta_ce[wrong]), 0.98)

# %% [markdown]
# The same two checks as before confirm the new BP1. The tape differentiates Keras's own
# `CategoricalCrossentropy`, told to compute in 64-bit floats (Keras losses use 32-bit floats
# unless told otherwise, which would limit the agreement to about 7 digits).

# %%
error = finite_difference_check(params64, softmax, cross_entropy)
checks.expect_at_most("cross-entropy: backprop vs finite differences, relative error", error, 1e-6)
ours = all_numbers(flat(cost_and_gradients(params64, softmax, cross_entropy)[1]))
tf_cross_entropy = keras.losses.CategoricalCrossentropy(dtype="float64")  # default: float32
theirs = all_numbers(tape_gradients(params64, "softmax", tf_cross_entropy))
checks.expect_close("cross-entropy: backprop vs GradientTape", ours, theirs, rtol=1e-10, atol=1e-15)

# %% [markdown]
# Now train it, from the same starting weights and with the same batches:

# %%
CE_LEARNING_RATE = 1.0
start = time.perf_counter()
ce_params, ce_costs, ce_accuracy = train(initial_params, softmax, cross_entropy, CE_LEARNING_RATE)
seconds["NumPy, cross-entropy"] = time.perf_counter() - start
costs["cross-entropy"], accuracies["cross-entropy"] = ce_costs, ce_accuracy
lesson.plot_batch_costs(costs, steps_per_epoch, accuracies)

# %%
checks.expect_at_least("NumPy, cross-entropy: test accuracy", ce_accuracy[-1], 0.965)
gap = abs(ce_accuracy[-1] - quadratic_accuracy[-1])
checks.expect_at_most("|cross-entropy - quadratic cost| test accuracy", gap, 0.01)

# %% [markdown]
# (The two costs are in different units, so compare their shapes, not their heights.) With
# well-scaled starting weights and a tuned learning rate, both costs work here: on the three
# seeds we tried, the final accuracies were within half a point of each other, about the size
# of the luck of the batch order (cross-entropy was slightly ahead each time). The difference
# is large when outputs saturate. A too-large learning rate does exactly that: the first
# steps push every output far out. One epoch at learning rate 10, with each cost:

# %%
with np.errstate(over="ignore"):  # exp(-z) overflows to inf for z < -88; 1 / (1 + inf) = 0
    # learning rate 10, one epoch
    broken_params, _, broken_quadratic = train(initial_params, sigmoid, quadratic_cost, 10.0, 1)
    _, _, broken_ce = train(initial_params, softmax, cross_entropy, 10.0, 1)
    output_slopes = sigmoid_derivative(forward(broken_params, x_test)[0][-1])  # sigma'(z^L)
checks.expect_at_most("learning rate 10, quadratic cost: test accuracy", broken_quadratic[0], 0.15)
checks.expect_at_least("learning rate 10, cross-entropy: test accuracy", broken_ce[0], 0.5)
saturated = np.mean(output_slopes < 0.01)  # fraction of all 10 x 10,000 test outputs
checks.expect_at_least("rate 10, quadratic cost: outputs with sigma' < 0.01", saturated, 0.9)

# %% [markdown]
# With the quadratic cost the network is stuck at chance (about 10%): the first steps drove
# the output neurons so far that, on the test digits, nearly all of them sit where
# $\sigma' < 0.01$ (last check), so BP1 returns almost nothing, so no gradient
# reaches any weight, like the ball on the plateau in section 2. With cross-entropy the errors
# $a - y$ stay large and the network keeps learning: after the same bad epoch it already gets
# most test digits right (61% to 88% on the ten seeds we tried, depending on how hard the
# first steps threw the outputs). This is why classifiers end in softmax
# and cross-entropy (in Keras: `activation="softmax"` with `loss="categorical_crossentropy"`,
# or `"sparse_categorical_crossentropy"` for integer labels).

# %% [markdown] tags=["notes"]
# Say: with sigmoid outputs and the quadratic cost, a confidently wrong output neuron sits on the
# flat part of the sigmoid and learns slowest; cross-entropy cancels that factor, so the error is
# simply a - y. Ask the room: "At a learning rate of 10, which network will still learn after one
# epoch?" (expected answer: the cross-entropy one; the quadratic one is stuck at chance, with nearly
# all outputs saturated). That is why classifiers end in softmax with cross-entropy.

# %% [markdown]
# ## 9. The same network in Keras
#
# Here is the cross-entropy network again, in Keras. It starts from the *same* weights
# (`set_weights`) and runs the same algorithm (plain SGD, same learning rate, batch size and
# epochs); only the order of the batches differs. Keras computes the gradients by automatic
# differentiation; there is no backward pass to write. To measure test accuracy after each
# epoch, as our loop does, we pass the test set to `fit` as its `validation_data` (the test
# set used as validation data, as in section 7), so Keras reports it as `val_accuracy`.

# %%
keras.utils.set_random_seed(SEED)
hidden_layer = keras.layers.Dense(HIDDEN_UNITS, activation="sigmoid")
output_layer = keras.layers.Dense(num_classes, activation="softmax")
model = keras.Sequential([keras.Input(shape=(784,)), hidden_layer, output_layer])
model.set_weights(flat(initial_params))
optimizer = keras.optimizers.SGD(CE_LEARNING_RATE)  # plain SGD, no momentum
model.compile(optimizer, loss="categorical_crossentropy", metrics=["accuracy"])
start = time.perf_counter()
settings = dict(batch_size=BATCH_SIZE, epochs=EPOCHS, validation_data=(x_test, y_test_onehot))
curves = progress.LearningCurves(["accuracy"], title="Keras, cross-entropy")
history = model.fit(x_train, y_train_onehot, **settings, verbose=0, callbacks=[curves])
seconds["Keras, cross-entropy"] = time.perf_counter() - start
keras_accuracy = history.history["val_accuracy"]

# %%
final_accuracy = [quadratic_accuracy[-1], ce_accuracy[-1], keras_accuracy[-1]]
comparison = pd.DataFrame({"test accuracy": final_accuracy, "seconds": seconds.values()}, seconds)
comparison["seconds per epoch"] = comparison["seconds"] / EPOCHS
print(comparison.round(4).to_string())
for name, value in seconds.items():
    checks.record(f"{name}: training seconds", value)  # timings vary: recorded, not asserted
checks.expect_at_least("Keras network: test accuracy", keras_accuracy[-1], 0.965)
gap = abs(keras_accuracy[-1] - ce_accuracy[-1])
checks.expect_at_most("|Keras - NumPy| test accuracy, same network and start", gap, 0.01)

# %% [markdown]
# Same network, same start, same algorithm, same result (to within the luck of the batch
# order). What differs:
#
# - **Code.** Keras needed the model definition, `compile` and `fit`; everything we wrote by
#   hand in sections 3-7 (forward, both costs, the four equations, the update, the loop) is
#   inside. Changing the activation, the cost or the architecture costs one word in Keras, and
#   a new derivation in NumPy.
# - **Speed.** See the table; the times depend on your machine. On the 2-core CPU this
#   course is tested on, our NumPy loop was *faster* than Keras for this tiny network. Each
#   Keras step carries a fixed overhead (calling a compiled TensorFlow graph, updating the
#   metrics), and it dominates when a step is only a few small matrix products. With larger
#   networks and larger batches the overhead matters less, and on a GPU Keras runs the matrix
#   products there while NumPy cannot.

# %% [markdown]
# ## Summary
#
# - The cost measures how wrong the network is; learning is minimizing it. Gradient descent
#   steps downhill, $w \leftarrow w - \eta\,\partial C/\partial w$. Too small a learning rate
#   crawls, too large a rate overshoots and, with sigmoids, can strand the weights on a flat
#   plateau. SGD estimates each step's gradient from a small mini-batch.
# - The forward pass is a matrix product and an activation per layer, for a whole mini-batch
#   at once. Backpropagation is the chain rule organized by layer: BP1 gives the output error,
#   BP2 sends errors back through the transposed weights, BP3 and BP4 turn errors into
#   gradients. It costs about as much as a forward pass, for all parameters at once.
# - We checked our gradients on the same weights, in 64-bit floats: against finite
#   differences (largest relative error at most $10^{-6}$) and against `tf.GradientTape`
#   (equal to within a relative $10^{-10}$), for both costs. Our 784-100-10 NumPy network,
#   trained in 32-bit floats like Keras, classified about 97% of the MNIST test digits
#   right after 10 epochs.
# - Softmax with cross-entropy gives $\delta^L = a - y$: no $\sigma'$ factor, so confidently
#   wrong outputs still learn. With the quadratic cost, a too-large step left the whole
#   network stuck near chance (10%); with cross-entropy it kept learning.
# - Keras does all this in a few lines, with the same result from the same start.

# %% [markdown]
# ## Exercises
#
# Each exercise has a cell for your code, a self-check that says PASS or gives a hint, and a
# hidden solution cell below it (click to expand; running it shows the check passing).
#
# ### Exercise 1: softmax and cross-entropy from logits
#
# Write `softmax_cross_entropy(logits, labels)` for a batch: `logits` is an array of shape
# `(n, num_classes)` (the weighted inputs $z^L$ of the output layer), `labels` holds `n`
# integer classes (not one-hot). Return the pair `(cost, gradient)`: the mean cross-entropy
# over the batch and its gradient with respect to the logits, shape `(n, num_classes)`. It
# must work for huge logits such as 1000. The check compares with Keras and `tf.GradientTape`.


# %% tags=["exercise"]
def softmax_cross_entropy(logits, labels):
    # YOUR CODE HERE
    raise NotImplementedError


lesson.exercise_softmax_cross_entropy(softmax_cross_entropy)


# %% tags=["solution"]
def softmax_cross_entropy(logits, labels):
    n = len(labels)
    shifted = logits - logits.max(axis=1, keepdims=True)  # softmax(z) = softmax(z - max z)
    log_probabilities = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    cost = -np.mean(log_probabilities[np.arange(n), labels])
    gradient = np.exp(log_probabilities)  # the probabilities a
    gradient[np.arange(n), labels] -= 1  # a - y, with y one-hot
    return cost, gradient / n


lesson.exercise_softmax_cross_entropy(softmax_cross_entropy)

# %% [markdown]
# ### Exercise 2: one SGD step of a ReLU network
#
# Write `relu_sgd_step(params, x, y, learning_rate)` for a network with **ReLU** hidden layers
# (any number) and a softmax output with the cross-entropy cost. `params` is a list of `(W, b)`
# pairs in our layout, `x` a batch of inputs (rows), `y` one-hot targets. The step uses the
# gradient of the batch's *mean* cost, as in our `train`: the average over the batch of each
# example's gradient, so BP1 is $(a - y)/n$. Do the forward pass, the four equations (what
# changes in BP2?) and one gradient-descent step; return the new list of `(W, b)` pairs. You
# may reuse `softmax` and `update` from above.


# %% tags=["exercise"]
def relu_sgd_step(params, x, y, learning_rate):
    # YOUR CODE HERE
    raise NotImplementedError


lesson.exercise_relu_sgd_step(relu_sgd_step)


# %% tags=["solution"]
def relu_sgd_step(params, x, y, learning_rate):
    zs, activations = [], [x]
    for layer, (W, b) in enumerate(params):
        zs.append(activations[-1] @ W + b)
        activations.append(softmax(zs[-1]) if layer == len(params) - 1 else np.maximum(zs[-1], 0))
    delta = (activations[-1] - y) / len(y)  # BP1 for softmax + cross-entropy
    gradients = []
    for layer in reversed(range(len(params))):
        gradients.append((activations[layer].T @ delta, delta.sum(axis=0)))  # BP4, BP3
        if layer > 0:  # BP2 with ReLU's derivative: 1 where z > 0, else 0
            delta = (delta @ params[layer][0].T) * (zs[layer - 1] > 0)
    return update(params, gradients[::-1], learning_rate)


lesson.exercise_relu_sgd_step(relu_sgd_step)

# %% [markdown]
# ### Exercise 3: where does gradient descent break down?
#
# Go back to the one-weight neuron of section 2 (`x_points`, `y_points`, `gradient_descent`).
# Find the largest learning rate at which gradient descent started at $w = 1.5$ still settles
# at the minimum $w = 1$ (run enough steps: near the limit it converges slowly). Give it to
# within 2%. Hint: a learning rate of 20 works and 150 does not; halve the interval until it
# is narrow (bisection). Then compare your number with $2 / C''(1)$, where $C''(1)$ is the
# curvature of the cost at the bottom of the valley, and explain the match.

# %% tags=["exercise"]
critical_learning_rate = None  # YOUR CODE HERE
lesson.exercise_critical_learning_rate(critical_learning_rate, x_points, y_points)


# %% tags=["solution"]
def settles(learning_rate, steps=3000):
    return abs(gradient_descent(1.5, learning_rate, steps)[-1] - 1.0) < 1e-3


low, high = 20.0, 150.0  # settles at low, not at high
while high - low > 0.1:
    middle = (low + high) / 2
    low, high = (middle, high) if settles(middle) else (low, middle)
critical_learning_rate = low
curvature = (neuron_gradient(1.0001) - neuron_gradient(0.9999)) / 0.0002  # C''(1)
print(f"found {critical_learning_rate:.2f}; 2 / C''(1) = {2 / curvature:.2f}")
lesson.exercise_critical_learning_rate(critical_learning_rate, x_points, y_points)

# %% [markdown]
# Why $2/C''$: near the bottom the valley is a parabola, $C(w) \approx \tfrac12 C''
# (w - 1)^2$, so one step maps the distance $d = w - 1$ to $d - \eta C'' d = (1 - \eta C'')\,d$.
# The ball settles if $|1 - \eta C''| < 1$, that is if $\eta < 2/C''$. Between $1/C''$ and
# $2/C''$ it overshoots and zig-zags in; beyond $2/C''$ each zig-zag is wider than the last.
