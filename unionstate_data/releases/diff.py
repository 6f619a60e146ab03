"""What changed between two versions: rows added, removed and changed, keyed by primary key;
schema changes; and the version bump the change needs under the data-SemVer policy.

Policy (README): **major** for a breaking change (a table or column removed or retyped, an
allowed value withdrawn, a row removed, which withdraws its ID); **minor** for additions (tables,
columns, allowed values, rows); **patch** for corrections (changed values, descriptions).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .._arrow import ROW_COLUMN
from ..archive import MAX_EXPANDED_BYTES
from ..errors import DataError, UsageError
from ..validation.reading import read_package
from .inputs import open_package
from .registry import version_key

__all__ = ["BUMPS", "PackageDiff", "TableDiff", "bump_between", "diff_packages", "open_package"]

BUMPS = ("none", "patch", "minor", "major")


@dataclass
class TableDiff:
    """Row and schema changes of one table."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    schema: list[str] = field(default_factory=list)
    bump: str = "none"

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.schema)


@dataclass
class PackageDiff:
    """Every table's changes and the bump the whole change needs."""

    old_version: str | None
    new_version: str | None
    tables: dict[str, TableDiff]
    bump: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "old_version": self.old_version,
            "new_version": self.new_version,
            "bump": self.bump,
            "tables": {name: asdict(d) for name, d in self.tables.items() if not d.empty},
        }

    def lines(self) -> list[str]:
        """A readable report, one line per change."""
        out = [f"{self.old_version} -> {self.new_version}: {_BUMP_WORDS[self.bump]}"]
        for name, d in self.tables.items():
            if d.empty:
                continue
            out.append(f"{name}: +{len(d.added)} -{len(d.removed)} ~{len(d.changed)} rows")
            out += [f"  schema: {change}" for change in d.schema]
            out += [f"  + {key}" for key in d.added]
            out += [f"  - {key}" for key in d.removed]
            for key, fields in d.changed.items():
                out += [f"  ~ {key}: {f}: {old!r} -> {new!r}" for f, (old, new) in fields.items()]
        return out


_BUMP_WORDS = {
    "none": "no change that needs a version bump",
    "patch": "needs a patch version bump (corrections)",
    "minor": "needs a minor version bump (additions)",
    "major": "needs a major version bump (a breaking change)",
}


def _worst(*bumps: str) -> str:
    return max(bumps, key=BUMPS.index, default="none")


def _read(descriptor: Path) -> tuple[str | None, dict[str, dict[str, Any]], dict[str, Any]]:
    """(version, schemas, rows keyed by primary key) of a package; DataError if unreadable."""
    raw, problems = read_package(descriptor)
    fatal = [p for p in problems if p.row is None or p.code in ("descriptor-error", "file-missing")]
    if fatal or not raw.resources:
        lines = "; ".join(p.message for p in fatal) or "no resources"
        raise DataError(f"cannot compare {descriptor}: {lines}")
    schemas = {name: r.schema for name, r in raw.resources.items()}
    rows: dict[str, Any] = {}
    for name, resource in raw.resources.items():
        keys = schemas[name].get("primaryKey", [])
        table = resource.table.drop_columns([ROW_COLUMN]) if resource.table is not None else None
        records = table.to_pylist() if table is not None else []
        rows[name] = {"/".join(str(r.get(k, "")) for k in keys): r for r in records}
    return raw.descriptor.get("version"), schemas, rows


def _read_bounded(descriptor: Path) -> tuple[str | None, dict[str, Any], dict[str, Any]]:
    """``_read``, with a descriptor nested too deeply for Python's parser reported as such."""
    try:
        return _read(descriptor)
    except RecursionError as exc:  # json and the schema walk recurse once per nesting level
        raise DataError(
            f"cannot compare {descriptor}: it is nested too deeply to be read (Python's "
            "recursion limit); a data package descriptor is a few levels deep. Check the file."
        ) from exc


def _schema_changes(old: dict[str, Any], new: dict[str, Any]) -> tuple[list[str], str]:
    old_fields = {f["name"]: f for f in old["fields"]}
    new_fields = {f["name"]: f for f in new["fields"]}
    changes: list[tuple[str, str]] = []
    changes += [(f"column {n} removed", "major") for n in old_fields if n not in new_fields]
    changes += [(f"column {n} added", "minor") for n in new_fields if n not in old_fields]
    for name in sorted(old_fields.keys() & new_fields.keys()):  # sorted: no hash-seed order
        changes += _column_changes(name, old_fields[name], new_fields[name])
    if old.get("primaryKey") != new.get("primaryKey"):
        changes.append((f"primary key {old.get('primaryKey')} -> {new.get('primaryKey')}", "major"))
    return [text for text, _ in sorted(changes)], _worst(*(bump for _, bump in changes))


def _column_changes(name: str, a: dict[str, Any], b: dict[str, Any]) -> list[tuple[str, str]]:
    """What changed in one column's definition, each change with the bump it needs."""
    changes: list[tuple[str, str]] = []
    if a.get("type") != b.get("type"):
        changes.append((f"column {name} type {a.get('type')} -> {b.get('type')}", "major"))
    old_enum = set(a.get("constraints", {}).get("enum", []))
    new_enum = set(b.get("constraints", {}).get("enum", []))
    if old_enum - new_enum and old_enum:
        withdrawn = sorted(old_enum - new_enum)
        changes.append((f"column {name} no longer allows {withdrawn}", "major"))
    if new_enum - old_enum and old_enum:
        changes.append((f"column {name} now allows {sorted(new_enum - old_enum)}", "minor"))
    if a != b and not changes:
        changes.append((f"column {name} definition changed", "patch"))
    return changes


def _table_diff(old_rows: dict[str, Any], new_rows: dict[str, Any]) -> TableDiff:
    d = TableDiff(
        added=sorted(new_rows.keys() - old_rows.keys()),
        removed=sorted(old_rows.keys() - new_rows.keys()),
    )
    for key in sorted(old_rows.keys() & new_rows.keys()):
        a, b = old_rows[key], new_rows[key]
        fields = {f: [a[f], b[f]] for f in sorted(a.keys() & b.keys()) if a[f] != b[f]}
        if fields:
            d.changed[key] = fields
    d.bump = _worst(
        "major" if d.removed else "none",
        "minor" if d.added else "none",
        "patch" if d.changed else "none",
    )
    return d


def diff_packages(
    old: str | Path, new: str | Path, max_bytes: int = MAX_EXPANDED_BYTES
) -> PackageDiff:
    """Compare two packages: each a version number, a release folder, a CSV or Parquet release
    zip, the folder ``fetch`` prints, or a datapackage.json (``releases.inputs``); a zip may
    expand to at most ``max_bytes``."""
    with (
        open_package(old, parquet=True, max_bytes=max_bytes) as old_descriptor,
        open_package(new, parquet=True, max_bytes=max_bytes) as new_descriptor,
    ):
        old_version, old_schemas, old_rows = _read_bounded(old_descriptor)
        new_version, new_schemas, new_rows = _read_bounded(new_descriptor)
    tables: dict[str, TableDiff] = {}
    for name in sorted(old_schemas.keys() | new_schemas.keys()):
        if name not in new_schemas:
            tables[name] = TableDiff(
                removed=sorted(old_rows[name]), schema=["table removed"], bump="major"
            )
        elif name not in old_schemas:
            tables[name] = TableDiff(
                added=sorted(new_rows[name]), schema=["table added"], bump="minor"
            )
        else:
            d = _table_diff(old_rows[name], new_rows[name])
            d.schema, schema_bump = _schema_changes(old_schemas[name], new_schemas[name])
            d.bump = _worst(d.bump, schema_bump)
            tables[name] = d
    bump = _worst(*(d.bump for d in tables.values()))
    return PackageDiff(old_version, new_version, tables, bump)


def bump_between(old: str, new: str) -> str:
    """The bump from version ``old`` to ``new`` (none, patch, minor, major)."""
    a, b = version_key(old), version_key(new)
    if b == a:
        return "none"
    if b < a:
        raise UsageError(f"version {new} is older than {old}")
    if b[0] != a[0]:
        return "major"
    return "minor" if b[1] != a[1] else "patch"
