"""Typed frames and the checks that need whole rows, the whole file or the registry."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl

from jiqun.errors import Problem
from jiqun.ingest.columns import Env, parse_column
from jiqun.ingest.table import ROW, Table

MONEY_FIELDS_IN_CURRENCY = {"exports"}
Checked = tuple[pl.DataFrame, list[Problem]]


@dataclass
class Context:
    """What the checks need to know beyond the file itself."""

    today: date
    registry_usccs: set[str] = field(default_factory=set)
    batch_usccs: set[str] = field(default_factory=set)
    # (county, name) -> USCC of enterprises already registered under a name the batch uses
    registry_names: dict[tuple[str, str], str] = field(default_factory=dict)

    def knows(self, uscc: str) -> bool:
        return uscc in self.registry_usccs or uscc in self.batch_usccs


def typed_frame(table: Table, env: Env) -> tuple[pl.DataFrame, list[Problem]]:
    """Parse every matched column; returns the typed frame (with ``_row``) and cell problems."""
    columns: dict[str, pl.Series] = {ROW: table.cells[ROW]}
    problems: list[Problem] = []
    extras: dict[str, pl.Series] = {}
    for col in table.columns:
        parsed = parse_column(table, col, env)
        columns[col.field.name] = parsed.values.alias(col.field.name)
        problems += parsed.problems
        extras.update({f"{col.field.name}.{k}": v for k, v in parsed.extra.items()})
    frame = pl.DataFrame(columns).with_columns(
        [s.alias(name) for name, s in extras.items()]
    )
    return frame, problems


def check_rows(table: Table, frame: pl.DataFrame, ctx: Context) -> Checked:
    """Row, file and registry checks; returns the frame completed for writing and problems."""
    frame = _apply_implications(table, frame)
    problems = _overflow(table) + _required(table, frame) + _ceilings(table, frame)
    frame, more = _CHECKS.get(table.kind.name, _no_checks)(table, frame, ctx)
    problems += more + _duplicates(table, frame)
    return frame, problems


def row_problem(table: Table, row: int, column: str, value: object, message: str,
                expected: str = "", severity: str = "error") -> Problem:
    return Problem(message=message, file=table.sheet.where(), row=int(row), column=column,
                   value="" if value is None else str(value), expected=expected,
                   severity=severity)  # type: ignore[arg-type]


def _apply_implications(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    for name in [c for c in frame.columns if "." in c]:
        source, target = name.split(".", 1)
        if target in table.kind.fields and table.kind.fields[source].implies:
            current = frame[target] if target in frame.columns else pl.lit(None, pl.String)
            frame = frame.with_columns(pl.coalesce(current, pl.col(name)).alias(target))
    return frame


def _overflow(table: Table) -> list[Problem]:
    rows = table.cells.filter(pl.col("_overflow"))[ROW].to_list()
    return [row_problem(table, r, "", "", "这一行的值比表头的列还多（可能多了分隔符或错位）",
                        "每行的值与表头逐列对应") for r in rows]


def _required(table: Table, frame: pl.DataFrame) -> list[Problem]:
    problems = []
    for spec in table.kind.required():
        if spec.name not in frame.columns:
            continue
        raw = table.cells[spec.name] if spec.name in table.cells.columns else None
        missing = frame.filter(pl.col(spec.name).is_null())
        if raw is not None:  # cells that failed to parse are already reported
            parsed_bad = table.cells.filter(raw.is_not_null() & raw.str.strip_chars().ne(""))[ROW]
            missing = missing.filter(~pl.col(ROW).is_in(parsed_bad.implode()))
        problems += [row_problem(table, r, table.header_of(spec.name), "", f"“{spec.zh}”不能为空",
                                 f"填写{spec.zh}") for r in missing[ROW].to_list()]
    return problems


def _ceilings(table: Table, frame: pl.DataFrame) -> list[Problem]:
    problems = []
    for spec in table.kind.fields.values():
        if spec.name not in frame.columns or spec.type not in {"money", "count", "quantity"}:
            continue
        scale = 1 if spec.type == "count" else 100
        values = frame.select(ROW, spec.name).drop_nulls()
        negative = values.filter(pl.col(spec.name) < 0)
        problems += [row_problem(table, r, table.header_of(spec.name), _show(v, scale),
                                 "不能为负数", "0 或正数") for r, v in negative.iter_rows()]
        if spec.max is not None:
            big = values.filter(pl.col(spec.name) > int(spec.max * scale))
            problems += [row_problem(table, r, table.header_of(spec.name), _show(v, scale),
                                     "数值大得不合常理，请检查单位（元/万元/亿元）或多写的零",
                                     f"不超过 {spec.max:,.0f}（基本单位）") for r, v in big.iter_rows()]
    return problems


def _show(value: int, scale: int) -> str:
    return str(value) if scale == 1 else f"{value / scale:.2f}"


def _duplicates(table: Table, frame: pl.DataFrame) -> list[Problem]:
    key = [k for k in table.kind.key if k in frame.columns]
    if not key or frame.is_empty():
        return []
    keyed = frame.select(ROW, *key).drop_nulls(subset=[k for k in key if k in _non_null_keys(table)])
    first = keyed.group_by(key, maintain_order=True).agg(pl.col(ROW).first().alias("_first"))
    dup = keyed.join(first, on=key, nulls_equal=True).filter(pl.col(ROW) != pl.col("_first"))
    label = "、".join(table.kind.fields[k].zh for k in key if k in table.kind.fields)
    return [row_problem(table, r[0], label, " / ".join(str(v) for v in r[1:-1] if v is not None),
                        f"与第 {r[-1]} 行重复（{label}相同）", "同一文件中每条记录只出现一次")
            for r in dup.iter_rows()]


def _non_null_keys(table: Table) -> list[str]:
    return [k for k in table.kind.key if k in table.kind.fields and table.kind.fields[k].required]


def _no_checks(table: Table, frame: pl.DataFrame, ctx: Context) -> Checked:
    return frame, []


def _unknown_enterprises(table: Table, frame: pl.DataFrame, ctx: Context,
                         column: str = "uscc") -> list[Problem]:
    if column not in frame.columns:
        return []
    known = pl.Series(sorted(ctx.registry_usccs | ctx.batch_usccs), dtype=pl.String)
    rows = frame.select(ROW, column).drop_nulls().filter(~pl.col(column).is_in(known.implode()))
    return [row_problem(table, r, table.header_of(column), code,
                        "登记库中没有这家企业（企业名录里也没有）",
                        "先导入企业名录，或与年度数据放在同一次导入中")
            for r, code in rows.iter_rows()]


def _enterprise_year_checks(table: Table, frame: pl.DataFrame, ctx: Context) -> Checked:
    problems = _unknown_enterprises(table, frame, ctx)
    problems += _currency_checks(table, frame)
    frame = _export_currency(frame)
    problems += _plausibility(table, frame)
    return frame, problems


def _currency_checks(table: Table, frame: pl.DataFrame) -> list[Problem]:
    problems = []
    for name in [c for c in frame.columns if c.endswith(".currency") and "." in c]:
        base = name.split(".")[0]
        if base in MONEY_FIELDS_IN_CURRENCY:
            continue
        usd = frame.filter(pl.col(name) == "USD").select(ROW)
        problems += [row_problem(table, r, table.header_of(base), "", "此列只能是人民币金额",
                                 "元、万元或亿元") for (r,) in usd.iter_rows()]
    if "exports.currency" in frame.columns and "export_currency" in frame.columns:
        clash = frame.filter(pl.col("export_currency").is_not_null()
                             & (pl.col("export_currency") != pl.col("exports.currency")))
        problems += [row_problem(table, r, table.header_of("export_currency"), c,
                                 "出口币种与出口额的单位不一致", "与出口额单位一致的币种")
                     for r, c in clash.select(ROW, "export_currency").iter_rows()]
    return problems


def _export_currency(frame: pl.DataFrame) -> pl.DataFrame:
    if "exports" not in frame.columns:
        return frame
    sources = [pl.col(c) for c in ("export_currency", "exports.currency") if c in frame.columns]
    currency = pl.coalesce(*sources) if sources else pl.lit(None, pl.String)
    return frame.with_columns(
        pl.when(pl.col("exports").is_not_null()).then(currency).otherwise(None)
        .alias("export_currency"))


def _plausibility(table: Table, frame: pl.DataFrame) -> list[Problem]:
    if not {"rd_spending", "revenue"} <= set(frame.columns):
        return []
    odd = frame.filter(pl.col("rd_spending") > pl.col("revenue")).select(ROW, "rd_spending")
    return [row_problem(table, r, table.header_of("rd_spending"), f"{v / 100:.2f}",
                        "研发费用高于营业收入，请核对", severity="warning") for r, v in odd.iter_rows()]


def _enterprise_checks(table: Table, frame: pl.DataFrame, ctx: Context) -> Checked:
    problems = _same_name_other_code(table, frame, ctx)
    if not {"founded", "closed"} <= set(frame.columns):
        return frame, problems
    bad = frame.filter(pl.col("closed") < pl.col("founded")).select(ROW, "closed")
    return frame, problems + [row_problem(table, r, table.header_of("closed"), v, "注销日期早于成立日期",
                                          "不早于成立日期") for r, v in bad.iter_rows()]


def _same_name_other_code(table: Table, frame: pl.DataFrame, ctx: Context) -> list[Problem]:
    """A warning when the registry holds the same name in the same county under another USCC."""
    if not ctx.registry_names or not {"uscc", "name", "region"} <= set(frame.columns):
        return []
    problems = []
    for row, uscc, name, region in frame.select(ROW, "uscc", "name", "region").iter_rows():
        other = ctx.registry_names.get((region, name))
        if other and other != uscc:
            problems.append(row_problem(
                table, row, table.header_of("name"), name,
                f"登记库中同一区县已有同名企业，信用代码为 {other}；请确认不是同一家企业",
                severity="warning"))
    return problems


def _known_enterprise_checks(table: Table, frame: pl.DataFrame, ctx: Context) -> Checked:
    return frame, _unknown_enterprises(table, frame, ctx)


def party_key(uscc: str | None, name: str | None, region: str | None) -> str | None:
    """The key of a supply-link party: its USCC, else ``name@region``; None if neither."""
    if uscc:
        return uscc
    if name and region:
        return f"{name}@{region}"
    return None


def _supply_checks(table: Table, frame: pl.DataFrame, ctx: Context) -> Checked:
    problems = []
    for side, zh in (("supplier", "供货方"), ("buyer", "采购方")):
        cols = [f"{side}_uscc", f"{side}_name", f"{side}_region"]
        for c in cols:
            if c not in frame.columns:
                frame = frame.with_columns(pl.lit(None, pl.String).alias(c))
        keys = [party_key(*vals) for vals in frame.select(cols).iter_rows()]
        frame = frame.with_columns(pl.Series(f"{side}_key", keys, pl.String))
        missing = frame.filter(pl.col(f"{side}_key").is_null())[ROW].to_list()
        problems += [row_problem(table, r, zh, "", f"{zh}既没有信用代码，也没有“名称+区县代码”",
                                 f"{zh}信用代码，或{zh}名称与{zh}区县代码") for r in missing]
    if "product" not in frame.columns:
        frame = frame.with_columns(pl.lit("").alias("product"))
    frame = frame.with_columns(pl.col("product").fill_null(""))
    return frame, problems


_CHECKS = {
    "equipment_purchases": _known_enterprise_checks,
    "enterprise_years": _enterprise_year_checks,
    "enterprises": _enterprise_checks,
    "brands": _known_enterprise_checks,
    "supply_links": _supply_checks,
}
