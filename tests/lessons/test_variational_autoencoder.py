"""Lesson 10 part 3 helpers: the VAE's parts (sampling, KL, loss, train_step), the training
script (same builder, a short run), the shipped weights (sha256 checked), the plots, the
latent walker (driven headlessly), the exercise checks (right answers pass, plausible wrong
ones get the hint naming the mistake) and bad input."""

import importlib.util
import time

import keras
import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers import datasets
from helpers.build_notebooks import ROOT
from helpers.lessons import variational_autoencoder as lesson

RNG = np.random.default_rng(0)
IMAGES = RNG.uniform(0, 1, (64, 28, 28)).astype("float32")


def load_script():
    path = ROOT / "helpers" / "data" / "train_vae.py"
    spec = importlib.util.spec_from_file_location("train_vae", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ------------------------------------------------------------ the model


def test_encoder_and_decoder_shapes():
    encoder, decoder = lesson.build_encoder(), lesson.build_decoder()
    z_mean, z_log_var = encoder(IMAGES[:5])
    assert z_mean.shape == (5, 2) and z_log_var.shape == (5, 2)
    decoded = np.asarray(decoder(np.zeros((3, 2), "float32")))
    assert decoded.shape == (3, 28, 28) and decoded.min() > 0 and decoded.max() < 1


def test_kl_divergence_closed_form_against_numbers_worked_by_hand():
    mean = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 0.0]])
    log_var = np.array([[0.0, 0.0], [0.0, 0.0], [np.log(4.0), 0.0]])
    kl = np.asarray(lesson.kl_divergence(mean, log_var))
    # N(0,1): 0; a mean of 1: 1/2; a variance of 4: (4 - 1 - log 4) / 2
    np.testing.assert_allclose(kl, [0.0, 0.5, (3 - np.log(4)) / 2], rtol=1e-6)


def test_sample_z_has_the_gaussians_mean_and_spread():
    mean = np.full((40000, 2), [1.0, -2.0], dtype="float32")
    log_var = np.full((40000, 2), [0.0, np.log(0.25)], dtype="float32")
    z = np.asarray(lesson.sample_z(mean, log_var, keras.random.SeedGenerator(1)))
    np.testing.assert_allclose(z.mean(0), [1.0, -2.0], atol=0.02)
    np.testing.assert_allclose(z.std(0), [1.0, 0.5], atol=0.02)


def test_reconstruction_loss_sums_binary_cross_entropy_over_pixels():
    decoded = np.full((2, 28, 28), 0.25, dtype="float32")
    targets = np.zeros((2, 28, 28), dtype="float32")
    targets[1] = 1.0
    loss = np.asarray(lesson.reconstruction_loss(targets, decoded))
    np.testing.assert_allclose(loss, [-784 * np.log(0.75), -784 * np.log(0.25)], rtol=1e-4)


def test_train_step_reports_both_terms_and_lowers_the_loss():
    keras.utils.set_random_seed(0)
    (x, _), _ = datasets.load_mnist()
    x = (x[:512] / 255).astype("float32")
    vae = lesson.compile_vae(lesson.build_vae())
    history = vae.fit(x, epochs=3, batch_size=64, verbose=0).history
    assert set(history) == {"loss", "reconstruction", "kl"}
    np.testing.assert_allclose(
        history["loss"], np.add(history["reconstruction"], history["kl"]), rtol=1e-4
    )
    assert history["loss"][-1] < history["loss"][0] - 50
    assert all(kl > 0 for kl in history["kl"])


# ------------------------------------------------------------ script and shipped weights


def test_the_script_uses_the_lessons_builder_and_runs_a_few_steps(tmp_path, capsys):
    script = load_script()
    assert script.build_vae is lesson.build_vae and script.compile_vae is lesson.compile_vae
    started = time.perf_counter()
    out = tmp_path / "small.weights.h5"
    result = script.main(["--epochs", "1", "--train-size", "256", "--out", str(out)])
    assert time.perf_counter() - started < 30
    printed = capsys.readouterr().out
    assert "epoch 1/1" in printed and datasets.sha256_of(out) in printed
    assert result["test_loss"] > 0 and result["seconds"] > 0
    vae = lesson.build_vae()
    vae.load_weights(out)  # the layout the lesson's builder makes
    with pytest.raises(SystemExit):
        script.main(["--out", str(tmp_path / "weights.npz")])


def test_shipped_weights_load_and_decode_digits():
    vae = lesson.load_trained_vae()
    encoder_weights = vae.encoder.get_weights()
    assert len(encoder_weights) == 8 and np.all(np.isfinite(encoder_weights[0]))
    (_, _), (x_test, _) = datasets.load_mnist()
    x = (x_test[:200] / 255).astype("float32")
    decoded = np.asarray(vae(x))
    assert np.mean((decoded - x) ** 2) < 0.06  # reconstructs, unlike random weights


def test_a_corrupted_weights_file_is_refused(tmp_path):
    (tmp_path / lesson.WEIGHTS.name).write_bytes(b"not the weights")
    with pytest.raises(datasets.DatasetUnavailableError, match="corrupted"):
        lesson.load_trained_vae(data_dir=tmp_path)


# ------------------------------------------------------------ measures and plots


def test_prior_quantiles_are_symmetric_normal_quantiles():
    values = lesson.prior_quantiles(15)
    assert values[0] == pytest.approx(-1.6449, abs=1e-4) and values[7] == pytest.approx(0)
    np.testing.assert_allclose(values, -values[::-1], atol=1e-12)


def test_grid_points_rows_go_from_high_to_low_z2():
    points = lesson.grid_points(np.array([-1.0, 0.0, 1.0]))
    assert points.shape == (9, 2)
    np.testing.assert_array_equal(points[:3], [[-1, 1], [0, 1], [1, 1]])
    np.testing.assert_array_equal(points[-1], [1, -1])


def test_plot_digit_grid_tiles_the_images():
    values = np.array([-1.0, 0.0, 1.0])
    images = np.zeros((9, 28, 28))
    images[2] = 1.0  # top right: z1 = 1, z2 = 1
    fig = lesson.plot_digit_grid(images, values, "grid")
    tiled = fig.axes[0].get_images()[0].get_array()
    assert tiled.shape == (84, 84) and tiled[:28, 56:].min() == 1 and tiled[28:].max() == 0


def test_plot_latent_map_draws_one_dot_per_digit():
    fig = lesson.plot_latent_map(RNG.normal(size=(50, 2)), np.arange(50) % 10, "map")
    assert isinstance(fig, Figure)
    assert len(fig.axes[0].collections[0].get_offsets()) == 50


def test_sample_quality_counts_confident_images_and_classes():
    probabilities = np.full((100, 10), 0.01)
    probabilities[np.arange(100), np.arange(100) % 4] = 0.91  # 4 classes, confident
    probabilities[:10] = 0.1  # 10 images: not confident
    quality = lesson.sample_quality(probabilities, 0.9, min_share=0.01)
    assert quality["confident share"] == pytest.approx(0.9)
    assert quality["classes covered"] == 4 and quality["per class"].sum() == 90
    probabilities[10] = 0.01
    probabilities[10, 7] = 0.91  # one image of class 7: under 2% of 100
    assert lesson.sample_quality(probabilities, 0.9, min_share=0.02)["classes covered"] == 4


# ------------------------------------------------------------ the walker


def test_latent_walker_headless_and_fast():
    decoder = lesson.build_decoder()
    means, labels = RNG.normal(size=(2000, 2)), np.arange(2000) % 10
    widget = lesson.latent_walker(decoder, means, labels)
    first = widget.result["image"].copy()
    seconds = []
    for z1, z2 in [(2.0, -1.0), (-3.0, 3.0), (0.5, 0.5)]:
        start = time.process_time()
        widget.controls["z1"].value = z1
        widget.controls["z2"].value = z2
        seconds.append((time.process_time() - start) / 2)
    np.testing.assert_array_equal(widget.result["z"], [0.5, 0.5])
    np.testing.assert_allclose(
        widget.result["image"], np.asarray(decoder(np.array([[0.5, 0.5]], "float32")))[0]
    )
    assert not np.allclose(widget.result["image"], first)
    assert np.median(seconds) < 0.3, seconds


# ------------------------------------------------------------ exercise 1: KL


def test_exercise_kl_passes_the_solution_and_rejects_a_blank(capsys):
    def solution(mean, log_var):
        return -0.5 * np.sum(1 + log_var - mean**2 - np.exp(log_var), axis=-1)

    assert lesson.exercise_kl_divergence(solution)
    assert "PASS" in capsys.readouterr().out
    assert not lesson.exercise_kl_divergence(lambda mean, log_var: None)
    assert "forget `return`" in capsys.readouterr().out
    assert not lesson.exercise_kl_divergence(None)
    assert "Not yet" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda m, v: 0.5 * np.sum(1 + v - m**2 - np.exp(v), axis=-1), "wrong sign"),
        (lambda m, v: -np.sum(1 + v - m**2 - np.exp(v), axis=-1), "factor is -1/2"),
        (lambda m, v: -0.5 * np.mean(1 + v - m**2 - np.exp(v), axis=-1), "SUM (axis=-1)"),
        (lambda m, v: -0.5 * np.sum(1 + 2 * v - m**2 - np.exp(2 * v), axis=-1), "exp(2"),
        (lambda m, v: -0.5 * np.sum(1 + np.log(v**2) - m**2 - v**2, axis=-1), "as the standard"),
        (lambda m, v: -0.5 * np.sum(v - m**2 - np.exp(v), axis=-1), "'1 +'"),
        (lambda m, v: -0.5 * np.sum(1 + v - m**2 - np.exp(v)), "one value for the whole batch"),
        (lambda m, v: -0.5 * np.sum(1 + v - m**2 - np.exp(v), axis=0), "shape"),
    ],
)
def test_exercise_kl_names_each_mistake(capsys, wrong, hint):
    with np.errstate(divide="ignore", invalid="ignore"):
        assert not lesson.exercise_kl_divergence(wrong)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out


# ------------------------------------------------------------ exercise 2: sampling


def test_exercise_sample_z_passes_the_solution_and_rejects_a_blank(capsys):
    assert lesson.exercise_sample_z(lambda m, v, e: m + np.exp(0.5 * v) * e)
    assert "PASS" in capsys.readouterr().out
    assert not lesson.exercise_sample_z(lambda m, v, e: None)
    assert "forget `return`" in capsys.readouterr().out
    assert not lesson.exercise_sample_z(None)
    assert "Not yet" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda m, v, e: m + np.exp(v) * e, "exp(log_var), the variance"),
        (lambda m, v, e: m + v * e, "by log_var itself"),
        (lambda m, v, e: m + np.exp(0.5 * v), "epsilon is not used"),
        (lambda m, v, e: m, "you returned the mean"),
        (lambda m, v, e: np.exp(0.5 * v) * e, "the mean is missing"),
        (lambda m, v, e: m + np.exp(0.5 * v) * RNG.normal(size=m.shape), "new noise"),
    ],
)
def test_exercise_sample_z_names_each_mistake(capsys, wrong, hint):
    assert not lesson.exercise_sample_z(wrong)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out


# ------------------------------------------------------------ bad input

BAD_CALLS = {
    "grid images of another shape": (
        lambda: lesson.plot_digit_grid(np.zeros((9, 784)), [0.0, 1.0, 2.0], "t"),
        r"shape \(n, 28, 28\)",
    ),
    "too few grid images": (
        lambda: lesson.plot_digit_grid(np.zeros((8, 28, 28)), [0.0, 1.0, 2.0], "t"),
        "expects 9 images",
    ),
    "NaN images": (
        lambda: lesson.plot_digit_grid(np.full((4, 28, 28), np.nan), [0.0, 1.0], "t"),
        "finite",
    ),
    "3-D means": (
        lambda: lesson.plot_latent_map(np.zeros((5, 3)), np.zeros(5, int), "t"),
        r"shape \(n, 2\)",
    ),
    "labels of another length": (
        lambda: lesson.plot_latent_map(np.zeros((5, 2)), np.zeros(4, int), "t"),
        "5 integers from 0 to 9",
    ),
    "float labels": (
        lambda: lesson.plot_latent_map(np.zeros((5, 2)), np.zeros(5), "t"),
        "integers",
    ),
    "None means": (lambda: lesson.plot_latent_map(None, np.zeros(5, int), "t"), "got None"),
    "probabilities not a softmax": (
        lambda: lesson.sample_quality(np.ones((5, 10))),
        "rows summing to 1",
    ),
    "probabilities of 2 classes": (
        lambda: lesson.sample_quality(np.full((5, 2), 0.5)),
        r"shape \(n, 10\)",
    ),
    "empty probabilities": (lambda: lesson.sample_quality(np.zeros((0, 10))), "empty"),
    "threshold of 1": (
        lambda: lesson.sample_quality(np.full((5, 10), 0.1), threshold=1.0),
        "0 < threshold < 1",
    ),
    "one quantile": (lambda: lesson.prior_quantiles(1), "n >= 2"),
    "quantiles as text": (lambda: lesson.prior_quantiles("15"), "prior_quantiles: n"),
    "grid of one value": (lambda: lesson.grid_points([1.0]), ">= 2 values"),
    "walker without a decoder": (
        lambda: lesson.latent_walker(None, np.zeros((5, 2)), np.zeros(5, int)),
        "decoder model",
    ),
    "decode a NaN point": (
        lambda: lesson.decode_point(lesson.build_decoder(), np.nan, 0.0),
        "z1",
    ),
    "draw something else": (lambda: lesson.draw_walk({"z": 1}), "latent_walker"),
}


@pytest.mark.parametrize("case", BAD_CALLS, ids=list(BAD_CALLS))
def test_bad_input_gets_a_clear_value_error(case):
    call, message = BAD_CALLS[case]
    with pytest.raises(ValueError, match=message):
        call()
