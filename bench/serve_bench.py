"""`therapists serve --workers 2` against `--workers 1` at 500,000 listings, in the same run.

A bounded load generator on loopback runs a fixed duration of the mixed search workload of
`bench/search_bench.py` (conditions, free text, ICD-10 codes, dense near-only searches) against each
server in turn, and reports requests/s, p50/p99 latency, and each process's memory as RSS and as
PSS (proportional set size: a page shared by two processes counts half to each, so the PSS of the
processes adds up to the memory they really take, where RSS counts a shared page once per process).
The two-worker total includes the parent that forked them.

The load generator is wrk (C, from Debian; the bench runs `apt-get install -y wrk` when it is missing
and it may): it costs a few percent of a core, so on a 2-core machine the servers' CPU dominates
(`load_generator_cpu_share` reports it). Without wrk a Python generator in its own process stands
in, and `load_generator` says so: it costs the server CPU, so ratios then understate.

On a machine shared with other work, throughput follows the CPU the servers are given, not the
code: `server_cpu_wait_share` is the part of the time they were runnable but another process held
the CPU (/proc/PID/schedstat), and `rps_per_server_cpu` (requests per CPU-second the servers
actually got) compares the two configurations independently of that; its ratio near 1 says the
second worker costs nothing per request, so throughput scales with the cores it is given.

The 500k index is built once from `search_bench.synthetic_listings` and cached on disk
(`$THERAPISTS_BENCH_CACHE`, default `~/.cache/therapist-directory/bench`), keyed by schema version
and size.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bench.search_bench import query_mix, synthetic_listings  # noqa: E402
from directory.backends.sqlite import SCHEMA_VERSION, SQLiteBackend  # noqa: E402
from directory.vocabulary import get_vocabulary  # noqa: E402

N = 500_000
DURATION_S = 20
# Enough open connections to keep every worker busy: the kernel hands each worker its share of the
# connections (SO_REUSEPORT), and at 16 a mixed workload left two workers using 1.2 cores between them.
CONNECTIONS = 64
ROUNDS = 3  # 1, 2, 1, 2, 1, 2 workers: the machine is shared, so each figure is the best of its rounds; every round's ratio and their median are reported too


def cache_dir() -> Path:
    return Path(os.environ.get("THERAPISTS_BENCH_CACHE", Path.home() / ".cache" / "therapist-directory" / "bench"))


def cached_index(n: int = N) -> Path:
    """The synthetic index of `n` listings, built once and kept (the build takes minutes)."""
    path = cache_dir() / f"serve-{n}-schema{SCHEMA_VERSION}.db"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"  building the {n:,}-listing index once into {path} ...", flush=True)
    started = time.perf_counter()
    SQLiteBackend(path, get_vocabulary()).replace_all(
        synthetic_listings(n), metadata={"generation": "1", "built_at": "2026-11-20T00:00:00+00:00", "listings": str(n)}
    )
    print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _memory_kb(pid: int) -> dict[str, int]:
    """Rss, Pss and private memory (pages no other process maps) of a process, from /proc/PID/smaps_rollup."""
    out = {"private": 0}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("Rss", "Pss"):
            out[key.lower()] = int(rest.split()[0])
        elif key in ("Private_Clean", "Private_Dirty"):
            out["private"] += int(rest.split()[0])
    return out


def _schedstat_ns(pid: int) -> tuple[int, int]:
    """Nanoseconds on a CPU and waiting on a run queue (runnable, but another process had the CPU)."""
    on_cpu, waiting, _ = (int(x) for x in Path(f"/proc/{pid}/schedstat").read_text().split())
    return on_cpu, waiting


def _children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def ensure_wrk() -> str | None:
    found = shutil.which("wrk")
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    print("  wrk missing: apt-get install -y wrk", flush=True)
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return shutil.which("wrk")


def workload_paths() -> list[str]:
    return [f"/search?{urlencode(params)}" for _, params in query_mix()]


LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""
_UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    match = re.match(r"([\d.]+)(us|ms|s)$", text)
    assert match, text
    return float(match.group(1)) * _UNIT[match.group(2)]


def run_wrk(wrk: str, base: str, paths: list[str], duration: int, work: Path) -> dict:
    script = work / "mix.lua"
    script.write_text(LUA % ", ".join(f'"{p}"' for p in paths))
    cmd = [wrk, "-t1", f"-c{CONNECTIONS}", f"-d{duration}s", "--timeout", "10s", "--latency", "-s", str(script), base]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out, _ = proc.communicate()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    lat = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)\s*$", out, re.MULTILINE))
    if set(lat) != {"50", "99"}:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return {
        "rps": rps,
        "p50_ms": _ms(lat["50"]),
        "p99_ms": _ms(lat["99"]),
        "requests": requests,
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


PY_LOAD = r"""
import http.client, sys, threading, time
host, port, duration, conns = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
paths = [line.strip() for line in sys.stdin if line.strip()]
lat, bad, lock = [], [0], threading.Lock()
def run(k):
    c = http.client.HTTPConnection(host, port, timeout=10); i = k; end = time.perf_counter() + duration
    while time.perf_counter() < end:
        t = time.perf_counter(); c.request("GET", paths[i % len(paths)]); r = c.getresponse(); r.read(); i += 1
        with lock:
            lat.append((time.perf_counter() - t) * 1000); bad[0] += r.status != 200
ts = [threading.Thread(target=run, args=(k,)) for k in range(conns)]
[t.start() for t in ts]; [t.join() for t in ts]; lat.sort()
print(len(lat) / duration, lat[len(lat) // 2], lat[min(len(lat) - 1, int(len(lat) * 0.99))], len(lat), bad[0])
"""


def run_python_load(port: int, paths: list[str], duration: int) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", PY_LOAD, "127.0.0.1", str(port), str(duration), str(CONNECTIONS)],
        input="\n".join(paths),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return {"rps": float(out[0]), "p50_ms": float(out[1]), "p99_ms": float(out[2]), "requests": int(out[3]), "non_2xx": int(out[4])}


def measure(db: Path, workers: int, wrk: str | None, paths: list[str], work: Path) -> dict:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    log = (work / f"server-{workers}.log").open("w")
    cmd = [sys.executable, "-m", "therapists", "serve", "--db", str(db), "--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=60) as client:
            for _ in range(1200):
                try:
                    if client.get("/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.25)
            for path in paths[:40]:
                assert client.get(path).status_code == 200, path
        pids = [server.pid, *_children(server.pid)] if workers > 1 else [server.pid]
        _ = run_wrk(wrk, base, paths, 3, work) if wrk else run_python_load(port, paths, 3)  # warm-up
        cpu_before = sum(_cpu_seconds(p) for p in pids)
        sched_before = [_schedstat_ns(p) for p in pids]
        load_started = time.perf_counter()
        load_cpu_before = os.times()
        result = run_wrk(wrk, base, paths, DURATION_S, work) if wrk else run_python_load(port, paths, DURATION_S)
        load_cpu = (os.times().children_user + os.times().children_system) - (
            load_cpu_before.children_user + load_cpu_before.children_system
        )
        server_cpu = sum(_cpu_seconds(p) for p in pids) - cpu_before
        sched = [tuple(a - b for a, b in zip(_schedstat_ns(p), before, strict=True)) for p, before in zip(pids, sched_before, strict=True)]
        on_cpu, waiting = sum(s[0] for s in sched), sum(s[1] for s in sched)
        elapsed = time.perf_counter() - load_started
        memory = {p: _memory_kb(p) for p in pids}
        result.update(
            {
                "workers": workers,
                "processes": [
                    {
                        "pid": p,
                        "role": "parent" if workers > 1 and p == server.pid else "worker",
                        "rss_mb": round(m["rss"] / 1024),
                        "pss_mb": round(m["pss"] / 1024),
                        "private_mb": round(m["private"] / 1024),
                    }
                    for p, m in memory.items()
                ],
                "total_rss_mb": round(sum(m["rss"] for m in memory.values()) / 1024),
                "total_pss_mb": round(sum(m["pss"] for m in memory.values()) / 1024),
                "server_cpu_cores": round(server_cpu / elapsed, 2),
                # Time the servers were runnable but waiting for a CPU another process held: on a
                # shared machine this, not the code, caps throughput.
                "server_cpu_wait_share": round(waiting / max(1, on_cpu + waiting), 3),
                "rps_per_server_cpu": rps_per_cpu(result["requests"], server_cpu),
                "loadavg_1m": float(Path("/proc/loadavg").read_text().split()[0]),
                "load_generator_cpu_share": round(load_cpu / max(1e-9, load_cpu + server_cpu), 3),
            }
        )
        return result
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def rps_per_cpu(requests: int, cpu_seconds: float) -> float:
    return round(requests / cpu_seconds, 1) if cpu_seconds > 0 else float("nan")


def serve_benchmark() -> dict:
    db = cached_index()
    wrk = ensure_wrk()
    paths = workload_paths()
    work = Path(tempfile.mkdtemp(prefix="serve-bench-"))
    runs: dict[int, list[dict]] = {1: [], 2: []}
    try:
        for _ in range(ROUNDS):
            for workers in (1, 2):
                run = measure(db, workers, wrk, paths, work)
                print(
                    f"  workers={workers}: {run['rps']:.1f} req/s, p50 {run['p50_ms']:.1f} ms, p99 {run['p99_ms']:.1f} ms, "
                    f"PSS {run['total_pss_mb']} MB, RSS {run['total_rss_mb']} MB, server CPU {run['server_cpu_cores']} cores, "
                    f"waiting for a CPU {run['server_cpu_wait_share']:.0%} of the time (load {run['loadavg_1m']}), "
                    f"{run['rps_per_server_cpu']} req per server CPU-s, load generator {run['load_generator_cpu_share']:.1%} of CPU; "
                    + ", ".join(f"{p['role']} {p['pss_mb']}/{p['rss_mb']} MB" for p in run["processes"]),
                    flush=True,
                )
                runs[workers].append(run)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    one, two = (max(runs[w], key=lambda r: r["rps"]) for w in (1, 2))
    per_round = [round(b["rps"] / a["rps"], 3) for a, b in zip(runs[1], runs[2], strict=True)]
    worker_pss = [p["pss_mb"] for p in two["processes"] if p["role"] == "worker"]
    return {
        "serve_n": N,
        "serve_load_generator": "wrk" if wrk else "python (wrk unavailable: it costs the server CPU, ratios understate)",
        "serve_w1_rps": round(one["rps"], 1),
        "serve_w2_rps": round(two["rps"], 1),
        "serve_w2_throughput_ratio": round(two["rps"] / one["rps"], 3),  # best of the rounds each
        "serve_w2_throughput_ratio_per_round": per_round,
        "serve_w2_throughput_ratio_median": round(statistics.median(per_round), 3),
        "serve_w1_p50_ms": round(one["p50_ms"], 2),
        "serve_w1_p99_ms": round(one["p99_ms"], 2),
        "serve_w2_p50_ms": round(two["p50_ms"], 2),
        "serve_w2_p99_ms": round(two["p99_ms"], 2),
        "serve_w1_pss_mb": one["total_pss_mb"],
        "serve_w2_total_pss_mb": two["total_pss_mb"],
        "serve_w2_worker_pss_mb": worker_pss,
        "serve_w2_pss_ratio": round(two["total_pss_mb"] / one["total_pss_mb"], 3),
        "serve_w1_rss_mb": one["total_rss_mb"],
        "serve_w2_worker_rss_mb": [p["rss_mb"] for p in two["processes"] if p["role"] == "worker"],
        "serve_w2_total_rss_mb": two["total_rss_mb"],
        "serve_w1_rps_per_server_cpu": one["rps_per_server_cpu"],
        "serve_w2_rps_per_server_cpu": two["rps_per_server_cpu"],
        "serve_w2_cpu_efficiency_ratio": round(two["rps_per_server_cpu"] / one["rps_per_server_cpu"], 3),
        "serve_w1_server_cpu_cores": one["server_cpu_cores"],
        "serve_w2_server_cpu_cores": two["server_cpu_cores"],
        "serve_cpu_wait_share_max": max(r["server_cpu_wait_share"] for rs in runs.values() for r in rs),
        "serve_loadavg_1m_max": max(r["loadavg_1m"] for rs in runs.values() for r in rs),
        "serve_w2_worker_private_mb": [p["private_mb"] for p in two["processes"] if p["role"] == "worker"],
        "serve_non_2xx": sum(r["non_2xx"] for rs in runs.values() for r in rs),
        "serve_load_generator_cpu_share": max(r["load_generator_cpu_share"] for rs in runs.values() for r in rs),
    }


if __name__ == "__main__":
    for key, value in serve_benchmark().items():
        print(f"{key:<36} {value}")
