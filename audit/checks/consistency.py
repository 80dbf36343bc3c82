"""Consistency (C6xx): one entity spelled several ways, in an article or across a batch, and glossary terms
rendered with a known wrong or non-preferred variant.

Name-like words are words unknown to the Arabic lexicon (transliterated names) and words of glossary renderings.
Two of them are spellings of one entity when they differ but share the same *skeleton*: the word without its
long-vowel letters (ا و ي), with hamza seats, final ة/ه and letters that transliterate the same foreign sound
(غ/ج for g, ت/ط, س/ص...) folded together. «زيلنسكي»/«زيلينسكي» and «دميترييف»/«ديميترييف» share one.
Latin-script spellings are left to the untranslated-text checks (U1xx).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from audit.analyses import GlossaryUser, article_tokens
from audit.arabic.clitics import NAME_PROCLITICS, strip_proclitic
from audit.arabic.lexicon import (
    ArabicTokens,
    CombinedLexicon,
    KeyedCache,
    arabic_tokens,
    fold,
    load_frequencies,
    load_lexicon,
)
from audit.arabic.orthography import ARABIC_WORD_RE, MARKS_RE
from audit.arabic.transliteration import spelling_skeleton
from audit.checks.base import ArticleContext, BatchCheck, Check, Option
from audit.glossary import Glossary, GlossaryEntry, normalize_arabic
from audit.model import Applicability, Category, Finding, Fix, Severity


def _stem(word: str) -> tuple[int, str]:
    """(length of the clitic prefix, stem) of a folded word; the stem keeps at least four letters."""
    prefix, stem = strip_proclitic(word, NAME_PROCLITICS, min_stem=4)
    return len(prefix), stem


#: :func:`_stem` of each distinct word, kept across articles.
_STEMS: KeyedCache[str, tuple[int, str]] = KeyedCache(_stem)
#: :func:`normalize_arabic` of each distinct stem, kept across articles.
_NORMALISED: KeyedCache[str, str] = KeyedCache(normalize_arabic)


@dataclass(frozen=True)
class Occurrence:
    """One name-like word: its span (clitic prefix excluded), folded stem, and glossary entry if any."""

    start: int
    end: int
    stem: str
    entry: GlossaryEntry | None
    #: the word as written (diacritics removed, hamza kept), clitic prefix excluded
    written: str = ""


def _letters_offset(text: str, start: int, letters: int) -> int:
    position = start
    while letters > 0 and position < len(text):
        position += 1
        if fold(text[position - 1]):
            letters -= 1
    while position < len(text) and not fold(text[position]):
        position += 1
    return position


def name_occurrences(
    text: str, lexicon: CombinedLexicon, glossary: Glossary, tokens: ArabicTokens | None = None
) -> list[Occurrence]:
    """Name-like words of ``text``: unknown to the lexicon (four letters or more) or part of a glossary name."""
    if tokens is None or tokens.text is not text:
        tokens = arabic_tokens(text)
    starts, ends, folded, raw = tokens.starts, tokens.ends, tokens.folded, tokens.raw
    entries: dict[int, GlossaryEntry] = {}
    known = tokens.known(lexicon)
    candidates = {i for i in tokens.unknown(lexicon) if len(folded[i]) >= 4}
    for match_start, match_end, matched in glossary.find_arabic(text, tokens):
        if matched.kind != "term":
            for match in ARABIC_WORD_RE.finditer(text, match_start, match_end):
                entries[match.start()] = matched
            # The words the match covers (the first one may carry a clitic prefix before the match start).
            first = bisect_right(starts, match_start) - 1
            candidates.update(range(max(first, 0), bisect_left(starts, match_end)))
    standalone = tokens.counts
    standalone_skeletons = {spelling_skeleton(folded[i]) for i in candidates}
    found = []
    for index in sorted(candidates):
        start, end, word = starts[index], ends[index], folded[index]
        prefix, stem = _STEMS[word]
        if (
            prefix
            and stem not in standalone
            and spelling_skeleton(stem) not in standalone_skeletons
            and start not in entries
        ):
            # «ويتكوف» is a name, not و + «يتكوف»: strip a clitic only when the rest (or a spelling of it, «بكوفد»
            # beside «كوفيد») also stands alone.
            prefix, stem = 0, word
        unmarked = len(raw[index]) == len(word)
        # The stem's offset: after the clitic prefix's letters (and the marks on them).
        span_start = start + prefix if unmarked else _letters_offset(text, start, prefix)
        # A glossary match may start after the word's clitic prefix.
        entry = entries.get(start) or entries.get(span_start)
        if entry is None and (len(stem) < 4 or known[index]):
            continue
        written = text[span_start:end] if unmarked else MARKS_RE.sub("", text[span_start:end])
        found.append(Occurrence(span_start, end, stem, entry, written))
    return found


def article_names(ctx: ArticleContext, lexicon: CombinedLexicon, glossary: Glossary) -> list[Occurrence]:
    """:func:`name_occurrences` of an article, computed once and shared by C601 and C602."""
    tokens = article_tokens(ctx)
    return ctx.memo(
        f"name-occurrences:{id(lexicon)}:{id(glossary)}",
        lambda c: name_occurrences(c.text, lexicon, glossary, tokens),
    )


@dataclass(frozen=True)
class Variant:
    """A spelling of an entity that differs from the form the article (or batch) should use."""

    occurrences: tuple[Occurrence, ...]
    form: str
    preferred: str
    counts: tuple[tuple[str, int], ...]
    #: what says the preferred form is right: "glossary", "frequency" (far more common in real text) or "majority"
    evidence: str

    @property
    def glossary_backed(self) -> bool:
        return self.evidence == "glossary"


def spelling_variants(occurrences: Sequence[Occurrence], glossary: Glossary) -> list[Variant]:
    """Group name-like stems by skeleton and edge letters; in each group with two or more spellings, every
    non-preferred one."""
    groups: dict[tuple[str, str, str], dict[str, list[Occurrence]]] = {}
    for occurrence in occurrences:
        if glossary.is_variant(occurrence.stem):
            continue  # a known glossary variant: reported by C603
        key = spelling_skeleton(occurrence.stem)
        if len(key) >= 3:
            edges = _NORMALISED[occurrence.stem]
            groups.setdefault((key, edges[0], edges[-1]), {}).setdefault(occurrence.stem, []).append(occurrence)
    variants = []
    for forms in groups.values():
        if len(forms) < 2 or not _same_entity(list(forms)):
            continue
        counts = Counter({form: len(items) for form, items in forms.items()})
        preferred, evidence = preferred_spelling(forms, counts, glossary)
        for form, items in forms.items():
            if form == preferred:
                continue
            variants.append(Variant(tuple(items), form, preferred, tuple(counts.most_common()), evidence))
    return variants


def _same_entity(forms: list[str]) -> bool:
    """Spellings of one name differ inside the word by a few letters; they start and end alike.

    «أوكراني»/«أوكرانيا» (adjective/country) and «أمريكا»/«ماركو» share a skeleton but are different words.
    """
    shortest = min(len(f) for f in forms)
    longest = max(len(f) for f in forms)
    edges = {(_NORMALISED[f][0], _NORMALISED[f][-1]) for f in forms}
    return longest - shortest <= 2 and shortest >= 4 and len(edges) == 1


_EVIDENCE = {
    "glossary": "glossary rendering",
    "frequency": "far more common spelling in real Arabic text (wordfreq)",
    "majority": "majority spelling",
}
#: How much more common (Zipf) in real text a spelling must be to count as the established one.
FREQUENCY_MARGIN = 1.5


def preferred_spelling(
    forms: Mapping[str, Sequence[Occurrence]], counts: Mapping[str, int], glossary: Glossary
) -> tuple[str, str]:
    """The spelling to suggest and what says so: ``"glossary"`` (the glossary's earliest accepted rendering
    among the spellings), ``"frequency"`` (far more common in real Arabic text, ``wordfreq``) or ``"majority"``
    (used most here; ties go to the spelling more common in real text, then to the first one used)."""
    ranks: dict[str, int] = {}
    for form, items in forms.items():
        entry = next((o.entry for o in items if o.entry is not None), None) or glossary.lookup(form)
        if entry is not None and not glossary.is_variant(form):
            rank = _rendering_rank(entry, form)
            if rank is not None:
                ranks[form] = rank
    if ranks:
        return min(ranks, key=lambda f: (ranks[f], -counts[f])), "glossary"
    frequencies = load_frequencies()
    zipf = {form: frequencies.zipf(items[0].written or form) if frequencies else 0.0 for form, items in forms.items()}
    first_seen = {form: min(o.start for o in items) for form, items in forms.items()}
    best = max(forms, key=lambda f: (counts[f] + zipf[f] / 2, -first_seen[f]))
    others = max(z for f, z in zipf.items() if f != best)
    if zipf[best] >= 2.0 and zipf[best] - others >= FREQUENCY_MARGIN:
        return best, "frequency"
    return best, "majority"


def _rendering_rank(entry: GlossaryEntry, stem: str) -> int | None:
    """The position in ``entry.ar`` of the first rendering having ``stem`` as a word, if any."""
    target = normalize_arabic(stem)
    return next((i for i, form in enumerate(entry.ar) if target in normalize_arabic(form).split()), None)


def closest_rendering(entry: GlossaryEntry, form: str) -> str:
    """The accepted rendering to suggest for ``form``: same number of words, then fewest differing letters."""
    words = len(form.split())
    target = normalize_arabic(form)
    return min(
        entry.ar,
        key=lambda r: (len(r.split()) != words, _difference(normalize_arabic(r), target), entry.ar.index(r)),
    )


def _difference(a: str, b: str) -> int:
    """Letters not shared by the two strings (a cheap stand-in for edit distance)."""
    common = Counter(a) & Counter(b)
    return len(a) + len(b) - 2 * sum(common.values())


def _respelling(start: int, end: int, preferred: str | None) -> Fix | None:
    """An unsafe fix writing one occurrence of a name the preferred way (one word only: a clitic prefix
    stays outside the occurrence's span, so a multi-word form may not fit it)."""
    if not preferred or " " in preferred.strip():
        return None
    return Fix.replace(start, end, preferred, Applicability.UNSAFE)


class EntitySpellingCheck(GlossaryUser, Check):
    """Entity spelled several ways: one name written with different letters in the same article.

    Transliterated names are easily spelled two ways («زيلنسكي» and «زيلينسكي»); readers then wonder whether
    two people are meant. Name-like words (unknown to the lexicon, or glossary names) with the same consonant
    skeleton are grouped; each spelling other than the glossary's preferred one (or, without a glossary entry,
    the most frequent one) is reported. Major when the glossary confirms the preferred spelling, minor when
    only the article's majority speaks for it.

    Bad: قال زيلينسكي ... ثم أضاف زيلنسكي أن ...
    Good: قال زيلينسكي ... ثم أضاف زيلينسكي أن ...
    """

    code = "C601"
    shares = "lexicon"
    name = "entity-spelling"
    category = Category.INCONSISTENCY
    severity = Severity.MINOR
    options: ClassVar[Mapping[str, Option]] = {
        "lexicons": Option(["aspell", "buckwalter"], "lexicon backends that define 'unknown' words")
    }

    def run(self, ctx: ArticleContext) -> Iterable[Finding]:
        lexicon = load_lexicon(tuple(self.config["lexicons"]))
        glossary = self.glossary
        occurrences = article_names(ctx, lexicon, glossary)
        for variant in spelling_variants(occurrences, glossary):
            others = ", ".join(f"«{form}» ×{count}" for form, count in variant.counts)
            established = variant.evidence != "majority"
            for occurrence in variant.occurrences:
                yield self.finding(
                    ctx.text,
                    occurrence.start,
                    occurrence.end,
                    f"the same name is spelled several ways in this article ({others})",
                    suggestion=variant.preferred,
                    fix=_respelling(occurrence.start, occurrence.end, variant.preferred),
                    severity=Severity.MAJOR if established else Severity.MINOR,
                    confidence={"glossary": 0.9, "frequency": 0.8}.get(variant.evidence, 0.7),
                    evidence=_EVIDENCE[variant.evidence] + " in the article",
                )


class BatchEntitySpellingCheck(GlossaryUser, BatchCheck):
    """Entity spelled differently across the batch: each article is consistent, but articles disagree.

    When one article writes «دميترييف» throughout and another «ديميترييف», a publication looks careless. For
    every group of spellings of one name (same consonant skeleton) used in two articles or more, articles using
    a spelling other than the glossary's preferred one (or the batch majority) are reported. Inconsistencies
    inside one article are C601's.

    Bad: (article 1) كيريل دميترييف ... (article 2) كيريل ديميترييف ...
    Good: (article 1) كيريل دميترييف ... (article 2) كيريل دميترييف ...
    """

    code = "C602"
    shares = "lexicon"
    name = "batch-entity-spelling"
    category = Category.INCONSISTENCY
    severity = Severity.MINOR
    options: ClassVar[Mapping[str, Option]] = {
        "lexicons": Option(["aspell", "buckwalter"], "lexicon backends that define 'unknown' words")
    }

    def collect(self, ctx: ArticleContext) -> dict[str, list[Occurrence]]:
        """The article's name spellings (the glossary's known variants aside), each with its occurrences."""
        lexicon = load_lexicon(tuple(self.config["lexicons"]))
        glossary = self.glossary
        forms: dict[str, list[Occurrence]] = {}
        for occurrence in article_names(ctx, lexicon, glossary):
            if not glossary.is_variant(occurrence.stem):
                forms.setdefault(occurrence.stem, []).append(occurrence)
        return forms

    def run_batch(
        self, contexts: Sequence[ArticleContext], collected: Sequence[Any] | None = None
    ) -> Iterator[tuple[int, Finding]]:
        """Two passes over the collected spellings; memory grows with the distinct spellings, not the batch."""
        if len(contexts) < 2:
            return
        glossary = self.glossary
        per_article: Sequence[dict[str, list[Occurrence]]] = (
            collected if collected is not None else [self.collect(ctx) for ctx in contexts]
        )
        # Pass 1: per skeleton, each spelling with the number of articles using it, its first article and
        # that article's occurrences (the representative one, as the first article counts).
        groups: dict[str, dict[str, int]] = {}
        first: dict[str, tuple[int, list[Occurrence]]] = {}
        for index, forms in enumerate(per_article):
            for form, occurrences in (forms or {}).items():
                key = spelling_skeleton(form)
                if len(key) >= 3:
                    spellings = groups.setdefault(key, {})
                    spellings[form] = spellings.get(form, 0) + 1
                    first.setdefault(form, (index, occurrences))
        # The spellings to report, each with the preferred one and what to say.
        report: dict[str, tuple[str, str, str]] = {}
        for spellings in groups.values():
            if len(spellings) < 2 or not _same_entity(list(spellings)):
                continue
            if all(n == 1 for n in spellings.values()) and len({first[f][0] for f in spellings}) == 1:
                continue  # one article only: C601's
            counts = Counter(spellings)
            representative = {form: first[form][1] for form in spellings}
            preferred, evidence = preferred_spelling(representative, counts, glossary)
            summary = ", ".join(f"«{form}» in {count} article(s)" for form, count in counts.most_common())
            for form in spellings:
                if form != preferred:
                    report[form] = (preferred, summary, evidence)
        if not report:
            return
        # Pass 2: the articles that use a reported spelling and not the preferred one.
        for index, forms in enumerate(per_article):
            for form, occurrences in (forms or {}).items():
                if form not in report:
                    continue
                preferred, summary, evidence = report[form]
                if preferred in forms:
                    continue  # inconsistent inside the article: reported by C601
                occurrence = occurrences[0]
                yield (
                    index,
                    self.finding(
                        contexts[index].text,
                        occurrence.start,
                        occurrence.end,
                        f"this name is spelled differently in other articles of the batch ({summary})",
                        suggestion=preferred,
                        fix=_respelling(occurrence.start, occurrence.end, preferred),
                        confidence=0.8 if evidence != "majority" else 0.6,
                        evidence=_EVIDENCE[evidence] + " in the batch",
                    ),
                )


class GlossaryVariantCheck(GlossaryUser, Check):
    """Glossary variant: a term, name or organisation written in a form the glossary lists as wrong.

    The glossary (``audit/data/glossary.toml``) lists known machine-translation renderings that are wrong or
    non-preferred (``variants``), e.g. «المستوطنة الأوكرانية» (a settlement of houses) for "Ukrainian settlement"
    (a political settlement, «التسوية الأوكرانية»), or «منصة الحقيقة الاجتماعية» for Truth Social. When the
    article also uses the accepted rendering, the term is translated two ways (inconsistency). A wrong term or
    organisation is major; a non-preferred spelling of a name is minor.

    Bad: تطرق الاجتماع إلى جوانب المستوطنة الأوكرانية.
    Good: تطرق الاجتماع إلى جوانب التسوية الأوكرانية.
    """

    code = "C603"
    name = "glossary-variant"
    category = Category.INCONSISTENCY
    severity = Severity.MAJOR
    dimension = "terminology"
    options: ClassVar[Mapping[str, Option]] = {}

    def run(self, ctx: ArticleContext) -> Iterable[Finding]:
        glossary = self.glossary
        matches = glossary.find_arabic(ctx.text, article_tokens(ctx))
        if not matches:
            return
        accepted_used = {entry.en for start, end, entry in matches if not glossary.is_variant(ctx.text[start:end])}
        for start, end, entry in matches:
            form = ctx.text[start:end]
            if not glossary.is_variant(form):
                continue
            both = entry.en in accepted_used
            is_name = entry.kind in ("person", "place")
            if both:
                message = f"«{entry.en}» is rendered two ways in this article; «{form}» is a known wrong variant"
            elif is_name:
                message = f"non-preferred spelling of {entry.en}"
            else:
                message = f"known mistranslation of “{entry.en}”"
            yield self.finding(
                ctx.text,
                start,
                end,
                message,
                suggestion=(rendering := closest_rendering(entry, form)),
                fix=Fix.replace(start, end, rendering, Applicability.UNSAFE)
                if rendering and "…" not in rendering
                else None,
                severity=Severity.MINOR if is_name else Severity.MAJOR,
                category=Category.INCONSISTENCY if both or is_name else Category.MISTRANSLATION,
                confidence=0.9,
                evidence=f"glossary entry “{entry.en}”",
            )
