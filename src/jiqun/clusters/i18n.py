"""The diagnosis in English: labels, units and numbers for reports written in English.

The diagnosis labels everything in Chinese; ``english.yaml`` (documented data) gives each label in
English by kind and key. :func:`label` returns the Chinese label for ``lang="zh"`` and the English
one for ``lang="en"``; a key without an English label falls back to the Chinese with a logged
warning, so a report is never lost to a missing translation. :func:`number` writes a value in its
unit as :func:`jiqun.clusters.text.number` does, or in English.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from importlib import resources
from typing import Any

import yaml

from jiqun.clusters.text import number as number_zh
from jiqun.money import format_money

log = logging.getLogger(__name__)

LANGS = ("zh", "en")
"""The languages of the diagnosis."""

KINDS = (
    "metrics",
    "problems",
    "measures",
    "measure_targets",
    "levels",
    "indicators",
    "criteria",
    "provider_kinds",
    "units",
    "units_one",
    "tiers",
    "tables",
)
"""What :func:`english` can look up; ``measure_targets`` is the ``target`` of ``measures``."""

COUNT_UNITS = ("家", "人", "件", "种", "个", "类")
"""Units of a count, written as whole numbers."""

NO_DATA = {"zh": "（无数据）", "en": "(no data)"}

_PLACEHOLDER = re.compile(r"\{(\d+)\}")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_warned: set[tuple[str, str]] = set()


@cache
def english_labels() -> dict[str, dict[str, Any]]:
    """The shipped English wording (``english.yaml``), by section and key.

    Returns
    -------
    dict
        Section name (``metrics``, ``problems``, …) to a mapping of key to English text (for
        ``measures``: key to a mapping with ``label`` and ``target``).
    """
    text = resources.files("jiqun.clusters").joinpath("english.yaml").read_text(encoding="utf-8")
    data: dict[str, dict[str, Any]] = yaml.safe_load(text)
    return data


def english(kind: str, key: str) -> str | None:
    """The English text of ``key`` among ``kind``, as written in ``english.yaml``.

    Parameters
    ----------
    kind : str
        One of :data:`KINDS`: ``metrics``, ``problems``, ``measures`` (the measure's label),
        ``measure_targets`` (the measure's target in words), ``levels``, ``indicators`` (by metric
        key), ``criteria``, ``provider_kinds``, ``units``, ``units_one``, ``tiers`` or ``tables``.
    key : str
        The machine key (a metric, problem, level … key, or a Chinese unit such as ``家``).

    Returns
    -------
    str or None
        The English text, placeholders such as ``{0}`` left as they are (see :func:`label`); an
        empty string for a unit whose number stands alone; None when there is none (also for a
        kind that is not one of :data:`KINDS`).
    """
    data = english_labels()
    if kind in ("measures", "measure_targets"):
        measure = data["measures"].get(key)
        found = None if measure is None else measure.get("label" if kind == "measures" else "target")
    else:
        found = data.get(kind, {}).get(key) if kind in KINDS else None
    return None if found is None else str(found)


def label(kind: str, key: str, zh: str, lang: str = "zh") -> str:
    """The label of ``key`` in ``lang``: ``zh`` itself in Chinese, its English in English.

    In English, the placeholders ``{0}``, ``{1}`` … of the English text are filled with the numbers
    of ``zh`` in order (``前 4 家企业营业收入占比（CR4）`` → ``… the 4 largest firms (CR4)``), so a
    label that depends on the configuration follows it. Without an English text, or with fewer
    numbers in ``zh`` than the placeholders need, the Chinese label is returned and a warning
    logged once per key.

    Parameters
    ----------
    kind : str
        The kind of label (see :func:`english`).
    key : str
        The machine key.
    zh : str
        The Chinese label, as the diagnosis gives it.
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    str
        The label to print.

    Raises
    ------
    ValueError
        For a language other than ``zh`` and ``en``.
    """
    _check(lang)
    if lang == "zh":
        return zh
    found = english(kind, key)
    if found is None:
        _warn(kind, key, "no English label")
        return zh
    if not _PLACEHOLDER.search(found):
        return found
    numbers = _NUMBER.findall(zh)
    try:
        return _PLACEHOLDER.sub(lambda m: numbers[int(m.group(1))], found)
    except IndexError:
        _warn(kind, key, f"the Chinese label {zh!r} lacks the numbers of {found!r}")
        return zh


def unit(unit_zh: str, lang: str = "zh") -> str:
    """A unit in ``lang``: ``家`` → ``firms``, ``比例`` → ``share``, ``元/亩`` → ``CNY per mu``.

    Parameters
    ----------
    unit_zh : str
        The unit as the diagnosis gives it (Chinese).
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    str
        The unit word (empty for a unit whose number stands alone, such as ``个`` or ``倍`` in
        English); an unknown unit stays Chinese, with a logged warning.
    """
    if not unit_zh:
        return ""
    return label("units", unit_zh, unit_zh, lang)


def number(value: float | None, unit_zh: str, lang: str = "zh") -> str:
    """A value in its unit, as a report writes it.

    Chinese is :func:`jiqun.clusters.text.number`. English writes money with
    :func:`jiqun.money.format_money` (``CNY 1.23 million``; per mu: ``CNY 4.50 million per mu``),
    shares as percentages (``12.3%``, ``4.0% a year``), counts as whole numbers with the English
    unit (``212 firms``, ``1 firm``, ``3`` for ``个``), other values with two decimals and the unit
    (``0.52 per firm``, ``12.50 days``), and a missing value as ``(no data)``.

    Parameters
    ----------
    value : float or None
        The value (yuan for money, a fraction for a share); None when unknown.
    unit_zh : str
        Its unit as the diagnosis gives it (``元``, ``比例``, ``家`` …).
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    str
        The number in words.
    """
    _check(lang)
    if lang == "zh":
        return number_zh(value, unit_zh)
    if value is None:
        return NO_DATA["en"]
    if unit_zh == "元":
        return format_money(value, lang="en")
    if unit_zh.startswith("元/"):
        per = unit(unit_zh, "en").removeprefix("CNY").strip()
        return f"{format_money(value, lang='en')} {per}".rstrip()
    if unit_zh in ("比例", "比例/年"):
        return f"{value:.1%}" + (" a year" if unit_zh == "比例/年" else "")
    if unit_zh in COUNT_UNITS:
        one = round(value) == 1 and english("units_one", unit_zh) is not None
        word = english("units_one", unit_zh) if one else unit(unit_zh, "en")
        return f"{value:,.0f} {word}".rstrip()
    return f"{value:,.2f} {unit(unit_zh, 'en')}".rstrip()


def _check(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")


def _warn(kind: str, key: str, why: str) -> None:
    if (kind, key) not in _warned:
        _warned.add((kind, key))
        log.warning("%s %r: %s; the Chinese label is used", kind, key, why)
