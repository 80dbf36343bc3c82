"""Reporters: each turns a :class:`BatchResult` into files in the output folder.

Every reporter reads the same plain dictionary, :func:`report_dict` (the ``report.json`` contract),
so all formats agree. A new format is one class with ``name`` and ``write`` and one registry line.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from audit import __version__, scoring
from audit.engine import ArticleResult, BatchResult
from audit.model import Severity
from audit.reporting.locations import finding_dicts

SCHEMA = "audit-report/2"


class Reporter(Protocol):
    """Writes one report format; returns the paths it wrote.

    A reporter that shows the article text (the HTML report) sets the class attribute ``needs_text = True``
    and then receives the report with :func:`attach_texts` applied.
    """

    name: str

    def write(self, report: dict[str, Any], output: Path) -> list[Path]: ...


def article_dict(result: ArticleResult) -> dict[str, Any]:
    article = result.article
    data: dict[str, Any] = {
        "id": article.id,
        "path": article.path,
        "words": result.words,
        "score": result.score,
        "passed": result.passed,
        "subscores": dict(result.subscores),
        "findings": finding_dicts(result.findings, article.text),
        "metrics": dict(result.metrics),
    }
    if result.baseline_new is not None:
        for index, finding in enumerate(data["findings"]):
            finding["baseline"] = "new" if index in result.baseline_new else "known"
    if result.alignment:
        data["alignment"] = [dict(row) for row in result.alignment]
    if article.source is not None or article.retranslations:
        data["references"] = {"source": article.source is not None, "retranslations": sorted(article.retranslations)}
    return data


def report_dict(result: BatchResult) -> dict[str, Any]:
    """The ``report.json`` contract (schema ``audit-report/2``): extend it, never break it."""
    articles = [article_dict(a) for a in result.articles]
    severities = {s.value: 0 for s in Severity}
    categories: dict[str, int] = {}
    for article in result.articles:
        for finding in article.findings:
            severities[finding.severity.value] += 1
            categories[finding.category.value] = categories.get(finding.category.value, 0) + 1
    scores = [a.score for a in result.articles]
    names = list(dict.fromkeys(name for a in result.articles for name in a.subscores))
    subscores = {
        name: round(sum(a.subscores.get(name, 100.0) for a in result.articles) / len(result.articles), 2)
        for name in names
    }
    summary: dict[str, Any] = {
        "articles": len(articles),
        "passed": sum(1 for a in result.articles if a.passed),
        "failed": sum(1 for a in result.articles if not a.passed),
        "errors": len(result.errors),
        "gate": "pass" if result.exit_code == 0 else ("error" if result.exit_code == 2 else "fail"),
        "mean_score": round(sum(scores) / len(scores), 2) if scores else None,
        "min_score": min(scores) if scores else None,
        "mean_subscores": subscores,
        "words": sum(a.words for a in result.articles),
        "findings": severities,
        "categories": dict(sorted(categories.items())),
        "signature": result.signature,
        "formula": scoring.FORMULA,
    }
    if result.baseline is not None:
        new = sum(len(a.baseline_new or ()) for a in result.articles)
        total = sum(len(a.findings) for a in result.articles)
        summary["baseline"] = {"path": result.baseline, "new": new, "known": total - new}
    return {
        "schema": SCHEMA,
        "tool": {"name": "audit", "version": __version__},
        "config": result.config.to_dict(),
        "articles": articles,
        "errors": [e.to_dict() for e in result.errors],
        "summary": summary,
    }


def attach_texts(report: dict[str, Any], result: BatchResult) -> dict[str, Any]:
    """``report`` with each article's ``"text"`` added (and ``"reference_texts": {"source", "retranslations"}``
    when it has references), for reporters that show the text. ``report.json`` itself never carries texts,
    so large batches stay small; this is a shallow copy, the contract dict is left as it was."""
    articles = []
    for data, item in zip(report["articles"], result.articles, strict=True):
        article = item.article
        extra: dict[str, Any] = {"text": article.text}
        if article.source is not None or article.retranslations:
            extra["reference_texts"] = {"source": article.source, "retranslations": dict(article.retranslations)}
        articles.append({**data, **extra})
    return {**report, "articles": articles}


def _reporters() -> dict[str, Callable[[], Reporter]]:
    from audit.reporting.codequality import CodeQualityReporter
    from audit.reporting.html import HtmlReporter
    from audit.reporting.json_report import JsonReporter
    from audit.reporting.junit import JUnitReporter
    from audit.reporting.markdown import CsvReporter, MarkdownReporter
    from audit.reporting.sarif import SarifReporter

    return {
        "json": JsonReporter,
        "md": MarkdownReporter,
        "csv": CsvReporter,
        "junit": JUnitReporter,
        "sarif": SarifReporter,
        "html": HtmlReporter,
        "codequality": CodeQualityReporter,
    }


def available_formats() -> list[str]:
    return sorted(_reporters())


def write_reports(result: BatchResult, formats: list[str] | tuple[str, ...], output: Path) -> list[Path]:
    """Write every requested format into ``output``; unknown format names raise ``ValueError``."""
    registry = _reporters()
    unknown = [f for f in formats if f not in registry]
    if unknown:
        raise ValueError(f"unknown format(s) {', '.join(unknown)}; valid formats: {', '.join(sorted(registry))}")
    output.mkdir(parents=True, exist_ok=True)
    report = report_dict(result)
    written: list[Path] = []
    for name in formats:
        reporter = registry[name]()
        data = attach_texts(report, result) if getattr(reporter, "needs_text", False) else report
        written.extend(reporter.write(data, output))
    return written
