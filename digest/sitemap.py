"""``sitemap.xml`` and ``robots.txt``: every page once, by its absolute URL."""
from __future__ import annotations

from xml.sax.saxutils import escape

_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def page_urls(specs, config) -> list[tuple[str, str | None]]:
    """(absolute URL, last modification or None) of every HTML page but the 404 page.

    ``folder/index.html`` is listed as ``folder/``, the URL the site links to.
    """
    urls = []
    for spec in specs:
        path = spec.path
        if not path.endswith(".html") or path == "404.html":
            continue
        if path == "index.html" or path.endswith("/index.html"):
            path = path[: -len("index.html")]
        entry = spec.context.get("entry") if spec.template == "entry.html" else None
        urls.append((config.absolute_url(path), entry.date.isoformat() if entry is not None else None))
    return urls


def sitemap_files(specs, config, limit: int) -> list[tuple[str, str]]:
    """(path, text) of the sitemap files: one, or an index and its parts."""
    urls = page_urls(specs, config)
    if len(urls) <= limit:
        return [("sitemap.xml", _urlset(urls))]
    parts = [urls[i : i + limit] for i in range(0, len(urls), limit)]
    files = [(f"sitemap-{n}.xml", _urlset(part)) for n, part in enumerate(parts, 1)]
    index = "".join(
        f"<sitemap><loc>{escape(config.absolute_url(path))}</loc></sitemap>\n" for path, _ in files
    )
    return [("sitemap.xml", f"{_HEAD}<sitemapindex {_NS}>\n{index}</sitemapindex>\n"), *files]


def _urlset(urls: list[tuple[str, str | None]]) -> str:
    rows = []
    for loc, lastmod in urls:
        when = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
        rows.append(f"<url><loc>{escape(loc)}</loc>{when}</url>\n")
    return f"{_HEAD}<urlset {_NS}>\n{''.join(rows)}</urlset>\n"


def robots_txt(config) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {config.absolute_url('sitemap.xml')}\n"
