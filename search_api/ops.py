"""What operators plug in: Prometheus metrics and structured JSON request logs.

- Requests are counted and timed by route template and status (`therapists_http_requests_total`,
  `therapists_http_request_duration_seconds`) in a plain ASGI middleware, which also writes one
  JSON log line per request carrying its request id (the one `errors.RequestIdMiddleware` gave it).
- Index facts (listings by licence status, generation, age, build duration, the last index and
  crawl runs' counters) are read from the backend when `/metrics` is scraped (`IndexCollector`),
  cached per index build and day, so a scrape costs one facet count a day.
- With several worker processes (`therapists serve --workers N`) each writes its request metrics
  to files under `PROMETHEUS_MULTIPROC_DIR` (prometheus-client's multiprocess mode) and a scrape
  of any worker sums them all.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from directory.backends.base import SearchBackend
from directory.query import SearchQuery

access_log = logging.getLogger("therapists.access")

REQUESTS = Counter(
    "therapists_http_requests_total", "HTTP requests answered, by route template, method and status.", ["route", "method", "status"]
)
LATENCY = Histogram(
    "therapists_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template, method and status.",
    ["route", "method", "status"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, and the fields a record carries in `fields`."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def _route(scope: Scope) -> str:
    """The matched route's template (`/therapists/{listing_id}`), never the raw path: labels stay few."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return str(path) if path else "unmatched"


class MetricsMiddleware:
    """Counts, times and logs every HTTP request. Runs inside the request-id middleware, so the id is set."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # an exception that escapes is answered 500 outside all middleware

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            elapsed = time.perf_counter() - started
            route, method = _route(scope), scope["method"]
            REQUESTS.labels(route, method, str(status)).inc()
            LATENCY.labels(route, method, str(status)).observe(elapsed)
            if access_log.isEnabledFor(logging.INFO):
                fields = {
                    "request_id": scope.get("state", {}).get("request_id"),
                    "method": method,
                    "path": scope["path"],
                    "query": scope.get("query_string", b"").decode("latin-1"),
                    "route": route,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 3),
                    "pid": os.getpid(),
                }
                access_log.info("request", extra={"fields": fields})


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


class IndexCollector(Collector):
    """Index facts for /metrics, read from the backend at scrape time."""

    LAST_INDEX = ("listings", "source_records", "quarantined", "suppressed", "review_pairs")
    CRAWL_COUNTERS = ("fetched", "items", "quarantined", "errors", "robots_denied")

    def __init__(self, backend: SearchBackend, today: date | None = None) -> None:
        self.backend, self.today = backend, today
        self._status_cache: tuple[tuple[str, date], dict[str, int]] | None = None

    def _by_status(self, meta: dict[str, str], today: date) -> dict[str, int]:
        key = (meta.get("built_at", ""), today)
        if self._status_cache is None or self._status_cache[0] != key:
            page = self.backend.search(SearchQuery(license_status="any", limit=1, today=today))
            self._status_cache = (key, dict(page.facets.get("license_status", {})))
        return self._status_cache[1]

    def collect(self) -> Iterator[Metric]:
        meta = self.backend.metadata()
        today = self.today or date.today()
        listings = GaugeMetricFamily(
            "therapists_listings", "Listings in the index by licence status as of today.", labels=["license_status"]
        )
        for status, count in sorted(self._by_status(meta, today).items()):
            listings.add_metric([status], count)
        yield listings
        if (generation := _number(meta.get("generation"))) is not None:
            yield GaugeMetricFamily("therapists_index_generation", "Index builds so far, counting the one serving.", value=generation)
        if built_at := meta.get("built_at"):
            age = (datetime.now(UTC) - datetime.fromisoformat(built_at)).total_seconds()
            yield GaugeMetricFamily("therapists_index_age_seconds", "Seconds since the serving index was built.", value=age)
        if (seconds := _number(meta.get("build_seconds"))) is not None:
            yield GaugeMetricFamily(
                "therapists_index_build_duration_seconds", "Reading, extracting and linking of the serving index's build.", value=seconds
            )
        last = GaugeMetricFamily(
            "therapists_last_index_records", "Counters of the index run that built the serving index.", labels=["counter"]
        )
        for name in self.LAST_INDEX:
            if (value := _number(meta.get(name))) is not None:
                last.add_metric([name], value)
        yield last
        crawl = GaugeMetricFamily(
            "therapists_last_crawl", "Counters of the crawl the serving index was built from, by source.", labels=["source", "counter"]
        )
        for source in _crawl_summary(meta.get("raw_dir")):
            for name in self.CRAWL_COUNTERS:
                if isinstance(source.get(name), int | float):
                    crawl.add_metric([str(source.get("source")), name], float(source[name]))
        yield crawl


def _crawl_summary(raw_dir: str | None) -> list[dict[str, Any]]:
    if not raw_dir:
        return []
    try:
        data = json.loads((Path(raw_dir) / "crawl_summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    sources = data.get("sources", []) if isinstance(data, dict) else []
    return [s for s in sources if isinstance(s, dict)]


def render_metrics(index: IndexCollector) -> bytes:
    """The text exposition: request metrics (summed over workers in multiprocess mode) and index facts."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_Forward(REGISTRY))
    registry.register(index)
    return generate_latest(registry)


class _Forward(Collector):
    """The process's default registry, inside a per-scrape registry that also holds the index facts."""

    def __init__(self, source: CollectorRegistry) -> None:
        self.source = source

    def collect(self) -> Iterator[Metric]:
        return iter(self.source.collect())
