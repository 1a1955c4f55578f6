"""The import schema (columns.yaml), the writer's targets and the registry models say the same.

A kind's fields are declared in columns.yaml, written by writer.TARGETS and stored by the Django
models; these tests fail as soon as one of the three gains or loses a column the others lack.
"""

from __future__ import annotations

from pathlib import Path

import pytest

# fields that the parser turns into other frame columns before writing (schema name -> frame names)
DERIVED = {
    "enterprises": {"park": {"park_id"}},
    "supply_links": {"supplier_uscc": {"supplier_id", "supplier_key"},
                     "buyer_uscc": {"buyer_id", "buyer_key"}},
}


@pytest.fixture(scope="module")
def targets(django_db: Path) -> dict:
    from jiqun.ingest.writer import TARGETS

    return TARGETS


def _schema_kinds() -> dict:
    from jiqun.ingest.schema import load_schema

    return load_schema().kinds


def test_every_kind_has_a_target_and_every_target_a_kind(targets: dict) -> None:
    assert set(targets) == set(_schema_kinds())


@pytest.mark.parametrize("kind", sorted(_schema_kinds()))
def test_the_fields_of_a_kind_are_the_columns_it_writes(kind: str, targets: dict) -> None:
    fields = set(_schema_kinds()[kind].fields)
    derived = DERIVED.get(kind, {})
    expected = (fields - set(derived)) | set().union(*derived.values())
    assert {c.frame for c in targets[kind].columns()} == expected


@pytest.mark.parametrize("kind", sorted(_schema_kinds()))
def test_each_written_column_is_a_model_field_of_the_right_sort(kind: str, targets: dict) -> None:
    from django.db import models as dj

    from jiqun.ingest.writer import CENTS, FLAG, TEXT

    target = targets[kind]
    by_column = {f.column: f for f in target.model._meta.concrete_fields}
    for column in target.columns():
        assert column.db in by_column, f"{kind}.{column.frame}: no column {column.db} in {target.table}"
        field = by_column[column.db]
        if column.kind == TEXT:
            assert isinstance(field, (dj.CharField, dj.TextField)) and not field.null, column
        if column.kind == FLAG:
            assert isinstance(field, dj.BooleanField) and not field.null, column
        if column.kind == CENTS:
            assert isinstance(field, dj.DecimalField) and field.decimal_places >= 2, column


@pytest.mark.parametrize("kind", sorted(_schema_kinds()))
def test_the_key_of_a_kind_is_unique_in_the_database(kind: str, targets: dict) -> None:
    target = targets[kind]
    meta = target.model._meta

    def columns_of(names: tuple[str, ...]) -> set[str]:
        return {meta.get_field(name).column for name in names}

    uniques = [columns_of(names) for names in meta.unique_together]
    uniques += [columns_of(c.fields) for c in meta.constraints if getattr(c, "fields", None)]
    uniques += [{f.column} for f in meta.concrete_fields if f.unique]
    assert {c.db for c in target.key} in uniques, f"{kind}: no unique constraint on its key"
