"""The controlled vocabularies of the data model: every allowed value of every enumerated field.

Each is a ``Literal`` type that the models in ``model.tables`` use; the Table Schemas list the same
values as ``enum`` constraints (generated). ``DEFINITIONS`` gives each value its one-line
definition, written here once: the codebook and the Stata value labels derive from it, and a test
fails when a value has none. ``Precision`` is the vocabulary of the derived ``{field}_precision``
columns (``model.dates``).
"""

from collections.abc import Sequence
from typing import Literal, get_args

__all__ = [
    "DEFINITIONS",
    "VOCABULARIES",
    "ContentResource",
    "EventKind",
    "Language",
    "ParticipantRole",
    "PartyKind",
    "Precision",
    "RelationKind",
    "Reliability",
    "SourceKind",
    "StepKind",
    "TextStatus",
    "Theme",
    "TreatyRole",
    "TreatyScope",
    "vocabulary_for",
]

Reliability = Literal[
    "official", "state_media", "news", "legal_database", "encyclopedia", "secondary"
]
SourceKind = Literal[
    "article",
    "treaty_text",
    "official_statement",
    "news_report",
    "encyclopedia_entry",
    "dataset",
    "book",
    "legal_database_entry",
    "web_page",
]
PartyKind = Literal[
    "state",
    "former_state",
    "international_organisation",
    "supranational_union",
    "union_body",
    "political_party",
    "person",
    "company",
]
TreatyScope = Literal["bilateral", "multilateral"]
TreatyRole = Literal["signatory", "party", "depositary", "created"]
RelationKind = Literal["supersedes", "amends", "implements"]
EventKind = Literal[
    "signing",
    "agreement",
    "referendum",
    "election",
    "dissolution",
    "founding",
    "summit",
    "military",
    "ratification",
    "entry_into_force",
    "other",
]
ParticipantRole = Literal[
    "signatory",
    "organiser",
    "winner",
    "candidate",
    "aggressor",
    "target",
    "staging_ground",
    "participant",
    "subject",
    "dissolved",
    "created",
]
Theme = Literal[
    "sovereignty",
    "independence",
    "territorial_integrity",
    "borders",
    "citizenship",
    "customs",
    "economy",
    "defence",
    "security",
    "foreign_policy",
    "unification",
    "institutions",
    "equality",
    "language",
]
Language = Literal["en", "ru", "be"]
ContentResource = Literal[
    "parties", "treaties", "treaty_steps", "events", "office_holders", "clauses"
]
StepKind = Literal[
    "signature",
    "ratification",
    "exchange_of_ratifications",
    "entry_into_force",
    "end",
    "withdrawal",
    "suspension",
]
TextStatus = Literal["authentic", "official_translation", "unofficial_translation"]
Precision = Literal["year", "month", "day"]

#: Every vocabulary by name, in the order the codebook lists them.
VOCABULARIES: dict[str, object] = {
    "SourceKind": SourceKind,
    "Reliability": Reliability,
    "Language": Language,
    "PartyKind": PartyKind,
    "TreatyScope": TreatyScope,
    "TreatyRole": TreatyRole,
    "RelationKind": RelationKind,
    "StepKind": StepKind,
    "EventKind": EventKind,
    "ParticipantRole": ParticipantRole,
    "TextStatus": TextStatus,
    "Theme": Theme,
    "ContentResource": ContentResource,
    "Precision": Precision,
}

#: One line per allowed value: what it means. Vocabulary name -> value -> definition.
DEFINITIONS: dict[str, dict[str, str]] = {
    "SourceKind": {
        "article": "An analytical or journalistic article, report or paper (not a news report).",
        "treaty_text": "The text of a treaty or agreement as published.",
        "official_statement": "A statement, communiqué or announcement by a government or body.",
        "news_report": "A news report of an event.",
        "encyclopedia_entry": "An entry of an encyclopedia (or a copy of one).",
        "dataset": "A published data set or a table of one.",
        "book": "A book or a chapter of one.",
        "legal_database_entry": "An entry of a database of legal texts.",
        "web_page": "Another web page (a site's glossary, an institution's page).",
    },
    "Reliability": {
        "official": "Published by a government, parliament, election commission, international "
        "organisation or Union State body, or by the company concerned.",
        "state_media": "A news outlet owned or controlled by the Russian or Belarusian state "
        "(BelTA, TASS, SB. Belarus Segodnya, Sputnik), or a reproduction of one.",
        "news": "A news outlet not controlled by the Russian or Belarusian state.",
        "legal_database": "A database of legal texts (GARANT, CIS Legislation), or a legal "
        "reference site reproducing them.",
        "encyclopedia": "An encyclopedia, mostly Wikipedia, or a copy of one.",
        "secondary": "Scholarly, analytical or other secondary work (journals, research teams, "
        "think tanks, data aggregators).",
    },
    "Language": {
        "en": "English.",
        "ru": "Russian.",
        "be": "Belarusian.",
    },
    "PartyKind": {
        "state": "A sovereign state (Belarus, Russia, and the other states that act).",
        "former_state": "A state that no longer exists (the Soviet Union).",
        "international_organisation": "An organisation of states (the CIS, the CSTO, EurAsEC, "
        "the Eurasian Economic Union) or one of its organs.",
        "supranational_union": "A union of Belarus and Russia itself: the Community (1996), the "
        "Union (1997) or the Union State (1999).",
        "union_body": "A body of such a union (the Supreme State Council, the Parliamentary "
        "Assembly, the Standing Committee, the Council of Ministers).",
        "political_party": "A political party.",
        "person": "A natural person (a head of state, a signatory, an office holder).",
        "company": "A company (Gazprom, Beltransgaz).",
    },
    "TreatyScope": {
        "bilateral": "Concluded between exactly two parties.",
        "multilateral": "Concluded among more than two parties.",
    },
    "TreatyRole": {
        "signatory": "Signed the treaty (a state or a person signing for one).",
        "party": "Is bound by the treaty as a party.",
        "depositary": "Keeps the original text and receives the instruments of ratification.",
        "created": "A body or organisation the treaty established.",
    },
    "RelationKind": {
        "supersedes": "The later treaty replaces the earlier one.",
        "amends": "The later treaty changes the earlier one, which stays in force.",
        "implements": "The later treaty carries out provisions of the earlier one.",
    },
    "StepKind": {
        "signature": "The treaty was signed.",
        "ratification": "A party ratified the treaty (by law, decree or resolution).",
        "exchange_of_ratifications": "The parties exchanged their instruments of ratification.",
        "entry_into_force": "The treaty entered into force (overall or for one party).",
        "end": "The treaty ceased to be in force (overall or for one party).",
        "withdrawal": "A party withdrew from the treaty.",
        "suspension": "The treaty's operation was suspended (overall or for one party).",
    },
    "EventKind": {
        "signing": "A treaty or agreement was signed.",
        "agreement": "An agreement was reached or announced, without a treaty signed that day.",
        "referendum": "A referendum was held.",
        "election": "An election, or one of its rounds, was held.",
        "dissolution": "A state, union or organisation was dissolved or ceased to exist.",
        "founding": "A state, union, body or organisation was founded.",
        "summit": "Leaders or a union's supreme body met (a summit, a session).",
        "military": "A military exercise, deployment or operation.",
        "ratification": "A treaty was ratified.",
        "entry_into_force": "A treaty entered into force.",
        "other": "Any other dated event (a dispute, a cut-off, a loan, a decision).",
    },
    "ParticipantRole": {
        "signatory": "Signed the document the event is about.",
        "organiser": "Organised or held the event (an election commission, a host).",
        "winner": "Won the election.",
        "candidate": "Stood in the election.",
        "aggressor": "Attacked or invaded.",
        "target": "Was attacked, or was the object of a measure.",
        "staging_ground": "Its territory was used for the event (an exercise, an invasion).",
        "participant": "Took part in the event.",
        "subject": "The event was about it (the party changed, ended or was decided on).",
        "dissolved": "Was dissolved or ceased to exist in the event.",
        "created": "Was created in the event.",
    },
    "TextStatus": {
        "authentic": "The authentic text of the treaty, in one of its authentic languages.",
        "official_translation": "A translation published by the parties, or by a body they sent "
        "it to (the United Nations).",
        "unofficial_translation": "A translation by anyone else; translated_by names who.",
    },
    "Theme": {
        "sovereignty": "The sovereignty of the parties: kept, shared or transferred.",
        "independence": "The independence of the parties, or of states.",
        "territorial_integrity": "The territorial integrity of the parties.",
        "borders": "Borders: their inviolability, marking, crossing or guarding.",
        "citizenship": "Citizenship and the rights of the parties' citizens.",
        "customs": "Customs: the customs union, tariffs, customs territory and controls.",
        "economy": "The economy: a common market, currency, budget, energy and trade.",
        "defence": "Defence: military cooperation, forces and the common defence space.",
        "security": "Security: guarantees, threats and the response to them.",
        "foreign_policy": "Foreign policy: its coordination and the parties' international "
        "relations.",
        "unification": "Integration or union of the parties: its aims, stages and depth.",
        "institutions": "The bodies of the union: their creation, powers and working.",
        "equality": "Equal rights of the parties or of their citizens.",
        "language": "Languages: official and working languages, the languages of the texts.",
    },
    "ContentResource": {
        "parties": "A row of parties.",
        "treaties": "A row of treaties.",
        "treaty_steps": "A row of treaty_steps.",
        "events": "A row of events.",
        "office_holders": "A row of office_holders.",
        "clauses": "A row of clauses.",
    },
    "Precision": {
        "year": "Only the year is known (YYYY): the date can mean any day of that year.",
        "month": "The year and month are known (YYYY-MM): any day of that month.",
        "day": "The exact day is known (YYYY-MM-DD).",
    },
}


def vocabulary_for(values: Sequence[str]) -> str | None:
    """The name of the vocabulary whose allowed values are exactly ``values`` (a schema's
    ``enum``, in order), or None."""
    for name, vocabulary in VOCABULARIES.items():
        if tuple(get_args(vocabulary)) == tuple(values):
            return name
    return None
