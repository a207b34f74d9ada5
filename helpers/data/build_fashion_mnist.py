"""Rebuild helpers/data/fashion_mnist.npz from the Debian package of Fashion-MNIST.

Origin: Debian's ``dataset-fashion-mnist`` package (version pinned below; Zalando SE, MIT
licence) ships the four original idx files of https://github.com/zalandoresearch/fashion-mnist
under ``/usr/share/datasets/fashion-mnist/``, gzipped again by Debian (so the .gz files differ
from upstream's, but their contents do not: the sha256 of each decompressed idx file below is
the one that other projects record for the upstream files).

This script downloads the .deb with ``apt-get download`` (no installation), checks its sha256,
unpacks it with ``dpkg-deb``, checks the sha256 of each decompressed idx file, reads the idx
headers and writes ``fashion_mnist.npz`` with the same arrays as
``keras.datasets.fashion_mnist.load_data()``: ``x_train`` (60000, 28, 28) uint8, ``y_train``
(60000,) uint8, ``x_test`` (10000, 28, 28) uint8, ``y_test`` (10000,) uint8.
The output is the same byte for byte on every run (``np.savez_compressed`` writes fixed zip dates).

Run from the repository root, on Debian or Ubuntu (needs apt-get and dpkg-deb):

    .venv/bin/python helpers/data/build_fashion_mnist.py
"""

import gzip
import hashlib
import subprocess
import tempfile
from pathlib import Path

import numpy as np

PACKAGE = "dataset-fashion-mnist"
VERSION = "0.0~git20200523.55506a9-1"
DEB_SHA256 = "39e172fe32dd318ebb3e512220c3beea2fa47d7e20bab348fb4e0922d6beefc0"
IDX_DIR = Path("usr/share/datasets/fashion-mnist")
# sha256 of the decompressed idx files (the upstream files' contents).
IDX_SHA256 = {
    "train-images-idx3-ubyte": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train-labels-idx1-ubyte": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "t10k-images-idx3-ubyte": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "t10k-labels-idx1-ubyte": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}
OUTPUT = Path(__file__).with_name("fashion_mnist.npz")

# Published facts about Fashion-MNIST (its README and the Keras/TensorFlow tutorials).
FIRST_TRAIN_LABELS = [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]
FIRST_TEST_LABELS = [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]
TRAIN_MEAN_01, TRAIN_STD_01 = 0.2860, 0.3530  # the usual normalization constants, pixels / 255


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_idx(data: bytes) -> np.ndarray:
    """An idx file (big-endian header: 0, 0, type 0x08 = ubyte, ndim; ndim uint32 sizes)."""
    if data[:3] != b"\x00\x00\x08":
        raise SystemExit(f"not an unsigned-byte idx file (magic {data[:4].hex()})")
    ndim = data[3]
    shape = tuple(int(n) for n in np.frombuffer(data, ">u4", count=ndim, offset=4))
    header = 4 + 4 * ndim
    if len(data) != header + int(np.prod(shape)):
        raise SystemExit(f"idx file of {len(data)} bytes does not hold shape {shape}")
    return np.frombuffer(data, np.uint8, offset=header).reshape(shape)


def download_idx_files(tmp: Path) -> dict[str, bytes]:
    """The four decompressed idx files of the pinned .deb, each checked against its sha256."""
    subprocess.run(["apt-get", "download", f"{PACKAGE}={VERSION}"], cwd=tmp, check=True)
    (deb,) = tmp.glob(f"{PACKAGE}_*.deb")
    if (digest := sha256_of(deb)) != DEB_SHA256:
        raise SystemExit(f"refusing {deb.name}: sha256 {digest}, expected {DEB_SHA256}")
    subprocess.run(["dpkg-deb", "-x", str(deb), str(tmp / "root")], check=True)
    files = {}
    for name, expected in IDX_SHA256.items():
        data = gzip.decompress((tmp / "root" / IDX_DIR / f"{name}.gz").read_bytes())
        if (digest := hashlib.sha256(data).hexdigest()) != expected:
            raise SystemExit(f"refusing {name}: sha256 {digest}, expected {expected}")
        files[name] = data
    return files


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        files = download_idx_files(Path(tmp))
    arrays = {
        "x_train": read_idx(files["train-images-idx3-ubyte"]),
        "y_train": read_idx(files["train-labels-idx1-ubyte"]),
        "x_test": read_idx(files["t10k-images-idx3-ubyte"]),
        "y_test": read_idx(files["t10k-labels-idx1-ubyte"]),
    }
    assert arrays["x_train"].shape == (60000, 28, 28) and arrays["x_test"].shape == (10000, 28, 28)
    assert np.bincount(arrays["y_train"]).tolist() == [6000] * 10
    assert np.bincount(arrays["y_test"]).tolist() == [1000] * 10
    assert arrays["y_train"][:10].tolist() == FIRST_TRAIN_LABELS
    assert arrays["y_test"][:10].tolist() == FIRST_TEST_LABELS
    x_train_01 = arrays["x_train"] / 255.0
    assert abs(x_train_01.mean() - TRAIN_MEAN_01) < 5e-5, x_train_01.mean()
    assert abs(x_train_01.std() - TRAIN_STD_01) < 5e-5, x_train_01.std()

    np.savez_compressed(OUTPUT, **arrays)
    with np.load(OUTPUT, allow_pickle=False) as written:  # read back what the course will read
        for key, array in arrays.items():
            assert written[key].dtype == np.uint8 and np.array_equal(written[key], array), key
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size:,} bytes), sha256 {sha256_of(OUTPUT)}")
    for key in ("x_train", "x_test"):
        # The mean straight from the idx bytes (all of them after the 16-byte header).
        name = "train-images-idx3-ubyte" if key == "x_train" else "t10k-images-idx3-ubyte"
        from_idx = np.frombuffer(files[name], np.uint8, offset=16).mean()
        assert from_idx == arrays[key].mean()
        print(f"{key} mean {from_idx!r}, std {arrays[key].std()!r}")


if __name__ == "__main__":
    main()
