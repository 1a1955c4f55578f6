"""Every environment variable the code reads is documented in the README (QUALITY habit 1)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_environment_variable_is_in_the_readme() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src").rglob("*.py"))
    read = set(re.findall(r'environ(?:\.get)?\(?\[?"([A-Z][A-Z0-9_]+)"', source))
    read |= set(re.findall(r'_ENV(?:_HOME)? = "([A-Z][A-Z0-9_]+)"', source))
    read |= set(re.findall(r'ENV_HOME = "([A-Z][A-Z0-9_]+)"', source))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = sorted(v for v in read - {"LOCALAPPDATA"} if f"`{v}`" not in readme)
    assert read and not missing, f"undocumented settings: {missing}"
