"""Outlets nobody listed in outlets.toml, named by the page's own cues (invented layouts)."""
from __future__ import annotations

from pathlib import Path

import pytest

from digest.cli import main
from digest.ingest.outlet_cues import NewOutlet, copyright_owner, masthead_name, more_from, stanza
from digest.ingest.outlets import load_outlets
from digest.ingest.parse import parse_html, parse_text

STORY = (
    "BISHKEK – The city council voted on Tuesday to hold an early election in June, after six of its "
    "members resigned in a dispute over the new transport budget.\n\n"
    "The council's chair said the vote would cost the city less than keeping the seats empty until the "
    "regular election in the autumn.\n\n"
    "Candidates have until the end of the month to register with the city election commission, which "
    "will publish the list of precincts next week.\n"
)


def dump(header: str, footer: str) -> str:
    return (f" date 2026-05-12 {header}\n\nBishkek council calls early vote for June\n\n12 May 2026, 09:40\n\n"
            f"{STORY}\n{footer}\n")


LAYOUTS = {
    "masthead": (dump("SILK ROAD POST | Central Asia | Politics\nHome News Opinion", "Share\nFacebook Telegram"),
                 "Silk Road Post", "the masthead"),
    "more-from": (dump("Home News Opinion", "More from Silk Road Post\nTashkent metro extends night service\n"
                       "Almaty opens a new bus depot"), "Silk Road Post", "the page footer"),
    "copyright": (dump("Home News Opinion", "Contacts\n© 2026 Silk Road Post. All rights reserved."),
                  "Silk Road Post", "the copyright line"),
    "copyright-last": (dump("Home News Opinion", "Copyright © Valley Dispatch 2026"), "Valley Dispatch",
                       "the copyright line"),
    "brand": (dump("Valley Dispatch\nHome News Opinion", "Contacts\nValley Dispatch\nAbout us"), "Valley Dispatch",
              "the page header"),
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_unknown_outlet_from_each_cue_of_a_text_dump(layout):
    text, name, cue = LAYOUTS[layout]
    article = parse_text(text, f"{layout}.txt")
    assert article.outlet == name
    assert article.title == "Bishkek council calls early vote for June"
    assert article.body[0].startswith("BISHKEK – The city council")
    assert f"outlet {name!r} from {cue} (not in outlets.toml)" in article.warnings
    assert article.new_outlet == NewOutlet(name, cue)


def test_a_known_outlet_in_the_footer_gets_no_warning():
    article = parse_text(dump("Home News Opinion", "© 2026 Kazinform. All rights reserved."), "known.txt")
    assert article.outlet == "Kazinform"
    assert not any(w.startswith("outlet ") for w in article.warnings)


def test_an_unknown_agency_in_the_dateline_is_the_outlet_with_its_form():
    text = dump("Home News Opinion", "").replace("BISHKEK – The city", "BISHKEK (Ala-Too Wire) – The city")
    article = parse_text(text, "agency.txt")
    assert article.outlet == "Ala-Too Wire"
    assert article.new_outlet == NewOutlet("Ala-Too Wire", "the dateline", dateline="Ala-Too Wire")


@pytest.mark.parametrize(("line", "name"), [
    ("© 2026 Silk Road Post. All rights reserved.", "Silk Road Post"),
    ("Copyright © Silk Road Post 2024–2026", "Silk Road Post"),
    ("(c) Silk Road Post, 2026", "Silk Road Post"),
    ("© 2026. Все права защищены", None),
    ("© 2026", None),
])
def test_copyright_owner(line, name):
    assert copyright_owner(line) == name


def test_masthead_and_more_from_shapes():
    k = load_outlets()
    assert masthead_name("SILK ROAD POST | Central Asia | Politics", k) == "Silk Road Post"
    assert masthead_name("Turnout reached 41% by noon | the commission said", k) is None
    assert masthead_name("Home | News | Politics", k) is None  # a menu, not a name
    assert more_from("More from Silk Road Post:") == "Silk Road Post"
    assert more_from("More from our readers’ letters about the council and its budget this year") is None


PAGE = ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>{head}"
        "<meta property='article:published_time' content='2026-05-12T09:40:00+06:00'></head><body>"
        "<header><a class='logo' href='/'>Valley Dispatch</a></header><article><h1>Bishkek council calls early vote"
        "</h1>{body}</article><footer>{footer}</footer></body></html>")
BODY = "".join(f"<p>{p}</p>" for p in STORY.replace("BISHKEK – ", "").split("\n\n"))


@pytest.mark.parametrize(("head", "title", "footer", "name", "cue"), [
    ("<meta property='og:site_name' content='Silk Road Post'>", "Bishkek council calls early vote", "",
     "Silk Road Post", "og:site_name"),
    ("<script type='application/ld+json'>{\"@type\": \"NewsArticle\", \"publisher\": {\"@type\": \"Organization\", "
     "\"name\": \"Silk Road Post\"}}</script>", "Bishkek council calls early vote", "", "Silk Road Post",
     "the JSON-LD publisher"),
    ("<meta property='og:title' content='Bishkek council calls early vote'>",
     "Bishkek council calls early vote | Silk Road Post", "", "Silk Road Post", "the title's suffix"),
    ("", "Bishkek council calls early vote", "<p>© 2026 Silk Road Post. All rights reserved.</p>",
     "Silk Road Post", "the copyright line"),
])
def test_unknown_outlet_from_each_cue_of_an_html_page(head, title, footer, name, cue):
    article = parse_html(PAGE.format(head=head, title=title, body=BODY, footer=footer), "page.html")
    assert article.title == "Bishkek council calls early vote"
    assert article.outlet == name
    assert f"outlet {name!r} from {cue} (not in outlets.toml)" in article.warnings


def test_stanza_for_outlets_toml(tmp_path: Path):
    text = stanza(NewOutlet("Silk Road Post", "the masthead", dateline="SRP", host="silkroadpost.example"))
    assert text == ('[[outlet]]\nname = "Silk Road Post"\naliases = ["Silk Road Post", "silkroadpost.example"]\n'
                    'dateline = ["SRP"]\n# timezone = "Asia/Almaty"  # the IANA zone its times are printed in\n')
    # pasted into a site's outlets.toml, it makes the outlet known: no warning any more
    root = tmp_path / "site"
    root.mkdir()
    (root / "outlets.toml").write_text(text, encoding="utf-8")
    article = parse_text(LAYOUTS["masthead"][0], "m.txt", root=root)
    assert article.outlet == "Silk Road Post" and article.new_outlet is None
    assert not any(w.startswith("outlet ") for w in article.warnings)


def test_ingest_prints_the_stanza(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    root = tmp_path / "site"
    root.mkdir()
    page = tmp_path / "masthead.txt"
    page.write_text(LAYOUTS["masthead"][0], encoding="utf-8")
    assert main(["ingest", str(page), "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert f"1 outlet is not in outlets.toml; to make them known, add to {root / 'outlets.toml'}:" in out
    assert '[[outlet]]\nname = "Silk Road Post"\naliases = ["Silk Road Post"]\n' in out


@pytest.mark.parametrize(("header", "footer", "cue"), [
    ("<div class='masthead'><a href='/'>STEPPE LEDGER</a> | <a href='/asia'>Central Asia</a> | "
     "<a href='/politics'>Politics</a></div>", "", "the masthead"),
    ("", "<h3>More from Steppe Ledger</h3><ul><li><a href='/a'>Almaty opens a bridge</a></li></ul>", "the page footer"),
    ("<a class='logo' href='/'>Steppe Ledger</a>", "<p>Steppe Ledger</p><p>Contact us</p>", "the page header"),
])
def test_unknown_outlet_from_the_page_cues_of_an_html_page(header, footer, cue):
    page = ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Bishkek council calls early vote"
            "</title><meta property='article:published_time' content='2026-05-12T09:40:00+06:00'></head><body>"
            f"<header>{header}</header><article><h1>Bishkek council calls early vote</h1>{BODY}</article>"
            f"<footer>{footer}</footer></body></html>")
    article = parse_html(page, "cue.html")
    assert article.outlet == "Steppe Ledger"
    assert f"outlet 'Steppe Ledger' from {cue} (not in outlets.toml)" in article.warnings
