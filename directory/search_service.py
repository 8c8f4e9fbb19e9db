"""From request parameters to a validated query tree, and what the search was understood as.

Shared by the HTTP API and the `therapists search` command so both understand a search the same
way. Explicit parameters override what the free text `q` implied. How results look is
`directory.presenter`'s job.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from directory.errors import InvalidParameter
from directory.gazetteer import is_large_place, resolve_near
from directory.geo import US_STATES, Place, city_place
from directory.names import looks_like_given_name, name_words
from directory.presenter import Interpreted, present_interpreted
from directory.query import MAX_LIMIT, MAX_RADIUS_KM, Cursor, SearchQuery
from directory.search_params import GENDERS, SearchParams
from directory.vocabulary import Match, TermKind, Vocabulary, normalize_text

STOPWORDS = frozenset(
    "a an and or the for with of to in on at near by my me i who what best good therapist therapists "
    "massage massages lmt treat treats treating treatment help helps pain relief".split()
)
_CONNECTORS = re.compile(r"\b(near|in|around|close\s+to)\s+", re.IGNORECASE)
_TRAILING_ZIP = re.compile(r"\b(\d{5})(?:-\d{4})?\s*$")
MAX_MIN_YEARS = 70


def _phrase_matches(text: str, vocab: Vocabulary) -> tuple[list[Match], list[Match], list[str]]:
    """Conditions and modalities named in free text, plus the words left over.

    Longer phrases win over shorter ones whatever their kind ("prenatal massage" is a technique
    before "prenatal" is a condition), and exact phrases win over fuzzy ones.
    """
    tokens = normalize_text(text).split()
    used = [False] * len(tokens)
    found: dict[TermKind, list[Match]] = {"condition": [], "modality": []}
    for fuzzy in (False, True):
        for n in range(min(4, len(tokens)), 0, -1):
            for start in range(0, len(tokens) - n + 1):
                if any(used[start : start + n]):
                    continue
                window = tokens[start : start + n]
                if all(tok in STOPWORDS for tok in window):
                    continue
                phrase = " ".join(window)
                if fuzzy and len(phrase) < 5:
                    continue
                for kind in ("condition", "modality"):
                    match = vocab.match(phrase, kind, inside=False)
                    if match is None or match.corrected != fuzzy:
                        continue
                    if all(m.id != match.id for m in found[kind]):
                        found[kind].append(match)
                    used[start : start + n] = [True] * n
                    break
    leftover = [tok for tok, u in zip(tokens, used, strict=True) if not u]
    return found["condition"], found["modality"], leftover


_TRAILING_STATE = re.compile(r"[,\s]+([A-Za-z]{2})\s*$")
_TRAILING_LATLON = re.compile(r"(-?\d+(?:\.\d+)?\s*,\s*-?\d+(?:\.\d+)?)\s*$")
_CONNECTOR = re.compile(r"\b(?:near|in|around|close to)\s*$", re.IGNORECASE)
# Connectors that can only be followed by a place: an unknown place after them is an error.
_PLACE_ONLY = frozenset({"near", "around", "close to"})
# A place typed without a connector ("... San Diego") must be at least this big; smaller towns
# need "near"/"in" or their state, so an ordinary word that is also a hamlet's name stays a word.
BARE_PLACE_MIN_POPULATION = 50_000
# Words that mean something to a search even though a town has the name ("mobile massage").
_NOT_BARE_PLACES = STOPWORDS | {"mobile", "home", "spa", "clinic"}
MAX_NAME_WORDS = 4


def _resolves(text: str) -> bool:
    try:
        resolve_near(text)
    except InvalidParameter:
        return False
    return True


def _split_location(text: str, vocab: Vocabulary) -> tuple[str, str | None, bool]:
    """(text without its place, the place, whether it was typed without a connector) for a query
    ending in a ZIP, 'lat,lon', 'City, ST', 'City ST', 'near/in/around <place>' or a city's name."""
    for pattern in (_TRAILING_ZIP, _TRAILING_LATLON):
        if match := pattern.search(text):
            return text[: match.start()], match.group(1), False
    match = _TRAILING_STATE.search(text)
    if match and match.group(1).upper() in US_STATES:
        words = text[: match.start()].split()
        # Longest city first ("New York"), never more than three words ("my arm Miami" is not one).
        for size in range(min(3, len(words)), 0, -1):
            city = " ".join(words[-size:])
            if city_place(city, match.group(1)) is not None:
                return " ".join(words[:-size]), f"{city}, {match.group(1).upper()}", False
    # The last connector that a place follows ("pain in my wrist near Austin"); "in" may just be a word.
    connectors = [found for found in _CONNECTORS.finditer(text) if text[found.end() :].strip()]
    for found in reversed(connectors):
        if _resolves(tail := text[found.end() :].strip()):
            return text[: found.start()], tail, False
    strict = [found for found in connectors if " ".join(found.group(1).lower().split()) in _PLACE_ONLY]
    if strict:
        return text[: strict[-1].start()], text[strict[-1].end() :].strip(), False  # resolve_near will say why it is unknown
    words = text.split()
    for size in range(min(3, len(words) - 1), 0, -1):
        place = " ".join(words[-size:])
        key = normalize_text(place)
        if key in _NOT_BARE_PLACES or any(vocab.match(key, kind, inside=False) for kind in ("condition", "modality")):
            continue
        if is_large_place(place, BARE_PLACE_MIN_POPULATION):
            return " ".join(words[:-size]), place, True
    return text, None, False


class Understood(NamedTuple):
    """What free text was understood as."""

    conditions: list[Match]
    modalities: list[Match]
    location: str | None
    ignored: list[str]
    name: str | None  # the text is (or holds) a person's name


def _name_in(words: list[str], found_terms: bool) -> bool:
    """Whether the words left over are a person's name: a known given name and a surname, or, in a
    query naming no condition or technique, two or three words ("Grace Liu")."""
    if not 2 <= len(words) <= MAX_NAME_WORDS or not all(w.isalpha() for w in words):
        return False
    return looks_like_given_name(words[0]) or (not found_terms and len(words) <= 3)


def understand_text(q: str, vocab: Vocabulary) -> Understood:
    """Split free text into conditions, modalities, a location phrase, a name and words not understood."""
    text, location, bare = _split_location(q.strip(), vocab)
    text = _CONNECTOR.sub("", text)
    conditions, modalities, rest = _phrase_matches(text, vocab)
    leftover = [tok for tok in rest if tok not in STOPWORDS]
    found_terms = bool(conditions or modalities)
    if bare and location and not found_terms and len(leftover) == 1 and looks_like_given_name(leftover[0]):
        leftover, location = [*leftover, *normalize_text(location).split()], None  # "Michael Jackson" is a person
    if _name_in(leftover, found_terms):
        return Understood(conditions, modalities, location, [], " ".join(leftover))
    return Understood(conditions, modalities, location, leftover, None)


def _require_term(text: str, kind: TermKind, parameter: str, vocab: Vocabulary) -> Match:
    match = vocab.match(text, kind) or vocab.head_word(text, kind)
    if match is None:
        suggestions = vocab.suggest(text, kind)
        hint = f"; did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        raise InvalidParameter(parameter, f"unknown {kind} {text!r}{hint}", suggestions)
    return match


def build_query(
    params: SearchParams,
    vocab: Vocabulary,
    today: date | None = None,
    default_radius_km: float = 40.0,
    stale_after_days: int = 365,
) -> tuple[SearchQuery, Interpreted]:
    """Validate the parameters into a SearchQuery, and say what was understood."""
    if not 1 <= params.limit <= MAX_LIMIT:
        raise InvalidParameter("limit", f"must be between 1 and {MAX_LIMIT}, got {params.limit}")
    if params.radius_km is not None and not 0 < params.radius_km <= MAX_RADIUS_KM:
        raise InvalidParameter("radius_km", f"must be more than 0 and at most {MAX_RADIUS_KM:g} km, got {params.radius_km:g}")
    if params.license_status not in ("active", "any"):
        raise InvalidParameter("license_status", f"must be 'active' or 'any', got {params.license_status!r}")
    cursor = Cursor.decode(params.cursor) if params.cursor else None
    if params.min_years is not None and not 0 <= params.min_years <= MAX_MIN_YEARS:
        raise InvalidParameter("min_years", f"must be between 0 and {MAX_MIN_YEARS}, got {params.min_years:g}")
    gender = params.gender.strip().lower() if params.gender else None
    if gender is not None and gender not in GENDERS:
        raise InvalidParameter("gender", f"must be one of {', '.join(GENDERS)}, got {params.gender!r}")
    certifications = [_require_term(c, "certification", "certification", vocab) for c in params.certification]

    conditions: list[Match] = []
    modalities: list[Match] = []
    location_text: str | None = None
    ignored: list[str] = []
    name_text: str | None = None
    if params.q and params.q.strip():
        conditions, modalities, location_text, ignored, name_text = understand_text(params.q, vocab)
    if params.name is not None:
        if not name_words(params.name):
            raise InvalidParameter("name", "has no letters; give a person's name, e.g. 'Jenny Alvarez'")
        name_text = params.name.strip()
    if params.condition is not None:
        conditions = [_require_term(params.condition, "condition", "condition", vocab)]
    # Techniques named in free text rank those who offer them first; the `modality` parameter filters.
    preferred = modalities
    modalities = [_require_term(m, "modality", "modality", vocab) for m in params.modality]
    if modalities:
        preferred = []
    near: Place | None = None
    if params.near is not None:
        near = resolve_near(params.near, "near")
    elif location_text:
        near = resolve_near(location_text, "q")
    advisories = vocab.advisories_for([m.id for m in conditions], params.q or "")

    query = SearchQuery(
        conditions=conditions[:1],
        modalities=modalities,
        near=near,
        radius_km=params.radius_km if params.radius_km is not None else default_radius_km,
        license_status="active" if params.license_status == "active" else "any",  # validated above
        limit=params.limit,
        cursor=cursor,
        today=today or date.today(),
        advisories=[a.id for a in advisories],
        stale_after_days=stale_after_days,
        preferred_modalities=preferred,
        certifications=certifications,
        min_years=params.min_years,
        language=params.language.strip() if params.language else None,
        gender=gender,
        accepting_new_clients=params.accepting_new_clients,
        mobile=params.mobile,
        name_text=name_text,
    )
    interpreted = present_interpreted(query, vocab, other_conditions=conditions[1:], ignored_words=ignored)
    return query, interpreted
