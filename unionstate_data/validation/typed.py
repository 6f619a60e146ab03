"""Table Schema typing and constraints, column-wise over Arrow: types, required, pattern, enum,
minimum and unique; and the typed tables the consistency rules and loaders use.

A cell that fails its type is reported once (``type-error``) and becomes null, so later rules do
not report it again; an empty cell is null (the schema's missing value is ``""``). Partial-date
fields (``x-partial-date``) get ``{field}_lower``, ``{field}_upper`` and ``{field}_precision``
columns beside them.

Performance: a typed string column shares the read column's buffers (an empty cell only gains a
null bit), so the text is held once. No Acero ``group_by``/``join`` here: importing it imports
``pyarrow.dataset`` and, with it, pandas.

A string column may come dictionary-encoded (the validator reads the columns whose values
repeat so, see ``model.fields.compact_fields``): its checks run once per distinct value and are
taken back to the rows (``per_value``), and it stays dictionary-encoded when typed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from .._arrow import ROW_COLUMN, literal, mask_rows, per_value, problems_at, string_set
from ..errors import DataError
from ..model.dates import column_bounds
from ..model.fields import date_fields
from ..problems import Problem, reports
from .keys import duplicates
from .reading import RawPackage, read_package
from .tuning import DEFAULT, Tuning

__all__ = ["FALSE_VALUES", "TRUE_VALUES", "type_table", "type_tables", "typed_tables"]

TRUE_VALUES = ("true", "True", "TRUE", "1")
FALSE_VALUES = ("false", "False", "FALSE", "0")
# At most 18 digits: the values must fit Arrow's int64.
_INTEGER = r"^[+-]?[0-9]{1,18}$"
# A Table Schema number: decimal digits with an optional fraction and exponent, or NaN/INF.
_NUMBER = r"^(?:[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|NaN|[+-]?INF)$"
_EXPECTED = {"integer": "a whole number", "number": "a number", "boolean": "true or false"}


def typed_tables(path: Path) -> dict[str, pa.Table]:
    """Every table of the package at ``path``, typed, without row numbers; DataError listing
    every problem if it cannot be read or typed (the loaders and the release builder use it)."""
    raw, problems = read_package(path)
    tables, type_problems = type_tables(raw)
    problems += type_problems
    if problems:
        raise DataError.invalid(path, problems)
    return {name: t.drop_columns([ROW_COLUMN]) for name, t in tables.items()}


def type_tables(
    raw: RawPackage, tuning: Tuning = DEFAULT
) -> tuple[dict[str, pa.Table], list[Problem]]:
    """Typed tables for every readable resource, and the problems found on the way."""
    tables: dict[str, pa.Table] = {}
    problems: list[Problem] = []
    for name, resource in raw.resources.items():
        if resource.table is None:
            continue
        tables[name], found = type_table(name, resource.table, resource.schema, tuning)
        problems += found
    return tables, problems


@reports("blank-row")
def type_table(
    name: str, cells: pa.Table, schema: dict[str, Any], tuning: Tuning = DEFAULT
) -> tuple[pa.Table, list[Problem]]:
    """Check one resource's cells against its schema and build its typed table."""
    problems: list[Problem] = []
    strings_ = [c for c in cells.column_names if c != ROW_COLUMN]
    blank = _all_empty(cells, strings_)
    if blank is not None:
        rows = cells[ROW_COLUMN].filter(blank)
        problems += problems_at(
            "blank-row", name, rows, None, ["the row is blank; delete the empty line"] * len(rows)
        )
        cells = cells.filter(pc.invert(blank))
    typed: dict[str, Any] = {}
    for spec in schema["fields"]:
        if spec["name"] not in cells.column_names:
            continue  # reported as missing-column
        typed[spec["name"]], found = _type_column(name, cells, spec, tuning)
        problems += found
    dates = [d for d in date_fields(schema) if d in typed]
    bounds = _date_bounds({d: typed[d] for d in dates})
    required = {s["name"] for s in schema["fields"] if s.get("constraints", {}).get("required")}
    columns: dict[str, Any] = {ROW_COLUMN: cells[ROW_COLUMN]}
    fields = [pa.field(ROW_COLUMN, cells[ROW_COLUMN].type)]
    for field, values in typed.items():
        for column, array in [
            (field, values),
            *((f"{field}_{k}", b) for k, b in bounds.get(field, {}).items()),
        ]:
            columns[column] = array
            # A required field that holds a value in every row (and its date bounds, when each
            # is a real date) is non-nullable in the schema, as in the Parquet release.
            fields.append(
                pa.field(
                    column, array.type, nullable=not (field in required and array.null_count == 0)
                )
            )
    return pa.Table.from_arrays(list(columns.values()), schema=pa.schema(fields)), problems


def _date_bounds(columns: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``column_bounds`` of each partial-date column, computed in one pass over all of them."""
    if not columns:
        return {}
    together = column_bounds(
        pa.chunked_array([c for v in columns.values() for c in v.chunks], pa.string())
    )
    bounds, at = {}, 0
    for field, values in columns.items():
        bounds[field] = {key: found.slice(at, len(values)) for key, found in together.items()}
        at += len(values)
    return bounds


def _all_empty(cells: pa.Table, columns: Sequence[str]) -> Any:
    """Where every cell of the row is empty; None when no row is blank (the usual case)."""
    if not columns or not len(cells):
        return None
    mask = _is_empty(cells[columns[0]])
    for column in columns[1:]:
        if not pc.any(mask).as_py():
            return None
        mask = pc.and_(mask, _is_empty(cells[column]))
    return mask if pc.any(mask).as_py() else None


def _is_empty(values: Any) -> Any:
    return per_value(values, lambda v: pc.equal(v, literal("")))


def _null_where(values: Any, empty: Any) -> Any:
    """``values`` with null where ``empty``; string chunks keep their buffers (no copy)."""
    chunks = []
    for chunk, blank in zip(values.chunks, _aligned(empty, values), strict=True):
        if not blank.true_count:
            chunks.append(chunk)
        elif pa.types.is_string(chunk.type) and chunk.offset == 0 and chunk.null_count == 0:
            valid = pc.invert(blank)  # a fresh bitmap, offset 0: the chunk's validity
            buffers = [valid.buffers()[1], *chunk.buffers()[1:]]
            chunks.append(pa.Array.from_buffers(chunk.type, len(chunk), buffers))
        elif pa.types.is_dictionary(chunk.type):
            indices = pc.if_else(blank, literal(None, chunk.type.index_type), chunk.indices)
            chunks.append(pa.DictionaryArray.from_arrays(indices, chunk.dictionary))
        else:
            chunks.append(pc.if_else(blank, literal(None, chunk.type), chunk))
    return pa.chunked_array(chunks, values.type)


def _aligned(mask: Any, values: Any) -> list[Any]:
    """``mask`` cut into the chunk lengths of ``values``."""
    if [len(c) for c in mask.chunks] == [len(c) for c in values.chunks]:
        return list(mask.chunks)
    whole = mask.combine_chunks()
    out, at = [], 0
    for chunk in values.chunks:
        out.append(whole.slice(at, len(chunk)))
        at += len(chunk)
    return out


def _where(
    code: str,
    name: str,
    cells: pa.Table,
    field: str,
    bad: Any,
    message: Callable[[Any], str],
    values: Any = None,
) -> list[Problem]:
    """A problem per row where ``bad`` is true (null counts as false), its message made from
    the row's cell of ``values``. Checks the usual case, nothing bad, with one call."""
    if not pc.any(bad).as_py():
        return []
    rows, mask = mask_rows(cells, bad)
    shown = values.filter(mask).to_pylist() if values is not None else [None] * len(rows)
    return problems_at(code, name, rows, field, [message(v) for v in shown])


@reports("required", "type-error")
def _type_column(
    name: str, cells: pa.Table, spec: dict[str, Any], tuning: Tuning
) -> tuple[Any, list[Problem]]:
    field = spec["name"]
    raw = cells[field]
    empty = _is_empty(raw)
    constraints = spec.get("constraints", {})
    problems: list[Problem] = []
    if constraints.get("required"):
        problems += _where(
            "required",
            name,
            cells,
            field,
            empty,
            lambda _: f"{field} is required but empty; fill it in",
        )
    kind = spec.get("type", "string")
    values = raw
    if kind == "integer":
        parses = pc.match_substring_regex(raw, _INTEGER)
        ok = pc.or_(empty, parses)
        values = pc.cast(pc.if_else(parses, raw, literal(None, pa.string())), pa.int64())
    elif kind == "number":
        parses = pc.match_substring_regex(raw, _NUMBER)
        ok = pc.or_(empty, parses)
        text = pc.replace_substring_regex(raw, r"INF$", "inf")  # Arrow reads "inf"
        values = pc.cast(pc.if_else(parses, text, literal(None, pa.string())), pa.float64())
    elif kind == "boolean":
        is_true = pc.is_in(raw, value_set=string_set(TRUE_VALUES))
        ok = pc.or_(empty, pc.or_(is_true, pc.is_in(raw, value_set=string_set(FALSE_VALUES))))
        values = pc.if_else(ok, is_true, literal(None, pa.bool_()))
    if kind in _EXPECTED:
        expected = _EXPECTED[kind]
        problems += _where(
            "type-error",
            name,
            cells,
            field,
            pc.invert(ok),
            lambda v: f"{field} must be {expected}, got {v!r}",
            raw,
        )
    values = _null_where(values, empty)
    problems += _constraint_problems(name, cells, field, values, constraints, tuning)
    return values, problems


@reports("pattern", "enum", "minimum", "unique")
def _constraint_problems(
    name: str,
    cells: pa.Table,
    field: str,
    values: Any,
    constraints: dict[str, Any],
    tuning: Tuning,
) -> list[Problem]:
    problems: list[Problem] = []
    if "pattern" in constraints:
        pattern = constraints["pattern"]
        matches = per_value(values, lambda v: pc.match_substring_regex(v, f"^(?:{pattern})$"))
        problems += _where(
            "pattern",
            name,
            cells,
            field,
            pc.invert(matches),
            lambda v: f"{field} must match {pattern!r}, got {v!r}",
            values,
        )
    if "enum" in constraints:
        allowed = constraints["enum"]
        known = per_value(values, lambda v: pc.is_in(v, value_set=string_set(tuple(allowed))))
        problems += _where(
            "enum",
            name,
            cells,
            field,
            pc.invert(known),
            lambda v: f"{field} must be one of {allowed}, got {v!r}",
            values,
        )
    if "minimum" in constraints:
        minimum = constraints["minimum"]
        problems += _where(
            "minimum",
            name,
            cells,
            field,
            pc.less(values, literal(minimum, values.type)),
            lambda v: f"{field} must be at least {minimum}, got {v!r}",
            values,
        )
    if constraints.get("unique"):
        rows = cells[ROW_COLUMN]
        problems += duplicates("unique", name, rows, [values], [field], tuning.code_limit)
    return problems
