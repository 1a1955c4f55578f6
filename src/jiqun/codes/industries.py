"""Industries of GB/T 4754-2017 (国民经济行业分类): 门类, 大类, 中类, 小类.

jiqun ships the 门类 and 大类 levels (``data/gbt4754_2017_sections_divisions.csv``); the full
table (473 中类, 1381 小类) is loaded by the user from a file they hold
(``jiqun codes load industries FILE``) and kept in the registry database. A 中类/小类 code whose
大类 is known but which is not loaded is accepted as *provisional* and flagged.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path

from jiqun.errors import InputError, Problem

_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
CODE_ALIASES = ("code", "代码", "行业代码", "编码")
NAME_ALIASES = ("name", "名称", "行业名称", "name_zh", "类别名称")
PARENT_ALIASES = ("parent", "上级", "上级代码", "parent_code", "父级代码")
LEVEL_NAMES = {1: "门类", 2: "大类", 3: "中类", 4: "小类"}


@dataclass(frozen=True)
class Industry:
    code: str
    level: int
    parent: str
    name_zh: str
    name_en: str = ""


@dataclass(frozen=True)
class IndustryCheck:
    status: str  # "known" | "provisional" | "unknown" | "malformed"
    code: str
    message: str


def code_level(code: str) -> int | None:
    """1 for a section letter A–T, else the number of digits (2–4); None if malformed."""
    if len(code) == 1 and "A" <= code <= "T":
        return 1
    if code.isdigit() and len(code) in (2, 3, 4):
        return len(code)
    return None


def expected_parent(code: str, section_of_division: dict[str, str]) -> str | None:
    """The parent code a code must have: its section for a 大类, else the shorter prefix."""
    level = code_level(code)
    if level == 1:
        return ""
    if level == 2:
        return section_of_division.get(code)
    return code[:-1] if level else None


class IndustryCodebook:
    """A set of GB/T 4754-2017 industries with their hierarchy."""

    def __init__(self, items: Iterable[Industry]) -> None:
        self._items = {i.code: i for i in items}

    @classmethod
    @cache
    def builtin(cls) -> IndustryCodebook:
        """The shipped 门类 and 大类 (20 + 97)."""
        text = resources.files("jiqun.codes").joinpath(
            "data/gbt4754_2017_sections_divisions.csv").read_text(encoding="utf-8")
        rows = csv.DictReader(io.StringIO(text))
        return cls(Industry(r["code"], int(r["level"]), r["parent"], r["name_zh"], r["name_en"])
                   for r in rows)

    @classmethod
    def from_file(cls, path: Path) -> IndustryCodebook:
        """Load a code table (CSV or XLSX: code, name, parent) and check it against the builtin."""
        rows, headers = _read_rows(path)
        columns = _find_columns(headers, path.name)
        return cls(_parse_rows(rows, columns, path.name))

    def merged_with(self, other: IndustryCodebook) -> IndustryCodebook:
        return IndustryCodebook([*self._items.values(), *other._items.values()])

    def get(self, code: str) -> Industry | None:
        return self._items.get(code)

    def __contains__(self, code: object) -> bool:
        return code in self._items

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._items.values())

    def at_level(self, level: int) -> list[Industry]:
        return sorted((i for i in self._items.values() if i.level == level), key=lambda i: i.code)

    def children(self, code: str) -> list[Industry]:
        return sorted((i for i in self._items.values() if i.parent == code), key=lambda i: i.code)

    def ancestors(self, code: str) -> list[Industry]:
        out, item = [], self.get(code)
        while item and item.parent:
            item = self.get(item.parent)
            if item:
                out.append(item)
        return out

    def division_of(self, code: str) -> Industry | None:
        return self.get(code[:2]) if code[:2].isdigit() else None

    def section_of(self, code: str) -> Industry | None:
        if code_level(code) == 1:
            return self.get(code)
        division = self.division_of(code)
        return self.get(division.parent) if division else None

    def check(self, text: str) -> IndustryCheck:
        """Check an industry code against this book; see :func:`check_industry`."""
        code = _normalise(text)
        if code[:1].isalpha() and len(code) > 1:
            return self._check_lettered(code)
        level = code_level(code)
        if level is None:
            return IndustryCheck("malformed", code, f"“{code}”不是行业代码（门类字母或 2–4 位数字）")
        if code in self._items:
            return IndustryCheck("known", code, self._items[code].name_zh)
        division = self.division_of(code)
        if level > 2 and division is not None:
            return IndustryCheck("provisional", code, f"属于大类 {division.code} {division.name_zh}，"
                                 f"该{LEVEL_NAMES[level]}未载入")
        return IndustryCheck("unknown", code, f"代码 {code} 不在 GB/T 4754-2017 中")

    def _check_lettered(self, code: str) -> IndustryCheck:
        letter, digits = code[0], code[1:]
        if not digits.isdigit():
            return IndustryCheck("malformed", code, f"“{code}”不是行业代码（门类字母后应为 2–4 位数字）")
        result = self.check(digits)
        section = self.section_of(digits)
        if result.status in {"known", "provisional"} and section and section.code != letter:
            return IndustryCheck("malformed", code,
                                 f"门类字母 {letter} 与代码 {digits} 所属门类 {section.code} 不符")
        return result


def _normalise(text: str) -> str:
    return "".join(str(text).translate(_FULLWIDTH).upper().split())


def provisional_industry(book: IndustryCodebook, code: str) -> Industry:
    """A placeholder for a code whose 大类 is known but which the book does not hold."""
    level = code_level(code) or 4
    parent = code[:-1] if level > 2 else (expected_parent(code, _sections(book)) or "")
    while level > 3 and parent not in book and len(parent) > 2:
        parent = parent[:-1]
    return Industry(code, level, parent, f"（未载入的{LEVEL_NAMES[level]} {code}）")


def _sections(book: IndustryCodebook) -> dict[str, str]:
    return {i.code: i.parent for i in book.at_level(2)}


@cache
def _builtin_check(text: str) -> IndustryCheck:
    return IndustryCodebook.builtin().check(text)


def check_industry(text: str, book: IndustryCodebook | None = None) -> IndustryCheck:
    """Check an industry code: known, provisional (大类 known, code not loaded), unknown, malformed.

    Full-width digits and spaces are normalised; a leading section letter (``C3051``) is
    accepted when it matches the code's section.
    """
    return book.check(text) if book is not None else _builtin_check(text)


# --- reading a code table ------------------------------------------------------------------


def _read_rows(path: Path) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    from jiqun.ingest.readers import read_file

    sheet = read_file(path)[0]
    if not sheet.rows:
        raise InputError.single("代码表为空", file=path.name)
    headers = [(c or "").strip() for c in sheet.rows[0]]
    rows = [(i + 2, {h: (r[j] if j < len(r) else None) or "" for j, h in enumerate(headers)})
            for i, r in enumerate(sheet.rows[1:]) if any(c for c in r)]
    return rows, headers


def _find_columns(headers: list[str], name: str) -> dict[str, str]:
    lowered = {h.lower(): h for h in headers}
    found = {}
    for key, aliases in (("code", CODE_ALIASES), ("name", NAME_ALIASES), ("parent", PARENT_ALIASES)):
        match = next((lowered[a.lower()] for a in aliases if a.lower() in lowered), None)
        if match is None and key != "parent":
            raise InputError.single(f"代码表缺少“{aliases[1]}”列", file=name, row=1, column=aliases[1],
                                    expected="列：代码（code）、名称（name）、上级代码（parent）")
        found[key] = match or ""
    return found


def _parse_rows(rows: list[tuple[int, dict[str, str]]], cols: dict[str, str],
                name: str) -> list[Industry]:
    builtin = IndustryCodebook.builtin()
    sections = _sections(builtin)
    items: dict[str, Industry] = {}
    row_of: dict[str, int] = {}
    problems: list[Problem] = []
    for row_number, row in rows:
        item, problem = _parse_row(row_number, row, cols, name, sections, items)
        if problem:
            problems.append(problem)
        elif item:
            items[item.code] = item
            row_of.setdefault(item.code, row_number)
    known = set(items) | {i.code for i in builtin}
    problems += [Problem("上级代码不存在", file=name, row=row_of[i.code],
                         column=cols["parent"] or cols["code"], value=i.parent,
                         expected="表中或内置表中已有的上级代码")
                 for i in items.values() if i.parent and i.parent not in known]
    if problems:
        raise InputError(f"{name}：行业代码表有 {len(problems)} 处问题", problems)
    return [_with_builtin_english(i, builtin) for i in items.values()]


def _parse_row(
    row_number: int, row: dict[str, str], cols: dict[str, str], name: str,
    sections: dict[str, str], items: dict[str, Industry],
) -> tuple[Industry | None, Problem | None]:
    code = _normalise(_strip_float(row[cols["code"]]))
    label = row[cols["name"]].strip()
    where = {"file": name, "row": row_number}
    level = code_level(code)
    if level is None:
        return None, Problem("不是行业代码", column=cols["code"], value=code,
                             expected="门类字母 A–T 或 2–4 位数字（保留前导 0）", **where)
    if not label:
        return None, Problem("名称为空", column=cols["name"], value=code, expected="行业名称", **where)
    if level == 2 and code not in sections:
        return None, Problem("不是 GB/T 4754-2017 的大类", column=cols["code"], value=code,
                             expected="01–97 中标准规定的大类", **where)
    parent = _normalise(_strip_float(row.get(cols["parent"], ""))) if cols["parent"] else ""
    wanted = expected_parent(code, sections)
    if cols["parent"] and level > 1 and parent != wanted and wanted is not None:
        return None, Problem("上级代码与代码不一致", column=cols["parent"], value=parent,
                             expected=f"{wanted}", **where)
    previous = items.get(code)
    if previous and previous.name_zh != label:
        return None, Problem(f"代码重复且名称不同（另一行为“{previous.name_zh}”）", column=cols["code"],
                             value=code, expected="每个代码只出现一次", **where)
    return Industry(code, level, wanted or parent, label), None


def _strip_float(text: str) -> str:
    return text[:-2] if text.endswith(".0") else text


def _with_builtin_english(item: Industry, builtin: IndustryCodebook) -> Industry:
    known = builtin.get(item.code)
    return replace(item, name_en=known.name_en) if known and known.name_en else item
