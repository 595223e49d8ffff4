"""Links in an HTML body kept in the entry's Markdown, made absolute the browser's way;
``--source-url`` gives a saved page its address."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from digest.cli import main
from digest.ingest.parse import parse_html
from digest.ingest.write import split_entry

STORY = ("The district commission on Tuesday approved the list of polling stations for the December "
         "vote, adding four schools in the new northern quarters to the map.")
MORE = ("Officials said the number of stations grew by twelve compared with the previous vote, "
        "mostly in the districts built since the last census.")


def page(body: str, head: str = "", title: str = "Commission approves the polling stations") -> str:
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
            f"<body><main><article><h1>{title}</h1>{body}<p>{MORE}</p></article></main></body></html>")


def test_relative_links_resolve_against_the_base_href():
    html = page(f"<p>{STORY} The <a href='stations/list.html'>full list</a> and the "
                f"<a href='/rules'>rules</a> are online, as is the <a href='../maps/north'>map</a>.</p>",
                head="<base href='https://vesti.example/politics/2030/'>")
    markdown = parse_html(html, "base.html").markdown
    assert "[full list](https://vesti.example/politics/2030/stations/list.html)" in markdown
    assert "[rules](https://vesti.example/rules)" in markdown
    assert "[map](https://vesti.example/politics/maps/north)" in markdown


def test_relative_links_resolve_against_the_canonical_address_without_a_base():
    html = page(f"<p>{STORY} See the <a href='list.html'>full list</a>.</p>",
                head="<link rel='canonical' href='https://vesti.example/politics/2030/05/04/stations'>")
    assert "[full list](https://vesti.example/politics/2030/05/04/list.html)" in parse_html(html, "c.html").markdown


def test_a_relative_base_resolves_against_the_page_address():
    html = page(f"<p>{STORY} See the <a href='list.html'>full list</a>.</p>",
                head="<base href='/archive/'><link rel='canonical' href='https://vesti.example/politics/a'>")
    assert "[full list](https://vesti.example/archive/list.html)" in parse_html(html, "rb.html").markdown


def test_links_that_lead_nowhere_from_an_entry_become_plain_text():
    html = page(f"<p>{STORY} The vote was <a href='javascript:void(0)'>shown live</a>, the map "
                f"<a href='data:text/html,hi'>embedded</a>, questions <a href='mailto:desk@vesti.example'>by "
                f"mail</a>, and the <a href='https://vesti.example/list'>list</a> published.</p>",
                head="<link rel='canonical' href='https://vesti.example/politics/a'>")
    article = parse_html(html, "schemes.html")
    assert "shown live, the map embedded, questions by mail, and the [list](https://vesti.example/list)" \
        in article.markdown
    assert "javascript" not in article.markdown and "data:" not in article.markdown
    assert "mailto" not in article.markdown
    assert any("shown live, the map embedded" in p for p in article.body)


def test_a_relative_link_on_a_page_without_an_address_is_plain_text():
    html = page(f"<p>{STORY} See the <a href='list.html'>full list</a>.</p>")
    article = parse_html(html, "noaddress.html")
    assert "See the full list." in article.markdown and "](" not in article.markdown


def test_the_given_address_resolves_links_and_dates_a_page_without_one(tmp_path: Path, capsys):
    saved = tmp_path / "saved.html"
    saved.write_text(page(f"<p>{STORY} See the <a href='list.html'>full list</a>.</p>"), encoding="utf-8")
    url = "https://vesti.example/politics/2030/05/04/stations.html"
    assert main(["parse", "--json", "--source-url", url, str(saved)]) == 0
    [article] = json.loads(capsys.readouterr().out)
    assert article["source_url"] == url
    assert article["published"] == "2030-05-04"
    assert f"date from the page's address ({url}): the page prints none" in article["warnings"]
    assert "[full list](https://vesti.example/politics/2030/05/04/list.html)" in article["markdown"]


def test_the_pages_canonical_beats_the_given_address(tmp_path: Path, capsys):
    """The canonical is the address the outlet gives the article; the one a user copies
    from the browser may carry tracking parameters or be the AMP copy's."""
    saved = tmp_path / "amp.html"
    canonical = "https://vesti.example/politics/2030/05/04/stations"
    saved.write_text(page(f"<p>{STORY}</p>", head=f"<link rel='canonical' href='{canonical}'>"), encoding="utf-8")
    assert main(["parse", "--json", "--source-url", "https://vesti.example/amp/stations?utm_source=x",
                 str(saved)]) == 0
    [article] = json.loads(capsys.readouterr().out)
    assert article["source_url"] == canonical
    assert article["published"] == "2030-05-04"


def test_the_pages_own_date_beats_the_given_address(tmp_path: Path, capsys):
    saved = tmp_path / "dated.html"
    saved.write_text(page(f"<p>{STORY}</p>", head="<meta property='article:published_time' "
                                                  "content='2030-05-06T09:30:00+05:00'>"), encoding="utf-8")
    assert main(["parse", "--json", "--source-url", "https://vesti.example/2030/05/04/stations", str(saved)]) == 0
    [article] = json.loads(capsys.readouterr().out)
    assert article["published"] == "2030-05-06T09:30+05:00"
    assert not any("address" in w for w in article["warnings"])


def test_a_text_dump_takes_the_given_address(tmp_path: Path, capsys):
    saved = tmp_path / "dump.txt"
    saved.write_text(f"Commission approves the polling stations\n\n{STORY}\n\n{MORE}\n", encoding="utf-8")
    url = "https://vesti.example/news/20300504/stations"
    assert main(["parse", "--json", "--source-url", url, str(saved)]) == 0
    [article] = json.loads(capsys.readouterr().out)
    assert article["source_url"] == url and article["published"] == "2030-05-04"


def test_ingest_writes_the_given_address(tmp_path: Path, capsys):
    root = tmp_path / "site"
    root.mkdir()
    saved = tmp_path / "saved.html"
    saved.write_text(page(f"<p>{STORY}</p>"), encoding="utf-8")
    url = "https://vesti.example/politics/2030/05/04/stations.html"
    assert main(["ingest", str(saved), "--root", str(root), "--source-url", url, "--jobs", "1"]) == 0
    [entry] = list((root / "content").rglob("*.md"))
    front = yaml.safe_load(split_entry(entry.read_text(encoding="utf-8"))[0])
    assert front["source_url"] == url
    assert str(front["date"]).startswith("2030-05-04")


@pytest.mark.parametrize(("command", "extra", "message"), [
    ("parse", ["ftp://vesti.example/a"], "--source-url: not an http(s) address: 'ftp://vesti.example/a'"),
    ("parse", ["https://vesti.example/a", "TWO"], "--source-url: gives the address of one page"),
    ("ingest", ["https://vesti.example/a", "DIR"], "--source-url: gives the address of one page"),
])
def test_source_url_names_one_page(tmp_path: Path, capsys, command, extra, message):
    one = tmp_path / "one.html"
    one.write_text(page(f"<p>{STORY}</p>"), encoding="utf-8")
    two = tmp_path / "two.html"
    two.write_text(page(f"<p>{STORY}</p>"), encoding="utf-8")
    url, *rest = extra
    inputs = {"TWO": [str(one), str(two)], "DIR": [str(tmp_path)]}.get(rest[0] if rest else "", [str(one)])
    argv = [command, "--source-url", url, *inputs]
    if command == "ingest":
        (tmp_path / "site").mkdir()
        argv += ["--root", str(tmp_path / "site")]
    assert main(argv) != 0
    assert message in capsys.readouterr().err


def test_a_base_href_is_not_the_pages_address(tmp_path: Path, capsys):
    """trafilatura takes ``<base href>`` for the page's address; a base is often the site's
    root, and two pages with one ``source_url`` would be one article to ``digest ingest``."""
    html = page(f"<p>{STORY}</p>", head="<base href='https://vesti.example/'>")
    assert parse_html(html, "base.html").source_url is None
    saved = tmp_path / "based.html"
    saved.write_text(html, encoding="utf-8")
    url = "https://vesti.example/politics/2030/05/04/stations.html"
    assert main(["parse", "--json", "--source-url", url, str(saved)]) == 0
    assert json.loads(capsys.readouterr().out)[0]["source_url"] == url


def test_a_paragraph_that_is_one_short_link_is_navigation():
    html = page(f"<p>{STORY} The <a href='/list'>full list</a> is online.</p>"
                "<p><a href='/politics'>Back to the politics desk</a></p>"
                "<p><a href='/newsletter'>Get our newsletter</a></p>",
                head="<link rel='canonical' href='https://vesti.example/politics/a'>")
    article = parse_html(html, "nav.html")
    assert not any("politics desk" in p or "newsletter" in p for p in article.body)
    assert "[full list](https://vesti.example/list)" in article.markdown
    assert article.body[-1] == MORE


def test_a_link_shown_as_its_address_stays():
    from lxml import etree

    from digest.ingest.html_body import clean_blocks
    from digest.ingest.html_markdown import article_blocks
    from digest.ingest.outlets import load_outlets

    tree = etree.fromstring(f"<body><p>{STORY}</p><p><ref target='https://petition.example/s'>"
                            "www.petition.example/s</ref></p><p><ref target='https://vesti.example/'>Back to "
                            "the front page</ref></p></body>")
    kept = [b.text for b in clean_blocks(article_blocks(tree), load_outlets(None)).blocks]
    assert kept == [STORY, "www.petition.example/s"]


def test_a_link_that_is_a_sentence_stays():
    html = page("<p><a href='/report'>The commission's report on the December vote lists every station.</a></p>"
                f"<p>{STORY}</p>", head="<link rel='canonical' href='https://vesti.example/politics/a'>")
    article = parse_html(html, "sentence.html")
    assert article.body[0] == "The commission's report on the December vote lists every station."
