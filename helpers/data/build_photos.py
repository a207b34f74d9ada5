"""Rebuild the photos helpers/data/photo_*.png from scikit-image's sample images.

Origin: the PyPI wheel of ``scikit-image`` (version and file pinned below) ships its sample
photos in ``skimage/data/``; each one's licence is stated in its ``skimage.data`` docstring
(recorded in PHOTOS below and in helpers/data/README.md). The wheel is only downloaded
(``pip download --no-deps``) and read as a zip: scikit-image is never installed or imported.

Each photo is checked against its pinned sha256, decoded to RGB, resized (Lanczos) when its longer
side exceeds 512 pixels, and saved as PNG without metadata, so that every machine decodes the
same pixels. Running the script twice gives the same bytes (with the same Pillow and zlib).

Run from the repository root:  .venv/bin/python helpers/data/build_photos.py
"""

import hashlib
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image

PACKAGE = "scikit-image==0.25.2"
# One wheel of that version for every machine that runs this script (the photos inside are the
# same in all of them): CPython 3.11, manylinux x86-64.
WHEEL = "scikit_image-0.25.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
WHEEL_SHA256 = "24cc986e1f4187a12aa319f777b36008764e856e5013666a4a83f8df083c2641"
MAX_SIDE = 512
OUTPUT_DIR = Path(__file__).parent

# name: (file in the wheel, its sha256, licence as scikit-image states it)
PHOTOS = {
    "cat": (
        "skimage/data/chelsea.png",
        "596aa1e7cb875eb79f437e310381d26b338a81c2da23439704a73c4651e8c4bb",
        "Chelsea the cat; CC0 by the photographer (Stefan van der Walt)",
    ),
    "coffee": (
        "skimage/data/coffee.png",
        "cc02f8ca188b167c775a7101b5d767d1e71792cf762c33d6fa15a4599b5a8de7",
        "Coffee cup, courtesy of Pikolo Espresso Bar; CC0 by the photographer (Rachel Michetti)",
    ),
    "astronaut": (
        "skimage/data/astronaut.png",
        "88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5",
        "Astronaut Eileen Collins, NASA; public domain",
    ),
    "rocket": (
        "skimage/data/rocket.jpg",
        "c2dd0de7c538df8d111e479619b129464d0269d0ae5fd18ca91d33a7fdfea95c",
        "Launch of DSCOVR on a Falcon 9, SpaceX; released into the public domain",
    ),
}


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def download_wheel(folder: Path) -> Path:
    """The pinned scikit-image wheel, downloaded with pip (never installed) and checked."""
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
         "--platform", "manylinux_2_17_x86_64", "--python-version", "3.11",
         "--implementation", "cp", "--abi", "cp311", "--dest", str(folder), PACKAGE],
        check=True,
    )  # fmt: skip
    wheel = folder / WHEEL
    if (digest := sha256_hex(wheel.read_bytes())) != WHEEL_SHA256:
        raise SystemExit(f"refusing {WHEEL}: sha256 {digest}, expected {WHEEL_SHA256}")
    return wheel


def small_png(data: bytes) -> bytes:
    """The image as RGB PNG bytes, its longer side at most MAX_SIDE pixels."""
    image = Image.open(io.BytesIO(data)).convert("RGB")
    scale = MAX_SIDE / max(image.size)
    if scale < 1:
        size = (round(image.width * scale), round(image.height * scale))
        image = image.resize(size, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(download_wheel(Path(tmp))) as wheel:
            sources = {name: wheel.read(member) for name, (member, _, _) in PHOTOS.items()}
    for name, (member, expected, licence) in PHOTOS.items():
        if (digest := sha256_hex(sources[name])) != expected:
            raise SystemExit(f"refusing {member}: sha256 {digest}, expected {expected}")
        png = small_png(sources[name])
        path = OUTPUT_DIR / f"photo_{name}.png"
        path.write_bytes(png)
        pixels = np.asarray(Image.open(path))
        assert pixels.dtype == np.uint8 and pixels.ndim == 3 and pixels.shape[2] == 3
        assert max(pixels.shape[:2]) <= MAX_SIDE
        print(f"{path.name}: {pixels.shape}, {len(png)} bytes, sha256 {sha256_hex(png)}; {licence}")


if __name__ == "__main__":
    main()
