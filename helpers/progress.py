"""Progress for slow cells: live learning curves for ``fit`` and a bar for loops of many runs.

Any cell that takes more than a few seconds shows that it is working:

- ``model.fit(..., verbose=0, callbacks=[progress.LearningCurves()])`` redraws the loss and
  metrics (training and validation) after each epoch, with the epoch count and time left;
- ``for seed in progress.bar(seeds, "seeds"):`` shows a progress bar with the time left.

Both redraw at most once every ``min_interval`` seconds (and always at the end). A redraw of
the curves costs about 0.1-0.2 s (mostly turning the figure into PNG); the curves also wait at
least nine times as long as their last redraw took, so drawing never takes more than about a
tenth of the training time, even on a slow or busy machine (measured in tests/test_progress.py).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

import ipywidgets as widgets
import keras
from IPython.display import display
from matplotlib.figure import Figure

Item = TypeVar("Item")


def _check_interval(min_interval: float) -> float:
    if not isinstance(min_interval, int | float) or not math.isfinite(min_interval):
        raise ValueError(f"min_interval must be a number of seconds >= 0, got {min_interval!r}")
    if min_interval < 0:
        raise ValueError(f"min_interval must be >= 0 seconds, got {min_interval}")
    return float(min_interval)


def _clock(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


class LearningCurves(keras.callbacks.Callback):
    """A Keras callback that draws the learning curves live while ``fit`` runs.

    ``metrics``: the quantities to plot, one panel each (default: every one ``fit`` logs,
    paired with its ``val_`` twin). ``title``: shown above the curves. The numbers drawn are
    kept in ``.history`` (a dict like ``History.history``) and the latest figure in ``.figure``.
    """

    def __init__(
        self,
        metrics: Sequence[str] | None = None,
        title: str = "training",
        min_interval: float = 2.0,
    ) -> None:
        super().__init__()
        if metrics is not None and (
            isinstance(metrics, str) or not all(isinstance(m, str) for m in metrics) or not metrics
        ):
            raise ValueError(
                f"metrics must be a list of metric names such as ['loss', 'accuracy'], got "
                f"{metrics!r}"
            )
        if not isinstance(title, str):
            raise ValueError(f"title must be a string, got {title!r}")
        self.metrics = list(metrics) if metrics is not None else None
        self.title = title
        self.min_interval = _check_interval(min_interval)
        self.history: dict[str, list[float]] = {}
        self.figure: Figure | None = None
        self._handle: Any = None
        self._started = self._last_draw = self._draw_seconds = 0.0
        self._drawn_epochs = 0

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.history = {}
        self._started = time.perf_counter()
        self._last_draw = -math.inf
        self._drawn_epochs = 0
        self._draw_seconds = 0.0
        self._handle = display(f"{self.title}: starting…", display_id=True)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        for name, value in (logs or {}).items():
            self.history.setdefault(name, []).append(float(value))
        last = epoch + 1 == (self.params or {}).get("epochs")
        # Redraw after min_interval, and never spend more than about a tenth of the time on
        # drawing (on a slow or busy machine a redraw costs more, so it happens less often).
        waited = time.perf_counter() - self._last_draw
        if last or waited >= max(self.min_interval, 9 * self._draw_seconds):
            started = time.perf_counter()
            self._draw(epoch + 1, finished=last)
            self._last_draw = time.perf_counter()
            self._draw_seconds = self._last_draw - started
            self._drawn_epochs = epoch + 1

    def on_train_end(self, logs: dict | None = None) -> None:
        epochs_done = max((len(v) for v in self.history.values()), default=0)
        if epochs_done != self._drawn_epochs:  # stopped early, or the last epoch went undrawn
            self._draw(epochs_done, finished=True)

    def _panels(self) -> list[str]:
        names = self.metrics or [n for n in self.history if not n.startswith("val_")]
        return [n for n in names if n in self.history or f"val_{n}" in self.history]

    def _draw(self, epochs_done: int, finished: bool = False) -> None:
        elapsed = time.perf_counter() - self._started
        total = (self.params or {}).get("epochs") or epochs_done
        panels = self._panels()
        if not panels:
            return
        figure = Figure(figsize=(3.6 * len(panels), 2.6), dpi=80, layout="constrained")
        for ax, name in zip(figure.subplots(1, len(panels), squeeze=False)[0], panels, strict=True):
            for key, style in ((name, "-"), (f"val_{name}", "--")):
                if key in self.history:
                    values = self.history[key]
                    ax.plot(range(1, len(values) + 1), values, style, marker=".", label=key)
            ax.set_xlabel("epoch")
            ax.set_xlim(0.5, max(total, 1) + 0.5)
            ax.set_title(name)
            ax.legend(fontsize="small")
        if finished:
            status = f"done: {epochs_done} epochs in {_clock(elapsed)}"  # all, or stopped early
        else:
            left = elapsed / max(epochs_done, 1) * (total - epochs_done)
            status = f"epoch {epochs_done}/{total}, {_clock(elapsed)} so far, ~{_clock(left)} left"
        figure.suptitle(f"{self.title}: {status}", fontsize="medium")
        self.figure = figure
        if self._handle is not None:
            self._handle.update(figure)


def bar(
    items: Iterable[Item],
    description: str = "",
    total: int | None = None,
    min_interval: float = 0.2,
) -> Iterator[Item]:
    """Yield ``items`` one by one while a progress bar shows how many are done and time left.

    ``total`` is needed only when ``items`` has no length (a generator).
    """
    if items is None or isinstance(items, str):
        raise ValueError(f"bar expects a list or other iterable of items, got {items!r}")
    if not isinstance(description, str):
        raise ValueError(f"description must be a string, got {description!r}")
    min_interval = _check_interval(min_interval)
    if total is None:
        try:
            total = len(items)  # type: ignore[arg-type]
        except TypeError as error:
            raise ValueError(
                "bar needs total=... for items without a length (e.g. a generator)"
            ) from error
    if not isinstance(total, int) or isinstance(total, bool) or total < 0:
        raise ValueError(f"total must be a whole number >= 0, got {total!r}")
    progress = widgets.IntProgress(value=0, min=0, max=max(total, 1), description=description)
    progress.style.description_width = "initial"
    label = widgets.Label(f"0/{total}")
    display(widgets.HBox([progress, label]))
    started = last = time.perf_counter()
    done = 0
    for item in items:
        yield item
        done += 1
        now = time.perf_counter()
        if now - last >= min_interval or done == total:
            left = (now - started) / done * max(total - done, 0)
            progress.value = min(done, total)
            label.value = f"{done}/{total}, {_clock(now - started)} so far, ~{_clock(left)} left"
            last = now
    progress.bar_style = "success"
    label.value = f"{done}/{total} in {_clock(time.perf_counter() - started)}"
