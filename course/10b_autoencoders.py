# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Generative models, part 2: autoencoders
#
# **What you will learn**
#
# - what an **autoencoder** is: an encoder squeezes an image into a short code, a decoder
#   rebuilds the image from it, and the network learns both by trying to output its own input;
# - how the size of the code (the **bottleneck**) sets the reconstruction error, measured for
#   codes of 2 to 64 numbers, against **PCA** (principal component analysis), the classic
#   linear way of compressing data, computed here in NumPy;
# - why a **linear** autoencoder finds the same subspace as PCA, checked numerically;
# - three variants: a **denoising** autoencoder (noisy in, clean out), a **sparse** code (an
#   L1 penalty on the code) and a **convolutional** autoencoder, each measured;
# - how reconstructions change with the code size, in a widget.
#
# **What you need**: lesson 03 (dense networks on MNIST), lesson 06a (L1/L2 penalties) and
# lesson 07 (convolutions). It runs in about two minutes on a laptop CPU.

# %%
import time

import keras
import numpy as np
import tensorflow as tf

from helpers import checks, datasets, plotting, progress
from helpers.lessons import autoencoders as lesson

plotting.use_course_style()
SEED = 0
keras.utils.set_random_seed(SEED)  # same weights, same batches, same numbers on every run
tf.config.experimental.enable_op_determinism()  # same sums in every thread, every run

# Settings that cost time. On a GPU try TRAIN_IMAGES = 60000 and EPOCHS = 20.
TRAIN_IMAGES = 20000  # a third of MNIST's training set
TEST_IMAGES = 2000
EPOCHS = 3
BATCH_SIZE = 128
CODE_SIZES = [2, 4, 8, 16, 32, 64]
NOISE = 0.5  # standard deviation of the Gaussian noise of the denoising autoencoder
L1_PENALTY = 1e-4  # strength of the sparsity penalty on the code

# %% [markdown] tags=["notes"]
# Say: an autoencoder is trained to output its own input through a narrow layer, the code. No
# labels are needed: the image is its own target. What it learns is a compression, and the lesson
# measures how good that compression is against PCA, the linear method every statistician knows.
# Ask the room: "If a network only has to copy its input, what stops it from learning nothing
# useful?" (expected answer: the bottleneck; with a code as wide as the image it could copy).

# %% [markdown]
# ## 1. Digits as vectors of 784 numbers
#
# MNIST's handwritten digits, 28 x 28 grey pixels scaled to [0, 1] and flattened into 784
# numbers. The labels are not used: an autoencoder learns from the images alone
# (unsupervised). We train on the first `TRAIN_IMAGES` training images and measure every
# error on the first `TEST_IMAGES` test images, which no model or PCA ever trains on.

# %%
(train_images, _), (test_images, _) = datasets.load_mnist()
x_train = (train_images[:TRAIN_IMAGES] / 255).reshape(-1, 784).astype("float32")
x_test = (test_images[:TEST_IMAGES] / 255).reshape(-1, 784).astype("float32")
print("training images:", x_train.shape, " test images:", x_test.shape)
checks.expect_equal("pixels per image", x_train.shape[1], 784)
checks.expect_equal("pixel range", [float(x_train.min()), float(x_train.max())], [0.0, 1.0])


def mse(images, reconstructions):
    """The reconstruction error: the mean squared difference per pixel."""
    return float(np.mean((np.asarray(images) - np.asarray(reconstructions)) ** 2))


# %% [markdown]
# The **reconstruction error** of every method is the same number: the mean over all test
# pixels of (reconstructed - original)². For scale: predicting every pixel as the
# average training image gives an error of about 0.064 (computed below), and a perfect copy 0.

# %% [markdown]
# ## 2. PCA: the linear baseline
#
# PCA keeps the `k` directions in pixel space along which the training images vary most.
# An image is **encoded** by its `k` coordinates along them (after subtracting the mean
# image) and **decoded** by adding those `k` directions back up, weighted by the
# coordinates. Among all ways to encode into `k` numbers and decode *linearly*, this one
# has the smallest squared error on the training images.
#
# The directions are the eigenvectors of the pixels' covariance matrix (784 x 784) with
# the largest eigenvalues; equivalently the right singular vectors of the centred data
# matrix, which is how exercise 1 computes them with `np.linalg.svd`. The eigenvalue of a
# direction is the variance of the images along it.

# %%
mean_image = x_train.mean(axis=0)
centred = x_train - mean_image
variances, directions = np.linalg.eigh(centred.T @ centred / len(x_train))
order = np.argsort(variances)[::-1]  # eigh sorts from smallest to largest: reverse
variances, components = variances[order], directions[:, order].T  # row i: the i-th direction


def pca_reconstruct(images, k):
    codes = (images - mean_image) @ components[:k].T  # encode: k numbers per image
    return codes @ components[:k] + mean_image  # decode: back to 784 pixels


pca_errors = {k: mse(x_test, pca_reconstruct(x_test, k)) for k in CODE_SIZES}
print(f"mean image only: {mse(x_test, np.broadcast_to(mean_image, x_test.shape)):.4f}")
print({k: round(error, 4) for k, error in pca_errors.items()})
share = {k: variances[:k].sum() / variances.sum() for k in (2, 64)}
print(f"share of the variance along the first 2 directions: {share[2]:.1%}, 64: {share[64]:.1%}")
checks.expect_at_most(
    "PCA: error with 64 components / with 2", pca_errors[64] / pca_errors[2], 0.25
)

# %% [markdown]
# Two directions already capture about a sixth of the variance of the digits, 64 capture
# 86% and cut the error almost sixfold. The error depends only on the data, not on a seed:
# PCA has no random start. Can a network do better with the same number of numbers?

# %% [markdown]
# ## 3. A dense autoencoder and its bottleneck
#
# The **encoder** maps 784 pixels to a hidden layer of 64 ReLU units and then to the code,
# `code_size` numbers; the **decoder** mirrors it, 64 ReLU units and then 784 sigmoid outputs
# (pixels in [0, 1]). The whole autoencoder is the two in a row, trained to output its
# input (`fit(x_train, x_train)`) with the mean squared error as the loss. The code layer
# is linear (no activation) here: a ReLU code could switch off units for good when the
# code has only 2 numbers.
#
# We train one autoencoder per code size for `EPOCHS` epochs each (a few seconds each; the
# curves show the time).


# %%
def dense_autoencoder(code_size, code_activation=None, code_regularizer=None):
    encoder = keras.Sequential([
        keras.Input(shape=(784,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(code_size, activation=code_activation,
                           activity_regularizer=code_regularizer),
    ], name="encoder")  # fmt: skip
    decoder = keras.Sequential([
        keras.Input(shape=(code_size,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(784, activation="sigmoid"),
    ], name="decoder")  # fmt: skip
    return keras.Sequential([encoder, decoder], name=f"autoencoder_{code_size}")


def train(model, inputs, targets, title):
    model.compile(optimizer=keras.optimizers.Adam(2e-3), loss="mse")
    start = time.perf_counter()
    model.fit(
        inputs, targets, epochs=EPOCHS, batch_size=BATCH_SIZE, verbose=0,
        callbacks=[progress.LearningCurves(["loss"], title=title)],
    )  # fmt: skip
    return time.perf_counter() - start


# %%
autoencoders, dense_errors = {}, {}
for code_size in CODE_SIZES:
    keras.utils.set_random_seed(SEED)
    autoencoders[code_size] = dense_autoencoder(code_size)
    seconds = train(autoencoders[code_size], x_train, x_train, f"code of {code_size}")
    reconstructed = autoencoders[code_size].predict(x_test, batch_size=1000, verbose=0)
    dense_errors[code_size] = mse(x_test, reconstructed)
    print(f"code {code_size:2d}: test error {dense_errors[code_size]:.4f}, {seconds:.0f} s")

# %%
lesson.plot_errors_by_size({"dense autoencoder": dense_errors, "PCA": pca_errors})

# %%
for k in (4, 8, 16):
    checks.expect_at_least(
        f"code {k}: PCA error / autoencoder error", pca_errors[k] / dense_errors[k], 1.05
    )
checks.expect_at_least(
    "code 64: autoencoder error / PCA error", dense_errors[64] / pca_errors[64], 1.5
)

# %% [markdown]
# What the curves say (measured over seeds 0 to 4; the checks assert what held in all of
# them, with room to spare):
#
# - **With a small code the autoencoder wins**: with 4 to 16 numbers its error is 8-20%
#   lower than PCA's (at 2 numbers the two are close, 3-5% apart). Its encoder and decoder
#   are non-linear, so the code can follow the curved shapes in which digits vary (a stroke
#   bending, a loop closing), which a flat subspace cannot.
# - **With a large code PCA wins**, by a factor of two at 64. Not because it is better in
#   principle (a network can learn PCA itself, section 4), but because PCA computes its
#   optimum exactly, in a second, while the network has had three epochs: its training loss
#   was still falling fast (see its learning curve). With a small code, a few epochs are
#   enough to beat PCA; with a large one, a network needs far more training to pay.
#
# The reconstructions of the first test digits: PCA with 8 numbers gives blurred ghosts of
# several digits at once; the autoencoder with 8 numbers draws one clear digit, sometimes
# the wrong one (a 4 drawn as a 9): it has to choose.

# %%
originals = x_test[:10]
lesson.show_rows(
    {
        "original": originals,
        "PCA, 8": np.clip(pca_reconstruct(originals, 8), 0, 1),  # clipped to [0, 1] to show
        "autoencoder, 8": autoencoders[8].predict(originals, verbose=0),
        "autoencoder, 64": autoencoders[64].predict(originals, verbose=0),
    }
)

# %% [markdown] tags=["notes"]
# Say: with a code of 4 to 16 numbers the small network beats PCA; with 64 PCA wins after three
# epochs, because PCA computes its optimum exactly while the network has only just started. Show
# the reconstructions: PCA's blurred mixtures against the network's single clear digits. Ask the
# room: "Why does the autoencoder with 8 numbers sometimes draw a different digit than the one it
# was given?" (expected answer: it must choose one shape it knows; PCA averages).

# %% [markdown]
# ## 4. A linear autoencoder finds PCA's subspace
#
# Take away the hidden layers and every activation: a linear encoder `Dense(16)` and a linear
# decoder `Dense(784)`. Such an autoencoder can only encode and decode linearly, and PCA is
# the best linear compression, so the best this network can do is PCA's error. Theory
# (Baldi and Hornik, 1989) says more: at its optimum, the decoder's 16 weight vectors span
# **the same 16-dimensional subspace** as PCA's first 16 directions (though not the same
# vectors: any 16 independent combinations of them do as well).
#
# We check both: the error, and the **principal angles** between the two subspaces (the
# angles between the closest directions in one and the other; all 0 when they coincide),
# computed from an orthonormal basis of each (QR) and the singular values of their product.

# %%
keras.utils.set_random_seed(SEED)
linear = keras.Sequential(
    [keras.Input(shape=(784,)), keras.layers.Dense(16), keras.layers.Dense(784)], name="linear"
)
linear.compile(optimizer=keras.optimizers.Adam(2e-3), loss="mse")
linear.fit(
    x_train, x_train, epochs=2 * EPOCHS, batch_size=BATCH_SIZE, verbose=0,
    callbacks=[progress.LearningCurves(["loss"], title="linear autoencoder, code of 16")],
)  # fmt: skip
linear_error = mse(x_test, linear.predict(x_test, batch_size=1000, verbose=0))

decoder_weights = linear.layers[1].get_weights()[0]  # (16, 784): one vector per code number
decoder_basis, _ = np.linalg.qr(decoder_weights.T)
pca_basis, _ = np.linalg.qr(components[:16].T)
cosines = np.linalg.svd(decoder_basis.T @ pca_basis, compute_uv=False)
angles = np.degrees(np.arccos(np.clip(cosines, -1, 1)))
print(f"linear autoencoder: {linear_error:.5f}, PCA with 16 components: {pca_errors[16]:.5f}")
print("principal angles (degrees):", np.round(np.sort(angles), 1))
print(f"variance along PCA's 16th direction / along its 17th: {variances[15] / variances[16]:.2f}")

# %%
checks.expect_between(
    "linear autoencoder error / PCA error (16 numbers)", linear_error / pca_errors[16], 0.99, 1.03
)
checks.expect_at_most("median principal angle (degrees)", np.median(angles), 6)
checks.expect_at_most("largest principal angle (degrees)", angles.max(), 20)

# %% [markdown]
# The errors agree within 1%, and most angles are 2-4 degrees: the network, trained by
# gradient descent from random weights, has found PCA's subspace. The largest angle (5-10
# degrees) is the slowest to close: along the 16th principal direction, the last inside the
# subspace, the images vary only 17% more than along the 17th, the first outside it, so the
# loss gains little from telling the two apart, and gradient descent takes many epochs to do
# it.
# What makes the autoencoders of section 3 better than PCA at small codes is therefore
# exactly their non-linearity.

# %% [markdown]
# ## 5. A denoising autoencoder
#
# Give the autoencoder **noisy images as input and the clean images as targets**. To remove
# the noise it must learn what digits look like, since the noise is exactly what is *not*
# digit-like. Here the noise is Gaussian with a standard deviation of `NOISE` = 0.5 added to
# every pixel, then clipped to [0, 1], as a pixel must be. It is heavy: half of the background
# pixels turn grey.

# %%
rng = np.random.default_rng(SEED)
noisy_train = np.clip(x_train + NOISE * rng.standard_normal(x_train.shape), 0, 1).astype("float32")
noisy_test = np.clip(x_test + NOISE * rng.standard_normal(x_test.shape), 0, 1).astype("float32")
keras.utils.set_random_seed(SEED)
denoiser = dense_autoencoder(32)
train(denoiser, noisy_train, x_train, "denoising autoencoder, code of 32")
denoised_test = denoiser.predict(noisy_test, batch_size=1000, verbose=0)
denoising = {
    "noisy input itself": mse(x_test, noisy_test),
    "plain autoencoder (section 3, code 32)": mse(
        x_test, autoencoders[32].predict(noisy_test, batch_size=1000, verbose=0)
    ),
    "denoising autoencoder (code 32)": mse(x_test, denoised_test),
}
for name, error in denoising.items():
    print(f"error against the clean test images, {name}: {error:.4f}")

# %%
noisy_error, plain_error, denoised_error = denoising.values()
checks.expect_at_least("noisy input error / denoised error", noisy_error / denoised_error, 2.5)
checks.expect_at_least(
    "plain autoencoder error / denoised error", plain_error / denoised_error, 1.3
)
lesson.show_rows(
    {
        "clean": x_test[:10],
        "noisy input": noisy_test[:10],
        "plain": autoencoders[32].predict(noisy_test[:10], verbose=0),
        "denoised": denoised_test[:10],
    }
)

# %% [markdown]
# The denoised images are 3.6-3.7 times closer to the clean ones than the noisy inputs are
# (in mean squared error), and 1.4-1.8 times closer than the plain autoencoder's output. The
# plain autoencoder of section 3 removes much of the noise already (its 32-number code has
# no room for random pixels), but it never saw a noisy image in training, and the noise
# pushes its code to the wrong places: broken, smudged digits. The denoiser learned to look
# past the noise. Its error (about 0.031) is higher than the plain autoencoder's on clean
# images (about 0.021): where the noise hides part of a stroke, it has to guess.

# %% [markdown] tags=["notes"]
# Say: noisy in, clean out. The only change is the training pairs; the network is the same. The
# measured gain: the denoised images are about four times closer to the clean ones than the noisy
# inputs. Ask the room: "The plain autoencoder also removes some noise. Why?" (expected answer: its
# 32-number code has no room for random pixels, so the decoder can only draw digit-like images;
# but it never learned to ignore noise, and its digits come out broken).

# %% [markdown]
# ## 6. A sparse code
#
# A **sparse** code uses only a few of its units for each image, so that each unit tends to
# stand for a part or a feature (a stroke, a loop) that is present or absent. We get one by
# giving the code layer ReLU units (so a unit can be exactly 0) and adding an **L1 penalty on
# the code's activations** to the loss (`activity_regularizer=keras.regularizers.L1(...)`;
# lesson 06a put such a penalty on the *weights*; here it is on the *activations*). We compare
# 64 ReLU code units trained with and without the penalty and count, over the test images,
# the share of code values that are **near zero** (at most 1% of the largest code value).

# %%
sparse_runs = {}
for name, penalty in [("no penalty", None), ("L1 penalty", keras.regularizers.L1(L1_PENALTY))]:
    keras.utils.set_random_seed(SEED)
    model = dense_autoencoder(64, code_activation="relu", code_regularizer=penalty)
    train(model, x_train, x_train, f"ReLU code of 64, {name}")
    codes = model.layers[0].predict(x_test, batch_size=1000, verbose=0)
    sparse_runs[name] = {
        "near-zero share": float(np.mean(codes <= 0.01 * codes.max())),
        "active units per image": float(np.mean(np.sum(codes > 0.01 * codes.max(), axis=1))),
        "error": mse(x_test, model.predict(x_test, batch_size=1000, verbose=0)),
    }
    print(name, {key: round(value, 4) for key, value in sparse_runs[name].items()})

# %%
plain_code, sparse_code = sparse_runs["no penalty"], sparse_runs["L1 penalty"]
checks.expect_at_least(
    "near-zero share: with L1 - without",
    sparse_code["near-zero share"] - plain_code["near-zero share"],
    0.2,
)
checks.expect_at_most("error: with L1 / without", sparse_code["error"] / plain_code["error"], 1.2)

# %% [markdown]
# With the penalty, 61-64% of the code values are near zero instead of 27-37%: each image
# uses about 23-25 of the 64 units instead of 40-47. The price in reconstruction error is
# small (3-10% higher). Even without the penalty many values are zero: ReLU switches units off, and
# a few units never switch on at all.

# %% [markdown]
# ## 7. A convolutional autoencoder
#
# A dense layer treats the 784 pixels as unrelated numbers; a convolution knows that
# neighbouring pixels belong together (lesson 07). A convolutional encoder: two
# convolutions with stride 2 (28 x 28 -> 14 x 14 -> 7 x 7), then a dense layer to a code
# of 32 numbers. The decoder mirrors it: a dense layer back to 7 x 7 x 32 and two
# **transposed convolutions** with stride 2, which upsample (7 -> 14 -> 28; each input
# pixel spreads into a 3 x 3 patch of the bigger output). For a fair comparison it has
# about as many weights as the dense autoencoder with the same code of 32.

# %%
keras.utils.set_random_seed(SEED)
layers = keras.layers
conv_autoencoder = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(16, 3, strides=2, padding="same", activation="relu"),  # 14 x 14 x 16
    layers.Conv2D(32, 3, strides=2, padding="same", activation="relu"),  # 7 x 7 x 32
    layers.Flatten(),
    layers.Dense(32),  # the code
    layers.Dense(7 * 7 * 32, activation="relu"),
    layers.Reshape((7, 7, 32)),
    layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="relu"),  # 14 x 14
    layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid"),  # 28 x 28
], name="conv_autoencoder")  # fmt: skip
images_train, images_test = x_train.reshape(-1, 28, 28, 1), x_test.reshape(-1, 28, 28, 1)
conv_seconds = train(conv_autoencoder, images_train, images_train, "convolutional, code of 32")
conv_reconstructed = conv_autoencoder.predict(images_test, batch_size=500, verbose=0)
conv_error = mse(images_test, conv_reconstructed)
parameters = {"dense": autoencoders[32].count_params(), "conv": conv_autoencoder.count_params()}
print(f"parameters: {parameters}; training time: {conv_seconds:.0f} s")
print(f"test error, code of 32: dense {dense_errors[32]:.4f}, convolutional {conv_error:.4f}")

# %%
checks.expect_between(
    "parameters: conv / dense", parameters["conv"] / parameters["dense"], 0.9, 1.2
)
checks.expect_at_least("code 32: dense error / conv error", dense_errors[32] / conv_error, 1.3)
lesson.show_rows(
    {
        "original": x_test[:10],
        "dense, 32": autoencoders[32].predict(x_test[:10], verbose=0),
        "conv, 32": conv_reconstructed[:10],
    }
)

# %% [markdown]
# With the same code size and about as many weights, the convolutional autoencoder's error
# is 1.6-1.9 times lower (0.011-0.013 against 0.020-0.021), and its digits have sharper strokes.
# Its weights are spent differently: the convolutions share a few small filters over the
# whole image, so over 90% of the weights sit in the two dense layers around the code. The
# price is time: it trains about five times slower than the dense one (a convolution
# computes every filter at every position), and its loss was still falling fast after three
# epochs: it would gain most from more.

# %% [markdown] tags=["notes"]
# Say: same code of 32 numbers, about the same number of weights, and the convolutional
# autoencoder's error is 35-45% lower than the dense one's: convolutions know that
# neighbouring pixels belong together. Ask the room: "Where are most of the convolutional autoencoder's weights?"
# (expected answer: in the two dense layers around the code; the filters are few and small).

# %% [markdown]
# ## 8. Explore: the bottleneck
#
# Move the slider over the code sizes: the first row shows ten test digits, the rows below
# their reconstructions by the dense autoencoder and by PCA with that many numbers, and the
# right panel the errors of section 3 with the chosen size circled. Everything was computed
# above; the widget only picks.
#
# Things to try: at which size does each digit become recognisable, for each method? At 2
# numbers, which digits does the autoencoder still get right? Does the PCA reconstruction
# ever look better than the network's, even where its error is higher?

# %%
lesson.bottleneck_explorer(
    originals,
    {
        "autoencoder": {k: autoencoders[k].predict(originals, verbose=0) for k in CODE_SIZES},
        "PCA": {k: np.clip(pca_reconstruct(originals, k), 0, 1) for k in CODE_SIZES},
    },
    {"autoencoder": dense_errors, "PCA": pca_errors},
)

# %% [markdown] tags=["notes"]
# Show: start at 2 numbers and move up; let the room call out when each digit becomes readable
# for the autoencoder and for PCA. Point at the crossing of the two error curves. Ask: "If you had
# to send digits over a channel that carries 4 numbers per image, which would you use? And with
# 64?"

# %% [markdown]
# ## Summary
#
# - An autoencoder is an encoder and a decoder trained together to output their input through
#   a bottleneck; the code it learns is a compression, learned without labels.
# - With small codes (4-16 numbers) a small dense autoencoder beats PCA after three epochs;
#   with 64 numbers PCA, computed exactly, wins against three epochs of training.
# - A linear autoencoder learns PCA's subspace (the same error within 1%, principal angles of
#   a few degrees): non-linearity is what the network adds.
# - Trained on noisy inputs with clean targets it removes noise (3.6 times less error than
#   the noisy input); an L1 penalty on the code makes it sparse (over 60% of the values near
#   zero instead of 27-37%); convolutions cut the error by 35-45% at the same code size and
#   about the same number of weights.

# %% [markdown]
# ## Exercises
#
# Each exercise has a cell for your code, a self-check that says PASS or gives a hint, and a
# hidden solution cell below it (click to expand; running it shows the check passing).

# %% [markdown]
# ### Exercise 1: PCA's reconstruction error by hand
#
# Write `pca_reconstruction_error(x_train, x_test, k)`: fit PCA with `k` components on
# `x_train` (flat images, shape (n, 784)) using `np.linalg.svd` of the centred training
# images, reconstruct `x_test` from its `k` coordinates, and return the mean squared error
# per pixel. The check runs it on 1,000 training and 200 test images with k = 2, 16 and 64.
# Does your k = 16 agree with section 2's (which used 20,000 training images)?


# %% tags=["exercise"]
def pca_reconstruction_error(x_train, x_test, k):
    return None  # YOUR CODE HERE


lesson.exercise_pca_error(pca_reconstruction_error, x_train[:1000], x_test[:200])


# %% tags=["solution"]
def pca_reconstruction_error(x_train, x_test, k):
    mean = x_train.mean(axis=0)
    _, _, vt = np.linalg.svd(x_train - mean, full_matrices=False)
    components = vt[:k]  # the rows of vt are the principal directions
    reconstruction = (x_test - mean) @ components.T @ components + mean
    return np.mean((reconstruction - x_test) ** 2)


print(f"k = 16: {pca_reconstruction_error(x_train[:1000], x_test[:200], 16):.4f}")
lesson.exercise_pca_error(pca_reconstruction_error, x_train[:1000], x_test[:200])

# %% [markdown]
# ### Exercise 2: masking noise
#
# Gaussian noise is not the only corruption a denoising autoencoder can learn to undo.
# **Masking noise** sets a random share of the pixels to 0 (black), each pixel of each
# image independently. Write `mask_pixels(images, fraction, rng)` that returns a new array
# in which each pixel is 0 with probability `fraction` and unchanged otherwise, drawing the
# random numbers from the NumPy generator `rng` (e.g. `rng.random(images.shape)`). Then, if
# you like, train `dense_autoencoder(32)` on `mask_pixels(x_train, 0.3, rng)` with clean
# targets and compare its error with the plain autoencoder's on masked test images.


# %% tags=["exercise"]
def mask_pixels(images, fraction, rng):
    return None  # YOUR CODE HERE


lesson.exercise_mask_pixels(mask_pixels)


# %% tags=["solution"]
def mask_pixels(images, fraction, rng):
    return np.where(rng.random(images.shape) < fraction, 0.0, images)


lesson.exercise_mask_pixels(mask_pixels)
