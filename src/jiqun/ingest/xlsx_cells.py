"""Cells of an XLSX workbook that a value reader shows as empty but that are not.

python-calamine returns an Excel error value (``#DIV/0!``, ``#N/A`` …) and a formula saved
without its computed value (a file written by a program that does not calculate) as an empty
cell. Importing them as "no value" would lose a problem silently, so the worksheet XML is
scanned for them before the values are used: a sheet that holds neither an error (``t="e"``)
nor a formula (``<f``) costs one pattern search, and only the cells that do are read.
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass

_MARKER = re.compile(rb'<(?:\w+:)?f[\s>/]|\st="e"')
_CELL_OPEN = re.compile(rb"<(?:\w+:)?c\s")
_CELL = re.compile(rb"<(?:\w+:)?c\s([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REFERENCE = re.compile(rb'\br="([A-Z]+)(\d+)"')
_ERROR_TYPE = re.compile(rb'\bt="e"')
_STRING_TYPE = re.compile(rb'\bt="str"')
_VALUE = re.compile(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
_SHARED_INDEX = re.compile(rb'\bsi="(\d+)"')


@dataclass(frozen=True)
class HiddenCell:
    """An error value or a formula without its value, at ``column`` (letters) and ``row``."""

    column: str
    row: int
    kind: str  # "error" or "formula"
    text: str  # the error as Excel shows it, or the formula with its "="


UNCOMPUTED = "#公式无结果 "  # how a formula without its value appears among the cell texts
EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                          "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#BUSY!",
                          "#CONNECT!", "#UNKNOWN!"})


def shown_text(cell: HiddenCell) -> str:
    """The text that stands for ``cell`` among the cell values: the error as Excel shows it, or
    the formula behind a marker that no value reader produces."""
    return cell.text if cell.kind == "error" else UNCOMPUTED + cell.text


def hidden_cells(data: bytes, sheet: str, limit: int = 100_000) -> list[HiddenCell]:
    """The first ``limit`` error or uncalculated formula cells of worksheet ``sheet``.

    ``data`` is the XLSX/XLSM file; an unreadable package or a sheet that cannot be found gives
    an empty list (the value reader reports those problems itself).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:  # BytesIO shares the bytes, no copy
            part = _sheet_part(package, sheet)
            xml = package.read(part) if part else b""
    except (zipfile.BadZipFile, KeyError):
        return []
    found: list[HiddenCell] = []
    end = 0
    for marker in _MARKER.finditer(xml):  # only the cells with an error type or a formula
        if marker.start() < end:
            continue  # a second marker inside a cell already read
        start = _cell_start(xml, marker.start())
        match = _CELL.match(xml, start) if start >= 0 else None
        if match is None:
            continue
        end = match.end()
        cell = _hidden(match.group(1), match.group(2) or b"")
        if cell is not None:
            found.append(cell)
            if len(found) >= limit:
                break
    return found


def _cell_start(xml: bytes, before: int) -> int:
    """Where the cell element holding position ``before`` starts (``<c`` then a space, tab or
    line break, with or without a namespace prefix), or -1."""
    window = max(0, before - 4096)  # a cell's opening tag is short
    starts = list(_CELL_OPEN.finditer(xml, window, before))
    return starts[-1].start() if starts else -1


def _hidden(attributes: bytes, body: bytes) -> HiddenCell | None:
    reference = _REFERENCE.search(attributes)
    if reference is None:
        return None
    column, row = reference.group(1).decode(), int(reference.group(2))
    value = _VALUE.search(body)
    if _ERROR_TYPE.search(attributes):
        return HiddenCell(column, row, "error", _text(value.group(1)) if value else "#VALUE!")
    formula = _FORMULA.search(body)
    # a formula whose result is text is typed "str": its <v> is its value even when empty
    saved = value is not None and (bool(value.group(1).strip()) or _STRING_TYPE.search(attributes))
    if formula is not None and not saved:
        text = _text(formula.group(1) or b"")
        shared = _SHARED_INDEX.search(formula.group(0))
        if not text and shared:
            text = f"（共享公式 {shared.group(1).decode()}）"
        return HiddenCell(column, row, "formula", "=" + text)
    return None


def _text(raw: bytes) -> str:
    return html.unescape(raw.decode("utf-8", errors="replace"))


def _sheet_part(package: zipfile.ZipFile, sheet: str) -> str | None:
    """The package path of the worksheet named ``sheet``, from the workbook and its relations.

    Both are small; their elements are read with a pattern rather than an XML parser, which
    would expand entities of an untrusted file.
    """
    sheets = [_attributes(tag) for tag in _element_pattern("sheet").findall(package.read("xl/workbook.xml"))]
    relation = next((value for a in sheets if _text(a.get("name", "").encode()) == sheet
                     for key, value in a.items() if key.endswith(":id")), None)
    if relation is None:
        return None
    relations = [_attributes(tag) for tag in _element_pattern("Relationship").findall(
        package.read("xl/_rels/workbook.xml.rels"))]
    target = next((a.get("Target") for a in relations if a.get("Id") == relation), None)
    if not target:
        return None
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def _element_pattern(name: str) -> re.Pattern[bytes]:
    return re.compile(rb"<(?:\w+:)?" + name.encode() + rb"\b[^>]*>")


def _attributes(tag: bytes) -> dict[str, str]:
    return {k.decode(): v.decode("utf-8", errors="replace") for k, v in _ATTRIBUTE.findall(tag)}


_ATTRIBUTE = re.compile(rb'([\w:]+)="([^"]*)"')
