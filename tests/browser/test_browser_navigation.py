"""Navigation by clicking, as a reader would: main nav → tags → a tag → an entry, and
main nav → archive → a year → a month → an entry; at ``/`` and under ``/digest/``.

What the theme must keep: links named "Tags" and "Archive" inside a ``<nav>``;
tag names, years and month names as links (a count may follow the name);
entry titles as links (an entry grouped into another's story may show only as
"Also reported by", so the test follows the first title link it finds, preferring
a given entry); the ``h1`` of each page names it.
"""
from __future__ import annotations

import re

from browser_helpers import BuiltSite
from digest.model import Entry

YAVKA = "2023/11/yavka-na-povtornyh-vyborah-v-mazhilis.md"  # Russian, tagged Turnout
OSK = "2023/01/osk-majilis-kandidattaryn-tirkeudi-bastady.md"  # Kazakh


def nav_link(page, name: str):
    """The first link named ``name`` in a ``<nav>`` (the main navigation comes first)."""
    return page.locator("nav").get_by_role("link", name=name, exact=True).first


def main_link(page, starts: str):
    """A link in ``<main>`` whose name starts with ``starts`` (a count may follow)."""
    return page.locator("main").get_by_role("link", name=re.compile(rf"^\s*{re.escape(starts)}\b")).first


def follow_an_entry(page, site: BuiltSite, candidates: list[Entry], prefer: Entry) -> Entry:
    """Click the title link of one of ``candidates`` in ``<main>`` (``prefer`` if shown)."""
    shown = set(page.locator("main a").evaluate_all("links => links.map(a => a.textContent.trim())"))
    listed = [e for e in candidates if e.title in shown]
    assert listed, f"no entry title links on {page.url}"
    entry = prefer if prefer in listed else listed[0]
    page.locator("main").get_by_role("link", name=entry.title, exact=True).first.click()
    page.wait_for_url(site.url(entry.url))
    assert h1(page) == entry.title
    return entry


def h1(page) -> str:
    return " ".join(page.locator("h1").first.inner_text().split())


def test_tags_to_a_tag_to_an_entry(site: BuiltSite, page) -> None:
    entry = site.entry(YAVKA)
    tag, slug = next((n, s) for n, s in entry.tag_links if n == "Turnout")
    page.goto(site.url())
    nav_link(page, "Tags").click()
    page.wait_for_url(site.url("tags/"))
    assert h1(page).startswith("Tags")

    main_link(page, tag).click()
    page.wait_for_url(site.url(f"tags/{slug}/"))
    assert tag in h1(page)

    follow_an_entry(page, site, [e for e in site.entries if slug in e.tag_slugs], entry)


def test_archive_to_a_year_to_a_month_to_an_entry(site: BuiltSite, page) -> None:
    entry = site.entry(OSK)
    year, month = entry.url.split("/")[:2]
    page.goto(site.url())
    nav_link(page, "Archive").click()
    page.wait_for_url(site.url("archive/"))
    assert h1(page).startswith("Archive")

    main_link(page, year).click()
    page.wait_for_url(site.url(f"{year}/"))
    assert year in h1(page)

    main_link(page, "January").click()
    page.wait_for_url(site.url(f"{year}/{month}/"))
    assert h1(page).startswith(f"January {year}")

    follow_an_entry(page, site, [e for e in site.entries if e.url.startswith(f"{year}/{month}/")], entry)


def test_search_is_in_the_main_nav(site: BuiltSite, page) -> None:
    page.goto(site.url())
    nav_link(page, "Search").click()
    page.wait_for_url(site.url("search/"))
    assert h1(page).startswith("Search")


def test_every_nav_link_stays_under_the_base_path(site: BuiltSite, page) -> None:
    """Links made with ``url()`` keep a site that lives under /digest/ there."""
    page.goto(site.url())
    hrefs = page.locator("a[href]").evaluate_all("links => links.map(a => a.href)")
    origin = site.base.split("/", 3)[:3]
    local = [h for h in hrefs if h.split("/", 3)[:3] == origin]
    assert local, "no links to the site itself on the home page"
    outside = [h for h in local if not h.startswith(site.base)]
    assert outside == [], f"links that leave {site.base}: {outside}"
