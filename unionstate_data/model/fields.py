"""Facts about fields that the models, the schemas and the validator share (standard library).

Patterns of IDs, hashes, stored-source paths and partial dates; the ``x-`` markers the schemas
carry; and which fields hold quoted text (``quoted_fields``) or repeat from row to row
(``compact_fields``). The validator reads these from the schemas it is given, never from the
models, so that it judges a package by its own descriptor.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
    "DATASET_TABLES",
    "DEFINITIONS_KEY",
    "DERIVED_COLUMNS",
    "FIELD_EVIDENCE",
    "NON_STRING_FIELDS",
    "PARTIAL_DATE",
    "PARTIAL_DATE_PATTERN",
    "SEED_PATH_PATTERN",
    "SHA256_PATTERN",
    "SLUG_PATTERN",
    "UNIQUE",
    "compact_fields",
    "date_fields",
    "partial_date_type_problems",
    "quoted_fields",
    "rule_type_problems",
]

SLUG_PATTERN = r"[a-z0-9]+(-[a-z0-9]+)*"
SHA256_PATTERN = r"[0-9a-f]{64}"
SEED_PATH_PATTERN = r"\.\./seeds/[A-Za-z0-9._-]+\.txt"
#: Shape of a partial date: ``1995``, ``1995-05`` or ``1995-05-14`` (the calendar is checked
#: separately, see ``model.dates``).
PARTIAL_DATE_PATTERN = r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?"

#: Schema markers: a partial date (gets ``_lower``/``_upper``/``_precision`` columns); a field
#: whose value needs an evidence row of its own; a field whose values must be unique.
PARTIAL_DATE = "x-partial-date"
FIELD_EVIDENCE = "x-field-evidence"
UNIQUE = "x-unique"
#: Schema marker of an enumerated field: the definition of each allowed value (generated from
#: ``model.vocabularies.DEFINITIONS``).
DEFINITIONS_KEY = "x-definitions"

#: The columns typed tables (Arrow, Parquet) add beside each partial-date field, by suffix, with
#: their description (``{field}`` is the field's name); the Parquet files and the codebook use it.
DERIVED_COLUMNS = {
    "lower": "First day {field} can mean (derived from its partial date).",
    "upper": "Last day {field} can mean (derived from its partial date).",
    "precision": "Precision of {field}: year, month or day.",
}


#: The dataset's tables, which its consistency rules read (``model.tables.MODELS``; a test
#: checks that the two agree).
DATASET_TABLES = (
    "sources",
    "parties",
    "treaties",
    "treaty_parties",
    "treaty_relations",
    "treaty_steps",
    "events",
    "event_participants",
    "office_holders",
    "clauses",
    "clause_themes",
    "evidence",
    "disputes",
    "gaps",
)
#: The fields of those tables that are not strings, with their Table Schema type (a test checks
#: them against the models).
NON_STRING_FIELDS = {
    ("parties", "cow_code"): "integer",
    ("clauses", "editorial_brackets"): "boolean",
}


def partial_date_type_problems(schema: dict[str, Any]) -> list[str]:
    """Fields marked as partial dates whose type is not string (their bounds are computed from
    the text)."""
    return [
        f"field {f['name']!r} is marked {PARTIAL_DATE} but has type {f.get('type')!r}; "
        "a partial date is a string"
        for f in schema["fields"]
        if f.get(PARTIAL_DATE) and f.get("type", "string") != "string"
    ]


def rule_type_problems(resource: str, schema: dict[str, Any]) -> list[str]:
    """Fields of one of the dataset's tables whose type is not the one its consistency rules
    read (an empty list for any other resource)."""
    if resource not in DATASET_TABLES:
        return []
    problems = []
    for spec in schema["fields"]:
        expected = NON_STRING_FIELDS.get((resource, spec["name"]), "string")
        if spec.get("type", "string") != expected:
            problems.append(
                f"field {spec['name']!r} has type {spec.get('type')!r}, but the dataset's "
                f"rules read {resource}.{spec['name']} as {expected}; give it type {expected!r}"
            )
    return problems


def date_fields(schema: dict[str, Any]) -> list[str]:
    """The partial-date fields of a Table Schema."""
    return [f["name"] for f in schema["fields"] if f.get(PARTIAL_DATE)]


def quoted_fields(resource: str, fields: Sequence[str]) -> list[tuple[str, str]]:
    """(source field, text field) pairs of a resource: text that must stand verbatim in the
    stored text of the row's source. ``quote`` goes with ``source_id``, ``{side}_quote`` with
    ``{side}_source_id``, and a clause's ``text`` (a fragment of its quote) with ``source_id``.
    """
    pairs = []
    for field_ in fields:
        if field_ == "quote" or field_.endswith("_quote"):
            source = field_.removesuffix("quote") + "source_id"
        elif resource == "clauses" and field_ == "text":
            source = "source_id"
        else:
            continue
        if source in fields:
            pairs.append((source, field_))
    return pairs


def _names(foreign_key: Any) -> list[str]:
    """The fields of a foreign key as written (``fields``: a name or a list of names); none
    when it is malformed (the validator reports that as a schema-error)."""
    fields_ = foreign_key.get("fields") if isinstance(foreign_key, dict) else None
    if isinstance(fields_, str):
        return [fields_]
    if isinstance(fields_, list) and all(isinstance(f, str) for f in fields_):
        return fields_
    return []


def compact_fields(resource: str, schema: dict[str, Any]) -> set[str]:
    """The string fields of a resource that compact reading dictionary-encodes: the quoted text
    and the source fields beside it (``quoted_fields``), locators (``locator``, ``*_locator``),
    fields whose values an ``enum`` constraint lists, and single-field foreign keys (a reference
    to another row repeats from row to row: a party takes part in many events)."""
    strings_ = [f["name"] for f in schema["fields"] if f.get("type", "string") == "string"]
    chosen = {name for pair in quoted_fields(resource, strings_) for name in pair}
    chosen |= {f for f in strings_ if f == "locator" or f.endswith("_locator")}
    chosen |= {
        f["name"]
        for f in schema["fields"]
        if f["name"] in strings_ and "enum" in f.get("constraints", {})
    }
    references = [_names(fk) for fk in schema.get("foreignKeys", [])]
    chosen |= {names[0] for names in references if len(names) == 1} & set(strings_)
    return chosen
