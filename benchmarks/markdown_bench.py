"""Markdown engines on entry bodies: milliseconds an entry, raw and sanitised.

Python-Markdown (digest's default), cmarkgfm (the compiled engine digest can
use) and pyromark (pulldown-cmark, the other candidate: `pip install pyromark`
to include it), on the bodies of the generated Markdown corpus
(``corpus.py --markdown``), on its plain-prose corpus and on the repository's
sample digest (``content/``), in one process, best of ``--repeat`` passes,
in CPU time (``time.process_time``: steadier than wall time on a shared machine).

    python benchmarks/markdown_bench.py              # 2,000 generated entries
    python benchmarks/markdown_bench.py --n 10000
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from corpus import entry_text  # noqa: E402

from digest import markup  # noqa: E402
from digest.markdown_engines import converter  # noqa: E402


def _pyromark():
    try:
        import pyromark
    except ImportError:
        return None
    options = pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_STRIKETHROUGH
    return lambda text: pyromark.html(text, options=options)


def bodies_of(texts: list[str]) -> list[str]:
    return [text.split("\n---\n", 1)[1] for text in texts]


def generated(n: int, markdown: bool) -> list[str]:
    rng = random.Random(0)
    return bodies_of([entry_text(rng, i, datetime(2018, 1, 1), 7 * 365, markdown=markdown)[1] for i in range(n)])


def per_entry_ms(convert, bodies: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for body in bodies:
            convert(body)
        best = min(best, time.process_time() - start)
    return best * 1000 / len(bodies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="generated entries (default 2,000)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    corpora = {
        "Markdown corpus": generated(args.n, markdown=True),
        "plain corpus": generated(args.n, markdown=False),
        "sample digest": bodies_of([p.read_text("utf-8") for p in sorted((HERE.parent / "content").rglob("*.md"))]),
    }
    engines = {"python-markdown": converter("python-markdown"), "cmarkgfm": converter("cmarkgfm")}
    if (pyro := _pyromark()) is not None:
        engines["pyromark"] = pyro
    print("| engine | corpus | entries | engine alone CPU ms/entry | + sanitiser CPU ms/entry "
          "| digest's render_markdown CPU ms/entry |")
    print("|---|---|---:|---:|---:|---:|")
    for corpus, bodies in corpora.items():
        for name, convert in engines.items():
            raw = per_entry_ms(convert, bodies, args.repeat)
            clean = per_entry_ms(lambda b: markup.sanitize(convert(b)), bodies, args.repeat)
            ours = (f"{per_entry_ms(lambda b: markup.render_markdown(b, name), bodies, args.repeat):.4f}"
                    if name in ("python-markdown", "cmarkgfm") else "–")
            print(f"| {name} | {corpus} | {len(bodies):,} | {raw:.4f} | {clean:.4f} | {ours} |", flush=True)


if __name__ == "__main__":
    main()
