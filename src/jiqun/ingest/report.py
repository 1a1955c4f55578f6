"""The error report of an import: an XLSX the user can fix and import again.

One sheet per rejected table (``需修正-<table>``) holds every rejected row with its original
header and cells, plus 原行号 and 问题说明; after fixing, the user imports the workbook as it is
(jiqun ignores the two added columns and the problem list). The last sheet (问题清单) lists each
problem with file, row, column, value, expected and message.
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill

from jiqun.errors import Problem
from jiqun.ingest.readers import RawSheet

PROBLEM_HEADERS = ("文件", "行", "列", "值", "应为", "说明", "级别")
FIX_SHEET = "需修正的行"
LIST_SHEET = "问题清单"
_BOLD = Font(bold=True)
_RED = PatternFill("solid", fgColor="FFF2CC")
EXCEL_MAX_ROWS = 1_048_000


def write_error_report(
    path: Path, problems: list[Problem], sheets: list[tuple[RawSheet, int, str]]
) -> Path:
    """Write the report atomically (temp file + rename); returns ``path``.

    ``sheets`` holds (sheet, header row, table label) of every table read.
    """
    book = Workbook()
    book.remove(book.active)
    _fill_rows_to_fix(book, problems, sheets)
    _fill_problem_list(book.create_sheet(LIST_SHEET), problems)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".xlsx.tmp")
    os.close(fd)
    try:
        book.save(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def _fill_problem_list(ws: object, problems: list[Problem]) -> None:
    ws.append(PROBLEM_HEADERS)  # type: ignore[attr-defined]
    for p in problems[:EXCEL_MAX_ROWS]:
        ws.append([_safe(v) for v in (p.file, p.row, p.column, p.value, p.expected,  # type: ignore[attr-defined]
                                      p.message, "错误" if p.severity == "error" else "提醒")])
    for cell in ws[1]:  # type: ignore[index]
        cell.font = _BOLD
    ws.freeze_panes = "A2"  # type: ignore[attr-defined]


def _fill_rows_to_fix(
    book: Workbook, problems: list[Problem], sheets: list[tuple[RawSheet, int, str]]
) -> None:
    by_sheet: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for p in problems:
        if p.severity == "error" and p.row is not None:
            by_sheet[p.file][p.row].append(f"{p.column}：{p.message}" if p.column else p.message)
    for sheet, header_row, label in sheets:
        rows = {r: v for r, v in by_sheet.get(sheet.where(), {}).items() if r > header_row}
        if rows and header_row:
            title = f"{FIX_SHEET}-{label}"[:31]
            _append_sheet_rows(book.create_sheet(title), sheet, header_row, rows)


def _append_sheet_rows(ws: object, sheet: RawSheet, header_row: int,
                       rows: dict[int, list[str]]) -> None:
    header = sheet.row(header_row - 1)
    ws.append(["原行号", *[_safe(c or "") for c in header], "问题说明"])  # type: ignore[attr-defined]
    for cell in ws[1]:  # type: ignore[index]
        cell.font = _BOLD
    width = len(header)
    for row_number in sorted(rows):
        cells = sheet.row(row_number - 1)
        padded = [*(cells[:width]), *([None] * (width - len(cells)))]
        ws.append([row_number, *[_safe(c) for c in padded],  # type: ignore[attr-defined]
                   _safe("；".join(rows[row_number]))])
        ws.cell(ws.max_row, width + 2).fill = _RED  # type: ignore[attr-defined]


def _safe(value: object) -> object:
    """Text without the control characters that XLSX cannot hold (they come from broken files)."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value) if isinstance(value, str) else value
