"""HTML pages: the article whole with its structure, the page's own metadata, digest's HTML rules."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from digest.ingest.parse import parse_file, parse_html, parse_page

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "html"
PAGES = sorted(FIXTURES.glob("*.html"))
FIELDS = ("title", "published", "outlet", "source_url", "dateline", "author", "tags", "language", "photo_credit")


def norm(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_html_fixture(path):
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    article = parse_html(path.read_text(encoding="utf-8"), path.name)
    for field in FIELDS:
        assert getattr(article, field) == expected[field], field
    assert [norm(p) for p in article.body] == [norm(p) for p in expected["body"]]
    for marker in expected["boilerplate_markers"]:
        assert not any(marker in p for p in article.body), marker
        assert marker not in (article.markdown or ""), marker
    if "markdown" in expected:
        assert article.markdown == expected["markdown"]
    assert article.warnings == expected.get("warnings", [])
    assert article.error is None


def test_meta_time_with_offset_wins_over_the_outlet_zone():
    html = (FIXTURES / "h01_agency_meta.html").read_text(encoding="utf-8")
    moved = html.replace("2023-03-10T14:20:00+06:00", "2023-03-10T08:20:00Z")
    assert parse_html(moved, "x.html").published == "2023-03-10T08:20+00:00"


def test_date_only_metadata_keeps_the_visible_time():
    html = ("<html><head><title>Turnout reaches 40 percent by noon</title>"
            "<meta property='article:published_time' content='2023-03-19'></head><body><article>"
            "<h1>Turnout reaches 40 percent by noon</h1><div class='post-date'>19 March 2023, 12:05</div>"
            "<p>Turnout in the Majilis election reached 40 percent by noon, the Central Election Commission said "
            "on Sunday.</p><p>Polling stations will stay open until 8 p.m. local time, the commission said.</p>"
            "</article></body></html>")
    assert parse_html(html, "x.html").published == "2023-03-19T12:05"


def test_page_with_only_the_site_name_is_not_an_article():
    article = parse_html("<html><head><title>Kazinform</title></head><body><nav>Home</nav></body></html>",
                         "empty.html")
    assert article.error == "no recognisable article: neither a title nor article text found"
    assert article.title is None and article.body == []


def test_headline_without_article_text_is_kept_with_a_warning():
    article = parse_html("<html><head><title>Observers arrive in Astana ahead of the vote</title></head>"
                         "<body><nav>Home</nav></body></html>", "stub.html")
    assert article.error is None
    assert article.title == "Observers arrive in Astana ahead of the vote"
    assert "no article text found" in article.warnings


def test_markup_that_is_not_a_page():
    article = parse_page("<html></html>", "x.html")
    assert article.error == "no recognisable article: neither a title nor article text found"


def test_parse_file_reads_html(tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes((FIXTURES / "h02_ru_visible_date.html").read_bytes())
    article = parse_file(path)
    assert article.title == "В Караганде назначили повторные выборы в маслихат"
    assert article.source == str(path)


def test_credit_in_the_text_wins_over_the_site_name():
    html = ("<html><head><title>Observers arrive in Astana</title><meta property='og:site_name' content='Qazaq TV'>"
            "<meta property='article:published_time' content='2023-03-10T14:20:00+06:00'></head><body><article>"
            "<h1>Observers arrive in Astana</h1><p>International observers began arriving in the capital on Monday "
            "ahead of the Majilis election, Kazinform reports.</p><p>The mission will present its preliminary "
            "findings the day after the vote, officials said.</p></article></body></html>")
    assert parse_html(html, "x.html").outlet == "Kazinform"
    assert parse_html(html.replace(", Kazinform reports", ""), "x.html").outlet == "Qazaq TV"


def test_json_ld_keywords_are_the_tags_when_the_meta_tags_give_none():
    html = ("<html><head><title>Turnout reaches 41% by 2 p.m. | The Astana Times</title>"
            "<meta property='og:site_name' content='The Astana Times'>"
            "<script type='application/ld+json'>{\"@type\": \"NewsArticle\", \"datePublished\": "
            "\"2023-03-19T14:35:00+06:00\", \"keywords\": [\"Mazhilis\", \"Turnout\"]}</script></head><body><article>"
            "<h1>Turnout reaches 41% by 2 p.m.</h1><p>ASTANA — Turnout in Sunday's election to the Majilis reached 41.2% "
            "by 2 p.m. local time, the Central Election Commission said.</p><p>The highest turnout was recorded in the "
            "Kostanay Region, the commission said at a briefing.</p></article></body></html>")
    article = parse_html(html, "ld.html")
    assert article.tags == ["Majilis", "Turnout"]  # the vocabulary's alias Mazhilis -> Majilis
    assert article.title == "Turnout reaches 41% by 2 p.m."
    assert article.outlet == "The Astana Times"
    assert article.published == "2023-03-19T14:35+06:00"


def test_cp1251_html_file_without_markup_extension(tmp_path):
    html = ("<html><head><meta charset='windows-1251'><title>ЦИК объявил итоги выборов</title></head><body>"
            "<div class='menu'>Главная | Политика | Экономика</div><h1>ЦИК объявил итоги выборов</h1>"
            "<span class='news-date'>19 марта 2023, 21:41</span><div class='text'><p>Центральная избирательная "
            "комиссия Казахстана объявила предварительные итоги выборов в Мажилис, передает Zakon.kz.</p><p>По данным "
            "комиссии, явка составила 54,19%, в парламент проходят шесть партий.</p></div>"
            "<div class='author'>Автор: Ерлан Жумабаев</div></body></html>")
    path = tmp_path / "page.dump"
    path.write_bytes(html.encode("cp1251"))
    article = parse_file(path)
    assert article.error is None
    assert article.title == "ЦИК объявил итоги выборов"
    assert article.published == "2023-03-19T21:41+06:00"  # Zakon.kz prints Almaty time (UTC+6 in 2023)
    assert article.outlet == "Zakon.kz"
    assert article.author == "Ерлан Жумабаев"
    assert article.language == "ru"
    assert article.body[0].startswith("Центральная избирательная комиссия")
