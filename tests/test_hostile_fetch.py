"""Hostile input to fetch, the cache and diff: every case bounded in time and size.

A server on 127.0.0.1 misbehaves on purpose (an endless body, a trickle, a lying Content-Length,
a gzip bomb, silence) or serves hostile archives under a hash the caller supplies (a zip bomb,
duplicate names, a file/folder clash). The caps and deadlines are the ``FetchLimits`` parameters,
set small here (1 MiB, 1.5 s) so that a 50 MiB bomb or an endless body is refused fast. The cache
is tampered with after a verified fetch; processes are killed mid-fetch and run eight at once.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import signal
import subprocess
import sys
import threading
import time
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import unionstate_data as usd
from unionstate_data._version import get_version
from unionstate_data.archive import UnsafeArchiveError
from unionstate_data.cli import main
from unionstate_data.loading.download import BoundedDownloader
from unionstate_data.loading.fetching import CACHE_DIR_ENV, FetchLimits, archive_name, fetch
from unionstate_data.releases.build import build
from unionstate_data.releases.diff import diff_packages
from unionstate_data.releases.registry import load_registry

VERSION = get_version()
UNLISTED = "0.0.8"  # in no registry: fetched with a hash the caller gives
REGISTERED = "0.1.0"  # in the shipped registry, with its sizes
PREFIX = f"unionstate-data-{UNLISTED}/"
MIB = 1 << 20
BOMB = 50 * MIB
LIMITS = FetchLimits(
    max_download_bytes=MIB,
    max_expanded_bytes=MIB,
    deadline=1.5,
    connect_timeout=1.0,
    read_timeout=1.0,
)
BOUND = 6.0  # seconds any refused fetch may take with LIMITS (deadline + one read timeout...)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- the hostile server -------------------------------------------------------------------------

Behaviour = Callable[[BaseHTTPRequestHandler, "Server"], None]


@dataclass
class Server:
    files: dict[str, bytes] = field(default_factory=dict)
    behaviours: dict[str, Behaviour] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    delay: float = 0.0
    url: str = ""

    def serve(self, version: str, data: bytes) -> None:
        self.files[f"/v{version}/{archive_name(version)}"] = data

    def misbehave(self, version: str, behaviour: Behaviour) -> None:
        self.behaviours[f"/v{version}/{archive_name(version)}"] = behaviour


class Handler(BaseHTTPRequestHandler):
    server: ThreadingHTTPServer

    def do_GET(self) -> None:
        state: Server = self.server.state  # type: ignore[attr-defined]
        state.requests.append(self.path)
        time.sleep(state.delay)
        try:
            if self.path in state.behaviours:
                state.behaviours[self.path](self, state)
            elif self.path in state.files:
                self.send_response(200)
                self.send_header("Content-Length", str(len(state.files[self.path])))
                self.end_headers()
                self.wfile.write(state.files[self.path])
            else:
                self.send_error(404)
        except OSError:
            pass  # the client hung up, as it should on a hostile body

    def log_message(self, format: str, *args: object) -> None:
        pass


def _zeros_until_stopped(handler: BaseHTTPRequestHandler, state: Server) -> None:
    block = b"\0" * (1 << 16)
    while not state.stopping.is_set():
        handler.wfile.write(block)


def endless(handler: BaseHTTPRequestHandler, state: Server) -> None:
    """No Content-Length: the body would end when the connection closes, which it never does."""
    handler.send_response(200)
    handler.end_headers()
    _zeros_until_stopped(handler, state)


def lying_huge(handler: BaseHTTPRequestHandler, state: Server) -> None:
    handler.send_response(200)
    handler.send_header("Content-Length", str(2 << 30))
    handler.end_headers()
    _zeros_until_stopped(handler, state)


def lying_short(handler: BaseHTTPRequestHandler, state: Server) -> None:
    """Announces 1000 bytes, sends without end."""
    handler.send_response(200)
    handler.send_header("Content-Length", "1000")
    handler.end_headers()
    _zeros_until_stopped(handler, state)


def trickle(handler: BaseHTTPRequestHandler, state: Server) -> None:
    """A byte every 50 ms: each read succeeds well within any per-read timeout."""
    handler.send_response(200)
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    while not state.stopping.is_set():
        handler.wfile.write(b"\0")
        time.sleep(0.05)


def silent(handler: BaseHTTPRequestHandler, state: Server) -> None:
    handler.send_response(200)
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    state.stopping.wait(30)


def gzip_bomb(handler: BaseHTTPRequestHandler, state: Server) -> None:
    """50 MiB of zeros, gzipped to some 50 KB, sent as a gzip Content-Encoding."""
    body = _gzip_bomb()
    handler.send_response(200)
    handler.send_header("Content-Encoding", "gzip")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


_BOMBS: dict[str, bytes] = {}


def _gzip_bomb() -> bytes:
    if "gzip" not in _BOMBS:
        _BOMBS["gzip"] = gzip.compress(b"\0" * BOMB, compresslevel=9)
    return _BOMBS["gzip"]


@pytest.fixture
def server() -> Iterator[Server]:
    state = Server()
    http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    http.daemon_threads = True
    http.state = state  # type: ignore[attr-defined]
    state.url = f"http://127.0.0.1:{http.server_address[1]}"
    threading.Thread(target=http.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
    yield state
    state.stopping.set()
    http.shutdown()
    http.server_close()


@pytest.fixture
def cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_DIR_ENV, str(folder))
    return folder


def leftovers(cache: Path) -> list[str]:
    if not cache.exists():
        return []
    found = (p.relative_to(cache).as_posix() for p in cache.rglob("*"))
    return sorted(p for p in found if not p.startswith(".locks"))


# --- a hostile server ---------------------------------------------------------------------------


def _registered_size(version: str) -> int:
    size: int = load_registry()[version]["bytes"][archive_name(version)]
    return size


SERVER_CASES = {
    "endless-body": (endless, UNLISTED, f"more than the cap for a file of unknown size, {MIB}"),
    "trickle": (trickle, UNLISTED, "deadline of 1.5 s"),
    "silent": (silent, UNLISTED, "could not download"),
    "lying-length-huge": (lying_huge, UNLISTED, f"announces {2 << 30} bytes"),
    "lying-length-short": (lying_short, UNLISTED, "SHA-256 mismatch"),
    "gzip-bomb": (gzip_bomb, UNLISTED, f"the server sent more than {MIB}"),
}


@pytest.mark.parametrize(("behaviour", "version", "match"), SERVER_CASES.values(), ids=SERVER_CASES)
def test_a_hostile_server_is_given_up_on_in_bounded_time_and_nothing_is_cached(
    server: Server, cache: Path, behaviour: Behaviour, version: str, match: str
) -> None:
    server.misbehave(version, behaviour)
    given = None if version == REGISTERED else "ab" * 32
    start = time.monotonic()
    with pytest.raises(usd.FetchError, match=match) as error:
        fetch(version, sha256=given, base_url=server.url, quiet=True, limits=LIMITS)
    assert time.monotonic() - start < BOUND
    assert server.url in str(error.value) or archive_name(version) in str(error.value)
    assert leftovers(cache) == []


# A registered version is shipped with the package, so fetch copies it and never downloads it
# (tests/test_shipped_releases.py); the downloader still holds a registered file to its size,
# for an installation whose shipped copy is gone.
KNOWN_SIZE_CASES = {
    "endless-body": (endless, "more than the registered size"),
    "lying-length-short": (lying_short, "expected 2000 bytes"),
}


@pytest.mark.parametrize(("behaviour", "match"), KNOWN_SIZE_CASES.values(), ids=KNOWN_SIZE_CASES)
def test_a_download_of_a_registered_size_stops_at_that_size(
    server: Server, tmp_path: Path, behaviour: Behaviour, match: str
) -> None:
    server.misbehave(UNLISTED, behaviour)
    download = BoundedDownloader(LIMITS, 2000, progressbar=False)
    url = f"{server.url}/v{UNLISTED}/{archive_name(UNLISTED)}"
    start = time.monotonic()
    with pytest.raises(usd.FetchError, match=match):
        download(url, str(tmp_path / "download"))
    assert time.monotonic() - start < BOUND


def test_a_registered_version_is_copied_from_the_package_not_downloaded(
    server: Server, cache: Path
) -> None:
    server.misbehave(REGISTERED, endless)
    folder = fetch(REGISTERED, base_url=server.url, quiet=True, limits=LIMITS)
    assert folder.is_dir() and server.requests == []
    assert _registered_size(REGISTERED) > 0


def test_the_deadline_is_a_parameter_and_a_generous_one_lets_a_slow_download_finish(
    server: Server, cache: Path
) -> None:
    data = _release_like_zip({PREFIX + "treaties.parquet": b"x" * 1000})
    server.serve(UNLISTED, data)
    server.delay = 0.3
    limits = FetchLimits(deadline=30.0)
    folder = fetch(UNLISTED, sha256=sha256(data), base_url=server.url, quiet=True, limits=limits)
    assert (folder / PREFIX / "treaties.parquet").read_bytes() == b"x" * 1000


# --- hostile archives, with a hash the caller supplies -------------------------------------------


def _release_like_zip(entries: dict[str, bytes], sizes: dict[str, int] | None = None) -> bytes:
    """A zip of ``entries`` (a name ending in "\\0" is written without it: the same name again);
    ``sizes`` overwrites the uncompressed size the headers declare for an entry (a lying
    header)."""
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        warnings.simplefilter("ignore")  # zipfile warns of a duplicate name: it is the point
        for name, data in entries.items():
            archive.writestr(name.split("\0")[0], data)  # "\0" suffix: the same name again
    data = out.getvalue()
    for name, size in (sizes or {}).items():
        data = _declare_size(data, name.encode(), size)
    return data


def _declare_size(data: bytes, name: bytes, size: int) -> bytes:
    """``data`` with the local and central headers of ``name`` declaring ``size`` bytes."""
    buffer = bytearray(data)
    # (signature, offset of the uncompressed size, offset of the name) in each kind of header
    for signature, offset, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = buffer.find(signature)
        while at != -1:
            if buffer[at + name_at : at + name_at + len(name)] == name:
                buffer[at + offset : at + offset + 4] = size.to_bytes(4, "little")
            at = buffer.find(signature, at + 4)
    return bytes(buffer)


#: case -> (entries, sizes the headers declare instead, what the refusal says); "ZEROS" stands
#: for BOMB bytes of zeros, made only when the archives are (50 MiB is not kept at import).
ARCHIVE_CASES: dict[str, tuple[dict[str, bytes], dict[str, int] | None, str]] = {
    "zip-bomb": ({PREFIX + "treaties.parquet": b"ZEROS"}, None, f"over the cap of {MIB}"),
    "zip-bomb-lying-sizes": (
        {PREFIX + "treaties.parquet": b"ZEROS"},
        {PREFIX + "treaties.parquet": 10},
        "refused and deleted",
    ),
    "duplicate-members": (
        {PREFIX + "treaties.parquet": b"one", PREFIX + "treaties.parquet\0": b"two"},
        None,
        "appears twice",
    ),
    "file-folder-clash": (
        {PREFIX + "treaties": b"a file", PREFIX + "treaties/parquet": b"and a folder"},
        None,
        "both a file and a folder",
    ),
}


@pytest.fixture(scope="module")
def archives() -> dict[str, bytes]:
    zeros = b"\0" * BOMB
    return {
        key: _release_like_zip({n: zeros if d == b"ZEROS" else d for n, d in e.items()}, s)
        for key, (e, s, _) in ARCHIVE_CASES.items()
    }


@pytest.mark.parametrize("case", ARCHIVE_CASES)
def test_a_hostile_archive_with_its_hash_is_refused_deleted_and_never_reused(
    server: Server, cache: Path, archives: dict[str, bytes], case: str
) -> None:
    data = archives[case]
    assert len(data) < MIB  # the bombs are small downloads
    server.serve(UNLISTED, data)
    for attempt in (1, 2):  # a retry downloads again: nothing refused was kept
        start = time.monotonic()
        with pytest.raises(usd.FetchError, match=ARCHIVE_CASES[case][2]) as error:
            fetch(UNLISTED, sha256=sha256(data), base_url=server.url, quiet=True, limits=LIMITS)
        assert time.monotonic() - start < BOUND
        assert "refused and deleted" in str(error.value)
        assert leftovers(cache) == []
        assert len(server.requests) == attempt


def test_diff_extracts_a_zip_with_the_same_cap(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"  # a CSV release's layout, one member of 50 MiB of zeros
    bomb.write_bytes(
        _release_like_zip(
            {PREFIX + "datapackage/datapackage.json": b"{}", PREFIX + "data/x.csv": b"\0" * BOMB}
        )
    )
    with pytest.raises(UnsafeArchiveError, match=f"over the cap of {MIB}"):
        diff_packages(bomb, bomb, max_bytes=MIB)


def _deep_descriptor(path: Path) -> Path:
    path.write_text('{"resources": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    return path


def _not_a_zip(folder: Path) -> Path:
    path = folder / "release.zip"
    path.write_bytes(b"<html>a login page</html>")
    return path


DIFF_CASES = {
    "not-a-zip": (_not_a_zip, "not a readable zip"),
    "nested-100000-deep": (lambda p: _deep_descriptor(p / "datapackage.json"), "cannot compare"),
}


@pytest.mark.parametrize(("make", "match"), DIFF_CASES.values(), ids=DIFF_CASES)
def test_diff_of_a_hostile_input_is_one_message_and_exit_1(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make: Callable[[Path], Path],
    match: str,
) -> None:
    path = make(tmp_path)
    assert main(["diff", str(path), str(path)]) == 1
    err = capsys.readouterr().err
    assert match in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


# --- the cache, tampered with after a verified fetch ---------------------------------------------


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The parquet release of the checkout, repacked as UNLISTED."""
    folder = build(tmp_path_factory.mktemp("dist")).path
    with zipfile.ZipFile(folder / archive_name(VERSION)) as source:
        entries = {
            i.filename.replace(f"unionstate-data-{VERSION}/", PREFIX, 1): source.read(i)
            for i in source.infolist()
        }
    return _release_like_zip(entries)


def _rewrite_treaties(folder: Path) -> None:
    root = folder / PREFIX
    (root / "treaties.parquet").write_bytes((root / "parties.parquet").read_bytes())


def _delete_events(folder: Path) -> None:
    (folder / PREFIX / "events.parquet").unlink()


def _add_a_file(folder: Path) -> None:
    (folder / PREFIX / "extra.parquet").write_bytes(b"x")


def _replace_the_archive(folder: Path) -> None:
    folder.with_name(folder.name + ".zip").write_bytes(b"not the archive")


def _forge_the_marker(folder: Path) -> None:
    (folder / ".sha256").write_text("cd" * 32 + "  x.zip\n", encoding="utf-8")


TAMPER = {
    "rewritten-treaties": _rewrite_treaties,
    "deleted-table": _delete_events,
    "extra-file": _add_a_file,
    "replaced-archive": _replace_the_archive,
    "forged-marker": _forge_the_marker,
}


@pytest.mark.parametrize("tamper", TAMPER.values(), ids=TAMPER)
def test_a_tampered_cache_with_a_trusted_hash_is_detected_and_fetched_again(
    server: Server, cache: Path, release: bytes, tamper: Callable[[Path], None]
) -> None:
    server.serve(UNLISTED, release)
    folder = fetch(UNLISTED, sha256=sha256(release), base_url=server.url, quiet=True)
    tamper(folder)
    assert fetch(UNLISTED, sha256=sha256(release), base_url=server.url, quiet=True) == folder
    assert (folder / PREFIX / "events.parquet").is_file()
    assert not (folder / PREFIX / "extra.parquet").exists()
    assert len(server.requests) == (2 if tamper is _replace_the_archive else 1)
    assert usd.table("treaties", version=UNLISTED).equals(usd.table("treaties"))


def test_a_tampered_release_whose_hash_only_the_cache_knows_is_refused_not_loaded(
    server: Server, cache: Path, release: bytes
) -> None:
    server.serve(UNLISTED, release)
    folder = fetch(UNLISTED, sha256=sha256(release), base_url=server.url, quiet=True)
    _rewrite_treaties(folder)
    # The hash given once is in the marker: the archive beside it shows the files were altered,
    # but with no hash from outside the cache there is nothing to fetch it again against.
    with pytest.raises(usd.FetchError, match=f"cache clear {UNLISTED}") as error:
        usd.treaties(version=UNLISTED)
    assert "treaties.parquet differs" in str(error.value)


def test_a_forged_release_for_an_unregistered_version_is_refused_naming_the_cache_folder(
    cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = cache / f"v{UNLISTED}" / f"unionstate-data-{UNLISTED}-parquet"
    (folder / PREFIX).mkdir(parents=True)
    (folder / ".sha256").write_text("ab" * 32 + "  forged.zip\n", encoding="utf-8")
    (folder / PREFIX / "treaties.parquet").write_bytes(b"forged")
    for load in (lambda: usd.table("treaties", version=UNLISTED), lambda: fetch(UNLISTED)):
        with pytest.raises(usd.FetchError) as error:
            load()
        assert str(folder) in str(error.value)
        assert f"cache clear {UNLISTED}" in str(error.value)
    assert main(["fetch", UNLISTED]) == 1
    out, err = capsys.readouterr()
    assert out == ""  # the folder is not printed as a verified release
    assert str(folder) in err


def test_extracted_folders_follow_the_umask(server: Server, cache: Path, release: bytes) -> None:
    server.serve(UNLISTED, release)
    old = os.umask(0o022)
    try:
        folder = fetch(UNLISTED, sha256=sha256(release), base_url=server.url, quiet=True)
    finally:
        os.umask(old)
    assert (folder.stat().st_mode & 0o777, (folder / PREFIX).stat().st_mode & 0o777) == (
        0o755,
        0o755,
    )
    assert (folder / PREFIX / "treaties.parquet").stat().st_mode & 0o777 == 0o644


def test_an_unwritable_cache_folder_is_a_fetch_error_naming_it(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, release: bytes
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(CACHE_DIR_ENV, str(blocker / "cache"))
    server.serve(UNLISTED, release)
    with pytest.raises(usd.FetchError, match=CACHE_DIR_ENV) as error:
        fetch(UNLISTED, sha256=sha256(release), base_url=server.url, quiet=True)
    assert str(blocker) in str(error.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_cache_folder_is_a_fetch_error_naming_it(
    server: Server, cache: Path, release: bytes
) -> None:
    server.serve(UNLISTED, release)
    (cache / ".locks").mkdir(parents=True)
    cache.chmod(0o555)
    try:
        with pytest.raises(usd.FetchError, match=str(cache)):
            fetch(UNLISTED, sha256=sha256(release), base_url=server.url, quiet=True)
    finally:
        cache.chmod(0o755)


# --- processes -----------------------------------------------------------------------------------


def _fetch_process(server: Server, cache: Path, digest: str, deadline: float) -> subprocess.Popen:
    code = (
        "from unionstate_data.loading.fetching import fetch, FetchLimits; "
        f"print(fetch({UNLISTED!r}, sha256={digest!r}, base_url={server.url!r}, quiet=True, "
        f"limits=FetchLimits(deadline={deadline})))"
    )
    env = {**os.environ, CACHE_DIR_ENV: str(cache)}
    return subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )


def test_a_fetch_killed_mid_download_leaves_nothing_that_is_used_or_kept(
    server: Server, cache: Path, release: bytes
) -> None:
    server.misbehave(UNLISTED, trickle)
    run = _fetch_process(server, cache, sha256(release), deadline=60)
    version_dir = cache / f"v{UNLISTED}"
    start = time.monotonic()
    while not (version_dir.is_dir() and any(version_dir.iterdir())):
        assert time.monotonic() - start < 20 and run.poll() is None, run.communicate()
        time.sleep(0.05)
    run.send_signal(signal.SIGKILL)
    run.wait(10)
    assert leftovers(cache) != []  # the half download is there...
    server.behaviours.clear()
    server.serve(UNLISTED, release)
    folder = fetch(UNLISTED, sha256=sha256(release), base_url=server.url, quiet=True)
    # ...and the next fetch removed it and fetched the release whole.
    assert sorted(p.name for p in version_dir.iterdir()) == [folder.name, folder.name + ".zip"]


def test_eight_processes_fetching_one_version_at_once_all_succeed_with_one_download(
    server: Server, cache: Path, release: bytes
) -> None:
    server.serve(UNLISTED, release)
    server.delay = 0.3
    runs = [_fetch_process(server, cache, sha256(release), deadline=60) for _ in range(8)]
    results = [run.communicate(timeout=60) for run in runs]
    assert [run.returncode for run in runs] == [0] * 8, results
    paths = {out.decode().strip() for out, _ in results}
    assert paths == {str(cache / f"v{UNLISTED}" / f"unionstate-data-{UNLISTED}-parquet")}
    assert len(server.requests) == 1


def test_the_registry_records_the_size_of_every_published_file() -> None:
    for version, entry in load_registry().items():
        assert set(entry["bytes"]) == set(entry["files"]), version
        assert all(isinstance(n, int) and n > 0 for n in entry["bytes"].values())
