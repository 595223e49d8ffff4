"""The language of an article, by script, Kazakh-only letters and common words.

Cyrillic text is Kazakh when the letters only Kazakh uses (ә ғ қ ң ө ұ ү һ і) are
frequent or Kazakh function words outnumber Russian ones, otherwise Russian. Latin
text is told apart by a few dozen function words per language (English unless another
language clearly wins). No model, no dependency.
"""
from __future__ import annotations

import re

_KK_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
_WORDS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

_CYRILLIC_WORDS = {
    "kk": frozenset("және мен бен пен деп бұл осы үшін бойынша туралы болады болды еді ол олар біз "
                    "жылы жылғы сайлау сағат дейін кейін арқылы екенін тиіс қазір жаңа да де та те "
                    "ма ме ба бе па пе жоқ бар".split()),
    "ru": frozenset("и в во на с со по что это как не для из от до за же также который которые был была "
                    "были будет он она они его их при об о к у а но или уже году года все сказал "
                    "заявил отметил".split()),
}
_LATIN_WORDS = {
    "en": frozenset("the and of to in is was for on that with as by at from it are be this have has "
                    "will said were which an their its been after".split()),
    "de": frozenset("der die das und ist nicht mit den dem des ein eine auf für von sich auch wird "
                    "wurde bei nach zu im".split()),
    "fr": frozenset("le la les et des est une un pour que qui dans du au sur pas par avec ont été "
                    "sont ce cette".split()),
    "es": frozenset("el la los las y de que en un una por con para es se del al su como más fue "
                    "han".split()),
    "tr": frozenset("ve bir bu da de için ile olarak olan gibi daha çok en ise ancak sonra kadar "
                    "göre yılında dedi".split()),
    "uz": frozenset("va bilan uchun bu ham bo'yicha bo‘yicha yil yilda dedi esa bilan qilib bo'ldi "
                    "bo‘ldi saylov".split()),
}


_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_KAZAKH = re.compile("[" + "".join(sorted(_KK_LETTERS)) + "]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
_OTHER_LETTERS = re.compile(r"[\u0370-\u03ff\u0590-\u06ff\u10a0-\u10ff\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")
_SAMPLE = 2000  # characters: plenty to tell these languages apart
_LATIN_LOOKUP: dict[str, tuple[str, ...]] = {}
for _lang, _vocab in _LATIN_WORDS.items():
    for _word in _vocab:
        _LATIN_LOOKUP[_word] = _LATIN_LOOKUP.get(_word, ()) + (_lang,)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text`` (``en``, ``ru``, ``kk`` …), None when it has no letters."""
    text = text[:_SAMPLE]
    cyrillic = len(_CYRILLIC.findall(text))
    latin = len(_LATIN.findall(text))
    other = len(_OTHER_LETTERS.findall(text))
    if cyrillic + latin + other == 0:
        return None
    if cyrillic >= latin and cyrillic >= other:
        kazakh = len(_KAZAKH.findall(text))
        # Russian text quotes Kazakh names now and then; Kazakh prose runs at 5-10 % of these letters
        if kazakh >= max(3, cyrillic * 0.02):
            return "kk"
        words = _WORDS.findall(text.lower())
        kk = len([w for w in words if w in _CYRILLIC_WORDS["kk"]])
        ru = len([w for w in words if w in _CYRILLIC_WORDS["ru"]])
        return "kk" if kk > ru * 2 and kk >= 3 else "ru"
    if latin >= other:
        scores = dict.fromkeys(_LATIN_WORDS, 0)
        for word in _WORDS.findall(text.lower()):
            for lang in _LATIN_LOOKUP.get(word, ()):
                scores[lang] += 1
        best = max(scores, key=scores.get)
        if best != "en" and scores[best] > 2 * scores["en"] and scores[best] >= 3:
            return best
        return "en"
    return _script_language(text)


def _script_language(text: str) -> str | None:
    counts: dict[str, int] = {}
    for ch in text:
        code = ord(ch)
        lang = ("ar" if 0x0600 <= code <= 0x06FF else "zh" if 0x4E00 <= code <= 0x9FFF
                else "el" if 0x0370 <= code <= 0x03FF else "ka" if 0x10A0 <= code <= 0x10FF else None)
        if lang:
            counts[lang] = counts.get(lang, 0) + 1
    return max(counts, key=counts.get) if counts else None
