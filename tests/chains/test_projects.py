"""Key projects and cluster targets: the pipeline, the output trajectory, the forecast and the gap.

On the demo (seed 2): Qinyang's ten key projects roll up to 87亿元 of planned investment and
182亿元 of expected new output ("新增产值180亿元以上"); Xiangzhou's three clusters (seed 5) are each
held against their 100亿元 target for 2025. On small hand-made tables: the forecast maths.
"""

from __future__ import annotations

import math
import re
from importlib import resources
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiqun.chains.projects import (
    Target,
    cluster_output,
    pipeline,
    projects_config,
    projects_defaults,
    track_target,
)
from jiqun.demo.build import generate_demo
from jiqun.demo.seeds import seed_figures
from jiqun.errors import ConfigError, InputError

YI = 1e8
QINYANG, XIANGZHOU = "410882", "420607"
REGION, INDUSTRY, CLUSTER = "420607", "3670", "汽车零配件"


# --- the demo --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo() -> dict[str, pl.DataFrame]:
    return generate_demo(seed=2026, firms=20_000).analysis_tables()


@pytest.mark.slow
def test_qinyang_ten_projects_roll_up_to_87_yi_and_182_yi(demo: dict[str, pl.DataFrame]) -> None:
    # seed 2: the ten projects' planned investment (亿元) and "新增产值180亿元以上" (182 planted)
    result = pipeline(demo, QINYANG)
    total = result.total.total
    assert total.projects == 10
    assert total.planned_investment == pytest.approx(87 * YI, rel=1e-9)
    assert total.expected_output == pytest.approx(182 * YI, rel=1e-9)
    assert total.expected_output >= 180 * YI
    split = {"化工": 5.2 + 6.6 + 3 + 12 + 25, "铝及铝加工": 10 + 5 + 10, "建材": 5.2, "玻璃钢及玻璃": 5}
    assert [c.cluster for c in result.clusters] == sorted(split)
    for name, invest_yi in split.items():
        figures = result.for_cluster(name).total
        assert figures.planned_investment == pytest.approx(invest_yi * YI, rel=1e-9)
        # the demo splits the 182亿 over the projects in proportion to their investment
        assert figures.expected_output == pytest.approx(182 * YI * invest_yi / 87, rel=1e-9)
    assert [c.total.projects for c in result.clusters] == [5, 1, 1, 3]
    # the demo plants no completed investment, jobs or land: unknown, not zero
    assert set(result.missing) == {"completed_investment", "jobs", "land_mu"}
    assert total.completed_investment is None and total.completion_rate is None


@pytest.mark.slow
def test_qinyang_stages_add_up_to_the_totals(demo: dict[str, pl.DataFrame]) -> None:
    result = pipeline(demo, QINYANG)
    for cluster in (*result.clusters, result.total):
        assert [s.stage for s in cluster.stages] == ["signed", "started", "building", "operating", "full"]
        assert sum(s.projects for s in cluster.stages) == cluster.total.projects
        assert sum(s.planned_investment for s in cluster.stages) == pytest.approx(
            cluster.total.planned_investment, rel=1e-12)
    assert [s.label_zh for s in result.total.stages] == ["签约", "开工", "在建", "投产", "达产"]
    only = pipeline(demo, QINYANG, cluster="铝及铝加工")
    assert [c.cluster for c in only.clusters] == ["铝及铝加工"]
    assert only.total.total.planned_investment == pytest.approx(25 * YI, rel=1e-9)
    frame = result.as_frame()
    assert frame.filter((pl.col("cluster") == "合计") & (pl.col("stage") == "total"))["projects"].item() == 10


@pytest.mark.slow
def test_xiangzhou_three_clusters_tracked_against_100_yi_in_2025(demo: dict[str, pl.DataFrame]) -> None:
    # seed 5: "到“”末，…产值突破100亿元" for each of the three clusters (read as 2025)
    for cluster in seed_figures()["xiangzhou"]["clusters"]:
        tracking = track_target(demo, XIANGZHOU, cluster["name"], cluster["industries"])
        assert tracking.target is not None
        assert (tracking.target.year, tracking.target.output) == (2025, 100 * YI)
        assert tracking.target.source == "襄州区三大产业集群工作方案"
        assert tracking.trajectory.years == [2021, 2022, 2023, 2024, 2025]
        assert tracking.trajectory.basis(2025) == "industrial_output"
        # the planted firms all grow 10% a year
        assert tracking.cagr_so_far == pytest.approx(0.10, rel=1e-6)
        assert tracking.trend is not None and tracking.trend.growth == pytest.approx(0.10, rel=1e-6)
        assert tracking.forecast_is_observed and tracking.forecast == tracking.trajectory[2025]
        assert tracking.gap == pytest.approx(100 * YI - tracking.trajectory[2025])
        assert tracking.met is False and tracking.required_cagr is None
        assert tracking.statement().startswith("2025年实际产值")
        assert "距100亿元目标仍差" in tracking.statement()
        assert "CNY 10 billion target" in tracking.statement("en")


@pytest.mark.slow
def test_qinyang_pipeline_counted_by_stage_towards_a_target(demo: dict[str, pl.DataFrame]) -> None:
    cfg = projects_defaults()
    chemicals = demo["key_projects"].filter(pl.col("cluster") == "化工")
    tracking = track_target(demo, QINYANG, "化工", target=Target(2028, 300 * YI, "测试目标"))
    assert tracking.industries_source == "key_projects"  # no template given: the projects' industries
    assert set(tracking.industries) == set(chemicals["industry"].to_list())
    assert tracking.reference_year == 2025
    expected = 0.0
    for row in chemicals.iter_rows(named=True):
        if row["stage"] == "full":
            continue
        full_year = 2025 + cfg["years_to_full"][row["stage"]]
        if row["stage"] in ("signed", "started") and row["start_year"] is not None:
            full_year = max(full_year, row["start_year"] + cfg["years_to_full"]["started"])
        if full_year <= 2028:
            expected += cfg["realisation"][row["stage"]] * row["expected_output"]
    assert tracking.pipeline_contribution == pytest.approx(expected, rel=1e-12)
    assert tracking.forecast == pytest.approx(tracking.trend_forecast + expected, rel=1e-12)
    # Qinyang's demo has no cluster_targets rows: without an explicit target the result says so
    untargeted = track_target(demo, QINYANG, "化工")
    assert untargeted.target is None and untargeted.gap is None
    assert "no_target" in {n.key for n in untargeted.notes}
    assert untargeted.statement().startswith("化工没有产值目标；2025年产值")


# --- small hand-made tables ------------------------------------------------------------------------


def tables(series: dict[int, float], *, projects: list[dict] | None = None,
           targets: list[tuple[int, float]] | None = None,
           revenue_only: dict[int, float] | None = None) -> dict[str, pl.DataFrame]:
    """Two firms of one cluster, A with 60% of ``series`` and B 40% (revenue only in ``revenue_only``)."""
    enterprises = pl.DataFrame({"uscc": ["A", "B", "X"], "region": [REGION, REGION, "110101"],
                                "industry": [INDUSTRY, INDUSTRY, INDUSTRY]})
    rows = []
    for year, value in series.items():
        rows.append({"uscc": "A", "year": year, "industrial_output": 0.6 * value, "revenue": None})
        rows.append({"uscc": "B", "year": year, "industrial_output": 0.4 * value, "revenue": None})
        rows.append({"uscc": "X", "year": year, "industrial_output": 1e12, "revenue": None})  # elsewhere
    for year, value in (revenue_only or {}).items():
        rows = [r for r in rows if not (r["uscc"] == "B" and r["year"] == year)]
        rows.append({"uscc": "B", "year": year, "industrial_output": None, "revenue": value})
    out = {"enterprises": enterprises,
           "enterprise_years": pl.DataFrame(rows, schema={"uscc": pl.String, "year": pl.Int64,
                                                          "industrial_output": pl.Float64,
                                                          "revenue": pl.Float64})}
    if projects:
        out["key_projects"] = pl.DataFrame(
            [{"region": REGION, "cluster": CLUSTER, "industry": INDUSTRY, "start_year": None, **p}
             for p in projects], infer_schema_length=None)
    if targets is not None:
        out["cluster_targets"] = pl.DataFrame(
            {"region": REGION, "cluster": CLUSTER, "target_year": [y for y, _ in targets],
             "target_output": [v for _, v in targets], "source": "测试规划"})
    return out


def project(name: str, stage: str | None, expected: float | None, **more: object) -> dict:
    return {"name": name, "stage": stage, "expected_output": expected, **more}


def test_a_perfectly_exponential_series_forecasts_exactly() -> None:
    series = {year: 50 * YI * 1.1 ** (year - 2021) for year in range(2021, 2025)}
    tracking = track_target(tables(series, targets=[(2027, 100 * YI)]), REGION, CLUSTER, [INDUSTRY])
    assert tracking.trend_forecast == pytest.approx(50 * YI * 1.1**6, rel=1e-12)
    assert not tracking.forecast_is_observed
    assert tracking.trend.growth == pytest.approx(0.1, rel=1e-12)
    assert tracking.cagr_so_far == pytest.approx(0.1, rel=1e-12)
    assert tracking.required_cagr == pytest.approx((100 / (50 * 1.1**3)) ** (1 / 3) - 1, rel=1e-12)
    assert tracking.pipeline_contribution == 0.0
    assert tracking.gap == pytest.approx(100 * YI - 50 * YI * 1.1**6, rel=1e-12)
    assert tracking.notes == ()


def test_the_statement_reads_as_people_write_it() -> None:
    # a flat 86.3亿 trend, and one project under construction whose weighted output is 12亿
    p = projects_defaults()["realisation"]["building"]
    data = tables({2021: 86.3 * YI, 2022: 86.3 * YI, 2023: 86.3 * YI}, targets=[(2025, 100 * YI)],
                  projects=[project("甲项目", "building", 12 * YI / p)])
    tracking = track_target(data, REGION, CLUSTER, [INDUSTRY])
    assert tracking.statement().startswith(
        "按当前趋势，2025年产值预计86.3亿元，加上重点项目预计新增12.0亿元，距100亿元目标仍差1.7亿元。")
    assert "2021—2023年年均增长0.0%，实现目标需年均增长7.6%" in tracking.statement()
    assert tracking.statement("en").startswith(
        "On the current trend, output in 2025 is forecast at CNY 8.63 billion; key projects are "
        "expected to add CNY 1.20 billion; in all CNY 9.83 billion, CNY 170.00 million short of the "
        "CNY 10 billion target.")


def test_a_target_already_met() -> None:
    series = {2021: 80 * YI, 2022: 95 * YI, 2023: 104 * YI}
    observed = track_target(tables(series, targets=[(2023, 100 * YI)]), REGION, CLUSTER, [INDUSTRY])
    assert observed.forecast_is_observed and observed.forecast == pytest.approx(104 * YI)
    assert observed.met and observed.gap == pytest.approx(-4 * YI)
    assert observed.statement().startswith("2023年实际产值104.0亿元，已达到100亿元目标。")
    ahead = track_target(tables(series, targets=[(2026, 100 * YI)]), REGION, CLUSTER, [INDUSTRY])
    assert ahead.met and ahead.gap < 0
    assert "预计可达到100亿元目标（超出" in ahead.statement()
    assert "on course to meet the CNY 10 billion target" in ahead.statement("en")


def test_missing_years_and_a_revenue_stand_in() -> None:
    # 2020, 2022 and 2025 observed (gaps between), B reports only revenue in 2022
    series = {year: 40 * YI * 1.2 ** (year - 2020) for year in (2020, 2022, 2025)}
    data = tables(series, targets=[(2027, 100 * YI)], revenue_only={2022: 0.4 * series[2022]})
    trajectory = cluster_output(data, REGION, [INDUSTRY])
    assert trajectory.years == [2020, 2022, 2025] and 2021 not in trajectory
    assert trajectory[2022] == pytest.approx(series[2022], rel=1e-12)
    assert trajectory.basis(2022) == "mixed" and trajectory.basis(2020) == "industrial_output"
    assert trajectory.fallback_years == [2022]
    assert trajectory.fallback_share[2022] == pytest.approx(0.4)
    tracking = track_target(data, REGION, CLUSTER, [INDUSTRY])
    assert tracking.trend_forecast == pytest.approx(40 * YI * 1.2**7, rel=1e-12)
    assert tracking.cagr_so_far == pytest.approx(0.2, rel=1e-12)
    fallback = next(n for n in tracking.notes if n.key == "revenue_fallback")
    assert "2022年部分企业缺工业总产值，以营业收入代替" in fallback.zh
    # a code takes in the codes below it; another county's firms never count
    assert cluster_output(data, REGION, ["36"]).by_year == trajectory.by_year
    assert cluster_output(data, "420606", [INDUSTRY]).by_year == {}


def test_missing_data_is_said_not_raised() -> None:
    nothing = track_target({}, REGION, CLUSTER, [INDUSTRY])
    assert nothing.target is None and nothing.forecast is None and nothing.gap is None
    assert {n.key for n in nothing.notes} >= {"no_target", "no_output"}
    assert nothing.statement() == f"{CLUSTER}没有产值目标。"
    no_data = track_target(tables({}, targets=[(2025, 100 * YI)]), REGION, CLUSTER, [INDUSTRY])
    assert no_data.gap is None and no_data.met is None
    assert no_data.statement().startswith(f"缺少{CLUSTER}的产值和营业收入数据，无法判断2025年100亿元目标")
    one_year = track_target(tables({2024: 60 * YI}, targets=[(2026, 100 * YI)]), REGION, CLUSTER, [INDUSTRY])
    assert one_year.trend is None and one_year.forecast is None
    assert one_year.required_cagr == pytest.approx(math.sqrt(100 / 60) - 1)
    assert "数据年份不足" in one_year.statement() and "few_years" in {n.key for n in one_year.notes}
    no_industries = track_target(tables({2024: 60 * YI}), REGION, "无此集群")
    assert no_industries.industries_source == "none" and not no_industries.trajectory


def test_projects_are_weighted_and_timed_by_stage() -> None:
    cfg = projects_defaults()
    series = {2022: 50 * YI, 2023: 50 * YI, 2024: 50 * YI}
    projects = [
        project("达产", "full", 9 * YI),  # already in output
        project("投产", "operating", 1 * YI),  # 2025
        project("在建", "building", 2 * YI),  # 2026
        project("开工", "started", 4 * YI),  # 2027
        project("签约", "signed", 8 * YI),  # 2028
        project("晚开工的签约", "signed", 16 * YI, start_year=2027),  # 2027 + 3 = 2030
        project("早开工的投产", "operating", 32 * YI, start_year=2024),  # past start: by stage, 2025
        project("未填阶段", None, 64 * YI),
        project("未填产值", "building", None),
    ]
    data = tables(series, projects=projects, targets=[(2027, 200 * YI)])
    tracking = track_target(data, REGION, CLUSTER, [INDUSTRY])
    by_name = {c.name: c for c in tracking.projects}
    names = ("投产", "在建", "开工", "签约", "晚开工的签约", "早开工的投产")
    assert [by_name[n].full_year for n in names] == [2025, 2026, 2027, 2028, 2030, 2025]
    assert by_name["达产"].in_output and by_name["达产"].contribution == 0
    r = cfg["realisation"]
    assert tracking.pipeline_contribution == pytest.approx(
        (r["operating"] * 33 + r["building"] * 2 + r["started"] * 4) * YI, rel=1e-12)
    assert {"projects_without_stage", "projects_without_output"} <= {n.key for n in tracking.notes}
    later = track_target(data, REGION, CLUSTER, [INDUSTRY], target=Target(2030, 200 * YI))
    assert later.pipeline_contribution == pytest.approx(
        (r["operating"] * 33 + r["building"] * 2 + r["started"] * 4 + r["signed"] * 24) * YI, rel=1e-12)
    cautious = track_target(data, REGION, CLUSTER, [INDUSTRY], config={"realisation": {"operating": 0.5}})
    assert cautious.pipeline_contribution == pytest.approx(
        (0.5 * 33 + r["building"] * 2 + r["started"] * 4) * YI, rel=1e-12)
    assert cautious.config_hash != tracking.config_hash


def test_the_nearest_target_ahead_is_tracked() -> None:
    data = tables({2022: 50 * YI, 2023: 55 * YI},
                  targets=[(2020, 40 * YI), (2025, 80 * YI), (2030, 150 * YI)])
    assert track_target(data, REGION, CLUSTER, [INDUSTRY]).target.year == 2025
    past = tables({2022: 50 * YI, 2023: 55 * YI}, targets=[(2020, 40 * YI), (2021, 45 * YI)])
    assert track_target(past, REGION, CLUSTER, [INDUSTRY]).target.year == 2021


def test_pipeline_by_stage_with_blank_and_unknown_values() -> None:
    projects = [
        project("甲", "building", 10 * YI, planned_investment=4 * YI, completed_investment=3 * YI,
                jobs=100.0),
        project("乙", "building", 6 * YI, planned_investment=2 * YI, completed_investment=None, jobs=50.0),
        project("丙", "", 1 * YI, planned_investment=1 * YI, cluster=""),
        project("丁", "signed", 2 * YI, planned_investment=1 * YI, land_mu=30.0, cluster="物流"),
    ]
    result = pipeline(tables({}, projects=projects), REGION)
    assert [c.cluster for c in result.clusters] == [CLUSTER, "物流", None]
    assert result.for_cluster(None).label_zh == "未归集群"
    building = result.for_cluster(CLUSTER).stage("building")
    assert (building.projects, building.planned_investment) == (2, 6 * YI)
    assert building.completed_investment == 3 * YI
    assert building.completion_rate == pytest.approx(0.75)  # over the projects reporting both
    assert building.jobs == 150 and building.land_mu is None
    assert result.for_cluster(CLUSTER).stage("signed").projects == 0
    assert result.for_cluster(CLUSTER).stage("signed").planned_investment == 0
    unstaged = result.total.stage("no_stage")
    assert unstaged.projects == 1 and unstaged.label_zh == "阶段未填"
    assert result.total.total.expected_output == pytest.approx(19 * YI)
    assert result.total.label("en") == "total"


def test_configuration_is_checked_and_documented() -> None:
    with pytest.raises(ConfigError, match=r"realisation\.signed"):
        projects_config({"realisation": {"signed": 1.5}})
    with pytest.raises(ConfigError, match=r"years_to_full\.building"):
        projects_config({"years_to_full": {"building": 0}})
    assert projects_config({"realisation": {"signed": 0.3}})["realisation"]["started"] == 0.7
    text = resources.files("jiqun.chains").joinpath("projects.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    for key in projects_defaults():
        index = next(i for i, line in enumerate(lines) if re.match(rf"{key}\s*:", line))
        assert index > 0 and lines[index - 1].startswith("#"), f"projects.yaml: {key} has no comment above it"


# --- invariants ------------------------------------------------------------------------------------

STAGES = ["signed", "started", "building", "operating", "full", None]


@settings(max_examples=40, deadline=None)
@given(
    start=st.floats(1e6, 1e11),
    growth=st.lists(st.floats(-0.3, 0.6), min_size=1, max_size=6),
    ahead=st.integers(0, 6),
    target=st.floats(1e6, 1e12),
    drafts=st.lists(st.tuples(st.sampled_from(STAGES), st.floats(0, 1e10), st.integers(2015, 2035)),
                    max_size=6),
)
def test_forecast_invariants(start: float, growth: list[float], ahead: int, target: float,
                             drafts: list[tuple[str | None, float, int]]) -> None:
    series = {2020: start}
    for k, g in enumerate(growth):
        series[2021 + k] = series[2020 + k] * (1 + g)
    last = max(series)
    projects = [project(f"P{i}", s, e, start_year=y, planned_investment=e / 2)
                for i, (s, e, y) in enumerate(drafts)]
    data = tables(series, projects=projects, targets=[(last + ahead, target)])
    tracking = track_target(data, REGION, CLUSTER, [INDUSTRY])
    assert tracking.forecast >= tracking.trend_forecast
    assert tracking.gap == pytest.approx(target - tracking.forecast)
    assert tracking.met == (tracking.gap <= 0)
    assert tracking.forecast - tracking.trend_forecast == pytest.approx(
        sum(c.contribution for c in tracking.projects if c.counted), rel=1e-9, abs=1e-3)
    if ahead == 0:
        assert tracking.forecast_is_observed and tracking.pipeline_contribution == 0
    roll = pipeline(data, REGION).total
    assert sum(s.projects for s in roll.stages) == roll.total.projects == len(drafts)
    assert sum(s.expected_output or 0 for s in roll.stages) == pytest.approx(
        roll.total.expected_output or 0, rel=1e-9, abs=1e-3)


# --- importing a project list (the registry importer, jiqun import) -----------------------------------


def test_a_project_list_with_a_bad_stage_and_a_bad_number_is_refused(registry: Path, tmp_path: Path) -> None:
    from openpyxl import Workbook

    from jiqun.ingest.importer import import_files
    from jiqun.registry.models import KeyProject

    book = Workbook()
    sheet = book.active
    sheet.title = "重点项目"
    for row in (
        ["区县代码", "项目名称", "所属集群", "项目阶段", "计划投资(亿元)", "预计新增产值(亿元)"],
        [QINYANG, "甲项目", "化工", "在建", 5.2, 10],
        [QINYANG, "乙项目", "化工", "已完工", 3, 6],
        [QINYANG, "丙项目", "化工", "签约", "约三亿", 2],
    ):
        sheet.append(row)
    path = tmp_path / "重点项目.xlsx"
    book.save(path)
    with pytest.raises(InputError) as caught:
        import_files([path])
    errors = [p for p in caught.value.problems if p.severity == "error"]
    where = {(p.row, p.column): p for p in errors}
    assert set(where) == {(3, "项目阶段"), (4, "计划投资(亿元)")}
    assert all(p.file.startswith("重点项目.xlsx") for p in errors)
    assert where[(3, "项目阶段")].value == "已完工" and "达产" in where[(3, "项目阶段")].expected
    assert where[(4, "计划投资(亿元)")].value == "约三亿"
    assert KeyProject.objects.count() == 0
