"""Judging spans of time on one day, column-wise: a treaty in force, a party existing, a term of
office held.

A span runs from its start (entry into force, a party's start, a term's start) to its end, the
end day excluded: a treaty that "ceased to be valid since 1 January 2015" is not in force on that
day. Every date is a partial date with a first and a last day it can mean (``_lower``/``_upper``),
so each comparison has three answers: certainly before, certainly after, or cannot tell. A row
is judged *yes* only when every date involved is certainly on the right side of the day, *no*
when one date is certainly on the wrong side, and *unknown* otherwise; a missing date is never
read as a date, and an empty end counts as "no end" only where the row says so (``open_end``).

Each status comes with a reason, a sentence naming the dates (as stored, at their precision) or
the gap that decided it. Nothing here loops over rows: the conditions and the sentences are
Arrow compute expressions, and ``pc.case_when`` picks, per row, the first condition that holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from .._arrow import integers, literal

__all__ = ["Period", "Span", "Words", "day_scalar", "judge", "span_records"]

_EPOCH = dt.date(1970, 1, 1)


def day_scalar(day: dt.date) -> pa.Scalar:
    """``day`` as a date32 scalar, built from buffers (``pa.scalar`` on a date imports pandas)."""
    return integers([(day - _EPOCH).days]).cast(pa.int32()).cast(pa.date32())[0]


@dataclass(frozen=True)
class Period:
    """The days a query date means: one day, or every day of a month or a year (``1995-05``).

    A span is judged *yes* for a period only when it is yes on every day of it, *no* only when
    it is no on every day, and *unknown* otherwise: the same rule as for the dates of the data.
    """

    first: dt.date
    last: dt.date
    text: str

    @classmethod
    def of(cls, when: dt.date | Period) -> Period:
        return when if isinstance(when, Period) else cls(when, when, when.isoformat())


@dataclass(frozen=True)
class Words:
    """How the sentences speak of one kind of span."""

    yes: str  # the status when the span certainly covers the day ("in_force")
    no: str  # the status when it certainly does not ("not_in_force")
    began: str  # "entered into force", "began", "took office"
    no_start: str  # "no date of entry into force is recorded"


@dataclass(frozen=True)
class Span:
    """The columns a judgement reads; every array has one value per row, nulls where unknown.

    ``floor_*``: a date the span cannot start before (a treaty's signature), or nulls.
    ``alive_lo``/``alive_text``: the first day of an act that shows the span had not ended by
    then (a later treaty amending or implementing this one), or nulls.
    ``open_end``: true where an empty end means the span lasts; elsewhere it means not known.
    ``start_gap``/``end_gap``: true where the gaps table records the date as searched for and
    not found.
    """

    start_lo: Any
    start_hi: Any
    start_text: Any
    end_lo: Any
    end_hi: Any
    end_text: Any
    start_gap: Any
    end_gap: Any
    open_end: Any
    floor_lo: Any
    floor_hi: Any
    floor_text: Any
    alive_lo: Any
    alive_text: Any


def span_records(span: Span) -> list[dict[str, Any]]:
    """Each row of ``span`` as a dict of its fields (dates as ISO strings), for the explorer
    page, which applies ``judge``'s rules to them in its own script."""
    names = [f for f in Span.__dataclass_fields__]
    columns = pa.table({name: getattr(span, name) for name in names}).to_pylist()
    return [
        {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()}
        for row in columns
    ]


def judge(when: dt.date | Period, span: Span, words: Words) -> tuple[pa.Array, pa.Array]:
    """The status and the reason of every row of ``span`` on ``when`` (a day, or a ``Period``:
    the first day ``a`` and the last ``b`` then stand where one day would)."""
    period = Period.of(when)
    a, b = day_scalar(period.first), day_scalar(period.last)
    on = f" {period.text}"
    has_end = pc.is_valid(span.end_lo)
    has_start = pc.is_valid(span.start_lo)
    rules = [
        # Certainly "no": before the floor, before the start, or after the end.
        (_lt(b, span.floor_lo), words.no, ["signed ", span.floor_text, ", after", on]),
        (_le(span.end_hi, a), words.no, ["ended ", span.end_text, ", on or before", on]),
        (_lt(b, span.start_lo), words.no, [words.began, " ", span.start_text, ", after", on]),
        # Cannot tell: a date whose period covers the day, or a date not recorded.
        (
            _lt(a, span.floor_hi),
            "unknown",
            ["signed ", span.floor_text, ", which may be after", on],
        ),
        (pc.and_(pc.invert(has_start), span.start_gap), "unknown", [words.no_start, _GAP]),
        (pc.invert(has_start), "unknown", [words.no_start]),
        (
            _lt(a, span.start_hi),
            "unknown",
            [words.began, " ", span.start_text, ", which may be after", on],
        ),
        (
            _le(span.end_lo, b),
            "unknown",
            [_since(span, words), "; ended ", span.end_text, ", which may be on or before", on],
        ),
        # The start is certainly on or before the day: now the end decides.
        (has_end, words.yes, [_since(span, words), "; ended ", span.end_text, ", after", on]),
        (
            span.end_gap,
            "unknown",
            [_since(span, words), "; its end is not recorded", _GAP],
        ),
        (
            _le(b, span.alive_lo),
            words.yes,
            [
                _since(span, words),
                "; no end is recorded, and ",
                span.alive_text,
                ", so it had not ended by",
                on,
            ],
        ),
        (
            span.open_end,
            words.yes,
            [_since(span, words), "; no end is recorded: it lasted when the data was compiled"],
        ),
    ]
    fallback = [
        _since(span, words),
        "; no end is recorded, and an empty end in this dataset means not known, not "
        "'has not ended'",
    ]
    conditions = pc.make_struct(*[_true(rule[0]) for rule in rules])
    status = pc.case_when(conditions, *[literal(rule[1]) for rule in rules], literal("unknown"))
    reason = pc.case_when(conditions, *[_sentence(rule[2]) for rule in rules], _sentence(fallback))
    return status, reason


_GAP = " (searched for and not found: see the gaps table)"


def _since(span: Span, words: Words) -> Any:
    return _sentence([words.began, " ", span.start_text])


def _sentence(parts: list[Any]) -> Any:
    """The parts (text or string columns, nulls read as empty) joined into one string column."""
    pieces = [literal(p) if isinstance(p, str) else pc.fill_null(p, literal("")) for p in parts]
    return pc.binary_join_element_wise(*pieces, literal(""))


def _lt(left: Any, right: Any) -> Any:
    return pc.less(left, right)


def _le(left: Any, right: Any) -> Any:
    return pc.less_equal(left, right)


def _true(mask: Any) -> Any:
    """``mask`` with nulls (a comparison with a missing date) read as false."""
    return pc.fill_null(mask, literal(False))
