"""Parsing on every core, or on a Dask cluster, while one process writes.

``parsing`` takes the work of an ingest in order (scraped files, pages from crawl
archives, and rows that need no parsing) and gives back, in the same order, an
``Article`` for each page: parsed in this process for a small batch or ``jobs=1``, else
in a pool of ``jobs`` worker processes. Only the process that called it writes entries,
so the order of writing, and with it the ``-2`` rule and "never overwrite an edited
entry", is exactly that of a single process.

At most ``IN_FLIGHT_PER_WORKER`` pages per worker are in flight: memory stays bounded
however long the stream. Workers ignore Ctrl-C; the caller's KeyboardInterrupt cancels
what is queued and stops the workers.

``dask_parsing`` hands whole files to a Dask cluster instead (one task per crawl
archive, or per ``FILES_PER_TASK`` scraped files) and gives back the same stream, file
by file in input order, at most two files per worker ahead.
"""
from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
import signal
from collections import Counter, deque
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


# -- on a Dask cluster

FILES_PER_TASK = 50
"""Scraped files (not archives) are sent to the cluster this many to a task."""


def parse_files_task(paths: list[str], root: str | None, topic: str | None):
    """On a Dask worker: every page of these files (one crawl archive, or a few
    scraped pages) parsed, each with its normalised URL (for crawled pages), and
    what the archives held."""
    from digest.ingest.commands import CrawlCounts, iter_work
    from digest.ingest.warc import CrawledPage
    from digest.ingest.write import normalize_url

    logging.disable(logging.WARNING)
    where = Path(root) if root is not None else None
    loaded = _load_topic(topic, where)
    counts = CrawlCounts()
    results = []
    for item in iter_work([Path(p) for p in paths], counts):
        if isinstance(item, Outcome):
            results.append((None, None, item))
        else:
            key = normalize_url(item.url) if isinstance(item, CrawledPage) and item.url else None
            archive = item.archive if isinstance(item, CrawledPage) else None
            results.append((key, archive, parse_one(item, where, loaded)))
    return results, counts


def _units(paths: Iterable[Path]) -> Iterator[list[str]]:
    """Each crawl archive alone, scraped files by ``FILES_PER_TASK``, in order."""
    from digest.ingest.warc import is_archive

    batch: list[str] = []
    for path in paths:
        if is_archive(path):
            if batch:
                yield batch
                batch = []
            yield [str(path)]
        else:
            batch.append(str(path))
            if len(batch) == FILES_PER_TASK:
                yield batch
                batch = []
    if batch:
        yield batch


@contextmanager
def dask_parsing(paths: Iterable[Path], counts, *, address: str, root: Path | None = None,
                 topic: str | None = None) -> Iterator[Iterator[Article | Outcome]]:
    """Like ``parsing``, with the parsing of whole files done on the Dask cluster at
    ``address``; the workers must see the files (and the site root) at the same paths.
    Results come back file by file, in order; ``counts`` gets what the archives held."""
    try:
        from distributed import Client
    except ImportError:
        raise IngestError("--dask needs the distributed package: pip install 'digest[cluster]'") from None
    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise IngestError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        yield _from_cluster(client, paths, counts, str(root) if root is not None else None, topic)
    finally:
        client.close()


def _from_cluster(client, paths, counts, root, topic) -> Iterator[Article | Outcome]:
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    window: deque = deque()
    seen: set[str] = set()
    units = _units(paths)
    for unit in itertools.chain(units, [None]):
        if unit is not None:
            window.append(client.submit(parse_files_task, unit, root, topic, pure=False))
            if len(window) < 2 * workers:
                continue
        while window and (unit is None or len(window) >= 2 * workers):
            try:
                results, part = window.popleft().result()
            except Exception as exc:  # a worker died, or could not import digest
                raise IngestError(f"the Dask cluster could not parse the files: {exc}") from None
            _merge(counts, part)
            for key, archive, item in results:
                if key is not None and key in seen:  # fetched again in an earlier archive
                    counts.pages[archive] -= 1
                    counts.skipped.setdefault(archive, Counter())["duplicate URLs"] += 1
                    continue
                if key is not None:
                    seen.add(key)
                yield item


def _merge(counts, part) -> None:
    counts.pages.update(part.pages)
    counts.damaged.update(part.damaged)
    for archive, skipped in part.skipped.items():
        counts.skipped.setdefault(archive, Counter()).update(skipped)
