"""The errors the library raises on purpose, all under one base, ``Error``.

Standard library only. A caller (the CLI included) catches ``unionstate_data.Error`` once; each
subclass says which part failed. Every message says what went wrong, where, and what to do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from .problems import Problem

__all__ = [
    "BuildError",
    "DataError",
    "Error",
    "FetchError",
    "InstallError",
    "PublishError",
    "UnknownVersionError",
    "UnsafeArchiveError",
    "UsageError",
]


class Error(Exception):
    """Base of every error unionstate-data raises on purpose."""


class DataError(Error, ValueError):
    """The data could not be loaded as typed tables; the message says why (``problems``, when
    it was found invalid, lists every problem)."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []

    @classmethod
    def invalid(cls, path: Path | str, problems: list[Problem], *, shown: int = 20) -> DataError:
        """The error for data at ``path`` that has ``problems``; the message lists ``shown``."""
        lines = "\n".join(f"  {p.line()}" for p in problems[:shown])
        more = f"\n  ... and {len(problems) - shown} more" if len(problems) > shown else ""
        return cls(
            f"cannot load {path}: {len(problems)} problem(s)\n{lines}{more}\n"
            f"Run `unionstate-data validate {path}` for the full report.",
            problems,
        )


class FetchError(Error, RuntimeError):
    """A release could not be fetched or verified; the message says why and what to do."""


class BuildError(Error, RuntimeError):
    """The release could not be built; the message says why and what to do."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class PublishError(Error, FileExistsError):
    """A version is already published with other bytes: a published version never changes."""


class UnsafeArchiveError(Error, ValueError):
    """An archive entry would escape the target folder or is not a regular file."""


class UnknownVersionError(Error, LookupError):
    """A version that is not in the registry of published releases."""


class UsageError(Error, ValueError):
    """A caller asked for something that does not exist: a table, a citation style, a format."""


class InstallError(Error, RuntimeError):
    """The installed package is incomplete: its metadata or its data files are missing."""
