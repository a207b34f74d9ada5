"""Lesson 11a helpers: the GAN's parts (both losses, train_step), the training script (same
builder, a short run), the shipped generator (sha256 checked), the plots, the latent explorer
(driven headlessly), the exercise checks (right answers pass, plausible wrong ones get the hint
naming the mistake) and bad input."""

import importlib.util
import time

import keras
import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers import datasets
from helpers.build_notebooks import ROOT
from helpers.lessons import gans as lesson

RNG = np.random.default_rng(0)
Z = RNG.normal(size=(6, lesson.LATENT_DIM)).astype("float32")


def load_script():
    path = ROOT / "helpers" / "data" / "train_gan.py"
    spec = importlib.util.spec_from_file_location("train_gan", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


# ------------------------------------------------------------ the model


def test_generator_and_discriminator_shapes():
    images = np.asarray(lesson.build_generator()(Z))
    assert images.shape == (6, 28, 28) and images.min() > 0 and images.max() < 1
    logits = np.asarray(lesson.build_discriminator()(images))
    assert logits.shape == (6, 1)


def test_losses_against_numbers_worked_by_hand():
    real, fake = np.array([[2.0], [-1.0]]), np.array([[0.5], [-3.0]])
    want_d = -np.mean(np.log(sigmoid(real))) - np.mean(np.log(1 - sigmoid(fake)))
    np.testing.assert_allclose(float(lesson.discriminator_loss(real, fake)), want_d, rtol=1e-5)
    smoothed = -np.mean(0.9 * np.log(sigmoid(real)) + 0.1 * np.log(1 - sigmoid(real)))
    smoothed -= np.mean(np.log(1 - sigmoid(fake)))
    np.testing.assert_allclose(
        float(lesson.discriminator_loss(real, fake, 0.9)), smoothed, rtol=1e-5
    )
    want_g = -np.mean(np.log(sigmoid(fake)))
    np.testing.assert_allclose(float(lesson.generator_loss(fake)), want_g, rtol=1e-5)
    zeros = np.zeros((4, 1))
    np.testing.assert_allclose(float(lesson.discriminator_loss(zeros, zeros)), np.log(4), rtol=1e-6)


def test_train_step_updates_each_player_with_its_own_loss():
    keras.utils.set_random_seed(0)
    (x, _), _ = datasets.load_mnist()
    x = (x[:512] / 255).astype("float32")
    gan = lesson.compile_gan(lesson.build_gan())
    g_before = [w.copy() for w in gan.generator.get_weights()]
    d_before = [w.copy() for w in gan.discriminator.get_weights()]
    history = gan.fit(x, epochs=2, batch_size=64, verbose=0).history
    assert set(history) == {"d_loss", "g_loss"}
    assert all(np.isfinite(history["d_loss"])) and all(np.isfinite(history["g_loss"]))
    assert not all(
        np.allclose(a, b) for a, b in zip(g_before, gan.generator.get_weights(), strict=True)
    )
    assert not all(
        np.allclose(a, b) for a, b in zip(d_before, gan.discriminator.get_weights(), strict=True)
    )
    # the discriminator learns to tell the first real digits from generated ones
    real = np.asarray(gan.discriminator(x[:200]))
    fake = np.asarray(
        gan.discriminator(gan.generator(RNG.normal(size=(200, 32)).astype("float32")))
    )
    assert real.mean() > fake.mean()


def test_epoch_samples_keeps_one_set_of_images_per_epoch():
    keras.utils.set_random_seed(0)
    (x, _), _ = datasets.load_mnist()
    callback = lesson.EpochSamples(Z)
    gan = lesson.compile_gan(lesson.build_gan())
    gan.fit((x[:128] / 255).astype("float32"), epochs=2, batch_size=64, verbose=0,
            callbacks=[callback])  # fmt: skip
    assert len(callback.images) == 2 and callback.images[0].shape == (6, 28, 28)
    assert not np.allclose(callback.images[0], callback.images[1])


# ------------------------------------------------------------ script and shipped weights


def test_the_script_uses_the_lessons_builder_and_runs_a_few_steps(tmp_path, capsys):
    script = load_script()
    assert script.build_gan is lesson.build_gan and script.compile_gan is lesson.compile_gan
    assert script.build_generator is lesson.build_generator
    started = time.perf_counter()
    out = tmp_path / "small.weights.h5"
    result = script.main(["--epochs", "1", "--train-size", "256", "--out", str(out)])
    assert time.perf_counter() - started < 60
    printed = capsys.readouterr().out
    assert "epoch 1/1" in printed and datasets.sha256_of(out) in printed
    assert result["seconds"] > 0 and np.isfinite(result["d_loss"])
    generator = lesson.build_generator()
    generator.load_weights(out)  # the layout the lesson's builder makes
    with pytest.raises(SystemExit):
        script.main(["--out", str(tmp_path / "weights.npz")])


def test_shipped_generator_loads_and_makes_varied_images():
    generator = lesson.load_trained_generator()
    images = np.asarray(generator(RNG.normal(size=(200, 32)).astype("float32"), training=False))
    assert images.shape == (200, 28, 28) and np.all(np.isfinite(images))
    ink = images.mean(axis=(1, 2))
    assert 0.05 < ink.mean() < 0.3  # digits: mostly background, some ink (MNIST: 0.13)
    assert images.std(axis=0).mean() > 0.15  # not one image for every z


def test_a_corrupted_weights_file_is_refused(tmp_path):
    (tmp_path / lesson.WEIGHTS.name).write_bytes(b"not the weights")
    with pytest.raises(datasets.DatasetUnavailableError, match="corrupted"):
        lesson.load_trained_generator(data_dir=tmp_path)


# ------------------------------------------------------------ plots


def test_interpolate_goes_in_a_straight_line():
    points = lesson.interpolate(Z[0], Z[1], 5)
    assert points.shape == (5, 32)
    np.testing.assert_allclose(points[0], Z[0], rtol=1e-6)
    np.testing.assert_allclose(points[-1], Z[1], rtol=1e-6)
    np.testing.assert_allclose(points[2], (Z[0] + Z[1]) / 2, rtol=1e-5, atol=1e-6)


def test_plots_draw_what_they_are_given():
    fig = lesson.plot_epoch_samples(np.zeros((3, 4, 28, 28)))
    assert isinstance(fig, Figure) and len(fig.axes) == 12
    fig = lesson.plot_class_histograms({"a": np.arange(10), "b": np.ones(10)})
    bars = fig.axes[0].patches
    assert len(bars) == 20
    np.testing.assert_allclose(bars[9].get_height(), 9 / 45)


# ------------------------------------------------------------ the explorer


def test_latent_explorer_headless_and_fast():
    generator = lesson.build_generator()
    judge = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(10, activation="softmax")])  # fmt: skip
    widget = lesson.latent_explorer(generator, Z[0], Z[1], judge=judge)
    np.testing.assert_allclose(widget.result["z"], Z[0], rtol=1e-6)
    first = widget.result["image"].copy()
    seconds = []
    for t, d1 in [(1.0, 0.0), (0.5, 2.0), (0.25, -3.0)]:
        start = time.process_time()
        widget.controls["t"].value = t
        widget.controls["d1"].value = d1
        seconds.append((time.process_time() - start) / 2)
    z = widget.result["z"]
    unit = z - (0.75 * Z[0] + 0.25 * Z[1])
    np.testing.assert_allclose(np.linalg.norm(unit), 3.0, rtol=1e-4)  # a unit direction, times 3
    np.testing.assert_allclose(
        widget.result["image"], np.asarray(generator(z[None], training=False))[0], atol=1e-6
    )
    assert not np.allclose(widget.result["image"], first)
    assert widget.result["judged"][0] in range(10)
    assert np.median(seconds) < 0.3, seconds


# ------------------------------------------------------------ exercise 1: D's loss


def d_solution(real, fake):
    return -np.mean(np.log(sigmoid(real))) - np.mean(np.log(1 - sigmoid(fake)))


def test_exercise_d_loss_passes_the_solution_and_rejects_a_blank(capsys):
    assert lesson.exercise_discriminator_loss(d_solution)
    assert "PASS" in capsys.readouterr().out
    assert lesson.exercise_discriminator_loss(  # the stable form passes too
        lambda r, f: np.mean(np.logaddexp(0, -r)) + np.mean(np.logaddexp(0, f))
    )
    assert not lesson.exercise_discriminator_loss(lambda real, fake: None)
    assert "forget `return`" in capsys.readouterr().out
    assert not lesson.exercise_discriminator_loss(None)
    assert "Not yet" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda r, f: -np.mean(np.log(1 - sigmoid(r))) - np.mean(np.log(sigmoid(f))), "label 0"),
        (lambda r, f: -np.sum(np.log(sigmoid(r))) - np.sum(np.log(1 - sigmoid(f))), "summed"),
        (lambda r, f: -np.mean(np.log(sigmoid(r))), "add the generated"),
        (lambda r, f: -np.mean(np.log(1 - sigmoid(f))), "add the real"),
        (lambda r, f: np.mean(np.log(sigmoid(r))) + np.mean(np.log(1 - sigmoid(f))), "sign"),
        (lambda r, f: -np.mean(np.log(r)) - np.mean(np.log(1 - f)), "not probabilities"),
        (lambda r, f: d_solution(r, f) / 2, "averaged the two terms"),
        (lambda r, f: -np.log(sigmoid(r)) - np.log(1 - sigmoid(f)), "one number"),
        (lambda r, f: "1.386", "expected"),
    ],
)
def test_exercise_d_loss_names_each_mistake(capsys, wrong, hint):
    with np.errstate(all="ignore"):
        assert not lesson.exercise_discriminator_loss(wrong)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out


# ------------------------------------------------------------ exercise 2: G's loss


def test_exercise_g_loss_passes_the_solution_and_rejects_a_blank(capsys):
    assert lesson.exercise_generator_loss(lambda f: -np.mean(np.log(sigmoid(f))))
    assert "PASS" in capsys.readouterr().out
    assert not lesson.exercise_generator_loss(lambda f: None)
    assert "forget `return`" in capsys.readouterr().out
    assert not lesson.exercise_generator_loss(None)
    assert "Not yet" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda f: np.mean(np.log(1 - sigmoid(f))), "minimax"),
        (lambda f: -np.mean(np.log(1 - sigmoid(f))), "label 0"),
        (lambda f: np.mean(np.log(sigmoid(f))), "sign"),
        (lambda f: -np.sum(np.log(sigmoid(f))), "summed"),
        (lambda f: -np.mean(np.log(f)), "not probabilities"),
        (lambda f: -np.log(sigmoid(f)), "one number"),
    ],
)
def test_exercise_g_loss_names_each_mistake(capsys, wrong, hint):
    with np.errstate(all="ignore"):
        assert not lesson.exercise_generator_loss(wrong)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out


# ------------------------------------------------------------ bad input

BAD_CALLS = {
    "latent points of another size": (lambda: lesson.EpochSamples(np.zeros((5, 2))), r"\(n, 32\)"),
    "None latent points": (lambda: lesson.EpochSamples(None), "got None"),
    "NaN latent points": (lambda: lesson.interpolate(np.full(32, np.nan), Z[1]), "finite"),
    "one interpolation step": (lambda: lesson.interpolate(Z[0], Z[1], 1), "steps >= 2"),
    "epoch samples of flat images": (
        lambda: lesson.plot_epoch_samples(np.zeros((2, 3, 784))),
        r"\(epochs, n, 28, 28\)",
    ),
    "empty epoch samples": (lambda: lesson.plot_epoch_samples(np.zeros((0, 3, 28, 28))), "empty"),
    "histograms of 9 classes": (
        lambda: lesson.plot_class_histograms({"a": np.ones(9)}),
        "10 counts per model",
    ),
    "histograms not a dict": (lambda: lesson.plot_class_histograms([1, 2]), "per_class"),
    "explorer without a generator": (
        lambda: lesson.latent_explorer(None, Z[0], Z[1]),
        "generator model",
    ),
    "explorer with a text judge": (
        lambda: lesson.latent_explorer(lesson.build_generator(), Z[0], Z[1], judge="judge"),
        "judge as a classifier",
    ),
    "explorer from a 2-D point": (
        lambda: lesson.latent_explorer(lesson.build_generator(), np.zeros(2), Z[1]),
        r"\(n, 32\)",
    ),
    "offsets of another length": (
        lambda: lesson.explore_point(Z[0], Z[1], Z[:3], 0.5, np.zeros(2)),
        "one offset per direction",
    ),
    "draw something else": (lambda: lesson.draw_explorer({"z": 1}), "latent_explorer"),
}


@pytest.mark.parametrize("case", BAD_CALLS, ids=list(BAD_CALLS))
def test_bad_input_gets_a_clear_value_error(case):
    call, message = BAD_CALLS[case]
    with pytest.raises(ValueError, match=message):
        call()
