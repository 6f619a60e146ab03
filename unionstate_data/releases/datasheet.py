"""The datasheet that travels in every release zip: what the data is, its tables and fields."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .._paths import resource_schema
from ..citation import Citation, apa

__all__ = ["datasheet"]


def datasheet(
    descriptor: Path, meta: dict[str, Any], rows: dict[str, int], citation: Citation
) -> str:
    """A Markdown datasheet generated from the descriptor, its schemas, the row counts and the
    citation of the package it describes (built from the same descriptor by the caller)."""
    lines = [
        f"# {meta['title']}",
        "",
        f"Version {meta['version']}, released {meta['created'][:10]}. "
        f"Licence: {meta['licenses'][0]['name']} (see LICENSE-DATA).",
        "",
        meta.get("description", ""),
        "",
        "Generated from datapackage.json by `unionstate-data build`.",
        "",
        "## How to cite",
        "",
        apa(citation),
        "",
        "## Tables",
    ]
    for resource in meta["resources"]:
        schema = resource_schema(descriptor, resource)
        lines += [
            "",
            f"### {resource['name']} ({rows.get(resource['name'], 0)} rows)",
            "",
            resource.get("description", ""),
            "",
            "| field | type | description |",
            "| --- | --- | --- |",
            *(
                f"| {f['name']} | {f['type']} | {f.get('description', '')} |"
                for f in schema["fields"]
            ),
        ]
    return "\n".join(lines) + "\n"
