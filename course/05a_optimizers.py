# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Gradient descent and optimizers I: from SGD to Adam
#
# **What you will learn**
#
# - batch, stochastic and mini-batch gradient descent, run on real digits: how much progress
#   each makes per epoch, what an epoch costs, and how noisy its steps are;
# - why plain gradient descent struggles: ravines, saddle points and one learning rate for all
#   parameters, watched on loss surfaces of two parameters;
# - the update rules of Momentum, Nesterov, Adagrad, Adadelta, RMSprop, Adam, Nadam and AMSGrad,
#   each written out and coded in a few lines of NumPy, then checked step for step against the
#   Keras optimizer of the same name; where Keras differs from the textbook formula;
# - a race of optimizers on the loss surfaces that you control, and where momentum's largest
#   learning rates come from (a 2x2 matrix and its eigenvalues);
# - what adaptive methods really do (a *diagonal preconditioner*), and why the same valley turned
#   by 45 degrees takes that advantage away;
# - gradient clipping (`clipnorm`, `clipvalue`) on a loss surface with a cliff.
#
# **What you need**: lessons 00-04, above all lesson 02 (gradients by backpropagation) and
# lesson 03a (MNIST networks in Keras). The lesson runs in under a minute on a laptop CPU.
# Its sequels: lesson 05b trains a network on MNIST with these optimizers and looks at
# weight initialization; lesson 05c is about learning rates and their schedules.

# %%
import time

import keras
import numpy as np
import pandas as pd

from helpers import checks, datasets, plotting, progress
from helpers.lessons import optimizers as lesson

plotting.use_course_style()
SEED = 5
keras.utils.set_random_seed(SEED)  # same weights, same batches, same numbers on every run

# Settings that cost time.
GD_SAMPLES = 5_000  # digits for the batch / mini-batch / stochastic comparison (NumPy)
GD_EPOCHS = 5  # epochs for each batch size in that comparison

# %% [markdown] tags=["notes"]
# Say: this lesson is about the step itself: how many examples each step looks at, why plain
# gradient descent is slow in ravines and near saddles, how momentum and adaptive learning rates fix
# it (eight optimizers written in NumPy and matched step for step with Keras), where momentum's
# limits come from, what adaptive methods can and cannot fix, and clipping. It runs in well under a
# minute of CPU. Ask the room: "Which optimizer have we used so far in lessons 03 and 04?" (expected
# answer: RMSprop at its default learning rate 0.001; today we see what it does).

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
# `lesson.loss_surface` gives test surfaces, each built to show one difficulty (two more, a
# rotated valley and a cliff, come in sections 5 and 6):
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
valley, rosenbrock, saddle = map(lesson.loss_surface, ["valley", "rosenbrock", "saddle"])


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
# Adadelta a thousand times slower than the paper's (which is $\alpha = 1$). Lesson 05b shows
# what that does on MNIST.


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
# Dozat's schedule, kept by PyTorch (`momentum_decay=0.004`), is
# $\mu_t = \beta_1(1 - \tfrac12\, 0.96^{t/250})$: $\mu$ comes within 1% of $\beta_1$ only
# after about 24,000 steps. In Keras, only the legacy optimizer used it
# (`tf.keras.optimizers.legacy.Nadam`, `schedule_decay=0.004`). Keras 2's new optimizer
# (`tf.keras.optimizers.experimental.Nadam`, the default `tf.keras.optimizers.Nadam` from
# TensorFlow 2.11 on) already used $\mu_t = \beta_1(1 - \tfrac12\, 0.96^{t})$, and Keras 3
# kept it: 250 times faster, within 1% of $\beta_1$ after about 100 steps. Our code follows
# Keras 3.


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
# ## 4. Explore: the optimizer race
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
#   Nesterov (with momentum 0.9 its limit here is about 0.136), while Momentum (limit about
#   0.38) and Adam do not; the next cells derive these limits;
# - the **saddle** with all nine: who escapes first? Then set the learning rate to 0.01;
# - **Rosenbrock** with Momentum and Nesterov at momentum 0.9, then 0.97;
# - the **rotated valley** (section 5) with Momentum, RMSprop and Adam, against the valley;
# - the **cliff** (section 6) with GD at 0.05, then 0.2: where does the first step land?
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

# %% [markdown]
# ### Where the limits come from
#
# Along one principal axis of a bowl, with curvature $\lambda$, the gradient is $\lambda\theta$
# ($\theta$ now the coordinate along that axis), so every step is linear in $\theta$. Plain
# GD multiplies $\theta$ by $1 - \alpha\lambda$ at each step, which shrinks it only while
# $|1 - \alpha\lambda| < 1$: $\alpha\lambda < 2$. Momentum remembers one step back. In
# Keras's form, $m_t = \gamma m_{t-1} - \alpha\lambda\theta_{t-1}$ and $\theta_t =
# \theta_{t-1} + m_t$; since $m_{t-1} = \theta_{t-1} - \theta_{t-2}$,
#
# $$ \theta_t = (1 + \gamma - \alpha\lambda)\,\theta_{t-1} - \gamma\,\theta_{t-2}, \qquad
#    \begin{pmatrix}\theta_t\\ \theta_{t-1}\end{pmatrix} = M
#    \begin{pmatrix}\theta_{t-1}\\ \theta_{t-2}\end{pmatrix}, \quad
#    M = \begin{pmatrix}1 + \gamma - \alpha\lambda & -\gamma\\ 1 & 0\end{pmatrix}. $$
#
# After $t$ steps the pair is $M^t$ times where it started, which goes to zero if and only if
# both eigenvalues of $M$ lie inside the unit circle: the **spectral radius** (the largest
# $|z|$) must be below 1. The eigenvalues solve $z^2 - (1 + \gamma - \alpha\lambda)z + \gamma
# = 0$, and their product is $\gamma$. When they are complex (the swings), both have size
# $\sqrt\gamma < 1$: the swings shrink by $\sqrt\gamma$ per step. As $\alpha\lambda$ grows
# they turn real, and one of them reaches $-1$ where $1 + (1 + \gamma - \alpha\lambda) +
# \gamma = 0$. So for $0 \le \gamma < 1$ momentum converges if and only if
# $\alpha\lambda < 2(1 + \gamma)$: with $\gamma = 0.9$ and $\lambda = 10$, $\alpha < 0.38$.
#
# Keras's Nesterov ($\theta_t = \theta_{t-1} + \gamma m_t - \alpha\lambda\theta_{t-1}$)
# gives the same way $\theta_t = (1 + \gamma)(1 - \alpha\lambda)\theta_{t-1} - \gamma(1 -
# \alpha\lambda)\theta_{t-2}$, and $z = -1$ is reached at $\alpha\lambda = 2(1 + \gamma)/(1 +
# 2\gamma)$: 0.1357 here, and below plain GD's limit for every $\gamma > 0$. In exchange, the
# product of its eigenvalues is $\gamma(1 - \alpha\lambda)$, so its swings die out faster.
# We check the three limits on the eigenvalues (`np.linalg.eigvals`) just below and just above
# each, and check the recurrence itself against our `sgd` on the valley's steep coordinate $y$.


# %%
def iteration_matrix(rate_times_curvature, momentum, nesterov=False):
    s, g = rate_times_curvature, momentum  # (theta_t, theta_t-1) = M @ (theta_t-1, theta_t-2)
    if nesterov:
        return np.array([[(1 + g) * (1 - s), -g * (1 - s)], [1.0, 0.0]])
    return np.array([[1 + g - s, -g], [1.0, 0.0]])


def spectral_radius(matrix):
    return np.abs(np.linalg.eigvals(matrix)).max()


curvature, gamma = 10.0, 0.9  # the valley's steep direction, the race's momentum
limits = {  # name: (momentum, Nesterov?, the learning rate limit)
    "GD": (0.0, False, 2 / curvature),
    "Momentum": (gamma, False, 2 * (1 + gamma) / curvature),
    "Nesterov": (gamma, True, 2 * (1 + gamma) / ((1 + 2 * gamma) * curvature)),
}
rates = np.linspace(0.002, 0.45, 225)
radius = {
    f"{name}: limit {limit:.4f}": (
        rates,
        [spectral_radius(iteration_matrix(r * curvature, g, n)) for r in rates],
    )
    for name, (g, n, limit) in limits.items()
}
plotting.plot_curves(radius, "learning rate", "spectral radius (above 1: diverges)", "Curvature 10")

# %%
for name, (g, nesterov, limit) in limits.items():  # radius <= 0.98 below, >= 1.02 above
    below = spectral_radius(iteration_matrix(0.99 * limit * curvature, g, nesterov))
    above = spectral_radius(iteration_matrix(1.01 * limit * curvature, g, nesterov))
    checks.expect_at_most(f"{name}: spectral radius at 0.99 x its limit", below, 1)
    checks.expect_at_least(f"{name}: spectral radius at 1.01 x its limit", above, 1)
    y = lesson.optimizer_path(sgd(0.1, g, nesterov), valley, 3)[:, 1]  # the steep coordinate
    predicted = iteration_matrix(0.1 * curvature, g, nesterov)[0] @ y[[2, 1]]
    checks.expect_close(f"{name}: y after 3 steps, recurrence vs sgd", predicted, y[3], rtol=1e-12)

# %% [markdown]
# The curves cross 1 exactly at the three limits, and the races above diverged exactly past
# them. Momentum's curve is flat at $\sqrt{0.9} \approx 0.95$ over a wide range of rates: the
# complex eigenvalues. That is why it swings, and why a larger rate does not make it faster
# there; the gentle direction (curvature 0.1, limit 38) is far from any of these limits.

# %% [markdown] tags=["notes"]
# Show: the valley with GD, Momentum and Adam first; ask the room to predict who arrives first
# (expected answer: Momentum, after overshooting and swinging, while GD crawls and Adam sets off
# diagonally). Then add Nesterov and raise the rate to 0.22; ask who will blow up (expected answer:
# GD and Nesterov, whose limit here is about 0.136; Momentum and Adam do not). If time allows, the
# saddle with all nine optimizers, and Adagrad for 500 steps to show its steps shrinking for ever.

# %% [markdown]
# ## 5. What adaptive methods fix: preconditioning
#
# On the valley, Adam at rate 0.05 ended within $10^{-3}$ of the minimum while plain GD was
# still 0.1 above it. Dividing each coordinate's step by the size of its own gradients
# ($\sqrt{v}$) multiplies the gradient by a diagonal matrix, $\mathrm{diag}(1/\sqrt{v_1},
# 1/\sqrt{v_2})$: a **diagonal preconditioner**. On the valley the coordinate axes are the
# ravine's axes: $x$ (curvature 0.1) has far smaller gradients than $y$ (curvature 10), so the
# preconditioner gives $x$ far larger steps, and the two directions advance alike, as if the
# valley were round.
#
# That works only because the ravine is aligned with the coordinates. `lesson.loss_surface(
# "rotated valley")` is the same valley turned by 45 degrees, start included: curvatures 0.1
# and 10 along the diagonals, $A = \begin{pmatrix}5.05 & -4.95\\ -4.95 & 5.05\end{pmatrix}$.
# The diagonal of this Hessian, the curvature along $x$ and along $y$, is 5.05 for both; both
# coordinates' gradients are dominated by the steep direction and have similar sizes, so the
# diagonal preconditioner divides both by about the same number, and there is nothing for it to
# equalize. GD and Momentum do not care about the axes at all: turn the surface and the start,
# and their whole path turns with them.

# %%
rotated = lesson.loss_surface("rotated valley")
contenders = {name: racers[name] for name in ["Momentum", "RMSprop", "Adam"]}
final_gaps = {}
for surface in [valley, rotated]:
    race = lesson.race_optimizers(contenders, surface, 0.05, 0.9, 200)
    final_gaps[surface.name] = race["final_gap"]
print(pd.DataFrame(final_gaps).map("{:.2e}".format).to_string())
lesson.draw_race(race)  # the rotated valley

# %%
on_valley, on_rotated = final_gaps["valley"], final_gaps["rotated valley"]
checks.expect_at_least("rotated valley: Adam above the minimum", on_rotated["Adam"], 0.1)
checks.expect_at_least("Adam: rotated / valley", on_rotated["Adam"] / on_valley["Adam"], 1000)
checks.expect_at_least(
    "RMSprop: rotated / valley", on_rotated["RMSprop"] / on_valley["RMSprop"], 1.5
)
checks.expect_close(
    "Momentum: rotated vs valley", on_rotated["Momentum"], on_valley["Momentum"], rtol=1e-3
)

# %% [markdown]
# Momentum ends at the same $3 \cdot 10^{-9}$ on both valleys (equal up to rounding). Adam goes
# from $3 \cdot 10^{-5}$ to 0.33 above the minimum, ten thousand times worse: turned, the valley
# is a ravine again for it, and it crawls along the floor like GD. RMSprop hovers near the
# minimum on both valleys at this rate, without settling ($3 \cdot 10^{-3}$ and $7 \cdot
# 10^{-3}$ above it at the end): twice as far up on the turned one.
#
# A **full preconditioner** would fix any rotation. Newton's method multiplies the gradient by
# the inverse of the Hessian $H$: $\theta \leftarrow \theta - H^{-1}\nabla J$. On a quadratic
# bowl it lands on the minimum in one step, turned or not. The gradient of a bowl is linear,
# $\nabla J(\theta) = A\theta$, so the gradients at $(1, 0)$ and $(0, 1)$ are the columns of
# the Hessian:

# %%
hessian = np.column_stack([rotated.gradient(axis) for axis in np.eye(2)])
print("Hessian diagonal:", np.diag(hessian), " curvatures:", np.linalg.eigvalsh(hessian))
print("gradient at the start:", rotated.gradient(rotated.start))
newton = rotated.start - np.linalg.solve(hessian, rotated.gradient(rotated.start))
checks.expect_at_most("rotated valley: |Newton's step - minimum|", np.abs(newton).max(), 1e-12)

# %% [markdown]
# The price: for $n$ weights the Hessian has $n^2$ numbers, and solving with it takes about
# $n^3$ operations. A network of a million weights would need $10^{12}$ numbers (4 TB in
# float32) and about $10^{18}$ operations per step, where the adaptive methods keep $n$ numbers
# per moment, the diagonal alone. Real networks' ravines are rarely aligned with single
# weights, so a diagonal cannot equalize their curvatures in general. Adaptive methods still
# help, largely because gradient sizes differ a lot from layer to layer and parameter to
# parameter (in lesson 01b's 10-layer sigmoid network, the first layer's gradients were about
# 300,000 times smaller than the last layer's), and a scale per parameter evens that out.

# %% [markdown]
# ## 6. Gradient clipping on a cliff
#
# Some losses have **cliffs**: places where the loss changes a lot over a short distance.
# Recurrent networks (lesson 08a) are known for them (Pascanu, Mikolov and Bengio, 2013): the
# same weights act at every time step, and the loss can bend sharply as they change. On a
# cliff the gradient is huge, and one step at a learning rate that suits the rest of the
# surface throws the weights far away. `lesson.loss_surface("cliff")` is a gentle bowl,
# $0.05x^2 + 0.5y^2$, with a wall of height 5 across the line $x + y/2 = -2$, whose slope
# reaches 56. We start halfway up the wall, where a network would be after an unlucky update.
#
# **Gradient clipping** caps the gradient before the step (lesson 01b used it on a 20-layer
# network whose gradients exploded):
#
# - `clipnorm=c`: $g \leftarrow g\, c / \max(\|g\|, c)$: shorter, same direction;
# - `clipvalue=c`: each number of $g$ into $[-c, c]$, which turns the gradient whenever one
#   coordinate is cut more than another.
#
# In Keras 3 (`_clip_gradients` in `keras/src/optimizers/base_optimizer.py`), `clipnorm` clips
# each variable's gradient separately (each kernel, each bias); `global_clipnorm=c` scales all
# of them together so that their joint norm is at most $c$, which keeps the direction of the
# whole update; only one of the three may be set. Our $\theta$ is a single variable, so
# `clipnorm` and `global_clipnorm` coincide here. We take $c = 1$: off the wall, the bowl's
# gradients along these paths are smaller than that, so clipping acts only on the wall, in the
# first few steps (counted below).


# %%
def clip_by_norm(gradient, max_norm=1.0):  # same direction, at most max_norm long
    return gradient * max_norm / max(np.linalg.norm(gradient), max_norm)


def clip_by_value(gradient, limit=1.0):  # every coordinate into [-limit, limit]
    return np.clip(gradient, -limit, limit)


def clipped_gd(learning_rate, clip=None):
    return lambda theta, gradient: theta - learning_rate * (clip(gradient) if clip else gradient)


cliff = lesson.loss_surface("cliff")
clippers = {"GD": None, "GD, clipnorm=1": clip_by_norm, "GD, clipvalue=1": clip_by_value}
cliff_paths = {
    name: lesson.optimizer_path(clipped_gd(0.2, clip), cliff, 60) for name, clip in clippers.items()
}
lesson.plot_optimizer_paths(cliff, cliff_paths, title="A cliff, learning rate 0.2")

# %%
gradient = cliff.gradient(cliff.start)


def angle(a, b):  # in degrees, between two vectors
    return np.degrees(np.arctan2(abs(a[0] * b[1] - a[1] * b[0]), a @ b))


first_step = {name: np.linalg.norm(path[1] - path[0]) for name, path in cliff_paths.items()}
loss_ratio = {name: cliff(path[1]) / cliff(path[0]) for name, path in cliff_paths.items()}
turn = {
    "clipnorm": angle(gradient, clip_by_norm(gradient)),
    "clipvalue": angle(gradient, clip_by_value(gradient)),
}
print("gradient at the start:", gradient, "turned by (degrees):", turn)
print(
    pd.DataFrame({"first step": first_step, "loss after / before": loss_ratio}).round(3).to_string()
)
checks.expect_at_least("cliff, GD: length of the first step", first_step["GD"], 5)
checks.expect_at_least("cliff, GD: loss after / before the first step", loss_ratio["GD"], 2)
checks.expect_at_most(
    "cliff, clipnorm: first step / 0.2", first_step["GD, clipnorm=1"] / 0.2, 1 + 1e-9
)
checks.expect_at_most("cliff, clipnorm: loss after / before", loss_ratio["GD, clipnorm=1"], 0.9)
checks.expect_at_most("clipnorm: angle to the gradient (degrees)", turn["clipnorm"], 1e-6)
checks.expect_at_least("clipvalue: angle to the gradient (degrees)", turn["clipvalue"], 10)
after_60 = {name: cliff(path[-1]) for name, path in cliff_paths.items()}  # the minimum is 0
clipped_steps = sum(
    np.linalg.norm(cliff.gradient(p)) > 1 for p in cliff_paths["GD, clipnorm=1"][:-1]
)
checks.expect_at_most("cliff, clipnorm: steps whose gradient was clipped", clipped_steps, 5)
checks.expect_at_least(
    "cliff, loss after 60 steps: GD / clipnorm", after_60["GD"] / after_60["GD, clipnorm=1"], 5
)

# %% [markdown]
# Plain GD's first step is 11 long: it flies off the wall and lands far up the other side of
# the bowl, at about six times the loss it started from, and spends the next steps coming
# back: after 60 steps its loss is still about ten times the clipped runs'. With `clipnorm`
# the first step is 0.2 long ($\alpha c$), straight down the wall; with `clipvalue` both
# coordinates are cut to $-1$, so the step points along the diagonal, 19.5 degrees away from
# the gradient, and is $0.2\sqrt2$ long. Both walk down the wall in a few steps. Keras does
# exactly this:

# %%
for name, clip in [("clipnorm", dict(clipnorm=1.0)), ("clipvalue", dict(clipvalue=1.0))]:
    theirs = lesson.keras_path(keras.optimizers.SGD(0.2, **clip), cliff, 60)
    ours = cliff_paths[f"GD, {name}=1"]
    checks.expect_close(f"SGD({name}=1) on the cliff", ours, theirs, rtol=1e-7, atol=1e-7)

# %% [markdown] tags=["notes"]
# Say: dividing by each coordinate's gradient size is a diagonal preconditioner; it fixed the
# valley because the valley's axes are the coordinates. Show the rotated valley in the race: Adam
# falls back to crawling, Momentum does not change. Ask the room: "Why not use the full inverse
# Hessian?" (expected answer: n squared numbers and n cubed work; for a million weights, terabytes).
# Then the cliff: one unclipped step flies 11 units; clipnorm keeps the direction, clipvalue turns
# it by 20 degrees.

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
# - On a direction of curvature $\lambda$, momentum is a 2x2 linear recurrence; it converges
#   while the spectral radius of its matrix is below 1: $\alpha\lambda < 2(1 + \gamma)$ for
#   heavy-ball momentum, $2(1 + \gamma)/(1 + 2\gamma)$ for Keras's Nesterov, $2$ for plain GD.
# - Adaptive methods are diagonal preconditioners: they equalize curvatures only along the
#   coordinate axes (Adam: $3 \cdot 10^{-5}$ on the valley, 0.33 on the same valley turned by
#   45 degrees; Momentum $3 \cdot 10^{-9}$ on both). Newton's full preconditioner fixes any
#   rotation at $n^2$ memory and $n^3$ work.
# - Clipping caps the step on a cliff: `clipnorm` keeps the gradient's direction (per variable;
#   `global_clipnorm` for all together), `clipvalue` turns it. Our NumPy clipping matched
#   Keras's `SGD(clipnorm=...)` and `SGD(clipvalue=...)`.
#
# Next: lesson 05b trains a network on MNIST with all these optimizers and looks at weight
# initialization; lesson 05c is about the learning rate and its schedules.

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


# %% [markdown]
# ### Exercise 3: the largest learning rate with momentum
#
# Heavy-ball momentum with $\gamma = 0.8$ (Keras's `SGD(learning_rate, momentum=0.8)`, our
# `sgd(rate, 0.8)`) runs on the bowl $f(\theta) = \tfrac12\theta^\top A\theta$ with
# $A = \begin{pmatrix}5 & 2\\ 2 & 2\end{pmatrix}$ (`momentum_bowl` below). What is the largest
# learning rate at which it still converges? Use section 4's limit (which curvature of this
# bowl matters?), or find it by experiment as in exercise 2. Set `momentum_rate` to your
# answer (the check accepts 3% below to 1% above the limit).

# %% tags=["exercise"]
momentum_bowl = lesson.quadratic_surface([[5.0, 2.0], [2.0, 2.0]], start=(1.0, 1.0))
momentum_rate = None  # YOUR CODE HERE
lesson.exercise_momentum_learning_rate(momentum_rate)

# %% tags=["solution"]
# Momentum converges while alpha * lambda < 2 (1 + gamma) along every principal axis; the
# steepest curvature, the largest eigenvalue of A (6), sets the limit: 2 * 1.8 / 6 = 0.6.
momentum_rate = 2 * (1 + 0.8) / np.linalg.eigvalsh([[5.0, 2.0], [2.0, 2.0]]).max()
lesson.exercise_momentum_learning_rate(momentum_rate)
