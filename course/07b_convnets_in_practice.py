# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Convolutional networks II: clothes, data augmentation and a network pretrained on ImageNet
#
# **What you will learn**
#
# - how the convnet of lesson 07a does on a harder data set, Fashion-MNIST, and which
#   classes it confuses;
# - data augmentation with Keras preprocessing layers: which transformations keep the label,
#   and how much they help when labelled images are few;
# - what a network trained on ImageNet's 1.3 million photos sees in our photos, and how to reuse
#   it with few labels: frozen features plus a small classifier, and fine-tuning its top.
#
# **What you need**: lesson 07a (convolution, pooling, the MNIST convnet). The lesson runs in
# about 3 minutes on a 2-core laptop CPU. Lesson 07c looks inside the pretrained network.

# %%
import time

import keras
import numpy as np
import pandas as pd
import tensorflow as tf

from helpers import checks, datasets, plotting, pretrained, progress
from helpers.lessons import convnets_in_practice as lesson

plotting.use_course_style()
SEED = 0
keras.utils.set_random_seed(SEED)  # same weights, same batches, same numbers on every run

# Settings that cost time. On a GPU try EPOCHS = 15 and FEW_PER_CLASS = 500.
EPOCHS = 3  # passes over Fashion-MNIST's training images
BATCH_SIZE = 128
VALIDATION_SAMPLES = 5_000
FEW_PER_CLASS = 100  # labelled images per class for sections 3 and 5
FEW_EPOCHS = 40  # passes over those few images
FEW_VALIDATION = 2_000  # validation images that score the few-label models
IMAGE_SIZE = 64  # Fashion-MNIST upscaled for the ImageNet network (it was trained on 224)

# %% [markdown] tags=["notes"]
# Say: lesson 07a's convnet now meets harder data, Fashion-MNIST, and then the two tools that matter
# most when labels are few: data augmentation, and a network pretrained on ImageNet
# (EfficientNet-Lite0, shipped offline). It runs in about 3 minutes of CPU, so run it before class.
# Ask the room: "The same convnet scored above 0.99 on MNIST; what do you expect on clothes in the
# same 28x28 format?" (expected answer: lower, about 0.90 after three epochs).

# %% [markdown]
# ## 1. Fashion-MNIST
#
# Zalando's Fashion-MNIST has exactly MNIST's format, 60,000 + 10,000 grey 28x28 images in 10
# classes, but shows clothes and shoes. It was made because MNIST had become too easy: a
# linear classifier gets 92% of the digits. Here is one image of each class.

# %%
(x_train, y_train), (x_test, y_test) = datasets.load_fashion_mnist()
class_names = datasets.FASHION_MNIST_CLASSES
num_classes = len(class_names)
first_of_each = [int(np.flatnonzero(y_train == c)[0]) for c in range(num_classes)]
print("training:", x_train.shape, "test:", x_test.shape)
plotting.show_images(x_train[first_of_each], class_names, ncols=10, size=1.3)

# %% [markdown]
# We train lesson 07a's convnet unchanged: three blocks of 3x3 `Conv2D` -> `MaxPooling2D` ->
# `BatchNormalization` -> `ReLU`, dropout, softmax; Adam with warmup and cosine decay.

# %%
x_all = x_train[..., None].astype("float32") / 255
x_test = x_test[..., None].astype("float32") / 255
x_val, y_val = x_all[-VALIDATION_SAMPLES:], y_train[-VALIDATION_SAMPLES:]
x_fit, y_fit = x_all[:-VALIDATION_SAMPLES], y_train[:-VALIDATION_SAMPLES]


def conv_block(x, filters, pool=True):
    x = keras.layers.Conv2D(filters, 3, use_bias=False)(x)
    if pool:
        x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.BatchNormalization(momentum=0.9)(x)  # see lesson 07a, section 4
    return keras.layers.ReLU()(x)


def small_convnet(augmentation=None, name="convnet"):
    inputs = keras.Input(shape=(28, 28, 1))
    x = augmentation(inputs) if augmentation is not None else inputs  # only while training
    x = conv_block(x, 16)
    x = conv_block(x, 32)
    x = conv_block(x, 64, pool=False)
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


model = small_convnet()
compile_with_schedule(model, EPOCHS * int(np.ceil(len(x_fit) / BATCH_SIZE)))
start = time.perf_counter()
history = model.fit(
    x_fit, y_fit, batch_size=BATCH_SIZE, epochs=EPOCHS, validation_data=(x_val, y_val),
    verbose=0, callbacks=[progress.LearningCurves(["loss", "accuracy"], title="Fashion-MNIST")],
)  # fmt: skip
train_seconds = time.perf_counter() - start
test_accuracy = model.evaluate(x_test, y_test, verbose=0)[1]
print(f"test accuracy {test_accuracy:.4f} after {EPOCHS} epochs, {train_seconds:.0f} s of training")
checks.record("Fashion-MNIST convnet: training seconds", train_seconds)
checks.expect_at_least("Fashion-MNIST convnet: test accuracy", test_accuracy, 0.885)

# %% [markdown]
# About 0.90 after three epochs, a minute or two on a laptop CPU. Hands-On Machine Learning's
# small Fashion-MNIST convnet reaches about 0.91-0.92 after many more epochs; on a GPU, set
# `EPOCHS = 15` and this one gets there too. The same network scored above 0.99 on MNIST: the
# clothes are harder. Where does it go wrong?
#
# ## 2. What the convnet confuses
#
# A **confusion matrix** counts, for each true class (row), how many test images the network
# put in each class (column). The diagonal holds the right answers.

# %%
probabilities = model.predict(x_test, verbose=0)
predicted = probabilities.argmax(axis=1)
confusion = tf.math.confusion_matrix(y_test, predicted, num_classes=num_classes).numpy()
recall = confusion.diagonal() / confusion.sum(axis=1)
print(pd.Series(recall, index=class_names).round(3).sort_values().to_string())
for true, guess, count in lesson.most_confused(confusion, class_names, top=4):
    print(f"{count:4d} {true} taken for {guess}")
checks.expect_equal("the class recognized worst", class_names[int(recall.argmin())], "Shirt")
plotting.plot_confusion_matrix(confusion, class_names)

# %% [markdown]
# Shirts are the hard class: at 28x28 pixels a shirt, a T-shirt, a pullover and a coat are all
# a torso with sleeves. Trousers, bags, sandals and sneakers are easy. Here are some shirts the
# network took for something else, with what it thought they were:

# %%
wrong_shirts = np.flatnonzero((y_test == 6) & (predicted != 6))[:10]
plotting.show_images(
    x_test[wrong_shirts, :, :, 0], [class_names[p] for p in predicted[wrong_shirts]], size=1.3
)

# %% [markdown] tags=["notes"]
# Say: the confusion matrix tells which classes are hard: shirts, because at 28x28 pixels a shirt, a
# T-shirt, a pullover and a coat are all a torso with sleeves. Ask the room before showing the
# check: "Which class will the network recognize worst?" (expected answer: shirt; trousers, bags,
# sandals and sneakers are easy).

# %% [markdown]
# ## 3. Data augmentation
#
# With 55,000 training images a small convnet does not overfit much in three epochs. With few
# labelled images it does: it memorizes them. **Data augmentation** makes more training images
# from the ones we have by transformations that keep the label: shift a sneaker a little and it
# is still a sneaker. In Keras these are layers (`RandomTranslation`, `RandomRotation`,
# `RandomZoom`, `RandomFlip`) put at the start of the model; they change each batch at random
# while training and do nothing at prediction time.
#
# ### Try it: the augmentation explorer
#
# Choose an image and the ranges; the row shows eight random versions, as training sees them.
# Which settings still give pictures that could be in the test set with the same label? Try a
# vertical flip on a sneaker, and rotation 0.5 (half a turn).

# %%
lesson.augmentation_explorer(x_test[:12, :, :, 0], [class_names[y] for y in y_test[:12]])

# %% [markdown] tags=["notes"]
# Show: the augmentation explorer, eight random versions of one image as training sees them. Ask the
# room before each setting whether the result could still be a test image with the same label: a
# vertical flip on a sneaker (expected answer: no, shoes are never upside down in this data) and
# rotation 0.5, half a turn (expected answer: no). Horizontal flips, small shifts and small
# rotations keep the label.

# %% [markdown]
# Now the experiment: 100 labelled images per class (1,000 in all), the same convnet, trained
# for 40 passes over them with and without augmentation (horizontal flips, shifts up to 10%
# and rotations up to 5% of a turn). We score both on 2,000 validation images as they are,
# and on the same images as a less careful photographer would have taken them: each moved by
# up to 3 pixels in each direction and turned by up to 10 degrees, at random.

# %%
few = lesson.few_per_class(y_fit, FEW_PER_CLASS, seed=SEED)
x_few, y_few = x_fit[few], y_fit[few]
x_check, y_check = x_val[:FEW_VALIDATION], y_val[:FEW_VALIDATION]
rng = np.random.default_rng(SEED)
moves = zip(
    rng.uniform(-3, 3, (FEW_VALIDATION, 2)), rng.uniform(-10, 10, FEW_VALIDATION), strict=True
)
x_moved = np.stack(
    [
        datasets.transform_digit(image[..., 0], *shift, angle)
        for image, (shift, angle) in zip(x_check, moves, strict=True)
    ]
)[..., None].astype("float32")
plotting.show_images(
    np.concatenate([x_check[:8, ..., 0], x_moved[:8, ..., 0]]),
    ["as is"] * 8 + ["moved"] * 8,
    ncols=8,
    size=1.2,
)

# %%
few_steps = FEW_EPOCHS * int(np.ceil(len(x_few) / BATCH_SIZE))
few_results = {}
for augmented in progress.bar([False, True], "with and without augmentation"):
    keras.utils.set_random_seed(SEED)
    augmentation = lesson.augmenter(rotation=0.05, shift=0.1, flip="horizontal", seed=SEED)
    network = small_convnet(augmentation if augmented else None)
    compile_with_schedule(network, few_steps)
    start = time.perf_counter()
    network.fit(x_few, y_few, batch_size=BATCH_SIZE, epochs=FEW_EPOCHS, verbose=0)
    name = "from scratch, augmented" if augmented else "from scratch"
    few_results[name] = {
        "validation accuracy": network.evaluate(x_check, y_check, verbose=0)[1],
        "moved validation images": network.evaluate(x_moved, y_check, verbose=0)[1],
        "training accuracy": network.evaluate(x_few, y_few, verbose=0)[1],
        "seconds": time.perf_counter() - start,
        "weights trained": sum(int(np.prod(w.shape)) for w in network.trainable_weights),
    }
print(pd.DataFrame(few_results).T.round(3).to_string())
plain, augmented = few_results["from scratch"], few_results["from scratch, augmented"]
drop = plain["validation accuracy"] - plain["moved validation images"]
checks.expect_at_least("without augmentation: accuracy lost on moved images", drop, 0.1)
gain = augmented["moved validation images"] - plain["moved validation images"]
checks.expect_at_least("augmentation: gain on moved images", gain, 0.08)

# %% [markdown]
# Without augmentation the network learns its 1,000 images by heart (training accuracy 1.0)
# and loses a large part of its accuracy as soon as the clothes are not exactly centred and
# upright. Augmented, it has seen shifted and turned versions while training and keeps most of
# its accuracy on the moved images. On the validation images as they are, it does about as
# well or a little worse: Fashion-MNIST's photos are all carefully centred and upright, so
# there the variety that augmentation adds is variety the test never asks for, and it costs a
# little fitting. That is the rule: **augment with the variations you expect at test time**.
# Measured with two seeds here: a gain of 13 to 18 points on the moved images, a change of -4 to
# -1 points on the plain ones.

# %% [markdown] tags=["notes"]
# Say: with only 100 labels per class the plain network learns its 1,000 images by heart and loses a
# large part of its accuracy on clothes that are moved or turned a little; augmented, it keeps most
# of it. On the centred, upright validation images it does about as well or a little worse. Ask the
# room: "So when does augmentation pay?" (expected answer: when the test images have the variations
# you augment with; augment with what you expect at test time).

# %% [markdown]
# ## 4. A network trained on ImageNet
#
# ImageNet's 1.3 million photos in 1,000 classes taught networks features that are useful far
# beyond ImageNet: edges and colours in the first layers, textures and parts in the middle,
# objects at the top (lesson 07c looks at them). The course ships one such network,
# **EfficientNet-Lite0** (4.7 million weights, built from the depthwise separable blocks of
# lesson 07a), converted offline from a published PyTorch checkpoint (`helpers/pretrained.py`
# and `helpers/data/README.md` say how). First, what it makes of two photos:

# %%
imagenet = pretrained.load_efficientnet_lite0()
photos = {name: datasets.load_photo(name) for name in ("cat", "coffee")}
inputs = np.stack([pretrained.resize_for_model(photo) for photo in photos.values()])
top5 = pretrained.decode_predictions(imagenet.predict(pretrained.preprocess(inputs), verbose=0))
for name, guesses in zip(photos, top5, strict=True):
    print(f"{name:7s}", ", ".join(f"{label} {p:.2f}" for _, label, p in guesses))
checks.expect_equal("top-1 for the coffee photo", top5[1][0][1], "espresso")
checks.expect_equal("top-1 for the cat photo", top5[0][0][1], "Egyptian cat")
plotting.show_images(
    inputs, [f"{name}: {top[0][1]}" for name, top in zip(photos, top5, strict=True)], size=2.5
)

# %% [markdown]
# ## 5. Transfer learning with 100 labels per class
#
# Can those ImageNet features tell clothes apart, with the same 1,000 labelled images as
# section 3? Fashion-MNIST is grey and tiny, so we upscale it to 64x64 and repeat the grey
# channel three times. Two ways to reuse the network:
#
# - **feature extraction**: freeze it, run each image through it once, and train only a small
#   classifier on the 1,280 features it outputs (after global average pooling);
# - **fine-tuning**: also train its top layers, starting from ImageNet's weights instead of
#   random ones.


# %%
def to_imagenet_inputs(images):
    """Grey 28x28 images in [0, 1] -> RGB IMAGE_SIZE x IMAGE_SIZE inputs of the network."""
    upscaled = tf.image.resize(images * 255, (IMAGE_SIZE, IMAGE_SIZE)).numpy()
    return pretrained.preprocess(np.repeat(upscaled, 3, axis=-1))


base = pretrained.load_efficientnet_lite0((IMAGE_SIZE, IMAGE_SIZE, 3), include_top=False)
cut = base.get_layer("b14_out").output  # the output of the second-to-last block
bottom = keras.Model(base.input, cut)  # stays frozen
top = keras.Model(cut, base.output)  # the last block and the 1x1 head convolution
print(f"bottom: {bottom.count_params():,} weights, top: {top.count_params():,} weights")
start = time.perf_counter()
cached_few = bottom.predict(to_imagenet_inputs(x_few), verbose=0)
cached_check = bottom.predict(to_imagenet_inputs(x_check), batch_size=250, verbose=0)
bottom_seconds = time.perf_counter() - start
print(
    f"bottom outputs {cached_few.shape[1:]}, {bottom_seconds:.0f} s for {len(x_few) + len(x_check):,} images"
)

# %% [markdown]
# A frozen network gives the same output for an image every time, so we run the frozen part
# once per image and keep its outputs, here those of block 14 of 16: 2x2 positions with 192
# channels each. (That works because we do not augment: with augmentation every epoch would
# need new passes through the bottom.)
#
# **Feature extraction**: the top is frozen too, so we run it once as well, average its 1,280
# channels over the positions and train only a softmax layer on them.


# %%
def softmax_model(inputs, features):
    """A dropout + softmax layer on `features`, compiled, as a model from `inputs`."""
    x = keras.layers.Dropout(0.5)(features)
    outputs = keras.layers.Dense(num_classes, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def few_label_result(network, x_train_part, x_check_part, seconds):
    return {
        "validation accuracy": network.evaluate(x_check_part, y_check, verbose=0)[1],
        "training accuracy": network.evaluate(x_train_part, y_few, verbose=0)[1],
        "seconds": seconds,
        "weights trained": sum(int(np.prod(w.shape)) for w in network.trainable_weights),
    }


start = time.perf_counter()
features_few = keras.ops.mean(top.predict(cached_few, verbose=0), axis=(1, 2))
features_check = keras.ops.mean(top.predict(cached_check, verbose=0), axis=(1, 2))
keras.utils.set_random_seed(SEED)
feature_inputs = keras.Input(shape=(1280,))
frozen = softmax_model(feature_inputs, feature_inputs)
frozen.fit(features_few, y_few, batch_size=100, epochs=60, verbose=0)
seconds = bottom_seconds + time.perf_counter() - start
few_results["ImageNet features, frozen"] = few_label_result(
    frozen, features_few, features_check, seconds
)

# %% [markdown]
# **Fine-tuning**: the top block and the head now learn too, from ImageNet's weights, with the
# bottom still frozen. Batch normalization keeps ImageNet's statistics (`training=False` and
# not trainable), the standard precaution: a few hundred images would give poor estimates.

# %%
for layer in top.layers:
    layer.trainable = not isinstance(layer, keras.layers.BatchNormalization)
keras.utils.set_random_seed(SEED)
inputs = keras.Input(shape=cached_few.shape[1:])
pooled = keras.layers.GlobalAveragePooling2D()(top(inputs, training=False))
fine_tuned = softmax_model(inputs, pooled)
start = time.perf_counter()
fine_tuned.fit(cached_few, y_few, batch_size=100, epochs=10, verbose=0)
seconds = bottom_seconds + time.perf_counter() - start
few_results["ImageNet, top fine-tuned"] = few_label_result(
    fine_tuned, cached_few, cached_check, seconds
)
few_table = pd.DataFrame(few_results).T.drop(columns="moved validation images")
print(few_table.round(3).to_string())
accuracy = few_table["validation accuracy"]
checks.expect_at_most(
    "best with 1,000 labels minus the convnet with 55,000", accuracy.max() - test_accuracy, -0.03
)
checks.expect_between(
    "frozen ImageNet features minus from scratch",
    accuracy["ImageNet features, frozen"] - accuracy["from scratch"],
    -0.05,
    0.05,
)

# %% [markdown]
# What the table says (your numbers are on the screen above):
#
# - With 1,000 labels no approach comes near the 0.90 that 55,000 labels gave in section 1.
# - ImageNet's features, frozen, are about as good as a small convnet trained from scratch on
#   the same 1,000 images, no better: ImageNet's colour photos of animals and objects are far
#   from 28-pixel grey silhouettes of clothes, and upscaled to 64 pixels they are still
#   blurry. Transfer learning pays most when the new images look like the old ones (photos of
#   objects); there, frozen features from a large data set routinely beat anything trained on
#   a few hundred images.
# - Fine-tuning the top block (a million weights trained instead of 12,810) did not beat the
#   frozen features here: measured on this CPU it scored 0.826 against 0.831 with 10 epochs,
#   and 0.840 against 0.831 with 15. With 2,000 validation images a difference of a point is
#   within the noise (about 0.8 points). With 100 labels per class and images so unlike
#   ImageNet's there is little for fine-tuning to gain; it pays with more labels (on a GPU,
#   try `FEW_PER_CLASS = 500`) and on images closer to ImageNet's.
# - Augmentation and pretrained features address different problems (variations the training
#   images lack; too few images to learn good features); in practice both are combined.

# %% [markdown] tags=["notes"]
# Say: ImageNet's frozen features, on the same 1,000 labels, were about as good as a small convnet
# trained from scratch, no better, and fine-tuning the top block did not clearly beat them (the
# differences measured were within the noise of 2,000 validation images). Ask the room: "Why does
# transfer learning help so little here?" (expected answer: tiny grey silhouettes of clothes look
# nothing like ImageNet's colour photos; it pays most when the new images resemble the old ones).

# %% [markdown]
# ## Summary
#
# - Fashion-MNIST is harder than MNIST: the same small convnet reaches about 0.90 in three
#   epochs, and confuses shirts with T-shirts, pullovers and coats.
# - Data augmentation makes new training images by transformations that keep the label; it
#   teaches the network the variations you expect at test time (shifted, turned clothes) and
#   buys little where the test images have none. In Keras the augmentations are layers that act
#   only during training.
# - A network pretrained on ImageNet recognizes everyday photos out of the box; its features can
#   be reused frozen (feature extraction) or adapted (fine-tuning the top with batch
#   normalization frozen). How much they help depends on how close the new images are to the old.
#
# ## Exercises
#
# ### Exercise 1: augmentations that keep the label
#
# For each data set, which of `lesson.AUGMENTATIONS` give an image that could be in its test set
# with the same label? Answer with a set of names per data set.

# %%
print(lesson.AUGMENTATIONS)

# %% tags=["exercise"]
keeps_label = None  # YOUR CODE HERE, e.g. {"MNIST": {...}, "Fashion-MNIST": {...}}
lesson.exercise_label_keeping(keeps_label)

# %% tags=["solution"]
keeps_label = {
    # mirrored or upside-down digits are other digits or none (6 and 9 swap)
    "MNIST": {"rotation by up to 10 degrees", "shift by up to 3 pixels"},
    # a mirrored shirt is a shirt; the test set has no upside-down clothes
    "Fashion-MNIST": {"horizontal flip", "rotation by up to 10 degrees", "shift by up to 3 pixels"},
}
lesson.exercise_label_keeping(keeps_label)

# %% [markdown]
# ### Exercise 2: the most confused pair
#
# Write `most_confused_pair(confusion)` that returns `(true class, predicted class)` of the
# largest count off the diagonal of a confusion matrix (rows: true classes, columns:
# predictions). Then use it on the matrix of section 2.


# %% tags=["exercise"]
def most_confused_pair(confusion):
    raise NotImplementedError  # YOUR CODE HERE


lesson.exercise_most_confused_pair(most_confused_pair)


# %% tags=["solution"]
def most_confused_pair(confusion):
    off_diagonal = confusion - np.diag(np.diag(confusion))  # right answers set to 0
    return np.unravel_index(np.argmax(off_diagonal), confusion.shape)


lesson.exercise_most_confused_pair(most_confused_pair)
true, guess = most_confused_pair(confusion)
print(f"most often: {class_names[true]} taken for {class_names[guess]}")
