"""Referral lists for physicians: a short list of qualified therapists near a patient for a diagnosis.

A list holds only therapists with an active, board-verified licence who state the condition as a
specialty or hold a certification that qualifies for it, within the radius, ranked as the search
ranks them. Each list is stored (`ReferralStore`) with its query, the index generation it came
from and the date, so a letter can cite its id and the same list comes back later, whatever
re-indexing happened since. Exports: CSV (one row per therapist) and vCard 3.0 (one card each).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from nameparser import HumanName

from directory.errors import InvalidParameter
from directory.presenter import ReferralEntry, ReferralList, present_referral
from directory.ranking import FIT_CERTIFICATION
from directory.search_params import SearchParams
from directory.search_service import build_query
from directory.vocabulary import Vocabulary

if TYPE_CHECKING:  # the protocol only; referrals go through a backend's search like any search
    from directory.backends.base import SearchBackend

DEFAULT_LIMIT = 10
MAX_REFERRAL_LIMIT = 50
FORMATS = ("json", "csv", "vcf")
Format = Literal["json", "csv", "vcf"]
_ICD10 = re.compile(r"^[A-Za-z][0-9][0-9A-Za-z](?:\.?[0-9A-Za-z]{1,4})?$")

REFERRAL_HELP: dict[str, str] = {
    "icd10": "ICD-10-CM diagnosis code, e.g. M54.3 (sciatica) or G56.0 (carpal tunnel).",
    "condition": "Condition name or synonym, when there is no code.",
    "near": "The patient's ZIP code, 'City, ST' or 'lat,lon' (required).",
    "radius_km": "Radius in km (default 40, at most 500).",
    "limit": f"Therapists on the list, 1-{MAX_REFERRAL_LIMIT} (default {DEFAULT_LIMIT}).",
    "format": "json (default), csv (one row per therapist) or vcf (one vCard per therapist).",
}


@dataclass
class ReferralParams:
    icd10: str | None = None
    condition: str | None = None
    near: str | None = None
    radius_km: float | None = None
    limit: int = DEFAULT_LIMIT


def check_format(value: str) -> Format:
    if value not in FORMATS:
        raise InvalidParameter("format", f"must be one of {', '.join(FORMATS)}, got {value!r}")
    return value  # type: ignore[return-value]  # checked against FORMATS just above


def _list_id(params: ReferralParams, generation: str, today: date) -> str:
    """The same query on the same index generation and day gives the same list, so the same id."""
    key = json.dumps([params.icd10, params.condition, params.near, params.radius_km, params.limit, generation, today.isoformat()])
    return "ref_" + hashlib.sha256(key.encode()).hexdigest()[:16]


def make_referral(
    params: ReferralParams,
    backend: SearchBackend,
    vocab: Vocabulary,
    today: date,
    default_radius_km: float = 40.0,
    stale_after_days: int = 365,
    now: datetime | None = None,
) -> ReferralList:
    """Validate the request, search, and present the list (not yet stored)."""
    if params.icd10 is None and params.condition is None:
        raise InvalidParameter("icd10", "give a diagnosis code (icd10) or a condition")
    if params.icd10 is not None and params.condition is not None:
        raise InvalidParameter("condition", "give either icd10 or condition, not both")
    if params.near is None or not params.near.strip():
        raise InvalidParameter("near", "a referral needs the patient's place: a ZIP code, 'City, ST' or 'lat,lon'")
    if not 1 <= params.limit <= MAX_REFERRAL_LIMIT:
        raise InvalidParameter("limit", f"must be between 1 and {MAX_REFERRAL_LIMIT}, got {params.limit}")
    if params.icd10 is not None:
        code = params.icd10.strip()
        match = vocab.match(code, "condition") if _ICD10.match(code) else None
        if match is None or match.method != "icd10":
            raise InvalidParameter("icd10", f"{params.icd10!r} is not an ICD-10 code of a condition massage therapists here treat")
        condition_text = code
    else:
        condition_text = params.condition or ""
    search = SearchParams(
        condition=condition_text, near=params.near, radius_km=params.radius_km, limit=params.limit, license_status="active"
    )
    try:
        query, interpreted = build_query(search, vocab, today, default_radius_km, stale_after_days)
    except InvalidParameter as exc:
        if exc.parameter == "condition" and params.icd10 is not None:
            raise InvalidParameter("icd10", exc.reason, exc.suggestions) from exc
        raise
    query.verified_only = True
    query.min_fit = FIT_CERTIFICATION  # a stated specialty or a qualifying certification; not a guess from techniques
    page = backend.search(query)
    meta = backend.metadata()
    generation = meta.get("generation") or meta.get("built_at") or "unknown"
    created = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    header = {
        "list_id": _list_id(params, generation, today),
        "created_at": created,
        "index_generation": generation,
        "index_built_at": meta.get("built_at"),
        "query": {
            "icd10": params.icd10,
            "condition": params.condition,
            "near": params.near,
            "radius_km": query.radius_km,
            "limit": params.limit,
        },
    }
    return present_referral(header, page, query.conditions[0], interpreted, vocab, today)


class ReferralStore:
    """Referral lists as made, by id, in their own SQLite file (an index rebuild never touches it)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            conn.execute("PRAGMA journal_mode = WAL")  # several server workers may write at once
            conn.execute(
                "CREATE TABLE IF NOT EXISTS referral_lists (list_id TEXT PRIMARY KEY, created_at TEXT NOT NULL, doc TEXT NOT NULL)"
            )
            conn.commit()
            self._conn = conn
        return self._conn

    def save(self, referral: ReferralList) -> ReferralList:
        """Store the list; when its id is already stored, the stored list wins (it is what was cited)."""
        with self._lock:
            conn = self._connect()
            conn.execute(
                "INSERT OR IGNORE INTO referral_lists VALUES (?, ?, ?)", (referral.list_id, referral.created_at, referral.model_dump_json())
            )
            conn.commit()
            row = conn.execute("SELECT doc FROM referral_lists WHERE list_id = ?", (referral.list_id,)).fetchone()
        return ReferralList.model_validate_json(row[0])

    def get(self, list_id: str) -> ReferralList | None:
        if not self.path.exists():
            return None
        with self._lock:
            row = self._connect().execute("SELECT doc FROM referral_lists WHERE list_id = ?", (list_id,)).fetchone()
        return ReferralList.model_validate_json(row[0]) if row else None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


# Exports ---------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "list_id",
    "rank",
    "listing_id",
    "name",
    "credentials",
    "npi",
    "licenses",
    "verified_by",
    "street",
    "city",
    "state",
    "postal_code",
    "phone",
    "distance_km",
    "treats",
    "training",
    "evidence",
    "condition",
    "icd10",
    "as_of",
    "index_generation",
)


def _licences_text(entry: ReferralEntry) -> str:
    return "; ".join(f"{lic.state} {lic.number} ({lic.status}{', verified' if lic.verified else ''})" for lic in entry.licenses)


def _training_text(entry: ReferralEntry) -> str:
    parts = []
    for t in entry.training:
        detail = ", ".join(x for x in (t.issuer, f"#{t.number}" if t.number else None) if x)
        parts.append(f"{t.name} ({detail})" if detail else t.name)
    return "; ".join(parts)


def to_csv(referral: ReferralList) -> str:
    """One row per therapist, with the list's citation fields on every row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for e in referral.entries:
        writer.writerow(
            [
                referral.list_id,
                e.rank,
                e.id,
                e.name,
                ", ".join(e.credentials),
                e.npi or "",
                _licences_text(e),
                "; ".join(lic.verified_by for lic in e.licenses if lic.verified_by),
                e.address.street or "",
                e.address.city or "",
                e.address.state or "",
                e.address.postal_code or "",
                e.phone or "",
                "" if e.distance_km is None else f"{e.distance_km:.1f}",
                e.treats,
                _training_text(e),
                "; ".join(f"{ev.term}: {ev.text!r} ({ev.source})" for ev in e.evidence),
                referral.condition.name,
                ", ".join(referral.condition.icd10),
                referral.as_of,
                referral.index_generation,
            ]
        )
    return out.getvalue()


def _escape(value: str) -> str:
    """A vCard text value (RFC 6350 §3.4): backslash, comma, semicolon and newline escaped."""
    return value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\r\n", "\\n").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with CRLF and a space (RFC 6350 §3.2)."""
    raw, out, start = line.encode("utf-8"), [], 0
    while len(raw) - start > 75:
        end = start + (75 if start == 0 else 74)
        while end > start and (raw[end] & 0xC0) == 0x80:  # never split a UTF-8 sequence
            end -= 1
        out.append(raw[start:end].decode("utf-8"))
        start = end
    out.append(raw[start:].decode("utf-8"))
    return "\r\n ".join(out)


def to_vcards(referral: ReferralList) -> str:
    """One vCard 3.0 per therapist: name, credentials, practice address, phone, licences and training in a note."""
    cards = []
    for e in referral.entries:
        name = HumanName(e.name)
        note = (
            f"Referral list {referral.list_id} (rank {e.rank}) for {referral.condition.name}. "
            f"Licences: {_licences_text(e)}. Treats: {e.treats}."
            + (f" Training: {_training_text(e)}." if e.training else "")
            + (f" NPI {e.npi}." if e.npi else "")
        )
        lines = [
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"UID:urn:therapist-directory:{e.id}",
            f"FN:{_escape(e.name + (', ' + ', '.join(e.credentials) if e.credentials else ''))}",
            "N:" + ";".join(_escape(part) for part in (name.last, name.first, name.middle, name.title, name.suffix)),
            f"ADR;TYPE=WORK:;;{_escape(e.address.street or '')};{_escape(e.address.city or '')};"
            f"{_escape(e.address.state or '')};{_escape(e.address.postal_code or '')};USA",
        ]
        if e.credentials:
            lines.append(f"TITLE:{_escape(', '.join(e.credentials))}")
        if e.phone:
            lines.append(f"TEL;TYPE=WORK,VOICE:{_escape(e.phone)}")
        lines += [f"NOTE:{_escape(note)}", "END:VCARD"]
        cards.append("\r\n".join(_fold(line) for line in lines) + "\r\n")
    return "".join(cards)
