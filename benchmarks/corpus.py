"""A deterministic generated digest for benchmarks: N election entries.

Same shape as a real digest: YAML front matter, 4–9 paragraphs, 1–4 tags from
26, dates over 7 years, about one entry in ten in Russian and one in twenty in
Kazakh.

    python benchmarks/corpus.py /tmp/bench-site 10000              # plain prose, as ingested
    python benchmarks/corpus.py /tmp/bench-site 10000 --markdown   # as editors leave it

Plain prose is what ``digest ingest`` writes. ``--markdown`` gives the same
entries (the same front matter, words and dates) the Markdown an editor adds
while curating them, in the shares of ``MARKDOWN_SHARES`` (see there).
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
from datetime import datetime, timedelta
from pathlib import Path

TAGS = [
    "Elections", "Majilis", "Maslikhat", "Senate", "Presidential election", "Referendum",
    "CEC", "Observers", "OSCE", "CIS", "UN", "Turnout", "Voter lists", "Polling stations",
    "Campaign finance", "Candidates", "Parties", "E-voting", "Election law", "Local elections",
    "Ballots", "Media", "Courts", "Diaspora", "Youth", "Women in politics",
]
OUTLETS = [
    ("Kazinform", "ASTANA. KAZINFORM"), ("Qazaq TV", "ASTANA"), ("TASS", "ASTANA, {md}. /TASS/."),
    ("Reuters", "ALMATY, {md} (Reuters) -"), ("Astana Times", "ASTANA —"),
    ("Sputnik Kazakhstan", "АСТАНА, {md} – Sputnik."), ("Vlast.kz", "ALMATY"),
]
EN_WORDS = (
    "election commission observers voters polling station ballot turnout candidate party "
    "district region campaign registration mission report recommendation parliament deputy "
    "chairman secretary procedure count result preliminary final session meeting law amendment "
    "citizens abroad embassy list mandate seat vote monitoring international national local"
).split()
RU_WORDS = (
    "выборы комиссия наблюдатели избиратели участок бюллетень явка кандидат партия округ "
    "область кампания регистрация миссия доклад рекомендация парламент депутат председатель "
    "секретарь процедура подсчет результат заседание закон поправка граждане голосование"
).split()
KK_WORDS = (
    "сайлау комиссия байқаушылар сайлаушылар учаске бюллетень кандидат партия округ облыс "
    "науқан тіркеу миссия баяндама ұсыныс парламент депутат төраға хатшы нәтиже заң азаматтар"
).split()
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]


def _sentence(rng: random.Random, words: list[str]) -> str:
    n = rng.randint(8, 22)
    text = " ".join(rng.choice(words) for _ in range(n))
    if rng.random() < 0.3:
        text += f" {rng.randint(2, 99)}.{rng.randint(0, 9)} percent"
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, words: list[str]) -> str:
    return " ".join(_sentence(rng, words) for _ in range(rng.randint(2, 5)))


# The share of entries that get each construct with --markdown, drawn
# independently. Modelled on what curating a news entry takes: the link to the
# original report or to an earlier one (the commonest edit), a figure in bold,
# a law's or report's title in italics, the candidates or parties as a list, a
# ranked result or the steps of a procedure as a numbered list, a statement
# quoted, a results table in the few entries that give results by region or
# party, and subheadings only where an entry is long enough to need them.
# About three entries in four end up with some Markdown; the rest stay plain
# prose as ingested (the fast path still takes those).
MARKDOWN_SHARES = {
    "link": 0.5,          # 1–2 inline links in a paragraph
    "bold": 0.3,          # a figure or a name in **bold**
    "italic": 0.2,        # a title or a credit line in *italics*
    "bullets": 0.2,       # a list of 3–6 items; one in five of them with a nested item
    "numbered": 0.1,      # a list of 3–5 numbered items
    "quote": 0.1,         # a block quote of one or two paragraphs
    "table": 0.02,        # a table of 3–6 rows
    "subheadings": 0.5,   # of the long entries (7 paragraphs or more): ``## `` headings
}


def entry_text(rng: random.Random, i: int, start: datetime, span_days: int,
               markdown: bool = False, even: bool = False) -> tuple[str, str]:
    """(relative path, file text) of entry number ``i``: a tenth in Russian, a
    twentieth in Kazakh, the rest in English (a third each when ``even``); with ``markdown``, the same
    entry with the Markdown an editor would add (its own random stream, so the
    front matter and words are those of the plain corpus)."""
    roll = rng.random()
    ru, kk = (1 / 3, 2 / 3) if even else (0.1, 0.15)
    lang, words = ("ru", RU_WORDS) if roll < ru else ("kk", KK_WORDS) if roll < kk else ("en", EN_WORDS)
    when = start + timedelta(days=rng.randrange(span_days), minutes=rng.randrange(24 * 60))
    if when >= datetime(2024, 3, 1):
        offset = "+05:00"
    else:
        offset = "+06:00"
    title_words = [rng.choice(words) for _ in range(rng.randint(5, 10))]
    title = " ".join(title_words).capitalize() + f" {i}"
    tags = rng.sample(TAGS, rng.randint(1, 4))
    outlet, dateline = rng.choice(OUTLETS)
    md = f"{MONTHS_EN[when.month - 1]} {when.day}"
    paragraphs = [_paragraph(rng, words) for _ in range(rng.randint(4, 9))]
    paragraphs[0] = dateline.format(md=md) + " " + paragraphs[0]
    lines = [
        "---",
        f'title: "{title}"',
        f"date: {when:%Y-%m-%dT%H:%M:00}{offset}",
        "tags: [" + ", ".join(tags) + "]",
        f"source: {outlet}",
        f"dateline: {dateline.split(',')[0].split('.')[0].split(' ')[0]}",
        f"lang: {lang}",
    ]
    if rng.random() < 0.3:
        lines.append(f"source_url: https://example.org/{outlet.lower().replace(' ', '-')}/{i}")
    if rng.random() < 0.1:
        lines.append(f'summary: "{_sentence(rng, words)}"')
    lines.append("---")
    if markdown:
        paragraphs = _add_markdown(random.Random(i * 7919 + 1), paragraphs, words)
    text = "\n".join(lines) + "\n" + "\n\n".join(paragraphs) + "\n"
    return f"{when:%Y/%m}/entry-{i:06d}.md", text


def _words(rng: random.Random, words: list[str], lo: int, hi: int) -> str:
    return " ".join(rng.choice(words) for _ in range(rng.randint(lo, hi)))


def _inline(rng: random.Random, paragraph: str, markup: str) -> str:
    """``paragraph`` with a run of its words marked up (never the dateline's first word)."""
    tokens = paragraph.split(" ")
    if len(tokens) < 6:
        return paragraph
    at = rng.randrange(2, len(tokens) - 3)
    span = rng.randint(1, 3)
    run = " ".join(tokens[at:at + span]).rstrip(".,")
    rest = " ".join(tokens[at:at + span])[len(run):]
    tokens[at:at + span] = [markup.format(run) + rest]
    return " ".join(tokens)


def _add_markdown(rng: random.Random, paragraphs: list[str], words: list[str]) -> list[str]:
    share = MARKDOWN_SHARES
    paras = list(paragraphs)
    if rng.random() < share["link"]:
        for _ in range(rng.randint(1, 2)):
            k = rng.randrange(len(paras))
            url = f"https://example.org/news/{rng.randrange(10**6)}"
            paras[k] = _inline(rng, paras[k], "[{}](" + url + ")")
    if rng.random() < share["bold"]:
        k = rng.randrange(len(paras))
        paras[k] = _inline(rng, paras[k], "**{}**")
    if rng.random() < share["italic"]:
        if rng.random() < 0.5:
            paras.append(f"*Photo: {rng.choice(words)}.example.org*")
        else:
            k = rng.randrange(len(paras))
            paras[k] = _inline(rng, paras[k], "*{}*")
    blocks: list[str] = []
    if rng.random() < share["bullets"]:
        items = [f"- {_words(rng, words, 2, 8).capitalize()}" for _ in range(rng.randint(3, 6))]
        if rng.random() < 0.2:
            items.insert(rng.randint(1, len(items)), f"    - {_words(rng, words, 2, 5)}")
        blocks.append("\n".join(items))
    if rng.random() < share["numbered"]:
        blocks.append("\n".join(f"{j}. {_words(rng, words, 3, 9).capitalize()}." for j in range(1, rng.randint(4, 6))))
    if rng.random() < share["quote"]:
        quote = [f"> {_paragraph(rng, words)}" for _ in range(rng.randint(1, 2))]
        blocks.append("\n>\n".join(quote))
    if rng.random() < share["table"]:
        rows = ["| Region | Turnout, % | Votes |", "|---|---:|---:|"]
        rows += [f"| {rng.choice(words).capitalize()} | {rng.randint(20, 90)}.{rng.randint(0, 9)} | {rng.randint(1000, 99999)} |"
                 for _ in range(rng.randint(3, 6))]
        blocks.append("\n".join(rows))
    for block in blocks:  # after the first paragraph, never before the dateline
        paras.insert(rng.randint(1, len(paras)), block)
    if len(paragraphs) >= 7 and rng.random() < share["subheadings"]:
        for k in sorted(rng.sample(range(2, len(paras)), 2), reverse=True):
            paras.insert(k, "## " + _words(rng, words, 2, 5).capitalize())
    return paras


def generate(root: Path, n: int, seed: int = 0, languages: list[str] | None = None,
             markdown: bool = False) -> Path:
    """Write a site with ``n`` entries into ``root`` (replacing its content/);
    with ``languages`` (``["kk", "ru", "en"]``) a multilingual site, its
    entries in the three languages alike; ``markdown``: the entries with the
    Markdown editors add (``MARKDOWN_SHARES``)."""
    rng = random.Random(seed)
    content = root / "content"
    if content.exists():
        shutil.rmtree(content)
    content.mkdir(parents=True)
    (root / "digest.toml").write_text(
        'title = "Benchmark Digest"\nbase_url = "https://example.org/"\n'
        'timezone = "Asia/Almaty"\nper_page = 20\nfeed_limit = 20\n'
        # Hugo and Pelican build no search index: neither does digest here
        # (the README gives Pagefind's time separately).
        "search = false\n"
        + (f"languages = {json.dumps(languages)}\n" if languages else ""),
        encoding="utf-8",
    )
    start = datetime(2018, 1, 1)
    for i in range(n):
        rel, text = entry_text(rng, i, start, span_days=7 * 365, markdown=markdown, even=bool(languages))
        path = content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--markdown", action="store_true", help="the entries with the Markdown editors add")
    parser.add_argument("--languages", help="a multilingual site in these languages, e.g. kk,ru,en (default: one language)")
    args = parser.parse_args()
    generate(args.root, args.n, args.seed, args.languages.split(",") if args.languages else None, markdown=args.markdown)
    kind = "Markdown" if args.markdown else "plain-prose"
    print(f"wrote {args.n} {kind} entries into {args.root / 'content'}")


if __name__ == "__main__":
    main()
