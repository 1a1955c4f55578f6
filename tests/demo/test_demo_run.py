"""``jiqun demo`` end to end on a small economy: files a bureau would hold, imported, figures kept."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from jiqun.demo.build import generate_demo, write_bureau_files

pytestmark = pytest.mark.slow
SMALL = 2000


def jiqun(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JIQUN_HOME": str(home)}
    env.pop("DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "jiqun.cli", *args], env=env,
                          capture_output=True, text=True, timeout=900, check=False)


def test_same_seed_identical_tables_different_seed_different_data() -> None:
    a = generate_demo(seed=11, firms=SMALL)
    b = generate_demo(seed=11, firms=SMALL)
    c = generate_demo(seed=12, firms=SMALL)
    assert a.digest() == b.digest()
    assert a.digest() != c.digest()
    baoying = [d.tables["enterprises"].filter(
        (d.tables["enterprises"]["region"] == "321023")
        & (d.tables["enterprises"]["industry"] == "3059")).height for d in (a, c)]
    assert baoying == [212, 212]  # the planted figures do not depend on the seed


def test_bureau_files_use_chinese_headers_and_wan_yuan(tmp_path: Path) -> None:
    files = write_bureau_files(generate_demo(seed=5, firms=SMALL), tmp_path)
    names = {p.name for p in files}
    assert {"企业名录.csv", "企业年度数据.csv"} <= names
    header = (tmp_path / "企业年度数据.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert "营业收入(万元)" in header and "统一社会信用代码" in header


def test_demo_command_builds_imports_and_reuses(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = jiqun(home, "demo", "--firms", str(SMALL), "--seed", "3", "--format", "json")
    assert first.returncode == 0, first.stderr[-3000:]
    out = json.loads(first.stdout)
    assert not out["reused"]
    counties = {c["code"]: c for c in out["counties"]}
    assert set(counties) == {"430582", "321023", "410882", "420607"}
    assert out["registry"]["counts"]["enterprises"] > SMALL
    again = json.loads(jiqun(home, "demo", "--firms", str(SMALL), "--seed", "3",
                             "--format", "json", "--no-reports").stdout)
    assert again["reused"] and again["registry"] == out["registry"] and again["reports"] == []
    assert (home / "demo" / "jiqun.sqlite3").exists()
    assert "[" in first.stderr  # progress lines
    reports = [Path(p) for p in out["reports"]]
    assert {p.suffix for p in reports} == {".docx", ".xlsx", ".html"}
    assert all(p.exists() and p.stat().st_size > 0 for p in reports)
    names = " ".join(p.name for p in reports)
    for county in ("邵东市", "宝应县", "沁阳市", "襄州区"):
        assert county in names
    assert "打火机" in names and "玻璃（水晶）工艺品" in names
    _check_seed_figures_in_registry(home / "demo")


def _check_seed_figures_in_registry(demo_home: Path) -> None:
    """Reopen the demo database and recompute seed figures from the imported registry."""
    check = f"""
import json
from decimal import Decimal
from jiqun.site.bootstrap import configure
configure({str(demo_home)!r})
from django.db.models import Sum
from jiqun.registry import models as m
years = m.EnterpriseYear.objects.filter(year=2025, enterprise__region_id="321023",
                                        enterprise__industry_id="3059")
tiers = [years.filter(revenue__gt=Decimal(t) * 10000).count() for t in (100, 500, 1000, 5000, 10000)]
fin = m.CountyFinance.objects.get(region_id="430582", year=2025)
moulds = m.EquipmentPurchase.objects.aggregate(s=Sum("amount"))["s"]
projects = m.KeyProject.objects.filter(region_id="410882")
print(json.dumps({{"tiers": tiers, "deposits": str(fin.deposits), "loans": str(fin.loans),
                  "moulds": str(moulds), "projects": projects.count(),
                  "invest": str(projects.aggregate(s=Sum("planned_investment"))["s"]),
                  "targets": m.ClusterTarget.objects.filter(region_id="420607").count()}}))
"""
    env = {**os.environ}
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-c", check], env=env, capture_output=True, text=True,
                          timeout=300, check=True)
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got["tiers"] == [80, 30, 22, 4, 0]
    assert Decimal(got["deposits"]) == Decimal("7000000000")
    assert (Decimal(got["deposits"]) - Decimal(got["loans"])) / Decimal(got["deposits"]) == Decimal("0.8")
    assert Decimal(got["moulds"]) == Decimal("5000000")
    assert got["projects"] == 10 and Decimal(got["invest"]) == Decimal("8700000000")
    assert got["targets"] == 3


def registry_hash(db_path: Path) -> dict[str, str]:
    """SHA-256 of every registry table's sorted rows (the import log without its timestamps)."""
    import hashlib
    import sqlite3

    db = sqlite3.connect(db_path)
    try:
        tables = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name LIKE 'registry_%'")]
        out = {}
        for table in sorted(tables):
            query = (f"SELECT files, rows_read, inserted FROM {table}" if table == "registry_importrun"
                     else f"SELECT * FROM {table}")
            rows = sorted(repr(r).replace(str(db_path.parent), "") for r in db.execute(query))
            out[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
        return out
    finally:
        db.close()


def test_two_builds_with_one_seed_give_identical_registries(tmp_path: Path) -> None:
    hashes = []
    for name in ("a", "b", "c"):
        seed = "9" if name != "c" else "10"
        done = jiqun(tmp_path / name, "demo", "--firms", "1500", "--seed", seed, "--format", "json",
                     "--out", str(tmp_path / "out"), "--no-reports")
        assert done.returncode == 0, done.stderr[-2000:]
        hashes.append(registry_hash(tmp_path / name / "demo" / "jiqun.sqlite3"))
    assert hashes[0] == hashes[1]
    assert hashes[0]["registry_enterprise"] != hashes[2]["registry_enterprise"]
