"""Benchmark: the economic-complexity family on 2,900 regions × 1,381 industries.

Compared in the same run with the Growth Lab's ``ecomplexity`` package (its ``ecomplexity()``
with default options) on the same long table. The timed part is, for jiqun,
``complexity_tables`` (polars long table in; ECI, PCI, diversity, ubiquity, COI, proximity,
RCA, Mcp, density, distance and COG out as polars tables) and, for ``ecomplexity``, its one call
(pandas long table in; the same quantities except proximity out). Each side runs in its own
process, ``--repeat`` times, interleaved; we report the median wall time and the peak resident
memory, and check that every shared number agrees to a relative 1e-9.

The data are synthetic but shaped like a county × 4-digit industry table: a nested presence
pattern (a region's capability against an industry's difficulty) with lognormal region sizes,
industry sizes and noise, from ``numpy.random.default_rng(--seed)``.

Usage::

    python benchmarks/complexity.py [--regions 2900] [--industries 1381] [--repeat 3] [--write-results]

Needs ``ecomplexity`` (and pandas) for the baseline; neither is a dependency of jiqun.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import warnings
from datetime import date
from importlib.metadata import version
from pathlib import Path

import numpy as np
import polars as pl

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work" / "complexity"
YEAR = 2023
RTOL, ATOL = 1e-9, 1e-12
NAMES = {"time": "year", "loc": "region", "prod": "industry", "val": "value"}


def synthetic(seed: int, regions: int, industries: int) -> np.ndarray:
    """Nested presence with lognormal sizes: about 30 % of the cells are non-zero."""
    rng = np.random.default_rng(seed)
    capability, difficulty = rng.random(regions), rng.random(industries)
    chance = 1 / (1 + np.exp(-(capability[:, None] - difficulty[None, :] - 0.25) / 0.15))
    sizes = rng.lognormal(0, 1, regions)[:, None] * rng.lognormal(0, 1, industries)[None, :]
    noise = rng.lognormal(0, 1.5, (regions, industries))
    return sizes * noise * (rng.random((regions, industries)) < chance)


def make_input(seed: int, regions: int, industries: int) -> Path:
    """The long table (non-zero cells only) as Parquet, cached in benchmarks/_work/complexity."""
    path = WORK / f"long-{regions}x{industries}-seed{seed}.parquet"
    if path.exists():
        return path
    WORK.mkdir(parents=True, exist_ok=True)
    x = synthetic(seed, regions, industries)
    r, i = np.nonzero(x)
    pl.DataFrame({"year": np.full(len(r), YEAR, dtype=np.int64),
                  "region": [f"{430000 + k:06d}" for k in r],
                  "industry": [f"{1000 + k:04d}" for k in i],
                  "value": x[r, i]}).write_parquet(path)
    return path


# --- the two contenders, each run in a child process ---------------------------------------


def child_jiqun(data: Path, out: Path | None) -> dict[str, float]:
    from jiqun.indicators.complexity import complexity_tables
    from jiqun.indicators.engine import Columns

    long = pl.read_parquet(data)
    start = time.perf_counter()
    tables = complexity_tables(long, Columns(year="year"))
    seconds = time.perf_counter() - start
    if out:
        tables.complexity.write_parquet(out / "jiqun-complexity.parquet")
        tables.density.write_parquet(out / "jiqun-density.parquet")
    return {"seconds": seconds, "proximity_pairs": tables.proximity.height}


def child_ecomplexity(data: Path, out: Path | None) -> dict[str, float]:
    from ecomplexity import ecomplexity

    frame = pl.read_parquet(data).to_pandas()
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = ecomplexity(frame, NAMES)
    seconds = time.perf_counter() - start
    if out:
        pl.from_pandas(result).write_parquet(out / "ecomplexity.parquet")
    return {"seconds": seconds}


CHILDREN = {"jiqun": child_jiqun, "ecomplexity": child_ecomplexity}


def run_child(which: str, data: Path, out: Path | None) -> dict[str, float]:
    done = subprocess.run([sys.executable, __file__, "--child", which, str(data), str(out or "")],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def child_main(which: str, data: str, out: str) -> None:
    result = CHILDREN[which](Path(data), Path(out) if out else None)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


# --- agreement ------------------------------------------------------------------------------


def agreement(out: Path) -> dict[str, dict[str, float]]:
    """Largest relative and absolute difference of each shared quantity (asserting rtol 1e-9)."""
    theirs = pl.read_parquet(out / "ecomplexity.parquet").sort("region", "industry")
    density = pl.read_parquet(out / "jiqun-density.parquet").sort("region", "industry")
    complexity = pl.read_parquet(out / "jiqun-complexity.parquet")
    assert density["mcp"].to_list() == theirs["mcp"].to_list(), "Mcp differs"
    pairs = {c: (density[c], theirs[c]) for c in ("rca", "density", "cog")}
    by_region = theirs.group_by("region").agg(pl.col("eci", "coi", "diversity").first()).sort("region")
    by_industry = theirs.group_by("industry").agg(pl.col("pci", "ubiquity").first()).sort("industry")
    regions = complexity.filter(pl.col("unit") == "region").sort("code")
    industries = complexity.filter(pl.col("unit") == "industry").sort("code")
    pairs |= {"eci": (regions["complexity"], by_region["eci"]), "coi": (regions["coi"], by_region["coi"]),
              "pci": (industries["complexity"], by_industry["pci"]),
              "diversity": (regions["degree"], by_region["diversity"]),
              "ubiquity": (industries["degree"], by_industry["ubiquity"])}
    return {name: _difference(mine.to_numpy(), want.to_numpy()) for name, (mine, want) in pairs.items()}


def _difference(mine: np.ndarray, want: np.ndarray) -> dict[str, float]:
    mine, want = mine.astype(float), want.astype(float)
    np.testing.assert_allclose(mine, want, rtol=RTOL, atol=ATOL)
    gap = np.abs(mine - want)
    sizeable = np.abs(want) >= 1e-6  # relative differences of values that cancel to ~0 mean nothing
    relative = float(np.max(gap[sizeable] / np.abs(want[sizeable]))) if sizeable.any() else 0.0
    return {"relative": relative, "absolute": float(np.max(gap))}


# --- driver ---------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--regions", type=int, default=2900)
    parser.add_argument("--industries", type=int, default=1381)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write-results", action="store_true")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--child", nargs=3)
    args = parser.parse_args()
    if args.child:
        child_main(*args.child)
        return
    data = make_input(args.seed, args.regions, args.industries)
    load_before = os.getloadavg()[0]
    contenders = ["jiqun"] + ([] if args.skip_baseline else ["ecomplexity"])
    results: dict[str, list[dict[str, float]]] = {name: [] for name in contenders}
    for repeat in range(args.repeat):
        for name in contenders:  # interleaved, so that machine noise hits both alike
            results[name].append(run_child(name, data, WORK if repeat == 0 else None))
    summary = {name: _summarise(runs) for name, runs in results.items()}
    check = {} if args.skip_baseline else agreement(WORK)
    report = {"rows": pl.scan_parquet(data).select(pl.len()).collect().item(), "summary": summary,
              "difference": check, "load_average": [load_before, os.getloadavg()[0]]}
    print(json.dumps(report, indent=2))
    if args.write_results:
        _write_results(report, args)


def _summarise(runs: list[dict[str, float]]) -> dict[str, object]:
    return {"median_seconds": round(statistics.median(r["seconds"] for r in runs), 2),
            "peak_mb": round(max(r["peak_mb"] for r in runs)), "runs": len(runs),
            "all_seconds": [round(r["seconds"], 2) for r in runs]}


def _versions() -> str:
    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    names = ("numpy", "scipy", "polars", "pandas", "ecomplexity")
    return ", ".join(f"{n} {version(n)}" for n in names) + f", {blas['name']} {blas['version']}"


def _write_results(report: dict[str, object], args: argparse.Namespace) -> None:
    summary: dict[str, dict[str, object]] = report["summary"]  # type: ignore[assignment]
    before, after = report["load_average"]  # type: ignore[misc]
    lines = [f"## complexity — {date.today().isoformat()}", "",
             f"ECI, PCI, diversity, ubiquity, COI, proximity, RCA, Mcp, density and COG of "
             f"{args.regions:,} regions × {args.industries:,} industries ({report['rows']:,} non-zero "
             f"cells of a synthetic nested, lognormal table, seed {args.seed}); median of {args.repeat} "
             f"interleaved runs, each in a fresh process; {platform.machine()}, {os.cpu_count()} cores, "
             f"Python {platform.python_version()}; {_versions()}. One-minute load average "
             f"{before:.1f} before and {after:.1f} after the runs (other jobs shared the machine).", "",
             "| contender | median s | peak RSS MB | runs (s) |", "|---|---|---|---|"]
    for name, s in summary.items():
        lines.append(f"| {name} | {s['median_seconds']} | {s['peak_mb']} | {s['all_seconds']} |")
    if "ecomplexity" in summary:
        ratio = summary["ecomplexity"]["median_seconds"] / summary["jiqun"]["median_seconds"]  # type: ignore[operator]
        gaps = report["difference"].values()  # type: ignore[attr-defined]
        relative, absolute = max(g["relative"] for g in gaps), max(g["absolute"] for g in gaps)
        lines += ["", f"jiqun is {ratio:.1f}× faster than ecomplexity (ratio of medians). Every shared "
                  f"number agrees within rtol {RTOL:g} (atol {ATOL:g} for values that cancel to ~0): "
                  f"largest relative difference {relative:.1e} (over values of magnitude ≥ 1e-6), "
                  f"largest absolute difference {absolute:.1e}, over ECI, PCI, COI, RCA, density and "
                  "COG; Mcp, diversity and ubiquity are identical."]
    path = HERE / "RESULTS.md"
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    path.write_text(_replace_section(old, "## complexity", "\n".join(lines) + "\n" + NOTES), encoding="utf-8")


NOTES = """
Command: `python benchmarks/complexity.py --repeat 3 --write-results` (`pip install ecomplexity`
for the baseline). A profile of ecomplexity shows where its time goes: about 80 % in the
co-presence product `MᵀM` of its proximity, which it computes on an int64 matrix (integer matrix
products never reach BLAS), then a dense non-symmetric `eig` of the 1,381 × 1,381 product-side
matrix (≈ 2 s), its pandas reshaping and an unused region-side product. jiqun computes the same
products in floating point through BLAS (exact: 0/1 entries, integer counts far below 2^24),
takes the second eigenvector of the symmetric, deflated `AᵀA` (`A = D^-1/2 M U^-1/2`) with
Lanczos, and settles connectivity with a breadth-first search of a few matrix–vector products.
"""


def _replace_section(text: str, marker: str, section: str) -> str:
    """``text`` with the section starting at ``marker`` replaced (or appended): other sections stay."""
    if marker not in text:
        return text.rstrip() + "\n\n" + section
    head, rest = text.split(marker, 1)
    following = rest.find("\n## ")
    tail = rest[following + 1:] if following >= 0 else ""
    return head + section + ("\n" + tail if tail else "")


if __name__ == "__main__":
    main()
