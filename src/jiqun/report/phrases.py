"""The report's fixed wording, from ``phrases.yaml`` (Chinese and English)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def phrases() -> dict[str, dict[str, str]]:
    """Every phrase by key, each with ``zh`` and ``en``."""
    text = resources.files("jiqun.report").joinpath("phrases.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return {str(k): {lang: str(v) for lang, v in value.items()} for k, value in data.items()}


def phrase(key: str, lang: str = "zh") -> str:
    """The phrase ``key`` in ``lang`` (a missing key is a programming error: KeyError)."""
    return phrases()[key][lang]
