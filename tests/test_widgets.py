"""helpers.widgets.LiveFigure: redraws on every change and refuses bad parts with a clear error."""

import ipywidgets as widgets
import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers.widgets import LiveFigure


def draw_line(result):
    fig = Figure()
    fig.subplots().plot(result)
    return fig


def slider():
    return widgets.FloatSlider(value=1.0, min=0.0, max=2.0, description="slope")


def test_live_figure_recomputes_and_redraws_on_every_change():
    widget = LiveFigure({"slope": slider()}, lambda slope: slope * np.arange(3), draw_line)
    assert list(widget.result) == [0.0, 1.0, 2.0]
    first = widget.figure
    widget.controls["slope"].value = 2.0
    assert list(widget.result) == [0.0, 2.0, 4.0]
    assert isinstance(widget.figure, Figure) and widget.figure is not first


def test_buttons_act_on_the_widget():
    def double(live):
        live.controls["slope"].value *= 2

    widget = LiveFigure(
        {"slope": slider()}, lambda slope: slope * np.ones(2), draw_line, buttons={"x2": double}
    )
    widget.buttons["x2"].click()
    assert list(widget.result) == [2.0, 2.0]


def compute(slope):
    return slope * np.arange(3)


def not_a_figure(result):
    return result


def an_axes(result):
    return Figure().subplots()


BAD_LIVE_FIGURES = {
    "controls None": (lambda: LiveFigure(None, compute, draw_line), "dict"),
    "controls a list": (lambda: LiveFigure([slider()], compute, draw_line), "dict"),
    "controls empty": (lambda: LiveFigure({}, compute, draw_line), "at least one control"),
    "control a number": (lambda: LiveFigure({"slope": 1.0}, compute, draw_line), "ipywidgets"),
    "control a button": (
        lambda: LiveFigure({"slope": widgets.Button()}, compute, draw_line),
        "ipywidgets",
    ),
    "control name not text": (lambda: LiveFigure({1: slider()}, compute, draw_line), "name"),
    "compute None": (lambda: LiveFigure({"slope": slider()}, None, draw_line), "compute"),
    "compute an array": (
        lambda: LiveFigure({"slope": slider()}, np.arange(3), draw_line),
        "compute.*function",
    ),
    "compute without the control's name": (
        lambda: LiveFigure({"slope": slider()}, lambda rate: rate, draw_line),
        "compute.*slope",
    ),
    "draw None": (lambda: LiveFigure({"slope": slider()}, compute, None), "draw.*function"),
    "draw returns the result": (
        lambda: LiveFigure({"slope": slider()}, compute, not_a_figure),
        "matplotlib Figure.*ndarray",
    ),
    "draw returns axes": (
        lambda: LiveFigure({"slope": slider()}, compute, an_axes),
        "matplotlib Figure.*Axes",
    ),
    "buttons a list": (
        lambda: LiveFigure({"slope": slider()}, compute, draw_line, buttons=[print]),
        "buttons.*dict",
    ),
    "button None": (
        lambda: LiveFigure({"slope": slider()}, compute, draw_line, buttons={"go": None}),
        "needs a function",
    ),
}


@pytest.mark.parametrize("call, message", BAD_LIVE_FIGURES.values(), ids=BAD_LIVE_FIGURES.keys())
def test_bad_parts_get_a_value_error_naming_what_was_expected(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_a_draw_that_goes_wrong_later_is_reported_on_that_change():
    def draw_until_negative(result):
        return draw_line(result) if result[1] >= 0 else None

    widget = LiveFigure(
        {"slope": widgets.FloatSlider(value=1.0, min=-1.0, max=1.0)}, compute, draw_until_negative
    )
    with pytest.raises(ValueError, match="matplotlib Figure"):
        widget.controls["slope"].value = -1.0
