"""Plots of lesson 2 (embeddings)."""

import numpy as np

from helpers.style import GROUP_COLOURS, SMALLEST_TEXT, label_size, new_axes, points

# Where a label may sit relative to its point: (dx, dy) in points, horizontal and vertical alignment.
_LABEL_SPOTS = [
    (6, 4, "left", "bottom"),
    (6, -4, "left", "top"),
    (-6, 4, "right", "bottom"),
    (-6, -4, "right", "top"),
    (0, 8, "center", "bottom"),
    (0, -8, "center", "top"),
    (9, 0, "left", "center"),
    (-9, 0, "right", "center"),
    (14, 14, "left", "bottom"),
    (-14, -14, "right", "top"),
    (14, -14, "left", "top"),
    (-14, 14, "right", "bottom"),
    (0, 20, "center", "bottom"),
    (0, -20, "center", "top"),
    (24, 0, "left", "center"),
    (-24, 0, "right", "center"),
]


def _overlap_area(box, others: np.ndarray) -> float:
    """Total overlap area of `box` (x0, y0, x1, y1) with the rows of `others` (m, 4)."""
    if len(others) == 0:
        return 0.0
    w = np.clip(np.minimum(box[2], others[:, 2]) - np.maximum(box[0], others[:, 0]), 0, None)
    h = np.clip(np.minimum(box[3], others[:, 3]) - np.maximum(box[1], others[:, 1]), 0, None)
    return float((w * h).sum())


def place_labels(ax, xs, ys, labels, colours=None, avoid=(), **text_kwargs) -> list:
    """Write each label next to its point, choosing for each the first nearby spot where it
    overlaps no earlier label, no point, no box in `avoid` (pixel boxes x0, y0, x1, y1) and no
    axes edge (else the least-overlapping spot).
    Call it after the points are drawn and the axes limits are final. Returns the texts."""
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    points = ax.transData.transform(np.column_stack([xs, ys]))  # pixels
    taken = [(x - 4, y - 4, x + 4, y + 4) for x, y in points] + list(avoid)  # markers first
    frame = ax.get_window_extent(renderer)
    scale = fig.dpi / 72.0  # points to pixels
    shift_x = {"left": 0.0, "center": 0.5, "right": 1.0}
    shift_y = {"bottom": 0.0, "center": 0.5, "top": 1.0}
    texts = []
    for i, ((px, py), label) in enumerate(zip(points, labels, strict=True)):
        text = ax.annotate(label, (xs[i], ys[i]), xytext=(0, 0), textcoords="offset points",
                           color=None if colours is None else colours[i], **text_kwargs)
        extent = text.get_window_extent(renderer)
        w, h = extent.width, extent.height
        others = np.array([b for j, b in enumerate(taken) if j != i])
        best, best_cost = None, None
        for dx, dy, ha, va in _LABEL_SPOTS:
            x0 = px + dx * scale - shift_x[ha] * w
            y0 = py + dy * scale - shift_y[va] * h
            box = (x0, y0, x0 + w, y0 + h)
            inside = _overlap_area(box, np.array([[frame.x0, frame.y0, frame.x1, frame.y1]]))
            cost = _overlap_area(box, others) + 3 * (w * h - inside)
            if best is None or cost < best_cost:
                best, best_cost = (dx, dy, ha, va, box), cost
            if cost == 0:
                break
        dx, dy, ha, va, box = best
        text.set_position((dx, dy))
        text.set_horizontalalignment(ha)
        text.set_verticalalignment(va)
        taken.append(box)
        texts.append(text)
    return texts


def _pad_limits(ax, xs, ys, fraction=0.12) -> None:
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    for values, setter in ((xs, ax.set_xlim), (ys, ax.set_ylim)):
        low, high = float(values.min()), float(values.max())
        pad = max(high - low, 1e-6) * fraction
        setter(low - pad, high + pad)


def plot_cities(cities, ax=None):
    """Draw cities (dicts with name, country, latitude, longitude) as a labelled map.

    x = longitude, y = latitude, one colour per country. Returns the axes."""
    ax = new_axes(ax, figsize=(9, 4.5))
    countries = list(dict.fromkeys(c["country"] for c in cities))
    colour_of = {c: GROUP_COLOURS[i % len(GROUP_COLOURS)] for i, c in enumerate(countries)}
    xs = [c["longitude"] for c in cities]
    ys = [c["latitude"] for c in cities]
    for country in countries:
        chosen = [c for c in cities if c["country"] == country]
        ax.scatter(
            [c["longitude"] for c in chosen],
            [c["latitude"] for c in chosen],
            s=60,
            color=colour_of[country],
            label=country,
            zorder=3,
        )
    _pad_limits(ax, xs, ys)
    place_labels(ax, xs, ys, [c["name"] for c in cities], fontsize="medium")
    ax.set_xlabel("longitude (degrees east)")
    ax.set_ylabel("latitude (degrees north)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
    return ax


def plot_word_map(coords, words, groups, ax=None, extra=None, extra_colour=None, title=None):
    """Draw words at their 2D coords (n, 2), one colour per group, labels kept apart.

    `extra`: optional (coords (m, 2), words) drawn on top as larger diamonds in `extra_colour`
    (the explorer's student words). Returns the axes."""
    ax = new_axes(ax, figsize=(9, 6.5))
    coords = np.asarray(coords, dtype=float)
    names = list(dict.fromkeys(groups))
    colour_of = {g: GROUP_COLOURS[i % len(GROUP_COLOURS)] for i, g in enumerate(names)}
    colours = [colour_of[g] for g in groups]
    for g in names:
        rows = [i for i, h in enumerate(groups) if h == g]
        ax.scatter(coords[rows, 0], coords[rows, 1], s=45, color=colour_of[g], label=g, zorder=3)
    all_xy, all_words, all_colours = coords, list(words), colours
    if extra is not None and len(extra[1]):
        extra_xy = np.asarray(extra[0], dtype=float).reshape(-1, 2)
        colour = extra_colour or "#000000"
        ax.scatter(
            extra_xy[:, 0],
            extra_xy[:, 1],
            s=130,
            marker="D",
            color=colour,
            edgecolor="black",
            zorder=4,
            label="your words",
        )
        # the student's words first, so their labels get the free spots
        all_xy = np.vstack([extra_xy, coords])
        all_words = list(extra[1]) + all_words
        all_colours = [colour] * len(extra[1]) + all_colours
    _pad_limits(ax, all_xy[:, 0], all_xy[:, 1])
    place_labels(ax, all_xy[:, 0], all_xy[:, 1], all_words, colours=all_colours, fontsize="medium")
    ax.set_xlabel("PCA component 1")
    ax.set_ylabel("PCA component 2")
    ax.legend(loc="best", fontsize="small", framealpha=0.8)
    if title:
        ax.set_title(title)
    return ax


def _group_ticks(ax, groups) -> None:
    """Name each run of equal `groups` once on the x axis, under its block, and draw a white
    line between blocks on both axes."""
    starts = [i for i, g in enumerate(groups) if i == 0 or g != groups[i - 1]]
    ends = starts[1:] + [len(groups)]
    ax.set_xticks([(a + b - 1) / 2 for a, b in zip(starts, ends, strict=True)],
                  [groups[a] for a in starts])
    for edge in starts[1:]:
        ax.axhline(edge - 0.5, color="white", linewidth=1.5)
        ax.axvline(edge - 0.5, color="white", linewidth=1.5)


def plot_similarity_heatmap(similarities, labels, ax=None, title="cosine similarity", groups=None):
    """Draw a labelled (n, n) similarity matrix with a colour bar. Returns the axes.

    Rows are labelled by `labels`; columns by `labels` too, or, given `groups` (one name per
    label, in blocks), by one group name per block, which leaves the matrix the height it
    needs for every row label to read on a 1200 x 640 px slide at presentation size."""
    made = ax is None
    ax = new_axes(ax, figsize=(8.0, 5.8))
    if made:  # room for a title above, one line of group names below
        ax.figure.subplots_adjust(top=0.93, bottom=0.07 if groups is not None else 0.16)
    similarities = np.asarray(similarities, dtype=float)
    image = ax.imshow(similarities, cmap="viridis", vmin=float(similarities.min()), vmax=1.0)
    ax.grid(False)
    ticks = np.arange(len(labels))
    box = ax.get_position()
    side_in = min(box.width * ax.figure.get_figwidth(), box.height * ax.figure.get_figheight())
    size = label_size(side_in * 72 / len(labels)) or points(SMALLEST_TEXT)
    ax.set_yticks(ticks, labels, fontsize=size)
    if groups is None:
        ax.set_xticks(ticks, labels, rotation=90, fontsize=size)
    else:
        _group_ticks(ax, list(groups))
    ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.03, label=title)
    return ax


def plot_profiles(profiles, ax=None, title="meaning profiles"):
    """Draw {word: {aspect: score}} as grouped bars: one group per word, one bar per aspect.

    Returns the axes."""
    ax = new_axes(ax, figsize=(10, 4.5))
    words = list(profiles)
    aspects = list(next(iter(profiles.values())))
    width = 0.8 / len(aspects)
    positions = np.arange(len(words))
    for k, aspect in enumerate(aspects):
        values = [profiles[w][aspect] for w in words]
        ax.bar(
            positions + (k - (len(aspects) - 1) / 2) * width,
            values,
            width,
            color=GROUP_COLOURS[k % len(GROUP_COLOURS)],
            label=aspect,
        )
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(positions, words)
    ax.set_ylabel("score (cosine with aspect)")
    ax.grid(axis="x", visible=False)
    ax.legend(title="aspect", fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.set_title(title)
    return ax


def plot_position_similarity(similarities, ax=None, title="cosine between position embeddings"):
    """Draw the (p, p) cosine similarities of the first p position embeddings as a heatmap,
    position 0 ([CLS]) at the top left. Returns the axes."""
    ax = new_axes(ax, figsize=(6.5, 5.5))
    similarities = np.asarray(similarities, dtype=float)
    image = ax.imshow(similarities, cmap="viridis", vmin=-1.0, vmax=1.0)
    ax.grid(False)
    ax.set_xlabel("position")
    ax.set_ylabel("position")
    ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.03, label="cosine similarity")
    ax.set_title(title)
    return ax


def plot_position_distance(mean_by_distance, ax=None, title="mean cosine by distance"):
    """Draw the mean cosine between position rows k apart, for k = 1, 2, ... (a 1D sequence).

    Returns the axes."""
    ax = new_axes(ax, figsize=(6.5, 4.5))
    values = np.asarray(mean_by_distance, dtype=float)
    ax.plot(np.arange(1, len(values) + 1), values, color=GROUP_COLOURS[0])
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xlabel("distance between positions (tokens)")
    ax.set_ylabel("mean cosine similarity")
    ax.set_title(title)
    return ax
