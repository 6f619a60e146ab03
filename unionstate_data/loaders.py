"""Typed loaders: each table as a pyarrow Table or as a list of frozen pydantic models."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

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
    from .problems import Problem

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
    """The shipped tables, read once per process (the installed data does not change).

    A wheel carries them already typed (``prebuilt``); they are used while every file they were
    made from is unchanged. Otherwise (a checkout, an edited installed file) the CSVs are typed
    here, which gives the same tables, only slower.
    """
    from ._paths import data_root
    from .prebuilt import load

    return load(data_root(), path) or typed_tables(path)


def table(name: str, version: str | None = None) -> pa.Table:
    """One table as a pyarrow Table with typed columns.

    Partial dates keep their original string, with ``{field}_lower``/``{field}_upper`` (date32)
    and ``{field}_precision`` (year, month or day) beside it.

    ``version``: a published version to read instead of the installed data (the default). Its
    release is fetched once, verified, into the cache (see ``unionstate_data.fetch``).
    """
    tables = _tables(version)
    if name not in tables:
        raise KeyError(f"no table {name!r}; the tables are {sorted(tables)}")
    return tables[name]


def _tables(version: str | None) -> dict[str, pa.Table]:
    """The tables of ``version``: the installed data when it is that version or None."""
    from ._paths import descriptor_path
    from ._version import get_version

    if version is None or version == get_version():
        return _shipped_tables(descriptor_path())
    from .fetching import fetch

    return _release_tables(fetch(version, format="parquet"), version)


@cache
def _release_tables(folder: Path, version: str) -> dict[str, pa.Table]:
    """The Parquet tables of a fetched release (verified, so read once per process)."""
    import pyarrow.parquet as pq

    root = folder / f"unionstate-data-{version}"
    return {path.stem: pq.read_table(path) for path in sorted(root.glob("*.parquet"))}


def _records(model_name: str, version: str | None) -> list[Record]:
    """Rows of one table as frozen models, validated by pydantic."""
    from . import models

    model: type[Record] = getattr(models, model_name)
    rows = table(model.resource, version)
    missing = [name for name in model.model_fields if name not in rows.column_names]
    if missing:
        # An older release may lack columns the installed models were given since.
        raise ValueError(
            f"the {model.resource} table of version {version} has no column(s) {missing} that "
            "the installed models need; read it as a table instead: "
            f"unionstate_data.table({model.resource!r}, version={version!r})"
        )
    # Each row through the model's own validator: a TypeAdapter(list[model]) first builds a
    # validator per table, which costs more than it saves here (all tables: 8 ms against 11).
    return [model.model_validate(row) for row in rows.select(list(model.model_fields)).to_pylist()]


def sources(version: str | None = None) -> list[Source]:
    """Every source document. ``version``: see ``table``."""
    return _records("Source", version)  # type: ignore[return-value]


def parties(version: str | None = None) -> list[Party]:
    """Every party: states, organisations, unions, bodies, persons. ``version``: see table."""
    return _records("Party", version)  # type: ignore[return-value]


def treaties(version: str | None = None) -> list[Treaty]:
    """Every treaty and agreement. ``version``: see ``table``."""
    return _records("Treaty", version)  # type: ignore[return-value]


def treaty_parties(version: str | None = None) -> list[TreatyParty]:
    """Parties to each treaty, with their roles. ``version``: see ``table``."""
    return _records("TreatyParty", version)  # type: ignore[return-value]


def treaty_relations(version: str | None = None) -> list[TreatyRelation]:
    """Treaties that supersede, amend or implement earlier ones. ``version``: see ``table``."""
    return _records("TreatyRelation", version)  # type: ignore[return-value]


def events(version: str | None = None) -> list[Event]:
    """Every dated event. ``version``: see ``table``."""
    return _records("Event", version)  # type: ignore[return-value]


def event_participants(version: str | None = None) -> list[EventParticipant]:
    """Parties taking part in each event, with their roles. ``version``: see ``table``."""
    return _records("EventParticipant", version)  # type: ignore[return-value]


def clauses(version: str | None = None) -> list[Clause]:
    """Every quoted clause. ``version``: see ``table``."""
    return _records("Clause", version)  # type: ignore[return-value]


def clause_themes(version: str | None = None) -> list[ClauseTheme]:
    """Themes each clause is coded with. ``version``: see ``table``."""
    return _records("ClauseTheme", version)  # type: ignore[return-value]


def evidence(version: str | None = None) -> list[Evidence]:
    """Field-level evidence rows. ``version``: see ``table``."""
    return _records("Evidence", version)  # type: ignore[return-value]


def disputes(version: str | None = None) -> list[Dispute]:
    """Values on which sources disagree, the choice made and why. ``version``: see table."""
    return _records("Dispute", version)  # type: ignore[return-value]
