"""Rules on the stored sources: seed_path and sha256 go together, and each stored text exists and
has its recorded SHA-256."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from ..._arrow import ROW_COLUMN, literal, mask_rows, problems_at
from ..._files import sha256
from ...model.fields import SEED_PATH_PATTERN
from ...problems import Problem
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
    """Sources whose seed_path is well-formed (a file in seeds/; others fail ``pattern``)."""
    table = ctx.tables["sources"]
    ok = pc.match_substring_regex(table["seed_path"], f"^(?:{_seed_path_pattern(ctx)})$")
    return table.filter(pc.fill_null(ok, literal(False)))


def _seed_path_pattern(ctx: Context) -> str:
    """The package's own pattern for seed_path (generated from the model), else the model's:
    the schema's saves importing pydantic for it."""
    for spec in ctx.schemas["sources"]["fields"]:
        pattern = spec.get("constraints", {}).get("pattern")
        if spec["name"] == "seed_path" and isinstance(pattern, str):
            return pattern
    return SEED_PATH_PATTERN


def _seed_bytes(ctx: Context, seed_path: str) -> bytes | None:
    path = ctx.base / seed_path
    return path.read_bytes() if path.is_file() else None


@rule("source-hash", "file-missing")
def rule_source_hash(ctx: Context) -> list[Problem]:
    """The stored text of each source exists and its SHA-256 matches (one hash per file)."""
    if not ctx.has("sources", "source_id", "seed_path", "sha256"):
        return []
    seeds = _seeds(ctx)
    problems: list[Problem] = []
    for row, seed_path, expected in zip(
        *(seeds[c].to_pylist() for c in (ROW_COLUMN, "seed_path", "sha256")), strict=True
    ):
        data = _seed_bytes(ctx, seed_path)
        if data is None:
            problems.append(
                Problem(
                    "file-missing",
                    "sources",
                    row,
                    "seed_path",
                    f"stored source {ctx.base / seed_path} does not exist",
                )
            )
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
    """Stored text per source_id, decoded (sources without stored text are absent)."""
    texts: dict[str, str] = {}
    seeds = _seeds(ctx)
    for source_id, seed_path in zip(
        seeds["source_id"].to_pylist(), seeds["seed_path"].to_pylist(), strict=True
    ):
        data = _seed_bytes(ctx, seed_path)
        if source_id is not None and data is not None:
            texts[source_id] = data.decode("utf-8", errors="replace")
    return texts
