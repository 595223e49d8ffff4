"""Pass 3 of reading a text dump: the fields around the article's body.

The headline, date, byline and photo credit are looked for in the lines above the
body (and just below it); tags, a trailing author name and a copyright footer below
it; the outlet in the dateline's agency, a ``Source:`` line, an attribution (``…,
Kazinform reports``, ``передает …``), the site header or the footer, in that order, and
for an outlet nobody listed, the page's own cues (``outlet_cues``).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta

from digest.ingest.dates import DateMatch, PageDate, find_date, find_month_day
from digest.ingest.facts import PageFacts
from digest.ingest.lines import (
    BLANK,
    BYLINE,
    CAPTION,
    CHROME,
    DATE,
    LABEL,
    OTHER,
    PROSE,
    STOP,
    Line,
    clean_author,
    clean_credit,
    collapse,
    content_keys,
    ends_sentence,
    is_name,
)
from digest.ingest.outlet_cues import copyright_owner, cue_outlet
from digest.ingest.outlets import OutletKnowledge
from digest.ingest.tags import TagVocabulary, split_tags

_HASHTAGS = re.compile(r"(?:^|\s)#[^\s#]+")
_NAME_WORD = r"[\w&\-]*(?:\.[\w\-]+)*"  # Bayan.media, Zakon.kz: dots only inside a word
_ATTRIBUTION = (
    re.compile(rf"(?:передает|передаёт|сообщает|пишет|информирует)\s+(?:корреспондент\w*\s+)?"
               rf"(?P<name>[A-ZА-ЯЁ]{_NAME_WORD}(?:\s+[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]{_NAME_WORD}){{0,3}})"),
    re.compile(rf"деп\s+(?:хабарлайды|жазады|мәлімдейді)\s+"
               rf"(?P<name>[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]{_NAME_WORD}(?:\s+[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]{_NAME_WORD}){{0,3}})"),
    re.compile(rf"(?:^|[,;]\s+)(?P<name>[A-Z]{_NAME_WORD}(?:\s+[A-Z]{_NAME_WORD}){{0,3}})\s+(?:correspondent\s+)?"
               r"(?:reports|reported|has learned|informs)\.?$"),
)


def pick_title(header: list[Line], lines: list[Line], body_text: str, k: OutletKnowledge) -> str | None:
    """The headline: a headline-shaped line above the body, preferring one that shares
    words with the body and, better still, one the page prints twice. The site's own
    name is not the headline: a known outlet, the owner in the copyright footer, or
    the rest of the crawl marker's line (kept only as a last resort). A line in
    capitals (usually a masthead) is the headline only when nothing else is and it
    shares words with the body."""
    keys = content_keys(body_text)
    seen: dict[str, int] = {}
    owners = set()
    for line in lines:
        if line.role != BLANK:
            key = collapse(line.text).casefold()
            seen[key] = seen.get(key, 0) + 1
        if line.kind == "footer" and line.value:
            owners.add(collapse(line.value).casefold())
    candidates = []
    last_resort = None
    capitals = []
    for line in header:
        if line.kind == "capitals" and 3 <= line.words <= 30:
            capitals.append(collapse(line.text))
        if line.role not in (OTHER, PROSE) or line.bullet:
            continue
        text = collapse(line.text)
        if line.first_part:
            rest = line.text[len(line.first_part):].lstrip()
            if rest[:1].isupper():
                text = collapse(line.first_part)  # a headline the wrap joined to the line below it
        if k.outlet_named(text) is not None or text.casefold() in owners:
            continue  # the site's own name
        if not 3 <= len(text.split()) <= 30 or len(text) < 12 or text.endswith((".", ":", ",")):
            continue
        if line.after_crawl:
            last_resort = text
            continue
        words = content_keys(text)
        shared = len(words & keys)
        relevant = shared >= 2 or (words and shared * 10 >= len(words) * 3)
        candidates.append((text, relevant, seen.get(text.casefold(), 0) > 1))
    for text, relevant, repeated in candidates:
        if repeated and relevant:
            return text
    for text, relevant, _ in candidates:
        if relevant:
            return text
    if candidates:
        return candidates[0][0]
    for text in capitals:
        words = content_keys(text)
        shared = len(words & keys)
        if k.outlet_in(text) is None and (shared >= 2 or (words and shared * 10 >= len(words) * 3)):
            return text
    return last_resort


def pick_date(header: list[Line], tail: list[Line]) -> tuple[DateMatch, str, str] | None:
    """The first date line (or dated byline) above the body, else below it before the
    first closing heading; else a date in a caption or credit line
    (``Новости Zakon.kz от 20.11.2022 04:00``, ``Photo: Dana Ospan, 19.03.2023``) above or
    below it. Returns the date, where it was (``"above"``, ``"below"``, ``"credit"``) and
    the line."""
    for zone, where in ((header, "above"), (tail, "below")):
        for line in zone:
            if line.role in (DATE, BYLINE) and line.date is not None:
                return line.date, where, line.text
            if zone is tail and line.role == STOP:
                break
    for zone in (header, tail):
        for line in zone:
            if zone is tail and line.role == STOP:
                break
            if _credit_line(line):
                found = find_date(line.text)
                if found is not None:
                    return found, "credit", line.text
    return None


def _credit_line(line: Line) -> bool:
    """A caption or credit line: short, not a sentence of prose, not a widget."""
    if line.role not in (OTHER, CAPTION) and not (line.role == LABEL and line.kind in ("photo", "source")):
        return False
    return line.words <= 16 and not (line.words >= 8 and ends_sentence(line.text))


def _name_near_date(line: Line) -> str | None:
    """``Selin Aydoğan | 21.12.2026`` or ``Posted on March 3, 2024 by Dana Ospan``."""
    if line.date is None or line.kind:
        return None
    head = line.text[:line.date.start]
    m = re.match(r"^(?P<name>.+?)\s*[|•·,/–—-]\s*$", head)
    if m and is_name(collapse(m["name"])):
        return collapse(m["name"])
    m = re.match(r"^[\s,|]*(?:by|автор:?)\s+(?P<name>.+?)\s*$", line.text[line.date.end:], re.IGNORECASE)
    if m and is_name(collapse(m["name"])):
        return collapse(m["name"])
    return None


def _byline_name(line: Line, k: OutletKnowledge) -> str | None:
    if line.kind == "caps":
        return clean_author(line.value)
    rest = line.value
    if line.date is not None:
        rest = rest[:line.date.start]
    rest = re.sub(r"\s+(?:on|,|\||•|-|–)\s*$", "", rest.strip())
    rest = re.sub(r"\s+in\s+[A-Z][\w&\- ]*$", "", rest)
    return clean_author(rest)


def _short_tag(line: Line, k: OutletKnowledge) -> bool:
    """``ЦИК`` or ``EU`` alone on a line below ``Tags:``: short words that pass for a
    language switcher elsewhere, but here are one tag a line."""
    text = line.text
    return (line.words <= 3 and not line.bullet and not line.kind and not any(c.isdigit() for c in text)
            and not k.is_chrome(text) and not k.is_stop(text) and "|" not in text and "/" not in text)


def _tags_from_label(i: int, lines: list[Line], vocabulary: TagVocabulary,
                     k: OutletKnowledge) -> tuple[list[str], str, set[int]]:
    line = lines[i]
    if line.value:
        return split_tags(line.value, vocabulary), collapse(line.value), {i}
    used = {i}
    parts: list[str] = []
    for j in range(i + 1, len(lines)):
        nxt = lines[j]
        if nxt.role == BLANK:
            if parts:
                break
            continue
        if nxt.role in (STOP, CHROME, LABEL, PROSE, DATE) or nxt.words > 12:
            if not (nxt.role == CHROME and _short_tag(nxt, k)):
                break
        parts.append(collapse(nxt.text))
        used.add(j)
        if len(split_tags(parts[-1], vocabulary)) > 1:
            break  # a whole tag line, not one tag a line
    tags: list[str] = []
    for part in parts:
        tags.extend(t for t in split_tags(part, vocabulary) if t not in tags)
    return tags, "\n".join(parts), used


def outlet_from_attribution(body: list[str], k: OutletKnowledge) -> tuple[str | None, bool]:
    for paragraph in body[:2] + body[-1:]:
        for pattern in _ATTRIBUTION:
            m = pattern.search(paragraph)
            if m:
                name = m["name"].rstrip(".")
                outlet = k.outlet_named(name) or k.outlet_in(name)
                return (outlet.name, True) if outlet else (name, False)
    return None, False


def dateline_date(text: str, crawl: str | None) -> PageDate | None:
    """``March 19`` in a dateline, in the crawl's year (or the year before, if later)."""
    day = find_month_day(text)
    if day is None or crawl is None:
        return None
    reference = date.fromisoformat(crawl)
    for year in (reference.year, reference.year - 1):
        found = day.in_year(year)
        if found is not None and found.as_date() <= reference + timedelta(days=1):
            return found
    return None


def read_fields(facts: PageFacts, lines: list[Line], header: list[Line], tail: list[Line], start: int,
            end: int, has_body: bool, k: OutletKnowledge, vocabulary: TagVocabulary) -> None:
    used: set[int] = set()
    limit = end + 1 + len(tail) if has_body else len(lines)
    author_labels = k.labels.get("author", ()) + k.labels.get("byline", ())
    # labelled fields, captions and bylines, in page order
    for i, line in enumerate(lines[:limit] if has_body else lines):
        if i in used:
            continue
        if line.role == LABEL and line.kind == "author" and facts.author is None:
            value = line.value
            if not value:
                nxt = _next_text(lines, i)
                if nxt is not None and lines[nxt].role in (OTHER, BYLINE) and lines[nxt].words <= 6:
                    value = lines[nxt].value if lines[nxt].role == BYLINE else lines[nxt].text
                    used.add(nxt)
            facts.author = clean_author(value, author_labels) if value else None
        elif line.role in (LABEL, CAPTION) and line.kind == "photo" and facts.photo_credit is None:
            value = line.value
            if not value:
                nxt = _next_text(lines, i)
                if nxt is not None and lines[nxt].role == OTHER and lines[nxt].words <= 8:
                    value = lines[nxt].text
                    used.add(nxt)
            facts.photo_credit = clean_credit(value) if value else None
        elif line.role == BYLINE and facts.author is None and i < start:
            facts.author = _byline_name(line, k)
        elif line.role == DATE and facts.author is None and i < start:
            facts.author = _name_near_date(line)
    # tags: a labelled line anywhere, else hashtags or a tag line below the body
    for i, line in enumerate(lines):
        if line.role == LABEL and line.kind == "tags":
            facts.tags, facts.tags_line, more = _tags_from_label(i, lines, vocabulary, k)
            used |= more
            break
    else:
        candidates = [ln for j, ln in enumerate(lines[end + 1:limit], end + 1)
                      if ln.role == OTHER and j not in used] if has_body else []
        for line in reversed(candidates):
            text = collapse(line.text)
            if _looks_like_tag_line(text, line.words, vocabulary):
                facts.tags, facts.tags_line = split_tags(text, vocabulary), text
                break
    # a bare name right below the body is the author
    if facts.author is None and has_body:
        for j in range(end + 1, limit):
            line = lines[j]
            if line.role == BLANK or (line.role in (LABEL, CAPTION) and line.kind == "photo") or j in used:
                continue
            if line.role == OTHER and is_name(collapse(line.text)) and collapse(line.text) != facts.tags_line:
                facts.author = clean_author(line.text)
            break


def _looks_like_tag_line(text: str, words: int, vocabulary: TagVocabulary) -> bool:
    """An unlabelled line of tags: hashtags, or words the vocabulary mostly knows."""
    if ends_sentence(text) or words > 15:
        return False
    if len(_HASHTAGS.findall(text)) >= 2 or (text.startswith("#") and words == 1):
        return True
    if is_name(text) or words < 2:
        return False
    known = vocabulary.known_words(text)
    lower = sum(1 for w in text.split() if w[:1].islower())
    return known >= 1 and (known * 2 >= words or lower == 0)


def _next_text(lines: list[Line], i: int) -> int | None:
    for j in range(i + 1, min(len(lines), i + 4)):
        if lines[j].role != BLANK:
            return j
    return None


def credited_outlet(facts: PageFacts, agency: str | None, sources: Iterable[str],
                    k: OutletKnowledge) -> tuple[bool, str | None]:
    """The outlet as the story itself credits it, the strongest cues of text dumps and HTML
    pages alike, in order of trust: 1. the agency in the dateline; 2. a ``Source:`` line
    naming a known outlet; 3. an attribution naming a known outlet ("…, Kazinform reports",
    "передает Tabys News"). Returns (whether one set ``facts.outlet``, an attributed name that is
    not a known outlet: a weaker cue the caller may use later)."""
    if agency:
        outlet = k.agency(agency)
        facts.outlet, facts.outlet_from = (outlet.name if outlet else agency), "dateline"
        return True, None
    for value in sources:
        outlet = k.outlet_named(value) or k.outlet_in(value)
        if outlet:
            facts.outlet, facts.outlet_from = outlet.name, "source"
            return True, None
    attributed, known = outlet_from_attribution(facts.body, k)
    if attributed and known:
        facts.outlet, facts.outlet_from = attributed, "attribution"
        return True, None
    return False, attributed


def pick_outlet(facts: PageFacts, header: list[Line], lines: list[Line], dateline, tail_all: list[Line],
            k: OutletKnowledge) -> None:
    # 1–3. the dateline's agency, a Source: line, an attribution (see credited_outlet)
    sources = (line.value for line in lines if line.role == LABEL and line.kind == "source" and line.value)
    found, attributed = credited_outlet(facts, dateline.agency if dateline is not None else None, sources, k)
    if found:
        return
    # 4. a known outlet in the site header or a byline
    for line in header:
        outlet = k.outlet_in(line.text) if line.role != PROSE else None
        if outlet:
            facts.outlet, facts.outlet_from = outlet.name, "header"
            return
    if attributed:
        facts.outlet, facts.outlet_from = attributed, "attribution"
        return
    # 5. the site's copyright footer
    for line in tail_all:
        if line.kind == "footer" and line.value:
            owner = copyright_owner(line.text) or line.value
            outlet = k.outlet_named(owner)
            facts.outlet, facts.outlet_from = (outlet.name if outlet else owner), "footer"
            return
    # 6. the page's other cues: a masthead, "More from …", a copyright line, a brand repeated below
    found = cue_outlet([ln.text for ln in header if ln.role != BLANK],
                       [ln.text for ln in tail_all if ln.role != BLANK], k)
    if found is not None:
        outlet = k.outlet_named(found[0]) or k.outlet_in(found[0])
        facts.outlet, facts.outlet_from = (outlet.name if outlet else found[0]), found[1]
