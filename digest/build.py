"""``build(config)``: load every entry, group them, render, then swap into place.

Gather everything first, write last: a bad entry or template fails the build
before the output folder changes.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from digest.collect import Site, collect
from digest.config import SiteConfig
from digest.content import find_entries, read_entry
from digest.model import Entry
from digest.output import Staging
from digest.render import default_theme_dir, make_environment, render_site

log = logging.getLogger(__name__)


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


def load_entries(config: SiteConfig) -> list[Entry]:
    return [read_entry(path, config) for path in find_entries(config.content_dir)]


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


def _build(config: SiteConfig) -> BuildResult:
    start = time.perf_counter()
    entries = load_entries(config)
    site: Site = collect(entries, include_drafts=config.drafts)
    env = make_environment(config)
    protect = (config.root, config.content_dir, config.templates_dir, config.static_dir)
    with Staging(config.output_dir, protect=protect) as out:
        for page in render_site(site, env, config):
            out.write(page.path, page.data)
        pages = out.count
        files = out.copy_tree(default_theme_dir() / "static", "static")
        if config.templates_dir.is_dir():
            files += out.copy_tree(config.templates_dir / "static", "static")
        files += out.copy_tree(config.static_dir, "")
        out.commit()
    seconds = time.perf_counter() - start
    log.info("wrote %d pages in %.2f s", pages, seconds)
    return BuildResult(config.output_dir, len(site.entries), pages, files, seconds)
