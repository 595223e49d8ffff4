"""The tag vocabulary: splitting tag lines, aliases, a site's own tags.toml."""
from __future__ import annotations

import pytest

from digest.errors import ConfigError
from digest.ingest.parse import parse_text
from digest.ingest.tags import TagVocabulary, load_vocabulary, split_tags


@pytest.fixture(scope="module")
def vocabulary() -> TagVocabulary:
    return load_vocabulary()


@pytest.mark.parametrize("line,tags", [
    ("CIS Elections Majilis Elections in Kazakhstan", ["CIS", "Elections", "Majilis Elections in Kazakhstan"]),
    ("Kyrgyzstan Elections Maslikhat by-elections 2024", ["Kyrgyzstan", "Elections", "Maslikhat by-elections 2024"]),
    ("Elections Maslikhat by-elections CEC News", ["Elections", "Maslikhat by-elections", "CEC", "News"]),
    ("Kyrgyzstan Local elections Central Asia", ["Kyrgyzstan", "Local elections", "Central Asia"]),
    ("Сайлау Мәжіліс ОСК", ["Сайлау", "Мәжіліс", "ОСК"]),
    ("выборы маслихат ЦИК явка", ["выборы", "маслихат", "ЦИК", "явка"]),
])
def test_space_joined_lines_split_at_known_tags(vocabulary, line, tags):
    assert split_tags(line, vocabulary) == tags


def test_unknown_words_are_kept(vocabulary):
    # capitalised unknown words open a tag, lower-case ones and numbers continue it
    assert split_tags("Elections Zhanaozen Riots anniversary 2011", vocabulary) == [
        "Elections", "Zhanaozen", "Riots anniversary 2011"]
    assert split_tags("Kazakhstan Qoldau grants", vocabulary) == ["Kazakhstan", "Qoldau grants"]


@pytest.mark.parametrize("line,tags", [
    ("Mazhilis", ["Majilis"]),
    ("Mazhilis Elections in Kazakhstan", ["Majilis Elections in Kazakhstan"]),
    ("Nur-Sultan, Karagandy", ["Astana", "Karaganda"]),
    ("Central Election Commission, OSCE/ODIHR", ["CEC", "ODIHR"]),
])
def test_aliases_map_to_the_canonical_tag(vocabulary, line, tags):
    assert split_tags(line, vocabulary) == tags


def test_canonical_name_in_other_case_is_kept_as_printed(vocabulary):
    assert split_tags("выборы, Выборы в мажилис, ELECTIONS", vocabulary) == ["выборы", "Выборы в мажилис", "ELECTIONS"]
    assert split_tags("Выборы в Мажлис", vocabulary) == ["Выборы в Мажилис"]  # another spelling


@pytest.mark.parametrize("text,tags", [
    ("#сайлау2028 #Мәжіліс #шетелдегіқазақстандықтар", ["сайлау2028", "Мәжіліс", "шетелдегіқазақстандықтар"]),
    ("выборы, маслихат, Караганда", ["выборы", "маслихат", "Караганда"]),
    ("Elections; CEC; Turnout", ["Elections", "CEC", "Turnout"]),
    ("Elections | CEC", ["Elections", "CEC"]),
    ("Elections, Elections, CEC", ["Elections", "CEC"]),
    ("", []),
])
def test_separated_lists_and_hashtags(vocabulary, text, tags):
    assert split_tags(text, vocabulary) == tags


def test_site_vocabulary_is_merged_over_the_default(tmp_path):
    (tmp_path / "tags.toml").write_text(
        '"Zhanaozen Riots Anniversary" = ["Zhanaozen anniversary"]\nCEC = ["Election commission"]\n',
        encoding="utf-8")
    site = load_vocabulary(tmp_path)
    assert split_tags("Elections Zhanaozen Riots Anniversary", site) == ["Elections", "Zhanaozen Riots Anniversary"]
    assert split_tags("Zhanaozen anniversary, Election commission", site) == ["Zhanaozen Riots Anniversary", "CEC"]
    # the shipped aliases of an entry the site redefines are replaced, the rest stay
    assert site.lookup("Central Election Commission") is None
    assert site.lookup("Mazhilis") == "Majilis"
    assert load_vocabulary(tmp_path) is site  # read once while the file is unchanged


def test_site_vocabulary_changes_how_a_page_is_split(tmp_path):
    page = (" date 2024-05-02 Go to the main site\n"
            "Almaty hosts forum on local self-government ahead of elections\n\n"
            "2 May 2024, 10:00\n\n"
            "ALMATY. KAZINFORM – Local officials and civic activists met in Almaty on Thursday to discuss how "
            "elected akims will work with district councils.\n\n"
            "Participants agreed to publish their proposals in a joint statement next week, organizers said.\n\n"
            "Akims Elections Local Self Government Almaty\n"
            "Related news\n")
    # unknown capitalised words each open a tag: the site's vocabulary says which belong together
    assert parse_text(page, "page.txt").tags == ["Akim", "Elections", "Local", "Self", "Government", "Almaty"]
    (tmp_path / "tags.toml").write_text('"Local Self-Government" = ["Local Self Government", "Local government"]\n',
                                        encoding="utf-8")
    assert parse_text(page, "page.txt", root=tmp_path).tags == ["Akim", "Elections", "Local Self-Government", "Almaty"]


@pytest.mark.parametrize("content,message", [
    ('Elections = ["Election"\n', "not valid TOML"),
    ('Elections = "Election"\n', 'Elections: expected a list of aliases, e.g. Majilis = ["Mazhilis"]'),
    ('Elections = [1, 2]\n', 'Elections: expected a list of aliases, e.g. Majilis = ["Mazhilis"]'),
    ('[Elections]\nalias = "x"\n', 'Elections: expected a list of aliases, e.g. Majilis = ["Mazhilis"]'),
    ('" " = []\n', "a tag name is empty"),
])
def test_bad_site_vocabulary_is_a_config_error(tmp_path, content, message):
    path = tmp_path / "tags.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_vocabulary(tmp_path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)


def test_unreadable_site_vocabulary(tmp_path):
    (tmp_path / "tags.toml").write_bytes(b"\xff\xfeElections")
    with pytest.raises(ConfigError, match="cannot read the tag vocabulary"):
        load_vocabulary(tmp_path)


def test_no_site_file_gives_the_default(tmp_path):
    assert load_vocabulary(tmp_path).entries == load_vocabulary().entries
