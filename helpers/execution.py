"""Execute a lesson notebook as CI and students do, for the benchmarks and the slides.

A fresh kernel of the course (``python3``), an empty working directory and an empty HOME (no
Keras or matplotlib caches). The kernel talks over Unix sockets in its own temporary folder
(``transport="ipc"``): no TCP ports to collide when several kernels start at once, and no
"running over TCP without encryption" warning.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient


def ipc_kernel_manager(folder: Path) -> KernelManager:
    """A manager for the course kernel that talks over Unix sockets kept in ``folder``."""
    return KernelManager(
        kernel_name="python3", transport="ipc", connection_file=str(folder / "kernel.json")
    )


def run_notebook(notebook: nbformat.NotebookNode, timeout: int = 900) -> float:
    """Execute ``notebook`` in place in a fresh kernel, from an empty working directory with an
    empty HOME; return the seconds it took."""
    if not isinstance(notebook, nbformat.NotebookNode) or "cells" not in notebook:
        raise ValueError(
            "run_notebook expects a notebook read with nbformat.read, got "
            f"{type(notebook).__name__}"
        )
    with (
        tempfile.TemporaryDirectory() as workdir,
        tempfile.TemporaryDirectory() as home,
        tempfile.TemporaryDirectory() as sockets,
    ):
        client = NotebookClient(
            notebook,
            km=ipc_kernel_manager(Path(sockets)),
            timeout=timeout,
            resources={"metadata": {"path": workdir}},
        )
        start = time.perf_counter()
        client.execute(env={**os.environ, "HOME": home})
        return time.perf_counter() - start
