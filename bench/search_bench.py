"""Search latency at US national scale (200k and 500k listings), in-process and over HTTP, against a
brute-force NumPy scan of the same data measured in the same run (the lower-bound baseline).

Listings are synthetic but shaped like the real ones: most sit in 20 dense metros (thousands
inside a 40 km radius), the rest spread over every US ZIP; specialties, techniques, certifications
and licence states vary as in the sample sources.
"""

from __future__ import annotations

import math
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import numpy as np
import zipcodes

from directory.backends.sqlite import SQLiteBackend
from directory.geo import zip_place
from directory.models import Certification, Evidence, License, LicenseStatus, Listing, Location, SourceRef
from directory.presenter import present_search
from directory.search_service import SearchParams, build_query
from directory.vocabulary import get_vocabulary

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 23)
METROS = [
    "10001",
    "90012",
    "60601",
    "77002",
    "85004",
    "19103",
    "78205",
    "92101",
    "75201",
    "95113",
    "78701",
    "32202",
    "43215",
    "28202",
    "94103",
    "98101",
    "80202",
    "20001",
    "02108",
    "33131",
]
QUERIES = 300
FETCHED = datetime(2026, 11, 20, tzinfo=UTC)


def synthetic_listings(n: int, seed: int = 11) -> list[Listing]:
    vocab = get_vocabulary()
    rng = random.Random(seed)
    conditions = sorted(vocab.terms["condition"])
    modalities = sorted(vocab.terms["modality"])
    certs = sorted(vocab.terms["certification"])
    all_zips = [z for z in zipcodes.list_all() if z["zip_code_type"] == "STANDARD" and z["lat"]]
    centers = [zip_place(z) for z in METROS]
    out = []
    for i in range(n):
        if rng.random() < 0.6:
            center = centers[i % len(centers)]
            lat = center.lat + rng.gauss(0, 0.15)  # most within ~30 km of downtown
            lon = center.lon + rng.gauss(0, 0.15)
            state, city, postal = center.state, center.city, center.postal_code
        else:
            z = all_zips[rng.randrange(len(all_zips))]
            lat, lon, state, city, postal = float(z["lat"]), float(z["long"]), z["state"], z["city"], z["zip_code"]
        issued = date(rng.randint(1995, 2025), rng.randint(1, 12), 1)
        status = LicenseStatus.active if rng.random() < 0.9 else rng.choice([LicenseStatus.expired, LicenseStatus.suspended])
        expires = date(rng.choice([2025, 2027, 2028]), rng.randint(1, 12), 28)
        specialties = rng.sample(conditions, rng.choice([0, 1, 2, 3, 4]))
        techniques = rng.sample(modalities, rng.randint(1, 4))
        held = [c for c in certs if rng.random() < (0.2 if c == "bctmb" else 0.03)]
        evidence = [Evidence(term=c, kind="condition", text=c, source="sites", source_kind="profile_site") for c in specialties]
        evidence += [Evidence(term=m, kind="modality", text=m, source="sites", source_kind="profile_site") for m in techniques]
        out.append(
            Listing(
                id=f"s_{i:07d}",
                name=f"Therapist {i}",
                credentials=["LMT"],
                licenses=[
                    License(
                        state=state,
                        number=f"MT{i:07d}",
                        status=status,
                        verified=status == LicenseStatus.active,
                        issued_on=issued,
                        expires_on=expires,
                        source="board",
                    )
                ],
                certifications=[Certification(name=c, issuer="x", id=c) for c in held],
                modalities=techniques,
                conditions=specialties,
                evidence=evidence,
                years_experience=round((TODAY - issued).days / 365.25, 1),
                experience_basis="license",
                location=Location(city=city, state=state, postal_code=postal, lat=lat, lon=lon),
                languages=["English"] + (["Spanish"] if rng.random() < 0.2 else []),
                gender=rng.choice(["female", "female", "male"]),
                accepting_new_clients=rng.random() < 0.8,
                mobile=rng.random() < 0.2,
                sources=[SourceRef(source="board", kind="license_csv", url="https://board.example/x.csv", fetched_at=FETCHED)],
                last_seen=FETCHED.date(),
            )
        )
    return out


def query_mix(seed: int = 5) -> list[tuple[str, dict]]:
    rng = random.Random(seed)
    vocab = get_vocabulary()
    names = [t.name for t in vocab.terms["condition"].values()]
    codes = [(t.icd10[0]) for t in vocab.terms["condition"].values() if t.icd10]
    mix = []
    for i in range(QUERIES):
        metro = zip_place(rng.choice(METROS))
        kind = ["condition", "condition", "free_text", "icd10", "near_only"][i % 5]
        if kind == "condition":
            mix.append((kind, {"condition": rng.choice(names), "near": metro.postal_code}))
        elif kind == "free_text":
            mix.append((kind, {"q": f"deep tissue for {rng.choice(names).lower()} near {metro.city}, {metro.state}"}))
        elif kind == "icd10":
            mix.append((kind, {"condition": rng.choice(codes), "near": metro.postal_code}))
        else:
            mix.append((kind, {"near": metro.postal_code, "radius_km": "40"}))
    return mix


def _params(p: dict) -> SearchParams:
    return SearchParams(
        q=p.get("q"), condition=p.get("condition"), near=p.get("near"), radius_km=float(p["radius_km"]) if "radius_km" in p else None
    )


def _pct(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(math.ceil(pct / 100 * len(ordered))) - 1)]


def numpy_brute_force(listings: list[Listing], mix: list[tuple[str, dict]]) -> list[float]:
    """The lower bound: every query a full scan of flat arrays (no index), top 10 by the same score terms."""
    vocab = get_vocabulary()
    lat = np.radians(np.array([item.location.lat for item in listings]))
    lon = np.array([item.location.lon for item in listings])
    active = np.array([item.has_active_license(TODAY) for item in listings])
    years = np.array([item.years_experience or 0.0 for item in listings])
    condition_sets = [set(item.conditions) for item in listings]
    timings = []
    for _, p in mix:
        query, _ = build_query(_params(p), vocab, TODAY)
        started = time.perf_counter()
        lat0 = math.radians(query.near.lat)
        h = np.sin((lat - lat0) / 2) ** 2 + math.cos(lat0) * np.cos(lat) * np.sin(np.radians(lon - query.near.lon) / 2) ** 2
        d = 12742.0176 * np.arcsin(np.minimum(1, np.sqrt(h)))
        mask = active & (d <= query.radius_km)
        if query.conditions:
            wanted = query.conditions[0].id
            idx = np.flatnonzero(mask)
            mask[idx[[wanted not in condition_sets[i] for i in idx]]] = False
        idx = np.flatnonzero(mask)
        score = 0.15 * (1 - np.exp(-years[idx] / 10)) + 0.15 * 0.5 ** (d[idx] / 10)
        top = idx[np.argsort(-score)[:10]]
        _ = (len(idx), top)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def http_latencies(db: Path, mix: list[tuple[str, dict]]) -> tuple[list[float], list[float], float]:
    port = _free_port()
    env = {**os.environ, "THERAPISTS_DB": str(db)}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "search_api.app:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=30) as client:
            for _ in range(600):
                try:
                    client.get("/health")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            client.get("/search", params={"near": "77002"})  # loads the index
            for _, p in mix[:20]:
                client.get("/search", params=p)  # warm-up
            all_ms, dense_ms = [], []
            for kind, p in mix:
                started = time.perf_counter()
                response = client.get("/search", params=p)
                elapsed = (time.perf_counter() - started) * 1000
                assert response.status_code == 200, response.text
                all_ms.append(elapsed)
                if kind == "near_only":
                    dense_ms.append(elapsed)
        return all_ms, dense_ms, _rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=20)


def search_benchmark(sizes: tuple[int, ...] = (200_000, 500_000)) -> dict:
    vocab = get_vocabulary()
    mix = query_mix()
    everything = synthetic_listings(max(sizes))
    results: dict = {}
    for n in sizes:
        listings = everything[:n]
        work = Path(tempfile.mkdtemp(prefix="search-bench-"))
        db = work / "index.db"
        started = time.perf_counter()
        SQLiteBackend(db, vocab).replace_all(listings)
        index_s = time.perf_counter() - started
        backend = SQLiteBackend(db, vocab)
        backend.search(build_query(SearchParams(near="77002"), vocab, TODAY)[0])  # loads the index
        in_process, dense, totals = [], [], []
        for kind, p in mix:
            started = time.perf_counter()
            query, interpreted = build_query(_params(p), vocab, TODAY)
            page = backend.search(query)
            _ = present_search(page, interpreted, vocab, TODAY)
            elapsed = (time.perf_counter() - started) * 1000
            in_process.append(elapsed)
            if kind == "near_only":
                dense.append(elapsed)
                totals.append(page.total)
        brute = numpy_brute_force(listings, mix)
        http_all, http_dense, rss = http_latencies(db, mix)
        p50, brute_p50 = statistics.median(in_process), statistics.median(brute)
        results = {
            "n": n,
            "index_s": round(index_s, 1),
            "db_mb": round(db.stat().st_size / 1e6, 1),
            "search_p50_ms": round(p50, 2),
            "search_p95_ms": round(_pct(in_process, 95), 2),
            "search_dense_p50_ms": round(statistics.median(dense), 2),
            "dense_median_total": int(statistics.median(totals)),
            "http_p50_ms": round(statistics.median(http_all), 2),
            "http_p95_ms": round(_pct(http_all, 95), 2),
            "http_dense_p50_ms": round(statistics.median(http_dense), 2),
            "numpy_p50_ms": round(brute_p50, 2),
            "search_p50_ratio_to_numpy": round(p50 / brute_p50, 3),
            "http_p50_ratio_to_numpy": round(statistics.median(http_all) / brute_p50, 3),
            "rss_mb": round(rss),
        }
        print(f"  n={n}: " + ", ".join(f"{k}={v}" for k, v in results.items()), flush=True)
        for path in work.iterdir():
            path.unlink()
        work.rmdir()
    return results
