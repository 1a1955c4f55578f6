"""Benchmark: import 1,000,000 enterprise-year rows from CSV with every check.

Compared in the same run with a naive baseline: pandas ``read_csv`` (all text), the same scalar
parsers and checks applied cell by cell (``Series.map``), and ``DataFrame.to_sql`` into a SQLite
table in one transaction. Each side runs in its own process, ``--repeat`` times; we report the
median wall time, rows/s and the peak resident memory of the process (``ru_maxrss``).

Usage::

    python benchmarks/import_1m.py [--rows 1000000] [--repeat 3] [--write-results]

Needs pandas for the baseline (``pip install pandas``); it is not a dependency of jiqun.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
from results_file import replace_section  # benchmarks/ is the script's directory

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work"
YEARS = (2019, 2020, 2021, 2022, 2023)
sys.path.insert(0, str(HERE.parent))


def make_inputs(rows: int) -> tuple[Path, Path]:
    """Enterprise list and facts CSV (rows / 5 firms × 5 years), cached in benchmarks/_work."""
    from tests.ingest.corpus_tools import make_usccs, write_facts

    folder = WORK / f"rows{rows}"
    ents, facts = folder / "企业.csv", folder / "年度.csv"
    if facts.exists() and ents.exists():
        return ents, facts
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(2026)
    firms = make_usccs(rng, rows // len(YEARS))
    with ents.open("w", encoding="utf-8") as handle:
        handle.write("统一社会信用代码,企业名称,区县代码,行业代码\n")
        for i, (code, county) in enumerate(firms):
            handle.write(f"{code},基准企业{i},{county},3059\n")
    write_facts(facts, rng, firms, YEARS)
    return ents, facts


# --- the two contenders, each run in a child process ---------------------------------------


def child_jiqun(home: Path, ents: Path, facts: Path) -> dict[str, float]:
    from jiqun.site.bootstrap import configure, migrate

    configure(home)
    migrate()
    from jiqun.ingest.importer import import_files

    import_files([ents])
    start = time.perf_counter()
    result = import_files([facts])
    seconds = time.perf_counter() - start
    assert result.totals()["inserted"] == _count_rows(facts), result.totals()
    return {"seconds": seconds}


def child_naive(home: Path, ents: Path, facts: Path) -> dict[str, float]:
    import sqlite3

    import pandas as pd

    from jiqun.codes.uscc import check_uscc
    from jiqun.ingest import parse

    known = set(pd.read_csv(ents, dtype=str)["统一社会信用代码"])
    start = time.perf_counter()
    frame = pd.read_csv(facts, dtype=str, keep_default_na=False)
    errors = 0
    out = pd.DataFrame()
    codes = frame["统一社会信用代码"].map(check_uscc)
    errors += int((~codes.map(lambda c: c.valid)).sum())
    out["enterprise_id"] = codes.map(lambda c: c.code)
    errors += int((~out["enterprise_id"].isin(known)).sum())
    out["year"] = frame["年份"].map(parse.parse_year)
    errors += int(((out["year"] < 1949) | (out["year"] > date.today().year)).sum())
    for header, name, kind in _NAIVE_COLUMNS:
        out[name] = frame[header].map(lambda v, k=kind, h=header: _naive_cell(v, k, h))
        errors += int((out[name].fillna(0) < 0).sum())
    errors += int(out.duplicated(["enterprise_id", "year"]).sum())
    assert errors == 0
    db = sqlite3.connect(home / "naive.sqlite3")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    with db:
        out.to_sql("facts", db, index=False, if_exists="replace", chunksize=50_000)
    db.close()
    return {"seconds": time.perf_counter() - start}


_NAIVE_COLUMNS = [
    ("营业收入(万元)", "revenue", "money"), ("工业总产值(万元)", "industrial_output", "money"),
    ("从业人员", "employees", "count"), ("出口额(万美元)", "exports", "usd"),
    ("研发费用(万元)", "rd_spending", "money"), ("发明专利", "invention_patents", "count"),
    ("实用新型专利", "utility_patents", "count"), ("新产品数", "new_products", "count"),
    ("税收(万元)", "tax", "money"), ("资产总计(万元)", "total_assets", "money"),
    ("负债合计(万元)", "liabilities", "money"),
    ("综合能源消费量(吨标准煤)", "energy_tce", "quantity"), ("用地面积(亩)", "land_mu", "quantity"),
]


def _naive_cell(value: str, kind: str, header: str) -> float | None:
    from jiqun.ingest import parse

    if parse.clean_cell(value) is None:
        return None
    if kind == "count":
        return parse.parse_int(value)
    if kind == "quantity":
        return float(parse.parse_decimal(value))
    unit = parse.UNITS["万美元" if kind == "usd" else "万元"]
    return float(parse.parse_money(value, unit)[0])


def _count_rows(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle) - 1


def run_child(which: str, ents: Path, facts: Path) -> dict[str, float]:
    home = WORK / f"home-{which}"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    env = {**os.environ, "JIQUN_HOME": str(home)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, __file__, "--child", which, str(home), str(ents), str(facts)],
                          env=env, capture_output=True, text=True, check=True)
    shutil.rmtree(home, ignore_errors=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def child_main(which: str, home: str, ents: str, facts: str) -> None:
    fn = child_jiqun if which == "jiqun" else child_naive
    result = fn(Path(home), Path(ents), Path(facts))
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write-results", action="store_true")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--child", nargs=4)
    args = parser.parse_args()
    if args.child:
        child_main(*args.child)
        return
    ents, facts = make_inputs(args.rows)
    rows = _count_rows(facts)
    contenders = ["jiqun"] + ([] if args.skip_baseline else ["naive"])
    results = {name: [] for name in contenders}
    for _ in range(args.repeat):
        for name in contenders:  # interleaved, so that machine noise hits both alike
            results[name].append(run_child(name, ents, facts))
    summary = {name: _summarise(runs, rows) for name, runs in results.items()}
    print(json.dumps(summary, indent=2))
    if args.write_results:
        _write_results(summary, rows, args.repeat)


def _summarise(runs: list[dict[str, float]], rows: int) -> dict[str, float]:
    seconds = statistics.median(r["seconds"] for r in runs)
    return {"median_seconds": round(seconds, 2), "rows_per_second": round(rows / seconds),
            "peak_mb": round(max(r["peak_mb"] for r in runs)), "runs": len(runs),
            "all_seconds": [round(r["seconds"], 2) for r in runs]}


def _write_results(summary: dict[str, dict[str, float]], rows: int, repeat: int) -> None:
    lines = [f"## import_1m — {date.today().isoformat()}", "",
             f"{rows:,} enterprise-year rows (15 columns, CSV), every check on; median of {repeat} "
             f"interleaved runs, each in a fresh process; {platform.machine()}, "
             f"{os.cpu_count()} cores, Python {platform.python_version()}.", "",
             "| contender | median s | rows/s | peak RSS MB | runs (s) |", "|---|---|---|---|---|"]
    for name, s in summary.items():
        lines.append(f"| {name} | {s['median_seconds']} | {s['rows_per_second']:,} | "
                     f"{s['peak_mb']} | {s['all_seconds']} |")
    if "naive" in summary:
        ratio = summary["naive"]["median_seconds"] / summary["jiqun"]["median_seconds"]
        lines += ["", f"jiqun is {ratio:.1f}× faster than the naive baseline (ratio of medians)."]
    replace_section("## import_1m", lines)


if __name__ == "__main__":
    main()
