"""Sharing the expensive work of a build between processes.

Workers are forked once the work is set up, so they inherit the loaded site,
the page specs and the compiled templates; only slices of the work go to
them, and only small results (entries without bodies, hashes, where partials
were stored) come back. Bodies and partials travel through pack files.
"""
from __future__ import annotations

import gc
import hashlib
import os
import pickle
import shutil
import signal
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from digest import cache as cachemod
from digest import faults
from digest.cache import Stamp
from digest.config import SiteConfig
from digest.deathsig import die_with
from digest.errors import WorkerError
from digest.content import read_entry
from digest.model import Entry, forget_packs
from digest.plan import PageSpec
from digest.render import Renderer

PARALLEL_MIN_ENTRIES = 400
PARALLEL_MIN_PAGES = 800


def workers() -> int:
    """Processes to use: the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def read_entries(paths: list[Path], config: SiteConfig) -> list[Entry]:
    """Read entry files, in parallel when there are many (bodies travel back with the entries)."""
    n = workers()
    if n > 1 and len(paths) >= PARALLEL_MIN_ENTRIES:
        chunks = [paths[i::n] for i in range(n)]
        with _pool(n, config) as pool:
            parts = pool.map(_read_chunk, chunks)
        # undo the interleaving, so the order is the order of ``paths``
        out: list[Entry] = [None] * len(paths)  # type: ignore[list-item]
        for i, part in enumerate(parts):
            out[i::n] = part
        return out
    return [read_entry(path, config) for path in paths]


def read_into(
    todo: list[tuple[str, Stamp, str]], config: SiteConfig, folder: Path, settings: str,
    meanwhile: Callable[[], None] | None = None,
) -> tuple[dict[str, tuple[Stamp, Entry]], list[Path]]:
    """Read entry files (relative path, stamp, full path): path → (stamp, entry).

    With many files, each process stores what it reads where the build cache
    keeps it: bodies in a pack file, the entries in an index segment, both in
    ``folder``; it hands back only the segment's name, and the entries are
    read from there. Returns the segments too, for the cache to adopt.
    ``meanwhile`` runs in this process while the others read.
    """
    n = workers()
    if n == 1 or len(todo) < PARALLEL_MIN_ENTRIES:
        return {rel: (stamp, read_entry(full, config)) for rel, stamp, full in todo}, []
    rows: dict[str, tuple[Stamp, Entry]] = {}

    def read_back(name: str) -> None:  # each segment as soon as it is written, while the others read on
        part = cachemod.read_segment(Path(name), settings)
        if part is None:  # pragma: no cover - it was written a moment ago
            raise OSError(f"could not read back {name}")
        rows.update(part[0])

    with _pool(n, _LoadJob(config, folder, settings)) as pool:
        segments = [Path(name) for name in pool.map(_store_chunk, [todo[i::n] for i in range(n)], meanwhile, read_back)]
    return {rel: rows[rel] for rel, _, _ in todo}, segments


def render_into(
    folder: Path, specs: list[PageSpec], renderer: Renderer, *, skip: dict[str, str] | None = None,
    keep_partials: bool = False, scratch: str = ".digest-partials-",
) -> dict[str, str]:
    """Render specs below ``folder``; return path → hash of the bytes.

    A file whose bytes hash to ``skip[path]`` is not written. With enough work
    the processes first render the entry pages and each entry's partials
    (cards, archive lines), each for its own share of the entries; the lists,
    which repeat those partials, are rendered after, by the same processes,
    each reading the others' partials from their pack files (in a folder beside
    ``folder`` whose name starts with ``scratch``). With ``keep_partials`` (a
    long-lived builder's) the renderer keeps them all, for the lists of the
    next builds.
    """
    n = workers()
    job = _RenderJob(folder, renderer, skip or {})
    if n == 1 or len(specs) < PARALLEL_MIN_PAGES:
        return job.run(specs)
    # Workers inherit the specs through fork; only slices of them are sent.
    job.first = [s for s in specs if s.template == "entry.html"]
    job.rest = _together([s for s in specs if s.template != "entry.html"])
    if any(group[0].template.startswith("feed:") for group in job.rest):
        import digest.feeds  # noqa: F401  (feedgen and lxml: imported once here, not in every worker)
    hashes: dict[str, str] = {}
    share = -(-len(job.first) // n)
    job.partials_dir = Path(tempfile.mkdtemp(prefix=scratch, dir=folder.parent))
    try:
        # One pool for both: a second would be forked from the main process
        # again, and copy again every page of it that rendering touches (a
        # tenth of a CPU-second a worker at 10,000 entries).
        with _pool(n, job) as pool:
            indexes = []
            for part, index in pool.map(_render_entries, [slice(i * share, (i + 1) * share) for i in range(n)]):
                hashes.update(part)
                indexes.append(index)
            for part in pool.map(_render_chunk, [(slice(i, None, n), indexes) for i in range(n)]):
                hashes.update(part)
        if keep_partials:
            for index in indexes:
                renderer.merge_partials(_read_index(index))
            renderer.read_partials()
    finally:
        forget_packs(str(job.partials_dir))
        shutil.rmtree(job.partials_dir, ignore_errors=True)
        # The memo now points into deleted packs: keep only what was read back.
        renderer.drop_unread_partials()
    return hashes


# -- processes ---------------------------------------------------------------
# The pool is forked after the job is set up, so workers inherit the loaded
# site and compiled templates instead of receiving them through pickles.

_JOB = None
_PARENT = 0  # the process that forks the workers


def _pool(n: int, job) -> "_Pool":
    global _JOB, _PARENT
    _JOB = job
    _PARENT = os.getpid()
    return _Pool(n)


class _Pool:
    """``n`` forked worker processes; ``map`` fails with :class:`WorkerError` when one dies.

    (``concurrent.futures`` notices a dead worker; ``multiprocessing.Pool``
    starts another in its place and waits for ever for the dead one's share,
    so a worker killed by the out-of-memory killer, or by hand, left the build
    hanging with the site locked.)
    """

    def __init__(self, n: int) -> None:
        # (imported here: a build with little to do, as after one edit, forks no worker)
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.executor = ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("fork"),
                                            initializer=_start_worker)
        self.workers: list = []

    def map(self, func, items: list, meanwhile: Callable[[], None] | None = None,
            each: Callable[[object], None] | None = None) -> list:
        """``func`` of each item, in the workers, in the items' order; ``meanwhile``
        runs here once they have the work, ``each`` on each result as soon as it comes."""
        import multiprocessing
        from concurrent.futures.process import BrokenProcessPool

        before = set() if self.workers else set(multiprocessing.active_children())
        # The workers are forked at the first submit: what they inherit stays
        # out of their collector's walks (which would also copy every page of it).
        gc.freeze()
        try:
            futures = [self.executor.submit(func, item) for item in items]
        finally:
            gc.unfreeze()
        if not self.workers:
            self.workers = [p for p in multiprocessing.active_children() if p not in before]
        try:
            if meanwhile is not None:
                meanwhile()
            if each is not None:
                from concurrent.futures import as_completed

                for future in as_completed(futures):
                    each(future.result())
            return [future.result() for future in futures]
        except BrokenProcessPool:
            raise WorkerError(f"a worker process of the build died ({self._cause()}); "
                              "nothing was changed in the output folder") from None

    def _cause(self) -> str:
        """How the worker that broke the pool died.

        The pool's own thread ends the other workers (SIGTERM) as soon as it sees
        one die, and reaps them all, racing this thread for each exit status: wait
        until every worker's status is known, then name the death that was not
        the pool's doing.
        """
        from multiprocessing.connection import wait

        deadline = time.monotonic() + 5
        while any(p.exitcode is None for p in self.workers) and time.monotonic() < deadline:
            wait([p.sentinel for p in self.workers if p.exitcode is None], timeout=0.01)
        codes = [p.exitcode for p in self.workers if p.exitcode]
        own = [code for code in codes if code != -signal.SIGTERM]
        return _how((own or codes)[0]) if codes else "killed"

    def __enter__(self) -> "_Pool":
        return self

    def __exit__(self, kind, exc, tb) -> None:
        if kind is not None:  # the build failed: the other workers' shares are of no use
            for worker in self.workers:
                if worker.exitcode is None:
                    worker.kill()
        self.executor.shutdown(wait=True, cancel_futures=True)


def _how(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


def _start_worker() -> None:
    """Workers leave Ctrl-C to the main process and die on SIGTERM, whatever it
    had set; they collect garbage even when the main process does not. They
    die with it, so a killed build stops writing at once (and lets go of the
    site's lock, whose file they share)."""
    die_with(_PARENT)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    gc.enable()



@dataclass
class _LoadJob:
    config: SiteConfig
    folder: Path
    settings: str


def _read_chunk(paths: list[Path]) -> list[Entry]:
    return [read_entry(path, _JOB) for path in paths]


def _store_chunk(todo: list[tuple[str, Stamp, str]]) -> str:
    job: _LoadJob = _JOB
    writer = cachemod.PackWriter(job.folder)
    rows = []
    try:  # each body goes to the pack as soon as it is read: memory stays flat
        for rel, stamp, full in todo:
            # (only the row is kept: the main process reads the entries back from the segment)
            entry = read_entry(full, job.config)
            rows.append(cachemod.entry_row(rel, stamp, entry, writer.add(entry.body.html)))
    finally:
        writer.close()
    return str(cachemod.write_segment(job.folder, job.settings, rows))


class _RenderJob:
    def __init__(self, folder: Path, renderer: Renderer, skip: dict[str, str]) -> None:
        self.folder = folder
        self.renderer = renderer
        self.skip = skip
        self.first: list[PageSpec] = []  # entry pages
        self.rest: list[list[PageSpec]] = []  # everything else, in groups
        self.partials_dir: Path | None = None

    def run(self, specs: list[PageSpec]) -> dict[str, str]:
        made: set[str] = set()
        hashes: dict[str, str] = {}
        top = str(self.folder)
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)
        for spec in specs:
            if spec.template == "static:":
                data = Path(spec.context["source"]).read_bytes()
            else:
                data = self.renderer.render(spec)
            digest = _page_hash(data)
            hashes[spec.path] = digest
            if self.skip.get(spec.path) == digest:
                continue
            target = f"{top}/{spec.path}"
            parent = target.rpartition("/")[0]
            if parent not in made:
                head = parent.rpartition("/")[0]
                if head in made:  # (one mkdir where makedirs looks at the head first: 2.4 µs a page)
                    try:
                        os.mkdir(parent)
                    except FileExistsError:
                        pass
                else:
                    os.makedirs(parent, exist_ok=True)
                    made.add(head)
                made.add(parent)
            fd = os.open(target, flags, 0o666)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)
            faults.point("staged")
        return hashes


def _page_hash(data: bytes) -> str:
    """What the manifest keeps of a file's bytes (to skip writing the same bytes again).
    SHA-256, which CPUs with SHA extensions (x86 since about 2017, ARMv8) compute in
    hardware: 9.5 µs for a 13 KB page here, against 21 µs for BLAKE2b (0.17 CPU-s a
    cold build of 10,000 entries)."""
    return hashlib.sha256(data).hexdigest()[:32]


def _together(specs: list[PageSpec]) -> list[list[PageSpec]]:
    """Specs in groups that one process renders: a folder's Atom and RSS feeds
    share one context and are made as a pair."""
    groups: list[list[PageSpec]] = []
    for spec in specs:
        if groups and spec.template.startswith("feed:") and groups[-1][-1].context is spec.context:
            groups[-1].append(spec)
        else:
            groups.append([spec])
    return groups


def _render_entries(part: slice) -> tuple[dict[str, str], str]:
    """Entry pages and their entries' partials; the partials go to a pack file,
    and where each one is to an index file, whose name is returned."""
    specs = _JOB.first[part]
    hashes = _JOB.run(specs)
    renderer = _JOB.renderer
    renderer.warm_partials([spec.context["entry"] for spec in specs])
    index = renderer.partials(_JOB.partials_dir)
    fd, path = tempfile.mkstemp(prefix="index-", dir=_JOB.partials_dir)
    with os.fdopen(fd, "wb") as fh:
        pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return hashes, path


def _read_index(path: str) -> dict:
    with open(path, "rb") as fh:
        return pickle.load(fh)


def _render_chunk(task: tuple[slice, list[str]]) -> dict[str, str]:
    """Lists and feeds, with every entry's partials: the other processes' are
    read from their packs (this one's own are in its memory already)."""
    part, indexes = task
    renderer = _JOB.renderer
    for index in indexes:
        renderer.merge_partials(_read_index(index), keep=True)
    return _JOB.run([spec for group in _JOB.rest[part] for spec in group])
