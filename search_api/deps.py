"""Request dependencies as Annotated aliases, in one place.

They are `async` although they do no I/O: FastAPI runs a plain `def` dependency in its thread pool,
and the hops cost about 2 ms a search request, more than the search itself.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Request

from directory.backends.base import SearchBackend
from directory.referrals import ReferralStore
from directory.settings import Settings
from directory.vocabulary import Vocabulary


async def get_backend(request: Request) -> SearchBackend:
    return request.app.state.backend


async def get_vocabulary(request: Request) -> Vocabulary:
    return request.app.state.vocab


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_today(request: Request) -> date:
    """Today, for licence expiry checks; tests pin it through app.state.today."""
    return request.app.state.today or date.today()


async def get_referral_store(request: Request) -> ReferralStore:
    return request.app.state.referrals


Backend = Annotated[SearchBackend, Depends(get_backend)]
Vocab = Annotated[Vocabulary, Depends(get_vocabulary)]
AppSettings = Annotated[Settings, Depends(get_settings)]
Today = Annotated[date, Depends(get_today)]
Referrals = Annotated[ReferralStore, Depends(get_referral_store)]
