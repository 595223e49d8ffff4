"""Save-to-browser latency of ``digest serve`` on generated 1,000- and 10,000-entry sites.

For each size: generate a site with ``benchmarks/corpus.py``, start
``digest serve --port 0`` as editors do (a separate process), open one entry
page in headless Chromium, then save that entry with a new title ``--saves``
times, atomically (write a temporary file, rename it over the entry). The
entry has a fixed ``slug:`` so its address stays put.

Each latency runs from just before the save to the moment the reloaded page
had loaded in the browser (the navigation's ``domContentLoadedEventEnd``, on
the same clock). "server" is the time until the server printed that its
rebuild was done (the debounce window, the rebuild, the print). Prints a table
with the median and the 95th percentile.

    python benchmarks/serve_latency.py                 # 1,000 and 10,000 entries
    python benchmarks/serve_latency.py --sizes 1000 --saves 30

Needs Chromium at /usr/bin/chromium and the ``playwright`` package.
"""
from __future__ import annotations

import argparse
import math
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from corpus import generate  # noqa: E402  (benchmarks/corpus.py)

from digest.config import load_config  # noqa: E402
from digest.content import read_entry  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
SLUG = "benchmark-entry"


@dataclass
class Row:
    entries: int
    first_build: float
    latencies: list[float] = field(default_factory=list)
    server: list[float] = field(default_factory=list)
    rebuilds: int = 0


class ServeProcess:
    """``digest serve`` in a child process; remembers when each output line arrived."""

    def __init__(self, root: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "digest", "serve", "--root", str(root), "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        self.lines: list[tuple[float, str]] = []
        self._cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            with self._cond:
                self.lines.append((time.time(), line.rstrip("\n")))
                self._cond.notify_all()

    def wait_line(self, pattern: str, after: int = 0, timeout: float = 600) -> tuple[int, float, str]:
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._cond:
            i = after
            while True:
                while i < len(self.lines):
                    when, line = self.lines[i]
                    if regex.search(line):
                        return i, when, line
                    i += 1
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise RuntimeError(f"no line matching {pattern!r}: {self.lines[-5:]}")
                self._cond.wait(left)

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def set_front_matter(path: Path, field_name: str, value: str) -> None:
    """Save the entry the way most editors do: a temporary file renamed over it."""
    lines = path.read_text(encoding="utf-8").split("\n")
    for i, line in enumerate(lines[1:], start=1):
        if line.startswith(f"{field_name}:"):
            lines[i] = f"{field_name}: {value}"
            break
        if line == "---":
            lines.insert(i, f"{field_name}: {value}")
            break
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text("\n".join(lines), encoding="utf-8")
    tmp.replace(path)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def measure(n: int, saves: int, browser) -> Row:
    with tempfile.TemporaryDirectory(prefix=f"digest-bench-{n}-") as tmp:
        root = Path(tmp)
        generate(root, n)
        entry = sorted((root / "content").rglob("*.md"))[n // 2]
        set_front_matter(entry, "slug", SLUG)
        url_path = read_entry(entry, load_config(root)).url
        start = time.time()
        server = ServeProcess(root)
        try:
            at, _, line = server.wait_line(r"serving .* at (http://\S+)")
            row = Row(n, time.time() - start)
            base = re.search(r"http://\S+", line).group(0)
            page = browser.new_page()
            page.goto(base + url_path)
            for i in range(saves):
                title = f"Benchmark title {i}"
                t0 = time.time()
                set_front_matter(entry, "title", f'"{title}"')
                page.locator("article h1").filter(has_text=re.compile(f"^{re.escape(title)}$")).wait_for(timeout=600_000)
                shown = page.evaluate(
                    "() => performance.timeOrigin + performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"
                )
                at, done, _ = server.wait_line(r"changed: built", after=at + 1)
                row.latencies.append(shown / 1000 - t0)
                row.server.append(done - t0)
                time.sleep(0.3)  # let the browser settle into its next long poll
            row.rebuilds = sum(1 for _, text in server.lines if " changed: built" in text)
            page.close()
        finally:
            server.stop()
        return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--saves", type=int, default=20)
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"no Chromium at {CHROMIUM}: apt-get install chromium", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    print(f"{'entries':>8} {'saves':>5} {'rebuilds':>8} {'1st build':>9} {'median':>8} {'p95':>8} "
          f"{'max':>8} {'server med':>10} {'server p95':>10}")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for n in args.sizes:
                print_row(measure(n, args.saves, browser))
        finally:
            browser.close()
    print("times in ms from the save to the page loaded in Chromium; server = until the rebuild was done")
    return 0


def print_row(row: Row) -> None:
    def ms(seconds: float) -> str:
        return f"{seconds * 1000:.0f}"

    print(f"{row.entries:>8} {len(row.latencies):>5} {row.rebuilds:>8} {row.first_build:>8.1f}s "
          f"{ms(statistics.median(row.latencies)):>8} {ms(percentile(row.latencies, 95)):>8} "
          f"{ms(max(row.latencies)):>8} {ms(statistics.median(row.server)):>10} "
          f"{ms(percentile(row.server, 95)):>10}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
