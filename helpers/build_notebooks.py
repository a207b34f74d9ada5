"""Generate ``notebooks/*.ipynb`` from the lesson sources ``course/*.py``.

``course/`` holds the only source of each lesson (jupytext percent format); ``notebooks/`` is
generated from it, without outputs, and never edited by hand. Generation is deterministic:
each cell's id is derived from its content, so rebuilding an unchanged lesson changes no byte.
On the way, the builder adds what would be noise in the sources:

- reveal.js slide metadata: a markdown cell starting with ``#`` or ``##`` starts a slide,
  ``###`` a sub-slide (a cell that sets ``slideshow`` itself keeps it);
- a markdown cell tagged ``notes`` holds the lecturer's speaker notes for the slide above it:
  left out of the students' notebook, shown in the slides' speaker view (``S``);
- a code cell tagged ``solution`` becomes a markdown cell holding the code in a collapsed
  ``<details>`` block: a student's Run All never runs it, and nothing of it shows until the
  student clicks "Show the solution". Tests run it anyway, right after its exercise cell
  (tests/exercise_plugin.py reads the code back with :func:`solution_code`). Solutions are left
  out of the slides.

Run ``make notebooks`` (or ``python -m helpers.build_notebooks``) after editing a lesson.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTES = {"slide_type": "notes"}


def build_notebook(source: Path, speaker_notes: bool = False) -> nbformat.NotebookNode:
    """The notebook for one lesson source, with stable ids and slide/solution metadata.

    Markdown cells tagged ``notes`` are the lecturer's speaker notes: left out of the students'
    notebook, and kept as reveal.js notes (``slide_type: notes``) when ``speaker_notes`` is
    true, for the slides (helpers/build_slides.py)."""
    notebook = jupytext.read(source, fmt="py:percent")
    notebook.cells = [  # every notes cell is checked, even where it is then left out
        _as_notes(cell) if "notes" in cell.metadata.get("tags", []) else cell
        for cell in notebook.cells
    ]
    if not speaker_notes:
        notebook.cells = [c for c in notebook.cells if c.metadata.get("slideshow", {}) != NOTES]
    notebook.metadata = {
        "kernelspec": notebook.metadata.get(
            "kernelspec", {"display_name": "Python 3", "language": "python", "name": "python3"}
        ),
        "language_info": {"name": "python"},
    }
    notebook.cells = [
        _as_solution(cell) if "solution" in cell.metadata.get("tags", []) else cell
        for cell in notebook.cells
    ]
    seen: dict[str, int] = {}
    for cell in notebook.cells:
        _add_presentation_metadata(cell)
        digest = hashlib.sha1(f"{cell.cell_type}\n{cell.source}".encode()).hexdigest()[:8]
        seen[digest] = seen.get(digest, 0) + 1
        cell.id = digest if seen[digest] == 1 else f"{digest}-{seen[digest]}"
    return notebook


SOLUTION_SUMMARY = "Show the solution (Run All does not run it; copy it into a cell to try it)"
FENCE = "```"


def solution_markdown(code: str) -> str:
    """The markdown that shows a solution's ``code`` collapsed, for a student to reveal."""
    if FENCE in code:
        raise ValueError(f"a solution cannot contain {FENCE!r}: it is shown inside a code fence")
    return (
        f"<details><summary>{SOLUTION_SUMMARY}</summary>\n\n"
        f"{FENCE}python\n{code.strip()}\n{FENCE}\n\n</details>"
    )


def solution_code(markdown: str) -> str:
    """The code of a solution cell made by :func:`solution_markdown`."""
    opening = f"{FENCE}python\n"
    if opening not in markdown:
        raise ValueError("not a solution cell: no ```python block found")
    return markdown.split(opening, 1)[1].rsplit(f"\n{FENCE}", 1)[0]


def _as_solution(cell: nbformat.NotebookNode) -> nbformat.NotebookNode:
    if cell.cell_type != "code":
        raise ValueError(f"only code cells can be tagged solution, got a {cell.cell_type} cell")
    metadata = {"tags": cell.metadata["tags"], "slideshow": {"slide_type": "skip"}}
    return nbformat.v4.new_markdown_cell(solution_markdown(cell.source), metadata=metadata)


def _as_notes(cell: nbformat.NotebookNode) -> nbformat.NotebookNode:
    if cell.cell_type != "markdown":
        raise ValueError(f"only markdown cells can be tagged notes, got a {cell.cell_type} cell")
    cell.metadata["slideshow"] = dict(NOTES)
    return cell


def _add_presentation_metadata(cell: nbformat.NotebookNode) -> None:
    if cell.cell_type == "markdown" and "solution" not in cell.metadata.get("tags", []):
        first_line = cell.source.lstrip().split("\n", 1)[0]
        if first_line.startswith(("# ", "## ")):
            cell.metadata.setdefault("slideshow", {"slide_type": "slide"})
        elif first_line.startswith("### "):
            cell.metadata.setdefault("slideshow", {"slide_type": "subslide"})


def render(source: Path) -> str:
    """The exact text of the notebook generated from ``source``."""
    return nbformat.writes(build_notebook(source)) + "\n"


def lesson_sources(root: Path = ROOT) -> list[Path]:
    """All lesson sources, ``course/NN_topic.py`` (``NNa_``, ``NNb_`` for a lesson in parts),
    in lesson order."""
    return sorted(
        path
        for path in (root / "course").glob("*.py")
        if re.fullmatch(r"\d\d[a-z]?_\w+\.py", path.name)
    )


def notebook_path(source: Path, root: Path = ROOT) -> Path:
    """Where the notebook generated from ``source`` lives."""
    return root / "notebooks" / f"{source.stem}.ipynb"


def main(root: Path = ROOT) -> int:
    """Write every notebook whose text differs from what its source generates."""
    if not (root / "course").is_dir():
        print(f"no course/ folder under {root}: run this from a clone of the course")
        return 1
    (root / "notebooks").mkdir(exist_ok=True)
    for source in lesson_sources(root):
        target = notebook_path(source, root)
        text = render(source)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target.relative_to(root)}")
    expected = {notebook_path(s, root).name for s in lesson_sources(root)}
    orphans = sorted(p for p in (root / "notebooks").glob("*.ipynb") if p.name not in expected)
    for orphan in orphans:
        print(f"{orphan.relative_to(root)} has no source in course/: delete it or add the source")
    return 1 if orphans else 0


if __name__ == "__main__":
    sys.exit(main())
