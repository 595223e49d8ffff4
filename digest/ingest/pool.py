"""Parsing on every core while one process writes.

``parsing`` takes the work of an ingest in order (scraped files, pages from crawl
archives, and rows that need no parsing) and gives back, in the same order, an
``Article`` for each page: parsed in this process for a small batch or ``jobs=1``, else
in a pool of ``jobs`` worker processes. Only the process that called it writes entries,
so the order of writing, and with it the ``-2`` rule and "never overwrite an edited
entry", is exactly that of a single process.

At most ``IN_FLIGHT_PER_WORKER`` pages per worker are in flight: memory stays bounded
however long the stream. Workers ignore Ctrl-C; the caller's KeyboardInterrupt cancels
what is queued and stops the workers.
"""
from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path

from digest.errors import IngestError

from digest.ingest.article import Article
from digest.ingest.write import Outcome

log = logging.getLogger(__name__)

SMALL_BATCH = 20
"""A batch of this many pages or fewer is parsed in the calling process: starting
workers would take longer."""
IN_FLIGHT_PER_WORKER = 4


def default_jobs() -> int:
    """As many workers as this process may use cores."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


# -- in a worker


_state: dict = {}


def _start_worker(root: str | None, topic: str | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.disable(logging.WARNING)  # the parent reports; workers would repeat it
    _state["root"] = Path(root) if root is not None else None
    _state["topic"] = _load_topic(topic, _state["root"])


def _load_topic(name: str | None, root: Path | None):
    if not name:
        return None
    from digest.ingest.topic import load_topic

    return load_topic(name, root)


def parse_one(job, root: Path | None = None, topic=None) -> Article:
    from digest.ingest.commands import parse_job

    return parse_job(job, root=root, topic=topic)


def _parse_in_worker(job) -> Article:
    return parse_one(job, _state["root"], _state["topic"])


# -- in the writing process


@contextmanager
def parsing(items: Iterable, *, root: Path | None = None, topic: str | None = None,
            jobs: int = 1) -> Iterator[Iterator[Article | Outcome]]:
    """The items parsed (an ``Outcome`` passes through as it is), in their order.

    Enter it before any other thread starts (a progress bar's): the workers are
    forked on entry, so they start at once with everything imported, and copy
    nothing half-done.
    """
    items = iter(items)
    head = list(itertools.islice(items, SMALL_BATCH + 1))
    if jobs <= 1 or len(head) <= SMALL_BATCH:
        yield _inline(itertools.chain(head, items), root, _load_topic(topic, root))
        return
    pool = ProcessPoolExecutor(jobs, mp_context=_context(), initializer=_start_worker,
                               initargs=(str(root) if root is not None else None, topic))
    try:
        for started in [pool.submit(_ready) for _ in range(jobs)]:
            started.result()
        yield _pooled(pool, itertools.chain(head, items), jobs)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _ready() -> bool:
    return True


def _context():
    """Forked workers where the system has fork (they start with the parser imported), else spawned."""
    try:
        return multiprocessing.get_context("fork")
    except ValueError:  # pragma: no cover - not on POSIX
        return multiprocessing.get_context("spawn")


def _inline(items: Iterator, root: Path | None, topic) -> Iterator[Article | Outcome]:
    for item in items:
        yield item if isinstance(item, Outcome) else parse_one(item, root, topic)


def _pooled(pool: ProcessPoolExecutor, items: Iterator, jobs: int) -> Iterator[Article | Outcome]:
    window: deque[Future | Outcome] = deque()
    limit = jobs * IN_FLIGHT_PER_WORKER
    for item in items:
        window.append(item if isinstance(item, Outcome) else pool.submit(_parse_in_worker, item))
        while len(window) >= limit:
            yield _result(window.popleft())
    while window:
        yield _result(window.popleft())


def _result(item: Future | Outcome) -> Article | Outcome:
    if isinstance(item, Outcome):
        return item
    try:
        return item.result()
    except BrokenProcessPool as exc:
        raise IngestError(f"a parsing process stopped ({exc}); what was written is kept") from None
