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
