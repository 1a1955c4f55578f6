"""Benchmark: jiqun's indicator engine against pandas and hand-written DuckDB SQL.

A synthetic national registry of firm-year rows (the 2,978 county-level codes of the NBS 2023
division table × the 1,381 GB/T 4754-2017 classes × 2021–2025; lognormal county, industry and
firm sizes, a lognormal county × industry affinity, firms that persist and grow along a random
walk, late entrants, early exits, 0.5 % reported zeros; firm ids are 11-character strings) is
written once to Parquet from ``numpy.random.default_rng(SEED)``; generation is not timed. Each
contender computes, for every county × industry × year, the location quotient, the firm HHI (n,
normalised, equivalent number) and CR4 of the cell, the Ellison–Glaeser γ of each industry × year,
and growth and the Dunn / Esteban-Marquillas shift-share of each county × industry between the
first and the last year. The timed part runs from the Parquet file to every result in memory:

* ``pandas``    — ``pd.read_parquet`` and the groupby/transform/merge code a researcher would write;
* ``sql-1q``    — one hand-written DuckDB statement (CTEs, ``cells`` materialised once) whose three
  result grains (cell, industry × year, county × industry) come back stacked in one Arrow table
  (``UNION ALL BY NAME``) and are split apart;
* ``sql-6q``    — one hand-written DuckDB query per indicator, each over ``read_parquet``;
* ``jiqun``     — ``jiqun.indicators.prepare(path, year=…, firm=…).compute(name, sort=False, …)``
  on DuckDB with jiqun's defaults (DuckDB's memory limited to 2 GB, spilling to disk above it):
  checked input, then each indicator; ``sort=False`` because the baselines return their rows
  unsorted too (sorting the results adds about 0.1 s per million result rows);
* ``jiqun-auto`` — the same with ``JIQUN_DUCKDB_MEMORY=auto`` (DuckDB's own limit, 80 % of RAM;
  ``--extra jiqun-auto``): the configuration for a workstation with memory to spare;
* ``spark``     — the same jiqun calls with ``engine="spark"`` (local mode, Spark's defaults); the
  session is started before the clock and its start-up reported separately.

Both baselines follow jiqun's documented definitions literally (n = distinct firms, plants =
firm × county, absent = 0, null instead of a division by zero), so that every number can be
compared. Each run is a fresh process whose working directory is the scratch folder; it first
runs once, untimed, on a 2,000-row file, so that imports are not timed. We report the median wall
time, rows/s and the peak resident memory of the whole process tree (polled with psutil every
50 ms, so Spark's JVM is included; the process's own ``ru_maxrss`` is the floor). pandas is
stopped above ``--pandas-max-gb`` (default 12). At the smallest size every contender's numbers
are compared with pandas', joined on their keys (rtol 1e-9, atol 1e-12).

Usage::

    python benchmarks/indicators.py --sizes 1M,10M,50M --repeats 3 [--skip-spark] [--quick]
        [--extra jiqun-auto] [--only sql-6q,jiqun] [--spark-max-rows 50M] [--keep]

``--quick`` runs 20k rows once and checks the numbers (about 20 s with ``--skip-spark``; Spark
adds a minute of JVM start-up and local-mode overhead). Sizes ≥ ``--big`` (50M) get at most
``--big-repeats`` (2) runs; Spark runs up to ``--spark-max-rows`` (10M). The datasets go to
``--scratch`` (default /tmp/jiqun-bench), deleted at the end unless ``--keep``.
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

SHARED = Path("/work/shared/data")
YEARS = (2021, 2022, 2023, 2024, 2025)
CELL = ["region", "industry", "year"]
PAIR = ["region", "industry"]
INDUSTRY_YEAR = ["industry", "year"]
RTOL, ATOL = 1e-9, 1e-12
SEED = 4754
FIRMS_PER_CHUNK = 1_000_000
WARM_FILE, WARM_ROWS = "warm-up.parquet", 2_000

# name → (key columns, value columns), the shape every contender returns
OUTPUTS: dict[str, tuple[list[str], list[str]]] = {
    "lq": (CELL, ["share_in_region", "share_of_industry", "lq", "additive_lq"]),
    "hhi": (CELL, ["hhi", "n", "hhi_normalised", "equivalent_number"]),
    "cr4": (CELL, ["cr4"]),
    "eg": (INDUSTRY_YEAR, ["eg", "raw_concentration", "plant_herfindahl", "plants"]),
    "growth": (PAIR, ["x_b", "x_f", "change", "cagr"]),
    "shift_share": (PAIR, ["x_b", "x_f", "change", "national_share", "industry_mix", "regional_shift",
                           "competitive_effect", "allocation_effect"]),
}


# --- synthetic registry -----------------------------------------------------------------------


def county_codes() -> list[str]:
    """The 2,978 county-level codes of the NBS 2023 division table (GB/T 2260 style)."""
    with (SHARED / "china-admin-divisions" / "areas.csv").open(encoding="utf-8") as handle:
        return [row["code"] for row in csv.DictReader(handle)]


def industry_codes() -> list[str]:
    """The 1,381 four-digit classes (小类) of GB/T 4754-2017."""
    with (SHARED / "gbt4754-2017" / "gbt4754_2017.csv").open(encoding="utf-8") as handle:
        return [row["code"] for row in csv.DictReader(handle) if row["level"] == "4"]


def cell_weights(rng: np.random.Generator, regions: int, industries: int) -> np.ndarray:
    """Cumulative weights of the region × industry cells a firm is born in (flattened).

    County and industry sizes are lognormal (a few big, many small); a lognormal cell factor makes
    some industries cluster in some counties.
    """
    region = rng.lognormal(0.0, 1.0, regions)
    industry = rng.lognormal(0.0, 1.5, industries)
    affinity = rng.lognormal(0.0, 1.0, (regions, industries))
    return np.cumsum((region[:, None] * industry[None, :] * affinity).ravel())


def firm_years(rng: np.random.Generator, firms: int) -> np.ndarray:
    """Which of the five years each firm is active: most persist, some enter late or exit early."""
    first = np.where(rng.random(firms) < 0.75, 0, rng.integers(1, len(YEARS), firms))
    last = np.where(rng.random(firms) < 0.85, len(YEARS) - 1, rng.integers(0, len(YEARS) - 1, firms))
    last = np.maximum(first, last)
    span = np.arange(len(YEARS))[None, :]
    return (span >= first[:, None]) & (span <= last[:, None])


def firm_values(rng: np.random.Generator, firms: int, drift: np.ndarray) -> np.ndarray:
    """Lognormal size (employment-like) growing along a random walk with a per-firm drift."""
    size = rng.lognormal(3.0, 1.2, firms)
    steps = rng.normal(drift[:, None], 0.2, (firms, len(YEARS)))
    steps[:, 0] = 0.0
    values = size[:, None] * np.exp(np.cumsum(steps, axis=1))
    values[rng.random(values.shape) < 0.005] = 0.0  # a few reported zeros
    return values


def registry_chunk(rng: np.random.Generator, first_id: int, firms: int, weights: np.ndarray,
                   regions: pa.Array, industries: pa.Array,
                   drift: tuple[np.ndarray, np.ndarray]) -> pa.Table:
    """Firm-year rows of ``firms`` new firms (ids from ``first_id``); ``drift`` per county, industry."""
    cell = np.searchsorted(weights, rng.random(firms) * weights[-1])
    region, industry = np.divmod(cell, len(industries))
    active = firm_years(rng, firms)
    values = firm_values(rng, firms, drift[0][region] + drift[1][industry])
    firm, year = np.nonzero(active)
    ids = pc.utf8_lpad(pc.cast(pa.array(first_id + firm), pa.string()), width=10, padding="0")
    return pa.table({"region": regions.take(pa.array(region[firm])),
                     "industry": industries.take(pa.array(industry[firm])),
                     "firm": pc.binary_join_element_wise("F", ids, ""),
                     "year": pa.array(np.asarray(YEARS, dtype=np.int64)[year]),
                     "value": pa.array(values[firm, year])})


def write_registry(path: Path, rows: int, rng: np.random.Generator) -> int:
    """Write exactly ``rows`` firm-year rows to ``path``; returns the number of firms started."""
    regions, industries = pa.array(county_codes()), pa.array(industry_codes())
    weights = cell_weights(rng, len(regions), len(industries))
    drift = (rng.normal(0.0, 0.03, len(regions)), rng.normal(0.03, 0.05, len(industries)))
    written, firms = 0, 0
    with pq.ParquetWriter(path, registry_chunk(rng, 0, 1, weights, regions, industries, drift).schema) as out:
        while written < rows:
            batch = min(FIRMS_PER_CHUNK, (rows - written) // 4 + 1_000)
            chunk = registry_chunk(rng, firms, batch, weights, regions, industries, drift)
            chunk = chunk.slice(0, rows - written)
            out.write_table(chunk, row_group_size=1 << 20)
            written += chunk.num_rows
            firms += batch
    return firms


# --- (a) pandas -----------------------------------------------------------------------------


def pandas_indicators(path: Path) -> dict[str, Any]:
    """What a competent researcher writes with pandas: read, group, transform, merge."""
    import pandas as pd

    firms = pd.read_parquet(path, columns=["region", "industry", "firm", "year", "value"])
    cells = firms.groupby(CELL, as_index=False, sort=False)["value"].sum()
    base, final = int(cells["year"].min()), int(cells["year"].max())
    two = pandas_two_years(cells, base, final)
    hhi, cr4 = pandas_firm_concentration(firms)
    return {"lq": pandas_lq(cells), "hhi": hhi, "cr4": cr4, "eg": pandas_eg(firms, cells),
            "growth": pandas_growth(two, final - base), "shift_share": pandas_shift_share(two)}


def _ratio(top: Any, bottom: Any) -> Any:
    """Division with a missing value (not ±inf) where the denominator is 0, as jiqun does."""
    return top / bottom.where(bottom != 0)


def pandas_lq(cells: Any) -> Any:
    x_r = cells.groupby(["region", "year"])["value"].transform("sum")
    x_i = cells.groupby(INDUSTRY_YEAR)["value"].transform("sum")
    x = cells.groupby("year")["value"].transform("sum")
    in_region, in_nation = _ratio(cells["value"], x_r), _ratio(x_i, x)
    return cells[CELL].assign(share_in_region=in_region, share_of_industry=_ratio(cells["value"], x_i),
                              lq=_ratio(in_region, in_nation), additive_lq=in_region - in_nation)


def pandas_firm_concentration(firms: Any) -> tuple[Any, Any]:
    """HHI (with n, normalised, equivalent number) and CR4 of the firms with value > 0 in each cell."""
    positive = firms.loc[firms["value"] > 0, [*CELL, "firm", "value"]]
    total = positive.groupby(CELL, sort=False)["value"].transform("sum")
    positive = positive.assign(share=positive["value"] / total)
    hhi = positive.assign(s2=positive["share"] ** 2).groupby(CELL, as_index=False, sort=False).agg(
        hhi=("s2", "sum"), n=("firm", "nunique"))
    n = hhi["n"].astype(float)
    hhi = hhi.assign(hhi_normalised=_ratio(hhi["hhi"] - 1 / n, 1 - 1 / n), equivalent_number=1 / hhi["hhi"])
    top = positive.sort_values("value", ascending=False).groupby(CELL, sort=False).head(4)
    cr4 = top.groupby(CELL, as_index=False, sort=False)["share"].sum().rename(columns={"share": "cr4"})
    return hhi, cr4


def pandas_eg(firms: Any, cells: Any) -> Any:
    """Ellison–Glaeser γ: G over all regions (absent ones add s_r²), H over plants (firm × region)."""
    regions = cells.groupby(["region", "year"], as_index=False)["value"].sum()
    regions["s_r"] = regions["value"] / regions.groupby("year")["value"].transform("sum")
    sum_sr2 = (regions["s_r"] ** 2).groupby(regions["year"]).sum().rename("sum_sr2").reset_index()
    cell = cells.merge(regions[["region", "year", "s_r"]], on=["region", "year"])
    s_ri = _ratio(cell["value"], cell.groupby(INDUSTRY_YEAR)["value"].transform("sum"))
    cell["part"] = (s_ri - cell["s_r"]) ** 2 - cell["s_r"] ** 2
    g = cell.groupby(INDUSTRY_YEAR, as_index=False)["part"].sum()
    plants = firms.groupby(["firm", "region", *INDUSTRY_YEAR], as_index=False, sort=False)["value"].sum()
    plants = plants[plants["value"] > 0]
    z = plants["value"] / plants.groupby(INDUSTRY_YEAR)["value"].transform("sum")
    h = plants.assign(z2=z**2).groupby(INDUSTRY_YEAR, as_index=False).agg(
        plant_herfindahl=("z2", "sum"), plants=("z2", "size"))
    out = g.merge(h, on=INDUSTRY_YEAR).merge(sum_sr2, on="year")
    spread = 1 - out["sum_sr2"]
    raw = out["part"] + out["sum_sr2"]
    eg = _ratio(raw - spread * out["plant_herfindahl"], spread * (1 - out["plant_herfindahl"]))
    return out[[*INDUSTRY_YEAR, "plant_herfindahl", "plants"]].assign(eg=eg, raw_concentration=raw)


def pandas_two_years(cells: Any, base: int, final: int) -> Any:
    """One row per region × industry present in the base or final year, 0 where absent."""
    two = cells[cells["year"].isin([base, final])].set_index(CELL)["value"].unstack("year", fill_value=0.0)
    return two.rename(columns={base: "x_b", final: "x_f"}).reset_index()


def pandas_growth(two: Any, years: int) -> Any:
    return two.assign(change=two["x_f"] - two["x_b"],
                      cagr=_ratio(two["x_f"], two["x_b"]) ** (1 / years) - 1)


def pandas_shift_share(two: Any) -> Any:
    x_b, x_f = two["x_b"], two["x_f"]
    nation_b, nation_f = x_b.sum(), x_f.sum()
    industry_b = two.groupby("industry")["x_b"].transform("sum")
    industry_f = two.groupby("industry")["x_f"].transform("sum")
    region_b = two.groupby("region")["x_b"].transform("sum")
    g = nation_f / nation_b - 1
    g_i = _ratio(industry_f, industry_b) - 1
    g_ri = _ratio(x_f, x_b) - 1
    national, mix = x_b * g, x_b * (g_i - g)
    homothetic = region_b * industry_b / nation_b
    return two.assign(change=x_f - x_b, national_share=national, industry_mix=mix,
                      regional_shift=(x_f - x_b) - national - mix,
                      competitive_effect=homothetic * (g_ri - g_i),
                      allocation_effect=(x_b - homothetic) * (g_ri - g_i))


# --- (b) hand-written DuckDB SQL -------------------------------------------------------------

CTES: dict[str, str] = {
    "firms": "SELECT region, industry, firm, year, value FROM read_parquet('{path}')",
    "cells": "SELECT region, industry, year, sum(value) AS x FROM firms GROUP BY ALL",
    "regions": "SELECT region, year, sum(x) AS x_r FROM cells GROUP BY ALL",
    "industries": "SELECT industry, year, sum(x) AS x_i FROM cells GROUP BY ALL",
    "nation": "SELECT year, sum(x_r) AS x_n FROM regions GROUP BY ALL",
    "lq": """SELECT region, industry, year, x / nullif(x_r, 0) AS share_in_region,
        x / nullif(x_i, 0) AS share_of_industry,
        (x / nullif(x_r, 0)) / nullif(x_i / nullif(x_n, 0), 0) AS lq,
        x / nullif(x_r, 0) - x_i / nullif(x_n, 0) AS additive_lq
      FROM cells JOIN regions USING (region, year) JOIN industries USING (industry, year)
      JOIN nation USING (year)""",
    "firm_cells": """SELECT region, industry, year, sum(value * value) / (sum(value) * sum(value)) AS hhi,
        count(DISTINCT firm) AS n, list_sum(max(value, 4)) / sum(value) AS cr4
      FROM firms WHERE value > 0 GROUP BY ALL""",
    "hhi_cells": """SELECT region, industry, year, sum(value * value) / (sum(value) * sum(value)) AS hhi,
        count(DISTINCT firm) AS n FROM firms WHERE value > 0 GROUP BY ALL""",
    "hhi": """SELECT region, industry, year, hhi, n, (hhi - 1 / n) / nullif(1 - 1 / n, 0) AS hhi_normalised,
        1 / hhi AS equivalent_number FROM hhi_cells""",
    "cr4": """SELECT region, industry, year, list_sum(max(value, 4)) / sum(value) AS cr4
      FROM firms WHERE value > 0 GROUP BY ALL""",
    "shares": "SELECT region, year, x_r / x_n AS s_r FROM regions JOIN nation USING (year)",
    "spread": "SELECT year, sum(s_r * s_r) AS sum_sr2 FROM shares GROUP BY year",
    "g": """SELECT industry, year, sum((x / nullif(x_i, 0) - s_r) ** 2 - s_r ** 2) AS g_present
      FROM cells JOIN industries USING (industry, year) JOIN shares USING (region, year) GROUP BY ALL""",
    "plants": "SELECT firm, region, industry, year, sum(value) AS p FROM firms GROUP BY ALL HAVING p > 0",
    "h": """SELECT industry, year, sum(p * p) / (sum(p) * sum(p)) AS plant_herfindahl, count(*) AS plants
      FROM plants GROUP BY ALL""",
    "eg": """SELECT industry, year,
        (g_present + sum_sr2 - (1 - sum_sr2) * plant_herfindahl)
          / nullif((1 - sum_sr2) * (1 - plant_herfindahl), 0) AS eg,
        g_present + sum_sr2 AS raw_concentration, plant_herfindahl, plants
      FROM g JOIN h USING (industry, year) JOIN spread USING (year)""",
    "span": "SELECT min(year) AS b, max(year) AS f FROM nation",
    "two": """SELECT region, industry, coalesce(sum(x) FILTER (WHERE year = b), 0) AS x_b,
        coalesce(sum(x) FILTER (WHERE year = f), 0) AS x_f
      FROM cells, span WHERE year = b OR year = f GROUP BY region, industry""",
    "growth": """SELECT region, industry, x_b, x_f, x_f - x_b AS change,
        pow(x_f / nullif(x_b, 0), 1 / (f - b)) - 1 AS cagr FROM two, span""",
    "rates": """SELECT *, sum(x_f) OVER () / nullif(sum(x_b) OVER (), 0) - 1 AS g_n,
        sum(x_f) OVER w / nullif(sum(x_b) OVER w, 0) - 1 AS g_i, x_f / nullif(x_b, 0) - 1 AS g_ri,
        sum(x_b) OVER (PARTITION BY region) * sum(x_b) OVER w / nullif(sum(x_b) OVER (), 0) AS homothetic
      FROM two WINDOW w AS (PARTITION BY industry)""",
    "shift_share": """SELECT region, industry, x_b, x_f, x_f - x_b AS change, x_b * g_n AS national_share,
        x_b * (g_i - g_n) AS industry_mix, (x_f - x_b) - x_b * g_n - x_b * (g_i - g_n) AS regional_shift,
        homothetic * (g_ri - g_i) AS competitive_effect,
        (x_b - homothetic) * (g_ri - g_i) AS allocation_effect
      FROM rates""",
}

# which CTEs each indicator's own query needs, in order
NEEDS: dict[str, list[str]] = {
    "lq": ["firms", "cells", "regions", "industries", "nation"],
    "hhi": ["firms", "hhi_cells"],
    "cr4": ["firms"],
    "eg": ["firms", "cells", "regions", "industries", "nation", "shares", "spread", "g", "plants", "h"],
    "growth": ["firms", "cells", "regions", "nation", "span", "two"],
    "shift_share": ["firms", "cells", "regions", "nation", "span", "two", "rates"],
}
def with_clause(names: list[str], path: Path, materialized: frozenset[str] = frozenset()) -> str:
    parts = [f"{n} AS {'MATERIALIZED ' if n in materialized else ''}({CTES[n].format(path=path)})"
             for n in names]
    return "WITH " + ",\n".join(parts)


def sql_per_indicator(name: str, path: Path) -> str:
    """One query for one indicator, over ``read_parquet``."""
    return with_clause([*NEEDS[name], name], path) + f"\nSELECT * FROM {name}"


def sql_one_query(path: Path) -> str:
    """Every indicator in one statement: the three result grains stacked with a ``grain`` column."""
    names = [n for n in CTES if n not in {"hhi_cells", "hhi", "cr4", "growth", "shift_share"}]
    return with_clause(names, path, frozenset({"cells", "two"})) + """
SELECT 'cell' AS grain, lq.*, hhi, n, (hhi - 1 / n) / nullif(1 - 1 / n, 0) AS hhi_normalised,
    1 / hhi AS equivalent_number, cr4
  FROM lq LEFT JOIN firm_cells USING (region, industry, year)
UNION ALL BY NAME SELECT 'industry' AS grain, * FROM eg
UNION ALL BY NAME SELECT 'pair' AS grain, region, industry, x_b, x_f, x_f - x_b AS change,
    pow(x_f / nullif(x_b, 0), 1 / (f - b)) - 1 AS cagr, x_b * g_n AS national_share,
    x_b * (g_i - g_n) AS industry_mix, (x_f - x_b) - x_b * g_n - x_b * (g_i - g_n) AS regional_shift,
    homothetic * (g_ri - g_i) AS competitive_effect, (x_b - homothetic) * (g_ri - g_i) AS allocation_effect
  FROM rates, span"""


def quiet_duckdb() -> Any:
    """An in-memory DuckDB connection with default settings, minus the progress bar."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    return con


def sql_one(path: Path) -> dict[str, Any]:

    con = quiet_duckdb()
    stacked = con.sql(sql_one_query(path)).to_arrow_table()
    grains = {"cell": ["lq", "hhi", "cr4"], "industry": ["eg"], "pair": ["growth", "shift_share"]}
    out = {}
    for grain, names in grains.items():
        part = stacked.filter(pc.equal(stacked["grain"], grain))
        for name in names:
            keys, values = OUTPUTS[name]
            part_of = part.filter(pc.is_valid(part["hhi"])) if name in {"hhi", "cr4"} else part
            out[name] = part_of.select([*keys, *values])
    return out


def sql_six(path: Path) -> dict[str, Any]:

    con = quiet_duckdb()
    return {name: con.sql(sql_per_indicator(name, path)).to_arrow_table() for name in OUTPUTS}


# --- (c, d) jiqun -------------------------------------------------------------------------------

JIQUN_CALLS: dict[str, tuple[str, dict[str, Any]]] = {
    "lq": ("lq", {}), "hhi": ("hhi", {"within": "cell"}), "cr4": ("crn", {"within": "cell", "n": 4}),
    "eg": ("eg", {}), "growth": ("growth", {}), "shift_share": ("shift_share", {}),
}


def jiqun_indicators(path: Path, engine: str, timings: dict[str, float]) -> dict[str, Any]:
    """Every indicator through jiqun's public API; per-step seconds go into ``timings``."""
    import jiqun.indicators as ji

    start = time.perf_counter()
    prepared = (ji.prepare(str(path), year="year", firm="firm", engine=engine)
                if hasattr(ji, "prepare") else None)
    timings["prepare"] = time.perf_counter() - start
    out = {}
    for name, (indicator, options) in JIQUN_CALLS.items():
        start = time.perf_counter()
        out[name] = (prepared.compute(indicator, sort=False, **options) if prepared is not None else
                     ji.compute(indicator, str(path), year="year", firm="firm", engine=engine, **options))
        timings[name] = time.perf_counter() - start
    return out


def source_hash(package: Path) -> str:
    """A short hash of the package's Python files: the lead edits jiqun while benchmarks run."""
    import hashlib

    digest = hashlib.sha256()
    for file in sorted(package.glob("*.py")):
        digest.update(file.read_bytes())
    return digest.hexdigest()[:10]


def spark_conf(scratch: Path) -> Path:
    """Spark settings for local mode on this machine: the driver (which is also the executor in
    local mode) gets 8 GB instead of Spark's 1 GB default, which runs out collecting 10M-row
    results. jiqun reads Spark's own configuration, so this is how a user would set it too."""
    folder = scratch / "spark-conf"
    folder.mkdir(exist_ok=True)
    (folder / "spark-defaults.conf").write_text("spark.driver.memory 8g\n", encoding="utf-8")
    return folder


def start_spark() -> float:
    """Start (and warm) the Spark session jiqun will reuse; returns the seconds it took."""
    from jiqun.indicators.engine import spark_session

    start = time.perf_counter()
    spark_session().range(1).count()
    return time.perf_counter() - start


# --- child process: one timed run --------------------------------------------------------------


def child(which: str, path: Path, save: Path | None, warm: Path | None) -> dict[str, Any]:
    """One timed run of ``which``; a first untimed run on the tiny ``warm`` file pays for imports."""
    record: dict[str, Any] = {"steps": {}}
    if which == "jiqun-auto":
        os.environ["JIQUN_DUCKDB_MEMORY"] = "auto"
    if which == "spark" and "SPARK_CONF_DIR" not in os.environ:
        os.environ["SPARK_CONF_DIR"] = str(spark_conf(path.parent))
    if which in {"jiqun", "jiqun-auto", "spark"}:
        import jiqun.indicators as ji

        record["api"] = "prepare().compute()" if hasattr(ji, "prepare") else "compute() per indicator"
        record["source"] = source_hash(Path(ji.__file__).parent)
    if which == "spark":
        record["spark_start_seconds"] = start_spark()
    runners: dict[str, Callable[[Path], dict[str, Any]]] = {
        "pandas": pandas_indicators, "sql-1q": sql_one, "sql-6q": sql_six,
        "jiqun": lambda p: jiqun_indicators(p, "duckdb", record["steps"]),
        "jiqun-auto": lambda p: jiqun_indicators(p, "duckdb", record["steps"]),
        "spark": lambda p: jiqun_indicators(p, "spark", record["steps"]),
    }
    if warm:
        runners[which](warm)
        record["steps"] = {}
    start = time.perf_counter()
    results = runners[which](path)
    record["seconds"] = time.perf_counter() - start
    record["self_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if save:
        save_results(results, save / which)
    return record


def save_results(results: dict[str, Any], folder: Path) -> None:
    import polars as pl

    folder.mkdir(parents=True, exist_ok=True)
    for name, table in results.items():
        if isinstance(table, pl.DataFrame):
            frame = table
        else:
            frame = pl.from_pandas(table) if hasattr(table, "iloc") else pl.DataFrame(pl.from_arrow(table))
        frame.write_parquet(folder / f"{name}.parquet")


# --- parent: run children, poll memory, compare ------------------------------------------------


def tree_rss(process: Any) -> int:
    """Resident bytes of a process and all its descendants (0 for those that vanished)."""
    import psutil

    total = 0
    for p in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total


def run_child(which: str, path: Path, save: Path | None, timeout: float,
              max_gb: float = 1e9) -> dict[str, Any]:
    """One run in a fresh process; adds the polled peak RSS of its process tree (GB).

    The run is stopped (and reported as failed) after ``timeout`` seconds or above ``max_gb``.
    """
    import psutil

    command = [sys.executable, __file__, "--child", which, "--data", str(path),
               "--warm", str(path.parent / WARM_FILE)]
    command += ["--save", str(save)] if save else []
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        # the scratch folder is the working directory: DuckDB spills and Spark writes there
        child_process = subprocess.Popen(command, stdout=out, stderr=err, text=True, cwd=path.parent)
        peak, started, watched = 0, time.monotonic(), psutil.Process(child_process.pid)
        while child_process.poll() is None:
            peak = max(peak, tree_rss(watched))
            if time.monotonic() - started > timeout or peak > max_gb * 2**30:
                _stop_tree(watched)
                child_process.wait()
                why = f"above {max_gb:g} GB" if peak > max_gb * 2**30 else f"after {timeout:.0f} s"
                return {"failed": f"stopped {why}"}
            time.sleep(0.05)
        out.seek(0)
        err.seek(0)
        if child_process.returncode:
            return {"failed": err.read()[-2000:]}
        record = json.loads(out.read().strip().splitlines()[-1])
    record["peak_gb"] = max(peak / 2**30, record["self_peak_mb"] / 1024)
    return record


def _stop_tree(process: Any) -> None:
    """Kill a timed-out child and the processes it started (its JVM)."""
    import psutil

    for p in [*process.children(recursive=True), process]:
        with contextlib.suppress(psutil.Error):
            p.kill()


def compare(folder: Path, reference: str, other: str) -> dict[str, float]:
    """Largest relative difference per indicator of ``other`` against ``reference`` (asserts rtol)."""
    import polars as pl

    worst = {}
    for name, (keys, values) in OUTPUTS.items():
        want = _canonical(pl.read_parquet(folder / reference / f"{name}.parquet"), keys, values)
        got = _canonical(pl.read_parquet(folder / other / f"{name}.parquet"), keys, values)
        if want.height != got.height or not want.select(keys).equals(got.select(keys)):
            raise AssertionError(f"{other} {name}: keys differ ({got.height} rows vs {want.height})")
        worst[name] = max(_worst(got[c].to_numpy(), want[c].to_numpy(), f"{other} {name}.{c}")
                          for c in values)
    return worst


def _canonical(frame: Any, keys: list[str], values: list[str]) -> Any:
    import polars as pl

    typed = [pl.col(k).cast(pl.Int64) if k == "year" else pl.col(k).cast(pl.String) for k in keys]
    return frame.select(*typed, *[pl.col(c).cast(pl.Float64).fill_nan(None) for c in values]).sort(keys)


def _worst(got: np.ndarray, want: np.ndarray, label: str) -> float:
    missing = np.isnan(got)
    if not np.array_equal(missing, np.isnan(want)):
        where = int(np.argmax(missing != np.isnan(want)))
        raise AssertionError(f"{label}: missing values differ, first at row {where}: "
                             f"{got[where]} vs {want[where]}")
    got, want = got[~missing], want[~missing]
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL, err_msg=label)
    excess = np.abs(got - want) - ATOL
    scale = np.where(want == 0, 1.0, np.abs(want))
    return float(np.max(np.where(excess > 0, excess / scale, 0.0), initial=0.0))


# --- driver -------------------------------------------------------------------------------------


def parse_size(text: str) -> int:
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1].lower(), 1)
    return int(float(text[:-1] if factor > 1 else text) * factor)


def make_dataset(scratch: Path, rows: int) -> Path:
    path = scratch / f"registry-{rows}.parquet"
    if not path.exists():
        start = time.perf_counter()
        firms = write_registry(path, rows, np.random.default_rng(SEED))
        print(f"# generated {rows:,} rows ({firms:,} firms started) in {time.perf_counter() - start:.0f} s, "
              f"{path.stat().st_size / 2**20:.0f} MB", file=sys.stderr)
    return path


def contenders(args: argparse.Namespace, rows: int) -> list[str]:
    names = ["sql-1q", "sql-6q", "jiqun"]
    if rows <= args.pandas_max_rows:
        names.insert(0, "pandas")
    names += [n for n in (args.extra or "").split(",") if n]
    if not args.skip_spark and rows <= args.spark_max_rows:
        names.append("spark")
    return [n for n in names if not args.only or n in args.only.split(",")]


def check(folder: Path, path: Path, names: list[str], timeout: float) -> dict[str, dict[str, float]]:
    """Run every contender once more, keep its results and compare them with pandas'."""
    for name in names:
        record = run_child(name, path, folder, timeout)
        if "failed" in record:
            raise RuntimeError(f"{name} failed in the check run: {record['failed']}")
    return agree(folder, names)


def agree(folder: Path, names: list[str]) -> dict[str, dict[str, float]]:
    """Each contender's largest relative differences against pandas (or the first contender)."""
    reference = "pandas" if "pandas" in names else names[0]
    return {name: compare(folder, reference, name) for name in names if name != reference}


def measure(args: argparse.Namespace, rows: int, path: Path,
            save: Path | None = None) -> dict[str, list[dict[str, Any]]]:
    """Interleaved timed runs; with ``save``, the first run of each contender keeps its results."""
    names = contenders(args, rows)
    repeats = args.repeats if rows < args.big else min(args.repeats, args.big_repeats)
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    for k in range(repeats):
        for name in names:  # interleaved, so that machine noise hits every contender alike
            if runs[name] and "failed" in runs[name][-1]:
                continue  # a run stopped for time or memory is not tried again
            cap = args.pandas_max_gb if name == "pandas" else 1e9  # the engines have their own limits
            record = run_child(name, path, save if k == 0 else None, args.timeout, cap)
            runs[name].append(record)
            print(f"# {rows:,} rows, run {k + 1}/{repeats}, {name}: "
                  f"{record.get('seconds', record.get('failed', '?'))}", file=sys.stderr)
    return runs


def summarise(rows: int, runs: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name, records in runs.items():
        good = [r for r in records if "seconds" in r]
        if not good:
            out[name] = {"failed": records[0].get("failed", "?")[-300:]}
            continue
        steps = {k: statistics.median(r["steps"][k] for r in good) for k in good[0]["steps"]}
        out[name] = {"seconds": statistics.median(r["seconds"] for r in good),
                     "all": [round(r["seconds"], 2) for r in good],
                     "peak_gb": max(r["peak_gb"] for r in good),
                     "rows_per_s": rows / statistics.median(r["seconds"] for r in good), "steps": steps,
                     "api": good[0].get("api", ""), "spark_start": good[0].get("spark_start_seconds"),
                     "sources": sorted({r.get("source", "") for r in good})}
    return out


def markdown(summary: dict[int, dict[str, dict[str, Any]]]) -> str:
    lines = ["| rows | contender | median s | runs (s) | rows/s | peak GB | time ÷ best SQL "
             "| peak ÷ best SQL |",
             "|---:|---|---:|---|---:|---:|---:|---:|"]
    for rows, by_name in summary.items():
        sql = [s for n, s in by_name.items() if n.startswith("sql") and "seconds" in s]
        best = min(sql, key=lambda s: s["seconds"]) if sql else None
        for name, s in by_name.items():
            if "failed" in s:
                lines.append(f"| {rows:,} | {name} | failed | {s['failed'][:60]} | | | | |")
                continue
            ratio = f"{s['seconds'] / best['seconds']:.2f}" if best else ""
            memory = f"{s['peak_gb'] / best['peak_gb']:.2f}" if best else ""
            lines.append(f"| {rows:,} | {name} | {s['seconds']:.2f} | {s['all']} | {s['rows_per_s']:,.0f} | "
                         f"{s['peak_gb']:.2f} | {ratio} | {memory} |")
    return "\n".join(lines)


def steps_markdown(summary: dict[int, dict[str, dict[str, Any]]]) -> str:
    names = ["prepare", *OUTPUTS]
    lines = ["| rows | engine | API | " + " | ".join(names) + " |", "|---:|---|---|" + "---:|" * len(names)]
    for rows, by_name in summary.items():
        for engine in ("jiqun", "jiqun-auto", "spark"):
            s = by_name.get(engine, {})
            if "steps" in s:
                cells = " | ".join(f"{s['steps'].get(n, 0):.2f}" for n in names)
                lines.append(f"| {rows:,} | {engine} | {s['api']} | {cells} |")
    return "\n".join(lines)


def machine() -> str:
    import psutil

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    from importlib.metadata import version

    names = ("duckdb", "ibis-framework", "polars", "pandas", "pyarrow", "pyspark")
    memory = psutil.virtual_memory().total / 2**30
    return (f"{platform.machine()} {cpu}, {os.cpu_count()} cores, {memory:.0f} GB "
            f"RAM, Python {platform.python_version()}; " + ", ".join(f"{n} {version(n)}" for n in names))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1M,10M,50M")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--big", type=parse_size, default=parse_size("50M"), help="rows from which…")
    parser.add_argument("--big-repeats", type=int, default=2, help="…at most this many runs")
    parser.add_argument("--skip-spark", action="store_true")
    parser.add_argument("--spark-max-rows", type=parse_size, default=parse_size("10M"))
    parser.add_argument("--pandas-max-rows", type=parse_size, default=parse_size("50M"))
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per run")
    parser.add_argument("--pandas-max-gb", type=float, default=12.0, help="stop pandas above this peak RSS")
    parser.add_argument("--only", help="comma-separated contenders (pandas,sql-1q,sql-6q,jiqun,spark)")
    parser.add_argument("--extra", help="also run jiqun-auto: jiqun with JIQUN_DUCKDB_MEMORY=auto")
    parser.add_argument("--quick", action="store_true", help="20k rows, one run")
    parser.add_argument("--no-check", action="store_true")
    parser.add_argument("--scratch", type=Path, default=Path("/tmp/jiqun-bench"))
    parser.add_argument("--keep", action="store_true", help="keep the scratch datasets")
    parser.add_argument("--child")
    parser.add_argument("--data", type=Path)
    parser.add_argument("--save", type=Path)
    parser.add_argument("--warm", type=Path)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.data, args.save, args.warm)))
        return
    if args.quick:
        args.sizes, args.repeats = "20k", 1
    sizes = sorted(parse_size(s) for s in args.sizes.split(","))
    args.scratch.mkdir(parents=True, exist_ok=True)
    try:
        report = run_all(args, sizes)
    finally:
        if not args.keep:
            shutil.rmtree(args.scratch, ignore_errors=True)
    print(report)


def run_all(args: argparse.Namespace, sizes: list[int]) -> str:
    summary: dict[int, dict[str, dict[str, Any]]] = {}
    agreement: dict[str, dict[str, float]] = {}
    write_registry(args.scratch / WARM_FILE, WARM_ROWS, np.random.default_rng(SEED + 1))
    for rows in sizes:
        path = make_dataset(args.scratch, rows)
        first = rows == sizes[0] and not args.no_check
        folder = args.scratch / "check"
        if first and not args.quick:  # a separate run, so that saving results costs no timed run
            agreement = check(folder, path, contenders(args, rows), args.timeout)
        summary[rows] = summarise(rows, measure(args, rows, path, folder if first and args.quick else None))
        if first and args.quick:
            agreement = agree(folder, contenders(args, rows))
        print(json.dumps({rows: summary[rows]}, default=str), file=sys.stderr)
    lines = [f"Machine: {machine()}.", "", markdown(summary), "", "jiqun seconds per step (medians):", "",
             steps_markdown(summary)]
    if agreement:
        worst = {n: f"{max(v.values()):.1e}" for n, v in agreement.items()}
        lines += ["", f"Agreement with pandas (else the first contender) at {sizes[0]:,} rows, largest "
                  f"relative difference over every number of the six indicators: {worst}"]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
