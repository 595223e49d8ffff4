"""Fuzzing: random articles and damaged fixture pages never crash ingest, never
leave a partial or temporary file, and every entry written reads back."""
from __future__ import annotations

import contextlib
import html
import io
import os
import random
import re
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digest.cli import main
from digest.config import load_config
from digest.content import parse_entry
from digest.errors import IngestError
from digest.ingest.article import Article
from digest.ingest.commands import entry_validator, parse_page
from digest.ingest.source import decode_page
from digest.ingest.write import EntryWriter, Status, clean_text, escape_paragraph, split_entry
from digest.markup import render_markdown

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
PAGE_FILES = sorted(PAGES.glob("*.txt"))
# A few seconds by default; FUZZ_EXAMPLES=2000 for a deep run.
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# Text with what scraped pages and Markdown find hard: Cyrillic/Kazakh letters,
# markup characters, quotes, NBSP, line breaks and control characters.
ALPHABET = st.sampled_from(
    list("abcXYZ019 .,:;!?-+*_#>`[](){}<>&|~=\\/'\"\n\t\r")
    + list("АБВабвәғқңөұүһі«»—–…№©℃\u00a0\u2028\x00\x07\x1b\u200b")
    + ["<script>", "&amp;", "&#169;", "1. ", "# ", "---", "javascript:", "${x}", "{{ x }}", "{% x %}"]
)
TEXT = st.lists(ALPHABET, max_size=40).map("".join)


def check_content(content: Path, config_root: Path) -> list[Path]:
    """Every file below content/ is a complete, loadable entry; nothing else."""
    config = load_config(config_root)
    found = []
    for path in content.rglob("*"):
        if path.is_dir():
            continue
        assert path.suffix == ".md", f"stray file {path}"
        text = path.read_text(encoding="utf-8")
        front, _ = split_entry(text)
        meta = yaml.load(front, Loader=yaml.CSafeLoader)
        assert isinstance(meta, dict) and meta["title"] and meta["date"]
        parse_entry(path.read_bytes(), rel=path.name, shown=path.name, config=config)
        found.append(path)
    return found


def rendered_text(markdown_text: str) -> str:
    out = re.sub(r"<[^>]+>", " ", render_markdown(markdown_text))
    return " ".join(html.unescape(out).split())


@FUZZ
@given(TEXT)
def test_escaped_text_renders_as_itself(text: str) -> None:
    assert rendered_text(escape_paragraph(text)) == " ".join(clean_text(text).split())


@FUZZ
@given(
    title=st.one_of(st.none(), TEXT),
    published=st.one_of(
        st.none(),
        st.sampled_from(["2023-03-10T14:20+06:00", "2023-03-10T14:20", "2023-03-10", "not a date", "2023-02-30"]),
    ),
    crawl=st.one_of(st.none(), st.just("2024-01-05")),
    outlet=st.one_of(st.none(), TEXT),
    tags=st.lists(TEXT, max_size=4),
    body=st.lists(TEXT, max_size=4),
    author=st.one_of(st.none(), TEXT),
    url=st.one_of(st.none(), TEXT, st.just("https://example.kz/a?b=1")),
    language=st.one_of(st.none(), st.sampled_from(["en", "ru", "kk", "xx-YY-zz", "??"])),
    force=st.booleans(),
)
def test_random_articles_never_crash_and_always_read_back(
    title, published, crawl, outlet, tags, body, author, url, language, force
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        config = load_config(root)
        writer = EntryWriter(root / "content", force=force, validate=entry_validator(config))
        article = Article(
            source="fuzz.txt", title=title, published=published, crawl_date=crawl, outlet=outlet,
            tags=tags, body=body, author=author, source_url=url, language=language, dateline=author,
        )
        first = writer.ingest(article)
        assert first.status in (Status.WRITTEN, Status.SKIPPED)
        again = EntryWriter(root / "content", force=force).ingest(article)
        if first.status is Status.WRITTEN:
            assert again.status is Status.UNCHANGED
            assert check_content(root / "content", root) == [first.path]
        else:
            assert again.status is Status.SKIPPED
            assert not (root / "content").exists()


def mutate(data: bytes, rnd: random.Random, how: str) -> bytes:
    if how == "truncate":
        return data[: rnd.randrange(0, len(data) + 1)]
    if how == "flip":
        out = bytearray(data)
        for _ in range(rnd.randrange(1, 12)):
            out[rnd.randrange(len(out))] = rnd.randrange(256)
        return bytes(out)
    if how == "shuffle":
        lines = data.split(b"\n")
        rnd.shuffle(lines)
        return b"\n".join(lines)
    if how == "script":
        lines = data.split(b"\n")
        for _ in range(3):
            lines.insert(rnd.randrange(len(lines) + 1), b"<script>alert('x')</script> # 1. [x](javascript:y)")
        return b"\n".join(lines)
    if how == "cp1251":
        return data.decode("utf-8").encode("cp1251", errors="replace")
    raise AssertionError(how)


@FUZZ
@given(
    page=st.sampled_from(PAGE_FILES),
    how=st.sampled_from(["truncate", "flip", "shuffle", "script", "cp1251"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_damaged_pages_never_crash_ingest(page: Path, how: str, seed: int) -> None:
    pytest.importorskip("digest.ingest.parse")
    rnd = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        damaged = root / "pages" / page.name
        damaged.parent.mkdir()
        damaged.write_bytes(mutate(page.read_bytes(), rnd, how))
        article = parse_page(damaged, root=root)
        assert article.error is None or article.error.strip()
        writer = EntryWriter(root / "content", validate=entry_validator(load_config(root)))
        outcome = writer.ingest(article)
        assert outcome.status in (Status.WRITTEN, Status.SKIPPED, Status.FAILED)
        assert outcome.status is not Status.FAILED or outcome.reason
        written = check_content(root / "content", root) if (root / "content").exists() else []
        assert written == ([outcome.path] if outcome.status is Status.WRITTEN else [])


@FUZZ
@given(
    damage=st.lists(
        st.tuples(
            st.sampled_from(PAGE_FILES),
            st.sampled_from(["truncate", "flip", "shuffle", "script", "cp1251"]),
            st.integers(0, 2**32 - 1),
        ),
        min_size=1,
        max_size=4,
    ),
    twice=st.booleans(),
)
def test_ingest_command_on_damaged_batches(damage: list, twice: bool) -> None:
    pytest.importorskip("digest.ingest.parse")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        pages = root / "pages"
        pages.mkdir()
        for n, (page, how, seed) in enumerate(damage):
            (pages / f"{n}-{page.name}").write_bytes(mutate(page.read_bytes(), random.Random(seed), how))
        for _ in range(2 if twice else 1):
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                code = main(["ingest", str(pages), "--root", str(root)])
            results = [line.split("│")[2].strip() for line in out.getvalue().splitlines()
                       if line.startswith("│") and line.split("│")[2].strip()]
            assert len(results) == len(damage)
            assert code == (1 if {"failed", "skipped"} & set(results) else 0)
            written = check_content(root / "content", root) if (root / "content").exists() else []
            assert len(written) <= len(damage)


@FUZZ
@given(st.binary(max_size=400))
def test_decode_page_either_decodes_or_says_why(data: bytes) -> None:
    try:
        page = decode_page(data)
    except IngestError as exc:
        assert exc.message.startswith(("file is empty", "binary file", "cannot tell the text encoding", "cannot decode"))
    else:
        assert isinstance(page.text, str) and page.text.strip()
