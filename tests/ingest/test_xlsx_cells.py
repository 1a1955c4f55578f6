"""XLSX cells that a value reader shows as empty: error values and formulas without a value."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from jiqun.ingest.readers import read_file
from jiqun.ingest.xlsx_cells import UNCOMPUTED, HiddenCell, hidden_cells

from .make_bad_files import xlsx_bytes


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
    data = xlsx_bytes({"数据": [["a", "b"], [1, "=A2*2"], ["#DIV/0!", 3]]})
    assert hidden_cells(data, "数据", limit=5) == [
        HiddenCell("B", 2, "formula", "=A2*2"), HiddenCell("A", 3, "error", "#DIV/0!")]


def test_formulas_with_saved_values_and_plain_sheets_are_fine() -> None:
    data = _with_saved_values(xlsx_bytes({"数据": [["a", "b"], [1, "=A2*2"]], "plain": [["x"], [1]]}))
    assert hidden_cells(data, "数据") == []
    assert hidden_cells(data, "plain") == []


def test_the_named_sheet_is_the_one_scanned() -> None:
    data = xlsx_bytes({"好 & 坏": [["a"], [1]], "第二": [["a"], ["=1/0"]]})
    assert hidden_cells(data, "好 & 坏") == []
    assert hidden_cells(data, "第二") == [HiddenCell("A", 2, "formula", "=1/0")]
    assert hidden_cells(data, "没有这张表") == []
    assert hidden_cells(b"not a zip", "第二") == []


def test_hidden_cells_keep_a_text_that_an_imported_column_refuses(tmp_path: Path) -> None:
    path = tmp_path / "企业.xlsx"
    path.write_bytes(xlsx_bytes({"企业": [["统一社会信用代码", "营业收入(万元)", "备注"],
                                     ["x", "#VALUE!", "#N/A"], ["y", "=1/0", None]]}))
    sheet = read_file(path)[0]
    assert sheet.row(1) == ["x", "#VALUE!", "#N/A"]
    assert sheet.row(2)[1] == UNCOMPUTED + "=1/0"


def test_a_text_formula_with_an_empty_result_has_its_value() -> None:
    data = xlsx_bytes({"数据": [["a"], ["=1"]]})
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                body = body.replace(b'<c r="A2">', b'<c r="A2" t="str">')
            target.writestr(item, body)
    assert hidden_cells(out.getvalue(), "数据") == []
    assert hidden_cells(data, "数据") == [HiddenCell("A", 2, "formula", "=1")]
