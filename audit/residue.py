"""The residue classifier: which lines and spans of an article came with the web page, not with the article.

It reads every line (paragraph) of an article once (:func:`residue_of`, shared by the residue checks, the
untranslated-text checks and the reference checks, so one English comment-form line is reported once, as
residue). The rules are documented with the B2xx checks (:mod:`audit.checks.residue`).
"""

from __future__ import annotations

import re
import warnings
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import repeat
from pathlib import Path
from typing import Any

from audit import resources
from audit.arabic.orthography import ARABIC_LETTER, ARABIC_LETTER_RE, ARABIC_RUN_RE
from audit.context import ArticleContext
from audit.langid import ENGLISH_FUNCTION_WORDS, identify
from audit.literals import best_requirement, literal_requirements, meets, uncased
from audit.text import LATIN_LETTER, LATIN_LETTER_RE, Span

PATTERN_FILE = resources.RESIDUE_PATTERNS
LINE_KINDS = ("page", "bio", "advert", "wire")
SPAN_KINDS = ("inline-wire", "inline-credit")
KINDS = LINE_KINDS + SPAN_KINDS

#: Lines longer than this (characters) in the middle of an article are not matched against the patterns:
#: residue lines are short, and it keeps a 50 MB article fast. Head and tail lines are always matched.
MAX_PATTERN_LINE = 600
#: Lines at each end that count as head / tail for pattern matching of long lines.
EDGE_LINES = 12
#: Span patterns (distributor tags, photo credits) are looked for this many characters from a line's ends.
_SPAN_REACH = 200

_LATIN_RUN_RE = re.compile(f"[{LATIN_LETTER}]+")
_LATIN_WORD_RE = re.compile(f"[{LATIN_LETTER}][{LATIN_LETTER}'’-]*")
_SENTENCE_END_RE = re.compile(r"[.!?؟…。][\"'”’»)\]]*\s*$")
_URLISH_RE = re.compile(
    r"(?i)\bhttps?://\S+|\bwww\.\S+|[\w.+-]+@[\w-]+\.[\w.-]+|(?<![\w@])@[A-Za-z_]\w{2,}|\b[\w-]+\.(?:com|org|net)\b"
)
_IMAGE_NAME_RE = re.compile(
    r"(?i)^[^\s.]?[\w\s().-]{0,120}?[\s._-](?:jpe?g|png|gif|webp|tiff?|bmp|heic|avif)$|^[\w-]+\.(?:jpe?g|png|gif|webp)$"
)
#: How every image file name ends (searched from six characters before the end: the extension, then ``$``).
_IMAGE_EXTENSION_RE = re.compile(r"(?i)(?:jpe?g|png|gif|webp|tiff?|bmp|heic|avif)$")
# "Label: item، item، item" with short items: a tag / category / section list.
_TAG_LIST_RE = re.compile(r"^[^:：\n]{2,30}[:：]\s*\S[^.!?؟\n]*[،,][^.!?؟\n]*$")
_PUBLISHER_NAME_RE = re.compile(f"[{LATIN_LETTER}][{LATIN_LETTER}0-9]{{3,}}")
_PATTERN_LINE_RE = re.compile(r"^\[(?P<kind>[a-z-]+)\]$")


@dataclass(frozen=True)
class ResiduePatterns:
    """The compiled pattern file.

    Python's regex engine tries an alternation branch by branch at every position, so one big alternation of all
    patterns is slow; patterns anchored at the line start are joined and tried at position 0 only, the others are
    searched one by one (each gets the engine's literal-prefix speed-up), patterns without Arabic letters only
    on lines that have Latin letters, and patterns with a literal requirement in Arabic (:mod:`audit.literals`)
    only in articles, then on lines, that have one of its literals; span patterns only in articles, then near line
    ends, that have one literal or character of each of their requirements. A line starting with an Arabic letter
    is tried only against the anchored patterns that can match such a line (:attr:`anchored_arabic`).
    """

    anchored: re.Pattern[str] | None
    anchored_kinds: tuple[str, ...]
    unanchored: tuple[tuple[re.Pattern[str], str, bool], ...]  # (pattern, kind, needs Latin letters)
    spans: tuple[tuple[re.Pattern[str], str], ...]
    count: int
    #: for each unanchored pattern, literals of which a line must have one to match it (empty: no such need)
    unanchored_literals: tuple[tuple[str, ...], ...] = ()
    #: for each span pattern, its literal requirements down to single characters: a text must have a literal of
    #: each to hold a match (empty: none known)
    span_needs: tuple[tuple[tuple[str, ...], ...], ...] = ()
    #: the anchored patterns as written, in the order of :attr:`anchored` (empty: not known)
    anchored_sources: tuple[str, ...] = ()

    @cached_property
    def anchored_arabic(self) -> re.Pattern[str] | None:
        """The anchored patterns whose match may start with an Arabic letter, joined like :attr:`anchored` (same
        group names), in the same order: on a line starting with an Arabic letter it finds what :attr:`anchored`
        finds. :attr:`anchored` itself when the sources are not known; None when no pattern can."""
        if self.anchored is None or len(self.anchored_sources) != len(self.anchored_kinds):
            return self.anchored
        branches = [
            f"(?P<p{index}>{source})"
            for index, source in enumerate(self.anchored_sources)
            if _may_start_with_arabic(source, self.anchored.flags)
        ]
        return re.compile("|".join(branches), self.anchored.flags) if branches else None


def _anchored(pattern: str) -> bool:
    """True when the pattern starts with ``^`` and has no top-level ``|`` (so it can only match at the start)."""
    if not pattern.startswith("^"):
        return False
    depth, i, in_class = 0, 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return False
        i += 1
    return True


def _may_start_with_arabic(pattern: str, flags: int) -> bool:
    """Whether a match of ``pattern`` may start with an Arabic letter: False only when its first character is
    certainly something else (a Latin letter, a digit, a given sign), whatever the case flags."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import sre_constants
        import sre_parse

    # the ranges of code points of :data:`ARABIC_LETTER`
    letter_set: Any = sre_parse.parse(f"[{ARABIC_LETTER}]")[0][1]
    letters: list[tuple[int, int]] = [i if kind is sre_constants.RANGE else (i, i) for kind, i in letter_set]

    def arabic_in(low: int, high: int) -> bool:
        return any(low <= last and high >= first for first, last in letters)

    def first(items: Any) -> tuple[bool, bool]:
        """(whether a match may start with an Arabic letter, whether it may be empty)"""
        for op, value in items:
            if op is sre_constants.AT:
                continue  # ^ or a word boundary: no character
            if op is sre_constants.LITERAL:
                return arabic_in(value, value), False
            if op is sre_constants.IN:  # a set: its characters and ranges, or a category or negation (may)
                return any(
                    arabic_in(item, item)
                    if kind is sre_constants.LITERAL
                    else arabic_in(*item)
                    if kind is sre_constants.RANGE
                    else True
                    for kind, item in value
                ), False
            if op is sre_constants.SUBPATTERN:
                parts = [first(value[-1])]
            elif op is sre_constants.BRANCH:
                parts = [first(branch) for branch in value[1]]
            elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
                may, empty = first(value[2])
                parts = [(may, empty or value[0] == 0)]
            else:
                return True, True  # a lookaround, a back reference, ...: it may
            if any(may for may, _ in parts):
                return True, True
            if not any(empty for _, empty in parts):
                return False, False
            # an optional part that cannot start with an Arabic letter: the next part may start the match
        return False, True

    try:
        may, empty = first(sre_parse.parse(pattern, flags))
    except Exception:  # an exotic pattern: tried on every line
        return True
    return may or empty


def _compile(pattern: str, flags: re.RegexFlag, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise ValueError(f"{where}: bad regular expression: {exc}") from exc


def parse_patterns(text: str, source: str = PATTERN_FILE) -> ResiduePatterns:
    """Compile the pattern file; raise ``ValueError`` naming the line of a bad section or regex."""
    anchored: list[str] = []
    anchored_kinds: list[str] = []
    anchored_sources: list[str] = []
    unanchored: list[tuple[re.Pattern[str], str, bool]] = []
    unanchored_literals: list[tuple[str, ...]] = []
    spans: list[tuple[re.Pattern[str], str]] = []
    span_needs: list[tuple[tuple[str, ...], ...]] = []
    anchored_lines: list[tuple[int, str]] = []
    kind: str | None = None
    flags = re.IGNORECASE
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        section = _PATTERN_LINE_RE.match(line)
        if section:
            kind = section.group("kind")
            if kind not in KINDS:
                raise ValueError(f"{source}:{number}: unknown section [{kind}]; valid: {', '.join(KINDS)}")
            continue
        if kind is None:
            raise ValueError(f"{source}:{number}: a pattern before any [section]")
        if kind not in SPAN_KINDS and _anchored(line):
            # compiled below, joined with the other anchored patterns (one at a time only to name a bad one)
            anchored.append(f"(?P<p{len(anchored_kinds)}>{line})")
            anchored_sources.append(line)
            anchored_kinds.append(kind)
            anchored_lines.append((number, line))
            continue
        compiled = _compile(line, flags, f"{source}:{number}")
        # (the patterns ignore case: only literals without cased letters are certain)
        if kind in SPAN_KINDS:
            spans.append((compiled, kind))
            span_needs.append(tuple(r for r in literal_requirements(line, shortest=1) if uncased(r)))
        else:
            unanchored.append((compiled, kind, not ARABIC_LETTER_RE.search(line)))
            unanchored_literals.append(best_requirement([r for r in literal_requirements(line) if uncased(r)]) or ())
    joined: re.Pattern[str] | None = None
    if anchored:
        try:
            joined = re.compile("|".join(anchored), flags)
        except re.error as exc:
            for number, line in anchored_lines:
                _compile(line, flags, f"{source}:{number}")
            raise ValueError(f"{source}: the line-start patterns do not combine: {exc}") from exc
    return ResiduePatterns(
        anchored=joined,
        anchored_kinds=tuple(anchored_kinds),
        unanchored=tuple(unanchored),
        spans=tuple(spans),
        count=len(anchored) + len(unanchored) + len(spans),
        unanchored_literals=tuple(unanchored_literals),
        span_needs=tuple(span_needs),
        anchored_sources=tuple(anchored_sources),
    )


@lru_cache(maxsize=8)
def _load_patterns(path: Path, mtime: float) -> ResiduePatterns:
    return parse_patterns(path.read_text(encoding="utf-8"), str(path))


_EMPTY = ResiduePatterns(None, (), (), (), 0)


def load_patterns(path: Path | None = None) -> ResiduePatterns:
    """The residue patterns (default ``audit/data/residue_patterns.txt``); none when the file is missing."""
    if path is None:
        return _default_patterns(resources.cache_key())
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return _EMPTY
    return _load_patterns(path, mtime)


@lru_cache(maxsize=8)
def _default_patterns(key: resources.CacheKey) -> ResiduePatterns:
    """The default pattern file, read once per references folder (a process audits with one set of patterns)."""
    return parse_patterns(resources.read_text(PATTERN_FILE), resources.location(PATTERN_FILE))


@dataclass(frozen=True, slots=True)
class ResidueSpan:
    """A stretch of residue: a whole line or an inline span, with the code that reports it and why."""

    start: int
    end: int
    code: str
    kind: str
    reason: str
    whole_line: bool
    foreign: bool
    line: int = -1


@dataclass(frozen=True)
class ResidueAnalysis:
    """Every residue span of one article, sorted by start."""

    spans: tuple[ResidueSpan, ...]

    @cached_property
    def _ends(self) -> tuple[list[int], list[int]]:
        """Span starts and the running maximum of span ends, for a binary search."""
        starts, reach, furthest = [], [], -1
        for span in self.spans:
            furthest = max(furthest, span.end)
            starts.append(span.start)
            reach.append(furthest)
        return starts, reach

    def covers(self, start: int, end: int) -> bool:
        """True when ``[start, end)`` overlaps a residue span (binary search: spans are sorted by start)."""
        starts, reach = self._ends
        index = bisect_left(starts, end) - 1  # the last span starting before ``end``
        return index >= 0 and reach[index] > start


@dataclass(slots=True)
class _Line:
    span: Span
    text: str
    words: int
    #: Latin letters
    latin: int
    #: mostly Latin script (a line not in the article's language)
    foreign: bool
    sentence_end: bool


def _line(text: str, span: Span) -> _Line:
    body = text[span.start : span.end]
    latin = sum(map(len, _LATIN_RUN_RE.findall(body))) if LATIN_LETTER_RE.search(body) else 0
    foreign = latin >= 3 and latin / (latin + _arabic_letters(body)) >= 0.75
    words = body.count(" ") + 1
    return _Line(span, body, words, latin, foreign, bool(_SENTENCE_END_RE.search(body)))


def _arabic_letters(body: str) -> int:
    """The number of Arabic letters of a line (estimated from its start when it is long)."""
    if len(body) <= 2000:
        return sum(map(len, ARABIC_RUN_RE.findall(body)))
    # a long paragraph: sample its start, enough to tell the script
    return sum(map(len, ARABIC_RUN_RE.findall(body, 0, 2000))) * len(body) // 2000


def _is_english_prose(line: _Line) -> bool:
    """Running English (has lowercase function words), as opposed to a name, a brand or a code."""
    words = [w for w in _LATIN_WORD_RE.findall(line.text)]
    return sum(1 for w in words[1:] if w in ENGLISH_FUNCTION_WORDS) >= 1 and len(words) >= 3


def _is_headline(line: _Line, language_id: str) -> bool:
    """An English headline: running English, or four words or more that a language identifier calls English."""
    if _is_english_prose(line):
        return True
    if line.words < _HEADLINE_WORDS:
        return False
    guess = identify(line.text, language_id)
    return guess is not None and guess.language == "en" and guess.confidence >= 0.5


# Short-line thresholds of the structural rules.
_SHORT_FOREIGN_WORDS = 8
_HEADLINE_WORDS = 4
_LINK_LINE_WORDS = 15
_TAG_LIST_WORDS = 15
_SANDWICH_WORDS = 20
_FOREIGN_PROSE_CRITICAL_WORDS = 15


class _Classifier:
    def __init__(self, ctx: ArticleContext, patterns: ResiduePatterns) -> None:
        self.text = ctx.text
        self.paragraphs = ctx.doc.paragraphs
        self.patterns = patterns
        self.language_id = ctx.language_id
        self.lines: list[_Line | None] = [None] * len(self.paragraphs)
        # The patterns with literal requirements are tried only in the articles (then lines) that meet them.
        literals = patterns.unanchored_literals or repeat((), len(patterns.unanchored))
        self.unanchored = [
            (pattern, needed)
            for pattern, needed in zip(patterns.unanchored, literals, strict=True)
            if not needed or any(map(self.text.__contains__, needed))
        ]
        needs = patterns.span_needs or repeat((), len(patterns.spans))
        self.spans = [
            (pattern, kind, need)
            for (pattern, kind), need in zip(patterns.spans, needs, strict=True)
            if meets(self.text, need)
        ]

    def line(self, index: int) -> _Line:
        found = self.lines[index]
        if found is None:
            found = self.lines[index] = _line(self.text, self.paragraphs[index])
        return found

    def pattern_kind(self, index: int) -> str | None:
        patterns = self.patterns
        span = self.paragraphs[index]
        n = len(self.paragraphs)
        if span.end - span.start > MAX_PATTERN_LINE and EDGE_LINES <= index < n - EDGE_LINES:
            return None
        body = self.text[span.start : span.end]
        anchored = patterns.anchored_arabic if ARABIC_LETTER_RE.match(body) else patterns.anchored
        if anchored is not None:
            match = anchored.match(body)
            if match is not None and match.lastgroup is not None:
                return patterns.anchored_kinds[int(match.lastgroup[1:])]
        if self.unanchored:
            known = self.lines[index]
            # (a search for one letter is faster than for a run of them)
            has_latin = known.latin > 0 if known is not None else bool(LATIN_LETTER_RE.search(body))
            for (pattern, kind, needs_latin), literals in self.unanchored:
                if (
                    (has_latin or not needs_latin)
                    and (not literals or any(map(body.__contains__, literals)))
                    and pattern.search(body)
                ):
                    return kind
        return None

    def is_image_name(self, index: int) -> bool:
        span = self.paragraphs[index]
        if span.end - span.start > 160:
            return False
        if not _IMAGE_EXTENSION_RE.search(self.text, max(span.start, span.end - 6), span.end):
            return False
        return bool(_IMAGE_NAME_RE.match(self.text[span.start : span.end]))

    def weak_kind(self, index: int, at_head: bool) -> str | None:
        """A structural reason for an edge line to be residue, or ``None``."""
        line = self.line(index)
        short_foreign = line.foreign and line.words <= _SHORT_FOREIGN_WORDS and not line.sentence_end
        # at the head, an English headline is untranslated text (U101), not residue
        if short_foreign and not (at_head and _is_headline(line, self.language_id)):
            return "short foreign line"
        if line.words <= _LINK_LINE_WORDS and _URLISH_RE.search(line.text):
            return "link line"
        if not at_head and line.words <= _TAG_LIST_WORDS and _TAG_LIST_RE.match(line.text):
            return "tag list"
        return None

    def analyse(self) -> ResidueAnalysis:
        n = len(self.paragraphs)
        kinds: dict[int, tuple[str, str, str]] = {}  # line -> (code, kind, reason)
        for index in range(n):
            kind = self.pattern_kind(index)
            if kind is not None:
                kinds[index] = (_CODE_OF_KIND[kind], kind, _REASON_OF_KIND[kind])
            elif self.is_image_name(index):
                kinds[index] = ("B202", "image", "image file name")
        if n >= 3:
            self._head(kinds)
            self._tail(kinds)
        spans = [self._line_span(index, *kinds[index]) for index in sorted(kinds)]
        spans.extend(self._inline_spans(set(kinds)))
        spans.sort(key=lambda s: s.start)
        return ResidueAnalysis(tuple(spans))

    def _head(self, kinds: dict[int, tuple[str, str, str]]) -> None:
        for index in range(min(len(self.paragraphs) - 1, EDGE_LINES)):
            if index in kinds:
                continue
            weak = self.weak_kind(index, at_head=True)
            if weak is None:
                return
            kinds[index] = ("B201", "page", weak)

    def _tail(self, kinds: dict[int, tuple[str, str, str]]) -> None:
        n = len(self.paragraphs)
        publishers = self._publisher_names(kinds)
        block: list[int] = []  # tail lines, bottom-up, that are residue or provisionally residue
        provisional: set[int] = set()
        index = n - 1
        while index >= 1:
            if index in kinds:
                block.append(index)
            elif (weak := self.weak_kind(index, at_head=False)) is not None:
                kinds[index] = ("B201", "page", weak)
                block.append(index)
            elif publishers and (named := self._names_publisher(index, publishers, kinds)) is not None:
                kinds[index] = named
                block.append(index)
            elif self.line(index).foreign:
                provisional.add(index)  # residue only if a residue line lies above it in the block
                block.append(index)
            elif block and block[-1] in kinds and index - 1 in kinds and self.line(index).words <= _SANDWICH_WORDS:
                kinds[index] = ("B201", "page", "line between residue lines")
                block.append(index)
            else:
                break
            index -= 1
        # Foreign paragraphs above the top-most real residue line are untranslated text, not residue.
        confirmed = False
        for line_index in reversed(block):  # top-down
            if line_index in provisional:
                if confirmed:
                    words = self.line(line_index).words
                    kinds[line_index] = ("B201", "page", "foreign-language paragraph inside a residue block")
                    if words >= _FOREIGN_PROSE_CRITICAL_WORDS:
                        kinds[line_index] = ("B201", "bio", "foreign-language paragraph inside a residue block")
            else:
                confirmed = True

    def _publisher_names(self, kinds: dict[int, tuple[str, str, str]]) -> dict[str, tuple[str, str, str]]:
        """Latin names (brand-like words) in disclaimer / advert lines: a later line naming them is their blurb."""
        names: dict[str, tuple[str, str, str]] = {}
        for index, (code, kind, _reason) in kinds.items():
            if kind in ("wire", "advert"):
                for name in _PUBLISHER_NAME_RE.findall(self.line(index).text):
                    if not name.islower() and name.casefold() not in ENGLISH_FUNCTION_WORDS:
                        names.setdefault(name.casefold(), (code, kind, f"text about {name}, named in a {kind} line"))
        return names

    def _names_publisher(
        self, index: int, names: dict[str, tuple[str, str, str]], kinds: dict[int, tuple[str, str, str]]
    ) -> tuple[str, str, str] | None:
        if not any(k in kinds for k in range(index + 1, min(index + 4, len(self.paragraphs)))) and not any(
            k in kinds for k in range(max(0, index - 3), index)
        ):
            return None
        for name in _PUBLISHER_NAME_RE.findall(self.line(index).text):
            found = names.get(name.casefold())
            if found is not None:
                return found
        return None

    def _line_span(self, index: int, code: str, kind: str, reason: str) -> ResidueSpan:
        span = self.paragraphs[index]
        return ResidueSpan(span.start, span.end, code, kind, reason, True, self.line(index).foreign, index)

    def _inline_spans(self, whole: set[int]) -> Iterator[ResidueSpan]:
        """Span patterns, searched near the two ends of each line (a tag opens a paragraph, a credit ends one)."""
        if not self.spans:
            return
        for index, span in enumerate(self.paragraphs):
            if index in whole:
                continue
            length = span.end - span.start
            # (window start, window end, a match may touch the window's start, ... its end)
            if length > 2 * _SPAN_REACH:
                windows = [
                    (span.start, span.start + _SPAN_REACH, True, False),
                    (span.end - _SPAN_REACH, span.end, False, True),
                ]
            else:
                windows = [(span.start, span.end, True, True)]
            for window_start, window_end, open_start, open_end in windows:
                body = self.text[window_start:window_end]
                for pattern, kind, need in self.spans:
                    if need and not meets(body, need):
                        continue
                    for match in pattern.finditer(body):
                        if (match.start() == 0 and not open_start) or (match.end() == len(body) and not open_end):
                            continue  # ^ or $ matched at a cut inside the line, not at its real start or end
                        if kind == "inline-credit" and self.line(index).foreign:
                            break  # a credit ends an Arabic caption; in an English line it is untranslated text
                        start, end = _strip(body, match.start(), match.end())
                        if end > start:
                            yield ResidueSpan(
                                window_start + start,
                                window_start + end,
                                _CODE_OF_KIND[kind],
                                kind,
                                _REASON_OF_KIND[kind],
                                False,
                                False,
                                index,
                            )


def _strip(body: str, start: int, end: int) -> tuple[int, int]:
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return start, end


_CODE_OF_KIND = {
    "page": "B201",
    "bio": "B201",
    "advert": "B201",
    "wire": "B203",
    "inline-wire": "B203",
    "inline-credit": "B204",
}
_REASON_OF_KIND = {
    "page": "web-page furniture",
    "bio": "author biography",
    "advert": "advert or spam line",
    "wire": "wire or press-release disclaimer",
    "inline-wire": "press-release distributor tag",
    "inline-credit": "photo credit",
}


def residue_of(ctx: ArticleContext, patterns: ResiduePatterns | None = None) -> ResidueAnalysis:
    """The residue of one article, computed once per article context (shared by the B2xx and U1xx checks)."""
    if patterns is not None:
        return _Classifier(ctx, patterns).analyse()
    return ctx.memo("residue", lambda c: _Classifier(c, load_patterns()).analyse())
