"""``sitemap.xml`` and ``robots.txt``: every page once, by its absolute URL (on a
multilingual site with its ``xhtml:link`` alternates in the other languages)."""
from __future__ import annotations

from html import escape as _html_escape


def escape(text: str) -> str:
    """``&``, ``<`` and ``>`` escaped, as XML text needs (``xml.sax.saxutils.escape``
    does the same, but importing it pulls in ``urllib.request``, ``http.client`` and ``ssl``)."""
    return _html_escape(text, quote=False)


_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
_NS_XHTML = 'xmlns:xhtml="http://www.w3.org/1999/xhtml"'


def page_rows(specs, config, memo: dict | None = None) -> list[str]:
    """The ``<url>`` line of every HTML page but the 404 page.

    ``folder/index.html`` is listed as ``folder/``, the URL the site links to;
    entry pages carry their date as ``lastmod``. ``memo`` saves making the
    same lines again on the next build: an entry page's line is remembered by
    the entry's identity (its file and URL), any other page's by its path.
    """
    rows = []
    for spec in specs:
        path = spec.path
        if not path.endswith(".html") or path == "404.html":
            continue
        entry = spec.template == "entry.html"
        if memo is not None:
            known = spec.key[1] if entry else path
            if spec.context.get("alternates"):
                known = (known, spec.context["alternates"])
            row = memo.get(known)
            if row is not None:
                rows.append(row)
                continue
        row = _row(spec, config)
        if memo is not None:
            memo[known] = row
        rows.append(row)
    return rows


def entry_rows(specs, config, memo: dict) -> list[str]:
    """``page_rows`` of entry pages only: the lines remembered in ``memo`` looked up at once."""
    keys = [spec.key[1] for spec in specs]
    if any(spec.context.get("alternates") for spec in specs):  # a multilingual site: the line names the translations
        keys = [(k, s.context["alternates"]) if s.context.get("alternates") else k for k, s in zip(keys, specs)]
    rows = list(map(memo.get, keys))
    if None in rows:
        for i, row in enumerate(rows):
            if row is None:
                rows[i] = memo[keys[i]] = _row(specs[i], config)
    return rows


def _row(spec, config) -> str:
    path = spec.path
    if path == "index.html" or path.endswith("/index.html"):
        path = path[: -len("index.html")]
    when = f"<lastmod>{spec.context['entry'].date.isoformat()}</lastmod>" if spec.template == "entry.html" else ""
    others = "".join(f'<xhtml:link rel="alternate" hreflang="{lang}" href="{escape(config.absolute_url(url))}"/>'
                     for lang, url in spec.context.get("alternates", ()))
    return f"<url><loc>{escape(config.absolute_url(path))}</loc>{when}{others}</url>\n"


def sitemap_files(rows: list[str], config, limit: int) -> list[tuple[str, str]]:
    """(path, text) of the sitemap files of these lines (``page_rows``): one, or an index and its parts."""
    if len(rows) <= limit:
        return [("sitemap.xml", _urlset(rows))]
    parts = [rows[i : i + limit] for i in range(0, len(rows), limit)]
    files = [(f"sitemap-{n}.xml", _urlset(part)) for n, part in enumerate(parts, 1)]
    index = "".join(
        f"<sitemap><loc>{escape(config.absolute_url(path))}</loc></sitemap>\n" for path, _ in files
    )
    return [("sitemap.xml", f"{_HEAD}<sitemapindex {_NS}>\n{index}</sitemapindex>\n"), *files]


def _urlset(rows: list[str]) -> str:
    text = "".join(rows)
    extra = f" {_NS_XHTML}" if "<xhtml:link " in text else ""  # alternates in other languages
    return f"{_HEAD}<urlset {_NS}{extra}>\n{text}</urlset>\n"


def robots_txt(config) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {config.absolute_url('sitemap.xml')}\n"
