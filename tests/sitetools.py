"""Helpers shared by the build tests (importable as ``sitetools``)."""
from __future__ import annotations

import hashlib
from pathlib import Path

TESTS = Path(__file__).resolve().parent
SAMPLE_SITE = TESTS / "sample_site"


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` with the sha256 of its bytes (and its mtime)."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            out[path.relative_to(folder).as_posix()] = f"{hashlib.sha256(data).hexdigest()} {path.stat().st_mtime_ns}"
    return out


# Headless Chromium for the browser tests (tests/serve, tests/browser).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


def missing(reason: str):
    """Skip the test, or fail it in CI (``CI=true``) where everything must be there."""
    import os

    import pytest

    if os.environ.get("CI") == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def feed_text(detail) -> str:
    """The text a feed reader shows for a feedparser ``*_detail`` (title, summary):
    HTML is read as HTML, and it must hold no element at all."""
    import html
    from html.parser import HTMLParser

    if detail.type != "text/html":
        return detail.value

    class Elements(HTMLParser):
        found: list[str] = []

        def handle_starttag(self, tag, attrs):
            self.found.append(tag)

    parser = Elements()
    parser.found = []
    parser.feed(detail.value)
    assert parser.found == [], f"markup in a text field: {detail.value!r}"
    return html.unescape(detail.value)


def served_url(proc, timeout: float) -> str:
    """The ``http://…`` address a ``digest serve`` subprocess prints on its stdout
    (a text pipe); kills it and fails when none comes within ``timeout`` seconds."""
    import re
    import threading

    lines: list[str] = []
    found = threading.Event()

    def read() -> None:
        for line in proc.stdout:
            lines.append(line)
            if "http://" in line:
                found.set()

    threading.Thread(target=read, daemon=True).start()
    if not found.wait(timeout):
        proc.kill()
        raise AssertionError(f"no URL printed: {lines!r} {proc.stderr.read()!r}")
    return re.search(r"http://\S+", "".join(lines)).group(0)
