"""The records the auditor passes around: severities, categories, findings and articles."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from operator import attrgetter
from typing import Any, TypeVar

_T = TypeVar("_T")


def _pickled_by_fields(cls: type[_T]) -> type[_T]:
    """``cls`` (a frozen dataclass with slots) pickled as the tuple of its field values, read with one C getter and
    set back in a plain loop: the state functions dataclasses give such classes look the fields up for every
    object, which weighs on sending findings between processes and keeping them in a run's state."""
    names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
    values: Callable[[Any], tuple[Any, ...]] = attrgetter(*names)  # at least two names: a tuple

    def __getstate__(self: Any) -> tuple[Any, ...]:
        return values(self)

    def __setstate__(self: Any, state: tuple[Any, ...] | list[Any]) -> None:
        for name, value in zip(names, state, strict=True):
            object.__setattr__(self, name, value)

    setattr(cls, "__getstate__", __getstate__)  # noqa: B010 (assigned after the dataclass made the class)
    setattr(cls, "__setstate__", __setstate__)  # noqa: B010
    return cls


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


class Applicability(StrEnum):
    """Whether a fix may be applied without a reader's judgement (ruff's terms).

    ``safe`` fixes keep the meaning (a space, a residue line, a repeat, the article's own spelling);
    ``unsafe`` fixes are a best guess (a corrected word, a glossary rendering) an editor should review.
    """

    SAFE = "safe"
    UNSAFE = "unsafe"


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``text[start:end]`` of the article with ``replacement`` (an insertion when start == end)."""

    start: int
    end: int
    replacement: str

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"edit span {self.start}-{self.end} is not a span")

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "replacement": self.replacement}


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Fix:
    """Exact edits that, applied together to the article, correct one finding.

    The edits are sorted and do not overlap; applying them all (or none) keeps the text valid.
    """

    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE

    def __post_init__(self) -> None:
        if not self.edits:
            raise ValueError("a fix needs at least one edit")
        for before, after in zip(self.edits, self.edits[1:], strict=False):
            if after.start < before.end or (after.start == before.start == before.end == after.end):
                raise ValueError(f"overlapping or unsorted edits {before} and {after}")

    @classmethod
    def replace(cls, start: int, end: int, replacement: str, applicability: Applicability = Applicability.SAFE) -> Fix:
        """One edit: ``text[start:end]`` becomes ``replacement``."""
        return cls((Edit(start, end, replacement),), applicability)

    @property
    def start(self) -> int:
        return self.edits[0].start

    @property
    def end(self) -> int:
        return self.edits[-1].end

    @property
    def safe(self) -> bool:
        return self.applicability is Applicability.SAFE

    def apply(self, text: str) -> str:
        """``text`` with this fix's edits applied."""
        pieces, position = [], 0
        for edit in self.edits:
            pieces.append(text[position : edit.start])
            pieces.append(edit.replacement)
            position = edit.end
        pieces.append(text[position:])
        return "".join(pieces)

    def to_dict(self) -> dict[str, Any]:
        return {"applicability": self.applicability.value, "edits": [e.to_dict() for e in self.edits]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Fix:
        edits = tuple(Edit(int(e["start"]), int(e["end"]), str(e["replacement"])) for e in data["edits"])
        return cls(edits, Applicability(data.get("applicability", "safe")))


@_pickled_by_fields
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
    #: Exact edits that correct the finding, when the check knows them (``suggestion`` is advice for people).
    fix: Fix | None = None
    #: Findings inside the text this finding's fix deletes (a repeated block, residue lines): reported under
    #: it, not scored a second time.
    folded: tuple[Finding, ...] = ()

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
            "fix": self.fix.to_dict() if self.fix is not None else None,
        }
        if self.confidence is not None:
            data["confidence"] = round(self.confidence, 3)
        if self.evidence is not None:
            data["evidence"] = self.evidence
        if self.folded:
            data["folded"] = [f.to_dict() for f in self.folded]
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
    #: The encoding the file was read with ("utf-8", "utf-8-sig" for a BOM, "cp1256" …), when read from a file.
    encoding: str | None = None


@dataclass(frozen=True)
class InputError:
    """An article that could not be read or audited; the rest of the batch goes on without it.

    ``internal`` marks a fault of the tool itself (a check that raised), not of the input.
    """

    id: str
    path: str | None
    message: str
    internal: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "path": self.path, "message": self.message, "kind": self.kind}

    @property
    def kind(self) -> str:
        return "internal" if self.internal else "input"
