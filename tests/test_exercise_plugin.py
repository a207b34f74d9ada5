"""The nbval plugin runs each hidden solution in its exercise's place and judges both outputs."""

import subprocess
import sys

import pytest

from helpers.build_notebooks import ROOT, build_notebook
from tests.exercise_plugin import FONT_CACHE_NOTE, exercise_problem, red_boxes

LESSON = """# %% [markdown]
# # Demo

# %%
def exercise_double(f):
    ok = callable(f) and f(2) == 4
    print("✅ PASS: double" if ok else "❌ Not yet: double. hint")

# %% tags=["exercise"]
def double(x):
    return None  # YOUR CODE HERE
exercise_double(double)

# %% tags=["solution"]
def double(x):
    return {answer}
exercise_double(double)

# %%
print("after the exercise")
"""


def run_nbval(tmp_path, answer: str) -> subprocess.CompletedProcess:
    source = tmp_path / "course" / "99_demo.py"
    source.parent.mkdir(exist_ok=True)
    source.write_text(LESSON.format(answer=answer))
    notebook = tmp_path / "99_demo.ipynb"
    import nbformat

    nbformat.write(build_notebook(source), notebook)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "tests.exercise_plugin",
            "--nbval-lax",
            "--nbval-current-env",
            "-p",
            "no:cacheprovider",
            "-v",
            "--rootdir",
            str(ROOT),
            "-c",
            str(ROOT / "pyproject.toml"),
            str(notebook),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


@pytest.mark.parametrize("answer, passes", [("2 * x", True), ("x + 1", False)])
def test_the_solution_runs_after_its_exercise_and_must_pass(tmp_path, answer, passes):
    result = run_nbval(tmp_path, answer)
    lines = [line for line in result.stdout.splitlines() if line.startswith("::Cell")]
    assert len(lines) == 4, result.stdout  # 3 code cells + the solution run in between
    assert "Cell 1 (its solution)" in lines[2]
    assert ("PASSED" in lines[2]) is passes, result.stdout
    assert "PASSED" in lines[1] and "PASSED" in lines[3]  # starter rejected; lesson goes on


def test_exercise_plugin_rules():
    assert exercise_problem(["exercise"], "❌ Not yet: x. hint") is None
    assert exercise_problem(["exercise"], "✅ PASS: x") is not None
    assert exercise_problem(["solution"], "✅ PASS: x") is None
    assert exercise_problem(["solution"], "❌ Not yet: x") is not None
    assert exercise_problem(["solution"], "✅ PASS: a\n❌ Not yet: b") is not None
    assert exercise_problem([], "anything") is None


def test_a_cell_that_writes_to_stderr_is_a_red_box():
    stdout = {"output_type": "stream", "name": "stdout", "text": "fine\n"}
    stderr = {"output_type": "stream", "name": "stderr", "text": "E0000 00:00 node_def_util\n"}
    blank = {"output_type": "stream", "name": "stderr", "text": "\n"}
    assert red_boxes([stdout]) is None and red_boxes([stdout, blank]) is None
    assert "E0000" in red_boxes([stdout, stderr])


def test_only_the_font_cache_note_of_an_empty_home_is_not_a_red_box():
    note = {"output_type": "stream", "name": "stderr", "text": FONT_CACHE_NOTE + "\n"}
    assert red_boxes([note]) is None
    warning = {"output_type": "stream", "name": "stderr", "text": "UserWarning: font cache\n"}
    assert "UserWarning" in red_boxes([note, warning])
