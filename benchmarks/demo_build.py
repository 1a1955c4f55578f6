"""Benchmark: ``jiqun demo`` end to end — generate, write bureau files, import — time and memory.

Each repetition runs ``jiqun demo --rebuild`` in a fresh process on a fresh data directory and
reads the process's peak resident memory. As the baseline measured in the same run we time the
I/O floor of the same data: polars reading every generated file and writing it back as Parquet
(no parsing of units, no checks, no database), so the ratio shows what the checks and the
registry cost on top of moving the bytes.

Usage::

    python benchmarks/demo_build.py [--firms 150000] [--repeat 3] [--write-results]
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

from results_file import replace_section  # benchmarks/ is the script's directory

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work" / "demo"


def run_demo(firms: int) -> dict[str, float]:
    home = WORK / "home"
    shutil.rmtree(home, ignore_errors=True)
    env = {**os.environ, "JIQUN_HOME": str(home)}
    env.pop("DATABASE_URL", None)
    code = ("import resource, sys, time; from jiqun.cli import main; t = time.perf_counter(); "
            f"status = main(['demo', '--rebuild', '--firms', '{firms}', '--format', 'json']); "
            "print('BENCH', time.perf_counter() - t, "
            "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, file=sys.stderr); "
            "sys.exit(status)")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True)
    line = next(s for s in done.stderr.splitlines() if s.startswith("BENCH"))
    _, seconds, peak = line.split()
    return {"seconds": float(seconds), "peak_mb": float(peak)}


def io_floor() -> dict[str, float]:
    import polars as pl

    files = sorted((WORK / "home" / "demo" / "output" / "导入文件").glob("*.csv"))
    start = time.perf_counter()
    rows = 0
    for path in files:
        frame = pl.read_csv(path, infer_schema=False)
        frame.write_parquet(WORK / f"{path.stem}.parquet")
        rows += frame.height
    return {"seconds": time.perf_counter() - start, "rows": rows,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--firms", type=int, default=150_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write-results", action="store_true")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    demo, floor = [], []
    for _ in range(args.repeat):
        demo.append(run_demo(args.firms))
        floor.append(io_floor())
    summary = {
        "demo_median_s": round(statistics.median(r["seconds"] for r in demo), 1),
        "demo_runs_s": [round(r["seconds"], 1) for r in demo],
        "demo_peak_mb": round(max(r["peak_mb"] for r in demo)),
        "io_floor_median_s": round(statistics.median(r["seconds"] for r in floor), 2),
        "rows_in_files": floor[0]["rows"],
    }
    print(json.dumps(summary, indent=2))
    if args.write_results:
        _write(summary, args)


def _write(summary: dict[str, object], args: argparse.Namespace) -> None:
    ratio = summary["demo_median_s"] / summary["io_floor_median_s"]  # type: ignore[operator]
    lines = [f"## demo_build — {date.today().isoformat()}", "",
             f"`jiqun demo --rebuild` with {args.firms:,} background firms (plus the planted seed "
             f"clusters), {args.repeat} runs, each a fresh process and data directory; "
             f"{platform.machine()}, {os.cpu_count()} cores.", "",
             "| measure | value |", "|---|---|",
             f"| demo end to end, median | {summary['demo_median_s']} s (runs {summary['demo_runs_s']}) |",
             f"| demo peak RSS | {summary['demo_peak_mb']} MB |",
             f"| rows in the generated CSV files | {summary['rows_in_files']:,} |",
             f"| baseline: polars read CSV → write Parquet, median | {summary['io_floor_median_s']} s |",
             "", f"The whole demo costs {ratio:.0f}× the I/O floor of its files. Command: "
             "`python benchmarks/demo_build.py --repeat 3 --write-results`.", ""]
    replace_section("## demo_build", lines)


if __name__ == "__main__":
    main()
