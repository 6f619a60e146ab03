"""Keys, column-wise over Arrow: unique fields, primary keys and foreign keys.

A key's columns are each hashed once into an integer code per row (``_key_codes``); repeats are
then found by sorting those integers (``sorted_distinct``), and the rows of a repeated key are
sorted out only when there are some. Foreign keys are looked up by hashing (``is_in``); a single
dictionary-encoded field (compact reading) is looked up once per distinct value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from .._arrow import (
    ROW_COLUMN,
    dictionary_parts,
    literal,
    mask_rows,
    per_value,
    problems_at,
    sorted_distinct,
)
from ..problems import Problem, reports
from .tuning import DEFAULT, Tuning

__all__ = ["duplicates", "foreign_key_problems", "primary_key_problems"]

_KEY_SEPARATOR = "\x1f"


def _key(columns: Sequence[Any]) -> Any:
    """One string per row joining the key's columns; null where any part is null."""
    parts = [pc.cast(c, pa.string()) for c in columns]
    if len(parts) == 1:
        return parts[0]
    return pc.binary_join_element_wise(*parts, literal(_KEY_SEPARATOR), null_handling="emit_null")


def _key_codes(columns: Sequence[Any], code_limit: int) -> tuple[Any, int | None]:
    """One int64 per row numbering the key's distinct combinations of values (equal keys,
    equal codes); null where any part is null. Hashes each column once, then only integers.

    Also how many distinct keys there are, where that is known without more work: for one
    plain column, the size of the dictionary it was just encoded with (None otherwise: a
    dictionary read with the column may hold values no row has, and several columns' codes
    are not all used)."""
    codes, size = None, 1
    distinct = None
    for column in columns:
        # A column read dictionary-encoded (compact reading) is numbered by its dictionary as
        # it is; casting it to text first would write every row's value out and hash it again.
        text = column if pa.types.is_dictionary(column.type) else pc.cast(column, pa.string())
        dictionary, indices = dictionary_parts(text)
        part = pc.cast(indices, pa.int64())
        width = max(len(dictionary), 1)
        if codes is not None and size * width > code_limit:
            # Renumber densely first, so that the product stays an int64 (rare: the product of
            # the parts' distinct counts passes 2**62).
            encoded = pc.dictionary_encode(codes)
            codes, size = pc.cast(encoded.indices, pa.int64()), len(encoded.dictionary)
        if len(columns) == 1 and not pa.types.is_dictionary(column.type):  # encoded here: exact
            distinct = len(dictionary)
        codes = part if codes is None else pc.add(pc.multiply(codes, literal(width)), part)
        size *= width
    return codes, distinct


def duplicates(
    code: str,
    name: str,
    rows: Any,
    columns: Sequence[Any],
    fields: Sequence[str],
    code_limit: int = DEFAULT.code_limit,
) -> list[Problem]:
    """Rows whose key repeats an earlier row's (first occurrence is not reported)."""
    keys, distinct = _key_codes(columns, code_limit)
    if distinct == len(keys) - keys.null_count:
        return []  # as many distinct keys as keys: the usual case, known without sorting
    valid = pc.is_valid(keys)
    if keys.null_count:
        keys, rows = keys.filter(valid), rows.filter(valid)
    _, repeated = sorted_distinct(keys)
    if not len(repeated):
        return []  # the usual case
    involved = pc.is_in(keys, value_set=repeated)
    shown = {
        f: pc.cast(c.filter(valid).filter(involved), pa.string())
        for f, c in zip(fields, columns, strict=True)
    }
    table = pa.table({"row": rows.filter(involved), **shown}).sort_by([("row", "ascending")])
    label = ", ".join(fields)
    first: dict[tuple[Any, ...], int] = {}
    problems = []
    for record in table.to_pylist():  # only the rows of repeated keys
        key = tuple(record[f] for f in fields)
        if key not in first:
            first[key] = record["row"]
            continue
        text = ", ".join(key)
        problems.append(
            Problem(
                code,
                name,
                record["row"],
                fields[0] if len(fields) == 1 else label,
                f"({label}) = {text!r} repeats row {first[key]}; "
                "give this row its own key or delete the duplicate",
            )
        )
    return problems


@reports("primary-key")
def primary_key_problems(
    name: str, table: pa.Table, schema: dict[str, Any], tuning: Tuning = DEFAULT
) -> list[Problem]:
    """The rows of ``table`` whose primary key repeats an earlier row's (it reads no other
    table, so the validator checks it as soon as the table is typed)."""
    primary = [f for f in schema.get("primaryKey", []) if f in table.column_names]
    if not primary or len(primary) != len(schema.get("primaryKey", [])):
        return []
    columns = [table[f] for f in primary]
    return duplicates("primary-key", name, table[ROW_COLUMN], columns, primary, tuning.code_limit)


@reports("foreign-key")
def foreign_key_problems(
    name: str, table: pa.Table, schema: dict[str, Any], tables: dict[str, pa.Table]
) -> list[Problem]:
    """The rows of ``table`` whose foreign keys name no row of their resource in ``tables``."""
    problems: list[Problem] = []
    for fk in schema.get("foreignKeys", []):
        problems += _foreign_key(name, table, fk, tables)
    return problems


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _foreign_key(
    name: str, table: pa.Table, fk: dict[str, Any], tables: dict[str, pa.Table]
) -> list[Problem]:
    fields = _as_list(fk["fields"])
    target = fk["reference"].get("resource") or name
    ref_fields = _as_list(fk["reference"]["fields"])
    parent = tables.get(target)
    if parent is None or not set(fields) <= set(table.column_names):
        return []  # the missing file or column is reported already
    if not set(ref_fields) <= set(parent.column_names):
        return []
    parent_key = _key([parent[f] for f in ref_fields])
    # One dictionary-encoded field (compact reading): looked up once per distinct value.
    child = table[fields[0]]
    if len(fields) > 1 or not pa.types.is_dictionary(child.type):
        child = _key([table[f] for f in fields])
    missing = per_value(
        child, lambda v: pc.and_(pc.is_valid(v), pc.invert(pc.is_in(v, value_set=parent_key)))
    )
    rows, bad = mask_rows(table, missing)
    child_key = _key([child.filter(bad)])  # the rows reported, as text
    label = ", ".join(fields)
    return problems_at(
        "foreign-key",
        name,
        rows,
        label,
        [
            f"{label} = {v.replace(_KEY_SEPARATOR, ', ')!r} is not a "
            f"{target}.{', '.join(ref_fields)}; add that row to {target} or fix the reference"
            for v in child_key.to_pylist()
        ],
    )
