"""Baselines: adopt the gate on an existing archive by failing only on findings that are new.

A finding is recognised across runs by its check, its article and a fingerprint of the text around its
span (the span and up to :data:`CONTEXT` characters either side, white space collapsed), not by offsets,
so an edit elsewhere in the article does not make old findings new. Fingerprints go into ``report.json``
(``fingerprint``) and SARIF (``partialFingerprints``). Matching counts: two identical findings in the
baseline excuse two in the new run, not three. A finding whose context changed but whose check and text
are the same as an unmatched baseline finding of the same article still counts as known.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audit.model import Finding, Severity

if TYPE_CHECKING:
    from audit.engine import ArticleResult, BatchResult

#: Characters of context either side of a span that go into its fingerprint.
CONTEXT = 16
FINGERPRINT_KEY = "auditFingerprint/v1"


class BaselineError(ValueError):
    """A baseline file that cannot be used; the message says why."""


def fingerprint(check: str, text: str, start: int, end: int) -> str:
    """A stable hash of the check and the text around ``text[start:end]`` (offsets do not enter it)."""
    reach = 4 * CONTEXT  # raw characters read, so that CONTEXT remain once white space is collapsed
    before = collapsed(text[max(0, start - reach) : start])[-CONTEXT:]
    span = collapsed(text[start:end])
    after = collapsed(text[end : end + reach])[:CONTEXT]
    digest = hashlib.sha256("\x1f".join((check, before, span, after)).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:20]


def collapsed(text: str) -> str:
    """``text`` with every run of white space made one space: ``re.sub(r"\\s+", " ", text)``, three times faster on
    the short stretches a fingerprint reads (``str.split`` and ``\\s`` agree on what white space is)."""
    words = text.split()
    if not words:
        return " " if text else ""
    joined = " ".join(words)
    if text[0].isspace():
        joined = " " + joined
    if text[-1].isspace():
        joined += " "
    return joined


@dataclass(frozen=True)
class Baseline:
    """The findings of a previous report: by (article, check, fingerprint) and by (article, check, text)."""

    path: str
    exact: Counter[tuple[str, str, str]]
    loose: Counter[tuple[str, str, str]]

    @classmethod
    def load(cls, path: Path) -> Baseline:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise BaselineError(f"baseline file not found: {path}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise BaselineError(f"cannot read baseline file {path}: {exc}") from None
        except json.JSONDecodeError as exc:
            raise BaselineError(f"baseline file {path} is not JSON (a report.json is expected): {exc.msg}") from None
        if not isinstance(data, Mapping) or not str(data.get("schema", "")).startswith("audit-report/"):
            raise BaselineError(f"baseline file {path} is not an audit report.json")
        return cls.from_report(data, str(path))

    @classmethod
    def from_report(cls, report: Mapping[str, Any], path: str = "") -> Baseline:
        exact: Counter[tuple[str, str, str]] = Counter()
        loose: Counter[tuple[str, str, str]] = Counter()
        for article in report.get("articles", []):
            for finding in article.get("findings", []):
                if finding.get("fingerprint"):
                    exact[(article["id"], finding["check"], finding["fingerprint"])] += 1
                loose[(article["id"], finding["check"], finding["text"])] += 1
        return cls(path, exact, loose)

    def new_findings(self, article_id: str, findings: Iterable[Finding], text: str) -> frozenset[int]:
        """Indices of ``findings`` (of article ``article_id``) that the baseline does not hold."""
        findings = list(findings)
        exact, loose = Counter(self.exact), Counter(self.loose)  # consumed as matched
        unmatched: list[int] = []
        for i, f in enumerate(findings):
            key = (article_id, f.check, fingerprint(f.check, text, f.start, f.end))
            if exact[key] > 0:
                exact[key] -= 1
                loose[(article_id, f.check, f.text)] -= 1
            else:
                unmatched.append(i)
        new = set()
        for i in unmatched:
            f = findings[i]
            key = (article_id, f.check, f.text)
            if loose[key] > 0:
                loose[key] -= 1
            else:
                new.add(i)
        return frozenset(new)


def gate_article(item: ArticleResult, baseline: Baseline) -> ArticleResult:
    """One article gated on new findings only: it fails when a finding the baseline does not hold is
    scored (minor or worse). The score stays computed over every finding."""
    new = baseline.new_findings(item.article.id, item.findings, item.article.text)
    failing = any(item.findings[i].severity is not Severity.INFO for i in new)
    return replace(item, passed=not failing, baseline_new=new)


def apply_baseline(result: BatchResult, baseline: Baseline) -> BatchResult:
    """``result`` with every article gated on new findings only (see :func:`gate_article`)."""
    articles: list[ArticleResult] = [gate_article(item, baseline) for item in result.articles]
    return replace(result, articles=tuple(articles), baseline=baseline.path)
