"""``jiqun import``: read files, check every row, and write all of it or none of it.

The import runs in three phases. *Read* recognises every table of every file. *Check* parses
every cell and checks rows, the file and the registry, collecting every problem. *Write* runs in
one database transaction, in the order parks → enterprises → yearly facts → brands → supply
links → service providers, and records an :class:`~jiqun.registry.models.ImportRun`. If any
error was found, nothing is written (unless ``skip_invalid``: then the rows with errors are
left out and listed).
"""

from __future__ import annotations

import getpass
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl
from django.db import transaction
from django.utils import timezone

from jiqun.errors import InputError, Problem
from jiqun.ingest import writer
from jiqun.ingest.checks import Context, check_rows, typed_frame
from jiqun.ingest.columns import Env
from jiqun.ingest.readers import RawSheet, read_file
from jiqun.ingest.report import LIST_SHEET, write_error_report
from jiqun.ingest.table import ROW, Table, recognise
from jiqun.registry import reference
from jiqun.registry.models import Enterprise, ImportRun
from jiqun.registry.reference import active_codebook

BULK_LOOKUP = 5000


@dataclass
class TableResult:
    """What happened to one table."""

    file: str
    kind: str
    rows: int
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_rows: list[int] = field(default_factory=list)


@dataclass
class ImportResult:
    tables: list[TableResult]
    problems: list[Problem]
    dry_run: bool
    report_path: Path | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def totals(self) -> dict[str, int]:
        keys = ("rows", "inserted", "updated", "unchanged")
        out = {k: sum(getattr(t, k) for t in self.tables) for k in keys}
        out["skipped"] = sum(len(t.skipped_rows) for t in self.tables)
        return out


@dataclass
class _Checked:
    table: Table
    frame: pl.DataFrame
    problems: list[Problem]


def import_files(
    paths: Sequence[Path],
    kind: str | None = None,
    sheet: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    report_path: Path | None = None,
    today: date | None = None,
) -> ImportResult:
    """Import ``paths`` into the registry as one transaction.

    Raises
    ------
    InputError
        When any row has an error and ``skip_invalid`` is false; nothing is written. The error
        carries every problem, and the error report is written to ``report_path`` (default: next
        to the first file, ``<name>_错误报告.xlsx``).
    """
    today = today or date.today()
    sheets = [s for p in paths for s in read_file(Path(p), sheet) if not _is_report_sheet(s)]
    tables = _recognise_all(sheets, kind, report_path or _default_report(paths[0]))
    tables.sort(key=lambda t: t.kind.order)
    checked = _check_all(tables, today, skip_invalid)
    problems = [p for c in checked for p in c.problems] + [n for t in tables for n in t.notes]
    errors = [p for p in problems if p.severity == "error"]
    report = report_path or _default_report(paths[0])
    if errors and not skip_invalid:
        written = _write_report(report, problems, tables)
        where = (f"错误报告：{written}" if written
                 else f"（无法写入错误报告 {report}，可用 --report 指定路径）")
        raise InputError(f"发现 {len(errors)} 处错误，未导入任何数据；{where}", problems)
    results = _write_all(checked, paths, dry_run, skip_invalid)
    result = ImportResult(results, problems, dry_run)
    if errors:
        result.report_path = _write_report(report, problems, tables)
    return result


def _is_report_sheet(sheet: RawSheet) -> bool:
    return sheet.sheet == LIST_SHEET


def _default_report(first: Path) -> Path:
    return Path(first).with_name(f"{Path(first).stem}_错误报告.xlsx")


def _recognise_all(sheets: list[RawSheet], kind: str | None, report: Path) -> list[Table]:
    tables, problems = [], []
    for sheet in sheets:
        try:
            tables.append(recognise(sheet, kind))
        except InputError as exc:
            problems += exc.problems
    if problems:
        _write_report(report, problems, [])
        raise InputError(f"有 {len(problems)} 处表头或文件问题，未导入任何数据", problems)
    return tables


def _write_report(path: Path, problems: list[Problem], tables: list[Table]) -> Path | None:
    try:
        return write_error_report(path, problems, [(t.sheet, t.header_row, t.kind.zh) for t in tables])
    except OSError:
        return None


def _check_all(tables: list[Table], today: date, skip_invalid: bool) -> list[_Checked]:
    ctx = Context(today=today, registry_usccs=_registry_usccs(tables),
                  registry_names=_registry_names(tables))
    env = Env(today=today, industries=active_codebook())
    checked = []
    for table in tables:
        frame, problems = typed_frame(table, env)
        frame, more = check_rows(table, frame, ctx)
        problems += more
        if skip_invalid:
            frame = frame.filter(~pl.col(ROW).is_in(_error_rows(problems)))
        if table.kind.name == "enterprises":
            ctx.batch_usccs |= set(frame["uscc"].drop_nulls().to_list())
        checked.append(_Checked(table, frame, problems))
    return checked


def _registry_usccs(tables: list[Table]) -> set[str]:
    """USCCs the batch refers to that the registry already holds."""
    wanted: set[str] = set()
    for t in tables:
        for name in ("uscc", "supplier_uscc", "buyer_uscc"):
            if name in t.cells.columns and t.kind.name != "enterprises":
                wanted |= set(t.cells[name].drop_nulls().str.strip_chars().str.to_uppercase().to_list())
    if len(wanted) > BULK_LOOKUP:  # one scan beats thousands of IN (...) queries
        return wanted & set(Enterprise.objects.values_list("uscc", flat=True))
    found: set[str] = set()
    values = sorted(wanted)
    for i in range(0, len(values), 900):
        found |= set(Enterprise.objects.filter(uscc__in=values[i:i + 900])
                     .values_list("uscc", flat=True))
    return found


def _registry_names(tables: list[Table]) -> dict[tuple[str, str], str]:
    """(county, name) → USCC for registered enterprises whose names the batch's lists use."""
    names: set[str] = set()
    for t in tables:
        if t.kind.name == "enterprises" and "name" in t.cells.columns:
            names |= set(t.cells["name"].drop_nulls().str.strip_chars().to_list())
    rows = Enterprise.objects.values_list("region_id", "name", "uscc")
    if len(names) > BULK_LOOKUP:
        return {(r, n): u for r, n, u in rows if n in names}
    found: dict[tuple[str, str], str] = {}
    values = sorted(names)
    for i in range(0, len(values), 900):
        found |= {(r, n): u for r, n, u in rows.filter(name__in=values[i:i + 900])}
    return found


def _error_rows(problems: list[Problem]) -> list[int]:
    return sorted({p.row for p in problems if p.severity == "error" and p.row is not None})


def _write_all(checked: list[_Checked], paths: Sequence[Path], dry_run: bool,
               skip_invalid: bool) -> list[TableResult]:
    started = timezone.now()
    results = []
    with transaction.atomic():
        for item in checked:
            results.append(_write_table(item, dry_run, skip_invalid))
        if not dry_run:
            _record_run(started, paths, results)
    return results


def _write_table(item: _Checked, dry_run: bool, skip_invalid: bool) -> TableResult:
    table, frame = item.table, item.frame
    result = TableResult(file=table.sheet.where(), kind=table.kind.name, rows=table.cells.height)
    if skip_invalid:
        result.skipped_rows = _error_rows(item.problems)
    frame = reference.prepare(table.kind.name, frame, dry_run)
    written = writer.write(table.kind.name, frame, dry_run=dry_run)
    result.inserted, result.updated, result.unchanged = (
        written.inserted, written.updated, written.unchanged)
    return result


def _record_run(started: object, paths: Sequence[Path], results: list[TableResult]) -> None:
    totals = {k: sum(getattr(r, k) for r in results) for k in ("rows", "inserted", "updated", "unchanged")}
    ImportRun.objects.create(
        started=started, finished=timezone.now(), user=_user(),
        files="\n".join(str(p) for p in paths),
        sha256="\n".join(_sha256(Path(p)) for p in paths),
        rows_read=totals["rows"], inserted=totals["inserted"], updated=totals["updated"],
        unchanged=totals["unchanged"], skipped=sum(len(r.skipped_rows) for r in results),
        summary={"tables": [r.__dict__ | {"skipped_rows": r.skipped_rows[:1000]} for r in results]},
    )


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
