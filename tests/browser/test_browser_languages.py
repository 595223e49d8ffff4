"""The sample digest's Kazakh and Russian pages in the browser: accessible, switchable,
and searched in their own language (Pagefind keeps one index per language)."""
from __future__ import annotations

import pytest

from browser_helpers import BuiltSite, describe, run_axe

YAVKA = "2023/11/yavka-na-povtornyh-vyborah-v-mazhilis.md"
OSK = "2023/01/osk-majilis-kandidattaryn-tirkeudi-bastady.md"
BLOCKING = ("serious", "critical")


def _pages(site: BuiltSite, lang: str) -> dict[str, str]:
    entry = site.entry(YAVKA if lang == "ru" else OSK)
    return {"home": f"{lang}/", "entry": entry.url, "search": f"{lang}/search/"}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", ["home", "entry", "search"])
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_no_serious_violations(root_site: BuiltSite, new_page, axe, lang: str, kind: str, scheme: str) -> None:
    page = new_page(color_scheme=scheme)
    path = _pages(root_site, lang)[kind]
    page.goto(root_site.url(path))
    assert page.locator("html").get_attribute("lang") == lang
    if kind == "search":
        page.locator("#search input, #search-unavailable").first.wait_for(state="attached")
    violations = run_axe(page, axe)
    blocking = [v for v in violations if v["impact"] in BLOCKING or v["id"] in ("html-has-lang", "valid-lang", "html-lang-valid")]
    assert not blocking, f"axe-core on /{path} ({scheme}):\n{describe(violations)}"


def _search(page, site: BuiltSite, lang: str, query: str):
    page.goto(site.url(f"{lang}/search/"))
    box = page.locator("#search input").first
    box.fill(query)
    return box


@pytest.mark.parametrize(("lang", "query", "source"), [
    ("ru", "избирателей", YAVKA),
    ("kk", "кандидаттардың", OSK),
])
def test_search_in_a_language_finds_its_entries(searchable: BuiltSite, page, lang: str, query: str, source: str) -> None:
    entry = searchable.entry(source)
    _search(page, searchable, lang, query)
    link = page.locator("#search .pagefind-ui__result-link", has_text=entry.title).first
    link.wait_for()
    assert link.get_attribute("href") == searchable.path(entry.url)


def test_kazakh_search_speaks_kazakh(searchable: BuiltSite, page) -> None:
    """Pagefind has no Kazakh words of its own: the search page hands it digest's."""
    box = _search(page, searchable, "kk", "zzxqvw")
    assert box.get_attribute("placeholder") == "Іздеу"
    page.locator("#search").get_by_text("бойынша ештеңе табылмады", exact=False).first.wait_for()
    assert page.get_by_text("Барлық жазбалардан іздеу").is_visible()  # our label over Pagefind's box


def test_the_switcher_goes_to_the_same_page_in_another_language(root_site: BuiltSite, page) -> None:
    page.goto(root_site.url("kk/tags/majilis/"))
    assert page.locator("h1").first.inner_text().startswith("Тег: Мәжіліс")
    page.locator("nav.languages a", has_text="Русский").click()
    page.wait_for_url(root_site.url("ru/tags/majilis/"))
    assert page.locator("h1").first.inner_text().startswith("Тег: Мажилис")
    assert page.locator("html").get_attribute("lang") == "ru"
