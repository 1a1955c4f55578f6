"""Charts of the report: Chinese glyphs from the packaged font, valid PNGs, offline plotly."""

from __future__ import annotations

import io
import itertools
import json
import logging
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.ft2font import FT2Font
from matplotlib.text import Text
from PIL import Image

from jiqun.errors import ConfigError, JiqunError
from jiqun.report import charts, fonts
from jiqun.report.model import Chart, Series

TIERS = ["100万元以下", "100万–500万元", "500万–1000万元", "1000万–5000万元", "5000万–1亿元", "1亿元以上"]
STAGES = ["上游", "中游", "下游", "生产性服务"]


def _quadrant() -> Chart:
    rng = np.random.default_rng(7)
    names = ["C2927 日用塑料制品制造", "C3311 金属结构制造", "C2662 专项化学用品制造", "C1713 棉印染精加工"]
    inside = Series(
        "产业链内行业",
        rng.uniform(0.02, 0.4, 10).tolist(),
        (10 ** rng.uniform(-1.5, 1.2, 10)).tolist(),
        names + [""] * 6,
    )
    other = Series(
        "其他行业", rng.uniform(0.02, 0.4, 40).tolist(), (10 ** rng.uniform(-1.5, 1.2, 40)).tolist()
    )
    return Chart(
        "quadrant",
        "现有优势与关联密度：补链招商方向",
        "scatter",
        [inside, other],
        x_label="关联密度",
        y_label="RCA",
        lines=[(1.0, "RCA = 1")],
        vlines=[(0.2, "密度中位数")],
        note="没有可比较的行业",
    )


CHARTS = {
    "bar": Chart(
        "tiers",
        "规上企业按营业收入分档",
        "bar",
        [Series("企业数（家）", TIERS, [312.0, 145.0, 63.0, 41.0, 12.0, 5.0])],
        y_label="企业数（家）",
    ),
    "grouped": Chart(
        "parks",
        "各园区营业收入与税收",
        "bar",
        [
            Series("营业收入", ["经济开发区", "高新区", "物流园"], [12345.5, 8760.0, 98.0]),
            Series("税收", ["经济开发区", "高新区", "物流园"], [1230.0, 777.0, None]),
        ],
        y_label="万元",
    ),
    "hbar": Chart(
        "peers",
        "区位熵：本县与专业化程度最高的县区",
        "hbar",
        [
            Series(
                "区位熵",
                ["邵东市（本县）", "湘潭县", "浙江省金华市义乌市稠城街道办事处", "长沙县"],
                [12.3, 8.1, 0.9, 0.4],
            )
        ],
        x_label="区位熵（就业）",
        lines=[(1.0, "LQ = 1")],
    ),
    "line": Chart(
        "trend",
        "产业集群营业收入及2030年目标",
        "line",
        [
            Series(
                "营业收入",
                [2019, 2020, 2021, 2022, 2023, 2024, 2025],
                [1214.1, 1430.3, None, 1680.0, 1920, 2100, 2553],
            ),
            Series("预测", [2030], [4100.0]),
        ],
        x_label="年份",
        y_label="亿元",
        lines=[(4500.0, "2030年目标")],
    ),
    "scatter": _quadrant(),
    "stacked_bar": Chart(
        "chain",
        "产业链各环节本地覆盖情况",
        "stacked_bar",
        [
            Series("已有", STAGES, [3.0, 5.0, 2.0, 1.0]),
            Series("薄弱", STAGES, [1.0, 2.0, 1.0, 2.0]),
            Series("缺失", STAGES, [2.0, 0.0, 1.0, 3.0]),
        ],
        y_label="环节数",
    ),
    "empty": Chart(
        "trend",
        "产业集群营业收入",
        "line",
        [Series("营业收入", [2024, 2025], [None, None])],
        note="登记库中没有该集群企业的营业收入数据。",
    ),
}


@pytest.fixture(scope="module")
def pngs() -> dict[str, bytes]:
    """Every chart rendered once, with any matplotlib warning (a missing glyph) an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return {name: charts.render_png(chart) for name, chart in CHARTS.items()}


def _image(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


# --------------------------------------------------------------------------- font


def test_font_is_noto_sans_cjk_from_the_mplfonts_package() -> None:
    path = fonts.cjk_font_path()
    assert path.name == "NotoSansCJKsc-Regular.otf"
    assert path.parent.parent.name == "mplfonts"
    assert path.is_file()


def test_missing_font_package_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ConfigError, match="pip install mplfonts") as info:
        fonts.cjk_font_path()
    assert isinstance(info.value, JiqunError)
    assert "中文字体" in str(info.value)


def test_registered_family_resolves_to_the_packaged_file() -> None:
    family = fonts.register_cjk_font()
    assert family == "Noto Sans CJK SC"
    assert fonts.register_cjk_font() == family
    found = findfont(FontProperties(family=family), fallback_to_default=False)
    assert found == str(fonts.cjk_font_path())


# --------------------------------------------------------------------------- PNG


@pytest.mark.parametrize("name", list(CHARTS))
def test_every_text_uses_the_cjk_font_and_has_its_glyphs(name: str, caplog: pytest.LogCaptureFixture) -> None:
    """No tofu: each visible text is set in the Noto file, which has a glyph for each character."""
    font_file = str(fonts.cjk_font_path())
    face = FT2Font(font_file)
    with warnings.catch_warnings(), caplog.at_level(logging.WARNING, logger="matplotlib"):
        warnings.simplefilter("error")
        figure = charts.build_figure(CHARTS[name])
        figure.canvas.draw()
    assert not [r for r in caplog.records if "findfont" in r.getMessage()]
    texts = [t for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip()]
    assert texts
    for text in texts:
        assert findfont(text.get_fontproperties(), fallback_to_default=False) == font_file, text
        missing = [c for c in text.get_text() if not c.isspace() and face.get_char_index(ord(c)) == 0]
        assert not missing, (text.get_text(), missing)
    shown = "".join(t.get_text() for t in texts)
    assert re.search(r"[\u4e00-\u9fff]", shown)


@pytest.mark.parametrize("name", list(CHARTS))
def test_png_is_valid_of_the_page_width_and_not_blank(name: str, pngs: dict[str, bytes]) -> None:
    image = _image(pngs[name])
    assert image.format == "PNG"
    assert image.width == charts.pixel_width(15.0, 200) == 1181
    assert 200 < image.height < 2000
    grey = np.asarray(image.convert("L"), dtype=float)
    assert grey.std() > 5
    assert (grey < 128).mean() > 0.002  # some dark ink: text, bars, lines


def test_png_size_and_resolution_follow_the_arguments() -> None:
    image = _image(charts.render_png(CHARTS["bar"], dpi=100, width_cm=10.0))
    assert image.width == charts.pixel_width(10.0, 100) == 394
    assert round(image.info["dpi"][0]) == 100


def test_png_is_reproducible(pngs: dict[str, bytes]) -> None:
    assert charts.render_png(CHARTS["bar"]) == pngs["bar"]


def test_empty_chart_is_a_small_no_data_image(pngs: dict[str, bytes]) -> None:
    figure = charts.build_figure(CHARTS["empty"])
    shown = [t.get_text() for t in figure.findobj(Text)]
    assert "无数据" in shown
    assert CHARTS["empty"].note in shown
    assert _image(pngs["empty"]).height < _image(pngs["bar"]).height / 2


def test_empty_english_chart_says_no_data() -> None:
    chart = Chart("t", "Revenue trend", "line", [Series("Revenue", [], [])], note="No revenue data.")
    assert "No data" in [t.get_text() for t in charts.build_figure(chart).findobj(Text)]


def test_render_does_not_change_rcparams(pngs: dict[str, bytes]) -> None:
    # copy() and == read the raw values: indexing rcParams["backend"] would resolve the backend
    before = matplotlib.rcParams.copy()
    for chart in CHARTS.values():
        charts.render_png(chart, dpi=50)
    after = matplotlib.rcParams.copy()
    assert after == before
    assert after is not before


def _tick_labels(axis: matplotlib.axis.Axis) -> list[str]:
    return [t.get_text() for t in axis.get_ticklabels() if t.get_text()]


def test_years_are_integer_ticks_without_separators() -> None:
    figure = charts.build_figure(CHARTS["line"])
    figure.canvas.draw()
    years = _tick_labels(figure.axes[0].xaxis)
    assert years == ["2019", "2020", "2021", "2022", "2023", "2024", "2025", "2030"]


def test_value_axis_has_thousands_separators() -> None:
    figure = charts.build_figure(CHARTS["grouped"])
    figure.canvas.draw()
    assert any("," in label for label in _tick_labels(figure.axes[0].yaxis))


def test_line_gap_for_missing_values() -> None:
    axes = charts.build_figure(CHARTS["line"]).axes[0]
    revenue = axes.get_lines()[0].get_ydata()
    assert np.isnan(revenue[2]) and np.isfinite(revenue).sum() == 6


def test_hbar_keeps_the_given_order_top_down() -> None:
    axes = charts.build_figure(CHARTS["hbar"]).axes[0]
    assert axes.yaxis_inverted()
    assert _tick_labels(axes.yaxis)[0] == "邵东市（本县）"


def test_scatter_scale_is_log_only_when_all_values_are_positive() -> None:
    assert charts.build_figure(CHARTS["scatter"]).axes[0].get_yscale() == "log"
    flat = Chart("q", "象限", "scatter", [Series("行业", [0.1, 0.2, 0.3], [0.0, 1.0, 2.0])])
    assert charts.build_figure(flat).axes[0].get_yscale() == "linear"
    absent = Chart(
        "q", "象限", "scatter", [Series("行业", [0.0, 0.01, 0.5], [0.0, 0.0, 25.0], ["a", "b", ""])]
    )
    assert charts.build_figure(absent).axes[0].get_yscale() == "symlog"  # zeros beside RCA 25


def test_rendering_never_imports_pyplot() -> None:
    """pyplot would pick a global backend; the report must not disturb the host application."""
    code = (
        "import sys\n"
        "from jiqun.report import charts\n"
        "from jiqun.report.model import Chart, Series\n"
        "charts.render_png(Chart('k', '标题', 'bar', [Series('甲', ['乙'], [1.0])]), dpi=50)\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_scatter_point_labels_do_not_overlap() -> None:
    figure = charts.build_figure(CHARTS["scatter"])
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    names = {label for label in CHARTS["scatter"].series[0].labels or [] if label}
    labels = [t for t in figure.axes[0].texts if t.get_text() in names]
    assert {t.get_text() for t in labels} == names
    boxes = [Text.get_window_extent(t, renderer) for t in labels]  # the text, not its leader line
    frame = figure.axes[0].get_window_extent(renderer)
    assert not [(a, b) for a, b in itertools.combinations(boxes, 2) if a.overlaps(b)]
    assert all(frame.contains(b.x0, b.y0) and frame.contains(b.x1, b.y1) for b in boxes)


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("100万–500万元", 8, "100万–500万元"),
        ("1000万–5000万元", 6, "1000万–\n5000万元"),
        ("浙江省金华市义乌市", 4, "浙江省金\n华市义乌\n市"),
        ("浙江省金华市义乌市", 4, "浙江省金\n华市义…"),
    ],
)
def test_wrap_text(text: str, width: float, expected: str) -> None:
    max_lines = 2 if expected.endswith("…") else None
    assert charts.wrap_text(text, width, max_lines) == expected


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (12345.678, None, "12,345.68"),
        (2553.0, None, "2,553"),
        (1.5, None, "1.5"),
        (-0.001, 1, "0"),
        (None, None, ""),
    ],
)
def test_format_number(value: float | None, digits: int | None, expected: str) -> None:
    assert charts.format_number(value, digits) == expected


# --------------------------------------------------------------------------- plotly


@pytest.mark.parametrize("name", [n for n in CHARTS if n != "empty"])
def test_plotly_figure_has_one_trace_per_series_and_chinese_texts(name: str) -> None:
    chart = CHARTS[name]
    figure = charts.plotly_figure(chart)
    json.dumps(figure, allow_nan=False)
    assert len(figure["data"]) == len(chart.series)
    assert [t["name"] for t in figure["data"]] == [s.name for s in chart.series]
    layout = figure["layout"]
    assert layout["title"]["text"] == chart.title
    assert layout["xaxis"]["title"]["text"] == chart.x_label
    assert layout["yaxis"]["title"]["text"] == chart.y_label
    assert "Noto Sans CJK SC" in layout["font"]["family"]
    assert len(layout["shapes"]) == len(chart.lines) + len(chart.vlines)


def test_plotly_figure_is_valid_for_plotly() -> None:
    go = pytest.importorskip("plotly.graph_objects")
    for chart in CHARTS.values():
        go.Figure(charts.plotly_figure(chart))  # raises on an unknown or invalid property


def test_plotly_scatter_hover_carries_the_point_labels() -> None:
    trace = charts.plotly_figure(CHARTS["scatter"])["data"][0]
    assert "C2927 日用塑料制品制造" in trace["text"]
    assert "%{text}" in trace["hovertemplate"]
    assert charts.plotly_figure(CHARTS["scatter"])["layout"]["yaxis"]["type"] == "log"


def test_plotly_line_keeps_gaps() -> None:
    trace = charts.plotly_figure(CHARTS["line"])["data"][0]
    assert trace["y"][2] is None and trace["connectgaps"] is False


def test_plotly_empty_chart_says_no_data() -> None:
    figure = charts.plotly_figure(CHARTS["empty"])
    assert figure["data"] == []
    assert "无数据" in figure["layout"]["annotations"][0]["text"]


def test_html_div_is_offline_and_draws_into_its_div() -> None:
    div = charts.html_div(CHARTS["scatter"], "chart-3-quadrant")
    assert '<div id="chart-3-quadrant"' in div
    assert 'Plotly.newPlot("chart-3-quadrant"' in div
    assert "cdn" not in div.lower()
    assert "https://" not in div and "http://" not in div
    assert "<script src" not in div
    assert "现有优势与关联密度" in div
    assert '"responsive": true' in div


def test_html_div_escapes_script_breaking_text() -> None:
    chart = Chart("x", "</script><b>标题</b>", "bar", [Series("a&b", ["甲"], [1.0])])
    div = charts.html_div(chart, "c1")
    assert div.count("</script>") == 1
    assert "<b>" not in div


def test_html_div_refuses_an_unsafe_id() -> None:
    with pytest.raises(ValueError, match="div id"):
        charts.html_div(CHARTS["bar"], 'x" onload="alert(1)')


def test_plotly_js_comes_from_the_installed_package() -> None:
    js = charts.plotly_js()
    assert js.lstrip().startswith("/**") and "plotly.js v" in js[:200]
    assert len(js) > 1_000_000


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_html_div_script_runs_and_calls_plotly(tmp_path: Path) -> None:
    """Run the fragment's script under Node with a stand-in ``document`` and ``Plotly``."""
    div = charts.html_div(CHARTS["line"], "chart-1-trend")
    script = div.split("<script>", 1)[1].rsplit("</script>", 1)[0]
    harness = (
        "var calls = [];\n"
        "var document = {readyState: 'complete'};\n"
        "var Plotly = {newPlot: function (id, data, layout, config) {\n"
        "  calls.push([id, data, layout, config]);\n"
        "}};\n"
        f"{script}\n"
        "console.log(JSON.stringify(calls));\n"
    )
    path = tmp_path / "harness.js"
    path.write_text(harness, encoding="utf-8")
    out = subprocess.run(["node", str(path)], check=True, capture_output=True, text=True, timeout=60)
    [(div_id, data, layout, config)] = json.loads(out.stdout)
    assert div_id == "chart-1-trend"
    assert [t["name"] for t in data] == ["营业收入", "预测"]
    assert layout["title"]["text"] == "产业集群营业收入及2030年目标"
    assert config["responsive"] is True
