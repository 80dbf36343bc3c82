"""``report.md`` (a summary fit for a pull-request comment) and ``report.csv`` (one row per finding).

The Markdown report stays well under GitHub's 65,536-character comment limit whatever the batch:
it shows the worst articles and the worst findings, every cell cut to a bounded length, and says
how many it left out. The full detail is in ``report.json``.
"""

from __future__ import annotations

import csv
import heapq
import re
from pathlib import Path
from typing import Any

from audit.model import Severity
from audit.reporting.groups import Group, group_findings
from audit.reporting.locations import display_location

MAX_ARTICLE_ROWS = 50
MAX_FINDING_ROWS = 30
MAX_ERROR_ROWS = 20
MAX_CELL = 90
_SEVERITY_RANK = {s.value: s.rank for s in Severity}
_SEVERITIES = ("critical", "major", "minor", "info")
# Characters that Markdown or the HTML a comment may contain would interpret.
_MARKDOWN_SPECIAL_RE = re.compile(r"([\\`*_{}\[\]<>#|~!])")
_SPACE_RE = re.compile(r"\s+")
# Bidi embeddings, overrides, isolates and marks, zero-width and other format or control characters: shown as
# ⟨U+202E⟩ so that a cell cannot reorder or hide the text around it.
_INVISIBLE_RE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]"
)
#: Characters that make a spreadsheet read a cell as a formula (CSV injection), and tab or carriage return before
#: them; such a cell gets a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def visible(text: str) -> str:
    """``text`` with control, bidi and zero-width characters replaced by visible ``⟨U+202E⟩`` marks."""
    return _INVISIBLE_RE.sub(lambda m: f"⟨U+{ord(m.group()):04X}⟩", text)


def _brief(article: dict[str, Any]) -> dict[str, Any]:
    """What the articles table shows of an article (its findings counted, not kept)."""
    counts = dict.fromkeys(_SEVERITIES, 0)
    for finding in article["findings"]:
        counts[finding["severity"]] += 1
    keys = ("id", "score", "passed", "words", "subscores")
    return {**{key: article.get(key) for key in keys}, "counts": counts}


def cell(value: Any, limit: int = MAX_CELL) -> str:
    """A table cell: one line, cut to ``limit`` characters, Markdown and HTML characters escaped, invisible
    characters shown."""
    text = _SPACE_RE.sub(" ", "" if value is None else str(value)).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return _MARKDOWN_SPECIAL_RE.sub(r"\\\1", visible(text))


def spreadsheet_cell(value: Any) -> Any:
    """A CSV value a spreadsheet shows as text: a string starting like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def quoted(text: str, limit: int = 60) -> str:
    """An excerpt of article text in guillemets, so its edges (and blanks) show."""
    return f"«{cell(text, limit)}»" if text.strip() else f"«{cell(repr(text), limit)}»"


def worst_findings(report: dict[str, Any], limit: int) -> list[tuple[dict[str, Any], Group]]:
    """(article, group of repeated findings) pairs, most severe first, then lowest article score, then position."""
    pairs = ((article, group) for article in report["articles"] for group in group_findings(article["findings"]))
    return heapq.nsmallest(
        limit, pairs, key=lambda p: (-_SEVERITY_RANK[p[1].severity], p[0]["score"], p[0]["id"], p[1].first["start"])
    )


def _lowest_subscore(article: dict[str, Any]) -> str:
    subscores = article.get("subscores") or {}
    if not subscores:
        return "–"
    name = min(subscores, key=lambda n: (subscores[n], n))
    return "–" if subscores[name] >= 100 else f"{cell(name)} {subscores[name]:.2f}"


class MarkdownReporter:
    name = "md"

    def write(self, report: dict[str, Any], output: Path) -> list[Path]:
        path = output / "report.md"
        path.write_text(render_markdown(report), encoding="utf-8")
        return [path]


def render_markdown(report: dict[str, Any]) -> str:
    summary = report["summary"]
    config = report["config"]
    gate = {"pass": "✅ PASS", "fail": "❌ FAIL", "error": "⚠️ ERROR"}[summary["gate"]]
    mean = "–" if summary["mean_score"] is None else f"{summary['mean_score']:.2f}"
    lowest = "–" if summary["min_score"] is None else f"{summary['min_score']:.2f}"
    lines = [
        "## Translation audit",
        "",
        f"**Gate: {gate}** · {summary['articles']} articles: {summary['passed']} passed, "
        f"{summary['failed']} failed, {summary['errors']} input errors · mean score {mean}, lowest {lowest} · "
        f"{summary['words']:,} words · pass needs score ≥ {config['fail_under']:g} and no finding at "
        f"{config['fail_on']} severity or above",
        "",
        "| Severity | Findings |",
        "| --- | ---: |",
        *(f"| {name} | {summary['findings'].get(name, 0)} |" for name in _SEVERITIES),
    ]
    if summary.get("mean_subscores"):
        gates = config.get("fail_under_subscores", {})
        lines += ["", "| Sub-score (mean) | Score | Gate |", "| --- | ---: | ---: |"]
        lines += [
            f"| {cell(name)} | {value:.2f} | {'≥ ' + format(gates[name], 'g') if name in gates else '–'} |"
            for name, value in summary["mean_subscores"].items()
        ]
    if summary["categories"]:
        lines += ["", "| Category | Findings |", "| --- | ---: |"]
        lines += [f"| {cell(name)} | {count} |" for name, count in summary["categories"].items()]

    total_articles = len(report["articles"])
    articles = heapq.nsmallest(
        MAX_ARTICLE_ROWS, (_brief(a) for a in report["articles"]), key=lambda a: (a["passed"], a["score"], a["id"])
    )
    if articles:
        lines += [
            "",
            "### Articles (worst first)",
            "",
            "| Result | Score | Article | Critical | Major | Minor | Info | Words | Lowest sub-score |",
            "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for article in articles:
            counts = article["counts"]
            mark = "pass" if article["passed"] else "**FAIL**"
            lines.append(
                f"| {mark} | {article['score']:.2f} | {cell(article['id'], 60)} | {counts['critical']} | "
                f"{counts['major']} | {counts['minor']} | {counts['info']} | {article['words']} | "
                f"{_lowest_subscore(article)} |"
            )
        if total_articles > MAX_ARTICLE_ROWS:
            lines.append(f"\n… and {total_articles - MAX_ARTICLE_ROWS} more articles (see report.json).")

    total_findings = sum(len(group_findings(a["findings"])) for a in report["articles"])
    if total_findings:
        lines += [
            "",
            "### Worst findings",
            "",
            "| Severity | Check | Where | Text | Problem | Suggestion |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for article, group in worst_findings(report, MAX_FINDING_ROWS):
            finding = group.first
            where = display_location(article["path"] or article["id"], finding)
            if group.count > 1:
                where += f" (+{group.count - 1} more)"
            lines.append(
                f"| {finding['severity']} | {cell(group.label)} | {cell(where, 70)} | "
                f"{quoted(finding['text'])} | {cell(finding['message'], 120)} | {cell(finding['suggestion'] or '')} |"
            )
        if total_findings > MAX_FINDING_ROWS:
            lines.append(
                f"\n… and {total_findings - MAX_FINDING_ROWS} more findings or groups of findings (see report.json)."
            )

    if report["errors"]:
        lines += ["", "### Input errors", ""]
        for error in report["errors"][:MAX_ERROR_ROWS]:
            lines.append(f"- {cell(error['path'] or error['id'], 100)}: {cell(error['message'], 200)}")
        if len(report["errors"]) > MAX_ERROR_ROWS:
            lines.append(f"- … and {len(report['errors']) - MAX_ERROR_ROWS} more (see report.json)")

    lines += [
        "",
        f"Signature: `{summary['signature']}`  ",
        f"Formula: {cell(summary['formula'], 400)}",
        "",
    ]
    return "\n".join(lines)


CSV_COLUMNS = (
    "article",
    "path",
    "line",
    "column",
    "end_line",
    "end_column",
    "check",
    "category",
    "severity",
    "start",
    "end",
    "text",
    "message",
    "suggestion",
    "confidence",
    "article_score",
    "article_passed",
)


class CsvReporter:
    """One row per finding. UTF-8 with a byte-order mark, so spreadsheet programs show the Arabic."""

    name = "csv"

    def write(self, report: dict[str, Any], output: Path) -> list[Path]:
        path = output / "report.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(CSV_COLUMNS)
            for article in report["articles"]:
                for finding in article["findings"]:
                    writer.writerow(
                        map(
                            spreadsheet_cell,
                            [
                                article["id"],
                                article["path"] or "",
                                finding.get("line", ""),
                                finding.get("column", ""),
                                finding.get("end_line", ""),
                                finding.get("end_column", ""),
                                finding["check"],
                                finding["category"],
                                finding["severity"],
                                finding["start"],
                                finding["end"],
                                finding["text"],
                                finding["message"],
                                finding["suggestion"] or "",
                                finding.get("confidence", ""),
                                article["score"],
                                "true" if article["passed"] else "false",
                            ],
                        )
                    )
        return [path]
