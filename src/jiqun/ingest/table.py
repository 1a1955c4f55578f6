"""From a raw sheet to a recognised table: find the header row, the kind and the columns."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from jiqun.errors import InputError, Problem
from jiqun.ingest.readers import RawSheet
from jiqun.ingest.schema import (
    ColumnMatch,
    FieldSpec,
    KindSpec,
    is_report_column,
    kind_score,
    load_schema,
    match_columns,
)

HEADER_SEARCH_ROWS = 15
ROW = "_row"


@dataclass
class Table:
    """A sheet whose kind and columns are known; ``cells`` holds the matched columns as text.

    ``cells`` has one Utf8 column per matched field (named after the field) and ``_row``, the
    spreadsheet row number of each data row.
    """

    sheet: RawSheet
    kind: KindSpec
    header_row: int
    columns: list[ColumnMatch]
    cells: pl.DataFrame
    notes: list[Problem] = field(default_factory=list)

    def column(self, name: str) -> ColumnMatch | None:
        return next((c for c in self.columns if c.field.name == name), None)

    def header_of(self, name: str) -> str:
        match = self.column(name)
        return match.header if match else self.kind.fields[name].zh


def recognise(sheet: RawSheet, kind: str | None = None) -> Table:
    """Find the header row and the kind of ``sheet`` (or use ``kind``) and extract its columns."""
    if not _has_content(sheet.frame):
        raise InputError.single("文件或工作表中没有任何内容", file=sheet.where(),
                                expected="第一行为表头、其后为数据行")
    header_index, spec = _find_header(sheet, kind)
    headers = [_header_text(c) for c in sheet.row(header_index)]
    columns = match_columns(spec.name, headers)
    problems = _header_problems(sheet, spec, header_index, headers, columns)
    if any(p.severity == "error" for p in problems):
        raise InputError(f"{sheet.where()}：表头有误", problems)
    cells = _extract(sheet, header_index, columns, len(headers))
    if cells.is_empty():
        raise InputError.single("表中没有数据行（只有表头）", file=sheet.where(), row=header_index + 1,
                                expected="表头下面至少有一行数据")
    return Table(sheet, spec, header_index + 1, columns, cells, notes=problems)


def _header_text(cell: str | None) -> str:
    return (cell or "").strip()


def _find_header(sheet: RawSheet, kind: str | None) -> tuple[int, KindSpec]:
    schema = load_schema()
    candidates = [schema.kinds[kind]] if kind else schema.ordered()
    best: tuple[tuple[int, int], int, KindSpec] | None = None
    for i in range(min(HEADER_SEARCH_ROWS, sheet.height)):
        headers = [_header_text(c) for c in sheet.row(i)]
        for spec in candidates:
            score = kind_score(spec.name, headers)
            complete = score[0] == len(spec.required())
            rank = (int(complete), score[1])
            if score[1] and (best is None or rank > best[0]):
                best = (rank, i, spec)
    if best is None or (kind is None and not best[0][0]):
        raise _no_header_error(sheet, best, kind)
    return best[1], best[2]


def _no_header_error(
    sheet: RawSheet, best: tuple[tuple[int, int], int, KindSpec] | None, kind: str | None
) -> InputError:
    """No complete header: name the missing columns of the closest kind, or say none matched."""
    if best is not None and best[0][1] >= 2:
        (_, _), index, closest = best
        headers = [_header_text(c) for c in sheet.row(index)]
        found = {m.field.name for m in match_columns(closest.name, headers)}
        problems = [_missing(sheet.where(), index + 1, f) for f in closest.required()
                    if f.name not in found]
        return InputError(f"{sheet.where()}：缺少“{closest.zh}”必需的列", problems)
    first = [c for c in sheet.row(0) if c]
    message = "未识别出表头：前 15 行中没有一个已知的列名"
    if kind:
        message += f"（已指定 --kind {kind}）"
    return InputError.single(
        message, file=sheet.where(), row=1, value="、".join(first[:8]),
        expected="例如：统一社会信用代码、企业名称、区县代码、行业代码、年份、营业收入(万元)")


def _header_problems(
    sheet: RawSheet, spec: KindSpec, index: int, headers: list[str], columns: list[ColumnMatch]
) -> list[Problem]:
    where, row = sheet.where(), index + 1
    problems = [_missing(where, row, f) for f in spec.required()
                if f.name not in {c.field.name for c in columns}]
    problems += _duplicated_columns(where, row, columns)
    problems += _second_header(sheet, spec, index)
    problems += _ignored_columns(where, row, headers, columns)
    if index > 0:
        problems.append(Problem(f"表头在第 {row} 行，其上 {index} 行（标题、说明）已忽略",
                                file=where, row=row, severity="warning"))
    return problems


def _missing(where: str, row: int, spec: FieldSpec) -> Problem:
    names = "、".join(dict.fromkeys([spec.zh, *spec.aliases[:3]]))
    return Problem(f"缺少必需的列“{spec.zh}”", file=where, row=row, column=spec.zh,
                   expected=f"表头中应有一列名为：{names}")


def _duplicated_columns(where: str, row: int, columns: list[ColumnMatch]) -> list[Problem]:
    seen: dict[str, ColumnMatch] = {}
    problems = []
    for col in columns:
        first = seen.setdefault(col.field.name, col)
        if first is not col:
            problems.append(Problem(
                f"“{col.header}”与第 {first.index + 1} 列“{first.header}”是同一个字段",
                file=where, row=row, column=col.header, expected="每个字段只出现一列"))
    return problems


def _second_header(sheet: RawSheet, spec: KindSpec, index: int) -> list[Problem]:
    if index + 1 >= sheet.height:
        return []
    nxt = [_header_text(c) for c in sheet.row(index + 1)]
    if kind_score(spec.name, nxt)[1] < 2:
        return []
    return [Problem("表头下面又是一行表头（两行表头）；请合并为一行表头后再导入",
                    file=sheet.where(), row=index + 2, value="、".join(c for c in nxt if c)[:80],
                    expected="只有一行表头，其下直接是数据")]


def _ignored_columns(
    where: str, row: int, headers: list[str], columns: list[ColumnMatch]
) -> list[Problem]:
    used = {c.index for c in columns}
    return [Problem("未识别的列，已忽略", file=where, row=row, column=h, severity="warning",
                    expected="见 jiqun import --help 中的列名")
            for i, h in enumerate(headers) if i not in used and h and not is_report_column(h)]


def _has_content(frame: pl.DataFrame) -> bool:
    if frame.width == 0 or frame.height == 0:
        return False
    return bool(frame.select(pl.any_horizontal(_non_blank(c) for c in frame.columns).any()).item())


def _non_blank(column: str) -> pl.Expr:
    return pl.col(column).str.strip_chars().fill_null("") != ""


def _extract(
    sheet: RawSheet, header_index: int, columns: list[ColumnMatch], width: int
) -> pl.DataFrame:
    """The matched columns of the data rows (blank rows dropped), with ``_row`` and ``_overflow``."""
    body = sheet.frame.slice(header_index + 1).with_row_index(ROW, offset=header_index + 2)
    data_columns = list(sheet.frame.columns)
    body = body.filter(pl.any_horizontal(_non_blank(c) for c in data_columns)) if data_columns else body
    extra = data_columns[width:]
    overflow = pl.any_horizontal(_non_blank(c) for c in extra) if extra else pl.lit(False)
    return body.select(
        pl.col(ROW).cast(pl.Int64),
        *[pl.col(f"c{c.index}").alias(c.field.name) for c in columns],
        overflow.alias("_overflow"),
    )
