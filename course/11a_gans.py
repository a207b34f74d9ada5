# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Generative models, part 4: generative adversarial networks
#
# **What you will learn**
#
# - how a **generative adversarial network** (GAN; Goodfellow et al., 2014) learns to make
#   digits without ever comparing a generated image with a real one: a **generator** turns
#   random noise into images, a **discriminator** tells real images from generated ones, and
#   each is trained against the other;
# - the two-player loss written out: the discriminator's binary cross-entropy and the
#   generator's **non-saturating** loss, and why the generator does not use the textbook
#   minimax form;
# - the training loop in plain sight: a custom `train_step` with two `GradientTape`s, one
#   update of each player per batch;
# - a small **DCGAN** (convolutional generator and discriminator) on MNIST: samples after each
#   epoch, both losses over time;
# - judging the samples with a classifier, against the VAE of lesson 10c; what **mode
#   collapse** looks like to that judge, and how its class coverage catches it;
# - a latent explorer widget: interpolate between two samples, move along latent directions.
#
# **What you need**: lesson 10c (the VAE, the judge of generated digits and its
# `sample_quality`), lesson 09 (custom training with `GradientTape`) and lesson 07a
# (convolutions). It runs in about one and a half minutes on a 2-core laptop CPU.

# %%
import keras
import numpy as np
import pandas as pd

from helpers import checks, datasets, plotting, progress, source_code
from helpers.lessons import gans as lesson
from helpers.lessons import variational_autoencoder as vae_lesson

plotting.use_course_style()
SEED = 0
keras.utils.set_random_seed(SEED)  # same weights, same batches, same samples on every run

# Settings that cost time. On a GPU try EPOCHS = 15 and TRAIN_SIZE = 60000 (what
# helpers/data/train_gan.py does).
EPOCHS = 3
TRAIN_SIZE = 20000  # the first 20,000 training digits for the short run
BATCH_SIZE = 128
CLASSIFIER_EPOCHS = 3
NUM_SAMPLES = 2000  # digits generated and judged by the classifier, as in lesson 10c
CONFIDENT = 0.9  # "recognised with confidence": the classifier's top probability above this

# %% [markdown]
# ## 1. Digits, and the judge
#
# MNIST, pixel values scaled to [0, 1], and the judge of lesson 10c: the same small classifier,
# trained on real digits in the same way. A good generated digit is one it recognises with
# confidence; a good generator makes all ten digits. `sample_quality` is lesson 10c's own.

# %%
(x_train, y_train), (x_test, y_test) = datasets.load_mnist()
x_train, x_test = (x_train / 255).astype("float32"), (x_test / 255).astype("float32")

judge = keras.Sequential(
    [
        keras.Input((28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ],
    name="judge",
)
judge.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
judge.fit(x_train, y_train, epochs=CLASSIFIER_EPOCHS, batch_size=BATCH_SIZE, verbose=0,
          callbacks=[progress.LearningCurves(["accuracy"], title="the judge")])  # fmt: skip
judge_accuracy = judge.evaluate(x_test, y_test, verbose=0)[1]
quality = {
    "real test digits": vae_lesson.sample_quality(judge.predict(x_test, verbose=0), CONFIDENT)
}
checks.expect_at_least("judge: test accuracy", judge_accuracy, 0.96)

# %% [markdown]
# ## 2. Two players
#
# The **generator** $G$ takes a point $z$ of a 32-dimensional latent space, drawn from the
# standard normal, and makes an image: a dense layer to 64 maps of 7 x 7, then two transposed
# convolutions (lesson 07a's convolution run backwards: each doubles the size, 7 to 14 to 28),
# batch normalization and leaky ReLUs between them, a sigmoid at the end for pixel values in
# (0, 1). The **discriminator** $D$ is a small convnet, the mirror image: two strided
# convolutions (28 to 14 to 7) and one output, a **logit**: positive means "real", negative
# means "generated"; $D(x) = \sigma(\text{logit})$ is its probability that $x$ is real.
# This is the DCGAN recipe (Radford et al., 2016): strided convolutions instead of pooling,
# batch normalization in the generator, leaky ReLUs in the discriminator.

# %%
source_code.show(lesson.build_generator, lesson.build_discriminator)
generator, discriminator = lesson.build_generator(), lesson.build_discriminator()
print(f"generator: {generator.count_params():,} weights, "
      f"discriminator: {discriminator.count_params():,}")  # fmt: skip

# %% [markdown]
# ## 3. The two-player loss
#
# The discriminator is a binary classifier: label 1 for real images, 0 for generated ones, and
# its loss is the binary cross-entropy, averaged over each batch:
#
# $$L_D = -\operatorname{mean}\log D(x) \;-\; \operatorname{mean}\log\bigl(1 - D(G(z))\bigr)$$
#
# The textbook game has the generator *maximise* that same loss, i.e. minimise
# $\log(1 - D(G(z)))$. That **saturates**: early on, the generator's images are poor, the
# discriminator is sure they are fake, $D(G(z)) \approx 0$, and there $\log(1 - D)$ is flat:
# the generator gets almost no gradient exactly when it needs one most. The **non-saturating**
# loss has the same goal (make $D$ say "real") with a steep slope where the generator is bad:
#
# $$L_G = -\operatorname{mean}\log D(G(z))$$
#
# It is the binary cross-entropy of the generated images with the label "real". Both losses
# take logits (`from_logits=True`): the sigmoid and the log are computed together, without
# overflow. The plot shows both generator losses as functions of the discriminator's logit on
# a generated image, and their slopes: at a logit of -5 ($D = 0.7\%$), the minimax slope is
# -0.007, the non-saturating one -0.993.

# %%
source_code.show(lesson.discriminator_loss, lesson.generator_loss)


def sigmoid(logit):
    return 1 / (1 + np.exp(-logit))


plotting.plot_functions(
    {"minimax: log(1 - D)": lambda a: np.log(1 - sigmoid(a)),
     "non-saturating: -log D": lambda a: -np.log(sigmoid(a))},
    derivatives={"minimax: log(1 - D)": lambda a: -sigmoid(a),
                 "non-saturating: -log D": lambda a: sigmoid(a) - 1},
    x=np.linspace(-6, 6, 241), variable="logit", title="the generator's loss on one sample",
)  # fmt: skip

# %%
logits = np.array([[-5.0], [0.0], [5.0]], dtype="float32")
at_chance = float(lesson.discriminator_loss(np.zeros((4, 1)), np.zeros((4, 1))))
print(f"discriminator's loss when it cannot tell (all logits 0): {at_chance:.4f}")
checks.expect_close("L_D at chance = log 4", at_chance, np.log(4), rtol=1e-5)
checks.expect_close("L_G of a logit of 0 = log 2", float(lesson.generator_loss(logits[1:2])),
                    np.log(2), rtol=1e-5)  # fmt: skip
checks.expect_close("slope at logit -5: minimax", -sigmoid(-5.0), -0.0067, atol=1e-4)
checks.expect_close("slope at logit -5: non-saturating", sigmoid(-5.0) - 1, -0.9933, atol=1e-4)

# %% [markdown]
# A useful landmark: when the discriminator cannot tell at all ($D = \frac12$ on everything),
# $L_D = 2\log 2 = \log 4 \approx 1.386$ and $L_G = \log 2 \approx 0.693$. In a healthy run
# neither loss goes to zero: the 15-epoch run of section 5 ended at $L_D = 1.32$ and
# $L_G = 0.77$, not far from chance, while its samples kept improving. A discriminator loss
# near 0 means the discriminator has won and the generator learns nothing.

# %% [markdown] tags=["notes"]
# Say: a GAN has no target image for any sample; the only signal the generator gets is the
# gradient of the discriminator's verdict, through the discriminator, into its own weights.
# Ask the room: "Why not just use the minimax loss, log(1 - D(G(z)))?" (expected answer: at
# the start D is sure every sample is fake, and that loss is flat there: its slope, -D, is
# about 0; -log D has slope about -1 there).

# %% [markdown]
# ## 4. The training loop
#
# `train_step` runs once per batch of real images, in two moves:
#
# 1. **the discriminator's move**: draw a batch of $z$, make images with the generator (not
#    updated here: it is outside the tape's loss), score the real and the generated images,
#    and take one Adam step on $L_D$ for the discriminator's weights only;
# 2. **the generator's move**: draw fresh $z$, make images *inside* the tape, score them with
#    the discriminator just updated, and take one Adam step on $L_G$ for the generator's weights
#    only. The gradient flows back through the discriminator into the generator, but only the
#    generator's weights change.
#
# Each player has its own optimizer (Adam, learning rate 0.0002, $\beta_1 = 0.5$: the DCGAN
# settings; its authors found that the default $\beta_1 = 0.9$ made training oscillate).
# `fit` loops over the batches, and Keras resets the two loss averages at each epoch. The
# same class and builder are used by `helpers/data/train_gan.py`, which trained the weights
# of section 5.

# %%
source_code.show(lesson.GAN, lesson.build_gan, lesson.compile_gan)

# %% [markdown]
# Training now: `EPOCHS` = 3 passes over the first `TRAIN_SIZE` = 20,000 digits (157 steps
# each). `lesson.EpochSamples` keeps what the generator makes of 500 fixed latent points
# after each epoch, to see it learn, and to judge.
#
# Cost: on a lightly loaded 2-core CPU one step (a batch of 128, both players) takes about
# 0.09 s, 41 s per pass over all 60,000 digits (a dense GAN, 784-512-256 each way, takes
# 0.02 s; we chose the convolutional one for its digits, without judging the dense one's). A
# GPU runs such steps many times faster (not measured here), enough to train for the 15
# epochs of section 5 within a lesson.

# %%
gan = lesson.compile_gan(lesson.build_gan(seed=SEED))
z_fixed = np.random.default_rng(SEED).normal(size=(500, lesson.LATENT_DIM)).astype("float32")
samples_per_epoch = lesson.EpochSamples(z_fixed)
curves = progress.LearningCurves(["d_loss", "g_loss"], title="GAN: the two players' losses")
history = gan.fit(x_train[:TRAIN_SIZE], epochs=EPOCHS, batch_size=BATCH_SIZE, verbose=0,
                  callbacks=[samples_per_epoch, curves]).history  # fmt: skip
pd.DataFrame(history, index=pd.RangeIndex(1, EPOCHS + 1, name="epoch")).round(3)

# %%
lesson.plot_epoch_samples(np.array(samples_per_epoch.images)[:, :12])

# %%
real_spread = float(x_test[:NUM_SAMPLES].std(axis=0).mean())
per_epoch = pd.DataFrame(
    [{**vae_lesson.sample_quality(judge.predict(images, verbose=0), CONFIDENT),
      "pixel spread": float(images.std(axis=0).mean())} for images in samples_per_epoch.images],
    index=pd.RangeIndex(1, EPOCHS + 1, name="epoch"),
)  # fmt: skip
per_epoch.drop(columns="per class")

# %% [markdown]
# The judge's view of the 500 fixed points after each epoch, with a crude measure of variety,
# the **pixel spread**: each pixel's standard deviation across the samples, averaged over the
# 784 pixels (identical samples would score 0; real test digits score 0.18). Over seeds 0 to
# 2, the short run went the same way every time:
#
# - after epoch 1 the generator makes nearly **the same blob for every $z$**: a pixel spread
#   of 0.04-0.05, a quarter of the real digits', and the judge confident on 1% of them, of no
#   class often enough to count. This is a collapse, caught by both measures;
# - after epoch 2, strokes appear and vary (spread 0.11-0.12); the judge is confident on
#   11-25%, of 4 or 5 classes;
# - after epoch 3: confident on 14-23%, 6 or 7 classes, spread 0.13-0.14.
#
# The discriminator's loss ends at 0.54-0.62 and the generator's at 1.5-1.7: neither player
# has won. Three short epochs make digit-like shapes, not yet good digits.
# With `TRAIN_SIZE = 40000` (twice the time; measured with seed 0 only) the third epoch's
# samples were 31% confident, of 8 classes, and the first epoch was no longer collapsed.

# %%
checks.expect_between("short run: final discriminator loss", history["d_loss"][-1], 0.2, 1.2)
share = per_epoch["confident share"]
checks.expect_at_least("short run: confident share, last epoch minus first",
                       share.iloc[-1] - share.iloc[0], 0.07)  # fmt: skip
spread = per_epoch["pixel spread"] / real_spread
checks.expect_at_most("epoch 1: pixel spread / real digits'", spread.iloc[0], 0.4)
checks.expect_at_least("last epoch: pixel spread / real digits'", spread.iloc[-1], 0.55)
checks.expect_at_least("last epoch: classes covered", per_epoch["classes covered"].iloc[-1], 4)

# %% [markdown] tags=["notes"]
# Say: the two curves are a tug of war, not a descent: the generator's loss does not go down
# and stay down, because its opponent keeps getting better. That is why a GAN's losses tell
# little about its samples, and why we need the judge. Ask the room: "If the discriminator's
# loss went to 0, would that be good news?" (expected answer: no: the discriminator wins,
# its verdict saturates, and the generator's gradient vanishes).

# %% [markdown]
# ## 5. Trained longer, and against the VAE
#
# Three short epochs show the method, not what it can do. `helpers/data/train_gan.py` builds
# the same GAN with the same `lesson.build_gan` and `lesson.compile_gan` and trains it for 15
# epochs on all 60,000 digits (16 minutes on a busy 2-core CPU; seeded and deterministic; time and losses
# in `helpers/data/README.md`). Only the generator's weights are shipped (the lesson only
# samples from it), and `lesson.load_trained_generator()` checks their sha256 before loading.
# Every figure marked "15 epochs" comes from those weights; every other one, from the short run
# above. Next to it: lesson 10c's VAE trained 40 epochs, judged on the same number of samples
# (2,000), with the same threshold.

# %%
trained_generator = lesson.load_trained_generator()
z_samples = np.random.default_rng(SEED + 1).normal(size=(NUM_SAMPLES, lesson.LATENT_DIM))
gan_samples = np.asarray(trained_generator.predict(z_samples.astype("float32"), verbose=0))
gan_judged = judge.predict(gan_samples, verbose=0)
short_samples = np.asarray(gan.generator.predict(z_samples.astype("float32"), verbose=0))
quality["GAN, short run"] = vae_lesson.sample_quality(judge.predict(short_samples, verbose=0),
                                                      CONFIDENT)  # fmt: skip
quality["GAN, 15 epochs"] = vae_lesson.sample_quality(gan_judged, CONFIDENT)
vae_decoder = vae_lesson.load_trained_vae().decoder
z_vae = np.random.default_rng(SEED + 1).normal(size=(NUM_SAMPLES, 2)).astype("float32")
vae_samples = np.asarray(vae_decoder.predict(z_vae, batch_size=1000, verbose=0))
vae_judged = judge.predict(vae_samples, verbose=0)
quality["VAE (10c), 40 epochs"] = vae_lesson.sample_quality(vae_judged, CONFIDENT)
plotting.show_images(gan_samples[:20], gan_judged[:20].argmax(1),
                     title="GAN (15 epochs): 20 samples, as judged")  # fmt: skip

# %%
plotting.show_images(vae_samples[:20], vae_judged[:20].argmax(1),
                     title="VAE (40 epochs): 20 samples, as judged")  # fmt: skip

# %%
diversity = {name: float(images.std(axis=0).mean()) for name, images in
             (("real test digits", x_test[:NUM_SAMPLES]), ("GAN, short run", short_samples),
              ("GAN, 15 epochs", gan_samples), ("VAE (10c), 40 epochs", vae_samples))}  # fmt: skip
table = pd.DataFrame(quality).T
table["pixel spread"] = pd.Series(diversity)
table

# %% [markdown]
# "Pixel spread" is a crude measure of variety: the standard deviation of each pixel across the
# samples, averaged over the 784 pixels. Identical samples would score 0.

# %%
lesson.plot_class_histograms({name: quality[name]["per class"] for name in
                              ("real test digits", "GAN, 15 epochs", "VAE (10c), 40 epochs")})  # fmt: skip

# %% [markdown]
# What the judge says (over seeds 0 to 2 of the judge, the short run and the samples; the
# checks assert what held in all of them, with room to spare):
#
# - **Trained 15 epochs, the GAN makes all ten digits**, fairly evenly (each class 4-18% of
#   its confident samples), and its samples vary as much as real digits do: a pixel spread of
#   0.19, the real digits' 0.18. But the judge is confident on only **44-46%** of them: many
#   strokes are sharp but malformed (a broken loop, a stray tail).
# - **The VAE of lesson 10c, trained 40 epochs, wins on the judge's confidence** (68-73%), and
#   covers all ten digits too. Its samples are smoother and vary less (pixel spread 0.12): the
#   VAE averages over the digits a latent point could be, which blurs them but also keeps
#   them close to a typical, easily recognised digit.
# - The short run (three epochs on a third of the data): 17-23% confident, 5 or 6 classes.
#
# So on this measure, at this size and training time, the VAE is the better generator of
# *recognisable* digits and the GAN the better generator of *varied, sharp* ones. GANs pull
# ahead with more capacity and training (on a GPU, hours of it), which this CPU cannot show.

# %%
share, covered = table["confident share"], table["classes covered"]
spread = table["pixel spread"] / real_spread
checks.expect_at_least(
    "GAN (15 epochs): share judged with confidence", share["GAN, 15 epochs"], 0.35
)
checks.expect_equal("GAN (15 epochs): classes covered", covered["GAN, 15 epochs"], 10)
checks.expect_at_least(
    "share: GAN (15 epochs) minus short run", share["GAN, 15 epochs"] - share["GAN, short run"], 0.1
)
checks.expect_at_least(
    "share: VAE (40 epochs) minus GAN (15 epochs)",
    share["VAE (10c), 40 epochs"] - share["GAN, 15 epochs"],
    0.1,
)
checks.expect_at_least(
    "GAN (15 epochs): pixel spread / real digits'", spread["GAN, 15 epochs"], 0.9
)
checks.expect_at_most(
    "VAE (40 epochs): pixel spread / real digits'", spread["VAE (10c), 40 epochs"], 0.8
)

# %% [markdown] tags=["notes"]
# Say: judged by the same classifier on the same number of samples, the VAE trained 40 epochs
# makes more recognisable digits than our GAN trained 15, and both make all ten; the GAN's
# samples are as varied as real digits, the VAE's are smoother and more alike. A VAE
# optimises a likelihood and blurs where unsure; a GAN is only asked to fool a discriminator,
# which rewards sharp strokes whether or not they form a good digit. Ask the room: "What does
# the GAN not give us that the VAE does?" (expected answer: an encoder, a likelihood, a loss
# that says how good the model is; a GAN's losses don't).

# %% [markdown]
# ## 6. Mode collapse, and how the judge catches it
#
# A generator can fool the discriminator by making *one* convincing digit, whatever $z$ is.
# The discriminator then learns to reject that digit, the generator jumps to another one, and
# so on: **mode collapse**, the classic failure of GAN training. The 15-epoch run did not;
# to see what collapse looks like to the judge, we make a collapsed generator on purpose: the
# trained one, fed with latent points that all sit close to one point $z_0$ (spread 0.1
# instead of 1). Whether or not its samples are good digits, they are the same digit every
# time.

# %%
rng = np.random.default_rng(SEED + 2)
collapsed = {}
for trial in range(3):
    z_near = rng.normal(size=lesson.LATENT_DIM) + 0.1 * rng.normal(
        size=(NUM_SAMPLES, lesson.LATENT_DIM)
    )
    images = np.asarray(trained_generator.predict(z_near.astype("float32"), verbose=0))
    collapsed[f"collapsed, z0 #{trial + 1}"] = {
        **vae_lesson.sample_quality(judge.predict(images, verbose=0), CONFIDENT),
        "pixel spread": float(images.std(axis=0).mean()),
    }
collapse_table = pd.concat([table.loc[["GAN, 15 epochs"]], pd.DataFrame(collapsed).T])
collapse_table.drop(columns="per class")

# %%
plotting.show_images(images[:10], judge.predict(images[:10], verbose=0).argmax(1),
                     title="the third collapsed generator: 10 samples, as judged")  # fmt: skip

# %% [markdown]
# Over nine such collapsed generators (three points $z_0$ for each of seeds 0 to 2), the
# judge's **confident share was anything from 0.1% to 100%**, depending on whether $z_0$
# happens to make a clean digit: on its own it cannot tell collapse from success. The
# **classes covered fell to 0, 1 or 2** every time (10 for the real generator), and the pixel
# spread to 0.018-0.030, a tenth of the real generator's 0.19.
#
# **One measure against it**, the one we used in section 4: *watch for it*. Judge a few
# hundred samples from fixed latent points after every epoch and track the classes covered
# and the pixel spread; a drop means collapse, and the last good epoch's weights are the ones
# to keep (with `keras.callbacks.ModelCheckpoint`, lesson 09c). The first epoch of our short
# run was such a collapse (pixel spread 0.04-0.05, no class covered), and training grew out
# of it. Remedies that change the training itself, such as one-sided label smoothing (the
# `real_label` argument of `discriminator_loss`: real images labelled 0.9 instead of 1, so that
# the discriminator cannot become over-confident) or a minibatch standard-deviation feature
# in the discriminator (it sees how varied a batch is, so a batch of one digit looks fake),
# are common; we did not measure them here: comparing them fairly takes several long runs
# per setting, more than this CPU affords.

# %%
for name, row in collapsed.items():
    checks.expect_at_most(f"{name}: classes covered", row["classes covered"], 3)
    checks.expect_at_most(
        f"{name}: pixel spread / the GAN's", row["pixel spread"] / diversity["GAN, 15 epochs"], 0.3
    )

# %% [markdown] tags=["notes"]
# Say: the confident share cannot see mode collapse, since every collapsed sample is a good
# digit; the classes covered and the per-class histogram can. Ask the room: "How would you
# notice collapse during a long training run?" (expected answer: judge a few hundred samples
# after each epoch, as we did in section 4, and watch the classes covered; keep the last
# epoch before it dropped).

# %% [markdown]
# ## 7. Explore: the latent space of the GAN
#
# Two samples, A and B, and the straight line between them in the 32-dimensional latent space:
# the strip shows nine points along it. The slider `t` moves along the line; three more
# sliders move the point along three random directions of the latent space (orthogonal, unit
# length). The judge's verdict is under the image. Things to try: is the change from A to B
# smooth, or does the digit flip suddenly? Where does the judge change its mind? How far must
# you go along a direction (the prior's spread is 1 per direction) before the image stops
# looking like a digit?

# %%
z_a, z_b = z_samples[0], z_samples[1]
strip = np.asarray(trained_generator(lesson.interpolate(z_a, z_b, 10), training=False))
plotting.show_images(strip, judge.predict(strip, verbose=0).argmax(1),
                     title="from sample A to sample B, as judged")  # fmt: skip

# %%
lesson.latent_explorer(trained_generator, z_a, z_b, judge=judge, seed=SEED)

# %% [markdown] tags=["notes"]
# Show: move t from 0 to 1 slowly and ask the room to call out when the digit changes. Then
# set t = 0.5 and push one direction to +4 and -4: the image changes style (slant, thickness)
# before it changes class, if it does at all.

# %% [markdown]
# ## Summary
#
# - A GAN trains a generator (noise to image) against a discriminator (image to "real?"
#   logit). The discriminator's loss is the binary cross-entropy with labels real = 1 and
#   generated = 0; the generator's non-saturating loss is $-\log D(G(z))$, which has a steep
#   slope where the generator is bad, unlike the minimax $\log(1 - D(G(z)))$.
# - The training loop alternates the two: one step for the discriminator, one for the
#   generator, each with its own optimizer and `GradientTape`. The losses are a tug of war and
#   say little about quality; judge the samples instead.
# - Judged by lesson 10c's classifier on 2,000 samples, our DCGAN trained 15 epochs makes all
#   ten digits, as varied as real ones, but the judge is confident on under half of them; the
#   VAE trained 40 epochs makes smoother, more recognisable digits (about 70% confident).
# - Mode collapse (one digit whatever the noise) keeps the confident share high; the classes
#   covered and the per-class histogram reveal it: watch them during training.

# %% [markdown]
# ## Exercises
#
# Each exercise has a cell for your code, a self-check that says PASS or gives a hint, and a
# hidden solution cell below it (click to expand; running it shows the check passing).

# %% [markdown]
# ### Exercise 1: the discriminator's loss
#
# Write `discriminator_loss(real_logits, fake_logits)` in NumPy: the discriminator's logits
# on a batch of real images and on a batch of generated ones (1-D arrays) in, one number out:
# $L_D$ of section 3. Turn logits into probabilities with the sigmoid first.


# %% tags=["exercise"]
def discriminator_loss(real_logits, fake_logits):
    return None  # YOUR CODE HERE


lesson.exercise_discriminator_loss(discriminator_loss)


# %% tags=["solution"]
def discriminator_loss(real_logits, fake_logits):
    d_real, d_fake = 1 / (1 + np.exp(-real_logits)), 1 / (1 + np.exp(-fake_logits))
    return -np.mean(np.log(d_real)) - np.mean(np.log(1 - d_fake))


lesson.exercise_discriminator_loss(discriminator_loss)

# %% [markdown]
# ### Exercise 2: the generator's non-saturating loss
#
# Write `generator_loss(fake_logits)` in NumPy: the discriminator's logits on a batch of
# generated images in, the generator's non-saturating loss $L_G$ of section 3 out (one number).


# %% tags=["exercise"]
def generator_loss(fake_logits):
    return None  # YOUR CODE HERE


lesson.exercise_generator_loss(generator_loss)


# %% tags=["solution"]
def generator_loss(fake_logits):
    return -np.mean(np.log(1 / (1 + np.exp(-fake_logits))))


lesson.exercise_generator_loss(generator_loss)
