"""Table Schema rules, column-wise over Arrow: types, required, pattern, enum, minimum, unique,
primary keys and foreign keys; and the typed tables the consistency rules and loaders use.

A cell that fails its type is reported once (``type-error``) and becomes null, so later rules do
not report it again; an empty cell is null (the schema's missing value is ``""``). Partial-date
fields (``x-partial-date``) get ``{field}_lower``, ``{field}_upper`` and ``{field}_precision``
columns beside them.

Performance: a typed string column shares the read column's buffers (an empty cell only gains a
null bit), so the text is held once. A key's columns are each hashed once into an integer code
per row (``_key_codes``); repeats are then found by sorting those integers (``sorted_distinct``),
and the rows of a repeated key are sorted out only when there are some. Foreign keys are looked
up by hashing (``is_in``). No Acero ``group_by``/``join`` here: importing it imports
``pyarrow.dataset`` and, with it, pandas.

A string column may come dictionary-encoded (the validator reads the columns whose values
repeat so, see ``reading.compact_fields``): its checks run once per distinct value and are
taken back to the rows (``per_value``), and it stays dictionary-encoded when typed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from .dates import column_bounds
from .problems import Problem
from .reading import ROW_COLUMN, RawPackage, booleans, literal, strings

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "FALSE_VALUES",
    "TRUE_VALUES",
    "check_keys",
    "dictionary_parts",
    "per_value",
    "sorted_distinct",
    "type_table",
    "type_tables",
]

TRUE_VALUES = ("true", "True", "TRUE", "1")
FALSE_VALUES = ("false", "False", "FALSE", "0")
# At most 18 digits: the values must fit Arrow's int64.
_INTEGER = r"^[+-]?[0-9]{1,18}$"
_KEY_SEPARATOR = "\x1f"


def problems_at(
    code: str, resource: str, rows: Any, field: str | None, messages: Iterable[str]
) -> list[Problem]:
    """One problem per flagged row: ``rows`` and ``messages`` run in parallel."""
    return [
        Problem(code, resource, int(row), field, message)
        for row, message in zip(rows.to_pylist(), messages, strict=True)
    ]


def per_value(values: Any, kernel: Callable[[Any], Any]) -> Any:
    """``kernel(values)`` for a string column; for a dictionary-encoded one, ``kernel`` of each
    distinct dictionary, once, taken back to the rows by the indices (null where the row is).

    ``kernel`` maps an array to an array of the same length (a mask, say).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pa.types.is_dictionary(values.type):
        return kernel(values)
    done: dict[tuple[int, int, int], Any] = {}
    chunks = []
    for chunk in values.chunks:
        # Chunks that share one dictionary (as read) share its buffers: compute it once.
        key = _dictionary_id(chunk.dictionary)
        if key not in done:
            done[key] = kernel(chunk.dictionary)
        chunks.append(pc.take(done[key], chunk.indices))
    if not chunks:
        return pa.chunked_array([kernel(pa.nulls(0, values.type.value_type))])
    return pa.chunked_array(chunks)


def _dictionary_id(dictionary: Any) -> tuple[int, int, int]:
    """Equal for dictionaries that are the same buffers (a cheap stand-in for equality)."""
    offsets, data = dictionary.buffers()[1:3]
    return (offsets.address, data.address if data is not None else 0, len(dictionary))


def dictionary_parts(values: Any) -> tuple[Any, Any]:
    """A string column as (distinct values, int32 index of each row's value; null stays null).

    A column read dictionary-encoded gives its dictionary as it is; a plain one is encoded
    (one hash pass).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(values, pa.Array):
        values = pa.chunked_array([values])
    if not pa.types.is_dictionary(values.type):
        values = pc.dictionary_encode(values)
    if not values.num_chunks:
        return pa.nulls(0, values.type.value_type), pa.nulls(0, values.type.index_type)
    if len({_dictionary_id(c.dictionary) for c in values.chunks}) > 1:
        values = pa.table({"values": values}).unify_dictionaries()["values"]
    indices = pa.concat_arrays([c.indices for c in values.chunks])
    return values.chunk(0).dictionary, indices


def _flagged(table: pa.Table, mask: Any) -> tuple[Any, Any]:
    """Row numbers and cell values where ``mask`` is true (nulls count as false)."""
    import pyarrow.compute as pc

    mask = pc.fill_null(mask, literal(False))
    return table[ROW_COLUMN].filter(mask), mask


def type_tables(raw: RawPackage) -> tuple[dict[str, pa.Table], list[Problem]]:
    """Typed tables for every readable resource, and the problems found on the way."""
    tables: dict[str, pa.Table] = {}
    problems: list[Problem] = []
    for name, resource in raw.resources.items():
        if resource.table is None:
            continue
        tables[name], found = type_table(name, resource.table, resource.schema)
        problems += found
    return tables, problems


def type_table(
    name: str, cells: pa.Table, schema: dict[str, Any]
) -> tuple[pa.Table, list[Problem]]:
    """Check one resource's cells against its schema and build its typed table."""
    import pyarrow as pa
    import pyarrow.compute as pc

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
        typed[spec["name"]], found = _type_column(name, cells, spec)
        problems += found
    dates = [f["name"] for f in schema["fields"] if f.get("x-partial-date") and f["name"] in typed]
    bounds = _date_bounds({d: typed[d] for d in dates})
    columns: dict[str, Any] = {ROW_COLUMN: cells[ROW_COLUMN]}
    for field, values in typed.items():
        columns[field] = values
        for key, found in bounds.get(field, {}).items():
            columns[f"{field}_{key}"] = found
    return pa.table(columns), problems


def _date_bounds(columns: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``column_bounds`` of each partial-date column, computed in one pass over all of them."""
    import pyarrow as pa

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
    import pyarrow.compute as pc

    if not columns or not len(cells):
        return None
    mask = _is_empty(cells[columns[0]])
    for column in columns[1:]:
        if not pc.any(mask).as_py():
            return None
        mask = pc.and_(mask, _is_empty(cells[column]))
    return mask if pc.any(mask).as_py() else None


def _is_empty(values: Any) -> Any:
    import pyarrow.compute as pc

    return per_value(values, lambda v: pc.equal(v, literal("")))


def _null_where(values: Any, empty: Any) -> Any:
    """``values`` with null where ``empty``; string chunks keep their buffers (no copy)."""
    import pyarrow as pa
    import pyarrow.compute as pc

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
    import pyarrow.compute as pc

    if not pc.any(bad).as_py():
        return []
    rows, mask = _flagged(cells, bad)
    shown = values.filter(mask).to_pylist() if values is not None else [None] * len(rows)
    return problems_at(code, name, rows, field, [message(v) for v in shown])


def _type_column(name: str, cells: pa.Table, spec: dict[str, Any]) -> tuple[Any, list[Problem]]:
    import pyarrow as pa
    import pyarrow.compute as pc

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
    elif kind == "boolean":
        is_true = pc.is_in(raw, value_set=_string_set(TRUE_VALUES))
        ok = pc.or_(empty, pc.or_(is_true, pc.is_in(raw, value_set=_string_set(FALSE_VALUES))))
        values = pc.if_else(ok, is_true, literal(None, pa.bool_()))
    if kind in ("integer", "boolean"):
        expected = {"integer": "a whole number", "boolean": "true or false"}[kind]
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
    problems += _constraint_problems(name, cells, field, values, constraints)
    return values, problems


def _constraint_problems(
    name: str, cells: pa.Table, field: str, values: Any, constraints: dict[str, Any]
) -> list[Problem]:
    import pyarrow.compute as pc

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
        known = per_value(values, lambda v: pc.is_in(v, value_set=_string_set(tuple(allowed))))
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
        problems += _duplicates("unique", name, cells[ROW_COLUMN], [values], [field])
    return problems


@cache
def _string_set(values: tuple[str, ...]) -> pa.Array:
    """``strings(values)``, built once per vocabulary."""
    return strings(values)


def _key(columns: Sequence[Any]) -> Any:
    """One string per row joining the key's columns; null where any part is null."""
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = [pc.cast(c, pa.string()) for c in columns]
    if len(parts) == 1:
        return parts[0]
    return pc.binary_join_element_wise(*parts, literal(_KEY_SEPARATOR), null_handling="emit_null")


def _key_codes(columns: Sequence[Any]) -> Any:
    """One int64 per row numbering the key's distinct combinations of values (equal keys,
    equal codes); null where any part is null. Hashes each column once, then only integers."""
    import pyarrow as pa
    import pyarrow.compute as pc

    codes, size = None, 1
    for column in columns:
        dictionary, indices = dictionary_parts(pc.cast(column, pa.string()))
        part = pc.cast(indices, pa.int64())
        width = max(len(dictionary), 1)
        if codes is not None and size * width > _CODE_LIMIT:
            # Renumber densely first, so that the product stays an int64 (rare: the product of
            # the parts' distinct counts passes 2**62).
            encoded = pc.dictionary_encode(codes)
            codes, size = pc.cast(encoded.indices, pa.int64()), len(encoded.dictionary)
        codes = part if codes is None else pc.add(pc.multiply(codes, literal(width)), part)
        size *= width
    return codes


#: Key codes are renumbered densely before a product would pass this.
_CODE_LIMIT = 1 << 62


def sorted_distinct(values: Any) -> tuple[Any, Any]:
    """The distinct non-null values of an integer array, sorted, and the values that repeat.

    By sorting, not hashing: for millions of integers a hash table costs several times the
    memory of a sort's indices.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    values = values.drop_null()
    ordered = values.take(pc.sort_indices(values))
    if len(ordered) < 2:
        return ordered, ordered.slice(0, 0)
    same = pc.equal(ordered.slice(1), ordered.slice(0, len(ordered) - 1))
    repeated = ordered.slice(1).filter(same)
    first = pa.concat_arrays([booleans([True]), pc.invert(same)])  # a value's first place
    return ordered.filter(first), repeated


def _duplicates(
    code: str, name: str, rows: Any, columns: Sequence[Any], fields: Sequence[str]
) -> list[Problem]:
    """Rows whose key repeats an earlier row's (first occurrence is not reported)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    keys = _key_codes(columns)
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


def check_keys(tables: dict[str, pa.Table], schemas: dict[str, dict[str, Any]]) -> list[Problem]:
    """Primary keys unique, and every foreign key resolves to a row of its resource."""
    problems: list[Problem] = []
    for name, table in tables.items():
        schema = schemas[name]
        primary = [f for f in schema.get("primaryKey", []) if f in table.column_names]
        if primary and len(primary) == len(schema.get("primaryKey", [])):
            columns = [table[f] for f in primary]
            problems += _duplicates("primary-key", name, table[ROW_COLUMN], columns, primary)
        for fk in schema.get("foreignKeys", []):
            problems += _foreign_key(name, table, fk, tables)
    return problems


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _foreign_key(
    name: str, table: pa.Table, fk: dict[str, Any], tables: dict[str, pa.Table]
) -> list[Problem]:
    import pyarrow as pa
    import pyarrow.compute as pc

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
    rows, bad = _flagged(table, missing)
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
