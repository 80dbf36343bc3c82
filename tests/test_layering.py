"""Layering rules: checks never import each other, and Arabic knowledge lives in ``audit.arabic`` alone."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "audit"
CHECK_MODULES = sorted(p for p in (PACKAGE / "checks").glob("*.py") if p.name != "__init__.py")

#: What a check module may import from the project, and why.
ALLOWED = (
    "audit.arabic",  # everything that knows Arabic
    "audit.checks.base",  # the check interface
    "audit.model",  # the model: articles, findings, fixes
    "audit.context",
    "audit.text",
    "audit.resources",  # resources: data files and what is read from them
    "audit.glossary",
    "audit.residue",
    "audit.literals",  # what every match of a regular expression contains (quick tests before searching)
    "audit.langid",
    "audit.analyses",  # per-article analyses several checks share
    "audit.fixes",
    "audit.references",  # references and machine translation, for the checks that compare against them
    "audit.align",
    "audit.translate",
)


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module ``path`` imports (at any depth, relative imports resolved), with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = ["audit", "checks"][: 3 - node.level] if node.level <= 2 else []
                module = ".".join([*base, module] if module else base)
            if module in ("audit", "audit.checks", "audit.arabic"):  # ``from audit import resources``
                found.extend((node.lineno, f"{module}.{alias.name}") for alias in node.names)
            else:
                found.append((node.lineno, module))
    return found


def test_the_rule_sees_check_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import re\nfrom audit.checks.garbled import x\nfrom audit import engine\ndef f():\n    from .traps import y\n"
    )
    assert [m for _, m in _imports(sample)] == ["re", "audit.checks.garbled", "audit.engine", "audit.checks.traps"]


@pytest.mark.parametrize("path", CHECK_MODULES, ids=lambda p: p.name)
def test_checks_import_no_other_check(path: Path) -> None:
    wrong = [
        f"{path.name}:{line} imports {module}"
        for line, module in _imports(path)
        if module.startswith("audit.checks") and module != "audit.checks.base"
    ]
    assert not wrong, "checks must not import each other; move shared code to audit.arabic or audit.analyses"


@pytest.mark.parametrize("path", CHECK_MODULES, ids=lambda p: p.name)
def test_checks_import_only_allowed_project_modules(path: Path) -> None:
    wrong = [
        f"{path.name}:{line} imports {module}"
        for line, module in _imports(path)
        if module.startswith("audit") and not any(module == a or module.startswith(a + ".") for a in ALLOWED)
    ]
    assert not wrong


# Arabic knowledge that must not be written again outside audit/arabic: letter-fold pairs, the marks pattern,
# digit tables, Buckwalter tables, clitic lists.
_ARABIC_TABLES = (
    re.compile(r"[\"']أ[\"']\s*[:,]\s*[\"']ا[\"']"),  # an alef fold: "أ": "ا" or ("أ", "ا")
    re.compile(r"re\.compile\(f?[\"']\[\{ARABIC_MARKS\}\]"),  # a private marks pattern
    re.compile("٠١٢٣٤٥٦٧٨٩|\\\\u0660-\\\\u0669"),  # a digit table or range
    re.compile(r"[\"']\$[\"']\s*:\s*[\"']ش[\"']"),  # a Buckwalter table
    re.compile(r"\(\s*[\"']وب[\"']\s*,\s*[\"']ول[\"']"),  # a clitic list
)


def test_no_arabic_tables_outside_the_arabic_package() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "arabic" in path.relative_to(PACKAGE).parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(pattern.search(line) for pattern in _ARABIC_TABLES):
                found.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert not found, "write Arabic tables in audit/arabic, not here:\n" + "\n".join(found)
