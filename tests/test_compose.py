"""docker-compose.yml: valid against the Compose Specification's schema, wired as the README says,
and its services' own commands (crawl job, index job with --es, API with ES_URL) work, run here
against osmem-server instead of the Elasticsearch container."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.cli_helpers import ROOT, therapists
from therapists.demo import write_demo_sources
from therapists.mirror import MirrorServer

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SCHEMA = json.loads((Path(__file__).parent / "data" / "compose-spec" / "compose-spec.json").read_text(encoding="utf-8"))


def test_the_compose_file_is_valid_against_the_compose_specification() -> None:
    validator = jsonschema.Draft7Validator(SCHEMA)  # the draft its $schema names
    validator.validate(COMPOSE)
    with pytest.raises(jsonschema.ValidationError):  # the schema does catch a mistake
        validator.validate({"services": {"api": {"depends_on": {"x": {"condition": "when_ready"}}}}})


def test_elasticsearch_is_pinned_secured_explicitly_healthchecked_and_persistent() -> None:
    es = COMPOSE["services"]["elasticsearch"]
    image, tag = es["image"].rsplit(":", 1)
    assert image.endswith("elasticsearch/elasticsearch") and tag[0].isdigit() and tag.count(".") == 2  # a release, not latest
    assert {"xpack.security.enabled", "xpack.security.http.ssl.enabled", "discovery.type"} <= set(es["environment"])
    assert "_cluster/health" in " ".join(es["healthcheck"]["test"])
    assert any(v.startswith("esdata:") for v in es["volumes"]) and "esdata" in COMPOSE["volumes"]
    assert all(port.startswith("127.0.0.1:") for port in es["ports"])  # security off: never on other interfaces


def test_the_api_starts_once_elasticsearch_is_healthy_and_the_index_job_is_done() -> None:
    services = COMPOSE["services"]
    api, index, crawl = services["api"], services["index"], services["crawl"]
    assert api["depends_on"]["elasticsearch"]["condition"] == "service_healthy"
    assert api["depends_on"]["index"]["condition"] == "service_completed_successfully"
    assert index["depends_on"]["crawl"]["condition"] == "service_completed_successfully"
    assert index["depends_on"]["elasticsearch"]["condition"] == "service_healthy"
    assert crawl["restart"] == index["restart"] == "no"  # one-shot jobs
    assert api["environment"]["ES_URL"] == "http://elasticsearch:9200"
    assert all(s["build"] == "." for s in (api, index, crawl))
    assert "therapists" in (ROOT / "Dockerfile").read_text(encoding="utf-8")


def _command(service: str, paths: dict[str, str]) -> list[str]:
    """The service's command with container paths and hosts replaced by the test's."""
    words = COMPOSE["services"][service]["command"]
    assert words[0] == "therapists"
    out = []
    for word in words[1:]:
        for old, new in paths.items():
            word = word.replace(old, new)
        out.append(word)
    return out


def _two_sources(config: Path) -> Path:
    """The sample sources.toml cut to the NPI registry and one board (the crawl is the slow part)."""
    head, *tables = config.read_text(encoding="utf-8").split("[[source]]")
    kept = [t for t in tables if 'name = "nppes"' in t or 'name = "tx_tdlr"' in t]
    assert len(kept) == 2
    config.write_text(head + "".join("[[source]]" + t for t in kept), encoding="utf-8")
    return config


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.elasticsearch
def test_the_services_own_commands_crawl_index_and_serve_against_osmem(tmp_path: Path, es_server, es_alias) -> None:
    url, plain, _ = es_server
    env = {"THERAPISTS_ES_PLAIN_JSON": "1" if plain else "0", "THERAPISTS_ES_INDEX": es_alias}
    with MirrorServer() as mirror:
        config = _two_sources(write_demo_sources(mirror.base_url, tmp_path / "sources.toml"))
        paths = {"/config/sources.toml": str(config), "/data": str(tmp_path / "data"), "http://elasticsearch:9200": url}
        crawl = therapists(*_command("crawl", paths), env=env)
        assert crawl.returncode == 0, crawl.stderr[-2000:]
    index = therapists(*_command("index", paths), env=env)
    assert index.returncode == 0, index.stderr[-2000:]
    assert f"into Elasticsearch {url} (alias {es_alias})" in index.stdout
    indexed = int(re.search(r"indexed (\d+) listings", index.stdout).group(1))  # type: ignore[union-attr]
    assert indexed > 0
    search = therapists("search", "--license-status", "any", "--json", "--es", url, env=env)
    assert search.returncode == 0, search.stderr[-2000:]
    assert json.loads(search.stdout)["total"] == indexed  # every listing the index job wrote is searchable

    port = _free_port()
    serve = [w.replace("8000", str(port)).replace("0.0.0.0", "127.0.0.1") for w in _command("api", paths)]
    environment = {**env, **{k: v.replace("http://elasticsearch:9200", url) for k, v in COMPOSE["services"]["api"]["environment"].items()}}
    environment["THERAPISTS_ES_INDEX"] = es_alias
    proc = subprocess.Popen(
        [sys.executable, "-m", "therapists", *serve],
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("THERAPISTS_") and k != "ES_URL"}, **environment},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        health = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as response:
                    health = json.loads(response.read())
                break
            except OSError:
                time.sleep(0.2)
        assert health is not None and health["backend"] == "elasticsearch"
        assert health["index"]["elasticsearch_index"].startswith(f"{es_alias}-")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/search?license_status=any", timeout=60) as response:
            found = json.loads(response.read())
        assert found["total"] == indexed and found["results"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
