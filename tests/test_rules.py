"""Slug, time-zone, override and script-injection rules of the build."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from digest.build import build, load_entries
from digest.collect import collect
from digest.config import load_config
from digest.model import slugify


@pytest.mark.parametrize(
    "text, slug",
    [
        ("Выборы в Мажилис", "vybory-v-mazhilis"),
        ("Сайлау", "sailau"),
        ("Қазақстан әкімдері өңірлерде", "kazakstan-akimderi-onirlerde"),
        ("Kazakhstan calls UN to actively participate", "kazakhstan-calls-un-to-actively-participate"),
        ("../../etc/passwd", "etc-passwd"),
        ("/absolute/path", "absolute-path"),
        ("C:\\Windows\\system32", "c-windows-system32"),
        ("a" * 200, "a" * 80),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def _write(root: Path, name: str, text: str) -> None:
    path = root / "content" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


def _site(tmp_path: Path, timezone: str = "Asia/Almaty") -> Path:
    root = tmp_path / "root"
    (root / "content").mkdir(parents=True)
    (root / "digest.toml").write_text(f'timezone = "{timezone}"\n', "utf-8")
    return root


def test_naive_dates_are_read_in_the_site_time_zone(tmp_path: Path) -> None:
    root = _site(tmp_path)
    _write(root, "a.md", "---\ntitle: Before\ndate: 2023-03-10 14:20\n---\n")
    _write(root, "b.md", "---\ntitle: After\ndate: 2024-03-02T10:00:00\n---\n")
    _write(root, "c.md", "---\ntitle: Own offset\ndate: 2024-03-02T10:00:00+03:00\n---\n")
    _write(root, "d.md", "---\ntitle: Date only\ndate: 2024-03-02\n---\n")
    entries = {e.title: e for e in load_entries(load_config(root))}
    assert entries["Before"].date.isoformat() == "2023-03-10T14:20:00+06:00"
    assert entries["After"].date.isoformat() == "2024-03-02T10:00:00+05:00"
    assert entries["Own offset"].date.utcoffset() == timedelta(hours=3)
    assert entries["Date only"].date.isoformat() == "2024-03-02T00:00:00+05:00"
    assert entries["Date only"].has_time is False


def test_default_time_zone_is_utc(tmp_path: Path) -> None:
    root = tmp_path / "root"
    _write(root, "a.md", "---\ntitle: A\ndate: 2023-03-10 14:20\n---\n")
    (entry,) = load_entries(load_config(root))
    assert entry.date.isoformat() == "2023-03-10T14:20:00+00:00"


def test_colliding_urls_get_distinct_stable_slugs(tmp_path: Path) -> None:
    root = _site(tmp_path)
    for name, hour in (("z.md", 9), ("a.md", 11), ("m.md", 10)):
        _write(root, name, f"---\ntitle: Same title\ndate: 2023-05-05T{hour:02d}:00:00\n---\n")
    site = collect(load_entries(load_config(root)))
    urls = {e.source_path: e.url for e in site.entries}
    # earliest keeps the plain slug; later ones are numbered in date order
    assert urls == {
        "z.md": "2023/05/05/same-title/",
        "m.md": "2023/05/05/same-title-2/",
        "a.md": "2023/05/05/same-title-3/",
    }
    again = collect(load_entries(load_config(root)))
    assert [e.url for e in again.entries] == [e.url for e in site.entries]


def test_explicit_slug_wins_the_url(tmp_path: Path) -> None:
    root = _site(tmp_path)
    _write(root, "a.md", "---\ntitle: Same title\ndate: 2023-05-05T09:00:00\n---\n")
    _write(root, "b.md", "---\ntitle: Other\nslug: same-title\ndate: 2023-05-05T10:00:00\n---\n")
    urls = {e.source_path: e.url for e in collect(load_entries(load_config(root))).entries}
    assert urls == {"b.md": "2023/05/05/same-title/", "a.md": "2023/05/05/same-title-2/"}


def test_slug_in_front_matter_cannot_escape_the_output(tmp_path: Path) -> None:
    root = _site(tmp_path)
    _write(root, "a.md", "---\ntitle: Escape\nslug: ../../../../tmp/evil\ndate: 2023-05-05\n---\n")
    _write(root, "b.md", "---\ntitle: Absolute\nslug: /etc/evil\ndate: 2023-05-05\n---\n")
    build(load_config(root))
    written = sorted(p.relative_to(root / "site").as_posix() for p in (root / "site").rglob("index.html"))
    assert "2023/05/05/tmp-evil/index.html" in written
    assert "2023/05/05/etc-evil/index.html" in written
    assert not list(tmp_path.glob("**/evil"))


def test_site_templates_override_the_theme_by_name(tmp_path: Path) -> None:
    root = _site(tmp_path)
    _write(root, "a.md", "---\ntitle: Overridden\ndate: 2023-05-05\n---\nBody text.\n")
    (root / "templates").mkdir()
    (root / "templates/entry.html").write_text(
        '{% extends "base.html" %}{% block content %}<h1 class="mine">{{ entry.title }}</h1>{% endblock %}', "utf-8"
    )
    build(load_config(root))
    page = (root / "site/2023/05/05/overridden/index.html").read_text("utf-8")
    assert '<h1 class="mine">Overridden</h1>' in page
    assert '<link rel="stylesheet" href="/static/style.css">' in page  # base.html still from the theme


SCRIPTS = """---
title: "<script>alert('t')</script> headline"
date: 2023-05-05
summary: "<img src=x onerror=alert('s')>"
author: "<b onmouseover=alert('a')>Name</b>"
source: "Outlet</span><script>alert('o')</script>"
dateline: "<svg onload=alert('d')>"
tags: ["<script>alert('tag')</script>", Elections]
---
Before <script>alert('body')</script> after.

<SCRIPT SRC=https://evil.example/x.js></SCRIPT>

[click](javascript:alert('link')) <a href="JaVaScRiPt:alert(1)">x</a> <a href="java&#x09;script:alert(1)">y</a>

<img src="x" onerror="alert('img')"><iframe src="https://evil.example"></iframe>
<style>body{display:none}</style><form action="https://evil.example"><input></form>
<div onclick="alert('div')">text</div>
"""


def _live_markup(document: str, theme_scripts: bool = False) -> list[str]:
    """What a browser would run: script-like elements, on* handlers, javascript: URLs.

    JSON-LD is data, not code: it is allowed when it parses as JSON and its text
    cannot close the element. ``theme_scripts`` allows the theme's own scripts
    (the search page's), on a page that shows no entry text.
    """
    import json

    import lxml.html

    found = []
    tree = lxml.html.document_fromstring(document)
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "script" and el.get("type") == "application/ld+json":
            json.loads(el.text)
            assert "</" not in el.text
            continue
        if el.tag == "script" and theme_scripts:
            continue
        if el.tag in ("script", "iframe", "object", "embed", "svg", "form", "base", "frame"):
            found.append(f"<{el.tag}>")
        for name, value in el.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"{el.tag}@{name}")
            squashed = "".join(value.split()).lower()
            if name in ("href", "src", "action", "formaction") and squashed.startswith(("javascript:", "vbscript:", "data:text/html")):
                found.append(f"{el.tag}@{name}={value}")
    return found


def test_scraped_script_never_reaches_the_site_live(tmp_path: Path) -> None:
    root = _site(tmp_path)
    _write(root, "x.md", SCRIPTS)
    build(load_config(root))
    site = root / "site"
    pages = [p for p in site.rglob("*.html")]
    assert len(pages) > 5
    for path in pages:
        text = path.read_text("utf-8")
        search_page = path == site / "search/index.html"
        if search_page:
            assert "alert" not in text
        assert _live_markup(text, theme_scripts=search_page) == [], path
    page = next(site.glob("2023/05/05/*/index.html")).read_text("utf-8")
    assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; headline" in page
    assert "Before  after." in page


def test_feed_content_is_sanitised(tmp_path: Path) -> None:
    import feedparser

    root = _site(tmp_path)
    _write(root, "x.md", SCRIPTS)
    build(load_config(root))
    for name in ("feed.xml", "rss.xml"):
        feed = feedparser.parse((root / "site" / name).read_bytes(), sanitize_html=False)
        content = feed.entries[0].content[0].value
        assert _live_markup(f"<html><body>{content}</body></html>") == []
        assert "Before  after." in content


def test_the_live_markup_check_would_catch_unsanitised_html() -> None:
    import markdown

    raw = markdown.markdown(SCRIPTS.split("---\n", 2)[2])
    found = _live_markup(f"<html><body>{raw}</body></html>")
    assert {"<script>", "<iframe>", "<form>", "img@onerror", "div@onclick"} <= set(found)
    assert any(item.startswith("a@href=") for item in found)
