"""``junit.xml``: the audit as a JUnit test suite, for CI systems that display test results.

One ``<testcase>`` per article (``classname`` = the file it came from, ``name`` = the article id);
an article that fails the gate gets a ``<failure>`` whose message says why and whose text lists its
findings; an input error is a ``<testcase>`` with an ``<error>``. The suite's ``<properties>`` carry
the score signature and formula, so a result can be reproduced. The layout follows the Apache Ant
JUnit schema (``tests/schemas/junit.xsd``), which Jenkins, GitLab and GitHub reporters all read.
"""

from __future__ import annotations

import os
import re
import socket
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from audit.model import Severity
from audit.reporting.locations import display_location, excerpt, parse_origin

MAX_LISTED_FINDINGS = 200
_SEVERITY_RANK = {s.value: s.rank for s in Severity}
# Characters XML 1.0 cannot hold at all, even escaped (most C0 controls, lone surrogates, U+FFFE/FFFF).
_NOT_XML_RE = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: Any) -> str:
    """``value`` as a string XML can carry: characters XML forbids become U+FFFD."""
    return _NOT_XML_RE.sub("\ufffd", str(value))


def _element(parent: ET.Element, tag: str, text: str | None = None, **attributes: Any) -> ET.Element:
    element = ET.SubElement(parent, tag, {key: xml_text(value) for key, value in attributes.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def failure_reasons(article: dict[str, Any], config: dict[str, Any]) -> str:
    """Why an article failed: its score below ``fail_under``, findings at ``fail_on`` severity or above."""
    reasons = []
    if article["score"] < config["fail_under"]:
        reasons.append(f"score {article['score']:.2f} is below {config['fail_under']:g}")
    for name, threshold in config.get("fail_under_subscores", {}).items():
        value = article.get("subscores", {}).get(name)
        if value is not None and value < threshold:
            reasons.append(f"{name} sub-score {value:.2f} is below {threshold:g}")
    if config["fail_on"] != "none":
        threshold = _SEVERITY_RANK[config["fail_on"]]
        blocking = [
            f for f in article["findings"] if f["severity"] != "info" and _SEVERITY_RANK[f["severity"]] >= threshold
        ]
        if blocking:
            noun = "finding" if len(blocking) == 1 else "findings"
            reasons.append(f"{len(blocking)} {noun} at {config['fail_on']} severity or above")
    return "; ".join(reasons) or "failed the gate"


def finding_lines(article: dict[str, Any], limit: int = MAX_LISTED_FINDINGS) -> list[str]:
    """One line per finding, most severe first: severity, code, where, category, message, text, suggestion."""
    findings = sorted(article["findings"], key=lambda f: (-_SEVERITY_RANK[f["severity"]], f["start"]))
    lines = []
    for finding in findings[:limit]:
        where = display_location(article["path"] or article["id"], finding)
        line = (
            f"{finding['severity']:<8} {finding['check']} {where} [{finding['category']}] "
            f"{finding['message']}: «{excerpt(finding['text'])}»"
        )
        if finding["suggestion"]:
            line += f" → {finding['suggestion']}"
        lines.append(line)
    if len(findings) > limit:
        lines.append(f"… and {len(findings) - limit} more findings (see report.json)")
    return lines


def _classname(where: str | None) -> str:
    return parse_origin(where).file if where else "audit"


class JUnitReporter:
    name = "junit"

    def write(self, report: dict[str, Any], output: Path) -> list[Path]:
        """Written one test case at a time: the articles may be a lazy view of ``results.jsonl``."""
        path = output / "junit.xml"
        root, suite = _suite(report)
        ET.SubElement(suite, "cases")  # where the test cases go
        _tail(suite, report)
        ET.indent(root)
        head, tail = ET.tostring(root, encoding="unicode").split("<cases />", 1)
        tmp = path.with_name(f".{path.name}.tmp")
        with tmp.open("w", encoding="utf-8", errors="surrogatepass") as handle:
            handle.write("<?xml version='1.0' encoding='utf-8'?>\n")
            handle.write(head.rstrip(" "))
            for case in _cases(report):
                ET.indent(case, level=2)
                handle.write("    " + ET.tostring(case, encoding="unicode").rstrip() + "\n")
            handle.write(tail.lstrip("\n"))
        os.replace(tmp, path)
        return [path]


def build_junit(report: dict[str, Any], timestamp: datetime | None = None) -> ET.Element:
    root, suite = _suite(report, timestamp)
    suite.extend(_cases(report))
    _tail(suite, report)
    return root


def _suite(report: dict[str, Any], timestamp: datetime | None = None) -> tuple[ET.Element, ET.Element]:
    summary, config = report["summary"], report["config"]
    errors = report["errors"]
    when = (timestamp or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S")
    root = ET.Element("testsuites")
    suite = _element(
        root,
        "testsuite",
        name="audit",
        package="audit",
        id=0,
        timestamp=when,
        hostname=socket.gethostname() or "localhost",
        tests=summary["articles"] + len(errors),
        failures=summary["failed"],
        errors=len(errors),
        skipped=0,
        time=0,
    )
    properties = _element(suite, "properties")
    values = {
        "audit.version": report["tool"]["version"],
        "audit.signature": summary["signature"],
        "audit.formula": summary["formula"],
        "audit.fail_under": f"{config['fail_under']:g}",
        "audit.fail_on": config["fail_on"],
        "audit.gate": summary["gate"],
        "audit.mean_score": "" if summary["mean_score"] is None else f"{summary['mean_score']:.2f}",
        "audit.words": summary["words"],
    }
    for name, value in values.items():
        _element(properties, "property", name=name, value=value)
    return root, suite


def _cases(report: dict[str, Any]) -> Iterator[ET.Element]:
    """One ``<testcase>`` per article, then one per input error, each built on its own."""
    config = report["config"]
    holder = ET.Element("holder")
    for article in report["articles"]:
        case = _element(holder, "testcase", name=article["id"], classname=_classname(article["path"]), time=0)
        holder.remove(case)
        if not article["passed"]:
            header = (
                f"score {article['score']:.2f} ({article['words']} words, penalty {article['metrics'].get('penalty')})"
            )
            _element(
                case,
                "failure",
                "\n".join([header, *finding_lines(article)]),
                message=f"{article['id']}: {failure_reasons(article, config)}",
                type="audit.gate",
            )
        yield case
    for error in report["errors"]:
        case = _element(holder, "testcase", name=error["id"], classname=_classname(error["path"]), time=0)
        holder.remove(case)
        internal = error["message"].startswith("internal error")
        _element(
            case,
            "error",
            f"{error['path'] or error['id']}: {error['message']}",
            message=error["message"],
            type="audit.internal_error" if internal else "audit.input_error",
        )
        yield case


def _tail(suite: ET.Element, report: dict[str, Any]) -> None:
    summary, errors = report["summary"], report["errors"]
    _element(
        suite,
        "system-out",
        f"gate: {summary['gate']}; {summary['passed']} passed, {summary['failed']} failed, "
        f"{summary['errors']} errors\nsignature: {summary['signature']}\nformula: {summary['formula']}\n",
    )
    _element(suite, "system-err", "".join(f"{e['path'] or e['id']}: {e['message']}\n" for e in errors))
