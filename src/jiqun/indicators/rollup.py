"""Roll a long table up the code hierarchies before measuring.

Regions follow GB/T 2260: a county-level code ``430582`` belongs to the prefecture ``430500`` and
the province ``430000`` (districts of the four municipalities roll up to ``110100`` …, and
province-administered county-level cities such as 仙桃 ``429004`` to ``429000``, as the standard
lists them). Industries follow GB/T 4754-2017: 小类 ``3311`` → 中类 ``331`` → 大类 ``33`` → 门类 ``C``.
"""

from __future__ import annotations

import polars as pl

from jiqun.codes.industries import IndustryCodebook
from jiqun.errors import InputError
from jiqun.indicators.engine import Columns

REGION_LEVELS = {"county": 6, "city": 4, "province": 2}
REGION_ALIASES = {"县": "county", "区县": "county", "市": "city", "地级": "city", "省": "province"}
INDUSTRY_LEVELS = {"class": 4, "group": 3, "division": 2, "section": 1}
INDUSTRY_ALIASES = {"小类": "class", "中类": "group", "大类": "division", "门类": "section"}


def roll_up(frame: pl.DataFrame, cols: Columns, region_level: str | None = None,
            industry_level: str | None = None) -> pl.DataFrame:
    """Replace region and/or industry codes by their ancestors at the given level.

    Values are not added up here: every indicator adds up the rows of one region × industry
    (× year), so rolled-up rows simply merge. Region attributes (area, population) are not
    rolled up and are refused, because they would need adding over the member regions first.
    """
    if region_level:
        level = _level(region_level, REGION_LEVELS, REGION_ALIASES, "--region-level")
        if cols.area or cols.population:
            raise InputError.single("面积、人口不能随地区一起汇总", column="--region-level",
                                    value=region_level,
                                    expected="先按上级地区汇总面积和人口，再计算")
        frame = frame.with_columns(_region_ancestor(frame, cols.region, REGION_LEVELS[level]))
    if industry_level:
        level = _level(industry_level, INDUSTRY_LEVELS, INDUSTRY_ALIASES, "--industry-level")
        frame = frame.with_columns(_industry_ancestor(frame, cols.industry, INDUSTRY_LEVELS[level]))
    return frame


def _level(name: str, levels: dict[str, int], aliases: dict[str, str], option: str) -> str:
    level = aliases.get(name, name)
    if level not in levels:
        raise InputError.single("不认识的汇总层级", column=option, value=name,
                                expected="、".join([*levels, *aliases]))
    return level


def _region_ancestor(frame: pl.DataFrame, column: str, digits: int) -> pl.Series:
    codes = frame[column].cast(pl.String).str.strip_chars()
    _first_bad(frame, codes, ~codes.str.contains(r"^\d{6}$"), column, "六位行政区划代码（GB/T 2260）")
    return (codes.str.slice(0, digits) + "0" * (6 - digits)).alias(column)


def _industry_ancestor(frame: pl.DataFrame, column: str, digits: int) -> pl.Series:
    codes = frame[column].cast(pl.String).str.strip_chars().str.replace(r"^[A-Za-z](\d)", "$1")
    _first_bad(frame, codes, ~codes.str.contains(r"^\d{2,4}$") | (codes.str.len_chars() < max(digits, 2)),
               column, f"至少 {max(digits, 2)} 位的 GB/T 4754-2017 行业代码")
    if digits > 1:
        return codes.str.slice(0, digits).alias(column)
    book = IndustryCodebook.builtin()
    sections = {d.code: book.section_of(d.code) for d in book.at_level(2)}
    divisions = codes.str.slice(0, 2)
    unknown = ~divisions.is_in([code for code, section in sections.items() if section])
    _first_bad(frame, codes, unknown, column, "GB/T 4754-2017 中存在的大类")
    return divisions.replace_strict({k: v.code for k, v in sections.items() if v}).alias(column)


def _first_bad(frame: pl.DataFrame, codes: pl.Series, bad: pl.Series, column: str, expected: str) -> None:
    if bad.any():
        index = int(bad.arg_true()[0])
        raise InputError.single("代码无法按层级汇总", row=index + 2, column=column,
                                value=str(frame[column][index]), expected=expected)
