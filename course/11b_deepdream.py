# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Generative models, part 5: DeepDream
#
# **What you will learn**
#
# - how **DeepDream** (Mordvintsev, Olah & Tyka, Google, 2015) turns an image classifier into
#   an image *maker*: keep the network's weights fixed and change the **image** by gradient
#   ascent, so that chosen layers respond more and more strongly;
# - the three pieces: the **loss** (the mean activation of the chosen layers), the
#   **normalised ascent step** with random shifts (jitter), and **octaves** (dreaming at a
#   small size first, then larger, adding back the detail that shrinking lost);
# - how the **choice of layer** decides the dream: early layers overcook the picture with fine
#   texture, middle layers give the eyes and swirls, late layers change it least; measured;
# - what the classifier sees in the dream, and what bigger images or more steps cost.
#
# **What you need**: lesson 07b (the pretrained EfficientNet-Lite0 and its ImageNet classes),
# lesson 07c (what its layers respond to) and lesson 09 (`GradientTape`). It runs in about
# a minute on a 2-core laptop CPU.

# %%
import time

import keras
import numpy as np
import tensorflow as tf

from helpers import checks, plotting, pretrained, progress
from helpers.lessons import deepdream as lesson

plotting.use_course_style()
SEED = 0
keras.utils.set_random_seed(SEED)  # the jitter below draws from a generator seeded with SEED

# The settings of the dream. On a GPU try IMAGE_SIZE = 800 and STEPS = 40.
IMAGE_SIZE = 400  # pixels, the longer side of the photo
LAYERS = ("b7_out", "b10_out")  # two middle blocks of the network (of b0 .. b15)
OCTAVES, OCTAVE_SCALE = 3, 1.4  # three sizes, each 1.4 times the previous one
STEPS = 20  # ascent steps per octave
STEP_SIZE = 0.02  # in the image's units (-1..1) per step, after normalising the gradient
JITTER = 16  # pixels: each step shifts the image by a random amount up to this

# %% [markdown]
# ## 1. A classifier, looked at the other way round
#
# Lesson 07b classified photos with EfficientNet-Lite0, trained on ImageNet's 1.3 million
# photos of 1000 classes. Training changed the *weights* to make the output right for fixed
# images. DeepDream keeps the weights fixed and changes the *image* instead, to make some
# layers respond more. Whatever those layers have learnt to look for (fur, eyes, wheels,
# feathers) gets painted into the picture, wherever there was a faint hint of it.
#
# We load the network without its classification top and with no fixed input size (any
# image size works: it is all convolutions), and the photo at `IMAGE_SIZE` pixels, in the
# network's units $(x - 127)/128$, about $-1$ to $1$.

# %%
network = pretrained.load_efficientnet_lite0(input_shape=(None, None, 3), include_top=False)
network.trainable = False
classifier = pretrained.load_efficientnet_lite0()  # the same network with its top, 224 px
photo = lesson.load_photo("cat", IMAGE_SIZE)
print("photo:", photo.shape, f"values {photo.min():.2f} .. {photo.max():.2f}")
lesson.top_classes(classifier, {"the photo": photo})

# %% [markdown] tags=["notes"]
# Say: training moved the weights to fit fixed images; DeepDream moves the image to excite
# fixed weights. Ask the room: "Lesson 07c did gradient ascent on an image already: what was
# different?" (expected answer: there it started from noise and climbed one channel, to see
# what that channel looks for; here it starts from a photo and climbs whole layers, so the
# patterns grow out of what is already in the picture).

# %% [markdown]
# ## 2. The loss: how strongly the chosen layers respond
#
# A *feature model* maps an image to the activations of the chosen layers. The DeepDream
# loss is their mean: the mean of each layer's activations (over positions and channels),
# added over the layers. It is a number to make **large**, so we will climb it, not descend.

# %%
dream_model = keras.Model(network.input, [network.get_layer(name).output for name in LAYERS])


def dream_loss(model, image):
    """The mean activation of each of the model's output layers, added up."""
    activations = model(image[None])  # a batch of one image
    if not isinstance(activations, list | tuple):  # a model with a single output layer
        activations = [activations]
    return tf.add_n([tf.reduce_mean(a) for a in activations])


print(f"the photo's loss: {float(dream_loss(dream_model, photo)):.3f}")

# %% [markdown]
# ## 3. The ascent step
#
# One step of gradient **ascent** on the image:
#
# 1. **jitter**: roll the image by a random shift (what leaves one side comes in at the other),
#    so that the network's fixed grid of strides does not print a regular pattern;
# 2. the gradient of the loss with respect to the image, by `GradientTape`;
# 3. **normalise** it: divide by its standard deviation, so that a step has the same size
#    whatever the layer (the gradient's size depends on the layer and on the image: on the
#    cat at 400 pixels its standard deviation is 0.0002 for `head_relu`, 0.0013 for `b7_out`);
# 4. add `step_size` times it, **clip** to the valid range $-1..1$, and roll back.
#
# `tf.function` compiles the step into a TensorFlow graph, which runs faster than one
# operation at a time.


# %%
@tf.function(reduce_retracing=True)
def ascent_step(model, image, shift, step_size):
    image = tf.roll(image, shift, axis=[0, 1])
    with tf.GradientTape() as tape:
        tape.watch(image)  # the image is not a weight: ask the tape to follow it
        loss = dream_loss(model, image)
    gradient = tape.gradient(loss, image)
    gradient /= tf.math.reduce_std(gradient) + 1e-8
    image = tf.clip_by_value(image + step_size * gradient, -1.0, 1.0)
    return tf.roll(image, -shift, axis=[0, 1]), loss


# %% [markdown]
# ## 4. Octaves
#
# A network's units respond to patterns of a certain size *in pixels*. Dreaming on the
# photo at its full size only, the patterns stay small. **Octaves** make them bigger: start at
# the smallest of `OCTAVES` sizes (each `OCTAVE_SCALE` times smaller than the next), dream
# there, enlarge the result to the next size, dream again, and so on up to the full size. A
# pattern painted at a small size is enlarged with the image.
#
# Enlarging a small image blurs it. So at each new size we add back the **lost detail**: the
# difference between the photo at that size and the photo shrunk to the previous size and
# enlarged again. The dream keeps its patterns and the photo gets its sharpness back.


# %%
def dream(model, image, octaves=OCTAVES, scale=OCTAVE_SCALE, steps=STEPS, seed=SEED,
          step_size=STEP_SIZE, keep_every_step=False):  # fmt: skip
    """DeepDream by octaves; returns the dreamed image (and, if asked, the image after every
    step with its loss, for a single octave)."""
    jitter = np.random.default_rng(seed)
    sizes = lesson.octave_sizes(*image.shape[:2], octaves, scale)
    dreamed = tf.image.resize(image, sizes[0])
    images, losses = [dreamed.numpy()], []
    for previous, size in zip([None, *sizes], sizes, strict=False):
        if previous is not None:
            blurred = tf.image.resize(tf.image.resize(image, previous), size)
            dreamed = tf.image.resize(dreamed, size) + (tf.image.resize(image, size) - blurred)
        for _ in range(steps):
            shift = tf.constant(jitter.integers(-JITTER, JITTER + 1, size=2), tf.int32)
            dreamed, loss = ascent_step(model, dreamed, shift, tf.constant(step_size))
            if keep_every_step:
                images.append(dreamed.numpy())
                losses.append(float(loss))
    if keep_every_step:
        return np.stack(images), np.array([*losses, float(dream_loss(model, dreamed))])
    return dreamed.numpy()


print("octave sizes:", lesson.octave_sizes(*photo.shape[:2], OCTAVES, OCTAVE_SCALE))
started = time.perf_counter()
dreamed = dream(dream_model, photo)
dream_seconds = time.perf_counter() - started
print(f"{OCTAVES * STEPS} steps in {dream_seconds:.1f} s")
lesson.show_images({"the photo": photo, f"dreamed on {' + '.join(LAYERS)}": dreamed})

# %% [markdown]
# Eyes everywhere, framed by swirls: ImageNet's photos are full of animals (more than a
# hundred of its classes are dog breeds), so eyes and fur are among the parts its middle
# layers have learnt to detect, and the cat's own eyes, ears and whiskers gave them plenty
# to start from. The cat is still there: its eyes, nose and the outline of its head.
#
# What did the ascent do, in numbers? The loss rose (it starts below 0: a block's output
# is a sum with no ReLU after it, so it can be negative), the picture changed by a bounded
# amount, and the classifier's view of it changed:

# %%
loss_before = float(dream_loss(dream_model, photo))
loss_after = float(dream_loss(dream_model, dreamed))
correlation = lesson.pixel_correlation(photo, dreamed)
print(f"loss: {loss_before:.2f} -> {loss_after:.2f}; pixel correlation with the photo "
      f"{correlation:.3f}")  # fmt: skip
checks.expect_at_least("the chosen layers' mean activation: rise", loss_after - loss_before, 2.5)
checks.expect_between("pixel correlation of the dream with the photo", correlation, 0.85, 0.97)
views = lesson.top_classes(classifier, {"the photo": photo, "the dream": dreamed})
views

# %%
cat_class = 285  # Egyptian cat
probabilities = [
    lesson.class_probability(classifier, image, cat_class) for image in (photo, dreamed)
]
print(f"P(Egyptian cat): photo {probabilities[0]:.3f}, dream {probabilities[1]:.3f}")
checks.expect_at_least("P(Egyptian cat) of the photo", probabilities[0], 0.5)
checks.expect_at_most("P(Egyptian cat) of the dream", probabilities[1], 0.1)

# %% [markdown]
# The classifier no longer sees a cat: it sees coral, bubbles, sea anemones and shells,
# things of round, repeated, brightly coloured structure. That is what the dream painted:
# patterns that excite the middle of the network, not more "cat".

# %% [markdown] tags=["notes"]
# Say: the network is not trained here at all; the image is. Ask the room: "Why normalise
# the gradient?" (expected answer: its size depends on the layer and on the image;
# dividing by its standard deviation makes every step move the pixels by about the same
# amount, so one STEP_SIZE works for every layer). Then show the classifier's view: the dream
# is no longer a cat to the network that made it.

# %% [markdown]
# ## 5. Octaves against a single scale
#
# The same number of steps, 60, all at the full size: no octaves. To compare the *size* of
# the painted patterns, we split the change (dream minus photo) into waves with a 2-D
# Fourier transform and measure the share of its energy in waves longer than 16 pixels.

# %%
single_scale = dream(dream_model, photo, octaves=1, steps=OCTAVES * STEPS)
lesson.show_images({"3 octaves x 20 steps": dreamed, "1 scale x 60 steps": single_scale})

# %%
large_share = {
    "octaves": lesson.large_pattern_share(photo, dreamed),
    "single scale": lesson.large_pattern_share(photo, single_scale),
}
print("share of the change's energy in patterns > 16 px:",
      {k: round(v, 3) for k, v in large_share.items()})  # fmt: skip
ratio = large_share["octaves"] / large_share["single scale"]
checks.expect_at_least("large patterns: octaves over single scale", ratio, 1.8)

# %% [markdown]
# With octaves the eyes are large and few; at a single scale they are small and many, like
# a rash. Over jitter seeds 0 to 2, octaves put about 10% of the change's energy into
# patterns larger than 16 pixels, a single scale about 4%: two and a half times less.

# %% [markdown] tags=["notes"]
# Say: a unit of a convolutional network sees a patch of a fixed number of pixels. Dreaming
# on a small copy first lets the patterns it paints cover a larger part of the picture once
# enlarged. Ask the room: "Why add back the lost detail instead of just enlarging?"
# (expected answer: enlarging blurs; without the detail the photo would come out soft and
# only the dream's patterns would be sharp).

# %% [markdown]
# ## 6. The layer decides the dream
#
# The same dream (3 octaves of 20 steps) on one layer at a time: `b1_out`, early in the
# network (a quarter of the image's size, 24 channels); `b4_out`, in the middle;
# `head_relu`, the last feature map before the classifier.

# %%
layer_dreams = {}
for name in progress.bar(["b1_out", "b4_out", "head_relu"], "dreaming, one layer at a time"):
    layer_dreams[name] = dream(keras.Model(network.input, network.get_layer(name).output), photo)
layer_dreams = {name: layer_dreams[name] for name in ("b1_out", "b4_out")} | {
    " + ".join(LAYERS): dreamed,
    "head_relu": layer_dreams["head_relu"],
}  # in the network's order
lesson.show_images(layer_dreams, "the same dream on different layers")

# %%
changes = {name: lesson.mean_change(photo, image) for name, image in layer_dreams.items()}
correlations = {
    name: lesson.pixel_correlation(photo, image) for name, image in layer_dreams.items()
}
print("mean change per pixel:", {k: round(v, 3) for k, v in changes.items()})
print("correlation with the photo:", {k: round(v, 3) for k, v in correlations.items()})
checks.expect_at_least(
    "mean change: b1_out over head_relu", changes["b1_out"] / changes["head_relu"], 1.7
)
checks.expect_at_least(
    "correlation with the photo: head_relu minus b1_out",
    correlations["head_relu"] - correlations["b1_out"],
    0.1,
)

# %% [markdown]
# - **Early (`b1_out`)**: units that respond to edges and stripes of a few pixels. Every
#   step strengthens them all over the picture, and the photo drowns in a fine striped
#   texture: overcooked. It changes the pixels most (about 0.20 per value, against 0.09 for
#   `head_relu`), and its correlation with the photo is lowest (0.77).
# - **Middle (`b4_out`, and blocks 7 + 10)**: textures and parts: scales, rings, eyes. The
#   classic dream.
# - **Late (`head_relu`)**: units for whole objects and large parts of them, each seeing
#   most of the image. Here the same number of steps changes the picture least
#   (correlation 0.93): faint, fine marks, the cat intact.
#
# (Over jitter seeds 0 to 2 these figures moved by less than 0.005.)

# %% [markdown] tags=["notes"]
# Say: the three pictures are the same recipe on three layers. Ask the room: "Which layer
# would you pick to make the cat look like a painting, and which to find hidden animals?"
# (expected answer: early layers for texture and brush strokes, middle ones for eyes and
# animal parts). Point out that the early layer changes the pixels most although its dream
# has the least "content".

# %% [markdown]
# ## 7. Explore: layer and steps
#
# A small version of the photo (144 pixels wide, one scale, steps of 0.03: a little larger
# than 0.02, so that 30 steps go far) dreamed on five layers, every step kept, so that
# moving the controls only redraws. Pick a layer and move the steps slider: watch the objective climb
# and the patterns grow. Which layer paints stripes, which one rings? Which one changes the
# picture most after 5 steps? After 30?

# %%
small = lesson.load_photo("cat", 144)
trajectories, objectives = {}, {}
for name in progress.bar(["b1_out", "b4_out", "b7_out", "b10_out", "head_relu"], "precomputing"):
    model = keras.Model(network.input, network.get_layer(name).output)
    trajectories[name], objectives[name] = dream(model, small, octaves=1, steps=30, step_size=0.03,
                                                 keep_every_step=True)  # fmt: skip
for name, losses in objectives.items():
    checks.expect_at_least(
        f"{name}: objective after 30 steps minus before", losses[-1] - losses[0], 0.5
    )
lesson.dream_explorer(trajectories, objectives)

# %% [markdown] tags=["notes"]
# Show: start on b1_out at 30 steps (a fine diagonal grid everywhere), then b10_out (rings
# and swirls around the eyes), then head_relu (fine marks, the cat intact). Drag the steps
# slider from 0 on b10_out: the objective curve climbs and the patterns grow stronger. At
# this small size and one scale no new eyes appear: that is what octaves and larger images
# bought in sections 4 and 5.

# %% [markdown]
# ## 8. What a bigger image, more steps or a GPU buy
#
# Each step costs one forward and one backward pass, so its time grows with the number of
# pixels. Measured here, on this machine:

# %%
step_seconds = {}
for size in (224, 400):
    image, seconds = tf.constant(lesson.load_photo("cat", size)), []
    for _ in range(12):  # the first calls at a new size compile the step: not counted
        started = time.perf_counter()
        ascent_step(dream_model, image, tf.constant([5, 5]), tf.constant(STEP_SIZE))[0].numpy()
        seconds.append(time.perf_counter() - started)
    step_seconds[size] = float(np.median(seconds[2:]))
    print(f"{size} px ({image.shape[0]} x {image.shape[1]}): {step_seconds[size]:.3f} s per step")
    checks.record(f"seconds per step at {size} px", step_seconds[size])

# %% [markdown]
# The step's time grows with the number of pixels, a little less than in proportion. In
# CPU time (which other jobs on a shared machine disturb less than the clock), one step on
# this course's 2-core CPU took 0.028 s at 224 pixels (149 x 224), 0.067 s at 400 (3.2 times
# the pixels, 2.4 times the time) and 0.22 s at 800 (4 times the pixels of 400, 3.4 times the
# time). With little else running, a 400-pixel step took about 0.035 s on the clock and the
# whole 60-step dream about 2.5 s; with two other jobs on the machine, two to six times that,
# as the numbers above may show. A big image also wants more octaves, since the painted
# patterns keep their size in pixels. A GPU was not measured here; there, try
# `IMAGE_SIZE = 800`, `OCTAVES = 4` and `STEPS = 40`. More steps make the patterns stronger
# and more saturated: watch the explorer between 10 and 30 steps.

# %% [markdown]
# ## Summary
#
# - DeepDream keeps a trained classifier fixed and changes the image by gradient **ascent**
#   on the mean activation of chosen layers.
# - The step: roll the image by a random shift (jitter), take the gradient with
#   `GradientTape`, divide it by its standard deviation, add `step_size` times it, clip to
#   the valid range, roll back.
# - **Octaves**: dream small first, enlarge, add back the detail that shrinking lost, dream
#   again; the patterns get larger (2.5 times more of the change in patterns over 16 pixels).
# - The **layer** decides the dream: early layers overcook the picture with fine stripes,
#   middle layers paint eyes and swirls, late layers change it least.
# - The classifier that made the dream no longer sees a cat in it, but coral and shells.

# %% [markdown]
# ## Exercises
#
# Each exercise has a cell for your code, a self-check that says PASS or gives a hint, and a
# hidden solution cell below it (click to expand; running it shows the check passing).

# %% [markdown]
# ### Exercise 1: the ascent step
#
# Write `numpy_ascent_step(image, gradient, step_size)`: the step of section 3 in NumPy: the image after one step of
# normalised gradient **ascent** (the gradient divided by its standard deviation plus
# `1e-8`), clipped to the valid range $-1..1$. (No jitter here: that is done around it.)


# %% tags=["exercise"]
def numpy_ascent_step(image, gradient, step_size):
    return None  # YOUR CODE HERE


lesson.exercise_ascent_step(numpy_ascent_step)


# %% tags=["solution"]
def numpy_ascent_step(image, gradient, step_size):
    return np.clip(image + step_size * gradient / (gradient.std() + 1e-8), -1, 1)


lesson.exercise_ascent_step(numpy_ascent_step)

# %% [markdown]
# ### Exercise 2: the octave sizes
#
# Write `octave_sizes(height, width, octaves, scale)`: the list of `octaves` (height, width)
# pairs, smallest first, each `scale` times smaller than the next, the last one the image's
# own size; round each size to whole pixels.


# %% tags=["exercise"]
def octave_sizes(height, width, octaves, scale):
    return None  # YOUR CODE HERE


lesson.exercise_octave_sizes(octave_sizes)


# %% tags=["solution"]
def octave_sizes(height, width, octaves, scale):
    return [(round(height / scale**i), round(width / scale**i)) for i in range(octaves - 1, -1, -1)]


lesson.exercise_octave_sizes(octave_sizes)

# %% [markdown]
# ### Exercise 3: the lost detail
#
# Write `lost_detail(image, smaller)`: what the image loses when it is shrunk to the size
# `smaller` = (height, width) and enlarged back to its own size, both with `tf.image.resize`
# (its default, bilinear). It is what `dream` adds back at each octave.


# %% tags=["exercise"]
def lost_detail(image, smaller):
    return None  # YOUR CODE HERE


lesson.exercise_lost_detail(lost_detail)


# %% tags=["solution"]
def lost_detail(image, smaller):
    return image - tf.image.resize(tf.image.resize(image, smaller), image.shape[:2])


lesson.exercise_lost_detail(lost_detail)
