"""Dates as news pages print them, in English, Russian and Kazakh.

The common forms are read with precompiled regular expressions (fast, and they
cover the Kazakh forms dateparser misses): ``31 January 2023, 15:38``,
``17:14, 18 November 2022 | GMT +6``, ``19.03.2023, 12:51``,
``19 марта 2023, 21:41``, ``19 наурыз 2023``, ``2023 жылғы 31 қаңтар``,
``Monday, October 11, 2027, 18:24 [IST]``, ``2023-07-10 09:43:17``,
``10 July 2023 19:40 (UTC+04:00)``. Numeric dates are day-first.
dateparser is only a fallback for a labelled date line nothing else reads.

A parse gives a :class:`PageDate`: the local date-time as printed and the
offset the page states, if any. :meth:`PageDate.isoformat` adds the offset of
an outlet's time zone when the page states none.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# ------------------------------------------------------------------ months

_EN_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9, "october": 10,
    "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
    # Kazakh in Latin script (2021 alphabet and its older drafts)
    "qantar": 1, "qańtar": 1, "aqpan": 2, "nauryz": 3, "naýryz": 3, "sauir": 4,
    "sáýir": 4, "mamyr": 5, "mausym": 6, "maýsym": 6, "shilde": 7, "tamyz": 8,
    "qyrkuiek": 9, "qyrkúiek": 9, "qyrkúıek": 9, "qazan": 10, "qarasha": 11,
    "jeltoqsan": 12,
}
"""Month words that must match whole (an English word gets no endings)."""

_CYR_STEMS = {
    # Kazakh first: they take case endings (наурызда, қаңтардағы, мамырдың)
    "қаңтар": 1, "ақпан": 2, "наурыз": 3, "сәуір": 4, "мамыр": 5, "маусым": 6,
    "шілде": 7, "тамыз": 8, "қыркүйек": 9, "қазан": 10, "қараша": 11,
    "желтоқсан": 12,
    # Russian: stems of the nominative and genitive, and the usual abbreviations
    "январ": 1, "феврал": 2, "март": 3, "апрел": 4, "мая": 5, "май": 5,
    "июн": 6, "июл": 7, "август": 8, "сентябр": 9, "октябр": 10, "ноябр": 11,
    "декабр": 12, "янв": 1, "фев": 2, "мар": 3, "апр": 4, "авг": 8, "сен": 9,
    "окт": 10, "ноя": 11, "дек": 12,
}
"""Cyrillic month stems; the word may go on with a few more letters."""

_CYR_LETTERS = "а-яёәғқңөұүһі"
_EN_ALT = "|".join(sorted(_EN_MONTHS, key=len, reverse=True))
_CYR_ALT = "|".join(sorted(_CYR_STEMS, key=len, reverse=True))
_MONTH = (
    rf"(?:(?:{_EN_ALT})\.?(?![^\W\d_])"
    rf"|(?:{_CYR_ALT})[{_CYR_LETTERS}]{{0,5}}\.?(?![^\W\d_]))"
)
_WEEKDAYS = (
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|"
    "понедельник|вторник|среда|четверг|пятница|суббота|воскресенье|"
    "дүйсенбі|сейсенбі|сәрсенбі|бейсенбі|жұма|сенбі|жексенбі"
)

_DAY = r"(?<!\d)(?:[12]\d|3[01]|0?[1-9])"
_ORD = r"(?:st|nd|rd|th|-?ші|-?шы|-?го)?"
_YEAR = r"(?:19|20)\d\d(?!\d)"
_YEAR_WORD = r"(?:\s*(?:г\.|года|год|ж\.|жылғы|жылы|жыл(?![^\W\d_])|year))?"

_DATE_RE = re.compile(
    "|".join(
        (
            # 2023-07-10 09:43:17, 2023-07-10T09:43:17+06:00, 2023.07.10
            r"(?P<iy>(?<!\d)(?:19|20)\d\d)(?P<isep>[-./])(?P<im>0?[1-9]|1[0-2])(?P=isep)(?P<id>[12]\d|3[01]|0?[1-9])(?!\d)"
            r"(?:[T ](?P<ih>[01]\d|2[0-3]):(?P<imin>[0-5]\d)(?::(?P<isec>[0-5]\d)(?:\.\d+)?)?"
            r"(?P<ioff>Z|[+-][01]\d:?[0-5]\d)?)?",
            # 2023 жылғы 31 қаңтар
            rf"(?P<ky>{_YEAR})\s*(?:жылғы|жылы|ж\.?)\s+(?P<kd>{_DAY}){_ORD}\s+(?P<km>{_MONTH})",
            # 31 January 2023, 19 марта 2023 г., 4 ақпан 2028 ж.
            rf"(?P<dd>{_DAY}){_ORD}\s*(?:of\s+)?(?P<dm>{_MONTH}),?\s*(?P<dy>{_YEAR}){_YEAR_WORD}",
            # January 31, 2023 / Oct. 11 2027
            rf"(?P<mm>{_MONTH})\s+(?P<md>{_DAY}){_ORD},?\s+(?P<my>{_YEAR})",
            # 31.01.2023, 28/12/2026, 31-01-2023, 31.01.23
            rf"(?P<nd>{_DAY})(?P<nsep>[./-])(?P<nm>0?[1-9]|1[0-2])(?P=nsep)(?P<ny>(?:19|20)\d\d|\d\d)(?![\d.,]\d)(?!\d){_YEAR_WORD}",
        )
    ),
    re.IGNORECASE,
)

_MONTH_DAY_RE = re.compile(
    rf"(?P<md_m>{_MONTH})\s+(?P<md_d>{_DAY}){_ORD}(?!\d)|(?P<dm_d>{_DAY}){_ORD}\s+(?P<dm_m>{_MONTH})",
    re.IGNORECASE,
)

_TIME_RE = re.compile(
    r"(?<![\d:.])(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)(?::(?P<s>[0-5]\d))?(?![\d])"
    r"(?:\s*(?P<ampm>[ap]\.?\s?m\.?)(?![a-z]))?",
    re.IGNORECASE,
)

_TZ_ABBREVIATIONS = {
    "UTC": "+00:00", "GMT": "+00:00", "Z": "+00:00", "IST": "+05:30", "MSK": "+03:00",
    "МСК": "+03:00", "CET": "+01:00", "CEST": "+02:00", "EET": "+02:00",
    "EEST": "+03:00", "WET": "+00:00", "WEST": "+01:00", "BST": "+01:00",
    "EST": "-05:00", "EDT": "-04:00", "CST": "-06:00", "CDT": "-05:00",
    "PST": "-08:00", "PDT": "-07:00", "TRT": "+03:00", "GST": "+04:00",
    "ALMT": "+06:00", "AQTT": "+05:00", "UZT": "+05:00", "KGT": "+06:00",
    "TJT": "+05:00", "TMT": "+05:00", "AZT": "+04:00", "GET": "+04:00",
    "AMT": "+04:00", "JST": "+09:00", "KST": "+09:00", "HKT": "+08:00",
}
_OFFSET_RE = re.compile(
    r"(?:\b(?:GMT|UTC)\s*(?P<sign>[+\-−–])\s*(?P<oh>\d{1,2})(?:[:.]?(?P<om>[0-5]\d))?(?!\d))"
    r"|(?<![\w\d])(?P<bsign>[+\-−])(?P<boh>[01]\d):(?P<bom>[0-5]\d)(?!\d)"
    r"|(?<![\w])(?P<abbr>" + "|".join(sorted(_TZ_ABBREVIATIONS, key=len, reverse=True)) + r")(?![\w+\-])",
)

_WEEKDAY_RE = re.compile(rf"(?<![^\W\d_])(?:{_WEEKDAYS})\.?(?![^\W\d_]),?", re.IGNORECASE)
_NEAR_GAP_RE = re.compile(r"^[\s,|/\-–—.@]*(?:(?:at|в|сағат|in)\s*)?[\s,|/\-–—.@]*$", re.IGNORECASE)
"""What may stand between a date and its time: separators and `at`/`в`."""

MIN_YEAR = 1990
MAX_YEAR = 2100


# ------------------------------------------------------------------ results


@dataclass(frozen=True, slots=True)
class PageDate:
    """A date (and maybe a time) as a page prints it.

    ``stated_offset`` is the UTC offset the page itself states (``+06:00``),
    never one guessed from a time zone.
    """

    year: int
    month: int
    day: int
    hour: int | None = None
    minute: int | None = None
    second: int | None = None
    stated_offset: str | None = None

    @property
    def has_time(self) -> bool:
        return self.hour is not None

    @property
    def local(self) -> str:
        """``YYYY-MM-DDTHH:MM`` (seconds dropped), or ``YYYY-MM-DD`` with no time."""
        day = f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.hour is None:
            return day
        return f"{day}T{self.hour:02d}:{self.minute or 0:02d}"

    def as_date(self) -> date:
        return date(self.year, self.month, self.day)

    def isoformat(self, zone: str | None = None) -> str:
        """ISO 8601 for ``Article.published``.

        The stated offset if there is one; else, with a time and a ``zone``,
        that zone's offset on that date; else naive. A date with no time is
        ``YYYY-MM-DD``.
        """
        if self.hour is None:
            return self.local
        text = self.local
        if self.second:
            text += f":{self.second:02d}"
        offset = self.stated_offset
        if offset is None and zone:
            offset = zone_offset(zone, self)
        return text + (offset or "")


@dataclass(frozen=True, slots=True)
class DateMatch:
    """A date found in a line, with where it was found; ``relative`` for ``Today, 14:20``
    (a day counted from the crawl date, not printed)."""

    value: PageDate
    start: int
    end: int
    relative: bool = False


@dataclass(frozen=True, slots=True)
class MonthDay:
    """A day and month with no year (``March 19`` in a dateline)."""

    month: int
    day: int
    start: int
    end: int

    def in_year(self, year: int) -> PageDate | None:
        return _make(year, self.month, self.day)


# ------------------------------------------------------------------ parsing


def month_number(word: str) -> int | None:
    """The month a month word names (``March``, ``марта``, ``наурызда``), or None."""
    low = word.lower().rstrip(".")
    if low in _EN_MONTHS:
        return _EN_MONTHS[low]
    for stem in _CYR_STEMS_BY_LENGTH:
        if low.startswith(stem) and len(low) - len(stem) <= 5:
            return _CYR_STEMS[stem]
    return None


_CYR_STEMS_BY_LENGTH = sorted(_CYR_STEMS, key=len, reverse=True)


def _make(year: int, month: int, day: int) -> PageDate | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        date(year, month, day)
    except ValueError:
        return None
    return PageDate(year, month, day)


def _date_from_match(m: re.Match[str]) -> PageDate | None:
    g = m.groupdict()
    if g["iy"]:
        found = _make(int(g["iy"]), int(g["im"]), int(g["id"]))
        if found and g["ih"]:
            found = replace(
                found,
                hour=int(g["ih"]),
                minute=int(g["imin"]),
                second=int(g["isec"]) if g["isec"] else None,
                stated_offset=_format_offset_text(g["ioff"]) if g["ioff"] else None,
            )
        return found
    if g["ky"]:
        month = month_number(g["km"])
        return _make(int(g["ky"]), month, int(g["kd"])) if month else None
    if g["dd"]:
        month = month_number(g["dm"])
        return _make(int(g["dy"]), month, int(g["dd"])) if month else None
    if g["mm"]:
        month = month_number(g["mm"])
        return _make(int(g["my"]), month, int(g["md"])) if month else None
    if g["nd"]:
        year = int(g["ny"])
        if year < 100:
            year += 2000
        return _make(year, int(g["nm"]), int(g["nd"]))
    return None  # pragma: no cover - every alternative has a group


def _format_offset_text(text: str) -> str:
    if text.upper() == "Z":
        return "+00:00"
    sign, digits = text[0], text[1:].replace(":", "")
    return f"{sign}{digits[:2]}:{digits[2:4]}"


def _offset(sign: str, hours: str, minutes: str | None) -> str | None:
    h = int(hours)
    if h > 14:
        return None
    sign = "-" if sign in "-−–" else "+"
    return f"{sign}{h:02d}:{int(minutes or 0):02d}"


def find_offset(text: str) -> str | None:
    """The first UTC offset stated in ``text`` (``GMT +6``, ``(UTC+05:00)``, ``[IST]``)."""
    for m in _OFFSET_RE.finditer(text):
        if m.group("oh") is not None:
            found = _offset(m.group("sign"), m.group("oh"), m.group("om"))
        elif m.group("boh") is not None:
            found = _offset(m.group("bsign"), m.group("boh"), m.group("bom"))
        else:
            found = _TZ_ABBREVIATIONS[m.group("abbr")]
        if found:
            return found
    return None


def _near_time(text: str, start: int, end: int) -> re.Match[str] | None:
    """A time right after the date (``…2023, 15:38``), else right before it
    (``17:14, 18 November 2022``)."""
    after = _TIME_RE.search(text, end)
    if after and _NEAR_GAP_RE.match(text[end:after.start()]) and after.start() - end <= 12:
        return after
    best = None
    for m in _TIME_RE.finditer(text, 0, start):
        best = m
    if best and _NEAR_GAP_RE.match(text[best.end():start]) and start - best.end() <= 12:
        return best
    return None


def _with_time(found: PageDate, tm: re.Match[str]) -> PageDate:
    hour = int(tm.group("h"))
    ampm = (tm.group("ampm") or "").lower().replace(".", "").replace(" ", "")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    second = int(tm.group("s")) if tm.group("s") else None
    return replace(found, hour=hour, minute=int(tm.group("m")), second=second)


def find_dates(text: str) -> list[DateMatch]:
    """Every full date (day, month and year) in ``text``, in order, each with
    the time printed next to it and the offset stated after it."""
    matches = [(m, _date_from_match(m)) for m in _DATE_RE.finditer(text)]
    matches = [(m, d) for m, d in matches if d is not None]
    results: list[DateMatch] = []
    for index, (m, found) in enumerate(matches):
        start, end = m.start(), m.end()
        if not found.has_time:
            tm = _near_time(text, start, end)
            if tm is not None:
                found = _with_time(found, tm)
                start, end = min(start, tm.start()), max(end, tm.end())
        if found.stated_offset is None and found.has_time:
            limit = matches[index + 1][0].start() if index + 1 < len(matches) else len(text)
            offset = find_offset(text[end:limit])
            if offset is None:
                offset = _offset_just_before(text, start)
            if offset is not None:
                found = replace(found, stated_offset=offset)
        results.append(DateMatch(found, start, end))
    return results


def _offset_just_before(text: str, start: int) -> str | None:
    head = text[max(0, start - 12):start]
    m = _OFFSET_RE.search(head)
    return find_offset(m.group(0)) if m and not head[m.end():].strip(" ,|") else None


def find_date(text: str) -> DateMatch | None:
    """The first full date in ``text`` (see :func:`find_dates`), or None."""
    if not _might_hold_date(text):
        return None
    found = find_dates(text)
    return found[0] if found else None


_DIGITS4_RE = re.compile(r"(?:19|20)\d\d|\d[./-]\d\d?[./-]\d\d")


def _might_hold_date(text: str) -> bool:
    return _DIGITS4_RE.search(text) is not None


_RELATIVE_DAYS = {
    "today": 0, "сегодня": 0, "бүгін": 0, "yesterday": 1, "вчера": 1, "кеше": 1,
    "позавчера": 2, "алдыңғы күні": 2,
}
_RELATIVE_RE = re.compile(
    r"(?<![^\W\d_])(?P<word>" + "|".join(sorted(_RELATIVE_DAYS, key=len, reverse=True)) + r")(?![^\W\d_])",
    re.IGNORECASE,
)


def find_relative_date(text: str, reference: date) -> DateMatch | None:
    """``Today, 14:20`` / ``Вчера в 18:05`` / ``Бүгін 09:15`` as a date, counting back
    from ``reference`` (the day the page was crawled)."""
    m = _RELATIVE_RE.search(text)
    if m is None:
        return None
    day = reference - timedelta(days=_RELATIVE_DAYS[m["word"].lower()])
    found = _make(day.year, day.month, day.day)
    if found is None:
        return None
    start, end = m.start(), m.end()
    tm = _near_time(text, start, end)
    if tm is not None:
        found = _with_time(found, tm)
        start, end = min(start, tm.start()), max(end, tm.end())
        offset = find_offset(text[end:])
        if offset is not None:
            found = replace(found, stated_offset=offset)
    return DateMatch(found, start, end, relative=True)


def find_month_day(text: str) -> MonthDay | None:
    """A day and month with no year (``March 19``, ``4 ақпан``), or None."""
    m = _MONTH_DAY_RE.search(text)
    if not m:
        return None
    if m.group("md_m"):
        month, day = month_number(m.group("md_m")), int(m.group("md_d"))
    else:
        month, day = month_number(m.group("dm_m")), int(m.group("dm_d"))
    if month is None or _make(2000, month, day) is None:  # 2000 is a leap year
        return None
    return MonthDay(month, day, m.start(), m.end())


def parse_date(text: str, *, fallback: bool = False, languages: tuple[str, ...] = ("en", "ru")) -> PageDate | None:
    """The first date in ``text``; with ``fallback``, ask dateparser when the
    patterns find none (slow: for a labelled date line only)."""
    found = find_date(text)
    if found is not None:
        return found.value
    if fallback:
        return parse_with_dateparser(text, languages)
    return None


def parse_with_dateparser(text: str, languages: tuple[str, ...] = ("en", "ru")) -> PageDate | None:
    """dateparser's reading of ``text`` (day-first), or None."""
    import dateparser

    cleaned = _WEEKDAY_RE.sub(" ", text).strip()
    settings = {"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False,
                "REQUIRE_PARTS": ["day", "month", "year"],
                # absolute dates only: "yesterday" on an archived page would be read relative to today
                "PARSERS": ["custom-formats", "absolute-time"]}
    try:
        value = dateparser.parse(cleaned, languages=list(languages), settings=settings)
    except (ValueError, OverflowError):  # pragma: no cover - dateparser's own failures
        return None
    if value is None:
        return None
    found = _make(value.year, value.month, value.day)
    if found is None:
        return None
    if _TIME_RE.search(text):
        found = replace(found, hour=value.hour, minute=value.minute, second=value.second or None)
    offset = find_offset(text)
    return replace(found, stated_offset=offset) if offset and found.has_time else found


_URL_DATE_RE = re.compile(
    r"(?<![\w])(?P<y>(?:19|20)\d\d)(?P<sep>[/_-])(?P<m>0[1-9]|1[0-2])(?P=sep)(?P<d>0[1-9]|[12]\d|3[01])(?![\d])"
    r"|(?<![\w])(?P<cy>(?:19|20)\d\d)(?P<cm>0[1-9]|1[0-2])(?P<cd>0[1-9]|[12]\d|3[01])(?![\w])"
)


def date_in_url(url: str) -> PageDate | None:
    """The day a page's address gives: ``/2023/03/19/``, ``/2023-03-19-…``, ``/20230319/``.

    Only a whole year-month-day counts: ``/2023/03/`` (a month) and an id such as
    ``_a4003696`` or ``/news/1234567890`` are no date.
    """
    from urllib.parse import urlsplit

    path = urlsplit(url).path
    m = _URL_DATE_RE.search(path)
    if m is None:
        return None
    if m["y"]:
        return _make(int(m["y"]), int(m["m"]), int(m["d"]))
    return _make(int(m["cy"]), int(m["cm"]), int(m["cd"]))


def url_date_warning(url: str) -> str:
    """The warning of a page dated by its address."""
    return f"date from the page's address ({url}): the page prints none"


def parse_iso(text: str) -> PageDate | None:
    """An ISO 8601 stamp (``2023-07-10T09:43:17+06:00``) as a PageDate."""
    m = _DATE_RE.match(text.strip())
    if not m or not m.group("iy"):
        return None
    return _date_from_match(m)


# ------------------------------------------------------------------ zones


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def valid_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone this system knows."""
    return _zone(name) is not None


def zone_offset(zone: str, when: PageDate) -> str | None:
    """The UTC offset of ``zone`` at the local time ``when`` (``+06:00``)."""
    tz = _zone(zone)
    if tz is None:
        return None
    moment = datetime(when.year, when.month, when.day, when.hour or 0, when.minute or 0, tzinfo=tz)
    delta = moment.utcoffset()
    if delta is None:  # pragma: no cover - ZoneInfo always answers
        return None
    minutes = int(delta.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
