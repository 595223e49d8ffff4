"""Many requests at once against ``digest serve`` on loopback: latency and listen-queue overflows.

Generates a site with ``benchmarks/corpus.py``, starts ``digest serve --port 0``
in a process of its own, and sends ``--requests`` GET requests from
``--clients`` threads at once, each on a new connection (home page, entry
pages, feeds, a stylesheet, in turn). It does this twice: with the stdlib's
listen backlog of 5 (the server's ``request_queue_size`` set back to it) and
with digest's own. Prints, for each, the latency percentiles, the slowest
request, failed requests and the kernel's ``ListenOverflows`` and
``ListenDrops`` counters (``/proc/net/netstat``; they count the whole machine,
so other programs' overflows would show too).

    python benchmarks/serve_load.py                       # 1,000 entries, 2,000 requests, 50 at once
    python benchmarks/serve_load.py --requests 5000 --clients 100

Every request has a time-out (``--timeout``), so a run always ends.
"""
from __future__ import annotations

import argparse
import http.client
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from corpus import generate  # noqa: E402  (benchmarks/corpus.py)

SERVER = """
import sys
import digest.serve_http as http_side
if sys.argv[1] != "default":
    http_side.PreviewHTTPServer.request_queue_size = int(sys.argv[1])
sys.argv = ["digest", "serve", "--port", "0", "--root", sys.argv[2]]
from digest.cli import run
run()
"""


def netstat() -> dict[str, int]:
    """The TcpExt counters of /proc/net/netstat."""
    lines = Path("/proc/net/netstat").read_text().splitlines()
    for names, values in zip(lines[::2], lines[1::2]):
        if names.startswith("TcpExt:"):
            return dict(zip(names.split()[1:], map(int, values.split()[1:])))
    return {}


def start_server(root: Path, backlog: str) -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen([sys.executable, "-c", SERVER, backlog, str(root)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    for line in proc.stdout:  # type: ignore[union-attr]
        found = re.search(r"serving .* at http://127\.0\.0\.1:(\d+)/", line)
        if found:
            threading.Thread(target=proc.stdout.read, daemon=True).start()  # type: ignore[union-attr]
            return proc, int(found.group(1))
    raise SystemExit(f"the server did not start (exit {proc.wait()})")


def paths(site: Path) -> list[str]:
    entries = sorted(p.parent.relative_to(site).as_posix() for p in site.glob("20*/*/*/*/index.html"))[:200]
    return ["/", "/feed.xml", "/rss.xml", "/static/style.css", *(f"/{e}/" for e in entries)]


def load(port: int, targets: list[str], requests: int, clients: int, timeout: float) -> tuple[list[float], int]:
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()
    counter = iter(range(requests))
    start = threading.Barrier(clients)

    def client() -> None:
        nonlocal failures
        start.wait()
        for i in counter:
            began = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            try:
                conn.request("GET", targets[i % len(targets)])
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                ok = False
            finally:
                conn.close()
            with lock:
                if ok:
                    latencies.append(time.perf_counter() - began)
                else:
                    failures += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, failures


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds one request may take")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="digest-serve-load-") as tmp:
        root = generate(Path(tmp) / "site", args.entries)
        subprocess.run([sys.executable, "-m", "digest", "build", "--root", str(root)], check=True,
                       stdout=subprocess.DEVNULL)
        targets = paths(root / "site")
        rows = []
        for backlog in ("5", "default"):
            proc, port = start_server(root, backlog)
            try:
                load(port, targets, min(200, args.requests), args.clients, args.timeout)  # warm up
                before = netstat()
                began = time.perf_counter()
                latencies, failures = load(port, targets, args.requests, args.clients, args.timeout)
                wall = time.perf_counter() - began
                after = netstat()
            finally:
                proc.terminate()
                proc.wait()
            overflows = after.get("ListenOverflows", 0) - before.get("ListenOverflows", 0)
            drops = after.get("ListenDrops", 0) - before.get("ListenDrops", 0)
            rows.append((backlog, latencies, failures, wall, overflows, drops))
    print(f"{args.requests} requests, {args.clients} at once, {args.entries} entries, loopback")
    print("| listen backlog | p50 ms | p95 ms | p99 ms | max ms | failed | requests/s | ListenOverflows | ListenDrops |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for backlog, latencies, failures, wall, overflows, drops in rows:
        name = "5 (stdlib)" if backlog == "5" else "digest's (1,024, at most somaxconn)"
        ms = [1000 * percentile(latencies, q) for q in (0.5, 0.95, 0.99)]
        print(f"| {name} | {ms[0]:.1f} | {ms[1]:.1f} | {ms[2]:.1f} | {1000 * max(latencies, default=0):.0f} | "
              f"{failures} | {len(latencies) / wall:.0f} | {overflows} | {drops} |")


if __name__ == "__main__":
    main()
