"""Interactive explorations: thin ipywidgets wrappers over pure functions.

Each builder returns a :class:`LiveFigure`: controls above a figure that is recomputed and
redrawn whenever a control changes. The numbers behind the latest drawing are in ``.result``
and the figure in ``.figure``, so tests drive a widget headlessly by setting
``widget.controls["weight"].value = 3.0`` and asserting on ``widget.result``.
"""

from __future__ import annotations

import inspect
import io
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets
from IPython.display import Image, display
from matplotlib.figure import Figure

from helpers import validation as check


class LiveFigure(widgets.VBox):
    """Controls on top, a matplotlib figure below, redrawn on every change.

    ``compute(**values)`` gets the current value of every control (by name) and returns the
    numbers to show; ``draw(result)`` turns them into a Figure. Both are plain functions.
    ``buttons`` (optional) maps a label to ``action(live_figure)``, run on each click; tests
    press one with ``widget.buttons[label].click()``. Bad parts raise a ``ValueError``; so does
    a ``draw`` that returns something other than a matplotlib Figure.
    """

    def __init__(
        self,
        controls: Mapping[str, widgets.ValueWidget],
        compute: Callable[..., Any],
        draw: Callable[[Any], Figure],
        buttons: Mapping[str, Callable[[LiveFigure], None]] | None = None,
    ) -> None:
        _check_parts(controls, compute, draw, buttons)
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
        figure = self._draw(self.result)
        if not isinstance(figure, Figure):
            raise ValueError(
                "LiveFigure: draw must return a matplotlib Figure (e.g. Figure() or a plotting "
                f"function's result; for Axes return ax.figure), got a {type(figure).__name__}"
            )
        self.figure = figure
        # Turned into PNG here, as drawn: Jupyter's default would first crop the figure
        # (bbox_inches="tight"), which draws it twice and makes every update ~60% slower.
        # Fast PNG compression: about a sixth of an update's time at the default level, for
        # files under 10% larger.
        png = io.BytesIO()
        figure.savefig(png, format="png", pil_kwargs={"compress_level": 1})
        with self.output:
            self.output.clear_output(wait=True)
            display(Image(png.getvalue(), format="png"))


def _check_parts(controls: Any, compute: Any, draw: Any, buttons: Any) -> None:
    """Refuse anything LiveFigure cannot use, with a ValueError naming what it expected."""
    expected = "a dict {name: ipywidgets control} with at least one control, e.g. "
    if not isinstance(controls, Mapping) or not controls:
        raise ValueError(
            f"LiveFigure: controls must be {expected}{{'rate': widgets.FloatSlider()}}, "
            f"got {check.describe(controls)}"
        )
    for name, control in controls.items():
        check.text(name, "LiveFigure: each control's name")
        if not isinstance(control, widgets.ValueWidget):
            raise ValueError(
                f"LiveFigure: control {name!r} must be an ipywidgets control with a value (a "
                f"slider, dropdown, checkbox ...), got {check.describe(control)}"
            )
    check.function(compute, "LiveFigure: compute")
    check.function(draw, "LiveFigure: draw")
    try:
        signature = inspect.signature(compute)
    except (TypeError, ValueError):  # some built-ins have none: nothing to check
        signature = None
    if signature is not None:
        try:
            signature.bind(**dict.fromkeys(controls))
        except TypeError as error:
            raise ValueError(
                f"LiveFigure: compute must accept one keyword argument per control, named "
                f"{list(controls)} ({error})"
            ) from None
    if buttons is not None and not isinstance(buttons, Mapping):
        raise ValueError(
            f"LiveFigure: buttons must be a dict {{label: action}}, got {check.describe(buttons)}"
        )
