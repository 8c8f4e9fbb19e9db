"""Normalising what sources publish: names, credentials, phones, licence numbers, dates, statuses.

Anything that cannot be parsed is kept raw by the caller and flagged; nothing is silently dropped.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

import phonenumbers
from nameparser import HumanName

from directory.models import LicenseStatus
from directory.vocabulary import Vocabulary

PLACEHOLDERS = frozenset({"", "*** CONFIDENTIAL ***", "CONFIDENTIAL", "N/A", "NA", "NULL", "NONE", "--", "00000", "00000-0000"})

# Status words boards use, when a source gives no status_map entry for them.
DEFAULT_STATUS_WORDS: dict[str, LicenseStatus] = {
    "ACTIVE": LicenseStatus.active,
    "CLEAR": LicenseStatus.active,
    "CURRENT": LicenseStatus.active,
    "LICENSED": LicenseStatus.active,
    "EXPIRED": LicenseStatus.expired,
    "DELINQUENT": LicenseStatus.expired,
    "LAPSED": LicenseStatus.expired,
    "SUSPENDED": LicenseStatus.suspended,
    "EMERG SUSPENS": LicenseStatus.suspended,
    "EMERGENCY SUSPENSION": LicenseStatus.suspended,
    "REVOKED": LicenseStatus.revoked,
    "NULL AND VOID": LicenseStatus.revoked,
    "SURRENDERED": LicenseStatus.revoked,
    "PROBATION": LicenseStatus.probation,
    "INACTIVE": LicenseStatus.inactive,
    "RETIRED": LicenseStatus.inactive,
    "VOL RELINQ": LicenseStatus.inactive,
    "DECEASED": LicenseStatus.inactive,
}

# Common English nicknames → the formal first name, for linking "Jenny" to "JENNIFER".
NICKNAMES: dict[str, str] = {
    "jenny": "jennifer", "jen": "jennifer", "jenn": "jennifer", "mike": "michael", "mick": "michael",
    "liz": "elizabeth", "beth": "elizabeth", "betsy": "elizabeth", "lizzy": "elizabeth", "eliza": "elizabeth",
    "bob": "robert", "rob": "robert", "bobby": "robert", "robbie": "robert", "kate": "katherine",
    "katie": "katherine", "kathy": "katherine", "cathy": "catherine", "bill": "william", "will": "william",
    "billy": "william", "jim": "james", "jimmy": "james", "jamie": "james", "tom": "thomas", "tommy": "thomas",
    "dave": "david", "dan": "daniel", "danny": "daniel", "chris": "christopher", "matt": "matthew",
    "tony": "anthony", "joe": "joseph", "joey": "joseph", "steve": "steven", "sam": "samantha",
    "alex": "alexander", "andy": "andrew", "drew": "andrew", "nick": "nicholas", "pat": "patricia",
    "patty": "patricia", "trish": "patricia", "sue": "susan", "suzy": "susan", "meg": "margaret",
    "maggie": "margaret", "peggy": "margaret", "becky": "rebecca", "becca": "rebecca", "debbie": "deborah",
    "deb": "deborah", "vicky": "victoria", "tori": "victoria", "abby": "abigail", "mandy": "amanda",
    "manny": "manuel", "pepe": "jose", "rick": "richard", "rich": "richard", "dick": "richard",
    "ted": "edward", "ed": "edward", "eddie": "edward", "greg": "gregory", "jeff": "jeffrey", "ken": "kenneth",
    "larry": "lawrence", "nate": "nathan", "ben": "benjamin", "josh": "joshua", "zach": "zachary",
    "cindy": "cynthia", "sandy": "sandra", "terri": "teresa", "tess": "teresa", "val": "valerie",
    "nikki": "nicole", "gabby": "gabriela", "lupe": "guadalupe", "chuy": "jesus", "lou": "louis",
}


@dataclass(frozen=True)
class PersonName:
    first: str
    middle: str
    last: str
    suffix: str

    @property
    def first_key(self) -> str:
        first = fold(self.first)
        return NICKNAMES.get(first, first)

    @property
    def last_key(self) -> str:
        # 'Peña-Ruiz', 'PENA RUIZ', 'PenaRuiz' and "O'Neil"/'ONEIL' each give one key.
        return re.sub(r"[\s\-'.’]", "", fold(self.last))

    @property
    def initials(self) -> set[str]:
        """Initials of the given names, for people who go by their middle name."""
        return {fold(n)[:1] for n in (self.first, self.middle) if n}

    @property
    def suffix_key(self) -> str:
        key = fold(self.suffix).replace(".", "")
        return {"junior": "jr", "senior": "sr", "2nd": "ii", "3rd": "iii"}.get(key, key)

    def display(self) -> str:
        parts = [self.first, self.middle, self.last]
        name = " ".join(p for p in parts if p)
        return f"{name}, {self.suffix}" if self.suffix else name


def fold(text: str) -> str:
    """Lower-case with accents removed: 'José' → 'jose'."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower().strip(" .")


def clean(value: str | None) -> str | None:
    """A published value, or None where the source printed a placeholder."""
    if value is None:
        return None
    value = re.sub(r"\s+", " ", str(value)).strip()
    return None if value.upper() in PLACEHOLDERS else value


def split_credentials(text: str, vocab: Vocabulary) -> tuple[str, list[str]]:
    """'Jenny Alvarez, LMT, CNMT' → ('Jenny Alvarez', ['LMT', 'CNMT'])."""
    credentials: list[str] = []
    kept: list[str] = []
    for part in [p.strip() for p in text.split(",")]:
        tokens = [t for t in re.split(r"[\s/]+", part) if t]
        if tokens and all(vocab.credential(t) for t in tokens):
            credentials += [vocab.credential(t).abbreviation for t in tokens]  # type: ignore[union-attr]
        elif part:
            kept.append(part)
    if kept:
        # Credentials written without a comma: 'Renée Fontenot LMT'. A name keeps two words at least.
        tokens = kept[-1].split()
        trailing: list[str] = []
        while len(tokens) > 2 and (cred := vocab.credential(tokens[-1])) is not None:
            trailing.insert(0, cred.abbreviation)
            tokens.pop()
        kept[-1] = " ".join(tokens)
        credentials = trailing + credentials
    return ", ".join(kept), credentials


def parse_credentials(text: str | None, vocab: Vocabulary) -> list[str]:
    """'LMT, CNMT' / 'L.M.T.' / 'LMT BCTMB' → ['LMT', 'CNMT']; unknown tokens are left out."""
    found: list[str] = []
    for token in re.split(r"[,;/\s]+", text or ""):
        cred = vocab.credential(token) if token else None
        if cred and cred.abbreviation not in found:
            found.append(cred.abbreviation)
    return found


def parse_person_name(text: str) -> PersonName | None:
    """A person's name in any of the shapes sources use ('LAST, FIRST MIDDLE', 'First M. Last')."""
    text = clean(text) or ""
    if not text:
        return None
    human = HumanName(text)
    if text.isupper() or text.islower():
        human.capitalize(force=True)
    if not human.last:
        return None
    if human.middle == "O" and human.last[:1].isupper():
        # "Shannon O Neil": the Irish O' written without its apostrophe, not a middle initial.
        return PersonName(human.first, "", f"O'{human.last}", human.suffix)
    return PersonName(human.first, human.middle, human.last, human.suffix)


def person_from_parts(first: str | None, middle: str | None, last: str | None, suffix: str | None = None) -> PersonName | None:
    """A name a source publishes in parts; the parts are trusted (a middle initial 'I' stays a middle
    initial, where re-parsing the joined string would take it for the suffix 'I')."""
    first, middle, last, suffix = (clean(p) or "" for p in (first, middle, last, suffix))
    if not last:
        return None
    human = HumanName()
    human.first, human.middle, human.last, human.suffix = first, middle, last, suffix
    if all(p.isupper() or p.islower() or not p for p in (first, middle, last)):
        human.capitalize(force=True)
    return PersonName(human.first, human.middle, human.last, human.suffix)


def normalize_phone(text: str | None) -> str | None:
    """E.164 ('+15125550134'), or None when it is not a possible US number."""
    text = clean(text)
    if not text:
        return None
    try:
        number = phonenumbers.parse(text, "US")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def license_display(number: str) -> str:
    return re.sub(r"[^A-Z0-9-]", "", number.upper())


def license_key(state: str, number: str) -> str | None:
    """A matching key that survives how sources write one licence: 'MT012345', 'mt 12345', '12345'."""
    digits = re.sub(r"\D", "", number).lstrip("0")
    if not digits:
        return None
    return f"{state.upper()}:{digits}"


def parse_date(text: str | None, fmt: str | None = None) -> date | None:
    text = clean(text)
    if not text:
        return None
    formats = [fmt] if fmt else ["%Y-%m-%d", "%m/%d/%Y", "%m%d%Y", "%Y%m%d"]
    for candidate in formats:
        try:
            return datetime.strptime(text, candidate).date()
        except (ValueError, TypeError):
            continue
    return None


def license_status(
    word: str | None, status_map: dict[str, str], expires_on: date | None, today: date
) -> LicenseStatus:
    """The board's status word through the source's map (then common words); without a word,
    the expiry date decides. An 'active' licence past its expiry is expired."""
    word = clean(word)
    if word is not None:
        mapped = status_map.get(word) or status_map.get(word.upper())
        status = LicenseStatus(mapped) if mapped else DEFAULT_STATUS_WORDS.get(word.upper(), LicenseStatus.unknown)
    elif expires_on is not None:
        status = LicenseStatus.active
    else:
        status = LicenseStatus.unknown
    if status == LicenseStatus.active and expires_on is not None and expires_on < today:
        return LicenseStatus.expired
    return status


def plain_text(value: str | None) -> str | None:
    """A bio as plain text: tags dropped, entities decoded, whitespace collapsed."""
    if not value:
        return None
    text = html.unescape(re.sub(r"<[^>]+>", " ", str(value)))
    return re.sub(r"\s+", " ", text).strip() or None


def zip5(postal_code: str | None) -> str | None:
    postal_code = clean(postal_code)
    if not postal_code:
        return None
    digits = re.sub(r"\D", "", postal_code)
    return digits[:5] if len(digits) in (5, 9) and digits[:5] != "00000" else None
