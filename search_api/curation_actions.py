"""What each admin decision does to the curation store: the routes stay thin, and every change
writes its override(s) and audit entries in one transaction."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from sqlalchemy import Connection

from directory.backends.base import SearchBackend
from directory.curation.overrides import CORRECTABLE, Override, OverrideKind, licence_matches, verifiable
from directory.curation.store import CurationStore, ReviewEntry, User
from directory.errors import Conflict, InvalidParameter, NotFound
from directory.vocabulary import Vocabulary


def record_keys(backend: SearchBackend, listing_id: str) -> list[str]:
    """The source records behind a listing, from the index's identity map."""
    return sorted(key for key, lid in backend.identity().records.items() if lid == listing_id)


def listing_or_404(backend: SearchBackend, listing_id: str) -> Any:
    listing = backend.get(listing_id)
    if listing is None:
        raise NotFound(f"no therapist with id {listing_id!r}")
    return listing


def check_correction(name: str, value: Any, parameter: str = "field") -> None:
    if name not in CORRECTABLE:
        raise InvalidParameter(parameter, f"{name!r} cannot be corrected; correctable fields: {', '.join(CORRECTABLE)}")
    wanted = CORRECTABLE[name]
    if not isinstance(value, wanted) or (isinstance(value, bool) and wanted is not bool):
        raise InvalidParameter("value", f"{name} takes a {getattr(wanted, '__name__', wanted)}")
    if isinstance(value, list) and not all(isinstance(v, str) and len(v) <= 100 for v in value):
        raise InvalidParameter("value", f"{name} takes a list of short strings")
    if isinstance(value, str) and not 0 < len(value) <= 4000:
        raise InvalidParameter("value", "1 to 4000 characters")


def hide(store: CurationStore, backend: SearchBackend, listing_id: str, user: User, reason: str) -> Override:
    if listing_id in store.snapshot().hidden_ids:
        raise Conflict(f"listing {listing_id!r} is hidden already")
    listing = listing_or_404(backend, listing_id)
    return store.add_override(OverrideKind.hide, user.name, reason, listing_id, before={"hidden": False, "name": listing.name})


def unhide(store: CurationStore, listing_id: str, user: User, reason: str) -> list[Override]:
    """Retire the listing's hide overrides; it returns to search at the next index build."""
    hides = [o for o in store.overrides(listing_id=listing_id) if o.kind == OverrideKind.hide]
    if not hides:
        raise NotFound(f"listing {listing_id!r} is not hidden")
    with store.transaction() as conn:
        return [store.retire_override(o.id, user.name, reason, conn) for o in hides]


def correct(store: CurationStore, backend: SearchBackend, listing_id: str, user: User, name: str, value: Any, reason: str) -> Override:
    check_correction(name, value)
    current = listing_or_404(backend, listing_id)
    return store.add_override(
        OverrideKind.correct, user.name, reason, listing_id, payload={"field": name, "value": value}, before={name: getattr(current, name)}
    )


def change_term(
    store: CurationStore,
    backend: SearchBackend,
    vocab: Vocabulary,
    listing_id: str,
    user: User,
    action: str,
    kind: Literal["condition", "modality"],
    term: str,
    reason: str,
) -> Override:
    """Add or remove a condition or technique (a vocabulary id); an added one is marked as the directory's."""
    listing = listing_or_404(backend, listing_id)
    if term not in vocab.terms[kind]:
        raise InvalidParameter("term", f"{term!r} is not a {kind} id of the vocabulary")
    field_name = "conditions" if kind == "condition" else "modalities"
    present = term in getattr(listing, field_name)
    if present == (action == "add"):
        raise Conflict(f"listing {listing_id!r} {'already lists' if present else 'does not list'} {kind} {term!r}")
    return store.add_override(
        OverrideKind.term,
        user.name,
        reason,
        listing_id,
        payload={"action": action, "kind": kind, "term": term},
        before={field_name: getattr(listing, field_name)},
    )


def verify_license(
    store: CurationStore,
    backend: SearchBackend,
    listing_id: str,
    user: User,
    state: str,
    number: str,
    evidence: str,
    expires_on: date,
    today: date,
    reason: str,
) -> Override:
    """A licence checked by hand (a call to the board, a copy of the licence): verified until `expires_on`,
    shown as verified by the directory. Never for a licence a board lists as expired, suspended,
    revoked, on probation or inactive, or with restrictions or discipline."""
    listing = listing_or_404(backend, listing_id)
    if expires_on <= today:
        raise InvalidParameter("expires_on", "must be after today")
    match = next((lic for lic in listing.licenses_as_of(today) if licence_matches(lic, state, number)), None)
    if match is None:
        raise InvalidParameter("number", f"listing {listing_id!r} shows no licence {state}:{number}")
    if not verifiable(match):
        raise Conflict(f"licence {state}:{number} is {match.status.value} (or restricted) by its board: it cannot be verified by hand")
    return store.add_override(
        OverrideKind.verify_license,
        user.name,
        reason,
        listing_id,
        payload={"state": match.state, "number": match.number, "evidence": evidence, "expires_on": expires_on.isoformat()},
        before={"license": match.model_dump(mode="json")},
    )


def _retire_conflicting(store: CurationStore, conn: Connection, kind: OverrideKind, keys: set[str], user: User, reason: str) -> None:
    """A merge undoes the splits that kept these records apart, a split the merges that joined them."""
    for o in store.overrides(conn=conn):
        if o.kind != kind:
            continue
        if kind == OverrideKind.keep_apart:
            groups = [set(g) for g in o.payload.get("groups", [])]
            conflicting = sum(1 for g in groups if g & keys) > 1
        else:
            conflicting = len(set(o.record_keys) & keys) > 1
        if conflicting:
            store.retire_override(o.id, user.name, f"superseded: {reason}", conn)


def merge(store: CurationStore, backend: SearchBackend, listing_ids: list[str], user: User, reason: str) -> Override:
    """Two (or more) listings are one person: the oldest id survives; the others redirect to it at once."""
    if len(set(listing_ids)) < 2:
        raise InvalidParameter("listing_ids", "name at least two different listings")
    for lid in listing_ids:
        listing_or_404(backend, lid)
    identity = backend.identity()
    ordered = sorted(set(listing_ids), key=identity.age)
    keys = {lid: sorted(k for k, v in identity.records.items() if v == lid) for lid in ordered}
    every = {k for ks in keys.values() for k in ks}
    with store.transaction() as conn:
        _retire_conflicting(store, conn, OverrideKind.keep_apart, every, user, reason)
        return store.add_override(
            OverrideKind.merge,
            user.name,
            reason,
            ordered[0],
            every,
            {"listing_ids": ordered},
            before={"listings": keys},
            conn=conn,
        )


def split(store: CurationStore, backend: SearchBackend, listing_id: str, groups: list[list[str]], user: User, reason: str) -> Override:
    """One listing is several people: each group of its source records becomes its own listing at the next build."""
    listing_or_404(backend, listing_id)
    have = set(record_keys(backend, listing_id))
    given = [k for g in groups for k in g]
    if len(groups) < 2 or any(not g for g in groups):
        raise InvalidParameter("groups", "give at least two non-empty groups of record keys")
    if len(given) != len(set(given)):
        raise InvalidParameter("groups", "a record key appears in two groups")
    if set(given) != have:
        unknown, missing = sorted(set(given) - have), sorted(have - set(given))
        raise InvalidParameter("groups", f"the groups must hold exactly the listing's records; unknown: {unknown}, unassigned: {missing}")
    with store.transaction() as conn:
        _retire_conflicting(store, conn, OverrideKind.merge, have, user, reason)
        return store.add_override(
            OverrideKind.keep_apart,
            user.name,
            reason,
            listing_id,
            have,
            {"groups": [sorted(g) for g in groups]},
            before={"records": sorted(have)},
            conn=conn,
        )


def resolve(
    store: CurationStore, backend: SearchBackend, item_id: int, action: str, user: User, reason: str, value: Any = None
) -> tuple[ReviewEntry, list[Override]]:
    """Decide a review item. A pair: accept/merge joins the two records for good, reject/split keeps
    them apart for good. A public request: accept approves it (a removal suppresses the person by
    their record keys; a correction becomes overrides), reject declines it. A conflict between
    sources: accept with one of its `value`s makes that value a correction, reject dismisses it.
    Other items: accept or reject acknowledges them."""
    item = store.review_item(item_id)
    if item.status == "resolved":
        raise Conflict(f"review item {item_id} was resolved ({item.resolution}) on {item.resolved_at}")
    allowed = {"pair": {"accept", "reject", "merge", "split"}}.get(item.kind, {"accept", "reject"})
    if action not in allowed:
        raise InvalidParameter("action", f"a {item.kind} item takes {', '.join(sorted(allowed))}")
    offered = [v["value"] for v in item.detail.get("values", [])] if item.kind == "conflict" else []
    if item.kind == "conflict" and action == "accept" and value not in offered:
        raise InvalidParameter("value", f"accept one of the values the sources gave: {offered}")
    made: list[Override] = []
    with store.transaction() as conn:
        if item.kind == "conflict" and action == "accept":
            name, listing_id = item.detail["field"], item.listing_ids[0]
            current = backend.get(listing_id)
            made.append(
                store.add_override(
                    OverrideKind.correct,
                    user.name,
                    reason,
                    listing_id,
                    payload={"field": name, "value": value, "review": item.id},
                    before={name: item.detail.get("shown") if current is None else _jsonable(getattr(current, name))},
                    conn=conn,
                )
            )
        elif item.kind == "pair":
            a, b = item.record_keys
            if action in ("accept", "merge"):
                identity = backend.identity()
                ordered = sorted(set(item.listing_ids), key=identity.age)
                made.append(
                    store.add_override(
                        OverrideKind.merge,
                        user.name,
                        reason,
                        ordered[0],
                        [a, b],
                        {"listing_ids": ordered},
                        before=item.model_dump(),
                        conn=conn,
                    )
                )
            else:
                made.append(
                    store.add_override(
                        OverrideKind.keep_apart,
                        user.name,
                        reason,
                        item.listing_ids[0],
                        [a, b],
                        {"groups": [[a], [b]]},
                        before=item.model_dump(),
                        conn=conn,
                    )
                )
        elif item.kind == "request" and action == "accept":
            request = store.request(int(item.detail["request"]), conn)
            if request.kind == "remove":
                keys = record_keys(backend, request.listing_id)
                made.append(
                    store.add_override(
                        OverrideKind.suppress,
                        user.name,
                        reason or "removal requested by the therapist",
                        request.listing_id,
                        keys,
                        {"request": request.id},
                        before={"listed": True},
                        conn=conn,
                    )
                )
            elif request.kind == "correct":
                current = backend.get(request.listing_id)
                for name, value in request.changes.items():
                    made.append(
                        store.add_override(
                            OverrideKind.correct,
                            user.name,
                            reason or f"correction requested (request {request.id})",
                            request.listing_id,
                            payload={"field": name, "value": value, "request": request.id},
                            before={name: getattr(current, name, None)},
                            conn=conn,
                        )
                    )
        resolved = store.resolve(item_id, action, user.name, reason, conn)
    return resolved, made


def _jsonable(value: Any) -> Any:
    return value.model_dump(mode="json") if hasattr(value, "model_dump") else value
