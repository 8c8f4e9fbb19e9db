"""`therapists demo` (what `make demo` runs) reaches a running API and search page whose example searches answer."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.cli_helpers import ROOT
from therapists.demo import EXAMPLES


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_demo_serves_the_api_and_its_examples_return_results(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("THERAPISTS_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "therapists", "demo", "--port", str(port), "--workdir", str(tmp_path / "demo")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    try:
        deadline = time.monotonic() + 240
        base = f"http://127.0.0.1:{port}"
        while time.monotonic() < deadline:
            assert process.poll() is None, "".join(output) + (process.stdout.read() if process.stdout else "")
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        else:
            raise AssertionError("the demo API never came up")
        for title, params in EXAMPLES:
            body = httpx.get(f"{base}/search", params=params, timeout=10).json()
            assert body["total"] > 0, (title, body["interpreted"])
            if body["interpreted"]["name"]:
                assert body["results"][0]["name"] == "Jenny Alvarez"  # a name search finds that person first
            if params.get("q", "").endswith(("near Austin", "San Diego")):
                assert body["interpreted"]["near"]["label"] in ("Austin, TX", "San Diego, CA")  # no state typed
            first = httpx.get(f"{base}/therapists/{body['results'][0]['id']}", timeout=10).json()
            assert first["sources"]
        page = httpx.get(f"{base}/", params=EXAMPLES[0][1], timeout=10)
        assert page.headers["content-type"].startswith("text/html") and "therapists found" in page.text
    finally:
        process.terminate()
        try:
            rest, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            rest, _ = process.communicate()
        output.append(rest or "")
    printed = "".join(output)
    assert printed.splitlines()[0].startswith(f"Open http://127.0.0.1:{port}/ in a browser")  # the page address first
    assert f"API at http://127.0.0.1:{port}/" in printed
    assert printed.count("curl 'http://127.0.0.1:") >= 3
    assert "q=deep+tissue+for+sciatica+near+Austin'" in printed and "q=Jenny+Alvarez" in printed  # a city without state, a name
