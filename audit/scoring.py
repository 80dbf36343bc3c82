"""MQM-style scoring: findings become a penalty, the penalty per word becomes a 0-100 score.

    penalty = sum over (check, severity) groups of  weight(severity) * (1 + 1/2 + ... + 1/n)
    score   = 100 * max(0, 1 - penalty / max(words, 100))

Repeats: the k-th finding of the same check at the same severity counts 1/k of its weight, so n
repeats cost about ln(n) + 0.58 times one finding. Forty minor spacing slips cost 4.3 (weight 1),
less than one critical error (25). ``info`` findings are never scored. Articles shorter than 100
words are scored as if they had 100, so one slip does not sink a two-line brief.

The scorer only computes numbers; whether an article passes is decided separately by
:func:`passes` from the configured threshold (``fail_under``) and ``fail_on`` severity.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from audit import __version__
from audit.model import Finding, Severity

MIN_WORDS = 100
FORMULA = (
    "score = 100 * max(0, 1 - penalty / max(words, 100)); penalty = sum over (check, severity) groups "
    "of weight * (1 + 1/2 + ... + 1/n) for n findings; info findings are not scored"
)


@dataclass(frozen=True)
class Score:
    value: float
    penalty: float
    words: int


def penalty(findings: Iterable[Finding], weights: Mapping[Severity, float]) -> float:
    groups = Counter((f.check, f.severity) for f in findings if f.severity is not Severity.INFO)
    return sum(weights[severity] * harmonic(n) for (_, severity), n in groups.items())


def harmonic(n: int) -> float:
    return sum(1.0 / k for k in range(1, n + 1))


def score(findings: Iterable[Finding], words: int, weights: Mapping[Severity, float]) -> Score:
    total = penalty(findings, weights)
    value = 100.0 * max(0.0, 1.0 - total / max(words, MIN_WORDS))
    return Score(value=round(value, 2), penalty=round(total, 3), words=words)


def passes(value: float, findings: Iterable[Finding], fail_under: float, fail_on: Severity | None) -> bool:
    """The gate: the score reaches ``fail_under`` and no finding is at or above ``fail_on``."""
    if value < fail_under:
        return False
    if fail_on is None:
        return True
    return not any(f.severity is not Severity.INFO and f.severity.rank >= fail_on.rank for f in findings)


def signature(weights: Mapping[Severity, float], fail_under: float, fail_on: str) -> str:
    """A sacrebleu-style string naming everything that affects the score."""
    w = "/".join(f"{weights[s]:g}" for s in (Severity.MINOR, Severity.MAJOR, Severity.CRITICAL))
    return (
        f"audit-score|weights:{w}|repeats:harmonic|norm:words>={MIN_WORDS}"
        f"|fail_under:{fail_under:g}|fail_on:{fail_on}|version:{__version__}"
    )
