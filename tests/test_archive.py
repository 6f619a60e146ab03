"""Safe extraction: regular files inside the target only; anything else refuses the archive."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from unionstate_data.archive import UnsafeArchiveError, safe_extract


def _zip(path: Path, name: str, mode: int = stat.S_IFREG | 0o644, data: bytes = b"x") -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("ok/file.txt", b"fine")
        info = zipfile.ZipInfo(name)
        info.external_attr = mode << 16
        archive.writestr(info, data)
    return path


def test_regular_files_are_extracted_inside_the_target(tmp_path: Path) -> None:
    safe_extract(_zip(tmp_path / "a.zip", "ok/other.txt"), tmp_path / "out")
    assert (tmp_path / "out" / "ok" / "other.txt").read_bytes() == b"x"


@pytest.mark.parametrize(
    ("name", "mode", "reason"),
    [
        ("../escape.txt", stat.S_IFREG | 0o644, "'..'"),
        ("ok/../../escape.txt", stat.S_IFREG | 0o644, "'..'"),
        ("/etc/escape.txt", stat.S_IFREG | 0o644, "absolute"),
        ("ok/link", stat.S_IFLNK | 0o777, "not a regular file"),
        ("ok/device", stat.S_IFCHR | 0o644, "not a regular file"),
    ],
)
def test_unsafe_entries_refuse_the_whole_archive(
    tmp_path: Path, name: str, mode: int, reason: str
) -> None:
    archive = _zip(tmp_path / "bad.zip", name, mode, b"/etc/passwd")
    with pytest.raises(UnsafeArchiveError, match=reason):
        safe_extract(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").rglob("*")) == []
    assert not (tmp_path / "escape.txt").exists()
