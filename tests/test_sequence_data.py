"""helpers.sequence_data: movie reviews, TREC questions, NYC weather, Boston housing and
Shakespeare."""

import importlib.util
import io
import re
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import pytest

from helpers import datasets
from helpers import sequence_data as data

SHIPPED = [
    data.MOVIE_REVIEWS,
    data.TREC_QUESTIONS,
    data.NYC_WEATHER,
    data.BOSTON_HOUSING,
    data.SHAKESPEARE,
]


def same_letters(text: str) -> str:
    """What the build scripts treat as one sentence: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def assert_text_split(x_train, y_train, x_test, y_test) -> None:
    """Lists of non-empty one-line str, uint8 labels of the same length, no sentence in both
    splits or twice in one."""
    for texts, labels in ((x_train, y_train), (x_test, y_test)):
        assert isinstance(texts, list) and all(isinstance(text, str) for text in texts)
        assert all(text and text == text.strip() and "\n" not in text for text in texts)
        assert labels.dtype == np.uint8 and labels.shape == (len(texts),)
    train_keys = {same_letters(text) for text in x_train}
    test_keys = {same_letters(text) for text in x_test}
    assert len(train_keys) == len(x_train) and len(test_keys) == len(x_test)
    assert not train_keys & test_keys


# ---------------------------------------------------------------------------- movie reviews


@pytest.fixture(scope="module")
def reviews():
    return data.load_movie_reviews(with_ratings=True)


def test_movie_reviews_counts_dtypes_and_balance(reviews):
    (x_train, y_train, _), (x_test, y_test, _) = reviews
    assert_text_split(x_train, y_train, x_test, y_test)
    assert (len(x_train), len(x_test)) == (8482, 2121)
    assert np.bincount(y_train).tolist() == [4250, 4232]
    assert np.bincount(y_test).tolist() == [1063, 1058]
    # MR has 10,662 lines; the VADER copy lacks 57 and repeats 2.
    assert len(x_train) + len(x_test) == 10662 - 57 - 2


def test_movie_reviews_are_pang_and_lee_sentences_with_their_labels(reviews):
    (x_train, y_train, _), (x_test, y_test, _) = reviews
    label_of = dict(zip(x_train + x_test, np.concatenate([y_train, y_test]).tolist(), strict=True))
    assert label_of["Simplistic, silly and tedious."] == 0  # rt-polarity.neg, line 1
    first_positive = next(text for text in label_of if text.startswith("The Rock is destined"))
    assert label_of[first_positive] == 1  # rt-polarity.pos, line 1
    assert "''Conan''" in first_positive and "Arnold Schwarzenegger" in first_positive
    assert not any("&amp;" in text or "  " in text for text in label_of)  # entities decoded


def test_movie_review_ratings_mostly_agree_with_the_labels(reviews):
    for _, labels, ratings in reviews:
        assert ratings.dtype == np.float32 and ratings.shape == labels.shape
        assert -4 <= ratings.min() and ratings.max() <= 4
    labels = np.concatenate([reviews[0][1], reviews[1][1]])
    ratings = np.concatenate([reviews[0][2], reviews[1][2]])
    rated = ratings != 0
    agreement = ((ratings > 0) == (labels == 1))[rated].mean()
    assert agreement == pytest.approx(0.9722, abs=5e-5)  # measured on the fixed data


def test_movie_reviews_without_ratings_are_keras_style_pairs(reviews):
    (x_train, y_train), (x_test, y_test) = data.load_movie_reviews()
    assert x_train == reviews[0][0] and x_test == reviews[1][0]
    assert np.array_equal(y_train, reviews[0][1]) and np.array_equal(y_test, reviews[1][1])


# ---------------------------------------------------------------------------- TREC questions


@pytest.fixture(scope="module")
def questions():
    return data.load_trec_questions(fine_labels=True)


def test_trec_counts_dtypes_and_class_balance(questions):
    (x_train, y_train, _), (x_test, y_test, _) = questions
    assert_text_split(x_train, y_train, x_test, y_test)
    assert (len(x_train), len(x_test)) == (4301, 1075)
    assert np.bincount(y_train).tolist() == [69, 921, 996, 971, 659, 685]
    assert np.bincount(y_test).tolist() == [17, 230, 249, 243, 165, 171]
    # Stratified: each class has 20% of its questions in test, to one question.
    totals = np.bincount(y_train) + np.bincount(y_test)
    assert np.abs(np.bincount(y_test) - 0.2 * totals).max() <= 0.5


def test_trec_holds_li_and_roth_questions_with_their_classes(questions):
    (x_train, y_train, _), (x_test, y_test, _) = questions
    class_of = dict(zip(x_train + x_test, np.concatenate([y_train, y_test]).tolist(), strict=True))
    first_of_train_5500 = "How did serfdom develop in and then leave Russia ?"
    assert data.TREC_CLASSES[class_of[first_of_train_5500]] == "DESC"
    assert data.TREC_CLASSES[class_of["What is the full form of .com ?"]] == "ABBR"
    assert sum(label == 0 for label in class_of.values()) == 86  # all of train_5500's ABBR
    assert set(data.TREC_CLASS_MEANINGS) == set(data.TREC_CLASSES)


def test_trec_fine_labels_belong_to_their_coarse_class(questions):
    fine_classes = data.trec_fine_classes()
    assert len(fine_classes) == 50 and "NUM:date" in fine_classes and "HUM:ind" in fine_classes
    for _, coarse, fine in questions:
        assert fine.dtype == np.uint8
        prefixes = [fine_classes[label].split(":")[0] for label in fine]
        assert prefixes == [data.TREC_CLASSES[label] for label in coarse]


# ------------------------------------------------------------------------------ NYC weather


@pytest.fixture(scope="module")
def weather():
    return {origin: data.load_nyc_weather(origin) for origin in data.NYC_AIRPORTS}


def test_weather_is_a_complete_hourly_grid_without_nan(weather):
    for times, features, names in weather.values():
        assert times.dtype == np.dtype("datetime64[h]") and times.shape == (8730,)
        assert (np.diff(times) == np.timedelta64(1, "h")).all()
        assert times[0] == np.datetime64("2013-01-01T06") and times[-1] == np.datetime64(
            "2013-12-30T23"
        )
        assert features.dtype == np.float32 and features.shape == (8730, 9)
        assert np.isfinite(features).all()
        assert names == [
            "temperature_C", "dew_point_C", "humidity_percent", "wind_speed_mph",
            "wind_east_mph", "wind_north_mph", "precipitation_inches", "pressure_hPa",
            "visibility_miles",
        ]  # fmt: skip
    assert not np.array_equal(weather["JFK"][1], weather["LGA"][1])


def test_weather_first_report_converted_as_documented(weather):
    # EWR 2013-01-01 06:00 UTC: 39.02 F, dew point 26.06 F, humidity 59.37 %, wind from
    # 270 degrees (the west) at 10.357 mph, no rain, 1012.0 hPa, 10 miles.
    _, features, _ = weather["EWR"]
    expected = [(39.02 - 32) * 5 / 9, (26.06 - 32) * 5 / 9, 59.37, 10.35702, 10.35702, 0.0, 0.0]
    assert features[0, :7] == pytest.approx(expected, abs=1e-4)
    assert features[0, 7:].tolist() == [1012.0, 10.0]


def test_weather_glitches_are_replaced_by_interpolation(weather):
    times, features, names = weather["JFK"]
    hour = np.flatnonzero(times == np.datetime64("2013-05-09T02"))[0]
    temperature = features[hour - 1 : hour + 2, names.index("temperature_C")]
    # The source says 57.02 F, 13.1 F, 57.2 F: the middle one is now their mean.
    assert temperature[1] == pytest.approx(temperature[[0, 2]].mean(), abs=1e-4)
    assert temperature[1] > 13
    speeds = np.concatenate([f[:, names.index("wind_speed_mph")] for _, f, _ in weather.values()])
    assert 0 <= speeds.min() and speeds.max() < 50  # not the source's 1,048 mph
    east, north = features[:, 4], features[:, 5]
    assert np.sqrt(east**2 + north**2).max() <= features[:, 3].max() + 1e-3


def test_weather_origin_is_case_insensitive(weather):
    times, features, _ = data.load_nyc_weather("jfk")
    assert np.array_equal(features, weather["JFK"][1]) and np.array_equal(times, weather["JFK"][0])


# ---------------------------------------------------------------------------- Boston housing

KERAS_X_TRAIN_0 = [1.23247, 0.0, 8.14, 0.0, 0.538, 6.142, 91.7, 3.9769, 4.0, 307.0, 21.0, 396.9,
                   18.72]  # fmt: skip


def test_boston_reproduces_the_keras_split():
    (x_train, y_train), (x_test, y_test) = data.load_boston_housing(drop_race_feature=False)
    assert x_train.shape == (404, 13) and x_test.shape == (102, 13)
    assert y_train.shape == (404,) and y_test.shape == (102,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.float64)}
    # Published values of keras.datasets.boston_housing.load_data() (e.g. Chollet's book).
    assert x_train[0].tolist() == KERAS_X_TRAIN_0
    assert y_train[:10].tolist() == [15.2, 42.3, 50.0, 21.1, 17.7, 18.5, 11.3, 15.6, 15.6, 14.4]
    assert y_train[-4:].tolist() == [25.2, 19.4, 19.4, 29.1]
    assert np.isfinite(x_train).all() and np.isfinite(x_test).all()
    assert (np.concatenate([y_train, y_test]) == 50).sum() == 16  # the censored tracts


def test_boston_drops_the_race_feature_by_default():
    (x_full, _), (x_full_test, _) = data.load_boston_housing(drop_race_feature=False)
    (x_train, y_train), (x_test, _) = data.load_boston_housing()
    column = data.BOSTON_FEATURES.index(data.BOSTON_RACE_FEATURE)
    assert len(data.BOSTON_FEATURES) == 13 and column == 11
    assert np.array_equal(x_train, np.delete(x_full, column, axis=1))
    assert np.array_equal(x_test, np.delete(x_full_test, column, axis=1))
    assert x_train.shape == (404, 12) and y_train[0] == 15.2


# ------------------------------------------------------------------------------ Shakespeare


def test_shakespeare_is_42_clean_works_joined_by_blank_lines():
    text = data.load_shakespeare()
    works = data.load_shakespeare(by_work=True)
    assert isinstance(text, str) and len(text) == 5_052_119 and text.isascii()
    assert len(works) == 42 and "\n".join(works.values()) == text
    titles = list(works)
    assert titles[0] == "All's Well That Ends Well" and titles[-1] == "The Winter's Tale"
    assert works["Hamlet"].startswith("HAMLET, PRINCE OF DENMARK\n\nby William Shakespeare\n")
    assert "To be, or not to be" in works["Hamlet"]
    assert all(work.endswith("\n") and not work.endswith("\n\n") for work in works.values())
    assert not re.search("gutenberg|{|}|_|\n\n\n| \n", text, flags=re.IGNORECASE)
    assert len(set(text)) == 79


# --------------------------------------------------------------------- shipped files, README


@pytest.mark.parametrize("data_file", SHIPPED, ids=lambda f: f.name)
def test_shipped_file_matches_its_checksum_and_readme_row(data_file):
    path = datasets.DATA_DIR / data_file.name
    assert datasets.sha256_of(path) == data_file.shipped_sha256
    readme = (datasets.DATA_DIR / "README.md").read_text()
    row = next(line for line in readme.splitlines() if line.startswith(f"| `{data_file.name}`"))
    assert data_file.shipped_sha256 in row and str(path.stat().st_size) in row
    build_script = datasets.DATA_DIR / f"build_{Path(data_file.name).stem}.py"
    assert build_script.is_file() and build_script.name in readme


def test_no_pickles_are_loaded_at_run_time():
    source = Path(data.__file__).read_text()
    assert "allow_pickle=False" in source
    assert not re.search(r"allow_pickle\s*=\s*True|import pickle|pickle\.load", source)


def test_missing_file_without_download_names_the_fix(tmp_path):
    """A file the course made itself has no cache or download to fall back on."""
    with pytest.raises(datasets.DatasetUnavailableError) as error:
        datasets.locate(data.NYC_WEATHER, data_dir=tmp_path, cache_dir=tmp_path)
    message = str(error.value)
    assert "missing" in message and "git checkout -- helpers/data/nyc_weather.npz" in message
    assert "helpers/data/README.md" in message


def test_corrupted_shipped_file_is_not_used(tmp_path, monkeypatch):
    corrupted = bytearray((datasets.DATA_DIR / "movie_reviews.npz").read_bytes())
    corrupted[len(corrupted) // 2] ^= 0xFF
    (tmp_path / "movie_reviews.npz").write_bytes(bytes(corrupted))
    monkeypatch.setattr(datasets, "DATA_DIR", tmp_path)
    with pytest.raises(datasets.DatasetUnavailableError, match="corrupted"):
        data.load_movie_reviews()  # no other copy to fall back on: an error, not a warning


# ------------------------------------------------------------------------------- bad input

BAD_CALLS = {
    "unknown airport": (lambda: data.load_nyc_weather("ORD"), "'EWR', 'JFK', 'LGA'.*'ORD'"),
    "airport None": (lambda: data.load_nyc_weather(None), "airport codes.*None"),
    "airport number": (lambda: data.load_nyc_weather(1), "load_nyc_weather\\('JFK'\\)"),
    "airport empty": (lambda: data.load_nyc_weather(""), "origin must be one of"),
    "ratings text": (lambda: data.load_movie_reviews(with_ratings="yes"), "True or False"),
    "ratings 1": (lambda: data.load_movie_reviews(with_ratings=1), "with_ratings"),
    "fine None": (lambda: data.load_trec_questions(fine_labels=None), "fine_labels"),
    "race text": (lambda: data.load_boston_housing(drop_race_feature="no"), "drop_race_feature"),
    "by_work text": (lambda: data.load_shakespeare(by_work="yes"), "by_work must be True or"),
    "by_work None": (lambda: data.load_shakespeare(by_work=None), "by_work must be True or"),
}


@pytest.mark.parametrize("call, message", BAD_CALLS.values(), ids=BAD_CALLS.keys())
def test_bad_input_gets_a_value_error_naming_the_fix(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ------------------------------------------------------- the build scripts' split and dedup


@pytest.fixture(scope="module")
def build_common():
    path = datasets.DATA_DIR / "build_common.py"
    spec = importlib.util.spec_from_file_location("build_common", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_stratified_split_is_seeded_disjoint_and_stratified(build_common):
    labels = np.array([0] * 50 + [1] * 30 + [2] * 5)
    train, test = build_common.stratified_split(labels, 0.2, seed=3)
    assert sorted(np.concatenate([train, test]).tolist()) == list(range(85))
    assert np.bincount(labels[test]).tolist() == [10, 6, 1]
    again = build_common.stratified_split(labels, 0.2, seed=3)
    other = build_common.stratified_split(labels, 0.2, seed=4)
    assert np.array_equal(again[1], test) and not np.array_equal(other[1], test)


def test_deduplicate_keeps_first_copies_and_drops_conflicts(build_common):
    texts = ["A good film.", "a good film", "Bad.", "Fine!", "fine", "Bad."]
    labels = np.array([1, 1, 0, 1, 0, 0])
    keep, report = build_common.deduplicate(texts, labels)
    assert keep == [0, 2]  # "Fine!" and "fine" disagree: neither is kept
    assert "1 exact and 1 near" in report and "2 rows of 1 sentences" in report


def test_build_steps_refuse_a_file_whose_checksum_differs(build_common, tmp_path):
    payload = b"weather,1\n"
    good = build_common.sha256_bytes(payload)
    zipped, tarred = io.BytesIO(), io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("pkg/data.csv", payload)
    with tarfile.open(fileobj=tarred, mode="w:gz") as archive:
        info = tarfile.TarInfo("pkg/data.csv")
        info.size = len(payload)
        archive.addfile(info, io.BytesIO(payload))
    for archive in (zipped.getvalue(), tarred.getvalue()):
        assert build_common.member(archive, "pkg/data.csv", good) == payload
        with pytest.raises(SystemExit, match=r"refusing pkg/data\.csv: sha256"):
            build_common.member(archive, "pkg/data.csv", "0" * 64)
