"""The check interface: a check is a small class with a code, a name, a category, a default
severity and declared options; its docstring is its user documentation (``audit explain CODE``).

A check reads one article (``Check``) or a whole batch (``BatchCheck``) and yields findings. It
never decides pass or fail: scoring and thresholds live elsewhere.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from audit.context import ArticleContext
from audit.model import Category, Finding, Fix, Severity


@dataclass(frozen=True)
class Option:
    """A declared check option: its default value and one line of help."""

    default: Any
    help: str

    def coerce(self, code: str, name: str, value: Any) -> Any:
        """Validate ``value`` against the type of the default; raise ``ValueError`` when it does not fit."""
        default = self.default
        if isinstance(default, bool):
            ok = isinstance(value, bool)
        elif isinstance(default, (int, float)):
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            if ok and isinstance(default, int) and not isinstance(default, bool) and isinstance(value, float):
                ok = value.is_integer()
                value = int(value)
        elif isinstance(default, (list, tuple)):
            ok = isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)
            value = tuple(value) if ok else value
        elif isinstance(default, str):
            ok = isinstance(value, str)
        else:
            ok = True
        if not ok:
            raise ValueError(f"option {name!r} of check {code} takes a {type(default).__name__}, not {value!r}")
        return value


@dataclass(frozen=True)
class CheckSettings:
    """What the configuration says about one check: a severity override and option values."""

    severity: Severity | None = None
    options: Mapping[str, Any] = field(default_factory=dict)


class _CheckBase:
    code: ClassVar[str]
    name: ClassVar[str]
    category: ClassVar[Category]
    severity: ClassVar[Severity]
    options: ClassVar[Mapping[str, Option]] = {}
    #: The MQM dimension of the sub-scores its findings count against (None: the one of their category).
    dimension: ClassVar[str | None] = None
    #: What an article must have for the check to run: "source" (English original), "retranslations".
    requires: ClassVar[frozenset[str]] = frozenset()
    #: The per-word work the check shares with others ("lexicon": the lexicons' verdicts on each distinct word;
    #: "" none). When a batch is shared out among workers by check, checks that share work run in one worker.
    shares: ClassVar[str] = ""

    def __init__(self, settings: CheckSettings | None = None) -> None:
        settings = settings or CheckSettings()
        unknown = set(settings.options) - set(self.options)
        if unknown:
            valid = ", ".join(sorted(self.options)) or "none"
            raise ValueError(
                f"unknown option(s) {', '.join(sorted(unknown))} for check {self.code}; valid options: {valid}"
            )
        self.severity_override = settings.severity
        self.config: dict[str, Any] = {
            name: option.coerce(self.code, name, settings.options.get(name, option.default))
            for name, option in self.options.items()
        }

    @classmethod
    def documentation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        return cls.documentation().split("\n", 1)[0]

    def prepare_batch(self) -> None:
        """Load now whatever a large batch will need in full (whole tables rather than look-ups one at a time).
        Called once before the batch is shared out among worker processes, which then share what was loaded."""

    def applies_to(self, ctx: ArticleContext) -> bool:
        if "source" in self.requires and not ctx.has_source:
            return False
        return not ("retranslations" in self.requires and not ctx.has_retranslations)

    def finding(
        self,
        text: str,
        start: int,
        end: int,
        message: str,
        *,
        suggestion: str | None = None,
        severity: Severity | None = None,
        category: Category | None = None,
        confidence: float | None = None,
        evidence: str | None = None,
        fix: Fix | None = None,
    ) -> Finding:
        """Build a finding of this check over ``text[start:end]``; a configured severity wins, except over an
        ``info`` note (such as "no lexicon installed"), which is never scored.

        ``fix`` holds the exact edits that correct it (offsets into ``text``); they must lie inside the text.
        """
        if fix is not None and fix.end > len(text):
            raise ValueError(f"fix of {self.code} ends at {fix.end}, past the end of the text ({len(text)})")
        return Finding(
            check=self.code,
            category=category or self.category,
            severity=severity if severity is Severity.INFO else self.severity_override or severity or self.severity,
            start=start,
            end=end,
            text=text[start:end],
            message=message,
            suggestion=suggestion,
            confidence=confidence,
            evidence=evidence,
            fix=fix,
        )


class Check(_CheckBase):
    """A check that reads one article at a time."""

    def run(self, ctx: ArticleContext) -> Iterable[Finding]:
        raise NotImplementedError


class BatchCheck(_CheckBase):
    """A check that reads the whole batch at once (for example, spelling consistency across articles).

    ``run_batch`` yields ``(index, finding)`` pairs, ``index`` being the article's position in ``contexts``.
    """

    def collect(self, ctx: ArticleContext) -> Any:
        """The per-article part of the work, run where the article is audited (a worker process, for a large
        batch); the result must pickle. ``run_batch`` receives one result per article in ``collected``."""
        return None

    def run_batch(
        self, contexts: Sequence[ArticleContext], collected: Sequence[Any] | None = None
    ) -> Iterator[tuple[int, Finding]]:
        raise NotImplementedError


AnyCheck = Check | BatchCheck
