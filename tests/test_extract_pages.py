"""What practice pages say: businesses of any @type with their people, offered services as
techniques, coordinates, licences without numbers, and techniques never read as conditions."""

from __future__ import annotations

from typing import Any

from directory.raw import RawRecord
from indexer.extract import extract
from tests.conftest import TODAY


def _page(jsonld: list[Any] | None = None, text: str | None = None, title: str = "") -> RawRecord:
    return RawRecord(
        "profile_page",
        data={"title": title, "jsonld": jsonld or [], "microdata": [], "text": text},
        source="sites",
        kind="profile_site",
        url="http://127.0.0.1/site/index.html",
        fetched_at="2026-11-20T12:00:00+00:00",
    )


BUSINESS = {
    "@context": "https://schema.org",
    "@type": "MassageTherapy",  # not a schema.org type: sites invent their own
    "name": "Harbor Craniosacral",
    "telephone": "(619) 555-0142",
    "address": {
        "@type": "PostalAddress",
        "streetAddress": "410 Laurel St",
        "addressLocality": "San Diego",
        "addressRegion": "CA",
        "postalCode": "92101",
    },
    "geo": {"@type": "GeoCoordinates", "latitude": 32.7281, "longitude": -117.1664},
    "founder": {
        "@type": "Person",
        "name": "Marisol Okafor, LMT",
        "knowsAbout": ["Migraines"],
        "hasCredential": {
            "@type": "EducationalOccupationalCredential",
            "credentialCategory": "license",
            "name": "Licensed Massage Therapist",
        },
    },
    "hasOfferCatalog": {
        "@type": "OfferCatalog",
        "name": "Services",
        "itemListElement": [
            {"@type": "Offer", "itemOffered": {"@type": "Service", "name": "Craniosacral therapy"}},
            {
                "@type": "OfferCatalog",
                "name": "Pregnancy",
                "itemListElement": [{"@type": "Offer", "itemOffered": {"@type": "Service", "name": "Prenatal massage"}}],
            },
        ],
    },
    "makesOffer": [{"@type": "Offer", "itemOffered": {"@type": "Service", "name": "Lymphatic drainage"}}],
}


def test_a_business_of_any_type_yields_its_founder_with_services_address_and_coordinates(vocab) -> None:
    (rec,) = extract(_page([BUSINESS]), vocab, TODAY)
    assert rec.name.display() == "Marisol Okafor"
    assert "LMT" in rec.credentials
    assert rec.licenses == [] and rec.certifications == []  # a licence without a number is not a checkable licence, nor a certification
    terms = {(e.kind, e.term): e.text for e in rec.evidence}
    assert terms == {
        ("condition", "migraine"): "Migraines",
        ("modality", "craniosacral_therapy"): "Craniosacral therapy",
        ("modality", "prenatal_massage"): "Prenatal massage",  # the technique, not the condition 'prenatal'
        ("modality", "manual_lymphatic_drainage"): "Lymphatic drainage",
    }
    assert rec.location is not None
    assert (rec.location.city, rec.location.state, rec.location.postal_code) == ("San Diego", "CA", "92101")
    assert (rec.location.lat, rec.location.lon) == (32.7281, -117.1664)
    assert rec.phone == "+16195550142"


def test_a_clinics_services_are_not_claimed_for_each_of_its_staff(vocab) -> None:
    clinic = {
        **BUSINESS,
        "founder": None,
        "employee": [{"@type": "Person", "name": "Ana Ruiz"}, {"@type": "Person", "name": "Ben Cole", "knowsAbout": "Sciatica"}],
        "member": {"name": "Cara Diaz"},  # a member without a @type is still a person
    }
    records = {rec.name.display(): rec for rec in extract(_page([clinic]), vocab, TODAY)}
    assert set(records) == {"Ana Ruiz", "Ben Cole", "Cara Diaz"}
    assert records["Ana Ruiz"].evidence == []
    assert [(e.kind, e.term) for e in records["Ben Cole"].evidence] == [("condition", "sciatica")]
    assert all(rec.location is not None and rec.location.postal_code == "92101" for rec in records.values())


def test_bad_coordinates_are_flagged_and_the_zip_centre_kept(vocab) -> None:
    (rec,) = extract(_page([{**BUSINESS, "geo": {"latitude": "north", "longitude": "-117"}}]), vocab, TODAY)
    assert ("geo", "north,-117") in rec.unparsed
    assert rec.location is not None and rec.location.lat is not None and abs(rec.location.lat - 32.7281) > 1e-6


def test_page_text_names_the_technique_when_the_phrase_is_a_technique(vocab) -> None:
    text = "Rosa Lee, LMT. I offer prenatal massage and help clients with sciatic nerve pain. TX license #MT012345."
    (rec,) = extract(_page(text=text, title="Rosa Lee, LMT | Prenatal and sciatica care"), vocab, TODAY)
    found = {(e.kind, e.term): e.text for e in rec.evidence}
    assert found == {("modality", "prenatal_massage"): "prenatal massage", ("condition", "sciatica"): "sciatic nerve pain"}


def test_plain_text_pages_read_close_misspellings_strictly(vocab) -> None:
    text = "Dana Wu, LMT. Relief for migranes and sciatca; I also work with people who hate long waits."
    (rec,) = extract(_page(text=text, title="Dana Wu, LMT"), vocab, TODAY)
    assert {(e.kind, e.term): e.text for e in rec.evidence} == {("condition", "migraine"): "migranes", ("condition", "sciatica"): "sciatca"}
