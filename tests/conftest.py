"""Shared test set-up: tests/ is importable (strategies, faults); hypothesis profiles."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

# Generated packages are written to disk and validated whole: allow time, skip the speed check.
settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=25
)
# CI (HYPOTHESIS_PROFILE=ci) looks harder and prints how to reproduce a failure.
settings.register_profile(
    "ci", parent=settings.get_profile("default"), max_examples=60, print_blob=True
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
