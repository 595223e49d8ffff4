"""Article language by script, Kazakh-only letters and common words."""
from __future__ import annotations

import pytest

from digest.ingest.language import detect_language


@pytest.mark.parametrize("text,language", [
    ("The Central Election Commission said on Monday that turnout had reached 41 percent.", "en"),
    ("Центральная избирательная комиссия сообщила, что явка составила 41 процент.", "ru"),
    ("Орталық сайлау комиссиясы дауыс беруге сайлаушылардың 41 пайызы қатысқанын хабарлады.", "kk"),
    # Russian text quoting Kazakh names stays Russian
    ("По словам официального представителя МИД Айжан Сейітқалиевой, участки откроются в 54 странах мира, "
     "а голосование продлится до 20:00 по местному времени.", "ru"),
    # Kazakh typed with look-alike letters (no ә ғ қ ң ө ұ ү і) is told by its function words
    ("Бул туралы министр брифингте айтты деп хабарлайды тилши жане ол сайлау бойынша мен учаске туралы", "kk"),
    ("Die Wahlkommission teilte mit, dass die Beteiligung bei der Wahl auf 41 Prozent gestiegen ist.", "de"),
    ("La commission électorale a annoncé que la participation est de 41 pour cent pour les élections.", "fr"),
    ("Seçim kurulu, katılımın yüzde 41 olduğunu ve sonuçların yarın açıklanacağını bildirdi ve ekledi ki bu "
     "da önemli.", "tr"),
    ("Markaziy saylov komissiyasi va partiyalar bilan uchrashuv bo'lib o'tdi, dedi u va saylov uchun tayyorlik "
     "davom etmoqda.", "uz"),
    ("لجنة الانتخابات المركزية", "ar"),
    ("中央选举委员会", "zh"),
])
def test_detects_language(text, language):
    assert detect_language(text) == language


def test_no_letters_gives_none():
    assert detect_language("") is None
    assert detect_language("12:40 — 41% / 2023") is None


def test_english_with_a_few_foreign_words_stays_english():
    assert detect_language("The Majilis and maslikhat elections, known locally as сайлау, drew 58% of voters.") == "en"
