"""`make lab` serves the course: JupyterLab starts on notebooks/ with the widget extension.

The test runs the real `make lab` target (the environment is already installed, so make only
starts JupyterLab), on a free port with a known token and an empty HOME.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from jupyter_core.paths import jupyter_config_path
from jupyter_server.extension.config import ExtensionConfigManager

from helpers.build_notebooks import ROOT, lesson_sources


def jupyter(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "jupyter", *args], capture_output=True, text=True, **kwargs
    )


def test_widget_extension_is_installed_and_enabled():
    listing = jupyter("labextension", "list")
    lines = (listing.stdout + listing.stderr).splitlines()
    manager = [line for line in lines if "@jupyter-widgets/jupyterlab-manager" in line]
    assert manager and "enabled" in manager[0], "ipywidgets' JupyterLab extension is missing"


def test_nbgrader_stays_out_of_the_students_lab():
    """Installed for instructors' command line only: no menus, no 4 s grader start-up."""
    page_config = Path(sys.prefix) / "etc" / "jupyter" / "labconfig" / "page_config.json"
    disabled = json.loads(page_config.read_text())["disabledExtensions"]
    assert disabled.get("@jupyter/nbgrader") is True, "run make install again"
    manager = ExtensionConfigManager(read_config_path=jupyter_config_path())
    states = {n: on for n, on in manager.get_jpserver_extensions().items() if "nbgrader" in n}
    assert len(states) == 4 and not any(states.values()), states


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_jupyterlab_serves_the_lesson_notebooks(tmp_path):
    port, token = free_port(), "course-test-token"
    lab_args = f"--no-browser --ServerApp.port={port} --IdentityProvider.token={token}"
    server = subprocess.Popen(
        ["make", "--no-print-directory", "-C", str(ROOT), "lab", f"LAB_ARGS={lab_args}"],
        env={**os.environ, "HOME": str(tmp_path)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # so that terminating it stops make and JupyterLab together
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/contents?token={token}") as response:
                    contents = json.load(response)
                break
            except OSError:
                assert time.monotonic() < deadline, "JupyterLab did not start within 60 s"
                assert server.poll() is None, "JupyterLab exited"
                time.sleep(0.5)
        served = {item["name"] for item in contents["content"]}
        assert served >= {f"{s.stem}.ipynb" for s in lesson_sources()}
        with urllib.request.urlopen(f"{base}/lab?token={token}") as response:
            assert response.status == 200 and "JupyterLab" in response.read().decode()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
