"""Read the tables of a CSV or spreadsheet file as text, with exact spreadsheet row numbers.

CSV files come in UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030; the encoding is
detected, never assumed. Spreadsheets (XLSX, XLSM, XLS, ODS) are read with python-calamine.
Every problem is an :class:`~jiqun.errors.InputError` naming the file.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path

from jiqun.errors import InputError
from jiqun.ingest.parse import clean_cell

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
    """The cells of one CSV file or one worksheet, as text (``None`` for an empty cell).

    ``rows[i]`` is spreadsheet row ``i + 1``; rows keep their length as read.
    """

    file: str
    sheet: str | None
    rows: list[list[str | None]]
    encoding: str = ""

    def where(self) -> str:
        return f"{self.file}［{self.sheet}］" if self.sheet else self.file


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
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text), strict=True)
    try:
        rows: list[list[str | None]] = [list(r) for r in reader]
    except csv.Error as exc:
        raise InputError.single(
            f"CSV 格式错误：{exc}", file=name, row=reader.line_num,
            expected="每个引号都成对闭合的 CSV",
        ) from exc
    return RawSheet(file=name, sheet=None, rows=rows, encoding=encoding)


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
    return [_read_sheet(book, s, name) for s in names]


def _read_sheet(book: object, sheet: str, name: str) -> RawSheet:
    try:
        cells = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)  # type: ignore[attr-defined]
    except Exception as exc:
        raise InputError.single(f"无法读取工作表：{exc}", file=name, column=sheet) from exc
    rows = [[clean_cell(v) for v in row] for row in cells]
    return RawSheet(file=name, sheet=sheet, rows=rows)


def _read_parquet(data: bytes, name: str) -> RawSheet:
    import polars as pl

    try:
        frame = pl.read_parquet(io.BytesIO(data))
    except Exception as exc:
        raise InputError.single(f"无法读取 Parquet 文件：{exc}", file=name,
                                expected="由 jiqun export 或其他工具写出的 Parquet 文件") from exc
    text = frame.select(pl.all().cast(pl.String))
    rows: list[list[str | None]] = [list(frame.columns)]
    rows += [list(r) for r in text.iter_rows()]
    return RawSheet(file=name, sheet=None, rows=rows)
