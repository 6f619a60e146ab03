"""Rules on evidence, disputes and known gaps: they point at rows and fields that exist, every
field that needs its own evidence has it, a dispute's chosen value is the value the row holds,
and a known gap's field is empty."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from ..._arrow import flagged_rows, literal, mask_rows, problems_at, strings
from ...problems import Problem
from .base import Context, primary_key, rule

#: Tables whose rows point at one field of one row elsewhere.
_POINTERS = ("evidence", "disputes", "gaps")


@rule("evidence-target")
def rule_evidence_target(ctx: Context) -> list[Problem]:
    """Each evidence and dispute row names an existing row and one of its fields."""
    problems: list[Problem] = []
    for pointer in _POINTERS:
        if ctx.has(pointer, "resource_name", "record_id", "field"):
            problems += _pointer_targets(ctx, pointer)
    return problems


def _pointer_targets(ctx: Context, pointer: str) -> list[Problem]:
    evidence = ctx.tables[pointer]
    problems: list[Problem] = []
    for name in pc.unique(evidence["resource_name"].drop_null()).to_pylist():
        key = primary_key(ctx, name) if name in ctx.tables else None
        if key is None:
            continue
        mine = evidence.filter(pc.equal(evidence["resource_name"], literal(name)))
        known = pc.is_in(mine["record_id"], value_set=ctx.tables[name][key])
        rows, bad = mask_rows(mine, pc.invert(known))
        problems += problems_at(
            "evidence-target",
            pointer,
            rows,
            "record_id",
            [
                f"{name} has no row {v!r}; fix record_id or resource_name"
                for v in mine["record_id"].filter(bad).to_pylist()
            ],
        )
        fields = strings(f["name"] for f in ctx.schemas[name]["fields"])
        rows, bad = mask_rows(mine, pc.invert(pc.is_in(mine["field"], value_set=fields)))
        problems += problems_at(
            "evidence-target",
            pointer,
            rows,
            "field",
            [
                f"{name} has no field {v!r}; expected one of {fields.to_pylist()}"
                for v in mine["field"].filter(bad).to_pylist()
            ],
        )
    return problems


@rule("field-evidence-missing")
def rule_field_evidence(ctx: Context) -> list[Problem]:
    """A filled field marked ``x-field-evidence`` has an evidence row of its own."""
    if not ctx.has("evidence", "resource_name", "record_id", "field"):
        return []
    evidence = ctx.tables["evidence"]
    separator = literal("\x1f")
    # Joining has no kernel for dictionary-encoded text (compact reading): cast to plain first.
    backed = pc.binary_join_element_wise(
        *(pc.cast(evidence[c], pa.string()) for c in ("resource_name", "record_id", "field")),
        separator,
    )
    problems: list[Problem] = []
    for name, table in ctx.tables.items():
        key = primary_key(ctx, name)
        marked = [f["name"] for f in ctx.schemas[name]["fields"] if f.get("x-field-evidence")]
        for column in (c for c in marked if key and ctx.has(name, c)):
            wanted = pc.binary_join_element_wise(
                literal(name), pc.cast(table[key], pa.string()), literal(column), separator
            )
            missing = pc.and_(
                pc.is_valid(table[column]), pc.invert(pc.is_in(wanted, value_set=backed))
            )
            rows, bad = mask_rows(table, missing)
            problems += problems_at(
                "field-evidence-missing",
                name,
                rows,
                column,
                [
                    f"{column} = {v!r} of {k} has no evidence row; add one to evidence "
                    f"(resource_name={name}, record_id={k}, field={column}) with source and quote"
                    for k, v in zip(
                        table[key].filter(bad).to_pylist(),
                        table[column].filter(bad).to_pylist(),
                        strict=True,
                    )
                ],
            )
    return problems


def _held(ctx: Context, pointer: str) -> Iterator[tuple[str, str, pa.Table]]:
    """For each (table, field) that rows of ``pointer`` (disputes, gaps) name: the table, the
    field, and those rows with the value the named row holds (``held``, as text; null where the
    row holds none or does not exist, which evidence-target reports)."""
    pointers = ctx.tables[pointer]
    for name in pc.unique(pointers["resource_name"].drop_null()).to_pylist():
        key = primary_key(ctx, name) if name in ctx.tables else None
        if key is None:
            continue
        table = ctx.tables[name]
        mine = pointers.filter(pc.equal(pointers["resource_name"], literal(name)))
        for column in pc.unique(mine["field"].drop_null()).to_pylist():
            if column not in table.column_names:
                continue  # reported by evidence-target
            asked = mine.filter(pc.equal(mine["field"], literal(column)))
            where = pc.index_in(asked["record_id"], value_set=table[key], skip_nulls=True)
            held = pc.cast(table[column].take(where), pa.string())
            yield name, column, asked.append_column("held", held).filter(pc.is_valid(where))


@rule("dispute-value")
def rule_dispute_value(ctx: Context) -> list[Problem]:
    """A dispute's chosen value is the value the disputed row holds."""
    if not ctx.has("disputes", "resource_name", "record_id", "field", "chosen_value"):
        return []
    problems: list[Problem] = []
    for name, column, joined in _held(ctx, "disputes"):
        same = pc.equal(joined["chosen_value"], joined["held"])
        rows, bad = mask_rows(joined, pc.invert(pc.fill_null(same, literal(False))))
        problems += problems_at(
            "dispute-value",
            "disputes",
            rows,
            "chosen_value",
            [
                f"chosen_value is {c!r} but {name}.{column} of {r} holds {h!r}; make them agree"
                for c, r, h in flagged_rows(joined, bad, "chosen_value", "record_id", "held")
            ],
        )
    return problems


@rule("gap-filled")
def rule_gap_filled(ctx: Context) -> list[Problem]:
    """A known gap names a field that is empty: a value and a gap cannot both be recorded."""
    if not ctx.has("gaps", "resource_name", "record_id", "field"):
        return []
    problems: list[Problem] = []
    for name, column, joined in _held(ctx, "gaps"):
        rows, bad = mask_rows(joined, pc.is_valid(joined["held"]))
        problems += problems_at(
            "gap-filled",
            "gaps",
            rows,
            "field",
            [
                f"{name}.{column} of {r} holds {h!r}, so it is not unknown; delete the gap or "
                "empty the field"
                for r, h in flagged_rows(joined, bad, "record_id", "held")
            ],
        )
    return problems
