"""The consistency rules of this dataset, beyond what a Table Schema can say: run them all.

The rules live in ``rules/``, one module per family; importing a family registers its rules
(``rules.base.rule``). They run, and report, in the order of ``FAMILIES`` and, within a family,
in the order the module defines them.
"""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa

from ..problems import Problem
from .rules import dates, evidence, parties, quotes, relations, sources
from .rules.base import RULE_FUNCTIONS, Context, Rule

__all__ = ["FAMILIES", "LONGEST", "Context", "ordered_rules", "run_consistency_rules", "run_rule"]

#: The rule families, in the order their rules run.
FAMILIES = (dates, relations, parties, sources, quotes, evidence)
#: The rule that takes longest on a large package (it searches every distinct quote in the
#: stored texts): the validator runs it beside the others, on the other core.
LONGEST: Rule = quotes.rule_quote_verbatim


def ordered_rules() -> list[Rule]:
    """Every consistency rule, in the order the report lists their problems."""
    order = {family.__name__: i for i, family in enumerate(FAMILIES)}
    # sorted() is stable: within a family the rules keep the order they were registered in.
    return sorted(RULE_FUNCTIONS, key=lambda rule: order[rule.__module__])


def run_rule(ctx: Context, rule: Rule) -> list[Problem]:
    """The problems one rule finds; then its scratch memory goes back to the system, so that
    the next rule's does not pile on top of it (the allocator would otherwise keep it)."""
    found = rule(ctx)
    pa.default_memory_pool().release_unused()
    return found


def run_consistency_rules(
    ctx: Context, skip: Callable[[Rule], bool] = lambda rule: False
) -> dict[Rule, list[Problem]]:
    """The problems of every rule (``skip`` leaves some out), by rule, in report order."""
    return {rule: run_rule(ctx, rule) for rule in ordered_rules() if not skip(rule)}
