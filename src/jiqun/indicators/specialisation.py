"""Shares, location quotients and the indices of specialisation and concentration.

Notation (per year when the table has one): :math:`x_{ri}` the value of region *r* in industry
*i*; :math:`x_r = \\sum_i x_{ri}`, :math:`x_i = \\sum_r x_{ri}`, :math:`x = \\sum_{r,i} x_{ri}`.
Every function takes an Ibis long table (see :mod:`jiqun.indicators.engine`) and returns an Ibis
expression, so that one definition runs on every backend.
"""

from __future__ import annotations

import ibis
from ibis.expr.types import Table

from jiqun.indicators.engine import Columns


def _with_totals(t: Table, c: Columns) -> Table:
    keys = c.year_keys()
    value = t[c.value]
    return t.mutate(
        jq_region_total=value.sum().over(group_by=[t[c.region], *[t[k] for k in keys]]),
        jq_industry_total=value.sum().over(group_by=[t[c.industry], *[t[k] for k in keys]]),
        jq_total=value.sum().over(group_by=[t[k] for k in keys]) if keys else value.sum().over(),
    )


def location_quotient(t: Table, c: Columns) -> Table:
    """Location quotient (区位熵) and the two shares it compares.

    .. math:: LQ_{ri} = \\frac{x_{ri} / x_r}{x_i / x}

    A region with no value at all, or an industry absent everywhere, gets a null LQ rather than a
    division by zero.

    References
    ----------
    Balland, P.-A. (2017). *Economic Geography in R: Introduction to the EconGeo package*
    (``location_quotient``); Isard, W. (1960). *Methods of Regional Analysis*. MIT Press.

    Examples
    --------
    >>> import polars as pl
    >>> from jiqun.indicators import compute
    >>> data = pl.DataFrame({"region": ["a", "a", "b"], "industry": ["x", "y", "x"],
    ...                      "value": [1.0, 3.0, 4.0]})
    >>> compute("lq", data)["lq"].to_list()
    [0.4, 2.0, 1.6]
    """
    t = _with_totals(t, c)
    share_in_region = t[c.value] / t.jq_region_total.nullif(0)
    share_in_nation = t.jq_industry_total / t.jq_total.nullif(0)
    share_of_industry = t[c.value] / t.jq_industry_total.nullif(0)
    return t.select(
        t[c.region], t[c.industry], *[t[k] for k in c.year_keys()],
        share_in_region.name("share_in_region"), share_of_industry.name("share_of_industry"),
        (share_in_region / share_in_nation.nullif(0)).name("lq"),
    )


def presence(t: Table, c: Columns, threshold: float = 1.0) -> Table:
    """Binary presence (revealed comparative advantage) :math:`M_{ri} = [LQ_{ri} \\ge` threshold].

    LQ equal to the threshold counts as present, as in Hidalgo & Hausmann (2009) and EconGeo's
    ``RCA(binary = TRUE)``.
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
    """
    t = _with_totals(t, c)
    gap = (t[c.value] / t.jq_industry_total.nullif(0) - t.jq_region_total / t.jq_total.nullif(0)).abs()
    keys = [c.industry, *c.year_keys()]
    return t.mutate(gap=gap).group_by(keys).agg(hoover=(0.5 * ibis._.gap.sum()))


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
    """
    t = _with_totals(t, c)
    spec = (t[c.value] / t.jq_region_total.nullif(0) - t.jq_industry_total / t.jq_total.nullif(0)).abs()
    conc = (t[c.value] / t.jq_industry_total.nullif(0) - t.jq_region_total / t.jq_total.nullif(0)).abs()
    t = t.mutate(spec=spec, conc=conc)
    by_region = t.group_by([c.region, *c.year_keys()]).agg(krugman_specialisation=ibis._.spec.sum())
    by_industry = t.group_by([c.industry, *c.year_keys()]).agg(krugman_concentration=ibis._.conc.sum())
    return by_region, by_industry


def herfindahl(t: Table, c: Columns, within: str = "industry") -> Table:
    """Herfindahl–Hirschman index of regions within each industry (or of industries in a region).

    .. math:: HHI_i = \\sum_r s_{ri}^2, \\quad s_{ri} = x_{ri} / x_i; \\qquad
              HHI^*_i = \\frac{HHI_i - 1/N}{1 - 1/N}; \\qquad N^{eq}_i = 1 / HHI_i

    *N* is the number of units with a positive value. HHI lies in [1/N, 1]; the normalised index in
    [0, 1] (0 when N = 1 is undefined and reported as null).

    References
    ----------
    Hirschman, A. O. (1964). The paternity of an index. *American Economic Review* 54(5), 761;
    Herfindahl, O. C. (1950). *Concentration in the U.S. Steel Industry*. Columbia University.
    """
    group, unit = (c.industry, c.region) if within == "industry" else (c.region, c.industry)
    keys = [group, *c.year_keys()]
    t = t.filter(t[c.value] > 0)
    t = t.mutate(total=t[c.value].sum().over(group_by=[t[k] for k in keys]))
    t = t.mutate(share=t[c.value] / t.total)
    out = t.group_by(keys).agg(hhi=(ibis._.share ** 2).sum(), n=ibis._[unit].nunique())
    n = out.n.cast("float64")
    return out.mutate(
        hhi_normalised=((out.hhi - 1 / n) / (1 - 1 / n).nullif(0)),
        equivalent_number=1 / out.hhi,
    )


def concentration_ratio(t: Table, c: Columns, n: int = 4, within: str = "industry") -> Table:
    """CRn: the share of the *n* largest regions in each industry (or industries in a region).

    .. math:: CR_n(i) = \\sum_{k=1}^{n} s_{(k)i}, \\quad s_{(1)i} \\ge s_{(2)i} \\ge \\dots

    References
    ----------
    Bain, J. S. (1951). Relation of profit rate to industry concentration. *Quarterly Journal of
    Economics* 65(3), 293–324.
    """
    group = c.industry if within == "industry" else c.region
    keys = [group, *c.year_keys()]
    t = t.filter(t[c.value] > 0)
    window = ibis.window(group_by=[t[k] for k in keys], order_by=[ibis.desc(t[c.value])])
    t = t.mutate(total=t[c.value].sum().over(group_by=[t[k] for k in keys]),
                 rank=ibis.row_number().over(window))
    top = t.filter(t["rank"] < n)
    return top.group_by(keys).agg(**{f"cr{n}": (top[c.value] / top.total).sum()})
