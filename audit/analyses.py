"""Per-article analyses that several checks share, each computed once per article through
:meth:`audit.context.ArticleContext.memo`: the Arabic words, the glossary matches, the folded text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from itertools import compress

from audit.arabic.lexicon import ArabicTokens, arabic_tokens
from audit.arabic.orthography import FoldedText
from audit.context import ArticleContext
from audit.glossary import Glossary, load_glossary


def article_tokens(ctx: ArticleContext) -> ArabicTokens:
    """The article's Arabic words (:class:`audit.arabic.lexicon.ArabicTokens`), computed once per article."""
    return ctx.memo("arabic-tokens", lambda c: arabic_tokens(c.text))


def matches_at_words(
    ctx: ArticleContext,
    pattern: re.Pattern[str],
    forms: Collection[str],
    skip: Callable[[int], bool] | None = None,
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(ctx.text)`` for a pattern whose every match starts at an Arabic word written as one of
    ``forms``: it is tried only at those words (and not at a word ``index`` where ``skip(index)`` says it cannot
    match either), the matches not overlapping, as ``finditer`` finds them."""
    text = ctx.text
    words = article_tokens(ctx)
    starts = words.starts
    last_end = 0
    for index in compress(range(len(starts)), map(forms.__contains__, words.raw)):
        if starts[index] >= last_end and (skip is None or not skip(index)):
            match = pattern.match(text, starts[index])
            if match is not None:
                last_end = match.end()
                yield match


class GlossaryUser:
    """Mixin of the checks that read the glossary: loaded once per check instance, not once per article."""

    _glossary: Glossary | None = None

    @property
    def glossary(self) -> Glossary:
        if self._glossary is None:
            self._glossary = load_glossary()
        return self._glossary


@dataclass(frozen=True)
class GlossaryMatch:
    """A glossary term found in an article (see :meth:`audit.glossary.Glossary.find_arabic`)."""

    start: int
    end: int
    en: str
    kind: str
    gender: str | None
    variant: bool  # a known non-preferred or wrong form


def glossary_matches(ctx: ArticleContext) -> list[GlossaryMatch]:
    """The article's glossary matches, computed once per article for the checks that use them;
    empty when the glossary cannot be loaded."""
    return ctx.memo("glossary-matches", _glossary_matches)


def _glossary_matches(ctx: ArticleContext) -> list[GlossaryMatch]:
    try:
        glossary = load_glossary()
    except (ImportError, ValueError):
        return []
    return [
        GlossaryMatch(s, e, entry.en, entry.kind, entry.gender, glossary.is_variant(ctx.text[s:e]))
        for s, e, entry in glossary.find_arabic(ctx.text, article_tokens(ctx))
    ]


def folded_text(ctx: ArticleContext) -> FoldedText:
    """The article's folded text, computed once per article and shared by the checks that need it."""
    return ctx.memo("folded-text", lambda c: FoldedText(c.text))
