"""What the timeline explorer page shows, as one JSON-able dict built from the typed tables.

The page (``releases.explorer``) embeds this dict and draws everything from it; nothing here
knows about HTML. Partial dates are embedded with their bounds (``[original, lower, upper]``,
ISO days, as ``model.dates`` computes them), so the page judges "in force on a date" by
comparing strings and never reimplements the calendar of partial dates.

Lanes. Every treaty is drawn in the treaties lane. Every event goes to the first lane whose rule
matches (``event_lane``):

1. kind ``election`` or ``referendum``, or "election"/"referendum" in the title: elections;
2. kind ``military``: security and defence;
3. kind ``summit``, ``founding`` or ``dissolution``: summits and governing bodies;
4. a security word in the title (or, for an event about a treaty, in the treaty's English name):
   security and defence (``SECURITY_WORDS``);
5. an economy or energy word there: economy and energy (``ECONOMY_WORDS``);
6. an event about a treaty (signing, ratification, entry into force...): treaties;
7. anything else (foundings, dissolutions, appointments): summits and governing bodies.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ..queries.asof import BODY_KINDS, row_spans, treaty_spans
from ..queries.asof import TABLES as AS_OF_TABLES
from ..queries.judging import span_records

__all__ = ["ECONOMY_WORDS", "LANES", "LANE_RULES", "SECURITY_WORDS", "event_lane", "explorer_data"]

#: Lane ID -> label, top to bottom.
LANES: dict[str, str] = {
    "treaties": "Treaties",
    "summits": "Summits and governing bodies",
    "elections": "Elections and referendums",
    "economy": "Economy and energy",
    "security": "Security and defence",
}
SECURITY_WORDS = (
    "defence", "defense", "military", "security", "nuclear weapons", "aggression", "invasion",
    "troops", "exercise", "armed forces", "iskander", "oreshnik", "missile",
)  # fmt: skip
ECONOMY_WORDS = (
    "gas", "oil", "loan", "credit", "customs", "trade", "currency", "rouble", "economic",
    "economy", "dairy", "milk", "duties", "tariff", "price", "beltransgaz", "gazprom",
    "transneft", "energy", "power plant", "monetary", "business", "convertibility", "tax",
)  # fmt: skip
#: What the page shows of a dispute: both values, both sources and quotes, and why.
DISPUTE_FIELDS = (
    "field", "chosen_value", "chosen_source_id", "chosen_quote", "alternative_value",
    "alternative_source_id", "alternative_quote", "rationale",
)  # fmt: skip
#: The lane rules in a sentence, shown on the page.
LANE_RULES = (
    "every treaty in Treaties; an event in Elections and referendums if it is an election or a "
    "referendum, else in Security and defence if it is military, else in Summits and governing "
    "bodies if it is a summit, a founding or a dissolution, else in Security and defence or in "
    "Economy and energy if its title (or its treaty's name) has a security word or an economy "
    "or energy word, else in Treaties if it concerns a treaty, and otherwise in Summits and "
    "governing bodies."
)
#: Party kinds listed as bodies in the as-of panel.
#: The fields of each table shown on the page, in order (the row's evidence backs them unless
#: an evidence row of their own does).
SHOWN = {
    "treaties": ("name_en", "title_en", "title_ru", "signed", "signed_place", "in_force",
                 "ended", "scope"),
    "events": ("title", "kind", "date", "end_date", "description"),
}  # fmt: skip


def _has_word(text: str, words: tuple[str, ...]) -> bool:
    return any(re.search(rf"\b{re.escape(word)}", text, re.IGNORECASE) for word in words)


def event_lane(kind: str, title: str, treaty_name: str | None) -> str:
    """The lane of an event (the rules in the module docstring)."""
    if kind in ("election", "referendum") or _has_word(title, ("election", "referendum")):
        return "elections"
    if kind == "military":
        return "security"
    if kind in ("summit", "founding", "dissolution"):
        return "summits"
    text = f"{title} {treaty_name or ''}"
    if _has_word(text, SECURITY_WORDS):
        return "security"
    if _has_word(text, ECONOMY_WORDS):
        return "economy"
    return "treaties" if treaty_name is not None else "summits"


def _day(value: Any) -> str | None:
    return None if value is None else str(value.isoformat())


def _dated(row: dict[str, Any], field: str) -> list[str] | None:
    """``[original, lower, upper]`` of a partial-date field, or None when it is empty."""
    if row.get(field) is None:
        return None
    return [row[field], _day(row[f"{field}_lower"]) or "", _day(row[f"{field}_upper"]) or ""]


def _rows(tables: dict[str, pa.Table], name: str) -> list[dict[str, Any]]:
    """The rows of a table; none when the version has no such table (0.1.0 has no gaps)."""
    return list(tables[name].to_pylist()) if name in tables else []


def _by(rows: list[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row[key]].append(row)
    return grouped


def _notes(tables: dict[str, pa.Table], name: str, keep: tuple[str, ...]) -> dict[str, Any]:
    """Rows of evidence, disputes or gaps keyed ``resource/record_id``."""
    notes: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in _rows(tables, name):
        notes[f"{row['resource_name']}/{row['record_id']}"].append({k: row[k] for k in keep})
    return dict(notes)


def _evidence_of(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in ("source_id", "quote", "locator")}


def _treaty_items(tables: dict[str, pa.Table], rel: dict[str, str]) -> list[dict[str, Any]]:
    themes = _treaty_themes(tables)
    parties = _by(_rows(tables, "treaty_parties"), "treaty_id")
    relations = _rows(tables, "treaty_relations")
    items = []
    for row in _rows(tables, "treaties"):
        tid = row["treaty_id"]
        links = [["treaty", r["related_treaty_id"], r["relation"]] for r in relations
                 if r["treaty_id"] == tid]  # fmt: skip
        links += [["treaty", r["treaty_id"], f"{r['relation']} this (by)"] for r in relations
                  if r["related_treaty_id"] == tid]  # fmt: skip
        end = _dated(row, "ended")
        items.append({
            "id": f"treaty:{tid}", "table": "treaties", "record_id": tid, "lane": "treaties",
            "kind": "treaty", "title": row["name_en"],
            "title_ru": row.get("title_ru"), "title_en": row.get("title_en"),
            "start": row["signed_lower"].isoformat(),
            "end": end[2] if end else None, "open": end is None,
            "themes": themes.get(tid, []), "reliability": rel[row["source_id"]],
            "parties": sorted({p["party_id"] for p in parties.get(tid, [])}),
            "roles": [[p["party_id"], p["role"]] for p in parties.get(tid, [])],
            "fields": [[f, row.get(f)] for f in SHOWN["treaties"]],
            "evidence": _evidence_of(row), "links": links,
        })  # fmt: skip
    return items


def _treaty_themes(tables: dict[str, pa.Table]) -> dict[str, list[str]]:
    """A treaty's themes: those its quoted clauses are coded with (``clause_themes``)."""
    clause_treaty = {c["clause_id"]: c["treaty_id"] for c in _rows(tables, "clauses")}
    themes: dict[str, set[str]] = defaultdict(set)
    for row in _rows(tables, "clause_themes"):
        themes[clause_treaty[row["clause_id"]]].add(row["theme"])
    return {tid: sorted(found) for tid, found in themes.items()}


def _event_items(tables: dict[str, pa.Table], rel: dict[str, str]) -> list[dict[str, Any]]:
    names = {t["treaty_id"]: t["name_en"] for t in _rows(tables, "treaties")}
    themes = _treaty_themes(tables)
    participants = _by(_rows(tables, "event_participants"), "event_id")
    items = []
    for row in _rows(tables, "events"):
        tid = row.get("treaty_id")
        end = _dated(row, "end_date")
        items.append({
            "id": f"event:{row['event_id']}", "table": "events", "record_id": row["event_id"],
            "lane": event_lane(row["kind"], row["title"], names.get(tid) if tid else None),
            "kind": row["kind"], "title": row["title"], "title_ru": None, "title_en": None,
            "start": row["date_lower"].isoformat(),
            "end": end[2] if end else None, "open": False,
            "themes": themes.get(tid, []) if tid else [], "reliability": rel[row["source_id"]],
            "parties": sorted({p["party_id"] for p in participants.get(row["event_id"], [])}),
            "roles": [[p["party_id"], p["role"]] for p in participants.get(row["event_id"], [])],
            "fields": [[f, row.get(f)] for f in SHOWN["events"]],
            "evidence": _evidence_of(row),
            "links": [["treaty", tid, "concerns"]] if tid else [],
        })  # fmt: skip
    return items


def _as_of_treaties(tables: dict[str, pa.Table]) -> list[dict[str, Any]]:
    """What the page's as-of control judges each treaty by: the spans ``usd.in_force`` judges
    (``queries.asof.treaty_spans``), to which the page applies the same rules. A version
    without the tables that judgement needs (before 0.3.0) gets none: the page says so."""
    rows = _rows(tables, "treaties")
    if not set(AS_OF_TABLES) <= set(tables):
        return [{"treaty_id": r["treaty_id"], "name": r["name_en"], "span": None} for r in rows]
    ids, span = treaty_spans(tables)
    names = {r["treaty_id"]: r["name_en"] for r in rows}
    return [
        {"treaty_id": treaty, "name": names[treaty], "span": record}
        for treaty, record in zip(ids["treaty_id"].to_pylist(), span_records(span), strict=True)
    ]


def _as_of_spans(tables: dict[str, pa.Table], resource: str, key: str) -> list[dict[str, Any]]:
    """The parties' or offices' spans ``usd.as_of`` judges (``queries.asof.row_spans``), for the
    as-of panel; none for a version without the tables that judgement needs."""
    if not set(AS_OF_TABLES) <= set(tables):
        return []
    rows = tables[resource]
    if resource == "parties":
        rows = rows.filter(pc.is_in(rows["kind"], value_set=pa.array(BODY_KINDS)))
    spans = span_records(row_spans(rows, key, tables, resource))
    return [
        {"id": row_id, "span": span}
        for row_id, span in zip(rows[key].to_pylist(), spans, strict=True)
    ]


def explorer_data(tables: dict[str, pa.Table], version: str, citation: str) -> dict[str, Any]:
    """Everything the page shows, from the typed tables of one version of the package."""
    sources = _rows(tables, "sources")
    rel = {s["source_id"]: s["reliability"] for s in sources}
    parties = _rows(tables, "parties")
    offices = _as_of_spans(tables, "office_holders", "holder_id")
    for span, row in zip(offices, _rows(tables, "office_holders") if offices else [], strict=True):
        span.update(body=row["body_id"], office=row["office"], person=row["person_id"])
    keep_source = ("title", "publisher", "published", "reliability", "url", "kind", "language")
    return {
        "version": version,
        "citation": citation,
        "lanes": [[lane, label] for lane, label in LANES.items()],
        "lane_rules": LANE_RULES,
        "items": _treaty_items(tables, rel) + _event_items(tables, rel),
        "sources": {s["source_id"]: {k: s[k] for k in keep_source} for s in sources},
        "parties": {p["party_id"]: [p["name_en"], p["name_ru"], p["kind"]] for p in parties},
        "evidence": _notes(tables, "evidence", ("field", "source_id", "quote", "locator")),
        "disputes": _notes(tables, "disputes", DISPUTE_FIELDS),
        "gaps": _notes(tables, "gaps", ("field", "searched", "note")),
        "steps": {
            tid: [[s["step"], s["party_id"], s["date"], s["act"], _evidence_of(s)] for s in rows]
            for tid, rows in sorted(_by(_rows(tables, "treaty_steps"), "treaty_id").items())
        },
        "as_of": {
            "treaties": _as_of_treaties(tables),
            "bodies": _as_of_spans(tables, "parties", "party_id"),
            "office_holders": offices,
        },
    }
