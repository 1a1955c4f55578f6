"""Indicators of regional specialisation, concentration, agglomeration, dynamics and ratings.

``compute(name, data, …)`` is the entry point used by the CLI (``jiqun indicators NAME FILE``)
and by notebooks: it takes a long table (region, industry, [year], value; optionally firm, area,
population, establishments) and returns a polars frame whose value column is named after the
indicator. Table work is written once in Ibis and runs on DuckDB (default) or Spark; matrix
measures collect the region × industry table and finish in NumPy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import ibis
import polars as pl
from ibis.expr.types import Table

from jiqun.errors import InputError
from jiqun.indicators import agglomeration as ag
from jiqun.indicators import complexity as cx
from jiqun.indicators import dynamics as dy
from jiqun.indicators import ratings as ra
from jiqun.indicators import spatial as sa
from jiqun.indicators import specialisation as sp
from jiqun.indicators.engine import (
    Columns,
    cells,
    connect,
    firm_rows_unique,
    long_table,
    memory_capped,
    one_row_per_firm,
    ordered,
    out_of_memory,
    run,
)
from jiqun.indicators.rollup import roll_up


@dataclass(frozen=True)
class Indicator:
    """One indicator: how to build it and what it needs.

    ``build`` takes the Ibis long table and the columns and returns an Ibis table; a ``matrix``
    indicator instead takes the collected region × industry polars frame and returns polars.
    """

    build: Callable[..., Any]
    description: str
    needs_years: bool = False
    matrix: bool = False
    stochastic: bool = False


def _by_unit(pair: Callable[[Table, Columns], tuple[Table, Table]], name: str,
             first_unit: str, columns: dict[str, str]) -> Callable[..., Table]:
    """Stack a (per-industry, per-region) pair of results into one table with ``unit`` and ``code``."""
    def build(t: Table, c: Columns) -> Table:
        first, second = pair(t, c)
        parts = []
        for unit, part in ((first_unit, first), (_other(first_unit), second)):
            key = c.industry if unit == "industry" else c.region
            parts.append(part.select(unit=ibis.literal(unit), code=part[key],
                                     **{k: part[k] for k in c.year_keys()},
                                     **{out: part[src] for out, src in columns.items()}))
        return parts[0].union(parts[1])
    build.__name__ = name
    return build


def _other(unit: str) -> str:
    return "region" if unit == "industry" else "industry"


def _krugman_pair(t: Table, c: Columns) -> tuple[Table, Table]:
    by_region, by_industry = sp.krugman(t, c)
    return (by_region.rename(krugman="krugman_specialisation"),
            by_industry.rename(krugman="krugman_concentration"))


INDICATORS: dict[str, Indicator] = {
    "lq": Indicator(sp.location_quotient,
                    "区位熵（LQ）、加法区位熵及两个份额；--lq-base 为只按这些行业计算分母（如可贸易行业）"),
    "mcp": Indicator(sp.presence, "是否具有比较优势（LQ ≥ 阈值，默认 1）"),
    "hoover": Indicator(sp.hoover, "Hoover 集中度指数（按行业）"),
    "krugman": Indicator(_by_unit(_krugman_pair, "krugman", "region", {"krugman": "krugman"}),
                         "Krugman 专业化指数（按地区）与集中度指数（按行业）"),
    "gini": Indicator(_by_unit(sp.gini, "gini", "industry",
                               {"gini": "gini", "gini_weighted": "gini_weighted"}),
                      "基尼系数：行业的空间集中（按行业）与地区的专业化（按地区），不加权与加权"),
    "theil": Indicator(_by_unit(sp.theil, "theil", "industry",
                                {"theil": "theil", "theil_relative": "theil_relative", "theil_l": "theil_l"}),
                       "泰尔指数：T、相对泰尔指数与平均对数偏差 L（按行业与按地区）"),
    "hhi": Indicator(sp.herfindahl, "赫芬达尔–赫希曼指数（--within industry 行业内各地区；"
                                    "region 地区内各行业；cell 地区×行业内各企业）"),
    "crn": Indicator(sp.concentration_ratio, "CRn 集中度（前 n 个单位的份额，默认 n = 4；--within 同 HHI）"),
    "eg": Indicator(ag.ellison_glaeser, "Ellison–Glaeser 地理集中指数 γ（需要企业列）"),
    "coagglomeration": Indicator(ag.coagglomeration_frame, "Ellison–Glaeser–Kerr 行业两两共聚指数",
                                 matrix=True),
    "litzenberger": Indicator(ag.litzenberger, "Litzenberger–Sternberg 集群指数（需要面积、人口、企业）"),
    "rdi": Indicator(sp.relative_diversity, "Duranton–Puga 相对多样化指数（按地区）"),
    "growth": Indicator(dy.growth, "增长：绝对变化与年均复合增长率（基年到末年）", needs_years=True),
    "shift_share": Indicator(dy.shift_share, "偏离–份额分析（Dunn；Esteban-Marquillas）", needs_years=True),
    "cmp_strength": Indicator(ra.cmp_strength,
                              "美国集群地图强度等级（qualifying/significant/strong/strong10）"),
    "stars": Indicator(ra.stars, "欧洲集群观察站星级（规模、专业化、集中度，各一星）"),
    "complexity": Indicator(cx.complexity_frame,
                            "经济复杂度：地区的多样性、ECI、COI 与行业的普遍性、PCI（Growth Lab 口径）",
                            matrix=True),
    "proximity": Indicator(cx.proximity_frame, "行业间邻近度（共同具有比较优势的条件概率）", matrix=True),
    "density": Indicator(cx.density_frame, "关联密度、距离与机会增益（COG）：各地区对各行业", matrix=True),
    "moran": Indicator(sa.moran_frame, "全局 Moran's I（各行业在县域间的空间自相关，置换检验；县界相邻）",
                       matrix=True, stochastic=True),
    "lisa": Indicator(sa.lisa_frame, "局部 Moran's I（LISA）：各县的热点/冷点（HH/LL/HL/LH）与显著性",
                      matrix=True, stochastic=True),
}


class Workbench:
    """A long table loaded and checked once on an engine, ready to compute many indicators.

    The region × industry (× year) cells are added up once and kept on the engine; indicators
    that need the firm rows (EG, firm-level HHI/CRn …) read those. Adding up the cells also tells
    whether every firm has one row per cell (a firm-year registry); once that is known, the
    firm-level measures skip grouping the firm rows again.

    Examples
    --------
    >>> import polars as pl
    >>> bench = prepare(pl.DataFrame({"region": ["a", "a", "b"], "industry": ["x", "y", "x"],
    ...                               "value": [1.0, 3.0, 4.0]}))
    >>> bench.compute("lq")["lq"].to_list(), [round(h, 4) for h in bench.compute("hoover")["hoover"]]
    ([0.4, 2.0, 1.6], [0.3, 0.5])
    """

    def __init__(self, table: Table, cols: Columns, con: Any) -> None:
        self._table, self._cols, self.con = table, cols, con
        self._cells: Table | None = None
        self._firm_grain: bool | None = None

    @property
    def table(self) -> Table:
        """The long table (read-only: the cached cells and the firm grain belong to it)."""
        return self._table

    @property
    def cols(self) -> Columns:
        """Which columns of the long table hold what (read-only, as :attr:`table`)."""
        return self._cols

    @property
    def cells(self) -> Table:
        """The cell table, computed on the engine the first time it is needed."""
        if self._cells is None:
            self._cells = self._count_cells()
        return self._cells

    def _count_cells(self) -> Table:
        """Add up the cells, learning on the way whether each firm has one row per cell."""
        if self.cols.firm is None or self.cols.establishments is not None:
            return cells(self.table, self.cols).cache()
        if self._learn_firm_grain() is not None:
            return cells(self.table, self.firm_columns).cache()
        counted = cells(self.table, self.cols, count_rows=True).cache()
        self._firm_grain = one_row_per_firm(counted, self.con)
        return counted.drop("jq_rows")

    def _learn_firm_grain(self) -> bool | None:
        """Whether each firm has one row per cell: asked of the engine once, None if it can't
        say cheaply (then the cells tell, when they are added up)."""
        if self._firm_grain is None:
            self._firm_grain = firm_rows_unique(self.table, self.cols, self.con)
        return self._firm_grain

    @property
    def firm_columns(self) -> Columns:
        """The columns of the firm rows, with their grain when it is known."""
        return replace(self.cols, grain="firm") if self._learn_firm_grain() else self.cols

    def compute(self, name: str, *, sort: bool = True, **options: Any) -> pl.DataFrame:
        """Compute indicator ``name`` (see :data:`INDICATORS`) with its options.

        Rows come sorted by their keys (region, industry, year …); ``sort=False`` leaves them in
        the engine's order, which saves a sort of the result (about a tenth of a second per
        million rows on DuckDB).
        """
        if name not in INDICATORS:
            raise InputError.single("不认识的指标", column="NAME", value=name, expected="、".join(INDICATORS))
        indicator, cols = INDICATORS[name], self.cols
        if indicator.needs_years:
            options = _with_default_years(self.table, cols, self.con, options)
        if indicator.stochastic and "rng" not in options:
            raise InputError.single("该指标用置换检验，需要显式的随机数生成器", column="rng", value=name,
                                    expected="rng=numpy.random.default_rng(种子)；命令行用 --seed")
        if indicator.matrix:
            result = indicator.build(run(self.cells, self.con), _cell_columns(cols), **options)
            return result.sort(_order(result.columns, cols), nulls_last=True) if sort else result
        if name in SPILLABLE_INDICATORS and "spillable" not in options:
            try:
                return self._run(name, sort, {**options, "spillable": memory_capped(self.con)})
            except Exception as exc:  # the fast way's memory can't spill: take the way that can
                if not out_of_memory(exc) or memory_capped(self.con):
                    raise
                return self._run(name, sort, {**options, "spillable": True})
        return self._run(name, sort, options)

    def _run(self, name: str, sort: bool, options: dict[str, Any]) -> pl.DataFrame:
        indicator, cols = INDICATORS[name], self.cols
        if _needs_firm_rows(name, options, cols):
            if name in CELL_TABLE_INDICATORS and self._cells is not None:
                options = {"cell_table": self._cells, **options}
            expr = indicator.build(self.table, self.firm_columns, **options)
        else:
            expr = indicator.build(self.cells, _cell_columns(cols), **options)
        return run(ordered(expr, _order(expr.columns, cols)) if sort else expr, self.con)


def _order(columns: Sequence[str], cols: Columns) -> list[str]:
    """The key columns of a result, in the order rows are sorted by."""
    return [c for c in columns if c in {cols.region, cols.industry, "unit", "code", "industry_2", cols.year}]


FIRM_ROW_INDICATORS = {"eg"}
# firm-row indicators that also read the cells, and take the workbench's cached ones
CELL_TABLE_INDICATORS = {"eg"}
# indicators with a fast way whose memory DuckDB cannot spill, and a way it can (``spillable``)
SPILLABLE_INDICATORS = {"crn"}


def _needs_firm_rows(name: str, options: dict[str, Any], cols: Columns) -> bool:
    """Whether the indicator reads single firms rather than region × industry cells."""
    firm_level_hhi = name in {"hhi", "crn"} and options.get("within") == "cell"
    return cols.firm is not None and (name in FIRM_ROW_INDICATORS or firm_level_hhi)


def _cell_columns(cols: Columns) -> Columns:
    """The columns of :func:`cells`' output: no firm column, establishments counted."""
    establishments = cols.establishments or ("jq_establishments" if cols.firm else None)
    return replace(cols, firm=None, establishments=establishments, grain="cell")


def prepare(data: Any, region: str = "region", industry: str = "industry", value: str = "value",
            year: str | None = None, firm: str | None = None, area: str | None = None,
            population: str | None = None, establishments: str | None = None,
            engine: str = "duckdb", region_level: str | None = None,
            industry_level: str | None = None) -> Workbench:
    """Load and check a long table once (frame or CSV/XLSX/Parquet file) for many indicators.

    A Parquet file is scanned in place by the engine. ``region_level`` (county/city/province) and
    ``industry_level`` (class/group/division/section) roll the codes up the GB/T 2260 and
    GB/T 4754 hierarchies first.
    """
    cols = Columns(region=region, industry=industry, value=value, year=year, firm=firm, area=area,
                   population=population, establishments=establishments)
    con = connect(engine)
    table = long_table(data, cols, con)
    table = roll_up(table, cols, con, region_level, industry_level)
    return Workbench(table, cols, con)


def compute(name: str, data: Any, region: str = "region", industry: str = "industry",
            value: str = "value", year: str | None = None, firm: str | None = None,
            area: str | None = None, population: str | None = None,
            establishments: str | None = None, engine: str = "duckdb",
            region_level: str | None = None, industry_level: str | None = None,
            **options: Any) -> pl.DataFrame:
    """Compute indicator ``name`` on a long table; see :data:`INDICATORS` and :func:`prepare`.

    Options go to the indicator (e.g. ``n=4``, ``within="cell"``, ``base=[…]``, ``threshold=1``,
    ``rng=numpy.random.default_rng(1)`` for the permutation tests).
    """
    if name not in INDICATORS:
        raise InputError.single("不认识的指标", column="NAME", value=name, expected="、".join(INDICATORS))
    bench = prepare(data, region=region, industry=industry, value=value, year=year, firm=firm,
                    area=area, population=population, establishments=establishments, engine=engine,
                    region_level=region_level, industry_level=industry_level)
    return bench.compute(name, **options)


def _with_default_years(table: Table, cols: Columns, con: Any, options: dict[str, Any]) -> dict[str, Any]:
    """Base and final year default to the first and last year of the table."""
    if cols.year is None:
        raise InputError.single("该指标需要年份列", column="--year", expected="年份列名")
    years = run(table.select(y=table[cols.year]).distinct(), con)["y"].sort().to_list()
    return {"base": years[0], "final": years[-1], **options}


__all__ = ["INDICATORS", "Columns", "Indicator", "Workbench", "compute", "prepare"]
