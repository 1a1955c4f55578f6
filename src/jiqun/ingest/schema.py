"""The import schema: kinds of tables, their fields, and which header means which field.

The schema is data (``columns.yaml`` beside this module); this module loads it and matches a
file's headers against it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from jiqun.errors import ConfigError
from jiqun.ingest.parse import Unit, split_header_unit, to_halfwidth

FIELD_TYPES = frozenset(
    {"uscc", "text", "region", "industry", "date", "bool", "choice", "money", "count",
     "quantity", "year", "currency", "park"}
)
FIELD_KEYS = frozenset(
    {"type", "required", "zh", "en", "aliases", "unit", "max", "max_length", "choices", "implies",
     "future_years"}
)
KIND_KEYS = frozenset({"zh", "en", "order", "sheet_names", "key", "fields"})


@dataclass(frozen=True)
class FieldSpec:
    """One importable column."""

    name: str
    type: str
    zh: str
    en: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    unit: str | None = None
    max: float | None = None
    max_length: int | None = None
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    implies: dict[str, dict[str, str]] = field(default_factory=dict)
    future_years: int = 0

    def header(self, lang: str = "zh") -> str:
        """The header jiqun writes on export, with its unit: ``营业收入(万元)``."""
        label = self.zh if lang == "zh" else self.en
        return f"{label}({self.unit})" if self.unit and self.type in {"money", "quantity"} else label

    def spellings(self) -> tuple[str, ...]:
        return (self.zh, self.en, self.name, *self.aliases)


@dataclass(frozen=True)
class KindSpec:
    """One kind of table (a CSV file or an XLSX sheet)."""

    name: str
    zh: str
    en: str
    order: int
    sheet_names: tuple[str, ...]
    key: tuple[str, ...]
    fields: dict[str, FieldSpec]

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    def required(self) -> list[FieldSpec]:
        return [f for f in self.fields.values() if f.required]


@dataclass(frozen=True)
class Schema:
    kinds: dict[str, KindSpec]
    report_columns: tuple[str, ...]

    def ordered(self) -> list[KindSpec]:
        return sorted(self.kinds.values(), key=lambda k: k.order)


@dataclass(frozen=True)
class ColumnMatch:
    """A file column recognised as a field; ``unit`` is the unit written in the header."""

    index: int
    header: str
    field: FieldSpec
    unit: Unit | None


_STRIP = re.compile(r"[\s_*＊:：·\-]+")


def normalize_header(text: str) -> str:
    """Header text reduced for matching: half-width, lower case, no spaces, ``_``, ``*``, ``:``."""
    return _STRIP.sub("", to_halfwidth(text)).lower()


def _field(name: str, raw: dict[str, Any]) -> FieldSpec:
    unknown = set(raw) - FIELD_KEYS
    if unknown or raw.get("type") not in FIELD_TYPES:
        raise ConfigError(f"columns.yaml: field {name}: unknown keys {sorted(unknown)} or type")
    choices = {k: tuple(v) for k, v in (raw.get("choices") or {}).items()}
    return FieldSpec(
        name=name, type=raw["type"], zh=raw["zh"], en=raw["en"],
        required=bool(raw.get("required", False)), aliases=tuple(raw.get("aliases", ())),
        unit=raw.get("unit"), max=raw.get("max"), max_length=raw.get("max_length"),
        choices=choices, implies=raw.get("implies") or {},
        future_years=int(raw.get("future_years", 0)),
    )


def _kind(name: str, raw: dict[str, Any]) -> KindSpec:
    unknown = set(raw) - KIND_KEYS
    if unknown:
        raise ConfigError(f"columns.yaml: kind {name}: unknown keys {sorted(unknown)}")
    fields = {fname: _field(fname, fraw) for fname, fraw in raw["fields"].items()}
    return KindSpec(
        name=name, zh=raw["zh"], en=raw["en"], order=raw["order"],
        sheet_names=tuple(raw["sheet_names"]), key=tuple(raw["key"]), fields=fields,
    )


@cache
def load_schema() -> Schema:
    """The shipped import schema (``jiqun/ingest/columns.yaml``)."""
    text = resources.files("jiqun.ingest").joinpath("columns.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    kinds = {name: _kind(name, body) for name, body in raw["kinds"].items()}
    return Schema(kinds=kinds, report_columns=tuple(raw.get("report_columns", ())))


@cache
def _spelling_index(kind: str) -> dict[str, FieldSpec]:
    spec = load_schema().kinds[kind]
    return {normalize_header(s): f for f in spec.fields.values() for s in f.spellings()}


def match_header(kind: str, header: str) -> tuple[FieldSpec | None, Unit | None]:
    """The field a header means in ``kind`` (or ``None``) and the unit written in it."""
    index = _spelling_index(kind)
    exact = index.get(normalize_header(header))
    if exact is not None:
        return exact, None
    name, unit = split_header_unit(header)
    return index.get(normalize_header(name)), unit


def match_columns(kind: str, headers: list[str]) -> list[ColumnMatch]:
    """Every header of ``headers`` recognised as a field of ``kind``, in file order."""
    matches = []
    for i, header in enumerate(headers):
        spec, unit = match_header(kind, header)
        if spec is not None:
            matches.append(ColumnMatch(index=i, header=header, field=spec, unit=unit))
    return matches


def is_report_column(header: str) -> bool:
    """True for the columns jiqun adds to an error report (ignored on re-import)."""
    wanted = {normalize_header(c) for c in load_schema().report_columns}
    return normalize_header(header) in wanted


def kind_score(kind: str, headers: list[str]) -> tuple[int, int]:
    """(required fields found, all fields found) — how well ``headers`` fit ``kind``."""
    found = {m.field.name for m in match_columns(kind, headers)}
    spec = load_schema().kinds[kind]
    return sum(f.name in found for f in spec.required()), len(found)
