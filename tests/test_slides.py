"""The lessons as static slides for a lecture hall with no network (helpers/build_slides.py).

- Planning (no browser): headings start slides; what would not fit a 1280 x 720 slide moves to
  a sub-slide; a long markdown cell is cut between paragraphs (never inside math or code), a long
  table under its repeated header, a tall code cell's outputs follow it.
- In a real headless Chromium with every request that would leave the machine blocked and
  recorded: each lesson's slides render as slides (one at a time, navigable), math is typeset
  by the local MathJax, no slide is taller than the screen (measured for every slide of every
  lesson, and for a lesson executed with its plots), and nothing was fetched from the network.
"""

from __future__ import annotations

import jupytext
import nbformat
import pytest

from helpers import build_slides
from helpers.build_notebooks import build_notebook, lesson_sources, notebook_path
from tests.browser import lab as browser_lab

EXECUTED_LESSON = "01a_activations"  # slides with its real plots, numbers and math


def markdown(source, slide_type=None):
    cell = nbformat.v4.new_markdown_cell(source)
    if slide_type:
        cell.metadata["slideshow"] = {"slide_type": slide_type}
    return cell


def slide_types(notebook):
    return [c.metadata.get("slideshow", {}).get("slide_type", "-") for c in notebook.cells]


# ------------------------------------------------------------ planning


def test_short_cells_stay_under_their_heading_and_a_heading_starts_a_slide():
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        markdown("## One", "slide"),
        markdown("A short paragraph."),
        nbformat.v4.new_code_cell("x = 1"),
        markdown("## Two", "slide"),
    ]
    assert slide_types(build_slides.plan_slides(notebook)) == ["slide", "-", "-", "slide"]


def test_what_would_not_fit_starts_a_sub_slide():
    notebook = nbformat.v4.new_notebook()
    code = "\n".join(f"x{i} = {i}" for i in range(15))  # about 385 pixels each
    notebook.cells = [markdown("## One", "slide")] + [
        nbformat.v4.new_code_cell(code) for _ in range(3)
    ]
    planned = build_slides.plan_slides(notebook)
    assert slide_types(planned) == ["slide", "-", "subslide", "subslide"]
    assert slide_types(notebook) == ["slide", "-", "-", "-"], "the notebook itself is unchanged"


def test_a_long_markdown_cell_is_cut_between_paragraphs_never_inside_math():
    math = "$$\na = b\n\nc = d\n$$"  # a blank line inside display math
    paragraphs = [f"Paragraph {i}. " + "word " * 150 for i in range(6)]
    cell = markdown("\n\n".join([paragraphs[0], math, *paragraphs[1:]]))
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [markdown("## Long", "slide"), cell]
    planned = build_slides.plan_slides(notebook)
    parts = planned.cells[1:]
    assert len(parts) >= 3 and all(p.metadata["slideshow"]["slide_type"] == "subslide"
                                   for p in parts[1:])  # fmt: skip
    assert any(math in p.source for p in parts), "display math kept whole"
    text = "\n\n".join(p.source for p in parts)
    assert all(paragraph in text for paragraph in paragraphs), "nothing lost"
    assert len({p.id for p in planned.cells}) == len(planned.cells), "ids stay unique"


def test_a_long_table_is_cut_into_tables_under_the_same_header():
    header = ["| remedy | what it does |", "|---|---|"]
    rows = [f"| remedy {i} | " + "a long explanation " * 6 + "|" for i in range(30)]
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [markdown("## Table", "slide"), markdown("\n".join(header + rows))]
    parts = build_slides.plan_slides(notebook).cells[1:]
    assert len(parts) >= 2
    assert all(p.source.startswith("\n".join(header)) for p in parts)
    assert [row for p in parts for row in p.source.splitlines()[2:]] == rows, "every row, once"


def test_a_tall_code_cell_shows_its_outputs_on_the_next_sub_slide():
    cell = nbformat.v4.new_code_cell("\n".join(f"line_{i} = {i}" for i in range(20)))
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"image/png": "iVBOR", "text/plain": "Fig"})
    ]
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [markdown("## Plot", "slide"), cell]
    code, outputs = build_slides.plan_slides(notebook).cells[1:]
    assert code.outputs == [] and outputs.outputs == cell.outputs
    assert build_slides.OUTPUTS_ONLY in outputs.metadata["tags"]
    html = build_slides.slides_html(notebook, "plot")
    assert html.count("line_19") == 1, "the code is shown once, above the outputs"


def test_speaker_notes_are_in_the_slides_but_not_in_the_students_notebook(tmp_path):
    source = tmp_path / "99_notes.py"
    source.write_text(
        "# %% [markdown]\n# # A lesson\n\n"
        '# %% [markdown] tags=["notes"]\n# Ask the room what a tensor is.\n\n'
        "# %%\nx = 1\n",
        encoding="utf-8",
    )
    student = build_notebook(source)
    assert all("Ask the room" not in c.source for c in student.cells)
    (page,) = build_slides.build_slides([source], tmp_path / "slides", execute=False)
    html = page.read_text(encoding="utf-8")
    assert html.count('<aside class="notes">') == 1 and "Ask the room" in html


def test_a_code_cell_tagged_notes_is_refused(tmp_path):
    source = tmp_path / "99_notes.py"
    source.write_text('# %% tags=["notes"]\nx = 1\n', encoding="utf-8")
    for speaker_notes in (True, False):  # never dropped silently from the students' notebook
        with pytest.raises(ValueError, match="only markdown cells can be tagged notes"):
            build_notebook(source, speaker_notes=speaker_notes)


def test_bad_input_names_what_was_expected(tmp_path):
    with pytest.raises(ValueError, match="at least one notebook"):
        build_slides.build_slides([], tmp_path)
    with pytest.raises(ValueError, match="make notebooks"):
        build_slides.build_slides([tmp_path / "missing.ipynb"], tmp_path)


# ------------------------------------------------------------ in a browser, offline

MEASURE = """async () => {
  await new Promise(done => MathJax.Hub.Queue(done));
  const slides = [];
  for (const slide of Reveal.getSlides()) {
    const where = Reveal.getIndices(slide);
    Reveal.slide(where.h, where.v);
    slides.push({
      where: [where.h, where.v],
      height: slide.scrollHeight,
      shown: document.querySelectorAll('.reveal .slides section.present:not(.stack)').length,
      math: MathJax.Hub.getAllJax(slide).length,
      typeset: slide.querySelectorAll('.MathJax, .MathJax_Display').length,
      raw_math: /\\$\\$|\\\\frac|\\\\sum_/.test(slide.innerText),
    });
  }
  return slides;
}"""


@pytest.fixture(scope="module")
def chromium():
    with browser_lab.chromium() as browser:
        yield browser


def slide_measures(chromium, page_path):
    """Open a slides page with every non-file request blocked; measure each slide."""
    page = chromium.new_page(viewport={"width": 1280, "height": 720})
    leaving: list[str] = []

    def offline(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            leaving.append(route.request.url)
            route.abort()

    page.route("**/*", offline)
    page.goto(page_path.as_uri())
    page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=60_000)
    slides = page.evaluate(MEASURE)
    page.close()
    return slides, leaving


def lesson_math_count(source):
    return sum(
        cell.source.count("$")
        for cell in nbformat.read(notebook_path(source), 4).cells
        if cell.cell_type == "markdown" and "solution" not in cell.metadata.get("tags", [])
    )


def test_every_lesson_renders_as_slides_offline_with_math_and_none_taller_than_the_screen(
    chromium, tmp_path
):
    sources = lesson_sources()
    pages = build_slides.build_slides(sources, tmp_path, execute=False)
    for source, page_path in zip(sources, pages, strict=True):
        slides, leaving = slide_measures(chromium, page_path)
        name = source.stem
        assert leaving == [], f"{name}: requests left the machine: {leaving[:5]}"
        assert len(slides) >= 10, f"{name}: {len(slides)} slides"
        assert all(s["shown"] == 1 for s in slides), f"{name}: one slide at a time"
        too_tall = [(s["where"], s["height"]) for s in slides if s["height"] > 720]
        assert too_tall == [], f"{name}: slides taller than 720 pixels: {too_tall}"
        if lesson_math_count(source) >= 4:
            assert sum(s["math"] for s in slides) >= 2, f"{name}: no math found by MathJax"
            assert sum(s["typeset"] for s in slides) >= 2, f"{name}: no typeset math shown"
        assert not any(s["raw_math"] for s in slides), f"{name}: math left as TeX source"
        notes = [c for c in jupytext.read(source).cells if "notes" in c.metadata.get("tags", [])]
        html = page_path.read_text(encoding="utf-8")
        assert html.count('<aside class="notes">') == len(notes), f"{name}: speaker notes"
        print(f"{name}: {len(slides)} slides, tallest {max(s['height'] for s in slides)} px")


def test_an_executed_lesson_fits_with_its_plots_and_numbers(chromium, tmp_path):
    (page_path,) = build_slides.build_slides(
        [next(s for s in lesson_sources() if s.stem == EXECUTED_LESSON)],
        tmp_path,
    )
    html = page_path.read_text()
    assert html.count("data:image/png;base64") >= 5, "the lesson's plots are in the slides"
    slides, leaving = slide_measures(chromium, page_path)
    assert leaving == []
    too_tall = [(s["where"], s["height"]) for s in slides if s["height"] > 720]
    assert too_tall == [], f"slides taller than 720 pixels: {too_tall}"
    print(f"{EXECUTED_LESSON} executed: {len(slides)} slides")
