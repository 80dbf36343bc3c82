"""Character n-gram models of word shapes: how plausible a letter string is as an Arabic word, or as a foreign name
written in Arabic letters.

A model is an interpolated Witten–Bell character model of order :data:`ORDER` over word types (each distinct word
counted once, so that the model learns spelling, not frequency), with ``^`` padding before a word and ``$`` after
it. Training yields rows ``(gram, log10 P(last letter | the letters before), log10 backoff weight of gram as a
context)``; the rows live in the compiled lexicon (:mod:`audit.arabic.compiled`) and are read on demand, so a model
costs nothing to load. :meth:`WordModel.score` gives the mean log10 probability per letter (the ``$`` included):
about -1.0 for ordinary Arabic words, -2 and below for letter strings no Arabic word resembles.

Two models are trained: ``arabic`` on the Arabic-script forms of a large word-frequency list, and ``names`` on
transliterated foreign names (the glossary's renderings, the proper nouns of the Buckwalter lexicon, and frequent
forms of real text that no dictionary knows, which are mostly names).
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache
from itertools import accumulate
from math import log10
from operator import add

from audit.arabic.lexicon import KeyedCache

#: n-gram order (letters of context plus one).
ORDER = 4
PAD = "^"
END = "$"
#: log10 probability of a letter never seen in training (after the unigram level).
UNSEEN_LETTER = -5.0

Row = tuple[str, float, float]


def train(words: Iterable[str], order: int = ORDER) -> Iterator[Row]:
    """The rows of an interpolated Witten–Bell model of ``words`` (each distinct word counted once)."""
    counts: list[Counter[str]] = [Counter() for _ in range(order + 1)]
    for word in set(words):
        padded = PAD * (order - 1) + word + END
        for i in range(order - 1, len(padded)):
            for n in range(1, order + 1):
                counts[n][padded[i - n + 1 : i + 1]] += 1
    # Per context: total count and number of distinct followers.
    totals: list[Counter[str]] = [Counter() for _ in range(order + 1)]
    followers: list[Counter[str]] = [Counter() for _ in range(order + 1)]
    for n in range(1, order + 1):
        for gram, count in counts[n].items():
            totals[n][gram[:-1]] += count
            followers[n][gram[:-1]] += 1
    probability: dict[str, float] = {}
    letters = len(counts[1]) + 1
    for n in range(1, order + 1):
        for gram, count in counts[n].items():
            context = gram[:-1]
            total, kinds = totals[n][context], followers[n][context]
            lower = probability[gram[1:]] if n > 1 else 1.0 / letters
            probability[gram] = (count + kinds * lower) / (total + kinds)
    for n in range(1, order + 1):
        for gram in counts[n]:
            backoff = 0.0
            if n < order and gram in totals[n + 1]:
                total, kinds = totals[n + 1][gram], followers[n + 1][gram]
                backoff = log10(kinds / (total + kinds))
            yield gram, round(log10(probability[gram]), 4), round(backoff, 4)
    for n in range(2, order + 1):  # contexts made of padding only («^^^»): no probability of their own
        for context in totals[n]:
            if context not in counts[n - 1]:
                total, kinds = totals[n][context], followers[n][context]
                yield context, 0.0, round(log10(kinds / (total + kinds)), 4)


class PackedRows:
    """Every row of a model, grouped by the letters of a gram before its last one (its context): per context, the
    letters that follow it in one string, and where their rows start in one array of indexes into the distinct
    (log10 probability, log10 backoff) pairs. A few objects per context rather than several per row, so it is quick
    to read whole; :meth:`get` answers as a dictionary of the rows would. :meth:`pack` makes the parts."""

    def __init__(
        self, contexts: list[str], followers: list[str], codes: array[int], logps: array[float], backoffs: array[float]
    ) -> None:
        if len(codes) != sum(map(len, followers)) or len(contexts) != len(followers) or len(logps) != len(backoffs):
            raise ValueError("the parts of the packed rows do not match")
        starts = accumulate(map(len, followers), initial=0)  # and the end after the last
        self._groups = dict(zip(contexts, zip(followers, starts, strict=False), strict=True))
        self._codes = codes
        self._logps = logps
        self._backoffs = backoffs

    @staticmethod
    def pack(rows: Iterable[Row]) -> tuple[list[str], list[str], array[int], array[float], array[float]]:
        """The parts of the rows ``rows`` (contexts, followers, codes, log10 probabilities, log10 backoffs)."""
        groups: dict[str, list[tuple[str, tuple[float, float]]]] = {}
        for gram, logp, backoff in rows:
            groups.setdefault(gram[:-1], []).append((gram[-1], (logp, backoff)))
        pairs: dict[tuple[float, float], int] = {}
        codes = array("I", [pairs.setdefault(pair, len(pairs)) for items in groups.values() for _, pair in items])
        followers = ["".join(letter for letter, _ in items) for items in groups.values()]
        logps, backoffs = array("d", [p[0] for p in pairs]), array("d", [p[1] for p in pairs])
        return list(groups), followers, codes, logps, backoffs

    def get(self, gram: str) -> tuple[float, float] | None:
        """(log10 probability, log10 backoff) of ``gram``, or None when the model has no such row."""
        group = self._groups.get(gram[:-1])
        if group is None or not gram:
            return None
        followers, start = group
        at = followers.find(gram[-1])
        if at < 0:
            return None
        code = self._codes[start + at]
        return self._logps[code], self._backoffs[code]


class WordModel:
    """A trained model read through ``lookup`` (gram -> (log10 probability, log10 backoff) for the grams it has).

    ``lookup`` takes a list of grams and returns the rows found, so that a store can answer them in one query.
    ``everything`` (optional) returns every row at once (:class:`PackedRows`), which the model keeps: it is read
    instead after ``bulk_after`` grams were looked up, when a large batch makes one read cheaper than the queries to
    come.
    """

    def __init__(
        self,
        lookup: Callable[[list[str]], Mapping[str, tuple[float, float]]],
        order: int = ORDER,
        everything: Callable[[], PackedRows] | None = None,
        bulk_after: int = 20_000,
    ) -> None:
        self._lookup = lookup
        self._everything = everything
        self._bulk_after = bulk_after
        self._looked_up = 0
        self._complete = False
        self.order = order
        #: the rows looked up so far (None: the model has no such gram)
        self._rows: dict[str, tuple[float, float] | None] = {}
        #: a gram's row, from :attr:`_rows` or, once read whole, from every row
        self._row: Callable[[str], tuple[float, float] | None] = self._rows.get
        self._scores: dict[str, float] = {}
        #: log10 P(last letter | the letters before) of each gram of :attr:`order` letters met so far
        self._letters: KeyedCache[str, float] = KeyedCache(self._letter)

    def read_all(self) -> None:
        """Read every row now, when the model can (a large batch about to be shared by worker processes)."""
        if not self._complete and self._everything is not None:
            self._row = self._everything().get
            self._rows.clear()
            self._complete = True

    def _fetch(self, grams: Iterable[str]) -> None:
        if self._complete:
            return
        missing = [g for g in set(grams) if g not in self._rows]
        if not missing:
            return
        self._looked_up += len(missing)
        if self._everything is not None and self._looked_up > self._bulk_after:
            self.read_all()  # a gram it lacks is unseen, as a None row says
            return
        if len(self._rows) > 500_000:
            self._rows.clear()
        found = self._lookup(missing)
        for gram in missing:
            self._rows[gram] = found.get(gram)

    def _grams(self, word: str) -> list[str]:
        padded = PAD * (self.order - 1) + word + END
        grams = []
        for i in range(self.order - 1, len(padded)):
            for n in range(1, self.order + 1):
                grams.append(padded[i - n + 1 : i + 1])
            grams.extend(padded[i - n + 1 : i] for n in range(2, self.order + 1))
        return grams

    def letter_scores(self, word: str) -> list[float]:
        """log10 P(letter | letters before) for each letter of ``word`` and the end of the word."""
        if not self._complete:
            self._fetch(self._grams(word))
        padded = PAD * (self.order - 1) + word + END
        return list(map(self._letters.__getitem__, map(padded.__getitem__, _windows(len(padded), self.order))))

    def _letter(self, gram: str) -> float:
        backoff = 0.0
        row_of = self._row
        while gram:
            row = row_of(gram)
            if row is not None:
                return backoff + row[0]
            context = row_of(gram[:-1]) if len(gram) > 1 else None
            if context is not None:
                backoff += context[1]
            gram = gram[1:]
        return backoff + UNSEEN_LETTER

    def score(self, word: str) -> float:
        """Mean log10 probability per letter (end of word included); higher is more plausible."""
        cached = self._scores.get(word)
        if cached is None:
            cached = self._remember(word, _mean(self.letter_scores(word)))
        return cached

    def _remember(self, word: str, score: float) -> float:
        if len(self._scores) > 200_000:
            self._scores.clear()
        self._scores[word] = score
        return score

    def worst(self, word: str, width: int = 2) -> float:
        """The lowest mean log10 probability of ``width`` consecutive letters: the least Arabic-looking spot."""
        return _worst(self.letter_scores(word), width)

    def score_and_worst(self, word: str, width: int = 2) -> tuple[float, float]:
        """:meth:`score` and :meth:`worst` of ``word``, from one pass over its letters."""
        letters = self.letter_scores(word)
        cached = self._scores.get(word)
        return (cached if cached is not None else self._remember(word, _mean(letters))), _worst(letters, width)


def _mean(letters: list[float]) -> float:
    return sum(letters) / len(letters)


def _worst(letters: list[float], width: int) -> float:
    if len(letters) <= width:
        return sum(letters) / len(letters)
    if width == 2:  # the same sums, added pairwise in C (halving is exact, so the least half is the same)
        return min(map(add, letters, letters[1:])) / 2
    return min(sum(letters[i : i + width]) / width for i in range(len(letters) - width + 1))


@lru_cache(maxsize=256)
def _windows(length: int, order: int) -> tuple[slice, ...]:
    """The slices of the ``order`` letters ending at each letter of a padded word of ``length`` (the padding
    before the word excepted)."""
    return tuple(slice(i - order + 1, i + 1) for i in range(order - 1, length))
