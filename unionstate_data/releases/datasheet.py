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
        "CODEBOOK.md (and CODEBOOK.html, the same as one web page), beside this file, explains "
        "every column this zip holds, every allowed value, fill rates, coverage and known gaps.",
        "",
        "## How to cite",
        "",
        apa(citation),
        "",
        "CITATION.cff, beside this file, holds the same for reference managers; "
        "`unionstate-data cite --style bibtex` (or apa, cff, csl-json) prints it.",
        *_links(citation),
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


def _links(citation: Citation) -> list[str]:
    """Where the data is published: its repository and, once registered, its DOI."""
    links = [f"- Repository: {citation.url}"] if citation.url else []
    if citation.doi:
        links.append(f"- DOI: https://doi.org/{citation.doi}")
    return ["", *links] if links else []
