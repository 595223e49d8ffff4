"""Helpers for the preview-server tests: a small site, waiting for rebuilds, HTTP requests."""
from __future__ import annotations

import http.client
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from digest.build import Builder
from digest.serve import PreviewServer

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
SAMPLE = [
    "2023/03/kazakhstan-calls-un-to-actively-participate-in-election-monitoring.md",
    "2023/03/un-backed-course-trains-domestic-observers.md",
    "2023/11/cec-turnout-at-repeat-majilis-elections.md",
    "2024/03/cec-drafts-rules-for-polling-stations-abroad.md",
    "2024/06/un-experts-review-ballot-scanning-pilot.md",
]
TIMEOUT = 15.0  # seconds to wait for a rebuild before a test fails (never an assertion on speed)


def make_site(root: Path, toml: str = "") -> Path:
    """A five-entry copy of the sample digest under ``root``."""
    for rel in SAMPLE:
        target = root / "content" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / "content" / rel, target)
    # No search index unless a test asks for one: Pagefind runs in the background and would
    # race with the comparisons of whole output trees.
    search = "" if "search" in toml else "search = false\n"
    (root / "digest.toml").write_text(f'title = "Test digest"\nper_page = 10\n{search}{toml}', encoding="utf-8")
    return root


def set_field(path: Path, field: str, value: str) -> None:
    """Rewrite one front-matter line, as an editor saving in place would."""
    lines = path.read_text(encoding="utf-8").split("\n")
    for i, line in enumerate(lines):
        if line.startswith(f"{field}:"):
            lines[i] = f"{field}: {value}"
            break
    else:
        raise AssertionError(f"{path} has no {field} line")
    path.write_text("\n".join(lines), encoding="utf-8")


class RecordingBuilder:
    """A Builder that remembers what each build was told had changed."""

    def __init__(self, config) -> None:
        self.inner = Builder(config, autosave=False, search=False)  # as the preview builds
        self.calls: list[set[Path] | None] = []

    def build(self, changed: set[Path] | None = None):
        self.calls.append(changed)
        return self.inner.build(changed=changed)

    def save(self) -> None:
        self.inner.save()


class Running:
    """A started PreviewServer with helpers to wait for rebuilds and fetch pages."""

    def __init__(self, server: PreviewServer, builders: list[RecordingBuilder]) -> None:
        self.server = server
        self.builders = builders

    @property
    def calls(self) -> list[set[Path] | None]:
        return [c for b in self.builders for c in b.calls]

    def wait_builds(self, count: int) -> None:
        """Wait until ``count`` builds in all have finished and nothing is pending."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            state = self.server.state
            if state.wait_for_builds(count, 0.05) and not self.server.changes.pending() and not state.building:
                return
        raise AssertionError(f"waited {TIMEOUT} s for build {count}; {self.server.state.builds} finished")

    def wait_until(self, check: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if check():
                return
            time.sleep(0.02)
        raise AssertionError(f"waited {TIMEOUT} s for {what}")

    def get(self, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        try:
            conn.request(method, path)
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()
