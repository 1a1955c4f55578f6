"""Chinese text of chain analyses, attraction rankings and project pipelines (for the CLI and reports)."""

from __future__ import annotations

from jiqun.chains.analysis import ChainAnalysis
from jiqun.chains.attract import Attraction
from jiqun.chains.projects import Pipeline
from jiqun.chains.templates import STAGE_NAMES, ChainTemplate
from jiqun.money import format_money


def _rate(value: float | None) -> str:
    return "未知" if value is None else f"{value:.1%}"


def chain_text(analysis: ChainAnalysis, region_name: str = "") -> str:
    """The chain link by link, grouped by stage, with the reason for each status."""
    where = f"{region_name}（{analysis.region}）" if region_name else analysis.region
    lines = [
        f"{where} {analysis.year}年 {analysis.template_name}产业链",
        f"本地配套率 {_rate(analysis.local_rate)}（本链企业采购 {format_money(analysis.purchases)}，"
        f"其中县内 {format_money(analysis.local_purchases)}）；"
        f"环节覆盖率 {analysis.coverage:.0%}",
    ]
    for stage in ("upstream", "midstream", "downstream", "services"):
        segments = [s for s in analysis.segments if s.stage == stage]
        if not segments:
            continue
        lines.append(f"【{STAGE_NAMES[stage]}】")
        for s in segments:
            fills = f"（补链项目：{'、'.join(s.projects)}）" if s.projects else ""
            lines.append(f"  {s.status_zh:　<3} {s.name}：{s.reason}{fills}")
    gaps = [
        (label, analysis.by_status(status))
        for status, label in (("missing", "缺链"), ("broken", "断链"), ("weak", "弱链"))
    ]
    summary = "；".join(f"{label} {len(items)} 个" for label, items in gaps)
    lines.append(f"合计：{summary}")
    lines += [f"注：{note}" for note in analysis.notes]
    return "\n".join(lines)


def attraction_text(result: Attraction, top: int = 10) -> str:
    """The best-ranked industries and firms, each with its reason, and the quadrant counts."""
    lines = ["补链招商：行业排序（缺链程度、关联密度、吸引力）"]
    for row in result.industries.head(top).iter_rows(named=True):
        lines.append(
            f"  {row['rank']}. {row['industry']} {row['name']}（得分 {row['score']:.2f}）：{row['reason']}"
        )
    lines.append("目标企业（县外，规模、成长、财务稳健、距离）")
    for row in result.firms.head(top).iter_rows(named=True):
        lines.append(
            f"  {row['rank']}. {row['name']}（{row['region']}，得分 {row['score']:.2f}）：{row['reason']}"
        )
    counts = result.quadrant.group_by("quadrant").len().sort("quadrant").rows()
    lines.append("象限（有无比较优势 × 关联密度）：" + "；".join(f"{q} {n} 个行业" for q, n in counts))
    lines += [f"注：{note}" for note in result.notes]
    return "\n".join(lines)


def pipeline_text(result: Pipeline, links: dict[str, str] | None = None) -> str:
    """Projects by cluster and stage: counts, investment, expected output."""
    lines = [f"{result.region} 重点项目"]
    for cluster in (*result.clusters, result.total):
        lines.append(f"【{cluster.label('zh')}】")
        for stage in (*cluster.stages, cluster.total):
            if not stage.projects:
                continue
            lines.append(
                f"  {stage.label('zh')}：{stage.projects} 个，"
                f"计划投资 {format_money(stage.planned_investment)}，"
                f"预计新增产值 {format_money(stage.expected_output)}"
            )
    if links:
        lines.append("项目所补的产业链环节：")
        lines += [f"  {name}：{segment}" for name, segment in links.items()]
    if result.missing:
        lines.append("注：所有项目都没有填写：" + "、".join(result.missing))
    return "\n".join(lines)


def templates_text(templates: dict[str, ChainTemplate]) -> str:
    """One line per template: id, name, aliases and its number of segments by stage."""
    lines = []
    for template in templates.values():
        stages = "、".join(
            f"{STAGE_NAMES[s]} {len(template.by_stage(s))}"
            for s in ("upstream", "midstream", "downstream", "services")
        )
        aliases = "、".join(template.aliases)
        lines.append(f"{template.id}：{template.name_zh}（{aliases}）— {stages}")
    return "\n".join(lines)


def template_text(template: ChainTemplate) -> str:
    """A template's segments by stage with their industry codes and what they feed."""
    lines = [f"{template.name_zh}（{template.id}）", template.description, f"依据：{template.source}"]
    for stage in ("upstream", "midstream", "downstream", "services"):
        segments = template.by_stage(stage)
        if segments:
            lines.append(f"【{STAGE_NAMES[stage]}】")
        for s in segments:
            codes = "、".join(
                f"{c} {n}".strip()
                for c, n in zip(s.industries, s.industry_names or [""] * len(s.industries), strict=False)
            )
            feeds = f" → {'、'.join(s.supplies)}" if s.supplies else ""
            lines.append(f"  {s.id} {s.name_zh}{'（核心）' if s.core else ''}：{codes}{feeds}")
    return "\n".join(lines)
