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
    "في من إلى على عن مع منذ ضد عند حول نحو لدى بين عبر تجاه تحت فوق أمام خلف داخل خارج ضمن وسط دون بدون"
)
#: Demonstratives (as written): after a verb, its subject or object («يؤثر هذا التباين»).
DEMONSTRATIVES = written_words("هذا هذه ذلك تلك هؤلاء أولئك")
#: Words (as written) after which a sentence cannot stop: prepositions and exceptives not listed with the
#: function words («أثناء», «إلا», «سوى»), subordinators («عندما», «بينما», «حيث») and a pronoun after «و»,
#: which opens a circumstantial clause («وهو …»).
NEEDS_WHAT_FOLLOWS = written_words(
    "أثناء خلال جراء جرّاء إزاء حيال إلا سوى عدا عندما بينما حينما كلما طالما ريثما حيثما مثلما حيث كي لكي "
    "وهو وهي وهم وهما وهن فهو فهي"
)
#: Verbs that need a predicate or a verbal noun after them (lemmas of the Buckwalter lexicon): «كان» and its
#: sisters («أصبح», «ظل», «بات», «صار», «ليس», «لا يزال»), «كاد», and «تم» («تم إلغاء …»).
AUXILIARY_LEMMAS = frozenset(
    {"kAn_1", ">aSobaH_1", "Zal~a_1", "bAt-i_1", "SAr_1", "layis-a_1", "zAl-a_1", ">azAl_1", "kAd-a_1", "tam~-i_1"}
)
#: Words before which «كان» and its sisters close a clause («كما كان», «أيا كان», «مهما كانت»).
AUXILIARY_CLOSERS = written_words("كما مثلما أيا أياً مهما أينما حيثما عما مما")
#: Cardinal numbers and scale words (as written) that take a counted noun after them («ثلاثة أشخاص», «أربعة
#: عشر شخصاً», «ألف دولار»).
CARDINALS = written_words(
    "ثلاثة ثلاث أربعة أربع خمسة ستة سبعة ثمانية ثماني تسعة عشرة ثلاثمائة أربعمائة خمسمائة مائة مئة مائتا مئتا "
    "ألف آلاف مليون ملايين مليار مليارات عشرون عشرين ثلاثون ثلاثين أربعون أربعين خمسون خمسين ستون ستين "
    "سبعون سبعين ثمانون ثمانين تسعون تسعين"
)
#: «إن» and «أن» (as written): the noun after them needs a predicate.
INNA = written_words("إن أن بأن لأن")
#: Words (as written) that join what precedes to what follows, or restrict it, and never open a sentence: «أو»
#: (or), «فقط» (only), «مما» (of which); «بما» too, unless «بما أن» (since).
NEVER_OPENS = frozenset({"أو", "فقط", "مما", "بما"})
#: Nouns of time (as written) that open a date («يوم السبت», «صباح يوم 16»): at the start of a sentence they
#: take «في» or «و» before them or a comma after the date.
TIME_NOUNS = written_words("يوم صباح مساء ليلة")
#: «غير» (other than, un-) opens a sentence only as «غير أن» (however).
NEGATING_NOUN = "غير"
NEGATING_NOUN_OPENERS = frozenset({"أن", "أنه", "أنها", "أنهم", "أني", "أننا"})


def verb_without_object(readings: Sequence[Reading]) -> bool:
    """Every reading is a verb and none carries an object pronoun («يسيرون», «أخمدت»): its complement, subject or
    object may still follow."""
    return bool(readings) and all(r.is_verb for r in readings) and not has_pronoun(readings)


#: Quantifiers (as written) that head the subject or object of a verb before them («يقضون معظم وقتهم»).
QUANTIFIERS = written_words("معظم بعض كل جميع كافة عدد غالبية أغلب")


def opens_verb_complement(written: str, following: Sequence[Reading]) -> bool:
    """A preposition, a quantifier, or a demonstrative before a noun with the article (``following``: the readings
    of the next word), as written: what a verb before it governs («… يسيرون في اتجاه», «… يقضون معظم وقتهم»,
    «… يؤثر هذا التباين»)."""
    if written in PREPOSITIONS or written in QUANTIFIERS:
        return True
    return written in DEMONSTRATIVES and bool(following) and all("DET" in r.proclitics for r in following)


#: «قبل» and «بعد» (as written): a sentence may end on them as adverbs («… من قبل.»), but an indefinite noun after
#: them is the one they govern («بعد ظهور الأعراض»).
BEFORE_AFTER = written_words("قبل بعد")
#: Words (as written) before which a free pronoun closes a clause («كما هي»).
PRONOUN_CLOSERS = written_words("كما مثلما")


def free_pronoun(written: str, before: str | None, readings: Sequence[Reading]) -> bool:
    """A pronoun on its own («هو», «هي», «هم»), not after «كما»: at the end of a clause it is the pronoun of
    separation, and the predicate follows («… الوحيدة هي. الطريقة …»)."""
    return (
        bool(readings)
        and all(r.stem.startswith("PRON") and not r.proclitics for r in readings)
        and before not in PRONOUN_CLOSERS
    )


def bare_indefinite_noun(readings: Sequence[Reading]) -> bool:
    """Every reading is a noun without clitics, the article or a pronoun («ظهور», «عطلة»)."""
    return bool(readings) and all(r.stem == "NOUN" and not r.proclitics and len(r.tags) <= 2 for r in readings)


#: Free pronouns of the third person (as written).
PRONOUNS = written_words("هو هي هم هما هن")
#: Set phrases that announce what follows («بما في ذلك» including): a sentence cannot stop on them.
OPEN_PHRASES = frozenset({("بما", "في", "ذلك"), ("بما", "فيها"), ("بما", "فيهم"), ("بما", "فيه")})
#: The last words of :data:`OPEN_PHRASES` (to look further back only for them).
OPEN_PHRASE_ENDS = frozenset(phrase[-1] for phrase in OPEN_PHRASES)


def open_phrase(words: Sequence[str]) -> bool:
    """The last words (as written) are one of :data:`OPEN_PHRASES`."""
    return any(tuple(words[-len(phrase) :]) == phrase for phrase in OPEN_PHRASES)


#: Relative pronouns (as written): a pronoun after one opens the relative clause («الذين هم …»).
RELATIVES = written_words("الذي التي الذين اللذين اللتين اللواتي اللاتي اللائي")


def needs_what_follows(written: str, before: str | None, readings: Sequence[Reading]) -> bool:
    """A word a sentence cannot stop on (:data:`NEEDS_WHAT_FOLLOWS`), a pronoun right after a relative pronoun
    («… الذين هم.»), or an auxiliary verb without its predicate («… منذ أن تم.», «… وكانت.»; not «… كما كان.»):
    ``before`` is the word before it, as written."""
    if written in NEEDS_WHAT_FOLLOWS:
        return True
    if before in RELATIVES and written in PRONOUNS:
        return True
    verbs = [r for r in readings if r.is_verb]
    return (
        bool(verbs)
        and all(r.lemma in AUXILIARY_LEMMAS for r in verbs)
        and not has_pronoun(readings)
        and before not in AUXILIARY_CLOSERS
        and not (before or "").endswith("ما")  # «كل ما كان»
    )


#: The second word of the numbers 13 to 19 (as written): «أربعة عشر».
TEENS = written_words("عشر عشرة")


def counts_nouns(written: str) -> bool:
    """A cardinal number or scale word that takes a counted noun after it («أربعة عشر», «ثلاثة أشخاص»)."""
    return written in CARDINALS


def prepositional_pronoun(readings: Sequence[Reading]) -> bool:
    """A preposition with an attached pronoun and no verb reading («بها», «عليه», «لهم»): a verb's complement."""
    return any(r.tags[:1] == ("PREP",) and r.stem.startswith("PRON") for r in readings) and not can_be_verb(readings)


def inna_without_predicate(clause: Sequence[str], readings_of: Callable[[str], Sequence[Reading]]) -> bool:
    """The clause (words as written) ends with «إن»/«أن» and one or two words that hold no predicate and read
    as verbs only with a clitic before them, if at all («قال إن والده», not «أن كنت طفلا»): the sentence stops
    before the predicate. «إن» after a name is part of it («مون جاي إن»)."""
    for back in (2, 3):
        if len(clause) >= back and clause[-back] in INNA:
            if len(clause) > back and clause[-back] == "إن":
                named = readings_of(clause[-back - 1])
                if not named or all(r.stem == "NOUN_PROP" for r in named):
                    return False  # «مون جاي إن»: the end of a name
            rest = clause[1 - back :]
            verb = any(r.is_verb and not r.proclitics for w in rest for r in readings_of(w))
            return not verb and not has_predicate(rest, readings_of)
    return False


def has_pronoun(readings: Sequence[Reading]) -> bool:
    """Some reading carries a pronoun (free or attached: «فيه», «قرارها», «أخبرهم»)."""
    return any(tag.startswith(PRONOUN_TAGS) for r in readings for tag in r.tags)


def can_be_verb(readings: Sequence[Reading]) -> bool:
    return any(r.is_verb for r in readings)


def is_elative(written: str) -> bool:
    """«الأهم», «الأكثر», «الأفضل», «الأولى»: superlatives, which open sentences («الأهم أن …»)."""
    return written.startswith("الأ") and len(written) in (5, 6) and not written.endswith(("ي", "ية"))


def construct_state(written: str, readings: Sequence[Reading], names: bool = False) -> bool:
    """An indefinite noun without tanween or a pronoun, as written (diacritics dropped): the first term of a
    construct phrase («قائمة» in «قائمة ترشيحات», «ألعاب» in «ألعاب الفيديو», «ضحايا الهجوم»). Nouns read with the
    article, in the indefinite accusative («كثيرا») or with tanween are not. With ``names``, a noun also read as a
    name («يوم», «مدينة») counts too (for a definite word after it: «يوم الجمعة»)."""
    if written.startswith("ال") or not readings or has_pronoun(readings):
        return False
    if written.endswith("ا") and indefinite_accusative(written, readings):
        return False
    stems = ("NOUN", "ADJ", "NOUN_PROP") if names else ("NOUN", "ADJ")
    nouns = [r for r in readings if not r.is_verb]
    return (
        any(r.stem == "NOUN" for r in nouns)
        and all(r.stem in stems and "DET" not in r.proclitics for r in nouns)
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


def has_predicate(words: Sequence[str], readings_of: Callable[[str], Sequence[Reading]]) -> bool:
    """Whether a clause without a verb (words as written, diacritics dropped) still has a predicate: one of
    :data:`PREDICATE_WORDS`, a pronoun, or a definite noun or demonstrative followed by an indefinite adjective or
    noun («السباحة آمنة», «هذه معجزة»)."""
    definite = False
    for word in words:
        if word in PREDICATE_WORDS:
            return True
        readings = readings_of(word)
        if readings and all(r.stem.startswith("PRON") for r in readings):
            return True  # «فهي علامات …»: a pronoun subject
        if definite and readings and all(r.stem in ("ADJ", "NOUN") and not r.proclitics for r in readings):
            return True
        definite = word in DEMONSTRATIVES or (bool(readings) and all("DET" in r.proclitics for r in readings))
    return False


def verbless(words: Sequence[str], readings_of: Callable[[str], Sequence[Reading]]) -> bool:
    """A clause (words as written, diacritics dropped) with no word that can be a verb and no predicate
    (:func:`has_predicate`): not a sentence of its own, but the rest of the sentence before it («… التي
    تتخذها. البنوك المركزية والدول في الوقت المناسب»). Unknown words count as names."""
    if not words or any(can_be_verb(readings_of(word)) for word in words):
        return False
    return not has_predicate(words, readings_of)


def nominal(readings: Sequence[Reading]) -> bool:
    """Every reading is a noun, an adjective or a name (an unknown word counts: mostly a name)."""
    return all(r.stem in NOMINAL for r in readings)


def never_opens(written: str, following: str | None) -> bool:
    """A word that cannot open a sentence (:data:`NEVER_OPENS`; «بما» only before «أن»), or «غير» not followed
    by «أن»."""
    if written in NEVER_OPENS:
        return not (written == "بما" and following == "أن")
    return written == NEGATING_NOUN and following not in NEGATING_NOUN_OPENERS
