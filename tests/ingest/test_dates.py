"""Dates as pages print them: English, Russian, Kazakh; stated offsets; outlet zones."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from digest.ingest import dates
from digest.ingest.dates import PageDate, find_date, find_month_day, parse_date, zone_offset
from digest.ingest.parse import parse_text

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.mark.parametrize("text,local,offset", [
    ("31 January 2023, 15:38", "2023-01-31T15:38", None),
    ("1 September 2022 13:21", "2022-09-01T13:21", None),
    ("17:14, 18 November 2022 | GMT +6", "2022-11-18T17:14", "+06:00"),
    ("19.03.2023, 12:51", "2023-03-19T12:51", None),
    ("19 марта 2023, 21:41", "2023-03-19T21:41", None),
    ("19 наурыз 2023", "2023-03-19", None),
    ("10 July 2023 19:40 (UTC+04:00)", "2023-07-10T19:40", "+04:00"),
    ("2023-07-10 09:43:17", "2023-07-10T09:43", None),
    ("2023 жылғы 31 қаңтар", "2023-01-31", None),
    ("Published: Monday, October 11, 2027, 18:24 [IST]", "2027-10-11T18:24", "+05:30"),
    ("Published on 28/12/2026 - 19:02 GMT+1", "2026-12-28T19:02", "+01:00"),
    ("11:30 04.02.2028 (жаңартылған: 12:05 04.02.2028)", "2028-02-04T11:30", None),
    ("Selin Aydoğan   |21.12.2026 - Update : 22.12.2026", "2026-12-21", None),
    ("Новости Казахстана20 марта 2028, 00:12", "2028-03-20T00:12", None),
    ("12 октября 2026 г., 18:47", "2026-10-12T18:47", None),
    ("2023-03-10T14:20:00+06:00", "2023-03-10T14:20", "+06:00"),
    ("June 16, 2025", "2025-06-16", None),
    ("05.06.2024 в 09:15", "2024-06-05T09:15", None),
    ("Мәжіліс сайлауы 2023 жылғы 19 наурызда өтеді", "2023-03-19", None),
])
def test_printed_forms(text, local, offset):
    found = find_date(text)
    assert found is not None, text
    assert found.value.local == local
    assert found.value.stated_offset == offset


def test_numeric_dates_are_day_first():
    assert find_date("04.02.2028").value.local == "2028-02-04"
    assert find_date("12/11/2029").value.local == "2029-11-12"


@pytest.mark.parametrize("text", ["+7 701 759 90 19", "usd/kzt 460.87 eur/kzt 501.56", "Astana: -17-19℃",
                                  "1284", "Views: 214", "31.02.2023", "no date here"])
def test_non_dates(text):
    assert find_date(text) is None


def test_twelve_hour_clock():
    assert find_date("3 Sept. 2024 at 3:45 pm").value.local == "2024-09-03T15:45"
    assert find_date("March 5, 2024, 12:10 a.m.").value.local == "2024-03-05T00:10"


@pytest.mark.parametrize("text,month,day", [("March 19", 3, 19), ("4 ақпан", 2, 4), ("Oct 11", 10, 11),
                                            ("November 13", 11, 13), ("12 марта", 3, 12)])
def test_day_and_month_without_year(text, month, day):
    found = find_month_day(text)
    assert (found.month, found.day) == (month, day)
    assert found.in_year(2028).local == f"2028-{month:02d}-{day:02d}"


def test_dateparser_fallback_reads_absolute_dates_only():
    assert parse_date("Tuesday the 5th of March 2024 at 14:00", fallback=True).local == "2024-03-05T14:00"
    assert parse_date("yesterday", fallback=True) is None
    assert parse_date("3 days ago", fallback=True) is None
    assert parse_date("March the 5th, 2024") is None  # the patterns do not read it; no fallback asked
    assert parse_date("March the 5th, 2024", fallback=True).local == "2024-03-05"


def test_text_pages_never_call_dateparser(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("dateparser called on the fast path")

    monkeypatch.setattr(dates, "parse_with_dateparser", refuse)
    for path in sorted((FIXTURES / "pages").glob("*.txt")) + sorted((FIXTURES / "pages_extra").glob("*.txt")):
        parse_text(path.read_text(encoding="utf-8"), path.name)


def test_labelled_date_line_falls_back_to_dateparser():
    page = ("Observers arrive in Astana ahead of the vote\n"
            "Published: March the 5th, 2024 at 14:00\n\n"
            "International observers began arriving in the capital on Monday, the foreign ministry said.\n")
    assert parse_text(page, "page.txt").published == "2024-03-05T14:00"


@pytest.mark.parametrize("when,zone,offset", [
    (PageDate(2023, 1, 31, 15, 38), "Asia/Almaty", "+06:00"),
    (PageDate(2024, 2, 29, 12, 0), "Asia/Almaty", "+06:00"),
    (PageDate(2024, 3, 2, 12, 0), "Asia/Almaty", "+05:00"),  # Kazakhstan moved to one zone, UTC+5
    (PageDate(2025, 4, 12, 10, 15), "Asia/Bishkek", "+06:00"),
    (PageDate(2026, 7, 1, 9, 0), "Europe/Moscow", "+03:00"),
])
def test_zone_offset_for_that_date(when, zone, offset):
    assert zone_offset(zone, when) == offset


def test_isoformat_prefers_the_stated_offset():
    stated = PageDate(2023, 11, 14, 12, 6, stated_offset="+06:00")
    assert stated.isoformat("Europe/Moscow") == "2023-11-14T12:06+06:00"
    assert PageDate(2023, 1, 31, 15, 38).isoformat("Asia/Almaty") == "2023-01-31T15:38+06:00"
    assert PageDate(2023, 1, 31, 15, 38).isoformat(None) == "2023-01-31T15:38"
    assert PageDate(2023, 1, 31).isoformat("Asia/Almaty") == "2023-01-31"  # no time, no offset


@pytest.mark.parametrize("text,local,offset", [
    ("Сегодня, 14:20", "2024-03-01T14:20", None),
    ("Вчера в 18:05", "2024-02-29T18:05", None),
    ("Today, 09:15 GMT+6", "2024-03-01T09:15", "+06:00"),
    ("23:10, Yesterday", "2024-02-29T23:10", None),
    ("Бүгін 09:15", "2024-03-01T09:15", None),
    ("Кеше, 23:10", "2024-02-29T23:10", None),
])
def test_relative_days_count_back_from_the_crawl_day(text, local, offset):
    found = dates.find_relative_date(text, date(2024, 3, 1))
    assert found is not None and found.relative
    assert found.value.local == local
    assert found.value.stated_offset == offset


def test_relative_date_line_needs_the_crawl_marker():
    page = ("{marker}Tengrinews.kz\nПолитика\nЦИК подвел итоги довыборов в маслихаты\nСегодня, 14:20\n\n"
            "Центральная избирательная комиссия подвела итоги дополнительных выборов депутатов маслихатов.\n\n"
            "Явка составила 34,2%, избраны 17 депутатов, сообщили в комиссии.\n")
    crawled = parse_text(page.format(marker=" date 2024-06-02 "), "today.txt")
    assert crawled.published == "2024-06-02T14:20+05:00"  # Tengrinews: Asia/Almaty, UTC+5 since March 2024
    assert crawled.warnings == []
    undated = parse_text(page.format(marker=""), "today.txt")
    assert undated.published is None  # never "today" as the machine sees it
    assert undated.warnings == ["no date found"]


def test_updated_note_after_the_date_does_not_hide_the_date_line():
    page = ("Kazakhstan's ruling party wins majority in snap parliamentary vote\n\n"
            "By Olzhas Auyezov\nMarch 20, 2023 6:21 AM GMT+6 Updated 2 hours ago\n\n"
            "ASTANA, March 20 (Reuters) - Kazakhstan's ruling Amanat party won a majority in Sunday's snap "
            "parliamentary election, preliminary results showed on Monday.\n\n"
            "Amanat received 53.9% of the vote, the central election commission said.\n")
    article = parse_text(page, "reuters.txt")
    assert article.published == "2023-03-20T06:21+06:00"
    assert article.author == "Olzhas Auyezov"


@pytest.mark.parametrize("text,local", [
    ("31 қаңтар 2023 жыл, 15:38", "2023-01-31T15:38"),
    ("2023 жылғы 31 қаңтар, сағат 15:38", "2023-01-31T15:38"),
    ("31.01.2023 ж. 15:38", "2023-01-31T15:38"),
    ("31.01.2023 г. в 15:38", "2023-01-31T15:38"),
])
def test_year_words_between_the_date_and_its_time(text, local):
    found = find_date(text)
    assert found is not None and found.value.local == local
