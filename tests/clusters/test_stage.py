"""Stage and radiation: the index system decides from the numbers, says which, survives gaps."""

from __future__ import annotations

import re
from importlib import resources

import polars as pl
import pytest

from jiqun.clusters.profile import Profile, cluster_profile
from jiqun.clusters.stage import assess, stage_defaults
from jiqun.demo.build import generate_demo

pytestmark = pytest.mark.slow


def profile_with(**values: float | None) -> Profile:
    profile = Profile("430582", ("4119",), 2025)
    for key, value in values.items():
        profile.set(key, value, "", key)
    return profile


def test_a_dense_cluster_reaches_the_cluster_stage() -> None:
    strong = profile_with(
        firms=200,
        county_revenue_share=0.4,
        local_sourcing_rate=0.6,
        supporting_firm_share=0.3,
        provider_kinds_missing=0,
        rd_intensity=0.03,
        patents_per_100_firms=80,
        brands_municipal_or_higher=8,
        growth_firm_share=0.2,
    )
    ladder = assess(strong, lq=4.0)["stage"]
    assert ladder.reached == "cluster" and ladder.reached_label == "集群"
    assert all(level.confidence == 1.0 for level in ladder.levels)
    assert ladder.blockers == []


def test_short_chain_stops_at_concentration_and_says_why() -> None:
    shaodong_like = profile_with(
        firms=160,
        county_revenue_share=0.7,
        local_sourcing_rate=0.15,
        supporting_firm_share=0.01,
        provider_kinds_missing=5,
    )
    ladder = assess(shaodong_like, lq=200.0)["stage"]
    assert ladder.reached == "concentration"
    blockers = {s.metric for s in ladder.blockers}
    assert {"local_sourcing_rate", "supporting_firm_share", "provider_kinds_missing"} <= blockers
    agglomeration = ladder.levels[1]
    sourcing = next(s for s in agglomeration.indicators if s.metric == "local_sourcing_rate")
    assert sourcing.score == pytest.approx(0.15 / 0.3) and sourcing.threshold == 0.3 and sourcing.seed


def test_missing_data_lowers_confidence_instead_of_failing() -> None:
    sparse = profile_with(firms=50, county_revenue_share=None)
    ladder = assess(sparse, lq=3.0)["stage"]
    concentration = ladder.levels[0]
    assert concentration.confidence == pytest.approx(3 / 4) and concentration.reached
    assert ladder.levels[2].confidence == 0.0 and not ladder.levels[2].reached
    nothing = assess(profile_with(), lq=None)
    assert nothing["stage"].reached is None and nothing["radiation"].reached is None


def test_demo_counties_get_a_stage_with_evidence() -> None:
    tables: dict[str, pl.DataFrame] = generate_demo(seed=2026, firms=5_000).analysis_tables()
    shaodong = assess(cluster_profile(tables, "430582", ["4119"], 2025), lq=50.0)
    assert shaodong["stage"].reached == "concentration"  # 链条短，上下游企业衔接不紧密 (seed 1)
    assert len(shaodong["stage"].config_hash) == 16


def test_every_key_of_the_index_system_is_documented() -> None:
    text = resources.files("jiqun.clusters").joinpath("stage.yaml").read_text(encoding="utf-8")
    documented = set(re.findall(r"^#\s+(\w+)\s{2,}", text, flags=re.MULTILINE))
    config = stage_defaults()
    used = set(config)
    for ladder in ("stage", "radiation"):
        for level in config[ladder]:
            used |= set(level)
            for indicator in level["indicators"]:
                used |= set(indicator)
    assert used <= documented, f"undocumented keys in stage.yaml: {sorted(used - documented)}"
    metrics = {
        i["metric"]
        for ladder in ("stage", "radiation")
        for level in config[ladder]
        for i in level["indicators"]
    }
    known = set(
        cluster_profile(generate_demo(seed=1, firms=300).analysis_tables(), "321023", ["3059"], 2025).metrics
    )
    assert metrics <= known | {"lq"}, (
        f"indicators without a profile metric: {sorted(metrics - known - {'lq'})}"
    )
