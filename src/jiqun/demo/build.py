"""Build the demo registry: background economy + seed clusters → bureau files → ``jiqun import``.

The demo goes through the same door as a bureau's data: the generated tables are written as the
CSV and Excel files a bureau would hold (Chinese headers, money in 万元 or 亿元), and those files
are imported with the ordinary importer. The files stay in the output folder as examples of the
import format.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from jiqun.demo.economy import generate_economy
from jiqun.demo.seeds import plant_seed_clusters, planted_industries
from jiqun.ingest.parse import UNITS
from jiqun.ingest.schema import load_schema

DEFAULT_SEED = 2026
DEFAULT_FIRMS = 150_000
YEARS = [2021, 2022, 2023, 2024, 2025]
HUNDREDTHS = ("_fen", "_cmu", "_c")  # integer hundredths of the base unit (fen, 1/100 亩 …)
CSV_KINDS = {"enterprises", "enterprise_years", "supply_links"}  # large: CSV, the rest in one workbook
WORKBOOK = "园区品牌服务与项目.xlsx"
Progress = Callable[[str], None]


@dataclass
class DemoTables:
    """Every demo table by import kind, in generator units (hundredths in ``*_fen`` columns)."""

    tables: dict[str, pl.DataFrame]

    def analysis_tables(self) -> dict[str, pl.DataFrame]:
        """The tables as :mod:`jiqun.clusters.tables` shapes them (yuan and 亩 instead of hundredths)."""
        from jiqun.clusters.tables import conform

        return conform({kind: _in_whole_units(frame) for kind, frame in self.tables.items()})

    def digest(self) -> str:
        """SHA-256 over every table's CSV bytes, in kind order: equal digests, equal data."""
        sha = hashlib.sha256()
        for kind in sorted(self.tables):
            sha.update(kind.encode())
            sha.update(self.tables[kind].write_csv().encode())
        return sha.hexdigest()


def _in_whole_units(frame: pl.DataFrame) -> pl.DataFrame:
    """Hundredths to whole units: ``revenue_fen`` → ``revenue`` (yuan), ``land_mu_cmu`` → ``land_mu``."""
    renamed = {}
    for column in frame.columns:
        for suffix in ("_fen", "_cmu", "_c"):
            if column.endswith(suffix):
                renamed[column] = column.removesuffix(suffix)
                break
    return frame.with_columns([(pl.col(c) / 100).alias(c) for c in renamed]).rename(renamed)


def generate_demo(seed: int = DEFAULT_SEED, firms: int = DEFAULT_FIRMS,
                  progress: Progress = lambda _: None) -> DemoTables:
    """The whole demo economy for ``seed``: deterministic, same seed → identical tables."""
    rng = np.random.default_rng(seed)
    progress(f"生成背景经济（{firms:,} 家企业，{YEARS[0]}–{YEARS[-1]} 年）")
    economy = generate_economy(int(rng.integers(2**31)), firms=firms, years=YEARS)
    tables = {kind: getattr(economy, kind) for kind in
              ("parks", "enterprises", "enterprise_years", "brands", "supply_links", "service_providers")}
    tables = _drop_background_of_seed_clusters(tables)
    progress("植入四个种子产业集群（邵东、宝应、沁阳、襄州）")
    planted = plant_seed_clusters(np.random.default_rng(int(rng.integers(2**31))), YEARS)
    for kind, frames in planted.tables.items():
        tables[kind] = pl.concat([tables[kind], *frames], how="diagonal_relaxed") \
            if kind in tables else pl.concat(frames, how="diagonal_relaxed")
    tables["county_finance"] = _county_finance(tables, np.random.default_rng(int(rng.integers(2**31))))
    _check_unique(tables)
    return DemoTables(tables)


def _drop_background_of_seed_clusters(tables: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Remove background firms of the seed counties in the planted industries (and their rows)."""
    rules = planted_industries()
    ents = tables["enterprises"]
    drop = pl.lit(False)
    for region, industries in rules.items():
        drop = drop | ((pl.col("region") == region) & pl.col("industry").is_in(sorted(industries)))
    gone = ents.filter(drop)["uscc"].implode()
    out = dict(tables)
    out["enterprises"] = ents.filter(~drop)
    for kind in ("enterprise_years", "brands"):
        out[kind] = tables[kind].filter(~pl.col("uscc").is_in(gone))
    out["supply_links"] = tables["supply_links"].filter(
        ~pl.col("supplier_uscc").is_in(gone) & ~pl.col("buyer_uscc").is_in(gone))
    return out


def _county_finance(tables: dict[str, pl.DataFrame], rng: np.random.Generator) -> pl.DataFrame:
    """Deposits and loans for every county without planted figures (deposits ≈ 0.9 × revenue)."""
    planted = tables.get("county_finance")
    done = set(planted["region"].to_list()) if planted is not None else set()
    revenue = (tables["enterprise_years"].join(tables["enterprises"].select("uscc", "region"), on="uscc")
               .group_by("region", "year").agg(pl.col("revenue_fen").sum()))
    revenue = revenue.filter(~pl.col("region").is_in(sorted(done))).sort("region", "year")
    ratio = {r: float(rng.uniform(0.45, 0.85)) for r in revenue["region"].unique().sort().to_list()}
    background = revenue.select(
        "region", "year", (pl.col("revenue_fen") * 0.9).round().cast(pl.Int64).alias("deposits_fen"),
    ).with_columns((pl.col("deposits_fen") * pl.col("region").replace_strict(ratio, return_dtype=pl.Float64))
                   .round().cast(pl.Int64).alias("loans_fen"))
    return pl.concat([background, planted], how="diagonal_relaxed") if planted is not None else background


def _check_unique(tables: dict[str, pl.DataFrame]) -> None:
    ents = tables["enterprises"]
    if ents["uscc"].n_unique() != ents.height:
        raise RuntimeError("demo generator produced a duplicate unified social credit code")


# --- bureau files ---------------------------------------------------------------------------------


def write_bureau_files(demo: DemoTables, folder: Path) -> list[Path]:
    """Write the tables as a bureau would hold them; returns the files in import order."""
    folder.mkdir(parents=True, exist_ok=True)
    schema = load_schema()
    files: list[Path] = []
    sheets: dict[str, pl.DataFrame] = {}
    for spec in schema.ordered():
        frame = demo.tables.get(spec.name)
        if frame is None or frame.is_empty():
            continue
        bureau = bureau_frame(spec.name, frame)
        if spec.name in CSV_KINDS:
            path = folder / f"{spec.zh}.csv"
            bureau.write_csv(path, include_bom=True)
            files.append(path)
        else:
            sheets[spec.zh] = bureau
    if sheets:
        files.append(_write_workbook(folder / WORKBOOK, sheets))
    return sorted(files, key=lambda p: 0 if p.stem == "企业名录" else 1)


def bureau_frame(kind: str, frame: pl.DataFrame) -> pl.DataFrame:
    """One table with the Chinese export headers; hundredths become exact 万元/亿元/亩 text."""
    spec = load_schema().kinds[kind]
    columns = []
    if kind == "enterprise_years" and "exports_fen" in frame.columns:
        frame = frame.with_columns(_exports_text(frame)).drop("exports_fen")
    for name in frame.columns:
        field_name, scaled = _field_of(name)
        if field_name not in spec.fields:
            continue
        field = spec.fields[field_name]
        column = pl.col(name)
        if scaled:
            exponent = UNITS[field.unit].exponent if field.unit else 0
            column = _exact_decimal(column, exponent + 2)
        elif frame.schema[name] == pl.Boolean:
            column = pl.when(column).then(pl.lit("是")).when(~column).then(pl.lit("否"))
        elif field.type == "choice":
            column = column.replace_strict({k: v[0] for k, v in field.choices.items()},
                                           default=column, return_dtype=pl.String)
        header = field.zh if field_name == "exports" else field.header("zh")  # unit in each cell
        columns.append(column.cast(pl.String).alias(header))
    return frame.select(columns)


def _exports_text(frame: pl.DataFrame) -> pl.Expr:
    """Exports with the unit in each cell (万美元 or 万元), as bureaus mix currencies."""
    unit = pl.when(pl.col("export_currency") == "USD").then(pl.lit("万美元")).otherwise(pl.lit("万元"))
    return pl.concat_str([_exact_decimal(pl.col("exports_fen"), 6), unit]).alias("exports")


def _field_of(column: str) -> tuple[str, bool]:
    for suffix in HUNDREDTHS:
        if column.endswith(suffix):
            return column[: -len(suffix)], True
    return column, False


def _exact_decimal(column: pl.Expr, places: int) -> pl.Expr:
    """Integer ``column`` divided by 10**places, as exact decimal text (no float rounding)."""
    whole = column // 10**places
    frac = (column % 10**places).cast(pl.String).str.zfill(places).str.strip_chars_end("0")
    return pl.when(column.is_null()).then(None).when(frac == "").then(whole.cast(pl.String)) \
        .otherwise(pl.concat_str([whole.cast(pl.String), pl.lit("."), frac]))


def _write_workbook(path: Path, sheets: dict[str, pl.DataFrame]) -> Path:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for title, frame in sheets.items():
        sheet = book.create_sheet(title)
        sheet.append(frame.columns)
        for row in frame.iter_rows():
            sheet.append(list(row))
    book.save(path)
    return path
