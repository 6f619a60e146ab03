"""What the consistency rules share: the ``Context`` they read, the ``rule`` registry, and the
comparisons of partial dates.

Each rule is a function ``(Context) -> list[Problem]`` marked ``@rule(code, ...)`` with the codes
it reports; the mark records it in ``RULE_FUNCTIONS`` (in the order the families are imported by
``validation.consistency``) and its codes in ``problems.REPORTERS``.

Rules work column-wise on the typed Arrow tables. A rule skips what it cannot judge: a missing
table or column, or a null (empty or mistyped) cell, is reported by the table rules already.
Dates are judged with their precision: a pair is out of order only when the last day the earlier
date can mean is before the first day the later one can mean.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ...problems import Problem, reports
from ..tuning import DEFAULT, Tuning

__all__ = ["RULE_FUNCTIONS", "Context", "Rule", "certainly_before", "primary_key", "rule"]


@dataclass
class Context:
    """What the rules read: typed tables, their schemas, and where the descriptor lives."""

    base: Path
    tables: dict[str, pa.Table]
    schemas: dict[str, dict[str, Any]]
    tuning: Tuning = DEFAULT

    def has(self, name: str, *columns: str) -> bool:
        table = self.tables.get(name)
        return table is not None and all(c in table.column_names for c in columns)


Rule = Callable[[Context], list[Problem]]
#: Every consistency rule, in the order it runs.
RULE_FUNCTIONS: list[Rule] = []


def rule(*codes: str) -> Callable[[Rule], Rule]:
    """Register a consistency rule that reports ``codes``."""

    def register(function: Rule) -> Rule:
        reports(*codes)(function)
        RULE_FUNCTIONS.append(function)
        return function

    return register


def certainly_before(left: Any, left_field: str, right: Any, right_field: str) -> Any:
    """Row-wise: the date ``left_field`` certainly falls before ``right_field``."""
    return pc.less(left[f"{left_field}_upper"], right[f"{right_field}_lower"])


def primary_key(ctx: Context, name: str) -> str | None:
    """The single-field primary key of a table, if it has one and the column is there."""
    keys = ctx.schemas[name].get("primaryKey", [])
    return keys[0] if len(keys) == 1 and ctx.has(name, keys[0]) else None
