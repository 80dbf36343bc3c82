"""MQM-style scoring: findings become a penalty, the penalty per word becomes a 0-100 score.

    penalty = sum over (check, severity) groups of  weight(severity) * (1 + 1/2 + ... + 1/n)
    score   = 100 * max(0, 1 - penalty / max(words, 100))

Repeats: the k-th finding of the same check at the same severity counts 1/k of its weight, so n
repeats cost about ln(n) + 0.58 times one finding. Forty minor spacing slips cost 4.3 (weight 1),
less than one critical error (25). ``info`` findings are never scored. Articles shorter than 100
words are scored as if they had 100, so one slip does not sink a two-line brief.

Sub-scores apply the same formula to the findings of one MQM dimension each (:data:`DIMENSIONS`):
``accuracy`` (mistranslation, omission, addition, numbers, untranslated text), ``fluency`` (garbled
words, agreement, punctuation, duplication, broken sentences), ``terminology`` (glossary terms),
``consistency`` (one name spelled several ways) and ``source`` (scraped residue and other page
problems that are not translation errors). A check may name its dimension (``dimension`` on the check
class); otherwise its finding's category decides.

The scorer only computes numbers; whether an article passes is decided separately by
:func:`passes` from the configured threshold (``fail_under``, optionally per dimension) and ``fail_on``
severity.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from audit import __version__
from audit.model import Category, Finding, Severity

if TYPE_CHECKING:
    from audit.checks.base import AnyCheck

#: The MQM dimensions of the sub-scores, in report order.
DIMENSIONS = ("accuracy", "fluency", "terminology", "consistency", "source")
#: The name the gate uses for the overall score (``fail_under = {score = 95, accuracy = 90}``).
OVERALL = "score"
CATEGORY_DIMENSIONS: Mapping[Category, str] = {
    Category.MISTRANSLATION: "accuracy",
    Category.OMISSION: "accuracy",
    Category.ADDITION: "accuracy",
    Category.NUMBER: "accuracy",
    Category.UNTRANSLATED: "accuracy",
    Category.GARBLED: "fluency",
    Category.AGREEMENT: "fluency",
    Category.PUNCTUATION: "fluency",
    Category.DUPLICATION: "fluency",
    Category.STYLE: "fluency",
    Category.OTHER: "fluency",
    Category.INCONSISTENCY: "consistency",
    Category.BOILERPLATE: "source",
}

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
    groups: Counter[tuple[str, Severity]] = Counter(
        (f.check, f.severity) for f in findings if f.severity is not Severity.INFO
    )
    return _group_penalty(groups, weights)


def _group_penalty(groups: Mapping[tuple[str, Severity], int], weights: Mapping[Severity, float]) -> float:
    """The penalty of findings counted by (check, severity) group, the groups in order of first appearance."""
    return sum(weights[severity] * harmonic(n) for (_, severity), n in groups.items())


def harmonic(n: int) -> float:
    return sum(1.0 / k for k in range(1, n + 1))


def score(findings: Iterable[Finding], words: int, weights: Mapping[Severity, float]) -> Score:
    return _score(penalty(findings, weights), words)


def _score(total: float, words: int) -> Score:
    return Score(value=_value(total, words), penalty=round(total, 3), words=words)


def _value(total: float, words: int) -> float:
    return round(100.0 * max(0.0, 1.0 - total / max(words, MIN_WORDS)), 2)


def check_dimensions() -> dict[str, str]:
    """Check code -> the dimension the check names (checks that name none are left out)."""
    from audit import checks

    return dict(_dimensions(checks.REGISTRY))


@lru_cache(maxsize=8)
def _dimensions(registry: tuple[type[AnyCheck], ...]) -> tuple[tuple[str, str], ...]:
    return tuple((cls.code, cls.dimension) for cls in registry if cls.dimension)


def dimension(finding: Finding, by_check: Mapping[str, str] | None = None) -> str:
    """The MQM dimension a finding counts against: its check's (``by_check``, default: the registry's),
    else its category's."""
    named = (check_dimensions() if by_check is None else by_check).get(finding.check)
    return named or CATEGORY_DIMENSIONS.get(finding.category, "fluency")


def subscores(findings: Iterable[Finding], words: int, weights: Mapping[Severity, float]) -> dict[str, float]:
    """One 0-100 score per dimension of :data:`DIMENSIONS`, each by :func:`score` over its own findings."""
    return scores(findings, words, weights)[1]


def scores(
    findings: Iterable[Finding], words: int, weights: Mapping[Severity, float]
) -> tuple[Score, dict[str, float]]:
    """:func:`score` and :func:`subscores` of the same findings, counted in one pass over them."""
    by_check = check_dimensions()
    groups: dict[tuple[str, Severity], int] = {}
    by_dimension: dict[str, dict[tuple[str, Severity], int]] = {name: {} for name in DIMENSIONS}
    info = Severity.INFO
    for finding in findings:
        name = by_check.get(finding.check) or CATEGORY_DIMENSIONS.get(finding.category, "fluency")
        dimension_groups = by_dimension.get(name)
        if dimension_groups is None:
            dimension_groups = by_dimension[name] = {}
        if finding.severity is info:
            continue
        key = (finding.check, finding.severity)
        groups[key] = groups.get(key, 0) + 1
        dimension_groups[key] = dimension_groups.get(key, 0) + 1
    overall = _score(_group_penalty(groups, weights), words)
    # A dimension without scored findings scores 100 (what the formula gives for no penalty).
    return overall, {
        name: _value(_group_penalty(found, weights), words) if found else 100.0 for name, found in by_dimension.items()
    }


def passes(
    value: float,
    findings: Iterable[Finding],
    fail_under: float,
    fail_on: Severity | None,
    subscores: Mapping[str, float] | None = None,
    gates: Mapping[str, float] | None = None,
) -> bool:
    """The gate: the score reaches ``fail_under``, each gated sub-score its own threshold (``gates``, a missing
    sub-score passes), and no finding is at or above ``fail_on``."""
    if value < fail_under:
        return False
    for name, threshold in (gates or {}).items():
        if name != OVERALL and (subscores or {}).get(name, 100.0) < threshold:
            return False
    if fail_on is None:
        return True
    return not any(f.severity is not Severity.INFO and f.severity.rank >= fail_on.rank for f in findings)


def signature(
    weights: Mapping[Severity, float], fail_under: float, fail_on: str, gates: Mapping[str, float] | None = None
) -> str:
    """A sacrebleu-style string naming everything that affects the score and the gate."""
    w = "/".join(f"{weights[s]:g}" for s in (Severity.MINOR, Severity.MAJOR, Severity.CRITICAL))
    extra = "".join(f",{name}>={value:g}" for name, value in sorted((gates or {}).items()) if name != OVERALL)
    return (
        f"audit-score|weights:{w}|repeats:harmonic|norm:words>={MIN_WORDS}"
        f"|fail_under:{fail_under:g}{extra}|fail_on:{fail_on}|version:{__version__}"
    )
