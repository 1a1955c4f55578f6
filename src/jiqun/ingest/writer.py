"""Write checked frames into the registry: insert new rows, update changed ones, skip the rest.

The writer runs inside the importer's transaction. It compares each incoming row with the row
already in the registry (by the kind's key): a blank incoming value keeps the registry value,
so re-importing a file — or a file with fewer columns — never erases data, and importing the
same file twice changes nothing.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import polars as pl
from django.db import connection

from jiqun.registry import models as m

FAULT_ENV = "JIQUN_TEST_KILL_AT_ROW"  # test hook: SIGKILL this process at the n-th written row
BULK_LOOKUP = 5000
CENTS = "cents"      # integer hundredths in the frame, yuan (or mu) in the database
TEXT = "text"        # NOT NULL text column: blank is ''
FLAG = "flag"        # NOT NULL boolean: blank is False
PLAIN = "plain"      # nullable column stored as is


@dataclass(frozen=True)
class Column:
    frame: str
    db: str
    kind: str = PLAIN


@dataclass(frozen=True)
class Target:
    model: type
    key: tuple[Column, ...]
    values: tuple[Column, ...]

    @property
    def table(self) -> str:
        return self.model._meta.db_table  # type: ignore[attr-defined]

    def columns(self) -> tuple[Column, ...]:
        return self.key + self.values


def _c(frame: str, db: str | None = None, kind: str = PLAIN) -> Column:
    return Column(frame, db or frame, kind)


TARGETS: dict[str, Target] = {
    "parks": Target(m.Park, (_c("region", "region_id"), _c("name", kind=TEXT)), (
        _c("level", kind=TEXT), _c("planned_area_mu", kind=CENTS), _c("used_area_mu", kind=CENTS),
        _c("main_industries", kind=TEXT))),
    "enterprises": Target(m.Enterprise, (_c("uscc"),), (
        _c("name", kind=TEXT), _c("region", "region_id"), _c("town", kind=TEXT),
        _c("address", kind=TEXT), _c("industry", "industry_id"), _c("founded"), _c("closed"),
        _c("ownership", kind=TEXT), _c("size_class", kind=TEXT), _c("park_id"),
        _c("above_size"), _c("specialised"), _c("high_tech"), _c("listed"))),
    "enterprise_years": Target(m.EnterpriseYear, (_c("uscc", "enterprise_id"), _c("year")), (
        _c("revenue", kind=CENTS), _c("industrial_output", kind=CENTS), _c("employees"),
        _c("exports", kind=CENTS), _c("export_currency", kind=TEXT),
        _c("rd_spending", kind=CENTS), _c("invention_patents"), _c("utility_patents"),
        _c("new_products"), _c("tax", kind=CENTS), _c("total_assets", kind=CENTS),
        _c("liabilities", kind=CENTS), _c("energy_tce", kind=CENTS), _c("land_mu", kind=CENTS))),
    "brands": Target(m.Brand, (_c("uscc", "enterprise_id"), _c("kind", kind=TEXT),
                               _c("name", kind=TEXT)), (_c("level", kind=TEXT), _c("year"))),
    "supply_links": Target(m.SupplyLink, (
        _c("supplier_key", kind=TEXT), _c("buyer_key", kind=TEXT), _c("product", kind=TEXT),
        _c("year")), (
        _c("supplier_id"), _c("supplier_name", kind=TEXT), _c("supplier_region", "supplier_region_id"),
        _c("buyer_id"), _c("buyer_name", kind=TEXT), _c("buyer_region", "buyer_region_id"),
        _c("amount", kind=CENTS))),
    "service_providers": Target(m.ServiceProvider, (
        _c("region", "region_id"), _c("name", kind=TEXT), _c("kind", kind=TEXT)), (
        _c("uscc", kind=TEXT), _c("public_platform", kind=FLAG), _c("description", kind=TEXT))),
    "county_finance": Target(m.CountyFinance, (_c("region", "region_id"), _c("year")), (
        _c("deposits", kind=CENTS), _c("loans", kind=CENTS))),
    "key_projects": Target(m.KeyProject, (_c("region", "region_id"), _c("name", kind=TEXT)), (
        _c("investors", kind=TEXT), _c("cluster", kind=TEXT), _c("industry", "industry_id"),
        _c("stage", kind=TEXT), _c("planned_investment", kind=CENTS),
        _c("completed_investment", kind=CENTS), _c("expected_output", kind=CENTS), _c("jobs"),
        _c("land_mu", kind=CENTS), _c("start_year"), _c("description", kind=TEXT))),
    "cluster_targets": Target(m.ClusterTarget, (
        _c("region", "region_id"), _c("cluster", kind=TEXT), _c("target_year")), (
        _c("target_output", kind=CENTS), _c("source", kind=TEXT))),
    "equipment_purchases": Target(m.EquipmentPurchase, (
        _c("uscc", "enterprise_id"), _c("year"), _c("item", kind=TEXT)), (
        _c("kind", kind=TEXT), _c("amount", kind=CENTS), _c("shareable"))),
    "complaints": Target(m.Complaint, (_c("code", kind=TEXT),), (
        _c("region", "region_id"), _c("received"), _c("category", kind=TEXT),
        _c("summary", kind=TEXT), _c("anonymous", kind=FLAG), _c("resolved"))),
}


@dataclass
class WriteResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


def plan(kind: str, frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """Split ``frame`` into rows to insert and rows to update; also count unchanged rows."""
    target = TARGETS[kind]
    incoming = _incoming(target, frame)
    existing = _existing(target, incoming)
    keys = [c.frame for c in target.key]
    joined = incoming.join(existing, on=keys, how="left", suffix="__old", nulls_equal=True)
    found = pl.col("__exists").is_not_null()
    merged = joined.with_columns(
        [pl.coalesce(pl.col(c.frame), pl.col(f"{c.frame}__old")).alias(c.frame)
         for c in target.values])
    changed = pl.any_horizontal(
        [pl.col(c.frame).ne_missing(pl.col(f"{c.frame}__old")) for c in target.values]
        or [pl.lit(False)])
    cols = [c.frame for c in target.columns()]
    inserts = merged.filter(~found).select(cols)
    updates = merged.filter(found & changed).select(cols)
    return inserts, updates, merged.filter(found & ~changed).height


def write(kind: str, frame: pl.DataFrame, dry_run: bool = False) -> WriteResult:
    """Insert and update ``frame`` (already checked) into the registry table of ``kind``."""
    inserts, updates, unchanged = plan(kind, frame)
    if not dry_run:
        target = TARGETS[kind]
        # Key order keeps the B-tree inserts local: several times faster on large batches.
        inserts = inserts.sort([c.frame for c in target.key], nulls_last=True)
        _insert(target, _defaults(target, inserts))
        _update(target, updates)
    return WriteResult(inserted=inserts.height, updated=updates.height, unchanged=unchanged)


def _incoming(target: Target, frame: pl.DataFrame) -> pl.DataFrame:
    missing = [pl.lit(None).alias(c.frame) for c in target.columns() if c.frame not in frame.columns]
    out = frame.with_columns(missing).select([c.frame for c in target.columns()])
    return out.with_columns(
        [pl.col(c.frame).replace("", None) for c in target.values if c.kind == TEXT
         and out.schema[c.frame] == pl.String])


def _existing(target: Target, incoming: pl.DataFrame) -> pl.DataFrame:
    cols = target.columns()
    select = ", ".join(_q(c.db) for c in cols)
    sql = f"SELECT {select} FROM {_q(target.table)}"  # noqa: S608 - names come from the models
    lead = target.key[0]
    values = incoming[lead.frame].drop_nulls().unique().to_list()
    rows: list[tuple] = []
    with connection.cursor() as cursor:
        if len(values) > BULK_LOOKUP:  # one scan beats thousands of IN (...) queries
            cursor.execute(sql)
            rows = cursor.fetchall()
        for chunk in _chunks(values, 900) if len(values) <= BULK_LOOKUP else []:
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"{sql} WHERE {_q(lead.db)} IN ({marks})", chunk)
            rows += cursor.fetchall()
    frame = pl.DataFrame(rows, schema=[c.frame for c in cols], orient="row",
                         infer_schema_length=None)
    frame = _from_db(target, frame, incoming)
    return frame.with_columns(pl.lit(True).alias("__exists")).rename(
        {c.frame: f"{c.frame}__old" for c in target.values})


def _from_db(target: Target, frame: pl.DataFrame, like: pl.DataFrame) -> pl.DataFrame:
    exprs = []
    for c in target.columns():
        col = pl.col(c.frame)
        if c.kind == CENTS:
            col = (col.cast(pl.Float64) * 100).round(0).cast(pl.Int64)
        elif c.kind == TEXT:
            col = col.cast(pl.String).replace("", None)
        exprs.append(col.cast(like.schema[c.frame]) if like.schema[c.frame] != pl.Null
                     else col)
    return frame.with_columns(exprs)


def _defaults(target: Target, frame: pl.DataFrame) -> pl.DataFrame:
    fills = [pl.col(c.frame).fill_null("") for c in target.values if c.kind == TEXT]
    fills += [pl.col(c.frame).fill_null(False) for c in target.values if c.kind == FLAG]
    return frame.with_columns(fills)


def _db_rows(target: Target, frame: pl.DataFrame, order: tuple[Column, ...]) -> list[tuple]:
    exprs = []
    for c in order:
        col = pl.col(c.frame)
        exprs.append((col.cast(pl.Float64) / 100).alias(c.frame) if c.kind == CENTS else col)
    columns = [s.to_list() for s in frame.select(exprs)]
    return list(zip(*columns, strict=True))


def _insert(target: Target, frame: pl.DataFrame) -> None:
    if frame.is_empty():
        return
    cols = target.columns()
    names = ", ".join(_q(c.db) for c in cols)
    marks = ", ".join(["%s"] * len(cols))
    sql = f"INSERT INTO {_q(target.table)} ({names}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, _with_fault_injection(_db_rows(target, frame, cols)))


def _update(target: Target, frame: pl.DataFrame) -> None:
    if frame.is_empty():
        return
    sets = ", ".join(f"{_q(c.db)} = %s" for c in target.values)
    where = " AND ".join(f"{_q(c.db)} = %s" for c in target.key)
    sql = f"UPDATE {_q(target.table)} SET {sets} WHERE {where}"  # noqa: S608
    with connection.cursor() as cursor:
        rows = _db_rows(target, _defaults(target, frame), target.values + target.key)
        cursor.executemany(sql, _with_fault_injection(rows))


_written = 0


def _with_fault_injection(rows: Iterable[tuple]) -> Iterable[tuple]:
    """``rows`` as they are, unless the test hook asks to be killed at a given row."""
    target = os.environ.get(FAULT_ENV)
    return rows if not target else _killing_at(rows, int(target))


def _killing_at(rows: Iterable[tuple], at: int) -> Iterator[tuple]:
    global _written
    for row in rows:
        _written += 1
        if _written >= at:
            os.kill(os.getpid(), signal.SIGKILL)
        yield row


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _chunks(values: list, size: int) -> list[list]:
    return [values[i:i + size] for i in range(0, len(values), size)]
