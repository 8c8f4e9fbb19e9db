"""People's names as searchers type them: accent-, case- and punctuation-insensitive, nickname-aware
(the `nicknames` package's table of English given names), typo-tolerant (rapidfuzz).

`name_matches` is the one definition of "this listing is the person the searcher named", used by
every backend; `looks_like_given_name` lets free text that is a name ("Jenny Alvarez") be searched
as one.
"""

from __future__ import annotations

from functools import lru_cache

from nicknames import NickNamer
from rapidfuzz import fuzz

from directory.vocabulary import normalize_text

TYPO_RATIO = 80.0  # fuzz.ratio from which two name words are one with a typo ("Alvarez"/"Alvares")
TYPO_MIN_LENGTH = 4  # shorter words are too easily alike ("Ann"/"Ian")


@lru_cache(maxsize=1)
def _namer() -> NickNamer:
    return NickNamer()


def name_words(text: str) -> tuple[str, ...]:
    """'María-José O'Neil, LMT' → ('maria', 'jose', 'oneil', 'lmt'): folded, apostrophes joined."""
    return tuple(normalize_text(text.replace("'", "").replace("’", "")).split())


@lru_cache(maxsize=50_000)
def given_name_forms(word: str) -> frozenset[str]:
    """A given name with its nicknames and formal names ('jenny' → jennifer, jenny, jen, ...)."""
    namer = _namer()
    forms = {word, *namer.canonicals_of(word), *namer.nicknames_of(word)}
    for canonical in namer.canonicals_of(word):
        forms |= namer.nicknames_of(canonical)
    return frozenset(forms)


@lru_cache(maxsize=50_000)
def looks_like_given_name(word: str) -> bool:
    """Whether the nickname table knows `word` as a given name or a nickname."""
    namer = _namer()
    return bool(namer.canonicals_of(word) or namer.nicknames_of(word))


def _word_matches(wanted: str, have: str) -> bool:
    if wanted == have:
        return True
    if len(wanted) == 1 or len(have) == 1:
        return wanted[0] == have[0]  # an initial
    if have in given_name_forms(wanted):
        return True
    return min(len(wanted), len(have)) >= TYPO_MIN_LENGTH and fuzz.ratio(wanted, have) >= TYPO_RATIO


def name_matches(wanted: str | tuple[str, ...], listing_name: str | tuple[str, ...]) -> bool:
    """Every word the searcher typed matches a different word of the listing's name, in any order
    ("Alvarez, Jenny"): exactly, as a nickname or formal name, as an initial, or with a typo."""
    want = name_words(wanted) if isinstance(wanted, str) else wanted
    have = list(name_words(listing_name) if isinstance(listing_name, str) else listing_name)
    # Exact words are claimed first, so "Ann Anne" cannot spend "anne" on the typo of "ann".
    for word in sorted(want, key=lambda w: w not in have):
        found = next((i for i, candidate in enumerate(have) if _word_matches(word, candidate)), None)
        if found is None:
            return False
        del have[found]
    return True
