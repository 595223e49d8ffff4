"""An outlet ``outlets.toml`` does not know, named by the page itself.

A site names itself in a few places whatever its layout, and these are the cues
read, each with the words a warning uses for it:

* a masthead line above the article, the name first and the site's sections after
  it (``SILK ROAD POST | Central Asia | Politics``): ``the masthead``;
* ``More from Silk Road Post`` (``Ещё от …``, ``Тағы да …``) below the article:
  ``the page footer``;
* a copyright line, whatever the order of sign, year and name
  (``© 2026 Silk Road Post. All rights reserved.``, ``Copyright © Silk Road Post
  2026``, ``© Silk Road Post, 2026``): ``the copyright line``;
* a short line of the header that the page prints again further down (a brand in
  the header and the footer): ``the page header``;
* in HTML, ``og:site_name``, the JSON-LD ``publisher`` (or its ``WebSite``'s name), the
  name the ``<title>`` ends with (``Headline | Silk Road Post``) and the copyright line
  of the footer; then the three cues above read from the page's ``<header>`` (a
  masthead, a brand) and from its ``<footer>`` and the headings outside the article
  (``More from …``, the brand again).

The outlet found so is written to the entry with a warning naming the cue, and
``digest ingest`` prints an ``[[outlet]]`` stanza the user can paste into the
site's ``outlets.toml`` to make it known (:func:`stanza`).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from digest.ingest.outlets import OutletKnowledge

CUES = {
    "dateline": "the dateline",
    "attribution": "an attribution in the text",
    "footer": "the copyright line",
    "copyright": "the copyright line",
    "masthead": "the masthead",
    "more-from": "the page footer",
    "brand": "the page header",
    "og:site_name": "og:site_name",
    "application-name": "the page's application-name",
    "JSON-LD publisher": "the JSON-LD publisher",
    "JSON-LD website": "the JSON-LD website name",
    "title": "the title's suffix",
    "site": "the site's name",
}
"""How a warning names each cue (``PageFacts.outlet_from``)."""

_NAME = r"[^\W\d_][\w.&'’\-]*(?:\s+[\w.&'’\-]+){0,4}"
_MORE_FROM = re.compile(
    rf"^(?:more (?:from|stories from|news from)|also from|ещё от|еще от|больше (?:новостей )?от|"
    rf"другие новости|тағы да)\s+(?P<name>{_NAME})\s*[:»›>]*$", re.IGNORECASE)
_RIGHTS = r"(?:all rights reserved|все права защищены|барлық құқықтар қорғалған)"
_YEARS = r"(?:(?:19|20)\d\d(?:\s*[–—-]\s*(?:19|20)\d\d)?)"
_COPYRIGHT = re.compile(
    rf"^(?:copyright\s*)?(?:©|\(c\)|copyright)\s*(?:{_YEARS}[\s,.]*)?(?P<name>{_NAME}?)[\s,.]*(?:{_YEARS})?"
    rf"[\s,.]*(?:{_RIGHTS}\.?)?$", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s+[|•·/]\s+")


@dataclass(frozen=True, slots=True)
class NewOutlet:
    """An outlet a page names that ``outlets.toml`` does not know."""

    name: str
    cue: str
    dateline: str | None = None  # the agency form seen in the dateline
    host: str | None = None  # the site's host name, from the page's address


def _clean(name: str) -> str | None:
    name = " ".join(name.split()).strip(" .,:;|-–—")
    if not name or len(name) > 60 or not any(c.isalpha() for c in name):
        return None
    if re.fullmatch(rf"{_RIGHTS}", name, re.IGNORECASE):
        return None
    return name


def copyright_owner(text: str) -> str | None:
    """``Silk Road Post`` in ``© 2026 Silk Road Post. All rights reserved.``, or None."""
    m = _COPYRIGHT.match(" ".join(text.split()))
    return _clean(m["name"]) if m and m["name"] else None


def more_from(text: str) -> str | None:
    """``Silk Road Post`` in ``More from Silk Road Post``, or None."""
    m = _MORE_FROM.match(" ".join(text.split()))
    return _clean(m["name"]) if m else None


def masthead_name(text: str, k: OutletKnowledge) -> str | None:
    """The name opening a masthead line: ``SILK ROAD POST | Central Asia | Politics``.

    The first part is a name of one to five words; every other part is a section of
    the site (menu words, or short parts in title case), and there are at least two.
    """
    parts = _SEPARATOR.split(" ".join(text.split()))
    if len(parts) < 2:
        return None
    first, rest = parts[0], parts[1:]
    words = first.split()
    if not 1 <= len(words) <= 5 or any(c.isdigit() for c in first) or first.endswith((".", ":")):
        return None
    if not all(w[:1].isupper() for w in words) or k.is_menu(first):
        return None
    sections = all(k.is_menu(p) or (len(p.split()) <= 3 and p[:1].isupper() and not p.endswith(".")) for p in rest)
    if not sections:
        return None
    name = first.title() if first.isupper() and len(first) > 4 else first
    return _clean(name)


def cue_outlet(header: list[str], tail: list[str], k: OutletKnowledge) -> tuple[str, str] | None:
    """``(name, cue)`` from a text dump's lines above the article (``header``) and below
    it (``tail``): a masthead, ``More from …``, a copyright line, a brand the header and
    the tail both print."""
    for text in header[:8]:
        name = masthead_name(text, k)
        if name:
            return name, "masthead"
    for text in tail:
        name = more_from(text)
        if name:
            return name, "more-from"
    for text in [*tail, *header]:
        name = copyright_owner(text) if text.lstrip()[:1] in "©(cC" else None
        if name:
            return name, "copyright"
    later = {" ".join(t.split()).casefold() for t in tail}
    for text in header[:8]:
        text = " ".join(text.split())
        words = text.split()
        if (1 <= len(words) <= 4 and text.casefold() in later and any(c.isalpha() for c in text)
                and not text.endswith((".", ":", "?", "!")) and not k.is_menu(text) and not k.is_chrome(text)
                and all(w[:1].isupper() or not w[:1].isalpha() for w in words)):
            return _clean(text.title() if text.isupper() and len(text) > 4 else text), "brand"
    return None


def new_outlet(name: str | None, cue: str | None, k: OutletKnowledge, *, agency: str | None = None,
               url: str | None = None) -> NewOutlet | None:
    """The outlet as a ``NewOutlet`` when ``outlets.toml`` does not know it, else None."""
    if not name or k.outlet(name) is not None or k.outlet_named(name) is not None:
        return None
    host = None
    if url:
        from urllib.parse import urlsplit

        host = re.sub(r"^www\.", "", urlsplit(url).hostname or "") or None
    return NewOutlet(name, CUES.get(cue or "", cue or "the page"), agency if cue == "dateline" else None, host)


def stanzas_note(outlets: list[NewOutlet], path) -> str:
    """What ``digest ingest`` prints after its table for outlets nobody listed."""
    noun = "outlet is" if len(outlets) == 1 else "outlets are"
    head = f"\n{len(outlets)} {noun} not in outlets.toml; to make them known, add to {path}:\n"
    return head + "\n" + "\n".join(stanza(o) for o in outlets)


def stanza(outlet: NewOutlet) -> str:
    """An ``[[outlet]]`` table for ``outlets.toml`` (the time zone left for the user)."""
    def quoted(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)

    aliases = [outlet.name] + ([outlet.host] if outlet.host and outlet.host.casefold() != outlet.name.casefold()
                               else [])
    lines = ["[[outlet]]", f"name = {quoted(outlet.name)}",
             f"aliases = [{', '.join(quoted(a) for a in aliases)}]"]
    if outlet.dateline:
        lines.append(f"dateline = [{quoted(outlet.dateline)}]")
    lines.append('# timezone = "Asia/Almaty"  # the IANA zone its times are printed in')
    return "\n".join(lines) + "\n"
