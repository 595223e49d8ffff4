"""A multilingual site: the repository's sample digest in English, Kazakh and Russian."""
from __future__ import annotations

import io
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from sitetools import tree_digest

from digest.build import build
from digest.check import run_check
from digest.config import load_config
from digest.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]
BASE = "http://localhost:8000/"


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "digest"
    shutil.copytree(REPO / "content", root / "content")
    for name in ("digest.toml", "tags.toml"):
        shutil.copy(REPO / name, root / name)
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = _copy(tmp_path_factory.mktemp("multilingual"))
    build(load_config(root), search=False)
    return root / "site"


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = None
        self.alternates: dict[str, str] = {}
        self.switcher: dict[str, str | None] = {}
        self.cards: list[str | None] = []  # the lang attribute of each card
        self._in_switcher = False
        self._item = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "link" and a.get("rel") == "alternate" and a.get("hreflang"):
            self.alternates[a["hreflang"]] = a["href"]
        elif tag == "nav" and "languages" in (a.get("class") or ""):
            self._in_switcher = True
        elif self._in_switcher and tag == "li":
            self._item = a["lang"]
            self.switcher[self._item] = None
        elif self._in_switcher and tag == "a":
            self.switcher[self._item] = a["href"]
        elif tag == "article" and "card" in (a.get("class") or ""):
            self.cards.append(a.get("lang"))

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_switcher = False


def _page(site: Path, rel: str) -> _Page:
    parser = _Page()
    parser.feed((site / rel / "index.html" if not rel.endswith(".html") else site / rel).read_text("utf-8"))
    return parser


def _file_of(site: Path, url: str) -> Path:
    assert url.startswith(BASE), url
    return site / url[len(BASE):] / "index.html"


def test_each_language_has_its_own_lists_under_its_folder(site: Path) -> None:
    for folder, lang in (("", "en"), ("kk/", "kk"), ("ru/", "ru")):
        for rel in ("", "tags/", "archive/", "editions/", "search/"):
            page = _page(site, folder + rel)
            assert page.lang == lang, folder + rel
        home = _page(site, folder)
        assert home.cards and all(card is None for card in home.cards), folder  # every card in the page's language
        assert (site / folder / "feed.xml").is_file() and (site / folder / "editions" / "rss.xml").is_file()
    kk = (site / "kk" / "index.html").read_text("utf-8")
    assert "Соңғы жаңалықтар" in kk and "Мәжіліс депутаттары Қарағанды облысында" in kk
    assert "CIS mission to observe" not in kk  # English entries are on the English lists only


def test_entry_pages_are_in_their_own_language(site: Path) -> None:
    kk = _page(site, "2023/09/08/mazhilis-deputattary-karagandy-oblysynda-sailaushylarmen-kezdesti/")
    assert kk.lang == "kk"
    # no translation: the switcher goes to the other languages' homes
    assert kk.switcher == {"en": "/", "kk": None, "ru": "/ru/"}
    assert kk.alternates == {}


def test_translations_are_linked_both_ways(site: Path) -> None:
    en = "2024/03/02/cec-drafts-rules-for-polling-stations-abroad-in-future-referendums/"
    page = _page(site, en)
    assert set(page.alternates) == {"en", "kk", "ru", "x-default"}
    html = (site / en / "index.html").read_text("utf-8")
    assert re.search(r'<p class="translations">Read in: <a href="/2024/03/02/osk-[^"]+/" hreflang="kk" lang="kk">Қазақ тілі</a> · '
                     r'<a href="/2024/03/02/tsik-[^"]+/" hreflang="ru" lang="ru">Русский</a></p>', html)
    assert page.switcher["kk"] == page.alternates["kk"][len(BASE) - 1:]


def test_hreflang_links_are_symmetric_and_point_at_pages_that_exist(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    with_alternates = 0
    for path in pages:
        page = _Page()
        page.feed(path.read_text("utf-8"))
        if not page.alternates:
            continue
        with_alternates += 1
        own = BASE + str(path.parent.relative_to(site)).replace(".", "") + "/"
        own = own.replace("//", "/").replace("http:/", "http://")
        assert page.alternates.get(page.lang) == own, path
        assert page.alternates["x-default"] == page.alternates["en"]
        for lang, url in page.alternates.items():
            target = _file_of(site, url)
            assert target.is_file(), (path, url)
            other = _Page()
            other.feed(target.read_text("utf-8"))
            assert other.alternates == page.alternates, (path, url)
            assert lang == "x-default" or other.lang == lang
    assert with_alternates > 40


def test_the_sitemap_names_each_pages_alternates(site: Path) -> None:
    text = (site / "sitemap.xml").read_text("utf-8")
    assert 'xmlns:xhtml="http://www.w3.org/1999/xhtml"' in text
    rows = re.findall(r"<url><loc>([^<]+)</loc>(?:<lastmod>[^<]+</lastmod>)?(.*?)</url>", text)
    linked = 0
    for loc, rest in rows:
        alternates = dict(re.findall(r'<xhtml:link rel="alternate" hreflang="([^"]+)" href="([^"]+)"/>', rest))
        page = _Page()
        page.feed(_file_of(site, loc).read_text("utf-8"))
        assert alternates == {k: v for k, v in page.alternates.items() if k != "x-default"}, loc
        linked += bool(alternates)
    assert linked > 40


@pytest.mark.parametrize("folder, lang", [("", "en"), ("kk/", "kk"), ("ru/", "ru")])
def test_each_language_has_feeds_in_it(site: Path, folder: str, lang: str) -> None:
    for name in ("feed.xml", "rss.xml", "editions/feed.xml", "tags/elections/feed.xml"):
        parsed = feedparser.parse((site / folder / name).read_bytes())
        assert not parsed.bozo, (folder, name, parsed.bozo_exception)
        assert parsed.feed.language == lang, (folder, name)
    items = feedparser.parse((site / folder / "feed.xml").read_bytes()).entries
    pages = [_page(site, e.link[len(BASE):]) for e in items]
    assert pages and all(p.lang == lang for p in pages)


def test_tag_names_come_from_the_vocabulary_aliases(site: Path) -> None:
    ru = (site / "ru" / "tags" / "majilis" / "index.html").read_text("utf-8")
    kk = (site / "kk" / "tags" / "majilis" / "index.html").read_text("utf-8")
    assert '<h1 class="page-title">Тег: Мажилис' in ru
    assert '<h1 class="page-title">Тег: Мәжіліс' in kk
    page = _page(site, "kk/tags/majilis/")
    assert page.switcher == {"en": "/tags/majilis/", "kk": None, "ru": "/ru/tags/majilis/"}
    feed = feedparser.parse((site / "kk" / "tags" / "cec" / "feed.xml").read_bytes())
    assert feed.feed.title == "Election News Digest: ОСК"


def test_a_story_told_in_several_languages_stays_one_story(site: Path) -> None:
    ru = "2023/11/26/iavka-na-povtornykh-vyborakh-v-mazhilis-kazakhstana-sostavila-386/"
    html = (site / ru / "index.html").read_text("utf-8")
    assert '<h2 id="also-heading">Об этом также сообщили</h2>' in html
    assert html.count('<span class="in-lang" lang="ru">(английский)</span>') == 2
    # on the Russian home the Russian report is a card, naming the English ones
    home = (site / "ru" / "index.html").read_text("utf-8")
    assert f'href="/{ru}"' in home and "Об этом также сообщили" in home
    english = (site / "index.html").read_text("utf-8") + (site / "page" / "2" / "index.html").read_text("utf-8")
    assert f'href="/{ru}" hreflang="ru">TASS</a> <span class="in-lang">(Russian)</span>' in english


def test_check_warns_about_a_translation_key_used_twice_in_one_language(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    twin = root / "content" / "2024" / "05" / "twin.md"
    text = (root / "content" / "2024" / "03" / "tsik-razrabotal-pravila-dlya-uchastkov-za-rubezhom.md").read_text("utf-8")
    twin.write_text(text.replace("2024-03-02T10:20", "2024-05-02T10:20").replace("ЦИК разработал", "ЦИК снова разработал"), "utf-8")
    out = io.StringIO()
    run_check(load_config(root), out=out, err=io.StringIO())
    lines = [line for line in out.getvalue().splitlines() if ": translation_key: " in line]
    assert lines == ["content/2024/05/twin.md:10: warning: translation_key: 'polling-stations-abroad' is also the key of "
                     "content/2024/03/tsik-razrabotal-pravila-dlya-uchastkov-za-rubezhom.md in the same language (ru); "
                     "only the earlier one is linked as its translation"]
    assert "unknown field" not in out.getvalue()


@pytest.mark.parametrize("setting, message", [
    ('languages = ["kk", "kk"]', "lists a language twice"),
    ('languages = ["kk", "Russian"]', "must be a list of language codes"),
    ('languages = []', "must be a list of language codes"),
    ('languages = ["kk", "ru"]\nlanguage = "ru"', "the first is the default language"),
])
def test_bad_languages_settings_are_one_error(tmp_path: Path, setting: str, message: str) -> None:
    (tmp_path / "digest.toml").write_text(setting + "\n", "utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert message in caught.value.message


def _bytes(folder: Path) -> dict[str, str]:
    return {k: v.split()[0] for k, v in tree_digest(folder).items() if not k.startswith(".")}


def test_changing_the_languages_rebuilds_like_a_clean_build(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    config = root / "digest.toml"
    build(load_config(root), search=False)
    for languages in ('["en", "ru"]', '["ru", "kk", "en"]'):
        config.write_text(re.sub(r"(?m)^languages = .*$", f"languages = {languages}", config.read_text("utf-8")), "utf-8")
        build(load_config(root), search=False)
        clean = tmp_path / f"clean-{len(languages)}"
        build(load_config(root, output=clean), search=False, use_cache=False)
        assert _bytes(root / "site") == _bytes(clean), languages
    assert _page(root / "site", "").lang == "ru"
    assert not (root / "site" / "ru").exists() and (root / "site" / "en" / "index.html").is_file()
