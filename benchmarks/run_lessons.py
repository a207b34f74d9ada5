"""Execute every lesson notebook in a fresh kernel and record what it costs and what it reaches.

Each notebook runs top to bottom with nbclient, as a student would run it, from a temporary
working directory with an empty HOME (no caches). After the last cell, one extra cell reads
the figures the lesson's check cells recorded (``helpers.checks.recorded()``) and the kernel's
peak memory. The table goes to benchmarks/RESULTS.md (or RESULTS-gpu.md on a GPU machine).

    python benchmarks/run_lessons.py                   # all lessons
    python benchmarks/run_lessons.py 01a_activations   # some lessons
    python benchmarks/run_lessons.py --keep-executed /tmp/executed   # also save the outputs
    python benchmarks/run_lessons.py --twice           # run each lesson twice, compare figures
                                                       # (all but timings, named "... seconds ...")
    python benchmarks/run_lessons.py --jobs 4 00 01 02 04   # start four lessons at once

Kernels talk to this script over Unix sockets in their own temporary folder (``transport="ipc"``)
rather than TCP ports: with TCP, kernels started together can race for the same free port and a
run then hangs; sockets in separate folders cannot collide. (``--jobs`` is for that check and for
machines with cores to spare; timings are only comparable between serial runs.)
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

from helpers.execution import run_notebook

ROOT = Path(__file__).resolve().parent.parent
MARKER = "__LESSON_BENCHMARK__"
COLLECT_CELL = f"""
import json, resource
import keras, numpy, tensorflow
from helpers import checks
print({MARKER!r} + json.dumps({{
    "figures": checks.recorded(),
    "peak_memory_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "gpus": [d.name for d in tensorflow.config.list_physical_devices("GPU")],
    "versions": {{"tensorflow": tensorflow.__version__, "keras": keras.__version__,
                 "numpy": numpy.__version__}},
}}))
"""


def format_figure(value: float) -> str:
    """Whole numbers in full (669,706, not 6.697e+05); everything else to 4 significant digits."""
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:.4g}"


def is_timing(name: str) -> bool:
    """Figures about seconds measure speed: they vary between runs, unlike every other figure."""
    return "seconds" in name


def run_lesson(path: Path, keep_executed: Path | None = None) -> dict:
    """Execute one notebook in a fresh kernel; return its time, memory and recorded figures."""
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(COLLECT_CELL))
    seconds = run_notebook(notebook)
    last_output = "".join(o.get("text", "") for o in notebook.cells[-1].outputs)
    result = json.loads(last_output.split(MARKER, 1)[1])
    if keep_executed is not None:
        keep_executed.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, keep_executed / path.name)
    return {"lesson": path.stem, "seconds": seconds, **result}


def markdown_table(results: list[dict]) -> str:
    """RESULTS.md: one summary row per lesson, then the figures each lesson reached."""
    device = ", ".join(results[0]["gpus"]) if results[0]["gpus"] else "CPU only"
    versions = ", ".join(f"{k} {v}" for k, v in results[0]["versions"].items())
    total = sum(r["seconds"] for r in results)
    lines = [
        "# Lesson benchmarks",
        "",
        f"Measured {datetime.date.today()} with `make bench` on {os.cpu_count()} CPU cores "
        f"({platform.machine()}, {platform.system()}), device: {device}; Python "
        f"{platform.python_version()}, {versions}. Each lesson ran top to bottom in a fresh "
        "kernel, from an empty working directory and an empty HOME.",
        "",
        "| lesson | wall time (s) | peak kernel memory (MiB) | figures recorded | "
        "same figures on a second run |",
        "|---|---:|---:|---:|---|",
    ]
    for r in results:
        repeat = r.get("repeatable", "not run")
        if isinstance(repeat, bool):
            repeat = "yes" if repeat else "NO: " + ", ".join(r["differences"])
        lines.append(
            f"| {r['lesson']} | {r['seconds']:.0f} | {r['peak_memory_mib']:.0f} | "
            f"{len(r['figures'])} | {repeat} |"
        )
    lines += [f"| **all lessons** | **{total:.0f}** | | | |", ""]
    for r in results:
        lines += [f"## {r['lesson']}", ""]
        lines += [f"- {name}: {format_figure(value)}" for name, value in r["figures"].items()]
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("lessons", nargs="*", help="lesson names (default: all)")
    parser.add_argument("--output", type=Path, help="where to write the table")
    parser.add_argument("--keep-executed", type=Path, help="folder for the executed notebooks")
    parser.add_argument(
        "--twice", action="store_true", help="run each lesson a second time and compare figures"
    )
    parser.add_argument("--jobs", type=int, default=1, help="lessons run at the same time")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")

    paths = sorted((ROOT / "notebooks").glob("*.ipynb"))
    if args.lessons:
        wanted = set(args.lessons)  # full names, "04", or "09a" for a lesson in parts
        paths = [p for p in paths if {p.stem, p.stem[:2], p.stem.split("_", 1)[0]} & wanted]
    if not paths:
        print("no matching notebooks in notebooks/ (run `make notebooks`)")
        return 1

    def measure(path: Path) -> dict:
        print(f"running {path.name} ...", flush=True)
        result = run_lesson(path, args.keep_executed)
        print(f"  {path.stem}: {result['seconds']:.0f} s, {result['peak_memory_mib']:.0f} MiB")
        if args.twice:
            again = run_lesson(path)["figures"]
            result["differences"] = [
                name for name in result["figures"] | again
                if result["figures"].get(name) != again.get(name) and not is_timing(name)
            ]  # fmt: skip
            result["repeatable"] = not result["differences"]
            print(f"  {path.stem}, second run: {'same' if result['repeatable'] else 'DIFFERENT'}")
        return result

    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(measure, paths))
    output = args.output or ROOT / "benchmarks" / (
        "RESULTS-gpu.md" if results[0]["gpus"] else "RESULTS.md"
    )
    output.write_text(markdown_table(results), encoding="utf-8")
    (output.with_suffix(".json")).write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
