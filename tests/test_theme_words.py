"""The theme's words are compiled into the templates, per language (digest/theme_words.py)."""
from __future__ import annotations

import shutil
from pathlib import Path

from sitetools import SAMPLE_SITE, tree_digest

from digest.build import build
from digest.config import load_config
from digest.i18n import Language
from digest.render import make_environment

PROJECT = Path(__file__).resolve().parent.parent  # the sample digest

SOURCE = ('<p>{{ _("Latest news") }}</p><p title="{{ _("Tags") }}">{{ _("Tag: %(tag)s", tag=name) }}</p>'
          '{{ gettext("Search") | upper }}')


def _environment(tmp_path: Path, lang: str, bytecode: Path | None = None):
    root = tmp_path / "root"
    if not root.exists():
        shutil.copytree(SAMPLE_SITE, root, ignore=shutil.ignore_patterns("expected"))
    return make_environment(load_config(root), bytecode, Language(lang))


def test_a_string_without_variables_is_compiled_in_its_translation(tmp_path: Path) -> None:
    env = _environment(tmp_path, "ru")
    code = env.compile(SOURCE, raw=True)
    assert "Последние новости" in code and "Теги" in code and "ПОИСК" in code
    assert "'Latest news'" not in code and "'Tags'" not in code  # no call left for them
    assert "'Tag: %(tag)s'" in code  # a string with variables stays a call
    assert env.from_string(SOURCE).render(name="<b>Выборы</b>") == (
        '<p>Последние новости</p><p title="Теги">Тег: &lt;b&gt;Выборы&lt;/b&gt;</p>ПОИСК')


def test_only_a_call_of_one_literal_is_compiled(tmp_path: Path) -> None:
    env = _environment(tmp_path, "ru")
    env.globals["obj"] = type("Obj", (), {"_": staticmethod(lambda text: f"[{text}]")})()
    env.globals["word"] = "Tags"
    template = env.from_string('{{ obj._("Tags") }} {{ _(word) }} {{ _("Tags" ~ "") }} {{ _("Tags") }}')
    assert template.render() == "[Tags] Теги Теги Теги"


def test_a_percent_sign_is_written_as_the_call_writes_it(tmp_path: Path) -> None:
    env = _environment(tmp_path, "en")
    code = env.compile('{{ _("100%% of the votes") }}', raw=True)
    assert "100% of the votes" in code and "%%" not in code
    assert env.from_string('{{ _("100%% of the votes") }}').render() == "100% of the votes"


def test_languages_sharing_a_bytecode_folder_keep_their_own_words(tmp_path: Path) -> None:
    folder = tmp_path / "bytecode"
    for lang, word in (("ru", "Теги"), ("kk", "Тегтер"), ("en", "Tags"), ("ru", "Теги")):
        env = _environment(tmp_path, lang, folder)
        assert env.get_template("_masthead.html").render(section=None).count(f">{word}<") == 1, lang
    assert len(list(folder.iterdir())) == 3  # one compiled masthead for each language


def test_a_build_from_compiled_templates_is_a_clean_build(tmp_path: Path) -> None:
    """The trilingual sample digest: the second build renders every page of
    every language from the templates the first one compiled."""
    root = tmp_path / "root"
    shutil.copytree(PROJECT, root, ignore=shutil.ignore_patterns("site", ".digest-cache", "tests", "benchmarks",
                                                                 "docs", "scripts", "digest", ".git"))
    build(load_config(root), search=False)
    (root / ".digest-cache" / "manifest.pickle").unlink()  # every page again, from the compiled templates
    build(load_config(root), search=False)
    clean = tmp_path / "clean"
    build(load_config(root, output=clean), search=False, use_cache=False)
    ours = {k: v.split()[0] for k, v in tree_digest(root / "site").items() if not k.startswith(".")}
    assert ours == {k: v.split()[0] for k, v in tree_digest(clean).items() if not k.startswith(".")}
    assert ">Тегтер<" in (root / "site" / "kk" / "index.html").read_text()
    assert ">Теги<" in (root / "site" / "ru" / "index.html").read_text()
