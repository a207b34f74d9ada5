"""Datasets for the course, loaded with no network.

Every data file is looked for, in this order:

1. the course's own copy, shipped in ``helpers/data/`` (checked against its sha256);
2. the user's Keras cache, ``$KERAS_HOME/datasets`` or ``~/.keras/datasets`` (checked too);
3. a download through ``keras.utils.get_file`` with a pinned sha256; the URL can be pointed at
   a mirror with an environment variable (e.g. ``COURSE_MNIST_URL``);

(a file that the course converted itself at build time, with no canonical download of the same
bytes, has ``url=None`` and only step 1), and if none works, a :class:`DatasetUnavailableError`
says what went wrong and how to fix it.
A file whose checksum is wrong is never used. ``helpers/data/README.md`` records where each
shipped file comes from, its licence and the script that rebuilt it.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from helpers import validation as check

DATA_DIR = Path(__file__).resolve().parent / "data"


class DatasetUnavailableError(RuntimeError):
    """No verified copy of a data file could be found or downloaded."""


@dataclass(frozen=True)
class DataFile:
    """One data file and every place the course may get it from."""

    name: str  # file name in helpers/data/ and in the Keras cache
    shipped_sha256: str | None  # sha256 of the copy in helpers/data/ (None: not shipped)
    url: str | None = None  # canonical download address (None: the shipped copy only)
    url_sha256: str | None = None  # sha256 of the file found at `url`
    url_env: str | None = None  # environment variable that overrides `url` (for mirrors)

    def __post_init__(self) -> None:
        has_url = [self.url is not None, self.url_sha256 is not None, self.url_env is not None]
        if any(has_url) and not all(has_url):
            raise ValueError(
                f"DataFile {self.name!r}: give url, url_sha256 and url_env together, or none "
                "of them (a file that only the course's shipped copy provides)"
            )
        if self.shipped_sha256 is None and self.url is None:
            raise ValueError(f"DataFile {self.name!r}: needs a shipped_sha256, a url, or both")


MNIST = DataFile(
    name="mnist.npz",
    shipped_sha256="06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64",
    url="https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",
    url_sha256="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
    url_env="COURSE_MNIST_URL",
)

# Converted from Debian's package by helpers/data/build_fashion_mnist.py. Keras downloads the
# same arrays as four .gz files, not as one file, so there is no download of these bytes.
FASHION_MNIST = DataFile(
    name="fashion_mnist.npz",
    shipped_sha256="5b6d2c4c694a91887af8ab7d039c04f80af3c29378d731c93a538d2e831aa469",
)

FASHION_MNIST_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
"""The names of Fashion-MNIST's labels 0..9, in order."""

# Real photos from scikit-image's sample data, made small by helpers/data/build_photos.py.
PHOTO_FILES = {
    "cat": DataFile(
        name="photo_cat.png",
        shipped_sha256="0f03d60a1fa59ec45ffa578939d820a48855684d16a105ad396280edbadf0218",
    ),
    "coffee": DataFile(
        name="photo_coffee.png",
        shipped_sha256="df8f88bbf9dd5fa0e36bf7be77ed7805ec304a0ada52abacc6a7c38a59bdb8b0",
    ),
    "astronaut": DataFile(
        name="photo_astronaut.png",
        shipped_sha256="7f5d38a7dc6bb6d0090a44e64473cf30b04116d3c3d217565dced3836b7f64f6",
    ),
    "rocket": DataFile(
        name="photo_rocket.png",
        shipped_sha256="345842ba8bf1e44e56d93270ac8d7d32f79689bb394c7e2f11bacfbcce56ea7c",
    ),
}
PHOTOS = tuple(PHOTO_FILES)
"""The names that :func:`load_photo` accepts."""

PHOTO_CREDITS = {
    "cat": "Chelsea the cat, by Stefan van der Walt (CC0), from scikit-image",
    "coffee": "Coffee at Pikolo Espresso Bar, by Rachel Michetti (CC0), from scikit-image",
    "astronaut": "Astronaut Eileen Collins, NASA (public domain), from scikit-image",
    "rocket": "DSCOVR launch on a Falcon 9, SpaceX (public domain), from scikit-image",
}
"""A one-line credit per photo, for a caption."""


def sha256_of(path: str | os.PathLike) -> str:
    """Hex sha256 of a file, read in chunks."""
    path = _path(path, "sha256_of: path")
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def keras_cache_dir() -> Path:
    """The folder Keras caches downloads in: ``$KERAS_HOME`` or ``~/.keras``."""
    return Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras")


def locate(
    data_file: DataFile,
    data_dir: str | os.PathLike | None = None,
    cache_dir: str | os.PathLike | None = None,
) -> Path:
    """Return the path of a verified copy of ``data_file``, downloading it only as a last resort.

    ``data_dir`` defaults to ``helpers/data`` and ``cache_dir`` to :func:`keras_cache_dir`.
    Raises :class:`DatasetUnavailableError` naming the fix when no verified copy is available.
    """
    if not isinstance(data_file, DataFile):
        raise ValueError(
            f"locate expects a DataFile (e.g. datasets.MNIST), got {check.describe(data_file)}"
        )
    data_dir = _path(data_dir, "locate: data_dir") if data_dir is not None else DATA_DIR
    cache_root = _path(cache_dir, "locate: cache_dir") if cache_dir is not None else None
    cache_root = cache_root or keras_cache_dir()
    problems = []

    shipped = data_dir / data_file.name
    if data_file.shipped_sha256 is not None:
        if not shipped.is_file():
            problems.append(f"the shipped copy {shipped} is missing")
        elif (found := sha256_of(shipped)) == data_file.shipped_sha256:
            return shipped
        else:
            problem = (
                f"the shipped copy {shipped} is corrupted (sha256 {found}, "
                f"expected {data_file.shipped_sha256})"
            )
            if data_file.url is not None:
                warnings.warn(problem + "; trying the cache and the download instead", stacklevel=2)
            problems.append(problem)

    if data_file.url is None:  # converted by the course: no other source of the same bytes
        raise DatasetUnavailableError(
            f"Could not load {data_file.name}: " + "; ".join(problems) + ".\nTo fix it, restore "
            f"the course's copy (`git checkout -- helpers/data/{data_file.name}` in the course "
            "folder), or rebuild it with the script that helpers/data/README.md names for it."
        )

    cached = cache_root / "datasets" / data_file.name
    if cached.is_file():
        if (found := sha256_of(cached)) == data_file.url_sha256:
            return cached
        problems.append(
            f"the cached copy {cached} has sha256 {found}, expected {data_file.url_sha256}"
        )

    url = os.environ.get(data_file.url_env) or data_file.url
    try:
        return _download(data_file, url, cache_root)
    except DatasetUnavailableError as error:
        problems.append(str(error))

    raise DatasetUnavailableError(
        f"Could not load {data_file.name}: " + "; ".join(problems) + ".\nTo fix it, do one of: "
        f"restore the course's copy (`git checkout -- helpers/data/{data_file.name}` in the "
        f"course folder); or, on a machine with internet, download {data_file.url} and put it "
        f"at {cached}; or set {data_file.url_env} to the address of a mirror of that file."
    )


def _path(path: str | os.PathLike, what: str) -> Path:
    """A non-empty str or os.PathLike as a Path."""
    if not isinstance(path, str | os.PathLike) or not str(path):
        raise ValueError(f"{what} must be a path (a str or pathlib.Path), got {path!r}")
    return Path(path)


def _download(data_file: DataFile, url: str, cache_root: Path) -> Path:
    """Download ``url`` into the Keras cache, refusing (and deleting) a wrong checksum."""
    import keras  # imported here: only the download path needs it

    target = cache_root / "datasets" / data_file.name
    # Keras falls back to /tmp/.keras when the cache folder does not exist yet; create it so
    # that the file lands where the next run looks for it.
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        path = keras.utils.get_file(
            fname=data_file.name,
            origin=url,
            file_hash=data_file.url_sha256,
            hash_algorithm="sha256",
            cache_dir=str(cache_root),
            cache_subdir="datasets",
        )
    except ValueError as error:  # Keras leaves the rejected file behind; remove it.
        target.unlink(missing_ok=True)
        raise DatasetUnavailableError(
            f"the file downloaded from {url} failed its checksum and was deleted ({error})"
        ) from error
    except Exception as error:  # no network, DNS failure, HTTP error ...
        raise DatasetUnavailableError(f"downloading {url} failed ({error})") from error
    return Path(path)


def load_mnist() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """MNIST exactly as ``keras.datasets.mnist.load_data()`` returns it, with no network.

    Returns ``(x_train, y_train), (x_test, y_test)``: uint8 images of shape (60000, 28, 28)
    and (10000, 28, 28) with values 0..255, and uint8 labels 0..9.
    MNIST: Y. LeCun, C. Cortes, C. Burges; CC BY-SA 3.0.
    """
    with np.load(locate(MNIST), allow_pickle=False) as data:
        return (data["x_train"], data["y_train"]), (data["x_test"], data["y_test"])


def load_fashion_mnist() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Fashion-MNIST exactly as ``keras.datasets.fashion_mnist.load_data()`` returns it, offline.

    Returns ``(x_train, y_train), (x_test, y_test)``: uint8 images of shape (60000, 28, 28)
    and (10000, 28, 28) with values 0..255, and uint8 labels 0..9 (names in
    :data:`FASHION_MNIST_CLASSES`), 6000 per class in train and 1000 in test.
    Fashion-MNIST: H. Xiao, K. Rasul, R. Vollgraf (Zalando SE, 2017); MIT licence.
    """
    with np.load(locate(FASHION_MNIST), allow_pickle=False) as data:
        return (data["x_train"], data["y_train"]), (data["x_test"], data["y_test"])


def load_photo(name: str) -> np.ndarray:
    """One real photo as a uint8 RGB array of shape (height, width, 3), longer side <= 512 px.

    ``name`` is one of :data:`PHOTOS`: ``"cat"``, ``"coffee"``, ``"astronaut"``, ``"rocket"``
    (credits and licences in :data:`PHOTO_CREDITS` and ``helpers/data/README.md``).
    """
    from PIL import Image

    if not isinstance(name, str) or name not in PHOTO_FILES:
        raise ValueError(
            f"load_photo expects one of the names {', '.join(map(repr, PHOTOS))}, "
            f"got {check.describe(name)}"
        )
    with Image.open(locate(PHOTO_FILES[name])) as image:
        return np.array(image.convert("RGB"))  # a writable copy


# ------------------------------------------------------------ added for later lessons


# ---- 05: loss surfaces, two-parameter test problems for optimizers


def transform_digit(
    image: np.ndarray, shift_right: float = 0, shift_down: float = 0, angle: float = 0
) -> np.ndarray:
    """Rotate an image ``angle`` degrees anticlockwise about its centre, then shift it.

    Bilinear interpolation (``order=1``), same size as the input, empty pixels filled with 0:
    what the lesson does with ``scipy.ndimage.rotate`` and ``scipy.ndimage.shift``.
    """
    from scipy import ndimage

    expected = "one image of shape (height, width)"
    image = check.numbers(image, "transform_digit: image", expected).astype(float)
    if image.ndim != 2 or image.size == 0:
        raise ValueError(
            f"transform_digit expects {expected} of at least one pixel, got {image.shape}; "
            "for a flat MNIST vector pass x.reshape(28, 28)"
        )
    check.finite(image, "transform_digit: image", "NaN pixels often come from dividing by 0")
    shift_right = check.number(shift_right, "transform_digit: shift_right (pixels)")
    shift_down = check.number(shift_down, "transform_digit: shift_down (pixels)")
    angle = check.number(angle, "transform_digit: angle (degrees)")
    if angle:
        image = ndimage.rotate(image, angle, reshape=False, order=1)
    if shift_right or shift_down:
        image = ndimage.shift(image, (shift_down, shift_right), order=1)
    return image
