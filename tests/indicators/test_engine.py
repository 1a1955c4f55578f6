"""The engine seam: Parquet scanned in place, checks with file/row/column, the workbench, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from jiqun.cli import main
from jiqun.errors import InputError
from jiqun.indicators import compute, prepare

from .synthetic import firm_table


@pytest.fixture(scope="module")
def firms() -> pl.DataFrame:
    return firm_table(np.random.default_rng(42))


def test_parquet_scan_gives_the_numbers_of_the_frame(firms: pl.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "firms.parquet"
    firms.write_parquet(path)
    for name, options in (("lq", {}), ("eg", {}), ("crn", {"within": "cell"})):
        from_file = compute(name, path, year="year", firm="firm", **options)
        from_frame = compute(name, firms, year="year", firm="firm", **options)
        assert_frame_equal(from_file, from_frame, check_dtypes=False, rel_tol=1e-12)


def test_workbench_equals_one_off_compute(firms: pl.DataFrame) -> None:
    bench = prepare(firms, year="year", firm="firm")
    for name, options in (("lq", {}), ("hhi", {"within": "cell"}), ("eg", {}), ("shift_share", {}),
                          ("cmp_strength", {}), ("gini", {})):
        once = compute(name, firms, year="year", firm="firm", **options)
        assert_frame_equal(bench.compute(name, **options), once, rel_tol=1e-12)


@pytest.mark.parametrize(("column", "bad", "message"), [
    ("value", -5.0, "为负"), ("value", float("nan"), "非数字"), ("region", "", "代码为空"),
])
def test_bad_parquet_cell_is_named_by_file_row_column(tmp_path: Path, column: str, bad: object,
                                                      message: str) -> None:
    frame = pl.DataFrame({"region": ["a", "b", "c"], "industry": ["x", "x", "y"], "value": [1.0, 2.0, 3.0]})
    frame = frame.with_columns(pl.when(pl.int_range(pl.len()) == 1).then(pl.lit(bad))
                               .otherwise(pl.col(column)).alias(column))
    path = tmp_path / "bad.parquet"
    frame.write_parquet(path)
    with pytest.raises(InputError) as caught:
        compute("lq", path)
    problem = caught.value.problems[0]
    assert (problem.file, problem.row, problem.column) == ("bad.parquet", 2, column)
    assert message in problem.message


def test_year_that_is_not_a_number_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "years.csv"
    path.write_text("region,industry,year,value\na,x,2024,1\nb,x,二〇二四,2\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        compute("lq", path, year="year")
    problem = caught.value.problems[0]
    assert (problem.row, problem.column, problem.value) == (3, "year", "二〇二四")


def test_missing_column_lists_what_is_there(tmp_path: Path) -> None:
    path = tmp_path / "cols.parquet"
    pl.DataFrame({"county": ["a"], "industry": ["x"], "value": [1.0]}).write_parquet(path)
    with pytest.raises(InputError) as caught:
        compute("lq", path)
    assert caught.value.problems[0].column == "region"
    assert "county" in (caught.value.problems[0].expected or "")


def test_zero_totals_one_region_one_industry_give_nulls_not_errors() -> None:
    zeros = pl.DataFrame({"region": ["a", "b"], "industry": ["x", "x"], "value": [0.0, 0.0]})
    assert compute("lq", zeros)["lq"].null_count() == 2
    one_region = pl.DataFrame({"region": ["a", "a"], "industry": ["x", "y"], "value": [1.0, 3.0]})
    assert compute("lq", one_region)["lq"].to_list() == [1.0, 1.0]
    assert compute("hhi", one_region)["hhi"].to_list() == [1.0, 1.0]
    one_industry = pl.DataFrame({"region": ["a", "b"], "industry": ["x", "x"], "value": [1.0, 3.0]})
    krugman = compute("krugman", one_industry).filter(pl.col("unit") == "region")
    assert krugman["krugman"].to_list() == [0.0, 0.0]


# --- the command line -------------------------------------------------------------------------


def test_cli_writes_the_indicator_as_json(firms: pl.DataFrame, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "firms.parquet"
    firms.write_parquet(path)
    out = tmp_path / "eg.json"
    assert main(["indicators", "eg", str(path), "--year", "year", "--firm", "firm", "--format", "json",
                 "--out", str(out)]) == 0
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert {"industry", "year", "eg", "plant_herfindahl", "plants"} <= set(rows[0])
    assert not list(tmp_path.glob(".*partial"))


def test_cli_rolls_up_and_prints_csv(firms: pl.DataFrame, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "firms.csv"
    firms.write_csv(path)
    assert main(["indicators", "hhi", str(path), "--year", "year", "--region-level", "province",
                 "--industry-level", "大类"]) == 0
    printed = pl.read_csv(capsys.readouterr().out.encode(), schema_overrides={"industry": pl.String})
    assert set(printed["industry"]) == {"33"} and printed["n"].max() == 1  # all in Hunan (430000)


def test_cli_bad_input_exits_2_without_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("region,industry,value\na,x,1\nb,x,-3\n", encoding="utf-8")
    assert main(["indicators", "lq", str(path)]) == 2
    err = capsys.readouterr().err
    assert "bad.csv" not in err or "Traceback" not in err
    assert "-3" in err and "value" in err and "Traceback" not in err


def test_cli_eg_without_firm_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cells.csv"
    path.write_text("region,industry,value\na,x,1\nb,x,3\n", encoding="utf-8")
    assert main(["indicators", "eg", str(path)]) == 2
    assert "--firm" in capsys.readouterr().err


def test_cli_unwritable_out_exits_2_and_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "cells.csv"
    path.write_text("region,industry,value\na,x,1\nb,x,3\n", encoding="utf-8")
    assert main(["indicators", "lq", str(path), "--out", str(tmp_path / "missing" / "lq.csv")]) == 2
    assert not (tmp_path / "missing").exists()


def test_cli_reads_the_registry(registry: None, capsys: pytest.CaptureFixture[str]) -> None:
    from jiqun.ingest.importer import import_files
    from jiqun.samples import sample_files

    import_files(sample_files())
    assert main(["indicators", "lq", "--registry", "--measure", "营业收入", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and {"region", "industry", "year", "lq"} <= set(rows[0])
    from jiqun.registry.models import EnterpriseYear

    years = {r["year"] for r in rows}
    assert years == set(EnterpriseYear.objects.filter(revenue__isnull=False).values_list("year", flat=True))


def test_cli_needs_a_file_or_the_registry(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["indicators", "lq"]) == 2
    assert "--registry" in capsys.readouterr().err


def test_industry_present_nowhere_gets_null_measures() -> None:
    data = pl.DataFrame({"region": ["a", "b", "a"], "industry": ["x", "x", "ghost"],
                         "value": [1.0, 3.0, 0.0]})
    lq = compute("lq", data).filter(pl.col("industry") == "ghost")
    assert lq["lq"].to_list() == [None] and lq["share_of_industry"].to_list() == [None]
    hhi = compute("hhi", data)
    assert hhi["industry"].to_list() == ["x"]  # no positive value: no concentration to measure
    gini = compute("gini", data).filter(pl.col("code") == "ghost")
    assert gini.height == 0 or gini["gini"].is_null().all()


def test_blank_code_in_a_late_parquet_row_group_is_found_with_its_row(tmp_path: Path) -> None:
    """The code checks let the engine skip row groups by their minima; a blank one is still found."""
    n = 300_000
    frame = pl.DataFrame({"region": ["430582"] * n, "industry": ["4119"] * n, "value": [1.0] * n})
    frame = frame.with_columns(
        pl.when(pl.int_range(n) == n - 5).then(pl.lit("   ")).otherwise(pl.col("region")).alias("region")
    )
    path = tmp_path / "late.parquet"
    frame.write_parquet(path, row_group_size=50_000)
    with pytest.raises(InputError) as caught:
        prepare(path)
    problem = caught.value.problems[0]
    assert (problem.row, problem.column, problem.value) == (n - 4, "region", "   ")
