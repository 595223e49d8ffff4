"""digest and trafilatura side by side on trafilatura's own evaluation set.

trafilatura's repository (https://github.com/adbar/trafilatura) keeps, in
``tests/evaldata.json``, about 990 real web pages (the HTML files in
``tests/cache/`` and ``tests/eval/``), each with snippets of text an extraction
must contain (``with``) and must not (``without``), and for most pages the
title, date and author. This script reads them where they are (they are not
part of digest) and scores, for each page:

* ``trafilatura``: ``trafilatura.extract`` with the settings of trafilatura's own
  benchmark (tables in, comments out), and ``bare_extraction``'s title, date and
  author;
* ``digest``: ``digest parse`` (the page read as the file would be; its title and
  body paragraphs, which is what an entry shows, and its published date and author).

Snippets are matched after whitespace is collapsed, as in trafilatura's
``eval_common.count_item``. Metadata accuracy counts pages whose annotation gives
the field: a title must be equal (whitespace collapsed), a date must have the
same day, an author the same names (``;`` or ``,`` between them, in any order).

    git clone https://github.com/adbar/trafilatura /tmp/trafilatura
    python benchmarks/html_eval.py /tmp/trafilatura             # every page
    python benchmarks/html_eval.py /tmp/trafilatura --limit 200 --misses
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def names(text: str) -> list[str]:
    return sorted(norm(p).casefold() for p in re.split(r"[;,]", text) if norm(p))


@dataclass
class Score:
    """Counts for one extractor."""

    with_found: int = 0
    with_total: int = 0
    without_avoided: int = 0
    without_total: int = 0
    meta_right: dict[str, int] = field(default_factory=lambda: {"title": 0, "date": 0, "author": 0})
    meta_total: dict[str, int] = field(default_factory=lambda: {"title": 0, "date": 0, "author": 0})
    seconds: float = 0.0
    misses: list[str] = field(default_factory=list)

    def add(self, item: dict, body: str, meta: dict[str, str | None], name: str) -> None:
        text = norm(body)
        for snippet in item["with"]:
            self.with_total += 1
            if norm(snippet) in text:
                self.with_found += 1
            else:
                self.misses.append(f"{name}: missing {snippet!r}")
        for snippet in item["without"]:
            self.without_total += 1
            if norm(snippet) not in text:
                self.without_avoided += 1
            else:
                self.misses.append(f"{name}: kept {snippet!r}")
        for key in ("title", "date", "author"):
            gold = item.get(key)
            if not gold:
                continue
            gold = "; ".join(gold) if isinstance(gold, list) else gold
            got = meta.get(key) or ""
            self.meta_total[key] += 1
            if key == "title":
                right = norm(got) == norm(gold)
            elif key == "date":
                right = got[:10] == gold[:10]
            else:
                right = names(got) == names(gold)
            self.meta_right[key] += right
            if not right:
                self.misses.append(f"{name}: {key} {got!r}, expected {gold!r}")


def run_trafilatura(data: bytes) -> tuple[str, dict[str, str | None]]:
    from trafilatura import bare_extraction, extract

    body = extract(data, include_comments=False, include_tables=True) or ""
    doc = bare_extraction(data, with_metadata=True, include_comments=False, include_tables=True)
    meta = {"title": doc.title, "date": doc.date, "author": doc.author} if doc is not None else {}
    return body, meta


def run_digest(data: bytes, name: str) -> tuple[str, dict[str, str | None]]:
    from digest.errors import IngestError
    from digest.ingest.parse import parse_page
    from digest.ingest.source import decode_page

    try:
        text = decode_page(data).text
    except IngestError:
        return "", {}
    article = parse_page(text, name)
    meta = {"title": article.title, "date": article.published, "author": article.author}
    return "\n".join(filter(None, [article.title, *article.body])), meta


def find_page(root: Path, name: str) -> Path | None:
    for folder in ("cache", "eval"):
        path = root / "tests" / folder / name
        if path.is_file():
            return path
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path, help="a checkout of trafilatura's repository (it has tests/evaldata.json)")
    parser.add_argument("--limit", type=int, default=0, help="score only the first N pages")
    parser.add_argument("--misses", action="store_true", help="list every snippet or field missed")
    args = parser.parse_args(argv)
    evaldata = args.path / "tests" / "evaldata.json"
    if not evaldata.is_file():
        print(f"skipped: {evaldata} not found (clone https://github.com/adbar/trafilatura there)")
        return 0
    items = json.loads(evaldata.read_text(encoding="utf-8"))
    pages = sorted(items.items())
    if args.limit:
        pages = pages[:args.limit]
    scores = {"trafilatura": Score(), "digest": Score()}
    missing = 0
    for _url, item in pages:
        path = find_page(args.path, item["file"])
        if path is None:
            missing += 1
            continue
        data = path.read_bytes()
        for name, run in (("trafilatura", run_trafilatura), ("digest", lambda d: run_digest(d, item["file"]))):
            started = time.perf_counter()
            try:
                body, meta = run(data)
            except Exception as exc:  # a crash is a miss, as in trafilatura's own evaluation
                print(f"{item['file']}: {name}: {type(exc).__name__}: {exc}", file=sys.stderr)
                body, meta = "", {}
            scores[name].seconds += time.perf_counter() - started
            before = len(scores[name].misses)
            scores[name].add(item, body, meta, item["file"])
            if args.misses:
                for line in scores[name].misses[before:]:
                    print(f"{name:<12} {line}")
    print(f"{len(pages) - missing} pages ({missing} listed but not found)")
    print(f"{'':<12} {'with found':>12} {'without avoided':>16} {'title':>7} {'date':>7} {'author':>7} {'s/page':>7}")
    for name, s in scores.items():
        meta = [s.meta_right[k] / s.meta_total[k] if s.meta_total[k] else 0.0 for k in ("title", "date", "author")]
        print(f"{name:<12} {s.with_found / max(1, s.with_total):>12.1%} {s.without_avoided / max(1, s.without_total):>16.1%}"
              f" {meta[0]:>7.1%} {meta[1]:>7.1%} {meta[2]:>7.1%} {s.seconds / max(1, len(pages) - missing):>7.3f}")
    s = scores["digest"]
    print(f"(with: {s.with_total} snippets, without: {s.without_total}; metadata on "
          f"{s.meta_total['title']} titles, {s.meta_total['date']} dates, {s.meta_total['author']} authors)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
