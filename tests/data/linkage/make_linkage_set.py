#!/usr/bin/env python3
"""Generate the labelled record-linkage set in this folder (deterministic; stdlib + zipcodes).

    python tests/data/linkage/make_linkage_set.py

Writes, next to this script:
  nppes.jsonl, tx_board.jsonl, fl_board.jsonl, sites.jsonl, roster.jsonl
      raw records exactly as the crawler writes them (sorted keys, one JSON object a line)
  truth.jsonl     {"file", "line" (1-based), "person_id"} for every source record
  manifest.json   people, the variants each one exercises, the traps, derived counts
  README.md       what is covered, with counts

Everything is invented: people, practices, `.example` domains, 555-01xx phones, NPIs (valid
check digit, random body), licence and certificate numbers. ZIP codes and cities are real
(checked against `zipcodes`). The labels were written from the invented people, never from
what any linker does with the records.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations
from pathlib import Path
from typing import Any

import zipcodes

SEED = 20261124
OUT = Path(__file__).resolve().parent
TODAY = date(2026, 11, 23)
FETCHED = {
    "nppes": "2026-11-20T14:02:11+00:00",
    "tx_board": "2026-11-20T13:55:40+00:00",
    "fl_board": "2026-11-20T13:57:02+00:00",
    "roster": "2026-11-20T14:20:37+00:00",
}
BASE = "https://linkage-fixture.example"
FILES = ["nppes.jsonl", "tx_board.jsonl", "fl_board.jsonl", "sites.jsonl", "roster.jsonl"]

rng = random.Random(SEED)


# Geography -------------------------------------------------------------------------------------

METRO_ZIPS: dict[str, dict[str, list[str]]] = {
    # metro: {"core": practice ZIPs, "around": extra home ZIPs}
    "Houston": {
        "core": ["77002", "77006", "77008", "77019", "77024", "77025", "77030", "77057", "77063", "77098"],
        "around": ["77077", "77478", "77479", "77450", "77494", "77584", "77429", "77379"],
    },
    "Austin": {"core": ["78701", "78704", "78745", "78731", "78757", "78723"], "around": ["78664", "78681", "78660"]},
    "San Antonio": {"core": ["78209", "78212", "78213", "78230", "78249", "78216"], "around": ["78154", "78130"]},
    "Dallas": {"core": ["75201", "75204", "75206", "75225", "75230", "75214"], "around": ["75093"]},
    "Fort Worth": {"core": ["76104", "76107", "76109", "76132"], "around": ["76126", "76013"]},
    "El Paso": {"core": ["79902", "79912", "79925", "79936"], "around": []},
    "Miami": {"core": ["33130", "33131", "33133", "33135", "33145", "33155", "33176"], "around": ["33010", "33012", "33016", "33186"]},
    "Hialeah": {"core": ["33010", "33012", "33016"], "around": ["33155"]},
    "Orlando": {"core": ["32801", "32803", "32804", "32806", "32819", "32835"], "around": ["34741", "34747", "32789", "32771"]},
    "Winter Park": {"core": ["32789"], "around": ["32803"]},
    "Tampa": {"core": ["33602", "33606", "33609", "33611", "33629"], "around": ["33511", "33647"]},
    "Saint Petersburg": {"core": ["33701", "33704", "33713"], "around": ["33755", "34698"]},
    "Jacksonville": {"core": ["32204", "32207", "32246", "32256"], "around": ["32073", "32257"]},
    "Fort Lauderdale": {"core": ["33301", "33304"], "around": ["33020"]},
    "Sugar Land": {"core": ["77478", "77479"], "around": ["77584"]},
}

STREETS: dict[str, list[str]] = {
    "Houston": [
        "Westheimer Rd",
        "Richmond Ave",
        "Kirby Dr",
        "Montrose Blvd",
        "Washington Ave",
        "Bellaire Blvd",
        "San Felipe St",
        "Yale St",
        "Shepherd Dr",
        "Gessner Rd",
    ],
    "Austin": ["S Lamar Blvd", "Burnet Rd", "S Congress Ave", "Guadalupe St", "N Lamar Blvd", "Anderson Ln", "E Cesar Chavez St"],
    "San Antonio": ["Broadway St", "Blanco Rd", "Fredericksburg Rd", "McCullough Ave", "Huebner Rd", "Wurzbach Rd"],
    "Dallas": ["Lemmon Ave", "Preston Rd", "Greenville Ave", "McKinney Ave", "Mockingbird Ln", "Forest Ln"],
    "Fort Worth": ["W 7th St", "Camp Bowie Blvd", "W Magnolia Ave", "Hulen St", "Bryant Irvin Rd"],
    "El Paso": ["N Mesa St", "Montana Ave", "Dyer St", "Lee Trevino Dr", "Zaragoza Rd"],
    "Miami": ["Brickell Ave", "SW 8th St", "Coral Way", "Biscayne Blvd", "SW 27th Ave", "Bird Rd", "Kendall Dr"],
    "Hialeah": ["W 49th St", "Palm Ave", "E 4th Ave"],
    "Orlando": ["E Colonial Dr", "N Mills Ave", "E Washington St", "Edgewater Dr", "S Orange Ave", "Dr Phillips Blvd"],
    "Winter Park": ["Park Ave S", "N Orlando Ave"],
    "Tampa": ["W Kennedy Blvd", "S Howard Ave", "S Dale Mabry Hwy", "N Florida Ave", "Bayshore Blvd"],
    "Saint Petersburg": ["Central Ave", "4th St N", "22nd Ave N"],
    "Jacksonville": ["San Jose Blvd", "Baymeadows Rd", "Beach Blvd", "Riverside Ave", "Atlantic Blvd"],
    "Fort Lauderdale": ["E Las Olas Blvd", "N Federal Hwy"],
    "Sugar Land": ["Town Center Blvd", "Dulles Ave"],
}
HOME_STREETS = [
    "Oak Hollow Dr",
    "Willow Bend Ln",
    "Cedar Ridge Ct",
    "Magnolia St",
    "Pecan Grove Rd",
    "Bluebonnet Ln",
    "Palmetto Ave",
    "Sabal Palm Ct",
    "Heron Way",
    "Live Oak St",
    "Cypress Point Dr",
    "Mockingbird Ct",
    "Quail Run Dr",
    "Sunset Ridge Dr",
    "Lantana Ln",
    "Briar Hollow Ln",
    "Bay Laurel Ct",
    "Citrus Grove Blvd",
]

_ZIP_CACHE: dict[str, dict[str, Any]] = {}


def zipinfo(code: str) -> dict[str, Any]:
    if code not in _ZIP_CACHE:
        found = zipcodes.matching(code)
        if not found:
            raise SystemExit(f"ZIP {code} unknown to zipcodes")
        _ZIP_CACHE[code] = found[0]
    return _ZIP_CACHE[code]


@dataclass
class Place:
    street: str  # "1600 S Lamar Blvd"
    unit: str  # "Ste 110" / "Apt 4" / ""
    zip: str

    @property
    def city(self) -> str:
        return zipinfo(self.zip)["city"]

    @property
    def state(self) -> str:
        return zipinfo(self.zip)["state"]

    def areas(self) -> list[str]:
        return [a for a in zipinfo(self.zip)["area_codes"] if a not in ("945", "830", "863", "352", "386", "754", "656", "689")] or zipinfo(
            self.zip
        )["area_codes"]


def city_upper(city: str) -> str:
    return "ST PETERSBURG" if city == "Saint Petersburg" else city.upper()


def city_title(city: str) -> str:
    return "St. Petersburg" if city == "Saint Petersburg" else city


def practice_place(metro: str, zip_code: str | None = None, street: str | None = None, unit: str | None = None) -> Place:
    zip_code = zip_code or rng.choice(METRO_ZIPS[metro]["core"])
    street = street or f"{rng.randint(100, 9899)} {rng.choice(STREETS[metro])}"
    if unit is None:
        unit = rng.choice(["", "", f"Ste {rng.randint(100, 450)}", f"Ste {rng.randint(1, 30)}", f"Ste {rng.choice('ABCD')}"])
    place = Place(street, unit, zip_code)
    assert place.city == metro or metro not in ("Houston", "Austin", "Dallas", "Tampa", "Orlando"), (metro, place)
    return place


def home_place(metro: str, avoid: str | None = None) -> Place:
    pool = [z for z in METRO_ZIPS[metro]["core"] + METRO_ZIPS[metro]["around"] * 2 if z != avoid]
    zip_code = rng.choice(pool)
    kind = rng.random()
    if kind < 0.12:
        return Place(f"PO Box {rng.randint(1000, 99999)}", "", zip_code)
    unit = f"Apt {rng.randint(1, 340)}" if kind < 0.35 else ""
    return Place(f"{rng.randint(100, 19999)} {rng.choice(HOME_STREETS)}", unit, zip_code)


# Phones, numbers -------------------------------------------------------------------------------

_USED_PHONES: set[str] = set()


def new_phone(place: Place, area: str | None = None) -> str:
    for _ in range(500):
        a = area or rng.choice(place.areas())
        number = f"{a}5550{rng.randint(100, 199)}"
        if number not in _USED_PHONES:
            _USED_PHONES.add(number)
            return number
    raise SystemExit("ran out of 555-01xx numbers")


def fmt_phone(digits: str, style: str) -> str:
    a, b, c = digits[:3], digits[3:6], digits[6:]
    return {
        "paren": f"({a}) {b}-{c}",
        "dash": f"{a}-{b}-{c}",
        "dot": f"{a}.{b}.{c}",
        "plain": digits,
        "intl": f"+1 {a}-{b}-{c}",
        "space": f"{a} {b} {c}",
        "one": f"1-{a}-{b}-{c}",
        "intl_dot": f"+1.{a}.{b}.{c}",
    }[style]


_USED_NUMBERS: set[str] = set()


def unique(make) -> str:
    for _ in range(1000):
        value = make()
        if value not in _USED_NUMBERS:
            _USED_NUMBERS.add(value)
            return value
    raise SystemExit("could not draw a unique number")


def new_npi() -> str:
    def make() -> str:
        body = "1" + "".join(str(rng.randint(0, 9)) for _ in range(8))
        digits = [int(d) for d in "80840" + body]
        total = 0
        for i, d in enumerate(reversed(digits)):
            if i % 2 == 0:
                d *= 2
                d = d - 9 if d > 9 else d
            total += d
        return body + str((10 - total % 10) % 10)

    return unique(make)


def new_license(state: str) -> str:
    if state == "TX":
        return unique(lambda: f"MT{rng.randint(8000, 136000):06d}")
    return unique(lambda: f"MA{rng.randint(20000, 135000)}")


def new_cert() -> str:
    return unique(lambda: f"{rng.randint(100000, 699999)}-00")


def lic_text(number: str, style: str) -> str:
    prefix, digits = number[:2], number[2:]
    return {
        "exact": number,
        "lower": number.lower(),
        "space": f"{prefix} {digits}",
        "lower_space": f"{prefix.lower()} {digits.lstrip('0')}",
        "noprefix": digits,
        "stripzeros": digits.lstrip("0"),
        "prefix_stripzeros": prefix + digits.lstrip("0"),
        "blank": "",
    }[style]


# Names -----------------------------------------------------------------------------------------


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def up(text: str, accents: bool = False) -> str:
    return (text if accents else fold(text)).upper()


# The generator's own notion of "the same first name", used only for README statistics.
NICK = {
    "jenny": "jennifer",
    "jenifer": "jennifer",
    "bob": "robert",
    "bobby": "robert",
    "liz": "elizabeth",
    "bill": "william",
    "kate": "katherine",
    "katie": "katherine",
    "mike": "michael",
    "micheal": "michael",
    "chuy": "jesus",
    "lupe": "guadalupe",
    "dan": "daniel",
    "nate": "nathan",
    "patty": "patricia",
    "gabby": "gabriela",
    "chris": "christopher",
    "paco": "francisco",
    "beto": "alberto",
    "jamie": "james",
    "cathy": "catherine",
    "tony": "anthony",
}


def first_key(first: str) -> str:
    f = fold(first).lower().strip(" .").replace("-", "").replace(" ", "")
    return NICK.get(f, f)


def last_key(last: str) -> str:
    last = re.sub(r"\b(jr|sr|ii|iii)\b\.?", "", fold(last).lower())
    return re.sub(r"[^a-z]", "", last)


# People, practices -----------------------------------------------------------------------------


@dataclass
class Clinic:
    key: str
    name: str
    domain: str
    place: Place
    phone: str
    type: str = "HealthAndBeautyBusiness"


CLINICS: dict[str, Clinic] = {}


def clinic(
    key: str, name: str, domain: str, metro: str, zip_code: str, street: str, unit: str = "", type_: str = "HealthAndBeautyBusiness"
) -> Clinic:
    place = practice_place(metro, zip_code, street, unit)
    CLINICS[key] = Clinic(key, name, domain, place, new_phone(place), type_)
    return CLINICS[key]


@dataclass
class Person:
    pid: str
    first: str
    middle: str
    last: str
    suffix: str
    sex: str
    state: str
    metro: str
    clinic: str
    home: Place
    cell: str
    home_phone: str | None
    npi: str | None
    lic: dict[str, str]
    cert: str | None
    nick: str | None
    tags: list[str]
    apps: list[tuple[str, dict[str, Any]]]
    old_clinic: str | None = None
    former_last: str | None = None
    notes: str = ""

    def legal(self) -> str:
        name = " ".join(p for p in [self.first, self.middle, self.last] if p)
        return f"{name} {self.suffix}".strip()


PEOPLE: list[Person] = []
_SOLO_TEMPLATES = [
    "{last} Massage Therapy",
    "{last} Therapeutic Massage",
    "{first} {last} LMT",
    "{metro} Bodywork by {first}",
    "Healing Hands by {first}",
    "{last} Bodywork",
]


def solo_clinic(pid: str, first: str, last: str, metro: str, zip_code: str | None = None, use_cell: str | None = None) -> str:
    name = rng.choice(_SOLO_TEMPLATES).format(first=first, last=fold(last).replace("'", ""), metro=city_title(metro))
    domain = re.sub(r"[^a-z]", "", fold(name).lower())[:28]
    if any(c.domain.startswith(domain) for c in CLINICS.values()):
        domain += re.sub(r"[^a-z]", "", fold(metro).lower())
    domain += ".example"
    place = practice_place(metro, zip_code)
    key = f"solo_{pid}"
    CLINICS[key] = Clinic(key, name, domain, place, use_cell or new_phone(place))
    return key


def person(
    first: str,
    middle: str,
    last: str,
    *,
    sex: str,
    state: str,
    metro: str,
    apps: list[tuple[str, dict[str, Any]]],
    suffix: str = "",
    clinic_key: str | None = None,
    nick: str | None = None,
    tags: list[str] | None = None,
    npi: bool | None = None,
    cert: bool | None = None,
    home: Place | None = None,
    cell: str | None = None,
    home_phone: str | None = None,
    lic: dict[str, str] | None = None,
    old_clinic: str | None = None,
    former_last: str | None = None,
    notes: str = "",
    solo_zip: str | None = None,
) -> Person:
    pid = f"L{len(PEOPLE) + 1:03d}"
    solo = clinic_key is None
    if solo:
        clinic_key = solo_clinic(pid, nick or first, last, metro, solo_zip)
    practice = CLINICS[clinic_key].place
    home = home or home_place(metro, avoid=practice.zip)
    cell = cell or new_phone(home)
    if solo and rng.random() < 0.5:
        CLINICS[clinic_key].phone = cell  # a sole proprietor publishing a cell phone as the business line
    kinds = {kind for kind, _ in apps}
    has_npi = "nppes" in kinds if npi is None else npi
    lic = lic or {state: new_license(state)}
    p = Person(
        pid,
        first,
        middle,
        last,
        suffix,
        sex,
        state,
        metro,
        clinic_key,
        home,
        cell,
        home_phone,
        new_npi() if has_npi else None,
        lic,
        new_cert() if ("roster" in kinds or cert) else None,
        nick,
        list(tags or []),
        apps,
        old_clinic,
        former_last,
        notes,
    )
    PEOPLE.append(p)
    return p


def nppes(**o: Any) -> tuple[str, dict[str, Any]]:
    return ("nppes", o)


def tx(**o: Any) -> tuple[str, dict[str, Any]]:
    return ("tx_board", o)


def fl(**o: Any) -> tuple[str, dict[str, Any]]:
    return ("fl_board", o)


def site(**o: Any) -> tuple[str, dict[str, Any]]:
    return ("sites", o)


def roster(**o: Any) -> tuple[str, dict[str, Any]]:
    return ("roster", o)


# Shared practices (colleagues share the clinic's phone and address) ----------------------------

clinic("barton", "Barton Springs Massage", "bartonspringsmassage.example", "Austin", "78704", "1600 S Lamar Blvd", "Ste 110")
clinic("gulfcoast", "Gulf Coast Bodywork", "gulfcoastbodywork.example", "Houston", "77006", "1412 Westheimer Rd", "Ste 200")
clinic("coralway", "Coral Way Massage & Recovery", "coralwaymassage.example", "Miami", "33145", "2750 Coral Way", "Ste 3")
clinic("lakeeola", "Lake Eola Wellness", "lakeeolawellness.example", "Orlando", "32801", "431 E Central Blvd", "")
clinic("thompson", "Thompson Family Massage", "thompsonfamilymassage.example", "Dallas", "75206", "5617 Greenville Ave", "Ste 120")
clinic("robinson", "Robinson Twins Massage", "robinsontwinsmassage.example", "Houston", "77025", "8850 Kirby Dr", "Ste 6")
clinic("bianchi", "Bianchi Brothers Sports Massage", "bianchisports.example", "Tampa", "33609", "3420 W Kennedy Blvd", "")
clinic("alamo", "Alamo Heights Bodywork", "alamoheightsbodywork.example", "San Antonio", "78209", "5148 Broadway St", "Ste 204")
clinic("uptown", "Uptown Dallas Massage", "uptowndallasmassage.example", "Dallas", "75204", "3102 McKinney Ave", "Ste 4")
clinic(
    "riverside", "Riverside Therapeutic Massage", "riversidetherapeutic.example", "Jacksonville", "32204", "1035 Riverside Ave", "Ste 101"
)
# Practices people moved away from (old pages still online, stale NPPES locations).
clinic("oldlakewood", "Lakewood Wellness Studio", "lakewoodwellness.example", "Dallas", "75214", "6333 E Mockingbird Ln", "Ste 147")
clinic("oldheights", "Heights Massage Collective", "heightsmassage.example", "Houston", "77008", "345 W 19th St", "Ste B")
clinic("oldkendall", "Kendall Massage Center", "kendallmassage.example", "Miami", "33176", "12520 Kendall Dr", "Ste 9")
clinic("olddowntown_orl", "Downtown Orlando Massage", "dtorlandomassage.example", "Orlando", "32803", "1800 E Colonial Dr", "")
clinic("oldmontrose", "Montrose Bodywork Studio", "montrosebodywork.example", "Houston", "77006", "1901 Montrose Blvd", "")

# ===============================================================================================
# True-match variants. Each comment says what the linker must survive.
# ===============================================================================================

# --- nicknames --------------------------------------------------------------------------------
person(
    "Jennifer",
    "Marie",
    "Alvarado",
    sex="F",
    state="TX",
    metro="Austin",
    clinic_key="barton",
    nick="Jenny",
    tags=["nickname:Jenny/Jennifer"],
    apps=[tx(), nppes(lic="exact"), site(name="Jenny Alvarado, LMT", lic="exact"), roster(name="Jennifer M. Alvarado")],
)
person(
    "Robert",
    "James",
    "Kowalczyk",
    sex="M",
    state="TX",
    metro="Dallas",
    nick="Bob",
    tags=["nickname:Bob/Robert", "site_without_license"],
    apps=[tx(), nppes(lic="noprefix"), site(name="Bob Kowalczyk, LMT", lic=None, phone="cell")],
)
person(
    "William",
    "Earl",
    "Pruitt",
    sex="M",
    state="TX",
    metro="Fort Worth",
    nick="Bill",
    tags=["nickname:Bill/William", "last_first_roster"],
    apps=[tx(), nppes(lic="stripzeros"), site(name="Bill Pruitt LMT", lic="exact"), roster(name="Pruitt, Bill")],
)
person(
    "Jesús",
    "Alberto",
    "Ramírez",
    sex="M",
    state="TX",
    metro="San Antonio",
    clinic_key="alamo",
    nick="Chuy",
    tags=["nickname:Chuy/Jesús", "accents"],
    apps=[
        tx(full_name="RAMIREZ, JESUS ALBERTO"),
        nppes(),
        site(name='Jesús "Chuy" Ramírez, LMT', lic="exact"),
        roster(name="Chuy Ramirez"),
    ],
)
person(
    "Guadalupe",
    "",
    "Ortiz",
    sex="F",
    state="TX",
    metro="El Paso",
    nick="Lupe",
    tags=["nickname:Lupe/Guadalupe"],
    apps=[tx(), nppes(lic="lower"), site(name="Lupe Ortiz, LMT", lic=None)],
)
person(
    "María",
    "Guadalupe",
    "Saldaña",
    sex="F",
    state="TX",
    metro="Houston",
    nick="Lupe",
    tags=["nickname:Lupe/Guadalupe", "goes_by_middle_name", "accents"],
    notes="legal first name María; publishes as Lupe (her middle name Guadalupe)",
    apps=[
        tx(full_name="SALDAÑA, MARIA GUADALUPE"),
        nppes(),
        site(name="Lupe Saldaña, LMT, BCTMB", lic="space"),
        roster(name="M. Guadalupe Saldana"),
    ],
)
person(
    "John",
    "Michael",
    "Sutton",
    sex="M",
    state="TX",
    metro="Austin",
    nick="Mike",
    tags=["goes_by_middle_name", "nickname:Mike/Michael"],
    notes="legal first name John; goes by his middle name Michael / Mike",
    apps=[tx(), nppes(), site(name="J. Michael Sutton, LMT", lic="exact"), roster(name="Mike Sutton")],
)
person(
    "Elizabeth",
    "Anne",
    "Harrow",
    sex="F",
    state="FL",
    metro="Tampa",
    nick="Liz",
    tags=["nickname:Liz/Elizabeth"],
    apps=[fl(), nppes(), site(name="Liz Harrow, LMT", lic="exact"), roster(name="Elizabeth A. Harrow")],
)
person(
    "Katherine",
    "Louise",
    "Sorensen",
    sex="F",
    state="FL",
    metro="Orlando",
    clinic_key="lakeeola",
    nick="Kate",
    tags=["nickname:Kate/Katherine", "roster_nickname"],
    apps=[fl(), nppes(lic="space"), site(name="Kate Sorensen, LMT, BCTMB", lic="exact"), roster(name="Kate Sorensen")],
)
person(
    "Michael",
    "Angel",
    "Delgado",
    sex="M",
    state="FL",
    metro="Miami",
    clinic_key="coralway",
    nick="Mike",
    tags=["nickname:Mike/Michael", "roster_nickname", "site_without_license"],
    apps=[fl(), nppes(), site(name="Mike Delgado", lic=None), roster(name="Mike Delgado")],
)
person(
    "Elizabeth",
    "Caroline",
    "Moreau",
    sex="F",
    state="FL",
    metro="Jacksonville",
    clinic_key="riverside",
    nick="Liz",
    tags=["nickname:Liz/Elizabeth"],
    apps=[fl(), nppes(lic="stripzeros"), site(name="Liz Moreau, LMT", lic=None)],
)
person(
    "William",
    "Chadwick",
    "Greer",
    sex="M",
    state="FL",
    metro="Saint Petersburg",
    nick="Bill",
    tags=["nickname:Bill/William", "city_spelling"],
    apps=[fl(), site(name="Bill Greer, LMT", lic="exact"), roster(name="William Greer", city="St. Petersburg")],
)
person(
    "Katherine",
    "Anne",
    "Oduya",
    sex="F",
    state="TX",
    metro="Houston",
    clinic_key="gulfcoast",
    nick="Katie",
    tags=["nickname:Kate/Katherine"],
    apps=[tx(), nppes(), site(name="Katie Oduya, LMT", lic="exact")],
)
person(
    "Robert",
    "Luis",
    "Castillo",
    sex="M",
    state="FL",
    metro="Miami",
    nick="Bobby",
    tags=["nickname:Bob/Robert"],
    apps=[fl(), nppes(lic="lower"), site(name="Bobby Castillo, LMT", lic=None), roster(name="Robert L. Castillo")],
)
person(
    "Jennifer",
    "Lynn",
    "Hollis",
    sex="F",
    state="FL",
    metro="Orlando",
    nick="Jenny",
    tags=["nickname:Jenny/Jennifer", "typo"],
    notes="the FL board misspells her first name JENIFER",
    apps=[fl(first="JENIFER"), nppes(), site(name="Jenny Hollis, LMT", lic="exact")],
)
person(
    "Francisco",
    "Javier",
    "Morales",
    sex="M",
    state="TX",
    metro="Houston",
    nick="Paco",
    tags=["nickname_not_in_common_tables:Paco/Francisco"],
    apps=[tx(), nppes(), site(name="Paco Morales, LMT", lic="exact")],
)
person(
    "Alberto",
    "",
    "Cantú",
    sex="M",
    state="TX",
    metro="El Paso",
    nick="Beto",
    tags=["nickname_not_in_common_tables:Beto/Alberto", "accents"],
    apps=[tx(full_name="CANTU, ALBERTO"), nppes(), site(name="Beto Cantú", lic="stripzeros")],
)
person(
    "William",
    "Thomas",
    "Okafor",
    sex="M",
    state="TX",
    metro="Dallas",
    clinic_key="uptown",
    nick="Bill",
    tags=["nickname:Bill/William", "roster_nickname"],
    apps=[tx(), site(name="Bill Okafor, LMT", lic="exact"), roster(name="Bill Okafor")],
)
person(
    "Guadalupe",
    "Inés",
    "Villanueva",
    sex="F",
    state="FL",
    metro="Hialeah",
    nick="Lupe",
    tags=["nickname:Lupe/Guadalupe", "roster_nickname", "accents"],
    apps=[fl(), nppes(), roster(name="Lupe Villanueva", city="Hialeah")],
)
person(
    "Jesús",
    "Manuel",
    "Garza",
    sex="M",
    state="TX",
    metro="San Antonio",
    nick="Chuy",
    tags=["nickname:Chuy/Jesús", "accents"],
    apps=[tx(full_name="GARZA, JESUS MANUEL"), nppes(), site(name="Chuy Garza, LMT", lic=None)],
)

# --- particles, apostrophes, hyphens, joined surnames, accents --------------------------------
person(
    "Maria",
    "Elena",
    "de la Cruz",
    sex="F",
    state="TX",
    metro="Houston",
    tags=["particle:de la Cruz", "joined_surname", "accents"],
    apps=[
        tx(full_name="DE LA CRUZ, MARIA ELENA"),
        nppes(last="DE LA CRUZ"),
        site(name="María Elena de la Cruz, LMT", lic="exact"),
        roster(name="Maria Delacruz"),
    ],
)
person(
    "Shannon",
    "Leigh",
    "O'Neil",
    sex="F",
    state="TX",
    metro="Austin",
    clinic_key="barton",
    tags=["particle:O'Neil", "apostrophe_dropped"],
    apps=[
        tx(full_name="ONEIL, SHANNON LEIGH"),
        nppes(last="O'NEIL"),
        site(name="Shannon O'Neil, LMT", lic="exact"),
        roster(name="Shannon O Neil"),
    ],
)
person(
    "José",
    "Luis",
    "Peña",
    sex="M",
    state="TX",
    metro="San Antonio",
    tags=["accents"],
    apps=[tx(full_name="PENA, JOSE LUIS"), nppes(middle="L"), site(name="José Luis Peña, LMT", lic="noprefix")],
)
person(
    "Daniel",
    "Patrick",
    "McAllister",
    sex="M",
    state="FL",
    metro="Tampa",
    nick="Dan",
    tags=["particle:McAllister", "nickname:Dan/Daniel"],
    apps=[fl(), nppes(last="MC ALLISTER"), site(name="Dan McAllister, LMT", lic="exact"), roster(name="Daniel Mc Allister")],
)
person(
    "Pieter",
    "",
    "Van der Berg",
    sex="M",
    state="FL",
    metro="Jacksonville",
    tags=["particle:Van der Berg", "joined_surname"],
    apps=[fl(last="VAN DER BERG"), nppes(last="VANDERBERG"), site(name="Pieter van der Berg, LMT", lic="exact")],
)
person(
    "Sofía",
    "Isabel",
    "Muñoz",
    sex="F",
    state="FL",
    metro="Miami",
    tags=["accents"],
    apps=[fl(first="SOFIA", last="MUNOZ"), nppes(), site(name="Sofía Muñoz, LMT", lic="exact"), roster(name="Sofia Munoz")],
)
person(
    "Hannah",
    "Grace",
    "Pierce-Whitman",
    sex="F",
    state="TX",
    metro="Austin",
    tags=["hyphen:space", "hyphen:joined"],
    apps=[tx(full_name="PIERCE WHITMAN, HANNAH GRACE"), nppes(last="PIERCEWHITMAN"), site(name="Hannah Pierce-Whitman, LMT", lic="exact")],
)
person(
    "Ana",
    "Lucía",
    "Garza-Villarreal",
    sex="F",
    state="TX",
    metro="San Antonio",
    tags=["hyphen:space", "second_surname_dropped", "accents", "no_npi"],
    apps=[tx(full_name="GARZA VILLARREAL, ANA LUCIA"), site(name="Ana Lucía Garza, LMT", lic="exact"), roster(name="Ana Garza-Villarreal")],
)
person(
    "Mei-Ling",
    "",
    "Chen",
    sex="F",
    state="FL",
    metro="Orlando",
    clinic_key="lakeeola",
    tags=["hyphenated_first_name"],
    apps=[fl(first="MEI LING"), nppes(first="MEILING"), site(name="Mei-Ling Chen, LMT", lic=None)],
)
person(
    "Ana",
    "Sofía",
    "Ramírez Treviño",
    sex="F",
    state="TX",
    metro="Houston",
    tags=["second_surname_dropped", "accents"],
    notes="two surnames; the board keeps both, NPPES joins them with a hyphen, her site uses the first one",
    apps=[tx(full_name="RAMIREZ TREVIÑO, ANA SOFIA"), nppes(last="RAMIREZ-TREVINO"), site(name="Ana Sofía Ramírez, LMT", lic="exact")],
)
person(
    "Renée",
    "Claire",
    "Fontenot",
    sex="F",
    state="TX",
    metro="Houston",
    clinic_key="gulfcoast",
    tags=["accents", "case"],
    apps=[tx(), nppes(), site(name="Renée Fontenot LMT", lic="lower"), roster(name="RENEE FONTENOT")],
)
person(
    "Inés",
    "",
    "Gómez-Duarte",
    sex="F",
    state="FL",
    metro="Miami",
    tags=["accents", "hyphen:space", "hyphen:joined"],
    apps=[fl(first="INES", last="GOMEZ DUARTE"), nppes(first="INES", last="GOMEZDUARTE"), site(name="Inés Gómez-Duarte", lic="exact")],
)
person(
    "Sean",
    "Patrick",
    "DiNardo",
    sex="M",
    state="FL",
    metro="Fort Lauderdale",
    tags=["particle:Di Nardo"],
    apps=[fl(), nppes(last="DI NARDO"), roster(name="Sean P. Dinardo")],
)
person(
    "Zoë",
    "",
    "Lindqvist-Hale",
    sex="F",
    state="TX",
    metro="Austin",
    tags=["accents", "hyphen:space"],
    apps=[tx(full_name="LINDQVIST HALE, ZOE"), site(name="Zoë Lindqvist-Hale, LMT", lic="exact")],
)

# --- suffixes ---------------------------------------------------------------------------------
person(
    "Darnell",
    "",
    "Hayes",
    suffix="Jr.",
    sex="M",
    state="TX",
    metro="Houston",
    clinic_key="gulfcoast",
    tags=["suffix:Jr."],
    apps=[
        tx(full_name="HAYES, DARNELL JR"),
        nppes(name_suffix="Jr."),
        site(name="Darnell Hayes Jr., LMT", lic="exact"),
        roster(name="Darnell Hayes"),
    ],
)
person(
    "Marcus",
    "Dwayne",
    "Whitley",
    suffix="III",
    sex="M",
    state="TX",
    metro="Dallas",
    tags=["suffix:III"],
    apps=[tx(full_name="WHITLEY III, MARCUS DWAYNE"), nppes(name_suffix="III"), site(name="Marcus Whitley III", lic="prefix_stripzeros")],
)
person(
    "Luis",
    "Miguel",
    "Ortega",
    suffix="Jr.",
    sex="M",
    state="FL",
    metro="Miami",
    tags=["suffix:Jr."],
    apps=[fl(), nppes(name_suffix="Jr."), site(name="Luis Ortega Jr., LMT", lic="exact"), roster(name="Luis M. Ortega Jr.")],
)
person(
    "Calvin",
    "Ray",
    "Brooks",
    suffix="III",
    sex="M",
    state="FL",
    metro="Jacksonville",
    clinic_key="riverside",
    tags=["suffix:III"],
    apps=[fl(last="BROOKS III"), nppes(name_suffix="III"), site(name="Calvin Brooks, LMT", lic="exact")],
)

# --- typos (one letter) -----------------------------------------------------------------------
person(
    "Veronica",
    "Lucia",
    "Rodríguez",
    sex="F",
    state="TX",
    metro="Houston",
    tags=["typo", "accents"],
    notes="the roster misspells Rodriguez as Rodriquez",
    apps=[tx(full_name="RODRIGUEZ, VERONICA LUCIA"), nppes(), roster(name="Veronica Rodriquez")],
)
person(
    "Michael",
    "Anthony",
    "Brennan",
    sex="M",
    state="TX",
    metro="Austin",
    nick="Mike",
    tags=["typo", "nickname:Mike/Michael"],
    notes="NPPES has MICHEAL",
    apps=[tx(), nppes(first="MICHEAL"), site(name="Mike Brennan, LMT", lic="exact")],
)
person(
    "Ricardo",
    "",
    "Gonzalez",
    sex="M",
    state="TX",
    metro="El Paso",
    tags=["typo"],
    notes="his own site spells it Gonzales",
    apps=[tx(), nppes(), site(name="Ricardo Gonzales, LMT", lic="exact")],
)
person(
    "Stephanie",
    "Marie",
    "Kowalski",
    sex="F",
    state="FL",
    metro="Tampa",
    tags=["typo"],
    notes="the roster drops a letter: Kowalsk",
    apps=[fl(), nppes(), roster(name="Stephanie Kowalsk")],
)
person(
    "Brandon",
    "Lee",
    "Thibodeaux",
    sex="M",
    state="TX",
    metro="Houston",
    tags=["typo"],
    notes="the board transposes two letters: THIBODAEUX",
    apps=[tx(full_name="THIBODAEUX, BRANDON LEE"), nppes(), site(name="Brandon Thibodeaux, LMT", lic="exact")],
)
person(
    "Catherine",
    "Rose",
    "Pellegrino",
    sex="F",
    state="FL",
    metro="Fort Lauderdale",
    nick="Cathy",
    tags=["typo", "first_name_spelling"],
    notes="her site says Katherine (K) in the page; board and NPPES say CATHERINE",
    apps=[fl(), nppes(), site(name="Katherine Pellegrino, LMT", lic="exact")],
)

# --- maiden / married names -------------------------------------------------------------------
person(
    "Courtney",
    "Ann",
    "Landry",
    sex="F",
    state="TX",
    metro="Houston",
    former_last="Fontaine",
    tags=["maiden_married"],
    notes="married 2023; the board and the roster still have her maiden name Fontaine; NPPES lists it under other_names",
    apps=[
        tx(full_name="FONTAINE, COURTNEY ANN"),
        nppes(other_names=["FONTAINE"]),
        site(name="Courtney Landry, LMT", lic="exact"),
        roster(name="Courtney A. Fontaine"),
    ],
)
person(
    "Rachel",
    "Ann",
    "Stein-Parker",
    sex="F",
    state="TX",
    metro="Dallas",
    former_last="Stein",
    tags=["maiden_married", "hyphen:space"],
    notes="board has the maiden name STEIN; site uses only the married name Parker",
    apps=[
        tx(full_name="STEIN, RACHEL ANN"),
        nppes(last="STEIN-PARKER"),
        site(name="Rachel Parker, LMT", lic="exact"),
        roster(name="Rachel Stein Parker"),
    ],
)
person(
    "Amanda",
    "Kay",
    "Okonjo",
    sex="F",
    state="TX",
    metro="Fort Worth",
    former_last="Price",
    tags=["maiden_married", "site_without_license"],
    notes="board updated to Okonjo; NPPES and the roster were never updated (Price); same licence number in NPPES",
    apps=[tx(), nppes(last="PRICE"), site(name="Amanda Okonjo, LMT", lic=None, phone="cell"), roster(name="Amanda Price")],
)
person(
    "Ashley",
    "Thu",
    "Nguyen",
    sex="F",
    state="FL",
    metro="Orlando",
    former_last="Tran",
    tags=["maiden_married"],
    notes="NPPES never updated (TRAN, no other_names); the roster has Tran; board and site have Nguyen",
    apps=[fl(), nppes(last="TRAN", lic="space"), site(name="Ashley Nguyen, LMT", lic="exact"), roster(name="Ashley T. Tran")],
)
person(
    "Ellen",
    "Margaret",
    "Gutierrez",
    sex="F",
    state="FL",
    metro="Tampa",
    former_last="Marsh",
    tags=["maiden_married"],
    notes="roster has the maiden name Marsh; NPPES other_names links it",
    apps=[fl(), nppes(other_names=["MARSH"]), roster(name="Ellen Marsh")],
)

# --- moved practices / home vs practice / two states ------------------------------------------
person(
    "Nathan",
    "Cole",
    "Brewer",
    sex="M",
    state="FL",
    metro="Tampa",
    nick="Nate",
    lic={"TX": new_license("TX"), "FL": new_license("FL")},
    old_clinic="oldheights",
    tags=["two_state_licensee", "moved_practice", "nickname:Nate/Nathan"],
    notes="moved Houston → Tampa in 2024; TX licence expired with his old Houston practice on it; NPPES lists both licences and a stale Houston mailing address",
    apps=[
        tx(place="old", expires="06302025", phone="old"),
        fl(),
        nppes(lic_states=["FL", "TX"], mail="old", lic="exact"),
        site(name="Nate Brewer, LMT", lic="exact"),
    ],
)
person(
    "Yesenia",
    "",
    "Paredes",
    sex="F",
    state="TX",
    metro="Austin",
    lic={"FL": new_license("FL"), "TX": new_license("TX")},
    old_clinic="oldkendall",
    tags=["two_state_licensee", "moved_practice", "out_of_state_mailing"],
    notes="moved Miami → Austin; her FL licence is delinquent and its mailing address is her Austin home",
    apps=[
        fl(status="DELINQUENT", expires="08/31/2025"),
        tx(),
        nppes(lic_states=["TX", "FL"], lic="exact"),
        site(name="Yesenia Paredes, LMT", lic="exact"),
        site(name="Yesenia Paredes", lic=None, which="old"),
    ],
)
person(
    "Tamara",
    "Jo",
    "Whitfield",
    sex="F",
    state="TX",
    metro="Austin",
    old_clinic="oldlakewood",
    tags=["moved_practice", "same_source_duplicate"],
    notes="moved Dallas → Austin in 2025; NPPES location and an old team page still show the Dallas studio",
    apps=[
        tx(),
        nppes(loc="old"),
        site(name="Tamara Whitfield, LMT", lic="exact"),
        site(name="Tamara J. Whitfield, LMT", lic="exact", which="old"),
    ],
)
person(
    "Brandon",
    "Scott",
    "Oakes",
    sex="M",
    state="FL",
    metro="Winter Park",
    old_clinic="olddowntown_orl",
    tags=["moved_practice"],
    apps=[fl(), nppes(loc="old"), site(name="Brandon Oakes, LMT", lic=None), roster(name="Brandon S. Oakes", city="Orlando")],
)
person(
    "Kevin",
    "Minh",
    "Duong",
    sex="M",
    state="TX",
    metro="Sugar Land",
    old_clinic="oldmontrose",
    tags=["moved_practice"],
    apps=[tx(), nppes(loc="old", lic="lower"), roster(name="Kevin Duong", city="Houston")],
)
person(
    "Olivia",
    "Grace",
    "Hartman",
    sex="F",
    state="FL",
    metro="Miami",
    old_clinic="oldkendall",
    tags=["moved_practice", "same_source_duplicate", "different_phone"],
    notes="left Kendall Massage Center for her own studio; the old team page (clinic phone) is still up",
    apps=[
        fl(),
        nppes(),
        site(name="Olivia Hartman, LMT", lic="exact", phone="cell"),
        site(name="Olivia G. Hartman", lic="exact", which="old"),
    ],
)
person(
    "Desmond",
    "",
    "Achterberg",
    sex="M",
    state="TX",
    metro="Houston",
    old_clinic="oldheights",
    tags=["moved_practice", "no_npi", "site_without_license"],
    apps=[tx(), site(name="Desmond Achterberg", lic=None, which="old"), roster(name="Desmond Achterberg", city="Pearland")],
)

# ===============================================================================================
# Traps: different people who must NOT be linked.
# ===============================================================================================
TRAPS: list[dict[str, Any]] = []


def trap(kind: str, people: list[Person], note: str) -> None:
    TRAPS.append({"kind": kind, "person_ids": [p.pid for p in people], "note": note})


# --- same common name, same state -------------------------------------------------------------
a = person(
    "Maria",
    "Elena",
    "Garcia",
    sex="F",
    state="TX",
    metro="Houston",
    solo_zip="77057",
    tags=["site_without_license"],
    apps=[tx(), nppes(), site(name="Maria Garcia, LMT", lic=None), roster(name="Maria E. Garcia")],
)
b = person(
    "Maria",
    "Isabel",
    "Garcia",
    sex="F",
    state="TX",
    metro="Houston",
    solo_zip="77008",
    apps=[tx(), nppes(middle="I"), roster(name="Maria Garcia")],
)
c = person(
    "María",
    "",
    "García",
    sex="F",
    state="TX",
    metro="Dallas",
    tags=["accents", "no_npi"],
    apps=[tx(full_name="GARCIA, MARIA"), site(name="María García, LMT", lic="exact")],
)
trap("same_name_same_state", [a, b], "two Maria Garcias practising in Houston: different licences, NPIs, addresses")
trap("same_name_same_state", [a, c], "Maria Garcia (Houston) vs María García (Dallas)")
trap("same_name_same_state", [b, c], "Maria Garcia (Houston) vs María García (Dallas)")
a = person(
    "José",
    "Antonio",
    "Hernández",
    sex="M",
    state="TX",
    metro="San Antonio",
    clinic_key="alamo",
    tags=["accents"],
    apps=[tx(full_name="HERNANDEZ, JOSE ANTONIO"), nppes(), site(name="José Hernández, LMT", lic="exact")],
)
b = person("Jose", "Luis", "Hernandez", sex="M", state="TX", metro="San Antonio", apps=[tx(), nppes(), roster(name="Jose L. Hernandez")])
trap("same_name_same_state", [a, b], "two Jose Hernandez in San Antonio")
a = person(
    "Michael",
    "Wayne",
    "Johnson",
    sex="M",
    state="TX",
    metro="Dallas",
    nick="Mike",
    tags=["nickname:Mike/Michael"],
    apps=[tx(), nppes(), site(name="Mike Johnson, LMT", lic="exact")],
)
b = person("Michael", "Dean", "Johnson", sex="M", state="TX", metro="Fort Worth", apps=[tx(), nppes(), roster(name="Michael D. Johnson")])
trap("same_name_same_state", [a, b], "Michael Johnson (Dallas) vs Michael Johnson (Fort Worth)")
a = person(
    "Jennifer",
    "Ann",
    "Smith",
    sex="F",
    state="FL",
    metro="Orlando",
    clinic_key="lakeeola",
    nick="Jenny",
    tags=["nickname:Jenny/Jennifer"],
    apps=[fl(), nppes(), site(name="Jenny Smith, LMT", lic="exact")],
)
b = person("Jennifer", "Lynn", "Smith", sex="F", state="FL", metro="Orlando", apps=[fl(), nppes(), roster(name="Jennifer L. Smith")])
trap("same_name_same_state", [a, b], "two Jennifer Smiths in Orlando (one publishes as Jenny)")
a = person(
    "Ana",
    "María",
    "Rodríguez",
    sex="F",
    state="FL",
    metro="Miami",
    clinic_key="coralway",
    tags=["accents"],
    apps=[fl(first="ANA", middle="MARIA", last="RODRIGUEZ"), nppes(), site(name="Ana Rodríguez, LMT", lic="exact")],
)
b = person(
    "Ana",
    "Beatriz",
    "Rodriguez",
    sex="F",
    state="FL",
    metro="Hialeah",
    apps=[fl(), nppes(), roster(name="Ana B. Rodriguez", city="Hialeah")],
)
trap("same_name_same_state", [a, b], "Ana Rodríguez (Miami) vs Ana Rodriguez (Hialeah)")
a = person(
    "David",
    "Minh",
    "Nguyen",
    sex="M",
    state="TX",
    metro="Houston",
    clinic_key="gulfcoast",
    apps=[tx(), nppes(), site(name="David Nguyen, LMT", lic=None)],
)
b = person("David", "Quoc", "Nguyen", sex="M", state="TX", metro="Houston", apps=[tx(), nppes(), roster(name="David Nguyen")])
trap("same_name_same_state", [a, b], "two David Nguyens in Houston")
a = person(
    "Christopher",
    "James",
    "Lee",
    sex="M",
    state="FL",
    metro="Tampa",
    nick="Chris",
    tags=["nickname:Chris/Christopher"],
    apps=[fl(), nppes(), site(name="Chris Lee, LMT", lic="exact")],
)
b = person(
    "Christopher",
    "Ming",
    "Lee",
    sex="M",
    state="FL",
    metro="Saint Petersburg",
    apps=[fl(), nppes(), roster(name="Chris Lee", city="St. Petersburg")],
)
trap("same_name_same_state", [a, b], "Christopher Lee (Tampa) vs Christopher Lee (St. Petersburg)")
a = person(
    "Ashley",
    "Nicole",
    "Williams",
    sex="F",
    state="TX",
    metro="Austin",
    clinic_key="barton",
    tags=["site_without_license"],
    apps=[tx(), nppes(), site(name="Ashley Williams, LMT", lic=None)],
)
b = person("Ashley", "Renee", "Williams", sex="F", state="TX", metro="Austin", apps=[tx(), nppes(), roster(name="Ashley R. Williams")])
trap("same_name_same_state", [a, b], "two Ashley Williams in Austin")
a = person("Juan", "Carlos", "Martinez", sex="M", state="TX", metro="El Paso", apps=[tx(), nppes()])
b = person(
    "Juan",
    "Manuel",
    "Martínez",
    sex="M",
    state="TX",
    metro="El Paso",
    tags=["accents", "no_npi"],
    apps=[tx(full_name="MARTINEZ, JUAN MANUEL"), site(name="Juan Manuel Martínez, LMT", lic="exact")],
)
trap("same_name_same_state", [a, b], "two Juan Martinez in El Paso")

# --- parent and child with the same name in the same city ------------------------------------
a = person(
    "Robert",
    "Allen",
    "Thompson",
    suffix="Sr.",
    sex="M",
    state="TX",
    metro="Dallas",
    clinic_key="thompson",
    tags=["suffix:Sr."],
    notes="the father; the board row carries no suffix",
    apps=[tx(full_name="THOMPSON, ROBERT ALLEN"), nppes(name_suffix="Sr."), site(name="Robert Thompson Sr., LMT", lic="exact")],
)
b = person(
    "Robert",
    "Allen",
    "Thompson",
    suffix="Jr.",
    sex="M",
    state="TX",
    metro="Dallas",
    clinic_key="thompson",
    nick="Bobby",
    tags=["suffix:Jr.", "nickname:Bob/Robert"],
    notes="the son; same full name as his father, same clinic address and phone",
    apps=[
        tx(full_name="THOMPSON, ROBERT ALLEN JR"),
        nppes(name_suffix="Jr."),
        site(name="Bobby Thompson, LMT", lic="exact", phone="cell"),
        roster(name="Robert Thompson Jr."),
    ],
)
trap("parent_child_same_name", [a, b], "Robert Allen Thompson Sr. and Jr., same Dallas clinic, same clinic phone")
a = person(
    "Luis",
    "Alberto",
    "Ramírez",
    suffix="Sr.",
    sex="M",
    state="FL",
    metro="Miami",
    tags=["accents"],
    apps=[fl(first="LUIS", middle="ALBERTO", last="RAMIREZ"), nppes(name_suffix="Sr.", mail="home")],
)
b = person(
    "Luis",
    "Enrique",
    "Ramírez",
    suffix="Jr.",
    sex="M",
    state="FL",
    metro="Miami",
    home=a.home,
    home_phone=a.cell,
    tags=["accents", "suffix:Jr."],
    notes="lives with his father: same FL mailing address and home phone",
    apps=[
        fl(first="LUIS", middle="ENRIQUE", last="RAMIREZ", phone="home"),
        nppes(name_suffix="Jr.", mail="home", mail_phone="home"),
        site(name="Luis Ramírez Jr., LMT", lic="exact"),
    ],
)
trap("parent_child_same_name", [a, b], "Luis Ramírez Sr. and Jr., Miami, same mailing address and home phone")
a = person(
    "Patricia",
    "Ann",
    "Flores",
    sex="F",
    state="TX",
    metro="San Antonio",
    apps=[tx(), nppes(mail="home", mail_phone="home"), roster(name="Patricia A. Flores")],
    home_phone=None,
)
a.home_phone = a.cell
b = person(
    "Patricia",
    "Isabel",
    "Flores",
    sex="F",
    state="TX",
    metro="San Antonio",
    home=a.home,
    home_phone=a.cell,
    nick="Patty",
    tags=["nickname:Patty/Patricia"],
    notes="mother and daughter (no suffix); share the home (NPPES mailing) address and home phone",
    apps=[tx(), nppes(mail="home", mail_phone="home"), site(name="Patty Flores, LMT", lic=None)],
)
trap("parent_child_same_name", [a, b], "Patricia Flores mother and daughter, San Antonio, same home address and phone")
a = person(
    "James",
    "Edward",
    "Whitaker",
    suffix="Jr.",
    sex="M",
    state="FL",
    metro="Tampa",
    apps=[fl(), nppes(name_suffix="Jr."), roster(name="James E. Whitaker Jr.")],
)
b = person(
    "James",
    "Edward",
    "Whitaker",
    suffix="III",
    sex="M",
    state="FL",
    metro="Tampa",
    tags=["suffix:III"],
    notes="son of the Jr.; the FL board has no suffix column, so both rows read WHITAKER, JAMES EDWARD",
    apps=[fl(), nppes(name_suffix="III"), site(name="James Whitaker III, LMT", lic="exact")],
)
trap("parent_child_same_name", [a, b], "James Edward Whitaker Jr. and III, Tampa; identical board names")

# --- twins / relatives sharing an address and a phone ----------------------------------------
a = person(
    "Kayla",
    "Monique",
    "Robinson",
    sex="F",
    state="TX",
    metro="Houston",
    clinic_key="robinson",
    apps=[tx(), nppes(mail="home"), site(name="Kayla Robinson, LMT", lic="exact"), roster(name="Kayla Robinson")],
)
b = person(
    "Kyla",
    "Monet",
    "Robinson",
    sex="F",
    state="TX",
    metro="Houston",
    clinic_key="robinson",
    home=a.home,
    home_phone=a.cell,
    notes="twin of Kayla: same home, same clinic, same clinic phone",
    apps=[tx(), nppes(mail="home", mail_phone="home"), site(name="Kyla Robinson, LMT", lic="exact")],
)
trap(
    "relatives_shared_address_phone", [a, b], "twins Kayla and Kyla Robinson: one-letter first-name difference, same clinic, home and phone"
)
a = person(
    "Daniel",
    "",
    "Kim",
    sex="M",
    state="FL",
    metro="Orlando",
    nick="Dan",
    tags=["nickname:Dan/Daniel"],
    apps=[fl(), nppes(mail="home"), site(name="Dan Kim, LMT", lic="exact")],
)
b = person(
    "Danielle",
    "Joy",
    "Kim",
    sex="F",
    state="FL",
    metro="Orlando",
    home=a.home,
    home_phone=a.cell,
    notes="married to Daniel Kim; same home (board mailing) address and phone",
    apps=[fl(phone="home"), nppes(mail="home", mail_phone="home"), roster(name="Danielle Kim")],
)
trap("relatives_shared_address_phone", [a, b], "spouses Daniel and Danielle Kim, Orlando, same mailing address and phone")
a = person(
    "Gabriel",
    "",
    "Santos",
    sex="M",
    state="FL",
    metro="Miami",
    clinic_key="coralway",
    apps=[fl(), nppes(mail="home"), site(name="Gabriel Santos, LMT", lic="exact")],
)
b = person(
    "Gabriela",
    "",
    "Santos",
    sex="F",
    state="FL",
    metro="Miami",
    home=a.home,
    home_phone=a.cell,
    nick="Gabby",
    tags=["nickname:Gabby/Gabriela"],
    notes="Gabriel's sister; same mailing address and phone",
    apps=[fl(phone="home"), nppes(mail="home", mail_phone="home"), site(name="Gabby Santos", lic=None, phone="cell")],
)
trap("relatives_shared_address_phone", [a, b], "siblings Gabriel and Gabriela Santos, Miami, same mailing address and phone")
a = person(
    "Marco",
    "Antonio",
    "Bianchi",
    sex="M",
    state="FL",
    metro="Tampa",
    clinic_key="bianchi",
    apps=[fl(), nppes(mail="home"), site(name="Marco Bianchi, LMT", lic="exact"), roster(name="Marco A. Bianchi")],
)
b = person(
    "Mario",
    "Alessandro",
    "Bianchi",
    sex="M",
    state="FL",
    metro="Tampa",
    clinic_key="bianchi",
    home=a.home,
    home_phone=a.cell,
    notes="Marco's twin: one-letter first-name difference, same clinic, same home",
    apps=[fl(phone="home"), nppes(mail="home", mail_phone="home"), site(name="Mario Bianchi, LMT", lic=None)],
)
trap("relatives_shared_address_phone", [a, b], "twins Marco and Mario Bianchi, Tampa")

# --- more colleagues at shared clinics (together with people above) ---------------------------
person(
    "Linh",
    "",
    "Nguyen",
    sex="F",
    state="TX",
    metro="Houston",
    clinic_key="gulfcoast",
    apps=[tx(), nppes(), site(name="Linh Nguyen, LMT", lic="exact")],
)
person(
    "Samuel",
    "Chidi",
    "Okoro",
    sex="M",
    state="TX",
    metro="Houston",
    clinic_key="gulfcoast",
    apps=[tx(), nppes(lic="blank"), site(name="Samuel Okoro, LMT", lic=None)],
)
person(
    "Yesenia",
    "",
    "Cruz",
    sex="F",
    state="FL",
    metro="Miami",
    clinic_key="coralway",
    apps=[fl(), nppes(), site(name="Yesenia Cruz, LMT", lic="exact")],
)
person(
    "Ming",
    "",
    "Chen",
    sex="F",
    state="FL",
    metro="Orlando",
    clinic_key="lakeeola",
    notes="not related to Mei-Ling Chen; same clinic",
    apps=[fl(), nppes(), site(name="Ming Chen, LMT", lic="exact")],
)
person(
    "Marisol",
    "",
    "Alvarado",
    sex="F",
    state="TX",
    metro="Austin",
    clinic_key="barton",
    notes="not related to Jennifer Alvarado; same clinic",
    apps=[tx(), nppes(), site(name="Marisol Alvarado, LMT", lic=None)],
)
person(
    "Teresa",
    "Lynn",
    "Thompson",
    sex="F",
    state="TX",
    metro="Dallas",
    clinic_key="thompson",
    apps=[tx(), site(name="Teresa Thompson, LMT", lic="exact")],
    npi=False,
    tags=["no_npi"],
)
person(
    "Victor",
    "Hugo",
    "Salinas",
    sex="M",
    state="TX",
    metro="San Antonio",
    clinic_key="alamo",
    apps=[tx(), nppes(), site(name="Victor Salinas, LMT", lic=None)],
)
person(
    "Derrick",
    "Lamar",
    "Washington",
    sex="M",
    state="TX",
    metro="Dallas",
    clinic_key="uptown",
    apps=[tx(), nppes(), site(name="Derrick Washington, LMT", lic="exact")],
)
person(
    "Hunter",
    "Blake",
    "Sutherland",
    sex="M",
    state="FL",
    metro="Jacksonville",
    clinic_key="riverside",
    apps=[fl(), nppes(), site(name="Hunter Sutherland, LMT", lic="exact"), roster(name="Hunter B. Sutherland")],
)

# ===============================================================================================
# Ordinary people (default renderings), including single-source ones.
# ===============================================================================================
ORDINARY = [
    ("Trevor", "Scott", "Langford", "M", "TX", "Houston"),
    ("Naomi", "Ruth", "Abernathy", "F", "TX", "Austin"),
    ("Crystal", "Dawn", "Pickett", "F", "TX", "Dallas"),
    ("Omar", "Faruq", "Haddad", "M", "TX", "Houston"),
    ("Whitney", "Lane", "Caldwell", "F", "TX", "Fort Worth"),
    ("Hector", "Ivan", "Benavides", "M", "TX", "El Paso"),
    ("Priya", "Anand", "Subramanian", "F", "TX", "Dallas"),
    ("Dustin", "Ray", "Hollister", "M", "TX", "Austin"),
    ("Imani", "Joy", "Okonkwo", "F", "TX", "Sugar Land"),
    ("Gretchen", "Marie", "Vogel", "F", "TX", "Austin"),
    ("Esteban", "", "Ruiz", "M", "TX", "San Antonio"),
    ("Tiana", "Marie", "Boudreaux", "F", "TX", "Houston"),
    ("Colby", "James", "Wheeler", "M", "TX", "Dallas"),
    ("Adriana", "Sofia", "Castaneda", "F", "TX", "El Paso"),
    ("Lorenzo", "", "Pacheco", "M", "FL", "Miami"),
    ("Brittany", "Nicole", "Fairbanks", "F", "FL", "Orlando"),
    ("Jean-Claude", "", "Thermidor", "M", "FL", "Miami"),
    ("Melissa", "Ann", "Drummond", "F", "FL", "Tampa"),
    ("Yolanda", "Marie", "Pierre", "F", "FL", "Fort Lauderdale"),
    ("Tatiana", "", "Volkova", "F", "FL", "Saint Petersburg"),
    ("Rosa", "Elvira", "Quintero", "F", "FL", "Hialeah"),
    ("Caleb", "Andrew", "Moss", "M", "FL", "Orlando"),
    ("Dana", "Michelle", "Whitcomb", "F", "FL", "Tampa"),
    ("Luz", "Marina", "Ocampo", "F", "FL", "Miami"),
    ("Derek", "", "Ho", "M", "FL", "Jacksonville"),
    ("Simone", "Adele", "Charles", "F", "FL", "Fort Lauderdale"),
    ("Abigail", "Rose", "Fenwick", "F", "TX", "Houston"),
    ("Travis", "Wade", "Kimbrough", "M", "FL", "Jacksonville"),
]
FORCED = {
    "Esteban": ["nppes"],
    "Tatiana": ["roster"],
    "Derek": ["sites"],
    "Naomi": ["tx_board"],
    "Luz": ["fl_board"],
    "Colby": ["tx_board"],
    "Simone": ["fl_board"],
    "Dustin": ["tx_board", "nppes"],
    "Rosa": ["fl_board", "nppes"],
}
for first, middle, last, sex, state, metro in ORDINARY:
    board = "tx_board" if state == "TX" else "fl_board"
    kinds = FORCED.get(first)
    if kinds is None:
        kinds = [board]
        if rng.random() < 0.8:
            kinds.append("nppes")
        if rng.random() < 0.35:
            kinds.append("sites")
        if rng.random() < 0.35:
            kinds.append("roster")
        if len(kinds) == 1:
            kinds.append("nppes")
    apps: list[tuple[str, dict[str, Any]]] = [(k, {}) for k in kinds]
    tags = ["single_source"] if len(kinds) == 1 else []
    if "nppes" not in kinds:
        tags.append("no_npi")
    person(first, middle, last, sex=sex, state=state, metro=metro, apps=apps, tags=tags)

# Colleague traps for every shared clinic (everyone who practises there).
_by_clinic: dict[str, list[Person]] = defaultdict(list)
for _p in PEOPLE:
    _by_clinic[_p.clinic].append(_p)
    if _p.old_clinic:
        _by_clinic[_p.old_clinic].append(_p)  # old team pages still show the old clinic's phone and address
for _key, _staff in _by_clinic.items():
    if len(_staff) > 1:
        TRAPS.append(
            {
                "kind": "colleagues_shared_clinic_phone_address",
                "person_ids": [p.pid for p in _staff],
                "note": f"{CLINICS[_key].name}: staff share the clinic's address and main phone",
            }
        )
for _p in PEOPLE:
    if "no_npi" not in _p.tags and _p.npi is None:
        _p.tags.append("no_npi")


# ===============================================================================================
# Rendering each appearance as a raw record.
# ===============================================================================================

CREDENTIAL_STRINGS = ["LMT", "LMT", "L.M.T.", "LMT, BCTMB", "", "CMT", "LMT CNMT", "LMT, MLD"]
KNOWS = [
    "Deep tissue massage",
    "Swedish massage",
    "Sports massage",
    "Prenatal massage",
    "Myofascial release",
    "Trigger point therapy",
    "Lymphatic drainage",
    "Neuromuscular therapy",
    "Lower back pain",
    "Sciatica",
    "Tension headaches",
    "Plantar fasciitis",
    "Fibromyalgia",
    "Frozen shoulder",
    "TMJ dysfunction",
    "Cupping",
]


def middle_initial(m: str) -> str:
    return m[0] if m else ""


def pick_middle(p: Person, o: dict[str, Any], default: str) -> str:
    if "middle" in o:
        return o["middle"]
    return {"full": p.middle, "initial": middle_initial(p.middle), "none": ""}[default]


def middle_form(text_middle: str, p: Person) -> str:
    if not p.middle:
        return "no_middle_name"
    t = text_middle.strip(" .")
    if not t:
        return "none"
    if len(t) == 1:
        return "initial"
    return "full"


def suffix_word(s: str) -> str:
    return s.upper().replace(".", "")


def date_between(start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


def end_of_month(d: date) -> date:
    nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def place_of(p: Person, which: str) -> tuple[Place, str]:
    """(place, phone digits) for 'clinic' | 'old' | 'home'."""
    if which == "old":
        c = CLINICS[p.old_clinic]  # type: ignore[index]
        return c.place, c.phone
    if which == "home":
        return p.home, p.home_phone or p.cell
    c = CLINICS[p.clinic]
    return c.place, c.phone


def phone_of(p: Person, which: str, default_place_phone: str) -> str:
    if which == "cell":
        return p.cell
    if which == "home":
        return p.home_phone or p.cell
    if which == "old":
        return CLINICS[p.old_clinic].phone  # type: ignore[index]
    return default_place_phone


def render_nppes(p: Person, o: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    first = up(o.get("first", p.first))
    middle = up(o["middle"]) if "middle" in o else up(p.middle if rng.random() < 0.8 else middle_initial(p.middle))
    last = up(o.get("last", p.last))
    loc_place, loc_phone = place_of(p, o.get("loc", "clinic"))
    mail_which = o.get("mail", "home" if rng.random() < 0.6 else "same")
    if mail_which == "same":
        mail_place, mail_phone = loc_place, loc_phone
    else:
        mail_place = place_of(p, mail_which)[0]
        mail_phone = phone_of(p, o.get("mail_phone", "cell"), loc_phone)
    if "phone" in o:
        loc_phone = phone_of(p, o["phone"], loc_phone)

    def addr(pl: Place, purpose: str, phone: str) -> dict[str, Any]:
        street, unit = pl.street.upper(), pl.unit.upper()
        if unit and rng.random() < 0.5:
            street, unit = f"{street} {unit}", ""
        zip_code = pl.zip + (f"{rng.randint(1000, 9999)}" if rng.random() < 0.7 else "")
        out = {
            "address_1": street,
            "address_2": unit,
            "address_purpose": purpose,
            "address_type": "DOM",
            "city": city_upper(pl.city),
            "country_code": "US",
            "country_name": "United States",
            "postal_code": zip_code,
            "state": pl.state,
            "telephone_number": fmt_phone(phone, "dash"),
        }
        if purpose == "LOCATION":
            out["fax_number"] = ""
        return out

    addresses = [addr(mail_place, "MAILING", mail_phone), addr(loc_place, "LOCATION", loc_phone)]
    if rng.random() < 0.35:
        addresses.reverse()
    lic_states = o.get("lic_states", [p.state])
    style = o.get("lic") or rng.choices(["exact", "lower", "space", "noprefix", "stripzeros", "blank"], [55, 10, 10, 10, 8, 7])[0]
    taxonomies = []
    for i, st in enumerate(lic_states):
        taxonomies.append(
            {
                "code": "225700000X",
                "desc": "Massage Therapist",
                "license": lic_text(p.lic[st], style if i == 0 else "exact"),
                "primary": i == 0,
                "state": st,
                "taxonomy_group": "",
            }
        )
    enumerated = date_between(date(2006, 1, 1), date(2024, 6, 30))
    updated = date_between(enumerated, date(2026, 9, 30))
    other_names = [
        {
            "code": "1",
            "credential": "LMT",
            "first_name": first,
            "last_name": former,
            "middle_name": middle,
            "prefix": "--",
            "suffix": "--",
            "type": "Former Name",
        }
        for former in o.get("other_names", [])
    ]
    epoch = lambda d: str(int((d - date(1970, 1, 1)).total_seconds()) * 1000)  # noqa: E731
    data = {
        "addresses": addresses,
        "basic": {
            "credential": o.get("credential", rng.choice(CREDENTIAL_STRINGS)),
            "enumeration_date": enumerated.isoformat(),
            "first_name": first,
            "last_name": last,
            "last_updated": updated.isoformat(),
            "middle_name": middle or "",
            "name_prefix": "--",
            "name_suffix": o.get("name_suffix", "--"),
            "sex": p.sex,
            "sole_proprietor": "YES" if p.clinic.startswith("solo_") else "NO",
            "status": "A",
        },
        "created_epoch": epoch(enumerated),
        "endpoints": [],
        "enumeration_type": "NPI-1",
        "identifiers": [],
        "last_updated_epoch": epoch(updated),
        "number": p.npi,
        "other_names": other_names,
        "practiceLocations": [],
        "taxonomies": taxonomies,
    }
    if not middle:
        del data["basic"]["middle_name"]
    meta = {
        "name_text": f"{first} {middle} {last}".replace("  ", " "),
        "order": "parts",
        "middle": middle_form(middle, p),
        "upper": True,
        "lic_text": taxonomies[0]["license"],
        "lic_state": lic_states[0],
        "phone_text": fmt_phone(loc_phone, "dash"),
        "phone": loc_phone,
        "zip": loc_place.zip,
        "city": loc_place.city,
        "first_used": first,
        "last_used": last,
    }
    return data, meta


def render_tx(p: Person, o: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    middle = pick_middle(p, o, "full")
    if "full_name" in o:
        full = o["full_name"]
    else:
        full = f"{up(p.last)}, {up(o.get('first', p.first))} {up(middle)}".strip()
        if p.suffix:
            full += f" {suffix_word(p.suffix)}"
    pl, phone = place_of(p, o.get("place", "clinic"))
    phone = phone_of(p, o.get("phone", "place"), phone)
    if "expires" in o:
        expires = o["expires"]
    else:
        exp = end_of_month(
            date_between(date(2026, 12, 1), date(2028, 10, 31))
            if rng.random() < 0.92
            else date_between(date(2024, 1, 1), date(2026, 10, 31))
        )
        expires = exp.strftime("%m%d%Y")
    zip_code = pl.zip if rng.random() < 0.85 else f"{pl.zip}-{rng.randint(1000, 9999)}"
    data = {
        "address": f"{pl.street} {pl.unit}".strip().upper(),
        "city": city_upper(pl.city),
        "expires_on": expires,
        "full_name": full,
        "license_number": p.lic["TX"],
        "license_type": "Massage Therapist",
        "phone": fmt_phone(phone, "paren"),
        "postal_code": zip_code,
        "state": pl.state,
    }
    text_middle = full.split(",", 1)[1].split()[1:] if "," in full else []
    text_middle = [t for t in text_middle if t not in ("JR", "SR", "III", "II")]
    meta = {
        "name_text": full,
        "order": "last_first",
        "middle": middle_form(" ".join(text_middle), p),
        "upper": True,
        "lic_text": p.lic["TX"],
        "lic_state": "TX",
        "phone_text": data["phone"],
        "phone": phone,
        "zip": pl.zip,
        "city": pl.city,
        "first_used": full.split(",", 1)[1].split()[0] if "," in full else "",
        "last_used": full.split(",")[0],
    }
    return data, meta


FL_STATUS_MAP = {
    "ACTIVE": "active",
    "CLEAR": "active",
    "DECEASED": "inactive",
    "DELINQUENT": "expired",
    "EMERG SUSPENS": "suspended",
    "NULL AND VOID": "revoked",
    "PROBATION": "probation",
    "SUSPENDED": "suspended",
    "VOL RELINQ": "inactive",
}


def render_fl(p: Person, o: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    first = o.get("first", up(p.first))
    middle = o["middle"] if "middle" in o else up(p.middle)
    last = o.get("last", up(p.last))
    home, _ = place_of(p, "home")
    phone = phone_of(p, o.get("phone", "cell"), p.cell)
    issued = date_between(date(2004, 1, 1), date(2025, 6, 30))
    status = o.get("status", "CLEAR")
    expires = o.get("expires", "08/31/2027")
    zip_code = home.zip if rng.random() < 0.8 else f"{home.zip}-{rng.randint(1000, 9999)}"
    data = {
        "address": f"{home.street} {home.unit}".strip().upper(),
        "city": city_upper(home.city),
        "expires_on": expires,
        "first_name": first,
        "issued_on": issued.strftime("%m/%d/%Y"),
        "last_name": last,
        "license_number": p.lic["FL"],
        "license_type": "Licensed Massage Therapist",
        "middle_name": middle,
        "phone": fmt_phone(phone, "plain"),
        "postal_code": zip_code,
        "state": home.state,
        "status": status,
    }
    meta = {
        "name_text": f"{first} {middle} {last}".replace("  ", " "),
        "order": "parts",
        "middle": middle_form(middle, p),
        "upper": True,
        "lic_text": p.lic["FL"],
        "lic_state": "FL",
        "phone_text": data["phone"],
        "phone": phone,
        "zip": home.zip,
        "city": home.city,
        "mailing": True,
        "first_used": first,
        "last_used": last,
    }
    return data, meta


_SITE_PAGES: list[tuple[str, dict[str, Any], dict[str, Any]]] = []


def render_site(p: Person, o: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], str]:
    which = o.get("which", "clinic")
    c = CLINICS[p.old_clinic if which == "old" else p.clinic]  # type: ignore[index]
    shown_first = p.nick or p.first
    name = o.get("name") or f"{shown_first} {p.last}{', ' + p.suffix if p.suffix else ''}, LMT"
    phone = phone_of(p, o.get("phone", "place"), c.phone)
    phone_style = rng.choice(["dot", "intl", "dash", "paren", "space", "intl_dot"])
    st = c.place.state
    lic_state = st if st in p.lic else next(iter(p.lic))
    person_ld: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": name,
        "jobTitle": "Licensed Massage Therapist",
        "address": {
            "@type": "PostalAddress",
            "addressLocality": city_title(c.place.city),
            "addressRegion": st,
            "postalCode": c.place.zip,
            "streetAddress": f"{c.place.street}{', ' + c.place.unit.replace('Ste', 'Suite') if c.place.unit else ''}",
        },
        "telephone": fmt_phone(phone, phone_style),
        "email": f"{re.sub(r'[^a-z]', '', fold(shown_first).lower())}@{c.domain}",
        "worksFor": {"@type": c.type, "name": c.name},
        "knowsAbout": rng.sample(KNOWS, rng.randint(2, 5)),
        "knowsLanguage": ["English", "Spanish"] if rng.random() < 0.3 else ["English"],
        "isAcceptingNewPatients": rng.random() < 0.8,
    }
    creds = []
    style = o.get("lic", "exact") if "lic" in o else (rng.choice(["exact", "exact", "space", "stripzeros"]) if rng.random() < 0.7 else None)
    lic_shown = lic_text(p.lic[lic_state], style) if style else None
    if lic_shown:
        board = "Texas Department of Licensing and Regulation" if lic_state == "TX" else "Florida Board of Massage Therapy"
        creds.append(
            {
                "@type": "EducationalOccupationalCredential",
                "credentialCategory": "license",
                "identifier": lic_shown,
                "name": f"{'Texas' if lic_state == 'TX' else 'Florida'} Massage Therapist License",
                "recognizedBy": {"@type": "Organization", "name": board},
            }
        )
    if p.cert and rng.random() < 0.6:
        creds.append(
            {
                "@type": "EducationalOccupationalCredential",
                "credentialCategory": "certification",
                "name": "Board Certified in Therapeutic Massage & Bodywork",
                "recognizedBy": {"@type": "Organization", "name": "NCBTMB"},
            }
        )
    if creds:
        person_ld["hasCredential"] = creds
    if rng.random() < 0.3 and "given" not in o:
        person_ld["givenName"] = name.split()[0].strip('"')
    slug = re.sub(r"[^a-z]+", "-", fold(name.split(",")[0]).lower().replace('"', "")).strip("-")
    slug = re.sub(r"-(lmt|bctmb|cnmt)$", "", slug)
    url = f"https://www.{c.domain}/team/{slug}.html"
    title = f"{name.split(',')[0].replace(' LMT', '')} | {c.name}"
    data = {"jsonld": [person_ld], "microdata": [], "text": None, "title": title}
    nm = name.split(",")[0].replace(" LMT", "")
    toks = nm.replace('"Chuy" ', "").split()
    if toks and toks[-1] in ("Jr.", "Sr.", "III"):
        toks = toks[:-1]
    mid = " ".join(toks[1:-1]) if len(toks) > 2 else ""
    meta = {
        "name_text": nm,
        "order": "first_last",
        "middle": middle_form(mid if p.middle else "", p),
        "upper": False,
        "lic_text": lic_shown,
        "lic_state": lic_state,
        "phone_text": person_ld["telephone"],
        "phone": phone,
        "zip": c.place.zip,
        "city": c.place.city,
        "first_used": toks[0] if toks else "",
        "last_used": toks[-1] if toks else "",
        "mid_text": mid,
        "sfx": next((t for t in nm.split() if t in ("Jr.", "Sr.", "III", "II")), None),
    }
    return data, meta, url


def render_roster(p: Person, o: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    if "name" in o:
        name = o["name"]
    else:
        form = rng.choice(["full", "initial", "none", "none"])
        mid = {"full": p.middle, "initial": f"{middle_initial(p.middle)}." if p.middle else "", "none": ""}[form]
        name = " ".join(x for x in [p.first, mid, p.last] if x)
        if rng.random() < 0.15:
            name = f"{p.last}, {p.first}"
    city = o.get("city") or city_title(CLINICS[p.clinic].place.city if rng.random() < 0.75 else p.home.city)
    expires = date_between(date(2026, 1, 1), date(2029, 6, 30))
    data = {
        "certificate_number": p.cert,
        "certification": "BCTMB",
        "city": city,
        "expires_on": expires.strftime("%m/%d/%Y"),
        "full_name": name,
        "state": p.state,
    }
    if "," in name and not name.endswith((" Jr.", " III")):
        last_part, first_part = [s.strip() for s in name.split(",", 1)]
        toks = first_part.split()
        order, first_used, last_used, mid = "last_first", toks[0], last_part, " ".join(toks[1:])
    else:
        toks = [t for t in name.split() if t not in ("Jr.", "Sr.", "III")]
        order, first_used, last_used = "first_last", toks[0], toks[-1]
        mid = " ".join(toks[1:-1])
        if first_used.endswith(".") and len(first_used) == 2:
            first_used = mid or first_used
    meta = {
        "name_text": name,
        "order": order,
        "middle": middle_form(mid if p.middle else "", p),
        "upper": name.isupper(),
        "lic_text": None,
        "lic_state": None,
        "phone_text": None,
        "phone": None,
        "zip": None,
        "city": city.replace("St. ", "Saint "),
        "first_used": first_used,
        "last_used": last_used,
        "mid_text": mid,
        "sfx": next((t for t in name.split() if t in ("Jr.", "Sr.", "III", "II")), None),
    }
    return data, meta


# Build every record ----------------------------------------------------------------------------

records: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {f: [] for f in FILES}  # (raw record, meta)

for p in PEOPLE:
    for kind, o in p.apps:
        if kind == "nppes":
            data, meta = render_nppes(p, o)
            raw = {"record_type": "nppes_provider", "data": data, "context": {"query_state": p.state}, "source": "nppes", "kind": "nppes"}
            records["nppes.jsonl"].append((raw, {**meta, "pid": p.pid}))
        elif kind == "tx_board":
            data, meta = render_tx(p, o)
            raw = {
                "record_type": "license_row",
                "data": data,
                "source": "tx_board",
                "kind": "license_csv",
                "context": {"address_kind": "practice", "date_format": "%m%d%Y", "state": "TX", "status_map": {}},
            }
            records["tx_board.jsonl"].append((raw, {**meta, "pid": p.pid}))
        elif kind == "fl_board":
            data, meta = render_fl(p, o)
            raw = {
                "record_type": "license_row",
                "data": data,
                "source": "fl_board",
                "kind": "license_csv",
                "context": {"address_kind": "mailing", "date_format": "%m/%d/%Y", "state": "FL", "status_map": FL_STATUS_MAP},
            }
            records["fl_board.jsonl"].append((raw, {**meta, "pid": p.pid}))
        elif kind == "sites":
            data, meta, url = render_site(p, o)
            raw = {"record_type": "profile_page", "data": data, "context": {}, "source": "sites", "kind": "profile_site", "url": url}
            records["sites.jsonl"].append((raw, {**meta, "pid": p.pid}))
        elif kind == "roster":
            data, meta = render_roster(p, o)
            raw = {
                "record_type": "roster_entry",
                "data": data,
                "source": "roster",
                "kind": "cert_roster",
                "context": {"date_format": "%m/%d/%Y", "issuer": "NCBTMB"},
            }
            records["roster.jsonl"].append((raw, {**meta, "pid": p.pid}))
        else:
            raise SystemExit(f"unknown appearance {kind}")


def sha(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def sort_name(meta: dict[str, Any]) -> str:
    return fold(meta["last_used"]).upper() + " " + fold(meta["first_used"]).upper()


# Order each file as its source would publish it, then stamp provenance.
rng.shuffle(records["nppes.jsonl"])
for fname in ("tx_board.jsonl", "fl_board.jsonl"):
    records[fname].sort(key=lambda rm: (sort_name(rm[1]), rm[0]["data"]["license_number"]))
records["roster.jsonl"].sort(key=lambda rm: (sort_name(rm[1]), rm[0]["data"]["certificate_number"]))
records["sites.jsonl"].sort(key=lambda rm: rm[0]["url"])

by_state = defaultdict(list)
for raw, _meta in records["nppes.jsonl"]:
    by_state[raw["context"]["query_state"]].append(raw)
records["nppes.jsonl"].sort(key=lambda rm: rm[0]["context"]["query_state"], reverse=True)  # TX query first, then FL
for st, raws in by_state.items():
    page_sha = sha([r["data"] for r in raws])
    for r in raws:
        r["url"] = f"{BASE}/nppes/api/?version=2.1&taxonomy_description=Massage+Therapist&state={st}&limit=200&skip=0"
        r["fetched_at"], r["content_sha256"] = FETCHED["nppes"], page_sha

for fname, path in (("tx_board.jsonl", "boards/tx_massage_therapists.csv"), ("fl_board.jsonl", "boards/fl_massage_licensees.txt")):
    body_sha = sha([r["data"] for r, _ in records[fname]])
    for row_number, (r, _) in enumerate(records[fname], start=2):
        r["data"]["row_number"] = str(row_number)
        r["url"], r["fetched_at"], r["content_sha256"] = f"{BASE}/{path}", FETCHED[fname.split(".")[0]], body_sha

PAGE = 12
for i in range(0, len(records["roster.jsonl"]), PAGE):
    chunk = records["roster.jsonl"][i : i + PAGE]
    page_sha = sha([r["data"] for r, _ in chunk])
    for pos, (r, _) in enumerate(chunk, start=2):
        r["data"]["row_number"] = str(pos)
        r["url"] = f"{BASE}/rosters/ncbtmb/page-{i // PAGE + 1}.html"
        r["fetched_at"], r["content_sha256"] = FETCHED["roster"], page_sha

_seen_urls: set[str] = set()
for n, (r, _) in enumerate(records["sites.jsonl"]):
    assert r["url"] not in _seen_urls, r["url"]
    _seen_urls.add(r["url"])
    r["fetched_at"] = f"2026-11-20T15:{10 + n // 60:02d}:{n % 60:02d}+00:00"
    r["content_sha256"] = sha(r["data"])

# Write the files --------------------------------------------------------------------------------

truth: list[dict[str, Any]] = []
locations: dict[str, list[tuple[str, int]]] = defaultdict(list)
all_meta: list[dict[str, Any]] = []
for fname in FILES:
    with open(OUT / fname, "w", encoding="utf-8", newline="\n") as fh:
        for line, (raw, meta) in enumerate(records[fname], start=1):
            fh.write(json.dumps(raw, ensure_ascii=False, sort_keys=True) + "\n")
            truth.append({"file": fname, "line": line, "person_id": meta["pid"]})
            locations[meta["pid"]].append((fname, line))
            all_meta.append({**meta, "file": fname, "line": line})
with open(OUT / "truth.jsonl", "w", encoding="utf-8", newline="\n") as fh:
    for t in truth:
        fh.write(json.dumps(t, ensure_ascii=False) + "\n")

# Derived statistics --------------------------------------------------------------------------

meta_by_pid: dict[str, list[dict[str, Any]]] = defaultdict(list)
for m in all_meta:
    meta_by_pid[m["pid"]].append(m)
person_by_id = {p.pid: p for p in PEOPLE}

n_records = len(truth)
per_file = {f: len(records[f]) for f in FILES}
true_pairs = sum(len(v) * (len(v) - 1) // 2 for v in meta_by_pid.values())
sizes = Counter(len(v) for v in meta_by_pid.values())

# Person-level trap pairs (deduplicated across groups) and the record pairs between them.
trap_person_pairs: dict[tuple[str, str], set[str]] = defaultdict(set)
for t in TRAPS:
    for x, y in combinations(sorted(t["person_ids"]), 2):
        trap_person_pairs[(x, y)].add(t["kind"])
trap_record_pairs = sum(len(meta_by_pid[x]) * len(meta_by_pid[y]) for x, y in trap_person_pairs)
trap_kinds = Counter()
trap_kind_records = Counter()
for (x, y), kinds in sorted(trap_person_pairs.items()):
    for k in sorted(kinds):
        trap_kinds[k] += 1
        trap_kind_records[k] += len(meta_by_pid[x]) * len(meta_by_pid[y])


# Record pairs of different people whose names agree on (state, folded surname, first name after nicknames).
def name_key(m: dict[str, Any]) -> tuple[str, str, str]:
    p = person_by_id[m["pid"]]
    return (p.state, first_key(m["first_used"]), last_key(m["last_used"]))


same_name_negatives = 0
for m1, m2 in combinations(all_meta, 2):
    if m1["pid"] != m2["pid"] and name_key(m1) == name_key(m2):
        same_name_negatives += 1

# Records that cannot be told apart from another person's record by their content: no licence
# number or NPI, and the same name key and city as some record of a different person.
ambiguous = []
phones_of = {pid: {m["phone"] for m in ms if m["phone"]} for pid, ms in meta_by_pid.items()}
zips_of = {pid: {m["zip"] for m in ms if m["zip"]} for pid, ms in meta_by_pid.items()}


def fits(m: dict[str, Any], rival: Person) -> bool:
    """Could record m (no licence, no NPI) just as well describe `rival` as its own person?"""
    own = person_by_id[m["pid"]]
    mid = (m.get("mid_text") or "").strip(" .")
    if mid and not fold(rival.middle).lower().startswith(fold(mid).lower()[:1]):
        return False
    sfx = m.get("sfx")
    if sfx and suffix_word(sfx) != suffix_word(rival.suffix):
        return False
    own_other = [o for o in meta_by_pid[own.pid] if o is not m]
    for key, pool in (("phone", phones_of), ("zip", zips_of)):
        if m[key] and m[key] in {o[key] for o in own_other} and m[key] not in pool[rival.pid]:
            return False  # a phone / ZIP that only its own person's other records share
    return True


for m in all_meta:
    if m["file"] in ("roster.jsonl", "sites.jsonl") and not m["lic_text"]:
        rivals = {o["pid"] for o in all_meta if o["pid"] != m["pid"] and name_key(o) == name_key(m) and o["city"] == m["city"]}
        rivals = {r for r in rivals if fits(m, person_by_id[r])}
        if rivals:
            ambiguous.append(
                {
                    "file": m["file"],
                    "line": m["line"],
                    "person_id": m["pid"],
                    "name": m["name_text"],
                    "city": m["city"],
                    "indistinguishable_from": sorted(rivals),
                }
            )

# Variant counts: tagged (semantic) and derived from the rendered records (formatting).
tag_people: dict[str, list[str]] = defaultdict(list)
for p in PEOPLE:
    for t in p.tags:
        tag_people[t].append(p.pid)


def derived(pred) -> list[str]:
    return [pid for pid, ms in meta_by_pid.items() if len(ms) > 1 and pred(person_by_id[pid], ms)]


def lic_forms(ms: list[dict[str, Any]]) -> set[str]:
    return {m["lic_text"] for m in ms if m["lic_text"] is not None and m["lic_text"] != ""}


derived_variants = {
    "middle name written differently (full / initial / none) across the person's records": derived(
        lambda p, ms: len({m["middle"] for m in ms} - {"no_middle_name"}) > 1
    ),
    "'LAST, FIRST' in one record, 'First Last' in another": derived(lambda p, ms: {"last_first", "first_last"} <= {m["order"] for m in ms}),
    "all-caps name in one record, mixed case in another": derived(lambda p, ms: {True, False} <= {m["upper"] for m in ms}),
    "licence number written differently across records (MT012345 / mt 12345 / 12345 ...)": derived(lambda p, ms: len(lic_forms(ms)) > 1),
    "licence number blank or absent in a record that could carry one (NPPES taxonomy, practice site)": derived(
        lambda p, ms: any(m["file"] in ("nppes.jsonl", "sites.jsonl") and not m["lic_text"] for m in ms)
    ),
    "same phone formatted differently": derived(
        lambda p, ms: any(
            a["phone"] == b["phone"] and a["phone_text"] != b["phone_text"] for a, b in combinations([m for m in ms if m["phone"]], 2)
        )
    ),
    "different phone numbers across records": derived(lambda p, ms: len({m["phone"] for m in ms if m["phone"]}) > 1),
    "different ZIP codes across records (home/mailing vs practice, moves)": derived(
        lambda p, ms: len({m["zip"] for m in ms if m["zip"]}) > 1
    ),
    "different cities across records": derived(lambda p, ms: len({m["city"] for m in ms if m["city"]}) > 1),
    "no NPPES record (missing NPI)": derived(lambda p, ms: not any(m["file"] == "nppes.jsonl" for m in ms)),
    "accented and unaccented spellings across records": derived(
        lambda p, ms: (
            len({m["name_text"] for m in ms if fold(m["name_text"]) != m["name_text"]}) > 0
            and any(fold(m["name_text"]) == m["name_text"] for m in ms)
            and fold(p.legal()) != p.legal()
        )
    ),
}
site_pages_without_licence = sum(1 for m in all_meta if m["file"] == "sites.jsonl" and not m["lic_text"])

manifest = {
    "generated_by": "tests/data/linkage/make_linkage_set.py",
    "seed": SEED,
    "today": TODAY.isoformat(),
    "counts": {
        "records": n_records,
        "records_per_file": per_file,
        "people": len(PEOPLE),
        "people_by_number_of_records": {str(k): v for k, v in sorted(sizes.items())},
        "true_pairs": true_pairs,
        "trap_person_pairs": len(trap_person_pairs),
        "trap_record_pairs": trap_record_pairs,
        "trap_person_pairs_by_kind": dict(trap_kinds),
        "trap_record_pairs_by_kind": dict(trap_kind_records),
        "same_name_record_pairs_of_different_people": same_name_negatives,
        "site_pages_without_licence": site_pages_without_licence,
    },
    "people": [
        {
            "person_id": p.pid,
            "legal_name": p.legal(),
            "state": p.state,
            "licences": p.lic,
            "npi": p.npi,
            "former_last_name": p.former_last,
            "goes_by": p.nick,
            "tags": p.tags,
            "notes": p.notes,
            "practice": CLINICS[p.clinic].name,
            "old_practice": CLINICS[p.old_clinic].name if p.old_clinic else None,
            "records": [{"file": f, "line": ln} for f, ln in locations[p.pid]],
        }
        for p in PEOPLE
    ],
    "traps": TRAPS,
    "ambiguous_by_content": ambiguous,
    "derived_variants": {k: v for k, v in derived_variants.items()},
}
(OUT / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

# README ---------------------------------------------------------------------------------------


def people_records(pids: list[str]) -> str:
    return f"{len(pids)} people, {sum(len(meta_by_pid[x]) for x in pids)} records"


tag_lines = []
for tag in sorted(tag_people):
    if tag in ("single_source",):
        continue
    tag_lines.append(f"| `{tag}` | {people_records(tag_people[tag])} | {', '.join(tag_people[tag])} |")
derived_lines = [f"| {k} | {len(v)} |" for k, v in derived_variants.items()]
trap_lines = [f"| {t['kind']} | {', '.join(t['person_ids'])} | {t['note']} |" for t in TRAPS]
amb_lines = [
    f"| {a['file']}:{a['line']} | {a['person_id']} | {a['name']} ({a['city']}) | {', '.join(a['indistinguishable_from'])} |"
    for a in ambiguous
]

readme = f"""# Labelled record-linkage set

Generated by `make_linkage_set.py` (seed {SEED}; stdlib + `zipcodes`); do not edit by hand, re-run
`python tests/data/linkage/make_linkage_set.py`. `check_linkage_set.py` re-validates the files (JSON shape,
truth pointers, and that `indexer.extract.extract` reads exactly one `SourceRecord` per line).

Everything is invented — people, practices, `.example` domains, 555-01xx phones, NPIs (valid check
digit, random body), licence and certificate numbers. ZIP codes and cities are real. "Today" is
{TODAY.isoformat()}. The labels come from the invented people, not from any linker's output; they were
written before linkage was tuned.

## Files

| file | kind | records | notes |
|---|---|---|---|
| `nppes.jsonl` | `nppes` | {per_file["nppes.jsonl"]} | NPI Registry API v2.1 result objects; context `query_state` |
| `tx_board.jsonl` | `license_csv` | {per_file["tx_board.jsonl"]} | Texas rows, `full_name` as `LAST, FIRST MIDDLE [SUFFIX]`, business (practice) address, `%m%d%Y` dates, no status column |
| `fl_board.jsonl` | `license_csv` | {per_file["fl_board.jsonl"]} | Florida rows, separate name parts, **mailing** address of record (`address_kind: mailing`, usually a home), status words + `status_map`, no suffix column |
| `sites.jsonl` | `profile_site` | {per_file["sites.jsonl"]} | one practice-site page per record, exactly one schema.org `Person` in `jsonld` |
| `roster.jsonl` | `cert_roster` | {per_file["roster.jsonl"]} | NCBTMB (BCTMB) roster, 12 rows a page; name, city, state only |
| `truth.jsonl` | — | {n_records} | `{{"file": "nppes.jsonl", "line": 1, "person_id": "L001"}}` — one line per source record, `line` 1-based |
| `manifest.json` | — | — | every person (legal name, licences, NPI, tags, notes, record locations), traps, ambiguous records, derived counts |

Records are in the raw-record shape the crawler writes (`record_type`, `data`, `context`, `source`,
`kind`, `url`, `fetched_at`, `content_sha256`; keys sorted, UTF-8). `source` equals the file's stem.

## Truth

* **{len(PEOPLE)} people**, **{n_records} records**. People by number of records (records → people): {", ".join(f"{k} → {v}" for k, v in sorted(sizes.items()))}.
* Two records with the same `person_id` describe the same person. **True matching pairs (pairwise): {true_pairs}**
  (sum over people of n·(n−1)/2).
* Trap pairs (different people that look alike, must not be linked): **{len(trap_person_pairs)} person pairs**,
  **{trap_record_pairs} record pairs** between them (a person pair counts once even if it is in two trap groups).
  By kind (person pairs / record pairs; a pair can be in two kinds, e.g. twins who also share a clinic):
  {"; ".join(f"{k}: {trap_kinds[k]} / {trap_kind_records[k]}" for k in sorted(trap_kinds))}.
* Record pairs of *different* people whose names agree on state + folded surname + first name (after
  common nicknames): **{same_name_negatives}**.
* **Ambiguous by content** ({len(ambiguous)} records): a roster/site record with no licence number whose
  name and city equal another person's record, with no middle initial, suffix, phone or ZIP that sets
  them apart. Its label is the truth, but no linker can earn it from
  the record alone; evaluations may report these separately.

## Variants covered (true matches)

Tagged by hand per person (people / their records):

| tag | count | people |
|---|---|---|
{chr(10).join(tag_lines)}

Derived from the rendered records (people with ≥2 records where it occurs):

| variant | people |
|---|---|
{chr(10).join(derived_lines)}

Site pages that publish no licence number: **{site_pages_without_licence}**.

Other deliberate details: NPPES MAILING addresses that differ from LOCATION (home, PO boxes, stale
city); ZIP+4 in NPPES and some board rows; Saint Petersburg written `ST PETERSBURG` / `St. Petersburg`;
NPPES `name_suffix` carries Jr./Sr./III while the FL board has no suffix column (one row puts `III`
into `last_name`); a person listed twice by the same source (an old team page still online);
two licensees in both states.

## Traps (must NOT be linked)

| kind | people | note |
|---|---|---|
{chr(10).join(trap_lines)}

## Ambiguous-by-content records

| record | truth | name (city) | indistinguishable from |
|---|---|---|---|
{chr(10).join(amb_lines) if amb_lines else "| — | | | |"}
"""
(OUT / "README.md").write_text(readme, encoding="utf-8")

print(json.dumps(manifest["counts"], indent=1, ensure_ascii=False))
