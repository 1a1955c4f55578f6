"""Growth and shift-share decompositions between a base year *b* and a final year *f*.

Notation: :math:`x_{ri}^{t}` the value of region *r* in industry *i* in year *t*; national
totals :math:`X^t = \\sum_{r,i} x_{ri}^t`, :math:`X_i^t = \\sum_r x_{ri}^t`, regional totals
:math:`x_r^t = \\sum_i x_{ri}^t`; growth rates :math:`g = X^f / X^b - 1`,
:math:`g_i = X_i^f / X_i^b - 1`.
"""

from __future__ import annotations

import ibis
from ibis.expr.types import Table

from jiqun.errors import InputError
from jiqun.indicators.engine import Columns, with_sum


def _two_years(t: Table, c: Columns, base: int, final: int) -> Table:
    """One row per region × industry with ``x_b`` and ``x_f`` (0 where absent)."""
    if c.year is None:
        raise InputError.single("增长与偏离–份额分析需要年份列", column="--year", expected="年份列名")
    if final <= base:
        raise InputError.single("末年应晚于基年", column="--final", value=str(final),
                                expected=f"晚于 {base} 的年份")
    year = t[c.year]
    both = t.filter(year.isin([base, final]))
    return both.group_by([c.region, c.industry]).agg(
        x_b=ibis.ifelse(both[c.year] == base, both[c.value], 0.0).sum(),
        x_f=ibis.ifelse(both[c.year] == final, both[c.value], 0.0).sum(),
    )


def growth(t: Table, c: Columns, base: int, final: int) -> Table:
    """Absolute change and compound annual growth rate of each region × industry.

    .. math:: \\Delta_{ri} = x_{ri}^f - x_{ri}^b, \\qquad
              CAGR_{ri} = \\left(x_{ri}^f / x_{ri}^b\\right)^{1/(f-b)} - 1

    CAGR is null when the base value is 0.

    Examples
    --------
    >>> import polars as pl
    >>> from jiqun.indicators import compute
    >>> data = pl.DataFrame({"region": ["a", "a", "b"] * 2, "industry": ["x", "y", "x"] * 2,
    ...                      "year": [2020] * 3 + [2022] * 3, "value": [100.0, 50, 50, 121, 50, 75]})
    >>> [(r, i, c, round(g, 4)) for r, i, c, g in
    ...  compute("growth", data, year="year").select("region", "industry", "change", "cagr").rows()]
    [('a', 'x', 21.0, 0.1), ('a', 'y', 0.0, 0.0), ('b', 'x', 25.0, 0.2247)]
    """
    w = _two_years(t, c, base, final)
    ratio = w.x_f / w.x_b.nullif(0)
    return w.mutate(change=w.x_f - w.x_b, cagr=ratio.pow(1.0 / (final - base)) - 1)


def shift_share(t: Table, c: Columns, base: int, final: int) -> Table:
    """Shift-share decomposition after Dunn and after Esteban-Marquillas.

    .. math::
        NS_{ri} = x_{ri}^b g, \\quad IM_{ri} = x_{ri}^b (g_i - g), \\quad
        RS_{ri} = (x_{ri}^f - x_{ri}^b) - NS_{ri} - IM_{ri}

    (national share, industry mix, regional shift; RS equals :math:`x_{ri}^b (g_{ri} - g_i)`
    when the base value is positive, and the three sum to the change by construction). Where the
    industry had nothing anywhere in the base year its growth rate is undefined and the three
    components are null, not guessed.
    Esteban-Marquillas splits RS with the homothetic base value
    :math:`\\hat x_{ri}^b = x_r^b X_i^b / X^b`: competitive effect
    :math:`\\hat x_{ri}^b (g_{ri} - g_i)` and allocation effect
    :math:`(x_{ri}^b - \\hat x_{ri}^b)(g_{ri} - g_i)` (both null when :math:`x_{ri}^b = 0`).

    References
    ----------
    Dunn, E. S. (1960). A statistical and analytical technique for regional analysis. *Papers of
    the Regional Science Association* 6, 97–112; Esteban-Marquillas, J. M. (1972). A
    reinterpretation of shift-share analysis. *Regional and Urban Economics* 2(3), 249–255.

    Examples
    --------
    >>> import polars as pl
    >>> from jiqun.indicators import compute
    >>> data = pl.DataFrame({"region": ["a", "a", "b"] * 2, "industry": ["x", "y", "x"] * 2,
    ...                      "year": [2020] * 3 + [2022] * 3, "value": [100.0, 50, 50, 121, 50, 75]})
    >>> parts = compute("shift_share", data, year="year")
    >>> [[round(v, 2) for v in row] for row in
    ...  parts.select("national_share", "industry_mix", "regional_shift").rows()]
    [[23.0, 7.67, -9.67], [11.5, -11.5, 0.0], [11.5, 3.83, 9.67]]
    """
    w = _two_years(t, c, base, final)
    # SQL identifiers are case-insensitive: national and industry totals get names of their own
    for value, keys, name in ((w.x_b, [], "nation_b"), (w.x_f, [], "nation_f"),
                              (w.x_b, [c.industry], "industry_b"), (w.x_f, [c.industry], "industry_f"),
                              (w.x_b, [c.region], "region_b")):
        w = with_sum(w, w[value.get_name()], keys, name)
    g = w.nation_f / w.nation_b.nullif(0) - 1
    g_i = w.industry_f / w.industry_b.nullif(0) - 1
    g_ri = w.x_f / w.x_b.nullif(0) - 1
    national = w.x_b * g
    mix = w.x_b * (g_i - g)
    homothetic = w.region_b * w.industry_b / w.nation_b.nullif(0)
    return w.select(
        w[c.region], w[c.industry], w.x_b, w.x_f, (w.x_f - w.x_b).name("change"),
        national.name("national_share"), mix.name("industry_mix"),
        ((w.x_f - w.x_b) - national - mix).name("regional_shift"),
        (homothetic * (g_ri - g_i)).name("competitive_effect"),
        ((w.x_b - homothetic) * (g_ri - g_i)).name("allocation_effect"),
    )
