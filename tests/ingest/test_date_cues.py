"""Dates where real pages put them: a caption or credit line, below the article, the page's address."""
from __future__ import annotations

import pytest

from digest.ingest.dates import date_in_url
from digest.ingest.parse import Fetch, parse_html, parse_text

STORY = (
    "Городская избирательная комиссия утвердила список участков для досрочных выборов в маслихат, "
    "которые пройдут в декабре.\n\n"
    "Всего в городе откроют 212 участков, из них четыре впервые разместятся в новых школах.\n"
)


@pytest.mark.parametrize(("url", "day"), [
    ("https://news.example/2023/03/19/turnout-reaches-40", "2023-03-19"),
    ("https://news.example/politics/20230319/turnout.html", "2023-03-19"),
    ("https://news.example/news/2023-03-19-turnout", "2023-03-19"),
    ("https://news.example/2023/03/turnout", None),  # a month is no day
    ("https://news.example/kazakhstan/turnout_a4003696", None),  # an id
    ("https://news.example/news/1234567890", None),
    ("https://news.example/2023/13/40/turnout", None),
])
def test_date_in_url(url, day):
    found = date_in_url(url)
    assert (found.local if found else None) == day


def test_date_from_a_credit_line():
    text = f"Главная | Новости\n\nСписок участков утвержден\n\nНовости Zakon.kz от 20.11.2022 04:00\n\n{STORY}"
    article = parse_text(text, "credit.txt")
    assert article.outlet == "Zakon.kz"  # named in the credit line: its zone gives the offset
    assert article.published == "2022-11-20T04:00+06:00"
    assert "date from a caption or credit line ('Новости Zakon.kz от 20.11.2022 04:00')" in article.warnings


def test_date_below_the_article():
    text = f"Главная | Новости\n\nСписок участков утвержден\n\n{STORY}\n20 ноября 2022, 04:00\n\nПохожие новости\n"
    article = parse_text(text, "below.txt")
    assert article.published == "2022-11-20T04:00"
    assert "date from below the article" in article.warnings


def test_date_from_the_address_of_a_dump_from_a_crawl():
    text = f"Список участков утвержден\n\n{STORY}"
    article = parse_text(text, "url.txt", fetch=Fetch(url="https://news.example/2022/11/20/uchastki"))
    assert article.published == "2022-11-20"
    assert "date from the page's address (https://news.example/2022/11/20/uchastki): the page prints none" \
        in article.warnings


def test_the_pages_own_date_beats_the_address():
    text = f"Список участков утвержден\n\n21 ноября 2022, 10:15\n\n{STORY}"
    article = parse_text(text, "url.txt", fetch=Fetch(url="https://news.example/2022/11/20/uchastki"))
    assert article.published == "2022-11-21T10:15"
    assert not any("address" in w for w in article.warnings)


def html(head: str) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in STORY.split("\n\n"))
    return (f"<html lang='ru'><head><title>Список участков утвержден</title>{head}</head><body><article>"
            f"<h1>Список участков утвержден</h1>{paragraphs}</article></body></html>")


def test_html_dated_by_its_canonical_address():
    article = parse_html(html("<link rel='canonical' href='https://news.example/2022/11/20/uchastki'>"), "u.html")
    assert article.published == "2022-11-20"
    assert "date from the page's address (https://news.example/2022/11/20/uchastki): the page prints none" \
        in article.warnings


def test_html_markup_date_beats_the_address():
    article = parse_html(html("<link rel='canonical' href='https://news.example/2022/11/20/uchastki'>"
                              "<meta property='article:published_time' content='2022-11-21T10:15:00+06:00'>"),
                         "u.html")
    assert article.published == "2022-11-21T10:15+06:00"
    assert not any("address" in w for w in article.warnings)


# ---------------------------------------------------------------- HTML: where pages print their date

LONG = [
    "Городская избирательная комиссия утвердила список участков для досрочных выборов в маслихат, "
    "которые пройдут в декабре, и опубликовала его на своем сайте.",
    "Всего в городе откроют 212 участков, из них четыре впервые разместятся в новых школах северных "
    "микрорайонов, построенных после прошлых выборов.",
    "Председатель комиссии напомнила, что избиратели могут проверить свой участок по номеру "
    "удостоверения личности на сайте комиссии или по телефону справочной службы.",
]


def article_page(before: str = "", after_body: str = "", after_article: str = "", head: str = "") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in LONG)
    return (f"<!doctype html><html lang='ru'><head><meta charset='utf-8'><title>Список участков утвержден"
            f"</title>{head}</head><body><header><a href='/'>Главная</a></header><main><article>"
            f"<h1>Список участков утвержден</h1>{before}{paragraphs}{after_body}</article>{after_article}"
            f"</main><footer>© 2022 Степной вестник</footer></body></html>")


def test_html_date_from_a_figure_caption():
    article = parse_html(article_page(before="<figure><img src='/a.jpg' alt=''><figcaption>Новости Zakon.kz от "
                                             "20.11.2022 04:00</figcaption></figure>"), "figcaption.html")
    assert article.published.startswith("2022-11-20T04:00")
    assert "date from a caption or credit line ('Новости Zakon.kz от 20.11.2022 04:00')" in article.warnings


def test_html_date_from_a_credit_line_above_the_story():
    article = parse_html(article_page(before="<p>Новости Zakon.kz от 20.11.2022 04:00</p>"), "credit.html")
    assert article.published.startswith("2022-11-20T04:00")
    assert "date from a caption or credit line ('Новости Zakon.kz от 20.11.2022 04:00')" in article.warnings


def test_html_date_from_a_photo_caption_in_the_body():
    article = parse_html(article_page(before="<p>Фото: Дана Оспан, 19.11.2022 18:30</p>"), "photo.html")
    assert article.published == "2022-11-19T18:30"
    assert "date from a caption or credit line ('Фото: Дана Оспан, 19.11.2022 18:30')" in article.warnings
    assert not any("Фото" in p for p in article.body)


def test_html_date_below_the_story_in_the_article():
    article = parse_html(article_page(after_body="<p>20 ноября 2022, 04:00</p>"), "below.html")
    assert article.published == "2022-11-20T04:00"
    assert "date from below the article" in article.warnings


def test_html_date_below_the_article_on_the_page():
    article = parse_html(article_page(after_article="<div class='info'><span>20 ноября 2022, 04:00</span>"
                                                    "<span>Просмотров: 120</span></div>"), "after.html")
    assert article.published == "2022-11-20T04:00"
    assert "date from below the article" in article.warnings


def test_html_a_date_after_a_closing_section_is_not_the_articles():
    page = article_page(after_article="<section><h2>Похожие новости</h2><ul><li><a href='/n/1'>Выборы в "
                                      "сенат назначены</a> <span>14 ноября 2022, 09:00</span></li></ul></section>")
    article = parse_html(page, "related.html")
    assert not any("below" in w for w in article.warnings)
    assert "T09:00" not in (article.published or "")


def test_html_the_pages_printed_date_beats_its_address():
    page = article_page(after_body="<p>21 ноября 2022, 10:15</p>",
                        head="<link rel='canonical' href='https://vestnik.example/2022/11/20/uchastki'>")
    article = parse_html(page, "own.html")
    assert article.published == "2022-11-21T10:15"
    assert not any("address" in w for w in article.warnings)


def test_html_dated_by_its_address_says_so():
    page = article_page(head="<link rel='canonical' href='https://vestnik.example/news/20221120/uchastki'>")
    article = parse_html(page, "addr.html")
    assert article.published == "2022-11-20"
    assert ("date from the page's address (https://vestnik.example/news/20221120/uchastki): the page prints none"
            in article.warnings)
