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
from urllib.parse import urlsplit

from ._paths import descriptor_path
from ._version import data_version
from .errors import UsageError
from .releases.registry import release_info

__all__ = [
    "GENERATED_CFF_NOTE",
    "STYLES",
    "Citation",
    "apa",
    "cff_text",
    "citation_from_meta",
    "cite",
    "load_citation",
]

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

    @property
    def publisher(self) -> str:
        """Who publishes the data: the host of its repository (``GitHub``), else the authors."""
        host = urlsplit(self.url or "").hostname or ""
        return _HOSTS.get(host.removeprefix("www."), host) or ", ".join(self.authors)


#: Repository hosts by the name they publish under.
_HOSTS = {"github.com": "GitHub", "gitlab.com": "GitLab", "zenodo.org": "Zenodo"}


def load_citation(version: str | None = None, descriptor: Path | None = None) -> Citation:
    """The citation that ``descriptor`` (default: the shipped one) gives, as ``version``."""
    meta = json.loads((descriptor or descriptor_path()).read_text(encoding="utf-8"))
    return citation_from_meta(meta, version)


def citation_from_meta(meta: dict[str, Any], version: str | None = None) -> Citation:
    """The citation of a descriptor's content ``meta``, as ``version`` (default: its own)."""
    ident = meta.get("id") or ""
    return Citation(
        title=meta["title"],
        authors=tuple(c["title"] for c in meta.get("contributors", [])),
        version=version or meta.get("version") or data_version(),
        date=meta["created"][:10],
        licence=meta["licenses"][0]["name"],
        keywords=tuple(meta.get("keywords", [])),
        abstract=meta.get("description", ""),
        doi=ident.removeprefix(_DOI_PREFIX) if ident.startswith(_DOI_PREFIX) else None,
        url=meta.get("homepage"),
    )


def cite(
    style: str = "bibtex",
    version: str | None = None,
    sources: bool = False,
    descriptor: Path | None = None,
) -> str:
    """The citation in ``style`` (one of ``STYLES``) of ``version`` (default: the installed
    one); with ``sources=True`` also the upstream sources of the data. ``descriptor`` cites
    another copy of the package (an unzipped release, a checkout) instead of the installed one.
    """
    if style not in STYLES:
        raise UsageError(f"unknown citation style {style!r}; choose one of {', '.join(STYLES)}")
    descriptor = descriptor or descriptor_path()
    citation = load_citation(descriptor=descriptor)
    if version is not None and version != citation.version:
        citation = replace(citation, version=version, date=release_info(version)["date"])
    upstream = _sources(descriptor) if sources else []
    if style == "bibtex":
        return "\n\n".join([_bibtex(citation), *(_bibtex_source(s) for s in upstream)]) + "\n"
    if style == "apa":
        return "\n".join([apa(citation), *(_apa_source(s) for s in upstream)]) + "\n"
    if style == "cff":
        return cff_text(citation, upstream)
    items = [_csl(citation), *(_csl_source(s) for s in upstream)]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"


def _sources(descriptor: Path) -> list[dict[str, str]]:
    path = descriptor.parent / "data" / "sources.csv"
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
        "publisher": _bibtex_escape(c.publisher),
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
    """The APA (7th edition) reference of ``c``, one line. A DOI, once recorded, takes the place
    of the URL, as APA asks (the DOI resolves to the repository's landing page)."""
    link = f"https://doi.org/{c.doi}" if c.doi else (c.url or "")
    publisher = c.publisher if c.publisher != ", ".join(c.authors) else ""
    parts = [
        _end(_apa_names(list(c.authors))),
        f"({c.year}).",
        f"{c.title} (Version {c.version}) [Data set].",
        f"{publisher}." if publisher else "",
        link,
    ]
    return " ".join(p for p in parts if p)


#: English month names, not the locale's (calendar.month_name follows the locale).
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _apa_date(date: str) -> str:
    """``2013``, ``2013, September`` or ``2013, September 26`` from an ISO (partial) date."""
    if not date:
        return "n.d."
    year, *rest = date.split("-")
    if not rest:
        return year
    month = _MONTHS[int(rest[0]) - 1]
    return f"{year}, {month}" + (f" {int(rest[1])}" if len(rest) > 1 else "")


def _apa_name(name: str) -> str:
    """``Rosenberg, S.`` for a person's ``Steve Rosenberg``; a group's name as it is.

    A person is two or three capitalised words with nothing else (``(editor)`` becomes
    ``(Ed.)``); anything longer or with punctuation is taken for a group, which APA keeps whole.
    """
    name, editor = name.removesuffix(" (editor)"), name.endswith(" (editor)")
    words = name.split()
    person = 2 <= len(words) <= 3 and all(w[0].isupper() and w.isalpha() for w in words)
    if not person:
        return name
    initials = " ".join(f"{w[0]}." for w in words[:-1])
    return f"{words[-1]}, {initials}" + (" (Ed.)" if editor else "")


def _end(text: str) -> str:
    """``text`` ending as an APA element does: with a full stop, unless it has ``.?!`` already."""
    return text if text.endswith((".", "?", "!")) else text + "."


def _apa_names(names: list[str]) -> str:
    written = [_apa_name(n) for n in names]
    if len(written) <= 1:
        return "".join(written)
    return ", ".join(written[:-1]) + ", & " + written[-1]


def _apa_source(source: dict[str, str]) -> str:
    """The APA reference of one upstream source: author (or title) first, date, site, link."""
    authors = [a.strip() for a in source.get("authors", "").split(";") if a.strip()]
    date = f"({_apa_date(source.get('published', ''))})."
    title = _end(source["title"])
    parts = [_end(_apa_names(authors)), date, title] if authors else [title, date]
    if source.get("publisher"):
        parts.append(_end(source["publisher"]))
    url = source.get("url", "")
    if url and not source.get("published") and source.get("accessed"):
        year, day = _apa_date(source["accessed"]).split(", ", 1)  # APA: "May 3, 2026"
        parts.append(f"Retrieved {day}, {year}, from {url}")
    elif url:
        parts.append(url)
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


#: The head of the repository's CITATION.cff, which is generated; never in what ``cite`` prints.
GENERATED_CFF_NOTE = (
    "# Generated from datapackage/datapackage.json and the package version by\n"
    "# `unionstate-data schema --write`; edit those, not this file.\n"
)


def cff_text(c: Citation | None = None, upstream: list[dict[str, str]] | None = None) -> str:
    """CITATION.cff (CFF 1.2.0) for ``c`` (default: the installed version)."""
    c = c or load_citation()
    lines = [
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
        lines += [f"url: {_yaml(c.url)}", f"repository-code: {_yaml(c.url)}"]
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
