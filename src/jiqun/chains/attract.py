"""Whom to attract (补链招商): industries that would fill a chain's gaps, and firms outside the county.

*Industries* are ranked by three things, each shown with its numbers:

* the gap they fill — how badly the chain lacks the segment (缺链 > 断链 > 弱链; weights in
  ``chains.yaml``);
* relatedness — the county's relatedness density to the industry (Hidalgo et al. 2007; the
  Growth Lab's convention, :func:`jiqun.indicators.complexity.density_frame`): how much of what
  the industry needs the county already does;
* attractiveness — the industry's complexity (PCI), its national growth and its market size.

The gap enters as its severity (0–1, from ``chains.yaml``); the other four numbers as their
percentiles among all industries of the registry, so that they are comparable. The score is the
weighted mean of the five (weights in ``chains.yaml``).

The *quadrant* is the Metroverse view of every industry for the county: presence (RCA) against
relatedness density; industries the county does not have (RCA < 1) with high relatedness are the
*possible entrants*.

*Firms* outside the county in the gap industries are ranked by size (revenue), growth (CAGR of
revenue), financial soundness (1 − liabilities / assets: the registry has no credit rating yet)
and nearness (great-circle distance between county centroids), again as percentiles.

References
----------
Hidalgo, C. A., Klinger, B., Barabási, A.-L. & Hausmann, R. (2007). The product space conditions
the development of nations. *Science* 317, 482–487; Harvard Growth Lab, *Metroverse* (2022),
"presence vs. relatedness" view.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from jiqun.chains.analysis import STATUS_EN, STATUS_ZH, ChainAnalysis
from jiqun.chains.templates import ChainTemplate, chains_defaults
from jiqun.clusters.profile import config_hash
from jiqun.indicators import prepare
from jiqun.money import format_money

Tables = Mapping[str, pl.DataFrame]


@dataclass
class Attraction:
    """The ranked industries, the quadrant and the ranked outside firms of one chain."""

    region: str
    year: int
    template_id: str
    industries: pl.DataFrame
    quadrant: pl.DataFrame
    firms: pl.DataFrame
    notes: list[str] = field(default_factory=list)
    config_hash: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "year": self.year,
            "template_id": self.template_id,
            "industries": self.industries.to_dicts(),
            "quadrant": self.quadrant.to_dicts(),
            "firms": self.firms.to_dicts(),
            "notes": self.notes,
            "config_hash": self.config_hash,
        }


def attract_defaults() -> dict[str, Any]:
    """The ``attract`` section of ``chains.yaml``."""
    return dict(chains_defaults()["attract"])


def attraction(
    tables: Tables,
    analysis: ChainAnalysis,
    template: ChainTemplate,
    config: Mapping[str, Any] | None = None,
    boundaries: Any = None,
    national: pl.DataFrame | None = None,
) -> Attraction:
    """Industries and outside firms that would fill the gaps of ``analysis``' chain.

    ``national`` (from :func:`industry_table`) can be passed when several chains of one county
    are ranked in turn.
    """
    cfg = {**attract_defaults(), **(config or {})}
    region, year = analysis.region, analysis.year
    if national is None:
        national = industry_table(tables, region, year, cfg["measure"])
    gaps = _gap_industries(analysis, template, cfg)
    ranked = _rank_industries(gaps, national, cfg)
    notes = [] if gaps.height else ["本链没有缺链、断链或弱链：没有需要补链招商的行业"]
    top = ranked["industry"].head(cfg["firm_industries"]).to_list()
    firms = outside_firms(tables, region, top, year, cfg, boundaries, names=_names(template))
    return Attraction(
        region, year, template.id, ranked, quadrant(national, template, cfg), firms, notes, config_hash(cfg)
    )


def industry_table(tables: Tables, region: str, year: int, measure: str = "employees") -> pl.DataFrame:
    """Every industry of the registry for county ``region``: RCA, presence, relatedness density,
    PCI, national size and growth (revenue CAGR over the registry's years)."""
    facts = tables["enterprise_years"].join(
        tables["enterprises"].select("uscc", "region", "industry"), on="uscc"
    )
    now = facts.filter((pl.col("year") == year) & (pl.col(measure) > 0)).select(
        "region", "industry", pl.col("uscc").alias("firm"), pl.col(measure).alias("value")
    )
    bench = prepare(now, firm="firm")
    density = (
        bench.compute("density")
        .filter(pl.col("region") == region)
        .select("industry", "rca", "mcp", "density", "cog")
    )
    pci = (
        bench.compute("complexity")
        .filter(pl.col("unit") == "industry")
        .select(pl.col("code").alias("industry"), pl.col("complexity").alias("pci"))
    )
    return density.join(pci, on="industry", how="left").join(_market(facts, year), on="industry", how="left")


def _market(facts: pl.DataFrame, year: int) -> pl.DataFrame:
    """National revenue of each industry in ``year`` and its CAGR since the first year."""
    per_year = facts.group_by("industry", "year").agg(pl.col("revenue").sum())
    first = int(per_year["year"].min()) if per_year.height else year
    span = year - first
    wide = per_year.filter(pl.col("year").is_in([first, year])).pivot(
        on="year", index="industry", values="revenue"
    )
    now, then = str(year), str(first)
    if span <= 0 or then not in wide.columns or now not in wide.columns:
        return wide.select(
            "industry",
            pl.col(now).alias("market") if now in wide.columns else pl.lit(None).alias("market"),
            pl.lit(None, pl.Float64).alias("growth"),
        )
    growth = pl.when(pl.col(then) > 0).then((pl.col(now) / pl.col(then)) ** (1 / span) - 1)
    return wide.select("industry", pl.col(now).alias("market"), growth.alias("growth"))


def _gap_industries(analysis: ChainAnalysis, template: ChainTemplate, cfg: Mapping[str, Any]) -> pl.DataFrame:
    rows = []
    for status in analysis.segments:
        severity = cfg["gap_severity"].get(status.status, 0.0)
        if severity <= 0:
            continue
        segment = template.segment(status.id)
        names = dict(zip(segment.industries, segment.industry_names, strict=False))
        for code in segment.industries:
            if status.status == "missing" and analysis.industry_firms.get(code, 0) > 0:
                continue  # the code is shared with a segment the county has: no firm to attract by it
            rows.append(
                {
                    "industry": code,
                    "name": names.get(code, ""),
                    "segment": status.name,
                    "segment_en": status.name_en or status.name,
                    "stage": status.stage,
                    "status": status.status,
                    "gap": severity,
                    "gap_reason": status.reason,
                    "gap_reason_en": status.reason_en or status.reason,
                }
            )
    schema = {
        "industry": pl.String,
        "name": pl.String,
        "segment": pl.String,
        "segment_en": pl.String,
        "stage": pl.String,
        "status": pl.String,
        "gap": pl.Float64,
        "gap_reason": pl.String,
        "gap_reason_en": pl.String,
    }
    return pl.DataFrame(rows, schema=schema).unique("industry", keep="first", maintain_order=True)


def _percentile(column: str) -> pl.Expr:
    """Share of the industries with a lower value (ties half), in [0, 1]; null stays null."""
    n = pl.col(column).count()
    return ((pl.col(column).rank("average") - 0.5) / n).alias(f"{column}_pct")


def _rank_industries(gaps: pl.DataFrame, national: pl.DataFrame, cfg: Mapping[str, Any]) -> pl.DataFrame:
    scored = national.with_columns(*[_percentile(c) for c in ("density", "pci", "growth", "market")])
    out = gaps.join(scored, on="industry", how="left")
    w = cfg["weights"]
    parts = {
        "gap": pl.col("gap"),
        "density": pl.col("density_pct"),
        "pci": pl.col("pci_pct"),
        "growth": pl.col("growth_pct"),
        "market": pl.col("market_pct"),
    }
    weighted = [parts[k].fill_null(0.0) * w[k] for k in parts]
    out = out.with_columns((pl.sum_horizontal(weighted) / sum(w.values())).alias("score"))
    out = out.sort(["score", "industry"], descending=[True, False]).with_row_index("rank", offset=1)
    rows = list(out.iter_rows(named=True))
    return out.with_columns(
        pl.Series("reason", [_industry_reason(r) for r in rows], dtype=pl.String),
        pl.Series("reason_en", [_industry_reason(r, "en") for r in rows], dtype=pl.String),
    )


REASONS: dict[str, dict[str, str]] = {
    "zh": {
        "gap": "{status}（{segment}：{gap_reason}）",
        "density": "与本县现有产业的关联密度{density:.2f}（高于{density_pct:.0%}的行业）",
        "no_density": "关联密度未知（该行业在登记数据中没有企业）",
        "pci": "产业复杂度 PCI {pci:.2f}（高于{pci_pct:.0%}的行业）",
        "growth": "全国营业收入年均增长{growth:.1%}",
        "market": "市场规模{market}",
        "firm": "{industry}；营业收入{revenue}（高于{revenue_pct:.0%}的候选企业）",
        "firm_growth": "年均增长{growth:.1%}",
        "leverage": "资产负债率{leverage:.0%}",
        "km": "距本县约{km:.0f}公里",
        "join": "；",
    },
    "en": {
        "gap": "{status} ({segment}: {gap_reason})",
        "density": "relatedness density to the county's industries {density:.2f} "
                   "(above {density_pct:.0%} of industries)",
        "no_density": "relatedness density unknown (no firm of the industry in the registry)",
        "pci": "product complexity PCI {pci:.2f} (above {pci_pct:.0%} of industries)",
        "growth": "national revenue growth {growth:.1%} a year",
        "market": "market size {market}",
        "firm": "industry {industry}; revenue {revenue} (above {revenue_pct:.0%} of the candidates)",
        "firm_growth": "growth {growth:.1%} a year",
        "leverage": "liabilities {leverage:.0%} of assets",
        "km": "about {km:.0f} km from the county",
        "join": "; ",
    },
}
"""The wording of the reasons for whom to attract, per language; the numbers come from the row."""


def _industry_reason(row: Mapping[str, Any], lang: str = "zh") -> str:
    """Why an industry is proposed: its chain gap, relatedness, complexity, growth and market."""
    words, english = REASONS[lang], lang == "en"
    values = {**row, "status": (STATUS_EN if english else STATUS_ZH)[row["status"]],
              "segment": row["segment_en" if english else "segment"],
              "gap_reason": row["gap_reason_en" if english else "gap_reason"],
              "market": None if row["market"] is None else format_money(row["market"], lang=lang)}
    parts = ["gap", "density" if row["density"] is not None else "no_density"]
    parts += [key for key in ("pci", "growth", "market") if row[key] is not None]
    return words["join"].join(words[key].format(**values) for key in parts)


def quadrant(national: pl.DataFrame, template: ChainTemplate | None, cfg: Mapping[str, Any]) -> pl.DataFrame:
    """Presence (RCA) against relatedness density for every industry; labels per quadrant.

    The density split is the median density of the industries the county does not have; an
    industry with RCA ≥ 1 is present.
    """
    absent = national.filter(pl.col("mcp") == 0)["density"].drop_nulls()
    split = float(absent.median()) if absent.len() else 0.0
    present = pl.col("mcp") == 1
    related = pl.col("density") >= split
    label = (
        pl.when(present & related)
        .then(pl.lit(cfg["quadrant_labels"]["present_related"]))
        .when(present)
        .then(pl.lit(cfg["quadrant_labels"]["present_isolated"]))
        .when(related)
        .then(pl.lit(cfg["quadrant_labels"]["possible_entrant"]))
        .otherwise(pl.lit(cfg["quadrant_labels"]["distant"]))
    )
    chain = set(template.industries) if template else set()
    return national.with_columns(
        label.alias("quadrant"),
        pl.col("industry").is_in(list(chain)).alias("in_chain"),
        pl.lit(split).alias("density_split"),
    ).sort("industry")


def outside_firms(
    tables: Tables,
    region: str,
    industries: Sequence[str],
    year: int,
    config: Mapping[str, Any] | None = None,
    boundaries: Any = None,
    names: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """Firms outside county ``region`` in ``industries``, ranked, each with its reason."""
    cfg = {**attract_defaults(), **(config or {})}
    firms = tables["enterprises"].filter(
        pl.col("industry").is_in(list(industries)) & (pl.col("region") != region) & pl.col("closed").is_null()
    )
    facts = _firm_facts(tables["enterprise_years"], firms["uscc"], year, cfg["growth_years"])
    firms = firms.select("uscc", "name", "region", "industry").join(facts, on="uscc", how="inner")
    firms = firms.with_columns(
        pl.Series("km", _distances(region, firms["region"].to_list(), boundaries), dtype=pl.Float64)
    )
    firms = firms.with_columns((-pl.col("km")).alias("nearness"), (1 - pl.col("leverage")).alias("soundness"))
    w = cfg["firm_weights"]
    keys = {"size": "revenue", "growth": "growth", "soundness": "soundness", "nearness": "nearness"}
    firms = firms.with_columns(*[_percentile(c) for c in keys.values()])
    score = pl.sum_horizontal([pl.col(f"{c}_pct").fill_null(0.0) * w[k] for k, c in keys.items()]) / sum(
        w.values()
    )
    firms = firms.with_columns(score.alias("score")).sort(["score", "uscc"], descending=[True, False])
    firms = firms.group_by("industry", maintain_order=True).head(cfg["firms_per_industry"])
    firms = firms.sort(["score", "uscc"], descending=[True, False]).with_row_index("rank", offset=1)
    labels = names or {}
    rows = list(firms.iter_rows(named=True))
    return firms.with_columns(
        pl.Series("reason", [_firm_reason(r, labels) for r in rows], dtype=pl.String),
        pl.Series("reason_en", [_firm_reason(r, labels, "en") for r in rows], dtype=pl.String),
    )


def _firm_facts(years: pl.DataFrame, usccs: pl.Series, year: int, window: int) -> pl.DataFrame:
    """Revenue, employees and leverage in ``year``, and the revenue CAGR over the ``window`` years
    before it (null for a firm without revenue at the start: a young firm's first partial year
    would make any growth rate look spectacular)."""
    mine = years.filter(pl.col("uscc").is_in(usccs.implode()) & pl.col("year").is_in([year - window, year]))
    now = mine.filter(pl.col("year") == year).select(
        "uscc", "revenue", "employees", (pl.col("liabilities") / pl.col("total_assets")).alias("leverage")
    )
    start = mine.filter((pl.col("year") == year - window) & (pl.col("revenue") > 0)).select(
        "uscc", pl.col("revenue").alias("start_revenue")
    )
    out = now.filter(pl.col("revenue") > 0).join(start, on="uscc", how="left")
    growth = (pl.col("revenue") / pl.col("start_revenue")) ** (1 / window) - 1
    return out.with_columns(growth.alias("growth")).drop("start_revenue")


def _distances(region: str, places: list[str], boundaries: Any) -> list[float | None]:
    """Great-circle km between county centroids (``None`` where a county has no polygon)."""
    from jiqun.indicators.spatial import distance_km, region_centroids

    centroids = region_centroids(sorted({region, *places}), boundaries)
    if region not in centroids or not places:
        return [None] * len(places)
    known = [p for p in places if p in centroids]
    km = dict(zip(known, distance_km(centroids[region], [centroids[p] for p in known]).tolist(), strict=True))
    return [km.get(p) for p in places]


def _firm_reason(row: Mapping[str, Any], names: Mapping[str, str], lang: str = "zh") -> str:
    """Why a firm outside the county is proposed: its size, growth, soundness and distance."""
    words = REASONS[lang]
    industry = (row["industry"] if lang == "en"
                else f"{row['industry']} {names.get(row['industry'], '')}".strip())
    values = {**row, "industry": industry, "revenue": format_money(row["revenue"], lang=lang)}
    optional = (("firm_growth", "growth"), ("leverage", "leverage"), ("km", "km"))
    parts = ["firm", *[key for key, column in optional if row[column] is not None]]
    return words["join"].join(words[key].format(**values) for key in parts)


def _names(template: ChainTemplate) -> dict[str, str]:
    return {
        code: name
        for s in template.segments
        for code, name in zip(s.industries, s.industry_names, strict=False)
        if name
    }
