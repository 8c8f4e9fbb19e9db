"""Normalising what sources publish: names, credentials, phones, licence numbers, dates, statuses.

Anything that cannot be parsed is kept raw by the caller and flagged; nothing is silently dropped.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

import phonenumbers
from nameparser import HumanName
from nicknames import NickNamer

from directory.vocabulary import Credential, Vocabulary

PLACEHOLDERS = frozenset({"", "*** CONFIDENTIAL ***", "CONFIDENTIAL", "N/A", "NA", "NULL", "NONE", "--", "00000", "00000-0000"})

# Nicknames are the `nicknames` package's (a maintained table of English given names), which maps
# many nicknames to several formal names ("will" -> william, wilbur, wilfred, ...): so a given name
# is not folded to one canonical key; `given_names` lists the formal names it may stand for. This
# table holds only what the package (1.x) lacks, checked entry by entry: it knows "robbie" only as
# Roberta's, "katie" not as Katherine's, "gabby" as Gabriella's but not Gabriela's, and has none of
# the others (Spanish hypocorisms: Pepe, Lupe, Chuy; "suzy"; "terri" for Teresa). Nor does it know
# "will" for Guillermo: that pair is not linked on the name alone.
NICKNAMES: dict[str, str] = {
    "robbie": "robert",
    "katie": "katherine",
    "suzy": "susan",
    "terri": "teresa",
    "gabby": "gabriela",
    "pepe": "jose",
    "lupe": "guadalupe",
    "chuy": "jesus",
}


@dataclass(frozen=True, slots=True)  # a national build holds a million of them
class PersonName:
    first: str
    middle: str
    last: str
    suffix: str

    @property
    def first_key(self) -> str:
        return _first_key(self.first)

    @property
    def first_names(self) -> frozenset[str]:
        return given_names(self.first)

    @property
    def last_key(self) -> str:
        return _last_key(self.last)

    @property
    def initials(self) -> set[str]:
        """Initials of the given names, for people who go by their middle name."""
        return {fold(n)[:1] for n in (self.first, self.middle) if n}

    @property
    def suffix_key(self) -> str:
        return suffix_key(self.suffix)

    def display(self) -> str:
        parts = [self.first, self.middle, self.last]
        name = " ".join(p for p in parts if p)
        return f"{name}, {self.suffix}" if self.suffix else name


@lru_cache(maxsize=200_000)
def _first_key(first: str) -> str:
    return fold(first)


def first_key(first: str) -> str:
    """`PersonName.first_key` of a first name."""
    return _first_key(first)


def last_key(last: str) -> str:
    """`PersonName.last_key` of a surname."""
    return _last_key(last)


def suffix_key(suffix: str) -> str:
    """`PersonName.suffix_key` of a generational suffix ('Jr.', 'junior' -> 'jr')."""
    key = fold(suffix).replace(".", "")
    return {"junior": "jr", "senior": "sr", "2nd": "ii", "3rd": "iii"}.get(key, key)


@lru_cache(maxsize=1)
def _namer() -> NickNamer:
    return NickNamer()


@lru_cache(maxsize=200_000)
def given_names(first: str) -> frozenset[str]:
    """The given name's key with the formal names it is a nickname of ('jimmy' -> {jimmy, james}).
    One name is a nickname of another when the other's key is in its set (`is_nickname_of`)."""
    key = _first_key(first)
    if not key:
        return frozenset()
    return frozenset({key, *_namer().canonicals_of(key), *([NICKNAMES[key]] if key in NICKNAMES else [])})


def is_nickname_of(first: str, other: str) -> bool:
    """Whether either given name is a nickname of the other ("Becky"/"Rebecca", "Will"/"Wilfred").

    Two nicknames of one formal name do not count: the package lists formal names as each other's
    nicknames too, so sharing one would make Amy and Emily (Amelia), or Robert and William ("bill"),
    one person."""
    a, b = _first_key(first), _first_key(other)
    return bool(a and b) and (b in given_names(first) or a in given_names(other))


@lru_cache(maxsize=200_000)
def _last_key(last: str) -> str:
    # 'Peña-Ruiz', 'PENA RUIZ', 'PenaRuiz' and "O'Neil"/'ONEIL' each give one key.
    return _NAME_SEPARATORS.sub("", fold(last))


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lower-case with accents removed: 'José' → 'jose'."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower().strip(" .")


_SPACES = re.compile(r"\s+")
_NAME_SEPARATORS = re.compile(r"[\s\-'.’]")
_CREDENTIAL_SEPARATORS = re.compile(r"[,;/\s]+")
_TOKEN_SEPARATORS = re.compile(r"[\s/]+")
_NON_DIGITS = re.compile(r"\D")


def clean(value: object) -> str | None:
    """A published value, or None where the source printed a placeholder."""
    if value is None:
        return None
    text = value if value.__class__ is str else str(value)
    # A plain dict, not lru_cache: extraction calls this a dozen times a record, and a hit in a
    # dict costs a third of an lru_cache hit. Bounded by emptying it when full.
    cleaned = _CLEANED.get(text, _UNSEEN)
    if cleaned is _UNSEEN:
        if len(_CLEANED) >= CLEAN_CACHE_SIZE:
            _CLEANED.clear()
        cleaned = _CLEANED[text] = _clean_text(text)
    return cleaned  # type: ignore[return-value]


CLEAN_CACHE_SIZE = 200_000
_CLEANED: dict[str, str | None] = {}
_UNSEEN = object()


def _clean_text(value: str) -> str | None:
    value = _SPACES.sub(" ", value).strip()
    return None if value.upper() in PLACEHOLDERS else value


def split_credentials(text: str, vocab: Vocabulary) -> tuple[str, list[str]]:
    """'Jenny Alvarez, LMT, CNMT' → ('Jenny Alvarez', ['LMT', 'CNMT'])."""
    credentials: list[str] = []
    kept: list[str] = []
    for part in [p.strip() for p in text.split(",")]:
        tokens = [t for t in _TOKEN_SEPARATORS.split(part) if t]
        known = [_credential(vocab, t) for t in tokens]
        if tokens and all(known):
            credentials += [c.abbreviation for c in known if c]
        elif part:
            kept.append(part)
    if kept:
        # Credentials written without a comma: 'Renée Fontenot LMT'. A name keeps two words at least.
        tokens = kept[-1].split()
        trailing: list[str] = []
        while len(tokens) > 2 and (cred := _credential(vocab, tokens[-1])) is not None:
            trailing.insert(0, cred.abbreviation)
            tokens.pop()
        kept[-1] = " ".join(tokens)
        credentials = trailing + credentials
    return ", ".join(kept), credentials


@lru_cache(maxsize=100_000)
def _credential(vocab: Vocabulary, token: str) -> Credential | None:
    # Cached: a name's words and credentials recur across a crawl ('LMT', 'MARIA'); keyed on the
    # vocabulary too, since a test or a tool may load another.
    return vocab.credential(token)


def parse_credentials(text: str | None, vocab: Vocabulary) -> list[str]:
    """'LMT, CNMT' / 'L.M.T.' / 'LMT BCTMB' → ['LMT', 'CNMT']; unknown tokens are left out."""
    return list(_parse_credentials(vocab, text or ""))


@lru_cache(maxsize=20_000)
def _parse_credentials(vocab: Vocabulary, text: str) -> tuple[str, ...]:
    found: list[str] = []
    for token in _CREDENTIAL_SEPARATORS.split(text):
        cred = _credential(vocab, token) if token else None
        if cred and cred.abbreviation not in found:
            found.append(cred.abbreviation)
    return tuple(found)


_SUFFIXES = {"JR", "JR.", "SR", "SR.", "II", "III", "IV"}
_SUFFIX_SPELLING = {"JR": "Jr.", "JR.": "Jr.", "SR": "Sr.", "SR.": "Sr."}
_WORD_JOINS = re.compile(r"([-'’])")
_PLAIN_WORD = re.compile(r"^[^\W\d_]+(?:[-'’][^\W\d_]+)*\.?$")


@lru_cache(maxsize=100_000)
def _capitalize(word: str) -> str:
    """'MCALLISTER' → 'McAllister', "O'NEIL" → "O'Neil", 'PEÑA-RUIZ' → 'Peña-Ruiz'."""
    parts = _WORD_JOINS.split(word.lower())
    out = "".join(p[:1].upper() + p[1:] for p in parts)
    if out.startswith("Mc") and len(out) > 2:
        out = "Mc" + out[2].upper() + out[3:]
    return out


_PARTICLES = frozenset({"van", "von", "de", "del", "la", "di", "da", "le", "mc", "mac", "st", "st.", "o"})


@lru_cache(maxsize=100_000)
def _plain_word(word: str) -> bool:
    return _PLAIN_WORD.match(word) is not None


def _fast_parse(text: str) -> PersonName | None:
    """The two shapes most records use, without the general parser: 'LAST, FIRST [MIDDLE] [SUFFIX]'
    and 'First [Middle] Last'. Anything else (particles, titles, quotes) returns None."""
    commas = text.count(",")
    if commas == 1:
        last_part, given = text.split(",")
        last_words, given_words = last_part.split(), given.split()
        suffix = ""
        if given_words and given_words[-1].upper() in _SUFFIXES:
            suffix = given_words.pop()
        if len(last_words) != 1 or not given_words:
            return None
        first, middle_words, last = given_words[0], given_words[1:], last_words[0]
    elif commas == 0:
        words = text.split()
        if not 2 <= len(words) <= 3 or words[-1].upper() in _SUFFIXES:
            return None
        first, middle_words, last, suffix = words[0], words[1:-1], words[-1], ""
    else:
        return None
    if not (_plain_word(first) and _plain_word(last) and all(_plain_word(m) for m in middle_words)):
        return None
    if last.lower() in _PARTICLES or any(m.lower() in _PARTICLES for m in middle_words):
        return None  # 'Daniel Mc Allister', 'Ana de la Cruz': the general parser knows particles
    suffix_fixed = _SUFFIX_SPELLING.get(suffix.upper(), suffix.upper())
    if text.isupper() or text.islower():
        return PersonName(_capitalize(first), " ".join(_capitalize(m) for m in middle_words), _capitalize(last), suffix_fixed)
    return PersonName(first, " ".join(middle_words), last, suffix_fixed)


@lru_cache(maxsize=100_000)
def parse_person_name(text: str) -> PersonName | None:
    """A person's name in any of the shapes sources use ('LAST, FIRST MIDDLE', 'First M. Last')."""
    text = clean(text) or ""
    if not text:
        return None
    fast = _fast_parse(text)
    if fast is not None:
        return _irish_o(fast)
    human = HumanName(text)
    if text.isupper() or text.islower():
        human.capitalize(force=True)
    if not human.last:
        return None
    last = re.sub(r"^(mc|mac) ", lambda m: m.group(1).capitalize() + " ", human.last)  # nameparser lower-cases it
    return _irish_o(PersonName(human.first, human.middle, last, human.suffix))


def _irish_o(name: PersonName) -> PersonName:
    # "Shannon O Neil": the Irish O' written without its apostrophe, not a middle initial.
    if name.middle.split()[-1:] == ["O"] and name.last[:1].isupper():
        return PersonName(name.first, " ".join(name.middle.split()[:-1]), f"O'{name.last}", name.suffix)
    return name


def person_from_parts(first: str | None, middle: str | None, last: str | None, suffix: str | None = None) -> PersonName | None:
    """A name a source publishes in parts; the parts are trusted (a middle initial 'I' stays a middle
    initial, where re-parsing the joined string would take it for the suffix 'I')."""
    first, middle, last, suffix = clean(first) or "", clean(middle) or "", clean(last) or "", clean(suffix) or ""
    if not last:
        return None
    if (
        (not first or first.isupper() or first.islower())
        and (not middle or middle.isupper() or middle.islower())
        and (last.isupper() or last.islower())
    ):
        # clean() leaves single spaces only, so a part without one is one word.
        first = _capitalize(first)
        last = _capitalize(last) if " " not in last else " ".join(_capitalize(w) for w in last.split())
        if middle:
            middle = _capitalize(middle) if " " not in middle else " ".join(_capitalize(w) for w in middle.split())
    suffix = _SUFFIX_SPELLING.get(suffix.upper(), suffix)
    return PersonName(first, middle, last, suffix)


_US_PHONE = re.compile(r"\(?\+?1?[\s.)-]*\(?\d{3}\)?[\s.-]*\d{3}[\s.-]*\d{4}")


@lru_cache(maxsize=100_000)
def normalize_phone(text: str | None) -> str | None:
    """E.164 ('+15125550134'), or None when it is not a possible US number."""
    text = clean(text)
    if not text:
        return None
    digits = _NON_DIGITS.sub("", text)
    if _US_PHONE.fullmatch(text.strip()) and len(digits) in (10, 11):
        # The plain US shapes, without the general parser.
        return "+1" + digits[-10:] if len(digits) == 10 or digits[0] == "1" else None
    try:
        number = phonenumbers.parse(text, "US")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_NOT_IN_LICENSE = re.compile(r"[^A-Z0-9-]")


@lru_cache(maxsize=200_000)
def license_display(number: str) -> str:
    return _NOT_IN_LICENSE.sub("", number.upper())


@lru_cache(maxsize=200_000)
def license_key(state: str, number: str) -> str | None:
    """A matching key that survives how sources write one licence: 'MT012345', 'mt 12345', '12345'."""
    digits = _NON_DIGITS.sub("", number).lstrip("0")
    if not digits:
        return None
    return f"{state.upper()}:{digits}"


def parse_date(text: object, fmt: str | None = None) -> date | None:
    cleaned = clean(text)
    return _parse_date_text(cleaned, fmt) if cleaned else None


@lru_cache(maxsize=50_000)
def _parse_date_text(text: str, fmt: str | None) -> date | None:
    # Cached: a board file repeats the same few thousand dates (strptime was a tenth of extraction).
    formats = [fmt] if fmt else ["%Y-%m-%d", "%m/%d/%Y", "%m%d%Y", "%Y%m%d"]
    for candidate in formats:
        try:
            return datetime.strptime(text, candidate).date()
        except (ValueError, TypeError):
            continue
    return None


_TAG = re.compile(r"<[^>]+>")


def plain_text(value: str | None) -> str | None:
    """A bio as plain text: tags dropped, entities decoded, whitespace collapsed."""
    if not value:
        return None
    text = html.unescape(_TAG.sub(" ", str(value)))
    return _SPACES.sub(" ", text).strip() or None


@lru_cache(maxsize=200_000)
def zip5(postal_code: str | None) -> str | None:
    postal_code = clean(postal_code)
    if not postal_code:
        return None
    digits = _NON_DIGITS.sub("", postal_code)
    return digits[:5] if len(digits) in (5, 9) and digits[:5] != "00000" else None
