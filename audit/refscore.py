"""A reference-based quality estimate of an article: agreement with its re-translations and what its English
original says, per segment and per article, 0-100. The scorer computes the number; thresholds decide elsewhere.

Every version is compared after HTML entities are unescaped (``&quot;`` and ``"`` are one character), so markup
debris does not read as a translation difference; it is the findings' business.

Consensus (minimum-Bayes-risk style). For each aligned segment, with the audited text ``h`` and the
re-translations ``r_1 .. r_k``, utility ``u(x, y)`` = sentence chrF of ``x`` against ``y`` (sacrebleu, β = 2)::

    w_j      = median over l != j of u(r_j, r_l)        how much the other re-translations agree with r_j
                                                        (each l counted v_l times, as below)
    E(x)     = sum_j v_j w_j u(x, r_j) / sum_j v_j w_j  the expected utility of x under the weighted consensus
    E(r_j)   = the same for r_j against the others (leave one out)

Near-duplicate versions count as one vote (``v_j``). Over the article, the versions (``h`` and the
re-translations) are placed on a star, each at its own distance ``e_x`` from a common centre::

    d(x, y)  = 100 - agreement(x, y)                     chrF both ways averaged, over the article's segments
    e_x      = median over pairs y, z of (d(x, y) + d(x, z) - d(y, z)) / 2    (one family member cannot pull it)
    s(x, y)  = (e_x + e_y - d(x, y)) / 2                 the part of the way two versions share

When ``s(x, y) > 0`` and each is the other's largest share, ``x`` and ``y`` are one *family* (the same engine,
or one edited from the other). A family member of ``x`` is no evidence about ``x`` (``v_j = 0``: leave-one-out
applied to families); a family of two re-translations casts one vote (``v_j = 1/2`` each); every other
re-translation ``v_j = 1``. Nothing is fitted to data: each version has at most one partner, and with fewer than
five versions there are no families (the median needs enough pairs to ignore a family member).

A re-translation the others disagree with (a bad engine) weighs little; engines that copy each other neither
lift each other nor outvote a distinct one. Over the article, segments weighted by their words::

    E_j       = sum words * E(r_j) / sum words           each re-translation against the others
    relative  = sum words * E(h) / median_j E_j          1.0: as close to the consensus as a typical re-translation
    consensus = 100 * min(1, sum words * E(h) / max_j E_j)   100: at least as close as the best re-translation
                                                          (one re-translation: 100 * min(1, E(h) / 60), 60 being
                                                          chrF between two good human translations of news)

Source. Numbers and names of the English original that the re-translations render (at least half of them;
every one when there are none) must be rendered by ``h`` too; ``source = 100 * rendered / expected``
(100 when nothing is expected).

    reference = consensus * source / 100                 (either alone when only one kind of reference exists)

With references, the article's ``score`` becomes ``score_from_findings * reference / 100``
(:func:`combined_score`); ``reference`` is also a sub-score of its own, gated like the others.
"""

from __future__ import annotations

import html
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations
from typing import Any

from audit import __version__
from audit.metrics import ChrfTable

#: chrF between two independent good translations of one news sentence: the consensus level a single
#: re-translation is compared with (FLORES ref-a against ref-b: 58.6; NTREX/WMT human pairs are similar).
SINGLE_REFERENCE_LEVEL = 60.0
#: Share of the re-translations that must render a number or name of the English before the article must.
SOURCE_QUORUM = 0.5
#: The fewest versions (audited text and re-translations) whose star fit can tell a family from its complement.
FAMILY_MIN_VERSIONS = 5
#: The audited text's label among the versions of a segment.
AUDITED = ""

FORMULA = (
    "reference = consensus * source / 100; consensus = 100 * min(1, sum words * E(h) / max_j sum words * E(r_j)),"
    " E(x) = sum_j v_j w_j chrF(x, r_j) / sum_j v_j w_j, w_j = median_l chrF(r_j, r_l), v_j = 0 for x's family,"
    " 1/2 for a family of two re-translations, else 1 (families: mutual largest shared distance on a star fitted"
    " to 100 - chrF by medians); source = 100 * numbers and names of the English rendered / those the re-translations"
    " render; HTML entities unescaped; with references, score = findings score * reference / 100"
)


def signature() -> str:
    """Everything that affects the reference score, sacrebleu-style."""
    return (
        f"audit-reference|utility:chrF2|unescape:html|weights:median-agreement|votes:star-families"
        f"|scale:best-retranslation|single:{SINGLE_REFERENCE_LEVEL:g}|source:numbers+names|quorum:{SOURCE_QUORUM:g}"
        f"|combine:product|version:{__version__}"
    )


@dataclass(frozen=True)
class SegmentEstimate:
    """One segment: the expected utility of the audited text and of each re-translation (None and empty without
    re-translations), and the English numbers and names it was expected to render and did.

    ``versions`` names the compared versions (:data:`AUDITED` first, then the non-empty re-translations) and
    ``utility[x][y]`` is chrF of version ``x`` against version ``y``: what :meth:`ReferenceScorer.combine`
    needs to find families over the article."""

    words: int
    expected: float | None = None
    source_expected: int = 0
    source_rendered: int = 0
    missing: tuple[str, ...] = ()
    has_source: bool = False
    versions: tuple[str, ...] = field(default=(), repr=False)
    utility: tuple[tuple[float, ...], ...] = field(default=(), repr=False)
    #: E(r_j) of each re-translation against the others (the order of ``versions[1:]``).
    retranslation_expected: tuple[float, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class ReferenceEstimate:
    """The article's reference score and its parts (each 0-100, ``None`` when that kind of reference is absent)."""

    value: float
    consensus: float | None
    source: float | None
    relative: float | None
    segments: tuple[SegmentEstimate, ...] = field(default=(), repr=False)
    #: Pairs of versions counted as one vote (:data:`AUDITED` for the audited text).
    families: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.value,
            "consensus": self.consensus,
            "source": self.source,
            "relative": self.relative,
            "families": [[a or "audited", b or "audited"] for a, b in self.families],
            "signature": signature(),
            "formula": FORMULA,
        }


def combined_score(findings_score: float, reference: float) -> float:
    """The article score with references: the score from the findings scaled by the reference score."""
    return round(findings_score * reference / 100.0, 2)


def comparable(text: str) -> str:
    """The text as the consensus compares it: HTML entities unescaped."""
    return html.unescape(text) if "&" in text else text


def utility_matrix(texts: Sequence[str], table: ChrfTable) -> tuple[tuple[float, ...], ...]:
    """``u[x][y]``: chrF of ``texts[x]`` against ``texts[y]`` (0 on the diagonal), entities unescaped."""
    clean = [comparable(t) for t in texts]
    return tuple(tuple(table.chrf(a, b) if i != j else 0.0 for j, b in enumerate(clean)) for i, a in enumerate(clean))


def families(agreement: Sequence[Sequence[float]]) -> dict[int, int]:
    """Pairs of versions that agree more than their distances from the consensus explain (see the module
    docstring): each index mapped to its family partner. ``agreement`` is symmetric, 0-100."""
    n = len(agreement)
    if n < FAMILY_MIN_VERSIONS:
        return {}
    distance = [[100.0 - agreement[x][y] for y in range(n)] for x in range(n)]
    # Each version's distance from the centre: over every two others y, z, the distance from x to the centre of
    # the triangle x, y, z; the median, so that a family member among the others does not pull it.
    spoke = [
        statistics.median(
            (distance[x][y] + distance[x][z] - distance[y][z]) / 2
            for y, z in combinations([k for k in range(n) if k != x], 2)
        )
        for x in range(n)
    ]
    partner: dict[int, int] = {}
    for x in range(n):
        shares = [((spoke[x] + spoke[y] - distance[x][y]) / 2, y) for y in range(n) if y != x]
        share, best = max(shares, key=lambda item: (item[0], -item[1]))
        if share > 1e-9:  # above rounding error
            partner[x] = best
    return {x: y for x, y in partner.items() if partner.get(y) == x}


def votes(x: int, pool: Sequence[int], family: Mapping[int, int]) -> list[float]:
    """``v_j`` of each member of ``pool`` when ``x`` is scored against it."""
    result = []
    for j in pool:
        mate = family.get(j)
        if mate == x:
            result.append(0.0)
        elif mate is not None and mate in pool:
            result.append(0.5)
        else:
            result.append(1.0)
    return result


def _expected(
    utility: Sequence[Sequence[float]],
    x: int,
    pool: Sequence[int],
    weights: Mapping[int, float],
    family: Mapping[int, int],
) -> float:
    return _weighted(
        [utility[x][j] for j in pool], [v * weights[j] for v, j in zip(votes(x, pool, family), pool, strict=True)]
    )


def segment_utilities(
    utility: Sequence[Sequence[float]], family: Mapping[int, int] | None = None
) -> tuple[float | None, list[float]]:
    """``E(h)`` and each re-translation's ``E(r_j)`` for one segment whose versions are the audited text (index
    0) and the re-translations; ``(None, [])`` without re-translations, no ``E(r_j)`` with only one."""
    family = family or {}
    refs = list(range(1, len(utility)))
    if not refs:
        return None, []
    if len(refs) == 1:
        return utility[0][1], []
    weights: dict[int, float] = {}
    for j in refs:
        pool = [k for k in refs if k != j]
        weights[j] = weighted_median([utility[j][k] for k in pool], votes(j, pool, family))
    expected = _expected(utility, 0, refs, weights, family)
    return expected, [_expected(utility, j, [k for k in refs if k != j], weights, family) for j in refs]


def consensus_utilities(
    hypothesis: str, retranslations: Sequence[str], table: ChrfTable
) -> tuple[float | None, float | None]:
    """``E(h)`` and a typical re-translation's ``E(r_j)`` (their median) of one segment taken alone (no
    families: those need the article); ``(None, None)`` without re-translations, ``base`` None with only one."""
    refs = [r for r in retranslations if r.strip()]
    if not refs:
        return None, None
    expected, others = segment_utilities(utility_matrix([hypothesis, *refs], table))
    return expected, (statistics.median(others) if others else None)


def weighted_median(values: Sequence[float], weights: Sequence[float]) -> float:
    """The median of ``values`` each counted ``weights`` times (the mean of the two middle values when the
    weights split evenly, as :func:`statistics.median` does with equal weights)."""
    pairs = sorted((v, w) for v, w in zip(values, weights, strict=True) if w > 0)
    if not pairs:
        return statistics.median(values)
    half = sum(w for _, w in pairs) / 2
    seen = 0.0
    lower = upper = None
    for value, weight in pairs:
        seen += weight
        if lower is None and seen >= half - 1e-12:
            lower = value
        if seen > half + 1e-12:
            upper = value
            break
    assert lower is not None
    return (lower + (upper if upper is not None else lower)) / 2


def _weighted(values: Sequence[float], weights: Sequence[float]) -> float:
    total = sum(weights)
    if total <= 0:
        return sum(values) / len(values)
    return sum(v * w for v, w in zip(values, weights, strict=True)) / total


def article_families(segments: Sequence[SegmentEstimate]) -> tuple[tuple[str, ...], dict[int, int]]:
    """The versions of the article that every segment with re-translations has, and their families, from the
    word-weighted agreement (chrF both ways averaged) over those segments."""
    compared = [s for s in segments if len(s.versions) > 1 and s.words > 0]
    if not compared:
        return (), {}
    names = tuple(name for name in compared[0].versions if all(name in s.versions for s in compared))
    n = len(names)
    if n < FAMILY_MIN_VERSIONS:
        return names, {}
    sums = [[0.0] * n for _ in range(n)]
    total = 0
    for segment in compared:
        at = [segment.versions.index(name) for name in names]
        for x in range(n):
            for y in range(x + 1, n):
                u = segment.utility
                sums[x][y] += segment.words * (u[at[x]][at[y]] + u[at[y]][at[x]]) / 2
        total += segment.words
    agreement = [[(sums[min(x, y)][max(x, y)] / total) if x != y else 100.0 for y in range(n)] for x in range(n)]
    return names, families(agreement)


class ReferenceScorer:
    """Computes :class:`ReferenceEstimate` from an article's aligned segments."""

    def estimate_segment(
        self,
        hypothesis: str,
        retranslations: Mapping[str, str],
        source: str | None,
        table: ChrfTable,
    ) -> SegmentEstimate:
        named = [(name, text) for name, text in retranslations.items() if text.strip()]
        refs = [text for _, text in named]
        utility = utility_matrix([hypothesis, *refs], table) if refs else ()
        expected, others = segment_utilities(utility) if refs else (None, [])
        wanted = rendered = 0
        missing: tuple[str, ...] = ()
        if source and source.strip():
            wanted, rendered, missing = source_coverage(source, hypothesis, list(retranslations.values()))
        has_source = bool(source and source.strip())
        return SegmentEstimate(
            len(hypothesis.split()),
            expected,
            wanted,
            rendered,
            missing,
            has_source,
            (AUDITED, *(str(name) for name, _ in named)),
            utility,
            tuple(others),
        )

    def combine(self, segments: Iterable[SegmentEstimate]) -> ReferenceEstimate | None:
        """The article's estimate from its segments; None when there is nothing to compare with."""
        segments = tuple(segments)
        names, family_at = article_families(segments)
        family = {names[x]: names[y] for x, y in family_at.items()}
        segments = tuple(_with_families(s, family) if family else s for s in segments)
        with_consensus = [s for s in segments if s.expected is not None and s.words > 0]
        consensus = relative = None
        if with_consensus:
            based = [s for s in with_consensus if s.retranslation_expected]
            if based:
                words = sum(s.words for s in based)
                expected = sum((s.expected or 0.0) * s.words for s in based) / words
                per_version: dict[str, list[tuple[float, int]]] = {}
                for s in based:
                    for name, value in zip(s.versions[1:], s.retranslation_expected, strict=True):
                        per_version.setdefault(name, []).append((value, s.words))
                levels = [sum(v * w for v, w in pairs) / sum(w for _, w in pairs) for pairs in per_version.values()]
                typical, best = statistics.median(levels), max(levels)
                relative = expected / typical if typical > 0 else 0.0
                scaled = expected / best if best > 0 else 0.0
            else:
                words = sum(s.words for s in with_consensus)
                expected = sum((s.expected or 0.0) * s.words for s in with_consensus) / words
                relative = scaled = expected / SINGLE_REFERENCE_LEVEL
            consensus = round(100.0 * min(1.0, scaled), 2)
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
        pairs = tuple(sorted((a, b) for a, b in family.items() if a < b))
        return ReferenceEstimate(float(value or 0.0), consensus, source, relative, segments, pairs)


def _with_families(segment: SegmentEstimate, family: Mapping[str, str]) -> SegmentEstimate:
    """The segment's utilities recomputed with the article's families as votes."""
    if len(segment.versions) < 2:
        return segment
    index = {name: k for k, name in enumerate(segment.versions)}
    at = {index[a]: index[b] for a, b in family.items() if a in index and b in index}
    expected, others = segment_utilities(segment.utility, at)
    return replace(
        segment,
        expected=expected,
        retranslation_expected=tuple(others),
    )


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
