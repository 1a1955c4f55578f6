"""Every label the diagnosis can produce has an English one (english.yaml); numbers in both languages."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from importlib import resources
from typing import Any

import numpy as np
import pytest
import yaml

from jiqun.clusters import i18n
from jiqun.clusters.criteria import criteria_defaults
from jiqun.clusters.diagnose import diagnose
from jiqun.clusters.i18n import english, english_labels, label, number, unit
from jiqun.clusters.problems import problem_defaults
from jiqun.clusters.profile import profile_defaults
from jiqun.clusters.stage import stage_defaults

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
# Units of the profile (profile.py, diagnose.py), of stage.yaml and of criteria.yaml.
UNITS = (
    "家",
    "人",
    "件",
    "种",
    "个",
    "类",
    "倍",
    "比例",
    "比例/年",
    "元",
    "元/亩",
    "件/百家",
    "家/企业",
    "天",
    "HHI",
    "平方公里",
)


def _source(name: str) -> str:
    return resources.files("jiqun.clusters").joinpath(name).read_text(encoding="utf-8")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def test_english_labels_contain_no_chinese() -> None:
    for section, entries in english_labels().items():
        for text in _strings(entries):
            assert not CJK.search(text), f"{section}: {text}"


def test_every_metric_set_in_the_source_has_an_english_label() -> None:
    keys = set(re.findall(r'\bp\.set\(\s*"(\w+)"', _source("profile.py")))
    keys |= set(re.findall(r'\bprofile\.set\(\s*"(\w+)"', _source("diagnose.py")))
    loops = r'\(\s*"(\w+)",\s*"[^"]*[\u4e00-\u9fff][^"]*"\s*\)'  # ("above_size", "规模以上企业") …
    keys |= set(re.findall(loops, _source("profile.py")))
    assert {"firms", "above_size", "mould_sharing_saving", "chain_coverage"} <= keys
    assert sorted(k for k in keys if english("metrics", k) is None) == []


def test_problems_measures_levels_indicators_and_criteria_have_english_labels() -> None:
    problems = problem_defaults()
    stage = stage_defaults()
    missing = [("problems", p["key"]) for p in problems["problems"] if english("problems", p["key"]) is None]
    for m in problems["measures"]:
        missing += [
            (kind, m["key"]) for kind in ("measures", "measure_targets") if english(kind, m["key"]) is None
        ]
        missing += [("metrics", m["target"]["metric"])] * (english("metrics", m["target"]["metric"]) is None)
    for p in problems["problems"]:
        metrics = {c["metric"] for c in p["when"]} | set(p["evidence"])
        missing += [("metrics", k) for k in metrics if english("metrics", k) is None]
    for ladder in ("stage", "radiation"):
        for level in stage[ladder]:
            missing += [("levels", level["key"])] * (english("levels", level["key"]) is None)
            missing += [
                ("indicators", i["metric"])
                for i in level["indicators"]
                if english("indicators", i["metric"]) is None
            ]
            missing += [
                ("units", i["unit"]) for i in level["indicators"] if english("units", i["unit"]) is None
            ]
    for c in criteria_defaults()["criteria"]:
        missing += [("criteria", c["key"])] * (english("criteria", c["key"]) is None)
        missing += [("units", c["unit"])] * (english("units", c["unit"]) is None)
    assert missing == []


def test_units_provider_kinds_and_tables_have_english_words() -> None:
    assert [u for u in UNITS if english("units", u) is None] == []
    profile = profile_defaults()
    kinds = set(profile["essential_provider_kinds"]) | set(profile["service_divisions"])
    columns = yaml.safe_load(
        resources.files("jiqun.ingest").joinpath("columns.yaml").read_text(encoding="utf-8")
    )
    kinds |= set(columns["kinds"]["service_providers"]["fields"]["kind"]["choices"])
    assert sorted(k for k in kinds if english("provider_kinds", k) is None) == []
    assert sorted(t for t in columns["kinds"] if english("tables", t) is None) == []
    assert {"title", "tier", "count"} <= set(english_labels()["tiers"])


def _plain_numbers(zh: str) -> list[str]:
    """Numbers of a Chinese text, except those scaled by 万/亿 (written in millions in English)."""
    return [n for n, scale in re.findall(r"(\d+(?:\.\d+)?)\s*(万|亿)?", zh) if not scale]


def test_targets_and_criteria_keep_the_numbers_of_the_chinese() -> None:
    """A number of the Chinese text is in the English one (the English may add some: 百 → 100)."""
    pairs = [(m["text"], english("measure_targets", m["key"])) for m in problem_defaults()["measures"]]
    pairs += [(c["label"], english("criteria", c["key"])) for c in criteria_defaults()["criteria"]]
    for zh, en in pairs:
        assert en is not None
        assert set(_plain_numbers(zh)) <= set(re.findall(r"\d+(?:\.\d+)?", en)), f"{zh} / {en}"


def test_label_is_chinese_in_chinese_and_english_in_english() -> None:
    assert (
        label("problems", "small_scale", "集群规模不大，没有过亿元的企业", "zh")
        == "集群规模不大，没有过亿元的企业"
    )
    assert label("levels", "agglomeration", "集聚", "en") == "agglomeration"
    assert label("levels", "inward", "向内辐射中心", "en") == "inward-radiating centre"
    assert label("measure_targets", "planning", "规划期内培育产销过亿元企业至少 1 家", "en") == (
        "Cultivate at least 1 firm with sales over CNY 100 million in the plan period"
    )
    assert label("provider_kinds", "rd", "rd", "en") == "research and development"


def test_label_fills_the_numbers_of_a_configurable_chinese_label() -> None:
    assert label("metrics", "leaders_share", "前 5 家企业营业收入占比（CR5）", "en") == (
        "Revenue share of the 5 largest firms (CR5)"
    )
    assert label("metrics", "growth_firms", "年增长 25% 以上的成长型企业", "en") == (
        "Growth firms (revenue up 25% or more in a year)"
    )
    assert label("indicators", "leaders_share", "龙头企业份额（CR4）", "en") == "Leading firms' share (CR4)"


def test_label_falls_back_to_chinese_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    i18n._warned.clear()
    with caplog.at_level(logging.WARNING, logger="jiqun.clusters.i18n"):
        assert label("metrics", "no_such_metric", "不存在的指标", "en") == "不存在的指标"
        assert label("no_such_kind", "x", "某标签", "en") == "某标签"
        assert label("metrics", "leaders_share", "龙头企业份额", "en") == "龙头企业份额"  # no numbers to fill
        assert unit("公顷", "en") == "公顷"
    assert sum("the Chinese label is used" in r.getMessage() for r in caplog.records) == 4
    assert english("metrics", "no_such_metric") is None
    with pytest.raises(ValueError, match="language"):
        label("metrics", "firms", "企业数", "fr")


@pytest.mark.parametrize(
    ("value", "unit_zh", "zh", "en"),
    [
        (212, "家", "212 家", "212 firms"),
        (1, "家", "1 家", "1 firm"),
        (1234, "人", "1,234 人", "1,234 persons"),
        (3, "个", "3 个", "3"),
        (4, "类", "4 类", "4 kinds"),
        (24, "件", "24 件", "24 items"),
        (0.123, "比例", "12.3%", "12.3%"),
        (0.04, "比例/年", "4.0%/年", "4.0% a year"),
        (123_456_789, "元", "1.23亿元", "CNY 123.46 million"),
        (2_300_000, "元", "230.00万元", "CNY 2.30 million"),
        (4_000_000_000, "元", "40.00亿元", "CNY 4.00 billion"),
        (4_500_000, "元/亩", "4,500,000.00 元/亩", "CNY 4.50 million per mu"),
        (0.5234, "家/企业", "0.52 家/企业", "0.52 per firm"),
        (12.5, "件/百家", "12.50 件/百家", "12.50 per 100 firms"),
        (12.5, "天", "12.50 天", "12.50 days"),
        (0.52, "HHI", "0.52 HHI", "0.52 HHI"),
        (1.25, "倍", "1.25 倍", "1.25"),
        (80, "平方公里", "80.00 平方公里", "80.00 km²"),
        (None, "元", "（无数据）", "(no data)"),
    ],
)
def test_number_in_both_languages(value: float | None, unit_zh: str, zh: str, en: str) -> None:
    assert number(value, unit_zh, "zh") == zh
    assert number(value, unit_zh, "en") == en


def test_units_in_english() -> None:
    assert unit("比例", "en") == "share"
    assert unit("家", "en") == "firms" and unit("家", "zh") == "家"
    assert unit("", "en") == ""


@pytest.mark.slow
def test_every_metric_of_the_demo_diagnosis_has_an_english_label(caplog: pytest.LogCaptureFixture) -> None:
    from jiqun.demo.build import generate_demo

    tables = generate_demo(seed=2026, firms=20_000).analysis_tables()
    items = diagnose(tables, "430582", 2025, cluster="4119", rng=np.random.default_rng(7)).clusters
    items += diagnose(tables, "321023", 2025, rng=np.random.default_rng(7)).clusters
    assert len(items) >= 2 and any(k.startswith("chain_") for item in items for k in item.profile.metrics)
    texts: list[str] = []
    with caplog.at_level(logging.WARNING, logger="jiqun.clusters.i18n"):
        for item in items:
            p = item.profile
            texts += [label("metrics", k, m.label, "en") for k, m in p.metrics.items()]
            texts += [unit(m.unit, "en") for m in p.metrics.values()]
            texts += [number(m.value, m.unit, "en") for m in p.metrics.values()]
            texts += [
                label("provider_kinds", k, k, "en")
                for k in (*p.missing_provider_kinds, *p.service_concentration)
            ]
            texts += [label("problems", f.key, f.label, "en") for f in item.problems.findings]
            texts += [label("measures", m.key, m.label, "en") for m in item.problems.measures]
            texts += [label("measure_targets", m.key, m.text, "en") for m in item.problems.measures]
            for ladder in (item.stage, item.radiation):
                texts += [label("levels", level.key, level.label, "en") for level in ladder.levels]
                texts += [
                    label("indicators", s.metric, s.label, "en")
                    for lv in ladder.levels
                    for s in lv.indicators
                ]
            texts += [label("criteria", r.key, r.label, "en") for r in item.criteria]
            texts += [number(r.value, r.unit, "en") for r in item.criteria]
    assert [r.getMessage() for r in caplog.records] == []
    assert [t for t in texts if CJK.search(t) or "{" in t] == []
