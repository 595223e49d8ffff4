"""``digest parse`` and ``digest ingest``: pages in, a report (and entries) out.

A bad page never stops a batch: it gets a line in the report (an ``error`` in
``parse --json``) and the exit status becomes 1.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from rich.console import Console
from rich.table import Table
from rich.text import Text

from digest.errors import ContentError, DigestError, IngestError
from digest.ingest.article import Article
from digest.ingest.outlet_cues import NewOutlet, stanzas_note
from digest.ingest.pool import dask_parsing, default_jobs, parsing
from digest.ingest.topic import Topic, load_topic
from digest.ingest.warc import CrawledPage, Skipped, is_archive, read_archive
from digest.ingest.write import EntryWriter, Outcome, Status

log = logging.getLogger(__name__)

PAGE_SUFFIXES = (".txt", ".html", ".htm")


@dataclass(frozen=True, slots=True)
class AddressedFile:
    """A scraped file with the address it was saved from (``--source-url``)."""

    path: Path
    url: str

    def __str__(self) -> str:
        return str(self.path)


Job = Path | CrawledPage | AddressedFile
"""What one parse works on: a scraped file (with its address, if given), or a page from a crawl archive."""
NO_ARTICLE = "no recognisable article: no article text found"
NO_ARTICLE_AT_ALL = "no recognisable article: neither a title nor article text found"
PROGRESS_THRESHOLD = 20
"""Batches of more pages than this show a progress bar on stderr."""

_STYLES = {
    Status.WRITTEN: "green",
    Status.UPDATED: "green",
    Status.OVERWRITTEN: "yellow",
    Status.UNCHANGED: "dim",
    Status.KEPT: "yellow",
    Status.DUPLICATE: "yellow",
    Status.SKIPPED: "red",
    Status.FAILED: "bold red",
}
_DRY_WORDS = {
    Status.WRITTEN: "would write",
    Status.UPDATED: "would update",
    Status.OVERWRITTEN: "would overwrite",
}


# ---------------------------------------------------------------- parsing


def parse_page(path: Path, *, root: Path | None = None) -> Article:
    """Parse one page; any failure becomes ``Article(error=...)``, never an exception.

    A page in which no article text was found is a failure too.
    """
    return parse_job(path, root=root)


def parse_job(job: Job, *, root: Path | None = None, topic: Topic | None = None) -> Article:
    """Parse a scraped file or a page from a crawl archive, never raising (see
    ``parse_page``); with a ``topic``, the article gets its score."""
    article = _parse_job(job, root=root)
    if topic is not None and article.error is None:
        article.topic = topic.score(article)
    return article


def _parse_job(job: Job, *, root: Path | None = None) -> Article:
    source = job.source if isinstance(job, CrawledPage) else str(job)
    try:
        from digest.ingest.parse import parse_crawled, parse_file
    except ImportError as exc:  # pragma: no cover - the parser is part of the package
        return Article(source=source, error=f"the page parser is not available ({exc})")
    try:
        if isinstance(job, CrawledPage):
            article = parse_crawled(job, root=root)
        elif isinstance(job, AddressedFile):
            article = parse_file(job.path, root=root, address=job.url)
        else:
            article = parse_file(job, root=root)
    except DigestError as exc:
        return Article(source=source, error=exc.message)
    except Exception as exc:  # a parser bug must not sink the batch
        log.exception("parsing %s failed", source)
        return Article(source=source, error=f"internal error while parsing: {exc!r}")
    if not article.source:
        article.source = source
    if article.error is None and not any(p.strip() for p in article.body):
        article.error = NO_ARTICLE if article.title else NO_ARTICLE_AT_ALL
    return article


def collect_pages(inputs: Iterable[Path]) -> tuple[list[Path], list[Outcome]]:
    """Files as given, and pages (``*.txt``/``*.html``/``*.htm``) and crawl archives
    (``*.warc[.gz]``, ``*.arc[.gz]``) below each folder (hidden ones skipped), each
    once. A folder with neither gives a failed row."""
    pages: list[Path] = []
    problems: list[Outcome] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            pages.append(path)

    for item in inputs:
        if item.is_dir():
            found = sorted(
                path
                for path in item.rglob("*")
                if (path.suffix.lower() in PAGE_SUFFIXES or is_archive(path))
                and not any(part.startswith(".") for part in path.relative_to(item).parts)
                and path.is_file()
            )
            if not found:
                problems.append(Outcome(str(item), Status.FAILED,
                                        reason="no pages (*.txt, *.html, *.htm) in this folder, "
                                               "nor crawl archives (*.warc[.gz], *.arc[.gz])"))
            for path in found:
                add(path)
        else:
            add(item)
    return pages, problems


@dataclass
class CrawlCounts:
    """What was found in each crawl archive, for the lines under the report."""

    pages: Counter = field(default_factory=Counter)
    skipped: dict[str, Counter] = field(default_factory=dict)
    damaged: Counter = field(default_factory=Counter)

    def skipped_total(self) -> int:
        return sum(sum(c.values()) for c in self.skipped.values())

    def lines(self) -> list[str]:
        lines = []
        for archive in self.pages.keys() | self.skipped.keys() | self.damaged.keys():
            skipped = self.skipped.get(archive, Counter())
            total = self.pages[archive] + sum(skipped.values()) + self.damaged[archive]
            line = f"{archive}: {total} records: {self.pages[archive]} pages"
            if self.damaged[archive]:
                line += f", {self.damaged[archive]} damaged"
            if skipped:
                line += "; skipped " + ", ".join(f"{n} {kind}" for kind, n in sorted(skipped.items()))
            lines.append(line)
        return sorted(lines)


def iter_work(paths: Iterable[Path], counts: CrawlCounts) -> Iterator[Job | Outcome]:
    """The pages to parse, in order: each scraped file, and each page of each crawl
    archive (its other records counted in ``counts``; a damaged one a failed row)."""
    seen_urls: set[str] = set()
    for path in paths:
        if isinstance(path, AddressedFile) or not is_archive(path):
            yield path
            continue
        for record in read_archive(path, shown=str(path), seen_urls=seen_urls):
            if isinstance(record, CrawledPage):
                counts.pages[record.archive] += 1
                yield record
            elif isinstance(record, Skipped):
                counts.skipped.setdefault(record.archive, Counter())[record.kind] += 1
            else:
                counts.damaged[record.archive] += 1
                yield Outcome(record.source, Status.FAILED, reason=record.message)


def _with_progress(items: Iterable, label: str, *, total: int | None, counts: CrawlCounts | None = None) -> Iterator:
    """``items`` as they come, with a progress bar on stderr for large or
    streamed batches: pages done, pages per second, and what was skipped."""
    if total is not None and total <= PROGRESS_THRESHOLD:
        yield from items
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    count_column = MofNCompleteColumn() if total is not None else TextColumn("{task.completed}")
    columns = (TextColumn("{task.description}"), BarColumn(), count_column,
               TextColumn("{task.fields[rate]}"), TimeElapsedColumn())
    started = time.monotonic()
    with Progress(*columns, console=progress_console(), transient=True) as progress:
        task = progress.add_task(label, total=total, rate="")
        for done, item in enumerate(items, 1):
            yield item
            rate = f"{done / max(time.monotonic() - started, 1e-6):.1f} pages/s"
            if counts is not None and counts.skipped_total():
                rate += f", {counts.skipped_total()} records skipped"
            progress.update(task, advance=1, rate=rate)


def progress_console() -> Console:
    """Where progress bars go: stderr, so the report on stdout stays clean."""
    return Console(stderr=True)


def _stdout_console() -> Console:
    console = Console(highlight=False)
    if not console.is_terminal:  # a pipe or a file: never wrap messages
        console = Console(highlight=False, width=max(console.width, 4096), no_color=True)
    return console


def _as_article(item: Article | Outcome) -> Article:
    if isinstance(item, Outcome):
        return Article(source=item.source, error=item.reason)
    return item


def run_parse(args: argparse.Namespace) -> int:
    """``digest parse [--json] FILE...``: exit status 1 when any page failed."""
    root = getattr(args, "root", None)
    topic = chosen_topic(args, None)
    files = list(args.files)
    counts = CrawlCounts()
    total = None if any(is_archive(p) for p in files) else len(files)
    files = addressed(args, files)
    with _parsing(args, files, counts, root, topic) as parsed:
        articles = [_as_article(a) for a in _with_progress(parsed, "Parsing", total=total, counts=counts)]
    if args.json:
        json.dump([a.to_json() for a in articles], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write("\n".join(summarize(a) for a in articles))
    sys.stdout.flush()
    for line in counts.lines():
        print(line, file=sys.stderr)
    return 1 if any(a.error for a in articles) else 0


def summarize(article: Article) -> str:
    """A few readable lines about one parsed page."""
    lines = [article.source]
    if article.error:
        lines.append(f"  error:     {article.error}")
    else:
        body_chars = sum(len(p) for p in article.body)
        rows = [
            ("title", article.title),
            ("published", article.published),
            ("outlet", article.outlet),
            ("source url", article.source_url),
            ("dateline", article.dateline),
            ("author", article.author),
            ("tags", ", ".join(article.tags) or None),
            ("language", article.language),
            ("photo", article.photo_credit),
            ("crawled", article.crawl_date),
            ("body", f"{len(article.body)} paragraphs, {body_chars} characters"),
        ]
        for name, value in rows:
            if value is not None:
                lines.append(f"  {name + ':':<11}{value}")
        if article.body:
            first = " ".join(article.body[0].split())
            lines.append(f"  {'begins:':<11}{first[:100]}{'…' if len(first) > 100 else ''}")
    for warning in article.warnings:
        lines.append(f"  warning:   {warning}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- ingesting


def _site(args: argparse.Namespace):
    """(content folder, site config or None)."""
    root = Path(getattr(args, "root", None) or ".")
    content = getattr(args, "content", None)
    try:
        from digest.config import load_config
    except ImportError:  # pragma: no cover - the build's config is missing
        return Path(content) if content else root / "content", None
    config = load_config(root, content=content)
    return config.content_dir, config


def entry_validator(config) -> Callable[[str, Path], None] | None:
    """Check an entry's text with the build's own reader before it is written."""
    try:
        from digest.content import parse_entry
    except ImportError:  # pragma: no cover - the build's reader is missing
        return None

    def validate(text: str, path: Path) -> None:
        try:
            rel = path.relative_to(config.content_dir).as_posix()
        except ValueError:
            rel = path.name
        try:
            parse_entry(text.encode("utf-8"), rel=rel, shown=rel, config=config)
        except ContentError as exc:
            raise IngestError(f"the entry would not load in the build: {exc.message}", field=exc.field) from None

    return validate


OFF_TOPIC = "off topic: "


def chosen_topic(args: argparse.Namespace, config) -> Topic | None:
    """The topic asked for by ``--topic`` (``all``: none), else by ``topic`` in digest.toml."""
    name = getattr(args, "topic", None)
    if name is None and config is not None:
        name = config.topic
    if not name or name == "all":
        return None
    return load_topic(name, Path(getattr(args, "root", None) or "."))


def is_failure(outcome: Outcome) -> bool:
    """A page that failed, or was skipped for a reason other than its topic."""
    return outcome.status.is_problem and not outcome.reason.startswith(OFF_TOPIC)


def run_ingest(args: argparse.Namespace) -> int:
    """``digest ingest FILE_OR_DIR...``: exit status 1 when any page failed or was
    skipped (no entry could be made from it) for another reason than its topic."""
    content_dir, config = _site(args)
    if content_dir.exists() and not content_dir.is_dir():
        raise IngestError("the content folder is not a folder", path=content_dir)
    topic = chosen_topic(args, config)
    writer = EntryWriter(
        content_dir,
        dry_run=args.dry_run,
        draft=args.draft,
        force=args.force,
        validate=entry_validator(config) if config is not None else None,
    )
    drafts = EntryWriter(content_dir, dry_run=args.dry_run, draft=True, force=args.force,
                         validate=writer.validate, index=writer.index)
    root = Path(getattr(args, "root", None) or ".")
    pages, outcomes = collect_pages(args.inputs)
    counts = CrawlCounts()
    total = None if any(is_archive(p) for p in pages) else len(pages)
    if getattr(args, "source_url", None) is not None:
        if outcomes or len(args.inputs) != 1 or Path(args.inputs[0]).is_dir():
            raise IngestError(ONE_PAGE, field="--source-url")  # a folder of one page too
        pages = addressed(args, pages)
    scores: dict[str, float] = {}
    off_topic = getattr(args, "off_topic", "skip")
    interrupted = False
    unknown_outlets: dict[str, NewOutlet] = {}
    try:
        with _parsing(args, pages, counts, root, topic) as parsed:
            for item in _with_progress(parsed, "Ingesting", total=total, counts=counts):
                if isinstance(item, Article) and item.new_outlet is not None:
                    unknown_outlets.setdefault(item.new_outlet.name, item.new_outlet)
                outcome = item if isinstance(item, Outcome) else _write(item, writer, drafts, off_topic)
                if isinstance(item, Article) and item.topic is not None:
                    scores[item.source] = item.topic.score
                log.info("%s: %s %s", outcome.source, outcome.status.value, outcome.path or "")
                outcomes.append(outcome)
    except KeyboardInterrupt:  # every entry is written whole or not at all: keep what was done
        interrupted = True
    if getattr(args, "json", False):
        json.dump([outcome_json(o, scores.get(o.source), dry_run=args.dry_run) for o in outcomes],
                  sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print_report(outcomes, dry_run=args.dry_run, archives=counts.lines(), scores=scores)
        if unknown_outlets:
            _stdout_console().print(Text(stanzas_note(list(unknown_outlets.values()), root / "outlets.toml")))
    if interrupted:
        print(f"interrupted: the {len(outcomes)} pages above were done; run the same command again to go on",
              file=sys.stderr)
        return 130
    return 1 if any(is_failure(o) for o in outcomes) else 0


ONE_PAGE = ("gives the address of one page: name exactly one page file (not a folder or a crawl archive, "
            "whose pages carry their own addresses)")


def addressed(args: argparse.Namespace, paths: list[Path]) -> list[Path | AddressedFile]:
    """``paths``, the one page given with ``--source-url`` carrying that address.

    The address belongs to one page: with ``--source-url``, exactly one page file
    (not a folder, not a crawl archive, whose records name their own) must be given.
    """
    url = getattr(args, "source_url", None)
    if url is None:
        return list(paths)
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        raise IngestError(f"not an http(s) address: {url!r}", field="--source-url")
    if len(paths) != 1 or is_archive(paths[0]):
        raise IngestError(ONE_PAGE, field="--source-url")
    if getattr(args, "dask", None):
        raise IngestError("one page is parsed here: leave out --dask", field="--source-url")
    return [AddressedFile(paths[0], url)]


def _parsing(args: argparse.Namespace, paths: list[Path | AddressedFile], counts: CrawlCounts,
             root: Path | None, topic: Topic | None):
    """The pages of ``paths`` parsed: on a Dask cluster with ``--dask``, else in a pool."""
    name = topic.name if topic is not None else None
    address = getattr(args, "dask", None)
    if address:
        return dask_parsing(paths, counts, address=address, root=root, topic=name)
    return parsing(iter_work(paths, counts), root=root, topic=name, jobs=_jobs(args))


def _jobs(args: argparse.Namespace) -> int:
    jobs = getattr(args, "jobs", None)
    if jobs is None:
        return default_jobs()
    if jobs < 1:
        raise IngestError(f"must be at least 1, not {jobs}", field="--jobs")
    return jobs


def _write(article: Article, writer: EntryWriter, drafts: EntryWriter, off_topic: str) -> Outcome:
    """The entry for one article; one off topic is skipped, or written as a draft."""
    if article.error or article.topic is None or article.topic.on_topic:
        return writer.ingest(article)
    if off_topic == "draft":
        outcome = drafts.ingest(article)
        outcome.warnings.append(f"off topic ({article.topic.describe()}): a draft")
        return outcome
    return Outcome(article.source, Status.SKIPPED, reason=OFF_TOPIC + article.topic.describe(),
                   warnings=list(article.warnings), title=article.title)


def outcome_json(outcome: Outcome, score: float | None, *, dry_run: bool = False) -> dict:
    """One object of ``digest ingest --json``."""
    data = {
        "source": outcome.source,
        "result": outcome.status.value,
        "entry": _shown(outcome.path) or None,
        "reason": outcome.reason,
        "warnings": list(outcome.warnings),
        "dry_run": dry_run,
    }
    if score is not None:
        data["topic_score"] = round(score, 2)
    return data


def _shown(path: Path | None) -> str:
    if path is None:
        return ""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive
        return str(path)


def print_report(outcomes: list[Outcome], *, dry_run: bool = False, console: Console | None = None,
                 archives: Iterable[str] = (), scores: dict[str, float] | None = None) -> None:
    """The table of what was written, skipped and why, then a line for each crawl
    archive (``archives``: what it held), then a one-line summary."""
    console = console or _stdout_console()
    table = Table(show_header=True, header_style="bold", show_lines=False)
    table.add_column("Page", overflow="fold")
    table.add_column("Result")
    table.add_column("Entry", overflow="fold")
    table.add_column("Notes", overflow="fold")
    if scores:
        table.add_column("Topic", justify="right")
    for outcome in outcomes:
        word = _DRY_WORDS.get(outcome.status, outcome.status.value) if dry_run else outcome.status.value
        notes = [outcome.reason] if outcome.reason else []
        if outcome.status is not Status.FAILED:
            notes += [f"warning: {w}" for w in outcome.warnings if w not in outcome.reason]
        cells = [
            Text(outcome.source),
            Text(word, style=_STYLES[outcome.status]),
            Text(_shown(outcome.path)),
            Text("\n".join(notes)),
        ]
        if scores:
            score = scores.get(outcome.source)
            cells.append(Text("" if score is None else f"{score:.2f}"))
        table.add_row(*cells)
    if outcomes:
        console.print(table)
    counts = Counter(o.status for o in outcomes)
    parts = [
        f"{counts[status]} {(_DRY_WORDS.get(status, status.value) if dry_run else status.value)}"
        for status in Status
        if counts[status]
    ]
    noun = "page" if len(outcomes) == 1 else "pages"
    summary = f"{len(outcomes)} {noun}: " + (", ".join(parts) if parts else "nothing to do")
    if dry_run:
        summary += " (dry run: nothing was written)"
    for line in archives:
        console.print(Text(line))
    console.print(Text(summary))
