"""Lesson 08, part 2 (weather_forecasting): the year's plot, the forecast explorer widget and
the exercise checks."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from helpers import checks
from helpers import validation as check
from helpers.widgets import LiveFigure

HOUR = np.timedelta64(1, "h")


def _hourly_times(times: Any, what: str) -> np.ndarray:
    """``times`` as a datetime64[h] array of consecutive hours, or a ValueError naming the fix."""
    array = np.asarray(times) if times is not None else np.array([])
    if array.ndim != 1 or array.size < 2 or array.dtype.kind != "M":
        raise ValueError(
            f"{what} expects times as a 1-D datetime64 array of at least 2 hours, got "
            f"{check.describe(times)}; pass the times that load_nyc_weather returns"
        )
    array = array.astype("datetime64[h]")
    if np.any(np.diff(array) != HOUR):
        raise ValueError(f"{what} expects consecutive hours (one value per hour, no gaps)")
    return array


def _series(values: Any, length: int, what: str, name: str) -> np.ndarray:
    array = check.finite_array(what, name, values)
    if array.shape != (length,):
        raise ValueError(
            f"{what} expects {name} of shape ({length},) like times, got {array.shape}"
        )
    return array


# ------------------------------------------------------------ the year


def plot_temperature_year(
    times: np.ndarray, temperature: np.ndarray, boundaries: Sequence[int], week_start: int = 0
) -> Figure:
    """The temperature over the year, shaded by period (training, validation, test), and one week.

    ``boundaries``: the two hour indices where validation and test begin; ``week_start``: the
    hour index where the close-up week (168 hours) begins.
    """
    times = _hourly_times(times, "plot_temperature_year")
    temperature = _series(temperature, len(times), "plot_temperature_year", "temperature")
    if (
        isinstance(boundaries, str)
        or not isinstance(boundaries, Sequence)
        or len(boundaries) != 2
        or not all(isinstance(b, int | np.integer) for b in boundaries)
        or not 0 < boundaries[0] < boundaries[1] < len(times)
    ):
        raise ValueError(
            "plot_temperature_year expects boundaries as two hour indices (validation start, "
            f"test start), increasing, inside the series; got {boundaries!r}"
        )
    week_start = check.number(week_start, "plot_temperature_year: week_start", integer=True)
    if not 0 <= week_start <= len(times) - 168:
        raise ValueError(
            f"week_start must be an hour index from 0 to {len(times) - 168}, got {week_start}"
        )
    fig = Figure(figsize=(11, 3.4), layout="constrained")
    year, week = fig.subplots(1, 2, gridspec_kw={"width_ratios": [2.2, 1]})
    edges = [0, *boundaries, len(times) - 1]
    for number, name in enumerate(("training", "validation", "test")):
        low, high = edges[number], edges[number + 1]
        color = f"C{number}"
        year.plot(
            times[low : high + 1], temperature[low : high + 1], color=color, lw=0.5, label=name
        )
    year.set(ylabel="temperature (°C)", title=f"hourly temperature from {str(times[0])[:10]} (UTC)")
    year.legend(loc="lower center", ncols=3, fontsize=8)
    span = slice(week_start, week_start + 168)
    week.plot(times[span], temperature[span], "-", color="C0", lw=1)
    week.set(title=f"one week from {str(times[week_start])[:10]}", ylabel="°C")
    for ax in (year, week):
        ax.tick_params(axis="x", labelsize=8, rotation=30)
    return fig


# ------------------------------------------------------------ the forecast explorer


def forecast_view(
    times: np.ndarray,
    temperature: np.ndarray,
    now_hours: np.ndarray,
    forecasts: Mapping[str, np.ndarray],
    window_hours: int,
    horizon: int,
    index: int,
) -> dict[str, Any]:
    """What the explorer shows for the ``index``-th forecast: its input window, truth, forecasts.

    ``now_hours``: the hour index at which each forecast is made (the last hour of its input
    window); ``forecasts``: ``{name: predicted temperature}``, one value per entry of
    ``now_hours``, for the hour ``now + horizon``. Returns the hours and temperatures of the
    window and of the following ``horizon`` hours, the truth and each forecast.
    """
    what = "forecast_view"
    times = _hourly_times(times, what)
    temperature = _series(temperature, len(times), what, "temperature")
    now_hours = check.numbers(now_hours, f"{what}: now_hours", "hour indices (n,)")
    if now_hours.ndim != 1 or now_hours.size == 0 or now_hours.dtype.kind not in "iu":
        raise ValueError(f"{what} expects now_hours as a non-empty 1-D array of hour indices")
    window_hours = check.number(window_hours, f"{what}: window_hours", integer=True, positive=True)
    horizon = check.number(horizon, f"{what}: horizon", integer=True, positive=True)
    if now_hours.min() < window_hours - 1 or now_hours.max() + horizon >= len(times):
        raise ValueError(
            f"{what}: each forecast needs its {window_hours}-hour window and the hour {horizon} "
            "hours later inside the series; check now_hours"
        )
    check.mapping(forecasts, f"{what}: forecasts", "{name: one forecast per entry of now_hours}")
    index = check.index(index, len(now_hours), f"{what}: index")
    now = int(now_hours[index])
    values = {}
    for name, predicted in forecasts.items():
        predicted = check.finite_array(what, f"the forecasts of {name!r}", predicted)
        if predicted.shape != now_hours.shape:
            raise ValueError(
                f"{what}: forecasts[{name!r}] has shape {predicted.shape}; expected one value per "
                f"forecast, {now_hours.shape}"
            )
        values[name] = float(predicted[index])
    past = np.arange(now - window_hours + 1, now + 1)
    future = np.arange(now + 1, now + horizon + 1)
    return {
        "now": times[now],
        "past_hours": past - now,
        "past": temperature[past],
        "future_hours": future - now,
        "future": temperature[future],
        "truth": float(temperature[now + horizon]),
        "horizon": horizon,
        "forecasts": values,
    }


def draw_forecast(view: Mapping[str, Any]) -> Figure:
    """Draw a :func:`forecast_view`: the window, what came next, each forecast and its error."""
    needed = {
        "now",
        "past_hours",
        "past",
        "future_hours",
        "future",
        "truth",
        "horizon",
        "forecasts",
    }
    if not isinstance(view, Mapping) or not needed <= set(view):
        raise ValueError("draw_forecast expects the dict that forecast_view returns")
    fig = Figure(figsize=(9.5, 3.6))
    # fixed margins, not a constrained layout: the layout pass doubled the time of a redraw
    ax = fig.subplots(gridspec_kw={"left": 0.07, "right": 0.63, "bottom": 0.14, "top": 0.91})
    ax.plot(view["past_hours"], view["past"], "-", color="0.3", label="input window")
    ax.plot(view["future_hours"], view["future"], ":", color="0.5", label="what came next")
    horizon = view["horizon"]
    ax.plot([horizon], [view["truth"]], "k*", ms=13, label=f"truth: {view['truth']:.1f} °C")
    for number, (name, value) in enumerate(view["forecasts"].items()):
        error = value - view["truth"]
        ax.plot(
            [horizon + 1.5 + 1.2 * number],
            [value],
            "o",
            color=f"C{number}",
            label=f"{name}: {value:.1f} °C (error {error:+.1f})",
        )
    ax.axvline(0, color="0.6", lw=0.8)
    ax.set(
        xlabel="hours from the forecast time",
        ylabel="temperature (°C)",
        title=f"forecast made at {str(view['now'])[:13]}:00 UTC for {horizon} hours later",
    )
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5))
    return fig


def forecast_explorer(
    times: np.ndarray,
    temperature: np.ndarray,
    now_hours: np.ndarray,
    forecasts: Mapping[str, np.ndarray],
    window_hours: int,
    horizon: int,
) -> LiveFigure:
    """Pick a day and an hour of the test period; see the input window, the truth and forecasts.

    Arguments as for :func:`forecast_view`; ``now_hours`` must be consecutive hours.
    """
    forecast_view(times, temperature, now_hours, forecasts, window_hours, horizon, 0)  # checks
    if np.any(np.diff(now_hours) != 1):
        raise ValueError("forecast_explorer expects now_hours as consecutive hour indices")
    times = np.asarray(times).astype("datetime64[h]")
    first = times[now_hours[0]]
    first_day = first.astype("datetime64[D]")
    days = int((times[now_hours[-1]].astype("datetime64[D]") - first_day).astype(int)) + 1
    controls = {
        "day": widgets.IntSlider(
            value=min(7, days - 1),
            min=0,
            max=days - 1,
            description="day of the test period",
            continuous_update=False,
        ),
        "hour": widgets.IntSlider(
            value=12, min=0, max=23, description="hour (UTC)", continuous_update=False
        ),
    }

    def compute(day: int, hour: int) -> dict[str, Any]:
        wanted = first_day + np.timedelta64(day, "D") + np.timedelta64(hour, "h")
        index = int(np.clip((wanted - first).astype(int), 0, len(now_hours) - 1))
        return forecast_view(times, temperature, now_hours, forecasts, window_hours, horizon, index)

    return LiveFigure(controls, compute, draw_forecast)


# ------------------------------------------------------------ exercise 1: the baseline's error


def _persistence_error(temperature: np.ndarray, horizon: int, mistake: str = "") -> float:
    if mistake == "roll":
        error = np.roll(temperature, -horizon) - temperature
    else:
        shift = horizon + {"one hour more": 1, "one hour less": -1}.get(mistake, 0)
        error = temperature[shift:] - temperature[:-shift]
    if mistake == "no abs":
        return float(np.mean(error))
    if mistake == "squared":
        return float(np.mean(error**2))
    if mistake == "rmse":
        return float(np.sqrt(np.mean(error**2)))
    return float(np.mean(np.abs(error)))


_PERSISTENCE_HINTS = {
    "roll": "np.roll wraps around: the last hours get compared with the first ones of the "
    "series. Slice instead, so that only pairs of hours inside the series count",
    "no abs": "you averaged the signed errors, so warmer and colder errors cancel: take the "
    "absolute value of each error first",
    "squared": "that is the mean squared error (in °C²); the MAE averages absolute errors",
    "rmse": "that is the root mean squared error; the MAE averages absolute errors",
    "one hour more": "you compare hours that are horizon + 1 apart",
    "one hour less": "you compare hours that are horizon - 1 apart",
}


def exercise_persistence_mae(
    persistence_mae: Callable[[np.ndarray, int], Any], temperature: np.ndarray
) -> checks.Verdict:
    """Exercise 08b.1: ``persistence_mae(temperature, horizon)`` is the no-change forecast's MAE."""
    name = "the no-change forecast's error"
    if persistence_mae is None:
        return checks.verdict(name, "persistence_mae is None: define the function")
    temperature = check.finite_array("exercise_persistence_mae", "temperature", temperature)
    if temperature.ndim != 1 or temperature.size < 50:
        raise ValueError(
            "exercise_persistence_mae expects the lesson's hourly temperatures, shape (hours,)"
        )
    for horizon in (24, 6, 1):
        want = _persistence_error(temperature, horizon)
        got, problem = checks.attempt(persistence_mae, temperature.copy(), horizon)
        if problem:
            return checks.verdict(name, f"persistence_mae(temperature, {horizon}): {problem}")
        got, problem = checks.number_answer(got, "persistence_mae returned None: forgot `return`?")
        if problem:
            return checks.verdict(name, problem)
        if np.isclose(got, want, rtol=1e-6, atol=1e-9):
            continue
        for mistake, hint in _PERSISTENCE_HINTS.items():
            if np.isclose(got, _persistence_error(temperature, horizon, mistake), rtol=1e-6):
                return checks.verdict(name, f"horizon {horizon}: {hint}")
        return checks.verdict(
            name,
            f"persistence_mae(temperature, {horizon}) = {got:.4g}, not the mean absolute "
            f"difference between the temperatures {horizon} hours apart",
        )
    return checks.verdict(name, None)


# ------------------------------------------------------------ exercise 2: six hours ahead


def exercise_six_hours(
    model: Any, x_val: np.ndarray, change_val: np.ndarray, temperature_val: np.ndarray
) -> checks.Verdict:
    """Exercise 08b.2: a model forecasting the 6-hour change beats "no change" by 15% or more.

    ``x_val``: validation windows (n, steps, features); ``change_val``: the true change in °C
    6 hours after each window; ``temperature_val``: the hourly temperatures of the validation
    period, to confirm that the changes are 6-hour changes.
    """
    name = "beat the no-change forecast six hours ahead"
    temperature_val = check.finite_array("exercise_six_hours", "temperature_val", temperature_val)
    if model is None:
        return checks.verdict(name, "model is None: build and train a model first")
    if not hasattr(model, "predict"):
        return checks.verdict(name, f"expected a Keras model, got {type(model).__name__}")
    try:
        x_val = check.finite_array("exercise_six_hours", "x_val", x_val)
        change_val = check.finite_array("exercise_six_hours", "change_val", change_val).ravel()
    except ValueError as error:
        return checks.verdict(name, str(error))
    if x_val.ndim != 3 or len(x_val) != len(change_val):
        return checks.verdict(
            name,
            f"x_val must be windows of shape (n, steps, features) with one change each; got "
            f"{x_val.shape} and {change_val.shape}",
        )
    six_hour = _persistence_error(temperature_val, 6)
    baseline = float(np.mean(np.abs(change_val)))
    if not np.isclose(baseline, six_hour, rtol=0.05):
        return checks.verdict(
            name,
            f"the mean |change| of change_val is {baseline:.2f} °C, but 6-hour changes in the "
            f"validation period average {six_hour:.2f} °C: make the windows with horizon=6 and "
            "pass the change (future - now), not the temperature",
        )
    predicted, problem = checks.attempt(model.predict, x_val.astype("float32"), verbose=0)
    if problem:
        return checks.verdict(name, f"model.predict(x_val) failed: {problem}")
    predicted = np.asarray(predicted, dtype=float).reshape(len(x_val), -1)
    if predicted.shape[1] != 1 or not np.all(np.isfinite(predicted)):
        return checks.verdict(name, "the model must output one finite number per window")
    mae = float(np.mean(np.abs(predicted[:, 0] - change_val)))
    if mae > 0.85 * baseline:
        return checks.verdict(
            name,
            f"validation MAE {mae:.2f} °C against {baseline:.2f} °C for 'no change': not 15% "
            "better yet. Does the model predict the change (not the temperature), and was it "
            "trained on 6-hour windows for a few epochs?",
        )
    return checks.verdict(name, None)
