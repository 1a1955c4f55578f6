"""The Django secret key: from the environment, or generated once per data directory."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from jiqun.errors import ConfigError

SECRET_FILE = "secret_key"  # noqa: S105 - a file name, not a secret
_PLACEHOLDERS = {"", "changeme", "change-me", "secret", "django-insecure"}


def load_or_create_secret_key(data_dir: Path, from_env: str | None) -> str:
    """Return the secret key; refuse an obvious placeholder given in the environment."""
    if from_env is not None:
        if from_env.strip().lower() in _PLACEHOLDERS or len(from_env) < 32:
            raise ConfigError("JIQUN_SECRET_KEY 太短或是占位符：请设置至少 32 个随机字符")
        return from_env
    path = data_dir / SECRET_FILE
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    key = secrets.token_urlsafe(50)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first: use theirs
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key
