"""Draw the report's charts: PNG images for Word, interactive plotly charts for HTML.

A :class:`~jiqun.report.model.Chart` is data; this module draws it twice:

* :func:`render_png` — a PNG made with matplotlib's Agg canvas on a private
  :class:`~matplotlib.figure.Figure` (:func:`build_figure`; no pyplot, no change to
  ``matplotlib.rcParams``, safe to call while other code uses matplotlib), every
  text in Noto Sans CJK SC from the ``mplfonts`` package (:mod:`jiqun.report.fonts`), sized for
  an A4 page (15 cm wide by default, so that 8.5–11 pt text stays 8.5–11 pt in Word);
* :func:`plotly_figure` / :func:`html_div` — the same chart as a plotly figure, for the HTML
  report, which embeds :func:`plotly_js` (read from the installed ``plotly`` package) once:
  no CDN, nothing fetched from the internet.

Kinds and axes:

``bar``
    Categories on x (the union of the series' ``x`` in first-seen order); several series are
    grouped side by side; one series gets its values written above the bars.
``hbar``
    Horizontal bars for long Chinese category names (chain segments, peer counties), the first
    category at the top (the order given is kept). ``x_label`` names the value axis, which is
    horizontal here, and the reference lines ``lines`` are drawn vertically on it.
``line``
    Years (or other numbers) on x with integer ticks; ``None`` values leave gaps.
``scatter``
    The presence-vs-relatedness quadrant: ``x`` relatedness density, ``y`` RCA, on a log scale
    when every value (and horizontal line) is positive and they span more than a factor of 3,
    linear otherwise; non-empty ``labels`` are written next to their points (placed so that
    they do not overlap); ``vlines`` and ``lines`` split the quadrants.
``stacked_bar``
    Series stacked per category, counts written inside the segments.

``lines`` are reference lines on the value axis (a target, LQ = 1), ``vlines`` on the x axis;
each is drawn dashed with its label. Numbers carry thousands separators; money arrives already
in 亿元 or 万元 with the unit in the axis label.

An :attr:`~jiqun.report.model.Chart.empty` chart is *rendered*, not refused: a small image that
says "无数据" ("No data" for an English chart) and the chart's note, so that a county with
almost no data still gets a complete document. Writers that prefer to skip it test
``chart.empty`` themselves.
"""

from __future__ import annotations

import html
import io
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ticker import Formatter, LogLocator, MaxNLocator, NullFormatter
from matplotlib.transforms import Bbox, blended_transform_factory

from jiqun.report.fonts import register_cjk_font
from jiqun.report.model import Chart, Series

PLOTLY_FONT_FAMILY = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"
"""CSS font stack of the HTML charts: the same Noto font where installed, else the OS's CJK font."""

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999", "#F0E442")
"""Okabe–Ito colours, distinguishable with colour-vision deficiency and in grey print."""

STACK_PALETTE = ("#0072B2", "#56B4E9", "#E69F00", "#D55E00", "#CC79A7", "#009E73", "#999999", "#F0E442")
"""Stacked series are usually ordered (present → weak → broken → missing): blue to vermillion."""

MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
NO_DATA = {"zh": "无数据", "en": "No data"}

CM = 1 / 2.54
TITLE_PT, LABEL_PT, TICK_PT, NOTE_PT = 11.0, 9.5, 8.5, 8.0
INK, GRID, REFERENCE = "#333333", "#DDDDDD", "#C0392B"
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
_BREAK_AFTER = frozenset("–-~～/、，,；; ")
_DIV_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


# --------------------------------------------------------------------------- numbers and text


def decimals_for(values: Iterable[float], most: int = 4) -> int:
    """The fewest decimals (≤ ``most``) that write every finite value of ``values`` exactly."""
    finite = [v for v in values if v is not None and math.isfinite(v)]
    for digits in range(most + 1):
        if all(abs(round(v, digits) - v) <= 1e-9 * max(1.0, abs(v)) for v in finite):
            return digits
    return most


def format_number(value: float | None, digits: int | None = None) -> str:
    """A number with thousands separators: ``12345.6 → "12,345.6"``, ``None``/NaN → ``""``.

    ``digits`` defaults to the fewest decimals that show the value, at most two.
    """
    if value is None or not math.isfinite(value):
        return ""
    digits = min(decimals_for([value]), 2) if digits is None else digits
    text = f"{value:,.{digits}f}"
    return "0" if re.fullmatch(r"-0(\.0*)?", text) else text


class ThousandsFormatter(Formatter):
    """Tick labels with thousands separators and the same number of decimals on one axis."""

    def __init__(self) -> None:
        self.digits = 0

    def set_locs(self, locs: Sequence[float]) -> None:
        super().set_locs(locs)
        self.digits = decimals_for(locs)

    def __call__(self, x: float, pos: int | None = None) -> str:
        return format_number(x, self.digits)


class LogFormatter(Formatter):
    """Log-axis tick labels, each with the fewest decimals it needs: ``0.05, 0.1, 1, 10``."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        return format_number(x, decimals_for([x]))


class YearFormatter(Formatter):
    """Whole numbers without separators (years: ``2025``, not ``2,025``)."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        return f"{x:.0f}" if abs(x - round(x)) < 1e-9 else ""


def _units(char: str) -> float:
    """Approximate width of a character in ems of a CJK glyph."""
    return 1.0 if _CJK.match(char) else 0.55


def _tokens(text: str) -> list[str]:
    """Split text into CJK characters and Latin words; a space, dash or comma ends its token."""
    tokens: list[str] = []
    open_run = False
    for char in text:
        if char in _BREAK_AFTER and tokens:
            tokens[-1] += char
            open_run = False
        elif _CJK.match(char) or not open_run:
            tokens.append(char)
            open_run = not _CJK.match(char)
        else:
            tokens[-1] += char
    return tokens


def wrap_text(text: str, width: float, max_lines: int | None = None) -> str:
    """Wrap mixed Chinese/Latin ``text`` at ``width`` CJK-glyph widths per line.

    Chinese breaks between any two characters, Latin only between words; a break after a dash,
    slash or comma is preferred when it leaves the line at least 40 % full. With ``max_lines``
    the last kept line ends in "…".
    """
    lines: list[list[str]] = [[]]
    for token in _tokens(text):
        line = lines[-1]
        if line and _width(line) + _width([token]) > width:
            lines[-1], rest = _split_line(line, width)
            lines.append(rest)
        lines[-1].append(token)
    rows = ["".join(line).strip() for line in lines]
    if max_lines is not None and len(rows) > max_lines:
        rows = rows[:max_lines]
        rows[-1] = rows[-1][:-1] + "…"
    return "\n".join(rows)


def _width(tokens: Sequence[str]) -> float:
    return sum(_units(c) for token in tokens for c in token)


def _split_line(line: list[str], width: float) -> tuple[list[str], list[str]]:
    """Break a full line at its last preferred break if that keeps 40 % of it, else at its end."""
    for at in range(len(line) - 1, 0, -1):
        if line[at - 1][-1] in _BREAK_AFTER and _width(line[:at]) >= 0.4 * width:
            return line[:at], line[at:]
    return line, []


def _plain(text: str) -> str:
    """Keep matplotlib from reading ``$…$`` in names as mathematics."""
    return text.replace("$", r"\$")


def chart_lang(chart: Chart) -> str:
    """``"zh"`` when the chart's texts contain Chinese, else ``"en"`` (for the no-data text)."""
    texts = [chart.title, chart.note, chart.x_label, chart.y_label, *(s.name for s in chart.series)]
    return "zh" if any(_CJK.search(t or "") for t in texts) else "en"


def _category(x: Any) -> str:
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)


def categories(series: Sequence[Series]) -> list[str]:
    """The union of the series' x values as category names, in first-seen order."""
    seen: dict[str, None] = {}
    for s in series:
        for x in s.x:
            seen.setdefault(_category(x), None)
    return list(seen)


def _nan(value: Any) -> float:
    return float("nan") if value is None else float(value)


def aligned(s: Series, cats: Sequence[str]) -> np.ndarray:
    """The series' y values in the order of ``cats`` (NaN where the series has none)."""
    by_category = {_category(x): y for x, y in zip(s.x, s.y, strict=True)}
    return np.array([_nan(by_category.get(c)) for c in cats], dtype=float)


def _all_integers(series: Sequence[Series]) -> bool:
    values = [v for s in series for v in s.y if v is not None]
    return bool(values) and all(float(v).is_integer() for v in values)


# --------------------------------------------------------------------------- PNG (matplotlib)


def pixel_width(width_cm: float = 15.0, dpi: int = 200) -> int:
    """The width in pixels of a PNG made by :func:`render_png` with these arguments."""
    return round(width_cm * CM * dpi)


def render_png(chart: Chart, *, dpi: int = 200, width_cm: float = 15.0, title: bool = True) -> bytes:
    """Draw ``chart`` as a PNG image for the Word report.

    Parameters
    ----------
    chart
        The chart; an empty one gives a small "无数据" image with its note.
    dpi
        Resolution; the PNG records it, so Word shows the image ``width_cm`` wide.
    width_cm
        Width of the image on the page; text sizes are true at that width.
    title
        Draw the chart's title above the plot (writers that add a caption turn it off).

    Returns
    -------
    bytes
        The PNG file, exactly :func:`pixel_width` ``(width_cm, dpi)`` pixels wide. The same
        chart gives the same bytes (no timestamp or software tag is written).
    """
    figure = build_figure(chart, width_cm=width_cm, dpi=dpi, title=title)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def build_figure(chart: Chart, *, width_cm: float = 15.0, dpi: int = 200, title: bool = True) -> Figure:
    """The matplotlib figure of ``chart`` on its own Agg canvas (see :func:`render_png`)."""
    family = register_cjk_font()
    if chart.empty:
        return _empty_figure(chart, family, width_cm, dpi, title)
    draw = _DRAW.get(chart.kind)
    if draw is None:
        raise ValueError(f"unknown chart kind {chart.kind!r}: expected one of {', '.join(_DRAW)}")
    figure = _new_figure(width_cm, _height_cm(chart, width_cm), dpi)
    ax = figure.add_subplot()
    _style_axes(ax, family)
    draw(ax, chart, family)
    _axis_labels(ax, chart, family)
    _reference_lines(ax, chart, family)
    if title and chart.title:
        figure.suptitle(
            _plain(wrap_text(chart.title, width_cm / 0.42)), fontsize=TITLE_PT, fontfamily=family, color=INK
        )
    _legend(figure, ax, family)
    if chart.kind == "scatter":
        _label_points(ax, chart, family)
    return figure


def _new_figure(width_cm: float, height_cm: float, dpi: int) -> Figure:
    width_in = pixel_width(width_cm, dpi) / dpi
    figure = Figure(figsize=(width_in, height_cm * CM), dpi=dpi, facecolor="white", layout="constrained")
    figure.get_layout_engine().set(h_pad=0.06, w_pad=0.06)
    FigureCanvasAgg(figure)
    return figure


def _height_cm(chart: Chart, width_cm: float) -> float:
    if chart.kind == "hbar":
        rows = len(categories(chart.series))
        return min(max(6.0, 2.6 + rows * 0.75 * max(1, len(chart.series)) ** 0.5), 22.0)
    ratio = 0.72 if chart.kind == "scatter" else 0.6
    return width_cm * ratio


def _style_axes(ax: Axes, family: str) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#888888")
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=TICK_PT, labelfontfamily=family, colors=INK, length=3)
    for axis in (ax.xaxis, ax.yaxis):
        axis.get_offset_text().set_fontfamily(family)


def _number_axis(axis: Any, integers: bool) -> None:
    if integers:
        axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(ThousandsFormatter())
    axis.grid(True, color=GRID, linewidth=0.6)


def _axis_labels(ax: Axes, chart: Chart, family: str) -> None:
    style = {"fontsize": LABEL_PT, "fontfamily": family, "color": INK}
    if chart.x_label:
        ax.set_xlabel(_plain(chart.x_label), **style)
    if chart.y_label:
        ax.set_ylabel(_plain(chart.y_label), **style)


def _color(index: int, palette: Sequence[str] = PALETTE) -> str:
    return palette[index % len(palette)]


def _ink_on(background: str) -> str:
    """White text on a dark fill, dark text on a light one (relative luminance above 0.5)."""
    red, green, blue = (int(background[k : k + 2], 16) / 255 for k in (1, 3, 5))
    return INK if 0.2126 * red + 0.7152 * green + 0.0722 * blue > 0.5 else "white"


def _category_ticks(ax: Axes, cats: Sequence[str], width_cm: float) -> None:
    """Category names under the bars, wrapped to their slot, slanted when still too long."""
    slot = max((width_cm - 1.8) / max(len(cats), 1) * 0.95 / 0.30, 2.0)
    wrapped = [wrap_text(c, slot) for c in cats]
    if max(w.count("\n") for w in wrapped) < 3:
        ax.set_xticks(range(len(cats)), [_plain(w) for w in wrapped])
        return
    ax.set_xticks(range(len(cats)), [_plain(c) for c in cats])
    ax.tick_params(axis="x", labelrotation=30)
    for label in ax.get_xticklabels():
        label.set(ha="right", rotation_mode="anchor")


def _width_cm(ax: Axes) -> float:
    return ax.figure.get_figwidth() / CM


def _label_digits(values: np.ndarray) -> int:
    """Decimals of the value labels of one chart: fewer as numbers grow, at most two."""
    finite = np.abs(values[np.isfinite(values)])
    largest = float(finite.max()) if finite.size else 0.0
    return min(decimals_for(finite.tolist()), 0 if largest >= 1000 else 1 if largest >= 100 else 2)


def _bar_labels(ax: Axes, container: BarContainer, values: np.ndarray, family: str, **kwargs: Any) -> None:
    digits = _label_digits(values)
    labels = [format_number(v, digits) if math.isfinite(v) else "" for v in values]
    ax.bar_label(container, labels=labels, fontsize=NOTE_PT, fontfamily=family, color=INK, **kwargs)


def _draw_bar(ax: Axes, chart: Chart, family: str) -> None:
    cats = categories(chart.series)
    count = len(chart.series)
    width = 0.8 / count
    positions = np.arange(len(cats), dtype=float)
    show = count * len(cats) <= 24
    for i, s in enumerate(chart.series):
        values = aligned(s, cats)
        offset = (i - (count - 1) / 2) * width
        bars = ax.bar(positions + offset, values, width * 0.92, color=_color(i), label=_plain(s.name))
        if show:
            _bar_labels(ax, bars, values, family, padding=2)
    _category_ticks(ax, cats, _width_cm(ax))
    ax.margins(x=0.03, y=0.12)
    _number_axis(ax.yaxis, _all_integers(chart.series))
    ax.tick_params(axis="x", length=0)


def _draw_hbar(ax: Axes, chart: Chart, family: str) -> None:
    cats = categories(chart.series)
    count = len(chart.series)
    height = 0.8 / count
    positions = np.arange(len(cats), dtype=float)
    for i, s in enumerate(chart.series):
        values = aligned(s, cats)
        offset = (i - (count - 1) / 2) * height
        bars = ax.barh(positions + offset, values, height * 0.9, color=_color(i), label=_plain(s.name))
        _bar_labels(ax, bars, values, family, padding=3)
    ax.set_yticks(positions, [_plain(wrap_text(c, 12, max_lines=3)) for c in cats])
    ax.invert_yaxis()
    ax.margins(x=0.1, y=0.02)
    _number_axis(ax.xaxis, _all_integers(chart.series))
    ax.tick_params(axis="y", length=0)


def _numeric(values: Sequence[Any]) -> np.ndarray:
    return np.array([_nan(v) for v in values], dtype=float)


def _is_numeric(values: Iterable[Any]) -> bool:
    try:
        [_nan(v) for v in values]
    except (TypeError, ValueError):
        return False
    return True


def _draw_line(ax: Axes, chart: Chart, family: str) -> None:
    if not all(_is_numeric(s.x) for s in chart.series):
        _draw_category_line(ax, chart, family)
        return
    for i, s in enumerate(chart.series):
        ax.plot(
            _numeric(s.x),
            _numeric(s.y),
            color=_color(i),
            marker=MARKERS[i % len(MARKERS)],
            markersize=4.5,
            linewidth=1.8,
            label=_plain(s.name),
        )
    years = sorted({float(x) for s in chart.series for x in s.x if x is not None})
    if len(years) <= 12:
        ax.set_xticks(years)
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(YearFormatter())
    ax.margins(x=0.05, y=0.12)
    _number_axis(ax.yaxis, _all_integers(chart.series))


def _draw_category_line(ax: Axes, chart: Chart, family: str) -> None:
    cats = categories(chart.series)
    for i, s in enumerate(chart.series):
        ax.plot(
            range(len(cats)),
            aligned(s, cats),
            color=_color(i),
            marker=MARKERS[i % len(MARKERS)],
            markersize=4.5,
            label=_plain(s.name),
        )
    _category_ticks(ax, cats, _width_cm(ax))
    _number_axis(ax.yaxis, _all_integers(chart.series))


def _points(s: Series) -> list[tuple[float, float, str]]:
    labels = s.labels or [""] * len(s.x)
    return [
        (float(x), float(y), label or "")
        for x, y, label in zip(s.x, s.y, labels, strict=True)
        if x is not None and y is not None and math.isfinite(float(x)) and math.isfinite(float(y))
    ]


def _log_y(chart: Chart) -> bool:
    """Every y value (and horizontal line) positive, spanning more than a factor of 3."""
    values = [y for s in chart.series for _, y, _ in _points(s)] + [v for v, _ in chart.lines]
    return bool(values) and min(values) > 0 and max(values) / min(values) > 3


def _y_scale(chart: Chart) -> str:
    """``log`` (see :func:`_log_y`); ``symlog`` — linear up to 1, logarithmic above — when zeros
    (an absent industry's RCA) sit beside values above 10; else ``linear``."""
    if _log_y(chart):
        return "log"
    values = [y for s in chart.series for _, y, _ in _points(s)]
    return "symlog" if values and min(values) >= 0 and max(values) > 10 else "linear"


def _draw_scatter(ax: Axes, chart: Chart, family: str) -> None:
    for i, s in enumerate(chart.series):
        points = _points(s)
        marker = {"color": _color(i), "marker": MARKERS[i % len(MARKERS)], "s": 22, "linewidths": 0.7}
        ax.scatter(
            [p[0] for p in points],
            [p[1] for p in points],
            alpha=0.8,
            edgecolors="white",
            label=_plain(s.name),
            zorder=3,
            **marker,
        )
        shown = [p for p in points if p[2]]
        if shown:
            ax.scatter([p[0] for p in shown], [p[1] for p in shown], edgecolors="#222222", zorder=4, **marker)
    scale = _y_scale(chart)
    if scale == "log":
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    elif scale == "symlog":
        ax.set_yscale("symlog", linthresh=1.0, linscale=0.6)
    if scale == "linear":
        _number_axis(ax.yaxis, False)
    else:
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.yaxis.set_major_formatter(LogFormatter())
        ax.yaxis.grid(True, color=GRID, linewidth=0.6)
    _number_axis(ax.xaxis, False)
    ax.margins(0.06)


def _draw_stacked_bar(ax: Axes, chart: Chart, family: str) -> None:
    cats = categories(chart.series)
    positions = np.arange(len(cats), dtype=float)
    bottom = np.zeros(len(cats))
    tallest = max(float(np.nansum([aligned(s, cats) for s in chart.series], axis=0).max()), 1e-12)
    for i, s in enumerate(chart.series):
        values = np.nan_to_num(aligned(s, cats))
        bars = ax.bar(
            positions,
            values,
            0.6,
            bottom=bottom,
            color=_color(i, STACK_PALETTE),
            label=_plain(s.name),
            edgecolor="white",
            linewidth=0.6,
        )
        inside = [format_number(v) if v > 0.06 * tallest else "" for v in values]
        ink = _ink_on(_color(i, STACK_PALETTE))
        ax.bar_label(bars, labels=inside, label_type="center", fontsize=NOTE_PT, fontfamily=family, color=ink)
        for patch in bars:
            patch.sticky_edges.y[:] = [0.0]
        bottom = bottom + values
    for x, total in zip(positions, bottom, strict=True):
        ax.annotate(
            format_number(total),
            (x, total),
            xytext=(0, 2),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=NOTE_PT,
            fontfamily=family,
            color=INK,
        )
    _category_ticks(ax, cats, _width_cm(ax))
    ax.margins(x=0.05, y=0.1)
    _number_axis(ax.yaxis, _all_integers(chart.series))
    ax.tick_params(axis="x", length=0)


_DRAW: dict[str, Callable[[Axes, Chart, str], None]] = {
    "bar": _draw_bar,
    "hbar": _draw_hbar,
    "line": _draw_line,
    "scatter": _draw_scatter,
    "stacked_bar": _draw_stacked_bar,
}


def _reference_lines(ax: Axes, chart: Chart, family: str) -> None:
    """Dashed reference lines with their labels: ``lines`` on the value axis, ``vlines`` on x."""
    style = {"fontsize": NOTE_PT, "fontfamily": family, "color": REFERENCE}
    box = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8}
    across = chart.kind == "hbar"
    for value, label in chart.lines:
        _line(ax, value, label, vertical=across, style=style, box=box)
    for value, label in chart.vlines:
        _line(ax, value, label, vertical=True, style=style, box=box)


def _line(ax: Axes, value: float, label: str, *, vertical: bool, style: dict, box: dict) -> None:
    line = {"color": REFERENCE, "linestyle": (0, (4, 3)), "linewidth": 1.0, "zorder": 2}
    if vertical:
        ax.axvline(value, **line)
        where = blended_transform_factory(ax.transData, ax.transAxes)
        ax.text(value, 1.01, _plain(label), transform=where, ha="center", va="bottom", zorder=4, **style)
    else:
        ax.axhline(value, **line)
        where = blended_transform_factory(ax.transAxes, ax.transData)
        ax.text(
            0.99, value, _plain(label), transform=where, ha="right", va="bottom", bbox=box, zorder=4, **style
        )


def _legend(figure: Figure, ax: Axes, family: str) -> None:
    handles, labels = ax.get_legend_handles_labels()
    if len(handles) < 2:
        return
    font = FontProperties(family=family, size=TICK_PT)
    figure.legend(
        handles, labels, loc="outside lower center", ncols=min(len(handles), 4), frameon=False, prop=font
    )


_OFFSETS = tuple(
    (dx * far, dy * far, ha, va)
    for far in (1, 2, 3.5, 5.5)
    for dx, dy, ha, va in (
        (6, 0, "left", "center"),
        (5, 5, "left", "bottom"),
        (-5, 5, "right", "bottom"),
        (5, -5, "left", "top"),
        (-5, -5, "right", "top"),
        (-6, 0, "right", "center"),
        (0, 7, "center", "bottom"),
        (0, -7, "center", "top"),
    )
)


class _Obstacles:
    """What a point label should not cover, in display pixels: other labels, points, lines."""

    def __init__(self, ax: Axes, frame: Bbox) -> None:
        offsets = [c.get_offsets() for c in ax.collections if len(c.get_offsets())]
        data = np.concatenate(offsets) if offsets else np.empty((0, 2))
        self.points = ax.transData.transform(data) if len(data) else data
        self.radius = 3.0 * ax.figure.dpi / 72
        self.frame = frame
        self.boxes: list[tuple[Bbox, float]] = [(_line_box(line, frame), 2.0) for line in ax.lines]

    def cost(self, box: Bbox, own: np.ndarray, labels: Sequence[Bbox]) -> float:
        """Labels crossed weigh 10, lines 2, points 1; leaving the plot area weighs most."""
        if not (
            self.frame.x0 <= box.x0
            and box.x1 <= self.frame.x1
            and self.frame.y0 <= box.y0
            and box.y1 <= self.frame.y1
        ):
            return 1000.0
        pad = self.radius
        px, py = self.points[:, 0], self.points[:, 1]
        covered = (px >= box.x0 - pad) & (px <= box.x1 + pad) & (py >= box.y0 - pad) & (py <= box.y1 + pad)
        covered &= np.hypot(px - own[0], py - own[1]) > 0.5
        crossed = sum(w for other, w in self.boxes if box.overlaps(other))
        return float(covered.sum()) + crossed + 10.0 * sum(box.overlaps(other) for other in labels)


def _line_box(line: Any, frame: Bbox) -> Bbox:
    """The display box of a reference line (a thin band across the plot)."""
    xy = line.get_transform().transform(line.get_xydata())
    (x0, y0), (x1, y1) = xy.min(axis=0), xy.max(axis=0)
    return Bbox.from_extents(
        max(x0, frame.x0) - 1, max(y0, frame.y0) - 1, min(x1, frame.x1) + 1, min(y1, frame.y1) + 1
    )


def _label_points(ax: Axes, chart: Chart, family: str, passes: int = 3) -> None:
    """Write the non-empty point labels next to their points where they cover least.

    The layout is settled first (one draw), so that the positions tried are the final ones. Each
    label stays inside the plot area and avoids other labels, reference lines and points; a few
    passes re-place every label given all the others, so the order of placing does not matter.
    """
    labelled = [(p[:2], _plain(p[2])) for s in chart.series for p in _points(s) if p[2]]
    if not labelled:
        return
    figure = ax.figure
    figure.draw_without_rendering()
    renderer = figure.canvas.get_renderer()
    obstacles = _Obstacles(ax, ax.get_window_extent(renderer))
    candidates = [_candidates(ax, xy, text, family, renderer) for xy, text in labelled]
    chosen = [0] * len(labelled)
    for _ in range(passes):
        for i, options in enumerate(candidates):
            others = [candidates[j][chosen[j]] for j in range(len(candidates)) if j != i]
            own = ax.transData.transform(labelled[i][0])
            costs = [obstacles.cost(box, own, others) + rank * 0.02 for rank, box in enumerate(options)]
            chosen[i] = int(np.argmin(costs))
    for (xy, text), index in zip(labelled, chosen, strict=True):
        dx, dy, ha, va = _OFFSETS[index]
        leader = {"arrowprops": _LEADER} if abs(dx) + abs(dy) > LEADER_FROM_PT else {}
        ax.annotate(text, xy, xytext=(dx, dy), ha=ha, va=va, **_label_style(family), **leader)


LEADER_FROM_PT = 12
"""Labels set further than this from their point get a thin leader line to it."""

_LEADER = {"arrowstyle": "-", "color": "#888888", "linewidth": 0.5, "shrinkA": 1, "shrinkB": 3}


def _label_style(family: str) -> dict[str, Any]:
    return {
        "textcoords": "offset points",
        "fontsize": NOTE_PT,
        "fontfamily": family,
        "color": INK,
        "zorder": 5,
    }


def _candidates(ax: Axes, xy: tuple[float, float], text: str, family: str, renderer: Any) -> list[Bbox]:
    """The display box the label of ``xy`` would have at each of the offsets tried."""
    boxes = []
    for dx, dy, ha, va in _OFFSETS:
        label = ax.annotate(text, xy, xytext=(dx, dy), ha=ha, va=va, **_label_style(family))
        boxes.append(label.get_window_extent(renderer))
        label.remove()
    return boxes


def _empty_figure(chart: Chart, family: str, width_cm: float, dpi: int, title: bool) -> Figure:
    """A small image that says there is no data, with the chart's note."""
    figure = _new_figure(width_cm, 3.6 if title and chart.title else 2.8, dpi)
    lines = [(NO_DATA[chart_lang(chart)], LABEL_PT + 3, INK)]
    if chart.note:
        lines.append((wrap_text(chart.note, width_cm / 0.36), NOTE_PT + 1, "#666666"))
    if title and chart.title:
        lines.insert(0, (wrap_text(chart.title, width_cm / 0.42), TITLE_PT, INK))
    step = 1.0 / (len(lines) + 1)
    for i, (text, size, color) in enumerate(lines):
        figure.text(
            0.5,
            1 - step * (i + 1),
            _plain(text),
            ha="center",
            va="center",
            fontsize=size,
            fontfamily=family,
            color=color,
        )
    figure.patches.append(_frame(figure))
    return figure


def _frame(figure: Figure) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle(
        (0.01, 0.03),
        0.98,
        0.94,
        transform=figure.transFigure,
        fill=False,
        edgecolor="#BBBBBB",
        linewidth=0.8,
        linestyle=(0, (3, 3)),
    )


# --------------------------------------------------------------------------- plotly (HTML)


def plotly_js() -> str:
    """The plotly.js bundle of the installed ``plotly`` package, to embed once in an HTML page."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def plotly_figure(chart: Chart) -> dict[str, Any]:
    """The chart as a plotly figure (``{"data": [...], "layout": {...}}``, JSON-able).

    One trace per series; hover shows the category or point label with thousands separators.
    An empty chart gives no trace and a "无数据" annotation with the note.
    """
    layout = _layout(chart)
    if chart.empty:
        return {"data": [], "layout": _empty_layout(chart, layout)}
    data = [_TRACE[chart.kind](chart, s, i) for i, s in enumerate(chart.series)]
    layout["shapes"], layout["annotations"] = _plotly_lines(chart)
    return {"data": data, "layout": layout}


def html_div(chart: Chart, div_id: str) -> str:
    """An HTML fragment (``<div>`` + ``<script>``) that draws the chart with plotly.js.

    The page must load :func:`plotly_js` (in any place: the script waits for the document);
    nothing is fetched from the internet. ``div_id`` must be an HTML id of letters, digits,
    ``_`` and ``-`` starting with a letter.
    """
    if not _DIV_ID.fullmatch(div_id):
        raise ValueError(
            f"invalid chart div id {div_id!r}: use letters, digits, '_' or '-', starting with a letter"
        )
    figure = plotly_figure(chart)
    config = {"responsive": True, "displaylogo": False, "showLink": False}
    payload = _script_json({"data": figure["data"], "layout": figure["layout"], "config": config})
    return _DIV_TEMPLATE.format(id=html.escape(div_id), id_json=json.dumps(div_id), payload=payload)


_DIV_TEMPLATE = """<div id="{id}" class="jiqun-chart" style="width:100%"></div>
<script>(function () {{
  var fig = {payload};
  var draw = function () {{ Plotly.newPlot({id_json}, fig.data, fig.layout, fig.config); }};
  if (document.readyState === "loading") {{
    document.addEventListener("DOMContentLoaded", draw);
  }} else {{
    draw();
  }}
}})();</script>"""


def _script_json(value: Any) -> str:
    """JSON safe to place inside ``<script>``: no ``</script>``, no HTML comment, no U+2028."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text


def _json_number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _json_values(values: Sequence[Any]) -> list[Any]:
    return [_json_number(v) if _is_numeric([v]) and not isinstance(v, str) else str(v) for v in values]


def _font(size: float) -> dict[str, Any]:
    return {"family": PLOTLY_FONT_FAMILY, "size": size, "color": INK}


def _axis(title: str, **extra: Any) -> dict[str, Any]:
    axis = {
        "title": {"text": title, "font": _font(13)},
        "tickfont": _font(12),
        "separatethousands": True,
        "automargin": True,
        "gridcolor": "#EEEEEE",
        "zeroline": False,
    }
    axis.update(extra)
    return axis


def _layout(chart: Chart) -> dict[str, Any]:
    height = round(_height_cm(chart, 15.0) * CM * 96) + 60 if chart.kind == "hbar" else 440
    layout: dict[str, Any] = {
        "title": {"text": _escape(chart.title), "font": _font(16), "x": 0.5, "xanchor": "center"},
        "font": _font(12),
        "hoverlabel": {"font": {"family": PLOTLY_FONT_FAMILY}},
        "separators": ".,",
        "autosize": True,
        "height": height,
        "margin": {
            "l": 60,
            "r": 30,
            "t": 60 if chart.title else 30,
            "b": 100 if len(chart.series) > 1 else 60,
        },
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "colorway": list(PALETTE),
        "legend": {
            "orientation": "h",
            "x": 0.5,
            "xanchor": "center",
            "yref": "container",
            "y": 0.01,
            "yanchor": "bottom",
            "font": _font(12),
        },
        "showlegend": len(chart.series) > 1,
        "xaxis": _axis(_escape(chart.x_label)),
        "yaxis": _axis(_escape(chart.y_label)),
    }
    _KIND_LAYOUT[chart.kind](chart, layout)
    return layout


def _bar_layout(chart: Chart, layout: dict[str, Any]) -> None:
    layout["barmode"] = "stack" if chart.kind == "stacked_bar" else "group"
    layout["xaxis"].update(type="category")
    layout["yaxis"].update(tickformat=",~r")


def _hbar_layout(chart: Chart, layout: dict[str, Any]) -> None:
    layout["barmode"] = "group"
    layout["yaxis"].update(type="category", autorange="reversed")
    layout["xaxis"].update(tickformat=",~r")


def _line_layout(chart: Chart, layout: dict[str, Any]) -> None:
    if all(_is_numeric(s.x) for s in chart.series):
        layout["xaxis"].update(tickformat="d", separatethousands=False)
        if len({float(x) for s in chart.series for x in s.x if x is not None}) <= 15:
            layout["xaxis"].update(dtick=1)
    layout["yaxis"].update(tickformat=",~r")


def _scatter_layout(chart: Chart, layout: dict[str, Any]) -> None:
    layout["yaxis"].update(type="log" if _log_y(chart) else "linear")
    layout["xaxis"].update(tickformat=",~r")


_KIND_LAYOUT: dict[str, Callable[[Chart, dict[str, Any]], None]] = {
    "bar": _bar_layout,
    "stacked_bar": _bar_layout,
    "hbar": _hbar_layout,
    "line": _line_layout,
    "scatter": _scatter_layout,
}


def _hover(name: str, *, category: str, value: str) -> str:
    """Hover text: the category, then the series name and its value with thousands separators."""
    return f"%{{{category}}}<br>{_escape(name)}: %{{{value}:,.4~f}}<extra></extra>"


def _escape(text: str) -> str:
    """Plotly reads texts as a small HTML subset: escape ``&``, ``<`` and ``>``."""
    return html.escape(text, quote=False)


def _bar_trace(chart: Chart, s: Series, index: int) -> dict[str, Any]:
    cats = categories(chart.series)
    values = [_json_number(v) for v in aligned(s, cats)]
    trace = {
        "type": "bar",
        "name": _escape(s.name),
        "x": cats,
        "y": values,
        "marker": {"color": _color(index, STACK_PALETTE if chart.kind == "stacked_bar" else PALETTE)},
        "hovertemplate": _hover(s.name, category="x", value="y"),
    }
    if chart.kind == "bar" and len(chart.series) == 1:
        trace.update(texttemplate="%{y:,.2~f}", textposition="outside", cliponaxis=False)
    if chart.kind == "stacked_bar":
        trace.update(texttemplate="%{y:,.2~f}", textposition="inside")
    return trace


def _hbar_trace(chart: Chart, s: Series, index: int) -> dict[str, Any]:
    cats = categories(chart.series)
    values = [_json_number(v) for v in aligned(s, cats)]
    return {
        "type": "bar",
        "orientation": "h",
        "name": _escape(s.name),
        "x": values,
        "y": cats,
        "marker": {"color": _color(index)},
        "texttemplate": "%{x:,.2~f}",
        "textposition": "outside",
        "cliponaxis": False,
        "hovertemplate": _hover(s.name, category="y", value="x"),
    }


def _line_trace(chart: Chart, s: Series, index: int) -> dict[str, Any]:
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "name": _escape(s.name),
        "x": _json_values(s.x),
        "y": [_json_number(v) for v in s.y],
        "connectgaps": False,
        "line": {"color": _color(index)},
        "hovertemplate": _hover(s.name, category="x", value="y"),
    }


def _scatter_trace(chart: Chart, s: Series, index: int) -> dict[str, Any]:
    points = _points(s)
    labels = [p[2] for p in points]
    x_name, y_name = _escape(chart.x_label or "x"), _escape(chart.y_label or "y")
    hover = f"%{{text}}<br>{x_name}: %{{x:,.4~f}}<br>{y_name}: %{{y:,.4~f}}<extra>{_escape(s.name)}</extra>"
    return {
        "type": "scatter",
        "mode": "markers+text" if any(labels) else "markers",
        "name": _escape(s.name),
        "x": [p[0] for p in points],
        "y": [p[1] for p in points],
        "text": labels,
        "textposition": "top center",
        "textfont": _font(11),
        "marker": {
            "color": _color(index),
            "size": 8,
            "opacity": 0.8,
            "line": {"color": "white", "width": 0.5},
        },
        "hovertemplate": hover,
    }


_TRACE: dict[str, Callable[[Chart, Series, int], dict[str, Any]]] = {
    "bar": _bar_trace,
    "stacked_bar": _bar_trace,
    "hbar": _hbar_trace,
    "line": _line_trace,
    "scatter": _scatter_trace,
}


def _plotly_lines(chart: Chart) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Shapes and annotations of the reference lines (vertical on an hbar's value axis)."""
    across = chart.kind == "hbar"
    log_y = chart.kind == "scatter" and _log_y(chart)
    shapes: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    for value, label in chart.lines:
        shape, note = _vline(value, label) if across else _hline(value, label, log_y)
        shapes.append(shape)
        notes.append(note)
    for value, label in chart.vlines:
        shape, note = _vline(value, label)
        shapes.append(shape)
        notes.append(note)
    return shapes, notes


_DASH = {"color": REFERENCE, "width": 1.2, "dash": "dash"}


def _line_note(label: str, **where: Any) -> dict[str, Any]:
    font = _font(11) | {"color": REFERENCE}
    return {"text": _escape(label), "showarrow": False, "font": font, **where}


def _vline(value: float, label: str) -> tuple[dict[str, Any], dict[str, Any]]:
    shape = {"type": "line", "xref": "x", "yref": "paper", "x0": value, "x1": value, "y0": 0, "y1": 1}
    note = _line_note(label, xref="x", yref="paper", x=value, y=1, xanchor="center", yanchor="bottom")
    return shape | {"line": _DASH}, note


def _hline(value: float, label: str, log_y: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    """A horizontal line; on a log axis plotly places annotations (not shapes) by log10(y)."""
    shape = {"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": value, "y1": value}
    at = math.log10(value) if log_y else value
    note = _line_note(label, xref="paper", yref="y", x=1, y=at, xanchor="right", yanchor="bottom")
    return shape | {"line": _DASH}, note


def _empty_layout(chart: Chart, layout: dict[str, Any]) -> dict[str, Any]:
    text = f"<b>{NO_DATA[chart_lang(chart)]}</b>"
    if chart.note:
        text += "<br>" + _escape(chart.note)
    hidden = {"visible": False}
    layout.update(height=220, xaxis=hidden, yaxis=hidden, showlegend=False)
    layout["annotations"] = [
        {
            "text": text,
            "xref": "paper",
            "yref": "paper",
            "x": 0.5,
            "y": 0.5,
            "showarrow": False,
            "font": _font(14),
        }
    ]
    return layout
