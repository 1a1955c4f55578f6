"""Key projects (重点项目) and cluster targets: the pipeline, the output trajectory and the gap.

Three pure functions over the analysis tables of :mod:`jiqun.clusters.tables` (money in yuan):

* :func:`pipeline` — a county's key projects by stage (签约 → 开工 → 在建 → 投产 → 达产): counts,
  planned and completed investment, completion rate, expected new output, jobs and land, per
  cluster and in total;
* :func:`cluster_output` — the yearly output of a cluster's firms (工业总产值, with 营业收入 standing
  in where a firm-year lacks it, and the result saying so);
* :func:`track_target` — a cluster's target against its trajectory so far, the growth so far, a
  log-linear trend forecast to the target year plus the pipeline's expected new output weighted and
  timed by stage, the growth the target requires, the gap, and a plain statement of it.

Stage order and labels, realisation probabilities, timing and output measure are documented data
in ``projects.yaml``; every result carries the hash of the configuration that produced it. Missing
data (no output years, no target, projects without a stage) is said in the result, not raised.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

import polars as pl
import yaml

from jiqun.clusters.profile import config_hash
from jiqun.clusters.tables import conform
from jiqun.errors import ConfigError
from jiqun.money import format_money

Tables = Mapping[str, pl.DataFrame]
Lang = Literal["zh", "en"]
TOTAL = "total"
NO_STAGE = "no_stage"
MONEY_FIELDS = ("planned_investment", "completed_investment", "expected_output", "jobs", "land_mu")


# --- configuration --------------------------------------------------------------------------------


@cache
def _shipped() -> dict[str, Any]:
    text = resources.files("jiqun.chains").joinpath("projects.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def projects_defaults() -> dict[str, Any]:
    """The shipped configuration (``projects.yaml``), a fresh copy."""
    return copy.deepcopy(_shipped())


def projects_config(config: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The shipped configuration with ``config`` laid over it, checked.

    A mapping value is merged key by key (``{"realisation": {"signed": 0.3}}`` changes one
    probability); any other value replaces the shipped one.

    Raises
    ------
    ConfigError
        When a probability is outside [0, 1] or a stage has no probability or timing.
    """
    cfg = projects_defaults()
    for key, value in (config or {}).items():
        if isinstance(value, Mapping) and isinstance(cfg.get(key), dict):
            cfg[key] = {**cfg[key], **value}
        else:
            cfg[key] = copy.deepcopy(value)
    _check_config(cfg)
    return cfg


def _check_config(cfg: Mapping[str, Any]) -> None:
    keys = [s["key"] for s in cfg["stages"]]
    if cfg["start_stage"] not in keys:
        raise ConfigError(f"projects.yaml: start_stage {cfg['start_stage']!r} 不是已定义的阶段（{keys}）")
    for stage in _pending_stages(cfg):
        p = cfg["realisation"].get(stage)
        if not isinstance(p, int | float) or not 0 <= p <= 1:
            raise ConfigError(f"projects.yaml: realisation.{stage} 应为 0 到 1 之间的数，而不是 {p!r}")
        years = cfg["years_to_full"].get(stage)
        if not isinstance(years, int) or years < 1:
            raise ConfigError(f"projects.yaml: years_to_full.{stage} 应为不小于 1 的整数，而不是 {years!r}")


def _pending_stages(cfg: Mapping[str, Any]) -> list[str]:
    """Stages whose output is not yet in the firms' reported output."""
    return [s["key"] for s in cfg["stages"] if s["key"] not in cfg["in_output_stages"]]


# --- small shared helpers -------------------------------------------------------------------------


@dataclass(frozen=True)
class Note:
    """Something the reader should know about a result (missing data, a stand-in), in both languages."""

    key: str
    zh: str
    en: str

    def text(self, lang: Lang = "zh") -> str:
        return self.en if lang == "en" else self.zh


def _frames(tables: Tables, *names: str) -> list[pl.DataFrame]:
    """The named analysis tables, conformed (a missing table is empty)."""
    conformed = conform({n: tables[n] for n in names if n in tables})
    return [conformed[n] for n in names]


def _blank_to_null(*columns: str) -> list[pl.Expr]:
    return [pl.when(pl.col(c).str.strip_chars() == "").then(None).otherwise(pl.col(c)).alias(c)
            for c in columns]


def _projects(tables: Tables, region: str) -> pl.DataFrame:
    (projects,) = _frames(tables, "key_projects")
    return projects.filter(pl.col("region") == region).with_columns(_blank_to_null("cluster", "stage"))


def _in_industries(industries: Iterable[str]) -> pl.Expr:
    """Firms whose industry is one of ``industries`` or below it (``325`` takes in ``3252``)."""
    codes = sorted(set(industries))
    if not codes:
        return pl.lit(False)
    return pl.any_horizontal([pl.col("industry").str.starts_with(code) for code in codes])


def _sum(frame: pl.DataFrame, column: str) -> float | None:
    """Sum of the known values; 0 for no rows, None when rows exist but none reports the value."""
    if frame.is_empty():
        return 0.0
    known = frame[column].drop_nulls()
    return float(known.sum()) if known.len() else None


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else a / b


# --- 1. the pipeline -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StageFigures:
    """The projects of one stage (or all stages, ``stage == "total"``) of one cluster.

    Sums are over the projects that report the value; None when none of them does. The completion
    rate is Σ completed / Σ planned over the projects that report both.
    """

    stage: str
    label_zh: str
    label_en: str
    projects: int
    planned_investment: float | None
    completed_investment: float | None
    completion_rate: float | None
    expected_output: float | None
    jobs: float | None
    land_mu: float | None

    def label(self, lang: Lang = "zh") -> str:
        return self.label_en if lang == "en" else self.label_zh


@dataclass(frozen=True)
class ClusterPipeline:
    """One cluster's projects by stage (``cluster`` None: projects naming no cluster, or the total)."""

    cluster: str | None
    label_zh: str
    label_en: str
    stages: tuple[StageFigures, ...]
    total: StageFigures
    is_total: bool = False

    def stage(self, key: str) -> StageFigures:
        """The figures of stage ``key`` (``"total"`` for all stages)."""
        if key == TOTAL:
            return self.total
        return next(s for s in self.stages if s.stage == key)

    def label(self, lang: Lang = "zh") -> str:
        return self.label_en if lang == "en" else self.label_zh


@dataclass(frozen=True)
class Pipeline:
    """A county's key-project pipeline: per cluster and in total, each by stage in pipeline order."""

    region: str
    cluster: str | None
    clusters: tuple[ClusterPipeline, ...]
    total: ClusterPipeline
    missing: tuple[str, ...]
    config_hash: str

    def for_cluster(self, name: str | None) -> ClusterPipeline:
        """The pipeline of cluster ``name`` (None: projects naming no cluster)."""
        return next(c for c in self.clusters if c.cluster == name)

    def as_frame(self, lang: Lang = "zh") -> pl.DataFrame:
        """One row per (cluster, stage), the total cluster and total stage included."""
        rows = [
            {"cluster": c.label(lang), "stage": s.stage, "stage_label": s.label(lang),
             **{k: v for k, v in asdict(s).items() if k not in ("stage", "label_zh", "label_en")}}
            for c in (*self.clusters, self.total) for s in (*c.stages, c.total)
        ]
        return pl.DataFrame(rows, infer_schema_length=None)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def pipeline(tables: Tables, region: str, cluster: str | None = None, *,
             config: Mapping[str, Any] | None = None) -> Pipeline:
    """The key projects of county ``region`` by stage, per cluster and in total.

    Parameters
    ----------
    tables
        Analysis tables; ``key_projects`` is read.
    region
        6-digit county code.
    cluster
        Only this cluster's projects (None: every project of the county).
    config
        Overrides of ``projects.yaml`` (stage order and labels).

    Returns
    -------
    Pipeline
        For each cluster (named clusters sorted, then the projects naming none) and for the total:
        every configured stage in order — a stage without projects has zero counts and sums — then
        a "stage not given" row when some project's stage is blank or unknown, and the total.
    """
    cfg = projects_config(config)
    projects = _projects(tables, region)
    if cluster is not None:
        projects = projects.filter(pl.col("cluster") == cluster)
    names = sorted(projects["cluster"].drop_nulls().unique().to_list())
    if projects["cluster"].null_count():
        names.append(None)
    clusters = tuple(_cluster_pipeline(_of_cluster(projects, n), n, cfg) for n in names)
    missing = tuple(c for c in MONEY_FIELDS
                    if projects.height and projects[c].null_count() == projects.height)
    return Pipeline(region, cluster, clusters, _cluster_pipeline(projects, None, cfg, is_total=True),
                    missing, config_hash(cfg))


def _of_cluster(projects: pl.DataFrame, name: str | None) -> pl.DataFrame:
    return projects.filter(pl.col("cluster").is_null() if name is None else pl.col("cluster") == name)


def _cluster_pipeline(frame: pl.DataFrame, name: str | None, cfg: Mapping[str, Any],
                      is_total: bool = False) -> ClusterPipeline:
    labels = cfg["labels"]
    keys = [s["key"] for s in cfg["stages"]]
    rows = [_figures(frame.filter(pl.col("stage") == s["key"]), s["key"], s["zh"], s["en"])
            for s in cfg["stages"]]
    other = frame.filter(pl.col("stage").is_null() | ~pl.col("stage").is_in(keys))
    if other.height:
        rows.append(_figures(other, NO_STAGE, labels[NO_STAGE]["zh"], labels[NO_STAGE]["en"]))
    total = _figures(frame, TOTAL, labels[TOTAL]["zh"], labels[TOTAL]["en"])
    label = labels[TOTAL] if is_total else {"zh": name, "en": name} if name else labels["no_cluster"]
    return ClusterPipeline(name, label["zh"], label["en"], tuple(rows), total, is_total)


def _figures(frame: pl.DataFrame, stage: str, zh: str, en: str) -> StageFigures:
    both = frame.filter(pl.col("planned_investment").is_not_null()
                        & pl.col("completed_investment").is_not_null())
    return StageFigures(
        stage, zh, en, frame.height,
        planned_investment=_sum(frame, "planned_investment"),
        completed_investment=_sum(frame, "completed_investment"),
        completion_rate=_ratio(_sum(both, "completed_investment"), _sum(both, "planned_investment")),
        expected_output=_sum(frame, "expected_output"),
        jobs=_sum(frame, "jobs"),
        land_mu=_sum(frame, "land_mu"),
    )


# --- 2. the output trajectory of a cluster --------------------------------------------------------


@dataclass(frozen=True)
class OutputTrajectory(Mapping[int, float]):
    """A cluster's output by year, in yuan: a mapping ``{year: yuan}`` that says what it measured.

    ``measure`` (工业总产值 by default) is summed over the cluster's firms; for a firm-year without
    it, ``fallback`` (营业收入) stands in. ``fallback_share[year]`` is the share of the year's total
    that came from the stand-in, ``fallback_firms[year]`` how many firms it stood in for. A year in
    which no firm reports either is absent, not zero.
    """

    by_year: dict[int, float]
    measure: str
    fallback: str
    firms: dict[int, int] = field(default_factory=dict)
    fallback_firms: dict[int, int] = field(default_factory=dict)
    fallback_share: dict[int, float] = field(default_factory=dict)

    def __getitem__(self, year: int) -> float:
        return self.by_year[year]

    def __iter__(self) -> Iterator[int]:
        return iter(sorted(self.by_year))

    def __len__(self) -> int:
        return len(self.by_year)

    @property
    def years(self) -> list[int]:
        return sorted(self.by_year)

    @property
    def fallback_years(self) -> list[int]:
        """Years in which the stand-in was used for at least one firm."""
        return [y for y in self.years if self.fallback_firms.get(y)]

    def basis(self, year: int) -> str:
        """What the year's figure measures: ``measure``, ``fallback`` or ``"mixed"``."""
        stood_in = self.fallback_firms.get(year, 0)
        if not stood_in:
            return self.measure
        return self.fallback if stood_in == self.firms.get(year) else "mixed"


def cluster_output(tables: Tables, region: str, industries: Iterable[str], *,
                   config: Mapping[str, Any] | None = None) -> OutputTrajectory:
    """The yearly output of the firms of county ``region`` in ``industries``.

    .. math:: Q_t = \\sum_{i \\in C} \\big(\\text{output}_{i,t} \\text{ if known, else revenue}_{i,t}\\big)

    Parameters
    ----------
    tables
        Analysis tables; ``enterprises`` and ``enterprise_years`` are read.
    region
        6-digit county code.
    industries
        GB/T 4754 codes of the cluster; a code takes in every code below it (``325`` → ``3252``).
        The caller maps a cluster name to its industries (chain templates, or the industries of
        the cluster's key projects, see :func:`track_target`).
    config
        Overrides of ``projects.yaml`` (``output_measure``, ``output_fallback``).
    """
    cfg = projects_config(config)
    measure, fallback = cfg["output_measure"], cfg["output_fallback"]
    enterprises, facts = _frames(tables, "enterprises", "enterprise_years")
    members = enterprises.filter((pl.col("region") == region) & _in_industries(industries)).select("uscc")
    stand_in = pl.col(measure).is_null() & pl.col(fallback).is_not_null()
    per_year = (
        facts.join(members.unique(), on="uscc", how="semi")
        .group_by("year")
        .agg(pl.col(measure).sum().alias("measured"),
             pl.when(stand_in).then(pl.col(fallback)).sum().alias("stood_in"),
             (pl.col(measure).is_not_null() | stand_in).sum().alias("firms"),
             stand_in.sum().alias("fallback_firms"))
        .filter(pl.col("firms") > 0)
        .sort("year")
    )
    return _trajectory(per_year, measure, fallback)


def _trajectory(per_year: pl.DataFrame, measure: str, fallback: str) -> OutputTrajectory:
    by_year, firms, stood, share = {}, {}, {}, {}
    for row in per_year.iter_rows(named=True):
        year, total = int(row["year"]), float(row["measured"]) + float(row["stood_in"])
        by_year[year], firms[year], stood[year] = total, int(row["firms"]), int(row["fallback_firms"])
        share[year] = float(row["stood_in"]) / total if total else 0.0
    return OutputTrajectory(by_year, measure, fallback, firms, stood, share)


# --- 3. the target, the trend and the pipeline ----------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A cluster target: output (yuan) to reach in ``year``, and the document that sets it."""

    year: int
    output: float
    source: str | None = None


@dataclass(frozen=True)
class TrendFit:
    """The log-linear trend of a trajectory, fitted by ordinary least squares.

    .. math:: \\ln Q_t = a + b\\,(t - t_0), \\qquad \\hat Q_T = e^{a + b (T - t_0)}

    over the observed years with positive output; ``t_0`` is the last of them. A series growing
    at a constant rate is fitted exactly; ``growth`` = e^b − 1 is the trend's yearly growth rate.
    """

    intercept: float
    slope: float
    base_year: int
    years: tuple[int, ...]

    @property
    def growth(self) -> float:
        return math.expm1(self.slope)

    def value(self, year: int) -> float:
        """The trend's output (yuan) in ``year``."""
        return math.exp(self.intercept + self.slope * (year - self.base_year))


@dataclass(frozen=True)
class ProjectContribution:
    """What one key project adds to the forecast.

    ``contribution`` = ``probability`` × ``expected_output`` when the project is timed to reach
    full production (``full_year``) by the target year, else 0. A project already at full
    production (``in_output``) adds nothing: its output is in the trajectory.
    """

    name: str
    cluster: str | None
    stage: str | None
    expected_output: float | None
    probability: float
    full_year: int | None
    in_output: bool
    counted: bool
    contribution: float


@dataclass(frozen=True)
class TargetTracking:
    """A cluster's target held against its trajectory, trend and key-project pipeline.

    ``forecast`` = ``trend_forecast`` + ``pipeline_contribution`` and ``gap`` = target − forecast
    (positive: short of the target). When the target year is already observed,
    ``trend_forecast`` is the observed output (``forecast_is_observed``). A figure the data cannot
    give is None and ``notes`` say why.
    """

    region: str
    cluster: str
    industries: tuple[str, ...]
    industries_source: str
    target: Target | None
    trajectory: OutputTrajectory
    reference_year: int | None
    cagr_so_far: float | None
    trend: TrendFit | None
    trend_forecast: float | None
    forecast_is_observed: bool
    pipeline_contribution: float | None
    projects: tuple[ProjectContribution, ...]
    forecast: float | None
    required_cagr: float | None
    gap: float | None
    met: bool | None
    notes: tuple[Note, ...]
    config_hash: str
    money_digits: Mapping[str, int] = field(default_factory=lambda: {"zh": 1, "en": 2})
    percent_digits: int = 1

    def statement(self, lang: Lang = "zh") -> str:
        """The gap in plain words, money as people write it (亿元 / 万元; CNY … billion)."""
        return _statement(self, lang)

    def to_dict(self, lang: Lang = "zh") -> dict[str, Any]:
        """Every field as plain data, with the statement in ``lang``."""
        out = asdict(self)
        out["statement"] = self.statement(lang)
        return out


def track_target(
    tables: Tables,
    region: str,
    cluster: str,
    industries: Iterable[str] | None = None,
    *,
    config: Mapping[str, Any] | None = None,
    target: Target | None = None,
) -> TargetTracking:
    """Track cluster ``cluster`` of county ``region`` against its output target.

    Parameters
    ----------
    tables
        Analysis tables: ``enterprises``, ``enterprise_years``, ``key_projects``, ``cluster_targets``.
    region
        6-digit county code.
    cluster
        The cluster's name as key projects and targets write it.
    industries
        The cluster's GB/T 4754 codes (from a chain template). None or empty: the industries of
        the cluster's key projects stand in, and the result says so.
    config
        Overrides of ``projects.yaml``.
    target
        A target to use instead of the ``cluster_targets`` table. From the table, the earliest
        target year not before the last observed year is taken, else the latest.

    Returns
    -------
    TargetTracking
        With Q_t the trajectory, r the last observed year, T the target year, Q* the target:

        * growth so far: (Q_r / Q_f)^{1/(r − f)} − 1 over the first (f) and last observed years;
        * trend forecast: the log-linear fit of :class:`TrendFit` at T (Q_T itself when observed);
        * pipeline: Σ p_s · E_j over the projects j not yet at full production whose full-production
          year r + n_s is ≤ T (for a project not yet past ``start_stage``, no earlier than its start
          year + n_start), with p_s and n_s of its stage s from ``projects.yaml`` and E_j its
          expected new output;
        * required growth: (Q* / Q_r)^{1/(T − r)} − 1 when T > r;
        * gap: Q* − (trend forecast + pipeline).
    """
    cfg = projects_config(config)
    notes: list[Note] = []
    codes, source = _cluster_industries(tables, region, cluster, industries, notes)
    trajectory = cluster_output(tables, region, codes, config=cfg)
    reference = max(trajectory.by_year) if trajectory else None
    goal = target or _pick_target(tables, region, cluster, reference)
    trend = _fit_trend(trajectory, cfg, notes)
    contributions = _contributions(tables, region, cluster, codes, reference,
                                   goal.year if goal else None, cfg, notes)
    _data_notes(trajectory, goal, cluster, notes)
    trend_value, observed = _trend_forecast(trajectory, trend, goal)
    added = (sum(c.contribution for c in contributions)
             if goal is not None and reference is not None else None)
    forecast = trend_value + (added or 0.0) if trend_value is not None else None
    gap = goal.output - forecast if goal is not None and forecast is not None else None
    return TargetTracking(
        region, cluster, tuple(sorted(codes)), source, goal, trajectory, reference,
        _cagr_so_far(trajectory), trend, trend_value, observed, added, tuple(contributions), forecast,
        _required_cagr(trajectory, goal, reference), gap, None if gap is None else gap <= 0,
        tuple(notes), config_hash(cfg), dict(cfg["money_digits"]), int(cfg["percent_digits"]),
    )


def _cluster_industries(tables: Tables, region: str, cluster: str, industries: Iterable[str] | None,
                        notes: list[Note]) -> tuple[set[str], str]:
    given = set(industries or ())
    if given:
        return given, "caller"
    projects = _projects(tables, region).filter(pl.col("cluster") == cluster)
    codes = set(projects["industry"].drop_nulls().to_list())
    if codes:
        notes.append(Note("industries_from_projects",
                          f"未给出{cluster}的行业范围，按其重点项目的行业（{'、'.join(sorted(codes))}）统计产值",
                          f"No industries given for {cluster}: output is counted over the industries "
                          f"of its key projects ({', '.join(sorted(codes))})"))
        return codes, "key_projects"
    notes.append(Note("no_industries", f"未给出{cluster}的行业范围，也没有可参照的重点项目行业，无法统计产值",
                      f"No industries given for {cluster} and none from its key projects: "
                      "its output cannot be counted"))
    return set(), "none"


def _pick_target(tables: Tables, region: str, cluster: str, reference: int | None) -> Target | None:
    (targets,) = _frames(tables, "cluster_targets")
    rows = targets.filter((pl.col("region") == region) & (pl.col("cluster") == cluster)
                          & pl.col("target_output").is_not_null()).sort("target_year")
    if rows.is_empty():
        return None
    ahead = rows.filter(pl.col("target_year") >= reference) if reference is not None else rows
    row = (ahead if ahead.height else rows.tail(1)).row(0, named=True)
    return Target(int(row["target_year"]), float(row["target_output"]), row["source"])


def _fit_trend(trajectory: OutputTrajectory, cfg: Mapping[str, Any], notes: list[Note]) -> TrendFit | None:
    points = [(y, v) for y, v in trajectory.items() if v > 0]
    if len(points) < len(trajectory):
        notes.append(Note("nonpositive_output", "产值为零或负的年份不参与趋势拟合",
                          "Years with zero or negative output are left out of the trend fit"))
    if trajectory and len(points) < cfg["trend_min_years"]:
        notes.append(Note("few_years", f"有产值的年份少于{cfg['trend_min_years']}年，无法按趋势预测",
                          f"Fewer than {cfg['trend_min_years']} years of output: no trend forecast"))
        return None
    if not points:
        return None
    base = points[-1][0]
    ts = [y - base for y, _ in points]
    logs = [math.log(v) for _, v in points]
    t_mean, l_mean = sum(ts) / len(ts), sum(logs) / len(logs)
    slope = (sum((t - t_mean) * (lg - l_mean) for t, lg in zip(ts, logs, strict=True))
             / sum((t - t_mean) ** 2 for t in ts))
    return TrendFit(l_mean - slope * t_mean, slope, base, tuple(y for y, _ in points))


def _trend_forecast(trajectory: OutputTrajectory, trend: TrendFit | None,
                    goal: Target | None) -> tuple[float | None, bool]:
    if goal is None:
        return None, False
    if goal.year in trajectory.by_year:
        return trajectory[goal.year], True
    return (trend.value(goal.year) if trend is not None else None), False


def _cagr_so_far(trajectory: OutputTrajectory) -> float | None:
    points = [(y, v) for y, v in trajectory.items() if v > 0]
    if len(points) < 2:
        return None
    (first, q0), (last, q1) = points[0], points[-1]
    return (q1 / q0) ** (1 / (last - first)) - 1


def _required_cagr(trajectory: OutputTrajectory, goal: Target | None, reference: int | None) -> float | None:
    if goal is None or reference is None or goal.year <= reference or trajectory[reference] <= 0:
        return None
    return (goal.output / trajectory[reference]) ** (1 / (goal.year - reference)) - 1


def _contributions(tables: Tables, region: str, cluster: str, codes: set[str], reference: int | None,
                   target_year: int | None, cfg: Mapping[str, Any],
                   notes: list[Note]) -> list[ProjectContribution]:
    """The cluster's projects (named for it, or naming none but in its industries), weighted and timed."""
    projects = _projects(tables, region).filter(
        (pl.col("cluster") == cluster) | (pl.col("cluster").is_null() & _in_industries(codes)))
    out = [_contribution(row, reference, target_year, cfg) for row in projects.iter_rows(named=True)]
    _project_notes(out, cfg, notes)
    return out


def _contribution(row: Mapping[str, Any], reference: int | None, target_year: int | None,
                  cfg: Mapping[str, Any]) -> ProjectContribution:
    stage, expected = row["stage"], row["expected_output"]
    pending = stage in _pending_stages(cfg)
    in_output = stage in cfg["in_output_stages"]
    probability = float(cfg["realisation"][stage]) if pending else 0.0
    full_year = _full_year(stage, row["start_year"], reference, cfg) if pending else None
    counted = (pending and expected is not None and expected > 0 and full_year is not None
               and target_year is not None and full_year <= target_year)
    return ProjectContribution(row["name"], row["cluster"], stage, expected, probability, full_year,
                               in_output, counted, probability * expected if counted else 0.0)


def _full_year(stage: str, start_year: int | None, reference: int | None,
               cfg: Mapping[str, Any]) -> int | None:
    if reference is None:
        return None
    years = cfg["years_to_full"]
    by_stage = reference + years[stage]
    order = [s["key"] for s in cfg["stages"]]
    if start_year is None or order.index(stage) > order.index(cfg["start_stage"]):
        return by_stage
    return max(by_stage, start_year + years[cfg["start_stage"]])


def _project_notes(out: list[ProjectContribution], cfg: Mapping[str, Any], notes: list[Note]) -> None:
    keys = {s["key"] for s in cfg["stages"]}
    unstaged = sum(1 for c in out if c.stage not in keys)
    if unstaged:
        notes.append(Note("projects_without_stage", f"{unstaged}个重点项目未填阶段，未计入预测",
                          f"{unstaged} key project(s) without a stage are not counted"))
    unknown = sum(1 for c in out if c.stage in keys and not c.in_output and c.expected_output is None)
    if unknown:
        notes.append(Note("projects_without_output", f"{unknown}个重点项目未填预计新增产值，未计入预测",
                          f"{unknown} key project(s) without expected output are not counted"))


def _data_notes(trajectory: OutputTrajectory, goal: Target | None, cluster: str, notes: list[Note]) -> None:
    if goal is None:
        notes.append(Note("no_target", f"{cluster}没有产值目标", f"{cluster} has no output target"))
    if not trajectory:
        notes.append(Note("no_output", f"没有{cluster}企业的产值或营业收入数据",
                          f"No output or revenue data for the firms of {cluster}"))
    years = trajectory.fallback_years
    if years:
        stood_in = sum(trajectory.fallback_share[y] * trajectory[y] for y in years)
        share = stood_in / sum(trajectory[y] for y in years)
        span = "、".join(str(y) for y in years)
        notes.append(Note(
            "revenue_fallback",
            f"{span}年部分企业缺工业总产值，以营业收入代替（占这些年份产值的{share:.1%}）",
            f"In {', '.join(str(y) for y in years)} some firms report no industrial output; their "
            f"revenue stands in ({share:.1%} of those years' total)"))


# --- the statement --------------------------------------------------------------------------------


def _money(t: TargetTracking, yuan: float, lang: Lang, trim: bool = False) -> str:
    """Money as reports write it; ``trim`` drops zero decimals (a declared target: 100亿元)."""
    text = format_money(yuan, lang=lang, digits=t.money_digits[lang])
    return re.sub(r"\.(\d*?)0+(?!\d)", lambda m: f".{m[1]}" if m[1] else "", text) if trim else text


def _percent(t: TargetTracking, rate: float) -> str:
    return f"{rate * 100:.{t.percent_digits}f}%"


def _statement(t: TargetTracking, lang: Lang) -> str:
    """Sentences, each ending with its full stop, joined as the language joins them."""
    if t.target is None:
        sentences = [_no_target(t, lang)]
    elif not t.trajectory:
        sentences = [_no_data(t, lang)]
    else:
        sentences = [_gap_sentence(t, lang)]
    sentences.append(_growth_sentence(t, lang))
    return ("" if lang != "en" else " ").join(s for s in sentences if s)


def _no_target(t: TargetTracking, lang: Lang) -> str:
    if not t.trajectory:
        return f"{t.cluster}没有产值目标。" if lang != "en" else f"{t.cluster} has no output target."
    last = t.reference_year
    now = _money(t, t.trajectory[last], lang)  # type: ignore[index]
    return (f"{t.cluster}没有产值目标；{last}年产值{now}。" if lang != "en" else
            f"{t.cluster} has no output target; output in {last} was {now}.")


def _no_data(t: TargetTracking, lang: Lang) -> str:
    year, goal = t.target.year, _money(t, t.target.output, lang, trim=True)  # type: ignore[union-attr]
    if lang != "en":
        return f"缺少{t.cluster}的产值和营业收入数据，无法判断{year}年{goal}目标的完成情况。"
    return (f"No output or revenue data for {t.cluster}: cannot tell whether the {goal} target "
            f"for {year} will be met.")


def _gap_sentence(t: TargetTracking, lang: Lang) -> str:
    zh, year = lang != "en", t.target.year  # type: ignore[union-attr]
    if t.forecast is None:
        now = _money(t, t.trajectory[t.reference_year], lang)  # type: ignore[index]
        return (f"{t.reference_year}年产值{now}，数据年份不足，无法按趋势预测{year}年产值。" if zh else
                f"Output in {t.reference_year} was {now}; too few years to forecast {year} from the trend.")
    trend = _money(t, t.trend_forecast, lang)  # type: ignore[arg-type]
    if t.forecast_is_observed:
        head = f"{year}年实际产值{trend}" if zh else f"Output in {year} was {trend}"
    else:
        head = f"按当前趋势，{year}年产值预计{trend}" if zh else \
            f"On the current trend, output in {year} is forecast at {trend}"
    if t.pipeline_contribution:
        added = _money(t, t.pipeline_contribution, lang)
        head += f"，加上重点项目预计新增{added}" if zh else f"; key projects are expected to add {added}"
    return head + _gap_tail(t, lang) + ("。" if zh else ".")


def _gap_tail(t: TargetTracking, lang: Lang) -> str:
    zh = lang != "en"
    goal = _money(t, t.target.output, lang, trim=True)  # type: ignore[union-attr]
    gap = _money(t, abs(t.gap), lang)  # type: ignore[arg-type]
    total = _money(t, t.forecast, lang)  # type: ignore[arg-type]
    if not t.met:
        if zh:
            return f"，距{goal}目标仍差{gap}"
        together = f"; in all {total}" if t.pipeline_contribution else ""
        return f"{together}, {gap} short of the {goal} target"
    if t.forecast_is_observed:
        return f"，已达到{goal}目标" if zh else f", meeting the {goal} target"
    if zh:
        return f"{f'，合计{total}' if t.pipeline_contribution else ''}，预计可达到{goal}目标（超出{gap}）"
    together = f"; in all {total}" if t.pipeline_contribution else ""
    return f"{together}, on course to meet the {goal} target ({gap} above it)"


def _growth_sentence(t: TargetTracking, lang: Lang) -> str:
    zh, years, parts = lang != "en", t.trajectory.years, []
    if t.cagr_so_far is not None:
        rate = _percent(t, t.cagr_so_far)
        parts.append(f"{years[0]}—{years[-1]}年年均增长{rate}" if zh else
                     f"output grew {rate} a year in {years[0]}–{years[-1]}")
    if t.required_cagr is not None:
        rate = _percent(t, t.required_cagr)
        parts.append(f"实现目标需年均增长{rate}" if zh else f"meeting the target needs {rate} a year")
    if not parts:
        return ""
    if zh:
        return "，".join(parts) + "。"
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."
