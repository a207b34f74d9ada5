"""The benchmark table writes figures so that a reader can compare them with the lessons' text."""

import pytest

from benchmarks.run_lessons import format_figure, is_timing


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (669706.0, "669,706"),
        (10000.0, "10,000"),
        (1.0, "1"),
        (0.0, "0"),
        (-3.0, "-3"),
        (0.97916, "0.9792"),
        (9.873e-25, "9.873e-25"),
        (1e16, "1e+16"),
    ],
)
def test_format_figure(value, expected):
    assert format_figure(value) == expected


def test_timings_are_recognized_by_name():
    assert is_timing("deep tanh: seconds per epoch")
    assert not is_timing("deep tanh network: test accuracy")
