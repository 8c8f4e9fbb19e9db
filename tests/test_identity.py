"""Stable identity: listing ids survive re-crawls, joins, merges, splits and reordered source files,
and a suppression by listing id keeps holding through all of them.

Every test runs the real indexer (`run_index`) over raw JSONL written here, into real SQLite files,
several builds in a row, each reading the identity map the one before stored.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from directory.backends.memory import MemoryBackend
from directory.backends.sqlite import SQLiteBackend
from directory.identity import IdentityMap, Redirect
from directory.models import Listing
from indexer.build import IndexReport, run_index
from indexer.extract import SourceRecord
from indexer.linkage import listing_id
from indexer.normalize import PersonName
from indexer.suppress import SuppressionList
from search_api.app import create_app
from tests import factories
from tests.conftest import TODAY

FETCHED = "2026-11-20T10:00:00+00:00"


def board_row(
    row: int,
    number: str,
    first: str,
    last: str,
    *,
    expires: str = "12/31/2027",
    issued: str = "03/01/2015",
    phone: str = "",
    postal_code: str = "78701",
) -> dict:
    return {
        "record_type": "license_row",
        "source": "tx_board",
        "kind": "license_csv",
        "url": "https://board.example/licensees.csv",
        "fetched_at": FETCHED,
        "content_sha256": "x",
        "context": {"state": "TX", "date_format": "%m/%d/%Y", "address_kind": "practice", "status_map": {"Current": "active"}},
        "data": {
            "row_number": str(row),
            "license_number": number,
            "first_name": first,
            "last_name": last,
            "status": "Current",
            "expires_on": expires,
            "issued_on": issued,
            "address": "1 Main St",
            "city": "Austin",
            "state": "TX",
            "postal_code": postal_code,
            "phone": phone,
        },
    }


def nppes(
    npi: str,
    first: str,
    last: str,
    *,
    license_number: str | None = None,
    city: str = "HOUSTON",
    postal_code: str = "77002",
    phone: str = "713-555-0199",
) -> dict:
    taxonomy = {"code": "225700000X", "desc": "Massage Therapist", "primary": True, "state": "TX", "license": license_number or ""}
    return {
        "record_type": "nppes_provider",
        "source": "nppes",
        "kind": "nppes",
        "fetched_at": FETCHED,
        "content_sha256": "x",
        "url": "https://npiregistry.example/api/?version=2.1",
        "context": {},
        "data": {
            "number": npi,
            "enumeration_type": "NPI-1",
            "taxonomies": [taxonomy],
            "basic": {"first_name": first.upper(), "last_name": last.upper(), "credential": "LMT", "enumeration_date": "2016-05-01"},
            "addresses": [
                {
                    "address_purpose": "LOCATION",
                    "address_1": "9 Elm St",
                    "city": city,
                    "state": "TX",
                    "postal_code": postal_code,
                    "telephone_number": phone,
                }
            ],
        },
    }


def person(name: str, *, phone: str = "512-555-0142", postal_code: str = "78704", license_number: str | None = None) -> dict:
    out = {
        "@type": "Person",
        "name": name,
        "telephone": phone,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "2 Oak Ave",
            "addressLocality": "Austin",
            "addressRegion": "TX",
            "postalCode": postal_code,
        },
    }
    if license_number:
        out["hasCredential"] = [
            {"@type": "EducationalOccupationalCredential", "credentialCategory": "license", "identifier": license_number}
        ]
    return out


def page(url: str, *people: dict) -> dict:
    return {
        "record_type": "profile_page",
        "source": "sites",
        "kind": "profile_site",
        "url": url,
        "fetched_at": FETCHED,
        "content_sha256": "x",
        "context": {},
        "data": {"jsonld": [{"@context": "https://schema.org", **p} for p in people], "microdata": [], "text": None, "title": ""},
    }


def roster(row: int, name: str, city: str = "Austin") -> dict:
    """A roster line without a certificate number: only its content can name it."""
    return {
        "record_type": "roster_entry",
        "source": "roster",
        "kind": "cert_roster",
        "fetched_at": FETCHED,
        "content_sha256": "x",
        "url": f"https://roster.example/page-{1 + row // 50}.html",
        "context": {"issuer": "NCBTMB", "date_format": "%m/%d/%Y"},
        "data": {
            "row_number": str(row),
            "full_name": name,
            "certification": "BCTMB",
            "city": city,
            "state": "TX",
            "expires_on": "08/20/2027",
        },
    }


def write_raw(raw: Path, files: dict[str, list[dict]]) -> Path:
    """Replace the crawl directory's contents with these files (a re-crawl)."""
    raw.mkdir(parents=True, exist_ok=True)
    for old in raw.glob("*.jsonl"):
        old.unlink()
    for name, rows in files.items():
        (raw / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return raw


def index(raw: Path, db: Path, vocab, suppress_ids: set[str] = frozenset(), backend=None) -> tuple[SQLiteBackend, IndexReport]:
    """Index `raw` into `backend` (default: the SQLite file `db`), reading the identity map it holds."""
    backend = backend or SQLiteBackend(db, vocab)
    report = run_index(raw, backend, today=TODAY, suppressions=SuppressionList(set(), set(), set(suppress_ids)))
    return backend, report


def listings(backend: SQLiteBackend) -> list[Listing]:
    return [backend.get(i) for i in backend.all_ids()]  # type: ignore[misc]


def id_of(backend: SQLiteBackend, license: str | None = None, npi: str | None = None) -> str:
    """The id of the one listing holding this licence number or NPI."""
    found = [
        item.id
        for item in listings(backend)
        if (license is None or license in {lic.number for lic in item.licenses}) and (npi is None or item.npi == npi)
    ]
    assert len(found) == 1, (
        license,
        npi,
        [(item.id, item.name, item.npi, [x.number for x in item.licenses]) for item in listings(backend)],
    )
    return found[0]


def content_id(npi: str) -> str:
    """The id a listing anchored on this NPI is minted with when no earlier build knew it."""
    rec = SourceRecord(key="k", source="s", kind="nppes", url="", fetched_at=datetime.now(UTC), name=PersonName("A", "", "B", ""), npi=npi)
    return listing_id([rec])


BOARD = [board_row(2, "MT100001", "Dana", "Okafor"), board_row(3, "MT300003", "Lee", "Park", postal_code="78745")]


def test_a_licence_only_listing_keeps_its_id_when_an_nppes_record_joins(tmp_path: Path, vocab) -> None:
    raw, db = tmp_path / "raw", tmp_path / "index.db"
    write_raw(raw, {"tx_board": BOARD})
    backend, _ = index(raw, db, vocab)
    dana = id_of(backend, license="MT100001")

    write_raw(raw, {"tx_board": BOARD, "nppes": [nppes("1234567893", "Dana", "Okafor", license_number="MT100001")]})
    backend, report = index(raw, db, vocab)
    joined = backend.get(dana)
    assert joined is not None and joined.npi == "1234567893"  # the same listing, now with its NPI
    assert "nppes" in {s.source for s in joined.sources}
    assert len(backend.all_ids()) == 2 and report.ids["kept"] == 2


def test_a_suppression_by_listing_id_holds_when_an_nppes_record_joins_and_while_suppressed(tmp_path: Path, vocab) -> None:
    raw, db = tmp_path / "raw", tmp_path / "index.db"
    write_raw(raw, {"tx_board": BOARD})
    dana = id_of(index(raw, db, vocab)[0], license="MT100001")

    write_raw(raw, {"tx_board": BOARD, "nppes": [nppes("1234567893", "Dana", "Okafor", license_number="MT100001")]})
    for _ in range(2):  # and at every build after
        backend, report = index(raw, db, vocab, suppress_ids={dana})
        assert report.suppressed == 1 and backend.get(dana) is None
        assert all(item.npi != "1234567893" and "MT100001" not in {x.number for x in item.licenses} for item in listings(backend))
    # While hidden, the identity was kept: lifting the suppression brings back the same id.
    backend, _ = index(raw, db, vocab)
    assert backend.get(dana) is not None and backend.get(dana).npi == "1234567893"  # type: ignore[union-attr]


def _reorderable() -> dict[str, list[dict]]:
    return {
        "tx_board": [
            # One licence listed twice: an expired period and the current one; both are records.
            board_row(2, "MT100001", "Dana", "Okafor", expires="02/28/2021", issued="03/01/2015"),
            board_row(3, "MT100001", "Dana", "Okafor", expires="02/28/2027", issued="03/01/2021"),
            board_row(4, "MT300003", "Lee", "Park", postal_code="78745"),
            board_row(5, "MT400004", "Ana", "Ruiz", postal_code="78702"),
        ],
        # Two people on one page, neither with a licence: their ids come from the page and who they are.
        "sites": [
            page(
                "https://studio.example/team.html",
                person("Mira Solano", phone="512-555-0111"),
                person("Tomas Reyes", phone="512-555-0122", postal_code="78701"),
            )
        ],
        "roster": [roster(2, "Lee Park"), roster(3, "Ana Ruiz")],
    }


def _reordered(files: dict[str, list[dict]]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for name, rows in files.items():
        rows = json.loads(json.dumps(rows[::-1]))
        for n, row in enumerate(rows, start=2):
            if "row_number" in row["data"]:
                row["data"]["row_number"] = str(n)
            if "jsonld" in row["data"]:
                row["data"]["jsonld"].reverse()
        out[name] = rows
    return out


def test_a_board_file_with_its_rows_reordered_gives_the_same_ids(tmp_path: Path, vocab) -> None:
    raw, db = tmp_path / "raw", tmp_path / "index.db"
    write_raw(raw, _reorderable())
    backend, _ = index(raw, db, vocab)
    before = {item.name: item.id for item in listings(backend)}
    keys_before = backend.identity().records
    assert len(before) == 5
    assert {k for k in keys_before if k.startswith("tx_board:lic:TX:100001")} == {
        "tx_board:lic:TX:100001",
        *(k for k in keys_before if k.startswith("tx_board:lic:TX:100001~")),
    } and len([k for k in keys_before if k.startswith("tx_board:lic:TX:100001")]) == 2
    dana = backend.get(before["Dana Okafor"])
    assert dana is not None and [str(x.expires_on) for x in dana.licenses] == ["2027-02-28"]  # the current period

    write_raw(raw, _reordered(_reorderable()))
    backend, report = index(raw, db, vocab)
    assert {item.name: item.id for item in listings(backend)} == before
    assert backend.identity().records == keys_before  # no key named a position, so none changed
    assert report.ids["minted"] == 0 and report.ids["merged"] == 0

    # A rebuild from scratch of the reordered files mints the very same ids from content.
    fresh, _ = index(raw, tmp_path / "fresh.db", vocab)
    assert {item.name: item.id for item in listings(fresh)} == before

    # And a suppression by the id of a page-only person holds over the reordered file.
    backend, report = index(raw, db, vocab, suppress_ids={before["Mira Solano"]})
    assert report.suppressed == 1 and "Mira Solano" not in {item.name for item in listings(backend)}


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)])
def test_a_merge_keeps_the_older_id_and_answers_301_from_the_absorbed_one(tmp_path: Path, vocab, kind: str, request) -> None:
    raw, db = tmp_path / "raw", tmp_path / "index.db"
    # On Elasticsearch every build reads the identity map back from the alias's generation.
    build = partial(index, backend=request.getfixturevalue("make_es")()) if kind == "elasticsearch" else index
    write_raw(raw, {"tx_board": BOARD})
    backend, _ = build(raw, db, vocab)
    dana = id_of(backend, license="MT100001")

    # The NPI record under her former surname, in another city: nothing yet says it is her.
    write_raw(raw, {"tx_board": BOARD, "nppes": [nppes("1234567893", "Dana", "Mbeki")]})
    backend, _ = build(raw, db, vocab)
    npi_listing = id_of(backend, npi="1234567893")
    assert npi_listing != dana and len(backend.all_ids()) == 3
    # The younger id sorts first: only age can make the board listing's id the survivor.
    assert npi_listing < dana

    # The NPI record now states her licence: one person.
    write_raw(raw, {"tx_board": BOARD, "nppes": [nppes("1234567893", "Dana", "Mbeki", license_number="MT100001")]})
    backend, report = build(raw, db, vocab)
    assert report.ids["merged"] == 1 and len(backend.all_ids()) == 2
    merged = backend.get(dana)
    assert merged is not None and merged.npi == "1234567893" and backend.get(npi_listing) is None
    client = TestClient(create_app(backend=backend, vocab=vocab, today=TODAY))
    moved = client.get(f"/therapists/{npi_listing}", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"] == f"/therapists/{dana}"
    assert client.get(f"/therapists/{npi_listing}").json()["npi"] == "1234567893"  # following it lands on her
    assert client.get("/therapists/t_000000000000", follow_redirects=False).status_code == 404

    # The redirect outlives later builds, and a suppression by the absorbed id hides the survivor.
    backend, _ = build(raw, db, vocab)
    assert backend.redirect(npi_listing) == dana
    backend, report = build(raw, db, vocab, suppress_ids={npi_listing})
    assert report.suppressed == 1 and backend.get(dana) is None
    client = TestClient(create_app(backend=backend, vocab=vocab, today=TODAY))
    assert client.get(f"/therapists/{npi_listing}", follow_redirects=False).status_code == 404  # no 301 to a hidden listing


def test_a_split_keeps_the_id_with_the_larger_part_and_mints_one_for_the_other(tmp_path: Path, vocab) -> None:
    raw, db = tmp_path / "raw", tmp_path / "index.db"
    board = [board_row(2, "MT200002", "Kemi", "Adeyemi", phone="512-555-0142", postal_code="78704")]
    write_raw(
        raw,
        {
            "tx_board": board,
            "sites": [page("https://kemi.example/", person("Kemi Adeyemi")), page("https://kemi.example/about", person("Kemi Adeyemi"))],
        },
    )
    backend, _ = index(raw, db, vocab)
    (kemi,) = backend.all_ids()
    assert len(backend.get(kemi).sources) == 3  # type: ignore[union-attr]

    # The home page now states another TX licence: that Kemi is someone else. The about page and
    # the board row (two of the three records) stay together; the home page's key sorts first, so
    # only the size of the parts can give them the id.
    write_raw(
        raw,
        {
            "tx_board": board,
            "sites": [
                page("https://kemi.example/", person("Kemi Adeyemi", license_number="MT777777")),
                page("https://kemi.example/about", person("Kemi Adeyemi", license_number="MT200002")),
            ],
        },
    )
    backend, report = index(raw, db, vocab)
    larger, smaller = id_of(backend, license="MT200002"), id_of(backend, license="MT777777")
    assert larger == kemi and len(backend.get(larger).sources) == 2  # type: ignore[union-attr]
    assert smaller != kemi and report.ids["split"] == 1
    assert backend.redirect(kemi) is None and backend.redirect(smaller) is None

    backend, report = index(raw, db, vocab)  # and both ids hold from then on
    assert (id_of(backend, license="MT200002"), id_of(backend, license="MT777777")) == (larger, smaller)


def test_listings_sharing_an_anchor_get_distinct_ids_whatever_the_order(tmp_path: Path, vocab) -> None:
    # One NPI under two TX licences: linkage refuses the join, so two listings share the NPI the
    # id is minted from. Each still gets its own id, and a rebuild from scratch in another order the same ones.
    rows = [
        nppes("1518966193", "Omar", "Haddad", license_number="MT500005"),
        nppes("1518966193", "Omar", "Haddad", license_number="MT600006", city="DALLAS", postal_code="75201"),
    ]
    seen = []
    for n, ordered in enumerate((rows, rows[::-1])):
        raw = write_raw(tmp_path / f"raw{n}", {"nppes": ordered})
        backend, _ = index(raw, tmp_path / f"index{n}.db", vocab)
        ids = {item.licenses[0].number: item.id for item in listings(backend)}
        assert len(ids) == 2 and len(set(ids.values())) == 2
        seen.append(ids)
    assert seen[0] == seen[1]
    assert content_id("1518966193") in seen[0].values()  # one keeps the plain content id


def test_a_rebuild_from_scratch_of_unchanged_data_gives_the_same_ids_and_map(tmp_path: Path, vocab) -> None:
    raw = write_raw(tmp_path / "raw", {**_reorderable(), "nppes": [nppes("1234567893", "Dana", "Okafor", license_number="MT100001")]})
    first, _ = index(raw, tmp_path / "a.db", vocab)
    second, _ = index(raw, tmp_path / "b.db", vocab)
    assert first.all_ids() == second.all_ids()
    a, b = first.identity(), second.identity()
    assert a.records == b.records and a.first_build == b.first_build and a.build == b.build == 1
    assert id_of(first, npi="1234567893") == content_id("1234567893")


@pytest.mark.parametrize("kind", ["memory", "sqlite", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)])
def test_backends_store_the_identity_map_and_redirect_only_to_live_listings(tmp_path: Path, vocab, kind: str, request) -> None:
    if kind == "memory":
        backend = MemoryBackend(vocab)
    elif kind == "sqlite":
        backend = SQLiteBackend(tmp_path / "index.db", vocab)
    else:
        backend = request.getfixturevalue("make_es")()
    assert backend.identity() == IdentityMap()  # nothing built yet
    identity = IdentityMap(
        build=2,
        records={"tx_board:lic:TX:1": "t_0001", "nppes:npi:1234567893": "t_0001"},
        first_build={"t_0001": 1, "t_0002": 2, "t_0003": 1},
        first_seen={"t_0001": "2026-01-01", "t_0002": "2026-02-01", "t_0003": "2026-01-01"},
        redirects={"t_0009": Redirect("t_0001", "merged", "2026-02-01"), "t_0008": Redirect("t_0003", "merged", "2026-02-01")},
    )
    backend.replace_all(factories.population()[:2], identity=identity)
    assert backend.identity() == identity
    assert backend.redirect("t_0009") == "t_0001"
    assert backend.redirect("t_0008") is None  # its target is not in the index: no redirect to a missing listing
    assert backend.redirect("t_0001") is None and backend.redirect("t_nope") is None
