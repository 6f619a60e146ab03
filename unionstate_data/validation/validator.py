"""Validate a data package: read it, apply the Table Schema rules, then the consistency rules.

Every problem is collected into one ``Report``; nothing is raised halfway. Once the tables are
typed, the longest rule (the quote search) runs on a second thread while the key checks and the
other rules run on this one: Arrow's kernels release the GIL, so the two use both cores. The
report lists the problems in the same order either way.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .._paths import descriptor_path
from ..problems import Report
from .consistency import LONGEST, Context, ordered_rules, run_consistency_rules, run_rule
from .descriptor import dataset_type_problems
from .keys import check_keys
from .reading import read_package
from .tuning import DEFAULT, LIMITS, Limits, Tuning
from .typed import type_tables

__all__ = ["validate"]


def validate(
    path: str | Path | None = None, *, tuning: Tuning = DEFAULT, limits: Limits = LIMITS
) -> Report:
    """Validate the package whose descriptor is ``path`` (default: the shipped package).

    ``tuning``: how to read and check (``validation.tuning.Tuning``); it never changes the report.
    ``limits``: the sizes past which a file is refused unread (``validation.tuning.Limits``).
    """
    path = Path(path) if path is not None else descriptor_path()
    report = Report(path=str(path))
    # Compact: columns whose values repeat dictionary-encoded, each distinct value held once
    # (see model.fields.compact_fields).
    raw, problems = read_package(path, compact=True, tuning=tuning, limits=limits)
    report.extend(problems)
    # The consistency rules read the dataset's tables with the model's field types: a table
    # typed otherwise is reported and left out, so that no rule misreads it.
    mistyped = dataset_type_problems({n: r.schema for n, r in raw.resources.items()})
    report.extend(mistyped)
    for problem in mistyped:
        raw.resources.pop(str(problem.resource), None)
    tables, problems = type_tables(raw, tuning)
    report.extend(problems)
    schemas = {name: resource.schema for name, resource in raw.resources.items()}
    base = raw.base
    del raw  # the typed tables share the cells' buffers; the rest of the raw cells can go
    context = Context(base=base, tables=tables, schemas=schemas, tuning=tuning)
    with ThreadPoolExecutor(max_workers=1) as worker:
        longest = worker.submit(run_rule, context, LONGEST)
        report.extend(check_keys(tables, schemas, tuning))
        found = run_consistency_rules(context, skip=lambda rule: rule is LONGEST)
        found[LONGEST] = longest.result()
    for rule in ordered_rules():
        report.extend(found[rule])
    report.row_counts = {name: len(table) for name, table in tables.items()}
    return report
