"""Web workbench benchmark: server time of the search page and the person page under concurrent clients.

    .venv/bin/python bench/web.py --case /tmp/case20k          # an ingested case (used through a copy)
    .venv/bin/python bench/web.py --people 2000                # synthesise and ingest one first

The case is never changed: the catalog is copied with SQLite's backup API and the search index
with it (originals are linked, not copied), a bench user is added to the copy, and the server
(uvicorn, as ``unsealed serve`` runs it) is started on a free loopback port in its own process.
``--clients`` threads log in and request pages for ``--seconds``; each response's
``Server-Timing`` header gives the server's time, the client measures the whole round trip.
Prints one figure per line with units. Goal: p95 server time <= 150 ms at 8 clients.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

WORDS = [
    "收押",
    "拘留",
    "看守所",
    "教育",
    "学习",
    "宗教",
    "家属",
    "653121",
    "654027",
    "疏附县",
    "特克斯县",
    "判刑",
]
SERVE = (
    "import sys; from unsealed.web import serve; "
    "serve(sys.argv[1], port=int(sys.argv[2]), workers=int(sys.argv[3]))"
)


def copy_case(src: Path, dst: Path) -> Path:
    """A copy the bench may write to: catalog by backup, index copied, originals linked."""
    dst.mkdir(parents=True)
    source = sqlite3.connect(f"file:{src / 'catalog.sqlite'}?mode=ro", uri=True)
    target = sqlite3.connect(dst / "catalog.sqlite")
    source.backup(target)
    source.close()
    target.close()
    if (src / "index").is_dir():
        shutil.copytree(src / "index", dst / "index")
    os.symlink((src / "blobs").resolve(), dst / "blobs")
    return dst


def ensure_index(case_dir: Path) -> float | None:
    """Rebuild the copy's search index when this version of unsealed cannot read it; seconds taken."""
    from unsealed.search import SearchError, rebuild_index, search
    from unsealed.store.case import Case

    with Case.open(case_dir) as case:
        try:
            search(case, "收押", limit=1)
            return None
        except SearchError:
            started = time.monotonic()
            rebuild_index(case)
            return time.monotonic() - started


def make_case(work: Path, people: int) -> Path:
    from unsealed.ingest.pipeline import IngestOptions, ingest
    from unsealed.store.case import Case
    from unsealed.synth import synthesize

    synthesize(work / "s", people=people, seed=5)
    with Case.open(work / "case", create=True) as case:
        ingest(case, [work / "s" / "cache"], IngestOptions(workers=2))
    return work / "case"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, proc: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server stopped: exit {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


class Client:
    """One logged-in browser: a keep-alive connection and a session cookie."""

    def __init__(self, port: int, user: str, password: str):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        page = self.get("/login")[2]
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        body = urlencode({"user": user, "password": password, "csrf": csrf, "next": "/search"})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie}
        self.conn.request("POST", "/login", body=body, headers=headers)
        r = self.conn.getresponse()
        r.read()
        session = [
            v for k, v in r.getheaders() if k.lower() == "set-cookie" and v.startswith("unsealed_session=")
        ]
        if r.status != 303 or not session:
            raise SystemExit(f"login failed: {r.status}")
        self.cookie = session[0].split(";", 1)[0]

    cookie = ""

    def get(self, path: str) -> tuple[int, float, str, float]:
        """(status, server ms, body, round-trip ms)."""
        started = time.perf_counter()
        self.conn.request("GET", path, headers={"Cookie": self.cookie} if self.cookie else {})
        r = self.conn.getresponse()
        body = r.read().decode("utf-8", "replace")
        wall = (time.perf_counter() - started) * 1000
        if not self.cookie:
            got = [v for k, v in r.getheaders() if k.lower() == "set-cookie"]
            self.cookie = got[0].split(";", 1)[0] if got else ""
        timing = re.search(r"dur=([0-9.]+)", r.getheader("server-timing") or "")
        return r.status, float(timing.group(1)) if timing else float("nan"), body, wall


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))] if values else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--case", type=Path, help="an ingested case (default: synthesise --people and ingest)")
    ap.add_argument("--people", type=int, default=2000, help="people in the synthetic case (without --case)")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=30.0, help="how long the clients request pages")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="server processes (unsealed serve --workers; default: one per core)",
    )
    args = ap.parse_args()

    from unsealed.web import auth, db

    work = Path(tempfile.mkdtemp(prefix="unsealed-bench-web-"))
    server = None
    try:
        source = args.case if args.case else make_case(work / "made", args.people)
        case = copy_case(source, work / "copy")
        reindexed = ensure_index(case)
        conn = db.open_writable(case)
        auth.add_user(conn, "bench", "viewer", "bench-password", reset=True)
        persons = [r[0] for r in conn.execute("SELECT id FROM persons ORDER BY id")]
        names = [
            r[0] for r in conn.execute("SELECT name FROM persons WHERE name != '' ORDER BY id LIMIT 2000")
        ]
        items = conn.execute("SELECT COUNT(*) FROM items").fetchone()[0]
        conn.close()
        rng = random.Random(args.seed)
        queries = WORDS + rng.sample(names, min(len(names), 40))
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-c", SERVE, str(case), str(port), str(args.workers)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        wait_for(port, server)
        warm = Client(port, "bench", "bench-password")
        for q in WORDS:  # open the index and warm the caches once, as a running server would be
            body = warm.get("/search?q=" + quote(q))[2]
            if 'class="error"' in body:
                raise SystemExit(
                    f"the search page shows an error for {q!r}: {re.sub('<[^>]+>', '', body)[-400:]}"
                )
        warm.get(f"/people/{persons[0]}")
        results: dict[str, list[tuple[float, float]]] = {"search": [], "person": []}
        failures: list[str] = []
        lock = threading.Lock()
        stop = time.monotonic() + args.seconds

        def run(k: int) -> None:
            local = random.Random(args.seed * 1000 + k)
            client = Client(port, "bench", "bench-password")
            while time.monotonic() < stop:
                if local.random() < 0.5:
                    kind, path = "search", "/search?q=" + quote(local.choice(queries))
                    if local.random() < 0.2:
                        path += f"&page={local.randint(2, 4)}"
                else:
                    kind, path = "person", f"/people/{local.choice(persons)}"
                status, server_ms, _body, wall = client.get(path)
                with lock:
                    if status != 200:
                        failures.append(f"{status} {path}")
                    else:
                        results[kind].append((server_ms, wall))

        threads = [threading.Thread(target=run, args=(k,)) for k in range(args.clients)]
        begun = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - begun
        print(f"case: {source} ({items} items, {len(persons)} persons)")
        if reindexed is not None:
            print(f"search index rebuilt for this version: {reindexed:.0f} s")
        print(f"clients: {args.clients}")
        print(f"server processes: {args.workers}")
        print(f"load average (1 min): {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        for kind, rows in results.items():
            server_ms = [r[0] for r in rows]
            wall_ms = [r[1] for r in rows]
            print(f"{kind} page requests: {len(rows)}")
            print(f"{kind} page p50 server time: {pct(server_ms, 50):.1f} ms")
            print(f"{kind} page p95 server time: {pct(server_ms, 95):.1f} ms")
            print(f"{kind} page p50 round trip: {pct(wall_ms, 50):.1f} ms")
            print(f"{kind} page p95 round trip: {pct(wall_ms, 95):.1f} ms")
            if server_ms:
                print(f"{kind} page mean server time: {statistics.fmean(server_ms):.1f} ms")
        total = sum(len(r) for r in results.values())
        print(f"throughput: {total / elapsed:.1f} pages/s")
        print(f"failed requests: {len(failures)}" + (f" (e.g. {failures[0]})" if failures else ""))
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
