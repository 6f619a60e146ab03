"""Generate the Table Schemas, the descriptor's resources, CITATION.cff and the release registry.

The models (``unionstate_data.model.tables``) are the one source of truth. This module turns
each into a Frictionless Table Schema (``schemas/{resource}.json``) and into an entry of the
``resources`` of ``datapackage/datapackage.json``; ``unionstate-data schema --write`` writes
them and ``unionstate-data schema --check`` (and a test) fails when the files on disk drift.
Hand-written package metadata (title, licences, contributors) stays in ``datapackage.json``;
only ``version``, ``homepage`` (the Repository URL of pyproject.toml) and ``resources`` are
generated.
"""

from __future__ import annotations

import json
import types
import typing
from pathlib import Path
from typing import Any

from ._version import project_url
from .citation import GENERATED_CFF_NOTE, cff_text, citation_from_meta
from .model.base import Evidenced, Record
from .model.fields import DEFINITIONS_KEY
from .model.tables import MODELS
from .model.vocabularies import DEFINITIONS, vocabulary_for
from .releases.registry import generate_registry

__all__ = [
    "EVIDENCE_FIELDS",
    "GENERATED_NOTE",
    "check_generated",
    "descriptor_resources",
    "dump_json",
    "table_schema",
    "write_generated",
]

GENERATED_NOTE = (
    "Generated from unionstate_data/model/tables.py by `unionstate-data schema --write`."
)
EVIDENCE_FIELDS = tuple(Evidenced.model_fields)
_TYPES = {str: "string", int: "integer", bool: "boolean"}


def dump_json(data: Any) -> str:
    """The one JSON layout for generated files: sorted nowhere, 2-space indent, final newline."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _field_order(model: type[Record]) -> list[str]:
    names = list(model.model_fields)
    if issubclass(model, Evidenced):  # evidence columns go last, after the row's own fields
        names = [n for n in names if n not in EVIDENCE_FIELDS] + list(EVIDENCE_FIELDS)
    return names


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(inner type, optional?) for ``X | None``."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0], True
    return annotation, False


def _annotations(model: type[Record], name: str) -> tuple[Any, bool, list[Any], dict[str, Any]]:
    """(base type, optional?, constraint metadata, json_schema_extra) of one field.

    Constraints sit on the field itself or, for ``Slug | None`` and ``PartialDate | None``,
    inside the ``Annotated`` alias within the union.
    """
    from pydantic.fields import FieldInfo

    info = model.model_fields[name]
    inner, optional = _unwrap(info.annotation)
    metadata = list(info.metadata)
    extra = dict(info.json_schema_extra) if isinstance(info.json_schema_extra, dict) else {}
    if typing.get_origin(inner) is typing.Annotated:
        for meta in inner.__metadata__:
            if isinstance(meta, FieldInfo):
                metadata += meta.metadata
                if isinstance(meta.json_schema_extra, dict):
                    extra.update(meta.json_schema_extra)
        inner = typing.get_args(inner)[0]
    return inner, optional, metadata, extra


def _field_schema(model: type[Record], name: str) -> dict[str, Any]:
    inner, optional, metadata, extra = _annotations(model, name)
    field: dict[str, Any] = {
        "name": name,
        "description": model.model_fields[name].description or "",
    }
    constraints: dict[str, Any] = {}
    if typing.get_origin(inner) is typing.Literal:
        field["type"] = "string"
        constraints["enum"] = list(typing.get_args(inner))
        extra[DEFINITIONS_KEY] = _definitions(constraints["enum"])
    else:
        field["type"] = _TYPES[inner]
    if not optional:
        constraints["required"] = True
    for meta in metadata:
        pattern = getattr(meta, "pattern", None)
        if pattern:
            constraints["pattern"] = pattern.removeprefix("^").removesuffix("$")
        minimum = getattr(meta, "ge", None)
        if minimum is not None:
            constraints["minimum"] = minimum
    if extra.pop("x-unique", False):
        constraints["unique"] = True
    if constraints:
        field["constraints"] = constraints
    field.update(sorted(extra.items()))
    return field


def _definitions(values: list[str]) -> dict[str, str]:
    """The definition of each allowed value (``model.vocabularies.DEFINITIONS``)."""
    name = vocabulary_for(values)
    if name is None:
        raise KeyError(f"{values} is no vocabulary of model/vocabularies.py (VOCABULARIES)")
    return {value: DEFINITIONS[name][value] for value in values}


def table_schema(model: type[Record]) -> dict[str, Any]:
    """The Frictionless Table Schema of one model."""
    schema: dict[str, Any] = {
        "$schema": "https://datapackage.org/profiles/2.0/tableschema.json",
        "$comment": GENERATED_NOTE,
        "fields": [_field_schema(model, name) for name in _field_order(model)],
        "missingValues": [""],
        "primaryKey": list(model.primary_key),
    }
    if model.foreign_keys:
        schema["foreignKeys"] = [dict(fk) for fk in model.foreign_keys]
    return schema


def descriptor_resources() -> list[dict[str, Any]]:
    """The ``resources`` list of datapackage.json, one per model, parents first."""
    return [
        {
            "name": model.resource,
            "title": model.table_title,
            "description": (model.__doc__ or "").strip(),
            "path": f"data/{model.resource}.csv",
            "type": "table",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            # Inlined, not ``../schemas/...``: Frictionless refuses a path that leaves the
            # package's folder unless told to trust it (``--trusted``).
            "schema": table_schema(model),
        }
        for model in MODELS
    ]


def _expected_files(root: Path, version: str) -> dict[Path, str]:
    """Every generated file under ``root`` (a checkout), with the text it must have."""
    files = {
        root / "schemas" / f"{model.resource}.json": dump_json(table_schema(model))
        for model in MODELS
    }
    descriptor_path = root / "datapackage" / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    descriptor["version"] = version
    descriptor["homepage"] = project_url("Repository")
    descriptor["resources"] = descriptor_resources()
    files[descriptor_path] = dump_json(descriptor)
    # From the descriptor as generated, not as on disk: one --write brings both up to date.
    files[root / "CITATION.cff"] = GENERATED_CFF_NOTE + cff_text(citation_from_meta(descriptor))
    files[root / "unionstate_data" / "registry.json"] = dump_json(
        generate_registry(root / "releases")
    )
    return files


def check_generated(root: Path, version: str) -> list[str]:
    """Generated files under ``root`` that differ from what the models give (empty: no drift)."""
    drift = []
    for path, text in _expected_files(root, version).items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            drift.append(str(path.relative_to(root)))
    return drift


def write_generated(root: Path, version: str) -> list[str]:
    """Rewrite the generated files under ``root``; returns those that changed."""
    changed = check_generated(root, version)
    for path, text in _expected_files(root, version).items():
        path.write_text(text, encoding="utf-8", newline="\n")
    return changed
