"""How the validator reads and checks, as one value passed down (standard library only).

The defaults suit every size of package; tests pass small values to exercise the paths that
only large packages take (many blocks, many slices, renumbered key codes).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT", "Tuning"]


@dataclass(frozen=True)
class Tuning:
    """Knobs of reading and checking; none changes a result, only how it is computed."""

    #: Bytes Arrow's CSV reader parses at a time (None: its default, 1 MiB).
    block_bytes: int | None = None
    #: Plain quoted text held at most before it is dictionary-encoded (compact reading).
    slice_bytes: int = 32 << 20
    #: Key codes are renumbered densely before a product of distinct counts would pass this.
    code_limit: int = 1 << 62
    #: Below this much work (quotes x stored text length) the quote rule searches each quote
    #: plainly; above it, it indexes the stored texts first (``rules.quote_index``).
    plain_search_work: int = 1 << 24


DEFAULT = Tuning()
