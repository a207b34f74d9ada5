"""Every lesson source follows the course design (COURSE_DESIGN.md): structure, not numbers.

The numbers are checked by the lessons' own check cells when nbval runs the notebooks.
"""

import importlib
import inspect
import re

import jupytext
import pytest

from helpers.build_notebooks import ROOT, lesson_sources

SOURCES = lesson_sources()
MAX_CODE_LINES = 300  # lines of code, not counting comments and imports


def lesson_topic(source):
    """The topic of course/NN_topic.py: its helper module is helpers/lessons/topic.py."""
    return source.stem.split("_", 1)[1]


def widget_builders(topic):
    module = importlib.import_module(f"helpers.lessons.{topic}")
    return [
        name
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__
        and "LiveFigure" in str(inspect.signature(function).return_annotation)
    ]


def cells_of(source):
    return jupytext.read(source, fmt="py:percent").cells


def code_lines(cells):
    return [
        line
        for cell in cells
        if cell.cell_type == "code"
        for line in cell.source.splitlines()
        if line.strip() and not line.strip().startswith(("#", "import ", "from "))
    ]


def tagged(cells, tag):
    return [c for c in cells if tag in c.metadata.get("tags", [])]


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.stem)
def test_header_is_trimmed_to_kernelspec(source):
    text = source.read_text(encoding="utf-8")
    header = text.split("# ---", 2)[1]
    assert "kernelspec" in header and "name: python3" in header
    assert "jupytext_version" not in header and "format_version" not in header


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.stem)
def test_lesson_has_the_standard_sections(source):
    markdown = "\n".join(c.source for c in cells_of(source) if c.cell_type == "markdown")
    titles = re.findall(r"^# \S.*$", markdown, flags=re.M)
    assert len(titles) == 1, f"one H1 title expected, found {titles}"
    for heading in ("What you will learn", "What you need", "## Summary", "## Exercises"):
        assert heading in markdown, f"missing section {heading!r}"


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.stem)
def test_lesson_code_is_plain_seeded_and_within_the_size_cap(source):
    cells = cells_of(source)
    code = "\n".join(c.source for c in cells if c.cell_type == "code")
    assert "keras.utils.set_random_seed(" in code, "set seeds visibly"
    assert not re.search(r"^\s*from \S+ import \*", code, flags=re.M), "no star imports"
    assert "sys.path" not in code and "pickle" not in code
    assert "checks.expect_" in code, "a lesson asserts its claims in check cells"
    topic = lesson_topic(source)
    assert f"from helpers.lessons import {topic} as lesson" in code, "import the lesson's module"
    builders = widget_builders(topic)
    assert any(f"lesson.{name}(" in code for name in builders), (
        f"a lesson has at least one widget: call one of {builders}"
    )
    n = len(code_lines(cells))
    assert n <= MAX_CODE_LINES, f"{n} lines of code; the cap is {MAX_CODE_LINES}"


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.stem)
def test_lesson_has_2_to_4_exercises_each_with_check_and_solution(source):
    cells = cells_of(source)
    exercises, solutions = tagged(cells, "exercise"), tagged(cells, "solution")
    assert 2 <= len(exercises) <= 4, f"{len(exercises)} exercises"
    assert len(solutions) == len(exercises)
    for cell in exercises + solutions:
        assert "lesson.exercise_" in cell.source, f"no self-check call in:\n{cell.source}"
    for cell in exercises:
        assert "YOUR CODE HERE" in cell.source
    # each solution comes right after its exercise (markdown may stand between), so that the
    # tests run it in the exercise's place (tests/exercise_plugin.py)
    kinds = [
        "exercise" if c in exercises else "solution" if c in solutions else c.cell_type
        for c in cells
        if c in exercises or c in solutions or c.cell_type == "code"
    ]
    pairs = [k for k in kinds if k != "code"]
    assert pairs == ["exercise", "solution"] * len(exercises), pairs
    for exercise_at in (i for i, k in enumerate(kinds) if k == "exercise"):
        assert kinds[exercise_at + 1] == "solution", "no code between an exercise and its solution"


def test_every_lesson_has_its_helper_module_and_test_module_and_nothing_is_orphaned():
    topics = {lesson_topic(source) for source in SOURCES}
    modules = {p.stem for p in (ROOT / "helpers" / "lessons").glob("*.py")} - {"__init__"}
    tests = {p.stem.removeprefix("test_") for p in (ROOT / "tests" / "lessons").glob("test_*.py")}
    assert modules == topics, (
        f"lessons without helpers/lessons/<topic>.py: {sorted(topics - modules)}; "
        f"modules without a lesson: {sorted(modules - topics)}"
    )
    assert tests == topics, (
        f"lessons without tests/lessons/test_<topic>.py: {sorted(topics - tests)}; "
        f"test modules without a lesson: {sorted(tests - topics)}"
    )
