"""Datasets for the course, loaded with no network.

Every data file is looked for, in this order:

1. the course's own copy, shipped in ``helpers/data/`` (checked against its sha256);
2. the user's Keras cache, ``$KERAS_HOME/datasets`` or ``~/.keras/datasets`` (checked too);
3. a download through ``keras.utils.get_file`` with a pinned sha256; the URL can be pointed at
   a mirror with an environment variable (e.g. ``COURSE_MNIST_URL``);

and if none works, a :class:`DatasetUnavailableError` says what went wrong and how to fix it.
A file whose checksum is wrong is never used. ``helpers/data/README.md`` records where each
shipped file comes from, its licence and the script that rebuilt it.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent / "data"


class DatasetUnavailableError(RuntimeError):
    """No verified copy of a data file could be found or downloaded."""


@dataclass(frozen=True)
class DataFile:
    """One data file and every place the course may get it from."""

    name: str  # file name in helpers/data/ and in the Keras cache
    shipped_sha256: str | None  # sha256 of the copy in helpers/data/ (None: not shipped)
    url: str  # canonical download address
    url_sha256: str  # sha256 of the file found at `url`
    url_env: str  # environment variable that overrides `url` (for mirrors)


MNIST = DataFile(
    name="mnist.npz",
    shipped_sha256="06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64",
    url="https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",
    url_sha256="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
    url_env="COURSE_MNIST_URL",
)


def sha256_of(path: str | os.PathLike) -> str:
    """Hex sha256 of a file, read in chunks."""
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
    data_dir = Path(data_dir) if data_dir is not None else DATA_DIR
    cache_root = Path(cache_dir) if cache_dir is not None else keras_cache_dir()
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
            warnings.warn(problem + "; trying the cache and the download instead", stacklevel=2)
            problems.append(problem)

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


# ------------------------------------------------------------ added for later lessons


# ---- 05: loss surfaces, two-parameter test problems for optimizers


@dataclass(frozen=True)
class LossSurface:
    """A loss of two parameters ``theta = (x, y)`` to watch optimizers on.

    ``surface(theta)`` is the loss at one point, ``surface.gradient(theta)`` its gradient (an
    array of shape (2,)), and ``surface.loss(x, y)`` works on whole grids (for contour plots).
    ``start`` is where optimizers set off, ``xlim``/``ylim`` the region worth drawing,
    ``minima`` the lowest points and ``minimum_value`` the loss there.
    """

    name: str
    loss: Callable[[np.ndarray, np.ndarray], np.ndarray]
    partials: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
    start: tuple[float, float]
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    minima: tuple[tuple[float, float], ...]
    minimum_value: float = 0.0

    def __call__(self, theta) -> float:
        return float(self.loss(*_point(theta, self.name)))

    def gradient(self, theta) -> np.ndarray:
        """The gradient (df/dx, df/dy) at ``theta``, as a float64 array of shape (2,)."""
        return np.array(self.partials(*_point(theta, self.name)), dtype=np.float64)


def _point(theta, name: str) -> tuple[float, float]:
    point = np.asarray(theta, dtype=np.float64)
    if point.shape != (2,):
        raise ValueError(
            f"the {name} surface expects a point theta = (x, y) of shape (2,), got shape "
            f"{point.shape}"
        )
    return point[0], point[1]


def quadratic_surface(
    matrix,
    start: tuple[float, float] = (-4.5, 1.0),
    xlim: tuple[float, float] = (-5.0, 5.0),
    ylim: tuple[float, float] = (-1.6, 1.6),
    name: str = "quadratic",
) -> LossSurface:
    """The bowl ``f(theta) = 1/2 theta^T A theta`` for a symmetric positive-definite 2x2 ``A``.

    Its curvatures are the eigenvalues of ``A``; the minimum is 0, at the origin.
    """
    a = np.asarray(matrix, dtype=np.float64)
    if a.shape != (2, 2) or not np.allclose(a, a.T) or np.any(np.linalg.eigvalsh(a) <= 0):
        raise ValueError(
            "quadratic_surface expects a symmetric positive-definite 2x2 matrix such as "
            f"[[1, 0], [0, 10]], got {np.asarray(matrix).tolist()}"
        )
    (a11, a12), (_, a22) = a
    return LossSurface(
        name=name,
        loss=lambda x, y: 0.5 * (a11 * x * x + 2 * a12 * x * y + a22 * y * y),
        partials=lambda x, y: (a11 * x + a12 * y, a12 * x + a22 * y),
        start=start,
        xlim=xlim,
        ylim=ylim,
        minima=((0.0, 0.0),),
    )


def _rosenbrock(x, y):
    return ((1 - x) ** 2 + 100 * (y - x * x) ** 2) / 50


def _rosenbrock_partials(x, y):
    return (-2 * (1 - x) - 400 * x * (y - x * x)) / 50, 200 * (y - x * x) / 50


def _saddle(x, y):
    return x * x / 2 + y**4 / 4 - y * y / 2


def _saddle_partials(x, y):
    return x, y**3 - y


LOSS_SURFACES = ("valley", "rosenbrock", "saddle")


def loss_surface(name: str) -> LossSurface:
    """One of the course's test surfaces, by name (see ``LOSS_SURFACES``).

    - ``"valley"``: an elongated bowl ``(0.1 x^2 + 10 y^2) / 2``; its curvatures differ 100-fold.
    - ``"rosenbrock"``: Rosenbrock's banana ``(1 - x)^2 + 100 (y - x^2)^2``, divided by 50 so that
      one learning rate suits all three surfaces; minimum 0 at (1, 1), start (-1.2, 1).
    - ``"saddle"``: ``x^2/2 + y^4/4 - y^2/2``, a saddle point at the origin between two minima
      (0, +-1) of value -1/4; the start lies almost on the ridge (y = 0.001).
    """
    if name == "valley":
        return quadratic_surface([[0.1, 0.0], [0.0, 10.0]], name="valley")
    if name == "rosenbrock":
        return LossSurface(
            "rosenbrock",
            _rosenbrock,
            _rosenbrock_partials,
            start=(-1.2, 1.0),
            xlim=(-2.0, 2.0),
            ylim=(-1.0, 3.0),
            minima=((1.0, 1.0),),
        )
    if name == "saddle":
        return LossSurface(
            "saddle",
            _saddle,
            _saddle_partials,
            start=(-1.5, 0.001),
            xlim=(-2.0, 2.0),
            ylim=(-1.6, 1.6),
            minima=((0.0, -1.0), (0.0, 1.0)),
            minimum_value=-0.25,
        )
    raise ValueError(f"loss_surface knows {list(LOSS_SURFACES)}, got {name!r}")


FOUR_PIXEL_CLASSES = ("solid", "vertical", "diagonal", "horizontal")
# One image of each class (rows: top, bottom; +1 bright, -1 dark); the other variant of each
# class is its negative, -FOUR_PIXEL_PATTERNS[k].
FOUR_PIXEL_PATTERNS = np.array(
    [
        [[1, 1], [1, 1]],  # solid: all four pixels alike
        [[1, -1], [1, -1]],  # vertical: left column against right column
        [[1, -1], [-1, 1]],  # diagonal: one diagonal against the other
        [[1, 1], [-1, -1]],  # horizontal: top row against bottom row
    ],
    dtype=np.float32,
)
FOUR_PIXEL_PATTERNS.setflags(write=False)  # shared by every caller: read-only


def four_pixel_camera(n: int, seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``n`` random images from the 4-pixel camera and their classes.

    Returns ``(images, labels)``: images of shape (n, 2, 2), float32, every pixel -1 or +1,
    and int64 labels of shape (n,) indexing :data:`FOUR_PIXEL_CLASSES` (0 solid, 1 vertical,
    2 diagonal, 3 horizontal). Each example's class is drawn uniformly at random (so counts
    vary a little around n/4), and then one of the class's two variants, the pattern in
    :data:`FOUR_PIXEL_PATTERNS` or its negative, with probability 1/2 each. The same ``seed``
    gives the same data; ``seed=None`` gives fresh random data.
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(
            f"four_pixel_camera expects the number of images n as a positive integer, got {n!r}"
        )
    if seed is not None and (
        isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0
    ):
        raise ValueError(
            f"four_pixel_camera expects seed as a non-negative integer (or None), got {seed!r}"
        )
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, len(FOUR_PIXEL_CLASSES), size=int(n))
    signs = rng.choice(np.array([1.0, -1.0], dtype=np.float32), size=int(n))
    images = FOUR_PIXEL_PATTERNS[labels] * signs[:, None, None]
    return images.astype(np.float32), labels


def four_pixel_all_images() -> tuple[np.ndarray, np.ndarray]:
    """The only 8 images the 4-pixel camera can show, and their classes.

    Images 0-3 are :data:`FOUR_PIXEL_PATTERNS` (solid, vertical, diagonal, horizontal) and
    images 4-7 their negatives, in the same class order: shape (8, 2, 2), float32; labels
    ``[0, 1, 2, 3, 0, 1, 2, 3]``.
    """
    images = np.concatenate([FOUR_PIXEL_PATTERNS, -FOUR_PIXEL_PATTERNS])
    labels = np.tile(np.arange(len(FOUR_PIXEL_CLASSES)), 2)
    return images, labels
