"""Arabic proclitics: the conjunctions, prepositions and article written joined to the word they precede.

They combine in one order: a conjunction (و ف), a preposition (ب ك ل), the article (ال); ل before ال is
written لل («للحكومة»). :func:`proclitic_runs` builds every run; the named sets below are the runs the checks
strip, longest first (so the first prefix that matches is the longest):

- :data:`PROCLITICS`: every run («وبال», «فلل», «وك», ...);
- :data:`SHORT_PROCLITICS`: one clitic, or the article with at most one clitic before it («وال», «لل»);
- :data:`NAME_PROCLITICS`: the short runs and «وبال», «ولل», «فلل»: what may stand before a transliterated name;
- :data:`ARTICLE_RUNS`: the runs that end with the article (the word is definite);
- :data:`CONJUNCTION_PREPOSITION`: a conjunction and/or a preposition, no article.

Regular expressions for the same runs: :data:`PROCLITIC_PATTERN` (anchored at a word start).
"""

from __future__ import annotations

from collections.abc import Iterable

CONJUNCTIONS = ("و", "ف")
PREPOSITIONS = ("ب", "ك", "ل")
ARTICLE = "ال"
#: The future marker joined to an imperfect verb («سيقول»).
FUTURE = "س"


def _longest_first(runs: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(runs), key=lambda run: (-len(run), run)))


def proclitic_runs(
    conjunctions: Iterable[str] = CONJUNCTIONS, prepositions: Iterable[str] = PREPOSITIONS, article: bool = True
) -> tuple[str, ...]:
    """Every non-empty run conjunction? preposition? article? of the given clitics, longest first."""
    runs = set()
    for conjunction in ("", *conjunctions):
        for preposition in ("", *prepositions):
            for with_article in (False, True) if article else (False,):
                if with_article and preposition == "ل":
                    runs.add(conjunction + "لل")
                else:
                    runs.add(conjunction + preposition + (ARTICLE if with_article else ""))
    runs.discard("")
    return _longest_first(runs)


def strip_proclitic(word: str, runs: Iterable[str], min_stem: int = 3) -> tuple[str, str]:
    """``(run, stem)`` for the first of ``runs`` (longest first) that leaves ``min_stem`` letters, else
    ``("", word)``."""
    for run in runs:
        if word.startswith(run) and len(word) - len(run) >= min_stem:
            return run, word[len(run) :]
    return "", word


def without_proclitics(word: str, runs: Iterable[str], min_stem: int = 1) -> list[str]:
    """``word`` and every reading of it without one of ``runs`` (each leaving ``min_stem`` letters)."""
    return [word] + [word[len(run) :] for run in runs if word.startswith(run) and len(word) - len(run) >= min_stem]


PROCLITICS = proclitic_runs()
SHORT_PROCLITICS = _longest_first(
    (*CONJUNCTIONS, *PREPOSITIONS, ARTICLE, *("لل" if c == "ل" else c + ARTICLE for c in CONJUNCTIONS + PREPOSITIONS))
)
NAME_PROCLITICS = _longest_first((*SHORT_PROCLITICS, "وبال", "ولل", "فلل"))
ARTICLE_RUNS = tuple(run for run in PROCLITICS if run.endswith(("ال", "لل")))
CONJUNCTION_PREPOSITION = proclitic_runs(article=False)

#: Regular expressions (to put inside a larger one): any of :data:`PROCLITICS` or none; a conjunction and/or a
#: preposition or none; a run ending with the article.
PROCLITIC_PATTERN = "(?:[وف]?(?:[بك]?ال|لل|[بكل])?)"
CONJUNCTION_PREPOSITION_PATTERN = "(?:[وف]?[بكل]?)"
ARTICLE_RUN_PATTERN = "(?:[وف]?(?:[بك]?ال|لل))"
