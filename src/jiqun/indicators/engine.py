"""The engine seam: one Ibis expression, run in-process on DuckDB (default) or on Spark.

Indicators are written once as Ibis expressions over a *long table* — one row per region ×
industry (× year) with a value. This module turns the user's data (a polars, pandas or pyarrow
frame, or a file) into an Ibis table on the chosen backend and brings results back as polars.
The analytics core imports no web, ORM or CLI code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis
import polars as pl
from ibis.expr.types import Table

from jiqun.errors import InputError

ENGINES = ("duckdb",)


@dataclass(frozen=True)
class Columns:
    """Which columns of the long table hold what."""

    region: str = "region"
    industry: str = "industry"
    value: str = "value"
    year: str | None = None

    def year_keys(self) -> list[str]:
        """The columns that group a cross-section: the year when there is one."""
        return [self.year] if self.year else []


def connect(engine: str = "duckdb") -> Any:
    """An Ibis backend: an in-memory DuckDB (the default)."""
    if engine == "duckdb":
        return ibis.duckdb.connect()
    raise InputError.single("不支持的计算引擎", column="--engine", value=engine,
                            expected="、".join(ENGINES))


def long_table(data: Any, cols: Columns, con: Any) -> Table:
    """The user's data as an Ibis table on ``con``, checked and with a float value column."""
    frame = _as_polars(data)
    _check_columns(frame, cols)
    keep = [cols.region, cols.industry, *cols.year_keys(), cols.value]
    frame = frame.select(
        pl.col(cols.region).cast(pl.String), pl.col(cols.industry).cast(pl.String),
        *[pl.col(c) for c in cols.year_keys()], pl.col(cols.value).cast(pl.Float64),
    ).select(keep)
    _check_values(frame, cols)
    return con.create_table(ibis.util.gen_name("long"), frame, temp=True)


def run(expr: Table, con: Any, order: list[str] | None = None) -> pl.DataFrame:
    """Execute ``expr`` on ``con`` and return a polars frame (sorted by ``order`` if given)."""
    result = con.to_polars(expr)
    return result.sort(order) if order else result


def _as_polars(data: Any) -> pl.DataFrame:
    if isinstance(data, pl.DataFrame):
        return data
    if isinstance(data, (str, Path)):
        return _read_file(Path(data))
    try:
        return pl.from_pandas(data) if hasattr(data, "to_numpy") and hasattr(data, "iloc") \
            else pl.DataFrame(pl.from_arrow(data))
    except (TypeError, ValueError) as exc:
        raise InputError.single(f"不能作为长表读取：{type(data).__name__}",
                                expected="polars/pandas/pyarrow 表或 CSV/XLSX/Parquet 文件") from exc


def _read_file(path: Path) -> pl.DataFrame:
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            return pl.read_parquet(path)
        if suffix in {".xlsx", ".xls"}:
            return pl.read_excel(path, engine="calamine")
        return pl.read_csv(path, infer_schema_length=10_000)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise InputError.single(f"无法读取：{exc}", file=path.name,
                                expected="CSV、XLSX 或 Parquet 长表") from exc


def _check_columns(frame: pl.DataFrame, cols: Columns) -> None:
    wanted = [cols.region, cols.industry, cols.value, *cols.year_keys()]
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        raise InputError.single(f"缺少列：{'、'.join(missing)}", column=missing[0],
                                expected=f"表中现有的列：{'、'.join(frame.columns)}")


def _check_values(frame: pl.DataFrame, cols: Columns) -> None:
    bad = frame.filter(pl.col(cols.value).is_nan() | pl.col(cols.value).is_null()
                       | (pl.col(cols.value) < 0))
    if bad.height:
        row = bad.row(0, named=True)
        raise InputError.single("数值缺失、非数字或为负", column=cols.value, value=str(row[cols.value]),
                                expected="非负数（没有的组合可以省略或填 0）")
