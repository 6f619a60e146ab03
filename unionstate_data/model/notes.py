"""The tables about other rows: evidence for one field, disputed values, and known gaps.

Each row names a row of a content table (``resource_name``, ``record_id``) and one of its fields.
"""

from typing import Any, ClassVar

from pydantic import Field

from .base import SOURCE_FK, PartialDate, Record, Slug, fk
from .vocabularies import ContentResource

__all__ = ["Dispute", "Evidence", "Gap"]


class Evidence(Record):
    """Evidence for one field of one row, where it comes from another source than the row's."""

    resource: ClassVar[str] = "evidence"
    table_title: ClassVar[str] = "Field evidence"
    primary_key: ClassVar[tuple[str, ...]] = ("evidence_id",)
    foreign_keys: ClassVar[tuple[dict[str, Any], ...]] = (SOURCE_FK,)

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
        fk("chosen_source_id", "sources", "source_id"),
        fk("alternative_source_id", "sources", "source_id"),
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


class Gap(Record):
    """A fact searched for and not found: the field stays empty because it is unknown, not
    because the thing did not happen."""

    resource: ClassVar[str] = "gaps"
    table_title: ClassVar[str] = "Known gaps"
    primary_key: ClassVar[tuple[str, ...]] = ("gap_id",)

    gap_id: Slug = Field(description="Stable ID of the gap.")
    resource_name: ContentResource = Field(description="Table of the row with the unknown value.")
    record_id: Slug = Field(description="Primary key of that row.")
    field: str = Field(description="The field whose value is unknown (it must be empty).")
    searched: str = Field(description="What was searched for, and where.")
    note: str | None = Field(default=None, description="What was found instead, if anything.")
    recorded: PartialDate = Field(description="Date of the search.")
