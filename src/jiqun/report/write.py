"""Write a :class:`~jiqun.report.model.Report` as Word, Excel and HTML files, atomically.

:func:`write_report` names the files (``<县名>_<年份>_集群调研报告.docx``), writes each to a temporary
file in the target directory and moves it into place with :func:`os.replace`, so that a failure
never leaves a half-written report behind. The words the writers add around the report's own
text (``地区``, ``表``, ``图`` …) and the helpers they share live here too.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from jiqun.errors import InputError
from jiqun.report.model import Lang, Report, Table

FORMATS = ("docx", "xlsx", "html")
Writer = Callable[[Report, Path], None]

#: The writers' own words, Chinese and English.
WORDS: dict[str, tuple[str, str]] = {
    "region": ("地区", "Region"),
    "year": ("年份", "Year"),
    "year_value": ("{year}年", "{year}"),
    "generated": (
        "本报告根据登记库数据自动生成（{stamp}），文中每个数字均由数据计算，可在附录和 Excel 表格中追溯。",
        "Generated from the registry ({stamp}); every number in the text is computed from the data "
        "and can be traced in the appendix and the Excel workbook.",
    ),
    "table": ("表{n}", "Table {n}"),
    "figure": ("图{n}", "Figure {n}"),
    "no_rows": ("（无数据）", "(no data)"),
    "hashes": ("本报告使用的配置（哈希）", "Configuration used (hashes)"),
    "missing": ("缺少的数据", "Missing data"),
    "none": ("无", "none"),
    "about": ("说明", "About"),
    "title": ("报告标题", "Report"),
    "stamp": ("生成", "Generated"),
    "sheets": ("工作表", "Sheets"),
    "facts": ("文中数字", "Facts"),
    "fact_columns": ("代码|文中写法|数值|单位|来源", "Key|As written|Value|Unit|Source"),
    "contents": ("目录", "Contents"),
    "colon": ("：", ": "),
    "sep": ("；", "; "),
    "file_suffix": ("集群调研报告", "cluster_report"),
}

_BLANK = re.compile(r"^\s*(|—|–|-|n/?a|（无数据）|\(no data\)|无数据|no data)\s*$", re.IGNORECASE)
_NUMERIC = re.compile(
    r"^(?:CNY |USD )?[-+−]?\d[\d,]*(?:\.\d+)?"
    r"(?:%|‰)?"
    r"(?:\s*(?:亿|万)?美?元|\s+(?:million|billion))?"
    r"(?:/年)?"
    r"(?:\s*[家人件种个类项年次倍])?$"
)
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\s]+')


def word(key: str, lang: Lang) -> str:
    """The writers' word ``key`` in ``lang``."""
    zh, en = WORDS[key]
    return en if lang == "en" else zh


def locale(lang: Lang) -> str:
    """The language tag of the document: ``zh-CN`` or ``en-US``."""
    return "en-US" if lang == "en" else "zh-CN"


def is_blank(text: str) -> bool:
    """True for a cell that says nothing (empty, a dash, “无数据”)."""
    return bool(_BLANK.match(text))


def is_numeric(text: str) -> bool:
    """True for a cell that is one number as reports write it (``1,234``, ``25.53亿元``, ``18.6%``)."""
    return bool(_NUMERIC.match(text.strip()))


def numeric_columns(table: Table) -> list[bool]:
    """For each column: True when every non-blank cell is a number (those are right-aligned)."""
    flags = []
    for k in range(len(table.columns)):
        cells = [row[k] for row in table.rows if k < len(row) and not is_blank(row[k])]
        flags.append(bool(cells) and all(is_numeric(c) for c in cells))
    return flags


def text_width(text: str) -> float:
    """The width of ``text`` in ems: a Chinese (wide) character is 1, any other about 0.55."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in text)


def hash_line(report: Report) -> str:
    """The configuration hashes as one line: ``配置（哈希）：profile 1a2b…；stage …``."""
    items = word("sep", report.lang).join(f"{k} {v}" for k, v in report.config_hashes.items())
    return word("hashes", report.lang) + word("colon", report.lang) + (items or word("none", report.lang))


def region_line(report: Report) -> str:
    """``宝应县（321023）`` / ``Baoying (321023)``."""
    if not report.region:
        return report.region_name
    return (
        f"{report.region_name} ({report.region})"
        if report.lang == "en"
        else f"{report.region_name}（{report.region}）"
    )


def file_name(report: Report, fmt: str) -> str:
    """``<县名>_<集群>_<年份>_集群调研报告.<fmt>``: a county's cluster reports get distinct names."""
    cluster = report.cluster
    parts = [report.region_name or report.region, cluster, str(report.year), word("file_suffix", report.lang)]
    stem = "_".join(_UNSAFE_NAME.sub("_", p).strip("._") for p in parts if p)
    return f"{stem}.{fmt}"


def check_formats(formats: str | Iterable[str]) -> tuple[str, ...]:
    """The formats asked for, lower-cased and de-duplicated; unknown or none → :class:`InputError`."""
    if isinstance(formats, str):
        formats = formats.split(",")
    chosen = tuple(dict.fromkeys(f.strip().lower().lstrip(".") for f in formats if f.strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise InputError.single(
            "不支持的报告格式",
            column="--format",
            value=",".join(unknown) if unknown else "",
            expected="、".join(FORMATS) + "（可用逗号分隔多个）",
        )
    return chosen


def writers() -> dict[str, Writer]:
    """The writer of each format (imported on use: each pulls in its own library)."""
    from jiqun.report.docx import write_docx
    from jiqun.report.html import write_html
    from jiqun.report.xlsx import write_xlsx

    return {"docx": write_docx, "xlsx": write_xlsx, "html": write_html}


def atomic_write(path: Path, writer: Callable[[Path], None]) -> Path:
    """Run ``writer`` on a temporary file next to ``path``, then move it to ``path``.

    On any failure the temporary file is removed and ``path`` is left as it was (absent, or the
    previous complete file).
    """
    tmp = _temp_file(path)
    try:
        writer(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return path


def _temp_file(path: Path) -> Path:
    """A new empty file next to ``path``, created with the usual permissions (0666 less umask).

    :func:`tempfile.mkstemp` would make it 0600, and the report would keep that mode.
    """
    for _ in range(100):
        tmp = path.with_name(f".{path.stem}.{secrets.token_hex(4)}.tmp{path.suffix}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return tmp
    raise FileExistsError(f"no free temporary name next to {path}")


def write_report(
    report: Report, out_dir: str | os.PathLike[str], formats: str | Sequence[str] = FORMATS
) -> list[Path]:
    """Write ``report`` into ``out_dir`` in each of ``formats``; returns the files written.

    Parameters
    ----------
    report
        The report to write.
    out_dir
        The directory (created when missing).
    formats
        Any of ``"docx"``, ``"xlsx"``, ``"html"`` (a sequence, or one comma-separated string).

    Returns
    -------
    list of Path
        The files, in the order of ``formats``.

    Raises
    ------
    InputError
        A format is not one of :data:`FORMATS` (reported against ``--format``).
    """
    chosen = check_formats(formats)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    table = writers()
    written = []
    for fmt in chosen:
        target = out / file_name(report, fmt)
        written.append(atomic_write(target, lambda tmp, fmt=fmt: table[fmt](report, tmp)))
    return written
