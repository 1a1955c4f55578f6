"""The seeds' problems detected from a cluster profile, and the seeds' measures that answer them.

Rules and measures live in ``problems.yaml`` (documented data). A problem is *found* when all
its conditions hold, *absent* when one fails, and *not judged* when a condition's metric is
unknown; each found problem quotes its evidence numbers. A measure is proposed only when one of
the problems it answers is found, with a measurable target and the current value.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from jiqun.clusters.profile import Metric, Profile, config_hash

OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
}


@dataclass
class Finding:
    """One problem of the seeds and whether the data shows it."""

    key: str
    label: str
    seed: str
    status: str  # "found", "absent" or "not_judged"
    conditions: list[dict[str, Any]]
    evidence: dict[str, Metric] = field(default_factory=dict)


@dataclass
class Proposal:
    """A measure proposed because a problem it answers was found."""

    key: str
    label: str
    seed: str
    answers: list[str]
    target_metric: str
    target_op: str
    target_value: float
    current: float | None
    text: str


@dataclass
class ProblemReport:
    """Every problem's status and the measures proposed for the found ones."""

    findings: list[Finding]
    measures: list[Proposal]
    config_hash: str

    @property
    def found(self) -> list[Finding]:
        return [f for f in self.findings if f.status == "found"]


@cache
def problem_defaults() -> dict[str, Any]:
    """The shipped rules and measures (``problems.yaml``)."""
    text = resources.files("jiqun.clusters").joinpath("problems.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def diagnose_problems(profile: Profile, config: Mapping[str, Any] | None = None) -> ProblemReport:
    """Find the problems in ``profile`` and propose the measures that answer them."""
    cfg = dict(config or problem_defaults())
    findings = [_judge(rule, profile) for rule in cfg["problems"]]
    found = {f.key for f in findings if f.status == "found"}
    measures = [_propose(m, profile) for m in cfg["measures"] if found & set(m["answers"])]
    return ProblemReport(findings, measures, config_hash(cfg))


def _judge(rule: Mapping[str, Any], profile: Profile) -> Finding:
    conditions = []
    for condition in rule["when"]:
        value = profile.value(condition["metric"])
        holds = None if value is None else OPS[condition["op"]](value, float(condition["value"]))
        conditions.append({**condition, "actual": value, "holds": holds})
    if any(c["holds"] is False for c in conditions):
        status = "absent"
    elif any(c["holds"] is None for c in conditions):
        status = "not_judged"
    else:
        status = "found"
    evidence = {k: profile.metrics[k] for k in rule.get("evidence", []) if k in profile.metrics}
    return Finding(rule["key"], rule["label"], rule["seed"], status, conditions, evidence)


def _propose(measure: Mapping[str, Any], profile: Profile) -> Proposal:
    target = measure["target"]
    return Proposal(
        key=measure["key"],
        label=measure["label"],
        seed=measure["seed"],
        answers=list(measure["answers"]),
        target_metric=target["metric"],
        target_op=target["op"],
        target_value=float(target["value"]),
        current=profile.value(target["metric"]),
        text=measure["text"],
    )
