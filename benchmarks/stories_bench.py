"""Time the story finder on generated digests (benchmarks/corpus.py).

    python benchmarks/stories_bench.py            # 10,000 and 100,000 entries
    python benchmarks/stories_bench.py 10000 --days 30

Prints the sketch time per entry, the sketch size, the time of
``find_stories`` (CPU time of this process, the best of three) (and how many pairs it scored) and the stories it found.
The generated entries are independent texts, so every story found there is a
false one.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus import entry_text

from digest import stories
from digest.config import SiteConfig
from digest.content import _make_entry, _split


def make_texts(n: int, days: int, seed: int = 0) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    return [entry_text(rng, i, datetime(2018, 1, 1), days) for i in range(n)]


def load(texts: list[tuple[str, str]], config: SiteConfig) -> list:
    """Entries as the build reads them (the Markdown rendering is left out)."""
    from digest import content

    render, content.render_markdown = content.render_markdown, lambda body: ""
    try:
        entries = []
        for rel, text in texts:
            meta, body, fm = _split(text, rel)
            entries.append(_make_entry(meta, body, fm, rel=rel, shown=rel, config=config, fingerprint=rel))
        return entries
    finally:
        content.render_markdown = render


def time_sketch(texts: list[tuple[str, str]], config: SiteConfig) -> tuple[float, float]:
    parts = []
    for rel, text in texts:
        meta, body, _ = _split(text, rel)
        parts.append((str(meta["title"]), body, meta.get("lang")))
    stories._name_key.cache_clear()
    start = time.process_time()
    sizes = [len(stories.sketch(*p)) for p in parts]
    took = time.process_time() - start
    return took / len(parts) * 1e6, sum(sizes) / len(sizes)


def run(n: int, days: int) -> None:
    config = SiteConfig(root=Path("."), timezone="Asia/Almaty")
    texts = make_texts(n, days)
    per_entry, size = time_sketch(texts[:10000], config)
    print(f"{n} entries over {days} days: sketch {per_entry:.0f} µs/entry (cold name cache), {size:.0f} bytes on average")
    entries = load(texts, config)
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        found = stories.find_stories(entries, stories.DEFAULT_THRESHOLD)
        best = min(best, time.process_time() - start)
    pairs = len(stories.candidate_pairs(entries))
    print(f"  find_stories: {best * 1000:.0f} ms, {pairs} candidate pairs scored "
          f"(all pairs: {n * (n - 1) // 2}), {len(found)} stories")
    for story in found[:10]:
        print("   ", story.id, [e.source_path for e in story.entries])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10000, 100000])
    parser.add_argument("--days", type=int, default=7 * 365, help="the span of the dates (default: 7 years)")
    args = parser.parse_args()
    for n in args.sizes:
        run(n, args.days)


if __name__ == "__main__":
    main()
