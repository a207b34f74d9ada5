"""Turn lessons into nbgrader assignments: ``make assignments`` writes ``grading/``.

Each lesson with exercises becomes one assignment, the lesson itself with its exercises made
gradable (nbgrader's cell metadata, schema 3):

- the exercise's starter cell becomes an **answer cell**: the starter code, then the lesson's
  solution between ``### BEGIN SOLUTION`` / ``### END SOLUTION``, which nbgrader removes from
  the students' copy (so the released cell is exactly the lesson's starter);
- the exercise's check call, the last statement of the starter cell, moves into a locked
  **test cell** worth ``POINTS_PER_EXERCISE``: it asserts the check's verdict, so nbgrader
  gives the points only when the lesson's own check passes, and the hint is the failure message;
- the collapsed solution shown under each exercise in the students' notebooks is left out, and
  so are the lecturer's speaker notes.

``grading/`` is an nbgrader course folder: ``nbgrader_config.py``, ``source/NN_topic/
NN_topic.ipynb`` (the instructors' version, with solutions), and ``release/`` once
``nbgrader generate_assignment`` has run (``make assignments`` runs it for every lesson). Collect
the students' notebooks into ``submitted/<student>/NN_topic/NN_topic.ipynb`` and run
``nbgrader autograde NN_topic`` in ``grading/``; ``nbgrader export`` writes the marks to a CSV
file. tests/test_assignments.py does the whole round trip on a lesson.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import nbformat

from helpers.build_notebooks import ROOT, build_notebook, lesson_sources, solution_code

POINTS_PER_EXERCISE = 1
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
# What stays of the solution in the students' copy: the starter above says what to write.
CODE_STUB = "# (your answer goes in the lines above)"
EXECUTION_TIMEOUT_S = 900  # per cell, as for the notebook tests (a lesson trains networks)

CONFIG = f'''"""nbgrader's settings for the course's assignments (written by make assignments); run
nbgrader in this folder."""

c = get_config()  # noqa: F821 (nbgrader provides it)
c.ClearSolutions.code_stub = {{"python": {CODE_STUB!r}}}
c.Execute.timeout = {EXECUTION_TIMEOUT_S}
'''


def _is_check(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Call)
        and isinstance(statement.value.func, ast.Attribute)
        and statement.value.func.attr.startswith("exercise_")
    )


def split_check_call(code: str, where: str, check_last: bool = True) -> tuple[str, str]:
    """``(rest, check)``: the code of an exercise cell without the statement that calls the
    lesson's check (``lesson.exercise_...(...)``), and that statement. A starter cell must end
    with it (``check_last``); a solution cell may print more after it."""
    statements = ast.parse(code).body
    checks = [statement for statement in statements if _is_check(statement)]
    if len(checks) != 1 or (check_last and checks[0] is not statements[-1]):
        raise ValueError(
            f"{where}: an exercise cell must call its check once, e.g. "
            "`lesson.exercise_name(answer)`, as its last statement"
        )
    lines = code.splitlines()
    first, last = checks[0].lineno - 1, checks[0].end_lineno
    rest = "\n".join(lines[:first]).rstrip() + "\n" + "\n".join(lines[last:]).strip()
    return rest.strip("\n"), "\n".join(lines[first:last])


def _nbgrader(grade_id: str, *, solution: bool, grade: bool, points: int = 0) -> dict:
    metadata = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": not solution,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if grade:
        metadata["points"] = points
    return metadata


def assignment_notebook(source: Path) -> nbformat.NotebookNode | None:
    """The instructors' nbgrader version of one lesson, or None when it has no exercises."""
    notebook = build_notebook(source)  # the students' notebook: no speaker notes
    cells, exercises = [], 0
    for index, cell in enumerate(notebook.cells):
        tags = cell.metadata.get("tags", [])
        if "solution" in tags:
            continue  # never shown in a graded copy; it is inside the answer cell instead
        if "exercise" not in tags:
            cells.append(cell)
            continue
        solution = notebook.cells[index + 1] if index + 1 < len(notebook.cells) else None
        if solution is None or "solution" not in solution.metadata.get("tags", []):
            raise ValueError(f"{source.name}: exercise cell {index} has no solution cell after it")
        exercises += 1
        where = f"{source.name}, exercise {exercises}"
        starter, check = split_check_call(cell.source, where)
        worked, _ = split_check_call(
            solution_code(solution.source), f"{where} (its solution)", check_last=False
        )
        grade_id = f"{source.stem}_exercise_{exercises}"
        answer = "\n".join(part for part in (starter, BEGIN, worked, END) if part)
        cells.append(
            nbformat.v4.new_code_cell(
                answer, metadata={"nbgrader": _nbgrader(grade_id, solution=True, grade=False)}
            )
        )
        test = f"verdict = {check}\nassert verdict, f'Not yet: {{verdict.hint}}'"
        test_metadata = _nbgrader(
            f"{grade_id}_check", solution=False, grade=True, points=POINTS_PER_EXERCISE
        )
        cells.append(nbformat.v4.new_code_cell(test, metadata={"nbgrader": test_metadata}))
    if not exercises:
        return None
    notebook.cells = cells
    for cell in notebook.cells:  # ids as nbgrader expects them: unique, stable
        cell.pop("id", None)
    notebook.nbformat_minor = 4  # cells without ids: nbgrader 0.9 writes 4.4 notebooks
    return notebook


def write_course(root: Path, lessons: list[Path] | None = None) -> list[str]:
    """Write an nbgrader course folder at ``root`` (config + source notebooks); the names of
    the assignments written."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "nbgrader_config.py").write_text(CONFIG, encoding="utf-8")
    names = []
    for source in lessons if lessons is not None else lesson_sources():
        notebook = assignment_notebook(source)
        if notebook is None:
            continue
        folder = root / "source" / source.stem
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, folder / f"{source.stem}.ipynb")
        names.append(source.stem)
    return names


def nbgrader(root: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the nbgrader command line in the course folder ``root``; raise if it fails."""
    bin_folder = Path(sys.executable).parent  # nbgrader runs alembic, from the same environment
    environment = {**os.environ, "PATH": f"{bin_folder}{os.pathsep}{os.environ.get('PATH', '')}"}
    command = [str(bin_folder / "nbgrader"), *args]
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, env=environment)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def main(argv: list[str] | None = None) -> int:
    """``python -m helpers.build_assignments [NN ...]``: write grading/ and release it."""
    wanted = argv if argv is not None else sys.argv[1:]
    lessons = [s for s in lesson_sources() if not wanted or s.name.split("_")[0] in wanted]
    if not lessons:
        print(f"no lesson matches {wanted}: give lesson numbers such as 00 04 09a")
        return 1
    root = ROOT / "grading"
    names = write_course(root, lessons)
    for pattern in names if wanted else ["*"]:  # one nbgrader run for all: ~20 s each
        nbgrader(root, "generate_assignment", pattern, "--force")
    for name in names:
        print(f"released grading/release/{name}/{name}.ipynb")
    return 0


if __name__ == "__main__":
    sys.exit(main())
