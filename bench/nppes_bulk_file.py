"""A generated NPPES Data Dissemination zip in the real layout, for tests and the bulk benchmark.

The main file has the 330 columns of the V.2 `npidata_pfile` in CMS's order, every field
double-quoted, CRLF line ends; beside it `othername_pfile` and `pl_pfile` with their real headers
and an empty `npidata_pfile_…_fileheader.csv` as CMS ships. Rows are mostly other professions and
organisations, as nationally (about one row in 25 is a massage therapist), with the quirks of the
real file: `<UNAVAIL>` values, empty taxonomy slots between filled ones, nine-digit ZIPs without a
hyphen, deactivated NPIs blanked but for their number and dates, reactivated ones, and other names.
Deterministic for a given seed and size.
"""

from __future__ import annotations

import random
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import zipcodes

TAXONOMY_SLOTS = 15
HEADER: list[str] = [
    "NPI", "Entity Type Code", "Replacement NPI", "Employer Identification Number (EIN)",
    "Provider Organization Name (Legal Business Name)", "Provider Last Name (Legal Name)", "Provider First Name",
    "Provider Middle Name", "Provider Name Prefix Text", "Provider Name Suffix Text", "Provider Credential Text",
    "Provider Other Organization Name", "Provider Other Organization Name Type Code", "Provider Other Last Name",
    "Provider Other First Name", "Provider Other Middle Name", "Provider Other Name Prefix Text",
    "Provider Other Name Suffix Text", "Provider Other Credential Text", "Provider Other Last Name Type Code",
    "Provider First Line Business Mailing Address", "Provider Second Line Business Mailing Address",
    "Provider Business Mailing Address City Name", "Provider Business Mailing Address State Name",
    "Provider Business Mailing Address Postal Code", "Provider Business Mailing Address Country Code (If outside U.S.)",
    "Provider Business Mailing Address Telephone Number", "Provider Business Mailing Address Fax Number",
    "Provider First Line Business Practice Location Address", "Provider Second Line Business Practice Location Address",
    "Provider Business Practice Location Address City Name", "Provider Business Practice Location Address State Name",
    "Provider Business Practice Location Address Postal Code",
    "Provider Business Practice Location Address Country Code (If outside U.S.)",
    "Provider Business Practice Location Address Telephone Number", "Provider Business Practice Location Address Fax Number",
    "Provider Enumeration Date", "Last Update Date", "NPI Deactivation Reason Code", "NPI Deactivation Date",
    "NPI Reactivation Date", "Provider Sex Code", "Authorized Official Last Name", "Authorized Official First Name",
    "Authorized Official Middle Name", "Authorized Official Title or Position", "Authorized Official Telephone Number",
    *[name for n in range(1, TAXONOMY_SLOTS + 1) for name in (
        f"Healthcare Provider Taxonomy Code_{n}", f"Provider License Number_{n}",
        f"Provider License Number State Code_{n}", f"Healthcare Provider Primary Taxonomy Switch_{n}")],
    *[name for n in range(1, 51) for name in (
        f"Other Provider Identifier_{n}", f"Other Provider Identifier Type Code_{n}",
        f"Other Provider Identifier State_{n}", f"Other Provider Identifier Issuer_{n}")],
    "Is Sole Proprietor", "Is Organization Subpart", "Parent Organization LBN", "Parent Organization TIN",
    "Authorized Official Name Prefix Text", "Authorized Official Name Suffix Text", "Authorized Official Credential Text",
    *[f"Healthcare Provider Taxonomy Group_{n}" for n in range(1, TAXONOMY_SLOTS + 1)],
    "Certification Date",
]  # fmt: skip
OTHERNAME_HEADER = ["NPI", "Provider Other Organization Name", "Provider Other Organization Name Type Code"]
PL_HEADER = [
    "NPI",
    "Provider Secondary Practice Location Address- Address Line 1",
    "Provider Secondary Practice Location Address-  Address Line 2",
    "Provider Secondary Practice Location Address - City Name",
    "Provider Secondary Practice Location Address - State Name",
    "Provider Secondary Practice Location Address - Postal Code",
    "Provider Secondary Practice Location Address - Country Code (If outside U.S.)",
    "Provider Secondary Practice Location Address - Telephone Number",
    "Provider Secondary Practice Location Address - Telephone Extension",
    "Provider Practice Location Address - Fax Number",
]
COL = {name: i for i, name in enumerate(HEADER)}
OTHER_CODES = ["207Q00000X", "163W00000X", "225100000X", "1223G0001X", "363LF0000X", "2085R0202X", "261QU0200X"]
FIRST = "Jennifer Maria Ana Sarah Laura Emily Olivia Grace Hannah Rachel Nicole Michael David Daniel Carlos Luis Linh Mei Priya".split()
LAST = "Smith Johnson Garcia Miller Davis Rodriguez Martinez Lopez Wilson Anderson Nguyen Patel Kim Alvarez Okafor Brennan".split()
STREETS = "MAIN ST|OAK AVE|CONGRESS AVE|ELM ST|LAKE DR|PARK BLVD|MILL RD".split("|")


@dataclass
class Truth:
    """What the generator put in, for tests to check the reader against."""

    massage: dict[str, dict[str, str]]  # NPI → the facts a test checks
    deactivated: set[str]
    rows: int


def _q(cells: list[str]) -> bytes:
    return (",".join('"' + c.replace('"', '""') + '"' for c in cells) + "\r\n").encode("utf-8")


def _places(rng: random.Random, count: int) -> list[dict[str, str]]:
    rows = [z for z in zipcodes.list_all() if z.get("zip_code_type") == "STANDARD" and z["state"] not in ("AA", "AE", "AP")]
    return [{"zip": p["zip_code"], "city": p["city"].upper(), "state": p["state"]} for p in rng.sample(rows, count)]


def rows(count: int, seed: int = 12) -> Iterator[tuple[list[str], str]]:
    """(row, kind) pairs; kind is 'massage', 'nurse_massage', 'other', 'organisation' or 'deactivated'."""
    rng = random.Random(seed)
    places = _places(rng, 400)
    for i in range(count):
        row = [""] * len(HEADER)
        npi = str(1_000_000_000 + i * 7 + 3)[:10]
        row[COL["NPI"]] = npi
        draw = rng.random()
        if draw < 0.03:
            # Deactivated: NPPES blanks every field but the number and the dates.
            row[COL["NPI Deactivation Date"]] = f"0{rng.randint(1, 9)}/15/20{rng.randint(10, 25)}"
            yield row, "deactivated"
            continue
        place = rng.choice(places)
        kind = "massage" if draw < 0.07 else "nurse_massage" if draw < 0.075 else "organisation" if draw < 0.25 else "other"
        row[COL["Entity Type Code"]] = "2" if kind == "organisation" else "1"
        if kind == "organisation":
            row[COL["Provider Organization Name (Legal Business Name)"]] = f"{rng.choice(LAST).upper()} WELLNESS LLC"
            row[COL["Authorized Official Last Name"]] = rng.choice(LAST).upper()
        else:
            row[COL["Provider Last Name (Legal Name)"]] = rng.choice(LAST).upper()
            row[COL["Provider First Name"]] = rng.choice(FIRST).upper()
            row[COL["Provider Middle Name"]] = rng.choice(["", "A", "MARIE", "J"])
            row[COL["Provider Credential Text"]] = {"massage": rng.choice(["LMT", "L.M.T.", "CMT", ""]), "nurse_massage": "RN, LMT"}.get(
                kind, "MD"
            )
            row[COL["Provider Sex Code"]] = rng.choice("FFM")
        street = f"{rng.randint(1, 9999)} {rng.choice(STREETS)}"
        for words in ("Business Practice Location", "Business Mailing"):
            first = (
                "First Line Business Practice Location Address"
                if words.startswith("Business Practice")
                else "First Line Business Mailing Address"
            )
            row[COL[f"Provider {first}"]] = street if words.startswith("Business Practice") else f"PO BOX {rng.randint(1, 999)}"
            row[COL[f"Provider {words} Address City Name"]] = place["city"]
            row[COL[f"Provider {words} Address State Name"]] = place["state"]
            # Nine-digit ZIPs without a hyphen, as NPPES publishes them; some five-digit.
            row[COL[f"Provider {words} Address Postal Code"]] = place["zip"] + (f"{rng.randint(0, 9999):04d}" if rng.random() < 0.7 else "")
            row[COL[f"Provider {words} Address Country Code (If outside U.S.)"]] = "US"
            row[COL[f"Provider {words} Address Telephone Number"]] = f"512555{rng.randint(0, 9999):04d}"
        row[COL["Provider Enumeration Date"]] = f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/{rng.randint(2005, 2025)}"
        row[COL["Last Update Date"]] = "07/08/2026"
        row[COL["Certification Date"]] = rng.choice(["", "<UNAVAIL>", "03/04/2021"])
        if kind == "organisation":
            row[COL["Authorized Official Telephone Number"]] = "<UNAVAIL>"  # withheld, as NPPES prints it
        codes = [OTHER_CODES[rng.randrange(len(OTHER_CODES))]]
        if kind == "massage":
            codes = ["225700000X"] if rng.random() < 0.8 else [rng.choice(OTHER_CODES), "225700000X"]
        elif kind == "nurse_massage":
            codes = ["163W00000X", "163WM1400X"]
        elif kind == "organisation" and rng.random() < 0.05:
            codes = ["225700000X"]  # a massage business: an organisation, not a therapist
        slot = 1
        for j, code in enumerate(codes):
            if j and rng.random() < 0.5:
                slot += 1  # an empty slot between filled ones
            row[COL[f"Healthcare Provider Taxonomy Code_{slot}"]] = code
            row[COL[f"Provider License Number_{slot}"]] = f"MT{rng.randint(1000, 999999)}" if code != "261QU0200X" else ""
            row[COL[f"Provider License Number State Code_{slot}"]] = place["state"]
            row[COL[f"Healthcare Provider Primary Taxonomy Switch_{slot}"]] = "Y" if j == len(codes) - 1 else "N"
            slot += 1
        if kind != "organisation" and rng.random() < 0.05:
            row[COL["Provider Other Last Name"]] = rng.choice(LAST).upper()
            row[COL["Provider Other First Name"]] = row[COL["Provider First Name"]]
            row[COL["Provider Other Last Name Type Code"]] = "1"  # a former name
        if rng.random() < 0.01:
            row[COL["NPI Deactivation Date"]] = "05/01/2019"
            row[COL["NPI Reactivation Date"]] = "06/01/2019"  # reactivated: still in force
        yield row, kind


def write_zip(path: Path, count: int, seed: int = 12, stamp: str = "20050523-20261109") -> Truth:
    """The dissemination zip at `path`, with `count` main rows; the truth for the massage rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    truth = Truth({}, set(), 0)
    rng = random.Random(seed + 1)
    partial = path.with_name(path.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr(f"npidata_pfile_{stamp}_fileheader.csv", _q(HEADER))
        pl_rows: list[bytes] = [_q(PL_HEADER)]
        with archive.open(f"npidata_pfile_{stamp}.csv", "w", force_zip64=True) as main:
            main.write(_q(HEADER))
            buffer: list[bytes] = []
            for row, kind in rows(count, seed):
                truth.rows += 1
                buffer.append(_q(row))
                if len(buffer) >= 5000:
                    main.write(b"".join(buffer))
                    buffer = []
                npi = row[COL["NPI"]]
                if kind == "deactivated":
                    truth.deactivated.add(npi)
                elif kind in ("massage", "nurse_massage"):
                    truth.massage[npi] = {
                        "last_name": row[COL["Provider Last Name (Legal Name)"]],
                        "postal_code": row[COL["Provider Business Practice Location Address Postal Code"]],
                        "state": row[COL["Provider Business Practice Location Address State Name"]],
                        "former_last_name": row[COL["Provider Other Last Name"]],
                    }
                    if rng.random() < 0.2:
                        pl_rows.append(_q([npi, "77 SECOND ST", "", "AUSTIN", "TX", "787011234", "US", "5125550100", "", ""]))
                        truth.massage[npi]["secondary_city"] = "AUSTIN"
            main.write(b"".join(buffer))
        archive.writestr(f"pl_pfile_{stamp}.csv", b"".join(pl_rows))
        archive.writestr(f"othername_pfile_{stamp}.csv", _q(OTHERNAME_HEADER) + _q(["1999999990", "ACME MASSAGE LLC", "3"]))
    partial.replace(path)
    return truth


def cached_zip(cache: Path, count: int, seed: int = 12) -> Path:
    """The zip for `count` rows from the on-disk cache, generated once."""
    path = cache / f"nppes_bulk_{count}_{seed}.zip"
    if not path.exists():
        write_zip(path, count, seed)
    return path
