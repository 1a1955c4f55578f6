"""A plain generated economy (one industry mix everywhere) with clusters planted where we say."""

from __future__ import annotations

import numpy as np
import polars as pl

from jiqun.clusters.tables import conform

INDUSTRIES = [f"{1300 + 7 * k}" for k in range(60)]


def plain_economy(
    rng: np.random.Generator,
    counties: int = 60,
    firms_per_county: int = 300,
    planted: dict[tuple[str, str], int] | None = None,
    year: int = 2025,
) -> dict[str, pl.DataFrame]:
    """Counties ``4301xx``… with firms drawn from one national mix, plus ``planted`` firm counts.

    ``planted`` maps (county, industry) to a number of extra firms of that industry in the county.
    """
    mix = rng.dirichlet(np.full(len(INDUSTRIES), 5.0))
    regions = [f"43{(k // 20) + 1:02d}{(k % 20) + 1:02d}" for k in range(counties)]
    rows = []
    for region in regions:
        count = int(rng.poisson(firms_per_county))
        rows += [(region, INDUSTRIES[i]) for i in rng.choice(len(INDUSTRIES), size=count, p=mix)]
    for (region, industry), extra in (planted or {}).items():
        rows += [(region, industry)] * extra
    firms = pl.DataFrame(rows, schema=["region", "industry"], orient="row").with_row_index("n")
    firms = firms.with_columns(pl.format("F{}", pl.col("n")).alias("uscc"), pl.lit("").alias("town"))
    years = firms.select("uscc").with_columns(
        pl.lit(year).alias("year"),
        pl.Series("employees", np.round(rng.lognormal(2.5, 0.9, firms.height)) + 1),
        pl.Series("revenue", np.round(rng.lognormal(14.5, 1.0, firms.height))),
    )
    return conform({"enterprises": firms.drop("n"), "enterprise_years": years})
