"""Where a finding is, for people and for tools: line and column numbers from character offsets, and
the file (and JSONL line or dataset record) an article came from.

Line and column numbers are 1-based and counted in Unicode code points (Python string indices), lines
being separated by ``\\n`` (so ``\\r\\n`` too), as SARIF's default ``newlineSequences`` say. The end
position is the one just after the last character of the span (SARIF's ``endColumn``).
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from audit.baseline import fingerprint
from audit.model import Finding

_NEWLINE_RE = re.compile("\n")
_JSONL_WHERE_RE = re.compile(r"(?P<file>.+\.(?:jsonl|ndjson)):(?P<line>[0-9]+)", re.IGNORECASE)
_RECORD_WHERE_RE = re.compile(r"(?P<prefix>.+)#(?P<index>[0-9]+)")
_DATASET_FILE_RE = re.compile(r".+\.(?:parquet|arrow)", re.IGNORECASE)


class LineIndex:
    """Line starts of a text, to turn character offsets into (line, column) in O(log lines)."""

    def __init__(self, text: str) -> None:
        self.line_starts = [0, *(match.end() for match in _NEWLINE_RE.finditer(text))]

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based line and column of the character at ``offset``."""
        line = bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1


def finding_dicts(findings: Iterable[Finding], text: str) -> list[dict[str, Any]]:
    """Each finding's ``to_dict()`` with ``line``, ``column``, ``end_line`` and ``end_column`` added."""
    findings = list(findings)
    if not findings:
        return []
    index = LineIndex(text)
    rows = []
    for finding in findings:
        line, column = index.position(finding.start)
        end_line, end_column = index.position(finding.end)
        row = {
            **finding.to_dict(),
            "line": line,
            "column": column,
            "end_line": end_line,
            "end_column": end_column,
            "fingerprint": fingerprint(finding.check, text, finding.start, finding.end),
        }
        if finding.folded:
            row["folded"] = finding_dicts(finding.folded, text)
        rows.append(row)
    return rows


@dataclass(frozen=True)
class Origin:
    """The file an article was read from; ``line`` for a JSONL record, ``record`` for a dataset row."""

    file: str
    line: int | None = None
    record: int | None = None
    split: str | None = None

    @property
    def is_record(self) -> bool:
        return self.line is not None or self.record is not None


def parse_origin(where: str) -> Origin:
    """Split an article's ``path`` as :mod:`audit.inputs` writes it: ``file``, ``file.jsonl:LINE``,
    ``file.parquet#INDEX``, ``dataset_dir#INDEX`` or ``dataset_dir/SPLIT#INDEX``."""
    match = _JSONL_WHERE_RE.fullmatch(where)
    if match:
        return Origin(file=match["file"], line=int(match["line"]))
    match = _RECORD_WHERE_RE.fullmatch(where)
    if match:
        prefix, index = match["prefix"], int(match["index"])
        if _DATASET_FILE_RE.fullmatch(prefix) or Path(prefix).exists() or "/" not in prefix:
            return Origin(file=prefix, record=index)
        folder, split = prefix.rsplit("/", 1)
        return Origin(file=folder, record=index, split=split)
    return Origin(file=where)


def display_location(where: str | None, finding: Mapping[str, Any]) -> str:
    """``path:line:column`` for a file; ``file.jsonl:12 (3:5)`` for a record (position inside its text)."""
    line, column = finding.get("line"), finding.get("column")
    if not where:
        return f"{line}:{column}" if line is not None else ""
    if line is None:
        return where
    origin = parse_origin(where)
    if origin.is_record:
        return f"{where} ({line}:{column})"
    return f"{where}:{line}:{column}"


def excerpt(text: str, limit: int = 200) -> str:
    """``text`` cut to ``limit`` characters (the middle gives way), for messages about long spans."""
    if len(text) <= limit:
        return text
    half = (limit - 1) // 2
    return f"{text[:half]}…{text[len(text) - half :]}"


def artifact_uri(file: str, base: Path | None = None) -> tuple[str, bool]:
    """A URI for ``file``: relative to ``base`` (default: the current folder) when it is inside it,
    else an absolute ``file:`` URI. The flag says whether the URI is relative."""
    base = (base or Path.cwd()).resolve()
    path = Path(file)
    absolute = path if path.is_absolute() else Path.cwd() / path
    try:
        resolved = absolute.resolve()
    except (OSError, RuntimeError):  # a link that loops: name the file as given
        resolved = Path(os.path.normpath(absolute))
    try:
        relative = resolved.relative_to(base)
    except ValueError:
        return resolved.as_uri(), False
    return quote(relative.as_posix(), safe="/"), True
