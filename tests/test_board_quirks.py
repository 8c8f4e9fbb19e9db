"""Board files as states publish them, end to end: the real crawl (Scrapy, the CLI) of rosters served
on 127.0.0.1 → the index → what a user sees in the HTTP API.

The first roster is shaped like a state's credential export where STATUS reads ACTIVE on every row
and the discipline sits in a REASON column (leading spaces in the headers, a trailing empty column,
ZIPs typed with the letter O, full state and province names, placeholder issue dates). The second
uses the single status words other states publish, with no status map.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from directory.backends.sqlite import SQLiteBackend
from directory.geo import city_place, zip_place
from indexer.build import run_index
from search_api.app import create_app
from tests.cli_helpers import therapists
from tests.conftest import TODAY
from therapists.mirror import MirrorServer

ROSTER_HEADER = " CREDENTIAL NO, NAME, CREDENTIAL TYPE, STATUS, REASON, ISSUE DATE, EXPIRATION DATE, ADDRESS, CITY, STATE, ZIP,"
# (licence, name, status, reason, issued, address, city, state, zip)
ROSTER = [
    ("MT.001001", "ALVAREZ, JENNY", "ACTIVE", "", "03/15/2012", "12 MASON ST", "GREENWICH", "CT", "O683O-6O2O"),
    ("MT.001002", "BRENNAN, KATE", "ACTIVE", "SUSPENDED", "06/01/2014", "44 BRIDGEPORT AVE", "SHELTON", "CT", "O6484-4621"),
    ("MT.001003", "CHO, MINA", "ACTIVE", "ON PROBATION", "01/10/2016", "9 ELM ST", "GREENWICH", "CT", "06830"),
    ("MT.001004", "DUARTE, LENA", "ACTIVE", "LICENSE RESTRICTED", "02/02/2017", "3 MAIN ST", "GREENWICH", "CT", "06830"),
    ("MT.001005", "EKSTROM, ANNA", "ACTIVE", "PRIOR DISCIPLINE", "04/04/2010", "7 PUTNAM AVE", "GREENWICH", "CT", "06830"),
    ("MT.001006", "FOLEY, ROSE", "ACTIVE", "RENEWAL APPLICATION SENT", "05/05/2011", "8 ARCH ST", "GREENWICH", "CT", "06830"),
    ("MT.001007", "GARCIA, NORA", "ACTIVE", "REFERRED TO PANEL", "07/07/2013", "2 LAKE AVE", "GREENWICH", "CT", "06830"),
    ("MT.001008", "HUANG, LILY", "ACTIVE", "", "08/08/2015", "100 MAIN ST", "KANSAS CITY", "MISSOURI", "64111"),
    ("MT.001009", "IVANOVA, MARA", "ACTIVE", "", "09/09/2018", "500 CENTRE ST S", "CALGARY", "ALBERTA", "T2G 0A1"),
    ("MT.001010", "JONES, TARA", "ACTIVE", "", "10/10/2019", "1 STEAMBOAT RD", "GREENWICH", "CT", "68362"),
    ("MT.001011", "KOVAC, IRIS", "ACTIVE", "", "01/01/1901", "5 GROVE ST", "GREENWICH", "CT", "06830"),
    ("MT.001012", "LOPEZ, DORA", "ACTIVE", "", "03/01/1950", "6 GROVE ST", "GREENWICH", "CT", "06830"),
]
ROSTER_SOURCE = """
[[source]]
name = "ct_roster"
kind = "license_csv"
url = "{base}/boards/roster.csv"
state = "CT"
date_format = "%m/%d/%Y"
download_delay = 0
[source.columns]
license_number = "CREDENTIAL NO"
full_name = "NAME"
license_type = "CREDENTIAL TYPE"
status = ["STATUS", "REASON"]
issued_on = "ISSUE DATE"
expires_on = "EXPIRATION DATE"
address = "ADDRESS"
city = "CITY"
state = "STATE"
postal_code = "ZIP"

[[source]]
name = "words_board"
kind = "license_csv"
url = "{base}/boards/words.csv"
state = "KS"
date_format = "%Y-%m-%d"
download_delay = 0
[source.columns]
license_number = "License Number"
first_name = "First Name"
last_name = "Last Name"
status = "License Status"
expires_on = "Expiration Date"
city = "City"
state = "State"
postal_code = "Zip"
"""
# Single status words other boards publish, and how a reader must see them (no status map given).
WORDS = {
    "Active - With Conditions": ("restricted", False),
    "Active - Restricted": ("restricted", False),
    "Summary Suspension": ("suspended", False),
    "Voluntary Surrender": ("revoked", False),
    "Surrendered": ("revoked", False),
    "Closed": ("inactive", False),
    "Deceased": ("inactive", False),
    "Null and Void": ("revoked", False),
    "Delinquent": ("expired", False),
    "Not Expired": ("active", True),
}


def _csv_line(cells: list[str]) -> str:
    return ",".join(f'"{c}"' if "," in c else c for c in cells)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, vocab) -> TestClient:
    work = tmp_path_factory.mktemp("quirks")
    boards = work / "www" / "boards"
    boards.mkdir(parents=True)
    lines = [ROSTER_HEADER]
    for number, name, status, reason, issued, address, city, state, zip_code in ROSTER:
        lines.append(
            _csv_line([number, name, "MASSAGE THERAPIST", status, reason, issued, "12/31/2027", address, city, state, zip_code, ""])
        )
    (boards / "roster.csv").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    words = ["License Number,First Name,Last Name,License Status,Expiration Date,City,State,Zip"]
    for i, word in enumerate(WORDS):
        words.append(f"LMT{2000 + i},Sam,Word{chr(65 + i)},{word},2027-06-30,WICHITA,Kansas,67202")
    (boards / "words.csv").write_text("\n".join(words) + "\n", encoding="utf-8")
    with MirrorServer(work / "www") as mirror:
        config = work / "sources.toml"
        config.write_text(ROSTER_SOURCE.replace("{base}", mirror.base_url), encoding="utf-8")
        result = therapists("crawl", "--config", str(config), "--out", str(work / "raw"))
        assert result.returncode == 0, result.stderr[-3000:]
    backend = SQLiteBackend(work / "index.db", vocab)
    run_index(work / "raw", backend, today=TODAY)
    return TestClient(create_app(backend=backend, vocab=vocab, today=TODAY))


def _everyone(api: TestClient, near: str) -> dict[str, dict[str, Any]]:
    body = api.get("/search", params={"near": near, "radius_km": 200, "license_status": "any", "limit": 50}).json()
    return {r["name"]: r for r in body["results"]}


def _page(api: TestClient, result: dict[str, Any]) -> dict[str, Any]:
    return api.get(f"/therapists/{result['id']}").json()


def test_discipline_in_a_second_status_column_is_never_shown_as_verified(api: TestClient) -> None:
    people = _everyone(api, "06830")
    suspended = people["Kate Brennan"]
    lic = suspended["licenses"][0]
    assert (lic["status"], lic["verified"]) == ("suspended", False)
    assert lic["status_as_published"] == ["ACTIVE", "SUSPENDED"] and lic["discipline"] == ["SUSPENDED"]
    assert lic["source"] == "ct_roster"
    assert any("is suspended: not verified" in why and "discipline: SUSPENDED" in why for why in suspended["why"])
    page = _page(api, suspended)
    assert page["licenses"][0]["discipline"] == ["SUSPENDED"] and page["licenses"][0]["verified"] is False

    probation = people["Mina Cho"]["licenses"][0]
    assert (probation["status"], probation["verified"]) == ("probation", False)
    assert probation["restrictions"] == ["ON PROBATION"] and probation["discipline"] == ["ON PROBATION"]
    restricted = people["Lena Duarte"]["licenses"][0]
    assert (restricted["status"], restricted["verified"], restricted["restrictions"]) == ("restricted", False, ["LICENSE RESTRICTED"])


def test_a_clean_second_column_keeps_the_licence_verified_and_shows_prior_discipline(api: TestClient) -> None:
    people = _everyone(api, "06830")
    prior = people["Anna Ekstrom"]
    lic = prior["licenses"][0]
    assert (lic["status"], lic["verified"], lic["discipline"]) == ("active", True, ["PRIOR DISCIPLINE"])
    assert any("verified with the state board" in why and "discipline: PRIOR DISCIPLINE (ct_roster)" in why for why in prior["why"])
    renewal = people["Rose Foley"]["licenses"][0]
    assert (renewal["status"], renewal["verified"], renewal["discipline"], renewal["restrictions"]) == ("active", True, [], [])
    assert renewal["status_as_published"] == ["ACTIVE", "RENEWAL APPLICATION SENT"]
    # Only unrestricted, active licences appear in a default (active-only) search.
    default = {r["name"] for r in api.get("/search", params={"near": "06830", "radius_km": 200, "limit": 50}).json()["results"]}
    assert "Anna Ekstrom" in default and not {"Kate Brennan", "Mina Cho", "Lena Duarte"} & default


def test_an_unknown_status_word_is_unknown_flagged_and_never_verified(api: TestClient) -> None:
    nora = _everyone(api, "06830")["Nora Garcia"]
    assert (nora["licenses"][0]["status"], nora["licenses"][0]["verified"]) == ("unknown", False)
    assert {"field": "license_status", "raw": "REFERRED TO PANEL", "source": "ct_roster"} in _page(api, nora)["unparsed"]


def test_zips_typed_with_the_letter_o_are_repaired_and_placed_in_their_town(api: TestClient) -> None:
    people = _everyone(api, "06830")
    greenwich, shelton = zip_place("06830"), zip_place("06484")
    assert greenwich is not None and shelton is not None
    jenny = people["Jenny Alvarez"]["location"]
    assert (jenny["postal_code"], jenny["state"], jenny["lat"], jenny["lon"]) == ("06830", "CT", greenwich.lat, greenwich.lon)
    kate = people["Kate Brennan"]["location"]
    assert (kate["postal_code"], kate["lat"]) == ("06484", shelton.lat)


def test_a_zip_outside_the_addresss_state_is_not_geocoded_the_city_is(api: TestClient) -> None:
    tara = _everyone(api, "06830")["Tara Jones"]
    town = city_place("Greenwich", "CT")
    assert town is not None
    assert tara["location"]["state"] == "CT" and tara["location"]["postal_code"] is None
    assert (tara["location"]["lat"], tara["location"]["lon"]) == (town.lat, town.lon)  # not Nebraska's 68362
    assert {"field": "postal_code_not_in_state", "raw": "68362", "source": "ct_roster"} in _page(api, tara)["unparsed"]
    nebraska = api.get("/search", params={"near": "68362", "radius_km": 50, "license_status": "any"}).json()
    assert "Tara Jones" not in {r["name"] for r in nebraska["results"]}


def test_full_state_and_province_names_become_codes_and_non_us_addresses_are_not_geocoded(api: TestClient) -> None:
    lily = _everyone(api, "64111")["Lily Huang"]
    assert lily["location"]["state"] == "MO" and lily["location"]["lat"] is not None
    kansas = _everyone(api, "67202")
    assert {r["location"]["state"] for r in kansas.values()} == {"KS"}  # "Kansas" in the board's file
    everyone = api.get("/search", params={"license_status": "any", "limit": 50}).json()["results"]
    mara = next(r for r in everyone if r["name"] == "Mara Ivanova")
    assert mara["location"]["state"] == "AB" and mara["location"]["lat"] is None and mara["location"]["lon"] is None
    page = _page(api, mara)
    assert page["location"]["postal_code"] == "T2G 0A1" and page["location"]["city"] == "Calgary"
    assert not [u for u in page["unparsed"] if u["field"] == "postal_code"]  # a Canadian postcode is not a bad ZIP


def test_placeholder_and_impossible_issue_dates_give_no_experience(api: TestClient) -> None:
    people = _everyone(api, "06830")
    iris = people["Iris Kovac"]
    assert iris["years_experience"] is None and iris["licenses"][0]["issued_on"] is None
    assert {"field": "issued_on", "raw": "01/01/1901", "source": "ct_roster"} in _page(api, iris)["unparsed"]
    dora = people["Dora Lopez"]
    assert dora["years_experience"] is None and dora["licenses"][0]["issued_on"] == "1950-03-01"  # as published
    assert {"field": "issued_on_beyond_working_life", "raw": "03/01/1950", "source": "ct_roster"} in _page(api, dora)["unparsed"]
    assert not any("years licensed" in why for why in dora["why"])
    jenny = people["Jenny Alvarez"]
    assert jenny["years_experience"] == round((TODAY - date(2012, 3, 15)).days / 365.25, 1)


def test_the_common_status_words_need_no_status_map(api: TestClient) -> None:
    people = _everyone(api, "67202")
    seen = {}
    for i, word in enumerate(WORDS):
        lic = people[f"Sam Word{chr(65 + i)}"]["licenses"][0]
        seen[word] = (lic["status"], lic["verified"])
        assert lic["status_as_published"] == [word]
    assert seen == WORDS
    # Every word was read: none is flagged as a status word no map knows.
    for i in range(len(WORDS)):
        page = _page(api, people[f"Sam Word{chr(65 + i)}"])
        assert not [u for u in page["unparsed"] if u["field"] == "license_status"]


def test_status_names_one_column_or_a_non_empty_list_of_them() -> None:
    from crawler.config import parse_sources
    from directory.errors import ConfigError

    board = 'name = "b"\nkind = "license_csv"\nurl = "https://board.example/f.csv"\nstate = "CT"\ndate_format = "%m/%d/%Y"\n'
    one = parse_sources(f'[[source]]\n{board}[source.columns]\nlicense_number = "N"\nfull_name = "NAME"\nstatus = "STATUS"\n')[0]
    two = parse_sources(f'[[source]]\n{board}[source.columns]\nlicense_number = "N"\nfull_name = "NAME"\nstatus = ["STATUS", "REASON"]\n')[
        0
    ]
    assert one.columns.status == "STATUS" and two.columns.status == ["STATUS", "REASON"]  # type: ignore[union-attr]
    with pytest.raises(ConfigError, match="columns.status"):
        parse_sources(f'[[source]]\n{board}[source.columns]\nlicense_number = "N"\nfull_name = "NAME"\nstatus = []\n')
