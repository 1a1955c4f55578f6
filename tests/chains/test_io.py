"""The input–output model: hand-computed Leontief numbers, the loader's messages, properties."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from jiqun.chains.io import (
    FESER_BERGMAN_MEASURES,
    IOTable,
    NoIOTable,
    example_table,
    feser_bergman,
    impact,
    leontief_inverse,
    linked_sectors,
    load_io_table,
    multipliers,
    project_final_demand,
    project_impact,
    require_table,
)
from jiqun.errors import InputError

# --- a three-sector economy computed by hand ------------------------------------------------
#
# x = (1000, 2000, 1000), Z chosen so that
#       | 0.2 0.1 0.3 |              |  0.8 -0.1 -0.3 |
#   A = | 0.1 0.2 0.1 |      I - A = | -0.1  0.8 -0.1 |      det(I - A) = 0.446
#       | 0.1 0.3 0.2 |              | -0.1 -0.3  0.8 |
#
# Cofactors of I - A (×1000), transposed (the adjugate):
#   | 610 170 250 |
#   |  90 610 110 |     so  L = adj / 446.
#   | 110 250 630 |

X3 = [1000.0, 2000.0, 1000.0]
Z3 = [[200.0, 200.0, 300.0],
      [100.0, 400.0, 100.0],
      [100.0, 600.0, 200.0]]
A3 = [[Fraction(2, 10), Fraction(1, 10), Fraction(3, 10)],
      [Fraction(1, 10), Fraction(2, 10), Fraction(1, 10)],
      [Fraction(1, 10), Fraction(3, 10), Fraction(2, 10)]]
ADJ3 = [[610, 170, 250], [90, 610, 110], [110, 250, 630]]
L3 = [[Fraction(a, 446) for a in row] for row in ADJ3]
JOBS3 = [50.0, 20.0, 10.0]  # e = (0.05, 0.01, 0.01) persons per yuan
VA3 = [600.0, 800.0, 400.0]  # value added closes every column: v = 1 - column sums of A


def three_sector(**extra: object) -> IOTable:
    return IOTable(codes=("1", "2", "3"), names=("农业", "制造业", "服务业"), flows=Z3, output=X3,
                   value_added=VA3, employment=JOBS3, **extra)  # type: ignore[arg-type]


def _matmul(p: list[list[Fraction]], q: list[list[Fraction]]) -> list[list[Fraction]]:
    return [[sum((p[i][k] * q[k][j] for k in range(len(q))), Fraction(0)) for j in range(len(q[0]))]
            for i in range(len(p))]


def test_hand_inverse_is_exact() -> None:
    """The adjugate above really inverts I - A, in exact arithmetic."""
    i_minus_a = [[Fraction(int(i == j)) - A3[i][j] for j in range(3)] for i in range(3)]
    identity = [[Fraction(int(i == j)) for j in range(3)] for i in range(3)]
    assert _matmul(L3, i_minus_a) == identity
    assert _matmul(i_minus_a, L3) == identity


def test_three_sector_coefficients_and_leontief() -> None:
    table = three_sector()
    np.testing.assert_allclose(table.technical_coefficients, np.array(A3, dtype=float), rtol=0, atol=1e-15)
    np.testing.assert_allclose(table.leontief, np.array(L3, dtype=float), rtol=0, atol=1e-12)
    np.testing.assert_allclose(leontief_inverse(np.array(A3, dtype=float)), np.array(L3, dtype=float),
                               rtol=0, atol=1e-12)
    np.testing.assert_allclose(table.value_added_coefficients, [0.6, 0.4, 0.4], atol=1e-15)
    np.testing.assert_allclose(table.employment_coefficients, [0.05, 0.01, 0.01], atol=1e-15)


def test_three_sector_multipliers() -> None:
    m = multipliers(three_sector())
    assert m["code"].to_list() == ["1", "2", "3"]
    np.testing.assert_allclose(m["output"].to_numpy(), [810 / 446, 1030 / 446, 990 / 446], atol=1e-12)
    np.testing.assert_allclose(m["output_net"].to_numpy(), [364 / 446, 584 / 446, 544 / 446], atol=1e-12)
    # value added closes the columns, so every yuan of final demand returns one yuan of value added
    np.testing.assert_allclose(m["value_added"].to_numpy(), [1, 1, 1], atol=1e-12)
    np.testing.assert_allclose(m["value_added_type1"].to_numpy(), [1 / 0.6, 1 / 0.4, 1 / 0.4], atol=1e-12)
    # column 1: 0.05·610 + 0.01·90 + 0.01·110 = 32.5 (÷ 446)
    jobs = [32.5 / 446, (0.05 * 170 + 0.01 * 610 + 0.01 * 250) / 446,
            (0.05 * 250 + 0.01 * 110 + 0.01 * 630) / 446]
    np.testing.assert_allclose(m["employment"].to_numpy(), jobs, atol=1e-12)
    np.testing.assert_allclose(m["employment_type1"].to_numpy(), [650 / 446, 1710 / 446, 1990 / 446],
                               atol=1e-12)


def test_three_sector_impact() -> None:
    result = impact(three_sector(), {"2": 100})
    rows = result.sectors
    np.testing.assert_allclose(rows["final_demand"].to_numpy(), [0, 100, 0])
    np.testing.assert_allclose(rows["output"].to_numpy(), [17000 / 446, 61000 / 446, 25000 / 446], atol=1e-12)
    np.testing.assert_allclose(rows["indirect_output"].to_numpy(),
                               [17000 / 446, 61000 / 446 - 100, 25000 / 446], atol=1e-12)
    np.testing.assert_allclose(rows["jobs"].to_numpy(), [850 / 446, 610 / 446, 250 / 446], atol=1e-12)
    assert result.total_output == pytest.approx(103000 / 446, abs=1e-12)
    assert result.total_indirect_output == pytest.approx(103000 / 446 - 100, abs=1e-12)
    assert result.total_jobs == pytest.approx(1710 / 446, abs=1e-12)
    assert result.total_value_added == pytest.approx(100, abs=1e-12)
    assert result.as_dict()["sectors"][1]["name"] == "制造业"


def test_project_as_final_demand_is_the_column_of_l() -> None:
    table = three_sector()
    assert project_final_demand(table, "2", 100) == {"2": 100.0}
    result = project_impact(table, "2", 100)
    np.testing.assert_allclose(result.sectors["output"].to_numpy(), table.leontief[:, 1] * 100, atol=1e-12)


def test_project_as_sector_output_is_the_mixed_model() -> None:
    """Δx_j fixed at Y: the other sectors follow (I − A_rr)⁻¹ A_rj Y, sector j moves by exactly Y."""
    table = three_sector()
    shock = project_final_demand(table, "2", 100, basis="output")
    assert shock["2"] == pytest.approx(100 * 446 / 610, abs=1e-12)
    output = project_impact(table, "2", 100, basis="output").sectors["output"].to_numpy()
    a = np.array(A3, dtype=float)
    rest = [0, 2]
    mixed = np.linalg.solve(np.eye(2) - a[np.ix_(rest, rest)], a[rest, 1] * 100)
    assert output[1] == pytest.approx(100, abs=1e-12)
    np.testing.assert_allclose(output[rest], mixed, atol=1e-12)


def test_unknown_basis_and_sector_are_refused() -> None:
    table = three_sector()
    with pytest.raises(InputError, match="冲击口径"):
        project_final_demand(table, "2", 100, basis="gross")  # type: ignore[arg-type]
    with pytest.raises(InputError) as caught:
        impact(table, {"9": 1})
    assert caught.value.problems[0].value == "9" and "1、2、3" in caught.value.problems[0].expected
    with pytest.raises(InputError, match="有限数"):
        impact(table, {"1": float("nan")})


# --- Miller & Blair (2009), chapter 2, the two-sector example ---------------------------------


def test_miller_blair_two_sector_example() -> None:
    table = IOTable(codes=("1", "2"), flows=[[150, 500], [200, 100]], output=[1000, 2000])
    np.testing.assert_allclose(table.technical_coefficients, [[0.15, 0.25], [0.2, 0.05]], atol=1e-15)
    np.testing.assert_allclose(table.leontief, [[1.2541, 0.3300], [0.2640, 1.1221]], atol=1e-4)
    # exact: det(I − A) = 0.7575, L = [[0.95, 0.25], [0.2, 0.85]] / 0.7575
    np.testing.assert_allclose(table.leontief, np.array([[0.95, 0.25], [0.2, 0.85]]) / 0.7575, atol=1e-12)
    # the table's own final demand, f = x − Z·1 = (350, 1700), reproduces its output
    result = impact(table, {"1": 350, "2": 1700})
    np.testing.assert_allclose(result.sectors["output"].to_numpy(), [1000, 2000], atol=1e-9)
    m = multipliers(table)
    np.testing.assert_allclose(m["output"].to_numpy(), [1.2541 + 0.2640, 0.3300 + 1.1221], atol=1e-4)
    assert m["value_added"].null_count() == 2 and m["employment_type1"].null_count() == 2


# --- no table, bad tables ---------------------------------------------------------------------


def test_no_table_is_said_not_guessed() -> None:
    with pytest.raises(NoIOTable, match="未加载投入产出表"):
        project_impact(None, "C", 1e8)
    for call in (lambda: multipliers(None), lambda: impact(None, {"C": 1}),
                 lambda: feser_bergman(None), lambda: linked_sectors(None, "C")):
        with pytest.raises(NoIOTable, match="load_io_table"):
            call()
    with pytest.raises(NoIOTable, match="链条测算"):
        require_table(None, "链条测算")
    table = three_sector()
    assert require_table(table) is table


def test_non_productive_coefficients_are_refused() -> None:
    with pytest.raises(InputError, match="Hawkins–Simon") as caught:
        leontief_inverse(np.array([[0.5, 0.6], [0.6, 0.5]]))
    assert "ρ(A) = 1.1" in caught.value.message
    with pytest.raises(InputError, match="负数"):
        leontief_inverse(np.array([[0.1, -0.1], [0.0, 0.1]]))
    with pytest.raises(InputError, match="方阵"):
        leontief_inverse(np.zeros((2, 3)))


def test_constructor_refuses_bad_arrays() -> None:
    with pytest.raises(InputError) as caught:
        IOTable(codes=("1", "2"), flows=[[-1, 0], [0, 0]], output=[10, 10])
    assert caught.value.problems[0].column == "flows[0, 0]"
    with pytest.raises(InputError, match="Hawkins–Simon") as caught:
        IOTable(codes=("1", "2"), flows=[[5, 0], [6, 0]], output=[10, 10])
    assert caught.value.problems[0].column == "output[0]"
    with pytest.raises(InputError, match="形状"):
        IOTable(codes=("1", "2"), flows=[[1, 0, 0], [0, 0, 0]], output=[10, 10])
    with pytest.raises(InputError, match="重复"):
        IOTable(codes=("1", "1"), flows=[[1, 0], [0, 0]], output=[10, 10])
    with pytest.raises(InputError, match="总产出为零"):
        IOTable(codes=("1", "2"), flows=[[0, 0], [0, 0]], output=[10, 0])


# --- loading ----------------------------------------------------------------------------------

GOOD = """代码（万元）,名称,1,2,3
1,农业,200,200,300
2,制造业,100,400,100
3,服务业,100,600,200
增加值,,600,800,400
总产出,,1000,2000,1000
就业（万人）,,0.005,0.002,0.001
注：测试用的小表
"""


def write(tmp_path: Path, text: str, name: str = "io.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_load_csv_in_wan_yuan(tmp_path: Path) -> None:
    table = load_io_table(write(tmp_path, GOOD))
    assert table.codes == ("1", "2", "3") and table.names == ("农业", "制造业", "服务业")
    np.testing.assert_allclose(table.flows, np.array(Z3) * 1e4)
    np.testing.assert_allclose(table.output, np.array(X3) * 1e4)
    np.testing.assert_allclose(table.employment, JOBS3)  # 0.005万人 = 50 persons
    np.testing.assert_allclose(table.leontief, np.array(L3, dtype=float), atol=1e-12)
    assert table.source == "io.csv"


def test_load_gbk_csv_rows_in_any_order_with_unit_argument(tmp_path: Path) -> None:
    text = "部门,2,1\n总产出,200,100\n2,—,5\n1,10,\n"
    table = load_io_table(write(tmp_path, text, encoding="gbk"), unit="亿元")
    assert table.codes == ("2", "1") and table.names == ("2", "1")
    np.testing.assert_allclose(table.flows, [[0, 5e8], [10e8, 0]])
    np.testing.assert_allclose(table.output, [200e8, 100e8])
    assert table.value_added is None and table.employment is None


def test_load_xlsx(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    for line in GOOD.strip().splitlines():
        sheet.append([_cell(c) for c in line.split(",")])
    path = tmp_path / "io.xlsx"
    book.save(path)
    table = load_io_table(path)
    np.testing.assert_allclose(table.flows, np.array(Z3) * 1e4)
    np.testing.assert_allclose(table.value_added, np.array(VA3) * 1e4)


def _cell(text: str) -> object:
    try:
        return float(text)
    except ValueError:
        return text or None


def _error(tmp_path: Path, text: str, **kwargs: object) -> InputError:
    with pytest.raises(InputError) as caught:
        load_io_table(write(tmp_path, text), **kwargs)  # type: ignore[arg-type]
    return caught.value


@pytest.mark.parametrize(
    ("old", "new", "row", "column", "value", "words"),
    [
        ("2,制造业,100,400,100", "2,制造业,100,abc,100", 3, "2", "abc", "不是数字"),
        ("2,制造业,100,400,100", "2,制造业,100,-400,100", 3, "2", "-400", "中间流量为负数"),
        ("总产出,,1000,2000,1000", "总产出,,1000,0,1000", 6, "2", "0", "总产出为零"),
        ("总产出,,1000,2000,1000", "总产出,,1000,2000,", 6, "3", "", "总产出不能为空"),
        ("3,服务业,100,600,200", "3,服务业,100,1600,200", 6, "2", "2000", "Hawkins–Simon"),
        ("就业（万人）,,0.005,0.002,0.001", "就业（万人）,,0.005,-2,0.001", 7, "2", "-2", "就业人数为负数"),
    ],
)
def test_bad_cells_are_located(tmp_path: Path, old: str, new: str, row: int, column: str, value: str,
                               words: str) -> None:
    error = _error(tmp_path, GOOD.replace(old, new))
    problem = error.problems[0]
    assert (problem.file, problem.row, problem.column, problem.value) == ("io.csv", row, column, value)
    assert words in problem.message and problem.expected
    assert "io.csv" in error.message


def test_every_bad_cell_is_reported_at_once(tmp_path: Path) -> None:
    error = _error(tmp_path, GOOD.replace("200,200,300", "x,200,y").replace("600,800,400", "600,z,400"))
    assert [(p.row, p.column) for p in error.problems] == [(2, "1"), (2, "3"), (5, "2")]
    assert "另有 2 处问题" in error.message


def test_hawkins_simon_message_explains(tmp_path: Path) -> None:
    error = _error(tmp_path, GOOD.replace("3,服务业,100,600,200", "3,服务业,100,1600,200"))
    problem = error.problems[0]
    assert "直接消耗系数列和 = 1.1000 ≥ 1" in problem.message and "列昂惕夫逆" in problem.message
    assert "小于它的总产出" in problem.expected


def test_unknown_row_label(tmp_path: Path) -> None:
    problem = _error(tmp_path, GOOD.replace("3,服务业", "4,服务业")).problems[0]
    assert (problem.row, problem.value) == (4, "4")
    assert "未知的行标签" in problem.message and "方阵" in problem.message
    assert "总产出" in problem.expected and "1、2、3" in problem.expected


def test_non_square_matrix(tmp_path: Path) -> None:
    problem = _error(tmp_path, GOOD.replace("3,服务业,100,600,200\n", "")).problems[0]
    assert "不是方阵" in problem.message and "3" in problem.message
    assert (problem.row, problem.column) == (1, "3")


def test_structural_problems(tmp_path: Path) -> None:
    assert "缺少总产出行" in _error(tmp_path, GOOD.replace("总产出,,1000,2000,1000\n", "")).message
    assert "没有注明金额单位" in _error(tmp_path, GOOD.replace("代码（万元）", "代码")).message
    assert "不一致" in _error(tmp_path, GOOD, unit="亿元").message
    assert "重复" in _error(tmp_path, GOOD + "2,制造业,1,1,1\n").message
    extra_cell = GOOD.replace("1,农业,200,200,300", "1,农业,200,200,300,9")
    assert "没有部门代码表头" in _error(tmp_path, extra_cell).message
    assert "列标题应为使用部门的代码" in _error(
        tmp_path, GOOD.replace("名称,1,2,3", "名称,1,2,3,总产出")).message
    assert "不是人民币金额单位" in _error(tmp_path, GOOD.replace("代码（万元）", "代码"), unit="人").message
    assert "就业行的单位" in _error(tmp_path, GOOD.replace("就业（万人）", "就业（万元）")).message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="不存在"):
        load_io_table(tmp_path / "nope.csv")


# --- the shipped example ----------------------------------------------------------------------


def test_example_table_is_labelled_illustrative_and_productive() -> None:
    table = example_table()
    assert "示意" in table.source
    assert table.codes == ("A", "B", "C", "D", "E", "F-T")
    assert table.n == 6 and table.value_added is not None and table.employment is not None
    assert np.all(table.technical_coefficients.sum(axis=0) < 1)
    m = multipliers(table)
    assert all(1 < v < 2 for v in m["output"].to_list())
    result = project_impact(table, "C", 1e9)  # a 10亿元 manufacturing project
    assert result.total_output > 1e9 and result.total_jobs is not None and result.total_jobs > 0


# --- Feser–Bergman ----------------------------------------------------------------------------


def test_feser_bergman_matches_direct_correlations() -> None:
    table = three_sector()
    pairs = feser_bergman(table)
    assert pairs.height == 6
    a = np.array(A3, dtype=float)
    sales = np.array(Z3) / np.array(Z3).sum(axis=1, keepdims=True)
    row = pairs.filter((pairs["sector_i"] == "1") & (pairs["sector_j"] == "3")).row(0, named=True)
    expected = {
        "r_input": np.corrcoef(a[:, 0], a[:, 2])[0, 1],
        "r_output": np.corrcoef(sales[0], sales[2])[0, 1],
        "r_input_output": np.corrcoef(a[:, 0], sales[2])[0, 1],
        "r_output_input": np.corrcoef(sales[0], a[:, 2])[0, 1],
    }
    for name, value in expected.items():
        assert row[name] == pytest.approx(value, abs=1e-12)
    assert row["strength"] == pytest.approx(max(expected.values()), abs=1e-12)
    assert row["strongest"] == max(expected, key=lambda k: expected[k])


def test_identical_input_structures_are_fully_linked() -> None:
    flows = [[10, 20, 5], [30, 60, 5], [0, 0, 5]]  # sectors 1 and 2 buy in the same proportions
    table = IOTable(codes=("1", "2", "3"), flows=flows, output=[100, 200, 100])
    linked = linked_sectors(table, "1", min_strength=0.5)
    top = linked.row(0, named=True)
    assert (top["sector_j"], top["strongest"]) == ("2", "r_input")
    assert top["strength"] == pytest.approx(1.0, abs=1e-12)
    assert top["reason"] == FESER_BERGMAN_MEASURES["r_input"]
    assert linked["strength"].is_sorted(descending=True)
    assert linked["strength"].min() >= 0.5  # type: ignore[operator]


def test_constant_vectors_give_null_correlations() -> None:
    table = IOTable(codes=("1", "2", "3"), flows=[[0, 5, 1], [0, 0, 2], [0, 1, 3]], output=[10, 10, 10])
    pairs = feser_bergman(table)
    row = pairs.filter((pairs["sector_i"] == "1") & (pairs["sector_j"] == "2")).row(0, named=True)
    assert row["r_input"] is None  # sector 1 buys nothing
    assert row["strength"] is not None


def test_linked_sectors_refuses_bad_arguments() -> None:
    with pytest.raises(InputError, match="没有这个部门"):
        linked_sectors(three_sector(), "9")
    with pytest.raises(InputError, match="阈值"):
        linked_sectors(three_sector(), "1", min_strength=2)


# --- properties -------------------------------------------------------------------------------


@st.composite
def productive(draw: st.DrawFn) -> np.ndarray:
    """A non-negative A whose column sums are below 0.95 (hence ρ(A) < 1)."""
    n = draw(st.integers(1, 6))
    raw = draw(arrays(np.float64, (n, n), elements=st.floats(0, 1)))
    sums = draw(arrays(np.float64, (n,), elements=st.floats(0, 0.95)))
    totals = raw.sum(axis=0)
    return np.where(totals > 0, raw / np.where(totals > 0, totals, 1) * sums, 0.0)


def _table_of(a: np.ndarray, output: np.ndarray) -> IOTable:
    n = a.shape[0]
    return IOTable(codes=tuple(str(k) for k in range(n)), flows=a * output, output=output,
                   value_added=(1 - a.sum(axis=0)) * output, employment=output / 1e4)


@settings(deadline=None, max_examples=60)
@given(productive())
def test_leontief_inverse_properties(a: np.ndarray) -> None:
    leontief = leontief_inverse(a)
    n = a.shape[0]
    assert np.all(leontief >= np.eye(n) - 1e-12)
    np.testing.assert_allclose(leontief @ (np.eye(n) - a), np.eye(n), atol=1e-9)


@settings(deadline=None, max_examples=40)
@given(productive(), st.data())
def test_impact_is_linear(a: np.ndarray, data: st.DataObject) -> None:
    n = a.shape[0]
    amounts = st.floats(-1e9, 1e9)
    output = data.draw(arrays(np.float64, (n,), elements=st.floats(1e3, 1e9)))
    f, g = (data.draw(arrays(np.float64, (n,), elements=amounts)) for _ in range(2))
    s, t = data.draw(st.floats(-10, 10)), data.draw(st.floats(-10, 10))
    table = _table_of(a, output)

    def run(shock: np.ndarray) -> np.ndarray:
        result = impact(table, {str(k): v for k, v in enumerate(shock)})
        return result.sectors.select("output", "value_added", "jobs").to_numpy()

    combined, separate = run(s * f + t * g), s * run(f) + t * run(g)
    np.testing.assert_allclose(combined, separate, rtol=1e-7, atol=1e-6 * (1 + np.abs(separate).max()))


@settings(deadline=None, max_examples=60)
@given(st.integers(2, 6).flatmap(lambda n: arrays(np.float64, (n, n), elements=st.floats(0, 1e6))))
def test_feser_bergman_is_symmetric_and_bounded(flows: np.ndarray) -> None:
    n = flows.shape[0]
    output = flows.sum(axis=0) * 2 + 1
    pairs = feser_bergman(IOTable(codes=tuple(str(k) for k in range(n)), flows=flows, output=output))
    strength = {(r["sector_i"], r["sector_j"]): r["strength"] for r in pairs.iter_rows(named=True)}
    for (i, j), value in strength.items():
        assert value == strength[(j, i)] or (value is not None and value == pytest.approx(strength[(j, i)]))
        assert value is None or -1 <= value <= 1


def test_template_from_io_places_sectors_by_coefficients_and_sales() -> None:
    from jiqun.chains.io import template_from_io

    table = example_table()
    core = table.index("C")
    template = template_from_io(table, "C", min_coefficient=0.05, min_strength=0.5)
    a = table.technical_coefficients
    flows = np.asarray(table.flows, dtype=float)
    sold = flows[core] / flows[core].sum()
    stages = {s.industries[0]: s.stage for s in template.segments}
    assert stages["C"] == "midstream" and template.segment("io_C").core
    for j, code in enumerate(table.codes):
        if j == core:
            continue
        if a[j, core] >= 0.05:
            assert stages[code] == "upstream"
            assert ("io_" + code, "io_C") in template.edges
        elif sold[j] >= 0.05:
            assert stages[code] == "downstream"
            assert ("io_C", "io_" + code) in template.edges
    assert all(s.description for s in template.segments)


def test_template_from_io_without_a_table_says_so() -> None:
    from jiqun.chains.io import NoIOTable, template_from_io

    with pytest.raises(NoIOTable):
        template_from_io(None, "C")
