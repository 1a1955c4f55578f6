"""``jiqun clusters identify`` and ``jiqun diagnose`` on an imported demo registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jiqun.cli import main
from jiqun.demo.build import generate_demo, write_bureau_files

pytestmark = pytest.mark.slow


@pytest.fixture
def demo_registry(registry: None, tmp_path: Path) -> None:
    from jiqun.ingest.importer import import_files

    import_files(write_bureau_files(generate_demo(seed=4, firms=3_000), tmp_path))


def test_identify_and_diagnose_from_the_registry(
    demo_registry: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["clusters", "identify", "--region", "321023", "--format", "json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert any("3059" in c["industries"] for c in found["clusters"])
    assert main(["diagnose", "--region", "430582", "--cluster", "4119"]) == 0
    text = capsys.readouterr().out
    assert "模具共用可节省" in text and "230.00万元" in text
    assert "存贷差率" in text and "80.0%" in text
    assert "发展阶段：集中" in text
    assert main(["diagnose", "--region", "430582", "--cluster", "4119", "--lang", "en"]) == 0
    english = capsys.readouterr().out
    assert "Stage: " in english and "Problems:" in english and "Recommendations:" in english
    assert "CNY 2.30 million" in english and "80.0%" in english
    outline = [line for line in english.splitlines() if not line.lstrip().startswith("linked because")]
    chinese = [line for line in outline if any("\u4e00" <= ch <= "\u9fff" for ch in line)]
    assert len(chinese) <= 2, chinese  # the title's county name and the cluster's town names


def test_diagnose_bad_region_and_cluster_exit_2(
    demo_registry: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diagnose", "--region", "999999"]) == 2
    assert "--region" in capsys.readouterr().err
    assert main(["diagnose", "--region", "430582", "--cluster", "不存在"]) == 2
    assert "--cluster" in capsys.readouterr().err
