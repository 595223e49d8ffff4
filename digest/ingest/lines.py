"""Pass 1 of reading a text dump: lines and their roles.

A leading `` date YYYY-MM-DD `` crawl marker is split off; hard-wrapped lines are
joined; every line gets a role from its shape and position, never from one site's
wording: chrome (widgets, menus, breadcrumbs, counters, language switchers, share
buttons), a section heading that ends the article (``Related news``), a labelled field
(``Author:``, ``Фото:``), a caption, a date line, a byline, prose, a list item, or other
short text. What is known about labels, headings and chrome comes from ``outlets.toml``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from digest.ingest.dates import DateMatch, find_date, find_relative_date, parse_date
from digest.ingest.outlets import OutletKnowledge

# line roles
BLANK, CHROME, STOP, LABEL, CAPTION, DATE, BYLINE, PROSE, LIST, OTHER = (
    "blank", "chrome", "stop", "label", "caption", "date", "byline", "prose", "list", "other")
INTRO = "intro"  # not a role: what the line before a bullet was, when it opens a list (`… were:`)

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
_TOKEN = re.compile(r"[^\W\d_]{4,}")
_ANY_DAY = date(2000, 1, 1)
_CRUMB_SEPARATOR = re.compile(r"\s[»›>|/]\s|\s[>»›]$")
_HARD_END = re.compile(r"[.!?…][»\"”’')\]]*$")
"""A sentence's end: a full stop, ``!``, ``?`` or ``…``, maybe inside quotes or brackets."""
_UPDATED_TAIL = re.compile(r"[(\[|]?\s*(?:last\s+)?(?:updated?|modified|обновлен\w*|изменен\w*|жаңартыл\w*)\b.*$",
                           re.IGNORECASE | re.DOTALL)
"""`Updated 2 hours ago` after a date: not part of the date line's own words."""
_NAME_PARTICLES = frozenset("de da del van von der al el bin ibn ben uulu kyzy уулу кызы ұлы қызы оглы".split())
_DATE_WORDS = frozenset(
    "published updated update posted date on at by last modified | - – — : opublikovano "
    "опубликовано обновлено изменено дата жарияланды жарияланған жаңартылды жаңартылған в г года ж "
    "жылы жыл жылғы сағат gmt utc msk ist mon tue wed thu fri sat sun monday tuesday wednesday thursday friday "
    "saturday sunday понедельник вторник среда четверг пятница суббота воскресенье".split())




@dataclass(slots=True)
class Line:
    text: str
    role: str = OTHER
    bullet: str = ""          # the bullet the line opened with (`•`), taken off ``text``
    value: str = ""           # a label's value, a caption's credit, a byline's name
    kind: str = ""            # a label's kind (author, photo, tags …)
    date: DateMatch | None = None
    words: int = 0
    first_part: str = ""      # the first of the lines a hard wrap joined
    after_crawl: bool = False  # the rest of the crawl marker's line: the site's name or menu


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
        if len(a) < 40 or not b or a.endswith(":") or _RANKED.match(a) or _NUMBERED.match(a):
            continue  # list items are lines of their own, not wrapped text
        if ends_sentence(a) and not (b[0].islower() and not _HARD_END.search(a)):
            continue  # `… «Аманат»` + `партиясы жинады.`: a quote, not a sentence, ends the line
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
    if words <= 8 and not ends_sentence(line) and (_CRUMB_SEPARATOR.search(line) or _is_switcher(line)):
        return True  # `Main Page > News`, `RU | KZ | EN`
    if len(line) > 80:
        return False
    found = find_date(line)
    if found is None and words <= 8:
        found = find_relative_date(line, _ANY_DAY)  # `Сегодня, 14:20`: the shape, whatever the day
        found = found if found is not None and found.value.has_time else None
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
            if not numbered and len(last.split()) >= 8 and not _HARD_END.search(last) and ln[0].islower():
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


def _classify(text: str, k: OutletKnowledge, prev_kind: str, crawl: date | None = None) -> Line:
    """The role of one line; ``crawl`` (the crawl marker's day) dates ``Today, 14:20``."""
    line = Line(text)
    bullet = _BULLET.match(text)
    if bullet:
        line.bullet = bullet.group(0).strip()
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
            if line.date is None and crawl is not None:
                line.date = find_relative_date(line.value, crawl)
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
        if found is None and crawl is not None and n <= 8:
            found = find_relative_date(text, crawl)  # `Сегодня, 14:20`: only with a time
            if found is not None and found.value.has_time and _mostly_date(text, found):
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
        line.role, line.kind = CHROME, "capitals"  # a masthead, or now and then a headline in capitals
        return line
    if line.bullet:
        # a bullet list inside the story follows its intro (`… were:`) or prose; elsewhere it is a menu
        line.role = LIST if prev_kind in (INTRO, LIST) or (n >= 4 and prev_kind == PROSE) else CHROME
        return line
    if _RANKED.match(text):
        line.role = CHROME  # "1 Most read headline"
        return line
    if n >= 2 and k.is_menu(text):
        line.role = CHROME
        return line
    line.role = OTHER
    return line


def classify_line(text: str, k: OutletKnowledge) -> Line:
    """The role a line of text alone would have in a dump (an HTML paragraph is read so)."""
    return _classify(collapse(text), k, BLANK)


def _mostly_date(text: str, found: DateMatch) -> bool:
    """True when little but the date and its labels is left on the line."""
    rest = text[:found.start] + " " + _UPDATED_TAIL.sub("", text[found.end:])
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
    crawl_line = -1
    for i, first in enumerate(raw):
        if first.strip():
            m = _CRAWL.match(first)
            if m and _real_date(m["date"]):
                crawl, raw[i] = m["date"], first[m.end():]
                crawl_line = i
            break
    crawl_day = date.fromisoformat(crawl) if crawl else None
    lines: list[Line] = []
    prev = BLANK
    joined_lines = _join_wrapped(raw, k)
    for index, joined in enumerate(joined_lines):
        if not joined:
            lines.append(Line("", BLANK))
            continue
        ln = _unwrap(joined)
        line = _classify(ln, k, prev, crawl_day)
        line.after_crawl = index == crawl_line
        if "\n" in joined:
            line.first_part = joined.split("\n", 1)[0]
        lines.append(line)
        prev = INTRO if line.role == OTHER and line.words >= 3 and line.text.endswith(":") else line.role
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

