"""How fast ``digest parse`` reads text dumps (and, with --html, HTML pages).

Generates a few thousand pages in memory from the layout fixtures: headline and
widget lines shuffled, names, dates and closing headings changed, some bodies
hard-wrapped or run together, and parses them one after the other on one core.
Prints pages per second. Target for text dumps: 1,000 pages/s or more.

    python benchmarks/parse_bench.py               # 3000 text pages
    python benchmarks/parse_bench.py --pages 10000 --html 300
    python benchmarks/parse_bench.py --pages 0 --html-from /tmp/trafilatura/tests/eval --limit 200

``--html-from DIR`` times real pages (the ``*.html`` files of DIR, e.g. the pages of
trafilatura's evaluation set; read where they are, never copied into digest) and
prints the CPU milliseconds a page, and how many pages the markup alone dates.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import textwrap
import time
from pathlib import Path

from digest.ingest.outlets import load_outlets
from digest.ingest.parse import parse_html, parse_text
from digest.ingest.tags import load_vocabulary

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
NAMES = ["Aigerim Sadykova", "Nurlan Abenov", "Dana Ospan", "Yerlan Tokbergenov", "Асель Нурланова",
         "Иван Петров", "Айгерім Сәрсенова", "Timur Akhmetzhanov"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
HEADINGS = ["Related news", "Read also", "Popular", "Новости по теме", "Самое читаемое", "Ұқсас жаңалықтар"]
WIDGETS = ["+7 727 555 01 47", "USD 452.10 EUR 487.30", "Astana -5 ℃", "Views: 1 204", "RU | KZ | EN",
           "Share", "Main Page > News > Politics"]
_DATE_LINE = re.compile(r"^\s*\d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d\s*$")


def variant(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    # shuffle the site chrome above the article, never the article itself
    first_prose = next((i for i, line in enumerate(lines) if len(line.split()) >= 12), len(lines))
    head = rng.randint(1, max(1, min(8, first_prose)))
    block = lines[1:head]
    rng.shuffle(block)
    for _ in range(rng.randint(0, 3)):
        block.insert(rng.randint(0, len(block)), rng.choice(WIDGETS))
    lines[1:head] = block
    out = []
    for line in lines:
        stripped = line.strip()
        if _DATE_LINE.match(line):
            line = f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2019, 2030)}, " \
                   f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
        elif stripped in HEADINGS:
            line = rng.choice(HEADINGS)
        elif len(stripped.split()) == 2 and stripped.istitle() and rng.random() < 0.5:
            line = rng.choice(NAMES)
        elif len(stripped) > 200 and rng.random() < 0.2:
            out.extend(["", *textwrap.wrap(stripped, rng.randint(60, 78)), ""])
            continue
        out.append(line)
    page = "\n".join(out)
    return page.replace("\n\n", "\n") if rng.random() < 0.15 else page


def pin_to_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=3000, help="text pages to parse (default 3000)")
    parser.add_argument("--html", type=int, default=0, help="HTML pages to parse as well (default 0)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--html-from", type=Path, metavar="DIR", help="also time the *.html pages of DIR")
    parser.add_argument("--limit", type=int, default=0, help="with --html-from: the first N pages only")
    args = parser.parse_args()
    pin_to_one_core()
    rng = random.Random(args.seed)
    sources = [p.read_text(encoding="utf-8") for d in ("pages", "pages_extra")
               for p in sorted((FIXTURES / d).glob("*.txt"))]
    pages = [variant(rng.choice(sources), rng) for _ in range(args.pages)]
    load_outlets(), load_vocabulary()  # data files are read once, outside the timing
    if pages:
        time_text_pages(pages)

    if args.html:
        html = [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "html").glob("*.html"))]
        docs = [html[i % len(html)] for i in range(args.html)]
        parse_html(docs[0], "warm-up")
        cpu_start = time.process_time()
        for i, doc in enumerate(docs):
            parse_html(doc, f"page{i}.html")
        cpu = time.process_time() - cpu_start
        print(f"HTML pages: {len(docs)} pages, {len(docs) / cpu:,.0f} pages/s of CPU time")

    if args.html_from:
        time_real_pages(args.html_from, args.limit)


def time_text_pages(pages: list[str]) -> None:
    parse_text(pages[0], "warm-up")
    start, cpu_start = time.perf_counter(), time.process_time()
    results = [parse_text(page, f"page{i}.txt") for i, page in enumerate(pages)]
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    with_body = sum(bool(a.body) for a in results)
    with_title = sum(bool(a.title) for a in results)
    # CPU time is what one core spends; wall time also counts waiting for the core on a busy machine
    print(f"text dumps: {len(pages)} pages, {len(pages) / cpu:,.0f} pages/s of CPU time "
          f"({1000 * cpu / len(pages):.2f} ms a page); wall clock {len(pages) / elapsed:,.0f} pages/s; "
          f"title found in {with_title}, body in {with_body}")


def time_real_pages(folder: Path, limit: int) -> None:
    """CPU time of ``digest parse`` on real pages, and how many the markup dates."""
    from trafilatura import load_html

    from digest.errors import IngestError
    from digest.ingest.metadata import page_metadata
    from digest.ingest.source import decode_page

    texts = []
    for path in sorted(folder.glob("*.html"))[: limit or None]:
        try:
            texts.append(decode_page(path.read_bytes()).text)
        except IngestError:
            continue
    if not texts:
        print(f"skipped: no readable *.html pages in {folder}")
        return
    marked = sum(1 for t in texts if (tree := load_html(t)) is not None and page_metadata(tree).published)
    parse_html(texts[0], "warm-up")
    cpu_start = time.process_time()
    for i, text in enumerate(texts):
        parse_html(text, f"page{i}.html")
    cpu = time.process_time() - cpu_start
    print(f"real HTML pages ({folder}): {len(texts)} pages, {1000 * cpu / len(texts):.1f} ms a page of CPU time; "
          f"the markup dates {marked}")


if __name__ == "__main__":
    main()
