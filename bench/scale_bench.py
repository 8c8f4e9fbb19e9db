"""National-scale source throughput: a 500,000-row board file and a 1,000,000-row NPPES
dissemination zip, each crawled by `therapists crawl` (the real Scrapy engine, over HTTP on
127.0.0.1), with the crawler's peak memory, beside a baseline measured in the same run: reading
and CSV-parsing the same board file in plain Python, and decompressing and splitting the zip's
lines. Memory is bounded when the peak barely moves between a small and the full input.

Generated inputs are cached in `.bench-cache/` (or $THERAPISTS_BENCH_CACHE) between runs.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from bench.nppes_bulk_file import cached_zip
from therapists.mirror import MirrorServer

ROOT = Path(__file__).resolve().parent.parent
BOARD_ROWS = 500_000
NPPES_ROWS = 1_000_000
SMALL = 50_000  # the small input each memory figure is compared with

# Runs a command and prints its wall time, CPU time and peak resident memory (MB) as JSON. On a
# machine shared by several sessions the wall time is stretched by others' work; the CPU time is not.
MEASURE = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
result = subprocess.run(sys.argv[1:], capture_output=True, text=True)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": result.returncode, "seconds": time.perf_counter() - started,
                  "cpu_seconds": usage.ru_utime + usage.ru_stime, "peak_rss_mb": usage.ru_maxrss / 1024,
                  "stderr": result.stderr[-3000:]}))
"""


def cache_dir() -> Path:
    path = Path(os.environ.get("THERAPISTS_BENCH_CACHE", ROOT / ".bench-cache"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def board_file(rows: int) -> Path:
    """A board roster in a real state layout (two status columns, O-for-0 ZIPs now and then)."""
    path = cache_dir() / f"board_{rows}.csv"
    if path.exists():
        return path
    rng = random.Random(7)
    first = "JENNIFER MARIA ANA SARAH LAURA EMILY OLIVIA GRACE HANNAH RACHEL NICOLE MICHAEL DAVID".split()
    last = "SMITH JOHNSON GARCIA MILLER DAVIS RODRIGUEZ MARTINEZ LOPEZ WILSON ANDERSON NGUYEN PATEL KIM".split()
    reasons = [""] * 20 + ["SUSPENDED", "ON PROBATION", "PRIOR DISCIPLINE", "RENEWAL APPLICATION SENT"]
    partial = path.with_name(path.name + ".partial")
    with open(partial, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([" LICENSE NO", " NAME", " STATUS", " REASON", " ISSUE DATE", " EXPIRATION DATE", " ADDRESS", " CITY", " ZIP", ""])
        for i in range(rows):
            zip_code = f"06{rng.randint(100, 999)}-{rng.randint(0, 9999):04d}"
            if rng.random() < 0.02:
                zip_code = zip_code.replace("0", "O")
            writer.writerow(
                [
                    f"MT.{i:07d}",
                    f"{rng.choice(last)}, {rng.choice(first)}",
                    "ACTIVE",
                    rng.choice(reasons),
                    f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/{rng.randint(1990, 2025)}",
                    "12/31/2027",
                    f"{rng.randint(1, 999)} MAIN ST",
                    "GREENWICH",
                    zip_code,
                    "",
                ]
            )
    partial.replace(path)
    return path


BOARD_SOURCE = """
[[source]]
name = "board"
kind = "license_csv"
url = "{base}/board.csv"
state = "CT"
date_format = "%m/%d/%Y"
download_delay = 0
[source.columns]
license_number = "LICENSE NO"
full_name = "NAME"
status = ["STATUS", "REASON"]
issued_on = "ISSUE DATE"
expires_on = "EXPIRATION DATE"
address = "ADDRESS"
city = "CITY"
postal_code = "ZIP"
"""
NPPES_SOURCE = """
[[source]]
name = "nppes_bulk"
kind = "nppes_bulk"
url = "{base}/nppes.zip"
download_delay = 0
"""


def _crawl(source: str, file: Path, served_as: str) -> dict:
    """`therapists crawl` of one source serving `file`; its time, peak memory and item count."""
    work = Path(tempfile.mkdtemp(prefix="scale-bench-", dir=cache_dir()))
    try:
        (work / "www").mkdir()
        os.link(file, work / "www" / served_as)  # the mirror serves only files under its root
        with MirrorServer(work / "www") as mirror:
            config = work / "sources.toml"
            config.write_text(source.replace("{base}", mirror.base_url), encoding="utf-8")
            command = [sys.executable, "-m", "therapists", "crawl", "--config", str(config), "--out", str(work / "raw")]
            result = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, cwd=ROOT)
        run = json.loads(result.stdout.strip().splitlines()[-1])
        if run["rc"] != 0:
            raise RuntimeError(run["stderr"])
        summary = json.loads((work / "raw" / "crawl_summary.json").read_text())["sources"][0]
        return {"seconds": run["seconds"], "cpu_seconds": run["cpu_seconds"], "peak_rss_mb": run["peak_rss_mb"], "items": summary["items"]}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _board_baseline(path: Path) -> tuple[float, float]:
    """Wall and CPU seconds to read and CSV-parse the board file in plain Python: the floor of any crawler."""
    started, cpu = time.perf_counter(), time.process_time()
    with open(path, encoding="utf-8", newline="") as fh:
        for _ in csv.reader(fh):
            pass
    return time.perf_counter() - started, time.process_time() - cpu


def _zip_baseline(path: Path) -> tuple[float, float]:
    """Wall and CPU seconds to decompress the dissemination zip and split it into lines: the floor of any reader."""
    started, cpu = time.perf_counter(), time.process_time()
    with zipfile.ZipFile(path) as archive:
        name = next(n for n in archive.namelist() if n.startswith("npidata_pfile_") and "fileheader" not in n)
        with archive.open(name) as raw:
            for _ in io.BufferedReader(raw, buffer_size=1 << 20):  # type: ignore[arg-type]
                pass
    return time.perf_counter() - started, time.process_time() - cpu


def scale_benchmark() -> dict:
    board, board_small = board_file(BOARD_ROWS), board_file(SMALL)
    nppes, nppes_small = cached_zip(cache_dir(), NPPES_ROWS), cached_zip(cache_dir(), SMALL)
    board_run = _crawl(BOARD_SOURCE, board, "board.csv")
    board_small_run = _crawl(BOARD_SOURCE, board_small, "board.csv")
    board_floor = _board_baseline(board)
    nppes_run = _crawl(NPPES_SOURCE, nppes, "nppes.zip")
    nppes_small_run = _crawl(NPPES_SOURCE, nppes_small, "nppes.zip")
    nppes_floor = _zip_baseline(nppes)
    return {
        "board_crawl_rows": BOARD_ROWS,
        "board_crawl_items": board_run["items"],
        "board_crawl_s": round(board_run["seconds"], 1),
        "board_crawl_cpu_s": round(board_run["cpu_seconds"], 1),
        "board_crawl_rows_per_s": round(BOARD_ROWS / board_run["seconds"]),
        "board_crawl_rows_per_cpu_s": round(BOARD_ROWS / board_run["cpu_seconds"]),
        "board_csv_parse_rows_per_s": round(BOARD_ROWS / board_floor[0]),
        "board_crawl_ratio_to_csv_parse": round(board_floor[0] / board_run["seconds"], 3),
        "board_crawl_cpu_ratio_to_csv_parse": round(board_floor[1] / board_run["cpu_seconds"], 3),
        "board_crawl_peak_rss_mb": round(board_run["peak_rss_mb"]),
        f"board_crawl_peak_rss_mb_at_{SMALL}": round(board_small_run["peak_rss_mb"]),
        "nppes_bulk_rows": NPPES_ROWS,
        "nppes_bulk_kept": nppes_run["items"],
        "nppes_bulk_s": round(nppes_run["seconds"], 1),
        "nppes_bulk_cpu_s": round(nppes_run["cpu_seconds"], 1),
        "nppes_bulk_rows_per_s": round(NPPES_ROWS / nppes_run["seconds"]),
        "nppes_bulk_rows_per_cpu_s": round(NPPES_ROWS / nppes_run["cpu_seconds"]),
        "nppes_bulk_unzip_lines_per_s": round(NPPES_ROWS / nppes_floor[0]),
        "nppes_bulk_ratio_to_unzip": round(nppes_floor[0] / nppes_run["seconds"], 3),
        "nppes_bulk_cpu_ratio_to_unzip": round(nppes_floor[1] / nppes_run["cpu_seconds"], 3),
        "nppes_bulk_peak_rss_mb": round(nppes_run["peak_rss_mb"]),
        f"nppes_bulk_peak_rss_mb_at_{SMALL}": round(nppes_small_run["peak_rss_mb"]),
    }


if __name__ == "__main__":
    print(json.dumps(scale_benchmark(), indent=2))
