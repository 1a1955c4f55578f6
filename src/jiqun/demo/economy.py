"""The background economy of the demo registry: ordinary firms of four provinces.

:func:`generate_economy` draws a synthetic registry — parks, enterprises, their yearly facts,
brands, supply links and service providers — from one seeded random generator, so the same
seed always gives the same tables. The seed clusters of the source texts are planted on top of
it by :mod:`jiqun.demo.seeds`.

Every parameter lives in ``economy_data.yaml`` next to this module, with its meaning, unit and
origin. The model, in short:

* counties get a number of firms ∝ a lognormal weight (city districts and Jiangsu more) and an
  industry mix drawn from a Dirichlet around a national mix of 100 GB/T 4754 小类, with a
  county-specific concentration so that some counties are specialised;
* a firm's yearly revenue is lognormal: industry median × county level × persistent firm effect
  × a yearly random walk × industry and county growth, reduced while the firm is young and
  pro-rated in its first and last year; employees, output, exports, R&D, patents, tax, assets,
  liabilities, energy and land follow from revenue with industry ratios;
* firms are founded over four decades and exit with a size-dependent hazard; a firm has a
  yearly row only for the years it was alive;
* size classes follow 工信部联企业〔2011〕300号; 规上 is revenue ≥ 2000万元 for B, C, D;
* supply links follow a small input–output table between industries and decay with distance
  between county seats.

Money columns are integer fen (``*_fen``), areas integer hundredths of a mu (``*_cmu``), energy
integer hundredths of a tce (``energy_tce_c``); exports are US-dollar fen with
``export_currency = "USD"``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import polars as pl
import yaml

from jiqun.codes.industries import IndustryCodebook
from jiqun.codes.regions import Region, RegionCodebook
from jiqun.codes.uscc import ALPHABET, org_code_check_char, uscc_check_char

FEN_PER_WAN = 1_000_000  # 1 万元 = 10,000 yuan = 1,000,000 fen
DEFAULT_PROVINCES = ("430000", "320000", "410000", "420000")
DEFAULT_YEARS = (2021, 2022, 2023, 2024, 2025)
SIZE_CLASSES = ("large", "medium", "small", "micro")
_METRICS = ("employees", "revenue_wan", "assets_wan")
_EARTH_KM = 6371.0
_SUFFIXES = ("自治县", "林区", "新区", "区", "县", "市", "旗")


@dataclass
class DemoData:
    """The background tables, with the import field names of ``jiqun/ingest/columns.yaml``.

    Attributes
    ----------
    parks
        ``region, name, level, planned_area_mu_cmu, used_area_mu_cmu, main_industries``: one to
        three parks per county (国家级/省级/市级), areas in 1/100 亩, used ≤ planned.
    enterprises
        ``uscc, name, region, town, industry, founded, closed, ownership, size_class, park,
        above_size, specialised, high_tech, listed``: one row per firm; ``park`` names a park of
        the firm's county or is null; ``above_size`` is null outside B, C, D.
    enterprise_years
        ``uscc, year, revenue_fen, industrial_output_fen, employees, exports_fen,
        export_currency, rd_spending_fen, invention_patents, utility_patents, new_products,
        tax_fen, total_assets_fen, liabilities_fen, energy_tce_c, land_mu_cmu``: one row per firm
        and year alive. Money in fen (exports in US-dollar fen), energy in 1/100 tce, land in
        1/100 亩; output and land only for manufacturing, energy only for B, C, D.
    brands
        ``uscc, kind, level, name, year``: trademarks, brand products, certifications, …
    supply_links
        ``supplier_uscc, buyer_uscc, product, amount_fen, year``: both ends registry firms
        alive that year; unique per (supplier, buyer, product, year).
    service_providers
        ``region, name, kind, public_platform, description``: a few per county.
    """

    parks: pl.DataFrame
    enterprises: pl.DataFrame
    enterprise_years: pl.DataFrame
    brands: pl.DataFrame
    supply_links: pl.DataFrame
    service_providers: pl.DataFrame


# --- parameters ------------------------------------------------------------------------------------


@cache
def load_parameters() -> dict[str, Any]:
    """The parameters of ``economy_data.yaml``.

    Returns
    -------
    dict
        The parsed YAML, checked for unique industry codes, name words and brand characters.
        Cached: treat it as read-only.
    """
    text = resources.files("jiqun.demo").joinpath("economy_data.yaml").read_text(encoding="utf-8")
    params = yaml.safe_load(text)
    _check_parameters(params)
    return params


def _check_parameters(params: dict[str, Any]) -> None:
    words = [row["word"] for row in params["industries"]]
    codes = [row["code"] for row in params["industries"]]
    if len(set(words)) != len(words) or len(set(codes)) != len(codes):
        raise ValueError("economy_data.yaml: industry codes and name words must be unique")
    names = params["names"]
    if len(set(names["brand_first"])) != len(names["brand_first"]) or \
            len(set(names["brand_second"])) != len(names["brand_second"]):
        raise ValueError("economy_data.yaml: brand characters must not repeat within a pool")


def _longest_prefix(code: str, section: str, table: dict[str, Any]) -> Any:
    """The value of the longest key of ``table`` that prefixes ``code`` (or is its section)."""
    for length in range(len(code), 1, -1):
        if code[:length] in table:
            return table[code[:length]]
    return table.get(section)


# --- industries ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Industries:
    """The industry table of the YAML as aligned arrays (one entry per 小类)."""

    code: np.ndarray
    section: np.ndarray
    name: np.ndarray
    word: np.ndarray
    product: np.ndarray
    share: np.ndarray
    log_median: np.ndarray  # ln(万元)
    sigma: np.ndarray
    per_worker: np.ndarray  # 万元 per employee
    export: np.ndarray
    tax_rate: np.ndarray
    assets_ratio: np.ndarray
    debt_ratio: np.ndarray
    park: np.ndarray
    rd_probability: np.ndarray
    rd_intensity: np.ndarray
    growth: np.ndarray
    energy: np.ndarray  # tce per 万元; nan outside B, C, D
    per_mu: np.ndarray  # 万元 per 亩; nan outside manufacturing
    size_rule: np.ndarray  # index into size_rules of the YAML

    def __len__(self) -> int:
        return len(self.code)

    @property
    def manufacturing(self) -> np.ndarray:
        return self.section == "C"


def _industries(params: dict[str, Any] | None = None) -> _Industries:
    """The industry arrays for ``params`` (default: the shipped YAML)."""
    params = params or load_parameters()
    rows = params["industries"]
    book = IndustryCodebook.builtin()
    codes = [r["code"] for r in rows]
    sections = []
    for code in codes:
        section = book.section_of(code)
        if section is None:
            raise ValueError(f"economy_data.yaml: {code} has no GB/T 4754 section")
        sections.append(section.code)
    sec = params["sections"]
    rules = list(params["size_rules"])

    def per_section(key: str) -> np.ndarray:
        return np.array([float(sec[s][key]) for s in sections])

    def prefixed(table: str, only: Sequence[str]) -> np.ndarray:
        return np.array([float(_longest_prefix(c, s, params[table])) if s in only else math.nan
                         for c, s in zip(codes, sections, strict=True)])

    return _Industries(
        code=np.array(codes), section=np.array(sections),
        name=np.array([r["name"] for r in rows]), word=np.array([r["word"] for r in rows]),
        product=np.array([r["product"] for r in rows]),
        share=np.array([float(r["share"]) for r in rows]),
        log_median=np.log([float(r["median_wan"]) for r in rows]),
        sigma=np.array([float(r["sigma"]) for r in rows]),
        per_worker=np.array([float(r["per_worker_wan"]) for r in rows]),
        export=np.array([float(r["export"]) for r in rows]),
        tax_rate=per_section("tax_rate"), assets_ratio=per_section("assets_ratio"),
        debt_ratio=per_section("debt_ratio"), park=per_section("park"),
        rd_probability=per_section("rd_probability"), growth=per_section("growth"),
        rd_intensity=prefixed("rd_intensity", sorted(sec)),
        energy=prefixed("energy_tce_per_wan", ["B", "C", "D"]),
        per_mu=prefixed("revenue_per_mu_wan", ["C"]),
        size_rule=np.array([_size_rule_index(c, s, params["size_rules"], rules)
                            for c, s in zip(codes, sections, strict=True)]),
    )


def _size_rule_index(code: str, section: str, table: dict[str, Any], order: list[str]) -> int:
    by_key = {key: name for name, rule in table.items() for key in rule["applies_to"]}
    found = _longest_prefix(code, section, by_key)
    return order.index(found if found is not None else "other")


# --- counties --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Counties:
    """The county-level divisions of the provinces, with short names and coordinates."""

    code: np.ndarray
    name: np.ndarray
    short: np.ndarray
    province: np.ndarray
    district: np.ndarray
    lon: np.ndarray
    lat: np.ndarray

    def __len__(self) -> int:
        return len(self.code)


def _counties(provinces: Sequence[str], params: dict[str, Any] | None = None) -> _Counties:
    """Every county-level division of ``provinces`` (GB/T 2260 via :class:`RegionCodebook`)."""
    params = params or load_parameters()
    book = RegionCodebook.default()
    regions: list[Region] = []
    for province in provinces:
        found = book.counties_of(province)
        if not found:
            raise ValueError(f"{province} is not a province with county-level divisions")
        regions += found
    shorts = _short_names(regions, book)
    points = [_point(r, book, params["counties"]["missing_point_offset_deg"]) for r in regions]
    return _Counties(
        code=np.array([r.code for r in regions]), name=np.array([r.name for r in regions]),
        short=np.array(shorts), province=np.array([r.code[:2] + "0000" for r in regions]),
        district=np.array([r.name.endswith("区") and not r.name.endswith("林区") for r in regions]),
        lon=np.array([p[0] for p in points]), lat=np.array([p[1] for p in points]),
    )


def short_name(name: str) -> str:
    """A county's name without its suffix and ethnic designation.

    Parameters
    ----------
    name
        The division's full name, e.g. ``长阳土家族自治县``.

    Returns
    -------
    str
        ``长阳``; names of two characters keep their suffix (``沛县``).
    """
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            stem = name[: -len(suffix)]
            if "族" in stem and suffix in ("自治县", "区"):
                stem = _strip_ethnic(stem)
            return stem
    return name


def _strip_ethnic(stem: str) -> str:
    """Cut the ethnic part (苗族侗族, 土家族, 回族 …) after a two-character place name."""
    cut = stem.find("族")
    head = stem[:cut]
    return head[:2] if len(head) >= 3 else stem


def _short_names(regions: list[Region], book: RegionCodebook) -> list[str]:
    """Short names, prefixed by the prefecture's where two counties share one (鼓楼 → 徐州鼓楼)."""
    shorts = [short_name(r.name) for r in regions]
    seen: dict[str, int] = {}
    for s in shorts:
        seen[s] = seen.get(s, 0) + 1
    out = []
    for region, s in zip(regions, shorts, strict=True):
        if seen[s] > 1:
            prefecture = book.prefecture_of(region.code)
            s = (short_name(prefecture.name) if prefecture else "") + s
        out.append(s)
    return out


def _point(region: Region, book: RegionCodebook, offset: float) -> tuple[float, float]:
    """The county seat, or its prefecture's moved by a code-derived offset when unknown."""
    if region.longitude is not None and region.latitude is not None:
        return region.longitude, region.latitude
    parent = book.get(region.parent) or book.province_of(region.code)
    if parent is None or parent.longitude is None or parent.latitude is None:
        raise ValueError(f"no coordinates for {region.code} {region.name}")
    angle = (int(region.code) % 360) * math.pi / 180
    return parent.longitude + offset * math.cos(angle), parent.latitude + offset * math.sin(angle)


def county_coordinates(codes: Sequence[str], provinces: Sequence[str] = DEFAULT_PROVINCES) -> np.ndarray:
    """The points the generator uses for county codes.

    Parameters
    ----------
    codes
        County-level division codes of ``provinces``.
    provinces
        The provinces whose counties are looked up.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(codes), 2)``: longitude and latitude of each county seat (for a county
        without coordinates, its prefecture's point moved by a small code-derived offset).
    """
    table = _counties(provinces)
    index = {c: i for i, c in enumerate(table.code)}
    rows = [index[c] for c in codes]
    return np.column_stack([table.lon[rows], table.lat[rows]])


def distance_km(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    """Great-circle distance in km (haversine formula).

    Parameters
    ----------
    lon1, lat1, lon2, lat2
        Degrees; arrays broadcast against each other.

    Returns
    -------
    numpy.ndarray
        Distances in kilometres on a sphere of radius 6371 km.
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * _EARTH_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


# --- firms -----------------------------------------------------------------------------------------


@dataclass
class _Firms:
    """Firm-level draws, one entry per firm (indices into :class:`_Counties`/:class:`_Industries`)."""

    county: np.ndarray
    industry: np.ndarray
    z: np.ndarray  # persistent firm effect, standard normal (truncated)
    founded: np.ndarray  # datetime64[D]
    closed: np.ndarray  # datetime64[D], NaT while open
    ownership: np.ndarray  # index into the ownership table
    rd: np.ndarray  # bool: R&D performer
    rd_share: np.ndarray
    exporter: np.ndarray
    export_share: np.ndarray
    emp_noise: np.ndarray  # log
    tax_noise: np.ndarray  # log
    assets_noise: np.ndarray  # log
    debt: np.ndarray
    energy_noise: np.ndarray  # log
    land_mu: np.ndarray  # nan outside manufacturing
    mature_wan: np.ndarray  # full-year revenue of the mature firm in the last year

    def __len__(self) -> int:
        return len(self.county)


def _county_firm_counts(rng: np.random.Generator, n: int, cty: _Counties, ind: _Industries,
                        params: dict[str, Any]) -> np.ndarray:
    """Firms per county × industry (rows: counties; sums to ``n``)."""
    cp = params["counties"]
    weight = np.exp(cp["weight_sigma"] * rng.standard_normal(len(cty)))
    weight *= np.where(cty.district, cp["district_factor"], 1.0)
    weight *= np.array([cp["province_factor"].get(p, 1.0) for p in cty.province])
    per_county = rng.multinomial(n, weight / weight.sum())
    base = ind.share / ind.share.sum()
    tilt = np.array([cp["district_tilt"].get(s, 1.0) for s in ind.section])
    spread = cp["concentration_sigma"] * rng.standard_normal(len(cty))
    alpha = cp["concentration_median"] * np.exp(spread)
    mixes = np.empty((len(cty), len(ind)))
    for c in range(len(cty)):
        mean = base * tilt if cty.district[c] else base
        mixes[c] = rng.dirichlet(alpha[c] * mean / mean.sum())
    mixes = np.clip(mixes, 0.0, None)
    mixes /= mixes.sum(axis=1, keepdims=True)
    return rng.multinomial(per_county, mixes)


def _draw_firms(rng: np.random.Generator, n: int, cty: _Counties, ind: _Industries, last: int,
                first: int, params: dict[str, Any]) -> tuple[_Firms, np.ndarray]:
    """Every firm's persistent draws, and the county revenue levels (log)."""
    fp = params["firms"]
    counts = _county_firm_counts(rng, n, cty, ind, params)
    cell = np.repeat(np.arange(counts.size), counts.ravel())
    county, industry = cell // len(ind), cell % len(ind)
    cp = params["counties"]
    level = cp["level_sigma"] * rng.standard_normal(len(cty)) + np.array(
        [cp["province_level"].get(p, 0.0) for p in cty.province])
    z = np.clip(rng.standard_normal(n), -fp["z_cap"], fp["z_cap"])
    founded, closed = _lifetimes(rng, z, last, first, fp)
    mature_log = ind.log_median[industry] + level[county] + ind.sigma[industry] * z
    mature_log = np.minimum(mature_log, math.log(fp["revenue_cap_yi"] * 10_000))
    mature = np.exp(mature_log)
    ownership = _ownership(rng, z, params["ownership"])
    rd, rd_share = _rd(rng, mature, industry, ind, fp)
    exporter, export_share = _exports(rng, z, industry, ownership, ind, params)
    manufacturing = ind.manufacturing[industry]
    land_draw = np.exp(fp["land_sigma"] * rng.standard_normal(n))
    per_mu = np.where(manufacturing, ind.per_mu[industry], 1.0)
    land = np.where(manufacturing, np.maximum(fp["land_min_mu"], mature / per_mu * land_draw), math.nan)
    firms = _Firms(
        county=county, industry=industry, z=z, founded=founded, closed=closed, ownership=ownership,
        rd=rd, rd_share=rd_share, exporter=exporter, export_share=export_share,
        emp_noise=fp["employee_sigma"] * rng.standard_normal(n),
        tax_noise=fp["tax_sigma"] * rng.standard_normal(n),
        assets_noise=fp["assets_sigma"] * rng.standard_normal(n),
        debt=_debt(rng, ind.debt_ratio[industry], fp["debt_concentration"]),
        energy_noise=fp["energy_sigma"] * rng.standard_normal(n),
        land_mu=land, mature_wan=mature,
    )
    return firms, level


def _lifetimes(rng: np.random.Generator, z: np.ndarray, last: int, first: int,
               fp: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """Founding dates (exponential ages) and exit dates (size-dependent hazard) or NaT."""
    n = len(z)
    end = np.datetime64(f"{last}-12-31")
    start = np.datetime64(f"{first}-01-01")
    oldest = (end - np.datetime64(f"{fp['oldest_founded']}-01-01")).astype(np.int64)
    age_days = np.minimum(rng.exponential(fp["age_mean_years"] * 365.25, n), oldest).astype(np.int64)
    founded = end - age_days.astype("timedelta64[D]")
    hazard = fp["exit_hazard"] * np.exp(-fp["exit_size_slope"] * z)
    wait_days = (rng.exponential(1.0, n) / hazard * 365.25).astype(np.int64)
    exposed = np.maximum(founded, start)
    closed = exposed + wait_days.astype("timedelta64[D]")
    closed = np.where(closed <= end, closed, np.datetime64("NaT"))
    return founded, closed.astype("datetime64[D]")


def _ownership(rng: np.random.Generator, z: np.ndarray, table: dict[str, Any]) -> np.ndarray:
    """Ownership index per firm (Gumbel-max over size-shifted log shares)."""
    share = np.array([v["share"] for v in table.values()], dtype=float)
    slope = np.array([v["size_slope"] for v in table.values()], dtype=float)
    logits = np.log(share)[None, :] + z[:, None] * slope[None, :]
    return np.argmax(logits + rng.gumbel(size=logits.shape), axis=1)


def _sigmoid_p(p0: np.ndarray | float, slope: float, log_ratio: np.ndarray) -> np.ndarray:
    """Probability with log-odds logit(p0) + slope · log_ratio."""
    p0 = np.clip(p0, 1e-9, 1 - 1e-9)
    return 1.0 / (1.0 + np.exp(-(np.log(p0 / (1 - p0)) + slope * log_ratio)))


def _rd(rng: np.random.Generator, mature: np.ndarray, industry: np.ndarray, ind: _Industries,
        fp: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    p = _sigmoid_p(ind.rd_probability[industry], fp["rd_size_slope"], np.log(mature / 2000.0))
    performer = rng.random(len(mature)) < p
    share = ind.rd_intensity[industry] * np.exp(fp["rd_sigma"] * rng.standard_normal(len(mature)))
    return performer, np.minimum(share, 0.5)


def _exports(rng: np.random.Generator, z: np.ndarray, industry: np.ndarray, ownership: np.ndarray,
             ind: _Industries, params: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    fp = params["firms"]
    kinds = list(params["ownership"])
    foreign = np.isin(ownership, [kinds.index("foreign"), kinds.index("hmt")])
    p = ind.export[industry] * np.exp(fp["export_size_slope"] * z)
    p = np.minimum(np.where(foreign, p * fp["foreign_export_factor"], p), 0.95)
    exporter = rng.random(len(z)) < p
    a, b = fp["export_share_beta"]
    return exporter, rng.beta(a, b, len(z))


def _debt(rng: np.random.Generator, mean: np.ndarray, concentration: float) -> np.ndarray:
    return np.clip(rng.beta(mean * concentration, (1 - mean) * concentration), 0.01, 0.98)


# --- yearly facts ----------------------------------------------------------------------------------


@dataclass
class _Panel:
    """Firm × year matrices (rows: firms, columns: years) and the last year each firm was alive."""

    years: list[int]
    alive: np.ndarray
    revenue_fen: np.ndarray  # float, rounded
    employees: np.ndarray
    assets_fen: np.ndarray
    frame: pl.DataFrame
    last_col: np.ndarray


def _year_bounds(years: list[int]) -> tuple[np.ndarray, np.ndarray]:
    start = np.array([np.datetime64(f"{y}-01-01") for y in years])
    end = np.array([np.datetime64(f"{y}-12-31") for y in years])
    return start, end


def _alive_fraction(firms: _Firms, years: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Alive mask and the share of each year the firm was open (first/last years pro rata)."""
    start, end = _year_bounds(years)
    founded = firms.founded[:, None]
    closed = np.where(np.isnat(firms.closed), np.datetime64("9999-12-31"), firms.closed)[:, None]
    alive = (founded <= end[None, :]) & (closed >= start[None, :])
    open_from = np.maximum(founded, start[None, :])
    open_to = np.minimum(closed, end[None, :])
    days = (open_to - open_from).astype(np.int64) + 1
    length = ((end - start).astype(np.int64) + 1)[None, :]
    return alive, np.clip(days / length, 0.0, 1.0) * alive


def _log_revenue(rng: np.random.Generator, firms: _Firms, ind: _Industries, level: np.ndarray,
                 years: list[int], params: dict[str, Any]) -> np.ndarray:
    """Full-year log revenue (万元) of every firm in every year (alive or not)."""
    fp, n, y = params["firms"], len(firms), len(years)
    steps = fp["growth_sigma"] * rng.standard_normal((n, y - 1))
    walk = np.zeros((n, y))
    if y > 1:
        walk[:, :-1] = -np.cumsum(steps[:, ::-1], axis=1)[:, ::-1]  # anchored at the last year
    industry_trend = ind.growth + fp["industry_growth_sigma"] * rng.standard_normal(len(ind))
    county_trend = params["counties"]["growth_sigma"] * rng.standard_normal(level.size)
    trend = industry_trend[firms.industry] + county_trend[firms.county]
    offset = np.array(years, dtype=float) - years[-1]
    mid = np.array([np.datetime64(f"{yr}-07-01") for yr in years])
    age = np.maximum((mid[None, :] - firms.founded[:, None]).astype(np.int64) / 365.25, 0.0)
    ramp = -fp["ramp_up_depth"] * np.exp(-age / fp["ramp_up_years"])
    log_rev = np.log(firms.mature_wan)[:, None] + walk + trend[:, None] * offset[None, :] + ramp
    return np.minimum(log_rev, math.log(fp["revenue_cap_yi"] * 10_000))


def _round_money(fen: np.ndarray, unit: int) -> np.ndarray:
    return np.round(fen / unit) * unit


def _build_panel(rng: np.random.Generator, firms: _Firms, ind: _Industries, level: np.ndarray,
                years: list[int], usccs: np.ndarray, params: dict[str, Any]) -> _Panel:
    """The yearly facts of every firm for the years it was alive."""
    fp = params["firms"]
    unit = int(fp["money_rounding_fen"])
    alive, fraction = _alive_fraction(firms, years)
    log_full = _log_revenue(rng, firms, ind, level, years, params)
    full_fen = np.exp(log_full) * FEN_PER_WAN
    revenue = np.maximum(_round_money(full_fen * fraction, unit), unit) * alive
    k = firms.industry
    shape = log_full.shape
    emp_log = (ind.log_median[k] - np.log(ind.per_worker[k]))[:, None] \
        + fp["employee_elasticity"] * (log_full - ind.log_median[k][:, None]) \
        + firms.emp_noise[:, None] + 0.05 * rng.standard_normal(shape)
    employees = np.clip(np.round(np.exp(emp_log)), 1, fp["employee_cap"])
    assets = _round_money(full_fen * ind.assets_ratio[k][:, None]
                          * np.exp(firms.assets_noise[:, None] + 0.05 * rng.standard_normal(shape)), unit)
    columns = _year_columns(rng, firms, ind, years, revenue, assets, params)
    frame = _panel_frame(usccs, years, alive, revenue, employees, assets, columns)
    last_col = len(years) - 1 - np.argmax(alive[:, ::-1], axis=1)
    return _Panel(list(years), alive, revenue, employees, assets, frame, last_col)


def _year_columns(rng: np.random.Generator, firms: _Firms, ind: _Industries, years: list[int],
                  revenue: np.ndarray, assets: np.ndarray, params: dict[str, Any]) -> dict[str, np.ndarray]:
    """Output, exports, R&D, patents, products, tax, liabilities, energy, land (nan = null)."""
    fp = params["firms"]
    unit = int(fp["money_rounding_fen"])
    k, shape = firms.industry, revenue.shape
    noise = rng.standard_normal
    manufacturing = ind.manufacturing[k][:, None]
    output = np.where(manufacturing, _round_money(
        revenue * np.exp(fp["output_log_mean"] + fp["output_log_sigma"] * noise(shape)), unit), math.nan)
    rates = params["usd_cny"]
    fx = np.array([rates.get(y, rates[max(rates)]) for y in years], dtype=float)
    share = np.clip(firms.export_share[:, None] * np.exp(fp["export_year_sigma"] * noise(shape)), 0.0, 0.95)
    exports = np.where(firms.exporter[:, None], _round_money(revenue * share / fx[None, :], unit), math.nan)
    rd = np.where(firms.rd[:, None], _round_money(
        revenue * firms.rd_share[:, None] * np.exp(0.15 * noise(shape)), unit), 0.0)
    rd_wan = rd / FEN_PER_WAN
    tax = _round_money(revenue * ind.tax_rate[k][:, None]
                       * np.exp(firms.tax_noise[:, None] + 0.1 * noise(shape)), unit)
    energy = np.round(revenue / FEN_PER_WAN * ind.energy[k][:, None]
                      * np.exp(firms.energy_noise[:, None] + 0.05 * noise(shape)) * 100)
    return {
        "industrial_output_fen": output, "exports_fen": exports, "rd_spending_fen": rd,
        "invention_patents": rng.poisson(rd_wan / fp["wan_per_invention_patent"]).astype(float),
        "utility_patents": rng.poisson(rd_wan / fp["wan_per_utility_patent"]).astype(float),
        "new_products": rng.poisson(rd_wan / fp["wan_per_new_product"]).astype(float),
        "tax_fen": tax, "liabilities_fen": _round_money(assets * firms.debt[:, None], unit),
        "energy_tce_c": energy,
        "land_mu_cmu": np.repeat(np.round(firms.land_mu * 100)[:, None], len(years), axis=1),
    }


def _panel_frame(usccs: np.ndarray, years: list[int], alive: np.ndarray, revenue: np.ndarray,
                 employees: np.ndarray, assets: np.ndarray,
                 columns: dict[str, np.ndarray]) -> pl.DataFrame:
    """Flatten the alive cells (firm-major) into the enterprise-years frame."""
    rows, cols = np.nonzero(alive)

    def ints(values: np.ndarray) -> pl.Series:
        return pl.Series(values[rows, cols], nan_to_null=True).cast(pl.Int64)

    frame = pl.DataFrame({
        "uscc": usccs[rows], "year": np.array(years, dtype=np.int64)[cols],
        "revenue_fen": ints(revenue), "industrial_output_fen": ints(columns["industrial_output_fen"]),
        "employees": ints(employees), "exports_fen": ints(columns["exports_fen"]),
        "rd_spending_fen": ints(columns["rd_spending_fen"]),
        "invention_patents": ints(columns["invention_patents"]),
        "utility_patents": ints(columns["utility_patents"]),
        "new_products": ints(columns["new_products"]), "tax_fen": ints(columns["tax_fen"]),
        "total_assets_fen": ints(assets), "liabilities_fen": ints(columns["liabilities_fen"]),
        "energy_tce_c": ints(columns["energy_tce_c"]), "land_mu_cmu": ints(columns["land_mu_cmu"]),
    })
    currency = pl.when(pl.col("exports_fen").is_not_null()).then(pl.lit("USD", dtype=pl.String))
    return frame.insert_column(6, frame.select(currency.alias("export_currency")).to_series())


# --- identity: codes, names, towns -----------------------------------------------------------------


def _make_usccs(rng: np.random.Generator, firms: _Firms, cty: _Counties) -> np.ndarray:
    """Unique valid codes: 91 + county + organisation code (``MA…`` for firms founded from 2016)."""
    n = len(firms)
    recent = firms.founded >= np.datetime64("2016-01-01")
    digits = rng.choice(10**8, size=n, replace=False)
    letters = rng.choice(30**6, size=n, replace=False)  # ALPHABET[1:]: never a leading zero
    alphabet = np.array(list(ALPHABET[1:]))
    body_chars = np.stack([alphabet[(letters // 30**p) % 30] for p in range(5, -1, -1)], axis=1)
    bodies = ["MA" + "".join(chars) if new else f"{d:08d}"
              for new, chars, d in zip(recent, body_chars, digits, strict=True)]
    regions = cty.code[firms.county]
    out = []
    for region, body in zip(regions, bodies, strict=True):
        first17 = f"91{region}{body}{org_code_check_char(body)}"
        out.append(first17 + uscc_check_char(first17))
    return np.array(out)


def _brand_words(params: dict[str, Any]) -> np.ndarray:
    """Every two-character brand word (first × second pool, no doubled character)."""
    names = params["names"]
    return np.array([a + b for a in names["brand_first"] for b in names["brand_second"] if a != b])


def _firm_brands(rng: np.random.Generator, firms: _Firms, n_industries: int,
                 params: dict[str, Any]) -> np.ndarray:
    """A brand word per firm, distinct within each (county, industry)."""
    words = _brand_words(params)
    extra = params["names"]["brand_extra"]
    size = len(words)
    group = firms.county * n_industries + firms.industry
    order = np.argsort(group, kind="stable")
    sorted_group = group[order]
    starts = np.searchsorted(sorted_group, sorted_group, side="left")
    rank = np.empty(len(group), dtype=np.int64)
    rank[order] = np.arange(len(group)) - starts
    if rank.max(initial=0) >= size * (len(extra) + 1):
        raise ValueError("too many firms of one industry in one county for the brand pool")
    coprime = np.array([s for s in range(1, size) if math.gcd(s, size) == 1])
    groups = int(group.max(initial=0)) + 1
    offset = rng.integers(0, size, groups)
    stride = coprime[rng.integers(0, len(coprime), groups)]
    index = (offset[group] + (rank % size) * stride[group]) % size
    brand = words[index].astype(object)
    for i in np.flatnonzero(rank >= size):
        brand[i] = brand[i] + extra[rank[i] // size - 1]
    return brand


def _make_names(firms: _Firms, cty: _Counties, ind: _Industries, brands: np.ndarray,
                ownership_names: list[str], extra: str) -> np.ndarray:
    """Firm names: county short name + brand + trade word + 有限公司 (股份有限公司 if shareholding).

    Brands are distinct within a county and industry, so names are unique unless two different
    concatenations happen to coincide; such a later duplicate gets a third brand character.
    """
    share = ownership_names.index("shareholding")
    suffix = np.where(firms.ownership == share, "股份有限公司", "有限公司")
    prefix, words = cty.short[firms.county], ind.word[firms.industry]

    def build(brand: np.ndarray) -> np.ndarray:
        return np.array([f"{p}{b}{w}{s}" for p, b, w, s in zip(prefix, brand, words, suffix, strict=True)],
                        dtype=object)

    names = build(brands)
    repeat = pl.DataFrame({"name": names.tolist()}).select(pl.int_range(pl.len()).over("name"))
    repeat = repeat.to_series().to_numpy()
    if repeat.any():
        bumped = brands.copy()
        for i in np.flatnonzero(repeat):
            bumped[i] = bumped[i] + extra[min(int(repeat[i]), len(extra)) - 1]
        names = np.where(repeat > 0, build(bumped), names)
    if len(set(names)) != len(names):
        raise ValueError("could not make firm names unique")
    return names


def _make_towns(rng: np.random.Generator, firms: _Firms, cty: _Counties,
               params: dict[str, Any]) -> np.ndarray:
    """A generic town (乡镇/街道) per firm with Zipf weights, or None."""
    tp = params["towns"]
    low, high = tp["count"]
    per_county = rng.integers(low, high + 1, len(cty))
    flat: list[str] = []
    offsets = np.zeros(len(cty), dtype=np.int64)
    for c in range(len(cty)):
        pool = tp["district"] if cty.district[c] else tp["county"]
        offsets[c] = len(flat)
        picks = rng.permutation(len(pool))[: per_county[c]]
        flat += [pool[i] for i in picks]
    count = per_county[firms.county]
    u = rng.random(len(firms))
    pick = np.zeros(len(firms), dtype=np.int64)
    for t in np.unique(count):
        weights = np.arange(1, t + 1, dtype=float) ** -tp["zipf"]
        cum = np.cumsum(weights) / weights.sum()
        sel = count == t
        pick[sel] = np.minimum(np.searchsorted(cum, u[sel], side="right"), t - 1)
    towns = np.array(flat, dtype=object)[offsets[firms.county] + pick]
    towns[rng.random(len(firms)) < params["town_null"]] = None
    return towns


# --- enterprises -----------------------------------------------------------------------------------


def size_classes(employees: np.ndarray, revenue_wan: np.ndarray, assets_wan: np.ndarray,
                 rule: np.ndarray, params: dict[str, Any]) -> np.ndarray:
    """Size class of each firm under the rule of its sector (工信部联企业〔2011〕300号).

    Parameters
    ----------
    employees, revenue_wan, assets_wan
        The firm's employees, revenue (万元) and total assets (万元) of one year.
    rule
        Index of the firm's rule in ``size_rules`` of the YAML.
    params
        The parameters (:func:`load_parameters`).

    Returns
    -------
    numpy.ndarray
        ``large``, ``medium``, ``small`` or ``micro``: the first class whose every threshold
        the firm reaches, else ``micro``.
    """
    rules = list(params["size_rules"].values())
    thresholds = np.full((len(rules), 3, 3), -np.inf)
    for r, spec in enumerate(rules):
        for c, cls in enumerate(SIZE_CLASSES[:3]):
            for m, metric in enumerate(_METRICS):
                if metric in spec[cls]:
                    thresholds[r, c, m] = spec[cls][metric]
    values = np.stack([employees, revenue_wan, assets_wan], axis=1)
    passes = np.all(values[:, None, :] >= thresholds[rule], axis=2)  # firms × classes
    first = np.where(passes.any(axis=1), np.argmax(passes, axis=1), 3)
    return np.array(SIZE_CLASSES)[first]


def _flags(rng: np.random.Generator, firms: _Firms, ind: _Industries, revenue_wan: np.ndarray,
           params: dict[str, Any]) -> dict[str, np.ndarray]:
    fp = params["firms"]
    n, k = len(firms), firms.industry
    band = (revenue_wan >= 1000) & (revenue_wan < 40000)
    specialised = ind.manufacturing[k] & firms.rd & band & (rng.random(n) < fp["specialised_probability"])
    tech_sections = np.isin(ind.section[k], ["C", "I", "M"])
    high_tech = tech_sections & firms.rd & (rng.random(n) < fp["high_tech_probability"])
    p_listed = _sigmoid_p(fp["listed_at_2000wan"], fp["listed_size_slope"], np.log(revenue_wan / 2000))
    listed = rng.random(n) < p_listed
    industrial = np.isin(ind.section[k], params["above_size_sections"])
    above = np.where(industrial, revenue_wan >= params["above_size_wan"], None)
    return {"specialised": specialised, "high_tech": high_tech, "listed": listed, "above_size": above}


def _series(values: np.ndarray, dtype: type[pl.DataType]) -> pl.Series:
    """A typed series from an object array holding ``None`` for nulls."""
    return pl.Series(values.tolist(), dtype=dtype)


def _enterprise_frame(firms: _Firms, cty: _Counties, ind: _Industries, panel: _Panel,
                      identity: dict[str, Any], flags: dict[str, np.ndarray],
                      params: dict[str, Any]) -> pl.DataFrame:
    idx = np.arange(len(firms))
    last = panel.last_col
    revenue_wan = panel.revenue_fen[idx, last] / FEN_PER_WAN
    sizes = size_classes(panel.employees[idx, last], revenue_wan, panel.assets_fen[idx, last] / FEN_PER_WAN,
                         ind.size_rule[firms.industry], params)
    return pl.DataFrame({
        "uscc": identity["uscc"], "name": _series(identity["name"], pl.String),
        "region": cty.code[firms.county],
        "town": _series(identity["town"], pl.String), "industry": ind.code[firms.industry],
        "founded": firms.founded, "closed": firms.closed,
        "ownership": np.array(list(params["ownership"]))[firms.ownership], "size_class": sizes,
        "park": _series(identity["park"], pl.String),
        "above_size": _series(flags["above_size"], pl.Boolean),
        "specialised": flags["specialised"], "high_tech": flags["high_tech"], "listed": flags["listed"],
    })


# --- parks -----------------------------------------------------------------------------------------


def _leading(firms: _Firms, ind: _Industries, n_counties: int, top: int) -> list[list[int]]:
    """Per county, its ``top`` manufacturing industries by number of firms (most first)."""
    manufacturing = ind.manufacturing[firms.industry]
    counts = np.zeros((n_counties, len(ind)), dtype=np.int64)
    np.add.at(counts, (firms.county[manufacturing], firms.industry[manufacturing]), 1)
    order = np.argsort(-counts, axis=1, kind="stable")[:, :top]
    return [[int(k) for k in order[c] if counts[c, k] > 0] for c in range(n_counties)]


def _park_names(rng: np.random.Generator, c: int, cty: _Counties, words: list[str],
                params: dict[str, Any]) -> list[tuple[str, str]]:
    """(name, level) of the parks of county ``c``: one to three, distinct names."""
    pp = params["parks"]
    count = 1 + int(rng.binomial(pp["extra_max"], pp["extra_p"]))
    sides = list(pp["sides"])
    out: list[tuple[str, str]] = []
    for i in range(count):
        options = pp["first"] if i == 0 else pp["further"]
        spec = options[int(rng.choice(len(options), p=[o["p"] for o in options]))]
        templates = spec.get(f"names_{cty.province[c]}", spec["names"])
        template = templates[int(rng.integers(len(templates)))]
        word = words[min(i, len(words) - 1)] if words else "新兴"
        name = template.format(short=cty.short[c], word=word, side=sides[int(rng.integers(len(sides)))])
        if any(name == n for n, _ in out):
            name = f"{cty.short[c]}{sides[i % len(sides)]}工业园"
        if all(name != n for n, _ in out):
            out.append((name, spec["level"]))
    return out


def _parks(rng: np.random.Generator, firms: _Firms, cty: _Counties, ind: _Industries,
           params: dict[str, Any]) -> tuple[pl.DataFrame, np.ndarray]:
    """The parks of every county and each firm's park name (or None)."""
    pp = params["parks"]
    leading = _leading(firms, ind, len(cty), 3)
    rows: list[tuple[int, str, str]] = []
    for c in range(len(cty)):
        words = [str(ind.word[k]) for k in leading[c]]
        rows += [(c, name, level) for name, level in _park_names(rng, c, cty, words, params)]
    park_county = np.array([r[0] for r in rows])
    levels = np.array([r[2] for r in rows])
    medians = np.array([pp["planned_median_mu"][lv] for lv in levels], dtype=float)
    planned = medians * np.exp(pp["planned_sigma"] * rng.standard_normal(len(rows)))
    used = planned * rng.beta(*pp["used_share_beta"], len(rows))
    park_of = _assign_parks(rng, firms, ind, park_county, planned)
    land = np.nan_to_num(firms.land_mu)
    has = park_of >= 0
    park_land = np.bincount(park_of[has], weights=land[has], minlength=len(rows))
    used = np.maximum(used, pp["land_cover"] * park_land)
    planned = np.maximum(planned, used)
    names = np.array([r[1] for r in rows], dtype=object)
    main = _main_industries(firms, ind, park_of, park_county, leading, len(rows), pp["main_industries"])
    frame = pl.DataFrame({
        "region": cty.code[park_county], "name": names, "level": levels,
        "planned_area_mu_cmu": np.ceil(planned * 100).astype(np.int64),
        "used_area_mu_cmu": np.floor(used * 100).astype(np.int64), "main_industries": main,
    })
    firm_park = np.where(has, names[np.maximum(park_of, 0)], None)
    return frame, firm_park


def _assign_parks(rng: np.random.Generator, firms: _Firms, ind: _Industries, park_county: np.ndarray,
                  planned: np.ndarray) -> np.ndarray:
    """Index of each firm's park (−1 outside parks), within its county, ∝ planned area."""
    n = len(firms)
    inside = rng.random(n) < ind.park[firms.industry]
    u = rng.random(n)
    cum = np.cumsum(planned)
    first = np.searchsorted(park_county, firms.county, side="left")
    stop = np.searchsorted(park_county, firms.county, side="right")
    base = np.where(first > 0, cum[np.maximum(first - 1, 0)], 0.0)
    total = cum[stop - 1] - base
    pick = np.searchsorted(cum, base + u * total, side="right")
    pick = np.clip(pick, first, stop - 1)
    return np.where(inside & (stop > first), pick, -1)


def _main_industries(firms: _Firms, ind: _Industries, park_of: np.ndarray, park_county: np.ndarray,
                     leading: list[list[int]], n_parks: int, top: int) -> list[str]:
    counts = np.zeros((n_parks, len(ind)), dtype=np.int64)
    has = park_of >= 0
    np.add.at(counts, (park_of[has], firms.industry[has]), 1)
    order = np.argsort(-counts, axis=1, kind="stable")[:, :top]
    out = []
    for p in range(n_parks):
        picks = [k for k in order[p] if counts[p, k] > 0] or leading[park_county[p]][:top]
        out.append("、".join(str(ind.name[k]) for k in picks))
    return out


# --- brands ----------------------------------------------------------------------------------------


def _brands(rng: np.random.Generator, firms: _Firms, cty: _Counties, ind: _Industries, panel: _Panel,
            usccs: np.ndarray, brand: np.ndarray, params: dict[str, Any]) -> pl.DataFrame:
    """Brands and certifications: rare, more likely the larger the firm."""
    idx = np.arange(len(firms))
    revenue_wan = panel.revenue_fen[idx, panel.last_col] / FEN_PER_WAN
    last_year = np.array(panel.years)[panel.last_col]
    founded_year = firms.founded.astype("datetime64[Y]").astype(np.int64) + 1970
    frames = []
    for spec in params["brands"]:
        eligible = np.ones(len(firms), dtype=bool)
        if "sections" in spec:
            eligible &= np.isin(ind.section[firms.industry], spec["sections"])
        if "divisions" in spec:
            division = np.array([str(c)[:2] for c in ind.code])
            eligible &= np.isin(division[firms.industry], spec["divisions"])
        if "founded_before" in spec:
            eligible &= founded_year < spec["founded_before"]
        p = _sigmoid_p(spec["p_at_2000wan"], spec["size_slope"], np.log(revenue_wan / 2000))
        held = np.flatnonzero(eligible & (rng.random(len(firms)) < p))
        low = np.maximum(spec["years"][0], founded_year[held] + 1)
        high = np.minimum(spec["years"][1], last_year[held])
        year = low + np.floor(rng.random(len(held)) * np.maximum(high - low + 1, 0)).astype(np.int64)
        levels = list(spec["levels"])
        level = np.array(levels)[rng.choice(len(levels), len(held), p=list(spec["levels"].values()))]
        if "names" in spec:
            names = np.array(spec["names"], dtype=object)[rng.integers(0, len(spec["names"]), len(held))]
        else:
            names = np.array([spec["name"].format(
                brand=brand[i], product=ind.product[firms.industry[i]], short=cty.short[firms.county[i]])
                for i in held], dtype=object)
        keep = high >= low
        frames.append(pl.DataFrame({
            "uscc": usccs[held][keep], "kind": np.full(keep.sum(), spec["kind"], dtype=object),
            "level": level[keep], "name": names[keep], "year": year[keep].astype(np.int64),
        }, schema={"uscc": pl.String, "kind": pl.String, "level": pl.String, "name": pl.String,
                   "year": pl.Int64}))
    return pl.concat(frames).sort("uscc", "kind", "name")


# --- supply links ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _InputOutput:
    buyer_row: np.ndarray  # per industry: row of the table, −1 if it buys nothing here
    probabilities: np.ndarray  # rows × supplier groups
    members: np.ndarray  # supplier groups × industries (bool)


def _input_output(ind: _Industries, table: dict[str, dict[str, float]]) -> _InputOutput:
    buyers = list(table)
    groups = sorted({g for row in table.values() for g in row})
    members = np.array([[str(c).startswith(g) or s == g for c, s in zip(ind.code, ind.section, strict=True)]
                        for g in groups])
    empty = [g for g, m in zip(groups, members, strict=True) if not m.any()]
    if empty:
        raise ValueError(f"economy_data.yaml: supply groups without an industry: {empty}")
    probs = np.array([[float(table[b].get(g, 0.0)) for g in groups] for b in buyers])
    probs /= probs.sum(axis=1, keepdims=True)
    row_of = {b: i for i, b in enumerate(buyers)}
    rows = [_longest_prefix(str(c), str(s), row_of) for c, s in zip(ind.code, ind.section, strict=True)]
    return _InputOutput(np.array([-1 if r is None else r for r in rows]), probs, members)


def _categorical_rows(rng: np.random.Generator, weights: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """One column index per entry of ``rows``, drawn ∝ ``weights[row]`` (rows with positive sum)."""
    unique, inverse = np.unique(rows, return_inverse=True)
    cum = np.cumsum(weights[unique], axis=1)
    cum = cum / cum[:, -1:]
    flat = (cum + np.arange(len(unique))[:, None]).ravel()
    target = inverse + rng.random(len(rows))
    pick = np.searchsorted(flat, target, side="right") - inverse * weights.shape[1]
    return np.clip(pick, 0, weights.shape[1] - 1)


def _pick_within(rng: np.random.Generator, key: np.ndarray, weight: np.ndarray,
                 want: np.ndarray) -> np.ndarray:
    """For each value of ``want``, an index into ``key`` with that key, drawn ∝ ``weight``."""
    order = np.argsort(key, kind="stable")
    skey, cum = key[order], np.cumsum(weight[order])
    first = np.searchsorted(skey, want, side="left")
    stop = np.searchsorted(skey, want, side="right")
    base = np.where(first > 0, cum[np.maximum(first - 1, 0)], 0.0)
    total = cum[np.maximum(stop - 1, 0)] - base
    pos = np.searchsorted(cum, base + rng.random(len(want)) * total, side="right")
    return order[np.clip(pos, first, np.maximum(stop - 1, first))]


def _supply_links(rng: np.random.Generator, firms: _Firms, cty: _Counties, ind: _Industries, panel: _Panel,
                  usccs: np.ndarray, params: dict[str, Any]) -> pl.DataFrame:
    """Links from suppliers to buyers by input–output table and distance decay, per year."""
    sp = params["supply"]
    io = _input_output(ind, sp["input_output"])
    dist = distance_km(cty.lon[:, None], cty.lat[:, None], cty.lon[None, :], cty.lat[None, :])
    kernel = np.exp(-dist / sp["lambda_km"])
    kernel[np.diag_indices_from(kernel)] *= sp["same_county_factor"]
    frames = []
    for j, year in enumerate(panel.years):
        frame = _links_of_year(rng, firms, ind, panel, j, io, kernel, sp)
        if frame is not None:
            frames.append(frame.with_columns(pl.lit(year, dtype=pl.Int64).alias("year")))
    if not frames:
        return pl.DataFrame(schema={"supplier_uscc": pl.String, "buyer_uscc": pl.String, "product": pl.String,
                                    "amount_fen": pl.Int64, "year": pl.Int64})
    links = pl.concat(frames)
    links = links.with_columns(
        pl.Series("supplier_uscc", usccs[links["supplier"].to_numpy()]),
        pl.Series("buyer_uscc", usccs[links["buyer"].to_numpy()]),
        pl.Series("product", ind.product[firms.industry[links["supplier"].to_numpy()]]),
    )
    return (links.group_by("supplier_uscc", "buyer_uscc", "product", "year")
            .agg(pl.col("amount_fen").sum())
            .select("supplier_uscc", "buyer_uscc", "product", "amount_fen", "year")
            .sort("year", "buyer_uscc", "supplier_uscc", "product"))


def _links_of_year(rng: np.random.Generator, firms: _Firms, ind: _Industries, panel: _Panel, j: int,
                   io: _InputOutput, kernel: np.ndarray, sp: dict[str, Any]) -> pl.DataFrame | None:
    alive, revenue = panel.alive[:, j], panel.revenue_fen[:, j]
    row = io.buyer_row[firms.industry]
    buyers = np.flatnonzero(alive & (row >= 0))
    relative = revenue[buyers] / (np.exp(ind.log_median[firms.industry[buyers]]) * FEN_PER_WAN)
    rate = sp["links_per_buyer"] * np.clip(relative ** sp["size_elasticity"], 0.5, 3.0)
    buyer = np.repeat(buyers, rng.poisson(rate))
    group = _categorical_rows(rng, io.probabilities, row[buyer])
    supplier = np.full(len(buyer), -1, dtype=np.int64)
    weight = np.maximum(revenue, 1.0) ** sp["supplier_size_power"]
    for g in np.unique(group):
        sel = np.flatnonzero(group == g)
        candidates = np.flatnonzero(alive & io.members[g][firms.industry])
        if len(candidates) == 0:
            continue
        mass = np.bincount(firms.county[candidates], weights=weight[candidates], minlength=kernel.shape[0])
        county = _categorical_rows(rng, kernel * mass[None, :], firms.county[buyer[sel]])
        picked = candidates[_pick_within(rng, firms.county[candidates], weight[candidates], county)]
        supplier[sel] = np.where(firms.county[picked] == county, picked, -1)
    ok = (supplier >= 0) & (supplier != buyer)
    buyer, supplier = buyer[ok], supplier[ok]
    if len(buyer) == 0:
        return None
    share = rng.beta(*sp["share_beta"], len(buyer))
    amount = np.minimum(revenue[buyer] * share, revenue[supplier] * sp["max_supplier_share"])
    unit = 100_000
    amount = np.maximum(_round_money(amount, unit), unit).astype(np.int64)
    return pl.DataFrame({"supplier": supplier, "buyer": buyer, "amount_fen": amount})


# --- service providers -----------------------------------------------------------------------------


def _service_providers(rng: np.random.Generator, firms: _Firms, cty: _Counties, ind: _Industries,
                       params: dict[str, Any]) -> pl.DataFrame:
    """A few service providers per county: more logistics and finance, some public platforms."""
    sp = params["service_providers"]
    words = _brand_words(params)
    firm_count = np.bincount(firms.county, minlength=len(cty))
    scale = (np.maximum(firm_count, 1) / max(firm_count.mean(), 1.0)) ** sp["county_elasticity"]
    leading = _leading(firms, ind, len(cty), 3)
    rows: list[tuple[str, str, str, bool, str]] = []
    for c in range(len(cty)):
        products = [str(ind.product[k]) for k in leading[c]] or ["工业产品"]
        for kind, spec in sp["kinds"].items():
            for _ in range(int(rng.poisson(spec["mean"] * scale[c]))):
                public = bool(rng.random() < spec["public"]) and bool(spec["public_names"])
                templates = spec["public_names"] if public else spec["private_names"]
                product = products[int(rng.integers(len(products)))]
                name = templates[int(rng.integers(len(templates)))].format(
                    short=cty.short[c], brand=words[int(rng.integers(len(words)))], product=product)
                description = spec["description"].format(product=product)
                rows.append((str(cty.code[c]), name, kind, public, description))
    frame = pl.DataFrame(rows, schema={"region": pl.String, "name": pl.String, "kind": pl.String,
                                       "public_platform": pl.Boolean, "description": pl.String}, orient="row")
    return frame.unique(subset=["region", "name", "kind"], keep="first", maintain_order=True)


# --- the generator ---------------------------------------------------------------------------------


def generate_economy(seed: int, provinces: Sequence[str] = DEFAULT_PROVINCES, firms: int = 150_000,
                     years: Sequence[int] = DEFAULT_YEARS) -> DemoData:
    """The background economy for ``seed``: same seed, identical tables.

    Parameters
    ----------
    seed
        Seed of the one :func:`numpy.random.default_rng` every draw comes from.
    provinces
        6-digit province codes; every county-level division of them gets firms.
    firms
        Number of enterprises (alive at some time in ``years``).
    years
        The years of the yearly facts (sorted and de-duplicated; normally consecutive — with a
        gap, a firm that lived only in the gap year has no yearly rows).

    Returns
    -------
    DemoData
        Parks, enterprises, enterprise years, brands, supply links and service providers, with
        the import field names of ``jiqun/ingest/columns.yaml`` (money ``*_fen`` in fen,
        areas ``*_cmu`` in 1/100 亩, energy ``energy_tce_c`` in 1/100 tce).
    """
    if firms < 1:
        raise ValueError("firms must be at least 1")
    year_list = sorted({int(y) for y in years})
    if not year_list:
        raise ValueError("years must not be empty")
    params = load_parameters()
    rng = np.random.default_rng(seed)
    ind, cty = _industries(params), _counties(provinces, params)
    drawn, level = _draw_firms(rng, firms, cty, ind, year_list[-1], year_list[0], params)
    usccs = _make_usccs(rng, drawn, cty)
    brand = _firm_brands(rng, drawn, len(ind), params)
    names = _make_names(drawn, cty, ind, brand, list(params["ownership"]), params["names"]["brand_extra"])
    towns = _make_towns(rng, drawn, cty, params)
    panel = _build_panel(rng, drawn, ind, level, year_list, usccs, params)
    parks, firm_park = _parks(rng, drawn, cty, ind, params)
    idx = np.arange(len(drawn))
    flags = _flags(rng, drawn, ind, panel.revenue_fen[idx, panel.last_col] / FEN_PER_WAN, params)
    identity = {"uscc": usccs, "name": names, "town": towns, "park": firm_park}
    enterprises = _enterprise_frame(drawn, cty, ind, panel, identity, flags, params)
    brands = _brands(rng, drawn, cty, ind, panel, usccs, brand, params)
    links = _supply_links(rng, drawn, cty, ind, panel, usccs, params)
    providers = _service_providers(rng, drawn, cty, ind, params)
    return DemoData(
        parks=parks.sort("region", "name"), enterprises=enterprises.sort("region", "uscc"),
        enterprise_years=panel.frame.sort("uscc", "year"), brands=brands, supply_links=links,
        service_providers=providers.sort("region", "kind", "name"),
    )
