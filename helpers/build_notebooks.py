"""Generate ``notebooks/*.ipynb`` from the lesson sources ``course/*.py``.

``course/`` holds the only source of each lesson (jupytext percent format); ``notebooks/`` is
generated from it, without outputs, and never edited by hand. Generation is deterministic:
each cell's id is derived from its content, so rebuilding an unchanged lesson changes no byte.
On the way, the builder adds what would be noise in the sources:

- reveal.js slide metadata: a markdown cell starting with ``#`` or ``##`` starts a slide,
  ``###`` a sub-slide (a cell that sets ``slideshow`` itself keeps it);
- cells tagged ``solution`` are collapsed (``source_hidden``) and left out of the slides.

Run ``make notebooks`` (or ``python -m helpers.build_notebooks``) after editing a lesson.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parent.parent


def build_notebook(source: Path) -> nbformat.NotebookNode:
    """The notebook for one lesson source, with stable ids and slide/solution metadata."""
    notebook = jupytext.read(source, fmt="py:percent")
    notebook.metadata = {
        "kernelspec": notebook.metadata.get(
            "kernelspec", {"display_name": "Python 3", "language": "python", "name": "python3"}
        ),
        "language_info": {"name": "python"},
    }
    seen: dict[str, int] = {}
    for cell in notebook.cells:
        _add_presentation_metadata(cell)
        digest = hashlib.sha1(f"{cell.cell_type}\n{cell.source}".encode()).hexdigest()[:8]
        seen[digest] = seen.get(digest, 0) + 1
        cell.id = digest if seen[digest] == 1 else f"{digest}-{seen[digest]}"
    return notebook


def _add_presentation_metadata(cell: nbformat.NotebookNode) -> None:
    if "solution" in cell.metadata.get("tags", []):
        cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
        cell.metadata.setdefault("slideshow", {"slide_type": "skip"})
    elif cell.cell_type == "markdown":
        first_line = cell.source.lstrip().split("\n", 1)[0]
        if first_line.startswith(("# ", "## ")):
            cell.metadata.setdefault("slideshow", {"slide_type": "slide"})
        elif first_line.startswith("### "):
            cell.metadata.setdefault("slideshow", {"slide_type": "subslide"})


def render(source: Path) -> str:
    """The exact text of the notebook generated from ``source``."""
    return nbformat.writes(build_notebook(source)) + "\n"


def lesson_sources(root: Path = ROOT) -> list[Path]:
    """All lesson sources, ``course/NN_topic.py``, in lesson order."""
    return sorted((root / "course").glob("[0-9][0-9]_*.py"))


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
