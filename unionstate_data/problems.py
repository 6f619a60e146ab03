"""Validation problems: typed records with a stable rule code, collected into a report.

Every rule has a stable code (the keys of ``RULES``). A problem says what went wrong, where
(resource, row, field), expected against got, and how to fix it. Rows are numbered as in
Frictionless: the header is row 1, the first data row is row 2.

Each code names the function that reports it: ``@reports(code, ...)`` on that function records it
in ``REPORTERS`` when its module is imported (``validation.validator`` imports them all), as a
Frictionless check lists the errors it can raise. A test fails when a code has no reporter.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import TypeVar

__all__ = ["FRICTIONLESS_ERRORS", "REPORTERS", "RULES", "Problem", "Report", "reports"]

#: Stable rule codes and their titles. Codes are never renamed or reused.
RULES: dict[str, str] = {
    # The package and its files
    "descriptor-error": "datapackage.json cannot be read or is not a valid descriptor",
    "schema-error": "A Table Schema cannot be read",
    "file-missing": "A file the descriptor names does not exist",
    "file-unreadable": "A file the package names cannot be read (for example its permissions)",
    "unsafe-path": "A path the package names leads outside it (absolute, '..', a symlink, a URL)",
    "limit-exceeded": "A file is larger than the validator reads (see the README's Limits)",
    "encoding-error": "A file is not valid UTF-8",
    "ragged-row": "A row has more or fewer cells than the header",
    "parse-error": "A CSV file cannot be parsed (for example a quote is never closed)",
    "blank-row": "A row is empty",
    "missing-column": "A column of the schema is missing from the CSV header",
    "extra-column": "The CSV header has a column the schema does not define",
    "duplicate-column": "A column name appears more than once in the CSV header",
    # Table Schema rules (Frictionless covers these too)
    "type-error": "A cell does not have the field's type",
    "required": "A required cell is empty",
    "pattern": "A cell does not match the field's pattern",
    "enum": "A cell is not in the field's controlled vocabulary",
    "minimum": "A number is below the field's minimum",
    "unique": "A value that must be unique repeats",
    "primary-key": "A primary key repeats",
    "foreign-key": "A reference points to a row that does not exist",
    # Consistency rules of this dataset
    "date-invalid": "A partial date is not a real calendar date",
    "date-order": "Two dates of one row are certainly in the wrong order",
    "supersedes-order": "A treaty relates to a treaty signed after it",
    "relation-cycle": "A treaty relates to itself, or a chain of relations leads back to it",
    "event-before-treaty": "An event about a treaty is certainly before its signature",
    "party-not-existing": "A party acts at a date it certainly did not exist",
    "bilateral-parties": "A bilateral treaty does not have exactly two parties",
    "treaty-without-parties": "A treaty has no parties",
    "quote-not-verbatim": "A quote or clause text is not in the stored source text",
    "source-hash": "A stored source's SHA-256 does not match",
    "source-seed-pair": "A source has seed_path without sha256, or sha256 without seed_path",
    "editorial-brackets": "The editorial-bracket flag disagrees with the text",
    "evidence-target": "An evidence, dispute or gap row names a row or field that does not exist",
    "field-evidence-missing": "A field that needs its own evidence has none",
    "dispute-value": "A dispute's chosen value differs from the value the row holds",
    "gap-filled": "A known gap names a field that holds a value",
}


#: The error type Frictionless reports for each code that Table Schema covers too (the others
#: are this dataset's own rules, which Frictionless does not check).
FRICTIONLESS_ERRORS: dict[str, str] = {
    "type-error": "type-error",
    "required": "constraint-error",
    "enum": "constraint-error",
    "pattern": "constraint-error",
    "minimum": "constraint-error",
    "unique": "unique-error",
    "primary-key": "primary-key",
    "foreign-key": "foreign-key",
}

#: Rule code -> the functions that report it ("module.function"), filled by ``reports``.
REPORTERS: dict[str, list[str]] = {}

F = TypeVar("F", bound=Callable[..., object])


def reports(*codes: str) -> Callable[[F], F]:
    """Mark a function as the reporter of ``codes`` (each must be in ``RULES``)."""

    def mark(function: F) -> F:
        for code in codes:
            if code not in RULES:
                raise ValueError(f"unknown rule code {code!r}; add it to problems.RULES")
            REPORTERS.setdefault(code, []).append(f"{function.__module__}.{function.__qualname__}")
        return function

    return mark


@dataclass(frozen=True, order=True)
class Problem:
    """One problem: rule code, resource, row, field, message."""

    code: str
    resource: str | None = None
    row: int | None = None
    field: str | None = None
    message: str = ""

    def __post_init__(self) -> None:
        if self.code not in RULES:
            raise ValueError(f"unknown rule code {self.code!r}; add it to problems.RULES")

    def line(self) -> str:
        """The one-line form the CLI prints."""
        where = ":".join(
            str(part) for part in (self.resource, self.row, self.field) if part is not None
        )
        return f"{self.code}\t{where or '-'}\t{self.message}"


@dataclass
class Report:
    """All problems found in one package; ``ok`` when there are none."""

    path: str
    problems: list[Problem] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    def codes(self) -> list[str]:
        return sorted({p.code for p in self.problems})

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "valid": self.ok,
            "problem_count": len(self.problems),
            "row_counts": self.row_counts,
            "problems": [asdict(p) for p in self.problems],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)
