"""Validate a data package: read it, apply the Table Schema rules, then the consistency rules.

Every problem is collected into one ``Report``; nothing is raised halfway.
"""

from __future__ import annotations

from pathlib import Path

from .consistency import Context, run_consistency_rules
from .problems import Report
from .reading import read_package
from .table_rules import check_keys, type_tables

__all__ = ["validate"]


def validate(path: str | Path | None = None) -> Report:
    """Validate the package whose descriptor is ``path`` (default: the shipped package)."""
    if path is None:
        from ._paths import descriptor_path

        path = descriptor_path()
    path = Path(path)
    report = Report(path=str(path))
    # Compact: columns whose values repeat dictionary-encoded, each distinct value held once
    # (see reading.compact_fields).
    raw, problems = read_package(path, compact=True)
    report.extend(problems)
    tables, problems = type_tables(raw)
    report.extend(problems)
    schemas = {name: resource.schema for name, resource in raw.resources.items()}
    base = raw.base
    del raw  # the typed tables share the cells' buffers; the rest of the raw cells can go
    report.extend(check_keys(tables, schemas))
    report.extend(run_consistency_rules(Context(base=base, tables=tables, schemas=schemas)))
    report.row_counts = {name: len(table) for name, table in tables.items()}
    return report
