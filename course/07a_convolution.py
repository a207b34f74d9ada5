# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Convolutional networks I: a kernel by hand, and a convnet that reads shifted digits
#
# **What you will learn**
#
# - what a convolution computes, by sliding a 3x3 kernel over a real digit in NumPy, and what
#   edge and blur kernels find; padding, stride, the output-size formula and max pooling;
# - that your NumPy convolution is exactly what `keras.layers.Conv2D` computes;
# - why convolutions suit images: local connections, shared weights and translation
#   equivariance, measured in parameters and in accuracy on shifted digits;
# - how to build and train a small convnet that passes 0.99 test accuracy on MNIST in a
#   few epochs on a laptop CPU, and what depthwise separable convolutions save.
#
# **What you need**: lessons 00 and 03 (MNIST, dense networks in Keras, the shifted digits
# that broke them). The lesson runs in about 3 minutes on a 2-core laptop CPU.
#
# Lesson 07b goes on with Fashion-MNIST, data augmentation and a pretrained ImageNet network;
# lesson 07c looks inside convnets.

# %%
import time

import keras
import numpy as np
import pandas as pd
import tensorflow as tf

from helpers import checks, datasets, plotting, progress
from helpers.lessons import convolution as lesson

plotting.use_course_style()
SEED = 0
keras.utils.set_random_seed(SEED)  # same weights, same batches, same numbers on every run

# Settings that cost time. On a GPU try EPOCHS = 10.
EPOCHS = 3  # passes over the training images for the MNIST convnet
BATCH_SIZE = 128
VALIDATION_SAMPLES = 5_000  # training images kept aside to watch training (the test set waits)
SUBSET = 12_000  # training images for the separable-convolution comparison

# %% [markdown] tags=["notes"]
# Say: the first of three lessons on convolutional networks: a 3x3 kernel slid over a digit by hand
# and matched with Keras's Conv2D, then padding, stride and pooling, then a small batch-normalized
# convnet that passes 0.99 on MNIST in 3 epochs and keeps its accuracy on shifted digits. It is one
# of the longer lessons, about 3 minutes of CPU, so run it before class. Ask the room: "Remember
# lessons 00 and 03: what broke the dense networks?" (expected answer: shifting the digits by a few
# pixels).

# %% [markdown]
# ## 1. A kernel slides over a digit
#
# A **convolution** layer looks at an image through a small window, the **kernel**: a grid of
# weights, here 3x3. Put the kernel on the top-left 3x3 patch of the image, multiply each
# pixel by the weight on top of it and add the nine products: that is one output number. Slide
# the kernel one pixel to the right and do it again, row after row. The outputs form a new
# image, the **feature map**: large where the patch looks like the kernel.
#
# Here it is in plain NumPy, for a kernel that stays inside the image (`valid`, in Keras's
# words: no pixels are made up beyond the border).

# %%
(x_train, y_train), (x_test, y_test) = datasets.load_mnist()
digit = x_train[0].astype("float32") / 255  # a 5, pixel values in [0, 1]


def convolve_valid(image, kernel):
    """Slide `kernel` over `image` one pixel at a time; multiply and add at each stop."""
    k_rows, k_cols = kernel.shape
    out_rows, out_cols = image.shape[0] - k_rows + 1, image.shape[1] - k_cols + 1
    feature_map = np.zeros((out_rows, out_cols), dtype=image.dtype)
    for i in range(out_rows):
        for j in range(out_cols):
            patch = image[i : i + k_rows, j : j + k_cols]
            feature_map[i, j] = np.sum(patch * kernel)
    return feature_map


vertical_edges = lesson.KERNELS["vertical edges (Sobel)"].astype("float32")
print(vertical_edges)
edge_map = convolve_valid(digit, vertical_edges)
print("image", digit.shape, "-> feature map", edge_map.shape)

# %% [markdown]
# The Sobel kernel subtracts the column on its right from the column on its left (the middle
# row counting twice): it answers "how much brighter is the left side than the right side
# here?". A stroke is white on black, so the kernel is negative where it enters a stroke from
# the left (dark on the left, bright on the right), positive where it leaves it, and zero on
# flat areas. Different kernels find different things: a blur averages its 9 pixels, a
# sharpen kernel subtracts the neighbours from the centre.

# %%
names = ["vertical edges (Sobel)", "horizontal edges (Sobel)", "blur (box)", "sharpen"]
maps = [convolve_valid(digit, lesson.KERNELS[name].astype("float32")) for name in names]
plotting.show_images(
    [digit[1:-1, 1:-1], *maps], ["the digit", *names], ncols=5, size=2.2, cmap="coolwarm"
)

# %% [markdown]
# A window with black (0) on its left and white (1) on its right gives $0 - (1 + 2 + 1) = -4$,
# the most negative response possible here; MNIST's strokes have soft edges, so most edges give
# less. In nearly every row that crosses the 5, the first clear edge met from the left is
# negative (a row that starts inside a stroke's soft edge can meet a positive one first).
# And on the empty top rows of the image a kernel whose weights sum to zero gives exactly 0.


# %%
strong = np.abs(edge_map) > 1  # clear edges: at least a quarter of the largest possible, 4
first_edge_sign = [
    int(np.sign(row[hit][0])) for row, hit in zip(edge_map, strong, strict=True) if hit.any()
]
print(f"{len(first_edge_sign)} rows cross a stroke; sign of the first edge met in each row:")
print(first_edge_sign)
negative_first = first_edge_sign.count(-1) / len(first_edge_sign)
checks.expect_at_least(
    "share of rows whose first edge, from the left, is negative", negative_first, 0.9
)
checks.expect_equal("Sobel response on the empty top rows", float(np.abs(edge_map[:3]).max()), 0.0)

# %% [markdown]
# ### Keras computes the same thing
#
# `keras.layers.Conv2D` does exactly this, for many kernels (filters) at once and over all the
# channels of its input. (It does *not* flip the kernel as the textbook definition of
# convolution does: strictly it computes a cross-correlation. Since the kernel is learned,
# the flip makes no difference to what a network can do.) Give a `Conv2D` our kernel as its
# weights and compare; TensorFlow's low-level `tf.nn.conv2d` agrees too.

# %%
conv = keras.layers.Conv2D(filters=1, kernel_size=3, use_bias=False)
batch = digit[None, :, :, None]  # Keras wants (batch, height, width, channels)
conv.build(batch.shape)
conv.set_weights([vertical_edges[:, :, None, None]])  # (height, width, in channels, filters)
keras_map = conv(batch).numpy()[0, :, :, 0]
tf_map = tf.nn.conv2d(batch, vertical_edges[:, :, None, None], strides=1, padding="VALID")
checks.expect_close("NumPy convolution vs keras Conv2D", edge_map, keras_map, rtol=1e-5, atol=1e-5)
checks.expect_close("NumPy convolution vs tf.nn.conv2d", edge_map, tf_map[0, :, :, 0], atol=1e-5)

# %% [markdown] tags=["notes"]
# Say: a convolution is one multiply-and-add per position: put the kernel on a patch, multiply, sum,
# slide. The Sobel kernel answers how much brighter the left side is than the right, so it is
# negative where a stroke begins and positive where it ends. Ask the room: "What does a kernel whose
# weights sum to zero give on the empty top rows of the image?" (expected answer: exactly 0, as the
# check confirms).

# %% [markdown]
# ## 2. Padding, stride and pooling
#
# Three settings change the size of the feature map:
#
# - **padding**: `valid` keeps the kernel inside the image, so a $k \times k$ kernel loses
#   $k - 1$ pixels per axis (28 becomes 26); `same` adds zeros around the image so that the
#   output keeps the input's size;
# - **stride**: step the kernel $s$ pixels at a time instead of 1, keeping every $s$-th
#   output;
# - the output length per axis is then $\lfloor (n - k) / s \rfloor + 1$ for `valid` and
#   $\lceil n / s \rceil$ for `same`.
#
# **Max pooling** shrinks a feature map on purpose: `MaxPooling2D(2)` keeps the largest of
# each 2x2 block, halving height and width. It keeps *whether* a feature was found nearby and
# forgets exactly where, which makes the next layer's job both cheaper and more tolerant of
# small shifts. We check the formula against Keras for several settings:

# %%
rows = []
for size, kernel_size, stride, padding in [
    (28, 3, 1, "valid"), (28, 3, 1, "same"), (28, 3, 2, "valid"),
    (28, 3, 2, "same"), (28, 5, 3, "valid"), (27, 4, 2, "same"),
]:  # fmt: skip
    layer = keras.layers.Conv2D(1, kernel_size, strides=stride, padding=padding)
    keras_size = layer.compute_output_shape((1, size, size, 1))[1]
    formula = lesson.output_size(size, kernel_size, stride, padding)
    rows.append((size, kernel_size, stride, padding, formula, keras_size))
table = pd.DataFrame(rows, columns=["n", "k", "stride", "padding", "formula", "Keras"])
print(table.to_string(index=False))
checks.expect_equal(
    "output-size formula vs Keras", table["formula"].tolist(), table["Keras"].tolist()
)
pooled = lesson.max_pool(np.maximum(edge_map, 0))
print("edge map", edge_map.shape, "-> after 2x2 max pooling", pooled.shape)

# %% [markdown]
# ### Try it: the convolution explorer
#
# Pick a digit and a kernel, or choose "my kernel" and type your own as three rows separated
# by `;`. Change the stride and the padding and read the feature map's size in its title;
# switch on pooling. Things to try: which kernel finds the horizontal bar of a 7? What does a
# kernel whose weights sum to 1 do to a flat region, and one whose weights sum to 0?

# %%
examples = {f"digit {y_test[i]} (test image {i})": x_test[i] / 255 for i in (0, 1, 2, 3)}
lesson.convolution_explorer(examples)

# %% [markdown] tags=["notes"]
# Show: the convolution explorer; pick a 7 and ask the room first which kernel will find its
# horizontal bar. Then change stride and padding and ask them to predict the feature map's size
# before reading it in the title (the output-size formula on the previous slide). Finally ask what a
# kernel whose weights sum to 1 does to a flat region (expected answer: leaves it as it is) compared
# with one summing to 0 (turns it to 0).

# %% [markdown]
# ## 3. Why convolutions suit images
#
# A `Dense` layer connects every pixel to every unit. A convolution connects each output only
# to a small patch (**local connections**) and uses the same kernel at every position
# (**shared weights**). Two consequences:
#
# - far fewer parameters: a `Conv2D` with 32 filters of 3x3 on a grey image has
#   $3 \cdot 3 \cdot 1 \cdot 32 + 32 = 320$ of them, whatever the image size; a `Dense` layer
#   of 512 units on the 784 pixels of MNIST has $784 \cdot 512 + 512 = 401{,}920$;
# - **translation equivariance**: shift the input and the feature map shifts by the same
#   amount, because the same kernel is applied everywhere. Let us check it on our digit.

# %%
shifted_digit = np.zeros_like(digit)
shifted_digit[2:, 3:] = digit[:-2, :-3]  # 2 pixels down, 3 to the right (nothing falls off)
shifted_map = convolve_valid(shifted_digit, vertical_edges)
checks.expect_equal(
    "pixels of the digit lost by the shift", float(digit[-2:].sum() + digit[:, -3:].sum()), 0.0
)
checks.expect_close(
    "edge map of the shifted digit vs edge map moved by (2, 3)",
    shifted_map[2:, 3:],
    edge_map[:-2, :-3],
    atol=1e-5,
)

# %% [markdown]
# The digit's bottom rows and right columns are empty, so the shift loses no stroke, and the
# feature map of the shifted digit is the old feature map moved by the same (2, 3) pixels. A dense layer has no such property: its weight for pixel (10, 10) has
# nothing to do with its weight for pixel (12, 13). That is why the dense networks of lessons
# 00 and 03 failed on digits shifted by a few pixels. A convnet is not fully shift-*invariant*
# (its final `Dense` layer still sees positions), but its features move with the digit and
# pooling absorbs part of the shift. Section 5 measures how much that buys.

# %% [markdown]
# ## 4. A convnet for MNIST
#
# Three convolution blocks, each `Conv2D` -> `MaxPooling2D` -> `BatchNormalization` -> `ReLU`
# (the last without pooling), 16, 32 and 64 filters: the maps shrink from 28x28 to 3x3 while
# their number grows. Then a `Dense` softmax layer on the flattened features. Three choices
# make it learn fast:
#
# - **batch normalization** (lesson 06b) keeps each layer's inputs well scaled, so a large
#   learning rate is safe; the convolutions then need no bias (batch normalization adds one);
# - pooling *before* normalization and ReLU gives the same result as after (max pooling
#   commutes with the increasing ReLU; normalization is per channel) for a quarter of the work;
# - Adam with a short **warmup** followed by **cosine decay** of the learning rate (lesson 05c):
#   large steps while the loss falls fast, small ones to settle at the end.
#
# One setting matters for short runs: batch normalization normalizes with each batch's mean
# and variance while training, but with running averages of them at prediction time, updated
# as `average = momentum * average + (1 - momentum) * batch value`. With Keras's default
# momentum of 0.99 the averages still remember their starting values (mean 0, variance 1)
# after a few hundred steps: trained for 280 steps, this network scored 0.98 on its training
# batches and 0.14 when evaluated. `momentum=0.9` forgets the start within about 50 steps.
#
# We keep 5,000 training images aside as a validation set to watch training; the test set is
# used once, at the end.

# %%
x_train_all = x_train[..., None].astype("float32") / 255  # (60000, 28, 28, 1)
x_test = x_test[..., None].astype("float32") / 255
x_val, y_val = x_train_all[-VALIDATION_SAMPLES:], y_train[-VALIDATION_SAMPLES:]
x_fit, y_fit = x_train_all[:-VALIDATION_SAMPLES], y_train[:-VALIDATION_SAMPLES]
num_classes = 10


def conv_block(x, filters, conv=keras.layers.Conv2D, pool=True):
    x = conv(filters, 3, use_bias=False)(x)  # padding "valid": 3x3 kernels stay inside
    if pool:
        x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.BatchNormalization(momentum=0.9)(x)  # see the note above
    return keras.layers.ReLU()(x)


def mnist_convnet(conv=keras.layers.Conv2D, name="convnet"):
    inputs = keras.Input(shape=(28, 28, 1))
    x = conv_block(inputs, 16)  # 28x28 -> 26x26 -> 13x13, 16 feature maps
    x = conv_block(x, 32, conv)  # -> 11x11 -> 5x5, 32 feature maps
    x = conv_block(x, 64, conv, pool=False)  # -> 3x3, 64 feature maps
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dropout(0.3)(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax")(x)
    return keras.Model(inputs, outputs, name=name)


def compile_with_schedule(model, steps, peak_learning_rate=3e-3):
    schedule = keras.optimizers.schedules.CosineDecay(
        peak_learning_rate / 10, decay_steps=steps, warmup_target=peak_learning_rate,
        warmup_steps=steps // 5,
    )  # fmt: skip
    model.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )


model = mnist_convnet()
model.summary()

# %%
steps = EPOCHS * int(np.ceil(len(x_fit) / BATCH_SIZE))
compile_with_schedule(model, steps)
start = time.perf_counter()
history = model.fit(
    x_fit, y_fit, batch_size=BATCH_SIZE, epochs=EPOCHS, validation_data=(x_val, y_val),
    verbose=0, callbacks=[progress.LearningCurves(["loss", "accuracy"], title="MNIST convnet")],
)  # fmt: skip
train_seconds = time.perf_counter() - start
test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"{model.count_params():,} parameters, {train_seconds:.0f} s of training")
print(f"test accuracy after {EPOCHS} epochs: {test_accuracy:.4f}")
checks.record("convnet: training seconds", train_seconds)
checks.expect_at_least("convnet: test accuracy", test_accuracy, 0.99)

# %% [markdown]
# Above 0.99 on digits it never saw, with under 30,000 parameters: the dense 512-512 network
# of lesson 03 had 669,706 and stayed near 0.98. For comparison, Keras's example
# `mnist_convnet` (two conv/pool blocks, dropout, Adam, batch 128, no batch normalization)
# reaches 0.992 after 15 epochs; measured on a 2-core machine like ours it first passes 0.99
# at epoch 13, after about 450 s of training. Batch normalization and the learning-rate
# schedule get us there in a few epochs.

# %% [markdown] tags=["notes"]
# Say: local connections and shared weights give far fewer parameters and equivariance: shift the
# digit and the feature map shifts with it. The convnet passes 0.99 on the test digits with under
# 30,000 parameters, where lesson 03's dense network had 669,706 and stayed near 0.98. Ask the room:
# "Is a convnet fully shift-invariant?" (expected answer: no, its Flatten and Dense head still sees
# where the features are; pooling absorbs part of the shift).

# %% [markdown]
# ## 5. Shifted digits: convnet against a dense network
#
# Lesson 00's linear classifier kept less than half of its accuracy when the digits moved by
# 3 pixels. We train a dense network (512 ReLU units, the size of lesson 03's) for the same
# number of epochs and test both networks on the test digits shifted right by 0 to 4 pixels.

# %%
dense = keras.Sequential(
    [
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Flatten(),
        keras.layers.Dense(512, activation="relu"),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(num_classes, activation="softmax"),
    ],
    name="dense",
)
compile_with_schedule(dense, steps, peak_learning_rate=1e-3)
dense.fit(x_fit, y_fit, batch_size=BATCH_SIZE, epochs=EPOCHS, verbose=2)


def shift_right(images, pixels):
    """Move every image `pixels` columns to the right; empty columns come in on the left."""
    moved = np.zeros_like(images)
    moved[:, :, pixels:] = images[:, :, : images.shape[2] - pixels]
    return moved


shifts = [0, 1, 2, 3, 4]
accuracy = {"convnet": [], "dense": []}
for shift in shifts:
    moved = shift_right(x_test, shift)
    for network in (model, dense):
        accuracy[network.name].append(network.evaluate(moved, y_test, verbose=0)[1])
shift_table = pd.DataFrame(accuracy, index=pd.Index(shifts, name="shift (pixels)"))
print(shift_table.round(4).to_string())
plotting.plot_curves(
    {name: (shifts, values) for name, values in accuracy.items()},
    xlabel="shift to the right (pixels)", ylabel="test accuracy",
    title="accuracy on shifted test digits", markers=True,
)  # fmt: skip

# %% [markdown]
# (MNIST's digits sit in a 20x20 box centred in the 28x28 image, but some strokes reach
# further: about one test digit in six has ink in its 4 rightmost columns, printed below, and
# loses a little of it when shifted by 4 pixels. That is part of the convnet's drop at 4
# pixels.) The claims of this section:

# %%
cut = (x_test[:, :, -4:, 0] > 0).any(axis=(1, 2)).mean()
print(f"test digits that lose some ink at a 4-pixel shift: {cut:.1%}")
for shift in (3, 4):
    gap = accuracy["convnet"][shift] - accuracy["dense"][shift]
    checks.expect_at_least(f"shift {shift}: convnet minus dense accuracy", gap, 0.25)

# %% [markdown]
# Unshifted, both networks are good; three or four pixels to the side, the dense network has
# lost much of its accuracy while the convnet keeps most of its own: its feature maps move
# with the digit and each max pooling absorbs a shift of a pixel. It is not perfectly
# invariant (its `Flatten` + `Dense` head still sees *where* features are); data augmentation
# (lesson 07b) and global pooling make it more so.

# %% [markdown]
# ## 6. Depthwise separable convolutions
#
# A regular 3x3 convolution from $c_{in}$ to $c_{out}$ channels mixes space and channels at once:
# $3 \cdot 3 \cdot c_{in} \cdot c_{out}$ weights. A **depthwise separable** convolution
# (`SeparableConv2D`) splits the job: a 3x3 kernel per input channel (space), then a 1x1
# convolution that mixes the channels: $3 \cdot 3 \cdot c_{in} + c_{in} \cdot c_{out}$. For
# the last block of our network ($c_{in} = 32$, $c_{out} = 64$) that is 2,336 weights instead of
# 18,432. MobileNet and EfficientNet (lesson 07b's pretrained network) are built from them. We
# make the second and third convolutions separable, train both versions on the same 12,000
# images for the same steps and compare.

# %%
subset_steps = EPOCHS * int(np.ceil(SUBSET / BATCH_SIZE))
comparison = {}
for conv in (keras.layers.Conv2D, keras.layers.SeparableConv2D):
    keras.utils.set_random_seed(SEED)
    network = mnist_convnet(conv, name=conv.__name__)
    compile_with_schedule(network, subset_steps)
    network.fit(x_fit[:SUBSET], y_fit[:SUBSET], batch_size=BATCH_SIZE, epochs=EPOCHS, verbose=0)
    second_conv = [layer for layer in network.layers if isinstance(layer, conv)][-1]
    comparison[conv.__name__] = {
        "weights of the last conv": second_conv.count_params(),
        "whole network": network.count_params(),
        "validation accuracy": network.evaluate(x_val, y_val, verbose=0)[1],
    }
comparison = pd.DataFrame(comparison).T
print(comparison.to_string())
separable, regular = comparison.loc["SeparableConv2D"], comparison.loc["Conv2D"]
checks.expect_equal("separable last conv: 3*3*32 + 32*64", separable.iloc[0], 3 * 3 * 32 + 32 * 64)
checks.expect_at_least(
    "separable minus regular validation accuracy", separable.iloc[2] - regular.iloc[2], -0.025
)

# %% [markdown]
# The separable layers have about 8 times fewer weights (the whole network three times fewer)
# and the network loses about a point of accuracy (0.9 to 1.2 points over three seeds here).
# With many channels per layer, as in deep networks, the saving approaches a factor
# $k^2 = 9$ in parameters and in computation.

# %% [markdown] tags=["notes"]
# Say: on digits shifted 3 or 4 pixels the dense network loses much of its accuracy while the
# convnet keeps most of its own; the check asserts a lead of at least 25 points. Depthwise separable
# convolutions then cut the weights of a layer about 8 times for about a point of accuracy here. Ask
# the room: "Where does the separable layer save its weights?" (expected answer: it splits space and
# channels: one 3x3 kernel per input channel, then a 1x1 convolution that mixes the channels).

# %% [markdown]
# ## Summary
#
# - A convolution slides a small kernel over the image and writes one multiply-and-add per
#   position into a feature map; Keras's `Conv2D` computes exactly that (without flipping).
# - Output size: $\lfloor (n - k)/s \rfloor + 1$ with `valid` padding, $\lceil n/s \rceil$
#   with `same`; max pooling keeps the largest value of each window.
# - Local connections and shared weights give few parameters and translation equivariance; a
#   small convnet with batch normalization and a learning-rate schedule passes 0.99 on MNIST
#   in a few epochs and keeps most of its accuracy on shifted digits, where a dense network
#   does not.
# - Depthwise separable convolutions do the same job with far fewer weights.
#
# ## Exercises
#
# ### Exercise 1: a convolution with stride and padding
#
# Write `conv2d(image, kernel, stride, padding)` for a grey image (height, width) and a 2-D
# kernel (any size, not only 3x3), with `stride` >= 1 and `padding` `"valid"` or `"same"`,
# that returns exactly what Keras's `Conv2D` computes. For `same`, TensorFlow pads
# $\max((\lceil n/s \rceil - 1)\,s + k - n,\ 0)$ zeros per axis, half before and the rest
# (the larger half) after.


# %% tags=["exercise"]
def conv2d(image, kernel, stride=1, padding="valid"):
    raise NotImplementedError  # YOUR CODE HERE


lesson.exercise_conv2d(conv2d)


# %% tags=["solution"]
def conv2d(image, kernel, stride=1, padding="valid"):
    k_rows, k_cols = kernel.shape
    if padding == "same":
        pads = []
        for n, k in zip(image.shape, kernel.shape, strict=True):
            total = max((-(-n // stride) - 1) * stride + k - n, 0)
            pads.append((total // 2, total - total // 2))
        image = np.pad(image, pads)
    out_rows = (image.shape[0] - k_rows) // stride + 1
    out_cols = (image.shape[1] - k_cols) // stride + 1
    out = np.zeros((out_rows, out_cols))
    for i in range(out_rows):
        for j in range(out_cols):
            patch = image[i * stride : i * stride + k_rows, j * stride : j * stride + k_cols]
            out[i, j] = np.sum(patch * kernel)
    return out


lesson.exercise_conv2d(conv2d)

# %% [markdown]
# ### Exercise 2: shapes and parameters
#
# Without running it, work out the output shape (without the batch axis) and the number of
# parameters of each layer of this stack, on MNIST images of shape (28, 28, 1):
# `Conv2D(32, 3)` -> `MaxPooling2D(2)` -> `Conv2D(64, 3)` -> `MaxPooling2D(2)` -> `Flatten()` ->
# `Dense(10)` (Keras's defaults: `padding="valid"`, biases on). Give a list of six pairs
# `(shape, parameters)`, e.g. `((26, 26, 32), 320)` for the first. Then build the stack and
# compare with `summary()`.

# %% tags=["exercise"]
answer = None  # YOUR CODE HERE
lesson.exercise_output_shapes(answer)

# %% tags=["solution"]
answer = [
    ((26, 26, 32), 3 * 3 * 1 * 32 + 32),  # valid: 28 - 3 + 1 = 26
    ((13, 13, 32), 0),
    ((11, 11, 64), 3 * 3 * 32 * 64 + 64),  # each filter spans all 32 input channels
    ((5, 5, 64), 0),  # 11 // 2 = 5: the incomplete last window is dropped
    ((5 * 5 * 64,), 0),
    ((10,), 1600 * 10 + 10),
]
lesson.exercise_output_shapes(answer)

# %% [markdown]
# ### Exercise 3: the receptive field
#
# One unit of a feature map sees a square patch of the input image: its **receptive field**.
# A 3x3 conv sees 3x3 pixels; a second 3x3 conv on top sees 5x5. How many input pixels wide is
# the receptive field of one unit at the end of `Conv2D 3x3` -> `Conv2D 3x3` ->
# `MaxPooling2D 2x2` (stride 2) -> `Conv2D 3x3` (convs with stride 1)? The cell after the
# exercise measures it, so answer first.

# %% tags=["exercise"]
field = None  # YOUR CODE HERE
lesson.exercise_receptive_field(field)

# %% tags=["solution"]
# Start at 1 pixel. Each layer adds (window - 1) x jump, where the jump (the distance in input
# pixels between neighbouring units) is the product of the strides before the layer:
# conv: 1 + 2 = 3, conv: 3 + 2 = 5, pool: 5 + 1 = 6 (then the jump is 2), conv: 6 + 2 * 2 = 10.
field = 10
lesson.exercise_receptive_field(field)

# %% [markdown]
# **Measure it.** Build the stack with all-ones kernels and no nonlinearity (average pooling,
# which has the same window as max pooling but passes a gradient to every pixel), and ask
# TensorFlow which input pixels the centre output depends on: the gradient is nonzero exactly
# on the receptive field.

# %%
probe = keras.Sequential(
    [
        keras.Input(shape=(32, 32, 1)),
        keras.layers.Conv2D(1, 3, kernel_initializer="ones", use_bias=False),
        keras.layers.Conv2D(1, 3, kernel_initializer="ones", use_bias=False),
        keras.layers.AveragePooling2D(2),
        keras.layers.Conv2D(1, 3, kernel_initializer="ones", use_bias=False),
    ]
)
image = tf.Variable(tf.ones((1, 32, 32, 1)))
with tf.GradientTape() as tape:
    out = probe(image)
    centre = out[0, out.shape[1] // 2, out.shape[2] // 2, 0]
seen = tf.reduce_any(tape.gradient(centre, image)[0, :, :, 0] != 0, axis=0).numpy()
print("input columns the centre unit sees:", np.flatnonzero(seen))
checks.expect_equal(
    "measured receptive field (pixels)",
    int(seen.sum()),
    lesson.receptive_field([(3, 1), (3, 1), (2, 2), (3, 1)]),
)
