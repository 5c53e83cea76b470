"""generator.ingest.plain_text.parse_plain_text: title, kicker, date, outlet and clean paragraphs."""

from __future__ import annotations

import pytest

from generator.arabic import fold
from generator.ingest.decode import decode_bytes
from generator.ingest.plain_text import clean_line, parse_plain_text

from .helpers import assert_words_in_order, seed_path, words

SEED_000_TITLE = "الكاظمي: تفجير بغداد خرق أمني لن نسمح بتكراره"
SEED_002_TITLE = "من لا يستطيع حماية المواطنين عليه ان يتنحى من موقعه"


def _seed_text(prefix: str) -> str:
    return decode_bytes(seed_path(prefix).read_bytes())[0]


def _block_words(parsed) -> list[str]:
    return words(" ".join(text for _, text in parsed.blocks))


# -- seed 000: one line of glued paragraphs, no metadata ------------------------------------------


@pytest.fixture(scope="module")
def seed_000(registry):
    return parse_plain_text(_seed_text("000_"), registry)


def test_seed_000_title(seed_000):
    assert seed_000.title == SEED_000_TITLE


def test_seed_000_has_no_kicker_date_or_source(seed_000):
    assert seed_000.kicker is None
    assert seed_000.date is None
    assert seed_000.source is None
    assert seed_000.section is None


def test_seed_000_glued_line_is_split_into_11_paragraphs(seed_000):
    assert len(seed_000.blocks) == 11
    assert all(kind == "p" for kind, _ in seed_000.blocks)
    assert seed_000.blocks[0][1].startswith("المجزرة التي هزت وسط العاصمة العراقية بغداد")
    assert seed_000.blocks[0][1].endswith("حياة الناس أمانة لا يستهان بها")
    assert seed_000.blocks[-1][1].startswith("يذكر أن انتحاريين فجرا نفسيهما")


def test_seed_000_separator_artefacts_are_removed(seed_000):
    for _, text in seed_000.blocks:
        assert ",," not in text
        assert "., " not in text
        assert not text.startswith(",")
        assert text == text.strip()


def test_seed_000_every_body_word_is_kept_in_order(seed_000):
    raw_lines = [line for line in _seed_text("000_").split("\n") if line.strip()]
    body_words = words(" ".join(raw_lines[1:]))  # everything after the title line
    assert_words_in_order(body_words, _block_words(seed_000))
    assert _block_words(seed_000) == body_words  # and nothing was added


# -- seed 002: kicker, repeated headline, dateline, outlet line ----------------------------------


@pytest.fixture(scope="module")
def seed_002(registry):
    return parse_plain_text(_seed_text("002_"), registry)


def test_seed_002_kicker_and_title(seed_002):
    assert seed_002.kicker == "رئيس الوزراء العراقي"
    assert seed_002.title == SEED_002_TITLE


def test_seed_002_date_is_minute_precise_gmt(seed_002):
    assert seed_002.date is not None
    assert seed_002.date.iso() == "2021-01-22T10:42:00+00:00"
    assert seed_002.date.precision == "minute"


def test_seed_002_outlet_and_section(seed_002):
    assert seed_002.source is not None
    assert seed_002.source.id == "alalam"
    assert seed_002.section == "العراق"


def test_seed_002_headline_is_not_repeated_in_the_blocks(seed_002):
    folded_title = fold(SEED_002_TITLE)
    assert all(fold(text) != folded_title for _, text in seed_002.blocks)
    assert seed_002.blocks[0][1].startswith("أكد رئيس الوزراء العراقي")


def test_seed_002_metadata_lines_are_not_in_the_blocks(seed_002):
    texts = [text for _, text in seed_002.blocks]
    assert "العالم - العراق" not in texts
    assert not any("بتوقيت غرينتش" in text for text in texts)
    assert not any(text.rstrip(":") == "رئيس الوزراء العراقي" for text in texts)


def test_seed_002_every_body_word_is_kept_in_order(seed_002):
    raw_lines = [clean_line(line) for line in _seed_text("002_").split("\n")]
    metadata = {
        "رئيس الوزراء العراقي:",                      # kicker
        SEED_002_TITLE,                                # headline and its repetition
        "الجمعة ٢٢ يناير ٢٠٢١ - ١٠:٤٢ بتوقيت غرينتش",  # dateline
        "العالم - العراق",                            # outlet - section
    }
    body_lines = [line for line in raw_lines if line and line not in metadata]
    body_words = words(" ".join(body_lines))
    assert len(body_words) > 250
    assert_words_in_order(body_words, _block_words(seed_002))
    assert _block_words(seed_002) == body_words


def test_seed_002_has_eight_paragraphs_and_no_notes(seed_002):
    assert [kind for kind, _ in seed_002.blocks] == ["p"] * 8
    assert seed_002.notes == []


# -- titles and outlets ----------------------------------------------------------------------------


@pytest.mark.parametrize(("suffix", "source_id"), [
    (" - BBC Arabic", "bbc-arabic"),
    (" - بي بي سي عربي", "bbc-arabic"),
    (" | BBC News عربي", "bbc-arabic"),
    (" - الجزيرة نت", "aljazeera"),
    (" — Reuters", "reuters"),
])
def test_registered_outlet_suffix_is_stripped_from_the_title(registry, suffix, source_id):
    text = (f"العراق يعلن الحداد ثلاثة أيام بعد تفجير بغداد{suffix}\n\n"
            "أعلنت الحكومة العراقية الحداد الرسمي ثلاثة أيام بعد التفجير المزدوج الذي ضرب ساحة الطيران.\n")
    parsed = parse_plain_text(text, registry)
    assert parsed.title == "العراق يعلن الحداد ثلاثة أيام بعد تفجير بغداد"
    assert parsed.source is not None and parsed.source.id == source_id


def test_unregistered_suffix_stays_in_the_title(registry):
    text = "الكاظمي يقيل قادة أمنيين - تقرير خاص\n\nأقال رئيس الوزراء العراقي عددا من القادة الأمنيين بعد التفجير.\n"
    parsed = parse_plain_text(text, registry)
    assert parsed.title == "الكاظمي يقيل قادة أمنيين - تقرير خاص"
    assert parsed.source is None


def test_outlet_line_alone_sets_the_source_without_section(registry):
    text = "الكاظمي يقيل قادة أمنيين\nرويترز\nأقال رئيس الوزراء العراقي عددا من القادة الأمنيين بعد التفجير.\n"
    parsed = parse_plain_text(text, registry)
    assert parsed.source is not None and parsed.source.id == "reuters"
    assert parsed.section is None
    assert parsed.blocks == [("p", "أقال رئيس الوزراء العراقي عددا من القادة الأمنيين بعد التفجير.")]


def test_kicker_needs_a_following_line(registry):
    parsed = parse_plain_text("عاجل:\n", registry)
    assert parsed.kicker is None
    assert parsed.title == "عاجل:"
    assert "no body text after the title" in parsed.notes


# -- punctuation artefacts -------------------------------------------------------------------------


def test_english_abbreviation_followed_by_comma_is_not_split(registry):
    text = ("World leaders condemn Baghdad bombing\n\n"
            "The U.S., Britain and France condemned the twin suicide bombing in central Baghdad on Thursday.\n")
    parsed = parse_plain_text(text, registry)
    assert parsed.blocks == [("p", "The U.S., Britain and France condemned the twin suicide bombing "
                                   "in central Baghdad on Thursday.")]


@pytest.mark.parametrize("body", [
    "More than 1,000 people attended the funerals in Baghdad on Friday.",
    "قال مسؤولون إن 1,000 شخص شاركوا في تشييع الضحايا في بغداد يوم الجمعة.",
])
def test_thousands_separator_is_kept(registry, body):
    parsed = parse_plain_text(f"Funerals held\n\n{body}\n", registry)
    assert parsed.blocks == [("p", body)]


def test_double_comma_glue_splits_english_paragraphs_too(registry):
    text = "Title here\n\nThe army said it would send more troops.,, Another paragraph follows here.\n"
    parsed = parse_plain_text(text, registry)
    assert parsed.blocks == [("p", "The army said it would send more troops."),
                             ("p", "Another paragraph follows here.")]


def test_arabic_stop_comma_glue_splits_paragraphs(registry):
    text = ("عنوان الخبر\n\n"
            "قال الكاظمي إن ما حصل خرق أمني كبير., وأضاف أن الحكومة لن تسمح بتكراره أبدا.\n")
    parsed = parse_plain_text(text, registry)
    assert parsed.blocks == [("p", "قال الكاظمي إن ما حصل خرق أمني كبير."),
                             ("p", "وأضاف أن الحكومة لن تسمح بتكراره أبدا.")]


def test_invisible_marks_and_odd_spaces_are_cleaned():
    assert clean_line("\u200fقال\u00a0 الكاظمي\u200b\t إن\u202f\u200e ") == "قال الكاظمي إن"


# -- subheadings -----------------------------------------------------------------------------------


def test_short_line_between_paragraphs_is_a_subheading(registry):
    long_paragraph = "أكد رئيس الوزراء العراقي مصطفى الكاظمي أن الأمن ليس مجرد كلمة نتحدث بها في الإعلام."
    text = f"عنوان الخبر\n\n{long_paragraph}\nردود الفعل الدولية\n{long_paragraph}\n"
    parsed = parse_plain_text(text, registry)
    assert [kind for kind, _ in parsed.blocks] == ["p", "h", "p"]
    assert parsed.blocks[1] == ("h", "ردود الفعل الدولية")


def test_short_line_ending_a_sentence_is_not_a_subheading(registry):
    long_paragraph = "أكد رئيس الوزراء العراقي مصطفى الكاظمي أن الأمن ليس مجرد كلمة نتحدث بها في الإعلام."
    text = f"عنوان الخبر\n\n{long_paragraph}\nوانتهى الاجتماع.\n{long_paragraph}\n"
    parsed = parse_plain_text(text, registry)
    assert [kind for kind, _ in parsed.blocks] == ["p", "p", "p"]


# -- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "\n\n", "  \t \n \u200f \n"])
def test_empty_text_raises(registry, text):
    with pytest.raises(ValueError):
        parse_plain_text(text, registry)


def test_sentence_like_title_is_flagged(registry):
    text = "قال رئيس الوزراء إن ما حصل خرق أمني كبير.\nنص المقال هنا.\n"
    parsed = parse_plain_text(text, registry)
    assert any("doubtful title" in note for note in parsed.notes)
