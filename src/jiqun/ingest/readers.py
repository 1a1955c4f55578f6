"""Read the tables of a CSV or spreadsheet file as text, with exact spreadsheet row numbers.

CSV files come in UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030; the encoding is
detected, never assumed. Spreadsheets (XLSX, XLSM, XLS, ODS) are read with python-calamine; an
XLSX error value or formula without a saved value, which it would show as empty, keeps a text
that the column parser refuses when the column is imported.
Every problem is an :class:`~jiqun.errors.InputError` naming the file.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from jiqun.errors import InputError
from jiqun.ingest.parse import clean_cell
from jiqun.ingest.xlsx_cells import HiddenCell, hidden_cells, shown_text

CSV_SUFFIXES = frozenset({".csv", ".tsv", ".txt"})
SHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})
PARQUET_SUFFIXES = frozenset({".parquet"})
ACCEPTED = "CSV（.csv/.tsv/.txt，UTF-8 或 GBK 编码）、Excel（.xlsx/.xls）或 Parquet"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_DELIMITERS = (",", "\t", ";", "|")
csv.field_size_limit(10_000_000)


@dataclass
class RawSheet:
    """The cells of one CSV file or one worksheet, as text (null for an empty cell).

    ``frame`` has one String column per spreadsheet column (``c0``, ``c1`` …) and one row per
    spreadsheet row: frame row ``i`` is spreadsheet row ``i + 1``.
    """

    file: str
    sheet: str | None
    frame: pl.DataFrame
    encoding: str = ""
    _rows: list[list[str | None]] | None = field(default=None, repr=False)

    def where(self) -> str:
        return f"{self.file}［{self.sheet}］" if self.sheet else self.file

    @property
    def height(self) -> int:
        return self.frame.height

    def row(self, index: int) -> list[str | None]:
        """Cells of frame row ``index`` (0-based), trailing empty cells dropped."""
        if not 0 <= index < self.frame.height:
            return []
        cells = list(self.frame.row(index))
        while cells and cells[-1] is None:
            cells.pop()
        return cells

    @property
    def rows(self) -> list[list[str | None]]:
        """Every row as a list (for small tables such as code lists)."""
        if self._rows is None:
            self._rows = [self.row(i) for i in range(self.frame.height)]
        return self._rows


def frame_from_rows(rows: list[list[str | None]]) -> pl.DataFrame:
    """A String frame (``c0`` …) from ragged rows, padding short rows with nulls."""
    width = max((len(r) for r in rows), default=0)
    padded = [r if len(r) == width else [*r, *([None] * (width - len(r)))] for r in rows]
    columns = list(zip(*padded, strict=True)) if padded else [()] * width
    return pl.DataFrame({f"c{i}": pl.Series(values=list(col), dtype=pl.String)
                         for i, col in enumerate(columns)}, height=len(rows) if width else 0)


def read_file(path: Path, sheet: str | None = None) -> list[RawSheet]:
    """All tables of ``path``: one for a CSV file, one per worksheet (or just ``sheet``)."""
    name = path.name
    if not path.is_file():
        raise InputError.single("文件不存在或不是普通文件", file=name, expected=ACCEPTED)
    data = path.read_bytes()
    if not data:
        raise InputError.single("文件为空（0 字节）", file=name, expected="含表头和数据行的文件")
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        _refuse_disguised_workbook(data, name)
        if sheet:
            raise InputError.single("CSV 文件没有工作表，不能用 --sheet", file=name, value=sheet)
        return [_read_csv(data, name)]
    if suffix in SHEET_SUFFIXES:
        return _read_workbook(path, data, name, sheet)
    if suffix in PARQUET_SUFFIXES:
        return [_read_parquet(data, name)]
    raise InputError.single(
        f"不支持的文件类型“{suffix or '无扩展名'}”", file=name, value=suffix, expected=ACCEPTED
    )


def _refuse_disguised_workbook(data: bytes, name: str) -> None:
    if data.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        raise InputError.single(
            "这是一个 Excel 工作簿，但扩展名是 .csv；请把扩展名改为 .xlsx（或 .xls）后再导入",
            file=name, expected=ACCEPTED,
        )


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode CSV bytes; returns (text, encoding name). Refuses binary and unknown encodings."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _decode(data, encoding, name), encoding
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text, encoding
    raise InputError.single(
        "无法识别文件编码，或这不是文本文件", file=name,
        expected="UTF-8 或 GBK/GB18030 编码的 CSV；在 Excel 中“另存为 CSV UTF-8”即可",
    )


def _decode(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError.single(
            f"文件声明为 {encoding} 编码，但第 {exc.start} 字节处无法解码", file=name,
            expected="编码一致的文本文件",
        ) from exc


def _sniff_delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    return max(_DELIMITERS, key=first.count)


def _read_csv(data: bytes, name: str) -> RawSheet:
    text, encoding = decode_text(data, name)
    delimiter = _sniff_delimiter(text)
    frame = _fast_csv(text, encoding, data, delimiter)
    if frame is None:
        frame = frame_from_rows(_python_csv(text, delimiter, name))
    return RawSheet(file=name, sheet=None, frame=frame, encoding=encoding)


def _fast_csv(text: str, encoding: str, data: bytes, delimiter: str) -> pl.DataFrame | None:
    """Polars' reader for well-formed files; None when it objects (the careful path explains)."""
    raw = data if encoding == "utf-8" else text.encode("utf-8")
    try:
        frame = pl.read_csv(io.BytesIO(raw), has_header=False, infer_schema=False,
                            separator=delimiter, quote_char='"', raise_if_empty=False)
    except Exception:  # noqa: BLE001 - any objection sends the file to the careful reader
        return None
    return frame.rename({c: f"c{i}" for i, c in enumerate(frame.columns)})


def _python_csv(text: str, delimiter: str, name: str) -> list[list[str | None]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        return [[c if c != "" else None for c in r] for r in reader]
    except csv.Error as exc:
        raise InputError.single(
            f"CSV 格式错误：{exc}", file=name, row=reader.line_num,
            expected="每个引号都成对闭合的 CSV",
        ) from exc


def _read_workbook(path: Path, data: bytes, name: str, sheet: str | None) -> list[RawSheet]:
    from python_calamine import CalamineWorkbook

    if path.suffix.lower() in {".xlsx", ".xlsm", ".ods"} and not data.startswith(_ZIP_MAGIC):
        raise InputError.single(
            "文件扩展名是 Excel，但内容不是 Excel 工作簿（可能已损坏，或其实是 CSV/文本）",
            file=name, expected=ACCEPTED,
        )
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:
        raise InputError.single(
            f"无法读取 Excel 工作簿：{exc}", file=name, expected="能用 Excel 正常打开的 .xlsx/.xls 文件"
        ) from exc
    names = [s for s in book.sheet_names if sheet is None or s == sheet]
    if sheet is not None and not names:
        raise InputError.single(
            f"工作簿中没有名为“{sheet}”的工作表", file=name, column="--sheet", value=sheet,
            expected="、".join(book.sheet_names),
        )
    hidden = path.suffix.lower() in {".xlsx", ".xlsm"}
    return [_read_sheet(book, s, name, hidden_cells(data, s) if hidden else []) for s in names]


def _read_sheet(book: object, sheet: str, name: str, hidden: list[HiddenCell]) -> RawSheet:
    """The sheet's cells as text; ``hidden`` cells (errors, formulas without a value), which the
    reader gives as empty, get the text that stands for them, so that an imported column reports
    them (see :func:`jiqun.ingest.columns.excel_leftovers`)."""
    try:
        cells = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)  # type: ignore[attr-defined]
    except Exception as exc:
        raise InputError.single(f"无法读取工作表：{exc}", file=name, column=sheet) from exc
    rows = [[clean_cell(v) for v in row] for row in cells]
    for cell in hidden:
        row, column = cell.row - 1, column_index(cell.column)
        if row < len(rows):
            rows[row].extend([None] * (column + 1 - len(rows[row])))
            rows[row][column] = shown_text(cell)
    return RawSheet(file=name, sheet=sheet, frame=frame_from_rows(rows))


def column_index(letters: str) -> int:
    """0-based index of a spreadsheet column: A → 0, Z → 25, AA → 26."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def _read_parquet(data: bytes, name: str) -> RawSheet:
    try:
        frame = pl.read_parquet(io.BytesIO(data))
    except Exception as exc:
        raise InputError.single(f"无法读取 Parquet 文件：{exc}", file=name,
                                expected="由 jiqun export 或其他工具写出的 Parquet 文件") from exc
    text = frame.select(pl.all().cast(pl.String))
    text.columns = [f"c{i}" for i in range(text.width)]
    header = pl.DataFrame([pl.Series(f"c{i}", [c], pl.String) for i, c in enumerate(frame.columns)])
    return RawSheet(file=name, sheet=None, frame=pl.concat([header, text]))
