"""unionstate-data: a versioned, citable, source-evidenced dataset of the Union State of Russia
and Belarus.

Use::

    import unionstate_data as usd
    from unionstate_data.model.tables import Treaty

    usd.treaties()                          # frozen pydantic models, one per row
    usd.records(Treaty)                     # the same, through the one generic loader
    usd.table("treaties")                   # the same rows as a typed pyarrow Table
    usd.validate().ok                       # the shipped package passes every rule
    usd.table("treaties", version="0.1.0")  # a published version, fetched and verified
    usd.in_force("2000-06-01")              # every treaty's status on a day, with the reason
    usd.events_with_parties()               # a tidy view: events joined to their parties

Importing this package reads no file and imports neither pyarrow nor pydantic: every public
name is loaded on first use (PEP 562 ``__getattr__``), so ``import unionstate_data`` stays fast.

The package, layer by layer (each imports only from the layers before it): ``errors``,
``problems``, ``archive``, ``_files``, ``_paths``, ``_version`` and ``releases.layout`` use the
standard library only; ``_arrow`` and ``model`` (fields, dates, tables) describe the data;
``validation`` reads and checks a package; ``releases.registry`` and ``citation`` know the
published versions; ``loading`` gives the tables; ``releases`` builds and compares releases;
``queries`` answers questions over the loaded tables (as-of queries, tidy views); ``generated``
writes the generated files; ``cli`` is the command line.
"""

from __future__ import annotations

from importlib import import_module

# Not `from typing import TYPE_CHECKING`: importing typing costs more than the rest of this
# module (about 20 ms); type checkers treat any name TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .citation import cite
    from .errors import DataError, Error, FetchError
    from .loading.fetching import fetch
    from .loading.tables import (
        clause_themes,
        clauses,
        disputes,
        event_participants,
        events,
        evidence,
        gaps,
        office_holders,
        parties,
        records,
        sources,
        table,
        table_names,
        treaties,
        treaty_parties,
        treaty_relations,
        treaty_steps,
    )
    from .problems import Problem, Report
    from .queries.asof import as_of, in_force
    from .queries.views import (
        clauses_with_themes,
        events_with_parties,
        frame,
        treaties_with_parties,
        treaties_with_steps,
    )
    from .validation.validator import validate

__all__ = [
    "DataError",
    "Error",
    "FetchError",
    "Problem",
    "Report",
    "__version__",
    "as_of",
    "cite",
    "clause_themes",
    "clauses",
    "clauses_with_themes",
    "disputes",
    "event_participants",
    "events",
    "events_with_parties",
    "evidence",
    "fetch",
    "frame",
    "gaps",
    "in_force",
    "office_holders",
    "parties",
    "records",
    "sources",
    "table",
    "table_names",
    "treaties",
    "treaties_with_parties",
    "treaties_with_steps",
    "treaty_parties",
    "treaty_relations",
    "treaty_steps",
    "validate",
]

# Public name -> module that defines it; loaded on first access.
_LAZY = {
    **dict.fromkeys(
        [
            "clause_themes",
            "clauses",
            "disputes",
            "event_participants",
            "events",
            "evidence",
            "gaps",
            "office_holders",
            "parties",
            "records",
            "sources",
            "table",
            "table_names",
            "treaties",
            "treaty_parties",
            "treaty_relations",
            "treaty_steps",
        ],
        ".loading.tables",
    ),
    **dict.fromkeys(["DataError", "Error", "FetchError"], ".errors"),
    "cite": ".citation",
    "fetch": ".loading.fetching",
    "Problem": ".problems",
    "Report": ".problems",
    "validate": ".validation.validator",
    **dict.fromkeys(["as_of", "in_force"], ".queries.asof"),
    **dict.fromkeys(
        [
            "clauses_with_themes",
            "events_with_parties",
            "frame",
            "treaties_with_parties",
            "treaties_with_steps",
        ],
        ".queries.views",
    ),
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
