"""The identification and diagnosis as text, in Chinese (default) or English: numbers as people
write them (万元/亿元, percentages; CNY … million in English), labels from ``english.yaml``."""

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


WORDS: dict[str, dict[str, str]] = {
    "firms": {"zh": "企业 {0} 家", "en": "{0} firms"},
    "size": {"zh": "规模（就业）{0}", "en": "size (employment) {0}"},
    "revenue": {"zh": "营业收入 {0}", "en": "revenue {0}"},
    "share": {"zh": "占全县 {0}", "en": "{0} of the county"},
    "lq": {"zh": "区位熵 {0}", "en": "location quotient {0}"},
    "cmp": {"zh": "美国集群地图等级 {0}", "en": "US Cluster Mapping strength {0}"},
    "stars": {"zh": "欧洲集群星级 {0} 星", "en": "European Cluster Observatory stars {0}"},
    "towns": {"zh": "集中在 {0}", "en": "concentrated in {0}"},
    "hot": {"zh": "周边热点县 {0}", "en": "hot-spot counties nearby {0}"},
    "title": {"zh": "{name}（{code}）{year} 年识别出的产业集群（按{measure}计）",
              "en": "Industrial clusters of {name} ({code}) in {year} (measured by {measure})"},
    "none": {"zh": "  未识别出产业集群：没有行业同时达到区位熵、企业数和规模的门槛。",
             "en": "  No industrial cluster: no industry meets the thresholds of location quotient, "
                   "firms and size together."},
    "links": {"zh": "     关联依据：{0}", "en": "     linked because: {0}"},
    "hash": {"zh": "  配置哈希 {0}", "en": "  configuration hash {0}"},
    "diagnosis": {"zh": "二.{0} 集群诊断：{1}", "en": "2.{0} Diagnosis: {1}"},
    "stage": {"zh": "发展阶段", "en": "Stage"},
    "radiation": {"zh": "辐射层级", "en": "Radiation"},
    "below_first": {"zh": "尚未达到第一阶段", "en": "below the first level"},
    "level": {"zh": "    {0}：得分 {1}，数据完整度 {2}，{3}",
              "en": "    {0}: score {1}, data coverage {2}, {3}"},
    "reached": {"zh": "达到", "en": "reached"},
    "not_reached": {"zh": "未达到", "en": "not reached"},
    "blocker": {"zh": "    制约：{0} {1}（门槛 {2}）", "en": "    held back by: {0} {1} (threshold {2})"},
    "problems": {"zh": "  存在的问题：", "en": "  Problems:"},
    "no_problems": {"zh": "  未发现种子材料所列的问题。",
                    "en": "  None of the problems of the seed texts is found."},
    "unjudged": {"zh": "  数据不足、未能判断：{0}", "en": "  Not judged for lack of data: {0}"},
    "measures": {"zh": "  对策建议：", "en": "  Recommendations:"},
    "measure": {"zh": "    - {0}。目标：{1}（现值 {2}）", "en": "    - {0}. Target: {1} (now {2})"},
    "criteria": {"zh": "  中小企业特色产业集群认定条件：",
                 "en": "  Criteria of an SME characteristic industrial cluster:"},
    "passed": {"zh": "符合", "en": "met"},
    "failed": {"zh": "不符合", "en": "not met"},
    "not_judged": {"zh": "无法判断", "en": "not judged"},
    "hashes": {"zh": "  配置哈希：画像 {0}，阶段 {1}，问题 {2}，认定条件 {3}",
               "en": "  Configuration hashes: profile {0}, stage {1}, problems {2}, criteria {3}"},
}
MEASURES_EN = {"employees": "employees", "revenue": "revenue", "industrial_output": "industrial output"}
SEPARATOR = {"zh": ("，", "；", "、", "：", "（", "）"), "en": (", ", "; ", ", ", ": ", " (", ")")}


def _w(key: str, lang: str, *args: object, **named: object) -> str:
    return WORDS[key][lang].format(*args, **named)


def _label(kind: str, key: str, zh: str, lang: str) -> str:
    from jiqun.clusters.i18n import label  # i18n reads this module's Chinese numbers

    return label(kind, key, zh, lang)


def _number(value: float | None, unit: str, lang: str) -> str:
    from jiqun.clusters.i18n import number as number_in

    return number_in(value, unit, lang)


def metric_text(metric: Metric, key: str = "", lang: str = "zh") -> str:
    """A metric with its value: ``营业收入 1.23亿元`` (``revenue CNY 123.00 million`` in English)."""
    name = _label("metrics", key, metric.label, lang) if key else metric.label
    return f"{name} {_number(metric.value, metric.unit, lang)}"


def cluster_name(cluster: Cluster, lang: str = "zh") -> str:
    """The cluster's name; in English its chain template's English name when it has one."""
    if lang == "en" and cluster.chain:
        from jiqun.chains.templates import load_templates

        template = load_templates().get(cluster.chain)
        if template is not None and template.name_en:
            return template.name_en
    return cluster.name


def cluster_line(cluster: Cluster, lang: str = "zh") -> str:
    comma, _semi, enum, colon, left, right = SEPARATOR[lang]
    parts = [
        _w("firms", lang, cluster.firms),
        _w("size", lang, f"{cluster.size:,.0f}"),
        _w("revenue", lang, format_money(cluster.revenue, lang=lang)),
        _w("share", lang, f"{cluster.county_share:.1%}"),
    ]
    if cluster.lq is not None:
        parts.append(_w("lq", lang, f"{cluster.lq:.2f}"))
    if cluster.cmp_strength:
        strength = STRENGTH[cluster.cmp_strength] if lang == "zh" else cluster.cmp_strength
        parts.append(_w("cmp", lang, strength))
    parts.append(_w("stars", lang, cluster.stars))
    if cluster.towns:
        parts.append(_w("towns", lang, enum.join(f"{t}{left}{s:.0%}{right}" for t, s in cluster.towns)))
    hot = sorted({r for spots in cluster.hot_spots.values() for r in spots})
    if hot:
        parts.append(_w("hot", lang, enum.join(hot[:8])))
    codes = enum.join(cluster.industries)
    return f"{cluster_name(cluster, lang)}{left}{codes}{right}{colon}" + comma.join(parts)


def identification_text(found: Identification, region_name: str = "", lang: str = "zh") -> str:
    """The clusters found, a line each, with what linked their industries (Chinese or English)."""
    measure = (MEASURES if lang == "zh" else MEASURES_EN).get(found.measure, found.measure)
    lines = [_w("title", lang, name=region_name, code=found.region, year=found.year, measure=measure)]
    if not found.clusters:
        lines.append(_w("none", lang))
    lines += [f"  {k}. {cluster_line(c, lang)}" for k, c in enumerate(found.clusters, 1)]
    for c in found.clusters:
        lines += [_w("links", lang, why) for why in c.links]
    lines.append(_w("hash", lang, found.config_hash))
    return "\n".join(lines)


def diagnosis_text(diagnosis: Diagnosis, region_name: str = "", lang: str = "zh") -> str:
    """The identification, then each cluster's stage, radiation, problems, measures and criteria."""
    lines = [identification_text(diagnosis.identification, region_name, lang)]
    for k, item in enumerate(diagnosis.clusters, 1):
        lines += ["", _w("diagnosis", lang, k, cluster_name(item.cluster, lang)), *_cluster_text(item, lang)]
    return "\n".join(lines)


def _cluster_text(item: ClusterDiagnosis, lang: str) -> list[str]:
    return [*_ladders(item, lang), *_problems(item, lang), *_measures(item, lang), *_criteria(item, lang),
            _w("hashes", lang, item.profile.config_hash, item.stage.config_hash, item.problems.config_hash,
               item.criteria_hash)]


def _ladders(item: ClusterDiagnosis, lang: str) -> list[str]:
    lines = []
    colon = SEPARATOR[lang][3]
    for ladder, title in ((item.stage, "stage"), (item.radiation, "radiation")):
        reached = (_label("levels", ladder.reached or "", ladder.reached_label, lang) if ladder.reached_label
                   else _w("below_first", lang))
        lines.append(f"  {_w(title, lang)}{colon}{reached}")
        for level in ladder.levels:
            score = "—" if level.score is None else f"{level.score:.2f}"
            verdict = _w("reached" if level.reached else "not_reached", lang)
            name = _label("levels", level.key, level.label, lang)
            lines.append(_w("level", lang, name, score, f"{level.confidence:.0%}", verdict))
        for s in ladder.blockers:
            name = _label("indicators", s.metric, s.label, lang)
            value, threshold = _number(s.value, s.unit, lang), _number(s.threshold, s.unit, lang)
            lines.append(_w("blocker", lang, name, value, threshold))
    return lines


def _problems(item: ClusterDiagnosis, lang: str) -> list[str]:
    semi, colon = SEPARATOR[lang][1], SEPARATOR[lang][3]
    lines = [_w("problems" if item.problems.found else "no_problems", lang)]
    for f in item.problems.found:
        evidence = semi.join(metric_text(m, k, lang) for k, m in f.evidence.items())
        lines.append(f"    - {_label('problems', f.key, f.label, lang)}{colon}{evidence}")
    unjudged = [_label("problems", f.key, f.label, lang)
                for f in item.problems.findings if f.status == "not_judged"]
    if unjudged:
        lines.append(_w("unjudged", lang, semi.join(unjudged)))
    return lines


def _measures(item: ClusterDiagnosis, lang: str) -> list[str]:
    lines = [_w("measures", lang)] if item.problems.measures else []
    for m in item.problems.measures:
        target = _label("measure_targets", m.key, m.text, lang)
        lines.append(_w("measure", lang, _label("measures", m.key, m.label, lang), target,
                        _current(item, m.target_metric, lang)))
    return lines


def _criteria(item: ClusterDiagnosis, lang: str) -> list[str]:
    comma, colon = SEPARATOR[lang][0], SEPARATOR[lang][3]
    lines = [_w("criteria", lang)]
    for r in item.criteria:
        verdict = _w({True: "passed", False: "failed", None: "not_judged"}[r.passed], lang)
        name = _label("criteria", r.key, r.label, lang)
        lines.append(f"    - {name}{colon}{_number(r.value, r.unit, lang)}{comma}{verdict}")
    return lines


def _current(item: ClusterDiagnosis, metric: str, lang: str = "zh") -> str:
    found = item.profile.metrics.get(metric)
    if found is None:
        return "（无数据）" if lang == "zh" else "(no data)"
    return _number(found.value, found.unit, lang)
