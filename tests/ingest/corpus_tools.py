"""Generators of valid import files for tests and benchmarks (deterministic for a seed)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from jiqun.codes.uscc import ALPHABET, org_code_check_char, uscc_check_char

COUNTIES = ["321023", "430582", "410882", "420607", "320582", "330782"]
INDUSTRIES = ["3059", "3054", "4119", "2612", "3062", "3252", "3670", "1331", "1713", "3525"]
ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def make_uscc(rng: np.random.Generator, region: str) -> str:
    """A valid unified social credit code registered in ``region``."""
    body = "".join(rng.choice(list(ORG_ALPHABET), size=8))
    first17 = "91" + region + body + org_code_check_char(body)
    assert all(c in ALPHABET for c in first17)
    return first17 + uscc_check_char(first17)


def make_usccs(rng: np.random.Generator, n: int) -> list[tuple[str, str]]:
    """``n`` distinct (uscc, county) pairs."""
    seen: dict[str, str] = {}
    while len(seen) < n:
        county = COUNTIES[int(rng.integers(len(COUNTIES)))]
        seen.setdefault(make_uscc(rng, county), county)
    return list(seen.items())


def make_enterprises_and_facts(folder: Path, n_firms: int, years: tuple[int, ...],
                               seed: int) -> list[Path]:
    """Write ``企业.csv`` and ``年度.csv`` with ``n_firms`` firms and one row per firm-year."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    firms = make_usccs(rng, n_firms)
    ents = folder / "企业.csv"
    with ents.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["统一社会信用代码", "企业名称", "区县代码", "行业代码", "成立日期"])
        for i, (code, county) in enumerate(firms):
            out.writerow([code, f"示例企业{seed}-{i}", county,
                          INDUSTRIES[i % len(INDUSTRIES)], f"{2000 + i % 20}-0{1 + i % 9}-1{i % 9}"])
    facts = folder / "年度.csv"
    write_facts(facts, rng, firms, years)
    return [ents, facts]


FACT_HEADER = ["统一社会信用代码", "年份", "营业收入(万元)", "工业总产值(万元)", "从业人员",
               "出口额(万美元)", "研发费用(万元)", "发明专利", "实用新型专利", "新产品数", "税收(万元)",
               "资产总计(万元)", "负债合计(万元)", "综合能源消费量(吨标准煤)", "用地面积(亩)"]


def write_facts(path: Path, rng: np.random.Generator, firms: list[tuple[str, str]],
                years: tuple[int, ...]) -> None:
    """One row per firm and year with plausible lognormal figures (money in 万元)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(FACT_HEADER)
        revenue = np.round(rng.lognormal(6.0, 1.4, size=len(firms)), 1)
        for year in years:
            for (code, _), rev in zip(firms, revenue, strict=True):
                out.writerow([code, year, rev, round(rev * 1.05, 1), int(rev / 50) + 3,
                              round(rev / 20, 2), round(rev * 0.02, 2), int(rev) % 4, int(rev) % 9,
                              int(rev) % 13, round(rev * 0.04, 2), round(rev * 1.4, 1),
                              round(rev * 0.6, 1), round(rev * 0.1, 2), int(rev) % 200 + 5])
