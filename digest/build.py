"""``build(config)``: load every entry, group them, render, then swap into place.

Gather everything first, write last: a bad entry or template fails the build
before the output folder changes. The expensive steps (Markdown, templates) are
shared between processes when there is enough work.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import time
from dataclasses import dataclass
from pathlib import Path

from digest.collect import collect
from digest.config import SiteConfig
from digest.content import find_entries, read_entry
from digest.errors import DuplicateURLError
from digest.model import Entry
from digest.output import Staging
from digest.render import PageSpec, Renderer, default_theme_dir, plan_site

log = logging.getLogger(__name__)

PARALLEL_MIN_ENTRIES = 400
PARALLEL_MIN_PAGES = 800


@dataclass(frozen=True)
class BuildResult:
    output: Path
    entries: int
    pages: int
    files: int
    seconds: float

    def summary(self) -> str:
        return (
            f"built {self.entries} entries into {self.output}: "
            f"{self.pages} pages and feeds, {self.files} static files in {self.seconds:.2f} s"
        )


def workers() -> int:
    """Processes to use: the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class Builder:
    """Builds one site again and again (``digest serve`` keeps one).

    Every call of :meth:`build` writes exactly what a fresh ``digest build``
    would write; a Builder may keep state between calls only to go faster.
    """

    def __init__(self, config: SiteConfig) -> None:
        self.config = config

    def build(self) -> BuildResult:
        return _build(self.config)


def build(config: SiteConfig) -> BuildResult:
    """Build the site once: the function behind ``digest build``."""
    return Builder(config).build()


def load_entries(config: SiteConfig) -> list[Entry]:
    paths = find_entries(config.content_dir)
    n = workers()
    if n > 1 and len(paths) >= PARALLEL_MIN_ENTRIES:
        chunks = [paths[i::n] for i in range(n)]
        with _pool(n, _LoadJob(config)) as pool:
            parts = pool.map(_load_chunk, chunks)
        entries = [e for part in parts for e in part]
        entries.sort(key=lambda e: e.source_path)
        return entries
    return [read_entry(path, config) for path in paths]


def _build(config: SiteConfig) -> BuildResult:
    start = time.perf_counter()
    entries = load_entries(config)
    site = collect(entries, include_drafts=config.drafts)
    specs = plan_site(site, config)
    _check_unique(specs)
    renderer = Renderer(config)
    renderer.check_templates(spec.template for spec in specs)
    protect = (config.root, config.content_dir, config.templates_dir, config.static_dir)
    with Staging(config.output_dir, protect=protect) as out:
        render_into(out.path, specs, renderer)
        out.count = len(specs)
        files = out.copy_tree(default_theme_dir() / "static", "static")
        if config.templates_dir.is_dir():
            files += out.copy_tree(config.templates_dir / "static", "static")
        files += out.copy_tree(config.static_dir, "")
        out.commit()
    seconds = time.perf_counter() - start
    log.info("wrote %d pages in %.2f s", len(specs), seconds)
    return BuildResult(config.output_dir, len(site.entries), len(specs), files, seconds)


def _check_unique(specs: list[PageSpec]) -> None:
    seen: dict[str, PageSpec] = {}
    for spec in specs:
        if spec.path in seen:
            raise DuplicateURLError(f"two pages would be written to /{spec.path}; one would be lost")
        seen[spec.path] = spec


def render_into(folder: Path, specs: list[PageSpec], renderer: Renderer) -> None:
    """Render every spec and write it below ``folder`` (in parallel when worth it)."""
    n = workers()
    if n > 1 and len(specs) >= PARALLEL_MIN_PAGES:
        # Interleave so each process gets a fair share of every page kind.
        chunks = [specs[i::n] for i in range(n)]
        with _pool(n, _RenderJob(folder, renderer)) as pool:
            pool.map(_render_chunk, chunks)
    else:
        _RenderJob(folder, renderer).run(specs)


# -- processes ---------------------------------------------------------------
# The pool is forked after the job is set up, so workers inherit the loaded
# site and compiled templates instead of receiving them through pickles.

_JOB = None


def _pool(n: int, job):
    global _JOB
    _JOB = job
    return multiprocessing.get_context("fork").Pool(n)


@dataclass
class _LoadJob:
    config: SiteConfig


def _load_chunk(paths: list[Path]) -> list[Entry]:
    return [read_entry(path, _JOB.config) for path in paths]


class _RenderJob:
    def __init__(self, folder: Path, renderer: Renderer) -> None:
        self.folder = folder
        self.renderer = renderer

    def run(self, specs: list[PageSpec]) -> None:
        made: set[Path] = set()
        for spec in specs:
            data = self.renderer.render(spec)
            target = self.folder / spec.path
            parent = target.parent
            if parent not in made:
                parent.mkdir(parents=True, exist_ok=True)
                made.add(parent)
            with open(target, "wb") as fh:
                fh.write(data)


def _render_chunk(specs: list[PageSpec]) -> None:
    _JOB.run(specs)
