"""Shares, location quotients and the indices of specialisation and concentration.

Notation (per year when the table has one): :math:`x_{ri}` the value of region *r* in industry
*i*; :math:`x_r = \\sum_i x_{ri}`, :math:`x_i = \\sum_r x_{ri}`, :math:`x = \\sum_{r,i} x_{ri}`.
Every function takes an Ibis long table (see :mod:`jiqun.indicators.engine`) and returns an Ibis
expression, so that one definition runs on every backend.
"""

from __future__ import annotations

from collections.abc import Iterable

import ibis
from ibis.expr.types import Table

from jiqun.errors import InputError
from jiqun.indicators.engine import Columns, cells, firm_cells, sum_of_largest, with_sum


def _with_totals(t: Table, c: Columns, base: Iterable[str] | None = None) -> Table:
    """Add region, industry and overall totals; ``base`` restricts the region and overall totals
    to those industries (the US CMP's traded industries)."""
    keys = c.year_keys()
    value = t[c.value]
    if base is not None:
        t = t.mutate(jq_in_base=ibis.ifelse(t[c.industry].isin(list(base)), value, 0.0))
    in_base = c.value if base is None else "jq_in_base"
    t = with_sum(t, t[in_base], [c.region, *keys], "jq_region_total")
    t = with_sum(t, t[c.value], [c.industry, *keys], "jq_industry_total")
    t = with_sum(t, t[in_base], keys, "jq_total")
    return t.drop("jq_in_base") if base is not None else t


def location_quotient(t: Table, c: Columns, base: Iterable[str] | None = None) -> Table:
    """Location quotient (区位熵), its additive variant and the two shares it compares.

    .. math:: LQ_{ri} = \\frac{x_{ri} / x_r}{x_i / x}, \\qquad ALQ_{ri} = \\frac{x_{ri}}{x_r} -
              \\frac{x_i}{x}

    With ``base`` (a list of industry codes, e.g. the traded industries) the region total
    :math:`x_r` and the overall total :math:`x` count only those industries, as the US Cluster
    Mapping Project computes LQ relative to traded employment. A region with no value at all, or
    an industry absent everywhere, gets a null LQ rather than a division by zero. The additive
    location quotient is the difference of the shares (in share points; 0 for an average region).

    References
    ----------
    Balland, P.-A. (2017). *Economic Geography in R: Introduction to the EconGeo package*
    (``location_quotient``); Isard, W. (1960). *Methods of Regional Analysis*. MIT Press;
    Delgado, M., Porter, M. E. & Stern, S. (2016). Defining clusters of related industries.
    *Journal of Economic Geography* 16(1), 1–38 (traded employment as the base).

    Examples
    --------
    >>> import polars as pl
    >>> from jiqun.indicators import compute
    >>> data = pl.DataFrame({"region": ["a", "a", "b"], "industry": ["x", "y", "x"],
    ...                      "value": [1.0, 3.0, 4.0]})
    >>> compute("lq", data)["lq"].to_list()
    [0.4, 2.0, 1.6]
    """
    t = _with_totals(cells(t, c), c, base)
    share_in_region = t[c.value] / t.jq_region_total.nullif(0)
    share_in_nation = t.jq_industry_total / t.jq_total.nullif(0)
    share_of_industry = t[c.value] / t.jq_industry_total.nullif(0)
    return t.select(
        t[c.region], t[c.industry], *[t[k] for k in c.year_keys()],
        share_in_region.name("share_in_region"), share_of_industry.name("share_of_industry"),
        (share_in_region / share_in_nation.nullif(0)).name("lq"),
        (share_in_region - share_in_nation).name("additive_lq"),
    )


def presence(t: Table, c: Columns, threshold: float = 1.0) -> Table:
    """Binary presence (revealed comparative advantage) :math:`M_{ri} = [LQ_{ri} \\ge` threshold].

    LQ equal to the threshold counts as present, as in Hidalgo & Hausmann (2009) and EconGeo's
    ``RCA(binary = TRUE)``.

    Examples
    --------
    >>> import polars as pl
    >>> from jiqun.indicators import compute
    >>> data = pl.DataFrame({"region": ["a", "a", "b", "b", "c"], "industry": ["x", "y", "x", "y", "y"],
    ...                      "value": [6.0, 2.0, 1.0, 3.0, 8.0]})
    >>> compute("mcp", data)["mcp"].to_list()
    [1, 0, 0, 1, 1]
    """
    lq = location_quotient(t, c)
    return lq.select(lq[c.region], lq[c.industry], *[lq[k] for k in c.year_keys()],
                     (lq.lq >= threshold).fill_null(False).cast("int8").name("mcp"))


def hoover(t: Table, c: Columns) -> Table:
    """Hoover concentration index of each industry over regions.

    .. math:: H_i = \\tfrac12 \\sum_r \\left| \\frac{x_{ri}}{x_i} - \\frac{x_r}{x} \\right|

    0 when the industry is spread like the whole economy, approaching 1 when it sits in a region
    that is small in the whole.

    References
    ----------
    Hoover, E. M. (1936). The measurement of industrial localization. *Review of Economics and
    Statistics* 18(4), 162–171.

    Examples
    --------
    >>> import polars as pl
    >>> from jiqun.indicators import compute
    >>> data = pl.DataFrame({"region": ["a", "a", "b", "b", "c"], "industry": ["x", "y", "x", "y", "y"],
    ...                      "value": [6.0, 2.0, 1.0, 3.0, 8.0]})
    >>> [round(v, 4) for v in compute("hoover", data)["hoover"]]
    [0.4571, 0.2462]
    """
    t = _with_totals(cells(t, c), c)
    size = t.jq_region_total / t.jq_total.nullif(0)
    gap = _gap_beyond_absent(t[c.value] / t.jq_industry_total.nullif(0), size)
    keys = [c.industry, *c.year_keys()]
    return t.mutate(gap=gap).group_by(keys).agg(hoover=(0.5 * (1 + ibis._.gap.sum())))


def _gap_beyond_absent(share: ibis.Value, reference: ibis.Value) -> ibis.Value:
    """One row's part of :math:`\\sum |a - b|` over *all* units, absent ones included.

    A long table omits zeros; an absent unit would contribute its reference share *b*. Since the
    reference shares sum to 1, :math:`\\sum_{all} |a-b| = 1 + \\sum_{present} (|a-b| - b)`.
    """
    return (share - reference).abs() - reference


def krugman(t: Table, c: Columns) -> tuple[Table, Table]:
    """Krugman specialisation of each region and concentration of each industry.

    .. math::
        K^{spec}_r = \\sum_i \\left| \\frac{x_{ri}}{x_r} - \\frac{x_i}{x} \\right|, \\qquad
        K^{conc}_i = \\sum_r \\left| \\frac{x_{ri}}{x_i} - \\frac{x_r}{x} \\right|

    Both lie in [0, 2). The reference is the whole economy of the table (REAT's ``krugman.spec``
    with the national distribution as reference).

    References
    ----------
    Krugman, P. (1991). *Geography and Trade*. MIT Press; Wieland, T. (2019). REAT: Regional
    Economic Analysis Toolbox (R package), ``krugman.spec``.

    Examples
    --------
    >>> import polars as pl
    >>> from jiqun.indicators import compute
    >>> data = pl.DataFrame({"region": ["a", "a", "b", "b", "c"], "industry": ["x", "y", "x", "y", "y"],
    ...                      "value": [6.0, 2.0, 1.0, 3.0, 8.0]})
    >>> result = compute("krugman", data)  # industries x, y, then regions a, b, c
    >>> [round(k, 4) for k in result["krugman"]]
    [0.9143, 0.4923, 0.8, 0.2, 0.7]
    """
    t = _with_totals(cells(t, c), c)
    national = t.jq_industry_total / t.jq_total.nullif(0)
    size = t.jq_region_total / t.jq_total.nullif(0)
    spec = _gap_beyond_absent(t[c.value] / t.jq_region_total.nullif(0), national)
    conc = _gap_beyond_absent(t[c.value] / t.jq_industry_total.nullif(0), size)
    t = t.mutate(spec=spec, conc=conc)
    by_region = t.group_by([c.region, *c.year_keys()]).agg(krugman_specialisation=1 + ibis._.spec.sum())
    by_industry = t.group_by([c.industry, *c.year_keys()]).agg(krugman_concentration=1 + ibis._.conc.sum())
    return by_region, by_industry


def _unit_and_group(c: Columns, within: str) -> tuple[str, list[str]]:
    """The unit whose shares are squared and the keys of the group they are shares of."""
    years = c.year_keys()
    if within == "industry":
        return c.region, [c.industry, *years]
    if within == "region":
        return c.industry, [c.region, *years]
    if within == "cell":
        if c.firm is None:
            raise InputError.single("地区×行业内企业的集中度需要企业列", column="--firm",
                                    expected="企业标识列（如统一社会信用代码）")
        return c.firm, c.cell_keys()
    raise InputError.single("不认识的 within", column="--within", value=within,
                            expected="industry（行业内各地区）、region（地区内各行业）、cell（地区×行业内各企业）")


def _positive_units(t: Table, c: Columns, within: str) -> tuple[Table, str, list[str]]:
    """One row per unit and group with the unit's (positive) value: a firm's rows, or a region's
    or industry's firms, are added up first."""
    unit, keys = _unit_and_group(c, within)
    if within == "cell":
        t = firm_cells(t, c)
    elif c.firm is None:
        t = cells(t, c)
    else:
        t = t.group_by([unit, *keys]).agg(**{c.value: t[c.value].sum()})
    return t.filter(t[c.value] > 0), unit, keys


def herfindahl(t: Table, c: Columns, within: str = "industry") -> Table:
    """Herfindahl–Hirschman index of the units within a group.

    ``within="industry"``: regions within each industry (the default); ``"region"``: industries
    within each region; ``"cell"``: firms within each region × industry (needs a firm column).

    .. math:: HHI_g = \\sum_u s_{ug}^2, \\quad s_{ug} = x_{ug} / x_g; \\qquad
              HHI^*_g = \\frac{HHI_g - 1/N_g}{1 - 1/N_g}; \\qquad N^{eq}_g = 1 / HHI_g

    *N* is the number of units with a positive value. HHI lies in [1/N, 1]; the normalised index in
    [0, 1] (null when N = 1, where it is undefined).

    References
    ----------
    Hirschman, A. O. (1964). The paternity of an index. *American Economic Review* 54(5), 761;
    Herfindahl, O. C. (1950). *Concentration in the U.S. Steel Industry*. Columbia University.

    Examples
    --------
    >>> import polars as pl
    >>> from jiqun.indicators import compute
    >>> firms = pl.DataFrame({"region": ["a"] * 3, "industry": ["x"] * 3, "firm": ["f1", "f2", "f3"],
    ...                       "value": [2.0, 1.0, 1.0]})
    >>> compute("hhi", firms, firm="firm", within="cell")["hhi"].to_list()
    [0.375]
    """
    t, _unit, keys = _positive_units(t, c, within)
    value = t[c.value]
    # Σ s² = Σ x² / (Σ x)²: one aggregation, no window; units are unique per group here
    out = t.group_by(keys).agg(hhi=(value * value).sum() / (value.sum() * value.sum()), n=t.count())
    n = out.n.cast("float64")
    return out.mutate(
        hhi_normalised=((out.hhi - 1 / n) / (1 - 1 / n).nullif(0)),
        equivalent_number=1 / out.hhi,
    )


def concentration_ratio(t: Table, c: Columns, n: int = 4, within: str = "industry",
                        spillable: bool = False) -> Table:
    """CRn: the share of the *n* largest units in each group (``within`` as for :func:`herfindahl`).

    ``spillable`` finds the largest units in a way DuckDB can spill to disk (see
    :func:`~jiqun.indicators.engine.sum_of_largest`); the workbench sets it when DuckDB's memory
    is capped, or after running out of memory without it.

    .. math:: CR_n(g) = \\sum_{k=1}^{n} s_{(k)g}, \\quad s_{(1)g} \\ge s_{(2)g} \\ge \\dots

    Ties at the n-th place do not matter: tied units have equal shares.

    References
    ----------
    Bain, J. S. (1951). Relation of profit rate to industry concentration. *Quarterly Journal of
    Economics* 65(3), 293–324.

    Examples
    --------
    >>> import polars as pl
    >>> from jiqun.indicators import compute
    >>> data = pl.DataFrame({"region": ["a", "a", "b", "b", "c"], "industry": ["x", "y", "x", "y", "y"],
    ...                      "value": [6.0, 2.0, 1.0, 3.0, 8.0]})
    >>> [round(v, 4) for v in compute("crn", data, n=1)["cr1"]]
    [0.8571, 0.6154]
    """
    if n < 1:
        raise InputError.single("n 应为正整数", column="--n", value=str(n), expected="≥ 1，常用 4 或 8")
    t, _unit, keys = _positive_units(t, c, within)
    value = t[c.value]  # one hash aggregation, no ranking window
    return t.group_by(keys).agg(**{f"cr{n}": sum_of_largest(t, value, n, spillable) / value.sum()})


def _count_over(t: Table, column: str, keys: list[str]) -> Table:
    """The number of distinct values of ``column`` per year (the whole table without years)."""
    if keys:
        return t.group_by(keys).agg(jq_count=t[column].nunique())
    return t.aggregate(jq_count=t[column].nunique())


def _join_count(t: Table, counts: Table, keys: list[str]) -> Table:
    return t.inner_join(counts, keys) if keys else t.cross_join(counts)


def _gini_of_lq(lq: Table, c: Columns, group: str, unit: str, extent: Table) -> Table:
    """REAT's Gini of the LQs of one group over all units of the table (absent units have LQ 0)."""
    keys = [group, *c.year_keys()]
    years = c.year_keys()
    lq = _join_count(lq.filter(lq.lq > 0), extent, years)
    window = ibis.window(group_by=[lq[k] for k in keys], order_by=[lq.lq])
    lq = lq.mutate(jq_rank=ibis.row_number().over(window) + 1,
                   jq_present=lq.lq.count().over(group_by=[lq[k] for k in keys]))
    # the absent units (LQ 0) take the lowest ranks, so present ones start after them
    rank = lq.jq_rank + (lq.jq_count - lq.jq_present)
    out = lq.group_by(keys).agg(jq_sum_rank_lq=(rank * lq.lq).sum(), jq_sum_lq=lq.lq.sum(),
                                jq_n=lq.jq_count.max())
    n = out.jq_n.cast("float64")
    mean = out.jq_sum_lq / n
    gini = 2 / (n * n * mean) * (out.jq_sum_rank_lq - mean * n * (n + 1) / 2)
    return out.select(*[out[k] for k in keys], gini.name("gini"))


def _lorenz_gini(lq: Table, c: Columns, group: str, weight: str) -> Table:
    """Gini of the Lorenz curve of the group's shares against the units' sizes, units sorted by LQ."""
    keys = [group, *c.year_keys()]
    lq = lq.filter(lq.lq > 0)
    window = ibis.window(group_by=[lq[k] for k in keys], order_by=[lq.lq],
                         preceding=None, following=0)
    lq = lq.mutate(jq_cum=lq.jq_share.sum().over(window))
    area = lq[weight] * (2 * lq.jq_cum - lq.jq_share)
    out = lq.mutate(jq_area=area).group_by(keys).agg(jq_area=ibis._.jq_area.sum())
    return out.select(*[out[k] for k in keys], (1 - out.jq_area).name("gini_weighted"))


def gini(t: Table, c: Columns) -> tuple[Table, Table]:
    """Gini coefficients of concentration (per industry) and of specialisation (per region).

    Unweighted (REAT's ``gini.conc`` / ``gini.spec``): the Gini of the location quotients of an
    industry over all *n* regions of the table (absent regions have LQ 0), sorted ascending,

    .. math:: G_i = \\frac{2}{n^2 \\bar C} \\sum_{\\lambda=1}^{n} \\lambda\\,(C_{(\\lambda)} - \\bar C)

    and the same over industries for a region. Weighted (the locational Gini of Krugman, 1991):
    regions sorted by LQ, the Lorenz curve of the industry's shares :math:`x_{ri}/x_i` against
    the regions' sizes :math:`w_r = x_r/x`,

    .. math:: G^w_i = 1 - \\sum_r w_r (Y_r + Y_{r-1})

    with :math:`Y` the cumulated industry share; for a region, industries weighted by their
    national size :math:`x_i/x`. Both are 0 for an even spread and approach 1 for full
    concentration.

    References
    ----------
    Wieland, T. (2019). REAT: Regional Economic Analysis Toolbox, ``gini.conc``, ``gini.spec``
    and ``gini`` (weighted, after Dörsam 2004); Farhauer, O. & Kröll, A. (2013). *Standorttheorien*.
    Springer (worked example); Krugman, P. (1991). *Geography and Trade*. MIT Press.

    Examples
    --------
    >>> import polars as pl
    >>> from jiqun.indicators import compute
    >>> data = pl.DataFrame({"region": ["a", "a", "b", "b", "c"], "industry": ["x", "y", "x", "y", "y"],
    ...                      "value": [6.0, 2.0, 1.0, 3.0, 8.0]})
    >>> [round(v, 4) for v in compute("gini", data)["gini"]]  # industries x, y; regions a, b, c
    [0.5, 0.25, 0.3478, 0.1176, 0.5]
    """
    lq = location_quotient(t, c)
    base = _with_totals(cells(t, c), c)
    sizes = base.select(*[base[k] for k in c.cell_keys()],
                        jq_region_weight=base.jq_region_total / base.jq_total,
                        jq_industry_weight=base.jq_industry_total / base.jq_total)
    lq = lq.inner_join(sizes, c.cell_keys())
    years = c.year_keys()
    by_industry = _gini_of_lq(lq, c, c.industry, c.region, _count_over(lq, c.region, years)).inner_join(
        _lorenz_gini(lq.mutate(jq_share=lq.share_of_industry), c, c.industry, "jq_region_weight"),
        [c.industry, *years])
    by_region = _gini_of_lq(lq, c, c.region, c.industry, _count_over(lq, c.industry, years)).inner_join(
        _lorenz_gini(lq.mutate(jq_share=lq.share_in_region), c, c.region, "jq_industry_weight"),
        [c.region, *years])
    return by_industry, by_region


def theil(t: Table, c: Columns) -> tuple[Table, Table]:
    """Theil indices of concentration (per industry over regions) and specialisation (per region).

    Theil T of the industry's values over all *n* regions of the table (absent regions count 0),
    relative Theil against the regions' sizes, and the mean log deviation (Theil L, REAT's
    ``theil``; null when a region has 0):

    .. math::
        T_i = \\frac1n \\sum_r \\frac{x_{ri}}{\\mu_i} \\ln\\frac{x_{ri}}{\\mu_i}, \\qquad
        T^{rel}_i = \\sum_r \\frac{x_{ri}}{x_i} \\ln LQ_{ri}, \\qquad
        L_i = \\frac1n \\sum_r \\ln\\frac{\\mu_i}{x_{ri}}

    with :math:`\\mu_i = x_i / n`; for regions the same over industries (relative to the national
    structure). T lies in [0, ln n]; the relative Theil is the Kullback–Leibler divergence of the
    industry's spread from the spread of the whole economy.

    References
    ----------
    Theil, H. (1967). *Economics and Information Theory*. North-Holland; Mori, T., Nishikimi, K. &
    Smith, T. E. (2005). A divergence statistic for industrial localization. *Review of Economics
    and Statistics* 87(4), 635–651; Wieland, T. (2019). REAT, ``theil`` (Stoermann 2009 example).

    Examples
    --------
    >>> import polars as pl
    >>> from jiqun.indicators import compute
    >>> data = pl.DataFrame({"region": ["a", "a", "b", "b", "c"], "industry": ["x", "y", "x", "y", "y"],
    ...                      "value": [6.0, 2.0, 1.0, 3.0, 8.0]})
    >>> [round(v, 4) for v in compute("theil", data)["theil"]]  # industries x, y; regions a, b, c
    [0.6885, 0.1735, 0.1308, 0.1308, 0.6931]
    """
    lq = location_quotient(t, c).filter(ibis._.lq > 0)
    years = c.year_keys()
    return (_theil_of(lq, c, c.industry, lq.share_of_industry, _count_over(lq, c.region, years)),
            _theil_of(lq, c, c.region, lq.share_in_region, _count_over(lq, c.industry, years)))


def _theil_of(lq: Table, c: Columns, group: str, share: ibis.Value, extent: Table) -> Table:
    keys = [group, *c.year_keys()]
    lq = _join_count(lq.mutate(jq_share=share), extent, c.year_keys())
    out = lq.group_by(keys).agg(
        jq_entropy=(ibis._.jq_share * ibis._.jq_share.ln()).sum(),
        jq_relative=(ibis._.jq_share * ibis._.lq.ln()).sum(),
        jq_log_share=ibis._.jq_share.ln().sum(),
        jq_present=ibis._.jq_share.count(), jq_n=ibis._.jq_count.max(),
    )
    n = out.jq_n.cast("float64")
    mean_log_deviation = ibis.ifelse(out.jq_present == out.jq_n, -(n.ln()) - out.jq_log_share / n, None)
    return out.select(*[out[k] for k in keys], (out.jq_entropy + n.ln()).name("theil"),
                      out.jq_relative.name("theil_relative"), mean_log_deviation.name("theil_l"))


def relative_diversity(t: Table, c: Columns) -> Table:
    """Duranton–Puga relative diversity index of each region.

    .. math:: RDI_r = 1 \\Big/ \\sum_i \\left| \\frac{x_{ri}}{x_r} - \\frac{x_i}{x} \\right|

    over all industries of the table (absent ones contribute their national share). High values
    mean a structure close to the nation's (diverse); the inverse of Krugman's specialisation.

    References
    ----------
    Duranton, G. & Puga, D. (2000). Diversity and specialisation in cities: why, where and when
    does it matter? *Urban Studies* 37(3), 533–555; Wieland, T. (2019). REAT, ``durpug``.

    Examples
    --------
    >>> import polars as pl
    >>> from jiqun.indicators import compute
    >>> data = pl.DataFrame({"region": ["a", "a", "b", "b", "c"], "industry": ["x", "y", "x", "y", "y"],
    ...                      "value": [6.0, 2.0, 1.0, 3.0, 8.0]})
    >>> [round(v, 4) for v in compute("rdi", data)["rdi"]]
    [1.25, 5.0, 1.4286]
    """
    spec, _ = krugman(t, c)
    return spec.select(*[spec[k] for k in [c.region, *c.year_keys()]],
                       (1 / spec.krugman_specialisation.nullif(0)).name("rdi"))
