"""A cluster's industrial chain, link by link: who is there locally and who buys from whom.

For a county, a year and a chain template, every segment gets its local firms (how many, how
big), the cluster's purchases of that segment's products from the supply links and the share
bought inside the county (the *local supporting rate*, 本地配套率), and a status:

* 缺链 ``missing`` — no firm of the segment in the county;
* 断链 ``broken`` — the county has firms of the segment, yet the chain's firms buy that segment's
  products almost entirely outside (the link exists but is not joined up);
* 弱链 ``weak`` — few local firms, or a low local supporting rate;
* 有 ``present`` — enough local firms, bought locally.

Each status carries the reason with its numbers. Thresholds are in ``chains.yaml`` (documented
data). The result also holds the nodes and edges of a chain map and the key projects that fill
each link.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import polars as pl

from jiqun.chains.templates import ChainTemplate, Segment, chains_defaults
from jiqun.clusters.profile import config_hash
from jiqun.money import format_money

Tables = Mapping[str, pl.DataFrame]
Status = Literal["present", "weak", "broken", "missing"]
STATUS_ZH: dict[str, str] = {"present": "有", "weak": "弱链", "broken": "断链", "missing": "缺链"}
STATUS_EN: dict[str, str] = {
    "present": "present",
    "weak": "weak link",
    "broken": "broken link",
    "missing": "missing link",
}


@dataclass(frozen=True)
class LocalFirm:
    """A firm of the county in a segment, with its size in the year."""

    uscc: str
    name: str
    revenue: float | None


@dataclass(frozen=True)
class SegmentStatus:
    """One segment of the chain in one county and year."""

    id: str
    name: str
    stage: str
    core: bool
    industries: tuple[str, ...]
    firms: int
    revenue: float
    employees: float
    largest: tuple[LocalFirm, ...]
    purchases: float
    local_purchases: float
    local_rate: float | None
    status: Status
    reason: str
    projects: tuple[str, ...] = ()
    name_en: str = ""
    reason_en: str = ""

    @property
    def status_zh(self) -> str:
        return STATUS_ZH[self.status]


@dataclass(frozen=True)
class ChainEdge:
    """Purchases of the buying segment from the supplying one (``outside`` for unplaced suppliers)."""

    source: str
    target: str
    local: float
    outside: float
    in_template: bool


@dataclass
class ChainAnalysis:
    """The chain of one cluster in one county and year."""

    region: str
    year: int
    template_id: str
    template_name: str
    template_hash: str
    segments: list[SegmentStatus]
    edges: list[ChainEdge]
    purchases: float
    local_purchases: float
    local_rate: float | None
    unplaced_purchases: float
    industry_firms: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    config_hash: str = ""

    def by_status(self, status: Status) -> list[SegmentStatus]:
        """The segments with this status (core segments are never gaps)."""
        return [s for s in self.segments if s.status == status and not s.core]

    @property
    def coverage(self) -> float:
        """Share of the non-core segments with local firms."""
        links = [s for s in self.segments if not s.core]
        return sum(s.firms > 0 for s in links) / len(links) if links else 1.0

    def segment(self, segment_id: str) -> SegmentStatus:
        for s in self.segments:
            if s.id == segment_id:
                return s
        raise KeyError(segment_id)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["coverage"] = self.coverage
        for item in data["segments"]:
            item["status_zh"] = STATUS_ZH[item["status"]]
        return data


def analysis_defaults() -> dict[str, Any]:
    """The ``analysis`` section of ``chains.yaml``."""
    return dict(chains_defaults()["analysis"])


def analyse_chain(
    tables: Tables, region: str, template: ChainTemplate, year: int, config: Mapping[str, Any] | None = None
) -> ChainAnalysis:
    """The chain of ``template`` in county ``region`` in ``year``.

    The local supporting rate of a segment is

    .. math:: r_s = \\frac{\\sum_{l \\in L_s,\\ \\text{supplier in county}} a_l}{\\sum_{l \\in L_s} a_l}

    over the supply links :math:`L_s` of the year whose buyer is a county firm of the chain and
    whose product belongs to segment *s* (by the supplier's industry code, else by the product's
    keywords); :math:`a_l` is the amount. It is ``None`` when there is no such purchase.
    """
    cfg = {**analysis_defaults(), **(config or {})}
    firms = _county_firms(tables, region, year, template)
    purchases = _purchases(tables, region, year, template, firms)
    projects = _projects_by_segment(tables, region, template)
    segments = [_segment_status(s, firms, purchases, projects.get(s.id, ()), cfg) for s in template.segments]
    placed = purchases.filter(pl.col("segment").is_not_null())
    total = float(purchases["amount"].sum()) if purchases.height else 0.0
    local = float(purchases.filter(pl.col("local"))["amount"].sum()) if purchases.height else 0.0
    notes = _notes(firms, purchases, template)
    return ChainAnalysis(
        region=region,
        year=year,
        template_id=template.id,
        template_name=template.name_zh,
        template_hash=template.hash,
        segments=segments,
        edges=_edges(template, placed, firms),
        purchases=total,
        local_purchases=local,
        local_rate=local / total if total > 0 else None,
        unplaced_purchases=total - float(placed["amount"].sum()) if placed.height else total,
        industry_firms=dict(firms.group_by("industry").len().rows()),
        notes=notes,
        config_hash=config_hash(cfg),
    )


def _county_firms(tables: Tables, region: str, year: int, template: ChainTemplate) -> pl.DataFrame:
    """County firms open in ``year`` with their segment, revenue and employees."""
    firms = tables["enterprises"].filter(
        (pl.col("region") == region) & (pl.col("closed").is_null() | (pl.col("closed").dt.year() >= year))
    )
    segment = {code: s.id for s in reversed(template.segments) for code in s.industries}
    for code in segment:  # shared codes: the template's own choice (core first, else first)
        chosen = template.segment_of(code)
        segment[code] = chosen.id if chosen else segment[code]
    firms = firms.with_columns(segment=pl.col("industry").replace_strict(segment, default=None))
    firms = firms.filter(pl.col("segment").is_not_null())
    facts = tables["enterprise_years"].filter(pl.col("year") == year).select("uscc", "revenue", "employees")
    return firms.join(facts, on="uscc", how="left").select(
        "uscc", "name", "industry", "segment", "revenue", "employees"
    )


def _purchases(
    tables: Tables, region: str, year: int, template: ChainTemplate, firms: pl.DataFrame
) -> pl.DataFrame:
    """The chain firms' purchases of the year, each with the supplier's segment and place."""
    links = tables["supply_links"].filter(
        (pl.col("year") == year) & pl.col("buyer_uscc").is_in(firms["uscc"].implode())
    )
    if not links.height:
        return pl.DataFrame(
            schema={
                "segment": pl.String,
                "buyer_segment": pl.String,
                "amount": pl.Float64,
                "local": pl.Boolean,
            }
        )
    industry = tables["enterprises"].select(
        pl.col("uscc").alias("supplier_uscc"), pl.col("industry").alias("supplier_industry")
    )
    links = links.join(industry, on="supplier_uscc", how="left")
    buyer = dict(zip(firms["uscc"].to_list(), firms["segment"].to_list(), strict=True))
    rows = links.select("supplier_industry", "product", "buyer_uscc", "supplier_region", "amount").rows()
    return pl.DataFrame(
        {
            "segment": [_segment_id(template, ind, product) for ind, product, *_ in rows],
            "buyer_segment": [buyer.get(b) for _, _, b, _, _ in rows],
            "amount": [float(a or 0.0) for *_, a in rows],
            "local": [place == region for _, _, _, place, _ in rows],
        },
        schema={"segment": pl.String, "buyer_segment": pl.String, "amount": pl.Float64, "local": pl.Boolean},
    )


def _segment_id(template: ChainTemplate, industry: str | None, product: str | None) -> str | None:
    found = template.segment_of(industry, product)
    return found.id if found else None


def _projects_by_segment(tables: Tables, region: str, template: ChainTemplate) -> dict[str, tuple[str, ...]]:
    projects = tables["key_projects"].filter(pl.col("region") == region)
    out: dict[str, list[str]] = {}
    for name, industry in projects.select("name", "industry").rows():
        found = template.segment_of(industry, name)
        if found:
            out.setdefault(found.id, []).append(name)
    return {k: tuple(v) for k, v in out.items()}


def _segment_status(
    segment: Segment,
    firms: pl.DataFrame,
    purchases: pl.DataFrame,
    projects: tuple[str, ...],
    cfg: Mapping[str, Any],
) -> SegmentStatus:
    mine = firms.filter(pl.col("segment") == segment.id).sort("revenue", descending=True, nulls_last=True)
    bought = purchases.filter(pl.col("segment") == segment.id)
    total = float(bought["amount"].sum()) if bought.height else 0.0
    local = float(bought.filter(pl.col("local"))["amount"].sum()) if bought.height else 0.0
    rate = local / total if total >= cfg["min_purchases_yuan"] else None
    largest = tuple(LocalFirm(u, n, r) for u, n, r in mine.select("uscc", "name", "revenue").head(3).rows())
    status, case = _judge(segment, mine.height, rate, cfg)
    reason, reason_en = (_reason(case, mine.height, total, rate, lang) for lang in ("zh", "en"))
    return SegmentStatus(
        id=segment.id,
        name=segment.name_zh,
        stage=segment.stage,
        core=segment.core,
        industries=segment.industries,
        firms=mine.height,
        revenue=float(mine["revenue"].fill_null(0).sum()),
        employees=float(mine["employees"].fill_null(0).sum()),
        largest=largest,
        purchases=total,
        local_purchases=local,
        local_rate=rate,
        status=status,
        reason=reason,
        name_en=segment.name_en,
        reason_en=reason_en,
        projects=projects,
    )


def _judge(segment: Segment, firms: int, rate: float | None, cfg: Mapping[str, Any]) -> tuple[Status, str]:
    """Status of one segment and which reason explains it (thresholds from ``chains.yaml``)."""
    if segment.core:
        return ("present" if firms else "missing"), "core"
    if firms == 0:
        return "missing", "none"
    if rate is not None and rate < cfg["broken_local_rate"]:
        return "broken", "broken"
    if firms < cfg["weak_min_firms"] or (rate is not None and rate < cfg["weak_local_rate"]):
        return "weak", "weak"
    return "present", "present"


# the reason of each case; {spent} says what the chain bought, {where} where a segment without
# local firms bought it
REASONS: dict[str, dict[str, str]] = {
    "zh": {
        "core": "集群核心环节，本县{firms}家企业",
        "none": "本县没有该环节企业；{spent}{where}",
        "broken": "本县有{firms}家该环节企业，但{spent}，县内配套仅{share}",
        "weak": "本县仅{firms}家该环节企业；{spent}，县内配套{share}",
        "present": "本县{firms}家该环节企业；{spent}，县内配套{share}",
        "spent": "本链企业当年采购该环节产品{amount}",
        "not_spent": "供应链数据中没有本链企业对该环节的采购",
        "outside": "，全部来自县外",
        "unregistered": "，其中{rate}来自本县未登记的供应商",
        "unknown": "未知",
    },
    "en": {
        "core": "core segment of the cluster, {firms} in the county",
        "none": "no firm of this segment in the county; {spent}{where}",
        "broken": "{firms} locally, but {spent} and only {share} locally",
        "weak": "only {firms} locally; {spent}, {share} locally",
        "present": "{firms} locally; {spent}, {share} locally",
        "spent": "the chain's firms bought {amount} of its products this year",
        "not_spent": "the supply links show no purchase of its products by the chain's firms",
        "outside": ", all from outside the county",
        "unregistered": ", {rate} from unregistered local suppliers",
        "unknown": "unknown",
    },
}


def _reason(case: str, firms: int, bought: float, rate: float | None, lang: str) -> str:
    """The reason of ``case`` in ``lang``, with the segment's numbers."""
    words = REASONS[lang]
    spent = (
        words["spent"].format(amount=format_money(bought, lang=lang)) if bought > 0 else words["not_spent"]
    )
    where = (
        ""
        if bought <= 0
        else words["outside"]
        if not rate
        else words["unregistered"].format(rate=f"{rate:.0%}")
    )
    count = f"{firms}" if lang == "zh" else f"{firms} firm{'' if firms == 1 else 's'}"
    share = f"{rate:.0%}" if rate is not None else words["unknown"]
    return words[case].format(firms=count, spent=spent, where=where, share=share)


def _edges(template: ChainTemplate, placed: pl.DataFrame, firms: pl.DataFrame) -> list[ChainEdge]:
    """The template's edges with the purchases that run along them, plus any other observed flow."""
    flows = (
        placed.filter(pl.col("buyer_segment").is_not_null())
        .group_by("segment", "buyer_segment", "local")
        .agg(pl.col("amount").sum())
    )
    amount: dict[tuple[str, str, bool], float] = {
        (s, b, loc): a for s, b, loc, a in flows.select("segment", "buyer_segment", "local", "amount").rows()
    }
    pairs = list(template.edges)
    pairs += sorted({(s, b) for s, b, _ in amount if (s, b) not in set(pairs) and s != b})
    declared = set(template.edges)
    return [
        ChainEdge(s, b, amount.get((s, b, True), 0.0), amount.get((s, b, False), 0.0), (s, b) in declared)
        for s, b in pairs
    ]


def _notes(firms: pl.DataFrame, purchases: pl.DataFrame, template: ChainTemplate) -> list[str]:
    notes = []
    if not firms.height:
        notes.append(f"本县没有{template.name_zh}产业链上的企业")
    if not purchases.height:
        notes.append("没有本链企业的供应链（采购）数据：各环节只按企业数判断，配套率未知")
    elif firms["revenue"].null_count() == firms.height:
        notes.append("本链企业当年没有营业收入数据")
    return notes
