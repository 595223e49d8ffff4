"""A site's own ``locales/``: it overrides the theme's strings and can add a language."""
from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from sitetools import SAMPLE_SITE, tree_digest

from digest.build import build
from digest.check import run_check
from digest.config import load_config
from digest.errors import DigestError
from digest.i18n import missing_messages, source_messages

UZ = '''msgid ""
msgstr ""
"Language: uz\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "Latest news"
msgstr "So‘nggi yangiliklar"

msgid "Skip to content"
msgstr "Asosiy qismga o‘tish"

msgid "%(num)s entry"
msgid_plural "%(num)s entries"
msgstr[0] "%(num)s ta yozuv"
msgstr[1] "%(num)s ta yozuv"

msgid "Tags"
msgstr ""
'''

RU_OVERRIDE = '''msgid ""
msgstr ""
"Language: ru\\n"

msgid "Latest news"
msgstr "Свежие новости"
'''


def _site(tmp_path: Path, language: str, catalogs: dict[str, str]) -> Path:
    root = tmp_path / "root"
    shutil.copytree(SAMPLE_SITE, root, ignore=shutil.ignore_patterns("expected"))
    config = (root / "digest.toml").read_text("utf-8")
    (root / "digest.toml").write_text(re.sub(r'(?m)^language = .*$', f'language = "{language}"', config), "utf-8")
    for lang, text in catalogs.items():
        folder = root / "locales" / lang / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "digest.po").write_text(text, "utf-8")
    return root


def _page(root: Path, rel: str) -> str:
    return (root / "site" / rel).read_text("utf-8")


def test_a_site_adds_a_language_and_missing_strings_fall_back_to_english(tmp_path: Path) -> None:
    root = _site(tmp_path, "uz", {"uz": UZ})
    build(load_config(root), search=False)
    home = _page(root, "index.html")
    assert '<html lang="uz">' in home
    assert "So‘nggi yangiliklar" in home and "Asosiy qismga o‘tish" in home
    assert ">Tags</a>" in home and ">Archive</a>" in home  # not translated: English
    tags = _page(root, "tags/index.html")
    assert 'title="4 ta yozuv"' in tags
    day = _page(root, "2023/03/10/index.html")
    assert "10-mart, 2023" in day  # the dates are CLDR's Uzbek


def test_check_lists_the_strings_a_site_language_shows_in_english(tmp_path: Path) -> None:
    root = _site(tmp_path, "uz", {"uz": UZ})
    out, err = io.StringIO(), io.StringIO()
    run_check(load_config(root), out=out, err=err)
    lines = [line for line in out.getvalue().splitlines() if ": translation: " in line]
    missing = missing_messages("uz", root / "locales")
    assert len(lines) == len(missing) == len(source_messages()) - 3
    assert "locales/uz/LC_MESSAGES/digest.po:17: warning: translation: 'Tags' is not translated into uz: shown in English" in lines
    assert any("'Archive' is not translated into uz" in line for line in lines)
    assert not any("'Latest news'" in line or "'%(num)s entry'" in line for line in lines)
    assert all(": warning: " in line for line in lines)  # warnings: the site builds


def test_check_says_when_a_language_has_no_catalog(tmp_path: Path) -> None:
    root = _site(tmp_path, "ky", {})
    out = io.StringIO()
    run_check(load_config(root), out=out, err=io.StringIO())
    assert ("digest.toml:1: warning: translation: digest has no catalog for 'ky': the theme is shown in English "
            "(translate it in locales/ky/LC_MESSAGES/digest.po)") in out.getvalue().splitlines()


def test_check_is_quiet_about_the_shipped_languages(tmp_path: Path) -> None:
    for lang in ("en", "ru", "kk"):
        root = _site(tmp_path / lang, lang, {})
        out = io.StringIO()
        run_check(load_config(root), out=out, err=io.StringIO())
        assert ": translation: " not in out.getvalue(), lang


def test_a_site_overrides_a_shipped_string(tmp_path: Path) -> None:
    root = _site(tmp_path, "ru", {"ru": RU_OVERRIDE})
    build(load_config(root), search=False)
    home = _page(root, "index.html")
    assert "Свежие новости" in home and "Последние новости" not in home
    assert ">Теги</a>" in home  # the rest still from digest's catalog


def test_a_changed_catalog_rebuilds_the_pages_like_a_clean_build(tmp_path: Path) -> None:
    root = _site(tmp_path, "ru", {"ru": RU_OVERRIDE})
    build(load_config(root), search=False)
    po = root / "locales" / "ru" / "LC_MESSAGES" / "digest.po"
    po.write_text(RU_OVERRIDE.replace("Свежие новости", "Новое"), "utf-8")
    build(load_config(root), search=False)
    assert "Новое" in _page(root, "index.html")
    clean = tmp_path / "clean"
    build(load_config(root, output=clean), search=False, use_cache=False)
    incremental = {k: v.split()[0] for k, v in tree_digest(root / "site").items() if not k.startswith(".")}
    fresh = {k: v.split()[0] for k, v in tree_digest(clean).items() if not k.startswith(".")}
    assert incremental == fresh


@pytest.mark.parametrize("text, line, why", [
    ('msgid "Tags"\nmsgstr "Teglar"\nnot a catalog\n', 3, "not a valid gettext catalog"),
    ('msgid "Tag: %(tag)s"\nmsgstr "Teg: %(nomi)s"\n', 1, "unknown named placeholder 'nomi'"),
])
def test_a_broken_catalog_stops_the_build_naming_the_file(tmp_path: Path, text: str, line: int, why: str) -> None:
    root = _site(tmp_path, "uz", {"uz": text})
    with pytest.raises(DigestError) as caught:
        build(load_config(root), search=False)
    assert str(caught.value.path).endswith("locales/uz/LC_MESSAGES/digest.po")
    assert caught.value.line == line
    assert why in caught.value.message
    assert not (root / "site").exists()


EN_OVERRIDE = '''msgid ""
msgstr ""
"Language: en\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "Latest news"
msgstr "Newest first"
'''


def test_the_shipped_english_catalog_is_the_message_ids() -> None:
    # English from digest's catalog alone is read as the message ids themselves,
    # without the catalog: exact only while that catalog translates nothing.
    from digest.i18n import SHIPPED_SOURCE, read_catalog, translations

    translated = [m.id for m in read_catalog(SHIPPED_SOURCE, "en")
                  if m.id and any(m.string if isinstance(m.string, tuple) else (m.string,))]
    assert translated == []
    words = translations("en")
    assert words.gettext("Latest news") == "Latest news"
    assert words.ngettext("%(num)s entry", "%(num)s entries", 1) == "%(num)s entry"
    assert words.ngettext("%(num)s entry", "%(num)s entries", 0) == "%(num)s entries"


def test_an_english_site_overrides_a_shipped_string(tmp_path: Path) -> None:
    root = _site(tmp_path, "en", {"en": EN_OVERRIDE})
    build(load_config(root), search=False)
    home = _page(root, "index.html")
    assert "Newest first" in home and "Latest news" not in home
    assert ">Tags</a>" in home
