"""`therapists serve`: one process, or a parent and N pre-forked workers sharing one port and one index.

With `--workers N` the parent builds the app, opens the index and loads its columnar arrays once,
then forks the workers, which inherit every page the parent filled, shared copy-on-write. Each
worker listens on its own socket bound to the same port with SO_REUSEPORT, so the kernel spreads
connections evenly among them (on one shared socket, measured, one worker took 70% of the
keep-alive connections: Linux wakes the most recent waiter first); the parent only holds the port. Search reads those arrays and never
writes them, so N workers hold one copy of the index, not N. No connection crosses the fork:
the parent closes its SQLite and curation-store connections first; each worker opens its own.
(With Elasticsearch the index lives in the cluster: each worker builds its own app and client.) `gc.freeze()` keeps the
collector from writing to the inherited objects' headers, which would copy their pages.

Request metrics are per process; they go to files under `PROMETHEUS_MULTIPROC_DIR` (set here,
before prometheus-client is imported) and a scrape of any worker sums them. A worker that dies is
replaced; SIGTERM or SIGINT stops them all.
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
from typing import TYPE_CHECKING

from directory.settings import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI

log = logging.getLogger(__name__)
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def configure_logging(level: int = logging.INFO) -> None:
    """JSON lines: the access log (one line a request) on stdout, as uvicorn's own goes, and
    everything else (start, stop, warnings, tracebacks) on stderr."""
    from search_api.ops import JsonFormatter, access_log

    errors = logging.StreamHandler(sys.stderr)
    errors.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [errors]
    root.setLevel(level)
    access = logging.StreamHandler(sys.stdout)
    access.setFormatter(JsonFormatter())
    access_log.handlers[:] = [access]
    access_log.propagate = False
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True


def _uvicorn_config(app: FastAPI, settings: Settings):  # -> uvicorn.Config
    import uvicorn

    # log_config=None: uvicorn leaves our JSON logging alone; its own access log is off (ours has the request id).
    return uvicorn.Config(app, host=settings.host, port=settings.port, log_config=None, access_log=False, lifespan="off")


def _warm(app: FastAPI) -> None:
    """Open the index, load its columnar arrays and the place and vocabulary tables now, in the
    parent, so the workers share them (and none pays seconds for them on its first request)."""
    from directory.search_params import SearchParams
    from directory.search_service import build_query

    backend, vocab, settings = app.state.backend, app.state.vocab, app.state.settings
    for params in (SearchParams(near="10001"), SearchParams(q="deep tissue for sciatica near Austin, TX")):
        query, _ = build_query(params, vocab, app.state.today, settings.default_radius_km, settings.stale_after_days)
        backend.search(query)
    backend.metadata()
    # No connection may cross the fork: this thread's SQLite connection, and the curation store's
    # pooled ones (SQLAlchemy opens new ones after dispose()).
    backend.close()
    if (curation := getattr(app.state, "curation", None)) is not None:
        curation.close()


def serve(settings: Settings, workers: int = 1) -> int:
    if workers <= 1:
        from search_api.app import create_app

        configure_logging()
        import uvicorn

        uvicorn.Server(_uvicorn_config(create_app(settings), settings)).run()
        return 0
    return _prefork(settings, workers)


def _socket(settings: Settings, reuse_port: bool) -> socket.socket:
    """A socket bound to the port; with `reuse_port`, one of a group the kernel balances connections over.
    Only listening sockets of the group receive connections: the parent's, never listening, just holds the port."""
    sock = socket.socket(socket.AF_INET6 if ":" in settings.host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((settings.host, settings.port))
    sock.set_inheritable(True)
    return sock


def _prefork(settings: Settings, workers: int) -> int:
    metrics_dir = tempfile.mkdtemp(prefix="therapists-metrics-")
    os.environ[MULTIPROC_ENV] = metrics_dir  # before prometheus_client is first imported, below
    if "prometheus_client" in sys.modules:
        raise RuntimeError("prometheus_client was imported before its multiprocess directory was set")
    from search_api.app import create_app

    configure_logging()
    # The SQLite index's arrays are worth sharing; an Elasticsearch client must not cross a fork,
    # and its index lives in the cluster anyway: then each worker builds its own app.
    shared = None if settings.es_url else create_app(settings)
    if shared is not None:
        _warm(shared)
    reuse_port = hasattr(socket, "SO_REUSEPORT")
    sock = _socket(settings, reuse_port)
    if not reuse_port:
        sock.listen(2048)  # one queue shared by every worker
    gc.collect()
    gc.freeze()  # inherited objects stay out of the collector's way: it would write to their pages
    children: dict[int, int] = {}  # pid → worker slot
    stopping = False

    def spawn(slot: int) -> None:
        pid = os.fork()
        if pid == 0:  # the worker
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            code = 0
            try:
                import uvicorn

                own = _socket(settings, reuse_port) if reuse_port else sock
                if reuse_port:
                    own.listen(2048)
                app = shared if shared is not None else create_app(settings)
                uvicorn.Server(_uvicorn_config(app, settings)).run(sockets=[own])
            except BaseException:
                log.exception("worker %d failed", slot)
                code = 1
            finally:
                os._exit(code)
        children[pid] = slot

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for slot in range(workers):
        spawn(slot)
    log.info(
        "serving %s at http://%s:%d/ with %d workers (pids %s)",
        settings.db,
        settings.host,
        settings.port,
        workers,
        " ".join(map(str, children)),
    )
    try:
        while children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            except InterruptedError:
                continue
            if pid not in children:
                continue
            slot = children.pop(pid)
            if not stopping:
                log.warning("worker %d (pid %d) exited with status %d; starting another", slot, pid, status)
                time.sleep(0.5)  # a worker that dies at once must not spin
                spawn(slot)
    finally:
        sock.close()
        shutil.rmtree(metrics_dir, ignore_errors=True)
    return 0
