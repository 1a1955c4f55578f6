"""The CJK font of the report's images, taken from an installed Python package.

The PNG charts of the Word report must show correct Chinese glyphs on a fresh machine, so the
font cannot be one assumed on the system. It comes from the ``mplfonts`` wheel, which ships
Google's *Noto Sans CJK SC* (``mplfonts/fonts/NotoSansCJKsc-Regular.otf``, SIL Open Font
Licence 1.1). The package is only located, never imported: importing it pulls in its command
line, and its ``use_font``/``install`` helpers write into matplotlib's data directory. The font
file is registered with matplotlib's in-process font manager instead, once per process.
"""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path

from jiqun.errors import ConfigError

FONT_PACKAGE = "mplfonts"
"""The PyPI distribution (and import name) that ships the font file."""

FONT_FILE = "NotoSansCJKsc-Regular.otf"
"""Noto Sans CJK SC Regular (SIL OFL 1.1); the package's ``SimHei.ttf`` is not used."""

_lock = threading.Lock()
_family: str | None = None


def cjk_font_path() -> Path:
    """The path of the Noto Sans CJK SC font file inside the installed ``mplfonts`` package.

    Returns
    -------
    Path
        ``…/site-packages/mplfonts/fonts/NotoSansCJKsc-Regular.otf``.

    Raises
    ------
    ConfigError
        When the package is not installed or does not contain the font file; the message says
        how to install it.
    """
    spec = importlib.util.find_spec(FONT_PACKAGE)
    roots = list(spec.submodule_search_locations or []) if spec is not None else []
    for root in roots:
        path = Path(root) / "fonts" / FONT_FILE
        if path.is_file():
            return path
    raise ConfigError(_missing_message(roots))


def _missing_message(roots: list[str]) -> str:
    where = f"（已查找：{', '.join(roots)}）" if roots else ""
    return (
        f"未找到报告图表所需的中文字体 {FONT_FILE}{where}。"
        f"请在 jiqun 所在的 Python 环境中安装字体包：pip install {FONT_PACKAGE}"
        f" (the CJK font for report charts is missing: pip install {FONT_PACKAGE})"
    )


def register_cjk_font() -> str:
    """Register the CJK font with matplotlib's font manager (once) and return its family name.

    Only the in-memory :data:`matplotlib.font_manager.fontManager` is changed; neither
    ``matplotlib.rcParams`` nor any file is touched. Calling it again is cheap.

    Returns
    -------
    str
        The family name to pass to matplotlib text (``"Noto Sans CJK SC"``).

    Raises
    ------
    ConfigError
        When the font package is missing (see :func:`cjk_font_path`).
    """
    global _family
    with _lock:
        if _family is None:
            _family = _add_font(cjk_font_path())
        return _family


def _add_font(path: Path) -> str:
    from matplotlib import font_manager

    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()
