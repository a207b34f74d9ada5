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


def test_four_kernels_started_at_once_all_finish_with_their_own_home():
    """Kernels talk over Unix sockets in their own folders: no TCP port to race for."""
    from concurrent.futures import ThreadPoolExecutor

    import nbformat

    from benchmarks.run_lessons import run_notebook

    def notebook(i):
        code = f"import os, time\ntime.sleep(1)\nprint({i}, os.environ['HOME'], os.getcwd())"
        return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])

    notebooks = [notebook(i) for i in range(4)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        seconds = list(pool.map(lambda nb: run_notebook(nb, timeout=120), notebooks))
    printed = [nb.cells[0].outputs[0]["text"].split() for nb in notebooks]
    assert [int(p[0]) for p in printed] == [0, 1, 2, 3]
    assert len({p[1] for p in printed}) == 4  # each kernel had its own empty HOME
    assert len({p[2] for p in printed}) == 4  # and its own working directory
    assert all(s < 120 for s in seconds)
