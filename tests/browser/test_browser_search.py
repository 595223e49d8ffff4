"""Search in the browser: the Pagefind UI on /search/ finds Russian and Kazakh entries
of the sample digest, and its result links lead to them (at ``/`` and under ``/digest/``).

What the search page must keep: ``<div id="search">`` filled by the Pagefind UI
(its input is ``#search input``, its result links ``.pagefind-ui__result-link``),
and the message "Search is not available in this build." when the bundle is missing.
"""
from __future__ import annotations

import pytest

from browser_helpers import REPO, BuiltSite, StaticServer, build_site, sample_digest_root

YAVKA = "2023/11/yavka-na-povtornyh-vyborah-v-mazhilis.md"
OSK = "2023/01/osk-majilis-kandidattaryn-tirkeudi-bastady.md"
UNAVAILABLE = "Search is not available in this build."


def search_for(page, site: BuiltSite, query: str) -> None:
    page.goto(site.url("search/"))
    box = page.locator("#search input").first
    box.fill(query)


def result_link(page, title: str):
    return page.locator("#search .pagefind-ui__result-link", has_text=title).first


@pytest.mark.parametrize(("query", "source"), [
    ("явка", YAVKA),  # Russian: a word of the title
    ("избирателей", YAVKA),  # Russian: a word of the body only
    ("Мәжіліс", OSK),  # Kazakh, with letters Russian does not have
    ("кандидаттардың", OSK),
])
def test_finds_entries_in_other_languages(searchable: BuiltSite, page, query: str, source: str) -> None:
    entry = searchable.entry(source)
    search_for(page, searchable, query)
    link = result_link(page, entry.title)
    link.wait_for()
    assert link.get_attribute("href") == searchable.path(entry.url)
    link.click()
    page.wait_for_url(searchable.url(entry.url))
    assert " ".join(page.locator("h1").first.inner_text().split()) == entry.title


def test_query_from_the_address(searchable: BuiltSite, page) -> None:
    """``/search/?q=явка`` runs the search on arrival (a plain form can point there)."""
    entry = searchable.entry(YAVKA)
    page.goto(searchable.url("search/?q=явка"))
    result_link(page, entry.title).wait_for()
    assert page.locator("#search input").first.input_value() == "явка"


def test_no_results(searchable: BuiltSite, page) -> None:
    search_for(page, searchable, "zzxqvw")
    page.locator("#search").get_by_text("No results", exact=False).first.wait_for()
    assert page.locator("#search .pagefind-ui__result-link").count() == 0


def test_without_the_bundle_the_page_says_so(tmp_path, page) -> None:
    """A site built without search (no Pagefind) still has a working search page."""
    www = tmp_path / "www"
    root = sample_digest_root(tmp_path, None)
    assert root == REPO
    build_site(root, www, search=False)
    with StaticServer(www) as server:
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{server.origin}/search/")
        note = page.get_by_text(UNAVAILABLE)
        note.wait_for()
        assert note.is_visible()
        assert page.locator("#search input").count() == 0
        assert errors == []
