"""Shared test set-up: hypothesis profiles (tests/ is importable: ``pythonpath`` in pyproject)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# Generated packages are written to disk and validated whole: allow time, skip the speed check.
settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=25
)
# CI (HYPOTHESIS_PROFILE=ci) looks harder and prints how to reproduce a failure.
settings.register_profile(
    "ci", parent=settings.get_profile("default"), max_examples=60, print_blob=True
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
