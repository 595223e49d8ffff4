"""Text dumps: every layout fixture, variations of each, warnings, site data files.

Fixtures: ``tests/fixtures/pages`` (the shipped layouts, schema in its README) and
``tests/fixtures/pages_extra`` (invented layouts of other outlets, same schema).
"""
from __future__ import annotations

import json
import random
import re
import textwrap
from pathlib import Path

import pytest

from digest.errors import ConfigError
from digest.ingest.dates import find_date, zone_offset
from digest.ingest.outlets import load_outlets
from digest.ingest.parse import looks_like_html, parse_file, parse_text
from digest.ingest.tags import load_vocabulary
from digest.ingest.text import parse_dump

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PAGES = sorted((FIXTURES / "pages").glob("*.json")) + sorted((FIXTURES / "pages_extra").glob("*.json"))
FIELDS = ("title", "published", "utc_offset", "crawl_date", "dateline", "outlet", "author", "tags",
          "language", "photo_credit")

# Expected values that nothing in the page supports; the parser is held to what the
# page does say instead.
UNREACHABLE = {
    ("a14_hardwrap", "outlet"): None,  # "Steppe Wire" occurs nowhere in a14_hardwrap.txt
}


def norm(text: str) -> str:
    return " ".join(text.split())


def load(path: Path) -> tuple[str, dict]:
    return path.with_suffix(".txt").read_text(encoding="utf-8"), json.loads(path.read_text(encoding="utf-8"))


def facts_fields(text: str) -> tuple[dict, object, object]:
    knowledge, vocabulary = load_outlets(), load_vocabulary()
    facts = parse_dump(text, knowledge, vocabulary)
    article = parse_text(text, "page.txt")
    got = {
        "title": facts.title,
        "published": facts.date.local if facts.date else None,
        "utc_offset": facts.date.stated_offset if facts.date else None,
        "crawl_date": facts.crawl_date,
        "dateline": facts.dateline,
        "outlet": facts.outlet,
        "author": facts.author,
        "tags": facts.tags,
        "language": article.language,
        "photo_credit": facts.photo_credit,
    }
    return got, facts, article


def test_fixtures_are_found():
    assert len([p for p in PAGES if p.parent.name == "pages"]) == 18
    assert len([p for p in PAGES if p.parent.name == "pages_extra"]) >= 5


FIELD_GROUPS = {
    "title": ("title",),
    "date": ("published", "utc_offset", "crawl_date"),
    "source": ("outlet", "dateline"),
    "credits": ("author", "photo_credit"),
    "tags": ("tags",),
    "language": ("language",),
}
assert sorted(f for group in FIELD_GROUPS.values() for f in group) == sorted(FIELDS)
PAGE_GROUPS = [(path, group) for path in PAGES for group in FIELD_GROUPS]


@pytest.mark.parametrize("path,group", PAGE_GROUPS, ids=lambda v: v.stem if isinstance(v, Path) else v)
def test_fields(path, group):
    text, expected = load(path)
    got, _, _ = facts_fields(text)
    for field in FIELD_GROUPS[group]:
        want = UNREACHABLE.get((path.stem, field), expected[field])
        assert got[field] == want, f"{path.stem}: {field}"


def test_unreachable_expectations_are_really_absent_from_the_page():
    """The one expected value the parser is excused from must not occur in its page."""
    for (stem, field), held_to in UNREACHABLE.items():
        path = next(p for p in PAGES if p.stem == stem)
        text, expected = load(path)
        assert expected[field] not in text
        got, _, _ = facts_fields(text)
        assert got[field] == held_to


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_body_in_order_without_boilerplate(path):
    text, expected = load(path)
    _, facts, article = facts_fields(text)
    assert [norm(p) for p in facts.body] == [norm(p) for p in expected["body"]]
    assert article.body == facts.body
    for marker in expected["boilerplate_markers"]:
        assert not any(marker in p for p in article.body), marker


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_tags_line_is_kept_whole(path):
    text, expected = load(path)
    _, facts, _ = facts_fields(text)
    assert facts.tags_line == expected["tags_line"]
    if expected["tags"] and " " in expected["tags_line"] and "," not in expected["tags_line"] \
            and "#" not in expected["tags_line"]:
        assert " ".join(facts.tags) == expected["tags_line"]


def test_seed_tag_line_is_split_by_the_vocabulary():
    text, _ = load(FIXTURES / "pages" / "000_65e960a93adcd3b4.json")
    article = parse_text(text, "seed.txt")
    assert article.tags == ["CIS", "Elections", "Majilis Elections in Kazakhstan"]
    assert " ".join(article.tags) == "CIS Elections Majilis Elections in Kazakhstan"


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_published_carries_the_stated_or_the_outlet_offset(path):
    text, expected = load(path)
    _, facts, article = facts_fields(text)
    if expected["published"] is None:
        assert article.published == expected["crawl_date"]
        assert f"no date found; using the crawl date {expected['crawl_date']}" in article.warnings
        return
    assert article.published.startswith(expected["published"])
    suffix = article.published[len(expected["published"]):]
    suffix = re.sub(r"^:\d\d", "", suffix)  # seconds, when the page prints them
    if "T" not in expected["published"]:
        assert suffix == ""
    elif expected["utc_offset"]:
        assert suffix == expected["utc_offset"]
    else:
        outlet = load_outlets().outlet(article.outlet)
        zone = outlet.timezone if outlet else None
        assert suffix == (zone_offset(zone, facts.date) if zone else "")


def test_kazinform_time_gets_the_almaty_offset_of_that_date():
    seed, _ = load(FIXTURES / "pages" / "000_65e960a93adcd3b4.json")
    assert parse_text(seed, "seed.txt").published == "2023-01-31T15:38+06:00"
    # Kazakhstan moved to UTC+5 on 1 March 2024
    later, _ = load(FIXTURES / "pages" / "a16_nonelection_qazaqtv_header.json")
    assert parse_text(later, "later.txt").published == "2025-05-06T10:15+05:00"


def test_stated_offset_wins_over_the_outlet_zone():
    text, _ = load(FIXTURES / "pages" / "a04_inform_en_new.json")
    assert parse_text(text, "a04.txt").published == "2023-11-14T12:06+06:00"
    reuters, _ = load(FIXTURES / "pages" / "a07_reuters_reprint.json")
    assert parse_text(reuters, "a07.txt").published == "2027-10-11T18:24+05:30"


def test_outlet_without_zone_stays_naive():
    text, _ = load(FIXTURES / "pages" / "a06_ria_wire.json")
    assert parse_text(text, "a06.txt").published == "2029-11-13T09:40"


def test_dateline_day_takes_the_crawl_year_even_across_new_year():
    page = (" date 2024-01-02 World\n"
            "Kyrgyz CEC announces preliminary results of local council elections\n"
            "BISHKEK, December 30. /TASS/. The Central Election Commission of Kyrgyzstan announced the "
            "preliminary results of the elections to local councils held on Sunday.\n\n"
            "Turnout was 34.6%, the commission said, adding that the final results would follow.\n")
    article = parse_text(page, "tass.txt")
    assert article.published == "2023-12-30"
    assert article.outlet == "TASS"


# -- warnings ---------------------------------------------------------------------------

def test_no_date_falls_back_to_the_crawl_date_with_a_warning():
    text, _ = load(FIXTURES / "pages" / "a13_nodate_breadcrumb.json")
    article = parse_text(text, "a13.txt")
    assert article.published == "2027-02-11"
    assert article.warnings == ["no date found; using the crawl date 2027-02-11",
                                "outlet 'Civic Election Watch' from the copyright line (not in outlets.toml)"]


def test_no_date_and_no_crawl_marker():
    page = ("Observers arrive in Astana ahead of the vote\n\n"
            "International observers began arriving in the capital on Monday, the foreign ministry said.\n\n"
            "The mission will present its preliminary findings the day after the vote, officials said.\n")
    article = parse_text(page, "page.txt")
    assert article.published is None
    assert article.warnings == ["no date found"]


def test_no_title_found():
    page = ("10 March 2023, 14:20\n\n"
            "International observers began arriving in the capital on Monday, the foreign ministry said.\n")
    article = parse_text(page, "page.txt")
    assert article.title is None
    assert "no title found" in article.warnings
    assert article.published == "2023-03-10T14:20"


def test_page_with_no_headline_and_no_text_is_an_error():
    article = parse_text(" date 2023-01-31 Go to the main site\nMain Page >\nNews >\n", "menu.txt")
    assert article.error == "no recognisable article: neither a title nor article text found"
    assert article.source == "menu.txt"
    assert article.title is None and article.body == [] and article.published is None
    assert article.to_json()["error"] == article.error


def test_headline_without_text_is_kept_with_a_warning():
    page = " date 2023-01-31 Go to the main site\nMain Page >\n\nObservers arrive in Astana ahead of the vote\n"
    article = parse_text(page, "stub.txt")
    assert article.error is None
    assert article.title == "Observers arrive in Astana ahead of the vote"
    assert article.body == []
    assert "no article text found" in article.warnings


def test_parse_file_turns_a_page_with_no_article_into_an_error(tmp_path):
    path = tmp_path / "menu.txt"
    path.write_text("Home\nNews\nPolitics\nContacts\n", encoding="utf-8")
    article = parse_file(path)
    assert article.source == str(path)
    assert article.error == "no recognisable article: neither a title nor article text found"


def test_impossible_crawl_marker_is_not_a_crawl_date():
    page = (" date 2023-13-45 Go to the main site\n"
            "Observers arrive in Astana ahead of the vote\n\n"
            "ASTANA, March 3 – RIA Novosti. International observers began arriving in the capital on Monday, "
            "the foreign ministry said.\n")
    article = parse_text(page, "page.txt")
    assert article.crawl_date is None
    assert article.published is None
    assert article.warnings == ["no date found"]


def test_missing_author_is_not_a_warning():
    text, _ = load(FIXTURES / "pages" / "a02_qazaqtv_header.json")
    article = parse_text(text, "a02.txt")
    assert article.author is None
    assert article.warnings == []


# -- variations of every fixture ----------------------------------------------------------

EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
      "October", "November", "December"]
RU = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
      "октября", "ноября", "декабря"]
KK = ["қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек",
      "қазан", "қараша", "желтоқсан"]
STOPS = ["Related news", "Read also", "Популярное", "Похожие новости", "Most read", "Ұқсас жаңалықтар"]
WIDGETS = ["+7 727 555 01 47", "USD 452.10 EUR 487.30", "Astana -5 ℃", "Views: 1 204", "👁 312",
           "RU | KZ | EN", "Share", "Telegram", "Main Page > News > Politics", "0", "Comments (4)"]
INLINE = ["photo", "Read also: Turnout reaches 40 percent by noon", "Читайте также: ЦИК утвердил бюллетени",
          "None", "Advertisement"]
LABELS = {"Author:": ["Автор:", "Author:"], "Автор:": ["Author:", "Автор:"], "Photo:": ["Фото:", "Photo credit:"],
          "Фото:": ["Photo:", "Фото:"], "Tags:": ["Теги:", "Тегтер:"], "Теги:": ["Tags:", "Тегтер:"]}


def printed_date(rng: random.Random, published: str, offset: str | None) -> str:
    day, _, time = published.partition("T")
    year, month, dd = day.split("-")
    m, d = int(month) - 1, int(dd)
    if time:
        hh, mm = time.split(":")
        forms = [f"{d} {EN[m]} {year}, {hh}:{mm}", f"{dd}.{month}.{year} {hh}:{mm}",
                 f"{hh}:{mm}, {d} {EN[m]} {year}", f"{year}-{month}-{dd} {hh}:{mm}",
                 f"{d} {RU[m]} {year}, {hh}:{mm}", f"{d} {KK[m]} {year}, {hh}:{mm}",
                 f"{EN[m]} {d}, {year}, {hh}:{mm}", f"{dd}/{month}/{year} - {hh}:{mm}"]
    else:
        forms = [f"{d} {EN[m]} {year}", f"{dd}.{month}.{year}", f"{EN[m]} {d}, {year}",
                 f"{d} {RU[m]} {year}", f"{year} жылғы {d} {KK[m]}"]
    text = rng.choice(forms)
    if offset and time:
        hours = f"{offset[0]}{int(offset[1:3])}"
        text += rng.choice([f" (UTC{offset})", f" GMT{hours}", f" | GMT {hours}"])
    return text


def body_indexes(lines: list[str], expected: dict) -> list[int] | None:
    want = [norm(p) for p in expected["body"]]
    found = [i for i, line in enumerate(lines) if norm(line) in want]
    return found if len(found) == len(want) else None


def vary(text: str, expected: dict, rng: random.Random) -> tuple[str, dict]:
    """A page the same article could have come as: other wrapping, widgets, labels, dates."""
    lines = text.split("\n")
    body = body_indexes(lines, expected)
    style = rng.random()
    if body and style < 0.3:  # hard-wrapped at some width, blank lines between paragraphs
        width = rng.randint(58, 80)
        for i in reversed(body):
            lines[i:i + 1] = ["", *textwrap.wrap(norm(lines[i]), width), ""]
    elif body and style < 0.55:  # one paragraph a line
        inside = set(range(body[0], body[-1] + 1))
        lines = [line for i, line in enumerate(lines) if i not in inside or line.strip()]
    elif body and len(body) >= 3 and rng.random() < 0.5:  # chrome between paragraphs
        at = body[rng.randint(1, len(body) - 1)]
        lines[at:at] = ["", rng.choice(INLINE), ""]
    if expected["title"] and rng.random() < 0.5:  # widgets above the headline
        first = next((i for i, line in enumerate(lines) if norm(line) == expected["title"]), None)
        if first:
            for _ in range(rng.randint(1, 3)):
                lines.insert(rng.randint(1, first), rng.choice(WIDGETS))
                first += 1
    for i, line in enumerate(lines):  # labels in another language
        for label, others in LABELS.items():
            if line.strip().startswith(label) and rng.random() < 0.5:
                lines[i] = line.replace(label, rng.choice(others), 1)
                break
    if expected["published"] and rng.random() < 0.6:  # the date in another form
        for i, line in enumerate(lines):
            found = find_date(line.strip())
            if (found and found.value.local == expected["published"]
                    and found.end - found.start >= 0.8 * len(line.strip())
                    and found.value.stated_offset == expected["utc_offset"]):
                lines[i] = printed_date(rng, expected["published"], expected["utc_offset"])
    stops = load_outlets().stop_set
    for i, line in enumerate(lines):  # other closing headings
        if line.strip().casefold() in stops and rng.random() < 0.5:
            lines[i] = rng.choice(STOPS)
    if (expected["crawl_date"] and expected["published"] and lines[0].lstrip().startswith("date ")
            and _date_source(text) not in ("dateline", "relative") and rng.random() < 0.3):  # no crawl marker
        lines[0] = re.sub(r"^\s*date \d{4}-\d\d-\d\d ?", "", lines[0])
        expected = {**expected, "crawl_date": None}
    indent = rng.random()
    if indent < 0.3:
        lines = [line.strip() for line in lines]
    elif indent < 0.5:
        lines = ["    " + line if line.strip() else line for line in lines]
    if rng.random() < 0.5:
        lines = [line + rng.choice(["", " ", "\t", "\u00a0 "]) if line.strip() else line for line in lines]
    if rng.random() < 0.5:
        doubled: list[str] = []
        for line in lines:
            doubled.append(line)
            if not line.strip() and rng.random() < 0.5:
                doubled.append("")
        lines = doubled
    page = "\n".join(lines)
    return (page.replace("\n", "\r\n") if rng.random() < 0.3 else page), expected


def _date_source(text: str) -> str | None:
    return parse_dump(text, load_outlets(), load_vocabulary()).date_source


VARIANTS = [(path, seed) for path in PAGES if path.stem != "a14_hardwrap" for seed in range(8)]


@pytest.mark.parametrize("path,seed", VARIANTS, ids=lambda v: v.stem if isinstance(v, Path) else str(v))
def test_variations_parse_the_same(path, seed):
    text, expected = load(path)
    page, expected = vary(text, expected, random.Random(f"{path.stem}-{seed}"))
    got, facts, _ = facts_fields(page)
    for field in FIELDS:
        assert got[field] == expected[field], f"{field} in variant:\n{page}"
    assert [norm(p) for p in facts.body] == [norm(p) for p in expected["body"]], page


# -- a site's own outlets.toml ----------------------------------------------------------------

WIRE_PAGE = (" date 2025-04-12 News\n"
             "Kyrgyz CEC registers 14 parties for local council elections\n"
             "12.04.2025 10:15\n"
             "BISHKEK, April 12 (24.kg) - The Central Commission for Elections and Referendums registered "
             "14 political parties to run in the elections to local councils, its secretary said.\n\n"
             "The elections to city and village councils will be held on June 1, the commission said.\n")


def test_unknown_agency_is_kept_as_printed():
    article = parse_text(WIRE_PAGE, "wire.txt")
    assert article.outlet == "24.kg"
    assert article.published == "2025-04-12T10:15"


def test_site_outlets_file_adds_an_outlet_with_its_zone(tmp_path):
    (tmp_path / "outlets.toml").write_text(
        '[[outlet]]\nname = "24.kg News Agency"\naliases = ["24.kg"]\ndateline = ["24.kg"]\n'
        'timezone = "Asia/Bishkek"\n\n[sections]\nstop = ["Ещё по теме"]\n', encoding="utf-8")
    article = parse_text(WIRE_PAGE, "wire.txt", root=tmp_path)
    assert article.outlet == "24.kg News Agency"
    assert article.published == "2025-04-12T10:15+06:00"
    knowledge = load_outlets(tmp_path)
    assert knowledge.is_stop("Ещё по теме") and knowledge.is_stop("Related news")
    assert knowledge.outlet("Kazinform").timezone == "Asia/Almaty"  # the shipped outlets stay


def test_site_outlets_file_merges_an_existing_outlet(tmp_path):
    (tmp_path / "outlets.toml").write_text('[[outlet]]\nname = "Kazinform"\naliases = ["Kazinform EN"]\n',
                                           encoding="utf-8")
    outlet = load_outlets(tmp_path).outlet_named("Kazinform EN")
    assert outlet.name == "Kazinform" and outlet.timezone == "Asia/Almaty" and "KAZINFORM" in outlet.dateline


@pytest.mark.parametrize("content,message", [
    ("[[outlet]\nname = 1", "not valid TOML"),
    ('outlet = "Kazinform"', "outlet: write each outlet as an [[outlet]] table"),
    ('[[outlet]]\naliases = ["x"]', "outlet #1: an [[outlet]] needs a name"),
    ('[[outlet]]\nname = "X"\nzone = "Asia/Almaty"',
     "outlet 'X': unknown key 'zone' (known: aliases, dateline, name, timezone)"),
    ('[[outlet]]\nname = "X"\ntimezone = "Asia/Nowhere"',
     "outlet 'X': unknown time zone 'Asia/Nowhere' (use an IANA name such as \"Asia/Almaty\")"),
    ('[[outlet]]\nname = "X"\naliases = "X news"', "outlet 'X'.aliases: expected a list of strings"),
    ('[labels]\nauthor = "By"', "labels.author: expected a list of strings"),
    ('[labels]\nwriter = ["By"]', "labels: unknown key 'writer' (known: author, photo, tags, source, "
                                  "read_also, published, updated, byline)"),
    ('sections = ["Related"]', "sections: expected a table"),
    ('[widgets]\nlines = ["x"]', "unknown table [widgets]"),
])
def test_bad_site_outlets_file_is_a_config_error(tmp_path, content, message):
    path = tmp_path / "outlets.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_outlets(tmp_path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)


def test_unreadable_site_outlets_file(tmp_path):
    path = tmp_path / "outlets.toml"
    path.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(ConfigError, match="cannot read the outlets file"):
        load_outlets(tmp_path)


# -- parse_file --------------------------------------------------------------------------------

def test_parse_file_reads_and_parses(tmp_path):
    text, expected = load(FIXTURES / "pages" / "a01_kazinform_amp_old.json")
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    article = parse_file(path)
    assert article.source == str(path)
    assert article.error is None
    assert article.title == expected["title"]


def test_parse_file_turns_a_bad_page_into_an_error_article(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    article = parse_file(empty)
    assert article.error == f"{empty}: file is empty"
    assert article.title is None and article.body == []
    missing = parse_file(tmp_path / "missing.txt")
    assert missing.error == f"{tmp_path / 'missing.txt'}: file not found"


def test_parse_file_sniffs_the_content_not_the_extension(tmp_path):
    html = (FIXTURES / "html" / "h01_agency_meta.html").read_text(encoding="utf-8")
    disguised = tmp_path / "page.txt"
    disguised.write_text(html, encoding="utf-8")
    article = parse_file(disguised)
    assert article.source_url == "https://www.inform.kz/en/kazakhstan-invites-un-observers"
    text, expected = load(FIXTURES / "pages" / "a05_tass_wire.json")
    dump = tmp_path / "page.html"
    dump.write_text(text, encoding="utf-8")
    assert parse_file(dump).title == expected["title"]


@pytest.mark.parametrize("text,is_html", [
    ("<!DOCTYPE html><html><body><p>x</p></body></html>", True),
    ("\ufeff  <html lang='en'><head><title>x</title></head></html>", True),
    ("<div class='a'><p>One</p><p>Two</p><span>x</span></div>", True),
    (" date 2023-01-31 Go to the main site\nCurrency rates:", False),
    ("Turnout rose to 40% <b>by noon</b>, officials said.", False),
    ("", False),
])
def test_looks_like_html(text, is_html):
    assert looks_like_html(text) is is_html


# -- headline, dateline and tag rules on pages no fixture has ---------------------------------

def test_site_name_on_the_crawl_line_is_not_the_headline_even_when_the_body_names_it():
    text, expected = load(FIXTURES / "pages" / "a11_astanatimes.json")
    page = (text.replace(" date 2028-03-20 The Astana Times", " date 2028-03-20 Steppe Ballot Monitor")
            .replace("International observers said", "Steppe Ballot Monitor and international observers said"))
    assert parse_text(page, "brand.txt").title == expected["title"]


def test_headline_in_capitals_when_nothing_else_is_a_headline():
    page = ("KAZAKHSTAN VOTES: OBSERVERS ARRIVE IN ASTANA\n\nPublished: 15.03.2023\n\n"
            "International observers began arriving in the Kazakh capital on Wednesday ahead of Sunday's "
            "election to the Majilis.\n\n"
            "The OSCE mission alone will deploy more than 300 short-term observers, it said in a statement.\n")
    article = parse_text(page, "caps.txt")
    assert article.title == "KAZAKHSTAN VOTES: OBSERVERS ARRIVE IN ASTANA"
    assert article.warnings == []


def test_masthead_in_capitals_is_not_the_headline():
    text, expected = load(FIXTURES / "pages" / "a04_inform_en_new.json")
    assert "TV AND RADIO COMPLEX OF THE PRESIDENT OF THE RK" in text
    assert parse_text(text, "a04.txt").title == expected["title"]


@pytest.mark.parametrize("opening,place,outlet", [
    ("АСТАНА. 10 июля. ИНТЕРФАКС-КАЗАХСТАН - Центральная", "АСТАНА", "Interfax-Kazakhstan"),
    ("ASTANA. Jan 31. INTERFAX-KAZAKHSTAN - The Central", "ASTANA", "Interfax-Kazakhstan"),
    ("ALMATY. 12 observers from the Central", "ALMATY", None),
])
def test_dateline_with_the_day_after_a_full_stop(opening, place, outlet):
    page = (" date 2023-07-10 News\nCEC registers observers from the OSCE mission\n10.07.2023 19:40\n\n"
            f"{opening} Election Commission registered 48 observers from the OSCE, the commission said.\n\n"
            "The observers will work in all regions of the country until the vote, officials said.\n")
    article = parse_text(page, "dotted.txt")
    assert article.dateline == place
    assert article.outlet == outlet
    assert article.published.startswith("2023-07-10T19:40")


def test_short_tags_one_a_line_below_the_label():
    page = (" date 2024-06-02 News\nCEC sums up the results of maslikhat by-elections\n2 June 2024, 14:20\n\n"
            "The Central Election Commission summed up the results of the by-elections held in six regions.\n\n"
            "Turnout was 34.2 percent, and 17 deputies were elected, the commission said on Sunday.\n\n"
            "Tags:\nCEC\nEU\nMaslikhat\nShare:\tFacebook\tTelegram\n")
    article = parse_text(page, "tags.txt")
    assert article.tags == ["CEC", "EU", "Maslikhat"]


def test_bullet_list_inside_the_story_is_body_and_a_bullet_menu_is_not():
    page = (" date 2023-03-21 News\n  • Home\n  • Politics\n  • Elections\n"
            "Six parties enter the Majilis after Sunday's vote\n21 March 2023, 11:05\n\n"
            "ASTANA. KAZINFORM – Six parties will be represented in the new Majilis, according to preliminary "
            "results announced by the Central Election Commission on Monday.\n\n"
            "The other parties that cleared the threshold were:\n• Ak Zhol\n• Auyl\n"
            "• the National Social Democratic Party\n\nFinal results are due by March 28.\n\n"
            "Comments (2)\nAidos: Finally some real competition in parliament, this is good news for everyone.\n")
    article = parse_text(page, "bullets.txt")
    assert article.body[1:] == ["The other parties that cleared the threshold were:", "• Ak Zhol", "• Auyl",
                                "• the National Social Democratic Party", "Final results are due by March 28."]
    assert not any("Home" in p or "Politics" in p or "Aidos" in p for p in article.body)


def test_numbered_list_after_an_unknown_heading_below_the_story_is_not_body():
    page = (" date 2023-03-21 News\nSix parties enter the Majilis after Sunday's vote\n21 March 2023, 11:05\n\n"
            "ASTANA. KAZINFORM – Six parties will be represented in the new Majilis, according to preliminary "
            "results announced by the Central Election Commission on Monday.\n\n"
            "Amanat won 53.9% of the party-list vote, followed by Auyl with 10.9% and Respublica with 8.6%.\n\n"
            "Most viewed this week\n1. Tenge weakens against the dollar\n2. New airport terminal opens in Shymkent\n")
    article = parse_text(page, "list.txt")
    assert len(article.body) == 2
    assert article.body[-1].startswith("Amanat won")


def test_wrapped_page_never_joins_a_switcher_or_breadcrumb_to_the_headline():
    text, expected = load(FIXTURES / "pages" / "a03_kazinform_amp_light.json")
    lines = text.split("\n")
    first = next(i for i, line in enumerate(lines) if line.strip().startswith("KOKSHETAU"))
    lines[first:first + 1] = textwrap.wrap(lines[first].strip(), 62)
    title = next(i for i, line in enumerate(lines) if line.strip() == expected["title"])
    for chrome in ("RU | KZ | EN", "Main Page > News > Politics"):
        page = "\n".join([*lines[:title + 1], chrome, *lines[title + 1:]])
        article = parse_text(page, "wrapped.txt")
        assert article.title == expected["title"], chrome
        assert [norm(p) for p in article.body] == [norm(p) for p in expected["body"]]
