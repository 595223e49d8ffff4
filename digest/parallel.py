"""Sharing the expensive work of a build between processes.

Workers are forked once the work is set up, so they inherit the loaded site,
the page specs and the compiled templates; only slices of the work go to
them, and only small results (entries without bodies, hashes, where partials
were stored) come back. Bodies and partials travel through pack files.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import shutil
import signal
import tempfile
from dataclasses import dataclass
from pathlib import Path

from digest import cache as cachemod
from digest.config import SiteConfig
from digest.content import read_entry
from digest.model import Entry, forget_packs
from digest.render import PageSpec, Renderer

PARALLEL_MIN_ENTRIES = 400
PARALLEL_MIN_PAGES = 800


def workers() -> int:
    """Processes to use: the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def read_entries(paths: list[Path], config: SiteConfig, pack_dir: Path | None = None) -> list[Entry]:
    """Read entry files, in parallel when there are many.

    Processes put the bodies straight into pack files in ``pack_dir`` (the
    cache) and send back only small entries; without a ``pack_dir`` bodies
    travel back with the entries.
    """
    n = workers()
    if n > 1 and len(paths) >= PARALLEL_MIN_ENTRIES:
        chunks = [paths[i::n] for i in range(n)]
        with _pool(n, _LoadJob(config, pack_dir)) as pool:
            parts = pool.map(_load_chunk, chunks)
        # undo the interleaving, so the order is the order of ``paths``
        out: list[Entry] = [None] * len(paths)  # type: ignore[list-item]
        for i, part in enumerate(parts):
            out[i::n] = part
        return out
    return [read_entry(path, config) for path in paths]


def render_into(
    folder: Path, specs: list[PageSpec], renderer: Renderer, *, skip: dict[str, str] | None = None
) -> dict[str, str]:
    """Render specs below ``folder``; return path → hash of the bytes.

    A file whose bytes hash to ``skip[path]`` is not written. With enough work
    the processes first render the entry pages and each entry's partials
    (cards, archive lines), each for its own share of the entries; the lists,
    which repeat those partials, are rendered after, by processes that inherit
    all of them.
    """
    n = workers()
    job = _RenderJob(folder, renderer, skip or {})
    if n == 1 or len(specs) < PARALLEL_MIN_PAGES:
        return job.run(specs)
    # Workers inherit the specs through fork; only slices of them are sent.
    job.first = [s for s in specs if s.template == "entry.html"]
    job.rest = [s for s in specs if s.template != "entry.html"]
    hashes: dict[str, str] = {}
    share = -(-len(job.first) // n)
    job.partials_dir = Path(tempfile.mkdtemp(prefix=".digest-partials-", dir=folder.parent))
    try:
        with _pool(n, job) as pool:
            for part, partials in pool.map(_render_entries, [slice(i * share, (i + 1) * share) for i in range(n)]):
                hashes.update(part)
                renderer.merge_partials(partials)
        with _pool(n, job) as pool:
            for part in pool.map(_render_chunk, [slice(i, None, n) for i in range(n)]):
                hashes.update(part)
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


def _pool(n: int, job):
    global _JOB
    _JOB = job
    return multiprocessing.get_context("fork").Pool(n, initializer=_worker_signals)


def _worker_signals() -> None:
    """Workers leave Ctrl-C to the main process and die on SIGTERM, whatever it had set."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@dataclass
class _LoadJob:
    config: SiteConfig
    pack_dir: Path | None


def _load_chunk(paths: list[Path]) -> list[Entry]:
    config = _JOB.config
    if _JOB.pack_dir is None:
        return [read_entry(path, config) for path in paths]
    writer = cachemod.PackWriter(_JOB.pack_dir)
    try:  # each body goes to the pack as soon as it is read: memory stays flat
        return [writer.store(read_entry(path, config)) for path in paths]
    finally:
        writer.close()


class _RenderJob:
    def __init__(self, folder: Path, renderer: Renderer, skip: dict[str, str]) -> None:
        self.folder = folder
        self.renderer = renderer
        self.skip = skip
        self.first: list[PageSpec] = []  # entry pages
        self.rest: list[PageSpec] = []  # everything else
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
            digest = hashlib.blake2b(data, digest_size=16).hexdigest()
            hashes[spec.path] = digest
            if self.skip.get(spec.path) == digest:
                continue
            target = f"{top}/{spec.path}"
            parent = target.rpartition("/")[0]
            if parent not in made:
                os.makedirs(parent, exist_ok=True)
                made.add(parent)
            fd = os.open(target, flags, 0o666)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)
        return hashes


def _render_chunk(part: slice) -> dict[str, str]:
    return _JOB.run(_JOB.rest[part])


def _render_entries(part: slice) -> tuple[dict[str, str], dict]:
    specs = _JOB.first[part]
    hashes = _JOB.run(specs)
    renderer = _JOB.renderer
    renderer.warm_partials([spec.context["entry"] for spec in specs])
    return hashes, renderer.partials(_JOB.partials_dir)
