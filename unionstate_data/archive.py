"""Safe extraction of release zips: only regular files, only inside the target folder.

``zipfile.extractall`` sanitises names, silently: it rewrites absolute paths and drops ``..``
rather than refusing them. A release archive that holds such entries, links or device files was
not written by ``unionstate-data build`` and is refused whole, before anything is written.
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path, PurePosixPath

from .errors import UnsafeArchiveError

__all__ = ["UnsafeArchiveError", "check_members", "safe_extract"]


def check_members(archive: zipfile.ZipFile, source: Path) -> list[zipfile.ZipInfo]:
    """Every entry, if all are safe; UnsafeArchiveError naming the first unsafe one."""
    members = archive.infolist()
    for info in members:
        name = info.filename
        path = PurePosixPath(name)
        mode = info.external_attr >> 16
        kind = stat.S_IFMT(mode)
        if path.is_absolute() or name.startswith(("/", "\\")) or ":" in path.parts[0]:
            reason = "has an absolute path"
        elif ".." in path.parts or "\\" in name:
            reason = "climbs out of the folder with '..' or uses backslashes"
        elif kind not in (0, stat.S_IFREG, stat.S_IFDIR):
            reason = f"is not a regular file (mode {oct(mode)}: a link or device)"
        else:
            continue
        raise UnsafeArchiveError(
            f"{source}: entry {name!r} {reason}; refusing to extract anything from this archive. "
            "Release archives built by `unionstate-data build` never hold such entries: "
            "the file is damaged or not a genuine release."
        )
    return members


def safe_extract(source: Path, target: Path) -> None:
    """Extract the zip ``source`` into ``target`` after checking every entry."""
    with zipfile.ZipFile(source) as archive:
        members = check_members(archive, source)
        root = target.resolve()
        for info in members:
            destination = (root / info.filename).resolve()
            if not destination.is_relative_to(root):  # belt and braces after check_members
                raise UnsafeArchiveError(f"{source}: entry {info.filename!r} leaves {root}")
            if info.is_dir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as src, destination.open("wb") as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
