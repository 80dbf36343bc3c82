"""Edit distances between words (``rapidfuzz``): plain Levenshtein, and optimal string alignment, where two
neighbouring letters swapped («قرار» / «قارر») count as one slip."""

from __future__ import annotations

from rapidfuzz.distance import OSA, Levenshtein


def levenshtein(a: str, b: str) -> int:
    """Insertions, deletions and substitutions that turn ``a`` into ``b``."""
    return int(Levenshtein.distance(a, b))


def slip_distance(a: str, b: str, limit: int = 3) -> int:
    """Optimal-string-alignment distance (Levenshtein plus swaps of neighbouring letters), ``limit + 1`` when
    it is larger than ``limit``."""
    return int(OSA.distance(a, b, score_cutoff=limit))
