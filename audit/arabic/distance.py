"""Edit distances between words (``rapidfuzz``, imported on first use): plain Levenshtein, and optimal string
alignment, where two neighbouring letters swapped («قرار» / «قارر») count as one slip."""

from __future__ import annotations


def levenshtein(a: str, b: str) -> int:
    """Insertions, deletions and substitutions that turn ``a`` into ``b``."""
    from rapidfuzz.distance import Levenshtein

    return int(Levenshtein.distance(a, b))


def slip_distance(a: str, b: str, limit: int = 3) -> int:
    """Optimal-string-alignment distance (Levenshtein plus swaps of neighbouring letters), ``limit + 1`` when
    it is larger than ``limit``."""
    from rapidfuzz.distance import OSA

    return int(OSA.distance(a, b, score_cutoff=limit))
