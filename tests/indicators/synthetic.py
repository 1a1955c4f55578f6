"""A small synthetic firm-level long table shared by the indicator tests (explicit generator)."""

from __future__ import annotations

import numpy as np
import polars as pl


def firm_table(rng: np.random.Generator, regions: int = 12, industries: int = 8, firms: int = 300,
               years: tuple[int, ...] = (2021, 2022, 2023)) -> pl.DataFrame:
    """Firms with a region, an industry and a lognormal size growing over the years.

    Region attributes (area, population) are repeated on each row, as a long table carries them.
    """
    region = rng.integers(0, regions, firms)
    # skewed industries so that some are concentrated and some absent from some regions
    industry = np.minimum(rng.geometric(0.3, firms) - 1, industries - 1)
    size = rng.lognormal(3.0, 1.2, firms)
    area = rng.uniform(500, 3000, regions)
    population = rng.uniform(2e5, 1.5e6, regions)
    rows = []
    for k, year in enumerate(years):
        growth = rng.normal(1.05, 0.1, firms) ** k
        alive = rng.random(firms) > 0.05
        rows.append(pl.DataFrame({
            "region": [f"{430100 + 100 * r + 2}" for r in region[alive]],
            "industry": [f"{3311 + i}" for i in industry[alive]],
            "firm": [f"F{f:05d}" for f in np.flatnonzero(alive)],
            "year": year,
            "value": np.round(size[alive] * growth[alive], 3),
            "area": area[region[alive]],
            "population": population[region[alive]],
        }))
    return pl.concat(rows)
