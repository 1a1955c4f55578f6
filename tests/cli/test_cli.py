"""The jiqun command: exit codes, messages without tracebacks, the data directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def jiqun(home: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JIQUN_HOME": str(home)}
    env.pop("DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "jiqun.cli", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=300, check=False)


def test_import_samples_then_summary(tmp_path: Path) -> None:
    from jiqun.samples import sample_files

    files = [str(p) for p in sample_files()]
    done = jiqun(tmp_path / "home", "import", *files, "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["totals"]["inserted"] > 0
    summary = json.loads(jiqun(tmp_path / "home", "summary", "--format", "json").stdout)
    assert summary["counts"]["enterprises"] == 16 and summary["counts"]["parks"] == 5
    again = json.loads(jiqun(tmp_path / "home", "import", *files, "--format", "json").stdout)
    assert again["totals"]["inserted"] == 0 and again["totals"]["updated"] == 0


def test_demo_help_says_the_data_is_synthetic(tmp_path: Path) -> None:
    done = jiqun(tmp_path / "home", "demo", "--help")
    assert done.returncode == 0
    assert "合成" in done.stdout and "--seed" in done.stdout


def test_data_dir_option_beats_environment(tmp_path: Path) -> None:
    chosen = tmp_path / "chosen"
    done = jiqun(tmp_path / "env-home", "--data-dir", str(chosen), "init")
    assert done.returncode == 0, done.stderr
    assert (chosen / "jiqun.sqlite3").exists()
    assert not (tmp_path / "env-home" / "jiqun.sqlite3").exists()


def test_bad_file_exits_2_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "企业.csv"
    bad.write_text("统一社会信用代码,企业名称,区县代码,行业代码\n91350200776049653B,甲,321023,3059\n",
                   encoding="utf-8")
    done = jiqun(tmp_path / "home", "import", str(bad))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout
    assert "企业.csv:2" in done.stderr and "统一社会信用代码" in done.stderr


def test_missing_file_and_bad_option_exit_2(tmp_path: Path) -> None:
    for args in (("import", str(tmp_path / "nope.csv")), ("import",), ("export", "--format", "pdf")):
        done = jiqun(tmp_path / "home", *args)
        assert done.returncode == 2, args
        assert "Traceback" not in done.stderr


def test_data_dir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    afile = tmp_path / "file"
    afile.write_text("x")
    done = jiqun(afile, "summary")
    assert done.returncode == 2
    assert "数据目录" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(("code", "ok"), [("91350200776049653A", True), ("91350200776049653B", False)])
def test_codes_check_uscc(tmp_path: Path, code: str, ok: bool) -> None:
    done = jiqun(tmp_path / "home", "codes", "check", "uscc", code)
    assert done.returncode == (0 if ok else 2)
    assert code in done.stdout


def test_secret_key_file_is_checked(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "secret_key").write_text("", encoding="ascii")
    done = jiqun(home, "summary")
    assert done.returncode == 2 and "密钥" in done.stderr


def test_export_to_an_unwritable_place_is_an_input_error(tmp_path: Path) -> None:
    from jiqun.samples import sample_files

    home = tmp_path / "home"
    assert jiqun(home, "import", *map(str, sample_files())).returncode == 0
    done = jiqun(home, "export", "--out", "/proc/jiqun-cannot-write/x.xlsx")
    assert done.returncode == 2 and "Traceback" not in done.stderr
