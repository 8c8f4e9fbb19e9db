"""Large downloads straight to disk, in constant memory.

Scrapy holds a response body in memory; a board's 1 GB roster or the 9 GB NPPES dissemination
file must not be. A request marked `meta["stream_to"] = path` is fetched by this downloader
middleware in a worker thread, in chunks, into `path` (beside it `path.validators.json` keeps the
ETag and Last-Modified, so a re-crawl revalidates and a 304 reuses the file). The response that
goes on through Scrapy (retries, errbacks, the spider's callback) has an empty body and carries
the file's path and SHA-256 in its meta. Robots.txt, the User-Agent and the per-host delay still
apply: the request passes every middleware before this one.
"""

from __future__ import annotations

import hashlib
import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import threads

CHUNK = 1 << 20


@dataclass
class Fetched:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    sha256: str = ""


def _validators(path: Path) -> Path:
    return path.with_name(path.name + ".validators.json")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def download_to_file(url: str, path: Path, headers: dict[str, str], timeout: float) -> Fetched:
    """GET `url` into `path` (atomically: a partial download never replaces a complete one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    headers = dict(headers)
    saved: dict[str, str] = {}
    if path.exists() and _validators(path).exists():
        saved = json.loads(_validators(path).read_text(encoding="utf-8"))
        if saved.get("etag"):
            headers["If-None-Match"] = saved["etag"]
        if saved.get("last_modified"):
            headers["If-Modified-Since"] = saved["last_modified"]
    request = urllib.request.Request(url, headers=headers)
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Fetched(304, dict(exc.headers.items()), saved.get("sha256") or file_sha256(path))
        return Fetched(exc.code, dict(exc.headers.items()))
    digest = hashlib.sha256()
    partial = path.with_name(path.name + ".partial")
    with response, open(partial, "wb") as out:
        while chunk := response.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    os.replace(partial, path)
    fetched = Fetched(response.status, dict(response.headers.items()), digest.hexdigest())
    validators = {"etag": fetched.headers.get("ETag"), "last_modified": fetched.headers.get("Last-Modified"), "sha256": fetched.sha256}
    _validators(path).write_text(json.dumps(validators), encoding="utf-8")
    return fetched


class StreamToDiskMiddleware:
    """Fetches `meta["stream_to"]` requests to disk; every other request is left to Scrapy."""

    def __init__(self, timeout: float = 60.0) -> None:
        self.timeout = timeout

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StreamToDiskMiddleware:
        return cls(crawler.settings.getfloat("DOWNLOAD_TIMEOUT", 60.0))

    async def process_request(self, request: Request) -> Response | None:
        target = request.meta.get("stream_to")
        if not target:
            return None
        headers = {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in request.headers.items()}
        fetched: Fetched = await maybe_deferred_to_future(
            threads.deferToThread(download_to_file, request.url, Path(target), headers, self.timeout)
        )
        status = 200 if fetched.status == 304 else fetched.status  # a revalidated file is the file
        request.meta["content_sha256"] = fetched.sha256
        request.meta["stream_not_modified"] = fetched.status == 304
        return Response(request.url, status=status, headers=fetched.headers, request=request)
