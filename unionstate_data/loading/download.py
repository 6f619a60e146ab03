"""A bounded HTTP download: at most the file's known size (or a cap), within an overall deadline.

pooch's own downloader writes whatever the server sends for as long as it sends it: its timeout
is per read, so a server trickling one byte a second keeps it busy for hours, and with no (or a
lying) Content-Length it writes gigabytes. This one is handed to ``pooch.retrieve`` in its place
(pooch still writes to a temporary file, checks the hash and moves it into place). It reads with
``read1``, which returns as soon as any bytes arrived, so the deadline is checked between reads;
it counts the bytes *after* urllib3 decoded a Content-Encoding (a 2 MB gzip body can decode to
2 GiB; urllib3 decodes at most one read's worth per call), and stops at the limit.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any

from ..archive import MAX_EXPANDED_BYTES
from ..errors import FetchError

__all__ = ["BoundedDownloader", "FetchLimits"]

_CHUNK = 1 << 16


@dataclass(frozen=True)
class FetchLimits:
    """How much one fetch may take; every field has a default fit for real releases.

    ``max_download_bytes``: bytes a download may have when neither the registry nor the
    caller gives its size (a registered file must have exactly its registered size).
    ``max_expanded_bytes``: bytes an archive may expand to. ``deadline``: seconds the whole
    download may take, however the server paces it (a silent server is given up on after
    ``read_timeout``, capped at the deadline). ``connect_timeout``: seconds to connect.
    """

    max_download_bytes: int = 512 << 20
    max_expanded_bytes: int = MAX_EXPANDED_BYTES
    deadline: float = 600.0
    connect_timeout: float = 10.0
    read_timeout: float = 60.0


class BoundedDownloader:
    """A pooch downloader bounded by ``limits``, expecting ``size`` bytes when that is known.

    It notes the SHA-256 of what it wrote (``received``): pooch deletes a download whose hash
    does not match before it raises, and the error should name what arrived as well.
    """

    def __init__(self, limits: FetchLimits, size: int | None, progressbar: bool) -> None:
        self.limits = limits
        self.size = size
        self.progressbar = progressbar
        self.received: str | None = None

    @property
    def max_bytes(self) -> int:
        return self.size if self.size is not None else self.limits.max_download_bytes

    def __call__(self, url: str, output_file: str, pooch: Any = None) -> None:
        import requests

        limits = self.limits
        deadline = time.monotonic() + limits.deadline
        timeout = (limits.connect_timeout, min(limits.read_timeout, limits.deadline))
        with requests.get(url, stream=True, timeout=timeout) as response:
            response.raise_for_status()
            self._check_announced(url, response.headers)
            with open(output_file, "wb") as out, self._progress(response.headers) as bar:
                digest = hashlib.sha256()
                written = 0
                while chunk := response.raw.read1(_CHUNK, decode_content=True):
                    written += len(chunk)
                    self._check_progress(url, written, deadline)
                    digest.update(chunk)
                    out.write(chunk)
                    bar.update(len(chunk))
        self._check_complete(url, written)
        self.received = digest.hexdigest()

    def _check_announced(self, url: str, headers: Any) -> None:
        """Refuse before reading when the server announces more than may come."""
        announced = headers.get("Content-Length", "")
        if headers.get("Content-Encoding") or not announced.isdigit():
            return  # an encoded body's length says nothing of the decoded size
        if int(announced) > self.max_bytes:
            raise FetchError(self._too_big(url, f"the server announces {announced} bytes"))

    def _check_progress(self, url: str, written: int, deadline: float) -> None:
        if written > self.max_bytes:
            raise FetchError(self._too_big(url, f"the server sent more than {self.max_bytes}"))
        if time.monotonic() > deadline:
            raise FetchError(
                f"could not download {url}: it did not finish within the deadline of "
                f"{self.limits.deadline:g} s ({written} bytes arrived); the download was "
                "deleted and nothing was cached. The server is too slow or stalling: try again "
                "later or from a mirror (UNIONSTATE_DATA_URL), or allow more time with "
                "fetch(..., limits=FetchLimits(deadline=SECONDS))."
            )

    def _check_complete(self, url: str, written: int) -> None:
        if self.size is not None and written != self.size:
            raise FetchError(
                f"could not download {url}: expected {self.size} bytes (the registered size), "
                f"got {written}; the download was deleted and nothing was cached. The "
                "connection was cut or the file on the server is not the release: try again."
            )

    def _too_big(self, url: str, got: str) -> str:
        expected = (
            f"the registered size, {self.size} bytes"
            if self.size is not None
            else f"the cap for a file of unknown size, {self.max_bytes} bytes"
        )
        return (
            f"could not download {url}: {got}, more than {expected}. The download was stopped "
            "and deleted; nothing was cached. The server is not sending the release: check the "
            "address (UNIONSTATE_DATA_URL). For a genuinely larger file of a version this "
            "installation does not know, raise FetchLimits(max_download_bytes=...)."
        )

    def _progress(self, headers: Any) -> Any:
        """A tqdm bar for a person at a terminal, else a stand-in that does nothing."""
        from contextlib import nullcontext

        if not self.progressbar:
            return nullcontext(_NoBar())
        from tqdm.auto import tqdm  # type: ignore[import-untyped]

        total = self.size or (int(headers["Content-Length"]) if "Content-Length" in headers else 0)
        return tqdm(total=total or None, unit="B", unit_scale=True, leave=False)


class _NoBar:
    def update(self, n: int) -> None:
        pass
