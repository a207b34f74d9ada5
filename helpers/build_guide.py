"""Write the instructors' guide, ``course/INSTRUCTORS.md``, from the lessons themselves.

Per lesson: its CPU time (the README's lesson table, measured by ``make bench``), its slides
(as ``make slides`` plans them, counted without outputs), a suggested lecture length, what to
demonstrate live (the lesson's "Explore" sections, where its widgets are), and its exercises
with their worked solutions (the cells tagged ``solution``). Generated, never edited by hand:
``make notebooks`` rewrites it and tests/test_guide.py checks that it is up to date.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import jupytext
import nbformat

from helpers.build_assignments import POINTS_PER_EXERCISE
from helpers.build_notebooks import ROOT, build_notebook, lesson_sources
from helpers.build_slides import plan_slides

GUIDE = ROOT / "course" / "INSTRUCTORS.md"
MINUTES_PER_SLIDE = 1.5  # a rule of thumb for a lecture that runs the code live

INTRODUCTION = f"""# Instructors' guide

Generated from the lessons by `make notebooks` (helpers/build_guide.py): do not edit by hand.

## Presenting

- **Static slides, offline.** `make slides` executes every lesson and writes
  `slides/NN_topic.slides.html`: reveal.js slides with the lesson's plots and numbers, typeset
  math, and no network needed (reveal.js and MathJax are copied next to the pages from
  packages the requirements install). Copy the `slides/` folder to the lecture laptop and open
  a page in any browser. Keys: arrows to move, `F` full screen, `S` speaker view, `Esc` the
  overview. `make slides LESSONS="04 05"` builds some lessons only. Every slide fits a
  1280 x 720 screen (tests/test_slides.py measures each one in a browser): long sections
  continue on sub-slides (arrow down), long code scrolls inside its box. Widgets need a live
  kernel, so the static slides show the cell that builds them.
- **Live, with widgets.** Open the lesson in JupyterLab (`make lab`), run it (Run > Run All
  Cells), then use View > Presentation Mode (larger fonts, no side bars) and Simple Interface
  (one notebook at a time) and scroll through it: every widget works. `jupyterlab-rise` is
  installed too (the slideshow button in the notebook's toolbar shows the lesson as live
  reveal.js slides whose code cells run), but with ipywidgets 8 it shows widgets as text
  (upstream issues jupyterlab-contrib/rise#119 and #126): present the widget sections from the
  notebook itself.
- **On a GPU.** `make lab REQUIREMENTS=requirements-gpu.txt` installs TensorFlow with CUDA;
  the lessons are unchanged, and where more training would help each lesson names the constant
  to raise (e.g. `EPOCHS`) at its top.

## Grading with nbgrader

`make assignments` (or `make assignments LESSONS="04 05"`) writes an nbgrader course folder,
`grading/`: its `nbgrader_config.py`, each lesson in `source/NN_topic/` (the instructors'
version, with the solutions between `### BEGIN SOLUTION` and `### END SOLUTION`), and the
students' copy in `release/NN_topic/`, made by `nbgrader generate_assignment`. In the students'
copy each exercise is an answer cell holding the lesson's starter code, followed by a locked
test cell that asserts the lesson's own check and is worth {POINTS_PER_EXERCISE} point; the
collapsed solutions and the speaker notes are not in it. To grade, in `grading/` with the
course's environment on the PATH (`source ../.venv/bin/activate`):

1. put each student's notebook in `submitted/<student>/NN_topic/NN_topic.ipynb`;
2. `nbgrader autograde NN_topic` runs every submission top to bottom (a lesson takes its CPU
   time below, per student) and grades the test cells; a failing check's hint is its message;
3. `nbgrader export` writes every mark to `grades.csv`.

tests/test_assignments.py does exactly this for lesson 00: the solutions typed into the answer
cells get full marks, the untouched starters get none. nbgrader's own JupyterLab menus are
switched off in the course's JupyterLab so that students do not meet them; an instructor who
wants the formgrader runs `jupyter server extension enable --sys-prefix
nbgrader.server_extensions.formgrader` and `jupyter labextension enable @jupyter/nbgrader`.

## Lessons

The suggested lecture time is the number of slides times {MINUTES_PER_SLIDE} minutes, a rule of
thumb for a lecture that runs the code live; the CPU time is what Run All takes on a 2-core
laptop.
"""


def _cpu_times(readme: Path) -> dict[str, str]:
    """{"04": "0.5 min", ...} from the README's lesson table."""
    times = {}
    for line in readme.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| (\d\d[a-z]?) \|.*\| ([\d.]+ min) \|$", line)
        if match:
            times[match.group(1)] = match.group(2)
    return times


def count_slides(notebook: nbformat.NotebookNode) -> int:
    """Slides and sub-slides of ``notebook`` as ``make slides`` plans them (without outputs)."""
    planned = plan_slides(notebook)
    return sum(
        c.metadata.get("slideshow", {}).get("slide_type") in ("slide", "subslide")
        for c in planned.cells
    )


def lesson_section(source: Path, cpu_times: dict[str, str]) -> str:
    """The guide's section for one lesson."""
    cells = jupytext.read(source, fmt="py:percent").cells
    title = next(
        c.source.lstrip("# ").split("\n", 1)[0]
        for c in cells
        if c.cell_type == "markdown" and c.source.startswith("# ")
    )
    number = source.stem.split("_", 1)[0]
    slides = count_slides(build_notebook(source))
    headings = [
        line[3:].strip()
        for c in cells
        if c.cell_type == "markdown"
        for line in c.source.splitlines()
        if line.startswith("## ")
    ]
    demos = [h for h in headings if "explore" in h.lower()] or ["(no widget section)"]
    lines = [
        f"### {number}: {title}",
        "",
        f"- Notebook: `notebooks/{source.stem}.ipynb`; CPU time: "
        f"{cpu_times.get(number, 'not measured yet')}.",
        f"- Slides: {slides} (without outputs); suggested lecture: about "
        f"{round(slides * MINUTES_PER_SLIDE / 5) * 5} minutes.",
        f"- Demonstrate live: {'; '.join(demos)}.",
        "",
    ]
    exercise_title = None
    for cell in cells:
        if cell.cell_type == "markdown":
            titles = [line[4:] for line in cell.source.splitlines() if line.startswith("### Ex")]
            exercise_title = titles[-1] if titles else exercise_title
        if "solution" in cell.metadata.get("tags", []):
            lines += [
                f"**{exercise_title or 'Exercise'}**: answer",
                "",
                "```python",
                cell.source.strip(),
                "```",
                "",
            ]
    return "\n".join(lines)


def render_guide(root: Path = ROOT) -> str:
    """The text of the instructors' guide."""
    cpu_times = _cpu_times(root / "README.md")
    sections = [lesson_section(source, cpu_times) for source in lesson_sources(root)]
    return INTRODUCTION + "\n" + "\n".join(sections).rstrip() + "\n"


def main(root: Path = ROOT) -> int:
    """Rewrite the guide if it differs from what the lessons generate."""
    text = render_guide(root)
    guide = root / "course" / "INSTRUCTORS.md"
    if not guide.exists() or guide.read_text(encoding="utf-8") != text:
        guide.write_text(text, encoding="utf-8")
        print(f"wrote {guide.relative_to(root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
