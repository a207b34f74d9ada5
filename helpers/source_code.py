"""Show, in a lesson, the source of code that lives in a helper module.

When a lesson's model must also be built by a training script (weights trained longer than a
lesson can, e.g. ``helpers/data/train_vae.py``), its code lives in the lesson's helper module so
that both use the very same builder; :func:`show` puts that code in plain sight in the notebook.
"""

from __future__ import annotations

import inspect
from typing import Any

from IPython.display import Markdown, display

from helpers import validation as check


def source_of(*objects: Any) -> str:
    """The source code of the given functions or classes, one after another."""
    if not objects:
        raise ValueError("source_code expects at least one function or class, e.g. lesson.VAE")
    for item in objects:
        if not (inspect.isfunction(item) or inspect.isclass(item)):
            raise ValueError(
                f"source_code expects functions or classes, got {check.describe(item)}: pass "
                "the function itself, not the result of calling it"
            )
    return "\n\n".join(inspect.getsource(item) for item in objects)


def show(*objects: Any) -> None:
    """Display the source of functions or classes as highlighted Python."""
    display(Markdown(f"```python\n{source_of(*objects)}```"))
