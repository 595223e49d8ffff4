"""Accessibility: axe-core finds no serious or critical violations on the main kinds of
page, in the light and the dark colour scheme (contrast is checked in both).

axe-core comes from npm (``.ci/run`` installs it into ``tests/.node``; or set
``DIGEST_AXE_JS`` to an ``axe.min.js``). Every violation is printed on failure,
the moderate and minor ones too, for context.
"""
from __future__ import annotations

import pytest

from browser_helpers import BuiltSite, describe, run_axe

YAVKA = "2023/11/yavka-na-povtornyh-vyborah-v-mazhilis.md"
BLOCKING = ("serious", "critical")


def pages(site: BuiltSite) -> dict[str, str]:
    entry = site.entry(YAVKA)
    tag_slug = dict(entry.tag_links)["Turnout"]
    return {
        "home": "",
        "entry": entry.url,
        "tag": f"tags/{tag_slug}/",
        "tags": "tags/",
        "archive": "archive/",
        "month": entry.url[:8],
        "search": "search/",
    }


def check(page, axe, where: str) -> None:
    violations = run_axe(page, axe)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"axe-core on {where}:\n{describe(violations)}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", ["home", "entry", "tag", "tags", "archive", "month", "search"])
def test_no_serious_violations(root_site: BuiltSite, new_page, axe, kind: str, scheme: str) -> None:
    page = new_page(color_scheme=scheme)
    path = pages(root_site)[kind]
    page.goto(root_site.url(path))
    if kind == "search":
        page.locator("#search input, #search-unavailable").first.wait_for(state="attached")
    check(page, axe, f"/{path} ({scheme})")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_results_have_no_serious_violations(root_site: BuiltSite, new_page, axe, scheme: str) -> None:
    """The Pagefind UI with results shown (its own markup and our styling of it)."""
    if not (root_site.output / "pagefind" / "pagefind-ui.js").is_file():
        pytest.skip(root_site.search)
    page = new_page(color_scheme=scheme)
    page.goto(root_site.url("search/?q=явка"))
    page.locator("#search .pagefind-ui__result-link").first.wait_for()
    check(page, axe, f"/search/?q=явка ({scheme})")


def test_phone_width(root_site: BuiltSite, new_page, axe) -> None:
    """The home page at a phone's width (reflow, target sizes)."""
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto(root_site.url())
    check(page, axe, "/ at 390 px")
