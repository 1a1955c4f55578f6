"""The same registry on PostgreSQL (``DATABASE_URL``): demo, re-import, round trip, bad file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def pg_database(pg_url: str) -> str:
    """A fresh database on the throwaway server, dropped afterwards."""
    import psycopg

    name = f"jiqun_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield pg_url.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def jiqun(database_url: str, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return jiqun_env(database_url, home, {}, *args)


def jiqun_env(database_url: str, home: Path, extra: dict[str, str],
              *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JIQUN_HOME": str(home), "DATABASE_URL": database_url, **extra}
    return subprocess.run([sys.executable, "-m", "jiqun.cli", *args], env=env,
                          capture_output=True, text=True, timeout=600, check=False)


def test_registry_on_postgres(pg_database: str, tmp_path: Path) -> None:
    from jiqun.samples import sample_files

    home = tmp_path / "home"
    files = [str(p) for p in sample_files()]
    first = jiqun(pg_database, home, "import", *files, "--format", "json")
    assert first.returncode == 0, first.stderr
    counts = json.loads(jiqun(pg_database, home, "summary", "--format", "json").stdout)["counts"]
    assert counts["enterprises"] == 16 and counts["enterprise_years"] == 48
    assert not (home / "jiqun.sqlite3").exists()

    again = json.loads(jiqun(pg_database, home, "import", *files, "--format", "json").stdout)
    assert again["totals"]["inserted"] == 0
    assert again["totals"]["updated"] == 0

    out = tmp_path / "export.xlsx"
    assert jiqun(pg_database, home, "export", "--out", str(out)).returncode == 0
    back = jiqun(pg_database, home, "import", str(out), "--format", "json")
    assert back.returncode == 0, back.stderr
    totals = json.loads(back.stdout)["totals"]
    assert totals["inserted"] == 0 and totals["updated"] == 0

    bad = tmp_path / "bad.csv"
    bad.write_text("统一社会信用代码,年份,营业收入(万元)\n91350200776049653A,2023,-1\n", encoding="utf-8")
    refused = jiqun(pg_database, home, "import", str(bad))
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    after = json.loads(jiqun(pg_database, home, "summary", "--format", "json").stdout)
    assert after["counts"] == counts


def test_demo_on_postgres_never_touches_the_registry(pg_database: str, tmp_path: Path) -> None:
    from jiqun.samples import sample_files

    registry = tmp_path / "registry-home"
    assert jiqun(pg_database, registry, "import", *map(str, sample_files())).returncode == 0
    demo_db = pg_database + "_demo"
    import psycopg

    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{demo_db.rsplit("/", 1)[1]}"')
    env_home = tmp_path / "home"
    done = jiqun_env(pg_database, env_home, {"JIQUN_DEMO_DATABASE_URL": demo_db},
                     "demo", "--firms", "1000", "--format", "json", "--no-reports")
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout)
    assert out["registry"]["counts"]["enterprises"] > 1000
    baoying = next(c for c in out["counties"] if c["code"] == "321023")
    assert baoying["enterprises"] >= 212
    again = json.loads(jiqun_env(pg_database, env_home, {"JIQUN_DEMO_DATABASE_URL": demo_db},
                                 "demo", "--firms", "1000", "--format", "json", "--no-reports").stdout)
    assert again["reused"] and again["registry"]["counts"] == out["registry"]["counts"]
    registry_counts = json.loads(jiqun(pg_database, registry, "summary", "--format", "json").stdout)
    assert registry_counts["counts"]["enterprises"] == 16  # the user's registry is untouched
