"""The import schema (columns.yaml) is complete, documented and unambiguous."""

from __future__ import annotations

import re
from importlib import resources

from jiqun.ingest.parse import UNITS
from jiqun.ingest.schema import FIELD_KEYS, KIND_KEYS, load_schema, match_header, normalize_header

YAML_TEXT = resources.files("jiqun.ingest").joinpath("columns.yaml").read_text(encoding="utf-8")


def test_every_key_is_documented_in_the_header_comment() -> None:
    comment = "\n".join(line for line in YAML_TEXT.splitlines() if line.startswith("#"))
    for key in FIELD_KEYS | KIND_KEYS:
        assert re.search(rf"\b{key}\b", comment), f"columns.yaml does not document '{key}'"


def test_spellings_are_unique_within_each_kind() -> None:
    for kind in load_schema().kinds.values():
        seen: dict[str, str] = {}
        for spec in kind.fields.values():
            for spelling in {normalize_header(s) for s in spec.spellings()}:
                assert seen.setdefault(spelling, spec.name) == spec.name, (kind.name, spelling)


def test_every_spelling_matches_its_field_and_export_headers_carry_their_unit() -> None:
    for kind in load_schema().kinds.values():
        for spec in kind.fields.values():
            for spelling in spec.spellings():
                assert match_header(kind.name, spelling)[0] == spec, (kind.name, spelling)
            field, unit = match_header(kind.name, spec.header("zh"))
            assert field == spec
            if spec.unit and spec.type in {"money", "quantity"}:
                assert unit == UNITS[spec.unit]


def test_keys_are_fields_or_derived_party_keys() -> None:
    for kind in load_schema().kinds.values():
        for key in kind.key:
            assert key in kind.fields or key in {"supplier_key", "buyer_key"}, (kind.name, key)


def test_money_units_are_money() -> None:
    for kind in load_schema().kinds.values():
        for spec in kind.fields.values():
            if spec.type == "money":
                assert UNITS[spec.unit].currency in {"CNY", "USD"}
