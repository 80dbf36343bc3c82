"""``gl-code-quality-report.json``: findings as a GitLab Code Quality report.

One issue per finding: ``check_name`` is the check code, ``severity`` maps one to one (info, minor, major,
critical), ``location.path`` is relative to the current folder (or ``sarif_root``, the same root as SARIF)
and ``location.positions`` gives the line and column (Unicode code points) of the span; an article read
from a JSONL line points at that line. ``fingerprint`` is unique per issue and stable across runs: the
finding's fingerprint (check and the text around the span, see :mod:`audit.baseline`), the article and
its rank among identical findings.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

from audit.reporting.locations import artifact_uri, excerpt, parse_origin

FILE_NAME = "gl-code-quality-report.json"


class CodeQualityReporter:
    name = "codequality"

    def write(self, report: dict[str, Any], output: Path) -> list[Path]:
        path = output / FILE_NAME
        root = report.get("config", {}).get("sarif_root")
        issues = build_codequality(report, Path(root) if root else None)
        path.write_text(json.dumps(issues, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return [path]


def _path(file: str, base: Path | None) -> str:
    uri, relative = artifact_uri(file, base)
    if relative:
        from urllib.parse import unquote

        return unquote(uri)
    return str(Path(file).resolve())


def build_codequality(report: dict[str, Any], base: Path | None = None) -> list[dict[str, Any]]:
    issues: list[dict[str, Any]] = []
    for article in report["articles"]:
        origin = parse_origin(article["path"]) if article["path"] else None
        path = _path(origin.file, base) if origin is not None else article["id"]
        seen: Counter[str] = Counter()
        for finding in article["findings"]:
            key = finding.get("fingerprint") or f"{finding['check']}:{finding['text']}"
            seen[key] += 1
            unique = f"{article['id']}\x1f{key}\x1f{seen[key]}"
            location: dict[str, Any] = {"path": path}
            if origin is not None and origin.line is not None:
                location["lines"] = {"begin": origin.line}
            elif (origin is not None and origin.is_record) or "line" not in finding:
                location["lines"] = {"begin": 1}
            else:
                location["positions"] = {
                    "begin": {"line": finding["line"], "column": finding["column"]},
                    "end": {"line": finding["end_line"], "column": finding["end_column"]},
                }
            description = f"{finding['check']} {finding['message']}: «{excerpt(finding['text'], 120)}»"
            if finding.get("suggestion"):
                description += f" → {finding['suggestion']}"
            issues.append(
                {
                    "type": "issue",
                    "check_name": finding["check"],
                    "description": description,
                    "categories": ["Style" if finding["severity"] in ("info", "minor") else "Bug Risk"],
                    "severity": finding["severity"],
                    "fingerprint": hashlib.sha256(unique.encode("utf-8", "surrogatepass")).hexdigest()[:32],
                    "location": location,
                }
            )
    return issues
