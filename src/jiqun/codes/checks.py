"""One entry point to check a code of any kind, for the CLI and the API."""

from __future__ import annotations

from jiqun.codes.industries import IndustryCodebook, check_industry
from jiqun.codes.regions import RegionCodebook, check_region, resolve_region
from jiqun.codes.uscc import check_uscc, uscc_region
from jiqun.errors import InputError


def check_code(what: str, text: str, industries: IndustryCodebook | None = None) -> dict[str, object]:
    """Check ``text`` as a ``uscc``, ``region`` or ``industry`` code; a JSON-ready verdict.

    ``industries`` is the codebook for industry codes (default: the shipped 门类 and 大类).
    """
    if what == "industry":
        return {"input": text, **_industry(text, industries)}
    if what not in {"uscc", "region"}:
        raise InputError.single("不认识的代码类别", column="what", value=what,
                                expected="uscc、region 或 industry")
    checker = _uscc if what == "uscc" else _region
    return {"input": text, **checker(text)}


def _uscc(text: str) -> dict[str, object]:
    result = check_uscc(text)
    if not result.valid:
        return {"ok": False, "code": result.code, "message": f"无效：{result.error}"}
    region = RegionCodebook.default().get(resolve_region(uscc_region(result.code))[0])
    where = f"登记机关所在地 {region.code} {region.name}" if region else "登记机关区划代码不在代码表中"
    warning = f"；提醒：{result.warning}" if result.warning else ""
    return {"ok": True, "code": result.code, "message": f"有效，{where}{warning}"}


def _region(text: str) -> dict[str, object]:
    result = check_region(text)
    if result.status != "known":
        return {"ok": False, "code": result.code, "message": f"无效：{result.message}"}
    path = RegionCodebook.default().name_path(result.code)
    note = f"（{result.warning}）" if result.warning else ""
    return {"ok": True, "code": result.code, "message": path + note}


def _industry(text: str, book: IndustryCodebook | None) -> dict[str, object]:
    result = check_industry(text, book)
    ok = result.status in {"known", "provisional"}
    return {"ok": ok, "code": result.code, "status": result.status, "message": result.message}
