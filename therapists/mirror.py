"""A local mirror of real-shaped public sources, served on 127.0.0.1.

It serves a directory of files (robots.txt, board downloads, practice sites, rosters) and answers
NPI Registry API v2.1 queries from a JSON file of provider records, with the real API's paging
limits. Used by `therapists demo` and by the crawler tests; it records every request path so
tests can assert what a crawler did (and did not) fetch.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

NPPES_PATH = "/nppes/api/"
NPPES_MAX_LIMIT = 200
NPPES_MAX_SKIP = 1000


def sample_sources_dir() -> Path:
    """The sample sources bundled with the package."""
    return Path(str(resources.files("therapists") / "sample_sources"))


@dataclass
class Fault:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


def nppes_answer(records: list[dict[str, Any]], query: dict[str, str]) -> tuple[int, dict[str, Any]]:
    """What the NPI Registry API v2.1 would answer for `query` over `records`."""

    def error(description: str, field_name: str) -> tuple[int, dict[str, Any]]:
        return 200, {"Errors": [{"description": description, "field": field_name, "number": "04"}]}

    if query.get("version") != "2.1":
        return error("Unsupported Version", "version")
    try:
        limit = int(query.get("limit", "10"))
        skip = int(query.get("skip", "0"))
    except ValueError:
        return error("limit and skip must be numbers", "limit")
    if not 1 <= limit <= NPPES_MAX_LIMIT:
        return error(f"Field limit must be between 1 and {NPPES_MAX_LIMIT}", "limit")
    if not 0 <= skip <= NPPES_MAX_SKIP:
        return error(f"Field skip must be between 0 and {NPPES_MAX_SKIP}", "skip")
    taxonomy = query.get("taxonomy_description", "").lower()
    state = query.get("state", "").upper()
    postal = query.get("postal_code", "")
    if postal.endswith("*") and len(postal.rstrip("*")) < 2:
        return error("Field postal_code requires at least two characters before a wildcard", "postal_code")

    def location(record: dict[str, Any]) -> dict[str, Any]:
        return next((a for a in record.get("addresses", []) if a.get("address_purpose") == "LOCATION"), {})

    def keep(record: dict[str, Any]) -> bool:
        addr = location(record)
        if taxonomy and not any(taxonomy in t.get("desc", "").lower() for t in record.get("taxonomies", [])):
            return False
        if state and addr.get("state", "").upper() != state:
            return False
        if postal:
            code = addr.get("postal_code", "")
            if postal.endswith("*"):
                return code.startswith(postal.rstrip("*"))
            return code[:5] == postal[:5]
        return True

    matched = [r for r in records if keep(r)]
    page = matched[skip : skip + limit]
    return 200, {"result_count": len(page), "results": page}


class MirrorServer:
    """A threaded HTTP server over `root`; `base_url` is known once started."""

    def __init__(self, root: Path | None = None, nppes_records: list[dict[str, Any]] | None = None) -> None:
        self.root = (root or sample_sources_dir()).resolve()
        if nppes_records is None:
            records_file = self.root / "nppes" / "records.json"
            nppes_records = json.loads(records_file.read_text(encoding="utf-8")) if records_file.exists() else []
        self.nppes_records = nppes_records
        self.requests: list[str] = []
        self.request_times: list[float] = []  # time.monotonic() of each request, beside `requests`
        self.not_modified = 0
        self.faults: dict[str, deque[Fault]] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "server not started"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def fail_next(self, path: str, fault: Fault, times: int = 1) -> None:
        """Answer the next `times` requests for `path` with `fault` instead of the real response."""
        with self._lock:
            self.faults.setdefault(path, deque()).extend([fault] * times)

    def start(self, host: str = "127.0.0.1", port: int = 0) -> MirrorServer:
        mirror = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                mirror._handle(self)

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="mirror", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> MirrorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        with self._lock:
            self.requests.append(handler.path)
            self.request_times.append(time.monotonic())
            queue = self.faults.get(parts.path)
            fault = queue.popleft() if queue else None
        if fault is not None:
            self._send(handler, fault.status, fault.body, "text/plain", fault.headers)
            return
        if parts.path == NPPES_PATH:
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            status, payload = nppes_answer(self.nppes_records, query)
            self._send(handler, status, json.dumps(payload).encode(), "application/json")
            return
        target = (self.root / parts.path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_relative_to(self.root) or not target.is_file():
            self._send(handler, 404, b"not found", "text/plain")
            return
        body = target.read_bytes()
        if target.suffix == ".xml":
            body = body.replace(b"{base}", self.base_url.encode())
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") and target.suffix != ".csv":
            content_type += "; charset=utf-8"
        # Validators, as real servers send them, so re-crawls can revalidate instead of re-download.
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        validators = {"ETag": etag, "Last-Modified": formatdate(target.stat().st_mtime, usegmt=True), "Cache-Control": "max-age=0"}
        if handler.headers.get("If-None-Match") == etag:
            with self._lock:
                self.not_modified += 1
            self._send(handler, 304, b"", content_type, validators)
            return
        self._send(handler, 200, body, content_type, validators)

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)
