"""Read a data package: the descriptor, its Table Schemas and its CSV files as Arrow tables.

Reading never raises on bad input: every problem with the descriptor or a file becomes a
``Problem`` and the rest is still read, so the validator can report everything at once.
CSV cells are read as strings exactly as written; typing is ``unionstate_data.typing_rules``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .problems import Problem

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["ROW_COLUMN", "RawPackage", "RawResource", "read_package"]

#: Internal column holding each row's number in its CSV (header = row 1).
ROW_COLUMN = "__row__"


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


def read_package(path: Path) -> tuple[RawPackage, list[Problem]]:
    """Read the package whose descriptor is ``path``; problems instead of exceptions."""
    package = RawPackage(path=path)
    descriptor, problems = _read_descriptor(path)
    if descriptor is None:
        return package, problems
    package.descriptor = descriptor
    for entry in descriptor["resources"]:
        resource, resource_problems = _read_resource(package.base, entry)
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


def _read_resource(base: Path, entry: dict[str, Any]) -> tuple[RawResource | None, list[Problem]]:
    name = entry["name"]
    schema, problems = _read_schema(base, name, entry["schema"])
    if schema is None:
        return None, problems
    resource = RawResource(name=name, path=base / entry["path"], schema=schema)
    if not resource.path.is_file():
        message = f"data file {resource.path} does not exist; create it or fix 'path'"
        return resource, [Problem("file-missing", name, None, None, message)]
    data = resource.path.read_bytes()
    encoding_problem = _check_utf8(name, resource.path, data)
    if encoding_problem is not None:
        return resource, [encoding_problem]
    resource.table, csv_problems = _read_csv(name, resource.path, data, schema)
    return resource, csv_problems


def _check_utf8(name: str, path: Path, data: bytes) -> Problem | None:
    if data.startswith(b"\xef\xbb\xbf"):
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
    name: str, path: Path, data: bytes, schema: dict[str, Any]
) -> tuple[pa.Table | None, list[Problem]]:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    header = data.split(b"\n", 1)[0].decode("utf-8").rstrip("\r")
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
    ragged: list[tuple[int, int, int]] = []

    def on_invalid_row(row: Any) -> str:
        # Called by pyarrow only for rows whose cell count is wrong: record them, keep reading.
        ragged.append((row.number, row.expected_columns, row.actual_columns))
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(use_threads=False),
            parse_options=pacsv.ParseOptions(
                invalid_row_handler=on_invalid_row, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(columns, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        message = f"{path}: cannot parse the CSV: {exc}"
        return None, [*problems, Problem("ragged-row", name, None, None, message)]
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
    skipped = pa.array([n for n, _, _ in ragged], pa.int64())
    all_rows = pa.array(range(2, len(table) + len(ragged) + 2), pa.int64())
    rows = all_rows.filter(pc.invert(pc.is_in(all_rows, value_set=skipped)))
    return table.append_column(ROW_COLUMN, rows), problems


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
