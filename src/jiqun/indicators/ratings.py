"""Cluster ratings: the US Cluster Mapping Project strength classes and the European stars.

Thresholds live in ``ratings.yaml`` beside this module (documented data); every option can be
overridden by the caller.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from typing import Any

import ibis
import yaml
from ibis.expr.types import Table

from jiqun.errors import InputError
from jiqun.indicators.engine import Columns, cells, establishments_column
from jiqun.indicators.specialisation import location_quotient

CLASSES = ("strong10", "strong", "significant", "qualifying")


@cache
def rating_defaults() -> dict[str, Any]:
    """The shipped thresholds (``ratings.yaml``)."""
    text = resources.files("jiqun.indicators").joinpath("ratings.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def linear_quantiles(t: Table, keys: Sequence[str], column: str,
                     probabilities: dict[str, float]) -> Table:
    """Linear-interpolated quantiles of ``column`` per group, the same numbers as NumPy's default.

    .. math:: h = (n - 1)p, \\quad Q(p) = v_{(\\lfloor h \\rfloor)} + (h - \\lfloor h \\rfloor)
              (v_{(\\lfloor h \\rfloor + 1)} - v_{(\\lfloor h \\rfloor)})

    with :math:`v_{(0)} \\le \\dots \\le v_{(n-1)}` the sorted values (Hyndman & Fan 1996, type 7).
    Computed exactly with window ranks, so that every engine gives the same numbers (Spark's own
    ``percentile_approx`` is approximate). Returns ``keys`` and one column per name in
    ``probabilities``.
    """
    window = ibis.window(group_by=[t[k] for k in keys], order_by=[t[column]])
    t = t.mutate(jq_pos=ibis.row_number().over(window),
                 jq_n=t[column].count().over(group_by=[t[k] for k in keys]))
    aggregates: dict[str, Any] = {}
    for name, p in probabilities.items():
        h = (t.jq_n - 1).cast("float64") * p
        low = h.floor().cast("int64")
        high = ibis.least(low + 1, t.jq_n - 1)
        aggregates[f"jq_{name}_low"] = t[column].max(where=t.jq_pos == low)
        aggregates[f"jq_{name}_high"] = t[column].max(where=t.jq_pos == high)
        aggregates[f"jq_{name}_frac"] = (h - low.cast("float64")).max()
    out = t.group_by(list(keys)).agg(**aggregates)
    quantiles = {name: out[f"jq_{name}_low"] + out[f"jq_{name}_frac"]
                 * (out[f"jq_{name}_high"] - out[f"jq_{name}_low"]) for name in probabilities}
    return out.select(*[out[k] for k in keys], **quantiles)


def _rated_cells(t: Table, c: Columns, base: Iterable[str] | None) -> Table:
    """Positive cells with their LQ and, when known, establishments."""
    lq = location_quotient(t, c, base)
    cell = cells(t, c)
    extra = [e for e in [establishments_column(c)] if e]
    cell = cell.select(*[cell[k] for k in c.cell_keys()], cell[c.value].name("jq_emp"),
                       *[cell[e].name("jq_est") for e in extra])
    rated = lq.inner_join(cell, c.cell_keys())
    return rated.filter(rated.jq_emp > 0)


def cmp_strength(t: Table, c: Columns, base: Iterable[str] | None = None,
                 **thresholds: Any) -> Table:
    """US Cluster Mapping Project strength class of each region × cluster.

    Per cluster (industry) and year, among regions with employment > 0, with linear-interpolated
    quantiles :math:`Q_p` (see :func:`linear_quantiles`); size tests
    :math:`emp > Q_{.25}(emp)` and :math:`est > Q_{.25}(est)`:

    - qualifying: :math:`LQ > Q_{.25}(LQ)` and the size tests;
    - significant: :math:`LQ > Q_{.50}(LQ)` and the size tests;
    - strong: :math:`LQ \\ge Q_{.75}(LQ)`, :math:`LQ \\ge 1` and the size tests;
    - strong10: :math:`LQ \\ge Q_{.90}(LQ)`, :math:`LQ \\ge 1` and the size tests.

    The value column ``cmp_strength`` holds the highest class met (null for none). Establishments
    are distinct firms (firm column) or an establishments column. ``base`` restricts the LQ's
    denominators to those industries (traded employment, as the CMP does). Thresholds default to
    ``ratings.yaml``.

    References
    ----------
    Delgado, M., Porter, M. E. & Stern, S. (2014). Clusters, convergence, and economic
    performance. *Research Policy* 43(10), 1785–1799; U.S. Cluster Mapping Project,
    *Methodology: cluster strength* (Institute for Strategy and Competitiveness, HBS).

    Examples
    --------
    >>> import polars as pl
    >>> from jiqun.indicators import compute
    >>> rows = []
    >>> for k, (cluster, total, firms) in enumerate(zip([10.0, 20, 30, 40, 50], [100.0, 100, 100, 100, 60],
    ...                                                 [1.0, 5, 3, 8, 9])):
    ...     rows += [{"region": f"r{k}", "industry": "c", "value": cluster, "est": firms},
    ...              {"region": f"r{k}", "industry": "o", "value": total - cluster, "est": 10.0}]
    >>> result = compute("cmp_strength", pl.DataFrame(rows), establishments="est")
    >>> result.filter(pl.col("industry") == "c")["cmp_strength"].to_list()
    [None, None, None, 'strong', 'strong10']
    """
    if establishments_column(c) is None:
        raise InputError.single("美国集群地图强度等级需要企业数：请给出企业列或企业数列",
                                column="--firm", expected="企业标识列或 --establishments 列")
    config = {**rating_defaults()["cmp_strength"], **thresholds}
    keys = [c.industry, *c.year_keys()]
    rated = _rated_cells(t, c, base)
    size_p = {"q": float(config["size_quantile"])}
    lq_q = linear_quantiles(rated, keys, "lq", {k: float(v) for k, v in config["lq_quantiles"].items()})
    emp_q = linear_quantiles(rated, keys, "jq_emp", size_p).rename(jq_emp_q="q")
    est_q = linear_quantiles(rated, keys, "jq_est", size_p).rename(jq_est_q="q")
    r = rated.inner_join(lq_q, keys).inner_join(emp_q, keys).inner_join(est_q, keys)
    sized = (r.jq_emp > r.jq_emp_q) & (r.jq_est > r.jq_est_q)
    floor = float(config["strong_lq_minimum"])
    tests = {
        "strong10": sized & (r.lq >= r.strong10) & (r.lq >= floor),
        "strong": sized & (r.lq >= r.strong) & (r.lq >= floor),
        "significant": sized & (r.lq > r.significant),
        "qualifying": sized & (r.lq > r.qualifying),
    }
    label = ibis.cases(*[(tests[name], name) for name in CLASSES], else_=ibis.null("string"))
    return r.select(*[r[k] for k in c.cell_keys()], r.lq, r.jq_emp.name("employment"),
                    r.jq_est.name("establishments"), label.name("cmp_strength"))


def stars(t: Table, c: Columns, **thresholds: Any) -> Table:
    """European Cluster Observatory stars of each region × category (0–3).

    One star each for size (employment in the top 10% of the regions of that category, i.e. at or
    above the linear-interpolated 90th percentile), specialisation (:math:`LQ \\ge 2`) and focus
    (the category's share of the region's employment, :math:`x_{ri}/x_r`, in the top 10% of the
    regions of that category). Among regions where the category has employment; thresholds
    default to ``ratings.yaml``.

    References
    ----------
    Sölvell, Ö., Ketels, C. & Lindqvist, G. (2009). *EU Cluster Mapping and Strengthening Clusters
    in Europe*. European Commission; Ketels, C. & Protsiv, S. (2013). *Methodology and findings
    report for a cluster mapping of related sectors*. European Cluster Observatory.

    Examples
    --------
    >>> import polars as pl
    >>> from jiqun.indicators import compute
    >>> rows = []
    >>> for k, (cluster, total, firms) in enumerate(zip([10.0, 20, 30, 40, 50], [100.0, 100, 100, 100, 60],
    ...                                                 [1.0, 5, 3, 8, 9])):
    ...     rows += [{"region": f"r{k}", "industry": "c", "value": cluster, "est": firms},
    ...              {"region": f"r{k}", "industry": "o", "value": total - cluster, "est": 10.0}]
    >>> result = compute("stars", pl.DataFrame(rows))
    >>> result.filter(pl.col("industry") == "c")["stars"].to_list()
    [0, 0, 0, 0, 3]
    """
    config = {**rating_defaults()["stars"], **thresholds}
    keys = [c.industry, *c.year_keys()]
    rated = _rated_cells(t, c, None)
    size_q = linear_quantiles(rated, keys, "jq_emp", {"jq_size_q": 1 - float(config["size_top_share"])})
    focus_q = linear_quantiles(rated, keys, "share_in_region",
                               {"jq_focus_q": 1 - float(config["focus_top_share"])})
    r = rated.inner_join(size_q, keys).inner_join(focus_q, keys)
    size = r.jq_emp >= r.jq_size_q
    specialisation = r.lq >= float(config["lq_minimum"])
    focus = r.share_in_region >= r.jq_focus_q
    count = size.cast("int8") + specialisation.cast("int8") + focus.cast("int8")
    return r.select(*[r[k] for k in c.cell_keys()], count.name("stars"), size.name("size_star"),
                    specialisation.name("specialisation_star"), focus.name("focus_star"))
