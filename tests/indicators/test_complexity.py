"""Economic complexity: values by hand, a dense reference, parity with ecomplexity, invariants, edge cases."""

from __future__ import annotations

import doctest
import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import jiqun.indicators.complexity as complexity_module
from jiqun.errors import InputError
from jiqun.indicators.complexity import (
    ComplexityWarning,
    cog,
    coi,
    complexity_frame,
    complexity_tables,
    density,
    density_frame,
    eci_pci,
    economic_complexity,
    presence_matrix,
    proximity,
    proximity_frame,
    rca_matrix,
)
from jiqun.indicators.engine import Columns

NESTED = np.array([[1, 1, 1], [1, 1, 0], [1, 0, 0]], dtype=float)
ROOT = math.sqrt(1.5)  # σ(k_c) for k_p = (−2, 1, 4), k_c = (1, −1/2, −2)
YEARLY = Columns(year="year")
RTOL, ATOL = 1e-9, 1e-12  # atol only for values that cancel to ~0 (COG, ECI of a middle region)


def long(matrix: np.ndarray | list[list[float]], year: int | None = None) -> pl.DataFrame:
    matrix = np.asarray(matrix, dtype=float)
    rows = [{"region": f"r{r}", "industry": f"i{i}", "value": float(v)}
            for (r, i), v in np.ndenumerate(matrix)]
    frame = pl.DataFrame(rows)
    return frame.with_columns(pl.lit(year).alias("year")) if year is not None else frame


def wide(frame: pl.DataFrame, column: str) -> np.ndarray:
    table = frame.pivot(on="industry", index="region", values=column).sort("region")
    return table.select(sorted(c for c in table.columns if c != "region")).to_numpy()


def unit(frame: pl.DataFrame, which: str, column: str) -> np.ndarray:
    return frame.filter(pl.col("unit") == which).sort("code")[column].to_numpy()


def quietly(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, list[str]]:
    """``fn``'s result and the messages of the ComplexityWarnings it emitted."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn(*args, **kwargs)
    return result, [str(w.message) for w in caught if issubclass(w.category, ComplexityWarning)]


def reference(m: np.ndarray) -> dict[str, np.ndarray]:
    """A textbook dense implementation: eigenvectors of the non-symmetric U⁻¹MᵀD⁻¹M with numpy.eig."""
    d, u = m.sum(axis=1), m.sum(axis=0)
    values, vectors = np.linalg.eig((m / u).T @ (m / d[:, None]))
    kp = np.real(vectors[:, np.argsort(np.real(values))[-2]])
    kc = m @ kp / d
    # sign: ECI rises with diversity; when diversity is constant (ecomplexity gives NaN), PCI falls
    # with ubiquity
    with_diversity = np.corrcoef(d, kc)[0, 1] if np.ptp(d) else -np.corrcoef(u, kp)[0, 1]
    if with_diversity < 0:
        kc, kp = -kc, -kp
    phi = (m.T @ m) / np.maximum.outer(u, u)
    omega = m @ phi.T / phi.sum(axis=1)
    outlook = ((1 - m) * omega) @ kp
    gain = (1 - m) * ((1 - m) @ (phi * (kp / kc.std() / phi.sum(axis=1))[:, None]))
    return {"eci": (kc - kc.mean()) / kc.std(), "pci": (kp - kc.mean()) / kc.std(), "phi": phi,
            "density": omega, "coi": (outlook - outlook.mean()) / outlook.std(), "cog": gain,
            "eigenvalue": np.sort(np.real(values))[-2]}


def ours(m: np.ndarray) -> dict[str, np.ndarray]:
    result = economic_complexity(m)
    phi = proximity(m)
    omega = density(m, phi)
    return {"eci": result.eci, "pci": result.pci, "phi": phi, "density": omega,
            "coi": coi(m, omega, result), "cog": cog(m, phi, result), "eigenvalue": result.eigenvalue}


# --- values by hand ---------------------------------------------------------------------------


def test_nested_example_by_hand() -> None:
    # Ũ = U⁻¹MᵀD⁻¹M has trace 49/36 and determinant 1/36, so its eigenvalues are 1, 1/4 and 1/9;
    # (Ũ − I/4) k = 0 gives k_p = (−2, 1, 4), k_c = D⁻¹M k_p = (1, −1/2, −2), mean −1/2, σ = √1.5
    result = economic_complexity(NESTED)
    assert result.eigenvalue == pytest.approx(0.25, abs=1e-12)
    np.testing.assert_allclose(result.eci, [ROOT, 0, -ROOT], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(result.pci, [-ROOT, ROOT, 3 * ROOT], rtol=RTOL)
    np.testing.assert_allclose(result.pci_unshifted, np.array([-2, 1, 4]) / ROOT, rtol=RTOL)
    phi = proximity(NESTED)  # co-presence (3 2 1 / 2 2 1 / 1 1 1) over max ubiquity
    np.testing.assert_allclose(phi, [[1, 2 / 3, 1 / 3], [2 / 3, 1, 1 / 2], [1 / 3, 1 / 2, 1]], rtol=RTOL)
    omega = density(NESTED, phi)  # proximity row sums 2, 13/6, 11/6
    np.testing.assert_allclose(omega, [[1, 1, 1], [5 / 6, 10 / 13, 5 / 11], [1 / 2, 4 / 13, 2 / 11]],
                               rtol=RTOL)
    # raw outlooks Σ ω(1 − M) k_p: 0, (5/11)·4 = 260/143, 4/13 + (2/11)·4 = 148/143
    raw = np.array([0, 260, 148]) / 143
    np.testing.assert_allclose(coi(NESTED, omega, result), (raw - raw.mean()) / raw.std(), rtol=RTOL)
    gain = np.array([[0, 0, 0], [0, 0, 24 / 11], [0, 222 / 143, 345 / 143]]) / ROOT
    np.testing.assert_allclose(cog(NESTED, phi, result), gain, rtol=RTOL, atol=ATOL)


def test_nested_example_through_the_tables() -> None:
    frame = long(NESTED, 2024)
    out = complexity_frame(frame, YEARLY, rca=False)
    assert out.columns == ["unit", "code", "year", "degree", "complexity", "coi"]
    assert unit(out, "region", "degree").tolist() == [3, 2, 1]
    np.testing.assert_allclose(unit(out, "region", "complexity"), [ROOT, 0, -ROOT], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(unit(out, "industry", "complexity"), [-ROOT, ROOT, 3 * ROOT], rtol=RTOL)
    assert out.filter(pl.col("unit") == "industry")["coi"].is_null().all()
    dens = density_frame(frame, YEARLY, rca=False)
    assert dens.columns == ["region", "industry", "year", "mcp", "rca", "density", "distance", "cog"]
    np.testing.assert_allclose(wide(dens, "distance"), 1 - wide(dens, "density"), rtol=RTOL)
    assert dens["rca"].is_null().all()  # rca=False: the values are presence, not amounts
    prox = proximity_frame(frame, YEARLY, rca=False, diagonal="zero")
    pairs = {(a, b): p for a, b, _, p in prox.iter_rows()}
    assert pairs == pytest.approx({("i0", "i1"): 2 / 3, ("i1", "i0"): 2 / 3, ("i0", "i2"): 1 / 3,
                                   ("i2", "i0"): 1 / 3, ("i1", "i2"): 1 / 2, ("i2", "i1"): 1 / 2})


def test_rca_and_presence_by_hand() -> None:
    values = [[1.0, 3.0], [4.0, 0.0]]  # x = 8; shares of the industries 5/8 and 3/8
    np.testing.assert_allclose(rca_matrix(values), [[0.4, 2.0], [1.6, 0.0]], rtol=RTOL)
    assert presence_matrix(values).tolist() == [[0, 1], [1, 0]]
    assert presence_matrix(values, threshold=2.0).tolist() == [[0, 1], [0, 0]]  # RCA = 2 counts
    assert presence_matrix(values, rca=False, threshold=3.0).tolist() == [[0, 1], [1, 0]]
    assert np.isnan(rca_matrix([[0.0, 0.0], [1.0, 0.0]])).tolist() == [[True, True], [False, True]]


# --- a dense reference and ecomplexity ---------------------------------------------------------

def random_presence(seed: int, regions: int, industries: int, share: float) -> np.ndarray:
    return (np.random.default_rng(seed).random((regions, industries)) < share).astype(float)


# drawn through a seed rather than cell by cell: hypothesis' own cells are mostly zeros, which
# makes most matrices disconnected and the tests below discard them
presence = st.builds(random_presence, st.integers(0, 2**32 - 1), st.integers(2, 8), st.integers(2, 8),
                     st.sampled_from([0.4, 0.6, 0.8]))


@settings(deadline=None, max_examples=60)
@given(presence)
def test_equals_a_dense_textbook_reference(m: np.ndarray) -> None:
    got, caught = quietly(ours, m)
    assume(not caught)  # connected, with a unique and oriented second eigenvector
    rows, cols = m.any(axis=1), m.any(axis=0)  # regions and industries with presence
    want = reference(m[np.ix_(rows, cols)])
    for key in ("eci", "coi"):
        np.testing.assert_allclose(got[key][rows], want[key], rtol=RTOL, atol=1e-10, err_msg=key)
    np.testing.assert_allclose(got["pci"][cols], want["pci"], rtol=RTOL, atol=1e-10)
    np.testing.assert_allclose(got["phi"][np.ix_(cols, cols)], want["phi"], rtol=RTOL)
    for key in ("density", "cog"):
        np.testing.assert_allclose(got[key][np.ix_(rows, cols)], want[key], rtol=RTOL, atol=1e-10)
    assert got["eigenvalue"] == pytest.approx(want["eigenvalue"], rel=RTOL)
    assert np.isnan(got["eci"][~rows]).all() and np.isnan(got["pci"][~cols]).all()


def synthetic(rng: np.random.Generator, regions: int, industries: int) -> np.ndarray:
    """Nested presence (capability vs. complexity) with lognormal sizes, as in benchmarks/complexity.py."""
    capability, difficulty = rng.random(regions), rng.random(industries)
    chance = 1 / (1 + np.exp(-(capability[:, None] - difficulty[None, :]) / 0.15))
    sizes = rng.lognormal(0, 1, regions)[:, None] * rng.lognormal(0, 1, industries)[None, :]
    return sizes * rng.lognormal(0, 1.5, (regions, industries)) * (rng.random((regions, industries)) < chance)


def sparse_long(x: np.ndarray, year: int = 2023) -> pl.DataFrame:
    r, i = np.nonzero(x)
    return pl.DataFrame({"year": np.full(len(r), year), "region": [f"r{k:04d}" for k in r],
                         "industry": [f"i{k:04d}" for k in i], "value": x[r, i]})


def growth_lab(frame: pl.DataFrame) -> pl.DataFrame:
    package = pytest.importorskip("ecomplexity")
    names = {"time": "year", "loc": "region", "prod": "industry", "val": "value"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # its log-supermodularity check only prints a diagnostic and changes no number
        result = package.ecomplexity(frame.to_pandas(), names, verbose=False, check_logsupermodularity=False)
    return pl.from_pandas(result)


def assert_same_as_growth_lab(frame: pl.DataFrame) -> None:
    theirs = growth_lab(frame).sort("region", "industry")
    tables = complexity_tables(frame, YEARLY)
    mine = tables.density.sort("region", "industry")
    assert mine["mcp"].to_list() == theirs["mcp"].to_list()
    for column in ("rca", "density", "cog"):
        np.testing.assert_allclose(mine[column].to_numpy(), theirs[column].to_numpy(), rtol=RTOL,
                                   atol=ATOL, err_msg=column)
    regions = theirs.group_by("region").agg(pl.col("eci", "coi", "diversity").first()).sort("region")
    industries = theirs.group_by("industry").agg(pl.col("pci", "ubiquity").first()).sort("industry")
    out = tables.complexity
    for which, column, want in (("region", "complexity", regions["eci"]), ("region", "coi", regions["coi"]),
                                ("industry", "complexity", industries["pci"]),
                                ("region", "degree", regions["diversity"]),
                                ("industry", "degree", industries["ubiquity"])):
        np.testing.assert_allclose(unit(out, which, column), want.to_numpy(), rtol=RTOL, atol=ATOL,
                                   err_msg=f"{which} {column}")


@pytest.mark.parametrize(("seed", "shape"), [(0, (40, 15)), (1, (25, 30)), (2, (60, 24))])
def test_same_as_growth_lab_on_random_matrices(seed: int, shape: tuple[int, int]) -> None:
    rng = np.random.default_rng(seed)
    x = rng.lognormal(0, 1, shape) * (rng.random(shape) < 0.5)
    assert_same_as_growth_lab(sparse_long(x))


def test_same_as_growth_lab_on_a_realistic_matrix() -> None:
    assert_same_as_growth_lab(sparse_long(synthetic(np.random.default_rng(2026), 300, 120)))


def test_proximity_same_as_growth_lab() -> None:
    package = pytest.importorskip("ecomplexity")
    frame = sparse_long(synthetic(np.random.default_rng(3), 80, 30))
    names = {"time": "year", "loc": "region", "prod": "industry", "val": "value"}
    theirs = pl.from_pandas(package.proximity(frame.to_pandas(), names))
    theirs = theirs.filter(pl.col("proximity") > 0).sort("industry_1", "industry_2")
    mine = proximity_frame(frame, YEARLY).sort("industry", "industry_2")
    assert mine["industry"].to_list() == theirs["industry_1"].to_list()
    assert mine["industry_2"].to_list() == theirs["industry_2"].to_list()
    np.testing.assert_array_equal(mine["proximity"].to_numpy(), theirs["proximity"].to_numpy())


def test_lanczos_path_agrees_with_the_dense_one(monkeypatch: pytest.MonkeyPatch) -> None:
    m = presence_matrix(synthetic(np.random.default_rng(5), 90, 40))
    dense = economic_complexity(m)
    monkeypatch.setattr(complexity_module, "DENSE_EIGEN_LIMIT", 3)
    for matrix in (m, m.T):  # the product side and the region side of the Gram matrix
        sparse_result = economic_complexity(matrix)
        want = dense if matrix is m else economic_complexity(m.T)
        np.testing.assert_allclose(sparse_result.eci, want.eci, rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(sparse_result.pci, want.pci, rtol=RTOL, atol=ATOL)


# --- invariants ----------------------------------------------------------------------------------


@settings(deadline=None, max_examples=40)
@given(presence, st.randoms(use_true_random=False))
def test_row_and_column_order_do_not_matter(m: np.ndarray, rnd: Any) -> None:
    rows, cols = list(range(m.shape[0])), list(range(m.shape[1]))
    rnd.shuffle(rows)
    rnd.shuffle(cols)
    before, caught = quietly(ours, m)
    assume(not caught)
    after, _ = quietly(ours, m[np.ix_(rows, cols)])
    for key in ("eci", "coi"):
        np.testing.assert_allclose(after[key], before[key][rows], rtol=RTOL, atol=1e-10)
    np.testing.assert_allclose(after["pci"], before["pci"][cols], rtol=RTOL, atol=1e-10)
    for key in ("density", "cog"):
        np.testing.assert_allclose(after[key], before[key][np.ix_(rows, cols)], rtol=RTOL, atol=1e-10)
    np.testing.assert_allclose(after["phi"], before["phi"][np.ix_(cols, cols)], rtol=RTOL)


values = st.tuples(st.integers(2, 6), st.integers(2, 6)).flatmap(
    lambda shape: arrays(np.float64, shape, elements=st.sampled_from([0.0, 1.0, 2.0, 5.0, 13.0, 40.0])))


@settings(deadline=None, max_examples=30)
@given(values, st.floats(1e-3, 1e3), st.randoms(use_true_random=False))
def test_scaling_values_and_shuffling_rows_change_nothing(x: np.ndarray, scale: float, rnd: Any) -> None:
    assume(not np.any(np.abs(rca_matrix(x) - 1) < 1e-9))  # no RCA on the threshold, where rounding decides
    frame = long(x)
    before, _ = quietly(complexity_tables, frame, Columns())
    scaled, _ = quietly(complexity_tables, frame.with_columns(pl.col("value") * scale), Columns())
    for a, b in zip(before, scaled, strict=True):
        for column in a.columns:
            if a[column].dtype == pl.Float64:
                np.testing.assert_allclose(b[column].to_numpy(), a[column].to_numpy(), rtol=RTOL,
                                           atol=1e-10, err_msg=column)
            else:
                assert b[column].to_list() == a[column].to_list()
    order = list(range(frame.height))
    rnd.shuffle(order)
    shuffled, _ = quietly(complexity_tables, frame[order], Columns())
    assert all(a.equals(b) for a, b in zip(before, shuffled, strict=True))


@settings(deadline=None, max_examples=60)
@given(presence)
def test_proximity_and_density_ranges(m: np.ndarray) -> None:
    present = m.any(axis=0)
    for diagonal, expected in (("one", 1.0), ("zero", 0.0)):
        phi = proximity(m, diagonal=diagonal)
        np.testing.assert_array_equal(phi, phi.T)
        assert np.isnan(phi[~present]).all() and np.isnan(phi[:, ~present]).all()
        known = phi[np.ix_(present, present)]
        assert np.all(np.diagonal(known) == expected)
        assert np.all((known >= 0) & (known <= 1))
    omega = density(m, proximity(m))
    assert np.isnan(omega[:, ~present]).all()
    assert np.all((omega[:, present] >= 0) & (omega[:, present] <= 1 + 1e-12))
    assert np.all(omega[m == 1] > 0)  # an industry a region has is at least its own neighbour


@settings(deadline=None, max_examples=60)
@given(presence)
def test_eci_is_the_mean_pci_of_the_industries_present(m: np.ndarray) -> None:
    result, _ = quietly(economic_complexity, m)
    self_pci, _ = quietly(lambda: eci_pci(m, pci_normalisation="self")[1])
    rows, cols = result.regions, result.industries
    assume(rows.sum() >= 2)
    sub = m[np.ix_(rows, cols)]
    diversity = sub.sum(axis=1)
    # default (Growth Lab): exactly equal
    np.testing.assert_allclose(sub @ result.pci[cols] / diversity, result.eci[rows], rtol=RTOL, atol=1e-10)
    # self-normalised PCI is an increasing affine function of the default one, so the mean of the
    # present industries is an affine function of ECI with the same coefficients
    slope = self_pci[cols].std() / result.pci[cols].std()
    shift = self_pci[cols].mean() - slope * result.pci[cols].mean()
    np.testing.assert_allclose(self_pci[cols], slope * result.pci[cols] + shift, rtol=RTOL, atol=1e-10)
    np.testing.assert_allclose(sub @ self_pci[cols] / diversity, slope * result.eci[rows] + shift,
                               rtol=RTOL, atol=1e-10)
    # the converse holds only up to the eigenvalue: mean ECI of the hosts = λ₂ (PCI + t) − t
    t = result.pci_unshifted[cols] - result.pci[cols]
    np.testing.assert_allclose(t, t[0], rtol=RTOL, atol=1e-10)
    hosts = sub.T @ result.eci[rows] / sub.sum(axis=0)
    np.testing.assert_allclose(hosts, result.eigenvalue * (result.pci[cols] + t) - t, rtol=RTOL, atol=1e-10)


# --- edge cases ------------------------------------------------------------------------------------


def test_disconnected_graph_warns_and_uses_the_largest_component() -> None:
    m = np.zeros((5, 5))
    m[:3, :3] = NESTED
    m[3:, 3:] = 1.0  # a separate pair of regions sharing two industries
    with pytest.warns(ComplexityWarning, match="不连通.*2 个连通分量.*3 个地区、3 个产业"):
        result = economic_complexity(m)
    np.testing.assert_allclose(result.eci[:3], [ROOT, 0, -ROOT], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(result.pci[:3], [-ROOT, ROOT, 3 * ROOT], rtol=RTOL)
    assert np.isnan(result.eci[3:]).all() and np.isnan(result.pci[3:]).all()
    phi = proximity(m)
    omega = density(m, phi)
    assert np.isnan(coi(m, omega, result)[3:]).all()
    assert np.isnan(cog(m, phi, result)[:, 3:]).all()
    np.testing.assert_allclose(cog(m, phi, result)[:3, :3], cog(NESTED, proximity(NESTED),
                                                                 economic_complexity(NESTED)), atol=ATOL)


def test_degenerate_second_eigenvalue_warns() -> None:
    ring = 1 - np.eye(3)  # every region lacks one industry: Ũ = (J + I)/4, eigenvalues 1, 1/4, 1/4
    result, caught = quietly(economic_complexity, ring)
    assert "重根" in caught[0] and "λ₂ ≈ λ₃ ≈ 0.25" in caught[0]
    assert "方向无法确定" in caught[1]  # all diversities and ubiquities are equal, too
    assert result.eigenvalue == pytest.approx(0.25)
    assert np.isfinite(result.eci).all()


def test_identical_regions_have_no_complexity() -> None:
    with pytest.warns(ComplexityWarning, match="第二特征值为 0"):
        result = economic_complexity(np.ones((3, 4)))
    assert np.isnan(result.eci).all() and np.isnan(result.pci).all()


def test_absent_industry_and_empty_region_are_set_aside() -> None:
    m = np.zeros((4, 4))
    m[:3, :3] = NESTED  # region r3 has nothing, industry i3 is present nowhere
    frame = long(m)
    out, caught = quietly(complexity_frame, frame, Columns(), rca=False)
    assert not caught
    rows = {(r["unit"], r["code"]): r for r in out.iter_rows(named=True)}
    assert rows[("region", "r3")]["degree"] == 0 and rows[("region", "r3")]["complexity"] is None
    assert rows[("region", "r3")]["coi"] is None
    assert rows[("industry", "i3")]["degree"] == 0 and rows[("industry", "i3")]["complexity"] is None
    same = complexity_frame(long(NESTED), Columns(), rca=False)
    kept = out.filter(~pl.col("code").is_in(["r3", "i3"]))
    np.testing.assert_allclose(kept["complexity"].to_numpy(), same["complexity"].to_numpy(), rtol=RTOL)
    np.testing.assert_allclose(kept["coi"].to_numpy(), same["coi"].to_numpy(), rtol=RTOL)
    dens = density_frame(frame, Columns(), rca=False)
    assert dens.filter(pl.col("industry") == "i3").select("density", "distance", "cog").null_count().row(0) \
        == (4, 4, 4)
    assert dens.filter((pl.col("region") == "r3") & (pl.col("industry") != "i3"))["density"].to_list() \
        == [0.0, 0.0, 0.0]
    prox = proximity_frame(frame, Columns(), rca=False)
    assert "i3" not in prox["industry"].to_list()


def test_all_zeros_give_nulls_and_a_warning() -> None:
    with pytest.warns(ComplexityWarning, match="不足两个"):
        out = complexity_frame(long(np.zeros((3, 3))), Columns())
    assert out["complexity"].is_null().all() and out["degree"].to_list() == [0] * 6
    with pytest.warns(ComplexityWarning, match="不足两个"):
        dens = density_frame(long(np.zeros((3, 3))), Columns())
    assert dens["rca"].is_null().all() and dens["density"].is_null().all()


def test_years_are_separate_cross_sections_and_name_the_year() -> None:
    ring = 1 - np.eye(3)
    frame = pl.concat([long(NESTED, 2020), long(ring, 2021)])
    out, caught = quietly(complexity_frame, frame, YEARLY, rca=False)
    assert len(caught) == 2 and all(message.startswith("2021 年：") for message in caught)
    assert out.schema["year"] == frame.schema["year"]
    first = out.filter(pl.col("year") == 2020)
    np.testing.assert_allclose(unit(first, "region", "complexity"), [ROOT, 0, -ROOT], rtol=RTOL, atol=ATOL)
    assert out.filter(pl.col("year") == 2021).height == 6


@pytest.mark.parametrize(("call", "message"), [
    (lambda: complexity_frame(long([[1.0, 2.0]]), Columns()), "至少需要两个地区"),
    (lambda: complexity_frame(long([[1.0], [2.0]]), Columns()), "至少需要两个产业"),
    (lambda: complexity_frame(long([[1.0, -2.0], [1.0, 1.0]]), Columns()), "数值缺失、非数字或为负"),
    (lambda: complexity_frame(long([[1.0, math.nan], [1.0, 1.0]]), Columns()), "数值缺失"),
    (lambda: complexity_frame(long([[1.0, math.inf], [1.0, 1.0]]), Columns()), "数值缺失"),
    (lambda: complexity_frame(long(NESTED).to_pandas(), Columns()), "需要 polars 长表"),
    (lambda: complexity_frame(long(NESTED), Columns(value="employment")), "缺少列"),
    (lambda: complexity_frame(long(NESTED), YEARLY), "缺少列：year"),
    (lambda: complexity_frame(long(NESTED).clear(), Columns()), "没有任何行"),
    (lambda: complexity_frame(long(NESTED), Columns(), pci_normalisation="atlas"), "不认识的选项"),
    (lambda: proximity_frame(long(NESTED), Columns(), diagonal="nan"), "不认识的选项"),
    (lambda: density_frame(long(NESTED), Columns(), threshold=0), "存在阈值必须是正数"),
    (lambda: eci_pci([[0.5, 1.0], [1.0, 0.0]]), "只能取 0 或 1"),
    (lambda: eci_pci([1.0, 0.0]), "二维矩阵"),
    (lambda: rca_matrix([[1.0, -1.0]]), "负值"),
    (lambda: density(NESTED, np.eye(2)), "形状不符"),
])
def test_bad_input_gets_a_clear_message(call: Callable[[], object], message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        call()
    assert caught.value.problems and caught.value.problems[0].message


def test_docstring_examples_run() -> None:
    assert doctest.testmod(complexity_module).failed == 0
