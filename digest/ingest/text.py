"""Plain-text dumps of news pages: find the article among the site chrome.

A dump is read in three passes, with rules that rest on the shape and position of
lines rather than on any one site:

1. *Lines* (``lines.py``). A leading `` date YYYY-MM-DD `` crawl marker is split off;
   hard-wrapped lines are joined; every line gets a role: chrome, a closing heading,
   a labelled field, a caption, a date line, a byline, prose, a list item, other text.
2. *Body* (here). Prose lines are grouped into runs; chrome and captions inside a run
   are skipped, two short lines in a row, a date line or a closing heading end it. The
   run with the most text is the article. Paragraphs before a dateline in its first
   lines are a standfirst and are dropped.
3. *Fields* (``fields.py``). The headline, date, byline and photo credit are looked
   for in the lines above the body (and just below it), tags and a trailing author
   name below it, the outlet in the dateline, credits, the header and the footer.

What the parser knows about outlets, labels and chrome comes from ``outlets.toml``;
tags are split with the ``tags.toml`` vocabulary.
"""
from __future__ import annotations

from digest.ingest.facts import PageFacts
from digest.ingest.fields import dateline_date, pick_date, pick_outlet, pick_title, read_fields
from digest.ingest.lines import (
    BLANK,
    BYLINE,
    CAPTION,
    CHROME,
    DATE,
    LABEL,
    LIST,
    OTHER,
    PROSE,
    STOP,
    Line,
    ends_sentence,
    read_lines,
)
from digest.ingest.outlets import OutletKnowledge
from digest.ingest.tags import TagVocabulary


# -- pass 2: body ----------------------------------------------------------------

def _short_sentence(line: Line) -> bool:
    """``He declined to comment.``: too short to open the article, but part of it."""
    return line.role == OTHER and line.words >= 3 and ends_sentence(line.text)


def find_body(lines: list[Line]) -> tuple[int, int] | None:
    """Index range ``[start, end]`` of the article's run of prose, or None.

    A run that opens after a closing heading (``Related news``, ``Comments``) which
    itself follows a substantial run is a list of other stories or comments, not the
    article, however long its items are.
    """
    runs: list[list[int]] = []
    current: list[int] = []
    gap = 0
    closed_by_heading = False  # has a heading ended a substantial run?

    def close() -> None:
        nonlocal current, gap
        while current and lines[current[-1]].role == OTHER and lines[current[-1]].words < 4:
            current.pop()  # `Thank you.` after the last paragraph is too weak a sign
        if current:
            runs.append(current)
        current, gap = [], 0

    def substantial(run: list[int]) -> bool:
        prose = [i for i in run if lines[i].role == PROSE]
        return len(prose) >= 2 or sum(len(lines[i].text) for i in prose) >= 400

    for i, line in enumerate(lines):
        role = line.role
        if role == BLANK:
            continue
        if role == PROSE:
            if not current and closed_by_heading:
                continue
            current.append(i)
            gap = 0
        elif role == LIST or _short_sentence(line):
            if current and gap == 0:  # a list goes on from the prose (or the list) right above it
                current.append(i)
            elif role == OTHER or current:  # `Most viewed` + `1. …` after the story: not the story
                gap += 1
                if gap >= 2:
                    close()
        elif role in (CHROME, CAPTION) or (role == LABEL and line.kind in ("photo", "source", "read_also")):
            continue
        elif role in (STOP, DATE, BYLINE) or (role == LABEL and line.kind in ("tags", "author")):
            if role == STOP and current and substantial(current):
                closed_by_heading = True
            close()
        else:
            gap += 1
            if gap >= 2:
                close()
    close()
    if not runs:
        return None

    def weight(run: list[int]) -> int:
        return sum(len(lines[i].text) for i in run if lines[i].role == PROSE)

    best = max(runs, key=weight)
    for i in best:
        if lines[i].role == OTHER:
            lines[i].role = PROSE  # a short sentence inside the article
    return best[0], best[-1]


def parse_dump(text: str, k: OutletKnowledge, vocabulary: TagVocabulary) -> PageFacts:
    """Read a plain-text dump of a news page into ``PageFacts``."""
    facts = PageFacts()
    facts.crawl_date, lines = read_lines(text, k)
    span = find_body(lines)
    if span is None:
        start = end = len(lines)
        body_lines: list[Line] = []
    else:
        start, end = span
        body_lines = [ln for ln in lines[start:end + 1] if ln.role in (PROSE, LIST)]
    # a standfirst before the dateline paragraph is not body
    for n, line in enumerate(body_lines[:3]):
        found = k.dateline(line.text)
        if found is not None:
            if n:
                start = next(i for i, ln in enumerate(lines) if ln is body_lines[n])
                body_lines = body_lines[n:]
            facts.dateline, facts.agency = found.place, found.agency
            dateline = found
            break
    else:
        dateline = None
    header = [ln for ln in lines[:start] if ln.role != BLANK]
    tail_all = [ln for ln in lines[end + 1:]] if span else []
    tail = []
    for ln in tail_all:
        if ln.role == STOP:
            break
        tail.append(ln)
    facts.body = [collapse_keep(f"{ln.bullet} {ln.text}" if ln.bullet else ln.text) for ln in body_lines]
    body_text = " ".join(facts.body)

    facts.title = pick_title(header, lines, body_text, k)
    if facts.title is None:
        facts.warnings.append("no title found")

    # date: a date line above the body (or just below it), else the dateline's day
    picked = pick_date(header, tail)
    printed, where, where_line = picked if picked is not None else (None, None, None)
    found = printed.value if printed is not None else None
    if printed is not None:
        facts.date_source = "relative" if printed.relative else "page"
        if where == "credit":
            facts.warnings.append(f"date from a caption or credit line ({where_line!r})")
        elif where == "below":
            facts.warnings.append("date from below the article")
    elif dateline is not None and dateline.date_text:
        found = dateline_date(dateline.date_text, facts.crawl_date)
        facts.date_source = "dateline" if found else None
    facts.date = found

    read_fields(facts, lines, header, tail, start, end, span is not None, k, vocabulary)
    pick_outlet(facts, header, lines, dateline, tail_all, k)
    if not facts.body:
        facts.warnings.append("no article text found")
    return facts


def collapse_keep(text: str) -> str:
    """Strip a paragraph's ends; inner characters (NBSP, quotes) stay as printed."""
    return text.strip()
