"""Fixtures for the browser tests: the sample digest built, indexed and served; Chromium.

The repository's sample digest is built twice per session: served at ``/``
(its own ``base_url``) and, with ``base_url = "https://example.org/digest/"``,
from a parent folder so that it lives under ``/digest/`` as on a real host.
"""
from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from browser_helpers import (
    AXE_INSTALL,
    TIMEOUT,
    BuiltSite,
    StaticServer,
    axe_script,
    base_path,
    build_site,
    missing,
    sample_digest_root,
)

SUBPATH_BASE_URL = "https://example.org/digest/"


@pytest.fixture
def new_page(chromium) -> Iterator[Callable[..., object]]:
    """Open a tab: ``new_page(color_scheme="dark", viewport={...})``; closed after the test."""
    contexts = []

    def open_tab(**options):
        context = chromium.new_context(**options)
        contexts.append(context)
        tab = context.new_page()
        tab.set_default_timeout(TIMEOUT * 1000)
        return tab

    yield open_tab
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture(scope="session")
def sites(tmp_path_factory) -> Iterator[dict[str, BuiltSite]]:
    """name → the sample digest, built with its search index and served: ``root`` and ``subpath``."""
    built: dict[str, BuiltSite] = {}
    with contextlib.ExitStack() as stack:
        for name, base_url in (("root", None), ("subpath", SUBPATH_BASE_URL)):
            where = tmp_path_factory.mktemp(f"browser-{name}")
            root = sample_digest_root(where, base_url)
            under = base_path(root)
            www = where / "www"
            output = www / under.strip("/") if under != "/" else www
            entries, message = build_site(root, output)
            server = stack.enter_context(StaticServer(www))
            built[name] = BuiltSite(name, output, server.origin + under, entries, message)
        yield built


@pytest.fixture(params=["root", "subpath"])
def site(request, sites) -> BuiltSite:
    """The sample digest served at ``/`` and under ``/digest/``."""
    return sites[request.param]


@pytest.fixture
def root_site(sites) -> BuiltSite:
    return sites["root"]


@pytest.fixture
def searchable(site: BuiltSite) -> BuiltSite:
    """A site whose search bundle was written (skips where Pagefind is missing; fails in CI)."""
    if not (site.output / "pagefind" / "pagefind-ui.js").is_file():
        missing(site.search)
    return site


@pytest.fixture(scope="session")
def axe() -> Path:
    path = axe_script()
    if path is None:
        missing(f"axe-core is not installed: {AXE_INSTALL} (or set DIGEST_AXE_JS to axe.min.js)")
    return path
