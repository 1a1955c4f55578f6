"""Plant the four clusters of the seed texts into the demo economy, with the seeds' own figures.

Every figure below comes from ``shared/seeds`` (quoted in ``seed_figures.yaml``); where a
figure is vague ("20多家", "10余家") the YAML says which exact number we chose. The background
firms of each seed county that fall in the planted industries are removed first, so that
counts such as Baoying's revenue tiers hold exactly.

Known discrepancy (seed 4, Baoying): the tier counts (80 firms over 100万元, 30 over 500万,
22 over 1000万, 4 over 5000万, none over 1亿) cap total sales near 17亿元, while the text says
"产销规模20多亿元". We keep the tier counts exact and bring the total as close to 20亿 as they
allow (about 16.7亿); the gap is reported by :func:`baoying_gap`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import polars as pl
import yaml

from jiqun.codes.uscc import ALPHABET, org_code_check_char, uscc_check_char

FEN_PER_WAN = 1_000_000  # 1 万元 = 10,000 yuan = 1,000,000 fen
FEN_PER_YI = 10_000 * FEN_PER_WAN
ORG_CHARS = np.array(list(ALPHABET))


@cache
def seed_figures() -> dict[str, Any]:
    """The planted figures (``seed_figures.yaml``), with the seed sentence each comes from."""
    text = resources.files("jiqun.demo").joinpath("seed_figures.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@dataclass
class Firm:
    """A planted firm: its facts for the last year; earlier years follow its growth rate."""

    name: str
    industry: str
    revenue_wan: float
    growth: float = 0.08
    park: str | None = None
    town: str | None = None
    exports_usd_wan: float | None = None
    new_products: int = 0
    above_size: bool | None = None


def make_uscc(rng: np.random.Generator, region: str) -> str:
    """A valid unified social credit code registered in ``region`` (an enterprise, 91…)."""
    body = "".join(rng.choice(ORG_CHARS, size=8))
    first17 = "91" + region + body + org_code_check_char(body)
    return first17 + uscc_check_char(first17)


def firm_frames(firms: list[Firm], region: str, years: list[int], rng: np.random.Generator,
                founded_before: int = 2015) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Enterprise rows and enterprise-year rows for planted firms of one county."""
    codes = [make_uscc(rng, region) for _ in firms]
    last = max(years)
    enterprises = pl.DataFrame({
        "uscc": codes, "name": [f.name for f in firms], "region": region,
        "town": [f.town for f in firms], "industry": [f.industry for f in firms],
        "founded": [date(int(rng.integers(1995, founded_before)), int(rng.integers(1, 13)), 1)
                    for _ in firms],
        "closed": pl.Series([None] * len(firms), dtype=pl.Date),
        "ownership": "private", "size_class": [_size_class(f.revenue_wan) for f in firms],
        "park": [f.park for f in firms],
        "above_size": [f.above_size if f.above_size is not None else f.revenue_wan >= 2000
                       for f in firms],
        "specialised": False, "high_tech": False, "listed": False,
    })
    rows = [_year_row(code, f, year, last) for code, f in zip(codes, firms, strict=True)
            for year in years]
    return enterprises, pl.DataFrame(rows, orient="row", schema=YEAR_SCHEMA)


YEAR_SCHEMA = {
    "uscc": pl.String, "year": pl.Int64, "revenue_fen": pl.Int64, "industrial_output_fen": pl.Int64,
    "employees": pl.Int64, "exports_fen": pl.Int64, "export_currency": pl.String,
    "new_products": pl.Int64, "tax_fen": pl.Int64, "total_assets_fen": pl.Int64,
    "liabilities_fen": pl.Int64,
}


def _year_row(code: str, firm: Firm, year: int, last: int) -> tuple:
    scale = (1 + firm.growth) ** (year - last)
    revenue = round(firm.revenue_wan * scale * FEN_PER_WAN)
    exports = (round(firm.exports_usd_wan * scale * FEN_PER_WAN)
               if firm.exports_usd_wan is not None else None)
    employees = max(3, round(firm.revenue_wan * scale / 45))
    return (code, year, revenue, round(revenue * 1.04), employees, exports,
            "USD" if exports is not None else None, round(firm.new_products * scale),
            round(revenue * 0.035), round(revenue * 1.3), round(revenue * 0.55))


def _size_class(revenue_wan: float) -> str:
    """Size under the industrial SME standard, by revenue alone (employees follow revenue here)."""
    if revenue_wan >= 40_000:
        return "large"
    if revenue_wan >= 2_000:
        return "medium"
    return "small" if revenue_wan >= 300 else "micro"


# --- the planting ------------------------------------------------------------------------------


@dataclass
class Planted:
    """Rows to add to the demo tables, by import kind (money in fen, areas in 1/100 亩)."""

    tables: dict[str, list[pl.DataFrame]]

    def add(self, kind: str, frame: pl.DataFrame) -> None:
        self.tables.setdefault(kind, []).append(frame)

    def frame(self, kind: str) -> pl.DataFrame:
        return pl.concat(self.tables.get(kind, []), how="diagonal_relaxed")


def plant_seed_clusters(rng: np.random.Generator, years: list[int]) -> Planted:
    """Every planted row of the four seed counties, drawn from ``rng``."""
    planted = Planted({})
    fig = seed_figures()
    _plant_shaodong(planted, fig["shaodong"], rng, years)
    _plant_baoying(planted, fig["baoying"], rng, years)
    _plant_qinyang(planted, fig["qinyang"], rng, years)
    _plant_xiangzhou(planted, fig["xiangzhou"], rng, years)
    return planted


def planted_industries() -> dict[str, set[str]]:
    """Per seed county, the industries whose background firms the planting replaces."""
    fig = seed_figures()
    qin = fig["qinyang"]
    return {
        fig["shaodong"]["region"]: {fig["shaodong"]["lighter_industry"], "5431"},
        fig["baoying"]["region"]: {fig["baoying"]["craft_industry"],
                                   *(s["industry"] for s in fig["baoying"]["supporting"])},
        qin["region"]: {*qin["chemical_industries"], *qin["aluminium_industries"], qin["gfrp_industry"]},
        fig["xiangzhou"]["region"]: {i for c in fig["xiangzhou"]["clusters"] for i in c["industries"]},
    }


_MARKS = list("华宏鑫兴达盛源丰恒泰隆昌晶明瑞博")
_TAILS = list("美光辉鸿利通佳星金新海天宇阳和安")


def _names(prefix: str, word: str, n: int, rng: np.random.Generator) -> list[str]:
    """``n`` distinct plausible firm names: prefix + two characters + trade word + 有限公司."""
    combos = [a + b for a in _MARKS for b in _TAILS]
    if n > len(combos):
        combos = [c + t for c in combos for t in _TAILS]
    picks = rng.choice(len(combos), size=n, replace=False)
    return [f"{prefix}{combos[i]}{word}有限公司" for i in picks]


def _lognormal_wan(rng: np.random.Generator, n: int, median: float, sigma: float) -> np.ndarray:
    return np.round(median * np.exp(sigma * rng.standard_normal(n)), 1)


def _add_firms(planted: Planted, firms: list[Firm], region: str, years: list[int],
               rng: np.random.Generator) -> pl.DataFrame:
    enterprises, facts = firm_frames(firms, region, years, rng)
    planted.add("enterprises", enterprises)
    planted.add("enterprise_years", facts)
    return enterprises


def _links(supplier: list[str], buyer: list[str], product: str, amount_fen: list[int],
           year: int, **outside: list[str | None]) -> pl.DataFrame:
    n = len(amount_fen)
    frame = pl.DataFrame({"supplier_uscc": supplier, "buyer_uscc": buyer, "product": [product] * n,
                          "amount_fen": amount_fen, "year": [year] * n},
                         schema_overrides={"supplier_uscc": pl.String, "buyer_uscc": pl.String})
    return frame.with_columns(pl.Series(k, v, pl.String) for k, v in outside.items())


# --- 邵东 Shaodong: lighters, short chains, duplicated moulds, freight monopoly, finance gap -----


def _plant_shaodong(planted: Planted, fig: dict[str, Any], rng: np.random.Generator,
                    years: list[int]) -> None:
    region, last = fig["region"], max(years)
    revenue = _lognormal_wan(rng, fig["lighter_firms"], fig["lighter_revenue_median_wan"],
                             fig["lighter_revenue_sigma"])
    names = _names("邵东", "打火机制造", fig["lighter_firms"], rng)
    lighters = _add_firms(planted, [Firm(n, fig["lighter_industry"], float(r)) for n, r in
                                    zip(names, revenue, strict=True)], region, years, rng)
    freight = _add_firms(planted, [Firm(n, "5431", w) for n, w in
                                   zip(_names("邵东", "货运托运", fig["freight_firms"], rng),
                                       (2600.0, 300.0), strict=False)], region, years, rng)
    _shaodong_moulds(planted, fig, lighters["uscc"].to_list(), last, rng)
    _shaodong_freight(planted, fig, lighters, freight["uscc"].to_list(), revenue, last)
    _shaodong_sourcing(planted, fig, lighters["uscc"].to_list(), revenue, last, rng)
    planted.add("service_providers", pl.DataFrame({
        "region": region, "name": ["邵东县打火机质量检验中心"], "kind": ["testing"],
        "public_platform": [True], "description": ["打火机安全性能检测"]}))
    _finance(planted, region, years, fig["deposits_yi"], fig["deposit_loan_gap"])
    _complaints(planted, fig, region, last, rng)


def _shaodong_moulds(planted: Planted, fig: dict[str, Any], firms: list[str], year: int,
                     rng: np.random.Generator) -> None:
    """Purchases that total ``mould_total_wan``; buying each type once costs total − saving."""
    types = fig["mould_types"]
    once = fig["mould_total_wan"] - fig["mould_saving_wan"]
    weights = rng.dirichlet(np.full(len(types), 8.0))
    price_fen = _split_exact(once * FEN_PER_WAN, weights)
    extra_fen = fig["mould_saving_wan"] * FEN_PER_WAN
    buyers, items, amounts = [], [], []
    for item, price in zip(types, price_fen, strict=True):
        buyers.append(firms[len(buyers) % len(firms)])
        items.append(item)
        amounts.append(price)
    cheapest = min(price_fen)
    order = np.argsort(price_fen)
    k = 0
    while extra_fen >= cheapest:
        t = int(order[k % len(order)])
        if price_fen[t] <= extra_fen:
            buyers.append(firms[len(buyers) % len(firms)])
            items.append(types[t])
            amounts.append(price_fen[t])
            extra_fen -= price_fen[t]
        k += 1
    # the remainder (under one mould's price) tops up a repeat purchase, so that buying each type
    # once at its lowest price costs exactly total − saving
    amounts[-1 if len(amounts) > len(types) else 0] += extra_fen
    planted.add("equipment_purchases", pl.DataFrame({
        "uscc": buyers, "year": year, "item": items, "kind": "mould", "amount_fen": amounts,
        "shareable": True}))


def _split_exact(total: int, weights: np.ndarray) -> list[int]:
    parts = np.floor(weights * total).astype(np.int64)
    parts[0] += total - int(parts.sum())
    return [int(p) for p in parts]


def _shaodong_freight(planted: Planted, fig: dict[str, Any], lighters: pl.DataFrame,
                      carriers: list[str], revenue: np.ndarray, year: int) -> None:
    """Freight bought by the lighter firms; the leading carrier takes ``freight_leader_share``."""
    share = fig["freight_leader_share"]
    cost = np.round(revenue * 0.02 * FEN_PER_WAN).astype(np.int64)
    lead = np.round(cost * share).astype(np.int64)
    usccs = lighters["uscc"].to_list()
    planted.add("supply_links", _links([carriers[0]] * len(usccs), usccs, "货物托运",
                                       lead.tolist(), year))
    planted.add("supply_links", _links([carriers[1]] * len(usccs), usccs, "货物托运",
                                       (cost - lead).tolist(), year))


def _shaodong_sourcing(planted: Planted, fig: dict[str, Any], firms: list[str],
                       revenue: np.ndarray, year: int, rng: np.random.Generator) -> None:
    """Inputs mostly from outside the county: short chains, weak local supporting."""
    inputs = np.round(revenue * 0.45 * FEN_PER_WAN).astype(np.int64)
    local = np.round(inputs * fig["local_supply_share"]).astype(np.int64)
    partners = [firms[i] for i in rng.permutation(len(firms))]
    planted.add("supply_links", _links(partners, firms, "打火机配件", local.tolist(), year))
    outside = ["温州打火机配件贸易有限公司", "宁波塑料原料供应有限公司", "广州五金配件有限公司"]
    places = ["330302", "330203", "440106"]
    pick = rng.integers(0, len(outside), size=len(firms))
    planted.add("supply_links", _links(
        [None] * len(firms), firms, "打火机配件及原料", (inputs - local).tolist(), year,
        supplier_name=[outside[i] for i in pick], supplier_region=[places[i] for i in pick]))


def _finance(planted: Planted, region: str, years: list[int], deposits_yi: float,
             gap: float) -> None:
    deposits = [round(deposits_yi * FEN_PER_YI / 1.09 ** (max(years) - y)) for y in years]
    planted.add("county_finance", pl.DataFrame({
        "region": region, "year": years, "deposits_fen": deposits,
        "loans_fen": [round(d * (1 - gap)) for d in deposits]}))


def _complaints(planted: Planted, fig: dict[str, Any], region: str, year: int,
                rng: np.random.Generator) -> None:
    n = fig["complaints"]
    enforcement = round(n * fig["enforcement_share"])
    categories = ["enforcement"] * enforcement + list(rng.choice(
        ["approval", "fees", "service", "market"], size=n - enforcement))
    days = np.sort(rng.integers(0, 365, size=n))
    received = [date(year, 1, 1) + _days(int(d)) for d in days]
    waits = rng.integers(5, 90, size=n)
    planted.add("complaints", pl.DataFrame({
        "code": [f"TS{year}{region}{i + 1:04d}" for i in range(n)], "region": region,
        "received": received, "category": categories,
        "summary": ["执法部门过度检查、索要费用" if c == "enforcement" else "办事不便" for c in categories],
        "anonymous": rng.random(n) < 0.6,
        "resolved": [r + _days(int(w)) if w < 80 else None for r, w in zip(received, waits, strict=True)]},
        schema_overrides={"resolved": pl.Date}))


def _days(n: int) -> Any:
    from datetime import timedelta

    return timedelta(days=n)


# --- 宝应 Baoying: glass and crystal crafts with exact revenue tiers -----------------------------


def baoying_revenues(fig: dict[str, Any], rng: np.random.Generator) -> np.ndarray:
    """Last-year revenues (万元) whose cumulative tier counts are exactly ``tiers_wan``.

    Within each band the values sit towards its top, which brings the total as close to the
    text's "20多亿元" as the tier counts allow (see the module docstring).
    """
    bounds = [0.0] + [t for t, _ in fig["tiers_wan"]]
    over = [n for _, n in fig["tiers_wan"]] + [0]
    counts = [fig["craft_firms"] - over[0]] + [over[i] - over[i + 1] for i in range(len(over) - 2)]
    bands = []
    for low, high, n in zip(bounds[:-1], bounds[1:], counts, strict=True):
        lo = low + 0.75 * (high - low) if low else 0.75 * high
        bands.append(rng.uniform(lo, high * 0.998, size=n))
    return np.round(np.concatenate(bands), 1)


def baoying_gap(revenues_wan: np.ndarray, fig: dict[str, Any]) -> float:
    """How far (亿元) the planted total falls short of the text's "20多亿元"."""
    return fig["total_sales_yi_text"] - float(revenues_wan.sum()) / 10_000


def _plant_baoying(planted: Planted, fig: dict[str, Any], rng: np.random.Generator,
                   years: list[int]) -> None:
    region, last = fig["region"], max(years)
    revenue = baoying_revenues(fig, rng)
    order = np.argsort(-revenue)
    exporters = set(order[: fig["exporters"]].tolist())
    export_share = rng.dirichlet(np.full(fig["exporters"], 3.0))
    new_products = _split_exact(fig["new_products"], revenue / revenue.sum())
    park_members = set(order[: fig["park_firms"]].tolist())
    incubated = set(order[-fig["incubator_firms"]:].tolist())
    names = _names("宝应", "玻璃工艺品", fig["craft_firms"], rng)
    firms = []
    for i, (name, r) in enumerate(zip(names, revenue, strict=True)):
        rank = sorted(exporters).index(i) if i in exporters else None
        firms.append(Firm(
            name, fig["craft_industry"], float(r), growth=0.06,
            park=fig["park"] if i in park_members else fig["incubator"] if i in incubated else None,
            town="小官庄镇" if i % 3 else "西安丰镇",
            exports_usd_wan=round(fig["own_exports_usd_wan"] * float(export_share[rank]), 1)
            if rank is not None else None,
            new_products=new_products[i], above_size=r >= 2000))
    crafts = _add_firms(planted, firms, region, years, rng)["uscc"].to_list()
    _baoying_supporters(planted, fig, crafts, revenue, region, years, rng)
    _baoying_supplied_exports(planted, fig, crafts, revenue, last)
    planted.add("parks", pl.DataFrame({
        "region": region, "name": [fig["park"], fig["incubator"]], "level": ["县级", "孵化器"],
        "planned_area_mu_cmu": [fig["park_area_mu"] * 100, 3000],
        "used_area_mu_cmu": [fig["park_area_mu"] * 85, 2400],
        "main_industries": ["玻璃（水晶）工艺制品", "玻璃工艺品创业孵化"]}))
    planted.add("service_providers", pl.DataFrame({
        "region": region, "name": ["宝应县玻璃工艺品孵化器", "宝应县玻璃工艺品商会"],
        "kind": ["incubator", "association"], "public_platform": [True, False],
        "description": ["孵化玻璃工艺品小微企业", "会员服务、展会组织"]}))


def _baoying_supporters(planted: Planted, fig: dict[str, Any], crafts: list[str],
                        revenue: np.ndarray, region: str, years: list[int],
                        rng: np.random.Generator) -> None:
    """The supporting firms of seed 4, each selling its product to the craft firms."""
    last = max(years)
    for group in fig["supporting"]:
        names = _names("宝应", group["word"], group["count"], rng)
        firms = [Firm(n, group["industry"], float(rng.uniform(300, 1500)), town="小官庄镇")
                 for n in names]
        sellers = _add_firms(planted, firms, region, years, rng)["uscc"].to_list()
        buyers = [crafts[i] for i in np.argsort(-revenue)[:40]]
        amounts = [round(revenue[crafts.index(b)] * 0.01 * FEN_PER_WAN) for b in buyers]
        planted.add("supply_links", _links([sellers[i % len(sellers)] for i in range(len(buyers))],
                                           buyers, group["product"], amounts, last))


def _baoying_supplied_exports(planted: Planted, fig: dict[str, Any], crafts: list[str],
                              revenue: np.ndarray, year: int) -> None:
    """Sales to foreign-trade companies for export (供货出口), booked in yuan."""
    total_fen = round(fig["supplied_exports_usd_wan"] * fig["usd_cny"] * FEN_PER_WAN)
    sellers = [crafts[i] for i in np.argsort(-revenue)[:30]]
    weights = np.array([revenue[crafts.index(s)] for s in sellers])
    amounts = _split_exact(total_fen, weights / weights.sum())
    n = len(sellers)
    planted.add("supply_links", _links(
        sellers, [None] * n, "供货出口", amounts, year,
        buyer_name=["上海示例进出口有限公司"] * n, buyer_region=["310101"] * n))


# --- 沁阳 Qinyang: chlor-alkali and fine chemicals, GFRP, aluminium; "两头在外"; ten projects -----


def _plant_qinyang(planted: Planted, fig: dict[str, Any], rng: np.random.Generator,
                   years: list[int]) -> None:
    region, last = fig["region"], max(years)
    chem_park, alu_park = fig["parks"][0]["name"], fig["parks"][1]["name"]
    chemical = _big_and_small(fig["chemical_firms"], fig["chemical_over_5yi"], rng)
    aluminium = _big_and_small(fig["aluminium_firms"], fig["aluminium_over_5yi"], rng)
    firms = [Firm(n, fig["chemical_industries"][i % 3], float(r), park=chem_park, above_size=True)
             for i, (n, r) in enumerate(zip(_names("沁阳", "化工", len(chemical), rng), chemical,
                                            strict=True))]
    firms += [Firm(n, fig["aluminium_industries"][i % 2], float(r), park=alu_park, above_size=True)
              for i, (n, r) in enumerate(zip(_names("沁阳", "铝业", len(aluminium), rng), aluminium,
                                             strict=True))]
    gfrp = _lognormal_wan(rng, fig["gfrp_firms"], 1500, 0.9)
    firms += [Firm(n, fig["gfrp_industry"], float(r), park=chem_park) for n, r in
              zip(_names("沁阳", "玻璃钢制品", len(gfrp), rng), gfrp, strict=True)]
    ents = _add_firms(planted, firms, region, years, rng)
    revenue = np.array([f.revenue_wan for f in firms])
    _qinyang_brands(planted, fig, ents["uscc"].to_list(), revenue, rng)
    _qinyang_two_ends_outside(planted, fig, ents["uscc"].to_list(), revenue, last)
    planted.add("parks", pl.DataFrame({
        "region": region, "name": [p["name"] for p in fig["parks"]], "level": "省级",
        "planned_area_mu_cmu": [p["area_mu"] * 100 for p in fig["parks"]],
        "used_area_mu_cmu": [round(p["area_mu"] * 100 * 0.7) for p in fig["parks"]],
        "main_industries": [p["main"] for p in fig["parks"]]}))
    _qinyang_projects(planted, fig, region, rng)
    planted.add("service_providers", pl.DataFrame({
        "region": region, "name": ["沁阳市玻璃钢制品企业商会", "沁阳市化工产品检测中心"],
        "kind": ["association", "testing"], "public_platform": [False, True],
        "description": ["产品推介会、交流合作", "化工产品检测和质量认证"]}))


def _big_and_small(n: int, big: int, rng: np.random.Generator) -> np.ndarray:
    """``big`` firms over 5亿元 of sales, the rest above designated size but under 5亿."""
    large = rng.uniform(55_000, 160_000, size=big)
    rest = np.exp(rng.uniform(np.log(2_500), np.log(45_000), size=n - big))
    return np.round(np.concatenate([large, rest]), 1)


def _qinyang_brands(planted: Planted, fig: dict[str, Any], firms: list[str], revenue: np.ndarray,
                    rng: np.random.Generator) -> None:
    holders = [firms[i] for i in np.argsort(-revenue)]
    rows = []
    for group in fig["brands"]:
        for _ in range(group["count"]):
            uscc = holders[len(rows) % len(holders)]
            rows.append((uscc, group["kind"], group["level"], f"沁阳品牌{len(rows) + 1:02d}",
                         int(rng.integers(2008, 2024))))
    planted.add("brands", pl.DataFrame(rows, orient="row",
                                       schema=["uscc", "kind", "level", "name", "year"]))


def _qinyang_two_ends_outside(planted: Planted, fig: dict[str, Any], firms: list[str],
                              revenue: np.ndarray, year: int) -> None:
    """Inputs bought outside the province and sales outside it (两头在外)."""
    inputs = np.round(revenue * 0.6 * FEN_PER_WAN).astype(np.int64)
    outside_in = np.round(inputs * fig["outside_input_share"]).astype(np.int64)
    n = len(firms)
    planted.add("supply_links", _links(
        [None] * n, firms, "原料（煤、原盐、氧化铝）", outside_in.tolist(), year,
        supplier_name=["山西示例煤化工原料有限公司"] * n, supplier_region=["140525"] * n))
    sales_out = np.round(revenue * fig["outside_sales_share"] * FEN_PER_WAN).astype(np.int64)
    planted.add("supply_links", _links(
        firms, [None] * n, "产品外销", sales_out.tolist(), year,
        buyer_name=["广东示例化工贸易有限公司"] * n, buyer_region=["440106"] * n))


def _qinyang_projects(planted: Planted, fig: dict[str, Any], region: str,
                      rng: np.random.Generator) -> None:
    projects = fig["projects"]
    invest = np.array([p["yi"] for p in projects], dtype=float)
    output = _split_exact(fig["expected_output_total_yi"] * FEN_PER_YI, invest / invest.sum())
    stages = ["signed", "started", "building", "operating", "full"]
    planted.add("key_projects", pl.DataFrame({
        "region": region, "name": [p["name"] for p in projects],
        "investors": [p["investors"] for p in projects],
        "cluster": [p["cluster"] for p in projects], "industry": [p["industry"] for p in projects],
        "stage": [stages[int(i)] for i in rng.integers(0, 5, size=len(projects))],
        "planned_investment_fen": [round(p["yi"] * FEN_PER_YI) for p in projects],
        "expected_output_fen": output,
        "start_year": rng.integers(2022, 2026, size=len(projects)).tolist()}))


# --- 襄州 Xiangzhou: three clusters, each with a 100亿元 target -------------------------------------


def _plant_xiangzhou(planted: Planted, fig: dict[str, Any], rng: np.random.Generator,
                     years: list[int]) -> None:
    region = fig["region"]
    for cluster in fig["clusters"]:
        revenue = _lognormal_wan(rng, cluster["firms"], cluster["median_wan"], 1.0)
        industries = cluster["industries"]
        names = _names("襄州", cluster["name"][:2], cluster["firms"], rng)
        _add_firms(planted, [Firm(n, industries[i % len(industries)], float(r), growth=0.1)
                             for i, (n, r) in enumerate(zip(names, revenue, strict=True))],
                   region, years, rng)
    planted.add("cluster_targets", pl.DataFrame({
        "region": region, "cluster": [c["name"] for c in fig["clusters"]],
        "target_year": fig["target_year"],
        "target_output_fen": [c["target_yi"] * FEN_PER_YI for c in fig["clusters"]],
        "source": "襄州区三大产业集群工作方案"}))
    planted.add("service_providers", pl.DataFrame({
        "region": region, "name": ["襄州区中小企业信用担保公司", "襄州区汽车零部件检测中心"],
        "kind": ["guarantee", "testing"], "public_platform": [True, True],
        "description": ["流动资金贷款担保", "汽车零部件检测"]}))
