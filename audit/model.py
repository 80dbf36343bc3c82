"""The records the auditor passes around: severities, categories, findings and articles."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """How bad a finding is. ``info`` findings are reported but never scored."""

    INFO = "info"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.INFO: 0, Severity.MINOR: 1, Severity.MAJOR: 2, Severity.CRITICAL: 3}


class Category(StrEnum):
    """The error categories of the report contract (MQM-like)."""

    UNTRANSLATED = "untranslated"
    BOILERPLATE = "boilerplate"
    GARBLED = "garbled"
    DUPLICATION = "duplication"
    OMISSION = "omission"
    ADDITION = "addition"
    MISTRANSLATION = "mistranslation"
    AGREEMENT = "agreement"
    PUNCTUATION = "punctuation"
    INCONSISTENCY = "inconsistency"
    NUMBER = "number"
    STYLE = "style"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in one article: ``text == article.text[start:end]`` always holds."""

    check: str
    category: Category
    severity: Severity
    start: int
    end: int
    text: str
    message: str
    suggestion: str | None = None
    confidence: float | None = None
    evidence: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "check": self.check,
            "category": self.category.value,
            "severity": self.severity.value,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "message": self.message,
            "suggestion": self.suggestion,
        }
        if self.confidence is not None:
            data["confidence"] = round(self.confidence, 3)
        if self.evidence is not None:
            data["evidence"] = self.evidence
        return data


@dataclass(frozen=True)
class Article:
    """A machine-translated Arabic article, with its English original and re-translations when known."""

    id: str
    text: str
    path: str | None = None
    source: str | None = None
    retranslations: Mapping[str, str] = field(default_factory=dict)
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class InputError:
    """An article that could not be read; the rest of the batch goes on without it."""

    id: str
    path: str | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "path": self.path, "message": self.message}
