# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Generative models, part 3: the variational autoencoder
#
# **What you will learn**
#
# - why decoding random points of a plain autoencoder's code space gives poor images, and how a
#   **variational autoencoder** (VAE; Kingma & Welling, 2014) fixes it: the encoder outputs a
#   Gaussian (a mean and a log-variance) instead of a point, and the loss pulls every Gaussian
#   towards the standard normal;
# - the **reparameterization trick**, $z = \mu + \sigma \cdot \varepsilon$, which lets gradients
#   flow through a random sample;
# - the loss: reconstruction (binary cross-entropy summed over the 784 pixels) plus the **KL
#   divergence**, written out in closed form, trained by a custom `train_step`;
# - how to *judge* generated digits with a classifier: how many it recognises with confidence,
#   and how many of the 10 classes appear;
# - a walk through the 2-D latent space, in a widget.
#
# **What you need**: part 2 of this lesson (`10b_autoencoders`), lesson 09 (the functional API
# and custom training with `GradientTape`) and lesson 03 (MNIST). It runs in about two and a
# half minutes on a 2-core laptop CPU.

# %%
import keras
import numpy as np
import pandas as pd

from helpers import checks, datasets, plotting, progress, source_code
from helpers.lessons import variational_autoencoder as lesson

plotting.use_course_style()
SEED = 0
keras.utils.set_random_seed(SEED)  # same weights, same batches, same samples on every run

# Settings that cost time. On a GPU try EPOCHS = 40 (what helpers/data/train_vae.py does).
EPOCHS = 3
BATCH_SIZE = 128
CLASSIFIER_EPOCHS = 3
NUM_SAMPLES = 2000  # digits generated from the prior and judged by the classifier
CONFIDENT = 0.9  # "recognised with confidence": the classifier's top probability above this

# %% [markdown]
# ## 1. Digits, and a judge for generated digits
#
# MNIST's 60,000 training digits, pixel values scaled to [0, 1]: the VAE treats each pixel as
# the probability of "ink". A generative model is hard to score: there is no label to compare
# a new digit with. We use a **judge**: a small classifier trained on real digits. A good
# generated digit is one it recognises with confidence; a good generator makes all ten
# digits, not just a few.

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
test_quality = lesson.sample_quality(judge.predict(x_test, verbose=0), CONFIDENT)
checks.expect_at_least("judge: test accuracy", judge_accuracy, 0.96)
checks.expect_between(
    "real test digits: share judged with confidence", test_quality["confident share"], 0.85, 1.0
)

# %% [markdown]
# On real test digits, the judge is right about 97% of the time and confident (top probability
# above 0.9) on about 90% of them: the best that generated digits can hope for.

# %% [markdown]
# ## 2. From a point to a Gaussian
#
# An autoencoder's encoder maps each digit to one point of the code space, the *latent space*.
# Its decoder has only ever seen those points; between them and around them there are holes,
# and a random point in a hole decodes to a smudge. The VAE's encoder outputs, for each
# digit, a **Gaussian**: a mean $\mu$ and a log-variance $\log\sigma^2$ per latent dimension
# (a log, so that any real number is a valid output). The decoder gets a point *sampled* from
# that Gaussian, so it must decode a whole neighbourhood of $\mu$ to the same digit.
#
# The model: two dense layers each way, and a 2-D latent space, so that we can draw it.

# %%
source_code.show(lesson.build_encoder, lesson.build_decoder)

# %% [markdown] tags=["notes"]
# Say: the one change from a plain autoencoder is that the encoder outputs a Gaussian, not a
# point, and the decoder must decode any sample of it. Ask the room: "Why would that make
# random points of the latent space decode to digits?" (expected answer: every digit is
# decoded from a whole neighbourhood, and the KL term pulls all neighbourhoods towards one
# standard normal, so the space between them gets filled and used).

# %% [markdown]
# ### The reparameterization trick
#
# A random sample has no gradient with respect to the $\mu$ and $\sigma$ it came from. The
# trick moves the randomness outside: draw $\varepsilon \sim \mathcal N(0, I)$, then
# $z = \mu + \sigma \varepsilon$ with $\sigma = \exp(\tfrac12 \log\sigma^2)$. Now $z$ is a
# plain function of $\mu$ and $\log\sigma^2$, and backpropagation goes through it.

# %%
source_code.show(lesson.sample_z)
mean = np.array([[1.0, -2.0]], dtype="float32")
log_var = np.array([[0.0, np.log(0.25)]], dtype="float32")  # sigma = 1 and 0.5
z = np.asarray(lesson.sample_z(np.repeat(mean, 20000, 0), np.repeat(log_var, 20000, 0),
                               keras.random.SeedGenerator(SEED)))  # fmt: skip
print("samples' mean:", z.mean(0).round(3), " standard deviation:", z.std(0).round(3))
checks.expect_close("20,000 samples: mean", z.mean(0), mean[0], atol=0.03)
checks.expect_close("20,000 samples: standard deviation", z.std(0), [1.0, 0.5], atol=0.03)

# %% [markdown]
# ### The loss: reconstruction + KL
#
# Two terms per digit, added:
#
# - **reconstruction**: the binary cross-entropy between the digit and its decoding, *summed*
#   over the 784 pixels (summed, not averaged: averaging would shrink it 784 times against
#   the KL term, which would then push every code towards the prior and leave it carrying
#   little about the digit);
# - **KL divergence** of the encoder's Gaussian from the standard normal $\mathcal N(0, I)$,
#   which for a diagonal Gaussian has a closed form, summed over the latent dimensions:
#
# $$\mathrm{KL} = -\frac12 \sum_j \left(1 + \log\sigma_j^2 - \mu_j^2 - \sigma_j^2\right)$$
#
# It is 0 only when $\mu = 0$ and $\sigma = 1$; it grows when a Gaussian moves away from the
# origin or shrinks to a point. Reconstruction wants distinct, sharp Gaussians; KL wants all
# of them to be the standard normal. The compromise packs the digits around the origin
# without holes, so that a point drawn from $\mathcal N(0, I)$ decodes to a digit.
#
# Is the formula right? A check: the KL is the average of $\log q(z) - \log p(z)$ over samples
# $z$ from $q$; a Monte Carlo estimate with 200,000 samples must agree.

# %%
source_code.show(lesson.kl_divergence, lesson.reconstruction_loss)
closed_form = float(lesson.kl_divergence(mean, log_var)[0])
z = np.random.default_rng(SEED).normal(size=(200_000, 2)) * np.exp(0.5 * log_var) + mean
log_q = np.sum(-0.5 * ((z - mean) ** 2 / np.exp(log_var) + log_var + np.log(2 * np.pi)), axis=1)
log_p = np.sum(-0.5 * (z**2 + np.log(2 * np.pi)), axis=1)
print(f"KL closed form: {closed_form:.4f}, Monte Carlo: {np.mean(log_q - log_p):.4f}")
checks.expect_close(
    "KL: closed form vs Monte Carlo", closed_form, np.mean(log_q - log_p), atol=0.02
)

# %% [markdown]
# ### A custom `train_step`
#
# Keras's `fit` calls `train_step` once per batch. Ours encodes, samples, decodes, computes the
# two terms, takes their gradient with `tf.GradientTape` and updates the weights. It reports
# both terms, so the learning curves show them separately. The same class and builder are used
# by the script that trained the weights of section 5.

# %%
source_code.show(lesson.VAE, lesson.build_vae, lesson.compile_vae)

# %%
vae = lesson.compile_vae(lesson.build_vae(seed=SEED))
curves = progress.LearningCurves(["loss", "reconstruction", "kl"], title="VAE")
history = vae.fit(x_train, epochs=EPOCHS, batch_size=BATCH_SIZE, verbose=0,
                  validation_data=(x_test, None), callbacks=[curves])  # fmt: skip
pd.DataFrame(history.history, index=pd.RangeIndex(1, EPOCHS + 1, name="epoch")).round(2)

# %% [markdown]
# The dashed curves are the 10,000 test digits (over seeds 0 to 3). The loss falls from about
# 194 nats per digit in the first epoch to 157-161 on the test digits; the reconstruction term
# carries most of it; the KL term settles at about 5 nats: the price, per digit, of two latent
# numbers that carry information about it.

# %%
short_losses = history.history
checks.expect_at_most(
    "VAE: test loss after the short run (nats)", short_losses["val_loss"][-1], 170
)
checks.expect_between("VAE: test KL term (nats)", short_losses["val_kl"][-1], 2.0, 8.0)

# %% [markdown] tags=["notes"]
# Say: the learning curves show the two terms pulling against each other: reconstruction falls
# fast, while KL first drops (the encoder's Gaussians collapse onto the prior) and then rises a
# little as the code starts to carry information about each digit. Ask the room: "What would
# the latent space look like if we dropped the KL term?" (expected answer: a plain
# autoencoder: codes anywhere, of any spread; we train one in section 4).

# %% [markdown]
# ## 3. The latent space
#
# Every test digit's mean $\mu$, coloured by its class: the classes form regions around the
# origin, mostly within 3 standard deviations, with no wide gaps between them (the KL term
# at work). Then the decoder's view: a 15 x 15 grid of points, at the 5%, 11%, ..., 95%
# quantiles of the standard normal in each direction, each decoded into an image.

# %%
test_means = np.asarray(vae.encoder.predict(x_test, batch_size=1000, verbose=0)[0])
lesson.plot_latent_map(test_means, y_test, "test digits' means after the short run")

# %%
values = lesson.prior_quantiles(15)
grid_images = np.asarray(vae.decoder.predict(lesson.grid_points(values), verbose=0))
lesson.plot_digit_grid(grid_images, values, "decoded grid over the prior's quantiles (short run)")

# %% [markdown]
# ## 4. New digits from the prior, and a plain autoencoder's
#
# Sampling a new digit is: draw $z \sim \mathcal N(0, I)$, decode it. The judge then says how
# many of `NUM_SAMPLES` = 2,000 samples it recognises with confidence, and how many classes
# appear (a class counts if at least 1% of the samples are confidently that class).

# %%
z_prior = np.random.default_rng(SEED).normal(size=(NUM_SAMPLES, 2)).astype("float32")
vae_samples = np.asarray(vae.decoder.predict(z_prior, batch_size=1000, verbose=0))
quality = {
    "real test digits": test_quality,
    "VAE, short run": lesson.sample_quality(judge.predict(vae_samples, verbose=0), CONFIDENT),
}
judged = judge.predict(vae_samples[:20], verbose=0).argmax(1)
plotting.show_images(vae_samples[:20], judged, title="VAE (short run): samples, as judged")

# %% [markdown]
# Now the same encoder and decoder as a **plain autoencoder**: the encoder's mean is the code,
# no sampling, no KL, the same reconstruction loss, the same epochs. Its codes are not pulled
# towards $\mathcal N(0, I)$, so to sample from it as fairly as we can, we draw points from a
# Gaussian with the mean and covariance of its own training codes.

# %%
encoder = lesson.build_encoder()
plain_encoder = keras.Model(encoder.input, encoder.get_layer("z_mean").output)  # the mean only
plain_decoder = lesson.build_decoder()
image = keras.Input((28, 28))
autoencoder = keras.Model(image, plain_decoder(plain_encoder(image)), name="autoencoder")
autoencoder.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                    loss=lesson.reconstruction_loss)  # fmt: skip
autoencoder.fit(x_train, x_train, epochs=EPOCHS, batch_size=BATCH_SIZE, verbose=0,
                validation_data=(x_test, x_test),
                callbacks=[progress.LearningCurves(title="plain autoencoder")])  # fmt: skip
train_codes = np.asarray(plain_encoder.predict(x_train, batch_size=1000, verbose=0))
code_mean, code_cov = train_codes.mean(0), np.cov(train_codes.T)
z_codes = np.random.default_rng(SEED).multivariate_normal(code_mean, code_cov, NUM_SAMPLES)
ae_samples = np.asarray(plain_decoder.predict(z_codes.astype("float32"), verbose=0))
ae_judged = judge.predict(ae_samples, verbose=0)
quality["plain autoencoder"] = lesson.sample_quality(ae_judged, CONFIDENT)
plotting.show_images(ae_samples[:20], ae_judged[:20].argmax(1),
                     title="plain autoencoder: decoded random points, as judged")  # fmt: skip

# %%
plain_codes = np.asarray(plain_encoder.predict(x_test, batch_size=1000, verbose=0))
lesson.plot_latent_map(plain_codes, y_test, "plain autoencoder: test digits' codes")

# %% [markdown]
# Note the scale: nothing limited the plain autoencoder's codes, and they spread over tens of
# units, unevenly. The 1s, 7s and 9s take wide regions, the 6s a thin arm, while 0, 3, 5 and 8
# are crammed into a small area near the centre. A Gaussian fitted to these codes spends most
# of its samples on the wide regions and the gaps between them, and rarely hits the crammed
# classes.

# %% [markdown]
# ## 5. Trained longer: the same model, 40 epochs
#
# Three epochs show the method, not what it can do. The script `helpers/data/train_vae.py`
# builds the same model with the same `lesson.build_vae` and `lesson.compile_vae` and trains it
# for 40 epochs on the same 60,000 digits (10 minutes on a busy 2-core CPU; seeded and
# deterministic; its time and losses are recorded in `helpers/data/README.md`). Its weights are
# shipped, and `lesson.load_trained_vae()` checks their sha256 before loading them. Every
# figure marked "40 epochs" comes from those weights; every other one, from the short runs
# in this notebook.

# %%
trained_vae = lesson.compile_vae(lesson.load_trained_vae())
keras.utils.set_random_seed(SEED)  # the same sampling noise for both evaluations
long_losses = trained_vae.evaluate(x_test, batch_size=1000, verbose=0, return_dict=True)
trained_means = np.asarray(trained_vae.encoder.predict(x_test, batch_size=1000, verbose=0)[0])
trained_samples = np.asarray(trained_vae.decoder.predict(z_prior, batch_size=1000, verbose=0))
trained_judged = judge.predict(trained_samples, verbose=0)
quality["VAE, 40 epochs"] = lesson.sample_quality(trained_judged, CONFIDENT)
plotting.show_images(trained_samples[:20], trained_judged[:20].argmax(1),
                     title="VAE (40 epochs): the same 20 prior points, as judged")  # fmt: skip
losses = pd.DataFrame({"short run": {k: v[-1] for k, v in short_losses.items() if "val_" in k},
                       "40 epochs": {f"val_{k}": v for k, v in long_losses.items()}})  # fmt: skip
losses.round(2)

# %%
table = pd.DataFrame(quality).T
table

# %%
share, covered = table["confident share"], table["classes covered"]
loss_gain = short_losses["val_loss"][-1] - long_losses["loss"]
checks.expect_at_least("test loss: short run minus 40 epochs (nats)", loss_gain, 8)
checks.expect_at_least(
    "VAE (40 epochs): share judged with confidence", share["VAE, 40 epochs"], 0.6
)
checks.expect_equal("VAE (40 epochs): classes covered", covered["VAE, 40 epochs"], 10)
checks.expect_at_least(
    "share: 40 epochs minus short run", share["VAE, 40 epochs"] - share["VAE, short run"], 0.2
)
checks.expect_at_least(
    "share: plain autoencoder minus short-run VAE",
    share["plain autoencoder"] - share["VAE, short run"],
    0.1,
)
checks.expect_at_most("plain autoencoder: classes covered", covered["plain autoencoder"], 8)

# %% [markdown]
# What the judge says (over four seeds, 0 to 3, of the judge and the short runs; the checks
# assert what held in all of them, with room to spare):
#
# - **Trained 40 epochs, the VAE makes digits of all ten classes**, each class 5-17% of the
#   confident samples, and the judge is confident on 68-73% of them (on real test digits:
#   90-91%). Its test loss is 141.5 nats per digit, against 157-161 after the short run.
# - **After three epochs, the VAE's samples are blurry**: the judge is confident on only
#   25-33% of them, and only 5 to 8 classes appear.
# - **The plain autoencoder's random points look sharper** (confident on 46-60%: trained
#   without noise, its decoder draws crisper strokes), **but they miss classes**: its samples
#   pile up on a few digits (1, 6 and 0 are about two thirds of its confident ones), and some
#   digits (3, 4, 5) almost never appear: 7 classes in every seed, as the code map above
#   suggests.
#
# Confidence alone would rank the plain autoencoder above the short-run VAE; the class
# coverage shows what it cannot do: its latent space was never asked to be *filled* by one
# simple distribution, so no simple distribution samples it well. The VAE's was, and with
# training it turns into a generator of all ten digits.

# %% [markdown] tags=["notes"]
# Say: a generator is judged by a classifier trained on real digits: how many samples it
# recognises with confidence, and whether all ten digits appear. The plain autoencoder looks
# better on confidence after three epochs, but it never makes some digits; the VAE trained 40
# epochs makes all ten, two thirds of them recognisable. Ask the room: "Why can we not just
# sample the plain autoencoder's codes from a Gaussian fitted to them?" (expected answer: its
# codes lie in thin arms with holes between them; nothing in its loss asked them to fill a
# simple shape).

# %%
grid_images = np.asarray(trained_vae.decoder.predict(lesson.grid_points(values), verbose=0))
lesson.plot_digit_grid(grid_images, values, "decoded grid over the prior's quantiles (40 epochs)")

# %% [markdown]
# A 15 x 15 window onto the 40-epoch model's latent space: neighbours decode to similar
# images, and one digit turns into the next without a gap (a 7 into a 9 into a 4; a 0 into a 6
# into a 5). Some images in between are no digit at all: two numbers cannot hold all the
# variety of handwriting. With more latent dimensions (try 16) the samples get sharper, at the
# cost of a map we can no longer draw.

# %% [markdown]
# ## 6. Explore: walk through the latent space
#
# Move the point with the two sliders: left, where it is among the test digits' means (of the
# 40-epoch model); right, what the decoder makes of it, decoded live. Things to try: walk in
# a straight line from the region of 1s to the region of 0s: does the digit morph smoothly?
# Where between two classes does the image change its mind? Go far out (|z| > 3): what does
# the decoder do where there were no training digits?

# %%
lesson.latent_walker(trained_vae.decoder, trained_means, y_test)

# %% [markdown] tags=["notes"]
# Show: put the point at the origin, then walk it towards the 1s (right) and ask the room to
# call out the digit as it changes. Then go between two colours, e.g. between the 4s and the
# 9s, and show that the image is a blend. Finally go far out, |z| > 3, where no training digit
# sits: the decoder still draws something digit-like, but the prior almost never samples there.

# %% [markdown]
# ## Summary
#
# - A VAE's encoder outputs a Gaussian per digit (mean and log-variance); the decoder gets a
#   sample of it, drawn with the reparameterization trick $z = \mu + \sigma\varepsilon$ so
#   that gradients flow.
# - The loss is the reconstruction (binary cross-entropy summed over pixels) plus the KL
#   divergence from $\mathcal N(0, I)$, $-\frac12\sum(1 + \log\sigma^2 - \mu^2 - \sigma^2)$,
#   which keeps the latent space filled around the origin; a custom `train_step` reports both.
# - Judged by a classifier, the VAE trained 40 epochs makes all ten digits, two thirds of them
#   recognised with confidence. A plain autoencoder's random points can look sharper but miss
#   whole classes: its latent space has no shape a simple distribution can sample.

# %% [markdown]
# ## Exercises
#
# Each exercise has a cell for your code, a self-check that says PASS or gives a hint, and a
# hidden solution cell below it (click to expand; running it shows the check passing).

# %% [markdown]
# ### Exercise 1: the KL term
#
# Write `kl_divergence(mean, log_var)` in NumPy: for arrays of shape (batch, latent
# dimensions), return one KL divergence per example (shape (batch,)) of the Gaussian
# $\mathcal N(\mu, \operatorname{diag}(\sigma^2))$ from $\mathcal N(0, I)$, with
# `log_var` $= \log\sigma^2$. (Section 2 has the formula.)


# %% tags=["exercise"]
def kl_divergence(mean, log_var):
    return None  # YOUR CODE HERE


lesson.exercise_kl_divergence(kl_divergence)


# %% tags=["solution"]
def kl_divergence(mean, log_var):
    return -0.5 * np.sum(1 + log_var - mean**2 - np.exp(log_var), axis=-1)


lesson.exercise_kl_divergence(kl_divergence)

# %% [markdown]
# ### Exercise 2: the reparameterization trick
#
# Write `sample_z(mean, log_var, epsilon)` in NumPy: the sample $z$ of the Gaussian with this
# mean and log-variance, made from the standard normal noise `epsilon` (same shape as `mean`)
# as the VAE does it, so that the gradient can flow to `mean` and `log_var`.


# %% tags=["exercise"]
def sample_z(mean, log_var, epsilon):
    return None  # YOUR CODE HERE


lesson.exercise_sample_z(sample_z)


# %% tags=["solution"]
def sample_z(mean, log_var, epsilon):
    return mean + np.exp(0.5 * log_var) * epsilon


lesson.exercise_sample_z(sample_z)
