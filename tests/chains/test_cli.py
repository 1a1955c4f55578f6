"""``jiqun chain …`` and ``jiqun projects …`` on an imported demo registry (seed 4, 3,000 firms).

The small demo still plants every seed county: Baoying's supporting firms, Shaodong's 160 lighter
makers, Qinyang's ten projects and Xiangzhou's three targets (checked in the first test).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from jiqun.chains.io import example_table, multipliers, project_impact
from jiqun.chains.templates import load_templates
from jiqun.cli import main
from jiqun.demo.seeds import seed_figures
from jiqun.money import format_money

pytestmark = pytest.mark.slow

SHAODONG, QINYANG, XIANGZHOU, BAOYING = "430582", "410882", "420607", "321023"
YI = 1e8


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    status, out, err = _run(capsys, *argv, "--format", "json")
    assert status == 0, err
    return json.loads(out)


def _refused(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Exit status 2, a message on stderr and no traceback; returns stderr."""
    status, out, err = _run(capsys, *argv)
    assert status == 2, (out, err)
    assert err.startswith("错误：") and "Traceback" not in err and "内部错误" not in err
    return err


def test_small_demo_plants_the_seed_counties(small_demo_registry: None) -> None:
    import polars as pl

    from jiqun.registry.snapshot import registry_tables

    tables = registry_tables()
    firms = tables["enterprises"]
    fig = seed_figures()
    for group in fig["baoying"]["supporting"]:
        count = firms.filter((pl.col("region") == BAOYING) & (pl.col("industry") == group["industry"])).height
        assert count == group["count"], group
    lighters = firms.filter((pl.col("region") == SHAODONG) & (pl.col("industry") == "4119"))
    assert lighters.height == fig["shaodong"]["lighter_firms"]
    assert tables["key_projects"].filter(pl.col("region") == QINYANG).height == 10
    assert tables["cluster_targets"].filter(pl.col("region") == XIANGZHOU).height == 3


# --- jiqun chain templates -------------------------------------------------------------------------


def test_templates_lists_every_shipped_template(capsys: pytest.CaptureFixture[str]) -> None:
    shipped = load_templates()
    status, out, _ = _run(capsys, "chain", "templates")
    assert status == 0
    listed = {line.split("：", 1)[0] for line in out.splitlines()}
    assert listed == set(shipped)
    data = _json(capsys, "chain", "templates")
    assert [t["id"] for t in data] == list(shipped)


def test_one_template_as_json_has_its_segments(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, "chain", "templates", "--template", "打火机")
    lighters = load_templates()["lighters"]
    assert data["id"] == "lighters"
    assert [s["id"] for s in data["segments"]] == [s.id for s in lighters.segments]
    core = [s for s in data["segments"] if s["core"]]
    assert [s["industries"] for s in core] == [["4119"]]
    status, out, _ = _run(capsys, "chain", "templates", "--template", "lighters")
    assert status == 0 and "打火机整机制造（核心）" in out


def test_unknown_template_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    err = _refused(capsys, "chain", "templates", "--template", "不存在的链")
    assert "--template" in err and "不存在的链" in err


# --- jiqun chain show / attract --------------------------------------------------------------------


def test_show_shaodong_lighters(small_demo_registry: None, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(capsys, "chain", "show", "--region", SHAODONG, "--cluster", "打火机")
    assert status == 0, err
    assert "邵东" in out and "打火机产业链" in out
    assert "本地配套率" in out and "缺链" in out
    assert "塑料零件：本县没有该环节企业" in out and "全部来自县外" in out
    data = _json(capsys, "chain", "show", "--region", SHAODONG, "--cluster", "打火机")
    assert data["region"] == SHAODONG and data["template_id"] == "lighters"
    segments = {s["id"]: s for s in data["segments"]}
    assert set(segments) == {s.id for s in load_templates()["lighters"].segments}
    assert segments["assembly"]["firms"] == seed_figures()["shaodong"]["lighter_firms"]
    assert segments["plastic_parts"]["status_zh"] == "缺链"
    assert data["coverage"] < 0.3 and data["local_rate"] < 0.3
    assert f"本地配套率 {data['local_rate']:.1%}" in out


def test_show_baoying_supporting_links(small_demo_registry: None, capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, "chain", "show", "--region", BAOYING, "--cluster", "玻璃工艺品")
    segments = {s["id"]: s for s in data["segments"]}
    template = load_templates()["glass_crafts"]
    for group in seed_figures()["baoying"]["supporting"]:  # 制氧 2, 玻璃棒管 2, 再生纸 2, 纸箱 5, 印刷 3
        segment = template.segment_of(group["industry"])
        assert segment is not None
        found = segments[segment.id]
        assert (
            found["firms"] == group["count"] and found["local_rate"] == 1.0 and found["status"] == "present"
        )


def test_show_by_core_code_and_by_template_id(
    small_demo_registry: None, capsys: pytest.CaptureFixture[str]
) -> None:
    by_code = _json(capsys, "chain", "show", "--region", SHAODONG, "--cluster", "4119")
    by_id = _json(capsys, "chain", "show", "--region", SHAODONG, "--cluster", "x", "--template", "lighters")
    assert by_code["template_id"] == by_id["template_id"] == "lighters"
    assert by_code["segments"] == by_id["segments"]


def test_attract_qinyang_aluminium(small_demo_registry: None, capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, "chain", "attract", "--region", QINYANG, "--cluster", "铝及铝加工")
    assert data["region"] == QINYANG and data["template_id"] == "aluminium"
    assert data["industries"] and data["firms"] and data["quadrant"]
    for row in data["industries"]:
        assert row["status"] in {"missing", "broken", "weak"}
        assert row["reason"].startswith({"missing": "缺链", "broken": "断链", "weak": "弱链"}[row["status"]])
    for row in data["firms"]:
        assert row["region"] != QINYANG and format_money(row["revenue"]) in row["reason"]
    assert [r["rank"] for r in data["firms"]] == list(range(1, len(data["firms"]) + 1))
    status, out, _ = _run(
        capsys, "chain", "attract", "--region", QINYANG, "--cluster", "铝及铝加工", "--top", "3"
    )
    assert status == 0
    assert f"1. {data['industries'][0]['industry']}" in out and "目标企业" in out and "象限" in out


@pytest.mark.parametrize(
    ("argv", "argument"),
    [
        (["--region", SHAODONG, "--cluster", "不存在的集群"], "--cluster"),
        (["--region", SHAODONG, "--cluster", "打火机", "--template", "nosuch"], "--template"),
        (["--region", "999999", "--cluster", "打火机"], "--region"),
    ],
)
@pytest.mark.parametrize("command", ["show", "attract"])
def test_bad_cluster_template_or_region_exit_2(
    small_demo_registry: None,
    capsys: pytest.CaptureFixture[str],
    command: str,
    argv: list[str],
    argument: str,
) -> None:
    err = _refused(capsys, "chain", command, *argv)
    assert argument in err


def test_core_code_without_template_or_links_exit_2(
    small_demo_registry: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # 9999 is no GB/T 4754 class, no template's core and no supply link's industry
    err = _refused(capsys, "chain", "show", "--region", SHAODONG, "--cluster", "9999")
    assert "--cluster" in err and "9999" in err


# --- jiqun chain multipliers / impact --------------------------------------------------------------


def test_multipliers_without_a_table_say_so(capsys: pytest.CaptureFixture[str]) -> None:
    err = _refused(capsys, "chain", "multipliers")
    assert "未加载投入产出表" in err
    err = _refused(capsys, "chain", "impact", "--sector", "C", "--output", "10")
    assert "未加载投入产出表" in err


def test_multipliers_without_a_table_tell_how_to_load_one(capsys: pytest.CaptureFixture[str]) -> None:
    err = _refused(capsys, "chain", "multipliers")
    assert "--io" in err


def test_multipliers_of_the_example_table(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, "chain", "multipliers", "--example")
    assert status == 0
    expected = multipliers(example_table())
    assert expected["code"].to_list() == ["A", "B", "C", "D", "E", "F-T"]
    for row in expected.iter_rows(named=True):
        line = f"{row['code']} {row['name']} {row['output']:.3f} {row['value_added']:.3f}"
        assert line in out
        assert row["output"] > 1
    data = _json(capsys, "chain", "multipliers", "--example")
    assert [r["code"] for r in data] == expected["code"].to_list()
    assert [r["output"] for r in data] == pytest.approx(expected["output"].to_list(), rel=1e-12)


def test_impact_of_new_output_in_manufacturing(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, "chain", "impact", "--example", "--sector", "C", "--output", "10")
    assert status == 0
    result = project_impact(example_table(), "C", 10 * YI)
    assert "新增产值 10.00亿元（部门 C）的带动效应" in out
    assert f"总产出 {format_money(result.total_output)}" in out
    assert f"间接带动 {format_money(result.total_indirect_output)}" in out
    assert result.total_value_added is not None and f"增加值 {format_money(result.total_value_added)}" in out
    assert result.total_jobs is not None and f"就业 {result.total_jobs:,.0f} 人" in out
    assert result.total_output > 10 * YI
    err = _refused(capsys, "chain", "impact", "--example", "--sector", "Z", "--output", "10")
    assert "Z" in err


def test_malformed_io_table_names_file_and_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = resources.files("jiqun.chains").joinpath("io_example.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[2].startswith("B,采矿业,0,30000,200000,")
    lines[2] = lines[2].replace("B,采矿业,0,30000,200000,", "B,采矿业,0,30000,-200000,")  # row 3: B → C
    bad = tmp_path / "县投入产出表.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    err = _refused(capsys, "chain", "multipliers", "--io", str(bad))
    assert "县投入产出表.csv:3" in err and "负数" in err and "-200000" in err


# --- jiqun projects -------------------------------------------------------------------------------


def test_pipeline_of_qinyang(small_demo_registry: None, capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, "projects", "pipeline", "--region", QINYANG)
    total = data["total"]["total"]
    assert total["projects"] == 10
    assert total["planned_investment"] == pytest.approx(87 * YI, rel=1e-9)
    assert total["expected_output"] == pytest.approx(182 * YI, rel=1e-9)
    projects = seed_figures()["qinyang"]["projects"]
    assert set(data["links"]) == {p["name"] for p in projects}
    templates = load_templates()
    for name, link in data["links"].items():
        chain, segment = link.split(" · ")
        template = next(t for t in templates.values() if t.name_zh == chain)
        assert segment in {s.name_zh for s in template.segments}, (name, link)
    assert data["links"]["河南神火10万吨铝板带项目"] == "铝及铝加工 · 铝板带箔"
    status, out, _ = _run(capsys, "projects", "pipeline", "--region", QINYANG)
    assert status == 0 and "87.00亿元" in out and "182.00亿元" in out


def test_track_xiangzhou_auto_parts(small_demo_registry: None, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(capsys, "projects", "track", "--region", XIANGZHOU, "--cluster", "汽车零配件")
    assert status == 0, err
    assert "100亿元" in out and "2025" in out
    data = _json(capsys, "projects", "track", "--region", XIANGZHOU, "--cluster", "汽车零配件")
    assert data["statement"] == out.strip()
