"""The Elasticsearch backend: for replicas, several API servers behind a load balancer, or more
listings than one machine holds. Same ranking, same pages as SQLite.

Writing: a build writes a new generation `<alias>-<n>` (listings) and `<alias>-<n>-meta`
(metadata, review queue, identity map) with `helpers.streaming_bulk`; any per-item failure fails
the build with every reason logged; the listing count is checked; then the alias moves to the new
generation in one `update_aliases` call and generations past `retain` are deleted. A build that
fails deletes what it wrote; one that is killed leaves an orphan the next build deletes. Either
way the alias stays where it was.

Reading: candidate retrieval, the vector score (`es_query.score_script`, generated from
`directory/ranking.py`), `total` and facets (aggregations) happen in Elasticsearch. Only the page
window comes back: every candidate after the cursor whose approximate score can reach the page
(`search_after` on score, then id). `results.rank_page` then re-scores that window exactly in
Python from the stored listings, as for SQLite, so pages, scores and cursors are identical.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any

import numpy as np
from elasticsearch import Elasticsearch

from directory.backends.base import IndexStats, SearchPage, built_for
from directory.backends.es_client import call, make_client
from directory.backends.es_query import SCORE_OFFSET, aggregations, document, filters, mapping, score_error_bound, search_query
from directory.backends.memory import listing_candidate
from directory.backends.results import STATUSES, CandidateSet, TermBits, band_counts, ordered_counts, rank_page
from directory.errors import BackendError
from directory.geo import distance_km
from directory.identity import IdentityMap, Redirect
from directory.models import Listing, ReviewItem
from directory.names import name_matches, name_words
from directory.query import SearchQuery
from directory.ranking import Candidate, condition_fits, inputs_of, relevant_certifications, score_inputs
from directory.vocabulary import Vocabulary, get_vocabulary

log = logging.getLogger(__name__)

META_MAPPING = {
    "dynamic": "strict",
    "properties": {"kind": {"type": "keyword"}, "seq": {"type": "integer"}, "body": {"type": "object", "enabled": False}},
}
IDENTITY_CHUNK = 5_000  # records per identity document
BULK_CHUNK = 500
BULK_TIMEOUT_S = 300.0  # one bulk request of BULK_CHUNK documents; searches keep the client's 10 s
MAX_WINDOW = 10_000  # Elasticsearch's largest page


class ElasticsearchBackend:
    name = "elasticsearch"

    def __init__(
        self,
        url: str,
        alias: str = "listings",
        vocab: Vocabulary | None = None,
        plain_json: bool = False,
        retain: int = 2,
        replicas: int = 0,
    ) -> None:
        if not re.fullmatch(r"[a-z0-9][a-z0-9_]*", alias):
            raise BackendError(f"Elasticsearch alias {alias!r} must be lower-case letters, digits and _")
        self.url, self.alias, self.retain, self.replicas = url, alias, max(1, retain), replicas
        self.vocab = vocab or get_vocabulary()
        self.plain_json = plain_json
        self._client: Elasticsearch | None = None
        self.term_bits = TermBits.of(self.vocab)
        self._identity: tuple[str, IdentityMap] | None = None  # (index, its map), for redirects

    @property
    def client(self) -> Elasticsearch:
        """This process's client, made on first use (after `close`, or in a forked worker, anew)."""
        if self._client is None:
            self._client = make_client(self.url, self.plain_json)
        return self._client

    # Generations --------------------------------------------------------------------------------

    def _index_name(self, generation: int) -> str:
        return f"{self.alias}-{generation}"

    def _generations(self) -> dict[int, list[str]]:
        """Every generation on the cluster (also orphans of killed builds) → its index names."""
        found = call(self.url, "list indices", lambda: self.client.indices.get(index=f"{self.alias}-*", expand_wildcards="all"))
        out: dict[int, list[str]] = {}
        for name in found.body:
            if match := re.fullmatch(rf"{re.escape(self.alias)}-(\d+)(-meta)?", name):
                out.setdefault(int(match.group(1)), []).append(name)
        return out

    def current_index(self) -> str | None:
        """The listings index the alias points to (None before the first build)."""
        if not call(self.url, "look up the alias", lambda: self.client.indices.exists_alias(name=self.alias)).body:
            return None
        body = call(self.url, "look up the alias", lambda: self.client.indices.get_alias(name=self.alias)).body
        names = sorted(body)
        if len(names) != 1:
            raise BackendError(f"alias {self.alias} points to {names}; expected one index")
        return names[0]

    def _required_index(self) -> str:
        index = self.current_index()
        if index is None:
            raise BackendError(
                f"no Elasticsearch index {self.alias!r} at {self.url}; run `therapists index --from DIR --es {self.url}` first"
            )
        return index

    # Writing -------------------------------------------------------------------------------------

    def replace_all(
        self,
        listings: Iterable[Listing],
        metadata: dict[str, str] | None = None,
        review: list[ReviewItem] | None = None,
        identity: IdentityMap | None = None,
    ) -> IndexStats:
        from elasticsearch import helpers

        built_on = built_for(metadata)
        generations = self._generations()
        generation = max(generations, default=0) + 1
        index, meta_index = self._index_name(generation), f"{self._index_name(generation)}-meta"
        settings = {"number_of_shards": 1, "number_of_replicas": self.replicas, "refresh_interval": "-1"}
        try:
            call(
                self.url,
                "create an index",
                lambda: self.client.indices.create(index=index, mappings=mapping(self.vocab), settings=settings),
            )
            call(
                self.url, "create an index", lambda: self.client.indices.create(index=meta_index, mappings=META_MAPPING, settings=settings)
            )
            count = 0

            def actions() -> Iterator[dict[str, Any]]:
                nonlocal count
                for listing in listings:
                    count += 1
                    yield {"_index": index, "_id": listing.id, "_source": document(listing, self.vocab, built_on)}

            self._bulk(helpers, actions(), "listings")
            self._bulk(helpers, self._meta_actions(meta_index, metadata or {}, review or [], identity), "metadata")
            call(self.url, "refresh", lambda: self.client.indices.refresh(index=f"{index},{meta_index}"))
            stored = call(self.url, "count", lambda: self.client.count(index=index)).body["count"]
            if stored != count:
                raise BackendError(f"index {index} holds {stored} listings, the build wrote {count}; the alias was not moved")
            # Marks the generation complete: retention counts only these (a killed build's is an orphan).
            call(
                self.url,
                "mark the build complete",
                lambda: self.client.index(
                    index=meta_index, id="complete", document={"kind": "complete", "seq": 0, "body": {}}, refresh=True
                ),
            )
            self._swap(index)
        except BaseException:
            self._delete([index, meta_index])
            raise
        self._prune(generation)
        return IndexStats(count, self.name, f"{self.url} {self.alias} → {index}")

    def _bulk(self, helpers: Any, actions: Iterable[dict[str, Any]], what: str) -> None:
        failures: list[str] = []
        writer = self.client.options(request_timeout=BULK_TIMEOUT_S)
        stream = helpers.streaming_bulk(writer, actions, chunk_size=BULK_CHUNK, raise_on_error=False, max_retries=2)
        for ok, item in call(self.url, f"bulk-write {what}", lambda: _drain(stream)):
            if not ok:
                op = next(iter(item.values()))
                reason = op.get("error", {})
                text = (
                    f"{op.get('_id')}: {reason.get('type', '')}: {reason.get('reason', reason)}"
                    if isinstance(reason, dict)
                    else str(reason)
                )
                log.error("bulk write of %s failed for %s", what, text)
                failures.append(text)
        if failures:
            shown = "; ".join(failures[:5]) + (f"; and {len(failures) - 5} more" if len(failures) > 5 else "")
            raise BackendError(f"{len(failures)} {what} documents were rejected, so nothing was published: {shown}")

    def _meta_actions(
        self, index: str, metadata: dict[str, str], review: list[ReviewItem], identity: IdentityMap | None
    ) -> Iterator[dict[str, Any]]:
        yield {"_index": index, "_id": "metadata", "_source": {"kind": "metadata", "seq": 0, "body": metadata}}
        for i, item in enumerate(review):
            yield {"_index": index, "_id": f"review-{i}", "_source": {"kind": "review", "seq": i, "body": item.model_dump(mode="json")}}
        if identity is None:
            return
        head = {"build": identity.build, "first_build": identity.first_build, "first_seen": identity.first_seen}
        head["redirects"] = {old: list(hop) for old, hop in identity.redirects.items()}
        yield {"_index": index, "_id": "identity", "_source": {"kind": "identity", "seq": 0, "body": head}}
        records = sorted(identity.records.items())
        for seq, start in enumerate(range(0, len(records), IDENTITY_CHUNK)):
            chunk = dict(records[start : start + IDENTITY_CHUNK])
            yield {"_index": index, "_id": f"records-{seq}", "_source": {"kind": "records", "seq": seq, "body": chunk}}

    def _swap(self, index: str) -> None:
        """Point the alias at `index` in one call: readers see the old generation or the new, never neither."""
        current = self.current_index()
        actions: list[dict[str, Any]] = [{"add": {"index": index, "alias": self.alias}}]
        if current is not None:
            actions.insert(0, {"remove": {"index": current, "alias": self.alias}})
        call(self.url, "move the alias", lambda: self.client.indices.update_aliases(actions=actions))

    def _complete(self, generation: int) -> bool:
        meta = f"{self._index_name(generation)}-meta"
        return bool(call(self.url, "check a generation", lambda: self.client.exists(index=meta, id="complete")).body)

    def _prune(self, newest: int) -> None:
        """Keep the newest `retain` complete generations (the live one among them); delete older
        ones and every orphan a killed build left behind."""
        generations = self._generations()
        live = self.current_index()
        older = sorted((g for g in generations if g < newest), reverse=True)
        keep = {newest, *[g for g in older if self._complete(g)][: self.retain - 1]}
        self._delete([name for g, names in generations.items() if g <= newest and g not in keep for name in names if name != live])

    def _delete(self, names: list[str]) -> None:
        for name in names:
            try:
                self.client.indices.delete(index=name, ignore_unavailable=True)
            except Exception as exc:  # cleanup must not hide the error that led here
                log.warning("could not delete index %s: %s", name, exc)

    # Reading -------------------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchPage:
        window = _Window(self, query)
        return rank_page(window, query, self.vocab, window.load)

    def get(self, listing_id: str) -> Listing | None:
        from elasticsearch import NotFoundError

        def fetch() -> dict[str, Any] | None:
            try:
                return dict(self.client.get(index=self.alias, id=listing_id, source_includes=["doc"]).body)
            except NotFoundError as exc:
                if isinstance(exc.body, dict) and exc.body.get("found") is False:
                    return None
                raise

        found = call(self.url, "read a listing", fetch)
        return Listing.model_validate(found["_source"]["doc"]) if found else None

    def all_ids(self) -> list[str]:
        ids: list[str] = []
        after: list[Any] | None = None
        while True:
            extra: dict[str, Any] = {"search_after": after} if after else {}
            request = partial(self.client.search, index=self.alias, size=MAX_WINDOW, sort=[{"id": "asc"}], source=False, **extra)
            body = call(self.url, "list listing ids", request).body
            hits = body["hits"]["hits"]
            ids.extend(hit["_id"] for hit in hits)
            if len(hits) < MAX_WINDOW:
                return ids
            after = hits[-1]["sort"]

    def _meta_docs(self, kind: str) -> list[Any]:
        index = f"{self._required_index()}-meta"
        docs: list[Any] = []
        after: list[Any] | None = None
        while True:
            extra: dict[str, Any] = {"search_after": after} if after else {}
            request = partial(self.client.search, index=index, query={"term": {"kind": kind}}, size=1_000, sort=[{"seq": "asc"}], **extra)
            body = call(self.url, f"read the {kind}", request).body
            hits = body["hits"]["hits"]
            docs.extend(hit["_source"]["body"] for hit in hits)
            if len(hits) < 1_000:
                return docs
            after = hits[-1]["sort"]

    def metadata(self) -> dict[str, str]:
        index = self._required_index()
        stored = self._meta_docs("metadata")
        return {**(stored[0] if stored else {}), "elasticsearch_index": index}

    def review_queue(self) -> list[ReviewItem]:
        items = [ReviewItem.model_validate(body) for body in self._meta_docs("review")]
        return sorted(items, key=lambda r: (-r.score, r.record_a))

    def identity(self) -> IdentityMap:
        index = self.current_index()
        if index is None:
            return IdentityMap()
        if self._identity is not None and self._identity[0] == index:  # a generation never changes
            return self._identity[1]
        loaded = self._load_identity()
        self._identity = (index, loaded)
        return loaded

    def _load_identity(self) -> IdentityMap:
        head = self._meta_docs("identity")
        if not head:
            return IdentityMap()
        records: dict[str, str] = {}
        for chunk in self._meta_docs("records"):
            records.update(chunk)
        h = head[0]
        return IdentityMap(
            build=h["build"],
            records=records,
            first_build=dict(h["first_build"]),
            first_seen=dict(h["first_seen"]),
            redirects={old: Redirect(*hop) for old, hop in h["redirects"].items()},
        )

    def redirect(self, listing_id: str) -> str | None:
        hop = self.identity().redirects.get(listing_id)
        return hop.new_id if hop is not None and self.get(hop.new_id) is not None else None

    def close(self) -> None:
        """Drop the connections; the backend stays usable and reconnects on its next call (so a
        server can close it before forking workers, each of which then opens its own)."""
        if self._client is not None:
            self._client.close()
            self._client = None


def _drain(stream: Iterator[tuple[bool, dict[str, Any]]]) -> list[tuple[bool, dict[str, Any]]]:
    return list(stream)


class _Window(CandidateSet):
    """The candidates Elasticsearch returned for one page: scores as it computed them (within
    `score_error_bound` of the exact ones), in its order; `total` and facets of the whole set."""

    def __init__(self, backend: ElasticsearchBackend, query: SearchQuery) -> None:
        self.backend, self.query = backend, query
        self.bound_value = score_error_bound(query)
        hits, self._total, aggs = self._fetch()
        self.listings = {hit["_id"]: Listing.model_validate(hit["_source"]["doc"]) for hit in hits}
        self.ids = [hit["_id"] for hit in hits]
        self.sorted_ids = np.array(sorted(self.ids), dtype=object)
        scores = np.array([float(hit["_score"]) - SCORE_OFFSET for hit in hits], dtype=np.float64)
        id_rank = np.searchsorted(self.sorted_ids, np.array(self.ids, dtype=object)).astype(np.int64)
        self._facets = self._facet_counts(aggs)
        self._exact: list[Candidate] | None = None
        super().__init__(scores, id_rank, facets=None, bound=self.bound_value)  # facets come from aggregations

    def _fetch(self) -> tuple[list[dict[str, Any]], int, dict[str, Any]]:
        """Hits in Elasticsearch's order until every candidate that can reach the page is in."""
        be, query, delta, limit = self.backend, self.query, self.bound_value, self.query.limit
        body: dict[str, Any] = {
            "query": search_query(query, be.vocab, self._named() if query.name_text else None),
            "sort": [{"_score": "desc"}, {"id": "asc"}],
            "_source": ["doc"],
            "track_total_hits": True,
            "aggs": aggregations(query, be.term_bits.modalities, be.term_bits.certifications),
        }
        at = query.cursor.score if query.cursor is not None else None
        if at is not None:
            body["search_after"] = [SCORE_OFFSET + at + 2 * delta, ""]  # everything that may come after the cursor
        hits: list[dict[str, Any]] = []
        size = limit + 1 + max(limit, 20)
        total, aggs = 0, {}
        first = True
        while True:
            body["size"] = min(size, MAX_WINDOW)
            answer = call(be.url, "search", partial(be.client.search, index=be.alias, **body)).body
            batch = answer["hits"]["hits"]
            if first:
                total, aggs, first = int(answer["hits"]["total"]["value"]), answer.get("aggregations", {}), False
                body.pop("aggs")
                body["track_total_hits"] = False
            hits.extend(batch)
            if len(batch) < body["size"] or self._complete(hits, at, delta, limit):
                return hits, total, aggs
            body["search_after"] = batch[-1]["sort"]
            size *= 2

    def _named(self) -> list[str]:
        """Ids of the listings passing the other filters whose names match (`names.name_matches`,
        which Elasticsearch cannot express): their names are read in id order and matched here."""
        be, query = self.backend, self.query
        wanted = name_words(query.name_text or "")
        if not wanted:
            return []
        ask = {"bool": {"filter": filters(query, be.vocab)}}
        named: list[str] = []
        after: list[Any] | None = None
        while True:
            extra: dict[str, Any] = {"search_after": after} if after else {}
            request = partial(
                be.client.search, index=be.alias, query=ask, size=MAX_WINDOW, sort=[{"id": "asc"}], source_includes=["name_key"], **extra
            )
            hits = call(be.url, "match names", request).body["hits"]["hits"]
            named.extend(hit["_id"] for hit in hits if name_matches(wanted, hit["_source"]["name_key"]))
            if len(hits) < MAX_WINDOW:
                return named
            after = hits[-1]["sort"]

    @staticmethod
    def _complete(hits: list[dict[str, Any]], at: float | None, delta: float, limit: int) -> bool:
        """Whether every unfetched candidate is surely below the page: `limit` fetched ones surely
        after the cursor score more than 2δ above everything not yet fetched."""
        scores = np.array([float(h["_score"]) - SCORE_OFFSET for h in hits])
        after = scores if at is None else scores[scores < at - delta]
        if len(after) <= limit:
            return False
        cut = np.partition(after, len(after) - limit)[len(after) - limit]
        return bool(scores[-1] < cut - 2 * delta)

    def total(self) -> int:
        return self._total

    def facet_counts(self, query: SearchQuery) -> dict[str, dict[str, int]]:
        return self._facets

    def _facet_counts(self, aggs: dict[str, Any]) -> dict[str, dict[str, int]]:
        from collections import Counter

        def buckets(name: str) -> Counter[str]:
            return Counter({b["key"]: int(b["doc_count"]) for b in aggs.get(name, {}).get("buckets", [])})

        if self.query.license_status == "active":
            status = Counter({"active": self._total})
        else:
            lapsed = aggs.get("lapsed", {})
            status = Counter({b["key"]: int(b["doc_count"]) for b in lapsed.get("status", {}).get("buckets", [])})
            status["active"] += self._total - int(lapsed.get("doc_count", 0))
        unknown = set(status) - set(STATUSES)
        if unknown:
            raise BackendError(f"the index holds licence statuses this program does not know: {sorted(unknown)}")
        facets = {
            "modality": ordered_counts(buckets("modality")),
            "certification": ordered_counts(buckets("certification")),
            "license_status": ordered_counts(status),
        }
        if self.query.near is not None:
            bands = [int(b["doc_count"]) for b in sorted(aggs.get("distance", {}).get("buckets", []), key=lambda b: int(b["key"]))]
            facets["distance_km"] = band_counts(list(np.cumsum(bands[:-1]).tolist()), self._total)
        return facets

    def rank_after(self, listing_id: str) -> int:
        return int(np.searchsorted(self.sorted_ids, listing_id, side="right"))

    def _candidates(self) -> list[Candidate]:
        """Every window listing as the reference backend sees it: exact distances and fits."""
        if self._exact is None:
            query, vocab, near = self.query, self.backend.vocab, self.query.near
            cid = query.conditions[0].id if query.conditions else None
            out = []
            for lid in self.ids:
                listing = self.listings[lid]
                fit = condition_fits(listing, vocab, query.today).get(cid) if cid else None
                loc = listing.location
                distance = None
                if near is not None and loc is not None and loc.lat is not None and loc.lon is not None:
                    distance = distance_km(near.lat, near.lon, loc.lat, loc.lon)
                out.append(listing_candidate(listing, query, fit, distance))
            self._exact = out
        return self._exact

    def exact_scores(self, positions: np.ndarray) -> np.ndarray:
        candidates = self._candidates()
        chosen = [candidates[int(i)] for i in positions]
        if not chosen:
            return np.empty(0, dtype=np.float64)
        return score_inputs(self.query, inputs_of(chosen, self.query, relevant_certifications(self.query, self.backend.vocab)))

    def candidates(self, positions: np.ndarray) -> list[Candidate]:
        candidates = self._candidates()
        return [candidates[int(i)] for i in positions]

    def load(self, ids: list[str]) -> dict[str, Listing]:
        return {lid: self.listings[lid] for lid in ids}
