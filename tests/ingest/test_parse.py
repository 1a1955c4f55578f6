"""Tests of the cell parsers in :mod:`jiqun.ingest.parse`: example tables and properties."""

from __future__ import annotations

import pickle
import re
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiqun.errors import JiqunError, Problem
from jiqun.ingest.parse import (
    BLANK_TOKENS,
    MAX_ABS,
    UNITS,
    ParseError,
    Unit,
    clean_cell,
    fast_plain_decimal,
    find_unit,
    parse_bool,
    parse_date,
    parse_date_precision,
    parse_decimal,
    parse_int,
    parse_money,
    parse_year,
    split_header_unit,
    to_halfwidth,
)

CENT = Decimal("0.01")
EXCEL_EPOCH = date(1899, 12, 30)
MONEY_UNITS = sorted(
    {u for u in UNITS.values() if u.currency}, key=lambda u: (u.currency, u.exponent)
)
HEADER_BRACKETS = [
    ("(", ")"), ("（", "）"), ("[", "]"), ("【", "】"), ("（单位：", "）"), ("/", ""), (" ", ""),
]


def unit(spelling: str | None) -> Unit | None:
    return None if spelling is None else UNITS[spelling]


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# --- ParseError -----------------------------------------------------------------------------


def test_parse_error_shape() -> None:
    error = ParseError("不是数字", "整数，如 1200")
    assert isinstance(error, ValueError)
    assert isinstance(error, JiqunError)
    assert (error.message, error.expected) == ("不是数字", "整数，如 1200")
    assert str(error) == "不是数字（应为：整数，如 1200）"
    again = pickle.loads(pickle.dumps(error))
    assert (again.message, again.expected) == (error.message, error.expected)
    problem = error.to_problem(file="a.xlsx", row=3, column="营业收入", value="x")
    assert problem == Problem(message="不是数字", file="a.xlsx", row=3, column="营业收入",
                              value="x", expected="整数，如 1200")


# --- to_halfwidth and clean_cell ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("１２３４．５", "1234.5"),
        ("１，２３４", "1,234"),
        ("（万元）", "(万元)"),
        ("ＡＢＣｘｙｚ！～", "ABCxyz!~"),
        ("２００多家", "200多家"),
        ("\u3000", " "),
        ("12。5", "12。5"),  # a sentence stop is not a decimal point
        ("￥12", "￥12"),
        ("营业收入", "营业收入"),
    ],
)
def test_to_halfwidth(text: str, expected: str) -> None:
    assert to_halfwidth(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (float("nan"), None),
        (Decimal("NaN"), None),
        ("", None),
        ("  \t\n", None),
        ("\u3000", None),
        ("NULL", None),
        ("null", None),
        ("None", None),
        ("NaN", None),
        ("N/A", None),
        ("n/a", None),
        ("NA", None),
        ("#N/A", None),
        ("-", None),
        ("--", None),
        ("—", None),
        ("——", None),
        ("－", None),
        ("/", None),
        ("\\", None),
        ("无数据", None),
        ("空", None),
        ("ＮＵＬＬ", None),
        (" — ", None),
        ("0", "0"),
        ("无", "无"),
        ("  a\u3000\u3000b  ", "a b"),
        ("a \n\t b", "a b"),
        ("１２３４．５", "1234.5"),
        ("a\u200bb", "ab"),
        ("\ufeffabc", "abc"),
        ("a\xa0b", "a b"),
        ("\xa0abc\xa0", "abc"),
        ("。", "。"),
        (12, "12"),
        (-7, "-7"),
        (12.0, "12"),
        (1.5, "1.5"),
        (-0.25, "-0.25"),
        (1e20, "100000000000000000000"),
        (1e-7, "0.0000001"),
        (Decimal("12.50"), "12.50"),
        (True, "true"),
        (False, "false"),
        (date(2019, 5, 1), "2019-05-01"),
        (datetime(2019, 5, 1), "2019-05-01"),
        (datetime(2019, 5, 1, 10, 20), "2019-05-01 10:20:00"),
    ],
)
def test_clean_cell(value: object, expected: str | None) -> None:
    assert clean_cell(value) == expected


def test_blank_tokens() -> None:
    for token in ("", "null", "none", "nan", "n/a", "na", "-", "--", "—", "——", "－", "/", "\\",
                  "#N/A", "无数据", "空"):
        assert token in BLANK_TOKENS
        assert clean_cell(token.upper()) is None
    assert "0" not in BLANK_TOKENS
    assert "无" not in BLANK_TOKENS


# --- units and headers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spelling", "symbol", "exponent", "currency"),
    [
        ("元", "元", 0, "CNY"),
        ("人民币元", "元", 0, "CNY"),
        ("千元", "千元", 3, "CNY"),
        ("万元", "万元", 4, "CNY"),
        ("百万元", "百万元", 6, "CNY"),
        ("亿元", "亿元", 8, "CNY"),
        ("美元", "美元", 0, "USD"),
        ("千美元", "千美元", 3, "USD"),
        ("万美元", "万美元", 4, "USD"),
        ("百万美元", "百万美元", 6, "USD"),
        ("亿美元", "亿美元", 8, "USD"),
        ("usd", "美元", 0, "USD"),
        ("cny", "元", 0, "CNY"),
        ("rmb", "元", 0, "CNY"),
        ("yuan", "元", 0, "CNY"),
        ("10k yuan", "万元", 4, "CNY"),
        ("100m yuan", "亿元", 8, "CNY"),
        ("10k usd", "万美元", 4, "USD"),
        ("亩", "亩", 0, ""),
        ("人", "人", 0, ""),
        ("个", "个", 0, ""),
        ("件", "件", 0, ""),
        ("项", "项", 0, ""),
        ("家", "家", 0, ""),
        ("吨标准煤", "吨标准煤", 0, ""),
        ("tce", "吨标准煤", 0, ""),
        ("万吨标准煤", "万吨标准煤", 4, ""),
        ("万人", "万人", 4, ""),
    ],
)
def test_units(spelling: str, symbol: str, exponent: int, currency: str) -> None:
    assert (UNITS[spelling].symbol, UNITS[spelling].exponent, UNITS[spelling].currency) == (
        symbol, exponent, currency)
    assert find_unit(fullwidth(spelling.upper())) == UNITS[spelling]


def test_unit_keys_are_normalised_and_hectares_absent() -> None:
    for key in UNITS:
        assert key == " ".join(to_halfwidth(key).lower().split())
    assert find_unit("公顷") is None
    assert find_unit("公斤") is None
    assert UNITS["万吨标准煤"].base == UNITS["tce"].base == "吨标准煤"
    assert UNITS["万元"].base == "元"
    assert UNITS["万美元"].base == "美元"


@pytest.mark.parametrize(
    ("header", "name", "spelling"),
    [
        ("营业收入(万元)", "营业收入", "万元"),
        ("营业收入（万元）", "营业收入", "万元"),
        ("营业收入[万元]", "营业收入", "万元"),
        ("营业收入【万元】", "营业收入", "万元"),
        ("营业收入/万元", "营业收入", "万元"),
        ("营业收入／万元", "营业收入", "万元"),
        ("营业收入 万元", "营业收入", "万元"),
        ("营业收入（单位：万元）", "营业收入", "万元"),
        ("营业收入 单位：万元", "营业收入", "万元"),
        ("Revenue (10k yuan)", "Revenue", "10k yuan"),
        ("Revenue (10K Yuan)", "Revenue", "10k yuan"),
        ("出口额(万美元)", "出口额", "万美元"),
        ("  营业收入 ( 亿元 ) ", "营业收入", "亿元"),
        ("年末从业人员（人）", "年末从业人员", "人"),
        ("企业数(家)", "企业数", "家"),
        ("综合能耗(万吨标准煤)", "综合能耗", "万吨标准煤"),
        ("占地面积(亩)", "占地面积", "亩"),
        ("营业收入(2023年)(万元)", "营业收入(2023年)", "万元"),
        ("万元", "", "万元"),
        ("企业名称(全称)", "企业名称(全称)", None),
        ("企业名称", "企业名称", None),
        ("单价(元/吨)", "单价(元/吨)", None),
        ("单价 元/吨", "单价 元/吨", None),
        ("增长率(%)", "增长率(%)", None),
        ("法人", "法人", None),
        ("", "", None),
    ],
)
def test_split_header_unit(header: str, name: str, spelling: str | None) -> None:
    assert split_header_unit(header) == (name, unit(spelling))


def test_split_header_unit_refuses_two_units() -> None:
    with pytest.raises(ParseError, match="不同的单位"):
        split_header_unit("金额(万元)(美元)")


# --- money ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "header", "amount", "currency"),
    [
        ("1234.5", "元", "1234.50", "CNY"),
        ("1,234.5", "元", "1234.50", "CNY"),
        ("1，234．5", "元", "1234.50", "CNY"),
        ("1 234.5", "元", "1234.50", "CNY"),
        ("1\xa0234.5", "元", "1234.50", "CNY"),
        ("１２３４", "元", "1234.00", "CNY"),
        ("+12", "元", "12.00", "CNY"),
        ("-12", "元", "-12.00", "CNY"),
        ("−12", "元", "-12.00", "CNY"),
        ("(1,234.00)", "元", "-1234.00", "CNY"),
        ("（1,234.00）", "元", "-1234.00", "CNY"),
        ("1.2e3", "元", "1200.00", "CNY"),
        ("1.2E+3", "元", "1200.00", "CNY"),
        (".5", "元", "0.50", "CNY"),
        (" 12.5 ", "元", "12.50", "CNY"),
        ("0.005", "元", "0.01", "CNY"),  # half up
        ("0.004", "元", "0.00", "CNY"),
        ("-0.004", "元", "0.00", "CNY"),  # never -0.00
        ("-0.005", "元", "-0.01", "CNY"),
        ("12.5", "万元", "125000.00", "CNY"),
        ("1.23456", "万元", "12345.60", "CNY"),
        ("0.000001", "亿元", "100.00", "CNY"),
        ("1,200", "10k usd", "12000000.00", "USD"),
        ("12.5万元", None, "125000.00", "CNY"),
        ("12.5万", None, "125000.00", "CNY"),
        ("3亿", None, "300000000.00", "CNY"),
        ("3 亿元", None, "300000000.00", "CNY"),
        ("12 万 元", None, "120000.00", "CNY"),
        ("12万元人民币", None, "120000.00", "CNY"),
        ("人民币12万元", None, "120000.00", "CNY"),
        ("１２．５万元", None, "125000.00", "CNY"),
        ("120万美元", None, "1200000.00", "USD"),
        ("$1,200", None, "1200.00", "USD"),
        ("US$1,200", None, "1200.00", "USD"),
        ("USD 1,200", None, "1200.00", "USD"),
        ("1,200 USD", None, "1200.00", "USD"),
        ("¥12", None, "12.00", "CNY"),
        ("￥12", None, "12.00", "CNY"),
        ("-¥12", None, "-12.00", "CNY"),
        ("¥-12", None, "-12.00", "CNY"),
        ("(12)万元", None, "-120000.00", "CNY"),
        ("12(万元)", None, "120000.00", "CNY"),
        # the cell's unit beats the header's
        ("12.5万元", "元", "125000.00", "CNY"),
        ("1200元", "万元", "1200.00", "CNY"),
        ("12.5万", "万美元", "125000.00", "USD"),
        ("120万美元", "万元", "1200000.00", "USD"),
        # a currency symbol keeps the header's multiplier
        ("¥12", "万元", "120000.00", "CNY"),
        ("$120", "万美元", "1200000.00", "USD"),
    ],
)
def test_parse_money(text: str, header: str | None, amount: str, currency: str) -> None:
    result = parse_money(text, unit(header))
    assert result == (Decimal(amount), currency)
    assert str(result[0]) == amount


@pytest.mark.parametrize(
    ("text", "header", "fragment"),
    [
        ("", "元", "为空"),
        ("NULL", "元", "为空"),
        ("nan", "元", "为空"),
        ("abc", "元", "不是数字"),
        ("约20", "元", "约数"),
        ("20多", "元", "约数"),
        ("20余", "元", "约数"),
        ("20以上", "元", "约数"),
        ("约20万", None, "约数"),
        ("20多亿元", None, "约数"),
        ("２０多亿元", None, "约数"),
        ("近300万", None, "约数"),
        ("300万左右", None, "约数"),
        ("20+", "元", "约数"),
        ("20万+", None, "约数"),
        (">100", "元", "约数"),
        ("12/13", "元", "不止一个数"),
        ("12-13", "元", "不止一个数"),
        ("12、13", "元", "不止一个数"),
        ("1万2千", None, "不止一个数"),
        ("12~13", "元", "范围"),
        ("12万至13万元", None, "范围"),
        ("12公斤", "元", "无法识别的单位"),
        ("12k", "元", "无法识别的单位"),
        ("12人", "元", "不是货币单位"),
        ("12", "人", "不是货币单位"),
        ("12万", "亩", "不是货币单位"),
        ("12", None, "营业收入(万元)"),
        ("1,234", None, "表头注明单位"),
        ("inf", "元", "有限"),
        ("-Infinity", "元", "有限"),
        ("∞", "元", "有限"),
        ("1,2345", "元", "逗号"),
        ("12,5", "元", "逗号"),
        ("1.234,5", "元", "逗号"),
        ("12.5.3", "元", "不是一个可识别的数字"),
        ("12。5", "元", "句号"),
        ("二十万", None, "阿拉伯数字"),
        ("无", "元", "填 0"),
        ("不详", "元", "留空"),
        ("万元", None, "只有单位"),
        ("$12", "万元", "不一致"),
        ("¥12万美元", None, "矛盾"),
        ("(-12)", "元", "括号"),
        ("(12", "元", "括号"),
        ("1e999", "元", "过大"),
        ("1" + "0" * 18, "元", "过大"),
        ("1" + "0" * 11, "亿元", "过大"),
        ("1" * 100, "元", "位数太多"),
    ],
)
def test_parse_money_refuses(text: str, header: str | None, fragment: str) -> None:
    with pytest.raises(ParseError, match=re.escape(fragment)) as info:
        parse_money(text, unit(header))
    assert info.value.expected


# --- counts and quantities ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "header", "expected"),
    [
        ("1200", None, 1200),
        ("1,200", None, 1200),
        ("１２００", None, 1200),
        ("1200人", None, 1200),
        ("1200人", "人", 1200),
        ("1200名", "人", 1200),
        ("1.2万", None, 12000),
        ("1.2万人", "人", 12000),
        ("12.0", None, 12),
        ("1.2e3", None, 1200),
        ("-3", None, -3),
        ("0", None, 0),
        ("12家", "家", 12),
        ("12", "万人", 120000),
        ("1200人", "万人", 1200),
        ("1.2万", "万人", 12000),
    ],
)
def test_parse_int(text: str, header: str | None, expected: int) -> None:
    assert parse_int(text, unit(header)) == expected


@pytest.mark.parametrize(
    ("text", "header", "fragment"),
    [
        ("12.5", None, "不是整数"),
        ("1.23456万", None, "不是整数"),
        ("20多", None, "约数"),
        ("约1000人", None, "约数"),
        ("1000余人", None, "约数"),
        ("12万元", None, "货币单位"),
        ("12亩", "人", "不一致"),
        ("$12", None, "货币符号"),
        ("", None, "为空"),
        ("abc", None, "不是数字"),
        ("12公斤", None, "无法识别的单位"),
    ],
)
def test_parse_int_refuses(text: str, header: str | None, fragment: str) -> None:
    with pytest.raises(ParseError, match=re.escape(fragment)):
        parse_int(text, unit(header))


@pytest.mark.parametrize(
    ("text", "header", "places", "expected"),
    [
        ("12.5", "亩", 2, "12.50"),
        ("1,234.5亩", None, 2, "1234.50"),
        ("1.2万", "亩", 2, "12000.00"),
        ("3万吨标准煤", "吨标准煤", 2, "30000.00"),
        ("3", "万吨标准煤", 2, "30000.00"),
        ("12吨标准煤", "万吨标准煤", 2, "12.00"),
        ("0.125", None, 2, "0.13"),
        ("1.005", None, 2, "1.01"),
        ("2.5", None, 0, "3"),
        ("-2.5", None, 0, "-3"),
        ("0.0001234", "万吨标准煤", 4, "1.2340"),
    ],
)
def test_parse_decimal(text: str, header: str | None, places: int, expected: str) -> None:
    result = parse_decimal(text, unit(header), places=places)
    assert str(result) == expected


@pytest.mark.parametrize(
    ("text", "header", "fragment"),
    [
        ("12亩", "吨标准煤", "不一致"),
        ("12万元", None, "货币单位"),
        ("20多亩", "亩", "约数"),
        ("12公顷", "亩", "无法识别的单位"),
    ],
)
def test_parse_decimal_refuses(text: str, header: str | None, fragment: str) -> None:
    with pytest.raises(ParseError, match=re.escape(fragment)):
        parse_decimal(text, unit(header))


def test_parse_decimal_places_is_checked() -> None:
    with pytest.raises(ValueError, match="places"):
        parse_decimal("1", places=-1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12", True), ("-12", True), ("+1.5", True), ("0.00", True), ("1,234", False),
     ("１２", False), ("1.", False), (".5", False), ("1e3", False), (" 12", False),
     ("12\n", False), ("", False), ("٣", False), ("12万", False)],
)
def test_fast_plain_decimal(text: str, expected: bool) -> None:
    assert fast_plain_decimal(text) is expected


# --- years, dates, flags --------------------------------------------------------------------


@pytest.mark.parametrize("text", ["2023", "2023年", "2023.0", "２０２３", "2023年度", " 2023 "])
def test_parse_year(text: str) -> None:
    assert parse_year(text) == 2023


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("23", "歧义"), ("1899", "超出"), ("2101", "超出"), ("20235", "四位"), ("2023-05", "不是年份"),
     ("约2020", "约数"), ("2020年前后", "约数"), ("abc", "不是年份"), ("", "为空"),
     ("2023.5", "不是年份")],
)
def test_parse_year_refuses(text: str, fragment: str) -> None:
    with pytest.raises(ParseError, match=re.escape(fragment)):
        parse_year(text)


@pytest.mark.parametrize(
    "text",
    ["2019-05-01", "2019-5-1", "2019/5/1", "2019.5.1", "2019年5月1日", "2019年5月1号",
     "2019 年 5 月 1 日", "２０１９年５月１日", "20190501", "2019-05-01 00:00:00",
     "2019-05-01T10:20:00", "2019-05-01T10:20:00Z", "2019-05-01 10:20", "43586", "43586.0",
     "43586.75"],
)
def test_parse_date(text: str) -> None:
    assert parse_date(text) == date(2019, 5, 1)


@pytest.mark.parametrize(
    ("serial", "expected"),
    [(43586, date(2019, 5, 1)), (44927, date(2023, 1, 1)), (36526, date(2000, 1, 1)),
     (10000, date(1927, 5, 18))],
)
def test_excel_serial_anchors(serial: int, expected: date) -> None:
    assert parse_date(str(serial)) == expected
    assert parse_date(f"{serial}.0") == expected


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [("2019-05-01", date(2019, 5, 1), "day"), ("2019-05", date(2019, 5, 1), "month"),
     ("2019/5", date(2019, 5, 1), "month"), ("2019年5月", date(2019, 5, 1), "month"),
     ("2019", date(2019, 1, 1), "year"), ("2019年", date(2019, 1, 1), "year"),
     ("2019.0", date(2019, 1, 1), "year")],
)
def test_parse_date_precision(text: str, expected: date, precision: str) -> None:
    assert parse_date_precision(text) == (expected, precision)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("2019-05", "缺少日"), ("2019年5月", "缺少日"), ("2019", "缺少月和日"),
     ("2019-02-30", "没有30日"), ("2019-02-29", "没有29日"), ("2019-13-01", "月份 13"),
     ("2019-00-10", "月份 0"), ("05/01/2019", "顺序"), ("1/5/2019", "顺序"),
     ("19-5-1", "两位"), ("19年5月1日", "两位"), ("2019-05-01 25:00", "时间"),
     ("60", "5 位"), ("123456", "5 位"), ("99999", "超出"), ("1899-12-31", "超出"),
     ("二〇一九年五月一日", "阿拉伯数字"), ("abc", "不是可识别的日期"), ("", "为空"),
     ("2019-05/01", "不是可识别的日期"), ("2019年5月前后", "约数")],
)
def test_parse_date_refuses(text: str, fragment: str) -> None:
    with pytest.raises(ParseError, match=re.escape(fragment)):
        parse_date(text)


def test_parse_date_accepts_leap_day_and_typed_cells() -> None:
    assert parse_date("2020-02-29") == date(2020, 2, 29)
    assert parse_date(datetime(2019, 5, 1, 10, 20)) == date(2019, 5, 1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("是", True), ("有", True), ("Y", True), ("y", True), ("yes", True), ("YES", True),
     ("true", True), ("True", True), ("1", True), ("√", True), ("✓", True), ("T", True),
     ("Ｙ", True), ("否", False), ("无", False), ("N", False), ("no", False), ("false", False),
     ("0", False), ("×", False), ("✗", False), ("F", False), ("ｎｏ", False)],
)
def test_parse_bool(text: str, expected: bool) -> None:
    assert parse_bool(text) is expected


@pytest.mark.parametrize("text", ["是（省级）", "2", "maybe", "", "x", "对"])
def test_parse_bool_refuses(text: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_bool(text)
    assert "是/否" in info.value.expected


# --- properties -----------------------------------------------------------------------------


@st.composite
def money_cases(draw: st.DrawFn) -> tuple[Decimal, Unit]:
    """An amount with at most 2 + exponent decimals, small enough for MAX_ABS, and its unit."""
    money_unit = draw(st.sampled_from(MONEY_UNITS))
    places = draw(st.integers(0, 2 + money_unit.exponent))
    bound = 10 ** min(13, 17 - money_unit.exponent + places)
    coefficient = draw(st.integers(-bound, bound))
    return Decimal(coefficient).scaleb(-places), money_unit


def spellings(of: Unit) -> list[str]:
    return sorted(k for k, u in UNITS.items() if u == of and not k[0].isdigit())


def number_forms(amount: Decimal) -> list[str]:
    plain = format(amount, "f")
    grouped = format(amount, ",f")
    forms = [plain, grouped, grouped.replace(",", " "), fullwidth(plain), fullwidth(grouped),
             f"  {plain}\u3000", f"\t{grouped} "]
    if amount >= 0:
        forms += [f"+{plain}", f"＋{grouped}"]
    return forms


@settings(deadline=None, max_examples=150)
@given(case=money_cases(), data=st.data())
def test_money_round_trips(case: tuple[Decimal, Unit], data: st.DataObject) -> None:
    amount, money_unit = case
    expected = (amount.scaleb(money_unit.exponent).quantize(CENT), money_unit.currency)
    spelling = data.draw(st.sampled_from(spellings(money_unit)))
    left, right = data.draw(st.sampled_from(HEADER_BRACKETS))
    name, header_unit = split_header_unit(f"营业收入{left}{spelling}{right}")
    assert (name, header_unit) == ("营业收入", money_unit)
    other = data.draw(st.sampled_from(MONEY_UNITS))
    joiner = " " if spelling.isascii() else data.draw(st.sampled_from(["", " "]))
    for number in number_forms(amount):
        assert parse_money(number, header_unit) == expected  # unit in the header
        assert parse_money(f"{number}{joiner}{spelling}") == expected  # unit in the cell
        assert parse_money(f"{number}{joiner}{spelling}", other) == expected  # cell beats header
    if amount > 0:
        negative = (-expected[0], expected[1])
        assert parse_money(f"({format(amount, ',f')})", header_unit) == negative
        assert parse_money(f"（{format(amount, 'f')}{spelling}）") == negative


@settings(deadline=None, max_examples=100)
@given(text=st.from_regex(r"[+-]?[0-9]{1,12}(\.[0-9]{1,6})?", fullmatch=True),
       money_unit=st.sampled_from(MONEY_UNITS))
def test_fast_path_agrees_with_parse_money(text: str, money_unit: Unit) -> None:
    assert fast_plain_decimal(text)
    exact = Decimal(text).scaleb(money_unit.exponent)
    if abs(exact) >= MAX_ABS:
        with pytest.raises(ParseError):
            parse_money(text, money_unit)
    else:
        expected = exact.quantize(CENT, rounding=ROUND_HALF_UP)
        assert parse_money(text, money_unit) == (expected, money_unit.currency)


@settings(deadline=None, max_examples=150)
@given(n=st.integers(0, 10**12))
def test_parse_int_round_trips(n: int) -> None:
    forms = [str(n), f"{n:,}", f"{n:,}".replace(",", " "), fullwidth(str(n)), fullwidth(f"{n:,}"),
             f"{n}人", f"{n:,} 人", fullwidth(f"{n}") + "人", f" {n}.0 ", f"{n}名",
             format(Decimal(n).scaleb(-4), "f") + "万", format(Decimal(n).scaleb(-4), "f") + "万人"]
    for form in forms:
        assert parse_int(form) == n
        assert parse_int(form, UNITS["人"]) == n


@settings(deadline=None, max_examples=150)
@given(day=st.dates(date(1900, 3, 1), date(2100, 12, 31)))
def test_parse_date_round_trips(day: date) -> None:
    y, m, d = day.year, day.month, day.day
    forms = [day.isoformat(), f"{y}-{m}-{d}", f"{y}/{m}/{d}", f"{y}/{m:02}/{d:02}", f"{y}.{m}.{d}",
             f"{y}年{m}月{d}日", f"{y}年{m:02}月{d:02}日", f"{y}年{m}月{d}号", f"{y}{m:02}{d:02}",
             f"{day.isoformat()} 00:00:00", f"{day.isoformat()}T10:20:00",
             fullwidth(day.isoformat()), fullwidth(f"{y}年{m}月{d}日")]
    serial = (day - EXCEL_EPOCH).days
    if 10000 <= serial <= 99999:
        forms += [str(serial), f"{serial}.0"]
    for form in forms:
        assert parse_date(form) == day
        assert parse_date_precision(form) == (day, "day")
    assert parse_date_precision(f"{y}-{m:02}") == (day.replace(day=1), "month")
    assert parse_date_precision(f"{y}年") == (date(y, 1, 1), "year")
    assert parse_date(clean_cell(datetime(y, m, d)) or "") == day


@settings(deadline=None, max_examples=100)
@given(serial=st.integers(10000, 73415))
def test_excel_serial_matches_calendar(serial: int) -> None:
    day = parse_date(str(serial))
    assert day == date(2019, 5, 1) + timedelta(days=serial - 43586)


@settings(deadline=None)
@given(text=st.text())
def test_to_halfwidth_idempotent_and_length_preserving(text: str) -> None:
    once = to_halfwidth(text)
    assert len(once) == len(text)
    assert to_halfwidth(once) == once


@settings(deadline=None)
@given(text=st.text())
def test_clean_cell_idempotent(text: str) -> None:
    once = clean_cell(text)
    assert clean_cell(once) == once
    if once is not None:
        assert once == once.strip()
        assert "  " not in once


@settings(deadline=None)
@given(value=st.floats(allow_nan=False, allow_infinity=False))
def test_clean_cell_floats_are_exact(value: float) -> None:
    text = clean_cell(value)
    assert text is not None
    assert "e" not in text.lower()
    assert not text.endswith(".0")
    assert float(text) == value


NUMBERISH = st.text(
    alphabet="0123456789１２,，.．+-−() （）$¥￥万亿千元人美亩年月日号多约/~至eE:T \u3000",
    max_size=20,
)
PARSERS = [
    lambda t: parse_money(t),
    lambda t: parse_money(t, UNITS["万元"]),
    lambda t: parse_money(t, UNITS["人"]),
    lambda t: parse_int(t),
    lambda t: parse_int(t, UNITS["万人"]),
    lambda t: parse_decimal(t, UNITS["万吨标准煤"], places=4),
    parse_year,
    parse_date,
    parse_date_precision,
    parse_bool,
    split_header_unit,
]


@settings(deadline=None, max_examples=300)
@given(text=st.one_of(st.text(), NUMBERISH))
def test_parsers_raise_only_parse_error(text: str) -> None:
    errors = []
    for parser in PARSERS:
        try:
            parser(text)
        except ParseError as error:
            errors.append(error)
    assert all(error.message for error in errors)
    assert all(error.expected for error in errors)
    assert isinstance(fast_plain_decimal(text), bool)
    clean_cell(text)
    find_unit(text)
