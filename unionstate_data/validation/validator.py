"""Validate a data package: read it, apply the Table Schema rules, then the consistency rules.

Every problem is collected into one ``Report``; nothing is raised halfway. Two threads share the
work, so that both cores are used (Arrow's kernels release the GIL):

- while the files are read, one after another, each table is typed and its primary key checked
  on the second thread as soon as its file is read (reading leaves part of a core idle);
- once all are typed, the longest rule (the quote search) runs on the second thread while the
  foreign keys and the other rules run on this one.

The report lists the problems in the same order either way: reading, typing, then keys and
rules table by table and rule by rule.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa

from .._paths import descriptor_path
from ..problems import Problem, Report
from .consistency import LONGEST, Context, ordered_rules, run_consistency_rules, run_rule
from .descriptor import dataset_type_problems
from .keys import foreign_key_problems, primary_key_problems
from .reading import RawResource, read_package
from .tuning import DEFAULT, LIMITS, Limits, Tuning
from .typed import type_table

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
    checked: dict[str, Future[_Checked]] = {}
    with ThreadPoolExecutor(max_workers=1) as worker:

        def start_checking(resource: RawResource) -> None:
            # The consistency rules read the dataset's tables with the model's field types: a
            # table typed otherwise is reported below and left out, so that no rule misreads it.
            if resource.table is None or dataset_type_problems({resource.name: resource.schema}):
                return
            checked[resource.name] = worker.submit(_check_table, resource, tuning)

        # Compact: columns whose values repeat dictionary-encoded, each distinct value held
        # once (see model.fields.compact_fields).
        raw, problems = read_package(
            path, compact=True, tuning=tuning, limits=limits, on_read=start_checking
        )
        report.extend(problems)
        report.extend(dataset_type_problems({n: r.schema for n, r in raw.resources.items()}))
        tables: dict[str, pa.Table] = {}
        primary: dict[str, list[Problem]] = {}
        for name, future in checked.items():  # in the descriptor's order, as they were read
            tables[name], problems, primary[name] = future.result()
            report.extend(problems)
        schemas = {name: raw.resources[name].schema for name in tables}
        context = Context(base=raw.base, tables=tables, schemas=schemas, tuning=tuning)
        del raw
        # The cells as read were let go table by table, between other allocations: give the
        # allocator's free pages back before the rules' scratch memory piles on the tables.
        pa.default_memory_pool().release_unused()
        longest = worker.submit(run_rule, context, LONGEST)
        for name, table in tables.items():
            report.extend(primary[name])
            report.extend(foreign_key_problems(name, table, schemas[name], tables))
        found = run_consistency_rules(context, skip=lambda rule: rule is LONGEST)
        found[LONGEST] = longest.result()
    for rule in ordered_rules():
        report.extend(found[rule])
    report.row_counts = {name: len(table) for name, table in tables.items()}
    return report


#: What ``_check_table`` gives: the typed table, its typing problems, its primary-key problems.
_Checked = tuple[pa.Table, list[Problem], list[Problem]]


def _check_table(resource: RawResource, tuning: Tuning) -> _Checked:
    """``resource`` typed (``typed.type_table``) and its primary key checked, the checks that
    read no other table; then its cells as read are let go (the typed table shares the buffers
    of its text columns, and the rest is no longer needed)."""
    assert resource.table is not None
    table, problems = type_table(resource.name, resource.table, resource.schema, tuning)
    resource.table = None
    return table, problems, primary_key_problems(resource.name, table, resource.schema, tuning)
