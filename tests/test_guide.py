"""The instructors' guide (course/INSTRUCTORS.md) is generated from the lessons and up to date."""

import jupytext

from helpers import build_guide
from helpers.build_notebooks import build_notebook, lesson_sources


def test_the_guide_is_generated_from_the_lessons():
    assert build_guide.GUIDE.read_text(encoding="utf-8") == build_guide.render_guide(), (
        "course/INSTRUCTORS.md is out of date: run `make notebooks`"
    )


def test_every_lesson_has_its_section_with_time_slides_and_every_solution():
    guide = build_guide.GUIDE.read_text(encoding="utf-8")
    for source in lesson_sources():
        number = source.stem.split("_", 1)[0]
        section = guide.split(f"\n### {number}: ", 1)[1].split("\n### ", 1)[0]
        assert "CPU time: " in section and "not measured" not in section, number
        solutions = [
            c.source.strip()
            for c in jupytext.read(source, fmt="py:percent").cells
            if "solution" in c.metadata.get("tags", [])
        ]
        assert solutions and all(s in section for s in solutions), number


def test_slides_are_counted_as_make_slides_plans_them():
    for source in lesson_sources():
        notebook = build_notebook(source)
        headings = sum(
            c.metadata.get("slideshow", {}).get("slide_type") in ("slide", "subslide")
            for c in notebook.cells
        )
        assert build_guide.count_slides(notebook) >= headings >= 5, source.stem
