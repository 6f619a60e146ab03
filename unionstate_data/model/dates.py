"""Partial dates: ``1995``, ``1995-05`` or ``1995-05-14`` (ISO 8601 / EDTF level 0).

A date keeps the precision its source gives. For ordering and for Arrow/Parquet, each partial
date is turned into the first and last day it can mean (``lower``/``upper``) plus its precision.
Two partial dates are *certainly* out of order only when the last day the earlier one can mean
falls before the first day the later one can mean.

The column-wise functions here work on pyarrow arrays (``column_bounds``); ``bounds`` is the
same for one Python string.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from .._arrow import literal
from .fields import PARTIAL_DATE_PATTERN

__all__ = ["bounds", "column_bounds", "is_calendar_date"]

_FULL = re.compile(PARTIAL_DATE_PATTERN)
_DAY = dt.timedelta(days=1)


def is_calendar_date(value: str) -> bool:
    """True when ``value`` has the partial-date shape and names a real year, month or day."""
    try:
        bounds(value)
    except ValueError:
        return False
    return True


def bounds(value: str) -> tuple[dt.date, dt.date, str]:
    """First day, last day and precision of one partial date; ValueError if it is not one."""
    if not _FULL.fullmatch(value):
        raise ValueError(f"{value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    parts = [int(p) for p in value.split("-")]
    year = parts[0]
    if len(parts) == 1:
        return dt.date(year, 1, 1), dt.date(year, 12, 31), "year"
    month = parts[1]
    if len(parts) == 2:
        if not 1 <= month <= 12:
            raise ValueError(f"{value!r}: month {month} is not 01-12")
        # The day before the next month begins (``calendar`` would cost an import of locale).
        last = dt.date(year, 12, 31) if month == 12 else dt.date(year, month + 1, 1) - _DAY
        return dt.date(year, month, 1), last, "month"
    day = dt.date(year, month, parts[2])  # raises ValueError for 1995-02-30
    return day, day, "day"


def column_bounds(values: pa.Array | pa.ChunkedArray) -> dict[str, Any]:
    """Column-wise bounds of a string column of partial dates.

    Returns ``{"lower": date32, "upper": date32, "precision": string}`` arrays. Nulls, and values
    that are not valid partial dates, give nulls in all three (the validator reports those).
    A column holds few distinct dates (some 37,000 days a century): the bounds are computed once
    per distinct value, then spread to the rows by index.
    """
    values = pc.cast(values, pa.string())
    distinct = pc.unique(values)
    where = pc.index_in(values, value_set=distinct)
    return {key: pc.take(found, where) for key, found in _distinct_bounds(distinct).items()}


def _distinct_bounds(values: pa.Array) -> dict[str, Any]:
    length = pc.utf8_length(values)
    shaped = pc.match_substring_regex(values, f"^(?:{PARTIAL_DATE_PATTERN})$")
    values = pc.if_else(shaped, values, literal(None, pa.string()))
    year = pc.utf8_slice_codeunits(values, 0, 4)
    month = pc.if_else(
        pc.greater_equal(length, literal(7, pa.int32())),
        pc.utf8_slice_codeunits(values, 5, 7),
        literal("01"),
    )
    lower_text = pc.if_else(
        pc.equal(length, literal(10, pa.int32())),
        values,
        pc.binary_join_element_wise(year, month, literal("01"), literal("-")),
    )
    lower = _to_date(lower_text)
    one, twelve = literal(1, pa.int32()), literal(12, pa.int32())
    month_num = pc.cast(month, pa.int32(), safe=False)
    year_num = pc.cast(year, pa.int32(), safe=False)
    # Last day of a year is its 31 December (no year 10000 needed for 9999); of a month, the
    # day before the next month begins, or 31 December for December.
    end_of_year = _to_date(pc.binary_join_element_wise(year, literal("12-31"), literal("-")))
    next_month = pc.if_else(pc.less(month_num, twelve), pc.add(month_num, one), twelve)
    end_of_month = pc.if_else(
        pc.equal(month_num, twelve),
        end_of_year,
        _day_before(_to_date(_join_ymd(year, next_month))),
    )
    month_ok = pc.and_(pc.greater_equal(month_num, one), pc.less_equal(month_num, twelve))
    is_year = pc.equal(length, literal(4, pa.int32()))
    is_month = pc.equal(length, literal(7, pa.int32()))
    upper = pc.case_when(
        pc.make_struct(is_year, pc.and_(is_month, month_ok)), end_of_year, end_of_month, lower
    )
    # Year 0000 exists for Arrow's proleptic calendar but not for Python's dates (``bounds``).
    upper = pc.if_else(pc.greater_equal(year_num, one), upper, literal(None, pa.date32()))
    valid = pc.and_(pc.is_valid(lower), pc.is_valid(upper))
    precision = pc.case_when(
        pc.make_struct(is_year, is_month, pc.equal(length, literal(10, pa.int32()))),
        literal("year"),
        literal("month"),
        literal("day"),
    )
    return {
        "lower": pc.if_else(valid, lower, literal(None, pa.date32())),
        "upper": pc.if_else(valid, upper, literal(None, pa.date32())),
        "precision": pc.if_else(valid, precision, literal(None, pa.string())),
    }


def _join_ymd(year: Any, month: Any) -> Any:
    """``YYYY-MM-01`` from the four-digit year text and a month number.

    The year stays text: a number printed back loses its leading zeros (``1-02-01`` for year 1).
    """
    month_text = pc.utf8_lpad(pc.cast(month, pa.string()), 2, "0")
    return pc.binary_join_element_wise(year, month_text, literal("01"), literal("-"))


def _to_date(text: Any) -> Any:
    stamps = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
    # strptime rolls 1995-02-30 over to 1995-03-02: keep only dates that print back unchanged.
    round_trip = pc.equal(pc.strftime(stamps, format="%Y-%m-%d"), text)
    return pc.cast(pc.if_else(round_trip, stamps, literal(None, stamps.type)), pa.date32())


def _day_before(day: Any) -> Any:
    days = pc.cast(day, pa.int32())
    return pc.cast(pc.subtract(days, literal(1, pa.int32())), pa.date32())
