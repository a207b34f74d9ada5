"""helpers.checks: claims fail loudly and get recorded; exercise checks pass and fail correctly."""

import numpy as np
import pytest

from helpers import checks


def test_expect_at_least_passes_records_and_fails_with_the_claim(capsys):
    checks.expect_at_least("test accuracy", np.float32(0.981), 0.97)
    assert "test accuracy = 0.981" in capsys.readouterr().out
    assert checks.recorded()["test accuracy"] == pytest.approx(0.981)
    with pytest.raises(AssertionError, match=r"claims test accuracy >= 0\.99, but it is 0\.981"):
        checks.expect_at_least("test accuracy", 0.981, 0.99)


def test_other_claims():
    checks.expect_at_most("loss", 0.2, 0.3)
    checks.expect_between("ratio", 5, 1, 10)
    checks.expect_equal("parameters", 669706, 669706)
    checks.expect_close("outputs", [1.0, 2.0], [1.0, 2.0 + 1e-9])
    with pytest.raises(AssertionError):
        checks.expect_at_most("loss", 0.4, 0.3)
    with pytest.raises(AssertionError):
        checks.expect_between("ratio", 11, 1, 10)
    with pytest.raises(AssertionError, match="== 669706"):
        checks.expect_equal("parameters", 669707, 669706)
    with pytest.raises(AssertionError, match="largest difference"):
        checks.expect_close("outputs", [1.0, 2.0], [1.0, 2.1])
    with pytest.raises(AssertionError, match="shapes differ"):
        checks.expect_close("outputs", [1.0], [1.0, 2.0])


def test_bad_values_are_rejected_clearly():
    with pytest.raises(AssertionError, match="NaN"):
        checks.expect_at_least("accuracy", float("nan"), 0.5)
    with pytest.raises(ValueError, match="single number"):
        checks.expect_at_least("accuracy", [0.5, 0.6], 0.5)
    with pytest.raises(ValueError, match="low <= high"):
        checks.expect_between("x", 1, 2, 0)


def test_attempt_turns_student_errors_into_hints():
    def unfinished(x):
        raise NotImplementedError

    assert "NotImplementedError" in checks.attempt(unfinished, 1)[1]
    assert "ZeroDivisionError" in checks.attempt(lambda x: 1 / x, 0)[1]
    assert checks.attempt(lambda x: x + 1, 1) == (2, None)
    assert "expected a function" in checks.attempt(None)[1]


def test_expect_equal_summarises_big_arrays(capsys):
    checks.expect_equal("labels", np.arange(1000), np.arange(1000))
    printed = capsys.readouterr().out
    assert "array of shape (1000,)" in printed and "999" not in printed
    wrong = np.arange(1000)
    wrong[:3] = -1
    with pytest.raises(AssertionError, match="different in 3 of 1000 elements"):
        checks.expect_equal("labels", wrong, np.arange(1000))


def test_expect_equal_records_numbers_but_not_booleans():
    checks.expect_equal("a count for the benchmarks", 7, 7)
    checks.expect_equal("a yes/no fact", True, True)
    assert checks.recorded()["a count for the benchmarks"] == 7.0
    assert "a yes/no fact" not in checks.recorded()


def test_expect_equal_is_strict_about_kinds():
    with pytest.raises(AssertionError, match="bool"):
        checks.expect_equal("x", True, 1)
    with pytest.raises(AssertionError, match="bool"):
        checks.expect_equal("x", 1, True)
    with pytest.raises(AssertionError, match="text"):
        checks.expect_equal("x", "1", 1)
    with pytest.raises(AssertionError):
        checks.expect_equal("shape", (2, 3), (2, 3, 1))
    checks.expect_equal("x", np.int64(3), 3.0)  # numbers of any width compare by value


def test_expect_close_refuses_empty_nan_and_non_numbers():
    with pytest.raises(AssertionError, match="nothing to compare"):
        checks.expect_close("outputs", [], [])
    with pytest.raises(AssertionError, match="NaN"):
        checks.expect_close("outputs", [np.nan], [1.0])
    with pytest.raises(ValueError, match="expected numbers"):
        checks.expect_close("outputs", [True], [1.0])
    with pytest.raises(ValueError, match="expected numbers"):
        checks.expect_close("outputs", ["a"], [1.0])


@pytest.mark.parametrize("bad", [None, True, "0.9", [0.5, 0.6], np.array([])])
def test_number_claims_refuse_what_is_not_one_number(bad):
    with pytest.raises(ValueError, match="single number"):
        checks.expect_at_least("accuracy", bad, 0.5)


def test_verdict_prints_once_and_displays_nothing(capsys):
    passed = checks.verdict("an exercise", None)
    failed = checks.verdict("an exercise", "a hint")
    assert passed and not failed
    assert failed.hint == "a hint" and passed.hint is None
    printed = capsys.readouterr().out
    assert printed == f"✅ {checks.PASS}: an exercise\n❌ {checks.NOT_YET}: an exercise. a hint\n"
    assert passed._ipython_display_() is None  # IPython shows nothing under the printed line


def test_compare_names_shape_value_and_missing_return():
    assert checks.compare("f(x)", None, [1.0]).endswith("forget `return`?")
    assert "shape (2,), expected (1,)" in checks.compare("f(x)", [1.0, 2.0], [1.0])
    assert "at element 1" in checks.compare("f(x)", [1.0, 3.0], [1.0, 2.0])
    assert "inf or NaN" in checks.compare("f(x)", [np.nan], [1.0])
    assert checks.compare("f(x)", [1.0, 2.0], [1.0, 2.0]) is None
