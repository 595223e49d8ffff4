"""Plain-text dumps of news pages: find the article among the site chrome.

A dump is read in three passes, with rules that rest on the shape and position of
lines rather than on any one site:

1. *Lines.* A leading `` date YYYY-MM-DD `` crawl marker is split off; hard-wrapped
   lines are joined; every line gets a role: chrome (widgets, menus, breadcrumbs,
   counters, language switchers, share buttons), a section heading that ends the
   article (``Related news``, ``Теги:``), a labelled field (``Author:``, ``Фото:``),
   a caption, a date line, a byline, prose, a list item, or other short text.
2. *Body.* Prose lines are grouped into runs; chrome and captions inside a run are
   skipped, two short lines in a row, a date line or a closing heading end it. The
   run with the most text is the article. Paragraphs before a dateline in its first
   lines are a standfirst and are dropped.
3. *Fields.* The headline, date, byline and photo credit are looked for in the lines
   above the body (and just below it), tags and a trailing author name below it.

What the parser knows about outlets, labels and chrome comes from ``outlets.toml``;
tags are split with the ``tags.toml`` vocabulary.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from digest.ingest.dates import DateMatch, PageDate, find_date, find_month_day, parse_date
from digest.ingest.outlets import OutletKnowledge
from digest.ingest.tags import TagVocabulary, split_tags

# line roles
BLANK, CHROME, STOP, LABEL, CAPTION, DATE, BYLINE, PROSE, LIST, OTHER = (
    "blank", "chrome", "stop", "label", "caption", "date", "byline", "prose", "list", "other")

_SENTENCE_END = (".", "!", "?", "…", "»", '"', "”", "'", "’", ".)", "!)", "?)")
_BULLET = re.compile(r"^[•·▪►●◦■□➤→]\s*")
_NUMBERED = re.compile(r"^\d{1,2}[.)]\s+\S")
_RANKED = re.compile(r"^\d{1,2}\s+\S")
_PHONE = re.compile(r"^\+?\d[\d\s()\-\u00a0]{7,}\d$")
_COUNTER = re.compile(
    r"^(?:[👁👀💬❤🔥]\ufe0f?|views?|просмотр\w*|қаралым\w*|comments?|комментари\w*)?\s*:?\s*[\d\s\u00a0.,kKкК]+$",
    re.IGNORECASE)
_CURRENCY = re.compile(r"\b(?:usd|eur|rub|cny|kzt|gbp)\b|курс\w* валют|валюта бағам|currency|\$\s?\d|€\s?\d",
                       re.IGNORECASE)
_WEATHER = re.compile(r"℃|°\s?[CF]?\b|\bweather\b|погода|ауа райы", re.IGNORECASE)
_BREADCRUMB = re.compile(r"\s[»›>/|]\s|[»›]|^>$|\s>$|^<|\|$")
_WIRE_SLUG = re.compile(r"^[A-Z]{2,}(?:\s+[A-Z0-9]{2,}){1,5}$")
_CAPS_NAME = re.compile(r"^(?P<name>[^\W\d_][^\W\d_'’\-]*(?:[ \-][^\W\d_][^\W\d_'’\-]*){1,3})\s*:$")
_CAPTION_CREDIT = re.compile(
    r"(?:^|(?<=[.!?»”)])\s+|\s)"
    r"(?:(?P<label>Photo credit|Photo|Фото|Сурет|Image)\s*:|(?P<copy>Copyright|©))\s*(?P<value>\S.*)$")
_FOOTER = re.compile(r"^(?:©|\(c\)|copyright)\s*(?P<owner>.+?)[\s,.]*(?:\d{4}(?:\s*[–-]\s*\d{4})?)?\.?$", re.IGNORECASE)
_FOOTER_YEAR = re.compile(r"\d{4}\.?$")
_CRAWL = re.compile(r"^\s*date\s+(?P<date>\d{4}-\d\d-\d\d)(?=\s|$)")
_DIGIT = re.compile(r"\d")
_HYPHEN_BREAK = re.compile(r"(?<=[^\W\d_]-)\n(?=[^\W\d_])")
_HASHTAGS = re.compile(r"(?:^|\s)#[^\s#]+")
_TOKEN = re.compile(r"[^\W\d_]{4,}")
_NAME_WORD = r"[\w&\-]*(?:\.[\w\-]+)*"  # Bayan.media, Zakon.kz: dots only inside a word
_ATTRIBUTION = (
    re.compile(rf"(?:передает|передаёт|сообщает|пишет|информирует)\s+(?:корреспондент\w*\s+)?"
               rf"(?P<name>[A-ZА-ЯЁ]{_NAME_WORD}(?:\s+[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]{_NAME_WORD}){{0,3}})"),
    re.compile(rf"деп\s+(?:хабарлайды|жазады|мәлімдейді)\s+"
               rf"(?P<name>[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]{_NAME_WORD}(?:\s+[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]{_NAME_WORD}){{0,3}})"),
    re.compile(rf"(?:^|[,;]\s+)(?P<name>[A-Z]{_NAME_WORD}(?:\s+[A-Z]{_NAME_WORD}){{0,3}})\s+(?:correspondent\s+)?"
               r"(?:reports|reported|has learned|informs)\.?$"),
)
_NAME_PARTICLES = frozenset("de da del van von der al el bin ibn ben uulu kyzy уулу кызы ұлы қызы оглы".split())
_DATE_WORDS = frozenset(
    "published updated update posted date on at by last modified | - – — : opublikovano "
    "опубликовано обновлено изменено дата жарияланды жарияланған жаңартылды жаңартылған в г года ж "
    "жылы gmt utc msk ist mon tue wed thu fri sat sun monday tuesday wednesday thursday friday "
    "saturday sunday понедельник вторник среда четверг пятница суббота воскресенье".split())


@dataclass(slots=True)
class PageFacts:
    """What a page says, before it becomes an ``Article``.

    ``date`` is the date as printed (``date.stated_offset`` only when the page states one);
    ``date_source`` says where it came from: ``"page"``, ``"dateline"`` or ``"metadata"``.
    """

    title: str | None = None
    date: PageDate | None = None
    date_source: str | None = None
    outlet: str | None = None
    outlet_from: str | None = None  # "dateline", "source", "attribution", "header" or "footer"
    source_url: str | None = None
    dateline: str | None = None
    author: str | None = None
    tags: list[str] = field(default_factory=list)
    tags_line: str = ""
    body: list[str] = field(default_factory=list)
    photo_credit: str | None = None
    crawl_date: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Line:
    text: str
    role: str = OTHER
    bullet: bool = False
    value: str = ""           # a label's value, a caption's credit, a byline's name
    kind: str = ""            # a label's kind (author, photo, tags …)
    date: DateMatch | None = None
    words: int = 0
    first_part: str = ""      # the first of the lines a hard wrap joined


# -- small text helpers ---------------------------------------------------------

def ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(_SENTENCE_END)


def collapse(text: str) -> str:
    return " ".join(text.split())


def is_name(text: str) -> bool:
    """True for 2-4 words shaped like a person's name (``Zhaksylykova Dinara``)."""
    words = text.split()
    if not 2 <= len(words) <= 4:
        return False
    caps = 0
    for word in words:
        if word.lower() in _NAME_PARTICLES:
            continue
        core = word.replace("-", "").replace("'", "").replace("’", "").rstrip(".")
        if not core.isalpha() or not word[0].isupper():
            return False
        if len(core) > 1 and core.isupper():
            return False
        caps += 1
    return caps >= 2


def clean_author(text: str, labels: tuple[str, ...] = ()) -> str | None:
    """A name without its label, runs of spaces collapsed, ALL CAPS made natural."""
    text = collapse(text).strip(" :;,|·•-–—")
    for label in sorted(labels, key=len, reverse=True):
        if text.lower().startswith(label.lower()) and len(text) > len(label) and not text[len(label)].isalpha():
            text = text[len(label):].lstrip(" :")
            break
    text = text.strip(" :;,|·•-–—")
    if not text:
        return None
    letters = [c for c in text if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        text = text.title()
    return text


def clean_credit(text: str) -> str | None:
    text = collapse(text).strip(" :;,|")
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1].rstrip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    return text or None


def caption_credit(text: str, k: OutletKnowledge) -> str | None:
    """The credit in a caption: ``Photo: …``, ``… Photo credit: ….``, ``… Copyright …``, ``© …``."""
    label = k.label(text)
    if label and label[0] == "photo":
        return clean_credit(label[2])
    m = _CAPTION_CREDIT.search(text)
    if m and (m.start() == 0 or len(text[:m.start()].split()) <= 40):
        return clean_credit(m["value"])
    return None


def content_keys(text: str) -> set[str]:
    return {w[:5] for w in _TOKEN.findall(text.casefold())}


# -- pass 1: lines ------------------------------------------------------------

def _wrap_width(lines: list[str], k: OutletKnowledge) -> int | None:
    """The column a hard-wrapped page breaks at, or None when it is not hard-wrapped.

    Evidence: long lines that stop mid-sentence (after a comma, a hyphen or a short
    function word, or before a lower-case word, a number or a dash) with the text
    going on below.
    """
    evidence = []
    for a, b in zip(lines, lines[1:], strict=False):
        if len(a) < 40 or not b or ends_sentence(a) or a.endswith(":") or _RANKED.match(a) or _NUMBERED.match(a):
            continue  # list items are lines of their own, not wrapped text
        tail = a.rsplit(None, 1)[-1]
        if b[0].islower() or a[-1] in ",-–" or (len(tail) <= 3 and tail.islower()):
            evidence.append(len(a))
        elif (b[0].isdigit() or b[0] in "–—-") and not _NUMBERED.match(b) and not _stands_alone(b, k):
            evidence.append(len(a))
    evidence = [n for n in evidence if n <= 110]  # nobody wraps wider; a longer line is chrome
    if len(evidence) < 2:
        return None
    return max(evidence)


def _stands_alone(line: str, k: OutletKnowledge, *, opening: bool = True) -> bool:
    """A line that is a field of its own: never the rest of the line above (nor, unless it
    opens a paragraph such as a dateline does, continued by the line below)."""
    if k.label(line) or k.is_stop(line) or k.is_chrome(line):
        return True
    words = len(line.split())
    if line[0] in "#©@" or (k.byline_pattern.match(line) and words <= 16 and not ends_sentence(line)):
        return True
    # a bare number may be the end of a wrapped sentence (`…due in` / `2026.`): not a counter here
    if _is_widget(line, words, counters=False) or (opening and k.dateline(line) is not None):
        return True
    found = find_date(line) if len(line) <= 80 else None
    return found is not None and _mostly_date(line, found)


def _join_wrapped(raw: list[str], k: OutletKnowledge) -> list[str]:
    """Join lines a hard wrap or a stray line break split; '' marks a blank line.

    On a hard-wrapped page a line is joined to the next when the next line's first
    word would not have fitted on it (what a greedy wrap does) and the next line is
    not a field of its own; elsewhere only a long line that stops mid-sentence before
    a lower-case line is joined. Joined lines keep their parts apart with ``\n``.
    """
    lines = [ln.strip() for ln in raw]
    width = _wrap_width(lines, k)
    out: list[str] = []
    for ln in lines:
        if out and out[-1] and ln and not _BULLET.match(ln):
            prev = out[-1]
            last = prev[prev.rfind("\n") + 1:]
            numbered = _NUMBERED.match(ln) is not None
            # the width is a lower bound (the longest line seen to wrap): allow a little over it
            if (width and width * 0.6 <= len(last) <= width * 1.15 and (ln[0].islower() or not last.endswith(":"))
                    and (ln[0].islower() or not _stands_alone(last, k, opening=False))):
                first_word = len(ln.split(None, 1)[0])
                if _RANKED.match(last) and _RANKED.match(ln):
                    joins = False  # `1 Headline` then `2 Headline`: a list
                elif numbered:
                    # `…on June` + `1. About …`: a wrap, unless a list is being opened or continued
                    joins = not ends_sentence(last) and last[-1] not in ";" and not _NUMBERED.match(last)
                else:
                    joins = len(last) + 1 + first_word > width - 1 and (ln[0].islower() or not _stands_alone(ln, k))
                if joins:
                    out[-1] = f"{prev}\n{ln}"
                    continue
            if not numbered and len(last.split()) >= 8 and not ends_sentence(last) and ln[0].islower():
                out[-1] = f"{prev}\n{ln}"
                continue
        out.append(ln)
    return out


def _unwrap(text: str) -> str:
    """Join the parts of a wrapped line; a word broken at its hyphen stays one word."""
    if "\n" not in text:
        return text
    return _HYPHEN_BREAK.sub("", text).replace("\n", " ")


def _is_switcher(text: str) -> bool:
    tokens = [t for t in re.split(r"[\s|/]+", text) if t]
    if len(tokens) == 1:
        return len(tokens[0]) <= 3 or len(tokens[0]) >= 28
    short = sum(len(t) <= 3 for t in tokens)
    return short * 10 >= len(tokens) * 7 and len(tokens) <= 12


def _is_widget(text: str, words: int, *, counters: bool = True) -> bool:
    """Phone numbers, counters, currency rates, weather."""
    if words <= 14 and _DIGIT.search(text):
        if _PHONE.match(text) or (counters and _COUNTER.match(text)):
            return True
        if _CURRENCY.search(text) and not ends_sentence(text):
            return True
    return words <= 6 and _WEATHER.search(text) is not None


def _classify(text: str, k: OutletKnowledge, prev_kind: str) -> Line:
    line = Line(text)
    bullet = _BULLET.match(text)
    if bullet:
        line.bullet = True
        text = line.text = text[bullet.end():].strip()
    if not text:
        line.role = CHROME
        return line
    words = text.split()
    line.words = n = len(words)
    if k.is_chrome(text):
        line.role = CHROME
        return line
    label = k.label(text)
    if label:
        line.kind, _, line.value = label
        if line.kind == "read_also" and not line.value:
            line.role = STOP
        elif line.kind in ("published", "updated"):
            line.role = DATE if line.kind == "published" else CHROME
            line.date = find_date(line.value)
            if line.date is None and line.kind == "published":
                slow = parse_date(line.value, fallback=True, languages=("en", "ru", "kk"))
                line.date = DateMatch(slow, 0, 0) if slow else None
            if line.date is None:
                line.role = CHROME
        else:
            line.role = LABEL
        return line
    if k.is_stop(text):
        line.role = STOP
        return line
    footer = _FOOTER.match(text)
    if footer and text[0] in "©(cC" and _FOOTER_YEAR.search(text):
        line.role, line.kind, line.value = CHROME, "footer", footer["owner"].strip(" ,.")
        return line
    caption = _CAPTION_CREDIT.search(text)
    if caption and (caption.start() == 0 or len(text[:caption.start()].split()) <= 40):
        credit = caption["value"]
        if caption["copy"] or caption.start() > 0 or caption["label"]:
            line.role, line.kind, line.value = CAPTION, "photo", credit
            return line
    if _is_widget(text, n):
        line.role = CHROME
        return line
    caps = _CAPS_NAME.match(text)
    if caps and text.upper() == text and n <= 4:
        line.role, line.kind, line.value = BYLINE, "caps", caps["name"]
        return line
    by = k.byline_pattern.match(text)
    if by and n <= 16 and not ends_sentence(text):
        line.role, line.kind, line.value = BYLINE, "by", by["rest"]
        line.date = find_date(by["rest"])
        return line
    if n <= 14 and not (n >= 8 and ends_sentence(text)):
        found = find_date(text)
        if found is not None and _mostly_date(text, found):
            line.role, line.date = DATE, found
            return line
    if _NUMBERED.match(text):
        line.role = LIST
        return line
    if (n >= 8 and ends_sentence(text)) or n >= 25:
        line.role = PROSE
        return line
    if _BREADCRUMB.search(text) or (n <= 14 and _is_switcher(text)) or _WIRE_SLUG.match(text):
        line.role = CHROME
        return line
    if n >= 3 and len(text) >= 12 and text.isupper():
        line.role = CHROME  # a masthead in capitals
        return line
    if line.bullet:
        line.role = LIST if n >= 4 and prev_kind in (PROSE, LIST) else CHROME
        return line
    if _RANKED.match(text):
        line.role = CHROME  # "1 Most read headline"
        return line
    if n >= 2 and k.is_menu(text):
        line.role = CHROME
        return line
    line.role = OTHER
    return line


def _mostly_date(text: str, found: DateMatch) -> bool:
    """True when little but the date and its labels is left on the line."""
    rest = (text[:found.start] + " " + text[found.end:])
    words = [w for w in re.split(r"[\s|,:()\[\]]+", rest) if w]
    left = [w for w in words if w.lower().strip(".") not in _DATE_WORDS and not any(c.isdigit() for c in w)
            and w not in "-–—•·"]
    if len(left) > 4:
        return False
    return all(w[0].isupper() or not w[0].isalpha() or w.lower() in ("update", "updated") for w in left)


def read_lines(text: str, k: OutletKnowledge) -> tuple[str | None, list[Line]]:
    """Split a dump into classified lines; returns the crawl date and the lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    raw = text.split("\n")
    crawl = None
    for i, first in enumerate(raw):
        if first.strip():
            m = _CRAWL.match(first)
            if m and _real_date(m["date"]):
                crawl, raw[i] = m["date"], first[m.end():]
            break
    lines: list[Line] = []
    prev = BLANK
    for joined in _join_wrapped(raw, k):
        if not joined:
            lines.append(Line("", BLANK))
            continue
        ln = _unwrap(joined)
        line = _classify(ln, k, prev)
        if "\n" in joined:
            line.first_part = joined.split("\n", 1)[0]
        lines.append(line)
        prev = line.role
    _mark_list_intros(lines)
    return crawl, lines


def _real_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _mark_list_intros(lines: list[Line]) -> None:
    """``The highest turnout was in:`` before a numbered list is prose."""
    for i, line in enumerate(lines):
        if line.role == OTHER and line.text.endswith(":") and line.words >= 4:
            nxt = next((ln for ln in lines[i + 1:] if ln.role not in (BLANK, CHROME, CAPTION)), None)
            if nxt is not None and nxt.role == LIST:
                line.role = PROSE


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
            if current and (role == LIST or gap == 0):
                current.append(i)
                gap = 0
            elif role == OTHER:
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


# -- pass 3: fields ------------------------------------------------------------------

def _pick_title(header: list[Line], lines: list[Line], body_text: str, k: OutletKnowledge) -> str | None:
    keys = content_keys(body_text)
    seen: dict[str, int] = {}
    for line in lines:
        if line.role != BLANK:
            key = collapse(line.text).casefold()
            seen[key] = seen.get(key, 0) + 1
    candidates = []
    for line in header:
        if line.role not in (OTHER, PROSE) or line.bullet:
            continue
        text = collapse(line.text)
        if line.first_part:
            rest = line.text[len(line.first_part):].lstrip()
            if rest[:1].isupper():
                text = collapse(line.first_part)  # a headline the wrap joined to the line below it
        if k.outlet_named(text) is not None:
            continue  # the site's own name
        if not 3 <= len(text.split()) <= 30 or len(text) < 12 or text.endswith((".", ":", ",")):
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
    return candidates[0][0] if candidates else None


def _pick_date(header: list[Line], tail: list[Line]) -> PageDate | None:
    for zone in (header, tail):
        for line in zone:
            if line.role in (DATE, BYLINE) and line.date is not None:
                return line.date.value
            if zone is tail and line.role == STOP:
                break
    return None


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
            break
        parts.append(collapse(nxt.text))
        used.add(j)
        if len(split_tags(parts[-1], vocabulary)) > 1:
            break  # a whole tag line, not one tag a line
    tags: list[str] = []
    for part in parts:
        tags.extend(t for t in split_tags(part, vocabulary) if t not in tags)
    return tags, "\n".join(parts), used


def _outlet_from_attribution(body: list[str], k: OutletKnowledge) -> tuple[str | None, bool]:
    for paragraph in body[:2] + body[-1:]:
        for pattern in _ATTRIBUTION:
            m = pattern.search(paragraph)
            if m:
                name = m["name"].rstrip(".")
                outlet = k.outlet_named(name) or k.outlet_in(name)
                return (outlet.name, True) if outlet else (name, False)
    return None, False


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
            facts.dateline = found.place
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
    facts.body = [collapse_keep(ln.text) for ln in body_lines]
    body_text = " ".join(facts.body)

    facts.title = _pick_title(header, lines, body_text, k)
    if facts.title is None:
        facts.warnings.append("no title found")

    # date: a date line above the body (or just below it), else the dateline's day
    found = _pick_date(header, tail)
    if found is not None:
        facts.date_source = "page"
    elif dateline is not None and dateline.date_text:
        found = _dateline_date(dateline.date_text, facts.crawl_date)
        facts.date_source = "dateline" if found else None
    facts.date = found

    _fields(facts, lines, header, tail, start, end, span is not None, k, vocabulary)
    _outlet(facts, header, lines, dateline, tail_all, k)
    if not facts.body:
        facts.warnings.append("no article text found")
    return facts


def _dateline_date(text: str, crawl: str | None) -> PageDate | None:
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


def collapse_keep(text: str) -> str:
    """Strip a paragraph's ends; inner characters (NBSP, quotes) stay as printed."""
    return text.strip()


def _fields(facts: PageFacts, lines: list[Line], header: list[Line], tail: list[Line], start: int,
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


def _outlet(facts: PageFacts, header: list[Line], lines: list[Line], dateline, tail_all: list[Line],
            k: OutletKnowledge) -> None:
    # 1. the agency in the dateline
    if dateline is not None and dateline.agency:
        outlet = k.agency(dateline.agency)
        facts.outlet, facts.outlet_from = (outlet.name if outlet else dateline.agency), "dateline"
        return
    # 2. a Source: line naming a known outlet
    for line in lines:
        if line.role == LABEL and line.kind == "source" and line.value:
            outlet = k.outlet_named(line.value) or k.outlet_in(line.value)
            if outlet:
                facts.outlet, facts.outlet_from = outlet.name, "source"
                return
    # 3. "…, Kazinform reports" / "передает Tabys News"
    attributed, known = _outlet_from_attribution(facts.body, k)
    if attributed and known:
        facts.outlet, facts.outlet_from = attributed, "attribution"
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
            outlet = k.outlet_named(line.value)
            facts.outlet, facts.outlet_from = (outlet.name if outlet else line.value), "footer"
            return
