"""Every kind of bad file gives a clear message naming where, and leaves the registry unchanged."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from jiqun.errors import InputError
from jiqun.ingest.importer import import_files

CORPUS = Path(__file__).resolve().parent / "bad_files"
CASES = yaml.safe_load((CORPUS / "MANIFEST.yaml").read_text(encoding="utf-8"))
GOOD_ENTERPRISE = "统一社会信用代码,企业名称,区县代码,行业代码\n91350200776049653A,甲示例公司,321023,3059\n"


def test_corpus_has_at_least_30_kinds() -> None:
    assert len(CASES) >= 30
    assert all((CORPUS / c["file"]).exists() for c in CASES)


def registry_state() -> list[tuple]:
    from jiqun.registry import models as m

    return [tuple(model.objects.order_by("pk").values_list()) for model in
            (m.Park, m.Enterprise, m.EnterpriseYear, m.Brand, m.SupplyLink, m.ServiceProvider,
             m.ImportRun, m.Industry, m.Region)]


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_bad_file(case: dict, registry: Path, tmp_path: Path) -> None:
    if case.get("needs_registry"):
        good = tmp_path / "good.csv"
        good.write_text(GOOD_ENTERPRISE, encoding="utf-8")
        import_files([good])
    path = tmp_path / case["file"]
    shutil.copy(CORPUS / case["file"], path)
    before = registry_state()
    with pytest.raises(InputError) as caught:
        import_files([path])
    errors = [p for p in caught.value.problems if p.severity == "error"]
    assert errors, "an InputError must carry its problems"
    first = errors[0]
    assert first.file.startswith(case["file"])
    if "row" in case:
        assert first.row == case["row"], first
    if "column" in case:
        assert first.column == case["column"], first
    if "message" in case:
        assert any(case["message"] in p.message for p in errors), [p.message for p in errors]
    assert all(p.message for p in errors)
    assert registry_state() == before
