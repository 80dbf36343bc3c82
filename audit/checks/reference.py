"""Reference-based checks: the article against its English original (R1xx) and its re-translations (R2xx).

They run only when the article has the reference they need (``requires``) and read the shared aligned
view of :mod:`audit.references`, so an article is aligned once however many checks run.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, ClassVar

from audit.arabic.distance import levenshtein
from audit.arabic.numbers import MONTH_NAMES, Number, arabic_months, arabic_numbers, parse_float
from audit.arabic.orthography import ARABIC_MARKED_RUN_RE
from audit.arabic.transliteration import arabic_class_readings, latin_classes_collapsed
from audit.checks.base import ArticleContext, Check, Option
from audit.model import Category, Finding, Severity
from audit.residue import residue_of
from audit.text import LATIN_LETTER

if TYPE_CHECKING:
    from audit.references import ReferenceView, Segment


def reference_view(ctx: ArticleContext) -> ReferenceView:
    """The article's aligned view (:func:`audit.references.reference_view`); the aligner is imported only when
    an article has references, which these checks require."""
    from audit.references import reference_view as view

    return view(ctx)


# --- numbers ---------------------------------------------------------------------------------------------------

_EN_SCALES = {
    "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "m": 1e6, "mn": 1e6, "bn": 1e9, "k": 1e3,
}  # fmt: skip
_EN_NUMBER_RE = re.compile(
    r"(?<![\w.,/:-])(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?"
    r"(?:\s(?P<word>thousand|million|billion|trillion)\b|(?P<short>mn|bn|m|k)\b)?"
    r"(?P<tail>(?:st|nd|rd|th|s|am|pm|a\.m\.|p\.m\.)\b|[-/]?[A-Za-z])?",
    re.IGNORECASE,
)


def english_numbers(text: str) -> list[Number]:
    """Numbers written with digits in English text; ordinals, decades, clock times and codes (G7, F-35) are skipped."""
    numbers = []
    for match in _EN_NUMBER_RE.finditer(text):
        if match.group("tail"):
            continue
        mantissa = parse_float(match.group("int").replace(",", "") + (match.group("frac") or ""))
        if mantissa is None:
            continue
        end = match.end()
        if text[end : end + 1] == ":" and text[end + 1 : end + 2].isdigit():
            continue  # clock time 10:30 is matched as a whole below
        scale = _EN_SCALES.get((match.group("word") or match.group("short") or "").lower(), 1.0)
        numbers.append(Number(mantissa, mantissa * scale, match.start(), end, match.group()))
    return numbers


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def number_rendered(number: Number, candidates: Iterable[Number]) -> bool:
    """True when one of the Arabic numbers has the English number's value. When only one side carries a scale
    word («3.5 million» / «3.5»), the written numbers may agree; two different scales never do."""
    for candidate in candidates:
        if any(_same(number.value, v) for v in (candidate.value, *candidate.alternatives)):
            return True
        one_scaled = _same(number.value, number.mantissa) or _same(candidate.value, candidate.mantissa)
        if one_scaled and (_same(number.mantissa, candidate.mantissa) or _same(number.value, candidate.mantissa)):
            return True
    return False


# --- months ----------------------------------------------------------------------------------------------------

_EN_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_EN_MONTH_RE = re.compile(
    r"\b(?P<month>January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept\.|Sep\.|Oct\.|Nov\.|Dec\.)(?![\w-])"
)
_MAY_CONTEXT_RE = re.compile(r"(?:\b(?:in|on|of|since|until|by|last|next|early|late|mid|from|through)[\s-]+$|\d\s*$)")


def english_months(text: str) -> list[tuple[int, str]]:
    """Month numbers named in English text; «May» counts only next to a date or after in/of/since/…"""
    months = []
    for match in _EN_MONTH_RE.finditer(text):
        word = match.group("month")
        if word == "May":
            before = text[max(0, match.start() - 12) : match.start()]
            after = text[match.end() : match.end() + 3]
            if not (_MAY_CONTEXT_RE.search(before) or re.match(r"\s*\d", after)):
                continue
        months.append((_EN_MONTHS[word.rstrip(".").lower()], word))
    return months


# --- names -----------------------------------------------------------------------------------------------------

_NAME_RE = re.compile(f"(?<![{LATIN_LETTER}'’])[A-Z][{LATIN_LETTER}]+(?:[-'’][A-Z][{LATIN_LETTER}]+)*")
_SENTENCE_START_RE = re.compile(r"(?:^|[.!?:;\"“”‘'(]\s*|\n)$")
_NOT_NAMES_TEXT = (
    "The A An This That These Those He She It Its They We I You His Her Their Our My Your In On At Of For "
    "To From By With As But And Or If When While After Before Since Until Because So Yet Not No There "
    "Here What Who Which Where Why How Mr Mrs Ms Dr Sir St Mt Monday Tuesday Wednesday Thursday Friday "
    "Saturday Sunday January February March April May June July August September October November "
    "December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Yes Also However Meanwhile Although "
    "Despite During Under Over Some Many Most All Both Each Every Any One Two Three Four Five Six Seven "
    "Eight Nine Ten First Second Third Last Next New Old Then Now Today Yesterday Tomorrow Please Thank "
    "Thanks Read More Photo Image Video Getty Images Reuters AP AFP"
)
_NOT_NAMES = frozenset(_NOT_NAMES_TEXT.split())


@lru_cache(maxsize=65536)
def skeletons_match(latin: str, arabic: str) -> bool:
    """Whether an English name's consonant skeleton and an Arabic word's agree (one slip per three classes;
    a two-class Arabic skeleton may be the start of a longer English one, as «أوروبي» for ``European``)."""
    if not latin or not arabic:
        return False
    if len(latin) <= 2 or len(arabic) <= 2:
        return latin == arabic or (len(arabic) == 2 and len(latin) == 3 and latin.startswith(arabic))
    if latin[:3] == arabic[:3]:
        return True
    tolerance = max(1, min(len(latin), len(arabic)) // 3)
    return abs(len(latin) - len(arabic)) <= tolerance and levenshtein(latin, arabic) <= tolerance


#: Names Arabic translates instead of transliterating (exonyms), by the English word: accepted Arabic stems.
EXONYMS: dict[str, tuple[str, ...]] = {
    "Greece": ("يونان",), "Greek": ("يونان",), "Germany": ("ألماني", "المان"), "German": ("ألماني", "المان"),
    "Egypt": ("مصر",), "Egyptian": ("مصر",), "India": ("هند",), "Indian": ("هند",), "Japan": ("يابان",),
    "Japanese": ("يابان",), "China": ("صين",), "Chinese": ("صين",), "Hungary": ("مجر",), "Hungarian": ("مجر",),
    "Netherlands": ("هولند",), "Dutch": ("هولند",), "Holland": ("هولند",), "Morocco": ("مغرب",),
    "Moroccan": ("مغرب",), "Algeria": ("جزائر",), "Algerian": ("جزائر",), "Jerusalem": ("قدس",),
    "Ireland": ("يرلند", "إيرلند", "أيرلند"), "Irish": ("يرلند", "إيرلند", "أيرلند"), "Jewish": ("يهود",),
    "Jews": ("يهود",), "Jew": ("يهود",), "Pacific": ("هادئ", "هادي"), "Mediterranean": ("متوسط",),
    "Gulf": ("خليج",), "Arab": ("عرب",), "Arabic": ("عرب",), "Muslim": ("مسلم",), "Muslims": ("مسلم",),
    "Islamic": ("إسلام", "اسلام"), "Christian": ("مسيح",), "Christians": ("مسيح",), "Christmas": ("ميلاد",),
    "Easter": ("فصح",), "God": ("الله", "رب", "إله"), "Sweden": ("سويد",), "Swedish": ("سويد",),
    "Swiss": ("سويسر",), "Switzerland": ("سويسر",), "Austria": ("نمسا",), "Austrian": ("نمسا",),
    "Cyprus": ("قبرص",), "Korea": ("كوري",), "Korean": ("كوري",),
}  # fmt: skip


@lru_cache(maxsize=1)
def english_lowercase_words() -> frozenset[str]:
    """Common English words (the ``english-words`` package, Webster's list); empty when it is not installed."""
    try:
        from english_words import get_english_words_set
    except ImportError:
        return frozenset()
    return frozenset(w for w in get_english_words_set(["web2"], alpha=True) if w.islower())


_INFLECTIONS = ("s", "es", "ed", "ing", "ers", "er")
_DEMONYM_ENDINGS = ("ian", "ean", "an", "ese", "ish", "i")


def _common_word(lower: str, common: frozenset[str]) -> bool:
    if lower in common:
        return True
    for ending in _INFLECTIONS:
        stem = lower[: -len(ending)]
        if lower.endswith(ending) and len(stem) >= 3 and (stem in common or stem + "e" in common):
            return True
    return False


def name_candidates(text: str) -> list[tuple[int, int, str]]:
    """Capitalised English words that are likely names: not a common English word in lower case (``Parliament``,
    ``Nations``), never written lower-case in the text itself, not an acronym (``AMs``, ``PhD``), not at the start
    of a sentence unless also capitalised inside one, and not a function word, month or weekday."""
    common = english_lowercase_words()
    lower_words = {w.lower() for w in re.findall(f"(?<![{LATIN_LETTER}])[a-z][{LATIN_LETTER}]+", text)}
    found = []
    mid_sentence: set[str] = set()
    for match in _NAME_RE.finditer(text):
        word = match.group()
        lower = word.lower()
        if len(word) < 3 or sum(ch.isupper() for ch in word) > 1 or word in _NOT_NAMES or lower in lower_words:
            continue
        if _common_word(lower, common):
            continue
        at_start = bool(_SENTENCE_START_RE.search(text[max(0, match.start() - 3) : match.start()]))
        if not at_start:
            mid_sentence.add(word)
        found.append((match.start(), match.end(), word, at_start))
    return [(s, e, w) for s, e, w, at_start in found if not at_start or w in mid_sentence]


def _latin_forms(part: str) -> set[str]:
    lower = part.lower()
    forms = {latin_classes_collapsed(part), latin_classes_collapsed(lower.replace("gh", ""))}
    for ending in _DEMONYM_ENDINGS:
        if lower.endswith(ending) and len(lower) - len(ending) >= 3:
            forms.add(latin_classes_collapsed(lower[: -len(ending)]))
    return {f for f in forms if f}


class ArabicNames:
    """The Arabic side of name matching for one stretch of text: word skeletons and the glued-text skeleton."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lowered = text.lower()
        self.skeletons: set[str] = set()
        for match in ARABIC_MARKED_RUN_RE.finditer(text):
            self.skeletons |= arabic_class_readings(match.group())
        # Words run together («جامعةهارفارد») still carry the name's consonants in a row.
        self.long_skeletons = [s for s in self.skeletons if len(s) >= 6]

    def renders(self, name: str) -> bool:
        """A Latin name is rendered when it appears verbatim (case-insensitive), as a known exonym («Greece» ->
        «اليونان») or transliterated (same consonant skeleton)."""
        parts = [p for p in re.split(r"[-'’]", name) if p]
        if any(part.lower() in self.lowered for part in parts if len(part) >= 3):
            return True
        if any(stem in self.text for stem in EXONYMS.get(name, ())):
            return True
        for part in parts:
            for wanted in _latin_forms(part):
                if any(skeletons_match(wanted, s) for s in self.skeletons):
                    return True
                if len(wanted) >= 4 and any(wanted in s for s in self.long_skeletons):
                    return True
        return False


def name_rendered(name: str, arabic_text: str) -> bool:
    return ArabicNames(arabic_text).renders(name)


# --- the checks ------------------------------------------------------------------------------------------------


def _neighbourhood(segments: Sequence[Segment], index: int, text: str) -> str:
    """The Arabic of a segment and its neighbours: tolerance for numbers moved across a sentence boundary."""
    lo, hi = max(0, index - 1), min(len(segments), index + 2)
    return text[segments[lo].start : segments[hi - 1].end]


def _quote(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class SourceNumbers(Check):
    """A number of the English original is missing or different in the translation.

    Every number the English writes with digits (``5,000``, ``3.5 million``, ``12%``) must appear in the aligned
    Arabic with the same value, in any of the forms Arabic uses: Western or Arabic-Indic digits (``٥٬٠٠٠``,
    ``٣٫٥``), a scale word (``3.5 مليون``), or number words (``خمسة آلاف``). Ordinals, decades (``1990s``),
    clock times and codes such as ``G7`` are not checked, nor are one and two, which Arabic often leaves to the
    noun (``عامين``).

    Bad: English «The fire destroyed 5,000 homes.» — «دمر الحريق 500 منزل.»

    Good: English «The fire destroyed 5,000 homes.» — «دمر الحريق خمسة آلاف منزل.»
    """

    code = "R101"
    name = "source-number-mismatch"
    category = Category.NUMBER
    severity = Severity.MAJOR
    requires = frozenset({"source"})

    def run(self, ctx: ArticleContext) -> Iterator[Finding]:
        segments = reference_view(ctx).segments
        for index, segment in enumerate(segments):
            if not segment.source:
                continue
            english = [n for n in english_numbers(segment.source) if n.value not in (1.0, 2.0)]
            if not english:
                continue
            arabic_here = arabic_numbers(ctx.text[segment.start : segment.end])
            arabic_near: list[Number] | None = None
            for number in english:
                if number_rendered(number, arabic_here):
                    continue
                if arabic_near is None:
                    arabic_near = arabic_numbers(_neighbourhood(segments, index, ctx.text))
                if number_rendered(number, arabic_near):
                    continue
                written = ", ".join(n.text for n in arabic_here) or "no number"
                yield self.finding(
                    ctx.text,
                    segment.start,
                    segment.end,
                    f"the English original has «{number.text}» here; the translation has {written}",
                    evidence=_quote(segment.source),
                )


class SourceMonths(Check):
    """A month named in the English original is missing or a different month in the translation.

    Both Arabic month series count: «يناير … ديسمبر» and «كانون الثاني … كانون الأول». A different month in the
    aligned sentence is reported as a mistranslation; no month at all as a likely omission of the date.

    Bad: English «The vote is due in March.» — «من المقرر إجراء التصويت في أبريل.»

    Good: English «The vote is due in March.» — «من المقرر إجراء التصويت في آذار.»
    """

    code = "R102"
    name = "source-month-mismatch"
    category = Category.MISTRANSLATION
    severity = Severity.MAJOR
    requires = frozenset({"source"})

    def run(self, ctx: ArticleContext) -> Iterator[Finding]:
        segments = reference_view(ctx).segments
        for index, segment in enumerate(segments):
            if not segment.source:
                continue
            months = english_months(segment.source)
            if not months:
                continue
            here = arabic_months(ctx.text[segment.start : segment.end])
            near: list[int] | None = None
            for number, word in months:
                if number in here:
                    continue
                if near is None:
                    near = arabic_months(_neighbourhood(segments, index, ctx.text))
                if number in near:
                    continue
                if here:
                    message = (
                        f"the English original says {word}; the translation names month {here[0]} "
                        f"(expected {MONTH_NAMES[number]})"
                    )
                    severity, category = Severity.MAJOR, Category.MISTRANSLATION
                else:
                    message = f"the English original says {word}; no month here (expected {MONTH_NAMES[number]})"
                    severity, category = Severity.MINOR, Category.OMISSION
                yield self.finding(
                    ctx.text,
                    segment.start,
                    segment.end,
                    message,
                    severity=severity,
                    category=category,
                    evidence=_quote(segment.source),
                )


class SourceNames(Check):
    """A name in the English original has no rendering in the translation.

    A capitalised English word that the English never writes in lower case (a person, place or organisation)
    should appear in the aligned Arabic either as is (Latin letters) or transliterated. Transliterations are
    recognised by their consonants: «Trump» ≈ «ترامب», «Zelensky» ≈ «زيلينسكي». Names that Arabic translates
    rather than transliterates (``the Senate`` → «مجلس الشيوخ») cannot be verified this way, so findings are minor.

    Bad: English «Yuri Ushakov said the talks were useful.» — «وقال المساعد إن المحادثات كانت مفيدة.»

    Good: English «Yuri Ushakov said the talks were useful.» — «وقال يوري أوشاكوف إن المحادثات كانت مفيدة.»
    """

    code = "R103"
    name = "source-name-missing"
    category = Category.OMISSION
    severity = Severity.MINOR
    requires = frozenset({"source"})

    def run(self, ctx: ArticleContext) -> Iterator[Finding]:
        view = reference_view(ctx)
        segments = view.segments
        source = ctx.article.source or ""
        candidates = {word for _, _, word in name_candidates(source)}
        if not candidates:
            return
        for index, segment in enumerate(segments):
            if not segment.source:
                continue
            names = [w for _, _, w in name_candidates(segment.source) if w in candidates]
            if not names:
                continue
            near = ArabicNames(_neighbourhood(segments, index, ctx.text))
            missing = [name for name in dict.fromkeys(names) if not near.renders(name)]
            if missing:
                yield self.finding(
                    ctx.text,
                    segment.start,
                    segment.end,
                    f"the English original names {', '.join(missing)} here; no rendering found in the translation",
                    evidence=_quote(segment.source),
                )


class SourceOmission(Check):
    """An English sentence has nothing aligned with it in the translation: a likely omission.

    The article is aligned with its English original sentence by sentence (lengths, numbers, names and
    punctuation; multilingual sentence embeddings when installed). An English sentence of at least
    ``min_words`` words that no Arabic sentence covers is reported on the Arabic sentence after which it
    should have come.

    Bad: English «Talks ended on Friday. No deal was reached.» — «انتهت المحادثات يوم الجمعة.»

    Good: English «Talks ended on Friday. No deal was reached.» —
    «انتهت المحادثات يوم الجمعة. ولم يتم التوصل إلى اتفاق.»
    """

    code = "R104"
    name = "source-sentence-omitted"
    category = Category.OMISSION
    severity = Severity.MAJOR
    requires = frozenset({"source"})
    options: ClassVar[Mapping[str, Option]] = {
        "min_words": Option(5, "shortest English sentence (in words) reported when left out")
    }

    def run(self, ctx: ArticleContext) -> Iterator[Finding]:
        from audit.references import SOURCE_KEY

        for segment in reference_view(ctx).segments:
            omitted = [s for s in segment.gaps.get(SOURCE_KEY, ()) if len(s.split()) >= self.config["min_words"]]
            if omitted:
                yield self.finding(
                    ctx.text,
                    segment.start,
                    segment.end,
                    f"{len(omitted)} sentence(s) of the English original after this one have no translation: "
                    f"«{_quote(omitted[0])}»",
                    evidence=" ".join(omitted),
                )


class SourceAddition(Check):
    """A sentence of the translation has no counterpart in the English original: a likely addition.

    Typical causes are scraped residue, a duplicated paragraph or an engine's invented sentence. Residue and
    repeats of an earlier sentence are left to the B2xx and D3xx checks, which already report them; sentences
    shorter than ``min_words`` words are ignored.

    Bad: English «Talks ended on Friday.» — «انتهت المحادثات يوم الجمعة. اشترك في نشرتنا البريدية لتصلك آخر الأخبار.»

    Good: English «Talks ended on Friday.» — «انتهت المحادثات يوم الجمعة.»
    """

    code = "R105"
    name = "source-sentence-added"
    category = Category.ADDITION
    severity = Severity.MAJOR
    requires = frozenset({"source"})
    options: ClassVar[Mapping[str, Option]] = {
        "min_words": Option(5, "shortest Arabic sentence (in words) reported when it has no source")
    }

    def run(self, ctx: ArticleContext) -> Iterator[Finding]:
        view = reference_view(ctx)
        residue = residue_of(ctx)
        repeats = Counter(" ".join(span.slice(ctx.text).split()) for span in view.sentences)
        for link in view.source_links:
            if link.source or not link.target:
                continue
            for k in link.target:
                span = view.sentences[k]
                sentence = span.slice(ctx.text)
                words = sentence.split()
                if len(words) < self.config["min_words"] or residue.covers(span.start, span.end):
                    continue
                if repeats[" ".join(words)] > 1:
                    continue  # a sentence printed twice: a duplication, reported by D3xx
                yield self.finding(
                    ctx.text, span.start, span.end, "this sentence has no counterpart in the English original"
                )


class SourceLengthRatio(Check):
    """A sentence is far shorter or longer than its English original, compared with the article as a whole.

    The expected Arabic length is the English length times the article's own Arabic/English length ratio;
    a segment below ``low`` or above ``high`` times that (with at least ``min_chars`` English characters)
    suggests a partial omission or an addition.

    Bad: English «The minister, who took office in 2019 after a long career in banking, resigned on Monday.» —
    «استقال الوزير.»

    Good: … — «استقال الوزير، الذي تولى منصبه عام 2019 بعد مسيرة طويلة في القطاع المصرفي، يوم الاثنين.»
    """

    code = "R106"
    name = "source-length-ratio"
    category = Category.OMISSION
    severity = Severity.MINOR
    requires = frozenset({"source"})
    options: ClassVar[Mapping[str, Option]] = {
        "low": Option(0.5, "report segments shorter than this share of the expected length"),
        "high": Option(2.0, "report segments longer than this multiple of the expected length"),
        "min_chars": Option(60, "shortest English segment (characters) to judge"),
    }

    def run(self, ctx: ArticleContext) -> Iterator[Finding]:
        segments = [s for s in reference_view(ctx).segments if s.source]
        source_total = sum(_chars(s.source or "") for s in segments)
        target_total = sum(_chars(ctx.text[s.start : s.end]) for s in segments)
        if source_total == 0 or target_total == 0:
            return
        ratio = target_total / source_total
        for segment in segments:
            english = _chars(segment.source or "")
            if english < self.config["min_chars"]:
                continue
            relative = _chars(ctx.text[segment.start : segment.end]) / (english * ratio)
            if relative < self.config["low"]:
                message = f"the translation is {relative:.0%} of the length expected from the English original"
                yield self.finding(ctx.text, segment.start, segment.end, message, evidence=_quote(segment.source or ""))
            elif relative > self.config["high"]:
                message = f"the translation is {relative:.1f}× the length expected from the English original"
                yield self.finding(
                    ctx.text,
                    segment.start,
                    segment.end,
                    message,
                    category=Category.ADDITION,
                    evidence=_quote(segment.source or ""),
                )


def _chars(text: str) -> int:
    return len(text) - text.count(" ")


class EngineDisagreement(Check):
    """The translation disagrees with every re-translation while they agree with each other.

    Each Arabic segment is compared (chrF, both directions averaged) with the text aligned to it in each
    re-translation. When the re-translations agree with each other (their median pairwise chrF is at least
    ``agree``) and the closest of them is still ``margin`` chrF points below that, the segment is a likely
    mistranslation, or an omission when it is also much shorter. The closest re-translation is the suggestion.
    Needs two re-translations.

    Bad: «ألغت الحكومة الضريبة.» while two other engines give «رفعت الحكومة الضريبة.» and «قامت الحكومة برفع الضريبة.»

    Good: «رفعت الحكومة الضريبة.»
    """

    code = "R201"
    name = "engine-disagreement"
    category = Category.MISTRANSLATION
    severity = Severity.MAJOR
    requires = frozenset({"retranslations"})
    options: ClassVar[Mapping[str, Option]] = {
        "agree": Option(50.0, "median chrF between re-translations for them to count as agreeing"),
        "margin": Option(35.0, "how far (chrF points) the translation must fall below the re-translations' agreement"),
        "min_words": Option(4, "shortest segment (words) to judge"),
    }

    def run(self, ctx: ArticleContext) -> Iterator[Finding]:
        view = reference_view(ctx)
        if len(view.retranslation_sentences) < 2:
            return
        for row in view.agreement:
            segment = row.segment
            if row.mutual is None or row.best is None:
                continue
            if len(ctx.text[segment.start : segment.end].split()) < self.config["min_words"]:
                continue
            if row.mutual < self.config["agree"] or row.mutual - row.best < self.config["margin"]:
                continue
            closest = segment.retranslations[row.closest]
            own = _chars(ctx.text[segment.start : segment.end])
            shorter = own < 0.6 * _chars(closest)
            yield self.finding(
                ctx.text,
                segment.start,
                segment.end,
                f"every re-translation differs from this segment (closest, {row.closest}: chrF {row.best:.0f}) "
                f"while they agree with each other (chrF {row.mutual:.0f})"
                + ("; it is much shorter: a likely omission" if shorter else ""),
                suggestion=closest,
                category=Category.OMISSION if shorter else Category.MISTRANSLATION,
                confidence=min(1.0, (row.mutual - row.best) / 50.0),
            )


class RetranslationOmission(Check):
    """Every re-translation has a sentence here that nothing in the translation covers: a likely omission.

    Each re-translation is aligned with the article sentence by sentence. When all of them have a sentence of at
    least ``min_words`` words with no counterpart after the same article segment, the article has most likely
    dropped it; the first re-translation's sentence is the suggestion. Major with two or more re-translations
    agreeing, minor with one.

    Bad: «انتهت المحادثات يوم الجمعة.» while the re-translations read «انتهت المحادثات يوم الجمعة. ولم يتم التوصل
    إلى اتفاق.»

    Good: «انتهت المحادثات يوم الجمعة. ولم يتم التوصل إلى اتفاق.»
    """

    code = "R202"
    name = "retranslation-sentence-omitted"
    category = Category.OMISSION
    severity = Severity.MAJOR
    requires = frozenset({"retranslations"})
    options: ClassVar[Mapping[str, Option]] = {
        "min_words": Option(5, "shortest re-translated sentence (in words) that counts")
    }

    def run(self, ctx: ArticleContext) -> Iterator[Finding]:
        view = reference_view(ctx)
        names = sorted(view.retranslation_sentences)
        if not names:
            return
        minimum = self.config["min_words"]
        for segment in view.segments:
            gaps = {n: [s for s in segment.gaps.get(n, ()) if len(s.split()) >= minimum] for n in names}
            if not all(gaps.values()):
                continue
            first = gaps[names[0]]
            yield self.finding(
                ctx.text,
                segment.start,
                segment.end,
                f"every re-translation ({', '.join(names)}) has a sentence after this one that the translation "
                f"lacks: «{_quote(first[0])}»",
                suggestion=" ".join(first),
                severity=Severity.MAJOR if len(names) >= 2 else Severity.MINOR,
            )
