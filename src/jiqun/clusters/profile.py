"""The profile of one cluster in one county and year: every number the diagnosis reasons with.

A cluster is a set of GB/T 4754 industries in a county. Each figure is a :class:`Metric` with its
value, unit and the Chinese label used in reports; a figure whose data is missing is ``None`` and
listed in :attr:`Profile.missing`, never guessed. Thresholds and assumptions come from
``profile.yaml`` (documented data).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import polars as pl
import yaml

Tables = Mapping[str, pl.DataFrame]


@dataclass(frozen=True)
class Metric:
    """One figure of the profile: value (None when unknown), unit and label."""

    value: float | None
    unit: str
    label: str


@dataclass
class Profile:
    """Everything measured about a cluster; ``metrics`` by key, plus the lists behind them."""

    region: str
    industries: tuple[str, ...]
    year: int
    metrics: dict[str, Metric] = field(default_factory=dict)
    tiers: list[tuple[float, int]] = field(default_factory=list)
    leaders: list[dict[str, Any]] = field(default_factory=list)
    brands: dict[str, int] = field(default_factory=dict)
    missing_provider_kinds: list[str] = field(default_factory=list)
    service_concentration: dict[str, float] = field(default_factory=dict)
    duplicated_moulds: list[dict[str, Any]] = field(default_factory=list)
    config_hash: str = ""

    @property
    def missing(self) -> list[str]:
        """Keys of the metrics the data could not give."""
        return [k for k, m in self.metrics.items() if m.value is None]

    def value(self, key: str) -> float | None:
        """The value of a metric (None when unknown or not measured)."""
        metric = self.metrics.get(key)
        return metric.value if metric else None

    def set(self, key: str, value: float | None, unit: str, label: str) -> None:
        self.metrics[key] = Metric(None if value is None else float(value), unit, label)


@cache
def profile_defaults() -> dict[str, Any]:
    """The shipped configuration (``profile.yaml``)."""
    text = resources.files("jiqun.clusters").joinpath("profile.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def config_hash(config: Mapping[str, Any]) -> str:
    """SHA-256 (first 16 hex digits) of a configuration, as carried by every result."""
    return hashlib.sha256(json.dumps(config, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def cluster_profile(
    tables: Tables, region: str, industries: Sequence[str], year: int, config: Mapping[str, Any] | None = None
) -> Profile:
    """Measure the cluster made of ``industries`` in county ``region`` in ``year``."""
    cfg = {**profile_defaults(), **(config or {})}
    profile = Profile(region, tuple(sorted(industries)), year, config_hash=config_hash(cfg))
    county = tables["enterprises"].filter(pl.col("region") == region)
    members = county.filter(pl.col("industry").is_in(list(industries)))
    years = tables["enterprise_years"]
    now = years.filter(pl.col("year") == year).join(
        members.select("uscc", "name", "park", "above_size", "specialised", "high_tech"), on="uscc"
    )
    county_now = years.filter(pl.col("year") == year).join(county.select("uscc"), on="uscc")
    _scale(profile, now, county_now, years.join(members.select("uscc"), on="uscc"), year)
    _tiers_and_leaders(profile, now, cfg)
    _growth(profile, now, years.filter(pl.col("year") == year - 1), cfg)
    _trade(profile, now, tables["supply_links"], members, region, year, cfg)
    _innovation(profile, now, tables["brands"], members, cfg)
    _parks(profile, now, tables["parks"], region)
    _services(profile, tables, members, region, year, cfg)
    _finance_and_environment(profile, tables, region, year, county_now.height)
    _moulds(profile, tables["equipment_purchases"], members, year)
    return profile


def _sum(frame: pl.DataFrame, column: str) -> float | None:
    known = frame[column].drop_nulls()
    return float(known.sum()) if known.len() else None


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else a / b


def _scale(p: Profile, now: pl.DataFrame, county_now: pl.DataFrame, history: pl.DataFrame, year: int) -> None:
    p.set("firms", now.height, "家", "企业数")
    revenue = _sum(now, "revenue")
    p.set("revenue", revenue, "元", "营业收入")
    p.set("industrial_output", _sum(now, "industrial_output"), "元", "工业总产值")
    p.set("employees", _sum(now, "employees"), "人", "从业人员")
    p.set(
        "county_revenue_share",
        _ratio(revenue, _sum(county_now, "revenue")),
        "比例",
        "占全县企业营业收入的比重",
    )
    by_year = history.group_by("year").agg(pl.col("revenue").sum()).sort("year")
    first = by_year.filter(pl.col("year") < year).head(1)
    cagr = None
    if first.height and revenue and first["revenue"][0] > 0:
        cagr = (revenue / first["revenue"][0]) ** (1 / (year - first["year"][0])) - 1
    p.set("revenue_cagr", cagr, "比例/年", "营业收入年均增长率")


def _tiers_and_leaders(p: Profile, now: pl.DataFrame, cfg: Mapping[str, Any]) -> None:
    revenue = now["revenue"].drop_nulls()
    p.tiers = [(float(t), int((revenue >= t).sum())) for t in cfg["revenue_tiers_yuan"]]
    top = now.filter(pl.col("revenue").is_not_null()).sort("revenue", descending=True).head(cfg["leaders"])
    total = _sum(now, "revenue")
    p.leaders = [
        {"uscc": r["uscc"], "name": r["name"], "revenue": r["revenue"], "share": _ratio(r["revenue"], total)}
        for r in top.iter_rows(named=True)
    ]
    p.set(
        "leaders_share",
        _ratio(float(top["revenue"].sum()), total) if top.height else None,
        "比例",
        f"前 {cfg['leaders']} 家企业营业收入占比（CR{cfg['leaders']}）",
    )
    p.set("firms_over_100m", int((revenue >= 1e8).sum()), "家", "营业收入过亿元企业")
    p.set("largest_revenue", float(revenue.max()) if revenue.len() else None, "元", "最大企业营业收入")
    for key, label in (
        ("above_size", "规模以上企业"),
        ("specialised", "专精特新企业"),
        ("high_tech", "高新技术企业"),
    ):
        p.set(key, int(now[key].fill_null(False).sum()), "家", label)


def _growth(p: Profile, now: pl.DataFrame, before: pl.DataFrame, cfg: Mapping[str, Any]) -> None:
    both = now.select("uscc", "revenue").join(
        before.select("uscc", pl.col("revenue").alias("before")), on="uscc"
    )
    both = both.filter(pl.col("before") > 0)
    growing = both.filter(pl.col("revenue") / pl.col("before") - 1 >= cfg["growth_firm_rate"])
    p.set(
        "growth_firms",
        growing.height if both.height else None,
        "家",
        f"年增长 {cfg['growth_firm_rate']:.0%} 以上的成长型企业",
    )
    p.set("growth_firm_share", _ratio(growing.height, both.height), "比例", "成长型企业占比")


def _exports_cny(now: pl.DataFrame, cfg: Mapping[str, Any]) -> float | None:
    rates = {"CNY": 1.0, **cfg["exchange_rates_to_cny"]}
    known = now.filter(pl.col("exports").is_not_null())
    if not known.height:
        return None
    rate = (
        known["export_currency"].fill_null("CNY").replace_strict(rates, default=None, return_dtype=pl.Float64)
    )
    return float((known["exports"] * rate).sum())


def _trade(
    p: Profile,
    now: pl.DataFrame,
    links: pl.DataFrame,
    members: pl.DataFrame,
    region: str,
    year: int,
    cfg: Mapping[str, Any],
) -> None:
    exports = _exports_cny(now, cfg)
    revenue = p.value("revenue")
    p.set("exporters", int((now["exports"].fill_null(0) > 0).sum()), "家", "有出口的企业")
    p.set("exports", exports, "元", "出口额（折人民币）")
    p.set("export_dependence", _ratio(exports, revenue), "比例", "出口依存度（出口额/营业收入）")
    ids = members["uscc"]
    links = links.filter(pl.col("year") == year)
    bought = links.filter(pl.col("buyer_uscc").is_in(ids) & pl.col("supplier_region").is_not_null())
    sold = links.filter(pl.col("supplier_uscc").is_in(ids) & pl.col("buyer_region").is_not_null())
    province = region[:2]
    purchases = _sum(bought, "amount") if bought.height else None
    outside_province = _sum(bought.filter(pl.col("supplier_region").str.slice(0, 2) != province), "amount")
    in_county = _sum(bought.filter(pl.col("supplier_region") == region), "amount")
    p.set("purchases_linked", purchases, "元", "有来源地的采购额")
    p.set("inputs_outside_province_share", _ratio(outside_province or 0.0, purchases), "比例", "省外采购占比")
    p.set("local_sourcing_rate", _ratio(in_county or 0.0, purchases), "比例", "本县采购占比（本地配套率）")
    sold_out = _sum(sold.filter(pl.col("buyer_region").str.slice(0, 2) != province), "amount") or 0.0
    outward = None if revenue is None else min(1.0, (sold_out + (exports or 0.0)) / revenue)
    p.set("sales_outside_share", outward, "比例", "出口及销往省外占营业收入比重")
    local_suppliers = bought.filter(
        (pl.col("supplier_region") == region)
        & ~pl.col("supplier_uscc").is_in(ids)
        & pl.col("supplier_uscc").is_not_null()
    )["supplier_uscc"].n_unique()
    firms = p.value("firms") or 0
    p.set("local_supporting_firms", local_suppliers, "家", "为集群供货的本县配套企业")
    p.set("suppliers_per_firm", _ratio(local_suppliers, firms), "家/企业", "每家集群企业的本县配套企业数")
    p.set("supporting_firm_share", _ratio(local_suppliers, local_suppliers + firms), "比例", "配套企业占比")


def _innovation(
    p: Profile, now: pl.DataFrame, brands: pl.DataFrame, members: pl.DataFrame, cfg: Mapping[str, Any]
) -> None:
    with_rd = now.filter(pl.col("rd_spending").is_not_null())
    p.set(
        "rd_intensity",
        _ratio(_sum(with_rd, "rd_spending"), _sum(with_rd, "revenue")),
        "比例",
        "研发投入强度（研发投入/营业收入）",
    )
    patents = _sum(now, "invention_patents")
    utility = _sum(now, "utility_patents")
    total = None if patents is None and utility is None else (patents or 0) + (utility or 0)
    p.set(
        "patents_per_100_firms",
        _ratio(None if total is None else 100 * total, p.value("firms")),
        "件/百家",
        "每百家企业专利数",
    )
    p.set("new_products", _sum(now, "new_products"), "种", "新产品数")
    held = brands.filter(pl.col("uscc").is_in(members["uscc"]))
    p.brands = {level: int((held["level"] == level).sum()) for level in cfg["brand_levels"]}
    p.set("brands_municipal_or_higher", sum(p.brands.values()), "个", "市级以上品牌")
    p.set(
        "brands_national",
        p.brands.get("national", 0) + p.brands.get("international", 0),
        "个",
        "国家级及以上品牌",
    )


def _parks(p: Profile, now: pl.DataFrame, parks: pl.DataFrame, region: str) -> None:
    in_parks = now.filter(pl.col("park").is_not_null())
    p.set("firms_in_parks", in_parks.height, "家", "入园企业")
    areas = parks.filter(pl.col("region") == region).select(pl.col("name").alias("park"), "used_area_mu")
    joined = in_parks.group_by("park").agg(pl.col("revenue").sum()).join(areas, on="park")
    joined = joined.filter(pl.col("used_area_mu") > 0)
    p.set(
        "revenue_per_mu",
        _ratio(_sum(joined, "revenue"), _sum(joined, "used_area_mu")) if joined.height else None,
        "元/亩",
        "园区亩均营业收入",
    )


def _services(
    p: Profile, tables: Tables, members: pl.DataFrame, region: str, year: int, cfg: Mapping[str, Any]
) -> None:
    providers = tables["service_providers"].filter(pl.col("region") == region)
    present = set(providers["kind"].drop_nulls())
    p.missing_provider_kinds = [k for k in cfg["essential_provider_kinds"] if k not in present]
    p.set("provider_kinds_missing", len(p.missing_provider_kinds), "类", "缺少的服务机构类别")
    p.set("public_platforms", int(providers["public_platform"].fill_null(False).sum()), "个", "公共服务平台")
    industry_of = tables["enterprises"].select(pl.col("uscc").alias("supplier_uscc"), pl.col("industry"))
    bought = (
        tables["supply_links"]
        .filter((pl.col("year") == year) & pl.col("buyer_uscc").is_in(members["uscc"]))
        .join(industry_of, on="supplier_uscc")
    )
    for kind, divisions in cfg["service_divisions"].items():
        sales = (
            bought.filter(pl.col("industry").str.slice(0, 2).is_in(divisions))
            .group_by("supplier_uscc")
            .agg(pl.col("amount").sum())
        )
        total = float(sales["amount"].sum())
        if total > 0:
            p.service_concentration[kind] = float(((sales["amount"] / total) ** 2).sum())
    top = max(p.service_concentration.values(), default=None)
    p.set("service_hhi_max", top, "HHI", "服务供应集中度（最高的一类）")


def _finance_and_environment(p: Profile, tables: Tables, region: str, year: int, county_firms: int) -> None:
    finance = tables["county_finance"].filter((pl.col("region") == region) & (pl.col("year") == year))
    deposits = finance["deposits"][0] if finance.height else None
    loans = finance["loans"][0] if finance.height else None
    p.set("deposits", deposits, "元", "存款余额")
    p.set("loan_to_deposit", _ratio(loans, deposits), "比例", "存贷比（贷款/存款）")
    p.set(
        "deposit_loan_gap",
        None if deposits is None or loans is None or not deposits else (deposits - loans) / deposits,
        "比例",
        "存贷差率（（存款−贷款）/存款）",
    )
    complaints = tables["complaints"].filter(
        (pl.col("region") == region) & (pl.col("received").dt.year() == year)
    )
    known = complaints.height > 0 or tables["complaints"].filter(pl.col("region") == region).height > 0
    p.set("complaints", complaints.height if known else None, "件", "营商环境投诉")
    p.set(
        "complaints_per_100_firms",
        _ratio(100 * complaints.height, county_firms) if known else None,
        "件/百家",
        "每百家企业投诉数",
    )
    p.set(
        "market_complaints",
        int((complaints["category"] == "market").sum()) if known else None,
        "件",
        "不正当竞争投诉",
    )
    p.set(
        "enforcement_complaint_share",
        _ratio(int((complaints["category"] == "enforcement").sum()), complaints.height),
        "比例",
        "执法类投诉占比",
    )
    days = complaints.filter(pl.col("resolved").is_not_null()).select(
        (pl.col("resolved") - pl.col("received")).dt.total_days()
    )
    p.set(
        "days_to_resolve", float(days.to_series().mean()) if days.height else None, "天", "投诉平均办结天数"
    )


def _moulds(p: Profile, purchases: pl.DataFrame, members: pl.DataFrame, year: int) -> None:
    moulds = purchases.filter(
        (pl.col("year") == year) & (pl.col("kind") == "mould") & pl.col("uscc").is_in(members["uscc"])
    )
    if not moulds.height:
        p.set("mould_spending", None, "元", "模具购置额")
        p.set("mould_sharing_saving", None, "元", "模具共用可节省")
        return
    per_item = moulds.group_by("item").agg(
        total=pl.col("amount").sum(),
        once=pl.col("amount").min(),
        buyers=pl.col("uscc").n_unique(),
        purchases=pl.len(),
    )
    duplicated = per_item.filter(pl.col("purchases") > 1).sort("total", descending=True)
    p.duplicated_moulds = duplicated.to_dicts()
    p.set("mould_spending", float(moulds["amount"].sum()), "元", "模具购置额")
    p.set(
        "mould_sharing_saving",
        float((per_item["total"] - per_item["once"]).sum()),
        "元",
        "模具共用可节省（每种模具只买一次，按最低成交价）",
    )
