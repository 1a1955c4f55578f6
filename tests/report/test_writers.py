"""The report writers: Word, Excel and HTML files of a hand-made report, written atomically."""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import re
import shutil
import struct
import subprocess
import sys
import types
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

import jiqun.report
from jiqun.errors import InputError
from jiqun.report import write as write_module
from jiqun.report.model import Chart, Fact, Paragraph, Report, Section, Series, Table
from jiqun.report.write import file_name, write_report
from jiqun.report.xlsx import sheet_names

PLOTLY_MARK = "/*! STAND-IN plotly.js */"
LONG = "本县缺少关键零部件配套企业，整机企业的电机、控制器和精密铸件主要从省外采购，运输成本高、交货周期长"


def _png(width: int = 600, height: int = 400) -> bytes:
    """A small valid grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xcc" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def charts(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """A stand-in for ``jiqun.report.charts``: a grey PNG, a bare div, a marked plotly.js."""
    module = types.ModuleType("jiqun.report.charts")
    module.rendered = []  # type: ignore[attr-defined]

    def render_png(chart: Chart, *, dpi: int = 200, width_cm: float = 15.0, title: bool = True) -> bytes:
        module.rendered.append((chart.key, title))  # type: ignore[attr-defined]
        return _png()

    def html_div(chart: Chart, div_id: str) -> str:
        script = f'<script>Plotly.newPlot("{div_id}", [], {{}});</script>'
        return f'<div id="{div_id}" class="jiqun-chart"></div>{script}'

    module.render_png = render_png  # type: ignore[attr-defined]
    module.html_div = html_div  # type: ignore[attr-defined]
    module.plotly_js = lambda: PLOTLY_MARK + " window.Plotly = {newPlot: function () {}};"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "jiqun.report.charts", module)
    monkeypatch.setattr(jiqun.report, "charts", module, raising=False)
    return module


def _wide_table() -> Table:
    columns = ["环节类别", "环节", "本县企业（家）", "本链企业采购额", "本地配套率", "状态", "依据", "备注"]
    rows, values = [], []
    for k, (purchase, text) in enumerate([(2_553_000_000.0, "25.53亿元"), (85_000_000.0, "8,500.00万元")]):
        rows.append(
            ["上游", f"关键零部件{k}", f"{12 + k:,}", text, f"{0.186 + k / 10:.1%}", "弱链", LONG, "—"]
        )
        values.append(["上游", f"关键零部件{k}", 12 + k, purchase, 0.186 + k / 10, "弱链", LONG, None])
    return Table(
        "产业链各环节（按环节类别、本地配套率和缺链原因）",
        columns,
        rows,
        values,
        note="注：采购额按供货合同汇总。",
    )


@pytest.fixture
def report() -> Report:
    return sample_report()


def sample_report() -> Report:
    """A small report with every kind of block: Chinese text, facts, bullets, a wide table, charts."""
    revenue = Fact("profile.revenue", 2_553_412_345.0, "元", "25.53亿元", "enterprise_years.revenue, 2025")
    share = Fact("profile.county_share", 0.186, "比例", "18.6%", "profile")
    firms = Fact("profile.firms", 128, "家", "128 家", "enterprises")
    status = Section(
        "一、现状",
        children=[
            Section(
                "（一）规模与增长",
                [
                    Paragraph(
                        "集群现有企业128 家，营业收入25.53亿元，占全县企业营业收入的18.6%。",
                        [firms, revenue, share],
                    ),
                    Chart(
                        "trend",
                        "集群营业收入",
                        "line",
                        [Series("营业收入", [2021, 2022, 2023], [18.2, 21.0, 25.53])],
                        y_label="亿元",
                    ),
                    Table(
                        "企业规模结构",
                        ["营业收入", "企业数（家）"],
                        [["1.00亿元以上", "12"], ["2,000.00万元以上", "40"]],
                        values=[[1e8, 12], [2e7, 40]],
                    ),
                ],
            ),
            Section(
                "（二）产业链与配套",
                [
                    _wide_table(),
                    Chart("empty", "产业链环节覆盖", "bar", [Series("环节", [], [])], note="没有产业链数据"),
                ],
            ),
        ],
    )
    measures = Section(
        "四、对策建议",
        [
            Paragraph("培育龙头企业。目标：营业收入过亿元企业达到15 家（现值 12 家）", style="bullet"),
            Paragraph("补齐关键零部件配套。目标：本地配套率达到40.0%（现值 18.6%）", [share], "bullet"),
            Paragraph("注：目标值按种子文本的口径设定。", style="note"),
        ],
    )
    return Report(
        "宝应县水泵产业集群调研报告（2025年）",
        "321023",
        "宝应县",
        2025,
        "zh",
        [Section("摘要", [Paragraph("集群处于成长阶段，营业收入25.53亿元。", [revenue])]), status, measures],
        missing=["园区亩均营业收入", "出口额"],
        config_hashes={"profile": "a1b2c3d4e5f6", "stage": "0f9e8d7c6b5a"},
        generated="jiqun 0.1.0, 2026-11-27",
    )


def _model_paragraphs(report: Report) -> list[Paragraph]:
    return [b for b in report.blocks() if isinstance(b, Paragraph)]


# --------------------------------------------------------------------------- Word


@pytest.fixture
def docx_path(tmp_path: Path, report: Report, charts: types.ModuleType) -> Path:
    from jiqun.report.docx import write_docx

    path = tmp_path / "r.docx"
    write_docx(report, path)
    return path


def _docx_texts(doc) -> list[str]:  # type: ignore[no-untyped-def]
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    return texts


def test_docx_has_every_paragraph_fact_and_heading(docx_path: Path, report: Report) -> None:
    import docx

    doc = docx.Document(str(docx_path))
    texts = _docx_texts(doc)
    whole = "\n".join(texts)
    for para in _model_paragraphs(report):
        assert para.text in texts
    for fact in report.facts():
        assert fact.text in whole
    styles = {p.text: p.style.name for p in doc.paragraphs}
    assert styles["一、现状"] == "Heading 1" and styles["（一）规模与增长"] == "Heading 2"
    assert styles["培育龙头企业。目标：营业收入过亿元企业达到15 家（现值 12 家）"] == "List Bullet"
    assert styles[report.title] == "Title"
    assert any("宝应县（321023）" in t for t in texts) and any("2025年" in t for t in texts)
    assert any("a1b2c3d4e5f6" in t for t in texts)  # the configuration hashes
    assert doc.core_properties.title == report.title
    assert doc.core_properties.language == "zh-CN"


def test_docx_page_fonts_and_language(docx_path: Path) -> None:
    import docx
    from docx.oxml.ns import qn

    doc = docx.Document(str(docx_path))
    section = doc.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    for name, east_asia in (("Normal", "宋体"), ("Heading 1", "黑体"), ("Heading 2", "黑体")):
        rfonts = doc.styles[name].element.rPr.find(qn("w:rFonts"))
        assert rfonts.get(qn("w:eastAsia")) == east_asia
        assert rfonts.get(qn("w:eastAsiaTheme")) is None
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"


def test_docx_tables_fit_the_page_and_repeat_their_header(docx_path: Path, report: Report) -> None:
    import docx
    from docx.oxml.ns import qn

    doc = docx.Document(str(docx_path))
    section = doc.sections[0]
    text_width_twips = (section.page_width - section.left_margin - section.right_margin) / 635
    assert [len(t.columns) for t in doc.tables] == [len(t.columns) for t in report.tables()]
    for table, model in zip(doc.tables, report.tables(), strict=True):
        assert [c.text for c in table.rows[0].cells] == model.columns
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        grid = [int(g.get(qn("w:w"))) for g in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert sum(grid) <= text_width_twips
        assert int(table._tbl.tblPr.find(qn("w:tblW")).get(qn("w:w"))) <= text_width_twips
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    wide = doc.tables[1]
    widths = [int(g.get(qn("w:w"))) for g in wide._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert widths[6] == max(widths)  # the long text column is the widest
    money = wide.rows[1].cells[3].paragraphs[0]
    assert money.alignment is not None and money.alignment.name == "RIGHT"


def test_docx_charts_are_images_and_an_empty_chart_is_its_note(
    docx_path: Path, report: Report, charts: types.ModuleType
) -> None:
    import docx

    doc = docx.Document(str(docx_path))
    assert charts.rendered == [("trend", False)]  # type: ignore[attr-defined]  # the caption has the title
    assert len(doc.inline_shapes) == 1
    shape = doc.inline_shapes[0]
    section = doc.sections[0]
    assert shape.width <= section.page_width - section.left_margin - section.right_margin
    texts = [p.text for p in doc.paragraphs]
    assert "图1　集群营业收入" in texts
    assert "产业链环节覆盖：没有产业链数据" in texts


def test_column_widths_share_out_the_text_width() -> None:
    from jiqun.report.docx import column_widths

    narrow = column_widths(["年份", "数值"], [["2025", "1.00亿元"]], 16.0, 10.5)
    assert sum(narrow) == pytest.approx(16.0)
    wide = _wide_table()
    widths = column_widths(wide.columns, wide.rows, 16.0, 9.0)
    assert sum(widths) <= 16.0 + 1e-9
    assert widths[6] == max(widths) and min(widths) > 0.9


def test_docx_in_english(tmp_path: Path, report: Report, charts: types.ModuleType) -> None:
    import docx
    from docx.oxml.ns import qn

    from jiqun.report.docx import write_docx

    path = tmp_path / "en.docx"
    write_docx(dataclasses.replace(report, lang="en"), path)
    doc = docx.Document(str(path))
    assert doc.core_properties.language == "en-US"
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:lang")).get(qn("w:val")) == "en-US"
    assert "Figure 1. 集群营业收入" in [p.text for p in doc.paragraphs]


# --------------------------------------------------------------------------- Excel


@pytest.fixture
def book(tmp_path: Path, report: Report):  # type: ignore[no-untyped-def]
    import openpyxl

    from jiqun.report.xlsx import write_xlsx

    path = tmp_path / "r.xlsx"
    write_xlsx(report, path)
    return openpyxl.load_workbook(path)


def test_xlsx_has_an_about_sheet_and_one_sheet_per_table(book, report: Report) -> None:  # type: ignore[no-untyped-def]
    names = book.sheetnames
    assert names[0] == "说明"
    assert names[1:3] == ["表1 企业规模结构", "表2 产业链各环节（按环节类别、本地配套率和缺链原因）"[:31]]
    assert all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) for n in names)
    about = [str(c) for row in book["说明"].iter_rows(values_only=True) for c in row if c is not None]
    for value in [report.title, "宝应县（321023）", *report.config_hashes.values(), *report.missing]:
        assert value in about
    facts = book[names[-1]]
    assert [c.value for c in facts[2]][:3] == ["profile.revenue", "25.53亿元", 2_553_412_345]


def test_xlsx_numbers_are_numbers(book) -> None:  # type: ignore[no-untyped-def]
    sheet = book.worksheets[2]
    assert sheet["A1"].value.startswith("产业链各环节")
    assert [c.value for c in sheet[2]][:3] == ["环节类别", "环节", "本县企业（家）"]
    assert all(c.font.bold for c in sheet[2])
    assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref == "A2:H4"
    firms, money, share, text = sheet["C3"], sheet["D3"], sheet["E3"], sheet["G3"]
    assert firms.value == 12 and firms.number_format == "#,##0"
    assert money.value == pytest.approx(25.53) and money.number_format == '#,##0.00"亿元"'
    assert sheet["D4"].value == pytest.approx(0.85)  # 8,500.00万元 in the column's unit, 亿元
    assert share.value == pytest.approx(0.186) and share.number_format == "0.0%"
    assert text.value == LONG
    assert sheet["H3"].value == "—"  # no value: the text as written
    assert sheet.column_dimensions["G"].width <= 60
    tiers = book.worksheets[1]
    assert tiers["A3"].value == 1 and tiers["A4"].value == pytest.approx(0.2)  # 2,000.00万元以上
    assert tiers["A3"].number_format == '#,##0.00"亿元以上"' and tiers["B3"].value == 12


@pytest.mark.parametrize(
    ("text", "value", "shown", "number_format"),
    [
        ("25.53亿元", 2_553_412_345.0, 25.53412345, '#,##0.00"亿元"'),
        ("8,500.00万元", 85_000_000.0, 8500.0, '#,##0.00"万元"'),
        ("800.00元", 800.0, 800.0, '#,##0.00"元"'),
        ("1.00亿元以上", 1e8, 1.0, '#,##0.00"亿元以上"'),
        ("CNY 2.55 billion", 2_553_412_345.0, 2.553412345, '"CNY "#,##0.00" billion"'),
        ("18.6%", 0.186, 0.186, "0.0%"),
        ("8.0%/年", 0.08, 0.08, '0.0%"/年"'),
        ("1,234 家", 1234, 1234, '#,##0" 家"'),
        ("0.01 家/企业", 0.0125, 0.0125, '#,##0.00" 家/企业"'),
        ("25.53", 2_553_000_000.0, 25.53, "#,##0.00"),  # the header says 亿元
    ],
)
def test_cell_format_writes_the_number_as_the_document_does(
    text: str, value: float, shown: float, number_format: str
) -> None:
    from jiqun.report.xlsx import cell_format

    fmt = cell_format(text, value)
    assert fmt is not None
    assert value / fmt.scale == pytest.approx(shown) and fmt.number_format == number_format


@pytest.mark.parametrize(
    ("text", "value"), [("25.53亿元", 1.0), ("18.6%", 0.5), ("弱链", 3.0), ("12 家", 13.0)]
)
def test_cell_format_refuses_a_number_the_text_does_not_show(text: str, value: float) -> None:
    from jiqun.report.xlsx import cell_format

    assert cell_format(text, value) is None


def test_sheet_names_are_valid_and_unique() -> None:
    names = sheet_names(["a/b:c*d?[e]", "同一个标题" * 10, "同一个标题" * 10, "History"], "zh", {"说明"})
    assert names[0] == "表1 a_b_c_d__e_"
    assert len(set(names)) == 4 and all(len(n) <= 31 for n in names)
    assert sheet_names(["说明"], "zh", {"说明"}, numbered=False) == ["说明(2)"]


# --------------------------------------------------------------------------- HTML


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.text: list[str] = []
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.html_lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.html_lang = found.get("lang") or ""
        if found.get("id"):
            self.ids.add(found["id"] or "")
        if tag == "a" and found.get("href"):
            self.links.append(found["href"] or "")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1] in ("script", "style")):
            self.text.append(data)


@pytest.fixture
def page(tmp_path: Path, report: Report, charts: types.ModuleType) -> str:
    from jiqun.report.html import write_html

    path = tmp_path / "r.html"
    write_html(report, path)
    return path.read_text(encoding="utf-8")


def test_html_has_every_text_a_toc_and_the_charts(page: str, report: Report) -> None:
    parser = _Collector()
    parser.feed(page)
    parser.close()
    text = "".join(parser.text)
    for para in _model_paragraphs(report):
        assert para.text in text
    for fact in report.facts():
        assert fact.text in text
    assert parser.html_lang == "zh-CN"
    assert parser.links and all(link.startswith("#") and link[1:] in parser.ids for link in parser.links)
    assert {"chart-1-trend"} <= parser.ids
    assert "产业链环节覆盖：没有产业链数据" in text
    assert 'class="fact" data-key="profile.revenue"' in page
    assert "Noto Sans CJK SC" in page and "@media print" in page and "position: sticky" in page


def test_html_is_offline_with_plotly_inline_once(page: str) -> None:
    assert page.count(PLOTLY_MARK) == 1
    for pattern in ('src="http', "src='http", 'href="http', "href='http", "@import", "url(http", "url("):
        assert pattern not in page.lower()
    assert "http://" not in page and "https://" not in page


def test_html_in_english(report: Report, charts: types.ModuleType) -> None:
    from jiqun.report.html import render_html

    page = render_html(dataclasses.replace(report, lang="en"))
    assert '<html lang="en-US">' in page and "Figure 1. 集群营业收入" in page and "Contents" in page


def test_html_without_charts_leaves_out_plotly(
    tmp_path: Path, report: Report, charts: types.ModuleType
) -> None:
    from jiqun.report.html import render_html

    bare = dataclasses.replace(report, sections=report.sections[:1])
    assert PLOTLY_MARK not in render_html(bare)


def test_script_end_tags_inside_plotly_are_escaped() -> None:
    from jiqun.report.html import _inline_script

    assert _inline_script('a = "</script>"; b = "</SCRIPT"') == 'a = "<\\/script>"; b = "<\\/SCRIPT"'


# --------------------------------------------------------------------------- write_report


def test_write_report_names_and_writes_every_format(
    tmp_path: Path, report: Report, charts: types.ModuleType
) -> None:
    paths = write_report(report, tmp_path / "out")
    assert [p.name for p in paths] == [
        "宝应县_2025_集群调研报告.docx",
        "宝应县_2025_集群调研报告.xlsx",
        "宝应县_2025_集群调研报告.html",
    ]
    assert all(p.stat().st_size > 0 for p in paths)
    umask = os.umask(0)
    os.umask(umask)
    assert all(p.stat().st_mode & 0o777 == 0o666 & ~umask for p in paths)  # not mkstemp's 0600
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in paths)
    assert file_name(dataclasses.replace(report, lang="en"), "html") == "宝应县_2025_cluster_report.html"
    only = write_report(report, tmp_path / "two", "HTML, docx")
    assert [p.suffix for p in only] == [".html", ".docx"]


def test_unknown_format_names_the_argument(tmp_path: Path, report: Report) -> None:
    with pytest.raises(InputError) as caught:
        write_report(report, tmp_path, ("docx", "pdf"))
    problem = caught.value.problems[0]
    assert problem.column == "--format" and problem.value == "pdf"
    assert "docx" in problem.expected and "xlsx" in problem.expected and "html" in problem.expected
    assert list(tmp_path.iterdir()) == []


def test_a_failing_writer_leaves_no_file(
    tmp_path: Path, report: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(report: Report, path: Path) -> None:
        Path(path).write_bytes(b"PK\x03\x04 half a file")
        raise RuntimeError("disk full")

    monkeypatch.setattr(write_module, "writers", lambda: {"docx": broken, "xlsx": broken, "html": broken})
    with pytest.raises(RuntimeError, match="disk full"):
        write_report(report, tmp_path, ["docx"])
    assert list(tmp_path.iterdir()) == []
    target = tmp_path / file_name(report, "xlsx")
    target.write_bytes(b"the previous complete report")
    with pytest.raises(RuntimeError):
        write_report(report, tmp_path, ["xlsx"])
    assert target.read_bytes() == b"the previous complete report"
    assert list(tmp_path.iterdir()) == [target]


# --------------------------------------------------------------------------- with the real charts


@pytest.mark.skipif(
    importlib.util.find_spec("jiqun.report.charts") is None, reason="jiqun.report.charts not written yet"
)
def test_with_the_real_charts(tmp_path: Path, report: Report) -> None:
    import docx

    from jiqun.report import charts

    paths = write_report(report, tmp_path, ("docx", "html"))
    assert len(docx.Document(str(paths[0])).inline_shapes) == 1
    page = paths[1].read_text(encoding="utf-8")
    plotly = charts.plotly_js()
    assert page.count(plotly[:2000]) == 1
    outside = page.replace(plotly, "")
    for pattern in ('src="http', 'href="http', "@import", "url(http"):
        assert pattern not in outside


# --------------------------------------------------------------------------- LibreOffice


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(_soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_the_docx_to_pdf(docx_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "pdf"
    profile = tmp_path / "lo-profile"
    command = [
        _soffice() or "soffice",
        f"-env:UserInstallation=file://{profile}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out),
        str(docx_path),
    ]
    subprocess.run(command, check=True, timeout=120, capture_output=True)
    pdf = (out / docx_path.with_suffix(".pdf").name).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 1
