"""Build a release: the CSV data package and Parquet tables as zips, with checksums and a manifest.

``build()`` validates first and refuses an invalid package. It writes ``OUT/v{version}/``:

- ``unionstate-data-{version}-csv.zip``: the Frictionless package as it ships (descriptor, CSVs,
  Table Schemas, stored sources), a datasheet, CITATION.cff and the data licence;
- ``unionstate-data-{version}-parquet.zip``: one Parquet file per table, typed, with field
  descriptions and the package metadata in the Arrow schema metadata, and the same tables as
  Stata files (``stata/{table}.dta``, ``releases.stata``);
- both zips carry the codebook of the columns they hold (``CODEBOOK.md``, ``CODEBOOK.html``,
  ``releases.codebook``);
- ``manifest.json``: version, files with sizes and hashes, row counts, the tools that wrote them;
- ``SHA256SUMS``: in the format ``sha256sum -c`` reads.

The bytes are reproducible: no timestamps, a fixed order, fixed zip entry times and permissions,
pinned Parquet writer options. Writing is atomic: everything is written into a temporary folder
beside the target, checked, then renamed into place.

``publish()`` records a built release in the checkout's ``releases/`` folder, which the registry
(``releases.registry``) is generated from.
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from .._files import sha256, sums_text
from .._paths import descriptor_path, resource_schema
from .._version import data_version, get_version
from ..citation import cff_text, load_citation
from ..errors import BuildError, PublishError
from ..model.fields import DERIVED_COLUMNS
from ..validation.typed import typed_tables
from ..validation.validator import validate
from .codebook import FORMATS, codebook
from .datasheet import datasheet
from .explorer import PAGE_NAME, page_for_descriptor
from .layout import csv_zip_name, parquet_zip_name, release_dir_name, root_folder_name
from .output import LOCK_TIMEOUT, staged_release
from .stata import stata_files

__all__ = ["ZIP_DATE", "BuildError", "Release", "build", "publish", "tool_versions"]

#: Every zip entry gets this time (the earliest a zip can hold) and these permissions.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_ZIP_MODE = 0o644 << 16
#: Parquet writer options, pinned: the bytes of a release depend on them.
PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 9,
    "version": "2.6",
    "data_page_version": "1.0",
    "use_dictionary": True,
    "write_statistics": True,
    "row_group_size": 1 << 20,
    "store_schema": True,
    "write_page_index": False,
}


@dataclass(frozen=True)
class Release:
    """A built release: its folder and the manifest written into it."""

    path: Path
    manifest: dict[str, Any]


def tool_versions() -> dict[str, str]:
    """Versions of the tools that determine a release's bytes (recorded in the manifest)."""
    return {
        "unionstate-data": get_version(),
        "pyarrow": pa.__version__,
        "pandas": _installed("pandas"),  # writes the Stata files
        "zlib": zlib.ZLIB_RUNTIME_VERSION,
    }


def _installed(distribution: str) -> str:
    """The installed version of a distribution, or "" when it is not installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return ""


def build(
    out: Path | str = "dist", descriptor: Path | None = None, *, lock_timeout: float = LOCK_TIMEOUT
) -> Release:
    """Validate the package, then write its release into ``out/v{version}/`` atomically.

    An existing ``out/v{version}`` is replaced only when it holds nothing but release files;
    builds into one folder take turns (waiting up to ``lock_timeout`` seconds). BuildError when
    the package is invalid or the folder cannot be written or is not the builder's to replace.
    """
    descriptor = descriptor or descriptor_path()
    report = validate(descriptor)
    if not report.ok:
        raise BuildError(
            f"{descriptor} is not valid ({len(report.problems)} problem(s)); nothing was built. "
            "Fix the problems listed (unionstate-data validate) and build again.",
            report.problems,
        )
    version = data_version()
    meta = json.loads(descriptor.read_text(encoding="utf-8"))
    if meta.get("version") != version:
        raise BuildError(
            f"{descriptor} says version {meta.get('version')!r} but the package is {version}; "
            "run `unionstate-data schema --write` so they agree."
        )
    out = Path(out)
    name = release_dir_name(version)
    with staged_release(out, name, version, lock_timeout) as staging:
        manifest = _write_release(staging, descriptor, meta, version, report.row_counts)
        _verify(staging, manifest)
    return Release(path=out / name, manifest=manifest)


def _write_release(
    staging: Path, descriptor: Path, meta: dict[str, Any], version: str, rows: dict[str, int]
) -> dict[str, Any]:
    extras = _extra_files(descriptor, meta, rows)
    schemas = {r["name"]: resource_schema(descriptor, r) for r in meta["resources"]}
    tables = typed_tables(descriptor)
    csv_entries = _csv_entries(
        descriptor, version, extras | _codebooks(meta, schemas, tables, "csv")
    )
    parquet_extras = extras | _codebooks(meta, schemas, tables, "parquet")
    parquet_entries = _parquet_entries(meta, schemas, tables, version, parquet_extras)
    files = {
        csv_zip_name(version): _write_zip(staging / csv_zip_name(version), csv_entries),
        parquet_zip_name(version): _write_zip(staging / parquet_zip_name(version), parquet_entries),
    }
    manifest = {
        "name": meta["name"],
        "version": version,
        "date": meta["created"][:10],
        "files": {
            name: {"bytes": len(data), "sha256": sha256(data)} for name, data in files.items()
        },
        "tables": rows,
        "tools": tool_versions(),
    }
    manifest_bytes = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")
    (staging / "manifest.json").write_bytes(manifest_bytes)
    files["manifest.json"] = manifest_bytes
    sums = sums_text([(sha256(data), name) for name, data in sorted(files.items())])
    (staging / "SHA256SUMS").write_text(sums, encoding="utf-8", newline="\n")
    return manifest


def _write_zip(path: Path, entries: dict[str, bytes]) -> bytes:
    """A zip of ``entries`` whose bytes depend only on names and contents."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = _ZIP_MODE
            info.create_system = 3  # Unix, whichever system builds
            archive.writestr(info, entries[name], compresslevel=9)
    data = buffer.getvalue()
    path.write_bytes(data)
    return data


def _package_files(descriptor: Path, meta: dict[str, Any]) -> dict[str, Path]:
    """The files of the package, keyed by path relative to the data root: the descriptor, what
    its resources name, the stored sources that sources.csv names, and the seeds README."""
    import csv

    base = descriptor.parent
    named = [base / "data" / "sources.csv"]  # read for seed_path below
    paths = [descriptor]
    for resource in meta["resources"]:
        paths.append(base / resource["path"])
        if isinstance(resource["schema"], str):  # releases up to 0.3.0; later ones inline it
            paths.append(base / resource["schema"])
    with named[0].open(encoding="utf-8", newline="") as f:
        paths += [base / row["seed_path"] for row in csv.DictReader(f) if row.get("seed_path")]
    readme = base.parent / "seeds" / "README.md"
    if readme.is_file():
        paths.append(readme)
    root = base.parent.resolve()
    return {path.resolve().relative_to(root).as_posix(): path for path in paths}


def _extra_files(descriptor: Path, meta: dict[str, Any], rows: dict[str, int]) -> dict[str, bytes]:
    """Files every release zip carries beside the data: datasheet, citation, licence, explorer.

    Both cite the package being built (its descriptor), not the installed one.
    """
    licence = descriptor.parent.parent / "LICENSE-DATA"
    if not licence.is_file():
        raise BuildError(f"the data licence {licence} is missing; restore LICENSE-DATA")
    citation = load_citation(descriptor=descriptor)
    return {
        "DATASHEET.md": datasheet(descriptor, meta, rows, citation).encode("utf-8"),
        "CITATION.cff": cff_text(citation).encode("utf-8"),
        "LICENSE-DATA": licence.read_bytes(),
        PAGE_NAME: page_for_descriptor(descriptor),  # the timeline explorer (releases.explorer)
    }


def _csv_entries(descriptor: Path, version: str, extras: dict[str, bytes]) -> dict[str, bytes]:
    prefix = f"{root_folder_name(version)}/"
    meta = json.loads(descriptor.read_text(encoding="utf-8"))
    files = _package_files(descriptor, meta)
    entries = {prefix + name: path.read_bytes() for name, path in files.items()}
    entries.update({prefix + name: data for name, data in extras.items()})
    return entries


def _codebooks(
    meta: dict[str, Any],
    schemas: dict[str, dict[str, Any]],
    tables: dict[str, pa.Table],
    flavour: str,
) -> dict[str, bytes]:
    """CODEBOOK.md and CODEBOOK.html of one zip, describing the columns that zip holds."""
    return {
        f"CODEBOOK.{fmt}": codebook(meta, schemas, tables, flavour=flavour, format=fmt).encode()
        for fmt in FORMATS
    }


def _parquet_entries(
    meta: dict[str, Any],
    schemas: dict[str, dict[str, Any]],
    tables: dict[str, pa.Table],
    version: str,
    extras: dict[str, bytes],
) -> dict[str, bytes]:
    """The Parquet zip: a Parquet file per table, the same tables as Stata files, the extras."""
    prefix = f"{root_folder_name(version)}/"
    package_meta = json.dumps(
        {k: meta[k] for k in ("name", "title", "version", "created", "licenses") if k in meta}
        | {"citation": extras["CITATION.cff"].decode("utf-8")},
        ensure_ascii=False,
        sort_keys=True,
    )
    entries = {
        f"{prefix}{name}.parquet": _parquet_bytes(table, schemas[name], package_meta)
        for name, table in tables.items()
    }
    stata = stata_files(tables, schemas, f"{meta['title']} {version}")
    entries.update({prefix + name: data for name, data in (stata | extras).items()})
    return entries


def _parquet_bytes(table: pa.Table, schema: dict[str, Any], package_meta: str) -> bytes:
    descriptions = {f["name"]: f.get("description", "") for f in schema["fields"]}
    fields = []
    for field in table.schema:
        base, _, part = field.name.rpartition("_")
        text = descriptions.get(field.name)
        if text is None and base in descriptions:
            text = DERIVED_COLUMNS[part].format(field=base)
        fields.append(field.with_metadata({"description": text or ""}))
    typed = pa.Table.from_arrays(
        table.columns,
        schema=pa.schema(fields, metadata={"unionstate_data": package_meta}),
    )
    sink = pa.BufferOutputStream()
    pq.write_table(typed, sink, **PARQUET_OPTIONS)
    return bytes(sink.getvalue().to_pybytes())


def _verify(staging: Path, manifest: dict[str, Any]) -> None:
    """Re-read what was written: every hash matches and every zip is intact."""
    for name, entry in manifest["files"].items():
        data = (staging / name).read_bytes()
        if sha256(data) != entry["sha256"]:
            raise BuildError(f"{name} changed on disk while building; nothing was published")
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            bad = archive.testzip()
            if bad is not None:
                raise BuildError(f"{name}: entry {bad} is corrupt; nothing was published")


def publish(release_path: Path, root: Path) -> Path:
    """Record a built release in ``root/releases/`` (the checkout); returns the folder.

    PublishError when the version is already published with other bytes.
    """
    manifest = json.loads((release_path / "manifest.json").read_text(encoding="utf-8"))
    version = manifest["version"]
    keep = ["SHA256SUMS", "manifest.json", csv_zip_name(version), parquet_zip_name(version)]
    folder = root / "releases" / release_dir_name(version)
    if folder.exists():
        changed = [n for n in keep if (folder / n).read_bytes() != (release_path / n).read_bytes()]
        if changed:
            raise PublishError(
                f"version {version} is already published with other bytes ({', '.join(changed)}); "
                "a published version never changes: bump the version in pyproject.toml"
            )
        return folder
    folder.mkdir(parents=True)
    for name in keep:
        shutil.copyfile(release_path / name, folder / name)
    return folder
