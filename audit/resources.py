"""Where the editable reference resources live (allowlists, residue patterns, glossary, meaning traps).

They are plain files in the top-level ``references/`` folder, next to the package; the environment
variable ``AUDIT_REFERENCES`` points elsewhere (a team's own copy).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any


def references_dir() -> Path:
    override = os.environ.get("AUDIT_REFERENCES")
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent / "references"


def reference_file(name: str) -> Path:
    """A resource file by name, e.g. ``reference_file("residue_patterns.txt")``."""
    return references_dir() / name


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML resource file; a syntax error becomes ``ValueError`` naming the file."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: not valid TOML: {exc}") from exc
