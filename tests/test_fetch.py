"""Fetching published releases: verified downloads, a cache that works offline, safe extraction.

Every test runs against a real HTTP server on 127.0.0.1 serving a release that
``unionstate_data.releases.build.build`` made from the checkout (built once per module), with its
own cache folder (``UNIONSTATE_DATA_DIR``) and its own registry of published hashes, so nothing
touches the user's cache or depends on the registry shipped in the package. The installed
version's release is also served as ``OTHER``, an older version, repacked under that name.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import platformdirs
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import unionstate_data as usd
from unionstate_data._version import get_version
from unionstate_data.cli import main
from unionstate_data.loading import cache as cache_module
from unionstate_data.loading import fetching
from unionstate_data.loading.fetching import FetchError, archive_name, fetch
from unionstate_data.releases import registry
from unionstate_data.releases.build import build
from unionstate_data.validation.typed import typed_tables

VERSION = get_version()
OTHER = "0.0.9"  # in the test registry: stands for an older published release
UNLISTED = "0.0.8"  # in no registry: needs an explicit sha256


# --- the release and the server ------------------------------------------------------------------


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """URL path -> bytes of the release built from the checkout, as VERSION and as OTHER."""
    folder = build(tmp_path_factory.mktemp("dist")).path
    files = {f"/v{VERSION}/{p.name}": p.read_bytes() for p in folder.iterdir()}
    for fmt in fetching.FORMATS:
        data = files[f"/v{VERSION}/{archive_name(VERSION, fmt)}"]
        files[f"/v{OTHER}/{archive_name(OTHER, fmt)}"] = repack(data, VERSION, OTHER)
    return files


def repack(data: bytes, old: str, new: str) -> bytes:
    """The release archive ``data`` of version ``old`` as one of ``new``: its folder renamed."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = {
            info.filename.replace(f"unionstate-data-{old}/", f"unionstate-data-{new}/", 1): (
                source.read(info)
            )
            for info in source.infolist()
        }
    return zip_of(entries)


def zip_of(entries: dict[str, bytes], modes: dict[str, int] | None = None) -> bytes:
    """A zip holding ``entries``, with the Unix modes given (default: regular files)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (modes or {}).get(name, stat.S_IFREG | 0o644) << 16
            archive.writestr(info, data)
    return out.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Server:
    """What the test server serves, how it misbehaves, and the paths it was asked for."""

    files: dict[str, bytes] = field(default_factory=dict)
    status: dict[str, int] = field(default_factory=dict)  # path -> error status to answer
    cut: set[str] = field(default_factory=set)  # paths whose connection drops halfway
    delay: float = 0.0
    requests: list[str] = field(default_factory=list)
    url: str = ""
    _http: ThreadingHTTPServer | None = None

    def path(self, version: str, name: str) -> str:
        return f"/v{version}/{name}"

    def serve(self, version: str, name: str, data: bytes) -> None:
        self.files[self.path(version, name)] = data

    def stop(self) -> None:
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self._http = None


class Handler(BaseHTTPRequestHandler):
    server: ThreadingHTTPServer

    def do_GET(self) -> None:
        state: Server = self.server.state  # type: ignore[attr-defined]
        state.requests.append(self.path)
        time.sleep(state.delay)
        data = state.files.get(self.path)
        if self.path in state.status or data is None:
            self.send_error(state.status.get(self.path, 404))
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        # A cut connection sends half of what Content-Length announced, then closes (HTTP/1.0).
        self.wfile.write(data[: len(data) // 2] if self.path in state.cut else data)

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep the test output clean


@pytest.fixture
def server(published: dict[str, bytes]) -> Iterator[Server]:
    """A server on 127.0.0.1 serving the release as VERSION and as OTHER."""
    state = Server(files=dict(published))
    http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    http.state = state  # type: ignore[attr-defined]
    state._http, state.url = http, f"http://127.0.0.1:{http.server_address[1]}"
    threading.Thread(target=http.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
    yield state
    state.stop()


@pytest.fixture(autouse=True)
def cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, server: Server) -> Path:
    """A cache folder and a registry of this test's own, and the test server as release host."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(fetching.CACHE_DIR_ENV, str(folder))
    monkeypatch.setenv(fetching.BASE_URL_ENV, server.url)
    published = {version: registry_entry(server, version) for version in (VERSION, OTHER)}
    registry_file = tmp_path / "registry.json"
    registry_file.write_text(json.dumps(published), encoding="utf-8")
    monkeypatch.setattr(registry, "REGISTRY", registry_file)
    return folder


def registry_entry(server: Server, version: str) -> dict[str, object]:
    """What the registry records of ``version``: the hashes of its archives, as served."""
    names = [archive_name(version, fmt) for fmt in fetching.FORMATS]
    hashes = {name: sha256(server.files[server.path(version, name)]) for name in names}
    return {"date": "2026-01-01", "files": hashes}


def leftovers(cache: Path) -> list[str]:
    """Everything in the cache apart from lock files."""
    if not cache.exists():
        return []
    found = (p.relative_to(cache).as_posix() for p in cache.rglob("*"))
    return sorted(p for p in found if not p.startswith(".locks"))


def closed_port_url() -> str:
    """An address on 127.0.0.1 where nothing listens."""
    http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = http.server_address[1]
    http.server_close()
    return f"http://127.0.0.1:{port}"


# --- fetching and the cache ----------------------------------------------------------------------


def test_a_first_fetch_downloads_verifies_and_extracts_the_release(
    server: Server, cache: Path
) -> None:
    folder = fetch(OTHER, format="parquet")
    assert folder == cache / f"v{OTHER}" / f"unionstate-data-{OTHER}-parquet"
    names = sorted(p.stem for p in (folder / f"unionstate-data-{OTHER}").glob("*.parquet"))
    assert names == sorted(usd.table_names())
    assert server.requests == [f"/v{OTHER}/{archive_name(OTHER)}"]


def test_a_cached_version_loads_with_the_server_stopped_and_no_request(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = fetch(OTHER)
    server.stop()
    monkeypatch.setenv(fetching.BASE_URL_ENV, closed_port_url())
    assert fetch(OTHER) == first
    assert usd.table("treaties", version=OTHER).equals(usd.table("treaties"))
    assert len(server.requests) == 1


def test_every_table_of_a_fetched_version_equals_the_installed_table_of_the_same_data() -> None:
    for name in usd.table_names():
        fetched = usd.table(name, version=OTHER)
        assert fetched.schema.remove_metadata() == usd.table(name).schema, name
        assert fetched.equals(usd.table(name)), name


def test_model_loaders_accept_a_version() -> None:
    assert usd.treaties(version=OTHER) == usd.treaties()
    assert usd.evidence(version=OTHER) == usd.evidence()


def test_the_csv_release_is_a_data_package_holding_the_installed_tables() -> None:
    folder = fetch(OTHER, format="csv")
    descriptor = folder / f"unionstate-data-{OTHER}" / "datapackage" / "datapackage.json"
    tables = typed_tables(descriptor)
    assert sorted(tables) == sorted(usd.table_names())
    for name, table in tables.items():
        assert table.equals(usd.table(name)), name


def test_the_installed_version_loads_the_installed_data_without_any_download(
    server: Server, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(fetching.BASE_URL_ENV, closed_port_url())
    assert usd.table("treaties", version=VERSION) is usd.table("treaties")
    assert usd.parties(version=VERSION) == usd.parties()
    assert server.requests == []
    assert leftovers(cache) == []


def test_an_older_release_missing_a_column_the_models_need_says_to_read_it_as_a_table(
    server: Server,
) -> None:
    buffer = pa.BufferOutputStream()
    pq.write_table(usd.table("treaties").drop_columns(["name_en"]), buffer)
    data = zip_of({f"unionstate-data-{UNLISTED}/treaties.parquet": buffer.getvalue().to_pybytes()})
    server.serve(UNLISTED, archive_name(UNLISTED), data)
    fetch(UNLISTED, sha256=sha256(data))
    assert usd.table("treaties", version=UNLISTED).num_rows == usd.table("treaties").num_rows
    with pytest.raises(ValueError, match=r"no column\(s\) \['name_en'\]") as error:
        usd.treaties(version=UNLISTED)
    assert f"table('treaties', version='{UNLISTED}')" in str(error.value)


def test_a_corrupted_cached_archive_is_downloaded_again(server: Server) -> None:
    folder = fetch(OTHER)
    archive = folder.with_name(folder.name + ".zip")
    archive.write_bytes(b"not the release")
    shutil.rmtree(folder)
    assert fetch(OTHER) == folder
    assert sha256(archive.read_bytes()) == sha256(server.files[f"/v{OTHER}/{archive.name}"])
    assert len(server.requests) == 2


def test_an_archive_already_in_the_cache_is_extracted_without_a_download(server: Server) -> None:
    folder = fetch(OTHER)
    shutil.rmtree(folder)
    server.stop()
    assert fetch(OTHER) == folder
    assert (folder / f"unionstate-data-{OTHER}" / "treaties.parquet").is_file()


def test_what_an_interrupted_fetch_left_is_neither_used_nor_kept(cache: Path) -> None:
    version_dir = cache / f"v{OTHER}"
    staging = version_dir / f".unionstate-data-{OTHER}-parquet.abc123"
    (staging / f"unionstate-data-{OTHER}").mkdir(parents=True)
    (version_dir / "tmpq1w2e3r4").write_bytes(b"half a download")
    # A folder with the final name but no hash marker was not completed by fetch: not trusted.
    unmarked = version_dir / f"unionstate-data-{OTHER}-parquet"
    (unmarked / "junk").mkdir(parents=True)
    folder = fetch(OTHER)
    assert folder == unmarked
    assert sorted(p.name for p in folder.iterdir()) == [".sha256", f"unionstate-data-{OTHER}"]
    assert sorted(p.name for p in version_dir.iterdir()) == [folder.name, folder.name + ".zip"]


# --- integrity ---------------------------------------------------------------------------------


def test_a_tampered_file_is_refused_and_deleted_naming_both_hashes(
    server: Server, cache: Path
) -> None:
    path = server.path(OTHER, archive_name(OTHER))
    genuine = server.files[path]
    tampered = genuine[:100] + bytes([genuine[100] ^ 0xFF]) + genuine[101:]
    server.files[path] = tampered
    with pytest.raises(FetchError) as error:
        fetch(OTHER)
    message = str(error.value)
    assert archive_name(OTHER) in message
    assert f"expected {sha256(genuine)}" in message
    assert f"got {sha256(tampered)}" in message
    assert "deleted" in message
    assert leftovers(cache) == []


def test_a_truncated_file_is_refused_and_deleted(server: Server, cache: Path) -> None:
    path = server.path(OTHER, archive_name(OTHER))
    server.files[path] = server.files[path][:1000]
    with pytest.raises(FetchError, match="SHA-256 mismatch"):
        fetch(OTHER)
    assert leftovers(cache) == []


def test_a_connection_cut_halfway_leaves_nothing_in_the_cache(server: Server, cache: Path) -> None:
    server.cut.add(server.path(OTHER, archive_name(OTHER)))
    with pytest.raises(FetchError, match="could not download"):
        fetch(OTHER)
    assert leftovers(cache) == []
    server.cut.clear()
    assert fetch(OTHER).is_dir()  # and a later call fetches it whole


@pytest.mark.parametrize(("status", "why"), [(404, "no such file"), (500, "answered 500")])
def test_a_server_error_names_the_url_and_the_cache_folder(
    server: Server, cache: Path, status: int, why: str
) -> None:
    path = server.path(OTHER, archive_name(OTHER))
    server.status[path] = status
    with pytest.raises(FetchError) as error:
        fetch(OTHER)
    message = str(error.value)
    assert server.url + path in message
    assert str(cache) in message
    assert why in message
    assert leftovers(cache) == []


def test_an_uncached_version_fails_fast_when_the_server_is_unreachable(cache: Path) -> None:
    url = closed_port_url()
    start = time.monotonic()
    with pytest.raises(FetchError) as error:
        fetch(OTHER, base_url=url)
    assert time.monotonic() - start < 5
    assert f"{url}/v{OTHER}/{archive_name(OTHER)}" in str(error.value)
    assert str(cache) in str(error.value)


def test_a_version_not_in_the_registry_is_refused_without_a_hash(
    server: Server, cache: Path
) -> None:
    with pytest.raises(FetchError) as error:
        fetch(UNLISTED)
    message = str(error.value)
    assert f"version {UNLISTED} is not in this installation's registry" in message
    assert "--sha256" in message
    assert "pip install -U unionstate-data" in message
    assert server.requests == []
    assert leftovers(cache) == []


def test_a_version_not_in_the_registry_is_fetched_with_its_sha256_and_then_stays_usable(
    server: Server,
) -> None:
    data = server.files[server.path(OTHER, archive_name(OTHER))]
    data = repack(data, OTHER, UNLISTED)
    server.serve(UNLISTED, archive_name(UNLISTED), data)
    folder = fetch(UNLISTED, sha256=sha256(data).upper())  # hashes are case-insensitive
    server.stop()
    # The hash given once is kept with the extracted release: later calls need not repeat it.
    assert fetch(UNLISTED) == folder
    assert usd.table("events", version=UNLISTED).equals(usd.table("events"))


def test_a_given_hash_that_disagrees_with_the_registry_is_refused(server: Server) -> None:
    with pytest.raises(FetchError, match="differs from the one published"):
        fetch(OTHER, sha256="0" * 64)
    assert server.requests == []


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"version": "../../etc"}, "not a version"),
        ({"version": "latest"}, "not a version"),
        ({"version": OTHER, "format": "xlsx"}, "unknown format"),
        ({"version": OTHER, "sha256": "abc"}, "not a SHA-256"),
    ],
)
def test_malformed_arguments_are_refused_before_anything_is_written(
    cache: Path, kwargs: dict[str, str], match: str
) -> None:
    with pytest.raises(FetchError, match=match):
        fetch(**kwargs)
    assert leftovers(cache) == []


# --- unsafe archives ------------------------------------------------------------------------------


PREFIX = f"unionstate-data-{UNLISTED}/"


FINE = {PREFIX + "treaties.parquet": b"fine"}


@pytest.mark.parametrize(
    ("entries", "modes", "reason"),
    [
        (FINE | {PREFIX + "../../escape.txt": b"x"}, {}, "'..'"),
        (FINE | {"../escape.txt": b"x"}, {}, "'..'"),
        (FINE | {"/tmp/escape.txt": b"x"}, {}, "absolute path"),
        (FINE | {PREFIX + "link": b"/etc/passwd"}, {PREFIX + "link": stat.S_IFLNK | 0o777}, "link"),
        ({"elsewhere/treaties.parquet": b"x"}, {}, "not that release"),
        (FINE | {"README.md": b"x"}, {}, "not that release"),
    ],
    ids=["dotdot-inside", "dotdot", "absolute", "symlink", "wrong-folder", "stray-file"],
)
def test_an_unsafe_or_foreign_archive_with_a_matching_hash_is_refused_and_nothing_extracted(
    server: Server,
    cache: Path,
    tmp_path: Path,
    entries: dict[str, bytes],
    modes: dict[str, int],
    reason: str,
) -> None:
    data = zip_of(entries, modes)
    server.serve(UNLISTED, archive_name(UNLISTED), data)
    with pytest.raises(FetchError, match=reason) as error:
        fetch(UNLISTED, sha256=sha256(data))
    assert "refused and deleted" in str(error.value)
    assert leftovers(cache) == []
    assert not list(tmp_path.rglob("escape.txt"))
    assert not Path("/tmp/escape.txt").exists()


def test_a_file_that_is_not_a_zip_is_refused_even_with_its_hash(
    cache: Path, server: Server
) -> None:
    data = b"<html>a login page, not a release</html>"
    server.serve(UNLISTED, archive_name(UNLISTED), data)
    with pytest.raises(FetchError, match="refused and deleted"):
        fetch(UNLISTED, sha256=sha256(data))
    assert leftovers(cache) == []


# --- processes, addresses, progress ------------------------------------------------------------


def test_two_processes_fetching_the_same_version_at_once_both_succeed_with_one_download(
    server: Server, cache: Path
) -> None:
    server.delay = 0.5  # long enough for both to start before the first finishes
    digest = sha256(server.files[server.path(OTHER, archive_name(OTHER))])
    code = (
        "import sys; from unionstate_data.loading.fetching import fetch; "
        f"print(fetch({OTHER!r}, sha256={digest!r}, base_url={server.url!r}, quiet=True))"
    )
    env = {**os.environ, fetching.CACHE_DIR_ENV: str(cache)}
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
        )
        for _ in range(2)
    ]
    results = [run.communicate(timeout=60) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    paths = {out.decode().strip() for out, _ in results}
    assert paths == {str(cache / f"v{OTHER}" / f"unionstate-data-{OTHER}-parquet")}
    assert server.requests == [server.path(OTHER, archive_name(OTHER))]


def test_the_release_address_is_the_default_unless_overridden(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name = archive_name(OTHER)
    monkeypatch.delenv(fetching.BASE_URL_ENV)
    default = f"{fetching.DEFAULT_BASE_URL}/v{OTHER}/{name}"
    assert fetching.release_url(OTHER, name) == default
    monkeypatch.setenv(fetching.BASE_URL_ENV, "https://mirror.example/releases/")
    assert fetching.release_url(OTHER, name) == f"https://mirror.example/releases/v{OTHER}/{name}"
    assert fetching.release_url(OTHER, name, "http://local") == f"http://local/v{OTHER}/{name}"


def test_the_cache_is_the_users_cache_directory_unless_overridden(
    monkeypatch: pytest.MonkeyPatch, cache: Path
) -> None:
    assert fetching.cache_dir() == cache
    monkeypatch.delenv(fetching.CACHE_DIR_ENV)
    expected = platformdirs.user_cache_dir("unionstate-data", appauthor=False)
    assert fetching.cache_dir() == Path(expected)


@pytest.mark.parametrize(
    ("tty", "quiet", "shown"), [(True, False, True), (True, True, False), (False, False, False)]
)
def test_a_progress_bar_is_shown_only_on_a_terminal_and_not_when_quiet(
    monkeypatch: pytest.MonkeyPatch, tty: bool, quiet: bool, shown: bool
) -> None:
    monkeypatch.setattr(sys, "stderr", type("Stream", (), {"isatty": lambda self: tty})())
    assert fetching._show_progress(quiet) is shown


def test_the_progress_bar_has_what_it_needs_installed() -> None:
    # The downloader's bar is tqdm's: it is a dependency for that reason.
    downloader = fetching.BoundedDownloader(fetching.FetchLimits(), 10, progressbar=True)
    with downloader._progress({}) as bar:
        bar.update(10)


def test_the_public_fetch_stays_the_function_once_its_module_is_imported() -> None:
    # Importing a submodule binds its name on the package: why the module is not named fetch.
    import unionstate_data.loading.fetching  # noqa: F401

    assert usd.fetch is fetch
    assert usd.FetchError is FetchError


# --- the command line ----------------------------------------------------------------------------


def call_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``main`` in-process: (exit code, stdout, stderr). Exceptions propagate and fail the test."""
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_fetch_prints_where_the_release_landed(
    capsys: pytest.CaptureFixture[str], cache: Path
) -> None:
    code, out, _ = call_main(capsys, "fetch", OTHER, "--format", "csv", "--quiet")
    assert code == 0
    assert out.strip() == str(cache / f"v{OTHER}" / f"unionstate-data-{OTHER}-csv")


def test_cli_fetch_with_sha256_fetches_an_unlisted_version(
    capsys: pytest.CaptureFixture[str], server: Server
) -> None:
    data = repack(server.files[server.path(OTHER, archive_name(OTHER))], OTHER, UNLISTED)
    server.serve(UNLISTED, archive_name(UNLISTED), data)
    code, out, _ = call_main(capsys, "fetch", UNLISTED, "--sha256", sha256(data), "--quiet")
    assert code == 0
    assert Path(out.strip()).is_dir()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((UNLISTED,), "--sha256 HEX"),
        (("nonsense",), "not a version"),
        ((OTHER, "--sha256", "f" * 64), "differs from the one published"),
    ],
)
def test_cli_fetch_errors_are_one_message_and_exit_1(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    code, out, err = call_main(capsys, "fetch", *args)
    assert (code, out) == (1, "")
    assert err.startswith("fetch: ")
    assert message in err


def test_cli_fetch_of_a_missing_file_exits_1(
    capsys: pytest.CaptureFixture[str], server: Server
) -> None:
    server.status[server.path(OTHER, archive_name(OTHER))] = 404
    code, _, err = call_main(capsys, "fetch", OTHER, "--quiet")
    assert code == 1
    assert "no such file" in err


def test_cli_cache_list_and_clear(capsys: pytest.CaptureFixture[str], cache: Path) -> None:
    assert call_main(capsys, "cache", "list")[1] == f"cache: {cache} (empty)\n"
    fetch(OTHER)
    fetch(OTHER, format="csv")
    code, out, _ = call_main(capsys, "cache", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"cache: {cache}"
    assert [line.split()[:2] for line in lines[1:]] == [[OTHER, "parquet"], [OTHER, "csv"]]
    listed = json.loads(call_main(capsys, "cache", "list", "--json")[1])
    assert [(r["version"], r["format"]) for r in listed["releases"]] == [
        (OTHER, "parquet"),
        (OTHER, "csv"),
    ]
    assert all(r["bytes"] > 0 and len(r["sha256"]) == 64 for r in listed["releases"])
    code, out, _ = call_main(capsys, "cache", "clear")
    assert (code, out) == (0, f"removed {cache / f'v{OTHER}'}\n")
    assert call_main(capsys, "cache", "list")[1] == f"cache: {cache} (empty)\n"
    assert leftovers(cache) == []


def test_cli_cache_clear_of_one_version_keeps_the_others(
    capsys: pytest.CaptureFixture[str], server: Server, cache: Path
) -> None:
    fetch(OTHER)
    fetch(VERSION)
    code, out, _ = call_main(capsys, "cache", "clear", OTHER)
    assert (code, out) == (0, f"removed {cache / f'v{OTHER}'}\n")
    assert [r.version for r in cache_module.cached_releases()] == [VERSION]


def test_cache_clear_removes_only_release_folders(
    capsys: pytest.CaptureFixture[str], cache: Path
) -> None:
    # The cache may have been pointed at a folder that holds other things too.
    fetch(OTHER)
    (cache / "notes.txt").write_text("mine")
    (cache / "videos").mkdir()
    call_main(capsys, "cache", "clear")
    assert leftovers(cache) == ["notes.txt", "videos"]
