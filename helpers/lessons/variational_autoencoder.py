"""Lesson 10, part 3 (variational_autoencoder): the VAE's model code (shared with the script
``helpers/data/train_vae.py`` that trains it longer), the loader of the longer-trained weights,
the plots, the latent-space walker and the exercise checks."""

from __future__ import annotations

from collections.abc import Callable
from statistics import NormalDist
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
LATENT_DIM = 2
HIDDEN_UNITS = 256
WEIGHTS = datasets.DataFile(
    name="vae_mnist.weights.h5",
    shipped_sha256="d69b441e07cdd0da8057ab3254cdeb3e2600e078fd42f9e6ac39259e4f18886b",
)

# ------------------------------------------------------------ the model (lesson and script)


def build_encoder(latent_dim: int = LATENT_DIM, hidden_units: int = HIDDEN_UNITS) -> keras.Model:
    """Image (28, 28) in [0, 1] -> the mean and the log-variance of its Gaussian in latent space."""
    image = keras.Input(IMAGE_SHAPE, name="image")
    x = layers.Flatten()(image)
    x = layers.Dense(hidden_units, activation="relu")(x)
    x = layers.Dense(hidden_units // 2, activation="relu")(x)
    z_mean = layers.Dense(latent_dim, name="z_mean")(x)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(x)
    return keras.Model(image, [z_mean, z_log_var], name="encoder")


def build_decoder(latent_dim: int = LATENT_DIM, hidden_units: int = HIDDEN_UNITS) -> keras.Model:
    """A point z of the latent space -> an image (28, 28) of pixel values in (0, 1)."""
    z = keras.Input((latent_dim,), name="z")
    x = layers.Dense(hidden_units // 2, activation="relu")(z)
    x = layers.Dense(hidden_units, activation="relu")(x)
    x = layers.Dense(IMAGE_SHAPE[0] * IMAGE_SHAPE[1], activation="sigmoid")(x)
    image = layers.Reshape(IMAGE_SHAPE)(x)
    return keras.Model(z, image, name="decoder")


def sample_z(z_mean, z_log_var, seed_generator):
    """The reparameterization trick: z = mean + standard deviation * epsilon, epsilon ~ N(0, I).

    The randomness sits in epsilon, outside the network, so gradients flow to mean and log_var.
    """
    epsilon = keras.random.normal(ops.shape(z_mean), seed=seed_generator)
    return z_mean + ops.exp(0.5 * z_log_var) * epsilon


def kl_divergence(z_mean, z_log_var):
    """KL(N(mean, exp(log_var)) || N(0, I)) per example, summed over the latent dimensions."""
    return -0.5 * ops.sum(1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1)


def reconstruction_loss(images, decoded):
    """Binary cross-entropy per pixel, summed over the 784 pixels of each image."""
    return ops.sum(ops.binary_crossentropy(images, decoded), axis=(1, 2))


class VAE(keras.Model):
    """Encoder + sampling + decoder, trained on reconstruction + KL by its own ``train_step``."""

    def __init__(self, encoder: keras.Model, decoder: keras.Model, seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.encoder, self.decoder = encoder, decoder
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.trackers = {
            name: keras.metrics.Mean(name=name) for name in ("loss", "reconstruction", "kl")
        }

    @property
    def metrics(self):  # reset by Keras at the start of every epoch
        return list(self.trackers.values())

    def losses_of(self, images):
        z_mean, z_log_var = self.encoder(images)
        z = sample_z(z_mean, z_log_var, self.seed_generator)
        reconstruction = ops.mean(reconstruction_loss(images, self.decoder(z)))
        kl = ops.mean(kl_divergence(z_mean, z_log_var))
        return {"loss": reconstruction + kl, "reconstruction": reconstruction, "kl": kl}

    def train_step(self, images):
        import tensorflow as tf  # the backend is TensorFlow: its tape records the gradients

        with tf.GradientTape() as tape:
            losses = self.losses_of(images)
        gradients = tape.gradient(losses["loss"], self.trainable_weights)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_weights, strict=True))
        for name, value in losses.items():
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def test_step(self, images):
        for name, value in self.losses_of(images).items():
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def call(self, images):
        return self.decoder(self.encoder(images)[0])


def build_vae(seed: int = 0) -> VAE:
    """The lesson's VAE (2-D latent space), built, not compiled; the script trains the same one."""
    vae = VAE(build_encoder(), build_decoder(), seed=seed)
    vae(ops.zeros((1, *IMAGE_SHAPE)))  # built: its weights exist (to save or load them)
    return vae


def compile_vae(vae: VAE) -> VAE:
    """Compile with the optimizer that the lesson and the script both use."""
    vae.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3))
    return vae


def load_trained_vae(data_dir: str | None = None) -> VAE:
    """The lesson's VAE with the weights trained longer by ``helpers/data/train_vae.py``.

    The file's sha256 is checked before anything is read from it (``datasets.locate``);
    ``data_dir``: where to look for it (default: ``helpers/data``).
    """
    path = datasets.locate(WEIGHTS, data_dir=data_dir)
    vae = build_vae()
    vae.load_weights(path)
    return vae


# ------------------------------------------------------------ measures and plots


def _images(images: Any, what: str) -> np.ndarray:
    array = check.finite_array(what, "images", images)
    if array.ndim != 3 or array.shape[1:] != IMAGE_SHAPE:
        raise ValueError(
            f"{what} expects images of shape (n, 28, 28), got {array.shape}; pass digits "
            "scaled to [0, 1] (x / 255) or a decoder's output"
        )
    return array


def _points(z: Any, what: str, name: str = "z") -> np.ndarray:
    array = check.finite_array(what, name, z)
    if array.ndim != 2 or array.shape[1] != LATENT_DIM:
        raise ValueError(
            f"{what} expects {name} as points of the 2-D latent space, shape (n, 2), got "
            f"{array.shape}"
        )
    return array


def _labels(labels: Any, count: int, what: str) -> np.ndarray:
    array = check.numbers(labels, f"{what}: labels", "digit labels 0-9 of shape (n,)")
    if (
        array.shape != (count,)
        or array.dtype.kind not in "iu"
        or array.min() < 0
        or array.max() > 9
    ):
        raise ValueError(
            f"{what} expects labels as {count} integers from 0 to 9 (one per point), got "
            f"{check.describe(labels)}"
        )
    return array


def prior_quantiles(n: int = 15) -> np.ndarray:
    """``n`` values of z that cut the standard normal into equal-probability slices (5%-95%)."""
    n = check.number(n, "prior_quantiles: n", integer=True, positive=True)
    if n < 2:
        raise ValueError(f"prior_quantiles expects n >= 2 points, got {n}")
    normal = NormalDist()
    return np.array([normal.inv_cdf(p) for p in np.linspace(0.05, 0.95, n)])


def grid_points(values: Any) -> np.ndarray:
    """Every (z1, z2) pair of ``values``: rows top to bottom go from high z2 to low z2."""
    values = check.finite_array("grid_points", "values", values)
    if values.ndim != 1 or values.size < 2:
        raise ValueError(f"grid_points expects a 1-D array of >= 2 values, got {values.shape}")
    z2, z1 = np.meshgrid(values[::-1], values, indexing="ij")
    return np.stack([z1.ravel(), z2.ravel()], axis=1)


def plot_digit_grid(images: Any, values: Any, title: str) -> Figure:
    """The decoded images of ``grid_points(values)``, tiled as one picture, z on the axes."""
    n = len(check.finite_array("plot_digit_grid", "values", values))
    images = _images(images, "plot_digit_grid")
    if len(images) != n * n:
        raise ValueError(f"plot_digit_grid expects {n * n} images ({n} x {n}), got {len(images)}")
    check.text(title, "plot_digit_grid: title")
    tiled = images.reshape(n, n, 28, 28).transpose(0, 2, 1, 3).reshape(n * 28, n * 28)
    fig = Figure(figsize=(6.2, 6.2), layout="constrained")
    ax = fig.subplots()
    ax.imshow(tiled, cmap="gray_r", vmin=0, vmax=1)
    ticks = np.arange(n) * 28 + 13.5
    labels = [f"{round(v, 1) + 0:.1f}" for v in np.asarray(values, dtype=float)]  # no "-0.0"
    ax.set_xticks(ticks, labels, fontsize=7)
    ax.set_yticks(ticks, labels[::-1], fontsize=7)
    ax.set(xlabel="z1", ylabel="z2", title=title)
    ax.grid(False)
    return fig


def plot_latent_map(means: Any, labels: Any, title: str, ax: Any = None) -> Figure:
    """Each digit's latent mean as a dot, coloured by its class (0-9)."""
    means = _points(means, "plot_latent_map", "means")
    labels = _labels(labels, len(means), "plot_latent_map")
    if ax is None:
        fig = Figure(figsize=(6.2, 5.2), layout="constrained")
        ax = fig.subplots()
    scatter = ax.scatter(means[:, 0], means[:, 1], c=labels, cmap="tab10", vmin=-0.5, vmax=9.5,
                         s=3, alpha=0.6, rasterized=True)  # fmt: skip
    ax.figure.colorbar(scatter, ax=ax, ticks=range(10), label="digit")
    ax.set(xlabel="z1", ylabel="z2", title=title)
    return ax.figure


def sample_quality(probabilities: Any, threshold: float = 0.9, min_share: float = 0.01) -> dict:
    """How a classifier judges generated digits.

    ``probabilities``: (n, 10) softmax outputs for n generated images. Returns the share of
    images classified with a top probability above ``threshold`` ("confident"), the number of
    classes that at least ``min_share`` of all images are confidently given ("classes
    covered"), and the count of confident images per class.
    """
    p = check.finite_array("sample_quality", "probabilities", probabilities)
    if p.ndim != 2 or p.shape[1] != 10 or np.any(p < 0) or not np.allclose(p.sum(1), 1, atol=1e-3):
        raise ValueError(
            f"sample_quality expects probabilities of shape (n, 10), rows summing to 1 "
            f"(a softmax output), got {check.describe(probabilities)}"
        )
    threshold = check.number(threshold, "sample_quality: threshold")
    min_share = check.number(min_share, "sample_quality: min_share", non_negative=True)
    if not 0 < threshold < 1 or min_share >= 1:
        raise ValueError("sample_quality expects 0 < threshold < 1 and 0 <= min_share < 1")
    confident = p.max(axis=1) > threshold
    per_class = np.bincount(p.argmax(axis=1)[confident], minlength=10)
    return {
        "confident share": float(confident.mean()),
        "classes covered": int(np.sum(per_class >= min_share * len(p))),
        "per class": per_class,
    }


# ------------------------------------------------------------ the latent-space walker


def decode_point(decoder: Callable, z1: float, z2: float) -> np.ndarray:
    """The image (28, 28) that ``decoder`` makes of the point (z1, z2); no ``predict`` call."""
    z = np.array([[check.number(z1, "decode_point: z1"), check.number(z2, "decode_point: z2")]],
                 dtype="float32")  # fmt: skip
    image = np.asarray(decoder(z, training=False))
    if image.shape != (1, *IMAGE_SHAPE):
        raise ValueError(
            f"decode_point expects a decoder that outputs (1, 28, 28), got {image.shape}"
        )
    return image[0]


def draw_walk(view: dict) -> Figure:
    """Draw a walker view: the latent map with the point, and the decoded image."""
    if not isinstance(view, dict) or not {"z", "image", "means", "labels"} <= set(view):
        raise ValueError("draw_walk expects the dict that latent_walker's compute returns")
    fig = Figure(figsize=(9.0, 4.0))
    left = fig.add_axes((0.07, 0.13, 0.5, 0.78))
    right = fig.add_axes((0.66, 0.13, 0.3, 0.78))
    left.scatter(view["means"][:, 0], view["means"][:, 1], c=view["labels"], cmap="tab10",
                 vmin=-0.5, vmax=9.5, s=2, alpha=0.5, rasterized=True)  # fmt: skip
    left.plot(*view["z"], "k*", ms=16, mec="white")
    left.set(xlim=(-4, 4), ylim=(-4, 4), xlabel="z1", ylabel="z2",
             title="test digits' means (colour: class)")  # fmt: skip
    right.imshow(view["image"], cmap="gray_r", vmin=0, vmax=1)
    right.set_axis_off()
    right.set_title(f"decoded z = ({view['z'][0]:.1f}, {view['z'][1]:.1f})")
    return fig


def latent_walker(decoder: Callable, means: Any, labels: Any) -> LiveFigure:
    """Two sliders move a point (z1, z2) over the latent map; the decoder draws it live."""
    means = _points(means, "latent_walker", "means")
    labels = _labels(labels, len(means), "latent_walker")
    if not callable(decoder):
        raise ValueError(f"latent_walker expects a decoder model, got {check.describe(decoder)}")
    controls = {
        name: widgets.FloatSlider(
            value=value, min=-3.5, max=3.5, step=0.1, description=name, continuous_update=False
        )
        for name, value in (("z1", 0.0), ("z2", 0.0))
    }

    def compute(z1: float, z2: float) -> dict:
        z = np.array([z1, z2])
        return {"z": z, "image": decode_point(decoder, z1, z2), "means": means, "labels": labels}

    return LiveFigure(controls, compute, draw_walk)


# ------------------------------------------------------------ exercise 1: the KL term


def _kl_reference(mean: np.ndarray, log_var: np.ndarray, mistake: str = "") -> np.ndarray:
    """The KL term per example (and the usual wrong versions of it, for the hints)."""
    variance, log_variance = np.exp(log_var), log_var
    if mistake == "log_var as log std":
        variance, log_variance = np.exp(2 * log_var), 2 * log_var
    if mistake == "log_var as std":
        with np.errstate(divide="ignore", invalid="ignore"):
            variance, log_variance = log_var**2, np.log(log_var**2)
    terms = 1 + log_variance - mean**2 - variance
    if mistake == "no 1":
        terms = terms - 1
    half = {"sign": 0.5, "no half": -1.0}.get(mistake, -0.5)
    if mistake == "mean over dimensions":
        return half * terms.mean(axis=-1)
    if mistake == "over the whole batch":
        return np.full(len(mean), half * terms.sum() / len(mean))
    return half * terms.sum(axis=-1)


_KL_HINTS = {
    "sign": "every value has the wrong sign: a KL divergence is never negative. The formula is "
    "-1/2 * sum(1 + log_var - mean^2 - exp(log_var))",
    "no half": "twice the right value: the factor is -1/2, not -1",
    "log_var as std": "you used log_var as the standard deviation; it is the LOG of the "
    "variance, so the variance is exp(log_var)",
    "log_var as log std": "you took exp(2 * log_var) as the variance, as if log_var were the log "
    "of the standard deviation; the variance is exp(log_var)",
    "mean over dimensions": "you averaged over the latent dimensions; the KL of independent "
    "dimensions is their SUM (axis=-1)",
    "no 1": "the '1 +' inside the sum is missing (it makes the KL 0 when mean = 0, log_var = 0)",
    "over the whole batch": "one value for the whole batch: sum over the latent dimensions only "
    "(axis=-1), one KL per example",
}


def exercise_kl_divergence(kl_divergence: Callable) -> checks.Verdict:
    """Exercise 10c.1: ``kl_divergence(mean, log_var)`` in NumPy, one value per example."""
    name = "the KL term of a diagonal Gaussian against N(0, I)"
    if kl_divergence is None:
        return checks.verdict(name, "kl_divergence is None: define the function")
    rng = np.random.default_rng(10)
    for dims in (2, 3):
        mean = rng.normal(0, 1.5, (6, dims))
        log_var = rng.normal(-0.5, 1.0, (6, dims))
        want = _kl_reference(mean, log_var)
        got, problem = checks.attempt(kl_divergence, mean.copy(), log_var.copy())
        if problem:
            return checks.verdict(name, f"kl_divergence(mean, log_var): {problem}")
        if got is not None and np.ndim(got) == 0:
            return checks.verdict(name, _KL_HINTS["over the whole batch"])
        problem = checks.compare("kl_divergence", got, want)
        if problem is None:
            continue
        got = np.asarray(got, dtype=float) if np.shape(got) == want.shape else None
        for mistake, hint in _KL_HINTS.items():
            wrong = _kl_reference(mean, log_var, mistake)
            if got is not None and np.all(np.isfinite(wrong)) and np.allclose(got, wrong):
                return checks.verdict(name, hint)
        return checks.verdict(name, problem)
    return checks.verdict(name, None)


# ------------------------------------------------------------ exercise 2: reparameterization


def _sample_reference(mean, log_var, epsilon, mistake: str = "") -> np.ndarray:
    std = np.exp(0.5 * log_var)
    return {
        "": mean + std * epsilon,
        "variance": mean + np.exp(log_var) * epsilon,
        "log_var as std": mean + log_var * epsilon,
        "epsilon unused": mean + std,
        "only the mean": mean + 0 * epsilon,
        "mean forgotten": std * epsilon,
    }[mistake]


_SAMPLE_HINTS = {
    "variance": "you scaled epsilon by exp(log_var), the variance; scale it by the standard "
    "deviation, exp(0.5 * log_var) (the square root of the variance)",
    "log_var as std": "you scaled epsilon by log_var itself; the standard deviation is "
    "exp(0.5 * log_var)",
    "epsilon unused": "epsilon is not used: you added the standard deviation itself; multiply it "
    "by epsilon, the noise drawn from N(0, 1)",
    "only the mean": "you returned the mean: the sample must be spread around it, "
    "mean + std * epsilon",
    "mean forgotten": "the mean is missing: the sample is mean + std * epsilon",
}


def exercise_sample_z(sample_z: Callable) -> checks.Verdict:
    """Exercise 10c.2: ``sample_z(mean, log_var, epsilon)``, the reparameterization trick."""
    name = "the reparameterization trick"
    if sample_z is None:
        return checks.verdict(name, "sample_z is None: define the function")
    rng = np.random.default_rng(20)
    mean = rng.normal(0, 1.5, (5, 2))
    log_var = rng.normal(-0.5, 1.0, (5, 2))
    epsilon = rng.normal(size=(5, 2))
    got, problem = checks.attempt(sample_z, mean.copy(), log_var.copy(), epsilon.copy())
    if problem:
        return checks.verdict(name, f"sample_z(mean, log_var, epsilon): {problem}")
    problem = checks.compare("sample_z", got, _sample_reference(mean, log_var, epsilon))
    if problem is None:
        return checks.verdict(name, None)
    if np.shape(got) == mean.shape:
        got = np.asarray(got, dtype=float)
        for mistake, hint in _SAMPLE_HINTS.items():
            if np.allclose(got, _sample_reference(mean, log_var, epsilon, mistake)):
                return checks.verdict(name, hint)
        again, _ = checks.attempt(sample_z, mean.copy(), log_var.copy(), epsilon.copy())
        if np.shape(again) == got.shape and not np.allclose(np.asarray(again, dtype=float), got):
            return checks.verdict(
                name,
                "two calls with the same epsilon gave different samples: use the epsilon "
                "passed in, do not draw new noise inside the function",
            )
    return checks.verdict(name, problem)
