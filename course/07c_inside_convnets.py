# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Convolutional networks III: looking inside a convnet
#
# **What you will learn**
#
# - what a trained ImageNet network computes layer by layer: its **feature maps**, from edges
#   at the bottom to parts of objects at the top, while the resolution falls and the channels
#   grow;
# - how much of the photo one unit sees (its receptive field), measured with a gradient;
# - what a channel looks for: patterns made by **gradient ascent on the input**;
# - where the network looks when it names a class: **Grad-CAM** heatmaps, checked against boxes
#   drawn around the objects, and how the map moves when we ask for another class.
#
# **What you need**: lessons 07a (convolution, receptive fields) and 07b (the pretrained
# EfficientNet-Lite0 and its photos). The lesson runs in about a minute on a 2-core laptop CPU.

# %%
import time

import keras
import numpy as np
import tensorflow as tf

from helpers import checks, datasets, plotting, pretrained, progress
from helpers.lessons import inside_convnets as lesson

plotting.use_course_style()
SEED = 0
keras.utils.set_random_seed(SEED)  # the noise that gradient ascent starts from

# The layers we look at: the stem, blocks 1, 3, 5 and 12 and the head (the last feature map).
LAYERS = ["stem_relu", "b1_out", "b3_out", "b5_out", "b12_out", "head_relu"]
# Settings that cost time (gradient ascent). On a GPU try ASCENT_STEPS = 40 and sizes to 224.
PATTERN_LAYERS = ["b1_out", "b5_out", "b12_out"]  # low, middle, high
PATTERNS_PER_LAYER = 6
ASCENT_SIZES = (64, 90, 128)  # the pattern grows through these sizes ("octaves")
ASCENT_STEPS = 12  # gradient-ascent steps at each size
ASCENT_STEP_SIZE = 0.05

# %% [markdown] tags=["notes"]
# Say: the last convnet lesson opens up the ImageNet network of lesson 07b: its feature maps layer
# by layer, how much of the photo one unit sees, what a channel looks for, and where the network
# looks for a class (Grad-CAM), each checked by a number. It runs in about a minute of CPU. Ask the
# room: "What do you expect the first layers to respond to, and what the last ones?" (expected
# answer: edges and colours at the bottom, parts of objects at the top).

# %% [markdown]
# ## 1. The network and its photos
#
# Lesson 07b loaded EfficientNet-Lite0, a convnet trained on the 1.3 million photos of
# ImageNet, and let it name four photos. We load it again, this time with two changes: it
# accepts photos of any size (`(None, None, 3)`), which gradient ascent will need, and it
# returns the class **scores** before the softmax (`logits=True`), which Grad-CAM will need.
# `tf.nn.softmax` turns the scores into probabilities.

# %%
model = pretrained.load_efficientnet_lite0((None, None, 3), logits=True)
photo_names = list(datasets.PHOTOS)
photos = np.stack([pretrained.resize_for_model(datasets.load_photo(n)) for n in photo_names])
logits = model.predict(pretrained.preprocess(photos), verbose=0)
top_classes = pretrained.decode_predictions(tf.nn.softmax(logits).numpy())
lesson.show_top_classes(photos, top_classes, photo_names)

# %%
top1 = {name: row[0][1] for name, row in zip(photo_names, top_classes, strict=True)}
checks.expect_equal("top-1 class of the cat", top1["cat"], "Egyptian cat")
checks.expect_equal("top-1 class of the coffee", top1["coffee"], "espresso")

# %% [markdown]
# The cat and the coffee are named right, with probabilities of 0.78 and 0.74. ImageNet's
# 1000 classes have no astronaut and no rocket: the network answers with the nearest things it
# knows (a bobsled and a football helmet, a drilling platform and a missile). Keep these
# answers in mind; Grad-CAM will show what in each photo they come from.
#
# ## 2. Feature maps, layer by layer
#
# Every layer turns its input into a stack of **feature maps**, one per channel. A Keras
# model with several outputs returns the maps of all the layers we name in one pass.

# %%
feature_model = keras.Model(model.input, [model.get_layer(name).output for name in LAYERS])
outputs = feature_model.predict(pretrained.preprocess(photos), verbose=0)
feature_maps = dict(zip(LAYERS, outputs, strict=True))  # layer -> (photos, height, width, channels)
for name, maps in feature_maps.items():
    print(f"{name:10s} {maps.shape[1:]}")

# %%
shapes = [maps.shape[1:] for maps in feature_maps.values()]
expected = [(112, 112, 32), (56, 56, 24), (28, 28, 40), (14, 14, 80), (7, 7, 192), (7, 7, 1280)]
checks.expect_equal("feature map shapes, stem to head", shapes, expected)

# %% [markdown]
# The resolution halves at each stride-2 stage, from 224 pixels to 112 after the stem and to
# 7 at the head, while the number of channels grows from 24 (block 1) to 1280: the network
# trades *where* for *what*. Here are the cat's maps: in each row the mean over all channels,
# then the 8 channels with the highest mean activation. Each panel has its own scale (yellow is
# high).

# %%
lesson.show_feature_maps({name: maps[0] for name, maps in feature_maps.items()})

# %% [markdown]
# The stem's maps are the photo itself, filtered: edges in some directions, colours, light and
# dark. Block 1's still show the eyes and the stripes of the fur. From block 3 on, the maps no
# longer look like the cat; at the head, the strongest channels light up the middle of the
# photo, where the face is, many of them up to ReLU6's ceiling of 6.
#
# **From pixels to meaning.** Low-level features are in every photo (edges and colours), high
# ones belong to what a photo shows. Average the maps of the stem (`stem_relu`) and of the head
# (`head_relu`) over the positions, so that each photo becomes one vector per layer, and compare
# the four photos by the cosine of the angle between their vectors (1: same direction). Both
# layers end in a ReLU, so their features are never negative and the cosines comparable.


# %%
def cosines_between_photos(maps):
    """Cosine similarity of the position-averaged features of every pair of photos."""
    pooled = maps.mean(axis=(1, 2))
    unit = pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
    similarity = unit @ unit.T
    return similarity[np.triu_indices(len(maps), k=1)]  # the 6 pairs


stem_cosines = cosines_between_photos(feature_maps["stem_relu"])
head_cosines = cosines_between_photos(feature_maps["head_relu"])
print("stem:", stem_cosines.round(2), "\nhead:", head_cosines.round(2))
checks.expect_at_least("stem: least similar pair of photos", stem_cosines.min(), 0.85)
checks.expect_at_most("head: most similar pair of photos", head_cosines.max(), 0.45)
head_zeros = np.mean(feature_maps["head_relu"] == 0)
checks.expect_at_least("head: share of zero activations", head_zeros, 0.8)

# %% [markdown]
# At the stem every pair of photos looks alike (cosines of 0.94 and more): all four are made
# of the same edges and colours. (The grey padding adds to the likeness of the three padded
# photos, 0.99; the astronaut, which has none, still reaches 0.94 with each.) At the head they
# differ (0.26 at most), and most head features are exactly zero (91%): each one fires for a
# few things and is silent otherwise.
#
# ### How much of the photo does one unit see?
#
# Lesson 07a computed the **receptive field** of a stack of layers: each layer with a $k \times
# k$ window adds $(k - 1) \cdot$ jump pixels, where the jump, the product of the strides so far,
# is the distance between neighbouring units in input pixels. Here it is for the real network,
# read from its layers (1x1 convolutions add nothing), and then measured: the gradient of the
# unit in the middle of a map with respect to the input pixels is nonzero exactly where the
# unit can see.


# %%
def receptive_field(layer_name):
    field, jump = 1, 1
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D | keras.layers.DepthwiseConv2D):
            field += (layer.kernel_size[0] - 1) * jump
            jump *= layer.strides[0]
        if layer.name == layer_name:
            return field


def footprint(layer_name, photo):
    """The input pixels on which the middle unit of a layer's map depends (all its channels)."""
    layer_model = keras.Model(model.input, model.get_layer(layer_name).output)
    image = tf.constant(pretrained.preprocess(photo[None]))
    with tf.GradientTape() as tape:
        tape.watch(image)
        maps = layer_model(image)
        middle = maps.shape[1] // 2
        unit = tf.reduce_sum(maps[0, middle, middle])
    return np.abs(tape.gradient(unit, image)[0].numpy()).sum(axis=-1) > 0


footprints, widths = {}, {}
for name in ["b1_out", "b3_out", "b5_out", "b12_out"]:
    mask = footprint(name, photos[0])
    widths[name] = int(mask.any(axis=0).sum())  # columns the unit sees
    footprints[f"{name}: field {receptive_field(name)}, sees {widths[name]} px"] = mask
lesson.show_footprints(photos[0], footprints)

# %%
for name in ["b1_out", "b3_out", "b5_out"]:
    checks.expect_equal(
        f"{name}: width seen = receptive field", widths[name], receptive_field(name)
    )
checks.expect_equal("b12_out: width seen (the whole photo)", widths["b12_out"], 224)

# %% [markdown] tags=["notes"]
# Say: the network trades where for what: resolution halves at each stride-2 stage while the
# channels grow, from 24 in block 1 to 1280 at the head. At the stem every pair of photos looks
# alike (cosines of 0.94 and more), at the head they differ (0.26 at most) and 91% of the head
# features are exactly zero. Ask the room: "Why do all photos look alike to the stem?" (expected
# answer: every photo is made of the same edges and colours; only high layers respond to what a
# photo shows).

# %% [markdown]
# A unit of block 1 sees 11 x 11 pixels, enough for an edge or a corner; one of block 5 sees
# 83 x 83, enough for an eye; from block 12 on (a field of 531 pixels) each unit can see the
# whole photo. That is why the high layers can respond to a face rather than to a stripe.
#
# ## 3. What does a channel look for? Patterns by gradient ascent
#
# A feature map shows *where* a channel fires in one photo. To see *what* it fires for, turn
# training around: keep the network fixed and change the **image** to make one channel's mean
# activation as large as possible, by gradient **ascent** on the pixels. Three tricks make the
# result look like a pattern rather than noise:
#
# - **normalized gradient**: divide the gradient by its standard deviation, so that each step
#   changes the pixels by about the same amount whatever the layer;
# - **jitter**: shift the image by a few random pixels before each step (and back after), so
#   that no pixel-exact trick survives;
# - **octaves**: start small (64 px) and enlarge the image twice, so large shapes form first and
#   details later.
#
# One batch holds one image per channel: image $i$ climbs the activation of channel $i$ only
# (the images do not interact), so one pass serves all the channels of a layer. We take, for
# each layer, the six channels that the cat excites most.


# %%
def channel_patterns(layer_name, channels):
    """One image per channel, each grown by gradient ascent to excite its channel."""
    layer_model = keras.Model(model.input, model.get_layer(layer_name).output)
    targets = tf.one_hot(channels, layer_model.output.shape[-1])  # image i -> channel i

    @tf.function(reduce_retracing=True)
    def ascent_step(images, shift):
        images = tf.roll(images, shift, axis=[1, 2])  # jitter
        with tf.GradientTape() as tape:
            tape.watch(images)
            activations = tf.reduce_mean(layer_model(images), axis=[1, 2])  # (images, channels)
            score = tf.reduce_sum(activations * targets)
        gradients = tape.gradient(score, images)
        gradients /= tf.math.reduce_std(gradients, axis=[1, 2, 3], keepdims=True) + 1e-8
        images = tf.clip_by_value(images + ASCENT_STEP_SIZE * gradients, -1.0, 1.0)
        return tf.roll(images, -shift, axis=[1, 2])

    rng = np.random.default_rng(SEED)
    start = rng.uniform(-0.1, 0.1, (len(channels), ASCENT_SIZES[0], ASCENT_SIZES[0], 3))
    images = tf.constant(start, tf.float32)  # faint noise around grey (preprocessed 0)
    for size in ASCENT_SIZES:
        images = tf.image.resize(images, (size, size), method="bicubic")
        for _ in range(ASCENT_STEPS):
            images = ascent_step(images, tf.constant(rng.integers(-4, 5, size=2)))
    return images.numpy()


patterns, pattern_channels = {}, {}
started = time.perf_counter()
for name in progress.bar(PATTERN_LAYERS, "layers"):
    pattern_channels[name] = lesson.strongest_channels(feature_maps[name][0], PATTERNS_PER_LAYER)
    patterns[name] = channel_patterns(name, pattern_channels[name])
seconds_per_pattern = (time.perf_counter() - started) / (len(PATTERN_LAYERS) * PATTERNS_PER_LAYER)
checks.record("gradient ascent: seconds per pattern", seconds_per_pattern)
print(f"{seconds_per_pattern:.2f} s per pattern")
lesson.show_patterns(patterns, pattern_channels)

# %% [markdown]
# Block 1's channels want stripes and colours at one angle and one spacing: oriented edges,
# repeated. Block 5's want textures: grids, waves, scales. Block 12's patterns hold whole
# shapes, among them eyes and fur, which fits channels chosen because the cat excites them.
# (The colours are exaggerated: each image is stretched to the full range to be seen.)
#
# Did the ascent work? Each pattern should drive its channel harder than any of our photos.

# %%
pattern_outputs = feature_model.predict(np.concatenate(list(patterns.values())), verbose=0)
ratios = []
for row, name in enumerate(PATTERN_LAYERS):
    channels = pattern_channels[name]
    rows = slice(row * PATTERNS_PER_LAYER, (row + 1) * PATTERNS_PER_LAYER)
    on_pattern = pattern_outputs[LAYERS.index(name)][rows].mean(axis=(1, 2))
    on_pattern = on_pattern[np.arange(PATTERNS_PER_LAYER), channels]
    on_photos = feature_maps[name].mean(axis=(1, 2))[:, channels].max(axis=0)
    ratios += list(on_pattern / on_photos)
print("pattern / best photo:", np.round(ratios, 1))
checks.expect_at_least("weakest pattern / best photo, same channel", min(ratios), 1.0)

# %% [markdown]
# Every pattern beats the best photo, most of them 4 to 9 times over. The weakest ones are in
# block 1, whose small patterns photos offer too (with seeds 0 to 5 the weakest ratio was
# between 1.3 and 1.5, every time in block 1).

# %% [markdown] tags=["notes"]
# Say: a unit of block 1 sees 11 x 11 pixels, one of block 5 sees 83 x 83, and from block 12 on a
# unit can see the whole photo; gradient ascent then shows what a channel wants: oriented stripes in
# block 1, textures in block 5, whole shapes such as eyes and fur in block 12. Ask the room: "How do
# we know the generated patterns are what the channel really wants?" (expected answer: the check
# shows each pattern drives its channel harder than any of the photos, most of them 4 to 9 times
# over).

# %% [markdown]
# ## 4. Where does the network look? Grad-CAM
#
# **Grad-CAM** (Selvaraju et al., 2017) asks which positions of the last feature map,
# `head_relu` (7 x 7 x 1280), raise a class's score:
#
# 1. the gradient of the class score (before softmax) with respect to each feature map says how
#    much that channel matters for the class; averaged over the 7 x 7 positions it gives one
#    **weight per channel**;
# 2. the weighted sum of the 1280 maps gives one 7 x 7 map, and a **ReLU** keeps the positions
#    that speak *for* the class;
# 3. enlarged to the photo's size, it is drawn over the photo.
#
# As with gradient ascent, a batch can hold several copies of a photo, each asking for its own
# class: we compute the heatmaps of every photo's top-5 classes in one pass per photo.

# %%
grad_model = keras.Model(model.input, [model.get_layer("head_relu").output, model.output])


def grad_cam(images, class_indices):
    """Grad-CAM heatmaps (n, 7, 7): image i explained for class class_indices[i]."""
    with tf.GradientTape() as tape:
        maps, scores = grad_model(pretrained.preprocess(images))
        class_scores = tf.gather(scores, class_indices, batch_dims=1)  # each image's own class
    gradients = tape.gradient(class_scores, maps)
    weights = tf.reduce_mean(gradients, axis=[1, 2])  # one weight per channel: (n, 1280)
    heatmaps = tf.einsum("nhwc,nc->nhw", maps, weights)  # weighted sum of the channels
    return tf.nn.relu(heatmaps).numpy()


top5 = np.array([[index for index, _, _ in row] for row in top_classes])  # (photos, 5)
heatmaps = []
for photo, classes in progress.bar(list(zip(photos, top5, strict=True)), "photos"):
    copies = np.repeat(photo[None], len(classes), axis=0)  # one copy per class asked for
    heatmaps.append(grad_cam(copies, classes))
heatmaps = np.stack(heatmaps)
print("heatmaps:", heatmaps.shape)  # (photos, top-5, 7, 7)

# %% [markdown]
# To check that a heatmap sits on the object, we drew boxes by looking at the photos (in the
# 224 x 224 pixels the network sees; rows from the top, columns from the left): the cat's face
# from the forehead to the chin, where the photo ends, and from cheek to cheek, is rows 48 to
# 186 and columns 16 to 184; the coffee cup (without the saucer) is rows 40 to 144, columns 56
# to 184. We enlarge each heatmap to 224 x 224 (bilinear) and measure the share of its heat
# inside the box.

# %%
CAT_FACE = (48, 16, 186, 184)  # top, left, bottom, right
COFFEE_CUP = (40, 56, 144, 184)


def share_inside(heatmap, box):
    heat = tf.image.resize(heatmap[..., None], (224, 224)).numpy()[..., 0]
    top, left, bottom, right = box
    return heat[top:bottom, left:right].sum() / heat.sum()


titles = [f"{name}: {row[0][1]}" for name, row in zip(photo_names, top_classes, strict=True)]
boxes = [CAT_FACE, COFFEE_CUP, None, None]
lesson.show_heatmaps(photos, heatmaps[:, 0], titles, boxes)

# %%
for index, name, box, least in [(0, "cat", CAT_FACE, 0.65), (1, "coffee", COFFEE_CUP, 0.55)]:
    area = (box[2] - box[0]) * (box[3] - box[1]) / 224**2
    print(f"{name}: the box covers {area:.0%} of the input")
    share = share_inside(heatmaps[index, 0], box)
    checks.expect_at_least(f"{name}: share of the heat in the box", share, least)

# %% [markdown]
# About three quarters of the cat's heat (0.75) lies on its face, in a box that covers 46% of
# the input (the heat avoids the grey padding too), and two thirds of the espresso's (0.68) on
# the cup, in 27% of the input. Shifting the photos by up to 16 pixels or mirroring them, with
# the boxes moved along, gave shares from 0.75 to 0.81 for the cat and from 0.65 to 0.69 for
# the cup: the checks' 0.65 and 0.55 leave room. The astronaut's "bobsled" comes from the
# helmet and the suit, the rocket's "drilling platform" from the launch towers and the
# rocket: wrong names, for reasons we can see.
#
# ### Ask for another class
#
# The astronaut photo holds two things ImageNet knows: a space shuttle (top right) and a
# helmet (bottom right). Ask Grad-CAM about each class in turn: the heat should move.

# %%
SHUTTLE = (0, 160, 100, 212)
HELMET = (144, 128, 224, 224)
class_names = pretrained.imagenet_class_names()
asked = [class_names.index("space shuttle"), class_names.index("football helmet")]
astronaut_maps = grad_cam(np.repeat(photos[2:3], 2, axis=0), asked)
lesson.show_heatmaps(
    np.repeat(photos[2:3], 2, axis=0),
    astronaut_maps,
    [f"astronaut, asked: {class_names[c]}" for c in asked],
    [SHUTTLE, HELMET],
)

# %%
shares = {
    (box_name, class_names[c]): share_inside(heatmap, box)
    for heatmap, c in zip(astronaut_maps, asked, strict=True)
    for box_name, box in [("shuttle box", SHUTTLE), ("helmet box", HELMET)]
}
for key, share in shares.items():
    print(f"{key[1]:16s} heat in the {key[0]}: {share:.3f}")
shuttle_share = shares["shuttle box", "space shuttle"]
helmet_share = shares["helmet box", "football helmet"]
checks.expect_at_least("space shuttle: share in the shuttle box", shuttle_share, 0.3)
checks.expect_at_least("football helmet: share in the helmet box", helmet_share, 0.3)
checks.expect_at_least(
    "shuttle box: heat for 'space shuttle' / for 'football helmet'",
    shuttle_share / shares["shuttle box", "football helmet"],
    5,
)
checks.expect_at_least(
    "helmet box: heat for 'football helmet' / for 'space shuttle'",
    helmet_share / shares["helmet box", "space shuttle"],
    2,
)

# %% [markdown]
# Same photo, same feature maps, another class: other channel weights, another heatmap. Asked
# for a space shuttle (a class with a probability of only 0.003 here), the network points at
# the shuttle (0.42 of the heat in a box of 10% of the photo); asked for a football helmet, at
# the helmet (0.49), and the two maps hardly overlap.
#
# **Grad-CAM is a vote count here.** After `head_relu` this network only averages the 7 x 7
# positions and applies one `Dense` layer, so the gradient of a class score with respect to
# channel $k$ at any position is that layer's weight $w_{kc}$ divided by 49, whatever the
# photo. Grad-CAM's map before the ReLU is then each position's own contribution to the
# class score, and the 49 contributions add up to the score minus the class's bias. (For such
# networks Grad-CAM is the older CAM of Zhou et al., 2016.) Checked on the cat:

# %%
kernel, bias = model.get_layer("predictions").get_weights()
cat_class = top5[0, 0]
votes = feature_maps["head_relu"][0] @ kernel[:, cat_class] / 49  # (7, 7) contributions
checks.expect_close(
    "cat: the votes add up to the score minus the bias",
    votes.sum(),
    logits[0, cat_class] - bias[cat_class],
    rtol=1e-3,
)
checks.expect_close(
    "cat: Grad-CAM = ReLU(votes)", heatmaps[0, 0], np.maximum(votes, 0), rtol=1e-3, atol=1e-3
)

# %% [markdown] tags=["notes"]
# Say: Grad-CAM weighs the last feature maps by how much each channel raises a class's score; the
# lesson checks the heat against boxes drawn by hand: about three quarters of the cat's heat on its
# face, two thirds of the espresso's on the cup. Ask the room: "The network calls the astronaut a
# bobsled; is it looking at nothing sensible?" (expected answer: no, the heat sits on the helmet and
# the suit: a wrong name for reasons we can see; asked for football helmet, it points at the
# helmet).

# %% [markdown]
# ## 5. Explore: feature maps and Grad-CAM, photo by photo
#
# Pick a photo, a layer and a channel, and one of the photo's top-5 classes for Grad-CAM. On
# the left the Grad-CAM heatmap for that class; in the middle the channel's feature map at its
# own resolution, with its rank among the photo's channels (by mean activation); on the right
# its positive part laid over the photo. Everything was computed above, so each change only
# redraws.
#
# Things to try:
#
# - For the cat, compare channel 0 of `stem_relu` and of `b1_out` with those of `b12_out`:
#   where do they fire, on edges or on parts?
# - For the astronaut, step through the top-5 classes: which one looks at the helmet, which
#   at the suit?
# - Find a `head_relu` channel that fires on the cat's face but stays silent on the coffee.

# %%
lesson.feature_map_browser(photos, photo_names, feature_maps, heatmaps, top_classes)

# %% [markdown] tags=["notes"]
# Show: the browser; pick the astronaut, then switch the Grad-CAM class among its top 5 and ask the
# room to predict where the heat will move before each switch. Then choose a low layer and a high
# one for the same photo and ask which map will still look like the photo (expected answer: the low
# one; at the head the map is 7 x 7 and lights up where the object is). Everything is precomputed,
# so each change only redraws.

# %% [markdown]
# ## Summary
#
# - A convnet's **feature maps** lose resolution and gain channels from layer to layer (here
#   112 x 112 x 32 after the stem, 7 x 7 x 1280 at the head). Low layers respond to edges and
#   colours that all photos share (cosines of 0.94 and more between their average features);
#   high layers to what a photo shows (0.26 at most), with mostly zero activations.
# - A unit's **receptive field** grows with each layer, from 11 pixels in block 1 to more than
#   the whole photo from block 12 on; the gradient of a unit with respect to the input shows it.
# - **Gradient ascent on the input** (normalized steps, jitter, octaves) shows what a channel
#   looks for: oriented stripes low down, textures in the middle, parts such as eyes high up.
# - **Grad-CAM** weighs the last feature maps by the average gradient of a class score and keeps
#   the positive part: on the cat about three quarters of the heat lies on the face, on the
#   coffee two thirds on the cup, and on the astronaut the map moves from the shuttle to the
#   helmet when we ask for the other class.

# %% [markdown]
# ## Exercises
#
# Each exercise has a cell for your code, a self-check that says PASS or gives a hint, and a
# hidden solution cell below it (click to expand; running it shows the check passing).
#
# ### Exercise 1: Grad-CAM's last step in NumPy
#
# Write `grad_cam_map(activations, gradients)` for ONE photo: both arrays have the shape
# (height, width, channels) of the last feature map, `gradients` holding the gradient of the
# class score. Return the heatmap (height, width): the ReLU of the channels weighted by the
# position-averaged gradients, divided by its maximum so that the hottest position is 1 (you
# may assume it has a positive position). The check tries it on arrays of its own, of more
# than one shape.


# %% tags=["exercise"]
def grad_cam_map(activations, gradients):
    raise NotImplementedError  # YOUR CODE HERE


lesson.exercise_grad_cam(grad_cam_map)


# %% tags=["solution"]
def grad_cam_map(activations, gradients):
    weights = gradients.mean(axis=(0, 1))  # one weight per channel
    heatmap = np.maximum((activations * weights).sum(axis=-1), 0)  # ReLU of the weighted sum
    return heatmap / heatmap.max()


lesson.exercise_grad_cam(grad_cam_map)

# %% [markdown]
# ### Exercise 2: a photo at its own size
#
# The network needs no 224 x 224 input: every layer is a convolution, and the pooling at the
# end averages whatever map it gets. Feed it the cat at its own size, 300 x 451 pixels
# (`datasets.load_photo("cat")`), and the Grad-CAM map gets more cells. What is the shape of
# `head_relu`'s output then, `(height, width, channels)` without the batch axis? Work it out
# from the strides (`pretrained.BLOCKS` lists the blocks; every convolution pads `same`), then
# check it with the model if you like.

# %% tags=["exercise"]
head_shape = None  # YOUR CODE HERE
lesson.exercise_head_shape(head_shape)

# %% tags=["solution"]
# Five layers have stride 2: the stem and the first block of four stages (b1, b3, b5, b11). With
# 'same' padding each gives ceil(n / 2): 300 -> 150 -> 75 -> 38 -> 19 -> 10 and
# 451 -> 226 -> 113 -> 57 -> 29 -> 15. head_conv makes 1280 channels.
head_shape = (10, 15, 1280)
cat_at_own_size = pretrained.preprocess(datasets.load_photo("cat")[None])
print(keras.Model(model.input, model.get_layer("head_relu").output)(cat_at_own_size).shape)
lesson.exercise_head_shape(head_shape)

# %% [markdown]
# ### Exercise 3: show the network an espresso
#
# Section 3 grew patterns that excite one channel. Do the same for a class: start from faint
# noise (as `channel_patterns` does) of 128 x 128 pixels and climb the **score** of class 967,
# espresso (`model(images)[:, 967]`), by normalized gradient ascent (no jitter or octaves
# needed), until the network gives your image a probability of at least 0.9. Keep the image
# in the network's input range [-1, 1], and pass it as the network takes it, one image of
# shape (128, 128, 3). About 30 steps of `ASCENT_STEP_SIZE` do it; `@tf.function` makes each
# step several times faster.

# %% tags=["exercise"]
espresso_image = None  # YOUR CODE HERE
lesson.exercise_espresso(model, espresso_image)

# %% tags=["solution"]
espresso = class_names.index("espresso")


@tf.function
def espresso_step(images):
    with tf.GradientTape() as tape:
        tape.watch(images)
        score = tf.reduce_sum(model(images)[:, espresso])
    gradients = tape.gradient(score, images)
    gradients /= tf.math.reduce_std(gradients) + 1e-8
    return tf.clip_by_value(images + ASCENT_STEP_SIZE * gradients, -1.0, 1.0)


rng = np.random.default_rng(SEED)
images = tf.constant(rng.uniform(-0.1, 0.1, (1, 128, 128, 3)), tf.float32)
for _ in range(30):
    images = espresso_step(images)
espresso_image = images[0].numpy()
# The network is sure; we see noise with a few curls: a "fooling image" (Nguyen et al., 2015).
# Jitter and octaves, as in section 3, make such images look more like their class.
print(f"p(espresso) = {tf.nn.softmax(model(images))[0, espresso]:.4f}")
lesson.exercise_espresso(model, espresso_image)
plotting.show_images(lesson.stretch(espresso_image)[None], ["espresso?"], size=3)
