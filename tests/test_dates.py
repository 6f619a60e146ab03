"""Partial dates: shape, calendar, bounds and precision, scalar and column-wise alike."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import partial

from unionstate_data.dates import bounds, column_bounds, is_calendar_date


@pytest.mark.parametrize(
    ("value", "lower", "upper", "precision"),
    [
        ("1995", dt.date(1995, 1, 1), dt.date(1995, 12, 31), "year"),
        ("1995-05", dt.date(1995, 5, 1), dt.date(1995, 5, 31), "month"),
        ("1996-02", dt.date(1996, 2, 1), dt.date(1996, 2, 29), "month"),
        ("1900-02", dt.date(1900, 2, 1), dt.date(1900, 2, 28), "month"),
        ("1999-12", dt.date(1999, 12, 1), dt.date(1999, 12, 31), "month"),
        ("1991-12-08", dt.date(1991, 12, 8), dt.date(1991, 12, 8), "day"),
    ],
)
def test_a_partial_date_spans_the_days_its_precision_allows(
    value: str, lower: dt.date, upper: dt.date, precision: str
) -> None:
    assert bounds(value) == (lower, upper, precision)
    columns = column_bounds(pa.array([value]))
    assert columns["lower"].to_pylist() == [lower]
    assert columns["upper"].to_pylist() == [upper]
    assert columns["precision"].to_pylist() == [precision]


@pytest.mark.parametrize(
    "value",
    ["1995-02-30", "1995-13", "1995-00", "2023-02-29", "95", "1995-5", "1995/05", "May 1995", ""],
)
def test_a_value_that_is_no_calendar_date_has_no_bounds(value: str) -> None:
    assert not is_calendar_date(value)
    columns = column_bounds(pa.array([value]))
    assert columns["lower"].to_pylist() == [None]
    assert columns["precision"].to_pylist() == [None]


@given(
    st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(2999, 12, 31)),
    st.sampled_from(["year", "month", "day"]),
)
def test_column_bounds_agree_with_scalar_bounds_and_contain_the_day(
    day: dt.date, precision: str
) -> None:
    value = partial(day, precision)
    lower, upper, found = bounds(value)
    assert lower <= day <= upper
    assert found == precision
    columns = column_bounds(pa.array([value, None]))
    assert columns["lower"].to_pylist() == [lower, None]
    assert columns["upper"].to_pylist() == [upper, None]


@pytest.mark.parametrize(
    "value", ["0000", "0000-01", "0000-01-01", "0001", "9999", "9999-12", "9999-12-31", "9999-11"]
)
def test_the_ends_of_the_calendar_agree_in_both_forms(value: str) -> None:
    expected = bounds(value) if is_calendar_date(value) else (None, None, None)
    columns = column_bounds(pa.array([value]))
    found = tuple(columns[key].to_pylist()[0] for key in ("lower", "upper", "precision"))
    assert found == expected


@given(st.from_regex(r"\A[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?\Z"))
def test_any_date_shaped_value_has_the_same_bounds_in_both_forms(value: str) -> None:
    expected = bounds(value) if is_calendar_date(value) else (None, None, None)
    columns = column_bounds(pa.array([value]))
    found = tuple(columns[key].to_pylist()[0] for key in ("lower", "upper", "precision"))
    assert found == expected
