"""Search backends: one protocol (`base.SearchBackend`), several implementations.

- `sqlite.SQLiteBackend`: the embedded default, one file; search runs on a columnar index
  (`columnar.py`) stored in it.
- `memory.MemoryBackend`: brute force over Python objects; the reference the others must agree with.
"""

from __future__ import annotations

from directory.backends.base import SearchBackend
from directory.settings import Settings


def open_backend(settings: Settings) -> SearchBackend:
    """The backend the settings ask for."""
    from directory.backends.sqlite import SQLiteBackend

    return SQLiteBackend(settings.db)
