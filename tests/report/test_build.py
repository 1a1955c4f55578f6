"""The report is built from the data: figures recomputed from the tables are in the documents."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import docx
import polars as pl
import pytest

from jiqun.clusters.tables import conform
from jiqun.demo.build import generate_demo
from jiqun.money import format_money
from jiqun.report.build import build_reports
from jiqun.report.charts import plotly_js
from jiqun.report.model import Chart, Paragraph, Report, Table
from jiqun.report.write import write_report

pytestmark = pytest.mark.slow
BAOYING, SHAODONG, YEAR = "321023", "430582", 2025


@pytest.fixture(scope="module")
def tables() -> dict[str, pl.DataFrame]:
    return generate_demo(seed=2026, firms=20_000).analysis_tables()


@pytest.fixture(scope="module")
def baoying(tables: dict[str, pl.DataFrame]) -> Report:
    (report,) = build_reports(tables, BAOYING, "宝应县", YEAR)
    return report


@pytest.fixture(scope="module")
def baoying_docx(baoying: Report, tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("baoying")
    paths = write_report(baoying, out, ("docx",))
    return _docx_text(paths[0])


def _docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _cluster_firms(tables: dict[str, pl.DataFrame], region: str, industry: str) -> pl.DataFrame:
    return tables["enterprises"].filter((pl.col("region") == region) & (pl.col("industry") == industry))


def test_every_fact_of_the_text_is_in_its_paragraph(baoying: Report) -> None:
    paragraphs = [b for b in baoying.blocks() if isinstance(b, Paragraph)]
    facts = [(p, f) for p in paragraphs for f in p.facts]
    assert len(facts) > 40
    for paragraph, fact in facts:
        assert fact.text in paragraph.text, (fact.key, fact.text)
        assert fact.value is not None and fact.source


def test_recomputed_figures_appear_in_the_word_file(
    tables: dict[str, pl.DataFrame], baoying_docx: str
) -> None:
    firms = _cluster_firms(tables, BAOYING, "3059")
    revenue = (
        tables["enterprise_years"]
        .filter(pl.col("year") == YEAR)
        .join(firms.select("uscc"), on="uscc")["revenue"]
    )
    assert f"企业{firms.height} 家" in baoying_docx
    assert format_money(revenue.sum()) in baoying_docx
    # seed 4's tiers, counted again from the revenues: 100万 / 500万 / 1000万 / 5000万 以上
    for threshold, label in (
        (1e6, "100万元以上"),
        (5e6, "500万元以上"),
        (1e7, "1,000万元以上"),
        (5e7, "5,000万元以上"),
    ):
        count = int((revenue >= threshold).sum())
        assert f"{label}{count} 家" in baoying_docx
    largest = revenue.sort(descending=True)
    cr4 = float(largest.head(4).sum() / largest.sum())
    assert f"{cr4:.1%}" in baoying_docx
    assert "宝应县" in baoying_docx and "玻璃（水晶）工艺品" in baoying_docx


def test_seed_four_tier_counts_are_the_report_tiers(baoying_docx: str) -> None:
    assert "100万元以上80 家、500万元以上30 家、1,000万元以上22 家、5,000万元以上4 家" in baoying_docx


def test_report_has_the_four_parts_of_seed_four_and_an_appendix(baoying: Report) -> None:
    titles = [s.title for s in baoying.sections]
    assert titles[1:5] == ["一、现状", "二、存在的主要问题", "三、发展阶段与方向", "四、对策建议"]
    assert titles[-1].startswith("附录")
    assert {c.key for c in baoying.charts()} >= {"trend", "peers", "tiers", "chain", "quadrant"}
    assert all(isinstance(c, Chart) for c in baoying.charts())
    assert set(baoying.config_hashes) >= {"profile", "stage", "problems", "criteria", "chain", "template"}


def test_changing_the_data_changes_the_report(tables: dict[str, pl.DataFrame], baoying: Report) -> None:
    leader = (
        tables["enterprise_years"]
        .filter(pl.col("year") == YEAR)
        .join(_cluster_firms(tables, BAOYING, "3059").select("uscc"), on="uscc")
        .sort("revenue", descending=True)["uscc"][0]
    )
    bigger = tables["enterprise_years"].with_columns(
        pl.when((pl.col("uscc") == leader) & (pl.col("year") == YEAR))
        .then(pl.col("revenue") + 2e8)
        .otherwise(pl.col("revenue"))
        .alias("revenue")
    )
    (changed,) = build_reports({**tables, "enterprise_years": bigger}, BAOYING, "宝应县", YEAR)
    before = {f.key: f.value for f in baoying.facts()}
    after = {f.key: f.value for f in changed.facts()}
    assert after["profile.revenue"] == pytest.approx(before["profile.revenue"] + 2e8)
    assert after["profile.firms_over_100m"] == before["profile.firms_over_100m"] + 1


def test_shaodong_report_names_its_problems_with_numbers(tables: dict[str, pl.DataFrame]) -> None:
    (report,) = build_reports(tables, SHAODONG, "邵东市", YEAR)
    problems = next(s for s in report.sections if s.title.startswith("二"))
    text = "\n".join(b.text for b in problems.blocks if isinstance(b, Paragraph))
    assert "模具共用可节省" in text and "230.00万元" in text
    assert "存贷差率" in text and "80.0%" in text
    assert "缺链环节数" in text


def test_english_report_has_no_chinese_outline(tables: dict[str, pl.DataFrame]) -> None:
    (report,) = build_reports(tables, BAOYING, "Baoying", YEAR, lang="en")
    titles = [s.title for s in report.sections]
    assert titles[1:5] == [
        "1. Current state",
        "2. Main problems",
        "3. Stage and direction",
        "4. Recommendations",
    ]
    summary = report.sections[0].blocks[0]
    assert isinstance(summary, Paragraph) and "firms" in summary.text and "CNY" in summary.text
    cells = [cell for s in report.sections for b in s.blocks if isinstance(b, Table) for row in b.rows
             for cell in row]
    assert any("relatedness density" in c for c in cells)  # the reasons of whom to attract
    assert not any("关联密度" in c or "候选企业" in c or "公里" in c for c in cells)


def test_a_county_with_almost_no_data_still_renders(tmp_path: Path) -> None:
    tables = conform(
        {
            "enterprises": pl.DataFrame(
                {
                    "uscc": ["91430100MA4L000001"],
                    "name": ["某某商贸有限公司"],
                    "region": ["430102"],
                    "industry": ["5131"],
                }
            ),
        }
    )
    (report,) = build_reports(tables, "430102", "芙蓉区", YEAR)
    assert "未识别出产业集群" in report.sections[0].blocks[0].text  # type: ignore[union-attr]
    assert "企业年度数据" in report.missing
    paths = write_report(report, tmp_path)
    assert sorted(p.suffix for p in paths) == [".docx", ".html", ".xlsx"]
    assert all(p.stat().st_size > 0 for p in paths)
    assert "未识别出产业集群" in _docx_text(next(p for p in paths if p.suffix == ".docx"))


def test_html_report_is_offline(baoying: Report, tmp_path: Path) -> None:
    (path,) = write_report(baoying, tmp_path, ("html",))
    html = path.read_text(encoding="utf-8")
    assert html.count(plotly_js()) == 1  # the library inline, once (its own map attributions name URLs)
    page = html.replace(plotly_js(), "")
    assert not re.search(r"""(src|href)\s*=\s*["']https?:|@import|url\(\s*["']?https?:""", page)
    assert "Plotly.newPlot" in page and "宝应县" in page


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_word_file_renders_in_libreoffice_with_its_chinese_text(baoying: Report, tmp_path: Path) -> None:
    """LibreOffice turns the Word file into PDF pages whose text is the report's Chinese text.

    LibreOffice gets only the package's own CJK font (through a private fontconfig file), as on
    a fresh machine without Chinese system fonts.
    """
    from jiqun.report.fonts import cjk_font_path

    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / cjk_font_path().name).symlink_to(cjk_font_path())
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f'<include ignore_missing="yes">/etc/fonts/fonts.conf</include><dir>{fonts}</dir>'
        f"<cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    (path,) = write_report(baoying, tmp_path, ("docx",))
    command = [
        "soffice",
        f"-env:UserInstallation=file://{tmp_path / 'profile'}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(tmp_path / "pdf"),
        str(path),
    ]
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    subprocess.run(command, check=True, timeout=180, capture_output=True, env=env)
    pdf = tmp_path / "pdf" / path.with_suffix(".pdf").name
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    assert 5 <= pages <= 40
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
        assert "宝应县玻璃（水晶）工艺品产业集群调研报告" in text.replace("\n", "").replace(" ", "")
        assert "存在的主要问题" in text
