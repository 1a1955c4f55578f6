"""The report's tables as an Excel workbook (openpyxl): numbers as numbers, one sheet per table.

The first sheet (``说明``/``About``) names the report, the county, the year, the configuration
hashes, the missing data and the sheets; each table follows on its own sheet (title in row 1,
header in row 2, frozen, with an autofilter); a last sheet lists every number the text cites
(``文中数字``/``Facts``) with its source. Where a table gives raw ``values`` the cells hold numbers,
scaled and formatted as the document writes them: money in 亿元 or 万元 (one unit per column, so
that sorting works), shares as percentages.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.worksheet import Worksheet

from jiqun.report.model import Lang, Report, Table
from jiqun.report.write import hash_line, region_line, text_width, word

MAX_SHEET_NAME = 31
MAX_COLUMN_WIDTH = 60.0
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")
_NUMBER = r"(?P<num>[-+−]?\d[\d,]*(?:\.(?P<dec>\d+))?)"
_ZH_MONEY = re.compile(rf"^{_NUMBER}\s*(?P<unit>亿|万)?(?P<usd>美)?元(?P<rest>[^\d]*)$")
_EN_MONEY = re.compile(rf"^(?P<currency>CNY|USD) {_NUMBER}(?: (?P<unit>million|billion))?$")
_PERCENT = re.compile(rf"^{_NUMBER}%(?P<tail>.*)$")
_PLAIN = re.compile(rf"^{_NUMBER}(?P<tail>.*)$")
_ZH_SCALE = {"亿": 1e8, "万": 1e4, None: 1.0}
_EN_SCALE = {"billion": 1e9, "million": 1e6, None: 1.0}


@dataclass(frozen=True)
class CellFormat:
    """How a number is written: divided by ``scale``, shown with ``number_format``.

    ``money`` names the currency and what follows the unit (``元``, ``元以上``, ``美元``, ``CNY``,
    ``USD``) of a money cell, so that a column can bring its cells to one unit.
    """

    scale: float
    number_format: str
    money: str = ""


def write_xlsx(report: Report, path: str | Path) -> None:
    """Write the tables of ``report`` as an Excel workbook at ``path``.

    Parameters
    ----------
    report
        The report.
    path
        The ``.xlsx`` file to write (overwritten).
    """
    book = Workbook()
    about = book.active
    about.title = word("about", report.lang)
    names = sheet_names([t.title for t in report.tables()], report.lang, reserved={about.title})
    for table, name in zip(report.tables(), names, strict=True):
        _table_sheet(book.create_sheet(name), table)
    taken = {about.title, *names}
    facts_name = sheet_names([word("facts", report.lang)], report.lang, taken, numbered=False)[0]
    _facts_sheet(book.create_sheet(facts_name), report)
    _about_sheet(about, report, list(zip(names, report.tables(), strict=True)), facts_name)
    book.properties.title = report.title
    book.properties.creator = "jiqun"
    book.properties.language = "en-US" if report.lang == "en" else "zh-CN"
    book.save(str(path))


def sheet_names(
    titles: Sequence[str], lang: Lang, reserved: set[str] | None = None, *, numbered: bool = True
) -> list[str]:
    """Valid, unique sheet names for ``titles``: ``表1 标题`` cut to 31 characters, no ``[]:*?/\\``.

    Parameters
    ----------
    titles
        The table titles, in order (each table is numbered as in the Word document).
    lang
        Chooses ``表1``/``T1``.
    reserved
        Names already taken (compared case-insensitively, as Excel does).
    numbered
        Prefix ``表k``; without it the names are the titles.
    """
    taken = {n.lower() for n in reserved or set()}
    names = []
    for k, title in enumerate(titles, 1):
        prefix = (f"T{k} " if lang == "en" else f"表{k} ") if numbered else ""
        clean = _SHEET_UNSAFE.sub("_", title.replace(": ", " - ")).strip().strip("'") or "-"
        name = (prefix + clean)[:MAX_SHEET_NAME].strip().strip("'")
        candidate, n = name, 2
        while candidate.lower() in taken or candidate.lower() == "history":
            suffix = f"({n})"
            candidate = name[: MAX_SHEET_NAME - len(suffix)] + suffix
            n += 1
        taken.add(candidate.lower())
        names.append(candidate)
    return names


# --------------------------------------------------------------------------- sheets


def _about_sheet(sheet: Worksheet, report: Report, tables: list[tuple[str, Table]], facts: str) -> None:
    lang = report.lang
    rows: list[tuple[str, object]] = [
        (word("title", lang), report.title),
        (word("region", lang), region_line(report)),
        (word("year", lang), report.year),
        (word("stamp", lang), report.generated),
        ("", ""),
        (word("hashes", lang), "" if report.config_hashes else word("none", lang)),
        *((f"  {key}", value) for key, value in report.config_hashes.items()),
        ("", ""),
        (word("missing", lang), "" if report.missing else word("none", lang)),
        *(("", item) for item in report.missing),
        ("", ""),
        (word("sheets", lang), ""),
    ]
    for row in rows:
        sheet.append(row)
    for name, table in [*tables, (facts, None)]:
        sheet.append([name, table.title if table else word("facts", lang)])
        cell = sheet.cell(sheet.max_row, 1)
        cell.hyperlink = f"#{quote_sheetname(name)}!A1"
        cell.style = "Hyperlink"
    sheet["A1"].font = sheet["B1"].font = Font(bold=True, size=13)
    for row in sheet.iter_rows(min_col=1, max_col=1):
        if row[0].value in {word("hashes", lang), word("missing", lang), word("sheets", lang)}:
            row[0].font = Font(bold=True)
    _fit_widths(sheet, [[str(c.value or "") for c in row] for row in sheet.iter_rows()])
    sheet.column_dimensions["B"].width = min(max(40.0, text_width(hash_line(report)) / 2), MAX_COLUMN_WIDTH)


def _table_sheet(sheet: Worksheet, table: Table) -> None:
    ncols = max(len(table.columns), 1)
    sheet.append([table.title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(list(table.columns))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    formats = column_formats(table)
    for r, row in enumerate(table.rows):
        raw = table.values[r] if table.values is not None and r < len(table.values) else None
        values = [_cell(row, raw, k, formats[k]) for k in range(ncols)]
        sheet.append([v for v, _ in values])
        for k, (_, fmt) in enumerate(values, 1):
            if fmt:
                sheet.cell(sheet.max_row, k).number_format = fmt
    last = sheet.max_row
    sheet.freeze_panes = "A3"
    sheet.auto_filter.ref = f"A2:{get_column_letter(ncols)}{max(last, 2)}"
    if table.note:
        sheet.append([])
        sheet.append([table.note])
    _fit_widths(sheet, [list(table.columns), *table.rows], first_row=2, last_row=last)


def _facts_sheet(sheet: Worksheet, report: Report) -> None:
    header = word("fact_columns", report.lang).split("|")
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for fact in report.facts():
        sheet.append([fact.key, fact.text, _number(fact.value), fact.unit, fact.source])
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(sheet.max_row, 1)}"
    _fit_widths(sheet, [header, *([f.key, f.text, "", f.unit, f.source] for f in report.facts())])


def _cell(row: Sequence[str], raw: Sequence[Any] | None, k: int, fmt: CellFormat | None) -> tuple[Any, str]:
    """The value to write in column ``k`` and its number format ('' for text).

    The column's format when it has one, else the cell's own; text when the cell has no number.
    """
    text = row[k] if k < len(row) else ""
    value = _number(raw[k]) if raw is not None and k < len(raw) else None
    if value is None:
        return text, ""
    fmt = fmt or cell_format(text, float(value))
    if fmt is None:
        return text, ""
    scaled = value / fmt.scale
    return (int(scaled) if float(scaled).is_integer() and fmt.scale == 1 else scaled), fmt.number_format


def _number(value: Any) -> float | int | None:
    """``value`` when it is a finite real number (not a bool), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _fit_widths(
    sheet: Worksheet, rows: Sequence[Sequence[str]], first_row: int = 1, last_row: int | None = None
) -> None:
    """Column widths from the longest text (a Chinese character counts twice); long text wraps."""
    ncols = max((len(r) for r in rows), default=0)
    for k in range(ncols):
        longest = max((text_width(str(r[k])) * 2 if k < len(r) else 0.0 for r in rows), default=0.0)
        width = min(longest * 1.0 + 2, MAX_COLUMN_WIDTH)
        sheet.column_dimensions[get_column_letter(k + 1)].width = max(width, 8.0)
        if longest + 2 > MAX_COLUMN_WIDTH:
            for (cell,) in sheet.iter_rows(
                min_row=first_row + 1, max_row=last_row or sheet.max_row, min_col=k + 1, max_col=k + 1
            ):
                cell.alignment = Alignment(wrap_text=True, vertical="top")


# --------------------------------------------------------------------------- number formats


def column_formats(table: Table) -> list[CellFormat | None]:
    """One number format per column when its cells agree, else None (then each cell has its own).

    A money column gets one unit, the largest its cells use (``8,500.00万元`` becomes 0.85 in a
    column of 亿元), so that sorting and sums work; any other column needs every cell to read
    the same way (``18.6%`` → ``0.0%``, ``1,234 家`` → ``#,##0" 家"``).
    """
    if table.values is None:
        return [None] * len(table.columns)
    return [_column_format(_column(table, k)) for k in range(len(table.columns))]


def cell_format(text: str, value: float) -> CellFormat | None:
    """How to write ``value`` so that the cell reads as ``text``; None when it cannot (text).

    ``25.53亿元`` → value / 10⁸ as ``#,##0.00"亿元"``; ``CNY 2.55 billion`` → value / 10⁹;
    ``18.6%`` → the fraction as ``0.0%``; ``160 家`` → ``#,##0" 家"``; ``25.53`` with the value in
    yuan (the header says 亿元) → value / 10⁸ as ``#,##0.00``. The text must be the value rounded
    as written, so that a number is never shown other than the document shows it.
    """
    text = text.strip()
    for parse in (_zh_money, _en_money, _percent, _plain):
        found = parse(text, value)
        if found is not None:
            return found if found.scale > 0 else None
    return None


def _zh_money(text: str, value: float) -> CellFormat | None:
    match = _ZH_MONEY.match(text)
    if not match:
        return None
    scale = _ZH_SCALE[match.group("unit")]
    family = ("美元" if match.group("usd") else "元") + match.group("rest")  # 元, or 元以上 …
    return _checked(match, value, scale, family)


def _en_money(text: str, value: float) -> CellFormat | None:
    match = _EN_MONEY.match(text)
    if not match:
        return None
    return _checked(match, value, _EN_SCALE[match.group("unit")], match.group("currency"))


def _percent(text: str, value: float) -> CellFormat | None:
    match = _PERCENT.match(text)
    if not match:
        return None
    checked = _checked(match, value * 100, 1.0)
    if checked.scale <= 0:
        return checked
    tail = match.group("tail")
    return CellFormat(1.0, _decimals("0", len(match.group("dec") or "")) + "%" + _quoted(tail))


def _plain(text: str, value: float) -> CellFormat | None:
    match = _PLAIN.match(text)
    if not match:
        return None
    shown = _shown(match)
    power = round(math.log10(abs(value / shown))) if shown and value else 0
    return _checked(match, value, 10.0**power, tail=match.group("tail"))


def _checked(match: re.Match[str], value: float, scale: float, money: str = "", tail: str = "") -> CellFormat:
    """The format when ``value / scale`` rounds to the number written, else scale 0 (a mismatch)."""
    digits = len(match.group("dec") or "")
    if abs(value / scale - _shown(match)) > 0.5 * 10.0**-digits * (1 + 1e-9) + 1e-12:
        return CellFormat(0.0, "")
    if money:
        return CellFormat(scale, _money_number_format(money, scale, digits), money)
    return CellFormat(scale, _decimals("#,##0", digits) + _quoted(tail))


def _shown(match: re.Match[str]) -> float:
    return float(match.group("num").replace(",", "").replace("−", "-"))


def _money_number_format(money: str, scale: float, digits: int) -> str:
    number = _decimals("#,##0", digits)
    if money in ("CNY", "USD"):
        unit = {1e9: " billion", 1e6: " million"}.get(scale, "")
        return f'"{money} "{number}{_quoted(unit)}'
    return number + _quoted({1e8: "亿", 1e4: "万"}.get(scale, "") + money)


def _column(table: Table, k: int) -> list[CellFormat | None]:
    """The format of each cell of column ``k`` that has a number value."""
    formats = []
    for row, raw in zip(table.rows, table.values or [], strict=False):
        value = _number(raw[k]) if k < len(raw) else None
        if value is not None and k < len(row):
            formats.append(cell_format(row[k], float(value)))
    return formats


def _column_format(formats: list[CellFormat | None]) -> CellFormat | None:
    if not formats or any(f is None for f in formats):
        return None
    known = [f for f in formats if f is not None]
    families = {f.money for f in known}
    if len(families) == 1 and "" not in families:
        scale = max(f.scale for f in known)
        return CellFormat(scale, _money_number_format(families.pop(), scale, 2), known[0].money)
    return known[0] if len(set(known)) == 1 else None


def _decimals(base: str, decimals: int) -> str:
    return base + ("." + "0" * min(decimals, 6) if decimals else "")


def _quoted(tail: str) -> str:
    return f'"{tail}"' if tail else ""
