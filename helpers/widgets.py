"""Interactive explorations: thin ipywidgets wrappers over pure functions.

Each builder returns a :class:`LiveFigure`: controls above a figure that is recomputed and
redrawn whenever a control changes. The numbers behind the latest drawing are in ``.result``
and the figure in ``.figure``, so tests drive a widget headlessly by setting
``widget.controls["weight"].value = 3.0`` and asserting on ``widget.result``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets
from IPython.display import display
from matplotlib.figure import Figure


class LiveFigure(widgets.VBox):
    """Controls on top, a matplotlib figure below, redrawn on every change.

    ``compute(**values)`` gets the current value of every control (by name) and returns the
    numbers to show; ``draw(result)`` turns them into a Figure. Both are plain functions.
    ``buttons`` (optional) maps a label to ``action(live_figure)``, run on each click; tests
    press one with ``widget.buttons[label].click()``.
    """

    def __init__(
        self,
        controls: Mapping[str, widgets.ValueWidget],
        compute: Callable[..., Any],
        draw: Callable[[Any], Figure],
        buttons: Mapping[str, Callable[[LiveFigure], None]] | None = None,
    ) -> None:
        self.controls = dict(controls)
        self.output = widgets.Output()
        self.result: Any = None
        self.figure: Figure | None = None
        self._compute = compute
        self._draw = draw
        # Optional buttons, shown after the controls: ``{label: action}``; a click calls
        # ``action(self)``, which typically changes a control (and so redraws).
        self.buttons: dict[str, widgets.Button] = {}
        for label, action in (buttons or {}).items():
            if not callable(action):
                raise ValueError(f"LiveFigure button {label!r} needs a function, got {action!r}")
            button = widgets.Button(description=label)
            button.on_click(lambda _button, action=action: action(self))
            self.buttons[label] = button
        for control in self.controls.values():  # show whole labels ("learning rate", not "learn…")
            if hasattr(control, "style") and hasattr(control.style, "description_width"):
                control.style.description_width = "initial"
        row = widgets.HBox(
            [*self.controls.values(), *self.buttons.values()],
            layout=widgets.Layout(flex_flow="row wrap"),
        )
        super().__init__([row, self.output])
        for control in self.controls.values():
            control.observe(self.update, names="value")
        self.update()

    def update(self, change: Any = None) -> None:
        """Recompute and redraw from the controls' current values."""
        values = {name: control.value for name, control in self.controls.items()}
        self.result = self._compute(**values)
        self.figure = self._draw(self.result)
        with self.output:
            self.output.clear_output(wait=True)
            display(self.figure)
