"""Article ids (generator.ingest.ids): stable, URL-safe and independent of encoding and line ends."""

from __future__ import annotations

import codecs
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.article import ID_PATTERN, is_valid_id
from generator.ingest import ingest_seeds
from generator.ingest.decode import decode_bytes
from generator.ingest.ids import ID_LENGTH, article_id_from_digest, article_id_from_key, raw_text_digest

from .helpers import seed_path

TEXT = ("الكاظمي: تفجير بغداد خرق أمني لن نسمح بتكراره\n\n"
        "شدد رئيس الوزراء مصطفى الكاظمي على ضرورة الاستنفار الأمني وملاحقة المتورطين.\n"
        "وقال إن حياة الناس أمانة لا يستهان بها.\n")


def _id_of_bytes(data: bytes) -> str:
    text, _ = decode_bytes(data)
    return article_id_from_digest(raw_text_digest(text))


ENCODINGS = {
    "utf-8": TEXT.encode("utf-8"),
    "utf-8-bom": codecs.BOM_UTF8 + TEXT.encode("utf-8"),
    "utf-16-le-bom": codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
    "utf-16-be-bom": codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
    "windows-1256": TEXT.encode("cp1256"),
    "utf-8-crlf": TEXT.replace("\n", "\r\n").encode("utf-8"),
    "utf-8-cr": TEXT.replace("\n", "\r").encode("utf-8"),
    "windows-1256-crlf": TEXT.replace("\n", "\r\n").encode("cp1256"),
    "utf-8-nfd": unicodedata.normalize("NFD", TEXT).encode("utf-8"),
}


@pytest.mark.parametrize("variant", sorted(ENCODINGS))
def test_same_text_in_any_encoding_or_line_end_gets_the_same_id(variant):
    assert _id_of_bytes(ENCODINGS[variant]) == _id_of_bytes(TEXT.encode("utf-8"))


def test_spacing_differences_do_not_change_the_id():
    spaced = "  " + TEXT.replace(" ", "  ").replace("\n", "\n\n\n") + "\n\n"
    assert raw_text_digest(spaced) == raw_text_digest(TEXT)


def test_ids_match_the_id_pattern():
    for data in ENCODINGS.values():
        article_id = _id_of_bytes(data)
        assert ID_PATTERN.match(article_id)
        assert is_valid_id(article_id)
        assert len(article_id) == ID_LENGTH


def test_keyed_ids_match_the_id_pattern_and_ignore_surrounding_space():
    key = "https://www.alalamtv.net/news/5397216"
    assert is_valid_id(article_id_from_key(key))
    assert article_id_from_key(f"  {key}\n") == article_id_from_key(key)
    assert article_id_from_key(key) != article_id_from_key(key + "1")


@pytest.mark.parametrize("other", [
    TEXT.replace("الكاظمي:", "الكاظمي،"),     # one punctuation mark
    TEXT.replace("أمني", "امني", 1),           # one hamza
    TEXT + "يذكر أن التفجير وقع أمس.\n",       # one more sentence
    TEXT.replace("\n\n", "\n", 1).replace("بغداد", "البصرة"),
])
def test_different_texts_get_different_ids(other):
    assert raw_text_digest(other) != raw_text_digest(TEXT)
    assert article_id_from_digest(raw_text_digest(other)) != article_id_from_digest(raw_text_digest(TEXT))


def test_the_two_demo_seeds_get_different_valid_ids():
    ids = {_id_of_bytes(seed_path(prefix).read_bytes()) for prefix in ("000_", "002_")}
    assert len(ids) == 2
    assert all(is_valid_id(article_id) for article_id in ids)


def test_ingest_keeps_one_article_for_one_text_filed_in_several_encodings(tmp_path, registry):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a_utf8.txt").write_bytes(ENCODINGS["utf-8"])
    (seeds / "b_utf16.txt").write_bytes(ENCODINGS["utf-16-le-bom"])
    (seeds / "c_cp1256_crlf.txt").write_bytes(ENCODINGS["windows-1256-crlf"])

    result = ingest_seeds(seeds, tmp_path, registry)

    assert result.files_read == 3
    assert len(result.articles) == 1
    assert result.articles[0].seed == "seeds/a_utf8.txt"  # the first in sorted order wins
    duplicates = [p for p in result.problems.items if "same article as" in p.message]
    assert [p.path for p in duplicates] == ["seeds/b_utf16.txt", "seeds/c_cp1256_crlf.txt"]
    assert all(p.severity == "warning" for p in duplicates)


def test_id_does_not_depend_on_the_file_name_or_folder(tmp_path, registry):
    source = seed_path("002_").read_bytes()
    ids = []
    for name in ("one/x.txt", "two/deeper/renamed.text"):
        seeds = tmp_path / name.split("/")[0]
        path = tmp_path / name
        path.parent.mkdir(parents=True)
        path.write_bytes(source)
        ids.append([a.id for a in ingest_seeds(seeds, tmp_path, registry).articles])
    assert ids[0] == ids[1]
    assert len(ids[0]) == 1


def test_demo_seed_ids_are_stable():
    # Ids are URLs: a change here breaks every published link to these articles.
    assert _id_of_bytes(seed_path("000_").read_bytes()) == "20c4c6ea9210"
    assert _id_of_bytes(seed_path("002_").read_bytes()) == "0e8ff96bc219"


_SPACES = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())


@given(st.text(alphabet=st.sampled_from(_SPACES + "ab بت\u064e") | st.characters(codec="utf-8"), max_size=40))
def test_the_digest_folds_every_run_of_whitespace_as_a_regular_expression_would(text):
    """Ids are digests of the text with each run of whitespace as one space: str.split() finds the
    same runs as \\s+ (every character str.isspace() accepts), so no article's id changed with it."""
    import hashlib
    import re

    canonical = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
    assert raw_text_digest(text) == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert re.fullmatch(r"\s*", _SPACES) and len(_SPACES) > 20
