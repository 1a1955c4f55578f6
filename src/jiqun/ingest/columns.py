"""Parse the text columns of a table into typed columns, collecting a Problem for every bad cell.

Each column is parsed in two paths. Plain ASCII cells (``12``, ``1234.5``) take a vectorised fast
path; every other distinct value (full-width digits, thousands separators, a unit in the cell,
Chinese dates …) goes once through the scalar parsers of :mod:`jiqun.ingest.parse`, which are the
specification. Tests check that both paths agree.

Money and quantities come out as integer hundredths (fen for money) so that sums and comparisons
are exact; the writer turns them into yuan.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import polars as pl

from jiqun.codes.industries import IndustryCodebook
from jiqun.codes.regions import check_region
from jiqun.codes.uscc import check_uscc, uscc_all_clear
from jiqun.errors import Problem
from jiqun.ingest import parse
from jiqun.ingest.schema import ColumnMatch, FieldSpec
from jiqun.ingest.table import ROW, Table
from jiqun.ingest.xlsx_cells import EXCEL_ERRORS, UNCOMPUTED

MAX_FAST_INT_DIGITS = 9
PROVISIONAL_WARNING = ("该小类/中类代码未载入完整行业表，已按所属大类接受并标记；"
                       "可用 jiqun codes load industries 载入完整表")
_BLANKS = sorted(parse.BLANK_TOKENS)


@dataclass(frozen=True)
class Env:
    """What column parsing needs beyond the cells: today's date and the industry codebook."""

    today: date
    industries: IndustryCodebook


@dataclass
class Parsed:
    """A typed column, the problems of its cells, and per-row extra outputs (e.g. currency)."""

    values: pl.Series
    problems: list[Problem]
    extra: dict[str, pl.Series]


@dataclass(frozen=True)
class Outcome:
    """What the scalar parser made of one distinct cell text."""

    value: object = None
    problem: tuple[str, str] | None = None  # (message, expected)
    warning: str | None = None
    extra: object = None


def blank_mask(text: pl.Series) -> pl.Series:
    """True where a cell counts as empty (missing, whitespace, or a blank token like 'NULL')."""
    stripped = text.str.strip_chars()
    return text.is_null() | stripped.str.to_lowercase().is_in(_BLANKS)


def parse_column(table: Table, col: ColumnMatch, env: Env) -> Parsed:
    """Parse one matched column of ``table`` according to its field type; a spreadsheet error
    value or a formula without its value is reported as such, not as a bad value of the type."""
    parsed = _PARSERS[col.field.type](table, col, env)
    leftovers = excel_leftovers(table, col)
    if not leftovers:
        return parsed
    rows = {p.row for p in leftovers}
    kept = [p for p in parsed.problems if p.row not in rows]
    return Parsed(parsed.values, leftovers + kept, parsed.extra)


def excel_leftovers(table: Table, col: ColumnMatch) -> list[Problem]:
    """Cells that hold an Excel error value (``#N/A`` …, also as text in an exported CSV) or a
    formula saved without its value (see :mod:`jiqun.ingest.xlsx_cells`)."""
    text = table.cells[col.field.name].str.strip_chars()
    flagged = text.is_in(list(EXCEL_ERRORS)) | text.str.starts_with(UNCOMPUTED)
    if not flagged.any():
        return []
    frame = pl.DataFrame({"v": text, ROW: table.cells[ROW]}).filter(flagged)
    problems = []
    for value, row in frame.iter_rows():
        if value.startswith(UNCOMPUTED):
            problems.append(_problem(table, col, row, value.removeprefix(UNCOMPUTED),
                                     "是公式，但文件中没有保存它的计算结果",
                                     "在 Excel 或 WPS 中打开、重新计算并保存，或将公式粘贴为数值"))
        else:
            problems.append(_problem(table, col, row, value, "是 Excel 错误值",
                                     "改正公式或数据后保存，或清空该单元格"))
    return problems


# --- the slow path: one scalar parse per distinct value -------------------------------------


def _scalar(
    table: Table, col: ColumnMatch, todo: pl.Series, fn: Callable[[str], Outcome]
) -> tuple[dict[str, Outcome], list[Problem]]:
    """Run ``fn`` once per distinct value of ``todo`` (a masked text column)."""
    outcomes = {v: fn(v) for v in todo.drop_nulls().unique().to_list()}
    return outcomes, _cell_problems(table, col, todo, outcomes)


def _cell_problems(
    table: Table, col: ColumnMatch, todo: pl.Series, outcomes: dict[str, Outcome]
) -> list[Problem]:
    bad = {v: o for v, o in outcomes.items() if o.problem or o.warning}
    if not bad:
        return []
    frame = pl.DataFrame({"v": todo, ROW: table.cells[ROW]}).filter(pl.col("v").is_in(list(bad)))
    problems = []
    for value, row in frame.iter_rows():
        outcome = bad[value]
        if outcome.problem:
            message, expected = outcome.problem
            problems.append(_problem(table, col, row, value, message, expected))
        if outcome.warning:
            problems.append(_problem(table, col, row, value, outcome.warning, "", "warning"))
    return problems


def _problem(table: Table, col: ColumnMatch, row: int, value: object, message: str,
             expected: str, severity: str = "error") -> Problem:
    return Problem(message=message, file=table.sheet.where(), row=int(row), column=col.header,
                   value="" if value is None else str(value), expected=expected,
                   severity=severity)  # type: ignore[arg-type]


def _guard(fn: Callable[[str], object]) -> Callable[[str], Outcome]:
    def run(text: str) -> Outcome:
        cleaned = parse.clean_cell(text)
        if cleaned is None:
            return Outcome(None)
        try:
            return Outcome(fn(cleaned))
        except parse.ParseError as exc:
            return Outcome(problem=(exc.message, exc.expected))
    return run


def _map(todo: pl.Series, outcomes: dict[str, Outcome], dtype: pl.DataType,
         pick: Callable[[Outcome], object] = lambda o: o.value) -> pl.Series:
    mapping = {k: pick(o) for k, o in outcomes.items() if not o.problem}
    return todo.replace_strict(mapping, default=None, return_dtype=dtype)


def null_where(series: pl.Series, mask: pl.Series) -> pl.Series:
    """``series`` with nulls where ``mask`` is true."""
    return pl.select(pl.when(mask).then(None).otherwise(series).alias(series.name)).to_series()


CODE_TYPES = frozenset({"uscc", "region", "industry"})


def _texts(table: Table, col: ColumnMatch) -> pl.Series:
    text = table.cells[col.field.name]
    text = null_where(text, blank_mask(text)).str.strip_chars()
    if col.field.type in CODE_TYPES:  # Excel's text marker: '9135…
        text = text.str.strip_prefix("'")
    if col.field.type == "region":
        # a division code saved as a number (430582.0); never for industries, whose leading
        # zeros (0111) a number has already lost
        text = text.str.replace(r"^([1-9][0-9]{5})\.0$", "$1")
    return text


# --- numbers ------------------------------------------------------------------------------


def _fast_decimal(text: pl.Series, exponent: int) -> tuple[pl.Series, pl.Series]:
    """Plain decimals as integer hundredths of the base unit, exactly; and the fast-path mask.

    Only cells with at most ``exponent + 2`` decimals take this path, so the Decimal cast
    never rounds.
    """
    places = exponent + 2
    digits = min(MAX_FAST_INT_DIGITS, 17 - places)  # keeps every fast value inside Int64
    pattern = rf"^[0-9]{{1,{digits}}}(\.[0-9]{{1,{places}}})?$"
    mask = text.str.contains(pattern).fill_null(False)
    exact = null_where(text, ~mask).cast(pl.Decimal(38, places), strict=False)
    scaled = pl.select((pl.lit(exact) * 10**places).cast(pl.Int64)).to_series()
    return scaled, mask


MAX_HUNDREDTHS = 10**17  # 1e15 in the base unit: above every ceiling, inside Int64 and float64


def _cents(amount: object) -> int:
    cents = int(amount * 100)  # type: ignore[operator]
    if abs(cents) >= MAX_HUNDREDTHS:
        raise parse.ParseError("数值过大（超过 1000 万亿），请检查单位或多写的零",
                               "在合理范围内的数值，单位与表头一致")
    return cents


def _money(table: Table, col: ColumnMatch, env: Env) -> Parsed:
    text = _texts(table, col)
    unit = col.unit
    fast, mask = _fast_decimal(text, unit.exponent) if unit else (None, None)
    todo = null_where(text, mask) if mask is not None else text

    def one(value: str) -> tuple[int, str, str | None]:
        amount, currency = parse.parse_money(value, unit)
        return _cents(amount), currency, _cell_currency(value)

    outcomes, problems = _scalar(table, col, todo, _guard(one))
    cents = _map(todo, outcomes, pl.Int64, lambda o: o.value[0])
    currency = _map(todo, outcomes, pl.String, lambda o: o.value[1])
    in_cell = _map(todo, outcomes, pl.String, lambda o: o.value[2])
    if fast is not None and mask is not None and unit is not None:
        cents = cents.zip_with(~mask, fast)
        currency = currency.zip_with(~mask, pl.Series([unit.currency] * len(mask), dtype=pl.String))
    return Parsed(cents, problems, {"currency": currency, "cell_currency": in_cell})


def _cell_currency(value: str) -> str | None:
    """The currency a cell names itself (``12万美元``), or None when it relies on the header."""
    try:
        return parse.parse_money(value, None)[1]
    except parse.ParseError:
        return None


def _count(table: Table, col: ColumnMatch, env: Env) -> Parsed:
    text = _texts(table, col)
    exponent = col.unit.exponent if col.unit else 0
    mask = text.str.contains(r"^[0-9]{1,12}$").fill_null(False)
    fast = null_where(text, ~mask).cast(pl.Int64) * 10**exponent
    todo = null_where(text, mask)
    outcomes, problems = _scalar(table, col, todo, _guard(lambda v: parse.parse_int(v, col.unit)))
    values = _map(todo, outcomes, pl.Int64).zip_with(~mask, fast)
    return Parsed(values, problems, {})


def _quantity(table: Table, col: ColumnMatch, env: Env) -> Parsed:
    text = _texts(table, col)
    exponent = col.unit.exponent if col.unit else 0
    fast, mask = _fast_decimal(text, exponent)
    todo = null_where(text, mask)
    outcomes, problems = _scalar(
        table, col, todo, _guard(lambda v: _cents(parse.parse_decimal(v, col.unit, places=2))))
    values = _map(todo, outcomes, pl.Int64).zip_with(~mask, fast)
    return Parsed(values, problems, {})


def _year(table: Table, col: ColumnMatch, env: Env) -> Parsed:
    text = _texts(table, col)
    outcomes, problems = _scalar(table, col, text,
                                 _guard(lambda v: _checked_year(v, env.today, col.field.future_years)))
    return Parsed(_map(text, outcomes, pl.Int64), problems, {})


FIRST_YEAR = 1949  # the registry covers the People's Republic's economy


def _checked_year(value: str, today: date, future_years: int = 0) -> int:
    year = parse.parse_year(value)
    last = today.year + future_years
    if not FIRST_YEAR <= year <= last:
        raise parse.ParseError(f"年份 {year} 超出范围", f"{FIRST_YEAR}–{last} 之间的年份")
    return year


# --- codes ----------------------------------------------------------------------------------


def _uscc(table: Table, col: ColumnMatch, env: Env) -> Parsed:
    text = _texts(table, col)
    distinct = text.drop_nulls().unique()
    clean = uscc_all_clear(distinct)
    outcomes = {v: Outcome(v) for v in clean.to_list()}

    def one(value: str) -> Outcome:
        result = check_uscc(value)
        if not result.valid:
            return Outcome(problem=(f"统一社会信用代码有误：{result.error}",
                                    "18 位统一社会信用代码（GB 32100-2015），校验位正确"))
        return Outcome(result.code, warning=result.warning)

    rest = null_where(text, text.is_in(clean.implode()))
    more, problems = _scalar(table, col, rest, one)
    outcomes.update(more)
    return Parsed(_map(text, outcomes, pl.String), problems, {})


def _region(table: Table, col: ColumnMatch, env: Env) -> Parsed:
    text = _texts(table, col)

    def one(value: str) -> Outcome:
        result = check_region(value)
        if result.status != "known":
            return Outcome(problem=(f"行政区划代码无效：{result.message}",
                                    "6 位县级行政区划代码（GB/T 2260），如 430582"))
        return Outcome(result.code, warning=getattr(result, "warning", None))

    outcomes, problems = _scalar(table, col, text, one)
    return Parsed(_map(text, outcomes, pl.String), problems, {})


def _industry(table: Table, col: ColumnMatch, env: Env) -> Parsed:
    text = _texts(table, col)
    # a column that holds 4-digit classes and a 3-digit code: Excel may have read "0111" as a
    # number and dropped its zero, turning the class into another (valid) group code
    has_classes = bool(text.str.contains(r"^[0-9]{4}$").any())

    def one(value: str) -> Outcome:
        result = env.industries.check(value)
        if value.isdigit() and (len(value) == 1 or (len(value) == 3 and has_classes)):
            padded = env.industries.check("0" + value)
            if padded.status in {"known", "provisional"}:
                lost_zero = (f"行业代码“{value}”疑似被 Excel 去掉了开头的 0（0{value}：{padded.message}）",
                             f"代码按文本写全，如 0{value}（在 Excel 中先把该列设为“文本”格式再输入）")
                if result.status != "known":
                    return Outcome(problem=lost_zero)
                # a group code that is valid as written: kept, with the other reading named
                return Outcome(result.code, warning=f"{lost_zero[0]}；按中类 {value} {result.message} 导入")
        if result.status in {"unknown", "malformed"}:
            return Outcome(problem=(f"行业代码无效：{result.message}",
                                    "GB/T 4754-2017 行业代码（2–4 位数字），如 3051"))
        warning = None
        if result.status == "provisional":
            warning = PROVISIONAL_WARNING
        return Outcome(result.code, warning=warning)

    outcomes, problems = _scalar(table, col, text, one)
    return Parsed(_map(text, outcomes, pl.String), problems, {})


# --- text, dates, flags, choices --------------------------------------------------------------


def _text(table: Table, col: ColumnMatch, env: Env) -> Parsed:
    text = _texts(table, col)
    ascii_mask = text.str.contains(r"^[\x20-\x7e]*$").fill_null(True)
    todo = null_where(text, ascii_mask)
    outcomes = {v: Outcome(parse.clean_cell(v)) for v in todo.drop_nulls().unique().to_list()}
    plain = text.str.replace_all(r"\s+", " ")
    values = _map(todo, outcomes, pl.String).zip_with(~ascii_mask, plain)
    limit = col.field.max_length
    problems = []
    if limit:
        too_long = values.str.len_chars() > limit
        for row, value in pl.DataFrame({ROW: table.cells[ROW], "v": values}).filter(too_long).iter_rows():
            problems.append(_problem(table, col, row, value, f"文字太长（{len(value)} 字）",
                                     f"不超过 {limit} 字"))
    return Parsed(values, problems, {})


def _date(table: Table, col: ColumnMatch, env: Env) -> Parsed:
    text = _texts(table, col)

    def one(value: str) -> str:
        day = parse.parse_date(value)
        if not date(1900, 1, 1) <= day <= env.today:
            raise parse.ParseError(f"日期 {day.isoformat()} 不在合理范围内",
                                   f"1900-01-01 至 {env.today.isoformat()}")
        return day.isoformat()

    outcomes, problems = _scalar(table, col, text, _guard(one))
    return Parsed(_map(text, outcomes, pl.String), problems, {})


def _bool(table: Table, col: ColumnMatch, env: Env) -> Parsed:
    text = _texts(table, col)
    outcomes, problems = _scalar(table, col, text, _guard(parse.parse_bool))
    return Parsed(_map(text, outcomes, pl.Boolean), problems, {})


def choice_lookup(spec: FieldSpec) -> dict[str, str]:
    """Every accepted spelling of a choice field (normalised) → its canonical value."""
    from jiqun.ingest.schema import normalize_header

    lookup = {normalize_header(v): v for v in spec.choices}
    for canonical, spellings in spec.choices.items():
        lookup.update({normalize_header(s): canonical for s in spellings})
    return lookup


def _choice(table: Table, col: ColumnMatch, env: Env) -> Parsed:
    from jiqun.ingest.schema import normalize_header

    text = _texts(table, col)
    lookup = choice_lookup(col.field)
    accepted = "、".join(s[0] for s in col.field.choices.values() if s)

    def one(value: str) -> Outcome:
        found = lookup.get(normalize_header(value))
        if found is None:
            return Outcome(problem=(f"不认识的取值“{value}”", accepted))
        return Outcome(found, extra=normalize_header(value))

    outcomes, problems = _scalar(table, col, text, one)
    extra = {}
    for target, by_spelling in col.field.implies.items():
        wanted = {normalize_header(k): v for k, v in by_spelling.items()}
        extra[target] = _map(text, outcomes, pl.String, lambda o, w=wanted: w.get(o.extra))
    return Parsed(_map(text, outcomes, pl.String), problems, extra)


_CURRENCIES = {"cny": "CNY", "rmb": "CNY", "人民币": "CNY", "元": "CNY", "usd": "USD",
               "美元": "USD", "us$": "USD", "$": "USD"}


def _currency(table: Table, col: ColumnMatch, env: Env) -> Parsed:
    text = _texts(table, col)

    def one(value: str) -> Outcome:
        found = _CURRENCIES.get(parse.to_halfwidth(value).strip().lower())
        return Outcome(found) if found else Outcome(problem=("不认识的币种", "人民币（CNY）或美元（USD）"))

    outcomes, problems = _scalar(table, col, text, one)
    return Parsed(_map(text, outcomes, pl.String), problems, {})


_PARSERS: dict[str, Callable[[Table, ColumnMatch, Env], Parsed]] = {
    "money": _money, "count": _count, "quantity": _quantity, "year": _year, "uscc": _uscc,
    "region": _region, "industry": _industry, "text": _text, "park": _text, "date": _date,
    "bool": _bool, "choice": _choice, "currency": _currency,
}
