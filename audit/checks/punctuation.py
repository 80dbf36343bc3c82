"""Punctuation and typography checks (P4xx): spacing around Arabic punctuation, Latin marks in Arabic
text, quotation marks, percent signs, tatweel dashes, doubled marks, detached one-letter prefixes,
invisible control characters and presentation-form letters.

Every check is a precompiled regular expression over the whole text with a little Python per match,
so the cost is linear in the article and dominated by the regex engine.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import ClassVar

from audit.analyses import matches_at_words
from audit.arabic.clitics import CONJUNCTIONS, PREPOSITIONS
from audit.arabic.orthography import (
    ARABIC_DIGITS,
    ARABIC_LETTER,
    ARABIC_MARKS,
    PRESENTATION_FORMS,
    from_presentation_forms,
)
from audit.checks.base import ArticleContext, Check, Option
from audit.literals import literal_requirements, meets
from audit.model import Category, Finding, Fix, Severity
from audit.text import LATIN_LETTER, Span


def _words(text: str) -> frozenset[str]:
    """A word set written as one string, one word per blank."""
    return frozenset(text.split())


_AL = ARABIC_LETTER
_AM = ARABIC_MARKS
_DIGITS = "0-9" + ARABIC_DIGITS
_CLOSERS = '"”»)\\]'


class SpaceBeforePunctuation(Check):
    """A space before a punctuation mark: Arabic punctuation sits right after its word.

    Machine translation often writes « ،» (one finding per occurrence; repeats of a check weigh less
    and less in the score). The marks ، ؛ ؟ are always checked; . ! : only after an Arabic letter and
    before a space or the end of the line, so an ellipsis, a decimal or a Latin abbreviation is left alone.

    Bad: «استمرت ثلاث ساعات ، وفقًا لمساعد بوتين»
    Good: «استمرت ثلاث ساعات، وفقًا لمساعد بوتين»
    """

    code = "P401"
    name = "space-before-punctuation"
    category = Category.PUNCTUATION
    severity = Severity.MINOR

    _PATTERN = re.compile(
        rf"[ \t\u00a0\u202f]+(?:([،؛؟])|(?<=[{_AL}{_AM}] )([.!:])(?=\s|$|[{_CLOSERS}]))", re.MULTILINE
    )
    #: A blank right before one of the marks, which every match has: searched first, faster than the pattern over a
    #: text without any.
    _BLANK_MARK = re.compile("[ \t\u00a0\u202f][،؛؟.!:]")

    def run(self, ctx: ArticleContext) -> Iterator[Finding]:
        text = ctx.text
        if not self._BLANK_MARK.search(text):
            return
        for m in self._PATTERN.finditer(text):
            if m.start() == 0 or text[m.start() - 1].isspace():
                continue  # a mark opening a line is not spacing after a word
            mark = m.group(1) or m.group(2)
            yield self.finding(
                text,
                m.start(),
                m.end(),
                f"Space before «{mark}»: Arabic punctuation follows its word without a space.",
                suggestion=mark,
                fix=Fix.replace(m.start(), m.end(), mark),
            )


class LatinPunctuation(Check):
    """A Latin comma, semicolon or question mark in Arabic text, where ، ؛ ؟ belong.

    Only marks written between Arabic words are reported (or a question mark closing an Arabic
    sentence), so Latin runs, thousands separators such as «5,000» and decimals are left alone.

    Bad: «قال الوزير, إن المحادثات ستستمر» / «هل ستستمر المحادثات?»
    Good: «قال الوزير، إن المحادثات ستستمر» / «هل ستستمر المحادثات؟»
    """

    code = "P402"
    name = "latin-punctuation"
    category = Category.PUNCTUATION
    severity = Severity.MINOR

    _ARABIC: ClassVar[Mapping[str, str]] = {",": "،", ";": "؛", "?": "؟"}
    _PATTERN = re.compile("[,;?]")
    _ARABIC_CHAR = re.compile(f"[{_AL}{_AM}]")
    _ARABIC_START = re.compile(f"[ \t]*[{_AL}]")
    _QUESTION_END = re.compile(f"[ \t]*(?:[{_AL}]|$|[{_CLOSERS}])", re.MULTILINE)
    _DIGIT = re.compile(f"[{_DIGITS}]")

    def run(self, ctx: ArticleContext) -> Iterator[Finding]:
        text = ctx.text
        for m in self._PATTERN.finditer(text):
            if self._in_arabic(text, m.start()):
                mark = m.group()
                arabic = self._ARABIC[mark]
                yield self.finding(
                    text,
                    m.start(),
                    m.end(),
                    f"Latin «{mark}» in Arabic text: use the Arabic «{arabic}».",
                    suggestion=arabic,
                    fix=Fix.replace(m.start(), m.end(), arabic),
                )

    def _in_arabic(self, text: str, at: int) -> bool:
        before = at - 1
        while before >= 0 and text[before] in " \t":
            before -= 1
        previous = text[before] if before >= 0 else ""
        if text[at] == "?":
            return bool(self._ARABIC_CHAR.match(previous)) and bool(self._QUESTION_END.match(text, at + 1))
        if self._ARABIC_CHAR.match(previous):
            return bool(self._ARABIC_START.match(text, at + 1))
        # after a number only when a space follows: «عام 2014, قال», never «5,000»
        return (
            before == at - 1
            and bool(self._DIGIT.match(previous))
            and text[at + 1 : at + 2] in (" ", "\t")
            and bool(self._ARABIC_START.match(text, at + 1))
        )


@dataclass(frozen=True)
class _Mark:
    position: int
    glyph: str
    paragraph: int
    role: str  # "open", "close" or "?" (cannot tell from the neighbours)
    starts_paragraph: bool


_OPEN_BEFORE = frozenset("([{«<—–-:/\u00a0")
_CLOSE_AFTER = frozenset(".,،؛;:!?؟)]}»…-–—")


def _quote_marks(text: str, paragraphs: Sequence[Span], pattern: re.Pattern[str]) -> Iterator[_Mark]:
    index = 0
    for m in pattern.finditer(text):
        position = m.start()
        while index < len(paragraphs) and paragraphs[index].end <= position:
            index += 1
        before = text[position - 1] if position > 0 else "\n"
        after = text[position + 1] if position + 1 < len(text) else "\n"
        opens = (before.isspace() or before in _OPEN_BEFORE) and not (after.isspace() or after in _CLOSE_AFTER)
        closes = not before.isspace() and (after.isspace() or after in _CLOSE_AFTER)
        role = "open" if opens and not closes else "close" if closes and not opens else "?"
        starts = index < len(paragraphs) and paragraphs[index].start == position
        yield _Mark(position, m.group(), index, role, starts)


_PAIR = {"“": "”", "”": "“", "«": "»"}


class UnbalancedQuotes(Check):
    """Quotation marks that do not pair up, face the wrong way or are mixed.

    Reported: an opening quote never closed, a closing quote with no opening, a closing quote facing
    the wrong way («“…“») and a pair of mixed marks («“…"»).
    Double quotes (" “ ” „) and guillemets (« ») are followed separately. Double quotes pair up inside
    each paragraph; a paragraph with an odd number of them has one left over. A left-over quote may
    open a quotation that runs on: it is closed by the first quote of one of the next
    ``max_open_paragraphs`` paragraphs, or continued by a quote opening the very next paragraph (the
    multi-paragraph quotation convention). Otherwise it is reported: as "never closed", or as "no
    opening" when it reads as a closing mark (letter before, space or punctuation after) at the start of
    the pairing. Guillemets have a direction of their own and may nest. Each problem is one minor finding
    on the mark concerned.

    Bad: «وقال: "قد لا يكون ذلك ممكنا. آمل أن يتم إنجازها هذا الشهر.» (never closed)
    Good: «وقال: "قد لا يكون ذلك ممكنا. آمل أن يتم إنجازها هذا الشهر".»
    """

    code = "P403"
    name = "unbalanced-quotes"
    category = Category.PUNCTUATION
    severity = Severity.MINOR
    options: ClassVar[Mapping[str, Option]] = {
        "max_open_paragraphs": Option(5, "paragraphs after its own in which an open quotation may still close"),
    }

    _DOUBLE = re.compile('["“”„‟]')
    _GUILLEMETS = re.compile("[«»]")

    def run(self, ctx: ArticleContext) -> Iterator[Finding]:
        text, paragraphs = ctx.text, ctx.doc.paragraphs
        if self._DOUBLE.search(text):
            yield from self._double(text, _quote_marks(text, paragraphs, self._DOUBLE))
        if self._GUILLEMETS.search(text):
            yield from self._guillemets(text, _quote_marks(text, paragraphs, self._GUILLEMETS))

    def _double(self, text: str, marks: Iterator[_Mark]) -> Iterator[Finding]:
        limit = self.config["max_open_paragraphs"]
        pending: _Mark | None = None
        for _, group in groupby(marks, key=lambda m: m.paragraph):
            paragraph = list(group)
            first = paragraph[0]
            if pending is not None:
                distance = first.paragraph - pending.paragraph
                if first.starts_paragraph and distance == 1 and first.role != "close":
                    pending = None  # the quotation goes on: this paragraph re-opens it
                elif distance <= limit and len(paragraph) % 2 == 1 and first.role != "open":
                    yield from self._check_pair(text, pending, first)
                    paragraph, pending = paragraph[1:], None
                elif len(paragraph) % 2 == 1 or first.starts_paragraph or distance > limit:
                    yield self._unclosed(text, pending)
                    pending = None
            if len(paragraph) % 2 == 1:
                if paragraph[0].role == "close" and (len(paragraph) == 1 or paragraph[-1].role != "open"):
                    yield self._no_opening(text, paragraph[0])
                    paragraph = paragraph[1:]
                else:
                    pending, paragraph = paragraph[-1], paragraph[:-1]
            for opening, closing in zip(paragraph[::2], paragraph[1::2], strict=True):
                yield from self._check_pair(text, opening, closing)
        if pending is not None:
            yield self._unclosed(text, pending)

    def _guillemets(self, text: str, marks: Iterator[_Mark]) -> Iterator[Finding]:
        limit = self.config["max_open_paragraphs"]
        stack: list[_Mark] = []
        for mark in marks:
            if stack and mark.paragraph > stack[-1].paragraph:
                distance = mark.paragraph - stack[-1].paragraph
                if mark.glyph == "«" and mark.starts_paragraph and distance == 1:
                    stack[-1] = mark  # the quotation goes on in this paragraph
                    continue
                if mark.glyph == "«" or distance > limit:
                    yield from (self._unclosed(text, m) for m in stack)
                    stack.clear()
            if mark.glyph == "«":
                if len(stack) >= 3:  # nested, but not this deep: the oldest was never closed
                    yield self._unclosed(text, stack.pop(0))
                stack.append(mark)
            elif stack:
                stack.pop()
            else:
                yield self._no_opening(text, mark)
        yield from (self._unclosed(text, m) for m in stack)

    def _no_opening(self, text: str, mark: _Mark) -> Finding:
        return self.finding(
            text, mark.position, mark.position + 1, f"Closing quotation mark «{mark.glyph}» with no opening one."
        )

    def _unclosed(self, text: str, mark: _Mark) -> Finding:
        return self.finding(
            text,
            mark.position,
            mark.position + 1,
            f"Quotation mark «{mark.glyph}» is never closed.",
        )

    def _check_pair(self, text: str, opening: _Mark, closing: _Mark) -> Iterator[Finding]:
        a, b = opening.glyph, closing.glyph
        if a in "“”" and a == b:
            right = _PAIR[a]
            yield self.finding(
                text,
                closing.position,
                closing.position + 1,
                f"Closing quotation mark «{b}» faces the wrong way: the quotation opened with «{a}», "
                f"close it with «{right}».",
                suggestion=right,
                fix=Fix.replace(closing.position, closing.position + 1, right),
            )
        elif (a == '"') != (b == '"') and "«" not in (a, b):
            right = '"' if a == '"' else _PAIR.get(a, b)
            yield self.finding(
                text,
                closing.position,
                closing.position + 1,
                f"Mixed quotation marks: the quotation opened with «{a}» but closes with «{b}».",
                suggestion=right,
                fix=Fix.replace(closing.position, closing.position + 1, right),
            )


class SpaceBeforePercent(Check):
    """A space between a number and its percent sign.

    Arabic news style (and the human references) write the sign against the number, «20%» or «20٪»;
    a space lets a line break separate them. Both the Latin % and the Arabic ٪ are accepted.

    Bad: «حوالي 20 ٪ من أراضي أوكرانيا»
    Good: «حوالي 20٪ من أراضي أوكرانيا»
    """

    code = "P404"
    name = "space-before-percent"
    category = Category.PUNCTUATION
    severity = Severity.MINOR

    _PATTERN = re.compile("[ \t\u00a0\u202f]+([%٪])")
    _NEEDS = literal_requirements(_PATTERN.pattern, shortest=1)  # one of the signs
    _DIGIT = re.compile(f"[{_DIGITS}]")

    def run(self, ctx: ArticleContext) -> Iterator[Finding]:
        text = ctx.text
        if not meets(text, self._NEEDS):
            return
        for m in self._PATTERN.finditer(text):
            if m.start() == 0 or not self._DIGIT.match(text, m.start() - 1):
                continue
            yield self.finding(
                text,
                m.start(),
                m.end(),
                "Space between a number and the percent sign: write them together.",
                suggestion=m.group(1),
                fix=Fix.replace(m.start(), m.end(), m.group(1)),
            )


class TatweelDash(Check):
    """Tatweel (the kashida «ـ») standing alone between words as a dash.

    Tatweel stretches a letter; it is not punctuation. Used as a dash it breaks search and
    renders inconsistently. Tatweel that joins a prefix to a number, a quote or a Latin word («بـ 30»,
    «الـ"ناتو"») is normal and left alone.

    Bad: «وراء غزوه ــ وهي اختصار لقائمة طويلة»
    Good: «وراء غزوه – وهي اختصار لقائمة طويلة»
    """

    code = "P405"
    name = "tatweel-dash"
    category = Category.PUNCTUATION
    severity = Severity.MINOR

    _PATTERN = re.compile("\u0640+")
    _NEEDS = literal_requirements(_PATTERN.pattern, shortest=1)

    def run(self, ctx: ArticleContext) -> Iterator[Finding]:
        text = ctx.text
        if not meets(text, self._NEEDS):
            return
        for m in self._PATTERN.finditer(text):
            alone_before = m.start() == 0 or text[m.start() - 1].isspace()
            alone_after = m.end() == len(text) or text[m.end()].isspace()
            if not (alone_before and alone_after):
                continue
            yield self.finding(
                text,
                m.start(),
                m.end(),
                "Tatweel used as a dash: use a dash «–».",
                suggestion="–",
                fix=Fix.replace(m.start(), m.end(), "–"),
            )


_STRENGTH = {".": 5, "؟": 4, "?": 4, "؛": 3, ";": 3, ":": 2, "،": 1, ",": 1}


class DoubledPunctuation(Check):
    """Two or more punctuation marks in a row where one belongs: «،،», «..», «؟؟», «،.», «؟.».

    An ellipsis («...», «…», also when another mark follows it) and the emphatic «!!», «؟!» are left
    alone, and so are marks next to Latin letters, digits or slashes (paths, ranges, URLs, times). The
    suggestion keeps one mark, the strongest.

    Bad: «وقال الوزير،، إن المحادثات ستستمر..»
    Good: «وقال الوزير، إن المحادثات ستستمر.»
    """

    code = "P406"
    name = "doubled-punctuation"
    category = Category.PUNCTUATION
    severity = Severity.MINOR

    _PATTERN = re.compile("[.,،؛;:؟?]{2,}")
    #: Two marks in a row, where every match starts: searched first, faster than the pattern over a text without any.
    _PAIR = re.compile("[.,،؛;:؟?][.,،؛;:؟?]")
    _TECHNICAL = re.compile(f"[{LATIN_LETTER}0-9/\\\\]")

    def run(self, ctx: ArticleContext) -> Iterator[Finding]:
        text = ctx.text
        first = self._PAIR.search(text)
        if first is None:
            return
        for m in self._PATTERN.finditer(text, first.start()):
            before = text[m.start() - 1 : m.start()]
            after = text[m.end() : m.end() + 1]
            if self._TECHNICAL.match(before) or self._TECHNICAL.match(after):
                continue
            marks = m.group()
            if marks.startswith("...") or (set(marks) == {"."} and len(marks) != 2):
                continue  # an ellipsis, perhaps followed by another mark
            keep = max(marks, key=lambda c: _STRENGTH.get(c, 0))
            yield self.finding(
                text,
                m.start(),
                m.end(),
                f"Doubled punctuation «{marks}»: keep one mark.",
                suggestion=keep,
                fix=Fix.replace(m.start(), m.end(), keep),
            )


# Words after which a lone letter is a label, not a prefix: «الخطة ب», «فيتامين ب», «المجموعة ب».
_LABEL_WORDS = _words("""
    خطة الخطة فيتامين الفيتامين الكبد التهاب مجموعة المجموعة فئة الفئة نوع النوع بند البند فقرة الفقرة ملحق الملحق
    جدول الجدول شكل الشكل قسم القسم حرف الحرف درجة الدرجة فريق الفريق مستوى المستوى الطابق طابق المبنى مبنى الجناح
    جناح البوابة بوابة الصالة صالة الخيار خيار النموذج نموذج المرحلة مرحلة الفصيلة فصيلة الزمرة زمرة
    """)
# A prefix cannot be the whole story before these (they are particles, not hosts): «الخطة ب في».
_NOT_HOSTS = _words("في من إلى الى على عن مع أو ثم التي الذي الذين هو هي هم أن إن لا لم لن قد و ف")


_PREFIX_LETTERS = frozenset(CONJUNCTIONS + PREPOSITIONS)


def _detached_letters(ctx: ArticleContext, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
    """``pattern.finditer(ctx.text)`` for :class:`DetachedPrefix`'s pattern, tried only at the one-letter Arabic words
    that are a prefix letter: a match's letter has a blank, a bracket or a quote before it and a blank after it."""
    return matches_at_words(ctx, pattern, _PREFIX_LETTERS)


class DetachedPrefix(Check):
    """A one-letter prefix (ب ل ك ف و) written apart from its word.

    In Arabic the prepositions ب ل ك and the conjunctions ف و attach to the next word. A detached
    ب ل ك ف is a plain spelling error (major); a detached «و» is a frequent machine-translation and
    typing habit that readers forgive more easily (minor). A lone letter used as a label («الخطة ب»,
    «فيتامين ب»), in an enumeration («أ و ب») or before a particle, a digit or a Latin word is left alone.
    The suggestion joins the letter to its word («ل الفشل» becomes «للفشل»).

    Bad: «انتقد زيلينسكي روسيا ل الفشل في الموافقة» / «و الحكومة»
    Good: «انتقد زيلينسكي روسيا لفشلها في الموافقة» / «والحكومة»
    """

    code = "P407"
    name = "detached-prefix"
    category = Category.PUNCTUATION
    severity = Severity.MAJOR

    _PATTERN = re.compile(rf"(?<![^\s(«\"“])([بلكفو])[ \t]+([{_AL}][{_AL}{_AM}]+)")
    _PREVIOUS_WORD = re.compile(rf"([{_AL}{_AM}]+)[ \t]*$")

    def run(self, ctx: ArticleContext) -> Iterator[Finding]:
        text = ctx.text
        for m in _detached_letters(ctx, self._PATTERN):
            letter, word = m.group(1), m.group(2)
            if word in _NOT_HOSTS or len(word) < 2:
                continue
            previous = self._PREVIOUS_WORD.search(text, max(0, m.start() - 30), m.start())
            if previous is not None and (previous.group(1) in _LABEL_WORDS or len(previous.group(1)) == 1):
                continue
            joined = letter + (word[1:] if letter == "ل" and word.startswith("ال") else word)
            severity = Severity.MINOR if letter == "و" else Severity.MAJOR
            yield self.finding(
                text,
                m.start(),
                m.end(),
                f"The prefix «{letter}» is written apart from its word: join it («{joined}»).",
                suggestion=joined,
                severity=severity,
                fix=Fix.replace(m.start(), m.end(), joined),
            )


#: Invisible controls: soft hyphen, Arabic letter mark, zero-width and directional marks, embeddings and overrides,
#: word joiner and invisible operators, isolates, byte-order mark.
_INVISIBLE = (
    "\u00ad\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064"
    "\u2066\u2067\u2068\u2069\ufeff"
)


class InvisibleControls(Check):
    """Invisible bidirectional and zero-width control characters inside the text.

    Marks such as U+200F (right-to-left mark), U+202B (right-to-left embedding), U+2067 (right-to-left
    isolate), zero-width spaces and joiners, the byte-order mark and soft hyphens are left over from
    copy-and-paste or a CMS. They are invisible, break search, copy and word counts, and can reorder
    the text on screen. The zero-width non-joiner has uses in Persian but none in Arabic news.
    Consecutive controls make one finding; the suggestion deletes them.

    Bad: «قال الرئيس\u200f\u200f إن المحادثات» (two invisible right-to-left marks)
    Good: «قال الرئيس إن المحادثات»
    """

    code = "P408"
    name = "invisible-controls"
    category = Category.PUNCTUATION
    severity = Severity.MINOR
    dimension = "source"

    _PATTERN = re.compile(f"[{_INVISIBLE}]+")
    # One quick search per character: faster than the pattern over a text without any.
    _NEEDS = literal_requirements(_PATTERN.pattern, shortest=1)

    def run(self, ctx: ArticleContext) -> Iterator[Finding]:
        text = ctx.text
        if not meets(text, self._NEEDS):
            return
        for m in self._PATTERN.finditer(text):
            names = []
            for char in dict.fromkeys(m.group()):
                names.append(f"U+{ord(char):04X} {unicodedata.name(char, 'CONTROL').lower()}")
            count = len(m.group())
            yield self.finding(
                text,
                m.start(),
                m.end(),
                f"{count} invisible control character{'s' if count > 1 else ''} ({', '.join(names)}): delete.",
                suggestion="",
                fix=Fix.replace(m.start(), m.end(), ""),
            )


class PresentationForms(Check):
    """Arabic presentation-form characters (U+FB50–U+FDFF, U+FE70–U+FEFE) instead of ordinary letters.

    Presentation forms are the shaped glyphs of a font (initial, medial, final, isolated, ligatures).
    Text copied from PDFs or old software keeps them: it looks right but search, spelling and word
    counts fail on it. The suggestion is the normalised text (Unicode NFKC). The word ligatures
    U+FDF0–U+FDFF («ﷺ», «ﷲ») are sometimes used on purpose and are reported as info only.

    Bad: «ﺍﻟﺤﻜﻮﻣﺔ» (presentation forms)
    Good: «الحكومة»
    """

    code = "P409"
    name = "presentation-forms"
    category = Category.PUNCTUATION
    severity = Severity.MINOR
    dimension = "source"

    _FORMS = PRESENTATION_FORMS
    _PATTERN = re.compile(f"[{_FORMS}]+(?:[ \t]+[{_FORMS}]+)*")
    #: One presentation form, where every match starts: searched first, faster than the pattern over a text without any.
    _FORM = re.compile(f"[{_FORMS}]")
    _WORD_LIGATURES = re.compile("^[\ufdf0-\ufdff]+$")

    def run(self, ctx: ArticleContext) -> Iterator[Finding]:
        text = ctx.text
        first = self._FORM.search(text)
        if first is None:
            return
        for m in self._PATTERN.finditer(text, first.start()):
            normalised = from_presentation_forms(m.group())
            ligature = bool(self._WORD_LIGATURES.match(m.group()))
            yield self.finding(
                text,
                m.start(),
                m.end(),
                f"Arabic presentation-form characters: write the ordinary letters «{normalised}».",
                suggestion=normalised,
                severity=Severity.INFO if ligature else None,
                fix=None if ligature else Fix.replace(m.start(), m.end(), normalised),
            )
