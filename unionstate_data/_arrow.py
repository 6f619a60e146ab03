"""Arrow plumbing shared by the typing, the key checks and the consistency rules.

Values from Python values, built from buffers (``literal``, ``strings``, ``booleans``,
``integers``): ``pa.scalar()`` and ``pa.array()`` on a Python value, and a Python value passed to a
compute function, make pyarrow import pandas when it is installed (to check whether the value is
a pandas object), some 0.4 s that loading the data does not otherwise need. (So do Acero's
``group_by`` and ``join``, which import ``pyarrow.dataset``: the rules use hash kernels such as
``index_in`` instead.)

Then the column helpers: work per distinct value of a dictionary-encoded column (``per_value``,
``dictionary_parts``), sort or hash out distinct integers (``sorted_distinct``,
``distinct_integers``), find the rows a mask flags (``mask_rows``, ``flagged_rows``,
``problems_at``) and match rows of one table to another (``lookup``).
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from itertools import accumulate
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from .problems import Problem

__all__ = [
    "ROW_COLUMN",
    "booleans",
    "dictionary_parts",
    "distinct_integers",
    "flagged_rows",
    "integers",
    "literal",
    "lookup",
    "mask_rows",
    "per_value",
    "problems_at",
    "sorted_distinct",
    "string_set",
    "strings",
]

#: Internal column holding each row's number in its CSV (header = row 1).
ROW_COLUMN = "__row__"


@cache
def literal(value: str | bool | int | None, type: pa.DataType | None = None) -> pa.Scalar:
    """A pyarrow scalar: ``type`` defaults to string, bool or int64 after ``value``.

    Cached: the rules ask for the same few constants many times, and scalars are immutable.
    """
    if value is None:
        return pa.nulls(1, type or pa.null())[0]
    if isinstance(value, str):
        array = strings([value])
    elif isinstance(value, bool):
        array = booleans([value])
    else:
        array = integers([value])
    return array[0] if type is None else array.cast(type)[0]


def strings(values: Iterable[str | None]) -> pa.Array:
    """A string array; None gives null."""
    items = [None if v is None else v.encode("utf-8") for v in values]
    data = [b"" if v is None else v for v in items]
    offsets = struct.pack(f"<{len(data) + 1}i", 0, *accumulate(len(d) for d in data))
    valid = None
    if None in items:
        valid = booleans(v is not None for v in items).buffers()[1]
    buffers = [valid, pa.py_buffer(offsets), pa.py_buffer(b"".join(data))]
    return pa.Array.from_buffers(pa.string(), len(items), buffers)


def booleans(values: Iterable[bool]) -> pa.Array:
    """A boolean array, in linear time: one byte per value, packed into bits by Arrow's cast."""
    flags = bytes(bool(v) for v in values)
    bytes_ = pa.Array.from_buffers(pa.uint8(), len(flags), [None, pa.py_buffer(flags)])
    return pc.cast(bytes_, pa.bool_())


def integers(values: Iterable[int]) -> pa.Array:
    """An int64 array."""
    items = list(values)
    data = pa.py_buffer(struct.pack(f"<{len(items)}q", *items))
    return pa.Array.from_buffers(pa.int64(), len(items), [None, data])


@cache
def string_set(values: tuple[str, ...]) -> pa.Array:
    """``strings(values)``, built once per vocabulary."""
    return strings(values)


def per_value(values: Any, kernel: Callable[[Any], Any]) -> Any:
    """``kernel(values)`` for a string column; for a dictionary-encoded one, ``kernel`` of each
    distinct dictionary, once, taken back to the rows by the indices (null where the row is).

    ``kernel`` maps an array to an array of the same length (a mask, say).
    """
    if not pa.types.is_dictionary(values.type):
        return kernel(values)
    done: dict[tuple[int, int, int], Any] = {}
    runs: list[tuple[tuple[int, int, int], list[Any]]] = []
    for chunk in values.chunks:
        # Chunks that share one dictionary (as read) share its buffers: compute it once, and
        # take from it for a run of such chunks at once (one call, not one per chunk).
        key = _dictionary_id(chunk.dictionary)
        if key not in done:
            done[key] = kernel(chunk.dictionary)
        if runs and runs[-1][0] == key:
            runs[-1][1].append(chunk.indices)
        else:
            runs.append((key, [chunk.indices]))
    if not runs:
        return pa.chunked_array([kernel(pa.nulls(0, values.type.value_type))])
    taken = [pc.take(done[key], pa.chunked_array(indices)) for key, indices in runs]
    return pa.chunked_array([chunk for part in taken for chunk in part.chunks], taken[0].type)


def _dictionary_id(dictionary: Any) -> tuple[int, int, int]:
    """Equal for dictionaries that are the same buffers (a cheap stand-in for equality)."""
    offsets, data = dictionary.buffers()[1:3]
    return (offsets.address, data.address if data is not None else 0, len(dictionary))


def dictionary_parts(values: Any) -> tuple[Any, Any]:
    """A string column as (distinct values, int32 index of each row's value; null stays null).

    A column read dictionary-encoded gives its dictionary as it is; a plain one is encoded
    (one hash pass).
    """
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


def sorted_distinct(values: Any) -> tuple[Any, Any]:
    """The distinct non-null values of an integer array, sorted, and the values that repeat.

    By sorting, not hashing: for millions of integers a hash table costs several times the
    memory of a sort's indices.
    """
    values = values.drop_null()
    ordered = values.take(pc.sort_indices(values))
    if len(ordered) < 2:
        return ordered, ordered.slice(0, 0)
    same = pc.equal(ordered.slice(1), ordered.slice(0, len(ordered) - 1))
    repeated = ordered.slice(1).filter(same)
    first = pa.concat_arrays([booleans([True]), pc.invert(same)])  # a value's first place
    return ordered.filter(first), repeated


def distinct_integers(values: Any, hashed: int) -> Any:
    """The distinct non-null values of an integer array, in no particular order.

    By hashing while the distinct values are few, ``hashed`` values at a time into those found
    so far: many times faster than sorting them all. Arrow's hash table costs some 240 bytes
    per distinct value (against a sort's 16 per value), so once more than ``hashed`` are found
    the rest is sorted instead (``sorted_distinct``), and the table never holds more than
    ``2 * hashed`` values.
    """
    values, step = values.drop_null(), max(hashed, 1)
    found = values.slice(0, 0)
    for start in range(0, len(values), step):
        found = pc.unique(pa.concat_arrays([found, values.slice(start, step)]))
        if len(found) > hashed:
            return sorted_distinct(pa.concat_arrays([found, values.slice(start + step)]))[0]
    return found


def mask_rows(table: pa.Table, mask: Any) -> tuple[Any, Any]:
    """The row numbers ``mask`` flags, and the mask with nulls read as false."""
    mask = pc.fill_null(mask, literal(False))
    return table[ROW_COLUMN].filter(mask), mask


def flagged_rows(table: pa.Table, mask: Any, *columns: str) -> Iterator[tuple[Any, ...]]:
    """The values of ``columns`` in the rows ``mask`` flags, row by row (for messages)."""
    flagged = table.filter(mask)
    return zip(*(flagged[c].to_pylist() for c in columns), strict=True)


def problems_at(
    code: str, resource: str, rows: Any, field: str | None, messages: Iterable[str]
) -> list[Problem]:
    """One problem per flagged row: ``rows`` and ``messages`` run in parallel."""
    return [
        Problem(code, resource, int(row), field, message)
        for row, message in zip(rows.to_pylist(), messages, strict=True)
    ]


def lookup(
    left: pa.Table, left_key: str, right: pa.Table, right_key: str, columns: list[str], prefix: str
) -> pa.Table:
    """Left rows with ``columns`` of their matching right row, renamed with ``prefix``.

    Left rows keep their order; where no right row matches (or the key is null) the new columns
    are null, which every rule reads as "cannot judge". A repeated right key (reported by
    primary-key) matches its first row.
    """
    # A dictionary-encoded key (compact reading) is looked up once per distinct value.
    keys = right[right_key]
    where = per_value(left[left_key], lambda v: pc.index_in(v, value_set=keys, skip_nulls=True))
    for column in columns:
        left = left.append_column(f"{prefix}{column}", right[column].take(where))
    return left
