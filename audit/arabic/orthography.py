"""Arabic script and spelling: letter ranges, marks, letter folds and digits.

The character classes are strings for regular expression brackets (``f"[{ARABIC_LETTER}]"``). A *fold* maps
spellings a reader does not see as different words onto one form; every fold here removes diacritics and
tatweel first (unless its name says it keeps them) and is named after the letter groups it folds:

========================== =======================================================================
``strip_marks``            diacritics (harakat, tanween, shadda, sukun, dagger alef, Quranic marks) and tatweel
``strip_diacritics``       diacritics only; tatweel kept
``fold_alef_yeh``          + أ إ آ ٱ → ا, ى → ي (the lexicons' form of a word)
``fold_alef_yeh_teh``      + ة → ه as well (the glossary's and most checks' comparison form)
``fold_hamza_yeh_teh``     + ؤ → و, ئ → ي as well (hamza on its seat folded to the seat)
``fold_persian``           ``fold_alef_yeh_teh`` + Persian ی → ي, ک → ك (text typed on a Persian keyboard)
``fold_madda_yeh_teh``     only آ → ا, ى → ي, ة → ه (hamza on alef kept apart: «أن» vs «إن»)
========================== =======================================================================

:class:`Fold` builds them; it uses chained ``str.replace``, several times faster than ``str.translate`` on
non-ASCII text. Presentation forms: :func:`from_presentation_forms`. Digits, both ways: :func:`to_western_digits`
(٠-٩ and Persian ۰-۹ → 0-9) and :func:`to_arabic_indic_digits`.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

#: Arabic letters: the base block (hamza to yeh, without tatweel), extended letters (Persian, Urdu, ...),
#: Arabic Supplement and Extended-A.
ARABIC_LETTER = "\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u06d5\u06fa-\u06fc\u06ff\u0750-\u077f\u08a0-\u08c9"
#: Diacritics, Quranic annotation marks and tatweel (U+0640).
ARABIC_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
#: Diacritics and Quranic marks without tatweel.
ARABIC_DIACRITICS = ARABIC_MARKS.replace("\u0640", "")
TATWEEL = "\u0640"
#: Arabic-Indic (٠-٩) and extended Arabic-Indic, Persian/Urdu (۰-۹) digits.
ARABIC_DIGITS = "\u0660-\u0669\u06f0-\u06f9"
#: Letters foreign to Arabic that transliterate foreign sounds (g, v, p, ch, zh).
FOREIGN_LETTERS = "گڤپچژڨ"

#: Arabic presentation forms (contextual glyphs and ligatures): Forms-A and Forms-B.
PRESENTATION_FORMS = "\ufb50-\ufdff\ufe70-\ufefe"

ARABIC_LETTER_RE = re.compile(f"[{ARABIC_LETTER}]")
#: One Arabic word: a letter, then letters and marks.
ARABIC_WORD_RE = re.compile(f"[{ARABIC_LETTER}][{ARABIC_LETTER}{ARABIC_MARKS}]*")
#: A run of Arabic letters (no marks), and a run of letters and marks.
ARABIC_RUN_RE = re.compile(f"[{ARABIC_LETTER}]+")
ARABIC_MARKED_RUN_RE = re.compile(f"[{ARABIC_LETTER}{ARABIC_MARKS}]+")
MARKS_RE = re.compile(f"[{ARABIC_MARKS}]")
NON_MARK_RUN_RE = re.compile(f"[^{ARABIC_MARKS}]+")
DIACRITICS_RE = re.compile(f"[{ARABIC_DIACRITICS}]")
ARABIC_DIGIT_RE = re.compile(f"[{ARABIC_DIGITS}]")

# ---- letter groups, as (variant, plain) pairs ---------------------------------------------------------------

#: Alef carrying hamza or madda, and wasla: أ إ آ ٱ → ا.
ALEF_FORMS: tuple[tuple[str, str], ...] = (("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ٱ", "ا"))
#: Alef maqsura written for final yeh (or the reverse): ى → ي.
YEH_FORMS: tuple[tuple[str, str], ...] = (("ى", "ي"),)
#: Teh marbuta written for final heh (or the reverse): ة → ه.
TEH_MARBUTA_FORMS: tuple[tuple[str, str], ...] = (("ة", "ه"),)
#: Hamza on waw and on yeh: ؤ → و, ئ → ي.
HAMZA_SEATS: tuple[tuple[str, str], ...] = (("ؤ", "و"), ("ئ", "ي"))
#: Persian yeh and keheh typed for Arabic yeh and kaf: ی → ي, ک → ك.
PERSIAN_FORMS: tuple[tuple[str, str], ...] = (("ی", "ي"), ("ک", "ك"))


def strip_marks(text: str) -> str:
    """``text`` without diacritics, Quranic marks and tatweel."""
    return MARKS_RE.sub("", text)


def strip_diacritics(text: str) -> str:
    """``text`` without diacritics and Quranic marks; tatweel kept."""
    return DIACRITICS_RE.sub("", text)


def strip_tatweel(text: str) -> str:
    """``text`` without tatweel (ـ)."""
    return text.replace(TATWEEL, "")


@dataclass(frozen=True)
class Fold:
    """A letter fold: marks removed (when ``marks``), then each ``(variant, plain)`` pair replaced."""

    name: str
    pairs: tuple[tuple[str, str], ...]
    marks: bool = True

    def __call__(self, text: str) -> str:
        if self.marks:
            text = MARKS_RE.sub("", text)
        for variant, plain in self.pairs:
            text = text.replace(variant, plain)
        return text

    def letters(self, text: str) -> str:
        """Only the letter pairs, marks kept: a fold that keeps every offset of ``text``."""
        for variant, plain in self.pairs:
            text = text.replace(variant, plain)
        return text

    @property
    def table(self) -> dict[int, str]:
        """The letter pairs as a ``str.translate`` table."""
        return str.maketrans(dict(self.pairs))


fold_alef_yeh = Fold("alef-yeh", ALEF_FORMS + YEH_FORMS)
fold_alef_yeh_teh = Fold("alef-yeh-teh", ALEF_FORMS + YEH_FORMS + TEH_MARBUTA_FORMS)
fold_hamza_yeh_teh = Fold("hamza-yeh-teh", ALEF_FORMS + YEH_FORMS + TEH_MARBUTA_FORMS + HAMZA_SEATS)
fold_persian = Fold("persian", ALEF_FORMS + YEH_FORMS + TEH_MARBUTA_FORMS + PERSIAN_FORMS)
fold_madda_yeh_teh = Fold("madda-yeh-teh", YEH_FORMS + TEH_MARBUTA_FORMS + (("آ", "ا"),))

# ---- a folded copy of a text with its offsets -----------------------------------------------


class FoldedText:
    """A folded copy of a text (by ``fold``, :data:`fold_persian` unless given) with a map from folded offsets
    back to the original: a match in the folded copy is a span of the original."""

    def __init__(self, text: str, fold: Fold = fold_persian) -> None:
        self.original = text
        self.fold = fold
        if not MARKS_RE.search(text):
            self.folded = self.fold.letters(text)
            self._original_starts: list[int] | None = None
            self._folded_starts: list[int] = []
            return
        original_starts, folded_starts, pieces = [], [], []
        position = 0
        for match in NON_MARK_RUN_RE.finditer(text):
            original_starts.append(match.start())
            folded_starts.append(position)
            pieces.append(match.group())
            position += match.end() - match.start()
        self.folded = self.fold.letters("".join(pieces))
        self._original_starts = original_starts
        self._folded_starts = folded_starts

    def to_original(self, offset: int) -> int:
        """The original offset of the folded character at ``offset``."""
        if self._original_starts is None:
            return offset
        run = bisect.bisect_right(self._folded_starts, offset) - 1
        return self._original_starts[run] + offset - self._folded_starts[run]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the folded span ``[start, end)``, with the marks that follow its last letter."""
        if self._original_starts is None or end <= start:
            return start, end
        original_start = self.to_original(start)
        original_end = self.to_original(end - 1) + 1
        text = self.original
        while original_end < len(text) and MARKS_RE.match(text, original_end):
            original_end += 1
        return original_start, original_end


# ---- digits -------------------------------------------------------------------------------------------------

_ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
_PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
#: Arabic-Indic and Persian digits and their ASCII digits, as pairs and as a ``str.translate`` table.
WESTERN_DIGIT_PAIRS: tuple[tuple[str, str], ...] = tuple(zip(_ARABIC_INDIC + _PERSIAN, "0123456789" * 2, strict=True))
WESTERN_DIGITS = str.maketrans(dict(WESTERN_DIGIT_PAIRS))
#: ASCII digits to Arabic-Indic digits.
ARABIC_INDIC_DIGITS = str.maketrans("0123456789", _ARABIC_INDIC)
#: Arabic number punctuation: decimal separator ٫, thousands separator ٬, percent sign ٪.
NUMBER_PUNCTUATION: dict[str, str] = {"\u066b": ".", "\u066c": ",", "\u066a": "%"}
#: Arabic sentence punctuation and its Latin counterpart: ، ؛ ؟.
PUNCTUATION: dict[str, str] = {"،": ",", "؛": ";", "؟": "?"}


def to_western_digits(text: str) -> str:
    """Arabic-Indic (٠-٩) and Persian (۰-۹) digits as ASCII digits; everything else unchanged."""
    return text.translate(WESTERN_DIGITS) if ARABIC_DIGIT_RE.search(text) else text


def to_arabic_indic_digits(text: str) -> str:
    """ASCII digits as Arabic-Indic digits (٠-٩); everything else unchanged."""
    return text.translate(ARABIC_INDIC_DIGITS)


def from_presentation_forms(text: str) -> str:
    """Presentation-form glyphs (ﺍﻟﺤﻜﻮﻣﺔ) as the ordinary letters they stand for (Unicode NFKC)."""
    return unicodedata.normalize("NFKC", text)


def has_arabic(text: str) -> bool:
    """Whether ``text`` holds an Arabic letter."""
    return ARABIC_LETTER_RE.search(text) is not None
