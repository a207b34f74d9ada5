"""Rebuild helpers/data/photo_starry_night.png: Van Gogh's The Starry Night (1889).

Origin: Debian's ``opencv-doc`` package (version pinned below) ships OpenCV's sample image
``examples/data/starry_night.jpg`` (752 x 600). The ``.deb`` is fetched with
``apt-get download`` (nothing is installed), checked against its sha256 and unpacked with
``dpkg-deb -x`` into a temporary folder; the JPEG inside is checked too. The painting is in the
public domain (Van Gogh died in 1890); OpenCV's sample data is packaged under Apache-2.0 / BSD.

The image is decoded to RGB, its longer side resized to 512 pixels (Lanczos) and saved as PNG
without metadata (every machine decodes the same pixels). Running it twice gives the same bytes.

Run from the repository root on Debian or Ubuntu:
    .venv/bin/python helpers/data/build_starry_night.py
"""

import io
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

from helpers.data.build_common import require_sha256, sha256_bytes

PACKAGE = "opencv-doc=4.6.0+dfsg-12"
DEB = "opencv-doc_4.6.0+dfsg-12_all.deb"
DEB_SHA256 = "4b12681df35878207ac7097dc66184b2ae552e4bf4ddd2af04a0f03ed0b8682a"
JPEG = "usr/share/doc/opencv-doc/examples/data/starry_night.jpg"
JPEG_SHA256 = "accda7a19a90f22a4a922fdc8c230167d7abf5f80882171e2cee125c5f12481d"
MAX_SIDE = 512
OUTPUT = Path(__file__).parent / "photo_starry_night.png"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["apt-get", "download", PACKAGE], cwd=tmp, check=True)
        deb = Path(tmp) / DEB
        require_sha256(deb.read_bytes(), DEB_SHA256, DEB)
        subprocess.run(["dpkg-deb", "-x", str(deb), str(Path(tmp) / "root")], check=True)
        jpeg = require_sha256((Path(tmp) / "root" / JPEG).read_bytes(), JPEG_SHA256, JPEG)
    image = Image.open(io.BytesIO(jpeg)).convert("RGB")
    scale = MAX_SIDE / max(image.size)
    size = (round(image.width * scale), round(image.height * scale))
    image = image.resize(size, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    OUTPUT.write_bytes(out.getvalue())
    pixels = np.asarray(Image.open(OUTPUT))
    assert pixels.dtype == np.uint8 and pixels.shape == (size[1], size[0], 3)
    print(f"{OUTPUT.name}: {pixels.shape}, {len(out.getvalue())} bytes, "
          f"sha256 {sha256_bytes(out.getvalue())}")  # fmt: skip


if __name__ == "__main__":
    main()
