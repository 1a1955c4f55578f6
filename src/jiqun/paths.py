"""Where jiqun keeps its data: the data directory.

Chosen, in order, by the ``--data-dir`` option, the ``JIQUN_HOME`` environment variable, or a
per-user default (``$XDG_DATA_HOME/jiqun``, ``~/.local/share/jiqun`` on Linux,
``~/Library/Application Support/jiqun`` on macOS, ``%LOCALAPPDATA%\\jiqun`` on Windows).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from jiqun.errors import ConfigError

ENV_HOME = "JIQUN_HOME"
DATABASE_FILE = "jiqun.sqlite3"


def default_data_dir() -> Path:
    """The per-user default data directory of this platform."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "jiqun"


def resolve_data_dir(option: str | os.PathLike[str] | None = None) -> Path:
    """The data directory to use: the option, else ``$JIQUN_HOME``, else the default."""
    chosen = option or os.environ.get(ENV_HOME) or default_data_dir()
    return Path(chosen).expanduser().resolve()


def ensure_data_dir(path: Path) -> Path:
    """Create the data directory if needed; refuse a path that is a file or not writable."""
    if path.exists() and not path.is_dir():
        raise ConfigError(f"数据目录 {path} 是一个文件，不是目录；请用 --data-dir 或 {ENV_HOME} 指定目录")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"无法创建数据目录 {path}：{exc.strerror}") from exc
    if not os.access(path, os.W_OK):
        raise ConfigError(f"数据目录 {path} 不可写；请用 --data-dir 或 {ENV_HOME} 指定可写目录")
    return path
