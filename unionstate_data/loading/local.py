"""Release archives that are already on this machine, so that fetching them needs no network.

Two places, tried in this order:

- the archives shipped with the package: every published version's CSV zip, as kept in the
  checkout's ``releases/v{version}/`` (a wheel carries that folder in ``unionstate_data/_data/``);
- a local mirror: ``$UNIONSTATE_DATA_URL`` (or ``base_url=``) given as a ``file://`` URL or a
  plain folder, laid out as the release host is (``{mirror}/v{version}/{file}``), for instance
  a copy of a checkout's ``releases/`` folder.

Either is copied into the cache and checked against the registry's SHA-256 like a download;
``fetching`` then extracts it as it extracts a download.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from .. import _paths
from .._files import file_sha256
from ..errors import FetchError
from ..releases.layout import release_dir_name

__all__ = ["local_archive", "local_mirror", "shipped_archive"]


def shipped_archive(version: str, name: str) -> Path | None:
    """The release file ``name`` of ``version`` shipped with the package, if it is."""
    path = _paths.data_root() / "releases" / release_dir_name(version) / name
    return path if path.is_file() else None


def local_mirror(base: str | None) -> Path | None:
    """The folder a ``file://`` URL or a plain path names; None for a web address."""
    if base is None:
        return None
    parts = urlsplit(base)
    if parts.scheme == "file":
        return Path(url2pathname(unquote(parts.path)))
    if parts.scheme and len(parts.scheme) > 1:  # http, https...; "C:" is a Windows drive
        return None
    return Path(base).expanduser()


def local_archive(
    version: str, name: str, target: Path, expected: tuple[str, str], base: str | None
) -> Path | None:
    """``target`` holding the verified release file ``name``, copied from this machine (the
    package's own copy, else a local mirror), or None when neither has it (download it).

    ``expected``: (the SHA-256 the file must have, where that hash comes from). FetchError when
    a local copy does not match it (nothing is copied) or when a local mirror is set but lacks
    the file (there is nothing to download from).
    """
    mirror = local_mirror(base)
    candidates = [shipped_archive(version, name)]
    if mirror is not None:
        candidates.append(mirror / release_dir_name(version) / name)
    for source in candidates:
        if source is not None and source.is_file():
            _copy_verified(source, target, expected)
            return target
    if mirror is not None:
        raise FetchError(
            f"the local mirror {mirror} has no {release_dir_name(version)}/{name}. Copy the "
            "release files there (a checkout's releases/ folder has the CSV zips), or unset "
            "$UNIONSTATE_DATA_URL to download from the release host."
        )
    return None


def _copy_verified(source: Path, target: Path, expected: tuple[str, str]) -> None:
    """Copy ``source`` to ``target`` through a temporary file, moved into place once verified."""
    digest, provenance = expected
    actual = file_sha256(source)
    if actual != digest:
        raise FetchError(
            f"{source}: SHA-256 mismatch: expected {digest} ({provenance}), got {actual}. "
            "Nothing was copied into the cache. The file is "
            "damaged or not the published release: restore it (reinstall unionstate-data for "
            "the copy it ships) and never use it in place of the release."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    try:
        shutil.copyfile(source, temporary)
        if file_sha256(Path(temporary)) != digest:  # changed while it was copied
            raise FetchError(f"{source} changed while it was copied; nothing was cached")
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
