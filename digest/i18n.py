"""The theme in the reader's language: gettext catalogs, and CLDR dates and numbers.

Every user-visible string of the default theme is a gettext message: the
templates mark them with Jinja2's ``i18n`` extension (``_()``, ``ngettext()``,
``{% trans %}``), and a few strings made in Python (feed titles, the search
UI's words) are marked here. ``pybabel extract -F babel.cfg`` collects them
into ``digest/locales/digest.pot``; each language digest ships has a catalog
``digest/locales/<lang>/LC_MESSAGES/digest.po``.

The ``.po`` files are read at run time with Babel (a few milliseconds for
the three catalogs), so a fresh ``pip install -e .`` works with no compile
step. A site's own ``locales/<lang>/LC_MESSAGES/digest.po`` is laid over the
shipped catalog of that language, string by string; it can also add a
language digest does not ship. A string no catalog translates is shown in
English (its message id).

Dates, month names, ranges of days and numbers come from CLDR through Babel:
English uses CLDR's ``en_GB`` (day, month, year: ``31 January 2023, 15:38``),
Russian and Kazakh their own long dates (``31 января 2023 г., 15:38``,
``2023 ж. 31 қаңтар, 15:38``). Formatted dates and times are remembered, so
a large site pays for each day and each minute of the clock once.
"""
from __future__ import annotations

import functools
import gettext
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from typing import TYPE_CHECKING

from digest.errors import ConfigError

if TYPE_CHECKING:  # Babel is imported where it is used: a build with nothing to render needs none of it
    from babel import Locale
    from babel.messages.catalog import Catalog
    from babel.support import Translations

DOMAIN = "digest"
SHIPPED = Path(__file__).resolve().parent / "locales"
SOURCE_LANGUAGE = "en"
SHIPPED_SOURCE = SHIPPED / SOURCE_LANGUAGE / "LC_MESSAGES" / f"{DOMAIN}.po"  # the message ids, untranslated
# The CLDR locale whose dates a language code uses, where it is not the code itself.
CLDR_LOCALES = {"en": "en_GB"}
# The languages whose words Pagefind's search UI has (Pagefind 1.5); for any
# other the search page hands it the words of digest's own catalog.
PAGEFIND_LANGUAGES = frozenset(
    "af ar bn ca cs da de el en es eu fa fi fr gl he hi hr hu id it ja ko mi my nb nl nn no pl pt ro ru sr sv sw ta th tr uk vi zh".split()
)


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated where it is used."""
    return message


# Pagefind UI's strings (its own keys), as the search page hands them over.
PAGEFIND_STRINGS = {
    "placeholder": N_("Search"),
    "clear_search": N_("Clear"),
    "load_more": N_("Load more results"),
    "search_label": N_("Search this site"),
    "filters_label": N_("Filters"),
    "zero_results": N_("No results for [SEARCH_TERM]"),
    "many_results": N_("[COUNT] results for [SEARCH_TERM]"),
    "one_result": N_("[COUNT] result for [SEARCH_TERM]"),
    "total_zero_results": N_("No results"),
    "total_one_result": N_("[COUNT] result"),
    "total_many_results": N_("[COUNT] results"),
    "alt_search": N_("No results for [SEARCH_TERM]. Showing results for [DIFFERENT_TERM] instead"),
    "search_suggestion": N_("No results for [SEARCH_TERM]. Try one of the following searches:"),
    "searching": N_("Searching for [SEARCH_TERM]..."),
    "results_label": N_("Search results"),
    "error_search": N_("Search failed"),
    "loading": N_("Loading"),
}


def locale_of(lang: str) -> Locale:
    """The CLDR locale of a language code (``en`` → ``en_GB``; unknown → English)."""
    return _locale(lang)


@functools.cache
def _locale(lang: str) -> Locale:
    from babel import Locale, UnknownLocaleError

    code = CLDR_LOCALES.get(lang, lang).replace("-", "_")
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(CLDR_LOCALES[SOURCE_LANGUAGE])


def shipped_languages() -> list[str]:
    """The languages whose catalog digest ships."""
    return sorted(p.parent.parent.name for p in SHIPPED.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def catalog_paths(lang: str, site_locales: Path | None = None) -> list[Path]:
    """The catalogs a language's strings come from, the site's last (it wins)."""
    found = [SHIPPED / lang / "LC_MESSAGES" / f"{DOMAIN}.po"]
    if site_locales is not None:
        found.append(site_locales / lang / "LC_MESSAGES" / f"{DOMAIN}.po")
    return [p for p in found if p.is_file()]


def catalog_files(site_locales: Path | None = None) -> list[Path]:
    """Every catalog a build may read: digest's, then the site's (what a page's words depend on)."""
    found = sorted(SHIPPED.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    if site_locales is not None and site_locales.is_dir():
        found += sorted(site_locales.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return found


def read_catalog(path: Path, lang: str) -> Catalog:
    """A ``.po`` file, or a ConfigError that names the file (and line, when known)."""
    from babel.messages.pofile import read_po

    try:
        with path.open("rb") as fh:
            return read_po(fh, locale=_locale(lang), domain=DOMAIN, abort_invalid=True)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the catalog ({exc})", path=path) from None
    except Exception as exc:  # babel's PoFileError and friends
        line = getattr(exc, "lineno", None)
        raise ConfigError(f"not a valid gettext catalog ({exc})", path=path,
                          line=line + 1 if isinstance(line, int) else None) from None


def merged_catalog(lang: str, site_locales: Path | None = None) -> Catalog:
    """The language's shipped catalog with the site's translated strings laid over it
    (and the plural rule of the last catalog that states one)."""
    from babel.messages.catalog import Catalog

    merged = Catalog(locale=_locale(lang), domain=DOMAIN, fuzzy=False)
    for path in catalog_paths(lang, site_locales):
        catalog = read_catalog(path, lang)
        rule = [(k, v) for k, v in catalog.mime_headers if k.lower() == "plural-forms"]
        if rule:
            merged.mime_headers = rule
        for message in catalog:
            if message.id and not message.fuzzy and _translated(message):
                problems = message.check(catalog)  # placeholders the page could not fill
                if problems:
                    raise ConfigError(f"{message.id!r}: {problems[0]}", path=path, line=message.lineno)
                merged.delete(message.id, message.context)  # (setting an id already held keeps its string)
                merged[message.id] = message
    return merged


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return all(strings)


def translations(lang: str, site_locales: Path | None = None) -> gettext.NullTranslations:
    """gettext translations of a language (English message ids where none is translated).

    English from digest's catalog alone is the message ids themselves (that
    catalog translates nothing, which a test checks): no catalog is read, and
    Babel's catalog modules are not imported (40 ms of every process)."""
    if lang == SOURCE_LANGUAGE and catalog_paths(lang, site_locales) == [SHIPPED_SOURCE]:
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.support import Translations

    catalog = merged_catalog(lang, site_locales)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def source_messages() -> list[str]:
    """Every message id of the theme (the shipped English catalog holds them all)."""
    path = SHIPPED_SOURCE
    return [m.id if isinstance(m.id, str) else m.id[0] for m in read_catalog(path, SOURCE_LANGUAGE) if m.id]


def missing_messages(lang: str, site_locales: Path | None = None) -> list[str]:
    """The theme's message ids that no catalog translates into ``lang`` (shown in English)."""
    if lang == SOURCE_LANGUAGE:
        return []
    catalog = merged_catalog(lang, site_locales)
    return [msgid for msgid in source_messages() if catalog.get(msgid) is None]


_KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


def tag_names(vocabulary: dict[str, list[str]], languages) -> dict[str, dict[str, str]]:
    """Each language's names of the vocabulary's tags (language → tag slug → name),
    read from the aliases: the canonical name is English; the first Cyrillic
    alias is Russian; the first alias with a letter only Kazakh has (ә ғ қ ң ө
    ұ ү һ і), else the second Cyrillic alias, is Kazakh. ``Majilis =
    ["Mazhilis", "Мажилис", "Мәжіліс"]`` is Мажилис in Russian, Мәжіліс in Kazakh."""
    from digest.model import slugify

    names: dict[str, dict[str, str]] = {lang: {} for lang in languages}
    for canonical, aliases in vocabulary.items():
        cyrillic = [a for a in aliases if any("а" <= c.lower() <= "я" or c in "ёЁ" or c in _KAZAKH_LETTERS for c in a)]
        kazakh = [a for a in cyrillic if _KAZAKH_LETTERS & set(a)]
        russian = [a for a in cyrillic if a not in kazakh]
        found = {"ru": russian[0] if russian else None,
                 "kk": kazakh[0] if kazakh else (russian[1] if len(russian) > 1 else None)}
        slug = slugify(canonical)
        for lang in languages:
            if found.get(lang):
                names[lang][slug] = found[lang]
    return names


def language_name(code: str, in_language: str | None = None) -> str:
    """A language's name from CLDR, in its own language (``Русский``,
    ``Қазақ тілі``, ``English``) or in ``in_language``."""
    base = code.split("-")[0].lower()
    name = _locale(in_language or code).languages.get(base) or code
    return name if in_language else _capital(name)  # "(английский)" in a sentence, "Русский" on its own


def untranslated(langs, site_locales: Path | None, root: Path) -> list[tuple[str, int, str]]:
    """What ``digest check`` says of the site's languages: (file, line, message)
    for each theme string a language shows in English, and for a language
    without any catalog. ``file`` is relative to ``root`` when below it."""
    def shown(path: Path) -> str:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            return str(path)

    found = []
    for lang in langs:
        if lang == SOURCE_LANGUAGE:
            continue
        paths = catalog_paths(lang, site_locales)
        if not paths:
            where = f"locales/{lang}/LC_MESSAGES/{DOMAIN}.po"
            found.append(("digest.toml", 1, f"digest has no catalog for '{lang}': the theme is shown in English "
                                            f"(translate it in {where})"))
            continue
        own = paths[-1]
        lines = {}
        for message in read_catalog(own, lang):
            if message.id:
                lines[message.id if isinstance(message.id, str) else message.id[0]] = message.lineno or 1
        for msgid in missing_messages(lang, site_locales):
            found.append((shown(own), lines.get(msgid, 1), f"{msgid!r} is not translated into {lang}: shown in English"))
    return found


@dataclass
class Language:
    """One language of a site: its words (gettext) and its dates and numbers (CLDR)."""

    code: str
    site_locales: Path | None = None
    locale: Locale = field(init=False)
    gettext_: gettext.NullTranslations = field(init=False, repr=False)  # Babel's; for English alone, NullTranslations
    _dates: dict = field(default_factory=dict, repr=False)
    _times: dict = field(default_factory=dict, repr=False)
    _numbers: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.locale = _locale(self.code)
        self.gettext_ = translations(self.code, self.site_locales)
        loc = self.locale
        self._long = loc.date_formats["long"]
        self._time = loc.time_formats["short"]
        self._glue = str(loc.datetime_formats["medium"])  # "{1}, {0}": date, then time

    def gettext(self, message: str) -> str:
        return self.gettext_.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext_.ngettext(singular, plural, n)

    def longdate(self, dt, has_time: bool = True) -> str:
        """``31 January 2023, 15:38`` (``31 января 2023 г., 15:38``); the date alone without a time."""
        day = (dt.year, dt.month, dt.day)
        text = self._dates.get(day)
        if text is None:
            text = self._dates[day] = self._long.apply(date(*day), self.locale)
        if not has_time:
            return text
        clock = (dt.hour, dt.minute)
        when = self._times.get(clock)
        if when is None:
            when = self._times[clock] = self._time.apply(datetime(2000, 1, 1, *clock), self.locale)
        return self._glue.replace("{1}", text).replace("{0}", when)

    def month_name(self, month: int) -> str:
        """The month on its own, as a heading says it (nominative: ``Январь``)."""
        return self._remembered(("month", month), lambda: _capital(self.locale.months["stand-alone"]["wide"][month]))

    def month_year(self, year: int, month: int) -> str:
        """``January 2023``, ``Январь 2023 г.``, ``2023 ж. қаңтар``."""
        from babel.dates import format_skeleton

        return self._remembered(("month year", year, month),
                                lambda: _capital(format_skeleton("yMMMM", date(year, month, 1), locale=self.locale)))

    def day_month(self, month: int, day: int) -> str:
        """``31 January``, ``31 января``, ``31 қаңтар``."""
        from babel.dates import format_skeleton

        return self._remembered(("day month", month, day),
                                lambda: format_skeleton("MMMMd", date(2000, month, day), locale=self.locale))

    def _remembered(self, key: tuple, make) -> str:
        text = self._numbers.get(key)
        if text is None:
            text = self._numbers[key] = make()
        return text

    def template_gettext(self):
        """``gettext`` and ``ngettext`` for Jinja2's ``i18n`` extension, new style
        (``_("Tag: %(tag)s", tag=name)``, the values escaped), each translation
        made Markup once: the same as the extension's own, without its per-call
        overhead (a build calls them tens of thousands of times)."""
        from markupsafe import Markup

        plain: dict[str, Markup] = {}
        done: dict[str, Markup] = {}  # the strings without variables, as the page shows them

        def gettext(message: str, **variables) -> Markup:
            if not variables:
                text = done.get(message)
                if text is None:
                    text = done[message] = Markup(self.gettext_.gettext(message)) % {}  # ("%%" → "%")
                return text
            text = plain.get(message)
            if text is None:
                text = plain[message] = Markup(self.gettext_.gettext(message))
            return text % variables

        def ngettext(singular: str, plural: str, n: int, **variables) -> Markup:
            return Markup(self.gettext_.ngettext(singular, plural, n)) % {"num": n, **variables}

        return gettext, ngettext

    def date_range(self, start: date, end: date) -> str:
        """A range of days as CLDR writes it, months in full: ``13 – 19 March 2023``."""
        return date_range(start, end, self.locale)

    def number(self, n: int) -> str:
        text = self._numbers.get(n)
        if text is None:
            from babel.numbers import format_decimal

            text = self._numbers[n] = format_decimal(n, locale=self.locale)
        return text

    def pagefind_translations(self) -> dict[str, str] | None:
        """The search UI's words, for a language Pagefind does not have (else None: it uses its own)."""
        if self.code.split("-")[0].lower() in PAGEFIND_LANGUAGES:
            return None
        return {key: self.gettext(message) for key, message in PAGEFIND_STRINGS.items()}

    # Feeds: the words of the weekly editions feed (see ``digest.feeds``).

    def editions_title(self, site_title: str) -> str:
        return self.gettext("%(site)s: weekly editions") % {"site": site_title}

    def tag_feed_title(self, site_title: str, tag: str) -> str:
        return self.gettext("%(site)s: %(tag)s") % {"site": site_title, "tag": tag}

    def week(self, year: int, week: int) -> str:
        return self.gettext("Week %(week)s, %(year)s") % {"week": week, "year": year}

    def edition_title(self, edition) -> str:
        return self.gettext("%(week)s: %(range)s") % {
            "week": self.week(edition.year, edition.week), "range": self.date_range(edition.monday, edition.sunday)}

    def edition_summary(self, edition) -> str:
        count = len(edition.cards)
        return self.ngettext("%(num)s story from the week of %(date)s.", "%(num)s stories from the week of %(date)s.", count) % {
            "num": self.number(count), "date": self.longdate(edition.monday, False)}

    def featured(self) -> str:
        return self.gettext("Featured")

    def other_news(self) -> str:
        return self.gettext("Other news")

    def whole_entry(self) -> str:
        """The link under a body cut short in a feed."""
        return self.gettext("The whole entry is on the digest.")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


@functools.lru_cache(maxsize=4096)
def date_range(start: date, end: date, locale: Locale) -> str:
    """The CLDR interval of two days (``yMMMd``'s, with the months written in
    full, as ICU widens a matched skeleton's fields)."""
    from babel.dates import format_date as _babel_date, parse_pattern

    if start == end:
        return _babel_date(start, "long", locale=locale)
    if start.year != end.year:
        field_ = "y"
    elif start.month != end.month:
        field_ = "M"
    else:
        field_ = "d"
    formats = locale.interval_formats.get("yMMMd") or {}
    parts = formats.get(field_)
    if not parts:
        fallback = str(locale.interval_formats.get(None, "{0} – {1}"))
        return fallback.replace("{0}", _babel_date(start, "long", locale=locale)).replace("{1}", _babel_date(end, "long", locale=locale))
    first, second = (_widen(p) for p in parts)
    return parse_pattern(first).apply(start, locale) + parse_pattern(second).apply(end, locale)


def _widen(pattern: str) -> str:
    """``MMM`` → ``MMMM`` outside quoted text (the abbreviated month written in full)."""
    out, quoted, i = [], False, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "'":
            quoted = not quoted
        if not quoted and pattern.startswith("MMM", i) and not pattern.startswith("MMMM", i):
            out.append("MMMM")
            i += 3
            continue
        if not quoted and pattern.startswith("LLL", i) and not pattern.startswith("LLLL", i):
            out.append("LLLL")
            i += 3
            continue
        out.append(ch)
        i += 1
    return "".join(out)
