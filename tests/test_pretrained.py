"""helpers.pretrained: EfficientNet-Lite0 with ImageNet weights, on real photos; its inputs."""

import re
from pathlib import Path

import numpy as np
import pytest

from helpers import datasets, pretrained

# ------------------------------------------------------------------------ the network itself


@pytest.fixture(scope="module")
def model():
    return pretrained.load_efficientnet_lite0()


@pytest.fixture(scope="module")
def photos():
    """The shipped photos, resized and preprocessed: (4, 224, 224, 3)."""
    images = [pretrained.resize_for_model(datasets.load_photo(name)) for name in datasets.PHOTOS]
    return pretrained.preprocess(np.stack(images))


@pytest.fixture(scope="module")
def probabilities(model, photos):
    return model.predict(photos, verbose=0)


@pytest.fixture(scope="module")
def predictions(probabilities):
    """{photo name: the top-5 as decode_predictions gives it}."""
    decoded = pretrained.decode_predictions(probabilities)
    return dict(zip(datasets.PHOTOS, decoded, strict=True))


def test_the_network_has_the_weights_and_layer_names_of_efficientnet_lite0(model):
    assert model.count_params() == 4_694_024
    names = {layer.name for layer in model.layers}
    for name in ["stem_conv", "b0_dw", "b1_expand", "b1_bn0", "b15_project", "head_relu"]:
        assert name in names
    assert {f"b{i}_out" for i in range(16)} <= names and "b16_out" not in names
    assert model.get_layer("head_relu").output.shape == (None, 7, 7, 1280)
    assert model.get_layer("avg_pool").output.shape == (None, 1280)
    assert model.output.shape == (None, 1000)


# What build_efficientnet_lite0.py printed for the stored weights (top-1, its probability, top-2,
# its probability). The probabilities are checked to 0.01: float16 storage moved them by at most
# 5e-4 and other CPUs' kernels move them by about 1e-6.
EXPECTED = {
    "cat": ("Egyptian cat", 0.7786, "tiger cat", 0.0940),
    "coffee": ("espresso", 0.7375, "cup", 0.0833),
    "astronaut": ("bobsled", 0.1968, "football helmet", 0.1668),
    "rocket": ("drilling platform", 0.5244, "crane (machine)", 0.0738),
}


@pytest.mark.parametrize("photo", datasets.PHOTOS)
def test_the_network_recognizes_the_photos_as_the_build_script_measured(predictions, photo):
    (_, first, p_first), (_, second, p_second) = predictions[photo][:2]
    expected_first, expected_p_first, expected_second, expected_p_second = EXPECTED[photo]
    assert first == expected_first and p_first == pytest.approx(expected_p_first, abs=0.01)
    assert second == expected_second and p_second == pytest.approx(expected_p_second, abs=0.01)


def test_top_classes_make_sense_and_clear_answers_win_by_a_wide_margin(predictions):
    top5 = {photo: [name for _, name, _ in predictions[photo]] for photo in datasets.PHOTOS}
    assert set(top5["cat"][:3]) == {"Egyptian cat", "tiger cat", "tabby"}
    assert {"espresso", "cup", "coffee mug"} <= set(top5["coffee"][:3])
    assert {"missile", "space shuttle"} <= set(top5["rocket"])
    for photo in ["cat", "coffee", "rocket"]:  # measured margins: 0.68, 0.65, 0.45
        assert predictions[photo][0][2] - predictions[photo][1][2] > 0.4
    # ImageNet has no "astronaut" or "person" class: the network is unsure (margin 0.03).
    assert predictions["astronaut"][0][2] < 0.3


def test_logits_at_any_input_size_and_the_feature_map_without_top(photos, probabilities):
    import keras

    flexible = pretrained.load_efficientnet_lite0((None, None, 3), logits=True)
    logits = np.asarray(flexible(photos, training=False))
    softmax = np.exp(logits - logits.max(axis=1, keepdims=True))
    softmax /= softmax.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(softmax, probabilities, atol=1e-5)

    small = photos[:1, 40:200, 60:156]  # 160 x 96 pixels of the cat
    assert flexible(small, training=False).shape == (1, 1000)
    features = pretrained.load_efficientnet_lite0((None, None, 3), include_top=False)
    assert "predictions" not in {layer.name for layer in features.layers}
    expected = keras.Model(flexible.input, flexible.get_layer("head_relu").output)(small)
    assert expected.shape == (1, 5, 3, 1280)
    np.testing.assert_allclose(features(small, training=False), expected, atol=1e-4)


def test_imagenet_class_names_are_1000_unique_short_names():
    names = pretrained.imagenet_class_names()
    assert len(names) == 1000 and len(set(names)) == 1000
    assert names[0] == "tench" and names[285] == "Egyptian cat" and names[967] == "espresso"
    assert names[134] == "crane (bird)" and names[517] == "crane (machine)"
    assert all(name and "," not in name for name in names)


# -------------------------------------------------------------------------- inputs and outputs


def test_preprocess_maps_0_255_to_about_minus_1_to_1_and_keeps_the_shape():
    image = np.array([[[0, 127, 255]]], dtype=np.uint8)
    out = pretrained.preprocess(image)
    assert out.dtype == np.float32 and out.shape == (1, 1, 3)
    np.testing.assert_allclose(out[0, 0], [-127 / 128, 0.0, 1.0])
    np.testing.assert_array_equal(pretrained.preprocess(image.astype(float)), out)
    assert pretrained.preprocess(np.zeros((2, 5, 4, 3), np.uint8)).shape == (2, 5, 4, 3)


def test_resize_for_model_pads_the_short_side_with_grey_and_keeps_all_the_photo():
    cat = datasets.load_photo("cat")  # 300 x 451: wider than tall
    square = pretrained.resize_for_model(cat)
    assert square.shape == (224, 224, 3) and square.dtype == np.uint8
    height = round(300 * 224 / 451)  # 149 rows of photo, grey above and below
    top = (224 - height) // 2
    assert (square[:top] == pretrained.PAD_VALUE).all()
    assert (square[top + height :] == pretrained.PAD_VALUE).all()
    assert square[top : top + height].std() > 20
    assert pretrained.preprocess(square)[0, 0].tolist() == [0.0, 0.0, 0.0]

    tall = pretrained.resize_for_model(np.full((100, 50, 3), 200, np.uint8), size=64)
    assert tall.shape == (64, 64, 3)
    assert (tall[:, :16] == pretrained.PAD_VALUE).all() and (tall[:, 16:48] == 200).all()
    # Already square: nothing is padded, and float pixels 0..255 work too.
    astronaut = datasets.load_photo("astronaut").astype(float)
    assert (pretrained.resize_for_model(astronaut) != pretrained.PAD_VALUE).any(axis=2)[0].all()


def test_decode_predictions_sorts_the_classes_of_each_image():
    probabilities = np.full((2, 1000), 0.5 / 998)
    probabilities[0, [3, 7]] = [0.3, 0.2]
    probabilities[1, [999, 0]] = [0.4, 0.1]
    decoded = pretrained.decode_predictions(probabilities, top=3)
    assert [[index for index, _, _ in row] for row in decoded] == [[3, 7, 0], [999, 0, 1]]
    names = pretrained.imagenet_class_names()
    assert decoded[0][0] == (3, names[3], pytest.approx(0.3))
    assert all(isinstance(p, float) for _, _, p in decoded[1])
    one = pretrained.decode_predictions(probabilities[0])  # one image: one list
    assert len(one) == 1 and len(one[0]) == 5 and one[0][0][0] == 3


# ---------------------------------------------------------------------------------- bad input

NAN = float("nan")
PHOTO = np.zeros((8, 8, 3), np.uint8)
UNIFORM = np.full(1000, 1 / 1000)
LOGITS = np.linspace(-3, 3, 1000)
BAD_CALLS = {
    "preprocess None": (lambda: pretrained.preprocess(None), "got None"),
    "preprocess text": (lambda: pretrained.preprocess("cat.png"), "numbers"),
    "preprocess bool": (lambda: pretrained.preprocess(PHOTO > 0), "bool"),
    "preprocess grey": (
        lambda: pretrained.preprocess(np.zeros((8, 8))),
        r"np.stack\(\[image\] \* 3",
    ),
    "preprocess RGBA": (
        lambda: pretrained.preprocess(np.zeros((8, 8, 4))),
        r"images\[\.\.\., :3\]",
    ),
    "preprocess empty": (lambda: pretrained.preprocess(np.zeros((0, 8, 8, 3))), r"\(0, 8, 8, 3\)"),
    "preprocess NaN": (lambda: pretrained.preprocess(np.full((2, 2, 3), NAN)), "finite"),
    "preprocess twice": (lambda: pretrained.preprocess(pretrained.preprocess(PHOTO)), "already"),
    "preprocess > 255": (lambda: pretrained.preprocess(np.full((2, 2, 3), 300.0)), "0..255"),
    "preprocess 0..1": (lambda: pretrained.preprocess(np.full((2, 2, 3), 0.5)), "by 255"),
    "resize batch": (lambda: pretrained.resize_for_model(np.zeros((2, 8, 8, 3))), "each image"),
    "resize grey": (lambda: pretrained.resize_for_model(np.zeros((8, 8))), r"\(height, width, 3\)"),
    "resize negative": (lambda: pretrained.resize_for_model(PHOTO - 1.0), "already preprocessed"),
    "resize 0..1": (lambda: pretrained.resize_for_model(np.full((2, 2, 3), 0.5)), "by 255"),
    "resize NaN": (lambda: pretrained.resize_for_model(np.full((2, 2, 3), NAN)), "finite"),
    "resize size 0": (lambda: pretrained.resize_for_model(PHOTO, size=0), "size"),
    "resize size 2.5": (lambda: pretrained.resize_for_model(PHOTO, size=2.5), "integer"),
    "resize size bool": (lambda: pretrained.resize_for_model(PHOTO, size=True), "integer"),
    "decode logits": (lambda: pretrained.decode_predictions(LOGITS), "softmax"),
    "decode not summing to 1": (lambda: pretrained.decode_predictions(UNIFORM / 2), "sum"),
    "decode 10 classes": (lambda: pretrained.decode_predictions(np.full(10, 0.1)), "1000"),
    "decode 3-D": (lambda: pretrained.decode_predictions(UNIFORM.reshape(1, 1, 1000)), "1000"),
    "decode NaN": (lambda: pretrained.decode_predictions(np.full(1000, NAN)), "NaN"),
    "decode None": (lambda: pretrained.decode_predictions(None), "got None"),
    "decode top 0": (lambda: pretrained.decode_predictions(UNIFORM, top=0), "top"),
    "decode top 1001": (lambda: pretrained.decode_predictions(UNIFORM, top=1001), "top"),
    "decode top 2.5": (lambda: pretrained.decode_predictions(UNIFORM, top=2.5), "top"),
    "decode top True": (lambda: pretrained.decode_predictions(UNIFORM, top=True), "top"),
    "build 2-D shape": (lambda: pretrained.build_efficientnet_lite0((224, 224)), "input_shape"),
    "build grey": (lambda: pretrained.build_efficientnet_lite0((224, 224, 1)), "3 channels"),
    "build tiny": (lambda: pretrained.build_efficientnet_lite0((16, 16, 3)), "at least 32"),
    "build float size": (lambda: pretrained.build_efficientnet_lite0((224.0, 224, 3)), "input"),
    "build top text": (lambda: pretrained.build_efficientnet_lite0(include_top="no"), "True"),
    "build logits no top": (
        lambda: pretrained.build_efficientnet_lite0(include_top=False, logits=True),
        "include_top=True",
    ),
}


@pytest.mark.parametrize("call, message", BAD_CALLS.values(), ids=BAD_CALLS.keys())
def test_bad_input_gets_a_value_error_naming_the_fix(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ------------------------------------------------------------------------- the shipped files


@pytest.mark.parametrize("data_file, licence", [
    (pretrained.WEIGHTS, "Apache-2.0"), (pretrained.CLASS_NAMES, "MIT"),
])  # fmt: skip
def test_shipped_files_match_their_checksums_and_readme_rows(data_file, licence):
    path = datasets.DATA_DIR / data_file.name
    assert datasets.sha256_of(path) == data_file.shipped_sha256
    readme = (datasets.DATA_DIR / "README.md").read_text()
    (row,) = [line for line in readme.splitlines() if line.startswith(f"| `{data_file.name}`")]
    assert data_file.shipped_sha256 in row and f"| {path.stat().st_size} |" in row
    assert licence in row


def test_weights_are_loaded_without_pickle_and_a_corrupted_file_is_refused(tmp_path, monkeypatch):
    source = Path(pretrained.__file__).read_text()
    assert "allow_pickle=False" in source
    assert not re.search(r"allow_pickle\s*=\s*True|import pickle|pickle\.load", source)
    damaged = bytearray((datasets.DATA_DIR / pretrained.WEIGHTS.name).read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    (tmp_path / pretrained.WEIGHTS.name).write_bytes(bytes(damaged))
    monkeypatch.setattr(datasets, "DATA_DIR", tmp_path)
    with pytest.raises(datasets.DatasetUnavailableError, match="corrupted"):
        pretrained.load_efficientnet_lite0()


def test_the_build_scripts_unpickler_refuses_everything_but_tensors():
    """The .pth file is a pickle: converting it must never run code that it names."""
    import importlib.util
    import os
    import pickle

    script = datasets.DATA_DIR / "build_efficientnet_lite0.py"
    spec = importlib.util.spec_from_file_location("build_efficientnet_lite0", script)
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    for dangerous in [os.system, eval, pickle.loads]:
        with pytest.raises(pickle.UnpicklingError, match="refusing"):
            build.read_legacy_state_dict(pickle.dumps(dangerous, protocol=2))
    with pytest.raises(SystemExit, match="legacy torch file"):  # a harmless pickle, not torch's
        build.read_legacy_state_dict(pickle.dumps(12345) * 3)
