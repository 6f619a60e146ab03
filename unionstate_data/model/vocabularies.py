"""The controlled vocabularies of the data model: every allowed value of every enumerated field.

Each is a ``Literal`` type that the models in ``model.tables`` use; the Table Schemas list the same
values as ``enum`` constraints (generated).
"""

from typing import Literal

__all__ = [
    "ContentResource",
    "EventKind",
    "Language",
    "ParticipantRole",
    "PartyKind",
    "RelationKind",
    "Reliability",
    "SourceKind",
    "StepKind",
    "TextStatus",
    "Theme",
    "TreatyRole",
    "TreatyScope",
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
