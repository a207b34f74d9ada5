"""Write reveal.js slides of the lessons that work offline, for a lecture hall with no network.

``make slides`` (or ``python -m helpers.build_slides [--no-execute] [lesson ...]``) executes each
lesson (so the slides show its plots and numbers) and writes ``slides/NN_topic.slides.html``.
Everything a slide page loads sits next to it in ``slides/_static/``: reveal.js 5 (from the
PyPI package ``sphinx-revealjs``) and MathJax 2.7 (from ``jupyter-server-mathjax``), both pinned
in requirements.txt and copied from the installed packages, so the folder can be copied to a
lecture laptop and opened from disk. Nothing is fetched from the internet.

Static slides cannot run widgets (they need a kernel): to present a lesson live with its
widgets, open it in JupyterLab and start the RISE slideshow (see the instructors' guide).
Speaker notes: the markdown cells of a lesson source tagged ``notes`` (left out of the students'
notebooks) show in the speaker view (press ``S`` in the slides).
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import math
import shutil
import sys
from pathlib import Path

import nbformat

from helpers.build_notebooks import ROOT, build_notebook, lesson_sources
from helpers.execution import run_notebook

TEMPLATE_DIR = Path(__file__).parent / "slides_template"
TEMPLATE = "course_slides"
STATIC = "_static"
SLIDE_HEIGHT = 720  # pixels of a slide (Reveal.initialize in the template), 16:9 with width 1280
CONTENT_HEIGHT = 540  # what a slide may fill, leaving room for the margins and the controls
OUTPUTS_ONLY = "slides-outputs-only"  # a tag the template reads: show this cell's outputs only


def _package_folder(package: str, inside: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise ValueError(
            f"the slides need the Python package {package!r} for their offline assets: "
            "install the course's requirements (make install)"
        )
    folder = Path(spec.origin).parent / inside
    if not folder.is_dir():
        raise ValueError(f"{package} has no {inside}/ folder: reinstall the pinned version")
    return folder


def asset_sources() -> dict[str, Path]:
    """Where the offline assets come from: {name under _static/: installed folder}."""
    return {
        "reveal.js": _package_folder("sphinx_revealjs", "_static/revealjs"),
        "mathjax": _package_folder("jupyter_server_mathjax", "static"),
    }


def copy_assets(out_dir: Path) -> None:
    """Copy reveal.js (its ``dist/`` and notes plugin) and MathJax into ``out_dir/_static``."""
    sources = asset_sources()
    static = out_dir / STATIC
    reveal = static / "reveal.js"
    for part in ("dist", "plugin/notes", "LICENSE"):
        source, target = sources["reveal.js"] / part, reveal / part
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
    shutil.copytree(sources["mathjax"], static / "mathjax", dirs_exist_ok=True)


def estimated_height(cell: nbformat.NotebookNode) -> float:
    """About how many pixels ``cell`` takes on a 1280 x 720 slide (with its outputs): an
    estimate to plan the slides; tests/test_slides.py measures the real heights in a browser."""
    lines = cell.source.splitlines()
    if cell.cell_type == "markdown":
        height = 0.0
        for line in lines:
            text = line.strip()
            if text.startswith("#"):
                height += 64
            elif text.startswith("$$") or text.startswith("\\["):
                height += 56
            elif text.startswith("|"):  # a table row: its cells wrap as the text does
                height += 34 * math.ceil(len(text) / 70)
            elif not text:
                height += 14
            else:
                height += 27 * math.ceil(len(text) / 100)
        return height + 24
    if cell.cell_type != "code":
        return 0.0
    height = 0.0
    if OUTPUTS_ONLY not in cell.metadata.get("tags", []):
        height = 23 * min(len(lines), 24) + 40  # long code scrolls inside its box (24 lines)
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if "image/png" in data or "image/svg+xml" in data:
            height += 420  # figures are shown at most 400 pixels high
        elif "text/html" in data:
            height += 30 * min(str(data["text/html"]).count("<tr"), 12) + 20
        elif output.get("output_type") == "stream" or "text/plain" in data:
            text = output.get("text", data.get("text/plain", ""))
            height += 23 * min(str(text).count("\n") + 1, 14) + 16
    return height


def _paragraphs(markdown: str) -> list[str]:
    """``markdown`` cut at blank lines, never inside a code fence or a $$ ... $$ block."""
    paragraphs, current, fenced = [], [], False
    for line in markdown.splitlines():
        if line.strip().startswith("```") or line.strip() == "$$":
            fenced = not fenced
        if not line.strip() and not fenced and current:
            paragraphs.append("\n".join(current))
            current = []
        elif line.strip() or current:
            current.append(line)
    return paragraphs + (["\n".join(current)] if current else [])


def _split_table(paragraph: str) -> list[str]:
    """A markdown table taller than a slide as several tables, each under the same header."""
    rows = paragraph.splitlines()
    fits = estimated_height(nbformat.v4.new_markdown_cell(paragraph)) <= CONTENT_HEIGHT
    if fits or len(rows) < 4 or not all(row.lstrip().startswith("|") for row in rows):
        return [paragraph]
    header, tables, body = rows[:2], [], []
    for row in rows[2:]:
        candidate = "\n".join([*header, *body, row])
        if body and estimated_height(nbformat.v4.new_markdown_cell(candidate)) > CONTENT_HEIGHT:
            tables.append("\n".join([*header, *body]))
            body = []
        body.append(row)
    return [*tables, "\n".join([*header, *body])]


def _split_long_markdown(cell: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """A markdown cell too tall for one slide, as several cells of whole paragraphs."""
    hidden = cell.metadata.get("slideshow", {}).get("slide_type") in ("notes", "skip")
    if cell.cell_type != "markdown" or hidden or estimated_height(cell) <= CONTENT_HEIGHT:
        return [cell]
    parts, chunk = [], []
    for paragraph in [piece for p in _paragraphs(cell.source) for piece in _split_table(p)]:
        candidate = nbformat.v4.new_markdown_cell("\n\n".join([*chunk, paragraph]))
        if chunk and estimated_height(candidate) > CONTENT_HEIGHT:
            parts.append(chunk)
            chunk = []
        chunk.append(paragraph)
    parts.append(chunk)
    cells = []
    for k, chunk in enumerate(parts):
        part = copy.deepcopy(cell)
        part.source = "\n\n".join(chunk)
        if k:
            part.metadata["slideshow"] = {"slide_type": "subslide"}
            part.id = f"{cell.get('id', 'cell')}-{k}"
        cells.append(part)
    return cells


def _split_code_from_outputs(cell: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """A code cell too tall for one slide with its outputs, as the code and then its outputs,
    as many to a sub-slide as fit."""
    if cell.cell_type != "code" or not cell.get("outputs"):
        return [cell]
    if estimated_height(cell) <= CONTENT_HEIGHT:
        return [cell]
    code = copy.deepcopy(cell)
    code.outputs = []
    groups: list[list] = [[]]
    for output in cell.outputs:
        candidate = _outputs_cell(cell, [*groups[-1], output], 0)
        if groups[-1] and estimated_height(candidate) > CONTENT_HEIGHT:
            groups.append([])
        groups[-1].append(output)
    return [code] + [_outputs_cell(cell, group, k) for k, group in enumerate(groups)]


def _outputs_cell(cell: nbformat.NotebookNode, outputs: list, k: int) -> nbformat.NotebookNode:
    part = copy.deepcopy(cell)
    part.outputs = copy.deepcopy(outputs)
    part.id = f"{cell.get('id', 'cell')}-outputs-{k}"
    part.metadata["tags"] = [*cell.metadata.get("tags", []), OUTPUTS_ONLY]
    part.metadata["slideshow"] = {"slide_type": "-"}
    return part


def plan_slides(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``notebook`` whose slides fit a 1280 x 720 screen: a heading still starts a
    slide, a cell that would not fit under what precedes it starts a new sub-slide, and a
    markdown cell taller than a slide is cut between paragraphs."""
    planned = copy.deepcopy(notebook)
    planned.cells = [
        part
        for cell in planned.cells
        for piece in _split_long_markdown(cell)
        for part in _split_code_from_outputs(piece)
    ]
    used = 0.0
    for cell in planned.cells:
        slideshow = cell.metadata.setdefault("slideshow", {})
        kind = slideshow.get("slide_type", "-")
        if kind in ("skip", "notes"):
            continue
        height = estimated_height(cell)
        if kind in ("slide", "subslide"):
            used = height
        elif used + height > CONTENT_HEIGHT and used > 0:
            slideshow["slide_type"] = "subslide"
            used = height
        else:
            used += height
    return planned


def slides_html(notebook: nbformat.NotebookNode, name: str) -> str:
    """The slides of one (executed or not) notebook, as a page that loads only ``_static/``."""
    from nbconvert import SlidesExporter

    exporter = SlidesExporter(
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        template_name=TEMPLATE,
        reveal_url_prefix=f"{STATIC}/reveal.js",
        reveal_theme="white",
    )
    html, _ = exporter.from_notebook_node(
        plan_slides(notebook), resources={"metadata": {"name": name}}
    )
    return html


def build_slides(notebooks: list[Path], out_dir: Path, execute: bool = True) -> list[Path]:
    """Write ``out_dir/<name>.slides.html`` for each lesson (executed first if ``execute``),
    with the offline assets; return the pages written. A lesson is its source
    ``course/NN_topic.py`` (the slides then carry its speaker notes) or a notebook."""
    if not notebooks:
        raise ValueError("build_slides expects at least one notebook path, got none")
    missing = [str(path) for path in notebooks if not Path(path).is_file()]
    if missing:
        raise ValueError(f"build_slides: no such lesson file {missing}: run make notebooks first")
    out_dir.mkdir(parents=True, exist_ok=True)
    copy_assets(out_dir)
    pages = []
    for path in notebooks:
        if Path(path).suffix == ".py":
            notebook = build_notebook(Path(path), speaker_notes=True)
        else:
            notebook = nbformat.read(path, as_version=4)
        if execute:
            print(f"executing {path.name} ...", flush=True)
            seconds = run_notebook(notebook)
            print(f"executed {path.name} in {seconds:.0f} s", flush=True)
        page = out_dir / f"{Path(path).stem}.slides.html"
        page.write_text(slides_html(notebook, Path(path).stem), encoding="utf-8")
        print(f"wrote {page}", flush=True)
        pages.append(page)
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lessons", nargs="*", help="e.g. 04 or 04_four_pixel_camera (all if none)")
    parser.add_argument("--no-execute", action="store_true", help="slides without outputs")
    parser.add_argument("--out", type=Path, default=ROOT / "slides")
    args = parser.parse_args(argv)
    notebooks = lesson_sources()
    if args.lessons:
        chosen = [p for p in notebooks if any(p.stem.startswith(k) for k in args.lessons)]
        if not chosen:
            print(f"no lesson matches {args.lessons}; lessons: {[p.stem for p in notebooks]}")
            return 1
        notebooks = chosen
    build_slides(notebooks, args.out, execute=not args.no_execute)
    return 0


if __name__ == "__main__":
    sys.exit(main())
