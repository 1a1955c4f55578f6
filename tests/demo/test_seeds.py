"""The seed clusters hold the seeds' figures, in the planted tables and after import."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from jiqun.demo.seeds import FEN_PER_WAN, FEN_PER_YI, Planted, plant_seed_clusters, seed_figures

YEARS = [2021, 2022, 2023, 2024, 2025]
FIG = seed_figures()


@pytest.fixture(scope="module", params=[1, 7])
def planted(request: pytest.FixtureRequest) -> Planted:
    return plant_seed_clusters(np.random.default_rng(request.param), YEARS)


def last_year(planted: Planted, region: str, industries: list[str]) -> pl.DataFrame:
    ents = planted.frame("enterprises").filter(
        (pl.col("region") == region) & pl.col("industry").is_in(industries))
    facts = planted.frame("enterprise_years").filter(pl.col("year") == max(YEARS))
    return ents.join(facts, on="uscc")


def test_baoying_tiers_are_exact(planted: Planted) -> None:
    fig = FIG["baoying"]
    crafts = last_year(planted, fig["region"], [fig["craft_industry"]])
    assert crafts.height == fig["craft_firms"] > 200
    for threshold_wan, count in fig["tiers_wan"]:
        assert (crafts["revenue_fen"] > threshold_wan * FEN_PER_WAN).sum() == count, threshold_wan
    total_yi = crafts["revenue_fen"].sum() / FEN_PER_YI
    assert 15.5 < total_yi < 17.6  # as close to "20多亿元" as the tier counts allow (documented gap)


def test_baoying_exports_products_and_supporting_firms(planted: Planted) -> None:
    fig = FIG["baoying"]
    crafts = last_year(planted, fig["region"], [fig["craft_industry"]])
    exporters = crafts.filter(pl.col("exports_fen").is_not_null())
    assert exporters.height == fig["exporters"] >= 10
    assert exporters["export_currency"].unique().to_list() == ["USD"]
    assert exporters["exports_fen"].sum() / FEN_PER_WAN == pytest.approx(2150, abs=1)
    assert crafts["new_products"].sum() == pytest.approx(3150, abs=fig["craft_firms"])
    supplied = planted.frame("supply_links").filter(pl.col("product") == "供货出口")
    assert supplied["amount_fen"].sum() == round(4300 * 7.0 * FEN_PER_WAN)
    ents = planted.frame("enterprises").filter(pl.col("region") == fig["region"])
    for group in fig["supporting"]:
        assert (ents["industry"] == group["industry"]).sum() == group["count"]
    assert (ents["park"] == fig["park"]).sum() == 24
    assert (ents["park"] == fig["incubator"]).sum() == 6


def test_qinyang_firms_brands_parks_and_projects(planted: Planted) -> None:
    fig = FIG["qinyang"]
    chem = last_year(planted, fig["region"], fig["chemical_industries"])
    alu = last_year(planted, fig["region"], fig["aluminium_industries"])
    assert chem.height >= 30 and chem["above_size"].all()
    assert alu.height >= 10 and alu["above_size"].all()
    assert (chem["revenue_fen"] > 5 * FEN_PER_YI).sum() == 9
    assert (alu["revenue_fen"] > 5 * FEN_PER_YI).sum() == 4
    brands = planted.frame("brands").group_by("kind", "level").len()
    counts = {(k, lv): n for k, lv, n in brands.iter_rows()}
    assert counts == {("well_known_trademark", "national"): 2,
                      ("brand_product", "provincial"): 3, ("famous_trademark", "provincial"): 8}
    parks = planted.frame("parks").filter(pl.col("region") == fig["region"])
    assert sorted(parks["planned_area_mu_cmu"].to_list()) == [400_000, 600_000]
    projects = planted.frame("key_projects")
    assert projects.height == 10
    assert sorted(projects["planned_investment_fen"].to_list()) == sorted(
        round(y * FEN_PER_YI) for y in (10, 5, 10, 5.2, 5, 5.2, 6.6, 3, 12, 25))
    assert projects["expected_output_fen"].sum() >= 180 * FEN_PER_YI


def test_qinyang_two_ends_outside(planted: Planted) -> None:
    links = planted.frame("supply_links")
    inputs = links.filter(pl.col("product").str.starts_with("原料"))
    assert inputs["supplier_region"].str.slice(0, 2).unique().to_list() == ["14"]  # 山西, not 河南
    assert links.filter(pl.col("product") == "产品外销")["buyer_region"].str.slice(0, 2) \
        .unique().to_list() == ["44"]


def test_shaodong_moulds_freight_finance_and_complaints(planted: Planted) -> None:
    fig = FIG["shaodong"]
    moulds = planted.frame("equipment_purchases")
    total = moulds["amount_fen"].sum()
    once = moulds.group_by("item").agg(pl.col("amount_fen").min())["amount_fen"].sum()
    assert total == 500 * FEN_PER_WAN
    assert 200 * FEN_PER_WAN < total - once < 300 * FEN_PER_WAN  # "可节省投资200多万元"
    assert moulds["item"].n_unique() < moulds.height  # the same moulds bought by several firms
    freight = planted.frame("supply_links").filter(pl.col("product") == "货物托运")
    shares = freight.group_by("supplier_uscc").agg(pl.col("amount_fen").sum())["amount_fen"]
    hhi = float(((shares / shares.sum()) ** 2).sum())
    assert hhi > 0.8  # a near-monopoly
    finance = planted.frame("county_finance").filter(
        (pl.col("region") == fig["region"]) & (pl.col("year") == max(YEARS)))
    deposits, loans = finance["deposits_fen"].item(), finance["loans_fen"].item()
    assert deposits == 70 * FEN_PER_YI
    assert (deposits - loans) / deposits == pytest.approx(0.80, abs=1e-9)
    complaints = planted.frame("complaints")
    assert complaints.height == fig["complaints"]
    assert (complaints["category"] == "enforcement").mean() >= 0.7


def test_xiangzhou_three_targets_of_100_yi(planted: Planted) -> None:
    targets = planted.frame("cluster_targets")
    assert targets.height == 3
    assert targets["target_output_fen"].to_list() == [100 * FEN_PER_YI] * 3


def test_same_seed_same_rows_different_seed_different_rows() -> None:
    a = plant_seed_clusters(np.random.default_rng(3), YEARS)
    b = plant_seed_clusters(np.random.default_rng(3), YEARS)
    c = plant_seed_clusters(np.random.default_rng(4), YEARS)
    for kind in a.tables:
        assert a.frame(kind).equals(b.frame(kind)), kind
    assert not a.frame("enterprises").equals(c.frame("enterprises"))


def test_every_planted_industry_is_a_gbt4754_class(shared_data) -> None:  # type: ignore[no-untyped-def]
    import csv

    with (shared_data / "gbt4754-2017" / "gbt4754_2017.csv").open(encoding="utf-8") as handle:
        classes = {r["code"] for r in csv.DictReader(handle) if r["level"] == "4"}
    planted = plant_seed_clusters(np.random.default_rng(1), YEARS)
    codes = set(planted.frame("enterprises")["industry"].to_list())
    codes |= {c for c in planted.frame("key_projects")["industry"].to_list() if c}
    assert codes <= classes, sorted(codes - classes)
