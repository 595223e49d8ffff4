"""How fast is ``digest ingest``? Prints pages per second for read, parse and write.

    python benchmarks/ingest_bench.py [--copies 50]
    python benchmarks/ingest_bench.py --warc 10000 [--dask-files 4]
    python benchmarks/ingest_bench.py --warc 10000 --image-kib 4096 --no-dask   # a 1 GB archive

Makes ``copies`` variants of every fixture page (distinct titles, so each becomes
its own entry) in a temporary folder, then times, separately:
reading/decoding (read_page), parsing (parse_file) and writing entries
(EntryWriter, including the build's own validation), then a second ingest of the
same pages (every one "unchanged").

With ``--warc N`` it makes a crawl archive of N records instead (``make_crawl``: a
request and a response for each fetch, with images, scripts, 404s, redirects and
revisits among them, like a real crawl; each page a fixture page with its own title) and
runs the real command, ``digest ingest crawl.warc.gz``, in a fresh process for each of:
one worker (``--jobs 1``), every core, and a local Dask cluster (``--dask``, the archive
split into ``--dask-files`` files, since Dask parses whole files). For each it prints
pages per second, the peak memory of the largest process, and the load average (the
machine may be shared: a loaded machine depresses the speedup). ``--image-kib K`` makes
each image response K KiB of incompressible bytes, so that the same pages come in an
archive of any size (4096: about 1 GB for 10,000 records): memory must not grow with it.
``--page-kib K`` puts every page inside K KiB of invented site chrome (``page_chrome.py``),
the size of real news pages (80 is the median of trafilatura's held-out pages), since the
fixture pages alone (1–3 KB) cost little to parse and measure mostly the writing process.
"""
from __future__ import annotations

import argparse
import io
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from digest.config import load_config
from digest.ingest.commands import entry_validator, parse_page
from digest.ingest.source import read_page
from digest.ingest.write import EntryWriter, Status

PAGES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "pages"


def make_pages(folder: Path, copies: int) -> list[Path]:
    made = []
    for page in sorted(PAGES.glob("*.txt")):
        text = page.read_text(encoding="utf-8")
        expected = (page.with_suffix(".json")).read_text(encoding="utf-8")
        title = json.loads(expected)["title"]
        for n in range(copies):
            path = folder / f"{page.stem}-{n:04d}.txt"
            path.write_text(text.replace(title, f"{title} (variant {n})"), encoding="utf-8")
            made.append(path)
    return made


def timed(label: str, count: int, func) -> object:
    start = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - start
    print(f"{label:<28} {count:6d} pages  {seconds:7.3f} s  {count / seconds:9.1f} pages/s")
    return result


FIXTURES = PAGES.parent


def make_crawl(folder: Path, records: int, files: int = 1, image_kib: int = 2, page_kib: int = 0) -> list[Path]:
    """Crawl archives of ``records`` records in all, split into ``files`` gzipped WARCs;
    each image ``image_kib`` KiB of random (incompressible) bytes; with ``page_kib``, each
    page an HTML page inside that much invented site chrome (``page_chrome``)."""
    import random

    from page_chrome import as_news_page
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    pages = [*sorted((FIXTURES / "html").glob("*.html")), *sorted(PAGES.glob("*.txt")),
             *sorted((FIXTURES / "pages_extra").glob("*.txt"))]
    titles = [json.loads(p.with_suffix(".json").read_text(encoding="utf-8"))["title"].encode() for p in pages]
    paths = [folder / f"crawl-{i:02d}.warc.gz" for i in range(files)]
    handles = [open(p, "wb") for p in paths]
    writers = [WARCWriter(fh, gzip=True) for fh in handles]

    def http(status: str, media: str) -> StatusAndHeaders:
        return StatusAndHeaders(status, [("Content-Type", media)], protocol="HTTP/1.1")

    try:
        n = 0
        while n < records:
            writer = writers[n * files // records]
            url = f"https://news.example.org/{n}"
            request = StatusAndHeaders(f"GET /{n} HTTP/1.1", [("Host", "news.example.org")], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=request))
            kind = (n // 2) % 20
            if kind == 3:
                image = b"\x89PNG" + random.Random(n).randbytes(image_kib * 1024)
                record = writer.create_warc_record(url, "response", payload=io.BytesIO(image),
                                                   http_headers=http("200 OK", "image/png"))
            elif kind == 7:
                record = writer.create_warc_record(url, "response", payload=io.BytesIO(b"var a = 1;" * 100),
                                                   http_headers=http("200 OK", "application/javascript"))
            elif kind == 11:
                record = writer.create_warc_record(url, "response", payload=io.BytesIO(b"<p>not found</p>"),
                                                   http_headers=http("404 Not Found", "text/html"))
            elif kind == 15:
                record = writer.create_revisit_record(url, digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                                                      refers_to_uri=url, refers_to_date="2024-03-01T10:00:00Z",
                                                      http_headers=http("200 OK", "text/html"))
            else:
                i = n % len(pages)
                title = titles[i] + b" (fetch %d)" % n
                body = pages[i].read_bytes().replace(titles[i], title)
                is_html = pages[i].suffix == ".html"
                if page_kib:
                    body = as_news_page(body, None if is_html else title.decode(), page_kib, n)
                    is_html = True
                media = "text/html; charset=utf-8" if is_html else "text/plain; charset=utf-8"
                record = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                   http_headers=http("200 OK", media))
            writer.write_record(record)
            n += 2
    finally:
        for fh in handles:
            fh.close()
    return paths


_MEASURE = """
import re, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(seconds, peak, done.returncode)
# the summary ("4000 pages: 4000 written"), not the outlets.toml hint printed after it
print(next((line for line in reversed(done.stdout.splitlines()) if re.match(r"\\d+ [a-z ]+: ", line)), ""))
"""


def run_ingest(inputs: list[Path], options: list[str]) -> tuple[float, float, str]:
    """(seconds, peak MiB of the largest process, summary line) of one real ``digest ingest``."""
    with tempfile.TemporaryDirectory() as site:
        command = [sys.executable, "-m", "digest", "ingest", *map(str, inputs), "--root", site, *options]
        out = subprocess.run([sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True, check=True)
        first, summary = (out.stdout.splitlines() + [""])[:2]
        seconds, peak_kib, code = first.split()
        return float(seconds), int(peak_kib) / 1024, summary


def crawl_bench(records: int, dask_files: int, image_kib: int = 2, dask: bool = True, page_kib: int = 0) -> None:
    from digest.ingest.pool import default_jobs

    cores = default_jobs()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        [crawl] = make_crawl(folder, records, image_kib=image_kib, page_kib=page_kib)
        pages = sum(1 for n in range(0, records, 2) if (n // 2) % 20 not in (3, 7, 11, 15))
        print(f"crawl: {records} records, {pages} pages, {crawl.stat().st_size / 1e6:,.1f} MB gzipped")
        runs = [("1 worker", [crawl], ["--jobs", "1"]), (f"{cores} workers", [crawl], ["--jobs", str(cores)])]
        one = None
        for label, inputs, options in runs:
            seconds, peak, summary = run_ingest(inputs, options)
            one = one or seconds
            print(f"{label:<22} {seconds:7.1f} s  {pages / seconds:7.1f} pages/s  {one / seconds:4.2f}x  "
                  f"peak {peak:5.0f} MiB  load {os.getloadavg()[0]:.1f}  ({summary})")
        if not dask:
            return
        try:
            from distributed import LocalCluster
        except ImportError:
            print("dask: not installed (pip install 'digest[cluster]')")
            return
        (folder / "parts").mkdir()
        parts = make_crawl(folder / "parts", records, dask_files, image_kib, page_kib)
        with LocalCluster(n_workers=cores, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
            seconds, peak, summary = run_ingest(parts, ["--dask", cluster.scheduler_address])
            with cluster.get_client() as client:
                worker_peak = max(client.run(_peak_mib).values())
        print(f"{f'Dask, {cores} workers':<22} {seconds:7.1f} s  {pages / seconds:7.1f} pages/s  {one / seconds:4.2f}x  "
              f"peak {peak:5.0f} MiB (workers {worker_peak:.0f} MiB)  load {os.getloadavg()[0]:.1f}  "
              f"({dask_files} files; {summary})")


def _peak_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=50, help="variants of each fixture page (default 50)")
    parser.add_argument("--warc", type=int, metavar="RECORDS", help="benchmark a crawl archive of this many records")
    parser.add_argument("--dask-files", type=int, default=4, help="files the crawl is split into for Dask (default 4)")
    parser.add_argument("--image-kib", type=int, default=2, help="size of each image response in the crawl (default 2)")
    parser.add_argument("--page-kib", type=int, default=0,
                        help="make every page an HTML page in about this many KiB of site chrome, as real pages are (e.g. 80)")
    parser.add_argument("--no-dask", action="store_true", help="leave out the run through a local Dask cluster")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    if args.warc:
        crawl_bench(args.warc, args.dask_files, args.image_kib, not args.no_dask, args.page_kib)
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "pages").mkdir()
        pages = make_pages(root / "pages", args.copies)
        config = load_config(root)
        count = len(pages)
        timed("read_page", count, lambda: [read_page(p) for p in pages])
        articles = timed("parse_file", count, lambda: [parse_page(p, root=root) for p in pages])

        def write_all(articles=articles) -> list:
            writer = EntryWriter(config.content_dir, validate=entry_validator(config))
            return [writer.ingest(a) for a in articles]

        outcomes = timed("write entries (first time)", count, write_all)
        again = timed("write entries (unchanged)", count, write_all)
        written = sum(o.status is Status.WRITTEN for o in outcomes)
        unchanged = sum(o.status is Status.UNCHANGED for o in again)
        print(f"written {written}, unchanged on the second run {unchanged}, of {count}")


if __name__ == "__main__":
    main()
