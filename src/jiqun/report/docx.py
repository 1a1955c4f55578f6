"""The report as a Word document (python-docx): A4, Chinese fonts, tables that fit, charts as PNG.

Fonts are named, never embedded: 宋体 (SimSun) for body text and 黑体 (SimHei) for headings, set
for East Asian text (``w:eastAsia``) as well as Latin, with the document language zh-CN so that
Word and LibreOffice pick a Chinese font. Charts are PNG images drawn by
:mod:`jiqun.report.charts` with a font that ships with the package, so their glyphs never depend
on the reader's fonts.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt, RGBColor, Twips
from docx.styles.style import BaseStyle
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.run import Run

from jiqun.report.model import Chart, Lang, Paragraph, Report, Section, Table
from jiqun.report.write import (
    hash_line,
    is_numeric,
    locale,
    numeric_columns,
    region_line,
    text_width,
    word,
)

PAGE_WIDTH_CM, PAGE_HEIGHT_CM = 21.0, 29.7
MARGIN_CM = {"top": 2.54, "bottom": 2.54, "left": 2.6, "right": 2.6}
TEXT_WIDTH_CM = PAGE_WIDTH_CM - MARGIN_CM["left"] - MARGIN_CM["right"]
TEXT_HEIGHT_CM = PAGE_HEIGHT_CM - MARGIN_CM["top"] - MARGIN_CM["bottom"]
BODY_FONT = ("Times New Roman", "宋体")
HEADING_FONT = ("Arial", "黑体")
#: Font-table entries so that Word finds the Chinese fonts under their English names too.
FONT_TABLE = {
    "宋体": ("SimSun", "02010600030101010101"),
    "黑体": ("SimHei", "02010609060101010101"),
}
BODY_PT, TABLE_PT, SMALL_TABLE_PT, NOTE_PT = 12.0, 10.5, 9.0, 10.5
CELL_PADDING_CM = 0.381 + 0.1  # Table Grid's left and right cell margins (108 twips each), and slack
TWIPS_PER_CM = 1440 / 2.54
GREY = RGBColor(0x59, 0x59, 0x59)


def write_docx(report: Report, path: str | Path) -> None:
    """Write ``report`` as a Word document at ``path``.

    Parameters
    ----------
    report
        The report.
    path
        The ``.docx`` file to write (overwritten).
    """
    doc = Document()
    _page_setup(doc)
    _styles(doc, report.lang)
    _font_table(doc)
    _title_page(doc, report)
    counter = {"table": 0, "figure": 0}
    for section in report.sections:
        _section(doc, section, 1, report.lang, counter)
    _note(doc, hash_line(report))
    _core_properties(doc, report)
    doc.save(str(path))


# --------------------------------------------------------------------------- page and styles


def _page_setup(doc: DocxDocument) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(PAGE_WIDTH_CM), Cm(PAGE_HEIGHT_CM)
    section.top_margin, section.bottom_margin = Cm(MARGIN_CM["top"]), Cm(MARGIN_CM["bottom"])
    section.left_margin, section.right_margin = Cm(MARGIN_CM["left"]), Cm(MARGIN_CM["right"])
    section.header_distance = section.footer_distance = Cm(1.5)
    section.different_first_page_header_footer = True  # no page number on the title page
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(footer.add_run())


def _page_field(run: Run) -> None:
    """A ``PAGE`` field in ``run`` (LibreOffice and Word both compute it)."""
    element = run._r
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            child = OxmlElement("w:fldChar")
            child.set(qn("w:fldCharType"), kind)
        else:
            child = OxmlElement("w:instrText" if text == " PAGE " else "w:t")
            child.set(qn("xml:space"), "preserve")
            child.text = text
        element.append(child)


def _styles(doc: DocxDocument, lang: Lang) -> None:
    _doc_defaults(doc, lang)
    styles = doc.styles
    normal = styles["Normal"]
    _font(normal, BODY_FONT, BODY_PT)
    normal.paragraph_format.line_spacing = 1.5
    normal.paragraph_format.space_after = Pt(0)
    sizes = {"Title": 22.0, "Heading 1": 16.0, "Heading 2": 14.0, "Heading 3": 12.0}
    for name, size in sizes.items():
        style = styles[name]
        _font(style, HEADING_FONT, size, bold=lang == "en")
        style.paragraph_format.space_before = Pt(12 if name == "Heading 1" else 6)
        style.paragraph_format.space_after = Pt(6)
    title = styles["Title"]
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _remove(title.element.pPr, "w:pBdr")
    caption = styles["Caption"]
    _font(caption, HEADING_FONT, TABLE_PT, bold=False)
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.space_before = Pt(6)
    caption.paragraph_format.space_after = Pt(6)
    for name, size in (("Table Text", TABLE_PT), ("Table Text Small", SMALL_TABLE_PT), ("Note", NOTE_PT)):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        _font(style, BODY_FONT, size)
        style.paragraph_format.line_spacing = 1.0 if name != "Note" else 1.25
        style.paragraph_format.space_after = Pt(0 if name != "Note" else 4)
    styles["Note"].font.color.rgb = GREY


def _doc_defaults(doc: DocxDocument, lang: Lang) -> None:
    """Explicit fonts and languages for every run: no theme (Japanese) East Asian font."""
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_rfonts(rpr.find(qn("w:rFonts")), BODY_FONT)
    language = rpr.find(qn("w:lang"))
    language.set(qn("w:val"), locale(lang))
    language.set(qn("w:eastAsia"), "zh-CN")


def _font(style: BaseStyle, fonts: tuple[str, str], size: float, *, bold: bool | None = None) -> None:
    """Latin and East Asian font, size, black, no theme font or colour."""
    style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    rpr = style.element.get_or_add_rPr()
    _set_rfonts(rpr.get_or_add_rFonts(), fonts)
    _remove(rpr, "w:color")
    style.font.color.rgb = RGBColor(0, 0, 0)


def _set_rfonts(rfonts: object, fonts: tuple[str, str]) -> None:
    latin, east_asia = fonts
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)  # type: ignore[attr-defined]
    for attr, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:cs", latin), ("w:eastAsia", east_asia)):
        rfonts.set(qn(attr), value)  # type: ignore[attr-defined]


def _remove(parent: object, tag: str) -> None:
    if parent is None:
        return
    for child in parent.findall(qn(tag)):  # type: ignore[attr-defined]
        parent.remove(child)  # type: ignore[attr-defined]


def _font_table(doc: DocxDocument) -> None:
    """Declare 宋体 and 黑体 (GB2312 charset, English alternative names) in the font table."""
    part = next((r.target_part for r in doc.part.rels.values() if r.reltype == RT.FONT_TABLE), None)
    if part is None:
        return
    entries = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:panose1 w:val="{panose}"/>'
        '<w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
        for name, (alt, panose) in FONT_TABLE.items()
    )
    blob = part.blob.decode("utf-8")
    part._blob = blob.replace("</w:fonts>", entries + "</w:fonts>").encode("utf-8")


def _core_properties(doc: DocxDocument, report: Report) -> None:
    props = doc.core_properties
    props.title = report.title
    props.subject = f"{report.region_name} {report.year}"
    props.author = props.last_modified_by = "jiqun"
    props.language = locale(report.lang)
    props.keywords = word("file_suffix", report.lang).replace("_", " ")
    props.comments = report.generated
    props.created = props.modified = dt.datetime.now(dt.UTC).replace(microsecond=0)
    props.revision = 1


# --------------------------------------------------------------------------- blocks


def _title_page(doc: DocxDocument, report: Report) -> None:
    lang = report.lang
    spacer = doc.add_paragraph()
    spacer.paragraph_format.space_before = Cm(5)
    doc.add_paragraph(report.title, style="Title")
    colon = word("colon", lang)
    lines = [
        word("region", lang) + colon + region_line(report),
        word("year", lang) + colon + word("year_value", lang).format(year=report.year),
    ]
    for line in lines:
        para = doc.add_paragraph(line)
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    note = doc.add_paragraph(word("generated", lang).format(stamp=report.generated or "jiqun"), style="Note")
    note.alignment = WD_ALIGN_PARAGRAPH.CENTER
    note.paragraph_format.space_before = Cm(4)
    note.add_run().add_break(WD_BREAK.PAGE)


def _section(doc: DocxDocument, section: Section, depth: int, lang: Lang, counter: dict[str, int]) -> None:
    doc.add_heading(section.title, level=min(depth, 3))
    for block in section.blocks:
        if isinstance(block, Paragraph):
            _paragraph(doc, block)
        elif isinstance(block, Table):
            counter["table"] += 1
            _table(doc, block, word("table", lang).format(n=counter["table"]), lang)
        elif isinstance(block, Chart):
            if not block.empty:
                counter["figure"] += 1
            _chart(doc, block, word("figure", lang).format(n=counter["figure"]), lang)
    for child in section.children:
        _section(doc, child, depth + 1, lang, counter)


def _paragraph(doc: DocxDocument, block: Paragraph) -> None:
    if block.style == "bullet":
        doc.add_paragraph(block.text, style="List Bullet")
    elif block.style == "note":
        _note(doc, block.text)
    else:
        para = doc.add_paragraph(block.text)
        para.paragraph_format.first_line_indent = Pt(2 * BODY_PT)  # 首行缩进两字


def _note(doc: DocxDocument, text: str) -> None:
    doc.add_paragraph(text, style="Note")


def _numbered(label: str, title: str, lang: Lang) -> str:
    return f"{label}. {title}" if lang == "en" else f"{label}　{title}"


def _caption(doc: DocxDocument, text: str, *, keep_with_next: bool) -> None:
    para = doc.add_paragraph(text, style="Caption")
    para.paragraph_format.keep_with_next = keep_with_next


# --------------------------------------------------------------------------- tables


def _table(doc: DocxDocument, block: Table, label: str, lang: Lang) -> None:
    _caption(doc, _numbered(label, block.title, lang), keep_with_next=True)
    if not block.rows or not block.columns:
        _note(doc, word("no_rows", lang))
        return
    small = len(block.columns) > 6
    widths = column_widths(block.columns, block.rows, TEXT_WIDTH_CM, SMALL_TABLE_PT if small else TABLE_PT)
    twips = [int(w * TWIPS_PER_CM) for w in widths]
    table = doc.add_table(rows=1 + len(block.rows), cols=len(block.columns))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fixed_layout(table, twips)
    style = doc.styles["Table Text Small" if small else "Table Text"]
    numeric = numeric_columns(block)
    for r, row in enumerate(table.rows):
        _row_properties(row._tr, header=r == 0)
        texts = block.columns if r == 0 else block.rows[r - 1]
        for c, cell in enumerate(row.cells):
            align = "center" if r == 0 else "right" if numeric[c] else ""
            _fill_cell(cell, texts[c] if c < len(texts) else "", Twips(twips[c]), style, align)
    if block.note:
        _note(doc, block.note)


def _fill_cell(cell: _Cell, text: str, width: Length, style: BaseStyle, align: str) -> None:
    """One cell: its width, text and alignment; a centred cell is a header (bold, shaded)."""
    cell.width = width
    header = align == "center"
    if header:
        _shade(cell._tc, "D9D9D9")  # before vAlign: the schema orders tcW, shd, vAlign
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    para = cell.paragraphs[0]
    para.style = style
    para.add_run(text).bold = header or None
    if align:
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER if header else WD_ALIGN_PARAGRAPH.RIGHT


def column_widths(
    columns: Sequence[str], rows: Sequence[Sequence[str]], available_cm: float, font_pt: float
) -> list[float]:
    """Column widths in cm that fill ``available_cm`` and never exceed it.

    Each column would like the width of its longest cell, header included (cells capped at 30
    characters); it can make do with its header on two lines; and it needs at least its longest
    unbreakable piece (a number, a Latin word, two Chinese characters of the header). When the
    full widths fit, the spare width is shared out in proportion; when only the two-line headers
    fit, the headers wrap as little as they can; otherwise the widest columns are capped at one
    common width (their long text wraps) while the short columns keep theirs.
    """
    em = font_pt / 72 * 2.54
    full, wants, needs = [], [], []
    for k, header in enumerate(columns):
        cells = [row[k] for row in rows if k < len(row)]
        body = max([min(text_width(c), 30.0) for c in cells], default=0.0)
        head = min(text_width(header), 30.0)
        need = max([_unbreakable(c) for c in cells] + [min(head, 2.0)])
        full.append(max(body, head, 1.0) * em + CELL_PADDING_CM)
        wants.append(max(body, head / 2, need, 1.0) * em + CELL_PADDING_CM)
        needs.append(need * em + CELL_PADDING_CM)
    return _fit(full, wants, needs, available_cm)


def _unbreakable(text: str) -> float:
    """The width (ems) of the longest piece of ``text`` a line cannot break."""
    if is_numeric(text):
        return text_width(text)
    pieces = [p for word_ in text.split() for p in _split_wide(word_)]
    return max([text_width(p) for p in pieces], default=0.0)


def _split_wide(text: str) -> list[str]:
    """Latin runs stay whole; a line may break before and after any wide character."""
    pieces, current = [], ""
    for ch in text:
        if text_width(ch) >= 1.0:
            if current:
                pieces.append(current)
            pieces.append(ch)
            current = ""
        else:
            current += ch
    if current:
        pieces.append(current)
    return pieces


def _fit(full: list[float], wants: list[float], needs: list[float], available: float) -> list[float]:
    if sum(full) <= available:
        return [w * available / sum(full) for w in full]
    if sum(wants) <= available:
        share = (available - sum(wants)) / (sum(full) - sum(wants))
        return [w + (f - w) * share for f, w in zip(full, wants, strict=True)]
    if sum(needs) >= available:
        return [n * available / sum(needs) for n in needs]
    low, high = 0.0, max(wants)
    for _ in range(60):  # the common cap c with sum(max(need, min(want, c))) == available
        cap = (low + high) / 2
        if sum(max(n, min(w, cap)) for w, n in zip(wants, needs, strict=True)) > available:
            high = cap
        else:
            low = cap
    return [max(n, min(w, low)) for w, n in zip(wants, needs, strict=True)]


def _fixed_layout(table: DocxTable, twips: list[int]) -> None:
    """Fixed layout, a total width of the sum of the columns, grid columns of ``twips``."""
    table.autofit = False
    tblpr = table._tbl.tblPr
    tblw = tblpr.find(qn("w:tblW"))
    if tblw is None:
        tblw = OxmlElement("w:tblW")
        tblpr.append(tblw)
    tblw.set(qn("w:w"), str(sum(twips)))
    tblw.set(qn("w:type"), "dxa")
    for grid_col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), twips, strict=True):
        grid_col.set(qn("w:w"), str(width))


def _row_properties(tr: object, *, header: bool) -> None:
    """Rows never split across pages; the header row repeats on every page."""
    trpr = tr.get_or_add_trPr()  # type: ignore[attr-defined]
    trpr.append(OxmlElement("w:cantSplit"))
    if header:
        trpr.append(OxmlElement("w:tblHeader"))


def _shade(tc: object, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    tc.get_or_add_tcPr().append(shading)  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- charts


def _chart(doc: DocxDocument, chart: Chart, label: str, lang: Lang) -> None:
    if chart.empty:
        _note(doc, chart.title + word("colon", lang) + (chart.note or word("no_rows", lang)))
        return
    from jiqun.report import charts

    png = charts.render_png(chart, dpi=200, width_cm=TEXT_WIDTH_CM, title=False)  # the caption has it
    width, height = _picture_size(png)
    para = doc.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.keep_with_next = True
    para.paragraph_format.line_spacing = 1.0
    para.add_run().add_picture(io.BytesIO(png), width=Cm(width), height=Cm(height))
    _caption(doc, _numbered(label, chart.title, lang), keep_with_next=False)


def _picture_size(png: bytes) -> tuple[float, float]:
    """The picture's size in cm: the text width, or less when it would be taller than 70% of a page."""
    pixels_w, pixels_h = _png_pixels(png)
    width = TEXT_WIDTH_CM
    height = width * pixels_h / pixels_w
    limit = 0.7 * TEXT_HEIGHT_CM
    if height > limit:
        width, height = width * limit / height, limit
    return width, height


def _png_pixels(png: bytes) -> tuple[int, int]:
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("charts.render_png did not return a PNG image")
    width, height = struct.unpack(">II", png[16:24])
    return width, height
