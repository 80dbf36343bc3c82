"""Literal requirements of regular expressions: strings of which every match of a pattern contains one.

A text that lacks them need not be searched, which keeps checks with many patterns fast: the pattern is tried
only on the texts (or around the places) that have its literals.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any


def literal_requirements(pattern: str, shortest: int = 3) -> list[tuple[str, ...]]:
    """The literal requirements of ``pattern``: each a set of literals (``shortest`` characters long at least) one
    of which every match contains; empty when the pattern has none. A set of characters («[-–—]») is a requirement
    of one-character literals. Case is not considered: with ``re.IGNORECASE`` use only the requirements whose
    literals are :func:`uncased`."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import sre_constants
        import sre_parse

    def requirements(parsed: Any) -> list[tuple[str, ...]]:
        """Each item: a set of literals, one of which every match contains."""
        found: list[tuple[str, ...]] = []
        current: list[str] = []
        for op, value in parsed:
            if op is sre_constants.LITERAL:
                current.append(chr(value))
                continue
            if current:
                found.append(("".join(current),))
                current = []
            repeated = op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) and value[0] >= 1
            if op is sre_constants.SUBPATTERN or repeated:
                found.extend(requirements(value[-1]))
            elif op is sre_constants.IN and all(item is sre_constants.LITERAL for item, _ in value):
                found.append(tuple(chr(code) for _, code in value))
            elif op is sre_constants.BRANCH:
                options: list[str] = []
                for branch in value[1]:
                    best = best_requirement(requirements(branch), shortest)
                    if best is None:
                        break
                    options.extend(best)
                else:
                    found.append(tuple(options))
        if current:
            found.append(("".join(current),))
        return found

    try:
        return _usable(requirements(sre_parse.parse(pattern)), shortest)
    except Exception:  # an exotic pattern: no requirement, searched everywhere
        return []


def meets(text: str, needs: Sequence[tuple[str, ...]]) -> bool:
    """Whether ``text`` has a literal of each requirement of ``needs``: without, no pattern having those
    requirements can match in it."""
    return all(any(map(text.__contains__, need)) for need in needs)


def _usable(requirements: list[tuple[str, ...]], shortest: int) -> list[tuple[str, ...]]:
    """The requirements whose literals are all ``shortest`` characters long at least, blanks not counted."""
    return [r for r in requirements if r and min(len(x.strip()) for x in r) >= shortest]


def best_requirement(requirements: list[tuple[str, ...]], shortest: int = 3) -> tuple[str, ...] | None:
    """The requirement whose shortest literal is longest, when that is ``shortest`` characters at least."""
    return max(_usable(requirements, shortest), key=lambda r: min(len(x) for x in r), default=None)


def uncased(requirement: tuple[str, ...]) -> bool:
    """Whether the literals have no letter with case (Arabic letters, digits, punctuation): a case-insensitive
    pattern matches them only as written."""
    return all(char.lower() == char == char.upper() == char.casefold() for literal in requirement for char in literal)
