"""Typed loaders: each table as a pyarrow Table or as a list of frozen pydantic models."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from .problems import Problem

if TYPE_CHECKING:
    import pyarrow as pa

    from .models import (
        Clause,
        ClauseTheme,
        Dispute,
        Event,
        EventParticipant,
        Evidence,
        Party,
        Record,
        Source,
        Treaty,
        TreatyParty,
        TreatyRelation,
    )

__all__ = [
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
    "typed_tables",
]

R = TypeVar("R", bound="Record")


class DataError(ValueError):
    """The data could not be loaded as typed tables; the message lists every problem."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        lines = "\n".join(f"  {p.line()}" for p in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(
            f"cannot load {path}: {len(problems)} problem(s)\n{lines}{more}\n"
            f"Run `unionstate-data validate {path}` for the full report."
        )
        self.problems = problems


def table_names() -> list[str]:
    """Names of the tables, parents before the tables that reference them."""
    from .models import MODELS

    return [model.resource for model in MODELS]


def typed_tables(path: Path) -> dict[str, pa.Table]:
    """Every table of the package at ``path``, typed; DataError if it cannot be typed."""
    from .reading import ROW_COLUMN, read_package
    from .table_rules import type_tables

    raw, problems = read_package(path)
    tables, type_problems = type_tables(raw)
    problems += type_problems
    if problems:
        raise DataError(path, problems)
    return {name: t.drop_columns([ROW_COLUMN]) for name, t in tables.items()}


@cache
def _shipped_tables(path: Path) -> dict[str, pa.Table]:
    """The shipped tables, read once per process (the installed data does not change)."""
    return typed_tables(path)


def table(name: str) -> pa.Table:
    """One table as a pyarrow Table with typed columns.

    Partial dates keep their original string, with ``{field}_lower``/``{field}_upper`` (date32)
    and ``{field}_precision`` (year, month or day) beside it.
    """
    from ._paths import descriptor_path

    tables = _shipped_tables(descriptor_path())
    if name not in tables:
        raise KeyError(f"no table {name!r}; the tables are {sorted(tables)}")
    return tables[name]


def _records(model_name: str) -> list[Record]:
    """Rows of one table as frozen models, validated by pydantic."""
    from pydantic import TypeAdapter

    from . import models

    model: type[Record] = getattr(models, model_name)
    rows = table(model.resource).select(list(model.model_fields)).to_pylist()
    return TypeAdapter(list[model]).validate_python(rows)  # type: ignore[valid-type]


def sources() -> list[Source]:
    """Every source document."""
    return _records("Source")  # type: ignore[return-value]


def parties() -> list[Party]:
    """Every party: states, organisations, unions, bodies, persons."""
    return _records("Party")  # type: ignore[return-value]


def treaties() -> list[Treaty]:
    """Every treaty and agreement."""
    return _records("Treaty")  # type: ignore[return-value]


def treaty_parties() -> list[TreatyParty]:
    """Parties to each treaty, with their roles."""
    return _records("TreatyParty")  # type: ignore[return-value]


def treaty_relations() -> list[TreatyRelation]:
    """Treaties that supersede, amend or implement earlier ones."""
    return _records("TreatyRelation")  # type: ignore[return-value]


def events() -> list[Event]:
    """Every dated event."""
    return _records("Event")  # type: ignore[return-value]


def event_participants() -> list[EventParticipant]:
    """Parties taking part in each event, with their roles."""
    return _records("EventParticipant")  # type: ignore[return-value]


def clauses() -> list[Clause]:
    """Every quoted clause."""
    return _records("Clause")  # type: ignore[return-value]


def clause_themes() -> list[ClauseTheme]:
    """Themes each clause is coded with."""
    return _records("ClauseTheme")  # type: ignore[return-value]


def evidence() -> list[Evidence]:
    """Field-level evidence rows."""
    return _records("Evidence")  # type: ignore[return-value]


def disputes() -> list[Dispute]:
    """Values on which sources disagree, with the choice made and why."""
    return _records("Dispute")  # type: ignore[return-value]
