"""Roll a long table up the code hierarchies before measuring (on the engine, as Ibis).

Regions follow GB/T 2260: a county-level code ``430582`` belongs to the prefecture ``430500`` and
the province ``430000`` (districts of the four municipalities roll up to ``110100`` …, and
province-administered county-level cities such as 仙桃 ``429004`` to ``429000``, as the standard
lists them). Industries follow GB/T 4754-2017: 小类 ``3311`` → 中类 ``331`` → 大类 ``33`` → 门类 ``C``
(a leading section letter, as in ``C3311``, is accepted).
"""

from __future__ import annotations

from typing import Any

import ibis
from ibis.expr.types import Table

from jiqun.codes.industries import IndustryCodebook
from jiqun.errors import InputError
from jiqun.indicators.engine import Columns

REGION_LEVELS = {"county": 6, "city": 4, "province": 2}
REGION_ALIASES = {"县": "county", "区县": "county", "市": "city", "地级": "city", "省": "province"}
INDUSTRY_LEVELS = {"class": 4, "group": 3, "division": 2, "section": 1}
INDUSTRY_ALIASES = {"小类": "class", "中类": "group", "大类": "division", "门类": "section"}


def roll_up(t: Table, cols: Columns, con: Any, region_level: str | None = None,
            industry_level: str | None = None) -> Table:
    """Replace region and/or industry codes by their ancestors at the given level.

    Values are not added up here: every indicator adds up the rows of one region × industry
    (× year), so rolled-up rows merge there. Region attributes (area, population) are refused with
    a region roll-up, because they would have to be added over the member regions first.
    """
    if region_level:
        level = _level(region_level, REGION_LEVELS, REGION_ALIASES, "--region-level")
        if cols.area or cols.population:
            raise InputError.single("面积、人口不能随地区一起汇总", column="--region-level",
                                    value=region_level, expected="先按上级地区汇总面积和人口，再计算")
        t = t.mutate(**{cols.region: _region_ancestor(t, cols.region, REGION_LEVELS[level], con)})
    if industry_level:
        level = _level(industry_level, INDUSTRY_LEVELS, INDUSTRY_ALIASES, "--industry-level")
        t = t.mutate(**{cols.industry: _industry_ancestor(t, cols.industry, INDUSTRY_LEVELS[level], con)})
    return t


def _level(name: str, levels: dict[str, int], aliases: dict[str, str], option: str) -> str:
    level = aliases.get(name, name)
    if level not in levels:
        raise InputError.single("不认识的汇总层级", column=option, value=name,
                                expected="、".join([*levels, *aliases]))
    return level


def _region_ancestor(t: Table, column: str, digits: int, con: Any) -> Any:
    code = t[column].strip()
    _refuse_first(t, ~code.re_search(r"^[0-9]{6}$"), column, con, "六位行政区划代码（GB/T 2260）")
    return code.substr(0, digits) + ibis.literal("0" * (6 - digits))


def _industry_ancestor(t: Table, column: str, digits: int, con: Any) -> Any:
    given = t[column].strip()
    code = ibis.ifelse(given.re_search(r"^[A-Za-z][0-9]"), given.substr(1), given)
    short = ~code.re_search(r"^[0-9]{2,4}$") | (code.length() < max(digits, 2))
    _refuse_first(t, short, column, con, f"至少 {max(digits, 2)} 位的 GB/T 4754-2017 行业代码")
    if digits > 1:
        return code.substr(0, digits)
    book = IndustryCodebook.builtin()
    sections = {d.code: s.code for d in book.at_level(2) if (s := book.section_of(d.code))}
    division = code.substr(0, 2)
    _refuse_first(t, ~division.isin(list(sections)), column, con, "GB/T 4754-2017 中存在的大类")
    return division.substitute(sections)


def _refuse_first(t: Table, bad: Any, column: str, con: Any, expected: str) -> None:
    found = con.execute(t.filter(bad).select(t[column]).limit(1))
    if len(found):
        raise InputError.single("代码无法按层级汇总", column=column, value=str(found[column].iloc[0]),
                                expected=expected)
