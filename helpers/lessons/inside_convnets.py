"""Lesson 07c (inside_convnets): its plots, the feature-map / Grad-CAM browser and the exercise
checks.

The lesson computes everything that is deep learning (feature maps, gradient ascent, Grad-CAM)
in plain sight; this module draws the results, builds the browser over them and checks the
exercises.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from helpers import checks, datasets, pretrained
from helpers import validation as check
from helpers.widgets import LiveFigure

HEATMAP_COLORS = "jet"  # the usual Grad-CAM colours: blue cold, red hot
FEATURE_COLORS = "viridis"


# ------------------------------------------------------------------ input checks
def _photos(photos: Any, what: str) -> np.ndarray:
    """RGB photos (n, height, width, 3) with values 0..255, as uint8."""
    expected = "RGB photos of shape (n, height, width, 3) with values 0..255"
    array = check.numbers(photos, what, expected)
    if array.ndim != 4 or array.shape[-1] != 3 or 0 in array.shape:
        fix = "; for one photo pass photo[None]" if array.ndim == 3 else ""
        raise ValueError(f"{what}: expected {expected}, got shape {array.shape}{fix}")
    check.finite(array, what)
    if array.min() < 0 or array.max() > 255:
        raise ValueError(
            f"{what}: expected pixel values 0..255, got {array.min():.3g} to {array.max():.3g}; "
            "pass the photos, not the preprocessed network input"
        )
    return np.round(array).astype(np.uint8)


def _maps(values: Any, what: str, ndim: int, expected: str) -> np.ndarray:
    """A finite float array with ``ndim`` axes and no empty axis."""
    array = check.numbers(values, what, expected).astype(float)
    if array.ndim != ndim or 0 in array.shape:
        raise ValueError(f"{what}: expected {expected}, got shape {array.shape}")
    return check.finite(array, what)


def _box(box: Any, size: int, what: str) -> tuple[int, int, int, int]:
    """A box (top, left, bottom, right) of whole pixels inside a size x size image."""
    message = (
        f"{what} must be (top, left, bottom, right) in pixels with 0 <= top < bottom <= {size} "
        f"and 0 <= left < right <= {size}, got {check.describe(box)}"
    )
    if not isinstance(box, Sequence | np.ndarray) or isinstance(box, str) or len(box) != 4:
        raise ValueError(message)
    if not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in box):
        raise ValueError(message)
    top, left, bottom, right = (int(v) for v in box)
    if not (0 <= top < bottom <= size and 0 <= left < right <= size):
        raise ValueError(message + f" = {(top, left, bottom, right)}")
    return top, left, bottom, right


def _top_classes(top: Any, count: int, what: str) -> list[list[tuple[int, str, float]]]:
    """``count`` lists of (class index, name, probability), as decode_predictions gives them."""
    fix = "pass pretrained.decode_predictions(probabilities), one list per photo"
    if not isinstance(top, Sequence) or isinstance(top, str) or len(top) != count:
        raise ValueError(f"{what}: expected {count} lists of (index, name, probability): {fix}")
    rows = []
    for row in top:
        if not isinstance(row, Sequence) or isinstance(row, str) or not row:
            raise ValueError(
                f"{what}: each photo needs a list of (index, name, probability): {fix}"
            )
        parsed = []
        for item in row:
            if not isinstance(item, Sequence) or isinstance(item, str) or len(item) != 3:
                raise ValueError(
                    f"{what}: expected (index, name, probability), got {item!r}: {fix}"
                )
            index, name, probability = item
            check.index(index, pretrained.NUM_CLASSES, f"{what}: class index")
            check.text(name, f"{what}: class name")
            probability = check.number(probability, f"{what}: probability", non_negative=True)
            if probability > 1:
                raise ValueError(f"{what}: probabilities are at most 1, got {probability}: {fix}")
            parsed.append((int(index), name, probability))
        rows.append(parsed)
    return rows


# ------------------------------------------------------------------ plots
def show_top_classes(
    photos: Any, top_classes: Sequence[Sequence[tuple[int, str, float]]], titles: Sequence[str]
) -> Figure:
    """Each photo above a bar chart of its most likely classes (decode_predictions' lists)."""
    photos = _photos(photos, "show_top_classes: photos")
    rows = _top_classes(top_classes, len(photos), "show_top_classes: top_classes")
    titles = check.names(titles, len(photos), "show_top_classes: titles")
    fig = Figure(figsize=(3.3 * len(photos), 5.4), layout="constrained")
    axes = fig.subplots(2, len(photos), squeeze=False, height_ratios=[3, 2])
    for column, (photo, row, title) in enumerate(zip(photos, rows, titles, strict=True)):
        axes[0, column].imshow(photo)
        axes[0, column].set_axis_off()
        axes[0, column].set_title(title)
        ax = axes[1, column]
        probabilities = [p for _, _, p in row]
        ax.barh(range(len(row)), probabilities, color=["C3"] + ["C0"] * (len(row) - 1), alpha=0.45)
        for place, (_, name, probability) in enumerate(row):
            ax.text(0.02, place, f"{name}  {probability:.3f}", va="center", fontsize=9)
        ax.set_xlim(0, 1)
        ax.set_yticks([])
        ax.invert_yaxis()
        ax.set_xlabel("probability")
    return fig


def strongest_channels(maps: Any, count: int) -> np.ndarray:
    """The ``count`` channels of one feature map (height, width, channels) with the highest
    mean activation, strongest first."""
    maps = _maps(maps, "strongest_channels: maps", 3, "one feature map (height, width, channels)")
    count = check.number(count, "strongest_channels: count", integer=True, positive=True)
    if count > maps.shape[-1]:
        raise ValueError(
            f"strongest_channels: asked for {count} channels of a map that has {maps.shape[-1]}"
        )
    return np.argsort(-maps.mean(axis=(0, 1)), kind="stable")[:count]


def show_feature_maps(feature_maps: Mapping[str, Any], channels_per_layer: int = 8) -> Figure:
    """One row per layer: the mean over all its channels, then its strongest channels.

    ``feature_maps`` maps a layer name to that layer's output for ONE photo, shape (height,
    width, channels). Each panel has its own colour scale (yellow high, dark blue low); a
    channel that is the same everywhere is drawn uniformly dark.
    """
    check.mapping(feature_maps, "show_feature_maps: feature_maps", "{layer name: (h, w, c) map}")
    count = check.number(
        channels_per_layer, "show_feature_maps: channels_per_layer", integer=True, positive=True
    )
    fig = Figure(figsize=(1.3 * (count + 1) + 0.6, 1.45 * len(feature_maps)), layout="constrained")
    axes = fig.subplots(len(feature_maps), count + 1, squeeze=False)
    for row, (name, maps) in enumerate(feature_maps.items()):
        maps = _maps(maps, f"show_feature_maps: {name}", 3, "one photo's map (h, w, channels)")
        height, width, channels = maps.shape
        panels = [("mean of all", maps.mean(axis=-1))]
        chosen = strongest_channels(maps, min(count, channels))
        panels += [(f"channel {c}", maps[..., c]) for c in chosen]
        for column, ax in enumerate(axes[row]):
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            if column >= len(panels):
                ax.set_axis_off()
                continue
            title, image = panels[column]
            ax.imshow(image, cmap=FEATURE_COLORS, interpolation="nearest")
            ax.set_title(title, fontsize=8)
        axes[row, 0].set_ylabel(f"{name}\n{height}x{width}x{channels}", fontsize=9)
    return fig


def show_footprints(photo: Any, footprints: Mapping[str, Any]) -> Figure:
    """The photo, dimmed outside each footprint (the pixels a unit depends on), one panel each.

    ``footprints`` maps a title to a boolean mask of the photo's height and width.
    """
    if np.ndim(photo) != 3:
        raise ValueError(
            f"show_footprints expects one photo (height, width, 3), got {check.describe(photo)}"
        )
    photo = _photos(np.asarray(photo)[None], "show_footprints: photo")[0]
    check.mapping(footprints, "show_footprints: footprints", "{title: (height, width) mask}")
    fig = Figure(figsize=(2.6 * len(footprints), 2.9), layout="constrained")
    axes = fig.subplots(1, len(footprints), squeeze=False)[0]
    for ax, (title, mask) in zip(axes, footprints.items(), strict=True):
        mask = np.asarray(mask)
        if mask.dtype != bool or mask.shape != photo.shape[:2]:
            raise ValueError(
                f"show_footprints: footprint {title!r} must be a boolean mask of shape "
                f"{photo.shape[:2]}, got {check.describe(mask)}"
            )
        dimmed = np.where(mask[..., None], photo, photo // 4)
        ax.imshow(dimmed)
        ax.set_title(str(title), fontsize=9)
        ax.set_axis_off()
    return fig


def stretch(image: Any) -> np.ndarray:
    """An image (height, width, 3) of any range scaled to 0..1 for display: its 1st percentile
    becomes 0 and its 99th 1 (the extreme pixels of a gradient-ascent image are clipped)."""
    image = _maps(image, "stretch: image", 3, "an image (height, width, 3)")
    low, high = np.percentile(image, [1, 99])
    return np.clip((image - low) / max(high - low, 1e-8), 0, 1)


def show_patterns(patterns: Mapping[str, Any], channels: Mapping[str, Sequence[int]]) -> Figure:
    """One row per layer of images made by gradient ascent, each titled with its channel.

    ``patterns[layer]``: shape (n, height, width, 3), any range (each image is :func:`stretch`-ed);
    ``channels[layer]``: the n channels they excite.
    """
    check.mapping(patterns, "show_patterns: patterns", "{layer: (n, h, w, 3) images}")
    check.mapping(channels, "show_patterns: channels", "{layer: list of channels}")
    if set(patterns) != set(channels):
        raise ValueError("show_patterns: patterns and channels must have the same layers")
    images = {
        name: _maps(value, f"show_patterns: {name}", 4, "images (n, height, width, 3)")
        for name, value in patterns.items()
    }
    columns = max(len(value) for value in images.values())
    fig = Figure(figsize=(1.7 * columns, 1.9 * len(images)), layout="constrained")
    axes = fig.subplots(len(images), columns, squeeze=False)
    for row, (name, layer_images) in enumerate(images.items()):
        if len(channels[name]) != len(layer_images) or layer_images.shape[-1] != 3:
            raise ValueError(
                f"show_patterns: {name} needs RGB images and one channel per image, got "
                f"{layer_images.shape} and {len(channels[name])} channels"
            )
        for column, ax in enumerate(axes[row]):
            ax.set_axis_off()
            if column < len(layer_images):
                ax.imshow(stretch(layer_images[column]))
                ax.set_title(f"{name} ch {channels[name][column]}", fontsize=8)
    return fig


def _draw_heatmap(
    ax: Any, photo: np.ndarray, heatmap: np.ndarray, title: str = "", box: Any = None
) -> None:
    """The photo with a heatmap (any grid, stretched over the photo, smoothly) on top.

    The heatmap is scaled to its own maximum (red); ``box`` (top, left, bottom, right) is
    drawn as a white frame.
    """
    ax.imshow(photo)
    height, width = photo.shape[:2]
    high = float(heatmap.max()) if heatmap.max() > 0 else 1.0
    ax.imshow(
        heatmap,
        cmap=HEATMAP_COLORS,
        alpha=0.45,
        vmin=0,
        vmax=high,
        interpolation="bilinear",
        extent=(0, width, height, 0),
    )
    if box is not None:
        top, left, bottom, right = box
        frame = (left, top), right - left, bottom - top
        ax.add_patch(Rectangle(*frame, fill=False, color="white", linewidth=2))
    ax.set_title(title, fontsize=9)
    ax.set_axis_off()


def show_heatmaps(
    photos: Any, heatmaps: Any, titles: Sequence[str], boxes: Sequence[Any] | None = None
) -> Figure:
    """Grad-CAM heatmaps over their photos, side by side; optional boxes (or None) per photo."""
    photos = _photos(photos, "show_heatmaps: photos")
    heatmaps = _maps(heatmaps, "show_heatmaps: heatmaps", 3, "heatmaps (n, height, width)")
    if len(heatmaps) != len(photos):
        raise ValueError(f"show_heatmaps got {len(photos)} photos but {len(heatmaps)} heatmaps")
    if heatmaps.min() < 0:
        raise ValueError("show_heatmaps: heatmaps are >= 0 (Grad-CAM ends with a ReLU)")
    titles = check.names(titles, len(photos), "show_heatmaps: titles")
    boxes = [None] * len(photos) if boxes is None else list(boxes)
    if len(boxes) != len(photos):
        raise ValueError(f"show_heatmaps got {len(photos)} photos but {len(boxes)} boxes")
    size = photos.shape[1]
    boxes = [None if b is None else _box(b, size, "show_heatmaps: box") for b in boxes]
    fig = Figure(figsize=(3.2 * len(photos), 3.5), layout="constrained")
    axes = fig.subplots(1, len(photos), squeeze=False)[0]
    for ax, photo, heatmap, title, box in zip(axes, photos, heatmaps, titles, boxes, strict=True):
        _draw_heatmap(ax, photo, heatmap, title, box)
    return fig


# ------------------------------------------------------------------ the browser widget
def browser_view(
    photos: np.ndarray,
    photo_names: Sequence[str],
    feature_maps: Mapping[str, np.ndarray],
    heatmaps: np.ndarray,
    top_classes: Sequence[Sequence[tuple[int, str, float]]],
    photo: str,
    layer: str,
    channel: int,
    rank: int,
) -> dict[str, Any]:
    """What the browser shows for one choice: a photo, one channel of a layer, a Grad-CAM class.

    Nothing is computed but a lookup (the maps are computed beforehand), so every change of a
    control costs only the drawing. ``rank`` 0 is the most likely class. The channel is clipped
    to the layer's channels.
    """
    if photo not in photo_names:
        raise ValueError(f"browser_view: photo must be one of {list(photo_names)}, got {photo!r}")
    if layer not in feature_maps:
        raise ValueError(f"browser_view: layer must be one of {list(feature_maps)}, got {layer!r}")
    index = list(photo_names).index(photo)
    maps = feature_maps[layer][index]
    channel = check.number(channel, "browser_view: channel", integer=True, non_negative=True)
    channel = min(channel, maps.shape[-1] - 1)
    rank = check.index(rank, len(top_classes[index]), "browser_view: rank")
    means = maps.mean(axis=(0, 1))
    class_index, class_name, probability = top_classes[index][rank]
    return {
        "photo": photos[index],
        "photo_name": photo,
        "heatmap": heatmaps[index, rank],
        "class_name": class_name,
        "class_index": class_index,
        "probability": probability,
        "rank": rank,
        "layer": layer,
        "channel": channel,
        "channels": maps.shape[-1],
        "feature_map": maps[..., channel],
        "strength_rank": int((means > means[channel]).sum()),  # 0: the strongest channel
    }


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


_VIEW_KEYS = {"photo", "photo_name", "heatmap", "class_name", "probability", "rank", "layer"}
_VIEW_KEYS |= {"channel", "channels", "feature_map", "strength_rank"}


class _BrowserPanels:
    """The browser's figure, drawn once and then updated in place: a new figure for every
    change would cost more than half of each update (axes and ticks are slow to make)."""

    def __init__(self) -> None:
        self.figure = Figure(figsize=(11, 3.9), dpi=80)  # 80 dpi: a quicker PNG per update
        self.axes = self.figure.subplots(
            1, 3, gridspec_kw={"left": 0.01, "right": 0.99, "top": 0.86, "bottom": 0.02}
        )
        self.artists: dict[str, Any] = {}

    def draw(self, view: Mapping[str, Any]) -> Figure:
        """Show ``view`` (a :func:`browser_view`) and return the figure."""
        missing = _VIEW_KEYS - set(view) if isinstance(view, Mapping) else _VIEW_KEYS
        if missing:
            raise ValueError(
                f"draw_browser_view expects what browser_view returns, missing {sorted(missing)}"
            )
        photo, feature_map = view["photo"], view["feature_map"]
        height, width = feature_map.shape
        positive = np.maximum(feature_map, 0)
        low, high = float(feature_map.min()), float(feature_map.max())
        if not self.artists:  # the first view: make the images; later views replace their data
            size = photo.shape[0]
            for index in (0, 2):
                ax = self.axes[index]
                self.artists[f"photo{index}"] = ax.imshow(photo)
                self.artists[f"heat{index}"] = ax.imshow(
                    np.zeros((2, 2)),
                    cmap=HEATMAP_COLORS,
                    alpha=0.45,
                    interpolation="bilinear",
                    extent=(0, size, size, 0),
                )
                ax.set_axis_off()
            self.artists["map"] = self.axes[1].imshow(
                feature_map, cmap=FEATURE_COLORS, interpolation="nearest"
            )
            self.axes[1].set_xticks([])
            self.axes[1].set_yticks([])
            self.axes[1].grid(False)
        for index, heat in ((0, view["heatmap"]), (2, positive)):
            self.artists[f"photo{index}"].set_data(photo)
            self.artists[f"heat{index}"].set_data(heat)
            self.artists[f"heat{index}"].set_clim(0, float(heat.max()) or 1.0)
        self.artists["map"].set_data(feature_map)
        self.artists["map"].set_extent((-0.5, width - 0.5, height - 0.5, -0.5))
        self.artists["map"].set_clim(low, high if high > low else low + 1)
        rank, strength = view["rank"] + 1, _ordinal(view["strength_rank"] + 1)
        self.axes[0].set_title(
            f"{view['photo_name']}: Grad-CAM for its top-{rank} class\n"
            f"{view['class_name']} ({view['probability']:.3f})",
            fontsize=10,
        )
        self.axes[1].set_title(
            f"{view['layer']}, channel {view['channel']} of {view['channels']}: "
            f"{height}x{width}\n{strength} strongest on this photo",
            fontsize=10,
        )
        self.axes[2].set_title("the channel's positive part over the photo", fontsize=10)
        return self.figure


def draw_browser_view(view: Mapping[str, Any]) -> Figure:
    """Draw a :func:`browser_view`: Grad-CAM over the photo, the chosen feature map alone (its
    own colour scale), and the map's positive part over the photo."""
    return _BrowserPanels().draw(view)


def feature_map_browser(
    photos: Any,
    photo_names: Sequence[str],
    feature_maps: Mapping[str, Any],
    heatmaps: Any,
    top_classes: Sequence[Sequence[tuple[int, str, float]]],
) -> LiveFigure:
    """Browse photos, layers and channels, and the Grad-CAM heatmap of each of the top classes.

    ``photos``: (n, height, width, 3); ``feature_maps``: {layer: outputs for all n photos,
    (n, h, w, channels)}; ``heatmaps``: Grad-CAM maps (n, k, h, w) for each photo's k top
    classes, listed in ``top_classes`` (decode_predictions' lists of k). Everything is
    computed beforehand, so moving a control only redraws.
    """
    photos = _photos(photos, "feature_map_browser: photos")
    n = len(photos)
    photo_names = check.names(photo_names, n, "feature_map_browser: photo_names")
    check.mapping(feature_maps, "feature_map_browser: feature_maps", "{layer: (n, h, w, c) maps}")
    feature_maps = {
        name: _maps(maps, f"feature_map_browser: feature_maps[{name!r}]", 4, "(n, h, w, c)")
        for name, maps in feature_maps.items()
    }
    for name, maps in feature_maps.items():
        if len(maps) != n:
            raise ValueError(
                f"feature_map_browser: feature_maps[{name!r}] has maps of {len(maps)} photos, "
                f"expected {n} (one per photo)"
            )
    top_classes = _top_classes(top_classes, n, "feature_map_browser: top_classes")
    k = len(top_classes[0])
    heatmaps = _maps(heatmaps, "feature_map_browser: heatmaps", 4, f"({n}, {k}, h, w)")
    if heatmaps.shape[:2] != (n, k) or any(len(row) != k for row in top_classes):
        raise ValueError(
            f"feature_map_browser: expected one heatmap per photo and top class, shape "
            f"({n}, {k}, h, w), got {heatmaps.shape}"
        )
    first_layer = next(iter(feature_maps))
    channel = widgets.IntSlider(
        value=0,
        min=0,
        max=feature_maps[first_layer].shape[-1] - 1,
        description="channel",
        continuous_update=False,
    )
    layer = widgets.Dropdown(options=list(feature_maps), value=first_layer, description="layer")

    controls = {
        "photo": widgets.Dropdown(options=photo_names, value=photo_names[0], description="photo"),
        "layer": layer,
        "channel": channel,
        "rank": widgets.Dropdown(
            options=[(f"top-{r + 1}", r) for r in range(k)], value=0, description="Grad-CAM"
        ),
    }

    def compute(photo: str, layer: str, channel: int, rank: int) -> dict[str, Any]:
        return browser_view(
            photos, photo_names, feature_maps, heatmaps, top_classes, photo, layer, channel, rank
        )

    browser = LiveFigure(controls, compute, _BrowserPanels().draw)

    def fit_channel_slider(change: Any) -> None:
        """A layer with fewer channels: shrink the slider without a redraw of its own (the
        layer's change redraws once, with the channel already inside the new range)."""
        channel.unobserve(browser.update, names="value")
        try:
            channel.max = feature_maps[change["new"]].shape[-1] - 1
        finally:
            channel.observe(browser.update, names="value")

    # observers run in the order they were added: put this one before the browser's redraw
    layer.unobserve(browser.update, names="value")
    layer.observe(fit_channel_slider, names="value")
    layer.observe(browser.update, names="value")
    return browser


# ------------------------------------------------------------------ exercise 1: Grad-CAM
def _grad_cam_reference(activations: np.ndarray, gradients: np.ndarray) -> np.ndarray:
    """Grad-CAM's combination step: weights = gradients averaged over the positions, map =
    ReLU of the weighted sum of the channels, scaled so that its maximum is 1."""
    weights = gradients.mean(axis=(0, 1))
    heatmap = np.maximum((activations * weights).sum(axis=-1), 0)
    return heatmap / heatmap.max()


def _normalized(heatmap: np.ndarray) -> np.ndarray:
    high = np.abs(heatmap).max()
    return heatmap / high if high > 0 else heatmap


def _grad_cam_mistakes(activations: np.ndarray, gradients: np.ndarray) -> dict[str, np.ndarray]:
    """What the usual mistakes give, each with the hint that names it."""
    weights = gradients.mean(axis=(0, 1))
    raw = (activations * weights).sum(axis=-1)
    per_position = gradients.mean(axis=-1)  # averaged over the wrong axis
    return {
        "the map has negative values: Grad-CAM keeps only the parts that speak FOR the class "
        "(a ReLU, np.maximum(..., 0)) before scaling": _normalized(raw),
        "use np.maximum(map, 0), not the absolute value: a negative sum argues AGAINST the "
        "class and must not light up": _normalized(np.abs(raw)),
        "the channel weights come from the gradients averaged over the positions (axes 0 and "
        "1), one weight per channel; you averaged over the channels": _normalized(
            np.maximum((activations * per_position[..., None]).sum(axis=-1), 0)
        ),
        "the channel weights come from the gradients, not from the activations": _normalized(
            np.maximum((activations * activations.mean(axis=(0, 1))).sum(axis=-1), 0)
        ),
        "average the gradients over the positions first (one weight per channel), then weigh "
        "each channel's whole map: multiplying activations and gradients position by position "
        "is a different method": _normalized(np.maximum((activations * gradients).sum(-1), 0)),
        "the ReLU comes after the weighted sum, not on the gradients": _normalized(
            np.maximum((activations * np.maximum(gradients, 0).mean(axis=(0, 1))).sum(-1), 0)
        ),
    }


def _grad_cam_examples() -> list[tuple[np.ndarray, np.ndarray]]:
    """Test inputs: ReLU6-like activations (many zeros) and gradients of both signs, of two
    shapes (a 7x7 map of 64 channels, a 5x6 map of 16), each with a positive Grad-CAM cell."""
    rng = np.random.default_rng(7)
    examples = []
    for shape in ((7, 7, 64), (5, 6, 16)):
        activations = np.clip(rng.normal(0.5, 2.0, shape), 0, 6)
        gradients = rng.normal(0.0, 1.0, shape) + rng.normal(0, 1.0, shape[-1])
        examples.append((activations, gradients))
    return examples


def exercise_grad_cam(grad_cam_map: Callable | None) -> checks.Verdict:
    """Exercise 07c.1: ``grad_cam_map(activations, gradients)`` in NumPy, for one photo:
    activations and gradients of shape (height, width, channels) -> heatmap (height, width),
    >= 0, its maximum 1."""
    name = "Grad-CAM's combination step in NumPy"
    if grad_cam_map is None:
        return checks.verdict(name, "grad_cam_map is None: define the function first")
    for activations, gradients in _grad_cam_examples():
        want = _grad_cam_reference(activations, gradients)
        got, problem = checks.attempt(grad_cam_map, activations.copy(), gradients.copy())
        if problem:
            return checks.verdict(name, problem)
        if got is None:
            return checks.verdict(name, "grad_cam_map returned None: did you forget `return`?")
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            return checks.verdict(name, f"expected an array of numbers, got {type(got).__name__}")
        if got.shape != want.shape:
            return checks.verdict(
                name,
                f"for activations of shape {activations.shape} the map should have one value "
                f"per position, shape {want.shape}; got {got.shape} (sum over the channels)",
            )
        if not np.all(np.isfinite(got)):
            return checks.verdict(name, "the map contains NaN or inf")
        if np.allclose(got, want, rtol=1e-5, atol=1e-7):
            continue
        for hint, mistake in _grad_cam_mistakes(activations, gradients).items():
            if np.allclose(got, mistake, rtol=1e-5, atol=1e-7):
                return checks.verdict(name, hint)
        if got.max() > 0 and np.allclose(got / got.max(), want, rtol=1e-5, atol=1e-7):
            return checks.verdict(
                name,
                f"right shape of heat, but scale it so that its maximum is 1 (it is "
                f"{got.max():.3g})",
            )
        return checks.verdict(
            name,
            "the map differs from Grad-CAM's: average the gradients over the positions (one "
            "weight per channel), weigh the activations' channels with them, sum over the "
            "channels, keep the positive part and divide by the maximum",
        )
    return checks.verdict(name, None)


# ------------------------------------------------------------------ exercise 2: map size
def head_shape(height: int, width: int) -> tuple[int, int, int]:
    """The shape of EfficientNet-Lite0's last feature map ``head_relu`` for a height x width
    photo: each of its five stride-2 layers ('same' padding) rounds the size up, ceil(n / 2)."""
    sizes = []
    for size in (height, width):
        size = check.number(size, "head_shape: image size", integer=True, positive=True)
        for _ in range(_stride_two_layers()):
            size = -(-size // 2)
        sizes.append(size)
    return sizes[0], sizes[1], HEAD_CHANNELS


HEAD_CHANNELS = 1280  # head_conv's filters
EXERCISE_PHOTO_SHAPE = (300, 451)  # the cat, as shipped (datasets.load_photo("cat"))


def _stride_two_layers() -> int:
    """The stem and the first block of each stage with a stride of 2 (pretrained.BLOCKS)."""
    return 1 + sum(1 for _, _, stride, *_ in pretrained.BLOCKS if stride == 2)


def exercise_head_shape(answer: Any) -> checks.Verdict:
    """Exercise 07c.2: the shape of head_relu's output (no batch axis) for the cat photo at its
    own size, EXERCISE_PHOTO_SHAPE."""
    name = "the last feature map of a 300 x 451 photo"
    if answer is None:
        return checks.verdict(name, "no answer yet: write a tuple (height, width, channels)")
    if isinstance(answer, str) or not isinstance(answer, Sequence | np.ndarray):
        return checks.verdict(name, f"expected a tuple (height, width, channels), got {answer!r}")
    values = list(answer)
    if not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in values):
        return checks.verdict(name, f"sizes are whole numbers, got {tuple(values)}")
    got = tuple(int(v) for v in values)
    height, width = EXERCISE_PHOTO_SHAPE
    want = head_shape(height, width)
    if got == want:
        return checks.verdict(name, None)
    strides = 2 ** _stride_two_layers()
    hints = {
        (1, *want): "leave out the batch axis: (height, width, channels)",
        (want[1], want[0], want[2]): "height first: the photo is 300 pixels high and 451 wide",
        (height // strides, width // strides, want[2]): "a stride-2 layer with 'same' padding "
        "rounds UP: 75 rows become 38, not 37 (the last row gets a window of its own)",
        (7, 7, want[2]): "7 x 7 is the map of a 224 x 224 input: this photo is 300 x 451 and "
        "nothing resizes it",
        (*want[:2], 320): "head_relu comes after head_conv, which turns block 15's 320 channels "
        "into 1280",
        (*head_shape(height, width)[:2], 1000): "1000 is the number of classes, after the "
        "pooling and the Dense layer; head_relu is the feature map before them",
    }
    for skipped in (1, -1):  # one stride-2 layer too few or too many
        factor = strides // 2 if skipped == 1 else strides * 2
        guess = (-(-height // factor), -(-width // factor), want[2])
        hints.setdefault(
            guess,
            "count the layers with stride 2: the stem and the first block of four stages; "
            "each halves the height and the width",
        )
    general = (
        "follow the height and the width through every stride-2 layer (pretrained.BLOCKS "
        "lists the strides), rounding up; the channels are head_conv's"
    )
    return checks.verdict(name, hints.get(got, general))


# ------------------------------------------------------------------ exercise 3: an espresso
ESPRESSO = 967  # the ImageNet class index of "espresso"
ESPRESSO_PROBABILITY = 0.9  # what the image must reach
DOWNHILL_RANK = 900  # espresso ranked below this: the image went down the espresso score


def _softmax(scores: np.ndarray) -> np.ndarray:
    exponentials = np.exp(scores - scores.max())
    return exponentials / exponentials.sum()


def _probabilities_of(model: Any, image: np.ndarray) -> tuple[np.ndarray | None, str | None]:
    """The model's class probabilities for one preprocessed image, or a hint why there are none."""
    if not callable(model):
        return None, f"pass the lesson's model first, got {check.describe(model)}"
    output, problem = checks.attempt(model, image[None].astype(np.float32))
    if problem:
        return None, f"the model could not take your image: {problem}"
    scores = np.asarray(output, dtype=float).reshape(-1)
    if scores.shape != (pretrained.NUM_CLASSES,):
        return None, f"expected the ImageNet model (1000 outputs), got {scores.shape}"
    is_probability = scores.min() >= 0 and abs(scores.sum() - 1) < 1e-3
    return (scores if is_probability else _softmax(scores)), None


def exercise_espresso(model: Any, image: Any) -> checks.Verdict:
    """Exercise 07c.3: an image grown from noise that ``model`` (the lesson's EfficientNet-Lite0)
    calls espresso with a probability of at least ESPRESSO_PROBABILITY.

    ``image``: one preprocessed image (height, width, 3) with values in [-1, 1].
    """
    name = "an image the network calls espresso"
    if image is None:
        return checks.verdict(name, "no image yet (None): grow one by gradient ascent")
    try:
        image = np.asarray(image, dtype=float)
    except (TypeError, ValueError):
        return checks.verdict(name, f"expected an image array, got {check.describe(image)}")
    if image.ndim == 4 and image.shape[0] == 1:
        return checks.verdict(name, "pass one image (height, width, 3), without the batch axis")
    if image.ndim != 3 or image.shape[-1] != 3 or min(image.shape[:2]) < 32:
        return checks.verdict(
            name,
            f"expected one RGB image (height, width, 3) of 32 pixels or more, got {image.shape}",
        )
    if not np.all(np.isfinite(image)):
        return checks.verdict(name, "the image contains NaN or inf: did a step divide by zero?")
    if image.min() < -1 - 1e-6 or image.max() > 1 + 1e-6:
        return checks.verdict(
            name,
            f"the network's inputs lie in [-1, 1] (what pretrained.preprocess makes), yours "
            f"from {image.min():.3g} to {image.max():.3g}: clip the image after each step and "
            "pass it as the network takes it",
        )
    coffee = pretrained.preprocess(_resized_coffee(image.shape[:2]))
    if np.corrcoef(image.ravel(), coffee.ravel())[0, 1] > 0.5:
        return checks.verdict(
            name, "your image looks like the coffee photo: start from faint noise instead"
        )
    probabilities, problem = _probabilities_of(model, image)
    if problem:
        return checks.verdict(name, problem)
    p_espresso, top = probabilities[ESPRESSO], int(np.argmax(probabilities))
    if top != ESPRESSO:
        names = pretrained.imagenet_class_names()
        rank = int(np.sum(probabilities > p_espresso)) + 1  # 1: the most likely class
        hint = (
            f"the network calls your image {names[top]!r} ({probabilities[top]:.2f}); espresso "
            f"(class {ESPRESSO}) comes {_ordinal(rank)} of 1000"
        )
        if rank > DOWNHILL_RANK:  # faint noise ranks it 280-350, 3 steps downhill 950-999
            hint += (
                ", among the least likely classes: your steps went downhill. Did you subtract "
                "the gradient? Gradient ascent adds it"
            )
        else:
            hint += ": climb the score of class 967 (espresso), and take more steps"
        return checks.verdict(name, hint)
    if p_espresso < ESPRESSO_PROBABILITY:
        return checks.verdict(
            name,
            f"espresso comes first, with {p_espresso:.3f}: keep climbing (more steps) until it "
            f"reaches {ESPRESSO_PROBABILITY}",
        )
    return checks.verdict(name, None)


def _resized_coffee(size: tuple[int, int]) -> np.ndarray:
    """The coffee photo as the network sees it (padded square), resized to ``size``."""
    from PIL import Image

    square = pretrained.resize_for_model(datasets.load_photo("coffee"))
    resized = Image.fromarray(square).resize((size[1], size[0]), Image.Resampling.BILINEAR)
    return np.asarray(resized)
