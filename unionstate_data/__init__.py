"""unionstate-data: a versioned, citable, source-evidenced dataset of the Union State of Russia
and Belarus.

    >>> import unionstate_data as usd
    >>> usd.treaties()          # frozen pydantic models, one per row
    >>> usd.table("treaties")   # the same rows as a typed pyarrow Table
    >>> usd.validate().ok       # the shipped package passes every rule
    >>> usd.table("treaties", version="0.1.0")  # a published version, fetched and verified

Importing this package reads no file and imports neither pyarrow nor pydantic: every public
name is loaded on first use (PEP 562 ``__getattr__``), so ``import unionstate_data`` stays fast.
"""

from __future__ import annotations

from importlib import import_module

# Not `from typing import TYPE_CHECKING`: importing typing costs more than the rest of this
# module (about 20 ms); type checkers treat any name TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .citation import cite
    from .fetching import FetchError, fetch
    from .loaders import (
        DataError,
        clause_themes,
        clauses,
        disputes,
        event_participants,
        events,
        evidence,
        parties,
        sources,
        table,
        table_names,
        treaties,
        treaty_parties,
        treaty_relations,
    )
    from .problems import Problem, Report
    from .validator import validate

__all__ = [
    "DataError",
    "FetchError",
    "Problem",
    "Report",
    "__version__",
    "cite",
    "clause_themes",
    "clauses",
    "disputes",
    "event_participants",
    "events",
    "evidence",
    "fetch",
    "parties",
    "sources",
    "table",
    "table_names",
    "treaties",
    "treaty_parties",
    "treaty_relations",
    "validate",
]

# Public name -> module that defines it; loaded on first access.
_LAZY = {
    **dict.fromkeys(
        [
            "DataError",
            "clause_themes",
            "clauses",
            "disputes",
            "event_participants",
            "events",
            "evidence",
            "parties",
            "sources",
            "table",
            "table_names",
            "treaties",
            "treaty_parties",
            "treaty_relations",
        ],
        ".loaders",
    ),
    "cite": ".citation",
    "FetchError": ".fetching",
    "fetch": ".fetching",
    "Problem": ".problems",
    "Report": ".problems",
    "validate": ".validator",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from ._version import get_version

        return get_version()
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name], __name__), name)
        globals()[name] = value  # later lookups skip __getattr__
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
