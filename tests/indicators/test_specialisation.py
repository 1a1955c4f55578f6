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


def panel(first: list[list[float]], second: list[list[float]]) -> pl.DataFrame:
    return pl.concat([long(first, 2020), long(second, 2025)])


def test_shift_share_by_hand() -> None:
    # nation 100 → 120 (g = 0.2); industry i0 60 → 60 (g_i = 0); r0·i0 40 → 50 (g_ri = 0.25)
    frame = panel([[40, 10], [20, 30]], [[50, 20], [10, 40]])
    out = compute("shift_share", frame, year="year")
    row = out.filter((pl.col("region") == "r0") & (pl.col("industry") == "i0")).row(0, named=True)
    assert row["national_share"] == pytest.approx(8.0)     # 40 · 0.2
    assert row["industry_mix"] == pytest.approx(-8.0)      # 40 · (0 − 0.2)
    assert row["regional_shift"] == pytest.approx(10.0)    # 40 · (0.25 − 0)
    homothetic = 50 * 60 / 100                              # x_r^b · X_i^b / X^b = 30
    assert row["competitive_effect"] == pytest.approx(homothetic * 0.25)
    assert row["allocation_effect"] == pytest.approx((40 - homothetic) * 0.25)


@settings(deadline=None, max_examples=40)
@given(matrices, st.integers(0, 10_000))
def test_shift_share_components_sum_to_the_change(matrix: list[list[int]], salt: int) -> None:
    rng = np.random.default_rng(salt)
    later = [[float(v * rng.uniform(0, 2) + rng.integers(0, 3)) for v in row] for row in matrix]
    out = compute("shift_share", panel(matrix, later), year="year")
    industry_base = out.group_by("industry").agg(pl.col("x_b").sum().alias("ib"))
    defined = out.join(industry_base, on="industry").filter(pl.col("ib") > 0)
    total = defined["national_share"] + defined["industry_mix"] + defined["regional_shift"]
    np.testing.assert_allclose(total.to_numpy(), defined["change"].to_numpy(), atol=1e-6)
    em = out.filter(pl.col("x_b") > 0)
    np.testing.assert_allclose((em["competitive_effect"] + em["allocation_effect"]).to_numpy(),
                               em["regional_shift"].to_numpy(), atol=1e-6)


def test_growth_cagr_and_missing_years() -> None:
    out = compute("growth", panel([[100, 0]], [[161.051, 5]]), year="year")
    rows = {r["industry"]: r for r in out.iter_rows(named=True)}
    assert rows["i0"]["cagr"] == pytest.approx(0.10)  # 1.1 ** 5 = 1.61051
    assert rows["i1"]["cagr"] is None and rows["i1"]["change"] == pytest.approx(5)
    with pytest.raises(InputError, match="年份"):
        compute("growth", long([[1.0]]))
