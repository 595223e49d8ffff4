"""The front matter read without the YAML parser is what YAML reads, or left to it."""
from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from digest import content, yaml_front_matter
from digest.front_matter import simple_front_matter

KEYS = st.sampled_from(["title", "date", "tags", "source", "lang", "x_1", "_k", "yes", "True", "on", "Null",
                        "y", "n", "key", "Заголовок", "a b", "1st"])
VALUES = st.sampled_from([
    '"Kazakhstan calls UN"', '"a # b"', '"it\'s"', '"a \\" b"', '"a\\tb"', '""', '"x" # c', '"open',
    "'single'", "'it''s'", "''", "'a' 'b'", "'open",
    "Kazinform", "Qazaq TV", "Vlast.kz", "O'Brien", "a 'b' c", "https://x.org/a?b=1#c", "x: y", "x #c", "x#c",
    "ends:", "a :b", "AT&T", "a, b", "{a: b}", "[a]]", "a [b]", "Выборы", "Сайлау 2024", "a\xa0b", "e10", "Infinity",
    "true", "True", "TRUE", "tRUE", "false", "no", "No", "off", "On", "y", "n", "null", "Null", "~", "NULL", "nil",
    "2023-03-10T14:20:00+06:00", "2023-03-10T14:20:00Z", "2023-03-10T14:20:00", "2023-03-10T14:20:00.5+06:00",
    "2023-03-10", "2023-02-30", "2023-02-30T10:00:00", "2023-06-15 09:30", "2023-06-15 09:30:00", "2023-3-1",
    "2024", "1_000", "0x1F", "+1", "-1", "12:30", "1:20:30", ".inf", "1e3", "3.5",
    "[Elections, UN, Observers]", "[Presidential election, ЦИК]", "[a,b]", "[ ]", "[]", "[a, ]", "[yes, no]",
    "[1, a]", "[a: b]", "['a']", '["a"]', "[a, [b]]", "[a #b]", "[Null]", "[a,  b ]",
    "&anchor x", "*alias", "!!str x", "|", ">", "@x", "`x`", "%x", "- a", "? a", "a\tb", "a\rb", "a\x85b",
    "a\u2028b", "\ufeffa", "a\x7fb", "",
])
LINE = st.one_of(
    st.builds(lambda k, v, sp: f"{k}:{sp}{v}", KEYS, VALUES, st.sampled_from([" ", "  ", "", "\t"])),
    st.sampled_from(["", "# a comment", "  continued", "- item", "key:value", "---", "...", "%YAML 1.1",
                     "title: x  ", "title:   ", "title:"]),
)


def _typed(value):
    """A value with the type of every part spelled out (True is not 1, a date not a datetime)."""
    if isinstance(value, dict):
        return {repr(k): _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return (type(value).__name__, repr(value))


def _yaml(text: str):
    try:
        return yaml.load(text, Loader=yaml_front_matter._Loader)
    except yaml.YAMLError:
        return "refused"


@settings(max_examples=4000, deadline=None)
@given(st.lists(LINE, max_size=10).map("\n".join))
def test_read_without_yaml_only_what_yaml_reads_the_same(text: str) -> None:
    fast = simple_front_matter(text)
    if fast is not None:
        assert _typed(fast) == _typed(_yaml(text) or {})


def test_the_front_matter_ingest_writes_is_read_without_yaml() -> None:
    from datetime import datetime, timedelta, timezone

    from digest.ingest.write import dump_front_matter

    meta = {"title": "Выборы: итоги «2024» — it's over", "date": datetime(2024, 3, 1, 10, 0, tzinfo=timezone(timedelta(hours=5))),
            "tags": ["Elections", "Majilis", "ЦИК"], "source": "Kazinform", "source_url": "https://x.kz/a?b=1#c",
            "dateline": "ASTANA", "author": None, "lang": "ru", "draft": False, "featured": False}
    text = dump_front_matter(meta)
    assert simple_front_matter(text) == meta


def test_the_sample_digest_front_matter_mostly_skips_yaml() -> None:
    root = Path(__file__).resolve().parents[1] / "content"
    texts = [content._split(p.read_text("utf-8"), p.name)[2] for p in sorted(root.rglob("*.md"))]
    fast = [simple_front_matter(t) for t in texts]
    assert sum(f is not None for f in fast) >= 0.8 * len(texts)
    for text, meta in zip(texts, fast):
        if meta is not None:
            assert _typed(meta) == _typed(_yaml(text))


def _digits(n: int):
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


DATES = st.builds(
    lambda y, mo, d, time, zone: f"{y}-{mo}-{d}" + (f"T{time}{zone}" if time else ""),
    _digits(4), st.sampled_from(["01", "02", "06", "12", "00", "13"]) | _digits(2),
    st.sampled_from(["01", "28", "29", "30", "31", "00", "32"]) | _digits(2),
    st.none() | st.builds(lambda h, m, s: f"{h}:{m}:{s}", _digits(2), _digits(2), _digits(2)),
    st.sampled_from(["", "Z", "+06:00", "-05:30", "+00:00", "-00:00", "+23:59", "+24:00", "+05:60"])
    | st.builds(lambda sign, h, m: f"{sign}{h}:{m}", st.sampled_from("+-"), _digits(2), _digits(2)),
)


@settings(max_examples=3000, deadline=None)
@given(DATES)
def test_a_date_is_read_as_yaml_reads_it(raw: str) -> None:
    """``timestamp`` (``fromisoformat``) gives YAML's value for every date the fast reader takes, or fails as it does."""
    from yaml.constructor import SafeConstructor

    from digest.front_matter import timestamp

    def outcome(read):
        try:
            return _typed(read())
        except ValueError:
            return "not a date"

    node = yaml.ScalarNode("tag:yaml.org,2002:timestamp", raw)
    assert outcome(lambda: timestamp(raw)) == outcome(lambda: SafeConstructor().construct_yaml_timestamp(node))


def test_a_build_whose_front_matter_is_simple_does_not_import_yaml(tmp_path: Path) -> None:
    """PyYAML is imported only for front matter the fast reader leaves to it."""
    import subprocess
    import sys

    bench = Path(__file__).resolve().parent.parent / "benchmarks"
    code = (
        f"import sys; sys.path.insert(0, {str(bench)!r}); from corpus import generate; "
        f"from pathlib import Path; root = generate(Path({str(tmp_path / 'site')!r}), 30, seed=3); "
        "from digest.config import load_config; from digest.build import build; "
        "build(load_config(root), use_cache=False); print('yaml' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "False"


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(["title", "x_1", "_k", "Заголовок", "1st", "a b", "é", ":", " ", "  ", "\t", "\r",
                                 '"v"', "v", "a:b", "#", "[a, b]", "", "-", "ǅ", "_", "9"]), max_size=8).map("".join))
def test_a_line_is_split_where_the_line_pattern_splits_it(line: str) -> None:
    """simple_front_matter reads a line by string methods as ``_LINE`` reads it: the key, then the value."""
    from digest.front_matter import _LINE, _value

    if not line or line[0] == "#" or "\n" in line:
        return
    m = _LINE.fullmatch(line)
    got = simple_front_matter(line)
    if m is None:
        assert got is None
    elif got is not None:
        raw = m.group(2)
        assert list(got) == [m.group(1)] and _typed(got[m.group(1)]) == _typed(_value(raw) if raw else None)
