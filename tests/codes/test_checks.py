"""check_code: one JSON-ready verdict for USCC, region and industry codes."""

from __future__ import annotations

import pytest

from jiqun.codes.checks import check_code
from jiqun.codes.industries import IndustryCodebook
from jiqun.codes.uscc import org_code_check_char, uscc_check_char
from jiqun.errors import InputError


def _uscc(first16: str) -> str:
    first17 = first16 + org_code_check_char(first16[8:16])
    return first17 + uscc_check_char(first17)


def test_valid_uscc() -> None:
    assert check_code("uscc", "91350200776049653A") == {
        "input": "91350200776049653A", "ok": True, "code": "91350200776049653A",
        "message": "有效，登记机关所在地 350200 厦门市"}


def test_valid_uscc_normalised_and_in_a_county() -> None:
    code = _uscc("93430582MA31DKY8")
    result = check_code("uscc", code.lower())
    assert result["ok"] is True and result["code"] == code and result["input"] == code.lower()
    assert result["message"] == "有效，登记机关所在地 430582 邵东市"


def test_uscc_with_warning_and_unknown_region() -> None:
    first17 = "94999999MA31DKY81"
    result = check_code("uscc", first17 + uscc_check_char(first17))
    assert result["ok"] is True
    message = str(result["message"])
    assert "登记机关区划代码不在代码表中" in message and "提醒：" in message and "组织机构代码" in message


def test_invalid_uscc() -> None:
    result = check_code("uscc", "91350200776049653B")
    assert result["ok"] is False
    assert result["message"] == "无效：第 18 位校验码应为“A”，实为“B”"
    assert check_code("uscc", "x")["message"] == "无效：长度为 1 位，应为 18 位"


def test_region() -> None:
    assert check_code("region", "321023") == {"input": "321023", "ok": True, "code": "321023",
                                              "message": "江苏省 扬州市 宝应县"}
    old = check_code("region", "430521")
    assert old["ok"] is True and old["code"] == "430582"
    assert str(old["message"]).startswith("湖南省 邵阳市 邵东市")
    assert check_code("region", "999999")["ok"] is False
    bad = check_code("region", "3210")
    assert bad["ok"] is False and str(bad["message"]).startswith("无效：")


def test_region_warning_is_reported() -> None:
    assert "2019" in str(check_code("region", "430521")["message"])


def test_uscc_with_old_region_code_finds_the_region() -> None:
    assert "邵东市" in str(check_code("uscc", _uscc("92430521MA31DKY8"))["message"])


@pytest.mark.parametrize(("text", "ok", "status", "code"), [
    ("3051", True, "provisional", "3051"),
    ("C30", True, "known", "30"),
    ("A3051", False, "malformed", "A3051"),
    ("9899", False, "unknown", "9899"),
    ("30A1", False, "malformed", "30A1"),
])
def test_industry(text: str, ok: bool, status: str, code: str) -> None:
    result = check_code("industry", text)
    assert (result["input"], result["ok"], result["status"], result["code"]) == (text, ok, status, code)
    assert result["message"]


def test_industry_with_a_book() -> None:
    assert check_code("industry", "30", industries=IndustryCodebook([]))["ok"] is False


def test_unknown_kind() -> None:
    with pytest.raises(InputError):
        check_code("postcode", "100000")
