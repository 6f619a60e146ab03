"""As-of queries: which treaties were in force on a day, and what existed then.

``in_force(date)`` gives one row per treaty, judged for the treaty as a whole; ``in_force(date,
party=P)`` gives one row per treaty that P signed or is party to (``treaty_parties``) or has a
step of its own for (``treaty_steps``), judged for P. Columns: ``treaty_id``, ``party_id``
(null without ``party``), ``status`` (``in_force``, ``not_in_force`` or ``unknown``),
``reason`` (a sentence naming the dates or the gap that decided), and the dates used:
``signed``, ``entry_into_force``, ``end``.

How a status is judged (see ``judging``):

- every date is a partial date: ``1995-05`` covers 1 to 31 May, so a treaty in force from
  ``1995-05`` is ``unknown`` on 1995-05-10 and (if nothing else is in doubt) in force on
  1995-06-01. The end day is excluded: a treaty ended on 2015-01-01 is not in force that day.
- never in force before it is signed: before its signature a treaty is ``not_in_force``.
- entry into force: the treaty's ``in_force``, else its overall ``entry_into_force`` step; for
  a party, that party's own ``entry_into_force`` step where there is one. None recorded:
  ``unknown`` (the reason says when the gaps table records it as searched for and not found).
- end: the earliest of the treaty's ``ended``, its overall ``end``, ``withdrawal`` or
  ``suspension`` steps, and (for a party) that party's own such steps. A suspension counts as an
  end: no step records a resumption.
- **no end recorded**: the README states that the data lacks the end of all treaties but one,
  so an empty ``ended`` means *not known*, not *still in force*, whether or not a gap row says
  so. A treaty is certainly not ended on a day only when a recorded end falls after it, or when
  the data shows it alive later: a treaty that amends or implements it (``treaty_relations``)
  was signed on or after that day. Otherwise the status is ``unknown`` and the reason says so.
  A gap row on ``ended`` always gives ``unknown``, even then. For a party, only later treaties
  that party is in count (others do not show that it had not withdrawn). Supersession is not
  read as an end: the data leaves the end of the 1997 Charter unrecorded on purpose (its gap
  row says no stored quote states the day).

``as_of(date)`` adds the Union State's bodies (parties of kind ``supranational_union`` and
``union_body``), the office holders and all parties, each judged the same way with their
``start``/``end``. For parties an empty end means not known (the Soviet Union has none); for
office holders it means "in office" unless a gap row records the end as not found, as the
field's description says ("empty while it lasts or when no source gives it").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from .._arrow import integers, literal, lookup, string_set, strings
from ..errors import UsageError
from ..loading.tables import table
from ..model.dates import bounds
from .judging import Period, Span, Words, judge

__all__ = [
    "BODY_KINDS",
    "IN_FORCE_SCHEMA",
    "STATUSES",
    "TABLES",
    "as_of",
    "in_force",
    "parse_day",
    "row_spans",
    "snapshot",
    "treaty_spans",
    "treaty_status",
]

#: Every status ``in_force`` gives.
STATUSES = ("in_force", "not_in_force", "unknown")
_TREATY = Words(
    "in_force", "not_in_force", "entered into force", "no date of entry into force is recorded"
)
_EXISTS = Words("exists", "not_exists", "began", "no start date is recorded")
_OFFICE = Words("in_office", "not_in_office", "took office", "no start date is recorded")
BODY_KINDS = ("supranational_union", "union_body")
_END_STEPS = ("end", "withdrawal", "suspension")

#: The tables the queries read.
TABLES = (
    "treaties",
    "treaty_steps",
    "treaty_relations",
    "treaty_parties",
    "gaps",
    "parties",
    "office_holders",
)
Tables = Mapping[str, pa.Table]


def parse_day(day: dt.date | str) -> dt.date | Period:
    """``day`` as a date (a ``datetime.date`` or ``YYYY-MM-DD``), or as the period a month or a
    year means (``YYYY-MM``, ``YYYY``): judged yes or no only where that holds on every day."""
    if isinstance(day, dt.datetime):
        return day.date()
    if isinstance(day, dt.date):
        return day
    try:
        first, last, precision = bounds(day)
    except (TypeError, ValueError):
        raise UsageError(
            f"the date must be a datetime.date, YYYY-MM-DD, YYYY-MM or YYYY, got {day!r}"
        ) from None
    return first if precision == "day" else Period(first, last, day)


def in_force(date: dt.date | str, party: str | None = None, version: str | None = None) -> pa.Table:
    """Every treaty's status on ``date`` (a ``datetime.date``, ``YYYY-MM-DD``, or a month or
    year, ``YYYY-MM`` / ``YYYY``, judged over all its days):
    ``in_force``, ``not_in_force`` or ``unknown``, with the reason; for ``party``, one row per
    treaty that party is in, judged with its own steps. ``version``: a published version (see
    ``unionstate_data.table``). See the module docstring for how each status is judged."""
    return treaty_status(parse_day(date), _load(version), party)


def as_of(date: dt.date | str, version: str | None = None) -> dict[str, pa.Table]:
    """A snapshot on ``date``: ``treaties`` (``in_force(date)``), ``bodies`` (the Union State's
    bodies), ``office_holders`` and ``parties``, each row with its status and reason."""
    return snapshot(parse_day(date), _load(version))


def _load(version: str | None) -> dict[str, pa.Table]:
    return {name: table(name, version) for name in TABLES}


def treaty_status(when: dt.date | Period, tables: Tables, party: str | None = None) -> pa.Table:
    """``in_force`` over the given ``tables`` (``TABLES``, as ``unionstate_data.table`` types
    them): another package's, or tables a test builds."""
    rows, span = treaty_spans(tables, party)
    status, reason = judge(when, span, _TREATY)
    columns = [rows["treaty_id"], rows["party_id"], status, reason, rows["sig_signed"]]
    return pa.Table.from_arrays(
        [*columns, rows["ent_date"], rows["end_date"]], schema=IN_FORCE_SCHEMA
    )


def treaty_spans(tables: Tables, party: str | None = None) -> tuple[pa.Table, Span]:
    """The rows ``treaty_status`` judges (``treaty_id``, ``party_id`` …) and what it judges them
    by: the explorer page embeds the same spans and applies the same rules to them."""
    treaties = tables["treaties"]
    steps = tables["treaty_steps"]
    if party is None:
        rows = pa.table({"treaty_id": treaties["treaty_id"], "party_id": _nulls(treaties)})
    else:
        _check_party(party, tables)
        rows = _party_rows(party, steps, tables)
    rows = lookup(rows, "treaty_id", treaties, "treaty_id", _dated("signed"), "sig_")
    rows = _with_entry(rows, treaties, steps, party)
    rows = _with_end(rows, treaties, steps, party)
    rows = _with_alive(rows, treaties, party, tables)
    gaps = _gap_ids(tables, "treaties")
    span = Span(
        start_lo=rows["ent_lower"],
        start_hi=rows["ent_upper"],
        start_text=rows["ent_text"],
        end_lo=rows["end_lower"],
        end_hi=rows["end_upper"],
        end_text=rows["end_text"],
        start_gap=pc.is_in(rows["treaty_id"], value_set=gaps.get("in_force", _EMPTY)),
        end_gap=pc.is_in(rows["treaty_id"], value_set=gaps.get("ended", _EMPTY)),
        open_end=_falses(rows),
        floor_lo=rows["sig_signed_lower"],
        floor_hi=rows["sig_signed_upper"],
        floor_text=rows["sig_signed"],
        alive_lo=rows["alive_lower"],
        alive_text=rows["alive_text"],
    )
    return rows, span


def snapshot(when: dt.date | Period, tables: Tables) -> dict[str, pa.Table]:
    """``as_of`` over the given ``tables`` (see ``treaty_status``)."""
    parties = _spans(when, tables["parties"], "party_id", _EXISTS, tables, "parties")
    kinds = tables["parties"]["kind"]
    holders = _spans(when, tables["office_holders"], "holder_id", _OFFICE, tables, "office_holders")
    return {
        "treaties": treaty_status(when, tables),
        "bodies": parties.filter(pc.is_in(kinds, value_set=string_set(BODY_KINDS))),
        "office_holders": holders,
        "parties": parties,
    }


_EMPTY = strings([])
_TEXT = pa.string()

#: The columns of ``in_force``; the first, third, fourth and fifth are never empty.
IN_FORCE_SCHEMA = pa.schema(
    [
        pa.field("treaty_id", _TEXT, nullable=False),
        pa.field("party_id", _TEXT),
        pa.field("status", _TEXT, nullable=False),
        pa.field("reason", _TEXT, nullable=False),
        pa.field("signed", _TEXT, nullable=False),
        pa.field("entry_into_force", _TEXT),
        pa.field("end", _TEXT),
    ]
)


def _nulls(rows: pa.Table) -> pa.Array:
    return pa.nulls(rows.num_rows, pa.string())


def _falses(rows: pa.Table) -> Any:
    return pc.is_valid(pa.nulls(rows.num_rows))


def _dated(field: str) -> list[str]:
    return [field, f"{field}_lower", f"{field}_upper"]


def _check_party(party: str, tables: Tables) -> None:
    known = tables["parties"]["party_id"]
    if not pc.any(pc.equal(known, literal(party))).as_py():
        raise UsageError(f"no party {party!r}; see unionstate_data.table('parties')['party_id']")


def _member_treaties(party: str, tables: Tables) -> pa.ChunkedArray:
    """The treaties ``party`` signed or is party to."""
    members = tables["treaty_parties"]
    member = pc.and_(
        pc.equal(members["party_id"], literal(party)),
        pc.is_in(members["role"], value_set=string_set(("party", "signatory"))),
    )
    return members.filter(member)["treaty_id"]


def _party_rows(party: str, steps: pa.Table, tables: Tables) -> pa.Table:
    """The treaties ``party`` signed or is party to, or has a step of its own for."""
    own = pc.equal(steps["party_id"], literal(party))
    chunks = _member_treaties(party, tables).chunks + steps.filter(own)["treaty_id"].chunks
    ids = pc.unique(pa.chunked_array(chunks, pa.string()))
    ids = pc.array_take(ids, pc.sort_indices(ids))
    return pa.table({"treaty_id": ids, "party_id": strings([party] * len(ids))})


def _candidates(steps: pa.Table, kinds: tuple[str, ...], party: str | None) -> pa.Table:
    """Steps of ``kinds`` for the treaty as a whole and, with ``party``, for that party."""
    of_kind = pc.is_in(steps["step"], value_set=string_set(kinds))
    mask = pc.and_(of_kind, pc.is_null(steps["party_id"]))
    if party is not None:
        own = pc.fill_null(pc.equal(steps["party_id"], literal(party)), literal(False))
        mask = pc.or_(mask, pc.and_(of_kind, own))
    found = steps.filter(mask)
    of_party = pc.binary_join_element_wise(literal(" of "), found["party_id"], literal(""))
    label = [found["step"], literal(" step"), pc.fill_null(of_party, literal(""))]
    return pa.table(
        {
            "treaty_id": found["treaty_id"],
            "date": found["date"],
            "lower": found["date_lower"],
            "upper": found["date_upper"],
            "text": pc.binary_join_element_wise(
                found["date"], literal(" ("), *label, literal(")"), literal("")
            ),
            "own": pc.is_valid(found["party_id"]),
        }
    )


def _from_treaties(treaties: pa.Table, field: str) -> pa.Table:
    found = treaties.filter(pc.is_valid(treaties[field]))
    return pa.table(
        {
            "treaty_id": found["treaty_id"],
            "date": found[field],
            "lower": found[f"{field}_lower"],
            "upper": found[f"{field}_upper"],
            "text": found[field],
            "own": _falses(found),
        }
    )


def _first(rows: pa.Table, found: pa.Table, keys: list[tuple[str, str]], prefix: str) -> pa.Table:
    """``rows`` with the first row of ``found`` per treaty once sorted by ``keys``."""
    order = found.sort_by([("treaty_id", "ascending"), *keys])
    out = lookup(rows, "treaty_id", order, "treaty_id", ["date", "lower", "upper", "text"], "x_")
    names = {"x_date": "date", "x_lower": "lower", "x_upper": "upper", "x_text": "text"}
    return out.rename_columns(
        [f"{prefix}_{names[c]}" if c in names else c for c in out.column_names]
    )


def _with_entry(rows: pa.Table, treaties: pa.Table, steps: pa.Table, party: str | None) -> Any:
    """The entry into force used: the party's own step, else the treaty's, else its step."""
    own = _candidates(steps, ("entry_into_force",), party)
    field = _from_treaties(treaties, "in_force")
    found = pa.concat_tables([own.filter(own["own"]), field, own.filter(pc.invert(own["own"]))])
    rank = integers(range(found.num_rows))
    found = found.append_column("rank", rank)
    return _first(rows, found, [("rank", "ascending")], "ent")


def _with_end(rows: pa.Table, treaties: pa.Table, steps: pa.Table, party: str | None) -> Any:
    """The earliest end: the treaty's ``ended`` and its (and the party's) end steps."""
    found = pa.concat_tables(
        [_from_treaties(treaties, "ended"), _candidates(steps, _END_STEPS, party)]
    )
    rows = _first(rows, found, [("upper", "ascending"), ("lower", "ascending")], "end")
    # The earliest end lies between the least first day and the least last day of all of them
    # (a year recorded beside a day within it may mean an earlier day).
    earliest = found.sort_by([("treaty_id", "ascending"), ("lower", "ascending")])
    least = lookup(rows.select(["treaty_id"]), "treaty_id", earliest, "treaty_id", ["lower"], "")
    return rows.set_column(rows.schema.get_field_index("end_lower"), "end_lower", least["lower"])


def _with_alive(rows: pa.Table, treaties: pa.Table, party: str | None, tables: Tables) -> pa.Table:
    """The latest signature of a treaty amending or implementing each treaty (for ``party``,
    only later treaties that party is in: others do not show that it had not withdrawn)."""
    relations = tables["treaty_relations"]
    later = relations.filter(
        pc.is_in(relations["relation"], value_set=string_set(("amends", "implements")))
    )
    if party is not None:
        members = _member_treaties(party, tables)
        later = later.filter(pc.is_in(later["treaty_id"], value_set=members))
    later = lookup(later, "treaty_id", treaties, "treaty_id", _dated("signed"), "")
    found = pa.table(
        {
            "treaty_id": later["related_treaty_id"],
            "lower": later["signed_lower"],
            "text": pc.binary_join_element_wise(
                later["treaty_id"],
                literal(", signed "),
                later["signed"],
                literal(", "),
                later["relation"],
                literal(" it"),
                literal(""),
            ),
        }
    )
    order = found.sort_by([("treaty_id", "ascending"), ("lower", "descending")])
    out = lookup(rows, "treaty_id", order, "treaty_id", ["lower", "text"], "alive_")
    return out


def _gap_ids(tables: Tables, resource: str) -> dict[str, pa.Array]:
    """Record IDs of ``resource`` with a gap row, per field."""
    gaps = tables["gaps"]
    gaps = gaps.filter(pc.equal(gaps["resource_name"], literal(resource)))
    fields = pc.unique(gaps["field"]).to_pylist()
    return {
        f: pc.unique(gaps.filter(pc.equal(gaps["field"], literal(f)))["record_id"]) for f in fields
    }


def _spans(
    when: dt.date | Period, rows: pa.Table, key: str, words: Words, tables: Tables, resource: str
) -> pa.Table:
    """``rows`` (parties or office holders) judged on ``when`` by their ``start``/``end``."""
    status, reason = judge(when, row_spans(rows, key, tables, resource), words)
    keep = (
        [key, "kind", "name_en"]
        if resource == "parties"
        else [key, "body_id", "office", "person_id"]
    )
    out = rows.select(keep)
    for name, column in (
        ("status", status),
        ("reason", reason),
        ("start", rows["start"]),
        ("end", rows["end"]),
    ):
        out = out.append_column(name, column)
    return out


def row_spans(rows: pa.Table, key: str, tables: Tables, resource: str) -> Span:
    """What ``as_of`` judges parties or office holders (``resource``) by: their ``start`` and
    ``end``; an empty end means "lasts" for a term of office unless a gap row says it is not
    known, and "not known" for a party. The explorer page embeds the same spans."""
    gaps = _gap_ids(tables, resource)
    end_gap = pc.is_in(rows[key], value_set=gaps.get("end", _EMPTY))
    open_end = _falses(rows) if resource == "parties" else pc.invert(end_gap)
    nulls = pa.nulls(rows.num_rows, pa.date32())
    return Span(
        start_lo=rows["start_lower"],
        start_hi=rows["start_upper"],
        start_text=rows["start"],
        end_lo=rows["end_lower"],
        end_hi=rows["end_upper"],
        end_text=rows["end"],
        start_gap=pc.is_in(rows[key], value_set=gaps.get("start", _EMPTY)),
        end_gap=end_gap,
        open_end=open_end,
        floor_lo=nulls,
        floor_hi=nulls,
        floor_text=_nulls(rows),
        alive_lo=nulls,
        alive_text=_nulls(rows),
    )
