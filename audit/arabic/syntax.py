"""Where an Arabic word can stand in a sentence, from its morphological readings: whether a sentence can end on
it or start with it.

A full stop between two words is a sentence boundary only when the word before can close a sentence and the word
after can open one. The functions here answer one side each, from the Buckwalter readings of
:mod:`audit.arabic.morphology` (parts of speech, the article, attached clitics and pronouns, case endings) and
the word as written (hamza kept, so «ألعاب» is not read as carrying the article):

- :func:`construct_state`: an indefinite noun without tanween or a pronoun («قائمة», «ألعاب»), the first term of
  a construct phrase, which needs the noun after it;
- :func:`definite_adjective`: an adjective with the article and nothing else attached («المرتبطة», «الخاصة»),
  which describes the noun before it and does not open a sentence; superlatives («الأهم») do;
- :func:`coordinated_noun`: a noun joined by «و» alone («والرطوبة», «وأدوات»), the next item of a list;
- :func:`verbless`: a clause with no word that can be a verb and no word carrying a predicate (a clause without
  one is not a sentence of news prose);
- :func:`indefinite_accusative`: an adverb or complement in the accusative («متأخرا»), which often closes one;
- :func:`never_opens`: words that continue a phrase and never open a sentence («أو», «غير» but «غير أن»).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from audit.arabic.morphology import Reading


def written_words(words: str) -> frozenset[str]:
    """The blank-separated ``words`` as written (hamza and alef forms kept)."""
    return frozenset(words.split())


#: Tags of an attached pronoun (object, possessive) or a free pronoun.
PRONOUN_TAGS = ("PRON", "POSS_PRON", "PVSUFF_DO", "IVSUFF_DO", "CVSUFF_DO")
#: Parts of speech of a noun phrase's head or modifier.
NOMINAL = frozenset({"NOUN", "ADJ", "NOUN_PROP"})
#: Words (as written) that carry the predicate of a sentence without a verb: the pronoun of separation
#: («العلاج الأساسي هو …»), «إن»/«أن» and their sisters, «ليس», «هناك», «لدى», «عند» and «ل» + pronoun of
#: possession («لديه», «لها»): a clause that has one of them is complete without a verb.
PREDICATE_WORDS = written_words(
    "هو هي هم هما هن إن إنه إنها إنهم أن أنه أنها لأن بأن لكن لكنه لكنها ليس ليست ليسوا هناك هنالك ثمة لدى "
    "لديه لديها لديهم لدينا لديك له لها لهم لنا عند عنده عندها عندهم كأن لعل مثل"
)
#: Free prepositions (as written): after a verb they open its complement («يسيرون في اتجاه خطير»).
PREPOSITIONS = written_words(
    "في من إلى على عن مع حتى منذ ضد عند حول نحو لدى بين عبر تجاه تحت فوق أمام خلف داخل خارج ضمن وسط دون بدون"
)
#: Demonstratives (as written): after a verb, its subject or object («يؤثر هذا التباين»).
DEMONSTRATIVES = written_words("هذا هذه ذلك تلك هؤلاء أولئك")
#: Words (as written) that join what precedes to what follows and never open a sentence: «أو» (or).
NEVER_OPENS = frozenset({"أو"})
#: «غير» (other than, un-) opens a sentence only as «غير أن» (however).
NEGATING_NOUN = "غير"
NEGATING_NOUN_OPENERS = frozenset({"أن", "أنه", "أنها", "أنهم", "أني", "أننا"})


def verb_without_object(readings: Sequence[Reading]) -> bool:
    """Every reading is a verb and none carries an object pronoun («يسيرون», «أخمدت»): its complement, subject or
    object may still follow."""
    return bool(readings) and all(r.is_verb for r in readings) and not has_pronoun(readings)


def opens_verb_complement(written: str) -> bool:
    """A preposition, a demonstrative or «ما» (as written): what a verb before it governs («… تتراوح ما بين»)."""
    return written in PREPOSITIONS or written in DEMONSTRATIVES or written == "ما"


def has_pronoun(readings: Sequence[Reading]) -> bool:
    """Some reading carries a pronoun (free or attached: «فيه», «قرارها», «أخبرهم»)."""
    return any(tag.startswith(PRONOUN_TAGS) for r in readings for tag in r.tags)


def can_be_verb(readings: Sequence[Reading]) -> bool:
    return any(r.is_verb for r in readings)


def is_elative(written: str) -> bool:
    """«الأهم», «الأكثر», «الأفضل», «الأولى»: superlatives, which open sentences («الأهم أن …»)."""
    return written.startswith("الأ") and len(written) in (5, 6) and not written.endswith(("ي", "ية"))


def construct_state(written: str, readings: Sequence[Reading]) -> bool:
    """An indefinite noun without tanween or a pronoun, as written (diacritics dropped): the first term of a
    construct phrase («قائمة» in «قائمة ترشيحات», «ألعاب» in «ألعاب الفيديو»). Nouns read with the article or a
    preposition, written with the accusative alef («كثيرا») or read with tanween are not."""
    if written.startswith("ال") or written.endswith("ا") or not readings or has_pronoun(readings):
        return False
    nouns = [r for r in readings if not r.is_verb]
    return (
        any(r.stem == "NOUN" for r in nouns)
        and all(r.stem in ("NOUN", "ADJ") and "DET" not in r.proclitics for r in nouns)
        and not any("INDEF" in tag for r in nouns for tag in r.tags)
    )


def indefinite_accusative(written: str, readings: Sequence[Reading]) -> bool:
    """A word in the indefinite accusative («متأخرا», «أيضا», «عاما»), as written (diacritics dropped): an adverb
    or a complement, which often closes a sentence. A final alef of a pronoun («اتخذتها») or of a verb
    («قالوا») is not one."""
    if not written.endswith("ا"):
        return False
    if not readings:
        return True
    return any(r.stem == "ADV" or any("ACC_INDEF" in tag for tag in r.tags) for r in readings)


def definite_adjective(written: str, readings: Sequence[Reading]) -> bool:
    """An adjective with the article and no other clitic («المرتبطة», «الأمريكية», «الخاصة»), not a superlative:
    a modifier of the noun before it. Every reading has the article alone, none is a verb or a name, and one
    is an adjective."""
    if not readings or is_elative(written):
        return False
    return (
        all(r.proclitics == ("DET",) and r.stem in ("NOUN", "ADJ") for r in readings)
        and any(r.stem == "ADJ" for r in readings)
        and not has_pronoun(readings)
    )


def coordinated_noun(written: str, readings: Sequence[Reading]) -> bool:
    """A noun or adjective joined by «و» and nothing but the article («والرطوبة», «وأدوات»): the next item of a
    list. «ف» (so) opens a clause and prepositional openers («وبحسب», «وبالرغم») are not nouns here."""
    if not written.startswith("و") or not readings:
        return False
    return all(
        r.proclitics[:1] == ("CONJ",) and set(r.proclitics) <= {"CONJ", "DET"} and r.stem in ("NOUN", "ADJ")
        for r in readings
    )


def verbless(words: Sequence[str], readings_of: Callable[[str], Sequence[Reading]]) -> bool:
    """A clause (words as written, diacritics dropped) with no word that can be a verb and none of the words that
    carry a predicate without one (:data:`PREDICATE_WORDS`): not a sentence of its own, but the rest of the
    sentence before it («… التي تتخذها. البنوك المركزية والدول في الوقت المناسب»). Unknown words count as
    names. A definite noun followed by an indefinite adjective or noun is a nominal sentence («السباحة آمنة»).
    """
    if not words:
        return False
    definite = False
    for word in words:
        readings = readings_of(word)
        if word in PREDICATE_WORDS or can_be_verb(readings):
            return False
        if definite and readings and all(r.stem in ("ADJ", "NOUN") and not r.proclitics for r in readings):
            return False  # «السباحة آمنة»: a definite subject and an indefinite predicate
        definite = bool(readings) and all("DET" in r.proclitics for r in readings)
    return True


def nominal(readings: Sequence[Reading]) -> bool:
    """Every reading is a noun, an adjective or a name (an unknown word counts: mostly a name)."""
    return all(r.stem in NOMINAL for r in readings)


def never_opens(written: str, following: str | None) -> bool:
    """A word that cannot open a sentence whatever follows («أو»), or «غير» not followed by «أن»."""
    if written in NEVER_OPENS:
        return True
    return written == NEGATING_NOUN and following not in NEGATING_NOUN_OPENERS
