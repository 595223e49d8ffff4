"""A deterministic generated digest for benchmarks: N election entries.

Same shape as a real digest: YAML front matter, 4–9 paragraphs, 1–4 tags from
26, dates over 7 years, about one entry in ten in Russian and one in twenty in
Kazakh.

    python benchmarks/corpus.py /tmp/bench-site 10000
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


def entry_text(rng: random.Random, i: int, start: datetime, span_days: int, even: bool = False) -> tuple[str, str]:
    """(relative path, file text) of entry number ``i``: a tenth in Russian, a
    twentieth in Kazakh, the rest in English (a third each when ``even``)."""
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
    text = "\n".join(lines) + "\n" + "\n\n".join(paragraphs) + "\n"
    return f"{when:%Y/%m}/entry-{i:06d}.md", text


def generate(root: Path, n: int, seed: int = 0, languages: list[str] | None = None) -> Path:
    """Write a site with ``n`` entries into ``root`` (replacing its content/);
    with ``languages`` (``["kk", "ru", "en"]``) a multilingual site, its
    entries in the three languages alike."""
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
        rel, text = entry_text(rng, i, start, span_days=7 * 365, even=bool(languages))
        path = content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--languages", help="a multilingual site in these languages, e.g. kk,ru,en (default: one language)")
    args = parser.parse_args()
    generate(args.root, args.n, args.seed, args.languages.split(",") if args.languages else None)
    print(f"wrote {args.n} entries into {args.root / 'content'}")


if __name__ == "__main__":
    main()
