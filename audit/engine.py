"""Running an audit: checks over a batch of articles, then scores and the pass/fail gate."""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from audit import scoring
from audit.checks import ArticleContext, BatchCheck, Check, build_checks
from audit.checks.base import AnyCheck
from audit.config import Config
from audit.fixes import fold
from audit.model import Article, Finding, InputError, Severity


@dataclass(frozen=True)
class Analysis:
    """What an analyzer adds to an article's result.

    ``alignment`` rows are ``{"start", "end", "source", "retranslations": {name: text}, "metrics": {...}}``:
    a span of the audited text, the aligned English and re-translated text, and per-segment metrics.
    """

    metrics: Mapping[str, Any] = field(default_factory=dict)
    findings: Sequence[Finding] = ()
    alignment: Sequence[Mapping[str, Any]] = ()


class Analyzer(Protocol):
    """Something that measures an article (metrics against references, say) and may add findings."""

    name: str

    def analyze(self, ctx: ArticleContext) -> Analysis: ...


@dataclass(frozen=True)
class ArticleResult:
    article: Article
    words: int
    score: float
    penalty: float
    passed: bool
    findings: tuple[Finding, ...]
    metrics: Mapping[str, Any] = field(default_factory=dict)
    alignment: tuple[Mapping[str, Any], ...] = ()
    #: Sub-scores by MQM dimension (see :mod:`audit.scoring`), 0-100 each, plus those analyzers add.
    subscores: Mapping[str, float] = field(default_factory=dict)
    #: With a baseline: the indices of ``findings`` it does not hold (None: no baseline).
    baseline_new: frozenset[int] | None = None


@dataclass(frozen=True)
class BatchResult:
    articles: tuple[ArticleResult, ...]
    errors: tuple[InputError, ...]
    config: Config
    signature: str
    #: The baseline report the gate compared against, if any (see :mod:`audit.baseline`).
    baseline: str | None = None

    @property
    def passed(self) -> bool:
        return all(a.passed for a in self.articles)

    @property
    def exit_code(self) -> int:
        """0 every article passed, 1 the gate failed, 2 an input error."""
        if self.errors:
            return 2
        return 0 if self.passed else 1


def _progress(items: Sequence[Any], label: str) -> Iterable[Any]:
    if len(items) < 2 or not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    return tqdm(items, desc=label, unit="article", file=sys.stderr, leave=False)


def _valid(finding: Finding, text: str) -> bool:
    if finding.fix is not None and finding.fix.end > len(text):
        return False
    return 0 <= finding.start <= finding.end <= len(text) and text[finding.start : finding.end] == finding.text


@dataclass
class _ArticleOutput:
    """What the per-article checks and analyzers found in one article (sent back from a worker process)."""

    findings: list[Finding] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    alignment: list[Mapping[str, Any]] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    #: Batch check code -> its ``collect`` result for this article.
    collected: dict[str, Any] = field(default_factory=dict)


def _run_article(
    ctx: ArticleContext, checks: Sequence[Check], batch_checks: Sequence[BatchCheck], analyzers: Sequence[Analyzer]
) -> _ArticleOutput:
    output = _ArticleOutput()
    for batch_check in batch_checks:
        try:
            output.collected[batch_check.code] = batch_check.collect(ctx)
        except Exception as exc:  # same as below
            output.errors.append(_internal_error(ctx.article, batch_check.code, exc))
    for check in checks:
        if not check.applies_to(ctx):
            continue
        try:
            output.findings.extend(check.run(ctx))
        except Exception as exc:  # a faulty check must not lose the batch
            output.errors.append(_internal_error(ctx.article, check.code, exc))
    for analyzer in analyzers:
        try:
            analysis = analyzer.analyze(ctx)
        except Exception as exc:  # same: report it, keep going
            output.errors.append(_internal_error(ctx.article, analyzer.name, exc))
            continue
        output.metrics.update(analysis.metrics)
        output.findings.extend(analysis.findings)
        output.alignment.extend(analysis.alignment)
    return output


#: The checks and analyzers of the batch being audited, inherited by forked worker processes.
_worker_state: tuple[Sequence[Check], Sequence[BatchCheck], Sequence[Analyzer]] = ((), (), ())


def _run_in_worker(article: Article) -> _ArticleOutput:
    return _run_article(ArticleContext(article), *_worker_state)


#: Below this much text a batch is audited in one process: starting workers would cost more than it saves.
PARALLEL_MIN_CHARS = 200_000
_FORK_UNSAFE_MODULES = ("torch", "ctranslate2")


def worker_count(jobs: int, articles: Sequence[Article]) -> int:
    """How many processes audit the batch: ``jobs``, or with 0 (auto) one per core for a large batch.

    Auto stays in one process for small batches, where there is no fork, and once a neural MT library
    is loaded (its thread pools do not survive a fork).
    """
    if jobs > 0:
        return min(jobs, max(len(articles), 1))
    if len(articles) < 4 or sum(len(a.text) for a in articles) < PARALLEL_MIN_CHARS:
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if any(name in sys.modules for name in _FORK_UNSAFE_MODULES):
        return 1
    return min(os.cpu_count() or 1, 8, len(articles))


def _run_articles(
    contexts: Sequence[ArticleContext],
    checks: Sequence[Check],
    batch_checks: Sequence[BatchCheck],
    analyzers: Sequence[Analyzer],
    jobs: int,
) -> Iterable[_ArticleOutput]:
    if jobs <= 1:
        return (_run_article(ctx, checks, batch_checks, analyzers) for ctx in _progress(contexts, "audit"))
    return _run_parallel([ctx.article for ctx in contexts], checks, batch_checks, analyzers, jobs)


def _run_parallel(
    articles: list[Article],
    checks: Sequence[Check],
    batch_checks: Sequence[BatchCheck],
    analyzers: Sequence[Analyzer],
    jobs: int,
) -> list[_ArticleOutput]:
    global _worker_state
    _worker_state = (checks, batch_checks, analyzers)
    chunk = max(1, min(16, len(articles) // (jobs * 8)))
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            return list(_progress_iter(pool.imap(_run_in_worker, articles, chunksize=chunk), len(articles)))
    finally:
        _worker_state = ((), (), ())


def _progress_iter(items: Iterable[Any], total: int) -> Iterable[Any]:
    if total < 2 or not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    return tqdm(items, total=total, desc="audit", unit="article", file=sys.stderr, leave=False)


def audit_batch(
    loaded: Iterable[Article | InputError],
    config: Config,
    checks: Sequence[AnyCheck] | None = None,
    analyzers: Sequence[Analyzer] = (),
) -> BatchResult:
    """Audit every article; input errors are carried along, never raised.

    Per-article checks run in ``worker_count(config.jobs, ...)`` processes; checks that read the whole
    batch, and scoring, run in this one. Results do not depend on the number of processes.
    """
    if checks is None:
        checks = build_checks(config.select, config.ignore, config.checks)
    articles: list[Article] = []
    errors: list[InputError] = []
    for item in loaded:
        (errors if isinstance(item, InputError) else articles).append(item)  # type: ignore[arg-type]

    contexts = [ArticleContext(a) for a in articles]
    article_checks = [c for c in checks if isinstance(c, Check)]
    batch_checks = [c for c in checks if isinstance(c, BatchCheck)]
    jobs = worker_count(config.jobs, articles)
    outputs = list(_run_articles(contexts, article_checks, batch_checks, analyzers, jobs))
    for output in outputs:
        errors.extend(output.errors)

    for batch_check in batch_checks:
        try:
            collected = [output.collected.get(batch_check.code) for output in outputs]
            for index, finding in batch_check.run_batch(contexts, collected):
                outputs[index].findings.append(finding)
        except Exception as exc:  # same
            errors.append(InputError(id="*", path=None, message=f"internal error in check {batch_check.code}: {exc!r}"))

    signature = scoring.signature(config.weights, config.fail_under, config.fail_on, config.gates)
    results = [
        _score_article(ctx, output.findings, output.metrics, output.alignment, config, errors)
        for ctx, output in zip(contexts, outputs, strict=True)
    ]
    return BatchResult(articles=tuple(results), errors=tuple(errors), config=config, signature=signature)


def _internal_error(article: Article, code: str, exc: Exception) -> InputError:
    return InputError(id=article.id, path=article.path, message=f"internal error in {code}: {exc!r}")


def _score_article(
    ctx: ArticleContext,
    found: list[Finding],
    values: dict[str, Any],
    alignment: list[Mapping[str, Any]],
    config: Config,
    errors: list[InputError],
) -> ArticleResult:
    unique: dict[tuple[str, int, int], Finding] = {}
    for finding in found:
        if not _valid(finding, ctx.text):
            errors.append(
                InputError(
                    id=ctx.article.id,
                    path=ctx.article.path,
                    message=f"internal error in {finding.check}: span {finding.start}-{finding.end} does not match",
                )
            )
            continue
        unique.setdefault((finding.check, finding.start, finding.end), finding)
    ordered = fold(sorted(unique.values(), key=lambda f: (f.start, -f.severity.rank, f.end, f.check)))
    words = ctx.doc.word_count
    result = scoring.score(ordered, words, config.weights)
    subscores = scoring.subscores(ordered, words, config.weights)
    passed = scoring.passes(
        result.value, ordered, config.fail_under, config.fail_on_severity(), subscores, config.gates
    )
    counts = {s.value: sum(1 for f in ordered if f.severity is s) for s in Severity}
    return ArticleResult(
        article=ctx.article,
        words=words,
        score=result.value,
        penalty=result.penalty,
        passed=passed,
        findings=ordered,
        metrics={"penalty": result.penalty, "counts": counts, **values},
        alignment=tuple(alignment),
        subscores=subscores,
    )
