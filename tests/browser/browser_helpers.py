"""Helpers for the browser tests: build a site, serve it over HTTP, run axe-core.

Importable as ``browser_helpers`` from the tests in this folder.
"""
from __future__ import annotations

import functools
import os
import re
import shutil
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from digest.build import build, load_entries
from digest.config import load_config
from digest.model import Entry
from digest.search import index_site

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
TIMEOUT = 15.0  # seconds Playwright waits for an element or a page (never an assertion on speed)
AXE_ENV = "DIGEST_AXE_JS"
AXE_DEFAULT = REPO / "tests" / ".node" / "node_modules" / "axe-core" / "axe.min.js"
AXE_INSTALL = "npm install --no-save --prefix tests/.node axe-core@4"


def missing(reason: str):
    """Skip the test, or fail it in CI (``CI=true``) where everything must be there."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def axe_script() -> Path | None:
    """``axe.min.js``: ``$DIGEST_AXE_JS``, else where ``.ci/run`` installs it."""
    env = os.environ.get(AXE_ENV)
    path = Path(env) if env else AXE_DEFAULT
    return path if path.is_file() else None


class _QuietHandler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript",
                      ".wasm": "application/wasm", ".pagefind": "application/wasm"}

    def log_message(self, format, *args) -> None:  # noqa: A002 (the base class's name)
        pass


class StaticServer:
    """A folder served on 127.0.0.1 (any free port) from a thread, like a plain web host."""

    def __init__(self, folder: Path) -> None:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}"

    def __enter__(self) -> StaticServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@dataclass
class BuiltSite:
    """A built site and where it is served: ``url("tags/")`` is a page's address."""

    name: str
    output: Path
    base: str  # the origin and the base path: http://127.0.0.1:1234/digest/
    entries: list[Entry]
    search: str  # the indexer's message

    def url(self, path: str = "") -> str:
        return self.base + path.lstrip("/")

    def path(self, path: str = "") -> str:
        """The address without the origin: ``/digest/tags/``."""
        return urlsplit(self.base).path + path.lstrip("/")

    def entry(self, source_path: str) -> Entry:
        """The entry read from ``content/<source_path>``."""
        for entry in self.entries:
            if entry.source_path == source_path:
                return entry
        raise AssertionError(f"no entry {source_path} in the {self.name} site")


def sample_digest_root(where: Path, base_url: str | None = None) -> Path:
    """The repository's sample digest: the repository itself, or a copy with another base_url."""
    if base_url is None:
        return REPO
    root = where / "root"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "tags.toml", root / "tags.toml")  # the tags' names in Kazakh and Russian
    toml = (REPO / "digest.toml").read_text(encoding="utf-8")
    toml, n = re.subn(r"(?m)^base_url\s*=.*$", f'base_url = "{base_url}"', toml)
    if not n:
        toml += f'\nbase_url = "{base_url}"\n'
    (root / "digest.toml").write_text(toml, encoding="utf-8")
    return root


def build_site(root: Path, output: Path, *, search: bool = True) -> tuple[list[Entry], str]:
    """Build ``root`` into ``output`` (no cache) and index it; the entries and the indexer's message."""
    config = load_config(root, output=output)
    build(config, use_cache=False)
    message = "search not indexed"
    if search:
        message = index_site(output, language=config.language).message
    elif (output / "pagefind").exists():
        shutil.rmtree(output / "pagefind")
    return load_entries(config), message


def base_path(root: Path) -> str:
    return load_config(root).base_path


AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 200),
                              summary: n.failureSummary}))}));
}"""


def run_axe(page, axe: Path) -> list[dict]:
    """axe-core's violations on the page as it is now."""
    page.add_script_tag(path=str(axe))
    return page.evaluate(AXE_RUN)


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']}")
        for node in v["nodes"]:
            lines.append(f"    at {node['target']}: {node['html']}")
            if node["summary"]:
                lines.extend("      " + line for line in node["summary"].splitlines())
    return "\n".join(lines)
