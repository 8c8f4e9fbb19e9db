"""The FastAPI application factory."""

from __future__ import annotations

from datetime import date

from fastapi import FastAPI

from directory.backends import open_backend
from directory.backends.base import SearchBackend
from directory.backends.curated import CuratedBackend
from directory.curation.store import CurationStore, open_store
from directory.referrals import ReferralStore
from directory.settings import Settings, get_settings
from directory.vocabulary import Vocabulary, get_vocabulary
from search_api import admin_routes, request_routes
from search_api.admin_auth import FailureLimiter
from search_api.errors import install_error_handlers
from search_api.fhir_routes import router as fhir_router
from search_api.ops import IndexCollector, MetricsMiddleware
from search_api.ops_routes import router as ops_router
from search_api.pages import install_pages
from search_api.referral_routes import router as referral_router
from search_api.routes import router


def create_app(
    settings: Settings | None = None,
    backend: SearchBackend | None = None,
    vocab: Vocabulary | None = None,
    today: date | None = None,
    curation: CurationStore | None = None,
) -> FastAPI:
    """The API over `backend` (default: the one `settings` names). `today` pins the date for tests.

    `curation` is the curation store (admins, overrides, review queue); by default the one
    `settings.database_url` names, or SQLite beside the index, when the backend comes from
    `settings` too. Without one, /admin answers 503 and no overrides apply."""
    settings = settings or get_settings()
    app = FastAPI(
        title="Therapist directory",
        version="0.1.0",
        description="Find qualified, licensed massage therapists for a specific condition, near you.",
    )
    app.state.settings = settings
    app.state.vocab = vocab or get_vocabulary()
    if curation is None and backend is None:
        curation = open_store(settings.database_url, settings.db)
    app.state.curation = curation
    app.state.auth_failures = FailureLimiter()
    served = backend or open_backend(settings)
    app.state.backend = CuratedBackend(served, curation.snapshot) if curation is not None else served
    app.state.today = today
    app.state.referrals = ReferralStore(settings.referrals_path)
    app.state.index_collector = IndexCollector(app.state.backend, today)
    app.add_middleware(MetricsMiddleware)  # added first: runs inside the request-id middleware
    install_error_handlers(app)
    app.include_router(router)
    app.include_router(request_routes.router)
    app.include_router(admin_routes.router)
    app.include_router(referral_router)
    app.include_router(fhir_router)
    app.include_router(ops_router)
    install_pages(app)
    return app
