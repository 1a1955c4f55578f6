"""Specialisation and concentration indicators: published values, invariants, edge cases."""

from __future__ import annotations

import doctest

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jiqun.indicators.specialisation as specialisation_module
from jiqun.errors import InputError
from jiqun.indicators import compute

ECONGEO = [[100, 0, 0, 0, 0], [0, 15, 5, 70, 10], [0, 20, 10, 20, 50], [0, 25, 30, 5, 40],
           [0, 40, 55, 5, 0]]
ECONGEO_LQ = [[5, 0, 0, 0, 0], [0, 0.75, 0.25, 3.5, 0.5], [0, 1, 0.5, 1, 2.5],
              [0, 1.25, 1.5, 0.25, 2], [0, 2, 2.75, 0.25, 0]]


def long(matrix: list[list[float]], year: int | None = None) -> pl.DataFrame:
    rows = [{"region": f"r{r}", "industry": f"i{i}", "value": float(v)}
            for r, row in enumerate(matrix) for i, v in enumerate(row)]
    frame = pl.DataFrame(rows)
    return frame.with_columns(pl.lit(year).alias("year")) if year is not None else frame


def as_matrix(frame: pl.DataFrame, column: str) -> np.ndarray:
    wide = frame.pivot(on="industry", index="region", values=column).sort("region")
    return wide.select(sorted(c for c in wide.columns if c != "region")).to_numpy()


def test_location_quotient_matches_econgeo_manual_example() -> None:
    # Balland (2017), EconGeo `location_quotient` help page, binary = FALSE; exact to 1e-12
    np.testing.assert_allclose(as_matrix(compute("lq", long(ECONGEO)), "lq"), ECONGEO_LQ,
                               rtol=0, atol=1e-12)


def test_presence_counts_lq_equal_to_one() -> None:
    mcp = as_matrix(compute("mcp", long(ECONGEO)), "mcp")
    np.testing.assert_array_equal(mcp, (np.array(ECONGEO_LQ) >= 1).astype(int))


def test_hoover_krugman_and_hhi_by_hand() -> None:
    matrix = [[10, 0], [10, 20]]  # x = 40; region totals 10, 30; industry totals 20, 20
    frame = long(matrix)
    hoover = dict(compute("hoover", frame).iter_rows())
    # industry i0: |10/20 − 10/40| + |10/20 − 30/40| = 0.25 + 0.25 → ½ · 0.5 = 0.25
    assert hoover == pytest.approx({"i0": 0.25, "i1": 0.25})
    krugman = {(u, c): v for u, c, v in compute("krugman", frame).iter_rows()}
    # region r0: |1 − 0.5| + |0 − 0.5| = 1; region r1: |1/3 − 1/2| + |2/3 − 1/2| = 1/3
    assert krugman[("region", "r0")] == pytest.approx(1.0)
    assert krugman[("region", "r1")] == pytest.approx(1 / 3)
    assert krugman[("industry", "i0")] == pytest.approx(2 * hoover["i0"])
    hhi = compute("hhi", frame).row(0, named=True)
    assert hhi["hhi"] == pytest.approx(0.5) and hhi["equivalent_number"] == pytest.approx(2.0)
    assert hhi["hhi_normalised"] == pytest.approx(0.0)


def test_crn_takes_the_largest_regions() -> None:
    frame = long([[50], [30], [10], [6], [4]])
    assert compute("crn", frame, n=2)["cr2"].item() == pytest.approx(0.8)
    assert compute("crn", frame)["cr4"].item() == pytest.approx(0.96)


def test_years_are_separate_cross_sections() -> None:
    frame = pl.concat([long(ECONGEO, 2020), long([[2 * v for v in r] for r in ECONGEO], 2021)])
    out = compute("lq", frame, year="year")
    for year in (2020, 2021):
        np.testing.assert_allclose(as_matrix(out.filter(pl.col("year") == year), "lq"), ECONGEO_LQ,
                                   atol=1e-12)


matrices = st.lists(st.lists(st.integers(0, 1000), min_size=3, max_size=3), min_size=2, max_size=6)


@settings(deadline=None, max_examples=40)
@given(matrices, st.floats(0.001, 1000), st.randoms(use_true_random=False))
def test_lq_invariants(matrix: list[list[int]], scale: float, rnd) -> None:  # type: ignore[no-untyped-def]
    frame = long(matrix)
    out = compute("lq", frame)
    # the mean LQ of an industry over regions, weighted by the region totals, is 1
    joined = out.join(frame.group_by("region").agg(pl.col("value").sum().alias("x_r")), on="region")
    total = frame["value"].sum()
    for industry, part in joined.group_by("industry"):
        present = frame.filter(pl.col("industry") == industry[0])["value"].sum()
        weighted = (part["lq"].fill_null(0) * part["x_r"]).sum() / total if total else 0
        assert weighted == pytest.approx(1.0 if present > 0 else 0.0, abs=1e-9)
    scaled = compute("lq", frame.with_columns(pl.col("value") * scale))
    np.testing.assert_allclose(scaled["lq"].fill_null(-1).to_numpy(),
                               out["lq"].fill_null(-1).to_numpy(), rtol=1e-9)
    order = list(range(frame.height))
    rnd.shuffle(order)
    shuffled = compute("lq", frame[order])
    assert shuffled.equals(out)


@settings(deadline=None, max_examples=40)
@given(matrices)
def test_hhi_lies_between_one_over_n_and_one(matrix: list[list[int]]) -> None:
    for row in compute("hhi", long(matrix)).iter_rows(named=True):
        assert 1 / row["n"] - 1e-12 <= row["hhi"] <= 1 + 1e-12


def test_edge_cases_give_nulls_or_clear_messages() -> None:
    nothing = long([[0, 5], [0, 3]])  # industry i0 present nowhere
    assert compute("lq", nothing).filter(pl.col("industry") == "i0")["lq"].is_null().all()
    one_region = compute("lq", long([[1, 2, 3]]))
    assert one_region["lq"].to_list() == [1.0, 1.0, 1.0]
    with pytest.raises(InputError, match="数值缺失"):
        compute("lq", long([[1.0, float("nan")]]))
    with pytest.raises(InputError, match="缺少列"):
        compute("lq", long([[1.0]]), value="employment")
    with pytest.raises(InputError, match="不认识的指标"):
        compute("lqq", long([[1.0]]))


def test_docstring_examples_run() -> None:
    assert doctest.testmod(specialisation_module).failed == 0
