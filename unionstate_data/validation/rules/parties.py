"""Rules on the parties to treaties: a bilateral treaty has exactly two, every treaty one."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ..._arrow import literal, mask_rows, problems_at, strings
from ...problems import Problem
from .base import Context, rule

_PARTY_ROLES = ["signatory", "party"]


def _party_counts(ctx: Context) -> Any:
    """Per treaty row: the number of distinct parties (signatories or parties) it lists."""
    treaties = ctx.tables["treaties"]
    links = ctx.tables["treaty_parties"]
    if "role" in links.column_names:  # an entity a treaty creates is not a party to it
        links = links.filter(pc.is_in(links["role"], value_set=strings(_PARTY_ROLES)))
    treaty = pc.dictionary_encode(links["treaty_id"]).combine_chunks()
    party = pc.dictionary_encode(links["party_id"]).combine_chunks()
    size = literal(max(len(party.dictionary), 1))
    pairs = pc.add(pc.multiply(pc.cast(treaty.indices, pa.int64()), size), party.indices)
    per_treaty = pc.value_counts(pc.divide(pc.unique(pairs.drop_null()), size))
    counted = treaty.dictionary.take(per_treaty.field("values"))
    where = pc.index_in(treaties["treaty_id"], value_set=counted, skip_nulls=True)
    count = pc.fill_null(per_treaty.field("counts").take(where), literal(0))
    return treaties, count


@rule("bilateral-parties")
def rule_bilateral_parties(ctx: Context) -> list[Problem]:
    if not ctx.has("treaties", "treaty_id", "scope") or not ctx.has(
        "treaty_parties", "treaty_id", "party_id"
    ):
        return []
    joined, count = _party_counts(ctx)
    bilateral = pc.equal(joined["scope"], literal("bilateral"))
    rows, bad = mask_rows(joined, pc.and_(bilateral, pc.not_equal(count, literal(2))))
    return problems_at(
        "bilateral-parties",
        "treaties",
        rows,
        "scope",
        [
            f"{t} is bilateral but treaty_parties lists {n} distinct parties, expected 2; "
            "fix treaty_parties or the scope"
            for t, n in zip(
                joined["treaty_id"].filter(bad).to_pylist(),
                count.filter(bad).to_pylist(),
                strict=True,
            )
        ],
    )


@rule("treaty-without-parties")
def rule_treaty_without_parties(ctx: Context) -> list[Problem]:
    if not ctx.has("treaties", "treaty_id", "scope") or not ctx.has(
        "treaty_parties", "treaty_id", "party_id"
    ):
        return []
    joined, count = _party_counts(ctx)
    # A bilateral treaty with no parties is reported by bilateral-parties already.
    other = pc.not_equal(joined["scope"], literal("bilateral"))
    rows, bad = mask_rows(joined, pc.and_(other, pc.equal(count, literal(0))))
    return problems_at(
        "treaty-without-parties",
        "treaties",
        rows,
        "treaty_id",
        [
            f"{t} has no rows in treaty_parties; add its parties with evidence"
            for t in joined["treaty_id"].filter(bad).to_pylist()
        ],
    )
