"""The vectorised fast path and the scalar parsers agree on every cell.

Columns are parsed in two ways (see jiqun.ingest.columns): plain ASCII numbers vectorised, every
other distinct value by the scalar parsers of jiqun.ingest.parse, which are the specification.
Here random cells go through the whole column machinery and are compared, cell by cell, with the
scalar parsers applied directly.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from jiqun.codes.industries import IndustryCodebook
from jiqun.ingest import parse
from jiqun.ingest.checks import typed_frame
from jiqun.ingest.columns import Env, _cents
from jiqun.ingest.readers import RawSheet, frame_from_rows
from jiqun.ingest.table import recognise

USCC = "91350200776049653A"
HEADER = ["统一社会信用代码", "年份", "营业收入(万元)", "从业人员", "用地面积(亩)", "出口额(万美元)"]
ENV = Env(today=date(2026, 1, 1), industries=IndustryCodebook.builtin())

plain = st.decimals(min_value=0, max_value=10**9, places=6, allow_nan=False).map(str)
messy = st.text(alphabet="0123456789.,+- 万亿元美$¥０１２３．，多约()e", min_size=1, max_size=12)
cells = st.one_of(plain, messy, st.integers(0, 10**12).map(str), st.sampled_from(["", "NULL", "—"]))


def parse_table(columns: list[list[str]]) -> tuple[pl.DataFrame, list]:
    rows = [HEADER] + [[USCC, "2023", *values] for values in zip(*columns, strict=True)]
    table = recognise(RawSheet(file="t.csv", sheet=None, frame=frame_from_rows(rows)))
    return typed_frame(table, ENV)


def expected(value: str, fn) -> object:  # type: ignore[no-untyped-def]
    if parse.clean_cell(value) is None:
        return None
    try:
        return fn(parse.clean_cell(value))
    except parse.ParseError:
        return "error"


@settings(deadline=None, max_examples=60)
@given(st.lists(st.tuples(cells, cells, cells, cells), min_size=1, max_size=30))
def test_fast_and_scalar_paths_agree(values: list[tuple[str, str, str, str]]) -> None:
    columns = [list(c) for c in zip(*values, strict=True)]
    frame, problems = parse_table(columns)
    bad = {(p.row, p.column) for p in problems if p.severity == "error"}
    checks = [
        ("revenue", "营业收入(万元)",
         lambda v: _cents(parse.parse_money(v, parse.UNITS["万元"])[0])),
        ("employees", "从业人员", lambda v: parse.parse_int(v)),
        ("land_mu", "用地面积(亩)",
         lambda v: _cents(parse.parse_decimal(v, parse.UNITS["亩"], places=2))),
        ("exports", "出口额(万美元)",
         lambda v: _cents(parse.parse_money(v, parse.UNITS["万美元"])[0])),
    ]
    for index, (name, header, fn) in enumerate(checks):
        for row, value in enumerate(columns[index], start=2):
            want = expected(value, fn)
            got = frame.filter(pl.col("_row") == row)[name].item()
            if want == "error":
                assert (row, header) in bad, (header, value)
                assert got is None
            else:
                assert got == want, (header, value, got, want)


def test_fast_path_money_is_exact() -> None:
    frame, problems = parse_table([["0.1", "123456789.123456", "1"], ["1", "2", "3"],
                                   ["1", "1", "1"], ["0.01", "1", "1"]])
    assert not [p for p in problems if p.severity == "error"]
    assert frame["revenue"].to_list() == [100000, 123456789123456, 1000000]
    assert Decimal(frame["revenue"][1]) / 100 == Decimal("1234567891234.56")


def test_amounts_beyond_int64_are_errors_not_nulls() -> None:
    rows = [["统一社会信用代码", "年份", "营业收入(亿元)"], [USCC, "2023", "999999999"],
            [USCC, "2024", "99999999999999999"]]
    table = recognise(RawSheet(file="t.csv", sheet=None, frame=frame_from_rows(rows)))
    _, problems = typed_frame(table, ENV)
    errors = {p.row for p in problems if p.severity == "error"}
    assert errors == {2, 3}
