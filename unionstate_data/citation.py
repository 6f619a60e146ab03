"""How to cite the dataset: BibTeX, APA, CFF and CSL-JSON, for the installed or a published version.

Everything comes from one place: the hand-written metadata of ``datapackage.json`` (title,
contributors, licence, keywords, ``created`` as the release date, ``id`` as the DOI once one is
registered) and the package version. ``CITATION.cff`` at the top of the checkout is generated
from the same data (``unionstate-data schema --write``) and checked for drift.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ._paths import descriptor_path
from ._version import data_version
from .errors import UsageError
from .releases.registry import release_info

__all__ = ["STYLES", "Citation", "apa", "cff_text", "cite", "load_citation"]

STYLES = ("bibtex", "apa", "cff", "csl-json")
_DOI_PREFIX = "https://doi.org/"


@dataclass(frozen=True)
class Citation:
    """What a citation needs, read from the descriptor."""

    title: str
    authors: tuple[str, ...]
    version: str
    date: str  # YYYY-MM-DD of the release
    licence: str
    keywords: tuple[str, ...]
    abstract: str
    doi: str | None
    url: str | None

    @property
    def year(self) -> str:
        return self.date[:4]


def load_citation(version: str | None = None, descriptor: Path | None = None) -> Citation:
    """The citation that ``descriptor`` (default: the shipped one) gives, as ``version``."""
    meta = json.loads((descriptor or descriptor_path()).read_text(encoding="utf-8"))
    ident = meta.get("id") or ""
    return Citation(
        title=meta["title"],
        authors=tuple(c["title"] for c in meta.get("contributors", [])),
        version=version or data_version(),
        date=meta["created"][:10],
        licence=meta["licenses"][0]["name"],
        keywords=tuple(meta.get("keywords", [])),
        abstract=meta.get("description", ""),
        doi=ident.removeprefix(_DOI_PREFIX) if ident.startswith(_DOI_PREFIX) else None,
        url=meta.get("homepage"),
    )


def cite(style: str = "bibtex", version: str | None = None, sources: bool = False) -> str:
    """The citation in ``style``; with ``sources=True`` also the upstream sources of the data."""
    if style not in STYLES:
        raise UsageError(f"unknown citation style {style!r}; choose one of {', '.join(STYLES)}")
    citation = load_citation()
    if version is not None and version != citation.version:
        citation = replace(citation, version=version, date=release_info(version)["date"])
    upstream = _sources() if sources else []
    if style == "bibtex":
        return "\n\n".join([_bibtex(citation), *(_bibtex_source(s) for s in upstream)]) + "\n"
    if style == "apa":
        return "\n".join([apa(citation), *(_apa_source(s) for s in upstream)]) + "\n"
    if style == "cff":
        return cff_text(citation, upstream)
    items = [_csl(citation), *(_csl_source(s) for s in upstream)]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"


def _sources() -> list[dict[str, str]]:
    path = descriptor_path().parent / "data" / "sources.csv"
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _bibtex_escape(text: str) -> str:
    return "".join("\\" + c if c in "&%$#_{}" else c for c in text)


def _bibtex_entry(kind: str, key: str, fields: dict[str, str]) -> str:
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items() if value)
    return f"@{kind}{{{key},\n{body}\n}}"


def _bibtex(c: Citation) -> str:
    fields = {
        # Double braces keep a group author from being split into first and last names.
        "author": " and ".join(f"{{{_bibtex_escape(a)}}}" for a in c.authors),
        "title": f"{{{_bibtex_escape(c.title)}}}",
        "year": c.year,
        "version": c.version,
        "publisher": "unionstate-data",
        "note": f"Dataset, version {c.version}, licence {c.licence}",
        "doi": c.doi or "",
        "url": c.url or "",
    }
    return _bibtex_entry("misc", f"unionstate_data_{c.version.replace('.', '_')}", fields)


def _bibtex_source(source: dict[str, str]) -> str:
    authors = [a.strip() for a in source.get("authors", "").split(";") if a.strip()]
    fields = {
        "author": " and ".join(f"{{{_bibtex_escape(a)}}}" for a in authors),
        "title": f"{{{_bibtex_escape(source['title'])}}}",
        "howpublished": _bibtex_escape(source.get("publisher", "")),
        "year": source.get("published", "")[:4],
        "url": source.get("url", ""),
        "note": f"Accessed {source['accessed']}" if source.get("accessed") else "",
    }
    return _bibtex_entry("misc", source["source_id"].replace("-", "_"), fields)


def apa(c: Citation) -> str:
    """The APA reference of ``c``, one line."""
    link = f" https://doi.org/{c.doi}" if c.doi else (f" {c.url}" if c.url else "")
    return f"{', '.join(c.authors)} ({c.year}). {c.title} (Version {c.version}) [Data set].{link}"


def _apa_source(source: dict[str, str]) -> str:
    authors = source.get("authors", "").replace("; ", ", ") or source.get("publisher", "")
    year = source.get("published", "")[:4] or "n.d."
    parts = [f"{authors} ({year}). {source['title']}."]
    if source.get("publisher") and source.get("authors"):
        parts.append(f"{source['publisher']}.")
    if source.get("url"):
        parts.append(source["url"])
    return " ".join(parts)


def _csl(c: Citation) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": f"unionstate-data-{c.version}",
        "type": "dataset",
        "title": c.title,
        "author": [{"literal": a} for a in c.authors],
        "issued": {"date-parts": [[int(p) for p in c.date.split("-")]]},
        "version": c.version,
    }
    if c.doi:
        item["DOI"] = c.doi
    if c.url:
        item["URL"] = c.url
    return item


def _csl_source(source: dict[str, str]) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": source["source_id"],
        "type": "article" if source.get("kind") == "article" else "webpage",
        "title": source["title"],
        "author": [{"literal": a.strip()} for a in source.get("authors", "").split(";") if a],
        "publisher": source.get("publisher", ""),
    }
    if source.get("published"):
        item["issued"] = {"date-parts": [[int(p) for p in source["published"].split("-")]]}
    if source.get("url"):
        item["URL"] = source["url"]
    return item


def _yaml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def cff_text(c: Citation | None = None, upstream: list[dict[str, str]] | None = None) -> str:
    """CITATION.cff (CFF 1.2.0) for ``c`` (default: the installed version)."""
    c = c or load_citation()
    lines = [
        "# Generated from datapackage/datapackage.json and the package version by",
        "# `unionstate-data schema --write`; edit those, not this file.",
        "cff-version: 1.2.0",
        'message: "If you use this dataset, cite it as below, with the version you used."',
        "type: dataset",
        f"title: {_yaml(c.title)}",
        "authors:",
        *(f"  - name: {_yaml(a)}" for a in c.authors),
        f"version: {_yaml(c.version)}",
        f"date-released: {_yaml(c.date)}",
        f"license: {c.licence}",
        f"abstract: {_yaml(c.abstract)}",
        "keywords:",
        *(f"  - {_yaml(k)}" for k in c.keywords),
    ]
    if c.doi:
        lines.append(f"doi: {_yaml(c.doi)}")
    if c.url:
        lines.append(f"url: {_yaml(c.url)}")
    if upstream:
        lines.append("references:")
        for source in upstream:
            authors = [a.strip() for a in source.get("authors", "").split(";") if a.strip()]
            lines += [
                "  - type: generic",
                f"    title: {_yaml(source['title'])}",
                "    authors:",
                *(
                    f"      - name: {_yaml(a)}"
                    for a in authors or [source.get("publisher") or "Unknown"]
                ),
            ]
            if source.get("url"):
                lines.append(f"    url: {_yaml(source['url'])}")
    return "\n".join(lines) + "\n"
