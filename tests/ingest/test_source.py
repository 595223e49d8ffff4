"""read_page: encodings (UTF-8, BOM, cp1251, KOI8-R, KZ-1048) and refused files."""
from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest

from digest.errors import IngestError
from digest.ingest.source import MAX_PAGE_BYTES, decode_page, read_page, read_page_detailed

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"

RUSSIAN = (
    "АСТАНА, 10 марта. Центральная избирательная комиссия Казахстана зарегистрировала "
    "кандидатов в депутаты Мажилиса. Выборы пройдут 19 марта, сообщили в ЦИК."
)
RUSSIAN_CAPS = "ВЫБОРЫ В МАЖИЛИС ПРОЙДУТ ДЕВЯТНАДЦАТОГО МАРТА"
# Kazakh with every Kazakh-specific letter: only UTF-8 and KZ-1048 can hold it.
KAZAKH = (
    "АСТАНА. ҚазАқпарат – Орталық сайлау комиссиясы Мәжіліс депутаттығына "
    "кандидаттардың құжаттарын қабылдауды бастады. Ғимарат, өңір, ұлттық, үміткер, һәм."
)
# Kazakh that cp1251 can hold (it has і but none of ә ғ қ ң ө ұ ү һ).
KAZAKH_CP1251 = "Сайлау комиссиясы кандидаттарды тіркеді. Астана тургындары дауыс береді."
# Kazakh that KOI8-R can hold (no і either).
KAZAKH_KOI8 = "Сайлау комиссиясы кандидаттарды тиркеди. Астана тургындары дауыс береди."


def write(tmp_path: Path, data: bytes, name: str = "page.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (RUSSIAN, "utf-8"),
        (KAZAKH, "utf-8"),
        (RUSSIAN, "cp1251"),
        (KAZAKH_CP1251, "cp1251"),
        (RUSSIAN, "koi8_r"),
        (KAZAKH_KOI8, "koi8_r"),
        (KAZAKH, "kz1048"),
        (RUSSIAN_CAPS, "cp1251"),
        (RUSSIAN_CAPS, "koi8_r"),
        ("Выборы", "cp1251"),
        ("Выборы", "koi8_r"),
    ],
)
def test_reads_each_encoding(tmp_path: Path, text: str, encoding: str) -> None:
    path = write(tmp_path, text.encode(encoding))
    assert read_page(path) == text


@pytest.mark.parametrize("text", [RUSSIAN, KAZAKH])
def test_utf8_bom_is_dropped(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, codecs.BOM_UTF8 + text.encode("utf-8"))
    page = read_page_detailed(path)
    assert page.text == text
    assert page.encoding == "utf-8-sig"


def test_utf16_with_bom(tmp_path: Path) -> None:
    path = write(tmp_path, codecs.BOM_UTF16_LE + KAZAKH.encode("utf-16-le"))
    assert read_page(path) == KAZAKH


@pytest.mark.parametrize("name", ["a09_ru_kz_site", "a10_kk_sputnik", "a15_numbered_list_ru", "000_65e960a93adcd3b4"])
@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r"])
def test_fixture_pages_in_legacy_code_pages(tmp_path: Path, name: str, encoding: str) -> None:
    """Whole scraped pages (Russian, Kazakh, mostly-English) re-encoded; characters
    the code page lacks become '?' on encoding, everything else must come back."""
    data = (PAGES / f"{name}.txt").read_text(encoding="utf-8").encode(encoding, errors="replace")
    page = read_page_detailed(write(tmp_path, data))
    assert page.encoding == encoding
    assert page.text == data.decode(encoding)


def test_detected_encoding_is_reported(tmp_path: Path) -> None:
    assert read_page_detailed(write(tmp_path, RUSSIAN.encode("koi8_r"))).encoding == "koi8_r"
    assert read_page_detailed(write(tmp_path, RUSSIAN.encode("cp1251"))).encoding == "cp1251"
    assert read_page_detailed(write(tmp_path, RUSSIAN.encode("utf-8"))).encoding == "utf-8"


def test_western_code_page_falls_back_to_charset_normalizer(tmp_path: Path) -> None:
    text = "Les élections législatives se déroulent à Paris. Le président s'est déclaré très satisfait. " * 4
    assert read_page(write(tmp_path, text.encode("cp1252"))) == text


def test_truncated_utf8_character_at_the_end_is_dropped(tmp_path: Path) -> None:
    data = (RUSSIAN + "К").encode("utf-8")[:-1]  # half of the two-byte "К"
    assert read_page(write(tmp_path, data)) == RUSSIAN


def test_damaged_utf8_byte_stays_utf8(tmp_path: Path) -> None:
    data = bytearray(RUSSIAN.encode("utf-8"))
    data[20] = 0xFF
    text = read_page(write(tmp_path, bytes(data)))
    assert "\ufffd" in text
    assert text.endswith("сообщили в ЦИК.")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "file is empty"),
        (b"  \n\t\r\n ", "file is empty (only whitespace)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (a PNG image), not a text or HTML page"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "binary file (a PDF document), not a text or HTML page"),
        (b"some text\x00with a NUL byte", "binary file (contains NUL bytes), not a text or HTML page"),
        (b"text \x01\x02\x03\x04\x05 with control bytes", "binary file (many control bytes), not a text or HTML page"),
    ],
)
def test_refused_files(tmp_path: Path, data: bytes, message: str) -> None:
    path = write(tmp_path, data)
    with pytest.raises(IngestError) as caught:
        read_page(path)
    assert caught.value.message == message
    assert str(caught.value) == f"{path}: {message}"


def test_too_large_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:  # sparse: 50 MB on paper, nothing on disk
        fh.truncate(50 * 1024 * 1024)
    with pytest.raises(IngestError) as caught:
        read_page(path)
    assert str(caught.value) == f"{path}: file is too large: 50.0 MB (the limit is 20 MB)"


def test_limit_is_20_mb() -> None:
    assert MAX_PAGE_BYTES == 20 * 1024 * 1024


def test_undecodable_bytes(tmp_path: Path) -> None:
    rnd = random.Random(7)
    data = bytes(rnd.randrange(0x80, 0x100) if i % 7 else 0x20 for i in range(3000))
    with pytest.raises(IngestError) as caught:
        read_page(write(tmp_path, data))
    assert caught.value.message == (
        "cannot tell the text encoding: not UTF-8, and it reads as neither cp1251 nor KOI8-R text"
    )


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(IngestError) as caught:
        read_page(tmp_path / "nope.txt")
    assert str(caught.value) == f"{tmp_path / 'nope.txt'}: file not found"


def test_directory_is_not_a_page(tmp_path: Path) -> None:
    with pytest.raises(IngestError) as caught:
        read_page(tmp_path)
    assert caught.value.message == "is a directory, not a page"


def test_decode_page_without_a_path() -> None:
    with pytest.raises(IngestError) as caught:
        decode_page(b"")
    assert str(caught.value) == "file is empty"


# ---------------------------------------------------------------- a declared charset

GREEK = "Οι βουλευτικές εκλογές θα διεξαχθούν την Κυριακή. Η εφορευτική επιτροπή δημοσίευσε τη λίστα."
CHINESE = "中央选举委员会公布了投票站名单，选举将于星期日举行。"
CZECH = "Volební komise zveřejnila seznam volebních místností. Hlasování začne v sobotu ráno."


def html_page(head: str, text: str) -> str:
    return f"<!doctype html><html><head>{head}<title>Vybory</title></head><body><p>{text}</p></body></html>"


@pytest.mark.parametrize(("head", "text", "codec"), [
    ("<meta charset='iso-8859-7'>", GREEK, "iso8859_7"),
    ('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', CHINESE, "gbk"),
    ('<meta content="text/html; charset=windows-1250" http-equiv="content-type">', CZECH, "cp1250"),
    ("<meta charset=koi8-r>", RUSSIAN_CAPS.lower(), "koi8_r"),
], ids=["iso-8859-7", "gb2312-http-equiv", "windows-1250-content-first", "koi8-r"])
def test_the_charset_a_page_declares_is_followed(tmp_path: Path, head: str, text: str, codec: str) -> None:
    page = html_page(head, text)
    assert read_page(write(tmp_path, page.encode(codec))) == page


def test_a_latin_1_declaration_reads_as_windows_1252_as_browsers_do(tmp_path: Path) -> None:
    page = html_page("<meta charset='ISO-8859-1'>", "Le “président” a voté — à Paris.")
    assert read_page(write(tmp_path, page.encode("cp1252"))) == page


def test_utf8_bytes_under_another_declaration_stay_utf8(tmp_path: Path) -> None:
    page = html_page("<meta charset='windows-1251'>", RUSSIAN)  # saved as UTF-8, declaration kept
    assert read_page_detailed(write(tmp_path, page.encode("utf-8"))).encoding == "utf-8"


@pytest.mark.parametrize("label", ["us-ascii", "iso-8859-1", "windows-1252"])
def test_a_servers_default_label_on_a_russian_page_is_not_followed(tmp_path: Path, label: str) -> None:
    page = html_page(f"<meta charset='{label}'>", RUSSIAN)
    assert read_page(write(tmp_path, page.encode("cp1251"))) == page


def test_a_declaration_the_bytes_do_not_fit_is_ignored(tmp_path: Path) -> None:
    page = html_page("<meta charset='shift_jis'>", RUSSIAN)
    assert read_page(write(tmp_path, page.encode("cp1251"))) == page
