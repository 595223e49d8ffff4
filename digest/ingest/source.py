"""Reading a scraped page from disk: size and binary checks, encoding detection.

Pages come as UTF-8 (with or without a byte-order mark) or, from older
Russian-language sites, in cp1251 or KOI8-R (and the Kazakh Windows code page
KZ-1048). A page that declares its charset (``<meta charset>``, ``<meta
http-equiv=Content-Type content="…; charset=…">``) is read in it, as a browser
would, unless its bytes are UTF-8 (a page saved as UTF-8 often keeps the
declaration it was served with) or do not decode in it. Otherwise the page is
UTF-8 if its bytes are, and any single-byte Cyrillic code page decodes every byte, so the choice
between them is made by scoring each decoding: wrongly decoded Russian or Kazakh
text is mostly capital letters in the middle of words and is short of the
common letters (о, е, а, и, н, т, с, р, в, л…). Text that is not Cyrillic at all
is left to charset-normalizer.
"""
from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from digest.errors import IngestError

log = logging.getLogger(__name__)

MAX_PAGE_BYTES = 20 * 1024 * 1024
"""Pages larger than this (20 MB) are refused: no news article is that big."""

CYRILLIC_CODECS = ("cp1251", "kz1048", "koi8_r")
"""Single-byte Cyrillic code pages tried, in order of preference on a tie."""

_COMMON_LETTERS = frozenset("оеаинтсрвлыді")
_RARE_LETTERS = frozenset("ђѓєѕјљњћќџґї")
_ONE_LETTER_WORDS = frozenset("вискоаяуж")
_MIN_CYRILLIC = 20
_MIN_COMMON_SHARE = 0.5
_CONTROL_BYTES = frozenset(set(range(0x00, 0x09)) | set(range(0x0E, 0x20)) | {0x7F})
_BINARY_SIGNATURES: dict[bytes, str] = {
    b"%PDF-": "a PDF document",
    b"PK\x03\x04": "a ZIP archive or office document",
    b"\x89PNG": "a PNG image",
    b"GIF8": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image",
    b"\x1f\x8b": "a gzip archive",
    b"\x7fELF": "an executable",
}


@dataclass(frozen=True, slots=True)
class DecodedPage:
    """A page's text and the encoding it was read with."""

    text: str
    encoding: str


def read_page(path: Path) -> str:
    """Return the text of the page at ``path``.

    Raises IngestError (carrying the path) for a missing, empty, binary,
    too large (over 20 MB) or undecodable file.
    """
    return read_page_detailed(path).text


def read_page_detailed(path: Path) -> DecodedPage:
    """Like :func:`read_page`, also telling which encoding was used."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise IngestError("file not found", path=path) from None
    except OSError as exc:
        raise IngestError(f"cannot read file: {exc.strerror or exc}", path=path) from None
    if path.is_dir():
        raise IngestError("is a directory, not a page", path=path)
    if size > MAX_PAGE_BYTES:
        raise IngestError(
            f"file is too large: {size / 1024 / 1024:.1f} MB (the limit is "
            f"{MAX_PAGE_BYTES // 1024 // 1024} MB)",
            path=path,
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read file: {exc.strerror or exc}", path=path) from None
    # The file may have grown between stat() and read.
    if len(data) > MAX_PAGE_BYTES:
        raise IngestError(
            f"file is too large: {len(data) / 1024 / 1024:.1f} MB (the limit is "
            f"{MAX_PAGE_BYTES // 1024 // 1024} MB)",
            path=path,
        )
    try:
        return decode_page(data)
    except IngestError as exc:
        exc.path = str(path)
        raise


_META_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_META_WINDOW = 4096
# What browsers read for a declared label (the WHATWG Encoding standard): Latin-1 and ASCII
# pages are windows-1252, GB2312 is GBK, and so on, each a superset the page really uses.
_BROWSER_CODEC = {"iso8859-1": "cp1252", "ascii": "cp1252", "iso8859-9": "cp1254", "gb2312": "gbk",
                  "iso8859-11": "cp874", "tis-620": "cp874", "euc_kr": "cp949", "shift_jis": "cp932",
                  "big5": "big5hkscs"}


# Labels servers and page templates put on pages by default, whatever their language:
# a page under one of them whose bytes read as Russian or Kazakh text is read as that.
_SERVER_DEFAULTS = frozenset({"cp1252", "iso8859-15"})


def meta_charset(data: bytes) -> str | None:
    """The charset a page declares in a ``<meta>`` of its first 4 KB, as written, or None."""
    match = _META_CHARSET.search(data[:_META_WINDOW])
    return match.group(1).decode("ascii") if match else None


def declared_codec(charset: str | None) -> str | None:
    """The Python codec that reads text declared as ``charset`` (None: unknown, or a
    UTF-16/32 declaration, which without a byte-order mark is usually wrong)."""
    if not charset:
        return None
    try:
        codec = codecs.lookup(charset).name
    except LookupError:
        return None
    if codec.startswith(("utf-16", "utf-32")):
        return None
    return _BROWSER_CODEC.get(codec, codec)


def decode_declared(data: bytes, charset: str | None) -> str | None:
    """The bytes decoded in the declared charset, or None when it is unknown or they do not decode."""
    codec = declared_codec(charset)
    if codec is None:
        return None
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        log.info("the text is not %s as declared; guessing", charset)
        return None


def _decode_as_declared(data: bytes) -> DecodedPage | None:
    """The page in the charset its ``<meta>`` declares, unless the bytes are UTF-8."""
    codec = declared_codec(meta_charset(data))
    if codec is None or codec == "utf-8":
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return None  # UTF-8 bytes: saved as UTF-8 under the charset it was served with
    if codec in _SERVER_DEFAULTS:
        cyrillic = _cyrillic_guess(data)
        if cyrillic is not None:  # the server's default label on a Russian or Kazakh page
            return cyrillic
    text = decode_declared(data, codec)
    return DecodedPage(text, codec) if text is not None else None


def decode_page(data: bytes) -> DecodedPage:
    """Decode a page's bytes; raises IngestError (without a path) when it cannot."""
    if not data.strip():
        raise IngestError("file is empty" if not data else "file is empty (only whitespace)")
    page = _decode_with_bom(data)
    if page is None:
        refuse_binary(data)
        page = _decode_as_declared(data) or _try_utf8(data) or _decode_legacy(data)
    if not page.text.strip():
        raise IngestError("file is empty (only whitespace)")
    return page


def _decode_with_bom(data: bytes) -> DecodedPage | None:
    if data.startswith(codecs.BOM_UTF8):
        return _decode_utf8(data[len(codecs.BOM_UTF8):], "utf-8-sig")
    for bom, name in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return DecodedPage(data[len(bom):].decode(name), "utf-16")
            except UnicodeDecodeError:
                raise IngestError("cannot decode the text: broken UTF-16") from None
    return None


def refuse_binary(data: bytes) -> None:
    """Raise IngestError when the bytes are an image, an archive or otherwise binary."""
    for signature, kind in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise IngestError(f"binary file ({kind}), not a text or HTML page")
    sample = data[:65536]
    if b"\x00" in sample:
        raise IngestError("binary file (contains NUL bytes), not a text or HTML page")
    controls = sum(1 for byte in sample if byte in _CONTROL_BYTES)
    if controls > max(2, len(sample) // 100):
        raise IngestError("binary file (many control bytes), not a text or HTML page")


def _decode_utf8(data: bytes, name: str) -> DecodedPage:
    try:
        return DecodedPage(data.decode("utf-8"), name)
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        log.warning("invalid UTF-8 bytes replaced by U+FFFD (%d)", text.count("\ufffd"))
        return DecodedPage(text, name)


def _try_utf8(data: bytes) -> DecodedPage | None:
    """UTF-8 if the bytes are UTF-8, or nearly so (a truncated last character,
    a few damaged bytes among many good multi-byte characters)."""
    try:
        return DecodedPage(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3:
            try:  # only the last character was cut off
                text = data[: exc.start].decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                log.warning("dropped an incomplete UTF-8 character at the end of the file")
                return DecodedPage(text, "utf-8")
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 0x7F) - bad
    if good >= 8 and good >= 4 * bad:
        log.warning("invalid UTF-8 bytes replaced by U+FFFD (%d)", bad)
        return DecodedPage(text, "utf-8")
    return None


def cyrillic_score(text: str) -> tuple[float, int]:
    """How much ``text`` looks like correctly decoded Russian or Kazakh.

    Returns (score, number of Cyrillic letters). Each common letter scores a
    point (case-insensitively, so all-caps text is judged fairly); letters that
    Russian and Kazakh do not use, KOI8-R box-drawing characters, Cyrillic
    letters glued to Latin ones and stray one-letter "words" cost points; lower
    case and few capitals inside words break near ties.
    """
    score = 0.0
    count = 0
    previous = " "
    chars = text + " "
    for index, ch in enumerate(text):
        following = chars[index + 1]
        if "\u0400" <= ch <= "\u04ff":
            count += 1
            low = ch.lower()
            if low in _COMMON_LETTERS:
                score += 1
            elif low in _RARE_LETTERS:
                score -= 2
            if ch == low:
                score += 0.1
            elif previous.isalpha():
                score -= 0.1
            if _is_latin(previous) or _is_latin(following):
                score -= 2
            elif not _is_cyrillic(previous) and not _is_cyrillic(following) and low not in _ONE_LETTER_WORDS:
                score -= 1
        elif "\u2500" <= ch <= "\u25ff" or ch in "\u2320\u2321\u00b2\u00f7\u2219\u221a\u2248":
            score -= 2  # KOI8-R graphics: text read in the wrong code page
        previous = ch
    return score, count


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha() or "\u00c0" <= ch <= "\u024f" and ch.isalpha()


def common_letter_share(text: str) -> float:
    """Share of Cyrillic letters that are among Russian/Kazakh's commonest."""
    letters = [ch.lower() for ch in text if "\u0400" <= ch <= "\u04ff"]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if ch in _COMMON_LETTERS) / len(letters)


def _best_cyrillic(data: bytes) -> tuple[float, int, str, str]:
    """(score, Cyrillic letters, codec, text) of the Cyrillic code page that reads best."""
    candidates: list[tuple[float, int, str, str]] = []
    for order, name in enumerate(CYRILLIC_CODECS):
        text = data.decode(name, errors="replace")
        score, letters = cyrillic_score(text)
        candidates.append((score - 0.001 * order, letters, name, text))
    return max(candidates, key=lambda item: item[0])


def _cyrillic_guess(data: bytes) -> DecodedPage | None:
    """The page in a Cyrillic code page when its bytes clearly read as Russian or Kazakh."""
    if data.isascii():
        return None
    score, letters, name, text = _best_cyrillic(data)
    if score > 0 and letters >= _MIN_CYRILLIC and common_letter_share(text) >= _MIN_COMMON_SHARE:
        return DecodedPage(text, name)
    return None


def _decode_legacy(data: bytes) -> DecodedPage:
    score, letters, name, text = _best_cyrillic(data)
    plausible = letters < _MIN_CYRILLIC or common_letter_share(text) >= _MIN_COMMON_SHARE
    if score > 0 and plausible:
        return DecodedPage(text, name)
    western = _western_guess(data)
    if western is not None:
        return western
    if not letters:  # only punctuation-range high bytes: keep the common case
        return DecodedPage(data.decode("cp1251", errors="replace"), "cp1251")
    raise IngestError(
        "cannot tell the text encoding: not UTF-8, and it reads as neither "
        "cp1251 nor KOI8-R text"
    )


_WESTERN_CODECS = ["cp1252", "iso8859_15", "cp1250", "iso8859_2", "cp1254", "cp1257"]


def _western_guess(data: bytes) -> DecodedPage | None:
    """A Latin-script legacy code page, if charset-normalizer finds one clean."""
    from charset_normalizer import from_bytes

    match = from_bytes(data, cp_isolation=_WESTERN_CODECS).best()
    if match is None or match.chaos > 0.1:
        return None
    log.info("page read as %s (charset-normalizer)", match.encoding)
    return DecodedPage(str(match), match.encoding)
