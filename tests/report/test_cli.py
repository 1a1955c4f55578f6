"""``jiqun report`` on an imported demo registry: files per cluster, bad arguments exit 2."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from jiqun.cli import main

pytestmark = pytest.mark.slow


def test_report_writes_each_format_of_each_cluster(
    small_demo_registry: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "reports"
    assert main(["report", "--region", "321023", "--out", str(out), "--format", "docx,html"]) == 0
    printed = [Path(line) for line in capsys.readouterr().out.split()]
    assert sorted(p.suffix for p in printed) == [".docx", ".html"]
    assert all(p.parent == out and p.exists() for p in printed)
    word = next(p for p in printed if p.suffix == ".docx")
    assert "宝应县" in word.name and "玻璃（水晶）工艺品" in word.name
    text = "\n".join(p.text for p in docx.Document(str(word)).paragraphs)
    assert "一、现状" in text and "四、对策建议" in text


def test_report_in_english(
    small_demo_registry: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["report", "--region", "430582", "--lang", "en", "--format", "docx", "--out", str(tmp_path)])
        == 0
    )
    (word,) = [Path(line) for line in capsys.readouterr().out.split()]
    assert word.name.endswith("cluster_report.docx")
    text = "\n".join(p.text for p in docx.Document(str(word)).paragraphs)
    assert "1. Current state" in text and "Lighters" in text


def test_bad_arguments_exit_2_without_writing(
    small_demo_registry: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "reports"
    assert main(["report", "--region", "321023", "--format", "pdf", "--out", str(out)]) == 2
    assert "--format" in capsys.readouterr().err
    assert main(["report", "--region", "999999", "--out", str(out)]) == 2
    assert "--region" in capsys.readouterr().err
    assert main(["report", "--region", "321023", "--cluster", "不存在", "--out", str(out)]) == 2
    assert "--cluster" in capsys.readouterr().err
    assert not out.exists() or list(out.iterdir()) == []
