"""The registry read back as analysis tables equals the demo's own tables (after the import)."""

from __future__ import annotations

import polars as pl
import pytest

from jiqun.clusters.tables import SCHEMA
from jiqun.demo.build import generate_demo, write_bureau_files

pytestmark = pytest.mark.slow


def test_registry_snapshot_matches_the_generated_tables(registry: None, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from jiqun.ingest.importer import import_files
    from jiqun.registry.snapshot import registry_tables

    demo = generate_demo(seed=9, firms=600)
    import_files(write_bureau_files(demo, tmp_path))
    expected = demo.analysis_tables()
    got = registry_tables()
    assert set(got) == set(SCHEMA)
    for name in ("enterprises", "enterprise_years", "county_finance", "key_projects", "equipment_purchases"):
        assert got[name].height == expected[name].height, name
    keys = ["uscc", "year"]
    years = got["enterprise_years"].sort(keys).select(*keys, "revenue", "employees")
    want = expected["enterprise_years"].sort(keys).select(*keys, "revenue", "employees")
    diff = years.join(want, on=keys, suffix="_want").filter(
        (pl.col("revenue") - pl.col("revenue_want")).abs() > 0.005)
    assert diff.height == 0, diff.head()
    shaodong = registry_tables(regions=["430582"])
    assert set(shaodong["enterprises"]["region"]) == {"430582"}
    assert shaodong["county_finance"]["region"].unique().to_list() == ["430582"]
    assert pl.Series(shaodong["supply_links"].select(
        pl.col("supplier_region").eq("430582") | pl.col("buyer_region").eq("430582")).to_series()).all()
