"""Raw records → `SourceRecord`s: one per person a source mentions, with normalised facts.

Each source kind has its own reader; all produce the same shape, which linkage then clusters.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

import phonenumbers

from directory.gender import GENDERS, Gender
from directory.models import Certification, Evidence, License, Location
from directory.raw import RawRecord, SourceKind
from directory.vocabulary import Match, Vocabulary
from indexer.address import place_address, placed_location, state_code
from indexer.dates import beyond_working_life, license_date
from indexer.normalize import (
    PersonName,
    clean,
    fold,
    license_display,
    license_key,
    normalize_phone,
    parse_credentials,
    parse_date,
    parse_person_name,
    person_from_parts,
    plain_text,
    split_credentials,
)
from indexer.status import read_status

MASSAGE_TAXONOMY = "225700000X"


@dataclass
class SourceRecord:
    key: str
    source: str
    kind: SourceKind
    url: str
    fetched_at: datetime
    name: PersonName
    display_name: str | None = None
    npi: str | None = None
    licenses: list[License] = field(default_factory=list)
    certifications: list[Certification] = field(default_factory=list)
    credentials: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    location: Location | None = None  # practice location only
    city: str | None = None  # any city we know, for linkage (may be a mailing city)
    state: str | None = None
    phone: str | None = None
    bio: str | None = None
    languages: list[str] = field(default_factory=list)
    gender: Gender | None = None
    accepting_new_clients: bool | None = None
    mobile: bool | None = None
    payment_accepted: list[str] = field(default_factory=list)
    price_range: str | None = None
    wheelchair_accessible: bool | None = None
    opening_hours: list[str] = field(default_factory=list)
    enumeration_date: date | None = None
    other_names: list[PersonName] = field(default_factory=list)  # former names the source also gives
    unparsed: list[tuple[str, str]] = field(default_factory=list)  # (field, the value as published)

    def parsed(self, field_name: str, raw: object, value: Any) -> Any:
        """`value`, parsed from `raw`; a published `raw` that gave nothing is flagged, not dropped."""
        if value is None and (text := clean(raw)):
            self.unparsed.append((field_name, text))
        return value

    def set_practice(self, address: str | None, city: str | None, state: str | None, postal_code: str | None, phone: str | None) -> None:
        """The practice address and phone, geocoded and normalised; what does not parse is flagged.
        Only for a practice: a mailing address never leaves the raw layer, not even as a flag."""
        self.location, flags = placed_location(address, city, state, postal_code)
        self.unparsed += flags
        self.phone = self.parsed("phone", phone, normalize_phone(phone))

    def variant(self) -> str:
        """A digest of what the record says, to tell apart records a source gives the same identifier."""
        return _digest(
            self.name.display(),
            [(lic.state, lic.number, lic.status, lic.license_type, lic.issued_on, lic.expires_on) for lic in self.licenses],
            [(c.name, c.number, c.expires_on) for c in self.certifications],
            (self.location.address, self.location.city, self.location.postal_code) if self.location else None,
            self.city,
            self.state,
            self.phone,
        )

    @property
    def license_keys(self) -> frozenset[str]:
        """Matching keys of its licences; read only once extraction has finished adding them."""
        # Memoised by hand: linkage reads this millions of times, and functools.cached_property
        # takes a lock on every read in Python 3.11.
        keys = self.__dict__.get("_license_keys")
        if keys is None:
            keys = frozenset(k for lic in self.licenses if (k := license_key(lic.state, lic.number)))
            self.__dict__["_license_keys"] = keys
        return keys


class ExtractError(ValueError):
    """A raw record the indexer cannot use; it is quarantined with this message."""


def _fetched(record: RawRecord) -> datetime:
    return _timestamp(record.fetched_at)


@lru_cache(maxsize=10_000)
def _timestamp(fetched_at: str) -> datetime:
    # Cached (a datetime is immutable): a crawl stamps many records in the same second.
    try:
        stamp = datetime.fromisoformat(fetched_at)
    except ValueError:
        raise ExtractError(f"fetched_at {fetched_at!r} is not an ISO timestamp") from None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def practice_location(address: str | None, city: str | None, state: str | None, postal_code: str | None) -> Location | None:
    """A practice location geocoded offline from its ZIP (within its state) or else its city."""
    return place_address(address, city, state, postal_code).location


def extract(record: RawRecord, vocab: Vocabulary, today: date) -> list[SourceRecord]:
    reader = _READERS.get(record.kind)  # a raw file says its kind as a plain word
    if reader is None:
        raise ExtractError(f"unknown source kind {record.kind!r}")
    return reader(record, vocab, today)


def _base(record: RawRecord, key: str, name: PersonName) -> SourceRecord:
    return SourceRecord(key=key, source=record.source, kind=_KINDS[record.kind], url=record.url, fetched_at=_fetched(record), name=name)


_KINDS = {kind.value: kind for kind in SourceKind}


def _digest(*parts: object) -> str:
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha1(fold(text).encode()).hexdigest()[:10]


def _page_key(record: RawRecord, name: PersonName) -> str:
    """A page may describe several people: each is the page plus who they are, not their place on it."""
    return f"{record.source}:page:{record.url}#{'-'.join(fold(name.display()).split())}"


def distinct_keys(records: list[SourceRecord]) -> list[SourceRecord]:
    """Make record keys unique by content, whatever order the records came in.

    A key names a record by its source's own identifier (licence, NPI, certificate, page + person).
    Where a source repeats one (a board lists an expired period of a licence beside the current
    one), the current record keeps the plain key — the one expiring last — and the others gain a
    digest of their content; exact duplicates are numbered, which no order can tell apart anyway.
    """
    by_key: dict[str, list[SourceRecord]] = {}
    for rec in records:
        by_key.setdefault(rec.key, []).append(rec)
    for key, same in by_key.items():
        if len(same) == 1:
            continue
        ranked = sorted(same, key=lambda rec: (-_latest_expiry(rec), rec.variant()))
        seen: dict[str, int] = {}
        for rec in ranked[1:]:
            variant = rec.variant()
            seen[variant] = seen.get(variant, 0) + 1
            rec.key = f"{key}~{variant}" + (f"~{seen[variant]}" if seen[variant] > 1 else "")
    return records


def _latest_expiry(rec: SourceRecord) -> int:
    return max((lic.expires_on.toordinal() for lic in rec.licenses if lic.expires_on), default=0)


# NPPES ----------------------------------------------------------------------------------------

_NPI = re.compile(r"\d{10}")
_NPPES_GENDERS = {"F": Gender.female, "M": Gender.male}


def _is_massage(taxonomy: dict[str, Any]) -> bool:
    return taxonomy.get("code") == MASSAGE_TAXONOMY or "massage" in str(taxonomy.get("desc", "")).lower()


def _from_nppes(record: RawRecord, vocab: Vocabulary, today: date) -> list[SourceRecord]:
    data = record.data
    if data.get("enumeration_type") != "NPI-1":
        return []  # organisations are not therapists
    if (data.get("basic") or {}).get("status") == "D":
        return []  # a deactivated NPI (the bulk file marks them; the API leaves them out)
    taxonomies = data.get("taxonomies") or []
    massage = [_is_massage(t) for t in taxonomies]
    if not any(massage):
        return []
    basic = data.get("basic") or {}
    name = person_from_parts(basic.get("first_name"), basic.get("middle_name"), basic.get("last_name"), basic.get("name_suffix"))
    number = str(data.get("number", ""))
    if name is None or not _NPI.fullmatch(number):
        raise ExtractError("NPPES record without a person name or a 10-digit NPI")
    out = _base(record, f"{record.source}:npi:{number}", name)
    out.npi = number
    for other in data.get("other_names") or []:
        # A former name keeps the given name when the entry leaves it out (a married surname).
        alias = person_from_parts(other.get("first_name") or basic.get("first_name"), other.get("middle_name"), other.get("last_name"))
        if alias is not None and alias.display() != name.display():
            out.other_names.append(alias)
    out.credentials = parse_credentials(basic.get("credential"), vocab)
    out.parsed("credentials", basic.get("credential"), out.credentials or None)
    out.gender = _NPPES_GENDERS.get(str(basic.get("sex") or basic.get("gender") or "").upper())
    out.enumeration_date = out.parsed("enumeration_date", basic.get("enumeration_date"), parse_date(basic.get("enumeration_date")))
    for tax, is_massage in zip(taxonomies, massage, strict=True):
        number_text, state = clean(tax.get("license")), clean(tax.get("state"))
        if number_text and state and is_massage:
            out.licenses.append(License(state=state.upper(), number=license_display(number_text), source=record.source))
    # Only the LOCATION address describes the practice; MAILING addresses never leave the raw layer.
    for addr in data.get("addresses") or []:
        if addr.get("address_purpose") == "LOCATION":
            street = " ".join(p for p in [clean(addr.get("address_1")), clean(addr.get("address_2"))] if p)
            out.set_practice(
                street.title() or None, addr.get("city"), addr.get("state"), addr.get("postal_code"), addr.get("telephone_number")
            )
            out.city, out.state = clean(addr.get("city")), clean(addr.get("state"))
    return [out]


# Board licence rows ---------------------------------------------------------------------------


def _from_license_row(record: RawRecord, vocab: Vocabulary, today: date) -> list[SourceRecord]:
    data, ctx = record.data, record.context
    if data.get("full_name"):
        text, credentials = split_credentials(str(data["full_name"]), vocab)
        name = parse_person_name(text)
    else:
        credentials = []
        name = person_from_parts(data.get("first_name"), data.get("middle_name"), data.get("last_name"))
    number = clean(data.get("license_number"))
    state = str(ctx.get("state", "")).upper()
    if name is None or not number or not state:
        raise ExtractError("licence row without a name, licence number or board state")
    fmt = ctx.get("date_format")
    # The licence is the row's identity; a board listing one licence twice (an old period and the
    # current one) is told apart afterwards by content, in `distinct_keys`, never by row position.
    key = license_key(state, number)
    out = _base(record, f"{record.source}:lic:{key or license_display(number)}", name)
    expires_on = out.parsed("expires_on", data.get("expires_on"), license_date(data.get("expires_on"), fmt))
    issued_on = out.parsed("issued_on", data.get("issued_on"), license_date(data.get("issued_on"), fmt))
    if issued_on is not None and beyond_working_life(issued_on, today):
        out.unparsed.append(("issued_on_beyond_working_life", clean(data.get("issued_on")) or ""))
    # `status` is one column's word, or (status = ["STATUS", "REASON"]) a list of every column's.
    published = data.get("status")
    words = published if isinstance(published, list) else [published]
    reading = read_status(words, ctx.get("status_map") or {}, expires_on, today)
    for word in reading.unknown_words:
        out.parsed("license_status", word, None)  # a status word no map knows
    out.parsed("license_number", number, key)
    out.credentials = credentials
    out.licenses.append(
        License(
            state=state,
            number=license_display(number),
            status=reading.status,
            verified=reading.verified,
            status_as_published=reading.published,
            restrictions=reading.restrictions,
            discipline=reading.discipline,
            issued_on=issued_on,
            expires_on=expires_on,
            license_type=clean(data.get("license_type")),
            source=record.source,
        )
    )
    out.city, out.state = clean(data.get("city")), state_code(data.get("state")) or clean(data.get("state")) or state
    if ctx.get("address_kind", "practice") == "practice":
        out.set_practice(
            (clean(data.get("address")) or "").title() or None,
            data.get("city"),
            data.get("state") or state,
            data.get("postal_code"),
            data.get("phone"),
        )
    return [out]


# Certification rosters ------------------------------------------------------------------------


def _from_roster_entry(record: RawRecord, vocab: Vocabulary, today: date) -> list[SourceRecord]:
    data, ctx = record.data, record.context
    text, credentials = split_credentials(str(data.get("full_name", "")), vocab)
    name = parse_person_name(text)
    if name is None:
        raise ExtractError("roster entry without a name")
    cert_text = clean(data.get("certification")) or ""
    match = vocab.match(cert_text, "certification") if cert_text else None
    number = clean(data.get("certificate_number"))
    # Without a certificate number, the entry is who it names, not where on the roster it stood.
    identifier = number or "~" + _digest(name.display(), cert_text, clean(data.get("city")), clean(data.get("state")))
    out = _base(record, f"{record.source}:cert:{identifier}", name)
    out.credentials = credentials
    out.certifications.append(
        Certification(
            name=vocab.name("certification", match.id) if match else cert_text or str(ctx.get("issuer")),
            issuer=ctx.get("issuer"),
            number=number,
            expires_on=out.parsed(
                "certification_expires_on", data.get("expires_on"), parse_date(data.get("expires_on"), ctx.get("date_format"))
            ),
            id=match.id if match else None,
            source=record.source,
        )
    )
    out.city, out.state = clean(data.get("city")), (clean(data.get("state")) or "").upper() or None
    return [out]


# Practice websites ----------------------------------------------------------------------------


def _types(obj: dict[str, Any]) -> set[str]:
    value = obj.get("@type") or obj.get("type") or []
    values = value if isinstance(value, list) else [value]
    return {str(v).rsplit("/", 1)[-1] for v in values}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or value.get("value")
    return clean(value)  # clean() reads any value as its text


def _flatten_microdata(item: dict[str, Any]) -> dict[str, Any]:
    """extruct microdata {'type', 'properties'} → the JSON-LD-like shape the reader expects."""
    flat: dict[str, Any] = {"@type": item.get("type")}
    for key, value in (item.get("properties") or {}).items():
        flat[key] = [_flatten_microdata(v) if isinstance(v, dict) and "properties" in v else v for v in _as_list(value)]
        if len(flat[key]) == 1:
            flat[key] = flat[key][0]
    return flat


# Where a business names the people who work there. Any @type counts as a business, including
# ones schema.org does not define ("MassageTherapy"): practice sites invent their own.
STAFF_PROPERTIES = ("founder", "employee", "employees", "member", "members", "founders")


def _is_person(obj: Any) -> bool:
    return isinstance(obj, dict) and ("Person" in _types(obj) or (not _types(obj) - {""} and bool(obj.get("name"))))


def _people(objects: list[Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None]]:
    """(person, their practice) for every Person in the page's structured data."""
    for obj in objects:
        if not isinstance(obj, dict):
            continue
        if "@graph" in obj:
            yield from _people(_as_list(obj["@graph"]))
            continue
        if "Person" in _types(obj):
            works_for = next((w for w in _as_list(obj.get("worksFor")) if isinstance(w, dict)), None)
            yield obj, works_for
            continue
        for prop in STAFF_PROPERTIES:
            for staff in _as_list(obj.get(prop)):
                if _is_person(staff):
                    yield staff, obj


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "1", "https://schema.org/true"):
        return True
    if text in ("false", "no", "0", "https://schema.org/false"):
        return False
    return None


def _from_profile_page(record: RawRecord, vocab: Vocabulary, today: date) -> list[SourceRecord]:
    data = record.data
    objects = [*_as_list(data.get("jsonld")), *(_flatten_microdata(m) for m in _as_list(data.get("microdata")) if isinstance(m, dict))]
    people = list(_people(objects))
    if not people and data.get("text"):
        return _from_page_text(record, vocab)
    out: list[SourceRecord] = []
    seen: set[str] = set()
    staff_of: dict[int, int] = {}
    for _person, practice in people:
        if practice is not None:
            staff_of[id(practice)] = staff_of.get(id(practice), 0) + 1
    for person, practice in people:
        raw_name = _text(person.get("name"))
        if not raw_name:
            continue
        text, credentials = split_credentials(raw_name, vocab)
        name = parse_person_name(text)
        if name is None or name.display() in seen:
            continue
        seen.add(name.display())
        rec = _base(record, _page_key(record, name), name)
        rec.display_name = name.display()
        rec.credentials = credentials
        _read_person(rec, person, practice, vocab, record, sole_practitioner=practice is not None and staff_of[id(practice)] == 1)
        out.append(rec)
    return out


def _offered(obj: dict[str, Any]) -> list[str]:
    """Names of the services a business or person offers (makesOffer, hasOfferCatalog, nested catalogs)."""
    names: list[str] = []

    def walk(item: Any, depth: int) -> None:
        if depth > 5 or not isinstance(item, dict):
            if isinstance(item, str) and depth > 0:
                names.append(item)
            return
        types = _types(item)
        offered = item.get("itemOffered")
        if offered is not None:
            for thing in _as_list(offered):
                walk(thing, depth + 1)
        elif types & {"Service", "Product"} or (depth > 0 and not types & {"Offer", "OfferCatalog", "ListItem"} and item.get("name")):
            if name := _text(item.get("name")):
                names.append(name)
        for key in ("itemListElement", "item"):
            for child in _as_list(item.get(key)):
                walk(child, depth + 1)

    for key in ("makesOffer", "hasOfferCatalog", "availableService"):
        for value in _as_list(obj.get(key)):
            walk(value, 1 if key == "availableService" else 0)
    return names


def _read_geo(rec: SourceRecord, person: dict[str, Any], practice: dict[str, Any] | None) -> None:
    """Published coordinates are more exact than a ZIP's centre; taken when they are numbers on Earth."""
    geo = _first_present("geo", person, practice)
    if not isinstance(geo, dict) or rec.location is None:
        return
    try:
        lat, lon = float(geo["latitude"]), float(geo["longitude"])
    except (KeyError, TypeError, ValueError):
        rec.parsed("geo", f"{geo.get('latitude')},{geo.get('longitude')}", None)
        return
    if -90 <= lat <= 90 and -180 <= lon <= 180 and (lat, lon) != (0.0, 0.0):
        rec.location = rec.location.model_copy(update={"lat": lat, "lon": lon})
    else:
        rec.parsed("geo", f"{lat},{lon}", None)


def _read_person(
    rec: SourceRecord,
    person: dict[str, Any],
    practice: dict[str, Any] | None,
    vocab: Vocabulary,
    record: RawRecord,
    sole_practitioner: bool = False,
) -> None:
    address = next((a for a in _as_list(person.get("address")) if isinstance(a, dict)), None)
    if address is None and practice is not None:
        address = next((a for a in _as_list(practice.get("address")) if isinstance(a, dict)), None)
    address = address or {}
    locality, region = _text(address.get("addressLocality")), _text(address.get("addressRegion"))
    rec.set_practice(
        _text(address.get("streetAddress")),
        locality,
        region,
        _text(address.get("postalCode")),
        _text(person.get("telephone")) or (_text(practice.get("telephone")) if practice else None),
    )
    if address:
        rec.city, rec.state = locality, (region or "").upper() or None
    rec.bio = plain_text(_text(person.get("description")))
    rec.languages = [lang for lang in (_text(v) for v in _as_list(person.get("knowsLanguage"))) if lang]
    gender = (_text(person.get("gender")) or "").lower()
    rec.gender = Gender(gender) if gender in GENDERS else None
    rec.accepting_new_clients = _bool(person.get("isAcceptingNewPatients")) if "isAcceptingNewPatients" in person else None
    _read_practice_details(rec, person, practice)
    _read_geo(rec, person, practice)
    phrases = [_text(item) for item in _as_list(person.get("knowsAbout"))]
    phrases += _offered(person)
    if practice is not None and sole_practitioner:
        phrases += _offered(practice)  # a clinic's services are not each therapist's claims
    stated = {(e.kind, e.term) for e in rec.evidence}
    for phrase in phrases:
        if not phrase:
            continue
        for match in _terms_in_phrase(vocab, phrase):
            if (match.kind == "condition" or match.kind == "modality") and (match.kind, match.id) not in stated:
                stated.add((match.kind, match.id))
                rec.evidence.append(Evidence(term=match.id, kind=match.kind, text=phrase, source=record.source, source_kind=rec.kind))

    for cred in _as_list(person.get("hasCredential")):
        if not isinstance(cred, dict):
            continue
        category = (_text(cred.get("credentialCategory")) or "").lower()
        identifier = _text(cred.get("identifier"))
        cred_name = _text(cred.get("name")) or ""
        issuer = _text(cred.get("recognizedBy"))
        if category == "license" and identifier:
            state = rec.state or (rec.location.state if rec.location else None)
            if state:
                rec.licenses.append(License(state=state, number=license_display(identifier), source=record.source))
        elif category == "license":
            # A licence without its number cannot be checked; the credential it names is still said.
            named = vocab.credential(cred_name) if cred_name else None
            if named is not None and named.abbreviation not in rec.credentials:
                rec.credentials.append(named.abbreviation)
        elif category in ("certification", "certificate") or cred_name:
            cert_match = vocab.match(cred_name, "certification") if cred_name else None
            rec.certifications.append(
                Certification(
                    name=vocab.name("certification", cert_match.id) if cert_match else cred_name,
                    issuer=issuer,
                    number=identifier,
                    id=cert_match.id if cert_match else None,
                    source=record.source,
                )
            )


@lru_cache(maxsize=50_000)
def _terms_in_phrase(vocab: Vocabulary, phrase: str) -> tuple[Match, ...]:
    # Cached: practice sites repeat their phrases ("Deep tissue"); keyed on the vocabulary too.
    return tuple(vocab.terms_in_phrase(phrase))


def _first_present(key: str, *objects: dict[str, Any] | None) -> Any:
    return next((obj[key] for obj in objects if obj and obj.get(key) not in (None, "", [])), None)


def _opening_hours(value: Any) -> list[str]:
    """schema.org opening hours, as 'Monday-Friday 08:00-19:00' lines."""
    lines: list[str] = []
    for spec in _as_list(value):
        if isinstance(spec, str):
            lines.append(spec)
        elif isinstance(spec, dict):
            days = [str(d).rsplit("/", 1)[-1] for d in _as_list(spec.get("dayOfWeek"))]
            span = f"{days[0]}-{days[-1]}" if len(days) > 2 else ", ".join(days)
            lines.append(f"{span} {spec.get('opens', '?')}-{spec.get('closes', '?')}".strip())
    return lines


def _read_practice_details(rec: SourceRecord, person: dict[str, Any], practice: dict[str, Any] | None) -> None:
    """What people filter on, where the page states it (the person's own page first, then the practice)."""
    for obj in (person, practice):
        for prop in _as_list(obj.get("additionalProperty") if obj else None):
            name = (_text(prop.get("name")) if isinstance(prop, dict) else "") or ""
            if "mobile" in name.lower() or "in-home" in name.lower():
                rec.mobile = rec.mobile if rec.mobile is not None else _bool(prop.get("value"))
            elif "wheelchair" in name.lower():
                rec.wheelchair_accessible = rec.wheelchair_accessible if rec.wheelchair_accessible is not None else _bool(prop.get("value"))
    payment = _first_present("paymentAccepted", person, practice)
    if payment:
        items = payment if isinstance(payment, list) else re.split(r"\s*,\s*", str(payment))
        rec.payment_accepted = [p for p in (clean(str(i)) for i in items) if p]
    rec.price_range = clean(_first_present("priceRange", person, practice))
    rec.opening_hours = _opening_hours(
        _first_present("openingHoursSpecification", person, practice) or _first_present("openingHours", person, practice)
    )


_LICENSE_IN_TEXT = re.compile(r"\b(?:licen[cs]e|lic\.?)\s*(?:#|no\.?|number)?\s*:?\s*([A-Z]{0,3}\d{4,8})\b", re.IGNORECASE)
_STATE_IN_TEXT = re.compile(r"\b([A-Z]{2})\s+licen[cs]e", re.IGNORECASE)


def _from_page_text(record: RawRecord, vocab: Vocabulary) -> list[SourceRecord]:
    """A page without structured data: name from the title, terms and licence from the text."""
    title = str(record.data.get("title") or "")
    head = re.split(r"\s[|–—-]\s", title)[0]
    text, credentials = split_credentials(head, vocab)
    name = parse_person_name(text)
    body = str(record.data.get("text") or "")
    if name is None:
        raise ExtractError("page without structured data or a person's name in its title")
    rec = _base(record, _page_key(record, name), name)
    rec.display_name = name.display()
    rec.credentials = credentials or parse_credentials(body[:300], vocab)
    for match in vocab.find_terms(body, fuzzy=True):
        if match.kind == "condition" or match.kind == "modality":
            rec.evidence.append(Evidence(term=match.id, kind=match.kind, text=match.text, source=record.source, source_kind=rec.kind))
    # The first phone number the page prints: the practice's line, which linkage can meet.
    for found in phonenumbers.PhoneNumberMatcher(body, "US"):
        rec.phone = normalize_phone(found.raw_string)
        break
    lic = _LICENSE_IN_TEXT.search(body)
    state = _STATE_IN_TEXT.search(body)
    if lic and state:
        rec.licenses.append(License(state=state.group(1).upper(), number=license_display(lic.group(1)), source=record.source))
        rec.state = state.group(1).upper()
    return [rec]


_READERS: dict[str, Callable[[RawRecord, Vocabulary, date], list[SourceRecord]]] = {
    SourceKind.nppes: _from_nppes,
    SourceKind.nppes_bulk: _from_nppes,  # the bulk spider stamps `nppes`; an older raw file may not
    SourceKind.license_csv: _from_license_row,
    SourceKind.cert_roster: _from_roster_entry,
    SourceKind.profile_site: _from_profile_page,
}
