"""Duplication checks (D3xx): repeated blocks of paragraphs, repeated sentences, stutters inside a sentence.

Paragraphs and sentences are compared after normalisation (diacritics and tatweel removed, alef, yaa and
taa marbuta forms folded, punctuation and spacing ignored). Exact repeats are found by hashing; near-identical
ones by word-bigram shingles: each unit keeps a bottom-k sketch of its shingle hashes, an inverted index of
those sketch hashes proposes candidate pairs, and only the candidates are compared exactly (Jaccard of the
shingle sets). The work grows linearly with the article, never with the square of its paragraph count.
Token ids and tuple hashes of integers are deterministic, so results do not depend on PYTHONHASHSEED.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, count, pairwise
from typing import ClassVar

from audit.arabic.orthography import ARABIC_DIGITS, ARABIC_LETTER_RE, fold_alef_yeh_teh, to_western_digits
from audit.checks.base import ArticleContext, Check, Option
from audit.fixes import delete_lines, delete_span
from audit.model import Applicability, Category, Finding, Fix, Severity
from audit.text import LATIN_LETTER_RE, WORD_RE, Span


def _words(text: str) -> list[str]:
    """A word list written as one string, one word per blank."""
    return text.split()


def fold(text: str) -> str:
    """The comparison form of a text: no diacritics or tatweel, folded letter variants, ASCII digits,
    lower-case Latin."""
    return to_western_digits(fold_alef_yeh_teh(text)).lower()


# Function words: a repeat made only of these is normal Arabic («في ... في», «من ... من»), never a stutter.
FUNCTION_WORDS = frozenset(
    fold(w)
    for w in _words("""
    في من إلى الى على عن مع أن إن أنه إنه أنها إنها ما لا لم لن قد ثم أو أم بل و ف هذا هذه ذلك تلك هؤلاء أولئك
    التي الذي الذين اللذين اللتين اللواتي اللاتي هو هي هم هن هما نحن أنا أنت كان كانت كانوا يكون تكون كل بعض
    بين حتى عند عندما منذ خلال بعد قبل حول أي غير مثل كما إذا لو ليس ليست نحو ضد دون عبر لدى تحت فوق أمام وراء
    بن ابن أبو أبي آل عبد بنت لقد وقد فقد كذلك أيضا إلا سوى حيث بينما لكن لكنه ولكن وهو وهي وفي ومن يا
    إلا تلو تم يتم عام عاما سنة يوم شهر ال للغاية جدا فقط تماما أكثر أقل كثيرا دائما مرة مرات نفسه نفسها
    """)
)
# Words doubled on purpose: emphasis and replies («جدًا جدًا», «لا لا»), adverbial reduplication.
EMPHATIC_WORDS = frozenset(
    fold(w) for w in _words("لا نعم كلا جدا جداً حقا هيا أبدا شكرا مرحبا رويدا شيئا قليلا كثيرا خطوة حرفا كلمة معا")
)
# Latin letters spelled out in Arabic: «سي إن إن», «بي بي سي» double them legitimately.
LETTER_NAMES = frozenset(
    fold(w)
    for w in _words(
        "إيه اي إي أي بي سي دي إف اف جي إتش اتش جيه كيه كي إل ال إم ام إن ان أو او كيو آر ار إس اس تي يو "
        "في دبليو إكس اكس واي زد زي"
    )
)
# Anything here between two copies makes the second an apposition, a list item or a quotation, not a stutter.
_SEPARATOR_RE = re.compile(r"[،,:؛;.!?؟()\[\]{}\"'“”«»‘’—–\-/|]")
_TANWEEN_FATH_RE = re.compile("[\u064b]")
_DIGIT_RE = re.compile(f"[0-9{ARABIC_DIGITS}]")
# Letter names that end a word glued to a spelled-out acronym («وكالةسي إن إن»).
_GLUED_LETTER_NAMES = ("سي", "بي", "دي", "تي", "جي")
# A repeated phrase holding a relative pronoun or quantifier is a parallel clause («أي شخص يقاضي أي شخص»).
_CLAUSE_STARTERS = frozenset(fold(w) for w in _words("التي الذي الذين اللذين اللتين أي كل بعض"))
# Nouns that start like an imperfect verb (ي…): kept apart from the verb test below.
_YAA_NOUNS = frozenset(fold(w) for w in _words("يوم يوما يونيو يوليو يناير يد يمين يسار يورو يهود ياباني"))
# Imperfect verbs: «يستطيع», «سيبدأ», and short ت-forms «تقع», «تعد», «تبدو» (longer ت-words are mostly nouns).
_VERB_LIKE_RE = re.compile("^س?(?:ي[\u0621-\u064a]{2,}|ت[\u0621-\u064a]{2,3})$")


def _spelled_acronym(keys: Sequence[str], stutter: Stutter) -> bool:
    """Whether a doubled letter name («إن إن») sits in a spelled-out acronym («سي إن إن», «وكالةسي إن إن»)."""
    neighbours = [*keys[stutter.first - 1 : stutter.first], *keys[stutter.second + 1 : stutter.second + 2]]
    for word in neighbours:
        bare = word[1:] if word.startswith("و") and len(word) > 2 else word
        if bare in LETTER_NAMES or word.endswith(_GLUED_LETTER_NAMES):
            return True
    return False


def _parallel_structure(gap: Sequence[str]) -> bool:
    """Whether the words between two copies make the repeat a parallel structure rather than a stutter:
    a function word («المادة تؤثر على المادة»), a coordinated word («في الشوط الأول وخرجنا في الشوط»),
    an imperfect verb between subject and object («أي شخص يستطيع مقاضاة أي شخص»), a number or Latin word.
    """
    for word in gap:
        if word in FUNCTION_WORDS or _DIGIT_RE.search(word) or LATIN_LETTER_RE.search(word):
            return True
        if word.startswith("و") and len(word) >= 4:
            return True
        if word not in _YAA_NOUNS and _VERB_LIKE_RE.match(word):
            return True
    return False


@dataclass(frozen=True)
class Unit:
    """A paragraph or sentence reduced to its comparison tokens (ids into a per-article vocabulary)."""

    span: Span
    tokens: tuple[int, ...]


@dataclass(frozen=True)
class Match:
    """Unit ``later`` repeats the earlier unit ``earlier`` with shingle similarity ``similarity``."""

    earlier: int
    later: int
    similarity: float


def unit_words(text: str, spans: Sequence[Span]) -> list[list[str]]:
    """The comparison words of each span of ``text`` (its :func:`fold`, then ``WORD_RE`` words).

    Spans without a line break (paragraphs, sentences) are folded together, one per line: :func:`fold` maps
    letters to letters and marks to nothing, never to or from a line break.
    """
    folded = fold("\n".join([text[start:end] for start, end in spans])).split("\n") if spans else []
    if len(folded) != len(spans):  # a span holds a line break
        folded = [fold(text[start:end]) for start, end in spans]
    return list(map(WORD_RE.findall, folded))


def _sentence_stops(paragraphs: Sequence[Span], sentences: Sequence[Span]) -> list[int]:
    """For each paragraph, the index after its last sentence (``sentences``: the document's, in order)."""
    # (end,) sorts before a sentence starting at ``end`` and after every sentence starting before it
    return [bisect_left(sentences, (paragraph.end,)) for paragraph in paragraphs]


def paragraph_words(
    paragraphs: Sequence[Span], sentences: Sequence[Span], sentence_words: Sequence[list[str]]
) -> list[list[str]]:
    """The comparison words of each paragraph, joined from those of its sentences.

    The sentences of a paragraph cover it but for the white space between them, and a sentence ends before
    white space, so no word runs across two sentences and :func:`fold` (letter by letter) keeps that true.
    """
    found: list[list[str]] = []
    first = 0
    for stop in _sentence_stops(paragraphs, sentences):
        found.append(list(chain.from_iterable(sentence_words[first:stop])))
        first = stop
    return found


def vocabulary(words: Iterable[Sequence[str]]) -> dict[str, int]:
    """Word -> small integer id, in the order of first use (ids keep tuple hashes deterministic)."""
    return dict(zip(dict.fromkeys(chain.from_iterable(words)), count()))


def make_units(spans: Sequence[Span], words: Sequence[Sequence[str]], vocab: Mapping[str, int]) -> list[Unit]:
    """Units of ``spans`` whose comparison words are ``words`` (all in ``vocab``)."""
    lookup = vocab.__getitem__
    return [Unit(span, tuple(map(lookup, unit))) for span, unit in zip(spans, words, strict=True)]


def paragraph_units(paragraphs: Sequence[Span], sentences: Sequence[Unit]) -> list[Unit]:
    """Units of ``paragraphs`` made of their sentences' units (``sentences``: those of the document's sentences):
    a paragraph's words are its sentences' words (see :func:`paragraph_words`)."""
    found: list[Unit] = []
    first = 0
    for paragraph, stop in zip(paragraphs, _sentence_stops(paragraphs, [u.span for u in sentences]), strict=True):
        if stop == first + 1:
            tokens = sentences[first].tokens
        else:
            tokens = tuple(chain.from_iterable(u.tokens for u in sentences[first:stop]))
        found.append(Unit(paragraph, tokens))
        first = stop
    return found


class _Shared:
    """Per-article work shared by D301, D302 and D303: the units' words, one vocabulary, the units and their
    repeats."""

    def __init__(self, ctx: ArticleContext) -> None:
        self.ctx = ctx
        self._sentence_words: list[list[str]] | None = None
        self._units: dict[str, list[Unit]] = {}
        self._repeats: dict[tuple[str, float, int], list[list[Match]]] = {}
        self._breaks: list[int] | None = None

    def line_of(self, offset: int) -> int:
        """The 1-based line number of a character offset (binary search over the line breaks)."""
        if self._breaks is None:
            self._breaks = [m.start() for m in _NEWLINE_RE.finditer(self.ctx.text)]
        return bisect_left(self._breaks, offset) + 1

    def spans(self, level: str) -> list[Span]:
        return self.ctx.doc.paragraphs if level == "paragraphs" else self.ctx.doc.sentences

    def sentence_words(self) -> list[list[str]]:
        """The comparison words of each sentence (not to be modified)."""
        if self._sentence_words is None:
            self._sentence_words = unit_words(self.ctx.doc.text, self.ctx.doc.sentences)
        return self._sentence_words

    def units(self, level: str) -> list[Unit]:
        if level not in self._units:
            sentences = self._units.get("sentences")
            if sentences is None:  # the sentences have every word of the paragraphs, in the same order
                words = self.sentence_words()
                sentences = self._units["sentences"] = make_units(self.spans("sentences"), words, vocabulary(words))
            if level == "paragraphs":
                self._units[level] = paragraph_units(self.spans(level), sentences)
        return self._units[level]

    def repeats(self, level: str, similarity: float, min_near_tokens: int) -> list[list[Match]]:
        key = (level, similarity, min_near_tokens)
        if key not in self._repeats:
            self._repeats[key] = find_repeats(self.units(level), similarity=similarity, min_near_tokens=min_near_tokens)
        return self._repeats[key]


_NEWLINE_RE = re.compile("\n")


def shared(ctx: ArticleContext) -> _Shared:
    """The article's shared duplication work, kept in the context's memo (it goes when the article does)."""
    return ctx.memo("duplication", _Shared)


def _shingles(tokens: tuple[int, ...]) -> set[tuple[int, ...]]:
    if len(tokens) < 2:
        return {tokens}
    return set(pairwise(tokens))


def _shingle_hashes(tokens: tuple[int, ...]) -> set[int]:
    """The hashes of :func:`_shingles` (hashing each bigram once, without keeping the bigrams)."""
    if len(tokens) < 2:
        return {hash(tokens)}
    return set(map(hash, pairwise(tokens)))


def _jaccard(a: set[tuple[int, ...]], b: set[tuple[int, ...]]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def find_repeats(
    units: Sequence[Unit],
    *,
    similarity: float,
    min_near_tokens: int,
    sketch_size: int = 8,
    max_postings: int = 32,
    max_matches: int = 4,
    max_candidates: int = 8,
) -> list[list[Match]]:
    """For each unit, the earlier units it repeats (exactly, or near-identically for units of
    ``min_near_tokens`` tokens or more). At most ``max_matches`` per unit: the first two and the
    latest ones, enough to follow a repeated block along its diagonal. The work per unit is bounded
    (``max_postings`` units per sketch hash, ``max_candidates`` exact comparisons), so the whole pass is
    linear in the number of units even when one paragraph is repeated thousands of times.
    """
    exact: dict[int, list[int]] = {}
    postings: dict[int, list[int]] = {}
    matches: list[list[Match]] = [[] for _ in units]
    for j, unit in enumerate(units):
        tokens = unit.tokens
        if not tokens:
            continue
        key = hash(tokens)
        earlier = exact.get(key)
        if earlier is None:
            exact[key] = [j]
            found: dict[int, float] = {}
        else:
            found = {i: 1.0 for i in earlier if units[i].tokens == tokens}
            earlier.append(j)
            if len(earlier) > max_matches:  # keep the first two and the latest: bounded work for boilerplate
                del earlier[2]
        if len(tokens) >= min_near_tokens:
            sketch = sorted(_shingle_hashes(tokens))[:sketch_size]
            # The earlier units sharing each sketch hash; this unit joins the (bounded) postings.
            hits: list[int] = []
            for h in sketch:
                bucket = postings.get(h)
                if bucket is None:
                    postings[h] = [j]
                else:
                    hits += bucket
                    if len(bucket) < max_postings:
                        bucket.append(j)
            needed = max(1, min(2, len(sketch) // 4))
            if len(hits) >= needed and len(found) < max_matches:
                counts = Counter(hits)
                near = []
                shingles = _shingles(tokens)
                for i, shared in counts.most_common(max_candidates):
                    if shared >= needed and i not in found and units[i].tokens != tokens:
                        value = _jaccard(shingles, _shingles(units[i].tokens))
                        if value >= similarity:
                            near.append((i, value))
                near.sort()
                for i, value in near[:2] + near[2:][-(max_matches - 2) :]:
                    if len(found) < max_matches:
                        found[i] = value
        if found:
            matches[j] = [Match(i, j, value) for i, value in sorted(found.items())]
    return matches


@dataclass(frozen=True)
class Run:
    """Units ``later .. later+length-1`` repeat units ``earlier .. earlier+length-1``."""

    earlier: int
    later: int
    length: int
    similarity: float  # the lowest similarity along the run


def find_runs(matches: Sequence[Sequence[Match]], max_gap: int = 1) -> list[Run]:
    """Group unit matches that follow one another (same offset ``later - earlier``) into runs; two runs
    of two units or more on the same offset are joined across up to ``max_gap`` changed units. Each later
    unit ends up in at most one run, longest run first.
    """
    open_runs: dict[int, list[int]] = {}  # offset -> [earlier start, later start, last later, min similarity*1000]
    strict: dict[int, list[Run]] = {}

    def close(offset: int) -> None:
        start_i, start_j, last_j, low = open_runs.pop(offset)
        strict.setdefault(offset, []).append(Run(start_i, start_j, last_j - start_j + 1, low / 1000))

    for j, found in enumerate(matches):
        for m in found:
            offset = j - m.earlier
            current = open_runs.get(offset)
            if current is not None and current[2] == j - 1:
                current[2] = j
                current[3] = min(current[3], round(m.similarity * 1000))
            else:
                if current is not None:
                    close(offset)
                open_runs[offset] = [m.earlier, j, j, round(m.similarity * 1000)]
        for offset in [o for o, r in open_runs.items() if r[2] < j]:
            close(offset)
    for offset in list(open_runs):
        close(offset)

    runs: list[Run] = []
    for diagonal in strict.values():
        current_run = diagonal[0]
        for following in diagonal[1:]:
            gap = following.later - (current_run.later + current_run.length)
            if gap <= max_gap and current_run.length >= 2 and following.length >= 2:
                length = following.later + following.length - current_run.later
                low = min(current_run.similarity, following.similarity)
                current_run = Run(current_run.earlier, current_run.later, length, low)
            else:
                runs.append(current_run)
                current_run = following
        runs.append(current_run)

    chosen: list[Run] = []
    taken: set[int] = set()
    for run in sorted(runs, key=lambda r: (-r.length, r.later, r.earlier)):
        covered = range(run.later, run.later + run.length)
        if any(j in taken for j in covered):
            continue
        taken.update(covered)
        chosen.append(run)
    return sorted(chosen, key=lambda r: r.later)


def _excerpt(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


class RepeatedBlock(Check):
    """A paragraph, or a block of consecutive paragraphs, printed again later in the article.

    Scraped and machine-translated articles often carry a block of paragraphs twice (a page template
    or a translation retry). The repeat is reported once, as one block: the span is the later copy,
    the message says how many paragraphs it has and where the first copy is. Paragraphs are compared
    after normalisation (diacritics, tatweel, letter variants, punctuation and spacing ignored), so
    near-identical copies count too (word-bigram Jaccard similarity at or above ``similarity``).
    Severity: a block of ``critical_paragraphs`` or more paragraphs is critical; a block of two, a
    repeated paragraph of ``long_words`` words or more, or a short one printed twice in a row word for
    word is major. Other short repeats are minor: news pages repeat a headline as a near-identical lede,
    a summary bullet in the body or a pull quote by design. Paragraphs under ``min_words`` words count
    only inside a longer block.

    Bad: «أكد الوزير أن المحادثات ستستأنف الأسبوع المقبل في العاصمة.» … then the same paragraph again.
    Good: each paragraph printed once.
    """

    code = "D301"
    name = "repeated-block"
    category = Category.DUPLICATION
    severity = Severity.MAJOR
    options: ClassVar[Mapping[str, Option]] = {
        "min_words": Option(8, "fewest words a repeated paragraph or block must have to be reported"),
        "similarity": Option(0.7, "word-bigram Jaccard similarity from which two paragraphs are near-identical"),
        "critical_paragraphs": Option(3, "a repeated block of this many paragraphs or more is critical"),
        "long_words": Option(15, "a paragraph repeated at a distance is major from this many words, minor below"),
    }

    def run(self, ctx: ArticleContext) -> Iterator[Finding]:
        text = ctx.text
        paragraphs = ctx.doc.paragraphs
        if len(paragraphs) < 2:
            return
        work = shared(ctx)
        units = work.units("paragraphs")
        matches = work.repeats("paragraphs", self.config["similarity"], self.config["min_words"])
        for run in find_runs(matches):
            later = units[run.later : run.later + run.length]
            words = sum(len(u.tokens) for u in later)
            if words < self.config["min_words"]:
                continue
            first = units[run.earlier]
            start, end = later[0].span.start, later[-1].span.end
            kind = "identical" if run.similarity >= 1.0 else f"near-identical (similarity {run.similarity:.2f})"
            if run.length == 1:
                what = f"Paragraph {run.later + 1} repeats paragraph {run.earlier + 1}"
            else:
                what = (
                    f"Paragraphs {run.later + 1}–{run.later + run.length} ({run.length} paragraphs, {words} words) "
                    f"repeat paragraphs {run.earlier + 1}–{run.earlier + run.length}"
                )
            line = work.line_of(first.span.start)
            message = (
                f"{what} ({kind}); the first copy starts on line {line}: «{_excerpt(first.span.slice(text))}». "
                "Delete the repeat."
            )
            adjacent_exact = run.later == run.earlier + 1 and run.similarity >= 1.0
            if run.length >= self.config["critical_paragraphs"]:
                severity = Severity.CRITICAL
            elif run.length > 1 or words >= self.config["long_words"] or adjacent_exact:
                severity = Severity.MAJOR
            else:
                severity = Severity.MINOR
            yield self.finding(
                text,
                start,
                end,
                message,
                severity=severity,
                confidence=min(1.0, 0.5 + run.similarity / 2),
                evidence=f"first copy at characters {first.span.start}-{units[run.earlier + run.length - 1].span.end}",
                fix=Fix((delete_lines(text, start, end),)),
            )


def _is_quotation(sentence: str) -> bool:
    stripped = sentence.strip()
    return bool(stripped) and stripped[0] in '"“«' and stripped.rstrip(".!؟?،")[-1:] in '"”»'


class RepeatedSentence(Check):
    """A sentence that repeats an earlier sentence of the article, word for word or nearly.

    Machine translation and scraping sometimes print a sentence twice, next to itself or a few
    paragraphs later. Sentences of fewer than ``min_words`` words are ignored (short quotes and
    formulas such as «وأضاف:» repeat legitimately), and so are sentences whose whole paragraph is a
    repeat (check D301 reports those). A sentence repeated right after itself, or a long one
    (``long_words`` words or more), is major; a shorter sentence repeated at a distance, or one that is
    entirely a quotation, is minor: summaries and pull quotes repeat sentences by design.

    Bad: «وقال المتحدث إن الاجتماع استمر أكثر من أربع ساعات. وقال المتحدث إن الاجتماع استمر أكثر من أربع ساعات.»
    Good: «وقال المتحدث إن الاجتماع استمر أكثر من أربع ساعات.»
    """

    code = "D302"
    name = "repeated-sentence"
    category = Category.DUPLICATION
    severity = Severity.MAJOR
    options: ClassVar[Mapping[str, Option]] = {
        "min_words": Option(8, "fewest words a sentence must have for its repeat to be reported"),
        "similarity": Option(0.8, "word-bigram Jaccard similarity from which two sentences are near-identical"),
        "long_words": Option(15, "a sentence repeated at a distance is major from this many words, minor below"),
    }

    def run(self, ctx: ArticleContext) -> Iterator[Finding]:
        text = ctx.text
        doc = ctx.doc
        if len(doc.sentences) < 2:
            return
        if len(doc.sentences) == len(doc.paragraphs):
            return  # every sentence is a whole paragraph: repeats are D301's
        work = shared(ctx)
        paragraphs = work.units("paragraphs")
        repeated_paragraphs = work.repeats("paragraphs", RepeatedBlock.options["similarity"].default, 8)
        skip = [u.span for u, found in zip(paragraphs, repeated_paragraphs, strict=True) if found]
        sentences = work.units("sentences")
        matches = work.repeats("sentences", self.config["similarity"], self.config["min_words"])
        skip_index = 0
        for j, found in enumerate(matches):
            unit = sentences[j]
            while skip_index < len(skip) and skip[skip_index].end <= unit.span.start:
                skip_index += 1
            in_repeated_paragraph = skip_index < len(skip) and skip[skip_index].start <= unit.span.start
            if not found or in_repeated_paragraph or len(unit.tokens) < self.config["min_words"]:
                continue
            best = max(found, key=lambda m: (m.similarity, -m.earlier))
            first = sentences[best.earlier]
            line = work.line_of(first.span.start)
            kind = "word for word" if best.similarity >= 1.0 else f"nearly (similarity {best.similarity:.2f})"
            sentence_text = unit.span.slice(text)
            quotation = _is_quotation(sentence_text)
            message = (
                f"This sentence repeats, {kind}, an earlier sentence (line {line}): "
                f"«{_excerpt(first.span.slice(text))}». Delete the repeat."
            )
            if quotation:
                message += " It is a quotation: keep it only if it is a deliberate pull quote."
            adjacent = best.earlier == j - 1 and text.count("\n", first.span.end, unit.span.start) <= 1
            long = len(unit.tokens) >= self.config["long_words"]
            severity = Severity.MAJOR if (adjacent or long) and not quotation else Severity.MINOR
            yield self.finding(
                text,
                unit.span.start,
                unit.span.end,
                message,
                severity=severity,
                confidence=min(1.0, 0.4 + best.similarity / 2),
                evidence=f"first copy at characters {first.span.start}-{first.span.end}",
                fix=Fix(
                    (delete_span(text, unit.span.start, unit.span.end),),
                    Applicability.SAFE if best.similarity >= 1.0 and not quotation else Applicability.UNSAFE,
                ),
            )


def _may_stutter(keys: Sequence[str], single_words: bool) -> bool:
    """A quick filter: a doubled word, or a word pair (any repeated word with ``single_words``) seen twice."""
    if len(set(keys)) == len(keys):
        return False  # no word seen twice: no pair either
    if single_words:
        return True
    following = keys[1:]
    if any(map(str.__eq__, keys, following)):
        return True
    pairs = list(zip(keys, following, strict=False))
    return len(set(pairs)) < len(pairs)


@dataclass(frozen=True)
class Stutter:
    """Words ``first .. first+length-1`` appear again at ``second`` with ``gap`` words between (token indices)."""

    first: int
    second: int
    length: int

    @property
    def gap(self) -> int:
        return self.second - self.first - self.length


def find_stutters(keys: Sequence[str], max_phrase: int, max_gap: int) -> Iterator[Stutter]:
    """Repeats of a word or phrase within ``max_gap`` words of itself, longest phrase first, never overlapping."""
    last: dict[str, int] = {}
    resume = 0
    for j, key in enumerate(keys):
        p = last.get(key)
        last[key] = j
        if p is None or j < resume or j - p > max_phrase + max_gap:
            continue
        length = 1
        while (
            length < max_phrase and p + length < j and j + length < len(keys) and keys[p + length] == keys[j + length]
        ):
            length += 1
        stutter = Stutter(p, j, length)
        if stutter.gap <= max_gap:
            resume = j + length
            yield stutter


class RepeatedPhrase(Check):
    """A word or phrase repeated inside a sentence: a translation stutter.

    Machine translation sometimes emits a phrase twice, next to itself or with a word or two between:
    «للضم غير القانوني لروسيا غير القانوني», «استئناف روسيا وأوكرانيا استئناف المحادثات», «في في».
    The finding spans both copies, names the repeated phrase and suggests the text with the second copy
    removed; the evidence gives the whole corrected sentence.

    Severity: a repeated phrase of two words or more is major; a doubled single word («في في») is minor.
    A single word repeated a word or two later («استئناف روسيا وأوكرانيا استئناف المحادثات») is reported
    (minor, low confidence) only with the option ``single_words``: on clean human Arabic such repeats are
    nearly always legitimate («تايوان وأعلنت تايوان», «قيمة الرقم الثنائي قيمة واحدة»).
    Legitimate Arabic repetition is left alone: different forms («مرارًا وتكرارًا», «شيئًا فشيئًا»,
    «جنبًا إلى جنب», «يومًا بعد يوم»), reduplicated emphasis («رويدًا رويدًا», «جدًا جدًا», «لا لا»),
    spelled-out Latin letters («سي إن إن»), repeats made only of function words, numbers or Latin words,
    copies separated by punctuation, brackets or quotes («منظمة الصحة العالمية (منظمة الصحة العالمية)»), and
    parallel structures, where the words between the copies hold a function word, a coordinated word or
    an imperfect verb («المادة الداكنة تؤثر على المادة الداكنة», «في الشوط الأول وخرجنا في الشوط الثاني»,
    «أي شخص يستطيع مقاضاة أي شخص») or the phrase holds a relative pronoun or a quantifier («الأعراض التي
    يسببها ميرس الأعراض التي يسببها سارس»).

    Bad: «تقدم الصفقة قبولًا قانونيًا للضم غير القانوني لروسيا غير القانوني لشبه جزيرة القرم.»
    Good: «تقدم الصفقة قبولًا قانونيًا للضم غير القانوني لروسيا لشبه جزيرة القرم.»
    """

    code = "D303"
    name = "repeated-phrase"
    category = Category.DUPLICATION
    severity = Severity.MAJOR
    options: ClassVar[Mapping[str, Option]] = {
        "max_gap": Option(2, "most words between the two copies of a repeated phrase"),
        "max_phrase": Option(6, "longest phrase (in words) looked for"),
        "single_words": Option(False, "also report a single word repeated a word or two later (minor; noisy)"),
    }

    def run(self, ctx: ArticleContext) -> Iterator[Finding]:
        text = ctx.text
        max_gap, max_phrase = self.config["max_gap"], self.config["max_phrase"]
        single_words = self.config["single_words"]
        for sentence, keys in zip(ctx.doc.sentences, shared(ctx).sentence_words(), strict=True):
            if len(keys) < 2 or not _may_stutter(keys, single_words):
                continue
            words = [m.span() for m in WORD_RE.finditer(text, sentence.start, sentence.end)]
            if len(words) != len(keys):  # a "word" made only of marks or tatweel vanished when folded
                keys = [fold(text[s:e]) for s, e in words]
            for stutter in find_stutters(keys, max_phrase, max_gap):
                finding = self._judge(text, sentence, words, keys, stutter)
                if finding is not None:
                    yield finding

    def _judge(
        self,
        text: str,
        sentence: Span,
        words: Sequence[tuple[int, int]],
        keys: Sequence[str],
        stutter: Stutter,
    ) -> Finding | None:
        phrase_keys = keys[stutter.first : stutter.first + stutter.length]
        first_start, first_end = words[stutter.first][0], words[stutter.first + stutter.length - 1][1]
        second_start, second_end = words[stutter.second][0], words[stutter.second + stutter.length - 1][1]
        if _SEPARATOR_RE.search(text, first_start, second_end):
            return None
        if any(LATIN_LETTER_RE.search(k) or _DIGIT_RE.search(k) for k in phrase_keys):
            return None
        if not any(ARABIC_LETTER_RE.search(k) for k in phrase_keys):
            return None
        gap_keys = keys[stutter.first + stutter.length : stutter.second]
        if stutter.length == 1:
            key = phrase_keys[0]
            if stutter.gap == 0:
                raw = text[first_start:first_end]
                if key in EMPHATIC_WORDS or _TANWEEN_FATH_RE.search(raw) or raw.endswith("اً"):
                    return None
                if len(key) < 2 or (key in LETTER_NAMES and _spelled_acronym(keys, stutter)):
                    return None
                severity, confidence = Severity.MINOR, 0.8
            else:
                if not self.config["single_words"] or key in FUNCTION_WORDS or key.startswith("ال") or len(key) < 4:
                    return None
                if _parallel_structure(gap_keys):
                    return None
                severity, confidence = Severity.MINOR, 0.4
        else:
            if all(k in FUNCTION_WORDS for k in phrase_keys):
                return None
            clause = any(k in _CLAUSE_STARTERS for k in phrase_keys)
            if stutter.gap > 0 and (clause or _parallel_structure(gap_keys)):
                return None
            severity, confidence = Severity.MAJOR, 0.9 if stutter.gap == 0 else 0.7
        phrase = text[first_start:first_end]
        replacement = text[first_start:second_start].rstrip()
        corrected = (text[sentence.start : first_start] + replacement + text[second_end : sentence.end]).strip()
        where = "doubled" if stutter.gap == 0 else f"repeated {stutter.gap} word{'s' if stutter.gap > 1 else ''} later"
        kind = "Word" if stutter.length == 1 else "Phrase"
        return self.finding(
            text,
            first_start,
            second_end,
            f"{kind} «{phrase}» {where}: a translation stutter; remove the second copy.",
            suggestion=replacement,
            severity=severity,
            confidence=confidence,
            evidence=f"sentence without the repeat: {corrected}",
            fix=Fix.replace(first_start, second_end, replacement, Applicability.UNSAFE),
        )
