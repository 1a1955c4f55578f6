"""Chain analysis: the seed counties' chains on the demo, and each status rule on hand-made tables.

On the demo (seed 2026): Baoying's supporting oxygen, rod/tube, paper, carton and printing firms
(seed 4) are present and sell to the craft firms; Shaodong's lighter chain is short and mostly
bought outside (seed 1); Qinyang's aluminium projects fill their segments (seed 2). On small
hand-made tables: the thresholds of ``chains.yaml`` (``analysis``) at and around their values.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import polars as pl
import pytest

from jiqun.chains.analysis import (
    STATUS_ZH,
    ChainAnalysis,
    SegmentStatus,
    Status,
    analyse_chain,
    analysis_defaults,
)
from jiqun.chains.templates import ChainTemplate, Segment, chains_defaults, template_for
from jiqun.clusters.tables import conform
from jiqun.demo.build import generate_demo
from jiqun.demo.seeds import seed_figures
from jiqun.money import format_money

YEAR = 2025
BAOYING, SHAODONG, QINYANG = "321023", "430582", "410882"
Tables = dict[str, pl.DataFrame]


# --- the demo --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo() -> Tables:
    return generate_demo(seed=2026, firms=20_000).analysis_tables()


@pytest.fixture(scope="module")
def figures() -> dict[str, Any]:
    return seed_figures()


def _core_id(template: ChainTemplate, industry: str) -> str:
    core = template.segment_of(industry)
    assert core is not None and core.core
    return core.id


@pytest.mark.slow
def test_baoying_supporting_links_are_there_as_in_seed_4(demo: Tables, figures: dict[str, Any]) -> None:
    template = template_for("玻璃工艺品")
    assert template is not None
    fig = figures["baoying"]
    result = analyse_chain(demo, BAOYING, template, figures["last_year"])
    core = _core_id(template, fig["craft_industry"])
    assert result.segment(core).firms == fig["craft_firms"]
    flows = {(e.source, e.target): e for e in result.edges}
    for group in fig["supporting"]:
        segment = template.segment_of(group["industry"])
        assert segment is not None, group
        status = result.segment(segment.id)
        assert status.firms == group["count"], (group["word"], status)
        assert status.status == "present", status.reason
        assert status.purchases > 0
        assert status.local_rate == 1.0
        assert status.local_purchases == status.purchases
        assert f"本县{group['count']}家该环节企业" in status.reason
        assert format_money(status.purchases) in status.reason and "100%" in status.reason
        # the supporting firms sell to the craft firms: an edge into the core carries it, all local
        edge = flows[(segment.id, core)]
        assert edge.local > 0 and edge.outside == 0
    assert result.local_rate == 1.0
    assert result.notes == []


@pytest.mark.slow
def test_shaodong_chain_is_short_and_bought_outside(demo: Tables, figures: dict[str, Any]) -> None:
    template = template_for("打火机")
    assert template is not None
    fig = figures["shaodong"]
    result = analyse_chain(demo, SHAODONG, template, YEAR)
    assert result.coverage < 0.3
    missing_upstream = [s for s in result.by_status("missing") if s.stage == "upstream"]
    assert len(missing_upstream) >= 5
    assert all(s.firms == 0 and "本县没有该环节企业" in s.reason for s in missing_upstream)
    parts = result.segment("plastic_parts")
    assert parts.status == "missing" and parts.firms == 0
    assert parts.purchases > 0 and parts.local_purchases == 0 and parts.local_rate == 0.0
    assert format_money(parts.purchases) in parts.reason and "全部来自县外" in parts.reason
    assert result.segment(_core_id(template, fig["lighter_industry"])).firms == fig["lighter_firms"]

    # the overall local supporting rate, recomputed from the supply links
    chain_firms = demo["enterprises"].filter(
        (pl.col("region") == SHAODONG)
        & pl.col("industry").is_in(list(template.industries))
        & (pl.col("closed").is_null() | (pl.col("closed").dt.year() >= YEAR))
    )
    links = demo["supply_links"].filter(
        (pl.col("year") == YEAR) & pl.col("buyer_uscc").is_in(chain_firms["uscc"].implode())
    )
    total = links["amount"].sum()
    local = links.filter(pl.col("supplier_region") == SHAODONG)["amount"].sum()
    assert result.purchases == pytest.approx(total, rel=1e-12)
    assert result.local_purchases == pytest.approx(local, rel=1e-12)
    assert result.local_rate == pytest.approx(local / total, rel=1e-12)
    assert result.local_rate < 0.3
    # the planted 15% is the lighter firms' share of parts and materials bought locally; the chain's
    # rate is a little higher because it also counts the freight bought from the local carriers
    goods = links.filter(pl.col("product") != "货物托运")
    goods_local = goods.filter(pl.col("supplier_region") == SHAODONG)["amount"].sum()
    assert goods_local / goods["amount"].sum() == pytest.approx(fig["local_supply_share"], abs=1e-3)
    assert result.local_rate >= fig["local_supply_share"]


@pytest.mark.slow
def test_qinyang_projects_show_in_the_segments_they_fill(demo: Tables, figures: dict[str, Any]) -> None:
    template = template_for("铝及铝加工")
    assert template is not None
    result = analyse_chain(demo, QINYANG, template, YEAR)
    assert "河南神火10万吨铝板带项目" in result.segment("rolling").projects
    assert "广东兴发10万吨高档铝型材项目" in result.segment("extrusion").projects
    assert "广东兴发铝业幕墙门窗项目" in result.segment("windows").projects
    placed = [name for s in result.segments for name in s.projects]
    aluminium = {p["name"] for p in figures["qinyang"]["projects"] if p["cluster"] == "铝及铝加工"}
    assert set(placed) == aluminium and len(placed) == len(aluminium)
    # the projects are part of the chain map's data
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False, default=str))
    rolling = next(s for s in data["segments"] if s["id"] == "rolling")
    assert rolling["projects"] == ["河南神火10万吨铝板带项目"]


# --- hand-made tables ------------------------------------------------------------------------------

HERE, AWAY = "430582", "330302"

TOY = ChainTemplate(
    id="toy",
    name_zh="打火机（测试）",
    segments=(
        Segment("resin", "塑料原料", "upstream", ("2651",), keywords=("树脂",), supplies=("parts",)),
        Segment("parts", "塑料零件", "upstream", ("2929",), keywords=("外壳",), supplies=("assembly",)),
        Segment(
            "casing", "外壳套件", "upstream", ("3399", "4119"), keywords=("套件",), supplies=("assembly",)
        ),
        Segment("assembly", "整机", "midstream", ("4119",), keywords=("打火机",), core=True),
    ),
)


def _link(
    supplier: str | None, buyer: str, product: str, amount: float, year: int = YEAR, region: str | None = None
) -> dict[str, Any]:
    """A supply-link row (the supplier's region is taken from the registry when it is registered)."""
    return {
        "supplier_uscc": supplier,
        "supplier_region": region,
        "buyer_uscc": buyer,
        "product": product,
        "amount": amount,
        "year": year,
    }


def _tables(
    local_firms: int,
    bought: float,
    local: float,
    *,
    links: bool = True,
    extra_links: list[dict[str, Any]] | None = None,
    projects: list[dict[str, Any]] | None = None,
) -> Tables:
    """One lighter maker (C1) in the county, ``local_firms`` plastic-parts firms beside it (P1…),
    one outside parts firm (X1); C1 buys ``local`` of 外壳 from P1 and ``bought - local`` from X1."""
    firms = [("C1", "甲打火机厂", HERE, "4119", 5e7, None)]
    firms += [
        (f"P{i + 1}", f"本县塑件厂{i + 1}", HERE, "2929", 1e6 * (i + 1), None) for i in range(local_firms)
    ]
    firms += [
        ("X1", "县外塑件厂", AWAY, "2929", 9e7, None),
        ("Z1", "已关塑件厂", HERE, "2929", 1e7, dt.date(2023, 3, 1)),
    ]
    enterprises = pl.DataFrame(
        {
            "uscc": [f[0] for f in firms],
            "name": [f[1] for f in firms],
            "region": [f[2] for f in firms],
            "industry": [f[3] for f in firms],
            "closed": [f[5] for f in firms],
        },
        schema_overrides={"closed": pl.Date},
    )
    years = pl.DataFrame(
        {"uscc": [f[0] for f in firms], "year": YEAR, "revenue": [f[4] for f in firms], "employees": 10.0}
    )
    rows: list[dict[str, Any]] = []
    if links:
        if local:
            rows.append(_link("P1", "C1", "外壳", local))
        if bought - local:
            rows.append(_link("X1", "C1", "外壳", bought - local))
    rows += extra_links or []
    supply = pl.DataFrame(
        rows,
        schema={
            "supplier_uscc": pl.String,
            "supplier_region": pl.String,
            "buyer_uscc": pl.String,
            "product": pl.String,
            "amount": pl.Float64,
            "year": pl.Int64,
        },
    )
    data = {"enterprises": enterprises, "enterprise_years": years, "supply_links": supply}
    if projects:
        data["key_projects"] = pl.DataFrame(projects)
    return conform(data)


@pytest.fixture(scope="module")
def cfg() -> dict[str, Any]:
    out = analysis_defaults()
    assert out == chains_defaults()["analysis"]
    return out


def _parts(local_firms: int, bought: float, local: float) -> tuple[ChainAnalysis, SegmentStatus]:
    result = analyse_chain(_tables(local_firms, bought, local), HERE, TOY, YEAR)
    return result, result.segment("parts")


def test_missing_segment_names_what_is_bought_outside(cfg: dict[str, Any]) -> None:
    bought = 10 * cfg["min_purchases_yuan"]
    result, parts = _parts(0, bought, 0.0)
    assert parts.status == "missing" and parts.status_zh == STATUS_ZH["missing"] == "缺链"
    assert parts.firms == 0 and parts.local_rate == 0.0
    assert (
        parts.reason == f"本县没有该环节企业；本链企业当年采购该环节产品{format_money(bought)}，全部来自县外"
    )
    assert parts in result.by_status("missing")
    # a missing segment nobody buys from says so
    resin = result.segment("resin")
    assert resin.status == "missing" and resin.purchases == 0 and resin.local_rate is None
    assert "供应链数据中没有本链企业对该环节的采购" in resin.reason and "县外" not in resin.reason


def test_missing_segment_bought_locally_does_not_claim_it_came_from_outside(cfg: dict[str, Any]) -> None:
    amount = 10 * cfg["min_purchases_yuan"]
    # a local workshop that is not in the registry sells 外壳 to the lighter maker
    workshop = _link(None, "C1", "外壳", amount, region=HERE)
    tables = _tables(0, 0.0, 0.0, extra_links=[workshop])
    parts = analyse_chain(tables, HERE, TOY, YEAR).segment("parts")
    assert parts.status == "missing" and parts.local_rate == 1.0
    assert "全部来自县外" not in parts.reason


@pytest.mark.parametrize(("local_share", "status"), [(0.09, "broken"), (0.10, "weak"), (0.11, "weak")])
def test_broken_below_the_broken_local_rate(cfg: dict[str, Any], local_share: float, status: Status) -> None:
    assert cfg["broken_local_rate"] == 0.10  # the cases sit around the shipped threshold
    firms = cfg["weak_min_firms"] + 1  # enough firms: only the rate can make it a gap
    bought = 10 * cfg["min_purchases_yuan"]
    result, parts = _parts(firms, bought, local_share * bought)
    assert parts.status == status, parts.reason
    assert parts.local_rate == pytest.approx(local_share, rel=1e-12)
    assert f"{firms}家该环节企业" in parts.reason
    assert format_money(bought) in parts.reason and f"{local_share:.0%}" in parts.reason
    assert parts.status_zh == STATUS_ZH[status]
    assert [s.id for s in result.by_status(status)] == ["parts"]


@pytest.mark.parametrize(("local_share", "status"), [(0.49, "weak"), (0.50, "present"), (0.51, "present")])
def test_weak_below_the_weak_local_rate(cfg: dict[str, Any], local_share: float, status: Status) -> None:
    assert cfg["weak_local_rate"] == 0.50
    firms = cfg["weak_min_firms"] + 1
    bought = 10 * cfg["min_purchases_yuan"]
    _, parts = _parts(firms, bought, local_share * bought)
    assert parts.status == status, parts.reason
    assert f"县内配套{local_share:.0%}" in parts.reason and format_money(bought) in parts.reason
    assert f"{firms}家该环节企业" in parts.reason


@pytest.mark.parametrize("below", [1, 0])
def test_weak_with_fewer_firms_than_weak_min_firms(cfg: dict[str, Any], below: int) -> None:
    firms = cfg["weak_min_firms"] - below
    bought = 10 * cfg["min_purchases_yuan"]
    _, parts = _parts(firms, bought, bought)  # everything bought locally: only the count matters
    assert parts.firms == firms and parts.local_rate == 1.0
    if below:
        assert parts.status == "weak"
        assert f"本县仅{firms}家该环节企业" in parts.reason and "县内配套100%" in parts.reason
    else:
        assert parts.status == "present"
        assert parts.reason == (
            f"本县{firms}家该环节企业；本链企业当年采购该环节产品{format_money(bought)}，县内配套100%"
        )


def test_purchases_below_min_purchases_give_no_rate(cfg: dict[str, Any]) -> None:
    firms = cfg["weak_min_firms"] + 1
    small = cfg["min_purchases_yuan"] - 1
    _, parts = _parts(firms, small, 0.0)  # nothing local, but too little to judge
    assert parts.local_rate is None and parts.status == "present"
    assert format_money(small) in parts.reason and "县内配套未知" in parts.reason
    _, parts = _parts(firms, cfg["min_purchases_yuan"], 0.0)  # at the threshold: judged, broken
    assert parts.local_rate == 0.0 and parts.status == "broken"
    assert format_money(cfg["min_purchases_yuan"]) in parts.reason and "县内配套仅0%" in parts.reason


def test_thresholds_can_be_overridden_per_call(cfg: dict[str, Any]) -> None:
    bought = 10 * cfg["min_purchases_yuan"]
    tables = _tables(3, bought, 0.3 * bought)
    assert analyse_chain(tables, HERE, TOY, YEAR).segment("parts").status == "weak"
    stricter = analyse_chain(tables, HERE, TOY, YEAR, config={"broken_local_rate": 0.4})
    assert stricter.segment("parts").status == "broken"
    assert stricter.config_hash != analyse_chain(tables, HERE, TOY, YEAR).config_hash


def test_firms_purchases_edges_and_totals() -> None:
    bought, local = 2_000_000.0, 600_000.0
    tables = _tables(
        3,
        bought,
        local,
        extra_links=[
            # the lighter maker also buys moulds, which no segment of the template sells
            _link(None, "C1", "模具", 50_000.0, region=AWAY),
            # a purchase of another year: ignored
            _link("P1", "P2", "外壳", 70_000.0, year=YEAR - 1),
        ],
    )
    result = analyse_chain(tables, HERE, TOY, YEAR)
    parts = result.segment("parts")
    assert parts.firms == 3  # the closed firm Z1 and the outside firm X1 do not count
    assert [f.uscc for f in parts.largest] == ["P3", "P2", "P1"]  # by revenue, at most three
    assert parts.revenue == pytest.approx(6e6) and parts.employees == 30
    assert parts.purchases == bought and parts.local_purchases == local
    assert parts.local_rate == pytest.approx(0.3)
    assert result.purchases == bought + 50_000 and result.local_purchases == local
    assert result.local_rate == pytest.approx(local / (bought + 50_000))
    assert result.unplaced_purchases == 50_000
    assert result.industry_firms == {"4119": 1, "2929": 3}
    edges = {(e.source, e.target): e for e in result.edges}
    assert set(edges) == set(TOY.edges)  # no flow outside the template's edges
    assert edges[("parts", "assembly")].local == local
    assert edges[("parts", "assembly")].outside == bought - local
    assert edges[("resin", "parts")].local == edges[("resin", "parts")].outside == 0
    assert all(e.in_template for e in result.edges)


def test_flows_off_the_template_become_extra_edges() -> None:
    # a lighter maker selling lighters to a plastic-parts firm: no edge of the template
    links = [_link("C1", "P1", "打火机", 300_000.0)]
    result = analyse_chain(_tables(2, 0.0, 0.0, extra_links=links), HERE, TOY, YEAR)
    extra = [e for e in result.edges if not e.in_template]
    assert [(e.source, e.target, e.local, e.outside) for e in extra] == [
        ("assembly", "parts", 300_000.0, 0.0)
    ]
    assert result.segment("assembly").purchases == 300_000.0


def test_county_without_supply_links_gets_a_note_and_no_rate() -> None:
    result = analyse_chain(_tables(2, 0.0, 0.0, links=False), HERE, TOY, YEAR)
    assert result.local_rate is None and result.purchases == 0
    assert any("没有本链企业的供应链" in n and "配套率未知" in n for n in result.notes)
    assert all(s.local_rate is None for s in result.segments)
    # statuses then rest on the firm counts alone
    assert result.segment("parts").status == "present"
    assert result.segment("resin").status == "missing"
    assert "县内配套未知" in result.segment("parts").reason


def test_county_without_chain_firms_says_so() -> None:
    result = analyse_chain(_tables(0, 0.0, 0.0), "321023", TOY, YEAR)
    assert all(s.firms == 0 for s in result.segments)
    assert result.notes[0] == "本县没有打火机（测试）产业链上的企业"
    assert result.coverage == 0.0 and result.local_rate is None
    assert result.by_status("missing") == [s for s in result.segments if not s.core]


def test_shared_codes_go_to_the_segment_segment_of_chooses() -> None:
    # 4119 is in the casing segment and in the core: the core takes the county's lighter maker
    assert TOY.segment_of("4119") is not None and TOY.segment_of("4119").id == "assembly"  # type: ignore[union-attr]
    result = analyse_chain(_tables(2, 0.0, 0.0), HERE, TOY, YEAR)
    assert result.segment("assembly").firms == 1 and result.segment("casing").firms == 0
    # on a shipped template: 3216 is alumina and electrolytic aluminium, 3252 rolling and extrusion
    aluminium = template_for("铝及铝加工")
    assert aluminium is not None
    firms = pl.DataFrame(
        {"uscc": ["A1", "A2"], "name": ["铝厂", "铝材厂"], "region": HERE, "industry": ["3216", "3252"]}
    )
    years = pl.DataFrame({"uscc": ["A1", "A2"], "year": YEAR, "revenue": [1e8, 2e8]})
    result = analyse_chain(conform({"enterprises": firms, "enterprise_years": years}), HERE, aluminium, YEAR)
    for code in ("3216", "3252"):
        chosen = aluminium.segment_of(code)
        assert chosen is not None
        assert result.segment(chosen.id).firms == 1
        others = [s for s in aluminium.segments if code in s.industries and s.id != chosen.id]
        assert others and all(result.segment(s.id).firms == 0 for s in others)
    assert sum(s.firms for s in result.segments) == 2


def test_projects_fill_the_segment_of_their_industry_or_name() -> None:
    projects = [
        {"region": HERE, "name": "年产千万只外壳项目", "industry": None},  # placed by its name
        {"region": HERE, "name": "树脂新材料项目", "industry": "2651"},
        {"region": AWAY, "name": "外县外壳项目", "industry": "2929"},  # another county
        {"region": HERE, "name": "商业综合体", "industry": "7011"},  # not in the chain
    ]
    result = analyse_chain(_tables(2, 0.0, 0.0, projects=projects), HERE, TOY, YEAR)
    assert result.segment("parts").projects == ("年产千万只外壳项目",)
    assert result.segment("resin").projects == ("树脂新材料项目",)
    assert sum(len(s.projects) for s in result.segments) == 2


def test_to_dict_is_json_ready() -> None:
    bought = 2_000_000.0
    result = analyse_chain(_tables(3, bought, 0.5 * bought), HERE, TOY, YEAR)
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False, default=str))
    assert data["region"] == HERE and data["year"] == YEAR and data["template_id"] == "toy"
    assert data["coverage"] == pytest.approx(result.coverage)
    assert data["template_hash"] == TOY.hash and data["config_hash"] == result.config_hash
    assert [s["id"] for s in data["segments"]] == [s.id for s in TOY.segments]
    parts = next(s for s in data["segments"] if s["id"] == "parts")
    assert parts["status"] == "present" and parts["status_zh"] == "有" and parts["local_rate"] == 0.5
    assert parts["largest"][0] == {"uscc": "P3", "name": "本县塑件厂3", "revenue": 3e6}
    assert {"source", "target", "local", "outside", "in_template"} <= set(data["edges"][0])
