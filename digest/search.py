"""Full-text search: run Pagefind over a built site, writing ``SITE/pagefind/``.

Pagefind (https://pagefind.app/) reads the HTML files of the output folder and
writes a static search bundle (WebAssembly, an index split into small
fragments, and a ready-made search UI) that the search page loads. No server is
involved: the site stays static.

The binary ships in the ``pagefind_bin`` wheel (``pip install 'pagefind[bin]'``);
it is looked for the way the ``pagefind`` package itself does (the
``PAGEFIND_BINARY_PATH`` environment variable, then the ``pagefind_bin_extended``
and ``pagefind_bin`` packages, then ``pagefind_extended`` and ``pagefind`` on
``PATH``). Without it the build goes on and search is skipped.

A single-language site is indexed as one language (``--force-language``):
pages say ``<html lang="en">`` even when an entry is in Russian or Kazakh, and
one index lets the search page find them all. A multilingual site is indexed
page by page in each page's own ``<html lang>`` (``SiteConfig.search_language``
is empty), one index per language. Words are matched by prefix, so
``кандидат`` finds ``кандидаттардың``; stemming follows the forced language.

The bundle is written to a temporary folder inside the site and then swapped
into ``pagefind/``: a failed run leaves the previous bundle as it was.
"""
from __future__ import annotations

import importlib
import logging
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from digest.deathsig import before_exec

log = logging.getLogger(__name__)

BUNDLE = "pagefind"  # the bundle's folder inside the site
ENV_BINARY = "PAGEFIND_BINARY_PATH"
# Looked up in this order; tests point these at nothing to simulate a missing binary.
BINARY_MODULES = ("pagefind_bin_extended", "pagefind_bin")
BINARY_NAMES = ("pagefind_extended", "pagefind")
MISSING = "search skipped: the Pagefind binary is not installed (pip install 'pagefind[bin]')"
# Entry pages only (YYYY/MM/DD/slug/index.html): with only entries marked
# data-pagefind-body, passing this as ``glob`` spares Pagefind from reading every
# list page, which halves the time on a large site.
ENTRY_PAGES = "[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]/*/index.html"
_INDEXED = re.compile(r"Indexed (\d+) pages?\b")
_TEMP_PREFIX = f".{BUNDLE}-"


@dataclass(frozen=True)
class SearchOutcome:
    """What :func:`index_site` did: ``message`` is one line to show the user."""

    ok: bool
    message: str
    pages: int = 0
    seconds: float = 0.0


def find_binary() -> Path | None:
    """The Pagefind executable, or None when it is not installed."""
    env = os.environ.get(ENV_BINARY)
    if env and _executable(Path(env)):
        return Path(env)
    for name in BINARY_MODULES:
        try:
            module = importlib.import_module(name)
            path = Path(module.get_executable())
        except (ImportError, AttributeError, OSError):
            continue  # not installed, or installed without its binary
        if _executable(path):
            return path
    for name in BINARY_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def _executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def index_site(site_dir: Path, *, language: str, glob: str | None = None, binary: Path | None = None,
               timeout: float | None = None) -> SearchOutcome:
    """Index the built site in ``site_dir`` into ``site_dir/pagefind/``.

    ``glob`` (relative to the site) limits the files Pagefind reads, e.g.
    :data:`ENTRY_PAGES`; by default it reads every ``.html`` file and indexes
    those with a ``data-pagefind-body`` element (all of them if none has one).

    Never raises for a missing binary or a failing Pagefind: the outcome says
    what happened (``ok=False`` and a one-line message), and the previous
    bundle, if any, is left in place.
    """
    start = time.perf_counter()
    site_dir = Path(site_dir).resolve()
    if not site_dir.is_dir():
        return SearchOutcome(False, f"search skipped: {site_dir} is not a folder")
    binary = binary or find_binary()
    if binary is None:
        return SearchOutcome(False, MISSING)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f"{_TEMP_PREFIX}new-", dir=site_dir))
    except OSError as exc:
        return SearchOutcome(False, f"search skipped: cannot write into {site_dir} ({exc.strerror or exc})")
    try:
        command = [str(binary), "--site", str(site_dir), "--output-path", str(staging)]
        if language:  # lower case, as the search page's lang is looked up
            command += ["--force-language", language.lower()]
        if glob:
            command += ["--glob", glob]
        try:
            done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", errors="replace",
                                  timeout=timeout, check=False, stdin=subprocess.DEVNULL,
                                  preexec_fn=before_exec(os.getpid()))
        except subprocess.TimeoutExpired:
            return _failed(f"Pagefind took longer than {timeout:g} s", start)
        except OSError as exc:
            return _failed(f"cannot run {binary} ({exc.strerror or exc})", start)
        if done.returncode != 0:
            why = _last_line(done.stderr) or _last_line(done.stdout) or "no message"
            return _failed(f"Pagefind failed (exit status {done.returncode}): {why}", start)
        if not (staging / "pagefind.js").is_file():
            return _failed("Pagefind wrote no pagefind.js", start)
        found = _INDEXED.findall(done.stdout)
        pages = int(found[-1]) if found else 0
        try:
            _swap(staging, site_dir / BUNDLE)
        except OSError as exc:
            return _failed(f"cannot move the bundle into {site_dir / BUNDLE} ({exc.strerror or exc})", start)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone already after a successful swap
    seconds = time.perf_counter() - start
    log.info("pagefind: %d pages in %.2f s", pages, seconds)
    return SearchOutcome(True, f"indexed {pages} pages for search in {seconds:.2f} s", pages, seconds)


def _swap(new: Path, target: Path) -> None:
    """Put the folder ``new`` at ``target``; an old ``target`` is removed after the swap."""
    if target.is_symlink() or target.is_file():
        target.unlink()
    if not target.exists():
        os.replace(new, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f"{_TEMP_PREFIX}old-", dir=target.parent))
    os.replace(target, old / BUNDLE)
    try:
        os.replace(new, target)
    except OSError:
        os.replace(old / BUNDLE, target)  # put the old bundle back
        shutil.rmtree(old, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _failed(why: str, start: float) -> SearchOutcome:
    return SearchOutcome(False, f"search skipped: {why}", 0, time.perf_counter() - start)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""
