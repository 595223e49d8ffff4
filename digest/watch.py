"""Watching a site's sources: editor scratch files dropped, bursts merged into one rebuild.

:class:`SiteSources` says which paths matter to a build (entries under
``content/``, anything in ``templates/`` and the static folder, ``digest.toml``),
:class:`ChangeQueue` waits for a quiet window before handing a batch of changed
paths over, and :class:`Watcher` feeds it from watchdog's observer thread.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from digest.config import CONFIG_NAME, SiteConfig

log = logging.getLogger(__name__)

QUIET = 0.05  # seconds without a new event before a rebuild starts
LONGEST = 2.0  # seconds a steady stream of events may hold a rebuild back

TEMP_SUFFIXES = (
    ".swp", ".swo", ".swx", ".swpx",  # vim
    ".bck", ".bak", ".tmp", ".temp",  # backups and half-written copies
    ".kate-swp", ".crdownload", ".part",
)
_EVENTS = frozenset({"created", "modified", "deleted", "moved", "closed"})


def is_temporary(name: str) -> bool:
    """Editor and tool scratch files that are never part of a site.

    ``.x.swp``, ``.#x`` (emacs lock), ``.goutputstream-…`` (gedit) and every
    other hidden file (the build skips those too), ``x~``, ``#x#`` (emacs
    autosave), ``x.bck``/``.bak``/``.tmp``, JetBrains' ``x___jb_tmp___`` and the
    files vim writes to probe a folder (``4913``, then ``5036``, ``5159``, …).
    """
    if not name or name.startswith(".") or name.endswith("~"):
        return True
    if name.startswith("#") and name.endswith("#"):
        return True
    if name.lower().endswith(TEMP_SUFFIXES) or "___jb_" in name:
        return True
    return name.isdigit() and int(name) >= 4913 and (int(name) - 4913) % 123 == 0


class SiteSources:
    """The folders to watch for one configuration, and which paths in them matter."""

    def __init__(self, config: SiteConfig) -> None:
        self.root = config.root
        self.config_file = config.root / CONFIG_NAME
        self.content = config.content_dir
        self.trees = (config.templates_dir, config.static_dir, config.locales_dir)
        self.skip = (config.output_dir, config.cache_dir)

    def folders(self) -> list[tuple[Path, bool]]:
        """(folder, recursive) pairs that exist now; the root is watched for digest.toml."""
        wanted = [(self.root, False)]
        for folder in (self.content, *self.trees):
            if folder.is_dir() and not any(folder == f for f, _ in wanted):
                wanted.append((folder, True))
        return wanted

    def watched_names(self) -> set[Path]:
        """The source folders; one appearing or vanishing changes what to watch."""
        return {self.content, *self.trees}

    def relevant(self, path: Path, is_dir: bool) -> bool:
        if path == self.config_file:
            return True
        if any(path == s or path.is_relative_to(s) for s in self.skip):
            return False
        if path == self.content or path in self.trees:
            return True
        if path.is_relative_to(self.content):
            return _inside_ok(path.relative_to(self.content), is_dir) and (is_dir or path.suffix == ".md")
        for tree in self.trees:
            if path.is_relative_to(tree):
                return _inside_ok(path.relative_to(tree), is_dir)
        return False


def _inside_ok(rel: Path, is_dir: bool) -> bool:
    *folders, name = rel.parts or ("",)
    if any(part.startswith(".") for part in folders):
        return False
    return not name.startswith(".") if is_dir else not is_temporary(name)


class ChangeQueue:
    """Collects changed paths; :meth:`take` hands them over once events pause.

    A batch is due ``quiet`` seconds after its last event, or ``longest``
    seconds after its first, whichever comes sooner.
    """

    def __init__(self, quiet: float = QUIET, longest: float = LONGEST) -> None:
        self.quiet = quiet
        self.longest = longest
        self._cond = threading.Condition()
        self._paths: set[Path] = set()
        self._first = 0.0
        self._last = 0.0
        self._closed = False

    def add(self, paths: Iterable[Path]) -> None:
        paths = set(paths)
        if not paths:
            return
        with self._cond:
            now = time.monotonic()
            if not self._paths:
                self._first = now
            self._paths |= paths
            self._last = now
            self._cond.notify_all()

    def take(self) -> set[Path] | None:
        """Block until a batch is due and return it; None once closed."""
        with self._cond:
            while not self._closed:
                if not self._paths:
                    self._cond.wait()
                    continue
                due = min(self._last + self.quiet, self._first + self.longest)
                wait = due - time.monotonic()
                if wait <= 0:
                    batch, self._paths = self._paths, set()
                    return batch
                self._cond.wait(wait)
            return None

    def pending(self) -> int:
        with self._cond:
            return len(self._paths)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        try:
            self.watcher.handle(event)
        except Exception:  # never let one odd event stop the observer thread
            log.exception("while handling %r", event)


class Watcher:
    """watchdog on a site's sources, feeding a :class:`ChangeQueue`."""

    def __init__(self, sources: SiteSources, queue: ChangeQueue) -> None:
        self.sources = sources
        self.queue = queue
        self._observer = Observer(timeout=0.1)  # how soon stop() is noticed
        self._observer.name = "digest-watch"
        self._observer.daemon = True
        self._handler = _Handler(self)
        self._watches: dict[Path, object] = {}
        self._lock = threading.Lock()

    def start(self) -> None:
        self._schedule()
        self._observer.start()

    def stop(self) -> None:
        if self._observer.is_alive():
            self._observer.stop()
            self._observer.join()

    def is_alive(self) -> bool:
        return self._observer.is_alive()

    def retarget(self, sources: SiteSources) -> None:
        """Watch another configuration's folders (after digest.toml changed)."""
        with self._lock:
            self.sources = sources
            for watch in self._watches.values():
                self._observer.unschedule(watch)
            self._watches.clear()
        self._schedule()

    def _schedule(self) -> None:
        with self._lock:
            wanted = dict(self.sources.folders())
            for folder in list(self._watches):
                if folder not in wanted or not folder.is_dir():
                    self._observer.unschedule(self._watches.pop(folder))
            for folder, recursive in wanted.items():
                if folder not in self._watches:
                    try:
                        self._watches[folder] = self._observer.schedule(self._handler, str(folder), recursive=recursive)
                    except OSError as exc:
                        log.warning("cannot watch %s: %s", folder, exc)

    def handle(self, event: FileSystemEvent) -> None:
        if event.event_type not in _EVENTS or (event.is_directory and event.event_type in ("modified", "closed")):
            return
        paths = [_path(event.src_path)]
        if event.event_type == "moved":
            paths.append(_path(event.dest_path))
        sources = self.sources
        if any(p in sources.watched_names() for p in paths):
            # a source folder appeared, vanished or was replaced: watch it afresh
            with self._lock:
                for p in paths:
                    watch = self._watches.pop(p, None)
                    if watch is not None:
                        try:
                            self._observer.unschedule(watch)
                        except (KeyError, OSError):
                            pass
            self._schedule()
        changed = {p for p in paths if sources.relevant(p, event.is_directory)}
        if changed:
            log.debug("%s: %s", event.event_type, ", ".join(map(str, changed)))
            self.queue.add(changed)


def _path(raw: str | bytes) -> Path:
    return Path(raw.decode() if isinstance(raw, bytes) else raw)
