"""What every table model shares: the row base classes, the ID and date types, foreign keys."""

from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from .fields import FIELD_EVIDENCE, PARTIAL_DATE, PARTIAL_DATE_PATTERN, SLUG_PATTERN

__all__ = ["OWN_EVIDENCE", "SOURCE_FK", "Evidenced", "PartialDate", "Record", "Slug", "fk"]

Slug = Annotated[str, Field(pattern=f"^{SLUG_PATTERN}$")]
#: A partial date; ``json_schema_extra`` marks it so schema generation and validation know it.
PartialDate = Annotated[
    str, Field(pattern=f"^{PARTIAL_DATE_PATTERN}$", json_schema_extra={PARTIAL_DATE: True})
]


#: Marks a field whose value needs an evidence row of its own (rule field-evidence-missing).
OWN_EVIDENCE: dict[str, Any] = {FIELD_EVIDENCE: True}


def fk(field: str, resource: str, ref_field: str | None = None) -> dict[str, Any]:
    """A Table Schema foreign key: ``field`` refers to ``resource``'s ``ref_field``."""
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


SOURCE_FK = fk("source_id", "sources")
