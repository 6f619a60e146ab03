"""Rules on the relations between treaties: none leads back to the treaty it starts from."""

from __future__ import annotations

import pyarrow.compute as pc

from ..._arrow import ROW_COLUMN
from ...problems import Problem
from .base import Context, rule

__all__: list[str] = []

#: Treaties shown at most in the message about one cycle.
_SHOWN = 8


@rule("relation-cycle")
def rule_relation_cycle(ctx: Context) -> list[Problem]:
    """No treaty supersedes, amends or implements itself, directly or through a chain."""
    if not ctx.has("treaty_relations", "treaty_id", "related_treaty_id"):
        return []
    table = ctx.tables["treaty_relations"]
    valid = pc.and_(pc.is_valid(table["treaty_id"]), pc.is_valid(table["related_treaty_id"]))
    edges = table.filter(valid)
    rows, later, earlier = (
        edges[c].to_pylist() for c in (ROW_COLUMN, "treaty_id", "related_treaty_id")
    )
    return [
        Problem("relation-cycle", "treaty_relations", rows[edge], "related_treaty_id", _say(cycle))
        for edge, cycle in _closing_edges(later, earlier)
    ]


def _say(cycle: list[str]) -> str:
    if len(cycle) == 1:
        return f"{cycle[0]} relates to itself; a treaty relates only to other treaties"
    shown = cycle if len(cycle) <= _SHOWN else [*cycle[: _SHOWN - 1], "...", cycle[-1]]
    chain = " -> ".join([*shown, cycle[0]])
    return (
        f"the relations lead back to where they start ({chain}); each relation goes from a "
        "later treaty to an earlier one: fix or remove one of them"
    )


def _closing_edges(sources: list[str], targets: list[str]) -> list[tuple[int, list[str]]]:
    """The edges that close a cycle (each with the cycle's treaties), by a depth-first walk.

    Following chains is a graph walk, not a column operation, so this one check walks in Python;
    it is linear in the relations (a table of tens of rows here) and runs once.
    """
    outgoing: dict[str, list[int]] = {}
    for edge, source in enumerate(sources):
        outgoing.setdefault(source, []).append(edge)
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    closing: list[tuple[int, list[str]]] = []
    for start in outgoing:
        if start in state:
            continue
        path, position = [start], {start: 0}
        pending = [iter(outgoing.get(start, []))]
        state[start] = 1
        while pending:
            step = next(pending[-1], None)
            if step is None:
                state[path.pop()] = 2
                pending.pop()
                continue
            target = targets[step]
            if state.get(target) == 1:
                closing.append((step, path[position[target] :]))
            elif target not in state:
                state[target] = 1
                position[target] = len(path)
                path.append(target)
                pending.append(iter(outgoing.get(target, [])))
    return sorted(closing)
