"""The theme in Russian and Kazakh: every string translated, plural forms, CLDR dates."""
from __future__ import annotations

import json
import re
import shutil
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from sitetools import SAMPLE_SITE

from digest.build import build
from digest.config import load_config
from digest.content import read_entry
from digest.i18n import SHIPPED, Language, merged_catalog, read_catalog

ROOT = Path(__file__).resolve().parent.parent
# The attributes a reader sees or hears.
VISIBLE_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder", "content")
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_PLACEHOLDER = re.compile(r"%\(\w+\)s|\[[A-Z_]+\]|<[^>]*>")


def _site(tmp_path: Path, language: str) -> Path:
    """The test suite's sample site in ``language`` (its own title and description
    in that language too: they are the site's words, not the theme's)."""
    root = tmp_path / f"site-{language}"
    shutil.copytree(SAMPLE_SITE, root, ignore=shutil.ignore_patterns("expected"))
    config = (root / "digest.toml").read_text("utf-8")
    config = re.sub(r'(?m)^language = .*$', f'language = "{language}"', config)
    config = re.sub(r'(?m)^title = .*$', 'title = "Сайлау дайджесті"', config)
    config = re.sub(r'(?m)^description = .*$', 'description = "Сайлау жаңалықтары."', config)
    (root / "digest.toml").write_text(config, "utf-8")
    build(load_config(root), search=False)
    return root / "site"


def _content_words(site: Path) -> list[str]:
    """What the site's entries and settings say (titles, notes, tags, outlets…):
    their words, not the theme's, longest first."""
    config = load_config(site.parent)
    words = {config.title, config.description}
    for path in config.content_dir.rglob("*.md"):
        entry = read_entry(path, config)
        words.update(w for w in (entry.title, entry.teaser, entry.source, entry.dateline, entry.author, *entry.tags) if w)
    return sorted(words, key=len, reverse=True)


class _Chrome(HTMLParser):
    """The text a reader meets in a page, with the language it is marked in:
    text nodes, visible attributes, and the strings of inline scripts."""

    def __init__(self, page_lang: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = [("", page_lang)]
        self.found: list[tuple[str, str]] = []  # (language, text)
        self.script = self.style = False

    VOID = {"meta", "link", "br", "img", "input", "hr", "source", "wbr"}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang") or self.stack[-1][1]
        for name in VISIBLE_ATTRIBUTES:
            if attrs.get(name) and not (tag == "meta" and attrs.get("name") in ("viewport", "generator", "color-scheme")) \
                    and not (tag == "meta" and (attrs.get("property") or "").startswith("article:")):
                self.found.append((lang, attrs[name]))
        if tag not in self.VOID:
            self.stack.append((tag, lang))
        self.script = tag in ("script", "style")
        self.style = tag == "style"

    def handle_endtag(self, tag):
        while len(self.stack) > 1:
            if self.stack.pop()[0] == tag:
                break
        self.script = False

    def handle_data(self, data):
        lang = self.stack[-1][1]
        if self.style:
            return
        if self.script:
            for literal in _STRING.findall(data):
                self.found.append((lang, json.loads(f'"{literal}"')))
        elif data.strip():
            self.found.append((lang, data))


def _texts(page: Path, lang: str) -> list[str]:
    parser = _Chrome(lang)
    parser.feed(page.read_text("utf-8"))
    return [text for where, text in parser.found if where == lang]


def _english_fragments(lang: str) -> set[str]:
    """The words of the English catalog, split where a message has a placeholder
    or a tag, leaving out what the language's catalog keeps as it is."""
    english = read_catalog(SHIPPED / "en" / "LC_MESSAGES" / "digest.po", "en")
    target = merged_catalog(lang)
    fragments = set()
    for message in english:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        translated = target.get(ids[0])
        strings = translated.string if isinstance(translated.string, tuple) else (translated.string,)
        for text in ids:
            for piece in _PLACEHOLDER.split(text):
                piece = piece.strip(" .,:;()…→←“”")
                if len(re.findall(r"[A-Za-z]", piece)) >= 2 and not any(piece in s for s in strings):
                    fragments.add(piece)
    return fragments


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_built_pages_contain_no_english_theme_string(tmp_path: Path, lang: str) -> None:
    site = _site(tmp_path, lang)
    fragments = _english_fragments(lang)
    assert {"Skip to content", "Also reported by", "Latest news", "Read the original at"} <= fragments
    patterns = [(f, re.compile(rf"(?<![\w-]){re.escape(f)}(?![\w-])")) for f in sorted(fragments)]
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 30
    content = _content_words(site)
    found = []
    for page in pages:
        for text in _texts(page, lang):
            if re.fullmatch(r"\S*/\S*", text.strip()):
                continue  # a URL
            for words in content:
                text = text.replace(words, " ")
            for fragment, pattern in patterns:
                if pattern.search(text):
                    found.append(f"{page.relative_to(site)}: {fragment!r} in {text.strip()[:80]!r}")
    assert not found, "\n".join(found[:40])


def test_the_chrome_parser_sees_what_a_reader_meets(tmp_path: Path) -> None:
    """The check above reads the English site's chrome too (or it would find nothing anywhere)."""
    site = SAMPLE_SITE / "expected"
    texts = _texts(site / "index.html", "en") + _texts(site / "search" / "index.html", "en")
    for words in ("Skip to content", "Latest news", "Main", "Search all entries"):
        assert any(words in t for t in texts), words


def _extracted() -> list[tuple[str, ...]]:
    with (ROOT / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found = []
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords={"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    ):
        found.append((message,) if isinstance(message, str) else tuple(message))
    return found


def test_the_extractor_finds_the_theme_strings() -> None:
    ids = {m[0] for m in _extracted()}
    assert {"Skip to content", "Also reported by", "%(num)s entry", "Tag: %(tag)s", "Read the original at %(outlet)s",
            "No results for [SEARCH_TERM]"} <= ids
    assert len(ids) > 60


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_every_extracted_string_is_in_the_catalog(lang: str) -> None:
    catalog = read_catalog(SHIPPED / lang / "LC_MESSAGES" / "digest.po", lang)
    problems = []
    for message in _extracted():
        held = catalog.get(message[0])
        if held is None:
            problems.append(f"not in the {lang} catalog: {message[0]!r}")
            continue
        if lang == "en":
            continue
        strings = held.string if isinstance(held.string, tuple) else (held.string,)
        if held.fuzzy or not all(strings):
            problems.append(f"not translated into {lang}: {message[0]!r}")
        elif len(message) > 1 and len(strings) != catalog.num_plurals:
            problems.append(f"{lang} needs {catalog.num_plurals} plural forms: {message[0]!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang, counts", [
    ("ru", {1: "1 запись", 2: "2 записи", 4: "4 записи", 5: "5 записей", 11: "11 записей", 21: "21 запись", 22: "22 записи"}),
    ("kk", {1: "1 жазба", 2: "2 жазба", 5: "5 жазба", 21: "21 жазба"}),
    ("en", {1: "1 entry", 2: "2 entries", 5: "5 entries"}),
])
def test_plural_forms(lang: str, counts: dict[int, str]) -> None:
    words = Language(lang)
    for n, want in counts.items():
        assert words.ngettext("%(num)s entry", "%(num)s entries", n) % {"num": n} == want


def test_plural_forms_in_a_built_page(tmp_path: Path) -> None:
    site = _site(tmp_path, "ru")
    tags = (site / "tags" / "index.html").read_text("utf-8")
    assert 'title="1 запись">1<' in tags
    assert 'title="2 записи">2<' in tags
    assert 'title="4 записи">4<' in tags
    editions = (site / "editions" / "index.html").read_text("utf-8")
    assert "1 сюжет<" in editions and "2 сюжета<" in editions


@pytest.mark.parametrize("lang, long, short, month, heading, day, span", [
    ("en", "31 January 2023, 15:38", "31 January 2023", "January", "January 2023", "31 January", "13\u2009–\u200919 March 2023"),
    ("ru", "31 января 2023\u202fг., 15:38", "31 января 2023\u202fг.", "Январь", "Январь 2023\u202fг.", "31 января", "13—19 марта 2023\u202fг."),
    ("kk", "2023\u202fж. 31 қаңтар, 15:38", "2023\u202fж. 31 қаңтар", "Қаңтар", "2023\u202fж. қаңтар", "31 қаңтар", "2023\u202fж. 13–19 наурыз"),
])
def test_dates_in_each_language(lang, long, short, month, heading, day, span) -> None:
    words = Language(lang)
    when = datetime(2023, 1, 31, 15, 38)
    assert _loose(words.longdate(when)) == _loose(long)
    assert _loose(words.longdate(when, False)) == _loose(short)
    assert words.month_name(1) == month
    assert _loose(words.month_year(2023, 1)) == _loose(heading)
    assert words.day_month(1, 31) == day
    assert _loose(words.date_range(date(2023, 3, 13), date(2023, 3, 19))) == _loose(span)


def _loose(text: str) -> str:
    """The text with every kind of space one plain space (CLDR uses narrow no-break spaces)."""
    return re.sub(r"[\s\u00a0\u202f\u2009]+", " ", text)


def test_russian_pages_say_months_in_the_right_case(tmp_path: Path) -> None:
    site = _site(tmp_path, "ru")
    month = _loose((site / "2023" / "03" / "index.html").read_text("utf-8"))
    assert '<h1 class="page-title">Март 2023 г.' in month  # nominative in a heading
    day = _loose((site / "2023" / "03" / "10" / "index.html").read_text("utf-8"))
    assert '<h1 class="page-title">10 марта 2023 г.' in day  # genitive in a date
    assert "марта 2023 г., " in day  # the entries' dates and times


def test_feeds_carry_the_language_and_its_words(tmp_path: Path) -> None:
    site = _site(tmp_path, "ru")
    for name in ("feed.xml", "rss.xml", "editions/feed.xml", "tags/elections/rss.xml"):
        parsed = feedparser.parse((site / name).read_bytes())
        assert not parsed.bozo, (name, parsed.bozo_exception)
        assert parsed.feed.get("language") == "ru" or parsed.feed.get("language", "").startswith("ru"), name
    editions = feedparser.parse((site / "editions" / "feed.xml").read_bytes())
    assert editions.feed.title == "Сайлау дайджесті: еженедельные выпуски"
    assert editions.entries[0].title.startswith("Неделя ")
    assert "сюжет" in editions.entries[0].summary


def test_search_page_hands_pagefind_kazakh_words_and_leaves_russian_to_it(tmp_path: Path) -> None:
    kk = (_site(tmp_path, "kk") / "search" / "index.html").read_text("utf-8")
    words = json.loads(re.search(r"translations: (\{.*?\})\}\);", kk).group(1))
    assert words["placeholder"] == "Іздеу"
    assert words["zero_results"] == "[SEARCH_TERM] бойынша ештеңе табылмады"
    ru = (_site(tmp_path, "ru") / "search" / "index.html").read_text("utf-8")
    assert "translations:" not in ru  # Pagefind has Russian: its own words are used
    assert json.dumps("Поиск по всем записям") in ru  # the label Pagefind's input gets
