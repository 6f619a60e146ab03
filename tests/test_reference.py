"""The benchmark's reference passes mirror constants the validator holds in modules that import
pyarrow (so that the timed passes do not import them): each mirror equals its original."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from unionstate_data.validation import typed
from unionstate_data.validation.rules import dates, evidence, parties, quotes

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def reference() -> ModuleType:
    spec = importlib.util.spec_from_file_location("reference", BENCHMARKS / "reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_mirrored_constants_equal_the_validators(reference: ModuleType) -> None:
    assert reference.DATE_PAIRS == dates.DATE_PAIRS
    assert reference.TRUE_VALUES == typed.TRUE_VALUES
    assert reference.FALSE_VALUES == typed.FALSE_VALUES
    assert f"^{reference.INTEGER_PATTERN}$" == typed._INTEGER
    assert list(reference.PARTY_ROLES) == list(parties._PARTY_ROLES)
    assert reference.POINTERS == evidence._POINTERS
    assert reference.QUOTE_CHARS == quotes._QUOTE_CHARS
    assert reference.BRACKETS == quotes._BRACKETS


def test_the_acts_dated_against_parties_are_the_validators(reference: ModuleType) -> None:
    source = Path(str(dates.__file__)).read_text(encoding="utf-8")
    for link, key, parent, parent_key, when in reference.ACTS:
        assert f'("{link}", "{key}", "{parent}", "{parent_key}", "{when}")' in source
    for name in reference.DATED_BY_TREATY:
        assert f'"{name}"' in source
