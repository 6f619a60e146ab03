"""An ``as_of`` snapshot as text, JSON or one CSV, for the command line (``as-of``)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

__all__ = ["snapshot_csv", "snapshot_json", "snapshot_text"]


def _rows(table: Any) -> list[tuple[Any, Any, Any]]:
    """(key, status, reason) of each row: the key is the table's first column."""
    columns = [table.column(0), table["status"], table["reason"]]
    return list(zip(*(c.to_pylist() for c in columns), strict=True))


def snapshot_text(snapshot: dict[str, Any], date: str) -> str:
    lines = []
    for name, table in snapshot.items():
        lines.append(f"{name} on {date}:")
        lines += [f"  {status:<13} {key}: {reason}" for key, status, reason in _rows(table)]
    return "\n".join(lines)


def snapshot_json(snapshot: dict[str, Any], date: str) -> str:
    rows = {name: table.to_pylist() for name, table in snapshot.items()}
    return json.dumps({"date": date, **rows}, indent=2, ensure_ascii=False)


def snapshot_csv(snapshot: dict[str, Any]) -> str:
    """One CSV for the whole snapshot: table, id (the row's key), status, reason."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["table", "id", "status", "reason"])
    for name, table in snapshot.items():
        writer.writerows([name, *row] for row in _rows(table))
    return out.getvalue()
