"""Tidy views: the joins a researcher writes first, as Arrow tables, and any table or view as a
pandas or Polars data frame.

Each view has one row per row of its link table, with the columns of the rows it points at:

- ``events_with_parties()``: one row per ``event_participants`` row: the event (``date`` with its
  bounds, ``end_date``, ``event_kind``, ``title``, ``treaty_id``), the ``party_id`` and its
  ``role``, the party's ``party_name_en`` and ``party_kind``.
- ``treaties_with_parties()``: one row per ``treaty_parties`` row: the treaty (``treaty_name_en``,
  ``signed``, ``in_force``, ``ended`` with their bounds, ``scope``), the party, its ``role``,
  ``party_name_en`` and ``party_kind``.
- ``treaties_with_steps()``: one row per ``treaty_steps`` row: the step (``step``, ``date`` with
  its bounds, ``act``), the treaty's ``treaty_name_en`` and ``signed``, and for a step of one
  party its ``party_id`` and ``party_name_en`` (null for the treaty as a whole).
- ``clauses_with_themes()``: one row per ``clause_themes`` row: the ``theme``, the clause
  (``treaty_id``, ``article``, ``text``, ``language``, ``text_status``) and ``treaty_name_en``.

In their Arrow schemas a column is non-nullable where the data model requires it (and the foreign
keys, checked by the validator, guarantee the joined row exists).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

import pyarrow as pa

from .._arrow import lookup
from ..errors import DataError, UsageError
from ..loading.tables import table, table_names
from ..model.tables import MODELS

__all__ = [
    "VIEWS",
    "clauses_with_themes",
    "events_with_parties",
    "frame",
    "treaties_with_parties",
    "treaties_with_steps",
]

_BOUNDS = ("_lower", "_upper", "_precision")


def _dated(*fields: str) -> list[str]:
    return [name for field in fields for name in (field, *(field + b for b in _BOUNDS))]


def events_with_parties(version: str | None = None) -> pa.Table:
    """Each event participant with its event and the party's name and kind."""
    rows = table("event_participants", version).select(["event_id", "party_id", "role"])
    events = _renamed(table("events", version), {"kind": "event_kind"})
    columns = [*_dated("date", "end_date"), "event_kind", "title", "treaty_id"]
    rows = lookup(rows, "event_id", events, "event_id", columns, "")
    rows = _with_party(rows, version)
    return _required(rows, ["event_participants", "events", "parties"])


def treaties_with_parties(version: str | None = None) -> pa.Table:
    """Each party to each treaty, with its role, the treaty's dates and the party's name."""
    rows = table("treaty_parties", version).select(["treaty_id", "party_id", "role"])
    treaties = _renamed(table("treaties", version), {"name_en": "treaty_name_en"})
    columns = ["treaty_name_en", *_dated("signed", "in_force", "ended"), "scope"]
    rows = lookup(rows, "treaty_id", treaties, "treaty_id", columns, "")
    rows = _with_party(rows, version)
    return _required(rows, ["treaty_parties", "treaties", "parties"])


def treaties_with_steps(version: str | None = None) -> pa.Table:
    """Each step of each treaty's life, with the treaty's name and the party's, if any."""
    steps = table("treaty_steps", version)
    rows = steps.select(["step_id", "treaty_id", "party_id", "step", *_dated("date"), "act"])
    treaties = _renamed(table("treaties", version), {"name_en": "treaty_name_en"})
    rows = lookup(
        rows, "treaty_id", treaties, "treaty_id", ["treaty_name_en", *_dated("signed")], ""
    )
    parties = _renamed(table("parties", version), {"name_en": "party_name_en"})
    rows = lookup(rows, "party_id", parties, "party_id", ["party_name_en"], "")
    return _required(rows, ["treaty_steps", "treaties"], optional=frozenset({"party_name_en"}))


def clauses_with_themes(version: str | None = None) -> pa.Table:
    """Each theme each clause is coded with, with the clause and its treaty's name."""
    rows = table("clause_themes", version).select(["clause_id", "theme"])
    clauses = table("clauses", version)
    columns = ["treaty_id", "article", "text", "language", "text_status"]
    rows = lookup(rows, "clause_id", clauses, "clause_id", columns, "")
    treaties = _renamed(table("treaties", version), {"name_en": "treaty_name_en"})
    rows = lookup(rows, "treaty_id", treaties, "treaty_id", ["treaty_name_en"], "")
    return _required(rows, ["clause_themes", "clauses", "treaties"])


#: The views by name, as ``frame`` accepts them.
VIEWS: dict[str, Callable[..., pa.Table]] = {
    "events_with_parties": events_with_parties,
    "treaties_with_parties": treaties_with_parties,
    "treaties_with_steps": treaties_with_steps,
    "clauses_with_themes": clauses_with_themes,
}

_FRAMES = {"pandas": "pandas", "polars": "polars"}


def frame(name: str, kind: str = "pandas", version: str | None = None) -> Any:
    """A table or view (``VIEWS``) as a pandas or Polars data frame.

    In pandas, the date bounds (``_lower``/``_upper``) are ``datetime64`` columns, not Python
    dates in ``object`` columns. Needs pandas or Polars installed
    (``pip install 'unionstate-data[pandas]'`` or ``[polars]``).
    """
    if kind not in _FRAMES:
        raise UsageError(f"kind must be one of {sorted(_FRAMES)}, got {kind!r}")
    if name in VIEWS:
        arrow = VIEWS[name](version)
    elif name in table_names():
        arrow = table(name, version)
    else:
        known = sorted([*table_names(), *VIEWS])
        raise UsageError(f"no table or view {name!r}; they are {known}")
    try:
        library = import_module(_FRAMES[kind])
    except ImportError as exc:
        raise UsageError(
            f"frame(kind={kind!r}) needs {kind}, which is not installed: "
            f"pip install 'unionstate-data[{kind}]'"
        ) from exc
    if kind == "polars":
        return library.from_arrow(arrow)
    return arrow.to_pandas(date_as_object=False)


def _renamed(rows: pa.Table, names: dict[str, str]) -> pa.Table:
    return rows.rename_columns([names.get(name, name) for name in rows.column_names])


def _with_party(rows: pa.Table, version: str | None) -> pa.Table:
    parties = _renamed(
        table("parties", version), {"name_en": "party_name_en", "kind": "party_kind"}
    )
    return lookup(rows, "party_id", parties, "party_id", ["party_name_en", "party_kind"], "")


def _required_names(resources: list[str]) -> set[str]:
    """Columns the models of ``resources`` require, under the names the views give them."""
    renames = {
        "treaties": {"name_en": "treaty_name_en"},
        "events": {"kind": "event_kind"},
        "parties": {"name_en": "party_name_en", "kind": "party_kind"},
    }
    names: set[str] = set()
    for model in MODELS:
        if model.resource in resources:
            for field, info in model.model_fields.items():
                if info.is_required():
                    name = renames.get(model.resource, {}).get(field, field)
                    names.add(name)
                    names.update(name + b for b in _BOUNDS)
    return names


def _required(
    rows: pa.Table, resources: list[str], optional: frozenset[str] = frozenset()
) -> pa.Table:
    """``rows`` with the required columns non-nullable; a null in one is a broken package."""
    required = _required_names(resources) - optional
    fields = []
    for field in rows.schema:
        if field.name in required:
            if rows[field.name].null_count:
                raise DataError(
                    f"column {field.name!r} of a view has {rows[field.name].null_count} empty "
                    "values where the data model requires one: validate the package "
                    "(unionstate-data validate)"
                )
            field = field.with_nullable(False)
        fields.append(field)
    return rows.cast(pa.schema(fields))
