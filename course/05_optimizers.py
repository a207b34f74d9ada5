# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Gradient descent and its descendants: from SGD to Adam
#
# **What you will learn**
#
# - batch, stochastic and mini-batch gradient descent, run on real digits: how much progress
#   each makes per epoch, what an epoch costs, and how noisy its steps are;
# - why plain gradient descent struggles: ravines, saddle points and one learning rate for all
#   parameters, watched on three loss surfaces of two parameters;
# - the update rules of Momentum, Nesterov, Adagrad, Adadelta, RMSprop, Adam, Nadam and AMSGrad,
#   each written out and coded in a few lines of NumPy, then checked step for step against the
#   Keras optimizer of the same name; where Keras differs from the textbook formula;
# - a race of optimizers on the loss surfaces that you control;
# - all these optimizers training the same network on MNIST; a learning rate too small, too
#   large, and one that changes during training;
# - weight initialization: why all-zero weights cannot learn, and how far Glorot and He
#   initialization keep the signal alive through 20 layers of tanh, ReLU and GELU.
#
# **What you need**: lessons 00-04, above all lesson 02 (gradients by backpropagation) and
# lesson 03 (MNIST networks in Keras). The lesson runs in under two minutes on a laptop CPU.

# %%
import time

import keras
import numpy as np
import pandas as pd
import tensorflow as tf

from helpers import checks, datasets, plotting, progress
from helpers.lessons import optimizers as lesson

plotting.use_course_style()
SEED = 5
keras.utils.set_random_seed(SEED)  # same weights, same batches, same numbers on every run

# Settings that cost time. On a GPU try RACE_SAMPLES = 50_000 and RACE_EPOCHS = 20.
GD_SAMPLES = 5_000  # digits for the batch / mini-batch / stochastic comparison (NumPy)
GD_EPOCHS = 5  # epochs for each batch size in that comparison
RACE_SAMPLES = 20_000  # training digits for the Keras optimizer race and the learning rates
RACE_EPOCHS = 5  # epochs for each optimizer in the race
BATCH_SIZE = 128  # mini-batch size of every Keras run

# %% [markdown] tags=["notes"]
# Say: this lesson is about the step itself: how many examples each step looks at, why plain
# gradient descent is slow in ravines and near saddles, how momentum and adaptive learning rates fix
# it (eight optimizers written in NumPy and matched step for step with Keras), then learning rates,
# schedules and initialization. It runs in about a minute of CPU. Ask the room: "Which optimizer
# have we used so far in lessons 03 and 04?" (expected answer: RMSprop at its default learning rate
# 0.001; today we see what it does).

# %% [markdown]
# ## 1. Gradient descent, three ways
#
# Training minimizes a loss that is an average over the $N$ training examples,
# $J(\theta) = \frac{1}{N}\sum_{i=1}^{N} L_i(\theta)$, where $\theta$ stands for all the weights.
# Gradient descent repeats one step: move the weights a little against the gradient,
#
# $$ \theta \leftarrow \theta - \alpha\, \nabla_\theta J, $$
#
# with the **learning rate** $\alpha$ setting the step size. The three classic variants differ
# only in how many examples they average the gradient over before each step:
#
# | variant | gradient from | steps per epoch | character |
# |---|---|---|---|
# | batch GD | all $N$ examples | 1 | the true gradient, but a whole pass over the data buys a single step, and each example added later means a new pass over all of them |
# | stochastic GD (SGD) | one example $i$ | $N$ | cheap steps in large numbers, each pointing somewhere near downhill; it can update as examples arrive; its jitter helps it leave a poor region and hinders it from settling in a good one |
# | mini-batch GD | $n$ examples (typically 32-256) | $N/n$ | the usual choice: the jitter shrinks as $n$ grows, and vectorized arithmetic makes a batch of 10 cost little more than one example, and a batch of 100 far less than 100 single steps (see the table below) |
#
# Keras's `fit(batch_size=...)` is mini-batch gradient descent; `batch_size=1` makes it
# stochastic and `batch_size=len(x)` makes it batch gradient descent. In practice the name
# "SGD" is used for all three.

# %% [markdown]
# ### On real digits
#
# To see every step, we write the training loop in NumPy for the simplest network there is:
# one `Dense(10)` layer with softmax (784 -> 10, *softmax regression*), trained with
# cross-entropy on `GD_SAMPLES` MNIST digits. Backpropagation through this one layer (lesson
# 02) gives the gradients of the mean loss of a batch of $n$ digits:
# $\nabla_W = X^\top (P - Y)/n$ and $\nabla_b = \text{mean}(P - Y)$, where $X$ holds the
# digits, $P$ the predicted probabilities and $Y$ the one-hot labels.

# %%
(x_train, y_train), _ = datasets.load_mnist()
x_train = x_train.reshape(-1, 28 * 28).astype("float32") / 255
x_val, y_val = x_train[50_000:], y_train[50_000:]  # 10,000 digits never used for training
x_gd, targets_gd = x_train[:GD_SAMPLES].astype("float64"), np.eye(10)[y_train[:GD_SAMPLES]]


def loss_and_gradients(weights, bias, x, targets):  # mean cross-entropy of softmax(x W + b)
    logits = x @ weights + bias
    logits -= logits.max(axis=1, keepdims=True)  # softmax does not change; exp cannot overflow
    log_probabilities = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    error = (np.exp(log_probabilities) - targets) / len(x)
    return -np.mean(np.sum(targets * log_probabilities, axis=1)), x.T @ error, error.sum(axis=0)


def gradient_descent(batch_size, learning_rate=0.1, epochs=GD_EPOCHS):
    rng = np.random.default_rng(SEED)
    weights, bias = np.zeros((784, 10)), np.zeros(10)
    steps = GD_SAMPLES // batch_size  # per epoch
    curve, durations = [loss_and_gradients(weights, bias, x_gd, targets_gd)[0]], []
    for _ in range(epochs):
        # a new shuffle every epoch, cut into `steps` batches
        for step, batch in enumerate(np.array_split(rng.permutation(GD_SAMPLES), steps)):
            start = time.perf_counter()
            _, grad_w, grad_b = loss_and_gradients(weights, bias, x_gd[batch], targets_gd[batch])
            weights, bias = weights - learning_rate * grad_w, bias - learning_rate * grad_b
            durations.append(time.perf_counter() - start)
            if (step + 1) % max(1, steps // 20) == 0:  # 20-25 times per epoch, or once
                curve.append(loss_and_gradients(weights, bias, x_gd, targets_gd)[0])  # all digits
    return np.array(curve), np.median(durations) * steps, (weights, bias)  # s per epoch


# %% [markdown]
# The same learning rate, 0.1, and the same number of epochs for four batch sizes: one
# example (stochastic), 10 and 100 (mini-batches) and all 5,000 (batch). The curves show the
# loss on all the training digits, measured as training goes. The table after the next cell
# gives the time per epoch, counting only the training steps (the median step time, times the
# steps per epoch, so that a hiccup of the machine does not distort it).

# %%
batch_sizes = [1, 10, 100, GD_SAMPLES]
runs = {size: gradient_descent(size) for size in progress.bar(batch_sizes, "runs")}
curves = {f"batch size {b}": (np.linspace(0, GD_EPOCHS, len(r[0])), r[0]) for b, r in runs.items()}
plotting.plot_curves(curves, "epoch", "loss on all the training digits", "Progress per epoch")

# %% [markdown]
# ### How noisy is a mini-batch gradient?
#
# A mini-batch gradient is an *estimate* of the full gradient. We measure its error at the
# weights reached by the batch-size-100 run: for 300 random batches of each size, the
# distance between the batch gradient and the full one, relative to the full gradient's size.
# Statistics predicts that the error shrinks like $1/\sqrt{n}$: a 100 times larger batch has
# a 10 times smaller error, for 100 times the arithmetic. A batch of all 5,000 digits *is* the
# full gradient: its error is 0 by definition, not measured, and the table says so.

# %%
weights, bias = runs[100][2]
full_gradient = loss_and_gradients(weights, bias, x_gd, targets_gd)[1]
rng = np.random.default_rng(SEED)


def squared_error(batch_size):  # of one random batch's gradient, relative to the full one's
    batch = rng.choice(GD_SAMPLES, size=batch_size, replace=False)
    grad_w = loss_and_gradients(weights, bias, x_gd[batch], targets_gd[batch])[1]
    return np.sum((grad_w - full_gradient) ** 2) / np.sum(full_gradient**2)


# root-mean-square relative error over 300 batches, for the three smaller batch sizes
noise = {b: np.sqrt(np.mean([squared_error(b) for _ in range(300)])) for b in batch_sizes[:-1]}
final_loss = {b: run[0][-1] for b, run in runs.items()}
seconds_per_epoch = {b: run[1] for b, run in runs.items()}
table = {"final loss": final_loss, "seconds per epoch": seconds_per_epoch, "gradient error": noise}
print(pd.DataFrame(table).rename_axis("batch size").round(4).to_string(na_rep="0 (exact)"))

# %% [markdown]
# Per epoch, more steps mean more progress, up to a point: batch gradient descent took five
# careful steps and is still not far below its starting loss ($\ln 10 \approx 2.30$), and
# mini-batches of 10 finished lowest. Single examples took the most steps, but each step is so
# noisy (one example's gradient is further from the true gradient than the gradient is long)
# that the loss jitters instead of settling. And one example per step wastes the vectorized
# arithmetic of NumPy (and of GPUs): an epoch costs several times more than with batches of
# 10. Timings depend on the machine and on what else it is doing (on a busy machine a single
# multiplication can stall while NumPy waits for a free core), so the cell below records the
# ratio of batch 1 to batch 10 for the benchmarks but does not check it: read the seconds in
# the table above.

# %%
checks.expect_at_most("final loss: batch 100 / 5000", final_loss[100] / final_loss[GD_SAMPLES], 0.5)
checks.expect_at_least("final loss: full batch (barely moved)", final_loss[GD_SAMPLES], 1.5)
others = min(final_loss[b] for b in batch_sizes if b != 10)
checks.expect_at_most("final loss: batch 10 / lowest other batch size", final_loss[10] / others, 1)
checks.record("seconds per epoch: batch 1 / 10", seconds_per_epoch[1] / seconds_per_epoch[10])
checks.expect_between("gradient error: batch 1 / batch 100", noise[1] / noise[100], 8, 12.5)
checks.expect_at_least("relative gradient error of one example", noise[1], 1)

# %% [markdown] tags=["notes"]
# Say: per epoch, batch gradient descent takes only a few careful steps and barely moves; single
# examples take many steps but each is so noisy that the loss jitters, and they waste vectorized
# arithmetic. Mini-batches sit in between, and a batch gradient's error shrinks like one over the
# square root of the batch size. Ask the room: "A 100 times larger batch gives a gradient how much
# more accurate?" (expected answer: about 10 times, for 100 times the arithmetic).

# %% [markdown]
# ## 2. Why plain gradient descent struggles
#
# Exact gradients do not make the rule $\theta \leftarrow \theta - \alpha\nabla J$ fast. Two
# parameters are enough to see why, and with two we can draw every step on a map of the loss.
# `lesson.loss_surface` gives three test surfaces, each built to show one difficulty:
#
# | surface | formula | what it shows |
# |---|---|---|
# | **valley** | $(0.1x^2 + 10y^2)/2$ | curvatures that differ 100-fold: one learning rate cannot suit both directions |
# | **saddle** | $x^2/2 + y^4/4 - y^2/2$ | a flat point that is no minimum (a saddle at the origin, between two minima at $y = \pm 1$) |
# | **Rosenbrock's banana** | $\big((1-x)^2 + 100(y-x^2)^2\big)/50$ | a long, curved, nearly flat valley floor leading to the minimum at $(1, 1)$ |
#
# In code, an optimizer is a function `step(theta, gradient)` that returns the next point;
# `lesson.optimizer_path` runs one for a number of steps and returns the points visited.
#
# ### The valley: one learning rate for two curvatures
#
# Exercise 3 of lesson 02 found, for a single weight, that gradient descent settles only when
# the learning rate is below $2/C''$, two over the curvature at the minimum. With several
# parameters each direction has its own curvature, and the steepest one sets the limit, because
# a step that overshoots there grows with every step. For a quadratic bowl
# $\tfrac12\theta^\top A\theta$ the curvatures are the **eigenvalues of $A$** (the curvature
# along each eigenvector, the bowl's principal axes); the valley's $A$ is diagonal, so its
# curvatures are 0.1 along $x$ and 10 along $y$, and the limit is $\alpha < 2/10 = 0.2$.

# %%
valley, rosenbrock, saddle = (lesson.loss_surface(name) for name in lesson.LOSS_SURFACES)


def plain_gd(learning_rate):
    return lambda theta, gradient: theta - learning_rate * gradient


rates = [0.05, 0.19, 0.21]
valley_paths = {f"GD, rate {r}": lesson.optimizer_path(plain_gd(r), valley, 200) for r in rates}
lesson.plot_optimizer_paths(valley, valley_paths, title="The valley: curvatures 10 and 0.1")

# %% [markdown]
# At 0.21, just over the limit, the steps in $y$ overshoot more each time and the run
# diverges. At 0.19, just under it, $y$ zig-zags across the valley while $x$ creeps along it.
# At 0.05 there is no zig-zag: each step halves $y$, which reached its minimum long ago, but
# each step also takes only $\alpha \cdot 0.1 = 0.5\%$ off $x$, so after 200 steps
# $0.995^{200} \approx 0.37$ of $x$'s distance is still left. The gentle direction crawls
# because the steep one caps the learning rate: with one $\alpha$ for all parameters, the
# worst-curved parameter decides the pace of the rest.

# %%
x_end, y_end = valley_paths["GD, rate 0.05"][-1]
checks.expect_close("valley, rate 0.05: x after 200 steps", x_end, -4.5 * 0.995**200, rtol=1e-9)
checks.expect_at_most("valley, rate 0.05: |y| after 200 steps", abs(y_end), 1e-12)
# the loss at rate 0.19 after 200 steps and at rate 0.21 after 100 steps
loss_at = {r: valley(valley_paths[f"GD, rate {r}"][n]) for r, n in [(0.19, 200), (0.21, 100)]}
checks.expect_at_most("valley, rate 0.19: loss after 200 steps", loss_at[0.19], 0.01)
checks.expect_at_least("valley, rate 0.21: loss after 100 steps", loss_at[0.21], 1e6)

# %% [markdown]
# ### The saddle: a plateau, then a drop
#
# At a saddle point the gradient is zero, but the ground falls away in some directions. On the
# saddle surface the start lies almost on the ridge ($y = 0.001$), so plain gradient descent
# first slides down to the saddle point, where the slope in every direction is nearly zero.
# Near $y = 0$ the slope in $y$ is about $-y$, so $y$ grows only by a factor $1 + \alpha$ per
# step, and the loss sits for dozens of steps near the saddle's value 0 before it finally
# drops to a minimum ($-1/4$). Which minimum depends on which side of the ridge the start
# lies: the loss is not convex. Networks have millions of weights, and the flat points they
# meet are far more often saddles like this one than poor local minima.

# %%
saddle_path = lesson.optimizer_path(plain_gd(0.05), saddle, 300)
lesson.plot_optimizer_paths(saddle, {"GD, rate 0.05": saddle_path}, title="The saddle")

# %%
saddle_loss = np.array([saddle(point) for point in saddle_path])  # 0 at the saddle point
checks.expect_at_most("saddle: |loss|, steps 60-99", np.abs(saddle_loss[60:100]).max(), 0.01)
checks.expect_at_most("saddle: loss - (-1/4) at step 160", saddle_loss[160] + 0.25, 0.01)

# %% [markdown]
# ### The banana: a curved valley floor
#
# On Rosenbrock's banana, gradient descent quickly reaches the floor of the curved valley and
# then crawls along it: the walls are steep, the floor is nearly flat, and the direction that
# leads to the minimum is the gentle one, as in the straight valley above. In numbers: the
# first 5 steps remove most of the loss above the minimum, the next 295 less than half of
# what is left.

# %%
banana_path = lesson.optimizer_path(plain_gd(0.05), rosenbrock, 300)
lesson.plot_optimizer_paths(rosenbrock, {"GD, rate 0.05": banana_path}, title="The banana")

# %%
gap = [rosenbrock(point) - rosenbrock.minimum_value for point in banana_path]  # above the minimum
checks.expect_at_most("banana: gap after 5 steps / at the start", gap[5] / gap[0], 0.25)
checks.expect_at_least("banana: gap after 300 steps / after 5", gap[-1] / gap[5], 0.5)

# %% [markdown] tags=["notes"]
# Say: with one learning rate for all parameters, the steepest direction caps the rate (below 2 over
# the largest curvature, 0.2 on the valley), and the gentle direction then crawls. Saddles give a
# long plateau and Rosenbrock's curved floor gives a slow crawl. Ask the room: "On the valley, what
# happens at rate 0.21 compared with 0.19?" (expected answer: at 0.21 the steep direction overshoots
# more each step and the run diverges; at 0.19 it zig-zags but converges).

# %% [markdown]
# ## 3. Eight descendants of gradient descent
#
# Every optimizer below changes the plain step in one or both of two ways: **momentum**
# (remember past gradients, so that consistent directions build up speed and zig-zags cancel)
# and **adaptive learning rates** (divide each parameter's step by a running size of its own
# gradients, so that steep and gentle directions advance alike). Each is a function that
# returns a `step(theta, gradient)` with its own memory (`nonlocal` state), and takes the same
# keyword arguments, with the same defaults, as the Keras class, so that the two can be compared
# number for number. Below, $g$ is the gradient at the current $\theta$, products and squares
# are element-wise, and $t = 1, 2, \dots$ counts the steps.

# %% [markdown]
# ### Momentum and Nesterov (Keras: `SGD(momentum=..., nesterov=...)`)
#
# **Momentum** (Polyak's *heavy-ball* method) keeps a velocity that accumulates the gradients
# with decay $\gamma$ (typically 0.9), so the step can reach $1/(1-\gamma) = 10$ times the plain
# one along a steady slope. Textbook form: $v_t = \gamma v_{t-1} + \alpha g$, $\theta \leftarrow \theta - v_t$.
# Keras stores the velocity with the opposite sign, $m_t = \gamma m_{t-1} - \alpha g$,
# $\theta \leftarrow \theta + m_t$: the same numbers, $m = -v$.
#
# **Nesterov's accelerated gradient** (NAG) evaluates the gradient not at the current weights
# but at the point the momentum is about to carry them to, $v_t = \gamma v_{t-1} +
# \alpha\nabla J(\theta - \gamma v_{t-1})$. When that point lies past the bottom, its gradient
# already points back, and the correction starts one step earlier than with plain momentum, so
# swings die out sooner. Taken literally, that needs a gradient at a second point. Keras uses
# an equivalent rewriting that needs only $g$ at the stored point: $m_t = \gamma m_{t-1} -
# \alpha g$, $\theta \leftarrow \theta + \gamma m_t - \alpha g$. Why
# equivalent: write the textbook rule for the look-ahead point $\phi = \theta - \gamma v$ and
# $m = -v$; it becomes $\phi_t = \phi_{t-1} + \gamma m_t - \alpha\nabla J(\phi_{t-1})$, Keras's
# rule. So the weights Keras stores are the textbook's look-ahead points, and the gradient is
# always taken where the weights are.


# %%
def sgd(learning_rate=0.01, momentum=0.0, nesterov=False):
    velocity = 0.0

    def step(theta, gradient):
        nonlocal velocity
        velocity = momentum * velocity - learning_rate * gradient
        return theta + (momentum * velocity - learning_rate * gradient if nesterov else velocity)

    return step


# %% [markdown]
# ### Adagrad (Keras: `Adagrad`)
#
# **Adagrad** gives each parameter its own learning rate: it adds up the squares of all its
# past gradients, $G_t = G_{t-1} + g^2$, and steps $\theta \leftarrow \theta - \alpha\, g /
# \sqrt{G_t + \epsilon}$. Parameters with large or frequent gradients slow down; rare ones
# (sparse features) keep large steps. The weakness: $G$ only grows, so every step size decays
# towards zero and learning can stop too early. Keras starts $G$ at
# `initial_accumulator_value=0.1` (textbooks at 0), puts $\epsilon = 10^{-7}$ inside the square
# root, and uses $\alpha = 0.001$ by default.


# %%
def adagrad(learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7):
    accumulator = initial_accumulator_value

    def step(theta, gradient):
        nonlocal accumulator
        accumulator = accumulator + gradient**2
        return theta - learning_rate * gradient / np.sqrt(accumulator + epsilon)

    return step


# %% [markdown]
# ### RMSprop and Adadelta (Keras: `RMSprop`, `Adadelta`)
#
# Both fix Adagrad's decay by replacing the sum with a *moving average* that forgets old
# gradients at rate $\rho$.
#
# **RMSprop**: $v_t = \rho v_{t-1} + (1-\rho) g^2$, $\theta \leftarrow \theta - \alpha\, g/\sqrt{v_t
# + \epsilon}$. Keras: $\rho = 0.9$, $\alpha = 0.001$, $\epsilon = 10^{-7}$ inside the root
# (many texts add it outside, $\sqrt{v_t} + \epsilon$).
#
# **Adadelta** also divides by the root of a moving average of $g^2$, and multiplies by the root
# of a moving average of its own past *steps*, so that the step has the units of $\theta$ and
# needs no learning rate at all:
# $\Delta_t = -\frac{\sqrt{D_{t-1} + \epsilon}}{\sqrt{E_t + \epsilon}}\, g$ with
# $E_t = \rho E_{t-1} + (1-\rho) g^2$ and $D_t = \rho D_{t-1} + (1-\rho)\Delta_t^2$, then
# $\theta \leftarrow \theta + \Delta_t$. Keras multiplies the step by a learning rate anyway,
# $\theta \leftarrow \theta + \alpha\Delta_t$, and its default $\alpha = 0.001$ makes Keras's
# Adadelta a thousand times slower than the paper's (which is $\alpha = 1$). We will see what
# that does on MNIST.


# %%
def rmsprop(learning_rate=0.001, rho=0.9, epsilon=1e-7):
    average_square = 0.0

    def step(theta, gradient):
        nonlocal average_square
        average_square = rho * average_square + (1 - rho) * gradient**2
        return theta - learning_rate * gradient / np.sqrt(average_square + epsilon)

    return step


def adadelta(learning_rate=0.001, rho=0.95, epsilon=1e-7):
    average_square, average_step = 0.0, 0.0

    def step(theta, gradient):
        nonlocal average_square, average_step
        average_square = rho * average_square + (1 - rho) * gradient**2
        delta = -np.sqrt(average_step + epsilon) / np.sqrt(average_square + epsilon) * gradient
        average_step = rho * average_step + (1 - rho) * delta**2
        return theta + learning_rate * delta

    return step


# %% [markdown]
# ### Adam and AMSGrad (Keras: `Adam`, `Adam(amsgrad=True)`)
#
# **Adam** (adaptive moment estimation) combines momentum with RMSprop: a moving average of the
# gradients $m_t = \beta_1 m_{t-1} + (1-\beta_1) g$ (the *first moment*) and of their squares
# $v_t = \beta_2 v_{t-1} + (1-\beta_2) g^2$ (the *second moment*). Both start at zero, so early
# on they are too small; dividing by $1 - \beta^t$ corrects that *bias*:
# $\hat m_t = m_t/(1-\beta_1^t)$, $\hat v_t = v_t/(1-\beta_2^t)$, and the textbook step is
# $\theta \leftarrow \theta - \alpha\,\hat m_t/(\sqrt{\hat v_t} + \epsilon)$. The ratio
# $\hat m_t/\sqrt{\hat v_t}$ does not depend on the gradient's scale, so each coordinate moves
# by roughly $\alpha$ per step, whether its gradients are large or tiny. Keras folds both
# corrections into the step size,
#
# $$ \alpha_t = \alpha\,\frac{\sqrt{1-\beta_2^t}}{1-\beta_1^t}, \qquad
#    \theta \leftarrow \theta - \alpha_t\,\frac{m_t}{\sqrt{v_t} + \epsilon}, $$
#
# which is the same except for $\epsilon$: Keras's $\epsilon$ plays the part of
# $\epsilon/\sqrt{1-\beta_2^t}$ in the textbook form (the Adam paper mentions this variant),
# a difference that matters only when gradients are about as small as $\epsilon = 10^{-7}$.
# Defaults: $\alpha = 0.001$, $\beta_1 = 0.9$, $\beta_2 = 0.999$.
#
# **AMSGrad** divides by the largest $v$ seen so far, $v^{\max}_t = \max(v^{\max}_{t-1}, v_t)$,
# so that a step size can never grow back after large gradients; this
# repairs a flaw in Adam's convergence proof. The paper's version has no bias correction; Keras
# keeps Adam's $\alpha_t$ and takes the maximum of the uncorrected $v$.


# %%
def adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False):
    m, v, v_max, t = 0.0, 0.0, 0.0, 0

    def step(theta, gradient):
        nonlocal m, v, v_max, t
        t += 1
        m = beta_1 * m + (1 - beta_1) * gradient
        v = beta_2 * v + (1 - beta_2) * gradient**2
        v_max = np.maximum(v_max, v)
        step_size = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        return theta - step_size * m / (np.sqrt(v_max if amsgrad else v) + epsilon)

    return step


# %% [markdown]
# ### Nadam (Keras: `Nadam`)
#
# **Nadam** (Dozat, 2016) is Adam with Nesterov's look-ahead. Its moments are Adam's,
# $m_t = \beta_1 m_{t-1} + (1-\beta_1) g$ and $v_t = \beta_2 v_{t-1} + (1-\beta_2) g^2$; only the
# step differs: it uses the momentum about to be applied, $\beta_1\hat m_t$, plus the fresh
# gradient's share, $(1-\beta_1)\, g/(1-\beta_1^t)$, in place of $\hat m_t$. Dozat also lets
# the momentum weight grow over the first steps, from $\beta_1/2$ towards $\beta_1$, along a
# schedule $\mu_t$. $\mu$ does not change how $m$ is updated (that still uses $\beta_1$): it
# appears only in the two weights of the step and in their bias correction, a product
# $\prod_{i \le t}\mu_i$ in place of $\beta_1^t$:
#
# $$ \hat m_t = \frac{\mu_{t+1}\, m_t}{1 - \prod_{i\le t+1}\mu_i}
#    + \frac{(1-\mu_t)\, g}{1 - \prod_{i\le t}\mu_i}, \qquad
#    \theta \leftarrow \theta - \alpha\,\frac{\hat m_t}{\sqrt{v_t/(1-\beta_2^t)} + \epsilon}. $$
#
# Dozat's schedule, kept by PyTorch (`momentum_decay=0.004`) and by Keras 2's legacy optimizer
# (`schedule_decay=0.004`), is $\mu_t = \beta_1(1 - \tfrac12\, 0.96^{t/250})$: $\mu$ comes
# within 1% of $\beta_1$ only after about 24,000 steps. Keras's newer optimizers (experimental
# in Keras 2, the default from TensorFlow 2.11) and Keras 3 use $\mu_t = \beta_1(1 - \tfrac12\,
# 0.96^{t})$, 250 times faster: within 1% after about 100 steps. Our code follows Keras 3.


# %%
def nadam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m, v, t, mu_product = 0.0, 0.0, 0, 1.0

    def step(theta, gradient):
        nonlocal m, v, t, mu_product
        t += 1
        mu, mu_next = (beta_1 * (1 - 0.5 * 0.96**k) for k in (t, t + 1))
        mu_product = mu_product * mu
        m = beta_1 * m + (1 - beta_1) * gradient
        v = beta_2 * v + (1 - beta_2) * gradient**2
        m_hat = mu_next * m / (1 - mu_product * mu_next) + (1 - mu) * gradient / (1 - mu_product)
        return theta - learning_rate * m_hat / (np.sqrt(v / (1 - beta_2**t)) + epsilon)

    return step


# %% [markdown]
# ### Checked against Keras, step for step
#
# Now the proof that these few lines are what Keras does. A Keras optimizer updates variables
# in place: `optimizer.apply(gradients, variables)`. We give Keras a 2-element `keras.Variable`
# and wrap it in a step function for `lesson.optimizer_path`, which feeds it the surface's
# gradient at its current value 50 times; then we compare Keras's path with our NumPy path,
# point by point, on two surfaces. Our functions use Keras's defaults, so we only
# name the settings we change. Two details make the comparison exact: both sides compute in
# float64, and every hyperparameter of the Keras optimizer (read back with `get_config()`) is
# handed back as an `np.float64` number; TensorFlow would otherwise round a Python float such as
# 0.999 to float32 (0.99900001), and Adam's path would differ from ours by up to about
# $6 \cdot 10^{-6}$ for that alone, as the cell after the next one shows.

# %%
ORACLE = {  # name: (our NumPy optimizer, the Keras class, the settings we change)
    "SGD": (sgd, keras.optimizers.SGD, dict(learning_rate=0.05)),
    "Momentum": (sgd, keras.optimizers.SGD, dict(learning_rate=0.05, momentum=0.9)),
    "Nesterov": (sgd, keras.optimizers.SGD, dict(learning_rate=0.05, momentum=0.9, nesterov=True)),
    "Adagrad": (adagrad, keras.optimizers.Adagrad, dict(learning_rate=0.1)),
    "Adadelta": (adadelta, keras.optimizers.Adadelta, dict(learning_rate=1.0)),
    "RMSprop": (rmsprop, keras.optimizers.RMSprop, dict(learning_rate=0.01)),
    "Adam": (adam, keras.optimizers.Adam, dict(learning_rate=0.05)),
    "AMSGrad": (adam, keras.optimizers.Adam, dict(learning_rate=0.05, amsgrad=True)),
    "Nadam": (nadam, keras.optimizers.Nadam, dict(learning_rate=0.05)),
}


# lesson.keras_path(optimizer, surface, steps) runs a Keras optimizer (with its settings turned
# into float64) on a float64 variable, calling optimizer.apply([gradient], [theta]) each step.
for surface in [rosenbrock, saddle]:
    for name, (numpy_optimizer, keras_class, settings) in ORACLE.items():
        theirs = lesson.keras_path(keras_class(**settings), surface, 50)
        ours = lesson.optimizer_path(numpy_optimizer(**settings), surface, 50)
        checks.expect_close(f"{name} on {surface.name}", ours, theirs, rtol=1e-7, atol=1e-7)

# %% [markdown]
# The largest differences are a few times $10^{-8}$, within the tolerance of $10^{-7}$: they
# come from the learning rate, which Keras keeps in a float32 variable. The comparison is sharp
# enough to catch the details that differ between textbooks and Keras. Adagrad with the
# accumulator starting at 0 (the textbook) instead of 0.1 (Keras) leaves Keras's path by more
# than a thousand times the tolerance, and so would Keras's Adam with its settings left as
# Python floats (rounded to float32) by more than ten times:

# %%
textbook = lesson.optimizer_path(adagrad(0.1, initial_accumulator_value=0.0), rosenbrock, 50)
keras_way = lesson.keras_path(keras.optimizers.Adagrad(0.1), rosenbrock, 50)
checks.expect_at_least("Adagrad from 0 vs Keras: gap", np.abs(textbook - keras_way).max(), 1e-4)
float32_adam = lesson.keras_path(keras.optimizers.Adam(0.05), saddle, 50, float64_settings=False)
adam_gap = np.abs(float32_adam - lesson.optimizer_path(adam(0.05), saddle, 50)).max()
checks.expect_at_least("Adam, float32 settings, vs ours: largest gap", adam_gap, 1e-6)

# %% [markdown]
# ## 4. The optimizer race
#
# Time to race them. Pick a surface and the optimizers, and set the learning rate and the
# momentum (it is $\gamma$ for Momentum and Nesterov and $\beta_1$ for the Adam family; the
# others ignore it). Each optimizer gets the same learning rate, except Adadelta, which keeps the
# paper's $\alpha = 1$ since its step is already in the units of $\theta$. The right panel shows
# how far each one still is above the minimum after every step.
#
# Things to try:
#
# - the **valley** with GD, Momentum and Adam (the default): GD crawls along the valley,
#   Momentum overshoots and swings but arrives first, and Adam moves each coordinate by about
#   one learning rate per step whatever its gradient, so it sets off diagonally;
# - add **Nesterov**: how do its swings across the valley compare with Momentum's? Then raise
#   the learning rate to 0.22, above plain GD's limit of 0.2: GD blows up, and so does
#   Nesterov (with momentum 0.9 its limit here is about 0.136, because the look-ahead adds a
#   second gradient step), while Momentum (limit about 0.38) and Adam do not;
# - the **saddle** with all nine: who escapes first? Then set the learning rate to 0.01;
# - **Rosenbrock** with Momentum and Nesterov at momentum 0.9, then 0.97;
# - Adagrad on any surface for 500 steps: its steps shrink for ever. Adadelta's first steps are
#   tiny and grow only as its own past steps grow: with $D_0 = 0$ the first step is
#   $\sqrt{\epsilon}\,g/\sqrt{(1-\rho)g^2 + \epsilon} \approx \sqrt{\epsilon/(1-\rho)}
#   \approx 0.0014$ per coordinate, whatever the gradient (unless it is tiny).

# %%
racers = {  # name: a function (learning_rate, momentum) -> a fresh step function
    "GD": lambda learning_rate, momentum: sgd(learning_rate),
    "Momentum": lambda learning_rate, momentum: sgd(learning_rate, momentum),
    "Nesterov": lambda learning_rate, momentum: sgd(learning_rate, momentum, nesterov=True),
    "Adagrad": lambda learning_rate, momentum: adagrad(learning_rate),
    "Adadelta": lambda learning_rate, momentum: adadelta(learning_rate=1.0),
    "RMSprop": lambda learning_rate, momentum: rmsprop(learning_rate),
    "Adam": lambda learning_rate, momentum: adam(learning_rate, beta_1=momentum),
    "Nadam": lambda learning_rate, momentum: nadam(learning_rate, beta_1=momentum),
    "AMSGrad": lambda learning_rate, momentum: adam(learning_rate, momentum, amsgrad=True),
}
lesson.optimizer_race(racers)

# %% [markdown]
# Play with the race as you like: the check below does not read the widget, it reruns the
# races with `lesson.race_optimizers` at fixed settings (valley, momentum 0.9, 200 steps). At
# learning rate 0.05, Momentum gets within $10^{-6}$ of the minimum and Adam within $10^{-3}$,
# while plain GD is still more than 0.1 above it. Just past each limit quoted above, exactly
# the expected racers diverge: Nesterov alone at 0.14, GD and Nesterov at 0.22, and Momentum
# joins them at 0.39. The adaptive methods never do: their steps do not grow with the
# gradient.

# %%
gap = lesson.race_optimizers(racers, valley, 0.05, 0.9, 200)["final_gap"]  # the widget's start
checks.expect_at_least("valley, rate 0.05: GD above the minimum", gap["GD"], 0.1)
checks.expect_at_most("valley, rate 0.05: Momentum above the minimum", gap["Momentum"], 1e-6)
checks.expect_at_most("valley, rate 0.05: Adam above the minimum", gap["Adam"], 1e-3)
diverging = {0.14: ["Nesterov"], 0.22: ["GD", "Nesterov"], 0.39: ["GD", "Momentum", "Nesterov"]}
for rate, expected in diverging.items():  # just past the limits 0.136, 0.2 and 0.38
    gap = lesson.race_optimizers(racers, valley, rate, 0.9, 200)["final_gap"]
    checks.expect_equal(f"rate {rate}: diverged", [n for n in racers if gap[n] == np.inf], expected)

# %% [markdown] tags=["notes"]
# Show: the valley with GD, Momentum and Adam first; ask the room to predict who arrives first
# (expected answer: Momentum, after overshooting and swinging, while GD crawls and Adam sets off
# diagonally). Then add Nesterov and raise the rate to 0.22; ask who will blow up (expected answer:
# GD and Nesterov, whose limit here is about 0.136; Momentum and Adam do not). If time allows, the
# saddle with all nine optimizers, and Adagrad for 500 steps to show its steps shrinking for ever.

# %% [markdown]
# ## 5. The Keras optimizers on MNIST
#
# Two-parameter surfaces are a caricature. On a real network, we train the same MLP
# (784 -> 128 ReLU -> 10 softmax, lesson 03) with every optimizer, at Keras's default settings
# and from the same initial weights. The one exception: Momentum and Nesterov are `SGD` with
# `momentum=0.9` (Keras's `SGD` defaults to 0, i.e. plain SGD); everything else keeps its
# default, including RMSprop's own `momentum` argument, which stays at 0. Each runs
# `RACE_EPOCHS` (5) epochs on the first `RACE_SAMPLES` (20,000) training digits, in
# mini-batches of `BATCH_SIZE` (128), validated on the last 10,000 training digits, which are
# never trained on. Plain SGD (learning rate 0.01) is the baseline, and Adadelta runs twice:
# with Keras's default learning rate and with the paper's. Each run takes a few seconds on a
# laptop CPU: the table below times every run (`seconds`, the `fit` call alone; about 2-3 s on
# the 2-core machine that tests this course, more or less on yours).


# %%
def mlp(units=128, activation="relu", initializer="glorot_uniform"):
    keras.utils.set_random_seed(SEED)  # the same initial weights for every optimizer
    hidden = keras.layers.Dense(units, activation, kernel_initializer=initializer)
    output = keras.layers.Dense(10, "softmax", kernel_initializer=initializer)
    return keras.Sequential([keras.Input(shape=(784,)), hidden, output])


def train(model, optimizer, epochs=RACE_EPOCHS):  # the history (loss, accuracy per epoch), seconds
    model.compile(optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    fit = dict(batch_size=BATCH_SIZE, epochs=epochs, validation_data=(x_val, y_val), verbose=0)
    start = time.perf_counter()
    history = model.fit(x_train[:RACE_SAMPLES], y_train[:RACE_SAMPLES], **fit).history
    return history | {"seconds": time.perf_counter() - start}  # the time training took


histories = {}
for name, (_, keras_class, settings) in progress.bar(ORACLE.items(), "runs"):  # as in section 3
    keras_settings = {k: v for k, v in settings.items() if k != "learning_rate"}  # Keras's rate
    histories[name] = train(mlp(), keras_class(**keras_settings))
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
race_table = pd.DataFrame({"accuracy": accuracy, "after epoch 1": after_one, "seconds": seconds})
print(race_table.sort_values("accuracy", ascending=False).round(3).to_string())

# %% [markdown]
# With their default settings, the adaptive methods that forget (RMSprop, Adam, Nadam, AMSGrad)
# lead, at least a point ahead of Momentum and Nesterov, and the differences among them are
# small; Adam after one epoch is already ahead of plain SGD after all of them. Momentum is a
# big step up from plain SGD. The paper's Adadelta ($\alpha = 1$) finishes within about a point
# of the leaders, while Keras's default Adadelta has barely started. Adagrad ends below plain
# SGD, and its update rule tells why: with the accumulator starting at 0.1, its first steps
# have an effective learning rate of at most $0.001/\sqrt{0.1} \approx 0.003$, a third of
# SGD's 0.01, and that rate only shrinks as the squared gradients pile up. Defaults are not the
# last word: each optimizer does better with a tuned learning rate, the subject of the next
# section.

# %%
checks.expect_at_least("Adam after 1 - SGD after all", after_one["Adam"] - accuracy["SGD"], 0.01)
checks.expect_at_least("accuracy: Momentum - SGD", accuracy["Momentum"] - accuracy["SGD"], 0.02)
checks.expect_at_least("accuracy: SGD - Adagrad", accuracy["SGD"] - accuracy["Adagrad"], 0.03)
checks.expect_at_most("validation accuracy: Adadelta, Keras default", accuracy["Adadelta"], 0.5)
leaders = min(accuracy[name] for name in ["RMSprop", "Adam", "Nadam", "AMSGrad"])
runner_up = max(accuracy["Momentum"], accuracy["Nesterov"])
checks.expect_at_least("accuracy: lowest leader - Momentum/Nesterov", leaders - runner_up, 0.01)
checks.expect_at_most("lowest leader - Adadelta, lr 1", leaders - accuracy["Adadelta, lr 1"], 0.01)

# %% [markdown]
# ## 6. The learning rate
#
# The learning rate is the setting that matters most. Too small, and training crawls; too
# large, and the steps overshoot: the loss jumps around or climbs. We train the same MLP with
# Adam at $10^{-5}$ and $10^{-1}$, next to the default $10^{-3}$ from the race above.
#
# A good rate early in training is often too large later, when the weights need fine
# adjustments rather than big moves. A **schedule** lowers it as training goes on. Keras has
# schedules that change the rate at every step, such as `CosineDecay`, which glides from a
# start value to zero along half a cosine wave; and callbacks that change it between epochs,
# such as `keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.2, patience=1)`,
# which cuts it five-fold whenever the validation loss stops improving. We compare Adam at a
# constant $10^{-2}$ with Adam starting at $10^{-2}$ and decaying along a cosine to 0.

# %%
total_steps = RACE_EPOCHS * int(np.ceil(RACE_SAMPLES / BATCH_SIZE))
cosine = keras.optimizers.schedules.CosineDecay(initial_learning_rate=1e-2, decay_steps=total_steps)
rate_optimizers = {
    "1e-5 (too small)": keras.optimizers.Adam(1e-5),
    "1e-1 (too large)": keras.optimizers.Adam(1e-1),
    "1e-2, constant": keras.optimizers.Adam(1e-2),
    "1e-2, cosine decay": keras.optimizers.Adam(cosine),
}
rate_histories = {"1e-3 (default)": histories["Adam"]}  # from the race above
for name, optimizer in progress.bar(rate_optimizers.items(), "runs"):
    rate_histories[name] = train(mlp(), optimizer)
loss_curves = {name: (epochs, h["loss"]) for name, h in rate_histories.items()}
plotting.plot_curves(loss_curves, "epoch", "training loss (log)", "Adam, five rates", log_y=True)

# %%
loss = {name: h["loss"][-1] for name, h in rate_histories.items()}
accuracy = {name: h["val_accuracy"][-1] for name, h in rate_histories.items()}
checks.expect_at_most("validation accuracy, rate 1e-5", accuracy["1e-5 (too small)"], 0.85)
cosine_ratio = loss["1e-2, cosine decay"] / loss["1e-2, constant"]
checks.expect_between("training loss: cosine decay / constant", cosine_ratio, 0.3, 0.6)
too_large = rate_histories["1e-1 (too large)"]["loss"]  # one value per epoch
checks.expect_at_least("rate 1e-1: loss, last / 2nd epoch", too_large[-1] / too_large[1], 0.8)
checks.expect_at_least("rate 1e-1: loss / rate 1e-3's", too_large[-1] / loss["1e-3 (default)"], 2)
checks.expect_at_most("loss: 1e-2 / 1e-3", loss["1e-2, constant"] / loss["1e-3 (default)"], 0.6)
print(pd.DataFrame({"training loss": loss, "validation accuracy": accuracy}).round(3).to_string())

# %% [markdown]
# At $10^{-5}$ the network is still far from trained after all epochs. At $10^{-1}$ the
# training loss stops falling after the second epoch and ends several times higher than at the
# default rate, because each step throws the weights past the good region. From the same
# start, $10^{-2}$, the cosine schedule ends with roughly half the training loss of the
# constant rate (compare their validation accuracy too): its last, small steps settle the
# weights into the minimum instead of bouncing around it. And the default is not the best rate
# for this network: at a constant $10^{-2}$, ten times the default, the training loss falls
# faster and ends below 60% of the default's (the last check above; compare the validation
# accuracies in the table too). $10^{-3}$ is a safe start, not the optimum: a few short runs at
# rates around it are worth their cost. On a GPU, try `RACE_EPOCHS = 20`: the gaps change, the
# pattern stays.

# %% [markdown] tags=["notes"]
# Say: on the MNIST network, at Keras's default settings, the adaptive methods that forget (RMSprop,
# Adam, Nadam, AMSGrad) lead, and Adam after one epoch is ahead of plain SGD after all of them. Then
# the learning rate, the setting that matters most: 1e-5 crawls, 1e-1 stalls after the second epoch,
# and a cosine schedule from 1e-2 ends with roughly half the training loss of the constant rate. Ask
# the room: "Why does a decaying rate end lower?" (expected answer: its last, small steps settle
# into the minimum instead of bouncing around it).

# %% [markdown]
# ## 7. Where to start: weight initialization
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
# that TensorFlow picks on CPUs with AVX2 (like the 2-core machine that tests this course) do not
# add up every column in the same order, and the units start to differ by a rounding error, one
# part in ten million. An equal start is an unstable balance, like a pencil on its tip: training
# amplifies those differences, and after one epoch the units' spread is about 0.43-0.47 (seeds 1,
# 2, 3 and 5). With `ONEDNN_MAX_CPU_ISA=AVX` the same run keeps exact copies (spread 0). Either
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
# We build 20-layer networks of 64 units with tanh, ReLU and GELU (lesson 01), and measure
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
# GELU is a harder case. Lesson 01 saw its 10-layer networks fail to learn with Keras's default
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
# why its curves with large weights look like ReLU's.) Lesson 01
# showed what a fading signal does to training. Lesson 06 adds a remedy that works for any
# activation, batch normalization, which rescales the signal at every layer during training;
# transformers, which use GELU, always come with normalization layers.

# %% [markdown]
# ## Summary
#
# - Gradient descent steps against the gradient of the loss. Batch GD uses all examples per
#   step, stochastic GD one, mini-batch GD a few dozen to a few hundred: the mini-batch gives
#   many steps per epoch, a gradient error that shrinks like $1/\sqrt{n}$ (we measured it), and
#   fast vectorized arithmetic.
# - Plain GD struggles in ravines (the steepest curvature $\lambda$ caps the learning rate at
#   $2/\lambda$, as in lesson 02, and the gentle directions then crawl), near saddle points
#   (long plateaus), and with one learning rate for all parameters.
# - Momentum and Nesterov build up speed along consistent directions; Adagrad, RMSprop and
#   Adadelta scale each parameter's step by its own gradient history; Adam, Nadam and AMSGrad
#   do both. Our NumPy versions matched Keras's classes to within $10^{-7}$ (a few times
#   $10^{-8}$) over 50 steps once we followed Keras's details: the velocity's sign, Nesterov's
#   rewriting, Adagrad's initial 0.1, $\epsilon$ inside the root, Adam's bias correction folded
#   into the step size, Adadelta's extra learning rate, Nadam's fast momentum schedule, and
#   float64 settings.
# - On MNIST, with default settings, RMSprop, Adam, Nadam and AMSGrad led; plain SGD and
#   Adagrad were slow, and Keras's default Adadelta barely moved. A learning rate too small
#   crawls, too large stalls; a decaying schedule ends lower than a constant rate.
# - Equal initial weights keep units identical (zeros learn nothing at all); random weights
#   need the right scale: Glorot for tanh, He for ReLU, as the 20-layer networks showed. For
#   GELU, He only slows the fading; deep GELU networks need normalization as well.
#
# A sensible default: Adam, starting at $10^{-3}$ (a safe start, not the optimum: here
# $10^{-2}$ trained faster) and trying a few rates around it, or SGD with momentum 0.9 and a
# tuned learning rate with a schedule; He initialization for ReLU networks.

# %% [markdown]
# ## Exercises
#
# Each exercise has a cell for your code, a self-check that says PASS or gives a hint, and a
# hidden solution cell below it (click to expand; running it shows the check passing).
#
# ### Exercise 1: Adamax, matched to Keras
#
# Adamax (from the Adam paper) replaces Adam's average of squared gradients by an
# exponentially weighted *maximum* of gradient sizes. Keras's `Adamax` does, at steps
# $t = 1, 2, \dots$, with $m$ and $u$ starting at 0:
# $m \leftarrow \beta_1 m + (1-\beta_1)g$, $u \leftarrow \max(\beta_2 u, |g|)$,
# $\theta \leftarrow \theta - \alpha\, m / \big((1-\beta_1^t)(u + \epsilon)\big)$.
# Write `my_adamax(learning_rate, beta_1, beta_2, epsilon)` returning a
# `step(theta, gradient)` function, like the optimizers of section 3. The check runs it next to
# `keras.optimizers.Adamax` on two surfaces.


# %% tags=["exercise"]
def my_adamax(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    # YOUR CODE HERE
    raise NotImplementedError


lesson.exercise_adamax(my_adamax)


# %% tags=["solution"]
def my_adamax(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m, u, t = 0.0, 0.0, 0

    def step(theta, gradient):
        nonlocal m, u, t
        t += 1
        m = beta_1 * m + (1 - beta_1) * gradient
        u = np.maximum(beta_2 * u, np.abs(gradient))
        return theta - learning_rate * m / ((1 - beta_1**t) * (u + epsilon))

    return step


lesson.exercise_adamax(my_adamax)

# %% [markdown]
# ### Exercise 2: the largest learning rate
#
# On the tilted bowl $f(\theta) = \tfrac12\theta^\top A\theta$ with
# $A = \begin{pmatrix}3 & 2\\ 2 & 6\end{pmatrix}$ (`tilted_bowl` below), what is the largest
# learning rate at which plain gradient descent still converges? Find it by experiment (run
# `lesson.optimizer_path(sgd(rate), tilted_bowl, 1000)` for several rates and see whether the
# loss goes down; bisect), or by theory (section 2: what is the steepest curvature of this
# bowl, and how does it follow from $A$?). Set `largest_rate` to your answer (the check
# accepts 3% below to 1% above the limit).

# %% tags=["exercise"]
tilted_bowl = lesson.quadratic_surface([[3.0, 2.0], [2.0, 6.0]], start=(1.0, 1.0))
largest_rate = None  # YOUR CODE HERE
lesson.exercise_largest_learning_rate(largest_rate)

# %% tags=["solution"]
# The curvatures of a quadratic bowl are the eigenvalues of A (here 2 and 7); the steepest sets
# the limit 2 / 7. A bisection with optimizer_path, keeping the rates at which the loss goes
# down, finds the same number.
largest_rate = 2 / np.linalg.eigvalsh([[3.0, 2.0], [2.0, 6.0]]).max()
lesson.exercise_largest_learning_rate(largest_rate)
