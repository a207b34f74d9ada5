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


NAN, INF = float("nan"), float("inf")
# Bad input from the lesson's author: a ValueError that names what was expected. (A value that
# makes a claim false, NaN included, is an AssertionError: see the tests above and below.)
BAD_CHECK_CALLS = {
    "record name None": (lambda: checks.record(None, 1.0), "name.*text"),
    "record value None": (lambda: checks.record("x", None), "single number"),
    "record value text": (lambda: checks.record("x", "0.5"), "single number"),
    "record value bool": (lambda: checks.record("x", True), "single number"),
    "record value empty": (lambda: checks.record("x", np.array([])), "single number"),
    "record value array": (lambda: checks.record("x", [1.0, 2.0]), "single number"),
    "at_least name empty": (lambda: checks.expect_at_least("", 0.5, 0.1), "name"),
    "at_least threshold None": (lambda: checks.expect_at_least("x", 0.5, None), "threshold"),
    "at_least threshold NaN": (lambda: checks.expect_at_least("x", 0.5, NAN), "threshold"),
    "at_least threshold text": (lambda: checks.expect_at_least("x", 0.5, "0.1"), "threshold"),
    "at_most threshold inf": (lambda: checks.expect_at_most("x", 0.5, INF), "threshold.*finite"),
    "at_most threshold bool": (lambda: checks.expect_at_most("x", 0.5, True), "threshold"),
    "at_most threshold array": (lambda: checks.expect_at_most("x", 0.5, [1, 2]), "threshold"),
    "between low None": (lambda: checks.expect_between("x", 0.5, None, 1), "low"),
    "between high NaN": (lambda: checks.expect_between("x", 0.5, 0, NAN), "high"),
    "between low -inf": (lambda: checks.expect_between("x", 0.5, -INF, 1), "low"),
    "between reversed": (lambda: checks.expect_between("x", 1, 2, 0), "low <= high"),
    "equal value None": (lambda: checks.expect_equal("x", None, 3), "value.*None"),
    "equal expected None": (lambda: checks.expect_equal("x", 3, None), "expected.*None"),
    "equal expected NaN": (lambda: checks.expect_equal("x", 3.0, NAN), "NaN"),
    "equal objects": (lambda: checks.expect_equal("x", {"a": 1}, {"a": 1}), "numbers"),
    "equal ragged": (lambda: checks.expect_equal("x", [[1], [1, 2]], [[1], [1, 2]]), "one shape"),
    "close actual None": (lambda: checks.expect_close("x", None, [1.0]), "expected numbers"),
    "close text": (lambda: checks.expect_close("x", ["a"], ["a"]), "expected numbers"),
    "close bool": (lambda: checks.expect_close("x", [True], [True]), "expected numbers"),
    "close ragged": (lambda: checks.expect_close("x", [[1.0], [1, 2]], [1.0]), "one shape"),
    "close rtol None": (lambda: checks.expect_close("x", [1.0], [1.0], rtol=None), "rtol"),
    "close atol negative": (lambda: checks.expect_close("x", [1.0], [1.0], atol=-1), "atol"),
    "close rtol NaN": (lambda: checks.expect_close("x", [1.0], [1.0], rtol=NAN), "rtol"),
    "verdict exercise None": (lambda: checks.verdict(None, None), "exercise.*text"),
    "verdict problem empty": (lambda: checks.verdict("ex", ""), "problem"),
    "verdict problem number": (lambda: checks.verdict("ex", 3), "problem"),
    "compare name None": (lambda: checks.compare(None, [1.0], [1.0]), "name"),
    "compare want None": (lambda: checks.compare("f(x)", [1.0], None), "want.*numbers"),
    "compare want NaN": (lambda: checks.compare("f(x)", [1.0], [NAN]), "want.*finite"),
    "compare want inf": (lambda: checks.compare("f(x)", [1.0], [INF]), "want.*finite"),
    "compare want empty": (lambda: checks.compare("f(x)", [], []), "want.*at least one"),
    "compare want text": (lambda: checks.compare("f(x)", ["a"], ["a"]), "want.*numbers"),
    "compare want bool": (lambda: checks.compare("f(x)", [1.0], [True]), "want.*numbers"),
    "compare rtol negative": (lambda: checks.compare("f(x)", [1.0], [1.0], rtol=-1), "rtol"),
    "compare atol None": (lambda: checks.compare("f(x)", [1.0], [1.0], atol=None), "atol"),
}


@pytest.mark.parametrize("call, message", BAD_CHECK_CALLS.values(), ids=BAD_CHECK_CALLS.keys())
def test_bad_input_gets_a_value_error_naming_what_was_expected(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("value", [NAN, INF, -INF])
def test_a_value_that_is_not_finite_fails_the_claim(value):
    """A diverged computation (NaN, or inf: overflow, a division by zero) never passes."""
    with pytest.raises(AssertionError, match=r"NaN|inf"):
        checks.expect_at_least("ratio", value, 1e10)
    with pytest.raises(AssertionError, match=r"NaN|inf"):
        checks.expect_at_most("loss", value, 0.3)
    with pytest.raises(AssertionError, match=r"NaN|inf"):
        checks.expect_close("outputs", [value], [value])


def test_student_answers_become_hints_not_errors():
    """attempt and compare take the student's code and answer: whatever they are, a hint."""
    assert "expected a function" in checks.attempt("not a function")[1]
    assert "ValueError" in checks.attempt(lambda: float("x"))[1]
    assert "returned str" in checks.compare("f(x)", "text", [1.0])
    assert "array of numbers" in checks.compare("f(x)", [[1.0], [1.0, 2.0]], [1.0])
    assert "inf or NaN" in checks.compare("f(x)", [INF], [1.0])


@pytest.mark.parametrize(
    "answer, hint",
    [(None, "no answer yet"), (True, "expected a number"), ("0.5", "expected a number"),
     ([1, 2], "expected a number"), (object(), "expected a number")],
)  # fmt: skip
def test_number_answer_refuses_what_is_not_one_number(answer, hint):
    value, problem = checks.number_answer(answer)
    assert value is None and hint in problem


def test_number_answer_reads_numbers_of_any_type():
    assert checks.number_answer(np.float32(0.5)) == (0.5, None)
    assert checks.number_answer(3) == (3.0, None)
