"""How well does ``digest ingest --topic elections`` tell election news from the rest?

    python benchmarks/topic_bench.py [--threshold 0.3]

Parses each page of ``tests/fixtures/topic/pages.txt`` (42 invented pages: 21 about
elections, 21 about sport, farming, weather and business, in English, Russian and
Kazakh) with the real parser, scores it against the ``elections`` topic, and prints
each page's score, then precision and recall of the filter (an election page kept is a
true positive), overall and per language.
"""
from __future__ import annotations

import argparse
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path

from digest.ingest.commands import parse_job
from digest.ingest.topic import load_topic

PAGES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "topic" / "pages.txt"


@dataclass(frozen=True)
class Labelled:
    name: str
    on_topic: bool
    text: str

    @property
    def language(self) -> str:
        return self.name.split("_")[0]


def read_pages(path: Path = PAGES) -> list[Labelled]:
    """The pages of ``pages.txt``: ``=== NAME on|off`` lines, each followed by a page."""
    pages = []
    for chunk in path.read_text(encoding="utf-8").split("=== ")[1:]:
        head, _, text = chunk.partition("\n")
        name, label = head.split()
        pages.append(Labelled(name, label == "on", text.strip() + "\n"))
    return pages


def precision_recall(results: list[tuple[bool, bool]]) -> tuple[float, float]:
    """(precision, recall) of (expected on topic, kept) pairs."""
    kept = [expected for expected, got in results if got]
    relevant = [got for expected, got in results if expected]
    precision = sum(kept) / len(kept) if kept else 1.0
    recall = sum(relevant) / len(relevant) if relevant else 1.0
    return precision, recall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, help="use this threshold instead of the topic's own")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    topic = load_topic("elections")
    threshold = topic.threshold if args.threshold is None else args.threshold
    results: dict[str, list[tuple[bool, bool]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for page in read_pages():
            path = Path(tmp) / f"{page.name}.txt"
            path.write_text(page.text, encoding="utf-8")
            score = topic.score(parse_job(path))
            kept = score.score >= threshold
            mark = "" if kept == page.on_topic else "  <- wrong"
            print(f"{page.name:<24} {'on ' if page.on_topic else 'off'}  {score.describe()}{mark}")
            results.setdefault(page.language, []).append((page.on_topic, kept))
    print(f"\nthreshold {threshold:.2f}")
    everything = [r for rs in results.values() for r in rs]
    for label, rs in [*sorted(results.items()), ("all", everything)]:
        precision, recall = precision_recall(rs)
        print(f"{label:<4} {len(rs):3d} pages  precision {precision:.2f}  recall {recall:.2f}")


if __name__ == "__main__":
    main()
