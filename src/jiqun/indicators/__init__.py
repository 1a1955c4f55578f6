"""Indicators of regional specialisation and concentration, one implementation on every engine.

``compute(name, data, …)`` is the entry point used by the CLI (``jiqun indicators NAME FILE``)
and by notebooks: it takes a long table (region, industry, [year], value) and returns a polars
frame whose value column is named after the indicator.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ibis
import polars as pl
from ibis.expr.types import Table

from jiqun.errors import InputError
from jiqun.indicators import dynamics as dy
from jiqun.indicators import specialisation as sp
from jiqun.indicators.engine import Columns, connect, long_table, run

Builder = Callable[..., Table]


def _krugman(t: Table, c: Columns) -> Table:
    by_region, by_industry = sp.krugman(t, c)
    keys = c.year_keys()
    regions = by_region.select(unit=ibis.literal("region"), code=by_region[c.region],
                               **{k: by_region[k] for k in keys},
                               krugman=by_region.krugman_specialisation)
    industries = by_industry.select(unit=ibis.literal("industry"), code=by_industry[c.industry],
                                    **{k: by_industry[k] for k in keys},
                                    krugman=by_industry.krugman_concentration)
    return regions.union(industries)


INDICATORS: dict[str, tuple[Builder, str]] = {
    "lq": (sp.location_quotient, "区位熵（location quotient）及两个份额"),
    "mcp": (sp.presence, "是否具有比较优势（LQ ≥ 阈值，默认 1）"),
    "hoover": (sp.hoover, "Hoover 集中度指数（按行业）"),
    "krugman": (_krugman, "Krugman 专业化指数（按地区）与集中度指数（按行业）"),
    "hhi": (sp.herfindahl, "赫芬达尔–赫希曼指数（行业内各地区；--within region 为地区内各行业）"),
    "crn": (sp.concentration_ratio, "CRn 集中度（前 n 个地区的份额，默认 n = 4）"),
    "growth": (dy.growth, "增长：绝对变化与年均复合增长率（基年到末年）"),
    "shift_share": (dy.shift_share, "偏离–份额分析（Dunn；Esteban-Marquillas）"),
}
NEEDS_YEARS = {"growth", "shift_share"}


def compute(name: str, data: Any, region: str = "region", industry: str = "industry",
            value: str = "value", year: str | None = None, engine: str = "duckdb",
            **options: Any) -> pl.DataFrame:
    """Compute indicator ``name`` on a long table; see :data:`INDICATORS` for the names."""
    if name not in INDICATORS:
        raise InputError.single("不认识的指标", column="NAME", value=name,
                                expected="、".join(INDICATORS))
    cols = Columns(region=region, industry=industry, value=value, year=year)
    con = connect(engine)
    table = long_table(data, cols, con)
    if name in NEEDS_YEARS:
        options = _with_default_years(table, cols, con, options)
    builder = INDICATORS[name][0]
    expr = builder(table, cols, **options)
    order = [c for c in expr.columns if c in {region, industry, "unit", "code", year}]
    return run(expr, con, order=order)


def _with_default_years(table: Table, cols: Columns, con: Any, options: dict[str, Any]) -> dict[str, Any]:
    """Base and final year default to the first and last year of the table."""
    if cols.year is None:
        raise InputError.single("该指标需要年份列", column="--year", expected="年份列名")
    years = run(table.select(y=table[cols.year]).distinct(), con)["y"].sort().to_list()
    return {"base": years[0], "final": years[-1], **options}


__all__ = ["INDICATORS", "Columns", "compute"]
