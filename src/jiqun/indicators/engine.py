"""The engine seam: one Ibis expression, run in-process on DuckDB (default) or on Spark.

Indicators are written once as Ibis expressions over a *long table* — one row per region ×
industry (× year) with a value, or one row per firm when a firm column is given. This module
turns the user's data (a polars, pandas or pyarrow frame, or a file) into an Ibis table on the
chosen backend and brings results back as polars. The analytics core imports no web, ORM or CLI
code.

Spark runs in local mode unless ``JIQUN_SPARK_MASTER`` names a cluster (``spark://host:7077``,
``yarn`` …); everything else (memory, executors) comes from Spark's own configuration
(``SPARK_CONF_DIR``/``spark-defaults.conf``).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import duckdb
import ibis
import polars as pl
from ibis.expr.types import Table

from jiqun.errors import InputError, JiqunError

ENGINES = ("duckdb", "spark")
SPARK_MASTER_DEFAULT = "local[2]"


@dataclass(frozen=True)
class Columns:
    """Which columns of the long table hold what.

    ``firm`` makes the table firm-level (one row per firm [× year]); measures of regions and
    industries then add firms up per region × industry first. ``area``, ``population`` and
    ``establishments`` are attributes of a region (area, population) or of a region × industry
    (number of establishments) repeated on its rows.

    ``grain`` is what is known of the rows rather than a column: ``"cell"`` when the table has
    one row per region × industry (× year) already, ``"firm"`` when it has one row per firm
    within a cell (a firm-year registry); then the grouping that would make it so is skipped.
    """

    region: str = "region"
    industry: str = "industry"
    value: str = "value"
    year: str | None = None
    firm: str | None = None
    area: str | None = None
    population: str | None = None
    establishments: str | None = None
    grain: Literal["cell", "firm"] | None = None

    def year_keys(self) -> list[str]:
        """The columns that group a cross-section: the year when there is one."""
        return [self.year] if self.year else []

    def cell_keys(self) -> list[str]:
        """Region, industry and year: the key of one cell of the region × industry table."""
        return [self.region, self.industry, *self.year_keys()]

    def optional_numeric(self) -> list[str]:
        """The optional numeric attribute columns that are set."""
        return [c for c in (self.area, self.population, self.establishments) if c]

    def named(self) -> list[str]:
        """Every column named, in the order of the fields."""
        return [name for name in (self.region, self.industry, self.value, self.year, self.firm,
                                  self.area, self.population, self.establishments) if name]


def connect(engine: str = "duckdb") -> Any:
    """An Ibis backend: an in-memory DuckDB (the default) or a Spark session."""
    if engine == "duckdb":
        try:
            return ibis.duckdb.connect(**duckdb_settings())
        except duckdb.Error as exc:
            raise InputError.single(f"DuckDB 设置无效：{exc}", column="JIQUN_DUCKDB_MEMORY",
                                    value=duckdb_memory_limit(),
                                    expected="内存上限，如 4GB、500MB，或 auto") from exc
    if engine == "spark":
        return ibis.pyspark.connect(spark_session())
    raise InputError.single("不支持的计算引擎", column="--engine", value=engine,
                            expected="、".join(ENGINES))


DUCKDB_MEMORY_DEFAULT = "2GB"


def duckdb_settings() -> dict[str, Any]:
    """DuckDB settings of jiqun's connections.

    ``JIQUN_DUCKDB_MEMORY`` is DuckDB's memory limit, 2 GB unless set: jiqun runs on a county's
    laptop beside other programs, and with 2 GB a national registry of 50 million firm-years is
    measured in under 4 GB of memory in all (benchmarks/RESULTS.md). Above the limit DuckDB
    spills to disk instead of growing. ``auto`` leaves DuckDB's own limit (80 % of RAM), which is
    faster from tens of millions of rows on when the memory is there. Spilled data goes to a
    private folder of the system's temporary directory (``JIQUN_DUCKDB_TEMP`` names another),
    never into the working directory. Results are sorted explicitly where order matters, so
    DuckDB need not keep insertion order (which lets it stream large results in less memory).
    """
    settings: dict[str, Any] = {"preserve_insertion_order": False, "temp_directory": duckdb_temp()}
    limit = duckdb_memory_limit()
    if limit.lower() != "auto":
        settings["memory_limit"] = limit
    return settings


def duckdb_memory_limit() -> str:
    """The memory limit asked of DuckDB: ``JIQUN_DUCKDB_MEMORY``, 2GB by default, or ``auto``."""
    return os.environ.get("JIQUN_DUCKDB_MEMORY", "").strip() or DUCKDB_MEMORY_DEFAULT


def duckdb_temp() -> str:
    """The folder DuckDB spills to: ``JIQUN_DUCKDB_TEMP``, else a private folder (mode 0700) of
    this process under the system's temporary directory, removed when the process ends."""
    chosen = os.environ.get("JIQUN_DUCKDB_TEMP", "").strip()
    if chosen:
        return _writable_folder(chosen)
    if not _SPILL_FOLDERS:
        folder = Path(tempfile.mkdtemp(prefix="jiqun-duckdb-"))
        atexit.register(shutil.rmtree, folder, True)
        _SPILL_FOLDERS.append(folder)
    return str(_SPILL_FOLDERS[0])


_SPILL_FOLDERS: list[Path] = []


def _writable_folder(chosen: str) -> str:
    """``chosen``, created if need be, once it is known to take files: DuckDB would only find
    out when it first spills, in the middle of a computation."""
    folder = Path(chosen)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()
    except OSError as exc:
        raise InputError.single(f"DuckDB 的临时目录不可用：{exc.strerror or exc}", column="JIQUN_DUCKDB_TEMP",
                                value=chosen, expected="可写的目录，或不设置（使用系统临时目录）") from exc
    return str(folder)


def memory_capped(con: Any) -> bool:
    """Whether ``con`` is a DuckDB connection with a memory limit of jiqun's (not ``auto``)."""
    return con.name == "duckdb" and duckdb_memory_limit().lower() != "auto"


def out_of_memory(exc: BaseException) -> bool:
    """Whether ``exc`` is DuckDB running out of memory (its limit, or the machine's)."""
    return isinstance(exc, duckdb.OutOfMemoryException)


def spark_session() -> Any:
    """The process's Spark session: local mode unless ``JIQUN_SPARK_MASTER`` says otherwise."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise InputError.single("未安装 Spark 引擎（PySpark）", column="--engine", value="spark",
                                expected="pip install 'jiqun[spark]'，并安装 Java 17") from exc
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise JiqunError("Spark 需要 Java 17：未找到 java，也未设置 JAVA_HOME")
    master = os.environ.get("JIQUN_SPARK_MASTER", SPARK_MASTER_DEFAULT)
    builder = (SparkSession.builder.appName("jiqun").master(master)
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.ui.showConsoleProgress", "false"))
    if master.startswith("local"):
        builder = builder.config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "8")
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def long_table(data: Any, cols: Columns, con: Any) -> Table:
    """The user's data as an Ibis table on ``con``, checked, with string codes and float values.

    A Parquet file is scanned in place by the engine (no copy into memory: this is the path for
    tens of millions of rows) and checked there; anything else is read and checked with polars
    first and handed to the engine without a copy where the engine allows it.
    """
    if isinstance(data, (str, Path)) and Path(data).suffix.lower() == ".parquet":
        return scan_parquet(Path(data), cols, con)
    first_row = 2 if isinstance(data, (str, Path)) else 1  # a file's row 1 is its header
    return upload(prepare_frame(as_polars(data), cols, first_row), con)


def scan_parquet(path: Path, cols: Columns, con: Any) -> Table:
    """A Parquet long table scanned by the engine, typed and checked with one aggregate query."""
    if not path.is_file():
        raise InputError.single("找不到文件", file=str(path), expected="存在的 Parquet 长表")
    try:
        raw = (con.read_parquet(str(path), file_row_number=True) if con.name == "duckdb"
               else con.read_parquet(str(path)))
    except Exception as exc:  # each engine raises its own reader errors
        raise InputError.single(f"无法读取 Parquet：{exc}", file=path.name, expected="Parquet 长表") from exc
    _check_columns_named(list(raw.columns), cols, path.name)
    both = raw.mutate(**_typed_columns(raw, cols))
    _check_scanned(both, cols, con, path.name)
    return both.select(**{c: both[f"jq_typed_{c}"] for c in _kept(cols)})


@contextmanager
def _without_statistics_folding(con: Any) -> Iterator[None]:
    """DuckDB 2.0 folds ``isnan()`` to false from Parquet min/max statistics, which leave NaN out;
    the check query runs with that optimisation off (a full scan it needs anyway)."""
    if con.name != "duckdb":
        yield
        return
    con.raw_sql("SET disabled_optimizers = 'statistics_propagation'")
    try:
        yield
    finally:
        con.raw_sql("RESET disabled_optimizers")


def _kept(cols: Columns) -> list[str]:
    codes = [c for c in (cols.region, cols.industry, cols.firm) if c]
    return [*codes, *cols.year_keys(), cols.value, *cols.optional_numeric()]


def _typed_columns(raw: Table, cols: Columns) -> dict[str, Any]:
    """Each kept column cast to its type, under the name ``jq_typed_<column>``."""
    codes = [c for c in (cols.region, cols.industry, cols.firm) if c]
    casts = {c: raw[c].cast("string") for c in codes}
    casts.update({c: raw[c].try_cast("int64") for c in cols.year_keys()})
    casts.update({c: raw[c].try_cast("float64") for c in [cols.value, *cols.optional_numeric()]})
    return {f"jq_typed_{c}": value for c, value in casts.items()}


def _problems(both: Table, cols: Columns) -> dict[str, tuple[Any, str, str]]:
    """Per column: the condition of a bad row, the message and what is expected."""
    out: dict[str, tuple[Any, str, str]] = {}
    for c in (cols.region, cols.industry, cols.firm):
        if c:
            typed = both[f"jq_typed_{c}"]
            # a blank code sorts below "!" (empty, or spaces first): the comparison lets the engine
            # skip every Parquet row group whose minimum says it holds no such value
            blank = typed.isnull() | ((typed < "!") & (typed.strip() == ""))
            out[c] = (blank, "代码为空", "每一行都要有代码")
    for c in cols.year_keys():
        out[c] = (both[f"jq_typed_{c}"].isnull(), "年份不是整数", "四位整数年份，如 2024")
    for c in [cols.value, *cols.optional_numeric()]:
        typed = both[f"jq_typed_{c}"]
        out[c] = (typed.isnull() | typed.isnan() | (typed < 0), "数值缺失、非数字或为负",
                  "非负数（没有的组合可以省略或填 0）")
    return out


def _check_scanned(both: Table, cols: Columns, con: Any, file: str) -> None:
    """Count the bad rows of every column; only a column with bad rows costs another pass, which
    finds its first bad row and the value as given.

    Numbers are checked in one aggregate pass with statistics folding off (Parquet statistics
    leave NaN out); each code column in a filtered count that the engine can answer from the
    row groups' null counts and minima when no code is blank.
    """
    problems = _problems(both, cols)
    codes = {c for c in (cols.region, cols.industry, cols.firm) if c}
    numbers = {k: v for k, v in problems.items() if k not in codes}
    counts = both.aggregate(**{f"jq_bad_{k}": condition.cast("int64").sum()
                               for k, (condition, _, _) in enumerate(numbers.values())})
    with _without_statistics_folding(con):
        found = con.execute(counts).iloc[0]
    bad = [column for k, column in enumerate(numbers) if found[f"jq_bad_{k}"]]
    bad += [column for column in codes if con.execute(both.filter(problems[column][0]).count())]
    for column in [c for c in problems if c in bad]:  # in the order of the columns
        condition, message, expected = problems[column]
        with _without_statistics_folding(con):
            row, value = _first_bad(both, column, condition, con)
        raise InputError.single(message, file=file, row=row, column=column, value=value, expected=expected)


def _first_bad(both: Table, column: str, condition: Any, con: Any) -> tuple[int | None, str]:
    """The first bad row (1-based, when the engine numbers rows) and its value as given."""
    given = both[column].cast("string").fill_null("")
    if "file_row_number" in both.columns:
        first = con.execute(both.aggregate(row=both.file_row_number.min(where=condition),
                                           value=given.argmin(both.file_row_number, where=condition))).iloc[0]
        return int(first["row"]) + 1, str(first["value"])
    return None, str(con.execute(both.aggregate(value=given.min(where=condition))).iloc[0]["value"])


def prepare_frame(frame: pl.DataFrame, cols: Columns, first_row: int = 1) -> pl.DataFrame:
    """Keep the named columns, with string codes and float values, after checking them.

    ``first_row`` is the number messages give the frame's first row (2 for a file with a header).
    """
    _check_columns(frame, cols)
    codes = [c for c in (cols.region, cols.industry, cols.firm) if c]
    numeric = [cols.value, *cols.optional_numeric()]
    frame = frame.select(
        *[pl.col(c).cast(pl.String) for c in codes],
        *[pl.col(c).cast(pl.Int64, strict=False).alias(f"jq_year_{c}") for c in cols.year_keys()],
        *[pl.col(c) for c in cols.year_keys()],
        *[pl.col(c).cast(pl.Float64, strict=False).alias(f"jq_number_{c}") for c in numeric],
        *[pl.col(c).alias(f"jq_given_{c}") for c in numeric],
    )
    _check_years(frame, cols.year_keys(), first_row)
    _check_codes(frame, codes, first_row)
    for column in numeric:
        _check_values(frame, column, first_row)
    return frame.select(
        *codes, *[pl.col(f"jq_year_{c}").alias(c) for c in cols.year_keys()],
        *[pl.col(f"jq_number_{c}").alias(c) for c in numeric])


def cells(t: Table, c: Columns, count_rows: bool = False) -> Table:
    """One row per region × industry [× year]: rows of the same cell (firms) added up.

    Region attributes (area, population) are carried along; establishments are the number of
    distinct firms on a firm-level table, else the sum of the establishments column. A table whose
    grain is already the cell is returned as it is. ``count_rows`` adds ``jq_rows``, the number of
    input rows of each cell: equal to the establishments everywhere when every firm has one row
    per cell (see :func:`one_row_per_firm`).
    """
    if c.grain == "cell":
        return t
    attributes = [column for column in (c.area, c.population) if column]
    if c.firm and not c.establishments:
        # firms first, then count them: two hash aggregations beat one count(DISTINCT)
        firms = firm_cells(t, c, {**{column: t[column].max() for column in attributes},
                                  **({"jq_rows": t.count()} if count_rows else {})})
        rows = {"jq_rows": (firms.jq_rows.sum() if "jq_rows" in firms.columns else firms.count())}
        return firms.group_by(c.cell_keys()).agg(
            **{c.value: firms[c.value].sum(), "jq_establishments": firms.count().cast("float64")},
            **{column: firms[column].max() for column in attributes},
            **(rows if count_rows else {}))
    aggregates: dict[str, Any] = {c.value: t[c.value].sum(),
                                  **{column: t[column].max() for column in attributes}}
    if count_rows:
        aggregates["jq_rows"] = t.count()
    if c.establishments:
        aggregates[c.establishments] = t[c.establishments].sum()
    return t.group_by(c.cell_keys()).agg(**aggregates)


def firm_cells(t: Table, c: Columns, extra: dict[str, Any] | None = None) -> Table:
    """One row per firm within a region × industry [× year]: a firm's rows of one cell added up,
    with the ``extra`` aggregates of its rows.

    A table whose grain is already the firm is returned as it is (its columns are already the
    per-firm values, so ``extra`` is not computed).
    """
    if c.grain in {"firm", "cell"}:
        return t
    keys = [*c.cell_keys(), *([c.firm] if c.firm else [])]
    return t.group_by(keys).agg(**{c.value: t[c.value].sum(), **(extra or {})})


@ibis.udf.scalar.builtin(name="hash", signature=(("string", "string", "string", "int64"), "uint64"))
def _duckdb_hash4(firm: Any, region: Any, industry: Any, year: Any) -> Any:
    """DuckDB's 64-bit hash of a firm's cell key with a year."""


@ibis.udf.scalar.builtin(name="hash", signature=(("string", "string", "string"), "uint64"))
def _duckdb_hash3(firm: Any, region: Any, industry: Any) -> Any:
    """DuckDB's 64-bit hash of a firm's cell key without a year."""


def firm_rows_unique(t: Table, c: Columns, con: Any) -> bool | None:
    """Whether no firm has two rows in one cell (a firm-year registry), or None if not known.

    On DuckDB: as many distinct 64-bit hashes of (firm, region, industry, year) as rows. A hash
    collision can only make distinct keys look alike, so the answer errs towards "no", which is
    always safe (the firms' rows are then added up as usual); it costs one pass with a set of
    8-byte hashes instead of the much larger hash table that groups the firms' rows. Other
    engines answer from the cells (:func:`one_row_per_firm`).
    """
    if con.name != "duckdb" or c.firm is None:
        return None
    codes = (t[c.firm], t[c.region], t[c.industry])
    key = _duckdb_hash4(*codes, t[c.year]) if c.year else _duckdb_hash3(*codes)
    found = con.execute(t.aggregate(keys=key.nunique(), rows=t.count())).iloc[0]
    return bool(found["keys"] == found["rows"])


def one_row_per_firm(counted_cells: Table, con: Any) -> bool:
    """Whether every firm has one row per cell, from cells counted with ``count_rows=True``.

    A cell has as many rows as firms exactly when no firm has two rows in it; a firm-year
    registry is like this, and firm-level measures then need not group its rows again.
    """
    totals = counted_cells.aggregate(rows=counted_cells.jq_rows.sum(),
                                     firms=counted_cells.jq_establishments.sum())
    found = con.execute(totals).iloc[0]
    return bool(found["rows"] == found["firms"])


def with_sum(t: Table, value: Any, keys: list[str], name: str) -> Table:
    """``t`` with the sum of ``value`` over each group of ``keys`` (all rows without keys).

    A grouped aggregate joined back: on DuckDB this is several times faster than the equivalent
    window sum, and Spark plans it as well.
    """
    totals = (t.group_by(keys) if keys else t).aggregate(**{name: value.sum()})
    joined = t.inner_join(totals, keys) if keys else t.cross_join(totals)
    return joined.select(*t.columns, name)  # a finished join, so that the next one can refer to it


@ibis.udf.agg.builtin(name="max", signature=(("float64", "int64"), "array<float64>"))
def _duckdb_largest(value: Any, n: Any) -> Any:
    """DuckDB's ``max(value, n)``: the group's *n* largest values, largest first."""


LARGEST_HEAP_MAX = 10_000  # DuckDB's max(x, n) refuses n of a million and more


def sum_of_largest(t: Table, value: Any, n: int, spillable: bool = False) -> Any:
    """The sum of the ``n`` largest values of each group: an aggregate of ``t``.

    DuckDB keeps the *n* largest of a group in a bounded heap (``max(x, n)``): the fastest way,
    but DuckDB cannot spill these states to disk, so with millions of groups they need memory
    (about 2 GB for 8 million). ``spillable`` (and every engine but DuckDB) instead collects each
    group's values and sorts them, which DuckDB spills when its memory is capped (Spark sorts
    arrays but does not order an aggregation's input).
    """
    if ibis.get_backend(t).name == "duckdb" and not spillable and n <= LARGEST_HEAP_MAX:
        return _duckdb_largest(value, n).sums()
    return -(-value).collect().sort()[:n].sums()


def ordered(expr: Table, order: list[str]) -> Table:
    """``expr`` sorted by ``order`` on the engine, nulls last on every engine."""
    return expr.order_by([ibis.asc(expr[k], nulls_first=False) for k in order]) if order else expr


def establishments_column(c: Columns) -> str | None:
    """The column of :func:`cells` holding establishment counts, if there is one."""
    if c.establishments:
        return c.establishments
    return "jq_establishments" if c.firm else None


def run(expr: Table, con: Any, order: list[str] | None = None) -> pl.DataFrame:
    """Execute ``expr`` on ``con`` and return a polars frame (sorted by ``order`` if given)."""
    result = con.to_polars(expr)
    return result.sort(order, nulls_last=True) if order else result


def as_polars(data: Any) -> pl.DataFrame:
    """A polars frame from a polars, pandas or pyarrow table, or from a CSV/XLSX/Parquet file."""
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


def upload(frame: pl.DataFrame, con: Any) -> Table:
    name = ibis.util.gen_name("long")
    if con.name == "pyspark":
        # Spark reads Parquet in parallel; the file lives until the process exits
        path = _spark_scratch() / f"{name}.parquet"
        frame.write_parquet(path)
        return con.read_parquet(str(path), table_name=name)
    # DuckDB scans the Arrow buffers in place instead of copying them into a table
    con.con.register(name, frame.to_arrow())
    return con.table(name)


_SCRATCH: list[Path] = []


def _spark_scratch() -> Path:
    if not _SCRATCH:
        path = Path(tempfile.mkdtemp(prefix="jiqun-spark-"))
        atexit.register(shutil.rmtree, path, True)
        _SCRATCH.append(path)
    return _SCRATCH[0]


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
    _check_columns_named(frame.columns, cols, None)


def _check_columns_named(columns: list[str], cols: Columns, file: str | None) -> None:
    wanted = cols.named()
    missing = [c for c in wanted if c not in columns]
    if missing:
        present = "、".join(c for c in columns if c != "file_row_number")
        raise InputError.single(f"缺少列：{'、'.join(missing)}", file=file, column=missing[0],
                                expected=f"表中现有的列：{present}")


def _check_codes(frame: pl.DataFrame, codes: list[str], first_row: int) -> None:
    for column in codes:
        blank = frame.with_row_index("jq_row").filter(
            pl.col(column).is_null() | (pl.col(column).str.strip_chars() == ""))
        if blank.height:
            raise InputError.single("代码为空", row=int(blank["jq_row"][0]) + first_row, column=column,
                                    expected="每一行都要有代码")


def _check_years(frame: pl.DataFrame, years: list[str], first_row: int) -> None:
    for column in years:
        bad = frame.with_row_index("jq_row").filter(pl.col(f"jq_year_{column}").is_null())
        if bad.height:
            row = bad.row(0, named=True)
            raise InputError.single("年份不是整数", row=int(row["jq_row"]) + first_row, column=column,
                                    value=str(row[column]), expected="四位整数年份，如 2024")


def _check_values(frame: pl.DataFrame, column: str, first_row: int) -> None:
    number = pl.col(f"jq_number_{column}")
    bad = frame.with_row_index("jq_row").filter(number.is_nan() | number.is_null() | (number < 0))
    if bad.height:
        row = bad.row(0, named=True)
        raise InputError.single("数值缺失、非数字或为负", row=int(row["jq_row"]) + first_row, column=column,
                                value=str(row[f"jq_given_{column}"]),
                                expected="非负数（没有的组合可以省略或填 0）")
