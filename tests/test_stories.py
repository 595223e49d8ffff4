"""The same story across outlets: sketches, similarity and grouping."""
from __future__ import annotations

import dataclasses
import importlib.util
import os
import random
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest import stories
from digest.build import load_entries
from digest.config import SiteConfig, load_config
from digest.content import parse_entry
from digest.stories import Story, find_stories, similarity, sketch

REPO = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "curation"
CONFIG = SiteConfig(root=REPO, timezone="Asia/Almaty")

SAMPLE_STORY = [
    "2023/11/cec-turnout-at-repeat-majilis-elections.md",  # Kazinform, 20:30: the earliest
    "2023/11/yavka-na-povtornyh-vyborah-v-mazhilis.md",  # TASS, 20:45
    "2023/11/turnout-tops-38-percent-in-repeat-races.md",  # Astana Times, 21:10
]
FIXTURE_STORY = [
    "2023/10/cis-observers-by-elections-in-line-with-law.md",  # Kazinform, 16 Oct 18:40
    "2023/10/nablyudateli-sng-ne-vyyavili-narusheniy.md",  # TASS, 16 Oct 20:05
    "2023/10/cis-mission-finds-by-elections-open-and-competitive.md",  # BelTA, 17 Oct
]
DOUBLE_INGEST = [
    "2023/10/cec-launches-an-online-map-of-polling-stations.md",
    "2023/10/cec-launches-online-map-of-polling-stations.md",
]


def entry(rel: str, title: str, body: str, *, date: str = "2023-10-16T12:00:00+06:00",
          source: str | None = "Kazinform", lang: str = "en", extra: str = ""):
    """An entry read from Markdown text, as the build reads it."""
    lines = ["---", f'title: "{title}"', f"date: {date}", f"lang: {lang}"]
    if source:
        lines.append(f"source: {source}")
    if extra:
        lines.append(extra)
    text = "\n".join(lines) + "\n---\n" + body
    return parse_entry(text.encode(), rel=rel, shown=rel, config=CONFIG)


def paths(story: Story) -> list[str]:
    return [e.source_path for e in story.entries]


@pytest.fixture(scope="module")
def sample_entries():
    return load_entries(load_config(REPO))


@pytest.fixture(scope="module")
def fixture_entries():
    return load_entries(load_config(FIXTURE))


def by_path(entries, rel):
    return next(e for e in entries if e.source_path == rel)


# ------------------------------------------------------------ the two digests

def test_the_sample_digest_has_exactly_its_three_outlet_story(sample_entries):
    config = load_config(REPO)
    found = find_stories(sample_entries, config.story_threshold)
    assert [paths(s) for s in found] == [SAMPLE_STORY]
    story = found[0]
    assert story.lead.source == "Kazinform"
    assert story.id == "2023-11-26-cec-turnout-at-repeat-majilis-elections-hits-38-6-by-8-p-m"
    assert [e.source for e in story.others(story.lead)] == ["TASS", "Astana Times"]


def test_the_fixture_has_exactly_its_three_outlet_story(fixture_entries):
    config = load_config(FIXTURE)
    found = find_stories(fixture_entries, config.story_threshold)
    assert [paths(s) for s in found] == [FIXTURE_STORY]
    assert found[0].id == "2023-10-16-cis-observers-maslikhat-by-elections-held-in-line-with-kazakh-law"
    published = [e for e in fixture_entries if not e.draft]
    assert [paths(s) for s in find_stories(published, config.story_threshold)] == [FIXTURE_STORY]


def test_the_story_holds_at_other_thresholds(fixture_entries, sample_entries):
    for threshold in (0.3, 0.4, 0.6):
        assert [paths(s) for s in find_stories(fixture_entries, threshold)] == [FIXTURE_STORY]
        assert [paths(s) for s in find_stories(sample_entries, threshold)] == [SAMPLE_STORY]


def test_stories_are_ordered_newest_first(fixture_entries, sample_entries):
    found = find_stories([*fixture_entries, *sample_entries], 0.5)
    assert [paths(s) for s in found] == [SAMPLE_STORY, FIXTURE_STORY]
    assert find_stories([*reversed(fixture_entries), *reversed(sample_entries)], 0.5) == found


def test_a_featured_entry_leads_its_story(fixture_entries):
    entries = [dataclasses.replace(e, featured=True) if e.source == "BelTA" else e for e in fixture_entries]
    (story,) = find_stories(entries, 0.5)
    assert [e.source for e in story.entries] == ["BelTA", "Kazinform", "TASS"]
    assert story.id == "2023-10-17-cis-mission-finds-kazakhstan-s-local-by-elections-open-and-competitive"


def test_similarity_ranks_the_story_above_everything_else(fixture_entries):
    a, b, c = (by_path(fixture_entries, rel) for rel in FIXTURE_STORY)
    for x, y in ((a, b), (a, c), (b, c)):
        assert similarity(x, y) >= 0.6
        assert similarity(x, y) == similarity(y, x)
    others = [e for e in fixture_entries if e.source_path not in FIXTURE_STORY + DOUBLE_INGEST]
    assert max(similarity(x, y) for x in (a, b, c) for y in others) < 0.2


# ------------------------------------------------------------ the editor's word

def test_a_story_id_forces_two_dissimilar_entries_together():
    a = entry("a.md", "Akim meets farmers", "The akim of the region met farmers.\n", extra="story: spring-visit")
    b = entry("b.md", "Погода в Астане", "В Астане ожидается снег.\n", source="TASS", lang="ru",
              date="2023-12-20T10:00:00+06:00", extra="story: spring-visit")
    assert similarity(a, b) < 0.1
    (story,) = find_stories([b, a], 0.5)
    assert story.id == "spring-visit"
    assert paths(story) == ["a.md", "b.md"]


def test_story_false_and_lone_ids_break_a_story(fixture_entries):
    tass = FIXTURE_STORY[1]
    for extra in ("story: false", "story: only-me"):
        entries = [dataclasses.replace(e, story=extra.split()[1] if "only" in extra else f"own:{e.source_path}")
                   if e.source_path == tass else e for e in fixture_entries]
        (story,) = find_stories(entries, 0.5)
        assert paths(story) == [FIXTURE_STORY[0], FIXTURE_STORY[2]]


def test_story_false_arrives_as_an_id_of_its_own():
    a = entry("a.md", "Turnout at 38.6%", "Turnout 38.6%, 412,357 of 1,068,280 voters.\n", extra="story: false")
    assert a.story == "own:a.md"


# ------------------------------------------------------------ outlets

def test_a_double_ingest_is_not_a_story(fixture_entries):
    a, b = (by_path(fixture_entries, rel) for rel in DOUBLE_INGEST)
    assert a.source == b.source == "Qazaq TV"
    assert similarity(a, b) >= 0.8
    assert not any(set(DOUBLE_INGEST) & set(paths(s)) for s in find_stories(fixture_entries, 0.5))


def test_a_story_has_one_entry_per_outlet(fixture_entries):
    kazinform = by_path(fixture_entries, FIXTURE_STORY[0])
    tass = by_path(fixture_entries, FIXTURE_STORY[1])
    # TASS's report again, as if Kazinform had run it in Russian an hour later.
    again = dataclasses.replace(tass, source_path="2023/10/kazinform-ru.md", source="Kazinform",
                                date=tass.date.replace(hour=21))
    assert similarity(kazinform, again) > 0.5 and similarity(tass, again) == 1
    (story,) = find_stories([*fixture_entries, again], 0.5)
    # The verbatim copy joins TASS first; Kazinform's English report cannot follow.
    assert paths(story) == [FIXTURE_STORY[1], "2023/10/kazinform-ru.md", FIXTURE_STORY[2]]
    assert sorted(e.source for e in story.entries) == ["BelTA", "Kazinform", "TASS"]


def test_outlets_are_compared_loosely():
    a = entry("a.md", "x", "y\n", source="The Astana Times")
    b = entry("b.md", "x", "y\n", source="astana  times")
    assert stories.outlet_key(a) == stories.outlet_key(b) == "astana times"


# ------------------------------------------------------------ across languages

RU = ("АСТАНА, 26 ноября. /ТАСС/. Явка составила 38,6%, сообщила секретарь ЦИК Сауле Ибраева. "
      "Из 1 068 280 избирателей проголосовали 412 357 человек на 486 участках.\n")
EN = ("ASTANA. KAZINFORM Turnout stood at 38.6%, CEC Secretary Saule Ibrayeva told a briefing. "
      "Of 1,068,280 voters, 412,357 cast ballots at 486 polling stations.\n")


def test_the_same_figures_and_names_group_across_languages():
    ru = entry("ru.md", "Явка на выборах составила 38,6%", RU, source="TASS", lang="ru")
    en = entry("en.md", "Turnout hits 38.6%", EN, date="2023-10-17T09:00:00+06:00")
    assert similarity(ru, en) >= 0.8
    (story,) = find_stories([ru, en], 0.5)
    assert paths(story) == ["ru.md", "en.md"]


def test_across_languages_figures_need_a_shared_name():
    ru = entry("ru.md", "Явка составила 38,6%", "Явка составила 38,6%, проголосовали 412 357 из 1 068 280.\n",
               source="TASS", lang="ru")
    en = entry("en.md", "Turnout at 38.6%", "Turnout was 38.6%: 412,357 of 1,068,280 voted, said Marat Zhakenov.\n")
    assert similarity(ru, en) == 0
    kk = entry("kk.md", "Сайлау", "Ибраева сайлау туралы айтты.\n", source="Khabar", lang="kk")
    assert similarity(kk, en) == 0


def test_too_far_apart_is_not_a_story():
    ru = entry("ru.md", "Явка на выборах составила 38,6%", RU, source="TASS", lang="ru")
    en = entry("en.md", "Turnout hits 38.6%", EN, date="2023-10-20T12:00:01+06:00")
    assert similarity(ru, en) >= 0.8
    assert find_stories([ru, en], 0.5) == ()


def test_no_chains_of_unrelated_reports():
    # B shares its figures with A and with C; A and C have nothing in common.
    a = entry("a.md", "Observers deployed", "Nurlan Abenov said 4,512 observers and 1,207 cameras.\n",
              source="Kazinform")
    b = entry("b.md", "Вторая сводка", "Нурлан Абенов: 4 512 наблюдателей, 1 207 камер, 88,3% и 73 600.\n",
              source="TASS", lang="ru")
    c = entry("c.md", "Ballots counted", "Nurlan Abenov said 88.3% counted, 73,600 spoiled.\n",
              source="Reuters")
    assert similarity(a, b) >= 0.5 and similarity(b, c) >= 0.5
    assert similarity(a, c) < 0.25
    (story,) = find_stories([a, b, c], 0.5)
    assert len(story.entries) == 2


# ------------------------------------------------------------ the sketch

def test_numbers_are_normalised():
    key = stories._numbers
    assert key("61.3") == key("61,3")
    assert key("3,847,000") == key("3 847 000") == key("3.847 million") == key("3,847 млн") == key("3 847 000")
    assert key("38.6%") != key("38%")
    assert key("38.0 percent") != key("38 people")
    assert key("on 15 March 2023 at 20:00, in district No. 9, 26.11.2023, the 3rd round") == []
    assert key("1,100,000 and 1.1 million") == key("1 100 000")
    assert len(key(", ".join(str(100 + i) for i in range(40)))) == stories.MAX_NUMBERS


def test_name_keys_match_across_alphabets_and_case_endings():
    key = stories._name_key
    assert key("Ибраева") == key("Ибраевой") == key("Ibrayeva")
    assert key("Мажилис") == key("Majilis") == key("Mazhilis")
    assert key("Кравцов") == key("Kravtsov")
    assert key("Monday") is None
    assert stories._names("Turnout was high. Officials said so.") == []


def test_sketches_are_small():
    body = "\n\n".join(
        f"Paragraph {i} with Names Like Abenov{i} and figures {i * 1000 + 123}.{i} and {i + 50}% "
        + " ".join(f"word{j}" for j in range(80)) for i in range(9))
    data = sketch("A long title with Many Names", body, "en")
    assert len(data) <= 4 + 128 + 16 * 4 + 24 * 4
    assert len(sketch("", "", None)) == 4
    assert find_stories([entry("a.md", "x", "\n"), entry("b.md", "x", "\n", source="TASS")], 0.5) == ()


def test_sketches_are_the_same_in_another_process(fixture_entries):
    code = (
        "import sys, json; from pathlib import Path; from digest.build import load_entries;"
        "from digest.config import load_config;"
        "print(json.dumps({e.source_path: e.sketch.hex() for e in load_entries(load_config(sys.argv[1]))}))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code, str(FIXTURE)], capture_output=True, text=True,
                         env=env, check=True).stdout
    import json

    assert json.loads(out) == {e.source_path: e.sketch.hex() for e in fixture_entries}


# ------------------------------------------------------------ scale

def test_ten_thousand_generated_entries_are_not_compared_pairwise():
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from corpus import entry_text
    finally:
        sys.path.pop(0)
    from digest.content import _split
    from digest.model import Body, Entry

    rng = random.Random(0)
    entries = []
    for i in range(10000):
        rel, text = entry_text(rng, i, datetime(2018, 1, 1), 7 * 365)
        meta, body, _ = _split(text, rel)
        when = meta["date"]
        entries.append(Entry(source_path=rel, title=str(meta["title"]), date=when, slug=f"e{i}", body=Body(""),
                             source=meta["source"], lang=meta["lang"],
                             sketch=sketch(str(meta["title"]), body, meta["lang"])))
    pairs = stories.candidate_pairs(entries)
    assert len(pairs) < 5 * len(entries)  # all pairs would be 49,995,000
    assert find_stories(entries, 0.5) == ()  # independent texts: no story


def test_a_memo_kept_between_calls_gives_the_same_stories() -> None:
    """What a long-lived builder does: the same answer as a fresh call after every change."""
    entries = sorted(load_entries(load_config(REPO)), key=lambda e: e.order, reverse=True)
    memo: dict = {}
    rng = random.Random(5)
    current = list(entries)
    for step in range(8):
        assert find_stories(current, 0.5, memo) == find_stories(current, 0.5), step
        victim = rng.randrange(len(current))
        if step % 3 == 0:
            del current[victim]  # an entry deleted
        elif step % 3 == 1:
            current.append(entries[victim])  # one restored
        else:  # an edit: the same entry, another identity
            current[victim] = dataclasses.replace(current[victim], digest=f"edited-{step}")


# The sketch's two searches are written so that a search skips to the characters
# that can start a match; these are what they must find, as first written.
_PLAIN_NAME = re.compile(rf"\b[{stories._UPPER}][^\W\d_{stories._UPPER}]+\b")
_PLAIN_MARKUP = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|<[^>]*>|https?://\S+")
_PIECES = st.lists(st.sampled_from([
    "Ибраева ", "Mr ", "cNN", "Ә", "Қазақ", "x", "5", "_", " ", "\n", ". ", "«", "[", "]", "(", ")", "!", "<", ">",
    "https://e.org/a", "http://", "](", "![", "ЦИК", "Alma-Ata", "\u00a0",
]), max_size=30).map("".join)


@settings(max_examples=3000, deadline=None)
@given(_PIECES)
def test_the_sketch_s_searches_find_what_their_plain_forms_find(text: str) -> None:
    assert [m.span() for m in stories._NAME.finditer(text)] == [m.span() for m in _PLAIN_NAME.finditer(text)]
    assert stories._MARKUP.sub(stories._link_text, text) == _PLAIN_MARKUP.sub(lambda m: m.group(1) or " ", text)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300)
       | st.lists(st.sampled_from(["İstanbul", "ß", "ǅ", "Σ", "ΣΑΣ", "қазақ", "Ә", "٣٤", "½", "²", "_", "a_b", "x̧y",
                                   "日本語", "🙂", "\u00a0", "\u2028", "-", " ", "\n", "ﬃ", "Ⅻ", "ABCDEFGHIJ", "1,234"]),
                  max_size=40).map(" ".join))
def test_the_compiled_signature_gives_the_bytes_of_the_python_one(text: str) -> None:
    """csrc/_sketch.c computes ``_signature_py``; a build without it uses the Python."""
    compiled = pytest.importorskip("digest._sketch", reason="digest._sketch was not built (no C compiler?)")
    assert compiled.signature(text) == stories._signature_py(text)


_MARKUP_PIECES = st.lists(st.sampled_from([
    "[", "]", "(", ")", "!", "<", ">", "h", "http", "https", "://", "https://e.org/a", "http://x", " ", "\n", "\t",
    "\u00a0", "\u2028", "a", "Ж", "ә", "🙂", "![", "](", "[a](b)", "![alt](i.png)", "<b>", "x", "s", ":/",
]), max_size=40).map("".join)


@settings(max_examples=4000, deadline=None)
@given(_MARKUP_PIECES | st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_the_compiled_markup_strip_gives_the_text_of_the_python_one(text: str) -> None:
    """csrc/_sketch.c's ``strip_markup`` is ``_strip_markup_py`` (``_MARKUP``'s substitution), compiled."""
    compiled = pytest.importorskip("digest._sketch", reason="digest._sketch was not built (no C compiler?)")
    assert compiled.strip_markup(text) == stories._strip_markup_py(text)


_NUMBERS = st.text(alphabet=st.characters(codec="utf-8"), max_size=200) | st.lists(st.sampled_from([
    "1", "0", "9", "٣", "²", "½", ".", ",", ":", "/", " ", "\u00a0", "\u202f", "\u2009", "-", "млн", "MLN", "тыс", "x",
    "thouſand", "\n", "38,6", "1 068 280", "12:30", "26.11.2023", "5mln.5", "№", "🙂",
]), max_size=40).map("".join)


@settings(max_examples=3000, deadline=None)
@given(_NUMBERS)
def test_the_numbers_are_matched_where_the_runs_of_digits_start(text: str) -> None:
    """``_numbers`` matches ``_NUMBER`` at each run's start: the starts of its matches, exactly."""
    expected = [m.start() for m in stories._NUMBER.finditer(text)]
    assert stories._number_starts_py(text) == expected
    compiled = pytest.importorskip("digest._sketch", reason="digest._sketch was not built (no C compiler?)")
    assert compiled.number_starts(text) == expected


def test_the_compiled_signature_is_used_where_it_was_built() -> None:
    if os.environ.get("CI") or importlib.util.find_spec("digest._sketch") is not None:
        import digest._sketch

        assert stories._signature is digest._sketch.signature
        assert stories._number_starts is digest._sketch.number_starts
        assert stories._strip_markup is digest._sketch.strip_markup
    else:
        assert stories._signature is stories._signature_py
        assert stories._number_starts is stories._number_starts_py
        assert stories._strip_markup is stories._strip_markup_py
