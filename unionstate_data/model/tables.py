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

from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from .fields import (
    FIELD_EVIDENCE,
    PARTIAL_DATE,
    PARTIAL_DATE_PATTERN,
    SEED_PATH_PATTERN,
    SHA256_PATTERN,
    SLUG_PATTERN,
    UNIQUE,
)
from .vocabularies import (
    ContentResource,
    EventKind,
    Language,
    ParticipantRole,
    PartyKind,
    RelationKind,
    Reliability,
    SourceKind,
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
    "Party",
    "Record",
    "Source",
    "Treaty",
    "TreatyParty",
    "TreatyRelation",
]

Slug = Annotated[str, Field(pattern=f"^{SLUG_PATTERN}$")]
#: A partial date; ``json_schema_extra`` marks it so schema generation and validation know it.
PartialDate = Annotated[
    str, Field(pattern=f"^{PARTIAL_DATE_PATTERN}$", json_schema_extra={PARTIAL_DATE: True})
]


#: Marks a field whose value needs an evidence row of its own (rule field-evidence-missing).
_OWN_EVIDENCE: dict[str, Any] = {FIELD_EVIDENCE: True}


def _fk(field: str, resource: str, ref_field: str | None = None) -> dict[str, Any]:
    return {"fields": [field], "reference": {"resource": resource, "fields": [ref_field or field]}}


class Record(BaseModel):
    """Base of every row model: frozen, no unknown fields, and table metadata as class vars."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    resource: ClassVar[str]
    table_title: ClassVar[str]
    primary_key: ClassVar[tuple[str, ...]]
    foreign_keys: ClassVar[tuple[dict[str, Any], ...]] = ()


class Evidenced(Record):
    """A content row: it carries the source, quote and locator that back it."""

    source_id: Slug = Field(description="The source that backs this row (sources.source_id).")
    quote: str = Field(
        description="Verbatim text from the source that supports the row, copied character "
        "for character (editorial brackets kept)."
    )
    locator: str | None = Field(
        default=None, description="Where in the source the quote stands (e.g. 'line 19')."
    )


_SOURCE_FK = _fk("source_id", "sources")


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
    foreign_keys: ClassVar[tuple[dict[str, Any], ...]] = (_SOURCE_FK,)

    party_id: Slug = Field(description="Stable ID of the party.")
    kind: PartyKind = Field(description="Kind of party.")
    name_en: str = Field(description="Name in English.")
    name_ru: str | None = Field(
        default=None, description="Name in Russian.", json_schema_extra=_OWN_EVIDENCE
    )
    name_be: str | None = Field(
        default=None,
        description="Name in Belarusian.",
        json_schema_extra=_OWN_EVIDENCE,
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
        json_schema_extra=_OWN_EVIDENCE,
    )
    wikidata_id: str | None = Field(
        default=None,
        pattern=r"^Q[1-9][0-9]*$",
        description="Wikidata item ID.",
        json_schema_extra={FIELD_EVIDENCE: True, UNIQUE: True},
    )
    start: PartialDate | None = Field(
        default=None, description="Date the party came to exist.", json_schema_extra=_OWN_EVIDENCE
    )
    end: PartialDate | None = Field(
        default=None, description="Date the party ceased to exist.", json_schema_extra=_OWN_EVIDENCE
    )


class Treaty(Evidenced):
    """A treaty, agreement, protocol or accord."""

    resource: ClassVar[str] = "treaties"
    table_title: ClassVar[str] = "Treaties"
    primary_key: ClassVar[tuple[str, ...]] = ("treaty_id",)
    foreign_keys: ClassVar[tuple[dict[str, Any], ...]] = (_SOURCE_FK,)

    treaty_id: Slug = Field(description="Stable ID of the treaty.")
    name_en: str = Field(
        description="Name in English: as the source names it, or a plain description if it "
        "gives none."
    )
    title_en: str | None = Field(
        default=None,
        description="Official English title.",
        json_schema_extra=_OWN_EVIDENCE,
    )
    title_ru: str | None = Field(
        default=None,
        description="Official Russian title.",
        json_schema_extra=_OWN_EVIDENCE,
    )
    signed: PartialDate = Field(description="Date of signature.")
    signed_place: str | None = Field(
        default=None, description="Place of signature.", json_schema_extra=_OWN_EVIDENCE
    )
    in_force: PartialDate | None = Field(
        default=None, description="Date of entry into force.", json_schema_extra=_OWN_EVIDENCE
    )
    ended: PartialDate | None = Field(
        default=None, description="Date the treaty ended.", json_schema_extra=_OWN_EVIDENCE
    )
    scope: TreatyScope = Field(description="Bilateral (exactly two parties) or multilateral.")


class TreatyParty(Evidenced):
    """A party to a treaty, with its role."""

    resource: ClassVar[str] = "treaty_parties"
    table_title: ClassVar[str] = "Treaty parties"
    primary_key: ClassVar[tuple[str, ...]] = ("treaty_id", "party_id", "role")
    foreign_keys: ClassVar[tuple[dict[str, Any], ...]] = (
        _fk("treaty_id", "treaties"),
        _fk("party_id", "parties"),
        _SOURCE_FK,
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
        _fk("treaty_id", "treaties"),
        _fk("related_treaty_id", "treaties", "treaty_id"),
        _SOURCE_FK,
    )

    treaty_id: Slug = Field(description="The later treaty (treaties.treaty_id).")
    related_treaty_id: Slug = Field(description="The earlier treaty it relates to.")
    relation: RelationKind = Field(description="How the later treaty relates to the earlier.")


class Event(Evidenced):
    """A dated event: a signing, referendum, election, dissolution, summit, military action..."""

    resource: ClassVar[str] = "events"
    table_title: ClassVar[str] = "Events"
    primary_key: ClassVar[tuple[str, ...]] = ("event_id",)
    foreign_keys: ClassVar[tuple[dict[str, Any], ...]] = (_fk("treaty_id", "treaties"), _SOURCE_FK)

    event_id: Slug = Field(description="Stable ID of the event.")
    date: PartialDate = Field(description="Date of the event.")
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
        _fk("event_id", "events"),
        _fk("party_id", "parties"),
        _SOURCE_FK,
    )

    event_id: Slug = Field(description="The event (events.event_id).")
    party_id: Slug = Field(description="The party (parties.party_id).")
    role: ParticipantRole = Field(description="Role of the party in the event.")


class Clause(Evidenced):
    """A clause of a treaty, quoted exactly as the source gives it."""

    resource: ClassVar[str] = "clauses"
    table_title: ClassVar[str] = "Clauses"
    primary_key: ClassVar[tuple[str, ...]] = ("clause_id",)
    foreign_keys: ClassVar[tuple[dict[str, Any], ...]] = (_fk("treaty_id", "treaties"), _SOURCE_FK)

    clause_id: Slug = Field(description="Stable ID of the clause.")
    treaty_id: Slug = Field(description="The treaty quoted (treaties.treaty_id).")
    article: str | None = Field(default=None, description="Article of the treaty, where known.")
    text: str = Field(
        description="The clause text exactly as the source quotes it, with its editorial brackets."
    )
    language: Language = Field(description="Language of the quoted text.")
    editorial_brackets: bool = Field(
        description="True when the text holds editorial insertions in square brackets."
    )


class ClauseTheme(Record):
    """A theme a clause is coded with (editorial coding by this project, not a sourced fact)."""

    resource: ClassVar[str] = "clause_themes"
    table_title: ClassVar[str] = "Clause themes"
    primary_key: ClassVar[tuple[str, ...]] = ("clause_id", "theme")
    foreign_keys: ClassVar[tuple[dict[str, Any], ...]] = (_fk("clause_id", "clauses"),)

    clause_id: Slug = Field(description="The clause (clauses.clause_id).")
    theme: Theme = Field(description="Theme from the controlled vocabulary.")


class Evidence(Record):
    """Evidence for one field of one row, where it comes from another source than the row's."""

    resource: ClassVar[str] = "evidence"
    table_title: ClassVar[str] = "Field evidence"
    primary_key: ClassVar[tuple[str, ...]] = ("evidence_id",)
    foreign_keys: ClassVar[tuple[dict[str, Any], ...]] = (_SOURCE_FK,)

    evidence_id: Slug = Field(description="Stable ID of the evidence row.")
    resource_name: ContentResource = Field(description="Table of the row the evidence backs.")
    record_id: Slug = Field(description="Primary key of the row the evidence backs.")
    field: str = Field(description="Field of that row the evidence backs.")
    source_id: Slug = Field(description="The source (sources.source_id).")
    quote: str = Field(description="Verbatim text from the source that supports the value.")
    locator: str | None = Field(default=None, description="Where in the source the quote stands.")


class Dispute(Record):
    """A value on which sources disagree: the value chosen, the alternative, both sources, why."""

    resource: ClassVar[str] = "disputes"
    table_title: ClassVar[str] = "Disputes"
    primary_key: ClassVar[tuple[str, ...]] = ("dispute_id",)
    foreign_keys: ClassVar[tuple[dict[str, Any], ...]] = (
        _fk("chosen_source_id", "sources", "source_id"),
        _fk("alternative_source_id", "sources", "source_id"),
    )

    dispute_id: Slug = Field(description="Stable ID of the dispute.")
    resource_name: ContentResource = Field(description="Table of the disputed row.")
    record_id: Slug = Field(description="Primary key of the disputed row.")
    field: str = Field(description="The disputed field.")
    chosen_value: str = Field(description="The value the dataset holds (must equal the field).")
    chosen_source_id: Slug = Field(description="The source of the chosen value.")
    chosen_quote: str = Field(description="Verbatim text of that source giving the chosen value.")
    chosen_locator: str | None = Field(default=None, description="Where the chosen quote stands.")
    alternative_value: str = Field(description="The value the other source gives.")
    alternative_source_id: Slug = Field(description="The source of the alternative value.")
    alternative_quote: str = Field(description="Verbatim text of that source giving it.")
    alternative_locator: str | None = Field(
        default=None, description="Where the alternative quote stands."
    )
    rationale: str = Field(description="Why the chosen value was preferred.")


#: Every table, parents before the tables that reference them.
MODELS: tuple[type[Record], ...] = (
    Source,
    Party,
    Treaty,
    TreatyParty,
    TreatyRelation,
    Event,
    EventParticipant,
    Clause,
    ClauseTheme,
    Evidence,
    Dispute,
)
