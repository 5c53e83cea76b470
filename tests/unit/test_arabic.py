"""generator.arabic: spelling folding, clitic stripping, tokens and language detection."""

from __future__ import annotations

import pytest

from hypothesis import given
from hypothesis import strategies as st

from generator import arabic
from generator.arabic import FOLDED, arabic_share, detect_language, fold, strip_clitics, tokens

# -- fold ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("variants", "folded"), [
    (["أحمد", "احمد", "إحمد", "آحمد", "ٱحمد"], "احمد"),     # hamza forms and wasla on alef
    (["مؤتمر", "موتمر"], "موتمر"),                          # waw with hamza
    (["رئيس", "رييس"], "رييس"),                             # yeh with hamza
    (["مدرسة", "مدرسه"], "مدرسه"),                          # teh marbuta / heh
    (["مستشفى", "مستشفي"], "مستشفي"),                       # alef maksura / yeh
    (["مُحَمَّد", "محمّد", "مـحـمـد", "مـــحمد", "محمد"], "محمد"),  # tashkeel and tatweel
    (["الرحمٰن", "الرحمن"], "الرحمن"),                      # dagger alef
    (["کتاب", "كتاب"], "كتاب"),                             # Persian keheh
    (["ایران", "ايران"], "ايران"),                          # Persian yeh
    (["٢٠٢١", "۲۰۲۱", "2021"], "2021"),                     # Arabic-Indic and Persian digits
    (["BAGHDAD", "Baghdad", "baghdad"], "baghdad"),
])
def test_fold_unifies_spelling_variants(variants, folded):
    assert {fold(v) for v in variants} == {folded}


def test_fold_unifies_a_whole_headline():
    assert fold("الكاظمي: تفجير بغداد خرقٌ أمنيّ لن نسمح بتكراره") == fold("الكاظمى: تفجير بغداد خرق امني لن نسمح بتكرارة")


def test_fold_leaves_distinct_words_distinct():
    assert fold("بغداد") != fold("بعداد")
    assert fold("امن") != fold("امين")


def test_fold_keeps_spaces_and_punctuation():
    assert fold("بغداد، العراق - 22 يناير") == "بغداد، العراق - 22 يناير"


def test_fold_handles_presentation_forms():
    assert fold("ﻻ") == "لا"   # lam-alef ligature (NFKC)


# -- strip_clitics ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("token", "stem"), [
    ("والكاظمي", "كاظمي"),
    ("الكاظمي", "كاظمي"),
    ("والعراق", "عراق"),
    ("بالعراق", "عراق"),
    ("للعراق", "عراق"),
    ("وبالعراق", "عراق"),
    ("فالحكومه", "حكومه"),
    ("كالبحر", "بحر"),
])
def test_strip_clitics_removes_the_article_with_its_proclitics(token, stem):
    assert strip_clitics(token) == stem


LEXICON = frozenset({"بغداد", "لبنان", "فلسطين", "بريطانيا", "واشنطن", "وزاره", "كاظمي"})


@pytest.mark.parametrize(("token", "stem"), [("لبغداد", "بغداد"), ("وبغداد", "بغداد"), ("وبغداد", "بغداد"),
                                             ("ولبنان", "لبنان"), ("فلسطين", "فلسطين"), ("وبلبنان", "لبنان")])
def test_strip_clitics_removes_a_lone_proclitic_before_a_known_word(token, stem):
    assert strip_clitics(token, LEXICON) == stem


def test_strip_clitics_keeps_a_lone_proclitic_without_lexicon_evidence():
    assert strip_clitics("لبغداد") == "لبغداد"
    assert strip_clitics("بغداد") == "بغداد"


@pytest.mark.parametrize("word", ["وزير", "بلد", "والد", "ولد", "وطن", "فيلم", "كتاب", "لكن", "والي"])
def test_strip_clitics_keeps_words_that_only_start_with_a_prefix_letter(word):
    assert strip_clitics(word) == word


@pytest.mark.parametrize(("prefixed", "bare"), [
    ("والكاظمي", "الكاظمي"),
    ("فالعراق", "العراق"),
    ("بالعراق", "العراق"),
    ("للحكومة", "الحكومة"),
])
def test_strip_clitics_makes_article_prefixed_and_bare_forms_meet(prefixed, bare):
    assert strip_clitics(fold(prefixed)) == strip_clitics(fold(bare))


@pytest.mark.parametrize(("prefixed", "bare"), [
    ("لبغداد", "بغداد"),
    ("وبغداد", "بغداد"),
    ("ولبنان", "لبنان"),
    ("وفلسطين", "فلسطين"),
    ("وبريطانيا", "بريطانيا"),
    ("وواشنطن", "واشنطن"),
    ("ووزارة", "وزارة"),
], ids=["l-baghdad", "w-baghdad", "lebanon", "palestine", "britain", "washington", "ministry"])
def test_strip_clitics_makes_prefixed_and_bare_names_meet(prefixed, bare):
    assert strip_clitics(fold(prefixed), LEXICON) == strip_clitics(fold(bare), LEXICON)


def test_strip_clitics_leaves_latin_tokens_alone():
    assert strip_clitics("reuters") == "reuters"


# -- tokens ----------------------------------------------------------------------------------------


def test_tokens_are_folded_words_in_order():
    assert tokens("قال الكاظمي: 32 قتيلاً في بغداد!") == ["قال", "الكاظمي", "32", "قتيلا", "في", "بغداد"]


def test_tokens_of_mixed_text():
    assert tokens("Reuters: الكاظمي يقيل ٣ قادة") == ["reuters", "الكاظمي", "يقيل", "3", "قاده"]


@pytest.mark.parametrize(("text", "expected"), [
    ("بغداد، العراق", ["بغداد", "العراق"]),
    ("لماذا؟ لأن", ["لماذا", "لان"]),
    ("أولا؛ ثانيا", ["اولا", "ثانيا"]),
    ("ارتفع 5٪ اليوم", ["ارتفع", "5", "اليوم"]),
], ids=["arabic-comma", "arabic-question-mark", "arabic-semicolon", "arabic-percent"])
def test_tokens_do_not_include_arabic_punctuation(text, expected):
    assert tokens(text) == expected


# -- language --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "language"), [
    ("الكاظمي: تفجير بغداد خرق أمني لن نسمح بتكراره", "ar"),
    ("Kadhimi: Baghdad bombing a security breach we will not allow again", "en"),
    ("قال متحدث باسم BBC و CNN و Reuters إن الانفجار وقع في ساحة الطيران", "ar"),
    ("Iraqi PM Mustafa al-Kadhimi (مصطفى الكاظمي) spoke to reporters in Baghdad on Friday", "en"),
    ("فاز الأهلي على الزمالك 3-1 في الدوري المصري", "ar"),
])
def test_detect_language(text, language):
    assert detect_language(text) == language


def test_detect_language_without_letters_defaults_to_english():
    assert detect_language("") == "en"
    assert detect_language("2021 - 32 / 110") == "en"


def test_arabic_share_counts_letters_only():
    assert arabic_share("بغداد") == 1.0
    assert arabic_share("Baghdad") == 0.0
    assert arabic_share("ab بت 123 !!") == 0.5
    # letters of each range counted one by one, runs of them as long as they are, marks and digits not
    assert arabic_share("abc ÀÿĀɏ ءيٱۓۺۿـ x١٢ بَيت") == 10 / 18
    assert arabic_share("é" * 30_000 + "ب") == 0.0  # only the first 20,000 characters are looked at


_FOLD_ALPHABET = "".join(FOLDED) + "".join(FOLDED.values()) + "abcAZ İﷲﻻ٫ ًُبتثجحخ\u200f\n"


@given(st.text(alphabet=st.sampled_from(_FOLD_ALPHABET) | st.characters(), max_size=60))
def test_fold_replaces_every_variant_as_one_simultaneous_mapping_would(text):
    import unicodedata
    table = str.maketrans({variant: folded or None for variant, folded in FOLDED.items()})
    assert fold(text) == unicodedata.normalize("NFKC", text).translate(table).lower()


# -- words: compiled and reference -----------------------------------------------------------------

_compiled_words = pytest.mark.skipif(arabic.words is arabic.words_python, reason="generator/_words.c is not built")


@_compiled_words
@pytest.mark.parametrize("text", [
    "", " ", "بغداد", "تفجيران انتحاريان في ساحة الطيران، ببغداد؛ 32 قتيلاً؟",
    "كَتَبَ الطالبُ ـــ درسَه", "snake_case and CamelCase_2 x_", "٢٢ يناير ٢٠٢١ - ١٠:٤٢", "a\u0301b e\u200dx",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𐎀𐎁 😀 text", "ﻻ ﷲ ²³ Ⅻ", "tab\tnew\nline\u2028sep\u00a0nbsp",
])
def test_the_compiled_words_are_the_patterns(text):
    assert arabic.words(text) == arabic.words_python(text) == arabic.WORD.findall(text)
    assert arabic.word_count(text) == arabic.word_count_python(text) == len(arabic.WORD.findall(text))


@_compiled_words
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
       | st.text(alphabet="بغداد _-،؛ًٌَُـ0٢a\u200c\U0001d518", max_size=60))
def test_the_compiled_words_are_the_patterns_for_any_text(text):
    assert arabic.words(text) == arabic.words_python(text)
    assert arabic.word_count(text) == arabic.word_count_python(text)


@_compiled_words
def test_the_compiled_words_refuse_what_is_no_text():
    with pytest.raises(TypeError, match="must be a str"):
        arabic.words(b"bytes")
    with pytest.raises(TypeError, match="must be a str"):
        arabic.word_count(None)
