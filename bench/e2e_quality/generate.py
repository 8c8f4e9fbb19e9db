"""A seeded corpus of raw sources in their real shapes, with the ground truth they were made from.

Written to a directory the local mirror serves (`therapists.mirror.MirrorServer`):

* ``nppes/records.json``   NPI Registry API v2.1 result objects (the mirror pages them, 200 a page,
                           skip at most 1000: the real API's 1,200-record cap per query)
* ``boards/``              three layouts: Texas TDLR (CSV, "LAST, FIRST MIDDLE", no status column,
                           MMDDCCYY), Florida MQA (pipe-delimited, split names, status words),
                           California CAMTC (tab-separated, ISO dates, "First Last")
* ``sites/``               practice pages behind a sitemap: JSON-LD Person, JSON-LD business of a
                           made-up @type with its founder and offer catalogue, microdata, plain
                           text, and clinic team pages with neither licence numbers nor addresses
* ``rosters/``             a BCTMB roster, paginated HTML tables
* ``sources.toml``         the crawl configuration (``{base}`` placeholder)
* ``truth.json``           one object per real person: who they are, what they published, where

What pages say varies as it does on the web: synonyms, shorthand (LBP, CTS, MFR), misspellings,
nicknames (the `nicknames` package's table), former surnames (NPPES ``other_names``), movers with
an expired licence in the state they left, people with common names in one state.
"""

from __future__ import annotations

import csv
import io
import json
import random
import tomllib
import unicodedata
import zlib
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from html import escape
from pathlib import Path

import zipcodes

from directory.geo import zip_place

TODAY = date.today()  # licences expire relative to the day the corpus is served
VOCAB_DIR = Path(__file__).resolve().parents[2] / "directory" / "vocabulary"

METROS: dict[str, list[tuple[str, str, list[str]]]] = {
    "TX": [("Austin", "78704", ["512", "737"]), ("Houston", "77006", ["713", "832", "281"]), ("Dallas", "75204", ["214", "469"])],
    "FL": [("Miami", "33139", ["305", "786"]), ("Orlando", "32801", ["407", "321"]), ("Tampa", "33606", ["813", "656"])],
    "CA": [("San Diego", "92101", ["619", "858"]), ("Los Angeles", "90026", ["213", "323"]), ("Sacramento", "95814", ["916", "279"])],
}
STATE_SHARE = {"TX": 0.4, "FL": 0.33, "CA": 0.27}

# Given names with the nickname a page may use instead (as in the `nicknames` table), and without.
NICKNAMED = {
    "Jennifer": "Jenny",
    "Benjamin": "Ben",
    "James": "Jimmy",
    "Anthony": "Tony",
    "Stephanie": "Steph",
    "Rebecca": "Becky",
    "William": "Will",
    "Elizabeth": "Liz",
    "Katherine": "Kate",
    "Robert": "Bob",
    "Michael": "Mike",
    "Margaret": "Maggie",
    "Christopher": "Chris",
    "Patricia": "Patty",
    "Daniel": "Danny",
    "Samantha": "Sam",
    "Victoria": "Tori",
    "Nicholas": "Nick",
}
PLAIN_FIRST = (
    "Maria Grace Aisha Priya Carlos Luis Mei Olga Nadia Omar Hannah Chloe Sofia Diego Andrea Keisha Tamika Yusuf Ingrid "
    "Lucia Mateo Camila Elena Naomi Rosa Tariq Leilani Imani Farah Noor Sienna Marisol Beatriz Renata Kenji Hiroshi Amara "
    "Zainab Esther Ruth Miriam Dalia Soraya Paloma Vivian Celeste Bianca Marco Felipe Rafael Joaquin"
).split()
MIDDLE = "Marie Ann Lee Lynn Rose Jean Michael James Alan Ray Grace Elena Jose Luis Mae".split()
SURNAMES = (
    "Alvarez Nguyen Okafor Lindqvist Goldberg Rahman Whitfield Broussard Thibodeaux Castellanos Fontenot Ferraro "
    "Harrington Beaumont Kowalski Delacroix Abernathy Yamamoto Achebe Petrovic Sorensen Vasquez Quintero Villanueva "
    "Montgomery Pemberton Oyelaran Szymanski Haddad Nakamura Olawale Brennan Fitzpatrick Gallagher Lockhart Marchetti "
    "Rosenthal Underwood Valentine Whitaker Xiong Zamora Bjornson Castillo Dimitriou Espinoza Fairbanks Galloway Halvorsen "
    "Iwasaki Jablonski Kaminski Lombardi Mendelsohn Novak Ostrowski Pacheco Quinlan Ramirez Salazar Takahashi Ueda Vogel "
    "Wojcik Yilmaz Zielinski Amundsen Bellamy Cordova Davenport Ellsworth Figueroa Guerrero Holloway Ibarra Jimenez "
    "Kirkpatrick Langford Maldonado Navarro Oconnell Prescott Rutherford Santiago Trevino Urquhart Whitmore"
).split()
ACCENTED = {"Pena": "Peña", "Nunez": "Núñez", "Munoz": "Muñoz", "Saldana": "Saldaña", "Jose": "José"}
COMMON = [("Maria", "Garcia"), ("Michael", "Smith"), ("Jennifer", "Johnson"), ("David", "Lee"), ("Maria", "Rodriguez")]
STREETS = "Oak Elm Cedar Maple Pine Lamar Congress Main Bay Harbor Laurel Sunset Ocean Lake River Park Mission Magnolia".split()
STREET_KINDS = ["St", "Ave", "Blvd", "Rd", "Dr", "Ln"]
LANGUAGES = ["Spanish", "Vietnamese", "Mandarin", "French", "Portuguese", "Tagalog", "Korean"]
CERTS = {
    "bctmb": "Board Certified in Therapeutic Massage and Bodywork",
    "oncology_massage_certification": "Oncology Massage Certification",
    "prenatal_certification": "Certified Prenatal Massage Therapist",
    "cnmt": "Certified Neuromuscular Therapist",
}


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


@dataclass
class Surface:
    """How a page may write one vocabulary term."""

    name: str
    synonyms: list[str]
    shorthand: list[str]
    misspellings: list[str]


def surfaces() -> dict[str, dict[str, Surface]]:
    """Per kind, per term id: its published forms, read from the vocabulary files (ground truth of
    what the words mean, never the matcher)."""
    out: dict[str, dict[str, Surface]] = {}
    for kind, file in (("condition", "conditions.toml"), ("modality", "modalities.toml")):
        with open(VOCAB_DIR / file, "rb") as fh:
            rows = tomllib.load(fh)[kind]
        out[kind] = {
            row["id"]: Surface(
                row["name"],
                [s for s in row.get("synonyms", []) if len(s) > 5 and " my " not in f" {s} "],
                [s for s in row.get("synonyms", []) if len(s) <= 5 and s.isalpha()],
                list(row.get("misspellings", [])),
            )
            for row in rows
        }
    return out


# Conditions and techniques the generated people state, with the techniques that commonly go with them.
CONDITIONS = [
    "low_back_pain",
    "sciatica",
    "neck_pain",
    "migraine",
    "tension_headache",
    "tmj_disorder",
    "carpal_tunnel_syndrome",
    "fibromyalgia",
    "frozen_shoulder",
    "plantar_fasciitis",
    "lymphedema",
    "pregnancy_discomfort",
    "sports_injury",
    "anxiety",
    "post_surgical_recovery",
    "whiplash",
    "repetitive_strain_injury",
    "piriformis_syndrome",
]
MODALITIES = [
    "deep_tissue_massage",
    "swedish_massage",
    "myofascial_release",
    "neuromuscular_therapy",
    "trigger_point_therapy",
    "craniosacral_therapy",
    "manual_lymphatic_drainage",
    "prenatal_massage",
    "sports_massage",
    "hot_stone_massage",
    "cupping",
    "pnf_stretching",
]


@dataclass
class Licence:
    state: str
    number: str
    status: str  # active, expired, suspended
    issued_on: str
    expires_on: str
    city: str
    zip: str


@dataclass
class Person:
    id: str
    first: str
    middle: str
    last: str
    gender: str
    state: str
    city: str
    zip: str
    lat: float
    lon: float
    street: str
    phone: str
    licences: list[Licence]
    npi: str | None = None
    former_last: str | None = None  # NPPES other_names; the board has not caught up
    site_first: str | None = None  # the name the practice page uses, when it is a nickname
    site_layout: str | None = None  # jsonld_person, jsonld_business, microdata, text, clinic
    site_url: str | None = None
    conditions: list[str] = field(default_factory=list)  # stated on the page (ground truth)
    modalities: list[str] = field(default_factory=list)
    phrases: dict[str, str] = field(default_factory=dict)  # term id → the words the page used
    certifications: list[str] = field(default_factory=list)  # on the roster
    roster_first: str | None = None
    roster_url: str | None = None
    languages: list[str] = field(default_factory=list)
    mover_from: str | None = None  # a state where an expired licence remains under the same name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first, self.middle, self.last) if p)

    def active_on(self, day: date) -> bool:
        return any(lic.status == "active" and lic.expires_on >= day.isoformat() for lic in self.licences)


def _zips_near(zip_code: str, rng: random.Random, count: int = 12) -> list[str]:
    place = zipcodes.matching(zip_code)[0]
    same = [z["zip_code"] for z in zipcodes.filter_by(city=place["city"], state=place["state"]) if z["zip_code_type"] == "STANDARD"]
    same = [z for z in same if zip_place(z) is not None]
    rng.shuffle(same)
    return sorted(same[:count]) or [zip_code]


def _npi(rng: random.Random, used: set[str]) -> str:
    while True:
        base = "1" + "".join(str(rng.randint(0, 9)) for _ in range(8))
        # Luhn over the '80840' prefix, as the NPI standard has it.
        digits = [int(d) for d in "80840" + base]
        total = 0
        for i, d in enumerate(reversed(digits)):
            if i % 2 == 0:
                d *= 2
                d = d - 9 if d > 9 else d
            total += d
        npi = base + str((10 - total % 10) % 10)
        if npi not in used:
            used.add(npi)
            return npi


def build_people(seed: int, count: int) -> list[Person]:
    rng = random.Random(seed)
    zips = {state: {city: _zips_near(z, rng) for city, z, _ in metros} for state, metros in METROS.items()}
    phones: set[str] = set()
    npis: set[str] = set()
    numbers: set[str] = set()
    people: list[Person] = []
    surnames = [*SURNAMES, *ACCENTED.values(), "Stein-Parker", "O'Brien", "Whitfield-Jones"]
    used_names: set[tuple[str, str, str]] = set()
    for i in range(count):
        state = rng.choices(list(STATE_SHARE), weights=list(STATE_SHARE.values()))[0]
        city, _, areas = rng.choice(METROS[state])
        if i % 40 == 7:
            first, last = COMMON[(i // 40) % len(COMMON)]  # common full names, several in one state
        else:
            first = rng.choice(list(NICKNAMED)) if rng.random() < 0.45 else rng.choice(PLAIN_FIRST)
            last = rng.choice(surnames)
            while (first, last, state) in used_names:
                last = rng.choice(surnames)
        used_names.add((first, last, state))
        gender = (
            "male"
            if first
            in {
                "Benjamin",
                "James",
                "Anthony",
                "William",
                "Robert",
                "Michael",
                "Christopher",
                "Daniel",
                "Nicholas",
                "Carlos",
                "Luis",
                "Omar",
                "Diego",
                "Yusuf",
                "Mateo",
                "Tariq",
                "Kenji",
                "Hiroshi",
                "Marco",
                "Felipe",
                "Rafael",
                "Joaquin",
                "David",
            }
            else "female"
        )
        middle = rng.choice(MIDDLE) if rng.random() < 0.6 else ""
        zip_code = rng.choice(zips[state][city])
        place = zip_place(zip_code)
        assert place is not None
        while (phone := f"+1{rng.choice(areas)}555{rng.randint(100, 199):04d}") in phones:
            pass
        phones.add(phone)
        while (number := f"{rng.randint(10000, 99999)}") in numbers:
            pass
        numbers.add(number)
        issued = TODAY - timedelta(days=rng.randint(400, 9000))
        roll = rng.random()
        status, expires = ("active", TODAY + timedelta(days=rng.randint(30, 700)))
        if roll < 0.05:
            status, expires = "expired", TODAY - timedelta(days=rng.randint(20, 500))
        elif roll < 0.07:
            status, expires = "suspended", TODAY + timedelta(days=rng.randint(30, 400))
        prefix = {"TX": "MT", "FL": "MA", "CA": ""}[state]
        licence = Licence(state, f"{prefix}{number}", status, issued.isoformat(), expires.isoformat(), city, zip_code)
        street = f"{rng.randint(100, 9899)} {rng.choice(STREETS)} {rng.choice(STREET_KINDS)}"
        p = Person(f"p{i:05d}", first, middle, last, gender, state, city, zip_code, place.lat, place.lon, street, phone, [licence])
        if rng.random() < 0.7:
            p.npi = _npi(rng, npis)
        if gender == "female" and p.npi and rng.random() < 0.08:
            p.former_last, p.last = p.last, rng.choice(surnames)  # married since the board row; NPPES knows both
        if rng.random() < 0.04:
            old = rng.choice([s for s in METROS if s != state])
            old_city, old_zip, _ = rng.choice(METROS[old])
            old_prefix = {"TX": "MT", "FL": "MA", "CA": ""}[old]
            while (old_number := f"{rng.randint(10000, 99999)}") in numbers:
                pass
            numbers.add(old_number)
            lapsed = TODAY - timedelta(days=rng.randint(200, 900))
            p.licences.append(
                Licence(
                    old,
                    f"{old_prefix}{old_number}",
                    "expired",
                    (lapsed - timedelta(days=2000)).isoformat(),
                    lapsed.isoformat(),
                    old_city,
                    old_zip,
                )
            )
            p.mover_from = old
        if rng.random() < 0.68:
            p.site_layout = rng.choices(["jsonld_person", "jsonld_business", "microdata", "text", "clinic"], weights=[30, 20, 18, 14, 18])[
                0
            ]
            if first in NICKNAMED and rng.random() < 0.35:
                p.site_first = NICKNAMED[first]
            p.conditions = rng.sample(CONDITIONS, rng.randint(1, 3))
            p.modalities = rng.sample(MODALITIES, rng.randint(1, 3))
            if rng.random() < 0.2:
                p.languages = [rng.choice(LANGUAGES)]
        if rng.random() < 0.22:
            p.certifications = ["bctmb"] + ([rng.choice(list(CERTS)[1:])] if rng.random() < 0.4 else [])
            if first in NICKNAMED and rng.random() < 0.25:
                p.roster_first = NICKNAMED[first]
        people.append(p)
    return people


def _phrase(rng: random.Random, surface: Surface, plain_text: bool) -> str:
    """How one page writes one term: its name, a synonym, shorthand or a misspelling."""
    roll = rng.random()
    if roll < 0.12 and surface.shorthand:
        return surface.shorthand[0].upper()
    if roll < 0.24 and surface.misspellings:
        return rng.choice(surface.misspellings)
    if roll < 0.6 and surface.synonyms:
        return rng.choice(surface.synonyms)
    return surface.name


def _fmt_phone(phone: str, style: int) -> str:
    area, mid, last = phone[2:5], phone[5:8], phone[8:]
    return [f"({area}) {mid}-{last}", f"{area}-{mid}-{last}", f"{area}.{mid}.{last}"][style % 3]


def _address_ld(street: str, city: str, state: str, zip_code: str) -> dict:
    return {"@type": "PostalAddress", "streetAddress": street, "addressLocality": city, "addressRegion": state, "postalCode": zip_code}


def _page(title: str, head: str, body: str) -> str:
    return f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>\n{head}</head>\n<body>\n{body}\n</body></html>\n'


def _ld(obj: dict) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj, ensure_ascii=False)}</script>\n'


def build_sites(rng: random.Random, people: list[Person], vocab: dict[str, dict[str, Surface]]) -> dict[str, str]:
    files: dict[str, str] = {}
    urls: list[str] = []
    clinic_queue: dict[tuple[str, str], list[Person]] = {}
    for p in people:
        if p.site_layout is None:
            continue
        plain = p.site_layout == "text"
        for kind, ids in (("condition", p.conditions), ("modality", p.modalities)):
            for term in ids:
                p.phrases[term] = _phrase(rng, vocab[kind][term], plain)
        if p.site_layout == "clinic":
            clinic_queue.setdefault((p.state, p.city), []).append(p)
            continue
        slug = fold(f"{p.first}-{p.last}").lower().replace("'", "").replace(" ", "-")
        path = f"sites/{slug}-{p.id}/index.html"
        p.site_url = path
        first = p.site_first or p.first
        shown = f"{first} {p.last}"
        licence = p.licences[0]
        said = [p.phrases[t] for t in [*p.conditions, *p.modalities]]
        with_number = rng.random() < 0.6
        if p.site_layout in ("jsonld_person", "jsonld_business"):
            person = {
                "@type": "Person",
                "name": f"{shown}, LMT",
                "telephone": _fmt_phone(p.phone, rng.randint(0, 2)),
                "knowsAbout": [p.phrases[t] for t in p.conditions],
            }
            if p.languages:
                person["knowsLanguage"] = p.languages
            credential = {
                "@type": "EducationalOccupationalCredential",
                "credentialCategory": "license",
                "name": "Licensed Massage Therapist",
            }
            if with_number:
                credential["identifier"] = licence.number
            person["hasCredential"] = credential
            if p.site_layout == "jsonld_person":
                person["@context"] = "https://schema.org"
                person["address"] = _address_ld(p.street, p.city, p.state, p.zip)
                person["knowsAbout"] = said
                doc = person
            else:
                doc = {
                    "@context": "https://schema.org",
                    "@type": rng.choice(["MassageTherapy", "HealthAndBeautyBusiness", "WellnessCenter"]),
                    "name": f"{p.last} Bodywork",
                    "telephone": _fmt_phone(p.phone, 0),
                    "address": _address_ld(p.street, p.city, p.state, p.zip),
                    "geo": {"@type": "GeoCoordinates", "latitude": round(p.lat, 4), "longitude": round(p.lon, 4)},
                    rng.choice(["founder", "employee"]): person,
                    "hasOfferCatalog": {
                        "@type": "OfferCatalog",
                        "name": "Services",
                        "itemListElement": [
                            {"@type": "Offer", "itemOffered": {"@type": "Service", "name": p.phrases[m]}} for m in p.modalities
                        ],
                    },
                }
            body = f"<h1>{escape(shown)}</h1>\n<p>Licensed massage therapist in {escape(p.city)}.</p>"
            files[path] = _page(f"{shown} | Massage", _ld(doc), body)
        elif p.site_layout == "microdata":
            items = "".join(f'<li itemprop="knowsAbout">{escape(s)}</li>' for s in said)
            body = (
                f'<div itemscope itemtype="https://schema.org/Person"><h1 itemprop="name">{escape(shown)}, LMT</h1>'
                f'<span itemprop="telephone">{_fmt_phone(p.phone, 1)}</span>'
                f'<div itemprop="address" itemscope itemtype="https://schema.org/PostalAddress">'
                f'<span itemprop="streetAddress">{escape(p.street)}</span>, <span itemprop="addressLocality">{escape(p.city)}</span>, '
                f'<span itemprop="addressRegion">{p.state}</span> <span itemprop="postalCode">{p.zip}</span></div>'
                f"<ul>{items}</ul></div>"
            )
            files[path] = _page(f"{shown}, LMT", "", body)
        else:
            conditions = ", ".join(p.phrases[t] for t in p.conditions)
            techniques = ", ".join(p.phrases[t] for t in p.modalities)
            lic = f" {licence.state} license #{licence.number}." if with_number else ""
            body = (
                f"<h1>{escape(shown)}, LMT</h1>\n<p>I work with clients who live with {escape(conditions)}. "
                f"Sessions use {escape(techniques)}.{lic}</p>\n<p>Call {_fmt_phone(p.phone, 2)}.</p>"
            )
            files[path] = _page(f"{shown}, LMT | {p.city} massage", "", body)
        urls.append(path)
    # Clinic team pages: several therapists under the clinic's address and main line, no licence numbers.
    for (_state, city), members in sorted(clinic_queue.items()):
        for start in range(0, len(members), 4):
            team = members[start : start + 4]
            host = team[0]
            path = f"sites/clinic-{fold(city).lower().replace(' ', '-')}-{host.id}/team.html"
            clinic_phone = host.phone
            staff = []
            for p in team:
                p.site_url = path
                shown = f"{p.site_first or p.first} {p.last}"
                staff.append(
                    {
                        "@type": "Person",
                        "name": shown,
                        "jobTitle": "Massage Therapist",
                        "knowsAbout": [p.phrases[t] for t in [*p.conditions, *p.modalities]],
                    }
                )
            doc = {
                "@context": "https://schema.org",
                "@type": "MedicalClinic",
                "name": f"{city} Therapeutic Massage Clinic",
                "telephone": _fmt_phone(clinic_phone, 0),
                "address": _address_ld(host.street, host.city, host.state, host.zip),
                "employee": staff,
            }
            files[path] = _page(f"Our team | {city} Therapeutic Massage Clinic", _ld(doc), "<h1>Our team</h1>")
            urls.append(path)
    files["sites/sitemap.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "".join(f"  <url><loc>{{base}}/{u}</loc></url>\n" for u in urls)
        + "</urlset>\n"
    )
    return files


def build_nppes(rng: random.Random, people: list[Person]) -> list[dict]:
    records = []
    for p in people:
        if p.npi is None:
            continue
        lic = p.licences[0]
        addresses = [
            {
                "address_purpose": "LOCATION",
                "address_1": p.street.upper(),
                "city": p.city.upper(),
                "state": p.state,
                "postal_code": p.zip + (f"{rng.randint(1000, 9999)}" if rng.random() < 0.5 else ""),
                "telephone_number": _fmt_phone(p.phone, 1),
                "country_code": "US",
            },
            {
                "address_purpose": "MAILING",
                "address_1": f"PO BOX {rng.randint(100, 9999)}",
                "city": p.city.upper(),
                "state": p.state,
                "postal_code": p.zip,
            },
        ]
        rng.shuffle(addresses)
        record = {
            "number": p.npi,
            "enumeration_type": "NPI-1",
            "basic": {
                "first_name": fold(p.first).upper(),
                "last_name": fold(p.last).upper(),
                "middle_name": fold(p.middle).upper() if p.middle else "",
                "credential": rng.choice(["LMT", "L.M.T.", "LMT, BCTMB", ""]),
                "sex": "F" if p.gender == "female" else "M",
                "enumeration_date": (date.fromisoformat(lic.issued_on) + timedelta(days=rng.randint(30, 400))).isoformat(),
                "status": "A",
            },
            "addresses": addresses,
            # Some providers leave the licence number out of their NPPES entry.
            "taxonomies": [
                {
                    "code": "225700000X",
                    "desc": "Massage Therapist",
                    "primary": True,
                    "state": lic.state,
                    "license": lic.number if rng.random() < 0.85 else "",
                }
            ],
            "other_names": [],
        }
        if p.former_last:
            record["other_names"] = [
                {"type": "Former Name", "code": "1", "first_name": fold(p.first).upper(), "last_name": fold(p.former_last).upper()}
            ]
        records.append(record)
    # Providers of other professions the taxonomy query must leave out.
    for i in range(len(records) // 10):
        records.append(
            {
                "number": f"19{i:08d}",
                "enumeration_type": "NPI-1",
                "basic": {"first_name": "DECOY", "last_name": f"PHYSIO{i}"},
                "addresses": [{"address_purpose": "LOCATION", "city": "AUSTIN", "state": "TX", "postal_code": "78704"}],
                "taxonomies": [{"code": "225100000X", "desc": "Physical Therapist", "primary": True, "state": "TX", "license": f"PT{i}"}],
            }
        )
    return records


def _board_name(p: Person) -> tuple[str, str]:
    """(first, last) as a board has them: the surname before a marriage the board never heard of."""
    return p.first, p.former_last or p.last


def build_boards(rng: random.Random, people: list[Person]) -> dict[str, str]:
    rows: dict[str, list[tuple[Person, Licence]]] = {"TX": [], "FL": [], "CA": []}
    for p in people:
        for lic in p.licences:
            rows[lic.state].append((p, lic))
    files = {}
    tx = io.StringIO()
    w = csv.writer(tx, lineterminator="\r\n")
    w.writerow(
        [
            "LICENSE TYPE",
            "LICENSE NUMBER",
            "LICENSE EXPIRATION DATE (MMDDCCYY)",
            "OWNER NAME",
            "BUSINESS CITY",
            "BUSINESS STATE",
            "BUSINESS ZIP",
            "BUSINESS TELEPHONE",
        ]
    )
    for p, lic in sorted(rows["TX"], key=lambda r: r[1].number):
        first, last = _board_name(p)
        name = f"{fold(last).upper()}, {fold(first).upper()}" + (f" {fold(p.middle).upper()}" if p.middle else "")
        if lic.status == "suspended":
            continue  # TDLR leaves disciplined licences out of the download
        w.writerow(
            [
                "Massage Therapist",
                lic.number,
                date.fromisoformat(lic.expires_on).strftime("%m%d%Y"),
                name,
                lic.city.upper(),
                "TX",
                lic.zip,
                _fmt_phone(p.phone, 1) if lic.city == p.city else "",
            ]
        )
    files["boards/tx_tdlr.csv"] = tx.getvalue()
    fl = io.StringIO()
    w = csv.writer(fl, delimiter="|", lineterminator="\n")
    w.writerow(
        [
            "License Number",
            "Last Name",
            "First Name",
            "Middle Name",
            "License Status",
            "Original Licensure Date",
            "License Expiration Date",
            "City",
            "State",
            "Zip",
            "Phone",
        ]
    )
    words = {"active": "CLEAR", "expired": "DELINQUENT", "suspended": "SUSPENDED"}
    for p, lic in sorted(rows["FL"], key=lambda r: r[1].number):
        first, last = _board_name(p)
        w.writerow(
            [
                lic.number,
                last.upper(),
                first.upper(),
                p.middle.upper(),
                words[lic.status],
                date.fromisoformat(lic.issued_on).strftime("%m/%d/%Y"),
                date.fromisoformat(lic.expires_on).strftime("%m/%d/%Y"),
                lic.city,
                "FL",
                lic.zip,
                p.phone[2:] if lic.city == p.city else "",
            ]
        )
    files["boards/fl_mqa.txt"] = fl.getvalue()
    ca = io.StringIO()
    w = csv.writer(ca, delimiter="\t", lineterminator="\n")
    w.writerow(["Certificate Number", "Name", "Status", "Issue Date", "Expiration Date", "City", "Zip Code"])
    ca_words = {"active": "Active", "expired": "Expired", "suspended": "Suspended"}
    for p, lic in sorted(rows["CA"], key=lambda r: r[1].number):
        first, last = _board_name(p)
        w.writerow(
            [
                lic.number,
                f"{first} {p.middle + ' ' if p.middle else ''}{last}",
                ca_words[lic.status],
                lic.issued_on,
                lic.expires_on,
                lic.city,
                lic.zip,
            ]
        )
    files["boards/ca_camtc.tsv"] = ca.getvalue()
    return files


def build_roster(rng: random.Random, people: list[Person]) -> dict[str, str]:
    entries = [p for p in people if p.certifications]
    files = {}
    per_page = 50
    pages = max(1, -(-len(entries) // per_page))
    for page in range(pages):
        chunk = entries[page * per_page : (page + 1) * per_page]
        rows = []
        for p in chunk:
            p.roster_url = f"rosters/bctmb/page-{page + 1}.html"
            for cert in p.certifications:
                number = f"{zlib.crc32(f'{p.id}:{cert}'.encode()) % 900000 + 100000}" if cert == "bctmb" else ""
                rows.append(
                    f"<tr><td>{escape((p.roster_first or p.first) + ' ' + p.last)}</td><td>{escape(CERTS[cert])}</td><td>{number}</td><td>{escape(p.city)}</td><td>{p.state}</td></tr>"
                )
        nxt = f'<link rel="next" href="page-{page + 2}.html">' if page + 1 < pages else ""
        body = (
            "<table><tr><th>Name</th><th>Credential</th><th>Certificate #</th><th>City</th><th>State</th></tr>" + "".join(rows) + "</table>"
        )
        files[f"rosters/bctmb/page-{page + 1}.html"] = _page("Roster", nxt, body)
    return files


SOURCES_TOML = """\
# The end-to-end quality corpus (bench/e2e_quality/generate.py); {base} is the mirror's address.

[[source]]
name = "nppes"
kind = "nppes"
url = "{base}/nppes/api/"
taxonomy_description = "Massage Therapist"
states = ["TX", "FL", "CA"]
download_delay = 0

[[source]]
name = "tx_tdlr"
kind = "license_csv"
url = "{base}/boards/tx_tdlr.csv"
state = "TX"
date_format = "%m%d%Y"
download_delay = 0
[source.columns]
license_number = "LICENSE NUMBER"
full_name = "OWNER NAME"
license_type = "LICENSE TYPE"
expires_on = "LICENSE EXPIRATION DATE (MMDDCCYY)"
city = "BUSINESS CITY"
state = "BUSINESS STATE"
postal_code = "BUSINESS ZIP"
phone = "BUSINESS TELEPHONE"

[[source]]
name = "fl_mqa"
kind = "license_csv"
url = "{base}/boards/fl_mqa.txt"
state = "FL"
date_format = "%m/%d/%Y"
delimiter = "|"
download_delay = 0
[source.columns]
license_number = "License Number"
last_name = "Last Name"
first_name = "First Name"
middle_name = "Middle Name"
status = "License Status"
issued_on = "Original Licensure Date"
expires_on = "License Expiration Date"
city = "City"
state = "State"
postal_code = "Zip"
phone = "Phone"
[source.status_map]
"CLEAR" = "active"
"DELINQUENT" = "expired"
"SUSPENDED" = "suspended"

[[source]]
name = "ca_camtc"
kind = "license_csv"
url = "{base}/boards/ca_camtc.tsv"
state = "CA"
date_format = "%Y-%m-%d"
delimiter = "\\t"
download_delay = 0
[source.columns]
license_number = "Certificate Number"
full_name = "Name"
status = "Status"
issued_on = "Issue Date"
expires_on = "Expiration Date"
city = "City"
postal_code = "Zip Code"
[source.status_map]
"Active" = "active"
"Expired" = "expired"
"Suspended" = "suspended"

[[source]]
name = "practice_sites"
kind = "profile_site"
url = "{base}/sites/sitemap.xml"
download_delay = 0

[[source]]
name = "bctmb"
kind = "cert_roster"
url = "{base}/rosters/bctmb/page-1.html"
issuer = "NCBTMB"
download_delay = 0
[source.columns]
full_name = "Name"
certification = "Credential"
certificate_number = "Certificate #"
city = "City"
state = "State"
"""


def generate(out: Path, seed: int = 20261201, count: int = 1000) -> list[Person]:
    """Write the corpus under `out`; return the ground truth (also written as truth.json)."""
    people = build_people(seed, count)
    rng = random.Random(seed + 1)
    vocab = surfaces()
    files = {
        **build_sites(rng, people, vocab),
        **build_boards(rng, people),
        **build_roster(rng, people),
        "nppes/records.json": json.dumps(build_nppes(rng, people), ensure_ascii=False),
        "sources.toml": SOURCES_TOML,
        "robots.txt": "User-agent: *\nAllow: /\n",
        "truth.json": json.dumps([asdict(p) for p in people], ensure_ascii=False, indent=1),
    }
    for rel, text in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return people
