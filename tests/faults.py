"""Single faults to inject into a generated consistent dataset.

Each fault changes one thing (adding the evidence a new value would need, so that only the
intended rule can object) and returns the one problem it must cause: (code, resource, row).
``TABLE_SCHEMA_FAULTS`` are the faults Frictionless can also see, with the error type it uses.
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import assume
from hypothesis import strategies as st
from strategies import Dataset, Row, table_key

from unionstate_data.problems import FRICTIONLESS_ERRORS

Expected = tuple[str, str, int]
Fault = Callable[[Dataset, st.DataObject], Expected]


def _pick(
    data: st.DataObject,
    dataset: Dataset,
    table: str,
    where: Callable[[Row], bool] = lambda row: True,
) -> int:
    """A random row of ``table`` that satisfies ``where`` (the example is dropped if none does)."""
    indices = [i for i, row in enumerate(dataset.tables[table]) if where(row)]
    assume(indices)
    return data.draw(st.sampled_from(indices), label=f"{table} row")


def _append(dataset: Dataset, table: str, row: Row) -> int:
    dataset.tables[table].append(row)
    return dataset.row_number(table, -1)


def _evidence_for(dataset: Dataset, resource: str, record: str, field: str) -> None:
    """Add a valid evidence row for a new value, borrowing an existing row's quote."""
    donor = dataset.tables["parties"][0]
    dataset.tables["evidence"].append(
        {
            "evidence_id": f"added-{resource}-{record}-{field}".replace("_", "-"),
            "resource_name": resource,
            "record_id": record,
            "field": field,
            "source_id": donor["source_id"],
            "quote": donor["quote"],
        }
    )


def type_error(dataset: Dataset, data: st.DataObject) -> Expected:
    i = _pick(data, dataset, "clauses")
    dataset.tables["clauses"][i]["editorial_brackets"] = "perhaps"
    return ("type-error", "clauses", dataset.row_number("clauses", i))


def required(dataset: Dataset, data: st.DataObject) -> Expected:
    i = _pick(data, dataset, "events")
    dataset.tables["events"][i]["title"] = ""
    return ("required", "events", dataset.row_number("events", i))


def enum(dataset: Dataset, data: st.DataObject) -> Expected:
    i = _pick(data, dataset, "events")
    dataset.tables["events"][i]["kind"] = "coup-de-theatre"
    return ("enum", "events", dataset.row_number("events", i))


def pattern(dataset: Dataset, data: st.DataObject) -> Expected:
    i = _pick(data, dataset, "events")
    dataset.tables["events"][i]["date"] = "14 May 1995"
    return ("pattern", "events", dataset.row_number("events", i))


def minimum(dataset: Dataset, data: st.DataObject) -> Expected:
    i = _pick(data, dataset, "parties", lambda row: "cow_code" in row)
    dataset.tables["parties"][i]["cow_code"] = "0"
    return ("minimum", "parties", dataset.row_number("parties", i))


def unique(dataset: Dataset, data: st.DataObject) -> Expected:
    parties = dataset.tables["parties"]
    # party-0 and party-1 always have a Wikidata ID: give the later one the earlier one's.
    parties[1]["wikidata_id"] = parties[0]["wikidata_id"]
    return ("unique", "parties", dataset.row_number("parties", 1))


def primary_key(dataset: Dataset, data: st.DataObject) -> Expected:
    i = _pick(data, dataset, "event_participants")
    row = _append(dataset, "event_participants", dict(dataset.tables["event_participants"][i]))
    return ("primary-key", "event_participants", row)


def foreign_key(dataset: Dataset, data: st.DataObject) -> Expected:
    i = _pick(data, dataset, "event_participants")
    dataset.tables["event_participants"][i]["party_id"] = "nobody-at-all"
    return ("foreign-key", "event_participants", dataset.row_number("event_participants", i))


def date_invalid(dataset: Dataset, data: st.DataObject) -> Expected:
    i = _pick(data, dataset, "events")
    dataset.tables["events"][i]["date"] = "1995-02-30"
    return ("date-invalid", "events", dataset.row_number("events", i))


def date_order(dataset: Dataset, data: st.DataObject) -> Expected:
    i = _pick(
        data, dataset, "treaties", lambda row: not row.get("in_force") and not row.get("ended")
    )
    treaty = dataset.tables["treaties"][i]
    treaty["ended"] = str(int(treaty["signed"][:4]) - 1)
    _evidence_for(dataset, "treaties", treaty["treaty_id"], "ended")
    return ("date-order", "treaties", dataset.row_number("treaties", i))


def _reaches(dataset: Dataset, start: str, goal: str) -> bool:
    """Whether a chain of treaty relations leads from ``start`` to ``goal``."""
    seen, todo = set(), [start]
    while todo:
        treaty = todo.pop()
        for relation in dataset.tables["treaty_relations"]:
            if relation["treaty_id"] == treaty and relation["related_treaty_id"] not in seen:
                seen.add(relation["related_treaty_id"])
                todo.append(relation["related_treaty_id"])
    return goal in seen


def supersedes_order(dataset: Dataset, data: st.DataObject) -> Expected:
    treaties = dataset.tables["treaties"]  # signature years strictly increase
    donor = treaties[0]
    # The new relation must close no cycle (that is relation-cycle's fault).
    assume(not _reaches(dataset, treaties[-1]["treaty_id"], treaties[0]["treaty_id"]))
    row = _append(
        dataset,
        "treaty_relations",
        {
            "treaty_id": treaties[0]["treaty_id"],
            "related_treaty_id": treaties[-1]["treaty_id"],
            "relation": "implements",
            "source_id": donor["source_id"],
            "quote": donor["quote"],
        },
    )
    return ("supersedes-order", "treaty_relations", row)


def relation_cycle(dataset: Dataset, data: st.DataObject) -> Expected:
    treaty = dataset.tables["treaties"][_pick(data, dataset, "treaties")]
    row = _append(
        dataset,
        "treaty_relations",
        {
            "treaty_id": treaty["treaty_id"],
            "related_treaty_id": treaty["treaty_id"],  # itself: signed the same day, in order
            "relation": "amends",
            "source_id": treaty["source_id"],
            "quote": treaty["quote"],
        },
    )
    return ("relation-cycle", "treaty_relations", row)


def event_before_treaty(dataset: Dataset, data: st.DataObject) -> Expected:
    treaty = dataset.tables["treaties"][-1]
    row = _append(
        dataset,
        "events",
        {
            "event_id": "added-event",
            "date": str(int(treaty["signed"][:4]) - 1),
            "kind": "summit",
            "title": "Too early",
            "treaty_id": treaty["treaty_id"],
            "source_id": treaty["source_id"],
            "quote": treaty["quote"],
        },
    )
    return ("event-before-treaty", "events", row)


def party_not_existing(dataset: Dataset, data: st.DataObject) -> Expected:
    donor = dataset.tables["parties"][0]
    dataset.tables["parties"].append(
        {
            "party_id": "added-party",
            "kind": "state",
            "name_en": "Future State",
            "start": "2150",
            "source_id": donor["source_id"],
            "quote": donor["quote"],
        }
    )
    _evidence_for(dataset, "parties", "added-party", "start")
    event = dataset.tables["events"][_pick(data, dataset, "events")]
    row = _append(
        dataset,
        "event_participants",
        {
            "event_id": event["event_id"],
            "party_id": "added-party",
            "role": "participant",
            "source_id": donor["source_id"],
            "quote": donor["quote"],
        },
    )
    return ("party-not-existing", "event_participants", row)


def bilateral_parties(dataset: Dataset, data: st.DataObject) -> Expected:
    i = _pick(data, dataset, "treaties", lambda row: row["scope"] == "bilateral")
    treaty = dataset.tables["treaties"][i]
    listed = {
        r["party_id"]
        for r in dataset.tables["treaty_parties"]
        if r["treaty_id"] == treaty["treaty_id"]
    }
    extra = next(p["party_id"] for p in dataset.tables["parties"] if p["party_id"] not in listed)
    dataset.tables["treaty_parties"].append(
        {
            "treaty_id": treaty["treaty_id"],
            "party_id": extra,
            "role": "signatory",
            "source_id": treaty["source_id"],
            "quote": treaty["quote"],
        }
    )
    return ("bilateral-parties", "treaties", dataset.row_number("treaties", i))


def treaty_without_parties(dataset: Dataset, data: st.DataObject) -> Expected:
    donor = dataset.tables["treaties"][0]
    row = _append(
        dataset,
        "treaties",
        {
            "treaty_id": "added-treaty",
            "name_en": "Lonely Treaty",
            "signed": "1990",
            "scope": "multilateral",
            "source_id": donor["source_id"],
            "quote": donor["quote"],
        },
    )
    return ("treaty-without-parties", "treaties", row)


def quote_not_verbatim(dataset: Dataset, data: st.DataObject) -> Expected:
    table = data.draw(st.sampled_from(["parties", "treaties", "events", "treaty_parties"]))
    i = _pick(data, dataset, table, lambda row: row["source_id"] == "source-0")
    dataset.tables[table][i]["quote"] += " and then some"
    return ("quote-not-verbatim", table, dataset.row_number(table, i))


def source_hash(dataset: Dataset, data: st.DataObject) -> Expected:
    dataset.tables["sources"][0]["sha256"] = "0" * 64
    return ("source-hash", "sources", dataset.row_number("sources", 0))


def source_seed_pair(dataset: Dataset, data: st.DataObject) -> Expected:
    dataset.tables["sources"][0]["sha256"] = ""
    return ("source-seed-pair", "sources", dataset.row_number("sources", 0))


def seed_file_missing(dataset: Dataset, data: st.DataObject) -> Expected:
    del dataset.seeds["source-0.txt"]
    return ("file-missing", "sources", dataset.row_number("sources", 0))


def editorial_brackets(dataset: Dataset, data: st.DataObject) -> Expected:
    i = _pick(data, dataset, "clauses")
    clause = dataset.tables["clauses"][i]
    clause["editorial_brackets"] = "false" if clause["editorial_brackets"] == "true" else "true"
    return ("editorial-brackets", "clauses", dataset.row_number("clauses", i))


def evidence_target(dataset: Dataset, data: st.DataObject) -> Expected:
    donor = dataset.tables["parties"][0]
    row = _append(
        dataset,
        "evidence",
        {
            "evidence_id": "added-evidence",
            "resource_name": "treaties",
            "record_id": "no-such-treaty",
            "field": "title_ru",
            "source_id": donor["source_id"],
            "quote": donor["quote"],
        },
    )
    return ("evidence-target", "evidence", row)


def field_evidence_missing(dataset: Dataset, data: st.DataObject) -> Expected:
    evidence = dataset.tables["evidence"]
    i = _pick(data, dataset, "evidence")
    gone = evidence.pop(i)
    table = dataset.tables[gone["resource_name"]]
    key = table_key(gone["resource_name"])
    index = next(j for j, row in enumerate(table) if row[key] == gone["record_id"])
    return (
        "field-evidence-missing",
        gone["resource_name"],
        dataset.row_number(gone["resource_name"], index),
    )


def dispute_value(dataset: Dataset, data: st.DataObject) -> Expected:
    dataset.tables["disputes"][0]["chosen_value"] = "Nowhere"
    return ("dispute-value", "disputes", dataset.row_number("disputes", 0))


def gap_filled(dataset: Dataset, data: st.DataObject) -> Expected:
    # The gap now names the place of signature of treaty-0, which always holds one.
    gap = dataset.tables["gaps"][0]
    gap.update(resource_name="treaties", record_id="treaty-0", field="signed_place")
    return ("gap-filled", "gaps", dataset.row_number("gaps", 0))


FAULTS: dict[str, Fault] = {
    f.__name__: f
    for f in (
        type_error,
        required,
        enum,
        pattern,
        minimum,
        unique,
        primary_key,
        foreign_key,
        date_invalid,
        date_order,
        supersedes_order,
        relation_cycle,
        event_before_treaty,
        party_not_existing,
        bilateral_parties,
        treaty_without_parties,
        quote_not_verbatim,
        source_hash,
        source_seed_pair,
        seed_file_missing,
        editorial_brackets,
        evidence_target,
        field_evidence_missing,
        dispute_value,
        gap_filled,
    )
}

#: Faults Table Schema covers, with the error type Frictionless reports for them.
TABLE_SCHEMA_FAULTS: dict[str, str] = {
    name: FRICTIONLESS_ERRORS[name.replace("_", "-")]
    for name in FAULTS
    if name.replace("_", "-") in FRICTIONLESS_ERRORS
}
