"""The importer on good files: samples, idempotence, units, dry run, skip-invalid, round trip."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from jiqun.errors import InputError
from jiqun.ingest.importer import import_files
from jiqun.samples import sample_files

USCC_A = "91350200776049653A"
USCC_B = "91350503MA31DKY80A"
USCC_C = "91350200MA31E12PXF"


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def enterprises_file(tmp_path: Path, name: str = "企业.csv") -> Path:
    return write_csv(tmp_path / name, [
        ["统一社会信用代码", "企业名称", "区县代码", "行业代码", "成立日期"],
        [USCC_A, "甲示例公司", "321023", "3059", "2019-05-01"],
        [USCC_B, "乙示例公司", "321023", "3054", "2019/5/1"],
        [USCC_C, "丙示例公司", "430582", "4119", "2019年5月1日"],
    ])


def counts() -> dict[str, int]:
    from jiqun.registry.summary import registry_summary

    return registry_summary()["counts"]  # type: ignore[return-value]


def test_samples_import_and_reimport_changes_nothing(registry: Path) -> None:
    first = import_files(sample_files())
    assert first.errors == []
    totals = first.totals()
    assert totals["inserted"] == totals["rows"] > 0
    before = counts()
    second = import_files(sample_files())
    assert second.totals()["inserted"] == 0
    assert second.totals()["updated"] == 0
    assert second.totals()["unchanged"] == totals["rows"]
    assert counts() == before


def test_units_in_header_and_cell_are_stored_in_yuan(registry: Path, tmp_path: Path) -> None:
    from jiqun.registry.models import EnterpriseYear

    ents = enterprises_file(tmp_path)
    facts = write_csv(tmp_path / "年度.csv", [
        ["统一社会信用代码", "年份", "营业收入(万元)", "出口额(万美元)", "税收", "从业人员"],
        [USCC_A, "2023", "1,234.5", "12", "3亿元", "１２０"],
        [USCC_B, "2023年", "０．０１", "", "5万", "12"],
    ])
    import_files([ents, facts])
    a = EnterpriseYear.objects.get(enterprise_id=USCC_A, year=2023)
    assert a.revenue == Decimal("12345000.00")
    assert a.exports == Decimal("120000.00") and a.export_currency == "USD"
    assert a.tax == Decimal("300000000.00")
    assert a.employees == 120
    b = EnterpriseYear.objects.get(enterprise_id=USCC_B, year=2023)
    assert b.revenue == Decimal("100.00")
    assert b.exports is None and b.export_currency == ""


def test_blank_cells_keep_registry_values(registry: Path, tmp_path: Path) -> None:
    from jiqun.registry.models import EnterpriseYear

    ents = enterprises_file(tmp_path)
    full = write_csv(tmp_path / "a.csv", [["信用代码", "年份", "营业收入(万元)", "从业人员"],
                                          [USCC_A, 2022, 10, 5]])
    partial = write_csv(tmp_path / "b.csv", [["信用代码", "年份", "营业收入(万元)", "从业人员"],
                                             [USCC_A, 2022, "", 7]])
    import_files([ents, full])
    result = import_files([partial])
    assert result.totals()["updated"] == 1
    row = EnterpriseYear.objects.get(enterprise_id=USCC_A, year=2022)
    assert row.revenue == Decimal("100000.00") and row.employees == 7


def test_one_bad_row_means_nothing_is_written(registry: Path, tmp_path: Path) -> None:
    bad = write_csv(tmp_path / "企业.csv", [
        ["统一社会信用代码", "企业名称", "区县代码", "行业代码"],
        [USCC_A, "甲示例公司", "321023", "3059"],
        [USCC_B[:-1] + "B", "乙示例公司", "321023", "3054"],
    ])
    before = counts()
    with pytest.raises(InputError) as caught:
        import_files([bad])
    problem = next(p for p in caught.value.problems if p.severity == "error")
    assert (problem.file, problem.row, problem.column) == ("企业.csv", 3, "统一社会信用代码")
    assert problem.value == USCC_B[:-1] + "B"
    assert counts() == before
    assert (tmp_path / "企业_错误报告.xlsx").exists()


def test_skip_invalid_imports_the_rest_and_lists_rows(registry: Path, tmp_path: Path) -> None:
    bad = write_csv(tmp_path / "企业.csv", [
        ["统一社会信用代码", "企业名称", "区县代码", "行业代码"],
        [USCC_A, "甲示例公司", "321023", "3059"],
        [USCC_B, "乙示例公司", "999999", "3054"],
        [USCC_C, "丙示例公司", "430582", "4119"],
    ])
    result = import_files([bad], skip_invalid=True)
    assert result.tables[0].skipped_rows == [3]
    assert result.totals()["inserted"] == 2
    assert counts()["enterprises"] == 2


def test_skip_invalid_exits_3_when_rows_were_left_out(registry: Path, tmp_path: Path) -> None:
    from jiqun.cli import main

    header = ["统一社会信用代码", "企业名称", "区县代码", "行业代码"]
    bad = write_csv(tmp_path / "企业.csv", [header, [USCC_A, "甲示例公司", "321023", "3059"],
                                           [USCC_B, "乙示例公司", "999999", "3054"]])
    assert main(["import", str(bad), "--skip-invalid"]) == 3
    assert counts()["enterprises"] == 1
    good = write_csv(tmp_path / "企业2.csv", [header, [USCC_C, "丙示例公司", "430582", "4119"]])
    assert main(["import", str(good), "--skip-invalid"]) == 0


def test_dry_run_writes_nothing(registry: Path, tmp_path: Path) -> None:
    before = counts()
    result = import_files([enterprises_file(tmp_path)], dry_run=True)
    assert result.totals()["inserted"] == 3
    assert counts() == before


def test_error_report_can_be_fixed_and_reimported(registry: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    bad = write_csv(tmp_path / "企业.csv", [
        ["统一社会信用代码", "企业名称", "区县代码", "行业代码"],
        [USCC_A, "甲示例公司", "321023", "3059"],
        [USCC_B, "乙示例公司", "32102", "3054"],
    ])
    with pytest.raises(InputError):
        import_files([bad])
    report = tmp_path / "企业_错误报告.xlsx"
    book = load_workbook(report)
    fix = book[book.sheetnames[0]]
    header = [c.value for c in fix[1]]
    assert header[0] == "原行号" and header[-1] == "问题说明"
    assert fix.cell(2, 1).value == 3
    fix.cell(2, header.index("区县代码") + 1).value = "321023"
    book.save(report)
    result = import_files([report])
    assert result.totals()["inserted"] == 1
    assert counts()["enterprises"] == 1


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "parquet"])
def test_export_then_import_round_trips(registry: Path, tmp_path: Path, fmt: str) -> None:
    from jiqun.ingest.export import export_registry

    import_files(sample_files())
    before = counts()
    out = tmp_path / ("out.xlsx" if fmt == "xlsx" else "out")
    written = export_registry(out, fmt)
    files = [p for p, _ in written]
    result = import_files(files)
    assert result.totals()["inserted"] == 0
    assert result.totals()["updated"] == 0
    assert counts() == before


def test_same_name_under_another_code_is_a_warning(registry: Path, tmp_path: Path) -> None:
    import_files([enterprises_file(tmp_path)])
    other = write_csv(tmp_path / "另一份.csv", [
        ["统一社会信用代码", "企业名称", "区县代码", "行业代码"],
        ["91350200MA31E12PXF", "甲示例公司", "321023", "3059"],
    ])
    result = import_files([other], dry_run=True)
    warning = next(p for p in result.warnings if "同名企业" in p.message)
    assert (warning.row, warning.value) == (2, "甲示例公司")
    assert USCC_A in warning.message


def test_plans_may_look_ahead_but_facts_may_not(registry: Path, tmp_path: Path) -> None:
    from datetime import date

    target = write_csv(tmp_path / "目标.csv", [["区县代码", "集群名称", "目标年份", "目标产值(亿元)"],
                                              ["420607", "汽车零配件", date.today().year + 5, 100]])
    assert import_files([target]).totals()["inserted"] == 1
    import_files([enterprises_file(tmp_path)])
    future = write_csv(tmp_path / "年度.csv", [["信用代码", "年份", "营业收入(万元)"],
                                              [USCC_A, date.today().year + 1, 1]])
    with pytest.raises(InputError, match="错误"):
        import_files([future])


def test_export_currency_must_agree_with_the_header_unit(registry: Path, tmp_path: Path) -> None:
    import_files([enterprises_file(tmp_path)])
    clash = write_csv(tmp_path / "年度.csv", [["信用代码", "年份", "出口额(万元)", "出口币种"],
                                             [USCC_A, 2023, 100, "美元"]])
    with pytest.raises(InputError) as caught:
        import_files([clash])
    assert any(p.column == "出口币种" for p in caught.value.problems)


def test_codes_written_the_way_excel_saves_them(registry: Path, tmp_path: Path) -> None:
    from jiqun.registry.models import Enterprise

    path = write_csv(tmp_path / "企业.csv", [["统一社会信用代码", "企业名称", "区县代码", "行业代码"],
                                           [f"'{USCC_A}", "甲示例公司", "321023.0", "3059"]])
    import_files([path])
    firm = Enterprise.objects.get(uscc=USCC_A)
    assert firm.region_id == "321023"
