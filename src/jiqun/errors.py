"""The one error shape of jiqun and its typed exception hierarchy.

Every problem with user input — in a file, a command-line argument or an API call — is a
:class:`Problem` with the same six fields, so that the CLI, the API and the importer report it
the same way.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one value of user input.

    Parameters
    ----------
    message
        What is wrong, in the user's language.
    file
        The file the value came from ('' when it did not come from a file).
    row
        1-based row number as a spreadsheet shows it (``None`` when not row-bound).
    column
        The column header as the user wrote it, or the argument name.
    value
        The offending value as the user wrote it.
    expected
        What would have been accepted.
    severity
        ``"error"`` blocks the import, ``"warning"`` is reported only.
    """

    message: str
    file: str = ""
    row: int | None = None
    column: str = ""
    value: str = ""
    expected: str = ""
    severity: Severity = "error"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def format(self) -> str:
        """One line: ``file:row [column] value — message (expected: …)``."""
        where = self.file or "<input>"
        if self.row is not None:
            where += f":{self.row}"
        parts = [where]
        if self.column:
            parts.append(f"[{self.column}]")
        if self.value != "":
            parts.append(repr(self.value))
        text = " ".join(parts) + f" — {self.message}"
        if self.expected:
            text += f"（应为：{self.expected}）"
        return text


class JiqunError(Exception):
    """Base of every error jiqun raises on purpose."""


class InputError(JiqunError, ValueError):
    """User input (a file, an argument, an API payload) cannot be used.

    Carries one or more :class:`Problem` records; the CLI prints them and exits with status 2.
    """

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems or [])

    @classmethod
    def single(cls, message: str, **where: object) -> InputError:
        """An error about one value: ``InputError.single(msg, file=…, row=…, column=…)``."""
        problem = Problem(message=message, **where)  # type: ignore[arg-type]
        return cls(problem.format(), [problem])


class ConfigError(JiqunError):
    """The configuration (settings, environment, shipped data files) is wrong or missing."""


class DataStateError(JiqunError):
    """The registry is not in a state the operation needs (e.g. not initialised)."""
