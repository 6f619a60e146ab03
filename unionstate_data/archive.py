"""Safe extraction of release zips: only regular files, only inside the target folder, bounded.

``zipfile.extractall`` sanitises names, silently: it rewrites absolute paths and drops ``..``
rather than refusing them. A release archive that holds such entries, links or device files, two
entries of one name (unzip tools disagree on which wins, so one hash would stand for two
contents), a name that is both a file and a folder, or more than ``max_bytes`` once expanded was
not written by ``unionstate-data build`` and is refused whole, before anything is written. The
expanded size is checked twice: the sizes the entries declare, then the bytes actually written
(a header can lie; zipfile stops at the declared size, and counting does not rely on that).
"""

from __future__ import annotations

import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from .errors import UnsafeArchiveError

__all__ = [
    "MAX_EXPANDED_BYTES",
    "UNREADABLE",
    "UnsafeArchiveError",
    "check_members",
    "safe_extract",
]

#: Default cap on the bytes an archive may expand to: a release expands to a few MiB.
MAX_EXPANDED_BYTES = 1 << 30
#: What zipfile raises for an archive it cannot read: not a zip (or a bad CRC), a damaged
#: deflate stream, a truncated entry, an unsupported method, an encrypted entry (RuntimeError).
UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)
_CHUNK = 1 << 20


def _refuse(source: Path, what: str) -> UnsafeArchiveError:
    return UnsafeArchiveError(
        f"{source}: {what}; refusing to extract anything from this archive. Release archives "
        "built by `unionstate-data build` never hold such entries: the file is damaged or not "
        "a genuine release."
    )


def _entry_problem(info: zipfile.ZipInfo) -> str | None:
    """Why one entry is unsafe, or None."""
    name = info.filename
    path = PurePosixPath(name)
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if path.is_absolute() or name.startswith(("/", "\\")) or ":" in path.parts[0]:
        return "has an absolute path"
    if ".." in path.parts or "\\" in name:
        return "climbs out of the folder with '..' or uses backslashes"
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        return f"is not a regular file (mode {oct(mode)}: a link or device)"
    return None


def _check_names(members: list[zipfile.ZipInfo], source: Path) -> None:
    """No name twice, and no name that is a file in one entry and a folder in another."""
    seen: set[str] = set()
    files: set[str] = set()
    folders: set[str] = set()
    for info in members:
        key = PurePosixPath(info.filename).as_posix()  # "a/b/" and "a/b" are one name
        if key in seen:
            raise _refuse(source, f"entry {info.filename!r} appears twice")
        seen.add(key)
        (folders if info.is_dir() else files).add(key)
        folders.update(p.as_posix() for p in PurePosixPath(key).parents if p.name)
    clash = sorted(files & folders)
    if clash:
        raise _refuse(source, f"{clash[0]!r} is both a file and a folder")


def check_members(
    archive: zipfile.ZipFile, source: Path, max_bytes: int = MAX_EXPANDED_BYTES
) -> list[zipfile.ZipInfo]:
    """Every entry, if all are safe; UnsafeArchiveError naming the first unsafe one."""
    members = archive.infolist()
    for info in members:
        reason = _entry_problem(info)
        if reason is not None:
            raise _refuse(source, f"entry {info.filename!r} {reason}")
    _check_names(members, source)
    declared = sum(info.file_size for info in members)
    if declared > max_bytes:
        raise _refuse(
            source, f"its entries declare {declared} bytes expanded, over the cap of {max_bytes}"
        )
    return members


def safe_extract(source: Path, target: Path, max_bytes: int = MAX_EXPANDED_BYTES) -> None:
    """Extract the zip ``source`` into ``target`` after checking every entry; at most
    ``max_bytes`` are written. Folders and files are created as the umask says.
    BadZipFile when ``source`` is not a zip, UnsafeArchiveError when it is refused."""
    with zipfile.ZipFile(source) as archive:
        members = check_members(archive, source, max_bytes)
        root = target.resolve()
        budget = max_bytes
        for info in members:
            destination = (root / info.filename).resolve()
            if not destination.is_relative_to(root):  # belt and braces after check_members
                raise UnsafeArchiveError(f"{source}: entry {info.filename!r} leaves {root}")
            if info.is_dir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            budget -= _copy_member(archive, info, destination, budget, max_bytes)


def _copy_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, destination: Path, budget: int, cap: int
) -> int:
    """Write one entry, counting its bytes against what is left of the cap; the bytes written."""
    written = 0
    with archive.open(info) as src, destination.open("xb") as dst:
        while chunk := src.read(_CHUNK):
            written += len(chunk)
            if written > budget:
                raise _refuse(
                    Path(str(archive.filename)),
                    f"entry {info.filename!r} expands past the cap of {cap} bytes in all "
                    f"(its header declares {info.file_size})",
                )
            dst.write(chunk)
    return written
