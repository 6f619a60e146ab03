"""Names of a release's folders and files (standard library only).

One place for them: the builder writes these names, the fetcher and ``diff`` read them, and the
registry lists them.
"""

from __future__ import annotations

__all__ = ["csv_zip_name", "parquet_zip_name", "release_dir_name", "root_folder_name"]


def release_dir_name(version: str) -> str:
    """The folder of one version's release files: ``v{version}``."""
    return f"v{version}"


def root_folder_name(version: str) -> str:
    """The one folder every release zip of ``version`` holds: ``unionstate-data-{version}``."""
    return f"unionstate-data-{version}"


def csv_zip_name(version: str) -> str:
    return f"{root_folder_name(version)}-csv.zip"


def parquet_zip_name(version: str) -> str:
    return f"{root_folder_name(version)}-parquet.zip"
