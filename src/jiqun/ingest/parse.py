"""Read one messy spreadsheet cell into an exact Python value.

County statistics bureaus hand in enterprise registries typed by hand in Excel or WPS. Every
function here turns *one* cell (or one header) into a value, or raises :class:`ParseError` that
says in Chinese what is wrong and what would be accepted. Nothing here does I/O or knows about
rows and columns; the importer adds file, row and column (:meth:`ParseError.to_problem`).

Clean-up (first step of every parser)
-------------------------------------
:func:`clean_cell` converts full-width ASCII to half-width (``１２３４．５`` → ``1234.5``,
``（万元）`` → ``(万元)``), drops zero-width and direction marks, treats non-breaking spaces as
spaces, trims and collapses whitespace. The ideographic full stop ``。`` is a sentence stop, not a
decimal point, and is kept (so ``12。5`` is refused rather than silently read as 12.5). Cells
that mean "nothing here" (:data:`BLANK_TOKENS`: ``NULL``, ``N/A``, ``—``, ``/``, ``无数据`` …)
become ``None``. ``0`` and ``无`` are *not* blank: ``0`` is a value, and ``无`` ("none") is a
statement — zero for an amount, 否 for a yes/no column — so the typed parser decides
(:func:`parse_bool` reads it as ``False``, the number parsers refuse it and ask for ``0`` or an
empty cell).

Numbers
-------
A number is written with ASCII digits (after half-width conversion) as ``1234.5``, ``.5``,
``1,234.5`` or ``1 234.5`` (separators exactly every three digits: ``1,2345`` and ``12,5`` are
refused because ``12,5`` may be a European decimal comma), optionally in scientific notation
(``1.2e3``, ``1.2E+3``), optionally signed (``+12``, ``-12``; whether a negative makes sense is
the caller's check) or in accounting parentheses (``(1,234.00)`` = -1234). Chinese numerals
(``二十万``), two numbers (``12/13``, ``12-13``), ranges (``12~13``) and words are refused.
Magnitudes of :data:`MAX_ABS` (10^18) or more are refused as typos (they would not fit
``NUMERIC(20, 2)`` either).

Approximations are refused
    Registries need exact figures, but the texts bureaus send say things like "20多亿元",
    "约20万", "1000余人", "50以上", "20+". A guess such as "20多亿元" → 2,000,000,000 would be
    stored as if it were a reported figure and would silently bias every cluster total, so every
    parser refuses such cells with a message asking for the exact number.

Units and money
---------------
A unit (:class:`Unit`) is written in the header (``营业收入(万元)``, see
:func:`split_header_unit`) or in the cell (``12.5万元``, ``3 亿``, ``120万美元``, ``$1,200``,
``¥12``). **The cell's unit beats the header's**: ``12.5万元`` in a column headed ``(元)`` is
125,000 yuan. A bare Chinese multiplier in the cell (``千 万 十万 百万 千万 亿`` …) replaces the
header's multiplier but keeps its currency (``12.5万`` under ``(万美元)`` is 125,000 USD; with
no header unit it is yuan). A currency symbol in front (``¥``/``￥``/``RMB``/``CNY``, ``$``/
``US$``/``USD``) sets the currency only; the multiplier then still comes from the header, and a
currency different from the header's is refused as contradictory. With no unit anywhere,
:func:`parse_money` refuses the cell and asks for a unit in the header.

Amounts are exact: the digits are read into :class:`~decimal.Decimal` (never ``float``), scaled
by ``10**unit.exponent`` exactly, and only then rounded to 0.01 with ``ROUND_HALF_UP``. Money is
returned in the base unit of its currency: yuan for CNY, dollars for USD.

Dates
-----
See :func:`parse_date_precision` for the accepted spellings. Two-digit years and day/month-first
orders (``05/01/2019``) are refused as ambiguous. Excel serial numbers (1900 date system) are
accepted only as five-digit numbers (10000–99999), which avoids Excel's fake 1900-02-29
(serial 60) and any confusion with four-digit years. Years outside 1900–2100 are refused by
every parser here; narrower business ranges are the caller's.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Final, Literal

from jiqun.errors import JiqunError, Problem, Severity

__all__ = [
    "BLANK_TOKENS",
    "MAX_ABS",
    "UNITS",
    "DatePrecision",
    "ParseError",
    "Unit",
    "clean_cell",
    "fast_plain_decimal",
    "find_unit",
    "parse_bool",
    "parse_date",
    "parse_date_precision",
    "parse_decimal",
    "parse_int",
    "parse_money",
    "parse_year",
    "split_header_unit",
    "to_halfwidth",
]

DatePrecision = Literal["day", "month", "year"]

MAX_ABS: Final = Decimal(10) ** 18
"""Numbers whose absolute value (in the base unit) reaches this are refused as typos."""

MIN_YEAR: Final = 1900
MAX_YEAR: Final = 2100

_EXPECT_MONEY: Final = (
    "确切金额，如 1234.5、1,234.50、12.5万元、$1,200；"
    "单元格不写单位时请在表头注明，如“营业收入(万元)”"
)
_EXPECT_INT: Final = "整数，如 1200、1,200、1200人、1.2万"
_EXPECT_DECIMAL: Final = "数字，如 12.5、1,234.5、1.2万"
_EXPECT_YEAR: Final = f"四位年份（{MIN_YEAR}–{MAX_YEAR}），如 2023 或 2023年"
_EXPECT_DATE: Final = (
    "完整日期（年月日），如 2019-05-01、2019/5/1、2019.5.1、2019年5月1日 或 20190501"
)
_EXPECT_BOOL: Final = "是/否、有/无、Y/N、yes/no、true/false、1/0、√/×、✓/✗、T/F"
_UNIT_HINT: Final = (
    "元、千元、万元、百万元、亿元、美元、千美元、万美元、亿美元；"
    "人、个、件、项、家、户、台、套、亩、平方米、吨、吨标准煤、万吨标准煤"
)


# --- errors ---------------------------------------------------------------------------------


class ParseError(JiqunError, ValueError):
    """A cell cannot be read as the value its column needs; raised by every parser here.

    Parameters
    ----------
    message
        What is wrong, in Chinese, e.g. ``"“20多”是约数，需要确切的数字"``.
    expected
        What would be accepted, in Chinese, e.g. ``"整数，如 1200"``.

    Attributes
    ----------
    message : str
        As given.
    expected : str
        As given.

    Notes
    -----
    ``str(error)`` is ``message（应为：expected）``, the way :meth:`jiqun.errors.Problem.format`
    writes it. The exception pickles (``args`` are ``(message, expected)``), so it can cross
    process boundaries.
    """

    def __init__(self, message: str, expected: str) -> None:
        super().__init__(message, expected)
        self.message = message
        self.expected = expected

    def __str__(self) -> str:
        return f"{self.message}（应为：{self.expected}）" if self.expected else self.message

    def to_problem(
        self,
        *,
        file: str = "",
        row: int | None = None,
        column: str = "",
        value: str = "",
        severity: Severity = "error",
    ) -> Problem:
        """This error as a :class:`~jiqun.errors.Problem` located at ``file``/``row``/``column``.

        Parameters
        ----------
        file, row, column, value, severity
            See :class:`~jiqun.errors.Problem`.

        Returns
        -------
        Problem
            With this error's ``message`` and ``expected``.
        """
        return Problem(
            message=self.message,
            file=file,
            row=row,
            column=column,
            value=value,
            expected=self.expected,
            severity=severity,
        )


def _show(text: str) -> str:
    """``text`` shortened for an error message."""
    return text if len(text) <= 30 else text[:29] + "…"


# --- clean-up -------------------------------------------------------------------------------

_HALFWIDTH: Final[dict[int, int]] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {
    0x3000: 0x20
}
_INVISIBLE: Final = (
    0x00AD,  # soft hyphen
    0x180E,  # Mongolian vowel separator
    0xFEFF,  # byte-order mark / zero-width no-break space
    *range(0x200B, 0x2010),  # zero-width space/joiners, LRM, RLM
    *range(0x202A, 0x202F),  # bidi embeddings and overrides
    *range(0x2060, 0x2065),  # word joiner, invisible operators
    *range(0x2066, 0x206A),  # bidi isolates
)
_CLEAN: Final[dict[int, int | None]] = (
    dict(_HALFWIDTH)
    | dict.fromkeys(_INVISIBLE)
    | dict.fromkeys([0x00A0, 0x2007, 0x202F], 0x20)  # no-break spaces count as spaces
)


def to_halfwidth(text: str) -> str:
    """Full-width ASCII forms as plain ASCII; everything else unchanged.

    Parameters
    ----------
    text
        Any text.

    Returns
    -------
    str
        ``text`` with U+FF01–U+FF5E mapped to U+0021–U+007E (``１２３４．５`` → ``1234.5``,
        ``（`` → ``(``, ``，`` → ``,``) and the ideographic space U+3000 to a space. Other CJK
        punctuation is kept, notably ``。`` (a sentence stop, not a decimal point) and ``￥``.
        The result has the same length as ``text``, and the function is idempotent.
    """
    return text.translate(_HALFWIDTH)


_BLANK_SPELLINGS: Final = (
    "",
    "null",
    "none",
    "nan",
    "nat",
    "<na>",
    "n/a",
    "n.a.",
    "na",
    "#N/A",
    "-",
    "--",
    "---",
    "—",
    "——",
    "–",
    "－",
    "/",
    "\\",
    "无数据",
    "空",
    "空白",
    "(空)",
    "(空白)",
    "（空白）",
)


def _blank_key(text: str) -> str:
    return " ".join(to_halfwidth(text).split()).casefold()


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


BLANK_TOKENS: Final[frozenset[str]] = frozenset(
    variant
    for token in _BLANK_SPELLINGS
    for variant in (token, _blank_key(token), _fullwidth(_blank_key(token)))
)
"""Cell texts that mean "no value". Compare ``clean_cell``-ed text, case-insensitively.

Holds each spelling as written, in its normalised form (half-width, case-folded) and in
full-width lower case, so that both ``clean(x).casefold() in BLANK_TOKENS`` and a vectorised
``lower(strip(x)) in BLANK_TOKENS`` work. ``0`` is a value, and ``无`` is deliberately absent: it
means "none", i.e. zero for an amount and 否 for a yes/no column, which only the typed parser
can tell (:func:`parse_bool` accepts it, the number parsers ask for ``0`` or an empty cell).
"""

_BLANK_KEYS: Final = frozenset(_blank_key(t) for t in BLANK_TOKENS)


def _float_text(value: float) -> str:
    if value.is_integer():
        return str(int(value))
    return format(Decimal(repr(value)), "f")


def _typed_text(value: object) -> str | None:
    """Text of a typed (non-``str``) cell as a spreadsheet reader delivers it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        return _float_text(float(value)) if abs(value) != float("inf") else repr(float(value))
    if isinstance(value, Decimal):
        return None if value.is_nan() else format(value, "f")
    if isinstance(value, dt.datetime):
        day = value.date().isoformat()
        if value.time() == dt.time(0):
            return day
        return f"{day} {value.time().isoformat(timespec='seconds')}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="seconds")
    return str(value)


def clean_cell(value: object) -> str | None:
    """The cell as tidy text, or ``None`` when it is blank.

    Parameters
    ----------
    value
        A cell as a reader delivers it: ``str``, or a typed value (``int``, ``float``,
        ``bool``, ``Decimal``, ``datetime.date``/``datetime``/``time``) or ``None``.

    Returns
    -------
    str or None
        ``None`` for ``None``, NaN, empty or whitespace-only text and :data:`BLANK_TOKENS`.
        Otherwise text that is half-width (:func:`to_halfwidth`), trimmed, with inner runs of
        whitespace collapsed to one space and zero-width characters removed; no-break spaces
        count as whitespace. Typed values: ``int`` → ``str(int)``; ``float`` → shortest exact
        decimal without a spurious ``.0`` (``12.0`` → ``'12'``, ``1e20`` →
        ``'100000000000000000000'``, ``1.5`` → ``'1.5'``); ``bool`` → ``'true'``/``'false'``;
        ``date`` → ``'YYYY-MM-DD'``; ``datetime`` at midnight → its date, otherwise
        ``'YYYY-MM-DD HH:MM:SS'``. For text, ``clean_cell(clean_cell(x)) == clean_cell(x)``.
    """
    text = value if isinstance(value, str) else _typed_text(value)
    if text is None:
        return None
    text = " ".join(text.translate(_CLEAN).split())
    if text.casefold() in _BLANK_KEYS:
        return None
    return text


def _require(value: object, expected: str) -> str:
    """The cleaned cell, or :class:`ParseError` when it is blank."""
    text = clean_cell(value)
    if text is None:
        raise ParseError("单元格为空", expected)
    return text


# --- units ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit as written in a header or a cell.

    Parameters
    ----------
    symbol
        Canonical Chinese spelling, e.g. ``'万元'``, ``'万美元'``, ``'亩'``, ``'万吨标准煤'``.
    exponent
        Value in the base unit = number × 10**exponent (``元`` 0, ``千元`` 3, ``万元`` 4,
        ``百万元`` 6, ``亿元`` 8, ``万美元`` 4, ``万吨标准煤`` 4).
    currency
        ``'CNY'`` or ``'USD'`` for money, ``''`` for everything else.
    base
        The base unit (what the unit counts), e.g. ``'元'`` for ``万元``, ``'美元'`` for
        ``万美元``, ``'吨标准煤'`` for ``万吨标准煤``. Defaults to ``元``/``美元`` for money and
        to ``symbol`` otherwise. A cell's unit must have the same base as its header's.
    """

    symbol: str
    exponent: int
    currency: str
    base: str = ""

    def __post_init__(self) -> None:
        if not self.base:
            default = {"CNY": "元", "USD": "美元"}.get(self.currency, self.currency or self.symbol)
            object.__setattr__(self, "base", default)

    @property
    def is_money(self) -> bool:
        """True for a currency unit."""
        return bool(self.currency)


_MULTIPLIERS: Final[dict[str, int]] = {
    "千": 3,
    "万": 4,
    "十万": 5,
    "百万": 6,
    "千万": 7,
    "亿": 8,
    "十亿": 9,
    "百亿": 10,
    "千亿": 11,
    "万亿": 12,
}
_PREFIX_OF_EXPONENT: Final = {0: ""} | {e: p for p, e in _MULTIPLIERS.items()}
_LATIN_MULTIPLIERS: Final[dict[str, int]] = {
    "k": 3,
    "thousand": 3,
    "thousands": 3,
    "1000": 3,
    "1,000": 3,
    "10k": 4,
    "ten thousand": 4,
    "10000": 4,
    "10,000": 4,
    "m": 6,
    "mn": 6,
    "mln": 6,
    "million": 6,
    "millions": 6,
    "100m": 8,
    "100 million": 8,
    "hundred million": 8,
    "bn": 9,
    "billion": 9,
    "billions": 9,
}
_CNY_NAMES: Final = (
    "元", "人民币元", "元人民币", "人民币", "¥", "￥", "rmb", "cny", "yuan", "rmb yuan",
)  # fmt: skip
_USD_NAMES: Final = (
    "美元", "美金", "usd", "us$", "$", "us dollar", "us dollars", "dollar", "dollars",
)  # fmt: skip
_LATIN_CNY: Final = ("yuan", "rmb", "cny", "rmb yuan")
_LATIN_USD: Final = ("usd", "us$", "$", "us dollar", "us dollars", "dollar", "dollars")


def _money_unit(exponent: int, currency: str) -> Unit:
    """The canonical money unit, e.g. ``(4, 'CNY')`` → ``万元``."""
    name = "元" if currency == "CNY" else "美元"
    return Unit(_PREFIX_OF_EXPONENT.get(exponent, f"10^{exponent}") + name, exponent, currency)


def _unit_key(text: str) -> str:
    return " ".join(to_halfwidth(text).lower().split())


def _build_units() -> dict[str, Unit]:
    """Every accepted spelling (normalised) → its unit."""
    units: dict[str, Unit] = {}

    def add(unit: Unit, *spellings: str) -> None:
        for spelling in spellings:
            units[_unit_key(spelling)] = unit

    add(_money_unit(0, "CNY"), *_CNY_NAMES)
    add(_money_unit(0, "USD"), *_USD_NAMES)
    for prefix, exponent in _MULTIPLIERS.items():
        add(_money_unit(exponent, "CNY"), f"{prefix}元", f"人民币{prefix}元", f"{prefix}元人民币")
        add(_money_unit(exponent, "USD"), f"{prefix}美元", f"{prefix}美金")
    for prefix, exponent in _LATIN_MULTIPLIERS.items():
        for names, currency in ((_LATIN_CNY, "CNY"), (_LATIN_USD, "USD")):
            for name in names:
                add(_money_unit(exponent, currency), f"{prefix} {name}", f"{name} {prefix}")
    add(Unit("人", 0, ""), "人", "名")
    for symbol in ("个", "件", "项", "家", "户", "台", "套", "吨"):
        add(Unit(symbol, 0, ""), symbol)
    add(Unit("亩", 0, ""), "亩", "mu")
    add(Unit("平方米", 0, ""), "平方米", "平米", "㎡", "m2", "m²", "sqm", "sq m")
    add(Unit("吨标准煤", 0, ""), "吨标准煤", "吨标煤", "tce")
    add(Unit("万吨标准煤", 4, "", "吨标准煤"), "万吨标准煤", "万吨标煤", "10k tce", "10,000 tce")
    # a Chinese multiplier before any plain unit: 万人, 万亩, 十亿元, 千万美元, 万人民币 …
    for key, unit in list(units.items()):
        if unit.exponent != 0:
            continue
        for prefix, exponent in _MULTIPLIERS.items():
            composed = (
                _money_unit(exponent, unit.currency)
                if unit.currency
                else Unit(prefix + unit.symbol, exponent, "", unit.base)
            )
            units.setdefault(_unit_key(prefix + key), composed)
    return units


UNITS: Final[dict[str, Unit]] = _build_units()
"""Every accepted unit spelling → its :class:`Unit`.

Keys are normalised: half-width, latin in lower case, single spaces (look-ups through
:func:`find_unit` also ignore spaces). Money: ``元 人民币元 人民币 rmb cny yuan ¥``, ``美元 美金
usd us$ $``, any Chinese multiplier before them (``千元 万元 百万元 亿元 万美元`` …) and latin
multipliers (``10k yuan`` → 万元, ``100m yuan`` → 亿元, ``10k usd`` → 万美元, ``usd mn`` →
百万美元). Others: ``人 名 个 件 项 家 户 台 套 吨 亩 平方米 吨标准煤 tce 万吨标准煤`` and any
Chinese multiplier before them (``万人``, ``万亩``). Hectares and kilograms are deliberately
absent.
"""

_UNIT_LOOKUP: Final[dict[str, Unit]] = {key.replace(" ", ""): unit for key, unit in UNITS.items()}


def find_unit(text: str) -> Unit | None:
    """The unit spelled ``text`` (see :data:`UNITS`), or ``None``.

    Parameters
    ----------
    text
        A unit alone, e.g. ``'万元'``, ``'10K Yuan'``, ``'万 元'``, ``'ＵＳＤ'``. Brackets are not
        stripped (``'(万元)'`` gives ``None``); that is :func:`split_header_unit`'s job.

    Returns
    -------
    Unit or None
        Look-up is case-insensitive for latin letters and ignores full-width forms and spaces.
    """
    if not isinstance(text, str):
        return None
    return _UNIT_LOOKUP.get("".join(to_halfwidth(text).translate(_CLEAN).lower().split()))


_BRACKET_RE: Final = re.compile(r"[(\[【〔〖]([^()\[\]【】〔〕〖〗]*)[)\]】〕〗]")
_UNIT_LABEL_RE: Final = re.compile(r"^\s*单位\s*:?\s*")
_UNIT_AFTER_RE: Final = re.compile(r"^(.*?)[\s,;]*单位\s*:\s*(.+)$")
_SEPARATOR_RE: Final = re.compile(r"[\s/,;:]")


def _unit_in_label(text: str) -> Unit | None:
    """The unit in a bracket or label like ``单位:万元``, or ``None``."""
    return find_unit(_UNIT_LABEL_RE.sub("", text, count=1))


def _tidy_name(name: str) -> str:
    return " ".join(name.split()).strip(" ,;:/_-")


def _ends_with_unit(text: str) -> bool:
    """True if ``text`` ends in a unit, e.g. ``单价 元`` (so ``单价 元/吨`` is a compound unit)."""
    text = text.rstrip()
    return any(find_unit(text[-n:]) is not None for n in range(1, min(len(text), 8) + 1))


def split_header_unit(header: str) -> tuple[str, Unit | None]:
    """Split a column header into its name and the unit written in it.

    Parameters
    ----------
    header
        A header cell, e.g. ``'营业收入(万元)'``, ``'营业收入（万元）'``, ``'营业收入[万元]'``,
        ``'营业收入【万元】'``, ``'营业收入/万元'``, ``'营业收入 万元'``,
        ``'营业收入（单位：万元）'``, ``'营业收入 单位:万元'``, ``'Revenue (10k yuan)'``.

    Returns
    -------
    tuple of (str, Unit or None)
        The cleaned name without the unit and the unit. Without a unit: the cleaned header and
        ``None``; bracket text that is not a unit stays in the name (``'企业名称(全称)'``,
        ``'单价(元/吨)'``). A header that is only a unit (``'万元'``, as on the second row of a
        two-row header) gives ``('', unit)``. A unit glued to the name without a separator
        (``'营业收入万元'``) is not split: ``'法人'`` must not become ``'法'`` + 人.

    Raises
    ------
    ParseError
        When the header names two different units, e.g. ``'金额(万元)(美元)'``.
    """
    text = clean_cell(header)
    if text is None:
        return "", None
    found = [
        (match, unit)
        for match in _BRACKET_RE.finditer(text)
        if (unit := _unit_in_label(match.group(1))) is not None
    ]
    if found:
        units = {unit for _, unit in found}
        if len(units) > 1:
            symbols = "、".join(sorted(u.symbol for u in units))
            raise ParseError(
                f"表头“{_show(text)}”写了不同的单位：{symbols}",
                "表头只写一个单位，如“营业收入(万元)”",
            )
        name = text
        for match, _ in reversed(found):
            name = f"{name[: match.start()]} {name[match.end() :]}"
        return _tidy_name(name), found[0][1]
    whole = _unit_in_label(text)
    if whole is not None:
        return "", whole
    labelled = _UNIT_AFTER_RE.match(text)
    if labelled and (unit := find_unit(labelled.group(2))) is not None:
        return _tidy_name(labelled.group(1)), unit
    for sep in _SEPARATOR_RE.finditer(text):
        head, tail = text[: sep.start()], text[sep.end() :]
        unit = find_unit(tail)
        if unit is None or not _tidy_name(head):
            continue
        if sep.group() == "/" and _ends_with_unit(head):
            break  # a compound unit such as 元/吨 or 万元/人
        return _tidy_name(head), unit
    return text, None


# --- numbers --------------------------------------------------------------------------------

_APPROX_WORDS: Final = (
    "大约", "约", "将近", "接近", "近", "左右", "上下", "前后", "以上", "以下", "以内", "多", "余",
    "超过", "超", "逾", "不到", "不足", "数十", "数百", "数千", "数万", "数亿", "几", "若干",
    "≈", "≥", "≤", ">", "<", "about", "approx", "around", "nearly", "roughly", "more than",
    "less than", "at least", "over", "under",
)  # fmt: skip
_APPROX_RE: Final = re.compile(
    "|".join(re.escape(w) for w in sorted(_APPROX_WORDS, key=len, reverse=True))
)
_PLUS_AFTER_RE: Final = re.compile(r"[0-9\u4e00-\u9fff]\s*\+")
_RANGE_RE: Final = re.compile(r"[0-9]\s*[^\s0-9]*\s*(?:~|〜|至|到)\s*[^\s0-9]*\s*[0-9]")
_NUMERAL_RE: Final = re.compile(r"[0-9〇零一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟]")
_CN_DIGIT_RE: Final = re.compile(r"[〇零一二两三四五六七八九十壹贰叁肆伍陆柒捌玖拾]")
_ASCII_DIGIT_RE: Final = re.compile(r"[0-9]")
_INFINITE: Final = frozenset({"inf", "infinity", "∞"})
_NONE_WORDS: Final = frozenset({"无", "没有", "暂无", "未有"})
_UNKNOWN_WORDS: Final = frozenset({"未知", "不详", "不明", "待定", "待补充"})

_MINUS: Final = {0x2212: "-", 0xFE63: "-"}
_SIGN_RE: Final = re.compile(r"([+-])\s*")
_CURRENCY_RE: Final = re.compile(r"(us\$|\$|¥|￥|rmb|cny|usd|人民币)\s*", re.IGNORECASE)
_CURRENCY_OF_PREFIX: Final = {
    "us$": "USD", "$": "USD", "usd": "USD", "¥": "CNY", "￥": "CNY", "rmb": "CNY", "cny": "CNY",
    "人民币": "CNY",
}  # fmt: skip
_NUMBER_RE: Final = re.compile(
    r"(?:(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,3}(?:\ [0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+)"
    r"(?:[eE][+-]?[0-9]{1,3})?"
)
_MAX_NUMBER_CHARS: Final = 60


@dataclass(frozen=True, slots=True)
class _Number:
    """A number cell taken apart: ``-¥1,234.5万元`` → negative, CNY, 1234.5, ``万元``."""

    text: str
    negative: bool
    currency: str
    value: Decimal
    suffix: str


def _refuse_inexact(text: str, expected: str, what: str = "数字") -> None:
    """Raise for infinities, approximations and ranges."""
    lowered = text.lower()
    if lowered.lstrip("+-") in _INFINITE:
        raise ParseError(f"“{_show(text)}”不是有限的数", expected)
    marker = _APPROX_RE.search(lowered)
    if marker and _NUMERAL_RE.search(text):
        raise ParseError(
            f"“{marker.group()}”表示约数（如“20多亿元”），登记需要确切的{what}", expected
        )
    if _PLUS_AFTER_RE.search(text):
        raise ParseError(f"数字后的“+”表示“以上”，是约数；登记需要确切的{what}", expected)
    if _RANGE_RE.search(text):
        raise ParseError(f"“{_show(text)}”是一个范围，需要一个确切的{what}", expected)


def _not_a_number(text: str, expected: str) -> ParseError:
    """The error for a cell that holds no readable number."""
    if _ASCII_DIGIT_RE.search(text):
        if "," in text:
            return ParseError(
                f"“{_show(text)}”的逗号位置不对：逗号只能作千位分隔符（每三位一个），小数点请用“.”",
                expected,
            )
        return ParseError(f"“{_show(text)}”不是一个可识别的数字", expected)
    if text in _NONE_WORDS:
        return ParseError(f"“{text}”不是数字：没有请填 0，不知道请留空", expected)
    if text in _UNKNOWN_WORDS:
        return ParseError(f"“{text}”不是数字：不知道请留空", expected)
    if find_unit(text) is not None or text in _MULTIPLIERS:
        return ParseError(f"“{_show(text)}”只有单位，没有数字", expected)
    if _CN_DIGIT_RE.search(text):
        return ParseError(f"“{_show(text)}”是中文数字，请用阿拉伯数字（0–9）填写", expected)
    return ParseError(f"“{_show(text)}”不是数字", expected)


def _split_number(body: str, text: str, expected: str) -> tuple[str, str, Decimal, str]:
    """``[sign][currency][sign]number[suffix]`` → (sign, currency, number, suffix)."""
    pos, sign, currency = 0, "", ""
    if match := _SIGN_RE.match(body):
        sign, pos = match.group(1), match.end()
    if match := _CURRENCY_RE.match(body, pos):
        currency, pos = _CURRENCY_OF_PREFIX[match.group(1).lower()], match.end()
        if not sign and (match := _SIGN_RE.match(body, pos)):
            sign, pos = match.group(1), match.end()
    number = _NUMBER_RE.match(body, pos)
    if number is None:
        raise _not_a_number(text, expected)
    if len(number.group()) > _MAX_NUMBER_CHARS:
        raise ParseError(f"“{_show(text)}”的数字位数太多", expected)
    rest = body[number.end() :]
    if rest[:1] == "。":
        raise ParseError(f"“{_show(text)}”里的“。”是句号，小数点请用“.”", expected)
    if rest[:1] in {",", "."} or rest[:1].isdigit():
        raise _not_a_number(text, expected)
    value = Decimal(number.group().replace(",", "").replace(" ", ""))
    return sign, currency, value, rest.strip()


def _read_number(value: object, expected: str, what: str = "数字") -> _Number:
    """Clean a number cell and take it apart; units are resolved by the caller."""
    text = _require(value, expected)
    _refuse_inexact(text, expected, what)
    body, tail, negative = text.translate(_MINUS), "", False
    if body.startswith("("):
        close = body.find(")")
        if close < 0:
            raise ParseError(f"“{_show(text)}”的括号不成对", expected)
        body, tail, negative = body[1:close].strip(), body[close + 1 :].strip(), True
    sign, currency, number, suffix = _split_number(body, text, expected)
    if negative and sign:
        raise ParseError("括号已表示负数，括号里不应再写正负号", expected)
    if tail:
        if suffix:
            raise ParseError(f"“{_show(text)}”写了两次单位", expected)
        suffix = tail
    return _Number(text, negative or sign == "-", currency, number, suffix)


def _suffix_unit(number: _Number, expected: str) -> Unit | int | None:
    """The unit (or bare multiplier exponent) written after the number, if any."""
    suffix = number.suffix
    if not suffix:
        return None
    if len(suffix) >= 2 and suffix[0] in "([【" and suffix[-1] in ")]】":
        suffix = suffix[1:-1].strip()
    if suffix in _MULTIPLIERS:
        return _MULTIPLIERS[suffix]
    unit = find_unit(suffix)
    if unit is not None:
        return unit
    if _ASCII_DIGIT_RE.search(suffix):
        raise ParseError(f"“{_show(number.text)}”里有不止一个数，只能填一个数", expected)
    raise ParseError(f"无法识别的单位“{_show(suffix)}”", f"{expected}；可用单位：{_UNIT_HINT}")


def _resolve_money_unit(number: _Number, default: Unit | None) -> Unit:
    """The money unit of a cell: the cell's own unit beats the header's ``default``."""
    written = _suffix_unit(number, _EXPECT_MONEY)
    if isinstance(written, Unit):
        if not written.currency:
            raise ParseError(f"“{written.symbol}”不是货币单位，这一列应填金额", _EXPECT_MONEY)
        if number.currency and number.currency != written.currency:
            raise ParseError(
                f"货币符号（{number.currency}）与单位“{written.symbol}”矛盾", _EXPECT_MONEY
            )
        return written
    if isinstance(written, int):
        currency = number.currency or (default.currency if default else "CNY")
        if not currency:
            symbol = default.symbol if default else ""
            raise ParseError(f"表头单位“{symbol}”不是货币单位", _EXPECT_MONEY)
        return _money_unit(written, currency)
    if number.currency:
        if default is None:
            return _money_unit(0, number.currency)
        if default.currency == number.currency:
            return default
        raise ParseError(
            f"货币符号（{number.currency}）与表头单位“{default.symbol}”不一致", _EXPECT_MONEY
        )
    if default is None:
        raise ParseError(
            "没有单位：请在表头注明单位，如“营业收入(万元)”，或写在数字后面，如“12.5万元”",
            _EXPECT_MONEY,
        )
    if not default.currency:
        raise ParseError(f"表头单位“{default.symbol}”不是货币单位", _EXPECT_MONEY)
    return default


def _resolve_quantity_exponent(number: _Number, unit: Unit | None, expected: str) -> int:
    """The exponent of a count or quantity cell: the cell's unit beats the header's ``unit``."""
    if number.currency and (unit is None or unit.currency != number.currency):
        raise ParseError("这一列填数量，不应写货币符号", expected)
    written = _suffix_unit(number, expected)
    if isinstance(written, Unit):
        if unit is not None and written.base != unit.base:
            raise ParseError(f"单位“{written.symbol}”与表头单位“{unit.symbol}”不一致", expected)
        if unit is None and written.currency:
            raise ParseError(f"“{written.symbol}”是货币单位，这一列应填数量", expected)
        return written.exponent
    if isinstance(written, int):
        return written
    return unit.exponent if unit is not None else 0


def _scaled(number: _Number, exponent: int, expected: str) -> Decimal:
    """Signed ``number.value × 10**exponent``, exactly; refuses magnitudes ≥ :data:`MAX_ABS`."""
    _, digits, own = number.value.as_tuple()
    if not isinstance(own, int):  # pragma: no cover - the number regex admits finite values only
        raise ParseError(f"“{_show(number.text)}”不是有限的数", expected)
    value = Decimal((int(number.negative), digits, own + exponent))
    if value.copy_abs() >= MAX_ABS:
        raise ParseError(f"“{_show(number.text)}”数值过大，请检查单位或是否多打了数字", expected)
    return value


def _quantize(value: Decimal, places: int) -> Decimal:
    """``value`` rounded half-up to ``places`` decimals; never ``-0``."""
    context = Context(prec=len(str(MAX_ABS)) + places + 2, rounding=ROUND_HALF_UP)
    result = value.quantize(Decimal((0, (1,), -places)), context=context)
    return result.copy_abs() if result.is_zero() else result


def parse_money(text: str, default_unit: Unit | None = None) -> tuple[Decimal, str]:
    """An exact amount of money in the base unit of its currency.

    Parameters
    ----------
    text
        The cell: ``'1234.5'``, ``'1,234.5'``, ``'1，234．5'``, ``'1 234.5'``, ``'１２３４'``,
        ``'+12'``, ``'-12'``, ``'(1,234.00)'`` (accounting negative), ``'1.2e3'``,
        ``'12.5万元'``, ``'12.5万'``, ``'3亿'``, ``'3 亿元'``, ``'120万美元'``, ``'$1,200'``,
        ``'¥12'``, ``'￥12'``, ``'USD 1,200'``, ``'1,200 USD'``.
    default_unit
        The unit from the column header (:func:`split_header_unit`), if any. A unit in the cell
        beats it; a bare multiplier in the cell (``万``) replaces its multiplier and keeps its
        currency; a currency symbol keeps its multiplier and must agree with its currency.

    Returns
    -------
    tuple of (Decimal, str)
        The amount in yuan (CNY) or dollars (USD), scaled exactly and then quantized to 0.01
        with ``ROUND_HALF_UP`` (never ``-0.00``), and the currency code.

    Raises
    ------
    ParseError
        For a blank cell, text, approximations (``20多``, ``20余``, ``20以上``, ``约20万``,
        ``20+``), ranges and two numbers (``12/13``, ``12~13``), Chinese numerals, an unknown
        unit (``12公斤``), a non-money unit (``12人``, or a non-money header), contradicting
        currencies, no unit at all (no header unit and none in the cell), infinities, and
        magnitudes of :data:`MAX_ABS` or more. A negative amount is *not* an error here.

    Examples
    --------
    >>> parse_money("12.5万")
    (Decimal('125000.00'), 'CNY')
    >>> parse_money("1,234.565", UNITS["元"])
    (Decimal('1234.57'), 'CNY')
    """
    number = _read_number(text, _EXPECT_MONEY, "金额")
    unit = _resolve_money_unit(number, default_unit)
    return _quantize(_scaled(number, unit.exponent, _EXPECT_MONEY), 2), unit.currency


def parse_int(text: str, unit: Unit | None = None) -> int:
    """A whole count, e.g. employees or enterprises.

    Parameters
    ----------
    text
        The cell: ``'1200'``, ``'1,200'``, ``'１２００'``, ``'1200人'``, ``'1.2万'`` (→ 12000;
        Chinese multipliers are allowed for counts), ``'1.2万人'``, ``'12.0'`` (Excel float),
        ``'1.2e3'``. A sign is accepted; whether a negative makes sense is the caller's check.
    unit
        The header's unit (e.g. ``人`` or ``万人``). Its exponent scales the number unless the
        cell has its own unit or multiplier; a cell unit must count the same thing.

    Returns
    -------
    int
        The count in the base unit.

    Raises
    ------
    ParseError
        For blank cells, text, approximations, non-whole numbers (``12.5``, ``1.23456万``),
        unknown or contradicting units, money in a count column, and magnitudes of
        :data:`MAX_ABS` or more.
    """
    number = _read_number(text, _EXPECT_INT, "整数")
    value = _scaled(number, _resolve_quantity_exponent(number, unit, _EXPECT_INT), _EXPECT_INT)
    if value != value.to_integral_value():
        raise ParseError(f"“{_show(number.text)}”不是整数", _EXPECT_INT)
    return int(value)


def parse_decimal(text: str, unit: Unit | None = None, places: int = 2) -> Decimal:
    """An exact quantity, e.g. land area in 亩 or energy use in 吨标准煤.

    Parameters
    ----------
    text
        The cell, written as for :func:`parse_int` but fractions are allowed: ``'12.5'``,
        ``'1,234.5亩'``, ``'1.2万'``, ``'3万吨标准煤'``.
    unit
        The header's unit; ``万吨标准煤`` scales by 10**4. A cell unit must measure the same thing
        (``12亩`` in a ``吨标准煤`` column is refused).
    places
        Decimal places of the result, 0–12.

    Returns
    -------
    Decimal
        The quantity in the base unit, quantized to ``places`` with ``ROUND_HALF_UP`` after the
        exact scaling.

    Raises
    ------
    ParseError
        As :func:`parse_int`, except that fractions are fine.
    ValueError
        If ``places`` is outside 0–12 (a programming error, not bad input).
    """
    if not 0 <= places <= 12:
        raise ValueError(f"places must be between 0 and 12, not {places}")
    number = _read_number(text, _EXPECT_DECIMAL)
    exponent = _resolve_quantity_exponent(number, unit, _EXPECT_DECIMAL)
    return _quantize(_scaled(number, exponent, _EXPECT_DECIMAL), places)


def fast_plain_decimal(text: str) -> bool:
    """True iff ``text`` matches ``^[+-]?[0-9]+(\\.[0-9]+)?$`` (ASCII digits, whole string).

    A vectorised fast path elsewhere handles only such strings. For them its result must equal
    :func:`parse_money`: ``Decimal(text) × 10**unit.exponent`` computed exactly, then quantized
    to 0.01 with ``ROUND_HALF_UP``, with the header unit's currency. ``parse_money`` refuses
    magnitudes of :data:`MAX_ABS` or more and a missing header unit, so the fast path must send
    those cells to the scalar parser. Note: this is stricter than a Unicode-aware ``\\d``
    (Rust/polars regex), which also matches full-width and other scripts' digits.

    Parameters
    ----------
    text
        A cell text, not cleaned (surrounding spaces make it ``False``).

    Returns
    -------
    bool
    """
    return isinstance(text, str) and _PLAIN_RE.fullmatch(text) is not None


_PLAIN_RE: Final = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


# --- years and dates ------------------------------------------------------------------------

_YEAR_RE: Final = re.compile(r"([0-9]+)(?:\.0+)?\s*(?:年度?)?")
_TIME: Final = (
    r"(?:(?P<h>[0-9]{1,2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?:\.[0-9]{1,9})?)?"
    r"(?:\s*(?:Z|[+-][0-9]{2}:?[0-9]{2}))?)"
)
_DATE_SEP_RE: Final = re.compile(
    r"(?P<y>[0-9]{4})(?P<sep>[-/.])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})"
    rf"(?:(?:\s+|T){_TIME})?"
)
_DATE_CN_RE: Final = re.compile(
    rf"(?P<y>[0-9]{{4}})年(?:(?P<m>[0-9]{{1,2}})月(?:(?P<d>[0-9]{{1,2}})[日号]?)?)?(?:\s*{_TIME})?"
)
_YEAR_MONTH_RE: Final = re.compile(r"(?P<y>[0-9]{4})[-/.](?P<m>[0-9]{1,2})")
_COMPACT_RE: Final = re.compile(r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})(?:\.0+)?")
_NUMERIC_RE: Final = re.compile(r"(?P<i>[0-9]+)(?:\.[0-9]+)?")
_DAY_FIRST_RE: Final = re.compile(r"[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{4}(?:\D.*)?")
_SHORT_YEAR_RE: Final = re.compile(r"[0-9]{2}(?:[-/.][0-9]{1,2}[-/.][0-9]{1,2}|年.*)")
_CN_SPACES_RE: Final = re.compile(r"\s*([年月日号])\s*")
_EXCEL_EPOCH: Final = dt.date(1899, 12, 30)


def _check_year(year: int, text: str, expected: str) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ParseError(f"“{_show(text)}”的年份 {year} 超出 {MIN_YEAR}–{MAX_YEAR}", expected)
    return year


def parse_year(text: str) -> int:
    """A four-digit year.

    Parameters
    ----------
    text
        ``'2023'``, ``'2023年'``, ``'2023年度'``, ``'2023.0'`` (Excel float), ``'２０２３'``.

    Returns
    -------
    int
        The year, 1900–2100 (narrower business ranges are the caller's check).

    Raises
    ------
    ParseError
        For blank cells, two-digit years (``'23'`` could be 1923 or 2023), other lengths,
        approximations (``2019年前后``), dates, text, and years outside 1900–2100.
    """
    value = _require(text, _EXPECT_YEAR)
    _refuse_inexact(value, _EXPECT_YEAR, "年份")
    match = _YEAR_RE.fullmatch(value)
    if match is None:
        raise ParseError(f"“{_show(value)}”不是年份", _EXPECT_YEAR)
    digits = match.group(1)
    if len(digits) == 2:
        raise ParseError(
            f"两位数年份“{value}”有歧义（可能是 19{digits} 或 20{digits}）", _EXPECT_YEAR
        )
    if len(digits) != 4:
        raise ParseError(f"“{_show(value)}”不是四位年份", _EXPECT_YEAR)
    return _check_year(int(digits), value, _EXPECT_YEAR)


def _make_date(year: int, month: int, day: int, text: str) -> dt.date:
    """The date, or :class:`ParseError` naming what is impossible about it."""
    _check_year(year, text, _EXPECT_DATE)
    if not 1 <= month <= 12:
        raise ParseError(f"“{_show(text)}”的月份 {month} 不存在", _EXPECT_DATE)
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise ParseError(f"{year}年{month}月没有{day}日（只有 {last} 天）", _EXPECT_DATE)
    return dt.date(year, month, day)


def _check_time(match: re.Match[str], text: str) -> None:
    hour, minute, second = match.group("h"), match.group("mi"), match.group("s")
    if hour is None:
        return
    if int(hour) > 23 or int(minute) > 59 or (second is not None and int(second) > 59):
        raise ParseError(f"“{_show(text)}”的时间部分不存在", _EXPECT_DATE)


def _excel_serial(serial: int, text: str) -> dt.date:
    """The date of an Excel (1900 date system) serial number 10000–99999."""
    if not 10000 <= serial <= 99999:
        raise ParseError(
            f"“{_show(text)}”不是日期（Excel 日期序号只接受 5 位数，如 43586）", _EXPECT_DATE
        )
    day = _EXCEL_EPOCH + dt.timedelta(days=serial)
    _check_year(day.year, text, _EXPECT_DATE)
    return day


def parse_date_precision(value: str) -> tuple[dt.date, DatePrecision]:
    """A date and how much of it was written (day, month only, or year only).

    Parameters
    ----------
    value
        ``'2019-05-01'``, ``'2019-5-1'``, ``'2019/5/1'``, ``'2019.5.1'``, ``'2019年5月1日'``,
        ``'2019年5月1号'``, ``'20190501'``, ``'2019-05-01 00:00:00'``,
        ``'2019-05-01T10:20:00'`` (time dropped, but must be a real time), an Excel serial
        ``'43586'`` / ``'43586.0'`` (five digits only), full-width digits; month precision:
        ``'2019-05'``, ``'2019/5'``, ``'2019.5'``, ``'2019年5月'``; year precision: ``'2019'``,
        ``'2019年'``, ``'2019.0'``. Typed ``date``/``datetime`` cells are accepted too.

    Returns
    -------
    tuple of (datetime.date, {'day', 'month', 'year'})
        The date (the 1st of the month / 1 January when not written) and its precision.

    Raises
    ------
    ParseError
        For blank cells, impossible dates (``2019-02-30``, ``2019-13-01``), impossible times,
        day- or month-first order (``05/01/2019``), two-digit years (``19-5-1``), serials
        outside 10000–99999, years outside 1900–2100, approximations and text.
    """
    text = _require(value, _EXPECT_DATE)
    _refuse_inexact(text, _EXPECT_DATE, "日期")
    text = _CN_SPACES_RE.sub(r"\1", text)
    for pattern in (_DATE_SEP_RE, _DATE_CN_RE):
        if match := pattern.fullmatch(text):
            _check_time(match, text)
            year, month, day = match.group("y", "m", "d")
            if month is None:
                return dt.date(_check_year(int(year), text, _EXPECT_DATE), 1, 1), "year"
            if day is None:
                return _make_date(int(year), int(month), 1, text), "month"
            return _make_date(int(year), int(month), int(day), text), "day"
    if match := _COMPACT_RE.fullmatch(text):
        year, month, day = (int(g) for g in match.group("y", "m", "d"))
        return _make_date(year, month, day, text), "day"
    if re.fullmatch(r"[0-9]{4}\.0+", text):  # a year typed into a number cell
        return dt.date(_check_year(int(text[:4]), text, _EXPECT_DATE), 1, 1), "year"
    if match := _YEAR_MONTH_RE.fullmatch(text):
        return _make_date(int(match.group("y")), int(match.group("m")), 1, text), "month"
    if match := _NUMERIC_RE.fullmatch(text):
        digits = match.group("i")
        if len(digits) == 4 and "." not in text:
            return dt.date(_check_year(int(digits), text, _EXPECT_DATE), 1, 1), "year"
        return _excel_serial(int(digits) if len(digits) == 5 else 0, text), "day"
    if _DAY_FIRST_RE.fullmatch(text):
        raise ParseError(f"“{_show(text)}”的日、月顺序不明（年份应写在最前）", _EXPECT_DATE)
    if _SHORT_YEAR_RE.fullmatch(text):
        raise ParseError(f"“{_show(text)}”的年份只有两位，有歧义", _EXPECT_DATE)
    if not _ASCII_DIGIT_RE.search(text) and _CN_DIGIT_RE.search(text):
        raise ParseError(f"“{_show(text)}”是中文数字，请用阿拉伯数字（0–9）填写", _EXPECT_DATE)
    raise ParseError(f"“{_show(text)}”不是可识别的日期", _EXPECT_DATE)


def parse_date(value: str) -> dt.date:
    """A full date (year, month and day); see :func:`parse_date_precision` for the spellings.

    Parameters
    ----------
    value
        The cell.

    Returns
    -------
    datetime.date

    Raises
    ------
    ParseError
        As :func:`parse_date_precision`, and also for a year-month or year alone
        (``'2019-05'``, ``'2019年'``): e.g. a founding date needs the day. Callers that can
        live with less call :func:`parse_date_precision` and decide.
    """
    day, precision = parse_date_precision(value)
    if precision == "month":
        raise ParseError("只写了年月，缺少日", _EXPECT_DATE)
    if precision == "year":
        raise ParseError("只写了年份，缺少月和日", _EXPECT_DATE)
    return day


# --- yes/no ---------------------------------------------------------------------------------

_TRUE: Final = frozenset({"是", "有", "y", "yes", "true", "t", "1", "1.0", "√", "✓", "✔"})
_FALSE: Final = frozenset({"否", "无", "n", "no", "false", "f", "0", "0.0", "×", "✗", "✘"})


def parse_bool(text: str) -> bool:
    """A yes/no cell.

    Parameters
    ----------
    text
        True: ``是 有 Y yes true T 1 √ ✓ ✔``; false: ``否 无 N no false F 0 × ✗ ✘``
        (latin case-insensitive, full-width accepted).

    Returns
    -------
    bool

    Raises
    ------
    ParseError
        For blank cells and anything else, including qualified answers like ``是（省级）``
        (those belong in a separate column).
    """
    value = _require(text, _EXPECT_BOOL)
    key = value.casefold()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ParseError(f"“{_show(value)}”不是“是/否”", _EXPECT_BOOL)
