"""The descriptor and its Table Schemas, read and checked before any data file is opened.

Every problem becomes a ``Problem``; nothing raises. A schema that the validator could not apply
faithfully is refused (``schema-error``) rather than half-applied: an unknown field type or
constraint, a pattern that does not compile, a key naming a field or resource that does not
exist. The resource paths and schema references are confined to the package (``paths``), and
files past the ``Limits`` are refused (``limit-exceeded``) unread.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from .._arrow import strings
from ..model.fields import partial_date_type_problems, rule_type_problems
from ..problems import Problem, reports
from .paths import Areas, confine, not_a_file
from .tuning import LIMITS, Limits

__all__ = [
    "ACCEPTED_TYPES",
    "Resource",
    "check_foreign_keys",
    "dataset_type_problems",
    "read_descriptor",
    "read_schema",
]

#: The Table Schema field types the validator types and checks; a schema using another is refused.
ACCEPTED_TYPES = ("string", "integer", "number", "boolean")
#: The constraints it checks, and the field types each applies to.
_CONSTRAINTS: dict[str, tuple[str, ...]] = {
    "required": ACCEPTED_TYPES,
    "unique": ACCEPTED_TYPES,
    "pattern": ("string",),
    "enum": ("string",),
    "minimum": ("integer", "number"),
}
_FIELD_KEYS = {"name", "type", "format", "title", "description", "constraints", "example"}
_SCHEMA_KEYS = {"fields", "primaryKey", "foreignKeys", "missingValues"}

#: One resource entry of a descriptor: (name, data path, schema reference or inline schema).
Resource = tuple[str, Path, Any]


def _problem(code: str, resource: str | None, message: str, field: str | None = None) -> Problem:
    return Problem(code, resource, None, field, message)


@reports("descriptor-error", "file-unreadable", "limit-exceeded")
def read_json(
    path: Path, code: str, resource: str | None, limits: Limits
) -> tuple[Any, list[Problem]]:
    """The JSON document at ``path`` (a descriptor or a schema); problems instead of raising."""
    try:
        size = path.stat().st_size
        if size > limits.json_bytes:
            message = (
                f"{path}: {size} bytes, more than the validator reads in a descriptor or "
                f"schema ({limits.json_bytes} bytes)"
            )
            return None, [_problem("limit-exceeded", resource, message)]
        data = path.read_bytes()
    except OSError as exc:
        message = f"{path}: cannot be read ({exc.strerror or exc}); make it a readable file"
        return None, [_problem("file-unreadable", resource, message)]
    try:
        return json.loads(data.decode("utf-8")), []
    except UnicodeDecodeError as exc:
        return None, [_problem(code, resource, f"{path}: not UTF-8 at byte {exc.start}")]
    except json.JSONDecodeError as exc:
        message = f"{path}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        return None, [_problem(code, resource, message)]
    except RecursionError:
        message = f"{path}: nested deeper than Python's JSON reader allows; flatten it"
        return None, [_problem(code, resource, message)]


@reports("descriptor-error", "limit-exceeded", "unsafe-path")
def read_descriptor(
    path: Path, limits: Limits = LIMITS
) -> tuple[dict[str, Any] | None, list[Resource], list[Problem]]:
    """The descriptor at ``path`` and its resources with their data paths confined."""
    why = not_a_file(path)
    if why is not None:
        hint = {"does not exist": "no such file"}.get(why, why)
        if path.is_dir():
            hint = "a folder; name its datapackage.json"
        message = f"{path}: cannot read the descriptor: {hint}"
        return None, [], [_problem("descriptor-error", None, message)]
    descriptor, problems = read_json(path, "descriptor-error", None, limits)
    if problems:
        return None, [], problems
    entries = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(entries, list) or not entries:
        message = f"{path}: expected an object with a non-empty 'resources' list"
        return None, [], [_problem("descriptor-error", None, message)]
    if len(entries) > limits.resources:
        message = f"{path}: {len(entries)} resources, more than {limits.resources}"
        return None, [], [_problem("limit-exceeded", None, message)]
    problems = _entry_problems(path, entries)
    if problems:
        return None, [], problems
    resources: list[Resource] = []
    areas = Areas(path)
    for entry in entries:
        data, why = confine(areas.base, entry["path"], areas.data)
        if data is None:
            message = f"{path}: resource {entry['name']!r}: path {entry['path']!r} {why}"
            problems.append(_problem("unsafe-path", entry["name"], message, "path"))
            continue
        resources.append((entry["name"], data, entry["schema"]))
    return descriptor, resources, problems


def _entry_problems(path: Path, entries: list[Any]) -> list[Problem]:
    problems = [
        _problem(
            "descriptor-error",
            None,
            f"{path}: resource #{i + 1} needs 'name', 'path' (a string) and 'schema' "
            "(a path or an object)",
        )
        for i, entry in enumerate(entries)
        if not _is_resource_entry(entry)
    ]
    if problems:
        return problems
    seen: set[str] = set()
    for entry in entries:
        if entry["name"] in seen:
            message = f"{path}: two resources are named {entry['name']!r}; rename one"
            problems.append(_problem("descriptor-error", entry["name"], message))
        seen.add(entry["name"])
    return problems


def _is_resource_entry(entry: Any) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("name"), str)
        and isinstance(entry.get("path"), str)
        and isinstance(entry.get("schema"), (str, dict))
    )


@reports("schema-error", "file-missing", "file-unreadable", "unsafe-path")
def read_schema(
    descriptor: Path, name: str, ref: str | dict[str, Any], limits: Limits = LIMITS
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Resource ``name``'s Table Schema, inline or from a file inside the package, checked."""
    if isinstance(ref, dict):
        schema: Any = ref
        where = f"the inline schema of {name}"
    else:
        areas = Areas(descriptor)
        schema_path, why = confine(areas.base, ref, areas.schemas)
        if schema_path is None:
            message = f"{descriptor}: resource {name!r}: schema {ref!r} {why}"
            return None, [_problem("unsafe-path", name, message, "schema")]
        where = str(schema_path)
        unreadable = not_a_file(schema_path)
        if unreadable is not None:
            code = "file-missing" if unreadable == "does not exist" else "file-unreadable"
            message = f"schema file {schema_path} {unreadable} (named by resource {name!r})"
            return None, [_problem(code, name, message)]
        schema, problems = read_json(schema_path, "schema-error", name, limits)
        if problems:
            return None, problems
    faults = schema_problems(schema, limits)
    if faults:
        return None, [_problem("schema-error", name, f"{where}: {p}") for p in faults]
    return schema, []


def schema_problems(schema: Any, limits: Limits = LIMITS) -> list[str]:
    """What keeps the validator from applying ``schema`` faithfully (empty: it can)."""
    fields = schema.get("fields") if isinstance(schema, dict) else None
    if not isinstance(fields, list) or not all(
        isinstance(f, dict) and isinstance(f.get("name"), str) for f in fields
    ):
        return ["expected an object whose 'fields' is a list of {'name': ...}"]
    if len(fields) > limits.columns:
        return [f"{len(fields)} fields, more than the validator reads ({limits.columns})"]
    problems = [
        f"unknown key {key!r}; remove it"
        for key in sorted(set(schema) - _SCHEMA_KEYS)
        if not key.startswith(("$", "x-")) and key not in ("title", "description")
    ]
    names = [f["name"] for f in fields]
    if len(set(names)) != len(names):
        problems.append("a field name appears twice; each field needs its own name")
    if schema.get("missingValues", [""]) != [""]:
        problems.append('missingValues must be [""] (an empty cell is the only missing value)')
    for spec in fields:
        problems += [f"field {spec['name']!r}: {p}" for p in _field_problems(spec)]
    problems += _primary_key_problems(schema.get("primaryKey", []), set(names))
    return problems or partial_date_type_problems(schema)


def _field_problems(spec: dict[str, Any]) -> list[str]:
    kind = spec.get("type", "string")
    if kind not in ACCEPTED_TYPES:
        return [f"type {kind!r} is not one the validator checks ({', '.join(ACCEPTED_TYPES)})"]
    problems = [
        f"unknown key {key!r}; remove it"
        for key in sorted(set(spec) - _FIELD_KEYS)
        if not key.startswith("x-")
    ]
    if spec.get("format", "default") != "default":
        problems.append(f"format {spec['format']!r} is not checked; remove it")
    constraints = spec.get("constraints", {})
    if not isinstance(constraints, dict):
        return [*problems, f"constraints must be an object, got {constraints!r}"]
    for key, value in constraints.items():
        if kind not in _CONSTRAINTS.get(key, ()):
            problems.append(f"constraint {key!r} is not checked on a {kind} field; remove it")
        else:
            problems += _constraint_value_problems(key, value)
    return problems


def _constraint_value_problems(key: str, value: Any) -> list[str]:
    if key in ("required", "unique"):
        return [] if isinstance(value, bool) else [f"{key} must be true or false, got {value!r}"]
    if key == "minimum":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return [] if ok else [f"minimum must be a number, got {value!r}"]
    if key == "enum":
        strings_ = (
            isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)
        )
        return [] if strings_ else [f"enum must be a non-empty list of strings, got {value!r}"]
    if not isinstance(value, str):
        return [f"pattern must be a string, got {value!r}"]
    try:  # compiled by the engine that applies it (RE2), not by Python's re
        pc.match_substring_regex(strings([""]), f"^(?:{value})$")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        return [f"pattern {value!r} does not compile: {exc}"]
    return []


def _primary_key_problems(key: Any, names: set[str]) -> list[str]:
    fields = [key] if isinstance(key, str) else key
    if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
        return [f"primaryKey must be a field name or a list of them, got {key!r}"]
    return [
        f"primaryKey names field {f!r}, which the schema lacks" for f in fields if f not in names
    ]


@reports("schema-error")
def check_foreign_keys(
    schemas: dict[str, dict[str, Any]], names: set[str]
) -> tuple[dict[str, Any], list[Problem]]:
    """Each schema's foreign keys checked against the schemas they name (``names``: every
    resource of the descriptor; a key to one whose schema was refused is reported there).
    A schema whose foreign keys are malformed comes back without them: reported, not applied."""
    problems: list[Problem] = []
    checked: dict[str, Any] = {}
    for name, schema in schemas.items():
        found = _foreign_key_problems(name, schema, schemas, names)
        problems += [_problem("schema-error", name, f"foreignKeys: {p}") for p in found]
        checked[name] = schema if not found else {**schema, "foreignKeys": []}
    return checked, problems


def _foreign_key_problems(
    name: str, schema: dict[str, Any], schemas: dict[str, dict[str, Any]], names: set[str]
) -> list[str]:
    keys = schema.get("foreignKeys", [])
    if not isinstance(keys, list):
        return [f"must be a list, got {keys!r}"]
    problems: list[str] = []
    for key in keys:
        reference = key.get("reference") if isinstance(key, dict) else None
        if not isinstance(reference, dict):
            problems.append(f"{key!r} needs 'fields' and a 'reference' object")
            continue
        fields, ref_fields = _names(key.get("fields")), _names(reference.get("fields"))
        target = reference.get("resource") or name
        if fields is None or ref_fields is None or len(fields) != len(ref_fields):
            problems.append(f"{key!r}: 'fields' and 'reference.fields' must name as many fields")
        elif not isinstance(target, str) or target not in names:
            problems.append(f"{key!r} refers to resource {target!r}, which does not exist")
        elif target in schemas:
            problems += _field_pair_problems(name, fields, target, ref_fields, schema, schemas)
    return problems


def _field_pair_problems(
    name: str,
    fields: list[str],
    target: str,
    ref_fields: list[str],
    schema: dict[str, Any],
    schemas: dict[str, dict[str, Any]],
) -> list[str]:
    """A foreign key's fields exist on both sides, each pair of one type."""
    own = {f["name"]: f.get("type", "string") for f in schema["fields"]}
    theirs = {f["name"]: f.get("type", "string") for f in schemas[target]["fields"]}
    problems = [f"names field {f!r}, which {name} lacks" for f in fields if f not in own]
    problems += [
        f"refers to field {target}.{f}, which does not exist" for f in ref_fields if f not in theirs
    ]
    problems += [
        f"{name}.{f} ({own[f]}) refers to {target}.{r} ({theirs[r]}); give both one type"
        for f, r in zip(fields, ref_fields, strict=True)
        if f in own and r in theirs and own[f] != theirs[r]
    ]
    return problems


@reports("schema-error")
def dataset_type_problems(schemas: dict[str, dict[str, Any]]) -> list[Problem]:
    """The dataset's tables whose fields are not typed as its consistency rules read them
    (``model.fields.rule_type_problems``); the validator does not pass those tables to them."""
    return [
        _problem("schema-error", name, f"the schema of {name}: {p}")
        for name, schema in schemas.items()
        for p in rule_type_problems(name, schema)
    ]


def _names(value: Any) -> list[str] | None:
    names = [value] if isinstance(value, str) else value
    ok = isinstance(names, list) and names and all(isinstance(n, str) for n in names)
    return names if ok else None
