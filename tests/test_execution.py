"""Lesson notebooks executed as CI does: a fresh kernel, its own HOME and working directory."""

from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest

from helpers.execution import run_notebook


def test_four_kernels_started_at_once_all_finish_with_their_own_home():
    """Kernels talk over Unix sockets in their own folders: no TCP port to race for."""

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


def test_run_notebook_wants_a_notebook():
    with pytest.raises(ValueError, match="nbformat\\.read"):
        run_notebook({"cells": []})
