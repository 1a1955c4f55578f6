"""``jiqun export``: the registry as XLSX, CSV or Parquet, in the columns ``jiqun import`` reads.

Money is written in the unit of the export header (万元 by default) as an exact decimal, so
export → import changes nothing. Choice values are written as their first Chinese spelling
(or the canonical English value with ``lang='en'``), flags as 是/否.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

import polars as pl
from django.db import connection

from jiqun.errors import InputError
from jiqun.ingest.parse import UNITS
from jiqun.ingest.schema import FieldSpec, KindSpec, load_schema
from jiqun.ingest.writer import CENTS, TARGETS

FORMATS = ("xlsx", "csv", "parquet")
NUMERIC_TYPES = frozenset({"money", "quantity", "count", "year"})


def export_registry(out: Path, fmt: str, kinds: Iterable[str] | None = None,
                    lang: str = "zh") -> list[tuple[Path, int]]:
    """Write every (or the chosen) table of the registry; returns (path, rows) per file."""
    if fmt not in FORMATS:
        raise InputError.single("不支持的导出格式", column="--format", value=fmt, expected="、".join(FORMATS))
    _prepare_output(out if fmt != "xlsx" else out.parent)
    schema = load_schema()
    chosen = [schema.kinds[k] for k in kinds] if kinds else schema.ordered()
    frames = [(spec, *_export(spec, lang)) for spec in sorted(chosen, key=lambda s: s.order)]
    frames = [f for f in frames if not f[1].is_empty()]  # an empty table is not a file to import
    if not frames:
        raise InputError.single("登记库中没有可导出的数据", column="--kind", expected="先导入数据")
    if fmt == "xlsx":
        return _write_xlsx(out, frames, lang)
    return [_write_one(out, spec, frame, fmt, lang) for spec, frame, _ in frames]


def export_frame(spec: KindSpec, lang: str = "zh") -> pl.DataFrame:
    """One registry table as a frame with export headers (``营业收入(万元)`` …)."""
    return _export(spec, lang)[0]


def _export(spec: KindSpec, lang: str) -> tuple[pl.DataFrame, list[FieldSpec]]:
    raw = _read_table(spec.name)
    fields = [spec.fields[name] for name in spec.fields if name in raw.columns]
    columns = [_exports_with_units(f, raw, lang) if f.name == "exports"
               else _export_column(f, raw[f.name], lang) for f in fields]
    return pl.DataFrame(columns), fields


def _exports_with_units(spec: FieldSpec, raw: pl.DataFrame, lang: str) -> pl.Series:
    """Exports mix yuan and US dollars: each cell carries its own unit (``12.5万美元``).

    The header then names no unit, so that the 出口币种 column and the cell always agree.
    """
    unit = {"USD": "万美元", "CNY": "万元"} if lang == "zh" else {"USD": "10k USD", "CNY": "10k yuan"}
    cells = [None if v is None else f"{_scaled(v, 4)}{unit.get(c or 'CNY', unit['CNY'])}"
             for v, c in zip(raw["exports"].to_list(), raw["export_currency"].to_list(), strict=True)]
    return pl.Series(spec.zh if lang == "zh" else spec.en, cells, pl.String)


def _read_table(kind: str) -> pl.DataFrame:
    target = TARGETS[kind]
    cols = [c for c in target.columns() if c.db not in {"park_id"}]
    extra = _extra_columns(kind)
    names = [c.db for c in cols] + [sql for _, sql in extra]
    table = connection.ops.quote_name(target.table)
    sql = f"SELECT {', '.join(names)} FROM {table} t ORDER BY 1, 2"  # noqa: S608 - model names
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    schema = [c.frame for c in cols] + [name for name, _ in extra]
    frame = pl.DataFrame(rows, schema=schema, orient="row", infer_schema_length=None)
    return _from_db(kind, frame, [c.frame for c in cols if c.kind == CENTS])


def _extra_columns(kind: str) -> list[tuple[str, str]]:
    if kind == "enterprises":
        park = connection.ops.quote_name("registry_park")
        return [("park", f"(SELECT name FROM {park} p WHERE p.id = t.park_id)")]  # noqa: S608
    return []


def _from_db(kind: str, frame: pl.DataFrame, cents: list[str]) -> pl.DataFrame:
    frame = frame.with_columns([pl.col(c).map_elements(_yuan, return_dtype=pl.Object)
                                for c in cents if c in frame.columns])
    if kind == "supply_links":
        for side in ("supplier", "buyer"):
            key = pl.col(f"{side}_key").cast(pl.String)
            frame = frame.with_columns(
                pl.when(key.str.contains("@")).then(None).otherwise(key).alias(f"{side}_uscc"))
    return frame


def _yuan(value: object) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _export_column(spec: FieldSpec, values: pl.Series, lang: str) -> pl.Series:
    header = spec.header(lang)
    if spec.type in {"money", "quantity"}:
        exponent = UNITS[spec.unit].exponent if spec.unit in UNITS else 0
        return pl.Series(header, [_scaled(v, exponent) for v in values.to_list()], pl.String)
    if spec.type == "choice":
        mapping = {k: (v[0] if lang == "zh" and v else k) for k, v in spec.choices.items()}
        return values.cast(pl.String).replace_strict(mapping, default=None,
                                                     return_dtype=pl.String).alias(header)
    if spec.type == "bool":
        yes, no = ("是", "否") if lang == "zh" else ("yes", "no")
        return values.cast(pl.Boolean).replace_strict({True: yes, False: no}, default=None,
                                                      return_dtype=pl.String).alias(header)
    if spec.type == "text":
        return values.cast(pl.String).replace("", None).alias(header)
    return values.cast(pl.String).alias(header)


def _scaled(value: Decimal | None, exponent: int) -> str | None:
    if value is None:
        return None
    return format(value.scaleb(-exponent).normalize(), "f")


def _write_xlsx(out: Path, frames: list[tuple[KindSpec, pl.DataFrame, list[FieldSpec]]],
                lang: str) -> list[tuple[Path, int]]:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for spec, frame, fields in frames:
        sheet = book.create_sheet(spec.label(lang))
        sheet.append(frame.columns)
        numeric = [f.type in NUMERIC_TYPES and f.name != "exports" for f in fields]
        for row in frame.iter_rows():
            sheet.append([_number(v) if n else v for v, n in zip(row, numeric, strict=True)])
    _atomic_save(out, lambda tmp: book.save(tmp))
    return [(out, sum(f.height for _, f, _ in frames))]


def _number(value: object) -> object:
    """A numeric cell as an Excel number when the float is exact, else as exact text."""
    if not isinstance(value, str):
        return value
    number = Decimal(value)
    as_float = float(number)
    if Decimal(repr(as_float)) != number:
        return value
    return int(number) if number == number.to_integral_value() else as_float


def _write_one(out: Path, spec: KindSpec, frame: pl.DataFrame, fmt: str,
               lang: str) -> tuple[Path, int]:
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{spec.label(lang)}.{fmt}"
    if fmt == "csv":
        _atomic_save(path, lambda tmp: frame.write_csv(tmp, include_bom=True))
    else:
        _atomic_save(path, lambda tmp: frame.write_parquet(tmp))
    return path, frame.height


def _prepare_output(folder: Path) -> None:
    """Create the output folder now, so that a bad --out fails before any work is done."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError.single(f"无法写入：{exc.strerror}", file=str(folder), column="--out",
                                expected="可写的目录或文件路径") from exc
    if not os.access(folder, os.W_OK):
        raise InputError.single("目录不可写", file=str(folder), column="--out",
                                expected="可写的目录或文件路径")


def _atomic_save(path: Path, save: object) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=path.suffix + ".tmp")
    except OSError as exc:
        raise InputError.single(f"无法写入：{exc.strerror}", file=str(path), column="--out",
                                expected="可写的目录或文件路径") from exc
    os.close(fd)
    try:
        save(tmp)  # type: ignore[operator]
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
