"""The input–output model: Leontief multipliers for what-if questions and Feser–Bergman linkage.

A county bureau asks "what does a project that adds 10亿元 of output in sector *j* bring to the
county — how much output, value added and how many jobs?" and "which industries are linked to
ours, so that a missing one is a link to fill?". Both questions are answered from a symmetric
input–output table (sectors × sectors) that the user loads from a file; jiqun does not guess
one. With no table loaded the callers raise :class:`NoIOTable` (see :func:`require_table`).

Model
-----
With intermediate flows :math:`Z` (:math:`z_{ij}` = sales of sector *i* to sector *j*), total
output :math:`x`, value added :math:`w` and employment :math:`E`:

* technical (direct-requirement) coefficients :math:`a_{ij} = z_{ij} / x_j`, i.e.
  :math:`A = Z \\hat{x}^{-1}`;
* Leontief inverse :math:`L = (I - A)^{-1}`, so that :math:`\\Delta x = L\\,\\Delta f` for a change
  :math:`\\Delta f` in final demand;
* value-added and employment coefficients :math:`v_j = w_j / x_j`, :math:`e_j = E_j / x_j`.

Money is in yuan inside jiqun; employment in persons. The model is the open static Leontief
model of Miller & Blair (2009), chapter 2, with the multipliers of chapter 6.

File layout (:func:`load_io_table`)
-----------------------------------
A CSV (UTF-8 or GBK) or a worksheet (XLSX/XLS/ODS), rows = supplying sectors, columns = using
sectors::

    代码（万元）, 名称,     A,     B,     C
    A,           农业,   150,   500,    20
    B,           制造业, 200,   100,    80
    C,           服务业,  30,    60,    10
    增加值,       ,      620,  1340,   290
    总产出,       ,     1000,  2000,   400
    就业（人）,    ,      300,   150,    90

* The top-left cell states the money unit in brackets (``元``, ``万元``, ``亿元`` …), or pass
  ``unit=`` to :func:`load_io_table`. A cell may carry its own unit (``12.5万元``).
* An optional second column headed 名称 / 部门名称 / 部门 / name holds the sector names.
* Every other header cell is a sector code; each of those codes must head exactly one row
  (the matrix is square), in any order.
* Special rows: 总产出 (also 总投入, total output; required), 增加值 (value added;
  optional), 就业 (employment, persons; optional, ``就业（万人）`` scales by 10 000).
* Blank cells (and ``—``, ``/``) are zero, except in 总产出. Rows whose first cell starts
  with ``#``, ``注：``, ``说明：`` or ``资料来源：`` are notes and are skipped; so are blank rows.
* Final-use columns (consumption, capital formation, exports …) are not read: final demand
  enters the model as the shock of a what-if question, not from the file.

Whether 增加值 plus the column of intermediate inputs adds up to 总产出 is not checked:
county tables often leave imported inputs out, so the identity need not hold.

References
----------
Miller, R. E. and Blair, P. D. (2009). *Input–Output Analysis: Foundations and Extensions*,
2nd ed. Cambridge University Press. Chapter 2 (technical coefficients, Leontief inverse),
chapter 6 (output, income, employment and value-added multipliers).

Hawkins, D. and Simon, H. A. (1949). Note: some conditions of macroeconomic stability.
*Econometrica* 17(3/4), 245–248.

Feser, E. J. and Bergman, E. M. (2000). National industry cluster templates: a framework for
applied regional cluster analysis. *Regional Studies* 34(1), 1–19.

de Mesnard, L. (2002). Note about the concept of "net multipliers". *Journal of Regional
Science* 42(3). doi:10.1111/1467-9787.00271.

The shipped example (:func:`example_table`, ``io_example.csv``) is an illustrative six-sector
county table built from round coefficients; it is *not* statistical data (see the notes at the
bottom of the file).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Literal

import numpy as np
import polars as pl
from scipy import linalg

from jiqun.chains.templates import ChainTemplate, Segment
from jiqun.errors import DataStateError, InputError, Problem
from jiqun.ingest.parse import (
    UNITS,
    ParseError,
    Unit,
    clean_cell,
    find_unit,
    parse_decimal,
    parse_money,
    split_header_unit,
)
from jiqun.ingest.readers import RawSheet, read_file

__all__ = [
    "EXAMPLE_FILE",
    "FESER_BERGMAN_MEASURES",
    "IOTable",
    "Impact",
    "NoIOTable",
    "ShockBasis",
    "example_table",
    "feser_bergman",
    "impact",
    "leontief_inverse",
    "linked_sectors",
    "load_io_table",
    "multipliers",
    "project_final_demand",
    "project_impact",
    "require_table",
]

EXAMPLE_FILE = "io_example.csv"
ShockBasis = Literal["final_demand", "output"]
FESER_BERGMAN_MEASURES: dict[str, str] = {
    "r_input": "投入结构相似（都从相同部门购买）",
    "r_output": "产出结构相似（都向相同部门销售）",
    "r_input_output": "前者购买的部门正是后者销售的部门（链条由后者经这些部门通到前者）",
    "r_output_input": "前者销售的部门正是后者购买的部门（链条由前者经这些部门通到后者）",
}
"""The four Feser–Bergman correlations and what a high value means, in Chinese."""

_PRODUCTIVE_MARGIN = 1e-12
_NAME_HEADERS = frozenset({"名称", "部门名称", "部门", "行业", "行业名称", "name", "sector name", "sector"})
_SPECIAL_ROWS: dict[str, frozenset[str]] = {
    "output": frozenset({"总产出", "总投入", "total output", "total input", "output"}),
    "value_added": frozenset({"增加值", "增加值合计", "value added", "gross value added"}),
    "employment": frozenset({"就业", "就业人数", "从业人员", "从业人数", "employment", "jobs"}),
}
_NOTE_PREFIXES = ("#", "注:", "说明:", "资料来源:")  # cells are half-width by now
_UNKNOWN_ROW = (
    "未知的行标签：既不是列标题中的部门代码，也不是总产出、增加值或就业（中间流量须为方阵，每个供给部门的行"
    "都要有同名的列）"
)
_ROW_EXPECTED = "列标题中的部门代码之一，或 总产出、增加值、就业（人）"
_HAWKINS_SIMON = (
    "不满足 Hawkins–Simon 条件：I−A 奇异或其逆含负数，列昂惕夫逆不存在，表中的经济无法生产出正的最终产品"
)


# --- errors -----------------------------------------------------------------------------------


class NoIOTable(DataStateError):  # noqa: N818 - the name says what is missing, as callers read it
    """No input–output table is loaded, so no multiplier can be computed.

    jiqun never substitutes a default or national table for the county's own: a what-if estimate
    from someone else's economy would look precise and be wrong. Callers (CLI, API, reports)
    catch this and show its message, which says how to load a table.
    """

    def __init__(self, what: str = "投入产出乘数") -> None:
        super().__init__(
            f"未加载投入产出表，无法计算{what}。请先用 load_io_table(路径) 读入本地的部门×部门投入产出表"
            f"（CSV 或 Excel，格式见 jiqun.chains.io 的说明）；"
            f"example_table() 只是示意数据，不能用于实际测算。"
        )


def require_table(table: IOTable | None, what: str = "投入产出乘数") -> IOTable:
    """The table, or :class:`NoIOTable` when there is none.

    Parameters
    ----------
    table
        The loaded table, or ``None`` when the user has not loaded one.
    what
        What the caller wanted to compute, for the message (e.g. ``"项目的产出带动效应"``).

    Returns
    -------
    IOTable
        ``table`` itself.

    Raises
    ------
    NoIOTable
        If ``table`` is ``None``.
    """
    if table is None:
        raise NoIOTable(what)
    return table


# --- the table --------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class IOTable:
    """A symmetric (sector × sector) input–output table in yuan.

    Parameters
    ----------
    codes
        Sector codes, e.g. GB/T 4754 门类 letters or the statistics bureau's sector codes.
    names
        Sector names, same order (empty strings when unknown). Defaults to the codes.
    flows
        Intermediate flows :math:`Z` (n × n, yuan): ``flows[i, j]`` is what sector *i* sells to
        sector *j* (rows supply, columns use). Non-negative.
    output
        Total output :math:`x` (n, yuan), positive, with :math:`\\sum_i z_{ij} < x_j`.
    value_added
        Value added :math:`w` (n, yuan), optional, non-negative.
    employment
        Employment :math:`E` (n, persons), optional, non-negative.
    source
        Where the table came from (a file name or a description), for reports.

    Raises
    ------
    InputError
        For wrong shapes, non-finite or negative values, a sector with no output, or a column
        whose intermediate inputs reach its output (the Hawkins–Simon condition fails).

    Notes
    -----
    Arrays are copied to read-only ``float64``. Derived coefficients are computed once.
    """

    codes: tuple[str, ...]
    flows: np.ndarray
    output: np.ndarray
    names: tuple[str, ...] = ()
    value_added: np.ndarray | None = None
    employment: np.ndarray | None = None
    source: str = ""
    _index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        codes = tuple(str(c) for c in self.codes)
        _check_codes(codes)
        n = len(codes)
        names = tuple(self.names) if self.names else codes
        if len(names) != n:
            raise InputError.single(
                f"部门名称有 {len(names)} 个，部门代码有 {n} 个",
                column="names",
                expected="与部门代码一一对应",
            )
        object.__setattr__(self, "codes", codes)
        object.__setattr__(self, "names", tuple(str(s) or c for s, c in zip(names, codes, strict=True)))
        object.__setattr__(self, "flows", _frozen_array(self.flows, (n, n), "flows"))
        object.__setattr__(self, "output", _frozen_array(self.output, (n,), "output"))
        for name in ("value_added", "employment"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, _frozen_array(value, (n,), name))
        object.__setattr__(self, "_index", {c: i for i, c in enumerate(codes)})
        parts = _Parts(codes, self.flows, self.output, self.value_added, self.employment)
        _raise_problems(_economic_problems(parts, _locate_in_api), "投入产出表数据有误")

    @property
    def n(self) -> int:
        """Number of sectors."""
        return len(self.codes)

    def index(self, code: str, argument: str = "sector") -> int:
        """Position of sector ``code``; :class:`InputError` listing the codes if unknown."""
        try:
            return self._index[str(code)]
        except KeyError:
            raise InputError.single(
                "投入产出表中没有这个部门", column=argument, value=str(code), expected="、".join(self.codes)
            ) from None

    @cached_property
    def technical_coefficients(self) -> np.ndarray:
        """Direct-requirement matrix :math:`A = Z\\hat{x}^{-1}`, :math:`a_{ij} = z_{ij}/x_j`.

        Column *j* is what sector *j* buys from each sector per yuan of its output
        (Miller & Blair 2009, ch. 2).
        """
        return _read_only(self.flows / self.output[np.newaxis, :])

    @cached_property
    def value_added_coefficients(self) -> np.ndarray | None:
        """:math:`v_j = w_j / x_j`, value added per yuan of output (``None`` without value added)."""
        return None if self.value_added is None else _read_only(self.value_added / self.output)

    @cached_property
    def employment_coefficients(self) -> np.ndarray | None:
        """:math:`e_j = E_j / x_j`, persons per yuan of output (``None`` without employment)."""
        return None if self.employment is None else _read_only(self.employment / self.output)

    @cached_property
    def leontief(self) -> np.ndarray:
        """The Leontief inverse :math:`L = (I - A)^{-1}` (see :func:`leontief_inverse`)."""
        return leontief_inverse(self.technical_coefficients)

    @cached_property
    def _lu(self) -> tuple[np.ndarray, np.ndarray]:
        """LU factors of :math:`I - A`, for solving instead of multiplying by an inverse."""
        return linalg.lu_factor(np.eye(self.n) - self.technical_coefficients)

    def solve(self, rhs: np.ndarray, transpose: bool = False) -> np.ndarray:
        """:math:`(I-A)^{-1} b`, or :math:`b^\\top (I-A)^{-1}` with ``transpose``, by LU solve."""
        return linalg.lu_solve(self._lu, np.asarray(rhs, dtype=float), trans=1 if transpose else 0)


def _check_codes(codes: tuple[str, ...]) -> None:
    if not codes:
        raise InputError.single("投入产出表没有部门", column="codes", expected="至少一个部门")
    seen: set[str] = set()
    for code in codes:
        if not code.strip():
            raise InputError.single("部门代码为空", column="codes", expected="非空的部门代码")
        if code in seen:
            raise InputError.single(
                "部门代码重复", column="codes", value=code, expected="每个部门代码只出现一次"
            )
        seen.add(code)


def _frozen_array(value: object, shape: tuple[int, ...], name: str) -> np.ndarray:
    try:
        array = np.array(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError.single(f"不是数字数组：{exc}", column=name, expected="数字") from exc
    if array.shape != shape:
        raise InputError.single(
            f"形状为 {array.shape}，与部门数不符", column=name, expected=f"形状 {shape}（中间流量须为方阵）"
        )
    if not np.all(np.isfinite(array)):
        raise InputError.single("含有非有限数（NaN 或无穷大）", column=name, expected="有限的数字")
    return _read_only(array)


def _read_only(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


# --- economic checks, shared by the constructor and the loader ---------------------------------

# (kind, supplying row index or None, using column index) -> Problem location fields
Locator = Callable[[str, int | None, int], dict[str, object]]


@dataclass(frozen=True)
class _Parts:
    """The arrays of a table before it is one, so the loader can check them in file terms."""

    codes: tuple[str, ...]
    flows: np.ndarray
    output: np.ndarray
    value_added: np.ndarray | None
    employment: np.ndarray | None


def _locate_in_api(kind: str, row: int | None, column: int) -> dict[str, object]:
    where = f"{kind}[{row}, {column}]" if row is not None else f"{kind}[{column}]"
    return {"column": where}


def _economic_problems(table: _Parts, locate: Locator) -> list[Problem]:
    """Negative flows, non-positive output, negative value added or jobs, Hawkins–Simon."""
    problems = [
        _problem(locate("flows", int(i), int(j)), "中间流量为负数", "非负数；没有流量填 0 或留空")
        for i, j in zip(*np.nonzero(table.flows < 0), strict=True)
    ]
    problems += _vector_problems(table.value_added, "value_added", "增加值为负数", locate)
    problems += _vector_problems(table.employment, "employment", "就业人数为负数", locate)
    for j in np.flatnonzero(table.output <= 0):
        what = "总产出为零" if table.output[j] == 0 else "总产出为负数"
        problems.append(
            _problem(
                locate("output", None, int(j)),
                f"{what}，无法计算该部门的直接消耗系数（a_ij = 流量 ÷ 总产出）",
                "正数；没有产出的部门请把它的行和列都删去",
            )
        )
    if problems:
        return problems
    return _productivity_problems(table, locate)


def _vector_problems(values: np.ndarray | None, kind: str, message: str, locate: Locator) -> list[Problem]:
    if values is None:
        return []
    return [_problem(locate(kind, None, int(j)), message, "非负数") for j in np.flatnonzero(values < 0)]


def _productivity_problems(table: _Parts, locate: Locator) -> list[Problem]:
    """Columns whose intermediate inputs reach their output: :math:`\\sum_i a_{ij} \\ge 1`."""
    sums = table.flows.sum(axis=0) / table.output
    return [
        _problem(
            locate("output", None, int(j)),
            f"部门“{table.codes[j]}”的中间投入合计不小于总产出（直接消耗系数列和 = {sums[j]:.4f} ≥ 1，"
            f"增加值为零或负）；{_HAWKINS_SIMON}",
            "每个部门的中间投入合计（该列流量之和）小于它的总产出",
        )
        for j in np.flatnonzero(sums >= 1 - _PRODUCTIVE_MARGIN)
    ]


def _problem(where: Mapping[str, object], message: str, expected: str) -> Problem:
    return Problem(message=message, expected=expected, **where)  # type: ignore[arg-type]


def _raise_problems(problems: list[Problem], summary: str) -> None:
    if problems:
        first = problems[0].format()
        more = f"（另有 {len(problems) - 1} 处问题）" if len(problems) > 1 else ""
        raise InputError(f"{summary}：{first}{more}", problems)


# --- Leontief ---------------------------------------------------------------------------------


def leontief_inverse(a: np.ndarray) -> np.ndarray:
    """The Leontief inverse :math:`L = (I - A)^{-1}` of a productive coefficient matrix.

    Parameters
    ----------
    a
        Technical coefficients :math:`A` (n × n), non-negative and finite.

    Returns
    -------
    numpy.ndarray
        :math:`L`, computed by LU-solving :math:`(I - A) L = I` (no explicit ``inv``).
        :math:`l_{ij}` is the output of sector *i* needed, directly and indirectly, per yuan of
        final demand for sector *j* (Miller & Blair 2009, ch. 2). For productive
        :math:`A \\ge 0`, :math:`L = I + A + A^2 + \\dots \\ge I`.

    Raises
    ------
    InputError
        If ``a`` is not square, has negative or non-finite entries, or is not productive: its
        spectral radius :math:`\\rho(A) \\ge 1`. For :math:`A \\ge 0` this is equivalent to the
        Hawkins–Simon (1949) condition failing (not every leading principal minor of
        :math:`I - A` is positive), and then :math:`(I-A)^{-1}` does not exist or has negative
        entries. Column sums :math:`\\sum_i a_{ij} < 1` for every *j* are sufficient for
        productivity, because :math:`\\rho(A) \\le \\max_j \\sum_i a_{ij}`.
    """
    matrix = np.asarray(a, dtype=float)
    _check_coefficients(matrix)
    identity = np.eye(matrix.shape[0])
    return linalg.solve(identity - matrix, identity)


def _check_coefficients(matrix: np.ndarray) -> None:
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] == 0:
        raise InputError.single(
            f"直接消耗系数矩阵的形状为 {matrix.shape}", column="A", expected="n×n 方阵（n ≥ 1）"
        )
    if not np.all(np.isfinite(matrix)) or np.any(matrix < 0):
        raise InputError.single("直接消耗系数矩阵含有负数或非有限数", column="A", expected="非负的有限数")
    radius = float(np.max(np.abs(np.linalg.eigvals(matrix))))
    if radius >= 1 - _PRODUCTIVE_MARGIN:
        raise InputError.single(
            f"直接消耗系数矩阵的谱半径 ρ(A) = {radius:.6f} ≥ 1，{_HAWKINS_SIMON}",
            column="A",
            expected="ρ(A) < 1，例如每列之和都小于 1",
        )


def multipliers(table: IOTable | None) -> pl.DataFrame:
    """Type I (open-model) multipliers per sector (Miller & Blair 2009, chapter 6).

    Parameters
    ----------
    table
        The input–output table (``None`` raises :class:`NoIOTable`).

    Returns
    -------
    polars.DataFrame
        One row per sector *j*:

        ``code``, ``name``
            The sector.
        ``output``
            Simple output multiplier :math:`m(o)_j = \\sum_i l_{ij}`: total output (yuan) in all
            sectors per yuan of final demand for *j*, the initial yuan included.
        ``output_net``
            :math:`m(o)_j - 1`, the indirect output only (de Mesnard 2002's net multiplier).
        ``value_added``
            Simple value-added multiplier :math:`m(v)_j = \\sum_i v_i l_{ij}`: value added per
            yuan of final demand for *j*. Equals 1 when value added closes every column
            (:math:`v^\\top = 1^\\top(I-A)`), because then :math:`v^\\top L = 1^\\top`.
        ``value_added_type1``
            Type I value-added multiplier :math:`m(v)_j / v_j`: total per unit of direct value
            added.
        ``employment``
            Simple employment multiplier :math:`m(e)_j = \\sum_i e_i l_{ij}`, persons per yuan
            of final demand (× 10⁸ for persons per 亿元).
        ``employment_type1``
            Type I employment multiplier :math:`m(e)_j / e_j`.

        Value-added and employment columns are null when the table has no such row; type I
        ratios are null where the direct coefficient is zero.

    Notes
    -----
    Each row vector :math:`c^\\top L` is computed by solving :math:`(I-A)^\\top m = c`, not by
    forming :math:`L`. These are type I multipliers: households are exogenous, so induced
    (consumption) effects are not included.
    """
    table = require_table(table, "投入产出乘数")
    output = table.solve(np.ones(table.n), transpose=True)
    frame = {"code": list(table.codes), "name": list(table.names), "output": output, "output_net": output - 1}
    for name, coefficients in (
        ("value_added", table.value_added_coefficients),
        ("employment", table.employment_coefficients),
    ):
        if coefficients is None:
            frame[name] = frame[f"{name}_type1"] = _nullable(None, table.n)
            continue
        simple = table.solve(coefficients, transpose=True)
        frame[name] = _nullable(simple, table.n)
        frame[f"{name}_type1"] = _nullable(_ratio(simple, coefficients), table.n)
    return pl.DataFrame(frame, schema_overrides={k: pl.Float64 for k in frame if k not in ("code", "name")})


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where the denominator is not positive (type I ratios)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1), np.nan)


def _nullable(values: np.ndarray | None, n: int) -> list[float | None]:
    """Floats with NaN (and a missing vector) as nulls, for a polars column of height ``n``."""
    if values is None:
        return [None] * n
    return [float(v) if np.isfinite(v) else None for v in values]


# --- impacts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Impact:
    """The effects of a final-demand change, by sector and in total.

    Attributes
    ----------
    sectors
        One row per sector: ``code``, ``name``, ``final_demand`` (the shock :math:`\\Delta f`,
        yuan), ``output`` (:math:`\\Delta x = L\\Delta f`, yuan), ``indirect_output``
        (:math:`\\Delta x - \\Delta f = (L - I)\\Delta f`, the supply-chain effect beyond the
        initial injection), ``value_added`` (:math:`\\hat{v}\\Delta x`, yuan) and ``jobs``
        (:math:`\\hat{e}\\Delta x`, persons); the last two null without those rows.
    total_output, total_indirect_output, total_value_added, total_jobs
        Column totals (``None`` where the table lacks the row).
    """

    sectors: pl.DataFrame
    total_output: float
    total_indirect_output: float
    total_value_added: float | None
    total_jobs: float | None

    def as_dict(self) -> dict[str, object]:
        """JSON-ready: totals and the per-sector rows."""
        return {
            "total_output": self.total_output,
            "total_indirect_output": self.total_indirect_output,
            "total_value_added": self.total_value_added,
            "total_jobs": self.total_jobs,
            "sectors": self.sectors.to_dicts(),
        }


def impact(table: IOTable | None, final_demand_change: Mapping[str, float | int | Decimal]) -> Impact:
    """Output, value added and jobs from a change in final demand (Miller & Blair 2009, ch. 2, 6).

    Parameters
    ----------
    table
        The input–output table (``None`` raises :class:`NoIOTable`).
    final_demand_change
        :math:`\\Delta f` as ``{sector code: yuan}``; sectors not named are 0. Negative values
        (a closure, a lost order) are allowed.

    Returns
    -------
    Impact
        :math:`\\Delta x = L\\,\\Delta f` (solved by LU, not by multiplying with :math:`L`),
        :math:`\\Delta w = \\hat{v}\\,\\Delta x`, jobs :math:`= \\hat{e}\\,\\Delta x`.

    Raises
    ------
    InputError
        For an unknown sector or a non-finite amount.

    Notes
    -----
    The model is linear: ``impact(t, a·f + b·g) = a·impact(t, f) + b·impact(t, g)``. It assumes
    fixed coefficients, no capacity limits and the table's local purchase shares.
    """
    table = require_table(table, "最终需求变化的带动效应")
    shock = np.zeros(table.n)
    for code, amount in final_demand_change.items():
        value = float(amount)
        if not np.isfinite(value):
            raise InputError.single(
                "最终需求变化不是有限数", column=str(code), value=str(amount), expected="以元计的有限数字"
            )
        shock[table.index(code, "final_demand_change")] += value
    return _impact_of(table, shock)


def _impact_of(table: IOTable, shock: np.ndarray) -> Impact:
    output = table.solve(shock)
    value_added = _scaled(table.value_added_coefficients, output)
    jobs = _scaled(table.employment_coefficients, output)
    sectors = pl.DataFrame(
        {
            "code": list(table.codes),
            "name": list(table.names),
            "final_demand": shock,
            "output": output,
            "indirect_output": output - shock,
            "value_added": _nullable(value_added, table.n),
            "jobs": _nullable(jobs, table.n),
        },
        schema_overrides={"value_added": pl.Float64, "jobs": pl.Float64},
    )
    return Impact(
        sectors=sectors,
        total_output=float(output.sum()),
        total_indirect_output=float((output - shock).sum()),
        total_value_added=None if value_added is None else float(value_added.sum()),
        total_jobs=None if jobs is None else float(jobs.sum()),
    )


def _scaled(coefficients: np.ndarray | None, output: np.ndarray) -> np.ndarray | None:
    return None if coefficients is None else coefficients * output


def project_final_demand(
    table: IOTable | None, sector: str, new_output: float | int | Decimal, basis: ShockBasis = "final_demand"
) -> dict[str, float]:
    """The final-demand shock that stands for a project's (or a filled link's) new output.

    Parameters
    ----------
    table
        The input–output table (``None`` raises :class:`NoIOTable`).
    sector
        Code of the sector *j* the project produces in.
    new_output
        The project's expected new output :math:`Y` (yuan per year), e.g. 达产 output.
    basis
        ``"final_demand"`` (default): the new output is new final demand for *j*,
        :math:`\\Delta f_j = Y` — the project sells outside the local production system
        (exports out of the county, final consumers). Total output then rises by
        :math:`L_{\\cdot j} Y`, of which sector *j* itself by :math:`l_{jj} Y \\ge Y`
        (Miller & Blair 2009, ch. 2 and 6).

        ``"output"``: the project's output *is* sector *j*'s output change, :math:`\\Delta x_j =
        Y`, part of it sold to local firms. This is the mixed exogenous/endogenous model of
        Miller & Blair (2009) with :math:`x_j` fixed; its solution for the other sectors *r*,
        :math:`\\Delta x_r = (I - A_{rr})^{-1} A_{rj} Y`, equals :math:`L_{rj} Y / l_{jj}`
        (partitioned inverse), so the equivalent shock is :math:`\\Delta f_j = Y / l_{jj}`.
        Use it when the project adds capacity to a sector whose sales mix stays as in the
        table: sector *j* then grows by exactly *Y*, not by :math:`l_{jj} Y`.

    Returns
    -------
    dict
        ``{sector: Δf_j}`` for :func:`impact`.

    Notes
    -----
    The "net" effect — the supply-chain output beyond the initial injection — is
    ``Impact.indirect_output``, :math:`(L - I)\\Delta f`; per yuan of final demand it is
    de Mesnard's (2002) net multiplier :math:`m(o)_j - 1` (``multipliers()["output_net"]``).
    """
    table = require_table(table, "项目的最终需求冲击")
    j = table.index(sector)
    amount = float(new_output)
    if not np.isfinite(amount):
        raise InputError.single(
            "项目新增产出不是有限数", column="new_output", value=str(new_output), expected="以元计的有限数字"
        )
    if basis == "final_demand":
        return {table.codes[j]: amount}
    if basis == "output":
        unit = np.zeros(table.n)
        unit[j] = 1.0
        return {table.codes[j]: amount / float(table.solve(unit)[j])}
    raise InputError.single(
        "不支持的冲击口径",
        column="basis",
        value=str(basis),
        expected="final_demand（新增最终需求）或 output（新增部门产出）",
    )


def project_impact(
    table: IOTable | None, sector: str, new_output: float | int | Decimal, basis: ShockBasis = "final_demand"
) -> Impact:
    """:func:`impact` of :func:`project_final_demand`; :class:`NoIOTable` when ``table`` is None.

    Parameters
    ----------
    table, sector, new_output, basis
        See :func:`project_final_demand`. ``table`` may be ``None`` (nothing loaded).

    Returns
    -------
    Impact
        Output, value added and jobs by sector and in total.

    Raises
    ------
    NoIOTable
        If no table is loaded — the estimate is refused rather than guessed.
    """
    loaded = require_table(table, "项目的产出、增加值和就业带动效应")
    return impact(loaded, project_final_demand(loaded, sector, new_output, basis))


# --- Feser–Bergman linkage --------------------------------------------------------------------


def feser_bergman(table: IOTable | None) -> pl.DataFrame:
    """Pairwise inter-industry linkage strength after Feser & Bergman (2000).

    For sector *k* let :math:`x_k` be its input-coefficient column (what it buys from each of
    the *n* sectors per yuan, :math:`a_{\\cdot k}`; Feser & Bergman use purchases as shares of
    total intermediate purchases) and :math:`y_k` its output-share row (what it sells to each
    sector as a share of its intermediate sales, :math:`z_{k\\cdot}/\\sum_m z_{km}`). For sectors
    *i* and *j* the four Pearson correlations over the *n* entries are

    * :math:`r(x_i, x_j)` — similar input structures (they buy from the same sectors);
    * :math:`r(y_i, y_j)` — similar output structures (they sell to the same sectors);
    * :math:`r(x_i, y_j)` — the sectors *i* buys from are the sectors *j* sells to: a
      buyer–supplier chain runs from *j* through them to *i*;
    * :math:`r(y_i, x_j)` — the sectors *i* sells to are the sectors *j* buys from;

    and the linkage strength is their maximum,
    :math:`L_{ij} = \\max\\{r(x_i,x_j), r(y_i,y_j), r(x_i,y_j), r(y_i,x_j)\\}`, symmetric in
    *i*, *j* and within [−1, 1].

    Parameters
    ----------
    table
        The input–output table (``None`` raises :class:`NoIOTable`).

    Returns
    -------
    polars.DataFrame
        One row per ordered pair *i ≠ j* (both directions, so filtering on ``sector_i`` gives
        every partner of a sector): ``sector_i``, ``name_i``, ``sector_j``, ``name_j``,
        ``r_input``, ``r_output``, ``r_input_output``, ``r_output_input`` (the four
        correlations above, in that order), ``strength`` (their maximum) and ``strongest`` (the
        name of the correlation that attains it; see :data:`FESER_BERGMAN_MEASURES`).
        A correlation is null where a vector is constant (a sector that buys, or sells,
        nothing intermediate); ``strength`` is the maximum of the others.

    Notes
    -----
    Pearson's *r* is unchanged by scaling a vector by a positive number, so correlating the
    columns of :math:`A`, of :math:`Z` or of purchase shares gives the same result; likewise
    for the rows. The vectors include every sector's entry (own-sector purchases too).
    Feser & Bergman then group sectors by principal-components factor analysis of the
    :math:`L_{ij}` matrix; that step is not done here.
    """
    table = require_table(table, "部门间联系强度（Feser–Bergman）")
    measures = _correlations(table.flows)
    strength = np.fmax(np.fmax(measures[0], measures[1]), np.fmax(measures[2], measures[3]))
    strongest = _strongest(measures, strength)
    i, j = np.nonzero(~np.eye(table.n, dtype=bool))
    codes, names = np.array(table.codes, dtype=object), np.array(table.names, dtype=object)
    frame: dict[str, object] = {
        "sector_i": codes[i].tolist(),
        "name_i": names[i].tolist(),
        "sector_j": codes[j].tolist(),
        "name_j": names[j].tolist(),
    }
    for name, values in zip(FESER_BERGMAN_MEASURES, measures, strict=True):
        frame[name] = _nullable(values[i, j], len(i))
    frame["strength"] = _nullable(strength[i, j], len(i))
    frame["strongest"] = strongest[i, j].tolist()
    schema = dict.fromkeys((*FESER_BERGMAN_MEASURES, "strength"), pl.Float64) | {"strongest": pl.String}
    return pl.DataFrame(frame, schema_overrides=schema)


def _correlations(flows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """r(x_i,x_j), r(y_i,y_j), r(x_i,y_j), r(y_i,x_j) as n × n matrices, clipped to [−1, 1]."""
    inputs = _unit_deviations(flows.T)  # row k: sector k's purchases (column k of Z)
    sales = _unit_deviations(flows)  # row k: sector k's sales (row k of Z)
    r_input_output = inputs @ sales.T
    matrices = (inputs @ inputs.T, sales @ sales.T, r_input_output, r_input_output.T)
    return tuple(np.clip(m, -1.0, 1.0) for m in matrices)  # type: ignore[return-value]


def _unit_deviations(vectors: np.ndarray) -> np.ndarray:
    """Each row centred and scaled to unit length, so that a dot product is Pearson's r.

    A constant row (zero variance) becomes NaN: its correlation is undefined.
    """
    centred = vectors - vectors.mean(axis=1, keepdims=True)
    norms = np.linalg.norm(centred, axis=1, keepdims=True)
    scale = np.max(np.abs(vectors), axis=1, keepdims=True)
    constant = norms <= 1e-12 * np.where(scale > 0, scale, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(constant, np.nan, centred / np.where(constant, 1, norms))


def _strongest(measures: tuple[np.ndarray, ...], strength: np.ndarray) -> np.ndarray:
    names = np.array([*FESER_BERGMAN_MEASURES, None], dtype=object)
    stacked = np.stack(measures)
    hits = np.where(np.isnan(stacked), False, stacked >= strength[np.newaxis] - 1e-15)
    first = np.where(hits.any(axis=0), hits.argmax(axis=0), len(measures))
    return names[first]


def linked_sectors(table: IOTable | None, sector: str, min_strength: float = 0.0) -> pl.DataFrame:
    """The sectors linked to ``sector``, strongest first (Feser & Bergman 2000 strengths).

    Parameters
    ----------
    table
        The input–output table (``None`` raises :class:`NoIOTable`).
    sector
        The sector code whose partners are wanted, e.g. the cluster's core industry.
    min_strength
        Keep partners with :math:`L_{ij} \\ge` this value (in [−1, 1]).

    Returns
    -------
    polars.DataFrame
        The rows of :func:`feser_bergman` with ``sector_i == sector`` and strength at least
        ``min_strength``, sorted by ``strength`` descending (ties by code), with ``reason``:
        the Chinese meaning of the correlation that made the link.

    Raises
    ------
    NoIOTable
        If no table is loaded.
    InputError
        For an unknown sector or a threshold outside [−1, 1].
    """
    table = require_table(table, "关联部门")
    code = table.codes[table.index(sector)]
    if not -1.0 <= float(min_strength) <= 1.0:
        raise InputError.single(
            "联系强度阈值超出范围",
            column="min_strength",
            value=str(min_strength),
            expected="−1 到 1 之间的数",
        )
    reasons = pl.col("strongest").replace_strict(FESER_BERGMAN_MEASURES, default=None, return_dtype=pl.String)
    return (
        feser_bergman(table)
        .filter((pl.col("sector_i") == code) & (pl.col("strength") >= float(min_strength)))
        .with_columns(reason=reasons)
        .sort(["strength", "sector_j"], descending=[True, False])
    )


# --- loading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Header:
    file: str
    row: int  # 1-based spreadsheet row of the header
    corner: str
    codes: tuple[str, ...]
    positions: tuple[int, ...]  # cell index of each code's column
    name_position: int | None
    unit: Unit


@dataclass(frozen=True)
class _Row:
    kind: str  # "sector", "output", "value_added", "employment"
    label: str
    row: int  # 1-based spreadsheet row
    cells: list[str | None]
    unit: Unit | None = None  # the employment row's own unit


def load_io_table(path: str | Path, *, sheet: str | None = None, unit: str | None = None) -> IOTable:
    """Read a sector × sector input–output table from CSV or a spreadsheet.

    Parameters
    ----------
    path
        A ``.csv``/``.tsv``/``.txt`` (UTF-8 or GBK) or ``.xlsx``/``.xls``/``.ods`` file in the
        layout described in the module docstring.
    sheet
        The worksheet to read (default: the first).
    unit
        The money unit of the cells (``"元"``, ``"万元"``, ``"亿元"`` …) when the top-left cell
        does not state it; a unit in the top-left cell must agree with it.

    Returns
    -------
    IOTable
        In yuan and persons, with ``source`` set to the file name.

    Raises
    ------
    InputError
        Naming the file, row, column and value, with what would be accepted, for: no money
        unit; a duplicate or unknown row label (not a column's sector code, nor 总产出 /
        增加值 / 就业); a non-square matrix (a column code without its row); a missing 总产出
        row; non-numeric cells; negative flows, value added or jobs; a zero or negative output;
        data in a column without a header; and a column whose intermediate inputs reach its
        output, which breaks the Hawkins–Simon condition. Cell problems are all reported at once.
    """
    path = Path(path)
    raw = read_file(path, sheet)[0]
    header = _read_header(raw, _argument_unit(unit))
    rows = _read_rows(raw, header)
    return _parse_table(header, rows, path.name)


def example_table() -> IOTable:
    """The shipped illustrative six-sector county table (``io_example.csv``; not real data).

    Returns
    -------
    IOTable
        Sectors by GB/T 4754 门类 (A 农林牧渔业, B 采矿业, C 制造业, D 电力热力燃气及水, E 建筑业,
        F-T 服务业), in 万元 in the file. The numbers are built from round technical coefficients
        for a county of about 300亿元 GDP to show the model's workings; they are not from any
        statistical source and must not be used for real estimates.
    """
    resource = resources.files("jiqun.chains").joinpath(EXAMPLE_FILE)
    with resources.as_file(resource) as path:
        table = load_io_table(path)
    return IOTable(
        codes=table.codes,
        names=table.names,
        flows=table.flows,
        output=table.output,
        value_added=table.value_added,
        employment=table.employment,
        source=f"{EXAMPLE_FILE}（示意数据，非统计数据）",
    )


def _argument_unit(unit: str | None) -> Unit | None:
    if unit is None:
        return None
    found = find_unit(unit)
    if found is None or found.currency != "CNY":
        raise InputError.single(
            "不是人民币金额单位", column="unit", value=unit, expected="元、千元、万元、百万元、亿元"
        )
    return found


def _cells(raw: RawSheet, index: int) -> list[str | None]:
    return [clean_cell(c) for c in raw.row(index)]


def _is_skipped(cells: list[str | None]) -> bool:
    return not any(cells) or (cells[0] or "").startswith(_NOTE_PREFIXES)


def _read_header(raw: RawSheet, argument_unit: Unit | None) -> _Header:
    index = next((i for i in range(raw.height) if not _is_skipped(_cells(raw, i))), None)
    if index is None:
        raise InputError.single("文件中没有表格内容", file=raw.where(), expected="表头行加各部门的行")
    cells = _cells(raw, index)
    corner = cells[0] or ""
    name_position = 1 if len(cells) > 1 and (cells[1] or "").casefold() in _NAME_HEADERS else None
    positions = tuple(p for p in range(1, len(cells)) if p != name_position and cells[p])
    codes = tuple(cells[p] or "" for p in positions)
    where = {"file": raw.where(), "row": index + 1}
    _check_header_codes(codes, cells, where)
    return _Header(
        file=raw.where(),
        row=index + 1,
        corner=corner,
        codes=codes,
        positions=positions,
        name_position=name_position,
        unit=_money_unit(corner, argument_unit, where),
    )


def _check_header_codes(codes: tuple[str, ...], cells: list[str | None], where: dict[str, object]) -> None:
    if not codes:
        raise InputError.single(
            "表头行没有部门代码",
            column=cells[0] or "",
            **where,
            expected="第一列之后每列的表头是一个使用部门的代码，如 A、B、C",
        )
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise InputError.single(
                "列标题中的部门代码重复", column=code, value=code, **where, expected="每个部门只有一列"
            )
        if _special_kind(code) is not None:
            raise InputError.single(
                "列标题应为使用部门的代码，这里只读中间流量方阵",
                column=code,
                value=code,
                **where,
                expected="部门代码；总产出、增加值、就业写成行，最终使用列请删去",
            )
        seen.add(code)


def _money_unit(corner: str, argument_unit: Unit | None, where: dict[str, object]) -> Unit:
    _, unit = split_header_unit(corner) if corner else ("", None)
    if unit is not None and not unit.is_money:
        raise InputError.single(
            "左上角单元格中的单位不是金额单位",
            column=corner,
            value=corner,
            **where,
            expected="如“代码（万元）”",
        )
    if unit is not None and unit.currency != "CNY":
        raise InputError.single(
            "投入产出表的金额须以人民币计",
            column=corner,
            value=corner,
            **where,
            expected="元、万元、亿元等人民币单位",
        )
    if unit is not None and argument_unit is not None and unit != argument_unit:
        raise InputError.single(
            f"表头单位“{unit.symbol}”与参数 unit=“{argument_unit.symbol}”不一致",
            column=corner,
            value=corner,
            **where,
            expected="两者一致，或只写一处",
        )
    chosen = unit or argument_unit
    if chosen is None:
        raise InputError.single(
            "没有注明金额单位",
            column=corner or "（左上角单元格）",
            value=corner,
            **where,
            expected="在左上角单元格注明，如“代码（万元）”，或调用时指定 unit='万元'",
        )
    return chosen


def _special_kind(label: str) -> str | None:
    name, _ = split_header_unit(label)
    key = (name or label).casefold()
    return next((kind for kind, labels in _SPECIAL_ROWS.items() if key in labels), None)


def _read_rows(raw: RawSheet, header: _Header) -> dict[str, _Row]:
    rows: dict[str, _Row] = {}
    codes = set(header.codes)
    for index in range(header.row, raw.height):
        cells = _cells(raw, index)
        if _is_skipped(cells):
            continue
        row = _classify(cells, index + 1, header, codes)
        key = row.label if row.kind == "sector" else row.kind
        if key in rows:
            raise InputError.single(
                f"行“{cells[0]}”重复（第 {rows[key].row} 行已有）",
                file=header.file,
                row=index + 1,
                column=header.corner,
                value=cells[0] or "",
                expected="每个部门和每个合计行只出现一次",
            )
        _check_unheaded(cells, index + 1, header)
        rows[key] = row
    _check_square(rows, header)
    return rows


def _classify(cells: list[str | None], row: int, header: _Header, codes: set[str]) -> _Row:
    label = cells[0] or ""
    if label in codes:
        return _Row("sector", label, row, cells)
    kind = _special_kind(label)
    if kind is None:
        message = _UNKNOWN_ROW if label else "行标签为空"
        raise InputError.single(
            message,
            file=header.file,
            row=row,
            column=header.corner,
            value=label,
            expected=f"{_ROW_EXPECTED}；列中的部门代码：{'、'.join(header.codes)}",
        )
    unit = _employment_unit(label, row, header) if kind == "employment" else None
    return _Row(kind, label, row, cells, unit)


def _employment_unit(label: str, row: int, header: _Header) -> Unit:
    _, unit = split_header_unit(label)
    if unit is None:
        return UNITS["人"]
    if unit.base != "人":
        raise InputError.single(
            "就业行的单位不是人数",
            file=header.file,
            row=row,
            column=header.corner,
            value=label,
            expected="就业（人）或 就业（万人）",
        )
    return unit


def _check_unheaded(cells: list[str | None], row: int, header: _Header) -> None:
    used = {0, *header.positions} | ({header.name_position} if header.name_position is not None else set())
    for position, cell in enumerate(cells):
        if cell is not None and position not in used:
            raise InputError.single(
                f"第 {position + 1} 列没有部门代码表头，却有数据",
                file=header.file,
                row=row,
                column=f"第 {position + 1} 列",
                value=cell,
                expected="给这一列写上部门代码，或删去这一列（最终使用等列不读入）",
            )


def _check_square(rows: dict[str, _Row], header: _Header) -> None:
    missing = [c for c in header.codes if c not in rows]
    if missing:
        present = sum(1 for r in rows.values() if r.kind == "sector")
        raise InputError.single(
            f"中间流量不是方阵：有 {len(header.codes)} 个使用部门（列），只有 {present} 个供给部门（行），"
            f"缺少这些部门的行：{'、'.join(missing)}",
            file=header.file,
            row=header.row,
            column=missing[0],
            value=missing[0],
            expected="列标题中的每个部门代码都有一行，且只有一行",
        )
    if "output" not in rows:
        raise InputError.single(
            "缺少总产出行",
            file=header.file,
            column=header.corner,
            expected="第一列写“总产出”（或“总投入”）的一行，给出每个部门的总产出",
        )


def _parse_table(header: _Header, rows: dict[str, _Row], file: str) -> IOTable:
    problems: list[Problem] = []
    n = len(header.codes)
    flows = np.array([_parse_line(rows[c], header, problems) for c in header.codes]).reshape(n, n)
    output = _parse_line(rows["output"], header, problems, blank_is_zero=False)
    vectors = {
        kind: _parse_line(rows[kind], header, problems) if kind in rows else None
        for kind in ("value_added", "employment")
    }
    summary = f"投入产出表 {header.file} 有误"
    _raise_problems(problems, summary)
    parts = _Parts(header.codes, flows, output, vectors["value_added"], vectors["employment"])
    _raise_problems(_economic_problems(parts, _file_locator(header, rows)), summary)
    names = tuple(_name(rows[c], header) for c in header.codes)
    return IOTable(
        codes=header.codes,
        names=names,
        flows=flows,
        output=output,
        value_added=vectors["value_added"],
        employment=vectors["employment"],
        source=file,
    )


def _file_locator(header: _Header, rows: dict[str, _Row]) -> Locator:
    """Places an array position at its spreadsheet row, column header and cell text."""

    def locate(kind: str, row: int | None, column: int) -> dict[str, object]:
        line = rows[header.codes[row]] if row is not None else rows[kind]
        position = header.positions[column]
        value = line.cells[position] if position < len(line.cells) else None
        return {"file": header.file, "row": line.row, "column": header.codes[column], "value": value or ""}

    return locate


def _name(row: _Row, header: _Header) -> str:
    if header.name_position is None or header.name_position >= len(row.cells):
        return row.label
    return row.cells[header.name_position] or row.label


def _parse_line(
    row: _Row, header: _Header, problems: list[Problem], blank_is_zero: bool = True
) -> np.ndarray:
    values = np.zeros(len(header.codes))
    for k, (code, position) in enumerate(zip(header.codes, header.positions, strict=True)):
        text = row.cells[position] if position < len(row.cells) else None
        try:
            values[k] = _parse_cell(text, row, header.unit, blank_is_zero)
        except ParseError as exc:
            problems.append(exc.to_problem(file=header.file, row=row.row, column=code, value=text or ""))
    return values


def _parse_cell(text: str | None, row: _Row, unit: Unit, blank_is_zero: bool) -> float:
    if text is None:
        if blank_is_zero:
            return 0.0
        raise ParseError("总产出不能为空", "正数")
    if row.kind == "employment":
        return float(parse_decimal(text, row.unit, places=4))
    amount, currency = parse_money(text, unit)
    if currency != "CNY":
        raise ParseError("投入产出表的金额须以人民币计", "元、万元、亿元等人民币金额")
    return float(amount)


def template_from_io(
    table: IOTable | None, sector: str, *, min_coefficient: float = 0.05, min_strength: float = 0.5
) -> ChainTemplate:
    """A chain template derived from an input–output table around ``sector``.

    Upstream segments are the sectors that supply at least ``min_coefficient`` yuan per yuan of
    the core sector's output (:math:`a_{j,\\text{core}}`); downstream segments are those that
    take at least that share of its intermediate sales (:math:`z_{\\text{core},k} / \\sum_m
    z_{\\text{core},m}`). Sectors linked only through similar input or output structures
    (Feser–Bergman strength ≥ ``min_strength``) become related segments of the midstream. Each
    segment's description gives the numbers it rests on; its "industries" are the table's sector
    codes (match them to GB/T 4754 classes when the table uses other codes).

    References
    ----------
    Feser, E. J. & Bergman, E. M. (2000). National industry cluster templates: a framework for
    applied regional cluster analysis. *Regional Studies* 34(1), 1–19.
    """
    table = require_table(table, "由投入产出表推导的产业链模板")
    core = table.index(sector)
    a = table.technical_coefficients
    flows = np.asarray(table.flows, dtype=float)
    sales = flows[core].sum()
    sold = flows[core] / sales if sales > 0 else np.zeros(table.n)
    strength = feser_bergman(table).filter(pl.col("sector_i") == table.codes[core])
    linked = dict(zip(strength["sector_j"].to_list(), strength["strength"].to_list(), strict=True))
    segments = [
        Segment(
            id=f"io_{table.codes[core]}",
            name_zh=_sector_name(table, core),
            stage="midstream",
            industries=(table.codes[core],),
            core=True,
            description="核心部门",
        )
    ]
    for j, code in enumerate(table.codes):
        if j == core:
            continue
        segment = _io_segment(
            table,
            j,
            a[j, core],
            sold[j],
            linked.get(code),
            min_coefficient,
            min_strength,
            f"io_{table.codes[core]}",
        )
        if segment is not None:
            segments.append(segment)
    segments[0] = replace(segments[0], supplies=tuple(s.id for s in segments if s.stage == "downstream"))
    name = _sector_name(table, core)
    return ChainTemplate(
        id=f"io_{table.codes[core]}",
        name_zh=f"{name}（投入产出推导）",
        segments=tuple(segments),
        description=f"由投入产出表推导：直接消耗系数 ≥ {min_coefficient:g} 的上游、销售占比 ≥ "
        f"{min_coefficient:g} 的下游、Feser–Bergman 关联强度 ≥ {min_strength:g} 的相关部门",
        source=table.source or "投入产出表",
    )


def _sector_name(table: IOTable, index: int) -> str:
    names = table.names or table.codes
    return names[index] or table.codes[index]


def _io_segment(
    table: IOTable,
    j: int,
    coefficient: float,
    share: float,
    strength: float | None,
    min_coefficient: float,
    min_strength: float,
    core_id: str,
) -> Segment | None:
    code, name = table.codes[j], _sector_name(table, j)
    if coefficient >= min_coefficient:
        return Segment(
            id=f"io_{code}",
            name_zh=name,
            stage="upstream",
            industries=(code,),
            description=f"每元核心部门产出消耗该部门产品 {coefficient:.3f} 元",
            supplies=(core_id,),
        )
    if share >= min_coefficient:
        return Segment(
            id=f"io_{code}",
            name_zh=name,
            stage="downstream",
            industries=(code,),
            description=f"核心部门中间产品的 {share:.1%} 售往该部门",
        )
    if strength is not None and strength >= min_strength:
        return Segment(
            id=f"io_{code}",
            name_zh=name,
            stage="midstream",
            industries=(code,),
            description=f"与核心部门的 Feser–Bergman 关联强度 {strength:.2f}",
        )
    return None
