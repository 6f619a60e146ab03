"""Hypothesis strategies: whole, consistent unionstate-data packages built from small pieces.

A ``Dataset`` holds every table as rows of CSV cells (strings), parents before the rows that
reference them, plus the stored text of each source. ``write_package`` lays it out like the
shipped package (datapackage/, schemas/, seeds/) using the project's real schemas, so the
validator and frictionless read exactly what a contributor would write.

Generated data is valid by construction:
- every quote is a phrase of its source's stored text (the stored text uses typographic quotes
  where the row uses ASCII ones, so the normalisation is exercised);
- dates keep their order at any precision (the full dates are ordered, then truncated);
- parties exist from before the first act (1800s) to after the last (2100s) where dates are given;
- every field that needs its own evidence has exactly one evidence row.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from hypothesis import strategies as st

from unionstate_data.model import tables as models
from unionstate_data.problems import Problem
from unionstate_data.validation.tuning import DEFAULT, Tuning

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "schemas"
DESCRIPTOR = ROOT / "datapackage" / "datapackage.json"

Row = dict[str, str]

WORDS = [
    "union",
    "state",
    "treaty",
    "border",
    "customs",
    "army",
    "minsk",
    "moscow",
    "vote",
    "council",
    "charter",
    "budget",
    "citizen",
    "court",
    "flag",
    "rouble",
]


@dataclass
class Dataset:
    tables: dict[str, list[Row]]
    seeds: dict[str, str] = field(default_factory=dict)  # file name -> text

    def copy(self) -> Dataset:
        return copy.deepcopy(self)

    def row_number(self, table: str, index: int) -> int:
        """CSV row number of ``tables[table][index]`` (header is row 1)."""
        return index + 2 if index >= 0 else len(self.tables[table]) + index + 2


def table_key(name: str) -> str:
    """The (single-field) primary key of a table."""
    key: list[str] = json.loads((SCHEMAS / f"{name}.json").read_text())["primaryKey"]
    return key[0]


def table_fields(name: str) -> list[str]:
    return [f["name"] for f in json.loads((SCHEMAS / f"{name}.json").read_text())["fields"]]


def _csv_cell(value: str) -> str:
    if any(c in value for c in ',"\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def edit_schema(descriptor: Path, table: str, edit: Callable[[dict[str, Any]], Any]) -> None:
    """Apply ``edit`` to the Table Schema of ``table``, inline in ``descriptor`` (from 0.3.1 on
    the descriptor holds the schemas; ``schemas/`` holds the same, generated, for people)."""
    meta = json.loads(descriptor.read_text(encoding="utf-8"))
    [resource] = [r for r in meta["resources"] if r["name"] == table]
    result = edit(resource["schema"])
    if result is not None:  # the edit returned a replacement instead of editing in place
        resource["schema"] = result
    descriptor.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


def write_package(dataset: Dataset, root: Path) -> Path:
    """Write ``dataset`` under ``root``; returns the path of its datapackage.json."""
    (root / "datapackage" / "data").mkdir(parents=True, exist_ok=True)
    (root / "seeds").mkdir(exist_ok=True)
    shutil.copytree(SCHEMAS, root / "schemas", dirs_exist_ok=True)
    descriptor = root / "datapackage" / "datapackage.json"
    shutil.copyfile(DESCRIPTOR, descriptor)
    for name, rows in dataset.tables.items():
        fields = table_fields(name)
        lines = [",".join(fields)]
        lines += [",".join(_csv_cell(row.get(f, "")) for f in fields) for row in rows]
        (root / "datapackage" / "data" / f"{name}.csv").write_text(
            "\n".join(lines) + "\n", encoding="utf-8", newline="\n"
        )
    for file_name, text in dataset.seeds.items():
        (root / "seeds" / file_name).write_text(text, encoding="utf-8", newline="\n")
    return descriptor


# --- small pieces -------------------------------------------------------------------------------

phrases = st.lists(st.sampled_from(WORDS), min_size=2, max_size=5).map(" ".join)
precisions = st.sampled_from(["year", "month", "day"])
act_days = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2050, 12, 31))


def validate_dataset(dataset: Dataset, tuning: Tuning = DEFAULT) -> list[Problem]:
    """The validator's problems for ``dataset``, written to a temporary folder."""
    import tempfile

    from unionstate_data.validation.validator import validate

    with tempfile.TemporaryDirectory() as folder:
        return validate(write_package(dataset, Path(folder)), tuning=tuning).problems


def partial(day: dt.date, precision: str) -> str:
    """The partial date of ``day`` at ``precision``."""
    return {"year": f"{day:%Y}", "month": f"{day:%Y-%m}", "day": f"{day:%Y-%m-%d}"}[precision]


@st.composite
def later_day(draw: st.DrawFn, after: dt.date) -> dt.date:
    return after + dt.timedelta(days=draw(st.integers(0, 3000)))


TITLE = "Record"


@dataclass
class _Quotes:
    """Phrases per source; the stored text of a source is all its phrases."""

    by_source: dict[str, list[str]] = field(default_factory=dict)
    seeded: set[str] = field(default_factory=set)

    def evidence(self, draw: st.DrawFn) -> Row:
        source = draw(st.sampled_from(sorted(self.by_source)))
        phrase = f"{len(self.by_source[source])} {draw(phrases)} said"
        self.by_source[source].append(phrase)
        if draw(st.booleans()):  # quoted with ASCII quotes; the stored text has typographic ones
            phrase = f'{phrase} "{TITLE}"'
        return {
            "source_id": source,
            "quote": phrase,
            "locator": draw(st.sampled_from(["", "p. 1"])),
        }

    def stored_text(self, source: str) -> str:
        """All phrases of the source, with line breaks where the quotes have spaces."""
        broken = (phrase.replace(" said", "\n said") for phrase in self.by_source[source])
        return "".join(f"{phrase} \u201c{TITLE}\u201d\n" for phrase in broken)


# --- the dataset --------------------------------------------------------------------------------

# Controlled vocabularies come from the models, so the generated data follows any change.
PARTY_KINDS = list(get_args(models.PartyKind))
EVENT_KINDS = list(get_args(models.EventKind))
ROLES = ["signatory", "organiser", "winner", "participant", "subject"]
THEMES = list(get_args(models.Theme))


@st.composite
def datasets(draw: st.DrawFn) -> Dataset:
    """A whole consistent package: at least one of everything a fault may need."""
    quotes = _Quotes()
    sources = _sources(draw, quotes)
    parties, evidence = _parties(draw, quotes)
    treaties, treaty_parties, relations, signed_days = _treaties(draw, quotes, parties, evidence)
    events, participants = _events(draw, quotes, parties, treaties, signed_days, evidence)
    steps = _treaty_steps(draw, quotes, treaties, treaty_parties, signed_days)
    holders = _office_holders(draw, quotes, parties, evidence)
    clauses, themes = _clauses(draw, quotes, treaties)
    disputes = _disputes(draw, quotes, treaties)
    gaps = _gaps(clauses)
    seeds = {}
    for source in sources:
        if source["source_id"] in quotes.seeded:
            text = quotes.stored_text(source["source_id"])
            name = f"{source['source_id']}.txt"
            seeds[name] = text
            source["seed_path"] = f"../seeds/{name}"
            source["sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Dataset(
        tables={
            "sources": sources,
            "parties": parties,
            "treaties": treaties,
            "treaty_parties": treaty_parties,
            "treaty_relations": relations,
            "treaty_steps": steps,
            "events": events,
            "event_participants": participants,
            "office_holders": holders,
            "clauses": clauses,
            "clause_themes": themes,
            "evidence": evidence,
            "disputes": disputes,
            "gaps": gaps,
        },
        seeds=seeds,
    )


def _sources(draw: st.DrawFn, quotes: _Quotes) -> list[Row]:
    count = draw(st.integers(1, 3))
    rows = []
    for i in range(count):
        source_id = f"source-{i}"
        quotes.by_source[source_id] = []
        if i == 0 or draw(st.booleans()):  # source-0 always has stored text
            quotes.seeded.add(source_id)
        rows.append(
            {
                "source_id": source_id,
                "title": draw(phrases).title(),
                "kind": "article",
                "reliability": draw(st.sampled_from(["official", "news", "secondary"])),
                "language": "en",
                "published": partial(draw(act_days), draw(precisions)),
            }
        )
    return rows


def _parties(draw: st.DrawFn, quotes: _Quotes) -> tuple[list[Row], list[Row]]:
    rows, evidence = [], []
    for i in range(draw(st.integers(4, 6))):
        party_id = f"party-{i}"
        row = {
            "party_id": party_id,
            "kind": draw(st.sampled_from(PARTY_KINDS)),
            "name_en": draw(phrases).title(),
            **quotes.evidence(draw),
        }
        extras = {
            "iso3": f"X{chr(65 + i)}{chr(65 + i)}",
            "cow_code": str(100 + i),
            "wikidata_id": f"Q{1000 + i}",
            "name_ru": "Сторона",
            "start": partial(dt.date(1800 + i, 1 + i, 1), draw(precisions)),
            "end": partial(dt.date(2100 + i, 2, 1), draw(precisions)),
        }
        # party-0 and party-1 always carry every identifier (faults need them).
        chosen = (
            list(extras) if i < 2 else draw(st.lists(st.sampled_from(list(extras)), unique=True))
        )
        for name in chosen:
            row[name] = extras[name]
            evidence.append(_evidence_row(draw, quotes, "parties", party_id, name))
        rows.append(row)
    return rows, evidence


def _evidence_row(draw: st.DrawFn, quotes: _Quotes, resource: str, record: str, field: str) -> Row:
    return {
        "evidence_id": f"{resource}-{record}-{field}".replace("_", "-"),
        "resource_name": resource,
        "record_id": record,
        "field": field,
        **quotes.evidence(draw),
    }


def _treaties(draw, quotes, parties, evidence):  # type: ignore[no-untyped-def]
    count = draw(st.integers(2, 4))
    # Signature years strictly increase, so later treaties are certainly signed later.
    first = draw(st.integers(1950, 2000))
    days = [
        dt.date(first + 2 * i, draw(st.integers(1, 12)), draw(st.integers(1, 28)))
        for i in range(count)
    ]
    treaties, links, relations = [], [], []
    party_ids = [p["party_id"] for p in parties]
    for i, day in enumerate(days):
        treaty_id = f"treaty-{i}"
        scope = "bilateral" if i == 0 else draw(st.sampled_from(["bilateral", "multilateral"]))
        row = {
            "treaty_id": treaty_id,
            "name_en": draw(phrases).title(),
            "signed": partial(day, draw(precisions)),
            "scope": scope,
            **quotes.evidence(draw),
        }
        if draw(st.booleans()):
            in_force = draw(later_day(day))
            row["in_force"] = partial(in_force, draw(precisions))
            evidence.append(_evidence_row(draw, quotes, "treaties", treaty_id, "in_force"))
            if draw(st.booleans()):
                row["ended"] = partial(draw(later_day(in_force)), draw(precisions))
                evidence.append(_evidence_row(draw, quotes, "treaties", treaty_id, "ended"))
        if i == 0 or draw(st.booleans()):
            row["signed_place"] = draw(st.sampled_from(["Minsk", "Moscow", "Brest"]))
            evidence.append(_evidence_row(draw, quotes, "treaties", treaty_id, "signed_place"))
        treaties.append(row)
        size = 2 if scope == "bilateral" else draw(st.integers(3, len(party_ids)))
        members = draw(st.permutations(party_ids))[:size]
        for party_id in sorted(members):
            links.append(
                {
                    "treaty_id": treaty_id,
                    "party_id": party_id,
                    "role": draw(st.sampled_from(["signatory", "party"])),
                    **quotes.evidence(draw),
                }
            )
        if i > 0 and draw(st.booleans()):
            relations.append(
                {
                    "treaty_id": treaty_id,
                    "related_treaty_id": f"treaty-{draw(st.integers(0, i - 1))}",
                    "relation": draw(st.sampled_from(["supersedes", "amends"])),
                    **quotes.evidence(draw),
                }
            )
    return treaties, links, relations, days


def _events(draw, quotes, parties, treaties, signed_days, evidence):  # type: ignore[no-untyped-def]
    events, participants = [], []
    party_ids = [p["party_id"] for p in parties]
    for i in range(draw(st.integers(1, 4))):
        event_id = f"event-{i}"
        row = {
            "event_id": event_id,
            "kind": draw(st.sampled_from(EVENT_KINDS)),
            "title": draw(phrases).title(),
            **quotes.evidence(draw),
        }
        if draw(st.booleans()):
            t = draw(st.integers(0, len(treaties) - 1))
            row["treaty_id"] = treaties[t]["treaty_id"]
            day = draw(later_day(signed_days[t]))
        else:
            day = draw(act_days)
        row["date"] = partial(day, draw(precisions))
        if draw(st.booleans()):  # an event that spans days
            row["end_date"] = partial(day + dt.timedelta(days=draw(st.integers(0, 9))), "day")
            evidence.append(_evidence_row(draw, quotes, "events", event_id, "end_date"))
        events.append(row)
        size = 1 if i == 0 else draw(st.integers(0, 3))  # event-0 always has a participant
        for party_id in sorted(draw(st.permutations(party_ids))[:size]):
            participants.append(
                {
                    "event_id": event_id,
                    "party_id": party_id,
                    "role": draw(st.sampled_from(ROLES)),
                    **quotes.evidence(draw),
                }
            )
    return events, participants


def _clauses(draw, quotes, treaties):  # type: ignore[no-untyped-def]
    clauses, themes = [], []
    for i in range(draw(st.integers(1, 3))):
        evidence = quotes.evidence(draw)
        evidence["quote"] = quotes.by_source[evidence["source_id"]][-1]  # without the title
        words = evidence["quote"].split(" ")
        bracketed = draw(st.booleans())
        if bracketed:  # an editorial insertion, kept in the text and in the stored source
            words[1] = f"[{words[1]}]"
            evidence["quote"] = " ".join(words)
            quotes.by_source[evidence["source_id"]][-1] = evidence["quote"]
        text = " ".join(words[1:3])
        clause_id = f"clause-{i}"
        clauses.append(
            {
                "clause_id": clause_id,
                "treaty_id": draw(st.sampled_from(treaties))["treaty_id"],
                "text": text,
                "language": "en",
                "text_status": "authentic",
                "editorial_brackets": "true" if bracketed else "false",
                **evidence,
            }
        )
        for theme in sorted(draw(st.lists(st.sampled_from(THEMES), max_size=2, unique=True))):
            themes.append({"clause_id": clause_id, "theme": theme})
    return clauses, themes


STEP_KINDS = ["ratification", "entry_into_force", "exchange_of_ratifications"]


def _treaty_steps(draw, quotes, treaties, links, signed_days):  # type: ignore[no-untyped-def]
    """Some steps after each treaty's signature, for one of its parties or for the whole."""
    steps = []
    for treaty, day in zip(treaties, signed_days, strict=True):
        members = [link["party_id"] for link in links if link["treaty_id"] == treaty["treaty_id"]]
        for k in range(draw(st.integers(0, 2))):
            party = draw(st.sampled_from(["", *members]))
            steps.append(
                {
                    "step_id": f"{treaty['treaty_id']}-step-{k}",
                    "treaty_id": treaty["treaty_id"],
                    "party_id": party,
                    "step": draw(st.sampled_from(STEP_KINDS)),
                    "date": partial(draw(later_day(day)), draw(precisions)),
                    "act": draw(st.sampled_from(["", "Law No. 1"])),
                    **quotes.evidence(draw),
                }
            )
    return steps


def _office_holders(draw, quotes, parties, evidence):  # type: ignore[no-untyped-def]
    """One or two terms of office: party-0 holds an office of party-1."""
    holders = []
    for k in range(draw(st.integers(1, 2))):
        holder_id = f"holder-{k}"
        start = draw(act_days)
        row = {
            "holder_id": holder_id,
            "body_id": parties[1]["party_id"],
            "office": "Secretary",
            "person_id": parties[0]["party_id"],
            "start": partial(start, draw(precisions)),
            **quotes.evidence(draw),
        }
        if draw(st.booleans()):
            row["end"] = partial(draw(later_day(start)), draw(precisions))
            evidence.append(_evidence_row(draw, quotes, "office_holders", holder_id, "end"))
        holders.append(row)
    return holders


def _gaps(clauses):  # type: ignore[no-untyped-def]
    """A known gap: the article of clause-0, which generated clauses leave empty."""
    return [
        {
            "gap_id": "gap-0",
            "resource_name": "clauses",
            "record_id": clauses[0]["clause_id"],
            "field": "article",
            "searched": "the article number, in the stored text",
            "recorded": "2026-12-01",
        }
    ]


def _disputes(draw, quotes, treaties):  # type: ignore[no-untyped-def]
    treaty = treaties[0]  # treaty-0 always has a signed_place
    chosen, alternative = quotes.evidence(draw), quotes.evidence(draw)
    return [
        {
            "dispute_id": "dispute-0",
            "resource_name": "treaties",
            "record_id": treaty["treaty_id"],
            "field": "signed_place",
            "chosen_value": treaty["signed_place"],
            "chosen_source_id": chosen["source_id"],
            "chosen_quote": chosen["quote"],
            "alternative_value": "Elsewhere",
            "alternative_source_id": alternative["source_id"],
            "alternative_quote": alternative["quote"],
            "rationale": "The stronger source.",
        }
    ]
