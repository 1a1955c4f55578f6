"""The MIIT 中小企业特色产业集群 criteria, checked one by one with their values.

Thresholds live in ``criteria.yaml`` (documented data). A criterion whose data is missing is
reported as not judged, never as passed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import polars as pl
import yaml

from jiqun.clusters.problems import OPS
from jiqun.clusters.profile import config_hash

MU_PER_KM2 = 1500.0
SME = ("small", "medium", "micro")


@dataclass(frozen=True)
class CriterionResult:
    """One criterion: the value measured, the threshold and whether it passes (None: not judged)."""

    key: str
    label: str
    value: float | None
    op: str
    threshold: float
    unit: str
    passed: bool | None


@cache
def criteria_defaults() -> dict[str, Any]:
    """The shipped criteria (``criteria.yaml``)."""
    text = resources.files("jiqun.clusters").joinpath("criteria.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def check_criteria(
    tables: Mapping[str, pl.DataFrame],
    region: str,
    industries: Sequence[str],
    year: int,
    config: Mapping[str, Any] | None = None,
) -> tuple[list[CriterionResult], str]:
    """Each criterion for the cluster of ``industries`` in ``region``; and the configuration hash."""
    cfg = dict(config or criteria_defaults())
    values = cluster_criteria_values(tables, region, industries, year)
    results = []
    for c in cfg["criteria"]:
        value = values.get(c["metric"])
        passed = None if value is None else OPS[c["op"]](value, float(c["value"]))
        results.append(
            CriterionResult(c["key"], c["label"], value, c["op"], float(c["value"]), c["unit"], passed)
        )
    return results, config_hash(cfg)


def cluster_criteria_values(
    tables: Mapping[str, pl.DataFrame], region: str, industries: Sequence[str], year: int
) -> dict[str, float | None]:
    """The four measured values of :data:`criteria.yaml`'s metrics."""
    county = tables["enterprises"].filter(pl.col("region") == region)
    members = county.filter(pl.col("industry").is_in(list(industries)))
    output = tables["enterprise_years"].with_columns(
        pl.coalesce("industrial_output", "revenue").alias("output")
    )
    member_output = output.join(members.select("uscc", "size_class"), on="uscc")
    by_year = (
        member_output.filter(pl.col("year").is_between(year - 2, year))
        .group_by("year")
        .agg(pl.col("output").sum())
    )
    now = member_output.filter(pl.col("year") == year)
    sized = now.filter(pl.col("size_class").is_not_null() & (pl.col("size_class") != ""))
    county_now = output.filter(pl.col("year") == year).join(county.select("uscc"), on="uscc")
    return {
        "area_km2": _park_area(tables["parks"], members, region),
        "min_output_3_years": float(by_year["output"].min()) if by_year.height == 3 else None,
        "sme_output_share": _share(
            sized.filter(pl.col("size_class").is_in(SME))["output"].sum(), sized["output"].sum()
        )
        if sized.height
        else None,
        "main_industry_share": _share(now["output"].sum(), county_now["output"].sum())
        if now.height
        else None,
    }


def _share(part: float, whole: float) -> float | None:
    return float(part) / float(whole) if whole else None


def _park_area(parks: pl.DataFrame, members: pl.DataFrame, region: str) -> float | None:
    hosting = set(members["park"].drop_nulls())
    area = parks.filter((pl.col("region") == region) & pl.col("name").is_in(list(hosting)))["planned_area_mu"]
    return float(area.sum()) / MU_PER_KM2 if area.drop_nulls().len() else None
