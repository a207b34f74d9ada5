"""Lesson 11a (gans): the GAN's model code (shared with the script ``helpers/data/train_gan.py``
that trains it longer), the loader of the longer-trained generator, the plots, the latent
explorer and the exercise checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import keras
import numpy as np
from keras import layers, ops
from matplotlib.figure import Figure

from helpers import checks, datasets
from helpers import validation as check
from helpers.widgets import LiveFigure

IMAGE_SHAPE = (28, 28)
LATENT_DIM = 32
WEIGHTS = datasets.DataFile(
    name="gan_generator.weights.h5",
    shipped_sha256="e28791f1fd6e87cf392ea7576a215db9b320427b5b4a0f09089cc596dfb19c31",
)

# ------------------------------------------------------------ the model (lesson and script)


def build_generator(latent_dim: int = LATENT_DIM) -> keras.Model:
    """A point z of the latent space -> an image (28, 28) of pixel values in (0, 1)."""
    z = keras.Input((latent_dim,), name="z")
    x = layers.Dense(7 * 7 * 64)(z)
    x = layers.BatchNormalization()(x)
    x = layers.LeakyReLU(0.2)(x)
    x = layers.Reshape((7, 7, 64))(x)
    x = layers.Conv2DTranspose(32, 4, strides=2, padding="same")(x)  # 14 x 14
    x = layers.BatchNormalization()(x)
    x = layers.LeakyReLU(0.2)(x)
    x = layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="sigmoid")(x)
    image = layers.Reshape(IMAGE_SHAPE)(x)  # 28 x 28
    return keras.Model(z, image, name="generator")


def build_discriminator() -> keras.Model:
    """An image (28, 28) -> one logit: > 0 means "real", < 0 means "generated"."""
    image = keras.Input(IMAGE_SHAPE, name="image")
    x = layers.Reshape((28, 28, 1))(image)
    x = layers.Conv2D(32, 4, strides=2, padding="same")(x)  # 14 x 14
    x = layers.LeakyReLU(0.2)(x)
    x = layers.Conv2D(64, 4, strides=2, padding="same")(x)  # 7 x 7
    x = layers.LeakyReLU(0.2)(x)
    x = layers.Flatten()(x)
    logit = layers.Dense(1)(x)
    return keras.Model(image, logit, name="discriminator")


def discriminator_loss(real_logits, fake_logits, real_label: float = 1.0):
    """Binary cross-entropy of the discriminator: real images -> label 1, generated -> 0.

    ``real_label`` below 1 (e.g. 0.9) is one-sided label smoothing.
    """
    real = ops.binary_crossentropy(ops.full_like(real_logits, real_label), real_logits,
                                   from_logits=True)  # fmt: skip
    fake = ops.binary_crossentropy(ops.zeros_like(fake_logits), fake_logits, from_logits=True)
    return ops.mean(real) + ops.mean(fake)


def generator_loss(fake_logits):
    """The non-saturating generator loss: -log D(G(z)), i.e. BCE with the label "real"."""
    return ops.mean(
        ops.binary_crossentropy(ops.ones_like(fake_logits), fake_logits, from_logits=True)
    )


class GAN(keras.Model):
    """Generator + discriminator, trained in turn by one custom ``train_step`` per batch."""

    def __init__(self, generator: keras.Model, discriminator: keras.Model, seed: int = 0,
                 real_label: float = 1.0, **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        self.generator, self.discriminator = generator, discriminator
        self.latent_dim = generator.input_shape[-1]
        self.real_label = real_label
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in ("d_loss", "g_loss")}

    def compile(self, d_optimizer, g_optimizer, **kwargs):
        super().compile(**kwargs)
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer

    @property
    def metrics(self):  # reset by Keras at the start of every epoch
        return list(self.trackers.values())

    def train_step(self, real_images):
        import tensorflow as tf  # the backend is TensorFlow: its tape records the gradients

        batch = ops.shape(real_images)[0]
        # 1. the discriminator: real images -> "real", generated ones -> "fake"
        z = keras.random.normal((batch, self.latent_dim), seed=self.seed_generator)
        fake_images = self.generator(z, training=True)
        with tf.GradientTape() as tape:
            real_logits = self.discriminator(real_images, training=True)
            fake_logits = self.discriminator(fake_images, training=True)
            d_loss = discriminator_loss(real_logits, fake_logits, self.real_label)
        weights = self.discriminator.trainable_weights
        self.d_optimizer.apply_gradients(zip(tape.gradient(d_loss, weights), weights, strict=True))
        # 2. the generator: make the (now updated) discriminator say "real"
        z = keras.random.normal((batch, self.latent_dim), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            fake_logits = self.discriminator(self.generator(z, training=True), training=True)
            g_loss = generator_loss(fake_logits)
        weights = self.generator.trainable_weights
        self.g_optimizer.apply_gradients(zip(tape.gradient(g_loss, weights), weights, strict=True))
        self.trackers["d_loss"].update_state(d_loss)
        self.trackers["g_loss"].update_state(g_loss)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def call(self, z):
        return self.generator(z)


def build_gan(seed: int = 0, real_label: float = 1.0) -> GAN:
    """The lesson's GAN, built, not compiled; the script trains the same one."""
    gan = GAN(build_generator(), build_discriminator(), seed=seed, real_label=real_label)
    gan(ops.zeros((1, LATENT_DIM)))
    gan.discriminator(ops.zeros((1, *IMAGE_SHAPE)))
    return gan


def compile_gan(gan: GAN) -> GAN:
    """Adam with the DCGAN settings (learning rate 2e-4, beta_1 0.5) for both players."""
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))  # fmt: skip
    return gan


def load_trained_generator(data_dir: str | None = None) -> keras.Model:
    """The lesson's generator with the weights trained longer by ``helpers/data/train_gan.py``.

    The file's sha256 is checked before anything is read from it (``datasets.locate``);
    ``data_dir``: where to look for it (default: ``helpers/data``).
    """
    path = datasets.locate(WEIGHTS, data_dir=data_dir)
    generator = build_generator()
    generator.load_weights(path)
    return generator


class EpochSamples(keras.callbacks.Callback):
    """Keep the generator's images of the same fixed latent points after every epoch."""

    def __init__(self, z: Any) -> None:
        super().__init__()
        self.z = _latent(z, "EpochSamples").astype("float32")
        self.images: list[np.ndarray] = []

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.images.append(np.asarray(self.model.generator(self.z, training=False)))


# ------------------------------------------------------------ inputs


def _latent(z: Any, what: str) -> np.ndarray:
    array = check.finite_array(what, "z", z)
    if array.ndim != 2 or array.shape[1] != LATENT_DIM or len(array) == 0:
        raise ValueError(
            f"{what} expects latent points of shape (n, {LATENT_DIM}), got {array.shape}; draw "
            f"them with rng.normal(size=(n, {LATENT_DIM}))"
        )
    return array


def _images(images: Any, what: str, ndim: int = 3) -> np.ndarray:
    array = check.finite_array(what, "images", images)
    if array.ndim != ndim or array.shape[-2:] != IMAGE_SHAPE or 0 in array.shape:
        shape = "(n, 28, 28)" if ndim == 3 else "(epochs, n, 28, 28)"
        raise ValueError(
            f"{what} expects images of shape {shape}, got {array.shape}; pass a generator's "
            "output (pixel values in [0, 1])"
        )
    return array


# ------------------------------------------------------------ measures and plots


def plot_epoch_samples(
    images: Any, title: str = "the same latent points after each epoch"
) -> Figure:
    """One row per epoch: what the generator made of the same fixed latent points."""
    images = _images(images, "plot_epoch_samples", ndim=4)
    check.text(title, "plot_epoch_samples: title")
    epochs, n = images.shape[:2]
    fig = Figure(figsize=(0.9 * n + 0.8, 0.95 * epochs + 0.5), layout="constrained")
    axes = fig.subplots(epochs, n, squeeze=False)
    for row in range(epochs):
        for col in range(n):
            ax = axes[row, col]
            ax.imshow(images[row, col], cmap="gray_r", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
        axes[row, 0].set_ylabel(f"epoch {row + 1}", fontsize=9)
    fig.suptitle(title)
    return fig


def plot_class_histograms(per_class: Any, title: str = "what the judge sees") -> Figure:
    """Bars: for each model, the share of its samples confidently judged as each digit."""
    check.mapping(per_class, "plot_class_histograms: per_class", "{model: counts per class}")
    fig = Figure(figsize=(8.0, 3.6), layout="constrained")
    ax = fig.subplots()
    width = 0.8 / len(per_class)
    for index, (name, counts) in enumerate(per_class.items()):
        counts = check.finite_array("plot_class_histograms", str(name), counts)
        if counts.shape != (10,) or counts.sum() <= 0:
            raise ValueError(
                f"plot_class_histograms expects 10 counts per model (sample_quality's "
                f"'per class'), got {counts.shape} for {name!r}"
            )
        ax.bar(np.arange(10) + (index - (len(per_class) - 1) / 2) * width,
               counts / counts.sum(), width, label=str(name))  # fmt: skip
    ax.axhline(0.1, color="gray", ls="--", lw=1, label="uniform: 10%")
    ax.set_xticks(range(10))
    ax.set(xlabel="digit (as judged)", ylabel="share of confident samples", title=title)
    ax.legend(fontsize=8)
    return fig


def interpolate(z_start: Any, z_end: Any, steps: int = 10) -> np.ndarray:
    """``steps`` latent points on the straight line from ``z_start`` to ``z_end``, both ends in."""
    start = _latent(np.reshape(check.finite_array("interpolate", "z_start", z_start), (1, -1)),
                    "interpolate")  # fmt: skip
    end = _latent(np.reshape(check.finite_array("interpolate", "z_end", z_end), (1, -1)),
                  "interpolate")  # fmt: skip
    steps = check.number(steps, "interpolate: steps", integer=True, positive=True)
    if steps < 2:
        raise ValueError(f"interpolate expects steps >= 2, got {steps}")
    t = np.linspace(0, 1, steps)[:, None]
    return ((1 - t) * start + t * end).astype("float32")


# ------------------------------------------------------------ the latent explorer


def explore_point(z_start: Any, z_end: Any, directions: Any, t: float, offsets: Any) -> np.ndarray:
    """The latent point at ``t`` of the way from ``z_start`` to ``z_end``, moved by ``offsets``
    along the (unit) ``directions``."""
    line = interpolate(z_start, z_end, 2)
    directions = _latent(directions, "explore_point: directions")
    offsets = check.finite_array("explore_point", "offsets", offsets)
    if offsets.shape != (len(directions),):
        raise ValueError(
            f"explore_point expects one offset per direction, {len(directions)}, got "
            f"{offsets.shape}"
        )
    t = check.number(t, "explore_point: t")
    return ((1 - t) * line[0] + t * line[1] + offsets @ directions).astype("float32")


def draw_explorer(view: dict) -> Figure:
    """Draw an explorer view: the interpolation strip (with the current t) and the image."""
    if not isinstance(view, dict) or not {"strip", "image", "t", "judged"} <= set(view):
        raise ValueError("draw_explorer expects the dict that latent_explorer's compute returns")
    strip = view["strip"]
    fig = Figure(figsize=(9.0, 3.6))
    top = fig.add_axes((0.02, 0.62, 0.96, 0.3))
    top.imshow(np.concatenate(list(strip), axis=1), cmap="gray_r", vmin=0, vmax=1)
    top.axvline((view["t"] * (len(strip) - 1) + 0.5) * 28, color="C3", lw=2)
    top.set_axis_off()
    top.set_title("from sample A (left) to sample B (right); red line: t", fontsize=10)
    image = fig.add_axes((0.38, 0.02, 0.24, 0.52))
    image.imshow(view["image"], cmap="gray_r", vmin=0, vmax=1)
    image.set_axis_off()
    digit, confidence = view["judged"]
    text = "" if digit is None else f"judge: {digit} ({confidence:.0%})"
    image.set_title(f"the generator at this point  {text}", fontsize=10)
    return fig


def latent_explorer(generator: Callable, z_start: Any, z_end: Any, judge: Callable | None = None,
                    seed: int = 0, directions: int = 3) -> LiveFigure:  # fmt: skip
    """Sliders: t moves from sample A to sample B; three more move along random directions.

    ``judge`` (optional): a classifier whose verdict is shown under the image.
    """
    if not callable(generator):
        raise ValueError(
            f"latent_explorer expects a generator model, got {check.describe(generator)}"
        )
    if judge is not None and not callable(judge):
        raise ValueError(
            f"latent_explorer expects judge as a classifier or None, got {check.describe(judge)}"
        )
    strip = np.asarray(generator(interpolate(z_start, z_end, 9), training=False))
    if strip.shape != (9, *IMAGE_SHAPE):
        raise ValueError(
            f"latent_explorer expects a generator that outputs (n, 28, 28), got {strip.shape}"
        )
    seed = check.number(seed, "latent_explorer: seed", integer=True, non_negative=True)
    count = check.number(directions, "latent_explorer: directions", integer=True, positive=True)
    random = np.random.default_rng(seed).normal(size=(LATENT_DIM, count))
    unit = np.linalg.qr(random)[0].T.astype("float32")  # orthonormal directions
    controls = {
        "t": widgets.FloatSlider(
            value=0.0, min=0, max=1, step=0.05, description="t (A to B)", continuous_update=False
        )
    }
    for index in range(count):
        controls[f"d{index + 1}"] = widgets.FloatSlider(
            value=0.0, min=-4, max=4, step=0.25, description=f"direction {index + 1}",
            continuous_update=False,
        )  # fmt: skip

    def compute(t: float, **offsets: float) -> dict:
        z = explore_point(z_start, z_end, unit, t, np.array(list(offsets.values())))
        image = np.asarray(generator(z[None], training=False))[0]
        judged = (None, 0.0)
        if judge is not None:
            p = np.asarray(judge(image[None], training=False))[0]
            judged = (int(p.argmax()), float(p.max()))
        return {"z": z, "image": image, "strip": strip, "t": t, "judged": judged}

    return LiveFigure(controls, compute, draw_explorer)


# ------------------------------------------------------------ exercises: the two losses


def _softplus(x: np.ndarray) -> np.ndarray:
    """log(1 + exp(x)), computed without overflow: -log(sigmoid(-x))."""
    return np.logaddexp(0.0, x)


def _d_loss_reference(real: np.ndarray, fake: np.ndarray, mistake: str = "") -> float:
    real_term, fake_term = _softplus(-real), _softplus(fake)  # -log D(x), -log(1 - D(G(z)))
    return {
        "": real_term.mean() + fake_term.mean(),
        "labels swapped": _softplus(real).mean() + _softplus(-fake).mean(),
        "sum over the batch": real_term.sum() + fake_term.sum(),
        "only the real images": real_term.mean(),
        "only the generated images": fake_term.mean(),
        "sign": -(real_term.mean() + fake_term.mean()),
        "half": (real_term.mean() + fake_term.mean()) / 2,
    }[mistake]


_D_HINTS = {
    "labels swapped": "you gave the real images the label 0 and the generated ones 1: the "
    "discriminator must say 'real' (1) for real images, -log sigmoid(real_logits)",
    "sum over the batch": "you summed over the batch: take the mean of each term, so that the "
    "loss does not grow with the batch size",
    "only the real images": "only the real images' term: add the generated images' term, "
    "-log(1 - sigmoid(fake_logits))",
    "only the generated images": "only the generated images' term: add the real images' term, "
    "-log sigmoid(real_logits)",
    "sign": "the sign is wrong: a cross-entropy is never negative, -log of a probability",
    "half": "you averaged the two terms: the loss is their sum (at chance, log 4 = 1.386)",
}


def _as_one_number(got: Any) -> float | None:
    """The student's answer as one float, or None when it is not one number."""
    if got is None or isinstance(got, str | bytes):
        return None
    try:
        array = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return None
    return float(array.ravel()[0]) if array.size == 1 else None


def _no_sigmoid_hint(got: Any) -> str | None:
    value = _as_one_number(got)
    if value is not None and not np.isfinite(value):
        return (
            "the loss is NaN or infinite: logits are not probabilities. Turn them into "
            "probabilities with the sigmoid, 1 / (1 + exp(-logits)), before the log"
        )
    return None


def _check_loss(
    name: str,
    loss: Callable,
    signature: str,
    batches: list[tuple[np.ndarray, ...]],
    reference: Callable[..., float],
    hints: dict[str, str],
) -> checks.Verdict:
    """Run a student's ``loss`` on each batch of logits against ``reference(*batch, mistake)``;
    the first known mistake whose value it returns names the hint."""
    if loss is None:
        return checks.verdict(name, f"{signature.split('(')[0]} is None: define the function")
    for batch in batches:
        got, problem = checks.attempt(loss, *(logits.copy() for logits in batch))
        if problem:
            return checks.verdict(name, f"{signature}: {problem}")
        if got is not None and np.size(got) > 1:
            return checks.verdict(name, f"it returned {np.shape(got)} values: return one number, "
                                  "the mean over each batch of logits")  # fmt: skip
        with np.errstate(all="ignore"):
            hint = _no_sigmoid_hint(got)
        if hint:
            return checks.verdict(name, hint)
        problem = checks.compare(signature.split("(")[0], got, reference(*batch))
        if problem is None:
            continue
        value = _as_one_number(got)
        for mistake, hint in hints.items():
            if value is not None and np.isclose(value, reference(*batch, mistake)):
                return checks.verdict(name, hint)
        return checks.verdict(name, problem)
    return checks.verdict(name, None)


def exercise_discriminator_loss(discriminator_loss: Callable) -> checks.Verdict:
    """Exercise 11a.1: ``discriminator_loss(real_logits, fake_logits)`` in NumPy, one number."""
    rng = np.random.default_rng(11)
    batches = [(rng.uniform(-3, 4, size), rng.uniform(-4, 3, size)) for size in (8, 5)]
    return _check_loss(
        "the discriminator's loss on logits", discriminator_loss,
        "discriminator_loss(real_logits, fake_logits)", batches, _d_loss_reference, _D_HINTS,
    )  # fmt: skip


def _g_loss_reference(fake: np.ndarray, mistake: str = "") -> float:
    return {
        "": _softplus(-fake).mean(),  # -log D(G(z))
        "saturating": -_softplus(fake).mean(),  # log(1 - D(G(z))), the minimax form
        "the discriminator's label": _softplus(fake).mean(),  # -log(1 - D(G(z)))
        "sign": -_softplus(-fake).mean(),
        "sum over the batch": _softplus(-fake).sum(),
    }[mistake]


_G_HINTS = {
    "saturating": "this is log(1 - D(G(z))), the original minimax form: it is flat where the "
    "generator is bad (D(G(z)) near 0). Write the non-saturating loss, -log D(G(z))",
    "the discriminator's label": "you used the label 0 ('fake'), the discriminator's target: "
    "the generator wants its images called 'real', -log sigmoid(fake_logits)",
    "sign": "the sign is wrong: -log of a probability is never negative",
    "sum over the batch": "you summed over the batch: take the mean",
}


def exercise_generator_loss(generator_loss: Callable) -> checks.Verdict:
    """Exercise 11a.2: ``generator_loss(fake_logits)``, the non-saturating loss, one number."""
    rng = np.random.default_rng(12)
    batches = [(rng.uniform(-4, 3, size),) for size in (8, 5)]
    return _check_loss(
        "the generator's non-saturating loss", generator_loss, "generator_loss(fake_logits)",
        batches, _g_loss_reference, _G_HINTS,
    )  # fmt: skip
