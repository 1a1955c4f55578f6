"""The background economy of the demo: deterministic, valid codes, plausible shapes."""

from __future__ import annotations

import csv
import hashlib
import resource
import time
from dataclasses import fields
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from jiqun.codes.regions import RegionCodebook
from jiqun.codes.uscc import check_uscc
from jiqun.demo.economy import (
    DEFAULT_PROVINCES,
    DemoData,
    county_coordinates,
    distance_km,
    generate_economy,
    load_parameters,
    short_name,
    size_classes,
)
from jiqun.ingest.schema import load_schema

SMALL = 3000
YEARS = (2021, 2022, 2023, 2024, 2025)
PARAMS = load_parameters()
HUNDREDTHS = ("_fen", "_cmu", "_c")


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return generate_economy(7, firms=SMALL)


def digests(data: DemoData) -> dict[str, str]:
    return {f.name: hashlib.sha256(getattr(data, f.name).write_csv().encode()).hexdigest()
            for f in fields(data)}


def is_manufacturing(column: str = "industry") -> pl.Expr:
    return pl.col(column).str.slice(0, 2).cast(pl.Int32).is_between(13, 43)


def last_facts(demo: DemoData) -> pl.DataFrame:
    """Each firm's facts in the last year it was alive, with its enterprise row."""
    last = demo.enterprise_years.sort("year").group_by("uscc", maintain_order=True).last()
    return demo.enterprises.join(last, on="uscc", how="left", validate="1:1")


# --- determinism ---------------------------------------------------------------------------------


def test_same_seed_gives_identical_frames(demo: DemoData) -> None:
    again = generate_economy(7, firms=SMALL)
    for f in fields(demo):
        assert getattr(demo, f.name).equals(getattr(again, f.name)), f.name
    assert digests(demo) == digests(again)


def test_different_seed_gives_different_data(demo: DemoData) -> None:
    other = digests(generate_economy(8, firms=SMALL))
    mine = digests(demo)
    assert all(mine[name] != other[name] for name in mine)


def test_global_random_state_is_untouched() -> None:
    np.random.seed(1)
    before = np.random.random()
    np.random.seed(1)
    generate_economy(3, firms=200)
    assert np.random.random() == before


# --- identity ----------------------------------------------------------------------------------------


def test_every_uscc_is_valid_unique_and_registered_in_the_firms_county(demo: DemoData) -> None:
    ents = demo.enterprises
    assert ents.height == SMALL
    assert ents["uscc"].n_unique() == SMALL
    for code, region in zip(ents["uscc"], ents["region"], strict=True):
        verdict = check_uscc(code)
        assert verdict.valid and verdict.warning is None, (code, verdict)
        assert code[:2] == "91" and code[2:8] == region


def test_names_are_unique_and_shaped_like_firm_names(demo: DemoData) -> None:
    ents = demo.enterprises
    assert ents["name"].n_unique() == ents.height
    assert ents["name"].str.ends_with("有限公司").all()
    book = RegionCodebook.default()
    for name, region in zip(ents["name"].head(300), ents["region"].head(300), strict=True):
        county = book.get(region)
        assert county is not None
        assert short_name(county.name) in name


def test_every_region_is_a_county_of_the_four_provinces(demo: DemoData) -> None:
    book = RegionCodebook.default()
    counties = {r.code for p in DEFAULT_PROVINCES for r in book.counties_of(p)}
    for frame in (demo.enterprises, demo.parks, demo.service_providers):
        assert set(frame["region"].unique()) <= counties
    assert demo.enterprises["region"].n_unique() > 300  # firms spread over most counties


def test_every_industry_is_a_level_4_code_of_gbt4754(demo: DemoData, shared_data: Path) -> None:
    path = shared_data / "gbt4754-2017" / "gbt4754_2017.csv"
    if not path.exists():
        pytest.skip(f"{path} not found")
    with path.open(encoding="utf-8") as handle:
        classes = {r["code"]: r["name_zh"] for r in csv.DictReader(handle) if r["level"] == "4"}
    assert set(demo.enterprises["industry"].unique()) <= set(classes)
    for row in PARAMS["industries"]:
        assert classes.get(row["code"]) == row["name"], row["code"]
    assert 60 <= len(PARAMS["industries"]) <= 100


def test_columns_are_import_fields(demo: DemoData) -> None:
    schema = load_schema()
    for f in fields(demo):
        spec = schema.kinds[f.name]
        for column in getattr(demo, f.name).columns:
            field = next((column[: -len(s)] for s in HUNDREDTHS if column.endswith(s)), column)
            assert field in spec.fields, (f.name, column)


# --- yearly facts --------------------------------------------------------------------------------


def test_a_firm_has_rows_exactly_for_the_years_it_was_alive(demo: DemoData) -> None:
    rows = demo.enterprise_years.join(demo.enterprises.select("uscc", "founded", "closed"), on="uscc")
    assert rows.filter(pl.col("year") < pl.col("founded").dt.year()).is_empty()
    assert rows.filter(pl.col("year") > pl.col("closed").dt.year()).is_empty()
    expected = demo.enterprises.select(
        "uscc",
        (pl.min_horizontal(pl.col("closed").dt.year().fill_null(YEARS[-1]), pl.lit(YEARS[-1]))
         - pl.max_horizontal(pl.col("founded").dt.year(), pl.lit(YEARS[0])) + 1).alias("n"),
    )
    got = demo.enterprise_years.group_by("uscc").len()
    both = expected.join(got, on="uscc", how="left")
    assert (both["n"] == both["len"]).all()
    assert demo.enterprise_years.select(pl.struct("uscc", "year").is_unique().all()).item()
    assert demo.enterprises["closed"].is_not_null().sum() > 0  # exits happen
    assert not demo.enterprises.filter(pl.col("founded") >= pl.date(YEARS[0], 1, 1)).is_empty()  # entries


def test_revenue_is_heavy_tailed_and_manufacturing_median_as_documented(demo: DemoData) -> None:
    last = demo.enterprise_years.filter(pl.col("year") == YEARS[-1])
    revenue = last["revenue_fen"].sort(descending=True)
    top = revenue.head(len(revenue) // 100).sum() / revenue.sum()
    assert top > PARAMS["expected"]["top1_revenue_share_min"]
    manufacturing = last.join(demo.enterprises.select("uscc", "industry"), on="uscc").filter(
        is_manufacturing())
    low, high = PARAMS["expected"]["manufacturing_median_wan"]
    assert low <= manufacturing["revenue_fen"].median() / 1_000_000 <= high


def test_amounts_are_non_negative_and_under_the_importer_ceilings(demo: DemoData) -> None:
    for f in fields(demo):
        frame = getattr(demo, f.name)
        for column, dtype in frame.schema.items():
            if dtype == pl.Int64:
                assert (frame[column].drop_nulls() >= 0).all(), (f.name, column)
    years = demo.enterprise_years
    assert years["revenue_fen"].max() <= 10**13 * 100
    assert years["employees"].max() <= 2_000_000 and years["employees"].min() >= 1
    assert (years["liabilities_fen"] <= years["total_assets_fen"]).all()


def test_industry_only_columns_and_exports(demo: DemoData) -> None:
    rows = demo.enterprise_years.join(demo.enterprises.select("uscc", "industry"), on="uscc")
    other = rows.filter(~is_manufacturing())
    assert other["industrial_output_fen"].is_null().all() and other["land_mu_cmu"].is_null().all()
    made = rows.filter(is_manufacturing())
    assert made["industrial_output_fen"].is_not_null().all() and made["land_mu_cmu"].is_not_null().all()
    industrial = pl.col("industry").str.slice(0, 2).cast(pl.Int32).is_between(6, 46)
    assert rows.filter(industrial)["energy_tce_c"].is_not_null().all()
    assert rows.filter(~industrial)["energy_tce_c"].is_null().all()
    exporters = rows.filter(pl.col("exports_fen").is_not_null())
    assert 0 < exporters.height < rows.height / 3
    assert (exporters["export_currency"] == "USD").all()
    assert rows.filter(pl.col("exports_fen").is_null())["export_currency"].is_null().all()


# --- classes and flags ---------------------------------------------------------------------------


def test_size_class_follows_the_sme_standard_for_industry(demo: DemoData) -> None:
    facts = last_facts(demo).filter(is_manufacturing())
    revenue_wan = facts["revenue_fen"] / 1_000_000
    employees = facts["employees"]
    expected = np.where((employees >= 1000) & (revenue_wan >= 40000), "large",
                        np.where((employees >= 300) & (revenue_wan >= 2000), "medium",
                                 np.where((employees >= 20) & (revenue_wan >= 300), "small", "micro")))
    assert (facts["size_class"].to_numpy() == expected).all()
    assert set(demo.enterprises["size_class"].unique()) <= {"large", "medium", "small", "micro"}


def test_size_rules_for_other_sectors() -> None:
    rules = list(PARAMS["size_rules"])
    wholesale, other = rules.index("wholesale"), rules.index("other")
    got = size_classes(np.array([250, 30, 30, 400, 5]), np.array([50000, 6000, 900, 0, 0]),
                       np.zeros(5), np.array([wholesale, wholesale, wholesale, other, other]), PARAMS)
    assert got.tolist() == ["large", "medium", "micro", "large", "micro"]


def test_above_size_is_industry_revenue_over_20_million(demo: DemoData) -> None:
    facts = last_facts(demo)
    industrial = pl.col("industry").str.slice(0, 2).cast(pl.Int32).is_between(6, 46)
    assert facts.filter(~industrial)["above_size"].is_null().all()
    ind = facts.filter(industrial)
    assert (ind["above_size"] == (ind["revenue_fen"] >= 2000 * 1_000_000)).all()
    share = facts.filter(is_manufacturing())["above_size"].mean()
    assert 0.05 < share < 0.3


def test_ownership_mostly_private_and_flags_rare(demo: DemoData) -> None:
    ents = demo.enterprises
    assert set(ents["ownership"].unique()) <= set(PARAMS["ownership"])
    assert (ents["ownership"] == "private").mean() > 0.7
    assert ents["specialised"].mean() < 0.03
    assert ents["high_tech"].mean() < 0.05
    assert ents["listed"].mean() < 0.005


# --- parks, brands, links, providers -------------------------------------------------------------


def test_parks_used_area_within_planned_and_firm_parks_exist(demo: DemoData) -> None:
    parks = demo.parks
    assert (parks["used_area_mu_cmu"] <= parks["planned_area_mu_cmu"]).all()
    assert (parks["used_area_mu_cmu"] >= 0).all()
    assert set(parks["level"].unique()) <= {"国家级", "省级", "市级"}
    per_county = parks.group_by("region").len()["len"]
    assert per_county.min() >= 1 and per_county.max() <= 3
    assert parks.select(pl.struct("region", "name").is_unique().all()).item()
    in_parks = demo.enterprises.filter(pl.col("park").is_not_null()).select("region", "park")
    orphans = in_parks.join(parks, left_on=["region", "park"], right_on=["region", "name"], how="anti")
    assert orphans.is_empty()
    share = demo.enterprises.group_by(is_manufacturing().alias("m")).agg(pl.col("park").is_not_null().mean())
    by = dict(zip(share["m"], share["park"], strict=True))
    assert by[True] > by[False]


def test_brands_are_rare_and_favour_large_firms(demo: DemoData) -> None:
    brands = demo.brands
    assert set(brands["uscc"]) <= set(demo.enterprises["uscc"])
    assert brands.height < demo.enterprises.height * 0.2
    assert brands.select(pl.struct("uscc", "kind", "name").is_unique().all()).item()
    facts = last_facts(demo).with_columns(pl.col("uscc").is_in(brands["uscc"].implode()).alias("held"))
    medians = facts.group_by("held").agg(pl.col("revenue_fen").median())
    by = dict(zip(medians["held"], medians["revenue_fen"], strict=True))
    assert by[True] > 3 * by[False]


def test_supply_links_follow_firms_and_mostly_stay_within_200_km(demo: DemoData) -> None:
    links = demo.supply_links
    ents = demo.enterprises
    per_year = links.height / len(YEARS)
    manufacturing = ents.filter(is_manufacturing()).height
    assert 0.3 * manufacturing < per_year < 1.5 * manufacturing
    assert (links["supplier_uscc"] != links["buyer_uscc"]).all()
    assert links.select(pl.struct("supplier_uscc", "buyer_uscc", "product", "year").is_unique().all()).item()
    alive = demo.enterprise_years.select("uscc", "year")
    for side in ("supplier_uscc", "buyer_uscc"):
        assert links.join(alive, left_on=[side, "year"], right_on=["uscc", "year"], how="anti").is_empty()
    region = dict(zip(ents["uscc"], ents["region"], strict=True))
    a = county_coordinates([region[u] for u in links["supplier_uscc"]])
    b = county_coordinates([region[u] for u in links["buyer_uscc"]])
    km = distance_km(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    assert (km <= 200).mean() > 0.8
    assert (km == 0).mean() > 0.05  # same-county links (~30% at full size, fewer firms here)


def test_service_providers_a_few_per_county(demo: DemoData) -> None:
    providers = demo.service_providers
    kinds = {"testing", "rd", "design", "training", "information", "logistics", "finance",
             "guarantee", "marketing", "legal", "association", "incubator"}
    assert set(providers["kind"].unique()) <= kinds
    counts = providers["kind"].value_counts()
    by = dict(zip(counts["kind"], counts["count"], strict=True))
    assert by["logistics"] > by["testing"] and by["finance"] > by["design"]
    assert 2 < providers.height / providers["region"].n_unique() < 15
    assert providers["public_platform"].any()
    assert providers.select(pl.struct("region", "name", "kind").is_unique().all()).item()


# --- full size -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_full_size_economy_is_fast_enough() -> None:
    start = time.perf_counter()
    data = generate_economy(2026)
    elapsed = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert elapsed < 60, f"{elapsed:.1f} s"
    assert peak_mb < 2000, f"{peak_mb:.0f} MB"
    assert data.enterprises.height == 150_000
    assert data.enterprises["uscc"].n_unique() == 150_000
    assert data.enterprises["name"].n_unique() == 150_000
    assert data.enterprise_years.height > 400_000
