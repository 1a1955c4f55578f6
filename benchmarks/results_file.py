"""Write one benchmark's section of benchmarks/RESULTS.md, leaving the other sections alone."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def replace_section(marker: str, lines: list[str], path: Path = RESULTS) -> None:
    """Replace the section starting with ``marker`` (a ``## …`` heading prefix), or append it."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    if marker in text:
        head, _, rest = text.partition(marker)
        tail = rest.split("\n## ", 1)
        text = head + ("## " + tail[1] if len(tail) > 1 else "")
    path.write_text(text.rstrip() + "\n\n" + "\n".join(lines).rstrip() + "\n", encoding="utf-8")
