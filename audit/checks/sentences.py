"""Broken sentences: a full stop in the middle of a phrase, and sentences cut off after a preposition.

Machine translation and the scrapers around it break sentences in two typical ways. A full stop lands inside
a name or a noun phrase («وصهره جاريد. كوشنر», «الهجوم الروسي الأولي. غزو واسع النطاق»): what follows the stop
is not a new sentence but the rest of the phrase (S701, punctuation). Or a sentence stops on a word that
needs a continuation («… مفاوضات لا نهاية لها مع.»): the rest of the sentence is missing (S702, omission).

Both checks use the Buckwalter lexicon through :func:`audit.arabic.morphology.load_morphology` when it is
installed (to tell verbs, nouns, adjectives and unknown foreign names apart) and the glossary's names; without
them they fall back to what the text itself shows.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import ClassVar

from audit.analyses import article_tokens, folded_text, matches_at_words
from audit.arabic.clitics import CONJUNCTION_PREPOSITION, without_proclitics
from audit.arabic.morphology import Morphology, Reading, load_morphology, only_second_person_noun
from audit.arabic.orthography import ARABIC_LETTER, ARABIC_MARKS, MARKS_RE
from audit.arabic.orthography import fold_persian as fold
from audit.arabic.syntax import (
    BEFORE_AFTER,
    NOMINAL,
    OPEN_PHRASE_ENDS,
    TEENS,
    TIME_NOUNS,
    bare_indefinite_noun,
    can_be_verb,
    construct_state,
    coordinated_noun,
    counts_nouns,
    definite_adjective,
    free_pronoun,
    has_predicate,
    has_pronoun,
    indefinite_accusative,
    inna_without_predicate,
    is_elative,
    needs_what_follows,
    never_opens,
    nominal,
    open_phrase,
    opens_verb_complement,
    prepositional_pronoun,
    verb_without_object,
    verbless,
)
from audit.arabic.words import FUNCTION_WORDS, TITLES_FEMININE, TITLES_MASCULINE
from audit.checks.base import ArticleContext, Check, Option
from audit.model import Applicability, Category, Finding, Fix, Severity
from audit.text import WORD_RE

_WORD = f"[{ARABIC_LETTER}][{ARABIC_LETTER}{ARABIC_MARKS}]*"
#: A full stop between two Arabic words on one line: «جاريد. كوشنر».
_STOP_RE = re.compile(rf"(?<![\w{ARABIC_MARKS}])(?P<prev>{_WORD})\.(?P<gap>[ \t\u00a0]+)(?P<next>{_WORD})")
#: The full stops where a _STOP_RE match may end its ``prev`` word.
_STOP_DOT_RE = re.compile(rf"\.[ \t\u00a0]+[{ARABIC_LETTER}]")
#: Where the piece after a stop ends: the next sentence punctuation or the end of the line.
_TAIL_END_RE = re.compile(r"[.!?؟…]|\n")
_WORD_RE = re.compile(rf"[\w{ARABIC_MARKS}]+")
_ARABIC_WORD = re.compile(f"[{ARABIC_LETTER}]+")
#: How far back (characters) the sentence before a stop is read: enough for the few words the rules look at.
_HEAD_WINDOW = 80
#: A comma after at most three words: the words before it are an adverbial opener («مرة أخرى، …»). Words are
#: separated by blanks, so a long run of letters is matched one way only (linear time, no backtracking).
_EARLY_COMMA_RE = re.compile(rf"[\w{ARABIC_MARKS}]+(?:[ \t\u00a0]+[\w{ARABIC_MARKS}]+){{0,2}}[ \t\u00a0]*[،,]")
_BLANKS = " \t\u00a0"


def _previous_word(text: str, start: int, end: int) -> str | None:
    """The word right before ``end`` (not before ``start``), separated from it by blanks only."""
    stop = end
    while stop > start and text[stop - 1] in _BLANKS:
        stop -= 1
    if stop == end:
        return None
    begin = stop
    while begin > start and (text[begin - 1].isalnum() or text[begin - 1] == "_"):
        begin -= 1
    return text[begin:stop] or None


class _Quotes:
    """Whether a position is inside quotation marks on its line, counted incrementally (positions only grow)."""

    def __init__(self) -> None:
        self.line_start = self.position = -1
        self.straight = self.opening = self.closing = 0

    def inside(self, text: str, line_start: int, position: int) -> bool:
        if line_start != self.line_start or position < self.position:
            self.line_start = self.position = line_start
            self.straight = self.opening = self.closing = 0
        piece = text[self.position : position]
        self.straight += piece.count('"')
        self.opening += sum(piece.count(q) for q in _OPEN_QUOTES)
        self.closing += sum(piece.count(q) for q in _CLOSE_QUOTES)
        self.position = position
        return self.straight % 2 == 1 or self.opening > self.closing


def _particle(written: str) -> bool:
    """«أن» with its hamza: the particle, never the letter N («إن» may be either: «سي إن إن», «مون جاي إن»)."""
    return written == "أن"


def _words(text: str) -> frozenset[str]:
    return frozenset(fold(w) for w in text.split())


#: Abbreviations and letter names that end with a full stop without ending a sentence («د. مول», «دي. كي. أريا»).
_ABBREVIATIONS = _words(
    "د م ص ق ج ه هـ أ ب ت ح س ع ف ك ل ن و ي إلخ الخ اه ق.م دي كي بي تي سي إف جي إل إم إن أو آر إس يو في إكس "
    "واي زد إيه إتش دبليو كيو جيه"
)
#: Words that open a sentence or are complete on their own: never the tail of a broken phrase.
_SENTENCE_OPENERS = _words(
    "نعم لا كلا شكرا حسنا طبعا بالتأكيد أبدا هذا هذه ذلك تلك هؤلاء هنا هناك لكن إن إنه إنها كما ثم لذلك "
    "لذا وقد قد لقد إذا إذ حيث عندما بينما منذ بعد قبل في على من إلى عن مع أما أيضا كذلك ربما ليس ليست لم لن ما "
    "هل كيف لماذا متى أين ماذا بل حتى رغم أنا أنت أنتم نحن هو هي هم هن"
)
#: Titles before a person's name («الرئيس جوكو ويدودو»).
_TITLES = TITLES_MASCULINE | TITLES_FEMININE | _words("السيد السيدة الآنسة المدرب النائب السيناتور الدكتور البروفيسور")
_RELATIVE_PRONOUNS = _words("الذي التي الذين اللذين اللتين اللاتي اللائي اللواتي")
#: Quantities that start a sentence («كثير من الناس …»), not adjectives continuing a noun.
_QUANTIFIERS = _words(
    "كثير كثيرة عديد عديدة قليل قليلة بعض معظم كل جميع عدد الكثير العديد القليل البعض المزيد الجميع الكل الغالبية "
    "الأغلبية"
)
_FUNCTION_WORDS = _words(FUNCTION_WORDS)
_OPEN_QUOTES = "“«"
_CLOSE_QUOTES = "”»"


@dataclass(frozen=True)
class _Stop:
    """A candidate full stop and its surroundings."""

    before_prev: str | None  # folded word right before ``prev`` (white space between), if any
    prev_start: int
    prev_end: int
    next_start: int
    next_end: int
    prev: str  # folded
    next: str  # folded
    tail: tuple[str, ...]  # folded words from ``next`` to the end of its sentence
    prev_raw: str  # the same words as written (diacritics dropped), for the lexicon
    next_raw: str
    tail_raw: tuple[str, ...]
    in_quote: bool
    comma_soon: bool  # a comma within the first words after the stop: an adverbial opener («مرة أخرى،»)
    colon: bool  # a colon between the stop and the end of the next sentence: a label or a list follows
    before_prev_raw: str | None  # the word before ``prev`` as written, diacritics dropped
    text: str = field(repr=False, compare=False)
    line_start: int = 0

    @property
    def following(self) -> str | None:
        """The word after ``next_raw``, as written, if the piece after the stop has one."""
        return self.tail_raw[1] if len(self.tail_raw) > 1 else None

    @cached_property
    def head(self) -> _Head:
        """The end of the sentence before the stop, up to ``prev`` (read when a rule needs it)."""
        text, line_start, prev_start = self.text, self.line_start, self.prev_start
        window = max(line_start, prev_start - _HEAD_WINDOW)
        starts = [m.end() for m in _SENTENCE_BOUNDARY_RE.finditer(text, window, prev_start)]
        start = starts[-1] if starts else window
        # the sentence before this one: a run of short sentences is a list or a style, not a broken sentence
        before = 9
        if len(starts) > 1 or (starts and window == line_start):
            before = len(_WORD_RE.findall(text, starts[-2] if len(starts) > 1 else window, start))
        words = tuple(MARKS_RE.sub("", w) for w in _WORD_RE.findall(text, start, self.prev_end))
        if (not starts and window > line_start) or ":" in text[start:prev_start]:
            words = ("…", *words)  # a longer sentence, or a label and its content
        return _Head(start, min(before, 9), words)


@dataclass(frozen=True)
class _Head:
    """The sentence before a stop: where it starts, how many words the sentence before it has (9: none on the
    line, or many), and its words as written («…» first when it starts further back than the window read)."""

    start: int
    before: int
    words: tuple[str, ...]


@lru_cache(maxsize=4)
def _glossary_word_pairs(mtime_key: object) -> frozenset[tuple[str, str]]:
    """Consecutive words of every multi-word glossary form («جاريد», «كوشنر»), folded."""
    try:
        from audit.glossary import load_glossary

        glossary = load_glossary()
    except (ImportError, ValueError):
        return frozenset()
    pairs: set[tuple[str, str]] = set()
    for entry in glossary.entries:
        for form in (*entry.ar, *entry.variants):
            words = [fold(w) for w in form.split()]
            pairs.update(itertools.pairwise(words))
    return frozenset(pairs)


def _glossary_pairs() -> frozenset[tuple[str, str]]:
    try:
        from audit.glossary import load_glossary

        key: object = id(load_glossary())
    except (ImportError, ValueError):
        key = None
    return _glossary_word_pairs(key)


_CLITICS = CONJUNCTION_PREPOSITION


def _without_clitics(word: str) -> list[str]:
    return without_proclitics(word, _CLITICS, min_stem=3)


class SplitPhrase(Check):
    """A full stop splits a name or a noun phrase: what follows it continues the sentence.

    The piece after the stop is not a sentence start when it completes a name that the glossary or the
    article itself writes in one piece («جاريد. كوشنر»), when it is an adjective agreeing with the noun before
    the stop («الحكومة. البريطانية»), when it is a stranded fragment of up to ``max_fragment_words`` words
    without a verb («… مساء أمس الأول.»), or when it opens with an indefinite noun and its adjective and has no
    verb («الأولي. غزو واسع النطاق …»). The stop is also judged from both sides, with the word classes of
    :mod:`audit.arabic.syntax`: the word before cannot end a sentence (a preposition, a particle, «بما», «حتى»:
    major; «أثناء», «عندما», «وهو», «كان» or «تم» without its predicate, «إن»/«أن» and a noun without its
    predicate, a number before what it counts, a verb before the preposition, pronoun or quantifier it governs:
    minor), the word after cannot start one («أن»: major; a preposition its phrase governs, a noun, name or «ما»
    after a noun in construct state, a verb's subject or object, an adjective with the article, the next item of
    a list joined by «و», «أو», «فقط», a date without a comma: minor), the piece after the stop has no verb up to
    the end of its sentence, or the sentence before it is ``max_head_words`` words or fewer without a verb
    («… يوم الاثنين. ولم ترد تقارير»; minor).
    Abbreviations and initials («د. مول», «ج. ر. ر. تولكين») are not stops. The suggestion joins the two words
    again; the sentence may need rewording around them.

    Bad: والمبعوث الخاص ستيف ويتكوف، وصهره جاريد. كوشنر.
    Good: والمبعوث الخاص ستيف ويتكوف، وصهره جاريد كوشنر.
    """

    code = "S701"
    name = "split-phrase"
    category = Category.PUNCTUATION
    severity = Severity.MAJOR
    options: ClassVar[Mapping[str, Option]] = {
        "max_fragment_words": Option(3, "a piece after a full stop this short and without a verb is a fragment"),
        "max_head_words": Option(
            2, "a sentence this short before a full stop, without a verb, is the start of the sentence after it"
        ),
    }

    def run(self, ctx: ArticleContext) -> Iterable[Finding]:
        text = ctx.text
        if "." not in text:
            return
        morphology = load_morphology()
        glossary_pairs = self._glossary_pairs
        pairs: _Pairs | None = None
        quotes = _Quotes()
        reported = -1  # where the sentence after the last reported stop starts
        for match in _stops(ctx):
            stop = self._stop(text, match, quotes)
            if stop is None:
                continue
            reason, severity = None, Severity.MAJOR
            if any((p, stop.next) in glossary_pairs for p in _without_clitics(stop.prev)):
                reason = "splits a name"
            elif not (stop.prev in _FUNCTION_WORDS or stop.prev in _SENTENCE_OPENERS or stop.next in _SENTENCE_OPENERS):
                if pairs is None:
                    pairs = _Pairs(folded_text(ctx).folded)
                if (stop.prev, stop.next) in pairs and not _opens_sentence(morphology, stop.next_raw):
                    reason = "splits a phrase that the article writes in one piece elsewhere"
            if reason is None and morphology is not None:
                reason, severity = _cannot_end_here(stop, morphology)  # the surest reasons first
                if reason is None:
                    reason, severity = self._grammar(stop, morphology)
            if reason is None:
                reason, severity = _both_sides(stop, morphology)
            if reason is None and morphology is not None and stop.head.start != reported:
                # (a sentence made short by a stop reported already is not reported again)
                reason, severity = self._short_head(stop, morphology)
            if reason is None:
                continue
            reported = stop.next_start
            yield self.finding(
                text,
                stop.prev_start,
                stop.next_end,
                f"full stop {reason}: «{text[stop.next_start : stop.next_end]}» continues the sentence",
                suggestion=f"{text[stop.prev_start : stop.prev_end]} {text[stop.next_start : stop.next_end]}",
                severity=severity,
                fix=Fix.replace(
                    stop.prev_end,
                    stop.next_start,
                    " ",
                    Applicability.SAFE
                    if reason.startswith(("splits a name", "splits a phrase"))
                    else Applicability.UNSAFE,
                ),
            )

    @cached_property
    def _glossary_pairs(self) -> frozenset[tuple[str, str]]:
        return _glossary_pairs()

    def _stop(self, text: str, match: re.Match[str], quotes: _Quotes) -> _Stop | None:
        prev, nxt = fold(match.group("prev")), fold(match.group("next"))
        prev_raw, next_raw = MARKS_RE.sub("", match.group("prev")), MARKS_RE.sub("", match.group("next"))
        initial = nxt in _ABBREVIATIONS and text.startswith(".", match.end("next"))  # «دي. كي. أريا»
        if len(prev) < 2 or (initial and next_raw not in _NO_START):
            return None
        if prev in _ABBREVIATIONS and not _particle(prev_raw):
            return None
        line_start = text.rfind("\n", 0, match.start()) + 1
        previous = _previous_word(text, line_start, match.start("prev"))
        end = _TAIL_END_RE.search(text, match.end("next"))
        tail_end = end.start() if end else len(text)
        tail_raw = tuple(MARKS_RE.sub("", w) for w in _WORD_RE.findall(text, match.start("next"), tail_end))
        tail = tuple(fold(w) for w in tail_raw)
        in_quote = quotes.inside(text, line_start, match.start())
        return _Stop(
            before_prev=fold(previous) if previous else None,
            prev_start=match.start("prev"),
            prev_end=match.end("prev"),
            next_start=match.start("next"),
            next_end=match.end("next"),
            prev=prev,
            next=nxt,
            tail=tail,
            prev_raw=prev_raw,
            next_raw=next_raw,
            tail_raw=tail_raw,
            comma_soon=bool(_EARLY_COMMA_RE.match(text, match.start("next"))),
            colon=":" in text[match.end("next") : tail_end],
            in_quote=in_quote,
            before_prev_raw=MARKS_RE.sub("", previous) if previous else None,
            text=text,
            line_start=line_start,
        )

    def _short_head(self, stop: _Stop, morphology: Morphology) -> tuple[str | None, Severity]:
        """The sentence before the stop is incomplete (minor): «إن»/«أن» and a noun without its predicate («قال
        إن والده. لم يكن …»), or a word or two without a verb («… يوم الاثنين. ولم ترد تقارير»; not inside
        quotation marks, where speech has such sentences)."""
        head = stop.head.words
        if not head:
            return None, Severity.MAJOR
        last = head[-3:]
        if all(_ARABIC_WORD.fullmatch(w) for w in last) and inna_without_predicate(last, morphology.readings):
            return "leaves «إن»/«أن» without its predicate", Severity.MINOR
        if stop.in_quote or not all(_ARABIC_WORD.fullmatch(w) for w in head):  # «…»: a longer sentence
            return None, Severity.MAJOR
        if fold(head[0]) in _SENTENCE_OPENERS or has_predicate(head, morphology.readings):
            return None, Severity.MAJOR
        limit = int(self.config["max_head_words"])
        if len(head) <= limit < stop.head.before and not any(_unambiguous_verb(morphology, w) for w in head):
            return f"leaves «{' '.join(head)}» on its own, without a verb", Severity.MINOR
        return None, Severity.MAJOR

    def _grammar(self, stop: _Stop, morphology: Morphology) -> tuple[str | None, Severity]:
        """What the words around the stop say, with the lexicon: (reason or None, severity)."""
        nxt = stop.next
        if nxt in _SENTENCE_OPENERS or (nxt[:1] in ("و", "ف") and _has_conjunction(morphology, stop.next_raw)):
            return None, Severity.MAJOR
        next_readings = morphology.readings(stop.next_raw)
        if any(r.is_verb for r in next_readings):
            return None, Severity.MAJOR
        prev_readings = morphology.readings(stop.prev_raw)
        second = stop.tail[1] if len(stop.tail) > 1 else None
        second_raw = stop.tail_raw[1] if len(stop.tail_raw) > 1 else None
        # «الرئيس الإندونيسي جوكو. ويدودو»: a given name after a title, and a foreign name after the stop.
        names = _name_like(morphology, stop.prev_raw) and _name_like(morphology, stop.next_raw)
        if names and not nxt.startswith("ال") and stop.prev not in _SENTENCE_OPENERS | _FUNCTION_WORDS:
            before = stop.before_prev or ""
            if before in _TITLES or before.startswith("ال"):
                return "splits a name after its title", Severity.MAJOR
            if not prev_readings and not next_readings:
                return "splits two foreign names", Severity.MINOR
        # «الحكومة. البريطانية»: an adjective agreeing with the noun before the stop.
        if _continues_noun(stop.prev, nxt, stop.next_raw, prev_readings, next_readings, second):
            return "separates an adjective from its noun", Severity.MAJOR
        if nxt in _RELATIVE_PRONOUNS and stop.prev.startswith("ال"):
            return "separates a relative clause from its noun", Severity.MINOR
        tail_has_verb = any(_unambiguous_verb(morphology, w) for w in stop.tail_raw)
        limit = int(self.config["max_fragment_words"])
        if len(stop.tail) <= limit and not tail_has_verb and not stop.in_quote:
            if len(stop.tail) == 2 and stop.tail[0].startswith("ال") and not stop.tail[1].startswith("ال"):
                return None, Severity.MAJOR  # «السباحة آمنة.»: a complete nominal sentence
            if has_predicate(stop.tail_raw, morphology.readings):
                return None, Severity.MAJOR  # «الطقس جميل اليوم.», «هناك خطر.»
            if len(stop.tail) == 1 and all(r.stem == "NOUN_PROP" for r in next_readings):
                return "leaves a name on its own", Severity.MAJOR
            return "leaves a fragment without a verb", Severity.MINOR
        # «الأولي. غزو واسع النطاق …»: an indefinite noun phrase where a sentence should start.
        if (
            second_raw is not None
            and not stop.in_quote
            and not stop.comma_soon
            and not tail_has_verb
            and _indefinite_noun(next_readings)
            and nxt not in _QUANTIFIERS
            and _indefinite_adjective(morphology.readings(second_raw))
        ):
            return "leaves an indefinite noun phrase without a verb", Severity.MINOR
        return None, Severity.MAJOR


#: Words that cannot end an Arabic sentence: prepositions, conjunctions, particles that need what follows,
#: relative pronouns and quantifiers that head a phrase («بما», «حتى», «مثل», «كل»); also after «و»/«ف».
_NO_END = _words(
    "في من إلى على عن مع حول بين نحو لدى ضد عبر خلال منذ تجاه بشأن لصالح وفق وفقا مثل بدون دون رغم بسبب عند "
    "عقب إثر فوق تحت أمام خلف وراء داخل خارج حتى ضمن طوال لكي كي أن إن لأن بأن وأن لكن بل أو أم ثم إذا إذ لو "
    "لم لن قد سوف ليس لا ما هل الذي التي الذين اللذين اللتين اللواتي اللاتي بما مما عما فيما كما لما "
    "كل بعض أي أية غير عدة أحد إحدى جميع معظم كافة نفس مختلف بضع "
    "أنه أنها أنهم أنني أننا إنه إنها إنهم إنني إننا لأنه لأنها لأنهم بأنه بأنها بأنهم لكنه لكنها لكنهم"
)
#: Words (as written, hamza kept) that never start a sentence: «أن» (that) needs the clause before it.
_NO_START = frozenset({"أن", "بأن", "وأن", "لأن", "أنه", "أنها", "أنهم", "بأنه", "بأنها"})
#: Prepositions that mostly continue the phrase before them (the verb or noun that governs them): after a stop
#: they are the rest of the sentence, unless they open one of the set phrases of :data:`_OPENING_PHRASES`.
_GOVERNED = _words("من إلى عن على مع ضد عند حول نحو لدى بين عبر تجاه بواسطة تحت فوق أمام خلف داخل خارج ضمن وسط")
#: Set phrases that open a sentence with one of the prepositions above.
_OPENING_PHRASES = frozenset(
    tuple(fold(w) for w in phrase.split())
    for phrase in (
        "من جهة",
        "من جهته",
        "من جهتها",
        "من ناحية",
        "من ناحيته",
        "من ناحيتها",
        "من المتوقع",
        "من المقرر",
        "من المرجح",
        "من الممكن",
        "من المهم",
        "من الضروري",
        "من المحتمل",
        "من غير",
        "من بين",
        "من أجل",
        "من هنا",
        "من ثم",
        "على الرغم",
        "على سبيل",
        "على صعيد",
        "على الصعيد",
        "على أي",
        "على الجانب",
        "على العكس",
        "على النقيض",
        "على مدى",
        "على مدار",
        "على وجه",
        "عن طريق",
        "مع ذلك",
        "مع هذا",
        "مع أن",
        "مع بداية",
        "مع نهاية",
        "مع اقتراب",
        "مع استمرار",
        "مع تزايد",
        "بين عامي",
        "حول العالم",
        "عند وصوله",
        "عند وصولها",
        "إلى جانب",
        "إلى ذلك",
        "في حين",
        "في المقابل",
    )
)


def _opening_phrase(tail: tuple[str, ...]) -> bool:
    return tuple(tail[:2]) in _OPENING_PHRASES


#: Parts of speech that need a following word.
_NEEDS_MORE = frozenset(
    {"PREP", "CONJ", "SUB_CONJ", "REL_PRON", "FUNC_WORD", "NEG_PART", "FUT_PART", "VERB_PART", "INTERROG_PART"}
)


def _cannot_end(word: str, readings: tuple[Reading, ...]) -> bool:
    """A word a sentence cannot stop on: a function word that needs its complement."""
    if word in _NO_END:
        return True
    if word[:1] in ("و", "ف") and word[1:] in _NO_END:  # «وفي», «فإن»; not «واحد»
        return not readings or all("CONJ" in r.proclitics for r in readings)
    return bool(readings) and not has_pronoun(readings) and all(r.stem in _NEEDS_MORE for r in readings)


_DEMONSTRATIVES = _words("هذا هذه ذلك تلك هؤلاء أولئك")


def _preposition_attached(word: str, readings: tuple[Reading, ...]) -> bool:
    """A noun with «ل» or «ب» attached («للجميع», «لمرض», «بالاتصال»): a complement of what came before, seldom a
    sentence start (the set openers «لذلك», «لقد», «بالإضافة» are excluded)."""
    if word in _SENTENCE_OPENERS or word[:1] not in ("ل", "ب") or not readings:
        return False
    if word in _ATTACHED_OPENERS:
        return False
    return all("PREP" in r.proclitics and r.stem in ("NOUN", "ADJ", "NOUN_PROP") for r in readings)


_ATTACHED_OPENERS = _words("لذلك لذا لهذا لكن لقد لعل لماذا لولا بالإضافة بالتالي بالطبع بالفعل بالمقابل بذلك لذلك")


def _starts_sentence(word: str, readings: tuple[Reading, ...]) -> bool:
    """A word that can open a sentence: an opener, a verb, a word with «و»/«ف», a pronoun, a demonstrative, a
    name, or a definite noun (a nominal sentence)."""
    if word in _SENTENCE_OPENERS or word in _QUANTIFIERS or word.startswith("ال") or not readings:
        return True
    for reading in readings:
        stem = reading.stem
        if reading.is_verb or "CONJ" in reading.proclitics or "DET" in reading.proclitics:
            return True
        if stem.startswith(("PRON", "DEM_PRON", "NOUN_PROP")) or stem in _NEEDS_MORE:
            return True
    return False


def _nominal(word: str, readings: tuple[Reading, ...]) -> bool:
    """A noun, adjective or name (or an unknown word, mostly a name) without a conjunction: not only a verb."""
    if word in _SENTENCE_OPENERS or word in _QUANTIFIERS:
        return False
    if any("CONJ" in r.proclitics or r.stem in _NEEDS_MORE for r in readings):
        return False
    return not readings or any(r.stem in ("NOUN", "ADJ", "NOUN_PROP") for r in readings)


def _vague_ma(stop: _Stop, morphology: Morphology | None) -> bool:
    """«ما» after an indefinite noun is the vague "some" («إلى حد ما», «نوعا ما», «يوما ما», «شيء ما»), which can
    end a sentence, not the relative or negative «ما» that needs what follows."""
    if stop.prev_raw != "ما" or morphology is None or not stop.before_prev_raw or not stop.before_prev:
        return False
    if stop.before_prev in _NO_END:  # «كل ما», «من ما»
        return False
    readings = morphology.readings(stop.before_prev_raw)
    return any(r.stem in ("NOUN", "ADV") and not r.proclitics for r in readings)


def _cannot_end_here(stop: _Stop, morphology: Morphology) -> tuple[str | None, Severity]:
    """A function word a sentence cannot stop on before the stop (major): «بما. في ذلك», «غير. معروف»."""
    if _cannot_end(stop.prev, morphology.readings(stop.prev_raw)) and not _vague_ma(stop, morphology):
        return f"cuts the sentence after «{stop.prev_raw}», which needs a continuation", Severity.MAJOR
    return None, Severity.MAJOR


def _both_sides(stop: _Stop, morphology: Morphology | None) -> tuple[str | None, Severity]:
    """A stop judged from both sides: the word before cannot end a sentence, or the word before leaves a
    construction open and the word after continues it. (reason or None, severity by confidence)."""
    prev_readings = morphology.readings(stop.prev_raw) if morphology is not None else ()
    next_readings = morphology.readings(stop.next_raw) if morphology is not None else ()
    if _cannot_end(stop.prev, prev_readings) and not _vague_ma(stop, morphology):
        return f"cuts the sentence after «{stop.prev_raw}», which needs a continuation", Severity.MAJOR
    if stop.next_raw in _NO_START:
        return f"is followed by «{stop.next_raw}», which cannot start a sentence", Severity.MAJOR
    if needs_what_follows(stop.prev_raw, stop.before_prev_raw, prev_readings) or open_phrase(
        stop.head.words[-3:] if stop.prev_raw in OPEN_PHRASE_ENDS else ()
    ):
        return f"cuts the sentence after «{stop.prev_raw}», which needs a continuation", Severity.MINOR
    if never_opens(stop.next_raw, stop.following):
        return f"is followed by «{stop.next_raw}», which cannot start a sentence", Severity.MINOR
    closes = indefinite_accusative(stop.prev_raw, prev_readings)  # «… متأخرا.», not «… عادا.»
    closed = bool(prev_readings) and closes  # «… متأخرا. مساء»
    if stop.next_raw in TIME_NOUNS and not stop.comma_soon and not closed:
        return f"is followed by «{stop.next_raw}» and a date that belongs to the sentence before", Severity.MINOR
    if stop.prev in _TITLES and morphology is not None and _name_like(morphology, stop.next_raw):
        return "separates a title from the name after it", Severity.MAJOR
    accusative = stop.prev.endswith("ا")  # «… متأخرا.», «… أعلنها.»: an accusative or a pronoun closes a sentence
    if stop.next in _GOVERNED and not closes and not _opening_phrase(stop.tail):
        return f"is followed by «{stop.next_raw}», which continues the phrase before", Severity.MINOR
    if (
        stop.next == "في"
        and not closes
        and not _opening_phrase(stop.tail)
        and not stop.comma_soon
        and morphology is not None
        and not any(any(r.is_verb for r in morphology.readings(w)) for w in stop.tail_raw[1:5])
    ):
        return "is followed by «في» and a phrase without a verb, which continues the sentence", Severity.MINOR
    if morphology is None:
        return None, Severity.MAJOR
    reason = _phrase_goes_on(stop, prev_readings, next_readings, morphology)
    if reason is not None or stop.comma_soon:
        return reason, Severity.MINOR
    next_nominal = _nominal(stop.next, next_readings)
    if stop.prev in _DEMONSTRATIVES and stop.next.startswith("ال") and next_nominal:
        return "separates a demonstrative from its noun", Severity.MINOR
    if _preposition_attached(stop.next, next_readings):
        return f"is followed by «{stop.next_raw}», a prepositional phrase that continues the sentence", Severity.MINOR
    if next_nominal and construct_state(stop.prev_raw, prev_readings):
        return "separates a noun from the noun it is construct with", Severity.MINOR
    if next_nominal and verb_without_object(prev_readings):
        return "separates a verb from its subject or object", Severity.MINOR
    if stop.in_quote:
        return None, Severity.MAJOR
    if (
        not stop.colon
        and stop.next not in _SENTENCE_OPENERS
        and not closes
        and verbless(stop.tail_raw, morphology.readings)
    ):
        return "leaves the rest of the sentence without a verb", Severity.MINOR
    if accusative:
        return None, Severity.MAJOR
    if not _starts_sentence(stop.next, next_readings):
        return "is followed by a word that cannot start a sentence", Severity.MINOR
    if _coordinated_fragment(stop, next_readings, morphology):
        return "leaves a coordinated phrase without a verb", Severity.MINOR
    return None, Severity.MAJOR


def _phrase_goes_on(
    stop: _Stop, prev_readings: tuple[Reading, ...], next_readings: tuple[Reading, ...], morphology: Morphology
) -> str | None:
    """The word after the stop belongs to the phrase of the word before: an adjective with the article after a
    noun («العيوب. المرتبطة»), the noun or name completing a noun in construct state («ألعاب. الفيديو»,
    «مدينة. مانيلا», «إغلاق. معظم الشركات»), or the next item of a list joined by «و» («الرياح. والرطوبة»).
    These hold even when a comma follows soon. Reason or None."""
    following = stop.following
    verb = verb_without_object(prev_readings)
    if (
        verb
        and opens_verb_complement(stop.next_raw, morphology.readings(following) if following else ())
        and not (stop.comma_soon or _opening_phrase(stop.tail))
    ):
        return f"separates the verb «{stop.prev_raw}» from what it governs"
    if verb and prepositional_pronoun(next_readings) and not stop.comma_soon:
        return f"separates the verb «{stop.prev_raw}» from what it governs"
    if counts_nouns(stop.prev_raw) and (
        stop.next_raw in TEENS
        or (
            next_readings
            and not can_be_verb(next_readings)
            and all(r.stem in ("NOUN", "ADJ") and not r.proclitics for r in next_readings)
        )
    ):
        return f"separates the number «{stop.prev_raw}» from what it counts"
    if (
        definite_adjective(stop.next_raw, next_readings)
        and not can_be_verb(prev_readings)
        and not (following and _unambiguous_verb(morphology, following))  # «السياسيون يصفون»: subject, verb
    ):
        return f"is followed by «{stop.next_raw}», an adjective that describes the noun before it"
    if stop.prev_raw in BEFORE_AFTER and (
        bare_indefinite_noun(next_readings)
        or (
            stop.before_prev_raw in ("من", "ما") and next_readings and all("DET" in r.proclitics for r in next_readings)
        )
    ):
        return f"separates «{stop.prev_raw}» from the noun it governs"
    if (
        free_pronoun(stop.prev_raw, stop.before_prev_raw, prev_readings)
        and next_readings
        and all(r.proclitics == ("DET",) for r in next_readings)
    ):
        return f"separates the pronoun «{stop.prev_raw}» from the predicate after it"
    if construct_state(stop.prev_raw, prev_readings):
        if stop.next_raw == "ما":
            return "separates a noun from «ما» after it («شيء ما», «معرفة ما إذا»)"
        bare_noun = all(r.stem != "ADJ" and not r.proclitics for r in prev_readings if not r.is_verb)
        if bare_noun and _name_like(morphology, stop.next_raw):
            return "separates a noun from the name it is construct with"
    if construct_state(stop.prev_raw, prev_readings, names=True):
        if next_readings and all(r.proclitics == ("DET",) and r.stem in NOMINAL for r in next_readings):
            return "separates a noun from the noun it is construct with"
        if stop.next in _QUANTIFIERS and not stop.next.startswith("ال"):
            return f"separates a noun from «{stop.next_raw}» and the noun it is construct with"
    if (
        coordinated_noun(stop.next_raw, next_readings)
        and not indefinite_accusative(stop.next_raw, next_readings)  # «وخلافا لـ …», «وختاما»: adverbs
        and nominal(prev_readings)
        and not (stop.in_quote or stop.comma_soon)
        and not (following and _starts_clause(following, morphology.readings(following)))
    ):
        return f"is followed by «{stop.next_raw}», the next item of a list"
    return None


def _starts_clause(word: str, readings: tuple[Reading, ...]) -> bool:
    """After a noun, a word that makes it the subject of a clause: a verb, a preposition or a relative pronoun
    («والمبدأ الذي …», «والسبب في …»)."""
    folded = fold(word)
    return folded in _RELATIVE_PRONOUNS or folded in _GOVERNED or folded == "في" or can_be_verb(readings)


def _coordinated_fragment(stop: _Stop, next_readings: tuple[Reading, ...], morphology: Morphology) -> bool:
    """«… بسوء الأحوال الجوية. والتضاريس القاسية.»: «و» + a noun after a stop, and no verb up to the next
    punctuation: the rest of a list, not a new sentence."""
    if stop.next[:1] not in ("و", "ف") or not next_readings or any(r.is_verb for r in next_readings):
        return False
    if not all("CONJ" in r.proclitics and r.stem in ("NOUN", "ADJ", "NOUN_PROP") for r in next_readings):
        return False
    return not any(any(r.is_verb for r in morphology.readings(w)) for w in stop.tail_raw[1:8])


def _continues_noun(
    prev: str,
    nxt: str,
    next_raw: str,
    prev_readings: tuple[Reading, ...],
    next_readings: tuple[Reading, ...],
    second: str | None,
) -> bool:
    """Whether folded ``nxt`` reads as an adjective of the noun ``prev`` (same definiteness, agreeing)."""
    definite = nxt.startswith("ال")
    if definite != prev.startswith("ال") or nxt in _QUANTIFIERS or is_elative(next_raw):
        return False
    if any(r.is_verb for r in next_readings) or (next_readings and all(r.stem == "NOUN_PROP" for r in next_readings)):
        return False
    # The word before is the noun, or an adjective of it already («الوكالة الحكومية. الفيدرالية»).
    if prev_readings and not any(r.stem in ("NOUN", "ADJ") for r in prev_readings):
        return False
    # Nisba adjectives («الجنسي», «الساحلية») are often filed as nouns in the lexicon: their shape tells.
    nisba = len(nxt) >= 5 and nxt.endswith(("ي", "يه"))
    adjective = any(r.stem == "ADJ" for r in next_readings) and all(r.stem in ("ADJ", "NOUN") for r in next_readings)
    if not (adjective or nisba):
        return False
    if nxt.endswith(("ون", "ين")) and not prev.endswith(("ون", "ين")):
        return False  # a plural («الأمريكيون») does not describe a singular noun
    if definite:
        # A broken plural takes a feminine adjective («المناطق الساحلية»): agreement is only checked off nisba.
        return nisba or nxt.endswith("ه") == prev.endswith("ه")
    # Indefinite: «غزو. واسع»; not after an adverb in the accusative («قطعاً. هائل») or a prepositional phrase.
    if prev.endswith("ا") or not any(r.stem == "NOUN" and not r.proclitics for r in prev_readings):
        return False
    return nxt.endswith("ه") == prev.endswith("ه") and second != "من"


def _name_like(morphology: Morphology, word: str) -> bool:
    """A word the lexicon does not know, or knows only as a proper noun or as noun + "your" (a foreign name)."""
    readings = morphology.readings(word)
    return all(r.stem == "NOUN_PROP" for r in readings) or only_second_person_noun(readings)


def _opens_sentence(morphology: Morphology | None, word: str) -> bool:
    """A verb, or a word with the conjunction و/ف: a normal sentence start."""
    if morphology is None:
        return False
    return any(r.is_verb or "CONJ" in r.proclitics for r in morphology.readings(word))


def _has_conjunction(morphology: Morphology, word: str) -> bool:
    return any("CONJ" in r.proclitics for r in morphology.readings(word))


def _unambiguous_verb(morphology: Morphology, word: str) -> bool:
    readings = morphology.readings(word)
    return bool(readings) and all(r.is_verb for r in readings)


def _indefinite_noun(readings: tuple[Reading, ...]) -> bool:
    return bool(readings) and all(r.stem == "NOUN" and not r.proclitics for r in readings)


def _indefinite_adjective(readings: tuple[Reading, ...]) -> bool:
    return any(r.stem == "ADJ" and not r.proclitics for r in readings)


def _stops(ctx: ArticleContext) -> Iterator[re.Match[str]]:
    """``_STOP_RE.finditer(ctx.text)``, tried only at the Arabic words that end at a full stop."""
    text = ctx.text
    words = article_tokens(ctx)
    ends = words.ends
    last_end = 0
    for dot in _STOP_DOT_RE.finditer(text):
        index = bisect_left(ends, dot.start())
        # A match's ``prev`` is a whole Arabic word (letters, then letters and marks) right before the stop.
        if index == len(ends) or ends[index] != dot.start() or words.starts[index] < last_end:
            continue
        match = _STOP_RE.match(text, words.starts[index])
        if match is not None:
            last_end = match.end()
            yield match


def _dangling_ends(ctx: ArticleContext) -> Iterator[re.Match[str]]:
    """``_DANGLING_END_RE.finditer(ctx.text)``, tried only at the Arabic words that are dangling words."""
    text = ctx.text
    words = article_tokens(ctx)
    starts, ends = words.starts, words.ends

    def followed_by_a_word(index: int) -> bool:
        following = index + 1
        return following < len(starts) and not text[ends[index] : starts[following]].strip(" \t")

    # A match's word is a whole Arabic word: one of _DANGLING_FORMS as written. It is not followed by blanks and
    # another word (its end is a line's end or sentence punctuation), which rules out most of them cheaply.
    return matches_at_words(ctx, _DANGLING_END_RE, _DANGLING_FORMS, skip=followed_by_a_word)


class _Pairs:
    """The pairs of words an article writes one after the other with only blanks between them (whole words: runs of
    word characters), asked about one pair at a time. A pair is looked for where its first word occurs; once the
    looking has read about twice the text, every pair of the article is listed in one pass instead, so the work stays
    linear in the article whatever the number of questions."""

    def __init__(self, folded: str) -> None:
        self.folded = folded
        self._budget = 2 * len(folded) + 1_000  # characters that looking may still read
        self._all: frozenset[tuple[str, str]] | None = None

    def __contains__(self, pair: tuple[str, str]) -> bool:
        if self._all is None:
            found = self._look(*pair)
            if found is not None:
                return found
            self._all = frozenset(_BIGRAM_RE.findall(self.folded))
        return pair in self._all

    def _look(self, first: str, second: str) -> bool | None:
        """Whether the pair is written, or None when looking for it ran out of budget."""
        if not (_WORD_CHARS_RE.fullmatch(first) and _WORD_CHARS_RE.fullmatch(second)):
            return False  # (only runs of word characters make pairs)
        folded = self.folded
        start = 0
        while self._budget > 0:
            position = folded.find(first, start)
            self._budget -= (len(folded) if position < 0 else position) - start + 1
            if position < 0:
                return False
            if position == 0 or not _WORD_CHARS_RE.match(folded, position - 1, position):
                following = _BLANKS_WORD_RE.match(folded, position + len(first))
                if following is not None:
                    self._budget -= following.end() - position
                    if following.group(1) == second:
                        return True
            start = position + 1
        return None


#: Starts at word starts only, so a long run of letters not followed by a blank is tried once (linear time).
_BIGRAM_RE = re.compile(r"(?<!\w)(\w+)[ \t]+(?=(\w+))")
_WORD_CHARS_RE = re.compile(r"\w+")
#: Blanks and the whole word after them.
_BLANKS_WORD_RE = re.compile(r"[ \t]+(\w+)")


def _plain_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Words that cannot end a sentence: prepositions, conjunctions, complementisers, relative pronouns.
_DANGLING = _plain_set(
    "في من إلى على عن مع حول بين نحو لدى ضد عبر خلال منذ تجاه بشأن لصالح وفق مثل بدون دون رغم بسبب لكي "
    "أن بأن لأن الذي التي الذين اللذين اللتين اللواتي اللاتي و أو ثم بل لكن لكنّ إذا لو لم لن قد سوف "
    "بما مما عما فيما حتى مثل عند لكي إذ"
)
#: Dangling words that are also letter names or short names («روي في» Roy V., «مستر بين» Mr Bean): minor.
_AMBIGUOUS = _plain_set("في إن بين أو")
#: Letter names: a sentence ending «أي تي في» (ITV) ends on a name, not a preposition.
_LETTER_NAMES = _plain_set("بي تي سي دي إف جي كي إل إم إن أو آر إس يو في إكس واي زد إيه إتش دبليو كيو جيه أيه")
_CLOSERS = "\"'”’»)\\]"
#: A word of _DANGLING right before the end of a sentence: closing quotes or brackets, sentence punctuation
#: and white space, or the end of the line.
_DANGLING_END_RE = re.compile(
    rf"(?<![\w{ARABIC_MARKS}])(?P<word>[وف]?(?:{'|'.join(sorted(map(re.escape, _DANGLING), key=len, reverse=True))}))"
    rf"(?![\w{ARABIC_MARKS}])"
    rf"(?P<end>[{_CLOSERS}]*(?:[.!?؟]+[{_CLOSERS}]*)?[ \t]*(?=\n|$)|[{_CLOSERS}]*[.!?؟]+[{_CLOSERS}]*(?=\s))",
    re.MULTILINE,
)
#: The words _DANGLING_END_RE's word group matches.
_DANGLING_FORMS = frozenset(prefix + word for prefix in ("", "و", "ف") for word in _DANGLING)
#: The end of the previous sentence, to count the words of the sentence before a dangling word.
_SENTENCE_BOUNDARY_RE = re.compile(r"[.!?؟…]+[\"'”’»)\]]*\s+")


class DanglingWord(Check):
    """A sentence ends on a preposition or a conjunction («… بين.», «… مع»): the rest of it is missing.

    A sentence or paragraph that stops on «في», «مع», «إلى», «أن», «الذي», «و» … lost its end in translation
    or in scraping. Sentences ending with a colon (a list follows) or an ellipsis (speech trailing off) are
    not flagged, nor «في» / «إن» after a letter name («أي تي في» ITV).

    Bad: وحذر روبيو من أن واشنطن لن تتسامح مع.
    Good: وحذر روبيو من أن واشنطن لن تتسامح مع مفاوضات لا نهاية لها.
    """

    code = "S702"
    name = "dangling-word"
    category = Category.OMISSION
    severity = Severity.MAJOR
    dimension = "fluency"

    def run(self, ctx: ArticleContext) -> Iterable[Finding]:
        text = ctx.text
        morphology = load_morphology()
        for match in _dangling_ends(ctx):
            if ".." in match.group("end"):
                continue  # an ellipsis: speech trailing off
            word = match.group("word")
            bare = word[1:] if len(word) > 2 and word[0] in "وف" and word not in _DANGLING else word
            line_start = text.rfind("\n", 0, match.start()) + 1
            window_start = max(line_start, match.start() - 400)
            boundaries = [m.end() for m in _SENTENCE_BOUNDARY_RE.finditer(text, window_start, match.start())]
            before = WORD_RE.findall(text, boundaries[-1] if boundaries else window_start, match.start())
            if len(before) < 2:
                continue  # a heading or a label, not a sentence
            previous = before[-1]
            if previous in _LETTER_NAMES or previous == "ماذا" or re.fullmatch(r"[A-Za-z]+", previous):
                continue  # «أي تي في» (ITV), «ماذا لو؟» (what if?)
            if bare in ("إن", "أو") and morphology is not None and _name_like(morphology, previous):
                continue  # «توبي إن»: a name and an initial
            yield self.finding(
                text,
                match.start("word"),
                match.end("word"),
                f"the sentence ends on «{word}», which needs a continuation: part of the sentence is missing",
                severity=Severity.MINOR if bare in _AMBIGUOUS else None,
            )
