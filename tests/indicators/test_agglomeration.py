"""Gini, Theil, RDI, Ellison–Glaeser, co-agglomeration, Litzenberger–Sternberg, ratings, roll-ups."""

from __future__ import annotations

import doctest

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jiqun.indicators as indicators_package
import jiqun.indicators.agglomeration as agglomeration_module
import jiqun.indicators.dynamics as dynamics_module
import jiqun.indicators.ratings as ratings_module
from jiqun.errors import InputError
from jiqun.indicators import compute

from .synthetic import firm_table


def one_industry(values: list[float], totals: list[float]) -> pl.DataFrame:
    """Industry x in each region plus the rest of the region's economy as industry o."""
    rows = []
    for k, (value, total) in enumerate(zip(values, totals, strict=True)):
        rows += [{"region": f"r{k}", "industry": "x", "value": float(value)},
                 {"region": f"r{k}", "industry": "o", "value": float(total - value)}]
    return pl.DataFrame(rows)


def pick(frame: pl.DataFrame, column: str, **where: str) -> float:
    for key, value in where.items():
        frame = frame.filter(pl.col(key) == value)
    assert frame.height == 1
    return float(frame[column][0])


# --- published values -----------------------------------------------------------------------


def test_ellison_glaeser_matches_farhauer_kroell_example() -> None:
    # Farhauer & Kröll (2014), reproduced by REAT::ellison.a: 0.05990628 (printed to 7 digits)
    regions = ["Wien"] * 5 + ["Linz"] * 4 + ["Graz"]
    employees = [200, 650, 12000, 100, 50, 16000, 13000, 1500, 1500, 25000]
    totals = {"Wien": 500000, "Linz": 400000, "Graz": 100000}
    rows = [{"region": r, "industry": "x", "firm": f"f{k}", "value": float(v)}
            for k, (r, v) in enumerate(zip(regions, employees, strict=True))]
    for region, total in totals.items():
        own = sum(v for r, v in zip(regions, employees, strict=True) if r == region)
        rows.append({"region": region, "industry": "rest", "firm": f"rest-{region}",
                     "value": float(total - own)})
    result = compute("eg", pl.DataFrame(rows), firm="firm")
    assert pick(result, "eg", industry="x") == pytest.approx(0.05990628, abs=5e-9)
    assert pick(result, "plants", industry="x") == 10


def test_gini_of_concentration_matches_farhauer_kroell_example() -> None:
    # Farhauer & Kröll (2013), REAT::gini.conc: 0.4068966
    data = one_industry([500, 500, 1000, 7000, 1000], [20000, 15000, 20000, 40000, 5000])
    result = compute("gini", data)
    assert pick(result, "gini", unit="industry", code="x") == pytest.approx(0.4068966, abs=5e-8)


def test_weighted_gini_is_the_lorenz_curve_of_shares_against_sizes() -> None:
    values, totals = np.array([500, 500, 1000, 7000, 1000.0]), np.array([20000, 15000, 20000, 40000, 5000.0])
    order = np.argsort(values / totals)
    share, size = values[order] / values.sum(), totals[order] / totals.sum()
    cumulative = np.cumsum(share)
    expected = 1 - np.sum(size * (cumulative + np.concatenate([[0], cumulative[:-1]])))
    result = compute("gini", one_industry(list(values), list(totals)))
    assert pick(result, "gini_weighted", unit="industry", code="x") == pytest.approx(expected, abs=1e-12)


def test_litzenberger_matches_farhauer_kroell_example() -> None:
    # Farhauer & Kröll (2014), REAT::litzenberger: 21.87491
    data = pl.DataFrame({"region": ["r1", "r2"], "industry": ["x", "x"], "value": [1743.0, 5740 - 1743.0],
                         "area": [50.0, 526.0], "pop": [488.0, 4621 - 488.0], "est": [35.0, 18.0]})
    result = compute("litzenberger", data, area="area", population="pop", establishments="est")
    assert pick(result, "litzenberger", region="r1") == pytest.approx(21.87491, abs=5e-6)


def test_theil_l_matches_stoermann_example_and_theil_t_its_formula() -> None:
    # Stoermann (2009), REAT::theil: 0.2326302 (mean log deviation)
    values = np.array([10, 10, 10, 20, 50.0])
    data = pl.DataFrame({"region": [f"r{k}" for k in range(5)], "industry": "x", "value": values})
    result = compute("theil", data).filter(pl.col("unit") == "industry")
    assert result["theil_l"][0] == pytest.approx(0.2326302, abs=5e-8)
    ratio = values / values.mean()
    assert result["theil"][0] == pytest.approx(np.mean(ratio * np.log(ratio)), abs=1e-12)
    assert result["theil_relative"][0] == pytest.approx(0.0, abs=1e-12)  # one industry: the economy itself


def test_relative_diversity_is_the_inverse_of_the_share_gaps() -> None:
    matrix = np.array([[10, 0, 30.0], [5, 5, 0], [20, 10, 20]])
    data = pl.DataFrame([{"region": f"r{r}", "industry": f"i{i}", "value": matrix[r, i]}
                         for r in range(3) for i in range(3) if matrix[r, i] > 0])
    national = matrix.sum(axis=0) / matrix.sum()
    result = compute("rdi", data)
    for r in range(3):
        expected = 1 / np.abs(matrix[r] / matrix[r].sum() - national).sum()
        assert pick(result, "rdi", region=f"r{r}") == pytest.approx(expected, rel=1e-12)


def test_firm_hhi_and_cr4_within_each_region_and_industry() -> None:
    data = pl.DataFrame({"region": ["a"] * 5 + ["b"], "industry": ["x"] * 6,
                         "firm": ["1", "2", "3", "4", "5", "6"], "value": [50.0, 20, 10, 10, 10, 7]})
    hhi = compute("hhi", data, firm="firm", within="cell")
    assert pick(hhi, "hhi", region="a") == pytest.approx(0.25 + 0.04 + 3 * 0.01)
    assert pick(hhi, "hhi", region="b") == 1.0
    cr4 = compute("crn", data, firm="firm", within="cell", n=4)
    assert pick(cr4, "cr4", region="a") == pytest.approx(0.9)


def test_coagglomeration_follows_ellison_glaeser_kerr() -> None:
    matrix = np.array([[30, 10, 5.0], [10, 40, 5], [10, 10, 80]])
    data = pl.DataFrame([{"region": f"r{r}", "industry": f"i{i}", "value": matrix[r, i]}
                         for r in range(3) for i in range(3)])
    size = matrix.sum(axis=1) / matrix.sum()
    gap = matrix / matrix.sum(axis=0) - size[:, None]
    expected = gap.T @ gap / (1 - size @ size)
    result = compute("coagglomeration", data)
    assert result.height == 3
    for row in result.iter_rows(named=True):
        i, j = int(row["industry"][1]), int(row["industry_2"][1])
        assert row["coagglomeration"] == pytest.approx(expected[i, j], abs=1e-12)


def test_coagglomeration_of_identical_patterns_equals_eg_without_plant_concentration() -> None:
    # two industries spread alike: γc equals G / (1 − Σ s_r²), EG's γ with H = 0
    data = pl.DataFrame({"region": ["a", "a", "b", "b", "c"], "industry": ["x", "y", "x", "y", "z"],
                         "value": [30.0, 60.0, 10.0, 20.0, 100.0]})
    size = np.array([90, 30, 100.0]) / 220
    g = (0.75 - size[0]) ** 2 + (0.25 - size[1]) ** 2 + size[2] ** 2
    result = compute("coagglomeration", data)
    result = result.filter((pl.col("industry") == "x") & (pl.col("industry_2") == "y"))
    assert result["coagglomeration"][0] == pytest.approx(g / (1 - size @ size), abs=1e-12)


# --- ratings ----------------------------------------------------------------------------------


def test_cmp_strength_toy_case_by_hand() -> None:
    # one cluster in five regions (employment, establishments) plus the rest of each economy.
    # employment of the cluster 10, 20, 30, 40, 50; region totals make LQs easy to read.
    cluster = [10.0, 20, 30, 40, 50]
    totals = [100.0, 100, 100, 100, 60]
    establishments = [1.0, 5, 3, 8, 9]
    rows = []
    for k in range(5):
        rows += [{"region": f"r{k}", "industry": "c", "value": cluster[k], "est": establishments[k]},
                 {"region": f"r{k}", "industry": "rest", "value": totals[k] - cluster[k], "est": 10.0}]
    result = compute("cmp_strength", pl.DataFrame(rows), establishments="est")
    result = result.filter(pl.col("industry") == "c")
    # national share 150 / 460; LQ = (x / total) / (150 / 460)
    lq = np.array(cluster) / np.array(totals) / (150 / 460)
    np.testing.assert_allclose(result.sort("region")["lq"].to_numpy(), lq, rtol=1e-12)
    # by hand: LQ = 0.307, 0.613, 0.920, 1.227, 2.556 → Q25 = 0.613, Q50 = 0.920, Q75 = 1.227,
    # Q90 = 1.227 + 0.6 × (2.556 − 1.227) = 2.024; emp Q25 = 20; est Q25 = 3.
    # r0: emp 10 ≤ 20 → none; r1: emp 20 not > 20 → none; r2: emp 30 > 20 but est 3 not > 3 → none;
    # r3: LQ 1.227 ≥ Q75 and ≥ 1, emp 40, est 8, below Q90 → strong; r4: LQ 2.556 ≥ Q90 → strong10.
    assert dict(result.select("region", "cmp_strength").iter_rows()) == {
        "r0": None, "r1": None, "r2": None, "r3": "strong", "r4": "strong10"}


def test_cmp_quantiles_are_numpys_linear_quantiles() -> None:
    data = firm_table(np.random.default_rng(7))
    result = compute("cmp_strength", data, year="year", firm="firm")
    one = result.filter((pl.col("industry") == "3312") & (pl.col("year") == 2022))
    q50 = np.quantile(one["lq"].to_numpy(), 0.5)
    emp_q25 = np.quantile(one["employment"].to_numpy(), 0.25)
    est_q25 = np.quantile(one["establishments"].to_numpy(), 0.25)
    sized = (one["employment"].to_numpy() > emp_q25) & (one["establishments"].to_numpy() > est_q25)
    better = one["cmp_strength"].is_in(["significant", "strong", "strong10"])
    significant_or_better = better.fill_null(False).to_numpy()
    assert significant_or_better.tolist() == (sized & (one["lq"].to_numpy() > q50)).tolist()


def test_stars_size_specialisation_focus() -> None:
    # ten regions; cluster c is big in r9, specialised (LQ ≥ 2) in r8 and r9
    rows = []
    for k in range(10):
        cluster = 100.0 if k == 9 else 10.0 + k
        total = 200.0 if k == 9 else (20.0 if k == 8 else 1000.0)
        rows += [{"region": f"r{k}", "industry": "c", "value": cluster},
                 {"region": f"r{k}", "industry": "rest", "value": total - cluster}]
    result = compute("stars", pl.DataFrame(rows)).filter(pl.col("industry") == "c").sort("region")
    assert result.filter(pl.col("region") == "r9").row(0, named=True)["stars"] == 2  # size + specialisation
    assert result.filter(pl.col("region") == "r8").row(0, named=True)["stars"] == 2  # specialisation + focus
    assert result.filter(pl.col("region") == "r0")["stars"][0] == 0


# --- invariants --------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(st.integers(0, 50), min_size=4, max_size=4), min_size=3, max_size=6),
       st.sampled_from(["hoover", "krugman", "gini", "theil", "rdi"]))
def test_explicit_zero_rows_change_nothing(matrix: list[list[int]], name: str) -> None:
    rows = [{"region": f"r{r}", "industry": f"i{i}", "value": float(v)}
            for r, row in enumerate(matrix) for i, v in enumerate(row)]
    full = pl.DataFrame(rows)
    sparse = full.filter(pl.col("value") > 0)
    # a region or industry that is all zeros disappears from the sparse table: compare on the rest
    present_regions = sparse["region"].unique()
    present_industries = sparse["industry"].unique()
    full = full.filter(pl.col("region").is_in(present_regions.to_list())
                       & pl.col("industry").is_in(present_industries.to_list()))
    if sparse.height == 0:
        return
    left, right = compute(name, full), compute(name, sparse)
    assert left.columns == right.columns
    numeric = [c for c, t in left.schema.items() if t == pl.Float64]
    np.testing.assert_allclose(left.select(numeric).to_numpy(), right.select(numeric).to_numpy(),
                               rtol=1e-9, atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0.01, 1000))
def test_eg_and_gini_do_not_depend_on_the_unit(seed: int, scale: float) -> None:
    data = firm_table(np.random.default_rng(seed), regions=6, industries=4, firms=60, years=(2024,))
    scaled = data.with_columns(pl.col("value") * scale)
    for name in ("eg", "gini"):
        a = compute(name, data, firm="firm").sort(pl.all())
        b = compute(name, scaled, firm="firm").sort(pl.all())
        column = "eg" if name == "eg" else "gini"
        np.testing.assert_allclose(a[column].to_numpy(), b[column].to_numpy(), rtol=1e-9, atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_gini_lies_in_zero_one_and_theil_below_log_n(seed: int) -> None:
    data = firm_table(np.random.default_rng(seed), regions=8, industries=5, firms=80, years=(2024,))
    gini = compute("gini", data)
    assert gini["gini"].drop_nulls().is_between(-1e-12, 1).all()
    assert gini["gini_weighted"].drop_nulls().is_between(-1e-12, 1).all()
    theil = compute("theil", data).filter(pl.col("unit") == "industry")
    n = data["region"].n_unique()
    assert theil["theil"].is_between(-1e-12, np.log(n) + 1e-12).all()


# --- roll-ups ------------------------------------------------------------------------------------


def test_roll_up_to_city_and_section_adds_the_members() -> None:
    data = pl.DataFrame({"region": ["430582", "430521", "430102", "320102"],
                         "industry": ["3311", "3312", "1811", "3311"], "value": [1.0, 2.0, 4.0, 8.0]})
    lq = compute("lq", data, region_level="city", industry_level="section")
    assert set(lq["region"]) == {"430500", "430100", "320100"}
    assert set(lq["industry"]) == {"C"}
    by_province = compute("hhi", data, region_level="province", industry_level="division")
    assert pick(by_province, "n", industry="33") == 2  # 430000 and 320000


def test_roll_up_refuses_a_code_it_cannot_place() -> None:
    data = pl.DataFrame({"region": ["430582", "4305"], "industry": ["3311", "3312"], "value": [1.0, 2.0]})
    with pytest.raises(InputError) as caught:
        compute("lq", data, region_level="city")
    problem = caught.value.problems[0]
    assert (problem.column, problem.value) == ("region", "4305")
    assert "GB/T 2260" in (problem.expected or "")


# --- edge cases ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "options", "column"), [
    ("eg", {}, "--firm"),
    ("litzenberger", {"firm": "firm"}, "--area/--population/--firm"),
    ("cmp_strength", {}, "--firm"),
    ("hhi", {"within": "cell"}, "--firm"),
])
def test_measures_that_need_more_columns_say_which(name: str, options: dict[str, str], column: str) -> None:
    data = firm_table(np.random.default_rng(1), years=(2024,))
    with pytest.raises(InputError) as caught:
        compute(name, data, **options)
    assert caught.value.problems[0].column == column


def test_nan_value_is_refused_with_its_row() -> None:
    data = pl.DataFrame({"region": ["a", "b"], "industry": ["x", "x"], "value": [1.0, float("nan")]})
    with pytest.raises(InputError) as caught:
        compute("gini", data)
    assert (caught.value.problems[0].row, caught.value.problems[0].column) == (2, "value")  # 2nd row


def test_single_plant_industry_has_null_gamma() -> None:
    data = pl.DataFrame({"region": ["a", "b"], "industry": ["x", "y"], "firm": ["1", "2"],
                         "value": [5.0, 5.0]})
    assert compute("eg", data, firm="firm")["eg"].null_count() == 2


def test_coagglomeration_with_one_region_warns_instead_of_crashing() -> None:
    data = pl.DataFrame({"region": ["a", "a"], "industry": ["x", "y"], "value": [5.0, 5.0]})
    with pytest.warns(UserWarning, match="共聚"):
        result = compute("coagglomeration", data)
    assert result["coagglomeration"].is_nan().all()


@pytest.mark.parametrize("module", [agglomeration_module, ratings_module, dynamics_module,
                                    indicators_package])
def test_docstring_examples_run(module: object) -> None:
    assert doctest.testmod(module).failed == 0  # type: ignore[arg-type]
