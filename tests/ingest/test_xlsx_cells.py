"""XLSX cells that a value reader shows as empty: error values and formulas without a value."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from jiqun.errors import InputError
from jiqun.ingest.readers import read_file
from jiqun.ingest.xlsx_cells import HiddenCell, hidden_cells


def _book(sheets: dict[str, list[list[object]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _with_saved_values(data: bytes) -> bytes:
    """The workbook as a calculating program saves it: every formula with a value (here 7)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                body = re.sub(rb"(<f>[^<]*</f>)<v\s*/?>(</v>)?", rb"\1<v>7</v>", body)
            target.writestr(item, body)
    return out.getvalue()


def test_errors_and_formulas_without_values_are_found_in_order() -> None:
    data = _book({"数据": [["a", "b"], [1, "=A2*2"], ["#DIV/0!", 3]]})
    assert hidden_cells(data, "数据", limit=5) == [
        HiddenCell("B", 2, "formula", "=A2*2"), HiddenCell("A", 3, "error", "#DIV/0!")]


def test_formulas_with_saved_values_and_plain_sheets_are_fine() -> None:
    data = _with_saved_values(_book({"数据": [["a", "b"], [1, "=A2*2"]], "plain": [["x"], [1]]}))
    assert hidden_cells(data, "数据") == []
    assert hidden_cells(data, "plain") == []


def test_the_named_sheet_is_the_one_scanned() -> None:
    data = _book({"好 & 坏": [["a"], [1]], "第二": [["a"], ["=1/0"]]})
    assert hidden_cells(data, "好 & 坏") == []
    assert hidden_cells(data, "第二") == [HiddenCell("A", 2, "formula", "=1/0")]
    assert hidden_cells(data, "没有这张表") == []
    assert hidden_cells(b"not a zip", "第二") == []


def test_reading_the_workbook_names_sheet_cell_and_value(tmp_path: Path) -> None:
    path = tmp_path / "企业.xlsx"
    path.write_bytes(_book({"企业": [["统一社会信用代码", "营业收入(万元)"], ["x", "#VALUE!"]]}))
    with pytest.raises(InputError) as caught:
        read_file(path)
    problem = caught.value.problems[0]
    assert (problem.file, problem.row, problem.column, problem.value) == ("企业.xlsx", 2, "B 列", "#VALUE!")
    assert "企业" in problem.message and "B2" in problem.message
