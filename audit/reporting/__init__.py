"""Reporters: each turns a :class:`BatchResult` into files in the output folder.

Every reporter reads the same plain dictionary, :func:`report_dict` (the ``report.json`` contract),
so all formats agree. A new format is one class with ``name`` and ``write`` and one registry line.
"""

from __future__ import annotations

import importlib
import json
import math
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from audit import __version__, scoring
from audit.config import Config
from audit.engine import ArticleResult, BatchResult, exit_code
from audit.inputs import safe_text
from audit.model import InputError, Severity
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
    """The article record of ``report.json`` and ``results.jsonl``."""
    return safe_values(_article_record(result))


def article_line(result: ArticleResult) -> bytes:
    """:func:`article_dict` as one line of ``results.jsonl`` (UTF-8 JSON and a newline)."""
    return article_record_line(result)[1]


def article_record_line(result: ArticleResult) -> tuple[dict[str, Any], bytes]:
    """The record of ``result`` as its line of ``results.jsonl`` holds it, and that line.

    A record whose JSON is valid UTF-8 and has no non-finite number is written as it is, without the
    :func:`safe_values` copy (which would change nothing in it).
    """
    record = _article_record(result)
    try:
        return record, (json.dumps(record, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")
    except (ValueError, UnicodeEncodeError):  # a NaN or an infinity, or a lone surrogate somewhere
        record = safe_values(record)
        return record, (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


def plain_record(result: ArticleResult) -> bool:
    """Whether the record of ``result`` holds only JSON's own types (lists, string keys), so that it equals its
    line read back: true unless analyzers added metrics or an alignment, whose values may be tuples."""
    return not result.alignment and result.metrics.keys() <= _FINDINGS_METRICS


#: The metrics every article has, computed from its findings.
_FINDINGS_METRICS = frozenset({"penalty", "counts"})


def _article_record(result: ArticleResult) -> dict[str, Any]:
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
    if article.encoding is not None:
        data["encoding"] = article.encoding
    if result.alignment:
        data["alignment"] = [dict(row) for row in result.alignment]
    if article.source is not None or article.retranslations:
        data["references"] = {"source": article.source is not None, "retranslations": sorted(article.retranslations)}
    return data


class SummaryBuilder:
    """The ``summary`` of a report, built one article record at a time."""

    def __init__(self) -> None:
        self.articles = self.passed = self.words = 0
        self.score_total = 0.0
        self.min_score: float | None = None
        self.severities = {s.value: 0 for s in Severity}
        self.categories: dict[str, int] = {}
        #: Sub-score name -> (sum, number of articles that have it), in order of first appearance.
        self.subscores: dict[str, list[float]] = {}
        self.total_findings = self.new_findings = 0

    def add(self, record: dict[str, Any]) -> None:
        self.articles += 1
        self.passed += 1 if record["passed"] else 0
        self.words += record["words"]
        score = record["score"]
        self.score_total += score
        self.min_score = score if self.min_score is None else min(self.min_score, score)
        for finding in record["findings"]:
            self.total_findings += 1
            self.new_findings += 1 if finding.get("baseline") == "new" else 0
            self.severities[finding["severity"]] += 1
            self.categories[finding["category"]] = self.categories.get(finding["category"], 0) + 1
        for name, value in (record.get("subscores") or {}).items():
            total = self.subscores.setdefault(name, [0.0, 0])
            total[0] += value
            total[1] += 1

    def summary(self, errors: Sequence[InputError], signature: str, baseline: str | None = None) -> dict[str, Any]:
        code = exit_code(errors, self.passed == self.articles)
        summary: dict[str, Any] = {
            "articles": self.articles,
            "passed": self.passed,
            "failed": self.articles - self.passed,
            "errors": len(errors),
            "gate": "pass" if code == 0 else ("fail" if code == 1 else "error"),
            "mean_score": round(self.score_total / self.articles, 2) if self.articles else None,
            "min_score": self.min_score,
            # An article without a sub-score counts as 100 in its mean.
            "mean_subscores": {
                name: round((total + 100.0 * (self.articles - int(count))) / self.articles, 2)
                for name, (total, count) in self.subscores.items()
            },
            "words": self.words,
            "findings": self.severities,
            "categories": dict(sorted(self.categories.items())),
            "signature": signature,
            "formula": scoring.FORMULA,
        }
        if baseline is not None:
            known = self.total_findings - self.new_findings
            summary["baseline"] = {"path": baseline, "new": self.new_findings, "known": known}
        return summary


def build_report(
    articles: Iterable[dict[str, Any]],
    errors: Sequence[InputError],
    config: Config,
    signature: str,
    baseline: str | None = None,
) -> dict[str, Any]:
    """The ``report.json`` contract (schema ``audit-report/2``): extend it, never break it.

    ``articles`` is iterated once here for the summary; the report keeps it as it is (a list, or a lazy,
    re-iterable view of ``results.jsonl``) so that large batches are written without being held in memory.
    """
    builder = SummaryBuilder()
    for record in articles:
        builder.add(record)
    report = {
        "schema": SCHEMA,
        "tool": {"name": "audit", "version": __version__},
        "config": config.to_dict(),
        "articles": articles,
        "errors": [e.to_dict() for e in errors],
        "summary": builder.summary(errors, signature, baseline),
    }
    return safe_values(report)


def safe_values(value: Any) -> Any:
    """``value`` with every string made :func:`safe_text` and every non-finite number ``None`` (JSON has none)."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {safe_values(k): safe_values(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [safe_values(v) for v in value]
    return value


def report_dict(result: BatchResult) -> dict[str, Any]:
    """The ``report.json`` contract of an in-memory batch."""
    articles = [article_dict(a) for a in result.articles]
    return build_report(articles, result.errors, result.config, result.signature, result.baseline)


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


_REPORTERS: dict[str, tuple[str, str]] = {
    "json": ("audit.reporting.json_report", "JsonReporter"),
    "md": ("audit.reporting.markdown", "MarkdownReporter"),
    "csv": ("audit.reporting.markdown", "CsvReporter"),
    "junit": ("audit.reporting.junit", "JUnitReporter"),
    "sarif": ("audit.reporting.sarif", "SarifReporter"),
    "html": ("audit.reporting.html", "HtmlReporter"),
    "codequality": ("audit.reporting.codequality", "CodeQualityReporter"),
    "parquet": ("audit.reporting.parquet", "ParquetReporter"),
}
"""Format name -> (module, class): a reporter's module (jinja2 for HTML, pyarrow for Parquet) is imported
only when its format is written."""


def _reporter(name: str) -> Callable[[], Reporter]:
    module, attribute = _REPORTERS[name]
    reporter: Callable[[], Reporter] = getattr(importlib.import_module(module), attribute)
    return reporter


def available_formats() -> list[str]:
    return sorted(_REPORTERS)


def write_reports(result: BatchResult, formats: list[str] | tuple[str, ...], output: Path) -> list[Path]:
    """Write every requested format of an in-memory batch into ``output``; unknown formats raise ``ValueError``."""
    report = report_dict(result)
    return write_report_files(report, formats, output, lambda: attach_texts(report, result))


def write_report_files(
    report: dict[str, Any],
    formats: list[str] | tuple[str, ...] | Iterable[str],
    output: Path,
    with_texts: Callable[[], dict[str, Any]] | None = None,
    max_inline_bytes: int | None = None,
    results_file: Path | None = None,
) -> list[Path]:
    """Write every requested format of ``report`` into ``output``.

    ``with_texts`` gives the report with the article texts, for reporters that show them. When the articles
    come from ``results_file`` and it is larger than ``max_inline_bytes``, ``report.json`` holds the summary
    and points at that file instead of repeating every article. A format that fails (a fault of the reporter) is
    said on stderr, the other formats are still written, and :class:`ReportError` lists what was.
    """
    formats = list(formats)
    unknown = [f for f in formats if f not in _REPORTERS]
    if unknown:
        raise ValueError(f"unknown format(s) {', '.join(unknown)}; valid formats: {', '.join(sorted(_REPORTERS))}")
    output.mkdir(parents=True, exist_ok=True)
    failed: list[str] = []
    written: list[Path] = []
    for name in formats:
        try:
            reporter = _reporter(name)()
            written.extend(_write_one(reporter, name, report, output, with_texts, max_inline_bytes, results_file))
        except OSError:
            raise
        except Exception as exc:  # one broken format must not cost the others
            print(f"audit: internal error writing the {name} report: {exc!r}", file=sys.stderr)
            failed.append(name)
    if failed:
        raise ReportError(f"could not write the {', '.join(failed)} report(s); the others are in {output}", written)
    return written


def _write_one(
    reporter: Reporter,
    name: str,
    report: dict[str, Any],
    output: Path,
    with_texts: Callable[[], dict[str, Any]] | None,
    max_inline_bytes: int | None,
    results_file: Path | None,
) -> list[Path]:
    data = report
    if getattr(reporter, "needs_text", False) and with_texts is not None:
        data = with_texts()
    elif name == "json" and results_file is not None and max_inline_bytes is not None:
        size = results_file.stat().st_size
        if size > max_inline_bytes:
            data = {key: value for key, value in report.items() if key != "articles"}
            data["articles_file"] = results_file.name
            data["articles_note"] = (
                f"the {len(report['articles'])} article records ({size / 2**20:.1f} MiB) are in "
                f"{results_file.name}, one per line, not repeated here (limit: max_report_mb)"
            )
    return reporter.write(data, output)


class ReportError(Exception):
    """Some formats could not be written (an internal error); ``written`` lists the files that were."""

    def __init__(self, message: str, written: list[Path]) -> None:
        super().__init__(message)
        self.written = written
