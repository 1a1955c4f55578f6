"""``jiqun demo``: build (or reuse) the demo registry in its own data directory and summarise it."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from jiqun.paths import DATABASE_FILE, ensure_data_dir, resolve_data_dir

DEMO_DIR = "demo"
MARKER = "demo.json"
DEMO_DATABASE_ENV = "JIQUN_DEMO_DATABASE_URL"
SEED_COUNTIES = ("430582", "321023", "410882", "420607")
Progress = Callable[[str], None]


def run_demo(
    data_dir: str | Path | None,
    seed: int | None = None,
    firms: int | None = None,
    out: Path | None = None,
    rebuild: bool = False,
    progress: Progress = lambda _: None,
    reports: bool = True,
) -> dict[str, object]:
    """Build the demo registry under ``<data dir>/demo`` unless the same one is there already,
    then (unless ``reports`` is false) write the seed counties' cluster survey reports."""
    from jiqun.demo.build import DEFAULT_FIRMS, DEFAULT_SEED

    home = ensure_data_dir(resolve_data_dir(data_dir) / DEMO_DIR)
    wanted = {
        "seed": DEFAULT_SEED if seed is None else seed,
        "firms": DEFAULT_FIRMS if firms is None else firms,
    }
    reuse = not rebuild and _marker(home) == wanted
    if not reuse:
        _reset(home)
    _configure(home, rebuild=not reuse)
    files_dir = (out or home / "output") / "导入文件"
    if not reuse:
        _build(wanted, files_dir, progress)
        (home / MARKER).write_text(json.dumps(wanted), encoding="utf-8")
    summary = _summary(home, files_dir, wanted, reuse)
    written = _reports((out or home / "output") / "报告", progress) if reports else []
    summary["reports"] = [str(p) for p in written]
    return summary


def _reports(folder: Path, progress: Progress) -> list[Path]:
    """The cluster survey reports of the four seed counties (Word, Excel, HTML), from the registry."""
    from jiqun.codes.regions import RegionCodebook
    from jiqun.demo.economy import load_parameters
    from jiqun.registry.snapshot import registry_tables
    from jiqun.report.build import build_reports
    from jiqun.report.write import write_report

    tables = registry_tables()
    names = {row["code"]: row["name"] for row in load_parameters()["industries"]}
    written: list[Path] = []
    for code in SEED_COUNTIES:
        region = RegionCodebook.default().get(code)
        name = region.name if region else code
        start = time.perf_counter()
        for report in build_reports(tables, code, name, industry_names=names):
            written += write_report(report, folder)
        progress(f"写出{name}的集群调研报告，用时 {time.perf_counter() - start:.0f} 秒")
    return written


def _marker(home: Path) -> dict[str, object] | None:
    path = home / MARKER
    try:
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
    except (OSError, ValueError):
        return None


def _reset(home: Path) -> None:
    """A fresh demo database (the demo directory never holds anything but the demo)."""
    for name in (MARKER, DATABASE_FILE, DATABASE_FILE + "-wal", DATABASE_FILE + "-shm"):
        (home / name).unlink(missing_ok=True)


def _configure(home: Path, rebuild: bool) -> None:
    """Django on the demo's own database: never the user's registry (``DATABASE_URL``).

    The demo uses SQLite in its directory, or the dedicated database named by
    ``JIQUN_DEMO_DATABASE_URL`` (which it empties before a rebuild).
    """
    from jiqun.site.bootstrap import configure, migrate

    demo_url = os.environ.get(DEMO_DATABASE_ENV)
    os.environ.pop("DATABASE_URL", None)
    if demo_url:
        os.environ["DATABASE_URL"] = demo_url
    configure(home)
    migrate()
    if demo_url and rebuild:
        _empty_demo_database()


def _empty_demo_database() -> None:
    from jiqun.registry import models as m

    for model in (
        m.SupplyLink,
        m.Brand,
        m.EnterpriseYear,
        m.EquipmentPurchase,
        m.Enterprise,
        m.ServiceProvider,
        m.CountyFinance,
        m.KeyProject,
        m.ClusterTarget,
        m.Complaint,
        m.Park,
    ):
        model.objects.all().delete()


def _build(wanted: dict[str, object], files_dir: Path, progress: Progress) -> None:
    from jiqun.demo.build import generate_demo, write_bureau_files
    from jiqun.ingest.importer import import_files

    start = time.perf_counter()
    demo = generate_demo(int(wanted["seed"]), int(wanted["firms"]), progress=progress)
    progress(f"写出局里常见格式的导入文件：{files_dir}")
    shutil.rmtree(files_dir, ignore_errors=True)
    files = write_bureau_files(demo, files_dir)
    progress(f"导入 {len(files)} 个文件（与 jiqun import 相同的检查与事务）")
    result = import_files(files)
    progress(f"完成：导入 {result.totals()['inserted']:,} 行，用时 {time.perf_counter() - start:.0f} 秒")


def _summary(home: Path, files_dir: Path, wanted: dict[str, object], reused: bool) -> dict[str, object]:
    from django.db.models import Count, Q, Sum

    from jiqun.codes.regions import RegionCodebook
    from jiqun.registry import models as m
    from jiqun.registry.summary import registry_summary

    year = m.EnterpriseYear.objects.order_by("-year").values_list("year", flat=True).first()
    counties = []
    for code in SEED_COUNTIES:
        firms = m.Enterprise.objects.filter(region_id=code).aggregate(
            n=Count("uscc"), above=Count("uscc", filter=Q(above_size=True))
        )
        revenue = m.EnterpriseYear.objects.filter(enterprise__region_id=code, year=year).aggregate(
            s=Sum("revenue")
        )["s"]
        region = RegionCodebook.default().get(code)
        counties.append(
            {
                "code": code,
                "name": region.name if region else code,
                "enterprises": firms["n"],
                "above_size": firms["above"],
                "year": year,
                "revenue": str(revenue or 0),
            }
        )
    return {
        "data_dir": str(home),
        "files_dir": str(files_dir),
        "seed": wanted["seed"],
        "firms": wanted["firms"],
        "reused": reused,
        "counties": counties,
        "registry": registry_summary(),
    }
