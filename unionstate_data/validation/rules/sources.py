"""Rules on the stored sources: seed_path and sha256 go together, and each stored text lies in
the package's seeds/ folder, exists and has its recorded SHA-256. A seed_path leading anywhere
else is reported (``unsafe-path``) and never opened."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ..._arrow import ROW_COLUMN, mask_rows, problems_at
from ..._files import sha256
from ...problems import Problem
from ..paths import Areas, confine, not_a_file
from .base import Context, rule

__all__ = ["source_texts"]


@rule("source-seed-pair")
def rule_source_seed_pair(ctx: Context) -> list[Problem]:
    if not ctx.has("sources", "seed_path", "sha256"):
        return []
    table = ctx.tables["sources"]
    rows, _ = mask_rows(
        table, pc.not_equal(pc.is_valid(table["seed_path"]), pc.is_valid(table["sha256"]))
    )
    return problems_at(
        "source-seed-pair",
        "sources",
        rows,
        "sha256",
        ["seed_path and sha256 go together: give both (sha256sum of the stored text) or neither"]
        * len(rows),
    )


def _seeds(ctx: Context) -> pa.Table:
    """Sources with a seed_path."""
    table = ctx.tables["sources"]
    return table.filter(pc.is_valid(table["seed_path"]))


def _seed_file(ctx: Context, seed_path: str) -> tuple[Path | None, str]:
    """The stored source's file, confined to the package's ``seeds/`` (``paths.confine``)."""
    return confine(ctx.base, seed_path, Areas(ctx.base / "datapackage.json").seeds)


def _seed_bytes(path: Path) -> bytes | str:
    """The file's bytes, or why it cannot be read."""
    why = not_a_file(path)
    if why is not None:
        return why
    try:
        return path.read_bytes()
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc}); make it readable"


@rule("source-hash", "file-missing", "file-unreadable", "unsafe-path")
def rule_source_hash(ctx: Context) -> list[Problem]:
    """The stored text of each source lies in seeds/, exists, and its SHA-256 matches."""
    if not ctx.has("sources", "source_id", "seed_path", "sha256"):
        return []
    seeds = _seeds(ctx)
    problems: list[Problem] = []
    for row, seed_path, expected in zip(
        *(seeds[c].to_pylist() for c in (ROW_COLUMN, "seed_path", "sha256")), strict=True
    ):
        path, why = _seed_file(ctx, seed_path)
        if path is None:
            message = f"seed_path {seed_path!r} {why}; stored sources live in seeds/"
            problems.append(Problem("unsafe-path", "sources", row, "seed_path", message))
            continue
        data = _seed_bytes(path)
        if isinstance(data, str):
            code = "file-missing" if data == "does not exist" else "file-unreadable"
            message = f"stored source {path} {data}"
            problems.append(Problem(code, "sources", row, "seed_path", message))
            continue
        actual = sha256(data)
        if expected is not None and actual != expected:
            problems.append(
                Problem(
                    "source-hash",
                    "sources",
                    row,
                    "sha256",
                    f"{seed_path}: expected sha256 {expected}, got {actual}; if the text was "
                    "corrected on purpose, update sha256 and re-check every quote from it",
                )
            )
    return problems


def source_texts(ctx: Context) -> dict[str, str]:
    """Stored text per source_id, decoded. Sources whose text cannot be read safely are absent:
    ``rule_source_hash`` reports each of them."""
    texts: dict[str, str] = {}
    seeds = _seeds(ctx)
    for source_id, seed_path in zip(
        seeds["source_id"].to_pylist(), seeds["seed_path"].to_pylist(), strict=True
    ):
        path, _ = _seed_file(ctx, seed_path)
        data = _seed_bytes(path) if path is not None else None
        if source_id is not None and isinstance(data, bytes):
            texts[source_id] = data.decode("utf-8", errors="replace")
    return texts
