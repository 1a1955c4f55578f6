"""The report as one self-contained HTML page: offline, interactive charts, printable.

Everything is in the one UTF-8 file: the CSS, the text, the tables and plotly.js, embedded once
from the installed ``plotly`` package (:func:`jiqun.report.charts.plotly_js`). Nothing refers to
the internet — no CDN, no web font — so the page works on a machine that never goes online.
Every number the text cites is marked up as a fact (``<span class="fact">``) whose tooltip
names its key and source.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Sequence
from html import escape
from pathlib import Path

from jiqun.report.model import Block, Chart, Fact, Lang, Paragraph, Report, Section, Table
from jiqun.report.write import hash_line, locale, numeric_columns, region_line, word

FONT_FAMILY = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'

CSS = """
:root { --ink: #222; --muted: #666; --rule: #ccc; --head: #eef1f5; --accent: #1f4e79; }
* { box-sizing: border-box; }
html { font-family: FONTS; color: var(--ink); line-height: 1.8; }
body { margin: 0 auto; max-width: 60rem; padding: 1.5rem 1.25rem 4rem; }
header.cover { border-bottom: 2px solid var(--accent); margin-bottom: 1.5rem; }
h1 { font-size: 1.8rem; line-height: 1.4; margin: 0.5rem 0; color: var(--accent); }
h2 { font-size: 1.4rem; margin: 2rem 0 0.75rem; color: var(--accent); }
h3 { font-size: 1.2rem; margin: 1.5rem 0 0.5rem; }
h4 { font-size: 1.05rem; margin: 1.25rem 0 0.5rem; }
p { margin: 0.5rem 0; }
.meta { color: var(--muted); }
.note { color: var(--muted); font-size: 0.9rem; }
.fact { border-bottom: 1px dotted var(--accent); }
nav.toc { background: #f7f8fa; border: 1px solid var(--rule); padding: 0.5rem 1.25rem; margin: 1rem 0; }
nav.toc ul { margin: 0.25rem 0; padding-left: 1.25rem; }
nav.toc a { color: var(--accent); text-decoration: none; }
figure { margin: 1.25rem 0; }
figcaption { text-align: center; font-weight: bold; margin: 0.4rem 0; }
.table-wrap { overflow: auto; max-height: 75vh; border: 1px solid var(--rule); }
table { border-collapse: separate; border-spacing: 0; width: 100%; font-size: 0.9rem; line-height: 1.5; }
th, td { border-right: 1px solid var(--rule); border-bottom: 1px solid var(--rule);
  padding: 0.3rem 0.5rem; vertical-align: top; text-align: left; }
th:last-child, td:last-child { border-right: none; }
thead th { position: sticky; top: 0; z-index: 1; background: var(--head); text-align: center; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) td { background: #fafbfc; }
.jiqun-chart { min-height: 300px; }
footer { margin-top: 3rem; border-top: 1px solid var(--rule); }
@media print {
  @page { size: A4; margin: 2cm 1.8cm; }
  html { font-size: 10.5pt; line-height: 1.6; }
  body { max-width: none; padding: 0; }
  nav.toc { display: none; }
  h2, h3, h4 { break-after: avoid; }
  figure, tr { break-inside: avoid; }
  .table-wrap { overflow: visible; max-height: none; border: none; }
  table { border: 1px solid var(--rule); }
  thead { display: table-header-group; }
  thead th { position: static; }
  .fact { border-bottom: none; }
  a { color: inherit; text-decoration: none; }
}
""".replace("FONTS", FONT_FAMILY)

_SCRIPT_END = re.compile(r"</(script)", re.IGNORECASE)


def write_html(report: Report, path: str | Path) -> None:
    """Write ``report`` as one self-contained, offline HTML file at ``path``.

    Parameters
    ----------
    report
        The report.
    path
        The ``.html`` file to write (overwritten), UTF-8.
    """
    Path(path).write_text(render_html(report), encoding="utf-8")


def render_html(report: Report) -> str:
    """The HTML page of ``report`` (plotly.js inline once when the report has a chart to draw)."""
    counter = {"table": 0, "figure": 0}
    body = "\n".join(_section(s, (k,), report.lang, counter) for k, s in enumerate(report.sections, 1))
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{locale(report.lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="{escape(report.generated or "jiqun")}">',
        f"<title>{escape(report.title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        _cover(report),
        _toc(report),
        f"<main>\n{body}\n</main>",
        f'<footer><p class="note">{escape(hash_line(report))}</p></footer>',
    ]
    if any(not c.empty for c in report.charts()):
        parts.append(f"<script>{_inline_script(_plotly_js())}</script>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def _plotly_js() -> str:
    from jiqun.report import charts

    return charts.plotly_js()


def _inline_script(js: str) -> str:
    """``js`` safe inside ``<script>``: a literal ``</script`` would end the element early."""
    return _SCRIPT_END.sub(r"<\\/\1", js)


# --------------------------------------------------------------------------- page parts


def _cover(report: Report) -> str:
    lang = report.lang
    colon = word("colon", lang)
    meta = (
        f"{word('region', lang)}{colon}{region_line(report)}　"
        f"{word('year', lang)}{colon}{word('year_value', lang).format(year=report.year)}"
    )
    generated = word("generated", lang).format(stamp=report.generated or "jiqun")
    return (
        '<header class="cover">\n'
        f"<h1>{escape(report.title)}</h1>\n"
        f'<p class="meta">{escape(meta)}</p>\n'
        f'<p class="note">{escape(generated)}</p>\n'
        "</header>"
    )


def _toc(report: Report) -> str:
    items = "\n".join(_toc_item(s, (k,)) for k, s in enumerate(report.sections, 1))
    head = f"<strong>{escape(word('contents', report.lang))}</strong>"
    return f'<nav class="toc">\n{head}\n<ul>\n{items}\n</ul>\n</nav>'


def _toc_item(section: Section, number: tuple[int, ...]) -> str:
    link = f'<a href="#{_anchor(number)}">{escape(section.title)}</a>'
    if not section.children:
        return f"<li>{link}</li>"
    inner = "\n".join(_toc_item(c, (*number, k)) for k, c in enumerate(section.children, 1))
    return f"<li>{link}\n<ul>\n{inner}\n</ul></li>"


def _anchor(number: tuple[int, ...]) -> str:
    return "sec-" + "-".join(map(str, number))


def _section(section: Section, number: tuple[int, ...], lang: Lang, counter: dict[str, int]) -> str:
    level = min(len(number) + 1, 4)
    parts = [f'<section id="{_anchor(number)}">', f"<h{level}>{escape(section.title)}</h{level}>"]
    parts += [_block_group(group, lang, counter) for group in _grouped(section.blocks)]
    parts += [_section(c, (*number, k), lang, counter) for k, c in enumerate(section.children, 1)]
    parts.append("</section>")
    return "\n".join(parts)


def _grouped(blocks: Sequence[Block]) -> Iterator[list[Block]]:
    """Blocks one by one, except that consecutive bullets come together (one list)."""
    bullets: list[Block] = []
    for block in blocks:
        if isinstance(block, Paragraph) and block.style == "bullet":
            bullets.append(block)
            continue
        if bullets:
            yield bullets
            bullets = []
        yield [block]
    if bullets:
        yield bullets


def _block_group(group: list[Block], lang: Lang, counter: dict[str, int]) -> str:
    first = group[0]
    if isinstance(first, Paragraph):
        if first.style == "bullet":
            items = "\n".join(
                f"<li>{_marked(p.text, p.facts)}</li>" for p in group if isinstance(p, Paragraph)
            )
            return f"<ul>\n{items}\n</ul>"
        css = ' class="note"' if first.style == "note" else ""
        return f"<p{css}>{_marked(first.text, first.facts)}</p>"
    if isinstance(first, Table):
        counter["table"] += 1
        return _table(first, word("table", lang).format(n=counter["table"]), lang)
    if first.empty:
        note = first.title + word("colon", lang) + (first.note or word("no_rows", lang))
        return f'<p class="note">{escape(note)}</p>'
    counter["figure"] += 1
    return _chart(first, word("figure", lang).format(n=counter["figure"]), lang, counter["figure"])


def _marked(text: str, facts: Sequence[Fact]) -> str:
    """``text`` escaped, each fact's first occurrence (in order) wrapped in ``<span class="fact">``."""
    spans: list[tuple[int, int, Fact]] = []
    pos = 0
    for fact in facts:
        if not fact.text:
            continue
        start = text.find(fact.text, pos)
        if start < 0:
            start = text.find(fact.text)
        end = start + len(fact.text)
        if start < 0 or any(s < end and start < e for s, e, _ in spans):
            continue
        spans.append((start, end, fact))
        pos = end
    out, cursor = [], 0
    for start, end, fact in sorted(spans, key=lambda s: s[0]):
        tip = fact.key + (f" ← {fact.source}" if fact.source else "")
        out.append(escape(text[cursor:start]))
        out.append(f'<span class="fact" data-key="{escape(fact.key)}" title="{escape(tip)}">')
        out.append(escape(text[start:end]) + "</span>")
        cursor = end
    out.append(escape(text[cursor:]))
    return "".join(out)


def _numbered(label: str, title: str, lang: Lang) -> str:
    return f"{label}. {title}" if lang == "en" else f"{label}　{title}"


def _table(table: Table, label: str, lang: Lang) -> str:
    caption = f"<figcaption>{escape(_numbered(label, table.title, lang))}</figcaption>"
    if not table.rows:
        return f'<figure class="table">{caption}<p class="note">{escape(word("no_rows", lang))}</p></figure>'
    numeric = numeric_columns(table)
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in table.columns)
    rows = []
    for row in table.rows:
        cells = [row[k] if k < len(row) else "" for k in range(len(table.columns))]
        tds = "".join(
            f'<td class="num">{escape(c)}</td>' if numeric[k] else f"<td>{escape(c)}</td>"
            for k, c in enumerate(cells)
        )
        rows.append(f"<tr>{tds}</tr>")
    note = f'<p class="note">{escape(table.note)}</p>' if table.note else ""
    body = "\n".join(rows)
    return (
        f'<figure class="table">\n{caption}\n<div class="table-wrap"><table>\n'
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table></div>\n{note}</figure>"
    )


def _chart(chart: Chart, label: str, lang: Lang, number: int) -> str:
    from jiqun.report import charts

    div_id = f"chart-{number}-" + (re.sub(r"[^A-Za-z0-9_-]", "", chart.key) or "x")
    div = charts.html_div(dataclasses.replace(chart, title=""), div_id)  # the caption carries it
    caption = escape(_numbered(label, chart.title, lang))
    return f'<figure class="chart">\n{div}\n<figcaption>{caption}</figcaption>\n</figure>'
