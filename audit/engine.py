"""Running an audit: checks over a batch of articles, then scores and the pass/fail gate."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from audit import scoring
from audit.checks import ArticleContext, BatchCheck, Check, build_checks
from audit.checks.base import AnyCheck
from audit.config import Config
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


@dataclass(frozen=True)
class BatchResult:
    articles: tuple[ArticleResult, ...]
    errors: tuple[InputError, ...]
    config: Config
    signature: str

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
    return 0 <= finding.start <= finding.end <= len(text) and text[finding.start : finding.end] == finding.text


def audit_batch(
    loaded: Iterable[Article | InputError],
    config: Config,
    checks: Sequence[AnyCheck] | None = None,
    analyzers: Sequence[Analyzer] = (),
) -> BatchResult:
    """Audit every article; input errors are carried along, never raised."""
    if checks is None:
        checks = build_checks(config.select, config.ignore, config.checks)
    articles: list[Article] = []
    errors: list[InputError] = []
    for item in loaded:
        (errors if isinstance(item, InputError) else articles).append(item)  # type: ignore[arg-type]

    contexts = [ArticleContext(a) for a in articles]
    findings: list[list[Finding]] = [[] for _ in contexts]
    metrics: list[dict[str, Any]] = [{} for _ in contexts]
    alignments: list[list[Mapping[str, Any]]] = [[] for _ in contexts]
    article_checks = [c for c in checks if isinstance(c, Check)]
    batch_checks = [c for c in checks if isinstance(c, BatchCheck)]

    for index, ctx in enumerate(_progress(contexts, "audit")):
        for check in article_checks:
            if not check.applies_to(ctx):
                continue
            try:
                findings[index].extend(check.run(ctx))
            except Exception as exc:  # a faulty check must not lose the batch
                errors.append(_internal_error(ctx.article, check.code, exc))
        for analyzer in analyzers:
            try:
                analysis = analyzer.analyze(ctx)
            except Exception as exc:  # same: report it, keep going
                errors.append(_internal_error(ctx.article, analyzer.name, exc))
                continue
            metrics[index].update(analysis.metrics)
            findings[index].extend(analysis.findings)
            alignments[index].extend(analysis.alignment)

    for batch_check in batch_checks:
        try:
            for index, finding in batch_check.run_batch(contexts):
                findings[index].append(finding)
        except Exception as exc:  # same
            errors.append(InputError(id="*", path=None, message=f"internal error in check {batch_check.code}: {exc!r}"))

    signature = scoring.signature(config.weights, config.fail_under, config.fail_on)
    results = []
    for ctx, found, values, alignment in zip(contexts, findings, metrics, alignments, strict=True):
        results.append(_score_article(ctx, found, values, alignment, config, errors))
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
    ordered = tuple(sorted(unique.values(), key=lambda f: (f.start, -f.severity.rank, f.end, f.check)))
    words = ctx.doc.word_count
    result = scoring.score(ordered, words, config.weights)
    passed = scoring.passes(result.value, ordered, config.fail_under, config.fail_on_severity())
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
    )
