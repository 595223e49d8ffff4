"""``digest serve``: build, serve the output folder, rebuild on every save, reload the browser.

One :class:`PreviewServer` holds everything: the :class:`~digest.build.Builder`
kept between rebuilds, the build state, the HTTP server (stdlib), the watcher
and the thread that rebuilds. A failed rebuild keeps the last good site and
shows its one-line error in an overlay on every page until a good build.
"""
from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path

from digest.build import Builder
from digest.search import ENTRY_PAGES, index_site
from digest.config import CONFIG_NAME, SiteConfig, load_config
from digest.content import read_entry
from digest.errors import DigestError, OutputError
from digest.livereload import BuildState, error_text
from digest.lock import site_lock
from digest.serve_http import PreviewHTTPServer
from digest.watch import LONGEST, QUIET, ChangeQueue, SiteSources, Watcher

log = logging.getLogger(__name__)

Report = Callable[[str], None]


class PreviewServer:
    """The preview of one site: ``start()``, then ``url``; ``stop()`` ends every thread."""

    def __init__(
        self,
        config: SiteConfig,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        quiet: float = QUIET,
        longest: float = LONGEST,
        report: Report | None = None,
        builder_factory: Callable[[SiteConfig], Builder] | None = None,
        wait: bool = True,
    ) -> None:
        self.config = config
        self._wait = wait  # for another digest process on the site when starting (rebuilds always wait)
        self.host = host
        self.state = BuildState()
        self.changes = ChangeQueue(quiet=quiet, longest=longest)
        self._port = port
        self._report = report or (lambda line: log.info("%s", line))
        self._overrides = _overrides(config)
        self._make_builder = builder_factory or _preview_builder
        self._builder = self._make_builder(config)
        self._httpd: PreviewHTTPServer | None = None
        self._watcher: Watcher | None = None
        self._threads: list[threading.Thread] = []
        self._index_wanted = threading.Event()  # pages changed: the search index is behind
        self._stopping = False

    # -- life cycle ---------------------------------------------------------------

    def start(self) -> None:
        """Listen, watch, build once, then rebuild on every change (returns at once after the build)."""
        if not self._wait:  # --no-wait: refuse at once when another process is at work
            with site_lock(self.config.cache_dir).hold(wait=False):
                pass
        try:
            self._httpd = PreviewHTTPServer((self.host, self._port), self)
        except OSError as exc:
            raise OutputError(
                f"cannot listen on {self.host}:{self._port}: {exc.strerror or exc} (choose another --port, or 0 for any free one)"
            ) from None
        self._watcher = Watcher(SiteSources(self.config), self.changes)
        self._watcher.start()
        self._spawn("digest-http", lambda: self._httpd.serve_forever(poll_interval=0.1))
        self.rebuild(None)
        self._spawn("digest-rebuild", self._rebuild_loop)
        self._spawn("digest-search", self._index_loop)

    def stop(self) -> None:
        """Stop watching, finish a running build, wake every waiting request, close the socket."""
        self.changes.close()
        self._stopping = True
        self._index_wanted.set()
        if self._watcher is not None:
            self._watcher.stop()
        self.state.close()
        if self._httpd is not None:
            if any(t.name == "digest-http" for t in self._threads):
                self._httpd.shutdown()  # blocks until serve_forever() has returned
            self._httpd.server_close()
        for thread in self._threads:
            thread.join()
        self._threads.clear()
        self._builder.save()  # the entry cache, written once rather than after every save

    def __enter__(self) -> PreviewServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._httpd.server_address[1] if self._httpd is not None else self._port

    @property
    def url(self) -> str:
        host = self.host
        if host in ("", "0.0.0.0"):
            host = "127.0.0.1"
        elif host == "::":
            host = "::1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}{self.config.base_path}"

    def threads_alive(self) -> list[str]:
        """Names of this server's threads still running (none after ``stop()``)."""
        names = [t.name for t in self._threads if t.is_alive()]
        if self._watcher is not None and self._watcher.is_alive():
            names.append("digest-watch")
        return names

    # -- building -----------------------------------------------------------------

    def rebuild(self, changed: set[Path] | None) -> str | None:
        """Build now (requests wait); return the error line, or None when it worked."""
        with self.state.build() as outcome:
            try:
                if changed is not None and self.config.root / CONFIG_NAME in changed:
                    self._reload_config()
                    changed = None  # every page may change
                result = self._build(changed)
                outcome.pages = self._entry_pages(changed)
            except DigestError as exc:
                outcome.error = str(exc)
            except Exception as exc:  # a bug, or the disk: keep serving, say what it was
                log.exception("the build failed")
                outcome.error = f"{type(exc).__name__}: {exc}"
        if outcome.error is not None:
            self._report(error_text(outcome.error))
        else:
            changes = "" if changed is None else f"{_describe(changed, self.config.root)} changed: "
            self._report(changes + result.summary())
            if self.config.search and result.pages_changed:
                self._index_wanted.set()
        return outcome.error

    def _entry_pages(self, changed: set[Path] | None, most: int = 5) -> list[str]:
        """URL paths of the (few) changed entries that are pages of the site now."""
        config = self.config
        paths = sorted(p for p in changed or () if p.suffix == ".md" and p.is_relative_to(config.content_dir))
        if len(paths) > most:
            return []
        pages = []
        for path in paths:
            try:
                entry = read_entry(path, config)
            except (DigestError, OSError):  # deleted, or moved away again since the build
                continue
            if config.drafts or not entry.draft:
                pages.append(config.base_path + entry.url)
        return pages

    def _build(self, changed: set[Path] | None):
        return self._builder.build(changed=changed)

    def _reload_config(self) -> None:
        content, output = self._overrides
        config = load_config(self.config.root, content=content, output=output, drafts=self.config.drafts)
        if config != self.config:
            self.config = config
            self._builder = self._make_builder(config)
            if self._watcher is not None:
                self._watcher.retarget(SiteSources(config))

    def _rebuild_loop(self) -> None:
        while True:
            changed = self.changes.take()
            if changed is None:
                return
            self.rebuild(changed)

    def _index_loop(self) -> None:
        """Keep the search index up to date, after the pages and without holding up the preview.

        Requests are not kept waiting for it; a run that overlaps a full
        rebuild fails harmlessly and the next one catches up.
        """
        while True:
            self._index_wanted.wait()
            if self._stopping:
                return
            self._index_wanted.clear()
            # Under the site's lock (shared with this process's rebuilds): not while another process builds.
            with site_lock(self.config.cache_dir).hold(say=self._report):
                outcome = index_site(self.config.output_dir, language=self.config.search_language, glob=ENTRY_PAGES)
            self._report(outcome.message)

    def _spawn(self, name: str, target: Callable[[], object]) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)


def _preview_builder(config: SiteConfig) -> Builder:
    """The preview keeps entries in memory and writes the entry cache when it stops."""
    return Builder(config, autosave=False, search=False)  # the search index is kept up to date in the background


def _overrides(config: SiteConfig) -> tuple[Path | None, Path | None]:
    """The --content/--output given on the command line, to keep when digest.toml is read again."""
    try:
        plain = load_config(config.root, drafts=config.drafts)
    except DigestError:
        return config.content_dir, config.output_dir
    content = config.content_dir if config.content_dir != plain.content_dir else None
    output = config.output_dir if config.output_dir != plain.output_dir else None
    return content, output


def _describe(changed: set[Path], root: Path) -> str:
    names = sorted(p.relative_to(root).as_posix() if p.is_relative_to(root) else str(p) for p in changed)
    shown = ", ".join(names[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def serve(
    config: SiteConfig, *, host: str = "127.0.0.1", port: int = 8000, open_browser: bool = False, wait: bool = True
) -> int:
    """Run the preview until Ctrl-C (or SIGTERM); exit status 0."""

    def report(line: str) -> None:
        stream = sys.stderr if line.startswith("error:") else sys.stdout
        print(line, file=stream, flush=True)

    server = PreviewServer(config, host=host, port=port, report=report, wait=wait)
    stopping = threading.Event()
    previous = _on_sigterm(stopping)
    try:
        server.start()
        if host not in ("127.0.0.1", "localhost", "::1"):
            print(f"warning: listening on {host}: other machines can read this preview", file=sys.stderr, flush=True)
        print(f"serving {config.output_dir} at {server.url} (Ctrl-C to stop)", flush=True)
        if open_browser:
            webbrowser.open(server.url)
        while not stopping.wait(1.0):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        with contextlib.suppress(KeyboardInterrupt):
            server.stop()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    print("stopped", flush=True)
    return 0


def _on_sigterm(stopping: threading.Event):
    """Stop on SIGTERM as on Ctrl-C; returns the handler it replaced."""
    if threading.current_thread() is not threading.main_thread():
        return None
    owner = os.getpid()

    def handler(signum: int, frame: object) -> None:
        if os.getpid() != owner:
            # A process forked by the build (its worker pool) inherits this
            # handler; the pool ends its workers with SIGTERM, so die as usual.
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        stopping.set()

    return signal.signal(signal.SIGTERM, handler)
