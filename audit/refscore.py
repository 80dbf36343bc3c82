"""A reference-based quality estimate of an article: agreement with its re-translations and what its English
original says, per segment and per article, 0-100. The scorer computes the number; thresholds decide elsewhere.

Consensus (minimum-Bayes-risk style). For each aligned segment, with the audited text ``h`` and the
re-translations ``r_1 .. r_k``, utility ``u(x, y)`` = sentence chrF of ``x`` against ``y`` (sacrebleu, β = 2)::

    w_j      = median over l != j of u(r_j, r_l)        how much the other re-translations agree with r_j
    E(h)     = sum_j w_j u(h, r_j) / sum_j w_j          the expected utility of h under the weighted consensus
    E(r_j)   = the same for r_j against the others (leave one out)
    base     = median over j of E(r_j)                  how well a typical re-translation agrees with the rest

A re-translation the others disagree with (a bad engine) weighs little; the median keeps one engine that
copies another from lifting either. Over the article, segments weighted by their words::

    relative  = sum words * E(h) / sum words * base     1.0: as close to the consensus as a typical re-translation
    consensus = 100 * min(1, relative)                   (one re-translation: 100 * min(1, E(h) / 60), 60 being
                                                          chrF between two good human translations of news)

Source. Numbers and names of the English original that the re-translations render (at least half of them;
every one when there are none) must be rendered by ``h`` too; ``source = 100 * rendered / expected``
(100 when nothing is expected).

    reference = consensus * source / 100                 (either alone when only one kind of reference exists)

With references, the article's ``score`` becomes ``score_from_findings * reference / 100``
(:func:`combined_score`); ``reference`` is also a sub-score of its own, gated like the others.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from audit import __version__
from audit.metrics import ChrfTable

#: chrF between two independent good translations of one news sentence: the consensus level a single
#: re-translation is compared with (FLORES ref-a against ref-b: 58.6; NTREX/WMT human pairs are similar).
SINGLE_REFERENCE_LEVEL = 60.0
#: Share of the re-translations that must render a number or name of the English before the article must.
SOURCE_QUORUM = 0.5

FORMULA = (
    "reference = consensus * source / 100; consensus = 100 * min(1, sum words * E(h) / sum words * median_j E(r_j)),"
    " E(x) = sum_j w_j chrF(x, r_j) / sum_j w_j, w_j = median_l chrF(r_j, r_l); source = 100 * numbers and names of"
    " the English rendered / those the re-translations render; with references, score = findings score * reference"
    " / 100"
)


def signature() -> str:
    """Everything that affects the reference score, sacrebleu-style."""
    return (
        f"audit-reference|utility:chrF2|weights:median-agreement|relative:median-retranslation"
        f"|single:{SINGLE_REFERENCE_LEVEL:g}|source:numbers+names|quorum:{SOURCE_QUORUM:g}|combine:product"
        f"|version:{__version__}"
    )


@dataclass(frozen=True)
class SegmentEstimate:
    """One segment: the expected utility of the audited text and of a typical re-translation (None without
    re-translations), and the English numbers and names it was expected to render and did."""

    words: int
    expected: float | None = None
    base: float | None = None
    source_expected: int = 0
    source_rendered: int = 0
    missing: tuple[str, ...] = ()
    has_source: bool = False


@dataclass(frozen=True)
class ReferenceEstimate:
    """The article's reference score and its parts (each 0-100, ``None`` when that kind of reference is absent)."""

    value: float
    consensus: float | None
    source: float | None
    relative: float | None
    segments: tuple[SegmentEstimate, ...] = field(default=(), repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.value,
            "consensus": self.consensus,
            "source": self.source,
            "relative": self.relative,
            "signature": signature(),
            "formula": FORMULA,
        }


def combined_score(findings_score: float, reference: float) -> float:
    """The article score with references: the score from the findings scaled by the reference score."""
    return round(findings_score * reference / 100.0, 2)


def consensus_utilities(
    hypothesis: str, retranslations: Sequence[str], table: ChrfTable
) -> tuple[float | None, float | None]:
    """``E(h)`` and ``base`` of one segment (see the module docstring); ``(None, None)`` without re-translations,
    ``base`` None with only one."""
    refs = [r for r in retranslations if r.strip()]
    if not refs:
        return None, None
    if len(refs) == 1:
        return table.chrf(hypothesis, refs[0]), None
    utility = [[table.chrf(a, b) if i != j else 0.0 for j, b in enumerate(refs)] for i, a in enumerate(refs)]
    weights = [statistics.median(utility[j][k] for k in range(len(refs)) if k != j) for j in range(len(refs))]
    expected = _weighted([table.chrf(hypothesis, r) for r in refs], weights)
    if len(refs) == 2:
        # Two re-translations: each one's agreement with the other is the only evidence of a typical level.
        base = (utility[0][1] + utility[1][0]) / 2
    else:
        base = statistics.median(
            _weighted([utility[j][k] for k in range(len(refs)) if k != j], [w for k, w in enumerate(weights) if k != j])
            for j in range(len(refs))
        )
    return expected, base


def _weighted(values: Sequence[float], weights: Sequence[float]) -> float:
    total = sum(weights)
    if total <= 0:
        return sum(values) / len(values)
    return sum(v * w for v, w in zip(values, weights, strict=True)) / total


def source_items(english: str) -> list[tuple[str, Any]]:
    """The numbers and names of an English segment that a translation must render: ``("number", Number)`` and
    ``("name", str)``."""
    from audit.checks.reference import english_numbers, name_candidates

    items: list[tuple[str, Any]] = [("number", n) for n in english_numbers(english)]
    items += [("name", word) for _, _, word in name_candidates(english)]
    return items


def renders(item: tuple[str, Any], arabic: str, numbers: list[Any] | None = None, names: Any = None) -> bool:
    """Whether ``arabic`` renders the item; its Arabic ``numbers`` and its ``names``
    (:class:`audit.checks.reference.ArabicNames`) are read from it when not given."""
    from audit.arabic.numbers import arabic_numbers
    from audit.checks.reference import ArabicNames, number_rendered

    kind, value = item
    if kind == "number":
        return number_rendered(value, arabic_numbers(arabic) if numbers is None else numbers)
    return (ArabicNames(arabic) if names is None else names).renders(value)


class _Readings:
    """Each text's Arabic numbers and names, read once however many items are looked up in it."""

    def __init__(self) -> None:
        self._numbers: dict[str, list[Any]] = {}
        self._names: dict[str, Any] = {}

    def renders(self, item: tuple[str, Any], arabic: str) -> bool:
        from audit.arabic.numbers import arabic_numbers
        from audit.checks.reference import ArabicNames

        if item[0] == "number":
            numbers = self._numbers.get(arabic)
            if numbers is None:
                numbers = self._numbers[arabic] = arabic_numbers(arabic)
            return renders(item, arabic, numbers=numbers)
        names = self._names.get(arabic)
        if names is None:
            names = self._names[arabic] = ArabicNames(arabic)
        return renders(item, arabic, names=names)


def source_coverage(english: str, hypothesis: str, retranslations: Sequence[str]) -> tuple[int, int, tuple[str, ...]]:
    """How many numbers and names of ``english`` the re-translations' quorum renders (all of them without
    re-translations), how many of those ``hypothesis`` renders, and the ones it misses."""
    items = source_items(english)
    if not items:
        return 0, 0, ()
    refs = [r for r in retranslations if r.strip()]
    readings = _Readings()
    expected = []
    for item in items:
        if refs:
            share = sum(readings.renders(item, r) for r in refs) / len(refs)
            if share < SOURCE_QUORUM:
                continue
        expected.append(item)
    missed = tuple(_label(item) for item in expected if not readings.renders(item, hypothesis))
    return len(expected), len(expected) - len(missed), missed


def _label(item: tuple[str, Any]) -> str:
    kind, value = item
    return str(value.text) if kind == "number" else str(value)


class ReferenceScorer:
    """Computes :class:`ReferenceEstimate` from an article's aligned segments."""

    def estimate_segment(
        self,
        hypothesis: str,
        retranslations: Mapping[str, str],
        source: str | None,
        table: ChrfTable,
    ) -> SegmentEstimate:
        refs = list(retranslations.values())
        expected, base = consensus_utilities(hypothesis, refs, table)
        wanted = rendered = 0
        missing: tuple[str, ...] = ()
        if source and source.strip():
            wanted, rendered, missing = source_coverage(source, hypothesis, refs)
        has_source = bool(source and source.strip())
        return SegmentEstimate(len(hypothesis.split()), expected, base, wanted, rendered, missing, has_source)

    def combine(self, segments: Iterable[SegmentEstimate]) -> ReferenceEstimate | None:
        """The article's estimate from its segments; None when there is nothing to compare with."""
        segments = tuple(segments)
        with_consensus = [s for s in segments if s.expected is not None and s.words > 0]
        consensus = relative = None
        if with_consensus:
            words = sum(s.words for s in with_consensus)
            expected = sum((s.expected or 0.0) * s.words for s in with_consensus) / words
            based = [s for s in with_consensus if s.base is not None]
            if based:
                base_words = sum(s.words for s in based)
                base = sum((s.base or 0.0) * s.words for s in based) / base_words
                relative = expected / base if base > 0 else 0.0
            else:
                relative = expected / SINGLE_REFERENCE_LEVEL
            consensus = round(100.0 * min(1.0, relative), 2)
            relative = round(relative, 4)
        wanted = sum(s.source_expected for s in segments)
        source = None
        if any(s.has_source for s in segments):
            source = round(100.0 * sum(s.source_rendered for s in segments) / wanted, 2) if wanted else 100.0
        if consensus is None and source is None:
            return None
        if consensus is not None and source is not None:
            value = round(consensus * source / 100.0, 2)
        else:
            value = consensus if consensus is not None else source  # type: ignore[assignment]
        return ReferenceEstimate(float(value or 0.0), consensus, source, relative, segments)
