"""Pages the size of real news pages, for the crawl benchmark.

The project's fixture pages are 1–3 KB: an article and a few lines of markup. Real
news pages are much larger: the held-out pages of trafilatura's test cache have a
median of 79 KB and a mean of 128 KB, most of it the site around the article (inline
styles and scripts, a navigation menu, "most read" lists, a footer of links). A crawl
benchmark on 2 KB pages measures the writing process, not the parsing.

``as_news_page(page, kib, n)`` puts a fixture page inside such a site, all of it
invented: an HTML fixture keeps its own head and article and gets the chrome around
them; a text dump becomes an HTML page whose article holds its lines as paragraphs.
The chrome is made from a fixed word list and ``n``, so a crawl is the same every time.
"""
from __future__ import annotations

import html
import random
import re

_WORDS = (
    "region city council budget school road bridge market weather sport football team culture "
    "festival theatre museum health hospital clinic transport railway airport bus energy water "
    "farm harvest grain price bank business company tourism park river mountain lake science "
    "university students teachers court police fire rescue festival concert film book award"
).split()
_SECTIONS = ["Home", "News", "Politics", "Economy", "Society", "World", "Sport", "Culture",
             "Science", "Opinion", "Video", "Photo", "Regions", "Interviews", "Archive", "Contacts"]


def _headline(rng: random.Random) -> str:
    words = rng.sample(_WORDS, rng.randint(5, 9))
    return " ".join(words).capitalize()


def _chrome(rng: random.Random, kib: int) -> tuple[str, str, str]:
    """(head extras, top of the body, bottom of the body) of about ``kib`` KiB."""
    head = ["<style>" + "".join(f".c{i}{{margin:{i % 7}px;padding:{i % 5}px;color:#{i * 2654435761 % 0xFFFFFF:06x}}}"
                                for i in range(400)) + "</style>",
            "<script>window.siteConfig = " + str({f"k{i}": rng.choice(_WORDS) for i in range(120)}) + ";</script>",
            '<script async src="https://stats.example.net/tag.js"></script>']
    menu = "".join(f'<li class="menu-item"><a href="/{s.lower()}/">{s}</a></li>' for s in _SECTIONS)
    top = [f'<header class="site-header"><div class="logo"><a href="/">Example News</a></div>'
           f'<nav class="main-menu"><ul>{menu}</ul></nav>'
           '<form class="search" action="/search/"><input name="q" placeholder="Search"></form></header>']
    bottom: list[str] = []
    size = sum(map(len, head + top))
    while size < kib * 1024:
        items = "".join(f'<li><a href="/news/{rng.randrange(10**6)}/"><span class="time">{rng.randint(0, 23):02d}:'
                        f'{rng.randint(0, 59):02d}</span> {html.escape(_headline(rng))}</a></li>' for _ in range(20))
        block = (f'<aside class="widget most-read"><h3 class="widget-title">{rng.choice(["Most read", "Latest", "Popular"])}'
                 f'</h3><ul>{items}</ul></aside>')
        bottom.append(block)
        size += len(block)
    links = "".join(f'<a href="/{s.lower()}/">{s}</a> ' for s in _SECTIONS * 3)
    bottom.append(f'<footer class="site-footer"><nav>{links}</nav><p>Example News. All rights reserved.</p></footer>'
                  '<script>document.querySelectorAll(".widget").forEach(function (w) { w.hidden = false; });</script>')
    return "\n".join(head), "\n".join(top), "\n".join(bottom)


def as_news_page(page: bytes, title: str | None, kib: int, n: int) -> bytes:
    """``page`` (a fixture's bytes) inside a site of about ``kib`` KiB of chrome; ``title``
    for a text dump (its page's ``<title>``), None for an HTML page."""
    rng = random.Random(n)
    head, top, bottom = _chrome(rng, kib)
    text = page.decode("utf-8")
    if title is not None:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        paragraphs = "\n".join(f"<p>{html.escape(line)}</p>" for line in lines)
        text = (f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title></head>\n"
                f"<body><main><article>\n{paragraphs}\n</article></main></body></html>")
    text = text.replace("</head>", f"{head}\n</head>", 1)
    text = re.sub(r"(<body[^>]*>)", lambda m: f"{m.group(1)}\n{top}", text, count=1)
    text = text.replace("</body>", f"{bottom}\n</body>", 1)
    return text.encode("utf-8")
