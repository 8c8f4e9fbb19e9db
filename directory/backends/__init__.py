"""Search backends: one protocol (`base.SearchBackend`), several implementations.

- `sqlite.SQLiteBackend`: the embedded default, one file; search runs on a columnar index
  (`columnar.py`) stored in it.
- `es.ElasticsearchBackend`: the scale-out backend, chosen by ES_URL / `--es`.
- `memory.MemoryBackend`: brute force over Python objects; the reference the others must agree with.
"""

from __future__ import annotations

from directory.backends.base import SearchBackend
from directory.errors import BackendError
from directory.settings import Settings


def open_backend(settings: Settings) -> SearchBackend:
    """The backend the settings ask for: Elasticsearch when an ES URL is given, else the SQLite file."""
    if settings.es_url or settings.backend == "elasticsearch":
        from directory.backends.es import ElasticsearchBackend

        if not settings.es_url:
            raise BackendError("the elasticsearch backend needs ES_URL or --es URL")
        return ElasticsearchBackend(
            settings.es_url, settings.es_index, plain_json=settings.es_plain_json, retain=settings.es_retain, replicas=settings.es_replicas
        )
    from directory.backends.sqlite import SQLiteBackend

    return SQLiteBackend(settings.db)
