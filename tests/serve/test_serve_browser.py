"""Live reload in a real headless Chromium: every save shows up without touching the browser."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from serve_helpers import SAMPLE, make_site, set_field

from digest.livereload import OVERLAY_ID

pytest.importorskip("playwright", reason="no playwright: pip install playwright")
from playwright.sync_api import expect

ENTRY = SAMPLE[1]
ENTRY_URL = "2023/03/15/un-backed-course-trains-400-domestic-observers-before-majilis-vote/"


def test_a_new_title_shows_in_the_open_page(site: Path, running, page) -> None:
    page.goto(running.server.url + ENTRY_URL)
    expect(page.locator("h1")).to_have_text("UN-backed course trains 400 domestic observers before Majilis vote")
    page.evaluate("window.__not_reloaded_by_hand = true")

    set_field(site / "content" / ENTRY, "title", '"Observers course moves online"')

    expect(page.locator("article h1")).to_have_text("Observers course moves online")
    expect(page).to_have_title(re.compile("^Observers course moves online"))
    assert page.evaluate("window.__not_reloaded_by_hand") is None  # the page reloaded by itself


def test_broken_front_matter_shows_the_overlay_until_fixed(site: Path, running, page) -> None:
    entry = site / "content" / ENTRY
    good = entry.read_text(encoding="utf-8")
    page.goto(running.server.url + ENTRY_URL)
    overlay = page.locator(f"#{OVERLAY_ID}")
    expect(overlay).to_have_count(0)

    entry.write_text(good.replace("date: 2023-03-15T18:45:00+06:00", "date: 2023-13-45 <b>late</b>"), encoding="utf-8")

    expect(overlay).to_be_visible()
    expect(overlay).to_contain_text(
        "error: content/2023/03/un-backed-course-trains-domestic-observers.md:3: date: "
        "could not read '2023-13-45 <b>late</b>' as a date"
    )
    assert page.locator(f"#{OVERLAY_ID} b").count() == 0  # shown as text, not markup
    expect(page.locator("article h1")).to_have_text(re.compile("UN-backed course"))  # the last good page

    entry.write_text(good.replace("UN-backed course", "Fixed course"), encoding="utf-8")

    expect(overlay).to_have_count(0)
    expect(page.locator("article h1")).to_have_text(re.compile("^Fixed course"))


def test_a_new_entry_appears_on_the_open_home_page(site: Path, running, page) -> None:
    page.goto(running.server.url)
    title = "В Косшы открылся новый избирательный участок"
    expect(page.locator("main")).not_to_contain_text(title)
    target = site / "content" / "2024" / "07" / "kosshy.md"
    target.parent.mkdir(parents=True)
    target.write_text(
        f"---\ntitle: {title}\ndate: 2024-07-01T10:00:00+05:00\nsource: Vlast.kz\nlang: ru\n---\n"
        "Участок разместился в здании новой школы.\n",
        encoding="utf-8",
    )

    expect(page.locator("main")).to_contain_text(title)

    target.unlink()
    expect(page.locator("main")).not_to_contain_text(title)


def test_live_reload_under_a_sub_path(tmp_path: Path, start_server, page) -> None:
    root = make_site(tmp_path / "sub", 'base_url = "https://example.org/digest/"\n')
    running = start_server(root)
    page.goto(running.server.url + ENTRY_URL)
    assert page.url.endswith("/digest/" + ENTRY_URL)
    set_field(root / "content" / ENTRY, "title", '"Reloaded under /digest/"')
    expect(page.locator("article h1")).to_have_text("Reloaded under /digest/")
    page.goto(running.server.url.removesuffix("digest/"))
    assert page.url == running.server.url  # / redirects to the site's path
