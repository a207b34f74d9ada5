"""Time every lesson widget headlessly: seconds per control change, as a student feels them.

Builds each lesson's widget as tests/browser/gallery.py does (small real data), then moves
each control a few times and measures the whole update: compute, draw and the PNG that
LiveFigure sends to the browser. Prints a markdown table.

    python benchmarks/time_widgets.py            # median seconds per change, per control
"""

from __future__ import annotations

import ast
import contextlib
import io
import statistics
import sys
import time
from pathlib import Path

import jupytext

ROOT = Path(__file__).resolve().parent.parent
GALLERY = ROOT / "tests" / "browser" / "gallery.py"


def gallery_widgets() -> dict[str, object]:
    """{name: widget} for every widget the gallery builds (each cell's last expression)."""
    namespace: dict = {}
    found = {}
    for cell in jupytext.read(GALLERY).cells:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        last = tree.body[-1] if tree.body else None
        if isinstance(last, ast.Expr):
            exec(compile(ast.Module(tree.body[:-1], []), "gallery", "exec"), namespace)
            value = eval(compile(ast.Expression(last.value), "gallery", "eval"), namespace)
            name = cell.source.split("GALLERY:")[1].split('"')[0].strip()
            found[name] = value
        else:
            exec(compile(tree, "gallery", "exec"), namespace)
    return found


def next_value(control):
    """Another valid value for a control: the next option, or one step along the slider."""
    options = getattr(control, "options", None)
    if options is not None and not hasattr(control, "step"):
        values = [o[1] if isinstance(o, tuple) else o for o in options]
        if isinstance(control.value, tuple):  # a multiple selection: add or drop one
            extra = [v for v in values if v not in control.value][:1]
            return control.value + tuple(extra) if extra else control.value[:-1]
        return values[(values.index(control.value) + 1) % len(values)]
    if options is not None:  # SelectionSlider
        values = [o[1] if isinstance(o, tuple) else o for o in options]
        return values[(values.index(control.value) + 1) % len(values)]
    step = getattr(control, "step", 1) or 1
    maximum = getattr(control, "max", control.value + step)
    minimum = getattr(control, "min", control.value - step)
    value = control.value + step
    return value if value <= maximum else minimum


def time_change(widget, control, repeats: int = 5) -> float:
    """Median seconds for one change of ``control``: compute, draw and PNG (LiveFigure.update)."""
    seconds = []
    for _ in range(repeats):
        with contextlib.redirect_stdout(io.StringIO()):  # outside Jupyter, display() prints
            start = time.perf_counter()
            control.value = next_value(control)
            seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def main() -> int:
    import matplotlib

    matplotlib.use("agg")
    print("| widget | control | seconds per change (median of 5) |")
    print("|---|---|---:|")
    worst = 0.0
    with contextlib.redirect_stdout(io.StringIO()):
        widgets = gallery_widgets()
    for name, widget in widgets.items():
        for label, control in widget.controls.items():
            if isinstance(control.value, str) and getattr(control, "options", None) is None:
                continue  # a text box (e.g. a kernel typed by hand): no "next" value to try
            seconds = time_change(widget, control)
            worst = max(worst, seconds)
            print(f"| {name} | {label} | {seconds:.3f} |", flush=True)
    print(f"\nslowest change: {worst:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
