"""Drive JupyterLab in a real headless Chromium, as a student would (used by test_browser.py).

JupyterLab runs from the course's environment with an empty HOME on a free loopback port, serving
a temporary copy of the notebooks (so nothing is ever saved into notebooks/). Playwright for
Python drives Debian's ``chromium`` (Playwright's own browser download is not reachable here).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium")
TOKEN = "course-browser-test"
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"


@contextmanager
def chromium() -> Iterator:
    """A headless Debian Chromium driven by Playwright. Without one, the test is skipped with
    the hint to install it (outside CI) or fails (in CI, ``CI=true``)."""
    import pytest

    if not Path(CHROMIUM).exists():
        message = (
            f"no Chromium at {CHROMIUM}: install Debian's `apt-get install -y chromium` "
            "(or set COURSE_CHROMIUM) to run the real-browser tests"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update",
                  "--no-first-run", "--disable-sync"],
        )  # fmt: skip
        try:
            yield browser
        finally:
            browser.close()


class Lab:
    """A JupyterLab server on 127.0.0.1 serving ``folder``; stop it with :meth:`stop`."""

    def __init__(self, folder: Path, home: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.folder = folder
        self.log = home / "jupyterlab.log"  # the server's own log, read when a test fails
        jupyter = Path(sys.executable).parent / "jupyter"
        self.process = subprocess.Popen(
            [str(jupyter), "lab", "--no-browser", "--allow-root", "--ip=127.0.0.1",
             f"--ServerApp.port={self.port}", f"--IdentityProvider.token={TOKEN}",
             f"--notebook-dir={folder}"],
            env={**os.environ, "HOME": str(home)},
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("w"),
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 90
        while True:
            try:
                self.api("/api/status")
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("JupyterLab exited at start") from None
                if time.monotonic() > deadline:
                    raise TimeoutError("JupyterLab did not start within 90 s") from None
                time.sleep(0.5)

    def api(self, path: str, method: str = "GET"):
        request = urllib.request.Request(f"{self.url}{path}?token={TOKEN}", method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def kernels_idle(self) -> bool:
        try:
            kernels = self.api("/api/kernels")
        except urllib.error.HTTPError as error:
            # Listing kernels while one is still shutting down can fail on the server (500);
            # that is a moment of change, not idleness: ask again.
            if error.code != 500:
                raise
            return False
        return bool(kernels) and all(k["execution_state"] == "idle" for k in kernels)

    def shutdown_kernels(self) -> None:
        """Shut every kernel down; wait until none is listed, so the next test starts clean."""
        for kernel in self.api("/api/kernels"):
            self.api(f"/api/kernels/{kernel['id']}", method="DELETE")
        deadline = time.monotonic() + 60
        while self.api("/api/kernels"):
            if time.monotonic() > deadline:
                raise TimeoutError(f"kernels still listed 60 s after shutdown; see {self.log}")
            time.sleep(0.5)

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def copy_notebooks(sources: list[Path], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for source in sources:
        shutil.copy(source, folder / source.name)


def open_notebook(lab: Lab, page, name: str) -> list[str]:
    """Open ``name`` in a fresh workspace, wait for its kernel; return the tab titles shown."""
    page.goto(f"{lab.url}/lab/tree/{name}?reset&token={TOKEN}")
    page.wait_for_selector(f"{NOTEBOOK} .jp-Cell", timeout=90_000)
    deadline = time.monotonic() + 90
    while not lab.kernels_idle():
        assert time.monotonic() < deadline, "the kernel did not start within 90 s"
        time.sleep(0.5)
    page.wait_for_timeout(1000)
    tabs = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab")
    return [tabs.nth(i).text_content() or "" for i in range(tabs.count())]


def run_all(lab: Lab, page, timeout: float) -> float:
    """Run All from the menu, as a student would; return the seconds until the kernel settled."""
    page.locator(NOTEBOOK).click(position={"x": 5, "y": 5})
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    start = time.monotonic()
    quiet_since = None
    while time.monotonic() - start < timeout:
        running = page.evaluate(
            """sel => [...document.querySelectorAll(sel + ' .jp-InputArea-prompt')]
                      .filter(p => p.textContent.includes('*')).length""",
            NOTEBOOK,
        )
        if running == 0 and lab.kernels_idle():
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since > 2:
                return quiet_since - start
        else:
            quiet_since = None
        time.sleep(0.5)
    raise TimeoutError(f"Run All did not finish within {timeout} s")


INSPECT = """sel => {
  const nb = document.querySelector(sel);
  const text = nb.textContent;
  const mime = m => [...nb.querySelectorAll(`.jp-OutputArea-output[data-mime-type="${m}"]`)]
      .map(e => e.textContent.slice(0, 500));
  const prompts = [...nb.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]
      .map(p => p.textContent.trim());
  return {
    errors: mime('application/vnd.jupyter.error'),
    stderr: mime('application/vnd.jupyter.stderr'),
    executed: prompts.filter(p => /\\[\\d+\\]/.test(p)).length,
    code_cells: prompts.length,
    widget_errors: text.split('Error displaying widget').length - 1
        + text.split('model not found').length - 1,
    widgets: nb.querySelectorAll('.jp-OutputArea-output > .jupyter-widgets').length,
    text: text,
  };
}"""


def inspect(page) -> dict:
    return page.evaluate(INSPECT, NOTEBOOK)


def image_digest(widget) -> str:
    sources = widget.evaluate("e => [...e.querySelectorAll('img')].map(i => i.src).join('|')")
    return hashlib.sha1(sources.encode()).hexdigest() if sources else ""


def wait_for_new_image(lab: Lab, widget, before: str, timeout: float = 60) -> float | None:
    """Seconds until the widget shows a figure other than ``before`` (None if it never does);
    with ``before=""``, until it shows any figure."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if image_digest(widget) not in (before, ""):
            return time.monotonic() - start
        time.sleep(0.05)
    return None


def controls_of(widget) -> list[tuple[str, object]]:
    """(description, locator) of every slider, dropdown, toggle and button of a widget."""
    found = []
    for kind, selector in [
        ("slider", ".widget-slider, .widget-hslider"),
        ("dropdown", ".widget-dropdown select"),
        ("multiple", ".widget-select-multiple select"),
        ("number", ".widget-text input[type=number]"),
        ("checkbox", ".widget-checkbox input"),
        ("button", "button.jupyter-button:not(.widget-toggle-button)"),
    ]:
        items = widget.locator(selector)
        found += [(kind, items.nth(i)) for i in range(items.count())]
    return found


def move(page, kind: str, control) -> str:
    """Change one control as a student would; return what was done."""
    control.scroll_into_view_if_needed()
    if kind == "slider":
        readout = control.locator(".widget-readout").first
        before = readout.text_content()
        control.locator(".noUi-handle").first.focus()
        page.keyboard.press("ArrowRight")
        if readout.text_content() == before:  # at the right end already
            page.keyboard.press("ArrowLeft")
        label = control.locator(".widget-label").first.text_content()
        return f"slider {label!r}: {before} -> {readout.text_content()}"
    if kind == "dropdown":
        count = control.evaluate("s => s.options.length")
        index = control.evaluate("s => s.selectedIndex")
        control.select_option(index=(index + 1) % count)
        return f"dropdown option {index} -> {(index + 1) % count}"
    if kind == "multiple":
        options = control.evaluate("s => [...s.options].map(o => o.value)")
        chosen = control.evaluate("s => [...s.options].filter(o => o.selected).map(o => o.value)")
        extra = [o for o in options if o not in chosen][:1] or []
        wanted = chosen + extra if extra else chosen[:-1]
        control.select_option(value=wanted)
        return f"multiple selection {chosen} -> {wanted}"
    if kind == "number":
        value = int(control.input_value() or 0)
        control.fill(str(value + 1))
        control.press("Enter")
        return f"number {value} -> {value + 1}"
    control.click()
    return f"{kind} {control.text_content() or ''!r}"


def scroll_through(page, visit) -> None:
    """Scroll the notebook from top to bottom, calling ``visit()`` at each screenful.

    JupyterLab attaches and renders cells lazily as they come into view, so what is far below
    is only in the page once it has been scrolled to.
    """
    page.locator(NOTEBOOK).click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+Home")
    scroller = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer")
    previous = -1.0
    while True:
        page.wait_for_timeout(300)
        visit()
        position = scroller.evaluate(
            "e => { e.scrollBy(0, e.clientHeight * 0.8); return e.scrollTop; }"
        )
        if position == previous:
            break
        previous = position


def widget_ids(page) -> list[str]:
    """Model ids of the widgets rendered in the visible part of the notebook."""
    return page.evaluate(
        """sel => [...document.querySelectorAll(sel + ' .jp-OutputArea-output')]
                  .filter(o => o.querySelector(':scope > .jupyter-widgets'))
                  .map(o => o.closest('.jp-Cell').dataset.windowedListIndex || o.textContent)""",
        NOTEBOOK,
    )


def save_and_read(page, path: Path):
    """Save the notebook from the browser (Ctrl+S) and read what JupyterLab wrote."""
    import nbformat

    before = path.stat().st_mtime
    page.locator(NOTEBOOK).click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + 30
    while path.stat().st_mtime == before:
        assert time.monotonic() < deadline, "the notebook was not saved within 30 s"
        time.sleep(0.2)
    time.sleep(0.5)
    return nbformat.read(path, as_version=4)
