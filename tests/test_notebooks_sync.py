"""course/ is the single source: notebooks/ must be exactly what the builder makes of it."""

import json

import pytest

from helpers import build_notebooks
from helpers.build_notebooks import ROOT, lesson_sources, notebook_path, render

SOURCES = lesson_sources()


def test_course_and_notebooks_hold_the_same_lessons():
    assert SOURCES, "no lessons found in course/"
    sources = {s.stem for s in SOURCES}
    notebooks = {p.stem for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert notebooks == sources, (
        f"only in course/: {sorted(sources - notebooks)}, "
        f"only in notebooks/: {sorted(notebooks - sources)}; run `make notebooks`"
    )
    stray = [p.name for p in (ROOT / "course").iterdir() if p.suffix == ".py"]
    assert sorted(stray) == sorted(s.name for s in SOURCES), "course/ holds only NN_topic.py"


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.stem)
def test_notebook_is_generated_from_its_source(source):
    notebook = notebook_path(source)
    assert notebook.read_text(encoding="utf-8") == render(source), (
        f"{notebook.relative_to(ROOT)} is out of date with {source.relative_to(ROOT)}: "
        "run `make notebooks` (never edit notebooks/ by hand)"
    )


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.stem)
def test_notebook_has_no_outputs_and_stable_ids(source):
    cells = json.loads(notebook_path(source).read_text())["cells"]
    for cell in cells:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
    ids = [cell["id"] for cell in cells]
    assert len(set(ids)) == len(ids)
    assert render(source) == render(source)  # regenerating changes no byte


def test_builder_adds_slides_and_keeps_solutions_out_of_run_all(tmp_path):
    lesson = tmp_path / "course" / "99_demo.py"
    lesson.parent.mkdir()
    lesson.write_text(
        "# %% [markdown]\n# # Title\n\n# %% [markdown]\n# ### Detail\n\n# %% [markdown]\n"
        '# plain text\n\n# %%\nx = 1\n\n# %% tags=["solution"]\nx = 2\nprint(x)\n'
    )
    cells = build_notebooks.build_notebook(lesson).cells
    slide_types = [c.metadata.get("slideshow", {}).get("slide_type") for c in cells]
    assert slide_types == ["slide", "subslide", None, None, "skip"]
    solution = cells[-1]
    assert solution.cell_type == "markdown"  # Run All does not execute it
    assert solution.source.startswith("<details><summary>")  # collapsed until clicked
    assert build_notebooks.solution_code(solution.source) == "x = 2\nprint(x)"
    assert build_notebooks.main(tmp_path) == 0
    written = (tmp_path / "notebooks" / "99_demo.ipynb").read_text()
    assert written == render(lesson)
    (tmp_path / "notebooks" / "98_orphan.ipynb").write_text(written)
    assert build_notebooks.main(tmp_path) == 1  # an orphan notebook is reported


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.stem)
def test_every_solution_reaches_the_tests_unchanged_and_is_not_run_by_run_all(source):
    import jupytext

    course_solutions = [
        c.source for c in jupytext.read(source).cells if "solution" in c.metadata.get("tags", [])
    ]
    cells = json.loads(notebook_path(source).read_text())["cells"]
    shown = [c for c in cells if "solution" in c["metadata"].get("tags", [])]
    assert all(c["cell_type"] == "markdown" for c in shown)
    assert [build_notebooks.solution_code("".join(c["source"])) for c in shown] == [
        s.strip() for s in course_solutions
    ]


def test_a_solution_with_a_code_fence_is_refused():
    with pytest.raises(ValueError, match="code fence"):
        build_notebooks.solution_markdown("s = '```'")
    with pytest.raises(ValueError, match="not a solution cell"):
        build_notebooks.solution_code("just text")
