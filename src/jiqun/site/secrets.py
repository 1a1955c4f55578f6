"""The Django secret key: from the environment, or generated once per data directory."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

from jiqun.errors import ConfigError

SECRET_FILE = "secret_key"  # noqa: S105 - a file name, not a secret
_PLACEHOLDERS = {"", "changeme", "change-me", "secret", "django-insecure"}


def load_or_create_secret_key(data_dir: Path, from_env: str | None) -> str:
    """Return the secret key; refuse placeholders, short keys and empty key files."""
    if from_env is not None:
        return _checked(from_env, "JIQUN_SECRET_KEY")
    path = data_dir / SECRET_FILE
    if not path.exists():
        _create(path)
    return _checked(path.read_text(encoding="ascii").strip(), str(path))


def _checked(key: str, source: str) -> str:
    lowered = key.strip().lower()
    if lowered in _PLACEHOLDERS or lowered.startswith("django-insecure") or len(key) < 32:
        raise ConfigError(f"{source} 中的密钥太短或是占位符："
                          "请使用至少 32 个随机字符（删除该文件可重新生成）")
    return key


def _create(path: Path) -> None:
    """Write a new key to a temporary file and link it into place, so nobody reads it half-written."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret-")
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(50))
        os.chmod(tmp, 0o600)
        with contextlib.suppress(FileExistsError):  # another process won: its key is complete
            os.link(tmp, path)
    finally:
        os.unlink(tmp)
