"""Synthetic raw crawl output at national scale, for the indexing benchmark.

People are drawn from name pools and real ZIPs; each appears in one to four sources (NPPES, the
board file, a practice website, a roster) in the shapes the crawler writes, with the usual
variation (nicknames, case, missing middle names). Deterministic for a given seed.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

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


def _zip_pool() -> list[dict]:
    pool = [z for z in zipcodes.filter_by(state="TX") + zipcodes.filter_by(state="FL") if z["zip_code_type"] == "STANDARD"]
    return sorted(pool, key=lambda z: z["zip_code"])


def write_raw(out_dir: Path, people: int, seed: int = 7) -> int:
    """Write ~`people` persons' raw records into out_dir; returns the number of records."""
    rng = random.Random(seed)
    zips = _zip_pool()
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {name: open(out_dir / f"{name}.jsonl", "w", encoding="utf-8") for name in ("nppes", "board", "sites", "roster")}
    count = 0
    # Surnames get a numbered variant so blocks stay as large as real common names make them.
    for n in range(people):
        first, last = rng.choice(FIRST), f"{rng.choice(LAST)}{'' if n % 7 else ''}"
        last = last if rng.random() < 0.3 else f"{last}{chr(97 + n % 26)}{chr(97 + (n // 26) % 26)}"
        middle = rng.choice(FIRST) if rng.random() < 0.6 else ""
        z = zips[rng.randrange(len(zips))]
        state = z["state"]
        lic = f"{'MT' if state == 'TX' else 'MA'}{100000 + n:06d}"
        npi = str(1_100_000_000 + n)
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
