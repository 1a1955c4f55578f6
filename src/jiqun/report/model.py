"""The report model: what a cluster survey report says, independent of the file format.

A :class:`Report` is a tree of :class:`Section` objects holding blocks — paragraphs, tables and
charts. Every number a paragraph cites is a :class:`Fact`: the value as computed, its unit, the
text the document shows and where it came from, so that a test (or a reader) can trace every
figure of the text back to the data. Writers (:mod:`jiqun.report.docx`, ``xlsx``, ``html``)
render the same model; :mod:`jiqun.report.charts` draws the charts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

Lang = Literal["zh", "en"]
ChartKind = Literal["bar", "hbar", "line", "scatter", "stacked_bar"]


@dataclass(frozen=True)
class Fact:
    """One computed number as the document shows it.

    Parameters
    ----------
    key
        A stable name, e.g. ``"profile.revenue"``.
    value
        The value as computed (yuan for money, a fraction for shares), ``None`` when unknown.
    unit
        The unit of ``value`` (``"元"``, ``"家"``, ``"比例"`` …).
    text
        The value as the document writes it (``"25.53亿元"``, ``"18.6%"``).
    source
        What it was computed from, for the appendix (``"enterprise_years.revenue, 2025"``).
    """

    key: str
    value: float | None
    unit: str
    text: str
    source: str = ""


@dataclass
class Paragraph:
    """A paragraph of text and the facts it cites (each fact's ``text`` appears in ``text``)."""

    text: str
    facts: list[Fact] = field(default_factory=list)
    style: Literal["body", "bullet", "note"] = "body"


@dataclass
class Table:
    """A table with a title, column headers and rows of already formatted cells.

    ``values`` optionally holds the raw values of the cells (same shape as ``rows``) for the
    Excel writer, which writes numbers as numbers.
    """

    title: str
    columns: list[str]
    rows: list[list[str]]
    values: list[list[Any]] | None = None
    note: str = ""


@dataclass
class Series:
    """One data series of a chart: ``x`` and ``y`` of equal length, optional point labels."""

    name: str
    x: list[Any]
    y: list[float | None]
    labels: list[str] | None = None


@dataclass
class Chart:
    """A chart as data; :mod:`jiqun.report.charts` renders it as PNG (Word) or plotly (HTML).

    ``lines`` are horizontal reference lines (a target, LQ = 1) as ``(value, label)``;
    ``vlines`` vertical ones (the quadrant split).
    """

    key: str
    title: str
    kind: ChartKind
    series: list[Series]
    x_label: str = ""
    y_label: str = ""
    lines: list[tuple[float, str]] = field(default_factory=list)
    vlines: list[tuple[float, str]] = field(default_factory=list)
    note: str = ""

    @property
    def empty(self) -> bool:
        """True when no series has a value: writers then print the note instead of a chart."""
        return not any(v is not None for s in self.series for v in s.y)


Block = Paragraph | Table | Chart


@dataclass
class Section:
    """A titled section of blocks, possibly with subsections."""

    title: str
    blocks: list[Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)

    def walk(self) -> Iterator[Section]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Report:
    """A cluster survey report of one county and year."""

    title: str
    region: str
    region_name: str
    year: int
    lang: Lang
    sections: list[Section]
    missing: list[str] = field(default_factory=list)
    config_hashes: dict[str, str] = field(default_factory=dict)
    generated: str = ""
    cluster: str = ""

    def blocks(self) -> Iterator[Block]:
        for top in self.sections:
            for section in top.walk():
                yield from section.blocks

    def facts(self) -> list[Fact]:
        """Every fact cited by a paragraph, in document order."""
        return [f for b in self.blocks() if isinstance(b, Paragraph) for f in b.facts]

    def charts(self) -> list[Chart]:
        return [b for b in self.blocks() if isinstance(b, Chart)]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks() if isinstance(b, Table)]
