"""Wheel build hook: the wheel carries the shipped tables already typed.

At wheel-build time the package of this source tree types its own data
(``unionstate_data.loading.prebuilt.write``) and the result goes into the wheel under
``unionstate_data/_data/typed/``, so that a first load reads Arrow files instead of typing the
CSVs. Invalid data fails the build with the loader's ``DataError``: no wheel is made from data
that could not be loaded. Editable installs are skipped: they read the checkout's CSVs, which
change as they are edited.

Configured in pyproject.toml under ``[tool.hatch.build.targets.wheel.hooks.custom]``, whose
``dependencies`` put pyarrow and pydantic into the build environment.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

#: Where the wheel carries the data root: see [tool.hatch.build.targets.wheel.force-include].
WHEEL_DATA = "unionstate_data/_data"


class PrebuiltTablesHook(BuildHookInterface):
    """Adds the pre-typed tables of the shipped data to the wheel."""

    PLUGIN_NAME = "custom"
    _folder: Path | None = None

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":
            return
        root = Path(self.root)  # the checkout, which is also the data root
        sys.path.insert(0, str(root))  # this tree's package, not one installed elsewhere
        from unionstate_data.loading import prebuilt

        self._folder = Path(tempfile.mkdtemp(prefix="unionstate-data-typed-"))
        try:
            prebuilt.write(root / "datapackage" / "datapackage.json", root, self._folder)
        except BaseException:
            self._remove_folder()
            raise
        build_data["force_include"][str(self._folder)] = f"{WHEEL_DATA}/{prebuilt.FOLDER}"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        self._remove_folder()

    def _remove_folder(self) -> None:
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
