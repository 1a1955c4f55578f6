"""Build the cluster survey report of a county from the registry: every number computed.

The report follows seed 4's outline — 现状, 存在的主要问题, 发展阶段与方向, 对策建议 — and draws
every figure from the analyses of issues 4–6 (identification and diagnosis, chain analysis and
attraction, key projects and targets). Each number in a paragraph is a :class:`Fact`, so that it
can be traced; the appendix lists every metric, the data coverage, what is missing and the hash
of each configuration used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import polars as pl
import yaml

from jiqun import __version__
from jiqun.chains.analysis import ChainAnalysis, analyse_chain
from jiqun.chains.attract import Attraction, attract_defaults, attraction, industry_table
from jiqun.chains.projects import TargetTracking, pipeline, track_target
from jiqun.chains.templates import ChainTemplate, load_templates, template_for
from jiqun.clusters.diagnose import ClusterDiagnosis, diagnose, latest_year
from jiqun.clusters.i18n import label, number
from jiqun.clusters.identify import Cluster, rate_cells
from jiqun.codes.regions import RegionCodebook
from jiqun.money import format_money
from jiqun.report.model import Chart, Fact, Lang, Paragraph, Report, Section, Series, Table
from jiqun.report.phrases import phrase

Tables = Mapping[str, pl.DataFrame]
YI = 1e8
STATUS_ORDER = ("present", "weak", "broken", "missing")


def build_reports(
    tables: Tables,
    region: str,
    region_name: str,
    year: int | None = None,
    *,
    cluster: str | None = None,
    lang: Lang = "zh",
    seed: int = 20261127,
    industry_names: Mapping[str, str] | None = None,
) -> list[Report]:
    """One report per cluster of the county (or only ``cluster``); a county without clusters gets
    one report that says what is there and what is missing.

    ``industry_names`` (code → name) names a cluster that no chain template fits; the shipped
    templates' official class names are used where it has none.
    """
    year = year or latest_year(tables)
    names = {**_template_industry_names(), **(industry_names or {})}
    diagnosis = diagnose(
        tables, region, year, cluster=cluster, industry_names=names, rng=np.random.default_rng(seed)
    )
    if not diagnosis.clusters:
        return [_county_report(tables, region, region_name, year, lang)]
    rated = rate_cells(tables, year)
    national = industry_table(tables, region, year, attract_defaults()["measure"])
    return [
        _cluster_report(tables, item, region_name, year, lang, rated, national) for item in diagnosis.clusters
    ]


# --------------------------------------------------------------------------- facts


class _Facts:
    """Builds paragraphs whose numbers are facts: ``fx("key", value, unit)`` returns the text."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang
        self.cited: list[Fact] = []

    def __call__(self, key: str, value: float | None, unit: str, source: str = "") -> str:
        text = number(value, unit, self.lang)
        self.cited.append(Fact(key, value, unit, text, source))
        return text

    def paragraph(self, text: str, style: str = "body") -> Paragraph:
        facts, self.cited = self.cited, []
        return Paragraph(text, [f for f in facts if f.value is not None and f.text in text], style)  # type: ignore[arg-type]


def _metric(fx: _Facts, item: ClusterDiagnosis, key: str) -> str:
    metric = item.profile.metrics.get(key)
    if metric is None:
        return number(None, "", fx.lang)
    unit = "比例" if metric.unit == "比例/年" else metric.unit  # the sentence says "a year" itself
    return fx(f"profile.{key}", metric.value, unit, f"profile:{key}")


def _sentence(fx: _Facts, item: ClusterDiagnosis, key: str, **slots: str) -> str:
    """Phrase ``key`` with each slot filled by a profile metric (``slot="metric key"``), as facts."""
    return phrase(key, fx.lang).format(**{slot: _metric(fx, item, metric) for slot, metric in slots.items()})


def _metric_label(item: ClusterDiagnosis, key: str, lang: Lang) -> str:
    metric = item.profile.metrics[key]
    return label("metrics", key, metric.label, lang)


# --------------------------------------------------------------------------- the cluster report


def _cluster_report(
    tables: Tables,
    item: ClusterDiagnosis,
    region_name: str,
    year: int,
    lang: Lang,
    rated: pl.DataFrame,
    national: pl.DataFrame,
) -> Report:
    region = item.profile.region
    template = load_templates().get(item.cluster.chain) if item.cluster.chain else None
    chain = analyse_chain(tables, region, template, year) if template else None
    attract = attraction(tables, chain, template, national=national) if chain and template else None
    tracking = _tracking(tables, region, item.cluster, template)
    title = phrase("title", lang).format(
        region=region_name, cluster=_cluster_name(item, template, lang), year=year
    )
    sections = [
        _summary(item, chain, tracking, lang),
        _status_section(tables, item, chain, rated, tracking, lang),
        _problems_section(item, lang),
        _direction_section(item, chain, attract, lang),
        _measures_section(tables, item, tracking, lang),
        _appendix(tables, item, chain, lang),
    ]
    hashes = {
        "profile": item.profile.config_hash,
        "stage": item.stage.config_hash,
        "problems": item.problems.config_hash,
        "criteria": item.criteria_hash,
        "identify": "",
        "chain": chain.config_hash if chain else "",
        "template": chain.template_hash if chain else "",
        "attract": attract.config_hash if attract else "",
        "projects": tracking.config_hash if tracking else "",
    }
    return Report(
        title,
        region,
        region_name,
        year,
        lang,
        sections,
        missing=[_metric_label(item, k, lang) for k in item.profile.missing],
        cluster=_cluster_name(item, template, lang),
        config_hashes={k: v for k, v in hashes.items() if v},
        generated=_stamp(),
    )


def _template_industry_names() -> dict[str, str]:
    """Official GB/T 4754 class names as the shipped chain templates give them."""
    return {
        code: name
        for template in load_templates().values()
        for segment in template.segments
        for code, name in zip(segment.industries, segment.industry_names, strict=False)
        if name
    }


def _cluster_name(item: ClusterDiagnosis, template: ChainTemplate | None, lang: Lang) -> str:
    """The cluster's name; in English its chain template's English name when it has one."""
    if lang == "en" and template is not None and template.name_en:
        return template.name_en
    return item.cluster.name


def _template_name(chain: ChainAnalysis, lang: Lang) -> str:
    if lang == "en":
        found = load_templates().get(chain.template_id)
        if found is not None and found.name_en:
            return found.name_en
    return chain.template_name


def _stamp() -> str:
    return f"jiqun {__version__}, {dt.date.today().isoformat()}"


def _tracking(
    tables: Tables, region: str, cluster: Cluster, template: ChainTemplate | None
) -> TargetTracking | None:
    """The cluster's output target, if the county has one under any name that maps to its chain."""
    targets = tables["cluster_targets"].filter(pl.col("region") == region)
    for name in targets["cluster"].unique().sort().to_list():
        same = name == cluster.name or (
            template is not None
            and (template_for(name) or template).id == template.id
            and template_for(name) is not None
        )
        if same:
            industries = template.core_industries if template else cluster.industries
            return track_target(tables, region, name, industries)
    return None


def _reached(ladder: Any, lang: Lang) -> str:
    """The level a ladder reached, in ``lang`` (or "below the first")."""
    if not ladder.reached_label:
        return phrase("no_stage", lang)
    return label("levels", ladder.reached or "", ladder.reached_label, lang)


def _summary(
    item: ClusterDiagnosis, chain: ChainAnalysis | None, tracking: TargetTracking | None, lang: Lang
) -> Section:
    fx = _Facts(lang)
    c = item.cluster
    text = phrase("summary", lang).format(
        cluster=_cluster_name(item, load_templates().get(c.chain) if c.chain else None, lang),
        firms=_metric(fx, item, "firms"),
        revenue=_metric(fx, item, "revenue"),
        share=_metric(fx, item, "county_revenue_share"),
        lq=fx("cluster.lq", c.lq, "", "indicators:lq"),
        stage=_reached(item.stage, lang),
        radiation=_reached(item.radiation, lang),
        problems=fx("problems.found", len(item.problems.found), "个", "problems"),
        measures=fx("measures.proposed", len(item.problems.measures), "个", "problems"),
    )
    blocks = [fx.paragraph(text)]
    if chain is not None:
        blocks.append(
            fx.paragraph(
                phrase("summary_chain", lang).format(
                    coverage=fx("chain.coverage", chain.coverage, "比例", "chain"),
                    local=fx("chain.local_rate", chain.local_rate, "比例", "chain"),
                    missing=fx("chain.missing", len(chain.by_status("missing")), "个", "chain"),
                )
            )
        )
    if tracking is not None and tracking.target is not None:
        blocks.append(_tracking_paragraph(tracking, lang))
    return Section(phrase("summary_title", lang), blocks)


def _tracking_paragraph(tracking: TargetTracking, lang: Lang) -> Paragraph:
    """The target statement, citing the target, the forecast and the gap as facts."""
    text = tracking.statement(lang)
    digits = tracking.money_digits.get(lang, 1)
    candidates = [
        ("target.output", tracking.target.output if tracking.target else None),
        ("target.forecast", tracking.forecast),
        ("target.trend", tracking.trend_forecast),
        ("target.pipeline", tracking.pipeline_contribution),
        ("target.gap", tracking.gap),
    ]
    facts = []
    for key, value in candidates:
        if value is None:
            continue
        for shown in (
            format_money(value, lang=lang, digits=digits),
            format_money(value, lang=lang, digits=0),
        ):
            if shown in text:
                facts.append(Fact(key, value, "元", shown, "key_projects, cluster_targets, enterprise_years"))
                break
    return Paragraph(text, facts)


# --------------------------------------------------------------------------- 一、现状


def _status_section(
    tables: Tables,
    item: ClusterDiagnosis,
    chain: ChainAnalysis | None,
    rated: pl.DataFrame,
    tracking: TargetTracking | None,
    lang: Lang,
) -> Section:
    return Section(
        phrase("status", lang),
        children=[
            _scale(tables, item, rated, tracking, lang),
            _tiers(item, lang),
            _leaders(item, lang),
            _products(item, lang),
            _chain_part(item, chain, lang),
            _parks(item, lang),
        ],
    )


def _scale(
    tables: Tables, item: ClusterDiagnosis, rated: pl.DataFrame, tracking: TargetTracking | None, lang: Lang
) -> Section:
    fx = _Facts(lang)
    text = _sentence(
        fx,
        item,
        "scale",
        firms="firms",
        revenue="revenue",
        output="industrial_output",
        employees="employees",
        share="county_revenue_share",
        cagr="revenue_cagr",
        above="above_size",
    )
    blocks: list[Any] = [
        fx.paragraph(text),
        _trend_chart(tables, item, tracking, lang),
        _peer_chart(item.cluster, item.profile.region, rated, lang),
    ]
    return Section(phrase("scale_title", lang), blocks)


def _cluster_revenue(tables: Tables, region: str, industries: Sequence[str]) -> pl.DataFrame:
    firms = tables["enterprises"].filter(
        (pl.col("region") == region) & pl.col("industry").is_in(list(industries))
    )
    return (
        tables["enterprise_years"]
        .join(firms.select("uscc"), on="uscc")
        .group_by("year")
        .agg(pl.col("revenue").sum())
        .sort("year")
    )


def _trend_chart(
    tables: Tables, item: ClusterDiagnosis, tracking: TargetTracking | None, lang: Lang
) -> Chart:
    per_year = _cluster_revenue(tables, item.profile.region, item.cluster.industries)
    series = [
        Series(
            phrase("revenue", lang),
            per_year["year"].to_list(),
            [v / YI if v is not None else None for v in per_year["revenue"].to_list()],
        )
    ]
    lines = []
    if tracking is not None and tracking.target is not None:
        lines.append(
            (tracking.target.output / YI, phrase("target_line", lang).format(year=tracking.target.year))
        )
        if tracking.forecast is not None and tracking.target.year not in per_year["year"].to_list():
            series.append(Series(phrase("forecast", lang), [tracking.target.year], [tracking.forecast / YI]))
    return Chart(
        "trend",
        phrase("trend_chart", lang),
        "line",
        series,
        x_label=phrase("year", lang),
        y_label=phrase("yi_yuan", lang),
        lines=lines,
        note=phrase("no_revenue", lang),
    )


def _peer_chart(cluster: Cluster, region: str, rated: pl.DataFrame, lang: Lang, peers: int = 10) -> Chart:
    """The cluster's LQ (employment) in the county and in the counties where it is most specialised."""
    group = rated.filter(pl.col("industry").is_in(cluster.industries))
    county = rated.group_by("region").agg(pl.col("employment").sum().alias("total"))
    share = float(group["employment"].sum()) / float(rated["employment"].sum())
    lq = (
        group.group_by("region")
        .agg(pl.col("employment").sum())
        .join(county, on="region")
        .with_columns((pl.col("employment") / pl.col("total") / share).alias("lq"))
        .sort("lq", descending=True)
    )
    top = lq.head(peers)
    if region not in top["region"].to_list():
        top = pl.concat([top, lq.filter(pl.col("region") == region)])
    names = [_county_label(r, region, lang) for r in top["region"].to_list()]

    return Chart(
        "peers",
        phrase("peer_chart", lang),
        "hbar",
        [Series(phrase("lq", lang), names, top["lq"].to_list())],
        x_label=phrase("lq", lang),
        lines=[(1.0, "LQ = 1")],
        note=phrase("no_data", lang),
    )


def _county_label(code: str, this: str, lang: Lang) -> str:
    """A county as a chart label: its name (GB/T 2260), this county marked."""
    found = RegionCodebook.default().get(code)
    name = found.name if found else code
    if code != this:
        return name
    return f"{name}（本县）" if lang == "zh" else f"{name} (this county)"


def _tiers(item: ClusterDiagnosis, lang: Lang) -> Section:
    fx = _Facts(lang)
    tiers = item.profile.tiers
    parts = [
        phrase("tier", lang).format(
            threshold=_threshold(t, lang), count=fx(f"tiers.{int(t)}", n, "家", "profile:tiers")
        )
        for t, n in tiers
    ]
    text = (
        phrase("tiers", lang).format(list=phrase("sep", lang).join(parts))
        if parts
        else phrase("no_tiers", lang)
    )
    rows = [[phrase("tier_label", lang).format(threshold=_threshold(t, lang)), f"{n:,}"] for t, n in tiers]
    table = Table(
        phrase("tiers_title", lang),
        [phrase("tier_col", lang), phrase("firms_col", lang)],
        rows,
        values=[[t, n] for t, n in tiers],
    )
    chart = Chart(
        "tiers",
        phrase("tiers_title", lang),
        "bar",
        [Series(phrase("firms_col", lang), [r[0] for r in rows], [float(n) for _, n in tiers])],
        y_label=phrase("firms_col", lang),
        note=phrase("no_revenue", lang),
    )
    return Section(phrase("tiers_section", lang), [fx.paragraph(text), table, chart])


def _threshold(yuan: float, lang: Lang) -> str:
    """A tier threshold as seed 4 writes it: 100万元, 1亿元 (no decimals)."""
    return format_money(yuan, lang=lang, digits=0)


def _leaders(item: ClusterDiagnosis, lang: Lang) -> Section:
    fx = _Facts(lang)
    text = _sentence(
        fx,
        item,
        "leaders",
        cr4="leaders_share",
        largest="largest_revenue",
        over="firms_over_100m",
        growth="growth_firms",
        specialised="specialised",
        high_tech="high_tech",
    )
    rows = [
        [str(k), d["name"], number(d["revenue"], "元", lang), number(d["share"], "比例", lang)]
        for k, d in enumerate(item.profile.leaders[:10], 1)
    ]
    table = Table(
        phrase("leaders_title", lang),
        [phrase(c, lang) for c in ("rank", "firm", "revenue", "share")],
        rows,
        values=[[k, d["name"], d["revenue"], d["share"]] for k, d in enumerate(item.profile.leaders[:10], 1)],
    )
    return Section(phrase("leaders_section", lang), [fx.paragraph(text), table])


def _products(item: ClusterDiagnosis, lang: Lang) -> Section:
    fx = _Facts(lang)
    text = _sentence(
        fx,
        item,
        "products",
        exporters="exporters",
        exports="exports",
        dependence="export_dependence",
        new="new_products",
        outside_in="inputs_outside_province_share",
        outside_out="sales_outside_share",
    )
    return Section(phrase("products_section", lang), [fx.paragraph(text)])


def _chain_part(item: ClusterDiagnosis, chain: ChainAnalysis | None, lang: Lang) -> Section:
    fx = _Facts(lang)
    text = _sentence(
        fx,
        item,
        "supporting",
        local="local_sourcing_rate",
        supporting="local_supporting_firms",
        per_firm="suppliers_per_firm",
    )
    blocks: list[Any] = [fx.paragraph(text)]
    if chain is None:
        blocks.append(Paragraph(phrase("no_template", lang), style="note"))
        return Section(phrase("chain_section", lang), blocks)
    blocks.append(
        fx.paragraph(
            phrase("chain", lang).format(
                name=_template_name(chain, lang),
                coverage=fx("chain.coverage", chain.coverage, "比例", "chain"),
                local=fx("chain.local_rate", chain.local_rate, "比例", "chain"),
            )
        )
    )
    rows, values = [], []
    for s in chain.segments:
        status = phrase(s.status, lang)
        name, reason = (s.name_en or s.name, s.reason_en) if lang == "en" else (s.name, s.reason)
        rows.append(
            [
                phrase(s.stage, lang),
                name,
                f"{s.firms:,}",
                number(s.purchases, "元", lang),
                number(s.local_rate, "比例", lang),
                status,
                reason,
            ]
        )
        values.append([phrase(s.stage, lang), name, s.firms, s.purchases, s.local_rate, status, reason])
    blocks.append(
        Table(
            phrase("chain_title", lang),
            [
                phrase(c, lang)
                for c in (
                    "stage",
                    "segment",
                    "local_firms",
                    "purchases",
                    "local_rate",
                    "status_col",
                    "reason",
                )
            ],
            rows,
            values,
        )
    )
    blocks.append(_chain_chart(chain, lang))
    return Section(phrase("chain_section", lang), blocks)


def _chain_chart(chain: ChainAnalysis, lang: Lang) -> Chart:
    stages = [
        s
        for s in ("upstream", "midstream", "downstream", "services")
        if any(x.stage == s for x in chain.segments)
    ]
    series = [
        Series(
            phrase(status, lang),
            [phrase(s, lang) for s in stages],
            [float(sum(1 for x in chain.segments if x.stage == s and x.status == status)) for s in stages],
        )
        for status in STATUS_ORDER
    ]
    return Chart(
        "chain", phrase("chain_chart", lang), "stacked_bar", series, y_label=phrase("segments", lang)
    )


def _parks(item: ClusterDiagnosis, lang: Lang) -> Section:
    fx = _Facts(lang)
    text = _sentence(
        fx,
        item,
        "parks",
        in_parks="firms_in_parks",
        per_mu="revenue_per_mu",
        platforms="public_platforms",
        missing="provider_kinds_missing",
        municipal="brands_municipal_or_higher",
        national="brands_national",
    )
    blocks = [fx.paragraph(text)]
    if item.profile.missing_provider_kinds:
        kinds = phrase("sep", lang).join(
            label("provider_kinds", k, _kind_names()["provider_kinds"].get(k, k), lang)
            for k in item.profile.missing_provider_kinds
        )
        blocks.append(Paragraph(phrase("missing_kinds", lang).format(kinds=kinds)))
    return Section(phrase("parks_section", lang), blocks)


# --------------------------------------------------------------------------- 二、问题


def _problems_section(item: ClusterDiagnosis, lang: Lang) -> Section:
    blocks: list[Any] = []
    for finding in item.problems.found:
        fx = _Facts(lang)
        evidence = phrase("sep", lang).join(
            f"{label('metrics', k, m.label, lang)} {fx(f'profile.{k}', m.value, m.unit, f'profile:{k}')}"
            for k, m in finding.evidence.items()
            if m.value is not None
        )
        head = label("problems", finding.key, finding.label, lang)
        blocks.append(fx.paragraph(f"{head}{phrase('colon', lang)}{evidence}", style="bullet"))
    if not blocks:
        blocks.append(Paragraph(phrase("no_problems", lang)))
    unjudged = [
        label("problems", f.key, f.label, lang) for f in item.problems.findings if f.status == "not_judged"
    ]
    if unjudged:
        blocks.append(
            Paragraph(
                phrase("not_judged", lang).format(list=phrase("sep", lang).join(unjudged)), style="note"
            )
        )
    return Section(phrase("problems", lang), blocks)


# --------------------------------------------------------------------------- 三、阶段与方向


def _direction_section(
    item: ClusterDiagnosis, chain: ChainAnalysis | None, attract: Attraction | None, lang: Lang
) -> Section:
    blocks: list[Any] = []
    for ladder in (item.stage, item.radiation):
        fx = _Facts(lang)
        reached = _reached(ladder, lang)
        blockers = phrase("sep", lang).join(
            f"{label('indicators', s.metric, s.label, lang)} "
            f"{fx(f'stage.{s.metric}', s.value, s.unit, 'stage')}"
            f"（{phrase('threshold', lang)} {number(s.threshold, s.unit, lang)}）"
            for s in ladder.blockers
        )
        text = phrase(f"ladder_{ladder.name}", lang).format(reached=reached) + (
            phrase("blockers", lang).format(list=blockers) if blockers else ""
        )
        blocks.append(fx.paragraph(text))
        blocks.append(_ladder_table(ladder, lang))
    if chain is not None:
        gaps = [s for s in chain.segments if s.status != "present" and not (s.core and s.firms)]
        if gaps:
            blocks.append(
                Paragraph(
                    phrase("gaps", lang).format(
                        list=phrase("sep", lang).join(
                            f"{s.name}（{s.status_zh}）"
                            if lang == "zh"
                            else f"{s.name_en or s.name} ({phrase(s.status, lang)})"
                            for s in gaps
                        )
                    )
                )
            )
    if attract is not None and attract.industries.height:
        blocks += _attraction_blocks(attract, lang)
    return Section(phrase("direction", lang), blocks)


def _ladder_table(ladder: Any, lang: Lang) -> Table:
    rows, values = [], []
    for level in ladder.levels:
        name = label("levels", level.key, level.label, lang)
        score = "" if level.score is None else f"{level.score:.2f}"
        rows.append([name, score, f"{level.confidence:.0%}", phrase("yes" if level.reached else "no", lang)])
        values.append([name, level.score, level.confidence, level.reached])
    return Table(
        phrase(f"ladder_{ladder.name}_title", lang),
        [phrase(c, lang) for c in ("level", "score", "confidence", "reached")],
        rows,
        values,
    )


def _attraction_blocks(attract: Attraction, lang: Lang, top: int = 8) -> list[Any]:
    industries = [
        [r["rank"], f"{r['industry']} {r['name']}", phrase(r["status"], lang), r["score"],
         r["reason_en" if lang == "en" else "reason"]]
        for r in attract.industries.head(top).iter_rows(named=True)
    ]
    table = Table(
        phrase("attract_title", lang),
        [phrase(c, lang) for c in ("rank", "industry", "status_col", "score", "reason")],
        [[str(v[0]), v[1], v[2], f"{v[3]:.2f}", v[4]] for v in industries],
        values=industries,
    )
    firms = [
        [r["rank"], r["name"], _county_label(r["region"], "", lang), r["score"],
         r["reason_en" if lang == "en" else "reason"]]
        for r in attract.firms.head(top).iter_rows(named=True)
    ]
    firm_table = Table(
        phrase("firms_title", lang),
        [phrase(c, lang) for c in ("rank", "firm", "region", "score", "reason")],
        [[str(v[0]), v[1], v[2], f"{v[3]:.2f}", v[4]] for v in firms],
        values=firms,
    )
    return [table, _quadrant_chart(attract, lang), firm_table]


def _quadrant_chart(attract: Attraction, lang: Lang) -> Chart:
    q = attract.quadrant.filter(pl.col("density").is_not_null() & pl.col("rca").is_not_null())
    chosen = set(attract.industries.head(8)["industry"].to_list())
    series = []
    for in_chain, name in (
        (True, phrase("chain_industries", lang)),
        (False, phrase("other_industries", lang)),
    ):
        part = q.filter(pl.col("in_chain") == in_chain)
        series.append(
            Series(
                name,
                part["density"].to_list(),
                [max(v, 0.0) for v in part["rca"].to_list()],
                [i if i in chosen else "" for i in part["industry"].to_list()],
            )
        )
    split = float(q["density_split"][0]) if q.height else 0.0
    return Chart(
        "quadrant",
        phrase("quadrant_chart", lang),
        "scatter",
        series,
        x_label=phrase("density", lang),
        y_label="RCA",
        lines=[(1.0, "RCA = 1")],
        vlines=[(split, phrase("split", lang))],
        note=phrase("no_data", lang),
    )


# --------------------------------------------------------------------------- 四、对策建议


def _measures_section(
    tables: Tables, item: ClusterDiagnosis, tracking: TargetTracking | None, lang: Lang
) -> Section:
    blocks: list[Any] = []
    for measure in item.problems.measures:
        fx = _Facts(lang)
        head = label("measures", measure.key, measure.label, lang)
        target = label("measure_targets", measure.key, measure.text, lang)
        current = fx(
            f"measure.{measure.key}",
            measure.current,
            item.profile.metrics[measure.target_metric].unit
            if measure.target_metric in item.profile.metrics
            else "",
            "profile",
        )
        blocks.append(
            fx.paragraph(phrase("measure", lang).format(head=head, target=target, current=current), "bullet")
        )
    if not blocks:
        blocks.append(Paragraph(phrase("no_measures", lang)))
    blocks += _projects_blocks(tables, item, tracking, lang)
    return Section(phrase("measures", lang), blocks)


def _projects_blocks(
    tables: Tables, item: ClusterDiagnosis, tracking: TargetTracking | None, lang: Lang
) -> list[Any]:
    if tracking is None:
        return []
    result = pipeline(tables, item.profile.region, tracking.cluster)
    stages = [s for s in result.total.stages if s.projects]
    blocks: list[Any] = [_tracking_paragraph(tracking, lang)]
    if stages:
        blocks.append(
            Chart(
                "pipeline",
                phrase("pipeline_chart", lang),
                "bar",
                [
                    Series(
                        phrase("expected_output", lang),
                        [s.label(lang) for s in stages],
                        [(s.expected_output or 0.0) / YI for s in stages],
                    )
                ],
                y_label=phrase("yi_yuan", lang),
                lines=[(tracking.gap / YI, phrase("gap_line", lang))]
                if tracking.gap and tracking.gap > 0
                else [],
            )
        )
    return blocks


# --------------------------------------------------------------------------- appendix


def _appendix(tables: Tables, item: ClusterDiagnosis, chain: ChainAnalysis | None, lang: Lang) -> Section:
    rows, values = [], []
    for key, metric in item.profile.metrics.items():
        name = label("metrics", key, metric.label, lang)
        rows.append([name, number(metric.value, metric.unit, lang), key])
        values.append([name, metric.value, key])
    metrics = Table(
        phrase("metrics_title", lang), [phrase(c, lang) for c in ("indicator", "value", "key")], rows, values
    )
    coverage = _coverage_table(tables, item.profile.region, item.profile.year, lang)
    missing = [label("metrics", k, item.profile.metrics[k].label, lang) for k in item.profile.missing]
    blocks: list[Any] = [
        metrics,
        coverage,
        Paragraph(phrase("missing_data", lang).format(list=phrase("sep", lang).join(missing) or "—")),
    ]
    if chain is not None:
        blocks += [Paragraph(note, style="note") for note in chain.notes]
    return Section(phrase("appendix", lang), blocks)


COVERAGE_TABLES = (
    "enterprises",
    "enterprise_years",
    "supply_links",
    "brands",
    "parks",
    "service_providers",
    "county_finance",
    "complaints",
    "equipment_purchases",
    "key_projects",
    "cluster_targets",
)


def _coverage_table(tables: Tables, region: str, year: int, lang: Lang) -> Table:
    firms = tables["enterprises"].filter(pl.col("region") == region)["uscc"]
    rows, values = [], []
    for name in COVERAGE_TABLES:
        count = _rows_of_county(tables, name, region, firms, year)
        rows.append([_table_name(name, lang), f"{count:,}"])
        values.append([_table_name(name, lang), count])
    return Table(phrase("coverage_title", lang), [phrase("table", lang), phrase("rows", lang)], rows, values)


@cache
def _kind_names() -> dict[str, dict[str, Any]]:
    """Names of the registry's tables and of the service-provider kinds, from the import columns."""
    text = resources.files("jiqun.ingest").joinpath("columns.yaml").read_text(encoding="utf-8")
    kinds = yaml.safe_load(text)["kinds"]
    choices = kinds["service_providers"]["fields"]["kind"]["choices"]
    return {
        "tables": {k: (v["zh"], v["en"]) for k, v in kinds.items()},
        "provider_kinds": {k: words[0] for k, words in choices.items()},
    }


def _table_name(name: str, lang: Lang) -> str:
    zh, en = _kind_names()["tables"].get(name, (name, name))
    return en if lang == "en" else zh


def _rows_of_county(tables: Tables, name: str, region: str, firms: pl.Series, year: int) -> int:
    frame = tables[name]
    if "region" in frame.columns:
        return frame.filter(pl.col("region") == region).height
    if name == "enterprise_years":
        return frame.filter(pl.col("uscc").is_in(firms.implode()) & (pl.col("year") == year)).height
    if name == "supply_links":
        return frame.filter((pl.col("buyer_region") == region) | (pl.col("supplier_region") == region)).height
    return frame.filter(pl.col("uscc").is_in(firms.implode())).height


# --------------------------------------------------------------------------- a county without clusters


def _county_report(tables: Tables, region: str, region_name: str, year: int, lang: Lang) -> Report:
    firms = tables["enterprises"].filter(pl.col("region") == region)
    fx = _Facts(lang)
    revenue = (
        tables["enterprise_years"]
        .filter(pl.col("uscc").is_in(firms["uscc"].implode()) & (pl.col("year") == year))["revenue"]
        .sum()
    )
    text = phrase("no_cluster", lang).format(
        firms=fx("county.firms", firms.height, "家", "enterprises"),
        revenue=fx("county.revenue", float(revenue) if firms.height else None, "元", "enterprise_years"),
    )
    summary = Section(phrase("summary_title", lang), [fx.paragraph(text)])
    appendix = Section(phrase("appendix", lang), [_coverage_table(tables, region, year, lang)])
    title = phrase("title_county", lang).format(region=region_name, year=year)
    missing = [
        _table_name(n, lang)
        for n in COVERAGE_TABLES
        if _rows_of_county(tables, n, region, firms["uscc"], year) == 0
    ]
    return Report(
        title, region, region_name, year, lang, [summary, appendix], missing=missing, generated=_stamp()
    )
