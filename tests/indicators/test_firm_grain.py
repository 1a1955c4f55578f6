"""Firm-year tables: the grouping of a firm's rows is skipped once the rows are known to be one per
firm and cell, CRn's two ways agree, and DuckDB's memory settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

import jiqun.indicators as ji
from jiqun.errors import InputError
from jiqun.indicators import Workbench, prepare
from jiqun.indicators.engine import connect, duckdb_settings, firm_rows_unique, long_table

from .synthetic import firm_table

FIRM_MEASURES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("hhi", {"within": "cell"}), ("crn", {"within": "cell", "n": 3}), ("eg", {}),
    ("cmp_strength", {}), ("lq", {}),
)


@pytest.fixture(scope="module")
def firms() -> pl.DataFrame:
    return firm_table(np.random.default_rng(7))


def _split_rows(frame: pl.DataFrame, every: int) -> pl.DataFrame:
    """Every ``every``-th row split into two rows of the same firm and cell, 30 % and 70 %."""
    picked = frame.with_row_index("k").filter(pl.col("k") % every == 0).drop("k")
    rest = frame.with_row_index("k").filter(pl.col("k") % every != 0).drop("k")
    return pl.concat([rest, picked.with_columns(pl.col("value") * 0.3),
                      picked.with_columns(pl.col("value") * 0.7)])


def _all(bench: Workbench) -> dict[str, pl.DataFrame]:
    return {name: bench.compute(name, **options) for name, options in FIRM_MEASURES}


def test_a_firm_year_table_is_recognised_and_a_split_one_is_not(firms: pl.DataFrame) -> None:
    con = connect()
    cols = ji.Columns(year="year", firm="firm")
    assert firm_rows_unique(long_table(firms, cols, con), cols, con) is True
    assert firm_rows_unique(long_table(_split_rows(firms, 5), cols, con), cols, con) is False
    no_year = firms.filter(pl.col("year") == 2021).drop("year")
    assert firm_rows_unique(long_table(no_year, ji.Columns(firm="firm"), con), ji.Columns(firm="firm"), con)


def test_splitting_a_firms_rows_changes_no_measure(firms: pl.DataFrame) -> None:
    whole = prepare(firms, year="year", firm="firm")
    split = prepare(_split_rows(firms, 3), year="year", firm="firm")
    whole_results, split_results = _all(whole), _all(split)
    assert whole.firm_columns.grain == "firm" and split.firm_columns.grain is None
    for name, _ in FIRM_MEASURES:
        assert_frame_equal(split_results[name], whole_results[name], rel_tol=1e-10, abs_tol=1e-12)


def test_cells_first_or_measure_first_give_the_same_numbers(firms: pl.DataFrame) -> None:
    cells_first = prepare(firms, year="year", firm="firm")
    cells_first.compute("lq")
    measure_first = prepare(firms, year="year", firm="firm")
    for name, options in FIRM_MEASURES:
        assert_frame_equal(measure_first.compute(name, **options), cells_first.compute(name, **options),
                           rel_tol=1e-12)


@settings(max_examples=40, deadline=None)
@given(values=st.lists(st.floats(0.0, 1e6, allow_nan=False), min_size=1, max_size=12),
       n=st.integers(1, 5), ties=st.booleans())
def test_crn_bounded_heap_equals_sorting(values: list[float], n: int, ties: bool) -> None:
    if ties:
        values = values + values[:2]
    frame = pl.DataFrame({"region": ["r"] * len(values), "industry": ["i"] * len(values),
                          "firm": [f"f{k}" for k in range(len(values))], "value": values})
    bench = prepare(frame, firm="firm")
    heap = bench.compute("crn", within="cell", n=n, spillable=False)
    sort = bench.compute("crn", within="cell", n=n, spillable=True)
    assert_frame_equal(heap, sort, rel_tol=1e-12)
    positive = sorted((v for v in values if v > 0), reverse=True)
    if positive:
        assert heap[f"cr{n}"][0] == pytest.approx(sum(positive[:n]) / sum(positive), rel=1e-12)


def test_crn_takes_the_spillable_way_after_running_out_of_memory(
        firms: pl.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIQUN_DUCKDB_MEMORY", "auto")
    bench = prepare(firms, year="year", firm="firm")
    tried: list[bool] = []
    real = Workbench._run

    def fake(self: Workbench, name: str, sort: bool, options: dict[str, Any]) -> pl.DataFrame:
        tried.append(options["spillable"])
        if not options["spillable"]:
            raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block")
        return real(self, name, sort, options)

    monkeypatch.setattr(Workbench, "_run", fake)
    result = bench.compute("crn", within="cell", n=4)
    assert tried == [False, True]
    monkeypatch.setattr(Workbench, "_run", real)
    assert_frame_equal(result, bench.compute("crn", within="cell", n=4), rel_tol=1e-12)


def test_crn_under_a_memory_limit_goes_the_spillable_way_at_once(
        firms: pl.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JIQUN_DUCKDB_MEMORY", raising=False)
    bench = prepare(firms, year="year", firm="firm")
    tried: list[bool] = []
    real = Workbench._run

    def spy(self: Workbench, name: str, sort: bool, options: dict[str, Any]) -> pl.DataFrame:
        tried.append(options["spillable"])
        return real(self, name, sort, options)

    monkeypatch.setattr(Workbench, "_run", spy)
    bench.compute("crn", within="cell")
    assert tried == [True]


def test_duckdb_is_capped_at_2gb_and_spills_outside_the_working_directory(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JIQUN_DUCKDB_MEMORY", raising=False)
    monkeypatch.delenv("JIQUN_DUCKDB_TEMP", raising=False)
    settings_used = duckdb_settings()
    assert settings_used["memory_limit"] == "2GB"
    spill = Path(settings_used["temp_directory"])
    assert spill.is_absolute() and Path.cwd() not in spill.parents and spill.name.startswith("jiqun-duckdb-")
    assert spill.is_dir() and spill.stat().st_mode & 0o077 == 0  # private to this user
    con = connect().con
    query = "SELECT current_setting('memory_limit'), current_setting('temp_directory')"
    limit, folder = con.sql(query).fetchall()[0]
    assert limit.endswith("GiB") and float(limit.split()[0]) <= 2.0 and folder == str(spill)
    for auto in ("auto", "AUTO"):
        monkeypatch.setenv("JIQUN_DUCKDB_MEMORY", auto)
        assert "memory_limit" not in duckdb_settings()
    monkeypatch.setenv("JIQUN_DUCKDB_MEMORY", "lots")
    with pytest.raises(InputError, match="JIQUN_DUCKDB_MEMORY"):
        connect()


@pytest.mark.slow
def test_spark_learns_the_grain_from_the_cells(firms: pl.DataFrame) -> None:
    on_spark = prepare(firms, year="year", firm="firm", engine="spark")
    on_spark.compute("lq")
    assert on_spark.firm_columns.grain == "firm"
    on_duckdb = prepare(firms, year="year", firm="firm")
    for name, options in FIRM_MEASURES[:3]:
        assert_frame_equal(on_spark.compute(name, **options), on_duckdb.compute(name, **options),
                           check_dtypes=False, rel_tol=1e-9)


def test_crn_with_a_huge_n_is_one_on_every_way(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIQUN_DUCKDB_MEMORY", "auto")  # the heap way, which DuckDB limits in n
    frame = pl.DataFrame({"region": ["a", "a", "b"], "industry": ["x"] * 3, "firm": ["1", "2", "3"],
                          "value": [1.0, 2.0, 3.0]})
    result = prepare(frame, firm="firm").compute("crn", within="cell", n=2_000_000)
    assert result["cr2000000"].to_list() == [1.0, 1.0]


def test_an_unusable_spill_folder_is_named_before_any_work(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("JIQUN_DUCKDB_TEMP", str(blocker / "spill"))
    with pytest.raises(InputError, match="JIQUN_DUCKDB_TEMP") as caught:
        connect()
    assert caught.value.problems[0].value == str(blocker / "spill")
    monkeypatch.setenv("JIQUN_DUCKDB_TEMP", str(tmp_path / "new" / "spill"))
    assert duckdb_settings()["temp_directory"] == str(tmp_path / "new" / "spill")
    assert (tmp_path / "new" / "spill").is_dir()
