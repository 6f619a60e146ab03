"""Read a data package: the descriptor, its Table Schemas and its CSV files as Arrow tables.

Reading never raises on bad input: every problem with the descriptor or a file becomes a
``Problem`` and the rest is still read, so the validator can report everything at once.
CSV cells are read as strings exactly as written (``parsing``); typing is ``validation.typed``.

Arrow checks that every cell is UTF-8. Only when it objects (or a row is ragged) is the whole file
read into Python to find the exact byte that is not UTF-8, so a large file is never held twice in
memory.

``read_package(path, compact=True)`` (the validator's mode) reads the columns whose values repeat
from row to row dictionary-encoded, one dictionary per column (``model.fields.compact_fields``): a
quote is a sentence of its source, and many rows quote the same sentence; the sources they cite,
their locators and the controlled vocabularies (fields with an ``enum``) hold few distinct values,
and a reference (a single-field foreign key) names the same row of another table many times.
Each distinct value is then held once, and checked once. At a million events this cuts the
tables from 1.4 GiB to about 0.4 GiB. The loaders read plain strings.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from .._arrow import ROW_COLUMN
from ..model.fields import compact_fields, quoted_fields
from ..problems import Problem, reports
from .descriptor import check_foreign_keys, read_descriptor, read_schema
from .parsing import parse, row_numbers
from .paths import not_a_file
from .tuning import DEFAULT, LIMITS, Limits, Tuning

__all__ = ["RawPackage", "RawResource", "read_package"]

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


def read_package(
    path: Path,
    *,
    compact: bool = False,
    tuning: Tuning = DEFAULT,
    limits: Limits = LIMITS,
    on_read: Callable[[RawResource], None] | None = None,
) -> tuple[RawPackage, list[Problem]]:
    """Read the package whose descriptor is ``path``; problems instead of exceptions.

    The descriptor and every schema are checked first (``descriptor``): a path leading outside
    the package, or a schema the validator cannot apply, is reported and its file never read.
    ``compact``: read the fields of ``compact_fields`` dictionary-encoded (see the module
    docstring); the values are the same, only their layout differs. ``tuning``: how to read,
    see ``Tuning`` (no effect on the result). ``limits``: what is refused unread (``Limits``).
    ``on_read``: called with each resource as soon as its file is read (its ``table`` is None
    when it could not be), in the descriptor's order; the next file is read once it returns.
    The validator hands the table to another thread there, to be typed while the next file is
    read (``validation.validator``).
    """
    package = RawPackage(path=path)
    descriptor, entries, problems = read_descriptor(path, limits)
    if descriptor is None:
        return package, problems
    package.descriptor = descriptor
    schemas: dict[str, dict[str, Any]] = {}
    for name, _, ref in entries:
        schema, found = read_schema(path, name, ref, limits)
        problems += found
        if schema is not None:
            schemas[name] = schema
    names = {entry["name"] for entry in descriptor["resources"]}
    schemas, found = check_foreign_keys(schemas, names)
    problems += found
    for name, data, _ in entries:
        if name in schemas:
            resource = RawResource(name=name, path=data, schema=schemas[name])
            problems += _read_resource(resource, compact=compact, tuning=tuning, limits=limits)
            package.resources[name] = resource
            if on_read is not None:
                on_read(resource)
    return package, problems


@reports("file-missing", "file-unreadable")
def _read_resource(
    resource: RawResource, *, compact: bool, tuning: Tuning, limits: Limits
) -> list[Problem]:
    name, schema = resource.name, resource.schema
    why = not_a_file(resource.path)
    if why == "does not exist":
        message = f"data file {resource.path} does not exist; create it or fix 'path'"
        return [Problem("file-missing", name, None, None, message)]
    if why is not None:
        message = f"data file {resource.path} {why}; make it a readable CSV file"
        return [Problem("file-unreadable", name, None, None, message)]
    encoded: set[str] = set()
    vocabularies: set[str] = set()
    if compact:
        # Quoted text grows one dictionary while it is read; the other compact fields hold few
        # distinct values, so Arrow's CSV reader encodes them itself, batch by batch.
        strings_ = [f["name"] for f in schema["fields"] if f.get("type", "string") == "string"]
        encoded = {text for _, text in quoted_fields(name, strings_)}
        vocabularies = compact_fields(name, schema) - encoded
    try:
        resource.table, found = _read_csv(resource, encoded, vocabularies, tuning, limits)
    except OSError as exc:  # unreadable (permissions), or it changed while it was read
        message = f"{resource.path}: cannot be read ({exc}); make it a readable file"
        return [Problem("file-unreadable", name, None, None, message)]
    return found


def _first_line(path: Path, limit: int) -> bytes | None:
    """The bytes of the file's first line (ended by LF, CR or the end of the file), reading at
    most ``limit`` bytes; None when the line is longer."""
    with path.open("rb") as file:
        head = file.read(limit + 1)
    ends = [at for at in (head.find(b"\n"), head.find(b"\r")) if at >= 0]
    if ends:
        return head[: min(ends)]
    return head if len(head) <= limit else None


@reports("encoding-error")
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


@reports("limit-exceeded")
def _header(resource: RawResource, limits: Limits) -> tuple[list[str] | None, list[Problem]]:
    """The header's column names and the problems with them; None when the cells cannot be
    read by name (not UTF-8, too long, too many, or a name repeats)."""
    name, path = resource.name, resource.path
    head = _first_line(path, limits.header_bytes)
    if head is None:
        message = (
            f"{path}: the header row is longer than {limits.header_bytes} bytes (or the file "
            "has no line break); a header holds the column names, one line"
        )
        return None, [Problem("limit-exceeded", name, 1, None, message)]
    try:
        if head.startswith(_BOM):
            raise UnicodeError
        header = head.decode("utf-8").rstrip("\r")
    except UnicodeError:
        return None, [_encoding_problem(name, path)]
    columns = _split_header(header)
    if len(columns) > limits.columns:
        message = (
            f"{path}: {len(columns)} columns, more than the validator reads ({limits.columns})"
        )
        return None, [Problem("limit-exceeded", name, 1, None, message)]
    problems = _check_header(name, path, columns, resource.schema)
    repeated = _duplicate_columns(name, path, columns)
    return (None if repeated else columns), problems + repeated


@reports("duplicate-column")
def _duplicate_columns(name: str, path: Path, columns: list[str]) -> list[Problem]:
    counts: dict[str, int] = {}
    for column in columns:
        counts[column] = counts.get(column, 0) + 1
    return [
        Problem(
            "duplicate-column",
            name,
            1,
            column,
            f"{path}: column {column!r} appears {count} times in the header; keep one",
        )
        for column, count in sorted(counts.items())
        if count > 1
    ]


@reports("ragged-row", "parse-error")
def _read_csv(
    resource: RawResource, encoded: set[str], vocabularies: set[str], tuning: Tuning, limits: Limits
) -> tuple[pa.Table | None, list[Problem]]:
    name, path = resource.name, resource.path
    if path.stat().st_size == 0:
        message = f"{path}: the file is empty; it needs at least the header row"
        return None, [Problem("parse-error", name, 1, None, message)]
    columns, problems = _header(resource, limits)
    if columns is None:
        return None, problems
    parsed = parse(path, columns, encoded, threads=True, vocabularies=vocabularies, tuning=tuning)
    if parsed.error is not None or parsed.ragged:
        # Rare: Arrow found a byte that is not UTF-8, or rows it skipped may hide one.
        encoding = _check_utf8(name, path, path.read_bytes())
        if encoding is not None:
            return None, [encoding]
    if parsed.error is not None:
        return None, [*problems, _parse_error(name, path, parsed.error)]
    if any(number is None for number, _, _ in parsed.ragged):  # parallel parsing lost them
        parsed = parse(
            path, columns, encoded, threads=False, vocabularies=vocabularies, tuning=tuning
        )
    assert parsed.table is not None
    problems += [
        Problem(
            "ragged-row",
            name,
            number,
            None,
            f"{path}: expected {expected} cells as in the header, got {actual}; "
            "quote cells that contain commas, and do not break cells across lines",
        )
        for number, expected, actual in parsed.ragged
    ]
    rows = row_numbers(len(parsed.table), parsed.ragged)
    return parsed.table.append_column(ROW_COLUMN, rows), problems


def _parse_error(name: str, path: Path, error: str) -> Problem:
    """A parse error Arrow gave, at the row where Python's strict CSV reader stops too
    (rows numbered as everywhere: the header is row 1)."""
    row = None
    with path.open(encoding="utf-8", newline="") as file:
        records = csv.reader(file, strict=True)
        read = 0
        try:
            for _ in records:
                read += 1
        except csv.Error:
            row = read + 1
    where = f" at row {row}" if row is not None else ""
    message = (
        f"{path}: cannot parse the CSV{where}: {error}; check the quoting there (a cell with a "
        'comma, a quote or a line break is quoted, and its quotes are doubled: "")'
    )
    return Problem("parse-error", name, row, None, message)


def _encoding_problem(name: str, path: Path) -> Problem:
    problem = _check_utf8(name, path, path.read_bytes())
    assert problem is not None, f"{path}: expected a byte that is not UTF-8"
    return problem


def _split_header(line: str) -> list[str]:
    """Split the CSV header line with the csv module's rules (quoted names allowed; the line is
    at most ``Limits.header_bytes``, well under the csv module's field size limit)."""
    return next(csv.reader([line]), [])


@reports("missing-column", "extra-column")
def _check_header(
    name: str, path: Path, header: list[str], schema: dict[str, Any]
) -> list[Problem]:
    expected = [f["name"] for f in schema["fields"]]
    known, present = set(expected), set(header)  # sets: a header may be long
    problems = [
        Problem(
            "missing-column",
            name,
            1,
            column,
            f"{path}: the schema defines column {column!r} but the header lacks it; add it",
        )
        for column in expected
        if column not in present
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
        if column not in known
    ]
    return problems
