"""The cluster profile on the demo economy: the seed counties' planted figures come back out."""

from __future__ import annotations

import re
from importlib import resources

import polars as pl
import pytest

from jiqun.clusters.profile import cluster_profile, profile_defaults
from jiqun.demo.build import generate_demo

pytestmark = pytest.mark.slow
WAN = 10_000


@pytest.fixture(scope="module")
def tables() -> dict[str, pl.DataFrame]:
    return generate_demo(seed=2026, firms=20_000).analysis_tables()


def test_baoying_tiers_are_the_seed_counts(tables: dict[str, pl.DataFrame]) -> None:
    # seed 4: 产销过100万元以上的企业80家，500万元以上30家，1000万元以上20多家(22)，5000万元以上4家
    profile = cluster_profile(tables, "321023", ["3059"], 2025)
    assert [count for _, count in profile.tiers[:5]] == [80, 30, 22, 4, 0]
    assert profile.value("firms") == 212
    assert profile.value("exporters") == 12
    assert profile.value("new_products") == 3150
    assert profile.value("firms_over_100m") == 0
    assert profile.value("local_supporting_firms") == 14  # 2 + 2 + 2 + 5 + 3 supporting firms of seed 4


def test_shaodong_moulds_freight_finance_and_complaints(tables: dict[str, pl.DataFrame]) -> None:
    profile = cluster_profile(tables, "430582", ["4119"], 2025)
    assert profile.value("mould_spending") == pytest.approx(500 * WAN)  # 模具投资共计就达500万元
    assert profile.value("mould_sharing_saving") == pytest.approx(230 * WAN)  # 可节省投资200多万元
    assert profile.service_concentration["logistics"] > 0.8  # 货物托运站长期由少数人控制
    assert profile.value("deposits") == pytest.approx(70e8)  # 存款余额70亿元
    assert profile.value("deposit_loan_gap") == pytest.approx(0.80)  # 存贷差高达80％左右
    assert profile.value("complaints") == 24
    assert profile.value("enforcement_complaint_share") == pytest.approx(0.75)
    assert profile.value("local_sourcing_rate") < 0.25  # 链条短，上下游企业衔接不紧密


def test_qinyang_buys_outside_and_sells_outside(tables: dict[str, pl.DataFrame]) -> None:
    chemicals = ["2614", "2661", "2669", "2922", "3062"]
    profile = cluster_profile(tables, "410882", chemicals, 2025)
    assert profile.value("inputs_outside_province_share") > 0.5
    assert profile.value("sales_outside_share") > 0.5
    assert profile.value("firms_over_100m") >= 9


def test_missing_data_is_none_and_listed_not_guessed(tables: dict[str, pl.DataFrame]) -> None:
    profile = cluster_profile(tables, "321023", ["3059"], 2025)
    assert profile.value("mould_spending") is None and "mould_spending" in profile.missing
    assert profile.value("complaints") is None  # no complaint records for Baoying at all


def test_an_empty_cluster_gives_zero_firms_and_unknowns() -> None:
    empty = generate_demo(seed=1, firms=500).analysis_tables()
    profile = cluster_profile(empty, "321023", ["0111"], 2025)
    assert profile.value("firms") == 0 and profile.value("revenue") is None
    assert profile.tiers[0][1] == 0 and profile.leaders == []


def test_every_configuration_key_is_documented() -> None:
    text = resources.files("jiqun.clusters").joinpath("profile.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    for key in profile_defaults():
        index = next(i for i, line in enumerate(lines) if re.match(rf"{key}\s*:", line))
        assert index > 0 and lines[index - 1].startswith("#"), f"profile.yaml: {key} has no comment above it"
