"""Partial dates: shape, calendar, bounds and precision, scalar and column-wise alike."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import partial

from unionstate_data.model.dates import bounds, column_bounds, is_calendar_date


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
    "value",
    [
        "0000",
        "0000-01",
        "0000-01-01",
        "0001",
        "0001-01",
        "0099-02",
        "0999-11",
        "9999",
        "9999-12",
        "9999-12-31",
        "9999-11",
    ],
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


def test_every_month_and_day_of_sample_years_has_the_same_bounds_in_both_forms() -> None:
    # Years with leading zeros, century ends and leap rules; months and days one past each edge.
    years = ["0000", "0001", "0009", "0099", "0100", "0999", "1000", "1900", "2000", "2024", "9999"]
    values = []
    for year in years:
        values.append(year)
        for month in range(14):
            values.append(f"{year}-{month:02d}")
            values.extend(f"{year}-{month:02d}-{day:02d}" for day in range(33))
    columns = column_bounds(pa.array(values))
    found = list(
        zip(*(columns[key].to_pylist() for key in ("lower", "upper", "precision")), strict=True)
    )
    expected = [bounds(v) if is_calendar_date(v) else (None, None, None) for v in values]
    assert [v for v, f, e in zip(values, found, expected, strict=True) if f != e] == []
    # Every year but 0000 is real; of those, only 2000 and 2024 are leap years (1900 and 0100
    # are not): 10 years, 10 x 12 months, 8 x 365 + 2 x 366 days.
    assert sum(e != (None, None, None) for e in expected) == 10 + 10 * 12 + 8 * 365 + 2 * 366
