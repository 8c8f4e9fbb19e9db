"""Hand-built listings for backend, ranking and API tests (no crawl needed)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from directory.geo import zip_place
from directory.models import Certification, Evidence, License, LicenseStatus, Listing, Location, SourceRef

FETCHED = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def listing(
    listing_id: str,
    name: str,
    zip_code: str,
    conditions: list[str] = (),
    modalities: list[str] = (),
    status: LicenseStatus = LicenseStatus.active,
    verified: bool = True,
    expires_on: date = date(2027, 12, 31),
    issued_on: date | None = date(2014, 3, 1),
    certifications: list[str] = (),
    state: str = "TX",
) -> Listing:
    place = zip_place(zip_code)
    assert place is not None, zip_code
    evidence = [
        Evidence(term=c, kind="condition", text=c.replace("_", " "), source="sites", source_kind="profile_site") for c in conditions
    ] + [Evidence(term=m, kind="modality", text=m.replace("_", " "), source="sites", source_kind="profile_site") for m in modalities]
    return Listing(
        id=listing_id,
        name=name,
        credentials=["LMT"],
        npi=None,
        licenses=[
            License(
                state=state,
                number=f"MT{listing_id[-4:]:0>6}",
                status=status,
                verified=verified,
                issued_on=issued_on,
                expires_on=expires_on,
                source="board",
            )
        ],
        certifications=[Certification(name=c.upper(), issuer="Issuer", id=c) for c in certifications],
        modalities=list(modalities),
        conditions=list(conditions),
        evidence=evidence,
        years_experience=round((date(2026, 11, 23) - issued_on).days / 365.25, 1) if issued_on else None,
        experience_basis="license" if issued_on else None,
        location=Location(address="1 Main St", city=place.city, state=place.state, postal_code=zip_code, lat=place.lat, lon=place.lon),
        phone="+15125550100",
        bio="Bio.",
        sources=[
            SourceRef(source="board", kind="license_csv", url="http://127.0.0.1/board.csv", fetched_at=FETCHED),
            SourceRef(source="sites", kind="profile_site", url="http://127.0.0.1/site.html", fetched_at=FETCHED),
        ],
        last_seen=FETCHED.date(),
    )


def population() -> list[Listing]:
    """A small Austin/Houston population with the cases ranking and filters must tell apart."""
    return [
        listing("t_0001", "Ana Sciatica Specialist", "78704", ["sciatica"], ["deep_tissue_massage"], certifications=["bctmb"]),
        listing("t_0002", "Ben Piriformis", "78701", ["piriformis_syndrome"], ["trigger_point_therapy"], issued_on=date(2020, 1, 1)),
        listing("t_0003", "Cara Deep Tissue Only", "78745", [], ["deep_tissue_massage"], issued_on=date(2024, 6, 1)),
        listing("t_0004", "Dan Expired", "78704", ["sciatica"], [], status=LicenseStatus.active, expires_on=date(2026, 11, 22)),
        listing("t_0005", "Eve Suspended", "78702", ["sciatica"], [], status=LicenseStatus.suspended, verified=False),
        listing("t_0006", "Fay Houston Sciatica", "77002", ["sciatica"], ["neuromuscular_therapy"]),
        listing("t_0007", "Gus Carpal Tunnel", "78703", ["carpal_tunnel_syndrome"], ["myofascial_release"]),
        listing("t_0008", "Hal Twin A", "78705", ["sciatica"], [], issued_on=date(2014, 3, 1)),
        listing("t_0009", "Ida Twin B", "78705", ["sciatica"], [], issued_on=date(2014, 3, 1)),
        listing("t_0010", "Joy Unverified", "78704", ["sciatica"], [], verified=False),
    ]
