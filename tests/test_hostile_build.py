"""Hostile output folders for build: it never deletes what it did not make.

``--out`` a file, ``OUT/v{version}`` a file, a link or a folder holding the user's files: each is
refused with one message and left as it was. A build killed mid-way leaves staging that the next
one removes; eight builds into one folder at once all succeed, and the release folder never
disappears while they run. Every case is bounded (a build takes about a second).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from unionstate_data._version import get_version
from unionstate_data.cli import main
from unionstate_data.errors import BuildError
from unionstate_data.releases.build import build
from unionstate_data.releases.output import release_files

VERSION = get_version()
NAME = f"v{VERSION}"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (links as their target's name), by relative path."""
    found: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[key] = b"-> " + os.readlink(path).encode()
        elif path.is_file():
            found[key] = path.read_bytes()
    return found


def _a_file(out: Path) -> None:
    (out / NAME).write_text("my notes, not a release\n", encoding="utf-8")


def _a_folder_of_mine(out: Path) -> None:
    (out / NAME).mkdir()
    (out / NAME / "thesis.tex").write_text("months of work\n", encoding="utf-8")


def _a_release_and_my_file(out: Path) -> None:
    build(out)
    (out / NAME / "notes.txt").write_text("mine\n", encoding="utf-8")


def _a_link(out: Path) -> None:
    (out / "elsewhere").mkdir()
    (out / NAME).symlink_to(out / "elsewhere", target_is_directory=True)


def _a_folder_named_like_a_release_file(out: Path) -> None:
    (out / NAME / "manifest.json").mkdir(parents=True)
    (out / NAME / "manifest.json" / "data.csv").write_text("a,b\n", encoding="utf-8")


OCCUPIED = {
    "a-regular-file": (_a_file, "is not a folder"),
    "a-folder-of-the-users": (_a_folder_of_mine, "thesis.tex"),
    "a-release-plus-a-users-file": (_a_release_and_my_file, "notes.txt"),
    "a-symlink": (_a_link, "a file or a link"),
    "a-folder-named-like-a-release-file": (_a_folder_named_like_a_release_file, "manifest.json"),
}


@pytest.mark.parametrize(("occupy", "match"), OCCUPIED.values(), ids=OCCUPIED)
def test_a_release_folder_the_builder_did_not_make_is_refused_and_left_as_it_was(
    tmp_path: Path, occupy: Callable[[Path], None], match: str
) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    occupy(out)
    before = snapshot(out)
    with pytest.raises(BuildError, match=match) as error:
        build(out)
    assert str(out / NAME) in str(error.value) and "--out" in str(error.value)
    assert snapshot(out) == before
    assert not list(out.glob(".*staging*"))


def test_out_pointing_at_a_file_is_one_message_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "dist"
    out.write_text("a file\n", encoding="utf-8")
    assert main(["build", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"--out {out} is a file" in err and "Traceback" not in err
    assert out.read_text(encoding="utf-8") == "a file\n"


def test_an_unwritable_output_folder_is_a_build_error_naming_it(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(BuildError, match="cannot write the release into") as error:
        build(blocker / "dist")
    assert str(blocker / "dist") in str(error.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_output_folder_is_a_build_error_naming_it(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    out.chmod(0o555)
    try:
        with pytest.raises(BuildError, match="cannot write the release into") as error:
            build(out)
        assert str(out) in str(error.value)
    finally:
        out.chmod(0o755)


def test_a_folder_the_builder_made_is_replaced_and_its_staging_removed(tmp_path: Path) -> None:
    first = build(tmp_path).path
    before = snapshot(first)
    (first / "SHA256SUMS").unlink()  # damaged, but still only release files
    again = build(tmp_path).path
    assert again == first and snapshot(again) == before
    assert {p.name for p in tmp_path.iterdir()} == {NAME, f".{NAME}.lock"}


def test_stale_staging_is_removed_but_a_staging_named_folder_with_other_files_is_kept(
    tmp_path: Path,
) -> None:
    stale = tmp_path / f".{NAME}.staging-dead"
    stale.mkdir()
    (stale / "manifest.json").write_text("{", encoding="utf-8")
    foreign = tmp_path / f".{NAME}.staging-mine"
    foreign.mkdir()
    (foreign / "diary.txt").write_text("keep me\n", encoding="utf-8")
    build(tmp_path)
    assert not stale.exists()
    assert (foreign / "diary.txt").read_text(encoding="utf-8") == "keep me\n"


def _build_process(out: Path) -> subprocess.Popen:
    code = f"from unionstate_data.releases.build import build; build({str(out)!r})"
    return subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def test_a_build_killed_mid_way_leaves_staging_that_the_next_build_removes(
    tmp_path: Path,
) -> None:
    out = tmp_path / "dist"
    release = build(out).path
    before = snapshot(release)
    run = _build_process(out)
    start = time.monotonic()
    while not list(out.glob(f".{NAME}.staging-*/*")):
        assert time.monotonic() - start < 30 and run.poll() is None, run.communicate()
        time.sleep(0.005)
    run.send_signal(signal.SIGKILL)
    run.wait(10)
    assert list(out.glob(f".{NAME}.staging-*"))  # what the killed build left...
    assert snapshot(release) == before  # ...beside the release, untouched
    build(out)
    assert sorted(p.name for p in out.iterdir()) == sorted([NAME, f".{NAME}.lock"])
    assert snapshot(release) == before


def test_eight_builds_into_one_folder_at_once_all_succeed_and_the_release_never_disappears(
    tmp_path: Path,
) -> None:
    out = tmp_path / "dist"
    release = build(out).path
    missing: list[float] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            if not (release / "manifest.json").is_file():
                missing.append(time.monotonic())
            time.sleep(0.0002)  # leave the two cores to the builds

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        runs = [_build_process(out) for _ in range(8)]
        results = [run.communicate(timeout=120) for run in runs]
    finally:
        done.set()
        watcher.join()
    assert [run.returncode for run in runs] == [0] * 8, results
    assert missing == []
    assert {p.name for p in release.iterdir()} == release_files(VERSION)
    assert sorted(p.name for p in out.iterdir()) == sorted([NAME, f".{NAME}.lock"])
