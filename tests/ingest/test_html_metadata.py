"""The page's own metadata, in order of trust: JSON-LD, OpenGraph and article: meta, <time datetime>."""
from __future__ import annotations

import json

from trafilatura import load_html

from digest.ingest.metadata import page_metadata
from digest.ingest.parse import parse_html

BODY = ("<p>The district commission counted the last ballots shortly after midnight and signed the protocol "
        "in front of eleven observers.</p><p>Turnout in the district was 52.4 percent, two points above the "
        "regional figure, the commission's chair said.</p>")


def page(head: str = "", body: str = BODY, title: str = "District signs its protocol | Ridge Courier") -> str:
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
            f"<body><article><h1>District signs its protocol</h1>{body}</article></body></html>")


def ld(**fields) -> str:
    return f"<script type='application/ld+json'>{json.dumps({'@type': 'NewsArticle', **fields})}</script>"


def test_json_ld_beats_opengraph():
    head = (ld(headline="District signs its protocol after midnight", datePublished="2026-11-09T00:40:00+05:00",
               author={"@type": "Person", "name": "Saule Temirkhanova"}, publisher={"name": "Ridge Courier"})
            + "<meta property='og:title' content='Protocol signed'>"
            "<meta property='article:published_time' content='2026-11-08T23:00:00+05:00'>"
            "<meta name='author' content='Desk Editor'><meta property='og:site_name' content='Courier Online'>")
    meta = page_metadata(load_html(page(head)))
    assert (meta.title, meta.title_from) == ("District signs its protocol after midnight", "JSON-LD headline")
    assert meta.published.isoformat() == "2026-11-09T00:40+05:00" and meta.published_from == "JSON-LD datePublished"
    assert (meta.author, meta.author_from) == ("Saule Temirkhanova", "JSON-LD author")
    assert (meta.site_name, meta.site_from) == ("Ridge Courier", "JSON-LD publisher")


def test_opengraph_and_article_meta_without_json_ld():
    head = ("<meta property='og:title' content='District signs its protocol'>"
            "<meta property='og:site_name' content='Ridge Courier'>"
            "<meta property='article:published_time' content='2026-11-09T00:40:00+05:00'>"
            "<meta property='article:tag' content='Elections'><meta property='article:tag' content='Turnout'>"
            "<link rel='canonical' href='https://ridge.example/2026/11/09/protocol'>")
    article = parse_html(page(head + "<time datetime='2026-11-01'>1 Nov</time>"), "og.html")
    assert article.title == "District signs its protocol"
    assert article.published == "2026-11-09T00:40+05:00"
    assert article.tags == ["Elections", "Turnout"]
    assert article.source_url == "https://ridge.example/2026/11/09/protocol"
    assert article.outlet == "Ridge Courier"


def test_time_datetime_marked_as_published_or_the_only_day():
    marked = ("<time datetime='2026-10-01T10:00'>comment</time>"
              "<time class='entry-date published' datetime='2026-11-09T00:40:00+05:00'>9 November</time>")
    assert page_metadata(load_html(page(body=BODY + marked))).published.isoformat() == "2026-11-09T00:40+05:00"
    same_day = "<time datetime='2026-11-09'>9 Nov</time><time datetime='2026-11-09T00:40:00+05:00'>00:40</time>"
    meta = page_metadata(load_html(page(body=BODY + same_day)))
    assert meta.published.isoformat() == "2026-11-09T00:40+05:00" and meta.published_from == "<time datetime>"
    several = "<time datetime='2026-11-09'>a</time><time datetime='2026-10-02'>b</time>"
    assert page_metadata(load_html(page(body=BODY + several))).published is None  # comments, a sidebar: no say


def test_html_lang_and_canonical():
    meta = page_metadata(load_html(page("<link rel='canonical' href='https://ridge.example/a'>").replace(
        "lang='en'", "lang='kk-KZ'")))
    assert meta.language == "kk" and meta.url == "https://ridge.example/a"


def test_the_html_lang_is_the_language_when_the_text_tells_none():
    html = ("<html lang='kk'><head><title>52,4 %</title></head><body><article><h1>52,4 %</h1>"
            "<p>2026 · 52,4 % · 11 / 14 · 00:40</p></article></body></html>")
    assert parse_html(html, "numbers.html").language == "kk"


def test_entities_in_a_title_are_read():
    head = "<meta property='og:title' content='Olive &amp;amp; Herb Bread &#8211; a recipe'>"
    assert parse_html(page(head, title="x"), "e.html").title == "Olive & Herb Bread – a recipe"


def test_htmldate_searches_the_whole_page_only_when_the_markup_gives_no_date(monkeypatch):
    """htmldate's extensive search weighs every date-like string of a page (about 15 ms a
    page on real pages); when the markup dates the page its answer is not used."""
    import trafilatura

    seen = []
    real = trafilatura.bare_extraction

    def spy(*args, **kwargs):
        seen.append(kwargs.get("date_extraction_params"))
        return real(*args, **kwargs)

    monkeypatch.setattr(trafilatura, "bare_extraction", spy)
    body = "".join(f"<p>{p}</p>" for p in [
        "The district commission approved the list of polling stations for the December vote on Tuesday.",
        "Officials said the number of stations grew by twelve compared with the previous vote in the city."])
    dated = ("<html><head><title>Stations approved</title><meta property='article:published_time' "
             f"content='2030-05-04T10:00:00+05:00'></head><body><article>{body}</article></body></html>")
    undated = f"<html><head><title>Stations approved</title></head><body><article>{body}</article></body></html>"
    parse_html(dated, "dated.html")
    parse_html(undated, "undated.html")
    assert seen[0] is not None and seen[0]["extensive_search"] is False
    assert seen[1] is None  # trafilatura's defaults: the extensive search


def test_htmldates_dateparser_knows_only_the_named_languages_and_still_reads_their_dates():
    """Built with every locale, dateparser loads 205 of them on the first date it is given
    (2.2 s of CPU a process); digest gives htmldate one of ``DATE_LANGUAGES``."""
    from htmldate import extractors

    from digest.ingest.html import DATE_LANGUAGES

    undated = ("<html><head><title>Wahllokale bestätigt</title></head><body><article>"
               "<p class='date'>Veröffentlicht am 12. März 2024</p>"
               "<p>Die Bezirkskommission hat am Dienstag die Liste der Wahllokale für die Abstimmung im "
               "Dezember bestätigt.</p><p>Die Zahl der Wahllokale ist im Vergleich zur letzten Wahl in der "
               "Stadt um zwölf gestiegen, sagten die Beamten.</p></article></body></html>")
    article = parse_html(undated, "undated.html")
    parser = extractors.get_external_parser()
    assert parser.languages == list(DATE_LANGUAGES)
    assert parser.get_date_data("12 марта 2023")["date_obj"].day == 12
    assert article.published is not None and article.published.startswith("2024-03-12")
