"""Properties of the validator over whole generated packages (tests/strategies.py).

- A generated consistent package has no problems.
- Injecting exactly one fault of any rule class gives exactly that problem: code, resource, row.
- For the faults Table Schema covers, frictionless reports the same (type, resource, row).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from faults import FAULTS, TABLE_SCHEMA_FAULTS
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import Dataset, datasets, validate_dataset, write_package

from unionstate_data.validation.tuning import Tuning
from unionstate_data.validation.validator import validate


@given(datasets())
def test_a_generated_consistent_package_has_no_problems(dataset: Dataset) -> None:
    assert validate_dataset(dataset) == []


@pytest.mark.parametrize("fault", sorted(FAULTS))
@given(dataset=datasets(), data=st.data())
def test_one_injected_fault_yields_exactly_that_problem(
    fault: str, dataset: Dataset, data: st.DataObject
) -> None:
    expected = FAULTS[fault](dataset, data)
    found = [(p.code, p.resource, p.row) for p in validate_dataset(dataset)]
    assert found == [expected]


def _frictionless_errors(descriptor: Path) -> list[tuple[str, str, int | None]]:
    import frictionless

    report = frictionless.validate(str(descriptor))  # no --trusted: the schemas are inline
    return sorted(
        (error.type, task.name, getattr(error, "row_number", None))
        for task in report.tasks
        for error in task.errors
    )


@pytest.mark.parametrize("fault", [None, *sorted(TABLE_SCHEMA_FAULTS)])
@settings(max_examples=10)
@given(dataset=datasets(), data=st.data())
def test_frictionless_agrees_on_the_faults_table_schema_covers(
    fault: str | None, dataset: Dataset, data: st.DataObject
) -> None:
    expected = [] if fault is None else [FAULTS[fault](dataset, data)]
    with tempfile.TemporaryDirectory() as folder:
        descriptor = write_package(dataset, Path(folder))
        ours = [(p.code, p.resource, p.row) for p in validate(descriptor).problems]
        theirs = _frictionless_errors(descriptor)
    assert ours == expected
    assert theirs == [(TABLE_SCHEMA_FAULTS[fault], res, row) for _, res, row in expected]


@pytest.mark.parametrize("fault", [None, "quote_not_verbatim"])
@settings(max_examples=15)
@given(dataset=datasets(), data=st.data())
def test_the_indexed_quote_search_agrees_with_the_plain_one(
    fault: str | None, dataset: Dataset, data: st.DataObject
) -> None:
    if fault is not None:
        FAULTS[fault](dataset, data)
    plain = validate_dataset(dataset)
    # Long texts quoted often take the indexed search; force it on these small ones.
    indexed = validate_dataset(dataset, Tuning(plain_search_work=-1))
    assert indexed == plain
    # Any threshold between: the index may be built (the quoted rows could make a plain search
    # costly) and then go unused (their distinct pairs are few), or not be built at all.
    work = 2 ** data.draw(st.integers(0, 24))
    assert validate_dataset(dataset, Tuning(plain_search_work=work)) == plain
