"""One typed diagnosis of a county: its clusters, each with profile, stage, problems and measures.

``diagnose(tables, region, year)`` identifies the county's clusters and, for each (or the one
named), measures its profile, assesses stage and radiation, finds the seeds' problems, proposes
the seeds' measures and checks the MIIT criteria. Every part carries the hash of the configuration
that produced it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import polars as pl

from jiqun.clusters.criteria import CriterionResult, check_criteria
from jiqun.clusters.identify import Cluster, Identification, identify_clusters
from jiqun.clusters.problems import ProblemReport, diagnose_problems
from jiqun.clusters.profile import Profile, cluster_profile
from jiqun.clusters.stage import Ladder, assess
from jiqun.errors import InputError


@dataclass
class ClusterDiagnosis:
    """Everything the platform says about one cluster."""

    cluster: Cluster
    profile: Profile
    stage: Ladder
    radiation: Ladder
    problems: ProblemReport
    criteria: list[CriterionResult]
    criteria_hash: str


@dataclass
class Diagnosis:
    """The diagnosis of a county in a year."""

    region: str
    year: int
    identification: Identification
    clusters: list[ClusterDiagnosis] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON (profile metrics keep value, unit and label)."""
        return asdict(self)


def latest_year(tables: Mapping[str, pl.DataFrame]) -> int:
    """The last year with enterprise data."""
    years = tables["enterprise_years"]["year"]
    if years.is_empty():
        raise InputError.single("没有企业年度数据，无法诊断", column="year", expected="先导入企业年度数据")
    return int(years.max())  # type: ignore[arg-type]


def diagnose(
    tables: Mapping[str, pl.DataFrame],
    region: str,
    year: int | None = None,
    *,
    cluster: str | None = None,
    industry_names: Mapping[str, str] | None = None,
    rng: np.random.Generator | None = None,
    identification: Identification | None = None,
) -> Diagnosis:
    """Diagnose county ``region``: all its clusters, or the one whose name or industry is ``cluster``."""
    year = year or latest_year(tables)
    found = identification or identify_clusters(tables, region, year, industry_names=industry_names, rng=rng)
    chosen = [c for c in found.clusters if cluster is None or cluster == c.name or cluster in c.industries]
    if cluster is not None and not chosen:
        names = "、".join(c.name for c in found.clusters) or "（未识别出集群）"
        raise InputError.single("该县没有这个集群", column="--cluster", value=cluster, expected=names)
    return Diagnosis(region, year, found, [_one(tables, region, year, c) for c in chosen])


def _one(tables: Mapping[str, pl.DataFrame], region: str, year: int, cluster: Cluster) -> ClusterDiagnosis:
    profile = cluster_profile(tables, region, cluster.industries, year)
    _chain_metrics(profile, tables, region, year, cluster)
    ladders = assess(profile, cluster.lq)
    criteria, criteria_hash = check_criteria(tables, region, cluster.industries, year)
    return ClusterDiagnosis(
        cluster,
        profile,
        ladders["stage"],
        ladders["radiation"],
        diagnose_problems(profile),
        criteria,
        criteria_hash,
    )


def _chain_metrics(
    profile: Profile, tables: Mapping[str, pl.DataFrame], region: str, year: int, cluster: Cluster
) -> None:
    """Coverage and gaps of the cluster's chain, when a chain template fits its industries."""
    if cluster.chain is None:
        return
    from jiqun.chains.analysis import analyse_chain
    from jiqun.chains.templates import load_templates

    chain = analyse_chain(tables, region, load_templates()[cluster.chain], year)
    profile.set(
        "chain_coverage",
        chain.coverage,
        "比例",
        f"{chain.template_name}产业链环节覆盖率（本县有企业的环节占比）",
    )
    profile.set("chain_missing_links", len(chain.by_status("missing")), "个", "缺链环节数")
    profile.set(
        "chain_weak_links",
        len(chain.by_status("weak")) + len(chain.by_status("broken")),
        "个",
        "弱链、断链环节数",
    )
