"""The registry as a firm-level long table for the indicator engine.

One row per enterprise and year with a value: region (county code), industry (GB/T 4754 code),
year, firm (USCC) and the chosen measure. Money stays in yuan. The analytics core never imports
this module; the CLI and the platform's analyses hand its frame to :mod:`jiqun.indicators`.
"""

from __future__ import annotations

import polars as pl

from jiqun.errors import InputError
from jiqun.registry.models import EnterpriseYear

MEASURES = {
    "revenue": "营业收入（元）",
    "industrial_output": "工业总产值（元）",
    "employees": "从业人员（人）",
    "tax": "纳税（元）",
    "rd_spending": "研发投入（元）",
    "total_assets": "资产总计（元）",
    "energy_tce": "综合能耗（吨标准煤）",
    "land_mu": "用地（亩）",
}
ALIASES = {"营业收入": "revenue", "工业总产值": "industrial_output", "从业人员": "employees",
           "就业": "employees", "纳税": "tax", "研发投入": "rd_spending", "资产总计": "total_assets",
           "能耗": "energy_tce", "用地": "land_mu"}
COLUMNS = {"region": "region", "industry": "industry", "year": "year", "firm": "firm", "value": "value"}


def registry_long_table(measure: str = "revenue", years: tuple[int, int] | None = None) -> pl.DataFrame:
    """Enterprise-years with a value of ``measure`` as a long table (columns :data:`COLUMNS`).

    Rows where the measure is blank are left out (blank means unknown, not zero).
    """
    field = ALIASES.get(measure, measure)
    if field not in MEASURES:
        raise InputError.single("不认识的指标口径", column="--measure", value=measure,
                                expected="、".join(f"{k}（{v}）" for k, v in MEASURES.items()))
    rows = EnterpriseYear.objects.filter(**{f"{field}__isnull": False})
    if years:
        rows = rows.filter(year__gte=years[0], year__lte=years[1])
    data = list(rows.values_list("enterprise__region_id", "enterprise__industry_id", "year",
                                 "enterprise_id", field).iterator(chunk_size=50_000))
    if not data:
        raise InputError.single("登记库中没有这个口径的数据", column="--measure", value=measure,
                                expected="先用 jiqun import 导入企业年度数据")
    region, industry, year, firm, value = zip(*data, strict=True)
    return pl.DataFrame({"region": region, "industry": industry, "year": year, "firm": firm,
                         "value": [float(v) for v in value]},
                        schema={"region": pl.String, "industry": pl.String, "year": pl.Int64,
                                "firm": pl.String, "value": pl.Float64})
