"""GB/T 4754-2017 industries: the shipped 门类/大类, code checks, loading a full table."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiqun.codes.industries import (
    IndustryCheck,
    IndustryCodebook,
    check_industry,
    code_level,
    provisional_industry,
)
from jiqun.errors import InputError

FULL_TABLE = Path(__file__).resolve().parents[3] / "shared" / "data" / "gbt4754-2017" / "gbt4754_2017.csv"
SECTIONS = "ABCDEFGHIJKLMNOPQRST"
# GB/T 4754-2017: the 大类 range of each 门类.
SECTION_RANGES = {"A": (1, 5), "B": (6, 12), "C": (13, 43), "D": (44, 46), "E": (47, 50), "F": (51, 52),
                  "G": (53, 60), "H": (61, 62), "I": (63, 65), "J": (66, 69), "K": (70, 70),
                  "L": (71, 72), "M": (73, 75), "N": (76, 79), "O": (80, 82), "P": (83, 83),
                  "Q": (84, 85), "R": (86, 90), "S": (91, 96), "T": (97, 97)}


@pytest.fixture(scope="module")
def builtin() -> IndustryCodebook:
    return IndustryCodebook.builtin()


@pytest.fixture(scope="module")
def full_table() -> IndustryCodebook:
    if not FULL_TABLE.is_file():
        pytest.skip(f"shared GB/T 4754-2017 table not found at {FULL_TABLE}")
    return IndustryCodebook.from_file(FULL_TABLE)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(path: Path) -> list:  # type: ignore[type-arg]
    with pytest.raises(InputError) as info:
        IndustryCodebook.from_file(path)
    assert info.value.problems
    return info.value.problems


# --- the shipped 门类 and 大类 ----------------------------------------------------------------


def test_builtin_has_20_sections_and_97_divisions(builtin: IndustryCodebook) -> None:
    assert [i.code for i in builtin.at_level(1)] == list(SECTIONS)
    divisions = builtin.at_level(2)
    assert len(divisions) == 97
    assert [i.code for i in divisions] == [f"{n:02d}" for n in range(1, 98)]
    assert len(builtin) == 117
    assert Counter(i.level for i in builtin) == {1: 20, 2: 97}


@pytest.mark.parametrize(("code", "parent"), [
    ("13", "C"), ("30", "C"), ("54", "G"), ("01", "A"), ("97", "T"), ("43", "C"), ("44", "D"),
    ("70", "K"), ("83", "P"),
])
def test_builtin_parents(builtin: IndustryCodebook, code: str, parent: str) -> None:
    item = builtin.get(code)
    assert item is not None and item.parent == parent and item.level == 2


def test_every_division_sits_in_its_section_range(builtin: IndustryCodebook) -> None:
    for division in builtin.at_level(2):
        section = builtin.get(division.parent)
        assert section is not None and section.level == 1 and section.parent == ""
        low, high = SECTION_RANGES[section.code]
        assert low <= int(division.code) <= high, division
    for section in builtin.at_level(1):
        low, high = SECTION_RANGES[section.code]
        assert [c.code for c in builtin.children(section.code)] == \
            [f"{n:02d}" for n in range(low, high + 1)]


@pytest.mark.parametrize(("code", "name"), [
    ("30", "非金属矿物制品业"), ("36", "汽车制造业"), ("C", "制造业"), ("A", "农、林、牧、渔业"),
    ("13", "农副食品加工业"), ("T", "国际组织"),
])
def test_builtin_names(builtin: IndustryCodebook, code: str, name: str) -> None:
    item = builtin.get(code)
    assert item is not None and item.name_zh == name


def test_every_builtin_item_has_english_name(builtin: IndustryCodebook) -> None:
    assert all(i.name_en and i.name_zh for i in builtin)


def test_hierarchy_helpers(builtin: IndustryCodebook) -> None:
    assert [i.code for i in builtin.ancestors("30")] == ["C"]
    assert builtin.ancestors("C") == []
    assert builtin.ancestors("3051") == []  # not in the builtin book
    assert builtin.division_of("3051").code == "30"  # type: ignore[union-attr]
    assert builtin.section_of("3051").code == "C"  # type: ignore[union-attr]
    assert builtin.section_of("C").code == "C"  # type: ignore[union-attr]
    assert builtin.division_of("C30") is None
    assert "30" in builtin and "3051" not in builtin


@pytest.mark.parametrize(("code", "level"), [
    ("A", 1), ("T", 1), ("U", None), ("a", None), ("30", 2), ("305", 3), ("3051", 4),
    ("30511", None), ("3", None), ("", None), ("C30", None),
])
def test_code_level(code: str, level: int | None) -> None:
    assert code_level(code) == level


# --- checking codes against the builtin book ------------------------------------------------


@pytest.mark.parametrize(("text", "status", "code"), [
    ("3051", "provisional", "3051"),
    ("305", "provisional", "305"),
    ("C3051", "provisional", "3051"),
    ("c3051", "provisional", "3051"),
    ("C 3051", "provisional", "3051"),
    ("３０５１", "provisional", "3051"),
    ("Ｃ３０５１", "provisional", "3051"),
    (" 30 ", "known", "30"),
    ("C30", "known", "30"),
    ("C", "known", "C"),
    ("c", "known", "C"),
    ("A3051", "malformed", "A3051"),
    ("D30", "malformed", "D30"),
    ("9899", "unknown", "9899"),
    ("98", "unknown", "98"),
    ("00", "unknown", "00"),
    ("30A1", "malformed", "30A1"),
    ("3O51", "malformed", "3O51"),
    ("30511", "malformed", "30511"),
    ("U", "malformed", "U"),
    ("", "malformed", ""),
])
def test_check_industry_builtin(text: str, status: str, code: str) -> None:
    result = check_industry(text)
    assert (result.status, result.code) == (status, code), result
    assert result.message


def test_check_messages() -> None:
    assert check_industry("3051").message == "属于大类 30 非金属矿物制品业，该小类未载入"
    assert check_industry("305").message == "属于大类 30 非金属矿物制品业，该中类未载入"
    assert check_industry("30").message == "非金属矿物制品业"
    assert check_industry("A3051").message == "门类字母 A 与代码 3051 所属门类 C 不符"
    assert "9899" in check_industry("9899").message and "GB/T 4754-2017" in check_industry("9899").message
    assert "30A1" in check_industry("30A1").message


@pytest.mark.parametrize("text", ["AC3051", "ZC3051", "CC"])
def test_more_than_one_leading_letter_is_malformed(text: str) -> None:
    assert check_industry(text).status == "malformed"


@settings(deadline=None, max_examples=100)
@given(st.text(alphabet="0123456789ABCDTUZ３Ｃ -", max_size=6))
def test_check_never_raises_and_status_is_one_of_four(text: str) -> None:
    result = check_industry(text)
    assert result.status in {"known", "provisional", "unknown", "malformed"}
    if result.status in {"known", "provisional"}:
        assert code_level(result.code) is not None


def test_check_industry_with_explicit_book(builtin: IndustryCodebook) -> None:
    assert check_industry("3051", builtin) == check_industry("3051")
    empty = IndustryCodebook([])
    assert check_industry("30", empty).status == "unknown"
    assert check_industry("3051", empty).status == "unknown"


# --- the full table -------------------------------------------------------------------------


def test_full_table_levels(full_table: IndustryCodebook) -> None:
    assert Counter(i.level for i in full_table) == {1: 20, 2: 97, 3: 473, 4: 1381}


def test_full_table_agrees_with_builtin(full_table: IndustryCodebook, builtin: IndustryCodebook) -> None:
    for item in builtin:
        loaded = full_table.get(item.code)
        assert loaded is not None
        assert (loaded.name_zh, loaded.parent, loaded.level) == (item.name_zh, item.parent, item.level)
        assert loaded.name_en == item.name_en  # English names filled in from the builtin


def test_full_table_hierarchy_is_consistent(full_table: IndustryCodebook) -> None:
    for item in full_table:
        if item.level == 1:
            assert item.parent == ""
        else:
            parent = full_table.get(item.parent)
            assert parent is not None and parent.level == item.level - 1
            if item.level > 2:
                assert item.parent == item.code[:-1]


def test_merged_book(full_table: IndustryCodebook, builtin: IndustryCodebook) -> None:
    book = builtin.merged_with(full_table)
    assert len(book) == 20 + 97 + 473 + 1381
    assert book.check("3051") == IndustryCheck("known", "3051", "技术玻璃制品制造")
    assert book.check("C3051").status == "known"
    assert [i.code for i in book.ancestors("3051")] == ["305", "30", "C"]
    assert [i.code for i in book.children("305")][:1] == ["3051"]
    assert book.check("3059").status == "known"
    assert book.check("3058").status == "provisional"
    assert book.get("30").name_en  # type: ignore[union-attr]


# --- provisional placeholders ---------------------------------------------------------------


def test_provisional_industry(builtin: IndustryCodebook) -> None:
    item = provisional_industry(builtin, "3051")
    assert item.code == "3051" and item.level == 4
    assert item.parent in builtin or item.parent == "305"
    assert item.parent == "30"
    assert "未载入" in item.name_zh and "3051" in item.name_zh and "小类" in item.name_zh


def test_provisional_industry_prefers_a_loaded_group(builtin: IndustryCodebook) -> None:
    book = IndustryCodebook([*builtin, *[provisional_industry(builtin, "305")]])
    assert provisional_industry(book, "3051").parent == "305"
    group = provisional_industry(builtin, "305")
    assert (group.level, group.parent) == (3, "30") and "中类" in group.name_zh


# --- loading tables from files --------------------------------------------------------------


def test_from_file_good_csv_with_chinese_headers(tmp_path: Path) -> None:
    path = _write(tmp_path, "good.csv",
                  "代码,名称,上级代码\n305,玻璃制品制造,30\n3051,技术玻璃制品制造,305\n")
    book = IndustryCodebook.from_file(path)
    assert [(i.code, i.level, i.parent, i.name_zh) for i in book] == [
        ("305", 3, "30", "玻璃制品制造"), ("3051", 4, "305", "技术玻璃制品制造")]


def test_from_file_without_parent_column_derives_parents(tmp_path: Path) -> None:
    path = _write(tmp_path, "np.csv", "code,name\n305,玻璃制品制造\n3051,技术玻璃制品制造\n")
    assert [i.parent for i in IndustryCodebook.from_file(path)] == ["30", "305"]


def test_from_file_same_row_twice_is_fine(tmp_path: Path) -> None:
    path = _write(tmp_path, "twice.csv", "code,name,parent\n305,玻璃制品制造,30\n305,玻璃制品制造,30\n")
    assert len(IndustryCodebook.from_file(path)) == 1


def test_from_file_missing_name_column(tmp_path: Path) -> None:
    (problem,) = _problems(_write(tmp_path, "noname.csv", "code,parent\n3051,305\n"))
    assert problem.file == "noname.csv" and problem.row == 1 and problem.column == "名称"
    assert "名称" in problem.message


def test_from_file_duplicate_code_with_different_name(tmp_path: Path) -> None:
    path = _write(tmp_path, "dup.csv", "code,name,parent\n305,玻璃制品制造,30\n"
                  "3051,技术玻璃制品制造,305\n3051,别的名字,305\n")
    (problem,) = _problems(path)
    assert (problem.file, problem.row, problem.column, problem.value) == ("dup.csv", 4, "code", "3051")
    assert "技术玻璃制品制造" in problem.message


def test_from_file_parent_not_the_prefix(tmp_path: Path) -> None:
    path = _write(tmp_path, "pp.csv", "code,name,parent\n305,玻璃制品制造,30\n3051,技术玻璃制品制造,306\n")
    (problem,) = _problems(path)
    assert (problem.file, problem.row, problem.column, problem.value) == ("pp.csv", 3, "parent", "306")
    assert problem.expected == "305"


def test_from_file_division_in_wrong_section(tmp_path: Path) -> None:
    (problem,) = _problems(_write(tmp_path, "sec.csv", "code,name,parent\n30,非金属矿物制品业,D\n"))
    assert (problem.row, problem.column, problem.value, problem.expected) == (2, "parent", "D", "C")


def test_from_file_parent_that_does_not_exist(tmp_path: Path) -> None:
    path = _write(tmp_path, "orphan.csv", "code,name,parent\n3051,技术玻璃制品制造,305\n")
    (problem,) = _problems(path)
    assert (problem.file, problem.column, problem.value) == ("orphan.csv", "parent", "305")
    assert "不存在" in problem.message


def test_from_file_parent_that_does_not_exist_names_the_row(tmp_path: Path) -> None:
    path = _write(tmp_path, "orphan.csv", "code,name,parent\n3051,技术玻璃制品制造,305\n")
    (problem,) = _problems(path)
    assert problem.row == 2


def test_from_file_malformed_code(tmp_path: Path) -> None:
    path = _write(tmp_path, "oh.csv", "code,name,parent\n305,玻璃制品制造,30\n3O51,技术玻璃制品制造,305\n")
    (problem,) = _problems(path)
    assert (problem.file, problem.row, problem.column, problem.value) == ("oh.csv", 3, "code", "3O51")


def test_from_file_reports_every_problem_at_once(tmp_path: Path) -> None:
    path = _write(tmp_path, "many.csv", "code,name,parent\n3O51,甲,305\n3052,乙,306\n3053,丙,305\n")
    problems = _problems(path)
    assert [p.value for p in problems] == ["3O51", "306", "305"]
    assert all(p.file == "many.csv" for p in problems)


def test_from_file_xlsx(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["行业代码", "行业名称", "上级代码"])
    sheet.append(["305", "玻璃制品制造", "30"])
    sheet.append([3051, "技术玻璃制品制造", 305])  # numbers, as Excel users type them
    sheet.append(["3052", "光学玻璃制造", "305"])
    path = tmp_path / "small.xlsx"
    workbook.save(path)
    book = IndustryCodebook.from_file(path)
    assert [(i.code, i.level, i.parent) for i in book] == [("305", 3, "30"), ("3051", 4, "305"),
                                                           ("3052", 4, "305")]
    merged = IndustryCodebook.builtin().merged_with(book)
    assert merged.check("3052").message == "光学玻璃制造"
