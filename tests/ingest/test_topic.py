"""Only election news: ``digest ingest --topic elections`` and ``topic`` in digest.toml."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml

from digest.cli import main
from digest.ingest.article import Article
from digest.ingest.topic import load_topic
from digest.ingest.write import split_entry

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
sys.path.insert(0, str(FIXTURES.parent.parent / "benchmarks"))
from topic_bench import precision_recall, read_pages  # noqa: E402

CORPUS = sorted((FIXTURES / "pages").glob("*.txt"))
FARMERS = FIXTURES / "pages" / "a16_nonelection_qazaqtv_header.txt"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    site = tmp_path / "site-root"
    site.mkdir()
    return site


def ingest_json(root: Path, *args: str, capsys) -> tuple[int, list[dict]]:
    code = main(["ingest", *args, "--root", str(root), "--json"])
    return code, json.loads(capsys.readouterr().out)


def front(path: Path) -> dict:
    return yaml.safe_load(split_entry(path.read_text("utf-8"))[0])


def test_corpus_non_election_layouts_skipped_and_every_election_page_kept(root: Path, capsys) -> None:
    code, rows = ingest_json(root, *map(str, CORPUS), "--topic", "elections", capsys=capsys)
    assert code == 0, rows
    results = {Path(r["source"]).name: r for r in rows}
    off = {name for name in results if "nonelection" in name}
    assert off == {FARMERS.name}
    for name, row in results.items():
        if name in off:
            assert row["result"] == "skipped"
            assert row["reason"].startswith("off topic: score ")
            assert row["topic_score"] < 0.3
        else:
            assert row["result"] == "written", row
            assert row["topic_score"] >= 0.3


def test_invented_pages_fall_on_their_side(tmp_path: Path) -> None:
    topic = load_topic("elections")
    pages = read_pages()
    assert len(pages) >= 40 and sum(p.on_topic for p in pages) * 2 == len(pages)
    assert {p.language for p in pages} == {"en", "ru", "kk"}
    from digest.ingest.commands import parse_job

    results = []
    for page in pages:
        path = tmp_path / f"{page.name}.txt"
        path.write_text(page.text, encoding="utf-8")
        results.append((page.on_topic, topic.score(parse_job(path)).on_topic))
    precision, recall = precision_recall(results)
    assert precision >= 0.95 and recall >= 0.95, (precision, recall)


@pytest.mark.parametrize("forms", [
    ["выборы", "выборах", "выборов"],
    ["сайлау", "сайлауы", "сайлауға"],
    ["election", "elections", "electoral"],
])
def test_word_forms(forms: list[str]) -> None:
    topic = load_topic("elections")
    for form in forms:
        article = Article(source="x", title="Новости", body=[f"Сегодня {form} и погода. " * 3])
        score = topic.score(article)
        assert score.on_topic and score.terms[0] == form, (form, score)


def test_the_message_names_the_score_and_top_terms(root: Path, capsys) -> None:
    assert main(["ingest", str(FARMERS), "--root", str(root), "--topic", "elections"]) == 0
    out = capsys.readouterr().out
    assert "skipped" in out and "off topic: score 0.12; top terms: campaign" in out
    assert "Topic" in out  # the score column
    assert not (root / "content").exists() or not list((root / "content").rglob("*.md"))


def test_off_topic_as_draft(root: Path, capsys) -> None:
    code, [row] = ingest_json(root, str(FARMERS), "--topic", "elections", "--off-topic", "draft", capsys=capsys)
    assert code == 0 and row["result"] == "written"
    assert any(w.startswith("off topic (score 0.12") for w in row["warnings"])
    [entry] = (root / "content").rglob("*.md")
    assert front(entry)["draft"] is True


def test_topic_from_digest_toml_and_all_overrides_it(root: Path, capsys) -> None:
    (root / "digest.toml").write_text('topic = "elections"\n', encoding="utf-8")
    code, [row] = ingest_json(root, str(FARMERS), capsys=capsys)
    assert row["result"] == "skipped" and code == 0
    code, [row] = ingest_json(root, str(FARMERS), "--topic", "all", capsys=capsys)
    assert row["result"] == "written" and "topic_score" not in row


def test_site_topics_toml_extends_a_topic(root: Path, capsys) -> None:
    (root / "topics.toml").write_text('[elections]\nstrong = ["sowing", "farmers"]\n', encoding="utf-8")
    code, [row] = ingest_json(root, str(FARMERS), "--topic", "elections", capsys=capsys)
    assert row["result"] == "written" and row["topic_score"] >= 0.3


def test_unknown_topic_is_one_error_line(root: Path, capsys) -> None:
    assert main(["ingest", str(FARMERS), "--root", str(root), "--topic", "football"]) == 1
    err = capsys.readouterr().err
    assert err == "error: topic: unknown topic 'football' (known: elections)\n"


def test_parse_json_carries_the_score(capsys) -> None:
    assert main(["parse", "--json", "--topic", "elections", str(FARMERS), str(CORPUS[0])]) == 0
    farmers, seed = json.loads(capsys.readouterr().out)
    assert farmers["topic"] == {"name": "elections", "score": 0.12, "terms": ["campaign"], "on_topic": False}
    assert seed["topic"]["on_topic"] is True
