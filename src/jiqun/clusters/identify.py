"""Which clusters a county has: candidates from specialisation and size, grouped by relatedness.

A *candidate* is an industry of the county with enough firms and weight and a high location
quotient, a US Cluster Mapping strength class or European stars. Candidates are grouped into
*clusters* of related industries: industries that are co-located across all counties (their LQs
correlate) or whose firms in the county trade with each other. Every cluster carries the numbers
it was found by. Thresholds come from ``identify.yaml`` (documented data).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import polars as pl
import yaml
from scipy.stats import poisson

from jiqun.clusters.profile import config_hash
from jiqun.indicators import prepare
from jiqun.indicators.ratings import CLASSES

Tables = Mapping[str, pl.DataFrame]


@dataclass(frozen=True)
class Candidate:
    """One specialised industry of the county, with the numbers that made it a candidate."""

    industry: str
    firms: int
    size: float
    county_share: float
    lq: float | None
    lq_level: float | None
    firm_p_value: float
    cmp_strength: str | None
    stars: int


@dataclass
class Cluster:
    """Related candidate industries of one county, measured together."""

    name: str
    industries: list[str]
    candidates: list[Candidate]
    firms: int
    size: float
    revenue: float
    county_share: float
    lq: float | None
    cmp_strength: str | None
    stars: int
    towns: list[tuple[str, float]] = field(default_factory=list)
    hot_spots: dict[str, list[str]] = field(default_factory=dict)
    in_hot_spot: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    chain: str | None = None


@dataclass
class Identification:
    """The clusters of one county in one year."""

    region: str
    year: int
    measure: str
    clusters: list[Cluster]
    config_hash: str


@cache
def identify_defaults() -> dict[str, Any]:
    """The shipped thresholds (``identify.yaml``)."""
    text = resources.files("jiqun.clusters").joinpath("identify.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def rate_cells(tables: Tables, year: int, measure: str = "employees") -> pl.DataFrame:
    """Every county × industry of ``year``: size, firms, LQ, CMP strength class and stars."""
    firms = (
        tables["enterprise_years"]
        .filter((pl.col("year") == year) & pl.col(measure).is_not_null() & (pl.col(measure) > 0))
        .join(tables["enterprises"].select("uscc", "region", "industry"), on="uscc")
        .select("region", "industry", pl.col("uscc").alias("firm"), pl.col(measure).alias("value"))
    )
    bench = prepare(firms, firm="firm")
    strength = bench.compute("cmp_strength").select(
        "region", "industry", "lq", "employment", "establishments", "cmp_strength"
    )
    stars = bench.compute("stars").select("region", "industry", "stars")
    rated = strength.join(stars, on=["region", "industry"], how="left")
    return _with_chance(rated)


def _with_chance(rated: pl.DataFrame) -> pl.DataFrame:
    """County shares, and how likely the county's firm count of the industry is by chance."""
    county = rated.group_by("region").agg(
        pl.col("employment").sum().alias("county_total"), pl.col("establishments").sum().alias("county_firms")
    )
    industry = rated.group_by("industry").agg(pl.col("establishments").sum().alias("industry_firms"))
    all_firms = float(rated["establishments"].sum())
    rated = rated.join(county, on="region").join(industry, on="industry")
    rated = rated.with_columns(
        (pl.col("employment") / pl.col("county_total")).alias("county_share"),
        (pl.col("county_firms") * pl.col("industry_firms") / all_firms).alias("expected_firms"),
    )
    p_value = poisson.sf(rated["establishments"].to_numpy() - 1, rated["expected_firms"].to_numpy())
    return rated.with_columns(pl.Series("firm_p_value", p_value))


def identify_clusters(
    tables: Tables,
    region: str,
    year: int,
    *,
    config: Mapping[str, Any] | None = None,
    industry_names: Mapping[str, str] | None = None,
    rated: pl.DataFrame | None = None,
    rng: np.random.Generator | None = None,
    boundaries: Any = None,
) -> Identification:
    """The clusters of county ``region`` in ``year``.

    ``rated`` (from :func:`rate_cells`) can be passed when many counties are identified in turn.
    With ``rng`` the clusters also get LISA hot spots of their industries among the counties of the
    province (permutation inference; see :func:`jiqun.indicators.spatial.lisa_frame`).
    """
    cfg = {**identify_defaults(), **(config or {})}
    rated = rated if rated is not None else rate_cells(tables, year, cfg["measure"])
    candidates = _candidates(rated.filter(pl.col("region") == region), cfg)
    groups, reasons = _group(candidates, rated, tables, region, year, cfg)
    names = industry_names or {}
    clusters = [
        _cluster(group, candidates, rated, tables, region, year, names, reasons, cfg) for group in groups
    ]
    clusters.sort(key=lambda c: c.size, reverse=True)
    if rng is not None and clusters:
        _hot_spots(clusters, rated, region, rng, boundaries)
    return Identification(region, year, cfg["measure"], clusters, config_hash(cfg))


def _class_rank(label: str | None) -> int:
    return len(CLASSES) - CLASSES.index(label) if label in CLASSES else 0


def _candidates(county: pl.DataFrame, cfg: Mapping[str, Any]) -> dict[str, Candidate]:
    entry = min(cfg["lq_levels"])
    out = {}
    for row in county.iter_rows(named=True):
        lq = row["lq"]
        qualifies = (
            (lq is not None and lq >= entry)
            or _class_rank(row["cmp_strength"]) >= _class_rank(cfg["min_cmp_class"])
            or (row["stars"] or 0) >= cfg["min_stars"]
        )
        many = row["establishments"] >= cfg["min_firms"] and row["county_share"] >= cfg["min_county_share"]
        large = (
            row["establishments"] >= cfg["large_firms_min"]
            and row["county_share"] >= cfg["large_firms_county_share"]
        )
        if qualifies and (many or large) and row["firm_p_value"] <= cfg["max_p_value"]:
            level = max((v for v in cfg["lq_levels"] if lq is not None and lq >= v), default=None)
            out[row["industry"]] = Candidate(
                row["industry"],
                int(row["establishments"]),
                float(row["employment"]),
                float(row["county_share"]),
                lq,
                level,
                float(row["firm_p_value"]),
                row["cmp_strength"],
                int(row["stars"] or 0),
            )
    return out


def _group(
    candidates: Mapping[str, Candidate],
    rated: pl.DataFrame,
    tables: Tables,
    region: str,
    year: int,
    cfg: Mapping[str, Any],
) -> tuple[list[list[str]], dict[frozenset[str], str]]:
    codes = sorted(candidates)
    parent = {c: c for c in codes}

    def root(c: str) -> str:
        while parent[c] != c:
            c = parent[c]
        return c

    reasons: dict[frozenset[str], str] = {}
    for (a, b), why in {
        **_colocated(codes, rated, cfg),
        **_trading(codes, tables, region, year, cfg),
        **_chained(codes),
    }.items():
        parent[root(a)] = root(b)
        reasons[frozenset((a, b))] = why
    groups: dict[str, list[str]] = {}
    for c in codes:
        groups.setdefault(root(c), []).append(c)
    return list(groups.values()), reasons


def _colocated(
    codes: Sequence[str], rated: pl.DataFrame, cfg: Mapping[str, Any]
) -> dict[tuple[str, str], str]:
    if len(codes) < 2:
        return {}
    wide = (
        rated.filter(pl.col("industry").is_in(list(codes)))
        .pivot(on="industry", index="region", values="lq")
        .fill_null(0.0)
    )
    present = [c for c in codes if c in wide.columns]
    matrix = np.log1p(wide.select(present).to_numpy())
    both = (matrix > 0).astype(float)
    together = both.T @ both
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        corr = np.corrcoef(matrix, rowvar=False)
    out = {}
    for i, a in enumerate(present):
        for j in range(i + 1, len(present)):
            enough = together[i, j] >= cfg["colocation_min_counties"]
            if enough and np.isfinite(corr[i, j]) and corr[i, j] >= cfg["colocation_min_correlation"]:
                out[(a, present[j])] = (
                    f"共同集聚：{int(together[i, j])} 个县同时有这两个行业，区位熵相关系数 {corr[i, j]:.2f}"
                )
    return out


def _trading(
    codes: Sequence[str], tables: Tables, region: str, year: int, cfg: Mapping[str, Any]
) -> dict[tuple[str, str], str]:
    firms = tables["enterprises"].filter((pl.col("region") == region) & pl.col("industry").is_in(list(codes)))
    industry_of = firms.select("uscc", "industry")
    links = (
        tables["supply_links"]
        .filter(pl.col("year") == year)
        .join(industry_of.rename({"uscc": "buyer_uscc", "industry": "buyer_industry"}), on="buyer_uscc")
        .join(
            industry_of.rename({"uscc": "supplier_uscc", "industry": "supplier_industry"}),
            on="supplier_uscc",
            how="left",
        )
    )
    bought = links.group_by("buyer_industry").agg(pl.col("amount").sum().alias("all_purchases"))
    pairs = (
        links.filter(
            pl.col("supplier_industry").is_not_null()
            & (pl.col("supplier_industry") != pl.col("buyer_industry"))
        )
        .group_by("buyer_industry", "supplier_industry")
        .agg(pl.col("amount").sum())
        .join(bought, on="buyer_industry")
        .with_columns((pl.col("amount") / pl.col("all_purchases")).alias("share"))
    )
    out = {}
    for row in pairs.filter(pl.col("share") >= cfg["link_min_share"]).iter_rows(named=True):
        pair = tuple(sorted((row["buyer_industry"], row["supplier_industry"])))
        out[pair] = (
            f"本县企业间供货：{row['buyer_industry']} 向 {row['supplier_industry']} "
            f"的采购占 {row['share']:.0%}"
        )
    return out  # type: ignore[return-value]


def _chained(codes: Sequence[str]) -> dict[tuple[str, str], str]:
    """Pairs of candidate industries that are core segments of one shipped chain template."""
    from jiqun.chains.templates import load_templates

    out: dict[tuple[str, str], str] = {}
    for template in load_templates().values():
        core = [c for c in codes if c in template.core_industries]
        for i, a in enumerate(core):
            for b in core[i + 1 :]:
                out.setdefault((a, b), f"同属产业链模板「{template.name_zh}」的核心环节")
    return out


def chain_of(industries: Sequence[str]) -> Any:
    """The shipped chain template whose core holds all of ``industries`` (the most specific one)."""
    from jiqun.chains.templates import load_templates

    fitting = [t for t in load_templates().values() if set(industries) <= set(t.core_industries)]
    return min(fitting, key=lambda t: (len(t.core_industries), t.id), default=None)


def _cluster(
    group: list[str],
    candidates: Mapping[str, Candidate],
    rated: pl.DataFrame,
    tables: Tables,
    region: str,
    year: int,
    names: Mapping[str, str],
    reasons: Mapping[frozenset[str], str],
    cfg: Mapping[str, Any],
) -> Cluster:
    members = [candidates[c] for c in sorted(group, key=lambda c: -candidates[c].size)]
    size = sum(c.size for c in members)
    nation = rated.filter(pl.col("industry").is_in(group))
    share_nation = float(nation["employment"].sum()) / float(rated["employment"].sum())
    county_share = sum(c.county_share for c in members)
    lq = county_share / share_nation if share_nation > 0 else None
    firms = tables["enterprises"].filter((pl.col("region") == region) & pl.col("industry").is_in(group))
    revenue = (
        tables["enterprise_years"]
        .filter(pl.col("year") == year)
        .join(firms.select("uscc"), on="uscc")["revenue"]
        .sum()
    )
    best = max((c.cmp_strength for c in members), key=_class_rank, default=None)
    chain = chain_of(group)
    name = chain.name_zh if chain is not None else "、".join(
        names.get(c.industry, c.industry) for c in members[:2]
    ) + ("等" if len(members) > 2 else "")
    links = [why for pair, why in reasons.items() if pair <= set(group)]
    return Cluster(
        name=name,
        industries=[c.industry for c in members],
        candidates=members,
        firms=sum(c.firms for c in members),
        size=size,
        revenue=float(revenue or 0.0),
        county_share=county_share,
        lq=lq,
        cmp_strength=best if _class_rank(best) else None,
        stars=max(c.stars for c in members),
        towns=_towns(firms, cfg),
        links=links,
        chain=chain.id if chain is not None else None,
    )


def _towns(firms: pl.DataFrame, cfg: Mapping[str, Any]) -> list[tuple[str, float]]:
    known = firms.filter(pl.col("town").is_not_null() & (pl.col("town") != ""))
    if not known.height:
        return []
    shares = known.group_by("town").len().with_columns((pl.col("len") / known.height).alias("share"))
    shares = shares.filter(pl.col("share") >= cfg["town_min_share"]).sort("share", descending=True)
    return [(row["town"], float(row["share"])) for row in shares.iter_rows(named=True)]


def _hot_spots(
    clusters: list[Cluster], rated: pl.DataFrame, region: str, rng: np.random.Generator, boundaries: Any
) -> None:
    from jiqun.indicators.engine import Columns
    from jiqun.indicators.spatial import SpatialWarning, lisa_frame

    industries = sorted({i for c in clusters for i in c.industries})
    province = rated.filter(pl.col("region").str.slice(0, 2) == region[:2])
    long = province.filter(pl.col("industry").is_in(industries)).select(
        "region", "industry", pl.col("lq").alias("value")
    )
    others = province.filter(~pl.col("industry").is_in(industries)).select("region").unique()
    long = pl.concat(
        [long, others.with_columns(pl.lit(industries[0]).alias("industry"), pl.lit(0.0).alias("value"))]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SpatialWarning)
        lisa = lisa_frame(long, Columns(), rng=rng, boundaries=boundaries, permutations=499)
    hot = lisa.filter((pl.col("quadrant") == "HH") & pl.col("significant"))
    for cluster in clusters:
        for industry in cluster.industries:
            spots = hot.filter(pl.col("industry") == industry)["region"].to_list()
            cluster.hot_spots[industry] = [r for r in spots if r != region]
            if region in spots:
                cluster.in_hot_spot.append(industry)
