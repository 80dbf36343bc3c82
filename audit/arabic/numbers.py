"""Numbers and months in Arabic text: digits of either script with Arabic separators, number words and scale
words («ثلاثة ملايين»), and the month names of both series.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from audit.arabic.clitics import PROCLITIC_PATTERN
from audit.arabic.orthography import (
    ARABIC_DIGITS,
    ARABIC_LETTER,
    ARABIC_MARKED_RUN_RE,
    WESTERN_DIGITS,
    fold_alef_yeh_teh,
    strip_marks,
)

_AR_DIGITS = f"0-9{ARABIC_DIGITS}"
_AR_NUMBER_RE = re.compile(
    f"[{_AR_DIGITS}]+(?:(?:[.,\u066b\u066c]|\u060c(?=[{_AR_DIGITS}]{{3}}(?![{_AR_DIGITS}])))[{_AR_DIGITS}]+)*"
)

# Arabic number words (after removing marks and folding أإآ to ا, ة to ه, ى to ي), with their values.
_AR_UNITS = {
    "واحد": 1, "واحده": 1, "احد": 1, "احدي": 1, "اثنان": 2, "اثنين": 2, "اثنتان": 2, "اثنتين": 2, "ثلاث": 3,
    "ثلاثه": 3, "اربع": 4, "اربعه": 4, "خمس": 5, "خمسه": 5, "ست": 6, "سته": 6, "سبع": 7, "سبعه": 7, "ثماني": 8,
    "ثمانيه": 8, "ثمان": 8, "تسع": 9, "تسعه": 9, "عشر": 10, "عشره": 10, "عشرون": 20, "عشرين": 20, "ثلاثون": 30,
    "ثلاثين": 30, "اربعون": 40, "اربعين": 40, "خمسون": 50, "خمسين": 50, "ستون": 60, "ستين": 60, "سبعون": 70,
    "سبعين": 70, "ثمانون": 80, "ثمانين": 80, "تسعون": 90, "تسعين": 90, "مائه": 100, "مئه": 100, "مائتان": 200,
    "مائتين": 200, "مئتان": 200, "مئتين": 200, "مائتي": 200, "مئتي": 200, "ثلاثمائه": 300, "ثلاثمئه": 300,
    "حادي": 1, "اول": 1, "اولي": 1, "ثاني": 2, "ثانيه": 2, "ثالث": 3, "ثالثه": 3, "رابع": 4, "رابعه": 4,
    "خامس": 5, "خامسه": 5, "سادس": 6, "سادسه": 6, "سابع": 7, "سابعه": 7, "ثامن": 8, "ثامنه": 8, "تاسع": 9,
    "تاسعه": 9, "عاشر": 10, "عاشره": 10, "اربعمائه": 400, "اربعمئه": 400, "خمسمائه": 500, "خمسمئه": 500,
    "ستمائه": 600, "ستمئه": 600,
    "سبعمائه": 700, "سبعمئه": 700, "ثمانمائه": 800, "ثمانمئه": 800, "تسعمائه": 900, "تسعمئه": 900,
}  # fmt: skip
_AR_SCALES = {
    "الف": 1e3, "الاف": 1e3, "الفا": 1e3, "مليون": 1e6, "ملايين": 1e6, "مليونا": 1e6, "مليار": 1e9,
    "مليارات": 1e9, "مليارا": 1e9, "بليون": 1e9, "بلايين": 1e9, "تريليون": 1e12, "تريليونات": 1e12,
}  # fmt: skip
_AR_DUAL_SCALES = {
    "الفين": 2e3, "الفان": 2e3, "الفي": 2e3, "مليونين": 2e6, "مليونان": 2e6, "مليوني": 2e6,
    "مليارين": 2e9, "ملياران": 2e9, "ملياري": 2e9,
}  # fmt: skip
_AR_CLITIC_RE = re.compile(f"^{PROCLITIC_PATTERN}")
_fold = fold_alef_yeh_teh


@dataclass(frozen=True)
class Number:
    """A number found in a text: its written value, its value with any scale word, and where it is."""

    mantissa: float
    value: float
    start: int
    end: int
    text: str
    #: Other plausible values (``20.000`` may be twenty thousand written with a dot).
    alternatives: tuple[float, ...] = ()


def parse_float(digits: str) -> float | None:
    try:
        return float(digits)
    except ValueError:
        return None


def _arabic_digits_value(token: str) -> float | None:
    ascii_token = token.translate(WESTERN_DIGITS).replace("\u066c", ",").replace("\u066b", ".").replace("\u060c", ",")
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", ascii_token):
        ascii_token = ascii_token.replace(",", "")
    elif ascii_token.count(",") == 1 and "." not in ascii_token:
        ascii_token = ascii_token.replace(",", ".")  # 3,5 written with a decimal comma
    return parse_float(ascii_token)


def arabic_numbers(text: str) -> list[Number]:
    """Numbers in Arabic text: digits of either script (with ٫ ٬), number words, and scale words (مليون, آلاف)."""
    numbers: list[Number] = []
    words = list(ARABIC_MARKED_RUN_RE.finditer(text))
    word_at = {m.start(): k for k, m in enumerate(words)}
    for match in _AR_NUMBER_RE.finditer(text):
        mantissa = _arabic_digits_value(match.group())
        if mantissa is None:
            continue
        value = mantissa
        following = _next_word(text, match.end(), words, word_at)
        if following is not None:
            scale = _AR_SCALES.get(_strip_clitic(_fold(following)))
            if scale:
                value = mantissa * scale
        alternatives: tuple[float, ...] = ()
        folded = match.group().translate(WESTERN_DIGITS)
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", folded):  # 20.000: a dot for thousands, as in much of Europe
            thousands = float(folded.replace(".", ""))
            alternatives = (thousands, thousands * (value / mantissa if mantissa else 1.0))
        numbers.append(Number(mantissa, value, match.start(), match.end(), match.group(), alternatives))
    numbers.extend(_arabic_word_numbers(text, words))
    return numbers


def _strip_clitic(word: str) -> str:
    if word in _AR_UNITS or word in _AR_SCALES or word in _AR_DUAL_SCALES:
        return word
    stripped = _AR_CLITIC_RE.sub("", word, count=1)
    return stripped if len(stripped) >= 2 else word


def _next_word(text: str, offset: int, words: Sequence[re.Match[str]], word_at: dict[int, int]) -> str | None:
    rest = text[offset : offset + 3]
    gap = len(rest) - len(rest.lstrip(" \u00a0"))
    index = word_at.get(offset + gap)
    return words[index].group() if index is not None else None


def _arabic_word_numbers(text: str, words: Sequence[re.Match[str]]) -> list[Number]:
    numbers = []
    k = 0
    while k < len(words):
        word = _strip_clitic(_fold(words[k].group()))
        if word in _AR_DUAL_SCALES:
            match = words[k]
            value = _AR_DUAL_SCALES[word]
            numbers.append(Number(value, value, match.start(), match.end(), match.group()))
            k += 1
            continue
        if word not in _AR_UNITS:
            k += 1
            continue
        first = k
        total = float(_AR_UNITS[word])
        k += 1
        while k < len(words):  # خمسة وعشرون, مئة وخمسون
            nxt = _fold(words[k].group())
            if nxt.startswith("و") and nxt[1:] in _AR_UNITS:
                total += _AR_UNITS[nxt[1:]]
                k += 1
            elif nxt in _AR_UNITS and _AR_UNITS[nxt] == 10:  # أحد عشر, خمسة عشر
                total += 10
                k += 1
            else:
                break
        value = total
        if k < len(words):
            scale = _AR_SCALES.get(_strip_clitic(_fold(words[k].group())))
            if scale:
                value = total * scale
                k += 1
        start, end = words[first].start(), words[k - 1].end()
        numbers.append(Number(total, value, start, end, text[start:end]))
    return numbers


#: Arabic month names of both series (Egyptian/Gulf «يناير» and Levantine/Iraqi «كانون الثاني») -> month number.
_AR_MONTHS = {
    "يناير": 1, "كانون الثاني": 1, "فبراير": 2, "شباط": 2, "مارس": 3, "آذار": 3, "أذار": 3, "ابريل": 4,
    "أبريل": 4, "إبريل": 4, "نيسان": 4, "مايو": 5, "أيار": 5, "ايار": 5, "يونيو": 6, "يونية": 6, "حزيران": 6,
    "يوليو": 7, "يولية": 7, "تموز": 7, "أغسطس": 8, "اغسطس": 8, "آب": 8, "سبتمبر": 9, "أيلول": 9, "ايلول": 9,
    "أكتوبر": 10, "اكتوبر": 10, "تشرين الأول": 10, "تشرين الاول": 10, "نوفمبر": 11, "تشرين الثاني": 11,
    "ديسمبر": 12, "كانون الأول": 12, "كانون الاول": 12,
}  # fmt: skip
_AR_MONTH_RE = re.compile(
    "(?<!["
    + ARABIC_LETTER
    + "])(?:[وف]?(?:ب|ل|في ?)?)("
    + "|".join(sorted((re.escape(m) for m in _AR_MONTHS), key=len, reverse=True))
    + ")(?!["
    + ARABIC_LETTER
    + "])"
)
#: Each month's name in both series, for messages.
MONTH_NAMES = {1: "يناير/كانون الثاني", 2: "فبراير/شباط", 3: "مارس/آذار", 4: "أبريل/نيسان", 5: "مايو/أيار",
                   6: "يونيو/حزيران", 7: "يوليو/تموز", 8: "أغسطس/آب", 9: "سبتمبر/أيلول", 10: "أكتوبر/تشرين الأول",
                   11: "نوفمبر/تشرين الثاني", 12: "ديسمبر/كانون الأول"}  # fmt: skip


def arabic_months(text: str) -> list[int]:
    return [_AR_MONTHS[m.group(1)] for m in _AR_MONTH_RE.finditer(strip_marks(text))]
