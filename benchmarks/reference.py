"""Reference passes: the validator's checks on a generated package, written in DuckDB and Polars.

``run.py`` times them beside ``unionstate-data validate`` on the same package and checks their
reports against ``faults.json`` as it checks ours, so that our time has two yardsticks: what a
careful analyst would write in a columnar engine. Benchmark-only: the package does not need
DuckDB or Polars. Usage::

    .venv/bin/python benchmarks/reference.py duckdb PATH/datapackage.json --json
    .venv/bin/python benchmarks/reference.py polars PATH/datapackage.json --json

Each pass reads every CSV as text and performs, set-wise (SQL, Polars expressions; Python runs
once per file or per rule, never per row), the checks our validator performs for the fault
classes ``generate.py`` injects: the Table Schema rules (type, required, pattern, enum, minimum,
unique, primary and foreign keys) and the consistency rules (partial dates, treaty parties,
stored sources and their hashes, verbatim quotes, editorial brackets, evidence and disputes).
Their parameters come from the package's own schemas where ours reads them there (patterns,
enums, keys, ``x-partial-date``, ``x-field-evidence``, the seed_path pattern). The facts that
``unionstate_data.model.fields`` holds (standard library only, so importing it costs the timed
passes nothing) are imported from it; what the validator holds in modules that import pyarrow is
mirrored in the constants below, each naming its module, and ``tests/test_reference.py`` fails
when a mirror drifts.

The report is JSON in the validator's shape (``problems``: code, resource, row, field; rows as
Frictionless counts them, the header is row 1); the exit code is 0 when no problem was found.

Known differences, none of which the generated packages exercise: where a parent key repeats
(itself a primary-key problem), the passes join every row with that key, ours the first one; a
null cell is never judged (ours reports a null record_id or field of an evidence row as a
missing target too); the stored texts must be UTF-8 (ours replaces bad bytes).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from unionstate_data.model.fields import SEED_PATH_PATTERN, quoted_fields

__all__ = ["PASSES", "Package", "Resource", "duckdb_pass", "polars_pass", "quoted_fields"]

#: One problem: (code, resource, row, field).
Problem = tuple[str, str, int | None, str | None]

# --- what our validator holds in code (mirrored; the schemas hold the rest) ---------------------

#: validation.typed: an integer cell (at most 18 digits, to fit int64) and the boolean words.
INTEGER_PATTERN = r"[+-]?[0-9]{1,18}"
TRUE_VALUES = ("true", "True", "TRUE", "1")
FALSE_VALUES = ("false", "False", "FALSE", "0")
#: rules.dates.DATE_PAIRS: (resource, earlier field, later field) in order within a row.
DATE_PAIRS = (
    ("treaties", "signed", "in_force"),
    ("treaties", "in_force", "ended"),
    ("treaties", "signed", "ended"),
    ("parties", "start", "end"),
    ("events", "date", "end_date"),
    ("office_holders", "start", "end"),
)
#: rules.dates: rows dated against the signature of the treaty they concern.
DATED_BY_TREATY = ("events", "treaty_steps")
#: rules.dates.rule_party_not_existing: (link, key, parent, parent key, date of the act).
ACTS = (
    ("event_participants", "event_id", "events", "event_id", "date"),
    ("treaty_parties", "treaty_id", "treaties", "treaty_id", "signed"),
)
#: rules.parties: the roles that make a party to a treaty.
PARTY_ROLES = ("signatory", "party")
#: rules.evidence: tables whose rows point at one field of one row elsewhere.
POINTERS = ("evidence", "disputes", "gaps")
#: rules.quotes: typographic quotes and their ASCII forms; an editorial insertion.
QUOTE_CHARS = {
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
}
BRACKETS = r"\[[^\]]*\]"
#: A run of the characters Python's ``str.split()`` splits at (``normalise_quote_text``), as an
#: RE2 and Rust regex: ASCII tab to carriage return, the file/group/record/unit separators,
#: space, next line, and Unicode's separators (Zs, Zl, Zp).
WHITESPACE = r"[\t-\r\x{1c}-\x{1f} \x{85}\pZ]+"


# --- the package as its descriptor and schemas describe it ---------------------------------------


@dataclass(frozen=True)
class Resource:
    """One table: its CSV, its Table Schema and the columns its header names."""

    name: str
    csv: Path
    schema: dict[str, Any]
    columns: tuple[str, ...]

    @property
    def fields(self) -> list[dict[str, Any]]:
        """The schema's fields that the CSV has."""
        return [f for f in self.schema["fields"] if f["name"] in self.columns]

    def kind(self, field: str) -> str:
        return next((f.get("type", "string") for f in self.fields if f["name"] == field), "")

    def has(self, *columns: str) -> bool:
        return all(c in self.columns for c in columns)

    def marked(self, marker: str) -> list[str]:
        """The fields carrying ``marker`` (``x-partial-date``, ``x-field-evidence``)."""
        return [f["name"] for f in self.fields if f.get(marker)]

    @property
    def primary_key(self) -> list[str]:
        keys = self.schema.get("primaryKey", [])
        return keys if self.has(*keys) else []

    @property
    def single_key(self) -> str | None:
        keys = self.primary_key
        return keys[0] if len(keys) == 1 else None

    def foreign_keys(self) -> list[tuple[list[str], str, list[str]]]:
        """(fields, parent resource, parent fields) of each foreign key."""
        found = []
        for fk in self.schema.get("foreignKeys", []):
            fields, ref = _as_list(fk["fields"]), fk["reference"]
            found.append((fields, ref.get("resource") or self.name, _as_list(ref["fields"])))
        return found

    @property
    def quoted(self) -> list[tuple[str, str]]:
        return quoted_fields(self.name, list(self.columns))


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


@dataclass(frozen=True)
class Package:
    """The resources of a descriptor whose CSV exists (the others are not the passes' task)."""

    base: Path
    resources: dict[str, Resource]

    @classmethod
    def read(cls, descriptor: Path) -> Package:
        base = descriptor.resolve().parent
        resources = {}
        for entry in json.loads(descriptor.read_text(encoding="utf-8"))["resources"]:
            schema = entry["schema"]
            if isinstance(schema, str):
                schema = json.loads((base / schema).read_text(encoding="utf-8"))
            path = base / entry["path"]
            if path.is_file():
                with path.open(encoding="utf-8", newline="") as file:
                    header = tuple(next(csv.reader(file), []))
                resources[entry["name"]] = Resource(entry["name"], path, schema, header)
        return cls(base, resources)

    def has(self, name: str, *columns: str) -> bool:
        return name in self.resources and self.resources[name].has(*columns)

    def seed_path(self, relative: str) -> str:
        """Where a seed_path points, as the one string both passes read and match it by."""
        return f"{self.base}/{relative}"

    @property
    def seed_path_pattern(self) -> str:
        """sources.seed_path's pattern in the package's schema, else the model's."""
        if "sources" in self.resources:
            for spec in self.resources["sources"].fields:
                pattern = spec.get("constraints", {}).get("pattern")
                if spec["name"] == "seed_path" and isinstance(pattern, str):
                    return pattern
        return SEED_PATH_PATTERN


# --- the passes and the command line -------------------------------------------------------------


def duckdb_pass(descriptor: Path) -> list[Problem]:
    """Every problem the DuckDB pass finds in the package at ``descriptor``, sorted."""
    import reference_duckdb  # only the engine the caller chose is imported

    return sorted(reference_duckdb.check(Package.read(descriptor)), key=_order)


def polars_pass(descriptor: Path) -> list[Problem]:
    """Every problem the Polars pass finds in the package at ``descriptor``, sorted."""
    import reference_polars

    return sorted(reference_polars.check(Package.read(descriptor)), key=_order)


PASSES: dict[str, Callable[[Path], list[Problem]]] = {
    "duckdb": duckdb_pass,
    "polars": polars_pass,
}


def _order(problem: Problem) -> tuple[str, str, int, str]:
    code, resource, row, field = problem
    return (resource, code, row or 0, field or "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("engine", choices=sorted(PASSES))
    parser.add_argument("descriptor", type=Path, help="the package's datapackage.json")
    parser.add_argument("--json", action="store_true", help="a JSON report, as validate --json")
    args = parser.parse_args(argv)
    problems = PASSES[args.engine](args.descriptor)
    rows = [dict(zip(("code", "resource", "row", "field"), p, strict=True)) for p in problems]
    if args.json:
        report = {
            "pass": args.engine,
            "path": str(args.descriptor),
            "valid": not problems,
            "problem_count": len(problems),
            "problems": rows,
        }
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        for code, resource, row, field in problems:
            where = ":".join(str(p) for p in (resource, row, field) if p is not None)
            print(f"{code}\t{where}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
