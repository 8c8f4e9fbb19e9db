"""Curation: what directory admins decide, kept apart from crawled data and the index.

- `store.CurationStore`: accounts and tokens, overrides, the audit log, public requests, the
  review queue (SQLAlchemy Core; Alembic migrations in `migrations/`, run on open).
- `overrides`: the decisions (`Override`), a snapshot of the live ones (`Curation`) and how they
  change a listing (`apply_overrides`); the indexer applies them at every build and the serving
  backend (`directory.backends.curated`) at once.
- `tokens`: API tokens, stored as scrypt digests.
"""
