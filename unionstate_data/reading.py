"""Read a data package: the descriptor, its Table Schemas and its CSV files as Arrow tables.

Reading never raises on bad input: every problem with the descriptor or a file becomes a
``Problem`` and the rest is still read, so the validator can report everything at once.
CSV cells are read as strings exactly as written; typing is ``unionstate_data.table_rules``.

Files are parsed by Arrow straight from disk, in parallel blocks; Arrow checks that every cell is
UTF-8. Only when it objects (or a row is ragged) is the whole file read into Python to find the
exact byte that is not UTF-8, so a large file is never held twice in memory.

``read_package(path, compact=True)`` (the validator's mode) reads the columns whose values repeat
from row to row dictionary-encoded, one dictionary per column (``compact_fields``): a quote is a
sentence of its source, and many rows quote the same sentence; the sources they cite, their
locators and the controlled vocabularies (fields with an ``enum``) hold few distinct values.
Each distinct value is then held once. At a million events this cuts the tables from 1.4 GiB to
about 0.4 GiB. The loaders read plain strings.

This module also builds, from buffers, the few Arrow values the rules need from Python values
(``literal``, ``strings``, ``binaries``, ``booleans``, ``integers``). ``pa.scalar()`` and
``pa.array()`` on a Python value, and a Python value passed to a compute function, make pyarrow
import pandas when it is installed (to check whether the value is a pandas object): some 0.4 s
that loading the data does not otherwise need. (So do Acero's ``group_by`` and ``join``, which
import ``pyarrow.dataset``: the rules use hash kernels such as ``index_in`` instead.)
"""

from __future__ import annotations

import json
import struct
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .problems import Problem

if TYPE_CHECKING:
    from concurrent.futures import Future

    import pyarrow as pa

__all__ = [
    "ROW_COLUMN",
    "RawPackage",
    "RawResource",
    "binaries",
    "booleans",
    "compact_fields",
    "integers",
    "literal",
    "quoted_fields",
    "read_package",
    "strings",
]

#: Internal column holding each row's number in its CSV (header = row 1).
ROW_COLUMN = "__row__"
_BOM = b"\xef\xbb\xbf"


@dataclass
class RawResource:
    """One resource as read: its schema and its cells as strings, with row numbers."""

    name: str
    path: Path
    schema: dict[str, Any]
    table: pa.Table | None = None  # None when the file could not be read at all


@dataclass
class RawPackage:
    """A descriptor and the resources it names, as read from disk."""

    path: Path
    descriptor: dict[str, Any] = field(default_factory=dict)
    resources: dict[str, RawResource] = field(default_factory=dict)

    @property
    def base(self) -> Path:
        return self.path.parent


def quoted_fields(resource: str, fields: Sequence[str]) -> list[tuple[str, str]]:
    """(source field, text field) pairs of a resource: text that must stand verbatim in the
    stored text of the row's source. ``quote`` goes with ``source_id``, ``{side}_quote`` with
    ``{side}_source_id``, and a clause's ``text`` (a fragment of its quote) with ``source_id``.
    """
    pairs = []
    for field_ in fields:
        if field_ == "quote" or field_.endswith("_quote"):
            source = field_.removesuffix("quote") + "source_id"
        elif resource == "clauses" and field_ == "text":
            source = "source_id"
        else:
            continue
        if source in fields:
            pairs.append((source, field_))
    return pairs


def compact_fields(resource: str, schema: dict[str, Any]) -> set[str]:
    """The string fields of a resource that compact reading dictionary-encodes: the quoted text
    and the source fields beside it (``quoted_fields``), locators (``locator``, ``*_locator``)
    and fields whose values an ``enum`` constraint lists."""
    strings_ = [f["name"] for f in schema["fields"] if f.get("type", "string") == "string"]
    chosen = {name for pair in quoted_fields(resource, strings_) for name in pair}
    chosen |= {f for f in strings_ if f == "locator" or f.endswith("_locator")}
    chosen |= {
        f["name"]
        for f in schema["fields"]
        if f["name"] in strings_ and "enum" in f.get("constraints", {})
    }
    return chosen


def read_package(path: Path, *, compact: bool = False) -> tuple[RawPackage, list[Problem]]:
    """Read the package whose descriptor is ``path``; problems instead of exceptions.

    ``compact``: read the fields of ``compact_fields`` dictionary-encoded (see the module
    docstring); the values are the same, only their layout differs.
    """
    package = RawPackage(path=path)
    descriptor, problems = _read_descriptor(path)
    if descriptor is None:
        return package, problems
    package.descriptor = descriptor
    for entry in descriptor["resources"]:
        resource, resource_problems = _read_resource(package.base, entry, compact=compact)
        problems.extend(resource_problems)
        if resource is not None:
            package.resources[resource.name] = resource
    return package, problems


def _descriptor_problem(path: Path, message: str) -> Problem:
    return Problem("descriptor-error", None, None, None, f"{path}: {message}")


def _read_descriptor(path: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    if not path.is_file():
        hint = "a folder; name its datapackage.json" if path.is_dir() else "no such file"
        return None, [_descriptor_problem(path, f"cannot read the descriptor: {hint}")]
    try:
        descriptor = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        return None, [_descriptor_problem(path, f"not UTF-8 at byte {exc.start}")]
    except json.JSONDecodeError as exc:
        message = f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        return None, [_descriptor_problem(path, message)]
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        return None, [_descriptor_problem(path, "expected an object with a 'resources' list")]
    problems = [
        _descriptor_problem(path, f"resource #{i + 1} needs 'name', 'path' (a string), 'schema'")
        for i, entry in enumerate(descriptor["resources"])
        if not _is_resource_entry(entry)
    ]
    if problems:
        return None, problems
    return descriptor, []


def _is_resource_entry(entry: Any) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("name"), str)
        and isinstance(entry.get("path"), str)
        and isinstance(entry.get("schema"), (str, dict))
    )


def _read_schema(
    base: Path, name: str, ref: str | dict[str, Any]
) -> tuple[dict[str, Any] | None, list[Problem]]:
    if isinstance(ref, dict):
        schema: Any = ref
        where = f"the inline schema of {name}"
    else:
        schema_path = base / ref
        where = str(schema_path)
        if not schema_path.is_file():
            message = f"schema file {schema_path} does not exist (named by resource {name!r})"
            return None, [Problem("file-missing", name, None, None, message)]
        try:
            schema = json.loads(schema_path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return None, [Problem("schema-error", name, None, None, f"{where}: {exc}")]
    fields = schema.get("fields") if isinstance(schema, dict) else None
    if not isinstance(fields, list) or not all(
        isinstance(f, dict) and isinstance(f.get("name"), str) for f in fields
    ):
        message = f"{where}: expected an object whose 'fields' is a list of {{'name': ...}}"
        return None, [Problem("schema-error", name, None, None, message)]
    return schema, []


def _read_resource(
    base: Path, entry: dict[str, Any], *, compact: bool
) -> tuple[RawResource | None, list[Problem]]:
    name = entry["name"]
    schema, problems = _read_schema(base, name, entry["schema"])
    if schema is None:
        return None, problems
    resource = RawResource(name=name, path=base / entry["path"], schema=schema)
    if not resource.path.is_file():
        message = f"data file {resource.path} does not exist; create it or fix 'path'"
        return resource, [Problem("file-missing", name, None, None, message)]
    encoded: set[str] = set()
    vocabularies: set[str] = set()
    if compact:
        # Quoted text grows one dictionary while it is read; the other compact fields hold few
        # distinct values, so Arrow's CSV reader encodes them itself, batch by batch.
        strings_ = [f["name"] for f in schema["fields"] if f.get("type", "string") == "string"]
        encoded = {text for _, text in quoted_fields(name, strings_)}
        vocabularies = compact_fields(name, schema) - encoded
    resource.table, csv_problems = _read_csv(name, resource.path, schema, encoded, vocabularies)
    return resource, csv_problems


def _first_line(path: Path) -> bytes:
    """The bytes of the file's first line, without reading the rest."""
    with path.open("rb") as file:
        head = b""
        while b"\n" not in head:
            block = file.read(1 << 16)
            if not block:
                break
            head += block
    return head.split(b"\n", 1)[0]


def _check_utf8(name: str, path: Path, data: bytes) -> Problem | None:
    if data.startswith(_BOM):
        return Problem(
            "encoding-error",
            name,
            1,
            None,
            f"{path}: starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM",
        )
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        row = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.end].hex(" ")
        message = (
            f"{path}: byte(s) {bad} at byte offset {exc.start} are not UTF-8; "
            "re-save the file as UTF-8"
        )
        return Problem("encoding-error", name, row, None, message)
    return None


def _read_csv(
    name: str, path: Path, schema: dict[str, Any], encoded: set[str], vocabularies: set[str]
) -> tuple[pa.Table | None, list[Problem]]:
    head = _first_line(path)
    try:
        if head.startswith(_BOM):
            raise UnicodeError
        header = head.decode("utf-8").rstrip("\r")
    except UnicodeError:
        return None, [_encoding_problem(name, path)]
    columns = _split_header(header)
    problems = _check_header(name, path, columns, schema)
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:  # cells cannot be told apart by name: report and read nothing more
        return None, [
            *problems,
            *(
                Problem(
                    "duplicate-column",
                    name,
                    1,
                    column,
                    f"{path}: column {column!r} appears {columns.count(column)} times in the "
                    "header; keep one",
                )
                for column in repeated
            ),
        ]
    table, ragged, error = _parse(path, columns, encoded, threads=True, vocabularies=vocabularies)
    if error is not None or ragged:
        # Rare: Arrow found a byte that is not UTF-8, or rows it skipped may hide one.
        encoding = _check_utf8(name, path, path.read_bytes())
        if encoding is not None:
            return None, [encoding]
    if error is not None:
        message = f"{path}: cannot parse the CSV: {error}"
        return None, [*problems, Problem("ragged-row", name, None, None, message)]
    assert table is not None
    if any(number is None for number, _, _ in ragged):  # parallel parsing lost the numbers
        table, ragged, _ = _parse(path, columns, encoded, threads=False, vocabularies=vocabularies)
        assert table is not None
    problems += [
        Problem(
            "ragged-row",
            name,
            number,
            None,
            f"{path}: expected {expected} cells as in the header, got {actual}; "
            "quote cells that contain commas, and do not break cells across lines",
        )
        for number, expected, actual in ragged
    ]
    return table.append_column(ROW_COLUMN, _row_numbers(len(table), ragged)), problems


def _encoding_problem(name: str, path: Path) -> Problem:
    problem = _check_utf8(name, path, path.read_bytes())
    assert problem is not None, f"{path}: expected a byte that is not UTF-8"
    return problem


Ragged = list[tuple[Any, int, int]]


def _parse(
    path: Path,
    columns: list[str],
    encoded: set[str],
    *,
    threads: bool,
    vocabularies: Collection[str] = (),
) -> tuple[pa.Table | None, Ragged, str | None]:
    """Every cell as a string; rows with the wrong cell count are skipped and listed.

    The file is parsed block by block (Arrow's streaming reader, in parallel). The ``encoded``
    columns are dictionary-encoded a slice of rows at a time (``_SLICE_BYTES``) against one
    dictionary that grows as the file is read, so their plain text is never all in memory. The
    ``vocabularies`` columns, whose values are few, are dictionary-encoded by the reader itself,
    each block against its own dictionary, and the blocks' dictionaries are unified at the end.
    """
    from concurrent.futures import ThreadPoolExecutor

    import pyarrow as pa
    import pyarrow.csv as pacsv

    ragged: Ragged = []

    def on_invalid_row(row: Any) -> str:
        # Called by pyarrow only for rows whose cell count is wrong: record them, keep reading.
        ragged.append((row.number, row.expected_columns, row.actual_columns))
        return "skip"

    encoders = {c: _GrowingDictionary() for c in columns if c in encoded}
    vocabulary = [c for c in columns if c in vocabularies and c not in encoded]
    slices: list[pa.Table] = []
    pending: list[pa.RecordBatch] = []
    held = 0
    # Parsing takes one core; a slice is encoded on another thread meanwhile (both release
    # the GIL). One slice at a time, in order: the dictionary grows slice by slice.
    worker = ThreadPoolExecutor(max_workers=1) if encoders else None
    encoding: Future[pa.Table] | None = None
    try:
        reader = pacsv.open_csv(
            str(path),
            read_options=pacsv.ReadOptions(use_threads=threads, block_size=_BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(
                invalid_row_handler=on_invalid_row, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={
                    c: pa.dictionary(pa.int32(), pa.string()) if c in vocabulary else pa.string()
                    for c in columns
                },
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        schema = reader.schema
        for batch in reader:
            pending.append(batch)
            held += batch.nbytes
            if worker is not None and held >= _SLICE_BYTES:
                if encoding is not None:
                    slices.append(encoding.result())
                whole = pa.Table.from_batches(pending, schema)
                encoding = worker.submit(_encode_slice, whole, encoders)
                pending, held = [], 0
        if encoding is not None:
            slices.append(encoding.result())
    except pa.ArrowInvalid as exc:
        return None, ragged, str(exc)
    finally:
        if worker is not None:
            worker.shutdown()
    last = pa.Table.from_batches(pending, schema)
    slices.append(_encode_slice(last, encoders) if encoders else last)
    table = pa.concat_tables(slices)
    for column, encoder in encoders.items():
        table = table.set_column(
            table.schema.get_field_index(column), column, encoder.finish(table[column])
        )
    if vocabulary:  # one dictionary per column, shared by its chunks
        unified = pa.table([table[c] for c in vocabulary], names=vocabulary).unify_dictionaries()
        for column in vocabulary:
            table = table.set_column(table.schema.get_field_index(column), column, unified[column])
    if encoders:  # give the freed plain text back before the next file is read
        pa.default_memory_pool().release_unused()
    return table, sorted(ragged, key=lambda r: r[0] or 0), None


#: Plain text held at most before it is dictionary-encoded (compact reading).
_SLICE_BYTES = 32 << 20
#: Bytes Arrow's CSV reader parses at a time (None: its default, 1 MiB); tests make it small.
_BLOCK_BYTES: int | None = None


class _GrowingDictionary:
    """One column's dictionary, grown slice by slice: a slice's values are encoded together with
    the dictionary so far, placed first, so the known values keep their indices (Arrow's hash
    kernel numbers values in the order it first meets them) and new ones are appended."""

    def __init__(self) -> None:
        import pyarrow as pa

        self.values = pa.nulls(0, pa.string())

    def indices(self, strings_: Any) -> Any:
        """int32 indices of ``strings_`` (a chunked string column) into the grown dictionary."""
        import pyarrow as pa
        import pyarrow.compute as pc

        known = len(self.values)
        both = pa.chunked_array([self.values, *strings_.chunks], pa.string())
        encoded = pc.dictionary_encode(both)
        if not encoded.num_chunks:  # nothing known, nothing read
            return pa.chunked_array([], pa.int32())
        values = encoded.chunk(0).dictionary
        if not values.slice(0, known).equals(self.values):  # the property the design rests on
            raise RuntimeError("pyarrow's dictionary_encode renumbered known values")
        self.values = values
        # Arrow may drop empty chunks: cut the known values off by position, not by chunk.
        return pa.chunked_array([c.indices for c in encoded.chunks], pa.int32()).slice(known)

    def finish(self, indices: Any) -> Any:
        """The column's indices, as read, as a dictionary column over the final dictionary."""
        import pyarrow as pa

        return pa.chunked_array(
            [pa.DictionaryArray.from_arrays(chunk, self.values) for chunk in indices.chunks],
            pa.dictionary(pa.int32(), pa.string()),
        )


def _encode_slice(table: pa.Table, encoders: dict[str, _GrowingDictionary]) -> pa.Table:
    """``table`` with each encoded column replaced by its indices (``_GrowingDictionary``)."""
    for column, encoder in encoders.items():
        at = table.schema.get_field_index(column)
        table = table.set_column(at, column, encoder.indices(table[column]))
    return table


def _row_numbers(count: int, ragged: Ragged) -> Any:
    """CSV row numbers of the ``count`` rows read: 2, 3, ... without the skipped ones."""
    import pyarrow as pa
    import pyarrow.compute as pc

    total = count + len(ragged)
    rows = pc.cumulative_sum(pa.repeat(literal(1), total), start=literal(1))
    if ragged:
        skipped = integers(number for number, _, _ in ragged)
        rows = rows.filter(pc.invert(pc.is_in(rows, value_set=skipped)))
    return rows


def _split_header(line: str) -> list[str]:
    """Split the CSV header line with the csv module's rules (quoted names allowed)."""
    import csv

    return next(csv.reader([line]), [])


def _check_header(
    name: str, path: Path, header: list[str], schema: dict[str, Any]
) -> list[Problem]:
    expected = [f["name"] for f in schema["fields"]]
    problems = [
        Problem(
            "missing-column",
            name,
            1,
            column,
            f"{path}: the schema defines column {column!r} but the header lacks it; add it",
        )
        for column in expected
        if column not in header
    ]
    problems += [
        Problem(
            "extra-column",
            name,
            1,
            column,
            f"{path}: column {column!r} is not in the schema (expected only {expected}); "
            "remove it or add it to the model",
        )
        for column in header
        if column not in expected
    ]
    return problems


# --- Arrow values from Python values, built from buffers (see the module docstring) -------------


@cache
def literal(value: str | bytes | bool | int | None, type: pa.DataType | None = None) -> pa.Scalar:
    """A pyarrow scalar: ``type`` defaults to string, binary, bool or int64 after ``value``.

    Cached: the rules ask for the same few constants many times, and scalars are immutable.
    """
    import pyarrow as pa

    if value is None:
        return pa.nulls(1, type or pa.null())[0]
    if isinstance(value, str):
        array = strings([value])
    elif isinstance(value, bytes):
        array = binaries([value])
    elif isinstance(value, bool):
        array = booleans([value])
    else:
        array = integers([value])
    return array[0] if type is None else array.cast(type)[0]


def strings(values: Iterable[str | None]) -> pa.Array:
    """A string array; None gives null."""
    import pyarrow as pa

    items = list(values)
    return _variable(pa.string(), [None if v is None else v.encode("utf-8") for v in items])


def binaries(values: Iterable[bytes | None]) -> pa.Array:
    """A binary array; None gives null."""
    import pyarrow as pa

    return _variable(pa.binary(), list(values))


def _variable(type: pa.DataType, items: list[bytes | None]) -> pa.Array:
    import pyarrow as pa

    data = [b"" if v is None else v for v in items]
    offsets = struct.pack(f"<{len(data) + 1}i", 0, *accumulate(len(d) for d in data))
    valid = _bitmap([v is not None for v in items]) if None in items else None
    buffers = [valid, pa.py_buffer(offsets), pa.py_buffer(b"".join(data))]
    return pa.Array.from_buffers(type, len(items), buffers)


def booleans(values: Iterable[bool]) -> pa.Array:
    """A boolean array."""
    import pyarrow as pa

    items = list(values)
    return pa.Array.from_buffers(pa.bool_(), len(items), [None, _bitmap(items)])


def _bitmap(bits: list[bool]) -> pa.Buffer:
    import pyarrow as pa

    number = sum(1 << i for i, bit in enumerate(bits) if bit)
    return pa.py_buffer(number.to_bytes((len(bits) + 7) // 8 or 1, "little"))


def integers(values: Iterable[int]) -> pa.Array:
    """An int64 array."""
    import pyarrow as pa

    items = list(values)
    return pa.Array.from_buffers(
        pa.int64(), len(items), [None, pa.py_buffer(struct.pack(f"<{len(items)}q", *items))]
    )
