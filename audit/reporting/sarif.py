"""``report.sarif``: findings in SARIF 2.1.0, for code-scanning views (GitHub, VS Code, Azure DevOps).

Each check that produced a finding is a rule (its docstring is the rule's documentation); each
finding is a result pointing at the article's file. Columns count Unicode code points
(``columnKind: unicodeCodePoints``), the way Python indexes the text, with lines separated by
``\\n`` or ``\\r\\n``. An article read from a JSONL line points at that line of the JSONL file (its
text is JSON-escaped there, so no columns); a dataset record points at the dataset and names the
record. Paths are relative to the current folder, or to ``sarif_root`` (``--sarif-root``), under the
``%SRCROOT%`` base id; a file outside it keeps an absolute ``file:`` URI. Each result carries
``partialFingerprints`` (the check and the text around the span, see :mod:`audit.baseline`) so review
tools follow a finding across runs. A finding's fix (exact edits) becomes a SARIF ``fix`` for an article
file; its suggestion, advice for the editor, goes to ``properties.suggestion``. Input errors are tool
notifications.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from audit.baseline import FINGERPRINT_KEY
from audit.model import Severity
from audit.reporting.json_report import write_json
from audit.reporting.locations import Origin, artifact_uri, excerpt, parse_origin

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
MAX_SNIPPET = 2000  # a region's snippet is the exact text; longer spans (a repeated paragraph) go without
LEVELS = {
    Severity.CRITICAL.value: "error",
    Severity.MAJOR.value: "error",
    Severity.MINOR.value: "warning",
    Severity.INFO.value: "note",
}


class SarifReporter:
    name = "sarif"

    def write(self, report: dict[str, Any], output: Path) -> list[Path]:
        path = output / "report.sarif"
        root = report.get("config", {}).get("sarif_root")
        log = build_sarif(report, Path(root) if root else None, lazy=True)
        write_json(path, log)  # streamed: results and articles are generated as they are written
        return [path]


def build_sarif(report: dict[str, Any], base: Path | None = None, lazy: bool = False) -> dict[str, Any]:
    """The SARIF log of a report; relative URIs are relative to ``base`` (default: the current folder).

    With ``lazy``, ``results`` and ``properties.articles`` are generators, for a streaming writer.
    """
    base = (base or Path.cwd()).resolve()
    rules, rule_index = _rules(report)

    def results() -> Iterator[dict[str, Any]]:
        for article in report["articles"]:
            origin = parse_origin(article["path"]) if article["path"] else None
            for finding in article["findings"]:
                yield _result(article, finding, origin, rule_index[finding["check"]], base)

    def articles() -> Iterator[dict[str, Any]]:
        for a in report["articles"]:
            yield {"id": a["id"], "path": a["path"], "score": a["score"], "passed": a["passed"], "words": a["words"]}

    notifications = [_notification(error, base) for error in report["errors"]]
    summary = report["summary"]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": report["tool"]["name"],
                "version": report["tool"]["version"],
                "semanticVersion": report["tool"]["version"],
                "rules": rules,
            }
        },
        "invocations": [
            {
                "executionSuccessful": not any(e["message"].startswith("internal error") for e in report["errors"]),
                "toolExecutionNotifications": notifications,
            }
        ],
        "originalUriBaseIds": {SRCROOT: {"uri": base.as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "newlineSequences": ["\r\n", "\n"],
        "results": results() if lazy else list(results()),
        "properties": {
            "signature": summary["signature"],
            "formula": summary["formula"],
            "gate": summary["gate"],
            "summary": summary,
            "config": report["config"],
            "articles": articles() if lazy else list(articles()),
        },
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def _rules(report: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """A rule for every check code that produced a finding, in code order, and each code's index."""
    from audit.checks import check_classes

    known = check_classes()
    first: dict[str, dict[str, Any]] = {}
    for article in report["articles"]:
        for finding in article["findings"]:
            first.setdefault(finding["check"], finding)
    rules: list[dict[str, Any]] = []
    for code in sorted(first):
        cls = known.get(code)
        if cls is not None:
            summary, documentation = cls.summary(), cls.documentation()
            name, category, severity = cls.name, cls.category.value, cls.severity.value
        else:  # a finding from an analyzer rather than a registered check
            finding = first[code]
            category, severity = finding["category"], finding["severity"]
            name = code.lower()
            summary = documentation = f"{category} finding reported by {code}"
        rules.append(
            {
                "id": code,
                "name": name,
                "shortDescription": {"text": summary or code},
                "fullDescription": {"text": documentation or summary or code},
                "help": {"text": documentation or summary or code},
                "defaultConfiguration": {"level": LEVELS[severity]},
                "properties": {"category": category, "severity": severity, "tags": [category]},
            }
        )
    return rules, {rule["id"]: index for index, rule in enumerate(rules)}


def _artifact(file: str, base: Path) -> dict[str, Any]:
    uri, relative = artifact_uri(file, base)
    return {"uri": uri, "uriBaseId": SRCROOT} if relative else {"uri": uri}


def _result(
    article: dict[str, Any], finding: dict[str, Any], origin: Origin | None, index: int, base: Path
) -> dict[str, Any]:
    location: dict[str, Any] = {}
    if origin is not None:
        physical: dict[str, Any] = {"artifactLocation": _artifact(origin.file, base)}
        if origin.line is not None:
            physical["region"] = {"startLine": origin.line, "endLine": origin.line}
        elif origin.record is None and "line" in finding:
            physical["region"] = {
                "startLine": finding["line"],
                "startColumn": finding["column"],
                "endLine": finding["end_line"],
                "endColumn": finding["end_column"],
                "charOffset": finding["start"],
                "charLength": finding["end"] - finding["start"],
            }
            if len(finding["text"]) <= MAX_SNIPPET:
                physical["region"]["snippet"] = {"text": finding["text"]}
        location["physicalLocation"] = physical
    if origin is None or origin.is_record:
        record = {"name": article["id"], "fullyQualifiedName": article["path"] or article["id"], "kind": "object"}
        location["logicalLocations"] = [record]

    message = f"{finding['message']}: «{excerpt(finding['text'])}»"
    if finding["suggestion"]:
        message += f" Suggestion: {finding['suggestion']}"
    properties: dict[str, Any] = {
        "category": finding["category"],
        "severity": finding["severity"],
        "article": article["id"],
        "articleScore": article["score"],
        "span": {
            key: finding[key] for key in ("start", "end", "line", "column", "end_line", "end_column") if key in finding
        },
    }
    for key in ("suggestion", "confidence", "evidence"):
        if finding.get(key) is not None:
            properties[key] = finding[key]
    result: dict[str, Any] = {
        "ruleId": finding["check"],
        "ruleIndex": index,
        "level": LEVELS[finding["severity"]],
        "message": {"text": message},
        "locations": [location],
    }
    if finding.get("fingerprint"):
        result["partialFingerprints"] = {FINGERPRINT_KEY: finding["fingerprint"]}
    fix = finding.get("fix")
    if fix and origin is not None and not origin.is_record:
        replacements = [
            {
                "deletedRegion": {"charOffset": edit["start"], "charLength": edit["end"] - edit["start"]},
                **({"insertedContent": {"text": edit["replacement"]}} if edit["replacement"] else {}),
            }
            for edit in fix["edits"]
        ]
        result["fixes"] = [
            {
                "description": {"text": f"{fix['applicability']} fix: {finding['suggestion'] or 'delete'}"},
                "artifactChanges": [{"artifactLocation": _artifact(origin.file, base), "replacements": replacements}],
                "properties": {"applicability": fix["applicability"]},
            }
        ]
    if finding.get("baseline"):
        result["baselineState"] = "new" if finding["baseline"] == "new" else "unchanged"
    result["properties"] = properties
    return result


def _notification(error: dict[str, Any], base: Path) -> dict[str, Any]:
    notification: dict[str, Any] = {"level": "error", "message": {"text": error["message"]}}
    if error["path"]:
        origin = parse_origin(error["path"])
        physical: dict[str, Any] = {"artifactLocation": _artifact(origin.file, base)}
        if origin.line is not None:
            physical["region"] = {"startLine": origin.line}
        notification["locations"] = [{"physicalLocation": physical}]
    notification["properties"] = {"id": error["id"], "path": error["path"]}
    return notification
