#!/usr/bin/env python3
"""Screenshots of the sample digest, to review the theme at a glance.

Builds the site into a temporary folder, serves it on 127.0.0.1 (under its
base path) and saves full-page PNGs of the home page and one entry page at a
phone's width (390×844) and a desktop's (1280×900), in the light and the dark
colour scheme, and on a multilingual site each other language's home page at
the phone's width (``home-kk-phone-light.png``):

    python3 scripts/screenshots.py                  # → screenshots/
    python3 scripts/screenshots.py --out /tmp/shots --entry 2023/11/yavka-na-povtornyh-vyborah-v-mazhilis.md

Needs Playwright (``pip install -e '.[test]'``) and Chromium (``/usr/bin/chromium``,
or ``--chromium PATH``; else Playwright's own browser if it has one). Prints the
files it wrote, one a line.
"""
from __future__ import annotations

import argparse
import functools
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(REPO))

from digest.build import build, load_entries  # noqa: E402
from digest.config import load_config  # noqa: E402
from digest.errors import DigestError  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SIZES = {"phone": (390, 844), "desktop": (1280, 900)}
SCHEMES = ("light", "dark")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:  # noqa: A002 (the base class's name)
        pass


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "screenshots", help="folder for the PNG files (default: screenshots/)")
    parser.add_argument("--root", type=Path, default=REPO, help="the site to build (default: the sample digest)")
    parser.add_argument("--entry", help="the entry to show, as its file below content/ (default: the newest)")
    parser.add_argument("--chromium", type=Path, default=CHROMIUM, help=f"the browser (default: {CHROMIUM})")
    parser.add_argument("--scale", type=float, default=1.0, help="device pixel ratio (default: 1)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("error: Playwright is not installed: pip install playwright", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="digest-screenshots-") as tmp:
        www = Path(tmp) / "www"
        try:
            base = load_config(args.root).base_path
            config = load_config(args.root, output=www / base.strip("/") if base != "/" else www)
            build(config, use_cache=False)
            entries = [e for e in load_entries(config) if not e.draft]
        except DigestError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        if not entries:
            print("error: the site has no entries to show", file=sys.stderr)
            return 1
        if args.entry:
            chosen = [e for e in entries if e.source_path == args.entry]
            if not chosen:
                print(f"error: no entry {args.entry} below {config.content_dir}", file=sys.stderr)
                return 1
            entry = chosen[0]
        else:
            entry = max(entries, key=lambda e: e.order)
        pages = {"home": "", "entry": entry.url}
        # a multilingual site: each other language's home too, at a phone's width (``home-kk-phone-light.png``)
        phone_pages = {f"home-{lang}": config.language_prefix(lang) for lang in config.languages[1:]}

        httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(www)))
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        origin = f"http://127.0.0.1:{httpd.server_port}{base}"
        args.out.mkdir(parents=True, exist_ok=True)
        written = []
        try:
            with sync_playwright() as pw:
                executable = str(args.chromium) if args.chromium.exists() else None
                browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
                try:
                    for size, (width, height) in SIZES.items():
                        for scheme in SCHEMES:
                            context = browser.new_context(
                                viewport={"width": width, "height": height}, color_scheme=scheme,
                                device_scale_factor=args.scale, is_mobile=size == "phone", has_touch=size == "phone",
                            )
                            tab = context.new_page()
                            for name, path in {**pages, **(phone_pages if size == "phone" else {})}.items():
                                tab.goto(origin + path, wait_until="load")
                                target = args.out / f"{name}-{size}-{scheme}.png"
                                tab.screenshot(path=str(target), full_page=True)
                                written.append(target)
                                print(target, flush=True)
                            context.close()
                finally:
                    browser.close()
        finally:
            httpd.shutdown()
            httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
