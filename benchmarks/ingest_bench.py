"""How fast is ``digest ingest``? Prints pages per second for read, parse and write.

    python benchmarks/ingest_bench.py [--copies 50]

Makes ``copies`` variants of every fixture page (distinct titles, so each becomes
its own entry) in a temporary folder, then times, separately:
reading/decoding (read_page), parsing (parse_file) and writing entries
(EntryWriter, including the build's own validation), then a second ingest of the
same pages (every one "unchanged").
"""
from __future__ import annotations

import argparse
import json
import logging
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=50, help="variants of each fixture page (default 50)")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
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
