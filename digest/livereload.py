"""Live reload: the build state every request consults, and what is injected into HTML.

Every finished build (good or bad) gets a new token. Each HTML response carries
a small script holding the token it was served with; the script long-polls
:data:`ENDPOINT` and reloads the page as soon as the token changes. While the
last build failed, HTML responses also carry an overlay with its one-line
error message (the previous good site is still what is served).

A build also tells which entry pages it changed: a browser whose page is gone
after the build (the title, and so the slug, of its entry changed) follows the
one changed entry to its new address instead of showing a 404.
"""
from __future__ import annotations

import html
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

ENDPOINT = "/__digest__/livereload"
OVERLAY_ID = "digest-error-overlay"


@dataclass(frozen=True)
class Snapshot:
    """What a response is served with: the build token and the last error."""

    token: str
    error: str | None
    pages: tuple[str, ...] = ()


class BuildState:
    """Builds and requests take turns: no request sees a half-built site.

    A build waits for the requests that are reading files to finish, and new
    requests wait for the build to finish (builds go first).
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._run = secrets.token_hex(4)  # a restarted server reloads old pages too
        self._builds = 0
        self._building = False
        self._readers = 0
        self._error: str | None = None
        self._pages: tuple[str, ...] = ()
        self._closed = False
        self.last_build_done = 0.0  # wall-clock time the last build finished
        self.last_build_seconds = 0.0

    @property
    def token(self) -> str:
        with self._cond:
            return self._token()

    def _token(self) -> str:
        return f"{self._run}-{self._builds}"

    @property
    def builds(self) -> int:
        """Builds finished so far (the first one included), good or bad."""
        with self._cond:
            return self._builds

    @property
    def error(self) -> str | None:
        with self._cond:
            return self._error

    @property
    def building(self) -> bool:
        with self._cond:
            return self._building

    @contextmanager
    def build(self) -> Iterator[BuildOutcome]:
        """Hold off requests while the body runs; set ``outcome.error`` on failure."""
        outcome = BuildOutcome()
        with self._cond:
            while self._building:
                self._cond.wait()
            self._building = True
            while self._readers:
                self._cond.wait()
        start = time.perf_counter()
        try:
            yield outcome
        finally:
            with self._cond:
                self._building = False
                self._builds += 1
                self._error = outcome.error
                self._pages = tuple(outcome.pages) if outcome.error is None else ()
                self.last_build_seconds = time.perf_counter() - start
                self.last_build_done = time.time()
                self._cond.notify_all()

    @contextmanager
    def reading(self) -> Iterator[Snapshot]:
        """Wait for a running build, then keep the next one out until the body is done."""
        with self._cond:
            while self._building:
                self._cond.wait()
            self._readers += 1
            snapshot = self._snapshot()
        try:
            yield snapshot
        finally:
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()

    def wait_for_change(self, token: str, timeout: float) -> Snapshot:
        """Block until a build after ``token`` finished, the timeout ran out, or the server stops."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._token() == token and not self._closed:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            return self._snapshot()

    def _snapshot(self) -> Snapshot:
        return Snapshot(self._token(), self._error, self._pages)

    def wait_for_builds(self, count: int, timeout: float) -> bool:
        """Block until ``count`` builds have finished; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: self._builds >= count and not self._building, timeout)

    def close(self) -> None:
        """Wake every long poll: the server is stopping."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()


@dataclass
class BuildOutcome:
    error: str | None = None
    pages: list[str] = field(default_factory=list)  # URL paths of the entries this build changed


SCRIPT = """<script>
(function () {
  var token = %(token)s, endpoint = %(endpoint)s;
  function follow(state) {
    if (state.error || !state.pages || state.pages.length !== 1) { location.reload(); return; }
    fetch(location.href, {method: "HEAD", cache: "no-store"})
      .then(function (r) { if (r.status === 404) { location.href = state.pages[0]; } else { location.reload(); } },
            function () { location.reload(); });
  }
  function poll() {
    fetch(endpoint + "?since=" + encodeURIComponent(token), {cache: "no-store"})
      .then(function (r) { if (!r.ok) { throw new Error("status " + r.status); } return r.json(); })
      .then(function (state) { if (state.token !== token) { follow(state); } else { poll(); } })
      .catch(function () { setTimeout(poll, 1000); });
  }
  if (document.readyState === "complete") { poll(); } else { window.addEventListener("load", poll); }
})();
</script>"""

OVERLAY = """<div id="%(id)s" role="alert" style="position:fixed;inset:0;z-index:2147483647;\
overflow:auto;background:rgba(25,20,20,.94);color:#fff;font:16px/1.5 system-ui,sans-serif;padding:2rem 2.5rem">
<p style="margin:0 0 1rem;font-weight:bold;font-size:1.25rem;color:#ff8a80">The site could not be rebuilt</p>
<pre style="margin:0 0 1rem;white-space:pre-wrap;word-break:break-word;font:15px/1.5 ui-monospace,monospace;\
background:#000;padding:1rem;border-left:4px solid #ff5252">%(message)s</pre>
<p style="margin:0;color:#ccc">The page shows the last good build. Save a fix and it reloads by itself.</p>
</div>"""


def _js(value: str) -> str:
    """A JavaScript string literal that is safe inside a <script> element."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def error_text(error: str) -> str:
    """The line shown in the overlay: the same one the CLI prints."""
    return f"error: {error}"


def overlay_html(error: str) -> str:
    return OVERLAY % {"id": OVERLAY_ID, "message": html.escape(error_text(error), quote=True)}


def inject(page: bytes, snapshot: Snapshot) -> bytes:
    """The page with the reload script (and the error overlay) before ``</body>``."""
    extra = SCRIPT % {"token": _js(snapshot.token), "endpoint": _js(ENDPOINT)}
    if snapshot.error is not None:
        extra = overlay_html(snapshot.error) + "\n" + extra
    data = extra.encode("utf-8")
    at = page.lower().rfind(b"</body>")
    if at < 0:
        return page + data
    return page[:at] + data + b"\n" + page[at:]
