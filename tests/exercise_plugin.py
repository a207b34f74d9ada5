"""pytest plugin: while nbval runs a lesson, prove that its exercise checks can fail and pass.

A lesson's exercise has a cell tagged ``exercise`` (the blank starter followed by its self-check
call) and, after it, a cell tagged ``solution`` (the worked answer followed by the same check).
In the notebook a student runs, the solution is a collapsed markdown cell that Run All does not
execute (helpers/build_notebooks.py). Here nbval runs the notebook top to bottom as a student
would, and this plugin adds one test item right after each exercise cell that runs the solution's
code in the same kernel. The check after the blank starter must print "Not yet" (it rejects an
empty answer) and the check after the solution must print "PASS".

It also fails any lesson cell that writes to stderr: a student sees that as a red box, which
reads as an error (e.g. TensorFlow's C++ log lines, or a Python warning).
"""

import nbformat
import pytest

from helpers.build_notebooks import solution_code
from helpers.checks import NOT_YET, PASS


def exercise_problem(tags: list[str], printed: str) -> str | None:
    """What is wrong with an exercise or solution cell's printed output, or None."""
    if "exercise" in tags and NOT_YET not in printed:
        return f"the self-check did not reject the blank starter (no {NOT_YET!r} printed)"
    if "solution" in tags and (PASS not in printed or NOT_YET in printed):
        return f"the solution did not pass its self-check (expected {PASS!r} and no {NOT_YET!r})"
    return None


# The one stderr line a test may cause on purpose: notebooks run with an empty HOME, so the first
# lesson that imports matplotlib builds its font cache, and matplotlib says so when that takes
# over 5 s (on a busy machine). Students never see it: `make install` builds their cache.
FONT_CACHE_NOTE = "Matplotlib is building the font cache; this may take a moment."


def red_boxes(outputs: list) -> str | None:
    """What a cell wrote to stderr (a red box in JupyterLab), or None when nothing."""
    text = "".join(
        out.get("text", "")
        for out in outputs
        if out.get("output_type") == "stream" and out.get("name") == "stderr"
    )
    text = "".join(line for line in text.splitlines(True) if line.strip() != FONT_CACHE_NOTE)
    return text if text.strip() else None


def _tags(cell) -> list[str]:
    return cell.metadata.get("tags", [])


def solution_after(notebook, exercise_cell):
    """The solution cell that belongs to ``exercise_cell``: the next solution before any code."""
    index = next(i for i, cell in enumerate(notebook.cells) if cell is exercise_cell)
    for cell in notebook.cells[index + 1 :]:
        if "solution" in _tags(cell):
            return cell
        if cell.cell_type == "code":
            break
    return None


def pytest_collection_modifyitems(session, config, items):
    """After each exercise cell of a notebook, insert an item that runs its solution."""
    from nbval.plugin import IPyNbCell

    with_solutions = []
    for item in items:
        with_solutions.append(item)
        cell = getattr(item, "cell", None)
        if not isinstance(item, IPyNbCell) or "exercise" not in _tags(cell):
            continue
        solution = solution_after(item.parent.nb, cell)
        if solution is None:
            continue  # tests/test_lessons.py requires a solution after every exercise
        runnable = nbformat.v4.new_code_cell(
            solution_code(solution.source), metadata={"tags": ["solution"]}
        )
        with_solutions.append(
            IPyNbCell.from_parent(
                item.parent,
                name=f"{item.name} (its solution)",
                cell_num=item.cell_num,
                cell=runnable,
                options=item.options,
            )
        )
    items[:] = with_solutions


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    cell = getattr(item, "cell", None)
    outputs = getattr(item, "test_outputs", None)
    if call.when != "call" or report.outcome != "passed" or cell is None or outputs is None:
        return
    printed = "".join(out.get("text", "") for out in outputs if out.get("output_type") == "stream")
    problem = exercise_problem(_tags(cell), printed)
    red = red_boxes(outputs)
    if red is not None:
        problem = f"the cell wrote to stderr (a red box for a student):\n{red[:2000]}"
    if problem:
        report.outcome = "failed"
        report.longrepr = f"{item.name}: {problem}\n--- cell output ---\n{printed}"
