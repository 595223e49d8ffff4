"""Outlet knowledge: agencies, site names, field labels and site chrome.

All of it lives in ``digest/ingest/outlets.toml``; a site extends it with an
``outlets.toml`` of its own in the site root (same format). ``load_outlets(root)``
returns the merged ``OutletKnowledge`` with its patterns compiled once.
"""
from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from digest.errors import ConfigError
from digest.ingest.dates import find_date, find_month_day, valid_zone

log = logging.getLogger(__name__)

DEFAULT_FILE = Path(__file__).with_name("outlets.toml")
SITE_FILE_NAME = "outlets.toml"

LABEL_KINDS = ("author", "photo", "tags", "source", "read_also", "published", "updated", "byline")
_LIST_TABLES = {
    "labels": LABEL_KINDS,
    "sections": ("stop",),
    "chrome": ("phrases", "lines", "menu"),
    "dateline": ("not_places",),
}
_OUTLET_KEYS = {"name", "aliases", "dateline", "timezone"}

_UPPER = "A-ZÀ-ÖØ-ÞА-ЯЁӘҒҚҢӨҰҮҺІĞİŞÇÖÜ"
_PLACE = rf"[{_UPPER}][{_UPPER}'’\-]+(?:[ \-][{_UPPER}][{_UPPER}'’\-]*){{0,3}}"
_COUNTER_TAIL = re.compile(r"\s*[(\[]\d+[)\]]$|\s*[»›>]+$")
_AGENCY = rf"(?:[{_UPPER}0-9][\w.\-]*(?: [\w.\-]+){{0,3}})"  # an agency the data does not know: (24.kg)
_SEP = r"(?:\s*[.:]\s+|\s*[–—―-]+\s*|\s+)"
_DAY_MONTH = r"\d{1,2}\s+[^\W\d_]{3,12}\.?|[^\W\d_]{3,12}\.?\s+\d{1,2}(?!\d)"


def _alternation(words) -> str:
    ordered = sorted({w for w in words if w}, key=len, reverse=True)
    return "|".join(re.escape(w) for w in ordered) or r"(?!x)x"


@lru_cache(maxsize=2048)  # one line is looked up several times (chrome, heading, menu)
def fold(text: str) -> str:
    """Case- and spacing-insensitive form used for every lookup."""
    return " ".join(text.casefold().split())


@dataclass(frozen=True, slots=True)
class Outlet:
    name: str
    aliases: tuple[str, ...] = ()
    dateline: tuple[str, ...] = ()
    timezone: str | None = None


@dataclass(frozen=True, slots=True)
class Dateline:
    """``ASTANA, March 19. /TASS/.`` split into its parts."""

    place: str
    date_text: str | None
    agency: str | None
    end: int


@dataclass
class OutletKnowledge:
    outlets: list[Outlet] = field(default_factory=list)
    labels: dict[str, tuple[str, ...]] = field(default_factory=dict)
    stop_sections: tuple[str, ...] = ()
    chrome_phrases: tuple[str, ...] = ()
    chrome_lines: tuple[str, ...] = ()
    menu_words: tuple[str, ...] = ()
    not_places: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self._compile()

    # -- compiled lookups -------------------------------------------------
    def _compile(self) -> None:
        self._by_alias: dict[str, Outlet] = {}
        self._by_agency: dict[str, Outlet] = {}
        for outlet in self.outlets:
            for alias in (outlet.name, *outlet.aliases):
                self._by_alias.setdefault(fold(alias), outlet)
            for agency in outlet.dateline:
                self._by_agency.setdefault(fold(agency), outlet)
        names = [a for o in self.outlets for a in (o.name, *o.aliases)]
        self.alias_pattern = re.compile(rf"(?<!\w)(?:{_alternation(names)})(?!\w)", re.IGNORECASE)
        label_groups = []
        self._label_kind: dict[str, str] = {}
        for kind in LABEL_KINDS:
            if kind == "byline":
                continue
            for label in self.labels.get(kind, ()):
                self._label_kind.setdefault(fold(label), kind)
                label_groups.append(label)
        self.label_pattern = re.compile(
            rf"^(?P<label>{_alternation(label_groups)})\s*[:：]\s*(?P<value>.*)$", re.IGNORECASE)
        self.stop_set = frozenset(fold(s) for s in self.stop_sections)
        # matched against the folded line, so no case-insensitive matching is needed
        self._chrome_folded = re.compile(_alternation(fold(p) for p in self.chrome_phrases))
        self.chrome_line_set = frozenset(fold(s) for s in self.chrome_lines)
        self.menu_set = frozenset(fold(s) for s in self.menu_words)
        self._menu_max = max((len(m.split()) for m in self.menu_set), default=1)
        self.not_place_set = frozenset(fold(s) for s in self.not_places)
        agencies = [a for o in self.outlets for a in o.dateline]
        known = _alternation([*agencies, *(a.upper() for a in agencies)])  # ИНТЕРФАКС-КАЗАХСТАН
        rest = (rf"(?P<sep>{_SEP})"
                rf"(?:(?P<agency>/\s*(?:{known}|{_AGENCY})\s*/|\(\s*(?:{known}|{_AGENCY})\s*\)|(?:{known})(?!\w))"
                rf"\s*(?:[.:,]\s*|[–—―-]+\s*|\s+))?")
        self.dateline_pattern = re.compile(rf"^(?P<place>{_PLACE})(?:\s*,\s*(?P<date>[^.:–—―(/]{{2,24}}))?{rest}")
        # `АСТАНА. 10 июля. ИНТЕРФАКС-КАЗАХСТАН -`: a day and month after a full stop
        self.dotted_dateline_pattern = re.compile(rf"^(?P<place>{_PLACE})\.\s+(?P<date>{_DAY_MONTH}){rest}")
        self.byline_pattern = re.compile(
            rf"^(?:{_alternation(self.labels.get('byline', ()))})\s+(?P<rest>[{_UPPER}].*)$")

    # -- outlets ----------------------------------------------------------
    def outlet_named(self, text: str) -> Outlet | None:
        """The outlet whose name or alias is exactly ``text``."""
        return self._by_alias.get(fold(text.strip(" .,:;()/")))

    def outlet_in(self, text: str) -> Outlet | None:
        """The first known outlet named anywhere in ``text``."""
        m = self.alias_pattern.search(text)
        return self._by_alias.get(fold(m.group(0))) if m else None

    def agency(self, text: str) -> Outlet | None:
        """The outlet a dateline agency (``KAZINFORM``, ``/TASS/``, ``(AA)``) stands for."""
        key = fold(text.strip(" ./()–—-"))
        return self._by_agency.get(key) or self._by_alias.get(key)

    def outlet(self, name: str | None) -> Outlet | None:
        if not name:
            return None
        return self._by_alias.get(fold(name))

    # -- lines ------------------------------------------------------------
    def label(self, line: str) -> tuple[str, str, str] | None:
        """``(kind, label, value)`` when ``line`` opens with a known field label."""
        m = self.label_pattern.match(line)
        if not m:
            return None
        return self._label_kind[fold(m["label"])], m["label"], m["value"].strip()

    def is_stop(self, line: str) -> bool:
        """True for a heading that ends the article (``Related news``, ``Теги:`` …)."""
        key = fold(line).rstrip(":：")
        if key[-1:] in ")]»›>":
            key = _COUNTER_TAIL.sub("", key).strip()
        if key in self.stop_set:
            return True
        head, sep, _ = key.partition(":")
        return bool(sep) and head.strip() in self.stop_set

    def is_chrome(self, line: str) -> bool:
        key = fold(line)
        if key.rstrip(":") in self.chrome_line_set:
            return True
        return self._chrome_folded.search(key) is not None

    def is_menu(self, line: str) -> bool:
        """True when the line is made mostly of menu words (``About us Contacts …``)."""
        words = fold(line).split()
        if not words:
            return False
        covered = i = 0
        while i < len(words):
            for n in range(min(self._menu_max, len(words) - i), 0, -1):
                if " ".join(words[i:i + n]) in self.menu_set:
                    covered += n
                    i += n
                    break
            else:
                i += 1
        return covered * 10 >= len(words) * 7

    def dateline(self, paragraph: str) -> Dateline | None:
        """The dateline opening ``paragraph``, if it has one."""
        m = self.dotted_dateline_pattern.match(paragraph)
        if m is None or find_month_day(m["date"]) is None:
            m = self.dateline_pattern.match(paragraph)
        if not m:
            return None
        place = m["place"].strip(" -")
        if fold(place) in self.not_place_set or sum(c.isalpha() for c in place) < 3:
            return None
        agency = m["agency"].strip(" /()") if m["agency"] else None
        date_text = m["date"].strip() if m["date"] else None
        if date_text and find_month_day(date_text) is None and find_date(date_text) is None:
            date_text = None  # `ASTANA, Kazakhstan — …`: a place name, not a date
        sep = m["sep"].strip()
        # a bare space after the place is a dateline only with an agency or a date after it
        if not (agency or date_text or sep in (".", ":") or (sep and not sep.strip("–—―-"))):
            return None
        rest = paragraph[m.end():]
        if not rest or not (rest[0].isupper() or rest[0].isdigit() or rest[0] in "«\"“'‘("):
            return None
        return Dateline(place, date_text, agency, m.end())


def _strings(value, path: Path, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError("expected a list of strings", path=path, field=where)
    return tuple(v.strip() for v in value if v.strip())


def read_outlets_file(path: Path) -> dict:
    """Read one ``outlets.toml`` into plain lists; a ConfigError names the bad entry."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", path=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the outlets file: {exc}", path=path) from None
    result: dict = {"outlets": [], "lists": {}}
    entries = data.get("outlet", [])
    if not isinstance(entries, list):
        raise ConfigError("write each outlet as an [[outlet]] table", path=path, field="outlet")
    for number, entry in enumerate(entries, 1):
        where = f"outlet #{number}"
        if not isinstance(entry, dict):
            raise ConfigError("write each outlet as an [[outlet]] table", path=path, field=where)
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError("an [[outlet]] needs a name", path=path, field=where)
        unknown = set(entry) - _OUTLET_KEYS
        if unknown:
            raise ConfigError(f"unknown key {sorted(unknown)[0]!r} (known: {', '.join(sorted(_OUTLET_KEYS))})",
                              path=path, field=f"outlet {name!r}")
        timezone = entry.get("timezone")
        if timezone is not None and (not isinstance(timezone, str) or not valid_zone(timezone)):
            raise ConfigError(f"unknown time zone {timezone!r} (use an IANA name such as \"Asia/Almaty\")",
                              path=path, field=f"outlet {name!r}")
        result["outlets"].append(Outlet(
            name=name.strip(),
            aliases=_strings(entry.get("aliases", []), path, f"outlet {name!r}.aliases"),
            dateline=_strings(entry.get("dateline", []), path, f"outlet {name!r}.dateline"),
            timezone=timezone,
        ))
    for table, keys in _LIST_TABLES.items():
        section = data.get(table, {})
        if not isinstance(section, dict):
            raise ConfigError("expected a table", path=path, field=table)
        for key, value in section.items():
            if key not in keys:
                raise ConfigError(f"unknown key {key!r} (known: {', '.join(keys)})", path=path, field=table)
            result["lists"][(table, key)] = _strings(value, path, f"{table}.{key}")
    unknown_tables = set(data) - set(_LIST_TABLES) - {"outlet"}
    if unknown_tables:
        raise ConfigError(f"unknown table [{sorted(unknown_tables)[0]}]", path=path)
    return result


def _merge_outlets(base: list[Outlet], extra: list[Outlet]) -> list[Outlet]:
    merged = {fold(o.name): o for o in base}
    for o in extra:
        old = merged.get(fold(o.name))
        if old is None:
            merged[fold(o.name)] = o
        else:
            merged[fold(o.name)] = Outlet(
                name=o.name,
                aliases=tuple(dict.fromkeys((*old.aliases, *o.aliases))),
                dateline=tuple(dict.fromkeys((*old.dateline, *o.dateline))),
                timezone=o.timezone or old.timezone,
            )
    # a site's own outlets are tried first, so its aliases win over shipped ones
    site_first = [merged[fold(o.name)] for o in extra]
    rest = [o for key, o in merged.items() if o not in site_first]
    return site_first + rest


def _knowledge(files: list[dict]) -> OutletKnowledge:
    outlets: list[Outlet] = []
    lists: dict[tuple[str, str], tuple[str, ...]] = {}
    for data in files:
        outlets = _merge_outlets(outlets, data["outlets"])
        for key, values in data["lists"].items():
            lists[key] = tuple(dict.fromkeys((*lists.get(key, ()), *values)))
    return OutletKnowledge(
        outlets=outlets,
        labels={kind: lists.get(("labels", kind), ()) for kind in LABEL_KINDS},
        stop_sections=lists.get(("sections", "stop"), ()),
        chrome_phrases=lists.get(("chrome", "phrases"), ()),
        chrome_lines=lists.get(("chrome", "lines"), ()),
        menu_words=lists.get(("chrome", "menu"), ()),
        not_places=lists.get(("dateline", "not_places"), ()),
    )


_cache: dict[tuple, OutletKnowledge] = {}


def load_outlets(root: Path | None = None) -> OutletKnowledge:
    """The shipped outlet knowledge, extended by ``root/outlets.toml`` when present."""
    site = Path(root) / SITE_FILE_NAME if root is not None else None
    stamp = None
    if site is not None and site.is_file():
        st = site.stat()
        stamp = (str(site.resolve()), st.st_mtime_ns, st.st_size)
    cached = _cache.get(("outlets", stamp))
    if cached is not None:
        return cached
    files = [read_outlets_file(DEFAULT_FILE)]
    if stamp is not None:
        files.append(read_outlets_file(site))
        log.info("outlets: added %s", site)
    knowledge = _knowledge(files)
    _cache[("outlets", stamp)] = knowledge
    return knowledge
