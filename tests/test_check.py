"""``digest check``: every finding by its text, the exit status, the two digests."""
from __future__ import annotations

import io
import textwrap
from datetime import datetime, timezone
from pathlib import Path

import pytest

from digest.check import Finding, check_site, links, run_check, summary
from digest.cli import main
from digest.config import load_config

REPO = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "curation"
NOW = datetime(2024, 6, 1, tzinfo=timezone.utc)

FIXTURE_FINDINGS = [
    "content/2023/10/amanat-vydvinula-kandidatov-na-dovybory.md:15: error: link: broken link to "
    "/digest/2023/10/10/cec-approves-ballots/ (no such page in the site)",
    "content/2023/10/cec-launches-an-online-map-of-polling-stations.md:1: warning: duplicate: probably the same "
    "report as content/2023/10/cec-launches-online-map-of-polling-stations.md (Qazaq TV, 88% alike): ingested twice?",
    "content/2023/10/odihr-experts-meet-cec-ahead-of-by-elections.md:4: warning: tags: 'Obsevers' is not in the "
    "vocabulary (did you mean 'Observers'?)",
    "content/2031/10/senate-deputies-to-report-to-voters.md:3: warning: date: 2031-10-19T10:00:00+06:00 is in the future",
]


def lines(config, now=NOW) -> list[str]:
    return [str(f) for f in check_site(config, now=now)[0]]


def run(config, now=NOW) -> tuple[int, list[str], str]:
    out, err = io.StringIO(), io.StringIO()
    status = run_check(config, out=out, err=err, now=now)
    return status, out.getvalue().splitlines(), err.getvalue()


# ------------------------------------------------------------ the two digests

def test_the_fixture_reports_exactly_its_seeded_problems():
    status, out, err = run(load_config(FIXTURE))
    assert out == FIXTURE_FINDINGS
    assert err == "1 error, 3 warnings in 12 entries\n"
    assert status == 1


def test_the_fixture_readme_lists_the_same_lines():
    readme = (FIXTURE / "README.md").read_text("utf-8")
    for line in FIXTURE_FINDINGS:
        assert line in readme


def test_with_drafts_the_fixture_has_the_same_findings():
    assert lines(load_config(FIXTURE, drafts=True)) == FIXTURE_FINDINGS


def test_the_repository_content_has_no_errors():
    status, out, err = run(load_config(REPO))
    assert status == 0
    assert not [line for line in out if ": error: " in line]
    assert err.endswith("in 28 entries\n")


def test_the_command_line(capsys):
    assert main(["check", "--root", str(FIXTURE)]) == 1
    captured = capsys.readouterr()
    found = [line for line in captured.out.splitlines() if ": date: " not in line]  # "future" depends on today
    assert found == FIXTURE_FINDINGS[:3]
    assert captured.err.startswith("1 error, ")


def test_the_command_line_with_another_content_folder(tmp_path, capsys):
    (tmp_path / "notes").mkdir()
    write(tmp_path / "notes", "a.md", OK)
    assert main(["check", "--root", str(tmp_path), "--content", str(tmp_path / "notes")]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "no problems in 1 entry\n"


# ------------------------------------------------------------ one finding each

OK = """\
---
title: "CEC registers candidates"
date: 2023-10-16T12:00:00+06:00
tags: [CEC, Candidates]
source: Kazinform
source_url: https://example.org/a
lang: en
---
ASTANA. The Central Election Commission registered candidates.
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "digest.toml").write_text(
        'base_url = "https://example.org/digest/"\ntimezone = "Asia/Almaty"\n', encoding="utf-8")
    write(tmp_path / "content", "ok.md", OK)
    return tmp_path


def one(site: Path, text: str, name: str = "x.md") -> list[str]:
    """The findings of ``content/<name>`` (the fixture's ok.md has none)."""
    write(site / "content", name, text)
    return [line for line in lines(load_config(site)) if line.startswith(f"content/{name}:")]


def entry(**fields: str) -> str:
    values = {
        "title": '"Turnout at noon"', "date": "2023-10-16T12:00:00+06:00", "tags": "[Turnout]",
        "source": "TASS", "source_url": "https://example.org/b", "lang": "en",
    }
    body = fields.pop("body", "Turnout was 20.1% at noon.\n")
    values.update(fields)
    front = "\n".join(f"{k}: {v}" for k, v in values.items() if v is not None)
    return f"---\n{front}\n---\n{body}"


def test_a_clean_entry_has_no_findings(site):
    assert one(site, entry()) == []
    assert lines(load_config(site)) == []


def test_an_entry_that_cannot_be_read_is_an_error_and_the_check_goes_on(site):
    write(site / "content", "a.md", entry(date="2023-13-45"))
    write(site / "content", "b.md", entry(title=None))
    write(site / "content", "c.md", "Just text.\n")
    write(site / "content", "d.md", entry(lang="fr"))
    status, out, err = run(load_config(site))
    assert out == [
        "content/a.md:3: error: date: could not read '2023-13-45' as a date; "
        "write ISO 8601, e.g. 2023-03-10T14:20:00+06:00",
        "content/b.md:1: error: title: missing: every entry needs a title",
        "content/c.md:1: error: file: no front matter: an entry starts with a '---' line, then YAML, then '---'",
        "content/d.md:7: warning: lang: 'fr' is not one of the digest's languages (en, ru, kk)",
    ]
    assert err == "3 errors, 1 warning in 5 entries\n"
    assert status == 1


def test_missing_source_and_source_url(site):
    assert one(site, entry(source=None, source_url=None)) == [
        "content/x.md:1: warning: source: missing: name the outlet that published the report",
        "content/x.md:1: warning: source_url: missing: add the address of the original report",
    ]


def test_an_empty_body(site):
    assert one(site, entry(body="\n\n")) == ["content/x.md:9: warning: body: empty: the entry has a title but no text"]


def test_a_long_summary(site):
    assert one(site, entry(summary='"' + "a" * 300 + '"')) == []
    assert one(site, entry(summary='"' + "a" * 301 + '"')) == [
        "content/x.md:8: warning: summary: is 301 characters long; keep it under 300 (lists and feeds show it)"]


def test_unknown_fields(site):
    text = entry(sumary='"A note"', wibble="1", photo_credit="AP", ingested="{file: a.txt, id: x, sha256: '0'}")
    assert one(site, text) == [
        "content/x.md:8: warning: sumary: unknown field (did you mean 'summary'?)",
        "content/x.md:9: warning: wibble: unknown field; digest does not use it",
    ]


def test_languages(site):
    assert one(site, entry(lang="de")) == [
        "content/x.md:7: warning: lang: 'de' is not one of the digest's languages (en, ru, kk)"]
    for lang in ("ru", "kk", "en-GB"):
        assert one(site, entry(lang=lang)) == []
    (site / "digest.toml").write_text('language = "de"\n', encoding="utf-8")
    assert one(site, entry(lang="de")) == []
    assert one(site, entry(lang="fr")) == [
        "content/x.md:7: warning: lang: 'fr' is not one of the digest's languages (en, ru, kk, de)"]


def test_a_date_in_the_future(site):
    write(site / "content", "x.md", entry(date="2024-06-01T08:00:00+06:00"))
    assert lines(load_config(site), now=datetime(2024, 6, 1, 2, 0, tzinfo=timezone.utc)) == []
    assert lines(load_config(site), now=datetime(2024, 6, 1, 1, 59, tzinfo=timezone.utc)) == [
        "content/x.md:3: warning: date: 2024-06-01T08:00:00+06:00 is in the future"]


def test_tags_not_in_the_vocabulary(site):
    assert one(site, entry(tags="[Electons, Mazhilis, Observer]")) == [
        "content/x.md:4: warning: tags: 'Electons' is not in the vocabulary (did you mean 'Elections'?)"]
    assert one(site, entry(tags="[Wombats]")) == [
        "content/x.md:4: warning: tags: 'Wombats' is not in the vocabulary (add it to tags.toml if it is meant)"]


def test_a_tag_of_the_digest_own_used_twice_is_known(site):
    write(site / "content", "y.md", entry(tags="[Wombat care]", title='"Other"', source="Reuters"))
    assert one(site, entry(tags="[Wombat care]")) == []
    write(site / "content", "z.md", entry(tags="[Wombat care]", title='"Third"', source="Khabar"))
    assert one(site, entry(tags="[Wombat cars]")) == [
        "content/x.md:4: warning: tags: 'Wombat cars' is not in the vocabulary (did you mean 'Wombat care'?)"]


def test_a_misspelling_used_twice_is_still_reported(site):
    write(site / "content", "y.md", entry(tags="[Obsevers]", title='"Other"', source="Reuters"))
    assert one(site, entry(tags="[Obsevers]")) == [
        "content/x.md:4: warning: tags: 'Obsevers' is not in the vocabulary (did you mean 'Observers'?)"]


def test_a_tag_of_the_digest_own_may_look_like_a_vocabulary_tag(site):
    write(site / "content", "y.md", entry(tags="[E-voting]", title='"Other"', source="Reuters"))
    assert one(site, entry(tags="[E-voting]")) == []
    (site / "content" / "y.md").unlink()
    assert one(site, entry(tags="[E-voting]")) == [
        "content/x.md:4: warning: tags: 'E-voting' is not in the vocabulary (did you mean 'Voting'?)"]


def test_a_tag_on_its_own_line(site):
    assert one(site, entry(tags="\n  - CEC\n  - Electons")) == [
        "content/x.md:6: warning: tags: 'Electons' is not in the vocabulary (did you mean 'Elections'?)"]


def test_the_site_vocabulary_counts(site):
    (site / "tags.toml").write_text('Wombats = ["Wombat"]\n', encoding="utf-8")
    assert one(site, entry(tags="[Wombat]")) == []


BODY = ("ASTANA. The Central Election Commission launched an online map of all 10,073 polling stations. "
        "Voters can find their station by their address.\n\nThe map will be updated before each election.\n")


def test_a_double_ingest(site):
    write(site / "content", "a.md", entry(title='"CEC launches a map"', source="Qazaq TV", body=BODY))
    write(site / "content", "b.md", entry(title='"CEC launches map"', source="The Qazaq TV",
                                          date="2023-10-16T12:05:00+06:00", body=BODY.replace("each", "every")))
    assert lines(load_config(site)) == [
        "content/b.md:1: warning: duplicate: probably the same report as content/a.md (Qazaq TV, 78% alike): "
        "ingested twice?"]


def test_no_double_ingest_across_outlets_or_days(site):
    write(site / "content", "a.md", entry(title='"CEC launches a map"', source="Qazaq TV", body=BODY))
    write(site / "content", "b.md", entry(title='"CEC launches a map"', source="Khabar", body=BODY))
    write(site / "content", "c.md", entry(title='"CEC launches a map"', source="Qazaq TV", body=BODY,
                                          date="2023-10-19T12:00:01+06:00"))
    assert lines(load_config(site)) == []


LINKED = """\
Fine: [an entry](/digest/2023/10/16/cec-registers-candidates/), [the same](../cec-registers-candidates/),
[no slash](https://example.org/digest/2023/10/16/cec-registers-candidates), [page](/digest/2023/10/16/cec-registers-candidates/index.html),
[tag](/digest/tags/cec/), [archive](/digest/2023/10/), [day](../), [home](/digest/), [feed](/digest/feed.xml),
[css](/digest/static/style.css), [search](/digest/search/?q=x#top), [editions](/digest/editions/),
[elsewhere](https://example.com/x/), [mail](mailto:a@example.org), [anchor](#top), `[code](/digest/nope/)`,
[ref]: /digest/archive/

Broken: [typo](/digest/2023/10/16/cec-registers-candidate/),
<a href="../../17/">next day</a> and [up](../../../../../../../nowhere/)
[root](/2023/10/16/cec-registers-candidates/) ![img](/digest/static/missing.png)
```
[fenced](/digest/nope/)
```
[tag page](https://example.org/digest/tags/wombats/)
"""


def test_links(site):
    assert one(site, entry(body=LINKED)) == [
        "content/x.md:16: error: link: broken link to /digest/2023/10/16/cec-registers-candidate/ "
        "(no such page in the site)",
        "content/x.md:17: error: link: broken link to ../../17/ (no such page in the site)",
        "content/x.md:17: error: link: broken link to ../../../../../../../nowhere/ "
        "(outside the site, whose pages are under /digest/)",
        "content/x.md:18: error: link: broken link to /2023/10/16/cec-registers-candidates/ "
        "(outside the site, whose pages are under /digest/)",
        "content/x.md:18: error: link: broken link to /digest/static/missing.png (no such page in the site)",
        "content/x.md:22: error: link: broken link to https://example.org/digest/tags/wombats/ "
        "(no such page in the site)",
    ]


def test_a_link_to_a_draft_is_broken_unless_drafts_are_built(site):
    write(site / "content", "d.md", entry(title='"Draft"', draft="true", source="Reuters", body="Soon.\n"))
    text = entry(body="See [the draft](/digest/2023/10/16/draft/).\n")
    assert one(site, text) == [
        "content/x.md:9: error: link: broken link to /digest/2023/10/16/draft/ (no such page in the site)"]
    assert [f for f in lines(load_config(site, drafts=True)) if f.startswith("content/x.md")] == []


def test_two_slugs_on_one_url(site):
    write(site / "content", "a.md", entry(slug="same", source="Reuters"))
    write(site / "content", "b.md", entry(slug="same", title='"Other"', date="2023-10-16T13:00:00+06:00"))
    assert lines(load_config(site)) == [
        "content/b.md:8: error: slug: gives the URL /2023/10/16/same/ that content/a.md has too; change one of them"]


def test_links_are_found_with_their_lines():
    body = 'a\n[x](/a/ "title") <https://example.org/b>\n<img src="/c.png">\n[r]: <d/>\n'
    assert list(links(body)) == [(1, 0, "/a/"), (1, 17, "https://example.org/b"), (2, 5, "/c.png"), (3, 0, "d/")]


# ------------------------------------------------------------ summary and status

def test_the_summary_line():
    error = Finding("a.md", 1, "error", "link", "x")
    warning = Finding("a.md", 2, "warning", "tags", "y")
    assert summary([], 1) == "no problems in 1 entry"
    assert summary([], 0) == "no problems in 0 entries"
    assert summary([error], 1) == "1 error in 1 entry"
    assert summary([warning, warning], 3) == "2 warnings in 3 entries"
    assert summary([error, error, warning], 3) == "2 errors, 1 warning in 3 entries"


def test_the_exit_status(site):
    assert run(load_config(site))[0] == 0
    write(site / "content", "x.md", entry(source=None))
    status, _, err = run(load_config(site))
    assert (status, err) == (0, "1 warning in 2 entries\n")
    write(site / "content", "y.md", entry(date="soon"))
    assert run(load_config(site))[0] == 1


def test_findings_are_sorted_by_file_then_line(site):
    write(site / "content", "b.md", entry(source=None, lang="de", body="[x](/digest/nope/)\n"))
    write(site / "content", "a.md", entry(source_url=None, tags="[Wombats]"))
    found = [line.split(": ")[0] for line in lines(load_config(site))]
    assert found == ["content/a.md:1", "content/a.md:4", "content/b.md:1", "content/b.md:6", "content/b.md:8"]
