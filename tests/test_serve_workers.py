"""`therapists serve --workers 2` as a real process tree on a real port: one listening socket, two
workers, request metrics summed across them, a clean stop on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from directory.backends.sqlite import SQLiteBackend
from tests.factories import population

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_two_workers_share_one_port_and_sum_their_metrics(tmp_path: Path, vocab) -> None:
    db = tmp_path / "index.db"
    SQLiteBackend(db, vocab).replace_all(population())
    port = _free_port()
    log = (tmp_path / "server.log").open("w")
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    server = subprocess.Popen(
        [sys.executable, "-m", "therapists", "serve", "--db", str(db), "--port", str(port), "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            for _ in range(300):
                try:
                    if client.get("/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            workers = _children(server.pid)
            assert len(workers) == 2
            for _ in range(30):
                assert client.get("/search", params={"condition": "sciatica", "near": "78704"}).status_code == 200
            metrics = client.get("/metrics").text
        searches = sum(
            sample.value
            for family in text_string_to_metric_families(metrics)
            for sample in family.samples
            if sample.name == "therapists_http_requests_total" and sample.labels.get("route") == "/search"
        )
        assert searches == 30  # whichever worker answered, a scrape of one sums all
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=20) == 0
        log.close()
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
    assert '"logger": "therapists.access"' in (tmp_path / "server.log").read_text()
