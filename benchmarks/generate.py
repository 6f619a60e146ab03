"""Generate a large synthetic unionstate-data package, consistent by construction, plus a known
set of injected faults recorded in ``faults.json`` next to it.

The package is laid out like the shipped one (``datapackage/``, ``schemas/``, ``seeds/``) with the
project's own schemas and descriptor, as ``tests/strategies.write_package`` does, so the validator
and Frictionless read exactly what a contributor would write. It is built column-wise (numpy
indices, pyarrow ``take`` and string kernels); Python loops run only over the pool of distinct
sentences, the parties and the faults, never over the rows.

What holds in the clean package (the same invariants as ``tests/strategies.py``):

- every content row has ``source_id``, ``quote`` and (mostly) ``locator``; each quote is a
  sentence of its source's stored text in ``seeds/`` (the stored text has typographic quotes and
  line breaks where the row has ASCII quotes and spaces, so the normalisation is exercised), and
  ``locator`` is the line the sentence starts on; each clause text is a fragment of its quote;
- dates keep their order at any precision: full dates are ordered first, then truncated;
  treaties are signed in index order (1950-2000), so a relation to an earlier-indexed treaty
  is never out of order; parties exist from the 1800s to the 2100s, around every act;
- a bilateral treaty has exactly two parties, a multilateral one three to six;
- every filled field marked ``x-field-evidence`` has exactly one evidence row;
- each dispute's chosen value is the value the treaty holds.

Usage::

    .venv/bin/python benchmarks/generate.py --rows 100000 --out /tmp/usd-100k
    .venv/bin/python benchmarks/generate.py --rows 1000 --out /tmp/usd-clean --clean
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

import pyarrow as pa
import pyarrow.compute as pc

from unionstate_data.model import tables as models

try:
    import numpy as np
except ImportError as exc:  # the package does not need numpy; only this generator does
    raise SystemExit("benchmarks/generate.py needs numpy: .venv/bin/pip install numpy") from exc

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "schemas"
DESCRIPTOR = ROOT / "datapackage" / "datapackage.json"

PARTIES = 1000
#: Sentences per stored source: a long article, some 50 KB of text.
SENTENCES_PER_SOURCE = 400
#: Share of the rows that cite a source without stored text (their quotes cannot be checked).
UNSTORED_SHARE = 0.1
#: A stored source no row cites; the seed-file-missing fault deletes its file.
SPARE_SOURCE = "source-spare"
# Controlled vocabularies come from the models, so the generated data follows any change.
EVENT_KINDS = list(get_args(models.EventKind))
PARTY_KINDS = list(get_args(models.PartyKind))
PARTICIPANT_ROLES = ["signatory", "organiser", "winner", "candidate", "participant", "subject"]
THEMES = list(get_args(models.Theme))
PLACES = ["Minsk", "Moscow", "Brest", "Almaty, Kazakhstan", "Sochi"]
TAG = "Union State"
EPOCH = dt.date(1970, 1, 1)


def _day(year: int, month: int = 1, day: int = 1) -> int:
    return (dt.date(year, month, day) - EPOCH).days


def vocabulary() -> tuple[list[str], np.ndarray]:
    """Some 2,000 words (a quarter Cyrillic) and Zipf-like frequencies, as in running text."""
    latin = "ka lo mi ne ru sta tor vel dan gor li pe sha zu bra ost in the of and"
    cyrillic = "ка ло ми не ру ста тор вел дан гор ли пе"  # noqa: RUF001 (Cyrillic on purpose)
    latin, cyrillic = latin.split(" "), cyrillic.split(" ")
    words = [a + b for a in latin for b in latin] + [a + b for a in latin for b in latin[:10]]
    words += [a + b + c for a in cyrillic for b in cyrillic for c in cyrillic[:4]]
    words = sorted(set(words))
    order = np.random.default_rng(7).permutation(len(words))
    frequency = 1.0 / (np.arange(len(words)) + 2.0)
    return [words[i] for i in order], frequency / frequency.sum()


# --- column helpers ------------------------------------------------------------------------------


def ids(prefix: str, numbers: np.ndarray) -> pa.Array:
    """``prefix-N`` for each number: slugs like ``event-41``."""
    text = pc.cast(pa.array(numbers, pa.int64()), pa.string())
    return pc.binary_join_element_wise(pa.scalar(prefix), text, "-")


def partial_dates(days: np.ndarray, precision: np.ndarray) -> pa.Array:
    """Partial dates of ``days`` (since 1970) at ``precision`` (0 year, 1 month, 2 day)."""
    full = pc.strftime(
        pc.cast(pa.array(days.astype(np.int32), pa.date32()), pa.timestamp("s")),
        format="%Y-%m-%d",
    )
    precision = pa.array(precision, pa.int8())
    return pc.case_when(
        pc.make_struct(pc.equal(precision, 0), pc.equal(precision, 1)),
        pc.utf8_slice_codeunits(full, 0, 4),
        pc.utf8_slice_codeunits(full, 0, 7),
        full,
    )


def masked(values: pa.Array, keep: np.ndarray) -> pa.Array:
    """``values`` where ``keep``, null (an empty cell) elsewhere."""
    return pc.if_else(pa.array(keep), values, pa.scalar(None, values.type))


def constant(value: str, length: int) -> pa.Array:
    return pa.array(np.full(length, value, dtype=object), pa.string())


def group_positions(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For groups of ``counts`` rows: each row's group and its position within the group."""
    owner = np.repeat(np.arange(len(counts)), counts)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    return owner, np.arange(len(owner)) - starts


# --- the quote pool ------------------------------------------------------------------------------


@dataclass
class Pool:
    """Distinct sentences of every source: as rows quote them, and as the stored text has them.

    Sources ``source-0`` ... are stored (a text in ``seeds/``); the last citable source is not,
    and ``SPARE_SOURCE`` is stored but cited by no row.
    """

    source_ids: list[str]
    stored: list[bool]
    first: np.ndarray  # first sentence of each citable source
    count: np.ndarray  # its number of sentences
    sentence_source: np.ndarray  # source index per sentence
    quote: pa.Array  # as quoted in the rows (ASCII quotation marks, single spaces)
    fragment: pa.Array  # a run of words of the sentence: clause texts
    locator: pa.Array  # "line N" of the stored text where the sentence starts
    seeds: dict[str, str] = field(default_factory=dict)  # file name -> stored text

    def draw(self, rng: np.random.Generator, count: int) -> np.ndarray:
        """Sentence indices for ``count`` rows: stored sources alike, the unstored one less."""
        unstored = len(self.first) - 1
        source = np.where(
            rng.random(count) < UNSTORED_SHARE, unstored, rng.integers(0, unstored, count)
        )
        return self.first[source] + (rng.random(count) * self.count[source]).astype(np.int64)

    def evidence(self, rng: np.random.Generator, sentence: np.ndarray) -> dict[str, pa.Array]:
        """``source_id``, ``quote`` and ``locator`` columns for rows citing ``sentence``."""
        index = pa.array(sentence)
        return {
            "source_id": pa.array(self.source_ids).take(pa.array(self.sentence_source[sentence])),
            "quote": self.quote.take(index),
            "locator": masked(self.locator.take(index), rng.random(len(sentence)) < 0.9),
        }


def build_pool(rng: np.random.Generator, size: int, stored_sources: int | None = None) -> Pool:
    """Some ``size`` distinct sentences: ``SENTENCES_PER_SOURCE`` per stored source (at least
    four sources), or all of them in ``stored_sources`` sources; plus the sentences of one source
    without stored text. The stored texts hold their sentences."""
    stored_count = stored_sources or max(4, -(-size // SENTENCES_PER_SOURCE))
    sentences = -(-size // stored_count) if stored_sources else SENTENCES_PER_SOURCE
    source_ids = [f"source-{i}" for i in range(stored_count + 1)]
    per_source = [sentences] * stored_count + [max(20, size // 10)]
    words, frequency = vocabulary()
    total = sum(per_source)
    lengths = rng.integers(8, 25, total)
    drawn = rng.choice(len(words), size=int(lengths.sum()), p=frequency)
    ends = np.cumsum(lengths)
    quotes: list[str] = []
    fragments: list[str] = []
    locators: list[str] = []
    seeds: dict[str, str] = {}
    k = 0
    for s, source_id in enumerate(source_ids):
        lines = [f"Stored text of {source_id} (synthetic, for benchmarks)."]
        for _ in range(per_source[s]):
            body = [words[i] for i in drawn[ends[k] - lengths[k] : ends[k]]]
            quote, stored_form, fragment = _sentence(rng, body)
            locators.append(f"line {len(lines) + 1}")
            lines += stored_form.split("\n")
            quotes.append(quote)
            fragments.append(fragment)
            k += 1
        if s < stored_count:
            seeds[f"{source_id}.txt"] = "\n".join(lines) + "\n"
    seeds[f"{SPARE_SOURCE}.txt"] = "A stored text no row cites.\n"
    counts = np.array(per_source)
    return Pool(
        source_ids=[*source_ids, SPARE_SOURCE],
        stored=[True] * stored_count + [False, True],
        first=np.cumsum(counts) - counts,
        count=counts,
        sentence_source=np.repeat(np.arange(len(counts)), counts),
        quote=pa.array(quotes, pa.string()),
        fragment=pa.array(fragments, pa.string()),
        locator=pa.array(locators, pa.string()),
        seeds=seeds,
    )


def _sentence(rng: np.random.Generator, body: list[str]) -> tuple[str, str, str]:
    """One sentence: as quoted, as stored (typographic quotes, a line break), and a fragment."""
    if rng.random() < 0.2:  # an editorial insertion, kept in the quote and in the stored text
        i = int(rng.integers(0, len(body)))
        body[i] = f"[{body[i]}]"
    year = int(rng.integers(1950, 2010))
    quote = f'In {year} the "{TAG}" ' + " ".join(body) + "."
    broken = list(body)
    i = int(rng.integers(0, len(body) - 1))
    broken[i] += "\n"
    stored = f"In {year} the \u201c{TAG}\u201d " + " ".join(broken).replace("\n ", "\n") + "."
    start = int(rng.integers(0, len(body) - 4))
    fragment = " ".join(body[start : start + int(rng.integers(4, 13))])
    return quote, stored, fragment


# --- the tables ----------------------------------------------------------------------------------

Columns = dict[str, pa.Array]


@dataclass
class Package:
    tables: dict[str, Columns]
    seeds: dict[str, str]
    treaty_days: np.ndarray
    faults: list[dict[str, Any]] = field(default_factory=list)

    def length(self, name: str) -> int:
        return len(next(iter(self.tables[name].values())))

    def cell(self, name: str, column: str, index: int) -> Any:
        return self.tables[name][column][index].as_py()

    def set(self, name: str, index: int, column: str, value: str | None) -> None:
        values = self.tables[name][column]
        mask = np.zeros(len(values), bool)
        mask[index] = True
        self.tables[name][column] = pc.if_else(
            pa.array(mask), pa.scalar(value, pa.string()), values
        )

    def append(self, name: str, row: dict[str, str]) -> int:
        """Append one row (missing cells empty); returns its CSV row number."""
        table = self.tables[name]
        for column in table:
            extra = pa.array([row.get(column)], pa.string())
            table[column] = pa.concat_arrays([table[column], extra])
        return self.length(name) + 1

    def row_number(self, index: int) -> int:
        return index + 2  # the header is row 1


def generate(rows: int, seed: int = 0, stored_sources: int | None = None) -> Package:
    """A consistent package with ``rows`` events and ``rows`` clauses; ``stored_sources``: hold
    the quoted sentences in that many stored texts (``build_pool``)."""
    rng = np.random.default_rng(seed)
    pool = build_pool(rng, max(200, rows // 10), stored_sources)
    tables: dict[str, Columns] = {"sources": _sources(pool)}
    evidence: list[Columns] = []
    tables["parties"] = _parties(rng, pool, evidence)
    treaty_count = max(20, rows // 100)
    tables["treaties"], days = _treaties(rng, pool, treaty_count, evidence)
    tables["treaty_parties"] = _treaty_parties(rng, pool, tables["treaties"])
    tables["treaty_relations"] = _treaty_relations(rng, pool, treaty_count)
    tables["events"] = _events(rng, pool, rows, days)
    tables["event_participants"] = _event_participants(rng, pool, tables["events"])
    tables["clauses"] = _clauses(rng, pool, rows, treaty_count)
    tables["clause_themes"] = _clause_themes(rng, rows)
    tables["evidence"] = {
        column: pa.concat_arrays([part[column] for part in evidence]) for column in evidence[0]
    }
    tables["evidence"]["evidence_id"] = pc.utf8_replace_slice(
        pc.binary_join_element_wise(
            tables["evidence"]["resource_name"],
            tables["evidence"]["record_id"],
            pc.replace_substring(tables["evidence"]["field"], "_", "-"),
            "-",
        ),
        0,
        0,
        "ev-",
    )
    tables["disputes"] = _disputes(rng, pool, tables["treaties"])
    return Package(tables=tables, seeds=pool.seeds, treaty_days=days)


def _sources(pool: Pool) -> Columns:
    paths, hashes = [], []
    for name, stored in zip(pool.source_ids, pool.stored, strict=True):
        text = pool.seeds.get(f"{name}.txt") if stored else None
        paths.append(f"../seeds/{name}.txt" if text is not None else None)
        hashes.append(hashlib.sha256(text.encode()).hexdigest() if text is not None else None)
    count = len(pool.source_ids)
    n = np.arange(count)
    reliability = np.array(["secondary", "official", "news", "encyclopedia"], dtype=object)
    return {
        "source_id": pa.array(pool.source_ids),
        "title": pc.binary_join_element_wise(
            "Synthetic source", pc.cast(pa.array(n), pa.string()), " "
        ),
        "published": partial_dates(_day(1990) + n * 97 % 12000, n % 3),
        "kind": constant("article", count),
        "reliability": pa.array(reliability[n % 4]),
        "language": constant("en", count),
        "seed_path": pa.array(paths, pa.string()),
        "sha256": pa.array(hashes, pa.string()),
    }


def _field_evidence(
    rng: np.random.Generator,
    pool: Pool,
    resource: str,
    record_ids: pa.Array,
    column: str,
    filled: np.ndarray,
) -> Columns:
    """One evidence row per filled cell of ``column``."""
    count = int(filled.sum())
    return {
        "resource_name": constant(resource, count),
        "record_id": record_ids.filter(pa.array(filled)),
        "field": constant(column, count),
        **pool.evidence(rng, pool.draw(rng, count)),
    }


def _parties(rng: np.random.Generator, pool: Pool, evidence: list[Columns]) -> Columns:
    n = np.arange(PARTIES)
    party_ids = ids("party", n)
    letters = np.array([chr(65 + i) for i in range(26)], dtype=object)
    iso3 = letters[n // 676] + letters[(n // 26) % 26] + letters[n % 26]
    start = _day(1800) + rng.integers(0, 36000, PARTIES)
    end = _day(2101) + rng.integers(0, 36000, PARTIES)
    extras = {
        "name_ru": (
            pc.binary_join_element_wise("Сторона", pc.cast(pa.array(n), pa.string()), " "),
            0.5,
        ),
        "name_be": (
            pc.binary_join_element_wise("Бок", pc.cast(pa.array(n), pa.string()), " "),
            0.2,
        ),
        "iso3": (pa.array(iso3, pa.string()), 0.6),
        "cow_code": (pc.cast(pa.array(n + 1), pa.string()), 0.6),
        "wikidata_id": (pc.cast(pa.array(n + 1000), pa.string()), 0.6),
        "start": (partial_dates(start, rng.integers(0, 3, PARTIES)), 0.5),
        "end": (partial_dates(end, rng.integers(0, 3, PARTIES)), 0.3),
    }
    extras["wikidata_id"] = (pc.utf8_replace_slice(extras["wikidata_id"][0], 0, 0, "Q"), 0.6)
    columns: Columns = {
        "party_id": party_ids,
        "kind": pa.array(np.array(PARTY_KINDS, dtype=object)[rng.integers(0, 7, PARTIES)]),
        "name_en": pc.binary_join_element_wise("Party", pc.cast(pa.array(n), pa.string()), " "),
    }
    # party-0 and party-1 carry every identifier (the faults need them).
    for column, (values, share) in extras.items():
        filled = rng.random(PARTIES) < share
        filled[:2] = True
        columns[column] = masked(values, filled)
        evidence.append(_field_evidence(rng, pool, "parties", party_ids, column, filled))
    return {**columns, **pool.evidence(rng, pool.draw(rng, PARTIES))}


def _treaties(
    rng: np.random.Generator, pool: Pool, count: int, evidence: list[Columns]
) -> tuple[Columns, np.ndarray]:
    n = np.arange(count)
    treaty_ids = ids("treaty", n)
    # Signature days never decrease with the index: 1950-01-01 ... 2000-12-31.
    days = _day(1950) + (n * (_day(2001) - _day(1950))) // count
    in_force_days = days + rng.integers(0, 3000, count)
    ended_days = in_force_days + rng.integers(0, 3000, count)
    has_in_force = rng.random(count) < 0.4
    has_ended = has_in_force & (rng.random(count) < 0.3)
    scope = np.where(rng.random(count) < 0.3, "bilateral", "multilateral")
    scope[0] = "bilateral"
    extras = {
        "title_en": (
            pc.binary_join_element_wise("Treaty", pc.cast(pa.array(n), pa.string()), " No. "),
            rng.random(count) < 0.3,
        ),
        "title_ru": (
            pc.binary_join_element_wise("Договор", pc.cast(pa.array(n), pa.string()), " № "),
            rng.random(count) < 0.2,
        ),
        "signed_place": (
            pa.array(np.array(PLACES, dtype=object)[rng.integers(0, len(PLACES), count)]),
            rng.random(count) < 0.5,
        ),
        "in_force": (partial_dates(in_force_days, rng.integers(0, 3, count)), has_in_force),
        "ended": (partial_dates(ended_days, rng.integers(0, 3, count)), has_ended),
    }
    columns: Columns = {
        "treaty_id": treaty_ids,
        "name_en": pc.binary_join_element_wise("Agreement", pc.cast(pa.array(n), pa.string()), " "),
        "signed": partial_dates(days, rng.integers(0, 3, count)),
        "scope": pa.array(scope.astype(object)),
    }
    for column, (values, filled) in extras.items():
        filled[0] = filled[0] or column == "signed_place"  # treaty-0 carries a place
        columns[column] = masked(values, filled)
        evidence.append(_field_evidence(rng, pool, "treaties", treaty_ids, column, filled))
    order = [
        "treaty_id",
        "name_en",
        "title_en",
        "title_ru",
        "signed",
        "signed_place",
        "in_force",
        "ended",
        "scope",
    ]
    return {**{c: columns[c] for c in order}, **pool.evidence(rng, pool.draw(rng, count))}, days


def _distinct_members(
    rng: np.random.Generator, groups: int, counts: np.ndarray, universe: int, max_step: int
) -> tuple[np.ndarray, np.ndarray]:
    """Group index and a member per row, distinct within each group (base + j * step)."""
    owner, position = group_positions(counts)
    base = rng.integers(0, universe, groups)
    step = rng.integers(1, max_step + 1, groups)
    return owner, (base[owner] + position * step[owner]) % universe


def _treaty_parties(rng: np.random.Generator, pool: Pool, treaties: Columns) -> Columns:
    count = len(treaties["treaty_id"])
    bilateral = np.asarray(pc.equal(treaties["scope"], "bilateral"))
    sizes = np.where(bilateral, 2, rng.integers(3, 7, count))
    # A multilateral treaty may also create a body: one more row whose role does not count.
    creates = ~bilateral & (rng.random(count) < 0.1)
    owner, member = _distinct_members(rng, count, sizes + creates, PARTIES, 150)
    _, position = group_positions(sizes + creates)
    roles = np.where(rng.random(len(owner)) < 0.5, "signatory", "party").astype(object)
    roles[position == sizes[owner]] = "created"
    return {
        "treaty_id": treaties["treaty_id"].take(pa.array(owner)),
        "party_id": ids("party", member),
        "role": pa.array(roles, pa.string()),
        **pool.evidence(rng, pool.draw(rng, len(owner))),
    }


def _treaty_relations(rng: np.random.Generator, pool: Pool, count: int) -> Columns:
    later = np.unique(rng.integers(1, count, max(1, count // 10)))
    earlier = (rng.random(len(later)) * later).astype(np.int64)  # signed no later
    relation = np.array(["supersedes", "amends", "implements"], dtype=object)
    return {
        "treaty_id": ids("treaty", later),
        "related_treaty_id": ids("treaty", earlier),
        "relation": pa.array(relation[rng.integers(0, 3, len(later))]),
        **pool.evidence(rng, pool.draw(rng, len(later))),
    }


def _events(rng: np.random.Generator, pool: Pool, count: int, treaty_days: np.ndarray) -> Columns:
    about = rng.random(count) < 0.5
    treaty = rng.integers(0, len(treaty_days), count)
    # An event about a treaty falls on or after its signature; others anywhere in 1950-2050.
    days = np.where(
        about,
        treaty_days[treaty] + rng.integers(0, 3000, count),
        rng.integers(_day(1950), _day(2051), count),
    )
    n = np.arange(count)
    kinds = np.array(EVENT_KINDS, dtype=object)[rng.integers(0, len(EVENT_KINDS), count)]
    sentence = pool.draw(rng, count)
    return {
        "event_id": ids("event", n),
        "date": partial_dates(days, rng.integers(0, 3, count)),
        "kind": pa.array(kinds, pa.string()),
        "title": pc.binary_join_element_wise(
            pa.array(kinds, pa.string()), pc.cast(pa.array(n), pa.string()), " no. "
        ),
        "description": masked(pool.fragment.take(pa.array(sentence)), rng.random(count) < 0.3),
        "treaty_id": masked(ids("treaty", treaty), about),
        **pool.evidence(rng, sentence),
    }


def _event_participants(rng: np.random.Generator, pool: Pool, events: Columns) -> Columns:
    count = len(events["event_id"])
    sizes = rng.choice(5, size=count, p=[0.1, 0.2, 0.35, 0.25, 0.1])
    owner, member = _distinct_members(rng, count, sizes, PARTIES, 200)
    # Most rows cite the sentence that backs their event; some cite their own.
    own = rng.random(len(owner)) < 0.3
    event_evidence = {c: events[c].take(pa.array(owner)) for c in ("source_id", "quote", "locator")}
    other = pool.evidence(rng, pool.draw(rng, len(owner)))
    roles = np.array(PARTICIPANT_ROLES, dtype=object)[rng.integers(0, 6, len(owner))]
    return {
        "event_id": events["event_id"].take(pa.array(owner)),
        "party_id": ids("party", member),
        "role": pa.array(roles, pa.string()),
        **{c: pc.if_else(pa.array(own), other[c], event_evidence[c]) for c in event_evidence},
    }


def _clauses(rng: np.random.Generator, pool: Pool, count: int, treaties: int) -> Columns:
    sentence = pool.draw(rng, count)
    text = pool.fragment.take(pa.array(sentence))
    brackets = pc.match_substring_regex(text, r"\[[^\]]*\]")
    return {
        "clause_id": ids("clause", np.arange(count)),
        "treaty_id": ids("treaty", rng.integers(0, treaties, count)),
        "article": masked(
            pc.cast(pa.array(rng.integers(1, 40, count)), pa.string()), rng.random(count) < 0.5
        ),
        "text": text,
        "language": constant("en", count),
        "text_status": constant("authentic", count),
        "editorial_brackets": pc.if_else(brackets, "true", "false"),
        **pool.evidence(rng, sentence),
    }


def _clause_themes(rng: np.random.Generator, count: int) -> Columns:
    sizes = rng.choice(4, size=count, p=[0.2, 0.4, 0.3, 0.1])
    owner, theme = _distinct_members(rng, count, sizes, len(THEMES), 4)
    return {
        "clause_id": ids("clause", owner),
        "theme": pa.array(np.array(THEMES, dtype=object)[theme], pa.string()),
    }


def _disputes(rng: np.random.Generator, pool: Pool, treaties: Columns) -> Columns:
    placed = np.flatnonzero(np.asarray(pc.is_valid(treaties["signed_place"])))
    chosen = placed[: max(1, len(placed) // 100)]  # treaty-0 has a place: it comes first
    count = len(chosen)
    first = pool.evidence(rng, pool.draw(rng, count))
    second = pool.evidence(rng, pool.draw(rng, count))
    return {
        "dispute_id": ids("dispute", np.arange(count)),
        "resource_name": constant("treaties", count),
        "record_id": treaties["treaty_id"].take(pa.array(chosen)),
        "field": constant("signed_place", count),
        "chosen_value": treaties["signed_place"].take(pa.array(chosen)),
        "chosen_source_id": first["source_id"],
        "chosen_quote": first["quote"],
        "chosen_locator": first["locator"],
        "alternative_value": constant("Elsewhere", count),
        "alternative_source_id": second["source_id"],
        "alternative_quote": second["quote"],
        "alternative_locator": second["locator"],
        "rationale": constant(
            "The legal text names the place; the other source is secondary.", count
        ),
    }


# --- faults --------------------------------------------------------------------------------------

#: Faults Table Schema covers, with the error type Frictionless reports for them.
FRICTIONLESS_TYPES = {
    "type-error": "type-error",
    "required": "constraint-error",
    "enum": "constraint-error",
    "pattern": "constraint-error",
    "minimum": "constraint-error",
    "unique": "unique-error",
    "primary-key": "primary-key",
    "foreign-key": "foreign-key",
}

Expected = tuple[str, str, int]


@dataclass
class Injector:
    """Injects single faults into distinct rows, each changing one thing."""

    package: Package
    rng: np.random.Generator
    used: dict[str, set[int]] = field(default_factory=dict)

    def pick(self, name: str, where: Any = None) -> int:
        """A random row of ``name`` not touched by another fault, satisfying ``where``."""
        allowed = np.ones(self.package.length(name), bool) if where is None else np.asarray(where)
        taken = self.used.setdefault(name, set())
        allowed = allowed.copy()
        allowed[list(taken)] = False
        candidates = np.flatnonzero(allowed)
        if len(candidates) == 0:
            raise RuntimeError(f"no row of {name} left for a fault")
        index = int(candidates[self.rng.integers(0, len(candidates))])
        taken.add(index)
        return index

    def evidence(self) -> dict[str, str]:
        """Source, quote and locator of a random sentence of a stored source."""
        parties = self.package.tables["parties"]
        i = int(np.flatnonzero(np.asarray(pc.equal(parties["source_id"], "source-0")))[0])
        return {c: parties[c][i].as_py() for c in ("source_id", "quote")}

    def bad_cell(self, resource: str, column: str, value: str | None, code: str) -> Expected:
        """Put ``value`` into ``column`` of a random unused row: the ``code`` problem there."""
        i = self.pick(resource)
        self.package.set(resource, i, column, value)
        return (code, resource, i + 2)

    def add_evidence(self, resource: str, record: str, column: str) -> None:
        self.package.append(
            "evidence",
            {
                "evidence_id": f"ev-added-{resource}-{record}-{column}".replace("_", "-"),
                "resource_name": resource,
                "record_id": record,
                "field": column,
                **self.evidence(),
            },
        )


def _signed_year(package: Package, treaty_index: int) -> int:
    return int(package.cell("treaties", "signed", treaty_index)[:4])


def f_type_error(inj: Injector) -> Expected:
    return inj.bad_cell("clauses", "editorial_brackets", "perhaps", "type-error")


def f_required(inj: Injector) -> Expected:
    return inj.bad_cell("events", "title", None, "required")


def f_enum(inj: Injector) -> Expected:
    return inj.bad_cell("events", "kind", "coup-de-theatre", "enum")


def f_pattern(inj: Injector) -> Expected:
    return inj.bad_cell("events", "date", "14 May 1995", "pattern")


def f_minimum(inj: Injector) -> Expected:
    parties = inj.package.tables["parties"]
    where = np.asarray(pc.is_valid(parties["cow_code"])).copy()
    where[:2] = False  # party-0 and party-1 are the unique fault's
    i = inj.pick("parties", where)
    inj.package.set("parties", i, "cow_code", "0")
    return ("minimum", "parties", i + 2)


def f_unique(inj: Injector) -> Expected:
    inj.used.setdefault("parties", set()).update({0, 1})
    inj.package.set("parties", 1, "wikidata_id", inj.package.cell("parties", "wikidata_id", 0))
    return ("unique", "parties", 3)


def f_primary_key(inj: Injector) -> Expected:
    links = inj.package.tables["event_participants"]
    i = inj.pick("event_participants")
    row = {c: values[i].as_py() for c, values in links.items()}
    return ("primary-key", "event_participants", inj.package.append("event_participants", row))


def f_foreign_key(inj: Injector) -> Expected:
    return inj.bad_cell("event_participants", "party_id", "nobody-at-all", "foreign-key")


def f_date_invalid(inj: Injector) -> Expected:
    return inj.bad_cell("events", "date", "1995-02-30", "date-invalid")


def f_date_order(inj: Injector) -> Expected:
    treaties = inj.package.tables["treaties"]
    where = np.asarray(
        pc.and_(
            pc.and_(pc.is_null(treaties["in_force"]), pc.is_null(treaties["ended"])),
            pc.greater_equal(treaties["signed"], "1951"),
        )
    )
    i = inj.pick("treaties", where)
    inj.package.set("treaties", i, "ended", str(_signed_year(inj.package, i) - 1))
    inj.add_evidence("treaties", inj.package.cell("treaties", "treaty_id", i), "ended")
    return ("date-order", "treaties", i + 2)


def f_supersedes_order(inj: Injector) -> Expected:
    last = inj.package.length("treaties") - 1  # signed decades after treaty-0
    row = inj.package.append(
        "treaty_relations",
        {
            "treaty_id": "treaty-0",
            "related_treaty_id": inj.package.cell("treaties", "treaty_id", last),
            "relation": "implements",
            **inj.evidence(),
        },
    )
    return ("supersedes-order", "treaty_relations", row)


def f_event_before_treaty(inj: Injector) -> Expected:
    events = inj.package.tables["events"]
    late = pc.greater_equal(events["treaty_id"], "treaty-1")  # not treaty-0, signed in 1950
    i = inj.pick("events", pc.fill_null(late, False))
    treaty = int(inj.package.cell("events", "treaty_id", i).split("-")[1])
    inj.package.set("events", i, "date", str(_signed_year(inj.package, treaty) - 1))
    return ("event-before-treaty", "events", i + 2)


def f_party_not_existing(inj: Injector) -> Expected:
    evidence = inj.evidence()
    inj.package.append(
        "parties",
        {"party_id": "party-added", "kind": "state", "name_en": "Future State", "start": "2150"}
        | evidence,
    )
    inj.add_evidence("parties", "party-added", "start")
    event = inj.package.cell("events", "event_id", inj.pick("events"))
    row = inj.package.append(
        "event_participants",
        {"event_id": event, "party_id": "party-added", "role": "participant"} | evidence,
    )
    return ("party-not-existing", "event_participants", row)


def f_bilateral_parties(inj: Injector) -> Expected:
    tables = inj.package.tables
    i = inj.pick("treaties", pc.equal(tables["treaties"]["scope"], "bilateral"))
    treaty = inj.package.cell("treaties", "treaty_id", i)
    links = tables["treaty_parties"]
    listed = set(links["party_id"].filter(pc.equal(links["treaty_id"], treaty)).to_pylist())
    extra = next(f"party-{k}" for k in range(PARTIES) if f"party-{k}" not in listed)
    inj.package.append(
        "treaty_parties",
        {"treaty_id": treaty, "party_id": extra, "role": "signatory"} | inj.evidence(),
    )
    return ("bilateral-parties", "treaties", i + 2)


def f_treaty_without_parties(inj: Injector) -> Expected:
    row = inj.package.append(
        "treaties",
        {"treaty_id": "treaty-added", "name_en": "Lonely Treaty", "signed": "1990"}
        | {"scope": "multilateral"}
        | inj.evidence(),
    )
    return ("treaty-without-parties", "treaties", row)


def f_quote_not_verbatim(inj: Injector) -> Expected:
    links = inj.package.tables["treaty_parties"]
    i = inj.pick("treaty_parties", pc.equal(links["source_id"], "source-0"))
    inj.package.set("treaty_parties", i, "quote", links["quote"][i].as_py() + " and then some")
    return ("quote-not-verbatim", "treaty_parties", i + 2)


def f_source_hash(inj: Injector) -> Expected:
    inj.package.set("sources", 0, "sha256", "0" * 64)
    return ("source-hash", "sources", 2)


def f_source_seed_pair(inj: Injector) -> Expected:
    inj.package.set("sources", 1, "sha256", None)
    return ("source-seed-pair", "sources", 3)


def f_seed_file_missing(inj: Injector) -> Expected:
    del inj.package.seeds[f"{SPARE_SOURCE}.txt"]
    index = inj.package.tables["sources"]["source_id"].to_pylist().index(SPARE_SOURCE)
    return ("file-missing", "sources", index + 2)


def f_editorial_brackets(inj: Injector) -> Expected:
    i = inj.pick("clauses")
    flag = inj.package.cell("clauses", "editorial_brackets", i)
    inj.package.set("clauses", i, "editorial_brackets", "false" if flag == "true" else "true")
    return ("editorial-brackets", "clauses", i + 2)


def f_evidence_target(inj: Injector) -> Expected:
    row = inj.package.append(
        "evidence",
        {
            "evidence_id": "ev-added-no-such-treaty",
            "resource_name": "treaties",
            "record_id": "no-such-treaty",
            "field": "title_ru",
            **inj.evidence(),
        },
    )
    return ("evidence-target", "evidence", row)


def f_field_evidence_missing(inj: Injector) -> Expected:
    """Point one party's iso3 evidence at another party that has an iso3 (and its evidence)."""
    evidence = inj.package.tables["evidence"]
    parties = inj.package.tables["parties"]
    candidates = pc.and_(
        pc.equal(evidence["resource_name"], "parties"), pc.equal(evidence["field"], "iso3")
    )
    used = {f"party-{k}" for k in inj.used.get("parties", set())}
    candidates = pc.and_(
        candidates, pc.invert(pc.is_in(evidence["record_id"], pa.array(sorted(used))))
    )
    i = inj.pick("evidence", candidates)
    record = inj.package.cell("evidence", "record_id", i)
    index = parties["party_id"].to_pylist().index(record)
    inj.used["parties"].add(index)
    inj.package.set("evidence", i, "record_id", "party-0")
    return ("field-evidence-missing", "parties", index + 2)


def f_dispute_value(inj: Injector) -> Expected:
    inj.package.set("disputes", 0, "chosen_value", "Nowhere")
    return ("dispute-value", "disputes", 2)


FAULTS: tuple[Callable[[Injector], Expected], ...] = (
    f_type_error,
    f_required,
    f_enum,
    f_pattern,
    f_minimum,
    f_unique,
    f_primary_key,
    f_foreign_key,
    f_date_invalid,
    f_date_order,
    f_supersedes_order,
    f_event_before_treaty,
    f_party_not_existing,
    f_bilateral_parties,
    f_treaty_without_parties,
    f_quote_not_verbatim,
    f_source_hash,
    f_source_seed_pair,
    f_seed_file_missing,
    f_editorial_brackets,
    f_evidence_target,
    f_field_evidence_missing,
    f_dispute_value,
)


def inject_faults(package: Package, seed: int = 0) -> None:
    injector = Injector(package, np.random.default_rng(seed + 1))
    injector.used["parties"] = set()
    for fault in FAULTS:
        code, resource, row = fault(injector)
        package.faults.append(
            {
                "fault": fault.__name__.removeprefix("f_"),
                "code": code,
                "resource": resource,
                "row": row,
                "frictionless": FRICTIONLESS_TYPES.get(code),
            }
        )


# --- writing -------------------------------------------------------------------------------------


def _fields(name: str) -> list[str]:
    return [f["name"] for f in json.loads((SCHEMAS / f"{name}.json").read_text())["fields"]]


def _csv_cells(values: pa.Array) -> pa.Array:
    """Cells as CSV text: empty for null, quoted only when needed (RFC 4180)."""
    values = pc.fill_null(values, "")
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(values, '"', '""'), '"', "")
    return pc.if_else(pc.match_substring_regex(values, '[,"\r\n]'), quoted, values)


def write_csv(path: Path, fields: list[str], columns: Columns, chunk: int = 500_000) -> None:
    length = len(next(iter(columns.values())))
    with path.open("wb") as out:
        out.write((",".join(fields) + "\n").encode())
        for start in range(0, length, chunk):
            cells = [
                _csv_cells(columns[f].slice(start, chunk))
                if f in columns
                else constant("", min(chunk, length - start))
                for f in fields
            ]
            lines = pc.binary_join_element_wise(*cells, pa.scalar(""), ",")
            lines = pc.binary_join_element_wise(lines, "", "\n")  # "cells,\n": drop the comma
            lines = pc.utf8_replace_slice(lines, -2, -1, "")
            offsets = np.frombuffer(lines.buffers()[1], np.int32)[: len(lines) + 1]
            out.write(memoryview(lines.buffers()[2])[offsets[0] : offsets[-1]])


def write_package(package: Package, root: Path) -> Path:
    """Write ``package`` under ``root`` (replacing it); returns the path of datapackage.json."""
    if root.exists():
        shutil.rmtree(root)
    (root / "datapackage" / "data").mkdir(parents=True)
    (root / "seeds").mkdir()
    shutil.copytree(SCHEMAS, root / "schemas")
    descriptor = root / "datapackage" / "datapackage.json"
    shutil.copyfile(DESCRIPTOR, descriptor)
    for name, columns in package.tables.items():
        write_csv(root / "datapackage" / "data" / f"{name}.csv", _fields(name), columns)
    # Tables the generator leaves empty (treaty steps, office holders, gaps): the header only.
    for resource in json.loads(DESCRIPTOR.read_text(encoding="utf-8"))["resources"]:
        if resource["name"] not in package.tables:
            header = ",".join(_fields(resource["name"])) + "\n"
            (root / "datapackage" / resource["path"]).write_text(header, encoding="utf-8")
    for file_name, text in package.seeds.items():
        (root / "seeds" / file_name).write_text(text, encoding="utf-8", newline="\n")
    manifest = {
        "generator": "benchmarks/generate.py",
        "row_counts": {name: package.length(name) for name in package.tables},
        "faults": package.faults,
    }
    (root / "faults.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return descriptor


def parse_size(text: str) -> int:
    """``10k`` -> 10000, ``1M`` -> 1000000, ``2500`` -> 2500."""
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1].lower(), 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rows", type=parse_size, default=10_000, help="events and clauses: 10k, 1M"
    )
    parser.add_argument("--out", type=Path, required=True, help="folder to (re)create")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--clean", action="store_true", help="inject no faults")
    parser.add_argument(
        "--stored-sources",
        type=int,
        help="hold every quoted sentence in this many stored texts (1: one long source); "
        "the faults need four, so this needs --clean",
    )
    args = parser.parse_args(argv)
    if args.stored_sources is not None and not args.clean:
        parser.error("--stored-sources needs --clean (the faults need the default sources)")
    started = time.perf_counter()
    package = generate(args.rows, args.seed, args.stored_sources)
    if not args.clean:
        inject_faults(package, args.seed)
    descriptor = write_package(package, args.out)
    total = sum(package.length(n) for n in package.tables)
    print(
        f"wrote {descriptor}: {total} rows, {len(package.faults)} faults, "
        f"{time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
