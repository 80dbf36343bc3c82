"""Transliteration: how foreign names are spelt in Arabic letters, reduced to skeletons that survive the
variation between spellings.

Four skeletons, each tuned for its comparison:

- :func:`spelling_skeleton`: two Arabic spellings of one name («زيلنسكي» / «زيلينسكي»): long vowels, hamza seats
  and final ة/ه dropped, letters that render the same foreign sound (غ/ج, ت/ط, س/ص, ...) merged, doubles collapsed;
- :func:`latin_letter_skeletons` / :func:`arabic_letter_skeleton`: an English name and an Arabic word as the
  Arabic consonant letters a transliteration produces («Gaza» and «غزة» both ``غز``);
- :func:`latin_classes` / :func:`arabic_classes`: consonant classes (``B T D K G S C X F L M N R``), doubled
  Arabic consonants kept («Witkoff» and «ويتكوف» both ``TKF``), with :func:`class_neighbours` one edit away;
- :func:`latin_classes_collapsed` / :func:`arabic_classes_collapsed` / :func:`arabic_class_readings`: coarser
  classes with every repeat collapsed and clitics and nisba endings removed, for matching names across a
  translation («Trump» and «وترامب» both ``TRMB``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from audit.arabic.lexicon import KeyedCache
from audit.arabic.orthography import MARKS_RE
from audit.text import LATIN_WORD_RE

# ---- spellings of one name ---------------------------------------------------------------------------------

_SKELETON = str.maketrans(
    {
        "ا": "",
        "و": "",
        "ي": "",
        "ى": "",
        "أ": "",
        "إ": "",
        "آ": "",
        "ء": "",
        "ئ": "",
        "ؤ": "",
        "ة": "",
        "ه": "",
        "ج": "غ",
        "ط": "ت",
        "ص": "س",
        "ذ": "ز",
        "ظ": "ز",
        "ض": "د",
        "ق": "ك",
    }
)
_DOUBLE_RE = re.compile(r"(.)\1")


def spelling_skeleton(stem: str) -> str:
    """The consonant skeleton of a clitic-free word: what stays the same across transliteration variants."""
    return _SKELETONS[stem]


_SKELETONS: KeyedCache[str, str] = KeyedCache(lambda stem: _DOUBLE_RE.sub(r"\1", stem.translate(_SKELETON)))


# ---- Latin names as Arabic consonant letters ------------------------------------------------------------------

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


def arabic_letter_skeleton(stem: str) -> str:
    """An Arabic word (article dropped) as the consonant letters a Latin transliteration can produce."""
    core = stem[2:] if stem.startswith("ال") else stem
    return re.sub(r"(.)\1", r"\1", core.translate(_ARABIC_SKELETON))


def latin_letter_skeletons(source: str) -> frozenset[str]:
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


# ---- consonant classes ----------------------------------------------------------------------------------------

# Latin letters (after folding accents) and digraphs to consonant classes. Vowels, h, w and y are dropped: Arabic
# writes them as optional long vowels, or not at all. Classes merge sounds that Arabic spells alike or that
# transliterations mix: B = b p, T = t th, D = d, K = k c q ck, G = g j, S = s z c(e/i/y), C = sh ch, X = kh.
_LATIN_DIGRAPHS = (
    ("sch", "C"),
    ("tch", "C"),
    ("ch", "C"),
    ("sh", "C"),
    ("kh", "X"),
    ("gh", "G"),
    ("ph", "F"),
    ("th", "T"),
    ("ck", "K"),
    ("dj", "G"),
    ("zh", "G"),
    ("qu", "K"),
)
_LATIN_CLASS = {
    "b": "B",
    "p": "B",
    "t": "T",
    "d": "D",
    "k": "K",
    "q": "K",
    "g": "G",
    "j": "G",
    "s": "S",
    "z": "S",
    "x": "KS",
    "f": "F",
    "v": "F",
    "l": "L",
    "m": "M",
    "n": "N",
    "r": "R",
}
_ARABIC_CLASS = {
    "ب": "B",
    "پ": "B",
    "ت": "T",
    "ط": "T",
    "ث": "T",
    "د": "D",
    "ض": "D",
    "ذ": "D",
    "ك": "K",
    "ق": "K",
    "خ": "X",
    "غ": "G",
    "ج": "G",
    "گ": "G",
    "س": "S",
    "ص": "S",
    "ز": "S",
    "ظ": "S",
    "ش": "C",
    "ف": "F",
    "ڤ": "F",
    "ل": "L",
    "م": "M",
    "ن": "N",
    "ر": "R",
}
#: Every consonant class of :func:`latin_classes` and :func:`arabic_classes`.
CLASSES = "BTDKGSCXFLMNR"


def fold_latin(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if "a" <= c <= "z")


def latin_classes(word: str) -> str:
    """The consonant skeleton of a Latin-script name: «Witkoff» -> ``TKF``, «Kremlin» -> ``KRMLN``."""
    word = fold_latin(word)
    out: list[str] = []
    i = 0
    while i < len(word):
        for digraph, cls in _LATIN_DIGRAPHS:
            if word.startswith(digraph, i):
                out.append(cls)
                i += len(digraph)
                break
        else:
            char = word[i]
            if i and char == word[i - 1]:
                i += 1  # a doubled letter is one consonant: «Witkoff», «Russell»
                continue
            if char == "c":
                out.append("S" if word[i + 1 : i + 2] in ("e", "i", "y") and i + 1 < len(word) else "K")
            else:
                out.append(_LATIN_CLASS.get(char, ""))
            i += 1
    return "".join(out)


def arabic_classes(word: str) -> str:
    """The consonant skeleton of an Arabic word: «ويتكوف» -> ``TKF``, «كرملين» -> ``KRMLN``.

    Not collapsed: Arabic writes a doubled consonant once (with shadda), so two equal letters in a row are two
    consonants («متوتر» is ``MTTR``, not a spelling of «Metro»).
    """
    return "".join(_ARABIC_CLASS.get(c, "") for c in MARKS_RE.sub("", word))


def class_neighbours(skeleton: str) -> Iterator[str]:
    """Skeletons one edit (deletion, substitution, insertion of a class) away."""
    for i in range(len(skeleton)):
        yield skeleton[:i] + skeleton[i + 1 :]
        for cls in CLASSES:
            if cls != skeleton[i]:
                yield skeleton[:i] + cls + skeleton[i + 1 :]
    for i in range(len(skeleton) + 1):
        for cls in CLASSES:
            yield skeleton[:i] + cls + skeleton[i:]


# ---- collapsed consonant classes ------------------------------------------------------------------------------

# The clitics and nisba endings stripped before the classes are read: «وترامب», «الأمريكية».
_ARABIC_PREFIX_RE = re.compile("^(?:[وف]?(?:[بلك]?ال|[بلك]|ل?ل)?)")
_ARABIC_SUFFIX_RE = re.compile("(?:يين|يون|ية|يا|ي)$")
# Consonant classes shared by English spelling and Arabic transliteration; vowels, h, w, y are dropped.
_COLLAPSED_LATIN_CLASSES = [
    ("ph", "F"), ("th", "T"), ("sh", "S"), ("ch", "S"), ("kh", "K"), ("gh", "K"), ("ck", "K"), ("x", "KS"),
    ("qu", "K"), ("b", "B"), ("p", "B"), ("f", "F"), ("v", "F"), ("t", "T"), ("d", "T"), ("k", "K"), ("c", "K"),
    ("ce", "S"), ("ci", "S"), ("cy", "S"), ("q", "K"), ("g", "K"), ("j", "K"), ("s", "S"), ("z", "S"),
    ("m", "M"), ("n", "N"), ("l", "L"), ("r", "R"),
]  # fmt: skip
_LATIN_CLASS_RE = re.compile("|".join(re.escape(k) for k, _ in _COLLAPSED_LATIN_CLASSES) + "|.")
_LATIN_CLASS_MAP = dict(_COLLAPSED_LATIN_CLASSES)
_COLLAPSED_ARABIC_CLASS = str.maketrans(
    {
        **dict.fromkeys("بپ", "B"), **dict.fromkeys("فڤ", "F"), **dict.fromkeys("تطدضثذ", "T"),
        **dict.fromkeys("كقغجخگ", "K"), **dict.fromkeys("سصزشژ", "S"), "م": "M", "ن": "N", "ل": "L", "ر": "R",
        **dict.fromkeys("اأإآءؤئعوييىةهحٱ", ""),
    }
)  # fmt: skip


def latin_classes_collapsed(word: str) -> str:
    """Consonant classes of an English word: ``"Trump"`` -> ``"TRMB"``."""
    classes = [_LATIN_CLASS_MAP.get(m.group(), "") for m in _LATIN_CLASS_RE.finditer(word.lower())]
    return _collapse("".join(classes))


def arabic_classes_collapsed(word: str) -> str:
    """Consonant classes of an Arabic word, clitics removed: ``"وترامب"`` -> ``"TRMB"``."""
    bare = MARKS_RE.sub("", word)
    if len(bare) > 4:
        bare = _ARABIC_PREFIX_RE.sub("", bare, count=1) or bare
    if len(bare) > 4:
        bare = _ARABIC_SUFFIX_RE.sub("", bare, count=1) or bare
    return _collapse(bare.translate(_COLLAPSED_ARABIC_CLASS))


def arabic_class_readings(word: str) -> set[str]:
    """Every reading of an Arabic word's skeleton: as written, and without a leading clitic or a nisba ending
    (a leading «ب» or «ك» may be the name's own first letter, as in «بالدوين», «كاليفورنيا»)."""
    bare = MARKS_RE.sub("", word)
    forms = {bare}
    if len(bare) > 3:
        forms.add(_ARABIC_PREFIX_RE.sub("", bare, count=1) or bare)
    for form in list(forms):
        if len(form) > 3:
            forms.add(_ARABIC_SUFFIX_RE.sub("", form, count=1) or form)
    return {_collapse(form.translate(_COLLAPSED_ARABIC_CLASS)) for form in forms}


def _collapse(skeleton: str) -> str:
    out: list[str] = []
    for ch in skeleton:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)
