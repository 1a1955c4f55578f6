"""Development stage (集中 → 集聚 → 集群) and radiation level (辐射接受 → 向内 → 向外) of a cluster.

An index system shipped as documented data (``stage.yaml``): each level of a ladder has weighted
indicators with thresholds; an indicator scores ``min(value/threshold, 1)`` (or the inverse for
"lower is better"), a level scores the weighted mean of its known indicators, and a level is
reached when its score is at least ``pass_score`` and every level below it is reached. Missing
data does not fail: it lowers the level's confidence (the share of its weight that is known), and
a level judged on too little data is not reached. Every result lists each indicator with its
value, threshold and score, marks the ones that decided, and carries the configuration's hash.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from jiqun.clusters.profile import Profile, config_hash


@dataclass(frozen=True)
class Scored:
    """One indicator of a level, with its value, threshold and score (None when unknown)."""

    metric: str
    label: str
    unit: str
    value: float | None
    threshold: float
    direction: str
    weight: float
    score: float | None
    seed: str
    decided: bool = False

    @property
    def met(self) -> bool | None:
        """Whether the threshold is met (None when the value is unknown)."""
        return None if self.score is None else self.score >= 1.0


@dataclass
class LevelResult:
    """One level of a ladder: its score, confidence and indicators."""

    key: str
    label: str
    score: float | None
    confidence: float
    reached: bool
    indicators: list[Scored] = field(default_factory=list)


@dataclass
class Ladder:
    """A ladder (stage or radiation): the level reached (None below the first) and every level."""

    name: str
    reached: str | None
    reached_label: str | None
    levels: list[LevelResult]
    config_hash: str

    @property
    def blockers(self) -> list[Scored]:
        """The unmet indicators of the first level not reached: what holds the cluster back."""
        return [s for level in self.levels if not level.reached for s in level.indicators if s.decided][:10]


@cache
def stage_defaults() -> dict[str, Any]:
    """The shipped index system (``stage.yaml``)."""
    text = resources.files("jiqun.clusters").joinpath("stage.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def assess(profile: Profile, lq: float | None, config: Mapping[str, Any] | None = None) -> dict[str, Ladder]:
    """Stage and radiation of the cluster measured by ``profile`` (``lq`` is the cluster's LQ)."""
    cfg = dict(config or stage_defaults())
    values = {key: metric.value for key, metric in profile.metrics.items()} | {"lq": lq}
    digest = config_hash(cfg)
    return {name: _ladder(name, cfg[name], values, cfg, digest) for name in ("stage", "radiation")}


def _score(value: float | None, threshold: float, direction: str) -> float | None:
    if value is None:
        return None
    if direction == "lower":
        return 1.0 if value <= threshold else threshold / value
    return min(value / threshold, 1.0) if threshold > 0 else 1.0


def _level(
    item: Mapping[str, Any], values: Mapping[str, float | None], cfg: Mapping[str, Any]
) -> LevelResult:
    scored = [
        Scored(
            metric=i["metric"],
            label=i["label"],
            unit=i["unit"],
            value=values.get(i["metric"]),
            threshold=float(i["threshold"]),
            direction=i["direction"],
            weight=float(i["weight"]),
            score=_score(values.get(i["metric"]), float(i["threshold"]), i["direction"]),
            seed=i["seed"],
        )
        for i in item["indicators"]
    ]
    known = [s for s in scored if s.score is not None]
    total = sum(s.weight for s in scored)
    known_weight = sum(s.weight for s in known)
    score = sum(s.weight * s.score for s in known) / known_weight if known_weight else None  # type: ignore[operator]
    confidence = known_weight / total if total else 0.0
    reached = score is not None and score >= cfg["pass_score"] and confidence >= cfg["min_confidence"]
    return LevelResult(item["key"], item["label"], score, confidence, reached, scored)


def _ladder(
    name: str,
    items: list[Mapping[str, Any]],
    values: Mapping[str, float | None],
    cfg: Mapping[str, Any],
    digest: str,
) -> Ladder:
    levels = [_level(item, values, cfg) for item in items]
    reached = None
    for k, level in enumerate(levels):
        level.reached = level.reached and (k == 0 or levels[k - 1].reached)
        if level.reached:
            reached = level
    _mark_decisive(levels)
    return Ladder(name, reached.key if reached else None, reached.label if reached else None, levels, digest)


def _mark_decisive(levels: list[LevelResult]) -> None:
    """The met indicators of the highest level reached and the unmet ones of the next level decided."""
    top = max((k for k, level in enumerate(levels) if level.reached), default=-1)
    for k, level in enumerate(levels):
        if k == top:
            level.indicators = [_decided(s, s.met is True) for s in level.indicators]
        elif k == top + 1:
            level.indicators = [_decided(s, s.met is not True) for s in level.indicators]


def _decided(scored: Scored, decided: bool) -> Scored:
    return Scored(**{**scored.__dict__, "decided": decided})
