"""Quotes and stored texts are compared after one normalisation, whitespace as ``str.split()``
sees it: the column-wise form the quote rule applies agrees with ``normalise_quote_text``."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_rules import copy_package, data

from unionstate_data._arrow import strings
from unionstate_data.validation.rules.quotes import (
    _QUOTE_CHARS,
    _WHITESPACE,
    _normalise_column,
    normalise_quote_text,
)
from unionstate_data.validation.validator import validate


def test_the_whitespace_class_is_what_str_isspace_says_over_every_code_point() -> None:
    points = [c for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
    characters = strings(chr(c) for c in points)
    matched = pc.match_substring_regex(characters, f"^{_WHITESPACE}$").to_pylist()
    assert [chr(c) for c, m in zip(points, matched, strict=True) if m] == [
        chr(c) for c in points if chr(c).isspace()
    ]


#: Text rich in what normalising touches: every kind of whitespace, typographic quotes, words.
_SPACES = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
_TEXT = st.text(
    st.one_of(
        st.sampled_from(_SPACES),
        st.sampled_from(sorted(_QUOTE_CHARS)),
        st.sampled_from(["a", "Б", "1", ".", "\u0301", "\u200b", '"']),
        st.characters(exclude_categories=["Cs"]),
    ),
    max_size=40,
)


@given(texts=st.lists(_TEXT, max_size=8))
def test_normalising_a_column_agrees_with_normalise_quote_text(texts: list[str]) -> None:
    assert _normalise_column(strings(texts)).to_pylist() == [normalise_quote_text(t) for t in texts]


@pytest.mark.parametrize("space", ["\u00a0", "\u2009", "\u3000", "\x0b", "\x1f", "\x85"])
def test_a_quote_whose_space_is_other_whitespace_still_stands_in_its_source(
    tmp_path: Path, space: str
) -> None:
    # Before, the stored text was normalised by str.split() and the quote by RE2's \s (ASCII
    # only): a no-break space in a quote was kept, so the quote was reported not verbatim.
    descriptor = copy_package(tmp_path)
    path = data(descriptor, "events")
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    quote = rows[0].index("quote")
    assert " " in rows[1][quote]
    rows[1][quote] = rows[1][quote].replace(" ", space, 1)
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file, lineterminator="\n").writerows(rows)
    report = validate(descriptor)
    assert report.ok, [p.line() for p in report.problems]
    # And a quote that is not in its source is still found (the check is not switched off).
    rows[1][quote] = rows[1][quote] + space + "words the source never had"
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file, lineterminator="\n").writerows(rows)
    report = validate(descriptor)
    assert [(p.code, p.resource, p.row) for p in report.problems] == [
        ("quote-not-verbatim", "events", 2)
    ]


def test_a_text_of_whitespace_only_normalises_to_nothing() -> None:
    values = pa.array(["\u00a0 \t", "", "x"], pa.string())
    assert _normalise_column(values).to_pylist() == ["", "", "x"]
