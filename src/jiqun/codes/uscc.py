"""Unified social credit code (统一社会信用代码), GB 32100-2015.

An 18-character code: registration authority (1), organisation type (1), the 6-digit division
code of the registering authority (GB/T 2260), the 9-character organisation code (GB 11714,
with its own check character) and a final check character over the first 17.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from operator import mul
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_VALUE = {c: (int(c) if c.isdigit() else ord(c) - 55) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
_CLEAN = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
# GB 32100-2015 table 1: registration authority → organisation types it issues.
AUTHORITY_TYPES = {"1": "1239", "5": "1239", "9": "123", "Y": "1", "2": "19", "3": "123459",
                   "4": "19", "6": "129", "7": "129", "8": "19", "A": "19", "N": "1239"}


@dataclass(frozen=True)
class UsccCheck:
    """The verdict on one code: ``valid`` is False only for errors; warnings are advisory."""

    code: str
    valid: bool
    error: str | None = None
    warning: str | None = None


def normalize_uscc(text: str) -> str:
    """Strip, convert full-width to half-width, upper-case, drop inner spaces and hyphens."""
    return "".join(text.translate(_FULLWIDTH).upper().replace("-", "").split())


def uscc_check_char(first17: str) -> str:
    """The 18th character: ``31 − (Σ value_i · 3^(i−1) mod 31) mod 31``, over ALPHABET."""
    if len(first17) != 17:
        raise ValueError(f"need 17 characters, got {len(first17)}")
    total = sum(map(mul, map(_VALUE.__getitem__, first17), _WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(body8: str) -> str:
    """GB 11714 check character: ``11 − (Σ v_i · w_i mod 11)``; 10 → 'X', 11 → '0'."""
    if len(body8) != 8:
        raise ValueError(f"need 8 characters, got {len(body8)}")
    total = sum(map(mul, map(_ORG_VALUE.__getitem__, body8), _ORG_WEIGHTS))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def uscc_region(code: str) -> str:
    """The 6-digit division code of the registering authority (positions 3–8)."""
    return normalize_uscc(code)[2:8]


def check_uscc(text: str) -> UsccCheck:
    """Check a unified social credit code; see :class:`UsccCheck`."""
    code = text if _CLEAN.fullmatch(text) else normalize_uscc(text)
    if len(code) != 18:
        return UsccCheck(code, False, f"长度为 {len(code)} 位，应为 18 位")
    bad = next(((i, c) for i, c in enumerate(code) if c not in _VALUE), None)
    if bad is not None:
        return UsccCheck(code, False, f"第 {bad[0] + 1} 位“{bad[1]}”不是允许的字符（不含 I、O、S、V、Z）")
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return UsccCheck(code, False, f"第 18 位校验码应为“{expected}”，实为“{code[17]}”")
    return UsccCheck(code, True, warning=_warning(code))


def _warning(code: str) -> str | None:
    notes: list[str] = []
    if org_code_check_char(code[8:16]) != code[16]:
        notes.append("其中的组织机构代码校验位不符（GB 11714），请核对")
    allowed = AUTHORITY_TYPES.get(code[0])
    if allowed is None or code[1] not in allowed:
        notes.append(f"登记管理部门码“{code[0]}”与机构类别码“{code[1]}”的组合不在 GB 32100 表中")
    return "；".join(notes) or None


def uscc_all_clear(codes: pl.Series) -> pl.Series:
    """The codes of ``codes`` that are written cleanly and pass every check with no warning.

    Vectorised (polars) twin of :func:`check_uscc` for large files: a code it returns would get
    ``UsccCheck(valid=True, warning=None)``; every other code goes through :func:`check_uscc`.
    """
    import polars as pl

    frame = pl.DataFrame({"c": codes}).filter(pl.col("c").str.contains(f"^{_CLEAN.pattern}$"))
    check = pl.sum_horizontal(_char_values(i, _VALUE) * w for i, w in enumerate(_WEIGHTS))
    org = pl.sum_horizontal(_char_values(8 + i, _ORG_VALUE) * w for i, w in enumerate(_ORG_WEIGHTS))
    pairs = [a + t for a, types in AUTHORITY_TYPES.items() for t in types]
    ok = (
        ((31 - check % 31) % 31 == _char_values(17, _VALUE))
        & ((11 - org % 11) == _char_values(16, _ORG_CHECK))
        & pl.col("c").str.slice(0, 2).is_in(pairs)
    )
    return frame.filter(ok)["c"].alias(codes.name)


_ORG_CHECK = {str(d): d for d in range(1, 10)} | {"X": 10, "0": 11}


def _char_values(position: int, table: dict[str, int]) -> object:
    import polars as pl

    return pl.col("c").str.slice(position, 1).replace_strict(table, default=-1, return_dtype=pl.Int64)
