"""Agglomeration from firm data: Ellison–Glaeser γ, co-agglomeration, Litzenberger–Sternberg.

Notation (per year when the table has one): :math:`x_{ri}` the value (usually employment) of
region *r* in industry *i*, :math:`s_{ri} = x_{ri}/x_i` the region's share of the industry,
:math:`s_r = x_r / x` its share of the whole table; firms *f* (plants: a firm in two regions
counts as two plants).
"""

from __future__ import annotations

import warnings

import ibis
import numpy as np
import polars as pl
from ibis.expr.types import Table

from jiqun.errors import InputError
from jiqun.indicators.engine import Columns, cells, establishments_column, firm_cells, with_sum


def _region_shares(cell: Table, c: Columns) -> tuple[Table, Table]:
    """Each region's share :math:`s_r` of the table, and :math:`\\sum_r s_r^2` per year."""
    years = c.year_keys()
    region = cell.group_by([c.region, *years]).agg(jq_region_value=cell[c.value].sum())
    region = with_sum(region, region.jq_region_value, years, "jq_value_total")
    region = region.mutate(jq_region_share=region.jq_region_value / region.jq_value_total.nullif(0))
    squares = (region.group_by(years) if years else region).agg(
        jq_sum_sr2=(region.jq_region_share ** 2).sum())
    return region.select(c.region, *years, "jq_region_share"), squares


def _join_years(left: Table, right: Table, years: list[str]) -> Table:
    return left.inner_join(right, years) if years else left.cross_join(right)


def ellison_glaeser(t: Table, c: Columns, cell_table: Table | None = None) -> Table:
    """Ellison–Glaeser agglomeration index γ of each industry, with its parts.

    .. math::
        \\gamma_i = \\frac{G_i - (1 - \\sum_r s_r^2) H_i}{(1 - \\sum_r s_r^2)(1 - H_i)}, \\qquad
        G_i = \\sum_r (s_{ri} - s_r)^2, \\qquad H_i = \\sum_f z_{fi}^2

    with :math:`z_{fi}` plant *f*'s share of industry *i* and the sums over *all* regions of the
    table (regions without the industry contribute :math:`s_r^2` to *G*). γ ≈ 0 means the industry
    is no more concentrated than firms dropped at random (dartboard); EG call γ > 0.05 highly
    concentrated. Needs a firm column; γ is null for an industry with a single plant (H = 1).
    ``cell_table``: the firms already added up per cell (:func:`~jiqun.indicators.engine.cells`
    of ``t``), when the caller has them.

    References
    ----------
    Ellison, G. & Glaeser, E. L. (1997). Geographic concentration in U.S. manufacturing
    industries: a dartboard approach. *Journal of Political Economy* 105(5), 889–927;
    Farhauer, O. & Kröll, A. (2014). *Standorttheorien*. Springer (worked example, reproduced by
    REAT's ``ellison.a``: γ = 0.05990628).

    Examples
    --------
    >>> import polars as pl
    >>> from jiqun.indicators import compute
    >>> firms = pl.DataFrame({"region": ["a", "a", "a", "b", "b", "c"],
    ...                       "industry": ["x", "x", "y", "x", "y", "y"],
    ...                       "firm": ["1", "2", "3", "4", "5", "6"],
    ...                       "value": [40.0, 40.0, 20.0, 20.0, 30.0, 50.0]})
    >>> [round(v, 4) for v in compute("eg", firms, firm="firm")["eg"]]
    [-0.175, -0.2129]
    """
    if c.firm is None:
        raise InputError.single("Ellison–Glaeser 指数需要企业列（计算企业规模的赫芬达尔指数 H）",
                                column="--firm", expected="企业标识列（如统一社会信用代码）")
    years = c.year_keys()
    industry_keys = [c.industry, *years]
    cell = cells(t, c) if cell_table is None else cell_table
    regions, squares = _region_shares(cell, c)
    cell = with_sum(cell, cell[c.value], industry_keys, "jq_industry_value")
    cell = cell.inner_join(regions, [c.region, *years])
    share = cell[c.value] / cell.jq_industry_value.nullif(0)
    present = (share - cell.jq_region_share) ** 2 - cell.jq_region_share ** 2
    raw = cell.mutate(jq_part=present).group_by(industry_keys).agg(jq_g_present=ibis._.jq_part.sum())
    plants = _plant_herfindahl(t, c)
    out = _join_years(raw.inner_join(plants, industry_keys), squares, years)
    g = out.jq_g_present + out.jq_sum_sr2
    spread = 1 - out.jq_sum_sr2
    gamma = (g - spread * out.plant_herfindahl) / (spread * (1 - out.plant_herfindahl)).nullif(0)
    return out.select(*[out[k] for k in industry_keys], gamma.name("eg"), g.name("raw_concentration"),
                      out.plant_herfindahl, out.plants)


def _plant_herfindahl(t: Table, c: Columns) -> Table:
    keys = [c.industry, *c.year_keys()]
    plant = firm_cells(t, c)
    plant = plant.filter(plant[c.value] > 0)
    size = plant[c.value]
    # Σ z² = Σ p² / (Σ p)² in one aggregation (plants are unique per industry × year)
    return plant.group_by(keys).agg(plant_herfindahl=(size * size).sum() / (size.sum() * size.sum()),
                                    plants=plant.count())


def litzenberger(t: Table, c: Columns) -> Table:
    """Litzenberger–Sternberg cluster index of each region × industry.

    .. math::
        CI_{ri} = \\frac{IDI_{ri}\\,IBD_{ri}}{IGI_{ri}}, \\quad
        IDI_{ri} = \\frac{x_{ri}/a_r}{x_i/a}, \\quad IBD_{ri} = \\frac{x_{ri}/p_r}{x_i/p}, \\quad
        IGI_{ri} = \\frac{x_{ri}/b_{ri}}{x_i/b_i}

    relative industrial density (per area *a*), relative industrial stock (per inhabitant *p*)
    and relative establishment size (*b* establishments); *a* and *p* are the totals over the
    regions of the table. A region needs area and population columns; establishments are the
    number of distinct firms, or an establishments column.

    References
    ----------
    Sternberg, R. & Litzenberger, T. (2004). Regional clusters in Germany — their geography and
    their relevance for entrepreneurial activities. *European Planning Studies* 12(6), 767–791;
    Farhauer, O. & Kröll, A. (2014). *Standorttheorien*. Springer (worked example, reproduced by
    REAT's ``litzenberger``: 21.87491).

    Examples
    --------
    >>> import polars as pl
    >>> from jiqun.indicators import compute
    >>> data = pl.DataFrame({"region": ["a", "b"], "industry": ["x", "x"], "value": [30.0, 10.0],
    ...                      "area": [100.0, 300.0], "pop": [5.0, 15.0], "firms": [3.0, 2.0]})
    >>> result = compute("litzenberger", data, area="area", population="pop", establishments="firms")
    >>> [round(v, 4) for v in result["litzenberger"]]
    [7.2, 0.1778]
    """
    establishments = establishments_column(c)
    if not (c.area and c.population and establishments):
        raise InputError.single("Litzenberger–Sternberg 指数需要面积、人口和企业（或企业数）列",
                                column="--area/--population/--firm", expected="各地区面积、人口与企业标识列")
    years = c.year_keys()
    cell = cells(t, c)
    region = cell.group_by([c.region, *years]).agg(jq_area=cell[c.area].max(),
                                                   jq_pop=cell[c.population].max())
    totals = (region.group_by(years) if years else region).agg(
        jq_area_total=region.jq_area.sum(), jq_pop_total=region.jq_pop.sum())
    ind_keys = [c.industry, *years]
    industry = cell.group_by(ind_keys).agg(jq_x_i=cell[c.value].sum(), jq_b_i=cell[establishments].sum())
    cell = cell.inner_join(industry, ind_keys)
    cell = _join_years(cell.inner_join(region, [c.region, *years]), totals, years)
    density = (cell[c.value] / cell.jq_area.nullif(0)) / (cell.jq_x_i / cell.jq_area_total).nullif(0)
    stock = (cell[c.value] / cell.jq_pop.nullif(0)) / (cell.jq_x_i / cell.jq_pop_total).nullif(0)
    size = (cell[c.value] / cell[establishments].nullif(0)) / (cell.jq_x_i / cell.jq_b_i.nullif(0)).nullif(0)
    index = density * stock / size.nullif(0)
    return cell.select(*[cell[k] for k in c.cell_keys()], index.name("litzenberger"),
                       density.name("industrial_density"), stock.name("industrial_stock"),
                       size.name("establishment_size"))


def coagglomeration_frame(cell: pl.DataFrame, c: Columns) -> pl.DataFrame:
    """Pairwise co-agglomeration of industries after Ellison, Glaeser & Kerr (2010).

    .. math:: \\gamma^c_{ij} = \\frac{\\sum_r (s_{ri} - s_r)(s_{rj} - s_r)}{1 - \\sum_r s_r^2}

    over all regions of the table, one row per unordered pair (i < j) per year. The index of an
    industry with itself equals its Ellison–Glaeser γ with H = 0. Computed on the collected
    region × industry matrix (dense; about 2,900 × 1,400 fits in 32 MB).

    References
    ----------
    Ellison, G., Glaeser, E. L. & Kerr, W. R. (2010). What causes industry agglomeration?
    Evidence from coagglomeration patterns. *American Economic Review* 100(3), 1195–1213.

    Examples
    --------
    >>> import polars as pl
    >>> from jiqun.indicators import compute
    >>> data = pl.DataFrame({"region": ["a", "a", "b", "b", "c"], "industry": ["x", "y", "x", "y", "y"],
    ...                      "value": [6.0, 2.0, 1.0, 3.0, 8.0]})
    >>> [round(v, 4) for v in compute("coagglomeration", data)["coagglomeration"]]
    [-0.3132]
    """
    parts = [cell] if c.year is None else cell.partition_by(c.year, maintain_order=True)
    frames = [_coagglomeration_year(part, c) for part in parts]
    return pl.concat(frames) if frames else pl.DataFrame()


def _coagglomeration_year(cell: pl.DataFrame, c: Columns) -> pl.DataFrame:
    regions = cell[c.region].unique().sort()
    industries = cell[c.industry].unique().sort()
    matrix = np.zeros((len(regions), len(industries)))
    r = cell[c.region].cast(pl.Enum(regions)).to_physical().to_numpy()
    i = cell[c.industry].cast(pl.Enum(industries)).to_physical().to_numpy()
    np.add.at(matrix, (r, i), cell[c.value].to_numpy())
    total = matrix.sum()
    if total <= 0:
        raise InputError.single("全部数值为 0，无法计算共聚指数", column=c.value, expected="至少一个正数")
    region_share = matrix.sum(axis=1) / total
    industry_total = matrix.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        gap = matrix / industry_total - region_share[:, None]
    spread = 1 - float(region_share @ region_share)
    if spread <= 0:
        warnings.warn("只有一个地区有数值，共聚指数无定义（co-agglomeration undefined for one region）",
                      stacklevel=3)
    index = (gap.T @ gap) / spread if spread > 0 else np.full((len(industries),) * 2, np.nan)
    first, second = np.triu_indices(len(industries), k=1)
    out = pl.DataFrame({c.industry: industries.gather(first), "industry_2": industries.gather(second),
                        "coagglomeration": index[first, second]})
    return out.with_columns(pl.lit(cell[c.year][0]).alias(c.year)) if c.year else out
