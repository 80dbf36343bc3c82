"""Segmentation of an article into paragraphs, sentences and words, with character offsets.

Every span is a pair of Python string indices into the article text exactly as decoded, so
``text[start:end]`` is always the segment. Paragraphs are non-empty lines (news sites put one
paragraph per line, with or without blank lines between them); sentences end at Arabic or
Latin sentence punctuation followed by white space, closing quotes kept with their sentence.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import NamedTuple

from audit.arabic.orthography import ARABIC_DIGITS, ARABIC_LETTER, ARABIC_LETTER_RE, ARABIC_MARKS

LATIN_LETTER = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"

LATIN_LETTER_RE = re.compile(f"[{LATIN_LETTER}]")
WORD_RE = re.compile(f"[{ARABIC_LETTER}{ARABIC_MARKS}{LATIN_LETTER}0-9{ARABIC_DIGITS}]+(?:['’][{LATIN_LETTER}]+)?")
LATIN_WORD_RE = re.compile(f"[{LATIN_LETTER}]+(?:['’][{LATIN_LETTER}]+)?")

_LINE_RE = re.compile(r"[^\n]+")
# A sentence ends at . ! ? ؟ … (or several of them), optionally followed by closing quotes or brackets,
# and then white space. The punctuation and closing marks stay with the sentence they close.
_SENTENCE_END_RE = re.compile(r"[.!?\u061f\u2026\u06d4]+[\"'\u201d\u2019\u00bb)\]]*(?=\s)")


class Span(NamedTuple):
    """A half-open character range ``[start, end)`` of the article text (a tuple: cheap to make by the million)."""

    start: int
    end: int

    def slice(self, text: str) -> str:
        return text[self.start : self.end]


def _trimmed(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if end > start else None


def split_paragraphs(text: str) -> list[Span]:
    """Non-empty lines, trimmed of surrounding white space."""
    spans = []
    for match in _LINE_RE.finditer(text):
        span = _trimmed(text, match.start(), match.end())
        if span is not None:
            spans.append(span)
    return spans


def split_sentences(text: str, paragraph: Span) -> list[Span]:
    """Sentences of one paragraph."""
    spans = []
    start = paragraph.start
    for match in _SENTENCE_END_RE.finditer(text, paragraph.start, paragraph.end):
        span = _trimmed(text, start, match.end())
        if span is not None:
            spans.append(span)
        start = match.end()
    last = _trimmed(text, start, paragraph.end)
    if last is not None:
        spans.append(last)
    return spans


class Document:
    """An article's text with its segmentation computed once, on first use."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def paragraphs(self) -> list[Span]:
        return split_paragraphs(self.text)

    @cached_property
    def sentences(self) -> list[Span]:
        return [s for p in self.paragraphs for s in split_sentences(self.text, p)]

    @cached_property
    def words(self) -> list[Span]:
        return [Span(m.start(), m.end()) for m in WORD_RE.finditer(self.text)]

    @cached_property
    def word_count(self) -> int:
        if "words" in self.__dict__:
            return len(self.words)
        return len(WORD_RE.findall(self.text))

    def paragraph_of(self, offset: int) -> Span | None:
        """The paragraph holding ``offset`` (binary search)."""
        paragraphs = self.paragraphs
        lo, hi = 0, len(paragraphs)
        while lo < hi:
            mid = (lo + hi) // 2
            if paragraphs[mid].end <= offset:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(paragraphs) and paragraphs[lo].start <= offset:
            return paragraphs[lo]
        return None


def arabic_ratio(text: str) -> float:
    """Share of Arabic letters among the Arabic and Latin letters of ``text`` (1.0 when it has neither)."""
    arabic = len(ARABIC_LETTER_RE.findall(text))
    latin = len(LATIN_LETTER_RE.findall(text))
    total = arabic + latin
    return 1.0 if total == 0 else arabic / total
