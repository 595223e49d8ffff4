"""A failed rebuild: the last good site stays, every page shows the CLI's one-line error, escaped."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from digest.livereload import OVERLAY_ID, Snapshot, inject, overlay_html
from serve_helpers import SAMPLE, set_field

ENTRY = SAMPLE[1]
OVERLAY = f'id="{OVERLAY_ID}"'.encode()


def cli_error(root: Path) -> str:
    """What ``digest build`` prints for the same site."""
    result = subprocess.run(
        [sys.executable, "-m", "digest", "build", "--root", str(root), "--output", str(root.parent / "cli-out")],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    return result.stderr.strip()


def test_bad_front_matter_shows_the_cli_message_and_keeps_the_last_good_site(site: Path, running) -> None:
    entry = site / "content" / ENTRY
    good = entry.read_text(encoding="utf-8")
    set_field(entry, "date", "next tuesday")
    running.wait_builds(2)
    assert running.server.state.error == (
        "content/2023/03/un-backed-course-trains-domestic-observers.md:3: date: "
        "could not read 'next tuesday' as a date; write ISO 8601, e.g. 2023-03-10T14:20:00+06:00"
    )
    status, _, body = running.get("/tags/")
    assert status == 200 and OVERLAY in body
    assert ("error: " + running.server.state.error).replace("'", "&#x27;").encode() in body
    assert b"UN-backed course trains 400 domestic observers" in running.get("/")[2]  # the last good site
    assert cli_error(site) == "error: " + running.server.state.error

    entry.write_text(good, encoding="utf-8")
    running.wait_builds(3)
    assert running.server.state.error is None
    assert OVERLAY not in running.get("/tags/")[2]


def test_the_overlay_escapes_what_the_file_holds(site: Path, running) -> None:
    set_field(site / "content" / ENTRY, "lang", '"<img src=x onerror=alert(1)>"')
    running.wait_builds(2)
    body = running.get("/")[2]
    assert b"&lt;img src=x onerror=alert(1)&gt;" in body
    assert b"<img src=x" not in body


def test_a_template_syntax_error_names_file_and_line(site: Path, running) -> None:
    templates = site / "templates"
    templates.mkdir()
    running.wait_builds(2)  # the new folder is watched from now on
    (templates / "entry.html").write_text(
        '{% extends "base.html" %}\n{% block content %}\n{% if %}\n{% endblock %}\n', encoding="utf-8"
    )
    running.wait_builds(3)
    error = running.server.state.error
    assert error == f"{templates / 'entry.html'}:3: template syntax error: Expected an expression, got 'end of statement block'"
    assert b"template syntax error" in running.get("/")[2]
    (templates / "entry.html").unlink()
    running.wait_builds(4)
    assert running.server.state.error is None


def test_a_bad_digest_toml_is_shown_then_cleared(site: Path, running) -> None:
    toml = site / "digest.toml"
    good = toml.read_text(encoding="utf-8")
    toml.write_text(good + "feed_limit = 0\n", encoding="utf-8")
    running.wait_builds(2)
    assert running.server.state.error == f"{toml}: feed_limit: must be at least 1, not 0"
    toml.write_text(good.replace("Test digest", "Renamed digest"), encoding="utf-8")
    running.wait_builds(3)
    assert running.server.state.error is None
    assert b"Renamed digest" in running.get("/")[2]


def test_a_failed_first_build_still_serves_the_error(site: Path, start_server) -> None:
    set_field(site / "content" / ENTRY, "title", "")
    running = start_server(site)
    status, headers, body = running.get("/")
    assert status == 404 and headers["content-type"] == "text/html; charset=utf-8"
    assert OVERLAY in body and b"title: missing" in body


def test_inject_puts_the_overlay_and_script_before_the_body_ends() -> None:
    page = b"<html><body><p>x</p></BODY></html>"
    out = inject(page, Snapshot("run-1", "a.md:2: title: <b>&</b>"))
    assert out.startswith(b"<html><body><p>x</p><div id=") and out.endswith(b"</BODY></html>")
    assert b"error: a.md:2: title: &lt;b&gt;&amp;&lt;/b&gt;" in out
    assert inject(b"no body", Snapshot("run-1", None)).startswith(b"no body<script>")


def test_overlay_text_is_the_cli_line() -> None:
    assert "<pre" in overlay_html("x.md:1: title: missing")
    assert "error: x.md:1: title: missing</pre>" in overlay_html("x.md:1: title: missing")
