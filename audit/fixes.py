"""Fixes: turning findings that carry exact edits into corrected text.

A :class:`~audit.model.Fix` is a set of edits with an applicability (``safe`` or ``unsafe``). This
module picks a set of fixes that do not overlap (deterministically: the most severe finding first,
then by position), applies them, and repeats the audit on the result until nothing more can be fixed,
so fixes that had to wait for an overlapping one get their turn. It also builds the edits checks share
(deleting whole lines) and the unified diff of a correction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from audit.model import Applicability, Article, Edit, Finding, Fix, InputError

if TYPE_CHECKING:
    from audit.checks.base import AnyCheck
    from audit.config import Config

#: How many audit-and-fix rounds ``fix_batch`` runs at most (a round only happens when the last one changed text).
MAX_PASSES = 4


def delete_lines(text: str, start: int, end: int) -> Edit:
    """An edit deleting the whole lines that hold ``text[start:end]``, with the blank lines after them
    (or, at the end of the text, the line breaks before them), so no gap is left behind."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", max(end - 1, start))
    if line_end == -1:
        line_end = len(text)
    after = line_end
    while after < len(text) and text[after] in "\n\r \t\u00a0":
        after += 1
    if after < len(text):
        # keep the indentation of the next line: cut back to just after its line break
        cut = text.rfind("\n", line_end, after) + 1
        return Edit(line_start, max(cut, line_end + 1), "")
    before = line_start
    while before > 0 and text[before - 1] in "\n\r \t\u00a0":
        before -= 1
    if before > 0 and text.endswith("\n"):  # the text ends with a line break: keep one after what is left
        before = text.index("\n", before) + 1
    return Edit(before, len(text), "")


def delete_span(text: str, start: int, end: int) -> Edit:
    """An edit deleting ``text[start:end]`` inside a line with the blanks on one side, so words stay
    one space apart and no blank is left before punctuation or at the end of the line."""
    blanks = " \t\u00a0"
    after = end
    while after < len(text) and text[after] in blanks:
        after += 1
    before = start
    while before > 0 and text[before - 1] in blanks:
        before -= 1
    if before == 0 or text[before - 1] == "\n":  # at the head of its line: take the blanks after it
        return Edit(before, after, "")
    return Edit(before, end, "")


def deleted_block(finding: Finding) -> Edit | None:
    """The text a finding's safe fix deletes when that fix is one deletion covering the whole finding
    (a repeated block, residue lines, a repeated sentence); else None."""
    fix = finding.fix
    if fix is None or not fix.safe or len(fix.edits) != 1 or finding.end <= finding.start:
        return None
    edit = fix.edits[0]
    if edit.replacement or not edit.start <= finding.start < finding.end <= edit.end:
        return None
    return edit


def fold(findings: Sequence[Finding]) -> tuple[Finding, ...]:
    """Findings inside text that another finding's fix deletes are folded into that finding (its ``folded``),
    the widest deletion taking them; the others are returned as they were, in the same order."""
    blocks = sorted(
        ((edit, f) for f in findings if (edit := deleted_block(f)) is not None),
        key=lambda pair: (pair[0].start - pair[0].end, pair[0].start),
    )
    if not blocks:
        return tuple(findings)
    owner: dict[int, int] = {}  # index of a folded finding -> index of the block finding
    index_of = {id(f): i for i, f in enumerate(findings)}
    for edit, block in blocks:
        b = index_of[id(block)]
        if b in owner:
            continue  # this block is itself folded into a wider one
        for i, other in enumerate(findings):
            inside = edit.start <= other.start and other.end <= edit.end
            if i != b and i not in owner and inside and (other.end > other.start or edit.start < other.start):
                owner[i] = b
    if not owner:
        return tuple(findings)
    members: dict[int, list[Finding]] = {}
    for i, b in sorted(owner.items()):
        members.setdefault(b, []).append(findings[i])
    return tuple(
        replace(f, folded=f.folded + tuple(members[i])) if i in members else f
        for i, f in enumerate(findings)
        if i not in owner
    )


def allowed(fix: Fix | None, unsafe: bool) -> bool:
    return fix is not None and (unsafe or fix.applicability is Applicability.SAFE)


def _conflict(a: Edit, b: Edit) -> bool:
    if a.start < b.end and b.start < a.end:
        return True
    if a.start == a.end:  # an insertion clashes with one at the same point or inside the other's range
        return b.start <= a.start <= b.end and (b.start == b.end or b.start < a.start < b.end)
    if b.start == b.end:
        return a.start < b.start < a.end
    return False


def priority(finding: Finding) -> tuple[int, int, int, str, int]:
    """The order in which fixes are considered: most severe first, then earlier, then wider, then by code."""
    fix = finding.fix
    assert fix is not None
    return (-finding.severity.rank, fix.start, -(fix.end - fix.start), finding.check, finding.start)


def select_fixes(findings: Iterable[Finding], unsafe: bool = False) -> list[Finding]:
    """The findings whose fixes are applied together: no two fixes overlap; the choice is deterministic.

    Findings with identical edits (the same repair found twice) share one fix: the first is kept."""
    chosen: list[Finding] = []
    taken: list[Edit] = []
    seen: set[tuple[Edit, ...]] = set()
    for finding in sorted((f for f in findings if allowed(f.fix, unsafe)), key=priority):
        fix = finding.fix
        assert fix is not None
        if fix.edits in seen:
            continue
        if any(_conflict(edit, other) for edit in fix.edits for other in taken):
            continue
        seen.add(fix.edits)
        taken.extend(fix.edits)
        chosen.append(finding)
    return sorted(chosen, key=lambda f: f.fix.start if f.fix else 0)


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with non-overlapping ``edits`` applied."""
    pieces: list[str] = []
    position = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < position or edit.end > len(text):
            raise ValueError(f"edit {edit.start}-{edit.end} overlaps another or leaves the text")
        pieces.append(text[position : edit.start])
        pieces.append(edit.replacement)
        position = edit.end
    pieces.append(text[position:])
    return "".join(pieces)


def map_offset(offset: int, edits: Sequence[Edit], after: bool = False) -> int:
    """Where ``offset`` of the original text lands once the sorted, non-overlapping ``edits`` are applied.

    An offset inside a replaced span goes to the start of the replacement (or its end, with ``after``)."""
    shift = 0
    for edit in edits:
        if offset < edit.start or (offset == edit.start and not after and edit.start != edit.end):
            break
        if offset < edit.end or (offset == edit.end == edit.start and not after):
            return edit.start + shift + (len(edit.replacement) if after else 0)
        shift += len(edit.replacement) - (edit.end - edit.start)
    return offset + shift


def fixed_text(text: str, findings: Iterable[Finding], unsafe: bool = False) -> tuple[str, list[Finding]]:
    """One round: the text with the selected fixes applied, and the findings they fixed."""
    chosen = select_fixes(findings, unsafe)
    return apply_edits(text, edits_of(chosen)), chosen


def edits_of(findings: Iterable[Finding]) -> list[Edit]:
    """The edits of the findings' fixes, in text order."""
    return sorted((edit for f in findings if f.fix is not None for edit in f.fix.edits), key=lambda e: (e.start, e.end))


@dataclass
class ArticleFix:
    """An article's corrected text and the findings fixed in it (each round's, offsets into that round's text)."""

    article: Article
    text: str
    fixed: list[Finding] = field(default_factory=list)
    #: Fixable findings left because ``unsafe`` was not given.
    unsafe_left: int = 0

    @property
    def changed(self) -> bool:
        return self.text != self.article.text


@dataclass
class BatchFix:
    articles: list[ArticleFix]
    errors: list[InputError]
    passes: int


def fix_batch(
    loaded: Sequence[Article | InputError],
    config: Config,
    unsafe: bool = False,
    checks: Sequence[AnyCheck] | None = None,
    max_passes: int = MAX_PASSES,
) -> BatchFix:
    """Audit, apply the fixes, and audit the corrected text again until no fix is left (``max_passes`` rounds).

    Batch checks (spelling across articles) see the whole batch in every round.
    """
    from audit.checks import build_checks
    from audit.engine import audit_batch

    if checks is None:
        checks = build_checks(config.select, config.ignore, config.checks)
    errors = [item for item in loaded if isinstance(item, InputError)]
    articles = [item for item in loaded if isinstance(item, Article)]
    states = [ArticleFix(article=a, text=a.text) for a in articles]
    passes = 0
    round_errors: tuple[InputError, ...] = ()
    for _ in range(max_passes):
        current = [replace(state.article, text=state.text) for state in states]
        result = audit_batch(current, config, checks=checks)
        round_errors = result.errors
        passes += 1
        changed = False
        for state, article_result in zip(states, result.articles, strict=True):
            text, chosen = fixed_text(state.text, article_result.findings, unsafe)
            state.unsafe_left = sum(
                1 for f in article_result.findings if f.fix is not None and not allowed(f.fix, unsafe)
            )
            if chosen and text != state.text:
                state.fixed.extend(chosen)
                state.text = text
                changed = True
        if not changed:
            break
    errors.extend(e for e in round_errors if e.message.startswith("internal error"))
    return BatchFix(articles=states, errors=errors, passes=passes)


def unified_diff(before: str, after: str, name: str) -> str:
    """A unified diff of one article, ``a/NAME`` against ``b/NAME``; empty when nothing changed."""
    if before == after:
        return ""
    import difflib

    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{name}", f"b/{name}"
    )
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)
