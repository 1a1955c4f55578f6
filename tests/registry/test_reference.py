"""Reference tables: provisional industries become real when the full table is loaded."""

from __future__ import annotations

import csv
from pathlib import Path

from jiqun.ingest.importer import import_files


def test_loading_the_full_table_replaces_provisional_industries(
        registry: Path, tmp_path: Path, shared_data: Path) -> None:
    from jiqun.codes.industries import IndustryCodebook
    from jiqun.registry.models import Enterprise, Industry
    from jiqun.registry.reference import sync_industries

    path = tmp_path / "企业.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["统一社会信用代码", "企业名称", "区县代码", "行业代码"],
                                      ["91350200776049653A", "甲示例公司", "321023", "3059"]])
    result = import_files([path])
    assert any("未载入" in p.message for p in result.warnings)
    assert Industry.objects.get(code="3059").provisional
    book = IndustryCodebook.builtin().merged_with(
        IndustryCodebook.from_file(shared_data / "gbt4754-2017" / "gbt4754_2017.csv"))
    try:
        sync_industries(book)
        industry = Industry.objects.get(code="3059")
        assert not industry.provisional and industry.name_zh == "其他玻璃制品制造"
        assert industry.parent_id == "305"
        assert Enterprise.objects.get(uscc="91350200776049653A").industry_id == "3059"
        assert Industry.objects.filter(level=4).count() == 1381
    finally:  # other tests expect only the shipped levels
        Enterprise.objects.all().delete()
        Industry.objects.filter(level=4).delete()
        Industry.objects.filter(level=3).delete()


def test_old_region_code_is_resolved_on_import(registry: Path, tmp_path: Path) -> None:
    from jiqun.registry.models import Enterprise

    path = tmp_path / "企业.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["统一社会信用代码", "企业名称", "区县代码", "行业代码"],
                                      ["91350200776049653A", "甲示例公司", "430521", "4119"]])
    result = import_files([path])
    assert Enterprise.objects.get(uscc="91350200776049653A").region_id == "430582"
    assert any("2019" in p.message for p in result.warnings)
