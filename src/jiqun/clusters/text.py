"""The diagnosis as Chinese text: numbers as people write them (万元/亿元, percentages)."""

from __future__ import annotations

from jiqun.clusters.diagnose import ClusterDiagnosis, Diagnosis
from jiqun.clusters.identify import Cluster, Identification
from jiqun.clusters.profile import Metric
from jiqun.money import format_money

MEASURES = {"employees": "从业人员", "revenue": "营业收入", "industrial_output": "工业总产值"}
STRENGTH = {
    "strong10": "前10%强（strong10）",
    "strong": "强（strong）",
    "significant": "显著（significant）",
    "qualifying": "合格（qualifying）",
}


def number(value: float | None, unit: str) -> str:
    """A value in its unit: money in 万元/亿元, shares as percentages, counts as integers."""
    if value is None:
        return "（无数据）"
    if unit == "元":
        return format_money(value)
    if unit in ("比例", "比例/年"):
        return f"{value:.1%}" + ("/年" if unit == "比例/年" else "")
    if unit in ("家", "人", "件", "种", "个", "类"):
        return f"{value:,.0f} {unit}"
    return f"{value:,.2f} {unit}".rstrip()


def metric_text(metric: Metric) -> str:
    return f"{metric.label} {number(metric.value, metric.unit)}"


def cluster_line(cluster: Cluster) -> str:
    parts = [
        f"企业 {cluster.firms} 家",
        f"规模（就业）{cluster.size:,.0f}",
        f"营业收入 {format_money(cluster.revenue)}",
        f"占全县 {cluster.county_share:.1%}",
    ]
    if cluster.lq is not None:
        parts.append(f"区位熵 {cluster.lq:.2f}")
    if cluster.cmp_strength:
        parts.append(f"美国集群地图等级 {STRENGTH[cluster.cmp_strength]}")
    parts.append(f"欧洲集群星级 {cluster.stars} 星")
    if cluster.towns:
        parts.append("集中在 " + "、".join(f"{t}（{s:.0%}）" for t, s in cluster.towns))
    hot = sorted({r for spots in cluster.hot_spots.values() for r in spots})
    if hot:
        parts.append(f"周边热点县 {'、'.join(hot[:8])}")
    return f"{cluster.name}（{'、'.join(cluster.industries)}）：" + "，".join(parts)


def identification_text(found: Identification, region_name: str = "") -> str:
    measure = MEASURES.get(found.measure, found.measure)
    lines = [f"{region_name}（{found.region}）{found.year} 年识别出的产业集群（按{measure}计）"]
    if not found.clusters:
        lines.append("  未识别出产业集群：没有行业同时达到区位熵、企业数和规模的门槛。")
    lines += [f"  {k}. {cluster_line(c)}" for k, c in enumerate(found.clusters, 1)]
    for c in found.clusters:
        lines += [f"     关联依据：{why}" for why in c.links]
    lines.append(f"  配置哈希 {found.config_hash}")
    return "\n".join(lines)


def diagnosis_text(diagnosis: Diagnosis, region_name: str = "") -> str:
    lines = [identification_text(diagnosis.identification, region_name)]
    for k, item in enumerate(diagnosis.clusters, 1):
        lines += ["", f"二.{k} 集群诊断：{item.cluster.name}", *_cluster_text(item)]
    return "\n".join(lines)


def _cluster_text(item: ClusterDiagnosis) -> list[str]:
    lines = []
    for ladder, title in ((item.stage, "发展阶段"), (item.radiation, "辐射层级")):
        reached = ladder.reached_label or "尚未达到第一阶段"
        lines.append(f"  {title}：{reached}")
        for level in ladder.levels:
            score = "—" if level.score is None else f"{level.score:.2f}"
            verdict = "达到" if level.reached else "未达到"
            lines.append(f"    {level.label}：得分 {score}，数据完整度 {level.confidence:.0%}，{verdict}")
        for s in ladder.blockers:
            lines.append(
                f"    制约：{s.label} {number(s.value, s.unit)}（门槛 {number(s.threshold, s.unit)}）"
            )
    lines.append("  存在的问题：" if item.problems.found else "  未发现种子材料所列的问题。")
    for f in item.problems.found:
        evidence = "；".join(metric_text(m) for m in f.evidence.values())
        lines.append(f"    - {f.label}：{evidence}")
    unjudged = [f.label for f in item.problems.findings if f.status == "not_judged"]
    if unjudged:
        lines.append(f"  数据不足、未能判断：{'；'.join(unjudged)}")
    if item.problems.measures:
        lines.append("  对策建议：")
    for m in item.problems.measures:
        lines.append(f"    - {m.label}。目标：{m.text}（现值 {_current(item, m.target_metric)}）")
    lines.append("  中小企业特色产业集群认定条件：")
    for r in item.criteria:
        verdict = {True: "符合", False: "不符合", None: "无法判断"}[r.passed]
        lines.append(f"    - {r.label}：{number(r.value, r.unit)}，{verdict}")
    lines.append(
        f"  配置哈希：画像 {item.profile.config_hash}，阶段 {item.stage.config_hash}，"
        f"问题 {item.problems.config_hash}，认定条件 {item.criteria_hash}"
    )
    return lines


def _current(item: ClusterDiagnosis, metric: str) -> str:
    found = item.profile.metrics.get(metric)
    return number(found.value, found.unit) if found else "（无数据）"
