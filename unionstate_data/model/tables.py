"""The data model: one frozen pydantic model per table.

These models are the single source of truth for the schema. The Table Schemas in ``schemas/``
and the ``resources`` of ``datapackage/datapackage.json`` are generated from them by
``unionstate_data.generated`` (``unionstate-data schema --write``); a test fails when they drift.

Conventions
- IDs are lowercase slugs (``SLUG_PATTERN``) and are never reused.
- Dates are partial dates (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) kept at the source's
  precision; see ``unionstate_data.model.dates``.
- Every row of a content table carries its evidence inline: ``source_id``, a verbatim ``quote``
  and a ``locator`` where there is one. A field whose value comes from another source than the
  row's (a Russian name, an ISO code) needs an ``evidence`` row of its own (``x-field-evidence``).
"""

from typing import Any, ClassVar

from pydantic import Field

from .base import OWN_EVIDENCE, SOURCE_FK, Evidenced, PartialDate, Record, Slug, fk
from .fields import FIELD_EVIDENCE, SEED_PATH_PATTERN, SHA256_PATTERN, UNIQUE
from .notes import Dispute, Evidence, Gap
from .vocabularies import (
    EventKind,
    Language,
    ParticipantRole,
    PartyKind,
    RelationKind,
    Reliability,
    SourceKind,
    StepKind,
    TextStatus,
    Theme,
    TreatyRole,
    TreatyScope,
)

__all__ = [
    "MODELS",
    "Clause",
    "ClauseTheme",
    "Dispute",
    "Event",
    "EventParticipant",
    "Evidence",
    "Gap",
    "OfficeHolder",
    "Party",
    "Record",
    "Source",
    "Treaty",
    "TreatyParty",
    "TreatyRelation",
    "TreatyStep",
]


class Source(Record):
    """A document that facts come from."""

    resource: ClassVar[str] = "sources"
    table_title: ClassVar[str] = "Sources"
    primary_key: ClassVar[tuple[str, ...]] = ("source_id",)

    source_id: Slug = Field(description="Stable ID of the source.")
    title: str = Field(description="Title of the document.")
    authors: str | None = Field(default=None, description="Authors, separated by '; '.")
    publisher: str | None = Field(default=None, description="Publisher or site.")
    published: PartialDate | None = Field(default=None, description="Publication date.")
    url: str | None = Field(default=None, description="Web address; empty when not known.")
    kind: SourceKind = Field(description="Kind of document.")
    reliability: Reliability = Field(description="Reliability class of the source.")
    language: Language = Field(description="Language of the text quoted from it.")
    accessed: PartialDate | None = Field(default=None, description="Date the source was read.")
    licence_note: str | None = Field(default=None, description="Copyright or licence of the text.")
    seed_path: str | None = Field(
        default=None,
        pattern=f"^{SEED_PATH_PATTERN}$",
        description="Stored text of the source, relative to datapackage.json.",
    )
    sha256: str | None = Field(
        default=None,
        pattern=f"^{SHA256_PATTERN}$",
        description="SHA-256 of the stored text (required with seed_path).",
    )


class Party(Evidenced):
    """A state, organisation, union, body or person that signs or acts."""

    resource: ClassVar[str] = "parties"
    table_title: ClassVar[str] = "Parties"
    primary_key: ClassVar[tuple[str, ...]] = ("party_id",)
    foreign_keys: ClassVar[tuple[dict[str, Any], ...]] = (SOURCE_FK,)

    party_id: Slug = Field(description="Stable ID of the party.")
    kind: PartyKind = Field(description="Kind of party.")
    name_en: str = Field(description="Name in English.")
    name_ru: str | None = Field(
        default=None, description="Name in Russian.", json_schema_extra=OWN_EVIDENCE
    )
    name_be: str | None = Field(
        default=None,
        description="Name in Belarusian.",
        json_schema_extra=OWN_EVIDENCE,
    )
    iso3: str | None = Field(
        default=None,
        pattern=r"^[A-Z]{3}$",
        description="ISO 3166-1 alpha-3 code.",
        json_schema_extra={FIELD_EVIDENCE: True, UNIQUE: True},
    )
    cow_code: int | None = Field(
        default=None,
        ge=1,
        description="Correlates of War state number.",
        json_schema_extra=OWN_EVIDENCE,
    )
    wikidata_id: str | None = Field(
        default=None,
        pattern=r"^Q[1-9][0-9]*$",
        description="Wikidata item ID.",
        json_schema_extra={FIELD_EVIDENCE: True, UNIQUE: True},
    )
    start: PartialDate | None = Field(
        default=None, description="Date the party came to exist.", json_schema_extra=OWN_EVIDENCE
    )
    end: PartialDate | None = Field(
        default=None, description="Date the party ceased to exist.", json_schema_extra=OWN_EVIDENCE
    )


class Treaty(Evidenced):
    """A treaty, agreement, protocol or accord."""

    resource: ClassVar[str] = "treaties"
    table_title: ClassVar[str] = "Treaties"
    primary_key: ClassVar[tuple[str, ...]] = ("treaty_id",)
    foreign_keys: ClassVar[tuple[dict[str, Any], ...]] = (SOURCE_FK,)

    treaty_id: Slug = Field(description="Stable ID of the treaty.")
    name_en: str = Field(
        description="Name in English: as the source names it, or a plain description if it "
        "gives none."
    )
    title_en: str | None = Field(
        default=None,
        description="English title as its source gives it: a translation (these treaties were "
        "concluded in Russian), official only where the source is (see its evidence row).",
        json_schema_extra=OWN_EVIDENCE,
    )
    title_ru: str | None = Field(
        default=None,
        description="Official Russian title.",
        json_schema_extra=OWN_EVIDENCE,
    )
    signed: PartialDate = Field(description="Date of signature.")
    signed_place: str | None = Field(
        default=None, description="Place of signature.", json_schema_extra=OWN_EVIDENCE
    )
    in_force: PartialDate | None = Field(
        default=None, description="Date of entry into force.", json_schema_extra=OWN_EVIDENCE
    )
    ended: PartialDate | None = Field(
        default=None, description="Date the treaty ended.", json_schema_extra=OWN_EVIDENCE
    )
    scope: TreatyScope = Field(description="Bilateral (exactly two parties) or multilateral.")


class TreatyParty(Evidenced):
    """A party to a treaty, with its role."""

    resource: ClassVar[str] = "treaty_parties"
    table_title: ClassVar[str] = "Treaty parties"
    primary_key: ClassVar[tuple[str, ...]] = ("treaty_id", "party_id", "role")
    foreign_keys: ClassVar[tuple[dict[str, Any], ...]] = (
        fk("treaty_id", "treaties"),
        fk("party_id", "parties"),
        SOURCE_FK,
    )

    treaty_id: Slug = Field(description="The treaty (treaties.treaty_id).")
    party_id: Slug = Field(description="The party (parties.party_id).")
    role: TreatyRole = Field(description="Role of the party in the treaty.")


class TreatyRelation(Evidenced):
    """A treaty's relation to an earlier one (it supersedes, amends or implements it)."""

    resource: ClassVar[str] = "treaty_relations"
    table_title: ClassVar[str] = "Treaty relations"
    primary_key: ClassVar[tuple[str, ...]] = ("treaty_id", "related_treaty_id", "relation")
    foreign_keys: ClassVar[tuple[dict[str, Any], ...]] = (
        fk("treaty_id", "treaties"),
        fk("related_treaty_id", "treaties", "treaty_id"),
        SOURCE_FK,
    )

    treaty_id: Slug = Field(description="The later treaty (treaties.treaty_id).")
    related_treaty_id: Slug = Field(description="The earlier treaty it relates to.")
    relation: RelationKind = Field(description="How the later treaty relates to the earlier.")


class TreatyStep(Evidenced):
    """A step in a treaty's life, overall or for one party: signature, ratification, entry into
    force, end, withdrawal, suspension."""

    resource: ClassVar[str] = "treaty_steps"
    table_title: ClassVar[str] = "Treaty steps"
    primary_key: ClassVar[tuple[str, ...]] = ("step_id",)
    foreign_keys: ClassVar[tuple[dict[str, Any], ...]] = (
        fk("treaty_id", "treaties"),
        fk("party_id", "parties"),
        SOURCE_FK,
    )

    step_id: Slug = Field(description="Stable ID of the step.")
    treaty_id: Slug = Field(description="The treaty (treaties.treaty_id).")
    party_id: Slug | None = Field(
        default=None,
        description="The party the step is for (parties.party_id); empty for the treaty as a "
        "whole.",
    )
    step: StepKind = Field(description="Kind of step.")
    date: PartialDate = Field(description="Date of the step.")
    act: str | None = Field(
        default=None,
        description="The act that took the step, where the source names it (a ratifying law, a "
        "decree, a resolution).",
    )


class Event(Evidenced):
    """A dated event: a signing, referendum, election, dissolution, summit, military action..."""

    resource: ClassVar[str] = "events"
    table_title: ClassVar[str] = "Events"
    primary_key: ClassVar[tuple[str, ...]] = ("event_id",)
    foreign_keys: ClassVar[tuple[dict[str, Any], ...]] = (fk("treaty_id", "treaties"), SOURCE_FK)

    event_id: Slug = Field(description="Stable ID of the event.")
    date: PartialDate = Field(description="Date of the event (its first day, if it spans days).")
    end_date: PartialDate | None = Field(
        default=None,
        description="Last day of an event that spans days (an exercise, a session).",
        json_schema_extra=OWN_EVIDENCE,
    )
    kind: EventKind = Field(description="Kind of event.")
    title: str = Field(description="Short title of the event.")
    description: str | None = Field(default=None, description="What happened.")
    treaty_id: Slug | None = Field(
        default=None, description="The treaty the event concerns (treaties.treaty_id)."
    )


class EventParticipant(Evidenced):
    """A party taking part in an event, with its role."""

    resource: ClassVar[str] = "event_participants"
    table_title: ClassVar[str] = "Event participants"
    primary_key: ClassVar[tuple[str, ...]] = ("event_id", "party_id", "role")
    foreign_keys: ClassVar[tuple[dict[str, Any], ...]] = (
        fk("event_id", "events"),
        fk("party_id", "parties"),
        SOURCE_FK,
    )

    event_id: Slug = Field(description="The event (events.event_id).")
    party_id: Slug = Field(description="The party (parties.party_id).")
    role: ParticipantRole = Field(description="Role of the party in the event.")


class OfficeHolder(Evidenced):
    """A person holding an office of a body (a State Secretary of the Union State...)."""

    resource: ClassVar[str] = "office_holders"
    table_title: ClassVar[str] = "Office holders"
    primary_key: ClassVar[tuple[str, ...]] = ("holder_id",)
    foreign_keys: ClassVar[tuple[dict[str, Any], ...]] = (
        fk("body_id", "parties", "party_id"),
        fk("person_id", "parties", "party_id"),
        SOURCE_FK,
    )

    holder_id: Slug = Field(description="Stable ID of the term of office.")
    body_id: Slug = Field(description="The body whose office it is (parties.party_id).")
    office: str = Field(description="The office, in English (for example 'State Secretary').")
    person_id: Slug = Field(description="The person who held it (parties.party_id).")
    start: PartialDate = Field(description="Date the term began.")
    end: PartialDate | None = Field(
        default=None,
        description="Date the term ended; empty while it lasts or when no source gives it.",
        json_schema_extra=OWN_EVIDENCE,
    )


class Clause(Evidenced):
    """A clause of a treaty, quoted exactly as the source gives it."""

    resource: ClassVar[str] = "clauses"
    table_title: ClassVar[str] = "Clauses"
    primary_key: ClassVar[tuple[str, ...]] = ("clause_id",)
    foreign_keys: ClassVar[tuple[dict[str, Any], ...]] = (fk("treaty_id", "treaties"), SOURCE_FK)

    clause_id: Slug = Field(description="Stable ID of the clause.")
    treaty_id: Slug = Field(description="The treaty quoted (treaties.treaty_id).")
    article: str | None = Field(default=None, description="Article of the treaty, where known.")
    text: str = Field(
        description="The clause text exactly as the source quotes it, with its editorial brackets."
    )
    language: Language = Field(description="Language of the quoted text.")
    text_status: TextStatus = Field(
        description="Whether the text is the authentic treaty text or a translation, official "
        "(published by the parties or a body they sent it to) or unofficial."
    )
    translated_by: str | None = Field(
        default=None,
        description="Who made the translation (for example 'United Nations (A/54/666)'); empty "
        "for an authentic text.",
    )
    editorial_brackets: bool = Field(
        description="True when the text holds editorial insertions in square brackets."
    )


class ClauseTheme(Record):
    """A theme a clause is coded with (editorial coding by this project, not a sourced fact)."""

    resource: ClassVar[str] = "clause_themes"
    table_title: ClassVar[str] = "Clause themes"
    primary_key: ClassVar[tuple[str, ...]] = ("clause_id", "theme")
    foreign_keys: ClassVar[tuple[dict[str, Any], ...]] = (fk("clause_id", "clauses"),)

    clause_id: Slug = Field(description="The clause (clauses.clause_id).")
    theme: Theme = Field(description="Theme from the controlled vocabulary.")


#: Every table, parents before the tables that reference them.
MODELS: tuple[type[Record], ...] = (
    Source,
    Party,
    Treaty,
    TreatyParty,
    TreatyRelation,
    TreatyStep,
    Event,
    EventParticipant,
    OfficeHolder,
    Clause,
    ClauseTheme,
    Evidence,
    Dispute,
    Gap,
)
