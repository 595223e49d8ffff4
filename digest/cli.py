"""The ``digest`` command: one entry point, one line per error, exit status 1."""
from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from pathlib import Path
from typing import NoReturn

from digest import __version__
from digest.errors import DigestError

log = logging.getLogger("digest")


def _no_wait(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-wait", action="store_true",
                   help="fail at once if another digest process is working on this site (default: wait for it)")


def _site_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--root", type=Path, default=Path("."), help="site root holding digest.toml (default: .)")
    p.add_argument("--content", type=Path, help="content folder (default: ROOT/content)")
    p.add_argument("--output", type=Path, help="output folder (default: ROOT/site)")
    p.add_argument("--drafts", action="store_true", help="include entries marked draft: true")


def _config(args: argparse.Namespace):
    from digest.config import load_config, require_site

    return require_site(load_config(args.root, content=args.content, output=args.output, drafts=args.drafts,
                                    base_url=getattr(args, "base_url", None)))


_EXIT_AFTER = False  # set by ``run``: the process ends when the command returns
_KEPT: list = []  # what a command made that the exit frees (see ``build``)


def cmd_build(args: argparse.Namespace) -> int:
    from digest.build import build

    if _EXIT_AFTER:
        # One build, then the process ends (see ``run``): the collector's full
        # pass over everything the build made, when it turns back on after the
        # build (25 ms at 10,000 entries, a twentieth of a build after one
        # edit), would free nothing the exit does not.
        gc.disable()
    result = build(_config(args), use_cache=not args.no_cache, search=False if args.no_search else None,
                   wait=not args.no_wait, keep=_KEPT if _EXIT_AFTER else None)
    print(result.summary())
    if result.search is not None:
        print(result.search.message)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from digest.serve import serve

    return serve(_config(args), host=args.host, port=args.port, open_browser=args.open, wait=not args.no_wait)


def cmd_check(args: argparse.Namespace) -> int:
    from digest.check import run_check
    from digest.config import load_config, require_site

    return run_check(require_site(load_config(args.root, content=args.content, drafts=args.drafts)), markdown=args.markdown)


_SITE_FLAGS = ("language", "timezone", "site_title")
_ENTRY_FLAGS = ("tags", "source", "lang")


def cmd_new(args: argparse.Namespace) -> int:
    from digest.errors import ConfigError
    from digest.scaffold import DEFAULT_TIMEZONE, create_entry, create_site

    entry = args.target == "entry"
    if entry and args.title is None:
        raise ConfigError("digest new entry needs a TITLE (for a site folder called entry: digest new ./entry)")
    if args.title is not None and not entry:
        raise ConfigError(f"unexpected {args.title!r}: digest new SITE makes a site, digest new entry TITLE an entry")
    wrong = [f for f in (_ENTRY_FLAGS if not entry else _SITE_FLAGS) if getattr(args, f) is not None]
    if wrong:
        flag = "--" + wrong[0].removeprefix("site_")
        what = "an entry (digest new entry TITLE)" if not entry else "a site (digest new SITE)"
        raise ConfigError(f"{flag} is for {what}", field=flag)
    if entry:
        if args.root is None:
            args.root = Path(".")
        args.content = args.output = None
        args.drafts = False
        tags = [t for t in (args.tags or "").split(",") if t.strip()]
        path = create_entry(_config(args), args.title, tags=tags, source=args.source, lang=args.lang)
        print(_shown(path))
        return 0
    if args.root is not None:
        raise ConfigError("--root is for an entry (digest new entry TITLE); name the new site's folder instead",
                          field="--root")
    site = create_site(args.target, title=args.site_title, language=args.language or "en",
                       timezone=args.timezone or DEFAULT_TIMEZONE)
    print(f"created a digest in {_shown(site.root)}: {len(site.files)} files")
    for rel in site.files:
        print(f"  {rel}")
    print(f"next: cd {_shown(site.root)} && digest serve   (then: digest new entry \"A headline\")")
    return 0


def _shown(path: Path) -> str:
    """``path`` relative to the current folder when it is below it."""
    try:
        return str(Path(path).absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def cmd_parse(args: argparse.Namespace) -> int:
    from digest.ingest.commands import run_parse

    return run_parse(args)


def cmd_ingest(args: argparse.Namespace) -> int:
    from digest.ingest.commands import run_ingest

    if args.dry_run:
        return run_ingest(args)
    from digest.config import load_config
    from digest.lock import site_lock

    # Two ingests at once would both see an article as new and write it twice.
    with site_lock(load_config(args.root).cache_dir).hold(wait=not args.no_wait):
        return run_ingest(args)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="digest", description="Build a static election-news digest from Markdown entries."
    )
    parser.add_argument("--version", action="version", version=f"digest {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("build", help="build the site into site/")
    _site_options(p)
    p.add_argument("--no-cache", action="store_true", help="ignore .digest-cache/ and write every file (a cold build)")
    p.add_argument("--no-search", action="store_true", help="do not build the search index this time")
    _no_wait(p)
    p.add_argument("--base-url", metavar="URL",
                   help="the address the site is published at, instead of digest.toml's base_url (for CI)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("serve", help="build, serve and live-reload while you edit")
    _site_options(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    p.add_argument("--open", action="store_true", help="open the site in a browser")
    _no_wait(p)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("check", help="check the entries without building: fields, tags, duplicates, links")
    p.add_argument("--root", type=Path, default=Path("."), help="site root holding digest.toml (default: .)")
    p.add_argument("--content", type=Path, help="content folder (default: ROOT/content)")
    p.add_argument("--drafts", action="store_true", help="check links as if drafts were published")
    p.add_argument("--markdown", action="store_true",
                   help="also warn where the two Markdown engines would render a body differently")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "new", help="start a digest (digest new SITE) or an entry in this one (digest new entry TITLE)",
        usage="digest new SITE [--language en|ru|kk] [--timezone ZONE] [--title TITLE]\n"
              "       digest new entry TITLE [--tags A,B] [--source OUTLET] [--lang LANG] [--root DIR]",
        description="digest new SITE makes the folder SITE with a digest ready to build and publish "
                    "(it must not exist or be empty); digest new entry TITLE writes content/YYYY/MM/<slug>.md "
                    "dated now and prints its path. (A site folder called entry: digest new ./entry.)",
    )
    p.add_argument("target", metavar="SITE|entry", help="the new site's folder, or the word entry")
    p.add_argument("title", nargs="?", metavar="TITLE", help="the new entry's title")
    site = p.add_argument_group("a new site")
    site.add_argument("--language", choices=("en", "ru", "kk"), help="the site's language (default: en)")
    site.add_argument("--timezone", metavar="ZONE", help="IANA time zone (default: Asia/Almaty)")
    site.add_argument("--title", dest="site_title", metavar="TITLE", help="the site's name")
    entry = p.add_argument_group("a new entry")
    entry.add_argument("--tags", metavar="A,B", help="tags, separated by commas")
    entry.add_argument("--source", metavar="OUTLET", help="the outlet that published the report")
    entry.add_argument("--lang", metavar="LANG", help="the entry's language (default: the site's)")
    entry.add_argument("--root", type=Path, help="the digest to add the entry to (default: .)")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("parse", help="parse scraped pages (or the pages of crawl archives) and print the result")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE",
                   help="a page (.txt, .html) or a crawl archive (.warc, .warc.gz, .arc, .arc.gz)")
    p.add_argument("--json", action="store_true", help="print one JSON array, an object per file")
    p.add_argument("--root", type=Path, default=Path("."), help="site root (for its tag vocabulary and outlets)")
    p.add_argument("--topic", metavar="NAME", help="also score each page against a topic (e.g. elections)")
    p.add_argument("--jobs", type=int, metavar="N", help="parse in N processes (default: one per core)")
    p.add_argument("--source-url", metavar="URL",
                   help="the address the one page given was saved from (its source_url when the page "
                        "names none; its date when the page prints none)")
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("ingest", help="turn scraped pages and crawl archives into entries under content/")
    p.add_argument("inputs", nargs="+", type=Path, metavar="FILE_OR_DIR",
                   help="pages (.txt, .html), crawl archives (.warc[.gz], .arc[.gz]) or folders of them")
    p.add_argument("--root", type=Path, default=Path("."), help="site root (default: .)")
    p.add_argument("--content", type=Path, help="content folder (default: ROOT/content)")
    p.add_argument("--dry-run", action="store_true", help="show what would be written, write nothing")
    p.add_argument("--draft", action="store_true", help="mark the new entries draft: true")
    p.add_argument("--force", action="store_true", help="overwrite entries an editor has changed")
    p.add_argument("--topic", metavar="NAME",
                   help="keep only pages about this topic (e.g. elections; 'all' keeps every page; "
                        "default: topic in digest.toml)")
    p.add_argument("--off-topic", choices=("skip", "draft"), default="skip",
                   help="what to do with a page off the topic: skip it (default) or write it as a draft")
    p.add_argument("--json", action="store_true", help="print what happened as JSON instead of a table")
    p.add_argument("--jobs", type=int, metavar="N",
                   help="parse in N processes (default: one per core); entries are written by this one")
    p.add_argument("--dask", metavar="ADDRESS",
                   help="parse whole files on a Dask cluster (tcp://HOST:8786); needs digest[cluster]")
    p.add_argument("--source-url", metavar="URL",
                   help="the address the one page given was saved from (its source_url when the page "
                        "names none; its date when the page prints none)")
    _no_wait(p)
    p.set_defaults(func=cmd_ingest)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return args.func(args)
    except DigestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def run() -> NoReturn:
    """The ``digest`` command: :func:`main`, then a quick exit.

    When ``main`` returns, everything is written and closed; what would be
    left is the interpreter freeing the site's objects one by one (about
    0.2 s at 10,000 entries), which nothing needs.
    """
    global _EXIT_AFTER
    _EXIT_AFTER = True
    code = main()
    logging.shutdown()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe: nothing more can be said
        pass
    os._exit(code)


if __name__ == "__main__":
    run()
