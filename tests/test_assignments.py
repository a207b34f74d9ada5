"""The nbgrader assignments made from the lessons (helpers/build_assignments.py).

Every lesson's assignment is checked with nbgrader's own preprocessors (fast); one lesson goes
the whole way as an instructor would: nbgrader releases it, autogrades a submission with the
solutions typed in and a blank one, and exports the marks."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbgrader.preprocessors import CheckCellMetadata, ClearSolutions

from helpers.build_assignments import (
    BEGIN,
    CODE_STUB,
    END,
    POINTS_PER_EXERCISE,
    assignment_notebook,
    nbgrader,
    split_check_call,
    write_course,
)
from helpers.build_notebooks import SOLUTION_SUMMARY, lesson_sources

LESSONS = lesson_sources()
ROUND_TRIP_LESSON = "00_introduction"  # the quickest lesson to run (about 30 s)


def _graded(notebook, key: str) -> list:
    return [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get(key)]


def _tagged(source: Path, tag: str) -> list:
    return [c for c in jupytext.read(source).cells if tag in c.metadata.get("tags", [])]


def _released(notebook) -> nbformat.NotebookNode:
    """What nbgrader gives the students: its own ClearSolutions, with the course's stub."""
    copy = nbformat.from_dict(notebook)
    cleared, _ = ClearSolutions(code_stub={"python": CODE_STUB}).preprocess(copy, {})
    return cleared


@pytest.mark.parametrize("source", LESSONS, ids=lambda s: s.stem)
def test_every_exercise_is_an_answer_cell_and_a_graded_check(source):
    notebook = assignment_notebook(source)
    exercises, notes = _tagged(source, "exercise"), _tagged(source, "notes")
    assert exercises, f"{source.name} has no exercises"
    CheckCellMetadata().preprocess(nbformat.from_dict(notebook), {})  # nbgrader's own checks
    answers, tests = _graded(notebook, "solution"), _graded(notebook, "grade")
    assert len(answers) == len(tests) == len(exercises)
    text = nbformat.writes(notebook)
    assert SOLUTION_SUMMARY not in text  # the students' collapsed solutions are gone
    assert all(note.source not in text for note in notes)  # and so are the speaker notes
    released = _released(notebook)
    for exercise, answer, test in zip(exercises, _graded(released, "solution"), tests, strict=True):
        starter, check = split_check_call(exercise.source, source.name)
        # The released answer cell is the lesson's starter: no line of the solution is left.
        assert answer.source == f"{starter}\n{CODE_STUB}".lstrip("\n")
        assert BEGIN not in answer.source and END not in answer.source
        # The test cell asserts the verdict of the lesson's own check.
        assert test.source.startswith(f"verdict = {check}\nassert verdict")
        assert test.metadata.nbgrader["locked"]
        assert test.metadata.nbgrader["points"] == POINTS_PER_EXERCISE


def test_the_check_call_must_come_last_in_a_starter():
    starter, check = split_check_call("x = None  # YOUR CODE HERE\nlesson.exercise_x(x)", "t")
    assert (starter, check) == ("x = None  # YOUR CODE HERE", "lesson.exercise_x(x)")
    solution, check = split_check_call("x = 1\nlesson.exercise_x(x)\nprint(x)", "t", False)
    assert (solution, check) == ("x = 1\nprint(x)", "lesson.exercise_x(x)")
    for wrong in ("lesson.exercise_x(x)\nprint(x)", "x = 1", "lesson.exercise_x(1)\n" * 2):
        with pytest.raises(ValueError, match="must call its check once"):
            split_check_call(wrong, "t")


def test_a_lesson_without_exercises_has_no_assignment(tmp_path):
    source = tmp_path / "99_empty.py"
    source.write_text("# %% [markdown]\n# # Nothing to grade\n\n# %%\nx = 1\n", encoding="utf-8")
    assert assignment_notebook(source) is None


def test_an_exercise_without_its_solution_is_refused(tmp_path):
    source = tmp_path / "99_broken.py"
    source.write_text('# %% tags=["exercise"]\nx = None\nlesson.exercise_x(x)\n', "utf-8")
    with pytest.raises(ValueError, match="has no solution cell after it"):
        assignment_notebook(source)


def _submit(root: Path, name: str, student: str, notebook) -> None:
    folder = root / "submitted" / student / name
    folder.mkdir(parents=True)
    nbformat.write(notebook, folder / f"{name}.ipynb")


def test_nbgrader_gives_full_marks_to_the_solutions_and_none_to_blank_starters(tmp_path):
    lesson = next(s for s in LESSONS if s.stem == ROUND_TRIP_LESSON)
    assert write_course(tmp_path, [lesson]) == [ROUND_TRIP_LESSON]
    nbgrader(tmp_path, "generate_assignment", ROUND_TRIP_LESSON, "--force")
    name = ROUND_TRIP_LESSON
    release = nbformat.read(tmp_path / "release" / name / f"{name}.ipynb", as_version=4)
    source = nbformat.read(tmp_path / "source" / name / f"{name}.ipynb", as_version=4)
    assert "### BEGIN SOLUTION" not in nbformat.writes(release)
    _submit(tmp_path, name, "blank", release)  # handed in untouched
    # A student who types the lesson's solutions into the answer cells, and nothing else.
    solutions = {c.metadata.nbgrader["grade_id"]: c.source for c in _graded(source, "solution")}
    solved = nbformat.from_dict(release)
    for cell in _graded(solved, "solution"):
        typed = solutions[cell.metadata.nbgrader["grade_id"]]
        cell.source = re.sub(rf"^({BEGIN}|{END})\n?", "", typed, flags=re.MULTILINE)
    _submit(tmp_path, name, "solver", solved)
    nbgrader(tmp_path, "autograde", name, "--force")
    nbgrader(tmp_path, "export")  # to grades.csv
    with (tmp_path / "grades.csv").open() as file:
        marks = {row["student_id"]: row for row in csv.DictReader(file)}
    total = float(len(solutions) * POINTS_PER_EXERCISE)
    assert set(marks) == {"blank", "solver"}
    assert float(marks["solver"]["max_score"]) == total == 4.0
    assert float(marks["solver"]["score"]) == total
    assert float(marks["blank"]["score"]) == 0.0
