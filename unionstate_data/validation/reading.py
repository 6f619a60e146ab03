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
their locators and the controlled vocabularies (fields with an ``enum``) hold few distinct values.
Each distinct value is then held once. At a million events this cuts the tables from 1.4 GiB to
about 0.4 GiB. The loaders read plain strings.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from .._arrow import ROW_COLUMN
from ..model.fields import compact_fields, quoted_fields
from ..problems import Problem, reports
from .parsing import parse, row_numbers
from .tuning import DEFAULT, Tuning

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


@reports("descriptor-error", "file-missing", "schema-error")
def read_package(
    path: Path, *, compact: bool = False, tuning: Tuning = DEFAULT
) -> tuple[RawPackage, list[Problem]]:
    """Read the package whose descriptor is ``path``; problems instead of exceptions.

    ``compact``: read the fields of ``compact_fields`` dictionary-encoded (see the module
    docstring); the values are the same, only their layout differs. ``tuning``: how to read,
    see ``Tuning`` (no effect on the result).
    """
    package = RawPackage(path=path)
    descriptor, problems = _read_descriptor(path)
    if descriptor is None:
        return package, problems
    package.descriptor = descriptor
    for entry in descriptor["resources"]:
        resource, found = _read_resource(package.base, entry, compact=compact, tuning=tuning)
        problems.extend(found)
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
    base: Path, entry: dict[str, Any], *, compact: bool, tuning: Tuning
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
    resource.table, found = _read_csv(resource, encoded, vocabularies, tuning)
    return resource, found


def _first_line(path: Path) -> bytes:
    """The bytes of the file's first line, without reading the rest (linear in its length)."""
    blocks: list[bytes] = []
    with path.open("rb") as file:
        while block := file.read(1 << 16):
            end = block.find(b"\n")
            if end >= 0:
                blocks.append(block[:end])
                break
            blocks.append(block)
    return b"".join(blocks)


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


def _header(resource: RawResource) -> tuple[list[str] | None, list[Problem]]:
    """The header's column names and the problems with them; None when the cells cannot be
    read by name (not UTF-8, or a name repeats)."""
    name, path = resource.name, resource.path
    head = _first_line(path)
    try:
        if head.startswith(_BOM):
            raise UnicodeError
        header = head.decode("utf-8").rstrip("\r")
    except UnicodeError:
        return None, [_encoding_problem(name, path)]
    columns = _split_header(header)
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
    resource: RawResource, encoded: set[str], vocabularies: set[str], tuning: Tuning
) -> tuple[pa.Table | None, list[Problem]]:
    name, path = resource.name, resource.path
    if path.stat().st_size == 0:
        message = f"{path}: the file is empty; it needs at least the header row"
        return None, [Problem("parse-error", name, 1, None, message)]
    columns, problems = _header(resource)
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
    """Split the CSV header line with the csv module's rules (quoted names allowed)."""
    import csv

    return next(csv.reader([line]), [])


@reports("missing-column", "extra-column")
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
