"""Meaning traps: Arabic that reads fluently but says something else than the English meant.

Two checks read the editable data file ``audit/data/meaning_traps.toml`` (format in its header):

- M901 lost negation: «أبداً», «مطلقاً», «قط» ("never", "at all") with no negator in their clause, as in
  «يجب أن يحدث أبداً» for "should never have happened";
- M902 calques: English news idioms and names rendered word for word («نقطة فلاش» for "flashpoint",
  «صورة البلياردو» for "pool photo", «الحقيقة الاجتماعية» for Truth Social), with accepted renderings as
  the suggestion; calques that Arabic news really uses («البطة العرجاء») are listed as accepted and never flagged.

Matching runs on a folded copy of the text (diacritics and tatweel dropped, أ/إ/آ/ٱ → ا, ى → ي, ة → ه) whose
offsets map back to the original text, so spans stay exact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from functools import cached_property, lru_cache
from itertools import chain, filterfalse
from pathlib import Path
from typing import Any, ClassVar

from audit import literals, model, resources
from audit.analyses import article_tokens, folded_text, glossary_matches
from audit.arabic import orthography
from audit.arabic.clitics import CONJUNCTION_PREPOSITION_PATTERN, proclitic_runs, without_proclitics
from audit.arabic.lexicon import KeyedCache
from audit.arabic.orthography import ARABIC_RUN_RE, MARKS_RE, fold_madda_yeh_teh, fold_persian
from audit.checks.base import ArticleContext, Check, Option
from audit.literals import best_requirement, literal_requirements
from audit.model import Applicability, Category, Finding, Fix, Severity
from audit.resources import read_toml

TRAPS_FILE = resources.MEANING_TRAPS

#: Clitics allowed before a calque: a conjunction, then a preposition.
_PROCLITICS = CONJUNCTION_PREPOSITION_PATTERN
#: The comparison form of the text and of the traps (see the module docstring).
fold = fold_persian
#: The comparison form of negators: only آ ى ة folded, so «أن» and «إن» stay apart.
light_fold = fold_madda_yeh_teh


def _rewrite_regex(source: str) -> str:
    """Fold the pattern's letters like the text and let every space outside a character class match white space."""
    source = fold(source)
    out: list[str] = []
    in_class = escaped = False
    for char in source:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            out.append(char)
            escaped = True
        elif in_class:
            out.append(char)
            in_class = char != "]"
        elif char == "[":
            out.append(char)
            in_class = True
        elif char == " ":
            out.append(r"\s+")
        else:
            out.append(char)
    return "".join(out)


@dataclass(frozen=True)
class Trap:
    """One calque: the English expression, its Arabic patterns and what to write instead."""

    en: str
    patterns: tuple[str, ...]
    good: tuple[str, ...]
    severity: Severity
    accepted: bool
    note: str | None
    example: str | None = None


@dataclass(frozen=True)
class NegationRules:
    """What M901 needs: the adverbs, the words that negate a clause and the exemptions (all folded)."""

    adverbs: frozenset[str]
    no_prefix: frozenset[str]
    negators: frozenset[str]
    negator_stems: tuple[str, ...]
    exempt_before: frozenset[str]
    exempt_after: frozenset[str]
    clause_final: frozenset[str]
    noun_readings: frozenset[str]


class TrapBook:
    """The loaded ``meaning_traps.toml``: negation rules and compiled calque patterns.

    Each pattern has anchors, literals one of which every match contains. The text is searched for the
    anchors (fast substring search) and each pattern is tried only around its anchors' occurrences, which
    keeps the check fast with hundreds of traps.
    """

    #: How far around an anchor occurrence a match may start or end.
    WINDOW = 240

    def __init__(
        self,
        traps: Sequence[Trap],
        negation: NegationRules,
        requirements: Sequence[Sequence[tuple[str, ...]]] | None = None,
    ) -> None:
        """``requirements``: each pattern's literal requirements in order, when they are known already (see
        :meth:`plain`)."""
        self.traps = tuple(traps)
        self.negation = negation
        #: (pattern source, anchor literals or None, trap); each is compiled on first use (see :meth:`_compiled`)
        self._entries: list[tuple[str, tuple[str, ...] | None, Trap]] = []
        #: per entry, its literal requirements: a pattern is tried only when each has a literal in the text
        self._requirements: list[tuple[tuple[str, ...], ...]] = []
        self._patterns: dict[int, re.Pattern[str]] = {}
        #: anchor literal -> entries it anchors; entries without anchors are always searched
        self._by_literal: dict[str, list[int]] = {}
        self._unanchored: list[int] = []
        all_literals: set[str] = set()
        for trap in self.traps:
            for pattern in trap.patterns:
                index = len(self._entries)
                required = literal_requirements(pattern) if requirements is None else list(requirements[index])
                anchor = best_requirement(required)
                self._entries.append((pattern, anchor, trap))
                self._requirements.append(tuple(required))
                all_literals.update(*required)
                if anchor is None:
                    self._unanchored.append(index)
                for literal in anchor or ():
                    self._by_literal.setdefault(literal, []).append(index)
        word_literals = frozenset(literal for literal in all_literals if _WORD_RE.fullmatch(literal))
        self._other_literals = sorted(all_literals - word_literals)
        #: word literals by their first letters (as many as the shortest literal has)
        self._arabic_literals = all(map(ARABIC_RUN_RE.fullmatch, word_literals))
        self._head = min(map(len, word_literals), default=1)
        self._by_head: dict[str, list[str]] = {}
        for literal in sorted(word_literals):
            self._by_head.setdefault(literal[: self._head], []).append(literal)
        #: word -> the word literals it contains, kept across articles (most words recur)
        self._literals_in: KeyedCache[str, tuple[str, ...]] = KeyedCache(self.word_literals, limit=200_000)

    def plain(self) -> tuple[Any, ...]:
        """The book as plain data (tuples, strings, frozensets) that :meth:`from_plain` turns back into it, the
        patterns' requirements included: what later runs read instead of the file (see
        :func:`audit.resources.parsed`)."""
        negation = tuple(getattr(self.negation, field.name) for field in fields(NegationRules))
        traps = tuple((t.en, t.patterns, t.good, t.severity.value, t.accepted, t.note, t.example) for t in self.traps)
        return negation, traps, tuple(self._requirements)

    @classmethod
    def from_plain(cls, plain: tuple[Any, ...]) -> TrapBook:
        negation, traps, requirements = plain
        return cls(
            [Trap(en, patterns, good, Severity(severity), *rest) for en, patterns, good, severity, *rest in traps],
            NegationRules(*negation),
            requirements,
        )

    def find(
        self, folded: str, arabic_words: Iterable[str] | None = None, literals: Iterable[str] | None = None
    ) -> Iterator[tuple[int, int, Trap]]:
        """Flagged calques in a folded text, as folded spans, left to right; a calque overlapping an accepted
        one, or an earlier (or longer) flagged one, is skipped. ``arabic_words``: the text's Arabic words
        (``ARABIC_WORD_RE`` matches, folded by :data:`fold`) when they are known already; ``literals``: the
        :meth:`word_literals` of those words, when they are known already."""
        accepted: list[tuple[int, int]] = []
        flagged: list[tuple[int, int, Trap]] = []
        # Literals are looked up in the article's vocabulary, much shorter than the article: a word literal occurs
        # in the text exactly when it is a substring of one of its words (found once per distinct word); a literal
        # of Arabic letters only, when it is a substring of one of its Arabic words.
        if literals is not None and self._arabic_literals:
            present = set(literals)
        else:
            if arabic_words is None or not self._arabic_literals:
                arabic_words = _WORD_RE.findall(folded)
            present = set(chain.from_iterable(map(self._literals_in.__getitem__, set(arabic_words))))
        present.update(literal for literal in self._other_literals if literal in folded)
        indexes = set(self._unanchored)
        for literal in present.intersection(self._by_literal):
            indexes.update(self._by_literal[literal])
        for index in sorted(indexes):
            if not all(present.intersection(requirement) for requirement in self._requirements[index]):
                continue  # a literal that every match contains is missing from the text
            _, anchor, trap = self._entries[index]
            for start, end in self._search(self._compiled(index), anchor, folded):
                if trap.accepted:
                    accepted.append((start, end))
                else:
                    flagged.append((start, end, trap))
        flagged.sort(key=lambda item: (item[0], -item[1]))
        last_end = -1
        for start, end, trap in flagged:
            if start < last_end or any(a_start < end and start < a_end for a_start, a_end in accepted):
                continue
            last_end = end
            yield start, end, trap

    def _compiled(self, index: int) -> re.Pattern[str]:
        """Entry ``index``'s pattern, compiled the first time an article contains one of its anchors: most
        traps never occur in a short article, so a one-article audit compiles only the few it needs."""
        compiled = self._patterns.get(index)
        if compiled is None:
            pattern = self._entries[index][0]
            compiled = re.compile(rf"(?<!\w){_PROCLITICS}(?P<calque>{pattern})(?!\w)", re.MULTILINE)
            self._patterns[index] = compiled
        return compiled

    def word_literals(self, word: str) -> tuple[str, ...]:
        """The word literals (of the patterns' literal requirements) that are substrings of ``word``."""
        head, by_head = self._head, self._by_head
        found = []
        for start in range(len(word) - head + 1):
            for literal in by_head.get(word[start : start + head], ()):
                if word.startswith(literal, start):
                    found.append(literal)
        return tuple(found)

    def _search(self, pattern: re.Pattern[str], anchor: tuple[str, ...] | None, folded: str) -> set[tuple[int, int]]:
        if anchor is None:
            return {_core_span(m) for m in pattern.finditer(folded)}
        spans: set[tuple[int, int]] = set()
        size = len(folded)
        for literal in anchor:
            position = folded.find(literal)
            while position >= 0:
                low = max(0, position - self.WINDOW)
                high = min(size, position + len(literal) + self.WINDOW)
                for match in pattern.finditer(folded, low, high):
                    covers = match.start() <= position and match.end() >= position + len(literal)
                    # A match that ends where the window ends may be cut short: only the end of the text counts.
                    if covers and (match.end() < high or high == size):
                        spans.add(_core_span(match))
                position = folded.find(literal, position + 1)
        return spans


def _core_span(match: re.Match[str]) -> tuple[int, int]:
    """The span of the calque: its ``core`` group when the pattern names one, else the whole calque."""
    if "core" in match.re.groupindex and match.start("core") >= 0:
        return match.span("core")
    return match.span("calque")


def _strings(raw: dict[str, object], key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{where}: {key!r} must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _parse_trap(raw: object, where: str) -> Trap:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: must be a table")
    unknown = set(raw) - {"en", "ar", "regex", "good", "severity", "accepted", "note", "example"}
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    en = raw.get("en")
    if not isinstance(en, str) or not en.strip():
        raise ValueError(f"{where}: 'en' must be a non-empty string")
    where = f"{where} ({en})"
    literals = _strings(raw, "ar", where)
    regexes = _strings(raw, "regex", where)
    if not literals and not regexes:
        raise ValueError(f"{where}: give the calque in 'ar' or 'regex'")
    patterns = [r"\s+".join(re.escape(word) for word in fold(form).split()) for form in literals]
    for source in regexes:
        pattern = _rewrite_regex(source)
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"{where}: invalid regex {source!r}: {exc}") from exc
        patterns.append(pattern)
    accepted = raw.get("accepted", False)
    if not isinstance(accepted, bool):
        raise ValueError(f"{where}: 'accepted' must be true or false")
    severity_name = raw.get("severity", "major")
    if severity_name not in ("minor", "major"):
        raise ValueError(f'{where}: \'severity\' must be "minor" or "major", not {severity_name!r}')
    good = _strings(raw, "good", where)
    if not accepted and not good:
        raise ValueError(f"{where}: a flagged calque needs at least one 'good' rendering")
    note = raw.get("note")
    if note is not None and not isinstance(note, str):
        raise ValueError(f"{where}: 'note' must be a string")
    example = raw.get("example")
    if example is not None and not isinstance(example, str):
        raise ValueError(f"{where}: 'example' must be a string")
    return Trap(
        en=en.strip(),
        patterns=tuple(patterns),
        good=good,
        severity=Severity(str(severity_name)),
        accepted=accepted,
        note=note,
        example=example,
    )


def _parse_negation(raw: object, source: str) -> NegationRules:
    where = f"{source}: [negation]"
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: must be a table")
    keys = (
        "adverbs",
        "no_prefix",
        "negators",
        "negator_stems",
        "exempt_before",
        "exempt_after",
        "clause_final",
        "noun_readings",
    )
    unknown = set(raw) - set(keys)
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    # Negators keep the hamza: «ألا» (that not) negates, «إلا» (except) does not.
    values = {
        key: tuple((light_fold if key.startswith("negator") else fold)(v) for v in _strings(raw, key, where))
        for key in keys
    }
    if not values["adverbs"]:
        raise ValueError(f"{where}: 'adverbs' must not be empty")
    return NegationRules(
        adverbs=frozenset(values["adverbs"]),
        no_prefix=frozenset(values["no_prefix"]),
        negators=frozenset(values["negators"]),
        negator_stems=tuple(sorted(values["negator_stems"], key=len, reverse=True)),
        exempt_before=frozenset(values["exempt_before"]),
        exempt_after=frozenset(values["exempt_after"]),
        clause_final=frozenset(values["clause_final"]),
        noun_readings=frozenset(values["noun_readings"]),
    )


def parse_traps(data: dict[str, object], source: str) -> TrapBook:
    """Validate parsed TOML and build a :class:`TrapBook`; errors name ``source`` and the entry."""
    unknown = set(data) - {"negation", "trap"}
    if unknown:
        raise ValueError(f"{source}: unknown top-level key(s) {', '.join(sorted(unknown))}")
    if "negation" in data:
        negation = _parse_negation(data["negation"], source)
    else:  # no lost-negation rules: M901 finds nothing
        empty: frozenset[str] = frozenset()
        negation = NegationRules(empty, empty, empty, (), empty, empty, empty, empty)
    raw_traps = data.get("trap", [])
    if not isinstance(raw_traps, list):
        raise ValueError(f"{source}: 'trap' must be an array of tables ([[trap]])")
    traps = [_parse_trap(raw, f"{source}: trap {number}") for number, raw in enumerate(raw_traps, start=1)]
    return TrapBook(traps, negation)


@lru_cache(maxsize=4)
def _load(path: Path, mtime: float) -> TrapBook:
    return parse_traps(read_toml(path), str(path))


def load_traps(path: Path | None = None) -> TrapBook:
    """Load (and cache until the file changes) the meaning traps; the default is ``audit/data/meaning_traps.toml``."""
    if path is None:
        return _default_traps(resources.cache_key())
    path = Path(path)
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        raise ValueError(f"{path}: cannot read meaning traps: {exc.strerror}") from exc
    return _load(path.resolve(), mtime)


@lru_cache(maxsize=8)
def _default_traps(key: resources.CacheKey) -> TrapBook:
    """The default meaning traps, read once per references folder (parsed once per version of the file)."""
    code = (__file__, literals.__file__, orthography.__file__, model.__file__)  # the parsing, folding, severities
    return TrapBook.from_plain(resources.parsed(TRAPS_FILE, "traps", _parse_plain, code))


def _parse_plain(text: str) -> tuple[Any, ...]:
    return parse_traps(resources.parse_toml(text, TRAPS_FILE), resources.location(TRAPS_FILE)).plain()


# A clause ends at sentence punctuation, a semicolon or colon, a quotation mark, a bracket or a line break.
_CLAUSE_BREAK_RE = re.compile(r"[.!?؟؛;:،,\"“”«»()\[\]\n]")
_WORD_RE = re.compile(r"\w+")
#: The word right after a position when only blanks separate them (no punctuation: same clause).
_NEXT_WORD_RE = re.compile(r"[ \t\u00a0]+(\w+)")
_QUESTION_END_RE = re.compile(r"[^.!\n]*?[?؟]")
#: A conjunction and/or «ب» or «ل» before a negator («ولم», «بلا», «فلن»); «ك» never takes one.
_NEGATOR_CLITICS = proclitic_runs(prepositions=("ب", "ل"), article=False)


class LostNegation(Check):
    """«أبداً» / «مطلقاً» / «قط» without a negator: the English "never" lost its negation.

    These adverbs mean "never, at all" only under a negation (لا، لم، لن، ما، ليس، غير، عدم، دون، or a verb
    of refusal or denial). Machine translation often drops the negator, and the sentence then says the
    opposite of the English. The clause is read back to its start (sentence punctuation, a comma, colon or
    semicolon, a quotation mark, a bracket); questions («هل ... أبداً؟» "ever") and fixed positive phrases
    («دائماً وأبداً») are exempt. Word lists: ``[negation]`` in ``audit/data/meaning_traps.toml``.

    Bad: قال إن الصراع "يجب أن يحدث أبداً".
    Good: قال إن الصراع "ما كان يجب أن يحدث أبداً".
    """

    code = "M901"
    name = "lost-negation"
    category = Category.MISTRANSLATION
    severity = Severity.MAJOR
    options: ClassVar[Mapping[str, Option]] = {
        "window": Option(12, "how many words before the adverb to search for a negator (within its clause)"),
    }

    @cached_property
    def _rules(self) -> NegationRules:
        return load_traps().negation

    @cached_property
    def _adverb_re(self) -> re.Pattern[str]:
        adverbs = sorted(self._rules.adverbs, key=len, reverse=True)
        prefixed = [a for a in adverbs if a not in self._rules.no_prefix]
        bare = [a for a in adverbs if a in self._rules.no_prefix]
        alternatives = []
        if prefixed:
            alternatives.append(f"[وف]?(?P<adverb>{'|'.join(map(re.escape, prefixed))})")
        if bare:
            alternatives.append(f"(?P<bare>{'|'.join(map(re.escape, bare))})")
        return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)")

    def _is_negator(self, word: str) -> bool:
        rules = self._rules
        candidates = without_proclitics(word, _NEGATOR_CLITICS)
        for candidate in candidates:
            if candidate in rules.negators:
                return True
            if any(candidate.startswith(stem) for stem in rules.negator_stems):
                return True
        return False

    def run(self, ctx: ArticleContext) -> Iterable[Finding]:
        if not any(adverb in ctx.text for adverb in ("أبد", "ابد", "مطلق", "طلاق", "قط", "بتات", "البت")):
            return
        folded_copy = folded_text(ctx)
        folded = folded_copy.folded
        rules = self._rules
        window = int(self.config["window"])
        for match in self._adverb_re.finditer(folded):
            group = "adverb" if match.group("adverb") else "bare"
            start, end = match.span(group)
            word = match.group(group)
            clause_start = self._clause_start(folded, start)
            before = _WORD_RE.findall(folded, clause_start, match.start())
            if not before:
                continue  # an elliptical answer: «أبداً.»
            if before[-1] in rules.exempt_before:
                continue
            after = _NEXT_WORD_RE.match(folded, end)
            next_word = after.group(1) if after else None
            if next_word is not None:
                if next_word in rules.exempt_after:
                    continue
                if word in rules.clause_final:
                    continue
                if word in rules.noun_readings and next_word.endswith("ا"):
                    continue
            original_words = _WORD_RE.findall(
                ctx.text, folded_copy.to_original(clause_start), folded_copy.to_original(match.start())
            )
            if any(self._is_negator(light_fold(word)) for word in original_words[-window:]):
                continue
            question = _QUESTION_END_RE.match(folded, end)
            if question is not None:
                continue
            span_start, span_end = folded_copy.span(start, end)
            adverb = ctx.text[span_start:span_end]
            if MARKS_RE.sub("", adverb).endswith(("أ", "إ")):
                continue  # «أبدأ» (I start) folds like «أبدا»
            clause = ctx.text[folded_copy.to_original(clause_start) : span_end].strip()
            suggestion = None
            modal = _MODAL_RE.search(folded, clause_start, start)
            if modal is not None:
                # «يجب أن يحدث أبداً» → «ما كان يجب أن يحدث أبداً»: the fix is mechanical, so cover the phrase.
                span_start = folded_copy.to_original(modal.start(1))
                suggestion = "ما كان " + ctx.text[span_start:span_end]
            yield self.finding(
                ctx.text,
                span_start,
                span_end,
                f"«{adverb}» (never, at all) has no negation in its clause, so the sentence says the opposite "
                "of the English: add لا/لم/لن/ما before the verb",
                suggestion=suggestion,
                evidence=clause,
                fix=Fix.replace(span_start, span_end, suggestion, Applicability.UNSAFE) if suggestion else None,
            )

    @staticmethod
    def _clause_start(folded: str, position: int) -> int:
        line_start = folded.rfind("\n", 0, position) + 1
        breaks = [m.end() for m in _CLAUSE_BREAK_RE.finditer(folded, line_start, position)]
        return breaks[-1] if breaks else line_start


#: Modal verbs whose negation is mechanical: «يجب أن …» becomes «ما كان يجب أن …».
_MODAL_RE = re.compile(r"(?<!\w)(?:و)?(يجب|ينبغي)(?!\w)")


class Calque(Check):
    """An English news idiom or name translated word for word («نقطة فلاش», «صورة البلياردو»).

    Patterns and accepted renderings live in ``audit/data/meaning_traps.toml``: each entry gives the English
    expression, the calque (literal words or a regular expression) and what Arabic news writes instead.
    Calques that Arabic news really uses («البطة العرجاء», «الخط الأحمر», «كسر الجليد») are listed as
    accepted and never flagged. Severity is per entry: major when the reader gets a wrong or absurd
    meaning, minor when the phrase is understandable but not Arabic usage. A calque that the glossary lists
    as a wrong variant of one of its terms is left to the glossary check C603, so it is reported once.

    Bad: أصبحت مسألة شبه جزيرة القرم نقطة فلاش خاصة.
    Good: أصبحت مسألة شبه جزيرة القرم بؤرة توتر خاصة.
    """

    code = "M902"
    name = "literal-calque"
    category = Category.MISTRANSLATION
    severity = Severity.MAJOR
    options: ClassVar[Mapping[str, Option]] = {
        "defer_to_glossary": Option(
            True, "leave a calque that the glossary lists as a variant of a term to the glossary check (C603)"
        ),
    }

    @cached_property
    def _book(self) -> TrapBook:
        return load_traps()

    @cached_property
    def _literals(self) -> KeyedCache[str, tuple[str, ...]]:
        """An Arabic word (as the lexicons fold it, fewer letters than this check's :data:`fold`) -> the book's word
        literals in it once folded by :data:`fold`, kept across articles."""
        word_literals = self._book.word_literals
        return KeyedCache(lambda word: word_literals(fold(word)), limit=200_000)

    def _words_literals(self, words: set[str]) -> Iterator[str]:
        """The book's word literals in ``words`` (Arabic words as the lexicons fold them), found once per distinct
        word; the words met for the first time are folded by :data:`fold` together, in one string."""
        known = self._literals
        new = list(filterfalse(known.__contains__, words))
        if new:
            # The lexicons' fold has removed the marks: folding the letters is :data:`fold`.
            folded = fold.letters("\n".join(new)).split("\n")
            known.add(dict(zip(new, map(self._book.word_literals, folded), strict=True)))
        return chain.from_iterable(map(known.__getitem__, words))

    def run(self, ctx: ArticleContext) -> Iterable[Finding]:
        folded = folded_text(ctx)
        variants: list[tuple[int, int]] | None = None
        literals = self._words_literals(set(article_tokens(ctx).folded))
        for start, end, trap in self._book.find(folded.folded, literals=literals):
            span_start, span_end = folded.span(start, end)
            if self.config["defer_to_glossary"]:
                if variants is None:
                    variants = [(m.start, m.end) for m in glossary_matches(ctx) if m.variant]
                if any(v_start < span_end and span_start < v_end for v_start, v_end in variants):
                    continue  # reported once, by the glossary check
            message = f"word-for-word rendering of “{trap.en}”"
            if trap.note:
                message = f"{message}: {trap.note}"
            yield self.finding(
                ctx.text,
                span_start,
                span_end,
                message,
                suggestion=trap.good[0],
                severity=trap.severity,
                evidence="accepted renderings: " + " / ".join(trap.good),
                # a rendering with «…» is a pattern for the editor to complete, not replacement text
                fix=None
                if "…" in trap.good[0]
                else Fix.replace(span_start, span_end, trap.good[0], Applicability.UNSAFE),
            )
