"""Lesson 08 part 2 helpers: the year's plot, the forecast explorer (driven headlessly), the
exercise checks (right answers pass, plausible wrong ones get the hint naming the mistake) and
bad input."""

import time

import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers.lessons import weather_forecasting as lesson

HOURS = 400
TIMES = np.datetime64("2013-10-01T00", "h") + np.arange(HOURS)
RNG = np.random.default_rng(0)
# a daily cycle, a slow trend and noise: the shape of real hourly temperatures
TEMPERATURE = (
    10 + 6 * np.sin(2 * np.pi * np.arange(HOURS) / 24) - 0.01 * np.arange(HOURS)
) + RNG.normal(0, 0.5, HOURS)
NOW = np.arange(100, 300)


class FixedModel:
    """Stands for a trained Keras model: predict returns the given outputs."""

    def __init__(self, outputs):
        self.outputs = np.asarray(outputs, dtype="float32").reshape(-1, 1)

    def predict(self, x, verbose=0):
        return self.outputs[: len(x)]


def six_hour_windows(horizon=6):
    now = np.arange(69, HOURS - horizon)
    x = RNG.normal(size=(len(now), 24, 9)).astype("float32")
    return x, (TEMPERATURE[now + horizon] - TEMPERATURE[now]).astype("float32")


# ------------------------------------------------------------ plot and widget


def test_plot_temperature_year_shades_three_periods_and_a_week():
    fig = lesson.plot_temperature_year(TIMES, TEMPERATURE, (200, 300), week_start=10)
    year, week = fig.axes
    assert [line.get_label() for line in year.get_lines()] == ["training", "validation", "test"]
    assert sum(len(line.get_xdata()) for line in year.get_lines()) == HOURS + 2  # shared ends
    assert len(week.get_lines()[0].get_xdata()) == 168
    assert "2013-10-01" in week.get_title()


def test_forecast_view_slices_the_window_the_future_and_the_forecasts():
    forecasts = {"baseline": TEMPERATURE[NOW], "model": TEMPERATURE[NOW] + 1.0}
    view = lesson.forecast_view(TIMES, TEMPERATURE, NOW, forecasts, 72, 24, 5)
    now = NOW[5]
    assert view["now"] == TIMES[now]
    assert view["past_hours"][0] == -71 and view["past_hours"][-1] == 0
    np.testing.assert_array_equal(view["past"], TEMPERATURE[now - 71 : now + 1])
    np.testing.assert_array_equal(view["future"], TEMPERATURE[now + 1 : now + 25])
    assert view["truth"] == TEMPERATURE[now + 24]
    assert view["forecasts"] == {"baseline": TEMPERATURE[now], "model": TEMPERATURE[now] + 1.0}


def test_draw_forecast_labels_each_forecast_with_its_error():
    forecasts = {"baseline": TEMPERATURE[NOW], "model": TEMPERATURE[NOW + 24] + 0.5}
    view = lesson.forecast_view(TIMES, TEMPERATURE, NOW, forecasts, 72, 24, 0)
    fig = lesson.draw_forecast(view)
    assert isinstance(fig, Figure)
    labels = [text.get_text() for text in fig.axes[0].get_legend().get_texts()]
    assert labels[-1].endswith("(error +0.5)")
    assert "2013-10-05T04:00 UTC" in fig.axes[0].get_title()


def test_forecast_explorer_headless_and_fast():
    forecasts = {"baseline": TEMPERATURE[NOW]}
    widget = lesson.forecast_explorer(TIMES, TEMPERATURE, NOW, forecasts, 72, 24)
    assert widget.result["now"] == np.datetime64("2013-10-12T12", "h")  # day 7 of the period
    seconds = []
    for day, hour in [(0, 0), (1, 5), (8, 23)]:
        start = time.process_time()
        widget.controls["day"].value = day
        widget.controls["hour"].value = hour
        seconds.append((time.process_time() - start) / 2)
    assert widget.result["now"] == np.datetime64("2013-10-13T11", "h")  # clipped to the last
    widget.controls["day"].value = 0
    widget.controls["hour"].value = 0
    assert widget.result["now"] == TIMES[NOW[0]]  # before the first forecast: the first one
    assert widget.controls["day"].max == 8
    assert np.median(seconds) < 0.3, seconds


# ------------------------------------------------------------ exercise 1: persistence MAE


def test_persistence_error_reference_by_a_plain_loop():
    errors = [abs(TEMPERATURE[t + 24] - TEMPERATURE[t]) for t in range(HOURS - 24)]
    assert lesson._persistence_error(TEMPERATURE, 24) == pytest.approx(np.mean(errors))


def test_exercise_persistence_mae_passes_the_solution_and_rejects_a_blank(capsys):
    def solution(temperature, horizon):
        return np.mean(np.abs(temperature[horizon:] - temperature[:-horizon]))

    assert lesson.exercise_persistence_mae(solution, TEMPERATURE)
    assert "PASS" in capsys.readouterr().out
    assert not lesson.exercise_persistence_mae(lambda temperature, horizon: None, TEMPERATURE)
    assert "forgot `return`" in capsys.readouterr().out
    assert not lesson.exercise_persistence_mae(None, TEMPERATURE)
    assert not lesson.exercise_persistence_mae(lambda t, h: "2.0", TEMPERATURE)
    assert "expected a number" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        ("roll", "np.roll wraps around"),
        ("no abs", "absolute value of each error"),
        ("squared", "mean squared error"),
        ("rmse", "root mean squared error"),
        ("one hour more", "horizon + 1 apart"),
        ("one hour less", "horizon - 1 apart"),
    ],
)
def test_exercise_persistence_mae_names_each_mistake(capsys, mistake, hint):
    def wrong(temperature, horizon):
        return lesson._persistence_error(temperature, horizon, mistake)

    assert not lesson.exercise_persistence_mae(wrong, TEMPERATURE)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out
    assert f"{lesson._persistence_error(TEMPERATURE, 24):.4g}" not in out  # no answer given


def test_exercise_persistence_mae_other_errors_get_a_general_hint(capsys):
    assert not lesson.exercise_persistence_mae(lambda t, h: 1.234, TEMPERATURE)
    assert "not the mean absolute difference" in capsys.readouterr().out


# ------------------------------------------------------------ exercise 2: six hours ahead


def test_exercise_six_hours_passes_a_model_that_beats_no_change(capsys):
    x, change = six_hour_windows()
    good = FixedModel(0.5 * change)  # errors half the size of "no change"'s
    assert lesson.exercise_six_hours(good, x, change, TEMPERATURE)
    assert "PASS" in capsys.readouterr().out


def test_exercise_six_hours_rejects_the_usual_mistakes(capsys):
    x, change = six_hour_windows()
    assert not lesson.exercise_six_hours(None, None, None, TEMPERATURE)  # the blank starter
    assert "model is None" in capsys.readouterr().out
    untrained = FixedModel(np.zeros(len(change)))
    assert not lesson.exercise_six_hours(untrained, x, change, TEMPERATURE)
    assert "not 15% better yet" in capsys.readouterr().out
    now = np.arange(69, HOURS - 6)
    temperature_not_change = FixedModel(TEMPERATURE[now + 6])
    assert not lesson.exercise_six_hours(temperature_not_change, x, change, TEMPERATURE)
    assert "predict the change (not the temperature)" in capsys.readouterr().out
    x24, change24 = six_hour_windows(horizon=24)  # the lesson's windows, not 6-hour ones
    assert not lesson.exercise_six_hours(FixedModel(0.5 * change24), x24, change24, TEMPERATURE)
    assert "horizon=6" in capsys.readouterr().out
    now = np.arange(69, HOURS - 6)
    assert not lesson.exercise_six_hours(
        FixedModel(0.5 * change), x, TEMPERATURE[now + 6], TEMPERATURE
    )  # the temperature passed as the change
    assert "horizon=6" in capsys.readouterr().out
    assert not lesson.exercise_six_hours(FixedModel(change), x[:, 0], change, TEMPERATURE)
    assert "(n, steps, features)" in capsys.readouterr().out
    assert not lesson.exercise_six_hours("model", x, change, TEMPERATURE)
    assert "expected a Keras model" in capsys.readouterr().out


# ------------------------------------------------------------ bad input

FORECASTS = {"baseline": TEMPERATURE[NOW]}
BAD_CALLS = {
    "times as numbers": (
        lambda: lesson.plot_temperature_year(np.arange(HOURS), TEMPERATURE, (200, 300)),
        "datetime64",
    ),
    "times with a gap": (
        lambda: lesson.plot_temperature_year(np.delete(TIMES, 5), TEMPERATURE[1:], (200, 300)),
        "consecutive hours",
    ),
    "temperature of another length": (
        lambda: lesson.plot_temperature_year(TIMES, TEMPERATURE[:-1], (200, 300)),
        r"shape \(400,\)",
    ),
    "boundaries reversed": (
        lambda: lesson.plot_temperature_year(TIMES, TEMPERATURE, (300, 200)),
        "two hour indices",
    ),
    "week beyond the end": (
        lambda: lesson.plot_temperature_year(TIMES, TEMPERATURE, (200, 300), week_start=390),
        "week_start",
    ),
    "NaN temperature": (
        lambda: lesson.forecast_view(TIMES, np.full(HOURS, np.nan), NOW, FORECASTS, 72, 24, 0),
        "finite",
    ),
    "window before the start": (
        lambda: lesson.forecast_view(TIMES, TEMPERATURE, NOW - 90, FORECASTS, 72, 24, 0),
        "inside the series",
    ),
    "forecasts of another length": (
        lambda: lesson.forecast_view(TIMES, TEMPERATURE, NOW, {"model": np.zeros(3)}, 72, 24, 0),
        "one value per",
    ),
    "no forecasts": (
        lambda: lesson.forecast_view(TIMES, TEMPERATURE, NOW, {}, 72, 24, 0),
        "non-empty dict",
    ),
    "index out of range": (
        lambda: lesson.forecast_view(TIMES, TEMPERATURE, NOW, FORECASTS, 72, 24, 999),
        r"integer in 0\.\.199",
    ),
    "horizon 0": (
        lambda: lesson.forecast_view(TIMES, TEMPERATURE, NOW, FORECASTS, 72, 0, 0),
        "horizon",
    ),
    "draw something else": (lambda: lesson.draw_forecast({"now": 1}), "forecast_view returns"),
    "explorer with gaps in now_hours": (
        lambda: lesson.forecast_explorer(
            TIMES, TEMPERATURE, NOW[::2], {"b": TEMPERATURE[NOW[::2]]}, 72, 24
        ),
        "consecutive hour indices",
    ),
    "persistence check without temperatures": (
        lambda: lesson.exercise_persistence_mae(len, np.zeros(3)),
        "hourly temperatures",
    ),
    "six-hour check with NaN temperatures": (
        lambda: lesson.exercise_six_hours(FixedModel([0.0]), None, None, [np.nan]),
        "finite",
    ),
}


@pytest.mark.parametrize("case", BAD_CALLS)
def test_every_public_helper_rejects_bad_input_with_a_fix(case):
    call, message = BAD_CALLS[case]
    with pytest.raises(ValueError, match=message):
        call()
