"""Repeated findings shown once: the findings of one check at one severity in one article make a group
("P401 ×41"), shown as one line with the first finding's message and one fix for all of them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

_RANK = {"info": 0, "minor": 1, "major": 2, "critical": 3}


@dataclass(frozen=True)
class Group:
    """Findings (report dicts) of one check at one severity in one article, in text order."""

    findings: tuple[Mapping[str, Any], ...]

    @property
    def first(self) -> Mapping[str, Any]:
        return self.findings[0]

    @property
    def check(self) -> str:
        return str(self.first["check"])

    @property
    def severity(self) -> str:
        return str(self.first["severity"])

    @property
    def count(self) -> int:
        return len(self.findings)

    @property
    def label(self) -> str:
        """``P401`` or ``P401 ×41``."""
        return self.check if self.count == 1 else f"{self.check} ×{self.count}"

    @property
    def fix(self) -> dict[str, Any] | None:
        """One fix for the whole group: every member's edits (members without a fix add nothing), ``unsafe``
        as soon as one member's fix is."""
        fixes = [f["fix"] for f in self.findings if f.get("fix")]
        if not fixes:
            return None
        edits = sorted((e for fix in fixes for e in fix["edits"]), key=lambda e: (e["start"], e["end"]))
        unsafe = any(fix["applicability"] != "safe" for fix in fixes)
        return {"applicability": "unsafe" if unsafe else "safe", "edits": edits}


def group_findings(findings: Iterable[Mapping[str, Any]]) -> list[Group]:
    """Groups by check and severity, most severe first, then by the first member's position."""
    members: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for finding in sorted(findings, key=lambda f: (f["start"], f["end"])):
        members.setdefault((finding["check"], finding["severity"]), []).append(finding)
    groups = [Group(tuple(found)) for found in members.values()]
    groups.sort(key=lambda g: (-_RANK.get(g.severity, 0), g.first["start"], g.check))
    return groups


def terminal_lines(findings: Iterable[Mapping[str, Any]], limit: int = 5) -> list[str]:
    """Indented lines for the terminal: one per group, the most severe first, at most ``limit``."""
    groups = [g for g in group_findings(findings) if g.severity != "info"]
    lines = []
    for group in groups[:limit]:
        first = group.first
        fix = " [fix]" if group.fix is not None else ""
        message = str(first["message"])
        message = message if len(message) <= 110 else message[:109].rstrip() + "…"
        lines.append(f"      {group.severity:<8} {group.label:<10} {message}{fix}")
    if len(groups) > limit:
        lines.append(f"      … and {len(groups) - limit} more")
    return lines
