"""Cluster identification: planted clusters are found, plain counties give nothing, seeds hold."""

from __future__ import annotations

import re
from importlib import resources

import numpy as np
import polars as pl
import pytest

from jiqun.clusters.identify import identify_clusters, identify_defaults, rate_cells
from jiqun.demo.build import generate_demo

from .economy import INDUSTRIES, plain_economy

pytestmark = pytest.mark.slow


def found(tables: dict[str, pl.DataFrame], rated: pl.DataFrame, region: str) -> set[str]:
    result = identify_clusters(tables, region, 2025, rated=rated)
    return {industry for cluster in result.clusters for industry in cluster.industries}


def test_planted_clusters_are_found_and_plain_counties_give_nothing() -> None:
    rng = np.random.default_rng(20261127)
    planted = {("430101", INDUSTRIES[3]): 40, ("430105", INDUSTRIES[10]): 25, ("430203", INDUSTRIES[30]): 60,
               ("430210", INDUSTRIES[55]): 20, ("430301", INDUSTRIES[3]): 30}
    tables = plain_economy(rng, planted=planted)
    rated = rate_cells(tables, 2025)
    counties = sorted(tables["enterprises"]["region"].unique())
    predicted = {(region, industry) for region in counties for industry in found(tables, rated, region)}
    hits = predicted & set(planted)
    precision = len(hits) / len(predicted)
    recall = len(hits) / len(planted)
    print(f"precision {precision:.2f} recall {recall:.2f} over {len(counties)} counties")
    assert recall == 1.0
    assert precision >= 0.8
    plain = [r for r in counties if r not in {region for region, _ in planted}]
    assert sum(bool(found(tables, rated, region)) for region in plain) <= 1


@pytest.fixture(scope="module")
def demo() -> dict[str, pl.DataFrame]:
    return generate_demo(seed=2026, firms=20_000).analysis_tables()


@pytest.mark.parametrize(("region", "industries"), [
    ("430582", {"4119"}),  # 邵东 lighters (seed 1)
    ("321023", {"3059"}),  # 宝应 glass and crystal crafts (seed 4)
    ("410882", {"2614", "3062", "3252"}),  # 沁阳 chlor-alkali, glass-fibre plastics, aluminium (seed 2)
    ("420607", {"3670", "1711", "1811", "5821"}),  # 襄州 auto parts, textiles and food, logistics (seed 5)
])
def test_seed_counties_planted_clusters_are_identified(demo: dict[str, pl.DataFrame], region: str,
                                                       industries: set[str]) -> None:
    rated = rate_cells(demo, 2025)
    assert industries <= found(demo, rated, region)


def test_a_cluster_explains_itself(demo: dict[str, pl.DataFrame]) -> None:
    result = identify_clusters(demo, "430582", 2025, industry_names={"4119": "打火机"},
                               rng=np.random.default_rng(3))
    lighters = next(c for c in result.clusters if "4119" in c.industries)
    assert lighters.name == "打火机" and lighters.firms == 160
    assert lighters.county_share > 0.5 and lighters.lq is not None and lighters.lq > 2
    assert lighters.cmp_strength == "strong10" and lighters.stars >= 2
    assert lighters.candidates[0].firm_p_value < 1e-6
    assert len(result.config_hash) == 16


def test_every_configuration_key_is_documented() -> None:
    text = resources.files("jiqun.clusters").joinpath("identify.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    for key in identify_defaults():
        index = next(i for i, line in enumerate(lines) if re.match(rf"{key}\s*:", line))
        assert lines[index - 1].startswith("#"), f"identify.yaml: {key} has no comment above it"
