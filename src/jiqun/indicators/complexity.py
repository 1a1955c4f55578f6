r"""Economic complexity: ECI, PCI, proximity, relatedness density, COI and COG.

Notation (per year when the table has one): :math:`x_{cp}` the value of region *c* in industry
*p*; :math:`M_{cp} \in \{0, 1\}` the presence matrix; diversity :math:`d_c = \sum_p M_{cp}` and
ubiquity :math:`u_p = \sum_c M_{cp}`; :math:`D = \mathrm{diag}(d)`, :math:`U = \mathrm{diag}(u)`.

Conventions, by default those of the Growth Lab's ``ecomplexity`` package (Python 0.5.3, the port
of the Stata command), checked against it to a relative 1e-9 in the tests and the benchmark:

* presence is :math:`M_{cp} = [RCA_{cp} \ge` threshold] with Balassa's RCA (RCA equal to the
  threshold counts as present; an undefined RCA counts as absent);
* :math:`k_p` is the eigenvector of :math:`\tilde M = U^{-1} M^\top D^{-1} M` for its second
  largest eigenvalue :math:`\lambda_2`, and :math:`k_c = D^{-1} M k_p` (the mean of :math:`k_p`
  over the industries present in *c*, *not* divided by :math:`\lambda_2`);
* the sign makes :math:`k_c` positively correlated with diversity;
* :math:`ECI = (k_c - \bar k_c) / \sigma(k_c)` and, by default, PCI is standardised with the
  *same* mean and standard deviation: :math:`PCI = (k_p - \bar k_c) / \sigma(k_c)`; standard
  deviations are population ones (ddof = 0);
* proximity :math:`\phi_{pp'} = \sum_c M_{cp} M_{cp'} / \max(u_p, u_{p'})` with a unit diagonal;
* COI is standardised over regions; COG is divided by :math:`\sigma(k_c)` but not recentred.

Because the rows of :math:`D^{-1} M` sum to one, the default convention makes ECI *exactly* the
mean PCI of the industries present in a region, :math:`ECI = D^{-1} M \, PCI`. The converse
holds only up to the eigenvalue: the mean ECI of the regions that host *p* is
:math:`U^{-1} M^\top ECI = \lambda_2 (PCI + t) - t` with the constant
:math:`t = \bar k_c / \sigma(k_c)`. With ``pci_normalisation="self"`` (PCI standardised by its own
mean and deviation) the mean PCI of a region is an affine function of its ECI, no longer equal.

Where ``ecomplexity`` returns NaN everywhere or an arbitrary vector, this module differs:

* regions with no presence and industries present nowhere are set aside (null complexity)
  instead of turning every value into NaN;
* when the region–industry graph is disconnected the eigenvector problem is solved on its largest
  connected component, because the "second eigenvector" of a disconnected graph only says which
  component a region belongs to;
* when ECI is uncorrelated with diversity (ecomplexity: NaN) the sign makes PCI fall with
  ubiquity, and if that fails too it is left as computed;
* with ``rca=False`` the values are thresholded; ecomplexity's ``presence_test="manual"`` would
  use continuous values as they are (0/1 input gives the same result).

Each of these cases (and a degenerate second eigenvalue) emits a :class:`ComplexityWarning`,
except the first, which is documented in the results as nulls. The eigenvector comes from the
symmetric matrix :math:`A^\top A` (or :math:`A A^\top`, whichever is smaller) with
:math:`A = D^{-1/2} M U^{-1/2}`, which is similar to :math:`\tilde M`, after deflating its known
leading eigenvector :math:`U^{1/2} \mathbf 1` (eigenvalue 1); every matrix product goes through
BLAS in floating point, which is exact for the integer counts of 0/1 matrices.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np
import polars as pl
from numpy.typing import ArrayLike, NDArray
from scipy import sparse
from scipy.linalg import eigh
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import ArpackNoConvergence, eigsh

from jiqun.errors import InputError
from jiqun.indicators.engine import Columns

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

PCI_NORMALISATIONS = ("eci", "self")
DIAGONALS = ("one", "zero")
#: eigenvalue gaps below this make the second eigenvector not unique (eigenvalues lie in [0, 1])
DEGENERATE_GAP = 1e-10
#: a second eigenvalue below this means every region has the same structure: complexity undefined
ZERO_EIGENVALUE = 1e-10
#: correlations below this (in absolute value) are rounding noise: they cannot orient ECI
UNCORRELATED = 1e-9
#: up to this size the deflated Gram matrix is solved densely, beyond it with Lanczos (ARPACK,
#: deterministic start vector), which may not see that λ₂ is a repeated eigenvalue
DENSE_EIGEN_LIMIT = 500


class ComplexityWarning(UserWarning):
    """The data allow only a partial or non-unique complexity result (results are still returned)."""


@dataclass(frozen=True)
class Complexity:
    """ECI and PCI of one presence matrix, with what COI and COG need.

    Attributes
    ----------
    eci, pci
        Standardised complexity of each region and industry; NaN where undefined.
    pci_unshifted
        :math:`k_p / \\sigma(k_c)`: PCI on the ECI scale but not recentred, which the Growth Lab
        uses to weight COI and COG.
    eigenvalue
        :math:`\\lambda_2`, the eigenvalue of :math:`k_p` (NaN when undefined).
    regions, industries
        Which rows and columns have a complexity value (the largest connected component of the
        regions with presence and the industries present somewhere).
    """

    eci: FloatArray
    pci: FloatArray
    pci_unshifted: FloatArray
    eigenvalue: float
    regions: BoolArray
    industries: BoolArray


class ComplexityTables(NamedTuple):
    """The three tables of :func:`complexity_tables`."""

    complexity: pl.DataFrame
    proximity: pl.DataFrame
    density: pl.DataFrame


# --- matrices -------------------------------------------------------------------------------


def rca_matrix(values: ArrayLike) -> FloatArray:
    r"""Balassa's revealed comparative advantage of every region (row) in every industry (column).

    .. math:: RCA_{cp} = \frac{x_{cp} / \sum_{p'} x_{cp'}}{\sum_{c'} x_{c'p} / \sum_{c',p'} x_{c'p'}}

    NaN where the region or the industry has no value at all (0 / 0).

    References
    ----------
    Balassa, B. (1965). Trade liberalisation and "revealed" comparative advantage. *The Manchester
    School* 33(2), 99–123.

    Examples
    --------
    >>> rca_matrix([[1.0, 3.0], [4.0, 0.0]]).round(4).tolist()
    [[0.4, 2.0], [1.6, 0.0]]
    """
    return _rca(_value_matrix(values, "values"))


def presence_matrix(values: ArrayLike, *, threshold: float = 1.0, rca: bool = True) -> FloatArray:
    r"""The 0/1 presence matrix :math:`M_{cp} = [RCA_{cp} \ge \text{threshold}]`.

    With ``rca=False`` the values are taken as given and only thresholded,
    :math:`M_{cp} = [x_{cp} \ge \text{threshold}]` (a 0/1 input stays as it is with the default
    threshold 1). An undefined RCA counts as absent.

    References
    ----------
    Hidalgo, C. A., & Hausmann, R. (2009). The building blocks of economic complexity. *PNAS*
    106(26), 10570–10575.

    Examples
    --------
    >>> presence_matrix([[1.0, 3.0], [4.0, 0.0]]).tolist()
    [[0.0, 1.0], [1.0, 0.0]]
    """
    _check_threshold(threshold)
    x = _value_matrix(values, "values")
    return _presence(_rca(x) if rca else x, threshold)


def economic_complexity(mcp: ArrayLike, *, pci_normalisation: str = "eci") -> Complexity:
    r"""ECI of the regions and PCI of the industries of a presence matrix.

    .. math::
        \tilde M = U^{-1} M^\top D^{-1} M, \quad \tilde M k_p = \lambda_2 k_p, \quad
        k_c = D^{-1} M k_p, \quad ECI = \frac{k_c - \bar k_c}{\sigma(k_c)}, \quad
        PCI = \frac{k_p - \bar k_c}{\sigma(k_c)}

    :math:`\lambda_2` is the second largest eigenvalue and the sign makes ECI increase with
    diversity (failing that, PCI decrease with ubiquity; failing both, it is arbitrary and a
    :class:`ComplexityWarning` says so). With ``pci_normalisation="self"``,
    :math:`PCI = (k_p - \bar k_p) / \sigma(k_p)`. Under the default, ECI is exactly the mean PCI of
    the industries present in the region (see the module notes for the converse relation).

    Regions with no presence and industries present nowhere get NaN. When the bipartite graph is
    disconnected only its largest component gets values; when :math:`\lambda_2` is degenerate the
    result is one of many; when fewer than two regions or industries are left, or every region
    has the same structure (:math:`\lambda_2 = 0`), everything is NaN. Each of these cases emits
    a :class:`ComplexityWarning` and never raises.

    References
    ----------
    Hidalgo, C. A., & Hausmann, R. (2009). The building blocks of economic complexity. *PNAS*
    106(26), 10570–10575; Hausmann, R., Hidalgo, C. A., et al. (2014). *The Atlas of Economic
    Complexity*. MIT Press; Growth Lab, ``ecomplexity`` (Python/Stata), version 0.5.3.

    Examples
    --------
    >>> import numpy as np
    >>> nested = np.array([[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0]])
    >>> result = economic_complexity(nested)
    >>> round(result.eigenvalue, 6), result.eci.round(4).tolist()
    (0.25, [1.3416, 0.4472, -0.4472, -1.3416])
    >>> result.pci.round(4).tolist()
    [-1.3416, 0.4472, 2.2361, 4.0249]
    >>> (nested @ result.pci / nested.sum(axis=1)).round(4).tolist()  # ECI = mean PCI present
    [1.3416, 0.4472, -0.4472, -1.3416]
    """
    _check_choice(pci_normalisation, PCI_NORMALISATIONS, "pci_normalisation")
    return _complexity(_presence_input(mcp), pci_normalisation, "")


def eci_pci(mcp: ArrayLike, *, pci_normalisation: str = "eci") -> tuple[FloatArray, FloatArray]:
    """``(eci, pci)`` of a presence matrix: a shortcut for :func:`economic_complexity`.

    Examples
    --------
    >>> nested = [[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0]]
    >>> eci, pci = eci_pci(nested, pci_normalisation="self")
    >>> pci.round(4).tolist()
    [-1.3416, -0.4472, 0.4472, 1.3416]
    """
    result = economic_complexity(mcp, pci_normalisation=pci_normalisation)
    return result.eci, result.pci


def proximity(mcp: ArrayLike, *, diagonal: str = "one") -> FloatArray:
    r"""Proximity of every pair of industries (Hidalgo et al. 2007).

    .. math:: \phi_{pp'} = \frac{\sum_c M_{cp} M_{cp'}}{\max(u_p, u_{p'})}

    The minimum of the two conditional probabilities of co-presence: symmetric, in [0, 1], with
    diagonal 1 (``diagonal="zero"`` sets it to 0). Rows and columns of industries present
    nowhere are NaN.

    References
    ----------
    Hidalgo, C. A., Klinger, B., Barabási, A.-L., & Hausmann, R. (2007). The product space
    conditions the development of nations. *Science* 317(5837), 482–487.

    Examples
    --------
    >>> proximity([[1, 1, 1], [1, 1, 0], [1, 0, 0]]).round(4).tolist()
    [[1.0, 0.6667, 0.3333], [0.6667, 1.0, 0.5], [0.3333, 0.5, 1.0]]
    """
    _check_choice(diagonal, DIAGONALS, "diagonal")
    return _proximity(_presence_input(mcp), diagonal)


def density(mcp: ArrayLike, phi: ArrayLike) -> FloatArray:
    r"""Relatedness density of every region around every industry.

    .. math:: \omega_{cp} = \frac{\sum_{p'} M_{cp'} \phi_{pp'}}{\sum_{p'} \phi_{pp'}}

    In [0, 1] for a proximity in [0, 1]; 1 − ω is the *distance*. NaN in the columns of
    industries whose proximities are all zero or NaN (present nowhere, or with a zero diagonal
    and no co-present industry). NaN proximities count as 0 in the sums.

    References
    ----------
    Hidalgo, C. A., Klinger, B., Barabási, A.-L., & Hausmann, R. (2007). The product space
    conditions the development of nations. *Science* 317(5837), 482–487.

    Examples
    --------
    >>> m = [[1, 1, 1], [1, 1, 0], [1, 0, 0]]
    >>> density(m, proximity(m))[2].round(4).tolist()  # 1/2, 4/13, 2/11
    [0.5, 0.3077, 0.1818]
    """
    m = _presence_input(mcp)
    return _density(m, _proximity_input(phi, m.shape[1]))


def coi(mcp: ArrayLike, omega: ArrayLike, result: Complexity) -> FloatArray:
    r"""Complexity outlook index of every region, standardised over the regions with an ECI.

    .. math:: COI_c = z\Big(\sum_p \omega_{cp} (1 - M_{cp}) \, k_p\Big)

    :math:`z` standardises (ddof = 0); the scale of :math:`k_p` cancels. NaN for regions without
    an ECI, and everywhere when all regions have the same outlook.

    References
    ----------
    Hausmann, R., Hidalgo, C. A., et al. (2014). *The Atlas of Economic Complexity*. MIT Press.

    Examples
    --------
    >>> m = [[1, 1, 1], [1, 1, 0], [1, 0, 0]]
    >>> coi(m, density(m, proximity(m)), economic_complexity(m)).round(4).tolist()
    [-1.2772, 1.1645, 0.1127]
    """
    m = _presence_input(mcp)
    return _coi(m, _matrix_like(omega, m.shape, "omega"), result)


def cog(mcp: ArrayLike, phi: ArrayLike, result: Complexity) -> FloatArray:
    r"""Complexity outlook gain of every region from every industry it does not have.

    .. math::
        COG_{cp} = (1 - M_{cp}) \sum_{p'} \frac{\phi_{pp'}}{\sum_{p''} \phi_{p'p''}}
        (1 - M_{cp'}) \frac{k_{p'}}{\sigma(k_c)}

    PCI enters rescaled by the ECI deviation but not recentred, as in the Growth Lab's package.
    0 where the region already has the industry; NaN in the columns of industries without a PCI.

    References
    ----------
    Hausmann, R., Hidalgo, C. A., et al. (2014). *The Atlas of Economic Complexity*. MIT Press.

    Examples
    --------
    >>> m = [[1, 1, 1], [1, 1, 0], [1, 0, 0]]
    >>> cog(m, proximity(m), economic_complexity(m))[2].round(4).tolist()  # (0, 222, 345)/(143·√1.5)
    [0.0, 1.2676, 1.9699]
    """
    m = _presence_input(mcp)
    return _cog(m, _proximity_input(phi, m.shape[1]), result)


# --- tables ---------------------------------------------------------------------------------


def complexity_frame(long: pl.DataFrame, cols: Columns, *, threshold: float = 1.0, rca: bool = True,
                     pci_normalisation: str = "eci") -> pl.DataFrame:
    """ECI, diversity and COI of every region, PCI and ubiquity of every industry.

    One row per region and per industry (per year when ``cols.year`` is set) with columns
    ``unit`` ("region" or "industry"), ``code``, [year], ``degree`` (diversity of a region,
    ubiquity of an industry), ``complexity`` (ECI of a region, PCI of an industry) and ``coi``
    (null for industries). Formulas and conventions: :func:`economic_complexity` and :func:`coi`.
    The codes of a year are those that appear in that year's rows; absent combinations count as
    0 and repeated ones are added up. Complexity is null for a region with no presence, an
    industry present nowhere and everything outside the largest connected component (see the
    module notes); a year where nothing can be computed gets nulls and a
    :class:`ComplexityWarning`.

    ``rca=False`` takes the value as a presence indicator, thresholded at ``threshold``.

    Examples
    --------
    >>> import polars as pl
    >>> data = pl.DataFrame({"region": ["a", "a", "a", "a", "b", "b", "b", "c", "c", "d"],
    ...                      "industry": ["w", "x", "y", "z", "w", "x", "y", "w", "x", "w"],
    ...                      "value": [1.0] * 10})
    >>> out = complexity_frame(data, Columns(), rca=False)
    >>> rows = [(r["code"], r["degree"], round(r["complexity"], 3)) for r in out.iter_rows(named=True)]
    >>> rows[:4]  # regions: diversity and ECI
    [('a', 4, 1.342), ('b', 3, 0.447), ('c', 2, -0.447), ('d', 1, -1.342)]
    >>> rows[4:]  # industries: ubiquity and PCI
    [('w', 4, -1.342), ('x', 3, 0.447), ('y', 2, 2.236), ('z', 1, 4.025)]
    """
    sections = _sections(long, cols, _Options(threshold, rca, pci_normalisation))
    return _concat([_complexity_rows(s, cols) for s in sections])


def proximity_frame(long: pl.DataFrame, cols: Columns, *, threshold: float = 1.0, rca: bool = True,
                    diagonal: str = "one") -> pl.DataFrame:
    """Proximity of the pairs of industries, as a long table (see :func:`proximity`).

    Columns ``industry``, ``industry_2`` (named after ``cols.industry``), [year], ``proximity``.
    Only pairs with a proximity above 0 are listed, in both orders (and the diagonal when it is
    1); a missing pair has proximity 0, and an industry present nowhere has no rows.

    Examples
    --------
    >>> import polars as pl
    >>> data = pl.DataFrame({"region": ["a", "a", "b"], "industry": ["x", "y", "x"], "value": [1.0] * 3})
    >>> proximity_frame(data, Columns(), rca=False, diagonal="zero").rows()
    [('x', 'y', 0.5), ('y', 'x', 0.5)]
    """
    _check_choice(diagonal, DIAGONALS, "diagonal")
    sections = _sections(long, cols, _Options(threshold, rca, "eci"))
    return _concat([_proximity_rows(s, cols, diagonal) for s in sections])


def density_frame(long: pl.DataFrame, cols: Columns, *, threshold: float = 1.0,
                  rca: bool = True) -> pl.DataFrame:
    """Presence, RCA, relatedness density, distance and COG of every region × industry.

    One row per region × industry of the year (absent combinations included: they are the ones
    density and COG are about) with ``mcp`` (0/1), ``rca`` (null when ``rca=False`` or 0 / 0),
    ``density`` (:func:`density`, with the unit-diagonal proximity), ``distance`` (1 − density)
    and ``cog`` (:func:`cog`). Density, distance and COG are null for an industry present
    nowhere; COG also outside the largest connected component.

    Examples
    --------
    >>> import polars as pl
    >>> data = pl.DataFrame({"region": ["a", "a", "b"], "industry": ["x", "y", "x"], "value": [1.0] * 3})
    >>> out = density_frame(data, Columns(), rca=False)
    >>> out.select("region", "industry", "mcp", pl.col("density").round(4)).rows()
    [('a', 'x', 1, 1.0), ('a', 'y', 1, 1.0), ('b', 'x', 1, 0.6667), ('b', 'y', 0, 0.3333)]
    """
    sections = _sections(long, cols, _Options(threshold, rca, "eci"))
    return _concat([_density_rows(s, cols) for s in sections])


def complexity_tables(long: pl.DataFrame, cols: Columns, *, threshold: float = 1.0, rca: bool = True,
                      pci_normalisation: str = "eci", diagonal: str = "one") -> ComplexityTables:
    """The three tables of :func:`complexity_frame`, :func:`proximity_frame` and
    :func:`density_frame`, computed once from one pass over the data.

    Examples
    --------
    >>> import polars as pl
    >>> data = pl.DataFrame({"region": ["a", "a", "b"], "industry": ["x", "y", "x"], "value": [1.0] * 3})
    >>> [t.height for t in complexity_tables(data, Columns(), rca=False)]
    [4, 4, 4]
    """
    _check_choice(diagonal, DIAGONALS, "diagonal")
    sections = _sections(long, cols, _Options(threshold, rca, pci_normalisation))
    return ComplexityTables(
        complexity=_concat([_complexity_rows(s, cols) for s in sections]),
        proximity=_concat([_proximity_rows(s, cols, diagonal) for s in sections]),
        density=_concat([_density_rows(s, cols) for s in sections]),
    )


# --- the computations -----------------------------------------------------------------------


def _rca(x: FloatArray) -> FloatArray:
    # the same operations in the same order as ecomplexity, so that M agrees at the threshold
    with np.errstate(divide="ignore", invalid="ignore"):
        share = x / x.sum(axis=1)[:, np.newaxis]
        industry_total = x.sum(axis=0)
        share /= industry_total / industry_total.sum()
    return share


def _presence(base: FloatArray, threshold: float) -> FloatArray:
    with np.errstate(invalid="ignore"):
        return (base >= threshold).astype(np.float64)


def _complexity(m: FloatArray, normalisation: str, where: str) -> Complexity:
    diversity, ubiquity = m.sum(axis=1), m.sum(axis=0)
    rows, cols = _main_component(m, diversity, ubiquity, where)
    if rows.sum() < 2 or cols.sum() < 2:
        return _undefined(m.shape, where, "具有比较优势的地区或产业不足两个，ECI/PCI 无定义"
                          "（fewer than two regions or industries with presence）")
    sub = m if rows.all() and cols.all() else m[np.ix_(rows, cols)]
    kp, second, third = _second_eigenvector(sub, diversity[rows], ubiquity[cols])
    if second <= ZERO_EIGENVALUE:
        return _undefined(m.shape, where, "各地区的产业结构没有差别（第二特征值为 0），ECI/PCI 无定义"
                          "（second eigenvalue is 0）")
    if third >= second - DEGENERATE_GAP:
        _warn(where, f"第二大特征值是重根（λ₂ ≈ λ₃ ≈ {second:.6g}），ECI/PCI 不唯一，请谨慎解读"
                     "（the second eigenvalue is degenerate; ECI/PCI are not unique）")
    kc = (sub @ kp) / diversity[rows]
    sign = _orientation(kc, kp, diversity[rows], ubiquity[cols], where)
    return _standardised(sign * kc, sign * kp, (rows, cols), normalisation, second)


def _main_component(m: FloatArray, diversity: FloatArray, ubiquity: FloatArray,
                    where: str) -> tuple[BoolArray, BoolArray]:
    """Rows and columns of the largest connected component of the regions and industries with
    presence; a breadth-first search from the most ubiquitous industry settles the usual, connected
    case with a few matrix–vector products."""
    active_rows, active_cols = diversity > 0, ubiquity > 0
    if not active_cols.any():
        return active_rows, active_cols
    rows, cols = _reach(m, int(np.argmax(ubiquity)))
    if np.array_equal(rows, active_rows) and np.array_equal(cols, active_cols):
        return rows, cols
    return _largest_component(m, np.concatenate([active_rows, active_cols]), where)


def _reach(m: FloatArray, start: int) -> tuple[BoolArray, BoolArray]:
    cols = np.zeros(m.shape[1], dtype=bool)
    cols[start] = True
    while True:
        rows = (m @ cols) > 0
        reached = (rows @ m) > 0
        if np.array_equal(reached, cols):
            return rows, cols
        cols = reached


def _largest_component(m: FloatArray, active: BoolArray, where: str) -> tuple[BoolArray, BoolArray]:
    """The largest component (ties: the one holding the lowest row), with a warning: there are
    several."""
    n_rows = m.shape[0]
    biadjacency = sparse.csr_array(m)
    graph = sparse.block_array([[None, biadjacency], [biadjacency.T, None]], format="csr")
    _, labels = connected_components(graph, directed=False)
    sizes = np.bincount(labels[active], minlength=labels.max() + 1)
    main = (labels == int(np.argmax(sizes))) & active
    _warn(where, f"地区–产业二部图不连通（{int(np.count_nonzero(sizes))} 个连通分量）：ECI/PCI 只在最大的"
                 f"连通分量（{int(main[:n_rows].sum())} 个地区、{int(main[n_rows:].sum())} 个产业）上计算，"
                 "其余为空（the region–industry graph is disconnected; complexity is computed on its "
                 "largest component only）")
    return main[:n_rows], main[n_rows:]


def _second_eigenvector(m: FloatArray, diversity: FloatArray,
                        ubiquity: FloatArray) -> tuple[FloatArray, float, float]:
    """:math:`k_p` (any scale), :math:`\\lambda_2` and :math:`\\lambda_3` (NaN if there is none),
    from whichever of A^T A and A A^T is smaller."""
    root_d, root_u = np.sqrt(diversity), np.sqrt(ubiquity)
    if m.shape[1] <= m.shape[0]:
        half = m / root_d[:, np.newaxis]
        gram = (half.T @ half) / np.outer(root_u, root_u)
        vector, second, third = _deflated_top_two(gram, root_u)
        return vector / root_u, second, third
    half = m / root_u[np.newaxis, :]
    gram = (half @ half.T) / np.outer(root_d, root_d)
    vector, second, third = _deflated_top_two(gram, root_d)
    return (m.T @ (vector / root_d)) / ubiquity, second, third


def _deflated_top_two(gram: FloatArray, leading: FloatArray) -> tuple[FloatArray, float, float]:
    """The top eigenpair of ``gram`` once its known eigenvalue 1 (vector ``leading``) is removed,
    and the next eigenvalue."""
    q = leading / np.linalg.norm(leading)
    gram -= np.outer(q, q)
    n = gram.shape[0]
    if n == 2:
        values, vectors = eigh(gram, check_finite=False)
        return vectors[:, -1], float(values[-1]), math.nan
    values, vectors = _top_two_eigenpairs(gram)
    return vectors[:, 1], float(values[1]), float(values[0])


def _top_two_eigenpairs(symmetric: FloatArray) -> tuple[FloatArray, FloatArray]:
    n = symmetric.shape[0]
    if n > DENSE_EIGEN_LIMIT:
        try:
            values, vectors = eigsh(symmetric, k=2, which="LA", v0=np.full(n, 1 / math.sqrt(n)))
            order = np.argsort(values)
            return values[order], vectors[:, order]
        except ArpackNoConvergence:
            pass
    return eigh(symmetric, subset_by_index=[n - 2, n - 1], overwrite_a=True, check_finite=False)


def _orientation(kc: FloatArray, kp: FloatArray, diversity: FloatArray, ubiquity: FloatArray,
                 where: str) -> float:
    """+1 or −1 so that ECI rises with diversity; failing that, PCI falls with ubiquity."""
    for vector, reference in ((kc, diversity), (kp, -ubiquity)):
        correlation = _correlation(vector, reference)
        if abs(correlation) > UNCORRELATED:
            return math.copysign(1.0, correlation)
    _warn(where, "ECI 与多样性、PCI 与普遍性都不相关，ECI/PCI 的正负方向无法确定"
                 "（the sign of ECI/PCI is undetermined）")
    return 1.0


def _correlation(a: FloatArray, b: FloatArray) -> float:
    a, b = a - a.mean(), b - b.mean()
    norms = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(np.dot(a, b)) / norms if norms > 0 else 0.0


def _standardised(kc: FloatArray, kp: FloatArray, masks: tuple[BoolArray, BoolArray],
                  normalisation: str, eigenvalue: float) -> Complexity:
    centre, scale = kc.mean(), kc.std()
    pci_centre, pci_scale = (centre, scale) if normalisation == "eci" else (kp.mean(), kp.std())
    rows, cols = masks
    return Complexity(eci=_scatter((kc - centre) / scale, rows),
                      pci=_scatter((kp - pci_centre) / pci_scale, cols),
                      pci_unshifted=_scatter(kp / scale, cols), eigenvalue=eigenvalue,
                      regions=rows, industries=cols)


def _undefined(shape: tuple[int, ...], where: str, message: str) -> Complexity:
    _warn(where, message + "，结果为空")
    rows, cols = np.zeros(shape[0], dtype=bool), np.zeros(shape[1], dtype=bool)
    return Complexity(eci=np.full(shape[0], np.nan), pci=np.full(shape[1], np.nan),
                      pci_unshifted=np.full(shape[1], np.nan), eigenvalue=math.nan,
                      regions=rows, industries=cols)


def _proximity(m: FloatArray, diagonal: str) -> FloatArray:
    co = _co_presence(m)
    ubiquity = np.diagonal(co).copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = co / np.maximum.outer(ubiquity, ubiquity)
    absent = ubiquity == 0
    phi[absent, :] = np.nan
    phi[:, absent] = np.nan
    present = np.flatnonzero(~absent)
    phi[present, present] = 1.0 if diagonal == "one" else 0.0
    return phi


def _co_presence(m: FloatArray) -> FloatArray:
    """:math:`M^\\top M`. Counts below 2^24 are exact in float32, whose BLAS product is twice as fast."""
    if m.shape[0] < 2**24:
        m32 = m.astype(np.float32)
        return (m32.T @ m32).astype(np.float64)
    return m.T @ m


def _density(m: FloatArray, phi: FloatArray) -> FloatArray:
    known = np.nan_to_num(phi, nan=0.0)
    total = known.sum(axis=1)
    empty = total == 0
    weights = known.T / np.where(empty, 1.0, total)[np.newaxis, :]
    result = m @ weights
    result[:, empty] = np.nan
    return result


def _coi(m: FloatArray, omega: FloatArray, result: Complexity) -> FloatArray:
    missing = np.nan_to_num(np.where(m > 0, 0.0, omega), copy=False)  # ω (1 − M), NaN → 0
    outlook = missing @ np.nan_to_num(result.pci_unshifted)
    return _zscore(outlook, result.regions)


def _cog(m: FloatArray, phi: FloatArray, result: Complexity) -> FloatArray:
    known = np.nan_to_num(phi, nan=0.0)
    total = known.sum(axis=1)
    weight = np.divide(np.nan_to_num(result.pci_unshifted), total, out=np.zeros_like(total),
                       where=total > 0)
    absent = 1.0 - m
    gain = absent @ (known * weight[:, np.newaxis])
    gain *= absent
    gain[:, ~result.industries] = np.nan
    return gain


def _zscore(values: FloatArray, mask: BoolArray) -> FloatArray:
    out = np.full(values.shape, np.nan)
    chosen = values[mask]
    scale = chosen.std() if chosen.size else 0.0
    if scale > 0:
        out[mask] = (chosen - chosen.mean()) / scale
    return out


def _scatter(values: FloatArray, mask: BoolArray) -> FloatArray:
    out = np.full(mask.shape, np.nan)
    out[mask] = values
    return out


def _warn(where: str, message: str) -> None:
    warnings.warn(where + message, ComplexityWarning, stacklevel=3)


# --- checks ---------------------------------------------------------------------------------


def _value_matrix(values: ArrayLike, name: str) -> FloatArray:
    try:
        x = np.array(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError.single("矩阵含非数字的值", column=name, expected="数值矩阵") from exc
    if x.ndim != 2 or 0 in x.shape:
        raise InputError.single("需要非空的二维矩阵", column=name, value=f"shape {x.shape}",
                                expected="形状为（地区数, 产业数）的矩阵")
    bad = ~np.isfinite(x) | (x < 0)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise InputError.single("矩阵含缺失、非数字或负值", column=name,
                                value=f"[{row}, {col}] = {x[row, col]}", expected="非负有限数")
    return x


def _presence_input(mcp: ArrayLike) -> FloatArray:
    m = _value_matrix(mcp, "M")
    bad = (m != 0) & (m != 1)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise InputError.single("存在矩阵只能取 0 或 1", column="M", value=f"[{row}, {col}] = {m[row, col]}",
                                expected="0/1 矩阵（可先用 presence_matrix 得到）")
    return m


def _matrix_like(values: ArrayLike, shape: tuple[int, ...], name: str) -> FloatArray:
    x = np.asarray(values, dtype=np.float64)
    if x.shape != shape:
        raise InputError.single("矩阵形状不符", column=name, value=f"shape {x.shape}",
                                expected=f"shape {shape}")
    return x


def _proximity_input(phi: ArrayLike, industries: int) -> FloatArray:
    x = _matrix_like(phi, (industries, industries), "phi")
    if (x < 0).any():
        raise InputError.single("邻近度不能为负", column="phi", expected="[0, 1] 之间的数（或 NaN）")
    return x


def _check_choice(value: str, choices: tuple[str, ...], name: str) -> None:
    if value not in choices:
        raise InputError.single("不认识的选项", column=name, value=str(value), expected="、".join(choices))


def _check_threshold(threshold: float) -> None:
    if not (isinstance(threshold, int | float) and math.isfinite(threshold) and threshold > 0):
        raise InputError.single("存在阈值必须是正数", column="threshold", value=str(threshold),
                                expected="> 0 的数（默认 1）")


# --- long tables ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Options:
    threshold: float
    rca: bool
    pci_normalisation: str


class _CrossSection:
    """One year (or the whole table) as matrices; each quantity is computed once, when needed."""

    def __init__(self, year: pl.Series | None, regions: pl.Series, industries: pl.Series,
                 values: FloatArray, options: _Options) -> None:
        self.year, self.regions, self.industries, self.values = year, regions, industries, values
        self.options = options
        self.where = "" if year is None else f"{year.item()} 年："

    @cached_property
    def rca(self) -> FloatArray | None:
        return _rca(self.values) if self.options.rca else None

    @cached_property
    def mcp(self) -> FloatArray:
        base = self.rca if self.rca is not None else self.values
        return _presence(base, self.options.threshold)

    @cached_property
    def complexity(self) -> Complexity:
        return _complexity(self.mcp, self.options.pci_normalisation, self.where)

    @cached_property
    def phi(self) -> FloatArray:
        return _proximity(self.mcp, "one")

    @cached_property
    def omega(self) -> FloatArray:
        return _density(self.mcp, self.phi)


def _sections(long: pl.DataFrame, cols: Columns, options: _Options) -> list[_CrossSection]:
    _check_threshold(options.threshold)
    _check_choice(options.pci_normalisation, PCI_NORMALISATIONS, "pci_normalisation")
    frame = _prepare(long, cols)
    if cols.year is None or frame[cols.year].n_unique() == 1:
        sections = [_section(frame, cols, options)]
    else:
        parts = frame.partition_by(cols.year, as_dict=True)
        sections = [_section(parts[key], cols, options) for key in sorted(parts)]
    _check_breadth(sections, cols)
    return sections


def _section(part: pl.DataFrame, cols: Columns, options: _Options) -> _CrossSection:
    regions = part[cols.region].unique().sort()
    industries = part[cols.industry].unique().sort()
    position = part.select(
        pl.col(cols.region).cast(pl.Enum(regions)).to_physical().cast(pl.Int64) * len(industries)
        + pl.col(cols.industry).cast(pl.Enum(industries)).to_physical().cast(pl.Int64)).to_series()
    size = len(regions) * len(industries)
    values = np.bincount(position.to_numpy(), weights=part[cols.value].to_numpy(), minlength=size)
    year = part[cols.year][:1] if cols.year else None
    return _CrossSection(year, regions, industries, values.reshape(len(regions), len(industries)), options)


def _prepare(long: pl.DataFrame, cols: Columns) -> pl.DataFrame:
    """The four columns, codes as strings and values as floats, or a clear error."""
    if not isinstance(long, pl.DataFrame):
        raise InputError.single("需要 polars 长表", value=type(long).__name__, expected="polars.DataFrame")
    keys = [cols.region, cols.industry, *cols.year_keys()]
    missing = [c for c in [*keys, cols.value] if c not in long.columns]
    if missing:
        raise InputError.single(f"缺少列：{'、'.join(missing)}", column=missing[0],
                                expected=f"表中现有的列：{'、'.join(long.columns)}")
    if long.height == 0:
        raise InputError.single("长表没有任何行", expected="每个地区 × 产业（× 年份）一行")
    frame = long.select(pl.col(cols.region).cast(pl.String), pl.col(cols.industry).cast(pl.String),
                        *[pl.col(k) for k in cols.year_keys()],
                        pl.col(cols.value).cast(pl.Float64, strict=False))
    _check_codes(frame, keys)
    _check_values(frame, long, cols.value)
    return frame


def _check_codes(frame: pl.DataFrame, keys: list[str]) -> None:
    for key in keys:
        if frame[key].has_nulls():
            raise InputError.single("代码或年份为空", column=key, value="", expected="每行都有代码（和年份）")


def _check_values(frame: pl.DataFrame, original: pl.DataFrame, column: str) -> None:
    value = pl.col(column)
    wrong = value.is_null() | value.is_nan() | value.is_infinite() | (value < 0)
    bad = frame.select(wrong.arg_true().first()).item()
    if bad is not None:
        raise InputError.single("数值缺失、非数字或为负", column=column, value=str(original[column][bad]),
                                expected="非负数（没有的组合可以省略或填 0）")


def _check_breadth(sections: list[_CrossSection], cols: Columns) -> None:
    for column, name in ((cols.region, "地区"), (cols.industry, "产业")):
        codes = [s.regions if column == cols.region else s.industries for s in sections]
        count = pl.concat(codes).n_unique()
        if count < 2:
            raise InputError.single(f"经济复杂度至少需要两个{name}", column=column, value=str(count),
                                    expected=f"≥ 2 个不同的{name}代码")


def _complexity_rows(s: _CrossSection, cols: Columns) -> pl.DataFrame:
    result = s.complexity
    regions = _unit_rows("region", s.regions, s.mcp.sum(axis=1), result.eci,
                         _coi(s.mcp, s.omega, result))
    industries = _unit_rows("industry", s.industries, s.mcp.sum(axis=0), result.pci,
                            np.full(len(s.industries), np.nan))
    return _with_year(pl.concat([regions, industries]), s, cols, after="code")


def _unit_rows(unit: str, codes: pl.Series, degree: FloatArray, complexity: FloatArray,
               outlook: FloatArray) -> pl.DataFrame:
    return pl.DataFrame({
        "unit": pl.Series("unit", [unit] * len(codes), dtype=pl.String),
        "code": codes.alias("code"),
        "degree": pl.Series("degree", degree.astype(np.int64)),
        "complexity": pl.Series("complexity", complexity, nan_to_null=True),
        "coi": pl.Series("coi", outlook, nan_to_null=True),
    })


def _proximity_rows(s: _CrossSection, cols: Columns, diagonal: str) -> pl.DataFrame:
    phi = s.phi
    if diagonal == "zero":
        phi = phi.copy()
        np.fill_diagonal(phi, np.where(np.isnan(np.diagonal(phi)), np.nan, 0.0))
    first, second = np.nonzero(phi > 0)
    frame = pl.DataFrame({
        cols.industry: s.industries.gather(first),
        f"{cols.industry}_2": s.industries.gather(second),
        "proximity": phi[first, second],
    })
    return _with_year(frame, s, cols, after=f"{cols.industry}_2")


def _density_rows(s: _CrossSection, cols: Columns) -> pl.DataFrame:
    n_regions, n_industries = s.mcp.shape
    omega = s.omega.ravel()
    rca = s.rca.ravel() if s.rca is not None else np.full(omega.shape, np.nan)
    frame = pl.DataFrame({
        cols.region: s.regions.gather(np.repeat(np.arange(n_regions), n_industries)),
        cols.industry: s.industries.gather(np.tile(np.arange(n_industries), n_regions)),
        "mcp": pl.Series("mcp", s.mcp.ravel().astype(np.int8)),
        "rca": pl.Series("rca", rca, nan_to_null=True),
        "density": pl.Series("density", omega, nan_to_null=True),
        "distance": pl.Series("distance", 1.0 - omega, nan_to_null=True),
        "cog": pl.Series("cog", _cog(s.mcp, s.phi, s.complexity).ravel(), nan_to_null=True),
    })
    return _with_year(frame, s, cols, after=cols.industry)


def _with_year(frame: pl.DataFrame, s: _CrossSection, cols: Columns, after: str) -> pl.DataFrame:
    if cols.year is None or s.year is None:
        return frame
    names = frame.columns
    position = names.index(after) + 1
    frame = frame.with_columns(pl.lit(s.year.item(), dtype=s.year.dtype).alias(cols.year))
    return frame.select([*names[:position], cols.year, *names[position:]])


def _concat(frames: list[pl.DataFrame]) -> pl.DataFrame:
    return pl.concat(frames, how="vertical_relaxed")
