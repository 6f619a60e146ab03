"""Rules on dates: real calendar dates, dates of a row in order, relations and events not
before the treaties they concern, parties acting only while they existed."""

from __future__ import annotations

from typing import Any

import pyarrow.compute as pc

from ..._arrow import ROW_COLUMN, flagged_rows, lookup, mask_rows, problems_at
from ...model.fields import PARTIAL_DATE_PATTERN, date_fields
from ...problems import Problem
from .base import Context, certainly_before, rule


@rule("date-invalid")
def rule_date_invalid(ctx: Context) -> list[Problem]:
    """A partial date that names no real day, month or year (1995-02-30), or that is not of
    partial-date shape at all where the field's own pattern lets it pass (a schema without the
    pattern: the ``x-partial-date`` marker alone defines the shape)."""
    problems: list[Problem] = []
    for name, table in ctx.tables.items():
        for column in date_fields(ctx.schemas[name]):
            if not ctx.has(name, column, f"{column}_lower"):
                continue
            values = table[column]
            shaped = pc.match_substring_regex(values, f"^(?:{PARTIAL_DATE_PATTERN})$")
            unknown = pc.and_(pc.is_valid(values), pc.is_null(table[f"{column}_lower"]))
            reported = _reported(shaped, values, _own_pattern(ctx, name, column))
            rows, bad = mask_rows(table, pc.and_(unknown, reported))
            problems += problems_at(
                "date-invalid",
                name,
                rows,
                column,
                [
                    f"{column} = {v!r} is not a calendar date; check the day and month"
                    if shape
                    else f"{column} = {v!r} is not a partial date (YYYY, YYYY-MM or YYYY-MM-DD)"
                    for v, shape in zip(
                        values.filter(bad).to_pylist(), shaped.filter(bad).to_pylist(), strict=True
                    )
                ],
            )
    return problems


def _own_pattern(ctx: Context, name: str, column: str) -> str | None:
    for spec in ctx.schemas[name]["fields"]:
        if spec["name"] == column:
            pattern = spec.get("constraints", {}).get("pattern")
            return pattern if isinstance(pattern, str) else None
    return None


def _matches(values: Any, pattern: str) -> Any:
    return pc.match_substring_regex(values, f"^(?:{pattern})$")


def _reported(shaped: Any, values: Any, own: str | None) -> Any:
    """Which unreadable dates this rule reports: those of partial-date shape (a calendar
    fault), and the others unless the field's own pattern reports them (``pattern``)."""
    if own is None:
        return pc.is_valid(values)
    return pc.or_(shaped, _matches(values, own))


#: (resource, earlier field, later field) pairs that must be in order within one row.
DATE_PAIRS = (
    ("treaties", "signed", "in_force"),
    ("treaties", "in_force", "ended"),
    ("treaties", "signed", "ended"),
    ("parties", "start", "end"),
    ("events", "date", "end_date"),
    ("office_holders", "start", "end"),
)


@rule("date-order")
def rule_date_order(ctx: Context) -> list[Problem]:

    problems: list[Problem] = []
    for name, earlier, later in DATE_PAIRS:
        if not ctx.has(name, f"{earlier}_lower", f"{later}_upper"):
            continue
        table = ctx.tables[name]
        rows, bad = mask_rows(table, certainly_before(table, later, table, earlier))
        problems += problems_at(
            "date-order",
            name,
            rows,
            later,
            [
                f"{later} = {b!r} is before {earlier} = {a!r}; fix whichever date is wrong"
                for a, b in zip(
                    table[earlier].filter(bad).to_pylist(),
                    table[later].filter(bad).to_pylist(),
                    strict=True,
                )
            ],
        )
    return problems


_SIGNED = ["signed", "signed_lower", "signed_upper"]


@rule("supersedes-order")
def rule_supersedes_order(ctx: Context) -> list[Problem]:
    """A treaty that supersedes, amends or implements another is not signed before it."""
    if not ctx.has("treaty_relations", "treaty_id", "related_treaty_id", "relation") or not ctx.has(
        "treaties", "treaty_id", *_SIGNED
    ):
        return []
    treaties = ctx.tables["treaties"]
    pairs = lookup(
        ctx.tables["treaty_relations"], "treaty_id", treaties, "treaty_id", _SIGNED, "new_"
    )
    pairs = lookup(pairs, "related_treaty_id", treaties, "treaty_id", _SIGNED, "old_")
    rows, bad = mask_rows(pairs, certainly_before(pairs, "new_signed", pairs, "old_signed"))
    return problems_at(
        "supersedes-order",
        "treaty_relations",
        rows,
        "related_treaty_id",
        [
            f"{t} (signed {n}) cannot {rel} {r} (signed {o}), which was signed later; "
            "swap treaty_id and related_treaty_id or fix a signature date"
            for t, r, rel, n, o in flagged_rows(
                pairs, bad, "treaty_id", "related_treaty_id", "relation", "new_signed", "old_signed"
            )
        ],
    )


@rule("event-before-treaty")
def rule_event_before_treaty(ctx: Context) -> list[Problem]:
    """An event or a treaty step that concerns a treaty is not certainly before the treaty's
    signature."""
    if not ctx.has("treaties", "treaty_id", *_SIGNED):
        return []
    problems: list[Problem] = []
    for name, what in (("events", "event"), ("treaty_steps", "step")):
        if ctx.has(name, "treaty_id", "date", "date_upper"):
            problems += _before_treaty(ctx, name, what)
    return problems


def _before_treaty(ctx: Context, name: str, what: str) -> list[Problem]:
    rows = ctx.tables[name].select([ROW_COLUMN, "treaty_id", "date", "date_upper"])
    joined = lookup(rows, "treaty_id", ctx.tables["treaties"], "treaty_id", _SIGNED, "treaty_")
    numbers, bad = mask_rows(joined, certainly_before(joined, "date", joined, "treaty_signed"))
    return problems_at(
        "event-before-treaty",
        name,
        numbers,
        "date",
        [
            f"{what} dated {d!r} concerns {t}, signed {s!r} later; fix the date or treaty_id"
            for d, t, s in flagged_rows(joined, bad, "date", "treaty_id", "treaty_signed")
        ],
    )


_LIFE = ["start", "start_lower", "start_upper", "end", "end_lower", "end_upper"]
_NAMES = ["start", "end"]


@rule("party-not-existing")
def rule_party_not_existing(ctx: Context) -> list[Problem]:
    """A party does not act when it certainly did not exist (where its dates are known)."""
    if not ctx.has("parties", "party_id", *_LIFE):
        return []
    acts = [
        ("event_participants", "event_id", "events", "event_id", "date"),
        ("treaty_parties", "treaty_id", "treaties", "treaty_id", "signed"),
    ]
    problems: list[Problem] = []
    for link, key, parent, parent_key, when in acts:
        if not ctx.has(link, key, "party_id") or not ctx.has(parent, parent_key, f"{when}_lower"):
            continue
        # Bounds first, for every row; the strings only for the rows that are wrong.
        dated = lookup(
            ctx.tables[link].select([ROW_COLUMN, key, "party_id"]),
            key,
            ctx.tables[parent],
            parent_key,
            [f"{when}_lower", f"{when}_upper"],
            "act_",
        )
        life = ["start_lower", "start_upper", "end_lower", "end_upper"]
        dated = lookup(dated, "party_id", ctx.tables["parties"], "party_id", life, "party_")
        too_early = certainly_before(dated, f"act_{when}", dated, "party_start")
        too_late = certainly_before(dated, "party_end", dated, f"act_{when}")
        rows, bad = mask_rows(dated, pc.or_kleene(too_early, too_late))
        dated = dated.filter(bad)
        dated = lookup(dated, key, ctx.tables[parent], parent_key, [when], "act_")
        dated = lookup(dated, "party_id", ctx.tables["parties"], "party_id", _NAMES, "party_")
        problems += problems_at(
            "party-not-existing",
            link,
            rows,
            "party_id",
            [
                f"{p} acts on {d!r} but existed only from {s!r} to {e!r}; "
                "check the party, its start/end dates or the date of the act"
                for p, d, s, e in zip(
                    *(
                        dated[c].to_pylist()
                        for c in ("party_id", f"act_{when}", "party_start", "party_end")
                    ),
                    strict=True,
                )
            ],
        )
    return problems
