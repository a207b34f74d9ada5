"""helpers.datasets: the shipped MNIST, checksums, the cache, and a real download over HTTP."""

import functools
import http.server
import re
import shutil
import threading
import warnings
from pathlib import Path

import numpy as np
import pytest

from helpers import datasets

# ------------------------------------------------------------------------------ MNIST itself


@pytest.fixture(scope="module")
def mnist():
    return datasets.load_mnist()


def test_load_mnist_has_the_keras_shapes_and_dtypes(mnist):
    (x_train, y_train), (x_test, y_test) = mnist
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    for array in (x_train, y_train, x_test, y_test):
        assert array.dtype == np.uint8
    assert x_train.min() == 0 and x_train.max() == 255


def test_load_mnist_matches_published_facts_of_the_keras_arrays(mnist):
    (x_train, y_train), (x_test, y_test) = mnist
    assert np.bincount(y_train).tolist() == [
        5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949,
    ]  # fmt: skip
    assert np.bincount(y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    # The normalization constants everyone uses (0.1307, 0.3081) come from these arrays.
    assert x_train.mean() == pytest.approx(33.318421449829934, abs=1e-9)
    assert x_test.mean() == pytest.approx(33.791224489795916, abs=1e-9)
    assert x_train.std() == pytest.approx(78.56748998339798, abs=1e-6)


def test_no_pickles_are_loaded_at_run_time():
    source = Path(datasets.__file__).read_text()
    assert "allow_pickle=False" in source
    assert not re.search(r"allow_pickle\s*=\s*True|import pickle|pickle\.load", source)


# ---------------------------------------------------------------------------- Fashion-MNIST


@pytest.fixture(scope="module")
def fashion_mnist():
    return datasets.load_fashion_mnist()


def test_load_fashion_mnist_has_the_keras_shapes_and_dtypes(fashion_mnist):
    (x_train, y_train), (x_test, y_test) = fashion_mnist
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    for array in (x_train, y_train, x_test, y_test):
        assert array.dtype == np.uint8
    assert x_train.min() == 0 and x_train.max() == 255


def test_load_fashion_mnist_matches_published_facts(fashion_mnist):
    (x_train, y_train), (x_test, y_test) = fashion_mnist
    assert np.bincount(y_train).tolist() == [6000] * 10
    assert np.bincount(y_test).tolist() == [1000] * 10
    assert y_train[:10].tolist() == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]
    assert y_test[:10].tolist() == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]  # the TF tutorial's first ten
    # The usual normalization constants (0.2860, 0.3530 on pixels / 255) ...
    assert x_train.mean() / 255 == pytest.approx(0.2860, abs=5e-5)
    assert x_train.std() / 255 == pytest.approx(0.3530, abs=5e-5)
    # ... and the exact means that the build script computed from the idx files' bytes.
    assert x_train.mean() == pytest.approx(72.94035223214286, abs=1e-9)
    assert x_test.mean() == pytest.approx(73.14656658163265, abs=1e-9)


def test_fashion_mnist_class_names_follow_the_label_order():
    assert len(datasets.FASHION_MNIST_CLASSES) == 10
    assert datasets.FASHION_MNIST_CLASSES[0] == "T-shirt/top"
    assert datasets.FASHION_MNIST_CLASSES[9] == "Ankle boot"
    assert (
        datasets.FASHION_MNIST_CLASSES[5] == "Sandal"
        and datasets.FASHION_MNIST_CLASSES[7] == "Sneaker"
    )


# ---------------------------------------------------------------------------------- photos

PHOTO_SHAPES = {
    "cat": (300, 451, 3),
    "coffee": (341, 512, 3),
    "astronaut": (512, 512, 3),
    "rocket": (342, 512, 3),
}


@pytest.mark.parametrize("name", datasets.PHOTOS)
def test_load_photo_gives_a_small_writable_rgb_uint8_array(name):
    photo = datasets.load_photo(name)
    assert photo.dtype == np.uint8 and photo.shape == PHOTO_SHAPES[name]
    assert max(photo.shape[:2]) <= 512 and photo.flags.writeable
    assert 0 < photo.mean() < 255 and photo.std() > 20  # a real picture, not a blank
    assert name in datasets.PHOTO_CREDITS


def test_photos_have_their_channels_in_rgb_order():
    red, green, blue = datasets.load_photo("coffee").reshape(-1, 3).mean(axis=0)
    assert red > green + 50 and green > blue + 20  # a red cup and saucer on brown wood
    red, green, blue = datasets.load_photo("rocket").reshape(-1, 3).mean(axis=0)
    assert blue > green + 15 and green > red  # the night sky
    # The exact pixels that build_photos.py wrote (PNG decodes the same everywhere).
    assert datasets.load_photo("cat").mean() == pytest.approx(115.30514166050752, abs=1e-9)


@pytest.mark.parametrize("name", ["dog", "Cat", "chelsea", "", None, 0, ["cat"]])
def test_load_photo_with_an_unknown_name_lists_the_names(name):
    with pytest.raises(ValueError, match="'cat', 'coffee', 'astronaut', 'rocket'"):
        datasets.load_photo(name)


# ------------------------------------------------------- every shipped file and its README row


def readme_row(name: str) -> str:
    readme = (datasets.DATA_DIR / "README.md").read_text()
    rows = [line for line in readme.splitlines() if line.startswith(f"| `{name}`")]
    assert len(rows) == 1, f"helpers/data/README.md needs one table row for {name}"
    return rows[0]


SHIPPED = {
    "mnist": (datasets.MNIST, "CC BY-SA 3.0"),
    "fashion": (datasets.FASHION_MNIST, "MIT"),
    "cat": (datasets.PHOTO_FILES["cat"], "CC0"),
    "coffee": (datasets.PHOTO_FILES["coffee"], "CC0"),
    "astronaut": (datasets.PHOTO_FILES["astronaut"], "public domain"),
    "rocket": (datasets.PHOTO_FILES["rocket"], "public domain"),
}


@pytest.mark.parametrize("data_file, licence", SHIPPED.values(), ids=SHIPPED.keys())
def test_shipped_file_matches_its_checksum_and_readme_row(data_file, licence):
    path = datasets.DATA_DIR / data_file.name
    assert datasets.sha256_of(path) == data_file.shipped_sha256
    row = readme_row(data_file.name)
    assert data_file.shipped_sha256 in row
    assert f"| {path.stat().st_size} |" in row
    assert licence in row


def test_fashion_mnist_is_not_downloaded_and_says_how_to_restore_it(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "DATA_DIR", tmp_path)
    with pytest.raises(datasets.DatasetUnavailableError, match="git checkout -- helpers/data/fa"):
        datasets.load_fashion_mnist()


# ------------------------------------------------------------------ a real local HTTP server


@pytest.fixture
def http_server(tmp_path):
    """Serve tmp_path/served over HTTP on 127.0.0.1; yields (folder, base_url)."""
    served = tmp_path / "served"
    served.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def fixture_file(http_server):
    """A small .npz served over HTTP, and its sha256."""
    served, base_url = http_server
    path = served / "fixture.npz"
    np.savez_compressed(path, x=np.arange(12, dtype=np.uint8).reshape(3, 4))
    return base_url + "/fixture.npz", datasets.sha256_of(path)


def spec(url: str, sha256: str, shipped_sha256: str | None = None) -> datasets.DataFile:
    return datasets.DataFile(
        name="fixture.npz",
        shipped_sha256=shipped_sha256,
        url=url,
        url_sha256=sha256,
        url_env="COURSE_TEST_FIXTURE_URL",
    )


def test_download_verifies_and_caches_the_file(tmp_path, fixture_file):
    url, sha256 = fixture_file
    cache = tmp_path / "cache"
    path = datasets.locate(spec(url, sha256), data_dir=tmp_path / "none", cache_dir=cache)
    assert path == cache / "datasets" / "fixture.npz"
    with np.load(path, allow_pickle=False) as data:
        assert data["x"].sum() == 66
    # Second time: straight from the cache, no network needed.
    unreachable = spec("http://127.0.0.1:9/fixture.npz", sha256)
    assert datasets.locate(unreachable, data_dir=tmp_path / "none", cache_dir=cache) == path


def test_download_with_wrong_checksum_is_refused_and_deleted(tmp_path, fixture_file):
    url, _ = fixture_file
    cache = tmp_path / "cache"
    with pytest.raises(datasets.DatasetUnavailableError, match="failed its checksum"):
        datasets.locate(spec(url, "0" * 64), data_dir=tmp_path / "none", cache_dir=cache)
    assert not (cache / "datasets" / "fixture.npz").exists()


def test_url_can_be_overridden_for_a_mirror(tmp_path, fixture_file, monkeypatch):
    url, sha256 = fixture_file
    monkeypatch.setenv("COURSE_TEST_FIXTURE_URL", url)
    unreachable_default = spec("http://127.0.0.1:9/fixture.npz", sha256)
    path = datasets.locate(unreachable_default, data_dir=tmp_path / "none", cache_dir=tmp_path)
    assert datasets.sha256_of(path) == sha256


def test_unreachable_download_gives_an_error_that_names_the_fix(tmp_path):
    unreachable = spec("http://127.0.0.1:9/fixture.npz", "0" * 64, shipped_sha256="1" * 64)
    with pytest.raises(datasets.DatasetUnavailableError) as error:
        datasets.locate(unreachable, data_dir=tmp_path, cache_dir=tmp_path)
    message = str(error.value)
    assert "shipped copy" in message and "missing" in message
    assert "git checkout -- helpers/data/fixture.npz" in message
    assert "COURSE_TEST_FIXTURE_URL" in message


def test_corrupted_cached_file_is_never_used(tmp_path, fixture_file):
    url, sha256 = fixture_file
    cached = tmp_path / "datasets" / "fixture.npz"
    cached.parent.mkdir()
    cached.write_bytes(b"not the real file")
    # Unreachable server: the corrupted cache must not be returned instead.
    with pytest.raises(datasets.DatasetUnavailableError, match="cached copy"):
        datasets.locate(
            spec("http://127.0.0.1:9/fixture.npz", sha256), data_dir=tmp_path, cache_dir=tmp_path
        )
    # Reachable server: the corrupted cache is replaced by a verified download.
    path = datasets.locate(spec(url, sha256), data_dir=tmp_path, cache_dir=tmp_path)
    assert datasets.sha256_of(path) == sha256


def test_corrupted_shipped_mnist_is_detected_not_used(tmp_path, monkeypatch, http_server):
    served, base_url = http_server
    corrupted = tmp_path / "data"
    corrupted.mkdir()
    data = bytearray((datasets.DATA_DIR / "mnist.npz").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (corrupted / "mnist.npz").write_bytes(bytes(data))
    # A mirror that serves a file which is not the real MNIST either.
    shutil.copy(corrupted / "mnist.npz", served / "mnist.npz")
    monkeypatch.setattr(datasets, "DATA_DIR", corrupted)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setenv("COURSE_MNIST_URL", base_url + "/mnist.npz")
    with pytest.warns(UserWarning, match="corrupted"):
        with pytest.raises(datasets.DatasetUnavailableError) as error:
            datasets.load_mnist()
    assert "corrupted" in str(error.value) and "failed its checksum" in str(error.value)
    assert not (tmp_path / "keras" / "datasets" / "mnist.npz").exists()


def test_mnist_found_in_the_keras_cache_when_not_shipped(tmp_path, monkeypatch):
    """A user who ran keras.datasets.mnist.load_data() once has the canonical file cached."""
    fake_canonical = tmp_path / "keras" / "datasets" / "mnist.npz"
    fake_canonical.parent.mkdir(parents=True)
    shutil.copy(datasets.DATA_DIR / "mnist.npz", fake_canonical)
    canonical = datasets.DataFile(
        name="mnist.npz",
        shipped_sha256=datasets.MNIST.shipped_sha256,
        url="http://127.0.0.1:9/mnist.npz",
        url_sha256=datasets.sha256_of(fake_canonical),
        url_env="COURSE_TEST_FIXTURE_URL",
    )
    path = datasets.locate(canonical, data_dir=tmp_path / "empty", cache_dir=tmp_path / "keras")
    assert path == fake_canonical


# ------------------------------------------------- files that only the shipped copy provides


def shipped_only(sha256: str) -> datasets.DataFile:
    return datasets.DataFile(name="converted.npz", shipped_sha256=sha256)


def test_a_file_without_url_is_read_from_the_shipped_copy(tmp_path):
    path = tmp_path / "converted.npz"
    np.savez_compressed(path, x=np.arange(3))
    found = datasets.locate(shipped_only(datasets.sha256_of(path)), data_dir=tmp_path)
    assert found == path


@pytest.mark.parametrize("damage", ["missing", "corrupted"])
def test_a_file_without_url_that_is_not_shipped_intact_names_the_fix(tmp_path, damage):
    path = tmp_path / "converted.npz"
    np.savez_compressed(path, x=np.arange(3))
    sha256 = datasets.sha256_of(path)
    if damage == "missing":
        path.unlink()
    else:
        path.write_bytes(b"damaged")
    # The same name in the Keras cache is not a verified copy of a file the course converted.
    cached = tmp_path / "cache" / "datasets" / "converted.npz"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"something else")
    with warnings.catch_warnings():  # nothing else will be tried: the error says it all
        warnings.simplefilter("error")
        with pytest.raises(datasets.DatasetUnavailableError) as error:
            datasets.locate(shipped_only(sha256), data_dir=tmp_path, cache_dir=tmp_path / "cache")
    message = str(error.value)
    assert damage in message
    assert "git checkout -- helpers/data/converted.npz" in message
    assert "helpers/data/README.md" in message and "download" not in message


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"shipped_sha256": None}, "shipped_sha256, a url"),
        ({"shipped_sha256": "1" * 64, "url": "http://127.0.0.1:9/x.npz"}, "together"),
        ({"shipped_sha256": None, "url": "http://x/x.npz", "url_sha256": "0" * 64}, "together"),
    ],
)
def test_an_incomplete_data_file_is_refused(fields, message):
    with pytest.raises(ValueError, match=message):
        datasets.DataFile(name="x.npz", **fields)


# ------------------------------------------------------------------------------- bad input

NAN, INF = float("nan"), float("inf")
DIGIT = np.zeros((6, 6))
BAD_DATASET_CALLS = {
    "locate None": (lambda: datasets.locate(None), "DataFile"),
    "locate a file name": (lambda: datasets.locate("mnist.npz"), "DataFile.*datasets.MNIST"),
    "locate data_dir number": (lambda: datasets.locate(datasets.MNIST, data_dir=3), "data_dir"),
    "locate cache_dir empty": (lambda: datasets.locate(datasets.MNIST, cache_dir=""), "cache_dir"),
    "sha256_of None": (lambda: datasets.sha256_of(None), "path"),
    "image None": (lambda: datasets.transform_digit(None), r"\(height, width\).*got None"),
    "image NaN": (lambda: datasets.transform_digit(np.full((4, 4), NAN)), "finite"),
    "image inf": (lambda: datasets.transform_digit(np.array([[0, INF]])), "finite"),
    "image empty": (lambda: datasets.transform_digit(np.zeros((0, 0))), "pixel"),
    "image flat": (lambda: datasets.transform_digit(np.zeros(784)), r"\(height, width\)"),
    "image text": (lambda: datasets.transform_digit(np.full((2, 2), "a")), "numbers"),
    "image bool": (lambda: datasets.transform_digit(np.eye(2, dtype=bool)), "numbers"),
    "shift None": (lambda: datasets.transform_digit(DIGIT, shift_right=None), "shift_right"),
    "shift NaN": (lambda: datasets.transform_digit(DIGIT, shift_down=NAN), "shift_down.*finite"),
    "shift inf": (lambda: datasets.transform_digit(DIGIT, shift_right=INF), "shift_right"),
    "shift array": (lambda: datasets.transform_digit(DIGIT, shift_down=[1, 2]), "shift_down"),
    "angle text": (lambda: datasets.transform_digit(DIGIT, angle="10"), "angle"),
    "angle bool": (lambda: datasets.transform_digit(DIGIT, angle=True), "angle"),
}


@pytest.mark.parametrize("call, message", BAD_DATASET_CALLS.values(), ids=BAD_DATASET_CALLS.keys())
def test_bad_input_gets_a_value_error_naming_what_was_expected(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_transform_digit_still_accepts_uint8_images_and_numpy_numbers():
    digit = np.zeros((5, 5), dtype=np.uint8)
    digit[2, 2] = 255
    moved = datasets.transform_digit(digit, shift_right=np.int64(1), shift_down=np.float32(0))
    assert moved[2, 3] == pytest.approx(255.0)
