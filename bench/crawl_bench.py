"""Crawl throughput on local fixtures, against `scrapy bench` run on the same machine, same run.

Builds a fixture site from the bundled sample sources scaled up (practice pages with JSON-LD,
a large board file, many NPPES records), serves it on 127.0.0.1, and times `therapists crawl`
over it with politeness delays off. `scrapy bench` (Scrapy's own local link-following benchmark)
is the baseline: the figure that matters is the ratio, since the machines are shared and noisy.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from therapists.mirror import MirrorServer, sample_sources_dir

PAGES = 3000
BOARD_ROWS = 100_000
NPPES_RECORDS = 5_000


def build_fixture(root: Path) -> list[dict]:
    sample = sample_sources_dir()
    template = (sample / "sites/barton-creek-therapeutic-massage/team/jenny-alvarez.html").read_text(encoding="utf-8")
    (root / "sites").mkdir(parents=True)
    for i in range(PAGES):
        (root / "sites" / f"p{i}.html").write_text(template.replace("Jenny Alvarez", f"Jenny Alvarez{i}"), encoding="utf-8")
    urls = "".join(f"<url><loc>{{base}}/sites/p{i}.html</loc></url>" for i in range(PAGES))
    (root / "sites" / "sitemap.xml").write_text(
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>', encoding="utf-8"
    )
    (root / "boards").mkdir()
    lines = (sample / "boards/tx_tdlr_massage.csv").read_text(encoding="utf-8").splitlines()
    body = [lines[0]] + [lines[1 + i % (len(lines) - 1)].replace("MT0", f"MT{i % 10}") for i in range(BOARD_ROWS)]
    (root / "boards" / "tx.csv").write_text("\r\n".join(body) + "\r\n", encoding="utf-8")
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n")
    records = json.loads((sample / "nppes/records.json").read_text(encoding="utf-8"))
    massage = [r for r in records if r["addresses"] and any(t["code"] == "225700000X" for t in r["taxonomies"])]
    scaled = []
    for i in range(NPPES_RECORDS):
        record = json.loads(json.dumps(massage[i % len(massage)]))
        record["number"] = str(1_000_000_000 + i)
        scaled.append(record)
    return scaled


SOURCES = """
[[source]]
name = "sites"
kind = "profile_site"
url = "{base}/sites/sitemap.xml"
download_delay = 0
concurrent_requests = 16

[[source]]
name = "board"
kind = "license_csv"
url = "{base}/boards/tx.csv"
state = "TX"
date_format = "%m%d%Y"
download_delay = 0
[source.columns]
license_number = "LICENSE NUMBER"
full_name = "OWNER NAME"
expires_on = "LICENSE EXPIRATION DATE (MMDDCCYY)"
city = "BUSINESS CITY"
postal_code = "BUSINESS ZIP"

[[source]]
name = "npi"
kind = "nppes"
url = "{base}/nppes/api/"
taxonomy_description = "Massage Therapist"
states = ["TX", "FL"]
download_delay = 0
concurrent_requests = 16
"""


def scrapy_bench_pages_per_s(seconds: int = 8) -> float:
    """Pages/s that `scrapy bench` reaches here (its own local server and link-following spider)."""
    scrapy = Path(sys.executable).with_name("scrapy")
    result = subprocess.run(
        [str(scrapy), "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}", "-s", "LOGSTATS_INTERVAL=1"],
        capture_output=True,
        text=True,
        timeout=seconds + 120,
    )
    rates = [float(m) for m in re.findall(r"Crawled \d+ pages \(at (\d+) pages/min\)", result.stderr)]
    if not rates:
        raise RuntimeError("scrapy bench printed no rate:\n" + result.stderr[-2000:])
    steady = rates[1:] or rates  # the first second is warm-up
    return sum(steady) / len(steady) / 60.0


def crawl_benchmark() -> dict:
    work = Path(tempfile.mkdtemp(prefix="crawl-bench-"))
    try:
        records = build_fixture(work / "www")
        with MirrorServer(work / "www", nppes_records=records) as mirror:
            config = work / "sources.toml"
            config.write_text(SOURCES.replace("{base}", mirror.base_url), encoding="utf-8")
            started = time.perf_counter()
            result = subprocess.run(
                [sys.executable, "-m", "therapists", "crawl", "--config", str(config), "--out", str(work / "raw")],
                capture_output=True,
                text=True,
            )
            elapsed = time.perf_counter() - started
        if result.returncode != 0:
            raise RuntimeError(result.stderr[-2000:])
        summary = {s["source"]: s for s in json.loads((work / "raw/crawl_summary.json").read_text())["sources"]}
        pages = sum(s["fetched"] for s in summary.values())
        items = sum(s["items"] for s in summary.values())
        site_pages = summary["sites"]["fetched"]
        baseline = scrapy_bench_pages_per_s()
        return {
            "crawl_s": round(elapsed, 2),
            "crawl_pages": pages,
            "crawl_items": items,
            "crawl_pages_per_s": round(pages / elapsed, 1),
            "crawl_items_per_s": round(items / elapsed, 1),
            "crawl_site_pages_per_s": round(site_pages / elapsed, 1),
            "scrapy_bench_pages_per_s": round(baseline, 1),
            "crawl_pages_ratio_to_scrapy_bench": round(pages / elapsed / baseline, 3),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
