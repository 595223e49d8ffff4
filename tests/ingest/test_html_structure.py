"""HTML pages keep their whole body and its structure; digest's HTML rules name what they take out."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from digest.cli import main
from digest.ingest.html import clean_title
from digest.ingest.html_body import clean_blocks
from digest.ingest.html_markdown import article_blocks, blocks_markdown
from digest.ingest.outlets import load_outlets
from digest.ingest.parse import parse_html
from digest.ingest.write import split_entry

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "html"


DATED = "<meta property='article:published_time' content='2030-05-04T10:00:00+05:00'>"


def page(body: str, head: str = DATED, title: str = "Council approves the new precinct map") -> str:
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
            f"<body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav><main><article><h1>{title}</h1>"
            f"{body}</article></main><footer>© 2030 Kazinform</footer></body></html>")


def sentence(n: int) -> str:
    return (f"Paragraph {n} of the council's report describes how precinct {n} was redrawn, which streets it "
            f"gained and how many voters it will serve in the next election.")


def xml(fragment: str):
    from lxml import etree

    return etree.fromstring(f"<body>{fragment}</body>")


def test_a_long_article_with_short_lines_is_kept_whole():
    """Subheadings, names and list items between paragraphs do not end the story."""
    parts = []
    for n in range(1, 41):
        parts.append(f"<p>{sentence(n)}</p>")
        if n % 8 == 0:
            parts.append(f"<h2>Part {n // 8} begins</h2>")
        if n % 10 == 0:
            parts.append("<p><strong>Dana Ospanova</strong></p>")
        if n == 25:
            parts.append("<ul><li>Street one</li><li>Street two</li></ul>")
    article = parse_html(page("".join(parts)), "long.html")
    for n in range(1, 41):
        assert sentence(n) in article.body
    assert "Part 5 begins" in article.body and article.body.count("Dana Ospanova") == 4
    assert "## Part 3 begins" in article.markdown
    assert "- Street one\n- Street two" in article.markdown
    assert article.warnings == []


def test_the_body_holds_what_trafilatura_extracts():
    """The goal of the HTML reader: nothing trafilatura finds is lost, except what a named rule removes."""
    from trafilatura import bare_extraction, extract

    def flat(text: str) -> str:
        return " ".join(text.replace(" | ", " ").split())

    knowledge = load_outlets()
    for path in sorted(FIXTURES.glob("*.html")):
        html = path.read_text(encoding="utf-8")
        article = parse_html(html, path.name)
        kept = flat(" ".join([article.title or "", *article.body]))
        doc = bare_extraction(html, include_comments=False, include_tables=True)
        removed = [flat(r.text()) for r in clean_blocks(article_blocks(doc.body), knowledge).removed]
        for line in (extract(html, include_comments=False, include_tables=True) or "").splitlines():
            line = flat(line.lstrip("-|# "))
            if line:
                assert line in kept or any(line in r for r in removed), (path.name, line)


def test_markdown_of_each_structure():
    blocks = article_blocks(xml(
        "<head rend='h2'>What changes</head><p>First line<lb/>second line</p>"
        "<list rend='ol'><item>one</item><item>two<list rend='ul'><item>two a</item></list></item><item>three</item></list>"
        "<quote><p>Said once.</p><p>Said twice.</p></quote>"
        "<table><row><cell role='head'>Party</cell><cell role='head'>Seats</cell></row>"
        "<row><cell>Green | Blue</cell><cell>12</cell></row></table>"
        "<code>x = `tick`\nprint(x)</code>"))
    assert [b.kind for b in blocks] == ["heading", "paragraph", "paragraph", "item", "item", "item", "item",
                                         "quote", "quote", "table", "code"]
    assert blocks_markdown(blocks) == (
        "## What changes\n\nFirst line\n\nsecond line\n\n1. one\n2. two\n  - two a\n3. three\n\n"
        "> Said once.\n\n> Said twice.\n\n| Party | Seats |\n|---|---|\n| Green \\| Blue | 12 |\n\n"
        "```\nx = `tick`\nprint(x)\n```\n")
    assert blocks[-2].text == "Party | Seats\nGreen | Blue | 12"


def test_scraped_text_cannot_become_markup():
    blocks = article_blocks(xml(
        "<p>1. &lt;script&gt;alert(1)&lt;/script&gt; *not emphasis* [not a link](x)</p>"
        "<p><ref target='javascript:alert(1)'>a bad link</ref> and <ref target='/local'>a relative one</ref>"
        " and <ref target='https://example.org/a b(c)'>a good one</ref></p>"
        "<head rend='h3'># not a deeper heading</head>"),
        base_url=None)
    markdown = blocks_markdown(blocks)
    assert "<script" not in markdown and "&lt;script" in markdown
    assert "1\\. " in markdown and "\\*not emphasis\\*" in markdown and "\\[not a link\\](x)" in markdown
    assert "javascript" not in markdown and "](/local)" not in markdown
    assert "[a good one](https://example.org/a%20b%28c%29)" in markdown
    assert "### \\# not a deeper heading" in markdown


def test_relative_links_are_made_absolute_with_the_page_address():
    blocks = article_blocks(xml("<p>See <ref target='/rules'>the rules</ref>.</p>"), base_url="https://ridge.example/news/a")
    assert blocks[0].markdown == "See [the rules](https://ridge.example/rules)."
    assert blocks[0].text == "See the rules."


def test_a_related_list_in_the_body_is_removed_with_a_warning():
    blocks = article_blocks(xml(
        "".join(f"<p>{sentence(n)}</p>" for n in range(1, 4))
        + "<p>Subscribe to our newsletter.</p><head rend='h3'>Related news</head><list><item>Mayor opens a bridge</item>"
        "<item>Ferry resumes in May</item></list><p>A long paragraph after the list is the story again, so the "
        "section closes before it and it is kept in the body.</p>"))
    body = clean_blocks(blocks, load_outlets())
    assert [b.text for b in body.blocks][:3] == [sentence(n) for n in range(1, 4)]
    assert len(body.blocks) == 4
    assert [r.rule for r in body.removed] == ["site chrome", "closing section"]
    assert body.warnings() == ["closing section: removed 3 blocks from the body "
                               "('Related news Mayor opens a bridge Ferry resumes in May')"]


def test_a_caption_and_a_read_also_line_go_without_a_warning():
    body = (f"<p>{sentence(1)}</p><p>Photo: Ridge Courier / Ainur Sadykova</p>"
            f"<p>Read also: The map from four years ago</p><p>{sentence(2)}</p>")
    article = parse_html(page(body), "caption.html")
    assert article.body == [sentence(1), sentence(2)]
    assert article.photo_credit == "Ridge Courier / Ainur Sadykova"
    assert article.warnings == []


def test_a_subheading_that_is_a_menu_word_stays():
    body = f"<p>{sentence(1)}</p><h2>Elections</h2><p>{sentence(2)}</p><p>Home</p>"
    article = parse_html(page(body), "menu.html")
    assert article.body == [sentence(1), "Elections", sentence(2)]


@pytest.mark.parametrize(("title", "others", "sites", "expected"), [
    ("Meal Prep for A Little More Obsessed | The Beachbody Blog", [], ["The Beachbody Blog"],
     ("Meal Prep for A Little More Obsessed", "The Beachbody Blog")),
    ("Lockdown: churches stay open › ridge.example", [], ["ridge.example"], ("Lockdown: churches stay open", "ridge.example")),
    ("Turnout tops 48% - Caspian Ledger - News from the west", [], ["Caspian Ledger"],
     ("Turnout tops 48%", "Caspian Ledger - News from the west")),
    ("Votes counted twice | Aral Herald", ["Votes counted twice"], [], ("Votes counted twice", "Aral Herald")),
    ("Kazinform - Observers arrive", [], [], ("Observers arrive", "Kazinform")),
    ("Step one: register | step two: vote", [], [], ("Step one: register | step two: vote", None)),
    ("Olive &amp; Herb Bread", [], [], ("Olive & Herb Bread", None)),
    ("Ridge Courier", [], ["Ridge Courier"], (None, None)),
])
def test_titles_lose_the_site_name(title, others, sites, expected):
    assert clean_title(title, others, sites, load_outlets()) == expected


def test_ingested_html_entry_keeps_the_structure(tmp_path: Path):
    root = tmp_path / "site"
    root.mkdir()
    assert main(["ingest", str(FIXTURES / "h04_wordpress_subheadings.html"), "--root", str(root)]) == 0
    (entry,) = (root / "content").rglob("*.md")
    front, body = split_entry(entry.read_text(encoding="utf-8"))
    meta = yaml.safe_load(front)
    assert meta["title"] == "How to check your polling station before Sunday"
    assert meta["source"] == "Steppe Civic Blog"
    assert "## Now get prepping!\n\n" in body
    assert "- your identity card or passport, which must not have expired;\n- the precinct" in body
    assert "> Nobody at the precinct may ask whom you voted for." in body
    assert "### What if your name is missing?" in body


def test_prose_that_mentions_a_photo_is_not_a_caption():
    long_block = ("Home Issues " + " ".join(sentence(n) for n in range(1, 4))
                  + " Photo: the old prison gate, which the report says must be rebuilt before the next inspection.")
    body = clean_blocks(article_blocks(xml(f"<p>{long_block}</p><p>Photo: Ridge Courier</p>")), load_outlets())
    assert [b.text for b in body.blocks] == [long_block]
    assert body.photo_credit == "Ridge Courier"


def test_a_page_that_opens_with_a_long_style_block_is_html():
    from digest.ingest.parse import looks_like_html, parse_page

    html = "<style>\n" + ".grid { display: grid; }\n" * 400 + "</style>\n" + page(f"<p>{sentence(1)}</p>")
    assert looks_like_html(html)
    assert parse_page(html, "styled.html").body == [sentence(1)]
    assert not looks_like_html("<3 to all our readers\nA text dump that opens with a heart.\n")
