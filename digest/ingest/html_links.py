"""A page's links made absolute before trafilatura reads the page.

A link in the entry must work where the entry is published, so ``href="../list"``
has to become the address it pointed to on the page. The browser resolves it
against the document's base: ``<base href>`` when the page has one (itself
resolved against the page's address), else the page's own address. trafilatura,
given a page, resolves a relative link against the host alone
(``stations/2023.html`` on ``https://news.example/politics/`` becomes
``https://news.example/stations/2023.html``), or, without an address, keeps it
relative; so digest does it first, the way the browser does.

Only ``<a href>`` is touched, and only a link that resolves to an ``http(s)``
address changes: ``javascript:``, ``data:``, ``mailto:`` and other schemes, and a
relative link on a page with no known address, are left as they are and become
plain text in the Markdown (``html_markdown``), since none of them leads anywhere
from a published entry. The tree keeps every ``<a>``: trafilatura weighs links
when it tells a menu from the article.
"""
from __future__ import annotations

from urllib.parse import urljoin, urlsplit

_WEB = ("http", "https")


def page_base(tree, page_url: str | None) -> str | None:
    """The address relative links on the page resolve against, or None."""
    page_url = page_url if page_url and urlsplit(page_url).scheme in _WEB else None
    for base in tree.iter("base"):
        href = (base.get("href") or "").strip()
        if href:
            resolved = urljoin(page_url, href) if page_url else href
            if urlsplit(resolved).scheme in _WEB and urlsplit(resolved).netloc:
                return resolved
        break  # only the first <base> counts
    return page_url


def absolute_links(tree, page_url: str | None) -> str | None:
    """Make every relative ``<a href>`` of ``tree`` absolute (in place); return the base used."""
    base = page_base(tree, page_url)
    if base is None:
        return None
    for a in tree.iter("a"):
        href = a.get("href")
        if not href or href.startswith(("https://", "http://")):
            continue  # nothing to resolve (most links of a page)
        href = href.strip()
        try:
            scheme = urlsplit(href).scheme.lower()
            if scheme and scheme not in _WEB:
                continue  # javascript:, mailto:, data:…: left for the Markdown to drop
            a.set("href", urljoin(base, href))
        except ValueError:  # a malformed address (an unclosed IPv6 bracket)
            continue
    return base
