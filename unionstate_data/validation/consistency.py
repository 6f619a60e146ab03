"""The consistency rules of this dataset, beyond what a Table Schema can say: run them all.

The rules live in ``rules/``, one module per family (dates, parties, sources, quotes, evidence);
importing a family registers its rules (``rules.base.rule``). They run in the order below.
"""

from __future__ import annotations

import pyarrow as pa

from ..problems import Problem
from .rules import dates, evidence, parties, quotes, sources
from .rules.base import RULE_FUNCTIONS, Context

__all__ = ["FAMILIES", "Context", "run_consistency_rules"]

#: The rule families, in the order their rules run.
FAMILIES = (dates, parties, sources, quotes, evidence)


def run_consistency_rules(ctx: Context) -> list[Problem]:
    """Every problem every consistency rule finds in ``ctx``."""
    problems: list[Problem] = []
    for rule in RULE_FUNCTIONS:
        problems += rule(ctx)
        # Give the rule's scratch memory back to the system, so that the next rule's does not
        # pile on top of it (the allocator would otherwise keep it for reuse).
        pa.default_memory_pool().release_unused()
    return problems
