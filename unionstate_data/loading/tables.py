"""Typed loaders: each table as a pyarrow Table or as a list of frozen pydantic models.

``records(Model)`` is the one generic loader; the per-table shortcuts (``treaties()``...) call it.
The shipped tables are read once per process and read again only when a file they come from
changes (an edit in a checkout); a published version's come from its verified release.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from .. import _paths
from .._version import data_version
from ..errors import DataError, UsageError
from ..releases.layout import root_folder_name

if TYPE_CHECKING:
    import pyarrow as pa

    from ..model.tables import (
        Clause,
        ClauseTheme,
        Dispute,
        Event,
        EventParticipant,
        Evidence,
        Gap,
        OfficeHolder,
        Party,
        Record,
        Source,
        Treaty,
        TreatyParty,
        TreatyRelation,
        TreatyStep,
    )

__all__ = [
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
]

R = TypeVar("R", bound="Record")
Fingerprint = tuple[tuple[str, int, int], ...]


def table_names() -> list[str]:
    """Names of the tables, parents before the tables that reference them."""
    from ..model.tables import MODELS  # pydantic: only when asked

    return [model.resource for model in MODELS]


def table(name: str, version: str | None = None) -> pa.Table:
    """One table as a pyarrow Table with typed columns.

    Partial dates keep their original string, with ``{field}_lower``/``{field}_upper`` (date32)
    and ``{field}_precision`` (year, month or day) beside it.

    ``version``: a published version to read instead of the installed data (the default). Its
    release is fetched once, verified, into the cache (see ``unionstate_data.fetch``).
    """
    tables = _tables(version)
    if name not in tables:
        raise UsageError(f"no table {name!r}; the tables are {sorted(tables)}")
    return tables[name]


def records(model: type[R], version: str | None = None) -> list[R]:
    """Rows of ``model``'s table as frozen models, validated by pydantic.

    ``model``: one of ``unionstate_data.model.tables.MODELS`` (``Treaty``, ``Event``...).
    ``version``: see ``table``.
    """
    rows = table(model.resource, version)
    missing = [name for name in model.model_fields if name not in rows.column_names]
    if missing:
        # An older release may lack columns the installed models were given since.
        raise DataError(
            f"the {model.resource} table of version {version} has no column(s) {missing} that "
            "the installed models need; read it as a table instead: "
            f"unionstate_data.table({model.resource!r}, version={version!r})"
        )
    # Each row through the model's own validator: a TypeAdapter(list[model]) first builds a
    # validator per table, which costs more than it saves here (all tables: 8 ms against 11).
    return [model.model_validate(row) for row in rows.select(list(model.model_fields)).to_pylist()]


def _tables(version: str | None) -> dict[str, pa.Table]:
    """The tables of ``version``: the installed data when it is that version or None."""
    if version is None or version == data_version():
        descriptor = _paths.descriptor_path()
        return _shipped_tables(descriptor, _fingerprint(descriptor))
    from .cache import archive_name, release_folder
    from .local import shipped_archive

    if shipped_archive(version, archive_name(version, "csv")) is not None:
        # Published before this installation, so shipped with it: no network, and typed with
        # that version's own schemas (its descriptor holds or names them).
        return _csv_release_tables(release_folder(version, "csv"), version)
    return _release_tables(release_folder(version, "parquet"), version)


def _fingerprint(descriptor: Path) -> Fingerprint:
    """Size and modification time of the descriptor and of every file it names, in a source
    checkout: there the shipped tables are read again when one changes (a CSV edited while
    Python runs). An installed package's files do not change, and its first load checks them
    against their hashes (``prebuilt``): it is read once per process, with no cost per call."""
    if _paths.checkout_root() is None:
        return ()
    files = [descriptor]
    try:
        resources = json.loads(descriptor.read_bytes()).get("resources", [])
        for entry in resources if isinstance(resources, list) else []:
            for key in ("path", "schema"):
                if isinstance(entry, dict) and isinstance(entry.get(key), str):
                    files.append(descriptor.parent / entry[key])
    except (OSError, ValueError):
        pass  # unreadable: _shipped_tables reports it as a DataError
    stamps = []
    for path in files:
        try:
            stat = path.stat()
        except OSError:
            stamps.append((str(path), -1, -1))
        else:
            stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(stamps)


@cache
def _shipped_tables(path: Path, fingerprint: Fingerprint) -> dict[str, pa.Table]:
    """The shipped tables of ``path`` as its files are (``fingerprint``).

    A wheel carries them already typed (``prebuilt``); they are used while every file they were
    made from is unchanged. Otherwise (a checkout, an edited installed file) the CSVs are typed
    here, which gives the same tables, only slower.
    """
    from .prebuilt import load

    prebuilt = load(_paths.data_root(), path)
    if prebuilt is not None:
        return prebuilt
    # Only now: the typing code imports pyarrow.csv and pyarrow.compute (about 60 ms), which
    # reading the pre-typed tables of a wheel does not need.
    from ..validation.typed import typed_tables

    return typed_tables(path)


@cache
def _csv_release_tables(folder: Path, version: str) -> dict[str, pa.Table]:
    """The typed tables of the CSV release of ``version`` in ``folder``: fetched (from the copy
    the package ships, with no network) or its cached copy checked, and typed once per process."""
    from ..validation.typed import typed_tables
    from .fetching import fetch

    root = fetch(version, format="csv", quiet=True) / root_folder_name(version)
    return typed_tables(root / "datapackage" / "datapackage.json")


@cache
def _release_tables(folder: Path, version: str) -> dict[str, pa.Table]:
    """The Parquet tables of the release of ``version`` fetched into ``folder``: fetched (or
    its cached copy checked) and read once per process."""
    import pyarrow.parquet as pq

    from .fetching import fetch  # pooch and requests: only for another version

    root = fetch(version, format="parquet") / root_folder_name(version)
    return {path.stem: pq.read_table(path) for path in sorted(root.glob("*.parquet"))}


def sources(version: str | None = None) -> list[Source]:
    """Every source document. ``version``: see ``table``."""
    from ..model.tables import Source

    return records(Source, version)


def parties(version: str | None = None) -> list[Party]:
    """Every party: states, organisations, unions, bodies, persons. ``version``: see table."""
    from ..model.tables import Party

    return records(Party, version)


def treaties(version: str | None = None) -> list[Treaty]:
    """Every treaty and agreement. ``version``: see ``table``."""
    from ..model.tables import Treaty

    return records(Treaty, version)


def treaty_parties(version: str | None = None) -> list[TreatyParty]:
    """Parties to each treaty, with their roles. ``version``: see ``table``."""
    from ..model.tables import TreatyParty

    return records(TreatyParty, version)


def treaty_relations(version: str | None = None) -> list[TreatyRelation]:
    """Treaties that supersede, amend or implement earlier ones. ``version``: see ``table``."""
    from ..model.tables import TreatyRelation

    return records(TreatyRelation, version)


def events(version: str | None = None) -> list[Event]:
    """Every dated event. ``version``: see ``table``."""
    from ..model.tables import Event

    return records(Event, version)


def event_participants(version: str | None = None) -> list[EventParticipant]:
    """Parties taking part in each event, with their roles. ``version``: see ``table``."""
    from ..model.tables import EventParticipant

    return records(EventParticipant, version)


def clauses(version: str | None = None) -> list[Clause]:
    """Every quoted clause. ``version``: see ``table``."""
    from ..model.tables import Clause

    return records(Clause, version)


def clause_themes(version: str | None = None) -> list[ClauseTheme]:
    """Themes each clause is coded with. ``version``: see ``table``."""
    from ..model.tables import ClauseTheme

    return records(ClauseTheme, version)


def evidence(version: str | None = None) -> list[Evidence]:
    """Field-level evidence rows. ``version``: see ``table``."""
    from ..model.tables import Evidence

    return records(Evidence, version)


def disputes(version: str | None = None) -> list[Dispute]:
    """Values on which sources disagree, the choice made and why. ``version``: see table."""
    from ..model.tables import Dispute

    return records(Dispute, version)


def treaty_steps(version: str | None = None) -> list[TreatyStep]:
    """Each treaty's signature, ratifications, entry into force, end: overall or per party.
    ``version``: see ``table``."""
    from ..model.tables import TreatyStep

    return records(TreatyStep, version)


def office_holders(version: str | None = None) -> list[OfficeHolder]:
    """Who held an office of a body, from when to when. ``version``: see ``table``."""
    from ..model.tables import OfficeHolder

    return records(OfficeHolder, version)


def gaps(version: str | None = None) -> list[Gap]:
    """Facts searched for and not found: unknown, not absent. ``version``: see ``table``."""
    from ..model.tables import Gap

    return records(Gap, version)
